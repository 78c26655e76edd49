//! The Block-STM scheduler (Gelashvili et al., "Block-STM", PPoPP 2023, §4): hands out
//! execution and validation jobs so that every transaction ends up executed and validated
//! against the final writes of all transactions below it.
//!
//! # State
//!
//! - `execution_idx` / `validation_idx`: the lowest transaction that may still need an
//!   execution / a validation; workers take jobs by incrementing them, and a job that
//!   invalidates other work lowers them. Validation jobs are handed out only once the block
//!   has seen a conflict (an aborted incarnation); before, commits alone validate.
//! - `commit_idx`: the transactions below it are committed, in order: final.
//! - Per transaction, under one lock: its incarnation and its [`Stage`]:
//!   `ReadyToExecute(i) → Executing(i) → Executed(i) → Committed(i)`, with `Aborting(i)` from
//!   `Executed(i)` when a validation fails, or from `Executing(i)` when the execution hit a
//!   dependency; both end in `ReadyToExecute(i + 1)`.
//! - Per transaction, the transactions waiting for it to finish executing.
//!
//! # Invariants
//!
//! - One execution of a transaction at a time: only the worker that moved it to `Executing`
//!   executes it.
//! - A transaction that hits an ESTIMATE of transaction `j` is parked in `j`'s dependency list
//!   (unless `j` is already `Executed`, then it runs again at once) and its worker takes other
//!   work: no worker waits while work is available. When `j` finishes executing, every parked
//!   transaction becomes `ReadyToExecute` and `execution_idx` is lowered to the lowest of them.
//! - When an execution of `j` wrote a key its previous incarnation did not, every transaction
//!   above `j` is validated again (`validation_idx` lowered to `j`); otherwise only `j` is.
//!   These validations only find conflicts early (before the commit that would find them):
//!   until the block has seen a conflict (an aborted incarnation) they are not started, and
//!   `j` itself is not validated when its reads were final (below). When a validation of `j`
//!   fails, `j`'s writes become ESTIMATEs before `j` can run again, and every transaction
//!   above `j` is validated again. So, once the block has seen a conflict, every transaction
//!   whose reads a later execution invalidates is validated again after that execution,
//!   fails, and runs again; before, its commit finds it.
//! - Commit: transaction `k` is committed when all below it are, it is `Executed`, and its read
//!   set validates (checked by the committing worker, under `k`'s status lock, so `k` cannot be
//!   aborted meanwhile). The writes below `k` are then final, so `k`'s reads are those of the
//!   sequential order. If they do not validate, they never will: the committer aborts `k` as a
//!   failed validation would. A committed transaction is never aborted again (a late
//!   validation that fails on a stale view finds it `Committed` and does nothing).
//! - Final reads: an execution of `k` that started when every transaction below `k` was
//!   committed read only final writes (committed ones never change), so its read set is valid
//!   now and forever: it is neither recorded nor validated, and `k` commits as soon as it is
//!   `Executed`. When the window has closed on a chain of dependent transactions, almost
//!   every execution is such, and the block costs a little more than a sequential execution:
//!   the [`Fallback`] (`handover.rs`) then hands the rest of the block to the sequential
//!   executor.
//! - The block is done when every transaction is committed, or when a committed transaction
//!   failed (the block's result is that failure), or when it was handed over, or when a
//!   worker panicked.
//!
//! # Speculation window
//!
//! With [`Speculation::Adaptive`] (the default; [`Speculation::Unbounded`] leaves the window at
//! the whole block), a heuristic that changes which jobs are handed out, never a result: a new
//! execution starts only for a transaction less than `window` past the lowest uncommitted
//! one. The window starts at the whole block, halves on every aborted incarnation (down to one
//! transaction: the lowest uncommitted one can always run, so the block always progresses),
//! and grows per transaction committed at its first incarnation: by a sixteenth of a
//! transaction when that execution was speculative (it started before every transaction
//! below was committed, and its reads held: speculation paid), by a 256th when it was not
//! (no evidence either way: the window only probes now and then whether speculation would
//! pay again; on a chain, each probe costs a stale execution or two). A block without
//! conflicts keeps it wide open; in a chain of dependent transactions it closes, and the
//! workers stop burning cores on executions that read stale values (on a shared machine that
//! time is taken from the one execution that matters), and the transactions are executed,
//! one after the other, mostly by the same worker.

use std::sync::{
    atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst},
    Mutex, MutexGuard, OnceLock,
};

use super::{
    config::{Fallback, Speculation},
    handover::HandOver,
    mvmemory::{lock, Version},
    padded::Padded,
    task::{Incarnation, TxnIndex},
};

/// Work for a worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Job {
    /// Execute this incarnation.
    Execute(Version),
    /// Validate the read set of this incarnation.
    Validate(Version),
}

/// The speculation window grows in steps of one transaction divided by this.
const WINDOW_UNIT: usize = 256;

/// How many steps the window grows by when a speculative execution is committed (one
/// step when a non-speculative one is).
const SPECULATION_PAID: usize = 16;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Stage {
    #[default]
    ReadyToExecute,
    Executing,
    Executed,
    Aborting,
    Committed,
}

#[derive(Default)]
struct Status {
    incarnation: Incarnation,
    stage: Stage,
    /// Whether the reads of the last finished execution are final: it started when every
    /// transaction below was committed, so it read only final writes, and its read set
    /// validates now and forever.
    final_reads: bool,
}

/// The committer's state.
struct Commits {
    /// The next transaction to commit.
    next: TxnIndex,
    hand_over: HandOver,
}

/// A transaction's state in the scheduler, alone on its cache lines (the workers run
/// neighbouring transactions).
#[derive(Default)]
struct Txn {
    status: Mutex<Status>,
    /// The transactions parked until this one finishes executing.
    dependents: Mutex<Vec<TxnIndex>>,
}

/// The counters every worker writes are each on cache lines of their own; the fields read
/// on every job and seldom written share one.
pub(super) struct Scheduler {
    block_len: usize,
    execution_idx: Padded<AtomicUsize>,
    validation_idx: Padded<AtomicUsize>,
    commit_idx: Padded<Mutex<Commits>>,
    /// `commit_idx`'s next transaction, readable without its lock.
    committed: Padded<AtomicUsize>,
    /// The speculation window, in [`WINDOW_UNIT`]s.
    window: AtomicUsize,
    /// Whether the window adapts; if not, it stays at the whole block.
    adaptive: bool,
    /// Whether an incarnation of the block was aborted (on a failed validation).
    conflicted: AtomicBool,
    done: AtomicBool,
    /// Where the block was handed to the sequential executor, if it was: the transactions
    /// below are committed, the others are left to it.
    handed_over: OnceLock<TxnIndex>,
    /// Workers not yet at work (see [`HandOver::after_commit`]).
    unstarted: AtomicUsize,
    txns: Box<[Padded<Txn>]>,
}

impl Scheduler {
    pub(super) fn new(
        block_len: usize,
        speculation: Speculation,
        fallback: Fallback,
        workers: usize,
    ) -> Self {
        Self {
            block_len,
            execution_idx: Padded::default(),
            validation_idx: Padded::default(),
            commit_idx: Padded(Mutex::new(Commits {
                next: 0,
                hand_over: HandOver::new(fallback),
            })),
            committed: Padded::default(),
            window: AtomicUsize::new(block_len * WINDOW_UNIT),
            adaptive: speculation == Speculation::Adaptive,
            conflicted: AtomicBool::new(false),
            done: AtomicBool::new(block_len == 0),
            handed_over: OnceLock::new(),
            unstarted: AtomicUsize::new(workers),
            txns: (0..block_len).map(|_| Padded::default()).collect(),
        }
    }

    /// Whether the block is done: all committed, a committed transaction failed, or halted.
    pub(super) fn done(&self) -> bool {
        self.done.load(SeqCst)
    }

    /// How many transactions are committed.
    pub(super) fn committed(&self) -> usize {
        self.committed.load(SeqCst)
    }

    /// Where the block was handed to the sequential executor ([`Fallback`]), if it was: every
    /// transaction below is committed, none above.
    pub(super) fn handed_over(&self) -> Option<TxnIndex> {
        self.handed_over.get().copied()
    }

    /// Stops every worker at its next job: a worker panicked, and the block has no result.
    pub(super) fn halt(&self) {
        self.done.store(true, SeqCst);
    }

    /// The next job, validations first when they are behind executions; `None` when there is
    /// none right now (the caller commits what it can, and retries until [`Scheduler::done`]).
    /// Transactions at `validation_idx` with nothing to validate (executing, committed, read
    /// final writes) are passed over, not returned as "no job". Until the block has seen a
    /// conflict, no validation is handed out: each transaction's commit validates it.
    pub(super) fn next_job(&self) -> Option<Job> {
        if !self.conflicted.load(SeqCst) {
            return self.next_version_to_execute().map(Job::Execute);
        }
        // Committed transactions need no validation.
        self.validation_idx
            .fetch_max(self.committed.load(SeqCst), SeqCst);
        while self.validation_idx.load(SeqCst) < self.execution_idx.load(SeqCst) {
            if let Some(version) = self.next_version_to_validate() {
                return Some(Job::Validate(version));
            }
        }
        self.next_version_to_execute().map(Job::Execute)
    }

    /// Parks `txn` until `blocking` finishes executing; false when it already has, and the
    /// caller executes `txn` again at once (same incarnation).
    pub(super) fn add_dependency(&self, txn: TxnIndex, blocking: TxnIndex) -> bool {
        {
            let mut dependents = self.dependents(blocking);
            let stage = self.status(blocking).stage;
            if matches!(stage, Stage::Executed | Stage::Committed) {
                return false;
            }
            let mut status = self.status(txn);
            debug_assert_eq!(status.stage, Stage::Executing);
            status.stage = Stage::Aborting;
            dependents.push(txn);
        }
        true
    }

    /// Marks `(txn, incarnation)` executed, resumes the transactions parked on it, and returns
    /// its validation when only it needs one. `final_reads`: the execution started when every
    /// transaction below `txn` was committed ([`Scheduler::committed`] read before it), so its
    /// read set needs no validation, neither now nor at commit. Until a transaction of the
    /// block has been aborted, no validation is started here at all (neither of `txn` nor of
    /// those above it): each commit validates anyway, and without conflicts an earlier
    /// validation would only find the same, at the same cost.
    pub(super) fn finish_execution(
        &self,
        txn: TxnIndex,
        incarnation: Incarnation,
        wrote_new_key: bool,
        final_reads: bool,
    ) -> Option<Job> {
        {
            let mut status = self.status(txn);
            debug_assert_eq!(status.stage, Stage::Executing);
            status.stage = Stage::Executed;
            status.final_reads = final_reads;
        }
        let dependents = std::mem::take(&mut *self.dependents(txn));
        for &dependent in &dependents {
            self.set_ready(dependent);
        }
        if let Some(&lowest) = dependents.iter().min() {
            self.execution_idx.fetch_min(lowest, SeqCst);
        }
        if self.conflicted.load(SeqCst) && self.validation_idx.load(SeqCst) > txn {
            if !wrote_new_key {
                return (!final_reads).then_some(Job::Validate((txn, incarnation)));
            }
            let from = if final_reads { txn + 1 } else { txn };
            self.validation_idx.fetch_min(from, SeqCst);
        }
        None
    }

    /// Moves `(txn, incarnation)` from `Executed` to `Aborting`; false when another validation
    /// already did, or the transaction has moved on to a later incarnation.
    pub(super) fn try_validation_abort(&self, txn: TxnIndex, incarnation: Incarnation) -> bool {
        let mut status = self.status(txn);
        let abort = status.incarnation == incarnation && status.stage == Stage::Executed;
        if abort {
            status.stage = Stage::Aborting;
            self.narrow_window();
        }
        abort
    }

    /// Ends a validation job of `txn`. After an abort (the caller has turned `txn`'s writes
    /// into ESTIMATEs), `txn` is ready again, everything above it is validated again, and its
    /// re-execution is returned when the executions are already past it.
    pub(super) fn finish_validation(&self, txn: TxnIndex, aborted: bool) -> Option<Job> {
        if aborted {
            self.set_ready(txn);
            self.validation_idx.fetch_min(txn + 1, SeqCst);
            if self.execution_idx.load(SeqCst) > txn {
                return self.try_incarnate(txn).map(Job::Execute);
            }
        }
        None
    }

    /// Commits the transactions that can be, in order, unless another worker is committing.
    /// `validate` checks a transaction's last read set (not called when its reads are final);
    /// `commit` is called on each transaction committed, in order, and says whether its
    /// result is a failure, which ends the block. Returns the transaction to commit next when
    /// its read set did not validate: it is now `Aborting`, and the caller goes on as after a
    /// failed validation. After each commit the [`Fallback`] may end the block here
    /// ([`Scheduler::handed_over`]); nothing is committed after that.
    pub(super) fn try_commit(
        &self,
        mut validate: impl FnMut(TxnIndex) -> bool,
        mut commit: impl FnMut(TxnIndex) -> bool,
    ) -> Option<TxnIndex> {
        let mut commits = self.commit_idx.try_lock().ok()?;
        while commits.next < self.block_len && !self.done() {
            let txn = commits.next;
            let mut status = self.status(txn);
            if status.stage != Stage::Executed {
                return None;
            }
            if !status.final_reads && !validate(txn) {
                status.stage = Stage::Aborting;
                self.narrow_window();
                return Some(txn);
            }
            status.stage = Stage::Committed;
            if status.incarnation == 0 {
                self.widen_window(if status.final_reads {
                    1
                } else {
                    SPECULATION_PAID
                });
            }
            let parallel = !status.final_reads;
            drop(status);
            let failed = commit(txn);
            commits.next += 1;
            self.committed.store(commits.next, SeqCst);
            if failed {
                break;
            }
            let next = commits.next;
            let all_started = self.unstarted.load(SeqCst) == 0;
            if next < self.block_len && commits.hand_over.after_commit(next, parallel, all_started)
            {
                let _ = self.handed_over.set(next);
                break;
            }
        }
        self.done.store(true, SeqCst);
        None
    }

    /// A worker is at work (or will never be: it could not be started).
    pub(super) fn worker_started(&self) {
        self.unstarted.fetch_sub(1, SeqCst);
    }

    /// Whether a job is there for the taking, as [`Scheduler::next_job`] would find it now:
    /// a hint for waking idle workers, never a promise (it looks at the transaction at each
    /// index only).
    pub(super) fn has_work(&self) -> bool {
        let execution_idx = self.execution_idx.load(SeqCst);
        let validation_idx = self.validation_idx.load(SeqCst);
        let window = self.window.load(SeqCst) / WINDOW_UNIT;
        let stage = |txn: TxnIndex| {
            let status = self.status(txn);
            (status.stage, status.final_reads)
        };
        (self.conflicted.load(SeqCst)
            && validation_idx < execution_idx.min(self.block_len)
            && stage(validation_idx) == (Stage::Executed, false))
            || (execution_idx < self.block_len
                && execution_idx < self.committed.load(SeqCst) + window
                && stage(execution_idx).0 == Stage::ReadyToExecute)
    }

    fn narrow_window(&self) {
        self.conflicted.store(true, SeqCst);
        if !self.adaptive {
            return;
        }
        let halve = |window: usize| Some((window / 2).max(WINDOW_UNIT));
        let _ = self.window.fetch_update(SeqCst, SeqCst, halve);
    }

    /// Widens the window; a full window is left alone, not written (every worker reads it).
    fn widen_window(&self, steps: usize) {
        let full = self.block_len * WINDOW_UNIT;
        if !self.adaptive || self.window.load(SeqCst) == full {
            return;
        }
        let widen = |window: usize| Some((window + steps).min(full));
        let _ = self.window.fetch_update(SeqCst, SeqCst, widen);
    }

    fn status(&self, txn: TxnIndex) -> MutexGuard<'_, Status> {
        lock(&self.txns[txn].status)
    }

    fn dependents(&self, txn: TxnIndex) -> MutexGuard<'_, Vec<TxnIndex>> {
        lock(&self.txns[txn].dependents)
    }

    fn set_ready(&self, txn: TxnIndex) {
        let mut status = self.status(txn);
        debug_assert_eq!(status.stage, Stage::Aborting);
        status.incarnation += 1;
        status.stage = Stage::ReadyToExecute;
    }

    /// Moves `txn` from `ReadyToExecute` to `Executing`.
    fn try_incarnate(&self, txn: TxnIndex) -> Option<Version> {
        if txn >= self.block_len {
            return None;
        }
        let mut status = self.status(txn);
        (status.stage == Stage::ReadyToExecute).then(|| {
            status.stage = Stage::Executing;
            (txn, status.incarnation)
        })
    }

    /// Takes `execution_idx` for execution if it is inside the window: incremented by
    /// compare-and-swap, not fetch-and-add, so that two workers cannot both pass the window
    /// check on the same index and the second take the one after it.
    fn next_version_to_execute(&self) -> Option<Version> {
        let mut next = self.execution_idx.load(SeqCst);
        loop {
            let window = self.window.load(SeqCst) / WINDOW_UNIT;
            if next >= self.block_len || next >= self.committed.load(SeqCst) + window {
                return None;
            }
            match self
                .execution_idx
                .compare_exchange(next, next + 1, SeqCst, SeqCst)
            {
                Ok(_) => return self.try_incarnate(next),
                Err(current) => next = current,
            }
        }
    }

    fn next_version_to_validate(&self) -> Option<Version> {
        if self.validation_idx.load(SeqCst) >= self.block_len {
            return None;
        }
        let txn = self.validation_idx.fetch_add(1, SeqCst);
        if txn >= self.block_len {
            return None;
        }
        let status = self.status(txn);
        (status.stage == Stage::Executed && !status.final_reads)
            .then_some((txn, status.incarnation))
    }
}
