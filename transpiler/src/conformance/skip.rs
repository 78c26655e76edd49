//! Which tests cannot be run, decided before running them.
//!
//! A VMTest ([`skip_reason`]) is skipped only when it **records calls**: its `callcreates`
//! is not empty (the old harness recorded the calls and creations of the code without
//! executing them, and compared their gas; evmove executes them, so the outcome would not be
//! the test's). No test of the public suite does. Everything else runs and is judged, the
//! gas left and out-of-gas failures included (`super::check`).
//!
//! A blockchain test ([`skip_blockchain_reason`]) is skipped when a block that must be
//! rejected (`expectException`) is given only as RLP (evmove does not decode block RLP), or
//! when it gives neither a `postState` nor a `postStateHash` (one of them is the expected
//! result; the hash is compared with the root of the state evmove leaves,
//! `super::state_root`). Its fork must be one evmove knows (`super::run`). Tests reading GAS run: a transaction's gas, intrinsic gas included, is the
//! EVM's.

use super::{blockchain::BlockchainTest, vmtest::VmTest};

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
    let unreadable = (test.blocks.iter()).find(|b| b.block_header.is_none());
    if let Some(exception) = unreadable.and_then(|b| b.expect_exception.as_ref()) {
        return Some(format!(
            "a block to reject ({exception}) is given only as RLP, which evmove does not decode"
        ));
    }
    if test.post_state.is_none() && test.post_state_hash.is_none() {
        return Some("gives neither a postState nor a postStateHash".to_string());
    }
    None
}
