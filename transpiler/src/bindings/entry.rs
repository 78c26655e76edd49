//! Binding calls through the contract's Move typed entry function (`Call::entry`): the
//! arguments go as Move values (BCS), not calldata, to the function the transpiler made for
//! the ABI function in the contract's module (`evmove::lower::typed`), which the runtime runs
//! as a transaction (`Runtime::execute_entry`); the receipt's return value is decoded from
//! the function's Move results.
//!
//! The generated bindings implement [`TypedCall`] for the call type of each function that
//! has a typed entry (the build's `manifest.json` lists them), so `.entry()` exists only
//! where it can run.

use alloy_dyn_abi::{DynSolType, DynSolValue};
use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolInterface};
use evmove_runtime::{abi_value, BlockEnv, EntryCall, InMemoryState, Runtime, TxError};
use move_core_types::identifier::Identifier;

use super::{
    message::Call,
    receipt::{Events, Receipt},
};

/// A typed entry function of a contract's module, as the generated bindings describe it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryFunction {
    /// Its Move name (`transfer`; `pay_1a2b3c4d` for an overloaded `pay`).
    pub name: &'static str,
    /// The ABI types of its parameters, as a tuple: `(address,uint256)`.
    pub params: &'static str,
    /// The ABI types of its results, as a tuple: `(bool)`.
    pub results: &'static str,
    /// Whether it takes a `value` after them: the function is payable.
    pub payable: bool,
}

/// A call of a function that has a typed entry function.
pub trait TypedCall: SolCall {
    /// The typed entry.
    const ENTRY: EntryFunction;
}

/// Why a call through a typed entry could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum EntryError {
    /// The transaction could not run at all.
    #[error(transparent)]
    Tx(#[from] TxError),
    /// The call's arguments have no Move form as its typed entry takes them.
    #[error("typed entry {function}: {reason}")]
    Arguments {
        /// The typed entry's Move name.
        function: &'static str,
        /// Why.
        reason: String,
    },
}

/// A call to send through its typed entry function ([`Call::entry`]).
#[derive(Debug)]
pub struct Entry<'a, C, E, L> {
    call: &'a Call<C, E, L>,
}

impl<C: TypedCall, E: SolInterface, L: Events> Call<C, E, L> {
    /// It, sent through the contract's typed entry function instead of as calldata.
    pub fn entry(&self) -> Entry<'_, C, E, L> {
        Entry { call: self }
    }
}

impl<C: TypedCall, E: SolInterface, L: Events> Entry<'_, C, E, L> {
    /// The runtime's typed entry call from `from`: the arguments as BCS-encoded Move values
    /// (and the value last, for a payable function).
    pub fn call(&self, from: Address) -> Result<EntryCall, EntryError> {
        let entry = C::ENTRY;
        let fail = |reason: String| EntryError::Arguments {
            function: entry.name,
            reason,
        };
        let mut types = tuple_types(entry.params).map_err(fail)?;
        let mut encoded = Vec::new();
        self.call.kind.call.abi_encode_raw(&mut encoded);
        let mut values = match DynSolType::Tuple(types.clone()).abi_decode_params(&encoded) {
            Ok(DynSolValue::Tuple(values)) => values,
            Ok(_) | Err(_) => return Err(fail(format!("arguments not of types {}", entry.params))),
        };
        let value = self.call.value;
        match entry.payable {
            true => {
                types.push(DynSolType::Uint(256));
                values.push(DynSolValue::Uint(value, 256));
            }
            false if value != U256::ZERO => {
                return Err(fail(format!(
                    "sends {value} wei to a function that is not payable (its typed entry takes no value)"
                )))
            }
            false => {}
        }
        Ok(EntryCall {
            sender: from,
            contract: self.call.kind.to,
            function: Identifier::new(entry.name).map_err(|error| fail(error.to_string()))?,
            args: abi_value::to_move(&types, &values).map_err(fail)?,
            gas_limit: self.call.gas_limit,
        })
    }

    /// Sends it from `from` on `state` (applying the outcome): the receipt, its return value
    /// decoded from the typed entry's Move results (in the `differential` mode, after
    /// checking the outcome against revm's for the same call sent as calldata).
    pub fn send(
        &self,
        runtime: &Runtime,
        state: &mut InMemoryState,
        from: Address,
    ) -> Result<Receipt<C::Return, E, L>, EntryError> {
        let call = self.call(from)?;
        let block = BlockEnv::default();
        let entry = runtime.execute_entry(&*state, &block, &call)?;
        #[cfg(feature = "differential")]
        super::differential::check(state, &block, &self.call.tx(from), &entry.outcome);
        entry.outcome.apply_to(state);
        let outcome = entry.outcome;
        let results = entry.results;
        Ok(Receipt::decode(
            outcome.status,
            outcome.return_data,
            outcome.logs,
            outcome.gas_used,
            None,
            |_| returned::<C>(&results),
        ))
    }
}

/// The return value of `C` whose typed entry's Move results, BCS-encoded, are `results`.
fn returned<C: TypedCall>(results: &[Vec<u8>]) -> Option<C::Return> {
    let types = tuple_types(C::ENTRY.results).ok()?;
    let data = abi_value::encode(&types, results).ok()?;
    C::abi_decode_returns(&data).ok()
}

/// The types of ABI tuple type `tuple` (`(address,uint256)`).
fn tuple_types(tuple: &str) -> Result<Vec<DynSolType>, String> {
    match DynSolType::parse(tuple) {
        Ok(DynSolType::Tuple(types)) => Ok(types),
        Ok(other) => Err(format!("{other} is not a tuple type")),
        Err(error) => Err(format!("{tuple}: {error}")),
    }
}
