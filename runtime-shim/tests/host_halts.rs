//! How frames end other than by STOP, RETURN or REVERT, through hand-written modules
//! (`common::frames`): out of gas, faults, frames that end without a native, code without a
//! module.

mod common;

use alloy_primitives::Bytes;
use common::frames::{address, word, Chain};
use evmove_runtime::{HaltReason, Status};

#[test]
fn an_infinite_loop_runs_out_of_gas() {
    let mut chain = Chain::new();
    let spin = address(0x5);
    chain.deploy(spin, "spin");
    let outcome = chain.execute(Some(spin), 0, &[], 200_000);
    assert_eq!(outcome.status, Status::Halt(HaltReason::OutOfGas));
    assert_eq!(outcome.gas_used, 200_000);
}

#[test]
fn frames_that_do_not_end_through_a_native_halt() {
    let mut chain = Chain::new();
    chain.deploy(address(1), "returns_normally");
    chain.deploy(address(2), "aborts");
    let outcome = chain.call(address(1), 0, &[]);
    assert_eq!(outcome.status, Status::Halt(HaltReason::NoEnd));
    let outcome = chain.call(address(2), 0, &[]);
    let Status::Halt(HaltReason::Aborted { code: 7, .. }) = outcome.status else {
        panic!("{:?}", outcome.status);
    };
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
fn code_without_a_module_fails_with_a_reason() {
    let mut chain = Chain::new();
    let unknown = address(0x99);
    chain
        .state
        .set_code(unknown, Bytes::from_static(b"never transpiled"));
    let outcome = chain.call(unknown, 0, &[]);
    let Status::Halt(HaltReason::NoModule(reason)) = &outcome.status else {
        panic!("{:?}", outcome.status);
    };
    assert!(reason.contains("no module registered"), "{reason}");
    let creation = chain.execute(None, 0, b"unknown initcode", 1_000_000);
    let Status::Halt(HaltReason::NoModule(reason)) = &creation.status else {
        panic!("{:?}", creation.status);
    };
    assert!(reason.contains("Initcode"), "{reason}");
    assert_eq!(creation.created, None);
}
