//! The ahead-of-time code provider: modules given up front, found by the EVM code they run.

use std::collections::HashMap;

use alloy_primitives::{keccak256, Bytes, B256};

use super::code::{CodeKind, CodeProvider, ProvidedModule, ProviderError};

/// Modules registered with the EVM code they were transpiled from.
///
/// Runtime code is found by its exact hash. Initcode is found by its exact hash, else by the
/// longest registered initcode that is a prefix of it: a creation appends its constructor
/// arguments to the initcode, and the transpiled constructor reads them as data.
#[derive(Clone, Debug, Default)]
pub struct ModuleRegistry {
    runtime: HashMap<B256, ProvidedModule>,
    initcode: HashMap<B256, ProvidedModule>,
    /// Every registered initcode, for the prefix match.
    initcode_prefixes: Vec<(Bytes, B256)>,
}

impl ModuleRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `module` as the one running `code` as deployed code.
    pub fn add_runtime(&mut self, code: &[u8], module: ProvidedModule) {
        self.runtime.insert(keccak256(code), module);
    }

    /// Registers `module` as the constructor of `initcode` (with or without arguments after it).
    pub fn add_initcode(&mut self, initcode: &[u8], module: ProvidedModule) {
        let hash = keccak256(initcode);
        if self.initcode.insert(hash, module).is_none() {
            self.initcode_prefixes
                .push((Bytes::copy_from_slice(initcode), hash));
        }
    }

    fn initcode_for(&self, code: &[u8], hash: B256) -> Option<&ProvidedModule> {
        if let Some(module) = self.initcode.get(&hash) {
            return Some(module);
        }
        let (_, prefix_hash) = self
            .initcode_prefixes
            .iter()
            .filter(|(prefix, _)| code.starts_with(prefix))
            .max_by_key(|(prefix, _)| prefix.len())?;
        self.initcode.get(prefix_hash)
    }
}

impl CodeProvider for ModuleRegistry {
    fn module_for(
        &self,
        code: &[u8],
        hash: B256,
        kind: CodeKind,
    ) -> Result<ProvidedModule, ProviderError> {
        let found = match kind {
            CodeKind::Runtime => self.runtime.get(&hash),
            CodeKind::Initcode => self.initcode_for(code, hash),
        };
        found.cloned().ok_or_else(|| {
            ProviderError(format!(
                "no module registered for {kind:?} code {hash} ({} bytes)",
                code.len()
            ))
        })
    }
}
