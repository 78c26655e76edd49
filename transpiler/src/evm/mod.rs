//! EVM code as the front end reads it: instructions decoded by the EVM's own linear sweep
//! (every byte, as the EVM decodes it: reachability decides what is code), valid jump
//! destinations, and [`split_metadata`] to tell the solc metadata trailer from the program.
//!
//! Nothing here interprets control flow; that is `lift`'s job.

mod asm;
mod code;
mod metadata;
mod operands;

pub use asm::{assemble, AsmError};
pub use code::{Code, Instruction, Pc};
pub use metadata::split_metadata;
pub use operands::copied_into_memory;
pub use revm_bytecode::opcode::OpCode;
