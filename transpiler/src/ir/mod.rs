//! The SSA IR: what lifted EVM code does, with no stack left and every jump resolved.
//!
//! - [`entities`]: `v3`, `block2`, `fn1`: typed indices.
//! - [`function`]: modules, functions, blocks with parameters (the EVM stack on entry, bottom
//!   first), instructions (constants, EVM operations, calls) and terminators (jumps,
//!   branches, switches over jump labels, returns, halts).
//! - [`write`]: the text form, used for snapshots.
//! - [`verify`]: the checker of the IR's invariants.
//! - [`cfg`]: the control-flow graph (successors, predecessors, reverse postorder, dominance
//!   frontiers), for every analysis.
//! - [`dominators`]: the dominator tree, for the checker and for passes.
//!
//! Every value is a 256-bit EVM word: the IR has no narrower types. The lowering finds how
//! many bits each value can have (`lower::ranges`) and keeps narrow values in narrower Move
//! locals.
//!
//! This module stands alone: it imports nothing from the stages around it (`lift`, `opt`,
//! `lower`), which all import it.

pub mod cfg;
pub mod dominators;
pub mod entities;
pub mod function;
pub mod verify;
pub mod write;

pub use cfg::ControlFlowGraph;
pub use dominators::Dominators;
pub use entities::{Block, FuncRef, Value};
pub use function::{
    BlockCall, BlockData, Charge, Fault, Function, Inst, InstData, Module, StackBase, Terminator,
};
pub use verify::{verify_function, verify_module, VerifyError};
