//! Moves: values onto the operand stack and back into their locals, whichever way they
//! live ([`Location`]: constants, bools, narrow words in one u128, words as u128 pairs,
//! spilled words in a vector).

use move_binary_format::file_format::Bytecode;

use super::emitter::{halves, spilled_index, Emitter, Half};
use crate::{
    ir::Value,
    lower::{
        locals::Location,
        natives::{Native, NativeResult},
        LowerError,
    },
};

impl Emitter<'_> {
    /// Pushes a word: two u128 halves.
    pub(super) fn push_word(&mut self, value: Value) -> Result<(), LowerError> {
        self.push_half(value, Half::Hi)?;
        self.push_half(value, Half::Lo)
    }

    /// Pushes one half of word `value`.
    pub(super) fn push_half(&mut self, value: Value, half: Half) -> Result<(), LowerError> {
        match (self.locations[value.index()], half, self.spill) {
            (_, Half::Hi, _) if self.is_narrow(value) => self.emit(Bytecode::LdU128(0)),
            (Location::Narrow(lo), Half::Lo, _) => self.emit(Bytecode::CopyLoc(lo)),
            (Location::Const(c), Half::Hi, _) => self.emit(Bytecode::LdU128(halves(c).0)),
            (Location::Const(c), Half::Lo, _) => self.emit(Bytecode::LdU128(halves(c).1)),
            (Location::Word { hi, .. }, Half::Hi, _) => self.emit(Bytecode::CopyLoc(hi)),
            (Location::Word { lo, .. }, Half::Lo, _) => self.emit(Bytecode::CopyLoc(lo)),
            (Location::Spilled(slot), half, Some((spill, element))) => {
                self.emit(Bytecode::ImmBorrowLoc(spill));
                self.emit(Bytecode::LdU64(spilled_index(slot, half)));
                self.emit(Bytecode::VecImmBorrow(element));
                self.emit(Bytecode::ReadRef);
            }
            _ => return Err(LowerError::Internal(format!("{value} read as a word"))),
        }
        Ok(())
    }

    /// Pushes whether `value` is zero.
    pub(super) fn push_is_zero(&mut self, value: Value) -> Result<(), LowerError> {
        match self.locations[value.index()] {
            Location::Bool(b) => {
                self.emit(Bytecode::CopyLoc(b));
                self.emit(Bytecode::Not);
            }
            Location::Const(c) => self.emit(if c.is_zero() {
                Bytecode::LdTrue
            } else {
                Bytecode::LdFalse
            }),
            _ if self.is_narrow(value) => {
                self.push_half(value, Half::Lo)?;
                self.emit(Bytecode::LdU128(0));
                self.emit(Bytecode::Eq);
            }
            Location::Word { .. } | Location::Spilled(_) | Location::Narrow(_) => {
                self.push_word(value)?;
                self.emit(Bytecode::BitOr);
                self.emit(Bytecode::LdU128(0));
                self.emit(Bytecode::Eq);
            }
            Location::Dead => return Err(LowerError::Internal(format!("{value} is dead"))),
        }
        Ok(())
    }

    /// Stores the word on top of the stack into `value`'s locals (or drops it).
    pub(super) fn store_word(&mut self, value: Value) {
        match self.locations[value.index()] {
            Location::Word { .. } | Location::Spilled(_) | Location::Narrow(_) => {
                self.store_half(value, Half::Lo);
                self.store_half(value, Half::Hi);
            }
            _ => {
                self.emit(Bytecode::Pop);
                self.emit(Bytecode::Pop);
            }
        }
    }

    /// Stores what `native` gave, on top of the stack, into `value`: a word, a narrow word
    /// (its low half alone) or a bool.
    pub(super) fn store_result(&mut self, native: &Native, value: Value) {
        match native.result {
            NativeResult::Narrow => self.store_lo(value),
            NativeResult::Bool => self.store_bool(value),
            _ => self.store_word(value),
        }
    }

    /// Stores the u128 on top of the stack as one half of word `value`.
    pub(super) fn store_half(&mut self, value: Value, half: Half) {
        match (self.locations[value.index()], half, self.spill) {
            (Location::Word { hi, .. }, Half::Hi, _) => self.emit(Bytecode::StLoc(hi)),
            (Location::Word { lo, .. }, Half::Lo, _) => self.emit(Bytecode::StLoc(lo)),
            (Location::Narrow(lo), Half::Lo, _) => self.emit(Bytecode::StLoc(lo)),
            (Location::Spilled(slot), half, Some((spill, element))) => {
                self.emit(Bytecode::MutBorrowLoc(spill));
                self.emit(Bytecode::LdU64(spilled_index(slot, half)));
                self.emit(Bytecode::VecMutBorrow(element));
                self.emit(Bytecode::WriteRef);
            }
            _ => self.emit(Bytecode::Pop),
        }
    }

    /// Stores the u128 on top of the stack as word `value`, its high half zero.
    pub(super) fn store_lo(&mut self, value: Value) {
        match self.locations[value.index()] {
            Location::Narrow(lo) => self.emit(Bytecode::StLoc(lo)),
            Location::Word { .. } | Location::Spilled(_) => {
                self.store_half(value, Half::Lo);
                self.emit(Bytecode::LdU128(0));
                self.store_half(value, Half::Hi);
            }
            _ => self.emit(Bytecode::Pop),
        }
    }

    /// Stores the `bool` on top of the stack into `value`, widened to a word if it lives
    /// as one.
    pub(super) fn store_bool(&mut self, value: Value) {
        match self.locations[value.index()] {
            Location::Bool(b) => self.emit(Bytecode::StLoc(b)),
            Location::Word { .. } | Location::Spilled(_) | Location::Narrow(_) => {
                let (zero, done) = (self.new_label(), self.new_label());
                // The operand stack is empty at every block's end (a verifier rule).
                self.emit(Bytecode::BrFalse(zero));
                self.emit(Bytecode::LdU128(1));
                self.store_lo(value);
                self.emit(Bytecode::Branch(done));
                self.define_new(zero);
                self.emit(Bytecode::LdU128(0));
                self.store_lo(value);
                self.define_new(done);
            }
            _ => self.emit(Bytecode::Pop),
        }
    }

    /// Whether `value` is proven to fit 128 bits: its high half is zero.
    pub(super) fn is_narrow(&self, value: Value) -> bool {
        self.widths[value.index()] <= 128
    }
}
