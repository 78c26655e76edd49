//! The universal path on its own: a code provider that compiles every code in universal
//! form (`evmove::lift::universal`), whatever the static path would do, so tests can run
//! any program through it against revm.

use alloy_primitives::B256;
use evmove::{
    evm::Code,
    ir::verify_module,
    lift::lift_universal,
    lower::{module::compile, typed::TypedEntries},
    opt::optimize,
    provider::OnDemand,
};
use evmove_runtime::{CodeKind, CodeProvider, ProvidedModule, ProviderError, DEFAULT_PUBLISHER};

use crate::{differential::Differential, evmove_engine::EvmoveEngine};

/// Compiles every code in universal form, checked, optimised and verified as the pipeline
/// does.
#[derive(Clone, Copy, Debug, Default)]
pub struct UniversalOnly;

impl CodeProvider for UniversalOnly {
    fn module_for(
        &self,
        code: &[u8],
        hash: B256,
        kind: CodeKind,
    ) -> Result<ProvidedModule, ProviderError> {
        let fail = |err: String| ProviderError(format!("cannot compile code {hash}: {err}"));
        let (mut module, _) = lift_universal(&Code::new(code.to_vec()));
        verify_module(&module).map_err(|err| fail(err.to_string()))?;
        optimize(&mut module);
        verify_module(&module).map_err(|err| fail(err.to_string()))?;
        let name = OnDemand::module_name(hash, kind);
        let bytes = compile(&module, DEFAULT_PUBLISHER, &name, &TypedEntries::default())
            .map_err(|err| fail(err.to_string()))?;
        Ok(ProvidedModule { name, bytes })
    }
}

/// revm beside evmove compiling every code in universal form.
pub fn universal_differential() -> Differential {
    Differential {
        evmove: EvmoveEngine::with_provider(UniversalOnly),
        ..Differential::default()
    }
}
