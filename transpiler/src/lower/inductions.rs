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
//! operand); its inputs are the values outside the component feeding it. A component holding
//! a parameter of the function's entry (fed by the caller as well) is none.

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
        let arguments = &function.block(function.entry()).params;
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
            // The entry's parameters are fed by the caller too, outside this graph.
            let entered = (component.iter()).any(|&n| arguments.contains(&nodes[n]));
            if !cyclic || entered {
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

#[cfg(test)]
mod tests {
    use alloy_primitives::U256;
    use revm_bytecode::opcode::{self, OpCode};

    use crate::{
        evm::Pc,
        ir::{BlockCall, Function, InstData, Terminator, Value},
        lower::{layout::Layout, ranges::widths},
    };

    fn constant(function: &mut Function, block: crate::ir::Block, c: u64) -> Value {
        function.push_inst(block, InstData::Const(U256::from(c)), 1)[0]
    }

    fn op(function: &mut Function, block: crate::ir::Block, code: u8, args: Vec<Value>) -> Value {
        let op = OpCode::new(code).expect("an opcode");
        function.push_inst(block, InstData::Op { op, args }, 1)[0]
    }

    /// `head(i)`: `i + 1`, and round again while the calldata is not empty; the loop is
    /// entered with `start` from the entry, or the entry itself is the head (its parameter
    /// the function's argument) when `start` is `None`.
    fn counter(start: Option<u64>) -> (Function, Value, Value) {
        let mut function = Function::new(Pc(0), Some(1));
        let entry = function.add_block(Pc(0));
        let head = match start {
            Some(c) => {
                let head = function.add_block(Pc(1));
                let init = constant(&mut function, entry, c);
                let call = BlockCall {
                    block: head,
                    args: vec![init],
                };
                function.set_terminator(entry, Terminator::Jump(call));
                head
            }
            None => entry,
        };
        let i = function.add_param(head);
        let one = constant(&mut function, head, 1);
        let next = op(&mut function, head, opcode::ADD, vec![i, one]);
        let more = op(&mut function, head, opcode::CALLDATASIZE, vec![]);
        let exit = function.add_block(Pc(2));
        let turn = BlockCall {
            block: head,
            args: vec![next],
        };
        let out = BlockCall {
            block: exit,
            args: vec![],
        };
        function.set_terminator(
            head,
            Terminator::Branch {
                cond: more,
                then: turn,
                otherwise: out,
            },
        );
        function.set_terminator(exit, Terminator::Return(vec![next]));
        (function, i, next)
    }

    fn bits(function: &Function, value: Value) -> u16 {
        let (order, _) = Layout::of_function(function);
        widths(function, &order)[value.index()]
    }

    #[test]
    fn a_counter_from_a_constant_fits_66_bits() {
        let (function, i, next) = counter(Some(7));
        assert_eq!(bits(&function, i), 66);
        assert_eq!(bits(&function, next), 66);
    }

    #[test]
    fn a_counter_from_the_functions_argument_is_a_word() {
        let (function, i, next) = counter(None);
        assert_eq!(bits(&function, i), 256);
        assert_eq!(bits(&function, next), 256);
    }
}
