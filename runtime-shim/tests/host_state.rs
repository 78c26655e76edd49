//! The host's state through hand-written modules (`common::frames`): storage and the
//! journal's write set, transient storage, the block and transaction environment, and a
//! failed state read.

mod common;

use alloy_primitives::{Address, Bytes, Log, B256, U256};
use common::frames::{address, address_word, caller_input, word, Chain, SENDER};
use evmove_runtime::{Account, BlockEnv, InMemoryState, StateKey, Status, Transaction};

#[test]
fn a_counter_stores_and_returns() {
    let mut chain = Chain::new();
    let counter = address(0xc);
    chain.deploy(counter, "counter");
    let first = chain.call(counter, 0, &[]);
    assert_eq!(first.status, Status::Success);
    assert_eq!(first.return_data, Bytes::from(word(1)));
    let second = chain.call(counter, 0, &[]);
    assert_eq!(second.return_data, Bytes::from(word(2)));
    assert_eq!(chain.slot(counter, 0), U256::from(2));
    // The write set: the slot and the sender's nonce, nothing else.
    let keys: Vec<_> = second.write_set.keys().cloned().collect();
    assert_eq!(
        keys,
        [
            StateKey::Account(SENDER),
            StateKey::Slot(counter, U256::ZERO)
        ]
    );
    assert_eq!(chain.state.account(SENDER).unwrap().nonce, 2);
    // After the 21,000 of intrinsic gas, setting a cold zero slot costs 22,100, changing a
    // cold non-zero one 5,000 (Osaka).
    assert!(first.gas_used > 41_000, "{}", first.gas_used);
    assert!(
        (23_900..41_000).contains(&second.gas_used),
        "{}",
        second.gas_used
    );
}

#[test]
fn a_reverting_transaction_leaves_only_the_nonce() {
    let mut chain = Chain::new();
    let b = address(0xb);
    chain.deploy(b, "reverter");
    let outcome = chain.call(b, 0, &[]);
    assert_eq!(outcome.status, Status::Revert);
    assert_eq!(outcome.return_data, Bytes::from(word(0xdead)));
    assert!(outcome.logs.is_empty());
    let keys: Vec<_> = outcome.write_set.keys().cloned().collect();
    assert_eq!(keys, [StateKey::Account(SENDER)]);
}

#[test]
fn the_write_set_is_keyed_by_slot_and_ordered() {
    let mut chain = Chain::new();
    let (a, sink) = (address(0xa), address(0xe));
    chain.deploy(a, "caller");
    chain.deploy(sink, "sink");
    let outcome = chain.call(a, 3, &caller_input(sink, 1, 0));
    let keys: Vec<_> = outcome.write_set.keys().cloned().collect();
    assert_eq!(
        keys,
        [
            StateKey::Account(a),
            StateKey::Account(sink),
            StateKey::Account(SENDER),
            StateKey::Slot(a, U256::ZERO),
            StateKey::Slot(a, U256::from(1)),
        ]
    );
    let _: &[Log] = &outcome.logs;
}

#[test]
fn transient_storage_is_seen_by_nested_frames_and_dropped_after() {
    let mut chain = Chain::new();
    let t = address(0x77);
    chain.deploy(t, "transient");
    let outcome = chain.call(t, 0, &[]);
    assert_eq!(outcome.return_data, Bytes::from(word(9)));
    assert!(outcome
        .write_set
        .keys()
        .all(|key| !matches!(key, StateKey::Slot(..))));
    let again = chain.call(t, 0, &[1]);
    assert_eq!(
        again.return_data,
        Bytes::from(word(0)),
        "not kept across transactions"
    );
}

#[test]
fn the_environment_is_the_blocks_and_the_transactions() {
    let mut chain = Chain::new();
    let probe = address(0xe0);
    chain.deploy(probe, "env_probe");
    chain.block = BlockEnv {
        chain_id: 5,
        number: 100,
        timestamp: 1_700_000_000,
        coinbase: address(0xcb),
        prevrandao: B256::repeat_byte(0x42),
        gas_limit: 30_000_000,
        basefee: U256::from(7),
        blob_basefee: U256::from(3),
        block_hashes: [(7, B256::repeat_byte(0x07)), (99, B256::repeat_byte(0x99))].into(),
        ..BlockEnv::default()
    };
    // The sender pays 1,000,000 gas at 13 up front.
    let funded = Account {
        balance: U256::from(20_000_000),
        ..chain.state.account(SENDER).unwrap_or_default()
    };
    chain.state.set_account(SENDER, funded);
    let tx = Transaction {
        sender: SENDER,
        to: Some(probe),
        value: U256::from(11),
        data: Bytes::from_static(&[1, 2, 3]),
        gas_limit: 1_000_000,
        gas_price: U256::from(13),
        blob_hashes: vec![B256::repeat_byte(0xb1)],
        ..Transaction::default()
    };
    let outcome = chain
        .runtime
        .execute(&chain.state, &chain.block, &tx)
        .unwrap();
    assert_eq!(outcome.status, Status::Success);
    let words: Vec<U256> = outcome
        .return_data
        .chunks(32)
        .map(U256::from_be_slice)
        .collect();
    let addr = |a: Address| U256::from_be_slice(a.as_slice());
    assert_eq!(
        words,
        [
            addr(probe),
            addr(SENDER),
            addr(SENDER),
            U256::from(11),
            U256::from(3),
            U256::from(b"env_probe".len()),
            U256::from(13),
            U256::ZERO,
            addr(address(0xcb)),
            U256::from(1_700_000_000u64),
            U256::from(100),
            B256::repeat_byte(0x42).into(),
            U256::from(30_000_000),
            U256::from(5),
            U256::from(11),
            U256::from(7),
            U256::from(3),
            U256::from(20_000_000 - 13_000_000 - 11), // the sender's balance: gas, value paid
            U256::ZERO,                               // no code at address 0
            U256::ZERO,                               // address 0 does not exist
            B256::repeat_byte(0x07).into(),           // block 7 is one of the 256 before 100
            B256::repeat_byte(0xb1).into(),
            U256::ZERO,
        ]
    );
}

/// A state whose storage cannot be read: the transaction fails as a whole, with the error.
struct BrokenStorage(InMemoryState);

impl evmove_runtime::StateView for BrokenStorage {
    fn read(
        &self,
        key: &StateKey,
    ) -> Result<Option<evmove_runtime::StateValue>, evmove_runtime::StateError> {
        match key {
            StateKey::Slot(..) => Err(evmove_runtime::StateError::new("disk on fire")),
            _ => self.0.read(key),
        }
    }
}

#[test]
fn a_failed_state_read_stops_the_transaction_from_any_depth() {
    let mut chain = Chain::new();
    // The forwarder touches no storage; the counter it calls reads a slot, at depth 1.
    let (forwarder, counter) = (address(0xf0), address(0xc));
    chain.deploy(forwarder, "forwarder");
    chain.deploy(counter, "counter");
    let tx = Transaction {
        sender: SENDER,
        to: Some(forwarder),
        data: address_word(counter).to_vec().into(),
        gas_limit: 1_000_000,
        ..Transaction::default()
    };
    let state = BrokenStorage(chain.state.clone());
    let error = chain
        .runtime
        .execute(&state, &chain.block, &tx)
        .unwrap_err();
    assert!(error.to_string().contains("disk on fire"), "{error}");
}
