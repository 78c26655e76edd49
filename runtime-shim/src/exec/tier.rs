//! The native tier's hook (`DESIGN.md` §10): a runtime may be given a [`NativeTier`], which
//! runs a frame's entry ([`Entry`]: `run()`, or `run_universal()` when a speculation failed)
//! as machine code when it has compiled it; otherwise, and always in counting mode, the
//! interpreter runs it. The runtime crate never depends on the compiler
//! (the `evmove-native` crate implements this trait), as with the code provider.

use move_binary_format::errors::{Location, PartialVMError, VMError, VMResult};
use move_core_types::{identifier::IdentStr, language_storage::ModuleId};
use move_vm_runtime::session::SerializedReturnValues;

use crate::{
    host::{
        calls::Calls,
        context::{Frame, Host},
        native::FrameExtension,
    },
    module_store::ModuleStore,
    natives::direct::{DirectCtx, Status},
};

/// The functions of a transpiled module the runtime runs a frame on: each takes and returns
/// nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Entry {
    /// `run()`: every module's.
    Run,
    /// `run_universal()`: the code in universal form, beside a `run()` that speculates; a
    /// frame whose speculation failed runs again on it (`exec::frame`).
    RunUniversal,
}

impl Entry {
    /// Every entry.
    pub const ALL: [Entry; 2] = [Entry::Run, Entry::RunUniversal];

    /// The function's name.
    pub const fn name(self) -> &'static str {
        match self {
            Entry::Run => "run",
            Entry::RunUniversal => "run_universal",
        }
    }

    /// The entry named `function`, if it is one.
    pub fn of(function: &IdentStr) -> Option<Entry> {
        Self::ALL
            .into_iter()
            .find(|entry| entry.name() == function.as_str())
    }
}

/// Runs modules' entries as machine code.
pub trait NativeTier: Send + Sync {
    /// Runs `module::entry()` for the frame `ctx` holds if this tier has that function
    /// compiled (compiling the module from its bytes in `store` the first time): how it
    /// stopped. `None` if the function is outside the tier's subset: the interpreter runs
    /// it, and nothing has run.
    fn run(
        &self,
        module: &ModuleId,
        entry: Entry,
        store: &ModuleStore,
        ctx: &mut DirectCtx<'_, '_>,
    ) -> Option<Status>;
}

/// A tier shared with its owner (who reads what it did, say).
impl<T: NativeTier> NativeTier for std::sync::Arc<T> {
    fn run(
        &self,
        module: &ModuleId,
        entry: Entry,
        store: &ModuleStore,
        ctx: &mut DirectCtx<'_, '_>,
    ) -> Option<Status> {
        T::run(self, module, entry, store, ctx)
    }
}

/// The error the interpreter would have stopped with where machine code stopped with
/// `status` (none for [`Status::Continue`]): machine code stops with the statuses the Move VM
/// reports for the same execution, so a frame's end is read one way (`frame::frame_end`).
fn vm_error(module: &ModuleId, ctx: &DirectCtx<'_, '_>, status: Status) -> Option<VMError> {
    let (code, sub_status) = ctx.vm_status(status)?;
    let error = match sub_status {
        Some(sub_status) => PartialVMError::new(code).with_sub_status(sub_status),
        None => PartialVMError::new(code),
    };
    Some(error.finish(Location::Module(module.clone())))
}

/// What the native tier did with a frame.
pub(super) enum NativeRun {
    /// It ran the frame: the result as the interpreter's would be, and the frame after.
    Ran(VMResult<SerializedReturnValues>, Frame),
    /// It has not compiled the module: the frame, untouched, for the interpreter.
    Interpreter(Frame),
}

/// Runs `module::entry()` for `frame` in `tier` if it has the function compiled.
/// (`store` has the module's bytes; `calls` runs the frame's calls.)
pub(super) fn run_native<'a>(
    tier: &dyn NativeTier,
    store: &ModuleStore,
    module: &ModuleId,
    entry: Entry,
    host: &'a Host<'a>,
    calls: &'a dyn Calls,
    frame: Frame,
) -> NativeRun {
    let mut extension = FrameExtension { host, calls, frame };
    let mut ctx = DirectCtx::new(&mut extension);
    let Some(status) = tier.run(module, entry, store, &mut ctx) else {
        return NativeRun::Interpreter(extension.frame);
    };
    let result = match vm_error(module, &ctx, status) {
        Some(error) => Err(error),
        None => Ok(SerializedReturnValues {
            mutable_reference_outputs: Vec::new(),
            return_values: Vec::new(),
        }),
    };
    NativeRun::Ran(result, extension.frame)
}
