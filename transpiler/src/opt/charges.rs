//! Fewer gas charges on every path. A charge may move across anything that does not read
//! the gas left — that is, across everything but operations observing it (GAS, SSTORE, calls
//! and creations: `evmove_word::shim::cost::GAS_OBSERVERS`), calls of functions of the module
//! (their code may observe it) and the ends of the function (a halt or return ends the
//! frame's or the function's account). Moving a charge changes only where an out-of-gas
//! halt happens, and an exceptional halt undoes every effect of the frame and consumes all
//! its gas (`lift::gas` says more); the total charged before each observer and each end is
//! the same on every path. Two moves:
//!
//! - [`merge_charges`]: a charge joins an earlier one of the same block (inlining leaves
//!   such charges behind);
//! - [`sink_charges`]: the last charge of a block that continues in other blocks moves into
//!   them when it is their only way in, where it joins their own charge. A path through a
//!   chain of branches (a selector dispatch, checks that revert) then pays one charge instead
//!   of one per block. Loops still charge every turn: a loop's head has two ways in, so no
//!   charge moves into it or round the loop.
//!
//! A charge's fork (`evmove_word::shim::gate`: the frame halts where the block's fork is
//! older) moves with it, and merged charges need the newer of their forks. That halt is
//! exceptional too, so it may come earlier or later on a path, never on another one: a
//! charge joins one that runs straight before it in its block, and moves only into blocks
//! entered from its own alone, with nothing after it in its block that could leave the frame
//! or observe the gas left; every path through a moved charge went through its section.
//!
//! The lowering then folds a charge into the first native reaching the host after it in its
//! block (`lower::function::gas`). A charge followed by pure operations alone up to its
//! block's end moves here whenever that end is a branch into blocks each entered from its
//! block alone. A block entered from elsewhere too cannot take it (the other paths would
//! pay it); a copy on the edge into such a block would stay one charge of its own on that
//! path (an edge block has no native to fold into). The charges before a call of a module
//! function and before a return, which end the function's account, are not this pass's to
//! move: `super::call_charges` moves them across the calls of functions called once.

use evmove_word::shim::cost::observes_gas;

use crate::ir::{Block, ControlFlowGraph, Function, Inst, InstData, Terminator};

/// Merges the charges of each block that nothing observing the gas left separates; returns
/// whether it merged any.
pub fn merge_charges(function: &mut Function) -> bool {
    let mut merged = false;
    for block in function.layout().to_vec() {
        let insts = &mut function.block_mut(block).insts;
        // The charge later ones may join, by its index among the instructions kept.
        let mut open: Option<usize> = None;
        let mut kept = 0;
        for i in 0..insts.len() {
            let extra = match (&insts[i].data, open) {
                (InstData::Gas(charge), Some(at)) => Some((*charge, at)),
                _ => None,
            };
            match extra {
                Some((charge, at)) => {
                    if let InstData::Gas(total) = &mut insts[at].data {
                        total.gas += charge.gas;
                        total.since = total.since.max(charge.since);
                    }
                    merged = true;
                    continue;
                }
                None => {
                    open = match &insts[i].data {
                        InstData::Gas(_) => Some(kept),
                        data if observes(data) => None,
                        _ => open,
                    };
                }
            }
            insts.swap(kept, i);
            kept += 1;
        }
        insts.truncate(kept);
    }
    merged
}

/// Moves the last charge of each block that continues in blocks entered only from it (and not
/// the entry) into those blocks, when nothing after the charge observes the gas left, merging
/// it there, until no charge moves (to a fixed point here rather than one block per round of
/// the optimiser: each round re-runs every pass, and the IR checker in debug builds); returns
/// whether it moved any. It ends: a charge moves only along edges into blocks entered once,
/// which form no cycle reachable from the entry.
pub fn sink_charges(function: &mut Function) -> bool {
    // Moving instructions leaves the blocks and their edges as they are.
    let cfg = ControlFlowGraph::of(function);
    let mut moved = false;
    while sink_once(function, &cfg) {
        merge_charges(function);
        moved = true;
    }
    moved
}

/// One step of [`sink_charges`]: each block's last open charge moved into its successors.
fn sink_once(function: &mut Function, cfg: &ControlFlowGraph) -> bool {
    let entered_once = |block: Block| {
        let edges = (cfg.predecessors(block).iter())
            .map(|&pred| cfg.successors(pred).iter().filter(|&&s| s == block).count())
            .sum::<usize>();
        block != function.entry() && edges == 1
    };
    let mut moves = Vec::new();
    for &block in cfg.reverse_postorder() {
        let successors = cfg.successors(block);
        let continues = matches!(
            function.block(block).terminator,
            Some(Terminator::Jump(_) | Terminator::Branch { .. } | Terminator::Switch { .. })
        );
        if continues && !successors.is_empty() && successors.iter().all(|&s| entered_once(s)) {
            if let Some(at) = last_open_charge(&function.block(block).insts) {
                moves.push((block, at, successors.to_vec()));
            }
        }
    }
    // Taken out first, so that a block's index is not moved by the charge it receives.
    let taken: Vec<(Inst, Vec<Block>)> = (moves.into_iter())
        .map(|(block, at, successors)| (function.block_mut(block).insts.remove(at), successors))
        .collect();
    let moved = !taken.is_empty();
    for (charge, successors) in taken {
        for successor in successors {
            function
                .block_mut(successor)
                .insts
                .insert(0, charge.clone());
        }
    }
    moved
}

/// The index of the last charge in `insts` that nothing after it observes the gas left.
pub(super) fn last_open_charge(insts: &[Inst]) -> Option<usize> {
    let at = insts
        .iter()
        .rposition(|inst| matches!(inst.data, InstData::Gas(_)) || observes(&inst.data))?;
    matches!(insts[at].data, InstData::Gas(_)).then_some(at)
}

/// Whether running `data` may read the gas left.
fn observes(data: &InstData) -> bool {
    match data {
        InstData::Op { op, .. } => observes_gas(op.get()),
        InstData::Call { .. } => true,
        // A stack check's halt is exceptional, as out of gas is: which comes first is not
        // observable.
        InstData::Const(_)
        | InstData::Gas(_)
        | InstData::GasExp(_)
        | InstData::StackPush(_)
        | InstData::StackPop
        | InstData::StackCheck { .. } => false,
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::U256;
    use revm_bytecode::opcode::{self, OpCode};

    use super::*;
    use crate::{
        evm::Pc,
        ir::{Charge, Terminator},
    };

    fn op(byte: u8, args: Vec<crate::ir::Value>) -> InstData {
        let op = OpCode::new(byte).unwrap();
        InstData::Op { op, args }
    }

    #[test]
    fn charges_merge_across_effects_but_not_across_observers() {
        let mut function = Function::new(Pc(0), None);
        let block = function.add_block(Pc(0));
        function.push_inst(block, InstData::Gas(Charge::gas(3)), 0);
        let zero = function.push_inst(block, InstData::Const(U256::ZERO), 1)[0];
        function.push_inst(block, op(opcode::MSTORE, vec![zero, zero]), 0);
        function.push_inst(block, InstData::Gas(Charge::gas(5)), 0);
        function.push_inst(block, op(opcode::GAS, vec![]), 1);
        function.push_inst(block, InstData::Gas(Charge::gas(7)), 0);
        function.push_inst(block, InstData::Gas(Charge::gas(11)), 0);
        function.set_terminator(
            block,
            Terminator::Halt {
                op: OpCode::new(opcode::STOP).unwrap(),
                args: vec![],
            },
        );
        assert!(merge_charges(&mut function));
        let charges: Vec<_> = (function.block(block).insts.iter())
            .map(|inst| match inst.data {
                InstData::Gas(charge) => charge.gas.to_string(),
                _ => "-".to_string(),
            })
            .collect();
        assert_eq!(charges, ["8", "-", "-", "-", "18"]);
        assert!(!merge_charges(&mut function));
    }
}

#[cfg(test)]
mod sink_tests {
    use crate::opt::tests::optimized;

    /// The charges of each block of `fn0` in the optimised IR of `text`, in layout order.
    fn charges_per_block(text: &str) -> Vec<Vec<u64>> {
        let mut blocks: Vec<Vec<u64>> = Vec::new();
        let text = optimized(text);
        let fn0 = text.split("\n}\n").next().unwrap_or_default();
        for line in fn0.lines() {
            if line.starts_with("block") {
                blocks.push(Vec::new());
            } else if let Some(charge) = line.trim().strip_prefix("gas ") {
                // The gas, without the fork (`gas 21 since BYZANTIUM`).
                let gas = charge.split(' ').next().unwrap_or_default();
                blocks.last_mut().unwrap().push(gas.parse().unwrap());
            }
        }
        blocks
    }

    #[test]
    fn a_branch_charges_once_on_each_path() {
        // 2 + 3 + 10 before the JUMPI joins the revert side's 3 + 3 + 0, and on the taken
        // side the 1 + 3 + 3 + 0 of `b` (a function tail-called once, inlined, its blocks
        // one: `opt::merge_blocks`).
        let blocks = charges_per_block(
            "CALLDATASIZE PUSH @b JUMPI PUSH 0 DUP1 REVERT
             b: JUMPDEST PUSH 0 DUP1 RETURN",
        );
        assert_eq!(blocks, [vec![], vec![21], vec![23]]);
    }

    #[test]
    fn a_charge_stays_before_what_observes_the_gas_left_and_in_a_loop() {
        // GAS and SSTORE keep the charges before them; the loop keeps charging its body on
        // every turn (the head has two ways in: nothing moves into it or round the loop).
        let blocks = charges_per_block(
            "PUSH 1 GAS SSTORE CALLDATASIZE
             loop: JUMPDEST PUSH 1 SWAP1 SUB DUP1 PUSH @loop JUMPI STOP",
        );
        assert_eq!(blocks, [vec![5, 2], vec![27], vec![]]);
    }
}
