//! Control flow: each block's terminator, edges passing arguments to parameters, loop
//! dispatch heads and exit pads in the shapes the Move 0.3.2 verifier accepts (see the
//! module doc of [`super`]).

use alloy_primitives::U256;
use move_binary_format::file_format::{Bytecode, CodeOffset};
use revm_bytecode::opcode::OpCode;

use super::emitter::{Emitter, Half};
use crate::{
    ir::{Block, BlockCall, Terminator, Value},
    lower::{
        layout::{Jump, LoopId},
        locals::Location,
        natives::native_for,
        AbortCode, LowerError,
    },
};

impl Emitter<'_> {
    /// Pushes the bool a branch on `cond` tests: a comparison's own bool (whether `cond` is
    /// non-zero), else whether `cond` is zero, which costs a `Not` on a bool; whether what
    /// it pushed means non-zero.
    fn push_condition(&mut self, cond: Value) -> Result<bool, LowerError> {
        if let Location::Bool(local) = self.locations[cond.index()] {
            self.emit(Bytecode::CopyLoc(local));
            return Ok(true);
        }
        self.push_is_zero(cond)?;
        Ok(false)
    }

    /// Emits the terminator of `block`, at position `here`, followed by the code labelled
    /// `next`.
    pub(super) fn terminator(
        &mut self,
        block: Block,
        here: usize,
        next: Option<CodeOffset>,
    ) -> Result<(), LowerError> {
        let data = self.function.block(block);
        let terminator = data
            .terminator
            .as_ref()
            .ok_or_else(|| LowerError::Internal(format!("{block} has no terminator")))?;
        match terminator {
            Terminator::Jump(call) => self.goto(call, here, next)?,
            Terminator::Branch {
                cond,
                then,
                otherwise,
            } => {
                let nonzero = self.push_condition(*cond)?;
                let if_zero = |label| match nonzero {
                    true => Bytecode::BrFalse(label),
                    false => Bytecode::BrTrue(label),
                };
                let if_nonzero = |label| match nonzero {
                    true => Bytecode::BrTrue(label),
                    false => Bytecode::BrFalse(label),
                };
                // A side that passes nothing is one conditional branch; the other follows.
                if let Some(label) = self.plain_jump(otherwise, here) {
                    self.emit(if_zero(label));
                    self.goto(then, here, next)?;
                } else if let Some(label) = self.plain_jump(then, here) {
                    self.emit(if_nonzero(label));
                    self.goto(otherwise, here, next)?;
                } else {
                    let zero = self.new_label();
                    self.emit(if_zero(zero));
                    self.goto(then, here, None)?;
                    self.define_new(zero);
                    self.goto(otherwise, here, next)?;
                }
            }
            Terminator::Switch {
                value,
                cases,
                speculative,
            } => {
                let unmatched = match speculative {
                    true => AbortCode::SpeculationFailed,
                    false => AbortCode::InvalidJump,
                };
                match self.locations[value.index()] {
                    Location::Word { .. } | Location::Spilled(_) | Location::Narrow(_) => {}
                    Location::Const(target) => {
                        match cases
                            .iter()
                            .find(|(label, _)| U256::from(label.0) == target)
                        {
                            Some((_, call)) => self.goto(call, here, next)?,
                            None => self.abort(unmatched),
                        }
                        return Ok(());
                    }
                    _ => return Err(LowerError::Internal(format!("switch on {value}"))),
                };
                let invalid = self.new_label();
                self.push_half(*value, Half::Hi)?;
                self.emit(Bytecode::LdU128(0));
                self.emit(Bytecode::Neq);
                self.emit(Bytecode::BrTrue(invalid));
                for (label, call) in cases {
                    let other = self.new_label();
                    self.push_half(*value, Half::Lo)?;
                    self.emit(Bytecode::LdU128(u128::from(label.0)));
                    self.emit(Bytecode::Neq);
                    self.emit(Bytecode::BrTrue(other));
                    self.goto(call, here, None)?;
                    self.define_new(other);
                }
                self.define_new(invalid);
                self.abort(unmatched);
            }
            Terminator::Return(values) => {
                for &v in values {
                    self.push_word(v)?;
                }
                self.emit(Bytecode::Ret);
            }
            Terminator::TailCall { func, args, base } => {
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
                self.end_after_halt();
            }
            Terminator::Halt { op, args } => {
                let defined = native_for(*op).is_some_and(|n| n.module == "halt");
                if defined {
                    for &arg in args {
                        self.push_word(arg)?;
                    }
                }
                let op = if defined { *op } else { OpCode::INVALID };
                let native =
                    native_for(op).ok_or_else(|| LowerError::Unsupported(op.to_string()))?;
                self.call_native(native);
                self.end_after_halt();
            }
            Terminator::Fault(fault) => self.abort(AbortCode::from(fault)),
        }
        self.no_pending_charge()
    }

    /// Loop `l`'s dispatch head: a branch to the entry whose number the target local holds.
    pub(super) fn dispatch(&mut self, l: LoopId, next: Option<CodeOffset>) {
        let (head, _) = self.loop_labels[l];
        self.define_new(head);
        let entries = &self.layout.loops[l].entries;
        let jumps: Vec<(CodeOffset, Vec<usize>)> = entries
            .iter()
            .map(|&e| (e as CodeOffset, vec![e]))
            .collect();
        self.branch_on_target(&jumps, next);
    }

    /// The end of loop `l`: its last jump back to its head, then its exit pad, which
    /// continues each edge leaving the loop towards its destination.
    pub(super) fn end_loop(&mut self, l: LoopId, next: Option<CodeOffset>) {
        let (head, pad) = self.loop_labels[l];
        if self.code.last() != Some(&Bytecode::Branch(head)) {
            self.emit(Bytecode::Branch(head));
        }
        self.define_new(pad);
        let jumps: Vec<(CodeOffset, Vec<usize>)> = (self.layout.pad(l).iter())
            .map(|(jump, nodes)| (self.label(*jump), nodes.clone()))
            .collect();
        self.branch_on_target(&jumps, next);
    }

    /// Branches to the label whose destinations hold the target local's number (the last
    /// label when none does), falling through to `next`.
    pub(super) fn branch_on_target(
        &mut self,
        jumps: &[(CodeOffset, Vec<usize>)],
        next: Option<CodeOffset>,
    ) {
        let Some(((last, _), rest)) = jumps.split_last() else {
            return;
        };
        for (label, nodes) in rest {
            let target = self
                .target_local
                .expect("a pad or head with choices has the local");
            for &node in nodes {
                self.emit(Bytecode::CopyLoc(target));
                self.emit(Bytecode::LdU64(node as u64));
                self.emit(Bytecode::Eq);
                self.emit(Bytecode::BrTrue(*label));
            }
        }
        if Some(*last) != next {
            self.emit(Bytecode::Branch(*last));
        }
    }

    /// Stores `node` in the target local.
    pub(super) fn set_target(&mut self, node: usize) {
        let target = self
            .target_local
            .expect("an edge with a target has the local");
        self.emit(Bytecode::LdU64(node as u64));
        self.emit(Bytecode::StLoc(target));
    }

    /// The label `jump` goes to.
    pub(super) fn label(&self, jump: Jump) -> CodeOffset {
        match jump {
            Jump::Node(node) => node as CodeOffset,
            Jump::Dispatch(l) => self.loop_labels[l].0,
            Jump::Exit(l) => self.loop_labels[l].1,
        }
    }

    /// The label `call` jumps to from the block at position `here`, if that is all it does:
    /// no parameter to store, no target to set, no gas count to settle or start.
    pub(super) fn plain_jump(&self, call: &BlockCall, here: usize) -> Option<CodeOffset> {
        let params = &self.function.block(call.block).params;
        let stores = (call.args.iter().zip(params)).any(|(&arg, &param)| self.moves(arg, param));
        let to = self.position[&call.block];
        let plain = !stores && !self.layout.needs_target(here, to);
        (plain && !self.crosses_count(here, to)).then(|| self.label(self.layout.jump(here, to)))
    }

    /// Passes `call`'s arguments to its block's parameters and continues there, from the
    /// block at position `here`, settling or starting a loop's gas count on the way
    /// (`super::counted`); a jump to `next`, the code emitted next, falls through.
    pub(super) fn goto(
        &mut self,
        call: &BlockCall,
        here: usize,
        next: Option<CodeOffset>,
    ) -> Result<(), LowerError> {
        let params = &self.function.block(call.block).params;
        let mut stored = Vec::new();
        for (&arg, &param) in call.args.iter().zip(params) {
            if !self.moves(arg, param) {
                continue;
            }
            match self.locations[param.index()] {
                Location::Narrow(_) => self.push_half(arg, Half::Lo)?,
                _ => self.push_word(arg)?,
            }
            stored.push(param);
        }
        for param in stored.into_iter().rev() {
            match self.locations[param.index()] {
                Location::Narrow(_) => self.store_lo(param),
                _ => self.store_word(param),
            }
        }
        let to = self.position[&call.block];
        self.cross_count(here, to);
        if self.layout.needs_target(here, to) {
            self.set_target(to);
        }
        let label = self.label(self.layout.jump(here, to));
        if Some(label) != next {
            self.emit(Bytecode::Branch(label));
        }
        Ok(())
    }

    /// Whether passing `arg` to `param` moves anything: `param` lives in locals (or the
    /// spill vector) and `arg` does not live in the very same ones. A loop passing a value
    /// on unchanged to the parameter sharing its locals moves nothing. (Every argument is
    /// pushed before any parameter is stored, and the parameters of one block live apart,
    /// so no other parameter's store overwrites the locals an argument left in place.)
    fn moves(&self, arg: Value, param: Value) -> bool {
        let to = self.locations[param.index()];
        matches!(
            to,
            Location::Word { .. } | Location::Spilled(_) | Location::Narrow(_)
        ) && self.locations[arg.index()] != to
    }
}
