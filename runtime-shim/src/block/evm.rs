//! A block of EVM transactions executed by the runtime, sequentially or with Block-STM: the
//! [`Runtime`] as the block executor's [`Task`] ([`EvmTask`]), and [`execute_block`].
//!
//! # Contract
//!
//! The result ([`EvmBlockOutput`]) is, in every [`Mode`](super::Mode) and for any thread
//! count, that of the block's system calls ([`Runtime::pre_block`]: EIP-2935, EIP-4788),
//! then the transactions one after the other with [`Runtime::execute`], applying each
//! write set to the state ([`InMemoryState::apply`]), then the withdrawals
//! ([`withdrawals`]): per transaction its [`TxResult`] (the [`TxOutcome`] without its write
//! set), and the block's writes (every key the system calls, a transaction or a withdrawal
//! wrote, with its value after the block). The system calls' writes are the base the
//! transactions run on, in both modes. A transaction that cannot be executed at all
//! ([`TxError`]: an invalid one, [`TxError::Invalid`], rejects the block) ends the block
//! with that error, as in
//! the generic executor; a system call that cannot be executed (a state read failed) is
//! [`BlockError::Task`] of transaction 0.
//!
//! # How the runtime keeps the task contract (`task.rs`)
//!
//! - **Reads**: the runtime reads state only through the [`StateView`] it is given; here a
//!   view over the executor's [`View`] ([`BlockStateView`]; code that exists before the block
//!   cannot change in it and is read from the base state). A read of an ESTIMATE becomes a
//!   [`StateError`] whose source is the [`ReadError`]: the runtime stops the transaction at
//!   its next state read (every read fails from then on) and returns
//!   [`TxError::State`], which the executor ignores.
//! - **Termination**: gas bounds every execution, speculative ones included; a frame that
//!   meets a state it cannot make sense of halts (an EVM failure), it does not panic.
//! - **evmove's failures**: a frame evmove cannot run (code the provider refuses, a Move
//!   execution that ends in no EVM way) is [`TxError::Evmove`], which like any other
//!   [`TxError`] is the incarnation's result: a speculative one is validated and re-executed
//!   as usual, and if the committed one has it, the block ends with it for that transaction.
//! - **One write per key**: the journal's write set names each key once, and its credits
//!   ([`TxOutcome::credits`]) never name a key of the write set.
//! - **Deltas**: the task executes with [`Runtime::execute_deferring_credits`]: wei moved to
//!   an account the transaction does not otherwise read (the recipient of a plain transfer,
//!   a contract receiving value and never reading its balance) is a [`Write::Delta`]
//!   ([`Credit`]), so payments to one shared recipient do not serialize the block; so is the
//!   coinbase's tip of every transaction (`exec::fees`), so fees make no transaction conflict
//!   with another (unless it reads the coinbase's balance).
//!
//! # Modules
//!
//! Code is compiled and published on demand (the runtime's code provider), also in the
//! middle of a parallel block: that is safe, because modules are not versioned state. A
//! module is found by the hash of the code it runs, the same code always gets the same module
//! whichever thread publishes it first, and publishing is idempotent; nothing a transaction
//! reads or returns depends on when a module was published. [`execute_block`] first
//! publishes the modules of the code the block calls directly (and of its creations'
//! initcode), so that common blocks compile nothing while workers run.

use std::collections::BTreeSet;

use alloy_primitives::{Address, Bytes, Log, U256};

use super::{
    config::Config,
    execute,
    output::{BlockError, BlockOutput},
    task::{BaseView, Delta, Execution, ReadError, Task, View, Write},
    writes::{BlockWrites, WritesOver},
};
use crate::{
    exec::{
        code::CodeKind,
        outcome::{TxError, TxOutcome},
        runtime::Runtime,
        system::withdrawals,
    },
    host::{
        env::{BlockEnv, Transaction},
        outcome::Status,
    },
    state::{
        memory::InMemoryState,
        overlay::Overlay,
        types::{Account, Code, StateKey, StateValue},
        view::{StateError, StateView},
    },
};

/// What one transaction of a block returns: its [`TxOutcome`] without the write set (the
/// block's writes are merged in [`BlockOutput::writes`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxResult {
    /// How it ended.
    pub status: Status,
    /// The first frame's return or revert data.
    pub return_data: Bytes,
    /// The logs of the frames that did not roll back, in order.
    pub logs: Vec<Log>,
    /// Gas used, as the EVM reports it (intrinsic gas included, the refund taken off).
    pub gas_used: u64,
    /// The address of the contract a successful creation made.
    pub created: Option<Address>,
}

impl TxResult {
    /// The part of `outcome` that is not state.
    pub fn of(outcome: &TxOutcome) -> Self {
        Self {
            status: outcome.status.clone(),
            return_data: outcome.return_data.clone(),
            logs: outcome.logs.clone(),
            gas_used: outcome.gas_used,
            created: outcome.created,
        }
    }
}

/// Wei added to an account's balance without reading it (an absent account is created with
/// nonce 0, as a transfer creates it). Saturating, as the journal's transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Credit(pub U256);

impl Delta<StateValue> for Credit {
    fn apply(&self, before: Option<&StateValue>) -> StateValue {
        let mut account = match before {
            Some(StateValue::Account(account)) => *account,
            // A key's value is always of the key's kind; any other is no account.
            _ => Account::default(),
        };
        account.balance = account.balance.saturating_add(self.0);
        StateValue::Account(account)
    }
}

/// The runtime executing the transactions of one block.
pub struct EvmTask<'r> {
    runtime: &'r Runtime,
    block: &'r BlockEnv,
    base: &'r dyn EvmBase,
}

impl<'r> EvmTask<'r> {
    /// The task executing transactions with `runtime` in `block` over `base` (the state the
    /// block's executor is given).
    pub fn new(runtime: &'r Runtime, block: &'r BlockEnv, base: &'r dyn EvmBase) -> Self {
        Self {
            runtime,
            block,
            base,
        }
    }
}

impl Task for EvmTask<'_> {
    type Txn = Transaction;
    type Key = StateKey;
    type Value = StateValue;
    type Delta = Credit;
    type Output = TxResult;
    type Error = TxError;

    fn execute(
        &self,
        txn: &Transaction,
        view: &impl View<StateKey, StateValue>,
    ) -> Result<Execution<Self>, TxError> {
        let view = BlockStateView {
            view,
            base: self.base,
        };
        let outcome = self
            .runtime
            .execute_deferring_credits(&view, self.block, txn)?;
        let TxOutcome {
            status,
            return_data,
            logs,
            gas_used,
            gas_refunded: _,
            write_set,
            credits,
            created,
        } = outcome;
        let output = TxResult {
            status,
            return_data,
            logs,
            gas_used,
            created,
        };
        let mut writes = Vec::with_capacity(write_set.len() + credits.len());
        writes.extend(write_set.into_iter().map(|(key, value)| {
            let write = match value {
                Some(value) => Write::Set(value),
                None => Write::Delete,
            };
            (key, write)
        }));
        writes.extend(
            (credits.into_iter())
                .map(|(address, wei)| (StateKey::Account(address), Write::Delta(Credit(wei)))),
        );
        Ok(Execution { output, writes })
    }

    fn worker<R>(&self, work: impl FnOnce() -> R) -> R {
        self.runtime.holding_executor(work)
    }
}

/// The executor's view of a transaction as the runtime's [`StateView`]: a read that depends
/// on a transaction being re-executed is a [`StateError`] with the [`ReadError`] as source.
///
/// Code that exists before the block is read from the base state directly, without going
/// through the executor's view (so without being recorded or validated): no transaction of
/// the block can change it. A creation only deploys to an address without code (else it is a
/// collision), and SELFDESTRUCT removes only code created in the same transaction
/// (EIP-6780). Every transaction reads its callee's code, so this takes the hottest key of a
/// block out of the multi-version memory.
///
/// Whether an account has storage ([`StateView::has_storage`], the EIP-7610 collision
/// check) is the base state's answer, also not recorded: the creation asks only after
/// reading (recorded) that the account has nonce 0 and no code, and the storage of such an
/// account cannot change during the block (code runs only at an account with code or being
/// created, which gives it nonce 1; an account created and destroyed in one transaction
/// leaves no storage).
pub struct BlockStateView<'v, V: ?Sized> {
    /// The transaction's view in the block executor.
    pub view: &'v V,
    /// The state before the block.
    pub base: &'v dyn EvmBase,
}

impl<V: View<StateKey, StateValue> + ?Sized> StateView for BlockStateView<'_, V> {
    fn read(&self, key: &StateKey) -> Result<Option<StateValue>, StateError> {
        if let StateKey::Code(_) = key {
            if let Some(StateValue::Code(code)) = BaseView::read(self.base, key) {
                if !code.bytes.is_empty() {
                    return Ok(Some(StateValue::Code(code)));
                }
            }
        }
        self.view.read(key).map_err(StateError::new)
    }

    fn has_storage(&self, address: Address) -> Result<bool, StateError> {
        self.base.has_storage(address)
    }
}

/// Whether `error` is a transaction stopped on a Block-STM dependency (never a result).
pub fn is_dependency(error: &TxError) -> bool {
    match error {
        TxError::State(error) => error.source.downcast_ref::<ReadError>().is_some(),
        _ => false,
    }
}

impl BaseView<StateKey, StateValue> for InMemoryState {
    fn read(&self, key: &StateKey) -> Option<StateValue> {
        StateView::read(self, key).unwrap_or(None)
    }
}

/// The state before a block as the EVM block executor reads it: by key ([`BaseView`]), and
/// as a [`StateView`] (for the system calls, and whether an account has storage).
pub trait EvmBase: BaseView<StateKey, StateValue> + StateView {}

impl<B: BaseView<StateKey, StateValue> + StateView> EvmBase for B {}

/// The state after writes not applied to it (the system calls' over the state before the
/// block: the base the block's transactions run on) as the runtime reads it.
impl<B: StateView + ?Sized> StateView for WritesOver<'_, StateKey, StateValue, B> {
    fn read(&self, key: &StateKey) -> Result<Option<StateValue>, StateError> {
        match self.writes.get(key) {
            Some(value) => Ok(value.clone()),
            None => self.base.read(key),
        }
    }

    /// The base's slots not written over, then the slots written with a value (a scan of
    /// the writes: only SELFDESTRUCT before Cancun asks).
    fn storage_slots(&self, address: Address) -> Result<Vec<U256>, StateError> {
        let written = |slot| self.writes.contains_key(&StateKey::Slot(address, slot));
        let mut slots: Vec<U256> = (self.base.storage_slots(address)?.into_iter())
            .filter(|&slot| !written(slot))
            .collect();
        slots.extend(
            self.writes
                .iter()
                .filter_map(|(key, value)| match (key, value) {
                    (StateKey::Slot(owner, slot), Some(_)) if *owner == address => Some(*slot),
                    _ => None,
                }),
        );
        Ok(slots)
    }

    fn has_storage(&self, address: Address) -> Result<bool, StateError> {
        Ok(!self.storage_slots(address)?.is_empty())
    }
}

/// What a block of EVM transactions produced: per transaction its [`TxResult`], the block's
/// writes, and per transaction the work it took.
pub type EvmBlockOutput<'r> = BlockOutput<EvmTask<'r>>;

/// Executes `txns` in `block` over `base` with `runtime`, as `config` says, with the
/// block's system calls before them and its withdrawals after (see the module doc for the
/// contract). The modules of the code the transactions call directly are published first.
pub fn execute_block<'r>(
    runtime: &'r Runtime,
    base: &'r impl EvmBase,
    block: &'r BlockEnv,
    txns: &[Transaction],
    config: &Config,
) -> Result<EvmBlockOutput<'r>, BlockError<TxError>> {
    let system =
        (runtime.pre_block(base, block)).map_err(|error| BlockError::Task { txn: 0, error })?;
    let system_writes: BlockWrites<StateKey, StateValue> = (system.iter())
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    let base: WritesOver<'_, _, _, dyn EvmBase> = WritesOver {
        writes: &system_writes,
        base,
    };
    publish_modules(runtime, &base, txns);
    let task = EvmTask::new(runtime, block, &base);
    let BlockOutput {
        outputs,
        mut writes,
        stats,
        executed_as,
        handed_over,
    } = execute::execute_block(&task, txns, &base, config)?;
    let after = Overlay {
        base: &base,
        writes: &writes,
    };
    let withdrawn = withdrawals(&after, block).map_err(|error| BlockError::Task {
        txn: txns.len().saturating_sub(1),
        error: TxError::State(error),
    })?;
    for (key, value) in system {
        writes.entry(key).or_insert(value);
    }
    writes.extend(withdrawn);
    Ok(BlockOutput {
        outputs,
        writes,
        stats,
        executed_as,
        handed_over,
    })
}

/// Publishes the modules of the code `txns` call directly (the code of their targets in
/// `base`) and of the initcode of their creations. Code that cannot be compiled is left for
/// the transaction to fail on, as it would without this.
pub fn publish_modules(
    runtime: &Runtime,
    base: &impl BaseView<StateKey, StateValue>,
    txns: &[Transaction],
) {
    let targets: BTreeSet<Address> = txns.iter().filter_map(|txn| txn.to).collect();
    for target in targets {
        if let Some(StateValue::Code(code)) = base.read(&StateKey::Code(target)) {
            if !code.bytes.is_empty() {
                let _ = runtime.resolve(&code, CodeKind::Runtime);
            }
        }
    }
    let mut initcodes = BTreeSet::new();
    for txn in txns.iter().filter(|txn| txn.to.is_none()) {
        if !txn.data.is_empty() && initcodes.insert(&txn.data) {
            let _ = runtime.resolve(&Code::new(txn.data.clone()), CodeKind::Initcode);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_over_a_state_hide_and_add_slots() {
        let a = Address::repeat_byte(0xa);
        let slot = |n: u64| StateKey::Slot(a, U256::from(n));
        let mut base = InMemoryState::new();
        base.set_slot(a, U256::from(1), U256::from(10));
        base.set_slot(a, U256::from(2), U256::from(20));
        let mut writes = BlockWrites::default();
        writes.insert(slot(1), None);
        writes.insert(slot(3), Some(StateValue::Slot(U256::from(30))));
        let over = WritesOver {
            writes: &writes,
            base: &base,
        };
        assert_eq!(StateView::read(&over, &slot(1)).unwrap(), None);
        assert_eq!(
            StateView::read(&over, &slot(2)).unwrap(),
            Some(StateValue::Slot(U256::from(20)))
        );
        let mut slots = over.storage_slots(a).unwrap();
        slots.sort();
        assert_eq!(slots, [U256::from(2), U256::from(3)]);
        assert!(over.has_storage(a).unwrap());
        writes.insert(slot(2), None);
        writes.insert(slot(3), None);
        let over = WritesOver {
            writes: &writes,
            base: &base,
        };
        assert!(!over.has_storage(a).unwrap());
    }
}
