//! Comparing what a run produced with what a test expects.
//!
//! - A test without `post` must fail (any exceptional halt, running out of gas included, or
//!   a revert). Code evmove cannot compile or run is a failure, never the expected one: the
//!   runtime's `TxError::Evmove` fails the run before any comparison ("evmove could not run
//!   it"), and a halt that is evmove's own ([`Ending::Broken`]) fails the comparison.
//! - A test with `post` must succeed, with exactly the return data `out`, logs whose RLP
//!   hash is `logs`, the gas left `gas`, and the accounts of `post`: every account either
//!   listed with exactly its balance, nonce, code and storage (a slot not listed must be
//!   zero), or else absent after the run (no balance, nonce, code or storage): an account the
//!   test does not list must not have been created, and one listed in `pre` but not in
//!   `post` must have been deleted.
//! - The gas left is the frame's, charged as the EVM charges it at the VMTests' fork (static
//!   gas per section of transpiled code, every dynamic cost by the natives with revm's
//!   functions). It is also reported apart ([`gas_left`]) for the machine-readable report.
//! - Balances are compared exactly: a VMTest charges no gas fee and pays no coinbase (there
//!   is no transaction around the frame), so balances change only through the code's own
//!   transfers, which evmove executes as the EVM does.
//!
//! A blockchain test ([`judge_post_state`]) states no outcome per transaction, only the
//! accounts after its blocks (`postState`). Compared: the balance, nonce, code and storage
//! of every account in `postState` (a slot not listed must be zero), and that no other
//! account exists (has a balance, nonce, code or storage). Balances include the fees: the
//! runtime charges the EVM's gas and fees (`evmove_runtime::exec::fees`).

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{keccak256, Address, Bytes, Log, B256, U256};

use super::vmtest::{AccountState, VmTest};

/// How a run ended, as far as a VMTest can tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ending {
    /// STOP, RETURN or SELFDESTRUCT.
    Success,
    /// REVERT.
    Revert,
    /// An exceptional halt for lack of gas.
    OutOfGas,
    /// Any other exceptional halt the EVM also knows (invalid opcode or jump, stack
    /// underflow or overflow, ...), with its reason.
    Halt(String),
    /// A halt that is evmove's, not the EVM's (a typed entry's abort code; code evmove
    /// cannot compile or run is no halt but the runtime's `TxError::Evmove`): never what a
    /// test expects.
    Broken(String),
}

impl std::fmt::Display for Ending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ending::Success => f.write_str("success"),
            Ending::Revert => f.write_str("revert"),
            Ending::OutOfGas => f.write_str("out of gas"),
            Ending::Halt(reason) => write!(f, "halt ({reason})"),
            Ending::Broken(reason) => write!(f, "an evmove error ({reason})"),
        }
    }
}

/// What a run produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observed {
    /// How it ended.
    pub ending: Ending,
    /// The return data.
    pub output: Bytes,
    /// The logs.
    pub logs: Vec<Log>,
    /// Every account that exists after the run, with every non-zero slot.
    pub accounts: BTreeMap<Address, AccountState>,
    /// The frame's gas left.
    pub gas_left: u64,
}

/// The gas left after a VMTest: what the test expects and what evmove left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GasLeft {
    /// The test's `gas`.
    pub expected: u64,
    /// evmove's.
    pub found: u64,
}

impl GasLeft {
    /// Whether the two agree.
    pub fn agrees(&self) -> bool {
        self.expected == self.found
    }
}

/// The gas left after a run of `test` that produced `observed`, when the test states it (a
/// test expecting success) and the run succeeded.
pub fn gas_left(test: &VmTest, observed: &Observed) -> Option<GasLeft> {
    let expected = test.gas?;
    (test.post.is_some() && observed.ending == Ending::Success).then(|| GasLeft {
        expected: expected.saturating_to(),
        found: observed.gas_left,
    })
}

/// The judgement on one test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Everything compared equal.
    Passed,
    /// Something differed: one line per difference.
    Failed(Vec<String>),
    /// Not judged, and why.
    Skipped(String),
}

/// The Keccak-256 hash of the RLP list of `logs` (each `[address, [topics...], data]`), as
/// the tests' `logs` field holds it.
pub fn logs_hash(logs: &[Log]) -> B256 {
    let mut out = Vec::new();
    alloy_rlp::encode_list::<Log, Log>(logs, &mut out);
    keccak256(out)
}

/// Judges a run of `test` that produced `observed`.
pub fn judge(test: &VmTest, observed: &Observed) -> Verdict {
    let Some(post) = &test.post else {
        return match &observed.ending {
            Ending::Success => Verdict::Failed(vec![
                "succeeded, but the test expects the execution to fail".to_string(),
            ]),
            Ending::Revert | Ending::OutOfGas | Ending::Halt(_) => Verdict::Passed,
            Ending::Broken(reason) => Verdict::Failed(vec![format!(
                "evmove could not run it, where the test expects the execution to fail: {reason}"
            )]),
        };
    };
    if observed.ending != Ending::Success {
        return Verdict::Failed(vec![format!(
            "ended with {}, but the test expects success",
            observed.ending
        )]);
    }
    let mut differences = Vec::new();
    if let Some(gas) = gas_left(test, observed).filter(|gas| !gas.agrees()) {
        differences.push(format!(
            "gas left is {}, expected {}",
            gas.found, gas.expected
        ));
    }
    if let Some(out) = &test.out {
        if *out != observed.output {
            differences.push(format!(
                "return data is {}, expected {out}",
                observed.output
            ));
        }
    }
    if let Some(expected) = test.logs {
        let found = logs_hash(&observed.logs);
        if found != expected {
            differences.push(format!(
                "logs hash is {found} ({} logs), expected {expected}",
                observed.logs.len()
            ));
        }
    }
    let addresses: BTreeSet<&Address> = post.keys().chain(observed.accounts.keys()).collect();
    let absent = AccountState::default();
    for address in addresses {
        let expected = post.get(address).unwrap_or(&absent);
        let found = observed.accounts.get(address).unwrap_or(&absent);
        compare_account(*address, expected, found, &mut differences);
    }
    if differences.is_empty() {
        Verdict::Passed
    } else {
        Verdict::Failed(differences)
    }
}

/// Judges the accounts `found` after a blockchain test's blocks against its `postState`
/// (see the module doc: balance, nonce, code and storage of every account).
pub fn judge_post_state(
    post: &BTreeMap<Address, AccountState>,
    found: &BTreeMap<Address, AccountState>,
) -> Verdict {
    let addresses: BTreeSet<&Address> = post.keys().chain(found.keys()).collect();
    let absent = AccountState::default();
    let mut differences = Vec::new();
    for address in addresses {
        let expected = post.get(address).unwrap_or(&absent);
        let found = found.get(address).unwrap_or(&absent);
        compare_account(*address, expected, found, &mut differences);
    }
    if differences.is_empty() {
        Verdict::Passed
    } else {
        Verdict::Failed(differences)
    }
}

fn compare_account(
    address: Address,
    expected: &AccountState,
    found: &AccountState,
    differences: &mut Vec<String>,
) {
    if expected.balance != found.balance {
        differences.push(format!(
            "{address:#x}: balance is {:#x}, expected {:#x}",
            found.balance, expected.balance
        ));
    }
    if expected.nonce != found.nonce {
        differences.push(format!(
            "{address:#x}: nonce is {}, expected {}",
            found.nonce, expected.nonce
        ));
    }
    if expected.code != found.code {
        differences.push(format!(
            "{address:#x}: code is {}, expected {}",
            found.code, expected.code
        ));
    }
    let slots: BTreeSet<&U256> = expected
        .storage
        .keys()
        .chain(found.storage.keys())
        .collect();
    for slot in slots {
        let want = expected.storage.get(slot).copied().unwrap_or_default();
        let got = found.storage.get(slot).copied().unwrap_or_default();
        if want != got {
            differences.push(format!(
                "{address:#x}: storage slot {slot:#x} is {got:#x}, expected {want:#x}"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_logs_hash_to_the_rlp_of_an_empty_list() {
        // The value every VMTest without logs has.
        assert_eq!(
            logs_hash(&[]).to_string(),
            "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347"
        );
    }

    #[test]
    fn logs_hash_as_the_vm_tests_do() {
        // vmLogTest/log0_emptyMem and log1_Caller: one log of the test's address.
        let address = alloy_primitives::address!("0f572e5295c57f15886f9b263e2f6d2d6c7b5ec6");
        let empty = Log::new_unchecked(address, vec![], Bytes::new());
        assert_eq!(
            logs_hash(&[empty]).to_string(),
            "0xea63b4dbbdbca1bd985580a0c3b6f35a4955d4d4cf0b4d903003cdfc4c40ba1c"
        );
        let caller = alloy_primitives::address!("a94f5374fce5edbc8e2a8697c15331677e6ebf0b");
        let mut data = [0u8; 32];
        data[0] = 0xff;
        let topic = B256::left_padding_from(caller.as_slice());
        let log = Log::new_unchecked(address, vec![topic], Bytes::copy_from_slice(&data));
        assert_eq!(
            logs_hash(&[log]).to_string(),
            "0x9b033a7dd106586f3b73847b9c9c878e66c89b829fc3e535a28a12f4f252b4e4"
        );
    }
}
