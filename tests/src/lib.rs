//! Test support for evmove: the contract corpus, the shape of a transaction's observable
//! outcome, and the revm oracle every behaviour test compares evmove against.
//!
//! - [`corpus`]: our Solidity contracts (`contracts/src`) as compiled by solc in four
//!   settings (`contracts/artifacts`), with ABI encoding helpers.
//! - [`outcome`]: a transaction and everything observable about its execution.
//! - [`revm_oracle`]: executes transactions in revm and records their outcomes.
#![deny(missing_docs)]

pub mod corpus;
pub mod outcome;
pub mod revm_oracle;
