//! The contract corpus: our Solidity sources in `contracts/src`, compiled by solc-js in four
//! settings into `contracts/artifacts/<setting>/<File>.json` (`contracts/compile.mjs`).

use std::{collections::BTreeMap, fmt, fs, path::PathBuf};

use alloy_dyn_abi::{DynSolValue, FunctionExt, JsonAbiExt};
use alloy_json_abi::{Function, JsonAbi};
use alloy_primitives::{hex, Bytes};
use serde::Deserialize;

/// A solc configuration the corpus is compiled in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Setting {
    /// Legacy code generator, optimizer off.
    Legacy,
    /// Legacy code generator, optimizer on (200 runs).
    LegacyOpt,
    /// Via-IR code generator, optimizer off.
    ViaIr,
    /// Via-IR code generator, optimizer on (200 runs).
    ViaIrOpt,
}

impl Setting {
    /// All four settings.
    pub const ALL: [Setting; 4] = [
        Setting::Legacy,
        Setting::LegacyOpt,
        Setting::ViaIr,
        Setting::ViaIrOpt,
    ];

    /// The artifact directory name of the setting.
    pub fn dir_name(self) -> &'static str {
        match self {
            Setting::Legacy => "legacy",
            Setting::LegacyOpt => "legacy-opt",
            Setting::ViaIr => "via-ir",
            Setting::ViaIrOpt => "via-ir-opt",
        }
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.dir_name())
    }
}

/// The corpus directory, `tests/contracts`.
pub fn contracts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("contracts")
}

/// The names of the corpus source files (`Token` for `src/Token.sol`), sorted.
pub fn source_files() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(contracts_dir().join("src"))
        .expect("tests/contracts/src exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "sol"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// One compiled artifact file: every contract of one source file in one setting.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactFile {
    /// The solc version that produced it.
    pub compiler: String,
    /// The source path as given to solc (`src/Token.sol`).
    pub source: String,
    /// The SHA-256 of the source file it was compiled from, hex.
    pub source_sha256: String,
    /// The contracts of the file, by name.
    pub contracts: BTreeMap<String, SolcContract>,
}

/// The part of solc's standard-JSON output for one contract that the tests read.
#[derive(Debug, Deserialize)]
pub struct SolcContract {
    /// The ABI.
    pub abi: JsonAbi,
    /// Code and code metadata.
    pub evm: SolcEvm,
}

/// solc's `evm` output section.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SolcEvm {
    /// The creation code.
    pub bytecode: SolcBytecode,
    /// The runtime code.
    pub deployed_bytecode: SolcBytecode,
}

/// A code object in solc's output.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SolcBytecode {
    /// The code, hex without `0x`.
    pub object: String,
    /// solc's internal functions in this code, by name.
    #[serde(default)]
    pub function_debug_data: BTreeMap<String, SolcFunction>,
}

/// What solc says about one internal function of a code object.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SolcFunction {
    /// The offset of its first instruction; `None` when it was inlined everywhere.
    pub entry_point: Option<u32>,
    /// Stack slots it takes, not counting the return label.
    pub parameter_slots: usize,
    /// Stack slots it returns.
    pub return_slots: usize,
}

/// Reads the artifact of source file `file` (`Token`) compiled in `setting`.
pub fn artifact_file(setting: Setting, file: &str) -> ArtifactFile {
    let path = contracts_dir()
        .join("artifacts")
        .join(setting.dir_name())
        .join(format!("{file}.json"));
    let text = fs::read_to_string(&path).unwrap_or_else(|err| {
        panic!(
            "{}: {err} (run node tests/contracts/compile.mjs)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// A compiled corpus contract.
#[derive(Clone, Debug)]
pub struct Contract {
    /// The contract name.
    pub name: String,
    /// The setting it was compiled in.
    pub setting: Setting,
    /// Its ABI.
    pub abi: JsonAbi,
    /// The creation code, without constructor arguments.
    pub initcode: Bytes,
    /// The runtime code solc reports (immutables still zero placeholders).
    pub runtime_code: Bytes,
    /// solc's internal functions of the initcode, by name.
    pub initcode_functions: BTreeMap<String, SolcFunction>,
    /// solc's internal functions of the runtime code, by name.
    pub runtime_functions: BTreeMap<String, SolcFunction>,
}

impl Contract {
    /// Loads contract `name` of source file `file` compiled in `setting`.
    pub fn load(setting: Setting, file: &str, name: &str) -> Self {
        let mut artifact = artifact_file(setting, file);
        let solc = artifact
            .contracts
            .remove(name)
            .unwrap_or_else(|| panic!("{file}.sol has no contract {name}"));
        Self {
            name: name.to_string(),
            setting,
            abi: solc.abi,
            initcode: decode_hex(&solc.evm.bytecode.object),
            runtime_code: decode_hex(&solc.evm.deployed_bytecode.object),
            initcode_functions: solc.evm.bytecode.function_debug_data,
            runtime_functions: solc.evm.deployed_bytecode.function_debug_data,
        }
    }

    /// Creation transaction data: the initcode followed by the ABI-encoded constructor
    /// arguments.
    pub fn deploy_data(&self, args: &[DynSolValue]) -> Bytes {
        let encoded_args = match &self.abi.constructor {
            Some(constructor) => constructor
                .abi_encode_input(args)
                .unwrap_or_else(|err| panic!("{} constructor arguments: {err}", self.name)),
            None if args.is_empty() => Vec::new(),
            None => panic!("{} has no constructor to take arguments", self.name),
        };
        [self.initcode.as_ref(), &encoded_args].concat().into()
    }

    /// Calldata calling `function` (by name; it must not be overloaded) with `args`.
    pub fn calldata(&self, function: &str, args: &[DynSolValue]) -> Bytes {
        self.function(function)
            .abi_encode_input(args)
            .unwrap_or_else(|err| panic!("{}.{function} arguments: {err}", self.name))
            .into()
    }

    /// Decodes the return data of a successful call of `function`.
    pub fn decode_output(&self, function: &str, output: &[u8]) -> Vec<DynSolValue> {
        self.function(function)
            .abi_decode_output(output)
            .unwrap_or_else(|err| {
                panic!(
                    "{}.{function} output {}: {err}",
                    self.name,
                    hex::encode(output)
                )
            })
    }

    /// The ABI entry of `function`, which must exist and not be overloaded.
    pub fn function(&self, function: &str) -> &Function {
        match self.abi.function(function).map(Vec::as_slice) {
            Some([only]) => only,
            Some(_) => panic!("{}.{function} is overloaded", self.name),
            None => panic!("{} has no function {function}", self.name),
        }
    }
}

fn decode_hex(object: &str) -> Bytes {
    hex::decode(object)
        .unwrap_or_else(|err| panic!("artifact code is not hex: {err}"))
        .into()
}

/// A code blob of the corpus: a label, its contract, the code, and solc's account of the
/// code's internal functions.
pub type Blob = (String, Contract, Vec<u8>, BTreeMap<String, SolcFunction>);

/// Every code blob of the corpus.
pub fn blobs() -> Vec<Blob> {
    let mut blobs = Vec::new();
    for setting in Setting::ALL {
        for file in source_files() {
            for name in artifact_file(setting, &file).contracts.keys() {
                let contract = Contract::load(setting, &file, name);
                if contract.runtime_code.is_empty() {
                    continue;
                }
                blobs.push((
                    format!("{setting}/{name}/runtime"),
                    contract.clone(),
                    contract.runtime_code.to_vec(),
                    contract.runtime_functions.clone(),
                ));
                blobs.push((
                    format!("{setting}/{name}/initcode"),
                    contract.clone(),
                    contract.initcode.to_vec(),
                    contract.initcode_functions,
                ));
            }
        }
    }
    blobs
}
