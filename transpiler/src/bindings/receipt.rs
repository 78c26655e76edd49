//! A transaction's result as a binding decodes it: return value, events and revert.

use alloy_primitives::{Address, Bytes, Log};
use alloy_sol_types::{ContractError, SolEventInterface, SolInterface};
use evmove_runtime::Status;

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
