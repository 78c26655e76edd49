//! One opcode as assembly for `evmove::evm::assemble`, with its operands and results: for
//! suites that run every opcode (the fork gates, charges folded into natives).

use revm::bytecode::opcode::{self, OpCode};

/// `op` with zero operands, as assembly: a PUSH of 0 for each input, then `op` (with a zero
/// immediate for a PUSH).
pub fn with_zero_operands(op: u8) -> String {
    let opcode = OpCode::new(op).expect("a defined opcode");
    let immediate = match opcode.is_push() && op != opcode::PUSH0 {
        true => " 0",
        false => "",
    };
    format!(
        "{} {opcode}{immediate}",
        "PUSH 0 ".repeat(opcode.inputs().into())
    )
}

/// `op`'s results popped, as assembly.
pub fn pop_results(op: u8) -> String {
    "POP ".repeat(OpCode::new(op).expect("a defined opcode").outputs().into())
}
