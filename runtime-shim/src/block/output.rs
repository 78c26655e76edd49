//! What a block's execution gives: its [`BlockOutput`], or why it has none
//! ([`BlockError`]).

use std::{collections::BTreeMap, io};

use super::{
    config::Mode,
    task::{Task, TxnIndex},
};

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
    /// The transaction from which a parallel execution handed the rest of the block to the
    /// sequential executor (`handover.rs`), if it did.
    pub handed_over: Option<TxnIndex>,
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
