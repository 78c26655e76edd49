//! Sequences lowered as one native (`evmove::lower::function::fused`) and ABI size checks
//! folded into one comparison (`evmove::opt::size_checks`), against revm on the same code,
//! in both tiers: `mstore(0, key) keccak256(0, 64)` (`keccak_key`), `mstore(offset, value)
//! return(offset, 32)` (`ret_word`) and `mstore(offset, value) log<n>(offset, 32, ...)`
//! (`log<n>_word`, also across a JUMPDEST whose section's charge, gated or not, it takes)
//! fire where they should (the calls its module makes say so) and not
//! where they must not (another offset or size, something between); memory is left as the
//! EVM leaves it (returned, and read by MSIZE and MLOAD after), memory growth is paid as
//! the EVM pays it, and a frame runs out of gas inside a fused native at the limits where
//! revm's does (every limit from the gas used down past the native).

use alloy_primitives::{Address, Bytes, U256};
use evmove::evm::assemble;
use evmove_native::Tier;
use evmove_runtime::SpecId;
use evmove_tests::{
    compiled,
    differential::{assert_agree, engines_at, execute_both, execute_both_at},
    engine::Engine,
    outcome::{Status, Tx, TxOutcome},
};

const SENDER: Address = Address::repeat_byte(0x5e);
const PROGRAM: Address = Address::repeat_byte(0xc0);
const TIERS: [Tier; 2] = [Tier::Interpreter, Tier::Native];

/// How many calls of the native `name` (its charged form too) `code`'s module makes.
fn calls_of(code: &[u8], name: &str) -> usize {
    compiled::calls_of(&compiled::module(code), name)
}

/// Calls `code` with `calldata` and `gas_limit` at Cancun in revm and in evmove's `tier`.
fn run_both(code: &[u8], calldata: &[u8], gas_limit: u64, tier: Tier) -> (TxOutcome, TxOutcome) {
    run_both_at(SpecId::CANCUN, code, calldata, gas_limit, tier)
}

/// [`run_both`] at `spec`.
fn run_both_at(
    spec: SpecId,
    code: &[u8],
    calldata: &[u8],
    gas_limit: u64,
    tier: Tier,
) -> (TxOutcome, TxOutcome) {
    let mut call = Tx::call(SENDER, PROGRAM, Bytes::copy_from_slice(calldata));
    call.gas_limit = gas_limit;
    execute_both_at(spec, tier, &[(PROGRAM, code)], &call)
}

/// Runs `code` with `calldata` in both engines and both tiers, with plenty of gas and then
/// at limits from the gas used down `below` (every one of the last 60, and 40 further
/// down: the frame running out at each of the last operations): evmove agrees with revm
/// each time. Revm's outcome with plenty of gas.
fn agrees(code: &[u8], calldata: &[u8], below: u64) -> TxOutcome {
    let mut full = None;
    for tier in TIERS {
        let (expected, actual) = run_both(code, calldata, 1_000_000, tier);
        assert_agree(&expected, &actual, &format!("{calldata:x?}, {tier:?}"));
        let lowest = expected
            .gas_used
            .saturating_sub(below)
            .max(intrinsic(calldata));
        // Each of the last limits, then a few dozen further down.
        let step = |limit: &u64| {
            expected.gas_used - limit <= 60 || limit.is_multiple_of((below / 40).max(1))
        };
        for limit in (lowest..expected.gas_used).rev().filter(step) {
            let (at_limit, actual) = run_both(code, calldata, limit, tier);
            let what = format!("{calldata:x?}, gas limit {limit}, {tier:?}");
            assert_agree(&at_limit, &actual, &what);
        }
        full = Some(expected);
    }
    full.expect("two tiers ran")
}

/// The gas a call with `calldata` pays before its code runs (Cancun's rules): no lower
/// limit is a valid transaction.
fn intrinsic(calldata: &[u8]) -> u64 {
    let bytes: u64 = calldata.iter().map(|&b| if b == 0 { 4 } else { 16 }).sum();
    21_000 + bytes
}

fn word(n: u64) -> [u8; 32] {
    U256::from(n).to_be_bytes()
}

#[test]
fn a_second_lookup_in_a_mapping_is_one_native_and_leaves_memory_as_the_evm_does() {
    // The slot of key CALLDATALOAD(0) in mapping CALLDATALOAD(32), then of key
    // CALLDATALOAD(64) in the same mapping (its slot still at 32): one `keccak_slot`, one
    // `keccak_key`. Both hashes, MSIZE and the word at 0 (the second key) are returned.
    let code = assemble(
        "PUSH 0x20 CALLDATALOAD PUSH 0 CALLDATALOAD PUSH 0 MSTORE PUSH 0x20 MSTORE
         PUSH 0x40 PUSH 0 KECCAK256
         PUSH 0x40 CALLDATALOAD PUSH 0 MSTORE PUSH 0x40 PUSH 0 KECCAK256
         PUSH 0x60 MSTORE PUSH 0x40 MSTORE MSIZE PUSH 0x80 MSTORE
         PUSH 0 MLOAD PUSH 0xa0 MSTORE PUSH 0xc0 PUSH 0x40 RETURN",
    )
    .unwrap();
    assert_eq!(calls_of(&code, "keccak_slot"), 1);
    assert_eq!(calls_of(&code, "keccak_key"), 1);
    assert_eq!(calls_of(&code, "keccak256"), 0);
    let calldata = [word(0xa11ce), word(3), word(0xb0b)].concat();
    let outcome = agrees(&code, &calldata, 60);
    assert_eq!(outcome.status, Status::Success);
    assert_eq!(&outcome.output[0x60..0x80], &word(0xb0b));
}

#[test]
fn a_key_hashed_on_empty_memory_pays_its_growth() {
    // The fused pair first: memory grows from nothing to 64 bytes inside the native, and
    // the hash covers a slot word never written (zero).
    let code = assemble(
        "PUSH 0 CALLDATALOAD PUSH 0 MSTORE PUSH 0x40 PUSH 0 KECCAK256
         PUSH 0 MSTORE PUSH 0x20 PUSH 0 RETURN",
    )
    .unwrap();
    assert_eq!(calls_of(&code, "keccak_key"), 1);
    let outcome = agrees(&code, &word(7), 60);
    assert_eq!(outcome.status, Status::Success);
}

#[test]
fn other_stores_and_hashes_stay_apart() {
    // A hash of 32 bytes, a key at 0x20, a hash from 0x20, and another store between the
    // store and the hash: none is the pair, each is its two natives.
    for pair in [
        "PUSH 0 MSTORE PUSH 0x20 PUSH 0 KECCAK256",
        "PUSH 0x20 MSTORE PUSH 0x40 PUSH 0 KECCAK256",
        "PUSH 0 MSTORE PUSH 0x40 PUSH 0x20 KECCAK256",
        "PUSH 0 MSTORE PUSH 1 PUSH 0xc0 MSTORE PUSH 0x40 PUSH 0 KECCAK256",
    ] {
        let code = assemble(&format!(
            "PUSH 0 CALLDATALOAD {pair} PUSH 0x80 MSTORE GAS PUSH 0xa0 MSTORE
             PUSH 0x40 PUSH 0x80 RETURN"
        ))
        .unwrap();
        assert_eq!(calls_of(&code, "keccak_key"), 0, "{pair}");
        assert_eq!(calls_of(&code, "keccak256"), 1, "{pair}");
        let outcome = agrees(&code, &word(9), 40);
        assert_eq!(outcome.status, Status::Success, "{pair}");
    }
}

#[test]
fn a_returned_word_is_one_native_and_pays_memory_as_the_evm_does() {
    // A word returned from 0x80 (memory grows to 0xa0 inside the native), from 0x80 after a
    // word at 0x100 (no growth), and from an offset calldata gives: small, and beyond what
    // any gas pays for (the frame runs out inside the native).
    let fixed = |setup: &str| {
        let code =
            format!("{setup} PUSH 0x20 CALLDATALOAD PUSH 0x80 MSTORE PUSH 0x20 PUSH 0x80 RETURN");
        assemble(&code).unwrap()
    };
    let from_calldata =
        assemble("PUSH 0 CALLDATALOAD PUSH 0x20 CALLDATALOAD DUP2 MSTORE PUSH 0x20 SWAP1 RETURN")
            .unwrap();
    for (code, offset) in [
        (fixed(""), 0),
        (fixed("PUSH 1 PUSH 0x100 MSTORE"), 0),
        (from_calldata.clone(), 0x40),
        (from_calldata, 0xffff_ffff),
    ] {
        assert_eq!(calls_of(&code, "ret_word"), 1);
        assert_eq!(calls_of(&code, "ret"), 0);
        let calldata = [word(offset), word(0x5eed)].concat();
        let outcome = agrees(&code, &calldata, 40);
        let succeeds = offset < 0x1_0000;
        assert_eq!(outcome.status == Status::Success, succeeds, "{offset:#x}");
        if succeeds {
            assert_eq!(&outcome.output[..], &word(0x5eed));
        }
    }
}

#[test]
fn other_stores_and_returns_stay_apart() {
    // A return of 64 bytes, of another offset, a revert, and an MSIZE between the store and
    // the return: none is the pair.
    for tail in [
        "PUSH 0x80 MSTORE PUSH 0x40 PUSH 0x80 RETURN",
        "PUSH 0x80 MSTORE PUSH 0x20 PUSH 0x60 RETURN",
        "PUSH 0x80 MSTORE PUSH 0x20 PUSH 0x80 REVERT",
        "PUSH 0x80 MSTORE MSIZE PUSH 0xa0 MSTORE PUSH 0x20 PUSH 0x80 RETURN",
    ] {
        let code = assemble(&format!("PUSH 0 CALLDATALOAD {tail}")).unwrap();
        assert_eq!(calls_of(&code, "ret_word"), 0, "{tail}");
        agrees(&code, &word(0x5eed), 40);
    }
}

#[test]
fn a_size_check_compares_the_size_as_the_evm_does() {
    // `slt(sub(calldatasize, 4), 0x40)`, solc's check of two arguments after a selector,
    // returned, for sizes around its bound and below the head (the difference wraps).
    let code =
        assemble("PUSH 0x40 PUSH 4 CALLDATASIZE SUB SLT PUSH 0 MSTORE PUSH 0x20 PUSH 0 RETURN")
            .unwrap();
    assert_eq!(calls_of(&code, "sub"), 0);
    for size in [0, 3, 4, 5, 0x43, 0x44, 0x45, 0x100] {
        let outcome = agrees(&code, &vec![0xab; size], 0);
        let short = usize::from(size < 0x44);
        assert_eq!(outcome.output[..], word(short as u64), "{size}");
    }
}

#[test]
fn an_event_of_one_word_is_one_native_also_across_a_jumpdest() {
    // A word stored, then logged with two topics in the same block, or in the block after a
    // JUMPDEST (its section's charge between the two); memory read after the log (MLOAD,
    // MSIZE) and returned.
    let tail = "PUSH 0xaa PUSH 0xbb PUSH 0x20 PUSH 0x80 LOG2
                PUSH 0x80 MLOAD PUSH 0 MSTORE MSIZE PUSH 0x20 MSTORE PUSH 0x40 PUSH 0 RETURN";
    for between in ["", "PUSH @l JUMP l: JUMPDEST"] {
        let code = assemble(&format!(
            "PUSH 0 CALLDATALOAD PUSH 0x80 MSTORE {between} {tail}"
        ))
        .unwrap();
        assert_eq!(calls_of(&code, "log2_word"), 1, "{between}");
        assert_eq!(calls_of(&code, "log2"), 0, "{between}");
        let outcome = agrees(&code, &word(0x5eed), 2_000);
        assert_eq!(outcome.status, Status::Success);
        assert_eq!(outcome.logs.len(), 1);
        assert_eq!(&outcome.output[..32], &word(0x5eed));
    }
}

#[test]
fn an_event_after_a_gated_section_halts_before_its_fork_and_runs_from_it() {
    // The log's section (after the JUMPDEST) holds PUSH0: the fused native takes its gated
    // charge, so before Shanghai the frame halts there, with the store not yet done.
    let code = assemble(
        "PUSH 0 CALLDATALOAD PUSH 0x80 MSTORE PUSH @l JUMP
         l: JUMPDEST PUSH0 POP PUSH 0xaa PUSH 0x20 PUSH 0x80 LOG1 STOP",
    )
    .unwrap();
    assert_eq!(calls_of(&code, "log1_word"), 1);
    for tier in TIERS {
        for spec in [SpecId::MERGE, SpecId::SHANGHAI] {
            let (expected, actual) = run_both_at(spec, &code, &word(7), 1_000_000, tier);
            let what = format!("{spec:?}, {tier:?}");
            assert_agree(&expected, &actual, &what);
            let halted = matches!(expected.status, Status::Halt(_));
            assert_eq!(halted, spec == SpecId::MERGE, "{what}");
        }
    }
}

#[test]
fn other_stores_and_events_stay_apart() {
    // A log of 64 bytes, of another offset, and a store between: none is the pair.
    for tail in [
        "PUSH 0x80 MSTORE PUSH 0xaa PUSH 0x40 PUSH 0x80 LOG1 STOP",
        "PUSH 0x80 MSTORE PUSH 0xaa PUSH 0x20 PUSH 0x60 LOG1 STOP",
        "PUSH 0x80 MSTORE PUSH 1 PUSH 0xa0 MSTORE PUSH 0xaa PUSH 0x20 PUSH 0x80 LOG1 STOP",
    ] {
        let code = assemble(&format!("PUSH 0 CALLDATALOAD {tail}")).unwrap();
        assert_eq!(calls_of(&code, "log1_word"), 0, "{tail}");
        assert_eq!(calls_of(&code, "log1"), 1, "{tail}");
        agrees(&code, &word(0x5eed), 40);
    }
}

#[test]
fn the_selector_is_one_native_whatever_the_calldata_length() {
    // `shr(224, calldataload(0))` returned: the input's first four bytes, zero past its end
    // (calldata of 0 to 5 bytes).
    let code = assemble("PUSH 0 CALLDATALOAD PUSH 0xe0 SHR PUSH 0 MSTORE PUSH 0x20 PUSH 0 RETURN")
        .unwrap();
    assert_eq!(calls_of(&code, "selector"), 1);
    assert_eq!(calls_of(&code, "calldataload"), 0);
    let calldata = [0xa9, 0x05, 0x9c, 0xbb, 0x77];
    for size in 0..=calldata.len() {
        let outcome = agrees(&code, &calldata[..size], 40);
        let mut selector = [0; 4];
        selector[..size.min(4)].copy_from_slice(&calldata[..size.min(4)]);
        let expected = word(u32::from_be_bytes(selector).into());
        assert_eq!(outcome.output[..], expected, "{size}");
    }
}

#[test]
fn a_loaded_word_read_again_is_no_selector() {
    // The word at 0 is shifted and also returned whole: it is loaded, not the selector.
    let code = assemble(
        "PUSH 0 CALLDATALOAD DUP1 PUSH 0xe0 SHR PUSH 0 MSTORE PUSH 0x20 MSTORE
         PUSH 0x40 PUSH 0 RETURN",
    )
    .unwrap();
    assert_eq!(calls_of(&code, "selector"), 0);
    assert_eq!(calls_of(&code, "calldataload"), 1);
    let outcome = agrees(&code, &word(0x1234_5678_9abc), 40);
    assert_eq!(outcome.output[0x20..], word(0x1234_5678_9abc));
}

#[test]
fn a_check_that_no_value_was_sent_is_one_native() {
    // A non-payable function's check, `iszero(callvalue())`, reverting if value came, with
    // and without value (and, with value, an odd amount in the high half too).
    let code = assemble(
        "CALLVALUE ISZERO PUSH @ok JUMPI PUSH 0 DUP1 REVERT
         ok: JUMPDEST PUSH 1 PUSH 0 MSTORE PUSH 0x20 PUSH 0 RETURN",
    )
    .unwrap();
    assert_eq!(calls_of(&code, "no_callvalue"), 1);
    assert_eq!(calls_of(&code, "callvalue"), 0);
    for value in [U256::ZERO, U256::from(1), U256::from(1) << 130] {
        for tier in TIERS {
            let (mut revm, mut evmove) = engines_at(SpecId::CANCUN, tier, &[(PROGRAM, &code)]);
            for engine in [&mut revm as &mut dyn Engine, &mut evmove] {
                engine.fund(SENDER, U256::from(1) << 140);
            }
            let mut call = Tx::call(SENDER, PROGRAM, Bytes::new());
            call.value = value;
            let (expected, actual) = execute_both(&mut revm, &mut evmove, &call);
            assert_agree(&expected, &actual, &format!("{value}, {tier:?}"));
            let reverted = expected.status == Status::Revert;
            assert_eq!(reverted, !value.is_zero(), "{value}, {tier:?}");
        }
    }
}

#[test]
fn the_free_pointer_store_is_one_native_and_grows_memory_as_the_evm_does() {
    // solc's first store, `mstore(0x40, 0x80)`, then MSIZE and the pointer read back and
    // returned with the memory below; out of gas inside it at every limit around.
    let code = assemble(
        "PUSH 0x80 PUSH 0x40 MSTORE MSIZE PUSH 0 MSTORE PUSH 0x40 MLOAD PUSH 0x20 MSTORE
         PUSH 0x60 PUSH 0 RETURN",
    )
    .unwrap();
    assert_eq!(calls_of(&code, "init_free_pointer"), 1);
    assert_eq!(calls_of(&code, "mstore"), 2);
    let outcome = agrees(&code, &[], 80);
    assert_eq!(outcome.output[..0x40], [word(0x60), word(0x80)].concat());
}
