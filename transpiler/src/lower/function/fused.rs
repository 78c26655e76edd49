//! Sequences of IR instructions lowered as one native call, each native doing exactly what
//! the sequence does (memory written, gas charged as its operations do), in one call
//! instead of several:
//!
//! - a mapping's storage slot, `mstore(0, key) mstore(32, slot) keccak256(0, 64)`:
//!   `evmove::memory::keccak_slot`;
//! - the next lookup in the same mapping, whose slot is still at 32, `mstore(0, key)
//!   keccak256(0, 64)`: `evmove::memory::keccak_key`;
//! - a function returning one word, `mstore(offset, value) return(offset, 32)` ending a
//!   block: `evmove::halt::ret_word`;
//! - an event with one word of data, `mstore(offset, value) log<n>(offset, 32, topics...)`:
//!   `evmove::log::log<n>_word`.
//! - solc's free memory pointer set where its code starts, `mstore(0x40, 0x80)`:
//!   `evmove::memory::init_free_pointer`, which takes nothing;
//! - a non-payable function's check, `iszero(callvalue())` where nothing else reads the
//!   value: `evmove::env::no_callvalue`, which gives a bool;
//! - the function selector, `shr(224, calldataload(0))` where nothing else reads the loaded
//!   word: `evmove::env::selector`, which takes nothing and gives one value (a narrow word).
//!
//! Only constants (which emit nothing) may sit between a sequence's operations, so nothing
//! else runs between them: a section's charge before the first one folds into the fused
//! native's charged form as it would into the first operation's (`super::gas`). Between a
//! store and its log there may also be the next section's charge (a log's section often
//! starts at a JUMPDEST after the store): the fused native takes that one, charging it
//! before the store rather than after. That is exact: a frame out of gas (or of a fork too
//! old for its section) at either point halts exceptionally, consuming all its gas and
//! reverting its effects, and the store between has no effect that outlives the frame.

use alloy_primitives::U256;
use revm_bytecode::opcode::{self, OpCode};

use super::emitter::Emitter;
use crate::{
    ir::{Charge, Inst, InstData, Terminator, Value},
    lower::{
        locals::Location,
        natives::{
            Native, INIT_FREE_POINTER, KECCAK_KEY, KECCAK_SLOT, LOG_WORD, NO_CALLVALUE, RET_WORD,
            SELECTOR,
        },
        LowerError,
    },
};

/// A fused sequence found in a block: its native, the words it takes, the word it gives,
/// the section's charge met between its operations, and how many of the block's
/// instructions it spans.
pub(super) struct Fused {
    native: &'static Native,
    args: Vec<Value>,
    result: Option<Value>,
    charge: Option<Charge>,
    pub(super) len: usize,
}

impl Fused {
    /// Whether it ends the frame (and so stands for its block's terminator too).
    pub(super) fn halts(&self) -> bool {
        *self.native == RET_WORD
    }
}

impl Emitter<'_> {
    /// The fused sequence starting at `insts[0]`, if one does; `insts` runs to the end of a
    /// block ending with `terminator`.
    pub(super) fn fused(&self, insts: &[Inst], terminator: Option<&Terminator>) -> Option<Fused> {
        let InstData::Op { op, args } = &insts.first()?.data else {
            return None;
        };
        match (op.get(), &args[..]) {
            (opcode::CALLDATALOAD, _) => self.selector(insts),
            (opcode::CALLVALUE, _) => self.no_value(insts),
            (opcode::MSTORE, &[offset, value]) => (self
                .after_store(insts, terminator, offset, value))
            .or_else(|| self.free_pointer(offset, value)),
            _ => None,
        }
    }

    /// `mstore(offset, value)` at `insts[0]` and the operation using the stored word at once
    /// (a hash, a return, a log), if one does.
    fn after_store(
        &self,
        insts: &[Inst],
        terminator: Option<&Terminator>,
        offset: Value,
        value: Value,
    ) -> Option<Fused> {
        let fused = |native, args: &[Value], result: Option<Value>, charge, last: usize| Fused {
            native,
            args: args.to_vec(),
            result,
            charge,
            len: last + 1,
        };
        // The operations after the store, past constants (and one charge, for a log).
        let mut charge = None;
        let mut rest = (insts.iter().enumerate().skip(1))
            .filter(|(_, inst)| !matches!(inst.data, InstData::Const(_)));
        let next = rest.next();
        let (last, op, args, results) = match next {
            Some((
                _,
                Inst {
                    data: InstData::Gas(gas),
                    ..
                },
            )) => {
                charge = Some(*gas);
                match rest.next()? {
                    (
                        last,
                        Inst {
                            data: InstData::Op { op, args },
                            results,
                        },
                    ) => (last, op, args, results),
                    _ => return None,
                }
            }
            Some((
                last,
                Inst {
                    data: InstData::Op { op, args },
                    results,
                },
            )) => (last, op, args, results),
            Some(_) => return None,
            None => {
                // A store, then constants, then the block's RETURN of the stored word.
                let Some(Terminator::Halt { op, args }) = terminator else {
                    return None;
                };
                let returns_it = matches!(args[..], [from, size] if self.same(from, offset) && self.is(size, 32));
                return (op.get() == opcode::RETURN && returns_it)
                    .then(|| fused(&RET_WORD, &[offset, value], None, None, insts.len() - 1));
            }
        };
        let is = |value: Value, expected: u64| self.is(value, expected);
        let at_0 = is(offset, 0);
        match (op.get(), &args[..], &results[..]) {
            // `log<n>(offset, 32, topics...)` of the stored word.
            (opcode::LOG0..=opcode::LOG4, [from, size, topics @ ..], [])
                if self.same(*from, offset) && is(*size, 32) && self.takes(charge) =>
            {
                let native = &LOG_WORD[topics.len()];
                let args: Vec<Value> = [offset, value].iter().chain(topics).copied().collect();
                Some(fused(native, &args, None, charge, last))
            }
            _ if charge.is_some() => None,
            (opcode::KECCAK256, &[from, size], &[hash]) if at_0 && is(from, 0) && is(size, 64) => {
                Some(fused(&KECCAK_KEY, &[value], Some(hash), None, last))
            }
            (opcode::MSTORE, &[at_32, slot], _) if at_0 && is(at_32, 32) => {
                let (last, hash) = rest.next().and_then(|(last, inst)| match &inst.data {
                    InstData::Op { op, args } if op.get() == opcode::KECCAK256 => {
                        match (&args[..], &inst.results[..]) {
                            (&[from, size], &[hash]) if is(from, 0) && is(size, 64) => {
                                Some((last, hash))
                            }
                            _ => None,
                        }
                    }
                    _ => None,
                })?;
                Some(fused(&KECCAK_SLOT, &[value, slot], Some(hash), None, last))
            }
            _ => None,
        }
    }

    /// `mstore(0x40, 0x80)`, solc's free memory pointer set where its code starts: the store
    /// alone, as a native taking nothing.
    fn free_pointer(&self, offset: Value, value: Value) -> Option<Fused> {
        (self.is(offset, 0x40) && self.is(value, 0x80)).then(|| Fused {
            native: &INIT_FREE_POINTER,
            args: Vec::new(),
            result: None,
            charge: None,
            len: 1,
        })
    }

    /// `shr(224, calldataload(0))` at `insts[0]`, only constants between, the loaded word read
    /// by nothing else: the selector.
    fn selector(&self, insts: &[Inst]) -> Option<Fused> {
        let InstData::Op { args, .. } = &insts.first()?.data else {
            return None;
        };
        let (len, shift, selector) = self.sole_reader(insts)?;
        let selects = shift.get() == opcode::SHR
            && matches!(insts[len - 1].data.operands(), &[amount, _] if self.is(amount, 224));
        (selects && self.is(args[0], 0)).then(|| Fused {
            native: &SELECTOR,
            args: Vec::new(),
            result: Some(selector),
            charge: None,
            len,
        })
    }

    /// `iszero(callvalue())` at `insts[0]`, only constants between, the value read by nothing
    /// else: whether the frame was sent no value.
    fn no_value(&self, insts: &[Inst]) -> Option<Fused> {
        let (len, test, no_value) = self.sole_reader(insts)?;
        (test.get() == opcode::ISZERO).then(|| Fused {
            native: &NO_CALLVALUE,
            args: Vec::new(),
            result: Some(no_value),
            charge: None,
            len,
        })
    }

    /// The first operation after `insts[0]` past constants, if it reads the word `insts[0]`
    /// gives (as its last operand) and nothing else in the function does: how many
    /// instructions the two span, its opcode and its result.
    fn sole_reader(&self, insts: &[Inst]) -> Option<(usize, OpCode, Value)> {
        let (first, rest) = insts.split_first()?;
        let &[word] = &first.results[..] else {
            return None;
        };
        let (i, reader) =
            (rest.iter().enumerate()).find(|(_, inst)| !matches!(inst.data, InstData::Const(_)))?;
        let (InstData::Op { op, args }, &[result]) = (&reader.data, &reader.results[..]) else {
            return None;
        };
        (args.last() == Some(&word) && self.read_once(word)).then_some((i + 2, *op, result))
    }

    /// Whether one operand in the function, of an instruction or a terminator, reads `value`.
    fn read_once(&self, value: Value) -> bool {
        let function = self.function;
        let reads = (function.layout().iter().map(|&block| function.block(block)))
            .flat_map(|data| {
                let insts =
                    (data.insts.iter()).flat_map(|inst| inst.data.operands().iter().copied());
                insts.chain(data.terminator.iter().flat_map(Terminator::operands))
            })
            .filter(|&operand| operand == value)
            .count();
        reads == 1
    }

    /// Whether the fused native can take `charge`, met between its operations: there is
    /// none, or no charge before them is already left for it.
    fn takes(&self, charge: Option<Charge>) -> bool {
        charge.is_none() || self.pending_charge.is_none()
    }

    /// Emits `sequence` as one call of its native (and, if it halts, what follows a halt),
    /// which takes the charge met between its operations, if there is one.
    pub(super) fn emit_fused(&mut self, sequence: &Fused) -> Result<(), LowerError> {
        if sequence.charge.is_some() {
            self.pending_charge = sequence.charge;
        }
        for &arg in &sequence.args {
            self.push_word(arg)?;
        }
        self.call_native(sequence.native);
        if let Some(result) = sequence.result {
            self.store_result(sequence.native, result);
        }
        if sequence.halts() {
            self.end_after_halt();
        }
        Ok(())
    }

    /// Whether `value` is the constant `expected`.
    fn is(&self, value: Value, expected: u64) -> bool {
        self.is_const(value, U256::from(expected))
    }

    fn is_const(&self, value: Value, expected: U256) -> bool {
        matches!(self.locations[value.index()], Location::Const(c) if c == expected)
    }

    /// Whether `a` and `b` are the same word: one value, or equal constants.
    fn same(&self, a: Value, b: Value) -> bool {
        a == b || matches!(self.locations[b.index()], Location::Const(c) if self.is_const(a, c))
    }
}
