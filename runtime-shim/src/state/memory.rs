//! The in-memory state backend: a `BTreeMap` (deterministic order) of every key's value,
//! for tests, the CLI's local runs and as the committed state under Block-STM.

use std::collections::BTreeMap;

use alloy_primitives::{Address, Bytes, U256};

use super::{
    types::{Account, Code, StateKey, StateValue, WriteSet},
    view::{StateError, StateStore, StateView},
};

/// The whole state, in memory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InMemoryState {
    values: BTreeMap<StateKey, StateValue>,
}

impl InMemoryState {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies a transaction's write set.
    pub fn apply(&mut self, writes: &WriteSet) {
        for (key, value) in writes {
            match value {
                Some(value) => self.values.insert(key.clone(), value.clone()),
                None => self.values.remove(key),
            };
        }
    }

    /// Sets `address`'s nonce and balance.
    pub fn set_account(&mut self, address: Address, account: Account) {
        self.values
            .insert(StateKey::Account(address), StateValue::Account(account));
    }

    /// Sets `address`'s EVM code (the account must also exist to be called with value).
    pub fn set_code(&mut self, address: Address, code: Bytes) {
        self.values
            .insert(StateKey::Code(address), StateValue::Code(Code::new(code)));
    }

    /// Sets a storage slot; zero deletes it.
    pub fn set_slot(&mut self, address: Address, slot: U256, value: U256) {
        let key = StateKey::Slot(address, slot);
        if value.is_zero() {
            self.values.remove(&key);
        } else {
            self.values.insert(key, StateValue::Slot(value));
        }
    }

    /// `address`'s nonce and balance, if it exists.
    pub fn account(&self, address: Address) -> Option<Account> {
        match self.values.get(&StateKey::Account(address)) {
            Some(StateValue::Account(account)) => Some(*account),
            _ => None,
        }
    }

    /// `address`'s EVM code, if it has any.
    pub fn code(&self, address: Address) -> Option<&Code> {
        match self.values.get(&StateKey::Code(address)) {
            Some(StateValue::Code(code)) => Some(code),
            _ => None,
        }
    }

    /// A storage slot's value (zero if never written).
    pub fn slot(&self, address: Address, slot: U256) -> U256 {
        match self.values.get(&StateKey::Slot(address, slot)) {
            Some(StateValue::Slot(value)) => *value,
            _ => U256::ZERO,
        }
    }

    /// The value under `key`.
    pub fn get(&self, key: &StateKey) -> Option<&StateValue> {
        self.values.get(key)
    }

    /// Every key and value, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&StateKey, &StateValue)> {
        self.values.iter()
    }
}

impl StateView for InMemoryState {
    fn read(&self, key: &StateKey) -> Result<Option<StateValue>, StateError> {
        Ok(self.get(key).cloned())
    }

    fn storage_slots(&self, address: Address) -> Result<Vec<U256>, StateError> {
        let slots = StateKey::Slot(address, U256::ZERO)..=StateKey::Slot(address, U256::MAX);
        Ok(self
            .values
            .range(slots)
            .filter_map(|(key, _)| match key {
                StateKey::Slot(_, slot) => Some(*slot),
                _ => None,
            })
            .collect())
    }

    fn has_storage(&self, address: Address) -> Result<bool, StateError> {
        let slots = StateKey::Slot(address, U256::ZERO)..=StateKey::Slot(address, U256::MAX);
        Ok(self.values.range(slots).next().is_some())
    }
}

impl StateStore for InMemoryState {
    fn commit(&mut self, writes: &WriteSet) -> Result<(), StateError> {
        self.apply(writes);
        Ok(())
    }
}
