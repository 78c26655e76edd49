//! [`WorkCounts`], what one transaction did, and [`Counter`], where its frames count it
//! while it runs.

use std::cell::RefCell;

use evmove_word::shim::{Native, NATIVES};
use move_core_types::{account_address::AccountAddress, language_storage::ModuleId};

use super::opcode::Opcode;
use crate::stdlib;

/// The work one transaction did (`exec::counting` says what counts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkCounts {
    /// Instructions by opcode, indexed by `Opcode as usize`.
    instructions: [u64; Opcode::COUNT],
    /// Native calls, indexed as the shim table ([`NATIVES`]).
    natives: Vec<u64>,
    /// Calls of Move functions.
    pub move_calls: u64,
    /// Heap allocations; `None` unless the process counts them ([`CountingAllocator`]).
    pub allocations: Option<u64>,
}

impl WorkCounts {
    fn new() -> Self {
        Self {
            instructions: [0; Opcode::COUNT],
            natives: vec![0; NATIVES.len()],
            move_calls: 0,
            allocations: None,
        }
    }

    /// Move instructions executed.
    pub fn move_instructions(&self) -> u64 {
        self.instructions.iter().sum()
    }

    /// Native calls.
    pub fn natives(&self) -> u64 {
        self.natives.iter().sum()
    }

    /// How often `opcode` ran.
    pub fn instruction(&self, opcode: Opcode) -> u64 {
        self.instructions[opcode as usize]
    }

    /// How often the native `module::name` of the shim table was called (0 for a name the
    /// table does not have).
    pub fn native(&self, module: &str, name: &str) -> u64 {
        native_index(module, name).map_or(0, |index| self.natives[index])
    }

    /// The opcodes that ran, with how often, in opcode order.
    pub fn by_opcode(&self) -> impl Iterator<Item = (Opcode, u64)> + '_ {
        (Opcode::ALL.iter().zip(&self.instructions))
            .filter(|(_, &count)| count > 0)
            .map(|(&opcode, &count)| (opcode, count))
    }

    /// The natives called (their rows of the shim table), with how often, in table order.
    pub fn by_native(&self) -> impl Iterator<Item = (&'static Native, u64)> + '_ {
        (NATIVES.iter().zip(&self.natives))
            .filter(|(_, &count)| count > 0)
            .map(|(row, &count)| (row, count))
    }
}

/// The position of the native `module::name` in the shim table.
fn native_index(module: &str, name: &str) -> Option<usize> {
    NATIVES
        .iter()
        .position(|row| row.module == module && row.name == name)
}

/// One transaction's counts while it runs, shared by the meters of all its frames (nested
/// frames count into their caller's transaction). Counting allocates nothing, so it does
/// not disturb the allocations it counts.
pub struct Counter {
    counts: RefCell<WorkCounts>,
    /// Where the natives are (read once: working it out allocates).
    shim: AccountAddress,
}

impl Counter {
    /// Nothing counted yet.
    pub fn new() -> Self {
        Self {
            counts: RefCell::new(WorkCounts::new()),
            shim: stdlib::address(),
        }
    }

    /// What was counted, with the allocations counted apart.
    pub fn finish(self, allocations: Option<u64>) -> WorkCounts {
        WorkCounts {
            allocations,
            ..self.counts.into_inner()
        }
    }

    /// An instruction ran.
    pub(super) fn instruction(&self, opcode: Opcode) {
        self.counts.borrow_mut().instructions[opcode as usize] += 1;
    }

    /// A call of `module::function`: a native's if the shim table has it.
    pub(super) fn call(&self, module: &ModuleId, function: &str) {
        let native = match module.address() == &self.shim {
            true => native_index(module.name().as_str(), function),
            false => None,
        };
        let mut counts = self.counts.borrow_mut();
        match native {
            Some(index) => counts.natives[index] += 1,
            None => counts.move_calls += 1,
        }
    }
}

impl Default for Counter {
    fn default() -> Self {
        Self::new()
    }
}
