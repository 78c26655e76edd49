//! Jump resolution by function summaries: the fallback [`super::resolve_jumps`] takes when
//! the context-sensitive exploration of [`super::jumps`] gives up (functions that recurse).
//! It runs function recovery ([`super::functions`]) on candidates found from the code alone
//! and records what that analysis saw as the jump analysis.

use std::collections::BTreeSet;

use revm_bytecode::opcode;

use super::{
    blocks::ends_execution,
    functions::{Candidates, Recovery, Trace},
    jumps::JumpAnalysis,
    stack::label,
};
use crate::evm::Code;

/// Jump resolution by function summaries, for code whose functions recurse: the
/// context-sensitive exploration of [`super::jumps`] carries every return label on the stack,
/// so a function that calls itself enters its entry with an ever higher stack and never
/// reaches a fixpoint. Here each function is analysed once, on its own (its caller's stack
/// unknown), a recursive call taking the function's own summary; the targets of a return
/// are the continuations of the calls of its function. Candidates are found from the code
/// alone (a JUMPDEST not fallen into; one pushed right before a JUMPI is entered
/// conditionally). `None` if the code does not follow the calling convention this needs
/// (a jump whose target is neither a constant nor a return label, mutual recursion, ...).
pub fn resolve_by_summaries(code: &Code) -> Option<JumpAnalysis> {
    let provisional = JumpAnalysis {
        by_summaries: true,
        ..JumpAnalysis::default()
    };
    let mut recovery = Recovery::new(code, &provisional, Candidates::syntactic(code));
    recovery.trace = Some(Trace::default());
    let functions = recovery.functions().ok()?;
    let trace = recovery.trace.take()?;
    let mut analysis = JumpAnalysis {
        targets: trace.targets,
        faults: trace.faults,
        code_copies: trace.code_copies,
        states: trace.states,
        ..provisional
    };
    for function in functions.values() {
        for &start in &function.blocks {
            let block = analysis.block(code, start);
            analysis.blocks.insert(start, block);
        }
        for (&pc, call) in &function.calls {
            for callee in &call.callees {
                analysis.targets.entry(pc).or_default().insert(*callee);
                for &jump in &functions[callee].returns {
                    let targets = analysis.targets.entry(jump).or_default();
                    targets.extend(call.continuation);
                }
            }
        }
    }
    Some(analysis)
}

impl Candidates {
    /// From the code alone: every JUMPDEST after a JUMP or a halt; entered conditionally
    /// if some `PUSH label JUMPI` names it.
    pub(super) fn syntactic(code: &Code) -> Self {
        let mut jumped_to = BTreeSet::new();
        let mut conditionally = BTreeSet::new();
        for pair in code.instructions().windows(2) {
            let (before, at) = (&pair[0], &pair[1]);
            let ends = before.opcode.get() == opcode::JUMP || ends_execution(before);
            if at.opcode.get() == opcode::JUMPDEST && ends {
                jumped_to.insert(at.pc);
            }
            if (opcode::PUSH1..=opcode::PUSH32).contains(&before.opcode.get())
                && at.opcode.get() == opcode::JUMPI
            {
                conditionally.extend(label(code, before.immediate));
            }
        }
        let conditionally = &conditionally & &jumped_to;
        Self {
            jumped_to,
            conditionally,
        }
    }
}
