//! The loops counting their static gas in a Move `u64` local rather than by a charge
//! native per section (`function::counted` emits the count and says why it is exact): the
//! loops whose blocks neither observe the gas or the state nor leave the frame with gas to
//! return. The counted loop of a node is the outermost loop containing it whose nodes all
//! qualify; the loops inside it share its count.

use crate::{
    ir::{Block, BlockData, Function, InstData, Terminator},
    lower::{
        layout::{Layout, LoopId},
        natives::{native_for, PURE},
    },
};

/// The loops counting their gas in the gas local.
pub struct Counted {
    /// Per node, the loop whose gas it counts, if any.
    per_node: Vec<Option<LoopId>>,
    /// Per loop, whether it counts gated charges (and so reads the fork).
    pub gated: Vec<bool>,
}

impl Counted {
    /// The loop counting node `node`'s gas, if any.
    pub fn of(&self, node: usize) -> Option<LoopId> {
        self.per_node[node]
    }

    /// Whether any loop counts its gas.
    pub fn any(&self) -> bool {
        self.per_node.iter().any(Option::is_some)
    }

    /// Whether any loop counts gated charges.
    pub fn any_gated(&self) -> bool {
        self.gated.iter().any(|&gated| gated)
    }
}

/// The loops of `function` (its nodes being positions of `order`, laid out as `layout`)
/// counting their gas in the gas local: for each node, the outermost loop containing it all
/// of whose nodes qualify.
pub fn counted_loops(function: &Function, order: &[Block], layout: &Layout) -> Counted {
    let mut counts = vec![true; layout.loops.len()];
    for (node, &block) in order.iter().enumerate() {
        if !observes_nothing(function.block(block)) {
            for l in layout.enclosing(node) {
                counts[l] = false;
            }
        }
    }
    let per_node: Vec<Option<LoopId>> = (0..order.len())
        .map(|node| layout.enclosing(node).filter(|&l| counts[l]).last())
        .collect();
    let mut gated = vec![false; layout.loops.len()];
    for (node, &block) in order.iter().enumerate() {
        let gates = (function.block(block).insts.iter())
            .any(|inst| matches!(inst.data, InstData::Gas(charge) if charge.is_gated()));
        if let (Some(l), true) = (per_node[node], gates) {
            gated[l] = true;
        }
    }
    Counted { per_node, gated }
}

/// Whether `block` neither observes the gas or the state nor leaves the frame with gas to
/// return: constants, pure word operations and charges, ending in a jump, a branch, a
/// switch or a fault.
fn observes_nothing(block: &BlockData) -> bool {
    let insts = block.insts.iter().all(|inst| match &inst.data {
        InstData::Const(_) | InstData::Gas(_) => true,
        InstData::Op { op, .. } => native_for(*op).is_some_and(|n| n.module == PURE),
        _ => false,
    });
    let terminator = matches!(
        block.terminator,
        Some(
            Terminator::Jump(_)
                | Terminator::Branch { .. }
                | Terminator::Switch { .. }
                | Terminator::Fault(_)
        )
    );
    insts && terminator
}
