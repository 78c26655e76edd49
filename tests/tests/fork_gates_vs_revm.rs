//! Opcodes gated by fork (`evmove_word::shim::gate`): one transpiled module serves every
//! fork, and an opcode the block's fork does not have yet halts as in revm (`NotActivated`:
//! all the frame's gas consumed, all its effects reverted), checked by the charge of its
//! section of static gas.
//!
//! - The table of the fork each opcode needs is revm's: every opcode evmove decodes, run in
//!   revm at every fork, halts `NotActivated` exactly before its fork.
//! - Every gated opcode, after effects in an earlier block, in a call and earlier in its own
//!   block (storage, a log), run at the fork before its own and at its own, in both tiers:
//!   status, gas used, logs and every state change are revm's.
//! - The opcode on a branch not taken does not halt; the shape of the public blockchain test
//!   `testOpcode_1e_Cancun` (a call of CLZ in a Cancun block fails, in Osaka succeeds).

use alloy_primitives::{Address, Bytes, U256};
use evmove::evm::{assemble, Code};
use evmove_native::Tier;
use evmove_runtime::SpecId;
use evmove_tests::{
    differential::{difference, execute_both_at},
    engine::Engine,
    opcodes::{pop_results, with_zero_operands},
    outcome::{Status, Tx, TxOutcome},
    revm_oracle::RevmOracle,
};
use evmove_word::shim::gate::introduced_in;
use revm::bytecode::opcode::OpCode;

const SENDER: Address = Address::repeat_byte(0x5e);
const PROGRAM: Address = Address::repeat_byte(0xc0);
/// A contract writing slot 0 of its storage, called before the gated opcode.
const WRITER: Address = Address::repeat_byte(0xca);

/// Every fork revm knows, Frontier first.
fn forks() -> impl Iterator<Item = SpecId> {
    (SpecId::FRONTIER as u8..=SpecId::NEXT as u8).filter_map(SpecId::try_from_u8)
}

/// The opcodes evmove decodes whose fork is not Frontier's.
fn gated() -> Vec<u8> {
    (0..=255u8)
        .filter(|&op| introduced_in(op) != SpecId::FRONTIER)
        .collect()
}

#[test]
fn every_opcode_is_gated_from_the_fork_revm_gates_it() {
    let defined: Vec<u8> = (0..=255u8)
        .filter(|&op| Code::new(vec![op]).instructions()[0].is_defined())
        .collect();
    for spec in forks() {
        let mut revm = RevmOracle::with_spec(spec);
        for &op in &defined {
            let code = assemble(&format!("{} STOP", with_zero_operands(op))).unwrap();
            revm.set_account(PROGRAM, U256::ZERO, 1, code.into());
            let mut call = Tx::call(SENDER, PROGRAM, Bytes::new());
            call.gas_limit = 1_000_000;
            let outcome = Engine::execute(&mut revm, &call).unwrap();
            let refused = outcome.status == Status::Halt("NotActivated".into());
            assert_eq!(
                refused,
                spec < introduced_in(op),
                "{} at {spec:?}: {:?}",
                OpCode::new(op).unwrap(),
                outcome.status
            );
        }
    }
}

/// The program running gated `op` after effects that its halt must revert: a storage write
/// in an earlier block, a call that writes the callee's storage, a storage write earlier in
/// `op`'s block, a log in `op`'s own section; and one more write after it.
fn program(op: u8) -> Vec<u8> {
    assemble(&format!(
        "PUSH 1 PUSH 1 SSTORE PUSH @b JUMP
         b: PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH {WRITER} PUSH 0xffff CALL POP
         PUSH 2 PUSH 2 SSTORE
         PUSH 7 PUSH 0 MSTORE PUSH 0x20 PUSH 0 LOG0
         {} {}
         PUSH 3 PUSH 3 SSTORE STOP",
        with_zero_operands(op),
        pop_results(op),
    ))
    .unwrap()
}

/// Calls `PROGRAM` with `calldata` at `spec` in revm and in evmove's `tier`, the state
/// holding `contracts` (address and code): revm's outcome and evmove's.
fn run_both(
    contracts: &[(Address, &[u8])],
    calldata: &[u8],
    spec: SpecId,
    tier: Tier,
) -> (TxOutcome, TxOutcome) {
    let mut call = Tx::call(SENDER, PROGRAM, Bytes::copy_from_slice(calldata));
    call.gas_limit = 1_000_000;
    execute_both_at(spec, tier, contracts, &call)
}

/// Calls `code` at `PROGRAM`, with [`WRITER`] beside it: see [`run_both`].
fn run_program(code: &[u8], calldata: &[u8], spec: SpecId, tier: Tier) -> (TxOutcome, TxOutcome) {
    let writer = assemble("PUSH 1 PUSH 0 SSTORE STOP").unwrap();
    run_both(&[(PROGRAM, code), (WRITER, &writer)], calldata, spec, tier)
}

/// Fails unless evmove's outcome is revm's, the halt's reason included.
fn assert_same(expected: &TxOutcome, actual: &TxOutcome, what: &str) {
    assert_eq!(actual.status, expected.status, "{what}");
    assert_eq!(difference(expected, actual), None, "{what}");
}

#[test]
fn a_gated_opcode_halts_before_its_fork_and_runs_from_it_as_in_revm() {
    for tier in [Tier::Interpreter, Tier::Native] {
        for op in gated() {
            let since = introduced_in(op);
            let before = SpecId::try_from_u8(since as u8 - 1).unwrap();
            let code = program(op);
            for spec in [before, since] {
                let (expected, actual) = run_program(&code, &[], spec, tier);
                let what = format!("{} at {spec:?}, {tier:?}", OpCode::new(op).unwrap());
                assert_same(&expected, &actual, &what);
                let halted = expected.status == Status::Halt("NotActivated".into());
                assert_eq!(halted, spec == before, "{what}");
            }
        }
    }
}

#[test]
fn a_gated_opcode_on_a_branch_not_taken_does_not_halt() {
    for tier in [Tier::Interpreter, Tier::Native] {
        for op in gated() {
            let code = assemble(&format!(
                "PUSH 1 PUSH 1 SSTORE CALLDATASIZE ISZERO PUSH @skip JUMPI
                 {} {} STOP
                 skip: PUSH 2 PUSH 2 SSTORE STOP",
                with_zero_operands(op),
                pop_results(op),
            ))
            .unwrap();
            let before = SpecId::try_from_u8(introduced_in(op) as u8 - 1).unwrap();
            // Without calldata the branch jumps over the opcode; with it, it runs into it.
            for (calldata, runs) in [(&[][..], false), (&[1][..], true)] {
                let (expected, actual) = run_program(&code, calldata, before, tier);
                let what = format!("{} runs: {runs}, {tier:?}", OpCode::new(op).unwrap());
                assert_same(&expected, &actual, &what);
                assert_eq!(expected.status == Status::Success, !runs, "{what}");
            }
        }
    }
}

/// `bcStateTests/testOpcode_10`'s `testOpcode_1e_Cancun` in small: the test's caller code
/// calls a contract running its opcode and stores the call's success at slot 0x10; here the
/// contract runs CLZ (0x1e). In Cancun CLZ is not activated: the call fails and the slot
/// stays 0. In Osaka it runs.
#[test]
fn the_shape_of_test_opcode_1e_cancun() {
    let callee = Address::from(alloy_primitives::hex!(
        "7e57c0de00000000000000000000000000000010"
    ));
    let caller = alloy_primitives::hex!(
        "60ba601e5360d0601f5360006000602060006000737e57c0de0000000000000000000000000000001062989680f160105500"
    );
    let clz = assemble("PUSH 2 PUSH 3 CLZ POP POP STOP").unwrap();
    for tier in [Tier::Interpreter, Tier::Native] {
        for (spec, stored) in [(SpecId::CANCUN, None), (SpecId::OSAKA, Some(U256::from(1)))] {
            let contracts = [(PROGRAM, &caller[..]), (callee, &clz[..])];
            let (expected, actual) = run_both(&contracts, &[], spec, tier);
            let what = format!("{spec:?}, {tier:?}");
            assert_same(&expected, &actual, &what);
            assert_eq!(expected.status, Status::Success, "{what}");
            let storage = &expected
                .changes
                .get(&PROGRAM)
                .map(|change| change.storage.clone());
            let slot = storage
                .as_ref()
                .and_then(|storage| storage.get(&U256::from(0x10)).copied());
            assert_eq!(slot, stored, "{what}");
        }
    }
}

/// CLZ of a word the code cannot know (calldata), so it reaches its native rather than the
/// constant folding: before Osaka it halts, from Osaka it counts, as in revm.
#[test]
fn clz_of_a_word_from_calldata_runs_as_in_revm() {
    let code = assemble("PUSH 0 CALLDATALOAD CLZ PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN").unwrap();
    let words = [
        U256::ZERO,
        U256::from(1),
        U256::from(1) << 128,
        (U256::from(1) << 127) | U256::from(5),
        U256::MAX,
    ];
    for tier in [Tier::Interpreter, Tier::Native] {
        for spec in [SpecId::PRAGUE, SpecId::OSAKA] {
            for word in words {
                let calldata = word.to_be_bytes::<32>();
                let (expected, actual) = run_program(&code, &calldata, spec, tier);
                let what = format!("CLZ {word:#x} at {spec:?}, {tier:?}");
                assert_same(&expected, &actual, &what);
                let counted = U256::from(word.leading_zeros()).to_be_bytes::<32>();
                let ran = expected.output[..] == counted[..];
                assert_eq!(ran, spec == SpecId::OSAKA, "{what}");
            }
        }
    }
}
