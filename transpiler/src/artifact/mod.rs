//! Reading the inputs users hand us: every shape of compiler output, down to the code, ABI,
//! immutable positions and storage layout of each contract.
//!
//! [`load`] takes the input's bytes and decides its shape by looking, never by file name:
//!
//! - **Raw hex** (anything not starting with `{`, `[` or `"`): `0x` optional, ASCII
//!   whitespace ignored anywhere. Hex alone does not say whether it is initcode or runtime
//!   code, so the one contract it yields has [`Bytecode::Unlabelled`] code and no name; this
//!   module does not guess (initcode usually ends by returning a copy of the runtime code,
//!   but telling them apart for sure needs a run or the user's word).
//! - **JSON**: solc standard-JSON output (also as found inside Hardhat and Foundry build
//!   info), solc `--combined-json`, a single solc contract (solc-js, Waffle), Foundry
//!   `out/X.sol/X.json`, Hardhat and Truffle artifacts, and evmove's own corpus wrapper.
//!   The private module `shape` documents how the shape is decided, `contract` where each
//!   value is read from.
//!
//! What the caller can rely on, for every contract returned:
//!
//! - code is never empty: an empty code string (`""`, `"0x"`: interfaces, abstract
//!   contracts) is `None`;
//! - code has no unlinked library placeholders: those are an
//!   [`ArtifactError::UnlinkedLibrary`] naming each placeholder, its library when known, and
//!   the contract;
//! - every [`ByteRange`] in `immutable_references` lies inside the runtime code;
//! - contracts of a multi-contract file come sorted by source file, then name.
//!
//! No input makes this module panic; a bad one is an [`ArtifactError`] that names the
//! contract and the field path it is about.

mod contract;
mod error;
mod hex;
mod link;
mod shape;
#[cfg(test)]
mod tests;

use std::{collections::BTreeMap, fmt, path::Path};

use alloy_json_abi::JsonAbi;
use alloy_primitives::Bytes;
use serde_json::Value;

pub use error::{ArtifactError, Location, Placeholder};

/// One contract read from an artifact.
#[derive(Clone, Debug, PartialEq)]
pub struct Contract {
    /// Which shape of input it came from.
    pub shape: Shape,
    /// The contract's name, where the artifact gives it; `None` for raw hex.
    pub name: Option<String>,
    /// The source file that defines it, as the compiler named it (`src/Token.sol`).
    pub source: Option<String>,
    /// Its code.
    pub code: Bytecode,
    /// Its ABI, when the artifact has one.
    pub abi: Option<JsonAbi>,
    /// solc's `immutableReferences`: for each immutable, by AST id (as a string, as solc
    /// writes it), where its value sits in the runtime code. Empty when the artifact has none.
    pub immutable_references: BTreeMap<String, Vec<ByteRange>>,
    /// solc's `storageLayout`, as it is in the artifact.
    pub storage_layout: Option<Value>,
}

impl Contract {
    /// The initcode, if the artifact says which code is the initcode and has some.
    pub fn initcode(&self) -> Option<&Bytes> {
        match &self.code {
            Bytecode::Labelled { initcode, .. } => initcode.as_ref(),
            Bytecode::Unlabelled(_) => None,
        }
    }

    /// The runtime (deployed) code, if the artifact says which code is the runtime code
    /// and has some.
    pub fn runtime(&self) -> Option<&Bytes> {
        match &self.code {
            Bytecode::Labelled { runtime, .. } => runtime.as_ref(),
            Bytecode::Unlabelled(_) => None,
        }
    }

    /// How messages name the contract: `src/Token.sol:Token`, or whichever half is known,
    /// or `unnamed contract`.
    pub fn label(&self) -> String {
        contract::label_of(self.name.as_deref(), self.source.as_deref())
            .unwrap_or_else(|| "unnamed contract".to_owned())
    }
}

/// A contract's code, as far as the input says what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bytecode {
    /// From an artifact that labels its code. Either may be `None`: the contract has none
    /// (an interface, an abstract contract) or the artifact leaves it out.
    Labelled {
        /// The creation code (`bytecode`, `bin`).
        initcode: Option<Bytes>,
        /// The deployed code (`deployedBytecode`, `bin-runtime`).
        runtime: Option<Bytes>,
    },
    /// Raw hex: initcode or runtime code, the input does not say which. Never empty.
    Unlabelled(Bytes),
}

/// A range of bytes in code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ByteRange {
    /// Offset of the first byte.
    pub start: usize,
    /// Number of bytes.
    pub length: usize,
}

/// The shapes of input [`load`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    /// Hex text.
    RawHex,
    /// solc standard-JSON output: `contracts` by source file, then by name.
    StandardJson,
    /// solc `--combined-json`: `contracts` keyed `file.sol:Name`, with `bin`/`bin-runtime`.
    CombinedJson,
    /// A `contracts` map keyed by name alone (evmove's corpus wrapper).
    ContractMap,
    /// One contract of solc (or solc-js, Waffle) output: `abi` and `evm` at the top level.
    SolcContract,
    /// Foundry's `out/X.sol/X.json`.
    Foundry,
    /// Hardhat's `artifacts/…/X.json`.
    Hardhat,
    /// Truffle's `build/contracts/X.json`, and other flat artifacts with hex-string code.
    Truffle,
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::RawHex => "raw hex",
            Self::StandardJson => "solc standard-JSON output",
            Self::CombinedJson => "solc --combined-json output",
            Self::ContractMap => "contracts map",
            Self::SolcContract => "solc contract output",
            Self::Foundry => "Foundry artifact",
            Self::Hardhat => "Hardhat artifact",
            Self::Truffle => "Truffle artifact",
        })
    }
}

/// Reads every contract in `input`, whatever its shape (see the module doc).
///
/// A JSON artifact with no contracts (standard-JSON output of files that define none)
/// gives an empty list; raw hex gives exactly one contract.
pub fn load(input: &[u8]) -> Result<Vec<Contract>, ArtifactError> {
    let input = input.strip_prefix(b"\xef\xbb\xbf").unwrap_or(input);
    let Some(&first) = input.iter().find(|b| !b.is_ascii_whitespace()) else {
        return Err(ArtifactError::Empty);
    };
    if matches!(first, b'{' | b'[' | b'"') {
        let value: Value =
            serde_json::from_slice(input).map_err(|error| ArtifactError::InvalidJson {
                message: error.to_string(),
            })?;
        return shape::read_json(&value);
    }
    let code = hex::decode(input).map_err(|error| match error {
        hex::HexError::InvalidDigit { position, byte } => ArtifactError::NotHexOrJson {
            offset: position,
            found: error::describe_byte(byte),
        },
        hex::HexError::OddLength { digits } => ArtifactError::OddLengthHex {
            at: Location::Input,
            digits,
        },
        hex::HexError::Unlinked(occurrences) => ArtifactError::UnlinkedLibrary {
            at: Location::Input,
            placeholders: link::describe(occurrences, None),
        },
    })?;
    if code.is_empty() {
        return Err(ArtifactError::Empty);
    }
    Ok(vec![Contract {
        shape: Shape::RawHex,
        name: None,
        source: None,
        code: Bytecode::Unlabelled(code.into()),
        abi: None,
        immutable_references: BTreeMap::new(),
        storage_layout: None,
    }])
}

/// Reads the file at `path` with [`load`]; errors name the file
/// ([`ArtifactError::InFile`], or [`ArtifactError::Io`] if it cannot be read).
pub fn load_path(path: &Path) -> Result<Vec<Contract>, ArtifactError> {
    let bytes = std::fs::read(path).map_err(|error| ArtifactError::Io {
        path: path.to_owned(),
        error,
    })?;
    load(&bytes).map_err(|error| ArtifactError::InFile {
        path: path.to_owned(),
        error: Box::new(error),
    })
}
