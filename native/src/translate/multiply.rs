//! `evmove::arith::mul` computed in place: the EVM's MUL (the product modulo 2^256) on the
//! words' `(hi, lo)` u128 halves, as `evmove_word::mul` (ruint's `wrapping_mul`) computes
//! it. With `a = a_hi·2^128 + a_lo` and `b` alike, the product modulo 2^256 is
//! `a_lo·b_lo + (a_lo·b_hi + a_hi·b_lo)·2^128`: its low half is the low half of `a_lo·b_lo`,
//! its high half the high half of `a_lo·b_lo` plus the two cross products, each modulo
//! 2^128. The one full 128 × 128-bit product is made of four 64 × 64-bit ones (`imul` and
//! `umulhi`), which every target has. mulDiv's Newton steps are a dozen MULs: without a
//! call each is a few dozen instructions rather than a call through the argument areas.

use cranelift_codegen::ir::{types, InstBuilder, Value};

use super::Translator;

impl Translator<'_, '_> {
    /// `a · b` modulo 2^256, on halves.
    pub(super) fn multiply(
        &mut self,
        (a_hi, a_lo): (Value, Value),
        (b_hi, b_lo): (Value, Value),
    ) -> (Value, Value) {
        let (low_hi, lo) = self.full_product(a_lo, b_lo);
        let ins = self.builder.ins();
        let cross = ins.imul(a_lo, b_hi);
        let cross = self.builder.ins().iadd(low_hi, cross);
        let other = self.builder.ins().imul(a_hi, b_lo);
        (self.builder.ins().iadd(cross, other), lo)
    }

    /// The full 256-bit product of two u128 values, as `(high half, low half)`: with
    /// `x = x1·2^64 + x0` and `y` alike, `x·y = x1y1·2^128 + (x1y0 + x0y1)·2^64 + x0y0`;
    /// the middle limb `hi(x0y0) + lo(x0y1) + lo(x1y0)` (less than 2^66, so an i128 holds
    /// it) carries into the high half.
    fn full_product(&mut self, x: Value, y: Value) -> (Value, Value) {
        let ins = self.builder.ins();
        let (x0, x1) = ins.isplit(x);
        let (y0, y1) = self.builder.ins().isplit(y);
        let (p00_lo, p00_hi) = self.product64(x0, y0);
        let (p01_lo, p01_hi) = self.product64(x0, y1);
        let (p10_lo, p10_hi) = self.product64(x1, y0);
        let (p11_lo, p11_hi) = self.product64(x1, y1);
        let wide =
            |translator: &mut Self, half| translator.builder.ins().uextend(types::I128, half);
        let (a, b, c) = (wide(self, p00_hi), wide(self, p01_lo), wide(self, p10_lo));
        let middle = self.builder.ins().iadd(a, b);
        let middle = self.builder.ins().iadd(middle, c);
        let middle_lo = self.builder.ins().ireduce(types::I64, middle);
        let lo = self.builder.ins().iconcat(p00_lo, middle_lo);
        let carry = self.builder.ins().ushr_imm_u(middle, 64);
        let hi = self.builder.ins().iconcat(p11_lo, p11_hi);
        let (d, e) = (wide(self, p01_hi), wide(self, p10_hi));
        let hi = self.builder.ins().iadd(hi, d);
        let hi = self.builder.ins().iadd(hi, e);
        (self.builder.ins().iadd(hi, carry), lo)
    }

    /// The full 128-bit product of two u64 values, as `(low, high)` i64 halves.
    fn product64(&mut self, x: Value, y: Value) -> (Value, Value) {
        let lo = self.builder.ins().imul(x, y);
        (lo, self.builder.ins().umulhi(x, y))
    }
}
