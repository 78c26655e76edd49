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
//! The Move types of the ABI types are `evmove_runtime::abi_value`'s table (its module doc),
//! which [`MoveType::of`] mirrors (a test checks they agree): `uintN` is the narrowest of `u8`,
//! `u64`, `u128` and `U256` that holds it, `intN` and `bytesN` are `U256` words, `bytes` and
//! `string` are `vector<u8>`, `T[]` and `T[k]` are vectors (of `k` elements), and a tuple (a
//! Solidity struct) is flattened: one Move parameter or result per component, in order, so
//! an array of tuples is one vector per component. The flattened parameters are named, in
//! [`TypedEntry::param_names`] (and the CLI's `manifest.json`), `<param>_<component>`
//! (`arg<i>` for an unnamed parameter, the index for an unnamed component): with `struct
//! Key { address currency; uint24 fee; }`, `swap(Key key, uint256 amount)` takes
//! `(contract, key_currency: address, key_fee: u64, amount: U256)`, and `swapAll(Key[] keys)`
//! takes `(contract, keys_currency: vector<address>, keys_fee: vector<u64>)`.
//!
//! Functions whose types have no Move form (function types, arrays of empty tuples), or that
//! have more than [`MAX_PARAMS`] Move parameters or results, get no typed entry;
//! [`TypedEntries::skipped`] says which and why.

use std::collections::{BTreeSet, HashMap};

use alloy_dyn_abi::{DynSolType, Specifier};
use alloy_json_abi::{Function, JsonAbi, Param, StateMutability};
use move_binary_format::file_format::{
    Ability, AbilitySet, Bytecode, FunctionHandleIndex, SignatureToken,
};
use move_core_types::identifier::Identifier;

use super::{is_internal_name, module_builder::ModuleBuilder, SHIM_ADDRESS};

/// The Move type of a one-word or byte-string ABI type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scalar {
    /// `uint8`.
    U8,
    /// `uintN`, 16 <= N <= 64.
    U64,
    /// `uintN`, 72 <= N <= 128.
    U128,
    /// `uintN` (N > 128), `intN`, `bytesN`: the `evmove::u256::U256` struct.
    U256,
    /// `bool`.
    Bool,
    /// `address`.
    Address,
    /// `bytes`, `string`: `vector<u8>`.
    Bytes,
}

/// The Move type of one flattened parameter or result: a scalar in `vectors` vectors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct MoveType {
    scalar: Scalar,
    vectors: usize,
}

impl MoveType {
    /// The Move types of a value of ABI type `ty`, flattened, each with its name (`name`,
    /// then `_<component>` per tuple level; `components` name the tuple's components).
    fn of(
        ty: &DynSolType,
        name: &str,
        components: &[Param],
        vectors: usize,
        flat: &mut Vec<(String, MoveType)>,
    ) -> Result<(), String> {
        let scalar = match ty {
            DynSolType::Array(element) | DynSolType::FixedArray(element, _) => {
                let before = flat.len();
                Self::of(element, name, components, vectors + 1, flat)?;
                return match flat.len() > before {
                    true => Ok(()),
                    false => Err(format!("`{ty}` is an array of empty tuples")),
                };
            }
            DynSolType::Tuple(types) => {
                for (index, ty) in types.iter().enumerate() {
                    let component = components.get(index);
                    let label = match component.map(|c| c.name.as_str()) {
                        Some(label) if !label.is_empty() => label.to_string(),
                        _ => index.to_string(),
                    };
                    let inner = component.map_or(&[][..], |c| &c.components[..]);
                    Self::of(ty, &format!("{name}_{label}"), inner, vectors, flat)?;
                }
                return Ok(());
            }
            DynSolType::Uint(8) => Scalar::U8,
            DynSolType::Uint(16..=64) => Scalar::U64,
            DynSolType::Uint(72..=128) => Scalar::U128,
            DynSolType::Uint(_) | DynSolType::Int(_) | DynSolType::FixedBytes(_) => Scalar::U256,
            DynSolType::Bool => Scalar::Bool,
            DynSolType::Address => Scalar::Address,
            DynSolType::Bytes | DynSolType::String => Scalar::Bytes,
            other => return Err(format!("`{other}` has no Move type")),
        };
        flat.push((name.to_string(), MoveType { scalar, vectors }));
        Ok(())
    }

    /// Its signature token; `u256` is the `evmove::u256::U256` struct.
    fn token(self, u256: &SignatureToken) -> SignatureToken {
        let scalar = match self.scalar {
            Scalar::U8 => SignatureToken::U8,
            Scalar::U64 => SignatureToken::U64,
            Scalar::U128 => SignatureToken::U128,
            Scalar::U256 => u256.clone(),
            Scalar::Bool => SignatureToken::Bool,
            Scalar::Address => SignatureToken::Address,
            Scalar::Bytes => SignatureToken::Vector(Box::new(SignatureToken::U8)),
        };
        (0..self.vectors).fold(scalar, |inner, _| SignatureToken::Vector(Box::new(inner)))
    }
}

/// ABI parameters (or results) with their Move types, flattened and named.
struct Flattened {
    types: Vec<DynSolType>,
    names: Vec<String>,
    moves: Vec<MoveType>,
}

impl Flattened {
    /// Those of `params`, or why they have none.
    fn of(params: &[Param]) -> Result<Self, String> {
        let mut types = Vec::with_capacity(params.len());
        let mut flat = Vec::new();
        for (index, param) in params.iter().enumerate() {
            let ty = param.resolve().map_err(|err| err.to_string())?;
            let name = match param.name.as_str() {
                "" => format!("arg{index}"),
                name => name.to_string(),
            };
            MoveType::of(&ty, &name, &param.components, 0, &mut flat)?;
            types.push(ty);
        }
        if flat.len() > MAX_PARAMS {
            return Err(format!("more than {MAX_PARAMS} Move parameters or results"));
        }
        let (names, moves) = flat.into_iter().unzip();
        Ok(Self {
            types,
            names,
            moves,
        })
    }
}

/// The most Move parameters (and results) a typed entry has: with the contract and the
/// value, Move's limit of 255 parameters is never reached.
const MAX_PARAMS: usize = 250;

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
    selector: u32,
    params: Vec<DynSolType>,
    results: Vec<DynSolType>,
    param_types: Vec<MoveType>,
    result_types: Vec<MoveType>,
    payable: bool,
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

/// The Move name of ABI function `name`: itself when it is a Move identifier that names
/// nothing else in the module, else suffixed with its selector.
fn move_name(
    name: &str,
    selector: u32,
    overloaded: bool,
    taken: &BTreeSet<Identifier>,
) -> Identifier {
    let internal = is_internal_name(name);
    let plain = Identifier::new(name).ok().filter(|id| !taken.contains(id));
    match plain {
        Some(id) if !overloaded && !internal => id,
        _ => {
            let base = if Identifier::is_valid(name) {
                name
            } else {
                "abi"
            };
            Identifier::new(format!("{base}_{selector:08x}")).expect("an identifier")
        }
    }
}

/// The handles a typed entry's code calls, made on first use.
pub struct Helpers {
    u256: SignatureToken,
}

impl Helpers {
    /// Declares the `U256` struct in `builder`.
    pub fn new(builder: &mut ModuleBuilder) -> Self {
        let abilities = AbilitySet::EMPTY | Ability::Copy | Ability::Drop | Ability::Store;
        let u256 = builder.struct_handle(SHIM_ADDRESS, &ident("u256"), &ident("U256"), abilities);
        Self {
            u256: SignatureToken::Struct(u256),
        }
    }

    /// The Move parameter types of `entry`: the contract, the arguments, then `value` if it
    /// is payable.
    pub fn params(&self, entry: &TypedEntry) -> Vec<SignatureToken> {
        let mut params = vec![SignatureToken::Address];
        params.extend(entry.param_types.iter().map(|ty| ty.token(&self.u256)));
        if entry.payable {
            params.push(self.u256.clone());
        }
        params
    }

    /// The Move result types of `entry`.
    pub fn returns(&self, entry: &TypedEntry) -> Vec<SignatureToken> {
        (entry.result_types.iter())
            .map(|ty| ty.token(&self.u256))
            .collect()
    }

    /// The code of `entry` (it has no locals beyond its parameters).
    pub fn code(&self, entry: &TypedEntry, builder: &mut ModuleBuilder) -> Vec<Bytecode> {
        let bytes = SignatureToken::Vector(Box::new(SignatureToken::U8));
        // The arguments of `call`: the contract, the value, then the calldata's size.
        let mut code = vec![Bytecode::MoveLoc(0)];
        let value = 1 + entry.param_types.len();
        if entry.payable {
            code.push(Bytecode::MoveLoc(local(value)));
        } else {
            let zero = builder.function_handle(
                SHIM_ADDRESS,
                &ident("u256"),
                &ident("zero"),
                vec![],
                vec![self.u256.clone()],
            );
            code.push(Bytecode::Call(zero));
        }
        let param_types = builder.bytes_constant(tuple_text(&entry.params).as_bytes());
        code.extend([
            Bytecode::LdU64(u64::from(entry.selector)),
            Bytecode::LdConst(param_types),
        ]);
        let to_bcs = self.generic(
            builder,
            "to_bcs",
            vec![SignatureToken::TypeParameter(0)],
            vec![bytes.clone()],
        );
        for (index, ty) in entry.param_types.iter().enumerate() {
            let to_bcs = builder.function_instantiation(to_bcs, vec![ty.token(&self.u256)]);
            code.extend([
                Bytecode::MoveLoc(local(1 + index)),
                Bytecode::CallGeneric(to_bcs),
            ]);
        }
        let args = builder.signature(vec![bytes.clone()]);
        code.push(Bytecode::VecPack(args, entry.param_types.len() as u64));
        let put_call_params = vec![
            SignatureToken::U64,
            bytes.clone(),
            SignatureToken::Vector(Box::new(bytes.clone())),
        ];
        let put_call = self.abi(
            builder,
            "put_call",
            put_call_params,
            vec![SignatureToken::U64],
        );
        let call_params = vec![
            SignatureToken::Address,
            self.u256.clone(),
            SignatureToken::U64,
        ];
        let call = self.abi(builder, "call", call_params, vec![]);
        code.extend([Bytecode::Call(put_call), Bytecode::Call(call)]);
        if !entry.result_types.is_empty() {
            let result_types = builder.bytes_constant(tuple_text(&entry.results).as_bytes());
            let result_at = self.generic(
                builder,
                "result_at",
                vec![bytes, SignatureToken::U64],
                vec![SignatureToken::TypeParameter(0)],
            );
            for (index, ty) in entry.result_types.iter().enumerate() {
                let result_at =
                    builder.function_instantiation(result_at, vec![ty.token(&self.u256)]);
                code.extend([
                    Bytecode::LdConst(result_types),
                    Bytecode::LdU64(index as u64),
                    Bytecode::CallGeneric(result_at),
                ]);
            }
        }
        code.push(Bytecode::Ret);
        code
    }

    fn abi(
        &self,
        builder: &mut ModuleBuilder,
        name: &str,
        params: Vec<SignatureToken>,
        returns: Vec<SignatureToken>,
    ) -> FunctionHandleIndex {
        builder.function_handle(SHIM_ADDRESS, &ident("abi"), &ident(name), params, returns)
    }

    /// A generic function of `evmove::abi` with one unconstrained type parameter.
    fn generic(
        &self,
        builder: &mut ModuleBuilder,
        name: &str,
        params: Vec<SignatureToken>,
        returns: Vec<SignatureToken>,
    ) -> FunctionHandleIndex {
        let type_parameters = vec![AbilitySet::EMPTY];
        builder.generic_function_handle(
            SHIM_ADDRESS,
            &ident("abi"),
            &ident(name),
            type_parameters,
            params,
            returns,
        )
    }
}

/// The text of the tuple of `types`, `(address,uint256[])`, as `evmove::abi` reads it.
fn tuple_text(types: &[DynSolType]) -> String {
    DynSolType::Tuple(types.to_vec()).to_string()
}

/// Local `index` (below 255: see [`MAX_PARAMS`]).
fn local(index: usize) -> u8 {
    u8::try_from(index).expect("typed entries have fewer than 256 parameters")
}

fn ident(name: &str) -> Identifier {
    Identifier::new(name).expect("an identifier")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(json: &str) -> Param {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn types_map_to_flattened_named_move_types() {
        let scalar = |scalar| MoveType { scalar, vectors: 0 };
        let cases = [
            ("uint256", scalar(Scalar::U256)),
            ("int24", scalar(Scalar::U256)),
            ("bytes4", scalar(Scalar::U256)),
            ("uint160", scalar(Scalar::U256)),
            ("uint8", scalar(Scalar::U8)),
            ("uint32", scalar(Scalar::U64)),
            ("uint112", scalar(Scalar::U128)),
            ("bool", scalar(Scalar::Bool)),
            ("address", scalar(Scalar::Address)),
            ("string", scalar(Scalar::Bytes)),
            (
                "address[]",
                MoveType {
                    scalar: Scalar::Address,
                    vectors: 1,
                },
            ),
            (
                "bytes[]",
                MoveType {
                    scalar: Scalar::Bytes,
                    vectors: 1,
                },
            ),
            (
                "uint256[2][]",
                MoveType {
                    scalar: Scalar::U256,
                    vectors: 2,
                },
            ),
        ];
        for (ty, expected) in cases {
            let json = format!(r#"{{"name":"x","type":"{ty}"}}"#);
            let flat = Flattened::of(&[param(&json)]).unwrap();
            assert_eq!(
                (flat.names, flat.moves),
                (vec!["x".to_string()], vec![expected]),
                "{ty}"
            );
        }
        let key = param(
            r#"{"name":"keys","type":"tuple[]","components":[
                {"name":"currency","type":"address"},
                {"name":"","type":"tuple","components":[{"name":"fee","type":"uint24"}]}]}"#,
        );
        let flat = Flattened::of(&[key, param(r#"{"name":"","type":"bool"}"#)]).unwrap();
        assert_eq!(flat.names, ["keys_currency", "keys_1_fee", "arg1"]);
        let vector = |scalar| MoveType { scalar, vectors: 1 };
        let expected = [
            vector(Scalar::Address),
            vector(Scalar::U64),
            scalar(Scalar::Bool),
        ];
        assert_eq!(flat.moves, expected);
        let function = param(r#"{"name":"f","type":"function"}"#);
        assert!(Flattened::of(&[function]).is_err());
        let empty = param(r#"{"name":"e","type":"tuple[]","components":[]}"#);
        assert!(Flattened::of(&[empty]).is_err());
    }

    /// The Move types here are those `evmove_runtime::abi_value` converts values to.
    #[cfg(feature = "vm")]
    #[test]
    fn move_types_agree_with_the_runtime() {
        use move_core_types::value::{MoveStructLayout, MoveTypeLayout};
        let layout = |ty: MoveType| {
            let scalar = match ty.scalar {
                Scalar::U8 => MoveTypeLayout::U8,
                Scalar::U64 => MoveTypeLayout::U64,
                Scalar::U128 => MoveTypeLayout::U128,
                Scalar::U256 => MoveTypeLayout::Struct(MoveStructLayout::new(vec![
                    MoveTypeLayout::U128,
                    MoveTypeLayout::U128,
                ])),
                Scalar::Bool => MoveTypeLayout::Bool,
                Scalar::Address => MoveTypeLayout::Address,
                Scalar::Bytes => MoveTypeLayout::Vector(Box::new(MoveTypeLayout::U8)),
            };
            let vector = |inner| MoveTypeLayout::Vector(Box::new(inner));
            format!(
                "{:?}",
                (0..ty.vectors).fold(scalar, |inner, _| vector(inner))
            )
        };
        for ty in [
            "uint8",
            "uint16",
            "uint64",
            "uint72",
            "uint128",
            "uint136",
            "uint256",
            "int8",
            "int256",
            "bytes1",
            "bytes32",
            "bool",
            "address",
            "bytes",
            "string",
            "uint8[]",
            "bytes[3]",
            "string[][]",
            "(uint96,(bool,bytes4)[2])[]",
        ] {
            let resolved = ty.resolve().unwrap();
            let mut flat = Vec::new();
            MoveType::of(&resolved, "x", &[], 0, &mut flat).unwrap();
            let ours: Vec<String> = flat.into_iter().map(|(_, ty)| layout(ty)).collect();
            let runtime = evmove_runtime::abi_value::layouts(&[resolved]).unwrap();
            let runtime: Vec<String> = runtime.iter().map(|l| format!("{l:?}")).collect();
            assert_eq!(ours, runtime, "{ty}");
        }
    }

    #[test]
    fn tuple_types_print_as_the_runtime_parses_them() {
        let types = ["address", "(uint8,bytes)[2]", "uint256[][]"].map(|t| t.resolve().unwrap());
        assert_eq!(tuple_text(&types), "(address,(uint8,bytes)[2],uint256[][])");
        assert_eq!(tuple_text(&[]), "()");
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
                "transfer"
            ]
        );
        assert!(typed.entries[4].payable);
        assert_eq!(typed.skipped.len(), 1);
        assert_eq!(typed.skipped[0].signature, "callback()");
    }
}
