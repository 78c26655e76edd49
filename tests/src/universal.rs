//! The universal path on its own: a code provider that compiles every code in universal
//! form (`evmove::lift::universal`), whatever the static path would do, so tests can run
//! any program through it against revm.

use alloy_primitives::B256;
use evmove::{
    evm::{assemble, Code},
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

/// A chain of `blocks` blocks, entered at the block calldata word 0 names (a computed jump;
/// the first block is also reached by going on from the entry), each mixing the accumulator
/// (calldata word 1) and returning it at the end. Block `k` starts `7 k` bytes after the
/// first. At 3,000 blocks, too large for one Move function in universal form: its entry
/// drives parts that borrow the EVM stack.
pub fn block_chain(blocks: usize) -> Vec<u8> {
    let mut text = String::from("PUSH 0x20 CALLDATALOAD PUSH0 CALLDATALOAD PUSH @b0 ADD JUMP\n");
    for k in 0..blocks {
        text += &format!("b{k}: PUSH 3 MUL PUSH {} XOR\n", k % 251);
    }
    text += "PUSH0 MSTORE PUSH 0x20 PUSH0 RETURN";
    assemble(&text).expect("assembles")
}
