//! How frames end other than by STOP, RETURN or REVERT, through hand-written modules
//! (`common::frames`): out of gas, faults; and frames evmove cannot run (that end without a
//! native or abort with a code that is no EVM halt, code without a module), which are no
//! halt but the transaction's error.

mod common;

use alloy_primitives::{keccak256, Bytes};
use common::frames::{address, caller_input, word, Chain};
use evmove_runtime::{HaltReason, Status, TxError};

#[test]
fn an_infinite_loop_runs_out_of_gas() {
    let mut chain = Chain::new();
    let spin = address(0x5);
    chain.deploy(spin, "spin");
    let outcome = chain.execute(Some(spin), 0, &[], 200_000);
    assert_eq!(outcome.status, Status::Halt(HaltReason::OutOfGas));
    assert_eq!(outcome.gas_used, 200_000);
}

/// `error` is [`TxError::Evmove`] for the code with hash `code_hash` at `depth`; its cause.
fn evmove_error(error: TxError, code_hash: alloy_primitives::B256, depth: usize) -> String {
    let TxError::Evmove {
        code_hash: hash,
        depth: at,
        cause,
    } = error
    else {
        panic!("not an evmove error: {error:?}");
    };
    assert_eq!((hash, at), (code_hash, depth), "{cause}");
    cause
}

#[test]
fn frames_that_do_not_end_through_a_native_are_evmove_errors() {
    let mut chain = Chain::new();
    chain.deploy(address(1), "returns_normally");
    chain.deploy(address(2), "aborts");
    let caller = address(0xc);
    chain.deploy(caller, "caller");
    let before = chain.state.clone();
    let hash = |n| chain.state.code(address(n)).unwrap().hash;
    let (normally, aborts) = (hash(1), hash(2));
    let error = chain.try_execute(Some(address(1)), 0, &[], 1_000_000);
    let cause = evmove_error(error.unwrap_err(), normally, 0);
    assert!(cause.contains("without STOP"), "{cause}");
    let error = chain.try_execute(Some(address(2)), 0, &[], 1_000_000);
    let cause = evmove_error(error.unwrap_err(), aborts, 0);
    assert!(
        cause.contains("Move abort 7 (not a code of the shim table)"),
        "{cause}"
    );
    // Nested: the whole transaction fails, not the call.
    let error = chain.try_execute(Some(caller), 0, &caller_input(address(2), 0, 0), 1_000_000);
    evmove_error(error.unwrap_err(), aborts, 1);
    assert_eq!(chain.state, before);
}

#[test]
fn faults_halt_the_frame() {
    let mut chain = Chain::new();
    let faults = address(0xf);
    chain.deploy(faults, "faults");
    let halt = |chain: &mut Chain, kind: u64| chain.call(faults, 0, &word(kind)).status;
    assert_eq!(
        halt(&mut chain, 0),
        Status::Halt(HaltReason::ReturnDataOutOfBounds)
    );
    assert_eq!(halt(&mut chain, 1), Status::Halt(HaltReason::OutOfGas));
    assert_eq!(halt(&mut chain, 2), Status::Halt(HaltReason::InvalidOpcode));
    assert_eq!(halt(&mut chain, 3), Status::Success);
}

#[test]
fn code_without_a_module_is_an_evmove_error() {
    let mut chain = Chain::new();
    let unknown = address(0x99);
    chain
        .state
        .set_code(unknown, Bytes::from_static(b"never transpiled"));
    let caller = address(0xc);
    chain.deploy(caller, "caller");
    let before = chain.state.clone();
    let error = chain.try_execute(Some(unknown), 0, &[], 1_000_000);
    let cause = evmove_error(error.unwrap_err(), keccak256(b"never transpiled"), 0);
    assert!(cause.contains("no module registered"), "{cause}");
    let error = chain.try_execute(None, 0, b"unknown initcode", 1_000_000);
    let cause = evmove_error(error.unwrap_err(), keccak256(b"unknown initcode"), 0);
    assert!(cause.contains("Initcode"), "{cause}");
    // A nested call into it fails the whole transaction.
    let error = chain.try_execute(Some(caller), 0, &caller_input(unknown, 0, 0), 1_000_000);
    evmove_error(error.unwrap_err(), keccak256(b"never transpiled"), 1);
    assert_eq!(chain.state, before, "the state changed");
}
