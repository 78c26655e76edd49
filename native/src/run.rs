//! Calling compiled code from Rust: the one place machine code is entered.

use evmove_runtime::natives::direct::{DirectCtx, Status};

use crate::module::{Code, NativeModule};

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
        let status = enter(code, ctx, args, &mut results);
        results.truncate(code.returns.len());
        Ok(match Status::from_u32(status) {
            Status::Continue => Ok(results),
            stop => Err(stop),
        })
    }

    /// The index of compiled function `name` if it takes and returns nothing, as a frame's
    /// `run()` does: what [`NativeModule::run_unit`] runs.
    pub fn unit_function(&self, name: &str) -> Option<usize> {
        let index = self.functions.iter().position(|f| f.name == name)?;
        let code = self.functions[index].code.as_ref().ok()?;
        (code.params.is_empty() && code.returns.is_empty()).then_some(index)
    }

    /// Runs function `index` (one [`NativeModule::unit_function`] gave) in `ctx`: the
    /// status it stopped with, as [`NativeModule::call`] with no arguments would, with no
    /// name to look up and nothing allocated (a frame's `run()`). `None` if the function
    /// does not take and return nothing.
    pub fn run_unit(&self, index: usize, ctx: &mut DirectCtx<'_, '_>) -> Option<Status> {
        let code = self.functions.get(index)?.code.as_ref().ok()?;
        if !(code.params.is_empty() && code.returns.is_empty()) {
            return None;
        }
        Some(Status::from_u32(enter(code, ctx, &[], &mut [0])))
    }
}

/// Calls compiled `code` with `args` (one per parameter, each fitting its type; the callers
/// check), writing its results into `results` (one slot per result, and at least one): the
/// status it returned.
fn enter(code: &Code, ctx: &mut DirectCtx<'_, '_>, args: &[u128], results: &mut [u128]) -> u32 {
    let args = match args.is_empty() {
        true => &[0][..],
        false => args,
    };
    // SAFETY: `code` is a function its module compiled with the signature
    // `translate::signature` describes, and the caller borrows the module, which keeps its
    // memory alive for the call. It reads `params.len()` slots of `args` and writes
    // `returns.len()` slots of `results` (both there, as the callers check), and passes `ctx`
    // only to the natives' direct entry, which takes it as the `&mut DirectCtx` it is.
    let entry: extern "C" fn(*mut DirectCtx<'_, '_>, *const u128, *mut u128, usize) -> u32 =
        unsafe { std::mem::transmute(code.entry) };
    entry(ctx, args.as_ptr(), results.as_mut_ptr(), stack_limit())
}

/// The lowest stack address compiled code may start a function below: the stack this
/// thread has left, less [`NATIVE_RESERVE`].
fn stack_limit() -> usize {
    let here = &0u8 as *const u8 as usize;
    let remaining = stacker::remaining_stack().unwrap_or(2 * NATIVE_RESERVE);
    here.saturating_sub(remaining.saturating_sub(NATIVE_RESERVE))
}
