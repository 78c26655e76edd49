//! Adding or subtracting a constant below 2^128, `add x, c` (either way round) and `sub x, c`,
//! inline on the halves instead of a native call, in loops: a counter's `i + 1`, a loop's
//! `n - 1`, the Collatz step's `3n + 1`. The common path is a comparison, a branch and one u128 `Add` or
//! `Sub` (ten instructions, three more than the native call's, which costs as much as ten
//! to twenty: `DESIGN.md` §9, and allocates twice); the carry (or borrow) into the high half
//! takes a second branch. Only in loops: outside them such an add is mostly an offset from
//! the free-memory pointer passed straight to the next native on the operand stack, where
//! the native costs five instructions and the inline form twelve; the deterministic
//! instruction counts (`tests/tests/work_counts.rs`) are not traded there for time.
//!
//! Exact, wrapping modulo 2^256 as the EVM does, and never aborting on Move's overflow: with
//! `x = hi·2^128 + lo` and `0 < c < 2^128`,
//! - `lo + c` carries exactly when `lo > 2^128 - 1 - c`; then the low half is
//!   `lo - (2^128 - c)` (no underflow: `lo ≥ 2^128 - c`) and the high half `hi + 1`, which
//!   wraps to 0 when `hi` is all ones;
//! - `lo - c` borrows exactly when `lo < c`; then the low half is `lo + (2^128 - c)` (no
//!   overflow: `lo < c`) and the high half `hi - 1`, which wraps to all ones when `hi` is 0.

use alloy_primitives::U256;
use move_binary_format::file_format::Bytecode;
use revm_bytecode::opcode::{self, OpCode};

use super::emitter::{Emitter, Half};
use crate::{
    ir::Value,
    lower::{locals::Location, LowerError},
};

impl Emitter<'_> {
    /// Emits `op args` into `results` as above if it adds or subtracts a constant in
    /// `1..2^128` from a word; whether it did.
    pub(super) fn add_constant(
        &mut self,
        op: OpCode,
        args: &[Value],
        results: &[Value],
    ) -> Result<bool, LowerError> {
        let &[result] = results else {
            return Ok(false);
        };
        let small = |v: Value| match self.locations[v.index()] {
            Location::Const(c) if !c.is_zero() && c < U256::from(1) << 128 => Some(c.to::<u128>()),
            _ => None,
        };
        let (x, c, adds) = match (op.get(), args) {
            (opcode::ADD, &[x, c]) | (opcode::ADD, &[c, x]) if small(c).is_some() => {
                (x, small(c).expect("matched"), true)
            }
            (opcode::SUB, &[x, c]) if small(c).is_some() => (x, small(c).expect("matched"), false),
            _ => return Ok(false),
        };
        if matches!(self.locations[x.index()], Location::Const(_)) {
            return Ok(false);
        }
        // `2^128 - c`, what the low half moves by when it carries or borrows.
        let complement = u128::MAX - c + 1;
        let (no_carry, wraps, done) = (self.new_label(), self.new_label(), self.new_label());
        self.push_half(x, Half::Lo)?;
        self.emit(Bytecode::LdU128(if adds { u128::MAX - c } else { c }));
        self.emit(if adds { Bytecode::Gt } else { Bytecode::Lt });
        self.emit(Bytecode::BrFalse(no_carry));
        // A carry into (a borrow from) the high half, which wraps at all ones (at zero).
        self.push_half(x, Half::Hi)?;
        self.emit(Bytecode::LdU128(if adds { u128::MAX } else { 0 }));
        self.emit(Bytecode::Eq);
        self.emit(Bytecode::BrTrue(wraps));
        self.push_half(x, Half::Hi)?;
        self.emit(Bytecode::LdU128(1));
        self.emit(if adds { Bytecode::Add } else { Bytecode::Sub });
        self.push_low_past_carry(x, complement, adds)?;
        self.store_word(result);
        self.emit(Bytecode::Branch(done));
        self.define_new(wraps);
        self.emit(Bytecode::LdU128(if adds { 0 } else { u128::MAX }));
        self.push_low_past_carry(x, complement, adds)?;
        self.store_word(result);
        self.emit(Bytecode::Branch(done));
        // No carry, the common case, last so that it falls through: the high half as it is.
        self.define_new(no_carry);
        self.push_half(x, Half::Hi)?;
        self.push_half(x, Half::Lo)?;
        self.emit(Bytecode::LdU128(c));
        self.emit(if adds { Bytecode::Add } else { Bytecode::Sub });
        self.store_word(result);
        self.define_new(done);
        Ok(true)
    }

    /// Pushes the low half of `x ± c` when it carries (`lo - (2^128 - c)`) or borrows
    /// (`lo + (2^128 - c)`).
    fn push_low_past_carry(
        &mut self,
        x: Value,
        complement: u128,
        adds: bool,
    ) -> Result<(), LowerError> {
        self.push_half(x, Half::Lo)?;
        self.emit(Bytecode::LdU128(complement));
        self.emit(if adds { Bytecode::Sub } else { Bytecode::Add });
        Ok(())
    }
}
