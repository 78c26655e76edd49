//! Straight lines: a block that ends with a `jump` to a block nothing else enters (and that
//! takes no parameters) continues with that block's instructions and terminator, one block
//! instead of two. Inlining and the removal of the dispatcher's hops leave such chains
//! (an internal function's return into its caller's code, a check's passing side); as one
//! block, the sequences the lowering fuses (`lower::function::fused`) and the charges it
//! folds (`lower::function::gas`) across the old boundary are found. It runs the same code
//! in the same order, so it is exact.
//!
//! Functions of universal form are left alone: their blocks keep the EVM's stack checks at
//! their starts and their length bounded (`lift::universal`). No merged block grows beyond
//! [`LONGEST`] instructions, so a long straight line still has block boundaries where
//! `lower::split` can cut a function too large for Move.

use std::collections::{HashMap, HashSet};

use crate::ir::{Block, Function, Terminator};

/// The most instructions a block merged here may have.
pub const LONGEST: usize = 512;

/// Merges every such pair; returns whether it merged any.
pub fn merge_straight_lines(function: &mut Function) -> bool {
    let universal = (function.layout().iter())
        .flat_map(|&block| &function.block(block).insts)
        .any(|inst| inst.data.touches_stack());
    if universal {
        return false;
    }
    // Per block, how many edges enter it; merging moves the second block's edges to the
    // first, so the counts stay right.
    let mut entries: HashMap<Block, usize> = HashMap::new();
    for &block in function.layout() {
        let successors = (function.block(block).terminator.iter()).flat_map(Terminator::successors);
        for call in successors {
            *entries.entry(call.block).or_default() += 1;
        }
    }
    let mut merged = HashSet::new();
    for block in function.layout().to_vec() {
        if merged.contains(&block) {
            continue;
        }
        while let Some(Terminator::Jump(call)) = &function.block(block).terminator {
            let next = call.block;
            let alone = next != block && next != function.entry() && entries[&next] == 1;
            let length = function.block(block).insts.len() + function.block(next).insts.len();
            if !alone || !function.block(next).params.is_empty() || length > LONGEST {
                break;
            }
            let data = function.block_mut(next);
            let insts = std::mem::take(&mut data.insts);
            let terminator = data.terminator.take();
            let data = function.block_mut(block);
            data.insts.extend(insts);
            data.terminator = terminator;
            merged.insert(next);
        }
    }
    function.retain_blocks(|block| !merged.contains(&block));
    !merged.is_empty()
}

#[cfg(test)]
mod tests {
    use alloy_primitives::U256;

    use super::*;
    use crate::{
        evm::Pc,
        ir::{BlockCall, Fault, InstData},
        opt::tests::optimized,
    };

    /// How many blocks the IR `text` has.
    fn blocks(text: &str) -> usize {
        text.lines()
            .filter(|line| line.starts_with("block"))
            .count()
    }

    #[test]
    fn a_block_entered_only_by_a_jump_joins_the_block_before() {
        // Two JUMPDESTs reached only by the jumps before them: one block is left.
        let text = optimized(
            "PUSH 0 CALLDATALOAD PUSH @a JUMP
             a: JUMPDEST PUSH 0 MSTORE PUSH @b JUMP
             b: JUMPDEST PUSH 0x20 PUSH 0 RETURN",
        );
        assert_eq!(blocks(&text), 1, "{text}");
    }

    #[test]
    fn a_merged_block_stays_short() {
        // A straight line of blocks of 100, 300 and 300 constants: the first two join, the
        // third stays apart.
        let mut function = Function::new(Pc(0), None);
        let blocks: Vec<Block> = (0..3).map(|i| function.add_block(Pc(i))).collect();
        for (&block, consts) in blocks.iter().zip([100, 300, 300]) {
            for c in 0..consts {
                function.push_inst(block, InstData::Const(U256::from(c)), 1);
            }
        }
        for pair in blocks.windows(2) {
            let call = BlockCall {
                block: pair[1],
                args: vec![],
            };
            function.set_terminator(pair[0], Terminator::Jump(call));
        }
        function.set_terminator(blocks[2], Terminator::Fault(Fault::StackUnderflow));
        assert!(merge_straight_lines(&mut function));
        assert_eq!(function.layout(), [blocks[0], blocks[2]]);
        assert_eq!(function.block(blocks[0]).insts.len(), 400);
    }

    #[test]
    fn a_block_entered_from_two_places_stays() {
        let text = optimized(
            "PUSH 0 CALLDATALOAD PUSH @a JUMPI PUSH 1 PUSH @b JUMP
             a: JUMPDEST PUSH 2 PUSH @b JUMP
             b: JUMPDEST PUSH 0 MSTORE PUSH 0x20 PUSH 0 RETURN",
        );
        assert!(blocks(&text) > 1, "{text}");
    }
}
