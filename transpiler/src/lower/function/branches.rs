//! Conditional branches in one instruction where the emitter made two or three: a negated
//! condition (`Not; BrFalse(t)`) branches the other way (`BrTrue(t)`), and a branch over an
//! unconditional one (`BrFalse(next); Branch(u); next:`, how an edge to a block laid out
//! elsewhere leaves) branches there directly (`BrTrue(u)`). Only where no branch lands on
//! the instruction taken out.

use move_binary_format::file_format::Bytecode;

use super::operand_stack::{branch_targets, compact};

/// `code` with its conditional branches folded, branch targets moved to match.
pub fn fold_branches(mut code: Vec<Bytecode>) -> Vec<Bytecode> {
    let targets = branch_targets(&code);
    let mut removed = vec![false; code.len()];
    for at in 0..code.len().saturating_sub(1) {
        if code[at] == Bytecode::Not && !targets[at + 1] {
            if let Some(flipped) = negated(&code[at + 1]) {
                code[at + 1] = flipped;
                removed[at] = true;
            }
        }
    }
    for at in 0..code.len().saturating_sub(1) {
        let over_next = match code[at] {
            Bytecode::BrFalse(t) | Bytecode::BrTrue(t) => usize::from(t) == at + 2,
            _ => false,
        };
        if let (true, Bytecode::Branch(to), false) = (over_next, &code[at + 1], targets[at + 1]) {
            code[at] = match code[at] {
                Bytecode::BrFalse(_) => Bytecode::BrTrue(*to),
                _ => Bytecode::BrFalse(*to),
            };
            removed[at + 1] = true;
        }
    }
    compact(code, &removed)
}

/// The conditional branch taken on the opposite condition, to the same target.
fn negated(instr: &Bytecode) -> Option<Bytecode> {
    match instr {
        Bytecode::BrFalse(t) => Some(Bytecode::BrTrue(*t)),
        Bytecode::BrTrue(t) => Some(Bytecode::BrFalse(*t)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Bytecode::*;

    #[test]
    fn a_negated_branch_over_a_jump_is_one_branch() {
        // 0..=3: `!c` false goes on at 4, else jumps to 7; 4: a block, then 7.
        let code = vec![LdTrue, Not, BrFalse(4), Branch(7), LdU64(1), Pop, Ret, Ret];
        assert_eq!(
            fold_branches(code),
            [LdTrue, BrFalse(5), LdU64(1), Pop, Ret, Ret]
        );
    }

    #[test]
    fn a_jump_something_branches_to_stays() {
        // The jump at 2 is a target of 4: the branch over it stays.
        let code = vec![LdTrue, BrFalse(3), Branch(6), LdFalse, BrFalse(2), Ret, Ret];
        assert_eq!(fold_branches(code.clone()), code);
    }
}
