//! The word natives cheap enough to compute in place (`evmove::arith`'s add, sub, mul,
//! comparisons, bitwise operations, `iszero`): a word is its `(hi, lo)` u128 halves, as the
//! natives take and return it, and the operations are the EVM's, exactly as
//! `evmove_word` computes them (add and sub wrap modulo 2^256, the carry found by comparing
//! the low half's sum with an operand; signed comparisons compare the high halves signed;
//! mul in `multiply.rs`). Division, remainders, exponentiation, shifts by an amount not
//! known (`shifts.rs` has the known ones) and the rest stay calls.

use cranelift_codegen::ir::{condcodes::IntCC, types, InstBuilder, Value};
use evmove_runtime::natives::{NativeDecl, Op};
use revm_bytecode::opcode::{ADD, AND, EQ, GT, ISZERO, LT, MUL, NOT, OR, SGT, SLT, SUB, XOR};

use super::{Item, Translator};
use crate::types::Scalar;

impl Translator<'_, '_> {
    /// Computes `decl` on `args` in place if it is one of this file's: whether it did (its
    /// result is then on the stack).
    pub(super) fn inline_word(
        &mut self,
        decl: &'static NativeDecl,
        args: &[(Value, Scalar)],
    ) -> bool {
        let (Op::Arith(_), Some(opcode)) = (decl.op, decl.row.opcode) else {
            return false;
        };
        let halves: Vec<Value> = args.iter().map(|(value, _)| *value).collect();
        match (opcode, &halves[..]) {
            (ADD | SUB | AND | OR | XOR, &[a_hi, a_lo, b_hi, b_lo]) => {
                let (hi, lo) = self.binary(opcode, (a_hi, a_lo), (b_hi, b_lo));
                self.push_word(hi, lo);
            }
            (MUL, &[a_hi, a_lo, b_hi, b_lo]) => {
                let (hi, lo) = self.multiply((a_hi, a_lo), (b_hi, b_lo));
                self.push_word(hi, lo);
            }
            (NOT, &[hi, lo]) => {
                let (hi, lo) = (self.builder.ins().bnot(hi), self.builder.ins().bnot(lo));
                self.push_word(hi, lo);
            }
            (LT | GT | SLT | SGT, &[a_hi, a_lo, b_hi, b_lo]) => {
                // a > b is b < a.
                let (a, b) = match opcode {
                    LT | SLT => ((a_hi, a_lo), (b_hi, b_lo)),
                    _ => ((b_hi, b_lo), (a_hi, a_lo)),
                };
                let signed = matches!(opcode, SLT | SGT);
                let less = self.less(a, b, signed);
                self.stack.push(Item::Value(less, Scalar::Bool));
            }
            (EQ, &[a_hi, a_lo, b_hi, b_lo]) => {
                let ins = self.builder.ins();
                let (hi, lo) = (ins.bxor(a_hi, b_hi), self.builder.ins().bxor(a_lo, b_lo));
                let zero = self.is_zero(hi, lo);
                self.stack.push(Item::Value(zero, Scalar::Bool));
            }
            (ISZERO, &[hi, lo]) => {
                let zero = self.is_zero(hi, lo);
                self.stack.push(Item::Value(zero, Scalar::Bool));
            }
            _ => return false,
        }
        true
    }

    fn binary(
        &mut self,
        opcode: u8,
        (a_hi, a_lo): (Value, Value),
        (b_hi, b_lo): (Value, Value),
    ) -> (Value, Value) {
        let ins = self.builder.ins();
        match opcode {
            ADD => {
                let lo = ins.iadd(a_lo, b_lo);
                let carry = self.builder.ins().icmp(IntCC::UnsignedLessThan, lo, a_lo);
                let carry = self.builder.ins().uextend(types::I128, carry);
                let hi = self.builder.ins().iadd(a_hi, b_hi);
                (self.builder.ins().iadd(hi, carry), lo)
            }
            SUB => {
                let lo = ins.isub(a_lo, b_lo);
                let borrow = (self.builder.ins()).icmp(IntCC::UnsignedLessThan, a_lo, b_lo);
                let borrow = self.builder.ins().uextend(types::I128, borrow);
                let hi = self.builder.ins().isub(a_hi, b_hi);
                (self.builder.ins().isub(hi, borrow), lo)
            }
            AND => (ins.band(a_hi, b_hi), self.builder.ins().band(a_lo, b_lo)),
            OR => (ins.bor(a_hi, b_hi), self.builder.ins().bor(a_lo, b_lo)),
            _ => (ins.bxor(a_hi, b_hi), self.builder.ins().bxor(a_lo, b_lo)),
        }
    }

    /// a < b: the high halves decide (signed for SLT/SGT), and the low ones when they tie.
    fn less(
        &mut self,
        (a_hi, a_lo): (Value, Value),
        (b_hi, b_lo): (Value, Value),
        signed: bool,
    ) -> Value {
        let high = match signed {
            true => IntCC::SignedLessThan,
            false => IntCC::UnsignedLessThan,
        };
        let ins = self.builder.ins();
        let high_less = ins.icmp(high, a_hi, b_hi);
        let tie = self.builder.ins().icmp(IntCC::Equal, a_hi, b_hi);
        let low_less = (self.builder.ins()).icmp(IntCC::UnsignedLessThan, a_lo, b_lo);
        let tie_less = self.builder.ins().band(tie, low_less);
        self.builder.ins().bor(high_less, tie_less)
    }

    fn is_zero(&mut self, hi: Value, lo: Value) -> Value {
        let either = self.builder.ins().bor(hi, lo);
        let zero = self.constant(0, Scalar::U128);
        self.builder.ins().icmp(IntCC::Equal, either, zero)
    }

    pub(super) fn push_word(&mut self, hi: Value, lo: Value) {
        self.stack.push(Item::Value(hi, Scalar::U128));
        self.stack.push(Item::Value(lo, Scalar::U128));
    }
}
