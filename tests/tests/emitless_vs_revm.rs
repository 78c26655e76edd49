//! What the lowering leaves out, against revm on the same code and inputs: the mapping-slot
//! sequence as one native (`evmove::memory::keccak_slot`), charges moved into the blocks
//! entered only from theirs (`opt::charges`), small leaf functions inlined
//! (`opt::inline_leaves`), reads of the free-memory pointer whose value is known
//! (`opt::free_pointer`). Each program returns what it computed, its memory and GAS readings,
//! so a wrong hash, a memory word not written, or a charge moved across an observer differs;
//! gas used is compared too, on success, on revert (which returns the gas left) and at the
//! limit where the frame runs out.

use alloy_primitives::{Address, Bytes, U256};
use evmove::evm::assemble;
use evmove_tests::{
    compiled::{calls_of, module as compiled},
    engine::Engine,
    evmove_engine::EvmoveEngine,
    outcome::{Status, Tx, TxOutcome},
    revm_oracle::RevmOracle,
};

const SENDER: Address = Address::repeat_byte(0x5e);

/// Deploys `runtime` in both engines and calls it with `calldata` and `gas_limit` (revm's):
/// revm's outcome and evmove's.
fn call_both(runtime: &[u8], calldata: &[u8], gas_limit: u64) -> (TxOutcome, TxOutcome) {
    let (mut revm, mut evmove) = (RevmOracle::new(), EvmoveEngine::new());
    let deploy = Tx::deploy(SENDER, runtime);
    let created = Engine::execute(&mut revm, &deploy)
        .unwrap()
        .created
        .unwrap();
    assert_eq!(evmove.execute(&deploy).unwrap().created, Some(created));
    let mut call = Tx::call(SENDER, created, Bytes::copy_from_slice(calldata));
    call.gas_limit = gas_limit;
    let expected = Engine::execute(&mut revm, &call).unwrap();
    let actual = evmove.execute(&call).unwrap();
    (expected, actual)
}

/// Runs `runtime` with `calldata` in both engines, with plenty of gas and then with exactly
/// the gas revm used and one less, and checks that evmove does what revm does each time.
fn agrees(runtime: &[u8], calldata: &[u8]) -> TxOutcome {
    let (expected, actual) = call_both(runtime, calldata, Tx::DEFAULT_GAS_LIMIT);
    assert_same(&expected, &actual, calldata);
    for limit in [expected.gas_used, expected.gas_used - 1] {
        let (at_limit, actual) = call_both(runtime, calldata, limit);
        // The engines word an exceptional halt's reason differently.
        match at_limit.status {
            Status::Halt(_) => assert!(matches!(actual.status, Status::Halt(_)), "{limit}"),
            _ => assert_same(&at_limit, &actual, calldata),
        }
    }
    expected
}

fn assert_same(expected: &TxOutcome, actual: &TxOutcome, calldata: &[u8]) {
    assert_eq!(actual.status, expected.status, "{calldata:?}");
    assert_eq!(actual.output, expected.output, "{calldata:?}");
    assert_eq!(actual.gas_used, expected.gas_used, "gas used, {calldata:?}");
}

fn word(n: u64) -> [u8; 32] {
    U256::from(n).to_be_bytes()
}

#[test]
fn a_mapping_slot_is_one_native_and_writes_memory_as_the_three_operations_do() {
    // The slot of key CALLDATALOAD(0) in mapping CALLDATALOAD(32), twice: once on empty
    // memory (it grows to 64 bytes), once after a word at 0x80 (no growth); then GAS, and
    // memory 0..0xa0 with both hashes and the readings returned.
    let code = assemble(
        "PUSH 0x20 CALLDATALOAD PUSH 0 CALLDATALOAD PUSH 0 MSTORE PUSH 0x20 MSTORE
         PUSH 0x40 PUSH 0 KECCAK256
         GAS PUSH 0x80 MSTORE
         PUSH 7 PUSH 0 MSTORE PUSH 9 PUSH 0x20 MSTORE PUSH 0x40 PUSH 0 KECCAK256
         GAS PUSH 0xa0 MSTORE
         PUSH 0x40 MSTORE PUSH 0x60 MSTORE
         PUSH 0xc0 PUSH 0 RETURN",
    )
    .unwrap();
    let module = compiled(&code);
    assert_eq!(calls_of(&module, "keccak_slot"), 2);
    assert_eq!(calls_of(&module, "keccak256"), 0);
    let calldata = [word(0xa11ce), word(3)].concat();
    let outcome = agrees(&code, &calldata);
    assert_eq!(outcome.status, Status::Success);
    // The second sequence's key and slot are left in memory.
    assert_eq!(&outcome.output[..64], &[word(7), word(9)].concat()[..]);
}

#[test]
fn a_chain_of_checks_charges_once_per_path_and_reverts_with_revms_gas() {
    // Three checks of calldata words, each reverting when it fails, then a GAS reading:
    // every path, each failing check and the one passing them all, uses revm's gas.
    let code = assemble(
        "PUSH 0 CALLDATALOAD PUSH @a JUMPI PUSH 0 DUP1 REVERT
         a: JUMPDEST PUSH 0x20 CALLDATALOAD PUSH @b JUMPI PUSH 1 PUSH 0 MSTORE PUSH 0x20 PUSH 0 REVERT
         b: JUMPDEST PUSH 0x40 CALLDATALOAD PUSH @c JUMPI PUSH 0 DUP1 REVERT
         c: JUMPDEST GAS PUSH 0 MSTORE PUSH 0x20 PUSH 0 RETURN",
    )
    .unwrap();
    for words in [[0, 1, 1], [1, 0, 1], [1, 1, 0], [1, 1, 1]] {
        let calldata: Vec<u8> = words.iter().flat_map(|&w| word(w)).collect();
        agrees(&code, &calldata);
    }
}

#[test]
fn an_inlined_leaf_returns_what_the_function_did() {
    // `clamp` (min(x, 1000), checked as solc's helpers do) is called on two calldata words;
    // both results and a GAS reading are returned. It is inlined: no call of it is left.
    let code = assemble(
        "PUSH @one PUSH 0 CALLDATALOAD PUSH @clamp JUMP
         one: JUMPDEST PUSH @two PUSH 0x20 CALLDATALOAD PUSH @clamp JUMP
         two: JUMPDEST PUSH 0 MSTORE PUSH 0x20 MSTORE GAS PUSH 0x40 MSTORE PUSH 0x60 PUSH 0 RETURN
         clamp: JUMPDEST DUP1 PUSH 1000 LT PUSH @big JUMPI SWAP1 JUMP
         big: JUMPDEST POP PUSH 1000 SWAP1 JUMP",
    )
    .unwrap();
    assert_eq!(compiled(&code).function_defs.len(), 1, "clamp is inlined");
    for (a, b) in [(5, 2000), (1000, 1001), (0, 0)] {
        let calldata = [word(a), word(b)].concat();
        let outcome = agrees(&code, &calldata);
        assert_eq!(outcome.status, Status::Success);
    }
}

#[test]
fn a_known_free_pointer_is_folded_and_a_write_that_may_touch_it_is_seen() {
    // The pointer set and moved (its read folds); a word stored at a calldata offset on one
    // side of a branch, which may overwrite it; the pointer read twice after the join (one
    // read left) and again after a copy above it (the same value); MSIZE and GAS returned.
    let code = assemble(
        "PUSH 0x80 PUSH 0x40 MSTORE PUSH 0x40 MLOAD PUSH 0x20 ADD PUSH 0x40 MSTORE
         PUSH 0 CALLDATALOAD PUSH @skip JUMPI PUSH 0x20 CALLDATALOAD DUP1 MSTORE
         skip: JUMPDEST PUSH 0x40 MLOAD PUSH 0x40 MLOAD ADD PUSH 0xc0 MSTORE
         PUSH 0x20 PUSH 0 PUSH 0xe0 CALLDATACOPY PUSH 0x40 MLOAD PUSH 0x100 MSTORE
         MSIZE PUSH 0x120 MSTORE GAS PUSH 0x140 MSTORE PUSH 0x160 PUSH 0 RETURN",
    )
    .unwrap();
    assert_eq!(calls_of(&compiled(&code), "mload"), 1);
    for (skip, offset) in [(1, 0), (0, 0x30), (0, 0x5f), (0, 0x60), (0, 0x1000)] {
        let calldata = [word(skip), word(offset)].concat();
        let outcome = agrees(&code, &calldata);
        assert_eq!(outcome.status, Status::Success);
    }
}
