//! The operand stack at compile time, locals, constants, and values moved between their
//! width and a 16-byte slot.

use cranelift_codegen::ir::{
    types, InstBuilder, InstructionData, Opcode, StackSlot, StackSlotData, StackSlotKind, Value,
    ValueDef,
};

use super::{not_compilable, Item, Local, Translator};
use crate::{types::Scalar, NotCompilable};

impl Translator<'_, '_> {
    pub(super) fn slot(&mut self, size: u32) -> StackSlot {
        // 16-byte aligned: the slots hold u128 that Rust reads by reference.
        (self.builder).create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            size,
            4,
        ))
    }

    pub(super) fn local(&self, index: u8) -> Result<Local, NotCompilable> {
        (self.locals.get(index as usize).copied()).ok_or_else(|| not_compilable("no such local"))
    }

    pub(super) fn pop(&mut self) -> Result<Item, NotCompilable> {
        self.stack
            .pop()
            .ok_or_else(|| not_compilable("an empty operand stack"))
    }

    pub(super) fn pop_scalar(&mut self) -> Result<(Value, Scalar), NotCompilable> {
        match self.pop()? {
            Item::Value(value, scalar) => Ok((value, scalar)),
            _ => Err(not_compilable("a reference where a value was expected")),
        }
    }

    pub(super) fn push_constant(&mut self, value: u128, scalar: Scalar) {
        let value = self.constant(value, scalar);
        self.stack.push(Item::Value(value, scalar));
    }

    pub(super) fn constant(&mut self, value: u128, scalar: Scalar) -> Value {
        let ins = self.builder.ins();
        match scalar {
            Scalar::U128 => {
                let lo = ins.iconst(types::I64, value as u64 as i64);
                let hi = self
                    .builder
                    .ins()
                    .iconst(types::I64, (value >> 64) as u64 as i64);
                self.builder.ins().iconcat(lo, hi)
            }
            other => ins.iconst(other.clif(), value as u64 as i64),
        }
    }

    /// `value` zero-extended to a u128 slot.
    pub(super) fn widen(&mut self, value: Value, scalar: Scalar) -> Value {
        match scalar {
            Scalar::U128 => value,
            _ => self.builder.ins().uextend(types::I128, value),
        }
    }

    pub(super) fn widen_to(&mut self, value: Value, to: types::Type) -> Value {
        match self.builder.func.dfg.value_type(value) == to {
            true => value,
            false => self.builder.ins().uextend(to, value),
        }
    }

    /// A u128 slot's value as `scalar` (the slot holds a value of that type).
    pub(super) fn narrow(&mut self, wide: Value, scalar: Scalar) -> Value {
        match self.builder.func.dfg.value_type(wide) == scalar.clif() {
            true => wide,
            false => self.builder.ins().ireduce(scalar.clif(), wide),
        }
    }

    /// The value of `value` if constants define it: an integer constant, or a u128 made of
    /// two (as [`Self::constant`] makes them).
    pub(super) fn constant_of(&self, value: Value) -> Option<u128> {
        let dfg = &self.builder.func.dfg;
        let ValueDef::Result(inst, _) = dfg.value_def(value) else {
            return None;
        };
        match dfg.insts[inst] {
            InstructionData::UnaryImm {
                opcode: Opcode::Iconst,
                imm,
            } => Some(u128::from(imm.bits() as u64)),
            InstructionData::Binary {
                opcode: Opcode::Iconcat,
                args: [lo, hi],
            } => Some(self.constant_of(lo)? | self.constant_of(hi)? << 64),
            _ => None,
        }
    }
}
