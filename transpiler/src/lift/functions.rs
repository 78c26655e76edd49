//! Internal function recovery: which code is a function, taking how many stack slots and
//! leaving how many, so that it becomes one IR function (and one Move function) rather than
//! a copy inside every caller.
//!
//! Compilers call an internal function by pushing a return label, then the arguments, then
//! jumping to the function's entry; the function returns by jumping to the label it finds
//! below its arguments, leaving its results in their place. Recovery follows that
//! convention, and checks it instead of trusting it:
//!
//! - **Candidates** are blocks entered by jumps, never by falling through: join points inside
//!   an expression (solc's `?:`, `&&`, `||`) are entered by falling through, so they are not
//!   mistaken for functions. Nor are the targets of a jump computed from data that jump
//!   resolution sent to every JUMPDEST ([`JumpAnalysis::computed`]): such a jump enters them
//!   with whatever stack it has, not by the calling convention. A block that is also the target of a JUMPI is a function only if
//!   it never returns (via-IR branches straight into its `panic_error_*` helpers).
//! - **Summaries.** A candidate is analysed on its own, its caller's stack unknown: reading
//!   below what it pushed brings in entry slots, `Entry(1)` being the top at entry. A jump to
//!   `Entry(k)` is a return; every return must agree on `k` and on the number of slots left
//!   above the caller's part (the results), and no path may read deeper than `k`. The
//!   function then takes `k` slots (its arguments and the return label) and leaves its
//!   results. A candidate that never returns (every path halts) takes the slots it reads.
//!   A candidate whose analysis fails is not a function: jumps to it stay jumps. The analysis
//!   stops as soon as it must fail (returns that already disagree, ...): via-IR code jumps to
//!   its join points, which look like candidates, and each would otherwise explore the rest
//!   of its function.
//! - **Calls.** In a function under analysis, a jump to a candidate `f` is a call when `f`'s
//!   summary holds and the slot where `f` will find its return label holds a label: the path
//!   continues at that label with `f`'s results in place of its inputs. A call of a function
//!   that never returns ends the path. A jump to a candidate whose analysis is under way
//!   (recursion, or a loop head inside it) stays a jump.
//!
//! - **Recursion.** Where jump resolution had to fall back on summaries because functions
//!   recurse ([`JumpAnalysis::by_summaries`], built by [`super::summaries`] with this
//!   same analysis), a jump of a function under analysis to its own entry is a call: first
//!   taken for one that never returns; if the function returns, it is analysed again with
//!   the summary found for its recursive calls, and must come out with the same one. A jump
//!   into a function under analysis further out (mutual recursion) fails the analysis.
//!   Recursive functions lift to IR functions that call themselves, taking the height of
//!   the stack below their frames as a parameter (`super::bases`): where deep recursion
//!   could reach the EVM's 1024-slot limit, the frame runs again in universal form.
//!
//! Function bodies are explored per context with the same block semantics as jump
//! resolution ([`super::stack`]), including what JUMPI conditions imply; a jump whose target
//! is neither a constant nor an entry slot takes the targets jump resolution found for it.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::{
    blocks::BlockExit,
    jumps::JumpAnalysis,
    stack::{label, Below, BlockStack, Budget, Contexts, Slot, Stack, Tracked},
};
use crate::{
    evm::{Code, Pc},
    ir::Fault,
};

/// A recovered function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    /// Its first block.
    pub entry: Pc,
    /// How many slots it takes from its caller's stack: its arguments, and its return label
    /// if it returns. Zero for the code run from offset 0.
    pub inputs: usize,
    /// How many slots it leaves in place of its inputs when it returns; `None` if it never
    /// returns.
    pub outputs: Option<usize>,
    /// Its blocks, by start.
    pub blocks: BTreeSet<Pc>,
    /// Its calls, by the offset of the calling jump.
    pub calls: BTreeMap<Pc, Call>,
    /// Its return jumps.
    pub returns: BTreeSet<Pc>,
    /// The inputs it uses as data (not only pops, or jumps to), by depth at entry (1 = top).
    pub inputs_used: BTreeSet<usize>,
}

/// A call of a recovered function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// The functions called (more than one through a function pointer).
    pub callees: BTreeSet<Pc>,
    /// Where the caller continues; `None` if the callee never returns.
    pub continuation: Option<Pc>,
}

/// Function recovery failed for the code run from offset 0.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FunctionError {
    /// A jump jump resolution did not see: the two analyses disagree.
    #[error("{pc}: a jump the jump analysis did not resolve")]
    Unresolved {
        /// The jump.
        pc: Pc,
    },
    /// The analyses together explored more than their budget.
    #[error("function analysis gave up after {} steps", Budget::STEPS)]
    OverBudget,
    /// The code at an entry does not follow the calling convention: its returns disagree on
    /// the stack they leave, or a path reads below its return label.
    #[error("{entry}: not a function: its returns disagree or it reads its caller's stack")]
    NotAFunction {
        /// The entry.
        entry: Pc,
    },
}

/// Recovers the functions of `code`: the code run from offset 0 (at [`Pc`] 0), and every
/// function it calls, directly or not.
pub fn recover_functions(
    code: &Code,
    jumps: &JumpAnalysis,
) -> Result<BTreeMap<Pc, Function>, FunctionError> {
    let mut recovery = Recovery::new(code, jumps, Candidates::new(code, jumps));
    recovery.functions()
}

impl Recovery<'_> {
    /// The code run from offset 0 and every function it calls, directly or not.
    pub(super) fn functions(&mut self) -> Result<BTreeMap<Pc, Function>, FunctionError> {
        let main = self.analyse(Pc(0))?;
        let mut functions = BTreeMap::new();
        let mut pending = vec![main];
        while let Some(function) = pending.pop() {
            for callee in function.calls.values().flat_map(|call| &call.callees) {
                if !functions.contains_key(callee) && !pending.iter().any(|f| f.entry == *callee) {
                    let summary = self.summaries[callee].clone();
                    pending.push(summary.expect("only functions are called"));
                }
            }
            functions.insert(function.entry, function);
        }
        Ok(functions)
    }
}

/// The blocks that may be function entries.
pub(super) struct Candidates {
    /// Entered by jumps only.
    pub(super) jumped_to: BTreeSet<Pc>,
    /// Of those, the ones some JUMPI also enters: functions only if they never return.
    pub(super) conditionally: BTreeSet<Pc>,
}

impl Candidates {
    fn new(code: &Code, jumps: &JumpAnalysis) -> Self {
        let mut jumped_to = BTreeSet::new();
        let mut conditionally = BTreeSet::new();
        let mut fallen_into = BTreeSet::from([Pc(0)]);
        for block in jumps.blocks.values() {
            let jump = code.instructions()[block.instructions.end - 1].pc;
            let targets = jumps.targets.get(&jump).into_iter().flatten();
            // Entered with any stack: as good as fallen into.
            let computed = jumps.computed.contains(&jump);
            match block.exit {
                BlockExit::Jump if computed => fallen_into.extend(targets),
                BlockExit::Jump => jumped_to.extend(targets),
                BlockExit::JumpIf { fallthrough } => {
                    fallen_into.insert(fallthrough);
                    if computed {
                        fallen_into.extend(targets);
                    } else {
                        conditionally.extend(targets);
                    }
                }
                BlockExit::FallThrough(next) => {
                    fallen_into.insert(next);
                }
                BlockExit::Halt => {}
            }
        }
        jumped_to.extend(&conditionally);
        Self {
            jumped_to: &jumped_to - &fallen_into,
            conditionally: &conditionally - &fallen_into,
        }
    }
}

/// What a [`resolve_by_summaries`](super::summaries::resolve_by_summaries) analysis saw: the targets of the jumps it followed (all
/// but returns), faults, copies of code.
#[derive(Default)]
pub(super) struct Trace {
    pub(super) targets: BTreeMap<Pc, BTreeSet<Pc>>,
    pub(super) faults: BTreeMap<Pc, Fault>,
    pub(super) code_copies: BTreeSet<(usize, usize)>,
    pub(super) states: usize,
}

pub(super) struct Recovery<'a> {
    code: &'a Code,
    jumps: &'a JumpAnalysis,
    candidates: Candidates,
    /// Analysed candidates: `None` for those that are not functions.
    summaries: BTreeMap<Pc, Option<Function>>,
    in_progress: BTreeSet<Pc>,
    /// Shared by every function's analysis.
    budget: Budget,
    /// The functions under analysis, innermost last.
    stack: Vec<Pc>,
    /// Jumps resolved by summaries ([`JumpAnalysis::by_summaries`]): a function may call
    /// itself. Its first analysis takes such a call for one that never returns; if the
    /// function then returns, it is analysed again with the summary found (its inputs and
    /// outputs) for its recursive calls, which must come out the same.
    recursive: bool,
    /// The summary a function under analysis is assumed to have, for its recursive calls.
    assumed: BTreeMap<Pc, (usize, Option<usize>)>,
    /// Whether the innermost function's analysis met a recursive call.
    recursed: bool,
    /// Whether the innermost function's analysis jumped into a function under analysis
    /// further out: it fails.
    abandoned: bool,
    /// For [`resolve_by_summaries`](super::summaries::resolve_by_summaries): what the
    /// analyses saw.
    pub(super) trace: Option<Trace>,
}

/// A path under analysis: a block, the stack it is entered with, and what lies below.
type State = (Pc, Stack, Below);

impl<'a> Recovery<'a> {
    pub(super) fn new(code: &'a Code, jumps: &'a JumpAnalysis, candidates: Candidates) -> Self {
        Self {
            code,
            jumps,
            candidates,
            summaries: BTreeMap::new(),
            in_progress: BTreeSet::new(),
            budget: Budget::new(),
            stack: Vec::new(),
            recursive: jumps.by_summaries,
            assumed: BTreeMap::new(),
            recursed: false,
            abandoned: false,
            trace: None,
        }
    }

    /// The function at candidate `entry`, analysed on first use.
    fn summary(&mut self, entry: Pc) -> Option<&Function> {
        if !self.summaries.contains_key(&entry) {
            let function = self.analyse(entry).ok();
            self.summaries.insert(entry, function);
        }
        self.summaries[&entry].as_ref()
    }

    /// Analyses the code at `entry` as a function.
    fn analyse(&mut self, entry: Pc) -> Result<Function, FunctionError> {
        self.in_progress.insert(entry);
        self.stack.push(entry);
        let outer = std::mem::replace(&mut self.recursed, false);
        let outer_abandoned = std::mem::replace(&mut self.abandoned, false);
        let mut result = self.explore(entry);
        if let Ok(function) = &result {
            if self.recursed && function.outputs.is_some() {
                let summary = (function.inputs, function.outputs);
                self.assumed.insert(entry, summary);
                result = self.explore(entry).and_then(|function| {
                    match (function.inputs, function.outputs) == summary {
                        true => Ok(function),
                        false => Err(FunctionError::NotAFunction { entry }),
                    }
                });
                self.assumed.remove(&entry);
            }
        }
        self.recursed = outer;
        self.abandoned = outer_abandoned;
        self.stack.pop();
        self.in_progress.remove(&entry);
        result
    }

    fn explore(&mut self, entry: Pc) -> Result<Function, FunctionError> {
        let below = if entry == Pc(0) {
            Below::Nothing
        } else {
            Below::Caller { materialized: 0 }
        };
        let mut function = Function {
            entry,
            inputs: 0,
            outputs: None,
            blocks: BTreeSet::new(),
            calls: BTreeMap::new(),
            returns: BTreeSet::new(),
            inputs_used: BTreeSet::new(),
        };
        let mut returns = BTreeSet::new();
        let mut deepest = 0;
        let mut contexts = Contexts::new();
        contexts.admit(self.code, entry, below, Stack::from([]));
        let mut queue = VecDeque::from([(entry, Stack::from([]), below)]);

        // A candidate some JUMPI enters is a function only if it never returns.
        let must_not_return = self.candidates.conditionally.contains(&entry);
        while let Some((start, stack, below)) = queue.pop_front() {
            if self.abandoned || doomed(&returns, deepest, must_not_return) {
                return Err(FunctionError::NotAFunction { entry });
            }
            function.blocks.insert(start);
            let block = self.jumps.block(self.code, start);
            if !self.budget.charge(block.instructions.len()) {
                return Err(FunctionError::OverBudget);
            }
            let mut stack = BlockStack::new(self.code, &stack, below);
            let end = stack.run(&block);
            if let Some(trace) = &mut self.trace {
                trace.states += 1;
                trace.code_copies.extend(stack.code_copies.iter().copied());
                if let Err((pc, fault)) = end {
                    trace.faults.insert(pc, fault);
                }
            }
            function
                .inputs_used
                .extend(stack.entries_used.iter().map(|&depth| usize::from(depth)));
            if let Below::Caller { materialized } = stack.below {
                deepest = deepest.max(usize::from(materialized));
            }
            let mut successors = Vec::new();
            // A fault halts the path, as it halts the EVM.
            let exits = match end {
                Ok(end) => stack.exits(end),
                Err(_) => continue,
            };
            if let Some((next, stack)) = exits.next {
                successors.push((next, stack.at_block_boundary(), stack.below));
            }
            let taken = exits.jump;
            if let Some((pc, target, taken)) = taken {
                self.jump(
                    &mut function,
                    &mut returns,
                    pc,
                    target,
                    &taken,
                    &mut successors,
                )?;
            }
            for (next, stack, below) in successors {
                if !self.budget.offer(stack.len()) {
                    return Err(FunctionError::OverBudget);
                }
                if let Some(stack) = contexts.admit(self.code, next, below, stack) {
                    queue.push_back((next, stack, below));
                }
            }
        }

        match returns.into_iter().collect::<Vec<_>>().as_slice() {
            [] => function.inputs = deepest,
            &[(inputs, outputs)] if deepest <= inputs => {
                function.inputs = inputs;
                function.outputs = Some(outputs);
            }
            // Returns that disagree, or a path reading below the frame.
            _ => return Err(FunctionError::NotAFunction { entry }),
        }
        Ok(function)
    }

    /// Follows a jump at `pc` to `target` taken with `stack`: a return, a call, or a jump
    /// inside the function.
    fn jump(
        &mut self,
        function: &mut Function,
        returns: &mut BTreeSet<(usize, usize)>,
        pc: Pc,
        target: Tracked,
        stack: &BlockStack<'_>,
        successors: &mut Vec<State>,
    ) -> Result<(), FunctionError> {
        let slots = stack.at_block_boundary();
        let targets: Vec<Pc> = match target.slot {
            Slot::Entry(k) => {
                function.returns.insert(pc);
                let Below::Caller { materialized } = stack.below else {
                    unreachable!("entry slots come from the caller's stack");
                };
                // Anything read below the return label is the caller's, and the label is
                // control, not a result (solc's legacy getters leave a copy of it): neither
                // is a function's.
                let keeps_label = slots.contains(&Slot::Entry(k));
                let depth = if materialized > k || keeps_label {
                    usize::MAX
                } else {
                    usize::from(k)
                };
                returns.insert((depth, slots.len()));
                return Ok(());
            }
            Slot::Const(value) => {
                let target = label(self.code, value);
                if let Some(trace) = &mut self.trace {
                    match target {
                        Some(target) => {
                            trace.targets.entry(pc).or_default().insert(target);
                        }
                        None => {
                            trace.faults.insert(pc, Fault::InvalidJumpTarget(value));
                        }
                    }
                }
                target.into_iter().collect()
            }
            Slot::Unknown => self
                .jumps
                .targets
                .get(&pc)
                .ok_or(FunctionError::Unresolved { pc })?
                .iter()
                .copied()
                .collect(),
        };
        for target in targets {
            if let Some(call) = self.call(target, &slots) {
                let entry = function.calls.entry(pc).or_insert_with(|| Call {
                    callees: BTreeSet::new(),
                    continuation: call.continuation,
                });
                entry.callees.insert(target);
                if let (Some(continuation), Some(after)) = (call.continuation, call.after) {
                    successors.push((continuation, after, stack.below));
                }
            } else {
                successors.push((target, slots.clone(), stack.below));
            }
        }
        Ok(())
    }

    /// The call a jump to `target` with `slots` makes, if it is one.
    fn call(&mut self, target: Pc, slots: &Stack) -> Option<CallEdge> {
        if !self.candidates.jumped_to.contains(&target) {
            return None;
        }
        let conditionally = self.candidates.conditionally.contains(&target);
        let (inputs, outputs) = if self.in_progress.contains(&target) {
            // Recursion (or a loop head): a call only where functions may recurse, and only
            // of the innermost function.
            if !self.recursive {
                return None;
            }
            if self.stack.last() != Some(&target) || conditionally {
                // Into a function under analysis further out (mutual recursion, or a branch
                // of a function analysed as one): not a summary this can find.
                self.abandoned = true;
                return None;
            }
            self.recursed = true;
            // Until the function is found to return, its recursive calls are taken for
            // calls that never do.
            self.assumed.get(&target).copied().unwrap_or((0, None))
        } else {
            let callee = self.summary(target)?;
            (callee.inputs, callee.outputs)
        };
        if conditionally && outputs.is_some() {
            return None;
        }
        let code = self.code;
        let base = slots.len().checked_sub(inputs)?;
        let Some(outputs) = outputs else {
            return Some(CallEdge {
                continuation: None,
                after: None,
            });
        };
        let Slot::Const(value) = slots[base] else {
            return None;
        };
        let continuation = label(code, value)?;
        let after = slots[..base]
            .iter()
            .copied()
            .chain(std::iter::repeat_n(Slot::Unknown, outputs))
            .collect();
        Some(CallEdge {
            continuation: Some(continuation),
            after: Some(after),
        })
    }
}

/// Whether the analysis of a candidate can no longer end in a summary a call could use, so
/// that exploring on is wasted: two returns disagree, a return keeps or reads below its label
/// (`usize::MAX`), a path read below the one return's label, or a candidate that must never
/// return returns. Returns and the depth read only grow, so this stays true. Via-IR code
/// jumps to its join points and loop heads, which therefore look like entries; analysed as
/// functions, each would explore the rest of its enclosing function (quadratic in its size)
/// before failing, where it now stops at the first return.
fn doomed(returns: &BTreeSet<(usize, usize)>, deepest: usize, must_not_return: bool) -> bool {
    match returns.iter().collect::<Vec<_>>().as_slice() {
        [] => false,
        _ if must_not_return => true,
        [&(inputs, _)] => inputs == usize::MAX || deepest > inputs,
        _ => true,
    }
}

/// Where a call continues, and with what stack.
struct CallEdge {
    continuation: Option<Pc>,
    after: Option<Stack>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{evm::assemble, lift::resolve_jumps};

    fn recover(text: &str) -> BTreeMap<Pc, Function> {
        let code = Code::new(assemble(text).expect("test code assembles"));
        let jumps = resolve_jumps(&code).expect("jumps resolve");
        recover_functions(&code, &jumps).expect("functions recover")
    }

    /// Each function as (entry, inputs, outputs, calls as (jump, callees, continuation)).
    type Shape = (u32, usize, Option<usize>, Vec<(u32, Vec<u32>, Option<u32>)>);

    fn shapes(functions: &BTreeMap<Pc, Function>) -> Vec<Shape> {
        functions
            .values()
            .map(|f| {
                let calls = f
                    .calls
                    .iter()
                    .map(|(jump, call)| {
                        let callees = call.callees.iter().map(|c| c.0).collect();
                        (jump.0, callees, call.continuation.map(|c| c.0))
                    })
                    .collect();
                (f.entry.0, f.inputs, f.outputs, calls)
            })
            .collect()
    }

    #[test]
    fn a_called_function_takes_its_arguments_and_return_label_and_leaves_its_result() {
        // add2(a, b) = a + b, called twice; its return label sits below its two arguments.
        let functions = recover(
            "PUSH @back1 PUSH 1 PUSH 2 PUSH @add2 JUMP
             back1: PUSH @back2 SWAP1 PUSH 3 PUSH @add2 JUMP
             back2: STOP
             add2: ADD SWAP1 JUMP",
        );
        assert_eq!(
            shapes(&functions),
            [
                (
                    0,
                    0,
                    None,
                    vec![(10, vec![24], Some(11)), (21, vec![24], Some(22))]
                ),
                (24, 3, Some(1), vec![]),
            ]
        );
        assert_eq!(functions[&Pc(24)].returns, BTreeSet::from([Pc(27)]));
    }

    #[test]
    fn a_function_that_always_reverts_never_returns() {
        // fail(code) reverts; the caller reaches it by a JUMPI, as via-IR's panic helpers are.
        let functions = recover(
            "PUSH 0x11 CALLDATASIZE PUSH @fail JUMPI STOP
             fail: PUSH 0 MSTORE PUSH 32 PUSH 0 REVERT",
        );
        assert_eq!(
            shapes(&functions),
            [(0, 0, None, vec![(6, vec![8], None)]), (8, 1, None, vec![])]
        );
    }

    #[test]
    fn a_join_point_entered_by_falling_through_is_not_a_function() {
        // `join` is reached by a jump and by falling through: it stays part of its caller.
        // (`back`, entered only by a jump and halting, is a function that never returns.)
        let functions = recover(
            "PUSH @back CALLDATASIZE PUSH @other JUMPI PUSH 1 PUSH @join JUMP
             other: PUSH 2
             join: SWAP1 JUMP
             back: STOP",
        );
        assert_eq!(
            shapes(&functions),
            [
                (0, 0, None, vec![(19, vec![20], None)]),
                (20, 0, None, vec![])
            ]
        );
        assert!(functions[&Pc(0)].blocks.contains(&Pc(17)), "join is main's");
    }

    /// fib(calldata[0]), returned as a word; fib(n) = n < 2 ? n : fib(n - 1) + fib(n - 2),
    /// a function calling itself twice, its return label below its argument.
    const RECURSIVE_FIB: &str = "
        PUSH @done PUSH 0 CALLDATALOAD PUSH @fib JUMP
        done: PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN
        fib: DUP1 PUSH 2 GT PUSH @base JUMPI             ; [ret, n]
             PUSH @one DUP2 PUSH 1 SWAP1 SUB PUSH @fib JUMP
        one: PUSH @two DUP3 PUSH 2 SWAP1 SUB PUSH @fib JUMP  ; [ret, n, fib(n - 1)]
        two: ADD SWAP1 POP SWAP1 JUMP                    ; [ret, n, fib(n - 1), fib(n - 2)]
        base: SWAP1 JUMP";

    #[test]
    fn a_recursive_function_calls_itself() {
        let code = Code::new(assemble(RECURSIVE_FIB).expect("test code assembles"));
        let jumps = resolve_jumps(&code).expect("jumps resolve");
        assert!(jumps.by_summaries, "the stack grows: resolved by summaries");
        let functions = recover_functions(&code, &jumps).expect("functions recover");
        // main calls fib (at 19), which calls itself from two sites and returns to each.
        assert_eq!(
            shapes(&functions),
            [
                (0, 0, None, vec![(9, vec![19], Some(10))]),
                (
                    19,
                    2,
                    Some(1),
                    vec![(39, vec![19], Some(40)), (52, vec![19], Some(53))]
                ),
            ]
        );
        let ret = *functions[&Pc(19)].returns.first().expect("fib returns");
        assert_eq!(
            jumps.targets[&ret],
            BTreeSet::from([Pc(10), Pc(40), Pc(53)])
        );
        crate::lift::lift(&code).expect("lifts to IR that verifies");
    }

    #[test]
    fn code_that_reads_below_its_return_label_is_not_a_function() {
        // `peek` returns to the label under its argument but also reads the slot below it.
        let functions = recover(
            "PUSH 9 PUSH @back PUSH 1 PUSH @peek JUMP
             back: STOP
             peek: DUP3 ADD SWAP1 JUMP",
        );
        assert!(!functions.contains_key(&Pc(13)));
        assert!(functions[&Pc(0)].blocks.contains(&Pc(13)), "peek is main's");
    }
}
