//! The natives of `evmove::arith` (`stdlib/sources/arith.move`): EVM arithmetic, comparison
//! and bitwise operations on 256-bit words.
//!
//! Each operation is a plain function on [`U256`] with the EVM's semantics (as in the Yellow
//! Paper and revm's instructions), operands in the EVM's order: the first is the top of the
//! EVM stack. The arithmetic itself is ruint's (through alloy-primitives' `U256` and `I256`);
//! what is written out here is only the EVM's rule for each edge (division by zero, shift
//! amounts of 256 and more, byte indices of 32 and more, `SIGNEXTEND` of large `k`).
//! [`Op`] says how many words an operation takes and what it returns, and turns it into a
//! Move native.

use std::sync::Arc;

use alloy_primitives::{I256, U256};
use move_core_types::gas_algebra::InternalGas;
use move_vm_runtime::native_functions::NativeFunction;

use super::word::{bool_result, no_type_arguments, take_words, word_result};

/// An arithmetic operation, by the number of words it takes and what it returns.
#[derive(Clone, Copy, Debug)]
pub enum Op {
    /// One word in, one word out.
    Unary(fn(U256) -> U256),
    /// Two words in, one word out.
    Binary(fn(U256, U256) -> U256),
    /// Three words in, one word out.
    Ternary(fn(U256, U256, U256) -> U256),
    /// One word in, a bool out.
    UnaryTest(fn(U256) -> bool),
    /// Two words in, a bool out.
    BinaryTest(fn(U256, U256) -> bool),
}

impl Op {
    /// How many words the operation takes (each is two u128 arguments in Move).
    pub fn words_in(self) -> usize {
        match self {
            Op::Unary(_) | Op::UnaryTest(_) => 1,
            Op::Binary(_) | Op::BinaryTest(_) => 2,
            Op::Ternary(_) => 3,
        }
    }

    /// Whether the operation returns a word (two u128 results in Move) rather than a bool.
    pub fn returns_word(self) -> bool {
        matches!(self, Op::Unary(_) | Op::Binary(_) | Op::Ternary(_))
    }

    /// The Move native running this operation, charging `cost` per call.
    pub(crate) fn native(self, cost: InternalGas) -> NativeFunction {
        match self {
            Op::Unary(f) => Arc::new(move |_, ty_args, args| {
                no_type_arguments(&ty_args)?;
                let [a] = take_words(args)?;
                Ok(word_result(cost, f(a)))
            }),
            Op::Binary(f) => Arc::new(move |_, ty_args, args| {
                no_type_arguments(&ty_args)?;
                let [a, b] = take_words(args)?;
                Ok(word_result(cost, f(a, b)))
            }),
            Op::Ternary(f) => Arc::new(move |_, ty_args, args| {
                no_type_arguments(&ty_args)?;
                let [a, b, c] = take_words(args)?;
                Ok(word_result(cost, f(a, b, c)))
            }),
            Op::UnaryTest(f) => Arc::new(move |_, ty_args, args| {
                no_type_arguments(&ty_args)?;
                let [a] = take_words(args)?;
                Ok(bool_result(cost, f(a)))
            }),
            Op::BinaryTest(f) => Arc::new(move |_, ty_args, args| {
                no_type_arguments(&ty_args)?;
                let [a, b] = take_words(args)?;
                Ok(bool_result(cost, f(a, b)))
            }),
        }
    }
}

// ---- Arithmetic ----

/// `a + b` mod 2^256 (ADD).
pub fn add(a: U256, b: U256) -> U256 {
    a.wrapping_add(b)
}

/// `a - b` mod 2^256 (SUB).
pub fn sub(a: U256, b: U256) -> U256 {
    a.wrapping_sub(b)
}

/// `a * b` mod 2^256 (MUL).
pub fn mul(a: U256, b: U256) -> U256 {
    a.wrapping_mul(b)
}

/// `a / b` rounded down; 0 if `b` is 0 (DIV).
pub fn div(a: U256, b: U256) -> U256 {
    a.checked_div(b).unwrap_or(U256::ZERO)
}

/// Signed `a / b` rounded towards zero; 0 if `b` is 0; `MIN / -1` is `MIN` (SDIV).
pub fn sdiv(a: U256, b: U256) -> U256 {
    if b.is_zero() {
        return U256::ZERO;
    }
    // `wrapping_div` gives `MIN` for `MIN / -1`, the one quotient that does not fit.
    I256::from_raw(a).wrapping_div(I256::from_raw(b)).into_raw()
}

/// `a mod b`; 0 if `b` is 0 (MOD).
pub fn rem(a: U256, b: U256) -> U256 {
    a.checked_rem(b).unwrap_or(U256::ZERO)
}

/// Signed `a mod b`, with the sign of `a`; 0 if `b` is 0 (SMOD).
pub fn smod(a: U256, b: U256) -> U256 {
    if b.is_zero() {
        return U256::ZERO;
    }
    // Rust's remainder takes the dividend's sign, as SMOD does; `MIN mod -1` is 0.
    I256::from_raw(a).wrapping_rem(I256::from_raw(b)).into_raw()
}

/// `(a + b) mod n` with the sum taken in 257 bits; 0 if `n` is 0 (ADDMOD).
pub fn addmod(a: U256, b: U256, n: U256) -> U256 {
    a.add_mod(b, n)
}

/// `(a * b) mod n` with the product taken in 512 bits; 0 if `n` is 0 (MULMOD).
pub fn mulmod(a: U256, b: U256, n: U256) -> U256 {
    a.mul_mod(b, n)
}

/// `base ^ exponent` mod 2^256 (EXP).
pub fn exp(base: U256, exponent: U256) -> U256 {
    base.wrapping_pow(exponent)
}

/// `x` sign-extended from its lowest `k + 1` bytes, i.e. from bit `8k + 7`; `x` itself if
/// `k >= 31`, where the sign bit is already bit 255 (SIGNEXTEND).
pub fn signextend(k: U256, x: U256) -> U256 {
    let k: usize = k.saturating_to();
    if k >= 31 {
        return x;
    }
    let sign_bit = 8 * k + 7;
    let low_bits = U256::MAX >> (255 - sign_bit); // bits 0..=sign_bit
    if x.bit(sign_bit) {
        x | !low_bits
    } else {
        x & low_bits
    }
}

// ---- Comparison ----

/// Whether `a < b`, unsigned (LT).
pub fn lt(a: U256, b: U256) -> bool {
    a < b
}

/// Whether `a > b`, unsigned (GT).
pub fn gt(a: U256, b: U256) -> bool {
    a > b
}

/// Whether `a < b`, signed (SLT).
pub fn slt(a: U256, b: U256) -> bool {
    I256::from_raw(a) < I256::from_raw(b)
}

/// Whether `a > b`, signed (SGT).
pub fn sgt(a: U256, b: U256) -> bool {
    I256::from_raw(a) > I256::from_raw(b)
}

/// Whether `a == b` (EQ).
pub fn eq(a: U256, b: U256) -> bool {
    a == b
}

/// Whether `a` is 0 (ISZERO).
pub fn iszero(a: U256) -> bool {
    a.is_zero()
}

// ---- Bitwise ----

/// `a & b` (AND).
pub fn and(a: U256, b: U256) -> U256 {
    a & b
}

/// `a | b` (OR).
pub fn or(a: U256, b: U256) -> U256 {
    a | b
}

/// `a ^ b` (XOR).
pub fn xor(a: U256, b: U256) -> U256 {
    a ^ b
}

/// `!a` (NOT).
pub fn not(a: U256) -> U256 {
    !a
}

/// Byte `i` of `x` counted from the most significant end; 0 if `i >= 32` (BYTE).
pub fn byte(i: U256, x: U256) -> U256 {
    let i: usize = i.saturating_to();
    if i >= 32 {
        return U256::ZERO;
    }
    // ruint numbers bytes from the least significant end.
    U256::from(x.byte(31 - i))
}

/// `value << shift`; 0 if `shift >= 256` (SHL).
pub fn shl(shift: U256, value: U256) -> U256 {
    match shift.saturating_to::<usize>() {
        shift @ 0..256 => value << shift,
        _ => U256::ZERO,
    }
}

/// `value >> shift`, logical; 0 if `shift >= 256` (SHR).
pub fn shr(shift: U256, value: U256) -> U256 {
    match shift.saturating_to::<usize>() {
        shift @ 0..256 => value >> shift,
        _ => U256::ZERO,
    }
}

/// `value >> shift`, arithmetic: copies of the sign bit shift in, so a shift of 256 or more
/// leaves all ones for a negative `value` and 0 otherwise (SAR).
pub fn sar(shift: U256, value: U256) -> U256 {
    match shift.saturating_to::<usize>() {
        shift @ 0..256 => value.arithmetic_shr(shift),
        _ if value.bit(255) => U256::MAX,
        _ => U256::ZERO,
    }
}
