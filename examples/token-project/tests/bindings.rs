//! The contracts deployed and called through their typed bindings on the embedded runtime:
//! a transfer, an allowance flow, reverts decoded as the contract's custom errors and as
//! `Error(string)`, events.

use evmove::bindings::{
    primitives::{address, Address, U256},
    runtime::{Account, InMemoryState, Runtime, Status},
    sol_types::ContractError,
};
use token_project::{
    token::{Errors as TokenErrors, Events as TokenEvents, IToken},
    vault::{Errors as VaultErrors, Events as VaultEvents, IVault},
    Token, Vault,
};

const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
const BOB: Address = address!("0000000000000000000000000000000000000b0b");

/// A runtime with the contracts registered, a state where Alice and Bob have ether, and a
/// token Alice deployed with 1,000 units.
fn setup() -> (Runtime, InMemoryState, Token) {
    let runtime = token_project::runtime().unwrap();
    let mut state = InMemoryState::new();
    for who in [ALICE, BOB] {
        let balance = U256::from(10).pow(U256::from(21));
        state.set_account(who, Account { nonce: 0, balance });
    }
    let supply = U256::from(1000);
    let token = Token::deploy(
        &runtime,
        &mut state,
        ALICE,
        "Coin".into(),
        "C".into(),
        supply,
    );
    (runtime, state, token.unwrap())
}

/// `who`'s token balance, read in a call ALICE sends (a contract cannot send: EIP-3607).
fn balance(runtime: &Runtime, state: &mut InMemoryState, token: Token, who: Address) -> U256 {
    let receipt = token.balanceOf(who).send(runtime, state, ALICE).unwrap();
    receipt.returned.unwrap()
}

#[test]
fn a_transfer_moves_balance_and_emits_transfer() {
    let (runtime, mut state, token) = setup();
    let receipt = token
        .transfer(BOB, U256::from(250))
        .send(&runtime, &mut state, ALICE)
        .unwrap();
    assert_eq!(receipt.status, Status::Success);
    assert_eq!(receipt.returned, Some(true));
    let expected = IToken::Transfer {
        from: ALICE,
        to: BOB,
        value: U256::from(250),
    };
    assert_eq!(receipt.events, [TokenEvents::Transfer(expected)]);
    assert_eq!(balance(&runtime, &mut state, token, ALICE), U256::from(750));
    assert_eq!(balance(&runtime, &mut state, token, BOB), U256::from(250));
}

#[test]
fn an_allowance_is_spent_by_transfer_from() {
    let (runtime, mut state, token) = setup();
    let approve = token
        .approve(BOB, U256::from(100))
        .send(&runtime, &mut state, ALICE)
        .unwrap();
    let approval = IToken::Approval {
        owner: ALICE,
        spender: BOB,
        value: U256::from(100),
    };
    assert_eq!(approve.events, [TokenEvents::Approval(approval)]);
    let spend = token.transferFrom(ALICE, BOB, U256::from(60));
    assert!(spend.send(&runtime, &mut state, BOB).unwrap().success());
    let left = token
        .allowance(ALICE, BOB)
        .send(&runtime, &mut state, BOB)
        .unwrap();
    assert_eq!(left.returned, Some(U256::from(40)));
    assert_eq!(balance(&runtime, &mut state, token, BOB), U256::from(60));
}

#[test]
fn reverts_decode_as_the_contracts_errors() {
    let (runtime, mut state, token) = setup();
    let too_much = token.transferFrom(ALICE, BOB, U256::from(1));
    let receipt = too_much.send(&runtime, &mut state, BOB).unwrap();
    assert_eq!(receipt.status, Status::Revert);
    let expected = IToken::InsufficientAllowance {
        spender: BOB,
        allowance: U256::ZERO,
        needed: U256::from(1),
    };
    let custom = ContractError::CustomError(TokenErrors::InsufficientAllowance(expected));
    assert_eq!(receipt.reverted, Some(custom));
    assert!(receipt.events.is_empty());

    let to_zero = token.transfer(Address::ZERO, U256::from(1));
    let receipt = to_zero.send(&runtime, &mut state, ALICE).unwrap();
    let Some(ContractError::Revert(revert)) = receipt.reverted else {
        panic!("not an Error(string): {:?}", receipt.reverted);
    };
    assert_eq!(revert.reason, "ERC20: transfer to zero address");
}

#[test]
fn the_vault_takes_deposits_of_the_token() {
    let (runtime, mut state, token) = setup();
    let vault = Vault::deploy(&runtime, &mut state, ALICE, token.address).unwrap();
    let asset = vault.asset().send(&runtime, &mut state, ALICE).unwrap();
    assert_eq!(asset.returned, Some(token.address));

    let nothing = vault
        .deposit(U256::ZERO)
        .send(&runtime, &mut state, ALICE)
        .unwrap();
    let zero = ContractError::CustomError(VaultErrors::ZeroAmount(IVault::ZeroAmount {}));
    assert_eq!(nothing.reverted, Some(zero));

    let approve = token.approve(vault.address, U256::from(300));
    assert!(approve.send(&runtime, &mut state, ALICE).unwrap().success());
    let deposit = vault
        .deposit(U256::from(300))
        .send(&runtime, &mut state, ALICE)
        .unwrap();
    assert_eq!(deposit.returned, Some(U256::from(300)));
    // The token's Transfer (another contract's event) is among the logs, not the events.
    assert_eq!(deposit.logs.len(), 2);
    let event = IVault::Deposit {
        user: ALICE,
        assets: U256::from(300),
        shares: U256::from(300),
    };
    assert_eq!(deposit.events, [VaultEvents::Deposit(event)]);
    assert_eq!(
        balance(&runtime, &mut state, token, vault.address),
        U256::from(300)
    );
}

#[test]
fn a_failing_constructor_is_a_deploy_error_with_its_reason() {
    let (runtime, mut state, _) = setup();
    let error = Vault::deploy(&runtime, &mut state, ALICE, Address::ZERO).unwrap_err();
    let evmove::bindings::DeployError::Failed { status, reverted } = error else {
        panic!("not a failed creation: {error}");
    };
    assert_eq!(status, Status::Revert);
    let Some(ContractError::Revert(revert)) = reverted.as_deref() else {
        panic!("not an Error(string): {reverted:?}");
    };
    assert_eq!(revert.reason, "Vault: zero asset");
}
