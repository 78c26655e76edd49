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
//!
//! A branch on solc's check that a sum with a constant wrapped, `gt(x, add(x, c))` (or
//! `lt(add(x, c), x)`, the addition either way round), tests `gt x, 2^256 - 1 - c`: a
//! comparison with a constant, without the sum (which the lowering then need not compute
//! before the branch). Exact: `x + c` wraps exactly when `x > 2^256 - 1 - c`; a sum that does
//! not wrap is at least `x`, one that does is `x + c - 2^256 < x`.
//!
//! A branch on solc's check that a word is a valid address (or any `k`-bit value),
//! `eq(x, and(x, 2^k - 1))`, tests `lt x, 2^k`, one comparison of high halves for an
//! address; on the side where the check held, `x` is its own mask, so the uses of the mask
//! there (in blocks entered through that side alone) read `x`, and the mask is left to what
//! else reads it. So do the masks of `x` keeping its low `k` bits wherever a branch on
//! `lt x, 2^k` was taken (a function inlined after the check masks the address again).

use std::collections::HashMap;

use alloy_primitives::U256;
use revm_bytecode::opcode::{self, OpCode};

use super::dead_code::use_counts;
use crate::ir::{Block, ControlFlowGraph, Dominators, Function, InstData, Terminator, Value};

/// Rewrites every such branch; returns whether it rewrote any.
pub fn simplify_conditions(function: &mut Function) -> bool {
    let defs = Definitions::of(function);
    let uses = use_counts(function);
    let mut changed = false;
    for block in function.layout().to_vec() {
        let Some(Terminator::Branch { cond, .. }) = function.block(block).terminator else {
            continue;
        };
        if let Some((x, mask, bits)) = defs.mask_check(cond) {
            let bound = function.push_inst(block, InstData::Const(U256::ONE << bits), 1)[0];
            let test = op(function, block, opcode::LT, vec![x, bound]);
            if let Some(Terminator::Branch { cond, then, .. }) =
                &mut function.block_mut(block).terminator
            {
                *cond = test;
                // The edge taken where the check held passes `x` for its mask.
                (then.args.iter_mut())
                    .filter(|arg| **arg == mask)
                    .for_each(|arg| *arg = x);
            }
            changed = true;
            continue;
        }
        if let Some((x, c)) = defs.wrapped_sum(cond) {
            let bound = function.push_inst(block, InstData::Const(U256::MAX - c), 1)[0];
            let test = op(function, block, opcode::GT, vec![x, bound]);
            if let Some(Terminator::Branch { cond, .. }) = &mut function.block_mut(block).terminator
            {
                *cond = test;
            }
            changed = true;
            continue;
        }
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
    changed | unmask_bounded_words(function)
}

/// Where a branch on `lt x, 2^k` was taken (the blocks entered through its taken side
/// alone), every mask `and(x, m)` whose constant `m` keeps the low `k` bits is `x`: its
/// uses there read `x`. Whether it replaced any use.
fn unmask_bounded_words(function: &mut Function) -> bool {
    let defs = Definitions::of(function);
    let cfg = ControlFlowGraph::of(function);
    let dominators = Dominators::new(&cfg);
    let mut changed = false;
    for block in function.layout().to_vec() {
        let Some(Terminator::Branch { cond, then, .. }) = &function.block(block).terminator else {
            continue;
        };
        let Some((x, bits)) = defs.bound_check(*cond) else {
            continue;
        };
        let held = then.block;
        if cfg.predecessors(held) != [block] {
            continue;
        }
        let masks = defs.masks_keeping(x, bits);
        if masks.is_empty() {
            continue;
        }
        let region: Vec<Block> = (function.layout().iter().copied())
            .filter(|&b| cfg.is_reachable(b) && dominators.dominates(held, b))
            .collect();
        let mut own = |v: Value| match masks.contains(&v) {
            true => {
                changed = true;
                x
            }
            false => v,
        };
        for b in region {
            let data = function.block_mut(b);
            data.insts
                .iter_mut()
                .for_each(|i| i.data.map_operands(&mut own));
            data.terminator
                .iter_mut()
                .for_each(|t| t.map_operands(&mut own));
        }
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

    /// `(x, mask, k)` if `test` is `eq(x, mask)` (either way round) where `mask` is
    /// `and(x, 2^k - 1)` (either way round) for some `0 < k < 256`.
    fn mask_check(&self, test: Value) -> Option<(Value, Value, usize)> {
        let &[p, q] = self.op(test, opcode::EQ)? else {
            return None;
        };
        let masks = |x: Value, mask: Value| {
            let m = self.constant_with(mask, opcode::AND, x)?;
            let bits = m.bit_len();
            let all_ones = m == (U256::ONE << bits) - U256::ONE;
            (all_ones && (1..256).contains(&bits)).then_some((x, mask, bits))
        };
        masks(p, q).or_else(|| masks(q, p))
    }

    /// `(x, k)` if `test` is `lt(x, 2^k)` for some `0 < k < 256`.
    fn bound_check(&self, test: Value) -> Option<(Value, usize)> {
        let &[x, bound] = self.op(test, opcode::LT)? else {
            return None;
        };
        let bound = self.constants.get(&bound)?;
        let bits = bound.trailing_zeros();
        (bound.count_ones() == 1 && bits > 0).then_some((x, bits))
    }

    /// The masks `and(x, m)` (either way round) whose constant `m` keeps the low `bits`.
    fn masks_keeping(&self, x: Value, bits: usize) -> Vec<Value> {
        let low = (U256::ONE << bits) - U256::ONE;
        (self.ops.keys().copied())
            .filter(|&mask| {
                (self.constant_with(mask, opcode::AND, x)).is_some_and(|m| m & low == low)
            })
            .collect()
    }

    /// `(x, c)` if `test` is `gt(x, add(x, c))` or `lt(add(x, c), x)` (the addition either
    /// way round) of a constant `c`: whether `x + c` wrapped.
    fn wrapped_sum(&self, test: Value) -> Option<(Value, U256)> {
        let (x, sum) = match self.ops.get(&test)? {
            (opcode::GT, args) => (args[0], args[1]),
            (opcode::LT, args) => (args[1], args[0]),
            _ => return None,
        };
        Some((x, self.constant_with(sum, opcode::ADD, x)?))
    }

    /// `c` if `value` is operation `code` of `x` and a constant `c`, either way round.
    fn constant_with(&self, value: Value, code: u8, x: Value) -> Option<U256> {
        let &[p, q] = self.op(value, code)? else {
            return None;
        };
        let other = match (p == x, q == x) {
            (true, _) => q,
            (_, true) => p,
            _ => return None,
        };
        self.constants.get(&other).copied()
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
    fn a_wrapped_sum_check_bounds_the_addend() {
        // `x > x + 5`: `x > 2^256 - 6`; the sum is left to what else reads it.
        let text = optimized(
            "PUSH0 CALLDATALOAD DUP1 PUSH 5 ADD DUP1 SWAP2 GT PUSH @out JUMPI
             PUSH0 MSTORE PUSH 0x20 PUSH0 RETURN
             out: PUSH0 PUSH0 REVERT",
        );
        let bound = format!(
            "const {:#x}",
            alloy_primitives::U256::MAX - alloy_primitives::U256::from(5)
        );
        assert!(text.contains(" = gt ") && text.contains(&bound), "{text}");
        assert!(text.contains(" = add "), "{text}");
    }

    #[test]
    fn an_address_check_is_a_bound_and_its_side_reads_the_word() {
        // `x == x & (2^160 - 1)`: `x < 2^160`; the side where it held stores `x` itself.
        let text = optimized(
            "PUSH0 CALLDATALOAD PUSH 0xffffffffffffffffffffffffffffffffffffffff DUP2 AND
             DUP1 DUP3 EQ PUSH @ok JUMPI PUSH0 PUSH0 REVERT
             ok: PUSH0 MSTORE POP PUSH 0x20 PUSH0 RETURN",
        );
        let bound = format!("const {:#x}", alloy_primitives::U256::ONE << 160);
        assert!(text.contains(" = lt ") && text.contains(&bound), "{text}");
        assert!(
            !text.contains(" = and ") && !text.contains(" = eq "),
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
