//! Gas charges, lowered in this one place: a charge is a call of a native of `evmove::gas`,
//! which charges the frame's gas in the host (its Move gas meter), except in loops that
//! count their gas in a `u64` local (`super::counted`).
//!
//! A section's static charge is folded into the first native reaching the host after it in
//! its block, when only pure word operations and constants sit between ([`folds`]): that
//! native's charged form (`evmove::charged`) takes the charge as its last argument and
//! charges it first, one native call instead of two. It is exact because nothing between
//! the two points can halt, branch, call, or observe the gas or the state: the pure
//! operations (Move arithmetic on halves proven not to overflow, `evmove::arith`'s natives)
//! neither abort nor read the gas, so GAS and CALL see the same gas left, and a frame
//! halting at the charge (out of gas, or its fork too old) halts exceptionally either way,
//! consuming all its gas and reverting its effects, with none of the native's work done.

use move_binary_format::file_format::Bytecode;

use super::emitter::Emitter;
use crate::{
    ir::{Charge, Inst, InstData, Terminator, Value},
    lower::{
        natives::{native_for, Native, CHARGE, CHARGE_EXP, PURE},
        LowerError,
    },
};

impl Emitter<'_> {
    /// Charges `charge`: the static gas of a section of EVM code, and the fork it needs (one
    /// `u64`, [`Charge::encode`]), at node `node`; counts it in the gas local if the node's
    /// loop counts its gas there (`super::counted`); or, if it [`folds`] into the native
    /// that follows in `rest` (the block's instructions after it) or the block's
    /// `terminator`, leaves it for that native's call ([`Self::call_native`]).
    pub(super) fn charge(
        &mut self,
        charge: Charge,
        node: usize,
        rest: &[Inst],
        terminator: &Terminator,
    ) {
        if self.counted.of(node).is_some() {
            self.count(charge);
            return;
        }
        if folds(rest, terminator) {
            self.pending_charge = Some(charge);
            return;
        }
        let handle = self.callees.shim(&CHARGE);
        self.emit(Bytecode::LdU64(charge.encode()));
        self.emit(Bytecode::Call(handle));
    }

    /// Calls `native`, its arguments pushed: its charged form with the pending charge, if
    /// there is one and `native` reaches the host.
    pub(super) fn call_native(&mut self, native: &'static Native) {
        let charged =
            (self.pending_charge).and_then(|charge| Some((native.charged_form()?, charge)));
        let handle = match charged {
            Some((charged, charge)) => {
                self.pending_charge = None;
                self.emit(Bytecode::LdU64(charge.encode()));
                self.callees.shim(charged)
            }
            None => self.callees.shim(native),
        };
        self.emit(Bytecode::Call(handle));
    }

    /// Fails if a charge left for a native was not taken by one: [`folds`] and the
    /// instruction selection disagree (a bug of the lowering, never of the input).
    pub(super) fn no_pending_charge(&self) -> Result<(), LowerError> {
        match self.pending_charge {
            None => Ok(()),
            Some(charge) => Err(LowerError::Internal(format!(
                "the charge {charge:?} was left for a native that did not take it"
            ))),
        }
    }

    /// Charges EXP's dynamic gas for `exponent`.
    pub(super) fn charge_exp(&mut self, exponent: Value) -> Result<(), LowerError> {
        let handle = self.callees.shim(&CHARGE_EXP);
        self.push_word(exponent)?;
        self.emit(Bytecode::Call(handle));
        Ok(())
    }
}

/// Whether a charge followed by `rest` and then `terminator` folds into a native: the first
/// instruction that is not a constant or a pure word operation is an operation whose native
/// reaches the host, or there is none and the block halts (every halt is a native's).
fn folds(rest: &[Inst], terminator: &Terminator) -> bool {
    for inst in rest {
        match &inst.data {
            InstData::Const(_) => {}
            InstData::Op { op, .. } => match native_for(*op) {
                Some(native) if native.reaches_host() => return true,
                Some(native) if native.module == PURE => {}
                _ => return false,
            },
            _ => return false,
        }
    }
    matches!(terminator, Terminator::Halt { .. })
}
