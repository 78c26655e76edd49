//! The order a function's blocks are emitted in, and the loops the Move 0.3.2 verifier sees.
//!
//! The verifier (`move-bytecode-verifier`'s `control_flow`) calls the code from a jump
//! target back to the last jump back to it a loop, and requires loops to nest, back jumps to
//! go only to the innermost loop's head, forward jumps out of a loop ("breaks") to go to the
//! instruction right after its last back jump, and forward jumps never to enter a loop except
//! at its head. This module finds the loops of the control flow graph and lays out each one
//! contiguously, its head first, so that every other edge runs forwards:
//!
//! - The loops are the strongly connected components, nested: inside a loop, the edges back
//!   to its entries are cut and the components found again (a loop nesting forest, as
//!   Ramalingam's; Havlak's for reducible graphs).
//! - A loop with one entry (every loop of reducible control flow, which is all solc emits in
//!   practice) is headed by that block. A loop with several entries (irreducible control flow)
//!   is headed by a **dispatch head**: an edge to any of its entries stores the entry's number
//!   in a `u64` local and jumps to the head, which branches forwards to the entry. This makes
//!   irreducible shapes reducible without node splitting, whose code can grow exponentially.
//! - Each loop ends with a jump to its head, followed by its **exit pad**: every edge leaving
//!   the loop jumps to the pad, which continues to the destination (or, for a destination
//!   outside the enclosing loop too, to that loop's pad). A pad with several destinations
//!   tells them apart by the same local, which the leaving edge set.
//! - Within a loop (and at the top level), the blocks and inner loops are in a topological
//!   order of the edges that remain, taking the earliest in reverse postorder first.
//!
//! Nodes are block positions in reverse postorder, the entry being 0.

use std::{
    cmp::Reverse,
    collections::{BinaryHeap, HashMap},
};

use crate::ir::{Block, ControlFlowGraph, Function};

/// The index of a loop in [`Layout::loops`].
pub type LoopId = usize;

/// What the function's code is made of, in emission order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    /// The dispatch head of a loop with several entries.
    Head(LoopId),
    /// A block's code.
    Node(usize),
    /// The end of a loop: its last jump back to its head, then its exit pad.
    End(LoopId),
}

/// A loop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loop {
    /// The nodes it is entered at: one, or several for irreducible control flow.
    pub entries: Vec<usize>,
    /// The innermost loop containing it.
    pub parent: Option<LoopId>,
    /// Its exit pad: each jump the pad makes, with the destinations (of the edges leaving
    /// the loop, in the order those edges are emitted) that take it.
    pad: Vec<(Jump, Vec<usize>)>,
}

/// Where the code of an edge (or of an exit pad) jumps first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jump {
    /// To the node itself.
    Node(usize),
    /// To the dispatch head of a loop with several entries, the node being one of them.
    Dispatch(LoopId),
    /// To the exit pad of a loop the edge leaves.
    Exit(LoopId),
}

/// A function's layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// The code, in order.
    pub items: Vec<Item>,
    /// The loops, outer ones before the loops they contain.
    pub loops: Vec<Loop>,
    /// Per node, the innermost loop containing it.
    innermost: Vec<Option<LoopId>>,
}

impl Layout {
    /// The blocks of `function` reachable from its entry, in reverse postorder, and the
    /// layout of the graph they make (nodes being positions in that order).
    pub fn of_function(function: &Function) -> (Vec<Block>, Layout) {
        let cfg = ControlFlowGraph::of(function);
        let order = cfg.reverse_postorder().to_vec();
        let position: HashMap<Block, usize> =
            order.iter().enumerate().map(|(i, &b)| (b, i)).collect();
        let successors: Vec<Vec<usize>> = order
            .iter()
            .map(|&block| cfg.successors(block).iter().map(|b| position[b]).collect())
            .collect();
        let layout = Layout::of(&successors);
        (order, layout)
    }

    /// The layout of the graph whose node `n` has the successors `successors[n]`; every node
    /// is reachable from node 0.
    pub fn of(successors: &[Vec<usize>]) -> Layout {
        let mut predecessors = vec![Vec::new(); successors.len()];
        for (node, targets) in successors.iter().enumerate() {
            for &target in targets {
                predecessors[target].push(node);
            }
        }
        let mut layout = Layout {
            items: Vec::new(),
            loops: Vec::new(),
            innermost: vec![None; successors.len()],
        };
        let graph = Graph {
            successors,
            predecessors: &predecessors,
        };
        layout.nest(&graph, (0..successors.len()).collect(), &[], None);
        let nodes: Vec<usize> = layout
            .items
            .iter()
            .filter_map(|item| match *item {
                Item::Node(node) => Some(node),
                _ => None,
            })
            .collect();
        for from in nodes {
            for &to in &successors[from] {
                for exited in layout.exited(from, to) {
                    let jump = match layout.loops[exited].parent {
                        Some(parent) if !layout.contains(parent, to) => Jump::Exit(parent),
                        _ => layout.enter(to),
                    };
                    let pad = &mut layout.loops[exited].pad;
                    match pad.iter_mut().find(|(j, _)| *j == jump) {
                        Some((_, nodes)) if !nodes.contains(&to) => nodes.push(to),
                        Some(_) => {}
                        None => pad.push((jump, vec![to])),
                    }
                }
            }
        }
        // An edge back to the enclosing loop's head leaves an inner loop on every turn of
        // the outer one that goes through it: its pad tests that destination first.
        for l in 0..layout.loops.len() {
            let Some(parent) = layout.loops[l].parent else {
                continue;
            };
            let heads = layout.loops[parent].entries.clone();
            let continues = |jump: &Jump| match *jump {
                Jump::Node(node) => heads.contains(&node),
                Jump::Dispatch(d) => d == parent,
                Jump::Exit(_) => false,
            };
            layout.loops[l]
                .pad
                .sort_by_key(|(jump, _)| !continues(jump));
        }
        layout
    }

    /// Lays out the nodes of `region` (sorted), whose edges into `cut` (the entries of the
    /// loop `parent` it is the body of) are back edges.
    fn nest(&mut self, graph: &Graph, region: Vec<usize>, cut: &[usize], parent: Option<LoopId>) {
        for component in graph.components_in_order(&region, cut) {
            let node = component[0];
            // A node alone is a loop only by a jump to itself (one not cut).
            let self_loop = graph.successors[node].contains(&node) && !cut.contains(&node);
            if component.len() == 1 && !self_loop {
                self.innermost[node] = parent;
                self.items.push(Item::Node(node));
                continue;
            }
            let entries: Vec<usize> = component
                .iter()
                .copied()
                .filter(|&n| {
                    n == 0
                        || graph.predecessors[n]
                            .iter()
                            .any(|p| component.binary_search(p).is_err())
                })
                .collect();
            let id = self.loops.len();
            self.loops.push(Loop {
                entries: entries.clone(),
                parent,
                pad: Vec::new(),
            });
            if entries.len() > 1 {
                self.items.push(Item::Head(id));
            }
            self.nest(graph, component, &entries, Some(id));
            self.items.push(Item::End(id));
        }
    }

    /// Whether loop `id` contains `node`.
    fn contains(&self, id: LoopId, node: usize) -> bool {
        self.enclosing(node).any(|l| l == id)
    }

    /// The loops containing `node`, innermost first.
    pub fn enclosing(&self, node: usize) -> impl Iterator<Item = LoopId> + '_ {
        std::iter::successors(self.innermost[node], |&l| self.loops[l].parent)
    }

    /// The loops the edge `from → to` leaves, innermost first.
    fn exited(&self, from: usize, to: usize) -> Vec<LoopId> {
        self.enclosing(from)
            .take_while(|&l| !self.contains(l, to))
            .collect()
    }

    /// Where the code of the edge `from → to` jumps first.
    pub fn jump(&self, from: usize, to: usize) -> Jump {
        match self.exited(from, to).first() {
            Some(&exited) => Jump::Exit(exited),
            None => self.enter(to),
        }
    }

    /// How code outside `node`'s loops, or in the one it heads, reaches it.
    fn enter(&self, node: usize) -> Jump {
        match self.innermost[node] {
            Some(l) if self.loops[l].entries.len() > 1 && self.loops[l].entries.contains(&node) => {
                Jump::Dispatch(l)
            }
            _ => Jump::Node(node),
        }
    }

    /// Loop `id`'s exit pad: each jump it makes, with the destinations that take it.
    pub fn pad(&self, id: LoopId) -> &[(Jump, Vec<usize>)] {
        &self.loops[id].pad
    }

    /// Whether the edge `from → to` must store `to` in the target local: a pad on its way
    /// tells destinations apart, or it enters through a dispatch head.
    pub fn needs_target(&self, from: usize, to: usize) -> bool {
        matches!(self.enter(to), Jump::Dispatch(_))
            || self
                .exited(from, to)
                .into_iter()
                .any(|l| self.pad(l).len() > 1)
    }

    /// Whether any code reads the target local.
    pub fn uses_target(&self) -> bool {
        (0..self.loops.len()).any(|l| self.loops[l].entries.len() > 1 || self.pad(l).len() > 1)
    }
}

struct Graph<'a> {
    successors: &'a [Vec<usize>],
    predecessors: &'a [Vec<usize>],
}

impl Graph<'_> {
    /// The strongly connected components of the subgraph on `region` (sorted) without the
    /// edges into `cut`, each sorted, in a topological order of the edges between them that
    /// takes the one with the earliest node first.
    fn components_in_order(&self, region: &[usize], cut: &[usize]) -> Vec<Vec<usize>> {
        let inside = |n: usize| region.binary_search(&n).is_ok() && !cut.contains(&n);
        let local = |n: usize| region.binary_search(&n).expect("in the region");
        let components = self.components(region, &inside);
        let mut component_of = vec![0; region.len()];
        for (c, nodes) in components.iter().enumerate() {
            for &n in nodes {
                component_of[local(n)] = c;
            }
        }
        let mut incoming = vec![0usize; components.len()];
        let mut edges = vec![Vec::new(); components.len()];
        for &from in region {
            for &to in &self.successors[from] {
                if inside(to) && component_of[local(from)] != component_of[local(to)] {
                    edges[component_of[local(from)]].push(component_of[local(to)]);
                    incoming[component_of[local(to)]] += 1;
                }
            }
        }
        let mut ready: BinaryHeap<Reverse<(usize, usize)>> = (0..components.len())
            .filter(|&c| incoming[c] == 0)
            .map(|c| Reverse((components[c][0], c)))
            .collect();
        let mut order = Vec::with_capacity(components.len());
        while let Some(Reverse((_, c))) = ready.pop() {
            order.push(c);
            for &next in &edges[c] {
                incoming[next] -= 1;
                if incoming[next] == 0 {
                    ready.push(Reverse((components[next][0], next)));
                }
            }
        }
        let mut components: Vec<Option<Vec<usize>>> = components.into_iter().map(Some).collect();
        order
            .into_iter()
            .map(|c| components[c].take().expect("each once"))
            .collect()
    }

    /// The strongly connected components of the subgraph on `region` whose edges go to
    /// nodes `inside` it, each sorted.
    fn components(&self, region: &[usize], inside: &dyn Fn(usize) -> bool) -> Vec<Vec<usize>> {
        strong_components(self.successors, region, inside)
    }
}

/// The strongly connected components of the subgraph on `region` (sorted) of the graph whose
/// node `n` has the successors `successors[n]`, with only the edges to nodes `inside` it
/// (Tarjan's algorithm, without recursion), each sorted.
pub(super) fn strong_components(
    successors: &[Vec<usize>],
    region: &[usize],
    inside: &dyn Fn(usize) -> bool,
) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let local = |n: usize| region.binary_search(&n).expect("in the region");
    let mut index = vec![UNSEEN; region.len()];
    let mut low = vec![0; region.len()];
    let mut on_stack = vec![false; region.len()];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut counter = 0;
    for &root in region {
        if index[local(root)] != UNSEEN {
            continue;
        }
        let mut calls = vec![(root, 0usize)];
        index[local(root)] = counter;
        low[local(root)] = counter;
        counter += 1;
        stack.push(root);
        on_stack[local(root)] = true;
        while let Some(&mut (node, ref mut next)) = calls.last_mut() {
            if let Some(&to) = successors[node].get(*next) {
                *next += 1;
                if !inside(to) {
                    continue;
                }
                let (n, t) = (local(node), local(to));
                if index[t] == UNSEEN {
                    index[t] = counter;
                    low[t] = counter;
                    counter += 1;
                    stack.push(to);
                    on_stack[t] = true;
                    calls.push((to, 0));
                } else if on_stack[t] {
                    low[n] = low[n].min(index[t]);
                }
                continue;
            }
            calls.pop();
            let n = local(node);
            if let Some(&(caller, _)) = calls.last() {
                let c = local(caller);
                low[c] = low[c].min(low[n]);
            }
            if low[n] == index[n] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[local(member)] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                component.sort_unstable();
                components.push(component);
            }
        }
    }
    components
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn straight_code_has_no_loops() {
        let layout = Layout::of(&[vec![1, 2], vec![2], vec![]]);
        assert_eq!(layout.items, [Item::Node(0), Item::Node(1), Item::Node(2)]);
        assert!(layout.loops.is_empty());
        assert!(!layout.uses_target());
    }

    #[test]
    fn a_loop_is_contiguous_and_left_through_its_pad() {
        // 0 → 1; 1 → 2 | 4; 2 → 3 | 1; 3 → 1; 4: a loop {1, 2, 3} headed by 1.
        let layout = Layout::of(&[vec![1], vec![2, 4], vec![3, 1], vec![1], vec![]]);
        let (node, end) = (Item::Node, Item::End);
        assert_eq!(
            layout.items,
            [node(0), node(1), node(2), node(3), end(0), node(4)]
        );
        assert_eq!(layout.loops[0].entries, [1]);
        assert_eq!(layout.jump(3, 1), Jump::Node(1));
        assert_eq!(layout.jump(1, 4), Jump::Exit(0));
        assert_eq!(layout.pad(0), [(Jump::Node(4), vec![4])]);
        assert!(!layout.uses_target());
    }

    #[test]
    fn leaving_two_loops_goes_through_both_pads() {
        // Outer loop {1, 2, 3} headed by 1, inner loop {2, 3} headed by 2; 3 leaves both
        // (to 5) or only the inner one (to 4, which continues the outer).
        let successors = [
            vec![1],
            vec![2, 6],
            vec![3],
            vec![2, 4, 5],
            vec![1],
            vec![],
            vec![],
        ];
        let layout = Layout::of(&successors);
        let (node, end) = (Item::Node, Item::End);
        assert_eq!(
            layout.items,
            [
                node(0),
                node(1),
                node(2),
                node(3),
                end(1),
                node(4),
                end(0),
                node(5),
                node(6)
            ]
        );
        assert_eq!(layout.loops[1].parent, Some(0));
        assert_eq!(layout.jump(3, 5), Jump::Exit(1));
        assert_eq!(
            layout.pad(1),
            [(Jump::Node(4), vec![4]), (Jump::Exit(0), vec![5])]
        );
        assert_eq!(
            layout.pad(0),
            [(Jump::Node(6), vec![6]), (Jump::Node(5), vec![5])]
        );
        assert!(layout.needs_target(3, 5) && layout.needs_target(3, 4));
        assert!(layout.needs_target(1, 6) && !layout.needs_target(3, 2));
    }

    #[test]
    fn a_loop_with_two_entries_gets_a_dispatch_head() {
        // 0 → 1 | 2; 1 → 2 | 3; 2 → 1: the loop {1, 2} is entered at both.
        let layout = Layout::of(&[vec![1, 2], vec![2, 3], vec![1], vec![]]);
        let (node, end) = (Item::Node, Item::End);
        assert_eq!(
            layout.items,
            [node(0), Item::Head(0), node(1), node(2), end(0), node(3)]
        );
        assert_eq!(layout.loops[0].entries, [1, 2]);
        assert_eq!(layout.jump(0, 2), Jump::Dispatch(0));
        assert_eq!(layout.jump(2, 1), Jump::Dispatch(0));
        assert!(layout.needs_target(0, 1) && layout.uses_target());
    }

    #[test]
    fn a_self_loop_is_a_loop() {
        let layout = Layout::of(&[vec![1], vec![1, 2], vec![]]);
        let (node, end) = (Item::Node, Item::End);
        assert_eq!(layout.items, [node(0), node(1), end(0), node(2)]);
    }
}
