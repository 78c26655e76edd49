//! The dominator tree, by Cooper, Harvey and Kennedy's iterative algorithm ("A Simple, Fast
//! Dominance Algorithm") over the reverse postorder of the blocks reachable from the entry.
//! The graph and its order come from [`ControlFlowGraph`].

use std::collections::BTreeMap;

use super::{cfg::ControlFlowGraph, entities::Block, function::Function};

/// Who dominates whom among the blocks reachable from an entry.
pub struct Dominators {
    idom: BTreeMap<Block, Block>,
    /// Per reachable block, its postorder number.
    order: BTreeMap<Block, usize>,
}

impl Dominators {
    /// The dominators of `function`'s blocks.
    pub fn of(function: &Function) -> Self {
        Self::new(&ControlFlowGraph::of(function))
    }

    /// The dominators of the blocks of `cfg`.
    pub fn new(cfg: &ControlFlowGraph) -> Self {
        let rpo = cfg.reverse_postorder();
        let order: BTreeMap<Block, usize> =
            rpo.iter().rev().enumerate().map(|(i, &b)| (b, i)).collect();
        let Some(&entry) = rpo.first() else {
            return Self {
                idom: BTreeMap::new(),
                order,
            };
        };
        let mut idom = BTreeMap::from([(entry, entry)]);
        let mut changed = true;
        while changed {
            changed = false;
            for &block in rpo.iter().filter(|&&b| b != entry) {
                let preds = cfg.predecessors(block);
                let mut processed = preds.iter().filter(|p| idom.contains_key(p));
                let Some(&first) = processed.next() else {
                    continue;
                };
                let new = processed.fold(first, |a, &b| intersect(&idom, &order, a, b));
                if idom.insert(block, new) != Some(new) {
                    changed = true;
                }
            }
        }
        Self { idom, order }
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
