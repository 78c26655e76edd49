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
//!
//! # Files
//!
//! `task.rs` (the traits above), `config.rs` (how a block runs), `output.rs` (what it gives),
//! `execute.rs` ([`execute_block`]), `sequential.rs`, `parallel.rs` with `scheduler.rs`,
//! `mvmemory.rs`, `view.rs` and `padded.rs`, `writes.rs` (the block's writes so far, and a state read
//! through them); [`evm`] plugs in the runtime. This file only declares and
//! re-exports, so no file imports from it.

mod config;
pub mod evm;
mod execute;
mod handover;
mod mvmemory;
mod output;
mod padded;
mod parallel;
mod scheduler;
mod sequential;
mod task;
mod view;
mod writes;

pub use config::{Config, Fallback, Mode, Speculation, AUTO_MIN_PARALLEL_TXNS, DEFAULT_STACK_SIZE};
pub use execute::execute_block;
pub use output::{BlockError, BlockOutput, TxnStats};
pub use task::{
    BaseView, Delta, Execution, Incarnation, NoDelta, ReadError, Task, TxnIndex, View, Write,
    WriteSet,
};
