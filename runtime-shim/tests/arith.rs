//! The arithmetic natives (`evmove::arith`), called through the Move VM, against revm's own
//! implementation of the same EVM instruction: deterministic tests that name the edge cases,
//! then property tests over operands biased towards edge values.

mod common;

use alloy_primitives::U256;
use common::NativeHarness;
use evmove_runtime::natives;
use proptest::{prelude::*, sample::select};
use revm_interpreter::{
    bytecode::opcode, host::DummyHost, instruction_table, interpreter::EthInterpreter,
    primitives::hardfork::SpecId, InstructionContext, Interpreter,
};

/// Each arithmetic native with the EVM opcode it implements.
const OPCODES: &[(&str, u8)] = &[
    ("add", opcode::ADD),
    ("sub", opcode::SUB),
    ("mul", opcode::MUL),
    ("div", opcode::DIV),
    ("sdiv", opcode::SDIV),
    ("mod", opcode::MOD),
    ("smod", opcode::SMOD),
    ("addmod", opcode::ADDMOD),
    ("mulmod", opcode::MULMOD),
    ("exp", opcode::EXP),
    ("signextend", opcode::SIGNEXTEND),
    ("lt", opcode::LT),
    ("gt", opcode::GT),
    ("slt", opcode::SLT),
    ("sgt", opcode::SGT),
    ("eq", opcode::EQ),
    ("iszero", opcode::ISZERO),
    ("and", opcode::AND),
    ("or", opcode::OR),
    ("xor", opcode::XOR),
    ("not", opcode::NOT),
    ("byte", opcode::BYTE),
    ("shl", opcode::SHL),
    ("shr", opcode::SHR),
    ("sar", opcode::SAR),
    ("clz", opcode::CLZ),
];

/// What revm's instruction `opcode` leaves on the stack for `operands`, `operands[0]` being
/// the top of the stack (the EVM's first operand).
fn revm_says(opcode: u8, operands: &[U256]) -> U256 {
    let mut interpreter = Interpreter::default();
    for &operand in operands.iter().rev() {
        assert!(interpreter.stack.push(operand));
    }
    let mut host = DummyHost::new(SpecId::default());
    let instruction = instruction_table::<EthInterpreter, DummyHost>()[usize::from(opcode)];
    instruction
        .execute(InstructionContext {
            interpreter: &mut interpreter,
            host: &mut host,
        })
        .unwrap_or_else(|halt| panic!("revm halted on {opcode:#04x}: {halt:?}"));
    assert_eq!(interpreter.stack.len(), 1, "one result");
    interpreter.stack.pop().unwrap()
}

/// `(0x.., 0x..)`: operands as a failure message shows them.
fn hex(operands: &[U256]) -> String {
    let operands: Vec<String> = operands.iter().map(|v| format!("{v:#x}")).collect();
    format!("({})", operands.join(", "))
}

fn opcode_of(name: &str) -> u8 {
    let (_, opcode) = OPCODES.iter().find(|(n, _)| *n == name).unwrap();
    *opcode
}

/// The native's result through the Move VM, and revm's for the same operands.
fn ours_and_revms(name: &str, operands: &[U256]) -> (U256, U256) {
    let ours = NativeHarness::get().run(name, operands);
    (ours, revm_says(opcode_of(name), operands))
}

/// Asserts that the native gives `expected` for `operands`, and that revm agrees.
#[track_caller]
fn assert_gives(name: &str, operands: &[U256], expected: U256) {
    let (ours, revm) = ours_and_revms(name, operands);
    assert_eq!(revm, expected, "revm: {name}{}", hex(operands));
    assert_eq!(ours, expected, "ours: {name}{}", hex(operands));
}

fn w(value: u64) -> U256 {
    U256::from(value)
}

/// `-v` in two's complement.
fn neg(value: u64) -> U256 {
    U256::from(value).wrapping_neg()
}

fn pow2(k: usize) -> U256 {
    U256::from(1) << k
}

const MIN_SIGNED: U256 = U256::from_limbs([0, 0, 0, 1 << 63]);
const MAX_SIGNED: U256 = U256::from_limbs([u64::MAX, u64::MAX, u64::MAX, u64::MAX >> 1]);
const MINUS_ONE: U256 = U256::MAX;

#[test]
fn every_arithmetic_native_has_an_opcode_to_compare_with() {
    let arith: Vec<_> = natives::NATIVES
        .iter()
        .filter(|native| native.row.module == "arith")
        .map(|native| native.row.name)
        .collect();
    let compared: Vec<_> = OPCODES.iter().map(|(name, _)| *name).collect();
    assert_eq!(arith, compared);
}

// ---- Named edge cases ----

#[test]
fn add_sub_mul_wrap_at_2_pow_256() {
    assert_gives("add", &[U256::MAX, w(1)], U256::ZERO);
    assert_gives("add", &[pow2(128) - w(1), w(1)], pow2(128)); // carry across the halves
    assert_gives("sub", &[w(0), w(1)], U256::MAX);
    assert_gives("sub", &[pow2(128), w(1)], pow2(128) - w(1)); // borrow across the halves
    assert_gives("mul", &[pow2(128), pow2(128)], U256::ZERO);
    assert_gives("mul", &[pow2(64), pow2(64)], pow2(128));
    assert_gives("mul", &[MINUS_ONE, MINUS_ONE], w(1));
}

#[test]
fn division_by_zero_gives_zero() {
    for name in ["div", "sdiv", "mod", "smod"] {
        assert_gives(name, &[w(5), U256::ZERO], U256::ZERO);
        assert_gives(name, &[neg(5), U256::ZERO], U256::ZERO);
        assert_gives(name, &[U256::ZERO, U256::ZERO], U256::ZERO);
        assert_gives(name, &[MIN_SIGNED, U256::ZERO], U256::ZERO);
    }
}

#[test]
fn sdiv_of_min_by_minus_one_is_min() {
    assert_gives("sdiv", &[MIN_SIGNED, MINUS_ONE], MIN_SIGNED);
    assert_gives("smod", &[MIN_SIGNED, MINUS_ONE], U256::ZERO);
    assert_gives("sdiv", &[MIN_SIGNED, w(1)], MIN_SIGNED);
    assert_gives("div", &[MIN_SIGNED, MINUS_ONE], U256::ZERO); // unsigned: 2^255 / (2^256 - 1)
}

#[test]
fn signed_division_rounds_towards_zero_and_smod_takes_the_dividends_sign() {
    assert_gives("sdiv", &[neg(7), w(2)], neg(3));
    assert_gives("sdiv", &[w(7), neg(2)], neg(3));
    assert_gives("sdiv", &[neg(7), neg(2)], w(3));
    assert_gives("smod", &[neg(7), w(2)], neg(1));
    assert_gives("smod", &[w(7), neg(2)], w(1));
    assert_gives("smod", &[neg(7), neg(2)], neg(1));
    assert_gives("mod", &[neg(7), w(2)], w(1)); // unsigned: 2^256 - 7 is odd
}

#[test]
fn shifts_of_256_or_more_give_zero_or_the_sign() {
    assert_gives("shl", &[w(255), w(1)], MIN_SIGNED);
    assert_gives("shl", &[w(256), w(1)], U256::ZERO);
    assert_gives("shl", &[w(257), U256::MAX], U256::ZERO);
    assert_gives("shr", &[w(255), U256::MAX], w(1));
    assert_gives("shr", &[w(256), U256::MAX], U256::ZERO);
    // A shift amount whose low half is small but whose high half is not: still >= 256.
    assert_gives("shl", &[pow2(128) + w(1), w(1)], U256::ZERO);
    assert_gives("shr", &[pow2(128) + w(1), U256::MAX], U256::ZERO);
    assert_gives("sar", &[w(255), MIN_SIGNED], MINUS_ONE);
    assert_gives("sar", &[w(256), MIN_SIGNED], MINUS_ONE);
    assert_gives("sar", &[U256::MAX, neg(1)], MINUS_ONE);
    assert_gives("sar", &[pow2(128) + w(1), neg(5)], MINUS_ONE);
    assert_gives("sar", &[w(256), MAX_SIGNED], U256::ZERO);
    assert_gives("sar", &[w(1), neg(3)], neg(2)); // rounds towards minus infinity
    assert_gives("sar", &[w(0), neg(3)], neg(3));
}

#[test]
fn clz_counts_the_zero_bits_above_the_highest_one() {
    assert_gives("clz", &[U256::ZERO], w(256));
    assert_gives("clz", &[w(1)], w(255));
    assert_gives("clz", &[pow2(128)], w(127));
    assert_gives("clz", &[pow2(127) | w(5)], w(128));
    assert_gives("clz", &[MIN_SIGNED], U256::ZERO);
    assert_gives("clz", &[U256::MAX], U256::ZERO);
}

#[test]
fn signextend_of_k_31_or_more_is_the_identity() {
    let x = pow2(247) | w(0x80);
    for k in [w(31), w(32), w(33), pow2(64), pow2(128) + w(1), U256::MAX] {
        assert_gives("signextend", &[k, x], x);
        assert_gives("signextend", &[k, MIN_SIGNED], MIN_SIGNED);
    }
    assert_gives("signextend", &[w(0), w(0xff)], MINUS_ONE);
    assert_gives("signextend", &[w(0), w(0x7f)], w(0x7f));
    assert_gives("signextend", &[w(0), w(0x17f)], w(0x7f)); // clears the bits above
    assert_gives("signextend", &[w(1), w(0x8000)], neg(0x8000));
    assert_gives("signextend", &[w(30), x], (U256::MAX << 247) | w(0x80)); // sign bit 247 set
    assert_gives("signextend", &[w(30), x >> 1], x >> 1);
}

#[test]
fn byte_counts_from_the_most_significant_end_and_is_zero_from_32() {
    let x = U256::from_be_bytes(std::array::from_fn::<u8, 32, _>(|i| i as u8 + 1));
    assert_gives("byte", &[w(0), x], w(1));
    assert_gives("byte", &[w(15), x], w(16));
    assert_gives("byte", &[w(16), x], w(17));
    assert_gives("byte", &[w(31), x], w(32));
    assert_gives("byte", &[w(32), U256::MAX], U256::ZERO);
    assert_gives("byte", &[pow2(128), U256::MAX], U256::ZERO);
    assert_gives("byte", &[U256::MAX, U256::MAX], U256::ZERO);
}

#[test]
fn addmod_and_mulmod_with_modulus_zero_give_zero() {
    assert_gives("addmod", &[w(3), w(4), U256::ZERO], U256::ZERO);
    assert_gives("mulmod", &[w(3), w(4), U256::ZERO], U256::ZERO);
    assert_gives("addmod", &[U256::MAX, U256::MAX, U256::ZERO], U256::ZERO);
    assert_gives("mulmod", &[U256::MAX, U256::MAX, U256::ZERO], U256::ZERO);
}

#[test]
fn addmod_and_mulmod_do_not_wrap_the_intermediate() {
    // (2^257 - 2) mod 7 = 2, while (2^256 - 2) mod 7 = 0.
    assert_gives("addmod", &[U256::MAX, U256::MAX, w(7)], w(2));
    assert_gives("addmod", &[U256::MAX, w(1), U256::MAX], w(1));
    // (2^256 - 1)^2 mod 12 = 9, while ((2^256 - 1)^2 mod 2^256) mod 12 = 1.
    assert_gives("mulmod", &[U256::MAX, U256::MAX, w(12)], w(9));
    assert_gives("mulmod", &[U256::MAX, U256::MAX, U256::MAX], U256::ZERO);
    assert_gives("mulmod", &[MIN_SIGNED, w(2), U256::MAX], w(1));
    assert_gives("mulmod", &[pow2(200), pow2(200), pow2(255) + w(1)], {
        // 2^400 mod (2^255 + 1): 2^255 = -1, so 2^400 = -2^145.
        (pow2(255) + w(1)) - pow2(145)
    });
}

#[test]
fn exp_wraps_at_2_pow_256() {
    assert_gives("exp", &[w(2), w(255)], MIN_SIGNED);
    assert_gives("exp", &[w(2), w(256)], U256::ZERO);
    assert_gives("exp", &[w(0), w(0)], w(1));
    assert_gives("exp", &[w(0), U256::MAX], U256::ZERO);
    assert_gives("exp", &[MINUS_ONE, U256::MAX], MINUS_ONE);
    assert_gives("exp", &[MINUS_ONE, w(2)], w(1));
    assert_gives("exp", &[w(3), w(5)], w(243));
}

#[test]
fn comparisons_return_bools() {
    let (yes, no) = (w(1), U256::ZERO);
    assert_gives("lt", &[w(1), w(2)], yes);
    assert_gives("lt", &[pow2(128) - w(1), pow2(128)], yes);
    assert_gives("gt", &[pow2(128), pow2(128) - w(1)], yes);
    assert_gives("lt", &[MINUS_ONE, w(0)], no);
    assert_gives("slt", &[MINUS_ONE, w(0)], yes);
    assert_gives("slt", &[MIN_SIGNED, MAX_SIGNED], yes);
    assert_gives("sgt", &[MIN_SIGNED, MAX_SIGNED], no);
    assert_gives("sgt", &[w(0), MINUS_ONE], yes);
    assert_gives("slt", &[w(5), w(5)], no);
    assert_gives("eq", &[pow2(200), pow2(200)], yes);
    assert_gives("eq", &[pow2(200), pow2(201)], no);
    assert_gives("iszero", &[U256::ZERO], yes);
    assert_gives("iszero", &[pow2(255)], no);
}

#[test]
fn bitwise_operations_cover_both_halves() {
    let hi = U256::MAX << 128;
    let lo = U256::MAX >> 128;
    assert_gives("and", &[hi, U256::MAX], hi);
    assert_gives("or", &[hi, lo], U256::MAX);
    assert_gives("xor", &[U256::MAX, lo], hi);
    assert_gives("not", &[lo], hi);
    assert_gives("not", &[U256::ZERO], U256::MAX);
}

// ---- Properties ----

/// Values at the edges: 0, 1, the extremes signed and unsigned, and the neighbours of the
/// boundaries between u64s and between the two u128 halves.
fn edge_word() -> impl Strategy<Value = U256> {
    let mut edges = vec![
        U256::ZERO,
        w(1),
        w(2),
        w(3),
        U256::MAX,
        U256::MAX - w(1),
        MIN_SIGNED,
        MIN_SIGNED + w(1),
        MAX_SIGNED,
    ];
    for k in [64, 128, 192] {
        edges.extend([
            pow2(k) - w(1),
            pow2(k),
            pow2(k) + w(1),
            pow2(k).wrapping_neg(),
        ]);
    }
    select(edges)
}

/// A power of two, its neighbours, and their negations.
fn near_power_of_two() -> impl Strategy<Value = U256> {
    (0usize..256, -1i8..=1, any::<bool>()).prop_map(|(k, delta, negate)| {
        let v = match delta {
            -1 => pow2(k) - w(1),
            0 => pow2(k),
            _ => pow2(k) + w(1),
        };
        if negate {
            v.wrapping_neg()
        } else {
            v
        }
    })
}

/// Uniform bits, shortened to a random length so that every size of divisor shows up.
fn random_word() -> impl Strategy<Value = U256> {
    (any::<[u64; 4]>(), 0usize..256).prop_map(|(limbs, drop)| U256::from_limbs(limbs) >> drop)
}

/// Any word, biased towards the edges.
fn word() -> impl Strategy<Value = U256> {
    prop_oneof![
        3 => edge_word(),
        2 => near_power_of_two(),
        4 => random_word(),
        1 => (0u64..=300).prop_map(U256::from),
    ]
}

/// A shift amount, byte index or `SIGNEXTEND` size: mostly around the limits where the
/// result changes (byte 31/32, size 30/31/32, shift 255/256/257), sometimes any word.
fn small_operand(limit: u64) -> impl Strategy<Value = U256> {
    prop_oneof![
        3 => (0..=limit + 2).prop_map(U256::from),
        3 => (limit.saturating_sub(2)..=limit + 2).prop_map(U256::from),
        2 => word(),
    ]
}

/// Compares the native with revm on `operands`.
fn same_as_revm(name: &str, operands: &[U256]) -> Result<(), TestCaseError> {
    let (ours, revm) = ours_and_revms(name, operands);
    prop_assert_eq!(ours, revm, "{}{}", name, hex(operands));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn add_is_revms(a in word(), b in word()) { same_as_revm("add", &[a, b])?; }

    #[test]
    fn sub_is_revms(a in word(), b in word()) { same_as_revm("sub", &[a, b])?; }

    #[test]
    fn mul_is_revms(a in word(), b in word()) { same_as_revm("mul", &[a, b])?; }

    #[test]
    fn div_is_revms(a in word(), b in word()) { same_as_revm("div", &[a, b])?; }

    #[test]
    fn sdiv_is_revms(a in word(), b in word()) { same_as_revm("sdiv", &[a, b])?; }

    #[test]
    fn mod_is_revms(a in word(), b in word()) { same_as_revm("mod", &[a, b])?; }

    #[test]
    fn smod_is_revms(a in word(), b in word()) { same_as_revm("smod", &[a, b])?; }

    #[test]
    fn addmod_is_revms(a in word(), b in word(), n in word()) {
        same_as_revm("addmod", &[a, b, n])?;
    }

    #[test]
    fn mulmod_is_revms(a in word(), b in word(), n in word()) {
        same_as_revm("mulmod", &[a, b, n])?;
    }

    #[test]
    fn exp_is_revms(base in word(), exponent in small_operand(256)) {
        same_as_revm("exp", &[base, exponent])?;
    }

    #[test]
    fn signextend_is_revms(k in small_operand(31), x in word()) {
        same_as_revm("signextend", &[k, x])?;
    }

    #[test]
    fn lt_is_revms(a in word(), b in word()) { same_as_revm("lt", &[a, b])?; }

    #[test]
    fn gt_is_revms(a in word(), b in word()) { same_as_revm("gt", &[a, b])?; }

    #[test]
    fn slt_is_revms(a in word(), b in word()) { same_as_revm("slt", &[a, b])?; }

    #[test]
    fn sgt_is_revms(a in word(), b in word()) { same_as_revm("sgt", &[a, b])?; }

    #[test]
    fn eq_is_revms(a in word(), b in prop_oneof![word(), Just(U256::ZERO)]) {
        same_as_revm("eq", &[a, b])?;
        same_as_revm("eq", &[a, a])?;
    }

    #[test]
    fn iszero_is_revms(a in word()) { same_as_revm("iszero", &[a])?; }

    #[test]
    fn and_is_revms(a in word(), b in word()) { same_as_revm("and", &[a, b])?; }

    #[test]
    fn or_is_revms(a in word(), b in word()) { same_as_revm("or", &[a, b])?; }

    #[test]
    fn xor_is_revms(a in word(), b in word()) { same_as_revm("xor", &[a, b])?; }

    #[test]
    fn not_is_revms(a in word()) { same_as_revm("not", &[a])?; }

    #[test]
    fn byte_is_revms(i in small_operand(32), x in word()) { same_as_revm("byte", &[i, x])?; }

    #[test]
    fn shl_is_revms(shift in small_operand(256), value in word()) {
        same_as_revm("shl", &[shift, value])?;
    }

    #[test]
    fn shr_is_revms(shift in small_operand(256), value in word()) {
        same_as_revm("shr", &[shift, value])?;
    }

    #[test]
    fn sar_is_revms(shift in small_operand(256), value in word()) {
        same_as_revm("sar", &[shift, value])?;
    }
}
