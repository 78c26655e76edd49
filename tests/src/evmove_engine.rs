//! evmove as an [`Engine`]: transactions run through the Move runtime over an in-memory
//! state, every piece of EVM code transpiled on demand (`evmove::provider::OnDemand`), with
//! outcomes in the same shape as the revm oracle's.
//!
//! The suites run in the tier `EVMOVE_TIER` names (`native` or `interpreter`; unset: the
//! interpreter, the reference), so every suite built on this engine, or installing
//! [`tier_under_test`] in its own runtime, runs in either tier without a copy.

use std::{collections::BTreeMap, sync::Arc};

use alloy_primitives::{Address, Bytes, U256};
use evmove::{
    conformance::run::Runner, lower::typed::TypedEntries, pipeline::compile_code,
    provider::OnDemand,
};
use evmove_native::{JitTier, Tier};
use evmove_runtime::{
    exec::counting::WorkCounts, Account, BlockEnv, CodeKind, CodeProvider, EntryCall,
    InMemoryState, ProvidedModule, Runtime, SpecId, StateKey, StateValue, Status as RuntimeStatus,
    Transaction, DEFAULT_PUBLISHER,
};

use crate::{
    engine::Engine,
    outcome::{AccountChange, Status, Tx, TxOutcome},
    revm_oracle,
};

/// The environment variable naming the tier the suites run in.
pub const TIER_VAR: &str = "EVMOVE_TIER";

/// The tier the suites run in: the one [`TIER_VAR`] names, the interpreter when unset.
///
/// # Panics
/// If the variable names no tier (a mistyped CI setting must not pass silently).
pub fn tier_under_test() -> Tier {
    match std::env::var(TIER_VAR) {
        Ok(name) => name
            .parse()
            .unwrap_or_else(|error| panic!("{TIER_VAR}: {error}")),
        Err(_) => Tier::Interpreter,
    }
}

/// A runtime compiling code on demand, in the [`tier_under_test`] (for suites that drive a
/// runtime themselves).
pub fn runtime_under_test() -> Runtime {
    let mut runtime = Runtime::with_publisher(OnDemand::new(DEFAULT_PUBLISHER), DEFAULT_PUBLISHER)
        .expect("the shim library publishes");
    tier_under_test().install(&mut runtime);
    runtime
}

/// The consensus-test runner, in the [`tier_under_test`].
pub fn runner_under_test() -> Runner {
    let mut runner = Runner::new().expect("the runtime starts");
    tier_under_test().install(runner.runtime_mut());
    runner
}

/// The Move runtime with its state.
pub struct EvmoveEngine {
    runtime: Runtime,
    state: InMemoryState,
    block: BlockEnv,
    /// The native tier the runtime runs modules in, if any.
    native: Option<Arc<JitTier>>,
}

impl EvmoveEngine {
    /// An empty state, in the block environment revm uses by default (number 0, timestamp 1,
    /// no gas limit to speak of) under the oracle's fork ([`revm_oracle::SPEC`]), so block
    /// reads and gas agree with the oracle's.
    pub fn new() -> Self {
        Self::with_provider(OnDemand::new(DEFAULT_PUBLISHER))
    }

    /// An empty state, as [`EvmoveEngine::new`], with code compiled by `provider` (modules
    /// published at [`DEFAULT_PUBLISHER`]), in the [`tier_under_test`].
    pub fn with_provider(provider: impl CodeProvider + 'static) -> Self {
        Self::in_tier(provider, tier_under_test())
    }

    /// An empty state, as [`EvmoveEngine::with_provider`], in `tier` whatever the
    /// environment says.
    pub fn in_tier(provider: impl CodeProvider + 'static, tier: Tier) -> Self {
        let mut runtime = Runtime::with_publisher(provider, DEFAULT_PUBLISHER)
            .expect("the shim library publishes");
        let native = tier.install(&mut runtime);
        Self {
            runtime,
            native,
            state: InMemoryState::new(),
            block: BlockEnv {
                number: 0,
                timestamp: 1,
                gas_limit: u64::MAX,
                spec: revm_oracle::SPEC,
                ..BlockEnv::default()
            },
        }
    }

    /// An empty state, as [`EvmoveEngine::new`], on which transactions run under the rules
    /// of `spec` (`BlockEnv::spec`).
    pub fn with_spec(spec: SpecId) -> Self {
        Self::with_spec_in_tier(spec, tier_under_test())
    }

    /// An empty state, as [`EvmoveEngine::with_spec`], in `tier` whatever the environment
    /// says.
    pub fn with_spec_in_tier(spec: SpecId, tier: Tier) -> Self {
        let mut engine = Self::in_tier(OnDemand::new(DEFAULT_PUBLISHER), tier);
        engine.block.spec = spec;
        engine
    }

    /// The native tier modules run in (what it compiled and ran), none in the interpreter.
    pub fn native_tier(&self) -> Option<&JitTier> {
        self.native.as_deref()
    }

    /// The state, to set up accounts directly (as a genesis allocation would) or read them.
    pub fn state_mut(&mut self) -> &mut InMemoryState {
        &mut self.state
    }

    /// Forgets the state (accounts, code, storage) but keeps the runtime, with the modules it
    /// has compiled and published: starting again costs no compilation.
    pub fn clear_state(&mut self) {
        self.state = InMemoryState::new();
    }

    /// Compiles the code deployed at `contract` with the typed entry functions `typed`, and
    /// has the runtime run that module for it (before anything runs the code).
    pub fn use_typed_entries(
        &mut self,
        contract: Address,
        typed: &TypedEntries,
    ) -> Result<(), String> {
        let code = self.state.code(contract).ok_or("no code")?.clone();
        let name = OnDemand::module_name(code.hash, CodeKind::Runtime);
        let compiled = compile_code(&code.bytes, DEFAULT_PUBLISHER, &name, typed)
            .map_err(|err| err.to_string())?;
        let module = ProvidedModule {
            name,
            bytes: compiled.bytes,
        };
        self.runtime
            .publish_for(code.hash, CodeKind::Runtime, &module)
            .map_err(|err| err.to_string())?;
        Ok(())
    }

    /// Runs a call of a typed entry function: the outcome, as for a transaction (its output
    /// is the contract's return or revert data), and the function's BCS-encoded results.
    pub fn execute_entry(&mut self, call: &EntryCall) -> Result<(TxOutcome, Vec<Vec<u8>>), String> {
        let entry = self
            .runtime
            .execute_entry(&self.state, &self.block, call)
            .map_err(|err| err.to_string())?;
        Ok((self.apply(entry.outcome), entry.results))
    }

    /// Runs `tx` as [`Engine::execute`] does, counting the work it makes the Move VM do
    /// (`Runtime::execute_counting`).
    pub fn execute_counting(&mut self, tx: &Tx) -> Result<(TxOutcome, WorkCounts), String> {
        let (outcome, counts) = self
            .runtime
            .execute_counting(&self.state, &self.block, &transaction(tx))
            .map_err(|err| err.to_string())?;
        Ok((self.apply(outcome), counts))
    }

    /// Applies `outcome` to the state: the outcome in the engines' shape.
    fn apply(&mut self, outcome: evmove_runtime::TxOutcome) -> TxOutcome {
        let changes = self.changes(&outcome.write_set);
        self.state.apply(&outcome.write_set);
        let status = match outcome.status {
            RuntimeStatus::Success => Status::Success,
            RuntimeStatus::Revert => Status::Revert,
            RuntimeStatus::Halt(reason) => Status::Halt(format!("{reason:?}")),
        };
        TxOutcome {
            status,
            output: outcome.return_data,
            created: outcome.created,
            logs: outcome.logs,
            changes,
            gas_used: outcome.gas_used,
        }
    }

    /// What the write set changes compared with the current state, account by account.
    fn changes(&self, writes: &evmove_runtime::WriteSet) -> BTreeMap<Address, AccountChange> {
        let mut changes: BTreeMap<Address, AccountChange> = BTreeMap::new();
        for (key, value) in writes {
            match (key, value) {
                (StateKey::Account(address), value) => {
                    let existed = self.state.account(*address);
                    let before = existed.unwrap_or_default();
                    let after = match value {
                        Some(StateValue::Account(account)) => *account,
                        _ => Account::default(),
                    };
                    let change = changes.entry(*address).or_default();
                    change.balance = (after.balance != before.balance).then_some(after.balance);
                    change.nonce = (after.nonce != before.nonce).then_some(after.nonce);
                    // An empty account made where none was (before EIP-161 a touch makes
                    // one): revm reports it created, with empty code.
                    let made_empty =
                        matches!(value, Some(StateValue::Account(a)) if *a == Account::default());
                    if existed.is_none() && made_empty {
                        change.code.get_or_insert_with(Bytes::new);
                    }
                }
                (StateKey::Code(address), Some(StateValue::Code(code))) => {
                    changes.entry(*address).or_default().code = Some(code.bytes.clone());
                }
                (StateKey::Code(_), _) => {}
                (StateKey::Slot(address, slot), value) => {
                    let after = match value {
                        Some(StateValue::Slot(word)) => *word,
                        _ => U256::ZERO,
                    };
                    if after != self.state.slot(*address, *slot) {
                        changes
                            .entry(*address)
                            .or_default()
                            .storage
                            .insert(*slot, after);
                    }
                }
            }
        }
        changes.retain(|_, change| !change.is_empty());
        changes
    }
}

/// `tx` as the runtime's transaction.
fn transaction(tx: &Tx) -> Transaction {
    Transaction {
        sender: tx.from,
        to: tx.to,
        value: tx.value,
        data: tx.data.clone(),
        gas_limit: tx.gas_limit,
        ..Transaction::default()
    }
}

impl Default for EvmoveEngine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine for EvmoveEngine {
    fn fund(&mut self, account: Address, wei: U256) {
        let before = self.state.account(account).unwrap_or_default();
        self.state.set_account(
            account,
            Account {
                balance: wei,
                ..before
            },
        );
    }

    fn execute(&mut self, tx: &Tx) -> Result<TxOutcome, String> {
        let outcome = self
            .runtime
            .execute(&self.state, &self.block, &transaction(tx))
            .map_err(|err| err.to_string())?;
        Ok(self.apply(outcome))
    }

    fn balance(&self, account: Address) -> U256 {
        self.state.account(account).unwrap_or_default().balance
    }

    fn storage(&self, account: Address, slot: U256) -> U256 {
        self.state.slot(account, slot)
    }
}
