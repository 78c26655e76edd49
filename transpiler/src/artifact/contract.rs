//! Reading one contract's object, whichever tool wrote it.
//!
//! The shapes differ in where they put things, not in what the things are, so one lenient
//! reader serves them all. Each value is looked up at its known places in order; the first
//! present (non-null) one wins:
//!
//! | value | places |
//! | --- | --- |
//! | initcode | `evm.bytecode.object`, `bytecode.object`, `bytecode` (string), `bin` |
//! | runtime | `evm.deployedBytecode.object`, `deployedBytecode.object`, `deployedBytecode` (string), `bin-runtime` |
//! | link references | beside the code (`…bytecode.linkReferences`), else `linkReferences` / `deployedLinkReferences` |
//! | ABI | `abi`: an array, or a string holding one (old `--combined-json`) |
//! | immutables | `evm.deployedBytecode.immutableReferences`, `deployedBytecode.immutableReferences`, `immutableReferences` |
//! | storage layout | `storageLayout`, `storage-layout` (a string holding JSON is parsed) |
//!
//! Empty code (`""`, `"0x"`) is no code: interfaces and abstract contracts have none.
//! Every immutable reference is checked to lie inside the runtime code, so later stages can
//! index the code with it.

use std::collections::BTreeMap;

use alloy_json_abi::JsonAbi;
use alloy_primitives::Bytes;
use serde_json::{Map, Value};

use super::{
    describe::{describe_byte, describe_value},
    error::{ArtifactError, Location},
    hex::{self, HexError},
    link,
    types::{label_of, ByteRange, Bytecode, Contract, Shape},
};

/// Reads the contract in `object`, which the shape detection found at the given name and
/// source file.
pub(super) fn read_contract(
    object: &Map<String, Value>,
    shape: Shape,
    name: Option<String>,
    source: Option<String>,
) -> Result<Contract, ArtifactError> {
    let label = label_of(name.as_deref(), source.as_deref());
    let reader = Reader {
        object,
        contract: label.as_deref(),
    };
    let initcode = reader.code(
        &[&["evm", "bytecode"], &["bytecode"], &["bin"]],
        "linkReferences",
    )?;
    let runtime = reader.code(
        &[
            &["evm", "deployedBytecode"],
            &["deployedBytecode"],
            &["bin-runtime"],
        ],
        "deployedLinkReferences",
    )?;
    let runtime_len = runtime.as_ref().map_or(0, |code| code.len());
    Ok(Contract {
        shape,
        abi: reader.abi()?,
        immutable_references: reader.immutable_references(runtime_len)?,
        storage_layout: reader.storage_layout()?,
        code: Bytecode::Labelled { initcode, runtime },
        name,
        source,
    })
}

/// Where a code value was found.
struct Site<'a> {
    path: String,
    text: &'a str,
    link_references: Option<&'a Value>,
}

struct Reader<'a> {
    object: &'a Map<String, Value>,
    contract: Option<&'a str>,
}

impl<'a> Reader<'a> {
    fn at(&self, path: impl Into<String>) -> Location {
        Location::field(self.contract, path)
    }

    fn invalid(
        &self,
        path: impl Into<String>,
        expected: &'static str,
        found: &Value,
    ) -> ArtifactError {
        ArtifactError::InvalidField {
            at: self.at(path),
            expected,
            found: describe_value(found),
        }
    }

    /// The value at `path`, `None` if absent or null. Every step before the last must be
    /// an object if present.
    fn lookup(&self, path: &[&str]) -> Result<Option<&'a Value>, ArtifactError> {
        let mut object = self.object;
        for (depth, key) in path.iter().enumerate() {
            let value = match object.get(*key) {
                None | Some(Value::Null) => return Ok(None),
                Some(value) => value,
            };
            if depth + 1 == path.len() {
                return Ok(Some(value));
            }
            object = value
                .as_object()
                .ok_or_else(|| self.invalid(path[..=depth].join("."), "an object", value))?;
        }
        Ok(None)
    }

    /// The first code site among `candidates`; `sibling_links` names the link references
    /// beside a code string (Hardhat's layout).
    fn site(
        &self,
        candidates: &[&[&str]],
        sibling_links: &str,
    ) -> Result<Option<Site<'a>>, ArtifactError> {
        for path in candidates {
            let Some(value) = self.lookup(path)? else {
                continue;
            };
            let dotted = path.join(".");
            return match value {
                Value::String(text) => Ok(Some(Site {
                    path: dotted,
                    text,
                    link_references: self.object.get(sibling_links),
                })),
                Value::Object(inner) => match inner.get("object") {
                    None | Some(Value::Null) => Ok(None),
                    Some(Value::String(text)) => Ok(Some(Site {
                        path: dotted + ".object",
                        text,
                        link_references: inner
                            .get("linkReferences")
                            .or_else(|| self.object.get(sibling_links)),
                    })),
                    Some(other) => Err(self.invalid(dotted + ".object", "a hex string", other)),
                },
                other => Err(self.invalid(
                    dotted,
                    "a hex string, or an object whose `object` is one",
                    other,
                )),
            };
        }
        Ok(None)
    }

    fn code(
        &self,
        candidates: &[&[&str]],
        sibling_links: &str,
    ) -> Result<Option<Bytes>, ArtifactError> {
        let Some(site) = self.site(candidates, sibling_links)? else {
            return Ok(None);
        };
        match hex::decode(site.text.as_bytes()) {
            Ok(bytes) if bytes.is_empty() => Ok(None),
            Ok(bytes) => Ok(Some(bytes.into())),
            Err(HexError::InvalidDigit { position, byte }) => Err(ArtifactError::InvalidHex {
                at: self.at(site.path),
                position,
                found: describe_byte(byte),
            }),
            Err(HexError::OddLength { digits }) => Err(ArtifactError::OddLengthHex {
                at: self.at(site.path),
                digits,
            }),
            Err(HexError::Unlinked(occurrences)) => Err(ArtifactError::UnlinkedLibrary {
                at: self.at(site.path),
                placeholders: link::describe(occurrences, site.link_references),
            }),
        }
    }

    fn abi(&self) -> Result<Option<JsonAbi>, ArtifactError> {
        let Some(value) = self.lookup(&["abi"])? else {
            return Ok(None);
        };
        let invalid_abi = |error: serde_json::Error| ArtifactError::InvalidAbi {
            at: self.at("abi"),
            message: error.to_string(),
        };
        let value = match value {
            Value::String(text) if text.trim().is_empty() => return Ok(None),
            Value::String(text) => serde_json::from_str(text).map_err(invalid_abi)?,
            Value::Array(_) => value.clone(),
            other => return Err(self.invalid("abi", "an array, or a string holding one", other)),
        };
        serde_json::from_value(value).map(Some).map_err(invalid_abi)
    }

    fn immutable_references(
        &self,
        runtime_len: usize,
    ) -> Result<BTreeMap<String, Vec<ByteRange>>, ArtifactError> {
        const EXPECTED: &str = "an object from AST ids to arrays of {\"start\", \"length\"}";
        let nested = self
            .object
            .get("deployedBytecode")
            .and_then(Value::as_object)
            .and_then(|bytecode| bytecode.get("immutableReferences"))
            .filter(|value| !value.is_null());
        let (path, value) = if let Some(value) =
            self.lookup(&["evm", "deployedBytecode", "immutableReferences"])?
        {
            ("evm.deployedBytecode.immutableReferences", value)
        } else if let Some(value) = nested {
            ("deployedBytecode.immutableReferences", value)
        } else if let Some(value) = self.lookup(&["immutableReferences"])? {
            ("immutableReferences", value)
        } else {
            return Ok(BTreeMap::new());
        };
        let Some(ids) = value.as_object() else {
            return Err(self.invalid(path, EXPECTED, value));
        };
        let mut references = BTreeMap::new();
        for (id, ranges) in ids {
            let entry_path = || format!("{path}.{id}");
            let Some(ranges) = ranges.as_array() else {
                return Err(self.invalid(entry_path(), EXPECTED, ranges));
            };
            let mut parsed = Vec::with_capacity(ranges.len());
            for range in ranges {
                let field = |key| {
                    range
                        .get(key)
                        .and_then(Value::as_u64)
                        .and_then(|n| usize::try_from(n).ok())
                };
                let (Some(start), Some(length)) = (field("start"), field("length")) else {
                    return Err(self.invalid(entry_path(), EXPECTED, range));
                };
                if start
                    .checked_add(length)
                    .is_none_or(|end| end > runtime_len)
                {
                    return Err(ArtifactError::ImmutableOutOfRange {
                        at: self.at(path),
                        id: id.clone(),
                        start,
                        length,
                        code_len: runtime_len,
                    });
                }
                parsed.push(ByteRange { start, length });
            }
            references.insert(id.clone(), parsed);
        }
        Ok(references)
    }

    fn storage_layout(&self) -> Result<Option<Value>, ArtifactError> {
        let value = match self.lookup(&["storageLayout"])? {
            Some(value) => value,
            None => match self.lookup(&["storage-layout"])? {
                Some(value) => value,
                None => return Ok(None),
            },
        };
        Ok(Some(match value {
            Value::String(text) => serde_json::from_str(text).unwrap_or_else(|_| value.clone()),
            other => other.clone(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn read(object: Value) -> Result<Contract, ArtifactError> {
        read_contract(
            object.as_object().unwrap(),
            Shape::ContractMap,
            Some("C".to_owned()),
            Some("c.sol".to_owned()),
        )
    }

    #[test]
    fn evm_output_wins_over_flat_fields() {
        let contract = read(json!({
            "evm": {"bytecode": {"object": "01"}, "deployedBytecode": {"object": "02"}},
            "bytecode": "0x03",
            "deployedBytecode": "0x04",
            "bin": "05",
            "bin-runtime": "06"
        }))
        .unwrap();
        assert_eq!(
            contract.code,
            Bytecode::Labelled {
                initcode: Some(Bytes::from_static(&[1])),
                runtime: Some(Bytes::from_static(&[2]))
            }
        );
    }

    #[test]
    fn a_code_object_without_object_is_no_code() {
        let contract = read(json!({"evm": {"bytecode": {"sourceMap": ""}}, "bin": "05"})).unwrap();
        assert_eq!(contract.initcode(), None);
    }

    #[test]
    fn bad_hex_names_contract_and_field_path() {
        let error = read(json!({"evm": {"deployedBytecode": {"object": "60 8z"}}})).unwrap_err();
        assert_eq!(
            error.to_string(),
            "contract `c.sol:C`, field `evm.deployedBytecode.object`: `z` at position 4 is not \
             a hex digit"
        );
        let error = read(json!({"bytecode": "0x608"})).unwrap_err();
        assert_eq!(
            error.to_string(),
            "contract `c.sol:C`, field `bytecode`: odd number of hex digits (3)"
        );
        let error = read(json!({"bin-runtime": "é0"})).unwrap_err();
        assert!(error
            .to_string()
            .ends_with("byte 0xc3 at position 0 is not a hex digit"));
    }

    #[test]
    fn fields_of_the_wrong_type_are_errors() {
        let cases = [
            (json!({"evm": "x"}), "field `evm`: expected an object, found the string \"x\""),
            (json!({"evm": {"bytecode": 7}}), "field `evm.bytecode`: expected a hex string, or an object whose `object` is one, found the number 7"),
            (json!({"bytecode": {"object": []}}), "field `bytecode.object`: expected a hex string, found an array of 0 elements"),
            (json!({"abi": {}}), "field `abi`: expected an array, or a string holding one, found an empty object"),
            (json!({"immutableReferences": {"1": [{"start": -1, "length": 32}]}}), "field `immutableReferences.1`: expected an object from AST ids to arrays of {\"start\", \"length\"}, found an object with keys `length`, `start`"),
        ];
        for (object, expected) in cases {
            let message = read(object).unwrap_err().to_string();
            assert_eq!(message, format!("contract `c.sol:C`, {expected}"));
        }
    }

    #[test]
    fn abis_must_parse() {
        let error = read(json!({"abi": [{"type": "function", "name": 3}]})).unwrap_err();
        assert!(matches!(error, ArtifactError::InvalidAbi { .. }), "{error}");
        let error = read(json!({"abi": "[not json"})).unwrap_err();
        assert!(matches!(error, ArtifactError::InvalidAbi { .. }), "{error}");
        // Legacy `constant` instead of `stateMutability` is fine.
        let legacy = json!([{"type": "function", "name": "f", "inputs": [], "outputs": [], "constant": true}]);
        assert!(read(json!({"abi": legacy}))
            .unwrap()
            .abi
            .unwrap()
            .function("f")
            .is_some());
        assert_eq!(read(json!({"abi": ""})).unwrap().abi, None);
    }

    #[test]
    fn immutable_references_must_lie_in_the_runtime_code() {
        let refs = |start: u64, length: u64| json!({"deployedBytecode": {"object": "0x0000000000", "immutableReferences": {"5": [{"start": start, "length": length}]}}});
        let contract = read(refs(1, 4)).unwrap();
        assert_eq!(
            contract.immutable_references["5"],
            [ByteRange {
                start: 1,
                length: 4
            }]
        );
        let error = read(refs(2, 4)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "contract `c.sol:C`, field `deployedBytecode.immutableReferences`: immutable 5 is \
             placed at bytes 2..2+4, outside the 5-byte runtime code"
        );
        assert!(matches!(
            read(refs(u64::MAX, 2)),
            Err(ArtifactError::ImmutableOutOfRange { .. })
        ));
        // References with no runtime code at all.
        let error =
            read(json!({"immutableReferences": {"5": [{"start": 0, "length": 32}]}})).unwrap_err();
        assert!(matches!(
            error,
            ArtifactError::ImmutableOutOfRange { code_len: 0, .. }
        ));
    }

    #[test]
    fn storage_layout_is_kept_raw() {
        let layout = json!({"storage": [{"label": "x", "slot": "0"}], "types": {}});
        assert_eq!(
            read(json!({"storageLayout": layout}))
                .unwrap()
                .storage_layout,
            Some(layout.clone())
        );
        let text = layout.to_string();
        assert_eq!(
            read(json!({"storage-layout": text}))
                .unwrap()
                .storage_layout,
            Some(layout)
        );
        assert_eq!(
            read(json!({"storageLayout": null})).unwrap().storage_layout,
            None
        );
    }

    #[test]
    fn labels() {
        assert_eq!(
            label_of(Some("A"), Some("a.sol")).as_deref(),
            Some("a.sol:A")
        );
        assert_eq!(label_of(Some("A"), None).as_deref(), Some("A"));
        assert_eq!(label_of(None, Some("a.sol")).as_deref(), Some("a.sol"));
        assert_eq!(label_of(None, None), None);
    }
}
