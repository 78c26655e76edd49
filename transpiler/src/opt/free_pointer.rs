//! The free-memory pointer: solc keeps the next free memory offset in the word at 0x40,
//! writes it at the start of the code (`mstore(0x40, 0x80)`) and reads it before every
//! allocation, ABI encoding, revert reason and event (`mload(0x40)`). A read of that word
//! that nothing can have changed since it was last written or read is the value written or
//! read then: a constant (which [`super::fold`] carries into the arithmetic on it,
//! `add(fmp, 0x20)`) or an earlier value.
//!
//! A forward dataflow over each function finds what the word holds before each
//! instruction: a write of exactly the word sets it; any other write that may overlap it
//! (MSTORE or MSTORE8 at an offset not known to miss it, a copy or a call's output whose
//! destination or length is not known) forgets it, and so does a call of a function that
//! may write it (itself or through the functions it calls). Across functions, a function
//! starts with what every call site agrees on (its constant, or nothing); `run` (`fn0`),
//! entered from outside, knows nothing.
//!
//! Removing such a read is exact: the word was written or read before on every path, so
//! memory already spans it, and the read would expand nothing and charge no dynamic gas.
//! Memory itself is still written as before.

use std::collections::HashMap;

use alloy_primitives::U256;
use revm_bytecode::opcode;

use crate::evm::copied_into_memory;

use crate::ir::{
    Block, ControlFlowGraph, FuncRef, Function, Inst, InstData, Module, Terminator, Value,
};

/// Replaces every read of the free-memory pointer whose value is known by that value;
/// returns whether it replaced any.
pub fn fold_free_pointer_loads(module: &mut Module) -> bool {
    let may_write = functions_writing_the_word(module);
    let entries = entry_words(module, &may_write);
    let mut changed = false;
    for (function, entry) in module.functions.iter_mut().zip(entries) {
        changed |= replace_known_loads(function, entry.unwrap_or(Word::Unknown), &may_write);
    }
    changed
}

/// The word's offset.
const FREE_POINTER: u64 = 0x40;

/// What the word at [`FREE_POINTER`] holds at a point of a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Word {
    Const(U256),
    /// The value of an earlier instruction of the function (its last execution on every
    /// path here, so that instruction dominates this point).
    Value(Value),
    Unknown,
}

impl Word {
    /// What two paths joining agree on.
    fn meet(self, other: Word) -> Word {
        if self == other {
            self
        } else {
            Word::Unknown
        }
    }

    /// What a callee may assume: another function's values mean nothing there.
    fn for_callee(self) -> Word {
        match self {
            Word::Value(_) => Word::Unknown,
            known => known,
        }
    }
}

/// One function's facts: its constants and which functions may write the word.
struct Facts<'a> {
    constants: HashMap<Value, U256>,
    may_write: &'a [bool],
}

impl<'a> Facts<'a> {
    fn of(function: &Function, may_write: &'a [bool]) -> Self {
        let constants = insts(function)
            .filter_map(|inst| match (&inst.data, &inst.results[..]) {
                (InstData::Const(c), [result]) => Some((*result, *c)),
                _ => None,
            })
            .collect();
        Self {
            constants,
            may_write,
        }
    }

    /// Whether `value` is the constant `c`.
    fn is(&self, value: Value, c: u64) -> bool {
        self.constants.get(&value) == Some(&U256::from(c))
    }

    /// The word after `inst`, from the word before it.
    fn step(&self, word: Word, inst: &Inst) -> Word {
        match &inst.data {
            InstData::Op { op, args }
                if op.get() == opcode::MLOAD && self.is(args[0], FREE_POINTER) =>
            {
                match word {
                    Word::Unknown => Word::Value(inst.results[0]),
                    known => known,
                }
            }
            InstData::Op { op, args }
                if op.get() == opcode::MSTORE && self.is(args[0], FREE_POINTER) =>
            {
                match self.constants.get(&args[1]) {
                    Some(&c) => Word::Const(c),
                    None => Word::Value(args[1]),
                }
            }
            InstData::Op { op, args } => match written(op.get(), args) {
                Some(range) if self.may_overlap(range) => Word::Unknown,
                _ => word,
            },
            InstData::Call { func, .. } if self.may_write[func.index()] => Word::Unknown,
            _ => word,
        }
    }

    /// Whether a write of `(start, length)` may touch the word.
    fn may_overlap(&self, (start, length): (Value, Length)) -> bool {
        let Some(&start) = self.constants.get(&start) else {
            return true;
        };
        let word = U256::from(FREE_POINTER);
        // A write goes up from its start.
        if start >= word + U256::from(32) {
            return false;
        }
        let length = match length {
            Length::Bytes(n) => Some(U256::from(n)),
            Length::Of(value) => self.constants.get(&value).copied(),
        };
        // A copy of nothing touches no memory, wherever it points.
        length.is_none_or(|length| !length.is_zero() && start.saturating_add(length) > word)
    }

    /// The word before each reachable block of `function`, from `entry` on entering it.
    fn block_entries(&self, function: &Function, entry: Word) -> HashMap<Block, Word> {
        let cfg = ControlFlowGraph::of(function);
        let mut before = HashMap::from([(function.entry(), entry)]);
        // Each block's word only falls (unvisited, then known, then unknown): this ends.
        loop {
            let mut changed = false;
            for &block in cfg.reverse_postorder() {
                let Some(&word) = before.get(&block) else {
                    continue;
                };
                let after =
                    (function.block(block).insts.iter()).fold(word, |w, inst| self.step(w, inst));
                for &successor in cfg.successors(block) {
                    let joined = before.get(&successor).map_or(after, |&w| w.meet(after));
                    if before.insert(successor, joined) != Some(joined) {
                        changed = true;
                    }
                }
            }
            if !changed {
                return before;
            }
        }
    }
}

/// How many bytes a memory write covers.
#[derive(Clone, Copy)]
enum Length {
    Bytes(u64),
    Of(Value),
}

/// The memory an EVM operation may write, as its start and length operands; `None` for an
/// operation that writes no memory. A call writes at most its output's length.
fn written(op: u8, args: &[Value]) -> Option<(Value, Length)> {
    let at = |start: usize, length: usize| Some((args[start], Length::Of(args[length])));
    match op {
        opcode::MSTORE => Some((args[0], Length::Bytes(32))),
        opcode::MSTORE8 => Some((args[0], Length::Bytes(1))),
        _ => copied_into_memory(op).and_then(|(start, length)| at(start, length)),
    }
}

/// Per function, whether calling it may change the word: it writes memory that may overlap
/// the word, or calls a function that may. (A function it tail-calls never returns to the
/// caller.)
fn functions_writing_the_word(module: &Module) -> Vec<bool> {
    let none = vec![false; module.functions.len()];
    let mut may_write: Vec<bool> = (module.functions.iter())
        .map(|function| {
            let facts = Facts::of(function, &none);
            insts(function).any(|inst| match &inst.data {
                InstData::Op { op, args } => {
                    written(op.get(), args).is_some_and(|range| facts.may_overlap(range))
                }
                _ => false,
            })
        })
        .collect();
    loop {
        let mut changed = false;
        for (i, function) in module.functions.iter().enumerate() {
            if may_write[i] {
                continue;
            }
            if insts(function).any(
                |inst| matches!(inst.data, InstData::Call { func, .. } if may_write[func.index()]),
            ) {
                may_write[i] = true;
                changed = true;
            }
        }
        if !changed {
            return may_write;
        }
    }
}

/// Per function, the word on entering it: what all its call sites agree on (`None` for a
/// function nothing calls); nothing is known on entering `run`.
fn entry_words(module: &Module, may_write: &[bool]) -> Vec<Option<Word>> {
    let mut entries = vec![None; module.functions.len()];
    let Some(first) = entries.first_mut() else {
        return entries;
    };
    *first = Some(Word::Unknown);
    let mut pending = vec![FuncRef::new(0)];
    while let Some(caller) = pending.pop() {
        let function = &module.functions[caller.index()];
        let facts = Facts::of(function, may_write);
        let before = facts.block_entries(
            function,
            entries[caller.index()].expect("pending once entered"),
        );
        let mut sites = Vec::new();
        for block in function.layout() {
            let Some(&word) = before.get(block) else {
                continue;
            };
            let data = function.block(*block);
            let mut word = word;
            for inst in &data.insts {
                if let InstData::Call { func, .. } = inst.data {
                    sites.push((func, word));
                }
                word = facts.step(word, inst);
            }
            if let Some(Terminator::TailCall { func, .. }) = data.terminator {
                sites.push((func, word));
            }
        }
        for (callee, word) in sites {
            let entry = &mut entries[callee.index()];
            let joined = entry.map_or(word.for_callee(), |w| w.meet(word.for_callee()));
            if *entry != Some(joined) {
                *entry = Some(joined);
                pending.push(callee);
            }
        }
    }
    entries
}

/// Replaces the reads of the word `function` knows, entered with `entry`; whether it
/// replaced any.
fn replace_known_loads(function: &mut Function, entry: Word, may_write: &[bool]) -> bool {
    let facts = Facts::of(function, may_write);
    let before = facts.block_entries(function, entry);
    let mut replaced: HashMap<Value, Value> = HashMap::new();
    let mut changed = false;
    for block in function.layout().to_vec() {
        let Some(&word) = before.get(&block) else {
            continue;
        };
        let mut word = word;
        let mut keep = Vec::new();
        for mut inst in std::mem::take(&mut function.block_mut(block).insts) {
            let after = facts.step(word, &inst);
            let is_load = matches!(&inst.data, InstData::Op { op, args }
                if op.get() == opcode::MLOAD && facts.is(args[0], FREE_POINTER));
            match (is_load, word) {
                (true, Word::Const(c)) => {
                    inst.data = InstData::Const(c);
                    changed = true;
                    keep.push(inst);
                }
                (true, Word::Value(earlier)) => {
                    replaced.insert(inst.results[0], earlier);
                    changed = true;
                }
                _ => keep.push(inst),
            }
            word = after;
        }
        function.block_mut(block).insts = keep;
    }
    function.rename_uses(&replaced);
    changed
}

/// Every instruction of `function`.
fn insts(function: &Function) -> impl Iterator<Item = &Inst> {
    (function.layout().iter()).flat_map(|&block| &function.block(block).insts)
}

#[cfg(test)]
mod tests {
    use crate::opt::tests::optimized;

    #[test]
    fn a_read_after_the_write_is_the_constant_and_folds_into_the_arithmetic() {
        // The pointer set, a word stored above it and a copy of unknown length above it,
        // then `mload(0x40) + 0x20`: a constant.
        let text = optimized(
            "PUSH 0x80 PUSH 0x40 MSTORE CALLDATASIZE PUSH 0x80 MSTORE
             CALLDATASIZE PUSH 0 PUSH 0xa0 CALLDATACOPY
             PUSH 0x40 MLOAD PUSH 0x20 ADD PUSH 0 MSTORE STOP",
        );
        assert!(!text.contains("mload"), "{text}");
        assert!(text.contains("const 0xa0"), "{text}");
    }

    #[test]
    fn a_write_that_may_touch_the_word_forgets_it() {
        for writer in [
            "CALLDATASIZE CALLDATASIZE MSTORE",
            "CALLDATASIZE PUSH 0x5f MSTORE8",
            "PUSH 0x41 PUSH 0 PUSH 0 CALLDATACOPY",
            "CALLDATASIZE PUSH 0 PUSH 0x20 CALLDATACOPY",
            "PUSH 0x20 PUSH 0x40 PUSH 0 PUSH 0 CALLDATASIZE GAS STATICCALL POP",
        ] {
            let text = optimized(&format!(
                "PUSH 0x80 PUSH 0x40 MSTORE {writer} PUSH 0x40 MLOAD PUSH 0 MSTORE STOP"
            ));
            assert_eq!(text.matches("mload").count(), 1, "{writer}: {text}");
        }
    }

    #[test]
    fn a_write_beside_the_word_or_of_nothing_keeps_it() {
        for writer in [
            "CALLDATASIZE PUSH 0x20 MSTORE",
            "CALLDATASIZE PUSH 0x60 MSTORE8",
            "PUSH 0x40 PUSH 0 PUSH 0 CALLDATACOPY",
            "PUSH 0 PUSH 0 PUSH 0x40 CALLDATACOPY",
        ] {
            let text = optimized(&format!(
                "PUSH 0x80 PUSH 0x40 MSTORE {writer} PUSH 0x40 MLOAD PUSH 0 MSTORE STOP"
            ));
            assert!(!text.contains("mload"), "{writer}: {text}");
        }
    }

    #[test]
    fn a_read_repeats_the_last_value_written_or_read() {
        // An unknown value written, read twice; then read twice with nothing written.
        let written = optimized(
            "CALLDATASIZE PUSH 0x40 MSTORE PUSH 0x40 MLOAD PUSH 0x40 MLOAD ADD PUSH 0 MSTORE STOP",
        );
        assert!(!written.contains("mload"), "{written}");
        let read = optimized("PUSH 0x40 MLOAD PUSH 0x40 MLOAD ADD PUSH 0 MSTORE STOP");
        assert_eq!(read.matches("mload").count(), 1, "{read}");
    }

    #[test]
    fn paths_that_disagree_leave_the_read() {
        // One side of the branch moves the pointer.
        let text = optimized(
            "PUSH 0x80 PUSH 0x40 MSTORE CALLDATASIZE PUSH @b JUMPI
             PUSH 0xc0 PUSH 0x40 MSTORE
             b: JUMPDEST PUSH 0x40 MLOAD PUSH 0 MSTORE STOP",
        );
        assert_eq!(text.matches("mload").count(), 1, "{text}");
    }
}
