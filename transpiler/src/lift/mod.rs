//! Lifting: from decoded EVM code to control flow with every jump resolved.
//!
//! - [`blocks`]: basic blocks.
//! - [`jumps`]: jump resolution by abstract interpretation of the stack.
//! - [`functions`]: internal function recovery, checked against the calling convention.

pub mod blocks;
pub mod functions;
pub mod jumps;
mod stack;

pub use blocks::{BasicBlock, BlockExit};
pub use functions::{recover_functions, Call, Function, FunctionError};
pub use jumps::{resolve_jumps, Fault, JumpAnalysis, JumpError};
pub use stack::STACK_LIMIT;
