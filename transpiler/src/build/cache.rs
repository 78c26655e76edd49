//! The build cache (`OUT_DIR/evmove/cache.json`): which module each blob compiled to, under
//! a fingerprint of everything the module depends on, so that a blob whose fingerprint is
//! unchanged is not compiled again.

use std::{collections::BTreeMap, env, fs, path::Path};

use alloy_primitives::keccak256;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::lower::typed::TypedEntries;

/// One cached module.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Entry {
    /// The fingerprint of what it was compiled from ([`fingerprint`]).
    pub fingerprint: String,
    /// How many functions it has.
    pub functions: usize,
    /// Why its blob took the universal path, if it did.
    pub universal: Option<String>,
    /// Whether it has the code in universal form as a second entry (its `run` speculates).
    #[serde(default)]
    pub universal_entry: bool,
}

/// The cache: the modules by name.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Cache {
    modules: BTreeMap<String, Entry>,
}

/// The fingerprint of a module: the compiler (this evmove's version and the program it is
/// linked into, [`compiler_identity`]), the settings (publisher, typed entries) and the
/// code's hash. Equal fingerprints give equal modules.
pub(super) fn fingerprint(
    compiler: &str,
    publisher: &str,
    typed: &TypedEntries,
    code_hash: &str,
) -> String {
    let inputs = json!({
        "evmove": env!("CARGO_PKG_VERSION"),
        "compiler": compiler,
        "publisher": publisher,
        "typed_entries": format!("{typed:?}"),
        "code_hash": code_hash,
    });
    keccak256(inputs.to_string()).to_string()
}

/// The program this evmove is linked into (the build script): its path, size and time of
/// modification. A development checkout keeps one version number while the compiler
/// changes; cargo relinks the build script when evmove changes, so its identity changes
/// with the compiler's code, and every module compiles again.
pub(super) fn compiler_identity() -> String {
    let exe = env::current_exe().ok();
    let meta = exe.as_ref().and_then(|exe| fs::metadata(exe).ok());
    let modified = meta.as_ref().and_then(|meta| meta.modified().ok());
    format!("{exe:?} {:?} {modified:?}", meta.map(|meta| meta.len()))
}

impl Cache {
    /// The cache at `path`; empty if there is none or it is unreadable.
    pub fn read(path: &Path) -> Self {
        fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// A cache holding `modules`.
    pub fn new(modules: BTreeMap<String, Entry>) -> Self {
        Self { modules }
    }

    /// The entry of module `name`, if it was compiled with `fingerprint`.
    pub fn hit(&self, name: &str, fingerprint: &str) -> Option<&Entry> {
        self.modules
            .get(name)
            .filter(|entry| entry.fingerprint == fingerprint)
    }

    /// The cache as JSON.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("the cache serializes")
    }
}
