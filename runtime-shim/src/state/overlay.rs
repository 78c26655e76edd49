//! A state seen through writes not applied to it: what the block's transactions read after
//! the system calls before them, and what each system call reads after the one before.

use alloy_primitives::{Address, U256};

use super::{
    types::{StateKey, StateValue, WriteSet},
    view::{StateError, StateView},
};

/// `base` with `writes` applied on top (a written key reads its write; `None` deletes).
pub struct Overlay<'a> {
    /// The state below.
    pub base: &'a dyn StateView,
    /// The writes over it.
    pub writes: &'a WriteSet,
}

impl StateView for Overlay<'_> {
    fn read(&self, key: &StateKey) -> Result<Option<StateValue>, StateError> {
        match self.writes.get(key) {
            Some(value) => Ok(value.clone()),
            None => self.base.read(key),
        }
    }

    fn storage_slots(&self, address: Address) -> Result<Vec<U256>, StateError> {
        let mut slots: Vec<U256> = (self.base.storage_slots(address)?.into_iter())
            .filter(|&slot| !self.writes.contains_key(&StateKey::Slot(address, slot)))
            .collect();
        let written = StateKey::Slot(address, U256::ZERO)..=StateKey::Slot(address, U256::MAX);
        slots.extend(
            (self.writes.range(written)).filter_map(|(key, value)| match (key, value) {
                (StateKey::Slot(_, slot), Some(_)) => Some(*slot),
                _ => None,
            }),
        );
        Ok(slots)
    }

    fn has_storage(&self, address: Address) -> Result<bool, StateError> {
        Ok(!self.storage_slots(address)?.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::memory::InMemoryState;

    #[test]
    fn writes_hide_and_add_slots_over_the_base() {
        let a = Address::repeat_byte(0xa);
        let mut base = InMemoryState::new();
        base.set_slot(a, U256::from(1), U256::from(10));
        base.set_slot(a, U256::from(2), U256::from(20));
        let mut writes = WriteSet::new();
        writes.insert(StateKey::Slot(a, U256::from(1)), None);
        writes.insert(
            StateKey::Slot(a, U256::from(3)),
            Some(StateValue::Slot(U256::from(30))),
        );
        let overlay = Overlay {
            base: &base,
            writes: &writes,
        };
        assert_eq!(
            overlay.read(&StateKey::Slot(a, U256::from(1))).unwrap(),
            None
        );
        let mut slots = overlay.storage_slots(a).unwrap();
        slots.sort();
        assert_eq!(slots, [U256::from(2), U256::from(3)]);
        assert!(overlay.has_storage(a).unwrap());
        writes.insert(StateKey::Slot(a, U256::from(2)), None);
        writes.insert(StateKey::Slot(a, U256::from(3)), None);
        let overlay = Overlay {
            base: &base,
            writes: &writes,
        };
        assert!(!overlay.has_storage(a).unwrap());
        assert!(!base.has_storage(Address::repeat_byte(0xb)).unwrap());
    }
}
