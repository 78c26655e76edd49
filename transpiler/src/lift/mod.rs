//! Lifting: from decoded EVM code to the SSA IR, every jump resolved.
//!
//! [`lift`] runs the stages in order; each is public on its own for tests and tools:
//!
//! - [`blocks`]: basic blocks.
//! - [`jumps`]: jump resolution by abstract interpretation of the stack, per calling context,
//!   each value's origin telling whether the labels the code uses as data bound a jump to it
//!   (`origin`).
//! - [`summaries`]: jump resolution by function summaries, where the exploration gives up
//!   (recursion); [`resolve_jumps`] decides.
//! - [`functions`]: internal function recovery, checked against the calling convention.
//! - [`ssa`]: SSA construction, one IR function per recovered function, each block charging
//!   the static gas of its code per section ([`gas`]); a function in or above a recursion
//!   taking its stack base (`bases`).
//! - [`universal`]: where any of those gives up, the whole code in universal form (the EVM
//!   stack kept by the code, computed jumps dispatched over every JUMPDEST): always possible.

mod bases;
pub mod blocks;
pub mod functions;
pub mod gas;
pub mod jumps;
mod origin;
pub mod ssa;
mod stack;
pub mod summaries;
pub mod universal;

pub use blocks::{BasicBlock, BlockExit};
pub use functions::{recover_functions, Call, Function, FunctionError};
pub use jumps::{explore_jumps, JumpAnalysis, JumpError};
pub use ssa::{lift_module, LiftError};
pub use stack::STACK_LIMIT;
pub use summaries::resolve_by_summaries;
pub use universal::lift_universal;

use std::collections::BTreeMap;

use crate::{
    evm::{Code, Pc},
    ir::{self, verify_module, VerifyError},
};

/// Everything lifting found out about one code blob.
#[derive(Clone, Debug)]
pub struct Lifted {
    /// The code lifted (the pipeline lifts it again in universal form where the static
    /// path's lowering gives up).
    pub code: Code,
    /// Reachable blocks, jump targets and faults.
    pub jumps: JumpAnalysis,
    /// The recovered functions, by entry (the code run from offset 0 at `Pc(0)`).
    pub functions: BTreeMap<Pc, Function>,
    /// The IR, checked.
    pub module: ir::Module,
    /// Why the static path gave up, if the code took the universal path ([`universal`]):
    /// then `functions` is empty and `module` has one function in universal form.
    pub universal: Option<LiftCodeError>,
}

/// Lifting failed, at the stage that says so.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LiftCodeError {
    /// Jump resolution failed.
    #[error("jump resolution: {0}")]
    Jumps(#[from] JumpError),
    /// Function recovery failed.
    #[error("function recovery: {0}")]
    Functions(#[from] FunctionError),
    /// SSA construction failed.
    #[error("SSA construction: {0}")]
    Ssa(#[from] LiftError),
    /// The IR broke an invariant: a bug in evmove.
    #[error("the lifted IR is malformed (a bug in evmove): {0}")]
    Malformed(#[from] VerifyError),
}

/// Resolves every reachable jump of `code`: by exploring it per calling context
/// ([`explore_jumps`]), or, where that gives up (functions that recurse grow the stack
/// without end), by function summaries ([`resolve_by_summaries`]). If both fail, the
/// exploration's error stands.
pub fn resolve_jumps(code: &Code) -> Result<JumpAnalysis, JumpError> {
    explore_jumps(code).or_else(|error| resolve_by_summaries(code).ok_or(error))
}

/// Lifts `code`: resolves its jumps (functions need every jump's targets), recovers its
/// functions (SSA construction makes one IR function of each), builds the SSA IR and checks
/// it; where the static analysis gives up, lifts it in universal form instead. Only a
/// malformed IR (a bug) fails.
pub fn lift(code: &Code) -> Result<Lifted, LiftCodeError> {
    let lifted = lift_unchecked(code)?;
    verify_module(&lifted.module)?;
    Ok(lifted)
}

/// [`lift`] without the IR check, for a caller that runs the checker itself (the pipeline):
/// the static path ([`lift_static`]), or where it gives up, the universal path.
pub fn lift_unchecked(code: &Code) -> Result<Lifted, LiftCodeError> {
    lift_static(code).or_else(|reason| {
        let (module, jumps) = lift_universal(code);
        Ok(Lifted {
            code: code.clone(),
            jumps,
            functions: BTreeMap::new(),
            module,
            universal: Some(reason),
        })
    })
}

/// The static path alone, unchecked: resolves the jumps, recovers the functions and builds
/// the SSA IR, or says which stage gave up.
pub fn lift_static(code: &Code) -> Result<Lifted, LiftCodeError> {
    let jumps = resolve_jumps(code)?;
    let functions = recover_functions(code, &jumps)?;
    let module = lift_module(code, &jumps, &functions)?;
    Ok(Lifted {
        code: code.clone(),
        jumps,
        functions,
        module,
        universal: None,
    })
}
