//! What reading an artifact gives: each contract's code, ABI and layout, and the shape of
//! input it came from.

use std::{collections::BTreeMap, fmt};

use alloy_json_abi::JsonAbi;
use alloy_primitives::Bytes;
use serde_json::Value;

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
        label_of(self.name.as_deref(), self.source.as_deref())
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

/// The shapes of input [`load`](super::load) reads.
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

/// How errors and [`Contract::label`] name a contract: `file.sol:Name`, or whichever half
/// is known.
pub(super) fn label_of(name: Option<&str>, source: Option<&str>) -> Option<String> {
    match (source, name) {
        (Some(source), Some(name)) => Some(format!("{source}:{name}")),
        (None, Some(only)) | (Some(only), None) => Some(only.to_owned()),
        (None, None) => None,
    }
}
