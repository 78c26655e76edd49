//! The reference: transactions executed by revm over an in-memory state, with each
//! outcome recorded as a [`TxOutcome`]. Every behaviour test runs the same transactions
//! through evmove and expects what this oracle says.

use std::collections::BTreeMap;

use alloy_primitives::{Address, Bytes, U256};
use revm::{
    context::{result::ExecutionResult, result::Output, Context, TxEnv},
    database::{CacheDB, EmptyDB},
    primitives::{hardfork::SpecId, TxKind},
    state::{AccountInfo, Bytecode, EvmState},
    Database, DatabaseCommit, DatabaseRef, ExecuteEvm, InspectEvm, MainBuilder, MainContext,
};

use crate::{
    engine::Engine,
    jump_trace::JumpTrace,
    outcome::{AccountChange, Status, Tx, TxOutcome},
};

/// The fork the corpus is compiled for (`evmVersion: cancun`).
pub const SPEC: SpecId = SpecId::CANCUN;

/// A chain of one account set, to which transactions are applied one after another.
#[derive(Debug)]
pub struct RevmOracle {
    db: CacheDB<EmptyDB>,
    /// Records the jumps taken, when asked for (it slows execution down).
    jumps: Option<JumpTrace>,
    /// The fork whose rules apply ([`SPEC`] unless told otherwise).
    spec: SpecId,
}

impl Default for RevmOracle {
    fn default() -> Self {
        Self {
            db: CacheDB::default(),
            jumps: None,
            spec: SPEC,
        }
    }
}

/// revm refused to execute a transaction (an invalid transaction, not a failed one).
#[derive(Debug, thiserror::Error)]
#[error("revm could not execute the transaction: {0}")]
pub struct InvalidTx(String);

impl RevmOracle {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty state, on which the jumps every transaction takes are recorded.
    pub fn tracing_jumps() -> Self {
        Self {
            jumps: Some(JumpTrace::default()),
            ..Self::default()
        }
    }

    /// An empty state on which transactions run under the rules of `spec`.
    pub fn with_spec(spec: SpecId) -> Self {
        Self {
            spec,
            ..Self::default()
        }
    }

    /// Sets `account`'s balance, nonce and code, as a genesis allocation would.
    pub fn set_account(&mut self, account: Address, balance: U256, nonce: u64, code: Bytes) {
        let info = AccountInfo::default()
            .with_balance(balance)
            .with_nonce(nonce)
            .with_code(Bytecode::new_raw(code));
        self.db.insert_account_info(account, info);
    }

    /// Sets a storage slot of `account`, as a genesis allocation would.
    pub fn set_storage(&mut self, account: Address, slot: U256, value: U256) {
        self.db
            .insert_account_storage(account, slot, value)
            .expect("the in-memory database cannot fail");
    }

    /// The nonce of `account`.
    pub fn nonce(&self, account: Address) -> u64 {
        self.account(account).nonce
    }

    /// Gives `account` a balance of `wei`, as a genesis allocation would.
    pub fn fund(&mut self, account: Address, wei: U256) {
        let info = self.account(account);
        self.db.insert_account_info(
            account,
            AccountInfo {
                balance: wei,
                ..info
            },
        );
    }

    /// Executes `tx` on the current state, commits its effects, and reports its outcome.
    ///
    /// The sender's nonce is taken from the state; gas is free (price and base fee 0), so
    /// balances change only by value transfers.
    pub fn execute(&mut self, tx: &Tx) -> Result<TxOutcome, InvalidTx> {
        let tx_env = TxEnv::builder()
            .caller(tx.from)
            .kind(tx.to.map_or(TxKind::Create, TxKind::Call))
            .data(tx.data.clone())
            .value(tx.value)
            .gas_limit(tx.gas_limit)
            .gas_price(0)
            .nonce(self.account(tx.from).nonce)
            .build()
            .map_err(|err| InvalidTx(format!("{err:?}")))?;
        let context = Context::mainnet()
            .with_db(&mut self.db)
            .modify_cfg_chained(|cfg| cfg.set_spec_and_mainnet_gas_params(self.spec));
        let executed = match &mut self.jumps {
            Some(trace) => context
                .build_mainnet_with_inspector(trace)
                .inspect_tx(tx_env),
            None => context.build_mainnet().transact(tx_env),
        }
        .map_err(|err| InvalidTx(format!("{err:?}")))?;
        let changes = self.changes(&executed.state);
        self.db.commit(executed.state);
        Ok(outcome(executed.result, changes))
    }

    /// The jumps taken by every transaction executed so far, if they are being traced.
    pub fn jump_trace(&self) -> Option<&JumpTrace> {
        self.jumps.as_ref()
    }

    /// The balance of `account`.
    pub fn balance(&self, account: Address) -> U256 {
        self.account(account).balance
    }

    /// The value of storage slot `slot` of `account`.
    pub fn storage(&self, account: Address, slot: U256) -> U256 {
        self.db
            .storage_ref(account, slot)
            .expect("the in-memory database cannot fail")
    }

    /// Every non-zero storage slot of `account`.
    pub fn storage_of(&self, account: Address) -> BTreeMap<U256, U256> {
        self.db
            .cache
            .accounts
            .get(&account)
            .map(|account| {
                account
                    .storage
                    .iter()
                    .filter(|(_, value)| !value.is_zero())
                    .map(|(&slot, &value)| (slot, value))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The deployed code of `account` (empty for an externally owned account).
    pub fn code(&mut self, account: Address) -> Bytes {
        let info = self.account(account);
        match info.code {
            Some(code) => code.original_bytes(),
            None => self
                .db
                .code_by_hash(info.code_hash)
                .expect("the in-memory database cannot fail")
                .original_bytes(),
        }
    }

    fn account(&self, account: Address) -> AccountInfo {
        self.db
            .basic_ref(account)
            .expect("the in-memory database cannot fail")
            .unwrap_or_default()
    }

    /// What `state` changes compared with the committed state, account by account.
    fn changes(&self, state: &EvmState) -> BTreeMap<Address, AccountChange> {
        state
            .iter()
            .map(|(&address, account)| {
                let before = self.account(address);
                let change = AccountChange {
                    balance: (account.info.balance != before.balance)
                        .then_some(account.info.balance),
                    nonce: (account.info.nonce != before.nonce).then_some(account.info.nonce),
                    code: account
                        .info
                        .code
                        .as_ref()
                        .filter(|_| account.is_created())
                        .map(|code| code.original_bytes()),
                    storage: account
                        .storage
                        .iter()
                        .filter(|(_, slot)| slot.is_changed())
                        .map(|(&key, slot)| (key, slot.present_value))
                        .collect(),
                };
                (address, change)
            })
            .filter(|(_, change)| !change.is_empty())
            .collect()
    }
}

fn outcome(result: ExecutionResult, changes: BTreeMap<Address, AccountChange>) -> TxOutcome {
    let gas_used = result.tx_gas_used();
    let (status, output, created, logs) = match result {
        ExecutionResult::Success { output, logs, .. } => match output {
            Output::Call(data) => (Status::Success, data, None, logs),
            Output::Create(code, address) => (Status::Success, code, address, logs),
        },
        ExecutionResult::Revert { output, .. } => (Status::Revert, output, None, Vec::new()),
        ExecutionResult::Halt { reason, .. } => (
            Status::Halt(format!("{reason:?}")),
            Bytes::new(),
            None,
            Vec::new(),
        ),
    };
    TxOutcome {
        status,
        output,
        created,
        logs,
        changes,
        gas_used,
    }
}

impl Engine for RevmOracle {
    fn fund(&mut self, account: Address, wei: U256) {
        RevmOracle::fund(self, account, wei)
    }

    fn execute(&mut self, tx: &Tx) -> Result<TxOutcome, String> {
        RevmOracle::execute(self, tx).map_err(|err| err.to_string())
    }

    fn balance(&self, account: Address) -> U256 {
        RevmOracle::balance(self, account)
    }

    fn storage(&self, account: Address, slot: U256) -> U256 {
        RevmOracle::storage(self, account, slot)
    }
}
