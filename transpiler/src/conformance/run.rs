//! Running VMTests in the Move runtime (feature `vm`).
//!
//! A test becomes one [`Runtime::execute`] of a call transaction on an [`InMemoryState`]
//! holding its pre-state, every code compiled on demand by [`OnDemand`] (nothing runs in an
//! EVM interpreter). A VMTest is a bare frame, not a transaction: CALLVALUE is `exec.value`,
//! but no value moves from the caller and the caller's nonce does not grow. The runtime's
//! transaction does both, so the state is prepared to cancel them exactly:
//!
//! - before: the caller is given `value` more and the called account `value` less (every
//!   VMTest's account holds at least its call's value), so that once the transaction has
//!   moved the value, both hold what the test says while the code runs (BALANCE,
//!   SELFBALANCE, SELFDESTRUCT see the test's balances);
//! - after: the caller's nonce is taken back down by one.
//!
//! Block: COINBASE, NUMBER, TIMESTAMP, GASLIMIT from `env`, DIFFICULTY as PREVRANDAO (the
//! same opcode), chain id 1, base fee 0. The transaction's gas limit is `exec.gas`, spent
//! under evmove's gas model.
//!
//! Fork: the legacy VMTests were filled for Constantinople (`ethereum/legacytests`
//! `Constantinople/VMTests`), before Cancun, so the runtime runs them with Petersburg's rules
//! ([`VMTESTS_SPEC`]: Constantinople as deployed; the EIP-1283 difference is gas only).
//! That changes SELFDESTRUCT (the account is deleted, not only emptied: EIP-6780 came with
//! Cancun) and the precompiles present. No code in the suite uses an opcode added after
//! Petersburg (CHAINID, SELFBALANCE, BASEFEE, BLOBHASH, BLOBBASEFEE, TLOAD, TSTORE, MCOPY,
//! PUSH0), which evmove would run instead of failing as invalid.

use std::{collections::BTreeMap, panic::AssertUnwindSafe};

use alloy_primitives::{Address, B256, U256};
use evmove_runtime::{
    Account, BlockEnv, HaltReason, InMemoryState, Runtime, SpecId, StateKey, StateValue, Status,
    Transaction, DEFAULT_PUBLISHER,
};

use super::{
    check::{judge, Ending, Observed, Verdict},
    skip::skip_reason,
    vmtest::{AccountState, VmTest},
};
use crate::{lower::AbortCode, provider::OnDemand};

/// The fork the legacy VMTests are run under (see the module doc): before Cancun.
pub const VMTESTS_SPEC: SpecId = SpecId::PETERSBURG;

/// Runs VMTests: one Move runtime, its modules shared by every test (one module per code,
/// found by the code's hash).
pub struct Runner {
    runtime: Runtime,
}

impl Runner {
    /// A runner whose runtime compiles every code on demand.
    pub fn new() -> Result<Self, String> {
        let runtime = Runtime::with_publisher(OnDemand::new(DEFAULT_PUBLISHER), DEFAULT_PUBLISHER)
            .map_err(|error| format!("cannot start the Move runtime: {error}"))?;
        Ok(Self { runtime })
    }

    /// Runs `test` and judges it. A panic inside evmove is caught and is the test's failure.
    pub fn run(&self, test: &VmTest) -> Verdict {
        if let Some(reason) = skip_reason(test) {
            return Verdict::Skipped(reason);
        }
        match std::panic::catch_unwind(AssertUnwindSafe(|| self.observe(test))) {
            Ok(Ok(observed)) => judge(test, &observed),
            Ok(Err(error)) => Verdict::Failed(vec![error]),
            Err(panic) => {
                let message = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("(no message)");
                Verdict::Failed(vec![format!("evmove panicked: {message}")])
            }
        }
    }

    /// Executes `test`: what it produced, or why it could not run.
    fn observe(&self, test: &VmTest) -> Result<Observed, String> {
        let exec = &test.exec;
        let mut state = pre_state(test)?;
        let block = BlockEnv {
            chain_id: 1,
            number: to_u64(test.env.current_number, "env.currentNumber")?,
            timestamp: to_u64(test.env.current_timestamp, "env.currentTimestamp")?,
            coinbase: test.env.current_coinbase,
            prevrandao: B256::from(test.env.current_difficulty),
            gas_limit: test.env.current_gas_limit.saturating_to(),
            basefee: U256::ZERO,
            spec: VMTESTS_SPEC,
            ..BlockEnv::default()
        };
        if exec.origin != exec.caller {
            return Err("ORIGIN differs from CALLER: not expressible as one transaction".into());
        }
        let tx = Transaction {
            sender: exec.caller,
            to: Some(exec.address),
            value: exec.value,
            data: exec.data.clone(),
            gas_limit: exec.gas.saturating_to(),
            gas_price: exec.gas_price,
            blob_hashes: Vec::new(),
        };
        let outcome = self
            .runtime
            .execute(&state, &block, &tx)
            .map_err(|error| format!("the runtime could not execute it: {error}"))?;
        state.apply(&outcome.write_set);
        let ending = match outcome.status {
            Status::Success => Ending::Success,
            Status::Revert => Ending::Revert,
            Status::Halt(reason) => ending_of(reason),
        };
        let mut accounts = accounts(&state);
        if let Some(caller) = accounts.get_mut(&exec.caller) {
            caller.nonce = caller.nonce.saturating_sub(U256::from(1));
            if *caller == AccountState::default() {
                accounts.remove(&exec.caller);
            }
        }
        Ok(Observed {
            ending,
            output: outcome.return_data,
            logs: outcome.logs,
            accounts,
        })
    }
}

/// The pre-state of `test`, with the call's value moved ahead (see the module doc).
fn pre_state(test: &VmTest) -> Result<InMemoryState, String> {
    let exec = &test.exec;
    let mut pre = test.pre.clone();
    let called = pre.entry(exec.address).or_default();
    called.code = exec.code.clone();
    if exec.caller != exec.address {
        called.balance = called.balance.checked_sub(exec.value).ok_or(
            "the called account holds less than the call's value: the value cannot be \
             moved ahead of the call",
        )?;
        let caller = pre.entry(exec.caller).or_default();
        caller.balance = caller
            .balance
            .checked_add(exec.value)
            .ok_or("the caller's balance overflows")?;
    }
    let mut state = InMemoryState::new();
    for (address, account) in &pre {
        let nonce = to_u64(account.nonce, "a nonce")?;
        state.set_account(
            *address,
            Account {
                nonce,
                balance: account.balance,
            },
        );
        if !account.code.is_empty() {
            state.set_code(*address, account.code.clone());
        }
        for (slot, value) in &account.storage {
            state.set_slot(*address, *slot, *value);
        }
    }
    Ok(state)
}

/// Every account of `state` that is not empty, with its code and non-zero slots.
fn accounts(state: &InMemoryState) -> BTreeMap<Address, AccountState> {
    let mut accounts: BTreeMap<Address, AccountState> = BTreeMap::new();
    for (key, value) in state.iter() {
        match (key, value) {
            (StateKey::Account(address), StateValue::Account(account)) => {
                let entry = accounts.entry(*address).or_default();
                entry.balance = account.balance;
                entry.nonce = U256::from(account.nonce);
            }
            (StateKey::Code(address), StateValue::Code(code)) => {
                accounts.entry(*address).or_default().code = code.bytes.clone();
            }
            (StateKey::Slot(address, slot), StateValue::Slot(value)) if !value.is_zero() => {
                accounts
                    .entry(*address)
                    .or_default()
                    .storage
                    .insert(*slot, *value);
            }
            _ => {}
        }
    }
    accounts.retain(|_, account| *account != AccountState::default());
    accounts
}

/// How a halt reads to a VMTest: a failure the EVM knows, or evmove's own.
fn ending_of(reason: HaltReason) -> Ending {
    match reason {
        HaltReason::OutOfGas => Ending::OutOfGas,
        HaltReason::Aborted { code, .. } => match code {
            c if c == AbortCode::StackUnderflow as u64 => Ending::Halt("stack underflow".into()),
            c if c == AbortCode::StackOverflow as u64 => Ending::Halt("stack overflow".into()),
            c if c == AbortCode::InvalidJump as u64 => Ending::Halt("invalid jump".into()),
            _ => Ending::Broken(reason.to_string()),
        },
        HaltReason::NoModule(_) | HaltReason::MoveError { .. } | HaltReason::NoEnd => {
            Ending::Broken(reason.to_string())
        }
        other => Ending::Halt(other.to_string()),
    }
}

fn to_u64(value: U256, what: &str) -> Result<u64, String> {
    u64::try_from(value).map_err(|_| format!("{what} {value:#x} does not fit 64 bits"))
}
