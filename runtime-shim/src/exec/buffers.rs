//! What a transaction's host leaves for the next transaction on the same VM, so that a
//! block's transactions allocate their host buffers once: the journal (emptied by
//! [`Journal::finish`], its maps keeping their room) and the memories of ended frames.

use std::cell::RefCell;

use alloy_primitives::Log;

use crate::{
    host::{
        context::Host,
        env::{BlockEnv, Transaction},
    },
    journal::{Credits, Journal},
    state::{StateView, WriteSet},
};

/// The reusable buffers of one executing VM.
#[derive(Debug, Default)]
pub(super) struct HostBuffers {
    journal: Journal,
    memories: Vec<crate::host::memory::Memory>,
}

impl HostBuffers {
    /// A host for `tx` in `block` over `view` with these buffers (taken: a transaction that
    /// fails before [`HostBuffers::finish`] leaves none behind), its journal deferring credits
    /// if `defer_credits` (see [`Journal::deferring_credits`]).
    pub(super) fn host<'a>(
        &mut self,
        view: &'a dyn StateView,
        block: &'a BlockEnv,
        tx: &'a Transaction,
        defer_credits: bool,
    ) -> Host<'a> {
        let mut journal = std::mem::take(&mut self.journal);
        journal.restart(defer_credits);
        let mut host = Host::new(view, block, tx, journal);
        host.spare_memories = RefCell::new(std::mem::take(&mut self.memories));
        host
    }

    /// The transaction's write set, pending credits and logs ([`Journal::finish`]); the
    /// host's buffers are kept for the next transaction.
    pub(super) fn finish(&mut self, host: Host<'_>) -> (WriteSet, Credits, Vec<Log>) {
        let mut journal = host.journal.into_inner();
        let finished = journal.finish();
        self.journal = journal;
        self.memories = host.spare_memories.into_inner();
        finished
    }
}
