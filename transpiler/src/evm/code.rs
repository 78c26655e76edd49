//! Decoding: the EVM's linear sweep from offset 0, where PUSH data is skipped and a JUMPDEST
//! byte counts only at an instruction boundary.

use std::fmt;

use alloy_primitives::{Bytes, U256};
use revm_bytecode::opcode::{self, OpCode};

/// A program counter: a byte offset into EVM code. Printed `pc42`; not to be confused with
/// an IR instruction or a Move code offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pc(pub u32);

impl Pc {
    /// The offset as an index into the code.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for Pc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pc{}", self.0)
    }
}

/// One decoded instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instruction {
    /// Where it starts.
    pub pc: Pc,
    /// The opcode byte; may be undefined (see [`Instruction::is_defined`]).
    pub opcode: OpCode,
    /// The value a PUSH pushes (missing bytes past the end of the code read as zero, as the
    /// EVM pads code); zero for every other instruction.
    pub immediate: U256,
}

impl Instruction {
    /// Whether the opcode is defined in the latest fork the front end supports (Osaka).
    ///
    /// revm's table also lists SLOTNUM, DUPN, SWAPN and EXCHANGE, which no activated fork
    /// has yet: they are undefined here, so they halt as the EVM would today.
    pub fn is_defined(&self) -> bool {
        let byte = self.opcode.get();
        OpCode::new(byte).is_some()
            && !matches!(
                byte,
                opcode::SLOTNUM | opcode::DUPN | opcode::SWAPN | opcode::EXCHANGE
            )
    }

    /// The offset of the next instruction.
    pub fn next_pc(&self) -> Pc {
        let immediate = if self.opcode.is_push() {
            u32::from(self.opcode.get() - opcode::PUSH0)
        } else {
            0
        };
        Pc(self.pc.0 + 1 + immediate)
    }
}

impl fmt::Display for Instruction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.opcode.is_push() && self.opcode.get() != opcode::PUSH0 {
            write!(f, "{} {:#x}", self.opcode, self.immediate)
        } else if self.is_defined() {
            write!(f, "{}", self.opcode)
        } else {
            write!(f, "UNDEFINED({:#04x})", self.opcode.get())
        }
    }
}

/// A blob of EVM code, decoded.
///
/// Every byte is decoded by the EVM's linear sweep, the metadata trailer and any data after
/// the program included: that is how the EVM itself decides instruction boundaries and
/// valid jump destinations. Which instructions are code and which are data is decided by
/// reachability (`lift`), not here.
///
/// The EVM reads past the end of the code as STOP; so does this decoding, which ends every
/// code with a STOP where the last instruction ends (its offset is the code's length, or
/// past it after a truncated PUSH). Nothing runs off the end.
#[derive(Clone, Debug)]
pub struct Code {
    bytes: Bytes,
    instructions: Vec<Instruction>,
    /// Index into `instructions` by pc, for instruction starts only.
    index_of_pc: Vec<Option<u32>>,
}

impl Code {
    /// Decodes `bytes`.
    ///
    /// Code longer than 4 GiB is not representable by [`Pc`]; no chain allows it (the limit
    /// is 24 KiB deployed, 48 KiB initcode), and callers reject it before this point.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        let len = bytes.len();
        let mut instructions = Vec::new();
        let mut index_of_pc = vec![None; len];
        let mut pc = 0;
        while pc < len {
            let opcode = OpCode::new_or_unknown(bytes[pc]);
            let push_len = if opcode.is_push() {
                usize::from(opcode.get() - opcode::PUSH0)
            } else {
                0
            };
            let mut word = [0u8; 32];
            let data = &bytes[(pc + 1).min(len)..(pc + 1 + push_len).min(len)];
            word[32 - push_len..32 - push_len + data.len()].copy_from_slice(data);
            index_of_pc[pc] = Some(instructions.len() as u32);
            instructions.push(Instruction {
                pc: Pc(pc as u32),
                opcode,
                immediate: U256::from_be_bytes(word),
            });
            pc += 1 + push_len;
        }
        index_of_pc.resize(pc + 1, None);
        index_of_pc[pc] = Some(instructions.len() as u32);
        instructions.push(Instruction {
            pc: Pc(pc as u32),
            opcode: OpCode::new(opcode::STOP).expect("STOP is defined"),
            immediate: U256::ZERO,
        });
        Self {
            bytes,
            instructions,
            index_of_pc,
        }
    }

    /// All the bytes, metadata included: what CODECOPY and CODESIZE see.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The decoded instructions, in order, ending with the STOP past the end.
    pub fn instructions(&self) -> &[Instruction] {
        &self.instructions
    }

    /// The position in [`Code::instructions`] of the instruction starting at `pc`, if one does.
    pub fn instruction_index(&self, pc: Pc) -> Option<usize> {
        self.index_of_pc
            .get(pc.index())
            .copied()
            .flatten()
            .map(|i| i as usize)
    }

    /// Whether a jump to `pc` is valid: a JUMPDEST at an instruction boundary.
    pub fn is_jumpdest(&self, pc: Pc) -> bool {
        self.instruction_index(pc)
            .is_some_and(|i| self.instructions[i].opcode.get() == opcode::JUMPDEST)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_pushes_and_skips_their_data() {
        // PUSH2 0x5b5b (data that looks like JUMPDESTs), JUMPDEST, PUSH0, STOP
        let code = Code::new(vec![0x61, 0x5b, 0x5b, 0x5b, 0x5f, 0x00]);
        let listing: Vec<String> = code
            .instructions()
            .iter()
            .map(|i| format!("{} {i}", i.pc))
            .collect();
        assert_eq!(
            listing,
            [
                "pc0 PUSH2 0x5b5b",
                "pc3 JUMPDEST",
                "pc4 PUSH0",
                "pc5 STOP",
                "pc6 STOP"
            ]
        );
        assert!(!code.is_jumpdest(Pc(1)) && !code.is_jumpdest(Pc(2)));
        assert!(code.is_jumpdest(Pc(3)));
        assert!(!code.is_jumpdest(Pc(99)));
    }

    #[test]
    fn empty_code_is_a_stop() {
        let code = Code::new(vec![]);
        assert_eq!(code.instructions().len(), 1);
        assert_eq!(code.instructions()[0].to_string(), "STOP");
    }

    #[test]
    fn a_truncated_push_reads_missing_bytes_as_zero() {
        let code = Code::new(vec![0x00, 0x62, 0xab]);
        let push = code.instructions()[1];
        assert_eq!(push.immediate, U256::from(0xab0000));
        assert_eq!(push.next_pc(), Pc(5));
        assert_eq!(code.instructions()[2].to_string(), "STOP", "past the end");
        assert_eq!(code.instruction_index(Pc(5)), Some(2));
    }

    #[test]
    fn undefined_opcodes_are_decoded_and_marked() {
        // 0x0c is unassigned; DUPN (0xe6) is not active yet, so its would-be immediate
        // 0x01 decodes as ADD, as today's EVM decodes it.
        let code = Code::new(vec![0x0c, 0xe6, 0x01, 0x1e, 0xfe]);
        let defined: Vec<bool> = code
            .instructions()
            .iter()
            .map(Instruction::is_defined)
            .collect();
        assert_eq!(defined, [false, false, true, true, true, true]);
        assert_eq!(code.instructions()[0].to_string(), "UNDEFINED(0x0c)");
        assert_eq!(code.instructions()[3].to_string(), "CLZ");
    }
}
