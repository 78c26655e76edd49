//! Block parameters that carry nothing: SSA construction gives every block a parameter per
//! stack slot, most of which pass a value through unchanged.
//!
//! - A parameter is *redundant* when every jump to its block passes it either one same
//!   value or the parameter itself (a loop passing it round): it is that value. Its uses are
//!   renamed, and it is removed with its argument from every jump. (This is the "constant
//!   phi" removal of SSA literature; the entry block's parameters are the function's
//!   arguments and stay.)
//! - A parameter is *unused* when nothing reads it: removed with its arguments.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::dead_code::use_counts;
use crate::ir::{Block, Function, Value};

/// Removes redundant parameters; returns whether it removed any.
pub fn remove_redundant_params(function: &mut Function) -> bool {
    // Every argument each parameter receives.
    let mut incoming: BTreeMap<(Block, usize), Vec<Value>> = BTreeMap::new();
    for &block in function.layout() {
        let terminator = function
            .block(block)
            .terminator
            .as_ref()
            .expect("terminated");
        for call in terminator.successors() {
            for (index, &arg) in call.args.iter().enumerate() {
                incoming.entry((call.block, index)).or_default().push(arg);
            }
        }
    }
    let entry = function.entry();
    let mut replace: HashMap<Value, Value> = HashMap::new();
    let mut removed: BTreeMap<Block, Vec<usize>> = BTreeMap::new();
    for ((block, index), args) in &incoming {
        if *block == entry {
            continue;
        }
        let param = function.block(*block).params[*index];
        let mut others = args.iter().filter(|&&arg| arg != param);
        let Some(&value) = others.next() else {
            continue;
        };
        if others.all(|&other| other == value) {
            replace.insert(param, value);
            removed.entry(*block).or_default().push(*index);
        }
    }
    // A parameter replaced by another removed parameter takes what that one is replaced by;
    // a cycle of them (reachable from nowhere) is left alone. Each chain is walked once and
    // every parameter on it remembered (chains are as long as a loop that grows the stack
    // runs: a thousand blocks deep).
    let mut resolved: HashMap<Value, Option<Value>> = HashMap::with_capacity(replace.len());
    for &start in replace.keys() {
        let mut path = Vec::new();
        let mut on_path = HashSet::new();
        let mut value = start;
        let answer = loop {
            if let Some(&known) = resolved.get(&value) {
                break known;
            }
            let Some(&next) = replace.get(&value) else {
                break Some(value);
            };
            if !on_path.insert(value) {
                break None;
            }
            path.push(value);
            value = next;
        };
        for param in path {
            resolved.insert(param, answer);
        }
    }
    let resolved: HashMap<Value, Value> = resolved
        .into_iter()
        .filter_map(|(param, value)| value.map(|value| (param, value)))
        .collect();
    removed.retain(|block, indices| {
        let params = &function.block(*block).params;
        indices.retain(|&i| resolved.contains_key(&params[i]));
        !indices.is_empty()
    });
    if removed.is_empty() {
        return false;
    }
    remove_params(function, &removed);
    function.rename_uses(&resolved);
    true
}

/// Removes parameters nothing reads; returns whether it removed any.
pub fn remove_unused_params(function: &mut Function) -> bool {
    let uses = use_counts(function);
    let entry = function.entry();
    let mut removed: BTreeMap<Block, Vec<usize>> = BTreeMap::new();
    for &block in function.layout() {
        if block == entry {
            continue;
        }
        for (index, param) in function.block(block).params.iter().enumerate() {
            if !uses.contains_key(param) {
                removed.entry(block).or_default().push(index);
            }
        }
    }
    if removed.is_empty() {
        return false;
    }
    remove_params(function, &removed);
    true
}

/// Removes the parameters at `removed` indices of their blocks, and the matching arguments
/// of every jump to those blocks.
fn remove_params(function: &mut Function, removed: &BTreeMap<Block, Vec<usize>>) {
    // Per block, which indices go (a set: blocks may have a thousand parameters).
    let removed: BTreeMap<Block, HashSet<usize>> = removed
        .iter()
        .map(|(block, indices)| (*block, indices.iter().copied().collect()))
        .collect();
    let keep = |index: usize, indices: &HashSet<usize>| !indices.contains(&index);
    for block in function.layout().to_vec() {
        if let Some(indices) = removed.get(&block) {
            let params = &mut function.block_mut(block).params;
            *params = params
                .iter()
                .enumerate()
                .filter(|(i, _)| keep(*i, indices))
                .map(|(_, &p)| p)
                .collect();
        }
        let terminator = function
            .block_mut(block)
            .terminator
            .as_mut()
            .expect("terminated");
        for call in terminator.successors_mut() {
            if let Some(indices) = removed.get(&call.block) {
                call.args = call
                    .args
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| keep(*i, indices))
                    .map(|(_, &a)| a)
                    .collect();
            }
        }
    }
}
