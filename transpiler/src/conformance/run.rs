//! Running VMTests and blockchain tests in the Move runtime (feature `vm`).
//!
//! A blockchain test ([`Runner::run_blockchain`]) runs each block's transactions in order
//! with [`Runtime::execute`] on one [`InMemoryState`] holding its `pre`, in the block its
//! header describes (COINBASE, NUMBER, TIMESTAMP, GASLIMIT, BASEFEE, PREVRANDAO from
//! `mixHash` from the merge on, else DIFFICULTY; BLOCKHASH from the `hash` of earlier
//! headers), under the fork its `network` names ([`spec_of`]). Before the transactions,
//! the block's system calls ([`Runtime::pre_block`]: EIP-2935 with the header's
//! `parentHash`, EIP-4788 with its `parentBeaconBlockRoot`); after them, its `withdrawals`
//! (`evmove_runtime::exec::system::withdrawals`). Transactions are the EVM's, gas and fees
//! included (`evmove_runtime::exec::fees`: nonce, intrinsic gas, the sender's payment, the
//! refund, the coinbase's tip; BLOBBASEFEE from the header's `excessBlobGas`); a
//! transaction without `sender` has the sender its signature gives (`super::sender`). A
//! block is rejected, leaving the state as it was, when a transaction is invalid (or
//! recovers no sender) or its transactions' gas is not the header's `gasUsed`; a block the
//! test marks with `expectException` must be rejected, any other must not. A transaction
//! that evmove cannot run (no module, a Move error) fails the test. The state root
//! (`super::state_root`) of `pre` is compared with the genesis header's `stateRoot`, the root
//! after each block evmove accepts with its header's, and the root at the end with
//! `postStateHash` when the test gives one; a difference names the block and fails the test
//! beside any difference from `postState`.
//!
//! A VMTest ([`Runner::run`]) becomes one [`Runtime::execute_frame`] of a call on an
//! [`InMemoryState`] holding its pre-state, every code compiled on demand by [`OnDemand`]
//! (nothing runs in an EVM interpreter): a bare frame, without intrinsic gas or fees.
//! CALLVALUE is `exec.value`, but no value moves from the caller and the caller's nonce
//! does not grow. The runtime's frame does both, so the state is prepared to cancel them
//! exactly:
//!
//! - before: the caller is given `value` more and the called account `value` less (every
//!   VMTest's account holds at least its call's value), so that once the transaction has
//!   moved the value, both hold what the test says while the code runs (BALANCE,
//!   SELFBALANCE, SELFDESTRUCT see the test's balances);
//! - after: the caller's nonce is taken back down by one.
//!
//! Block: COINBASE, NUMBER, TIMESTAMP, GASLIMIT from `env`, DIFFICULTY as PREVRANDAO (the
//! same opcode), chain id 1, base fee 0. The frame's gas limit is `exec.gas`, and what it
//! leaves is the test's `gas`.
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
    exec::{fees::blob_basefee, system::withdrawals},
    host::env::Withdrawal,
    Account, BlockEnv, HaltReason, InMemoryState, Runtime, SpecId, StateKey, StateValue, Status,
    Transaction, TxError, DEFAULT_PUBLISHER,
};

use super::{
    blockchain::{Block, BlockHeader, BlockTx, BlockchainTest},
    check::{gas_left, judge, judge_post_state, Ending, GasLeft, Observed, Verdict},
    file::TestCase,
    sender::recover_sender,
    skip::{skip_blockchain_reason, skip_reason},
    state_root::{compare_root, state_root},
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

    /// The runtime, to configure it (the tier it runs modules in, say).
    pub fn runtime_mut(&mut self) -> &mut Runtime {
        &mut self.runtime
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
        let (accounts, mut differences) = match catch_panic(|| self.observe_blockchain(test, spec))
        {
            Ok(observed) => observed,
            Err(error) => return Verdict::Failed(vec![error]),
        };
        if let Some(post) = &test.post_state {
            if let Verdict::Failed(more) = judge_post_state(post, &accounts) {
                differences.splice(0..0, more);
            }
        }
        if let Some(expected) = test.post_state_hash {
            differences.extend(compare_root(
                "after the blocks",
                state_root(&accounts),
                expected,
            ));
        }
        if differences.is_empty() {
            Verdict::Passed
        } else {
            Verdict::Failed(differences)
        }
    }

    /// Executes the transactions of `test`'s blocks in order under `spec`: every account
    /// after them and the state roots that differ from the headers' (see the module doc), or
    /// why they could not run. A block the test says must be rejected (`expectException`)
    /// must be, and leaves the state as it was; any other block must not be.
    fn observe_blockchain(
        &self,
        test: &BlockchainTest,
        spec: SpecId,
    ) -> Result<(BTreeMap<Address, AccountState>, Vec<String>), String> {
        let mut state = state_of(&test.pre)?;
        let mut root_differences = Vec::new();
        let genesis_root = test
            .genesis_block_header
            .as_ref()
            .and_then(|h| h.state_root);
        if let Some(expected) = genesis_root {
            let found = state_root(&accounts(&state));
            root_differences.extend(compare_root("the genesis (pre)", found, expected));
        }
        let mut block_hashes = BTreeMap::new();
        let genesis_hash = test.genesis_block_header.as_ref().and_then(|h| h.hash);
        if let Some(hash) = genesis_hash {
            block_hashes.insert(0, hash);
        }
        for (b, block) in test.blocks.iter().enumerate() {
            let header = (block.block_header.as_ref())
                .ok_or_else(|| format!("block {b} has no blockHeader"))?;
            let env = block_env(header, block, spec, &block_hashes)?;
            let run = self.run_block(&state, &env, block, header);
            match (run, &block.expect_exception) {
                (Ok(after), None) => {
                    state = after;
                    if let Some(expected) = header.state_root {
                        let found = state_root(&accounts(&state));
                        root_differences.extend(compare_root(
                            &format!("block {b}"),
                            found,
                            expected,
                        ));
                    }
                }
                (Err(BlockFailure::Rejected(reason)), None) => {
                    return Err(format!("block {b} was rejected: {reason}"))
                }
                (Ok(_), Some(exception)) => {
                    return Err(format!(
                        "block {b} must be rejected ({exception}), evmove accepted it"
                    ))
                }
                (Err(BlockFailure::Rejected(_)), Some(_)) => continue,
                (Err(BlockFailure::Broken(reason)), _) => {
                    return Err(format!("block {b}: {reason}"))
                }
            }
            if let Some(hash) = header.hash {
                block_hashes.insert(env.number, hash);
            }
        }
        Ok((accounts(&state), root_differences))
    }

    /// The state after `block` (in `env`, with `header`) over `state`: its system calls, its
    /// transactions in order, its withdrawals. Rejected if a transaction is invalid or the
    /// gas its transactions used is not the header's `gasUsed`.
    fn run_block(
        &self,
        state: &InMemoryState,
        env: &BlockEnv,
        block: &Block,
        header: &BlockHeader,
    ) -> Result<InMemoryState, BlockFailure> {
        let mut state = state.clone();
        let system = (self.runtime.pre_block(&state, env)).map_err(|error| {
            BlockFailure::Broken(format!("a system call could not run: {error}"))
        })?;
        state.apply(&system);
        let mut gas_used = 0u64;
        for (t, tx) in block.transactions.iter().enumerate() {
            let sender = match tx.sender {
                Some(sender) => sender,
                None => recover_sender(tx)
                    .map_err(|why| BlockFailure::Rejected(format!("transaction {t} {why}")))?,
            };
            let outcome = match self.runtime.execute(&state, env, &transaction(tx, sender)) {
                Ok(outcome) => outcome,
                Err(TxError::Invalid(invalid)) => {
                    return Err(BlockFailure::Rejected(format!(
                        "transaction {t}: {invalid}"
                    )))
                }
                Err(error) => {
                    return Err(BlockFailure::Broken(format!(
                        "transaction {t}: {}",
                        could_not_execute(&error)
                    )))
                }
            };
            if let Status::Halt(reason) = &outcome.status {
                if let Ending::Broken(reason) = ending_of(reason.clone()) {
                    return Err(BlockFailure::Broken(format!(
                        "transaction {t}: evmove could not run it: {reason}"
                    )));
                }
            }
            gas_used += outcome.gas_used;
            outcome.apply_to(&mut state);
        }
        if let Some(expected) = header.gas_used {
            if expected != U256::from(gas_used) {
                return Err(BlockFailure::Rejected(format!(
                    "its transactions used {gas_used} gas, the header says {expected}"
                )));
            }
        }
        let withdrawn = withdrawals(&state, env).map_err(|error| {
            BlockFailure::Broken(format!("the withdrawals could not run: {error}"))
        })?;
        state.apply(&withdrawn);
        Ok(state)
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
            ..Transaction::default()
        };
        let outcome = self
            .runtime
            .execute_frame(&state, &block, &tx)
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

/// Why a block has no state after it.
enum BlockFailure {
    /// The chain rejects it: a transaction is invalid, or its header's gas used is wrong.
    Rejected(String),
    /// evmove could not run it (a frame it cannot run, a state read that failed).
    Broken(String),
}

/// The environment of a block with `header` under `spec`, the hashes of earlier blocks
/// visible to BLOCKHASH.
pub fn block_env(
    header: &BlockHeader,
    block: &Block,
    spec: SpecId,
    block_hashes: &BTreeMap<u64, B256>,
) -> Result<BlockEnv, String> {
    let prevrandao = match header.mix_hash {
        Some(mix_hash) if spec.is_enabled_in(SpecId::MERGE) => mix_hash,
        _ => B256::from(header.difficulty),
    };
    let excess_blob_gas = to_u64(header.excess_blob_gas.unwrap_or_default(), "excessBlobGas")?;
    Ok(BlockEnv {
        chain_id: 1,
        number: to_u64(header.number, "a block number")?,
        timestamp: to_u64(header.timestamp, "a block timestamp")?,
        coinbase: header.coinbase,
        prevrandao,
        gas_limit: header.gas_limit.saturating_to(),
        basefee: header.base_fee_per_gas.unwrap_or_default(),
        blob_basefee: blob_basefee(excess_blob_gas, spec),
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
    })
}

/// The runtime's transaction for `tx` sent by `sender`: an EIP-1559 one when it has a
/// priority fee (`maxFeePerGas` is then its price), EIP-4844 when it has a max blob fee. A
/// nonce beyond 64 bits is taken as the largest, which no sender has.
pub fn transaction(tx: &BlockTx, sender: Address) -> Transaction {
    Transaction {
        sender,
        to: tx.to,
        value: tx.value,
        data: tx.data.clone(),
        gas_limit: tx.gas_limit.saturating_to(),
        gas_price: tx.gas_price.or(tx.max_fee_per_gas).unwrap_or_default(),
        nonce: Some(tx.nonce.saturating_to()),
        max_priority_fee_per_gas: tx.max_priority_fee_per_gas,
        access_list: (tx.access_list.iter())
            .map(|item| {
                let slots = item
                    .storage_keys
                    .iter()
                    .map(|key| U256::from_be_bytes(key.0));
                (item.address, slots.collect())
            })
            .collect(),
        max_fee_per_blob_gas: tx.max_fee_per_blob_gas,
        blob_hashes: tx.blob_versioned_hashes.clone(),
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
