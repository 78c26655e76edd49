//! The Block-STM scheduler (Gelashvili et al., "Block-STM", PPoPP 2023, §4): hands out
//! execution and validation jobs so that every transaction ends up executed and validated
//! against the final writes of all transactions below it.
//!
//! # State
//!
//! - `execution_idx` / `validation_idx`: the lowest transaction that may still need an
//!   execution / a validation; workers take jobs by incrementing them, and a job that
//!   invalidates lower work decreases them (each decrease counted in `decrease_cnt`).
//! - Per transaction, under one lock: its incarnation and its [`Stage`]:
//!   `ReadyToExecute(i) → Executing(i) → Executed(i)`, and from there `Aborting(i)` when a
//!   validation fails, or from `Executing(i)` when the execution hit a dependency; both end in
//!   `ReadyToExecute(i + 1)`.
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
//!   When a validation of `j` fails, `j`'s writes become ESTIMATEs before `j` can run again, and
//!   every transaction above `j` is validated again.
//! - `num_active_tasks` counts jobs handed out and not finished. The block is done when both
//!   indices are past the end, no job is active, and no decrease happened while checking.

use std::sync::{
    atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst},
    Mutex,
};

use super::{
    mvmemory::{lock, Version},
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    ReadyToExecute,
    Executing,
    Executed,
    Aborting,
}

struct Status {
    incarnation: Incarnation,
    stage: Stage,
}

pub(super) struct Scheduler {
    block_len: usize,
    execution_idx: AtomicUsize,
    validation_idx: AtomicUsize,
    decrease_cnt: AtomicUsize,
    num_active_tasks: AtomicUsize,
    done: AtomicBool,
    status: Box<[Mutex<Status>]>,
    /// Per transaction: the transactions parked until it finishes executing.
    dependents: Box<[Mutex<Vec<TxnIndex>>]>,
}

impl Scheduler {
    pub(super) fn new(block_len: usize) -> Self {
        let ready = || {
            Mutex::new(Status {
                incarnation: 0,
                stage: Stage::ReadyToExecute,
            })
        };
        Self {
            block_len,
            execution_idx: AtomicUsize::new(0),
            validation_idx: AtomicUsize::new(0),
            decrease_cnt: AtomicUsize::new(0),
            num_active_tasks: AtomicUsize::new(0),
            done: AtomicBool::new(block_len == 0),
            status: (0..block_len).map(|_| ready()).collect(),
            dependents: (0..block_len).map(|_| Mutex::default()).collect(),
        }
    }

    /// Whether every transaction is executed and validated (or the block was halted).
    pub(super) fn done(&self) -> bool {
        self.done.load(SeqCst)
    }

    /// Stops every worker at its next job: a worker panicked, and the block has no result.
    pub(super) fn halt(&self) {
        self.done.store(true, SeqCst);
    }

    /// The next job, validations first when they are behind executions; `None` when there is
    /// none right now (the caller retries until [`Scheduler::done`]).
    pub(super) fn next_job(&self) -> Option<Job> {
        if self.validation_idx.load(SeqCst) < self.execution_idx.load(SeqCst) {
            self.next_version_to_validate().map(Job::Validate)
        } else {
            self.next_version_to_execute().map(Job::Execute)
        }
    }

    /// Parks `txn` until `blocking` finishes executing; false when it already has, and the
    /// caller executes `txn` again at once (same incarnation).
    pub(super) fn add_dependency(&self, txn: TxnIndex, blocking: TxnIndex) -> bool {
        {
            let mut dependents = lock(&self.dependents[blocking]);
            if lock(&self.status[blocking]).stage == Stage::Executed {
                return false;
            }
            let mut status = lock(&self.status[txn]);
            debug_assert_eq!(status.stage, Stage::Executing);
            status.stage = Stage::Aborting;
            dependents.push(txn);
        }
        self.num_active_tasks.fetch_sub(1, SeqCst);
        true
    }

    /// Marks `(txn, incarnation)` executed, resumes the transactions parked on it, and returns
    /// its validation when only it needs one.
    pub(super) fn finish_execution(
        &self,
        txn: TxnIndex,
        incarnation: Incarnation,
        wrote_new_key: bool,
    ) -> Option<Job> {
        {
            let mut status = lock(&self.status[txn]);
            debug_assert_eq!(status.stage, Stage::Executing);
            status.stage = Stage::Executed;
        }
        let dependents = std::mem::take(&mut *lock(&self.dependents[txn]));
        for &dependent in &dependents {
            self.set_ready(dependent);
        }
        if let Some(&lowest) = dependents.iter().min() {
            self.decrease(&self.execution_idx, lowest);
        }
        if self.validation_idx.load(SeqCst) > txn {
            if !wrote_new_key {
                return Some(Job::Validate((txn, incarnation)));
            }
            self.decrease(&self.validation_idx, txn);
        }
        self.num_active_tasks.fetch_sub(1, SeqCst);
        None
    }

    /// Moves `(txn, incarnation)` from `Executed` to `Aborting`; false when another validation
    /// already did, or the transaction has moved on to a later incarnation.
    pub(super) fn try_validation_abort(&self, txn: TxnIndex, incarnation: Incarnation) -> bool {
        let mut status = lock(&self.status[txn]);
        let abort = status.incarnation == incarnation && status.stage == Stage::Executed;
        if abort {
            status.stage = Stage::Aborting;
        }
        abort
    }

    /// Ends a validation job of `txn`. After an abort (the caller has turned `txn`'s writes
    /// into ESTIMATEs), `txn` is ready again, everything above it is validated again, and its
    /// re-execution is returned when the executions are already past it.
    pub(super) fn finish_validation(&self, txn: TxnIndex, aborted: bool) -> Option<Job> {
        if aborted {
            self.set_ready(txn);
            self.decrease(&self.validation_idx, txn + 1);
            if self.execution_idx.load(SeqCst) > txn {
                if let Some(version) = self.try_incarnate(txn) {
                    return Some(Job::Execute(version));
                }
                return None;
            }
        }
        self.num_active_tasks.fetch_sub(1, SeqCst);
        None
    }

    fn decrease(&self, idx: &AtomicUsize, target: usize) {
        idx.fetch_min(target, SeqCst);
        self.decrease_cnt.fetch_add(1, SeqCst);
    }

    fn set_ready(&self, txn: TxnIndex) {
        let mut status = lock(&self.status[txn]);
        debug_assert_eq!(status.stage, Stage::Aborting);
        status.incarnation += 1;
        status.stage = Stage::ReadyToExecute;
    }

    fn check_done(&self) {
        let observed = self.decrease_cnt.load(SeqCst);
        if self
            .execution_idx
            .load(SeqCst)
            .min(self.validation_idx.load(SeqCst))
            >= self.block_len
            && self.num_active_tasks.load(SeqCst) == 0
            && observed == self.decrease_cnt.load(SeqCst)
        {
            self.done.store(true, SeqCst);
        }
    }

    /// Moves `txn` from `ReadyToExecute` to `Executing`. Ends the active task when it cannot.
    fn try_incarnate(&self, txn: TxnIndex) -> Option<Version> {
        if txn < self.block_len {
            let mut status = lock(&self.status[txn]);
            if status.stage == Stage::ReadyToExecute {
                status.stage = Stage::Executing;
                return Some((txn, status.incarnation));
            }
        }
        self.num_active_tasks.fetch_sub(1, SeqCst);
        None
    }

    fn next_version_to_execute(&self) -> Option<Version> {
        if self.execution_idx.load(SeqCst) >= self.block_len {
            self.check_done();
            return None;
        }
        self.num_active_tasks.fetch_add(1, SeqCst);
        self.try_incarnate(self.execution_idx.fetch_add(1, SeqCst))
    }

    fn next_version_to_validate(&self) -> Option<Version> {
        if self.validation_idx.load(SeqCst) >= self.block_len {
            self.check_done();
            return None;
        }
        self.num_active_tasks.fetch_add(1, SeqCst);
        let txn = self.validation_idx.fetch_add(1, SeqCst);
        if txn < self.block_len {
            let status = lock(&self.status[txn]);
            if status.stage == Stage::Executed {
                return Some((txn, status.incarnation));
            }
        }
        self.num_active_tasks.fetch_sub(1, SeqCst);
        None
    }
}
