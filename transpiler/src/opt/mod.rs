//! Passes over the IR, each in its own file, each keeping the IR well formed.
//!
//! [`optimize`] runs them to a fixed point: removing redundant block parameters exposes dead
//! code (the copies that fed them) and constants (a parameter that always receives one),
//! folding constants decides branches, the sides no longer taken become unreachable, and
//! removing them makes more parameters redundant; removing dead code exposes unused
//! parameters.
//!
//! - [`params`]: block parameters that always receive the same value, or are never used.
//! - [`fold`]: pure operations on constants, and branches and switches on constants.
//! - [`size_checks`]: ABI decoders' checks of the calldata's size, `slt(sub(calldatasize,
//!   head), n)`, as one comparison of the size.
//! - [`masks`]: masks keeping every bit their word can have (the caller's address masked).
//! - [`cse`]: operations repeating an earlier one that dominates them (CALLDATASIZE read
//!   twice, an address masked twice).
//! - [`conditions`]: branches on a subtraction as comparisons (`n != 1`; solc's check that
//!   a product by a constant did not overflow, as a bound on the factor; that a sum with a
//!   constant wrapped, as a bound on the other addend; an address check, as a bound).
//! - [`branches`]: branches whose two sides are the same.
//! - [`unreachable`]: blocks no path reaches (after folding decided a branch).
//! - [`merge_blocks`]: a block jumping to a block entered from nowhere else, as one block.
//! - [`dead_code`]: instructions whose results are unused and that have no effect (a
//!   simplified branch leaves its condition unused, folding its operands).
//! - [`charges`]: gas charges of a block that nothing observing the gas left separates
//!   (inlining leaves them), and a block's last charge moved into
//!   the blocks entered only from it, so that a path pays one charge where it paid one per
//!   block.
//! - [`gates`]: charges' fork gates that a dominating charge already checked.
//!
//! Then, over the module, [`inline`] copies tiny helpers that never return (revert and
//! panic helpers) into their callers, [`inline_leaves`] small functions that return and
//! call nothing (decoding helpers, checked arithmetic), and [`inline_tail`] small functions
//! tail-called from one place (the dispatcher's external functions); the callers, changed,
//! go through the passes again, and may have become such helpers or leaves themselves.
//! [`call_charges`] moves the charges before a call and before a return across the call
//! of a function called from one place, where they join a charge that folds into a native.
//! [`free_pointer`] replaces the reads of the free-memory pointer (`mload(0x40)`) whose value
//! is known, across functions, with that value; folding then carries it into the offsets
//! computed from it, which can make the next read known.

pub mod branches;
pub mod call_charges;
pub mod charges;
pub mod conditions;
pub mod cse;
pub mod dead_code;
pub mod fold;
pub mod free_pointer;
pub mod gates;
pub mod inline;
pub mod inline_leaves;
pub mod inline_tail;
pub mod masks;
pub mod merge_blocks;
pub mod params;
pub mod size_checks;
pub mod unreachable;

use std::convert::Infallible;

use crate::ir::{FuncRef, Function, Module};

/// A pass over one function: whether it changed anything.
pub type FunctionPass = fn(&mut Function) -> bool;

/// The passes over one function, in the order [`optimize`] runs them, by name.
pub const FUNCTION_PASSES: [(&str, FunctionPass); 14] = [
    (
        "params::remove_redundant_params",
        params::remove_redundant_params,
    ),
    ("params::remove_unused_params", params::remove_unused_params),
    ("fold::fold_constants", fold::fold_constants),
    (
        "size_checks::fold_size_checks",
        size_checks::fold_size_checks,
    ),
    ("masks::drop_redundant_masks", masks::drop_redundant_masks),
    // Before `conditions`, which lets a checked address's uses read the word rather than
    // its mask: the masks repeated after the check are then already the first one.
    (
        "cse::eliminate_common_subexpressions",
        cse::eliminate_common_subexpressions,
    ),
    (
        "conditions::simplify_conditions",
        conditions::simplify_conditions,
    ),
    ("branches::simplify_branches", branches::simplify_branches),
    (
        "unreachable::eliminate_unreachable_blocks",
        unreachable::eliminate_unreachable_blocks,
    ),
    (
        "merge_blocks::merge_straight_lines",
        merge_blocks::merge_straight_lines,
    ),
    (
        "dead_code::eliminate_dead_code",
        dead_code::eliminate_dead_code,
    ),
    ("charges::merge_charges", charges::merge_charges),
    ("charges::sink_charges", charges::sink_charges),
    ("gates::drop_checked_gates", gates::drop_checked_gates),
];

/// Runs every pass on every function of `module` until none changes anything, and inlines
/// tiny helpers that never return, small leaves and small functions tail-called once, and
/// folds the reads of the free-memory pointer, until none is left to inline or fold.
pub fn optimize(module: &mut Module) {
    let unchecked = optimize_checked(module, |_, _, _| Ok::<(), Infallible>(()));
    match unchecked {
        Ok(()) => {}
        Err(never) => match never {},
    }
}

/// [`optimize`], calling `check` after every pass that changed something, with the pass's
/// name, the module, and the function it changed (`None` for a pass over the module); the
/// first error `check` returns stops it.
pub fn optimize_checked<E>(
    module: &mut Module,
    mut check: impl FnMut(&'static str, &Module, Option<FuncRef>) -> Result<(), E>,
) -> Result<(), E> {
    optimize_functions(module, &mut check)?;
    // Each round can make callers helpers, and each folded read of the free-memory pointer
    // can make the next one's offsets constant; the bound only guards against a mistake.
    for _ in 0..INLINE_ROUNDS {
        let tiny = inline::inline_tiny_noreturn(module);
        if tiny {
            check("inline::inline_tiny_noreturn", module, None)?;
        }
        let leaves = inline_leaves::inline_small_leaves(module);
        if leaves {
            check("inline_leaves::inline_small_leaves", module, None)?;
        }
        let tail = inline_tail::inline_single_tail_calls(module);
        if tail {
            check("inline_tail::inline_single_tail_calls", module, None)?;
        }
        let loads = free_pointer::fold_free_pointer_loads(module);
        if loads {
            check("free_pointer::fold_free_pointer_loads", module, None)?;
        }
        let charges = call_charges::move_charges_across_calls(module);
        if charges {
            check("call_charges::move_charges_across_calls", module, None)?;
        }
        if !tiny && !leaves && !tail && !loads && !charges {
            break;
        }
        optimize_functions(module, &mut check)?;
    }
    Ok(())
}

/// More rounds of inlining than chains of helpers in compiler output are long.
const INLINE_ROUNDS: usize = 32;

/// Runs every function pass on every function of `module` until none changes anything.
fn optimize_functions<E>(
    module: &mut Module,
    check: &mut impl FnMut(&'static str, &Module, Option<FuncRef>) -> Result<(), E>,
) -> Result<(), E> {
    for i in 0..module.functions.len() {
        let func = FuncRef::new(i);
        loop {
            let mut changed = false;
            for (name, pass) in FUNCTION_PASSES {
                if pass(&mut module.functions[i]) {
                    changed = true;
                    check(name, module, Some(func))?;
                }
            }
            if !changed {
                break;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        evm::{assemble, Code},
        ir::verify_module,
        lift::lift,
    };

    /// The optimised IR of assembled `text`, checked, as text (for the passes' tests).
    pub(in crate::opt) fn optimized(text: &str) -> String {
        let mut module = lift(&Code::new(assemble(text).unwrap())).unwrap().module;
        optimize(&mut module);
        verify_module(&module).unwrap();
        module.to_string()
    }

    #[test]
    fn values_passed_through_blocks_become_plain_uses() {
        // Both stack slots reach `b` unchanged along both edges of the JUMPI: the constant 5
        // is then dead, the branch chooses nothing, and its condition is dead too; the jump
        // left is the only way into `b`, which joins the first block.
        let text = optimized(
            "CALLDATASIZE PUSH 5 CALLDATASIZE PUSH @b JUMPI
             b: POP PUSH 0 MSTORE STOP",
        );
        assert_eq!(
            text,
            "function fn0 @pc0 -> noreturn {
block0():                               ; pc0
    gas 29
    v0 = calldatasize
    v6 = const 0x0
    mstore v6, v0
    halt stop
}
"
        );
    }

    #[test]
    fn a_loop_counter_stays_a_parameter_and_a_loop_invariant_does_not() {
        // i counts down from CALLDATASIZE while n, pushed before the loop, never changes.
        let text = optimized(
            "PUSH 9 CALLDATASIZE
             loop: DUP1 ISZERO PUSH @done JUMPI PUSH 1 SWAP1 SUB PUSH @loop JUMP
             done: POP PUSH 0 MSTORE STOP",
        );
        let loop_header = text.lines().find(|line| line.contains("; pc3")).unwrap();
        assert!(loop_header.starts_with("block1(v"), "{text}");
        assert_eq!(
            loop_header.matches('v').count(),
            1,
            "only the counter: {text}"
        );
    }
}
