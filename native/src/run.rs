//! Calling compiled code from Rust: the one place machine code is entered.

use evmove_runtime::natives::direct::{DirectCtx, Status};

use crate::module::NativeModule;

/// Stack kept free below the deepest compiled frame, for the natives it calls (a native that
/// runs a nested EVM call moves to a new stack segment when less than a MiB is left,
/// `evmove_runtime::exec::frame`, but needs room to get there).
const NATIVE_RESERVE: usize = 256 << 10;

/// Why a compiled function was not run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// The module has no function of that name, or it was not compiled.
    #[error("no compiled function {0}")]
    NotCompiled(String),
    /// The arguments do not fit the function's parameters.
    #[error("arguments that do not fit {0}'s parameters")]
    BadArguments(String),
}

impl NativeModule {
    /// Runs function `name` with `args` (each a value of its parameter's type) in `ctx`:
    /// its results, or the status it stopped with.
    pub fn call(
        &self,
        name: &str,
        ctx: &mut DirectCtx<'_, '_>,
        args: &[u128],
    ) -> Result<Result<Vec<u128>, Status>, CallError> {
        let code = match self.compiled(name).map(|f| f.code.as_ref()) {
            Some(Ok(code)) => code,
            _ => return Err(CallError::NotCompiled(name.to_string())),
        };
        let fits = |(arg, param): (&u128, &crate::types::Scalar)| *arg <= param.max();
        if args.len() != code.params.len() || !args.iter().zip(&code.params).all(fits) {
            return Err(CallError::BadArguments(name.to_string()));
        }
        let mut results = vec![0u128; code.returns.len().max(1)];
        let args = match args.is_empty() {
            true => &[0][..],
            false => args,
        };
        // SAFETY: `entry` is a function this module compiled with the signature
        // `translate::signature` describes, and `self` keeps its memory alive for the call.
        // It reads `args.len()` slots and writes `returns.len()` slots (checked above), and
        // passes `ctx` only to the natives' direct entry, which takes it as the
        // `&mut DirectCtx` it is.
        let entry: extern "C" fn(*mut DirectCtx<'_, '_>, *const u128, *mut u128, usize) -> u32 =
            unsafe { std::mem::transmute(code.entry) };
        let status = entry(ctx, args.as_ptr(), results.as_mut_ptr(), stack_limit());
        results.truncate(code.returns.len());
        Ok(match Status::from_u32(status) {
            Status::Continue => Ok(results),
            stop => Err(stop),
        })
    }
}

/// The lowest stack address compiled code may start a function below: the stack this
/// thread has left, less [`NATIVE_RESERVE`].
fn stack_limit() -> usize {
    let here = &0u8 as *const u8 as usize;
    let remaining = stacker::remaining_stack().unwrap_or(2 * NATIVE_RESERVE);
    here.saturating_sub(remaining.saturating_sub(NATIVE_RESERVE))
}
