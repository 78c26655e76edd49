//! Size checks: solc's ABI decoders check that the calldata holds the arguments with
//! `slt(sub(calldatasize, head), n)` (fewer than `n` bytes after the head at offset `head`):
//! a 256-bit subtraction, a native call, and a signed comparison. Where the size is one the
//! EVM bounds below 2^64 (CALLDATASIZE, RETURNDATASIZE, CODESIZE, MSIZE) and `head` and `n`
//! are constants below 2^64, the check is `lt(size, head + n)`, which the lowering compares
//! on one u128; the subtraction, if nothing else reads it, is then dead code.
//!
//! Why that is exact, with `size < 2^64` and `head, n < 2^64`: if `size ≥ head`, the
//! difference is `size - head`, non-negative and below 2^64, so the signed comparison is the
//! unsigned `size - head < n`, that is `size < head + n`. If `size < head`, the difference
//! wraps to `2^256 - (head - size)` with `head - size ≤ 2^64`: negative, so less than the
//! non-negative `n`; and `size < head ≤ head + n` is true too.

use std::collections::HashMap;

use alloy_primitives::U256;
use revm_bytecode::opcode::{self, OpCode};

use crate::ir::{Function, InstData, Value};

/// Rewrites every such check; returns whether it rewrote any.
pub fn fold_size_checks(function: &mut Function) -> bool {
    let mut constants: HashMap<Value, U256> = HashMap::new();
    let mut sizes: Vec<Value> = Vec::new();
    let mut differences: HashMap<Value, (Value, Value)> = HashMap::new();
    for &block in function.layout() {
        for inst in &function.block(block).insts {
            match (&inst.data, &inst.results[..]) {
                (InstData::Const(c), [result]) => {
                    constants.insert(*result, *c);
                }
                (InstData::Op { op, .. }, [result]) if is_small_size(*op) => sizes.push(*result),
                (InstData::Op { op, args }, [result]) if op.get() == opcode::SUB => {
                    differences.insert(*result, (args[0], args[1]));
                }
                _ => {}
            }
        }
    }
    let small = |value: &Value| constants.get(value).filter(|c| c.bit_len() <= 64).copied();
    let mut changed = false;
    for block in function.layout().to_vec() {
        let mut at = 0;
        while at < function.block(block).insts.len() {
            let inst = &function.block(block).insts[at];
            let check = match &inst.data {
                InstData::Op { op, args } if op.get() == opcode::SLT => {
                    (differences.get(&args[0]).zip(small(&args[1])))
                        .and_then(|(&(size, head), n)| Some((size, small(&head)? + n)))
                        .filter(|(size, _)| sizes.contains(size))
                }
                _ => None,
            };
            let Some((size, bound)) = check else {
                at += 1;
                continue;
            };
            let bound = function.insert_inst(block, at, InstData::Const(bound), 1)[0];
            let inst = &mut function.block_mut(block).insts[at + 1];
            inst.data = InstData::Op {
                op: OpCode::new(opcode::LT).expect("LT is an opcode"),
                args: vec![size, bound],
            };
            changed = true;
            at += 2;
        }
    }
    changed
}

/// Whether `op` gives a size the EVM bounds below 2^64 (memory and code are far smaller
/// than any gas limit could pay for; calldata and return data were paid for by the byte).
fn is_small_size(op: OpCode) -> bool {
    [
        opcode::CALLDATASIZE,
        opcode::RETURNDATASIZE,
        opcode::CODESIZE,
        opcode::MSIZE,
    ]
    .contains(&op.get())
}

#[cfg(test)]
mod tests {
    use crate::opt::tests::optimized;

    #[test]
    fn a_size_check_is_a_comparison_of_the_size() {
        // The decoder of two arguments after a selector: fewer than 0x40 bytes after 4.
        let text = optimized(
            "PUSH 0x40 PUSH 4 CALLDATASIZE SUB SLT PUSH 0 MSTORE PUSH 0x20 PUSH 0 RETURN",
        );
        assert!(text.contains("= lt v"), "{text}");
        assert!(text.contains("const 0x44"), "{text}");
        assert!(!text.contains("sub") && !text.contains("slt"), "{text}");
    }

    #[test]
    fn other_differences_and_comparisons_stay() {
        // A difference of calldata, a head beyond 2^64, and a size not bounded by the EVM.
        for code in [
            "PUSH 0x40 PUSH 4 PUSH 0 CALLDATALOAD SUB SLT",
            "PUSH 0x40 PUSH 0x10000000000000000 CALLDATASIZE SUB SLT",
            "PUSH 0x40 PUSH 4 CALLVALUE SUB SLT",
        ] {
            let text = optimized(&format!("{code} PUSH 0 MSTORE STOP"));
            assert!(text.contains("slt") && text.contains("sub"), "{text}");
        }
    }
}
