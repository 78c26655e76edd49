//! EVM words: the EVM's arithmetic, comparison and bitwise operations on 256-bit words, as
//! plain functions over alloy's [`U256`].
//!
//! One arithmetic for the whole project: the runtime's Move natives
//! (`evmove-runtime`'s `natives::arith`) run these functions, and the transpiler's constant
//! folding (`evmove::opt::fold`) and jump analysis compute with them, so what the compiler
//! folds cannot disagree with what the runtime executes. The runtime's property tests
//! check them against revm's own instructions.
//!
//! Each operation has the EVM's semantics (as in the Yellow Paper and revm's instructions),
//! operands in the EVM's order: the first is the top of the EVM stack. The arithmetic itself
//! is ruint's (through alloy-primitives' `U256` and `I256`); what is written out here is only
//! the EVM's rule for each edge (division by zero, shift amounts of 256 and more, byte
//! indices of 32 and more, `SIGNEXTEND` of large `k`).
//!
//! The crate also owns the shim interface both sides read ([`shim`]): the native table, the
//! abort codes and the ABI ↔ Move type mapping.
#![deny(missing_docs)]

pub mod shim;

use alloy_primitives::I256;
pub use alloy_primitives::U256;

/// The EVM opcodes of the operations here (as the Yellow Paper numbers them).
mod opcode {
    pub const ADD: u8 = 0x01;
    pub const MUL: u8 = 0x02;
    pub const SUB: u8 = 0x03;
    pub const DIV: u8 = 0x04;
    pub const SDIV: u8 = 0x05;
    pub const MOD: u8 = 0x06;
    pub const SMOD: u8 = 0x07;
    pub const ADDMOD: u8 = 0x08;
    pub const MULMOD: u8 = 0x09;
    pub const EXP: u8 = 0x0a;
    pub const SIGNEXTEND: u8 = 0x0b;
    pub const LT: u8 = 0x10;
    pub const GT: u8 = 0x11;
    pub const SLT: u8 = 0x12;
    pub const SGT: u8 = 0x13;
    pub const EQ: u8 = 0x14;
    pub const ISZERO: u8 = 0x15;
    pub const AND: u8 = 0x16;
    pub const OR: u8 = 0x17;
    pub const XOR: u8 = 0x18;
    pub const NOT: u8 = 0x19;
    pub const BYTE: u8 = 0x1a;
    pub const SHL: u8 = 0x1b;
    pub const SHR: u8 = 0x1c;
    pub const SAR: u8 = 0x1d;
    pub const CLZ: u8 = 0x1e;
}

/// The result of the EVM operation `opcode` on `operands` (the first is the top of the
/// stack), if `opcode` is one of the pure word operations here and `operands` has as many
/// words as it takes; `None` otherwise. Comparisons give 1 or 0, as the EVM pushes them.
pub fn eval(opcode: u8, operands: &[U256]) -> Option<U256> {
    let word = |b: bool| U256::from(b);
    Some(match (opcode, operands) {
        (opcode::ADD, &[a, b]) => add(a, b),
        (opcode::MUL, &[a, b]) => mul(a, b),
        (opcode::SUB, &[a, b]) => sub(a, b),
        (opcode::DIV, &[a, b]) => div(a, b),
        (opcode::SDIV, &[a, b]) => sdiv(a, b),
        (opcode::MOD, &[a, b]) => rem(a, b),
        (opcode::SMOD, &[a, b]) => smod(a, b),
        (opcode::ADDMOD, &[a, b, n]) => addmod(a, b, n),
        (opcode::MULMOD, &[a, b, n]) => mulmod(a, b, n),
        (opcode::EXP, &[a, b]) => exp(a, b),
        (opcode::SIGNEXTEND, &[k, x]) => signextend(k, x),
        (opcode::LT, &[a, b]) => word(lt(a, b)),
        (opcode::GT, &[a, b]) => word(gt(a, b)),
        (opcode::SLT, &[a, b]) => word(slt(a, b)),
        (opcode::SGT, &[a, b]) => word(sgt(a, b)),
        (opcode::EQ, &[a, b]) => word(eq(a, b)),
        (opcode::ISZERO, &[a]) => word(iszero(a)),
        (opcode::AND, &[a, b]) => and(a, b),
        (opcode::OR, &[a, b]) => or(a, b),
        (opcode::XOR, &[a, b]) => xor(a, b),
        (opcode::NOT, &[a]) => not(a),
        (opcode::BYTE, &[i, x]) => byte(i, x),
        (opcode::SHL, &[shift, x]) => shl(shift, x),
        (opcode::SHR, &[shift, x]) => shr(shift, x),
        (opcode::SAR, &[shift, x]) => sar(shift, x),
        (opcode::CLZ, &[x]) => clz(x),
        _ => return None,
    })
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

/// The number of zero bits above the highest one bit of `x`; 256 for 0 (CLZ, EIP-7939).
pub fn clz(x: U256) -> U256 {
    U256::from(x.leading_zeros())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eval_runs_each_operation_by_opcode_in_the_evms_operand_order() {
        let (two, three) = (U256::from(2), U256::from(3));
        assert_eq!(eval(opcode::SUB, &[three, two]), Some(U256::from(1)));
        assert_eq!(eval(opcode::SHL, &[three, two]), Some(U256::from(16)));
        assert_eq!(eval(opcode::LT, &[two, three]), Some(U256::from(1)));
        assert_eq!(eval(opcode::ISZERO, &[U256::ZERO]), Some(U256::from(1)));
        assert_eq!(eval(opcode::DIV, &[three, U256::ZERO]), Some(U256::ZERO));
    }

    #[test]
    fn eval_knows_only_pure_word_operations_with_their_arity() {
        assert_eq!(eval(0x20, &[U256::ZERO, U256::ZERO]), None, "KECCAK256");
        assert_eq!(eval(opcode::ADD, &[U256::ZERO]), None);
        assert_eq!(eval(opcode::ADDMOD, &[U256::ZERO; 2]), None);
    }
}
