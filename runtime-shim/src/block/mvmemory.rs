//! Multi-version memory: for every key, the writes of the block's transactions by transaction
//! index, and for every transaction, the keys it last wrote and the versions it last read.
//!
//! # Invariants
//!
//! - A key's entry for transaction `i` is the write of `i`'s last recorded incarnation, or an
//!   ESTIMATE once that incarnation was aborted by a failed validation. An ESTIMATE stays
//!   until `i`'s next incarnation is recorded, which overwrites it or removes it.
//! - A read by transaction `i` sees the entries below `i` only. It resolves to the highest
//!   such entry; when that is a delta, it goes on down to the next full write (or to the base
//!   state) and applies the deltas on the way up, in transaction order. Hitting an ESTIMATE
//!   anywhere on that way makes the read depend on the ESTIMATE's transaction.
//! - A read is recorded with the [`Origin`] it resolved to, the versions of every entry it
//!   used. Validation resolves each recorded read again and requires the same origin; a
//!   read-set thus validates exactly when the transaction would read the same values now.
//! - The write-set keys of an incarnation are recorded (sorted) before its read set and before
//!   the scheduler learns it finished, so a validator never sees a read set whose writes are
//!   missing.
//! - A committed transaction's entries never change again: [`MvMemory::commit`] folds them,
//!   in commit order, into the block's write set as soon as it is committed.
//!
//! # Costs
//!
//! Every read, validation, write and commit looks a key up. A key is hashed once per
//! execution that reads or writes it, with a fast seeded hasher (foldhash, not SipHash), and
//! the hash travels with it ([`Hashed`]: in the read record, in the written keys): the same
//! hash picks the lock shard (from middle bits, which the shard table's own bucket and tag
//! bits do not use) and the key's place in the shard's table, and validations and commits
//! hash nothing. A key's entries are a vector sorted by transaction index, not a tree: most keys are
//! written by one or two transactions, and executions record them roughly in index order
//! (appends). A validation compares what a read resolves to now with what it resolved to
//! without allocating, and a read allocates only when it merges deltas.

use std::{
    hash::{BuildHasher, Hash},
    sync::{Mutex, MutexGuard},
};

use foldhash::fast::RandomState;
use hashbrown::{hash_table, HashTable};

use super::{
    padded::Padded,
    task::{BaseView, Delta, Incarnation, TxnIndex, Write},
    writes::{fold_write, BlockWrites},
};

/// One execution of a transaction: its index and incarnation.
pub(super) type Version = (TxnIndex, Incarnation);

/// What a read resolved to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Origin {
    /// No transaction below wrote the key: the base state.
    Base,
    /// The full write (`Set` or `Delete`) of this version.
    Version(Version),
    /// Deltas, from the highest down, then the full write they apply to, if any (if none, they
    /// apply to the base state).
    Merged(Box<[Version]>),
}

/// A key with its hash in the multi-version memory ([`MvMemory::hash`]).
pub(super) struct Hashed<K> {
    pub(super) key: K,
    pub(super) hash: u64,
}

/// A recorded read: the key and what it resolved to.
pub(super) struct Read<K> {
    pub(super) key: Hashed<K>,
    pub(super) origin: Origin,
}

enum Entry<V, D> {
    Written(Incarnation, Write<V, D>),
    Estimate,
}

/// A key's entries, sorted by transaction index (each index at most once).
type Versions<V, D> = Vec<(TxnIndex, Entry<V, D>)>;

/// A lock shard of the key map: each key with its entries, found by the key's hash.
type Table<K, V, D> = HashTable<(K, Versions<V, D>)>;
type Shard<K, V, D> = Mutex<Table<K, V, D>>;

/// Number of lock shards of the key map: enough that workers seldom wait on each other.
const SHARDS: usize = 64;

pub(super) struct MvMemory<K, V, D> {
    hasher: RandomState,
    shards: Box<[Shard<K, V, D>]>,
    txns: Box<[Padded<Access<K, V, D>>]>,
}

/// A key of a write set, hashed, with its write.
type HashedWrite<K, V, D> = (Hashed<K>, Write<V, D>);

/// What a transaction's last recorded incarnation accessed, alone on its cache lines (the
/// workers record neighbouring transactions).
struct Access<K, V, D> {
    /// Its write set, sorted by key: a copy of its entries, which its commit takes as they are
    /// (without looking them up).
    written: Mutex<Vec<HashedWrite<K, V, D>>>,
    /// Its read set.
    reads: Mutex<Vec<Read<K>>>,
}

impl<K, V, D> Default for Access<K, V, D> {
    fn default() -> Self {
        Self {
            written: Mutex::default(),
            reads: Mutex::default(),
        }
    }
}

/// Locks `mutex`, ignoring poisoning: a worker that panicked leaves the block halted, and its
/// panic is what the caller sees.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The entries below `txn`, from the highest down; an ESTIMATE is `Err` of its transaction.
fn below<V, D>(
    versions: &Versions<V, D>,
    txn: TxnIndex,
) -> impl Iterator<Item = Result<(Version, &Write<V, D>), TxnIndex>> {
    let (Ok(end) | Err(end)) = position(versions, txn);
    versions[..end].iter().rev().map(|(i, entry)| match entry {
        Entry::Written(incarnation, write) => Ok(((*i, *incarnation), write)),
        Entry::Estimate => Err(*i),
    })
}

/// Where `txn`'s entry is in `versions`, or where it would go. After the last entry, the
/// common case, is found without a search: a key every transaction writes (the coinbase's
/// credit) has as many entries as the block has transactions, and a binary search of them
/// would take a dozen cache lines.
fn position<V, D>(versions: &Versions<V, D>, txn: TxnIndex) -> Result<usize, usize> {
    match versions.last() {
        Some(&(last, _)) if last < txn => Err(versions.len()),
        _ => versions.binary_search_by_key(&txn, |&(i, _)| i),
    }
}

/// Whether a read by `txn` resolves now to `recorded` (for validation; allocates nothing).
fn resolves_to<V, D>(versions: Option<&Versions<V, D>>, txn: TxnIndex, recorded: &Origin) -> bool {
    let mut entries = versions
        .into_iter()
        .flat_map(|versions| below(versions, txn));
    match recorded {
        Origin::Base => entries.next().is_none(),
        Origin::Version(version) => match entries.next() {
            Some(Ok((found, Write::Set(_) | Write::Delete))) => found == *version,
            _ => false,
        },
        Origin::Merged(merged) => {
            // The same entries, in the same order, ending where the recorded read ended: at
            // its full write, or at the base state.
            let mut used = 0;
            for entry in entries {
                let Ok((found, write)) = entry else {
                    return false;
                };
                if merged.get(used) != Some(&found) {
                    return false;
                }
                used += 1;
                if !matches!(write, Write::Delta(_)) {
                    break;
                }
            }
            used == merged.len()
        }
    }
}

impl<K, V, D> MvMemory<K, V, D>
where
    K: Clone + Eq + Hash + Ord,
    V: Clone,
    D: Delta<V>,
{
    /// The memory of a block of `block_len` transactions, with room for `keys` keys.
    pub(super) fn new(block_len: usize, keys: usize) -> Self {
        Self {
            shards: (0..SHARDS)
                .map(|_| Mutex::new(HashTable::with_capacity(keys / SHARDS)))
                .collect(),
            hasher: RandomState::default(),
            txns: (0..block_len).map(|_| Padded::default()).collect(),
        }
    }

    /// The hash of `key`, which every lookup of it takes.
    pub(super) fn hash(&self, key: &K) -> u64 {
        self.hasher.hash_one(key)
    }

    fn shard(&self, hash: u64) -> MutexGuard<'_, Table<K, V, D>> {
        lock(&self.shards[(hash >> 32) as usize % SHARDS])
    }

    /// The entries of `key` (of hash `hash`) in its shard.
    fn versions<'t>(table: &'t Table<K, V, D>, key: &K, hash: u64) -> Option<&'t Versions<V, D>> {
        let found = table.find(hash, |(k, _)| k == key);
        found.map(|(_, versions)| versions)
    }

    /// The entries of `key` in its shard, for changing them.
    fn versions_mut<'t>(
        table: &'t mut Table<K, V, D>,
        key: &Hashed<K>,
    ) -> Option<&'t mut Versions<V, D>> {
        let found = table.find_mut(key.hash, |(k, _)| *k == key.key);
        found.map(|(_, versions)| versions)
    }

    /// The value `txn` reads at `key` (of hash `hash`) and its origin, or `Err` of the
    /// transaction whose ESTIMATE the read hit.
    pub(super) fn read(
        &self,
        key: &K,
        hash: u64,
        txn: TxnIndex,
        base: &impl BaseView<K, V>,
    ) -> Result<(Option<V>, Origin), TxnIndex> {
        // Clone what the read needs under the shard lock; read the base state after it. The
        // common reads (of the base state, of one full write) allocate nothing.
        let mut deltas = Vec::new();
        let mut merged = Vec::new();
        let mut bottom = None;
        {
            let shard = self.shard(hash);
            let versions = Self::versions(&shard, key, hash);
            for entry in versions.into_iter().flat_map(|v| below(v, txn)) {
                let (version, write) = entry?;
                merged.push(version);
                match write {
                    Write::Delta(delta) => deltas.push(delta.clone()),
                    Write::Set(value) => {
                        bottom = Some(Some(value.clone()));
                        break;
                    }
                    Write::Delete => {
                        bottom = Some(None);
                        break;
                    }
                }
            }
        }
        let origin = match (&merged[..], deltas.is_empty()) {
            ([], _) => Origin::Base,
            (&[version], true) => Origin::Version(version),
            _ => Origin::Merged(merged.into()),
        };
        let mut value = bottom.unwrap_or_else(|| base.read(key));
        for delta in deltas.iter().rev() {
            value = Some(delta.apply(value.as_ref()));
        }
        Ok((value, origin))
    }

    /// Records an incarnation of `txn`: its writes replace those of the previous incarnation
    /// (entries of keys it no longer writes are removed), and its reads replace the previous
    /// read set. Returns whether it wrote a key the previous incarnation did not.
    pub(super) fn record(
        &self,
        txn: TxnIndex,
        incarnation: Incarnation,
        writes: Vec<(K, Write<V, D>)>,
        reads: Vec<Read<K>>,
    ) -> bool {
        let mut keys = Vec::with_capacity(writes.len());
        for (key, write) in writes {
            let key = Hashed {
                hash: self.hash(&key),
                key,
            };
            let entry = Entry::Written(incarnation, write.clone());
            let mut shard = self.shard(key.hash);
            let hasher = |(k, _): &(K, _)| self.hasher.hash_one(k);
            let versions = match shard.entry(key.hash, |(k, _)| *k == key.key, hasher) {
                hash_table::Entry::Occupied(found) => &mut found.into_mut().1,
                // Most keys are written by one transaction of the block: room for one
                // entry, not the four a first push makes room for (a block writes tens of
                // thousands of keys, and every new byte is a page the kernel zeroes).
                hash_table::Entry::Vacant(vacant) => {
                    let versions = Vec::with_capacity(1);
                    &mut vacant.insert((key.key.clone(), versions)).into_mut().1
                }
            };
            match position(versions, txn) {
                Ok(at) => versions[at].1 = entry,
                Err(at) => versions.insert(at, (txn, entry)),
            }
            drop(shard);
            keys.push((key, write));
        }
        keys.sort_unstable_by(|(a, _), (b, _)| a.key.cmp(&b.key));
        keys.dedup_by(|(a, _), (b, _)| a.key == b.key);
        let mut written = lock(&self.txns[txn].written);
        let is_written = |keys: &[HashedWrite<K, V, D>], key: &Hashed<K>| {
            keys.binary_search_by(|(k, _)| k.key.cmp(&key.key)).is_ok()
        };
        let wrote_new_key = keys.iter().any(|(key, _)| !is_written(&written, key));
        for (key, _) in written.iter() {
            if !is_written(&keys, key) {
                let mut shard = self.shard(key.hash);
                let found = shard.find_entry(key.hash, |(k, _)| *k == key.key);
                if let Ok(mut found) = found {
                    let versions = &mut found.get_mut().1;
                    if let Ok(at) = position(versions, txn) {
                        versions.remove(at);
                    }
                    if versions.is_empty() {
                        found.remove();
                    }
                }
            }
        }
        *written = keys;
        drop(written);
        *lock(&self.txns[txn].reads) = reads;
        wrote_new_key
    }

    /// Turns every write of `txn`'s last recorded incarnation into an ESTIMATE.
    pub(super) fn convert_writes_to_estimates(&self, txn: TxnIndex) {
        for (key, _) in lock(&self.txns[txn].written).iter() {
            let mut shard = self.shard(key.hash);
            if let Some(versions) = Self::versions_mut(&mut shard, key) {
                if let Ok(at) = position(versions, txn) {
                    versions[at].1 = Entry::Estimate;
                }
            }
        }
    }

    /// Whether every read of `txn`'s last recorded read set still resolves to the same origin.
    pub(super) fn validate(&self, txn: TxnIndex) -> bool {
        lock(&self.txns[txn].reads).iter().all(|read| {
            let shard = self.shard(read.key.hash);
            let versions = Self::versions(&shard, &read.key.key, read.key.hash);
            resolves_to(versions, txn, &read.origin)
        })
    }

    /// Folds the writes of `txn`, just committed, into `writes`, the block's write set after
    /// the transactions below it (every key written so far, with its value; `None`: deleted),
    /// making it the write set after `txn`. Called by the committer, in commit order: then
    /// `txn`'s entries are final, and its copy of them is taken (nothing asks for it again).
    /// Its read set is freed too: a committed transaction is never validated again (a late
    /// validation job finds it committed), and so the memory of the read sets in flight is
    /// used again by the next executions instead of fresh pages for every transaction.
    pub(super) fn commit(
        &self,
        txn: TxnIndex,
        writes: &mut BlockWrites<K, V>,
        base: &impl BaseView<K, V>,
    ) {
        let committed = std::mem::take(&mut *lock(&self.txns[txn].written));
        for (key, write) in committed {
            fold_write(writes, base, key.key, write);
        }
        drop(std::mem::take(&mut *lock(&self.txns[txn].reads)));
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// Adds to a value (absent: 0).
    #[derive(Clone, Debug, PartialEq)]
    struct Add(u64);

    impl Delta<u64> for Add {
        fn apply(&self, before: Option<&u64>) -> u64 {
            before.copied().unwrap_or(0) + self.0
        }
    }

    type Memory = MvMemory<&'static str, u64, Add>;

    fn read(memory: &Memory, key: &'static str, txn: TxnIndex) -> (Option<u64>, Origin) {
        let base = BTreeMap::from([("a", 100)]);
        memory.read(&key, memory.hash(&key), txn, &base).unwrap()
    }

    fn merged(versions: &[Version]) -> Origin {
        Origin::Merged(versions.into())
    }

    #[test]
    fn reads_resolve_to_the_highest_lower_write_and_apply_deltas_above_it() {
        let memory = Memory::new(6, 0);
        memory.record(1, 0, vec![("a", Write::Delta(Add(1)))], Vec::new());
        memory.record(2, 0, vec![("a", Write::Set(10))], Vec::new());
        memory.record(4, 0, vec![("a", Write::Delta(Add(5)))], Vec::new());
        memory.record(5, 0, vec![("b", Write::Delete)], Vec::new());
        assert_eq!(read(&memory, "a", 0), (Some(100), Origin::Base));
        assert_eq!(read(&memory, "a", 1), (Some(100), Origin::Base));
        assert_eq!(read(&memory, "a", 2), (Some(101), merged(&[(1, 0)])));
        assert_eq!(read(&memory, "a", 3), (Some(10), Origin::Version((2, 0))));
        assert_eq!(read(&memory, "a", 5), (Some(15), merged(&[(4, 0), (2, 0)])));
        assert_eq!(read(&memory, "b", 5), (None, Origin::Base));
        let mut writes = BlockWrites::default();
        let base = BTreeMap::from([("a", 100), ("b", 7)]);
        for txn in 0..6 {
            memory.commit(txn, &mut writes, &base);
        }
        let writes: BTreeMap<_, _> = writes.into_iter().collect();
        assert_eq!(writes, BTreeMap::from([("a", Some(15)), ("b", None)]));
    }

    #[test]
    fn an_estimate_anywhere_on_the_way_down_is_a_dependency() {
        let memory = Memory::new(6, 0);
        memory.record(2, 0, vec![("a", Write::Set(10))], Vec::new());
        memory.record(4, 0, vec![("a", Write::Delta(Add(5)))], Vec::new());
        memory.convert_writes_to_estimates(2);
        let base = BTreeMap::new();
        let a = memory.hash(&"a");
        assert_eq!(memory.read(&"a", a, 5, &base), Err(2));
        assert_eq!(memory.read(&"a", a, 3, &base), Err(2));
        assert_eq!(memory.read(&"a", a, 2, &base), Ok((None, Origin::Base)));
    }

    #[test]
    fn validation_fails_when_a_read_would_resolve_differently() {
        let memory = Memory::new(6, 0);
        let read_at = |txn| Read {
            key: Hashed {
                key: "a",
                hash: memory.hash(&"a"),
            },
            origin: read(&memory, "a", txn).1,
        };
        assert!(memory.record(2, 0, vec![("a", Write::Set(10))], Vec::new()));
        let (three, five) = (read_at(3), read_at(5));
        memory.record(3, 0, Vec::new(), vec![three]);
        memory.record(5, 0, Vec::new(), vec![five]);
        assert!(memory.validate(3) && memory.validate(5));
        // A new write between them invalidates only the reader above it.
        assert!(memory.record(4, 0, vec![("a", Write::Delta(Add(1)))], Vec::new()));
        assert!(memory.validate(3) && !memory.validate(5));
        // A new incarnation of the write both read invalidates both, even with the same keys.
        assert!(!memory.record(2, 1, vec![("a", Write::Set(10))], Vec::new()));
        assert!(!memory.validate(3));
        // An incarnation that no longer writes the key removes its entry.
        assert!(!memory.record(2, 2, Vec::new(), Vec::new()));
        assert_eq!(read(&memory, "a", 3), (Some(100), Origin::Base));
    }
}
