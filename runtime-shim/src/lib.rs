//! The Move-side runtime of evmove: everything transpiled contracts run on.
//!
//! - [`stdlib`]: the shim library's compiled modules (built from `stdlib/` at build time).
//! - [`module_store`]: the code half of the Move VM's global storage, kept in memory.
//! - [`natives`]: the natives the shim library declares, as the table a Move VM is built with.
//! - [`abi_value`]: ABI values as the Move values typed entry functions take and return.
//! - [`state`]: the state keys and values, the [`state::StateView`] trait execution reads
//!   through, write sets, and an in-memory backend.
//! - [`journal`]: one transaction's reads, writes, logs and per-frame checkpoints.
//! - [`exec`]: the execution API ([`Runtime`]), call semantics, the gas model, code providers.
//! - [`block`]: block execution, sequential or parallel (Block-STM), generic over the task
//!   that executes one transaction.
//!
//! All mutable EVM state (accounts, storage slots, transient storage) lives in the host's
//! journal, not in Move global storage, because a nested Move session cannot see the writes
//! held in its caller's session (`DESIGN.md` §6).
#![deny(missing_docs)]

pub mod abi_value;
pub mod block;
pub mod exec;
pub mod journal;
pub mod module_store;
pub mod natives;
pub mod state;
pub mod stdlib;

pub use exec::{
    code::{CodeKind, CodeProvider, ProvidedModule, ProviderError},
    entry::{EntryCall, EntryOutcome},
    env::{BlockEnv, SpecId, Transaction},
    outcome::{FrameEnd, HaltReason, Status, TxError, TxOutcome},
    registry::ModuleRegistry,
    runtime::{PublishError, Runtime, DEFAULT_PUBLISHER},
};
pub use state::{
    memory::InMemoryState, Account, Code, StateError, StateKey, StateStore, StateValue, StateView,
    WriteSet,
};
