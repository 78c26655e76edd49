//! Typed binding calls checked against revm: a runtime and state for the bindings beside the
//! revm oracle on the same accounts, and each binding call (or creation) sent on evmove,
//! as calldata or through its typed entry, then run on revm as the same transaction (with
//! calldata) and compared.

use std::collections::BTreeMap;

use alloy_primitives::{Address, Bytes, Log, U256};
use evmove::bindings::{sol_types::SolCall, Call};
use evmove_runtime::{Account, InMemoryState, Runtime, StateView, Status, Transaction};

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
    /// `data`, `logs`, the `created` contract, and then the storage of every account whose
    /// storage it changed on revm, of the called and of the created contract.
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
        let changed = (revm.changes.iter())
            .filter(|(_, change)| !change.storage.is_empty())
            .map(|(&address, _)| address);
        for address in changed.chain(tx.to).chain(created) {
            let evmove = self.storage_of(address);
            assert_eq!(
                self.revm.storage_of(address),
                evmove,
                "storage of {address} after {what}"
            );
        }
    }

    /// Every non-zero storage slot of `address` in evmove's state.
    fn storage_of(&self, address: Address) -> BTreeMap<U256, U256> {
        let slots = (self.state.storage_slots(address)).expect("the in-memory state lists slots");
        (slots.into_iter())
            .map(|slot| (slot, self.state.slot(address, slot)))
            .filter(|(_, value)| !value.is_zero())
            .collect()
    }
}

/// Asserts that the return value a call through a typed entry decoded from the entry's Move
/// results (`returned`) is the one its return `data` decodes as (none unless it succeeded).
pub fn assert_same_return<C: SolCall, E, L>(
    call: &Call<C, E, L>,
    status: &Status,
    returned: Option<&C::Return>,
    data: &[u8],
) {
    let expected = match status {
        Status::Success => C::abi_decode_returns(data).ok(),
        _ => None,
    };
    let encode = |value: &C::Return| C::abi_encode_returns(value);
    assert_eq!(
        returned.map(encode),
        expected.as_ref().map(encode),
        "{} from {:?}",
        C::SIGNATURE,
        call.tx(Address::ZERO).data
    );
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

/// As [`agree!`], except that evmove runs the call through its typed entry function
/// (`.entry()`, Move values) while revm runs it as calldata; and the return value decoded
/// from the entry's Move results must be the one decoded from the return data.
#[macro_export]
macro_rules! agree_entry {
    ($both:expr, $call:expr, $from:expr) => {{
        let both: &mut $crate::bindings::Both = &mut $both;
        let call = $call;
        let receipt = (call.entry())
            .send(&both.runtime, &mut both.state, $from)
            .unwrap();
        both.agree(
            &call.tx($from),
            &receipt.status,
            &receipt.return_data,
            &receipt.logs,
            receipt.created,
        );
        let returned = receipt.returned.as_ref();
        $crate::bindings::assert_same_return(
            &call,
            &receipt.status,
            returned,
            &receipt.return_data,
        );
        receipt
    }};
}
