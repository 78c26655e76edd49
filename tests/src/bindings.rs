//! Typed binding calls checked against revm: a runtime and state for the bindings beside the
//! revm oracle on the same accounts, and each binding call (or creation) sent on evmove,
//! then run on revm as the same transaction and compared.

use alloy_primitives::{Address, Bytes, Log, U256};
use evmove_runtime::{Account, InMemoryState, Runtime, Status, Transaction};

use crate::{
    outcome::{Status as RevmStatus, Tx},
    revm_oracle::RevmOracle,
};

/// evmove (through the bindings) and revm side by side.
pub struct Both {
    /// The bindings' runtime.
    pub runtime: Runtime,
    /// evmove's state.
    pub state: InMemoryState,
    /// revm's.
    pub revm: RevmOracle,
}

impl Both {
    /// `runtime` and revm, with `accounts` given `wei` each on both.
    pub fn new(runtime: Runtime, accounts: &[Address], wei: U256) -> Self {
        let mut both = Both {
            runtime,
            state: InMemoryState::new(),
            revm: RevmOracle::new(),
        };
        for &who in accounts {
            let account = Account {
                nonce: 0,
                balance: wei,
            };
            both.state.set_account(who, account);
            both.revm.fund(who, wei);
        }
        both
    }

    /// Runs `tx` on revm and asserts that it ends as evmove did: `status`, return or revert
    /// `data`, `logs`, the `created` contract.
    pub fn agree(
        &mut self,
        tx: &Transaction,
        status: &Status,
        data: &Bytes,
        logs: &[Log],
        created: Option<Address>,
    ) {
        let what = format!("{tx:?}");
        let revm = self.revm.execute(&Tx {
            from: tx.sender,
            to: tx.to,
            data: tx.data.clone(),
            value: tx.value,
            gas_limit: tx.gas_limit,
        });
        let revm = revm.unwrap_or_else(|error| panic!("revm refused {what}: {error:?}"));
        let evmove_status = match status {
            Status::Success => RevmStatus::Success,
            Status::Revert => RevmStatus::Revert,
            Status::Halt(reason) => panic!("evmove halted ({reason}): {what}"),
        };
        assert_eq!(revm.status, evmove_status, "{what}");
        assert_eq!(&revm.output, data, "{what}");
        assert_eq!(revm.logs, logs, "{what}");
        assert_eq!(revm.created, created, "{what}");
    }
}

/// Sends a binding call (`$call`, with `send` and `tx`) from `$from` on evmove, runs the same
/// transaction on revm, asserts they agree ([`Both::agree`]), and gives evmove's receipt.
#[macro_export]
macro_rules! agree {
    ($both:expr, $call:expr, $from:expr) => {{
        let both: &mut $crate::bindings::Both = &mut $both;
        let call = $call;
        let receipt = call.send(&both.runtime, &mut both.state, $from).unwrap();
        let tx = call.tx($from);
        both.agree(
            &tx,
            &receipt.status,
            &receipt.return_data,
            &receipt.logs,
            receipt.created,
        );
        receipt
    }};
}
