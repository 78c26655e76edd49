//! The sequential executor: each transaction in order, over the writes of those before it.
//! The reference the parallel executor must equal, the fallback for small blocks, and for the
//! rest of a block the parallel executor hands over (over the writes it committed).

use std::{collections::BTreeMap, panic, thread};

use super::{
    config::Mode,
    output::{BlockError, BlockOutput, TxnStats},
    task::{BaseView, Delta, Execution, Task, Write},
    view::{BlockWrites, SequentialView},
};

/// The keys a transaction commonly writes (a token transfer: the sender's account, two
/// balances, the coinbase's credit): the block's write map starts with room for that many.
const WRITES_PER_TXN: usize = 4;

/// [`execute`] on a new thread of `stack_size` bytes (a task's panic is resumed here).
pub(super) fn execute_on_thread<T: Task>(
    task: &T,
    txns: &[T::Txn],
    base: &impl BaseView<T::Key, T::Value>,
    stack_size: usize,
) -> Result<BlockOutput<T>, BlockError<T::Error>> {
    let spawned = thread::scope(|scope| {
        let thread = thread::Builder::new()
            .name("block-sequential".into())
            .stack_size(stack_size)
            .spawn_scoped(scope, || execute(task, txns, base))?;
        Ok(thread.join())
    });
    match spawned.map_err(BlockError::Spawn)? {
        Ok(result) => result,
        Err(payload) => panic::resume_unwind(payload),
    }
}

/// The state after the transactions a parallel execution committed: their writes over the
/// state before the block.
pub(super) struct AfterCommitted<'a, K, V, B> {
    pub writes: &'a BTreeMap<K, Option<V>>,
    pub base: &'a B,
}

impl<K: Ord + Sync, V: Clone + Sync, B: BaseView<K, V>> BaseView<K, V>
    for AfterCommitted<'_, K, V, B>
{
    fn read(&self, key: &K) -> Option<V> {
        match self.writes.get(key) {
            Some(value) => value.clone(),
            None => self.base.read(key),
        }
    }
}

/// Executes `txns` in order on the calling thread; stops at the first that fails.
pub(super) fn execute<T: Task>(
    task: &T,
    txns: &[T::Txn],
    base: &impl BaseView<T::Key, T::Value>,
) -> Result<BlockOutput<T>, BlockError<T::Error>> {
    let mut writes =
        BlockWrites::with_capacity_and_hasher(txns.len() * WRITES_PER_TXN, Default::default());
    let mut outputs = Vec::with_capacity(txns.len());
    for (index, txn) in txns.iter().enumerate() {
        let view = SequentialView {
            writes: &writes,
            base,
        };
        let Execution {
            output,
            writes: txn_writes,
        } = task
            .execute(txn, &view)
            .map_err(|error| BlockError::Task { txn: index, error })?;
        for (key, write) in txn_writes {
            let value = match write {
                Write::Set(value) => Some(value),
                Write::Delete => None,
                Write::Delta(delta) => {
                    let before = match writes.get(&key) {
                        Some(value) => value.clone(),
                        None => base.read(&key),
                    };
                    Some(delta.apply(before.as_ref()))
                }
            };
            writes.insert(key, value);
        }
        outputs.push(output);
    }
    let once = TxnStats {
        executions: 1,
        validations: 0,
    };
    Ok(BlockOutput {
        outputs,
        writes: writes.into_iter().collect(),
        stats: vec![once; txns.len()],
        executed_as: Mode::Sequential,
    })
}
