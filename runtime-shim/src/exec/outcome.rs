//! What a transaction gives: its result ([`TxOutcome`]) or the error that means it could
//! not be executed at all ([`TxError`]). How frames end is the host's
//! (`host::outcome`).

use alloy_primitives::{Address, Bytes, Log, B256};

use super::fees::InvalidTx;
use crate::{
    host::outcome::{EvmoveFailure, FatalCause, Status},
    journal::Credits,
    state::{memory::InMemoryState, StateError, WriteSet},
};

/// The result of an executed transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxOutcome {
    /// How it ended.
    pub status: Status,
    /// The first frame's return or revert data; for a successful creation, the code it
    /// deployed.
    pub return_data: Bytes,
    /// The logs of the frames that did not roll back, in order.
    pub logs: Vec<Log>,
    /// Gas used, as the EVM reports it: intrinsic gas and the frames', the refund taken off,
    /// no lower than the EIP-7623 floor (`exec::fees`).
    pub gas_used: u64,
    /// The refund taken off (SSTORE and, before London, SELFDESTRUCT refunds, capped per
    /// EIP-3529; none unless the transaction succeeded).
    pub gas_refunded: u64,
    /// The state it leaves: every key written, with its final value.
    pub write_set: WriteSet,
    /// Wei credited to accounts it did not read, which are not in `write_set` (always empty
    /// from [`Runtime::execute`](super::runtime::Runtime::execute); see
    /// [`Runtime::execute_deferring_credits`](super::runtime::Runtime::execute_deferring_credits)).
    pub credits: Credits,
    /// The address of the contract a successful creation made.
    pub created: Option<Address>,
}

impl TxOutcome {
    /// Applies the outcome to `state`: its write set, then its credits
    /// ([`TxOutcome::credits`]).
    pub fn apply_to(&self, state: &mut InMemoryState) {
        state.apply(&self.write_set);
        for (&address, &amount) in &self.credits {
            let mut account = state.account(address).unwrap_or_default();
            account.balance = account.balance.saturating_add(amount);
            state.set_account(address, account);
        }
    }
}

/// A transaction that could not be executed at all (it has no outcome, only this error).
#[derive(Debug, thiserror::Error)]
pub enum TxError {
    /// The state could not be read.
    #[error(transparent)]
    State(#[from] StateError),
    /// The transaction is invalid (a block holding it is rejected).
    #[error("invalid transaction: {0}")]
    Invalid(#[from] InvalidTx),
    /// evmove could not run a frame of it, at any depth: no Move module for the frame's code
    /// (the code provider refused it, or it failed to publish), or a Move execution that
    /// ended in no EVM way (a Move VM error other than out of gas, an abort code that is no
    /// EVM halt). Never an EVM failure: the transaction has no outcome, and no state changes.
    #[error("evmove could not run the code {code_hash} at depth {depth}: {cause}")]
    Evmove {
        /// The hash of the frame's code (the initcode, for a creation).
        code_hash: B256,
        /// The frame's depth (0: the transaction's first frame).
        depth: usize,
        /// What went wrong.
        cause: String,
    },
}

impl From<EvmoveFailure> for TxError {
    fn from(failure: EvmoveFailure) -> Self {
        let EvmoveFailure {
            code_hash,
            depth,
            cause,
        } = failure;
        TxError::Evmove {
            code_hash,
            depth,
            cause,
        }
    }
}

impl From<FatalCause> for TxError {
    fn from(cause: FatalCause) -> Self {
        match cause {
            FatalCause::State(error) => TxError::State(error),
            FatalCause::Evmove(failure) => failure.into(),
        }
    }
}

impl TxError {
    /// The error of a transaction stopped by [`Fatal`](crate::host::outcome::Fatal), from the
    /// cause the host kept (always one: a host that reports `Fatal` records why first).
    pub(crate) fn of_fatal(cause: Option<FatalCause>) -> Self {
        match cause {
            Some(cause) => cause.into(),
            None => TxError::State(StateError::new("a state read failed")),
        }
    }
}
