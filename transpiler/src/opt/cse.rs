//! Common subexpressions: an operation computing what an earlier one computed — the same
//! operation on the same operands, where the earlier one dominates it — reads the earlier
//! result instead, and [`super::dead_code`] removes it. solc's code reads CALLDATASIZE in the
//! dispatcher and again in the decoder, masks an address once per use, and inlining
//! ([`super::inline_leaves`]) repeats a helper's work at each call.
//!
//! Only operations whose result depends on their operands alone, or on what a frame never
//! changes (its calldata, caller, value, address, the transaction and block), qualify: not
//! memory, storage, return data, balances or the gas left.

use std::collections::HashMap;

use alloy_primitives::U256;
use revm_bytecode::opcode::{self, OpCode};

use super::dead_code::is_pure;
use crate::ir::{Block, ControlFlowGraph, Dominators, Function, InstData, Value};

/// Replaces the uses of every repeated operation's result by the first one's; returns
/// whether it replaced any.
pub fn eliminate_common_subexpressions(function: &mut Function) -> bool {
    let cfg = ControlFlowGraph::of(function);
    let dominators = Dominators::new(&cfg);
    // Per expression, the blocks computing it and their results.
    let mut available: HashMap<Expression, Vec<(Block, Value)>> = HashMap::new();
    let mut replaced: HashMap<Value, Value> = HashMap::new();
    let mut constants: HashMap<Value, U256> = HashMap::new();
    for &block in cfg.reverse_postorder() {
        for inst in &function.block(block).insts {
            let InstData::Op { op, args } = &inst.data else {
                if let (InstData::Const(c), [result]) = (&inst.data, &inst.results[..]) {
                    constants.insert(*result, *c);
                }
                continue;
            };
            let [result] = inst.results[..] else {
                continue;
            };
            if !is_frame_constant(*op) {
                continue;
            }
            let mut args: Vec<Operand> = (args.iter())
                .map(|v| match constants.get(v) {
                    Some(&c) => Operand::Const(c),
                    None => Operand::Value(*replaced.get(v).unwrap_or(v)),
                })
                .collect();
            if COMMUTATIVE.contains(&op.get()) {
                args.sort_unstable();
            }
            let earlier = available.entry((op.get(), args)).or_default();
            // Reverse postorder: a dominating definition was seen before this one.
            match earlier
                .iter()
                .find(|&&(at, _)| dominators.dominates(at, block))
            {
                Some(&(_, value)) => {
                    replaced.insert(result, value);
                }
                None => earlier.push((block, result)),
            }
        }
    }
    if replaced.is_empty() {
        return false;
    }
    function.rename_uses(&replaced);
    true
}

/// An operation (its opcode) on its operands.
type Expression = (u8, Vec<Operand>);

/// Operations whose operands may be swapped: solc masks an address `and(x, m)` in one place
/// and `and(m, x)` in another.
const COMMUTATIVE: [u8; 6] = [
    opcode::ADD,
    opcode::MUL,
    opcode::AND,
    opcode::OR,
    opcode::XOR,
    opcode::EQ,
];

/// An operand as far as sameness goes: constants by their value (each `const` instruction
/// defines a value of its own).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Operand {
    Const(U256),
    Value(Value),
}

/// Operations whose result is the same wherever in a frame they run on the same operands:
/// the pure ones, less those reading what the frame itself changes.
fn is_frame_constant(op: OpCode) -> bool {
    is_pure(op) && !FRAME_VARYING.contains(&op.get())
}

/// Pure operations whose result changes within a frame: return data (each call replaces it),
/// transient storage, the memory size, the gas left and the frame's own balance (calls move
/// value).
const FRAME_VARYING: [u8; 5] = [
    opcode::RETURNDATASIZE,
    opcode::TLOAD,
    opcode::MSIZE,
    opcode::GAS,
    opcode::SELFBALANCE,
];

#[cfg(test)]
mod tests {
    use crate::opt::tests::optimized;

    #[test]
    fn a_repeated_operation_reads_the_first_result() {
        // CALLDATASIZE twice and the same mask twice, one on each side of a branch: each
        // computed once, before the branch that both sides follow.
        let text = optimized(
            "CALLDATASIZE PUSH 0xff AND CALLDATASIZE PUSH @b JUMPI
             CALLDATASIZE PUSH 0xff AND ADD PUSH 0 MSTORE STOP
             b: JUMPDEST CALLDATASIZE PUSH 0xff AND ADD PUSH 0 MSTORE STOP",
        );
        assert_eq!(text.matches("calldatasize").count(), 1, "{text}");
        assert_eq!(text.matches("= and ").count(), 1, "{text}");
    }

    #[test]
    fn a_mask_either_way_round_is_computed_once() {
        let text = optimized(
            "CALLDATASIZE PUSH 0xff AND PUSH 0xff CALLDATASIZE AND ADD PUSH 0 MSTORE STOP",
        );
        assert_eq!(text.matches("= and ").count(), 1, "{text}");
    }

    #[test]
    fn memory_and_the_gas_left_are_read_again() {
        let text = optimized("PUSH 0 MLOAD PUSH 0 MLOAD ADD GAS GAS ADD ADD PUSH 0 MSTORE STOP");
        assert_eq!(text.matches("mload").count(), 2, "{text}");
        assert_eq!(text.matches("= gas").count(), 2, "{text}");
    }

    #[test]
    fn block_values_are_read_once_and_frame_varying_ones_again() {
        // BLOCKHASH of one number, BLOBHASH of one index and BLOBBASEFEE are the block's;
        // SELFBALANCE and RETURNDATASIZE change with the frame's calls.
        let text = optimized(
            "PUSH 1 BLOCKHASH PUSH 1 BLOCKHASH ADD PUSH 0 BLOBHASH PUSH 0 BLOBHASH ADD ADD
             BLOBBASEFEE BLOBBASEFEE ADD ADD SELFBALANCE SELFBALANCE ADD ADD
             RETURNDATASIZE RETURNDATASIZE ADD ADD PUSH 0 MSTORE STOP",
        );
        for (op, count) in [
            ("blockhash", 1),
            ("blobhash", 1),
            ("blobbasefee", 1),
            ("selfbalance", 2),
            ("returndatasize", 2),
        ] {
            assert_eq!(text.matches(op).count(), count, "{op}: {text}");
        }
    }
}
