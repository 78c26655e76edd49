//! What the natives of one transaction reach: the [`Host`] shared by all its frames (the
//! runtime, the state view, the journal, the environment) and the executing [`Frame`], held
//! together in the session's native extension ([`FrameExtension`]). A call native opens a
//! nested session with a new extension holding the same host and the callee's frame.

use std::{
    cell::{RefCell, RefMut},
    ops::Range,
};

use alloy_primitives::{Address, Bytes, U256};
use better_any::{Tid, TidAble};
use move_vm_runtime::move_vm::MoveVM;

use super::{
    env::{BlockEnv, Transaction},
    gas::GasCell,
    memory::Memory,
    outcome::{FrameEnd, HaltReason},
    runtime::Runtime,
};
use crate::{
    journal::Journal,
    state::{StateError, StateView},
};

/// EVM call depth limit: a call or creation from depth 1024 fails.
pub const MAX_DEPTH: usize = 1024;

/// One transaction's shared state.
pub struct Host<'a> {
    /// The VM, the modules, the code provider.
    pub runtime: &'a Runtime,
    /// The VM that runs the transaction's frames (its own while it runs).
    pub vm: &'a MoveVM,
    /// The state the transaction reads.
    pub view: &'a dyn StateView,
    /// The block.
    pub block: &'a BlockEnv,
    /// The transaction (ORIGIN, GASPRICE, BLOBHASH).
    pub tx: &'a Transaction,
    /// Everything read and written so far, with undo entries.
    pub journal: RefCell<Journal>,
    /// A state read that failed: the transaction stops and reports it.
    pub fatal: RefCell<Option<StateError>>,
}

impl<'a> Host<'a> {
    /// The journal, for one short operation (never held across a nested execution).
    pub fn journal(&self) -> RefMut<'_, Journal> {
        self.journal.borrow_mut()
    }
}

/// The executing EVM frame.
pub struct Frame {
    /// ADDRESS: whose storage and balance the frame uses.
    pub address: Address,
    /// CALLER.
    pub caller: Address,
    /// CALLVALUE.
    pub value: U256,
    /// The calldata.
    pub input: Bytes,
    /// The running EVM code (deployed code, or the initcode of a creation).
    pub code: Bytes,
    /// Whether state changes are forbidden (inside a STATICCALL).
    pub is_static: bool,
    /// 0 for the transaction's first frame.
    pub depth: usize,
    /// The frame's memory.
    pub memory: Memory,
    /// The last call's return data (RETURNDATASIZE, RETURNDATACOPY).
    pub return_data: Bytes,
    /// The gas the frame has left.
    pub gas: GasCell,
    /// How the frame ended, recorded by the native that ended it.
    pub end: Option<FrameEnd>,
}

/// The native extension of a session running one frame.
#[derive(Tid)]
pub struct FrameExtension<'a> {
    /// The transaction's shared state.
    pub host: &'a Host<'a>,
    /// The frame.
    pub frame: Frame,
}

/// The frame has ended (its end is recorded in [`Frame::end`]): the native aborts with 0.
#[derive(Clone, Copy, Debug)]
pub struct FrameEnded;

/// What a host native works with during one call: the host, the frame and the gas the call
/// has cost so far (reported to the meter when the native returns).
pub struct NativeCtx<'x, 'a> {
    /// The transaction's shared state.
    pub host: &'a Host<'a>,
    /// The frame.
    pub frame: &'x mut Frame,
    /// The cost so far.
    pub cost: u64,
}

impl<'x, 'a> NativeCtx<'x, 'a> {
    /// A context with nothing charged yet.
    pub fn new(extension: &'x mut FrameExtension<'a>) -> Self {
        Self {
            host: extension.host,
            frame: &mut extension.frame,
            cost: 0,
        }
    }

    /// The gas the frame has left after what this call has cost so far.
    pub fn gas_left(&self) -> u64 {
        self.frame.gas.get().saturating_sub(self.cost)
    }

    /// Charges `gas`; out of gas ends the frame.
    pub fn charge(&mut self, gas: u64) -> Result<(), FrameEnded> {
        if gas > self.gas_left() {
            return Err(self.halt(HaltReason::OutOfGas));
        }
        self.cost += gas;
        Ok(())
    }

    /// Ends the frame as `end`.
    pub fn end(&mut self, end: FrameEnd) -> FrameEnded {
        self.frame.end = Some(end);
        FrameEnded
    }

    /// Ends the frame with an exceptional halt.
    pub fn halt(&mut self, reason: HaltReason) -> FrameEnded {
        self.end(FrameEnd::Halt(reason))
    }

    /// Ends the frame if it is static (a state change was attempted).
    pub fn forbid_in_static(&mut self) -> Result<(), FrameEnded> {
        match self.frame.is_static {
            true => Err(self.halt(HaltReason::StaticStateChange)),
            false => Ok(()),
        }
    }

    /// The value of a state read; a failed read stops the transaction (recorded in the host).
    pub fn state<T>(&mut self, read: Result<T, StateError>) -> Result<T, FrameEnded> {
        read.map_err(|error| {
            self.host.fatal.borrow_mut().get_or_insert(error);
            self.halt(HaltReason::NoEnd)
        })
    }

    /// The memory range `[offset, offset + size)`, grown and paid for; empty (and free,
    /// whatever the offset) if `size` is zero. A range no budget can pay for is out of gas.
    pub fn memory_range(&mut self, offset: U256, size: U256) -> Result<Range<usize>, FrameEnded> {
        if size.is_zero() {
            return Ok(0..0);
        }
        let end = u64::try_from(offset)
            .ok()
            .zip(u64::try_from(size).ok())
            .and_then(|(offset, size)| offset.checked_add(size).map(|end| (offset, end)))
            .filter(|&(_, end)| usize::try_from(end).is_ok());
        let Some((start, end)) = end else {
            return Err(self.halt(HaltReason::OutOfGas));
        };
        self.charge(self.frame.memory.growth_cost(end))?;
        // Both fit in usize: `end` was checked, and `start <= end`.
        let (start, end) = (start as usize, end as usize);
        self.frame.memory.grow(end);
        Ok(start..end)
    }

    /// Charges the EVM's copy cost for `len` bytes.
    pub fn charge_copy(&mut self, len: usize) -> Result<(), FrameEnded> {
        self.charge(super::gas::cost::COPY_WORD * super::gas::words(len as u64))
    }
}
