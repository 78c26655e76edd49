//! Gas charges, lowered in this one place: a charge is a call of a native of `evmove::gas`,
//! which charges the frame's gas in the host (its Move gas meter). Charging a `u64` local
//! decremented in Move instead would change only this file (and the natives that read the
//! gas left).

use move_binary_format::file_format::Bytecode;

use super::emitter::Emitter;
use crate::{
    ir::{Charge, Value},
    lower::{
        natives::{CHARGE, CHARGE_EXP},
        LowerError,
    },
};

impl Emitter<'_> {
    /// Charges `charge`: the static gas of a section of EVM code, and the fork it needs (one
    /// `u64`, [`Charge::encode`]).
    pub(super) fn charge(&mut self, charge: Charge) {
        let handle = self.callees.shim(&CHARGE);
        self.emit(Bytecode::LdU64(charge.encode()));
        self.emit(Bytecode::Call(handle));
    }

    /// Charges EXP's dynamic gas for `exponent`.
    pub(super) fn charge_exp(&mut self, exponent: Value) -> Result<(), LowerError> {
        let handle = self.callees.shim(&CHARGE_EXP);
        self.push_word(exponent)?;
        self.emit(Bytecode::Call(handle));
        Ok(())
    }
}
