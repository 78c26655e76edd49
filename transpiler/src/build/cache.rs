//! The build cache (`OUT_DIR/evmove/cache.json`): which module each blob compiled to, so
//! that a blob whose code, typed entries, publisher and evmove version are unchanged is not
//! compiled again.

use std::{collections::BTreeMap, fs, path::Path};

use serde::{Deserialize, Serialize};

/// What a module was compiled from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Key {
    /// The code's Keccak-256 hash.
    pub code_hash: String,
    /// A digest of the typed entries the module got.
    pub typed_entries: String,
    /// The publisher's address.
    pub publisher: String,
}

/// One cached module.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Entry {
    /// What it was compiled from.
    pub key: Key,
    /// How many functions it has.
    pub functions: usize,
}

/// The cache: the evmove version that wrote it, and the modules by name.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Cache {
    evmove: String,
    modules: BTreeMap<String, Entry>,
}

/// This evmove's version: a cache another version wrote is not used.
const VERSION: &str = env!("CARGO_PKG_VERSION");

impl Cache {
    /// The cache at `path`; empty if there is none, it is unreadable, or another evmove
    /// version wrote it.
    pub fn read(path: &Path) -> Self {
        let read = fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Cache>(&bytes).ok());
        match read {
            Some(cache) if cache.evmove == VERSION => cache,
            _ => Cache::default(),
        }
    }

    /// A cache of this evmove version holding `modules`.
    pub fn new(modules: BTreeMap<String, Entry>) -> Self {
        Self {
            evmove: VERSION.to_owned(),
            modules,
        }
    }

    /// The entry of module `name`, if it was compiled from `key`.
    pub fn hit(&self, name: &str, key: &Key) -> Option<&Entry> {
        self.modules.get(name).filter(|entry| entry.key == *key)
    }

    /// The cache as JSON.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("the cache serializes")
    }
}
