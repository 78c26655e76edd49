//! The differential mode of the bindings (feature `differential`, which
//! `cargo evmove test --differential` turns on): every transaction a binding sends is also
//! run on revm, from the same state and in the same block, and must end the same way —
//! status, return or revert data, logs, the created address. A difference fails the test
//! that sent it (a panic naming the transaction and both results): this mode exists only to
//! fail tests.
//!
//! A call sent through a typed entry is checked against the same call sent as calldata.
//! What is not compared: gas (a call through a typed entry has gas of its own) and balances
//! after fees (the transaction pays none on either side: gas price 0). BLOCKHASH reads differ (revm's
//! empty database makes up hashes), so code that reads them cannot be checked this way.

use alloy_primitives::{Address, Bytes, Log};
use evmove_runtime::{
    BlockEnv, InMemoryState, StateKey, StateValue, Status, Transaction, TxOutcome,
};
use revm::{
    bytecode::Bytecode,
    context::{result::ExecutionResult, result::Output, Context, TxEnv},
    database::{CacheDB, EmptyDB},
    primitives::TxKind,
    state::AccountInfo,
    DatabaseRef, ExecuteEvm, MainBuilder, MainContext,
};

/// How a transaction ended, as both sides can say it.
#[derive(Debug, PartialEq, Eq)]
struct Ending {
    /// `success`, `revert` or `halt` (the halt reasons are named differently on each side).
    status: &'static str,
    data: Bytes,
    logs: Vec<Log>,
    created: Option<Address>,
}

/// Runs `tx` on revm from `state` in `block` and panics unless it ends as evmove's
/// `outcome` did.
pub(super) fn check(
    state: &InMemoryState,
    block: &BlockEnv,
    tx: &Transaction,
    outcome: &TxOutcome,
) {
    let evmove = Ending {
        status: match outcome.status {
            Status::Success => "success",
            Status::Revert => "revert",
            Status::Halt(_) => "halt",
        },
        data: outcome.return_data.clone(),
        logs: outcome.logs.clone(),
        created: outcome.created,
    };
    let revm = match run(state, block, tx) {
        Ok(ending) => ending,
        Err(error) => panic!("differential: revm could not run {tx:?}: {error}"),
    };
    assert_eq!(
        evmove, revm,
        "differential: evmove (left) and revm (right) disagree on {tx:?}"
    );
}

/// `tx` run on revm from a copy of `state`.
fn run(state: &InMemoryState, block: &BlockEnv, tx: &Transaction) -> Result<Ending, String> {
    let db = database(state);
    let nonce = db
        .basic_ref(tx.sender)
        .ok()
        .flatten()
        .map_or(0, |info| info.nonce);
    let env = TxEnv::builder()
        .caller(tx.sender)
        .kind(tx.to.map_or(TxKind::Create, TxKind::Call))
        .data(tx.data.clone())
        .value(tx.value)
        .gas_limit(tx.gas_limit)
        .gas_price(0)
        .nonce(nonce)
        .chain_id(Some(block.chain_id))
        .build()
        .map_err(|error| format!("{error:?}"))?;
    let mut evm = Context::mainnet()
        .with_db(db)
        .modify_cfg_chained(|cfg| {
            cfg.set_spec_and_mainnet_gas_params(block.spec);
            cfg.chain_id = block.chain_id;
        })
        .modify_block_chained(|env: &mut revm::context::BlockEnv| {
            env.number = alloy_primitives::U256::from(block.number);
            env.timestamp = alloy_primitives::U256::from(block.timestamp);
            env.beneficiary = block.coinbase;
            env.gas_limit = block.gas_limit;
            env.basefee = block.basefee.saturating_to();
            env.prevrandao = Some(block.prevrandao);
        })
        .build_mainnet();
    let executed = evm.transact(env).map_err(|error| format!("{error:?}"))?;
    Ok(match executed.result {
        ExecutionResult::Success { output, logs, .. } => {
            let (data, created) = match output {
                Output::Call(data) => (data, None),
                Output::Create(data, created) => (data, created),
            };
            Ending {
                status: "success",
                data,
                logs,
                created,
            }
        }
        ExecutionResult::Revert { output, .. } => Ending {
            status: "revert",
            data: output,
            logs: Vec::new(),
            created: None,
        },
        ExecutionResult::Halt { .. } => Ending {
            status: "halt",
            data: Bytes::new(),
            logs: Vec::new(),
            created: None,
        },
    })
}

/// `state` as revm's in-memory database: every account, its code and its storage.
fn database(state: &InMemoryState) -> CacheDB<EmptyDB> {
    let mut db = CacheDB::new(EmptyDB::default());
    // Accounts first: code and slots land on accounts that exist.
    let mut codes = Vec::new();
    let mut slots = Vec::new();
    for (key, value) in state.iter() {
        match (key, value) {
            (StateKey::Account(address), StateValue::Account(account)) => {
                let info = AccountInfo {
                    balance: account.balance,
                    nonce: account.nonce,
                    ..AccountInfo::default()
                };
                db.insert_account_info(*address, info);
            }
            (StateKey::Code(address), StateValue::Code(code)) => {
                codes.push((*address, code.bytes.clone()))
            }
            (StateKey::Slot(address, slot), StateValue::Slot(value)) => {
                slots.push((*address, *slot, *value))
            }
            _ => {}
        }
    }
    for (address, code) in codes {
        let info = db.basic_ref(address).ok().flatten().unwrap_or_default();
        let code = Bytecode::new_raw(code);
        let info = AccountInfo {
            code_hash: code.hash_slow(),
            code: Some(code),
            ..info
        };
        db.insert_account_info(address, info);
    }
    for (address, slot, value) in slots {
        // The in-memory database cannot fail.
        let _ = db.insert_account_storage(address, slot, value);
    }
    db
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{address, U256};
    use evmove_runtime::Account;

    use super::*;
    use crate::evm::assemble;

    const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
    const CONTRACT: Address = address!("00000000000000000000000000000000000c0de0");

    /// A contract that logs its calldata's first word, stores it and returns it; Alice funded.
    fn setup() -> (
        crate::bindings::runtime::Runtime,
        InMemoryState,
        Transaction,
    ) {
        let code = assemble(
            "PUSH 0 CALLDATALOAD DUP1 PUSH 0 SSTORE PUSH 0 MSTORE \
             PUSH 32 PUSH 0 LOG0 PUSH 32 PUSH 0 RETURN",
        )
        .unwrap();
        let mut state = InMemoryState::new();
        let wei = U256::from(10).pow(U256::from(18));
        state.set_account(
            ALICE,
            Account {
                nonce: 0,
                balance: wei,
            },
        );
        state.set_account(CONTRACT, Account::default());
        state.set_code(CONTRACT, code.into());
        state.set_slot(CONTRACT, U256::from(1), U256::from(9));
        let tx = Transaction {
            sender: ALICE,
            to: Some(CONTRACT),
            data: U256::from(42).to_be_bytes::<32>().into(),
            gas_limit: 1_000_000,
            ..Transaction::default()
        };
        let runtime = super::super::runtime(&[], Address::with_last_byte(2));
        (runtime.unwrap(), state, tx)
    }

    fn outcome() -> (InMemoryState, Transaction, TxOutcome) {
        let (runtime, state, tx) = setup();
        let outcome = runtime.execute(&state, &BlockEnv::default(), &tx).unwrap();
        (state, tx, outcome)
    }

    #[test]
    fn evmove_agrees_with_revm_on_a_call_that_logs_stores_and_returns() {
        let (state, tx, outcome) = outcome();
        assert_eq!(outcome.status, Status::Success);
        check(&state, &BlockEnv::default(), &tx, &outcome);
    }

    #[test]
    #[should_panic(expected = "evmove (left) and revm (right) disagree")]
    fn a_different_return_value_fails() {
        let (state, tx, mut outcome) = outcome();
        outcome.return_data = Bytes::from_static(&[1]);
        check(&state, &BlockEnv::default(), &tx, &outcome);
    }

    #[test]
    #[should_panic(expected = "evmove (left) and revm (right) disagree")]
    fn a_missing_log_fails() {
        let (state, tx, mut outcome) = outcome();
        outcome.logs.clear();
        check(&state, &BlockEnv::default(), &tx, &outcome);
    }

    #[test]
    #[should_panic(expected = "evmove (left) and revm (right) disagree")]
    fn a_different_status_fails() {
        let (state, tx, mut outcome) = outcome();
        outcome.status = Status::Revert;
        check(&state, &BlockEnv::default(), &tx, &outcome);
    }
}
