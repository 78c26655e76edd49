//! Instruction selection: each IR instruction as a native call, a call of the module's
//! function, or inline Move arithmetic where that is exact and cheaper (bitwise operations,
//! comparisons signed or not, shifts by a constant, u128 arithmetic on values proven
//! narrow, and, in loops, adding or subtracting a small constant: `super::add_constant`).

use alloy_primitives::U256;
use move_binary_format::file_format::Bytecode;
use revm_bytecode::opcode::{self, OpCode};

use super::emitter::{halves, Emitter, Half};
use crate::{
    ir::{Block, InstData, Value},
    lower::{
        locals::Location,
        natives::{native_for, NativeResult},
        LowerError,
    },
};

impl Emitter<'_> {
    /// Emits the instructions of `block` (its terminator apart); whether they halted (a
    /// fused sequence standing for the block's halt too, which is then emitted).
    pub(super) fn instructions(&mut self, block: Block) -> Result<bool, LowerError> {
        let data = self.function.block(block);
        let insts = &data.insts;
        let in_loop = self
            .layout
            .enclosing(self.position[&block])
            .next()
            .is_some();
        let mut i = 0;
        while let Some(inst) = insts.get(i) {
            if let Some(sequence) = self.fused(&insts[i..], data.terminator.as_ref()) {
                self.emit_fused(&sequence)?;
                if sequence.halts() {
                    return Ok(true);
                }
                i += sequence.len;
                continue;
            }
            i += 1;
            match &inst.data {
                InstData::Const(_) => {}
                InstData::Op { op, args } if op.get() == opcode::ISZERO => {
                    self.push_is_zero(args[0])?;
                    self.store_bool(inst.results[0]);
                }
                InstData::Op { op, args } if self.inline(*op, args, &inst.results)? => {}
                InstData::Op { op, args }
                    if in_loop && self.add_constant(*op, args, &inst.results)? => {}
                InstData::Op { op, args } => {
                    for &arg in args {
                        self.push_word(arg)?;
                    }
                    let native =
                        native_for(*op).ok_or_else(|| LowerError::Unsupported(op.to_string()))?;
                    self.call_native(native);
                    match (native.result, inst.results.first()) {
                        (NativeResult::Nothing, None) => {}
                        (
                            NativeResult::Word | NativeResult::Narrow | NativeResult::Bool,
                            Some(&r),
                        ) => self.store_result(native, r),
                        _ => {
                            return Err(LowerError::Internal(format!(
                                "{op} has results the native does not give"
                            )))
                        }
                    }
                }
                InstData::Call { func, args, base } => {
                    for &arg in args {
                        self.push_word(arg)?;
                    }
                    if self.callees.borrows_stack(*func) {
                        self.pass_stack()?;
                    }
                    if let Some(above) = base {
                        self.push_base(*above);
                    }
                    self.emit(Bytecode::Call(self.callees.function(*func)));
                    for &r in inst.results.iter().rev() {
                        self.store_word(r);
                    }
                }
                InstData::Gas(gas) => {
                    let terminator = data.terminator.as_ref().ok_or_else(|| {
                        LowerError::Internal(format!("{block} has no terminator"))
                    })?;
                    self.charge(*gas, self.position[&block], &insts[i..], terminator)
                }
                InstData::GasExp(exponent) => self.charge_exp(*exponent)?,
                InstData::StackPush(values) => self.stack_push(values)?,
                InstData::StackPop => self.stack_pop(&inst.results)?,
                InstData::StackCheck { needs, grows } => self.stack_check(*needs, *grows)?,
            }
        }
        Ok(false)
    }

    /// Emits `op` as Move arithmetic on the halves where that is exact and cheaper than a
    /// native call (bitwise operations, equality, unsigned and signed order, shifts by a
    /// constant); whether it did.
    pub(super) fn inline(
        &mut self,
        op: OpCode,
        args: &[Value],
        results: &[Value],
    ) -> Result<bool, LowerError> {
        use Half::{Hi, Lo};
        let [result] = results else { return Ok(false) };
        if self.inline_narrow(op, args, *result)? {
            return Ok(true);
        }
        let bitwise = match op.get() {
            opcode::AND => Some(Bytecode::BitAnd),
            opcode::OR => Some(Bytecode::BitOr),
            opcode::XOR => Some(Bytecode::Xor),
            _ => None,
        };
        match (op.get(), args) {
            (_, &[a, b]) if bitwise.is_some() => {
                let instr = bitwise.expect("matched");
                for half in [Hi, Lo] {
                    self.push_bitwise_half(instr.clone(), a, b, half)?;
                }
                self.store_word(*result);
            }
            (opcode::NOT, &[a]) => {
                for half in [Hi, Lo] {
                    self.push_half(a, half)?;
                    self.emit(Bytecode::LdU128(u128::MAX));
                    self.emit(Bytecode::Xor);
                }
                self.store_word(*result);
            }
            (opcode::EQ, &[a, b]) => {
                for half in [Hi, Lo] {
                    self.push_half(a, half)?;
                    self.push_half(b, half)?;
                    self.emit(Bytecode::Eq);
                }
                self.emit(Bytecode::And);
                self.store_bool(*result);
            }
            (opcode::SLT, &[a, b]) | (opcode::SGT, &[b, a]) => {
                self.push_less_than(a, b, Order::Signed)?;
                self.store_bool(*result);
            }
            (opcode::LT, &[a, b]) | (opcode::GT, &[b, a]) => {
                self.push_less_than(a, b, Order::Unsigned)?;
                self.store_bool(*result);
            }
            (opcode::SHL | opcode::SHR, &[shift, value]) => {
                let Location::Const(shift) = self.locations[shift.index()] else {
                    return Ok(false);
                };
                self.shift_by_constant(op.get() == opcode::SHL, shift, value)?;
                self.store_word(*result);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Pushes one half of `a instr b` (AND, OR or XOR), without the operation where one
    /// operand's half is a constant that decides it: AND with all ones, OR or XOR with zero
    /// is the other half; AND with zero is zero, OR with all ones is all ones (solc masks
    /// addresses with `2^160 - 1`, whose low half is all ones).
    fn push_bitwise_half(
        &mut self,
        instr: Bytecode,
        a: Value,
        b: Value,
        half: Half,
    ) -> Result<(), LowerError> {
        let (known, other) = match (self.constant_half(a, half), self.constant_half(b, half)) {
            (Some(known), None) => (known, b),
            (None, Some(known)) => (known, a),
            _ => {
                self.push_half(a, half)?;
                self.push_half(b, half)?;
                self.emit(instr);
                return Ok(());
            }
        };
        match (instr, known) {
            (Bytecode::BitAnd, u128::MAX) | (Bytecode::BitOr | Bytecode::Xor, 0) => {
                self.push_half(other, half)?
            }
            (Bytecode::BitAnd, 0) | (Bytecode::BitOr, u128::MAX) => {
                self.emit(Bytecode::LdU128(known))
            }
            (instr, known) => {
                self.push_half(other, half)?;
                self.emit(Bytecode::LdU128(known));
                self.emit(instr);
            }
        }
        Ok(())
    }

    /// Pushes `a < b` on the halves: by the high halves, or equal high halves and by the low
    /// ones. Signed order is unsigned order with the high halves' sign bits flipped. Where
    /// `a`'s (flipped) high half is a constant all ones or `b`'s zero, the high halves alone
    /// never say less (solc's check that `x + 1` wraps tests `x > 2^256 - 2`); where `a`'s
    /// low half is a constant all ones or `b`'s zero, the low halves never do (an address
    /// check `x < 2^160`): the comparison leaves those out.
    fn push_less_than(&mut self, a: Value, b: Value, order: Order) -> Result<(), LowerError> {
        let never = |this: &Self, half: Half| {
            let known = |v: Value| match half {
                Half::Hi => this.ordered_hi(v, order),
                Half::Lo => this.constant_half(v, Half::Lo),
            };
            known(a) == Some(u128::MAX) || known(b) == Some(0)
        };
        // `a.hi < b.hi`, `||`, `a.hi == b.hi && a.lo < b.lo`, each unless it is never true.
        let (hi_less, lo_decides) = (!never(self, Half::Hi), !never(self, Half::Lo));
        if hi_less {
            for value in [a, b] {
                match order {
                    Order::Signed => self.push_sign_flipped_hi(value)?,
                    Order::Unsigned => self.push_half(value, Half::Hi)?,
                }
            }
            self.emit(Bytecode::Lt);
        }
        if lo_decides {
            self.push_half(a, Half::Hi)?;
            self.push_half(b, Half::Hi)?;
            self.emit(Bytecode::Eq);
            self.push_half(a, Half::Lo)?;
            self.push_half(b, Half::Lo)?;
            self.emit(Bytecode::Lt);
            self.emit(Bytecode::And);
        }
        match (hi_less, lo_decides) {
            (true, true) => self.emit(Bytecode::Or),
            (false, false) => self.emit(Bytecode::LdFalse),
            _ => {}
        }
        Ok(())
    }

    /// The `half` of `value` if `value` is a constant.
    fn constant_half(&self, value: Value, half: Half) -> Option<u128> {
        let Location::Const(c) = self.locations[value.index()] else {
            return None;
        };
        Some(match half {
            Half::Hi => halves(c).0,
            Half::Lo => halves(c).1,
        })
    }

    /// The high half of `value` as `order` compares it (its sign bit flipped for signed
    /// order), where it is known: a constant's, or a narrow value's zero.
    fn ordered_hi(&self, value: Value, order: Order) -> Option<u128> {
        let hi = match self.locations[value.index()] {
            Location::Const(c) => halves(c).0,
            _ if self.is_narrow(value) => 0,
            _ => return None,
        };
        Some(match order {
            Order::Signed => hi ^ (1 << 127),
            Order::Unsigned => hi,
        })
    }

    /// Pushes the high half of `value` with its sign bit flipped, folded where that half is
    /// known.
    fn push_sign_flipped_hi(&mut self, value: Value) -> Result<(), LowerError> {
        const SIGN: u128 = 1 << 127;
        match self.locations[value.index()] {
            Location::Const(c) => self.emit(Bytecode::LdU128(halves(c).0 ^ SIGN)),
            _ if self.is_narrow(value) => self.emit(Bytecode::LdU128(SIGN)),
            _ => {
                self.push_half(value, Half::Hi)?;
                self.emit(Bytecode::LdU128(SIGN));
                self.emit(Bytecode::Xor);
            }
        }
        Ok(())
    }

    /// Emits `op` as Move arithmetic on the low halves where [`super::ranges`] proves that
    /// equals the 256-bit operation: a result that fits 128 bits (so an addition or
    /// multiplication cannot overflow u128), or a comparison of operands that do; whether
    /// it did.
    pub(super) fn inline_narrow(
        &mut self,
        op: OpCode,
        args: &[Value],
        result: Value,
    ) -> Result<bool, LowerError> {
        let narrow_args = args.iter().all(|&a| self.is_narrow(a));
        let constant = |v: Value| match self.locations[v.index()] {
            Location::Const(c) => Some(c),
            _ => None,
        };
        // A constant shift amount Move's u128 shifts take, or a constant non-zero divisor.
        let small_shift = |v: Value| constant(v).filter(|s| *s < U256::from(128));
        let divisor = |v: Value| constant(v).filter(|d| !d.is_zero());
        let (instr, shift, test) = match (op.get(), args) {
            (opcode::ADD, &[_, _]) if self.is_narrow(result) => (Bytecode::Add, None, false),
            (opcode::MUL, &[_, _]) if self.is_narrow(result) => (Bytecode::Mul, None, false),
            (opcode::AND, _) if self.is_narrow(result) => (Bytecode::BitAnd, None, false),
            (opcode::OR, _) if narrow_args => (Bytecode::BitOr, None, false),
            (opcode::XOR, _) if narrow_args => (Bytecode::Xor, None, false),
            (opcode::DIV, &[_, d]) if narrow_args && divisor(d).is_some() => {
                (Bytecode::Div, None, false)
            }
            (opcode::MOD, &[_, d]) if narrow_args && divisor(d).is_some() => {
                (Bytecode::Mod, None, false)
            }
            (opcode::SHL, &[s, _]) if self.is_narrow(result) && small_shift(s).is_some() => {
                (Bytecode::Shl, small_shift(s), false)
            }
            (opcode::SHR, &[s, v]) if self.is_narrow(v) && small_shift(s).is_some() => {
                (Bytecode::Shr, small_shift(s), false)
            }
            (opcode::EQ, _) if narrow_args => (Bytecode::Eq, None, true),
            (opcode::LT, _) if narrow_args => (Bytecode::Lt, None, true),
            (opcode::GT, _) if narrow_args => (Bytecode::Gt, None, true),
            _ => return Ok(false),
        };
        match shift {
            Some(amount) => {
                self.push_half(args[1], Half::Lo)?;
                self.emit(Bytecode::LdU8(amount.to::<u8>()));
            }
            None => {
                for &a in args {
                    self.push_half(a, Half::Lo)?;
                }
            }
        }
        self.emit(instr);
        if test {
            self.store_bool(result);
        } else {
            self.store_lo(result);
        }
        Ok(true)
    }

    /// Pushes the halves of `value << shift` (`left`) or `value >> shift`, high half first.
    /// Move's shifts take amounts below 128 and drop the bits shifted out.
    pub(super) fn shift_by_constant(
        &mut self,
        left: bool,
        shift: U256,
        value: Value,
    ) -> Result<(), LowerError> {
        use Half::{Hi, Lo};
        let s = if shift >= U256::from(256) {
            256
        } else {
            shift.to::<u32>()
        };
        // One half shifted by `amount` (1..=127) in direction `left`, or as it is (0).
        let part = |this: &mut Self, half: Half, left: bool, amount: u32| {
            this.push_half(value, half)?;
            if amount > 0 {
                this.emit(Bytecode::LdU8(amount as u8));
                this.emit(if left { Bytecode::Shl } else { Bytecode::Shr });
            }
            Ok::<(), LowerError>(())
        };
        let zero = |this: &mut Self| this.emit(Bytecode::LdU128(0));
        match (left, s) {
            (_, 0) => {
                part(self, Hi, left, 0)?;
                part(self, Lo, left, 0)?;
            }
            (true, 1..=127) => {
                part(self, Hi, true, s)?;
                part(self, Lo, false, 128 - s)?;
                self.emit(Bytecode::BitOr);
                part(self, Lo, true, s)?;
            }
            (false, 1..=127) => {
                part(self, Hi, false, s)?;
                part(self, Lo, false, s)?;
                part(self, Hi, true, 128 - s)?;
                self.emit(Bytecode::BitOr);
            }
            (true, 128..=255) => {
                part(self, Lo, true, s - 128)?;
                zero(self);
            }
            (false, 128..=255) => {
                zero(self);
                part(self, Hi, false, s - 128)?;
            }
            _ => {
                zero(self);
                zero(self);
            }
        }
        Ok(())
    }
}

/// How [`Emitter::push_less_than`] orders words.
#[derive(Clone, Copy)]
enum Order {
    Signed,
    Unsigned,
}
