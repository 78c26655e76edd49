//! The stack base of a function in or above a recursion ([`StackBase`]): a `u64` parameter
//! after its words (and after universal form's borrowed stack, which no such function has),
//! checked on entry, and passed on, plus the items below the callee's frame, to each callee
//! that takes one.

use evmove_word::shim::EVM_STACK_LIMIT;
use move_binary_format::file_format::Bytecode;

use super::emitter::Emitter;
use crate::{ir::StackBase, lower::AbortCode};

impl Emitter<'_> {
    /// On entry: fails the speculation if the frame could grow the stack past its limit
    /// from its base (`base > 1024 - peak`). A frame of no items cannot: its caller's
    /// check covered the items below it.
    pub(super) fn check_base(&mut self, StackBase { peak }: StackBase) {
        let Some(local) = self.base_local else {
            return;
        };
        if peak == 0 {
            return;
        }
        self.emit(Bytecode::CopyLoc(local));
        self.emit(Bytecode::LdU64(
            (EVM_STACK_LIMIT as u64).saturating_sub(peak as u64),
        ));
        self.emit(Bytecode::Gt);
        let fine = self.new_label();
        self.emit(Bytecode::BrFalse(fine));
        self.abort(AbortCode::SpeculationFailed);
        self.define_new(fine);
    }

    /// Pushes the stack base of a callee whose frame starts `above` items above this
    /// function's base (zero in a function without one: `fn0`'s frame starts the stack).
    pub(super) fn push_base(&mut self, above: usize) {
        let above = above as u64;
        match self.base_local {
            Some(local) => {
                self.emit(Bytecode::CopyLoc(local));
                if above > 0 {
                    self.emit(Bytecode::LdU64(above));
                    self.emit(Bytecode::Add);
                }
            }
            None => self.emit(Bytecode::LdU64(above)),
        }
    }
}
