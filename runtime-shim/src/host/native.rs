//! What a native works with: a [`NativeCtx`] over the frame's [`FrameExtension`] (the
//! transaction's [`Host`], the [`Calls`] the executor offers, the executing [`Frame`]), and
//! the end-of-frame logic: a native that ends the frame records the end in the frame. A
//! halt (STOP, RETURN, REVERT, INVALID, SELFDESTRUCT) then returns, and so does the code
//! after it, up to the entry; any other end (out of gas, a fault inside a native) returns
//! [`FrameEnded`], and its Move native aborts with [`FRAME_ENDED`]. Either way the executor
//! reads back the recorded end.
//!
//! The natives' work is plain Rust over a [`NativeCtx`]; the Move VM adapter
//! (`natives::frame`) only moves words in and out, so other callers (the native tier) can
//! call the same functions.

use std::ops::Range;

use alloy_primitives::{Address, U256};
use better_any::{Tid, TidAble};

use super::{
    calls::Calls,
    context::{Frame, Host},
    outcome::{Fatal, FrameEnd, HaltReason},
};
use crate::state::StateError;
use evmove_word::shim::AbortCode;

/// The abort code of a native that ended the frame as recorded in [`Frame::end`] (the shim
/// table's [`AbortCode::FrameEnded`]; see `stdlib/sources/halt.move`).
pub const FRAME_ENDED: u64 = AbortCode::FrameEnded.code();

/// The frame has ended (its end is recorded in [`Frame::end`], or a state read failed and
/// the host holds the error): the native aborts with [`FRAME_ENDED`].
#[derive(Clone, Copy, Debug)]
pub struct FrameEnded;

/// A frame's context as a session carries it (the Move VM's native extension): the
/// transaction's host, the calls, and the frame.
#[derive(Tid)]
pub struct FrameExtension<'a> {
    /// The transaction's shared state.
    pub host: &'a Host<'a>,
    /// Runs the frame's calls and creations.
    pub calls: &'a dyn Calls,
    /// The frame.
    pub frame: Frame,
}

/// What a host native works with during one call: the host, the calls, the frame and the
/// gas the call has cost so far (reported to the meter when the native returns).
pub struct NativeCtx<'x, 'a> {
    /// The transaction's shared state.
    pub host: &'a Host<'a>,
    /// Runs calls and creations.
    pub calls: &'a dyn Calls,
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
            calls: extension.calls,
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

    /// The value of a state read. A failed read stops the transaction: the error is
    /// recorded in the host, and the frame stops with no end (the executor returns
    /// [`Fatal`] up every frame).
    pub fn state<T>(&mut self, read: Result<T, StateError>) -> Result<T, FrameEnded> {
        self.host.state(read).map_err(|fatal| self.fatal(fatal))
    }

    /// Stops the frame because the transaction stops ([`Fatal`]: a state read failed, or
    /// evmove could not run a frame below; the host holds the cause).
    pub fn fatal(&mut self, Fatal: Fatal) -> FrameEnded {
        FrameEnded
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
        let growth = (self.frame.memory).growth_cost(&self.host.schedule.params, end);
        self.charge(growth)?;
        // Both fit in usize: `end` was checked, and `start <= end`.
        let (start, end) = (start as usize, end as usize);
        self.frame.memory.grow(end);
        Ok(start..end)
    }

    /// Charges the EVM's copy cost for `len` bytes.
    pub fn charge_copy(&mut self, len: usize) -> Result<(), FrameEnded> {
        self.charge(self.host.schedule.params.copy_cost(len))
    }

    /// Charges the static gas of `op`, one of the fork-priced opcodes
    /// ([`FORK_PRICED`](super::gas::FORK_PRICED)), at the block's fork.
    pub fn charge_fork_priced(&mut self, op: u8) -> Result<(), FrameEnded> {
        self.charge(self.host.schedule.static_gas(op))
    }

    /// An access to `address` by `op` (BALANCE, EXTCODE*, a call, SELFDESTRUCT's
    /// beneficiary aside): charges `op`'s static gas and, if the account was cold, the
    /// EIP-2929 surcharge, and makes it warm.
    pub fn access_account(&mut self, op: u8, address: Address) -> Result<(), FrameEnded> {
        self.charge_fork_priced(op)?;
        let cold = self.host.warm_account(address);
        self.charge(self.host.schedule.cold_account(cold))
    }
}
