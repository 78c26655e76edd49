//! What an operation's operands mean, where more than one pass needs to know.

use revm_bytecode::opcode;

/// The operands (indices, top of the stack first) giving the start and the length of the
/// memory an operation copies data into — the copies, and the calls' output (a call writes
/// at most that much) —; `None` for any other operation.
pub fn copied_into_memory(op: u8) -> Option<(usize, usize)> {
    match op {
        opcode::CALLDATACOPY | opcode::CODECOPY | opcode::RETURNDATACOPY | opcode::MCOPY => {
            Some((0, 2))
        }
        opcode::EXTCODECOPY => Some((1, 3)),
        opcode::CALL | opcode::CALLCODE => Some((5, 6)),
        opcode::DELEGATECALL | opcode::STATICCALL => Some((4, 5)),
        _ => None,
    }
}
