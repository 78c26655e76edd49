//! One typed entry function: what the ABI function is, and its Move form (the module's
//! [`TypedEntries`](super::TypedEntries) decides which exist, `codegen.rs` writes their code).

use alloy_dyn_abi::DynSolType;
use evmove_word::shim::abi_types::MoveForm;
use move_core_types::identifier::Identifier;

/// One typed entry function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedEntry {
    /// Its Move name: the ABI name, or `<name>_<selector>` for an overloaded name or one taken
    /// by the module's own functions.
    pub name: Identifier,
    /// The ABI signature, `transfer(address,uint256)`.
    pub signature: String,
    /// The names of its Move parameters after the contract (and before `value`): the ABI
    /// parameters', flattened (`key_currency` for component `currency` of tuple `key`).
    pub param_names: Vec<String>,
    pub(super) selector: u32,
    pub(super) params: Vec<DynSolType>,
    pub(super) results: Vec<DynSolType>,
    pub(super) param_types: Vec<MoveForm>,
    pub(super) result_types: Vec<MoveForm>,
    pub(super) payable: bool,
}

impl TypedEntry {
    /// Whether it takes a `value` (last): the ABI function is payable.
    pub fn is_payable(&self) -> bool {
        self.payable
    }
}

/// Conversions between ABI values and the Move values the entry takes and returns, by
/// `evmove_runtime::abi_value`.
#[cfg(feature = "vm")]
impl TypedEntry {
    /// Its Move arguments after the contract, BCS-encoded, for the ABI values `args` and,
    /// if it is payable, `value` wei.
    pub fn move_args(
        &self,
        args: &[alloy_dyn_abi::DynSolValue],
        value: alloy_primitives::U256,
    ) -> Result<Vec<Vec<u8>>, String> {
        let mut encoded = evmove_runtime::abi_value::to_move(&self.params, args)?;
        if self.payable {
            let value = alloy_dyn_abi::DynSolValue::Uint(value, 256);
            encoded.extend(evmove_runtime::abi_value::to_move(
                &[DynSolType::Uint(256)],
                &[value],
            )?);
        }
        Ok(encoded)
    }

    /// The ABI values of its results, BCS-encoded as the runtime returns them.
    pub fn abi_results(
        &self,
        results: &[Vec<u8>],
    ) -> Result<Vec<alloy_dyn_abi::DynSolValue>, String> {
        evmove_runtime::abi_value::to_abi(&self.results, results)
    }
}
