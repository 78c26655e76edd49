//! Recursive internal functions (hand-written code whose function calls itself, its return
//! labels piling up on the stack, as in the Ethereum VM tests' `fibonacci` and `ackermann`):
//! jump resolution falls back on function summaries, the function lifts to an IR function
//! (and a Move function) that calls itself, and running it gives what revm gives.

use alloy_primitives::{Address, U256};
use evmove::evm::assemble;
use evmove_tests::{
    differential::Differential,
    engine::Engine,
    outcome::{Status, Tx},
};

const SENDER: Address = Address::repeat_byte(0x5e);

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
