//! evmove: compiles EVM bytecode into verified Move modules.
//!
//! The pipeline, one module per stage, data flowing one way:
//!
//! - [`artifact`]: compiler output of any shape → each contract's code, ABI and layout.
//! - [`evm`]: code as bytes → decoded instructions and jump destinations.
//! - [`lift`]: instructions → basic blocks with every jump resolved, internal functions
//!   recovered, and the SSA [`ir`] of each code blob.
//! - [`ir`]: the SSA IR, its text form and its checker.
//! - [`opt`]: passes over the IR.
//! - [`lower`]: the IR → verified Move modules.
//! - [`disasm`]: a readable listing of a compiled Move module.
//! - [`pipeline`]: all of the above for one code blob, top to bottom.
//! - [`build`]: the build-script API, a project's contracts compiled at build time with
//!   typed Rust bindings; `bindings` (feature `vm`): what the bindings run on.
//! - `provider` (feature `vm`): the pipeline as the runtime's on-demand code provider.
//! - [`conformance`]: the Ethereum consensus tests (legacy VMTests) run through evmove (the
//!   runner itself with feature `vm`).
//!
//! Features (both default): `vm`, the embedded Move VM (`provider`, the conformance runner);
//! `cli`, the `evmove` binary (implies `vm`). Without them (`default-features = false`) this
//! is the compile-only library: no Move VM, no revm, no clap.
#![deny(missing_docs)]

pub mod artifact;
#[cfg(feature = "vm")]
pub mod bindings;
pub mod build;
pub mod conformance;
pub mod disasm;
pub mod evm;
pub mod ir;
pub mod lift;
pub mod lower;
pub mod opt;
pub mod pipeline;
#[cfg(feature = "vm")]
pub mod provider;
