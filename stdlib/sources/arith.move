/// EVM arithmetic, comparison and bitwise operations on 256-bit words, as natives of the
/// runtime (`runtime-shim/src/natives/arith.rs`), with exact EVM semantics.
///
/// Shape (measured; see `u256.move`): a word travels as two u128 halves, `x_hi` then `x_lo`
/// (`x = x_hi * 2^128 + x_lo`), and a word result comes back as `(hi, lo)`. Operands are in
/// the EVM's order: the first operand is the top of the EVM stack (`sub(a, b) = a - b`,
/// `shl(shift, value)`). Comparisons return `bool`; the lowering widens to a word where the
/// EVM needs one. Signed operations read words as two's complement.
module evmove::arith {
    // ---- Arithmetic ----

    /// `a + b` mod 2^256 (ADD).
    public native fun add(a_hi: u128, a_lo: u128, b_hi: u128, b_lo: u128): (u128, u128);

    /// `a - b` mod 2^256 (SUB).
    public native fun sub(a_hi: u128, a_lo: u128, b_hi: u128, b_lo: u128): (u128, u128);

    /// `a * b` mod 2^256 (MUL).
    public native fun mul(a_hi: u128, a_lo: u128, b_hi: u128, b_lo: u128): (u128, u128);

    /// `a / b` rounded down, 0 if `b` is 0 (DIV).
    public native fun div(a_hi: u128, a_lo: u128, b_hi: u128, b_lo: u128): (u128, u128);

    /// Signed `a / b` rounded towards zero, 0 if `b` is 0, `MIN / -1 = MIN` (SDIV).
    public native fun sdiv(a_hi: u128, a_lo: u128, b_hi: u128, b_lo: u128): (u128, u128);

    /// `a mod b`, 0 if `b` is 0 (MOD).
    public native fun mod(a_hi: u128, a_lo: u128, b_hi: u128, b_lo: u128): (u128, u128);

    /// Signed `a mod b` with the sign of `a`, 0 if `b` is 0 (SMOD).
    public native fun smod(a_hi: u128, a_lo: u128, b_hi: u128, b_lo: u128): (u128, u128);

    /// `(a + b) mod n` without wrapping the sum at 2^256, 0 if `n` is 0 (ADDMOD).
    public native fun addmod(
        a_hi: u128, a_lo: u128, b_hi: u128, b_lo: u128, n_hi: u128, n_lo: u128
    ): (u128, u128);

    /// `(a * b) mod n` over the full 512-bit product, 0 if `n` is 0 (MULMOD).
    public native fun mulmod(
        a_hi: u128, a_lo: u128, b_hi: u128, b_lo: u128, n_hi: u128, n_lo: u128
    ): (u128, u128);

    /// `base ^ exponent` mod 2^256 (EXP).
    public native fun exp(
        base_hi: u128, base_lo: u128, exponent_hi: u128, exponent_lo: u128
    ): (u128, u128);

    /// `x` sign-extended from its lowest `k + 1` bytes; `x` itself if `k >= 31` (SIGNEXTEND).
    public native fun signextend(k_hi: u128, k_lo: u128, x_hi: u128, x_lo: u128): (u128, u128);

    // ---- Comparison ----

    /// Whether `a < b`, unsigned (LT).
    public native fun lt(a_hi: u128, a_lo: u128, b_hi: u128, b_lo: u128): bool;

    /// Whether `a > b`, unsigned (GT).
    public native fun gt(a_hi: u128, a_lo: u128, b_hi: u128, b_lo: u128): bool;

    /// Whether `a < b`, signed (SLT).
    public native fun slt(a_hi: u128, a_lo: u128, b_hi: u128, b_lo: u128): bool;

    /// Whether `a > b`, signed (SGT).
    public native fun sgt(a_hi: u128, a_lo: u128, b_hi: u128, b_lo: u128): bool;

    /// Whether `a == b` (EQ).
    public native fun eq(a_hi: u128, a_lo: u128, b_hi: u128, b_lo: u128): bool;

    /// Whether `a` is 0 (ISZERO).
    public native fun iszero(a_hi: u128, a_lo: u128): bool;

    // ---- Bitwise ----

    /// Bitwise `a & b` (AND).
    public native fun and(a_hi: u128, a_lo: u128, b_hi: u128, b_lo: u128): (u128, u128);

    /// Bitwise `a | b` (OR).
    public native fun or(a_hi: u128, a_lo: u128, b_hi: u128, b_lo: u128): (u128, u128);

    /// Bitwise `a ^ b` (XOR).
    public native fun xor(a_hi: u128, a_lo: u128, b_hi: u128, b_lo: u128): (u128, u128);

    /// Bitwise complement of `a` (NOT).
    public native fun not(a_hi: u128, a_lo: u128): (u128, u128);

    /// Byte `i` of `x`, counting from the most significant byte; 0 if `i >= 32` (BYTE).
    public native fun byte(i_hi: u128, i_lo: u128, x_hi: u128, x_lo: u128): (u128, u128);

    /// `value << shift`, 0 if `shift >= 256` (SHL).
    public native fun shl(
        shift_hi: u128, shift_lo: u128, value_hi: u128, value_lo: u128
    ): (u128, u128);

    /// `value >> shift`, logical, 0 if `shift >= 256` (SHR).
    public native fun shr(
        shift_hi: u128, shift_lo: u128, value_hi: u128, value_lo: u128
    ): (u128, u128);

    /// `value >> shift`, arithmetic (copies of the sign bit shift in); for `shift >= 256`,
    /// all ones if `value` is negative and 0 otherwise (SAR).
    public native fun sar(
        shift_hi: u128, shift_lo: u128, value_hi: u128, value_lo: u128
    ): (u128, u128);

    /// The number of zero bits above the highest one bit of `x`; 256 for 0 (CLZ).
    public native fun clz(x_hi: u128, x_lo: u128): (u128, u128);
}
