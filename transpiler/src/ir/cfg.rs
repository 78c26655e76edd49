//! The control-flow graph of a function: each block's successors and predecessors, the
//! reverse postorder of the blocks reachable from the entry, and dominance frontiers. Every
//! analysis that walks the graph (the dominator tree, the checker, the lowering's layout,
//! liveness and splitting) takes its order from here, so there is one reverse postorder in
//! the codebase. It works on any graph of blocks given by a successor function, so a pass can
//! ask about a control-flow graph it is still building.

use std::collections::{hash_map::Entry, BTreeMap, BTreeSet, HashMap};

use super::{entities::Block, function::Function};

/// The blocks reachable from an entry, and the edges between them.
#[derive(Clone, Debug)]
pub struct ControlFlowGraph {
    /// The reachable blocks in reverse postorder (the entry first).
    order: Vec<Block>,
    /// Per reachable block, its successors in the terminator's order (repeats kept).
    successors: HashMap<Block, Vec<Block>>,
    /// Per reachable block, its reachable predecessors, each once, in block order.
    predecessors: HashMap<Block, Vec<Block>>,
}

impl ControlFlowGraph {
    /// The graph of `function`'s blocks, from its entry.
    pub fn of(function: &Function) -> Self {
        Self::compute(function.entry(), |block| successors(function, block))
    }

    /// The graph reached from `entry` through `successors`.
    pub fn compute(entry: Block, successors: impl Fn(Block) -> Vec<Block>) -> Self {
        let mut edges = HashMap::new();
        let mut postorder = Vec::new();
        let mut stack = vec![(entry, 0)];
        edges.insert(entry, successors(entry));
        while let Some((block, next)) = stack.pop() {
            if let Some(&successor) = edges[&block].get(next) {
                stack.push((block, next + 1));
                if let Entry::Vacant(entry) = edges.entry(successor) {
                    entry.insert(successors(successor));
                    stack.push((successor, 0));
                }
            } else {
                postorder.push(block);
            }
        }
        postorder.reverse();
        let mut predecessors: HashMap<Block, BTreeSet<Block>> =
            postorder.iter().map(|&b| (b, BTreeSet::new())).collect();
        for (&block, targets) in &edges {
            for target in targets {
                predecessors.get_mut(target).expect("reached").insert(block);
            }
        }
        Self {
            order: postorder,
            successors: edges,
            predecessors: predecessors
                .into_iter()
                .map(|(block, preds)| (block, preds.into_iter().collect()))
                .collect(),
        }
    }

    /// The blocks reachable from the entry, in reverse postorder: the entry first, each
    /// block before its successors except along back edges.
    pub fn reverse_postorder(&self) -> &[Block] {
        &self.order
    }

    /// Whether `block` is reachable from the entry.
    pub fn is_reachable(&self, block: Block) -> bool {
        self.successors.contains_key(&block)
    }

    /// The successors of reachable `block`, in its terminator's order (a block named twice
    /// appears twice); none for an unreachable block.
    pub fn successors(&self, block: Block) -> &[Block] {
        self.successors.get(&block).map_or(&[], Vec::as_slice)
    }

    /// The reachable predecessors of `block`, each once, in block order.
    pub fn predecessors(&self, block: Block) -> &[Block] {
        self.predecessors.get(&block).map_or(&[], Vec::as_slice)
    }

    /// Per block, its dominance frontier (Cooper, Harvey and Kennedy): the blocks where its
    /// dominance ends, given each block's immediate dominator `idom` (`None` for the entry).
    pub fn dominance_frontiers(
        &self,
        idom: impl Fn(Block) -> Option<Block>,
    ) -> BTreeMap<Block, BTreeSet<Block>> {
        let mut frontiers: BTreeMap<Block, BTreeSet<Block>> = BTreeMap::new();
        for &block in &self.order {
            let preds = self.predecessors(block);
            if preds.len() < 2 {
                continue;
            }
            let dominator = idom(block);
            for &pred in preds {
                let mut runner = Some(pred);
                while let Some(r) = runner.filter(|&r| Some(r) != dominator) {
                    frontiers.entry(r).or_default().insert(block);
                    runner = idom(r);
                }
            }
        }
        frontiers
    }
}

/// The iterated dominance frontier of `definitions` in `frontiers`: where their values meet.
pub fn iterated_frontier(
    frontiers: &BTreeMap<Block, BTreeSet<Block>>,
    definitions: impl IntoIterator<Item = Block>,
) -> BTreeSet<Block> {
    let mut meets = BTreeSet::new();
    let mut work: Vec<Block> = definitions.into_iter().collect();
    while let Some(block) = work.pop() {
        for &meet in frontiers.get(&block).into_iter().flatten() {
            if meets.insert(meet) {
                work.push(meet);
            }
        }
    }
    meets
}

/// The blocks `block`'s terminator may continue in, in order.
fn successors(function: &Function, block: Block) -> Vec<Block> {
    let terminator = function.block(block).terminator.as_ref();
    terminator
        .into_iter()
        .flat_map(|t| t.successors())
        .map(|call| call.block)
        .collect()
}
