//! How execution reads the state: one small trait, so that the sequential executor reads a
//! backend directly and Block-STM gives each transaction a versioned view that records what
//! it read (the Move VM reports no read sets: the host's reads are the read set).

use alloy_primitives::{Address, U256};

use super::types::{StateKey, StateValue, WriteSet};

/// Read access to the state a transaction executes on.
pub trait StateView {
    /// The value under `key`; `None` if there is none (an absent account or code, a zero
    /// slot). An error stops the whole transaction (it is not an EVM failure): Block-STM uses
    /// it to abandon an execution that read an estimate.
    fn read(&self, key: &StateKey) -> Result<Option<StateValue>, StateError>;

    /// Every storage slot of `address` that holds a value (not zero), in any order.
    ///
    /// Only SELFDESTRUCT before Cancun needs it (the account is deleted with all its
    /// storage, slots the transaction never touched included). The default is an error: a
    /// view that cannot list an account's storage, or whose reads are versioned one key at a
    /// time (Block-STM's: a listing is not a read it could validate), fails such a
    /// transaction with a clear reason instead of leaving slots behind.
    fn storage_slots(&self, address: Address) -> Result<Vec<U256>, StateError> {
        Err(StateError::new(format!(
            "this state cannot list the storage of {address} (needed by SELFDESTRUCT \
             before Cancun, which deletes it)"
        )))
    }

    /// Whether `address` has a storage slot holding a value (not zero).
    ///
    /// A creation onto such an account is a collision (EIP-7610); the creation asks only
    /// once the account has nonce 0 and no code, and such an account's storage cannot change
    /// during a block (only code running at an address writes its storage, and code runs
    /// only at an account that has code or is being created, which gives it nonce 1). The
    /// default lists the storage ([`StateView::storage_slots`]).
    fn has_storage(&self, address: Address) -> Result<bool, StateError> {
        Ok(!self.storage_slots(address)?.is_empty())
    }
}

/// A state that transactions' write sets are committed to (the in-memory backend; a
/// persistent one implements the same).
pub trait StateStore: StateView {
    /// Applies a transaction's write set: each key takes its new value (`None` deletes).
    fn commit(&mut self, writes: &WriteSet) -> Result<(), StateError>;
}

/// A read that could not be served. The source is the backend's own error: a caller that
/// knows the backend downcasts it (`source.downcast_ref::<MyError>()`).
#[derive(Debug, thiserror::Error)]
#[error("state read failed: {source}")]
pub struct StateError {
    /// What the backend reported.
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

impl StateError {
    /// Wraps a backend's error.
    pub fn new(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self {
            source: source.into(),
        }
    }
}

impl<T: StateView + ?Sized> StateView for &T {
    fn read(&self, key: &StateKey) -> Result<Option<StateValue>, StateError> {
        (**self).read(key)
    }

    fn storage_slots(&self, address: Address) -> Result<Vec<U256>, StateError> {
        (**self).storage_slots(address)
    }

    fn has_storage(&self, address: Address) -> Result<bool, StateError> {
        (**self).has_storage(address)
    }
}
