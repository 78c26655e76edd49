//! The natives' direct entry, for machine code (the native tier, `evmove-native`): one
//! `extern "C"` function, [`call_native`], runs any native of [`super::NATIVES`] given its
//! row, the frame's [`DirectCtx`] and its arguments in a fixed array of u128 (a word as two
//! halves, `hi` then `lo`; a `u64` in the low bits of its slot, as a charged form's charge
//! after its words), writing its results into a
//! fixed array the same way (a bool as 0 or 1). It runs the same plain-Rust functions the
//! Move-VM adapters run, charges the same gas the frame's Move gas meter would, and says how
//! the call went as a [`Status`] the machine code checks: nothing is allocated, nothing is
//! boxed, and no error unwinds through machine code.

use alloy_primitives::U256;
use evmove_word::shim::{gate::Charge, Args, Results};
use move_core_types::vm_status::StatusCode;
use move_vm_types::values::{INDEX_OUT_OF_BOUNDS, POP_EMPTY_VEC};

use super::{
    arith,
    frame::{run_charged, MAX_WORDS},
    gas,
    word::{from_halves, to_halves},
    NativeDecl, Op,
};
use crate::host::{
    env::SpecId,
    gas::GasCell,
    native::{FrameExtension, NativeCtx, FRAME_ENDED},
};

/// The argument array of a direct call: room for the most words a native takes and a
/// charged form's charge.
pub type DirectArgs = [u128; 2 * MAX_WORDS + 1];

/// The result array of a direct call: room for a word.
pub type DirectResults = [u128; 2];

/// How a direct call (or a compiled function) went. Everything but [`Status::Continue`]
/// stops the compiled code, which returns the status to its caller unchanged; each stop is
/// what the Move VM would report for the same execution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Status {
    /// Go on.
    Continue = 0,
    /// A Move abort, with the code in [`DirectCtx::abort_code`] (a native that ended the
    /// frame aborts with [`FRAME_ENDED`]).
    Aborted = 1,
    /// The frame's gas ran out (the Move gas meter's `OUT_OF_GAS`).
    OutOfGas = 2,
    /// Move arithmetic failed: overflow, division by zero, a shift by the width or more, a
    /// cast out of range (`ARITHMETIC_ERROR`).
    Arithmetic = 3,
    /// A vector index past the end (`VECTOR_OPERATION_ERROR`, `INDEX_OUT_OF_BOUNDS`).
    IndexOutOfBounds = 4,
    /// A pop from an empty vector (`VECTOR_OPERATION_ERROR`, `POP_EMPTY_VEC`).
    PopEmpty = 5,
    /// Calls nested too deep for the machine stack (the interpreter's
    /// `CALL_STACK_OVERFLOW`, at a depth of its own).
    CallStackOverflow = 6,
    /// A native called against its row, or a host native without a frame: the compiler and
    /// the native table disagree (an invariant violation, evmove's bug).
    Misdeclared = 7,
}

impl Status {
    /// The status of the number machine code returned; an unknown number is
    /// [`Status::Misdeclared`].
    pub fn from_u32(status: u32) -> Status {
        [
            Status::Continue,
            Status::Aborted,
            Status::OutOfGas,
            Status::Arithmetic,
            Status::IndexOutOfBounds,
            Status::PopEmpty,
            Status::CallStackOverflow,
        ]
        .into_iter()
        .find(|known| *known as u32 == status)
        .unwrap_or(Status::Misdeclared)
    }
}

/// What compiled code runs with: the frame's gas and, for natives that reach the host, the
/// frame's extension (none for code that calls only arithmetic and gas natives, as in the
/// native tier's tests). Compiled code reads two fields itself, at [`GAS_LEFT_OFFSET`] and
/// [`FORK_OFFSET`], to charge static gas without a call; the fields are private so they
/// always agree with the cell and the frame they were taken from.
pub struct DirectCtx<'x, 'a> {
    /// The gas the frame has left (the cell its Move gas meter would charge).
    gas: GasCell,
    /// Where `gas` keeps its count: compiled code charges through it (valid while `gas` is
    /// held, and written only by the one thread running the frame, as the cell is).
    gas_left: *mut u64,
    /// The block's fork (`SpecId` as a byte; Frontier without a frame): compiled code checks
    /// a charge's fork against it and calls the entry only when the fork is older.
    fork: u8,
    /// The frame, its host and its calls.
    extension: Option<&'x mut FrameExtension<'a>>,
    /// The code of the last [`Status::Aborted`].
    pub abort_code: u64,
}

/// Where compiled code finds the pointer to the frame's gas count in a [`DirectCtx`].
pub const GAS_LEFT_OFFSET: usize = std::mem::offset_of!(DirectCtx<'static, 'static>, gas_left);

/// Where compiled code finds the block's fork (a byte) in a [`DirectCtx`].
pub const FORK_OFFSET: usize = std::mem::offset_of!(DirectCtx<'static, 'static>, fork);

impl<'x, 'a> DirectCtx<'x, 'a> {
    /// A context for running `extension`'s frame.
    pub fn new(extension: &'x mut FrameExtension<'a>) -> Self {
        let fork = extension.host.schedule.spec as u8;
        Self::with(extension.frame.gas.clone(), fork, Some(extension))
    }

    /// A context without a frame, with `gas`: code calling a native that needs one stops
    /// with [`Status::Misdeclared`].
    pub fn without_frame(gas: GasCell) -> Self {
        Self::with(gas, SpecId::FRONTIER as u8, None)
    }

    fn with(gas: GasCell, fork: u8, extension: Option<&'x mut FrameExtension<'a>>) -> Self {
        Self {
            gas_left: gas.as_ptr(),
            gas,
            fork,
            extension,
            abort_code: 0,
        }
    }

    /// The gas the frame has left.
    pub fn gas(&self) -> &GasCell {
        &self.gas
    }

    /// Charges `amount` as the frame's Move gas meter does: all of it, or the frame runs out
    /// (and has nothing left).
    fn charge(&mut self, amount: u64) -> Status {
        match self.gas.get().checked_sub(amount) {
            Some(rest) => {
                self.gas.set(rest);
                Status::Continue
            }
            None => {
                self.gas.set(0);
                Status::OutOfGas
            }
        }
    }

    /// The Move VM's status for `stop` (with its sub-status): what the interpreter reports
    /// for the same execution. `None` for [`Status::Continue`].
    pub fn vm_status(&self, stop: Status) -> Option<(StatusCode, Option<u64>)> {
        Some(match stop {
            Status::Continue => return None,
            Status::Aborted => (StatusCode::ABORTED, Some(self.abort_code)),
            Status::OutOfGas => (StatusCode::OUT_OF_GAS, None),
            Status::Arithmetic => (StatusCode::ARITHMETIC_ERROR, None),
            Status::IndexOutOfBounds => (
                StatusCode::VECTOR_OPERATION_ERROR,
                Some(INDEX_OUT_OF_BOUNDS),
            ),
            Status::PopEmpty => (StatusCode::VECTOR_OPERATION_ERROR, Some(POP_EMPTY_VEC)),
            Status::CallStackOverflow => (StatusCode::CALL_STACK_OVERFLOW, None),
            Status::Misdeclared => (StatusCode::UNKNOWN_INVARIANT_VIOLATION_ERROR, None),
        })
    }

    /// Aborts with `code`.
    pub fn abort(&mut self, code: u64) -> Status {
        self.abort_code = code;
        Status::Aborted
    }
}

/// Runs the native `decl` on `args` (its row's arguments, in order, from slot 0), writing its
/// results into `results`: the direct entry machine code calls.
pub extern "C" fn call_native(
    decl: &'static NativeDecl,
    ctx: &mut DirectCtx<'_, '_>,
    args: &DirectArgs,
    results: &mut DirectResults,
) -> Status {
    let mut words = [U256::ZERO; MAX_WORDS];
    let words = &mut words[..decl.row.words_in()];
    for (i, word) in words.iter_mut().enumerate() {
        *word = from_halves(args[2 * i], args[2 * i + 1]);
    }
    match decl.op {
        Op::Arith(op) => {
            write_result(
                results,
                arith_result(op, |i| words.get(i).copied().unwrap_or_default()),
            );
            Status::Continue
        }
        // The charge is a u64 in its slot: its high bits are zero.
        Op::Gas(gas::Op::Charge) => match (decl.row.args, Charge::decode(args[0] as u64)) {
            (Args::Values(_), Some(charge)) if !charge.is_gated() => ctx.charge(charge.gas),
            (Args::Values(_), Some(charge)) => match ctx.extension.as_deref_mut() {
                Some(frame) => match gas::refuse(frame, charge) {
                    Some(_) => ctx.abort(FRAME_ENDED),
                    None => ctx.charge(charge.gas),
                },
                None => Status::Misdeclared,
            },
            _ => Status::Misdeclared,
        },
        Op::Gas(gas::Op::Left) => {
            results[0] = u128::from(ctx.gas.get());
            Status::Continue
        }
        Op::Gas(gas::Op::Fork) => {
            results[0] = u128::from(ctx.fork);
            Status::Continue
        }
        // The count is a u64 in its slot, as a charge is.
        Op::Gas(gas::Op::Settle) => match gas::settled(ctx.gas.get(), args[0] as u64) {
            Some(cost) => ctx.charge(cost),
            None => Status::Misdeclared,
        },
        Op::Gas(gas::Op::ChargeExp) => match ctx.extension.as_deref() {
            Some(frame) => {
                let cost = gas::exp_cost(frame, words[0]);
                ctx.charge(cost)
            }
            None => Status::Misdeclared,
        },
        Op::Host(run) => {
            // A charged form's charge is a u64 in the slot after its words.
            let charge = match decl.row.charged {
                true => match Charge::decode(args[2 * words.len()] as u64) {
                    Some(charge) => Some(charge),
                    None => return Status::Misdeclared,
                },
                false => None,
            };
            let Some(extension) = ctx.extension.as_deref_mut() else {
                return Status::Misdeclared;
            };
            let mut native = NativeCtx::new(extension);
            let result = run_charged(&mut native, charge, run, words);
            // As the Move VM does: the native's cost first, then its abort.
            let cost = native.cost;
            match (ctx.charge(cost), result, decl.row.result) {
                (Status::Continue, Ok(Some(word)), Results::Word) => {
                    write_result(results, WordOrBool::Word(word));
                    Status::Continue
                }
                (Status::Continue, Ok(Some(word)), Results::Bool) => {
                    write_result(results, WordOrBool::Bool(!word.is_zero()));
                    Status::Continue
                }
                // A narrow result is the word's low half, in the first slot.
                (Status::Continue, Ok(Some(word)), Results::Narrow) => match u128::try_from(word) {
                    Ok(lo) => {
                        results[0] = lo;
                        Status::Continue
                    }
                    Err(_) => Status::Misdeclared,
                },
                (Status::Continue, Ok(None), Results::Nothing) => Status::Continue,
                (Status::Continue, Err(_), _) => ctx.abort(FRAME_ENDED),
                (Status::Continue, Ok(_), _) => Status::Misdeclared,
                (stop, _, _) => stop,
            }
        }
        Op::Abi(_) => Status::Misdeclared,
    }
}

/// The direct entry of a word operation (a native of `evmove::arith`, whose [`Op::Arith`]
/// `op` is): what [`call_native`] does for its row, with nothing else to read or check, as
/// word operations neither fail nor charge.
pub extern "C" fn call_word(op: &arith::Op, args: &DirectArgs, results: &mut DirectResults) {
    write_result(
        results,
        arith_result(*op, |i| from_halves(args[2 * i], args[2 * i + 1])),
    );
}

/// What an arithmetic native gives back.
enum WordOrBool {
    Word(U256),
    Bool(bool),
}

/// `op` on the words `word` gives by index (the row's shape is the operation's, tested in
/// `super::tests`: `op` reads only the words its row takes).
fn arith_result(op: arith::Op, word: impl Fn(usize) -> U256) -> WordOrBool {
    use arith::Op::{Binary, BinaryTest, Ternary, Unary, UnaryTest};
    match op {
        Unary(f) => WordOrBool::Word(f(word(0))),
        Binary(f) => WordOrBool::Word(f(word(0), word(1))),
        Ternary(f) => WordOrBool::Word(f(word(0), word(1), word(2))),
        UnaryTest(f) => WordOrBool::Bool(f(word(0))),
        BinaryTest(f) => WordOrBool::Bool(f(word(0), word(1))),
    }
}

fn write_result(results: &mut DirectResults, result: WordOrBool) {
    match result {
        WordOrBool::Word(word) => {
            let (hi, lo) = to_halves(word);
            *results = [hi, lo];
        }
        WordOrBool::Bool(value) => results[0] = u128::from(value),
    }
}

#[cfg(test)]
mod tests {
    use std::{cell::Cell, rc::Rc};

    use super::*;
    use crate::{host::env::SpecId, natives::NATIVES};

    fn decl(name: &str) -> &'static NativeDecl {
        NATIVES.iter().find(|decl| decl.row.name == name).unwrap()
    }

    fn ctx(gas: u64) -> DirectCtx<'static, 'static> {
        DirectCtx::without_frame(Rc::new(Cell::new(gas)))
    }

    #[test]
    fn arithmetic_takes_halves_and_gives_halves() {
        let mut args = [0; 15];
        args[..4].copy_from_slice(&[0, u128::MAX, 0, 1]);
        let mut results = [0; 2];
        let status = call_native(decl("add"), &mut ctx(0), &args, &mut results);
        assert_eq!((status, results), (Status::Continue, [1, 0]));
        let status = call_native(decl("lt"), &mut ctx(0), &args, &mut results);
        assert_eq!((status, results[0]), (Status::Continue, 0));
    }

    #[test]
    fn the_word_entry_computes_what_the_entry_does_for_every_word_native() {
        let mut args = [0; 15];
        args[..6].copy_from_slice(&[u128::MAX, 7, 3, u128::MAX - 5, 0, 1 << 100]);
        for decl in NATIVES.iter() {
            let Op::Arith(op) = &decl.op else { continue };
            let (mut expected, mut results) = ([0; 2], [0; 2]);
            let status = call_native(decl, &mut ctx(0), &args, &mut expected);
            call_word(op, &args, &mut results);
            assert_eq!(
                (status, results),
                (Status::Continue, expected),
                "{}",
                decl.row.name
            );
        }
    }

    #[test]
    fn charging_more_than_is_left_runs_out_and_leaves_nothing() {
        let mut ctx = ctx(10);
        let mut args = [0; 15];
        args[0] = 4;
        let charge = decl("charge");
        assert_eq!(
            call_native(charge, &mut ctx, &args, &mut [0; 2]),
            Status::Continue
        );
        assert_eq!(ctx.gas().get(), 6);
        args[0] = 7;
        assert_eq!(
            call_native(charge, &mut ctx, &args, &mut [0; 2]),
            Status::OutOfGas
        );
        assert_eq!(ctx.gas().get(), 0);
    }

    #[test]
    fn a_count_starts_at_the_gas_left_and_settles_down_never_up() {
        let mut ctx = ctx(10);
        let mut results = [0; 2];
        let status = call_native(decl("gas_left"), &mut ctx, &[0; 15], &mut results);
        assert_eq!((status, results[0]), (Status::Continue, 10));
        let mut args = [0; 15];
        args[0] = 3;
        let settle = decl("settle");
        assert_eq!(
            call_native(settle, &mut ctx, &args, &mut results),
            Status::Continue
        );
        assert_eq!(ctx.gas().get(), 3);
        args[0] = 4;
        assert_eq!(
            call_native(settle, &mut ctx, &args, &mut results),
            Status::Misdeclared
        );
        assert_eq!(ctx.gas().get(), 3);
    }

    #[test]
    fn a_charge_gated_by_fork_reads_the_frame_and_without_one_is_misdeclared() {
        let mut args = [0; 15];
        let gated = Charge {
            gas: 4,
            since: SpecId::SHANGHAI,
        };
        args[0] = u128::from(gated.encode());
        let status = call_native(decl("charge"), &mut ctx(10), &args, &mut [0; 2]);
        assert_eq!(status, Status::Misdeclared);
    }

    #[test]
    fn a_host_native_without_a_frame_is_misdeclared_not_a_panic() {
        let status = call_native(decl("caller"), &mut ctx(100), &[0; 15], &mut [0; 2]);
        assert_eq!(status, Status::Misdeclared);
    }

    #[test]
    fn statuses_round_trip_and_unknown_numbers_are_misdeclared() {
        for status in [Status::Continue, Status::Aborted, Status::CallStackOverflow] {
            assert_eq!(Status::from_u32(status as u32), status);
        }
        assert_eq!(Status::from_u32(99), Status::Misdeclared);
    }
}
