//! Shifts and BYTE by a constant amount (`evmove::arith`'s shl, shr, sar and byte whose
//! first word is a constant: solc's selector extraction, masks and packing) computed in
//! place on the word's `(hi, lo)` halves, exactly as `evmove_word` computes them: a shift of
//! 256 or more gives 0 (all ones for SAR of a negative word), BYTE at an index of 32 or more
//! gives 0. An amount that is not a constant stays a call.

use cranelift_codegen::ir::{types, InstBuilder, Value};
use evmove_runtime::natives::{NativeDecl, Op};
use revm_bytecode::opcode::{BYTE, SAR, SHL, SHR};

use super::Translator;
use crate::types::Scalar;

/// The shift amount standing for every amount of 256 and more.
const TOO_FAR: u32 = 256;

impl Translator<'_, '_> {
    /// Computes `decl` on `args` in place if it is a shift or BYTE by a constant: whether it
    /// did (its result is then on the stack).
    pub(super) fn inline_shift(
        &mut self,
        decl: &'static NativeDecl,
        args: &[(Value, Scalar)],
    ) -> bool {
        let (Op::Arith(_), Some(opcode @ (SHL | SHR | SAR | BYTE))) = (decl.op, decl.row.opcode)
        else {
            return false;
        };
        let &[(amount_hi, _), (amount_lo, _), (hi, _), (lo, _)] = args else {
            return false;
        };
        let (Some(amount_hi), Some(amount_lo)) =
            (self.constant_of(amount_hi), self.constant_of(amount_lo))
        else {
            return false;
        };
        let amount = match amount_hi {
            0 => u32::try_from(amount_lo.min(TOO_FAR.into())).unwrap_or(TOO_FAR),
            _ => TOO_FAR,
        };
        let (hi, lo) = match opcode {
            SHL => self.shift_left((hi, lo), amount),
            SHR => self.shift_right((hi, lo), amount, false),
            SAR => self.shift_right((hi, lo), amount, true),
            _ => self.byte(amount, (hi, lo)),
        };
        self.push_word(hi, lo);
        true
    }

    /// `(hi, lo) << amount`.
    fn shift_left(&mut self, (hi, lo): (Value, Value), amount: u32) -> (Value, Value) {
        match amount {
            0 => (hi, lo),
            TOO_FAR.. => {
                let zero = self.constant(0, Scalar::U128);
                (zero, zero)
            }
            128.. => {
                let hi = self.shift(Shift::Left, lo, amount - 128);
                (hi, self.constant(0, Scalar::U128))
            }
            _ => {
                let high = self.shift(Shift::Left, hi, amount);
                let carried = self.shift(Shift::Logical, lo, 128 - amount);
                let hi = self.builder.ins().bor(high, carried);
                (hi, self.shift(Shift::Left, lo, amount))
            }
        }
    }

    /// `(hi, lo) >> amount`, shifting in copies of the sign bit if `arithmetic`, zeros
    /// otherwise.
    fn shift_right(
        &mut self,
        (hi, lo): (Value, Value),
        amount: u32,
        arithmetic: bool,
    ) -> (Value, Value) {
        if amount == 0 {
            return (hi, lo);
        }
        let (right, fill) = match arithmetic {
            true => (Shift::Arithmetic, self.shift(Shift::Arithmetic, hi, 127)),
            false => (Shift::Logical, self.constant(0, Scalar::U128)),
        };
        match amount {
            TOO_FAR.. => (fill, fill),
            128.. => (fill, self.shift(right, hi, amount - 128)),
            _ => {
                let low = self.shift(Shift::Logical, lo, amount);
                let carried = self.shift(Shift::Left, hi, 128 - amount);
                let lo = self.builder.ins().bor(low, carried);
                (self.shift(right, hi, amount), lo)
            }
        }
    }

    /// Byte `index` of `(hi, lo)` counted from the most significant end.
    fn byte(&mut self, index: u32, word: (Value, Value)) -> (Value, Value) {
        let zero = self.constant(0, Scalar::U128);
        if index >= 32 {
            return (zero, zero);
        }
        let (_, lo) = self.shift_right(word, 8 * (31 - index), false);
        let mask = self.constant(0xff, Scalar::U128);
        (zero, self.builder.ins().band(lo, mask))
    }

    /// One u128 half shifted by `amount` (less than 128).
    fn shift(&mut self, shift: Shift, half: Value, amount: u32) -> Value {
        let amount = self.builder.ins().iconst(types::I64, i64::from(amount));
        let ins = self.builder.ins();
        match shift {
            Shift::Left => ins.ishl(half, amount),
            Shift::Logical => ins.ushr(half, amount),
            Shift::Arithmetic => ins.sshr(half, amount),
        }
    }
}

#[derive(Clone, Copy)]
enum Shift {
    Left,
    Logical,
    Arithmetic,
}
