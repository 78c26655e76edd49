//! The code blobs of contracts, from the list to name and compile to the module each becomes
//! in `manifest.json`: one part for the build ([`super::Project::build`]) and
//! `evmove compile`.

use serde_json::{json, Value};

use crate::{
    artifact::{Bytecode, Contract},
    evm::Code,
    lift::{lift, LiftCodeError, Lifted},
    lower::typed::TypedEntries,
    pipeline::{compile_lifted, lift_blobs, Blob, BlobKind, CompileError, CompiledBlob},
};
use move_core_types::account_address::AccountAddress;

/// One blob of one contract, before it is named and compiled; lifted already for raw hex
/// (whose copied code lifting finds), else lifted when it is compiled (a build whose cache
/// has its module never lifts it).
pub struct PendingBlob {
    /// Its contract, by index into the contracts given to [`blobs`].
    pub contract: usize,
    /// The blob.
    pub blob: Blob,
    lifted: Option<Result<Lifted, LiftCodeError>>,
}

/// Every blob of every contract: initcode and runtime code as the artifact labels them,
/// or for raw hex the code and the code it copies (found by lifting it).
pub fn blobs<'a>(contracts: impl IntoIterator<Item = &'a Contract>) -> Vec<PendingBlob> {
    let mut pending = Vec::new();
    for (index, contract) in contracts.into_iter().enumerate() {
        match &contract.code {
            Bytecode::Labelled { initcode, runtime } => {
                let labelled = [(BlobKind::Initcode, initcode), (BlobKind::Runtime, runtime)];
                for (kind, code) in labelled {
                    let Some(code) = code else { continue };
                    let blob = Blob {
                        contract: contract.label(),
                        name: contract.name.clone(),
                        kind,
                        bytes: code.to_vec(),
                    };
                    pending.push(PendingBlob {
                        contract: index,
                        blob,
                        lifted: None,
                    });
                }
            }
            Bytecode::Unlabelled(_) => {
                pending.extend(lift_blobs(contract).into_iter().map(|(blob, lifted)| {
                    PendingBlob {
                        contract: index,
                        blob,
                        lifted: Some(lifted),
                    }
                }));
            }
        }
    }
    pending
}

/// A blob compiled: its module, and why it took the universal path if it did.
pub struct BlobModule {
    /// The module.
    pub module: CompiledBlob,
    /// Why the static path gave up (lifting or lowering), if it did.
    pub universal: Option<String>,
}

impl PendingBlob {
    /// Compiles it into module `name` at `publisher` with typed entries `typed`.
    pub fn compile(
        &self,
        publisher: AccountAddress,
        name: &str,
        typed: &TypedEntries,
    ) -> Result<BlobModule, CompileError> {
        let lifted = match &self.lifted {
            Some(lifted) => lifted.clone()?,
            None => lift(&Code::new(self.blob.bytes.clone()))?,
        };
        let module = compile_lifted(lifted, publisher, name, typed)?;
        let universal = module.universal.as_ref().map(ToString::to_string);
        Ok(BlobModule { module, universal })
    }
}

/// A module as `manifest.json` lists it.
pub struct ModuleRecord<'a> {
    /// Its name.
    pub name: &'a str,
    /// Its file, relative to the manifest.
    pub file: String,
    /// The input its contract came from.
    pub input: &'a str,
    /// The blob it runs.
    pub blob: &'a Blob,
    /// How many functions it has.
    pub functions: usize,
    /// Why the blob took the universal path, if it did.
    pub universal: Option<&'a str>,
    /// Whether the module also has the code in universal form as `run_universal`, for
    /// frames whose speculation fails ([`CompiledBlob::universal_entry`]).
    pub universal_entry: bool,
    /// Its typed entries (and the functions without one).
    pub typed: &'a TypedEntries,
}

impl ModuleRecord<'_> {
    /// Its entry in `manifest.json`.
    pub fn to_json(&self) -> Value {
        let typed_entries: Vec<Value> = (self.typed.entries.iter())
            .map(|entry| {
                json!({
                    "name": entry.name.as_str(),
                    "abi": entry.signature,
                    "params": entry.param_names,
                })
            })
            .collect();
        let without: Vec<Value> = (self.typed.skipped.iter())
            .map(|skipped| json!({ "abi": skipped.signature, "reason": skipped.reason }))
            .collect();
        json!({
            "module": self.name,
            "file": self.file,
            "input": self.input,
            "contract": self.blob.contract,
            "blob": self.blob.kind.to_string(),
            "code_hash": self.blob.code_hash().to_string(),
            "code_size": self.blob.bytes.len(),
            "functions": self.functions,
            "path": if self.universal.is_some() { "universal" } else { "static" },
            "universal_reason": self.universal,
            "universal_entry": self.universal_entry,
            "typed_entries": typed_entries,
            "without_typed_entry": without,
        })
    }
}
