//! The published Move modules and where new ones come from: [`Modules`] holds the
//! publishing VM, the module store every session reads, the code provider, and the module
//! found for each code ([`Modules::resolve`]). The frame logic reads modules through it
//! alone, so it never needs the [`Runtime`](super::runtime::Runtime).

use std::{
    cell::{Cell, RefCell},
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, OnceLock, RwLock,
    },
};

use foldhash::fast::RandomState;

use alloy_primitives::B256;
use move_binary_format::CompiledModule;
use move_core_types::{account_address::AccountAddress, language_storage::ModuleId};
use move_vm_runtime::move_vm::MoveVM;
use move_vm_types::gas::UnmeteredGasMeter;

use super::{
    code::{CodeKind, CodeProvider, ProvidedModule},
    tier::NativeTier,
};
use crate::{module_store::ModuleStore, natives, state::Code, stdlib};

/// A module could not be published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The bytes are not a module.
    #[error("not a Move module: {0}")]
    Malformed(String),
    /// The module is not at the publisher address, or not named as announced.
    #[error("module {found} is not {expected}")]
    WrongId {
        /// The id the module declares.
        found: String,
        /// The id it should have.
        expected: String,
    },
    /// Another module is published under the same id (two codes given one module name).
    #[error("another module is already published as {0}")]
    Taken(String),
    /// The VM rejected the module (verification, linking, a missing native).
    #[error("the Move VM rejected {module}: {message}")]
    Rejected {
        /// The module.
        module: String,
        /// The VM's error.
        message: String,
    },
}

/// The published modules, the VM that publishes them, and the code provider.
pub struct Modules {
    /// The VM that publishes modules.
    vm: MoveVM,
    store: ModuleStore,
    provider: Box<dyn CodeProvider>,
    publisher: AccountAddress,
    /// The module published for code, by (code hash, kind), or why there is none: one cell
    /// per code, filled once (see [`Modules::resolve`]). Looked up once per frame, by every
    /// worker: a read lock, and foldhash rather than SipHash.
    resolved: RwLock<HashMap<(B256, CodeKind), Arc<Resolution>, RandomState>>,
    /// How many times [`Modules::publish_for`] replaced a resolution: what a
    /// [`ResolvedMemo`] learnt before it changed is forgotten.
    generation: AtomicU64,
    /// Runs the modules it has compiled as machine code (`super::tier`); none: the
    /// interpreter runs every module.
    native_tier: Option<Box<dyn NativeTier>>,
}

/// The module running some code, or why it cannot run, once known. Shared, so that a frame
/// takes the id without copying its name.
type Resolution = OnceLock<Result<Arc<ModuleId>, String>>;

impl Modules {
    /// Modules publishing transpiled code at `publisher`, with the shim library published.
    pub fn new(
        provider: Box<dyn CodeProvider>,
        publisher: AccountAddress,
    ) -> Result<Self, PublishError> {
        let modules = Self {
            vm: new_vm()?,
            store: ModuleStore::new(),
            provider,
            publisher,
            resolved: RwLock::default(),
            generation: AtomicU64::new(0),
            native_tier: None,
        };
        for module in stdlib::modules() {
            modules.publish_at(stdlib::address(), module.name, module.bytes.to_vec())?;
        }
        Ok(modules)
    }

    /// The VM that publishes (shared by executions when no VM of their own can be made).
    pub fn vm(&self) -> &MoveVM {
        &self.vm
    }

    /// The published modules, which every session reads.
    pub fn store(&self) -> &ModuleStore {
        &self.store
    }

    /// The native tier, if the runtime has one.
    pub fn native_tier(&self) -> Option<&dyn NativeTier> {
        self.native_tier.as_deref()
    }

    /// Runs the modules `tier` compiles as machine code from now on.
    pub fn set_native_tier(&mut self, tier: Box<dyn NativeTier>) {
        self.native_tier = Some(tier);
    }

    /// Where transpiled modules are published.
    pub fn publisher(&self) -> AccountAddress {
        self.publisher
    }

    /// Publishes (verifies and links) a transpiled module at the publisher address; nothing
    /// happens if the same module is already published, and a different module under the same
    /// id is an error (modules are never replaced).
    pub fn publish(&self, module: &ProvidedModule) -> Result<ModuleId, PublishError> {
        self.publish_at(self.publisher, &module.name, module.bytes.clone())
    }

    /// Publishes `module` as the one running the code with hash `code_hash` as `kind`, in
    /// place of what the provider would give.
    pub fn publish_for(
        &self,
        code_hash: B256,
        kind: CodeKind,
        module: &ProvidedModule,
    ) -> Result<ModuleId, PublishError> {
        let id = self.publish(module)?;
        let cell = Resolution::from(Ok(Arc::new(id.clone())));
        self.resolved
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert((code_hash, kind), Arc::new(cell));
        // After the insert: a memo that sees the new generation learns from the new cell.
        self.generation.fetch_add(1, Ordering::Release);
        Ok(id)
    }

    /// The module running `code` as `kind`: known from an earlier run, or asked of the
    /// provider and published now. An error is the reason the code cannot run.
    ///
    /// Execution calls this for every code it runs. Publishing while other threads execute
    /// is not safe with the Move 0.3.2 loader (its cache assumes a publishing session is the
    /// only one), so a parallel executor resolves the code of a block's transactions first
    /// (or runs a block that needs new modules sequentially, `DESIGN.md` §7).
    pub fn resolve(&self, code: &Code, kind: CodeKind) -> Result<Arc<ModuleId>, String> {
        // Atomic per code: the first thread to miss a code compiles and publishes it while
        // the others asking for the same code wait on its cell (and threads asking for other
        // codes do not), so each code is compiled once. The answer is kept either way: the
        // provider's answer for the same bytes does not change, so a code that cannot run
        // is not compiled again either.
        let key = (code.hash, kind);
        let known = (self.resolved.read())
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&key)
            .cloned();
        let cell = known.unwrap_or_else(|| {
            let mut resolved = self
                .resolved
                .write()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            Arc::clone(resolved.entry(key).or_default())
        });
        cell.get_or_init(|| {
            let module = self
                .provider
                .module_for(&code.bytes, code.hash, kind)
                .map_err(|error| error.to_string())?;
            let id = self.publish(&module).map_err(|error| error.to_string())?;
            Ok(Arc::new(id))
        })
        .clone()
    }

    fn publish_at(
        &self,
        address: AccountAddress,
        name: &str,
        bytes: Vec<u8>,
    ) -> Result<ModuleId, PublishError> {
        let compiled = CompiledModule::deserialize(&bytes)
            .map_err(|error| PublishError::Malformed(error.to_string()))?;
        let id = compiled.self_id();
        if id.address() != &address || id.name().as_str() != name {
            return Err(PublishError::WrongId {
                found: id.to_string(),
                expected: format!("{}::{name}", address.to_hex_literal()),
            });
        }
        match self.store.get(&id) {
            Some(published) if published == bytes => return Ok(id),
            Some(_) => return Err(PublishError::Taken(id.to_string())),
            None => {}
        }
        let rejected = |error: move_binary_format::errors::VMError| PublishError::Rejected {
            module: id.to_string(),
            message: error.to_string(),
        };
        let mut session = self.vm.new_session(&self.store);
        session
            .publish_module(bytes, address, &mut UnmeteredGasMeter)
            .map_err(rejected)?;
        let (changes, _events) = session.finish().map_err(rejected)?;
        self.store
            .apply(changes)
            .map_err(|error| PublishError::Rejected {
                module: id.to_string(),
                message: error.to_string(),
            })?;
        Ok(id)
    }
}

/// One VM's own memo of [`Modules::resolve`]'s answers, consulted first, so that a frame of
/// code run before touches neither the shared map's lock nor its shared reference counts:
/// the ids it hands out are its own copies, whose counts only its thread writes.
///
/// Right because a resolution changes only by [`Modules::publish_for`], which bumps
/// [`Modules`]' generation after replacing it: [`ResolvedMemo::catch_up`], once at the start
/// of each transaction, forgets everything if the generation moved since the memo learnt
/// it. So a transaction sees the resolutions as they were when it started or later, as it
/// would with the shared map alone (`publish_for` is called between transactions; one that
/// runs while a transaction executes on another thread is not ordered with it either way).
/// Only modules are remembered: a code that cannot run asks the shared map again (and fails).
#[derive(Default)]
pub struct ResolvedMemo {
    /// The generation of [`Modules`] the ids were learnt in.
    generation: Cell<u64>,
    ids: RefCell<HashMap<(B256, CodeKind), Arc<ModuleId>, RandomState>>,
}

impl ResolvedMemo {
    /// Forgets what it learnt if `modules` replaced a resolution since.
    pub(super) fn catch_up(&self, modules: &Modules) {
        let generation = modules.generation.load(Ordering::Acquire);
        if self.generation.replace(generation) != generation {
            self.ids.borrow_mut().clear();
        }
    }

    /// [`Modules::resolve`], answered from the memo when it can.
    pub fn resolve(
        &self,
        modules: &Modules,
        code: &Code,
        kind: CodeKind,
    ) -> Result<Arc<ModuleId>, String> {
        let key = (code.hash, kind);
        if let Some(id) = self.ids.borrow().get(&key) {
            return Ok(Arc::clone(id));
        }
        let shared = modules.resolve(code, kind)?;
        let id = Arc::new(ModuleId::clone(&shared));
        self.ids.borrow_mut().insert(key, Arc::clone(&id));
        Ok(id)
    }
}

/// A Move VM with the shim's natives ([`natives::table`]).
pub fn new_vm() -> Result<MoveVM, PublishError> {
    MoveVM::new(natives::table()).map_err(|error| PublishError::Rejected {
        module: "the native table".to_string(),
        message: error.to_string(),
    })
}
