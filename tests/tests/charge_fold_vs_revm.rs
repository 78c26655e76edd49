//! A section's static charge folded into the native after it (`evmove::charged`, lowered by
//! `evmove::lower::function::gas`), against revm on the same code, in both tiers: the fold
//! happens (the listing shows the charged native taking the charge, decoded), a gated
//! opcode in a folded section halts before its fork and runs from it, a frame runs out of
//! gas exactly at a folded charge (every limit from the gas used down, effects reverted),
//! and GAS and CALL after a folded charge see revm's gas left.

use alloy_primitives::{Address, Bytes};
use evmove::evm::assemble;
use evmove_native::Tier;
use evmove_runtime::SpecId;
use evmove_tests::{
    compiled::listing,
    differential::{assert_agree, execute_both_at},
    opcodes::{pop_results, with_zero_operands},
    outcome::{Status, Tx, TxOutcome},
};
use evmove_word::shim::gate::introduced_in;
use revm::bytecode::opcode::OpCode;

const SENDER: Address = Address::repeat_byte(0x5e);
const PROGRAM: Address = Address::repeat_byte(0xc0);
/// A contract returning its GAS reading, called by programs.
const CALLEE: Address = Address::repeat_byte(0xca);

/// Calls `code` at `PROGRAM` (with [`CALLEE`] beside it) with `gas_limit` at `spec`, in revm
/// and in evmove's `tier`: revm's outcome and evmove's.
fn run_both(code: &[u8], gas_limit: u64, spec: SpecId, tier: Tier) -> (TxOutcome, TxOutcome) {
    let callee = assemble("GAS PUSH 0 MSTORE PUSH 0x20 PUSH 0 RETURN").unwrap();
    let mut call = Tx::call(SENDER, PROGRAM, Bytes::new());
    call.gas_limit = gas_limit;
    execute_both_at(spec, tier, &[(PROGRAM, code), (CALLEE, &callee)], &call)
}

#[test]
fn a_gated_opcode_in_a_folded_section_halts_before_its_fork_and_runs_from_it() {
    let gated = (0..=255u8).filter(|&op| introduced_in(op) != SpecId::FRONTIER);
    for op in gated {
        let since = introduced_in(op);
        let before = SpecId::try_from_u8(since as u8 - 1).unwrap();
        // A write in an earlier block, then CALLER, the opcode, a write and a log: the
        // section's charge, gated by `op`, folds into a native after it.
        let code = assemble(&format!(
            "PUSH 1 PUSH 1 SSTORE PUSH @b JUMP
             b: JUMPDEST CALLER POP {} {} PUSH 3 PUSH 3 SSTORE PUSH 0 PUSH 0 LOG0 STOP",
            with_zero_operands(op),
            pop_results(op)
        ))
        .unwrap();
        let name = OpCode::new(op).unwrap();
        // The gated charge, decoded, is the argument a charged native takes last.
        let listing = listing(&code);
        let lines: Vec<&str> = listing.lines().collect();
        let gate = format!("since {since:?})");
        let charged = (lines.windows(2)).any(|pair| {
            pair[0].contains("LdU64 (gas ")
                && pair[0].ends_with(&gate)
                && pair[1].contains("Call charged::")
        });
        assert!(charged, "{name}:\n{listing}");
        for tier in [Tier::Interpreter, Tier::Native] {
            for spec in [before, since] {
                let (expected, actual) = run_both(&code, 1_000_000, spec, tier);
                let what = format!("{name} at {spec:?}, {tier:?}");
                assert_agree(&expected, &actual, spec, &what);
                let halted = expected.status == Status::Halt("NotActivated".into());
                assert_eq!(halted, spec == before, "{what}");
            }
        }
    }
}

#[test]
fn a_frame_runs_out_of_gas_exactly_at_a_folded_charge() {
    // A write (SSTORE reads the gas left: the charge before it folds into it), then blocks
    // that join into one (`opt::merge_blocks`), whose charges merge into one, folded into
    // CALLER: every limit from the gas used down past that charge.
    let code = assemble(
        "PUSH 1 PUSH 1 SSTORE PUSH @b JUMP
         b: JUMPDEST CALLER PUSH 0 MSTORE PUSH @c JUMP
         c: JUMPDEST PUSH 0x20 PUSH 0 RETURN",
    )
    .unwrap();
    let listing = listing(&code);
    for native in ["charged::sstore", "charged::caller"] {
        assert!(listing.contains(native), "{native} in\n{listing}");
    }
    for tier in [Tier::Interpreter, Tier::Native] {
        let (full, _) = run_both(&code, 1_000_000, SpecId::CANCUN, tier);
        assert_eq!(full.status, Status::Success);
        for limit in (full.gas_used - 24..=full.gas_used).rev() {
            let (expected, actual) = run_both(&code, limit, SpecId::CANCUN, tier);
            let what = format!("gas limit {limit} (uses {}), {tier:?}", full.gas_used);
            assert_agree(&expected, &actual, SpecId::CANCUN, &what);
            let ran_out = matches!(expected.status, Status::Halt(_));
            assert_eq!(ran_out, limit < full.gas_used, "{what}");
        }
    }
}

#[test]
fn gas_and_call_after_a_folded_charge_see_revms_gas_left() {
    // GAS first in its section (its charged form takes the charge), then a CALL forwarding
    // all it may to a callee returning its own GAS reading; both readings stored and
    // returned.
    let code = assemble(&format!(
        "PUSH 1 PUSH 1 SSTORE PUSH @b JUMP
         b: JUMPDEST GAS PUSH 0x20 MSTORE
         PUSH 0x20 PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH {CALLEE} GAS CALL POP
         PUSH 0x40 PUSH 0 RETURN"
    ))
    .unwrap();
    assert!(listing(&code).contains("Call charged::gas"));
    for tier in [Tier::Interpreter, Tier::Native] {
        let (expected, actual) = run_both(&code, 1_000_000, SpecId::CANCUN, tier);
        assert_eq!(expected.status, Status::Success);
        assert_agree(&expected, &actual, SpecId::CANCUN, &format!("{tier:?}"));
    }
}
