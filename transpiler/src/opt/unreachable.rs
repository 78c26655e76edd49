//! Unreachable blocks: blocks no path from the entry reaches (the sides of branches that
//! folding decided) leave the function, and with them the arguments they passed, which may
//! have kept a parameter from being redundant.

use std::collections::BTreeSet;

use crate::ir::Function;

/// Removes the blocks the entry does not reach; returns whether it removed any.
pub fn eliminate_unreachable_blocks(function: &mut Function) -> bool {
    let mut reached = BTreeSet::from([function.entry()]);
    let mut pending = vec![function.entry()];
    while let Some(block) = pending.pop() {
        let terminator = function.block(block).terminator.as_ref();
        for call in terminator.into_iter().flat_map(|t| t.successors()) {
            if reached.insert(call.block) {
                pending.push(call.block);
            }
        }
    }
    let before = function.layout().len();
    function.retain_blocks(|block| reached.contains(&block));
    function.layout().len() != before
}
