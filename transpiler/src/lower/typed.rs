//! Typed entry functions: one public Move function per ABI function, so a Move caller sees
//! `transfer(contract: address, to: address, amount: U256): bool` instead of calldata.
//!
//! Each is straight-line code over the helpers of `evmove::abi` (`stdlib/sources/abi.move`,
//! which says how each ABI type maps to a Move type): write the selector and the arguments
//! into memory, CALL `contract` with them (and with `value`, last, for a payable function),
//! read the results from the return data. The contract's code runs as for any other call;
//! the runtime runs a typed entry as a transaction with `Runtime::execute_entry`.
//!
//! Functions with an array or tuple parameter or result get no typed entry yet;
//! [`TypedEntries::skipped`] says which and why.

use std::collections::{BTreeSet, HashMap};

use alloy_dyn_abi::DynSolValue;
use alloy_json_abi::{Function, JsonAbi, Param, StateMutability};
use alloy_primitives::{I256, U256};
use move_binary_format::file_format::{
    Ability, AbilitySet, Bytecode, FunctionHandleIndex, SignatureToken,
};
use move_core_types::identifier::Identifier;

use super::{is_internal_name, module_builder::ModuleBuilder, SHIM_ADDRESS};

/// The Move shape of a static ABI type, and which `evmove::abi` helpers carry it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// `uintN`, 136 <= N <= 256, as a `U256`.
    Uint(u16),
    /// `uintN`, 72 <= N <= 128, as a `u128`.
    U128(u8),
    /// `uintN`, 16 <= N <= 64, as a `u64`.
    U64(u8),
    /// `uint8`, as a `u8`.
    U8,
    /// `intN`, as a `U256` (two's complement).
    Int(u16),
    /// `bytesN`, as a `U256` (left-aligned).
    FixedBytes(u8),
    /// `bool`.
    Bool,
    /// `address`.
    Address,
    /// `bytes`, as a `vector<u8>`.
    Bytes,
    /// `string`, as a `vector<u8>` (its UTF-8 bytes).
    String,
}

impl Kind {
    /// The kind of ABI type `ty`, or why it has none.
    fn of(ty: &str) -> Result<Kind, String> {
        let size = |digits: &str| digits.parse::<u16>().ok();
        let kind = match ty {
            "bool" => Some(Kind::Bool),
            "address" => Some(Kind::Address),
            "bytes" => Some(Kind::Bytes),
            "string" => Some(Kind::String),
            _ => match (
                ty.strip_prefix("uint"),
                ty.strip_prefix("int"),
                ty.strip_prefix("bytes"),
            ) {
                (Some(bits), _, _) => size(bits).and_then(uint_kind),
                (_, Some(bits), _) => size(bits)
                    .filter(|bits| (8..=256).contains(bits) && bits.is_multiple_of(8))
                    .map(Kind::Int),
                (_, _, Some(bytes)) => size(bytes)
                    .filter(|n| (1..=32).contains(n))
                    .map(|n| Kind::FixedBytes(n as u8)),
                _ => None,
            },
        };
        kind.ok_or_else(|| format!("`{ty}` has no typed form (arrays and tuples have none yet)"))
    }

    /// Whether its encoding is out of line (after the heads, which hold its offset).
    fn is_dynamic(self) -> bool {
        matches!(self, Kind::Bytes | Kind::String)
    }

    /// Whether any word is a value of it.
    fn is_word(self) -> bool {
        matches!(
            self,
            Kind::Uint(256) | Kind::Int(256) | Kind::FixedBytes(32)
        )
    }

    /// Its Move type; `u256` is the `evmove::u256::U256` struct.
    fn token(self, u256: &SignatureToken) -> SignatureToken {
        match self {
            Kind::Uint(_) | Kind::Int(_) | Kind::FixedBytes(_) => u256.clone(),
            Kind::U128(_) => SignatureToken::U128,
            Kind::U64(_) => SignatureToken::U64,
            Kind::U8 => SignatureToken::U8,
            Kind::Bool => SignatureToken::Bool,
            Kind::Address => SignatureToken::Address,
            Kind::Bytes | Kind::String => SignatureToken::Vector(Box::new(SignatureToken::U8)),
        }
    }

    /// The `u8` the helpers of this kind take after the value (bits or size), if any.
    fn extra(self) -> Option<u8> {
        match self {
            _ if self.is_word() => None,
            Kind::Uint(n) | Kind::Int(n) => Some(n as u8),
            Kind::U128(n) | Kind::U64(n) | Kind::FixedBytes(n) => Some(n),
            Kind::U8 | Kind::Bool | Kind::Address | Kind::Bytes | Kind::String => None,
        }
    }

    /// The names of its helpers: (writes an argument, reads a result).
    fn helpers(self) -> (&'static str, &'static str) {
        match self {
            _ if self.is_word() => ("put_word", "word_at"),
            Kind::Uint(_) => ("put_uint", "uint_at"),
            Kind::U128(_) => ("put_u128", "u128_at"),
            Kind::U64(_) => ("put_u64", "u64_at"),
            Kind::U8 => ("put_u8", "u8_at"),
            Kind::Int(_) => ("put_int", "int_at"),
            Kind::FixedBytes(_) => ("put_fixed_bytes", "fixed_bytes_at"),
            Kind::Bool => ("put_bool", "bool_at"),
            Kind::Address => ("put_address", "address_at"),
            Kind::Bytes | Kind::String => ("put_bytes", "bytes_at"),
        }
    }

    /// The BCS encoding of ABI value `value` as this kind's Move value.
    fn to_move(self, value: &DynSolValue) -> Result<Vec<u8>, String> {
        let mismatch = || format!("{value:?} is not a value of {self:?}");
        let narrow = |v: &U256, bytes: usize| -> Result<Vec<u8>, String> {
            let le = v.to_le_bytes::<32>();
            match le[bytes..].iter().all(|&b| b == 0) {
                true => Ok(le[..bytes].to_vec()),
                false => Err(mismatch()),
            }
        };
        match (self, value) {
            (Kind::Uint(_), DynSolValue::Uint(v, _)) => Ok(u256_bcs(*v)),
            (Kind::U128(_), DynSolValue::Uint(v, _)) => narrow(v, 16),
            (Kind::U64(_), DynSolValue::Uint(v, _)) => narrow(v, 8),
            (Kind::U8, DynSolValue::Uint(v, _)) => narrow(v, 1),
            (Kind::Int(_), DynSolValue::Int(v, _)) => Ok(u256_bcs(v.into_raw())),
            (Kind::FixedBytes(_), DynSolValue::FixedBytes(v, _)) => Ok(u256_bcs((*v).into())),
            (Kind::Bool, DynSolValue::Bool(v)) => Ok(vec![u8::from(*v)]),
            (Kind::Address, DynSolValue::Address(v)) => Ok(v.to_vec()),
            (Kind::Bytes, DynSolValue::Bytes(v)) => Ok(bytes_bcs(v)),
            (Kind::String, DynSolValue::String(v)) => Ok(bytes_bcs(v.as_bytes())),
            _ => Err(mismatch()),
        }
    }

    /// The ABI value of this kind's Move value, BCS-encoded as `bcs`.
    fn to_abi(self, bcs: &[u8]) -> Result<DynSolValue, String> {
        let le = |width: usize| -> Result<U256, String> {
            match bcs.len() == width {
                true => Ok(U256::from_le_slice(bcs)),
                false => Err(format!("{} bytes are not a {self:?}", bcs.len())),
            }
        };
        let word = || -> Result<U256, String> {
            match bcs.len() {
                32 => Ok(U256::from_le_slice(&bcs[16..]) | U256::from_le_slice(&bcs[..16]) << 128),
                n => Err(format!("{n} bytes are not a U256")),
            }
        };
        Ok(match self {
            Kind::Uint(bits) => DynSolValue::Uint(word()?, bits.into()),
            Kind::U128(bits) => DynSolValue::Uint(le(16)?, bits.into()),
            Kind::U64(bits) => DynSolValue::Uint(le(8)?, bits.into()),
            Kind::U8 => DynSolValue::Uint(le(1)?, 8),
            Kind::Int(bits) => DynSolValue::Int(I256::from_raw(word()?), bits.into()),
            Kind::FixedBytes(size) => DynSolValue::FixedBytes(word()?.into(), size.into()),
            Kind::Bool => DynSolValue::Bool(le(1)? == U256::from(1)),
            Kind::Address => match <[u8; 20]>::try_from(bcs) {
                Ok(bytes) => DynSolValue::Address(bytes.into()),
                Err(_) => return Err(format!("{} bytes are not an address", bcs.len())),
            },
            Kind::Bytes => DynSolValue::Bytes(bytes_of_bcs(bcs)?),
            Kind::String => DynSolValue::String(
                String::from_utf8(bytes_of_bcs(bcs)?).map_err(|err| err.to_string())?,
            ),
        })
    }
}

/// The BCS encoding of `evmove::u256::U256 { hi, lo }` holding `v`.
fn u256_bcs(v: U256) -> Vec<u8> {
    let le = v.to_le_bytes::<32>();
    let (lo, hi) = le.split_at(16);
    [hi, lo].concat()
}

/// The BCS encoding of a `vector<u8>`: its length (ULEB128), then the bytes.
fn bytes_bcs(bytes: &[u8]) -> Vec<u8> {
    let mut encoded = Vec::with_capacity(bytes.len() + 5);
    let mut len = bytes.len();
    while len >= 0x80 {
        encoded.push((len as u8) | 0x80);
        len >>= 7;
    }
    encoded.push(len as u8);
    encoded.extend_from_slice(bytes);
    encoded
}

/// The bytes of a BCS-encoded `vector<u8>`.
fn bytes_of_bcs(bcs: &[u8]) -> Result<Vec<u8>, String> {
    let (mut len, mut shift, mut at) = (0usize, 0, 0);
    loop {
        let byte = *bcs.get(at).ok_or("a vector's length ends early")?;
        len |= usize::from(byte & 0x7f)
            .checked_shl(shift)
            .ok_or("a length too large")?;
        at += 1;
        shift += 7;
        if byte & 0x80 == 0 {
            break;
        }
    }
    match bcs.len() - at == len {
        true => Ok(bcs[at..].to_vec()),
        false => Err(format!(
            "a vector of {len} bytes in {} bytes",
            bcs.len() - at
        )),
    }
}

/// The kind of `uintN`.
fn uint_kind(bits: u16) -> Option<Kind> {
    match bits {
        8 => Some(Kind::U8),
        16..=64 if bits.is_multiple_of(8) => Some(Kind::U64(bits as u8)),
        72..=128 if bits.is_multiple_of(8) => Some(Kind::U128(bits as u8)),
        136..=256 if bits.is_multiple_of(8) => Some(Kind::Uint(bits)),
        _ => None,
    }
}

/// The most parameters (and results) a typed entry has: with the contract and the value,
/// Move's limit of 255 parameters is never reached.
const MAX_PARAMS: usize = 250;

/// One typed entry function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedEntry {
    /// Its Move name: the ABI name, or `<name>_<selector>` for an overloaded name or one taken
    /// by the module's own functions.
    pub name: Identifier,
    /// The ABI signature, `transfer(address,uint256)`.
    pub signature: String,
    selector: u32,
    params: Vec<Kind>,
    results: Vec<Kind>,
    payable: bool,
}

impl TypedEntry {
    /// Whether an argument is encoded after the heads (`bytes`, `string`).
    fn has_dynamic_params(&self) -> bool {
        self.params.iter().any(|kind| kind.is_dynamic())
    }

    /// Whether it takes a `value` (last): the ABI function is payable.
    pub fn is_payable(&self) -> bool {
        self.payable
    }

    /// Its Move arguments after the contract, BCS-encoded, for the ABI values `args` and,
    /// if it is payable, `value` wei.
    pub fn move_args(&self, args: &[DynSolValue], value: U256) -> Result<Vec<Vec<u8>>, String> {
        if args.len() != self.params.len() {
            return Err(format!(
                "{} takes {} arguments",
                self.signature,
                self.params.len()
            ));
        }
        let mut encoded: Vec<Vec<u8>> = (self.params.iter().zip(args))
            .map(|(kind, arg)| kind.to_move(arg))
            .collect::<Result<_, _>>()?;
        if self.payable {
            encoded.push(u256_bcs(value));
        }
        Ok(encoded)
    }

    /// The ABI values of its results, BCS-encoded as the runtime returns them.
    pub fn abi_results(&self, results: &[Vec<u8>]) -> Result<Vec<DynSolValue>, String> {
        if results.len() != self.results.len() {
            return Err(format!(
                "{} returns {} values",
                self.signature,
                self.results.len()
            ));
        }
        (self.results.iter().zip(results))
            .map(|(kind, bcs)| kind.to_abi(bcs))
            .collect()
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
            let kinds = |params: &[Param]| -> Result<Vec<Kind>, String> {
                if params.len() > MAX_PARAMS {
                    return Err(format!("more than {MAX_PARAMS} parameters or results"));
                }
                params.iter().map(|param| Kind::of(&param.ty)).collect()
            };
            match kinds(&function.inputs).and_then(|params| Ok((params, kinds(&function.outputs)?)))
            {
                Ok((params, results)) => {
                    let selector = u32::from_be_bytes(function.selector().0);
                    let overloaded = names[function.name.as_str()] > 1;
                    let name = move_name(&function.name, selector, overloaded, &taken);
                    taken.insert(name.clone());
                    typed.entries.push(TypedEntry {
                        name,
                        signature,
                        selector,
                        params,
                        results,
                        payable: function.state_mutability == StateMutability::Payable,
                    });
                }
                Err(reason) => typed.skipped.push(Skipped { signature, reason }),
            }
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
        params.extend(entry.params.iter().map(|kind| kind.token(&self.u256)));
        if entry.payable {
            params.push(self.u256.clone());
        }
        params
    }

    /// The Move result types of `entry`.
    pub fn returns(&self, entry: &TypedEntry) -> Vec<SignatureToken> {
        entry
            .results
            .iter()
            .map(|kind| kind.token(&self.u256))
            .collect()
    }

    /// The locals of `entry` after its parameters: the offset of the next dynamic argument's
    /// encoding, if it has any.
    pub fn locals(&self, entry: &TypedEntry) -> Vec<SignatureToken> {
        match entry.has_dynamic_params() {
            true => vec![SignatureToken::U64],
            false => vec![],
        }
    }

    /// The code of `entry`.
    pub fn code(&self, entry: &TypedEntry, builder: &mut ModuleBuilder) -> Vec<Bytecode> {
        let mut code = vec![Bytecode::LdU64(u64::from(entry.selector))];
        code.push(Bytecode::Call(self.abi(
            builder,
            "put_selector",
            vec![SignatureToken::U64],
            vec![],
        )));
        // Dynamic arguments are encoded after the heads, at the offset local `tail` holds.
        let tail = local(1 + entry.params.len() + usize::from(entry.payable));
        let head_size = 32 * entry.params.len() as u64;
        let dynamic = entry.has_dynamic_params();
        if dynamic {
            code.extend([Bytecode::LdU64(head_size), Bytecode::StLoc(tail)]);
        }
        for (index, &kind) in entry.params.iter().enumerate() {
            code.push(Bytecode::LdU64(index as u64));
            if kind.is_dynamic() {
                code.extend([Bytecode::MoveLoc(tail), Bytecode::MoveLoc(local(1 + index))]);
                let params = vec![
                    SignatureToken::U64,
                    SignatureToken::U64,
                    kind.token(&self.u256),
                ];
                let put = self.abi(builder, kind.helpers().0, params, vec![SignatureToken::U64]);
                code.extend([Bytecode::Call(put), Bytecode::StLoc(tail)]);
                continue;
            }
            code.push(Bytecode::MoveLoc(local(1 + index)));
            let mut params = vec![SignatureToken::U64, kind.token(&self.u256)];
            if let Some(extra) = kind.extra() {
                code.push(Bytecode::LdU8(extra));
                params.push(SignatureToken::U8);
            }
            code.push(Bytecode::Call(self.abi(
                builder,
                kind.helpers().0,
                params,
                vec![],
            )));
        }
        code.push(Bytecode::MoveLoc(0));
        if entry.payable {
            code.push(Bytecode::MoveLoc(local(1 + entry.params.len())));
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
        match dynamic {
            true => code.extend([Bytecode::MoveLoc(tail), Bytecode::LdU64(4), Bytecode::Add]),
            false => code.push(Bytecode::LdU64(4 + head_size)),
        }
        let call_params = vec![
            SignatureToken::Address,
            self.u256.clone(),
            SignatureToken::U64,
        ];
        code.push(Bytecode::Call(self.abi(
            builder,
            "call",
            call_params,
            vec![],
        )));
        for (index, &kind) in entry.results.iter().enumerate() {
            code.push(Bytecode::LdU64(index as u64));
            let mut params = vec![SignatureToken::U64];
            if let Some(extra) = kind.extra() {
                code.push(Bytecode::LdU8(extra));
                params.push(SignatureToken::U8);
            }
            let returns = vec![kind.token(&self.u256)];
            code.push(Bytecode::Call(self.abi(
                builder,
                kind.helpers().1,
                params,
                returns,
            )));
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

    #[test]
    fn static_types_map_to_kinds() {
        let cases = [
            ("uint256", Kind::Uint(256)),
            ("int256", Kind::Int(256)),
            ("bytes32", Kind::FixedBytes(32)),
            ("uint8", Kind::U8),
            ("uint32", Kind::U64(32)),
            ("uint64", Kind::U64(64)),
            ("uint112", Kind::U128(112)),
            ("uint128", Kind::U128(128)),
            ("uint160", Kind::Uint(160)),
            ("int8", Kind::Int(8)),
            ("int24", Kind::Int(24)),
            ("bytes4", Kind::FixedBytes(4)),
            ("bool", Kind::Bool),
            ("address", Kind::Address),
            ("bytes", Kind::Bytes),
            ("string", Kind::String),
        ];
        for (ty, kind) in cases {
            assert_eq!(Kind::of(ty), Ok(kind), "{ty}");
        }
        for ty in ["uint256[]", "tuple", "uint7", "uint264", "bytes33", "int0"] {
            assert!(Kind::of(ty).is_err(), "{ty}");
        }
    }

    #[test]
    fn move_values_round_trip() {
        let values = [
            (
                Kind::Uint(256),
                DynSolValue::Uint(U256::MAX - U256::from(7), 256),
            ),
            (
                Kind::Uint(160),
                DynSolValue::Uint(U256::from(1) << 150, 160),
            ),
            (
                Kind::U128(112),
                DynSolValue::Uint(U256::from(u128::MAX >> 16), 112),
            ),
            (Kind::U64(32), DynSolValue::Uint(U256::from(u32::MAX), 32)),
            (Kind::U8, DynSolValue::Uint(U256::from(200), 8)),
            (
                Kind::Int(24),
                DynSolValue::Int(I256::try_from(-5).unwrap(), 24),
            ),
            (
                Kind::FixedBytes(4),
                DynSolValue::FixedBytes([0xab; 32].into(), 4),
            ),
            (Kind::Bool, DynSolValue::Bool(true)),
            (Kind::Address, DynSolValue::Address([7; 20].into())),
            (Kind::Bytes, DynSolValue::Bytes(vec![9; 300])),
            (Kind::String, DynSolValue::String("évm".into())),
        ];
        for (kind, value) in values {
            let bcs = kind.to_move(&value).unwrap();
            assert_eq!(kind.to_abi(&bcs).unwrap(), value, "{kind:?}");
        }
        // U256 is `{ hi: u128, lo: u128 }`: hi first, each little-endian.
        assert_eq!(u256_bcs(U256::from(1) << 128)[0], 1);
        assert_eq!(u256_bcs(U256::from(1))[16], 1);
        let too_big = DynSolValue::Uint(U256::from(1) << 64, 64);
        assert!(Kind::U64(64).to_move(&too_big).is_err());
    }

    #[test]
    fn names_avoid_overloads_and_the_modules_own_functions_and_their_parts_and_arrays_are_skipped()
    {
        let abi: JsonAbi = serde_json::from_str(
            r#"[
              {"type":"function","name":"transfer","inputs":[{"name":"to","type":"address"},{"name":"v","type":"uint256"}],"outputs":[{"name":"","type":"bool"}],"stateMutability":"nonpayable"},
              {"type":"function","name":"f","inputs":[{"name":"x","type":"uint256"}],"outputs":[],"stateMutability":"nonpayable"},
              {"type":"function","name":"f","inputs":[],"outputs":[],"stateMutability":"nonpayable"},
              {"type":"function","name":"run","inputs":[],"outputs":[],"stateMutability":"payable"},
              {"type":"function","name":"f12","inputs":[],"outputs":[],"stateMutability":"view"},
              {"type":"function","name":"run_0","inputs":[],"outputs":[],"stateMutability":"view"},
              {"type":"function","name":"name","inputs":[],"outputs":[{"name":"","type":"string[]"}],"stateMutability":"view"}
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
                "run_c0406226",
                "run_0_8ae88bb1",
                "transfer"
            ]
        );
        assert!(typed.entries[3].payable);
        assert_eq!(typed.skipped.len(), 1);
        assert_eq!(typed.skipped[0].signature, "name()");
    }
}
