//! The binding calls agree with revm: the same creations and calls (each binding call's
//! `tx`) executed by the suite's revm oracle on the same contracts give the same status,
//! return or revert data, logs, created addresses and storage, whether evmove runs them as
//! calldata or through the contracts' Move typed entry functions (`.entry()`). And the
//! bindings' transactions run as a Block-STM block give what sending them one by one gives.

use std::num::NonZeroUsize;

use evmove::bindings::{
    primitives::{address, Address, U256},
    runtime::{
        block::{evm::execute_block, Config, Mode},
        Account, BlockEnv, InMemoryState, Status, Transaction,
    },
};
use evmove_tests::{agree, agree_entry, bindings::Both};
use token_project::{Token, Vault};

const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
const BOB: Address = address!("0000000000000000000000000000000000000b0b");

/// The bindings' runtime and revm side by side, Alice and Bob funded on both.
fn both() -> Both {
    let wei = U256::from(10).pow(U256::from(21));
    Both::new(token_project::runtime().unwrap(), &[ALICE, BOB], wei)
}

/// Deploys the token (1,000 units to Alice) and a vault of it, agreeing with revm.
fn deploy(both: &mut Both) -> (Token, Vault) {
    let deployment = Token::deployment("Coin".into(), "C".into(), U256::from(1000));
    let receipt = deployment
        .send(&both.runtime, &mut both.state, ALICE)
        .unwrap();
    let created = receipt.created;
    both.agree(
        &deployment.tx(ALICE),
        &receipt.status,
        &receipt.return_data,
        &receipt.logs,
        created,
    );
    let token = Token::at(receipt.created().unwrap());

    let deployment = Vault::deployment(token.address);
    let receipt = deployment
        .send(&both.runtime, &mut both.state, ALICE)
        .unwrap();
    let created = receipt.created;
    both.agree(
        &deployment.tx(ALICE),
        &receipt.status,
        &receipt.return_data,
        &receipt.logs,
        created,
    );
    (token, Vault::at(receipt.created().unwrap()))
}

#[test]
fn token_and_vault_calls_agree_with_revm() {
    let mut both = both();
    let (token, vault) = deploy(&mut both);
    agree!(both, token.transfer(BOB, U256::from(250)), ALICE);
    agree!(both, token.transfer(BOB, U256::from(5000)), ALICE); // InsufficientBalance
    agree!(both, token.transfer(Address::ZERO, U256::from(1)), ALICE); // Error(string)
    agree!(both, token.approve(BOB, U256::from(100)), ALICE);
    agree!(both, token.transferFrom(ALICE, BOB, U256::from(60)), BOB);
    agree!(both, token.transferFrom(ALICE, BOB, U256::from(60)), BOB); // InsufficientAllowance
    agree!(both, token.allowance(ALICE, BOB), BOB);
    agree!(both, token.mint(BOB, U256::from(1)), BOB); // NotOwner
    agree!(both, token.approve(vault.address, U256::MAX), ALICE);
    agree!(both, vault.deposit(U256::from(300)), ALICE);
    agree!(both, vault.deposit(U256::ZERO), ALICE); // ZeroAmount
    agree!(both, vault.withdraw(U256::from(1000)), ALICE); // InsufficientShares
    agree!(both, vault.withdraw(U256::from(100)), ALICE);
    agree!(both, vault.depositEther().value(U256::from(7)), BOB);
    agree!(both, vault.withdrawEther(U256::from(7)), BOB);
    agree!(both, token.balanceOf(vault.address), BOB);
    let supply = agree!(both, token.totalSupply(), BOB);
    assert_eq!(supply.returned, Some(U256::from(1000)));
}

/// The same calls through the typed entries (the vault's runtime code has an immutable,
/// so its module is compiled when it is deployed, with the typed entries): Move values in,
/// Move results decoded, and revm's calldata call ending the same way.
#[test]
fn typed_entry_calls_agree_with_revm_calldata_calls() {
    let mut both = both();
    let (token, vault) = deploy(&mut both);
    let sent = agree_entry!(both, token.transfer(BOB, U256::from(250)), ALICE);
    assert_eq!(sent.returned, Some(true));
    assert_eq!(sent.events.len(), 1);
    agree_entry!(both, token.transfer(BOB, U256::from(5000)), ALICE); // InsufficientBalance
    agree_entry!(both, token.transfer(Address::ZERO, U256::from(1)), ALICE); // Error(string)
    agree_entry!(both, token.approve(BOB, U256::from(100)), ALICE);
    agree_entry!(both, token.transferFrom(ALICE, BOB, U256::from(60)), BOB);
    agree_entry!(both, token.transferFrom(ALICE, BOB, U256::from(60)), BOB); // InsufficientAllowance
    let allowance = agree_entry!(both, token.allowance(ALICE, BOB), BOB);
    assert_eq!(allowance.returned, Some(U256::from(40)));
    agree_entry!(both, token.name(), BOB);
    agree_entry!(both, token.approve(vault.address, U256::MAX), ALICE);
    agree_entry!(both, vault.deposit(U256::from(300)), ALICE);
    agree_entry!(both, vault.deposit(U256::ZERO), ALICE); // ZeroAmount
    agree_entry!(both, vault.depositEther().value(U256::from(7)), BOB);
    agree_entry!(both, vault.withdrawEther(U256::from(7)), BOB);
    let asset = agree_entry!(both, vault.asset(), BOB);
    assert_eq!(asset.returned, Some(token.address));
    let held = agree_entry!(both, token.balanceOf(vault.address), BOB);
    assert_eq!(held.returned, Some(U256::from(300)));
}

/// A value sent to a function that is not payable has no Move form: its typed entry takes
/// none (as calldata, the contract would revert).
#[test]
fn a_value_to_a_function_that_is_not_payable_is_refused_by_its_entry() {
    let mut both = both();
    let (token, _) = deploy(&mut both);
    let call = token.transfer(BOB, U256::from(1)).value(U256::from(1));
    let refused = call.entry().send(&both.runtime, &mut both.state, ALICE);
    let message = refused.unwrap_err().to_string();
    assert!(message.contains("not payable"), "{message}");
}

#[test]
fn binding_transactions_run_as_a_block() {
    let runtime = token_project::runtime().unwrap();
    let mut state = InMemoryState::new();
    let wei = U256::from(10).pow(U256::from(21));
    state.set_account(
        ALICE,
        Account {
            nonce: 0,
            balance: wei,
        },
    );
    let token = Token::deploy(
        &runtime,
        &mut state,
        ALICE,
        "Coin".into(),
        "C".into(),
        U256::from(1000),
    );
    let token = token.unwrap();
    // Alice pays 32 accounts, each of which pays one unit back to Bob.
    let payees: Vec<Address> = (1..=32u64)
        .map(|n| Address::left_padding_from(&n.to_be_bytes()))
        .collect();
    let mut txns: Vec<Transaction> = payees
        .iter()
        .map(|&payee| token.transfer(payee, U256::from(10)).tx(ALICE))
        .collect();
    txns.extend(
        payees
            .iter()
            .map(|&payee| token.transfer(BOB, U256::from(1)).tx(payee)),
    );
    let parallel = Config {
        mode: Mode::Parallel {
            threads: NonZeroUsize::new(2).unwrap(),
        },
        ..Config::default()
    };
    let block = BlockEnv::default();
    let output = execute_block(&runtime, &state, &block, &txns, &parallel).unwrap();
    let mut one_by_one = state.clone();
    for (txn, result) in txns.iter().zip(&output.outputs) {
        let outcome = runtime.execute(&one_by_one, &block, txn).unwrap();
        outcome.apply_to(&mut one_by_one);
        assert_eq!(result.status, Status::Success);
        assert_eq!(result.return_data, outcome.return_data);
        assert_eq!(result.logs, outcome.logs);
    }
    state.apply(&output.writes);
    let balance = |state: &mut InMemoryState, who| {
        token
            .balanceOf(who)
            .send(&runtime, state, who)
            .unwrap()
            .returned
    };
    assert_eq!(balance(&mut state, ALICE), Some(U256::from(1000 - 320)));
    assert_eq!(balance(&mut state, BOB), Some(U256::from(32)));
    assert_eq!(balance(&mut one_by_one, BOB), Some(U256::from(32)));
}

/// The committed artifacts are the corpus's (whose test keeps them current with the sources).
#[test]
fn the_artifacts_are_the_corpus_ones() {
    let here = env!("CARGO_MANIFEST_DIR");
    for contract in ["Token", "Vault"] {
        let ours = std::fs::read(format!("{here}/contracts/artifacts/{contract}.json")).unwrap();
        let corpus = format!("{here}/../../tests/contracts/artifacts/legacy-opt/{contract}.json");
        assert!(
            ours == std::fs::read(corpus).unwrap(),
            "{contract}.json differs from the corpus's"
        );
        let source = std::fs::read(format!("{here}/contracts/{contract}.sol")).unwrap();
        let corpus = format!("{here}/../../tests/contracts/src/{contract}.sol");
        assert!(
            source == std::fs::read(corpus).unwrap(),
            "{contract}.sol differs from the corpus's"
        );
    }
}
