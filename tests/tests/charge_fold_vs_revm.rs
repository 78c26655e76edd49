//! A section's static charge folded into the native after it (`evmove::charged`, lowered by
//! `evmove::lower::function::gas`), against revm on the same code, in both tiers: the fold
//! happens (the listing shows the charged native taking the charge, decoded), a gated
//! opcode in a folded section halts before its fork and runs from it, a frame runs out of
//! gas exactly at a folded charge (every limit from the gas used down, effects reverted),
//! and GAS and CALL after a folded charge see revm's gas left.
//!
//! The same for a loop reaching no host native, whose static gas is counted in a Move local
//! (`evmove::lower::function::counted`): the count happens (the listing reads the gas left
//! and settles, and charges nothing per iteration), the loop runs out of gas at every limit
//! through its iterations, GAS and CALL after it see revm's gas left, and a gated opcode
//! in it halts before its fork and runs from it. And for the charges moved across the call
//! of a function called once (`evmove::opt::call_charges`): the ERC20 transfer runs out of
//! gas as revm does at every limit around them.

use alloy_dyn_abi::DynSolValue;
use alloy_primitives::U256;
use alloy_primitives::{Address, Bytes};
use evmove::evm::assemble;
use evmove_native::Tier;
use evmove_runtime::SpecId;
use evmove_tests::{
    compiled::listing,
    corpus::{Contract, Setting},
    differential::{assert_agree, engines_at, execute_both, execute_both_at},
    opcodes::{pop_results, with_zero_operands},
    outcome::{Status, Tx, TxOutcome},
};
use evmove_word::shim::gate::introduced_in;
use revm::bytecode::opcode::{OpCode, CLZ, PUSH0, SAR, SHL, SHR};

const SENDER: Address = Address::repeat_byte(0x5e);
const PROGRAM: Address = Address::repeat_byte(0xc0);
/// A contract returning its GAS reading, called by programs.
const CALLEE: Address = Address::repeat_byte(0xca);

/// Calls `code` at `PROGRAM` (with [`CALLEE`] beside it) with `gas_limit` at `spec`, in revm
/// and in evmove's `tier`: revm's outcome and evmove's.
fn run_both(code: &[u8], gas_limit: u64, spec: SpecId, tier: Tier) -> (TxOutcome, TxOutcome) {
    run_both_with(code, Bytes::new(), gas_limit, spec, tier)
}

/// [`run_both`] with `input` as the call's data.
fn run_both_with(
    code: &[u8],
    input: Bytes,
    gas_limit: u64,
    spec: SpecId,
    tier: Tier,
) -> (TxOutcome, TxOutcome) {
    let callee = assemble("GAS PUSH 0 MSTORE PUSH 0x20 PUSH 0 RETURN").unwrap();
    let mut call = Tx::call(SENDER, PROGRAM, input);
    call.gas_limit = gas_limit;
    execute_both_at(spec, tier, &[(PROGRAM, code), (CALLEE, &callee)], &call)
}

#[test]
fn a_gated_opcode_in_a_folded_section_halts_before_its_fork_and_runs_from_it() {
    let gated = (0..=255u8).filter(|&op| introduced_in(op) != SpecId::FRONTIER);
    for op in gated {
        let since = introduced_in(op);
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
        assert_gated_as_revm(&code, op);
    }
}

/// Fails unless `code`, gated by `op`, runs as in revm in both tiers at the fork before
/// `op`'s, where it halts, and at `op`'s, where it does not.
fn assert_gated_as_revm(code: &[u8], op: u8) {
    let since = introduced_in(op);
    let before = SpecId::try_from_u8(since as u8 - 1).unwrap();
    let name = OpCode::new(op).unwrap();
    for tier in [Tier::Interpreter, Tier::Native] {
        for spec in [before, since] {
            let (expected, actual) = run_both(code, 1_000_000, spec, tier);
            let what = format!("{name} at {spec:?}, {tier:?}");
            assert_agree(&expected, &actual, &what);
            let halted = expected.status == Status::Halt("NotActivated".into());
            assert_eq!(halted, spec == before, "{what}");
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
    assert_runs_out_as_revm(&code, 24);
}

/// Fails unless `code` runs as in revm in both tiers at every gas limit from the gas it uses
/// down `below`, succeeding only with all it uses.
fn assert_runs_out_as_revm(code: &[u8], below: u64) {
    for tier in [Tier::Interpreter, Tier::Native] {
        let (full, _) = run_both(code, 1_000_000, SpecId::CANCUN, tier);
        assert_eq!(full.status, Status::Success);
        for limit in (full.gas_used - below..=full.gas_used).rev() {
            let (expected, actual) = run_both(code, limit, SpecId::CANCUN, tier);
            let what = format!("gas limit {limit} (uses {}), {tier:?}", full.gas_used);
            assert_agree(&expected, &actual, &what);
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
        assert_agree(&expected, &actual, &format!("{tier:?}"));
    }
}

/// A write (whose section's charge folds into it), then a loop of pure word operations
/// counting `iterations` down to zero (with `body` in each iteration), then `after`.
fn counted_loop(iterations: u8, body: &str, after: &str) -> Vec<u8> {
    assemble(&format!(
        "PUSH {iterations} PUSH 1 PUSH 1 SSTORE
         l: JUMPDEST {body} PUSH 1 SWAP1 SUB DUP1 PUSH @l JUMPI
         POP {after}"
    ))
    .unwrap()
}

/// Fails unless the listing counts a loop's gas in a local: it reads the gas left once,
/// settles, and calls no charge native but `gates` (gated charges of no gas).
fn assert_counted(code: &[u8], gates: usize) {
    let listing = listing(code);
    for native in ["Call gas::gas_left", "Call gas::settle"] {
        assert_eq!(listing.matches(native).count(), 1, "{native} in\n{listing}");
    }
    let charges = listing.matches("Call gas::charge").count();
    assert_eq!(charges, gates, "charges in\n{listing}");
}

#[test]
fn a_loop_counting_its_gas_in_a_local_runs_out_exactly_at_every_iteration() {
    let code = counted_loop(5, "", "PUSH 0 PUSH 0 LOG0 STOP");
    assert_counted(&code, 0);
    // Down past the log and through every iteration of the loop (each 26 gas).
    assert_runs_out_as_revm(&code, 5 * 26 + 400);
}

#[test]
fn gas_and_call_after_a_loop_counting_its_gas_in_a_local_see_revms_gas_left() {
    let after = format!(
        "GAS PUSH 0x20 MSTORE
         PUSH 0x20 PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH {CALLEE} GAS CALL POP
         PUSH 0x40 PUSH 0 RETURN"
    );
    let code = counted_loop(7, "", &after);
    assert_counted(&code, 0);
    for tier in [Tier::Interpreter, Tier::Native] {
        let (expected, actual) = run_both(&code, 1_000_000, SpecId::CANCUN, tier);
        assert_eq!(expected.status, Status::Success);
        assert_agree(&expected, &actual, &format!("{tier:?}"));
    }
}

#[test]
fn a_gated_opcode_in_a_loop_counting_its_gas_halts_before_its_fork_and_runs_from_it() {
    // The gated opcodes computing on words alone: the loop around them reaches no host.
    for op in [SHL, SHR, SAR, PUSH0, CLZ] {
        let body = format!("{} {}", with_zero_operands(op), pop_results(op));
        let code = counted_loop(3, &body, "PUSH 2 PUSH 2 SSTORE STOP");
        assert_counted(&code, 1);
        assert_gated_as_revm(&code, op);
    }
}

#[test]
fn a_transfer_runs_out_of_gas_exactly_around_the_charges_moved_across_its_call() {
    // The legacy-opt Token's transfer calls a function called from nowhere else: the charge
    // before the call moved into its first charge, the one before its return into the
    // caller's next (`evmove::opt::call_charges`). Every limit through the start of the
    // execution (the dispatch, the call) and through its end (the writes, the return, the
    // encoding); a transfer of 0 changes no balance, and a halt nothing, so one state serves
    // them all.
    let token = Contract::load(Setting::LegacyOpt, "Token", "Token");
    let input = token.calldata(
        "transfer",
        &[DynSolValue::Address(CALLEE), U256::ZERO.into()],
    );
    for tier in [Tier::Interpreter, Tier::Native] {
        let contracts: [(Address, &[u8]); 1] = [(PROGRAM, &token.runtime_code)];
        let (mut revm, mut evmove) = engines_at(SpecId::CANCUN, tier, &contracts);
        let mut run = |limit| {
            let mut call = Tx::call(SENDER, PROGRAM, input.clone());
            call.gas_limit = limit;
            execute_both(&mut revm, &mut evmove, &call)
        };
        let (full, actual) = run(1_000_000);
        assert_agree(&full, &actual, &format!("{tier:?}"));
        assert_eq!(full.status, Status::Success);
        let intrinsic = 21_000 + 16 * 36 + 4 * 32;
        let start = intrinsic..intrinsic + 700;
        // An SSTORE needs more than its stipend (2,300) left: the limits at which the end
        // completes start that far above the gas used.
        let end = full.gas_used - 300..=full.gas_used + 2_400;
        for limit in start.chain(end) {
            let (expected, actual) = run(limit);
            let what = format!("gas limit {limit} (uses {}), {tier:?}", full.gas_used);
            assert_agree(&expected, &actual, &what);
        }
    }
}
