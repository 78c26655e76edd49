//! The journal's credits without a read (`Journal::deferring_credits`): a payment to an
//! account not read is a pending credit; a read applies it; a revert undoes either.

use alloy_primitives::{Address, U256};
use evmove_runtime::{journal::Journal, Account, InMemoryState, SpecId, StateKey, StateValue};

fn address(byte: u8) -> Address {
    Address::with_last_byte(byte)
}

fn state() -> InMemoryState {
    let mut state = InMemoryState::new();
    for (byte, balance) in [(1, 100u64), (2, 5)] {
        let account = Account {
            nonce: 1,
            balance: U256::from(balance),
        };
        state.set_account(address(byte), account);
    }
    state
}

fn balance(journal: &mut Journal, state: &InMemoryState, byte: u8) -> U256 {
    journal
        .account(state, address(byte))
        .unwrap()
        .unwrap()
        .balance
}

#[test]
fn a_payment_to_an_account_not_read_is_a_credit() {
    let state = state();
    let mut journal = Journal::deferring_credits();
    assert!(journal
        .transfer(
            &state,
            address(1),
            address(2),
            U256::from(7),
            SpecId::CANCUN
        )
        .unwrap());
    assert!(journal
        .transfer(
            &state,
            address(1),
            address(3),
            U256::from(1),
            SpecId::CANCUN
        )
        .unwrap());
    assert!(journal
        .transfer(
            &state,
            address(1),
            address(2),
            U256::from(3),
            SpecId::CANCUN
        )
        .unwrap());
    let (writes, credits, _) = journal.finish();
    assert_eq!(
        writes.keys().collect::<Vec<_>>(),
        [&StateKey::Account(address(1))]
    );
    let expected = [(address(2), U256::from(10)), (address(3), U256::from(1))];
    assert_eq!(credits.into_iter().collect::<Vec<_>>(), expected);
}

#[test]
fn a_read_applies_the_credit_and_a_revert_undoes_it() {
    let state = state();
    let mut journal = Journal::deferring_credits();
    let outer = journal.checkpoint();
    journal
        .transfer(
            &state,
            address(1),
            address(2),
            U256::from(7),
            SpecId::CANCUN,
        )
        .unwrap();
    let inner = journal.checkpoint();
    journal
        .transfer(
            &state,
            address(1),
            address(2),
            U256::from(1),
            SpecId::CANCUN,
        )
        .unwrap();
    // The read sees the state plus both credits, and makes the account a written value.
    assert_eq!(balance(&mut journal, &state, 2), U256::from(13));
    journal.revert(inner);
    // Back to one pending credit: the next read applies it again.
    assert_eq!(balance(&mut journal, &state, 2), U256::from(12));
    journal.revert(outer);
    let (writes, credits, _) = journal.finish();
    assert!(
        writes.is_empty() && credits.is_empty(),
        "{writes:?} {credits:?}"
    );
}

#[test]
fn credited_then_read_is_a_full_write() {
    let state = state();
    let mut journal = Journal::deferring_credits();
    journal
        .transfer(
            &state,
            address(1),
            address(9),
            U256::from(4),
            SpecId::CANCUN,
        )
        .unwrap();
    assert_eq!(balance(&mut journal, &state, 9), U256::from(4));
    let (writes, credits, _) = journal.finish();
    assert!(credits.is_empty());
    let created = Account {
        nonce: 0,
        balance: U256::from(4),
    };
    assert_eq!(
        writes.get(&StateKey::Account(address(9))),
        Some(&Some(StateValue::Account(created)))
    );
}
