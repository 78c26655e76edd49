//! The native tier: verified transpiled Move modules compiled to machine code with
//! Cranelift (`DESIGN.md` §10), for the subset the lowering emits; the Move VM interpreter
//! stays the reference and the fallback. See `README.md` in this crate.

mod helpers;
mod memo;
mod module;
mod report;
mod run;
mod select;
mod tier;
mod translate;
mod types;

pub use module::NativeModule;
pub use report::ModuleReport;
pub use run::CallError;
pub use select::Tier;
pub use tier::{JitTier, TierStats};
pub use types::Scalar;

/// Why a function is not compiled (it runs on the interpreter): what in it is outside the
/// subset.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotCompilable(String);

impl NotCompilable {
    pub(crate) fn new(reason: String) -> Self {
        Self(reason)
    }
}

/// The module could not be compiled at all (no code generator for this machine, or
/// Cranelift failed as a whole).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("native tier: {0}")]
pub struct CompileError(String);
