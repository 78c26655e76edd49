//! Block execution: an ordered block of transactions, executed sequentially or in parallel
//! with Block-STM, with the same result either way (`DESIGN.md` §7).
//!
//! # Contract
//!
//! [`execute_block`] runs a [`Task`] over `txns` on top of a [`BaseView`] and returns, in a
//! [`BlockOutput`], each transaction's output in block order and the block's write set (every
//! key some transaction wrote, with its value after the block). In every [`Mode`] the result
//! is exactly that of executing the transactions one after the other: when a transaction's
//! task returns `Err`, the block's result is that error ([`BlockError::Task`]) for the lowest
//! such transaction, and the outputs after it do not exist. Nothing else about the result
//! depends on the mode, the thread count or the timing; only the [`TxnStats`] do.
//!
//! Every execution runs on a thread of [`Config::stack_size`] bytes (sequential ones too), so
//! a task may recurse deeply (EVM calls nest to depth 1024, `DESIGN.md` §9).
//!
//! # How the parallel executor keeps it
//!
//! Block-STM (Gelashvili et al., PPoPP 2023): transactions are executed optimistically, in
//! parallel, each through a view of the multi-version memory (`mvmemory.rs`) that records the
//! version of every value it read; a validation checks that those reads would still see the
//! same versions. The scheduler (`scheduler.rs`) re-validates every transaction whose reads
//! a later execution may have invalidated, and re-executes those that fail. Transactions are
//! committed in order: transaction `k` once every transaction below it is committed (so their
//! writes are final) and its last execution's reads validate against them. By induction from
//! transaction 0, each committed execution read what it would read sequentially, so by the
//! determinism of the task ([`Task`]) it produced the sequential result. Executions that read
//! an inconsistent state may fail in any way; they fail validation and run again, and only a
//! committed failure is a result (it ends the block at once).
//!
//! How far ahead of the commits the workers execute is [`Speculation`]. A worker that finds
//! no job spins, then yields, then sleeps until another worker, having taken its own next
//! job, finds one left for it (`parallel.rs`); a transaction that depends on one being
//! re-executed is parked, and its worker takes other work. An execution that starts when
//! every transaction below it is committed reads final values: it is committed without
//! validation, so a chain of dependent transactions costs about what it costs sequentially.
//!
//! Values written as [`Write::Delta`] are applied when a key is read and when the block's
//! writes are merged, in transaction order: transactions that credit the same key without
//! reading it do not conflict.
//!
//! # Plugging in a task
//!
//! Implement [`Task`]: associated types for the transaction, the state key, value and delta,
//! the output and the error, and `execute`, which reads state only through the [`View`] it is
//! given and returns the output with its write set. Implement [`BaseView`] for the state
//! before the block (or use a `HashMap`/`BTreeMap`). Then call [`execute_block`]. The
//! synthetic task of `tests/block_stm.rs` is a complete example.

pub mod evm;
mod mvmemory;
mod parallel;
mod scheduler;
mod sequential;
mod task;
mod view;

use std::{collections::BTreeMap, io, num::NonZeroUsize, panic, thread};

pub use task::{
    BaseView, Delta, Execution, Incarnation, NoDelta, ReadError, Task, TxnIndex, View, Write,
    WriteSet,
};

/// Stack size of the threads that execute transactions, by default: deep enough for nested
/// EVM calls to depth 1024 at about 6 KB of Rust stack per level, with room for the callee.
pub const DEFAULT_STACK_SIZE: usize = 64 << 20;

/// In [`Mode::Auto`], the smallest block executed in parallel: below it, starting the workers
/// costs more than they gain. A guess for now, to be set from `evmove bench`.
pub const AUTO_MIN_PARALLEL_TXNS: usize = 32;

/// How a block is executed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// In parallel on every available core, unless the block is small
    /// ([`AUTO_MIN_PARALLEL_TXNS`]) or there is one core; then sequentially.
    Auto,
    /// One transaction after the other.
    Sequential,
    /// Block-STM on this many worker threads.
    Parallel {
        /// Number of worker threads.
        threads: NonZeroUsize,
    },
}

/// How far past the lowest uncommitted transaction the parallel executor starts executions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Speculation {
    /// Within a window that closes on conflicts and opens without them (`scheduler.rs`), so
    /// that a chain of dependent transactions does not burn cores on stale executions.
    Adaptive,
    /// Anywhere (plain Block-STM): for tests of the algorithm under the most concurrency, and
    /// for measuring what the window gains.
    Unbounded,
}

/// How [`execute_block`] runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Sequential, parallel, or chosen per block.
    pub mode: Mode,
    /// Stack size in bytes of every thread that executes transactions.
    pub stack_size: usize,
    /// How far the parallel executor speculates.
    pub speculation: Speculation,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            mode: Mode::Auto,
            stack_size: DEFAULT_STACK_SIZE,
            speculation: Speculation::Adaptive,
        }
    }
}

impl Config {
    /// The configuration that executes in `mode` (other settings by default).
    pub fn with_mode(mode: Mode) -> Self {
        Self {
            mode,
            ..Self::default()
        }
    }

    /// How a block of `block_len` transactions is executed: `Sequential` or `Parallel`, never
    /// `Auto`.
    pub fn mode_for(&self, block_len: usize) -> Mode {
        match self.mode {
            Mode::Auto => match thread::available_parallelism() {
                Ok(threads) if threads.get() > 1 && block_len >= AUTO_MIN_PARALLEL_TXNS => {
                    Mode::Parallel { threads }
                }
                _ => Mode::Sequential,
            },
            mode => mode,
        }
    }
}

/// What a block's execution produced.
pub struct BlockOutput<T: Task + ?Sized> {
    /// Each transaction's output, in block order.
    pub outputs: Vec<T::Output>,
    /// Every key a transaction wrote, with its value after the block (`None`: deleted).
    pub writes: BTreeMap<T::Key, Option<T::Value>>,
    /// Per transaction, how much work it took.
    pub stats: Vec<TxnStats>,
    /// How the block was executed (`Sequential` or `Parallel` with the workers that ran).
    pub executed_as: Mode,
}

/// How much work one transaction took (for `evmove bench`). Sequentially, one execution and
/// no validation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TxnStats {
    /// Executions started, including those stopped on a dependency.
    pub executions: u32,
    /// Validations of its read set, the one at commit included.
    pub validations: u32,
}

/// Why a block has no result.
#[derive(Debug, thiserror::Error)]
pub enum BlockError<E> {
    /// This transaction could not be executed (and none before it failed).
    #[error("transaction {txn} could not be executed: {error}")]
    Task {
        /// The failed transaction.
        txn: TxnIndex,
        /// Its task's error.
        error: E,
    },
    /// No thread could be started to execute the block.
    #[error("cannot start a block execution thread: {0}")]
    Spawn(#[source] io::Error),
}

/// Executes `txns` over `base` as `config` says; see the module doc for the contract.
pub fn execute_block<T, B>(
    task: &T,
    txns: &[T::Txn],
    base: &B,
    config: &Config,
) -> Result<BlockOutput<T>, BlockError<T::Error>>
where
    T: Task,
    B: BaseView<T::Key, T::Value>,
{
    match config.mode_for(txns.len()) {
        Mode::Parallel { threads } => parallel::execute(task, txns, base, threads, config),
        Mode::Sequential | Mode::Auto => {
            let spawned = thread::scope(|scope| {
                let thread = thread::Builder::new()
                    .name("block-sequential".into())
                    .stack_size(config.stack_size)
                    .spawn_scoped(scope, || sequential::execute(task, txns, base))?;
                Ok(thread.join())
            });
            match spawned.map_err(BlockError::Spawn)? {
                Ok(result) => result,
                Err(payload) => panic::resume_unwind(payload),
            }
        }
    }
}
