//! Sequences of IR instructions lowered as one native call. Solidity computes a mapping's
//! storage slot as `mstore(0, key) mstore(32, slot) keccak256(0, 64)`: three natives, where
//! `evmove::memory::keccak_slot` does the same (memory written, gas charged as the three
//! do) in one.

use alloy_primitives::U256;
use revm_bytecode::opcode;

use super::emitter::Emitter;
use crate::{
    ir::{Inst, InstData, Value},
    lower::{locals::Location, natives::KECCAK_SLOT, LowerError},
};

/// A mapping-slot sequence found in a block: its key, its slot, the hash's result and how
/// many instructions it spans.
pub(super) struct KeccakSlot {
    key: Value,
    slot: Value,
    result: Value,
    pub(super) len: usize,
}

impl Emitter<'_> {
    /// The mapping-slot sequence starting at `insts[0]`, if one does: the two stores and the
    /// hash, with only constants between them (which emit nothing).
    pub(super) fn keccak_slot(&self, insts: &[Inst]) -> Option<KeccakSlot> {
        let mut ops =
            (insts.iter().enumerate()).filter(|(_, inst)| !matches!(inst.data, InstData::Const(_)));
        let mut next = |expected: u8| match ops.next() {
            Some((i, inst)) => match &inst.data {
                InstData::Op { op, args } if op.get() == expected => Some((i, args, inst)),
                _ => None,
            },
            None => None,
        };
        let (0, first, _) = next(opcode::MSTORE)? else {
            return None;
        };
        let (_, second, _) = next(opcode::MSTORE)?;
        let (last, hashed, hash) = next(opcode::KECCAK256)?;
        let is = |value: Value, expected: u64| matches!(self.locations[value.index()], Location::Const(c) if c == U256::from(expected));
        let fits = is(first[0], 0) && is(second[0], 32) && is(hashed[0], 0) && is(hashed[1], 64);
        (fits && hash.results.len() == 1).then(|| KeccakSlot {
            key: first[1],
            slot: second[1],
            result: hash.results[0],
            len: last + 1,
        })
    }

    /// Emits `sequence` as one call of `keccak_slot`.
    pub(super) fn emit_keccak_slot(&mut self, sequence: &KeccakSlot) -> Result<(), LowerError> {
        self.push_word(sequence.key)?;
        self.push_word(sequence.slot)?;
        self.call_native(&KECCAK_SLOT);
        self.store_word(sequence.result);
        Ok(())
    }
}
