//! Module storage for the Move VM: published modules by id, held in memory.
//!
//! This is the code half of the VM's global storage. The resource half is always empty: EVM
//! state is held by the host's journal, and transpiled code reaches it through natives.
//! Modules can be added while sessions read the store (code compiled on demand is published
//! in the middle of a transaction), hence the lock.

use std::{collections::BTreeMap, convert::Infallible, sync::RwLock};

use move_core_types::{
    account_address::AccountAddress,
    effects::{ChangeSet, Op},
    language_storage::{ModuleId, StructTag},
    resolver::{ModuleResolver, ResourceResolver},
};

/// Published Move modules, keyed by module id.
#[derive(Debug, Default)]
pub struct ModuleStore {
    modules: RwLock<BTreeMap<ModuleId, Vec<u8>>>,
}

/// A session's change set touched a resource: modules are all this store holds.
#[derive(Debug, thiserror::Error)]
#[error("a Move session wrote resource {0} at {1}: EVM state must go through the host")]
pub struct UnexpectedResourceWrite(StructTag, AccountAddress);

impl ModuleStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies the module publications and deletions of a finished session.
    pub fn apply(&self, changes: ChangeSet) -> Result<(), UnexpectedResourceWrite> {
        let mut store = self
            .modules
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for (address, account) in changes.into_inner() {
            let (modules, resources) = account.into_inner();
            if let Some((tag, _)) = resources.into_iter().next() {
                return Err(UnexpectedResourceWrite(tag, address));
            }
            for (name, op) in modules {
                let id = ModuleId::new(address, name);
                match op {
                    Op::New(bytes) | Op::Modify(bytes) => store.insert(id, bytes),
                    Op::Delete => store.remove(&id),
                };
            }
        }
        Ok(())
    }
}

impl ModuleStore {
    /// The module published as `id`.
    pub fn get(&self, id: &ModuleId) -> Option<Vec<u8>> {
        let modules = self
            .modules
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        modules.get(id).cloned()
    }
}

impl ModuleResolver for ModuleStore {
    type Error = Infallible;

    fn get_module(&self, id: &ModuleId) -> Result<Option<Vec<u8>>, Self::Error> {
        Ok(self.get(id))
    }
}

impl ResourceResolver for ModuleStore {
    type Error = Infallible;

    fn get_resource(
        &self,
        _address: &AccountAddress,
        _tag: &StructTag,
    ) -> Result<Option<Vec<u8>>, Self::Error> {
        Ok(None)
    }
}
