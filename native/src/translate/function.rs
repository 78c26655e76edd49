//! The function's frame and blocks: parameters and locals set up at entry, the stack-depth
//! check, one Cranelift block per Move basic block, and the instructions that end a block.

use std::collections::{BTreeSet, HashMap};

use cranelift_codegen::ir::{condcodes::IntCC, types, Block, InstBuilder, MemFlagsData};
use evmove_runtime::natives::direct::{Status, FORK_OFFSET, GAS_LEFT_OFFSET};
use evmove_word::shim::EVM_STACK_LIMIT;
use move_binary_format::file_format::{Bytecode, CodeOffset};

use super::{not_compilable, Local, Translator, PTR};
use crate::{
    helpers,
    types::{LocalType, Scalar},
    NotCompilable,
};

/// The most a compiled function's vectors may take of its frame (the rest, call areas and
/// spills, is a few KiB): the stack limit is checked at a function's entry, so one frame may
/// overshoot it, and must stay well inside the reserve left below it (`crate::run`).
const MAX_VECTORS: u32 = 64 << 10;

/// The blocks' first offsets: the function's start, every branch target, and every
/// instruction after a branch, `Ret` or `Abort`.
fn block_starts(code: &[Bytecode]) -> BTreeSet<CodeOffset> {
    let mut starts = BTreeSet::from([0]);
    for (offset, instruction) in code.iter().enumerate() {
        if let Bytecode::Branch(target) | Bytecode::BrTrue(target) | Bytecode::BrFalse(target) =
            instruction
        {
            starts.insert(*target);
        }
        if instruction.is_branch() {
            starts.insert(offset as CodeOffset + 1);
        }
    }
    starts.retain(|&start| (start as usize) < code.len());
    starts
}

/// The capacity of the function's vectors. If every `VecPushBack` runs at most once per
/// call (all of them in the first block, which no branch targets, as in the lowering's
/// prologue that sizes the spill vector), their number. Otherwise the function grows the
/// universal form's EVM stack, which the lowering checks before each block pushes never to
/// pass [`EVM_STACK_LIMIT`] words of two elements: room for that (or for the prologue's
/// pushes, if more). Each push still checks the capacity (a status, never a write past it).
fn vector_capacity(code: &[Bytecode]) -> u32 {
    let first_block_end = block_starts(code)
        .into_iter()
        .nth(1)
        .map_or(code.len(), |start| start as usize);
    let pushes = |range: &[Bytecode]| {
        (range.iter())
            .filter(|i| matches!(i, Bytecode::VecPushBack(_)))
            .count() as u32
    };
    let reentered = (code.iter()).any(|i| {
        matches!(
            i,
            Bytecode::Branch(0) | Bytecode::BrTrue(0) | Bytecode::BrFalse(0)
        )
    });
    let prologue = pushes(&code[..first_block_end]);
    match (pushes(&code[first_block_end..]), reentered) {
        (0, false) => prologue,
        _ => prologue.max(2 * EVM_STACK_LIMIT as u32),
    }
}

impl Translator<'_, '_> {
    pub(super) fn prologue(
        &mut self,
        local_types: &[LocalType],
        param_types: &[Scalar],
        code: &[Bytecode],
    ) -> Result<(), NotCompilable> {
        let entry = self.builder.create_block();
        self.builder.append_block_params_for_function_params(entry);
        self.builder.switch_to_block(entry);
        let &[ctx, args, results, stack_limit] = self.builder.block_params(entry) else {
            return Err(not_compilable("the compiled signature"));
        };
        (self.ctx, self.results, self.stack_limit) = (ctx, results, stack_limit);
        // The context outlives the call and these two fields never change in it.
        let fixed = MemFlagsData::trusted().with_readonly();
        self.gas_left = (self.builder.ins()).load(PTR, fixed, ctx, GAS_LEFT_OFFSET as i32);
        self.fork = (self.builder.ins()).load(types::I8, fixed, ctx, FORK_OFFSET as i32);

        let sp = self.builder.ins().get_stack_pointer(PTR);
        let deep = self
            .builder
            .ins()
            .icmp(IntCC::UnsignedLessThan, sp, stack_limit);
        self.stop_if(deep, Status::CallStackOverflow);

        let capacity = match local_types.contains(&LocalType::Vector) {
            true => vector_capacity(code),
            false => 0,
        };
        let mut frame = 0u32;
        for (i, local) in local_types.iter().enumerate() {
            let local = match *local {
                LocalType::Scalar(scalar) => {
                    let variable = self.builder.declare_var(scalar.clif());
                    let value = match param_types.get(i) {
                        Some(_) => {
                            let wide = self.builder.ins().load(
                                types::I128,
                                MemFlagsData::trusted(),
                                args,
                                16 * i as i32,
                            );
                            self.narrow(wide, scalar)
                        }
                        // Move reads no local before writing it (the verifier checks).
                        None => self.constant(0, scalar),
                    };
                    self.builder.def_var(variable, value);
                    Local::Scalar(variable, scalar)
                }
                LocalType::Vector => {
                    frame += 16 * capacity;
                    let slot = self.slot(16 * capacity.max(1));
                    let len = self.builder.declare_var(types::I64);
                    let zero = self.builder.ins().iconst(types::I64, 0);
                    self.builder.def_var(len, zero);
                    Local::Vector {
                        slot,
                        len,
                        capacity,
                    }
                }
            };
            self.locals.push(local);
        }
        if frame > MAX_VECTORS {
            return Err(not_compilable(format!("vectors of {frame} bytes")));
        }
        Ok(())
    }

    pub(super) fn body(&mut self, code: &[Bytecode]) -> Result<(), NotCompilable> {
        let starts = block_starts(code);
        let blocks: HashMap<CodeOffset, Block> = (starts.iter())
            .map(|&start| (start, self.builder.create_block()))
            .collect();
        let block_at = |offset: CodeOffset| {
            (blocks.get(&offset).copied()).ok_or_else(|| not_compilable("a branch out of the code"))
        };
        self.builder.ins().jump(block_at(0)?, &[]);
        let mut open = false;
        for (offset, instruction) in code.iter().enumerate() {
            let offset = offset as CodeOffset;
            if let Some(&block) = blocks.get(&offset) {
                if !self.stack.is_empty() {
                    return Err(not_compilable("a value on the stack at a block's end"));
                }
                if open {
                    self.builder.ins().jump(block, &[]);
                }
                self.builder.switch_to_block(block);
                open = true;
            }
            match instruction {
                Bytecode::Branch(target) => {
                    self.builder.ins().jump(block_at(*target)?, &[]);
                    open = false;
                }
                Bytecode::BrTrue(target) | Bytecode::BrFalse(target) => {
                    let condition = self.pop_scalar()?.0;
                    let (taken, next) = (block_at(*target)?, block_at(offset + 1)?);
                    let (then, otherwise) = match instruction {
                        Bytecode::BrTrue(_) => (taken, next),
                        _ => (next, taken),
                    };
                    self.builder
                        .ins()
                        .brif(condition, then, &[], otherwise, &[]);
                    open = false;
                }
                Bytecode::Ret => {
                    self.ret()?;
                    open = false;
                }
                Bytecode::Abort => {
                    let code = self.pop_scalar()?.0;
                    let abort = self.imports[helpers::ABORT];
                    let call = self.builder.ins().call(abort, &[self.ctx, code]);
                    let status = self.builder.inst_results(call)[0];
                    self.builder.ins().return_(&[status]);
                    open = false;
                }
                other => self.straight(other)?,
            }
        }
        if open {
            return Err(not_compilable("code falling off its end"));
        }
        Ok(())
    }

    pub(super) fn ret(&mut self) -> Result<(), NotCompilable> {
        let results = self.results;
        let mut values = Vec::new();
        for _ in 0..self.return_types.len() {
            values.push(self.pop_scalar()?);
        }
        for (i, (value, scalar)) in values.into_iter().rev().enumerate() {
            let wide = self.widen(value, scalar);
            (self.builder.ins()).store(MemFlagsData::trusted(), wide, results, 16 * i as i32);
        }
        let ok = self
            .builder
            .ins()
            .iconst(types::I32, Status::Continue as i64);
        self.builder.ins().return_(&[ok]);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use move_binary_format::file_format::SignatureIndex;

    use super::*;

    const PUSH: Bytecode = Bytecode::VecPushBack(SignatureIndex(0));

    #[test]
    fn vectors_grown_once_per_call_have_their_pushes_as_capacity() {
        let prologue = [PUSH, PUSH, Bytecode::Branch(3), Bytecode::Ret];
        assert_eq!(vector_capacity(&prologue), 2);
    }

    #[test]
    fn vectors_grown_in_a_loop_have_room_for_the_evm_stack() {
        let stack = 2 * EVM_STACK_LIMIT as u32;
        let looped = [PUSH, Bytecode::LdTrue, Bytecode::BrTrue(0), Bytecode::Ret];
        assert_eq!(vector_capacity(&looped), stack);
        let later = [Bytecode::Branch(1), PUSH, Bytecode::Ret];
        assert_eq!(vector_capacity(&later), stack);
    }
}
