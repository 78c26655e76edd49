//! The dominator tree, by Cooper, Harvey and Kennedy's iterative algorithm ("A Simple, Fast
//! Dominance Algorithm") over the reverse postorder of the blocks reachable from the entry.
//! It works on any graph of blocks given by a successor function, so a pass can ask about a
//! control-flow graph it is still building.

use std::collections::BTreeMap;

use super::{Block, Function};

/// Who dominates whom among the blocks reachable from an entry.
pub struct Dominators {
    idom: BTreeMap<Block, Block>,
    /// Per reachable block, its postorder number.
    order: BTreeMap<Block, usize>,
    postorder: Vec<Block>,
}

impl Dominators {
    /// The dominators of `function`'s blocks.
    pub fn of(function: &Function) -> Self {
        Self::compute(function.entry(), |block| {
            function
                .block(block)
                .terminator
                .as_ref()
                .map(|t| t.successors().into_iter().map(|call| call.block).collect())
                .unwrap_or_default()
        })
    }

    /// The dominators of the graph reached from `entry` through `successors`.
    pub fn compute(entry: Block, successors: impl Fn(Block) -> Vec<Block>) -> Self {
        let mut postorder = Vec::new();
        let mut visited = BTreeMap::new();
        let mut stack = vec![(entry, 0)];
        visited.insert(entry, ());
        while let Some((block, next)) = stack.pop() {
            let successors = successors(block);
            if let Some(&successor) = successors.get(next) {
                stack.push((block, next + 1));
                if visited.insert(successor, ()).is_none() {
                    stack.push((successor, 0));
                }
            } else {
                postorder.push(block);
            }
        }
        let order: BTreeMap<Block, usize> =
            postorder.iter().enumerate().map(|(i, &b)| (b, i)).collect();
        let mut predecessors: BTreeMap<Block, Vec<Block>> = BTreeMap::new();
        for &block in &postorder {
            for successor in successors(block) {
                predecessors.entry(successor).or_default().push(block);
            }
        }
        let mut idom = BTreeMap::from([(entry, entry)]);
        let mut changed = true;
        while changed {
            changed = false;
            for &block in postorder.iter().rev().filter(|&&b| b != entry) {
                let mut processed = predecessors[&block].iter().filter(|p| idom.contains_key(p));
                let Some(&first) = processed.next() else {
                    continue;
                };
                let new = processed.fold(first, |a, &b| intersect(&idom, &order, a, b));
                if idom.insert(block, new) != Some(new) {
                    changed = true;
                }
            }
        }
        Self {
            idom,
            order,
            postorder,
        }
    }

    /// Whether `a` dominates `b` (blocks unreachable from the entry dominate nothing and are
    /// dominated by everything).
    pub fn dominates(&self, a: Block, mut b: Block) -> bool {
        if !self.order.contains_key(&b) {
            return true;
        }
        loop {
            if a == b {
                return true;
            }
            match self.idom.get(&b) {
                Some(&parent) if parent != b => b = parent,
                _ => return false,
            }
        }
    }

    /// The immediate dominator of `block`: `None` for the entry and unreachable blocks.
    pub fn idom(&self, block: Block) -> Option<Block> {
        self.idom
            .get(&block)
            .copied()
            .filter(|&parent| parent != block)
    }

    /// The reachable blocks in reverse postorder, so each after its immediate dominator.
    pub fn reverse_postorder(&self) -> impl Iterator<Item = Block> + '_ {
        self.postorder.iter().rev().copied()
    }
}

fn intersect(
    idom: &BTreeMap<Block, Block>,
    order: &BTreeMap<Block, usize>,
    mut a: Block,
    mut b: Block,
) -> Block {
    while a != b {
        while order[&a] < order[&b] {
            a = idom[&a];
        }
        while order[&b] < order[&a] {
            b = idom[&b];
        }
    }
    a
}
