//! The Move VM adapter of the natives that reach the host, kept thin: it takes the words,
//! finds the frame's extension, runs the native's plain Rust function ([`HostFn`]) with a
//! [`NativeCtx`], and reports its cost; a native that ends the frame (STOP, RETURN, a fault)
//! makes the Move execution abort with [`FRAME_ENDED`] (defined with the end-of-frame logic,
//! in `host::native`). A charged form (`evmove::charged`) takes its section's charge after
//! the words and charges it first ([`run_charged`], which the direct entry runs too).
//!
//! Every session the runtime opens carries a [`FrameExtension`]; the VM built by
//! [`super::table`] must not run these natives in a session without one (the extension map
//! of Move 0.3.2 panics on a missing extension).

use std::{collections::VecDeque, sync::Arc};

use alloy_primitives::U256;
use move_binary_format::errors::PartialVMResult;
use move_core_types::gas_algebra::InternalGas;
use move_vm_runtime::native_functions::NativeFunction;
use move_vm_types::{natives::function::NativeResult, values::Value};

use evmove_word::shim::{gate::Charge, natives::Results};

use super::gas::charge_section;
use super::word::{
    bool_result, misdeclared, narrow_result, no_type_arguments, take_words_into, word_result,
};
use crate::host::native::FRAME_ENDED;
use crate::host::native::{FrameEnded, FrameExtension, NativeCtx};

/// The most words a native takes (CALL's seven).
pub const MAX_WORDS: usize = 7;

/// A native reaching the host: its words in (EVM operand order), a word out (given as its
/// row's result says: two halves, the low half of a narrow word, a bool of a word 0 or 1)
/// or nothing.
pub type HostFn = fn(&mut NativeCtx<'_, '_>, &[U256]) -> HostResult;

/// What a host native returns: the word it pushes (if its declaration returns one), or the
/// frame's end.
pub type HostResult = Result<Option<U256>, FrameEnded>;

/// The shape of a host native's Move function.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Shape {
    /// How many words it takes.
    pub words_in: usize,
    /// What it returns: a word, a narrow word, a bool (1 or 0 from its function), or nothing.
    pub result: Results,
    /// Whether it is a charged form: an encoded [`Charge`] follows the words.
    pub charged: bool,
}

/// The Move native running `run` (after its section's charge, in a charged form), charging
/// what both charge.
pub(crate) fn native(shape: Shape, run: HostFn) -> NativeFunction {
    Arc::new(move |context, ty_args, mut args: VecDeque<Value>| {
        no_type_arguments(&ty_args)?;
        let charge = match shape.charged {
            true => Some(take_charge(&mut args)?),
            false => None,
        };
        let mut words = [U256::ZERO; MAX_WORDS];
        let words_in = shape.words_in;
        let words = words
            .get_mut(..words_in)
            .ok_or_else(|| misdeclared(format!("a native taking {words_in} words")))?;
        take_words_into(args, words)?;
        let extension = context.extensions_mut().get_mut::<FrameExtension>();
        let mut ctx = NativeCtx::new(extension);
        let result = run_charged(&mut ctx, charge, run, words);
        finish(InternalGas::new(ctx.cost), shape.result, result)
    })
}

/// Runs `run` on `words`, after charging `charge` if there is one.
pub(crate) fn run_charged(
    ctx: &mut NativeCtx<'_, '_>,
    charge: Option<Charge>,
    run: HostFn,
    words: &[U256],
) -> HostResult {
    if let Some(charge) = charge {
        charge_section(ctx, charge)?;
    }
    run(ctx, words)
}

/// The charge a charged form takes last.
fn take_charge(args: &mut VecDeque<Value>) -> PartialVMResult<Charge> {
    let encoded = match args.pop_back() {
        Some(encoded) => encoded.value_as::<u64>()?,
        None => return Err(misdeclared("a charged native without its charge".into())),
    };
    Charge::decode(encoded).ok_or_else(|| misdeclared(format!("a charge of no fork: {encoded:#x}")))
}

fn finish(cost: InternalGas, shape: Results, result: HostResult) -> PartialVMResult<NativeResult> {
    match (result, shape) {
        (Ok(Some(word)), Results::Word) => Ok(word_result(cost, word)),
        (Ok(Some(word)), Results::Narrow) => narrow_result(cost, word),
        (Ok(Some(word)), Results::Bool) => Ok(bool_result(cost, !word.is_zero())),
        (Ok(None), Results::Nothing) => Ok(NativeResult::ok(cost, Default::default())),
        (Err(FrameEnded), _) => Ok(NativeResult::err(cost, FRAME_ENDED)),
        (Ok(_), _) => Err(misdeclared(
            "a host native's result does not match its declaration".to_string(),
        )),
    }
}
