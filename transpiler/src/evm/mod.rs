//! EVM code as the front end reads it: instructions decoded by the EVM's own linear sweep,
//! valid jump destinations, and the solc metadata trailer split off.
//!
//! Nothing here interprets control flow; that is `lift`'s job.

mod asm;
mod code;
mod metadata;

pub use asm::{assemble, AsmError};
pub use code::{Code, Instruction, Pc};
pub use metadata::split_metadata;
pub use revm_bytecode::opcode::OpCode;
