//! The executor: the [`runtime::Runtime`] (the Move VMs, the published modules, a code
//! provider) runs a [`crate::host::env::Transaction`] against a
//! [`crate::state::StateView`] and returns a [`outcome::TxOutcome`] with the write set. The
//! only layer that knows the Move VM: it opens the sessions, and implements the host's
//! [`crate::host::calls::Calls`] for the natives ([`frame::Executor`]).
//!
//! - [`runtime`]: the execution API; `workspace.rs`, what an execution uses and the next
//!   reuses (a VM, `buffers.rs`: what a transaction's host leaves for the next one, the
//!   VM's code → module memo), pooled or held by a block's worker.
//! - [`modules`]: the published modules, the publishing VM, code → module resolution.
//! - [`code`] and [`registry`]: where Move modules for EVM code come from.
//! - [`frame`]: the one place owning call and creation semantics.
//! - [`fees`]: the transaction's own gas and fees (validity, intrinsic gas, refunds, the
//!   coinbase's tip).
//! - [`entry`]: transactions calling a typed entry function instead of sending calldata.
//! - [`gas`]: the Move gas meter.
//! - [`counting`]: the counting mode (instructions, natives, calls, allocations per
//!   transaction).
//! - [`outcome`]: a transaction's result, or why it has none.
//! - [`system`]: what a block does around its transactions (system calls, withdrawals).
//! - [`tier`]: the native tier's hook (machine code for the modules it compiled).

mod buffers;
pub mod code;
pub mod counting;
pub mod entry;
pub mod fees;
pub mod frame;
pub mod gas;
pub mod modules;
pub mod outcome;
pub mod registry;
pub mod runtime;
pub mod system;
pub mod tier;
mod workspace;
