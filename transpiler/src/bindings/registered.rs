//! The code provider of the bindings' runtime: the modules compiled at build time, then the
//! pipeline on demand, which gives a contract's runtime code with its immutables written
//! (the constructor writes their values into the code, so it is not the artifact's) the
//! typed entries of the contract's ABI, as the build gave the artifact's code.

use alloy_json_abi::JsonAbi;
use alloy_primitives::B256;
use evmove_runtime::{CodeKind, CodeProvider, ModuleRegistry, ProvidedModule, ProviderError};
use move_core_types::account_address::AccountAddress;

use super::Compiled;
use crate::{lower::typed::TypedEntries, pipeline::compile_code, provider::OnDemand};

/// The modules of `contracts`, then code compiled on demand at `publisher`.
pub(super) struct Registered {
    registry: ModuleRegistry,
    contracts: Vec<Compiled>,
    publisher: AccountAddress,
}

impl Registered {
    pub(super) fn new(contracts: &[Compiled], publisher: AccountAddress) -> Self {
        let mut registry = ModuleRegistry::new();
        for contract in contracts {
            contract.register(&mut registry);
        }
        Self {
            registry,
            contracts: contracts.to_vec(),
            publisher,
        }
    }
}

impl CodeProvider for Registered {
    fn module_for(
        &self,
        code: &[u8],
        hash: B256,
        kind: CodeKind,
    ) -> Result<ProvidedModule, ProviderError> {
        if let Ok(module) = self.registry.module_for(code, hash, kind) {
            return Ok(module);
        }
        let deployed = (self.contracts.iter())
            .find(|contract| kind == CodeKind::Runtime && contract.is_deployed_runtime(code));
        let Some(contract) = deployed else {
            return OnDemand::new(self.publisher).module_for(code, hash, kind);
        };
        let abi: JsonAbi = serde_json::from_str(contract.abi).map_err(|error| {
            ProviderError(format!(
                "the ABI of {} does not read: {error}",
                contract.name
            ))
        })?;
        let name = OnDemand::module_name(hash, kind);
        let compiled = compile_code(code, self.publisher, &name, &TypedEntries::of(&abi))
            .map_err(|error| ProviderError(format!("cannot compile code {hash}: {error}")))?;
        Ok(ProvidedModule {
            name,
            bytes: compiled.bytes,
        })
    }
}

impl Compiled {
    /// Whether `code` is its runtime code with values in its immutables: equal to it
    /// outside them.
    fn is_deployed_runtime(&self, code: &[u8]) -> bool {
        if self.immutables.is_empty() || code.len() != self.runtime.len() {
            return false;
        }
        let mut outside = vec![true; code.len()];
        for &(start, length) in self.immutables {
            let end = start.saturating_add(length).min(outside.len());
            outside[start.min(end)..end].fill(false);
        }
        (code.iter().zip(self.runtime).zip(outside)).all(|((a, b), compared)| !compared || a == b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployed_runtime_code_differs_from_the_artifacts_only_in_its_immutables() {
        let contract = Compiled {
            name: "C",
            initcode: &[],
            initcode_module: None,
            runtime: &[1, 2, 0, 0, 5, 0],
            runtime_module: None,
            immutables: &[(2, 2), (5, 1)],
            abi: "[]",
        };
        assert!(contract.is_deployed_runtime(&[1, 2, 7, 8, 5, 9]));
        assert!(contract.is_deployed_runtime(&[1, 2, 0, 0, 5, 0]));
        assert!(!contract.is_deployed_runtime(&[1, 3, 7, 8, 5, 9]));
        assert!(!contract.is_deployed_runtime(&[1, 2, 7, 8, 5]));
        let without = Compiled {
            immutables: &[],
            ..contract
        };
        assert!(!without.is_deployed_runtime(&[1, 2, 7, 8, 5, 9]));
    }
}
