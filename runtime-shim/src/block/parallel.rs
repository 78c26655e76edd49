//! The parallel executor: workers take jobs from the [`Scheduler`] until it is done, executing
//! transactions against the [`MvMemory`] and validating their read sets, and commit the
//! transactions in order as soon as they can be, folding each one's writes into the block's
//! write set as it is committed; then the committed outputs are collected.
//!
//! # Costs
//!
//! The executor should cost little more CPU than the sequential one when transactions do not
//! conflict, and little more wall time when they all do:
//!
//! - Each transaction's read set is validated once, at its commit. Validation jobs, which only
//!   find conflicts earlier, are handed out once the block has seen a conflict
//!   (`scheduler.rs`).
//! - An execution that starts when every transaction below it is committed reads only final
//!   writes: its reads are neither recorded nor validated, not even at commit. In a chain of
//!   dependent transactions (speculation window closed) that is almost every execution, and
//!   the worker that executes the lowest uncommitted transaction commits it and takes the
//!   next one itself.
//! - A worker wakes a sleeping one only when, after taking its own next job, there is still
//!   a job to take ([`Scheduler::has_work`]), so that idle workers are not woken for work
//!   that the waker does itself (in a chain, the other worker sleeps).
//! - The block's write set is built by the committer, transaction by transaction, while the
//!   other workers execute, not after the last commit.
//! - When speculation stops paying (a chain of dependent transactions), the committer hands
//!   the rest of the block to the sequential executor ([`Fallback`](super::Fallback),
//!   `handover.rs`): the workers stop after their current job, and the rest runs on one
//!   thread over the committed writes, without the multi-version memory.

use std::{
    hint,
    num::NonZeroUsize,
    panic,
    sync::{
        atomic::{
            AtomicU32, AtomicU64, AtomicUsize,
            Ordering::{Relaxed, SeqCst},
        },
        Condvar, Mutex,
    },
    thread,
    time::Duration,
};

use super::{
    config::{Config, Mode},
    mvmemory::{lock, MvMemory, Version},
    output::{BlockError, BlockOutput, TxnStats},
    padded::Padded,
    scheduler::{Job, Scheduler},
    sequential::{self, WRITES_PER_TXN},
    task::{BaseView, Execution, Task},
    view::TxnView,
    writes::BlockWrites,
};

/// How many times an idle worker asks for a job before it yields its core between asks (with
/// more workers than cores, a spinning worker would keep the one with the work off its core).
const SPINS_BEFORE_YIELD: u32 = 64;

/// How many more times it asks, yielding, before it sleeps until another worker finishes a
/// job (on a shared machine, even a yielding worker takes time from the one with the work).
const YIELDS_BEFORE_SLEEP: u32 = 4;

/// The longest an idle worker sleeps without being woken: a safety net, not a poll period.
const MAX_SLEEP: Duration = Duration::from_millis(1);

/// What the workers keep of a transaction, alone on its cache lines (the workers run
/// neighbouring transactions).
struct Record<T: Task> {
    /// The result of its last finished execution, if any.
    result: Mutex<Option<Result<T::Output, T::Error>>>,
    executions: AtomicU32,
    validations: AtomicU32,
}

impl<T: Task> Default for Record<T> {
    fn default() -> Self {
        Self {
            result: Mutex::new(None),
            executions: AtomicU32::new(0),
            validations: AtomicU32::new(0),
        }
    }
}

/// Everything the workers share.
struct Block<'a, T: Task, B> {
    task: &'a T,
    txns: &'a [T::Txn],
    base: &'a B,
    memory: MvMemory<T::Key, T::Value, T::Delta>,
    scheduler: Scheduler,
    records: Box<[Padded<Record<T>>]>,
    /// The block's write set after the committed transactions (locked only by the committer).
    writes: Mutex<BlockWrites<T::Key, T::Value>>,
    idle: Idle,
}

/// Where idle workers sleep. Every event that may create work (a job finished: executions
/// and validations to do, dependents resumed; a commit: the window widened, the block done;
/// a commit-time abort) bumps the generation ([`Idle::event`]). A worker sleeps only if the
/// generation is still the one it saw before it last looked for work, so it cannot sleep
/// through an event. After an event, the worker that caused it takes its own next job, then
/// wakes one sleeper if a job is still there ([`Idle::wake_one`]); the one woken does the
/// same, so no worker sleeps for long while work is available. Sleep is bounded
/// ([`MAX_SLEEP`]) in case a wake-up comes too early for the job it announces.
#[derive(Default)]
struct Idle {
    /// Bumped by every worker at every job's end: on cache lines of its own.
    generation: Padded<AtomicU64>,
    sleepers: AtomicUsize,
    lock: Mutex<()>,
    wake: Condvar,
}

impl Idle {
    fn generation(&self) -> u64 {
        self.generation.load(SeqCst)
    }

    /// Something happened that may have made work: a worker about to sleep looks again.
    fn event(&self) {
        self.generation.fetch_add(1, SeqCst);
    }

    /// Wakes one sleeping worker if `has_work` says there is a job for it.
    fn wake_one(&self, has_work: impl FnOnce() -> bool) {
        if self.sleepers.load(SeqCst) > 0 && has_work() {
            let _lock = lock(&self.lock);
            self.wake.notify_one();
        }
    }

    /// Wakes every sleeping worker (the block is done or halted).
    fn wake_all(&self) {
        self.event();
        if self.sleepers.load(SeqCst) > 0 {
            let _lock = lock(&self.lock);
            self.wake.notify_all();
        }
    }

    /// Sleeps unless something happened since the generation `seen`; returns whether
    /// something has happened since (false: the sleep timed out with nothing new).
    fn sleep(&self, seen: u64) -> bool {
        let guard = lock(&self.lock);
        self.sleepers.fetch_add(1, SeqCst);
        if self.generation() == seen {
            drop(self.wake.wait_timeout(guard, MAX_SLEEP));
        }
        self.sleepers.fetch_sub(1, SeqCst);
        self.generation() != seen
    }
}

/// Halts the scheduler when a worker unwinds, so that the other workers stop instead of
/// waiting for work the panicking one held.
struct HaltOnPanic<'a>(&'a Scheduler, &'a Idle);

impl Drop for HaltOnPanic<'_> {
    fn drop(&mut self) {
        if thread::panicking() {
            self.0.halt();
            self.1.wake_all();
        }
    }
}

/// Executes `txns` on `threads` new threads of the configured stack size. A worker that
/// panics (a task broke its contract) halts the block, and the panic is resumed on the caller.
pub(super) fn execute<T: Task, B: BaseView<T::Key, T::Value>>(
    task: &T,
    txns: &[T::Txn],
    base: &B,
    threads: NonZeroUsize,
    config: &Config,
) -> Result<BlockOutput<T>, BlockError<T::Error>> {
    let len = txns.len();
    let block = Block {
        task,
        txns,
        base,
        memory: MvMemory::new(len, len * WRITES_PER_TXN),
        scheduler: Scheduler::new(len, config.speculation, config.fallback, threads.get()),
        records: (0..len).map(|_| Padded::default()).collect(),
        writes: Mutex::new(BlockWrites::with_capacity_and_hasher(
            len * WRITES_PER_TXN,
            Default::default(),
        )),
        idle: Idle::default(),
    };
    let (workers, panicked) = thread::scope(|scope| {
        let mut handles = Vec::with_capacity(threads.get());
        for i in 0..threads.get() {
            let spawned = thread::Builder::new()
                .name(format!("block-stm-{i}"))
                .stack_size(config.stack_size)
                .spawn_scoped(scope, || task.worker(|| block.work()));
            match spawned {
                Ok(handle) => handles.push(handle),
                // Workers are interchangeable: the block only needs one.
                Err(error) if handles.is_empty() => return Err(error),
                Err(_) => break,
            }
        }
        let workers = handles.len();
        for _ in workers..threads.get() {
            block.scheduler.worker_started();
        }
        let mut panicked = None;
        for handle in handles {
            if let Err(payload) = handle.join() {
                panicked.get_or_insert(payload);
            }
        }
        Ok((workers, panicked))
    })
    .map_err(BlockError::Spawn)?;
    if let Some(payload) = panicked {
        panic::resume_unwind(payload);
    }
    block.into_output(workers, config.stack_size)
}

impl<T: Task, B: BaseView<T::Key, T::Value>> Block<'_, T, B> {
    /// A worker's loop: a job's completion may hand back the next job directly (a validation
    /// after an execution, a re-execution after a failed validation).
    fn work(&self) {
        let _halt = HaltOnPanic(&self.scheduler, &self.idle);
        self.scheduler.worker_started();
        let mut job = None;
        let mut idle = 0;
        while !self.scheduler.done() {
            job = match job {
                Some(current) => {
                    let next = match current {
                        Job::Execute(version) => self.try_execute(version),
                        Job::Validate(version) => self.validate(version),
                    };
                    self.idle.event();
                    if next.is_some() {
                        self.idle.wake_one(|| self.scheduler.has_work());
                    }
                    next
                }
                None => {
                    let seen = self.idle.generation();
                    let next = self.try_commit().or_else(|| self.scheduler.next_job());
                    if next.is_some() {
                        idle = 0;
                        self.idle.wake_one(|| self.scheduler.has_work());
                    } else if idle < SPINS_BEFORE_YIELD {
                        idle += 1;
                        hint::spin_loop();
                    } else if idle < SPINS_BEFORE_YIELD + YIELDS_BEFORE_SLEEP {
                        idle += 1;
                        thread::yield_now();
                    } else if self.idle.sleep(seen) {
                        // Woken for work: look for it again as if just idle.
                        idle = 0;
                    }
                    next
                }
            };
        }
    }

    /// Executes an incarnation and records it; when it hit an ESTIMATE, parks the transaction
    /// on the dependency instead (or, if that is already resolved, executes it again).
    fn try_execute(&self, (txn, incarnation): Version) -> Option<Job> {
        loop {
            self.records[txn].executions.fetch_add(1, Relaxed);
            // Every transaction below is committed: this execution reads final writes only.
            let final_reads = self.scheduler.committed() >= txn;
            let view = TxnView::new(&self.memory, self.base, txn, !final_reads);
            let result = self.task.execute(&self.txns[txn], &view);
            let reads = match view.finish() {
                Ok(reads) => reads,
                Err(blocking) => {
                    if self.scheduler.add_dependency(txn, blocking) {
                        return None;
                    }
                    continue;
                }
            };
            // A failed execution writes nothing; if its reads validate, the failure is the
            // transaction's result, as in a sequential execution.
            let (writes, result) = match result {
                Ok(Execution { output, writes }) => (writes, Ok(output)),
                Err(error) => (Vec::new(), Err(error)),
            };
            *lock(&self.records[txn].result) = Some(result);
            let wrote_new_key = self.memory.record(txn, incarnation, writes, reads);
            return (self.scheduler).finish_execution(txn, incarnation, wrote_new_key, final_reads);
        }
    }

    /// Validates an incarnation's read set; on failure aborts it (its writes become ESTIMATEs).
    fn validate(&self, (txn, incarnation): Version) -> Option<Job> {
        self.records[txn].validations.fetch_add(1, Relaxed);
        let aborted =
            !self.memory.validate(txn) && self.scheduler.try_validation_abort(txn, incarnation);
        if aborted {
            self.memory.convert_writes_to_estimates(txn);
        }
        self.scheduler.finish_validation(txn, aborted)
    }

    /// Commits what can be committed (see [`Scheduler::try_commit`]); a commit validates the
    /// transaction's reads once more, against the final writes below it (unless they were
    /// final already), and aborts it if they do not validate; a committed transaction's writes
    /// go into the block's write set.
    fn try_commit(&self) -> Option<Job> {
        let committed = self.scheduler.committed();
        let invalid = self.scheduler.try_commit(
            |txn| {
                self.records[txn].validations.fetch_add(1, Relaxed);
                self.memory.validate(txn)
            },
            |txn| {
                self.memory.commit(txn, &mut lock(&self.writes), self.base);
                matches!(*lock(&self.records[txn].result), Some(Err(_)))
            },
        );
        if self.scheduler.done() {
            self.idle.wake_all();
        } else if self.scheduler.committed() != committed || invalid.is_some() {
            // The window may have widened, or an abort made work.
            self.idle.event();
        }
        let invalid = invalid?;
        self.memory.convert_writes_to_estimates(invalid);
        self.scheduler.finish_validation(invalid, true)
    }

    /// Collects the block's result once the scheduler is done: the committed outputs, in order,
    /// up to the first failed transaction (whose failure is the block's), and the merged writes;
    /// when the block was handed over, the rest executed sequentially after them.
    fn into_output(
        self,
        workers: usize,
        stack_size: usize,
    ) -> Result<BlockOutput<T>, BlockError<T::Error>> {
        drop_in_background(self.memory);
        let handed_over = self.scheduler.handed_over();
        let committed = handed_over.unwrap_or(self.txns.len());
        let mut stats: Vec<TxnStats> = (self.records.iter())
            .map(|record| TxnStats {
                executions: record.executions.load(Relaxed),
                validations: record.validations.load(Relaxed),
            })
            .collect();
        let mut outputs = Vec::with_capacity(self.txns.len());
        let records = self.records.into_vec().into_iter().take(committed);
        for (txn, record) in records.enumerate() {
            let result = record
                .0
                .result
                .into_inner()
                .unwrap_or_else(|p| p.into_inner());
            match result.expect("Block-STM invariant broken: a transaction was never executed") {
                Ok(output) => outputs.push(output),
                Err(error) => return Err(BlockError::Task { txn, error }),
            }
        }
        let mut writes = self.writes.into_inner().unwrap_or_else(|p| p.into_inner());
        if let Some(from) = handed_over {
            // The rest goes on, on one thread, from the committed writes.
            let (task, rest, base) = (self.task, &self.txns[from..], self.base);
            let run = || task.worker(|| sequential::execute(task, rest, base, &mut writes));
            let rest = sequential::on_thread("block-sequential", stack_size, run)
                .map_err(BlockError::Spawn)?
                .map_err(|error| match error {
                    BlockError::Task { txn, error } => BlockError::Task {
                        txn: from + txn,
                        error,
                    },
                    other => other,
                })?;
            outputs.extend(rest);
            // The rest's executions add to what the workers spent on it before the hand-over.
            for stats in &mut stats[from..] {
                stats.executions += 1;
            }
        }
        Ok(BlockOutput {
            outputs,
            writes: writes.into_iter().collect(),
            stats,
            executed_as: Mode::Parallel {
                threads: NonZeroUsize::new(workers).expect("at least one worker ran"),
            },
            handed_over,
        })
    }
}

/// Frees `value` on a thread of its own (or here, if no thread can be started): a block's
/// multi-version memory holds every version of every key the block touched, and the block's
/// result need not wait for it to be freed (measured: 1-2% of a 10,000-transaction block).
fn drop_in_background<X: Send + 'static>(value: X) {
    let dropper = thread::Builder::new().name("block-stm-drop".into());
    // On failure the closure, and `value` with it, is dropped here.
    let _ = dropper.spawn(move || drop(value));
}
