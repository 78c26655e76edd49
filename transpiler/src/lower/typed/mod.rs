//! Typed entry functions: one public Move function per ABI function, so a Move caller sees
//! `transfer(contract: address, to: address, amount: U256): bool` instead of calldata.
//!
//! Each is straight-line code over `evmove::abi` (`stdlib/sources/abi.move`): the BCS
//! encoding of each argument (`to_bcs`), the calldata written from them (`put_call`, given
//! the selector and the parameters' ABI types as text, `(address,uint256)`), a CALL of
//! `contract` (with `value`, last, for a payable function), then each result read from the
//! return data (`result_at`, given the results' ABI types). The contract's code runs as for
//! any other call; the runtime runs a typed entry as a transaction with
//! `Runtime::execute_entry`.
//!
//! The Move types of the ABI types are the shim table's mapping
//! (`evmove_word::shim::abi_types`, which the runtime converts values by): `uintN` is the
//! narrowest of `u8`, `u64`, `u128` and `U256` that holds it, `intN` and `bytesN` are `U256`
//! words, `bytes` and `string` are `vector<u8>`, `T[]` and `T[k]` are vectors (of `k`
//! elements), and a tuple (a Solidity struct) is flattened: one Move parameter or result per
//! component, in order, so an array of tuples is one vector per component. The flattened
//! parameters are named (`names.rs`), in [`TypedEntry::param_names`] (and the CLI's
//! `manifest.json`), `<param>_<component>` (`arg<i>` for an unnamed parameter, the index for
//! an unnamed component): with `struct Key { address currency; uint24 fee; }`,
//! `swap(Key key, uint256 amount)` takes `(contract, key_currency: address, key_fee: u64,
//! amount: U256)`, and `swapAll(Key[] keys)` takes `(contract, keys_currency:
//! vector<address>, keys_fee: vector<u64>)`. `codegen.rs` ([`Helpers`]) makes each entry's
//! signature and code.
//!
//! Functions whose types have no Move form (function types, arrays of empty tuples), or that
//! have more than 250 (`MAX_PARAMS`) Move parameters or results, get no typed entry;
//! [`TypedEntries::skipped`] says which and why.

mod codegen;
mod entry;
mod names;

use std::collections::{BTreeSet, HashMap};

use alloy_dyn_abi::{DynSolType, Specifier};
use alloy_json_abi::{Function, JsonAbi, Param, StateMutability};
use evmove_word::shim::abi_types::{flatten, MoveForm};

pub use codegen::Helpers;
pub use entry::TypedEntry;
use names::{flat_name, move_name, param_name};

/// ABI parameters (or results) with their Move types, flattened and named.
struct Flattened {
    types: Vec<DynSolType>,
    names: Vec<String>,
    moves: Vec<MoveForm>,
}

impl Flattened {
    /// Those of `params`, or why they have none.
    fn of(params: &[Param]) -> Result<Self, String> {
        let mut flattened = Self {
            types: Vec::with_capacity(params.len()),
            names: Vec::new(),
            moves: Vec::new(),
        };
        for (index, param) in params.iter().enumerate() {
            let ty = param.resolve().map_err(|err| err.to_string())?;
            let name = param_name(param, index);
            for flat in flatten(&ty)? {
                (flattened.names).push(flat_name(&name, &param.components, &flat.path));
                flattened.moves.push(flat.form);
            }
            flattened.types.push(ty);
        }
        if flattened.moves.len() > MAX_PARAMS {
            return Err(format!("more than {MAX_PARAMS} Move parameters or results"));
        }
        Ok(flattened)
    }
}

/// The most Move parameters (and results) a typed entry has: with the contract and the
/// value, Move's limit of 255 parameters is never reached.
const MAX_PARAMS: usize = 250;

/// An ABI function without a typed entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// Its ABI signature.
    pub signature: String,
    /// Why.
    pub reason: String,
}

/// The typed entries of an ABI.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TypedEntries {
    /// The functions that have one, by name (as alloy lists them).
    pub entries: Vec<TypedEntry>,
    /// Those that do not.
    pub skipped: Vec<Skipped>,
}

impl TypedEntries {
    /// The typed entries of `abi`'s functions.
    pub fn of(abi: &JsonAbi) -> Self {
        let functions: Vec<&Function> = abi.functions().collect();
        let mut names = HashMap::<&str, usize>::new();
        for function in &functions {
            *names.entry(function.name.as_str()).or_default() += 1;
        }
        let mut typed = Self::default();
        let mut taken = BTreeSet::new();
        for function in functions {
            let signature = function.signature();
            let (params, results) = match Flattened::of(&function.inputs)
                .and_then(|params| Ok((params, Flattened::of(&function.outputs)?)))
            {
                Ok(flattened) => flattened,
                Err(reason) => {
                    typed.skipped.push(Skipped { signature, reason });
                    continue;
                }
            };
            let selector = u32::from_be_bytes(function.selector().0);
            let overloaded = names[function.name.as_str()] > 1;
            let name = move_name(&function.name, selector, overloaded, &taken);
            taken.insert(name.clone());
            typed.entries.push(TypedEntry {
                name,
                signature,
                param_names: params.names,
                selector,
                params: params.types,
                results: results.types,
                param_types: params.moves,
                result_types: results.moves,
                payable: function.state_mutability == StateMutability::Payable,
            });
        }
        typed
    }
}

#[cfg(test)]
mod tests {
    use evmove_word::shim::abi_types::Scalar;

    use super::*;

    fn param(json: &str) -> Param {
        serde_json::from_str(json).unwrap()
    }

    /// The Move types themselves are the shim table's (`evmove_word::shim::abi_types`, tested
    /// there); here, how parameters flatten and what they are named.
    #[test]
    fn parameters_flatten_to_named_move_types() {
        let key = param(
            r#"{"name":"keys","type":"tuple[]","components":[
                {"name":"currency","type":"address"},
                {"name":"","type":"tuple","components":[{"name":"fee","type":"uint24"}]}]}"#,
        );
        let flat = Flattened::of(&[key, param(r#"{"name":"","type":"bool"}"#)]).unwrap();
        assert_eq!(flat.names, ["keys_currency", "keys_1_fee", "arg1"]);
        let form = |scalar, vectors| MoveForm { scalar, vectors };
        let expected = [
            form(Scalar::Address, 1),
            form(Scalar::U64, 1),
            form(Scalar::Bool, 0),
        ];
        assert_eq!(flat.moves, expected);
        assert_eq!(flat.types.len(), 2);
        let function = param(r#"{"name":"f","type":"function"}"#);
        assert!(Flattened::of(&[function]).is_err());
        let empty = param(r#"{"name":"e","type":"tuple[]","components":[]}"#);
        assert!(Flattened::of(&[empty]).is_err());
        let wide = vec![param(r#"{"name":"x","type":"uint8"}"#); MAX_PARAMS + 1];
        assert!(Flattened::of(&wide).is_err());
    }

    #[test]
    fn names_avoid_the_modules_own_functions_and_their_parts_and_function_types_are_skipped() {
        let abi: JsonAbi = serde_json::from_str(
            r#"[
              {"type":"function","name":"transfer","inputs":[{"name":"to","type":"address"},{"name":"v","type":"uint256"}],"outputs":[{"name":"","type":"bool"}],"stateMutability":"nonpayable"},
              {"type":"function","name":"f","inputs":[{"name":"x","type":"uint256"}],"outputs":[],"stateMutability":"nonpayable"},
              {"type":"function","name":"f","inputs":[],"outputs":[],"stateMutability":"nonpayable"},
              {"type":"function","name":"run","inputs":[],"outputs":[],"stateMutability":"payable"},
              {"type":"function","name":"f12","inputs":[],"outputs":[],"stateMutability":"view"},
              {"type":"function","name":"run_0","inputs":[],"outputs":[],"stateMutability":"view"},
              {"type":"function","name":"run_universal","inputs":[],"outputs":[],"stateMutability":"view"},
              {"type":"function","name":"run_universal_2","inputs":[],"outputs":[],"stateMutability":"view"},
              {"type":"function","name":"run_universally","inputs":[],"outputs":[],"stateMutability":"view"},
              {"type":"function","name":"names","inputs":[],"outputs":[{"name":"","type":"string[]"}],"stateMutability":"view"},
              {"type":"function","name":"callback","inputs":[],"outputs":[{"name":"","type":"function"}],"stateMutability":"view"}
            ]"#,
        )
        .unwrap();
        let typed = TypedEntries::of(&abi);
        let names: Vec<String> = typed.entries.iter().map(|e| e.name.to_string()).collect();
        assert_eq!(
            names,
            [
                "f_b3de648b",
                "f_26121ff0",
                "f12_6d4975a2",
                "names",
                "run_c0406226",
                "run_0_8ae88bb1",
                "run_universal_d050de7f",
                "run_universal_2_b5ab6c26",
                "run_universally",
                "transfer"
            ]
        );
        assert!(typed.entries[4].payable);
        assert_eq!(typed.skipped.len(), 1);
        assert_eq!(typed.skipped[0].signature, "callback()");
    }
}
