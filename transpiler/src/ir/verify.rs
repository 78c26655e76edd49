//! The IR checker. A module is well formed when:
//!
//! - every block has a terminator, and every block a terminator names is in the function,
//!   called with one argument per parameter;
//! - every value is defined once (a block parameter or an instruction result), and every use
//!   is dominated by its definition: earlier in the same block, or in a dominating block;
//! - an `Op` is an EVM operation that is neither stack manipulation, a jump nor a halt, with
//!   as many operands and results as the opcode has;
//! - a `Call` names a function of the module that returns, with as many arguments as its
//!   entry block has parameters and as many results as it returns; a `TailCall` names one
//!   that never returns; a `Return` returns as many values as its function does, and a
//!   function that never returns has none; a call passes a stack base exactly to a callee
//!   that takes one;
//! - a `Gas` charge charges something and a `GasExp` charge reads one value; neither defines
//!   any.
//! - a `stack.push` pushes at least one value, a `stack.pop` pops at least one, and neither it
//!   nor `stack.check` defines anything else.
//!
//! The pipeline (`crate::pipeline`) runs it on the lifted IR, and after every optimisation
//! pass in debug builds and tests.

use std::collections::HashMap;

use revm_bytecode::opcode;

use super::{
    dominators::Dominators,
    entities::{Block, FuncRef, Value},
    function::{Function, InstData, Module, Terminator},
};

/// A broken invariant: which function, which block, what.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{func} {block}: {message}")]
pub struct VerifyError {
    /// The function.
    pub func: FuncRef,
    /// The block.
    pub block: Block,
    /// What is wrong.
    pub message: String,
}

/// Checks every function of `module`.
pub fn verify_module(module: &Module) -> Result<(), VerifyError> {
    for i in 0..module.functions.len() {
        verify_function(module, FuncRef::new(i))?;
    }
    Ok(())
}

/// Checks the function `func` of `module` (calls are checked against the module's other
/// functions' signatures).
pub fn verify_function(module: &Module, func: FuncRef) -> Result<(), VerifyError> {
    let function = &module.functions[func.index()];
    let fail = |block: Block, message: String| VerifyError {
        func,
        block,
        message,
    };
    let blocks = function.layout();
    if blocks.is_empty() {
        return Err(fail(Block::new(0), "the function has no blocks".into()));
    }
    // Where each value is defined: its block and position (parameters at 0).
    let mut defined: HashMap<Value, (Block, usize)> = HashMap::new();
    for &block in blocks {
        let data = function.block(block);
        let defs = data.params.iter().map(|&v| (v, 0)).chain(
            (1..)
                .zip(&data.insts)
                .flat_map(|(at, inst)| inst.results.iter().map(move |&v| (v, at))),
        );
        for (value, at) in defs {
            if defined.insert(value, (block, at)).is_some() {
                return Err(fail(block, format!("{value} is defined twice")));
            }
        }
    }
    let dominators = Dominators::of(function);

    for &block in blocks {
        let data = function.block(block);
        let uses_ok = |value: &Value, at: usize| match defined.get(value) {
            Some(&(def_block, def_at)) if def_block == block => {
                def_at < at || (def_at == 0 && at == 0)
            }
            Some(&(def_block, _)) => dominators.dominates(def_block, block),
            None => false,
        };
        for (at, inst) in (1..).zip(&data.insts) {
            if let Some(value) = inst.data.operands().iter().find(|v| !uses_ok(v, at)) {
                return Err(fail(
                    block,
                    format!("{value} is used where it is not defined"),
                ));
            }
            check_inst(module, &inst.data, inst.results.len()).map_err(|m| fail(block, m))?;
        }
        let Some(terminator) = &data.terminator else {
            return Err(fail(block, "no terminator".into()));
        };
        let end = data.insts.len() + 1;
        if let Some(value) = terminator.operands().iter().find(|v| !uses_ok(v, end)) {
            return Err(fail(
                block,
                format!("{value} is used where it is not defined"),
            ));
        }
        for call in terminator.successors() {
            let params = blocks
                .contains(&call.block)
                .then(|| function.block(call.block).params.len());
            if params != Some(call.args.len()) {
                return Err(fail(
                    block,
                    format!(
                        "{} is called with {} arguments",
                        call.block,
                        call.args.len()
                    ),
                ));
            }
        }
        check_terminator(module, function, terminator).map_err(|m| fail(block, m))?;
    }
    Ok(())
}

fn check_inst(module: &Module, data: &InstData, results: usize) -> Result<(), String> {
    match data {
        InstData::Const(_) if results == 1 => Ok(()),
        InstData::Const(_) => Err("a constant defines one value".into()),
        InstData::Op { op, args } => {
            let byte = op.get();
            let is_data_op = op.is_valid()
                && !op.is_push()
                && !matches!(byte, opcode::DUP1..=opcode::SWAP16 | opcode::POP)
                && !matches!(
                    byte,
                    opcode::JUMP | opcode::JUMPI | opcode::JUMPDEST | opcode::PC
                )
                && !op.info().is_terminating();
            if !is_data_op {
                return Err(format!("{op} is not an operation"));
            }
            let (inputs, outputs) = (usize::from(op.inputs()), usize::from(op.outputs()));
            if (args.len(), results) != (inputs, outputs) {
                return Err(format!(
                    "{op} takes {inputs} operands and defines {outputs}"
                ));
            }
            Ok(())
        }
        InstData::Call { func, base, .. } if takes_base(module, *func)? != base.is_some() => Err(
            format!("{func}'s stack base is passed to it exactly if it takes one"),
        ),
        InstData::Call { func, args, .. } => match signature(module, *func)? {
            (params, Some(returns)) if (params, returns) == (args.len(), results) => Ok(()),
            (_, None) => Err(format!("{func} never returns: call it with tailcall")),
            (params, Some(returns)) => Err(format!("{func} takes {params} and returns {returns}")),
        },
        InstData::Gas(charge) if charge.gas == 0 && !charge.is_gated() => {
            Err("a gas charge of nothing".into())
        }
        InstData::Gas(_) | InstData::GasExp(_) if results == 0 => Ok(()),
        InstData::Gas(_) | InstData::GasExp(_) => Err("a gas charge defines no value".into()),
        InstData::StackPush(values) if values.is_empty() || results > 0 => {
            Err("stack.push pushes values and defines none".into())
        }
        InstData::StackPop if results == 0 => Err("stack.pop defines what it pops".into()),
        InstData::StackCheck { .. } if results > 0 => Err("stack.check defines nothing".into()),
        InstData::StackPush(_) | InstData::StackPop | InstData::StackCheck { .. } => Ok(()),
    }
}

fn check_terminator(
    module: &Module,
    function: &Function,
    terminator: &Terminator,
) -> Result<(), String> {
    match terminator {
        Terminator::Return(values) if function.results != Some(values.len()) => {
            Err(format!("returns {} values", values.len()))
        }
        Terminator::TailCall { func, base, .. } if takes_base(module, *func)? != base.is_some() => {
            Err(format!(
                "{func}'s stack base is passed to it exactly if it takes one"
            ))
        }
        Terminator::TailCall { func, args, .. } => match signature(module, *func)? {
            (params, None) if params == args.len() => Ok(()),
            (_, Some(_)) => Err(format!("{func} returns: call it with call")),
            (params, None) => Err(format!("{func} takes {params} arguments")),
        },
        Terminator::Halt { op, args }
            if op.is_valid() && usize::from(op.inputs()) != args.len() =>
        {
            Err(format!("halt {op} takes {} operands", op.inputs()))
        }
        _ => Ok(()),
    }
}

/// A callee's parameter count and result count.
fn signature(module: &Module, func: FuncRef) -> Result<(usize, Option<usize>), String> {
    let callee = callee(module, func)?;
    Ok((callee.block(callee.entry()).params.len(), callee.results))
}

/// Whether a callee takes its stack base.
fn takes_base(module: &Module, func: FuncRef) -> Result<bool, String> {
    Ok(callee(module, func)?.stack_base.is_some())
}

fn callee(module: &Module, func: FuncRef) -> Result<&Function, String> {
    module
        .functions
        .get(func.index())
        .ok_or_else(|| format!("{func} is not in the module"))
}
