//! The operations the lowering emits as Move arithmetic on u128 halves instead of natives
//! (bitwise operations, equality, unsigned order, shifts by a constant amount: see
//! `evmove::lower::function`), each run as Move and by revm on generated words (edges
//! included): the same result. The operands come from calldata, so no pass folds them.

use alloy_primitives::{Address, U256};
use evmove_tests::{
    abi_values::word,
    differential::Differential,
    engine::Engine,
    outcome::{Status, Tx},
};
use proptest::{prelude::*, strategy::ValueTree, test_runner::TestRunner};

const SENDER: Address = Address::repeat_byte(0x5e);

/// Runtime code computing `op` on the words at calldata 0 (top of the stack) and 32, or
/// `op` with a constant `shift` on the word at calldata 0, and returning the result.
fn runtime(op: u8, shift: Option<u16>) -> Vec<u8> {
    let mut code = match shift {
        // value, then the constant shift on top
        Some(shift) => {
            let [hi, lo] = shift.to_be_bytes();
            vec![0x5f, 0x35, 0x61, hi, lo]
        }
        // b (calldata 32), then a (calldata 0) on top
        None => vec![0x60, 0x20, 0x35, 0x5f, 0x35],
    };
    code.push(op);
    // mstore(0, result); return(0, 32)
    code.extend([0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3]);
    code
}

#[test]
fn inlined_operations_match_revm() {
    let binary = [
        (0x10, "lt"),
        (0x11, "gt"),
        (0x14, "eq"),
        (0x16, "and"),
        (0x17, "or"),
        (0x18, "xor"),
    ];
    let mut cases: Vec<(String, Vec<u8>)> = binary
        .iter()
        .map(|&(op, name)| (name.to_string(), runtime(op, None)))
        .collect();
    cases.push((
        "not".into(),
        vec![0x5f, 0x35, 0x19, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3],
    ));
    for shift in [0, 1, 8, 64, 127, 128, 129, 160, 224, 255, 256, 300] {
        for (op, name) in [(0x1b, "shl"), (0x1c, "shr")] {
            cases.push((format!("{name} {shift}"), runtime(op, Some(shift))));
        }
    }
    let mut engines = Differential::new();
    engines.fund(SENDER, U256::from(10).pow(U256::from(20)));
    let mut runner = TestRunner::deterministic();
    for (name, code) in cases {
        let created = engines.execute(&Tx::deploy(SENDER, &code)).unwrap();
        let address = created
            .created
            .unwrap_or_else(|| panic!("{name}: {created:?}"));
        let words = (word(256), word(256));
        for _ in 0..128 {
            let (a, b) = words.new_tree(&mut runner).unwrap().current();
            let calldata = [a.to_be_bytes::<32>(), b.to_be_bytes::<32>()].concat();
            let (outcome, difference) = engines
                .compare(&Tx::call(SENDER, address, calldata))
                .unwrap();
            assert_eq!(difference, None, "{name} on {a:#x}, {b:#x}");
            assert_eq!(outcome.status, Status::Success, "{name}");
        }
    }
}

/// A function with more words live at once than Move has locals (200 calldata words on the
/// stack, 400 u128 halves) spills some to a vector and still computes what revm does: the
/// words are folded by SUB, which is sensitive to every word's position.
#[test]
fn words_beyond_the_locals_limit_spill_and_match_revm() {
    const WORDS: u16 = 200;
    let mut code = Vec::new();
    for i in 0..WORDS {
        let [hi, lo] = (32 * i).to_be_bytes();
        code.extend([0x61, hi, lo, 0x35]); // calldataload(32 * i)
    }
    code.extend(std::iter::repeat_n(0x03, usize::from(WORDS) - 1)); // sub
    code.extend([0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3]); // mstore(0, r); return(0, 32)

    let compiled = evmove::pipeline::compile_code(
        &code,
        move_core_types::account_address::AccountAddress::ONE,
        "spills",
        &Default::default(),
    )
    .expect("compiles");
    let module =
        move_binary_format::CompiledModule::deserialize(&compiled.bytes).expect("verified bytes");
    let spill_vector = move_binary_format::file_format::SignatureToken::Vector(Box::new(
        move_binary_format::file_format::SignatureToken::U128,
    ));
    let spills = module.function_defs.iter().any(|definition| {
        let locals = definition.code.as_ref().expect("code").locals;
        module.signatures[locals.0 as usize]
            .0
            .contains(&spill_vector)
    });
    assert!(spills, "the test must need spilling");

    let mut engines = Differential::new();
    engines.fund(SENDER, U256::from(10).pow(U256::from(20)));
    let created = engines.execute(&Tx::deploy(SENDER, &code)).unwrap();
    let address = created.created.expect("deploys");
    let mut runner = TestRunner::deterministic();
    for _ in 0..16 {
        let words = prop::collection::vec(word(256), usize::from(WORDS));
        let words = words.new_tree(&mut runner).unwrap().current();
        let calldata: Vec<u8> = words.iter().flat_map(|w| w.to_be_bytes::<32>()).collect();
        let (outcome, difference) = engines
            .compare(&Tx::call(SENDER, address, calldata))
            .unwrap();
        assert_eq!(difference, None);
        assert_eq!(outcome.status, Status::Success);
    }
}
