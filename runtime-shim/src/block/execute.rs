//! [`execute_block`]: the entry point, choosing the sequential or the parallel executor.

use super::{
    config::{Config, Mode},
    output::{BlockError, BlockOutput},
    parallel, sequential,
    task::{BaseView, Task},
};

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
            sequential::execute_on_thread(task, txns, base, config.stack_size)
        }
    }
}
