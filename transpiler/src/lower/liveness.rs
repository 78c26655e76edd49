//! Which values are live where: for each block, the values live on entry and, per
//! instruction, the values whose last use it is. Constants are left out (the lowering loads
//! them where they are used), and so are block parameters on entry to their own block (they
//! are defined there).

use crate::ir::{Block, Function, Value};

/// A set of values, dense: functions have at most a few thousand values and blocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueSet(Vec<u64>);

impl ValueSet {
    /// An empty set for a function of `values` values.
    pub fn new(values: usize) -> Self {
        Self(vec![0; values.div_ceil(64)])
    }

    /// Whether `value` is in the set.
    pub fn contains(&self, value: Value) -> bool {
        self.0[value.index() / 64] & (1 << (value.index() % 64)) != 0
    }

    /// Adds `value`; whether it was new.
    pub fn insert(&mut self, value: Value) -> bool {
        let (word, bit) = (value.index() / 64, 1 << (value.index() % 64));
        let new = self.0[word] & bit == 0;
        self.0[word] |= bit;
        new
    }

    /// Removes `value`.
    pub fn remove(&mut self, value: Value) {
        self.0[value.index() / 64] &= !(1 << (value.index() % 64));
    }

    /// Adds every value of `other`; whether any was new.
    pub fn union_with(&mut self, other: &ValueSet) -> bool {
        let mut changed = false;
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            changed |= *theirs & !*mine != 0;
            *mine |= theirs;
        }
        changed
    }

    /// Removes every value of `other`.
    pub fn difference_with(&mut self, other: &ValueSet) {
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine &= !theirs;
        }
    }

    /// The values in the set, in order: a step per value and per 64 values that could be
    /// in it, so that a block's few live values are listed quickly in a large function.
    pub fn iter(&self) -> impl Iterator<Item = Value> + '_ {
        self.0.iter().enumerate().flat_map(|(word, &bits)| {
            let mut rest = bits;
            std::iter::from_fn(move || {
                let bit = (rest != 0).then(|| rest.trailing_zeros() as usize)?;
                rest &= rest - 1;
                Some(Value::new(word * 64 + bit))
            })
        })
    }
}

/// Liveness of a function's values over the blocks in `order`.
pub struct Liveness {
    /// Per block (indexed by block number), the values live on entry.
    pub live_in: Vec<ValueSet>,
    /// Per block, the values live on exit.
    pub live_out: Vec<ValueSet>,
}

/// Computes liveness; `tracked` says which values have a location (not constants).
pub fn liveness(function: &Function, order: &[Block], tracked: &dyn Fn(Value) -> bool) -> Liveness {
    let blocks = order
        .iter()
        .map(|b| b.index())
        .max()
        .map_or(0, |max| max + 1);
    let values = function.value_count();
    let mut upward = vec![ValueSet::new(values); blocks];
    let mut defs = vec![ValueSet::new(values); blocks];
    for &block in order {
        let data = function.block(block);
        let (up, def) = (&mut upward[block.index()], &mut defs[block.index()]);
        for &p in &data.params {
            def.insert(p);
        }
        let use_value = |v: Value, def: &ValueSet, up: &mut ValueSet| {
            if tracked(v) && !def.contains(v) {
                up.insert(v);
            }
        };
        for inst in &data.insts {
            for &v in inst.data.operands() {
                use_value(v, def, up);
            }
            for &r in &inst.results {
                def.insert(r);
            }
        }
        if let Some(terminator) = &data.terminator {
            for v in terminator.operands() {
                use_value(v, def, up);
            }
        }
    }
    let mut live_in = upward.clone();
    let mut live_out = vec![ValueSet::new(values); blocks];
    let mut incoming = ValueSet::new(values);
    let mut changed = true;
    while changed {
        changed = false;
        for &block in order.iter().rev() {
            let b = block.index();
            let out = &mut live_out[b];
            let successors = function.block(block).terminator.iter();
            for call in successors.flat_map(|t| t.successors()) {
                out.union_with(&live_in[call.block.index()]);
            }
            // Word by word: live on entry is live on exit less what the block defines,
            // plus what it reads first.
            incoming.clone_from(out);
            incoming.difference_with(&defs[b]);
            incoming.union_with(&upward[b]);
            changed |= live_in[b].union_with(&incoming);
        }
    }
    Liveness { live_in, live_out }
}
