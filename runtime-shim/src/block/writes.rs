//! The block's writes so far ([`BlockWrites`]), how a committed transaction's writes fold
//! into them ([`fold_write`]), and a state read through them ([`WritesOver`]): the
//! sequential executor's view, the state a hand-over goes on from, the state after the
//! system calls.

use std::{collections::HashMap, hash::Hash};

use foldhash::fast::RandomState;

use super::task::{BaseView, Delta, ReadError, View, Write};

/// Writes over a state, by key (`None`: deleted): the block's writes so far, the system
/// calls' writes. Hashed, as every state read that misses the journal probes them; sorted
/// once, when the block's output is made.
pub(super) type BlockWrites<K, V> = HashMap<K, Option<V>, RandomState>;

/// `base` with `writes` over it (a written key reads its write): a transaction's view in the
/// sequential executor (the writes of the transactions before it), the state after a
/// parallel execution's commits (where it hands the block over), the state after the system
/// calls (the base of the block's transactions). `B` may be unsized (`dyn` bases).
pub(super) struct WritesOver<'a, K, V, B: ?Sized> {
    pub(super) writes: &'a BlockWrites<K, V>,
    pub(super) base: &'a B,
}

impl<K, V, B> BaseView<K, V> for WritesOver<'_, K, V, B>
where
    K: Eq + Hash + Sync,
    V: Clone + Sync,
    B: BaseView<K, V> + ?Sized,
{
    fn read(&self, key: &K) -> Option<V> {
        match self.writes.get(key) {
            Some(value) => value.clone(),
            None => self.base.read(key),
        }
    }
}

impl<K, V, B> View<K, V> for WritesOver<'_, K, V, B>
where
    K: Eq + Hash + Sync,
    V: Clone + Sync,
    B: BaseView<K, V> + ?Sized,
{
    fn read(&self, key: &K) -> Result<Option<V>, ReadError> {
        Ok(BaseView::read(self, key))
    }
}

/// Folds a committed transaction's `write` of `key` into `writes`, the block's writes over
/// `base` before it: a delta applies to the value there, or to the base state.
pub(super) fn fold_write<K, V, D>(
    writes: &mut BlockWrites<K, V>,
    base: &(impl BaseView<K, V> + ?Sized),
    key: K,
    write: Write<V, D>,
) where
    K: Eq + Hash,
    D: Delta<V>,
{
    let value = match write {
        Write::Set(value) => Some(value),
        Write::Delete => None,
        Write::Delta(delta) => match writes.get(&key) {
            Some(before) => Some(delta.apply(before.as_ref())),
            None => Some(delta.apply(base.read(&key).as_ref())),
        },
    };
    writes.insert(key, value);
}
