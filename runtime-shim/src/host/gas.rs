//! The runtime's gas model: the costs the natives charge, the gas a frame has left, and the
//! EIP-150 forwarding rule. (The Move gas meter that charges what the natives report from the
//! same budget is the executor's, `exec::gas`.)
//!
//! A transaction's `gas_limit` is one budget for the Move code of all its frames: each frame
//! spends its own [`GasCell`] (what the frame may still spend), and a call hands the callee a
//! new cell holding the forwarded gas; what the callee used is charged to the caller as the
//! call native's cost. So an infinite loop ends as out of gas (a failed frame), never as a
//! hang, at any depth (every EVM loop passes a JUMP or JUMPI, whose section charges gas).
//!
//! # Differences from EVM gas
//!
//! - Exact: the static gas of every instruction. Transpiled code charges it per
//!   straight-line section of EVM code (`evmove::lift::gas`), through `evmove::gas::charge`,
//!   with one table for every fork (`evmove_word::shim::cost::static_gas`); EXP's dynamic
//!   gas too (`evmove::gas::charge_exp`). A Move instruction costs nothing of its own
//!   (`exec::gas`), and GAS returns what the EVM would.
//! - Not yet exact: the fork-priced static costs (SLOAD, BALANCE, EXTCODE*, the calls,
//!   SELFDESTRUCT: `cost::FORK_PRICED`), which no native charges yet; and the dynamic costs
//!   the natives charge: memory growth (`3·words + words²/512`), copies (3 per word),
//!   KECCAK256 (6 per word), LOG (375 per topic, 8 per byte), the value-transfer and
//!   code-deposit costs of calls and creations, and what the callee used, but no warm/cold
//!   access costs (EIP-2929), SSTORE at 20,000 when it makes a zero slot non-zero, else
//!   2,900, with no refund, and no CREATE base cost.
//! - No intrinsic gas (21,000, calldata bytes) and no fee: the sender pays no gas, and the
//!   coinbase receives nothing, so transactions do not all conflict on two accounts.
//! - Calls forward all but 1/64 of what is left (EIP-150), and a stipend of 2,300 with value;
//!   what the callee leaves of the stipend is not returned to the caller (revm returns it).

use std::{cell::Cell, rc::Rc};

/// The gas a frame has left, shared by its meter (which spends it) and its natives (which
/// read it for GAS, call forwarding and the memory limit).
pub type GasCell = Rc<Cell<u64>>;

/// EVM gas constants the natives charge, as revm defines them (`revm_interpreter::gas`; see
/// the module doc for what the model leaves out).
pub mod cost {
    use revm_interpreter::{
        bytecode::opcode, gas, instructions::gas_table_spec, primitives::hardfork::SpecId,
    };

    /// BASE: environment reads.
    pub const BASE: u64 = gas::BASE;
    /// VERYLOW: memory and calldata access.
    pub const VERY_LOW: u64 = gas::VERYLOW;
    /// Per word copied (CALLDATACOPY, CODECOPY, RETURNDATACOPY, MCOPY, EXTCODECOPY).
    pub const COPY_WORD: u64 = gas::COPY;
    /// KECCAK256's base.
    pub const KECCAK: u64 = gas::KECCAK256;
    /// KECCAK256 per word hashed.
    pub const KECCAK_WORD: u64 = gas::KECCAK256WORD;
    /// Account and slot reads, calls (the EIP-2929 warm price).
    pub const WARM_ACCESS: u64 = gas::WARM_STORAGE_READ_COST;
    /// BLOCKHASH.
    pub const BLOCKHASH: u64 = gas::BLOCKHASH;
    /// SSTORE making a zero slot non-zero.
    pub const SSTORE_SET: u64 = gas::SSTORE_SET;
    /// Any other SSTORE (the warm reset price: 5,000 less the cold SLOAD's 2,100).
    pub const SSTORE_RESET: u64 = gas::WARM_SSTORE_RESET;
    /// LOG's base.
    pub const LOG: u64 = gas::LOG;
    /// LOG per topic.
    pub const LOG_TOPIC: u64 = gas::LOGTOPIC;
    /// LOG per byte of data.
    pub const LOG_BYTE: u64 = gas::LOGDATA;
    /// A call moving value.
    pub const CALL_VALUE: u64 = gas::CALLVALUE;
    /// The gas a callee receives for free with value.
    pub const CALL_STIPEND: u64 = gas::CALL_STIPEND;
    /// A call that creates its target account by sending it value.
    pub const NEW_ACCOUNT: u64 = gas::NEWACCOUNT;
    /// CREATE and CREATE2.
    pub const CREATE: u64 = gas::CREATE;
    /// CREATE2 per word of initcode hashed (revm charges KECCAK256's per-word price).
    pub const CREATE2_WORD: u64 = gas::KECCAK256WORD;
    /// Initcode per word (EIP-3860).
    pub const INITCODE_WORD: u64 = gas::INITCODE_WORD_COST;
    /// Per byte of code a creation deposits.
    pub const CODE_DEPOSIT_BYTE: u64 = gas::CODEDEPOSIT;
    /// SELFDESTRUCT: revm names no constant for it, only the entry of its static gas table
    /// (5,000 since EIP-150), read here from the latest fork's table.
    pub const SELFDESTRUCT: u64 =
        gas_table_spec(SpecId::OSAKA)[opcode::SELFDESTRUCT as usize] as u64;
}

/// All but one 64th of `left` (EIP-150): the most a call may forward.
pub fn all_but_one_64th(left: u64) -> u64 {
    left - left / 64
}

/// The number of 32-byte words covering `bytes` bytes.
pub fn words(bytes: u64) -> u64 {
    bytes.div_ceil(32)
}

#[cfg(test)]
mod tests {
    use super::cost;

    #[test]
    fn the_constants_are_the_evms() {
        // The values the model was written with, before they came from revm.
        let ours = [
            (cost::BASE, 2),
            (cost::VERY_LOW, 3),
            (cost::COPY_WORD, 3),
            (cost::KECCAK, 30),
            (cost::KECCAK_WORD, 6),
            (cost::WARM_ACCESS, 100),
            (cost::BLOCKHASH, 20),
            (cost::SSTORE_SET, 20_000),
            (cost::SSTORE_RESET, 2_900),
            (cost::LOG, 375),
            (cost::LOG_TOPIC, 375),
            (cost::LOG_BYTE, 8),
            (cost::CALL_VALUE, 9_000),
            (cost::CALL_STIPEND, 2_300),
            (cost::NEW_ACCOUNT, 25_000),
            (cost::CREATE, 32_000),
            (cost::CREATE2_WORD, 6),
            (cost::INITCODE_WORD, 2),
            (cost::CODE_DEPOSIT_BYTE, 200),
            (cost::SELFDESTRUCT, 5_000),
        ];
        for (i, (constant, value)) in ours.into_iter().enumerate() {
            assert_eq!(constant, value, "constant {i}");
        }
    }
}
