//! The EVM's static gas, one table for every fork: what transpiled code charges per
//! straight-line section of EVM code (the lowering sums it), so one transpiled module serves
//! every fork.
//!
//! [`static_gas`] is revm's base table (`revm_interpreter::instructions::gas_table`) except
//! for the ten opcodes whose static cost changes between forks ([`FORK_PRICED`]: EIP-150,
//! EIP-1884, EIP-2929, EIP-8038), which cost 0 here: their natives charge the fork's price
//! at run time. A test checks the table against revm's `gas_table_spec` of every fork from
//! Frontier to the latest.
//!
//! EXP's dynamic part is not here: its price per byte of the exponent changed (10, then 50
//! from EIP-160), so `evmove::gas::charge_exp` charges it at run time at the fork's price,
//! whether the exponent is a constant or not.

use revm_bytecode::opcode::*;

/// The opcodes whose static gas depends on the fork; [`static_gas`] gives them 0 and their
/// natives charge the fork's price.
pub const FORK_PRICED: [u8; 10] = [
    SLOAD,
    BALANCE,
    EXTCODESIZE,
    EXTCODECOPY,
    EXTCODEHASH,
    CALL,
    CALLCODE,
    DELEGATECALL,
    STATICCALL,
    SELFDESTRUCT,
];

/// The opcodes whose outcome depends on the gas left when they run: GAS reads it, SSTORE
/// fails at or below the 2,300 stipend (EIP-2200), calls and creations forward all but a
/// 64th of it (EIP-150). A section of static gas ends right after each.
pub const GAS_OBSERVERS: [u8; 8] = [
    GAS,
    SSTORE,
    CALL,
    CALLCODE,
    DELEGATECALL,
    STATICCALL,
    CREATE,
    CREATE2,
];

/// The static gas of `op`, the same for every fork (0 for [`FORK_PRICED`] opcodes and for
/// undefined ones).
pub fn static_gas(op: u8) -> u64 {
    u64::from(STATIC_GAS[usize::from(op)])
}

/// Whether `op` reads the gas left ([`GAS_OBSERVERS`]).
pub fn observes_gas(op: u8) -> bool {
    GAS_OBSERVERS.contains(&op)
}

/// Per opcode, its static gas.
const STATIC_GAS: [u16; 256] = static_table();

const fn static_table() -> [u16; 256] {
    const BASE: u16 = 2;
    const VERY_LOW: u16 = 3;
    const LOW: u16 = 5;
    const MID: u16 = 8;
    let mut table = [0u16; 256];
    let mut op = 0usize;
    while op < 256 {
        table[op] = match op as u8 {
            ADD | SUB => VERY_LOW,
            MUL | DIV | SDIV | MOD | SMOD | SIGNEXTEND => LOW,
            ADDMOD | MULMOD => MID,
            EXP => 10,
            LT..=SAR => VERY_LOW,
            CLZ => LOW,
            KECCAK256 => 30,
            ADDRESS | ORIGIN | CALLER | CALLVALUE | CALLDATASIZE | CODESIZE | GASPRICE => BASE,
            RETURNDATASIZE => BASE,
            CALLDATALOAD | CALLDATACOPY | CODECOPY | RETURNDATACOPY => VERY_LOW,
            BLOCKHASH => 20,
            COINBASE..=CHAINID | BASEFEE | BLOBBASEFEE | SLOTNUM => BASE,
            SELFBALANCE => LOW,
            BLOBHASH => VERY_LOW,
            POP | PC | MSIZE | GAS | PUSH0 => BASE,
            MLOAD | MSTORE | MSTORE8 | MCOPY => VERY_LOW,
            JUMP => 8,
            JUMPI => 10,
            JUMPDEST => 1,
            TLOAD | TSTORE => 100,
            PUSH1..=SWAP16 | DUPN | SWAPN | EXCHANGE => VERY_LOW,
            LOG0..=LOG4 => 375,
            // STOP, RETURN, REVERT, INVALID, SSTORE, CREATE and CREATE2 have no static gas
            // in revm's table (their natives charge all of it); the fork-priced ones and
            // undefined opcodes none here.
            _ => 0,
        };
        op += 1;
    }
    table
}

#[cfg(test)]
mod tests {
    use revm_interpreter::{
        instructions::{gas_table, gas_table_spec},
        primitives::hardfork::SpecId,
    };

    use super::*;

    /// Every fork evmove supports: Frontier to the latest revm knows.
    fn forks() -> impl Iterator<Item = SpecId> {
        (SpecId::FRONTIER as u8..=SpecId::NEXT as u8).filter_map(SpecId::try_from_u8)
    }

    #[test]
    fn the_table_is_every_forks_but_for_the_fork_priced_opcodes() {
        assert!(forks().count() >= 12);
        for spec in forks() {
            let revms = gas_table_spec(spec);
            for op in 0..=255u8 {
                if FORK_PRICED.contains(&op) {
                    assert_eq!(static_gas(op), 0, "{op:#04x}");
                } else {
                    assert_eq!(
                        static_gas(op),
                        u64::from(revms[usize::from(op)]),
                        "{op:#04x}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_fork_priced_opcodes_do_change_between_forks() {
        for op in FORK_PRICED {
            let prices: Vec<u16> = forks()
                .map(|spec| gas_table_spec(spec)[usize::from(op)])
                .collect();
            let changes = prices.windows(2).any(|pair| pair[0] != pair[1]);
            let base = gas_table()[usize::from(op)];
            assert!(changes || prices[0] != base, "{op:#04x}");
        }
    }
}
