//! The state `evmove call` keeps between runs: a JSON file of accounts (nonce, balance, code,
//! storage), read before and written after, so a contract deployed by one run can be called
//! by the next.

use std::{collections::BTreeMap, fs, path::Path};

use alloy_primitives::{Address, Bytes, U256};
use evmove_runtime::{Account, InMemoryState, StateKey, StateValue};
use serde::{Deserialize, Serialize};

#[derive(Default, Serialize, Deserialize)]
struct StateFile {
    accounts: BTreeMap<Address, AccountEntry>,
}

#[derive(Default, Serialize, Deserialize)]
struct AccountEntry {
    nonce: u64,
    balance: U256,
    #[serde(default, skip_serializing_if = "<[u8]>::is_empty")]
    code: Bytes,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    storage: BTreeMap<U256, U256>,
}

/// Reads the state at `path`; an empty state if the file does not exist.
pub fn load(path: &Path) -> Result<InMemoryState, String> {
    if !path.exists() {
        return Ok(InMemoryState::new());
    }
    let text = fs::read(path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    let file: StateFile = serde_json::from_slice(&text)
        .map_err(|err| format!("{} is not an evmove state file: {err}", path.display()))?;
    let mut state = InMemoryState::new();
    for (address, entry) in file.accounts {
        state.set_account(
            address,
            Account {
                nonce: entry.nonce,
                balance: entry.balance,
            },
        );
        if !entry.code.is_empty() {
            state.set_code(address, entry.code);
        }
        for (slot, value) in entry.storage {
            state.set_slot(address, slot, value);
        }
    }
    Ok(state)
}

/// Writes `state` to `path`.
pub fn save(path: &Path, state: &InMemoryState) -> Result<(), String> {
    let mut file = StateFile::default();
    for (key, value) in state.iter() {
        match (key, value) {
            (StateKey::Account(address), StateValue::Account(account)) => {
                let entry = file.accounts.entry(*address).or_default();
                entry.nonce = account.nonce;
                entry.balance = account.balance;
            }
            (StateKey::Code(address), StateValue::Code(code)) => {
                file.accounts.entry(*address).or_default().code = code.bytes.clone();
            }
            (StateKey::Slot(address, slot), StateValue::Slot(value)) => {
                let entry = file.accounts.entry(*address).or_default();
                entry.storage.insert(*slot, *value);
            }
            _ => {}
        }
    }
    let text = serde_json::to_string_pretty(&file).expect("state serializes");
    fs::write(path, text).map_err(|err| format!("cannot write {}: {err}", path.display()))
}
