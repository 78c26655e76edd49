//! Static gas counted in a Move `u64` local: in a loop whose code reaches no host native, a
//! charge per section would be a native call per iteration; instead the edges entering the
//! loop read the frame's gas left into the gas local (`gas::gas_left`), each section
//! subtracts its static gas from the local with Move's `Sub`, and the edges leaving the loop
//! charge the frame down to what the local holds (`gas::settle`): two native calls per
//! entry into the loop (three with the fork, below) rather than one per section run.
//!
//! It is exact because nothing in such a loop observes the gas or the state: its blocks hold
//! only constants, pure word operations (`super::gas` says why those neither abort nor read
//! the gas) and charges, and end in jumps, branches, switches or faults, so no GAS, call,
//! Move call, host native or halt that returns gas runs between the read and the settle.
//! A section whose gas exceeds the count halts there as the charge native would: `Sub`
//! aborts on underflow, which the host maps to out of gas (`exec::frame::frame_end`), an
//! exceptional halt consuming all the frame's gas wherever it happens; a fault (a switch's
//! invalid jump) consumes it all too. A loop with sections gated by fork also reads the
//! block's fork once (`gas::fork`) into the fork local, and each gated section compares it
//! with its own in place; only an older fork calls the charge native, with the gate and no
//! gas, which halts the frame as revm halts an opcode not yet activated (before the
//! subtraction, as the charge native checks the gate first). Every loop charges at least a
//! JUMPI's or a JUMP's gas per iteration, so a counted loop still ends.
//!
//! Which loops count their gas this way is `crate::lower::counted_loops`'s to say.

use move_binary_format::file_format::Bytecode;

use super::emitter::Emitter;
use crate::{
    ir::Charge,
    lower::{
        layout::LoopId,
        natives::{CHARGE, FORK, GAS_LEFT, SETTLE},
    },
};

impl Emitter<'_> {
    /// Counts `charge` in the gas local: its gate first, as the charge native checks it,
    /// then its gas.
    pub(super) fn count(&mut self, charge: Charge) {
        let local = self.gas_local.expect("a counted loop has the gas local");
        if charge.is_gated() {
            // The fork read when the count started, compared in place; an older one calls
            // the charge native with the gate alone, which halts the frame as revm does.
            let fork = self
                .fork_local
                .expect("a loop counting gated charges has the fork");
            let activated = self.new_label();
            self.emit(Bytecode::CopyLoc(fork));
            self.emit(Bytecode::LdU64(charge.since as u64));
            self.emit(Bytecode::Lt);
            self.emit(Bytecode::BrFalse(activated));
            let handle = self.callees.shim(&CHARGE);
            self.emit(Bytecode::LdU64(Charge { gas: 0, ..charge }.encode()));
            self.emit(Bytecode::Call(handle));
            self.define_new(activated);
        }
        if charge.gas > 0 {
            self.emit(Bytecode::CopyLoc(local));
            self.emit(Bytecode::LdU64(charge.gas));
            self.emit(Bytecode::Sub);
            self.emit(Bytecode::StLoc(local));
        }
    }

    /// Whether the edge from node `from` to node `to` leaves or enters a counted loop.
    pub(super) fn crosses_count(&self, from: usize, to: usize) -> bool {
        self.counted.of(from) != self.counted.of(to)
    }

    /// On the edge from node `from` to node `to`: settles the count of the counted loop it
    /// leaves, and starts the count of the one it enters.
    pub(super) fn cross_count(&mut self, from: usize, to: usize) {
        if !self.crosses_count(from, to) {
            return;
        }
        let local = self.gas_local.expect("a counted loop has the gas local");
        if self.counted.of(from).is_some() {
            // Copied, not moved: the edge may go on through an inner loop's exit pad, from
            // which the verifier also sees (never taken) paths back into the counted loop.
            let settle = self.callees.shim(&SETTLE);
            self.emit(Bytecode::CopyLoc(local));
            self.emit(Bytecode::Call(settle));
        }
        if let Some(l) = self.counted.of(to) {
            self.start_count(l);
        }
    }

    /// Starts loop `l`'s count: reads the frame's gas left into the gas local, and the
    /// block's fork into the fork local if the loop has gated charges.
    pub(super) fn start_count(&mut self, l: LoopId) {
        let local = self.gas_local.expect("a counted loop has the gas local");
        let gas_left = self.callees.shim(&GAS_LEFT);
        self.emit(Bytecode::Call(gas_left));
        self.emit(Bytecode::StLoc(local));
        if self.counted.gated[l] {
            let fork = self
                .fork_local
                .expect("a loop counting gated charges has the fork");
            let handle = self.callees.shim(&FORK);
            self.emit(Bytecode::Call(handle));
            self.emit(Bytecode::StLoc(fork));
        }
    }
}
