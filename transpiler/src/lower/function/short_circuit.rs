//! Branches on a comparison of words that stop at the first half that decides it. The
//! emitter compares words on their u128 halves and combines the halves' outcomes with `And`
//! and `Or` (`a == b` is `a.hi == b.hi && a.lo == b.lo`; `a < b` is `a.hi < b.hi ||
//! (a.hi == b.hi && a.lo < b.lo)`), so a branch on one runs both halves' comparisons. Here a
//! branch on such a combination branches on each half's comparison in turn, the low halves'
//! equality first (counters and loop bounds differ there): a loop's `n != 1` costs four
//! instructions where it cost eight.
//!
//! Exact: each half's comparison loads only locals (`CopyLoc`) and constants, so skipping
//! the ones that cannot change the outcome changes nothing else. The code between a
//! comparison's first load and its branch leaves the operand stack as it found it, empty
//! (the verifier's rule at a branch), so each new branch leaves it empty too; the new
//! branches go where the old one went or to the instruction after it, which the old one
//! fell through to, and no branch lands inside the code replaced.

use move_binary_format::file_format::{Bytecode, CodeOffset};

use super::operand_stack::branch_targets;

/// `code` with its branches on combined comparisons of halves short-circuited, branch
/// targets moved to match.
pub fn short_circuit(code: Vec<Bytecode>) -> Vec<Bytecode> {
    let targets = branch_targets(&code);
    // Per replaced branch (by its offset), the first offset replaced and the new code,
    // whose branch targets are offsets of `code`.
    let mut replaced: Vec<(usize, usize, Vec<Bytecode>)> = Vec::new();
    for at in 0..code.len() {
        let Some((start, new)) = rewrite(&code, at) else {
            continue;
        };
        if (start + 1..=at).any(|i| targets[i]) {
            continue;
        }
        replaced.push((start, at, new));
    }
    if replaced.is_empty() {
        return code;
    }
    // Offsets of `code` → offsets of the result (for each kept instruction and each
    // replaced stretch's first instruction, the only ones branched to).
    let mut moved = vec![0; code.len()];
    let mut out: Vec<Bytecode> = Vec::with_capacity(code.len());
    let mut stretches = replaced.into_iter().peekable();
    let mut at = 0;
    while at < code.len() {
        moved[at] = out.len();
        match stretches.next_if(|(start, _, _)| *start == at) {
            Some((_, end, new)) => {
                out.extend(new);
                at = end + 1;
            }
            None => {
                out.push(code[at].clone());
                at += 1;
            }
        }
    }
    let target = |t: CodeOffset| moved[usize::from(t)] as CodeOffset;
    out.into_iter()
        .map(|instr| match instr {
            Bytecode::Branch(t) => Bytecode::Branch(target(t)),
            Bytecode::BrTrue(t) => Bytecode::BrTrue(target(t)),
            Bytecode::BrFalse(t) => Bytecode::BrFalse(target(t)),
            other => other,
        })
        .collect()
}

/// The code replacing the branch at `at` and the comparisons it tests, if it tests a
/// combination of them: the offset the replaced code starts at, and the new code (branch
/// targets as offsets of `code`; `at + 1` is what the branch fell through to).
fn rewrite(code: &[Bytecode], at: usize) -> Option<(usize, Vec<Bytecode>)> {
    let (taken, if_true) = match code[at] {
        Bytecode::BrTrue(t) => (t, true),
        Bytecode::BrFalse(t) => (t, false),
        _ => return None,
    };
    let next = CodeOffset::try_from(at + 1).ok()?;
    let branch = |on_true: bool, to: CodeOffset| match on_true {
        true => Bytecode::BrTrue(to),
        false => Bytecode::BrFalse(to),
    };
    let combined = code.get(at.checked_sub(1)?)?;
    match combined {
        // `c1 && c2`: the low halves' `c2` first.
        Bytecode::And => {
            let c2 = comparison(code, at - 1)?;
            let c1 = comparison(code, at - 4)?;
            let mut new = c2.to_vec();
            new.push(branch(false, if if_true { next } else { taken }));
            new.extend_from_slice(c1);
            new.push(branch(if_true, taken));
            Some((at - 7, new))
        }
        // `c0 || (c1 && c2)`: the high halves' order, then their equality, then the low
        // halves'.
        Bytecode::Or if code.get(at.checked_sub(2)?) == Some(&Bytecode::And) => {
            let c2 = comparison(code, at - 2)?;
            let c1 = comparison(code, at - 5)?;
            let c0 = comparison(code, at - 8)?;
            let mut new = c0.to_vec();
            new.push(branch(true, if if_true { taken } else { next }));
            new.extend_from_slice(c1);
            new.push(branch(false, if if_true { next } else { taken }));
            new.extend_from_slice(c2);
            new.push(branch(if_true, taken));
            Some((at - 11, new))
        }
        _ => None,
    }
}

/// The comparison of two loads that ends right before `end`: its three instructions.
fn comparison(code: &[Bytecode], end: usize) -> Option<&[Bytecode]> {
    let start = end.checked_sub(3)?;
    let [a, b, op] = &code[start..end] else {
        return None;
    };
    let compares = matches!(
        op,
        Bytecode::Eq | Bytecode::Neq | Bytecode::Lt | Bytecode::Le | Bytecode::Gt | Bytecode::Ge
    );
    (compares && is_load(a) && is_load(b)).then_some(&code[start..end])
}

/// Whether `instr` pushes a copy of a local or a constant, and does nothing else.
fn is_load(instr: &Bytecode) -> bool {
    matches!(
        instr,
        Bytecode::CopyLoc(_)
            | Bytecode::LdU8(_)
            | Bytecode::LdU64(_)
            | Bytecode::LdU128(_)
            | Bytecode::LdTrue
            | Bytecode::LdFalse
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use Bytecode::*;

    /// `a == b` on halves (locals 0, 1 and 2, 3), then `Ret` at 9 and 10.
    fn equal_then(branch: Bytecode) -> Vec<Bytecode> {
        vec![
            CopyLoc(0),
            CopyLoc(2),
            Eq,
            CopyLoc(1),
            CopyLoc(3),
            Eq,
            And,
            branch,
            Ret,
            Ret,
        ]
    }

    #[test]
    fn an_equality_branches_on_the_low_halves_first() {
        let code = short_circuit(equal_then(BrFalse(9)));
        let expected = [
            CopyLoc(1),
            CopyLoc(3),
            Eq,
            BrFalse(9),
            CopyLoc(0),
            CopyLoc(2),
            Eq,
            BrFalse(9),
            Ret,
            Ret,
        ];
        assert_eq!(code, expected);
        let code = short_circuit(equal_then(BrTrue(9)));
        assert_eq!(code[3], BrFalse(8), "unequal low halves fall through");
        assert_eq!(code[7], BrTrue(9));
    }

    #[test]
    fn an_order_branches_on_the_high_halves_first() {
        // `a < b`: locals 0, 1 and 2, 3; then `Ret` at 13 and 14.
        let code = vec![
            CopyLoc(0),
            CopyLoc(2),
            Lt,
            CopyLoc(0),
            CopyLoc(2),
            Eq,
            CopyLoc(1),
            CopyLoc(3),
            Lt,
            And,
            Or,
            BrFalse(13),
            Ret,
            Ret,
        ];
        let expected = [
            CopyLoc(0),
            CopyLoc(2),
            Lt,
            BrTrue(12),
            CopyLoc(0),
            CopyLoc(2),
            Eq,
            BrFalse(13),
            CopyLoc(1),
            CopyLoc(3),
            Lt,
            BrFalse(13),
            Ret,
            Ret,
        ];
        assert_eq!(short_circuit(code), expected);
    }

    #[test]
    fn a_comparison_something_branches_into_stays() {
        let mut code = equal_then(BrFalse(9));
        code[8] = Branch(3);
        assert_eq!(short_circuit(code.clone()), code);
    }

    #[test]
    fn a_comparison_of_a_moved_local_stays() {
        let mut code = equal_then(BrFalse(9));
        code[0] = MoveLoc(0);
        assert_eq!(short_circuit(code.clone()), code);
    }
}
