//! [`load`]: the input's shape decided by looking, then read (see the module doc of
//! [`super`]).

use std::{collections::BTreeMap, path::Path};

use serde_json::Value;

use super::{
    describe::describe_byte,
    error::{ArtifactError, Location},
    hex, link, shape,
    types::{Bytecode, Contract, Shape},
};

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
            found: describe_byte(byte),
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
