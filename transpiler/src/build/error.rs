//! What can go wrong building a project's contracts, each error naming the file, the
//! contract, the code blob and the stage it is about.

use std::{fmt, io, path::PathBuf};

use crate::{artifact::ArtifactError, pipeline::CompileError};

/// A build failed. `Debug` prints the message too, so that a build script's
/// `fn main() -> Result<(), BuildError>` shows it as it is.
#[derive(thiserror::Error)]
pub enum BuildError {
    /// Neither [`Project::out_dir`](super::Project::out_dir) nor cargo's `OUT_DIR` says where
    /// to write.
    #[error("OUT_DIR is not set: run evmove::build from a build script, or give Project::out_dir")]
    NoOutDir,
    /// An input file or directory could not be read.
    #[error("cannot read {}: {error}", path.display())]
    Read {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        error: io::Error,
    },
    /// An input is not an artifact evmove reads (the error names the file, contract and field).
    #[error("{0}")]
    Artifact(#[from] ArtifactError),
    /// A code blob did not compile.
    #[error("{}: contract {contract}, {blob}: {stage} failed: {error}", file.display())]
    Compile {
        /// The input the contract came from.
        file: PathBuf,
        /// The contract's label (`src/Token.sol:Token`).
        contract: String,
        /// Which code blob (`runtime`, `initcode`, ...).
        blob: String,
        /// The pipeline's stage: `lifting`, `optimising` or `lowering`.
        stage: &'static str,
        /// What went wrong there (boxed: it is large, and errors are rare).
        error: Box<CompileError>,
    },
    /// Two contracts of the inputs share a name but differ (code or ABI): their bindings and
    /// modules would collide.
    #[error(
        "two different contracts are named {name}: {} ({first}) and {} ({second}); rename one or leave an input out",
        first_file.display(),
        second_file.display()
    )]
    DuplicateContract {
        /// The name.
        name: String,
        /// The first contract's input and label.
        first_file: PathBuf,
        /// Its label.
        first: String,
        /// The second contract's input.
        second_file: PathBuf,
        /// Its label.
        second: String,
    },
    /// Two different modules would get the same name.
    #[error(
        "two different modules would both be named {name}: {first} and {second}; rename a contract"
    )]
    NameClash {
        /// The module name.
        name: String,
        /// The first blob (`<file>: <contract> <blob>`).
        first: String,
        /// The other.
        second: String,
    },
    /// Two contracts' names give one Rust module name in the bindings.
    #[error(
        "the bindings of {first} and {second} would both be the Rust module {module}; rename one"
    )]
    BindingNameClash {
        /// The module name (the contract name in snake case).
        module: String,
        /// The first contract's label.
        first: String,
        /// The other's.
        second: String,
    },
    /// Solidity sources were given but no compiler.
    #[error("Solidity sources need a solc binary or a solc-js directory: set SOLC or SOLCJS, or call Project::solc or Project::solc_js (evmove never downloads a compiler)")]
    NoSolc,
    /// solc could not be run, or gave no standard-JSON output.
    #[error("solc ({}) {what}", solc.display())]
    SolcRun {
        /// The binary, or the solc-js directory.
        solc: PathBuf,
        /// What went wrong.
        what: String,
    },
    /// solc reported errors: each of its messages, formatted as solc formats them.
    #[error("solc ({}) reported {} error(s):\n{}", solc.display(), errors.len(), errors.join("\n"))]
    Solc {
        /// The binary, or the solc-js directory.
        solc: PathBuf,
        /// Its error messages.
        errors: Vec<String>,
    },
    /// An output file could not be written.
    #[error("cannot write {}: {error}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        error: io::Error,
    },
}

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The stage of the pipeline `error` happened in, as [`BuildError::Compile`] names it.
pub(super) fn stage_of(error: &CompileError) -> &'static str {
    match error {
        CompileError::Lift(_) => "lifting",
        CompileError::Malformed { .. } => "optimising",
        CompileError::Lower(_) => "lowering",
    }
}
