//! The transpiler as the runtime's code provider: EVM code nobody compiled ahead of time
//! (initcode built in memory, creation transactions, pre-state code) is compiled when the
//! runtime first needs it (`DESIGN.md` §6). The runtime publishes each module once and finds
//! it again by the code's hash, so nothing is compiled twice.

use alloy_primitives::B256;
use evmove_runtime::{CodeKind, CodeProvider, ProvidedModule, ProviderError};
use move_core_types::account_address::AccountAddress;

use crate::pipeline::{compile_code, unnamed_module_name, BlobKind};

/// Compiles code on demand into modules at a publisher address.
#[derive(Clone, Copy, Debug)]
pub struct OnDemand {
    publisher: AccountAddress,
}

impl OnDemand {
    /// A provider of modules published at `publisher` (the runtime's publisher address).
    pub fn new(publisher: AccountAddress) -> Self {
        Self { publisher }
    }

    /// The module name for code with hash `hash` run as `kind`: one module per (code,
    /// kind), by the pipeline's one naming scheme for unnamed code ([`unnamed_module_name`]).
    pub fn module_name(hash: B256, kind: CodeKind) -> String {
        let kind = match kind {
            CodeKind::Runtime => BlobKind::Runtime,
            CodeKind::Initcode => BlobKind::Initcode,
        };
        unnamed_module_name(hash, &kind)
    }
}

impl CodeProvider for OnDemand {
    fn module_for(
        &self,
        code: &[u8],
        hash: B256,
        kind: CodeKind,
    ) -> Result<ProvidedModule, ProviderError> {
        // Initcode is compiled whole, constructor arguments included: the EVM runs them as
        // code too (a JUMPDEST among them is a valid target), so this is exact.
        let name = Self::module_name(hash, kind);
        let compiled = compile_code(code, self.publisher, &name, &Default::default())
            .map_err(|err| ProviderError(format!("cannot compile code {hash}: {err}")))?;
        Ok(ProvidedModule {
            name,
            bytes: compiled.bytes,
        })
    }
}
