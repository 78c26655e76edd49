//! The runtime as a Block-STM task: [`BlockTask`] executes one [`Transaction`] of a block
//! with [`Runtime::execute`], reading through the executor's versioned [`View`], and hands
//! back its write set in the executor's form.
//!
//! A read the executor answers with a dependency becomes a [`StateError`] (wrapping the
//! [`ReadError`]): the transaction stops at whatever depth it is and returns
//! [`TxError::State`], which the executor discards. Value transfers read their recipients, so
//! every write is a full value ([`NoDelta`]); no fee is paid to the coinbase (`exec::gas`),
//! so transactions do not all conflict on it.

use super::{
    code::CodeKind,
    env::{BlockEnv, Transaction},
    outcome::{TxError, TxOutcome},
    runtime::Runtime,
};
use crate::{
    block::{BaseView, Execution, NoDelta, ReadError, Task, View, Write},
    state::{memory::InMemoryState, Code, StateError, StateKey, StateValue, StateView},
};

/// Executes a block's transactions on one runtime, in one block environment.
pub struct BlockTask<'a> {
    /// The runtime; every module the block runs must be published before the block starts
    /// ([`BlockTask::prepare`]), since publishing is not safe during parallel execution.
    pub runtime: &'a Runtime,
    /// The block's environment.
    pub block: &'a BlockEnv,
}

impl BlockTask<'_> {
    /// Publishes the modules of the code the block's transactions run: the code of every
    /// called account in `state` and the initcode of every creation. Code that other code
    /// reaches (a CREATE's initcode built in memory, an account called indirectly) cannot be
    /// known ahead: a block that needs it runs sequentially.
    pub fn prepare(&self, state: &InMemoryState, txns: &[Transaction]) -> Result<(), String> {
        for tx in txns {
            match tx.to {
                Some(to) => match state.code(to) {
                    Some(code) if !code.bytes.is_empty() => {
                        self.runtime.resolve(code, CodeKind::Runtime)?;
                    }
                    _ => {}
                },
                None => {
                    self.runtime
                        .resolve(&Code::new(tx.data.clone()), CodeKind::Initcode)?;
                }
            }
        }
        Ok(())
    }
}

impl Task for BlockTask<'_> {
    type Txn = Transaction;
    type Key = StateKey;
    type Value = StateValue;
    type Delta = NoDelta;
    /// The outcome, with its write set moved into the execution's `writes`.
    type Output = TxOutcome;
    type Error = TxError;

    fn execute(
        &self,
        txn: &Transaction,
        view: &impl View<StateKey, StateValue>,
    ) -> Result<Execution<Self>, TxError> {
        let mut outcome = self.runtime.execute(&Versioned(view), self.block, txn)?;
        let writes = std::mem::take(&mut outcome.write_set)
            .into_iter()
            .map(|(key, value)| (key, value.map_or(Write::Delete, Write::Set)))
            .collect();
        Ok(Execution {
            output: outcome,
            writes,
        })
    }
}

/// The executor's view of the state, as the host reads it.
struct Versioned<'v, V>(&'v V);

impl<V: View<StateKey, StateValue>> StateView for Versioned<'_, V> {
    fn read(&self, key: &StateKey) -> Result<Option<StateValue>, StateError> {
        self.0
            .read(key)
            .map_err(|error: ReadError| StateError::new(error))
    }
}

impl BaseView<StateKey, StateValue> for InMemoryState {
    fn read(&self, key: &StateKey) -> Option<StateValue> {
        self.get(key).cloned()
    }
}
