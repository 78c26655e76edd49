//! Inlining the tail calls of functions called from one place only: the dispatcher's
//! `tailcall` of each external function's body, a body's `tailcall` of its return encoder.
//! Such a call costs a Move call and splits the path's gas charges at the call (a call may
//! observe the gas left, so no charge moves across it); inlined, the code is the same size
//! (the function leaves the module), and the charges and constants of both sides join.
//!
//! Only functions of at most [`MAX_INSTS`] operations are inlined, so that no function
//! grows without bound (the Move verifier's limits and the locals a function has are per
//! function), and none reaching universal form's EVM stack or taking a stack base (a
//! function in or above a recursion checks its own frame's height on entry).

use std::collections::HashMap;

use super::{
    inline::{call_counts, is_within, remove_uncalled},
    inline_leaves::copy_body,
};
use crate::ir::{BlockCall, FuncRef, Function, Module, Terminator};

/// The most operations (instructions other than constants and gas charges) a function
/// inlined at its one tail call may have.
pub const MAX_INSTS: usize = 64;

/// Inlines every function that is called once, by a tail call, and is small; removes them
/// from the module; returns whether it inlined any.
pub fn inline_single_tail_calls(module: &mut Module) -> bool {
    let calls = call_counts(module);
    let inlinable: HashMap<FuncRef, Function> = (module.functions.iter().enumerate())
        .skip(1)
        .filter(|&(i, function)| calls.get(&FuncRef::new(i)) == Some(&1) && is_small(function))
        .map(|(i, function)| (FuncRef::new(i), function.clone()))
        .collect();
    let mut inlined = false;
    for (i, function) in module.functions.iter_mut().enumerate() {
        for block in function.layout().to_vec() {
            let Some(Terminator::TailCall { func, args, .. }) = &function.block(block).terminator
            else {
                continue;
            };
            let Some(callee) = inlinable.get(func).filter(|_| func.index() != i) else {
                continue;
            };
            let args = args.clone();
            let entry = copy_body(function, callee, None);
            function.set_terminator(block, Terminator::Jump(BlockCall { block: entry, args }));
            inlined = true;
        }
    }
    if inlined {
        remove_uncalled(module);
    }
    inlined
}

/// Whether `function` has at most [`MAX_INSTS`] operations, does not reach universal
/// form's EVM stack and takes no stack base.
fn is_small(function: &Function) -> bool {
    is_within(function, MAX_INSTS)
}

#[cfg(test)]
mod tests {
    use crate::{
        evm::{assemble, Code},
        ir::{verify_module, Module},
        lift::lift,
        opt::optimize,
    };

    /// The optimised module of assembled `text`, checked.
    fn optimized(text: &str) -> Module {
        let mut module = lift(&Code::new(assemble(text).unwrap())).unwrap().module;
        optimize(&mut module);
        verify_module(&module).unwrap();
        module
    }

    /// `body` of two blocks (a check that reverts), reached by `JUMP`s from `sites` places.
    fn tail_called_from(sites: usize) -> Module {
        let jumps = match sites {
            1 => "CALLDATASIZE PUSH @body JUMPI PUSH 0 DUP1 REVERT",
            _ => "CALLDATASIZE PUSH @body JUMPI PUSH 1 CALLVALUE SUB PUSH @body JUMPI STOP",
        };
        optimized(&format!(
            "{jumps}
             body: JUMPDEST PUSH 0 CALLDATALOAD PUSH @ok JUMPI PUSH 0 DUP1 REVERT
             ok: JUMPDEST PUSH 0 DUP1 RETURN"
        ))
    }

    #[test]
    fn a_function_tail_called_once_is_inlined() {
        let module = tail_called_from(1);
        assert_eq!(module.functions.len(), 1, "{module}");
        assert!(!module.to_string().contains("tailcall"), "{module}");
    }

    #[test]
    fn a_function_tail_called_twice_stays() {
        let module = tail_called_from(2);
        assert_eq!(module.functions.len(), 2, "{module}");
    }
}
