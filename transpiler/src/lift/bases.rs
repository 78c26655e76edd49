//! Stack bases: where a function's EVM stack starts when the analysis cannot know it.
//!
//! Jump resolution by function summaries ([`super::summaries`]) analyses each function
//! with its caller's stack unknown, so SSA construction knows a function's stack heights
//! only above its frame's base: the items its callers hold below it. For most functions
//! that base is a sum of constants along the calls reaching them, but in a recursion it
//! depends on how deep the recursion went. So a function that recurses, or calls one that
//! does, takes its base as a parameter ([`ir::StackBase`]), every call passing the callee's;
//! on entry it fails its speculation if its frame could pass the EVM's 1024 items from
//! there, and the frame runs again in universal form, which halts exactly where the EVM does.
//!
//! The frame of a function *without* a base (one no recursion is reached from) is part of
//! its callers' frames: its peak, above the items below it at the call, counts in theirs.
//! So the check of a function with a base covers every function it calls without one, and
//! `fn0`, whose base is zero, needs no check at run time: where its peak so counted passes
//! 1024, the code is not lifted statically. With jumps resolved by exploring every calling
//! context ([`super::jumps`]), every height is known and the stack overflows where the
//! exploration found it: no function recurses (the exploration follows no recursive call),
//! and nothing here applies.

use std::collections::{BTreeMap, BTreeSet};

use super::{functions::Function as Recovered, stack::STACK_LIMIT};
use crate::{
    evm::Pc,
    ir::{self, StackBase},
};

/// The functions that take their stack base: every function other than `fn0` from which
/// calls reach a recursion (a function that calls itself, directly or through others).
pub(super) fn taking_bases(functions: &BTreeMap<Pc, Recovered>) -> BTreeSet<Pc> {
    let callees = |entry: &Pc| {
        (functions[entry].calls.values())
            .flat_map(|call| &call.callees)
            .copied()
    };
    let reached_from = |entry: Pc| {
        let mut reached = BTreeSet::new();
        let mut pending: Vec<Pc> = callees(&entry).collect();
        while let Some(next) = pending.pop() {
            if reached.insert(next) {
                pending.extend(callees(&next));
            }
        }
        reached
    };
    let reached: BTreeMap<Pc, BTreeSet<Pc>> = (functions.keys())
        .map(|&entry| (entry, reached_from(entry)))
        .collect();
    let recursive = |entry: &Pc| reached[entry].contains(entry);
    (functions.keys())
        .filter(|&&entry| entry != Pc(0))
        .filter(|&entry| recursive(entry) || reached[entry].iter().any(recursive))
        .copied()
        .collect()
}

/// What SSA construction found about one function's frame, in its own heights (its inputs
/// included).
#[derive(Clone, Debug, Default)]
pub(super) struct Frame {
    /// The most items its blocks hold at once.
    pub(super) peak: usize,
    /// Its calls: the jump, the callee, and how many of its items lie below the callee's frame.
    pub(super) calls: Vec<(Pc, Pc, usize)>,
}

/// Gives every function of `module` that takes its stack base (`taking`) its
/// [`ir::StackBase`], from the `frames` SSA construction found (both by entry; `refs` says
/// which function of the module each entry is). Fails, with where, where a frame may pass
/// 1024 items whatever its base: `fn0`'s, or one with a base at base zero; with jumps
/// resolved `by_summaries` only, as otherwise every height is known.
pub(super) fn give_bases(
    module: &mut ir::Module,
    refs: &BTreeMap<Pc, ir::FuncRef>,
    frames: &BTreeMap<Pc, Frame>,
    taking: &BTreeSet<Pc>,
    by_summaries: bool,
) -> Result<(), Pc> {
    let mut peaks = BTreeMap::new();
    for &entry in frames.keys() {
        let (peak, pc) = peak(entry, frames, taking, &mut peaks);
        if by_summaries && peak > STACK_LIMIT {
            return Err(pc);
        }
        if taking.contains(&entry) {
            module.functions[refs[&entry].index()].stack_base = Some(StackBase { peak });
        }
    }
    Ok(())
}

/// The peak of the frame of the function at `entry`, counting the frames of the functions it
/// calls that take no base, and where it is reached (a call, or the function's entry);
/// memoised in `peaks`. Calls of functions that take no base form no cycle.
fn peak(
    entry: Pc,
    frames: &BTreeMap<Pc, Frame>,
    taking: &BTreeSet<Pc>,
    peaks: &mut BTreeMap<Pc, (usize, Pc)>,
) -> (usize, Pc) {
    if let Some(&known) = peaks.get(&entry) {
        return known;
    }
    let frame = &frames[&entry];
    let mut highest = (frame.peak, entry);
    // Cuts a cycle, were there one.
    peaks.insert(entry, highest);
    for &(pc, callee, below) in &frame.calls {
        if !taking.contains(&callee) {
            let (callee_peak, _) = peak(callee, frames, taking, peaks);
            highest = highest.max((below + callee_peak, pc));
        }
    }
    peaks.insert(entry, highest);
    highest
}

#[cfg(test)]
mod tests {
    use crate::{
        evm::{assemble, Code},
        ir::{InstData, StackBase},
        lift::lift,
    };

    /// fib(calldata[0]) calling itself from two sites (`lift::functions`' test), after a
    /// helper `add` that takes no base: its frame counts in fib's.
    const FIB_WITH_HELPER: &str = "
        PUSH @done PUSH 0 CALLDATALOAD PUSH @fib JUMP
        done: PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN
        fib: DUP1 PUSH 2 GT PUSH @base JUMPI                  ; [ret, n]
             PUSH @one DUP2 PUSH 1 SWAP1 SUB PUSH @fib JUMP
        one: PUSH @two DUP3 PUSH 2 SWAP1 SUB PUSH @fib JUMP    ; [ret, n, fib(n - 1)]
        two: PUSH @added SWAP2 PUSH @add JUMP                  ; [ret, n, added, f2, f1]
        added: SWAP1 POP SWAP1 JUMP                            ; [ret, n, fib(n)]
        base: SWAP1 JUMP
        add: PUSH 0 PUSH 0 PUSH 0 POP POP POP ADD SWAP1 JUMP   ; [back, a, b]: 6 items at most";

    #[test]
    fn a_recursive_function_takes_its_base_and_counts_its_helpers_frames() {
        let code = Code::new(assemble(FIB_WITH_HELPER).expect("test code assembles"));
        let lifted = lift(&code).expect("lifts");
        assert_eq!(lifted.universal, None);
        let module = &lifted.module;
        let bases: Vec<Option<StackBase>> = module.functions.iter().map(|f| f.stack_base).collect();
        // fn0 starts the stack; fib holds 6 items at most itself, and 2 below `add`'s 6;
        // `add` reaches no recursion.
        assert_eq!(bases, [None, Some(StackBase { peak: 8 }), None]);
        let calls: Vec<(usize, Option<usize>)> = (module.functions.iter())
            .flat_map(|f| f.layout().iter().flat_map(move |&b| &f.block(b).insts))
            .filter_map(|inst| match inst.data {
                InstData::Call { func, base, .. } => Some((func.index(), base)),
                _ => None,
            })
            .collect();
        assert_eq!(calls, [(1, Some(0)), (1, Some(2)), (1, Some(3)), (2, None)]);
    }

    #[test]
    fn code_without_recursion_has_no_bases() {
        let code = Code::new(
            assemble(
                "PUSH @back PUSH 1 PUSH @f JUMP
                 back: STOP
                 f: SWAP1 JUMP",
            )
            .expect("test code assembles"),
        );
        let lifted = lift(&code).expect("lifts");
        assert!((lifted.module.functions.iter()).all(|f| f.stack_base.is_none()));
    }
}
