//! The whole pipeline for one code blob, top to bottom: decode, lift (jump resolution,
//! function recovery, SSA, IR check), optimise, lower, verify. And the blobs of a contract:
//! its initcode and runtime code, or for raw hex the code and whatever code it copies.

use alloy_primitives::{keccak256, B256};
use move_core_types::account_address::AccountAddress;

use crate::{
    artifact::{Bytecode, Contract},
    evm::Code,
    lift::{lift, LiftCodeError, Lifted},
    lower::{self, typed::TypedEntries, ModuleError},
    opt::optimize,
};

/// One piece of EVM code of a contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blob {
    /// The contract's label.
    pub contract: String,
    /// The contract's name, when the input gives it.
    pub name: Option<String>,
    /// What it is: `runtime`, `initcode`, `code` (raw hex), or `code copy at <offset>`.
    pub kind: String,
    /// The code.
    pub bytes: Vec<u8>,
}

impl Blob {
    /// The Keccak-256 hash of the code, as EXTCODEHASH gives it.
    pub fn code_hash(&self) -> B256 {
        keccak256(&self.bytes)
    }

    /// The Move module name for it: the contract's name for its runtime code, with `_init`
    /// for its initcode; `code_<hash prefix>` for code without a known name.
    pub fn module_name(&self) -> String {
        let named = self.name.as_deref().filter(|name| {
            name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        match (named, self.kind.as_str()) {
            (Some(name), "runtime") => name.to_string(),
            (Some(name), "initcode") => format!("{name}_init"),
            _ => format!(
                "code_{}",
                &alloy_primitives::hex::encode(self.code_hash())[..16]
            ),
        }
    }
}

/// A blob lifted, or why it could not be.
pub type LiftedBlob = (Blob, Result<Lifted, LiftCodeError>);

/// Lifts every blob of `contract`: its initcode and runtime code; for raw hex, the code and,
/// found by the jump analysis, the code it copies (runtime code in initcode, child contracts
/// in a factory), which the input does not otherwise show.
pub fn lift_blobs(contract: &Contract) -> Vec<LiftedBlob> {
    let blob = |kind: &str, bytes: &[u8]| Blob {
        contract: contract.label(),
        name: contract.name.clone(),
        kind: kind.to_string(),
        bytes: bytes.to_vec(),
    };
    let mut pending: Vec<Blob> = match &contract.code {
        Bytecode::Labelled { initcode, runtime } => [("initcode", initcode), ("runtime", runtime)]
            .into_iter()
            .filter_map(|(kind, code)| code.as_ref().map(|code| blob(kind, code)))
            .collect(),
        Bytecode::Unlabelled(code) => vec![blob("code", code)],
    };
    let mut lifted = Vec::new();
    while let Some(next) = pending.pop() {
        let code = Code::new(next.bytes.clone());
        let result = lift(&code);
        if let (Bytecode::Unlabelled(_), Ok(ok)) = (&contract.code, &result) {
            for (offset, bytes) in ok.jumps.embedded_code(&code) {
                pending.insert(0, blob(&format!("{} copy at {offset}", next.kind), bytes));
            }
        }
        lifted.push((next, result));
    }
    lifted
}

/// A blob compiled to a verified Move module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompiledBlob {
    /// The module's name.
    pub module: String,
    /// The module's bytes, verified.
    pub bytes: Vec<u8>,
    /// How many functions it has.
    pub functions: usize,
}

/// Optimises a lifted blob and lowers it into the verified module `address::name`, with the
/// typed entry functions `typed`.
pub fn compile_lifted(
    mut lifted: Lifted,
    address: AccountAddress,
    name: &str,
    typed: &TypedEntries,
) -> Result<CompiledBlob, ModuleError> {
    optimize(&mut lifted.module);
    let bytes = lower::compile(&lifted.module, address, name, typed)?;
    Ok(CompiledBlob {
        module: name.to_string(),
        bytes,
        functions: lifted.module.functions.len(),
    })
}

/// Compiling code failed, at the stage that says so.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CompileError {
    /// The front end could not lift it.
    #[error(transparent)]
    Lift(#[from] LiftCodeError),
    /// The lowering could not build a verified module.
    #[error(transparent)]
    Lower(#[from] ModuleError),
}

/// Compiles EVM code into the verified Move module `address::name`, with the typed entry
/// functions `typed`.
pub fn compile_code(
    code: &[u8],
    address: AccountAddress,
    name: &str,
    typed: &TypedEntries,
) -> Result<CompiledBlob, CompileError> {
    let lifted = lift(&Code::new(code.to_vec()))?;
    Ok(compile_lifted(lifted, address, name, typed)?)
}
