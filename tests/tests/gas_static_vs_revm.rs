//! The static gas of transpiled code is revm's (`evmove::lift::gas`): on programs whose only
//! gas is static — arithmetic, stack operations, jumps, loops, EXP — every GAS reading
//! (straight-line, inside a loop, inside a recovered internal function) and the frame's gas
//! used are revm's; EXP's bytes at two forks' prices, and a colliding CREATE2 too.
//!
//! Both engines run the same transaction (intrinsic gas included); the IR interpreter runs
//! the frame alone, so its charges are the gas used less the 21,000 of a call without
//! calldata.

use alloy_primitives::{Address, Bytes, U256};
use evmove::{
    evm::{assemble, Code},
    lift::lift,
    opt::optimize,
};
use evmove_runtime::{Account, SpecId};
use evmove_tests::{
    engine::Engine,
    evmove_engine::EvmoveEngine,
    ir_interpreter::{self, Host, Outcome},
    outcome::{Status, Tx, TxOutcome},
    revm_oracle::RevmOracle,
};

const SENDER: Address = Address::repeat_byte(0x5e);

/// A call's intrinsic gas without calldata or access list (the IR interpreter's frame has
/// none).
const CALL_INTRINSIC: u64 = 21_000;

/// A loop of five rounds adding GAS to an accumulator, an internal function `f` returning
/// GAS called twice, EXP of a constant, a folded and a run-time exponent, stack shuffles;
/// returns the five words it ends with (each reading of GAS is in one of them).
const PROGRAM: &str = "
    PUSH 0 PUSH 5
    loop: GAS DUP3 ADD SWAP2 POP PUSH 1 SWAP1 SUB DUP1 PUSH @loop JUMPI
    POP
    PUSH @r1 PUSH @f JUMP
    r1: PUSH @r2 PUSH @f JUMP
    r2: PUSH 0x10000 PUSH 3 EXP ADD
    PUSH 2 PUSH 5 ADD PUSH 3 EXP ADD
    GAS PUSH 3 EXP ADD
    DUP2 DUP2 SWAP1 MUL PUSH 7 SIGNEXTEND ADD
    GAS
    PUSH 0 MSTORE PUSH 0x20 MSTORE PUSH 0x40 MSTORE PUSH 0x60 MSTORE
    PUSH 0x80 PUSH 0 RETURN
    f: GAS SWAP1 JUMP
";

/// Deploys `runtime` in both engines and calls it with `gas_limit` for revm's transaction:
/// revm's outcome and evmove's.
fn call_both(runtime: &[u8], gas_limit: u64) -> (TxOutcome, TxOutcome) {
    let (mut revm, mut evmove) = (RevmOracle::new(), EvmoveEngine::new());
    let deploy = Tx::deploy(SENDER, runtime);
    let created = Engine::execute(&mut revm, &deploy)
        .unwrap()
        .created
        .unwrap();
    assert_eq!(evmove.execute(&deploy).unwrap().created, Some(created));
    let mut call = Tx::call(SENDER, created, Bytes::new());
    call.gas_limit = gas_limit;
    let expected = Engine::execute(&mut revm, &call).unwrap();
    let actual = evmove.execute(&call).unwrap();
    (expected, actual)
}

#[test]
fn gas_readings_and_gas_used_are_revms() {
    let code = assemble(PROGRAM).unwrap();
    let lifted = lift(&Code::new(code.clone())).unwrap();
    assert_eq!(
        lifted.module.functions.len(),
        2,
        "f is a recovered function"
    );
    for gas_limit in [100_000, 1_000_000, Tx::DEFAULT_GAS_LIMIT] {
        let (expected, actual) = call_both(&code, gas_limit);
        assert_eq!(expected.status, Status::Success, "{gas_limit}");
        assert_eq!(actual.status, expected.status, "{gas_limit}");
        assert_eq!(
            actual.output, expected.output,
            "GAS readings, limit {gas_limit}"
        );
        assert_eq!(
            actual.gas_used, expected.gas_used,
            "gas used, limit {gas_limit}"
        );
    }
}

/// Just enough gas succeeds and one less runs out, in both.
#[test]
fn the_frame_runs_out_of_gas_where_revm_does() {
    let code = assemble(PROGRAM).unwrap();
    // The gas used shrinks with the limit (an exponent is read by GAS): down to the limit
    // that is all used.
    let mut enough = Tx::DEFAULT_GAS_LIMIT;
    loop {
        let used = call_both(&code, enough).0.gas_used;
        if used == enough {
            break;
        }
        enough = used;
    }
    let (expected, actual) = call_both(&code, enough);
    assert_eq!(
        (expected.status, actual.status),
        (Status::Success, Status::Success)
    );
    let (expected, actual) = call_both(&code, enough - 1);
    assert!(
        matches!(expected.status, Status::Halt(_)),
        "{:?}",
        expected.status
    );
    assert!(
        matches!(actual.status, Status::Halt(_)),
        "{:?}",
        actual.status
    );
}

/// A loop with nothing but static gas ends out of gas, as in revm.
#[test]
fn an_endless_loop_runs_out_of_gas() {
    let code = assemble("PUSH 0 l: PUSH 1 ADD PUSH @l JUMP").unwrap();
    let (expected, actual) = call_both(&code, 200_000);
    assert!(
        matches!(expected.status, Status::Halt(_)),
        "{:?}",
        expected.status
    );
    assert!(
        matches!(actual.status, Status::Halt(_)),
        "{:?}",
        actual.status
    );
    assert_eq!(actual.gas_used, expected.gas_used);
}

/// The IR interpreter counts the charges of the optimised IR as revm charges the code: a
/// loop of EXPs whose exponent (ADDRESS, 20 bytes) is known only at run time.
#[test]
fn the_ir_interpreters_gas_is_revms() {
    let code = assemble(
        "PUSH 5
         loop: PUSH 1 SWAP1 SUB DUP1 ADDRESS DUP2 EXP POP DUP1 PUSH @loop JUMPI STOP",
    )
    .unwrap();
    let mut module = lift(&Code::new(code.clone())).unwrap().module;
    optimize(&mut module);
    assert!(module.to_string().contains("gas_exp"), "{module}");
    let mut revm = RevmOracle::new();
    let created = (Engine::execute(&mut revm, &Tx::deploy(SENDER, &code))
        .unwrap()
        .created)
        .unwrap();
    let expected = Engine::execute(&mut revm, &Tx::call(SENDER, created, Bytes::new())).unwrap();
    let mut host = Host {
        address: created,
        ..Host::default()
    };
    assert_eq!(
        ir_interpreter::run(&module, &mut host),
        Outcome::Success(Bytes::new())
    );
    assert_eq!(host.gas_charged + CALL_INTRINSIC, expected.gas_used);
}

/// EXP's price per byte changed with EIP-160 (10, then 50), and the transpiled code charges
/// it at the block's fork: at Frontier and at Spurious Dragon the GAS readings and the gas
/// used are revm's.
#[test]
fn exp_is_priced_at_the_blocks_fork() {
    let code = Bytes::from(assemble(PROGRAM).unwrap());
    let program = Address::repeat_byte(0xc0);
    let mut used = Vec::new();
    for spec in [SpecId::FRONTIER, SpecId::SPURIOUS_DRAGON] {
        let mut revm = RevmOracle::with_spec(spec);
        let mut evmove = EvmoveEngine::with_spec(spec);
        revm.set_account(program, U256::ZERO, 1, code.clone());
        let state = evmove.state_mut();
        let account = Account {
            nonce: 1,
            balance: U256::ZERO,
        };
        state.set_account(program, account);
        state.set_code(program, code.clone());
        let mut call = Tx::call(SENDER, program, Bytes::new());
        call.gas_limit = 100_000;
        let expected = Engine::execute(&mut revm, &call).unwrap();
        let actual = evmove.execute(&call).unwrap();
        assert_eq!(expected.status, Status::Success, "{spec:?}");
        assert_eq!(actual.output, expected.output, "GAS readings, {spec:?}");
        assert_eq!(actual.gas_used, expected.gas_used, "{spec:?}");
        used.push(expected.gas_used);
    }
    assert!(used[0] < used[1], "{used:?}");
}

/// A CREATE2 onto the address an earlier one created (nonce 1) collides: it pushes zero and
/// consumes the gas it forwarded, as in revm (the addresses, the GAS reading after it and the
/// gas used are revm's).
#[test]
fn a_colliding_create2_consumes_its_gas_as_in_revm() {
    let code = assemble(
        "PUSH 0 PUSH 0 PUSH 0 PUSH 0 CREATE2 PUSH 0 MSTORE
         PUSH 0 PUSH 0 PUSH 0 PUSH 0 CREATE2 PUSH 0x20 MSTORE
         GAS PUSH 0x40 MSTORE
         PUSH 0x60 PUSH 0 RETURN",
    )
    .unwrap();
    let (expected, actual) = call_both(&code, 1_000_000);
    assert_eq!(expected.status, Status::Success);
    assert_eq!(actual.status, expected.status);
    assert_eq!(&expected.output[32..64], &[0; 32], "the second collides");
    assert_ne!(&expected.output[..32], &[0; 32], "the first creates");
    assert_eq!(actual.output, expected.output);
    assert_eq!(actual.gas_used, expected.gas_used);
}
