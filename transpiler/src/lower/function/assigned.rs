//! The locals the code reads where the Move bytecode verifier may find them unassigned.
//!
//! This is a copy of the verifier's own locals-safety analysis (a forward must-analysis of
//! assigned locals over the Move code, joined by intersection), run on the code the lowering
//! emitted. It exists because the IR's dominance does not see every path the verifier sees:
//! dispatch heads and exit pads join edges from several blocks, so a local assigned on every
//! IR path to a read may still be unassigned on some Move path. The driver assigns zero to
//! each local found here in the function's prologue, which the verifier then accepts; it
//! must stay in step with the verifier (Move 0.3.2's `locals_safety`), which is why it
//! works on the emitted bytecode rather than on the IR.

use move_binary_format::file_format::{Bytecode, CodeOffset};

/// The locals the code reads where they may be unassigned, as the verifier's locals-safety
/// analysis sees it: a forward must-analysis of assigned locals, joined by intersection.
pub(super) fn unassigned_reads(
    code: &[Bytecode],
    labels: &[Option<usize>],
    params: usize,
    locals: usize,
) -> Vec<usize> {
    type Set = [u64; 4];
    let target = |label: CodeOffset| labels[usize::from(label)].expect("defined");
    let mut start: Set = [0; 4];
    (0..params).for_each(|l| start[l / 64] |= 1 << (l % 64));
    let mut state: Vec<Option<Set>> = vec![None; code.len() + 1];
    let mut needed = vec![false; locals];
    let mut work = vec![0usize];
    state[0] = Some(start);
    while let Some(i) = work.pop() {
        let Some(mut set) = state[i] else { continue };
        let Some(instr) = code.get(i) else { continue };
        match instr {
            Bytecode::CopyLoc(l) | Bytecode::MoveLoc(l) => {
                let l = usize::from(*l);
                if set[l / 64] & (1 << (l % 64)) == 0 {
                    needed[l] = true;
                }
            }
            Bytecode::StLoc(l) => {
                let l = usize::from(*l);
                set[l / 64] |= 1 << (l % 64);
            }
            _ => {}
        }
        let successors: Vec<usize> = match instr {
            Bytecode::Branch(l) => vec![target(*l)],
            Bytecode::BrTrue(l) | Bytecode::BrFalse(l) => vec![target(*l), i + 1],
            Bytecode::Ret | Bytecode::Abort => vec![],
            _ => vec![i + 1],
        };
        for s in successors {
            let joined = match state[s] {
                None => set,
                Some(old) => std::array::from_fn(|w| old[w] & set[w]),
            };
            if state[s] != Some(joined) {
                state[s] = Some(joined);
                work.push(s);
            }
        }
    }
    (0..locals).filter(|&l| needed[l]).collect()
}
