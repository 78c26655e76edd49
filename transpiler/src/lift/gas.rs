//! Static gas, charged per section: SSA construction ([`super::ssa`]) sums the static gas
//! (`evmove_word::shim::cost::static_gas`) of every EVM instruction of a straight-line
//! *section* of code and charges it once, with a `gas` instruction at the section's start,
//! as revmc does. A section starts at each EVM basic block's start (so at every JUMPDEST)
//! and right after every instruction that observes the gas left (GAS, SSTORE, the calls,
//! CREATE and CREATE2: `cost::GAS_OBSERVERS`); its charge covers every EVM instruction in
//! it, the stack, jump and JUMPDEST instructions included, and the one ending it. A block
//! lifted once per context (cloned) charges in each clone; a recovered internal function
//! charges in its own body; blocks made for the IR alone (the taken side of a JUMPI) charge
//! nothing.
//!
//! A charge also carries the newest fork its section's opcodes need
//! (`evmove_word::shim::gate`), and halts the frame as revm halts an opcode not yet
//! activated when the block's fork is older: an exceptional halt, which the section's start
//! may take for the opcode's place for the reason given below. A section that charges no gas
//! (a call right after GAS: the call's native charges its static gas) hands its fork to an
//! earlier charge of its block, which always runs before it, rather than charging nothing.
//!
//! EXP's dynamic gas is charged by a `gas_exp` instruction where the EXP is, even for a
//! constant exponent: its price per byte depends on the fork (10, then 50 from EIP-160),
//! which transpiled code does not know (optimisation removes the charge of a zero exponent).
//!
//! # Why charging a section up front is exact
//!
//! Charging a section's sum at its start differs from charging each instruction as it runs
//! in two ways only:
//!
//! - the gas left *inside* the section is lower than the EVM's. Only an observer could see
//!   that, and an observer ends its section: when it runs, every instruction before it in
//!   the section has been charged (and its own static gas, as the EVM charges it before it
//!   acts), and none after it, so the gas it sees is the EVM's. The instructions that end a
//!   frame normally (STOP, RETURN, REVERT) end their block and so their section, which is
//!   then fully charged, as in the EVM.
//! - out of gas may come at the section's start where the EVM would halt at an instruction
//!   inside it. The frame halts exceptionally in the section under one scheme exactly when
//!   it does under the other: a section the EVM completes has paid every charge we pay;
//!   where the EVM runs out at an instruction, we have charged at least as much by then;
//!   where it halts for another reason (a bad memory range, an invalid jump), we halt there
//!   too, or ran out of gas before. Which instruction halts is not observable: an
//!   exceptional halt reverts the frame and consumes all its gas.

use evmove_word::shim::{cost::static_gas, gate::introduced_in};

use crate::ir::{Block, Charge, Function, InstData};

/// The section being lifted: where its charge sits in its block, and what it has summed.
pub(super) struct Section {
    block: Block,
    at: usize,
    charge: Charge,
}

impl Section {
    /// Opens a section at the end of `block`, with a charge to be filled in.
    pub(super) fn open(ir: &mut Function, block: Block) -> Self {
        let charge = Charge::gas(0);
        ir.push_inst(block, InstData::Gas(charge), 0);
        let at = ir.block(block).insts.len() - 1;
        Self { block, at, charge }
    }

    /// Adds the EVM instruction `op` to the section: its static gas, and its fork.
    pub(super) fn add(&mut self, op: u8) {
        self.charge.gas += static_gas(op);
        self.charge.since = self.charge.since.max(introduced_in(op));
    }

    /// Writes the section's charge, or takes it out if it charges no gas: its fork, if it
    /// needs one, then goes to the block's last charge before it, if there is one.
    pub(super) fn close(self, ir: &mut Function) {
        let insts = &mut ir.block_mut(self.block).insts;
        let earlier = insts[..self.at]
            .iter()
            .rposition(|inst| matches!(inst.data, InstData::Gas(_)));
        match (self.charge, earlier) {
            (charge, _) if charge.gas > 0 => insts[self.at].data = InstData::Gas(charge),
            (charge, Some(earlier)) => {
                if let InstData::Gas(into) = &mut insts[earlier].data {
                    into.since = into.since.max(charge.since);
                }
                insts.remove(self.at);
            }
            (charge, None) if charge.is_gated() => insts[self.at].data = InstData::Gas(charge),
            (_, None) => drop(insts.remove(self.at)),
        }
    }
}

#[cfg(test)]
mod tests {
    use evmove_word::shim::gate::introduced_in;
    use revm_bytecode::{opcode::OpCode, primitives::hardfork::SpecId};

    use crate::{
        evm::{assemble, Code},
        lift::lift,
    };

    /// The charges of the lifted IR of assembled `text`, in order, with `|` at each block's
    /// start.
    fn charges(text: &str) -> Vec<String> {
        let module = lift(&Code::new(assemble(text).unwrap())).unwrap().module;
        (module.to_string().lines())
            .filter_map(|line| match line.trim() {
                line if line.starts_with("block") => Some("|".to_string()),
                line if line.starts_with("gas") => Some(line.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn each_observer_ends_a_section() {
        for op in evmove_word::shim::cost::GAS_OBSERVERS {
            let op = OpCode::new(op).unwrap();
            let pushes = "PUSH 1 ".repeat(op.inputs().into());
            // The section of the pushes and the observer (3 per PUSH1, then the observer's
            // own static gas: GAS's 2, nothing for the others, which their natives charge),
            // then the one after it: PUSH1, PUSH1, MSTORE. DELEGATECALL, STATICCALL and
            // CREATE2 came with later forks, which their section's charge needs.
            let own = if op.as_str() == "GAS" { 2 } else { 0 };
            let mut first = format!("gas {}", 3 * u64::from(op.inputs()) + own);
            if introduced_in(op.get()) != SpecId::FRONTIER {
                first += &format!(" since {:?}", introduced_in(op.get()));
            }
            let second = "gas 9".to_string();
            let got = charges(&format!("{pushes} {op} PUSH 0 PUSH 0 MSTORE STOP"));
            assert_eq!(got, ["|".to_string(), first, second], "{op}");
        }
    }

    #[test]
    fn a_jumpdest_starts_a_section_and_jumps_are_charged_with_theirs() {
        // PUSH2 and JUMP; JUMPDEST, PUSH1 and POP.
        assert_eq!(
            charges("PUSH @a JUMP a: PUSH 1 POP STOP"),
            ["|", "gas 11", "|", "gas 6"]
        );
        // Falling into a JUMPDEST: PUSH1 and POP; JUMPDEST, PUSH1, PUSH2 and JUMPI (a loop
        // the analysis sees never leaves).
        assert_eq!(
            charges("PUSH 1 POP a: PUSH 1 PUSH @a JUMPI STOP"),
            ["|", "gas 5", "|", "gas 17"]
        );
    }

    #[test]
    fn a_section_charging_no_gas_hands_its_fork_to_the_charge_before_it() {
        // CALLER, GAS (which ends the first section), then DELEGATECALL alone: its native
        // charges its static gas, and the first section's charge checks its fork.
        assert_eq!(
            charges("PUSH 0 DUP1 DUP1 DUP1 CALLER GAS DELEGATECALL STOP"),
            ["|", "gas 16 since HOMESTEAD"]
        );
        // With no charge before it in its block (REVERT falling out of a JUMPI), the section
        // charges nothing but the fork.
        assert_eq!(
            charges("PUSH 0 DUP1 CALLDATASIZE PUSH @a JUMPI REVERT a: STOP"),
            [
                "|",
                "gas 21",
                "|",
                "gas 0 since BYZANTIUM",
                "|",
                "|",
                "gas 1"
            ]
        );
    }

    #[test]
    fn fork_priced_opcodes_and_halts_add_nothing() {
        // PUSH1, SLOAD (its native charges the fork's price), POP; STOP.
        assert_eq!(charges("PUSH 1 SLOAD POP STOP"), ["|", "gas 5"]);
        assert_eq!(charges("STOP"), ["|"]);
    }

    #[test]
    fn exp_charges_its_exponent_where_it_is() {
        // CALLDATASIZE, PUSH1, EXP, PUSH1, MSTORE; the exponent's bytes at the fork's price.
        assert_eq!(
            charges("CALLDATASIZE PUSH 2 EXP PUSH 1 MSTORE STOP"),
            ["|", "gas 21", "gas_exp v0"]
        );
        // A constant exponent too: PUSH2 0x0100, CALLDATASIZE, EXP, PUSH1, MSTORE.
        assert_eq!(
            charges("PUSH 0x100 CALLDATASIZE EXP PUSH 1 MSTORE STOP"),
            ["|", "gas 21", "gas_exp v0"]
        );
    }
}
