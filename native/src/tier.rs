//! The native tier as the runtime uses it ([`JitTier`], the runtime's `NativeTier`): each
//! module is compiled the first time a frame runs it, once, whichever thread asks first
//! (the others wait for it), and shared by every thread after. A module whose `run()` is
//! outside the subset, or that does not compile, runs on the interpreter.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, OnceLock,
    },
};

use evmove_runtime::{
    exec::tier::NativeTier,
    module_store::ModuleStore,
    natives::direct::{DirectCtx, Status},
};
use move_binary_format::CompiledModule;
use move_core_types::language_storage::ModuleId;

use crate::NativeModule;

/// The entry function of every transpiled module.
const RUN: &str = "run";

/// Modules compiled on demand, by id; `None` for a module the interpreter runs.
#[derive(Default)]
pub struct JitTier {
    modules: Mutex<HashMap<ModuleId, Arc<Compilation>>>,
    /// Frames run as machine code, and frames left to the interpreter.
    native_frames: AtomicU64,
    interpreted_frames: AtomicU64,
}

type Compilation = OnceLock<Option<Arc<NativeModule>>>;

impl JitTier {
    /// A tier that has compiled nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many frames ran as machine code, and how many were left to the interpreter.
    pub fn frames(&self) -> (u64, u64) {
        let load = |count: &AtomicU64| count.load(Ordering::Relaxed);
        (load(&self.native_frames), load(&self.interpreted_frames))
    }

    /// `module`, compiled from its bytes in `store` unless that was done before: `None` if
    /// its `run()` did not compile.
    pub fn module(&self, module: &ModuleId, store: &ModuleStore) -> Option<Arc<NativeModule>> {
        let cell = {
            let mut modules = (self.modules.lock()).unwrap_or_else(|poison| poison.into_inner());
            Arc::clone(modules.entry(module.clone()).or_default())
        };
        cell.get_or_init(|| {
            let bytes = store.get(module)?;
            let compiled = CompiledModule::deserialize(&bytes).ok()?;
            let native = NativeModule::compile(&compiled).ok()?;
            native.signature(RUN).is_some().then(|| Arc::new(native))
        })
        .clone()
    }
}

impl NativeTier for JitTier {
    fn run(
        &self,
        module: &ModuleId,
        store: &ModuleStore,
        ctx: &mut DirectCtx<'_, '_>,
    ) -> Option<Status> {
        let Some(native) = self.module(module, store) else {
            self.interpreted_frames.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        self.native_frames.fetch_add(1, Ordering::Relaxed);
        // `module` keeps `run` (it compiled with no parameters), so the call is made.
        match native.call(RUN, ctx, &[]) {
            Ok(Ok(_)) => Some(Status::Continue),
            Ok(Err(stop)) => Some(stop),
            Err(_) => Some(Status::Misdeclared),
        }
    }
}
