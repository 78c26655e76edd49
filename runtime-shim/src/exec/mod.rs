//! Executing transactions: the [`runtime::Runtime`] (one Move VM, its modules and a code
//! provider) runs a [`env::Transaction`] against a [`crate::state::StateView`] and returns a
//! [`outcome::TxOutcome`] with the write set.
//!
//! - [`env`]: the block and the transaction.
//! - [`code`] and [`registry`]: where Move modules for EVM code come from.
//! - [`runtime`]: the execution API.
//! - [`entry`]: transactions calling a typed entry function instead of sending calldata.
//! - [`frame`]: the one place owning call and creation semantics.
//! - [`host`]: what natives reach (the transaction's host and the executing frame).
//! - [`memory`], [`gas`], [`outcome`]: a frame's memory, the gas model, how things end.

pub mod code;
pub mod entry;
pub mod env;
pub mod frame;
pub mod gas;
pub mod host;
pub mod memory;
pub mod outcome;
pub mod registry;
pub mod runtime;
