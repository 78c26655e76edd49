//! Lifting: from decoded EVM code to control flow with every jump resolved.
//!
//! - [`blocks`]: basic blocks.
//! - [`jumps`]: jump resolution by abstract interpretation of the stack.
//! - [`functions`]: internal function recovery, checked against the calling convention.
//! - [`ssa`]: SSA construction, one IR function per recovered function.

pub mod blocks;
pub mod functions;
pub mod jumps;
pub mod ssa;
mod stack;

pub use blocks::{BasicBlock, BlockExit};
pub use functions::{recover_functions, Call, Function, FunctionError};
pub use jumps::{resolve_jumps, Fault, JumpAnalysis, JumpError};
pub use ssa::{lift_module, LiftError};
pub use stack::STACK_LIMIT;
