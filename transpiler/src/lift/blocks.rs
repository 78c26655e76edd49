//! Basic blocks: maximal runs of instructions entered only at the top and left only at the
//! bottom. A block starts at offset 0, at every JUMPDEST, and after every instruction that
//! ends one (a jump, a conditional jump, a halt).

use std::ops::Range;

use revm_bytecode::opcode;

use crate::evm::{Code, Instruction, Pc};

/// How control leaves a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockExit {
    /// JUMP: to the target on top of the stack.
    Jump,
    /// JUMPI: to the target on top of the stack if the value below it is non-zero, else to
    /// the next instruction.
    JumpIf {
        /// The instruction after the JUMPI.
        fallthrough: Pc,
    },
    /// Into the block starting at the next instruction (a JUMPDEST).
    FallThrough(Pc),
    /// STOP (including the one past the end of the code), RETURN, REVERT, INVALID,
    /// SELFDESTRUCT, or an undefined opcode.
    Halt,
}

/// A basic block of EVM code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BasicBlock {
    /// The offset of its first instruction.
    pub start: Pc,
    /// Its instructions, as a range of indices into [`Code::instructions`].
    pub instructions: Range<usize>,
    /// How it ends.
    pub exit: BlockExit,
}

/// The block starting at instruction index `first` of `code`.
pub fn block_at(code: &Code, first: usize) -> BasicBlock {
    let instructions = code.instructions();
    let start = instructions[first].pc;
    for (i, instruction) in instructions.iter().enumerate().skip(first) {
        let exit = match instruction.opcode.get() {
            opcode::JUMP => Some(BlockExit::Jump),
            opcode::JUMPI => Some(BlockExit::JumpIf {
                fallthrough: instruction.next_pc(),
            }),
            _ if ends_execution(instruction) => Some(BlockExit::Halt),
            _ => None,
        };
        if let Some(exit) = exit {
            return BasicBlock {
                start,
                instructions: first..i + 1,
                exit,
            };
        }
        if let Some(next) = instructions.get(i + 1) {
            if next.opcode.get() == opcode::JUMPDEST {
                return BasicBlock {
                    start,
                    instructions: first..i + 1,
                    exit: BlockExit::FallThrough(next.pc),
                };
            }
        }
    }
    unreachable!("code ends with a STOP")
}

/// Whether `instruction` ends execution of the frame.
pub fn ends_execution(instruction: &Instruction) -> bool {
    !instruction.is_defined()
        || matches!(
            instruction.opcode.get(),
            opcode::STOP | opcode::RETURN | opcode::REVERT | opcode::INVALID | opcode::SELFDESTRUCT
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(bytes: &[u8]) -> Vec<(u32, usize, BlockExit)> {
        let code = Code::new(bytes.to_vec());
        let mut out = Vec::new();
        let mut first = 0;
        while first < code.instructions().len() {
            let block = block_at(&code, first);
            out.push((block.start.0, block.instructions.len(), block.exit));
            first = block.instructions.end;
        }
        out
    }

    #[test]
    fn splits_at_jumps_jumpdests_and_halts() {
        // PUSH1 4, JUMPI | JUMPDEST, PUSH1 0, JUMP | JUMPDEST, STOP | ADD, (STOP past the end)
        let code = [0x60, 0x04, 0x57, 0x5b, 0x60, 0x00, 0x56, 0x5b, 0x00, 0x01];
        assert_eq!(
            blocks(&code),
            [
                (0, 2, BlockExit::JumpIf { fallthrough: Pc(3) }),
                (3, 3, BlockExit::Jump),
                (7, 2, BlockExit::Halt),
                (9, 2, BlockExit::Halt),
            ]
        );
    }

    #[test]
    fn falls_through_into_a_jumpdest() {
        let code = [0x60, 0x01, 0x5b, 0x00];
        assert_eq!(
            blocks(&code),
            [
                (0, 1, BlockExit::FallThrough(Pc(2))),
                (2, 2, BlockExit::Halt),
                (4, 1, BlockExit::Halt)
            ]
        );
    }

    #[test]
    fn an_undefined_opcode_halts() {
        assert_eq!(
            blocks(&[0x60, 0x01, 0x0c, 0x01]),
            [(0, 2, BlockExit::Halt), (3, 2, BlockExit::Halt)]
        );
    }
}
