//! Test support for evmove: the contract corpus, the shape of a transaction's observable
//! outcome, and the revm oracle every behaviour test compares evmove against.
//!
//! - [`abi_values`]: generated ABI arguments for property tests.
//! - [`bindings`]: typed binding calls (`evmove::build`'s) checked against revm.
//! - [`blockchain_fixtures`]: our blockchain-test fixtures for `evmove statetest`, their
//!   post-state computed by revm.
//! - [`calls`]: generated calls of a contract's functions.
//! - [`engine`]: what runs a scenario's transactions: [`revm_oracle`], [`evmove_engine`],
//!   or both side by side ([`differential`]).
//! - [`corpus`]: our Solidity contracts (`contracts/src`) as compiled by solc in four
//!   settings (`contracts/artifacts`), with ABI encoding helpers.
//! - [`opcodes`]: one opcode with its operands and results, as assembly.
//! - [`outcome`]: a transaction and everything observable about its execution.
//! - [`revm_oracle`]: executes transactions in revm and records their outcomes.
//! - [`import_graph`]: which source file imports from which, to check the layering.
//! - [`ir_interpreter`]: runs lifted IR, to check the front end against revm.
//! - [`mutants`]: mutations of EVM code, for suites that run code no compiler wrote.
//! - [`jump_trace`]: the jumps revm takes, to check the front end's jump resolution.
//! - [`scenarios`]: scripted transactions over every corpus contract, with expectations.
//! - [`speculation`]: code whose speculation fails on the calldata's say, and runs again.
//! - [`thirdparty`]: well-known contracts compiled by others, installed from npm.
//! - [`universal`]: a code provider compiling every code through the universal path.
#![deny(missing_docs)]

pub mod abi_values;
pub mod bindings;
pub mod blockchain_fixtures;
pub mod calls;
pub mod compiled;
pub mod corpus;
pub mod differential;
pub mod engine;
pub mod evmove_engine;
pub mod import_graph;
pub mod ir_interpreter;
pub mod jump_trace;
pub mod mutants;
pub mod opcodes;
pub mod outcome;
pub mod revm_oracle;
pub mod scenarios;
pub mod speculation;
pub mod thirdparty;
pub mod universal;
