//! Running VMTests and blockchain tests in the Move runtime (feature `vm`).
//!
//! A blockchain test ([`Runner::run_blockchain`]) runs each block's transactions in order
//! with [`Runtime::execute`] on one [`InMemoryState`] holding its `pre`, in the block its
//! header describes (COINBASE, NUMBER, TIMESTAMP, GASLIMIT, BASEFEE, PREVRANDAO from
//! `mixHash` from the merge on, else DIFFICULTY; BLOCKHASH from the `hash` of earlier
//! headers), under the fork its `network` names ([`spec_of`]). Before the transactions,
//! the block's system calls ([`Runtime::pre_block`]: EIP-2935 with the header's
//! `parentHash`, EIP-4788 with its `parentBeaconBlockRoot`); after them, its `withdrawals`
//! (`evmove_runtime::exec::system::withdrawals`). Each transaction's nonce must
//! be the sender's; GASPRICE is its effective gas price, but no fee is charged (evmove's gas
//! is not EVM gas), hence balances are not compared (`super::check`). A transaction that
//! evmove cannot run (no module, a Move error) fails the test.
//!
//! A VMTest ([`Runner::run`]) becomes one [`Runtime::execute`] of a call transaction on an
//! [`InMemoryState`] holding its pre-state, every code compiled on demand by [`OnDemand`]
//! (nothing runs in an EVM interpreter). A VMTest is a bare frame, not a transaction: CALLVALUE is `exec.value`,
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
//! same opcode), chain id 1, base fee 0. The transaction's gas limit is `exec.gas`; the
//! runtime charges no intrinsic gas, so what the transaction leaves is the frame's gas left,
//! which the test's `gas` states.
//!
//! Fork: the legacy VMTests were filled by clients running the mainnet rules at the test's
//! block (`currentNumber` 1 to 7), so Frontier's ([`VMTESTS_SPEC`]), and their gas left says
//! so: SLOAD costs 50, SELFDESTRUCT nothing, EXP 10 per byte of the exponent. The fork also
//! decides SELFDESTRUCT (the account is deleted, not only emptied: EIP-6780 came with Cancun)
//! and the precompiles present. No code in the suite uses an opcode added after Frontier,
//! which evmove would run instead of failing as invalid, nor calls or creates.

use std::{collections::BTreeMap, panic::AssertUnwindSafe};

use alloy_primitives::{Address, B256, U256};
use evmove_runtime::{
    exec::system::withdrawals, host::env::Withdrawal, Account, BlockEnv, HaltReason, InMemoryState,
    Runtime, SpecId, StateKey, StateValue, Status, Transaction, TxError, DEFAULT_PUBLISHER,
};

use super::{
    blockchain::BlockchainTest,
    check::{gas_left, judge, judge_post_state, Ending, GasLeft, Observed, Verdict},
    file::TestCase,
    skip::{skip_blockchain_reason, skip_reason},
    vmtest::{AccountState, VmTest},
};
use crate::provider::OnDemand;

/// The fork the legacy VMTests are run under (see the module doc).
pub const VMTESTS_SPEC: SpecId = SpecId::FRONTIER;

/// Runs tests of either format: one Move runtime, its modules shared by every test (one
/// module per code, found by the code's hash).
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

    /// Runs a test of either format and judges it; for a VMTest that succeeded, the gas
    /// left too.
    pub fn run_case(&self, test: &TestCase) -> (Verdict, Option<GasLeft>) {
        match test {
            TestCase::Vm(test) => self.run(test),
            TestCase::Blockchain(test) => (self.run_blockchain(test), None),
        }
    }

    /// Runs a VMTest and judges it, and the gas left when it succeeded. A panic inside
    /// evmove is caught and is the test's failure.
    pub fn run(&self, test: &VmTest) -> (Verdict, Option<GasLeft>) {
        if let Some(reason) = skip_reason(test) {
            return (Verdict::Skipped(reason), None);
        }
        match catch_panic(|| self.observe(test)) {
            Ok(observed) => (judge(test, &observed), gas_left(test, &observed)),
            Err(error) => (Verdict::Failed(vec![error]), None),
        }
    }

    /// Runs a blockchain test and judges the accounts after it (see [`judge_post_state`]).
    /// A panic inside evmove is caught and is the test's failure.
    pub fn run_blockchain(&self, test: &BlockchainTest) -> Verdict {
        if let Some(reason) = skip_blockchain_reason(test) {
            return Verdict::Skipped(reason);
        }
        let Some(spec) = spec_of(&test.network) else {
            return Verdict::Skipped(format!(
                "network `{}` is not a fork evmove knows (a fork transition, or unknown)",
                test.network
            ));
        };
        let Some(post) = &test.post_state else {
            return Verdict::Skipped("gives no explicit postState".to_string());
        };
        match catch_panic(|| self.observe_blockchain(test, spec)) {
            Ok(accounts) => judge_post_state(post, &accounts),
            Err(error) => Verdict::Failed(vec![error]),
        }
    }

    /// Executes the transactions of `test`'s blocks in order under `spec`: every account
    /// after them, or why they could not run.
    fn observe_blockchain(
        &self,
        test: &BlockchainTest,
        spec: SpecId,
    ) -> Result<BTreeMap<Address, AccountState>, String> {
        let mut state = state_of(&test.pre)?;
        let mut block_hashes = BTreeMap::new();
        let genesis_hash = test.genesis_block_header.as_ref().and_then(|h| h.hash);
        if let Some(hash) = genesis_hash {
            block_hashes.insert(0, hash);
        }
        for (b, block) in test.blocks.iter().enumerate() {
            let header = (block.block_header.as_ref())
                .ok_or_else(|| format!("block {b} has no blockHeader"))?;
            let number = to_u64(header.number, "a block number")?;
            let basefee = header.base_fee_per_gas.unwrap_or_default();
            let prevrandao = match header.mix_hash {
                Some(mix_hash) if spec.is_enabled_in(SpecId::MERGE) => mix_hash,
                _ => B256::from(header.difficulty),
            };
            let env = BlockEnv {
                chain_id: 1,
                number,
                timestamp: to_u64(header.timestamp, "a block timestamp")?,
                coinbase: header.coinbase,
                prevrandao,
                gas_limit: header.gas_limit.saturating_to(),
                basefee,
                block_hashes: block_hashes.clone(),
                spec,
                parent_beacon_block_root: header.parent_beacon_block_root,
                parent_hash: header.parent_hash,
                withdrawals: (block.withdrawals.iter())
                    .map(|w| {
                        let amount = to_u64(w.amount, "a withdrawal amount")?;
                        Ok(Withdrawal {
                            address: w.address,
                            amount,
                        })
                    })
                    .collect::<Result<_, String>>()?,
                ..BlockEnv::default()
            };
            let system = (self.runtime.pre_block(&state, &env))
                .map_err(|error| format!("block {b}: a system call could not run: {error}"))?;
            state.apply(&system);
            for (t, tx) in block.transactions.iter().enumerate() {
                let at = format!("block {b} transaction {t}");
                let sender = tx.sender.ok_or_else(|| format!("{at} has no sender"))?;
                let nonce = state.account(sender).unwrap_or_default().nonce;
                if tx.nonce != U256::from(nonce) {
                    return Err(format!(
                        "{at}: its nonce is {}, the sender's is {nonce}",
                        tx.nonce
                    ));
                }
                let transaction = Transaction {
                    sender,
                    to: tx.to,
                    value: tx.value,
                    data: tx.data.clone(),
                    gas_limit: tx.gas_limit.saturating_to(),
                    gas_price: tx.effective_gas_price(basefee),
                    blob_hashes: tx.blob_versioned_hashes.clone(),
                };
                let outcome = (self.runtime.execute(&state, &env, &transaction))
                    .map_err(|error| format!("{at}: {}", could_not_execute(&error)))?;
                if let Status::Halt(reason) = &outcome.status {
                    if let Ending::Broken(reason) = ending_of(reason.clone()) {
                        return Err(format!("{at}: evmove could not run it: {reason}"));
                    }
                }
                outcome.apply_to(&mut state);
            }
            let withdrawn = withdrawals(&state, &env)
                .map_err(|error| format!("block {b}: the withdrawals could not run: {error}"))?;
            state.apply(&withdrawn);
            if let Some(hash) = header.hash {
                block_hashes.insert(number, hash);
            }
        }
        Ok(accounts(&state))
    }

    /// Executes `test`: what it produced, or why it could not run.
    pub fn observe(&self, test: &VmTest) -> Result<Observed, String> {
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
            .map_err(|error| could_not_execute(&error))?;
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
            gas_left: tx.gas_limit - outcome.gas_used,
        })
    }
}

/// Runs `work`; a panic inside it is an error with the panic's message.
fn catch_panic<T>(work: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    match std::panic::catch_unwind(AssertUnwindSafe(work)) {
        Ok(result) => result,
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            Err(format!("evmove panicked: {message}"))
        }
    }
}

/// The fork a blockchain test's `network` names; `None` for a transition between forks
/// (`ShanghaiToCancunAtTime15k`) or a name not known.
pub fn spec_of(network: &str) -> Option<SpecId> {
    Some(match network {
        "Frontier" => SpecId::FRONTIER,
        "Homestead" => SpecId::HOMESTEAD,
        "EIP150" | "TangerineWhistle" => SpecId::TANGERINE,
        "EIP158" | "SpuriousDragon" => SpecId::SPURIOUS_DRAGON,
        "Byzantium" => SpecId::BYZANTIUM,
        // Constantinople as first specified differs from Petersburg in SSTORE gas only.
        "Constantinople" | "ConstantinopleFix" | "Petersburg" => SpecId::PETERSBURG,
        "Istanbul" => SpecId::ISTANBUL,
        "Berlin" => SpecId::BERLIN,
        "London" => SpecId::LONDON,
        "Merge" | "Paris" => SpecId::MERGE,
        "Shanghai" => SpecId::SHANGHAI,
        "Cancun" => SpecId::CANCUN,
        "Prague" => SpecId::PRAGUE,
        "Osaka" => SpecId::OSAKA,
        _ => return None,
    })
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
    state_of(&pre)
}

/// An in-memory state holding the accounts `pre`.
fn state_of(pre: &BTreeMap<Address, AccountState>) -> Result<InMemoryState, String> {
    let mut state = InMemoryState::new();
    for (address, account) in pre {
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

/// Every account of `state` that is not empty, with its code and non-zero slots (as tests'
/// post-states list them).
pub fn accounts(state: &InMemoryState) -> BTreeMap<Address, AccountState> {
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

/// Why a transaction could not be executed, for a failed test: evmove's own failure
/// ([`TxError::Evmove`]: "evmove could not run it"), or the runtime's other errors.
fn could_not_execute(error: &TxError) -> String {
    match error {
        TxError::Evmove { .. } => format!("evmove could not run it: {error}"),
        _ => format!("the runtime could not execute it: {error}"),
    }
}

/// How a halt reads to a VMTest: a failure the EVM knows, or evmove's own.
fn ending_of(reason: HaltReason) -> Ending {
    match reason {
        HaltReason::OutOfGas => Ending::OutOfGas,
        HaltReason::StackUnderflow | HaltReason::StackOverflow | HaltReason::InvalidJump => {
            Ending::Halt(reason.to_string())
        }
        HaltReason::Aborted { .. } => Ending::Broken(reason.to_string()),
        other => Ending::Halt(other.to_string()),
    }
}

fn to_u64(value: U256, what: &str) -> Result<u64, String> {
    u64::try_from(value).map_err(|_| format!("{what} {value:#x} does not fit 64 bits"))
}
