//! The Move VM adapter of the natives that reach the host, kept thin: it takes the words,
//! finds the frame's extension, runs the native's plain Rust function ([`HostFn`]) with a
//! [`NativeCtx`], and reports its cost; a native that ends the frame (STOP, RETURN, a fault)
//! makes the Move execution abort with [`FRAME_ENDED`] (defined with the end-of-frame logic,
//! in `host::native`).
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

use super::word::{misdeclared, no_type_arguments, take_words_into, word_result};
use crate::host::native::FRAME_ENDED;
use crate::host::native::{FrameEnded, FrameExtension, NativeCtx};

/// The most words a native takes (CALL's seven).
pub const MAX_WORDS: usize = 7;

/// A native reaching the host: its words in (EVM operand order), a word out or nothing.
pub type HostFn = fn(&mut NativeCtx<'_, '_>, &[U256]) -> HostResult;

/// What a host native returns: the word it pushes (if its declaration returns one), or the
/// frame's end.
pub type HostResult = Result<Option<U256>, FrameEnded>;

/// The Move native running `run`, charging what `run` charges.
pub(crate) fn native(words_in: usize, returns_word: bool, run: HostFn) -> NativeFunction {
    Arc::new(move |context, ty_args, args: VecDeque<Value>| {
        no_type_arguments(&ty_args)?;
        let mut words = [U256::ZERO; MAX_WORDS];
        let words = words
            .get_mut(..words_in)
            .ok_or_else(|| misdeclared(format!("a native taking {words_in} words")))?;
        take_words_into(args, words)?;
        let extension = context.extensions_mut().get_mut::<FrameExtension>();
        let mut ctx = NativeCtx::new(extension);
        let result = run(&mut ctx, words);
        finish(InternalGas::new(ctx.cost), returns_word, result)
    })
}

fn finish(
    cost: InternalGas,
    returns_word: bool,
    result: HostResult,
) -> PartialVMResult<NativeResult> {
    match (result, returns_word) {
        (Ok(Some(word)), true) => Ok(word_result(cost, word)),
        (Ok(None), false) => Ok(NativeResult::ok(cost, Default::default())),
        (Err(FrameEnded), _) => Ok(NativeResult::err(cost, FRAME_ENDED)),
        (Ok(_), _) => Err(misdeclared(
            "a host native's result does not match its declaration".to_string(),
        )),
    }
}
