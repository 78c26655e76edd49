//! The block in revm, sequentially: the reference figures of `evmove bench`, and the third
//! opinion on the final state.

use std::time::{Duration, Instant};

use alloy_primitives::{Address, U256};
use evmove_runtime::{InMemoryState, Transaction};
use revm::{
    bytecode::Bytecode,
    context::{Context, TxEnv},
    database::{CacheDB, EmptyDB},
    primitives::{hardfork::SpecId, TxKind},
    state::AccountInfo,
    DatabaseRef, ExecuteCommitEvm, MainBuilder, MainContext,
};

use super::workload::accounts_of;

/// The fork the corpus is compiled for.
const SPEC: SpecId = SpecId::CANCUN;

/// revm's state after a block, and how the block went.
pub struct RevmRun {
    /// The state after the block.
    pub db: CacheDB<EmptyDB>,
    /// Wall time of the block (the transactions only, not building the pre-state).
    pub elapsed: Duration,
    /// Per transaction: whether it succeeded.
    pub success: Vec<bool>,
}

/// The pre-state in revm's in-memory database.
pub fn database(state: &InMemoryState) -> CacheDB<EmptyDB> {
    let mut db = CacheDB::new(EmptyDB::default());
    for (address, (account, code, slots)) in accounts_of(state) {
        let code = Bytecode::new_raw(code);
        let info = AccountInfo {
            balance: account.balance,
            nonce: account.nonce,
            code_hash: code.hash_slow(),
            code: Some(code),
            ..AccountInfo::default()
        };
        db.insert_account_info(address, info);
        for (slot, value) in slots {
            db.insert_account_storage(address, slot, value)
                .expect("the in-memory database cannot fail");
        }
    }
    db
}

/// Executes `txns` on `state` in revm, one after the other.
pub fn run(state: &InMemoryState, txns: &[Transaction]) -> Result<RevmRun, String> {
    let mut db = database(state);
    // Nonces are part of revm's transaction: known in advance, as every sender is an EOA.
    let mut nonces = std::collections::HashMap::<Address, u64>::new();
    let envs = txns
        .iter()
        .map(|tx| {
            let nonce = nonces.entry(tx.sender).or_insert_with(|| {
                (db.basic_ref(tx.sender).ok().flatten()).map_or(0, |info| info.nonce)
            });
            let env = TxEnv::builder()
                .caller(tx.sender)
                .kind(tx.to.map_or(TxKind::Create, TxKind::Call))
                .data(tx.data.clone())
                .value(tx.value)
                .gas_limit(tx.gas_limit)
                .gas_price(0)
                .nonce(*nonce)
                .build()
                .map_err(|err| format!("revm transaction: {err:?}"));
            *nonce += 1;
            env
        })
        .collect::<Result<Vec<_>, String>>()?;
    let start = Instant::now();
    let mut success = Vec::with_capacity(txns.len());
    {
        let mut evm = Context::mainnet()
            .with_db(&mut db)
            .modify_cfg_chained(|cfg| cfg.set_spec_and_mainnet_gas_params(SPEC))
            .build_mainnet();
        for env in envs {
            let result = evm
                .transact_commit(env)
                .map_err(|err| format!("revm could not execute a transaction: {err:?}"))?;
            success.push(result.is_success());
        }
    }
    let elapsed = start.elapsed();
    Ok(RevmRun {
        db,
        elapsed,
        success,
    })
}

/// `address`'s balance and nonce in revm's state.
pub fn account(db: &CacheDB<EmptyDB>, address: Address) -> (U256, u64) {
    let info = db.basic_ref(address).ok().flatten().unwrap_or_default();
    (info.balance, info.nonce)
}

/// A storage slot in revm's state.
pub fn slot(db: &CacheDB<EmptyDB>, address: Address, slot: U256) -> U256 {
    db.storage_ref(address, slot).unwrap_or_default()
}
