//! The token deployed and called through its typed bindings on evmove's embedded runtime:
//! a transfer and its event, a read, and a revert decoded as the contract's custom error.

use evmove::bindings::{
    primitives::{address, Address, U256},
    runtime::{Account, InMemoryState, Runtime, Status},
    sol_types::ContractError,
};
use {{crate}}::{
    token::{Errors, Events, IToken},
    Token,
};

const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
const BOB: Address = address!("0000000000000000000000000000000000000b0b");

/// The runtime, a state where Alice has ether, and a token she deployed with 1,000 units.
fn setup() -> (Runtime, InMemoryState, Token) {
    let runtime = {{crate}}::runtime().unwrap();
    let mut state = InMemoryState::new();
    let balance = U256::from(10).pow(U256::from(18));
    state.set_account(ALICE, Account { nonce: 0, balance });
    let token = Token::deploy(
        &runtime,
        &mut state,
        ALICE,
        "Coin".into(),
        "C".into(),
        U256::from(1000),
    );
    (runtime, state, token.unwrap())
}

#[test]
fn a_transfer_moves_the_balance_and_emits_transfer() {
    let (runtime, mut state, token) = setup();
    let receipt = token
        .transfer(BOB, U256::from(250))
        .send(&runtime, &mut state, ALICE)
        .unwrap();
    assert_eq!(receipt.status, Status::Success);
    assert_eq!(receipt.returned, Some(true));
    let transfer = IToken::Transfer {
        from: ALICE,
        to: BOB,
        value: U256::from(250),
    };
    assert_eq!(receipt.events, [Events::Transfer(transfer)]);
    let bob = token.balanceOf(BOB).send(&runtime, &mut state, ALICE);
    assert_eq!(bob.unwrap().returned, Some(U256::from(250)));
}

#[test]
fn a_transfer_beyond_the_balance_reverts_with_the_custom_error() {
    let (runtime, mut state, token) = setup();
    let receipt = token
        .transfer(BOB, U256::from(5000))
        .send(&runtime, &mut state, ALICE)
        .unwrap();
    assert_eq!(receipt.status, Status::Revert);
    let expected = IToken::InsufficientBalance {
        from: ALICE,
        balance: U256::from(1000),
        needed: U256::from(5000),
    };
    assert_eq!(
        receipt.reverted,
        Some(ContractError::CustomError(Errors::InsufficientBalance(expected)))
    );
    assert!(receipt.events.is_empty());
}
