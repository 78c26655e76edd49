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

use crate::ir::{Block, Function, InstData};

/// The section being lifted: where its charge sits in its block, and what it has summed.
pub(super) struct Section {
    block: Block,
    at: usize,
    gas: u64,
}

impl Section {
    /// Opens a section at the end of `block`, with a charge to be filled in.
    pub(super) fn open(ir: &mut Function, block: Block) -> Self {
        ir.push_inst(block, InstData::Gas(0), 0);
        let at = ir.block(block).insts.len() - 1;
        Self { block, at, gas: 0 }
    }

    /// Adds `gas` to the section's charge.
    pub(super) fn add(&mut self, gas: u64) {
        self.gas += gas;
    }

    /// Writes the section's charge, or takes it out if it charges nothing.
    pub(super) fn close(self, ir: &mut Function) {
        let insts = &mut ir.block_mut(self.block).insts;
        match self.gas {
            0 => drop(insts.remove(self.at)),
            gas => insts[self.at].data = InstData::Gas(gas),
        }
    }
}

#[cfg(test)]
mod tests {
    use revm_bytecode::opcode::OpCode;

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
            // then the one after it: PUSH1, PUSH1, MSTORE.
            let own = if op.as_str() == "GAS" { 2 } else { 0 };
            let first = format!("gas {}", 3 * u64::from(op.inputs()) + own);
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
