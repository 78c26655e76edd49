//! The jumps revm actually takes: an inspector recording, per executed code blob, every
//! taken JUMP and JUMPI as (jump offset, target offset). The front end's jump resolution must
//! cover each of them.

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::Bytes;
use revm::{
    bytecode::opcode,
    interpreter::{
        interpreter_types::{Jumps, LegacyBytecode},
        Interpreter, InterpreterTypes,
    },
    Inspector,
};

/// Taken jumps, per code blob (initcode or deployed code, as executed).
#[derive(Debug, Default)]
pub struct JumpTrace {
    taken: BTreeMap<Bytes, BTreeSet<(u32, u32)>>,
    /// The jump being executed: its code and offset, until `step_end` sees where it went.
    pending: Option<(Bytes, u32)>,
}

impl JumpTrace {
    /// Every code blob executed so far with the jumps taken in it.
    pub fn taken(&self) -> &BTreeMap<Bytes, BTreeSet<(u32, u32)>> {
        &self.taken
    }
}

impl<CTX, INTR: InterpreterTypes> Inspector<CTX, INTR> for JumpTrace {
    fn step(&mut self, interp: &mut Interpreter<INTR>, _context: &mut CTX) {
        let op = interp.bytecode.opcode();
        self.pending = (op == opcode::JUMP || op == opcode::JUMPI).then(|| {
            let code = Bytes::copy_from_slice(interp.bytecode.bytecode_slice());
            (code, interp.bytecode.pc() as u32)
        });
    }

    fn step_end(&mut self, interp: &mut Interpreter<INTR>, _context: &mut CTX) {
        if let Some((code, pc)) = self.pending.take() {
            let target = interp.bytecode.pc() as u32;
            // A JUMPI not taken continues at the next byte; a failed jump halts the frame.
            let jumped = target != pc + 1 && interp.bytecode.opcode() == opcode::JUMPDEST;
            if jumped {
                self.taken.entry(code).or_default().insert((pc, target));
            }
        }
    }
}
