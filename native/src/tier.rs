//! The native tier as the runtime uses it ([`JitTier`], the runtime's `NativeTier`): each
//! module is compiled the first time a frame runs it, once, whichever thread asks first
//! (the others wait for it), and shared by every thread after (Block-STM's workers too). An
//! entry the runtime runs a frame on (`run()`, and `run_universal()`, the rerun of a frame
//! whose speculation failed) that is outside the subset, or in a module that does not
//! compile, runs on the interpreter.
//!
//! Modules are keyed by id, which is one code hash: a runtime names each module after the
//! hash of the code it runs and never replaces a published module. Each thread remembers
//! the modules it has run (`crate::memo`), so a frame seldom reads the shared map.

use std::{
    cell::RefCell,
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, OnceLock, RwLock,
    },
    time::{Duration, Instant},
};

use evmove_runtime::{
    exec::tier::{Entry, NativeTier},
    module_store::ModuleStore,
    natives::direct::{DirectCtx, Status},
};
use foldhash::fast::RandomState;
use move_binary_format::CompiledModule;
use move_core_types::language_storage::ModuleId;

use crate::{
    memo::{Memo, TierId},
    NativeModule,
};

/// The entry function of every transpiled module.
pub(crate) const RUN: &str = Entry::Run.name();

/// The second entry of a module whose `run()` speculates: the code in universal form.
pub(crate) const RUN_UNIVERSAL: &str = Entry::RunUniversal.name();

/// Modules compiled on demand, by id; `None` for a module the interpreter runs.
#[derive(Default)]
pub struct JitTier {
    /// Which tier this is, for the threads' memos.
    id: TierId,
    /// Read by every frame of every worker (a read lock, and foldhash rather than SipHash);
    /// written once per module.
    modules: RwLock<HashMap<ModuleId, Arc<Compilation>, RandomState>>,
    /// Frames run as machine code, of those the reruns on `run_universal()`, and frames
    /// left to the interpreter.
    native_frames: AtomicU64,
    universal_frames: AtomicU64,
    interpreted_frames: AtomicU64,
    /// Modules compiled (each should be once), and the time all of that took.
    compilations: AtomicU64,
    compile_nanos: AtomicU64,
}

type Compilation = OnceLock<Option<Arc<Runnable>>>;

thread_local! {
    /// This thread's memo of the modules it has run (of the last tier it ran).
    static MEMO: RefCell<Memo<Runnable>> = RefCell::default();
}

/// A module that compiled, and which of its functions each entry is, if it compiled.
struct Runnable {
    module: NativeModule,
    entries: [Option<usize>; Entry::ALL.len()],
}

impl Runnable {
    /// The index of `entry`'s function, if it compiled.
    fn entry(&self, entry: Entry) -> Option<usize> {
        self.entries[entry as usize]
    }
}

/// What a [`JitTier`] has done so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TierStats {
    /// Frames run as machine code.
    pub native_frames: u64,
    /// Of those, frames run again on `run_universal()` after their speculation failed.
    pub universal_frames: u64,
    /// Frames left to the interpreter (the entry they ran did not compile).
    pub interpreted_frames: u64,
    /// Modules a frame has asked for.
    pub modules: usize,
    /// Of those, the ones whose `run()` compiled.
    pub native_modules: usize,
    /// Compilations made: one per module unless a module was compiled twice.
    pub compilations: u64,
    /// The time spent compiling (deserializing, translating, Cranelift), all modules.
    pub compile_time: Duration,
}

impl JitTier {
    /// A tier that has compiled nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// What this tier has done so far.
    pub fn stats(&self) -> TierStats {
        let load = |count: &AtomicU64| count.load(Ordering::Relaxed);
        let modules = (self.modules.read()).unwrap_or_else(|poison| poison.into_inner());
        let native_modules = (modules.values())
            .filter(|cell| matches!(cell.get(), Some(Some(native)) if native.entry(Entry::Run).is_some()))
            .count();
        TierStats {
            native_frames: load(&self.native_frames),
            universal_frames: load(&self.universal_frames),
            interpreted_frames: load(&self.interpreted_frames),
            modules: modules.len(),
            native_modules,
            compilations: load(&self.compilations),
            compile_time: Duration::from_nanos(load(&self.compile_nanos)),
        }
    }

    /// `module`, compiled from its bytes in `store` unless that was done before: `None` if
    /// none of its entries compiled. This thread's memo first, then the shared map.
    fn module(&self, module: &ModuleId, store: &ModuleStore) -> Option<Arc<Runnable>> {
        if let Some(known) = MEMO.with(|memo| memo.borrow().get(self.id, module)) {
            return Some(known);
        }
        let runnable = self.shared(module, store)?;
        MEMO.with(|memo| memo.borrow_mut().learn(self.id, module, &runnable));
        Some(runnable)
    }

    /// [`JitTier::module`] from the map every thread reads.
    fn shared(&self, module: &ModuleId, store: &ModuleStore) -> Option<Arc<Runnable>> {
        let known = (self.modules.read()).unwrap_or_else(|poison| poison.into_inner());
        let cell = match known.get(module) {
            Some(cell) => Arc::clone(cell),
            None => {
                drop(known);
                let mut modules =
                    (self.modules.write()).unwrap_or_else(|poison| poison.into_inner());
                Arc::clone(modules.entry(module.clone()).or_default())
            }
        };
        cell.get_or_init(|| {
            let start = Instant::now();
            let native = compile_entries(&store.get(module)?);
            let nanos = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
            self.compilations.fetch_add(1, Ordering::Relaxed);
            self.compile_nanos.fetch_add(nanos, Ordering::Relaxed);
            native
        })
        .clone()
    }
}

/// The module with these bytes compiled, if some entry of it compiled.
fn compile_entries(bytes: &[u8]) -> Option<Arc<Runnable>> {
    let compiled = CompiledModule::deserialize(bytes).ok()?;
    let module = NativeModule::compile(&compiled).ok()?;
    let entries = Entry::ALL.map(|entry| module.unit_function(entry.name()));
    (entries.iter().any(Option::is_some)).then(|| Arc::new(Runnable { module, entries }))
}

impl NativeTier for JitTier {
    fn run(
        &self,
        module: &ModuleId,
        entry: Entry,
        store: &ModuleStore,
        ctx: &mut DirectCtx<'_, '_>,
    ) -> Option<Status> {
        let native = self.module(module, store);
        let Some((index, native)) = native.and_then(|n| Some((n.entry(entry)?, n))) else {
            self.interpreted_frames.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        self.native_frames.fetch_add(1, Ordering::Relaxed);
        if entry == Entry::RunUniversal {
            self.universal_frames.fetch_add(1, Ordering::Relaxed);
        }
        // The entry takes and returns nothing (`compile_entries`), so the call is made.
        Some((native.module.run_unit(index, ctx)).unwrap_or(Status::Misdeclared))
    }
}
