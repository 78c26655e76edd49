//! Where each IR value lives in Move: a constant loaded where it is used, a comparison kept
//! as a `bool` when only conditions read it, a value proven to fit 128 bits
//! ([`super::ranges`]) in one u128 local, otherwise a word in two u128 locals. Locals are
//! shared by values that are never live at once: SSA values interfere as a chordal graph, so
//! colouring them greedily in an order where definitions follow their dominators (reverse
//! postorder) uses as few locals as any allocation can.

use alloy_primitives::U256;
use move_binary_format::file_format::{LocalIndex, SignatureToken};
use revm_bytecode::opcode;

use super::liveness::{liveness, ValueSet};
use crate::ir::{Block, Function, InstData, Terminator, Value};

/// Where a value lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// Nowhere: nothing reads it.
    Dead,
    /// A constant, loaded where it is read.
    Const(U256),
    /// A word in two u128 locals.
    Word {
        /// The high half.
        hi: LocalIndex,
        /// The low half.
        lo: LocalIndex,
    },
    /// A comparison's outcome in a `bool` local.
    Bool(LocalIndex),
    /// A word whose high half is zero, its low half in a u128 local.
    Narrow(LocalIndex),
    /// A word spilled to the function's spill vector (`vector<u128>`): its halves are
    /// elements `2 * slot` (high) and `2 * slot + 1` (low).
    Spilled(u64),
}

/// The locals of one function.
pub struct Locals {
    /// Per value, where it lives.
    pub locations: Vec<Location>,
    /// The types of the locals after the parameters (the code unit's locals signature).
    pub types: Vec<SignatureToken>,
    /// How many parameter locals come first.
    pub params: usize,
    /// The spill vector, if locals ran out: its local and how many words it holds.
    pub spill: Option<(LocalIndex, u64)>,
}

/// Allocation failed: Move allows 255 parameters and locals per function, and the
/// parameters, `bool`s and extras need more than that even with every other word spilled.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("needs {needed} Move locals for parameters and conditions, more than the 255 a function may have")]
pub struct TooManyLocals {
    /// How many it would need.
    pub needed: usize,
}

/// A class of values sharing a pool of locals.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Word,
    Bool,
    Narrow,
}

/// Allocates locals for `function` over the blocks in `order` (reverse postorder). The entry
/// block's parameters are the function's parameters: two u128 each, first, then
/// `extra_params` parameters of other types (universal form's EVM stack). `extra` locals of
/// the given types are added at the end (the target local of dispatch heads and exit pads).
/// `widths` bounds each value's bits ([`super::ranges::widths`]).
/// When the words need more locals than Move allows, the highest colours (values live only
/// where the most values are) are spilled to one `vector<u128>` local, before the extras.
pub fn allocate(
    function: &Function,
    order: &[Block],
    widths: &[u16],
    extra_params: usize,
    extra: &[SignatureToken],
) -> Result<Locals, TooManyLocals> {
    // Narrow words cannot spill: if they leave too few locals, every word is kept whole.
    allocate_with(function, order, Some(widths), extra_params, extra)
        .or_else(|_| allocate_with(function, order, None, extra_params, extra))
}

/// [`allocate`], narrowing the words `widths` proves fit 128 bits, if given.
fn allocate_with(
    function: &Function,
    order: &[Block],
    widths: Option<&[u16]>,
    extra_params: usize,
    extra: &[SignatureToken],
) -> Result<Locals, TooManyLocals> {
    let values = function.value_count();
    let mut constant = vec![None; values];
    let mut class = vec![Class::Word; values];
    for &block in order {
        for inst in &function.block(block).insts {
            match &inst.data {
                InstData::Const(c) => constant[inst.results[0].index()] = Some(*c),
                InstData::Op { op, .. } if is_test(op.get()) => {
                    class[inst.results[0].index()] = Class::Bool;
                }
                _ => {}
            }
        }
    }
    // A test stays a bool only if every reader takes a condition.
    for &block in order {
        let data = function.block(block);
        for inst in &data.insts {
            let takes_bool =
                matches!(&inst.data, InstData::Op { op, .. } if op.get() == opcode::ISZERO);
            if !takes_bool {
                inst.data
                    .operands()
                    .iter()
                    .for_each(|v| class[v.index()] = Class::Word);
            }
        }
        if let Some(terminator) = &data.terminator {
            // A branch's condition is its only operand read as a condition.
            let mut words = terminator.operands();
            if let Terminator::Branch { .. } = terminator {
                words.remove(0);
            }
            words.iter().for_each(|v| class[v.index()] = Class::Word);
        }
    }
    for (class, &width) in class.iter_mut().zip(widths.unwrap_or_default()) {
        if *class == Class::Word && width <= 128 {
            *class = Class::Narrow;
        }
    }

    let tracked = |v: Value| constant[v.index()].is_none();
    let live = liveness(function, order, &tracked);
    let entry = function.entry();
    let params = function.block(entry).params.clone();
    let mut color: Vec<Option<usize>> = vec![None; values];
    let mut pools = [Vec::<bool>::new(), Vec::new(), Vec::new()]; // per class: colour in use
    let pool = |class: Class| class as usize;
    for &block in order {
        let data = function.block(block);
        // Values dying at each instruction (index `insts.len()` is the terminator).
        let mut dies: Vec<Vec<Value>> = vec![Vec::new(); data.insts.len() + 1];
        let mut live_after = live.live_out[block.index()].clone();
        let mut dead_results = ValueSet::new(values);
        if let Some(terminator) = &data.terminator {
            for v in terminator.operands() {
                if tracked(v) && live_after.insert(v) {
                    dies[data.insts.len()].push(v);
                }
            }
        }
        for (i, inst) in data.insts.iter().enumerate().rev() {
            for &r in &inst.results {
                if !live_after.contains(r) {
                    dead_results.insert(r);
                }
                live_after.remove(r);
            }
            for &v in inst.data.operands() {
                if tracked(v) && live_after.insert(v) {
                    dies[i].push(v);
                }
            }
        }
        // Colour forwards, from the colours live on entry.
        pools
            .iter_mut()
            .for_each(|p| p.iter_mut().for_each(|c| *c = false));
        for v in live.live_in[block.index()].iter() {
            if let Some(c) = color[v.index()] {
                pools[pool(class[v.index()])][c] = true;
            }
        }
        let take = |v: Value, pools: &mut [Vec<bool>; 3], color: &mut [Option<usize>]| {
            let p = &mut pools[pool(class[v.index()])];
            let c = p.iter().position(|used| !used).unwrap_or_else(|| {
                p.push(false);
                p.len() - 1
            });
            p[c] = true;
            color[v.index()] = Some(c);
        };
        if block != entry {
            for &p in &data.params {
                if live_after.contains(p) {
                    take(p, &mut pools, &mut color);
                }
            }
        }
        for (i, inst) in data.insts.iter().enumerate() {
            for &v in &dies[i] {
                if let Some(c) = color[v.index()] {
                    pools[pool(class[v.index()])][c] = false;
                }
            }
            for &r in &inst.results {
                if tracked(r) && !dead_results.contains(r) {
                    take(r, &mut pools, &mut color);
                }
            }
        }
    }

    // Colours become locals: parameters, then word pairs, then narrow words, then bools,
    // then the spill vector and the extras.
    // How many colours each class used.
    let used = |wanted: Class| {
        color
            .iter()
            .zip(&class)
            .filter(|(_, class)| **class == wanted)
            .filter_map(|(c, _)| *c)
            .max()
            .map_or(0, |max| max + 1)
    };
    let (words, narrows, bools) = (used(Class::Word), used(Class::Narrow), used(Class::Bool));
    let first_word = 2 * params.len() + extra_params;
    let limit = usize::from(LocalIndex::MAX);
    let fixed = first_word + narrows + bools + extra.len();
    // Words kept in locals: all, or as many as fit beside the spill vector.
    let kept = match fixed + 2 * words <= limit {
        true => words,
        false => match (limit - 1).checked_sub(fixed) {
            Some(room) => room / 2,
            None => return Err(TooManyLocals { needed: fixed + 1 }),
        },
    };
    let first_narrow = first_word + 2 * kept;
    let first_bool = first_narrow + narrows;
    let local = |i: usize| i as LocalIndex; // bounded by `limit` above
    let mut locations = vec![Location::Dead; values];
    for (i, &p) in params.iter().enumerate() {
        locations[p.index()] = Location::Word {
            hi: local(2 * i),
            lo: local(2 * i + 1),
        };
    }
    for v in 0..values {
        locations[v] = match (constant[v], color[v], class[v]) {
            (Some(c), _, _) => Location::Const(c),
            (None, Some(c), Class::Word) if c < kept => Location::Word {
                hi: local(first_word + 2 * c),
                lo: local(first_word + 2 * c + 1),
            },
            (None, Some(c), Class::Word) => Location::Spilled((c - kept) as u64),
            (None, Some(c), Class::Narrow) => Location::Narrow(local(first_narrow + c)),
            (None, Some(c), Class::Bool) => Location::Bool(local(first_bool + c)),
            (None, None, _) => locations[v],
        };
    }
    let mut types = vec![SignatureToken::U128; 2 * kept + narrows];
    types.extend(std::iter::repeat_n(SignatureToken::Bool, bools));
    let spill = (kept < words).then(|| {
        types.push(SignatureToken::Vector(Box::new(SignatureToken::U128)));
        (local(first_bool + bools), (words - kept) as u64)
    });
    types.extend(extra.iter().cloned());
    Ok(Locals {
        locations,
        types,
        params: first_word,
        spill,
    })
}

/// Whether `op` is a test whose native returns a `bool`.
fn is_test(op: u8) -> bool {
    matches!(
        op,
        opcode::LT | opcode::GT | opcode::SLT | opcode::SGT | opcode::EQ | opcode::ISZERO
    )
}
