//! What the block executor needs from the outside, and nothing else: the transaction-execution
//! [`Task`], the [`View`] a task reads state through, the [`BaseView`] of the state before the
//! block, and the [`Write`]s a task returns. The scheduler and the multi-version memory see
//! only these traits, never the Move VM.
//!
//! # The contract a task must keep
//!
//! - **Determinism.** Given the same values from [`View::read`], an execution makes the same
//!   reads and returns the same result. The executor validates an execution by checking that
//!   every read would still see the same version; it relies on nothing else.
//! - **Termination on any input.** A speculative execution may see a state that no sequential
//!   order produces (an invariant that holds in every real state can be broken). It must still
//!   end, by returning any `Ok` or `Err` (gas bounds loops); it must not panic on such a
//!   state. Its result is thrown away unless its reads validate, so such a failure is never
//!   the transaction's result.
//! - **Stop on a dependency.** When [`View::read`] returns [`ReadError::Dependency`], the
//!   execution should stop as soon as it can and return anything (the executor remembers the
//!   dependency itself and ignores the result); every later read of that view returns the
//!   same error.
//! - **One write per key.** A write set names each key at most once.
//! - **Deltas do not read.** A transaction that changes a value without reading it (value
//!   credited to a shared recipient) returns [`Write::Delta`] instead of reading the value and
//!   writing the sum: then it does not conflict with other transactions that do the same.
//!   A transaction that reads the key anyway should write the full value.

use std::{
    collections::{BTreeMap, HashMap},
    hash::{BuildHasher, Hash},
};

/// A transaction's position in its block, from 0.
pub type TxnIndex = usize;

/// How many times a transaction's execution started over, from 0.
pub type Incarnation = u32;

/// Executes one transaction. Implemented by the runtime (the Move VM over the host state) and
/// by the tests' synthetic transactions; see the module doc for the contract.
pub trait Task: Sync {
    /// A transaction of the block.
    type Txn: Sync;
    /// A state key: in evmove, an account (nonce and balance), an account's code, or one
    /// storage slot (`DESIGN.md` §6). Ordered so that the block's write set is deterministic.
    /// Owned (`'static`), as values and deltas, so a block's memory can be freed on a thread
    /// of its own.
    type Key: Clone + Eq + Hash + Ord + Send + Sync + 'static;
    /// The value stored at a key. Cloned on every read: keep big values (code) behind an `Arc`.
    type Value: Clone + Send + Sync + 'static;
    /// A change to a value that does not read it ([`NoDelta`] when a task has none).
    type Delta: Delta<Self::Value> + 'static;
    /// What a transaction returns besides its writes (status, return data, logs).
    type Output: Send;
    /// Why a transaction could not be executed at all (a failure of the host, not an EVM
    /// revert or halt, which are outputs).
    type Error: Send;

    /// Executes `txn`, reading state only through `view`. [`View`] is object safe: a task
    /// may keep `view` as a `&dyn View<Self::Key, Self::Value>`.
    fn execute(
        &self,
        txn: &Self::Txn,
        view: &impl View<Self::Key, Self::Value>,
    ) -> Result<Execution<Self>, Self::Error>;

    /// Runs one worker's share of a block (all the executions one thread makes): a task
    /// may hold for its length what each execution would otherwise take and give back
    /// (the runtime: a VM and its buffers). The default holds nothing.
    fn worker<R>(&self, work: impl FnOnce() -> R) -> R {
        work()
    }
}

/// What a successful execution returns: its output and its write set.
pub struct Execution<T: Task + ?Sized> {
    /// The transaction's output.
    pub output: T::Output,
    /// The keys the transaction changed, each at most once.
    pub writes: WriteSet<T>,
}

/// A transaction's writes: each key it changed, at most once, with its change.
pub type WriteSet<T> = Vec<(
    <T as Task>::Key,
    Write<<T as Task>::Value, <T as Task>::Delta>,
)>;

/// One key's change in a write set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Write<V, D> {
    /// The key now holds this value.
    Set(V),
    /// The key no longer exists (a later read returns `None`).
    Delete,
    /// The key's value changes by this delta, applied to whatever value the key has before
    /// the transaction, without the transaction reading it.
    Delta(D),
}

/// A change to a value that is applied where the value is read or committed, not where the
/// transaction runs (a balance credit). Deltas of one key are applied in transaction order.
pub trait Delta<V>: Clone + Send + Sync {
    /// The value after this change, given the value before it (`None`: the key is absent).
    fn apply(&self, before: Option<&V>) -> V;
}

/// The delta type of a task that writes only full values: it has no values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoDelta {}

impl<V> Delta<V> for NoDelta {
    fn apply(&self, _: Option<&V>) -> V {
        match *self {}
    }
}

/// A transaction's view of the state: the block's base state under the writes of the
/// transactions before it.
pub trait View<K, V> {
    /// The value at `key` (`None`: absent).
    fn read(&self, key: &K) -> Result<Option<V>, ReadError>;
}

/// Why a read returned no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The value depends on a lower transaction that is being executed again: this execution
    /// is stopped and resumed after that transaction is done. Never returned by a sequential
    /// execution.
    #[error("read depends on transaction {0}, which is being re-executed")]
    Dependency(TxnIndex),
}

/// The state before the block, shared by all its transactions.
pub trait BaseView<K, V>: Sync {
    /// The value at `key` before the block (`None`: absent).
    fn read(&self, key: &K) -> Option<V>;
}

impl<K: Ord + Sync, V: Clone + Sync> BaseView<K, V> for BTreeMap<K, V> {
    fn read(&self, key: &K) -> Option<V> {
        self.get(key).cloned()
    }
}

impl<K: Eq + Hash + Sync, V: Clone + Sync, S: BuildHasher + Sync> BaseView<K, V>
    for HashMap<K, V, S>
{
    fn read(&self, key: &K) -> Option<V> {
        self.get(key).cloned()
    }
}
