//! Conformance: the Ethereum consensus tests run through evmove (`evmove statetest`).
//!
//! The legacy VMTests ([`vmtest`]) are one message call each: a pre-state, the code of the
//! called account, the call's inputs and block, and the expected result. The runner
//! transpiles every code of a test on demand (nothing runs in an EVM interpreter), executes
//! the call in the Move runtime, and compares the outcome ([`check`]); tests that depend on
//! exact EVM gas are skipped with the reason ([`skip`], [`check`]).
//!
//! Blockchain tests ([`blockchain`]) are blocks of transactions: each transaction runs in
//! the Move runtime in order, gas and fees included, and the accounts after are compared
//! with the test's `postState` (balance, nonce, code and storage, see [`check`]); the state
//! root after each block with its header's `stateRoot`, and with `postStateHash` where a
//! test gives only that (`state_root`).
//!
//! - [`vmtest`]: the VMTests format, parsed without panics.
//! - [`blockchain`]: the blockchain-test format.
//! - [`file`](mod@file): a file of either, the format detected per test.
//! - [`skip`]: the gas-dependence rules decided before running.
//! - [`check`]: what a run produced against what the test expects.
//! - `sender` (feature `vm`): a transaction's sender recovered from its signature.
//! - `state_root` (feature `vm`): the Merkle-Patricia root of a set of accounts.
//! - `run` (feature `vm`): a test executed in the Move runtime.
//! - `suite` (feature `vm`): files and directories run and reported.

pub mod blockchain;
pub mod check;
pub mod file;
#[cfg(feature = "vm")]
pub mod run;
#[cfg(feature = "vm")]
pub mod sender;
pub mod skip;
#[cfg(feature = "vm")]
pub mod state_root;
#[cfg(feature = "vm")]
pub mod suite;
pub mod vmtest;
