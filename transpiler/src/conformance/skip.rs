//! Which tests depend on exact EVM gas, decided before running them.
//!
//! evmove charges its own gas (one unit per Move instruction plus the EVM's static and
//! memory costs per native: `evmove_runtime::exec::gas`), so a test whose result depends on
//! the exact amount of EVM gas cannot be judged. Before running, a test is skipped when:
//!
//! - **it reads GAS**: a GAS (0x5a) instruction appears in any code of the test (the code
//!   run and every pre-state account's code), found by the EVM's own linear decoding (a 0x5a
//!   byte inside PUSH data does not count). Reachability is not considered: a GAS in dead
//!   code also skips the test, which errs on the side of not claiming a pass.
//! - **it records calls**: its `callcreates` is not empty (the old harness recorded calls
//!   without executing them and compared their gas; evmove executes them).
//!
//! A blockchain test ([`skip_blockchain_reason`]) is skipped when a code of its pre-state or
//! the initcode of a creation transaction reads GAS (as above), when a block that must be
//! rejected (`expectException`) is given only as RLP (evmove does not decode block RLP),
//! when it gives no explicit
//! `postState` (only its hash). Its fork must be one evmove knows (`super::run`).
//!
//! After running, the other gas rule applies (see `super::check`): a test that expects
//! failure (no `post`) and that evmove fails by running out of gas is skipped, since whether
//! and why the EVM fails there depends on the exact gas.

use revm_bytecode::opcode;

use alloy_primitives::Bytes;

use super::{blockchain::BlockchainTest, vmtest::VmTest};
use crate::evm::Code;

/// Why a test is skipped before it runs, if it is.
pub fn skip_reason(test: &VmTest) -> Option<String> {
    let codes = std::iter::once(&test.exec.code).chain(test.pre.values().map(|a| &a.code));
    if let Some(reason) = reads_gas(codes) {
        return Some(reason);
    }
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
    let unreadable = (test.blocks.iter()).find(|b| b.block_header.is_none());
    if let Some(exception) = unreadable.and_then(|b| b.expect_exception.as_ref()) {
        return Some(format!(
            "a block to reject ({exception}) is given only as RLP, which evmove does not decode"
        ));
    }
    if test.post_state.is_none() {
        return Some("gives no explicit postState (only its hash)".to_string());
    }
    let transactions = test.blocks.iter().flat_map(|block| &block.transactions);
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
                "reads GAS ({} of a code): its value depends on exact EVM gas",
                gas.pc
            ));
        }
    }
    None
}
