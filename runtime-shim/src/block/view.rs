//! [`TxnView`], a task's view in the parallel executor, one per execution: it reads the
//! multi-version memory and records every read with the version it saw.

use std::{
    cell::{Cell, RefCell},
    hash::Hash,
};

use super::{
    mvmemory::{Hashed, MvMemory, Read},
    task::{BaseView, Delta, ReadError, TxnIndex, View},
};

/// The reads an execution's record starts with room for (a token transfer makes about ten).
const READS: usize = 16;

/// One execution's view in the parallel executor. After a read hit an ESTIMATE, every read
/// returns the same [`ReadError::Dependency`], so the task cannot go on with a partial view.
pub(super) struct TxnView<'a, K, V, D, B> {
    memory: &'a MvMemory<K, V, D>,
    base: &'a B,
    txn: TxnIndex,
    /// Whether reads are recorded; not when they are final (nothing will validate them).
    record: bool,
    reads: RefCell<Vec<Read<K>>>,
    dependency: Cell<Option<TxnIndex>>,
}

impl<'a, K, V, D, B> TxnView<'a, K, V, D, B> {
    /// The view of an execution of `txn`; `record`: whether its reads are recorded for
    /// validation (not when every transaction below is committed: they are final).
    pub(super) fn new(
        memory: &'a MvMemory<K, V, D>,
        base: &'a B,
        txn: TxnIndex,
        record: bool,
    ) -> Self {
        Self {
            memory,
            base,
            txn,
            record,
            reads: RefCell::new(Vec::with_capacity(if record { READS } else { 0 })),
            dependency: Cell::new(None),
        }
    }

    /// The reads made (none if they were not recorded), or the transaction the execution
    /// depends on when a read hit an ESTIMATE (then the execution's result means nothing).
    pub(super) fn finish(self) -> Result<Vec<Read<K>>, TxnIndex> {
        match self.dependency.get() {
            Some(blocking) => Err(blocking),
            None => Ok(self.reads.into_inner()),
        }
    }
}

impl<K, V, D, B> View<K, V> for TxnView<'_, K, V, D, B>
where
    K: Clone + Eq + Hash + Ord,
    V: Clone,
    D: Delta<V>,
    B: BaseView<K, V>,
{
    fn read(&self, key: &K) -> Result<Option<V>, ReadError> {
        if let Some(blocking) = self.dependency.get() {
            return Err(ReadError::Dependency(blocking));
        }
        let hash = self.memory.hash(key);
        match self.memory.read(key, hash, self.txn, self.base) {
            Ok((value, origin)) => {
                if self.record {
                    let key = Hashed {
                        key: key.clone(),
                        hash,
                    };
                    self.reads.borrow_mut().push(Read { key, origin });
                }
                Ok(value)
            }
            Err(blocking) => {
                self.dependency.set(Some(blocking));
                Err(ReadError::Dependency(blocking))
            }
        }
    }
}
