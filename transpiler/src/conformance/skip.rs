//! Which tests cannot be run, decided before running them.
//!
//! A VMTest ([`skip_reason`]) is skipped only when it **records calls**: its `callcreates`
//! is not empty (the old harness recorded the calls and creations of the code without
//! executing them, and compared their gas; evmove executes them, so the outcome would not be
//! the test's). No test of the public suite does. Everything else runs and is judged, the
//! gas left and out-of-gas failures included (`super::check`).
//!
//! A blockchain test ([`skip_blockchain_reason`]) is skipped when a code of its pre-state or
//! the initcode of a creation transaction reads GAS (found by the EVM's own linear decoding:
//! a 0x5a byte inside PUSH data does not count; a GAS in dead code counts too): a frame's gas
//! is EVM gas, but a transaction's intrinsic gas is not charged yet, so GAS reads more than
//! the EVM's. Also when a block must be rejected (`expectException`: whether a block or
//! transaction is valid depends on exact gas, fees and header checks evmove does not model),
//! when it gives no explicit `postState` (only its hash), or when a transaction has no
//! `sender` (evmove does not recover senders from signatures). Its fork must be one evmove
//! knows (`super::run`).

use revm_bytecode::opcode;

use alloy_primitives::Bytes;

use super::{blockchain::BlockchainTest, vmtest::VmTest};
use crate::evm::Code;

/// Why a VMTest is skipped before it runs, if it is.
pub fn skip_reason(test: &VmTest) -> Option<String> {
    if test
        .callcreates
        .as_ref()
        .is_some_and(|calls| !calls.is_empty())
    {
        return Some(
            "expects recorded callcreates (calls the old harness did not execute)".to_string(),
        );
    }
    None
}

/// Why a blockchain test is skipped before it runs, if it is.
pub fn skip_blockchain_reason(test: &BlockchainTest) -> Option<String> {
    if let Some(exception) = test.blocks.iter().find_map(|b| b.expect_exception.as_ref()) {
        return Some(format!(
            "a block must be rejected ({exception}): block and transaction validity depend on \
             exact EVM gas, fees and header checks evmove does not model"
        ));
    }
    if test.post_state.is_none() {
        return Some("gives no explicit postState (only its hash)".to_string());
    }
    let transactions = test.blocks.iter().flat_map(|block| &block.transactions);
    if transactions.clone().any(|tx| tx.sender.is_none()) {
        return Some(
            "a transaction has no `sender`: evmove does not recover senders from signatures"
                .to_string(),
        );
    }
    let initcodes = transactions.filter(|tx| tx.to.is_none()).map(|tx| &tx.data);
    reads_gas(test.pre.values().map(|a| &a.code).chain(initcodes))
}

/// Whether a GAS instruction appears in one of `codes` (linear decoding), and where.
fn reads_gas<'c>(codes: impl Iterator<Item = &'c Bytes>) -> Option<String> {
    for code in codes {
        let code = Code::new(code.clone());
        if let Some(gas) = code
            .instructions()
            .iter()
            .find(|instruction| instruction.opcode.get() == opcode::GAS)
        {
            return Some(format!(
                "reads GAS ({} of a code): its value depends on the intrinsic gas evmove does \
                 not charge yet",
                gas.pc
            ));
        }
    }
    None
}
