//! The static path's one assumption, made exact (issue 18): a jump to a value loaded from an
//! address the code computes is bounded by the labels the code uses as data (`lift::jumps`,
//! **Escaped labels**: solc's function pointers). Here the code keeps a label at a computed
//! address but jumps to another JUMPDEST, which calldata (or the value sent) wrote at a
//! computed address — by MSTORE, CALLDATACOPY, SSTORE or TSTORE —, in the transaction's frame,
//! in a nested call, in a constructor, and after the frame made a call, sent value, wrote
//! storage, transient storage and memory, logged and warmed an account. Each code stays on
//! the static path with `run_universal` beside `run`; the speculation fails, the frame runs
//! again from its start in universal form, and everything observable (status, output, logs,
//! gas, balances, storage) is what revm says, in both tiers, never doubled.

use alloy_primitives::{Address, U256};
use evmove::{
    evm::{assemble, Code},
    lift::lift,
    lower::typed::TypedEntries,
    pipeline::compile_code,
};
use evmove_native::Tier;
use evmove_runtime::DEFAULT_PUBLISHER;
use evmove_tests::{
    differential::Differential,
    outcome::{Status, Tx, TxOutcome},
    speculation::{calldata, effects, jumpdests, push, speculating, COUNTER, WRITES},
};

const SENDER: Address = Address::repeat_byte(0x5e);
const TIERS: [Tier; 2] = [Tier::Interpreter, Tier::Native];

/// Asserts that `code` stays on the static path and speculates: its module has
/// `run_universal` beside `run`.
fn assert_speculates(code: &[u8]) {
    let lifted = lift(&Code::new(code.to_vec())).expect("lifts");
    assert_eq!(lifted.universal, None, "the static path");
    assert_eq!(lifted.jumps.speculative.len(), 1, "one speculative jump");
    let compiled =
        compile_code(code, DEFAULT_PUBLISHER, "m", &TypedEntries::default()).expect("compiles");
    assert!(compiled.universal_entry, "run_universal beside run");
}

/// revm beside evmove in `tier`, the sender funded.
fn engines(tier: Tier) -> Differential {
    Differential::funded_in_tier(tier, SENDER)
}

/// Runs `tx` in both engines: revm's outcome; fails on any difference.
fn same(engines: &mut Differential, tx: &Tx, what: &str) -> TxOutcome {
    let (outcome, difference) = engines.compare(tx).unwrap();
    assert_eq!(difference, None, "{what}");
    outcome
}

/// Deploys `runtime` in both engines: its address.
fn deploy(engines: &mut Differential, runtime: &[u8]) -> Address {
    let created = same(engines, &Tx::deploy(SENDER, runtime), "deploy");
    created.created.expect("deploys")
}

/// In the native tier, that every frame ran as machine code, the reruns on
/// `run_universal()` too.
fn ran_natively(engines: &Differential, tier: Tier) {
    if tier == Tier::Native {
        let stats = engines
            .evmove
            .native_tier()
            .expect("the native tier")
            .stats();
        assert_eq!(stats.interpreted_frames, 0, "{stats:?}");
        assert!(
            stats.universal_frames > 0,
            "no rerun ran natively: {stats:?}"
        );
    }
}

/// The transaction's frame jumps to each pad through each kind of write: the label `f` as
/// the static path runs it, the pads as revm lands on them, a JUMPDEST with too few items
/// below it and a non-JUMPDEST as halts.
#[test]
fn a_jump_to_a_target_data_wrote_at_a_computed_address_lands_where_revm_lands() {
    for tier in TIERS {
        let mut engines = engines(tier);
        for write in WRITES {
            let code = speculating("", write);
            assert_speculates(&code);
            let address = deploy(&mut engines, &code);
            let pads = jumpdests(&code);
            let mut targets = pads.clone();
            targets.push(pads[1] + U256::from(1));
            let outcomes: Vec<TxOutcome> = (targets.iter())
                .map(|&target| {
                    let tx = Tx::call(SENDER, address, calldata(target));
                    same(
                        &mut engines,
                        &tx,
                        &format!("{tier:?} {write:?} to {target}"),
                    )
                })
                .collect();
            let returned: Vec<Option<U256>> = (outcomes.iter())
                .map(|o| (o.status == Status::Success).then(|| U256::from_be_slice(&o.output)))
                .collect();
            let expected = [0xf0, 0, 1, 2].map(|k| Some(U256::from(k)));
            assert_eq!(returned[..4], expected, "{tier:?} {write:?}");
            assert_eq!(returned[4..], [None, None], "{tier:?} {write:?}");
        }
        ran_natively(&engines, tier);
    }
}

/// The speculation fails in a frame that already wrote storage, transient storage and
/// memory, logged, warmed an account and called another contract with value — the
/// transaction's own frame, and a frame called with value by another contract, which
/// stores the call's success and returns its output: the rerun does each once.
#[test]
fn a_failed_speculation_undoes_the_frame_before_it_runs_again() {
    for tier in TIERS {
        let mut engines = engines(tier);
        let counter = deploy(&mut engines, &assemble(COUNTER).unwrap());
        let warmed = Address::repeat_byte(0xd1);
        for write in WRITES {
            let code = speculating(&effects(counter, warmed), write);
            assert_speculates(&code);
            let speculating = deploy(&mut engines, &code);
            let caller = deploy(
                &mut engines,
                &assemble(&format!(
                    "CALLDATASIZE PUSH0 PUSH0 CALLDATACOPY
                     PUSH 0x20 PUSH 0x200 CALLDATASIZE PUSH0 PUSH 3 {} GAS CALL
                     PUSH 9 SSTORE PUSH 0x20 PUSH 0x200 RETURN",
                    push(speculating)
                ))
                .unwrap(),
            );
            let pads = jumpdests(&code);
            for target in [pads[0], pads[2], pads[3] + U256::from(1)] {
                for to in [speculating, caller] {
                    let tx = Tx::call(SENDER, to, calldata(target)).with_value(U256::from(10));
                    let what = format!("{tier:?} {write:?} to {target} through {to}");
                    let outcome = same(&mut engines, &tx, &what);
                    if target == pads[2] {
                        assert_eq!(outcome.output[31], 1, "{what}");
                        assert_eq!(outcome.logs.len(), 2, "{what}: each log once");
                    }
                }
            }
        }
        ran_natively(&engines, tier);
    }
}

/// A constructor keeps its label at a computed address and jumps to the value sent, written
/// at another: each pad stores its index and logs; the creation succeeds as on revm.
#[test]
fn a_constructor_whose_speculation_fails_runs_again_as_revm_runs_it() {
    let initcode = assemble(
        "PUSH 1 PUSH 5 SSTORE
         PUSH @f PUSH 0x400 CALLVALUE PUSH 0x3e0 AND ADD MSTORE
         CALLVALUE PUSH 0x80 CALLVALUE PUSH 0x1f AND ADD MSTORE
         PUSH 0x80 CALLVALUE PUSH 0x1f AND ADD MLOAD JUMP
         f: PUSH 0xf0 PUSH @out JUMP
         g0: PUSH 0 PUSH @out JUMP
         g1: PUSH 1 PUSH @out JUMP
         out: PUSH 7 SSTORE PUSH 0xcc PUSH0 PUSH0 LOG1 PUSH0 PUSH0 RETURN",
    )
    .unwrap();
    assert_speculates(&initcode);
    let pads = jumpdests(&initcode);
    for tier in TIERS {
        let mut engines = engines(tier);
        for target in [pads[0], pads[1], pads[2], pads[1] + U256::from(1)] {
            let tx = Tx::create(SENDER, initcode.clone()).with_value(target);
            let what = format!("{tier:?} to {target}");
            let outcome = same(&mut engines, &tx, &what);
            let halts = target == pads[1] + U256::from(1);
            assert_eq!(outcome.status == Status::Success, !halts, "{what}");
        }
        ran_natively(&engines, tier);
    }
}
