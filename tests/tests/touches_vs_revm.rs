//! Before EIP-161 (Spurious Dragon) touching an account that does not exist makes it, empty,
//! and it stays: a CALL moving no value, a SELFDESTRUCT leaving nothing to its beneficiary,
//! a transaction moving nothing to it, a coinbase tip of nothing. A touch in a frame that
//! fails is undone with it; from Spurious Dragon nothing is made. Each case runs in revm and
//! in evmove (both tiers) at forks on both sides of EIP-161, and must change the same
//! accounts.

use alloy_primitives::{Address, Bytes};
use evmove::evm::assemble;
use evmove_native::Tier;
use evmove_runtime::SpecId;
use evmove_tests::{
    differential::{difference, execute_both_at},
    outcome::{Tx, TxOutcome},
};

const SENDER: Address = Address::repeat_byte(0x5e);
const PROGRAM: Address = Address::repeat_byte(0xc0);
/// An address no account is at, until something touches it.
const NOBODY: Address = Address::repeat_byte(0x77);

const FORKS: [SpecId; 5] = [
    SpecId::FRONTIER,
    SpecId::HOMESTEAD,
    SpecId::TANGERINE,
    SpecId::SPURIOUS_DRAGON,
    SpecId::CANCUN,
];

/// Calls [`PROGRAM`] holding `code` at `spec` in revm and in evmove's `tier`.
fn run(code: &str, spec: SpecId, tier: Tier) -> (TxOutcome, TxOutcome) {
    let code = assemble(code).unwrap();
    let mut call = Tx::call(SENDER, PROGRAM, Bytes::new());
    call.gas_limit = 1_000_000;
    execute_both_at(spec, tier, &[(PROGRAM, &code)], &call)
}

/// Whether revm made [`NOBODY`]'s account (its change: created, empty code).
fn made(outcome: &TxOutcome) -> bool {
    outcome.changes.contains_key(&NOBODY)
}

#[test]
fn a_call_moving_nothing_makes_its_target_before_spurious_dragon() {
    let call = "PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH 0x7777777777777777777777777777777777777777 PUSH 50000 CALL";
    for tier in [Tier::Interpreter, Tier::Native] {
        for spec in FORKS {
            let (expected, actual) = run(&format!("{call} STOP"), spec, tier);
            assert_eq!(made(&expected), spec < SpecId::SPURIOUS_DRAGON, "{spec:?}");
            assert_eq!(difference(&expected, &actual), None, "{spec:?} {tier:?}");
            // The caller reverts after the call: the touch is undone with it.
            let (expected, actual) = run(&format!("{call} PUSH 0 PUSH 0 REVERT"), spec, tier);
            assert!(!made(&expected), "{spec:?}");
            assert_eq!(difference(&expected, &actual), None, "{spec:?} {tier:?}");
        }
    }
}

#[test]
fn a_selfdestruct_leaving_nothing_makes_its_beneficiary_before_spurious_dragon() {
    let code = "PUSH 0x7777777777777777777777777777777777777777 SELFDESTRUCT";
    for tier in [Tier::Interpreter, Tier::Native] {
        for spec in FORKS {
            let (expected, actual) = run(code, spec, tier);
            assert_eq!(made(&expected), spec < SpecId::SPURIOUS_DRAGON, "{spec:?}");
            // The destroyed program's account is told apart differently by the engines'
            // change lists (`selfdestruct_forks` compares it): the beneficiary's change here.
            assert_eq!(expected.status, actual.status, "{spec:?} {tier:?}");
            assert_eq!(
                expected.changes.get(&NOBODY),
                actual.changes.get(&NOBODY),
                "{spec:?} {tier:?}"
            );
        }
    }
}

#[test]
fn a_transaction_moving_nothing_and_a_zero_tip_make_their_accounts_before_spurious_dragon() {
    for spec in FORKS {
        let mut call = Tx::call(SENDER, NOBODY, Bytes::new());
        call.gas_limit = 100_000;
        let (expected, actual) = execute_both_at(spec, Tier::Interpreter, &[], &call);
        assert_eq!(made(&expected), spec < SpecId::SPURIOUS_DRAGON, "{spec:?}");
        // The coinbase (0x0) is paid nothing: made too, before EIP-161.
        let coinbase = expected.changes.contains_key(&Address::ZERO);
        assert_eq!(coinbase, spec < SpecId::SPURIOUS_DRAGON, "{spec:?}");
        assert_eq!(difference(&expected, &actual), None, "{spec:?}");
    }
}
