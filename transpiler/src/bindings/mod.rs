//! What the typed bindings `evmove::build` generates run on (feature `vm`): a contract's
//! code and modules ([`Compiled`]), calls ([`Call`]) and creations ([`Deploy`]) to send on
//! the embedded runtime or turn into a [`Transaction`] for a block, and receipts with the
//! return value, events and revert decoded ([`Receipt`]); or, for a function with a typed
//! entry, to send through it instead of as calldata (`entry.rs`).
//!
//! With the feature `differential`, every transaction sent is also run on revm and must end
//! the same way (`differential.rs`).
//!
//! The generated code reaches the runtime, alloy's primitives and `sol-types` through the
//! re-exports here, so a crate using bindings depends on `evmove` alone.

#[cfg(feature = "differential")]
mod differential;
mod entry;
mod registered;

use std::marker::PhantomData;

pub use alloy_primitives as primitives;
pub use alloy_sol_types as sol_types;
pub use evmove_runtime as runtime;

pub use entry::{Entry, EntryError, EntryFunction, TypedCall};

use alloy_primitives::{Address, Bytes, Log, U256};
use alloy_sol_types::{ContractError, SolCall, SolEventInterface, SolInterface};
use evmove_runtime::{
    BlockEnv, InMemoryState, ModuleRegistry, ProvidedModule, PublishError, Runtime, Status,
    Transaction, TxError, TxOutcome,
};
use move_core_types::account_address::AccountAddress;

/// The gas budget of a call or creation unless it says otherwise: the most a transaction
/// may have (EIP-7825's cap, in force from Osaka, the default fork).
pub const DEFAULT_GAS_LIMIT: u64 = evmove_runtime::exec::fees::TX_GAS_LIMIT_CAP;

/// A runtime publishing at `publisher` that runs the modules of `contracts`, and compiles
/// on demand the code they do not cover: runtime code with immutables (the constructor
/// writes their values into it, so it is not the artifact's code; compiled with the
/// contract's typed entries) and code created at run time.
pub fn runtime(contracts: &[Compiled], publisher: Address) -> Result<Runtime, PublishError> {
    let publisher = AccountAddress::new(publisher.into_array());
    Runtime::with_publisher(registered::Registered::new(contracts, publisher), publisher)
}

/// A compiled Move module, as the bindings embed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Module {
    /// Its name.
    pub name: &'static str,
    /// Its bytes.
    pub bytes: &'static [u8],
}

/// A contract's EVM code and the modules compiled from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Compiled {
    /// The contract's name.
    pub name: &'static str,
    /// Its initcode (empty if the artifact had none).
    pub initcode: &'static [u8],
    /// The initcode's module.
    pub initcode_module: Option<Module>,
    /// Its runtime code (empty if the artifact had none).
    pub runtime: &'static [u8],
    /// The runtime code's module.
    pub runtime_module: Option<Module>,
    /// Where its immutables are in the runtime code: (offset, length) each.
    pub immutables: &'static [(usize, usize)],
    /// Its ABI (JSON), for the typed entries of its runtime code with immutables written.
    pub abi: &'static str,
}

impl Compiled {
    /// Registers its modules with `registry`, each for the code it runs.
    pub fn register(&self, registry: &mut ModuleRegistry) {
        let provided = |module: Module| ProvidedModule {
            name: module.name.to_owned(),
            bytes: module.bytes.to_vec(),
        };
        if let Some(module) = self.initcode_module {
            registry.add_initcode(self.initcode, provided(module));
        }
        if let Some(module) = self.runtime_module {
            registry.add_runtime(self.runtime, provided(module));
        }
    }
}

/// A contract's events, decoded from a log: alloy's `sol!` event enums, or [`NoEvents`].
pub trait Events: Sized {
    /// The event `log` is, if it is one of these.
    fn decode(log: &Log) -> Option<Self>;
}

impl<T: SolEventInterface> Events for T {
    fn decode(log: &Log) -> Option<Self> {
        T::decode_log(log).ok().map(|log| log.data)
    }
}

/// The events of a contract that declares none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoEvents {}

impl Events for NoEvents {
    fn decode(_: &Log) -> Option<Self> {
        None
    }
}

/// What a transaction gave, decoded: `R` its return value, `E` the contract's custom
/// errors, `L` its events.
#[derive(Clone, Debug)]
pub struct Receipt<R, E, L> {
    /// How it ended.
    pub status: Status,
    /// The return value, if it succeeded and the return data decodes.
    pub returned: Option<R>,
    /// The revert, if it reverted with data that decodes as a custom error,
    /// `Error(string)` or `Panic(uint256)`.
    pub reverted: Option<ContractError<E>>,
    /// The logs that decode as the contract's events, in order (logs of other contracts'
    /// events are left out; [`Receipt::logs`] has them all).
    pub events: Vec<L>,
    /// Every log.
    pub logs: Vec<Log>,
    /// The return or revert data, as it was.
    pub return_data: Bytes,
    /// Gas used (the runtime's gas model).
    pub gas_used: u64,
    /// The contract a creation made.
    pub created: Option<Address>,
}

impl<R, E: SolInterface, L: Events> Receipt<R, E, L> {
    /// Decodes a transaction's result; `returns` decodes the return data of a success.
    pub fn decode(
        status: Status,
        return_data: Bytes,
        logs: Vec<Log>,
        gas_used: u64,
        created: Option<Address>,
        returns: impl FnOnce(&[u8]) -> Option<R>,
    ) -> Self {
        let returned = match status {
            Status::Success => returns(&return_data),
            _ => None,
        };
        let reverted = match status {
            Status::Revert => ContractError::<E>::abi_decode(&return_data).ok(),
            _ => None,
        };
        Self {
            status,
            returned,
            reverted,
            events: logs.iter().filter_map(L::decode).collect(),
            logs,
            return_data,
            gas_used,
            created,
        }
    }

    /// Whether it succeeded.
    pub fn success(&self) -> bool {
        self.status == Status::Success
    }
}

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
    differential::check(state, &block, tx, &outcome);
    outcome.apply_to(state);
    Ok(outcome)
}

/// A transaction a binding builds, before it is sent: what it does (`K`: a [`Function`]
/// call or a [`Creation`]), the value and gas budget it carries, and the contract's errors
/// `E` and events `L` its receipt decodes.
#[derive(Clone, Debug)]
pub struct Message<K, E, L> {
    kind: K,
    value: U256,
    gas_limit: u64,
    decoded: PhantomData<fn() -> (E, L)>,
}

/// A call of function `C` of a contract whose errors are `E` and events `L`.
pub type Call<C, E, L> = Message<Function<C>, E, L>;

/// A creation of a contract whose errors are `E` and events `L`.
pub type Deploy<E, L> = Message<Creation, E, L>;

/// A call of function `C` on the contract at `to`.
#[derive(Clone, Debug)]
pub struct Function<C> {
    to: Address,
    call: C,
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
