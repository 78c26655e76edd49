//! The state `evmove call` keeps between runs: a JSON file of accounts (nonce, balance, code,
//! storage), read before and written after, so a contract deployed by one run can be called
//! by the next. It is written atomically ([`save`]): a run that stops at any point leaves the
//! file as it was or as the run left the state, never half written.

use std::{
    collections::BTreeMap,
    fs::{self, File},
    io::Write,
    path::{Path, PathBuf},
};

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

/// A test hook, read only here: when set (to anything), [`save`] aborts the process after
/// writing and syncing the temporary file and before renaming it over the state file, as a
/// crash there would (the CLI tests check the state file survives it).
pub const ABORT_BEFORE_RENAME: &str = "EVMOVE_TEST_ABORT_BEFORE_RENAME";

/// Reads the state at `path`; an empty state if the file does not exist. A file that cannot
/// be read or is not a state file is an error (and is left as it is).
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

/// Writes `state` to `path`, atomically: into a temporary file in the same directory,
/// flushed and synced to disk, then renamed over `path` (and the directory synced, where the
/// platform allows), so `path` always holds either the old state or the new one.
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
    let cannot = |err: std::io::Error| format!("cannot write {}: {err}", path.display());
    let name = path
        .file_name()
        .ok_or_else(|| format!("cannot write {}: not a file name", path.display()))?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut temporary_name = std::ffi::OsString::from(".");
    temporary_name.push(name);
    temporary_name.push(format!(".{}.tmp", std::process::id()));
    let temporary = dir.join(temporary_name);
    let written = (|| {
        let mut file = File::create(&temporary)?;
        if let Ok(metadata) = fs::metadata(path) {
            file.set_permissions(metadata.permissions())?;
        }
        file.write_all(text.as_bytes())?;
        file.flush()?;
        file.sync_all()
    })();
    if let Err(err) = written {
        let _ = fs::remove_file(&temporary);
        return Err(cannot(err));
    }
    if std::env::var_os(ABORT_BEFORE_RENAME).is_some() {
        std::process::abort();
    }
    if let Err(err) = fs::rename(&temporary, path) {
        let _ = fs::remove_file(&temporary);
        return Err(cannot(err));
    }
    // Make the rename itself durable (not possible, nor needed, everywhere: best effort).
    if let Ok(dir) = File::open(&dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}
