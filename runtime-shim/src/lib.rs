//! The Move-side runtime of evmove: everything transpiled contracts run on.
//!
//! - [`stdlib`]: the shim library's compiled modules (built from `stdlib/` at build time).
//! - [`module_store`]: the code half of the Move VM's global storage, kept in memory.
//! - [`natives`]: the natives the shim library declares, as the table a Move VM is built with.
//! - [`block`]: block execution, sequential or parallel (Block-STM), generic over the task
//!   that executes one transaction.
//!
//! All mutable EVM state (accounts, storage slots, transient storage) lives in the host's
//! journal, not in Move global storage, because a nested Move session cannot see the writes
//! held in its caller's session (`DESIGN.md` §6).
#![deny(missing_docs)]

pub mod block;
pub mod module_store;
pub mod natives;
pub mod stdlib;
