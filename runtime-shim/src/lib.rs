//! The Move-side runtime of evmove: everything transpiled contracts run on.
//!
//! The layers, each using only those after it (no module imports one before it):
//!
//! - [`block`]: block execution, sequential or parallel (Block-STM), generic over the task
//!   that executes one transaction ([`block::evm`] plugs in the runtime).
//! - [`exec`]: the executor, the only layer that knows the Move VM: the execution API
//!   ([`Runtime`]), the published modules and code providers, the frame logic (call and
//!   creation semantics, nested sessions) behind the host's `Calls` trait, the Move gas meter.
//! - [`natives`]: the natives the shim library declares, as the table a Move VM is built
//!   with: plain Rust functions over the host context, and thin Move-VM adapters.
//! - [`host`]: the host interface the natives see: the transaction's context and the frame,
//!   the narrow `Calls` trait for running a call or creation, memory, the block and
//!   transaction environment, gas accounting, and how frames end.
//! - [`journal`]: one transaction's reads, writes, logs and per-frame checkpoints, and the
//!   state logic of SELFDESTRUCT.
//! - [`state`]: the state keys and values, the [`state::StateView`] trait execution reads
//!   through, write sets, and an in-memory backend.
//!
//! Beside them: [`stdlib`] (the shim library's compiled modules, built from `stdlib/` at
//! build time), [`module_store`] (the code half of the Move VM's global storage, kept in
//! memory) and [`abi_value`] (ABI values as the Move values typed entry functions take and
//! return).
//!
//! The run-time recursion (a call native → the executor → a nested Move session → a
//! native) goes through the `Calls` trait object the executor hands the natives, not through
//! an import: the natives never see the VM or the [`Runtime`].
//!
//! All mutable EVM state (accounts, storage slots, transient storage) lives in the host's
//! journal, not in Move global storage, because a nested Move session cannot see the writes
//! held in its caller's session (`DESIGN.md` §6).
#![deny(missing_docs)]

pub mod abi_value;
pub mod block;
pub mod exec;
pub mod host;
pub mod journal;
pub mod module_store;
pub mod natives;
pub mod state;
pub mod stdlib;

pub use exec::{
    code::{CodeKind, CodeProvider, ProvidedModule, ProviderError},
    entry::{EntryCall, EntryOutcome},
    fees::InvalidTx,
    modules::PublishError,
    outcome::{TxError, TxOutcome},
    registry::ModuleRegistry,
    runtime::{Runtime, DEFAULT_PUBLISHER},
};
pub use host::{
    env::{BlockEnv, SpecId, Transaction},
    outcome::{FrameEnd, HaltReason, Status},
};
pub use state::{
    memory::InMemoryState, Account, Code, StateError, StateKey, StateStore, StateValue, StateView,
    WriteSet,
};
