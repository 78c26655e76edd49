//! Calls and creations a binding builds ([`Message`]): sent on the embedded runtime, or
//! turned into a [`Transaction`] for a block.

use std::marker::PhantomData;

use alloy_primitives::{Address, Bytes, Log, U256};
use alloy_sol_types::{ContractError, SolCall, SolInterface};
use evmove_runtime::{BlockEnv, InMemoryState, Runtime, Status, Transaction, TxError, TxOutcome};

use super::receipt::{Events, Receipt};

/// The gas budget of a call or creation unless it says otherwise: the most a transaction
/// may have (EIP-7825's cap, in force from Osaka, the default fork).
pub const DEFAULT_GAS_LIMIT: u64 = evmove_runtime::exec::fees::TX_GAS_LIMIT_CAP;

/// Runs `tx` on `state` with the default block and applies its outcome (in the
/// `differential` mode, after checking it against revm's).
fn execute(
    runtime: &Runtime,
    state: &mut InMemoryState,
    tx: &Transaction,
) -> Result<TxOutcome, TxError> {
    let block = BlockEnv::default();
    let outcome = runtime.execute(&*state, &block, tx)?;
    #[cfg(feature = "differential")]
    super::differential::check(state, &block, tx, &outcome);
    outcome.apply_to(state);
    Ok(outcome)
}

/// A transaction a binding builds, before it is sent: what it does (`K`: a [`Function`]
/// call or a [`Creation`]), the value and gas budget it carries, and the contract's errors
/// `E` and events `L` its receipt decodes.
#[derive(Clone, Debug)]
pub struct Message<K, E, L> {
    pub(super) kind: K,
    pub(super) value: U256,
    pub(super) gas_limit: u64,
    decoded: PhantomData<fn() -> (E, L)>,
}

/// A call of function `C` of a contract whose errors are `E` and events `L`.
pub type Call<C, E, L> = Message<Function<C>, E, L>;

/// A creation of a contract whose errors are `E` and events `L`.
pub type Deploy<E, L> = Message<Creation, E, L>;

/// A call of function `C` on the contract at `to`.
#[derive(Clone, Debug)]
pub struct Function<C> {
    pub(super) to: Address,
    pub(super) call: C,
}

/// A creation: initcode and constructor arguments.
#[derive(Clone, Debug)]
pub struct Creation {
    data: Bytes,
}

/// What a [`Message`] does: its recipient (`None`, a creation) and its data.
pub trait Kind {
    /// The called contract, or `None` for a creation.
    fn to(&self) -> Option<Address>;
    /// The calldata, or the initcode with the constructor's arguments.
    fn data(&self) -> Bytes;
}

impl<C: SolCall> Kind for Function<C> {
    fn to(&self) -> Option<Address> {
        Some(self.to)
    }

    fn data(&self) -> Bytes {
        self.call.abi_encode().into()
    }
}

impl Kind for Creation {
    fn to(&self) -> Option<Address> {
        None
    }

    fn data(&self) -> Bytes {
        self.data.clone()
    }
}

impl<K: Kind, E, L> Message<K, E, L> {
    fn of(kind: K) -> Self {
        Self {
            kind,
            value: U256::ZERO,
            gas_limit: DEFAULT_GAS_LIMIT,
            decoded: PhantomData,
        }
    }

    /// It sending `wei` (to the called contract, or the constructor).
    pub fn value(mut self, wei: U256) -> Self {
        self.value = wei;
        self
    }

    /// It with gas budget `gas`.
    pub fn gas_limit(mut self, gas: u64) -> Self {
        self.gas_limit = gas;
        self
    }

    /// The transaction sending it from `from` (for `block::evm::execute_block`).
    pub fn tx(&self, from: Address) -> Transaction {
        Transaction {
            sender: from,
            to: self.kind.to(),
            value: self.value,
            data: self.kind.data(),
            gas_limit: self.gas_limit,
            ..Transaction::default()
        }
    }
}

impl<C: SolCall, E: SolInterface, L: Events> Call<C, E, L> {
    /// A call of `call` on the contract at `to`, sending no value.
    pub fn new(to: Address, call: C) -> Self {
        Self::of(Function { to, call })
    }

    /// The calldata.
    pub fn calldata(&self) -> Bytes {
        self.kind.data()
    }

    /// Sends it from `from` on `state` (applying the outcome): the receipt, or why the
    /// transaction could not run at all.
    pub fn send(
        &self,
        runtime: &Runtime,
        state: &mut InMemoryState,
        from: Address,
    ) -> Result<Receipt<C::Return, E, L>, TxError> {
        let outcome = execute(runtime, state, &self.tx(from))?;
        Ok(self.receipt(
            outcome.status,
            outcome.return_data,
            outcome.logs,
            outcome.gas_used,
        ))
    }

    /// Decodes a result of this call (from a block's output, say).
    pub fn receipt(
        &self,
        status: Status,
        return_data: Bytes,
        logs: Vec<Log>,
        gas_used: u64,
    ) -> Receipt<C::Return, E, L> {
        Receipt::decode(status, return_data, logs, gas_used, None, |data| {
            C::abi_decode_returns(data).ok()
        })
    }
}

/// A creation that failed.
#[derive(Debug, thiserror::Error)]
pub enum DeployError<E> {
    /// The transaction could not run at all.
    #[error(transparent)]
    Tx(#[from] TxError),
    /// The constructor reverted or halted; `reverted` is the revert, decoded.
    #[error("the creation ended with {status:?}")]
    Failed {
        /// How it ended.
        status: Status,
        /// The revert, decoded (as in [`Receipt::reverted`]; boxed, as it can be large).
        reverted: Option<Box<ContractError<E>>>,
    },
}

impl<E: SolInterface, L: Events> Deploy<E, L> {
    /// The creation running `initcode` with `arguments` (ABI-encoded) after it.
    pub fn new(initcode: &[u8], arguments: Vec<u8>) -> Self {
        Self::of(Creation {
            data: [initcode, &arguments].concat().into(),
        })
    }

    /// Sends it from `from` on `state` (applying the outcome): the receipt (its
    /// [`Receipt::created`] the new contract's address), or why it could not run at all.
    pub fn send(
        &self,
        runtime: &Runtime,
        state: &mut InMemoryState,
        from: Address,
    ) -> Result<Receipt<(), E, L>, TxError> {
        let outcome = execute(runtime, state, &self.tx(from))?;
        Ok(Receipt::decode(
            outcome.status,
            outcome.return_data,
            outcome.logs,
            outcome.gas_used,
            outcome.created,
            |_| Some(()),
        ))
    }
}

impl<E, L> Receipt<(), E, L> {
    /// The created contract's address, or how the creation failed.
    pub fn created(self) -> Result<Address, DeployError<E>> {
        match self.created {
            Some(address) if self.status == Status::Success => Ok(address),
            _ => Err(DeployError::Failed {
                status: self.status,
                reverted: self.reverted.map(Box::new),
            }),
        }
    }
}
