//! A transaction and its observable outcome: what two executions of the same transaction
//! must agree on to be called equal, gas used included.

use std::collections::BTreeMap;

use alloy_primitives::{Address, Bytes, Log, U256};

/// A transaction: a call when `to` is set, a contract creation when it is not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tx {
    /// The sender, an externally owned account.
    pub from: Address,
    /// The callee; `None` creates a contract from `data` as initcode.
    pub to: Option<Address>,
    /// Calldata, or initcode followed by the constructor arguments.
    pub data: Bytes,
    /// Wei sent along.
    pub value: U256,
    /// The gas limit.
    pub gas_limit: u64,
}

impl Tx {
    /// Generous enough for every corpus transaction, far below any block limit.
    pub const DEFAULT_GAS_LIMIT: u64 = 30_000_000;

    /// A call of `to` with `data` and no value.
    pub fn call(from: Address, to: Address, data: impl Into<Bytes>) -> Self {
        Self {
            from,
            to: Some(to),
            data: data.into(),
            value: U256::ZERO,
            gas_limit: Self::DEFAULT_GAS_LIMIT,
        }
    }

    /// A contract creation running `initcode` (constructor arguments included).
    pub fn create(from: Address, initcode: impl Into<Bytes>) -> Self {
        Self {
            from,
            to: None,
            data: initcode.into(),
            value: U256::ZERO,
            gas_limit: Self::DEFAULT_GAS_LIMIT,
        }
    }

    /// A contract creation deploying `runtime` as it is (initcode with no constructor:
    /// `codecopy(0, 14, len); return(0, len)`, then `runtime` at offset 14).
    pub fn deploy(from: Address, runtime: &[u8]) -> Self {
        let [hi, lo] = u16::try_from(runtime.len())
            .expect("test code is below 64 KiB")
            .to_be_bytes();
        let mut initcode = vec![0x61, hi, lo, 0x60, 14, 0x5f, 0x39, 0x61, hi, lo, 0x5f, 0xf3];
        initcode.extend_from_slice(&[0x00, 0x00]); // padding up to offset 14
        initcode.extend_from_slice(runtime);
        Self::create(from, initcode)
    }

    /// The same transaction sending `value` wei.
    pub fn with_value(mut self, value: U256) -> Self {
        self.value = value;
        self
    }
}

/// How a transaction ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Returned normally (RETURN, STOP, or a creation that deployed code).
    Success,
    /// Ended with REVERT: its output is the revert data.
    Revert,
    /// Failed exceptionally (invalid opcode, out of gas, stack violation, ...): all gas spent,
    /// no output. The reason is revm's, for reading only.
    Halt(String),
}

/// The state a transaction changed: for each account, only what differs from before it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountChange {
    /// The new balance, if it changed.
    pub balance: Option<U256>,
    /// The new nonce, if it changed.
    pub nonce: Option<u64>,
    /// The code of a contract created by the transaction.
    pub code: Option<Bytes>,
    /// Storage slots whose value changed, with their new values.
    pub storage: BTreeMap<U256, U256>,
}

impl AccountChange {
    /// Whether nothing about the account changed.
    pub fn is_empty(&self) -> bool {
        self.balance.is_none()
            && self.nonce.is_none()
            && self.code.is_none()
            && self.storage.is_empty()
    }
}

/// Everything observable about one executed transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxOutcome {
    /// How it ended.
    pub status: Status,
    /// Return data on success (for a creation, the deployed code), revert data on revert.
    pub output: Bytes,
    /// The address of the contract a creation transaction deployed.
    pub created: Option<Address>,
    /// Logs emitted, in order (empty unless it succeeded).
    pub logs: Vec<Log>,
    /// Changed accounts, in address order, including contracts created by CREATE/CREATE2.
    pub changes: BTreeMap<Address, AccountChange>,
    /// Gas used, as the EVM reports it (intrinsic gas included, the refund taken off).
    pub gas_used: u64,
}

impl TxOutcome {
    /// Whether the transaction succeeded.
    pub fn is_success(&self) -> bool {
        self.status == Status::Success
    }

    /// The contracts the transaction created, at any call depth, in address order.
    pub fn created_contracts(&self) -> Vec<Address> {
        self.changes
            .iter()
            .filter(|(_, change)| change.code.is_some())
            .map(|(address, _)| *address)
            .collect()
    }
}
