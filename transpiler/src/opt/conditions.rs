//! Branch conditions that need no 256-bit arithmetic. A branch on `d = sub a, b`, nothing
//! else reading `d`, tests whether `a != b`: it becomes a branch on `eq a, b` with its two
//! sides swapped, a comparison the lowering makes on u128 halves instead of a native call
//! (solc's loops test `n != 1` so: `sub n, 1`). The subtraction is then dead code.
//!
//! Where that subtraction is solc's check that a product by a constant did not overflow,
//! `sub(div(mul(c, x), c), x)` (either way round) for a constant `c ≠ 0`, the branch tests
//! `gt x, (2^256 - 1) / c` instead, and the division goes too. Exact: a product that does
//! not overflow divides back to `x`; one that does is `c * x - k * 2^256` for some `k ≥ 1`,
//! less than `c * x`, so its quotient by `c` is less than `x`. And `c * x` overflows exactly
//! when `x > (2^256 - 1) / c` (rounded down).

use std::collections::HashMap;

use alloy_primitives::U256;
use revm_bytecode::opcode::{self, OpCode};

use super::dead_code::use_counts;
use crate::ir::{Block, Function, InstData, Terminator, Value};

/// Rewrites every such branch; returns whether it rewrote any.
pub fn simplify_conditions(function: &mut Function) -> bool {
    let defs = Definitions::of(function);
    let uses = use_counts(function);
    let mut changed = false;
    for block in function.layout().to_vec() {
        let Some(Terminator::Branch { cond, .. }) = function.block(block).terminator else {
            continue;
        };
        let Some(&[a, b]) = defs.op(cond, opcode::SUB) else {
            continue;
        };
        if uses.get(&cond) != Some(&1) {
            continue;
        }
        let overflow = defs
            .product_check(a, b)
            .or_else(|| defs.product_check(b, a));
        let test = match overflow {
            Some((x, c)) => {
                let bound = function.push_inst(block, InstData::Const(U256::MAX / c), 1)[0];
                op(function, block, opcode::GT, vec![x, bound])
            }
            None => op(function, block, opcode::EQ, vec![a, b]),
        };
        let Some(Terminator::Branch {
            cond,
            then,
            otherwise,
        }) = &mut function.block_mut(block).terminator
        else {
            unreachable!("matched above");
        };
        *cond = test;
        if overflow.is_none() {
            // `a == b` is the case the subtraction's zero took.
            std::mem::swap(then, otherwise);
        }
        changed = true;
    }
    changed
}

/// Appends `op args` to `block`; its result.
fn op(function: &mut Function, block: Block, code: u8, args: Vec<Value>) -> Value {
    let op = OpCode::new(code).expect("an opcode");
    function.push_inst(block, InstData::Op { op, args }, 1)[0]
}

/// The constants and the one-result operations of a function, by the value they define.
struct Definitions {
    constants: HashMap<Value, U256>,
    ops: HashMap<Value, (u8, Vec<Value>)>,
}

impl Definitions {
    fn of(function: &Function) -> Self {
        let mut defs = Definitions {
            constants: HashMap::new(),
            ops: HashMap::new(),
        };
        for &block in function.layout() {
            for inst in &function.block(block).insts {
                match (&inst.data, &inst.results[..]) {
                    (InstData::Const(c), &[result]) => {
                        defs.constants.insert(result, *c);
                    }
                    (InstData::Op { op, args }, &[result]) => {
                        defs.ops.insert(result, (op.get(), args.clone()));
                    }
                    _ => {}
                }
            }
        }
        defs
    }

    /// The arguments of `value` if it is operation `code`.
    fn op(&self, value: Value, code: u8) -> Option<&[Value]> {
        match self.ops.get(&value) {
            Some((op, args)) if *op == code => Some(args),
            _ => None,
        }
    }

    /// `(x, c)` if `quotient` is `div(mul(c, x), c)` (or `mul(x, c)`) of a constant `c ≠ 0`
    /// and `x` is `factor`.
    fn product_check(&self, quotient: Value, factor: Value) -> Option<(Value, U256)> {
        let &[product, divisor] = self.op(quotient, opcode::DIV)? else {
            return None;
        };
        let c = *self.constants.get(&divisor).filter(|c| !c.is_zero())?;
        let &[p, q] = self.op(product, opcode::MUL)? else {
            return None;
        };
        let is_c = |v: Value| v == divisor || self.constants.get(&v) == Some(&c);
        let x = match (is_c(p), is_c(q)) {
            (true, _) if q == factor => q,
            (_, true) if p == factor => p,
            _ => return None,
        };
        Some((x, c))
    }
}

#[cfg(test)]
mod tests {
    use crate::opt::tests::optimized;

    #[test]
    fn a_branch_on_a_difference_compares() {
        // `n - 1`, read only by the branch: `n == 1` with the sides swapped.
        let text = optimized(
            "PUSH0 CALLDATALOAD PUSH 1 SWAP1 SUB PUSH @ne JUMPI
             PUSH 7 PUSH0 MSTORE PUSH 0x20 PUSH0 RETURN
             ne: STOP",
        );
        assert!(
            text.contains(" = eq ") && !text.contains(" = sub "),
            "{text}"
        );
        let equal_side = text.find("mstore").expect("the side where n is 1");
        let branch = text.find("branch").expect("the branch");
        assert!(branch < equal_side, "{text}");
    }

    #[test]
    fn a_product_check_bounds_the_factor() {
        // `3 * x / 3 != x`: `x > (2^256 - 1) / 3`; the division goes, the product stays.
        let text = optimized(
            "PUSH0 CALLDATALOAD DUP1 PUSH 3 MUL PUSH 3 DUP2 DIV DUP3 SUB PUSH @out JUMPI
             PUSH0 MSTORE PUSH 0x20 PUSH0 RETURN
             out: PUSH0 PUSH0 REVERT",
        );
        let bound = format!(
            "const {:#x}",
            alloy_primitives::U256::MAX / alloy_primitives::U256::from(3)
        );
        assert!(text.contains(" = gt ") && text.contains(&bound), "{text}");
        assert!(
            !text.contains(" = div ") && text.contains(" = mul "),
            "{text}"
        );
    }

    #[test]
    fn a_difference_read_elsewhere_is_left() {
        // `n - 1` is also returned: the branch keeps testing it.
        let text = optimized(
            "PUSH0 CALLDATALOAD PUSH 1 SWAP1 SUB DUP1 PUSH @ne JUMPI
             PUSH0 MSTORE PUSH 0x20 PUSH0 RETURN
             ne: STOP",
        );
        assert!(
            text.contains(" = sub ") && !text.contains(" = eq "),
            "{text}"
        );
    }
}
