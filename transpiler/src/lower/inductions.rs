//! Values that go round a loop only by being passed on and by adding constants (a counter,
//! `i = i + 1`): their bound ([`super::ranges`]) need not grow to a word's, because a
//! transaction cannot turn a loop 2^64 times. Each block runs at most once per EVM jump or
//! call made and once per function entry, every EVM instruction but the halting ones costs
//! gas, and a transaction's gas is a `u64`: so an addition runs fewer than 2^64 times in a
//! transaction, and a value made of some value `v` from outside the loop plus the constants
//! of the additions it went through is below `v + 2^64 * c` (`c` the largest constant): at
//! most `max(bits(v), 64 + bits(c)) + 1` bits, and never wraps.
//!
//! Such a group is a strongly connected component of the graph whose nodes are block
//! parameters (fed by their arguments) and additions of a constant (fed by their other
//! operand); its inputs are the values outside the component feeding it.

use std::collections::HashMap;

use alloy_primitives::U256;
use revm_bytecode::opcode;

use super::layout::strong_components;
use crate::ir::{Block, Function, InstData, Terminator, Value};

/// The groups of values that go round loops by copies and constant additions.
pub struct Inductions {
    /// Per member value, its group.
    group_of: HashMap<Value, usize>,
    /// Per group, the values outside it feeding it, and the bits of its largest constant
    /// added (`None` if it only passes values on).
    groups: Vec<(Vec<Value>, Option<u16>)>,
}

impl Inductions {
    /// The groups of `function`, whose blocks reachable from its entry are `order`;
    /// `constants` gives the constant values.
    pub fn of(function: &Function, order: &[Block], constants: &[Option<U256>]) -> Self {
        // Per node, the values feeding it and the constant it adds, if any.
        let mut inputs: HashMap<Value, (Vec<Value>, Option<U256>)> = HashMap::new();
        for &block in order {
            let data = function.block(block);
            for inst in &data.insts {
                let (InstData::Op { op, args }, &[result]) = (&inst.data, &inst.results[..]) else {
                    continue;
                };
                let &[a, b] = &args[..] else { continue };
                if op.get() != opcode::ADD {
                    continue;
                }
                let step = match (constants[a.index()], constants[b.index()]) {
                    (Some(c), None) => (b, c),
                    (None, Some(c)) => (a, c),
                    _ => continue,
                };
                inputs.insert(result, (vec![step.0], Some(step.1)));
            }
            for call in data.terminator.iter().flat_map(Terminator::successors) {
                let params = &function.block(call.block).params;
                for (&arg, &param) in call.args.iter().zip(params) {
                    inputs.entry(param).or_default().0.push(arg);
                }
            }
        }
        // The nodes, numbered; each node's successors are the nodes feeding it.
        let mut nodes: Vec<Value> = inputs.keys().copied().collect();
        nodes.sort_unstable();
        let number: HashMap<Value, usize> =
            nodes.iter().enumerate().map(|(i, &v)| (v, i)).collect();
        let feeding: Vec<Vec<usize>> = (nodes.iter())
            .map(|v| {
                inputs[v]
                    .0
                    .iter()
                    .filter_map(|f| number.get(f).copied())
                    .collect()
            })
            .collect();
        let all: Vec<usize> = (0..nodes.len()).collect();
        let mut inductions = Inductions {
            group_of: HashMap::new(),
            groups: Vec::new(),
        };
        for component in strong_components(&feeding, &all, &|_| true) {
            let cyclic = component.len() > 1 || feeding[component[0]].contains(&component[0]);
            if !cyclic {
                continue;
            }
            let id = inductions.groups.len();
            // Sorted, as `nodes` and `component` are.
            let members: Vec<Value> = component.iter().map(|&n| nodes[n]).collect();
            let mut outside = Vec::new();
            let mut step: Option<u16> = None;
            for &member in &members {
                inductions.group_of.insert(member, id);
                let (fed_by, constant) = &inputs[&member];
                outside.extend(fed_by.iter().filter(|v| members.binary_search(v).is_err()));
                if let Some(c) = constant {
                    step = Some(step.unwrap_or(0).max(c.bit_len() as u16));
                }
            }
            inductions.groups.push((outside, step));
        }
        inductions
    }

    /// The bound of `value`'s bits if it belongs to a group, from the bounds `bits` of the
    /// values feeding the group.
    pub fn bound(&self, value: Value, bits: &[u16], word: u16) -> Option<u16> {
        let (outside, step) = &self.groups[*self.group_of.get(&value)?];
        let fed = outside.iter().map(|v| bits[v.index()]).max().unwrap_or(0);
        Some(match step {
            None => fed,
            Some(step) => (fed.max(64 + step) + 1).min(word),
        })
    }
}
