//! Recursive internal functions (hand-written code whose function calls itself, its return
//! labels piling up on the stack, as in the Ethereum VM tests' `fibonacci` and `ackermann`):
//! jump resolution falls back on function summaries, the function lifts to an IR function
//! (and a Move function) that calls itself, and running it gives what revm gives — at any
//! depth (issue 18): each such function takes the height of the stack below its frame
//! (`evmove::ir::StackBase`), and where its frame could pass the EVM's 1024 items, or the
//! recursion the Move VM's call stack, the frame runs again in universal form. Tested at
//! the depth where revm's stack overflows, with gas to spare and gas running out first, with
//! one and two items kept per level, in a tail recursion deeper than Move's call stack, and
//! in a called frame whose caller holds items of its own; in both tiers.

use alloy_primitives::{hex, Address, U256};
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
    engine::Engine,
    outcome::{Status, Tx},
    revm_oracle::RevmOracle,
};

const SENDER: Address = Address::repeat_byte(0x5e);
const TIERS: [Tier; 2] = [Tier::Interpreter, Tier::Native];

/// fib(calldata[0]), returned as a word; fib(n) = n < 2 ? n : fib(n - 1) + fib(n - 2).
const RECURSIVE_FIB: &str = "
    PUSH @done PUSH 0 CALLDATALOAD PUSH @fib JUMP
    done: PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN
    fib: DUP1 PUSH 2 GT PUSH @base JUMPI             ; [ret, n]
         PUSH @one DUP2 PUSH 1 SWAP1 SUB PUSH @fib JUMP
    one: PUSH @two DUP3 PUSH 2 SWAP1 SUB PUSH @fib JUMP  ; [ret, n, fib(n - 1)]
    two: ADD SWAP1 POP SWAP1 JUMP                    ; [ret, n, fib(n - 1), fib(n - 2)]
    base: SWAP1 JUMP";

#[test]
fn a_recursive_fibonacci_returns_what_revm_returns() {
    let runtime = assemble(RECURSIVE_FIB).expect("test code assembles");
    let mut engines = Differential::new();
    engines.fund(SENDER, U256::from(10).pow(U256::from(20)));
    let created = engines.execute(&Tx::deploy(SENDER, &runtime)).unwrap();
    let address = created.created.unwrap_or_else(|| panic!("{created:?}"));
    let mut expected = (0u64, 1u64);
    for n in 0..=15u64 {
        let calldata = U256::from(n).to_be_bytes::<32>();
        let (outcome, difference) = engines
            .compare(&Tx::call(SENDER, address, calldata.to_vec()))
            .unwrap();
        assert_eq!(difference, None, "fib({n})");
        assert_eq!(outcome.status, Status::Success, "fib({n})");
        assert_eq!(
            U256::from_be_slice(&outcome.output),
            U256::from(expected.0),
            "fib({n})"
        );
        expected = (expected.1, expected.0 + expected.1);
    }
}

/// A function that calls itself without end (`function f() { f(); }`): each call leaves a
/// return label on the stack, and the EVM halts when the stack passes 1,024 items. The
/// static path gives up on it (the stack may overflow inside a function), the universal path
/// lifts it, and it halts as revm does (on the stack, long before the gas given runs out).
#[test]
fn a_function_recursing_without_end_halts_as_in_revm() {
    let runtime = assemble(
        "PUSH @done PUSH @f JUMP
         done: STOP
         f: PUSH @back PUSH @f JUMP
         back: JUMP",
    )
    .expect("test code assembles");
    let lifted = evmove::lift::lift(&evmove::evm::Code::new(runtime.clone())).unwrap();
    assert!(lifted.universal.is_some(), "the static path lifted it");
    let mut engines = Differential::new();
    engines.fund(SENDER, U256::from(10).pow(U256::from(20)));
    let created = engines.execute(&Tx::deploy(SENDER, &runtime)).unwrap();
    let address = created.created.unwrap_or_else(|| panic!("{created:?}"));
    let mut call = Tx::call(SENDER, address, Vec::new());
    call.gas_limit = 100_000;
    let (outcome, difference) = engines.compare(&call).unwrap();
    assert_eq!(difference, None);
    let Status::Halt(reason) = &outcome.status else {
        panic!("{outcome:?}")
    };
    assert!(reason.contains("StackOverflow"), "{reason}");
}

/// sum(calldata[0]), returned as a word; sum(n) = n == 0 ? 0 : n + sum(n - 1), the call
/// made from one of two sites by n's parity, so that exploring the calling contexts (each
/// a sequence of return labels) gives up and jumps are resolved by summaries. Each level
/// keeps two items below the next level's frame: its return label and n.
const TWIN_SUM: &str = "
    PUSH @done PUSH0 CALLDATALOAD PUSH @sum JUMP
    done: PUSH0 MSTORE PUSH 32 PUSH0 RETURN
    sum: DUP1 ISZERO PUSH @base JUMPI                          ; [ret, n]
         DUP1 PUSH 1 AND PUSH @odd JUMPI
         PUSH @even_back DUP2 PUSH 1 SWAP1 SUB PUSH @sum JUMP  ; [ret, n, back, n - 1]
    odd: PUSH @odd_back DUP2 PUSH 1 SWAP1 SUB PUSH @sum JUMP
    even_back: ADD SWAP1 JUMP                                  ; [ret, n, sum(n - 1)]
    odd_back: ADD SWAP1 JUMP
    base: SWAP1 JUMP";

/// count(calldata[0]) = n, counted as count(n) = n == 0 ? 0 : 1 + count(n - 1) from two
/// call sites as [`TWIN_SUM`]: each level keeps one item below the next (its return label).
const TWIN_COUNT: &str = "
    PUSH @done PUSH0 CALLDATALOAD PUSH @count JUMP
    done: PUSH0 MSTORE PUSH 32 PUSH0 RETURN
    count: DUP1 ISZERO PUSH @base JUMPI                        ; [ret, n]
           DUP1 PUSH 1 AND PUSH @odd JUMPI
           PUSH 1 SWAP1 SUB PUSH @even_back SWAP1 PUSH @count JUMP ; [ret, back, n - 1]
    odd: PUSH 1 SWAP1 SUB PUSH @odd_back SWAP1 PUSH @count JUMP
    even_back: PUSH 1 ADD SWAP1 JUMP                           ; [ret, count(n - 1)]
    odd_back: PUSH 1 ADD SWAP1 JUMP
    base: SWAP1 JUMP";

/// With calldata word 0 zero, [`TWIN_SUM`] of word 1; otherwise a loop counting word 1 down
/// to zero, returning zero. The twin sum makes jumps resolved by summaries, where the loop,
/// a jump back to a block entered by a jump, is a function that never returns and calls
/// itself last: each turn a Move frame and no EVM item.
const TAIL_LOOP: &str = "
    PUSH0 CALLDATALOAD PUSH @tail JUMPI
    PUSH @done PUSH 0x20 CALLDATALOAD PUSH @sum JUMP
    done: PUSH0 MSTORE PUSH 32 PUSH0 RETURN
    sum: DUP1 ISZERO PUSH @base JUMPI
         DUP1 PUSH 1 AND PUSH @odd JUMPI
         PUSH @even_back DUP2 PUSH 1 SWAP1 SUB PUSH @sum JUMP
    odd: PUSH @odd_back DUP2 PUSH 1 SWAP1 SUB PUSH @sum JUMP
    even_back: ADD SWAP1 JUMP
    odd_back: ADD SWAP1 JUMP
    base: SWAP1 JUMP
    tail: PUSH 0x20 CALLDATALOAD PUSH @loop JUMP
    loop: DUP1 ISZERO PUSH @end JUMPI PUSH 1 SWAP1 SUB PUSH @loop JUMP
    end: PUSH0 MSTORE PUSH 32 PUSH0 RETURN";

/// Asserts that `code` stays on the static path with functions taking their stack base,
/// and that its module has `run_universal` beside `run` to run a frame again on.
fn assert_static_with_bases(code: &[u8]) {
    let lifted = lift(&Code::new(code.to_vec())).expect("lifts");
    assert_eq!(lifted.universal, None, "the static path");
    assert!(lifted.jumps.by_summaries, "jumps resolved by summaries");
    let bases = (lifted.module.functions.iter()).filter(|f| f.stack_base.is_some());
    assert!(bases.count() > 0, "{}", lifted.module);
    let compiled =
        compile_code(code, DEFAULT_PUBLISHER, "m", &TypedEntries::default()).expect("compiles");
    assert!(compiled.universal_entry, "run_universal beside run");
}

/// revm beside evmove in `tier`, the sender funded.
fn engines(tier: Tier) -> Differential {
    Differential::funded_in_tier(tier, SENDER)
}

/// Deploys `runtime` in both engines: its address.
fn deploy(engines: &mut Differential, runtime: &[u8]) -> Address {
    let (created, difference) = engines.compare(&Tx::deploy(SENDER, runtime)).unwrap();
    assert_eq!(difference, None, "deploy");
    created.created.expect("deploys")
}

/// Calldata of words.
fn words(words: &[u64]) -> Vec<u8> {
    (words.iter())
        .flat_map(|&word| U256::from(word).to_be_bytes::<32>())
        .collect()
}

/// The largest n for which calling `runtime` with calldata `words(&[n])` succeeds on revm
/// (given ample gas): the deepest recursion its stack allows. Success is monotonic in n.
fn deepest_on_revm(runtime: &[u8]) -> u64 {
    let mut revm = RevmOracle::new();
    revm.fund(SENDER, U256::from(10).pow(U256::from(20)));
    let address = Address::repeat_byte(0xc0);
    revm.set_account(address, U256::ZERO, 1, runtime.to_vec().into());
    let (mut good, mut bad) = (0, 2048);
    while bad - good > 1 {
        let middle = (good + bad) / 2;
        let call = Tx::call(SENDER, address, words(&[middle]));
        match Engine::execute(&mut revm, &call).unwrap().status {
            Status::Success => good = middle,
            _ => bad = middle,
        }
    }
    good
}

/// At the depths around where revm's stack overflows (the last n that returns, found by
/// revm, and the first that halts), with gas that suffices and gas that runs out before,
/// keeping two items per level and one: evmove returns, halts and charges what revm does.
#[test]
fn recursion_at_the_evm_stack_limit_returns_and_halts_as_in_revm() {
    for text in [TWIN_SUM, TWIN_COUNT] {
        let runtime = assemble(text).expect("test code assembles");
        assert_static_with_bases(&runtime);
        let deepest = deepest_on_revm(&runtime);
        for tier in TIERS {
            let mut engines = engines(tier);
            let address = deploy(&mut engines, &runtime);
            let mut reasons = Vec::new();
            for n in deepest - 2..=deepest + 2 {
                for gas_limit in [1_000_000, 60_000, 40_000] {
                    let mut call = Tx::call(SENDER, address, words(&[n]));
                    call.gas_limit = gas_limit;
                    let (outcome, difference) = engines.compare(&call).unwrap();
                    assert_eq!(difference, None, "{tier:?} n = {n}, gas {gas_limit}");
                    if gas_limit == 1_000_000 {
                        assert_eq!(outcome.is_success(), n <= deepest, "{tier:?} n = {n}");
                    }
                    reasons.push(format!("{:?}", outcome.status));
                }
            }
            for seen in ["Success", "StackOverflow", "OutOfGas"] {
                let seen_it = reasons.iter().any(|reason| reason.contains(seen));
                assert!(seen_it, "{tier:?}: no {seen} among {reasons:?}");
            }
            engines.assert_ran_natively();
        }
    }
}

/// A function that never returns and calls itself last, 3,000 times: no EVM stack, but a
/// Move frame per call, so Move's call stack (1,024 frames) runs out long before the EVM's
/// gas does; the frame runs again in universal form and ends as on revm. The twin sum
/// beside it reaches the EVM's limit first.
#[test]
fn a_tail_recursion_deeper_than_the_move_call_stack_runs_as_in_revm() {
    let runtime = assemble(TAIL_LOOP).expect("test code assembles");
    assert_static_with_bases(&runtime);
    for tier in TIERS {
        let mut engines = engines(tier);
        let address = deploy(&mut engines, &runtime);
        for (tail, n) in [(1, 10), (1, 1000), (1, 1030), (1, 3000), (0, 200), (0, 600)] {
            let call = Tx::call(SENDER, address, words(&[tail, n]));
            let (outcome, difference) = engines.compare(&call).unwrap();
            assert_eq!(difference, None, "{tier:?} tail {tail}, n = {n}");
            let returns = tail == 1 || n < 600;
            assert_eq!(
                outcome.is_success(),
                returns,
                "{tier:?} tail {tail}, n = {n}"
            );
        }
        engines.assert_ran_natively();
    }
}

/// A called frame's stack starts empty: a caller holding 600 items of its own calls the
/// twin sum at the depths around revm's limit (the same as in a transaction's frame), and
/// returns whether the call succeeded and what it returned.
#[test]
fn recursion_in_a_called_frame_counts_from_that_frame_s_stack() {
    let runtime = assemble(TWIN_SUM).expect("test code assembles");
    let deepest = deepest_on_revm(&runtime);
    for tier in TIERS {
        let mut engines = engines(tier);
        let sum = deploy(&mut engines, &runtime);
        let caller = deploy(
            &mut engines,
            &assemble(&format!(
                "{}
                 PUSH0 CALLDATALOAD PUSH0 MSTORE
                 PUSH 0x20 PUSH 0x40 PUSH 0x20 PUSH0 PUSH0 PUSH 0x{} GAS CALL
                 PUSH 0x20 MSTORE PUSH 0x40 PUSH 0x20 RETURN",
                "PUSH0 ".repeat(600),
                hex::encode(sum),
            ))
            .unwrap(),
        );
        for n in deepest - 1..=deepest + 1 {
            let call = Tx::call(SENDER, caller, words(&[n]));
            let (outcome, difference) = engines.compare(&call).unwrap();
            assert_eq!(difference, None, "{tier:?} n = {n}");
            let expected = match n <= deepest {
                true => words(&[1, n * (n + 1) / 2]),
                false => words(&[0, 0]),
            };
            assert_eq!(outcome.output[..], expected, "{tier:?} n = {n}");
        }
        engines.assert_ran_natively();
    }
}
