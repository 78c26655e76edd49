//! Where a stack value may come from, as far as a jump to it is concerned, and what the code
//! may have stored at constant addresses.
//!
//! A jump to a value the analysis does not know is bounded by the labels the code used as
//! data (`lift::jumps`, **Escaped labels**) only if the value is taken to be such a label:
//! one the code loaded back from memory or storage at an address it computes, where solc
//! keeps function pointers. That is a speculation, not a proof (data written at a computed
//! address may be loaded back there too): such a jump is lowered as a speculative switch,
//! and a target outside the labels runs the frame again in universal form, which assumes
//! nothing. A value the environment chose (calldata, a call's result, the gas left...), one
//! computed from a label and data, or a constant of the code the analysis forgot may be any
//! JUMPDEST: no speculation, the universal path. Each stack slot carries an [`Origin`]
//! saying which, and a load from a constant address is told apart by what the code stores
//! there ([`Written`]).

use std::collections::BTreeSet;

use alloy_primitives::U256;
use revm_bytecode::opcode;

use crate::evm::copied_into_memory;

/// Where a value may come from: a set of the constants below.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Origin(u8);

impl Origin {
    /// Pushed by the code: a constant, or a label however computed (tracked as such).
    pub const CODE: Self = Self(0);
    /// Computed from a label and data by a word operation that did not fold (label XOR
    /// calldata).
    pub const MIXED: Self = Self(1);
    /// Chosen by the environment: calldata, return data, call results, block, transaction
    /// and account fields, hashes, the gas left; loaded from a constant address where the
    /// code may have stored such a value; or a constant of the code that the analysis forgot
    /// (at a block boundary, or joining contexts), as unknown to it as the others.
    pub const ENVIRONMENT: Self = Self(2);
    /// Loaded from memory, storage or transient storage at an address the code computes:
    /// taken to be a function pointer the code stored (speculated, checked at run time).
    pub const LOADED: Self = Self(4);

    pub fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    pub fn has(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }

    /// Whether a jump to such a value may land on any JUMPDEST, whatever labels escaped.
    pub fn unbounded(self) -> bool {
        self.has(Self(Self::MIXED.0 | Self::ENVIRONMENT.0))
    }
}

/// A space the code stores words in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Region {
    Memory,
    Storage,
    Transient,
}

/// A range of addresses of a region, `[start, end)`: bytes of memory, slots of storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Place {
    pub region: Region,
    pub start: U256,
    pub end: U256,
}

impl Place {
    /// `size` addresses from `start` (to the end of the region if the size is unknown).
    pub fn new(region: Region, start: U256, size: Option<U256>) -> Self {
        let end = size.map_or(U256::MAX, |size| start.saturating_add(size));
        Self { region, start, end }
    }

    /// What a load or store of one word at `start` touches.
    pub fn word(region: Region, start: U256) -> Self {
        let size = match region {
            Region::Memory => 32,
            Region::Storage | Region::Transient => 1,
        };
        Self::new(region, start, Some(U256::from(size)))
    }

    fn overlaps(&self, other: &Place) -> bool {
        self.region == other.region && self.start < other.end && other.start < self.end
    }
}

/// The places at constant addresses where the code may store a value whose jump would be
/// unbounded (an environment value, a copy of calldata or code, a call's output...).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Written {
    places: BTreeSet<Place>,
}

impl Written {
    pub fn insert(&mut self, place: Place) {
        self.places.insert(place);
    }

    /// Whether a load of `place` may read such a value.
    pub fn overlaps(&self, place: &Place) -> bool {
        self.places.iter().any(|written| written.overlaps(place))
    }

    pub fn extend(&mut self, other: &Written) {
        self.places.extend(other.places.iter().copied());
    }
}

/// The region a load reads from.
pub(crate) fn load(op: u8) -> Option<Region> {
    match op {
        opcode::MLOAD => Some(Region::Memory),
        opcode::SLOAD => Some(Region::Storage),
        opcode::TLOAD => Some(Region::Transient),
        _ => None,
    }
}

/// What a write puts at its place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stored {
    /// The operand at this index, top first (a store).
    Operand(usize),
    /// Data from outside the stack (a copy, a call's output).
    Data,
}

/// Where an instruction writes, if at a constant address, given its operands in the EVM's
/// order (top first; `None` where unknown), and what it writes there. Writes at computed
/// addresses are not tracked: see `lift::jumps`, **Escaped labels**.
pub(crate) fn write(op: u8, operands: &[Option<U256>]) -> Option<(Place, Stored)> {
    let operand = |index: usize| operands.get(index).copied().flatten();
    // Copies: memory from the operand at `offset`, of the size at `size` (unknown: to the end).
    let copy = |offset: usize, size: usize| {
        let place = Place::new(Region::Memory, operand(offset)?, operand(size));
        Some((place, Stored::Data))
    };
    let store = |place: fn(U256) -> Place| Some((place(operand(0)?), Stored::Operand(1)));
    match op {
        opcode::MSTORE => store(|at| Place::word(Region::Memory, at)),
        opcode::MSTORE8 => store(|at| Place::new(Region::Memory, at, Some(U256::from(1)))),
        opcode::SSTORE => store(|at| Place::word(Region::Storage, at)),
        opcode::TSTORE => store(|at| Place::word(Region::Transient, at)),
        _ => copied_into_memory(op).and_then(|(offset, size)| copy(offset, size)),
    }
}
