//! Naming the modules of several contracts' blobs together, as `evmove compile` and
//! [`Project::build`](super::Project::build) both do: one name per distinct module
//! ([`module_names`]), and a clash an error naming both blobs and where they came from.

use std::sync::OnceLock;

use super::error::BuildError;
use crate::{
    lower::typed::TypedEntries,
    pipeline::{module_names, Blob},
};

/// The typed entries `blob`'s module gets, its contract's being `contract`: all of them for
/// the runtime code the ABI describes, none for any other blob.
pub fn typed_entries_for<'a>(blob: &Blob, contract: &'a TypedEntries) -> &'a TypedEntries {
    static NONE: OnceLock<TypedEntries> = OnceLock::new();
    match blob.has_typed_entries() {
        true => contract,
        false => NONE.get_or_init(TypedEntries::default),
    }
}

/// The module names of `blobs` (each with its contract's index), the contracts' typed
/// entries being `typed` and their inputs `inputs` (for the error).
pub fn name_modules(
    blobs: &[(usize, &Blob)],
    typed: &[&TypedEntries],
    inputs: &[String],
) -> Result<Vec<String>, BuildError> {
    let to_name: Vec<(&Blob, &TypedEntries)> = blobs
        .iter()
        .map(|&(contract, blob)| (blob, typed_entries_for(blob, typed[contract])))
        .collect();
    module_names(&to_name).map_err(|clash| {
        let describe = |index: usize| {
            let (contract, blob) = blobs[index];
            format!("{}: {} {}", inputs[contract], blob.contract, blob.kind)
        };
        BuildError::NameClash {
            name: clash.name.clone(),
            first: describe(clash.first),
            second: describe(clash.second),
        }
    })
}
