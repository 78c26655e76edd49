//! Universal form's EVM stack (`stack.push`, `stack.pop`, `stack.check`): a `vector<u128>`
//! holding each word as its high half then its low half, bottom of the stack first. The
//! module's entry owns it as a local, created empty in the prologue; a function it calls
//! (a part of a split function) borrows it as a `&mut vector<u128>` parameter after its
//! words.

use move_binary_format::file_format::{Bytecode, SignatureIndex};

use super::emitter::{Emitter, EvmStack, Half};
use crate::{
    ir::Value,
    lower::{AbortCode, LowerError},
};

/// How many items the EVM stack holds at most.
pub(super) const STACK_LIMIT: u64 = 1024;

impl Emitter<'_> {
    /// Pushes `values`, bottom first.
    pub(super) fn stack_push(&mut self, values: &[Value]) -> Result<(), LowerError> {
        for &value in values {
            for half in [Half::Hi, Half::Lo] {
                let element = self.stack_ref(true)?;
                self.push_half(value, half)?;
                self.emit(Bytecode::VecPushBack(element));
            }
        }
        Ok(())
    }

    /// Pops into `results`, top first.
    pub(super) fn stack_pop(&mut self, results: &[Value]) -> Result<(), LowerError> {
        for &result in results {
            for half in [Half::Lo, Half::Hi] {
                let element = self.stack_ref(true)?;
                self.emit(Bytecode::VecPopBack(element));
                self.store_half(result, half);
            }
        }
        Ok(())
    }

    /// Halts with stack underflow if the stack holds fewer than `needs` items, else with
    /// stack overflow if `grows` more would exceed the limit.
    pub(super) fn stack_check(&mut self, needs: usize, grows: usize) -> Result<(), LowerError> {
        let elements = |items: usize| 2 * items as u64;
        if needs > 0 {
            self.halt_if_length(Bytecode::Lt, 0, elements(needs), AbortCode::StackUnderflow)?;
        }
        if grows > 0 {
            let limit = elements(STACK_LIMIT as usize);
            self.halt_if_length(
                Bytecode::Gt,
                elements(grows),
                limit,
                AbortCode::StackOverflow,
            )?;
        }
        Ok(())
    }

    /// Aborts with `code` if the stack's length (in elements) plus `plus` compares to
    /// `bound` by `compare`.
    fn halt_if_length(
        &mut self,
        compare: Bytecode,
        plus: u64,
        bound: u64,
        code: AbortCode,
    ) -> Result<(), LowerError> {
        let element = self.stack_ref(false)?;
        self.emit(Bytecode::VecLen(element));
        if plus > 0 {
            self.emit(Bytecode::LdU64(plus));
            self.emit(Bytecode::Add);
        }
        self.emit(Bytecode::LdU64(bound));
        self.emit(compare);
        let fine = self.new_label();
        self.emit(Bytecode::BrFalse(fine));
        self.abort(code);
        self.define_new(fine);
        Ok(())
    }

    /// Passes the stack, mutably, to a function that borrows it.
    pub(super) fn pass_stack(&mut self) -> Result<(), LowerError> {
        self.stack_ref(true).map(drop)
    }

    /// Pushes a reference to the stack, `mutable` or not; the signature of its elements.
    fn stack_ref(&mut self, mutable: bool) -> Result<SignatureIndex, LowerError> {
        let EvmStack {
            local,
            owned,
            element,
        } = self.stack.ok_or_else(|| {
            LowerError::Internal("the EVM stack is used in a function without it".into())
        })?;
        match (owned, mutable) {
            (true, true) => self.emit(Bytecode::MutBorrowLoc(local)),
            (true, false) => self.emit(Bytecode::ImmBorrowLoc(local)),
            (false, true) => self.emit(Bytecode::CopyLoc(local)),
            (false, false) => {
                self.emit(Bytecode::CopyLoc(local));
                self.emit(Bytecode::FreezeRef);
            }
        }
        Ok(element)
    }
}
