//! What runs transactions for a scenario: revm, evmove, or both side by side. Each engine
//! keeps its own state, funded the same way, so the same transactions give comparable
//! outcomes.

use alloy_primitives::{Address, U256};

use crate::outcome::{Tx, TxOutcome};

/// An executor of transactions over a state of its own.
pub trait Engine {
    /// Gives `account` a balance of `wei`, as a genesis allocation would.
    fn fund(&mut self, account: Address, wei: U256);

    /// Executes `tx` on the current state, commits its effects, and reports its outcome;
    /// `Err` if the transaction could not be executed at all (not a failed execution).
    fn execute(&mut self, tx: &Tx) -> Result<TxOutcome, String>;

    /// The balance of `account`.
    fn balance(&self, account: Address) -> U256;

    /// The value of storage slot `slot` of `account`.
    fn storage(&self, account: Address, slot: U256) -> U256;
}

impl<E: Engine + ?Sized> Engine for &mut E {
    fn fund(&mut self, account: Address, wei: U256) {
        (**self).fund(account, wei)
    }

    fn execute(&mut self, tx: &Tx) -> Result<TxOutcome, String> {
        (**self).execute(tx)
    }

    fn balance(&self, account: Address) -> U256 {
        (**self).balance(account)
    }

    fn storage(&self, account: Address, slot: U256) -> U256 {
        (**self).storage(account, slot)
    }
}
