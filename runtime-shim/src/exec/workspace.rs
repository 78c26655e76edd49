//! What one execution uses and the next reuses ([`Workspace`]: a VM, the host's buffers, the
//! worker's memo of code → module), and where idle ones wait ([`Workspaces`]): in a pool
//! shared by the runtime's threads, or held by one thread for as long as it works on a block
//! ([`Workspaces::holding`]). A block's worker so takes the pool's lock once per block, not
//! twice per transaction: a lock every worker writes is a cache line they bounce between
//! cores.

use std::{cell::Cell, sync::Mutex};

use move_vm_runtime::move_vm::MoveVM;

use super::{
    buffers::HostBuffers,
    modules::{new_vm, ResolvedMemo},
};

/// What executes a transaction: a VM of its own (every Move function call reads its VM's
/// loader cache, a lock and reference counts, so threads executing at once each use their
/// own), the host buffers its last transaction left, and the code → module answers it had.
pub(super) struct Workspace {
    pub(super) vm: MoveVM,
    pub(super) buffers: HostBuffers,
    pub(super) resolved: ResolvedMemo,
}

/// The idle workspaces of one runtime. A VM loads a module from the module store the first
/// time it runs it; there are as many workspaces as executions ever ran at once.
#[derive(Default)]
pub(super) struct Workspaces {
    /// Boxed, so that a workspace moves between the pool and a thread's hold as a pointer
    /// and keeps its address (the VM's loader is large).
    #[allow(clippy::vec_box)]
    idle: Mutex<Vec<Box<Workspace>>>,
}

thread_local! {
    /// The workspace this thread holds ([`Workspaces::holding`]), with the address of the
    /// pool it belongs to. Empty while an execution has it out.
    static HELD: Cell<Option<(usize, Box<Workspace>)>> = const { Cell::new(None) };
}

impl Workspaces {
    /// Runs `f` with a workspace of its own: the one this thread holds from this pool, or an
    /// idle one, or a new one; `None` if no VM can be made.
    pub(super) fn with<R>(&self, f: impl FnOnce(Option<&mut Workspace>) -> R) -> R {
        match HELD.take() {
            Some((pool, mut workspace)) if pool == self.address() => {
                let result = f(Some(&mut workspace));
                HELD.set(Some((pool, workspace)));
                return result;
            }
            other => HELD.set(other),
        }
        let Some(mut workspace) = self.take() else {
            return f(None);
        };
        let result = f(Some(&mut workspace));
        self.put(workspace);
        result
    }

    /// Runs `work` with this thread holding a workspace of this pool, which every execution
    /// of the pool's runtime on this thread uses; it goes back to the pool afterwards (on a
    /// panic too).
    pub(super) fn holding<R>(&self, work: impl FnOnce() -> R) -> R {
        let Some(workspace) = self.take() else {
            return work();
        };
        let outer = HELD.replace(Some((self.address(), workspace)));
        let _give_back = GiveBack {
            pool: self,
            outer: Cell::new(outer),
        };
        work()
    }

    fn take(&self) -> Option<Box<Workspace>> {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        match idle {
            Some(workspace) => Some(workspace),
            None => Some(Box::new(Workspace {
                vm: new_vm().ok()?,
                buffers: HostBuffers::default(),
                resolved: ResolvedMemo::default(),
            })),
        }
    }

    fn put(&self, workspace: Box<Workspace>) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(workspace);
        }
    }

    /// Tells this pool from others in [`HELD`]: the pool is borrowed for as long as a thread
    /// holds one of its workspaces, so no other pool has its address meanwhile.
    fn address(&self) -> usize {
        std::ptr::from_ref(self) as usize
    }
}

/// Ends a [`Workspaces::holding`]: gives the workspace back to its pool and restores what the
/// thread held before.
struct GiveBack<'a> {
    pool: &'a Workspaces,
    outer: Cell<Option<(usize, Box<Workspace>)>>,
}

impl Drop for GiveBack<'_> {
    fn drop(&mut self) {
        if let Some((_, workspace)) = HELD.replace(self.outer.take()) {
            self.pool.put(workspace);
        }
    }
}
