//! Inlining tiny functions that never return: solc's revert and panic helpers
//! (`panic_error_0x11()`, `revert_error_...()`, a `require`'s message writer) are recovered
//! as functions of one block that store a few words and halt. A Move function call costs
//! more than the few instructions such a helper runs (`DESIGN.md` §9), and via-IR code has
//! hundreds of them (the via-IR Collections corpus contract: 546 recovered functions), each
//! a Move function to verify. So a `tailcall` of one becomes a copy of its body, and a
//! function nothing calls any more leaves the module.
//!
//! Only helpers of one block, at most [`MAX_INSTS`] instructions, no calls, no stack base
//! (a function in or above a recursion checks its own frame's height on entry), are inlined:
//! *leaves*, ending in a halt or a fault, and *trampolines*, ending in a tail call of
//! another function (via-IR's `revert_error_...()` wrappers), which a caller then tail-calls
//! directly. A caller never grows by more than one helper's body per tail call; a cycle of
//! trampolines (code that recurses until it runs out of gas) shrinks to functions that
//! tail-call themselves, which are not helpers, so repeating the pass ends.

use std::collections::{BTreeSet, HashMap};

use crate::ir::{Block, FuncRef, Function, InstData, Module, Terminator, Value};

/// The most instructions an inlined helper may have.
pub const MAX_INSTS: usize = 16;

/// Inlines the tail calls of tiny leaf helpers and removes the functions no longer called;
/// returns whether it changed anything.
pub fn inline_tiny_noreturn(module: &mut Module) -> bool {
    let helpers: HashMap<FuncRef, Function> = module
        .functions
        .iter()
        .enumerate()
        .skip(1)
        .filter(|&(i, function)| is_tiny_helper(FuncRef::new(i), function))
        .map(|(i, function)| (FuncRef::new(i), function.clone()))
        .collect();
    let mut inlined = false;
    for function in &mut module.functions {
        for block in function.layout().to_vec() {
            let Some(Terminator::TailCall { func, args, .. }) = &function.block(block).terminator
            else {
                continue;
            };
            let Some(helper) = helpers.get(func) else {
                continue;
            };
            let args = args.clone();
            inline(function, block, helper, &args);
            inlined = true;
        }
    }
    inlined | remove_uncalled(module)
}

/// Whether `function`, which is `func`, is a helper to inline: it never returns, and is one
/// block of few instructions (its gas charges, which inlining carries along, not counted),
/// no calls, no stack base, ending in a halt, a fault, or a tail call of another function.
fn is_tiny_helper(func: FuncRef, function: &Function) -> bool {
    let [block] = function.layout() else {
        return false;
    };
    let data = function.block(*block);
    function.results.is_none()
        && function.stack_base.is_none()
        && (data.insts.iter())
            .filter(|inst| !matches!(inst.data, InstData::Gas(_) | InstData::GasExp(_)))
            .count()
            <= MAX_INSTS
        && data
            .insts
            .iter()
            .all(|inst| !matches!(inst.data, InstData::Call { .. }))
        && match &data.terminator {
            Some(Terminator::Halt { .. } | Terminator::Fault(_)) => true,
            Some(Terminator::TailCall { func: callee, .. }) => *callee != func,
            _ => false,
        }
}

/// Replaces the tail call ending `block` of `function` by a copy of `helper`'s body, its
/// parameters being `args`.
fn inline(function: &mut Function, block: Block, helper: &Function, args: &[Value]) {
    let body = helper.block(helper.entry());
    let mut renamed: HashMap<Value, Value> = body
        .params
        .iter()
        .copied()
        .zip(args.iter().copied())
        .collect();
    for inst in &body.insts {
        let mut data = inst.data.clone();
        data.map_operands(|v| renamed[&v]);
        let results = function.push_inst(block, data, inst.results.len());
        renamed.extend(inst.results.iter().copied().zip(results));
    }
    let mut terminator = body.terminator.clone().expect("verified IR");
    terminator.map_operands(|v| renamed[&v]);
    function.set_terminator(block, terminator);
}

/// Removes the functions `fn0` no longer reaches by calls, renumbering the others in order;
/// returns whether it removed any.
pub(super) fn remove_uncalled(module: &mut Module) -> bool {
    let callees = |function: &Function| -> Vec<FuncRef> {
        let mut callees = Vec::new();
        for &block in function.layout() {
            let data = function.block(block);
            for inst in &data.insts {
                if let InstData::Call { func, .. } = inst.data {
                    callees.push(func);
                }
            }
            if let Some(Terminator::TailCall { func, .. }) = data.terminator {
                callees.push(func);
            }
        }
        callees
    };
    let mut reached = BTreeSet::from([FuncRef::new(0)]);
    let mut pending = vec![FuncRef::new(0)];
    while let Some(func) = pending.pop() {
        for callee in callees(&module.functions[func.index()]) {
            if reached.insert(callee) {
                pending.push(callee);
            }
        }
    }
    if reached.len() == module.functions.len() {
        return false;
    }
    let renumbered: HashMap<FuncRef, FuncRef> = reached
        .iter()
        .enumerate()
        .map(|(new, &old)| (old, FuncRef::new(new)))
        .collect();
    let functions = std::mem::take(&mut module.functions);
    module.functions = functions
        .into_iter()
        .enumerate()
        .filter(|(i, _)| reached.contains(&FuncRef::new(*i)))
        .map(|(_, mut function)| {
            for block in function.layout().to_vec() {
                let data = function.block_mut(block);
                for inst in &mut data.insts {
                    if let InstData::Call { func, .. } = &mut inst.data {
                        *func = renumbered[func];
                    }
                }
                if let Some(Terminator::TailCall { func, .. }) = &mut data.terminator {
                    *func = renumbered[func];
                }
            }
            function
        })
        .collect();
    true
}

/// Per function, how many calls and tail calls of it the module makes.
pub(super) fn call_counts(module: &Module) -> HashMap<FuncRef, usize> {
    let mut counts = HashMap::new();
    for function in &module.functions {
        for &block in function.layout() {
            let data = function.block(block);
            let calls = data.insts.iter().filter_map(|inst| match inst.data {
                InstData::Call { func, .. } => Some(func),
                _ => None,
            });
            let tail = match data.terminator {
                Some(Terminator::TailCall { func, .. }) => Some(func),
                _ => None,
            };
            for func in calls.chain(tail) {
                *counts.entry(func).or_insert(0) += 1;
            }
        }
    }
    counts
}

/// Whether `function` has at most `max` operations (instructions other than constants and gas
/// charges), does not reach universal form's EVM stack, and takes no stack base (a function
/// in or above a recursion checks its own frame's height on entry: it stays a function).
pub(super) fn is_within(function: &Function, max: usize) -> bool {
    let insts = || (function.layout().iter()).flat_map(|&b| function.block(b).insts.iter());
    function.stack_base.is_none()
        && insts().all(|inst| !inst.data.touches_stack())
        && insts()
            .filter(|inst| !matches!(inst.data, InstData::Const(_) | InstData::Gas(_)))
            .count()
            <= max
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        evm::{assemble, Code},
        ir::verify_module,
        lift::lift,
        opt::optimize,
    };

    #[test]
    fn a_panic_helper_is_copied_into_its_callers_and_leaves_the_module() {
        // `panic` is reached by two JUMPIs with the panic code on the stack, as via-IR's
        // checked arithmetic reaches `panic_error_0x11`; `work` is a function that returns.
        let code = assemble(
            "PUSH @back PUSH 0 CALLDATALOAD PUSH @work JUMP
             back: PUSH 0x11 DUP2 PUSH @panic JUMPI
             PUSH 0x12 CALLVALUE PUSH @panic JUMPI
             PUSH 0 MSTORE STOP
             panic: PUSH 0 MSTORE PUSH 0x20 PUSH 0 REVERT
             work: PUSH 1 ADD SWAP1 JUMP",
        )
        .unwrap();
        let mut module = lift(&Code::new(code)).unwrap().module;
        assert_eq!(module.functions.len(), 3, "{module}");
        optimize(&mut module);
        verify_module(&module).unwrap();
        let text = module.to_string();
        // `work`, a small leaf, is inlined too (`inline_leaves`).
        assert_eq!(module.functions.len(), 1, "main alone: {text}");
        assert!(!text.contains("call fn"), "{text}");
        assert_eq!(text.matches("halt revert").count(), 2, "{text}");
    }

    #[test]
    fn a_trampoline_is_skipped_and_uncalled_functions_leave() {
        use crate::{evm::Pc, ir::Module};
        use alloy_primitives::U256;
        // fn0 → fn1 (a trampoline to fn3); fn2 tail-calls itself; fn3 is too big.
        let trampoline = |target: usize| {
            let mut function = Function::new(Pc(0), None);
            let block = function.add_block(Pc(0));
            let arg = function.add_param(block);
            function.set_terminator(
                block,
                Terminator::TailCall {
                    func: FuncRef::new(target),
                    args: vec![arg],
                    base: None,
                },
            );
            function
        };
        let mut main = Function::new(Pc(0), None);
        let block = main.add_block(Pc(0));
        let x = main.push_inst(block, InstData::Const(U256::from(7)), 1)[0];
        main.set_terminator(
            block,
            Terminator::TailCall {
                func: FuncRef::new(1),
                args: vec![x],
                base: None,
            },
        );
        let mut big = Function::new(Pc(0), None);
        let block = big.add_block(Pc(0));
        let arg = big.add_param(block);
        for _ in 0..=MAX_INSTS {
            big.push_inst(block, InstData::Const(U256::ZERO), 1);
        }
        big.set_terminator(
            block,
            Terminator::Halt {
                op: crate::evm::OpCode::new(0xfd).unwrap(),
                args: vec![arg, arg],
            },
        );
        let mut module = Module {
            functions: vec![main, trampoline(3), trampoline(2), big],
        };
        assert!(!is_tiny_helper(FuncRef::new(2), &module.functions[2]));
        verify_module(&module).unwrap();
        assert!(inline_tiny_noreturn(&mut module));
        verify_module(&module).unwrap();
        assert_eq!(
            module.functions.len(),
            2,
            "fn1 inlined, fn2 uncalled: {module}"
        );
        assert!(module.to_string().contains("tailcall fn1(v0)"), "{module}");
    }
}
