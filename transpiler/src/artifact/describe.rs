//! How error messages show what they found: JSON values, object keys, bytes, and the shapes
//! tried. Shared by the readers and the errors, it depends on neither.

use serde_json::{Map, Value};

/// The shapes, as [`ArtifactError::UnknownShape`] lists them.
pub(super) const SHAPES_TRIED: &str = "solc standard-JSON output (`contracts` by file), solc \
    --combined-json (`contracts` by `file:Name`), a `contracts` map by name, build info \
    (`output`), a single solc contract (`evm`), Foundry (`bytecode.object`), Hardhat (`_format`), Truffle \
    (`contractName` with `bytecode` strings)";

/// A JSON value as error messages describe it.
pub(super) fn describe_value(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() > 40 => {
            format!("a string ({} characters)", s.chars().count())
        }
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(a) => format!("an array of {} elements", a.len()),
        Value::Object(o) if o.is_empty() => "an empty object".to_owned(),
        Value::Object(o) => format!("an object with keys {}", list_keys(o)),
    }
}

/// `` `a`, `b`, `c` `` (`and N more` past a dozen), or `(none)`.
pub(super) fn list_keys(object: &Map<String, Value>) -> String {
    const SHOWN: usize = 12;
    if object.is_empty() {
        return "(none)".to_owned();
    }
    let mut listed: Vec<String> = object
        .keys()
        .take(SHOWN)
        .map(|k| format!("`{k}`"))
        .collect();
    if object.len() > SHOWN {
        listed.push(format!("and {} more", object.len() - SHOWN));
    }
    listed.join(", ")
}

/// A byte as an error message shows it: the character when printable, else its value.
pub(super) fn describe_byte(byte: u8) -> String {
    if byte.is_ascii_graphic() || byte == b' ' {
        format!("`{}`", char::from(byte))
    } else {
        format!("byte {byte:#04x}")
    }
}
