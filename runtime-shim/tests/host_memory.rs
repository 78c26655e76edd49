//! A frame's memory and the copies into it, through hand-written modules
//! (`common::frames`), and against revm on random operands.

mod common;

use alloy_primitives::{keccak256, Address, Bytes, U256};
use common::{
    frames::{address, code_of, Chain, SENDER},
    revm_driver::Revm,
};
use evmove_runtime::Status;
use revm::context::result::ExecutionResult;

#[test]
fn memory_and_copies_follow_the_evm() {
    let mut chain = Chain::new();
    let probe = address(0x9);
    chain.deploy(probe, "memory_probe");
    let outcome = chain.call(probe, 0, &[0, 0, 0, 0, 0xaa, 0xbb]);
    assert_eq!(outcome.status, Status::Success);
    let words: Vec<U256> = outcome
        .return_data
        .chunks(32)
        .map(U256::from_be_slice)
        .collect();
    let mut padded = [0; 32];
    padded[..2].copy_from_slice(&[0xaa, 0xbb]);
    assert_eq!(
        words,
        [
            U256::from(64),                    // msize: byte 40 needs two words
            U256::from(0xffu64) << (8 * 23),   // mload(32): byte 40 is the 9th of the word
            U256::from_be_bytes(padded),       // calldataload(4): zero-padded
            U256::from(b"memory_probe".len()), // codesize
            keccak256(b"abc").into(),          // keccak256 of memory 29..32
            U256::from(256),                   // msize after mcopy to 200..232
            U256::from(0x616263),              // the copied word
        ]
    );
}

/// `to`'s outcome in revm when `SENDER` calls it with `data`: the output, or `None` if revm
/// halted (any state is fresh: each account in `accounts` holds its EVM code).
fn revm_outcome(accounts: &[(Address, &[u8])], to: Address, data: &[u8]) -> Option<Bytes> {
    match Revm::with_code(accounts).call(SENDER, to, U256::ZERO, data) {
        ExecutionResult::Success { output, .. } => Some(output.into_data()),
        ExecutionResult::Halt { .. } => None,
        ExecutionResult::Revert { output, .. } => panic!("revm reverted with {output}"),
    }
}

/// An offset or size: mostly small, sometimes past any data, sometimes beyond any memory.
fn operand() -> impl proptest::strategy::Strategy<Value = U256> {
    use proptest::prelude::*;
    prop_oneof![
        6 => (0u64..300).prop_map(U256::from),
        1 => (0u64..u64::MAX).prop_map(U256::from),
        1 => Just(U256::MAX),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// CALLDATACOPY, CODECOPY, MCOPY and MSTORE8 leave the memory revm leaves (size and
    /// bytes, zero padding included), or halt where revm halts.
    #[test]
    fn copies_and_memory_growth_match_revm(
        probe in proptest::sample::select(&["calldata_copy", "code_copy", "memory_copy", "store_byte"][..]),
        a in operand(),
        b in operand(),
        c in operand(),
        extra in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
    ) {
        let at = address(0x33);
        let data = [&a.to_be_bytes::<32>()[..], &b.to_be_bytes::<32>(), &c.to_be_bytes::<32>(), &extra].concat();
        let mut chain = Chain::new();
        chain.deploy(at, probe);
        let ours = chain.execute(Some(at), 0, &data, 10_000_000);
        let theirs = revm_outcome(&[(at, &code_of(probe))], at, &data);
        match theirs {
            Some(output) => {
                proptest::prop_assert_eq!(&ours.status, &Status::Success);
                proptest::prop_assert_eq!(ours.return_data, output);
            }
            None => proptest::prop_assert!(matches!(ours.status, Status::Halt(_)), "{:?}", ours.status),
        }
    }
}
