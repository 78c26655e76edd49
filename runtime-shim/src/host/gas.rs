//! The gas the natives charge, exactly as revm charges it at the block's fork: the
//! [`Schedule`] holds revm's own tables for the fork (`GasParams::new_spec` for the dynamic
//! costs, `gas_table_spec` for the static gas of the fork-priced opcodes), and the natives
//! compute every charge with revm's functions over them. (The Move gas meter that charges
//! what natives report is the executor's, `exec::gas`.)
//!
//! A transaction's `gas_limit` is one budget for all its frames: each frame spends its own
//! [`GasCell`] (what the frame may still spend), and a call hands the callee a new cell holding
//! the forwarded gas (plus the stipend); what the callee leaves, stipend included, goes back to
//! the caller, as in revm.
//!
//! # Who charges what
//!
//! - The static gas of every EVM instruction, except the ten whose price changes between
//!   forks, is charged by the transpiled code per straight-line section of EVM code
//!   (`evmove::lift::gas`, through `evmove::gas::charge`, from one table for every fork:
//!   `evmove_word::shim::cost::static_gas`); EXP's dynamic gas too, through `charge_exp`,
//!   which prices the exponent at the block's fork (10 per byte, 50 from EIP-160). Each
//!   section's charge also carries the newest fork its opcodes need, and halts the frame
//!   with [`HaltReason::NotActivated`] in an older block (`evmove_word::shim::gate`). A Move
//!   instruction costs nothing of its own (`exec::gas`); an endless loop still runs out of
//!   gas, as every EVM loop passes a JUMP or JUMPI whose section charges.
//! - The natives of the fork-priced opcodes ([`FORK_PRICED`]: SLOAD, BALANCE, EXTCODESIZE,
//!   EXTCODECOPY, EXTCODEHASH, the four calls, SELFDESTRUCT) charge their static gas
//!   ([`Schedule::static_gas`]) and, from Berlin, the EIP-2929 cold surcharge.
//! - The natives charge every dynamic cost: memory expansion, copies, KECCAK256 words, LOG
//!   topics and bytes, SSTORE (EIP-2200 net metering, its 2,300 sentry, EIP-2929, refunds
//!   per EIP-3529), calls (value, new account, 63/64, stipend), creations (32,000, initcode
//!   words per EIP-3860, CREATE2's hashing, all but 1/64 forwarded, the code deposit) and
//!   SELFDESTRUCT (cold beneficiary, new account, the pre-London refund).
//! - The refund counter is the journal's (reverted with a frame's checkpoint); the
//!   transaction's outcome reports it uncapped.
//!
//! The transaction's own gas (intrinsic gas, fees, the refund cap) is `exec::fees`'.
//!
//! One [`Schedule`] per fork serves the whole process ([`Schedule::of`]): a transaction's
//! host borrows it rather than building revm's tables again.
//!
//! # Not EVM gas yet
//!
//! - EIP-7702 delegations and Amsterdam's state gas (EIP-8037/8038) are not modelled.

use std::{cell::Cell, rc::Rc, sync::OnceLock};

use alloy_primitives::U256;
use revm_interpreter::{
    context_interface::cfg::GasParams,
    instructions::{gas_table_spec, GasTable},
    primitives::{eip170::MAX_CODE_SIZE, hardfork::SpecId},
};

use super::outcome::HaltReason;

/// The gas a frame has left, shared by its meter (which spends it) and its natives (which
/// read it for GAS, call forwarding and the memory limit).
pub type GasCell = Rc<Cell<u64>>;

/// The opcodes whose static gas changes between forks: their natives charge it (the
/// transpiled code's sections charge every other opcode's).
pub use evmove_word::shim::cost::FORK_PRICED;

/// A constructor's code deposited, or not: see [`Schedule::deposit`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deposit {
    /// The gas the creation leaves.
    pub gas_left: u64,
    /// Whether the code becomes the account's (only a Frontier deposit the gas cannot pay
    /// leaves the account without it).
    pub code_kept: bool,
}

/// One fork's gas schedule, as revm defines it.
#[derive(Clone, Debug)]
pub struct Schedule {
    /// The fork.
    pub spec: SpecId,
    /// revm's dynamic costs for the fork (memory, copies, SSTORE, calls, creations...).
    pub params: GasParams,
    /// revm's static gas of every opcode at the fork (read only for [`FORK_PRICED`]).
    static_gas: GasTable,
}

impl Schedule {
    /// The schedule of `spec`.
    pub fn new(spec: SpecId) -> Self {
        Self {
            spec,
            params: GasParams::new_spec(spec),
            static_gas: gas_table_spec(spec),
        }
    }

    /// The schedule of `spec`, built the first time a transaction of the fork asks for it
    /// and shared from then on by every transaction of every thread.
    pub fn of(spec: SpecId) -> &'static Schedule {
        const FORKS: usize = SpecId::NEXT as usize + 1;
        static SCHEDULES: [OnceLock<Schedule>; FORKS] = [const { OnceLock::new() }; FORKS];
        SCHEDULES[spec as usize].get_or_init(|| Schedule::new(spec))
    }

    /// The static gas of `op` at this fork (charged by natives only for [`FORK_PRICED`]).
    pub fn static_gas(&self, op: u8) -> u64 {
        u64::from(self.static_gas[usize::from(op)])
    }

    /// Whether the fork includes `fork`'s rules.
    pub fn is(&self, fork: SpecId) -> bool {
        self.spec.is_enabled_in(fork)
    }

    /// The EIP-2929 surcharge of a cold account access (0 before Berlin).
    pub fn cold_account(&self, cold: bool) -> u64 {
        match cold {
            true => self.params.cold_account_additional_cost(),
            false => 0,
        }
    }

    /// The gas a call may forward when `left` remains and `requested` was asked for: at most
    /// all but 1/64 of `left` (EIP-150, from Tangerine Whistle).
    pub fn call_gas(&self, left: u64, requested: U256) -> u64 {
        let requested = u64::try_from(requested).unwrap_or(u64::MAX);
        match self.is(SpecId::TANGERINE) {
            true => self.params.call_stipend_reduction(left).min(requested),
            false => requested,
        }
    }

    /// What becomes of the `code` a constructor returned with `gas_left`, or why the creation
    /// fails, checked in revm's order: the size limit (EIP-170, from Spurious Dragon), the
    /// 0xEF prefix (EIP-3541, from London), then the deposit's 200 gas per byte. A deposit
    /// the gas left cannot pay fails the creation from Homestead (EIP-2); before, the
    /// creation succeeds without code, its gas left untouched.
    pub fn deposit(&self, code: &[u8], gas_left: u64) -> Result<Deposit, HaltReason> {
        if self.is(SpecId::SPURIOUS_DRAGON) && code.len() > MAX_CODE_SIZE {
            return Err(HaltReason::CodeRejected(
                "larger than 24576 bytes (EIP-170)",
            ));
        }
        if self.is(SpecId::LONDON) && code.first() == Some(&0xef) {
            return Err(HaltReason::CodeRejected("starts with 0xEF (EIP-3541)"));
        }
        let deposit = self.params.code_deposit_cost(code.len());
        match gas_left.checked_sub(deposit) {
            Some(gas_left) => Ok(Deposit {
                gas_left,
                code_kept: true,
            }),
            None if self.is(SpecId::HOMESTEAD) => Err(HaltReason::OutOfGas),
            None => Ok(Deposit {
                gas_left,
                code_kept: false,
            }),
        }
    }

    /// The gas a creation forwards when `left` remains: all but 1/64 of it (EIP-150).
    pub fn create_gas(&self, left: u64) -> u64 {
        match self.is(SpecId::TANGERINE) {
            true => self.params.call_stipend_reduction(left),
            false => left,
        }
    }
}

#[cfg(test)]
mod tests {
    use revm_interpreter::instructions::gas_table;

    use super::*;

    /// The fork-priced opcodes are exactly those whose static gas differs between the forks
    /// evmove runs (Frontier on): every other opcode's static gas is the base table's.
    #[test]
    fn the_fork_priced_opcodes_are_those_whose_static_gas_changes() {
        let forks = [
            SpecId::FRONTIER,
            SpecId::HOMESTEAD,
            SpecId::TANGERINE,
            SpecId::SPURIOUS_DRAGON,
            SpecId::PETERSBURG,
            SpecId::ISTANBUL,
            SpecId::BERLIN,
            SpecId::LONDON,
            SpecId::SHANGHAI,
            SpecId::CANCUN,
            SpecId::PRAGUE,
            SpecId::OSAKA,
        ];
        let base = gas_table();
        for op in 0..=u8::MAX {
            let changes = forks
                .iter()
                .any(|&spec| Schedule::new(spec).static_gas(op) != u64::from(base[op as usize]));
            assert_eq!(changes, FORK_PRICED.contains(&op), "opcode {op:#x}");
        }
    }

    #[test]
    fn calls_forward_all_but_one_64th() {
        let schedule = Schedule::new(SpecId::CANCUN);
        assert_eq!(schedule.call_gas(6400, U256::MAX), 6300);
        assert_eq!(schedule.call_gas(6400, U256::from(10)), 10);
        assert_eq!(schedule.create_gas(6400), 6300);
    }

    #[test]
    fn each_fork_has_one_shared_schedule() {
        for spec in [SpecId::FRONTIER, SpecId::CANCUN, SpecId::NEXT] {
            let shared = Schedule::of(spec);
            assert!(std::ptr::eq(shared, Schedule::of(spec)));
            assert_eq!(shared.spec, spec);
            assert_eq!(shared.params, GasParams::new_spec(spec));
            assert_eq!(shared.static_gas, gas_table_spec(spec));
        }
    }
}
