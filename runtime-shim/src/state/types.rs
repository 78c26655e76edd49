//! The state keys of `DESIGN.md` §6 and their values: one key per account (nonce and
//! balance), one per account's code, one per storage slot, and the write set a transaction
//! leaves.

use std::collections::BTreeMap;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};

/// One unit of state: what a transaction reads and writes, and what Block-STM versions.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StateKey {
    /// An account's nonce and balance ([`Account`]).
    Account(Address),
    /// An account's EVM code ([`Code`]).
    Code(Address),
    /// One storage slot of an account (a word).
    Slot(Address, U256),
}

/// The value held under a [`StateKey`]; the variant always matches the key's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StateValue {
    /// Under [`StateKey::Account`].
    Account(Account),
    /// Under [`StateKey::Code`].
    Code(Code),
    /// Under [`StateKey::Slot`]: never zero (a zero slot has no value).
    Slot(U256),
}

/// An account's nonce and balance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Account {
    /// The number of transactions sent (an EOA) or contracts created (a contract), plus one
    /// for a contract itself (EIP-161).
    pub nonce: u64,
    /// Its balance in wei.
    pub balance: U256,
}

/// An account's deployed EVM code. The Move module that runs it is found by its hash
/// (through the runtime's code provider), so one transpiled module serves every deployment
/// of the same code; code reads (CODECOPY, EXTCODE*) see these bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code {
    /// The EVM bytes.
    pub bytes: Bytes,
    /// Their Keccak-256 hash.
    pub hash: B256,
}

impl Code {
    /// `bytes` with their hash.
    pub fn new(bytes: Bytes) -> Self {
        let hash = keccak256(&bytes);
        Self { bytes, hash }
    }
}

/// What a transaction leaves: the new value of every key it wrote (`None`: deleted, or a
/// slot set to zero), in key order.
pub type WriteSet = BTreeMap<StateKey, Option<StateValue>>;
