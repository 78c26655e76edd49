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

use super::{functions::Function as Recovered, ssa::LiftError, stack::STACK_LIMIT};
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
/// which function of the module each entry is). Fails where a frame may pass 1024 items
/// whatever its base: `fn0`'s, or one with a base at base zero; with jumps resolved `by_summaries`
/// only, as otherwise every height is known.
pub(super) fn give_bases(
    module: &mut ir::Module,
    refs: &BTreeMap<Pc, ir::FuncRef>,
    frames: &BTreeMap<Pc, Frame>,
    taking: &BTreeSet<Pc>,
    by_summaries: bool,
) -> Result<(), LiftError> {
    let mut peaks = BTreeMap::new();
    for &entry in frames.keys() {
        let (peak, pc) = peak(entry, frames, taking, &mut peaks);
        if by_summaries && peak > STACK_LIMIT {
            return Err(LiftError::OverflowInFunction { pc });
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
