//! Fork gates already checked. A charge's gate (`evmove_word::shim::gate`: the frame halts
//! where the block's fork is older than the one its section's opcodes need) is checked
//! again by every charge of a section with a new opcode — in a loop counting its gas in a
//! local (`lower::counted_loops`), a compare and a branch per section per iteration. A gate
//! no newer than one a charge dominating it checked always passes: the fork is the block's,
//! the same for the whole frame, and a frame whose fork is older halted at the dominating
//! charge. Such a gate is dropped (the charge keeps its gas; a charge left with neither goes).

use std::collections::HashMap;

use revm_bytecode::primitives::hardfork::SpecId;

use crate::ir::{Block, Charge, ControlFlowGraph, Dominators, Function, InstData};

/// Drops every gate that a dominating charge's gate implies; returns whether it dropped any.
pub fn drop_checked_gates(function: &mut Function) -> bool {
    let cfg = ControlFlowGraph::of(function);
    let dominators = Dominators::new(&cfg);
    // Per block visited, the newest fork checked on every path to its end.
    let mut checked: HashMap<Block, SpecId> = HashMap::new();
    let mut dropped = false;
    // Reverse postorder: a block's immediate dominator is visited before it.
    for &block in cfg.reverse_postorder() {
        let mut newest = dominators
            .idom(block)
            .and_then(|idom| checked.get(&idom).copied())
            .unwrap_or(SpecId::FRONTIER);
        let insts = &mut function.block_mut(block).insts;
        for inst in insts.iter_mut() {
            let InstData::Gas(charge) = &mut inst.data else {
                continue;
            };
            if !charge.is_gated() {
                continue;
            }
            if charge.since <= newest {
                charge.since = SpecId::FRONTIER;
                dropped = true;
            } else {
                newest = charge.since;
            }
        }
        insts
            .retain(|inst| !matches!(inst.data, InstData::Gas(charge) if charge == Charge::gas(0)));
        checked.insert(block, newest);
    }
    dropped
}

#[cfg(test)]
mod tests {
    use crate::opt::tests::optimized;

    #[test]
    fn a_loop_after_a_gated_section_checks_no_gate() {
        // PUSH0 needs Shanghai: the entry's section checks it; the loop's section, which
        // the entry dominates, keeps its gas and no gate.
        let text = optimized(
            "PUSH0 CALLDATALOAD
             loop: PUSH 1 SWAP1 SUB DUP1 PUSH0 MSTORE DUP1 PUSH @loop JUMPI
             STOP",
        );
        assert_eq!(text.matches("since SHANGHAI").count(), 1, "{text}");
        let gated = text.find("since SHANGHAI").expect("the entry's gate");
        let mstore = text.find("mstore").expect("the loop");
        assert!(gated < mstore, "{text}");
    }

    #[test]
    fn a_gate_on_one_side_only_stays() {
        // The section with PUSH0 runs on one side of the branch: the join does not have it
        // checked, so the loop's own gate stays.
        let text = optimized(
            "PUSH 0 CALLDATALOAD PUSH @skip JUMPI PUSH0 PUSH0 MSTORE
             skip: PUSH 3
             loop: PUSH 1 SWAP1 SUB DUP1 PUSH0 MSTORE DUP1 PUSH @loop JUMPI
             STOP",
        );
        assert_eq!(text.matches("since SHANGHAI").count(), 2, "{text}");
    }
}
