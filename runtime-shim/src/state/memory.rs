//! The in-memory state backend: a hash map of every key's value (foldhash: a read is one
//! hash and one probe, not a B-tree walk comparing 52-byte keys), for tests, the CLI's
//! local runs and as the committed state under Block-STM. Its order never shows: whatever
//! lists keys sorts them ([`InMemoryState::iter`]).

use std::collections::{hash_map::Entry, HashMap};

use alloy_primitives::{Address, Bytes, U256};
use foldhash::fast::RandomState;

use super::{
    types::{Account, Code, StateKey, StateValue, WriteSet},
    view::{StateError, StateStore, StateView},
};

/// The whole state, in memory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InMemoryState {
    values: HashMap<StateKey, StateValue, RandomState>,
    /// Per account, how many of its slots hold a value (absent: none), so that whether it
    /// has storage (every creation asks, EIP-7610) is one lookup.
    slots: HashMap<Address, usize, RandomState>,
}

impl InMemoryState {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies a transaction's write set.
    pub fn apply(&mut self, writes: &WriteSet) {
        for (key, value) in writes {
            self.put(key.clone(), value.clone());
        }
    }

    /// Sets `address`'s nonce and balance.
    pub fn set_account(&mut self, address: Address, account: Account) {
        let value = StateValue::Account(account);
        self.put(StateKey::Account(address), Some(value));
    }

    /// Sets `address`'s EVM code (the account must also exist to be called with value).
    pub fn set_code(&mut self, address: Address, code: Bytes) {
        let value = StateValue::Code(Code::new(code));
        self.put(StateKey::Code(address), Some(value));
    }

    /// Sets a storage slot; zero deletes it.
    pub fn set_slot(&mut self, address: Address, slot: U256, value: U256) {
        let value = (!value.is_zero()).then_some(StateValue::Slot(value));
        self.put(StateKey::Slot(address, slot), value);
    }

    /// Sets `key` to `value` (`None` deletes), counting the slots each account holds.
    fn put(&mut self, key: StateKey, value: Option<StateValue>) {
        let owner = match key {
            StateKey::Slot(address, _) => Some(address),
            StateKey::Account(_) | StateKey::Code(_) => None,
        };
        let (had, has) = match value {
            Some(value) => (self.values.insert(key, value).is_some(), true),
            None => (self.values.remove(&key).is_some(), false),
        };
        let Some(owner) = owner else { return };
        match (had, has, self.slots.entry(owner)) {
            (false, true, entry) => *entry.or_default() += 1,
            (true, false, Entry::Occupied(mut count)) => {
                *count.get_mut() -= 1;
                if *count.get() == 0 {
                    count.remove();
                }
            }
            _ => {}
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

    /// Every key and value, in key order (sorted now: listing the whole state is rare).
    pub fn iter(&self) -> impl Iterator<Item = (&StateKey, &StateValue)> {
        let mut all: Vec<_> = self.values.iter().collect();
        all.sort_unstable_by_key(|(key, _)| *key);
        all.into_iter()
    }
}

impl StateView for InMemoryState {
    fn read(&self, key: &StateKey) -> Result<Option<StateValue>, StateError> {
        Ok(self.get(key).cloned())
    }

    /// A scan of the whole state (only SELFDESTRUCT before Cancun asks), unless the
    /// account holds no slot.
    fn storage_slots(&self, address: Address) -> Result<Vec<U256>, StateError> {
        if !self.has_storage(address)? {
            return Ok(Vec::new());
        }
        Ok((self.values.keys())
            .filter_map(|key| match key {
                StateKey::Slot(owner, slot) if *owner == address => Some(*slot),
                _ => None,
            })
            .collect())
    }

    fn has_storage(&self, address: Address) -> Result<bool, StateError> {
        Ok(self.slots.contains_key(&address))
    }
}

impl StateStore for InMemoryState {
    fn commit(&mut self, writes: &WriteSet) -> Result<(), StateError> {
        self.apply(writes);
        Ok(())
    }
}
