//! Tests of [`load`] as a whole: raw hex, files, the evmove corpus, and arbitrary input.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use alloy_primitives::Bytes;
use proptest::prelude::*;
use serde_json::Value;

use super::*;

#[test]
fn raw_hex_is_unlabelled_code() {
    for input in [
        &b"0x60806040"[..],
        b"60806040",
        b"  0x6080\n60 40\r\n",
        b"\xef\xbb\xbf0x60806040\n",
    ] {
        let contracts = load(input).unwrap();
        assert_eq!(
            contracts,
            [Contract {
                shape: Shape::RawHex,
                name: None,
                source: None,
                code: Bytecode::Unlabelled(Bytes::from_static(&[0x60, 0x80, 0x60, 0x40])),
                abi: None,
                immutable_references: BTreeMap::new(),
                storage_layout: None,
            }]
        );
        assert_eq!(
            (contracts[0].initcode(), contracts[0].runtime()),
            (None, None)
        );
        assert_eq!(contracts[0].label(), "unnamed contract");
    }
}

#[test]
fn empty_input_is_an_error() {
    for input in [&b""[..], b" \n\t", b"0x", b"\xef\xbb\xbf", b"0x \n"] {
        assert!(
            matches!(load(input), Err(ArtifactError::Empty)),
            "{input:?}"
        );
    }
}

#[test]
fn text_that_is_neither_hex_nor_json() {
    let message = |input: &[u8]| load(input).unwrap_err().to_string();
    assert_eq!(
        message(b"pragma solidity ^0.8.0;"),
        "the input is neither JSON (it does not start with `{`) nor hex text: `p` at offset 0 \
         is not a hex digit"
    );
    assert!(message(b"0x60 0g").ends_with("`g` at offset 6 is not a hex digit"));
    // Code as binary rather than hex text.
    assert!(message(b"60\x80\x60").ends_with("byte 0x80 at offset 2 is not a hex digit"));
    assert!(message(b"\x00asm").contains("byte 0x00 at offset 0"));
}

#[test]
fn raw_hex_errors_name_the_input() {
    assert_eq!(
        load(b"0x608").unwrap_err().to_string(),
        "the hex input: odd number of hex digits (3)"
    );
    let placeholder = "__MathLib_______________________________";
    assert_eq!(placeholder.len(), 40);
    let error = load(format!("0x73{placeholder}5af4").as_bytes()).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "the hex input: unlinked library placeholder: `{placeholder}` (library `MathLib`) \
             at byte 1; link the libraries first (for example `forge build --libraries`, \
             `solc --libraries` or the Hardhat/Truffle link step)"
        )
    );
}

#[test]
fn broken_json_says_where() {
    let error = load(b"{\"abi\": [\n  1,\n").unwrap_err();
    assert!(matches!(error, ArtifactError::InvalidJson { .. }));
    assert_eq!(
        error.to_string(),
        "the input starts like JSON but does not parse: EOF while parsing a value at line 3 \
         column 0"
    );
}

#[test]
fn load_path_names_the_file() {
    let missing = Path::new("/nonexistent/evmove/Token.json");
    let error = load_path(missing).unwrap_err();
    assert!(matches!(error, ArtifactError::Io { .. }));
    assert!(error
        .to_string()
        .starts_with("cannot read /nonexistent/evmove/Token.json: "));

    let path = std::env::temp_dir().join(format!("evmove-artifact-{}.hex", std::process::id()));
    std::fs::write(&path, "0x608").unwrap();
    let error = load_path(&path).unwrap_err();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        error.to_string(),
        format!(
            "{}: the hex input: odd number of hex digits (3)",
            path.display()
        )
    );
    assert!(matches!(error.kind(), ArtifactError::OddLengthHex { .. }));
}

fn corpus_root() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/contracts/artifacts"
    ))
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    entries
}

#[test]
fn loads_every_corpus_artifact() {
    let mut token_settings = Vec::new();
    let mut files = 0;
    for setting in sorted_entries(&corpus_root()) {
        let setting_name = setting.file_name().unwrap().to_string_lossy().into_owned();
        for path in sorted_entries(&setting) {
            if path.extension().is_none_or(|ext| ext != "json") {
                continue;
            }
            files += 1;
            let contracts = load_path(&path).unwrap_or_else(|error| panic!("{error}"));
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            assert!(
                contracts.iter().any(|c| c.runtime().is_some()),
                "{}: no contract with runtime code",
                path.display()
            );
            for contract in &contracts {
                assert_eq!(contract.shape, Shape::ContractMap);
                assert_eq!(
                    contract.source.as_deref(),
                    Some(format!("src/{stem}.sol").as_str())
                );
                assert!(contract.abi.is_some(), "{}", contract.label());
                assert!(contract.storage_layout.is_some(), "{}", contract.label());
                assert_eq!(
                    contract.runtime().is_some(),
                    contract.initcode().is_some(),
                    "{}",
                    contract.label()
                );
            }
            if stem == "Token" {
                let token = contracts
                    .iter()
                    .find(|c| c.name.as_deref() == Some("Token"))
                    .expect("Token.json defines Token");
                assert!(token.runtime().is_some_and(|code| code.len() > 100));
                let abi = token.abi.as_ref().unwrap();
                assert!(abi.function("transfer").is_some(), "{setting_name}");
                token_settings.push(setting_name.clone());
            }
        }
    }
    assert!(files >= 28, "only {files} corpus artifacts found");
    assert_eq!(
        token_settings,
        ["legacy", "legacy-opt", "via-ir", "via-ir-opt"]
    );
}

/// Keys and strings that steer [`load`] into every shape and every field reader.
const WORDS: &[&str] = &[
    "contracts",
    "abi",
    "evm",
    "bytecode",
    "deployedBytecode",
    "object",
    "bin",
    "bin-runtime",
    "immutableReferences",
    "linkReferences",
    "deployedLinkReferences",
    "start",
    "length",
    "_format",
    "hh-sol-artifact-1",
    "contractName",
    "sourceName",
    "sourcePath",
    "errors",
    "severity",
    "error",
    "message",
    "metadata",
    "rawMetadata",
    "settings",
    "compilationTarget",
    "storageLayout",
    "storage-layout",
    "storage",
    "ast",
    "absolutePath",
    "nodes",
    "nodeType",
    "ContractDefinition",
    "name",
    "source",
    "sources",
    "language",
    "a.sol",
    "a.sol:A",
    ":",
    "A",
    "1",
    "",
    "0x",
    "0x6080",
    "0x608",
    "zz",
    "[]",
    "{}",
    "[{\"type\":\"function\",\"name\":\"f\"}]",
    "{\"settings\":{\"compilationTarget\":{\"a.sol\":\"A\"}}}",
    "__$0123456789abcdef0123456789abcdef01$__",
    "0x73__Lib__________________________________5af4",
];

fn json_value() -> impl Strategy<Value = Value> {
    let word = proptest::sample::select(WORDS).prop_map(str::to_owned);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        word.clone().prop_map(Value::String),
        "[0-9a-fx_$ ]{0,80}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 96, 8, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((word.clone(), inner), 0..8)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(input in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Err(error) = load(&input) {
            let _ = error.to_string();
        }
    }

    #[test]
    fn json_ish_text_never_panics(input in r#"[{}\[\]":, 0-9a-fxX_$\n]{0,300}"#) {
        if let Err(error) = load(input.as_bytes()) {
            let _ = error.to_string();
        }
    }

    #[test]
    fn json_in_artifact_vocabulary_never_panics(value in json_value()) {
        if let Err(error) = load(value.to_string().as_bytes()) {
            let _ = error.to_string();
        }
    }

    #[test]
    fn artifact_shaped_json_never_panics(
        code in json_value(),
        abi in json_value(),
        refs in json_value(),
        wrapper in 0..6u8,
    ) {
        let contract = serde_json::json!({
            "abi": abi,
            "evm": {"deployedBytecode": {"object": code.clone(), "immutableReferences": refs.clone()}},
            "bytecode": code.clone(),
            "deployedBytecode": code,
            "immutableReferences": refs,
        });
        let value = match wrapper {
            0 => serde_json::json!({"contracts": {"a.sol": {"A": contract}}}),
            1 => serde_json::json!({"contracts": {"a.sol:A": contract}}),
            2 => serde_json::json!({"contracts": {"A": contract}, "source": "a.sol"}),
            3 => {
                let mut contract = contract;
                contract["_format"] = "hh-sol-artifact-1".into();
                contract
            }
            _ => contract,
        };
        if let Err(error) = load(value.to_string().as_bytes()) {
            let _ = error.to_string();
        }
    }
}
