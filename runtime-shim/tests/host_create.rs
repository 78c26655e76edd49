//! Creations through hand-written modules (`common::frames`): creation transactions,
//! CREATE and CREATE2 (addresses checked against revm), collisions, SELFDESTRUCT.

mod common;

use alloy_primitives::{Address, Bytes, B256, U256};
use common::{
    frames::{address, address_word, word, Chain, ANSWER, CONSTRUCTOR, SENDER},
    revm_driver::{output, Revm},
};
use evmove_runtime::Status;

#[test]
fn a_creation_transaction_runs_the_constructor_with_arguments_appended() {
    let mut chain = Chain::new();
    let initcode = [CONSTRUCTOR, &[1, 2, 3, 4, 5, 6, 7, 8]].concat();
    let outcome = chain.execute(None, 7, &initcode, 1_000_000);
    assert_eq!(outcome.status, Status::Success);
    let created = SENDER.create(0);
    assert_eq!(outcome.created, Some(created));
    assert_eq!(
        outcome.return_data,
        Bytes::from_static(ANSWER),
        "the deployed code"
    );
    assert_eq!(
        chain.state.code(created).unwrap().bytes,
        Bytes::from_static(ANSWER)
    );
    assert_eq!(chain.balance(created), U256::from(7));
    assert_eq!(chain.state.account(created).unwrap().nonce, 1);
    assert_eq!(chain.state.account(SENDER).unwrap().nonce, 1);
    let answer = chain.call(created, 0, &[]);
    assert_eq!(answer.return_data, Bytes::from(word(42)));
}

/// EVM factories reading `[_, salt, initcode...]` from calldata and returning the address
/// of the contract they create: with CREATE2 (salt) and with CREATE.
const CREATE2_FACTORY: &[u8] = &[
    0x60, 0x40, 0x36, 0x03, 0x80, 0x60, 0x40, 0x5f, 0x37, // copy calldata[64..] to memory
    0x60, 0x20, 0x35, 0x90, 0x5f, 0x5f, 0xf5, // CREATE2(0, 0, size, salt)
    0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3, // return the address
];

const CREATE_FACTORY: &[u8] = &[
    0x60, 0x40, 0x36, 0x03, 0x80, 0x60, 0x40, 0x5f, 0x37, // copy calldata[64..] to memory
    0x5f, 0x5f, 0xf0, // CREATE(0, 0, size)
    0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3, // return the address
];

#[test]
fn create_and_create2_addresses_match_revm() {
    let factory = address(0xfa);
    for (kind, evm_factory) in [(0, CREATE_FACTORY), (1, CREATE2_FACTORY)] {
        for salt in [0u64, 7, u64::MAX] {
            let input = [&word(kind)[..], &word(salt), CONSTRUCTOR, &[0xaa; 8]].concat();
            let mut chain = Chain::new();
            chain.deploy(factory, "factory");
            let ours = chain.call(factory, 0, &input);
            assert_eq!(ours.status, Status::Success);
            let revm = &mut Revm::with_code(&[(factory, evm_factory)]);
            let theirs = output(revm.call(SENDER, factory, U256::ZERO, &input));
            assert_eq!(ours.return_data, theirs, "kind {kind}, salt {salt}");
            let created = Address::from_word(B256::from_slice(&ours.return_data));
            assert_ne!(created, Address::ZERO);
            assert_eq!(chain.state.account(factory).unwrap().nonce, 2);
            let answer = chain.call(created, 0, &[]);
            assert_eq!(answer.return_data, Bytes::from(word(42)));
        }
    }
}

#[test]
fn create2_at_a_taken_address_fails() {
    let factory = address(0xfa);
    let input = [&word(1)[..], &word(1), CONSTRUCTOR].concat();
    let mut chain = Chain::new();
    chain.deploy(factory, "factory");
    let first = chain.call(factory, 0, &input);
    assert_ne!(first.return_data, Bytes::from(word(0)));
    let second = chain.call(factory, 0, &input);
    assert_eq!(second.return_data, Bytes::from(word(0)), "collision");
}

#[test]
fn selfdestruct_moves_the_balance_and_deletes_only_new_accounts() {
    let mut chain = Chain::new();
    let (old, heir) = (address(0x0d), address(0x4e));
    chain.deploy(old, "kamikaze");
    chain.call(old, 30, &address_word(heir));
    assert_eq!(chain.balance(heir), U256::from(30));
    assert_eq!(chain.balance(old), U256::ZERO);
    assert!(
        chain.state.code(old).is_some(),
        "not created in this transaction: kept"
    );

    // A constructor that self-destructs: the account is gone at the transaction's end.
    let outcome = chain.execute(None, 50, b"kamikaze-initcode", 1_000_000);
    assert_eq!(outcome.status, Status::Success);
    let created = SENDER.create(1);
    assert_eq!(chain.state.account(created), None);
    assert_eq!(
        chain.balance(SENDER),
        U256::from(1_000_000 - 30),
        "the 50 came back"
    );
}
