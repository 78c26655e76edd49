//! Conformance: the Ethereum consensus tests run through evmove (`evmove statetest`).
//!
//! The legacy VMTests ([`vmtest`]) are one message call each: a pre-state, the code of the
//! called account, the call's inputs and block, and the expected result. The runner
//! transpiles every code of a test on demand (nothing runs in an EVM interpreter), executes
//! the call in the Move runtime, and compares the outcome ([`check`]); tests that depend on
//! exact EVM gas are skipped with the reason ([`skip`], [`check`]).
//!
//! - [`vmtest`]: the file format, parsed without panics.
//! - [`skip`]: the gas-dependence rules decided before running.
//! - [`check`]: what a run produced against what the test expects.
//! - `run` (feature `vm`): a test executed in the Move runtime.
//! - `suite` (feature `vm`): files and directories run and reported.

pub mod check;
#[cfg(feature = "vm")]
pub mod run;
pub mod skip;
#[cfg(feature = "vm")]
pub mod suite;
pub mod vmtest;
