//! Lowering: SSA IR → a verified Move module (`DESIGN.md` §5).
//!
//! - [`module`]: the driver: a module's functions lowered one by one ([`module::compile`]),
//!   split when too large, typed entries added, the result verified.
//! - [`module_builder`]: the module level (interned pools, handles, definitions).
//! - [`function`]: one function's code: control flow, operations, calls.
//! - [`layout`]: the order of its blocks, each loop contiguous (the verifier's loop rules).
//! - [`locals`]: where each value lives (constants, bools, narrow words in one u128, words
//!   in u128 pairs).
//! - [`ranges`]: how many bits each value can have, for [`locals`] and Move arithmetic;
//!   [`inductions`]: the bound of counters, which go round loops by constant additions.
//! - [`liveness`]: which values are live where, for [`locals`].
//! - [`natives`]: the shim library's natives, by EVM operation.
//! - [`split`]: a function too large for Move, as a driver calling parts.
//!
//! A code blob becomes one module: its `fn0` is the public entry `run()`, each recovered
//! internal function a private function `f<pc>` taking and returning words as u128 pairs.
//! A function too large for one Move function becomes a driver of that name and private
//! parts `<name>_<k>` ([`split`]).
//! With an ABI, each ABI function also gets a public typed entry function ([`typed`]).
//! `run` ends the frame: in a native of `evmove::halt`, which records the end and returns,
//! after which `run` (and every function that never returns, up to it) returns too, and a
//! function returning words aborts with [`AbortCode::FrameEnded`] (0); or in an abort with
//! another [`AbortCode`] the host reads as an exceptional halt.

pub mod counted_loops;
pub mod function;
pub mod inductions;
pub mod layout;
pub mod liveness;
pub mod locals;
pub mod module;
pub mod module_builder;
pub mod natives;
pub mod ranges;
pub mod split;
pub mod typed;

use move_core_types::account_address::AccountAddress;

use crate::{evm::Pc, ir::Fault};
use locals::TooManyLocals;

/// The shim library's address (`stdlib/Move.toml`; the shim table's
/// `evmove_word::shim::ADDRESS`).
pub const SHIM_ADDRESS: AccountAddress = AccountAddress::new(evmove_word::shim::ADDRESS.0 .0);

/// The name of every module's entry function.
pub const ENTRY: &str = "run";

/// The name of the second entry of a module whose `run` speculates: the same code in
/// universal form, which the runtime runs a frame on again when the speculation fails.
pub const UNIVERSAL_ENTRY: &str = "run_universal";

/// Abort codes (the shim table's, `evmove_word::shim::abort`): the lowering aborts with
/// [`AbortCode::StackUnderflow`], [`AbortCode::StackOverflow`] and [`AbortCode::InvalidJump`]
/// where the front end found a fault; with [`AbortCode::FrameEnded`] after a halt (or a call
/// that never returns) in a function returning words; with [`AbortCode::SpeculationFailed`]
/// where a speculative switch matches no case.
pub use evmove_word::shim::AbortCode;

impl From<&Fault> for AbortCode {
    fn from(fault: &Fault) -> Self {
        match fault {
            Fault::StackUnderflow => AbortCode::StackUnderflow,
            Fault::StackOverflow => AbortCode::StackOverflow,
            Fault::InvalidJumpTarget(_) => AbortCode::InvalidJump,
            Fault::SpeculationFailed => AbortCode::SpeculationFailed,
        }
    }
}

/// A function could not be lowered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LowerError {
    /// More live values than Move locals.
    #[error(transparent)]
    Locals(#[from] TooManyLocals),
    /// More instructions than a Move function may have.
    #[error("needs {instructions} Move instructions, more than the 65,535 a function may have")]
    TooLarge {
        /// How many it would need.
        instructions: usize,
    },
    /// Split into parts, one part passes more words than a Move signature holds.
    #[error(
        "split into parts, it passes {words} words to or from one part, more than the 127 a Move signature holds"
    )]
    PartTooWide {
        /// How many, `next` included.
        words: usize,
    },
    /// An EVM operation the shim library has no native for.
    #[error("the runtime has no native for {0}")]
    Unsupported(String),
    /// The IR broke an invariant the lowering relies on.
    #[error("internal error: {0}")]
    Internal(String),
}

/// A module could not be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ModuleError {
    /// One of its functions could not be lowered.
    #[error("function at {pc}: {source}")]
    Function {
        /// Where the function starts.
        pc: Pc,
        /// Why.
        source: LowerError,
    },
    /// The module name is not a Move identifier.
    #[error("{0:?} is not a Move identifier")]
    Name(String),
    /// The Move bytecode verifier rejected the module (a lowering bug).
    #[error("the Move bytecode verifier rejects the module: {0}")]
    Verify(String),
}

/// Whether `name` is one the module's own functions may have (`run`, `run_universal`,
/// `f<pc>`, and their parts `<name>_<k>`), so a typed entry must not take it.
pub(crate) fn is_internal_name(name: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (base, parts) = match name.strip_prefix(UNIVERSAL_ENTRY) {
        Some(parts) => (UNIVERSAL_ENTRY, parts),
        None => name.split_at(name.find('_').unwrap_or(name.len())),
    };
    let parts = parts.is_empty()
        || parts
            .strip_prefix('_')
            .is_some_and(|p| p.split('_').all(digits));
    let base =
        base == ENTRY || base == UNIVERSAL_ENTRY || base.strip_prefix('f').is_some_and(digits);
    base && parts
}
