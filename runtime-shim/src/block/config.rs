//! How a block is executed: the [`Mode`], how far the parallel executor speculates, when it
//! hands the rest of a block to the sequential one, the stack size of the executing threads
//! ([`Config`]).

use std::{num::NonZeroUsize, thread};

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

/// When the parallel executor stops and hands the rest of the block, from the lowest
/// uncommitted transaction on, to the sequential executor (on one thread, over the writes
/// committed so far). The result is the same either way; only the time and the
/// [`TxnStats`](super::TxnStats) differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// When speculation has stopped paying: in a sample of committed transactions, too few
    /// were executed in parallel with one below them (`scheduler.rs`). A chain of dependent
    /// transactions then costs what it costs sequentially, not more.
    WhenDependent,
    /// Never: Block-STM to the end of the block.
    Never,
    /// As soon as this many transactions are committed, whatever the block did (for tests
    /// of the hand-over).
    AfterCommits(usize),
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
    /// When the parallel executor hands the rest of the block to the sequential one.
    pub fallback: Fallback,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            mode: Mode::Auto,
            stack_size: DEFAULT_STACK_SIZE,
            speculation: Speculation::Adaptive,
            fallback: Fallback::WhenDependent,
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
