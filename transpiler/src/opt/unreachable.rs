//! Unreachable blocks: blocks no path from the entry reaches (the sides of branches that
//! folding decided) leave the function, and with them the arguments they passed, which may
//! have kept a parameter from being redundant.

use crate::ir::{ControlFlowGraph, Function};

/// Removes the blocks the entry does not reach; returns whether it removed any.
pub fn eliminate_unreachable_blocks(function: &mut Function) -> bool {
    let cfg = ControlFlowGraph::of(function);
    let before = function.layout().len();
    function.retain_blocks(|block| cfg.is_reachable(block));
    function.layout().len() != before
}
