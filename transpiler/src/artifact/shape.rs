//! Deciding which tool wrote a JSON artifact, and where its contracts are.
//!
//! The top-level object decides, in this order (the first rule that applies wins):
//!
//! 1. An `errors` array with an entry of severity `error` (solc standard-JSON output): the
//!    compile failed, so that is the error, whatever else the file holds.
//! 2. `_format` starting with `hh` and naming an artifact (`hh-sol-artifact-1`,
//!    `hh3-artifact-1`): Hardhat.
//! 3. A `contracts` object. Each entry is either one contract or a map from contract names
//!    to contracts (a file of standard-JSON output, keyed by source file). An entry is one
//!    contract if it holds an `abi` array or string, a `bin` or `bin-runtime` string, an
//!    `evm` object with any of solc's `evm` outputs, a `storageLayout` with `storage`, or a
//!    `metadata` string; otherwise it must be a map whose values are all objects. A contract
//!    entry's key is `file:Name` (`--combined-json`, split at the last `:`) or just `Name`
//!    (evmove's corpus wrapper, whose top-level `source` then names the file).
//! 4. An `output` object: a build-info file (Hardhat's `hh-sol-build-info-1`, Foundry's
//!    `out/build-info/*.json`), holding standard-JSON output there; it is read by these rules.
//! 5. An `errors` array and no `contracts`: standard-JSON output with nothing compiled.
//! 6. `evm` object: a single contract of solc (or solc-js, Waffle) output.
//! 7. `bytecode` or `deployedBytecode` as an object: Foundry. As a string: Hardhat if a
//!    `sourceName` is given, else Truffle (and any other flat artifact of hex strings).
//!
//! Anything else is [`ArtifactError::UnknownShape`], listing the top-level keys, with a hint
//! for a few likely mistakes (solc standard-JSON *input*, a bare ABI, a quoted hex string,
//! a Hardhat `.dbg.json` file).
//!
//! Names: Hardhat and Truffle give `contractName` and `sourceName`/`sourcePath`. Foundry and
//! single solc contracts name themselves only through their metadata's
//! `settings.compilationTarget` (`metadata` as an object or a JSON string, or Foundry's
//! `rawMetadata`); failing that, Foundry's `ast` gives the file (`absolutePath`) and, if the
//! file defines exactly one contract, its name.

use serde_json::{Map, Value};

use super::{
    contract::read_contract,
    describe::describe_value,
    error::{ArtifactError, Location},
    types::{Contract, Shape},
};

/// Finds and reads every contract in a parsed JSON artifact.
pub(super) fn read_json(value: &Value) -> Result<Vec<Contract>, ArtifactError> {
    let Value::Object(top) = value else {
        let hint = match value {
            Value::Array(_) => Some("a bare array is not an artifact; an ABI alone holds no code"),
            Value::String(_) => Some("if the string holds hex code, pass the hex without quotes"),
            _ => None,
        };
        return Err(ArtifactError::UnknownShape {
            found: describe_value(value),
            hint,
        });
    };
    check_compile_errors(top)?;
    let format = top
        .get("_format")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if format.starts_with("hh") && format.contains("artifact") {
        return read_flat(top, Shape::Hardhat).map(|contract| vec![contract]);
    }
    if let Some(contracts) = top.get("contracts") {
        return read_contract_map(top, contracts);
    }
    if let Some(output) = top.get("output").filter(|output| output.is_object()) {
        return read_json(output);
    }
    if top.get("errors").is_some_and(Value::is_array) {
        return Ok(Vec::new());
    }
    if top.get("evm").is_some_and(Value::is_object) {
        let (source, name) = compilation_target(top).unzip();
        return read_contract(top, Shape::SolcContract, name, source).map(|c| vec![c]);
    }
    let code = [top.get("bytecode"), top.get("deployedBytecode")];
    if code.iter().flatten().any(|value| value.is_object()) {
        let (source, name) = match compilation_target(top) {
            Some((source, name)) => (Some(source), Some(name)),
            None => ast_naming(top),
        };
        return read_contract(top, Shape::Foundry, name, source).map(|c| vec![c]);
    }
    if code.iter().flatten().any(|value| value.is_string()) {
        let shape = if top.contains_key("sourceName") {
            Shape::Hardhat
        } else {
            Shape::Truffle
        };
        return read_flat(top, shape).map(|contract| vec![contract]);
    }
    let hint = if top.contains_key("language") && top.contains_key("sources") {
        Some(
            "this looks like solc standard-JSON *input*; compile it (`solc --standard-json`) \
             and pass the output",
        )
    } else if format.contains("dbg") {
        Some("a Hardhat debug file (`X.dbg.json`) holds no code; pass the artifact `X.json` beside it")
    } else {
        None
    };
    Err(ArtifactError::UnknownShape {
        found: describe_value(value),
        hint,
    })
}

fn check_compile_errors(top: &Map<String, Value>) -> Result<(), ArtifactError> {
    let Some(errors) = top.get("errors").and_then(Value::as_array) else {
        return Ok(());
    };
    let messages: Vec<String> = errors
        .iter()
        .filter(|error| {
            error
                .get("severity")
                .and_then(Value::as_str)
                .is_some_and(|severity| severity.eq_ignore_ascii_case("error"))
        })
        .map(|error| {
            ["formattedMessage", "message"]
                .iter()
                .find_map(|key| error.get(*key).and_then(Value::as_str))
                .map_or_else(
                    || error.to_string(),
                    |message| message.trim_end().to_owned(),
                )
        })
        .collect();
    if messages.is_empty() {
        Ok(())
    } else {
        Err(ArtifactError::CompileErrors { messages })
    }
}

/// Hardhat and Truffle: one contract that names itself.
fn read_flat(top: &Map<String, Value>, shape: Shape) -> Result<Contract, ArtifactError> {
    let string = |key: &str| top.get(key).and_then(Value::as_str).map(str::to_owned);
    let name = string("contractName");
    let source = string("sourceName")
        .or_else(|| string("inputSourceName"))
        .or_else(|| string("sourcePath"));
    read_contract(top, shape, name, source)
}

fn read_contract_map(
    top: &Map<String, Value>,
    contracts: &Value,
) -> Result<Vec<Contract>, ArtifactError> {
    let Some(entries) = contracts.as_object() else {
        return Err(ArtifactError::InvalidField {
            at: Location::field(None, "contracts"),
            expected: "an object",
            found: describe_value(contracts),
        });
    };
    let wrapper_source = top.get("source").and_then(Value::as_str);
    let mut found = Vec::new();
    for (key, entry) in entries {
        let not_a_contract = |expected| ArtifactError::InvalidField {
            at: Location::field(None, format!("contracts.{key}")),
            expected,
            found: describe_value(entry),
        };
        let Some(entry) = entry.as_object() else {
            return Err(not_a_contract("an object"));
        };
        if looks_like_contract(entry) {
            let (source, name, shape) = match key.rsplit_once(':') {
                Some((source, name)) if !source.is_empty() && !name.is_empty() => {
                    (Some(source), name, Shape::CombinedJson)
                }
                _ if entry.contains_key("bin") || entry.contains_key("bin-runtime") => {
                    (wrapper_source, key.as_str(), Shape::CombinedJson)
                }
                _ => (wrapper_source, key.as_str(), Shape::ContractMap),
            };
            found.push(read_contract(
                entry,
                shape,
                Some(name.to_owned()),
                source.map(str::to_owned),
            )?);
        } else if entry.values().all(Value::is_object) {
            for (name, contract) in entry {
                let Some(contract) = contract.as_object() else {
                    continue; // unreachable: every value is an object
                };
                found.push(read_contract(
                    contract,
                    Shape::StandardJson,
                    Some(name.clone()),
                    Some(key.clone()),
                )?);
            }
        } else {
            return Err(not_a_contract(
                "a contract, or an object from contract names to contracts",
            ));
        }
    }
    found.sort_by(|a, b| (&a.source, &a.name).cmp(&(&b.source, &b.name)));
    Ok(found)
}

/// Whether a `contracts` entry is one contract rather than a file's map of contracts.
fn looks_like_contract(entry: &Map<String, Value>) -> bool {
    const EVM_OUTPUTS: [&str; 6] = [
        "bytecode",
        "deployedBytecode",
        "methodIdentifiers",
        "gasEstimates",
        "assembly",
        "legacyAssembly",
    ];
    let is = |key: &str, test: fn(&Value) -> bool| entry.get(key).is_some_and(test);
    is("abi", |v| v.is_array() || v.is_string())
        || is("bin", Value::is_string)
        || is("bin-runtime", Value::is_string)
        || is("metadata", Value::is_string)
        || is("evm", |v| {
            v.as_object()
                .is_some_and(|evm| EVM_OUTPUTS.iter().any(|key| evm.contains_key(*key)))
        })
        || is("storageLayout", |v| v.get("storage").is_some())
}

/// `(source file, contract name)` from the metadata's `settings.compilationTarget`.
fn compilation_target(top: &Map<String, Value>) -> Option<(String, String)> {
    ["metadata", "rawMetadata"].iter().find_map(|key| {
        let parsed;
        let metadata = match top.get(*key)? {
            Value::String(text) => {
                parsed = serde_json::from_str::<Value>(text).ok()?;
                &parsed
            }
            other => other,
        };
        let target = metadata
            .pointer("/settings/compilationTarget")?
            .as_object()?;
        match target.iter().collect::<Vec<_>>()[..] {
            [(source, name)] => Some((source.clone(), name.as_str()?.to_owned())),
            _ => None,
        }
    })
}

/// `(source file, contract name)` from a Foundry artifact's `ast`, as far as it tells.
fn ast_naming(top: &Map<String, Value>) -> (Option<String>, Option<String>) {
    let Some(ast) = top.get("ast") else {
        return (None, None);
    };
    let source = ast
        .get("absolutePath")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let names: Vec<&str> = ast
        .get("nodes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|node| node.get("nodeType").and_then(Value::as_str) == Some("ContractDefinition"))
        .filter_map(|node| node.get("name").and_then(Value::as_str))
        .collect();
    let name = match names[..] {
        [only] => Some(only.to_owned()),
        _ => None,
    };
    (source, name)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::artifact::{load, ByteRange, Bytecode};

    fn load_json(value: Value) -> Result<Vec<Contract>, ArtifactError> {
        load(value.to_string().as_bytes())
    }

    const INITCODE: &str = "6080604052348015600e575f5ffd5b50603e80601a5f395ff3fe";
    /// `PUSH32 <immutable> PUSH0 MSTORE PUSH1 32 PUSH0 RETURN`: an immutable at bytes 1..33.
    fn runtime() -> String {
        format!("7f{}5f5260205ff3", "00".repeat(32))
    }
    fn runtime_bytes() -> Vec<u8> {
        alloy_primitives::hex::decode(runtime()).unwrap()
    }
    fn abi() -> Value {
        json!([{
            "type": "function", "name": "get", "inputs": [],
            "outputs": [{"name": "", "type": "uint256", "internalType": "uint256"}],
            "stateMutability": "view"
        }])
    }
    fn placeholder(prefix: &str) -> String {
        format!("{prefix:_<38}__")
    }

    #[test]
    fn standard_json_output_gives_every_contract_of_every_file() {
        let output = json!({
            "contracts": {
                "src/Counter.sol": {
                    "Counter": {
                        "abi": abi(),
                        "evm": {
                            "bytecode": {"object": INITCODE, "linkReferences": {}},
                            "deployedBytecode": {
                                "object": runtime(),
                                "immutableReferences": {"7": [{"start": 1, "length": 32}]},
                                "linkReferences": {}
                            },
                            "methodIdentifiers": {"get()": "6d4ce63c"}
                        },
                        "storageLayout": {"storage": [], "types": null}
                    },
                    "ICounter": {
                        "abi": abi(),
                        "evm": {"bytecode": {"object": ""}, "deployedBytecode": {"object": ""}}
                    }
                },
                "src/A.sol": {"A": {"abi": [], "evm": {"deployedBytecode": {"object": "00"}}}}
            },
            "errors": [{
                "severity": "warning", "type": "Warning",
                "formattedMessage": "Warning: SPDX license identifier not provided"
            }],
            "sources": {"src/A.sol": {"id": 0}, "src/Counter.sol": {"id": 1}}
        });
        let contracts = load_json(output).unwrap();
        let labels: Vec<String> = contracts.iter().map(Contract::label).collect();
        assert_eq!(
            labels,
            [
                "src/A.sol:A",
                "src/Counter.sol:Counter",
                "src/Counter.sol:ICounter"
            ]
        );
        assert!(contracts.iter().all(|c| c.shape == Shape::StandardJson));

        let counter = &contracts[1];
        assert_eq!(counter.runtime().unwrap()[..], runtime_bytes());
        assert_eq!(counter.initcode().unwrap().len(), INITCODE.len() / 2);
        assert_eq!(
            counter.immutable_references["7"],
            [ByteRange {
                start: 1,
                length: 32
            }]
        );
        assert!(counter.abi.as_ref().unwrap().function("get").is_some());
        assert_eq!(
            counter.storage_layout,
            Some(json!({"storage": [], "types": null}))
        );

        let interface = &contracts[2];
        assert_eq!(
            interface.code,
            Bytecode::Labelled {
                initcode: None,
                runtime: None
            }
        );
        assert_eq!(contracts[0].initcode(), None);
    }

    #[test]
    fn solc_compile_errors_are_an_error() {
        let output = json!({
            "errors": [
                {"severity": "warning", "formattedMessage": "Warning: unused variable"},
                {
                    "severity": "error", "type": "ParserError",
                    "message": "Expected ';' but got '}'",
                    "formattedMessage": "ParserError: Expected ';' but got '}'\n --> a.sol:3:1:\n"
                },
                {"severity": "error", "message": "Undeclared identifier."}
            ],
            "sources": {}
        });
        let error = load_json(output).unwrap_err();
        let ArtifactError::CompileErrors { messages } = &error else {
            panic!("{error}");
        };
        assert_eq!(
            messages,
            &[
                "ParserError: Expected ';' but got '}'\n --> a.sol:3:1:",
                "Undeclared identifier."
            ]
        );
        assert!(error.to_string().starts_with("solc reported 2 errors:\n"));
    }

    #[test]
    fn build_info_is_read_through_its_output() {
        let build_info = json!({
            "_format": "hh-sol-build-info-1",
            "id": "0f1e",
            "solcVersion": "0.8.30",
            "input": {"language": "Solidity", "sources": {}},
            "output": {
                "contracts": {"a.sol": {"A": {"abi": [], "evm": {"deployedBytecode": {"object": "00"}}}}},
                "sources": {"a.sol": {"id": 0}}
            }
        });
        let contracts = load_json(build_info).unwrap();
        assert_eq!(contracts[0].label(), "a.sol:A");
        assert_eq!(contracts[0].shape, Shape::StandardJson);

        let failed = json!({"output": {"errors": [{"severity": "error", "message": "boom"}]}});
        assert!(matches!(
            load_json(failed),
            Err(ArtifactError::CompileErrors { .. })
        ));
    }

    #[test]
    fn hardhat_debug_files_get_a_hint() {
        let dbg = json!({"_format": "hh-sol-dbg-1", "buildInfo": "../../build-info/0f1e.json"});
        let message = load_json(dbg).unwrap_err().to_string();
        assert!(
            message.ends_with("pass the artifact `X.json` beside it"),
            "{message}"
        );
    }

    #[test]
    fn standard_json_output_with_nothing_compiled_is_empty() {
        let output = json!({"errors": [{"severity": "warning", "message": "w"}], "sources": {}});
        assert_eq!(load_json(output).unwrap(), []);
    }

    fn foundry(metadata: Value) -> Value {
        json!({
            "abi": abi(),
            "bytecode": {"object": format!("0x{INITCODE}"), "sourceMap": "", "linkReferences": {}},
            "deployedBytecode": {
                "object": format!("0x{}", runtime()),
                "sourceMap": "",
                "linkReferences": {},
                "immutableReferences": {"12": [{"start": 1, "length": 32}]}
            },
            "methodIdentifiers": {"get()": "6d4ce63c"},
            "rawMetadata": "{}",
            "metadata": metadata,
            "id": 20
        })
    }

    #[test]
    fn foundry_artifacts_are_named_by_their_compilation_target() {
        let metadata = json!({
            "compiler": {"version": "0.8.30+commit.73712a01"},
            "language": "Solidity",
            "settings": {"compilationTarget": {"src/Counter.sol": "Counter"}}
        });
        let [counter] = &load_json(foundry(metadata)).unwrap()[..] else {
            panic!("one contract expected");
        };
        assert_eq!(counter.shape, Shape::Foundry);
        assert_eq!(counter.label(), "src/Counter.sol:Counter");
        assert_eq!(counter.runtime().unwrap()[..], runtime_bytes());
        assert_eq!(counter.immutable_references.len(), 1);
        assert!(counter.abi.is_some());
    }

    #[test]
    fn foundry_artifacts_without_metadata_are_named_by_their_ast() {
        let mut artifact = foundry(Value::Null);
        artifact["ast"] = json!({
            "absolutePath": "src/Counter.sol",
            "nodeType": "SourceUnit",
            "nodes": [
                {"nodeType": "PragmaDirective", "literals": ["solidity", "^", "0.8", ".0"]},
                {"nodeType": "ContractDefinition", "name": "Counter"}
            ]
        });
        let contracts = load_json(artifact.clone()).unwrap();
        assert_eq!(contracts[0].label(), "src/Counter.sol:Counter");

        // Two contracts in the file: which one this artifact is, the AST cannot say.
        artifact["ast"]["nodes"]
            .as_array_mut()
            .unwrap()
            .push(json!({"nodeType": "ContractDefinition", "name": "Other"}));
        let contracts = load_json(artifact.clone()).unwrap();
        assert_eq!(
            (contracts[0].name.as_deref(), contracts[0].label().as_str()),
            (None, "src/Counter.sol")
        );

        artifact.as_object_mut().unwrap().remove("ast");
        assert_eq!(load_json(artifact).unwrap()[0].label(), "unnamed contract");
    }

    #[test]
    fn foundry_interfaces_have_no_code() {
        let mut artifact = foundry(Value::Null);
        artifact["bytecode"]["object"] = json!("0x");
        artifact["deployedBytecode"] = json!({"object": "0x", "immutableReferences": {}});
        let contracts = load_json(artifact).unwrap();
        assert_eq!(
            (contracts[0].initcode(), contracts[0].runtime()),
            (None, None)
        );
    }

    #[test]
    fn foundry_unlinked_libraries_are_named() {
        let mut artifact =
            foundry(json!({"settings": {"compilationTarget": {"src/U.sol": "User"}}}));
        let text = "__$0123456789abcdef0123456789abcdef01$__";
        artifact["deployedBytecode"]["object"] = json!(format!("0x73{text}5af4"));
        artifact["deployedBytecode"]["linkReferences"] =
            json!({"src/Lib.sol": {"Lib": [{"start": 1, "length": 20}]}});
        artifact["deployedBytecode"]["immutableReferences"] = json!({});
        let error = load_json(artifact).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "contract `src/U.sol:User`, field `deployedBytecode.object`: unlinked library \
                 placeholder: `{text}` (library `src/Lib.sol:Lib`) at byte 1; link the \
                 libraries first (for example `forge build --libraries`, `solc --libraries` \
                 or the Hardhat/Truffle link step)"
            )
        );
    }

    fn hardhat() -> Value {
        json!({
            "_format": "hh-sol-artifact-1",
            "contractName": "Counter",
            "sourceName": "contracts/Counter.sol",
            "abi": abi(),
            "bytecode": format!("0x{INITCODE}"),
            "deployedBytecode": format!("0x{}", runtime()),
            "linkReferences": {},
            "deployedLinkReferences": {}
        })
    }

    #[test]
    fn hardhat_artifacts() {
        let contracts = load_json(hardhat()).unwrap();
        assert_eq!(contracts[0].shape, Shape::Hardhat);
        assert_eq!(contracts[0].label(), "contracts/Counter.sol:Counter");
        assert_eq!(contracts[0].runtime().unwrap()[..], runtime_bytes());
        assert!(contracts[0].immutable_references.is_empty());

        // Without `_format`, `sourceName` still says Hardhat.
        let mut artifact = hardhat();
        artifact.as_object_mut().unwrap().remove("_format");
        assert_eq!(load_json(artifact).unwrap()[0].shape, Shape::Hardhat);
    }

    #[test]
    fn hardhat_unlinked_libraries_are_named_from_deployed_link_references() {
        let mut artifact = hardhat();
        let a = "__$aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa$__";
        let b = "__$bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb$__";
        artifact["deployedBytecode"] = json!(format!("0x73{a}73{b}73{a}"));
        artifact["deployedLinkReferences"] = json!({
            "contracts/Math.sol": {"Math": [{"start": 1, "length": 20}, {"start": 43, "length": 20}]}
        });
        let error = load_json(artifact).unwrap_err();
        let ArtifactError::UnlinkedLibrary { at, placeholders } = &error else {
            panic!("{error}");
        };
        assert_eq!(
            at,
            &Location::field(Some("contracts/Counter.sol:Counter"), "deployedBytecode")
        );
        let summary: Vec<_> = placeholders
            .iter()
            .map(|p| (p.text.as_str(), p.library.as_deref(), p.offsets.clone()))
            .collect();
        assert_eq!(
            summary,
            [
                (a, Some("contracts/Math.sol:Math"), vec![1, 43]),
                (b, None, vec![22])
            ]
        );
    }

    #[test]
    fn truffle_artifacts_with_old_style_placeholders() {
        let artifact = json!({
            "contractName": "Counter",
            "abi": abi(),
            "bytecode": format!("0x{INITCODE}"),
            "deployedBytecode": format!("0x{}", runtime()),
            "immutableReferences": {"31": [{"start": 1, "length": 32}]},
            "sourcePath": "/home/u/project/contracts/Counter.sol",
            "compiler": {"name": "solc", "version": "0.8.19+commit.7dd6d404"},
            "networks": {},
            "schemaVersion": "3.4.16",
            "updatedAt": "2024-01-01T00:00:00.000Z"
        });
        let contracts = load_json(artifact.clone()).unwrap();
        assert_eq!(contracts[0].shape, Shape::Truffle);
        assert_eq!(contracts[0].name.as_deref(), Some("Counter"));
        assert_eq!(
            contracts[0].source.as_deref(),
            Some("/home/u/project/contracts/Counter.sol")
        );
        assert_eq!(contracts[0].immutable_references["31"].len(), 1);

        let mut unlinked = artifact;
        unlinked["bytecode"] = json!(format!("0x73{}5af4", placeholder("__SafeMath")));
        let error = load_json(unlinked).unwrap_err();
        let ArtifactError::UnlinkedLibrary { at, placeholders } = &error else {
            panic!("{error}");
        };
        assert_eq!(
            at.to_string(),
            "contract `/home/u/project/contracts/Counter.sol:Counter`, field `bytecode`"
        );
        assert_eq!(placeholders[0].library.as_deref(), Some("SafeMath"));
    }

    #[test]
    fn combined_json_with_string_abi() {
        let output = json!({
            "contracts": {
                "contracts/Counter.sol:Counter": {
                    "abi": abi().to_string(),
                    "bin": INITCODE,
                    "bin-runtime": runtime(),
                    "storage-layout": "{\"storage\":[],\"types\":null}"
                },
                "contracts/Counter.sol:ICounter": {"abi": "[]", "bin": "", "bin-runtime": ""}
            },
            "version": "0.6.12+commit.27d51765.Linux.g++"
        });
        let contracts = load_json(output).unwrap();
        assert_eq!(contracts.len(), 2);
        let counter = &contracts[0];
        assert_eq!(counter.shape, Shape::CombinedJson);
        assert_eq!(
            (counter.source.as_deref(), counter.name.as_deref()),
            (Some("contracts/Counter.sol"), Some("Counter"))
        );
        assert!(counter.abi.as_ref().unwrap().function("get").is_some());
        assert_eq!(counter.runtime().unwrap()[..], runtime_bytes());
        assert_eq!(
            counter.storage_layout,
            Some(json!({"storage": [], "types": null}))
        );
        assert_eq!(contracts[1].runtime(), None);
    }

    #[test]
    fn a_single_solc_contract_named_by_its_metadata_string() {
        let metadata = json!({"settings": {"compilationTarget": {"Counter.sol": "Counter"}}});
        let output = json!({
            "abi": abi(),
            "metadata": metadata.to_string(),
            "evm": {"bytecode": {"object": INITCODE}, "deployedBytecode": {"object": runtime()}}
        });
        let contracts = load_json(output).unwrap();
        assert_eq!(contracts[0].shape, Shape::SolcContract);
        assert_eq!(contracts[0].label(), "Counter.sol:Counter");
        assert!(contracts[0].runtime().is_some() && contracts[0].initcode().is_some());

        let anonymous = json!({"abi": [], "evm": {"deployedBytecode": {"object": "00"}}});
        assert_eq!(load_json(anonymous).unwrap()[0].label(), "unnamed contract");
    }

    #[test]
    fn the_corpus_wrapper_names_contracts_and_their_file() {
        let wrapper = json!({
            "compiler": "0.8.30+commit.73712a01.Emscripten.clang",
            "setting": {"viaIR": false},
            "source": "src/Counter.sol",
            "sourceSha256": "00",
            "contracts": {
                "Counter": {"abi": abi(), "evm": {"deployedBytecode": {"object": runtime()}}, "storageLayout": {"storage": []}}
            }
        });
        let contracts = load_json(wrapper).unwrap();
        assert_eq!(contracts[0].shape, Shape::ContractMap);
        assert_eq!(contracts[0].label(), "src/Counter.sol:Counter");
    }

    #[test]
    fn unknown_shapes_list_what_was_found() {
        let error = load_json(json!({"foo": 1, "bar": []})).unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("JSON of no known artifact shape (tried: solc standard-JSON"));
        assert!(
            message.ends_with("found an object with keys `bar`, `foo`"),
            "{message}"
        );

        let input = json!({"language": "Solidity", "sources": {"a.sol": {"content": ""}}});
        assert!(load_json(input)
            .unwrap_err()
            .to_string()
            .contains("standard-JSON *input*"));
        assert!(load_json(abi())
            .unwrap_err()
            .to_string()
            .contains("an ABI alone holds no code"));
        assert!(load_json(json!("0x00"))
            .unwrap_err()
            .to_string()
            .contains("without quotes"));
        let error = load_json(json!({})).unwrap_err();
        assert!(matches!(
            error,
            ArtifactError::UnknownShape { hint: None, .. }
        ));
        assert!(error.to_string().ends_with("found an empty object"));
    }

    #[test]
    fn malformed_contract_maps_are_errors() {
        let error = load_json(json!({"contracts": []})).unwrap_err();
        assert_eq!(
            error.to_string(),
            "field `contracts`: expected an object, found an array of 0 elements"
        );
        let error = load_json(json!({"contracts": {"a.sol": {"A": {}, "x": 1}}})).unwrap_err();
        assert_eq!(
            error.to_string(),
            "field `contracts.a.sol`: expected a contract, or an object from contract names to \
             contracts, found an object with keys `A`, `x`"
        );
    }
}
