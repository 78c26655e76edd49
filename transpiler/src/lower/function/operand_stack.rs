//! Values left on Move's operand stack: the emitter stores every result in its local and
//! copies it back for each use, so a value used once, right away, costs a `StLoc` and a
//! `CopyLoc` that cancel out (a native's two halves `StLoc(lo) StLoc(hi) CopyLoc(hi)
//! CopyLoc(lo)`, a comparison's `StLoc(b) CopyLoc(b) BrFalse`). This pass removes such
//! pairs from the finished code, where the local is dead after its read: the value then
//! never leaves the stack, which holds the same values at every remaining instruction as
//! before, so the verifier's stack rules (empty at every block end) still hold.
//!
//! A pair qualifies only inside straight-line code: no branch lands between its `StLoc`s
//! and its loads. Liveness is computed on the code itself, so it sees every read the
//! emitter made (dispatch heads, exit pads, the prologue's zeroing).

use move_binary_format::file_format::{Bytecode, CodeOffset, LocalIndex};

/// `code` without the store-and-reload pairs of values used once, right after they are
/// stored, and never again; branch targets moved to match.
pub fn keep_on_stack(code: Vec<Bytecode>) -> Vec<Bytecode> {
    let targets = branch_targets(&code);
    let live_out = live_locals(&code);
    let mut removed = vec![false; code.len()];
    // `at` is the last store of a run of stores followed by loads of the same locals, the
    // innermost pair first.
    for at in 0..code.len().saturating_sub(1) {
        let mut depth = 0;
        while let Some((store, load)) = at.checked_sub(depth).zip(Some(at + 1 + depth)) {
            let local = match (code.get(store), code.get(load)) {
                (Some(Bytecode::StLoc(x)), Some(Bytecode::CopyLoc(y) | Bytecode::MoveLoc(y)))
                    if x == y =>
                {
                    *x
                }
                _ => break,
            };
            let crosses_label = (store + 1..=load).any(|i| targets[i]);
            if crosses_label || removed[store] || live_out[load].contains(local) {
                break;
            }
            removed[store] = true;
            removed[load] = true;
            depth += 1;
        }
    }
    compact(code, &removed)
}

/// Whether each instruction is a branch's target.
pub(super) fn branch_targets(code: &[Bytecode]) -> Vec<bool> {
    let mut targets = vec![false; code.len()];
    for instr in code {
        if let Some(target) = branch_target(instr) {
            targets[usize::from(target)] = true;
        }
    }
    targets
}

pub(super) fn branch_target(instr: &Bytecode) -> Option<CodeOffset> {
    match instr {
        Bytecode::Branch(t) | Bytecode::BrTrue(t) | Bytecode::BrFalse(t) => Some(*t),
        _ => None,
    }
}

/// The instructions control may reach after `code[at]`.
fn successors(code: &[Bytecode], at: usize) -> impl Iterator<Item = usize> {
    let falls_through = !matches!(
        code[at],
        Bytecode::Branch(_) | Bytecode::Ret | Bytecode::Abort
    );
    let next = (falls_through && at + 1 < code.len()).then_some(at + 1);
    next.into_iter()
        .chain(branch_target(&code[at]).map(usize::from))
}

/// A set of locals (Move allows 256).
#[derive(Clone, Copy, Default, PartialEq, Eq)]
struct Locals([u64; 4]);

impl Locals {
    fn contains(&self, local: LocalIndex) -> bool {
        self.0[usize::from(local / 64)] & (1 << (local % 64)) != 0
    }

    fn insert(&mut self, local: LocalIndex) {
        self.0[usize::from(local / 64)] |= 1 << (local % 64);
    }

    fn remove(&mut self, local: LocalIndex) {
        self.0[usize::from(local / 64)] &= !(1 << (local % 64));
    }

    fn union(&mut self, other: Locals) {
        for (word, other) in self.0.iter_mut().zip(other.0) {
            *word |= other;
        }
    }
}

/// The locals live after each instruction: read on some path before being stored again.
/// A borrowed local counts as read.
fn live_locals(code: &[Bytecode]) -> Vec<Locals> {
    let mut live_in = vec![Locals::default(); code.len()];
    let mut live_out = vec![Locals::default(); code.len()];
    let mut changed = true;
    while changed {
        changed = false;
        for at in (0..code.len()).rev() {
            let mut out = Locals::default();
            for next in successors(code, at) {
                out.union(live_in[next]);
            }
            let mut live = out;
            match code[at] {
                Bytecode::StLoc(x) => live.remove(x),
                Bytecode::CopyLoc(x)
                | Bytecode::MoveLoc(x)
                | Bytecode::ImmBorrowLoc(x)
                | Bytecode::MutBorrowLoc(x) => live.insert(x),
                _ => {}
            }
            live_out[at] = out;
            if live != live_in[at] {
                live_in[at] = live;
                changed = true;
            }
        }
    }
    live_out
}

/// `code` without the instructions `removed` says, its branches retargeted.
pub(super) fn compact(code: Vec<Bytecode>, removed: &[bool]) -> Vec<Bytecode> {
    let mut shift = Vec::with_capacity(code.len());
    let mut gone = 0;
    for &r in removed {
        shift.push(gone);
        gone += CodeOffset::from(r);
    }
    let moved = |t: CodeOffset| t - shift[usize::from(t)];
    (code.into_iter().zip(removed))
        .filter(|(_, &r)| !r)
        .map(|(instr, _)| match instr {
            Bytecode::Branch(t) => Bytecode::Branch(moved(t)),
            Bytecode::BrTrue(t) => Bytecode::BrTrue(moved(t)),
            Bytecode::BrFalse(t) => Bytecode::BrFalse(moved(t)),
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Bytecode::*;

    #[test]
    fn a_value_used_once_right_away_stays_on_the_stack() {
        // A native's two halves, read once each, in the order they were pushed.
        let code = vec![
            LdU128(1),
            LdU128(2),
            StLoc(1),
            StLoc(0),
            CopyLoc(0),
            CopyLoc(1),
            Add,
            Pop,
            Ret,
        ];
        assert_eq!(keep_on_stack(code), [LdU128(1), LdU128(2), Add, Pop, Ret]);
    }

    #[test]
    fn a_value_read_again_keeps_its_local() {
        // Local 1 is read again after the pair; local 0 only in the pair, inside it.
        let code = vec![
            LdU128(1),
            LdU128(2),
            StLoc(1),
            StLoc(0),
            CopyLoc(0),
            CopyLoc(1),
            Add,
            CopyLoc(1),
            Add,
            Pop,
            Ret,
        ];
        assert_eq!(
            keep_on_stack(code),
            [
                LdU128(1),
                LdU128(2),
                StLoc(1),
                CopyLoc(1),
                Add,
                CopyLoc(1),
                Add,
                Pop,
                Ret
            ]
        );
    }

    #[test]
    fn a_read_after_a_loop_back_keeps_its_local() {
        // 0: the loop head reads local 0, stored in the loop's body before the back edge.
        let code = vec![
            CopyLoc(0),
            Pop,
            LdTrue,
            StLoc(1),
            CopyLoc(1),
            BrFalse(9),
            LdU128(5),
            StLoc(0),
            Branch(0),
            LdU128(6),
            StLoc(0),
            CopyLoc(0),
            Pop,
            Ret,
        ];
        // The bool goes; local 0's pair at 10 and 11 goes too (nothing reads it after),
        // the store at 7 stays (the head reads it), and branches move.
        assert_eq!(
            keep_on_stack(code),
            [
                CopyLoc(0),
                Pop,
                LdTrue,
                BrFalse(7),
                LdU128(5),
                StLoc(0),
                Branch(0),
                LdU128(6),
                Pop,
                Ret,
            ]
        );
    }

    #[test]
    fn a_branch_into_the_pair_keeps_it() {
        let code = vec![
            LdFalse,
            BrFalse(4),
            LdU128(1),
            StLoc(0),
            CopyLoc(0),
            Pop,
            Ret,
        ];
        assert_eq!(keep_on_stack(code.clone()), code);
    }
}
