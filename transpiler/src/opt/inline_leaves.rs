//! Inlining small leaf functions that return: solc's ABI decoding helpers, checked
//! arithmetic, validators (`x == and(x, 2^160 - 1)` or revert). A Move call costs more than
//! the few instructions such a function runs (`DESIGN.md` §9), and once its body is in the
//! caller, its gas charges join the caller's ([`super::charges`]) and its constants fold
//! with the caller's. Functions that return and are called from one place only (an external
//! function's body calling its internal one: `transfer` calling `_transfer`) are inlined
//! too when small, calls and all: the code is the same size (the function leaves the
//! module), one Move call fewer.
//!
//! A call `r = call g(args)` ending a block's first part becomes a jump to a copy of `g`'s
//! blocks, each `return x` of the copy a jump to the rest of the block (a new block whose
//! parameters are `r`). Only *leaves* are inlined anywhere (no calls, no tail calls, no
//! universal form's EVM stack, no stack base: a function whose recursive calls folded away
//! still checks its own frame's height) of at most [`MAX_INSTS`] operations, so a caller
//! grows by a bounded amount per call it had; a caller that becomes a leaf may be inlined
//! in turn in the next round, and recursion, which no leaf has, is never unrolled. A
//! function called once is inlined into its caller unless that is itself (a call it makes
//! of its caller, in a cycle of functions, stays a call), and only when small
//! ([`MAX_INSTS_CALLED_ONCE`], no stack base either), so a cycle's members stop growing.

use std::collections::HashMap;

use super::inline::{call_counts, is_within, remove_uncalled};
use crate::ir::{
    Block, BlockCall, ControlFlowGraph, FuncRef, Function, InstData, Module, Terminator, Value,
};

/// The most operations (instructions other than constants and gas charges) an inlined leaf
/// may have: an ERC20's `_transfer` (two storage reads and writes, a log, its checks and
/// reverts: 34 in the corpus Token) runs ~190 Move instructions, which a Move call would
/// make ~10% slower.
pub const MAX_INSTS: usize = 48;

/// The most operations a function called once, not a leaf, may have to be inlined (as many
/// as `inline_tail` takes: the code does not grow, a caller's locals do).
pub const MAX_INSTS_CALLED_ONCE: usize = 64;

/// Inlines every call of a small leaf function and the one call of a small function called
/// once, and removes the functions no longer called; returns whether it inlined any.
pub fn inline_small_leaves(module: &mut Module) -> bool {
    let calls = call_counts(module);
    let leaves: HashMap<FuncRef, Function> = (module.functions.iter().enumerate())
        .skip(1)
        .filter(|&(i, function)| {
            is_small_leaf(function)
                || (calls.get(&FuncRef::new(i)) == Some(&1) && is_small_returning(function))
        })
        .map(|(i, function)| (FuncRef::new(i), function.clone()))
        .collect();
    let mut inlined = false;
    for (i, function) in module.functions.iter_mut().enumerate() {
        while let Some((block, at, callee)) = first_call_of(function, FuncRef::new(i), &leaves) {
            inline_call(function, block, at, &leaves[&callee]);
            inlined = true;
        }
    }
    if inlined {
        remove_uncalled(module);
    }
    inlined
}

/// Whether `function` returns, calls nothing, makes no tail call and is small ([`MAX_INSTS`],
/// no universal form's EVM stack, no stack base).
fn is_small_leaf(function: &Function) -> bool {
    let calls = (function.layout().iter())
        .flat_map(|&b| function.block(b).insts.iter())
        .any(|inst| matches!(inst.data, InstData::Call { .. }));
    function.results.is_some()
        && !calls
        && !makes_tail_calls(function)
        && is_within(function, MAX_INSTS)
}

/// Whether `function` returns, makes no tail call (which the copy would make its caller's)
/// and is small ([`MAX_INSTS_CALLED_ONCE`], no universal form's EVM stack), whatever it
/// calls.
fn is_small_returning(function: &Function) -> bool {
    function.results.is_some()
        && !makes_tail_calls(function)
        && is_within(function, MAX_INSTS_CALLED_ONCE)
}

fn makes_tail_calls(function: &Function) -> bool {
    (function.layout().iter()).any(|&b| {
        matches!(
            function.block(b).terminator,
            Some(Terminator::TailCall { .. })
        )
    })
}

/// The first call in `function` (which is `itself`) of one of `leaves` other than itself:
/// its block, its index there, the callee.
fn first_call_of(
    function: &Function,
    itself: FuncRef,
    leaves: &HashMap<FuncRef, Function>,
) -> Option<(Block, usize, FuncRef)> {
    function.layout().iter().find_map(|&block| {
        (function.block(block).insts.iter().enumerate()).find_map(|(at, inst)| match inst.data {
            InstData::Call { func, .. } if func != itself && leaves.contains_key(&func) => {
                Some((block, at, func))
            }
            _ => None,
        })
    })
}

/// Replaces the call at `insts[at]` of `block` by a copy of `callee`'s body.
fn inline_call(function: &mut Function, block: Block, at: usize, callee: &Function) {
    let data = function.block_mut(block);
    let rest = data.insts.split_off(at + 1);
    let call = data.insts.pop().expect("the call");
    let terminator = data.terminator.take();
    let InstData::Call { args, .. } = call.data else {
        unreachable!("first_call_of finds calls")
    };
    let origin = function.block(block).origin;
    let after = function.add_block(origin);
    let after_data = function.block_mut(after);
    after_data.params = call.results;
    after_data.insts = rest;
    after_data.terminator = terminator;
    let entry = copy_body(function, callee, Some(after));
    function.set_terminator(block, Terminator::Jump(BlockCall { block: entry, args }));
}

/// Copies the blocks of `callee` reachable from its entry into `function`, each `return`
/// becoming a jump to `after` (with the returned values as its arguments); the copy of the
/// entry, whose parameters are the callee's.
pub(super) fn copy_body(function: &mut Function, callee: &Function, after: Option<Block>) -> Block {
    let cfg = ControlFlowGraph::of(callee);
    let copies: HashMap<Block, Block> = (cfg.reverse_postorder().iter())
        .map(|&b| (b, function.add_block(callee.block(b).origin)))
        .collect();
    let mut renamed: HashMap<Value, Value> = HashMap::new();
    for &b in cfg.reverse_postorder() {
        for &param in &callee.block(b).params {
            renamed.insert(param, function.add_param(copies[&b]));
        }
    }
    // Reverse postorder: a value's definition is copied before its uses (it dominates them).
    for &b in cfg.reverse_postorder() {
        let copy = copies[&b];
        for inst in &callee.block(b).insts {
            let mut data = inst.data.clone();
            data.map_operands(|v| renamed[&v]);
            let results = function.push_inst(copy, data, inst.results.len());
            renamed.extend(inst.results.iter().copied().zip(results));
        }
        let mut terminator = callee.block(b).terminator.clone().expect("verified IR");
        terminator.map_operands(|v| renamed[&v]);
        for call in terminator.successors_mut() {
            call.block = copies[&call.block];
        }
        if let (Terminator::Return(values), Some(after)) = (&terminator, after) {
            terminator = Terminator::Jump(BlockCall {
                block: after,
                args: values.clone(),
            });
        }
        function.set_terminator(copy, terminator);
    }
    copies[&callee.entry()]
}

#[cfg(test)]
mod tests {
    use crate::{
        evm::{assemble, Code},
        ir::verify_module,
        lift::lift,
        opt::optimize,
    };

    /// The optimised module of assembled `text`, checked.
    fn optimized(text: &str) -> crate::ir::Module {
        let mut module = lift(&Code::new(assemble(text).unwrap())).unwrap().module;
        optimize(&mut module);
        verify_module(&module).unwrap();
        module
    }

    #[test]
    fn a_leaf_with_two_returns_is_copied_into_each_call() {
        // `clamp` returns its argument, or 7 above 7: two returns; called twice.
        let module = optimized(
            "PUSH @one PUSH 0 CALLDATALOAD PUSH @clamp JUMP
             one: JUMPDEST PUSH @two PUSH 0x20 CALLDATALOAD PUSH @clamp JUMP
             two: JUMPDEST ADD PUSH 0 MSTORE PUSH 0x20 PUSH 0 RETURN
             clamp: JUMPDEST DUP1 PUSH 7 LT PUSH @big JUMPI SWAP1 JUMP
             big: JUMPDEST POP PUSH 7 SWAP1 JUMP",
        );
        let text = module.to_string();
        assert_eq!(module.functions.len(), 1, "{text}");
        assert!(!text.contains("call fn"), "{text}");
        assert_eq!(
            text.matches("= lt ").count(),
            2,
            "one copy per call: {text}"
        );
    }

    #[test]
    fn a_function_that_calls_is_not_a_leaf_until_its_callees_are_inlined() {
        // `outer` calls `inner`: `inner` goes into `outer`, then `outer` into the caller.
        let module = optimized(
            "PUSH @done PUSH 0 CALLDATALOAD PUSH @outer JUMP
             done: JUMPDEST PUSH 0 MSTORE PUSH 0x20 PUSH 0 RETURN
             outer: JUMPDEST PUSH @back SWAP1 PUSH @inner JUMP
             back: JUMPDEST SWAP1 JUMP
             inner: JUMPDEST PUSH 1 ADD SWAP1 JUMP",
        );
        assert_eq!(module.functions.len(), 1, "{module}");
    }

    #[test]
    fn a_function_called_once_is_inlined_whatever_it_calls() {
        // `once`, called from one place, calls `big`, which is called twice and too big for
        // a leaf (60 additions): `once` goes into its caller, `big` stays.
        let doubles = "DUP1 ADD ".repeat(60);
        let module = optimized(&format!(
            "PUSH @mid PUSH 0 CALLDATALOAD PUSH @once JUMP
             mid: JUMPDEST PUSH @done SWAP1 PUSH @big JUMP
             done: JUMPDEST PUSH 0 MSTORE PUSH 0x20 PUSH 0 RETURN
             once: JUMPDEST PUSH @back SWAP1 PUSH @big JUMP
             back: JUMPDEST PUSH 1 ADD SWAP1 JUMP
             big: JUMPDEST {doubles} SWAP1 JUMP"
        ));
        assert_eq!(module.functions.len(), 2, "{module}");
        assert_eq!(module.to_string().matches("call fn").count(), 2, "{module}");
    }

    #[test]
    fn a_function_above_a_recursion_stays_a_function() {
        // `once`, called from one place, calls `count`, which recurses: `once` passes its
        // stack base on to `count` (`lift::bases`), so it is not inlined either.
        let module = optimized(
            "PUSH @done PUSH 0 CALLDATALOAD PUSH @once JUMP
             done: JUMPDEST PUSH 0 MSTORE PUSH 0x20 PUSH 0 RETURN
             once: JUMPDEST PUSH @back SWAP1 PUSH @count JUMP
             back: JUMPDEST PUSH 1 ADD SWAP1 JUMP
             count: JUMPDEST DUP1 ISZERO PUSH @out JUMPI
             PUSH 1 SWAP1 SUB PUSH @again SWAP1 PUSH @count JUMP
             again: JUMPDEST
             out: JUMPDEST SWAP1 JUMP",
        );
        assert_eq!(module.functions.len(), 3, "{module}");
        assert!(
            module.functions[1..].iter().all(|f| f.stack_base.is_some()),
            "{module}"
        );
    }

    #[test]
    fn recursion_is_not_inlined() {
        // `count` calls itself until its argument is zero: never a leaf.
        let module = optimized(
            "PUSH @done PUSH 0 CALLDATALOAD PUSH @count JUMP
             done: JUMPDEST PUSH 0 MSTORE PUSH 0x20 PUSH 0 RETURN
             count: JUMPDEST DUP1 ISZERO PUSH @out JUMPI
             PUSH 1 SWAP1 SUB PUSH @back SWAP1 PUSH @count JUMP
             back: JUMPDEST
             out: JUMPDEST SWAP1 JUMP",
        );
        assert!(module.to_string().contains("call fn"), "{module}");
    }
}
