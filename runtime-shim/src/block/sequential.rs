//! The sequential executor: each transaction in order, over the writes of those before it.
//! The reference the parallel executor must equal, the fallback for small blocks, and for the
//! rest of a block the parallel executor hands over (going on from the writes it committed).

use std::{panic, thread};

use super::{
    config::Mode,
    output::{BlockError, BlockOutput, TxnStats},
    task::{BaseView, Execution, Task},
    writes::{fold_write, BlockWrites, WritesOver},
};

/// The keys a transaction commonly writes (a token transfer: the sender's account, two
/// balances, the coinbase's credit): the block's write map starts with room for that many.
pub(super) const WRITES_PER_TXN: usize = 4;

/// Runs `f` on a new thread of `stack_size` bytes named `name` (its panic is resumed here).
pub(super) fn on_thread<R: Send>(
    name: &str,
    stack_size: usize,
    f: impl FnOnce() -> R + Send,
) -> std::io::Result<R> {
    let joined = thread::scope(|scope| {
        let thread = thread::Builder::new()
            .name(name.into())
            .stack_size(stack_size)
            .spawn_scoped(scope, f)?;
        std::io::Result::Ok(thread.join())
    })?;
    Ok(joined.unwrap_or_else(|payload| panic::resume_unwind(payload)))
}

/// Executes the block on a new thread of `stack_size` bytes.
pub(super) fn execute_on_thread<T: Task>(
    task: &T,
    txns: &[T::Txn],
    base: &impl BaseView<T::Key, T::Value>,
    stack_size: usize,
) -> Result<BlockOutput<T>, BlockError<T::Error>> {
    let run = || {
        let mut writes =
            BlockWrites::with_capacity_and_hasher(txns.len() * WRITES_PER_TXN, Default::default());
        let outputs = execute(task, txns, base, &mut writes)?;
        let once = TxnStats {
            executions: 1,
            validations: 0,
        };
        Ok(BlockOutput {
            outputs,
            writes: writes.into_iter().collect(),
            stats: vec![once; txns.len()],
            executed_as: Mode::Sequential,
            handed_over: None,
        })
    };
    on_thread("block-sequential", stack_size, || task.worker(run)).map_err(BlockError::Spawn)?
}

/// Executes `txns` in order on the calling thread over `writes` (those of the transactions
/// before them) over `base`, folding each one's writes into `writes`; stops at the first that
/// fails (its index in `txns`).
pub(super) fn execute<T: Task>(
    task: &T,
    txns: &[T::Txn],
    base: &impl BaseView<T::Key, T::Value>,
    writes: &mut BlockWrites<T::Key, T::Value>,
) -> Result<Vec<T::Output>, BlockError<T::Error>> {
    let mut outputs = Vec::with_capacity(txns.len());
    for (index, txn) in txns.iter().enumerate() {
        let view = WritesOver { writes, base };
        let Execution {
            output,
            writes: txn_writes,
        } = task
            .execute(txn, &view)
            .map_err(|error| BlockError::Task { txn: index, error })?;
        for (key, write) in txn_writes {
            fold_write(writes, base, key, write);
        }
        outputs.push(output);
    }
    Ok(outputs)
}
