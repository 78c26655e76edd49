//! ABI values as the Move values of typed entry functions (`stdlib/sources/abi.move`): the
//! Move types an ABI type is passed as, and the conversions both ways, BCS-encoded as the
//! VM takes and gives Move values. The natives of `evmove::abi` run them; the transpiler
//! (`evmove::lower::typed`) declares the Move types by the same mapping, and tests build arguments and read
//! results with them.
//!
//! The Move types are the shim table's mapping (`evmove_word::shim::abi_types`, whose module
//! doc has the table; the transpiler declares typed entries by the same mapping): `uintN` is
//! the narrowest of `u8`, `u64`, `u128` and `U256` that holds it, `intN` and `bytesN` are
//! `U256` words, `bytes` and `string` are `vector<u8>`, arrays are vectors, and a tuple is
//! flattened, so an array of tuples is parallel vectors, one per component, of equal lengths.
//! Here the mapping's Move types become layouts ([`layouts`]), and values are converted.
//!
//! A Move value its ABI type cannot hold (a `u128` beyond 96 bits for `uint96`, a fixed array
//! of the wrong length, parallel vectors of different lengths) is an error, as is a word of
//! the return data that is not a value of its type (a `bool` word of 2). The encoding itself
//! is alloy's (`DynSolValue::abi_encode_params`, `DynSolType::abi_decode_sequence`).

use alloy_dyn_abi::{DynSolType, DynSolValue};
use alloy_primitives::{Address, B256, I256, U256};
use evmove_word::shim::{
    abi_types::{flatten, MoveForm, Scalar},
    MoveType, U256_STRUCT,
};
use move_core_types::{
    account_address::AccountAddress,
    value::{MoveStruct, MoveStructLayout, MoveTypeLayout, MoveValue},
};

/// The Move types of ABI types `types`, flattened, or why one has none.
pub fn layouts(types: &[DynSolType]) -> Result<Vec<MoveTypeLayout>, String> {
    let mut layouts = Vec::new();
    for ty in types {
        layouts.extend(flatten(ty)?.into_iter().map(|flat| form_layout(flat.form)));
    }
    Ok(layouts)
}

/// The layout of a flattened value of Move type `form`.
fn form_layout(form: MoveForm) -> MoveTypeLayout {
    let scalar = layout(form.scalar.move_type());
    (0..form.vectors).fold(scalar, |inner, _| MoveTypeLayout::Vector(Box::new(inner)))
}

/// The layout of Move type `ty` (no type parameter: the mapping has none).
fn layout(ty: MoveType) -> MoveTypeLayout {
    match ty {
        MoveType::Bool => MoveTypeLayout::Bool,
        MoveType::U8 => MoveTypeLayout::U8,
        MoveType::U64 => MoveTypeLayout::U64,
        MoveType::U128 => MoveTypeLayout::U128,
        MoveType::Address => MoveTypeLayout::Address,
        MoveType::U256 => MoveTypeLayout::Struct(MoveStructLayout::new(
            (U256_STRUCT.fields.iter())
                .map(|&(_, ty)| layout(ty))
                .collect(),
        )),
        MoveType::Vector(element) => MoveTypeLayout::Vector(Box::new(layout(*element))),
        MoveType::TypeParameter(index) => unreachable!("type parameter {index} in the ABI mapping"),
    }
}

/// The Move type of one-word or byte-string ABI type `ty`.
fn scalar_of(ty: &DynSolType) -> Result<Scalar, String> {
    Scalar::of(ty).ok_or_else(|| format!("`{ty}` has no Move type"))
}

/// The ABI values `values` of `types` as Move values, each BCS-encoded.
pub fn to_move(types: &[DynSolType], values: &[DynSolValue]) -> Result<Vec<Vec<u8>>, String> {
    if types.len() != values.len() {
        return Err(format!("{} values for {} types", values.len(), types.len()));
    }
    let mut moved = Vec::new();
    for (ty, value) in types.iter().zip(values) {
        push_move(ty, value, &mut moved)?;
    }
    Ok(moved
        .iter()
        .map(|value| value.simple_serialize().expect("Move values serialize"))
        .collect())
}

/// The ABI values of `types` whose Move values, BCS-encoded, are `bcs`.
pub fn to_abi(types: &[DynSolType], bcs: &[Vec<u8>]) -> Result<Vec<DynSolValue>, String> {
    let layouts = layouts(types)?;
    if layouts.len() != bcs.len() {
        return Err(format!(
            "{} Move values for {} types",
            bcs.len(),
            layouts.len()
        ));
    }
    let mut values = (bcs.iter().zip(&layouts))
        .map(|(bytes, layout)| MoveValue::simple_deserialize(bytes, layout))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| format!("a Move value does not decode: {err}"))?
        .into_iter();
    types.iter().map(|ty| take_abi(ty, &mut values)).collect()
}

/// The calldata after the selector for the arguments of `types` whose Move values,
/// BCS-encoded, are `bcs`.
pub fn encode(types: &[DynSolType], bcs: &[Vec<u8>]) -> Result<Vec<u8>, String> {
    Ok(DynSolValue::Tuple(to_abi(types, bcs)?).abi_encode_params())
}

/// The Move values, BCS-encoded, of the results of `types` that ABI-encoded `data` holds.
pub fn decode(types: &[DynSolType], data: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    // Decoded with every word as `bytes32` and strings as `bytes`, so that `push_move`
    // checks each word against its type and takes a string's bytes as they are.
    let raw = DynSolType::Tuple(types.iter().map(raw_type).collect());
    let decoded = raw
        .abi_decode_sequence(data)
        .map_err(|err| err.to_string())?;
    match decoded {
        DynSolValue::Tuple(values) => to_move(types, &values),
        other => Err(format!("{other:?} decoded for a tuple")),
    }
}

/// The type whose encoding is that of `ty`, with each word a `bytes32` and strings `bytes`.
fn raw_type(ty: &DynSolType) -> DynSolType {
    match ty {
        DynSolType::Array(element) => DynSolType::Array(Box::new(raw_type(element))),
        DynSolType::FixedArray(element, len) => {
            DynSolType::FixedArray(Box::new(raw_type(element)), *len)
        }
        DynSolType::Tuple(components) => {
            DynSolType::Tuple(components.iter().map(raw_type).collect())
        }
        DynSolType::Bytes | DynSolType::String => DynSolType::Bytes,
        _ => DynSolType::FixedBytes(32),
    }
}

/// The Move value of word `word`, of Move type `scalar`.
fn value_of(scalar: Scalar, word: B256) -> MoveValue {
    let v = U256::from_be_bytes(word.0);
    match scalar {
        Scalar::U8 => MoveValue::U8(v.to()),
        Scalar::U64 => MoveValue::U64(v.to()),
        Scalar::U128 => MoveValue::U128(v.to()),
        Scalar::U256 => {
            let (hi, lo) = (v >> 128usize, v & U256::from(u128::MAX));
            MoveValue::Struct(MoveStruct::new(vec![
                MoveValue::U128(hi.to()),
                MoveValue::U128(lo.to()),
            ]))
        }
        Scalar::Bool => MoveValue::Bool(v == U256::from(1)),
        Scalar::Address => {
            MoveValue::Address(AccountAddress::new(Address::from_word(word).into_array()))
        }
        Scalar::Bytes => unreachable!("byte strings are not words"),
    }
}

/// The word of Move value `value`, if it is one of Move type `scalar`.
fn word_of(scalar: Scalar, value: MoveValue) -> Option<B256> {
    let v = match (scalar, value) {
        (Scalar::U8, MoveValue::U8(v)) => U256::from(v),
        (Scalar::U64, MoveValue::U64(v)) => U256::from(v),
        (Scalar::U128, MoveValue::U128(v)) => U256::from(v),
        (Scalar::U256, MoveValue::Struct(MoveStruct::Runtime(halves))) => match halves[..] {
            [MoveValue::U128(hi), MoveValue::U128(lo)] => U256::from(hi) << 128 | U256::from(lo),
            _ => return None,
        },
        (Scalar::Bool, MoveValue::Bool(v)) => U256::from(v),
        (Scalar::Address, MoveValue::Address(a)) => {
            return Some(Address::from(a.into_bytes()).into_word())
        }
        _ => return None,
    };
    Some(v.into())
}

/// Whether `word` is a value of one-word type `ty` (its encoding, as the ABI pads it).
fn is_value_of(ty: &DynSolType, word: B256) -> bool {
    let v = U256::from_be_bytes(word.0);
    match *ty {
        DynSolType::Uint(bits) => v >> bits == U256::ZERO,
        DynSolType::Int(bits) => {
            let shift = 256 - bits;
            I256::from_raw(v << shift).asr(shift).into_raw() == v
        }
        DynSolType::FixedBytes(size) => v << (8 * size) == U256::ZERO,
        DynSolType::Bool => v <= U256::from(1),
        DynSolType::Address => v >> 160 == U256::ZERO,
        _ => false,
    }
}

/// The ABI value of one-word type `ty` whose word is `word`.
fn typed_word(ty: &DynSolType, word: B256) -> DynSolValue {
    let v = U256::from_be_bytes(word.0);
    match *ty {
        DynSolType::Uint(bits) => DynSolValue::Uint(v, bits),
        DynSolType::Int(bits) => DynSolValue::Int(I256::from_raw(v), bits),
        DynSolType::FixedBytes(size) => DynSolValue::FixedBytes(word, size),
        DynSolType::Bool => DynSolValue::Bool(v == U256::from(1)),
        _ => DynSolValue::Address(Address::from_word(word)),
    }
}

/// How many Move values a value of `ty` is.
fn width(ty: &DynSolType) -> usize {
    match ty {
        DynSolType::Array(element) | DynSolType::FixedArray(element, _) => width(element),
        DynSolType::Tuple(components) => components.iter().map(width).sum(),
        _ => 1,
    }
}

/// Pushes the Move values of `value`, of type `ty`; a one-word type takes any value with a
/// word (a raw `bytes32` too) that is a value of it.
fn push_move(
    ty: &DynSolType,
    value: &DynSolValue,
    moved: &mut Vec<MoveValue>,
) -> Result<(), String> {
    let mismatch = || format!("{value:?} is not a value of `{ty}`");
    match (ty, value) {
        (DynSolType::Array(element), DynSolValue::Array(elements))
        | (DynSolType::FixedArray(element, _), DynSolValue::FixedArray(elements)) => {
            if matches!(ty, DynSolType::FixedArray(_, len) if *len != elements.len()) {
                return Err(mismatch());
            }
            let mut columns = vec![Vec::with_capacity(elements.len()); width(element)];
            for value in elements {
                let mut row = Vec::new();
                push_move(element, value, &mut row)?;
                for (column, value) in columns.iter_mut().zip(row) {
                    column.push(value);
                }
            }
            moved.extend(columns.into_iter().map(MoveValue::Vector));
        }
        (DynSolType::Tuple(types), DynSolValue::Tuple(values)) if types.len() == values.len() => {
            for (ty, value) in types.iter().zip(values) {
                push_move(ty, value, moved)?;
            }
        }
        (DynSolType::Bytes | DynSolType::String, DynSolValue::Bytes(bytes)) => {
            moved.push(MoveValue::vector_u8(bytes.clone()))
        }
        (DynSolType::String, DynSolValue::String(text)) => {
            moved.push(MoveValue::vector_u8(text.as_bytes().to_vec()))
        }
        _ => match value.as_word() {
            Some(word) if is_value_of(ty, word) => moved.push(value_of(scalar_of(ty)?, word)),
            _ => return Err(mismatch()),
        },
    }
    Ok(())
}

/// The ABI value of `ty` made of the next Move values of `values`.
fn take_abi(
    ty: &DynSolType,
    values: &mut dyn Iterator<Item = MoveValue>,
) -> Result<DynSolValue, String> {
    let mut next = || values.next().ok_or("too few Move values".to_string());
    Ok(match ty {
        DynSolType::Array(element) | DynSolType::FixedArray(element, _) => {
            let columns = (0..width(element))
                .map(|_| match next()? {
                    MoveValue::Vector(column) => Ok(column),
                    other => Err(format!("{other:?} is not a vector, for `{ty}`")),
                })
                .collect::<Result<Vec<_>, String>>()?;
            let len = columns.first().map_or(0, Vec::len);
            if columns.iter().any(|column| column.len() != len) {
                return Err(format!("parallel vectors of different lengths, for `{ty}`"));
            }
            if matches!(ty, DynSolType::FixedArray(_, fixed) if *fixed != len) {
                return Err(format!("{len} elements for `{ty}`"));
            }
            let mut columns: Vec<_> = columns.into_iter().map(Vec::into_iter).collect();
            let elements = (0..len)
                .map(|_| {
                    let mut row = columns.iter_mut().map(|c| c.next().expect("equal lengths"));
                    take_abi(element, &mut row)
                })
                .collect::<Result<Vec<_>, _>>()?;
            match ty {
                DynSolType::Array(_) => DynSolValue::Array(elements),
                _ => DynSolValue::FixedArray(elements),
            }
        }
        DynSolType::Tuple(components) => DynSolValue::Tuple(
            (components.iter())
                .map(|component| take_abi(component, values))
                .collect::<Result<_, _>>()?,
        ),
        DynSolType::Bytes | DynSolType::String => {
            let bytes = match next()? {
                MoveValue::Vector(bytes) => bytes
                    .into_iter()
                    .map(|byte| match byte {
                        MoveValue::U8(byte) => Ok(byte),
                        other => Err(format!("{other:?} is not a byte")),
                    })
                    .collect::<Result<Vec<u8>, _>>()?,
                other => return Err(format!("{other:?} is not a vector<u8>")),
            };
            // A string that is not UTF-8 is carried as its bytes: the encoding is the same.
            match (ty, String::from_utf8(bytes)) {
                (DynSolType::String, Ok(text)) => DynSolValue::String(text),
                (_, Ok(text)) => DynSolValue::Bytes(text.into_bytes()),
                (_, Err(not_utf8)) => DynSolValue::Bytes(not_utf8.into_bytes()),
            }
        }
        _ => {
            let value = next()?;
            let described = format!("{value:?}");
            match word_of(scalar_of(ty)?, value) {
                Some(word) if is_value_of(ty, word) => typed_word(ty, word),
                _ => return Err(format!("{described} is not a value of `{ty}`")),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(name: &str) -> DynSolType {
        DynSolType::parse(name).unwrap()
    }

    #[test]
    fn types_flatten_to_move_layouts() {
        let u256 = layout(MoveType::U256);
        let vector = |l: MoveTypeLayout| MoveTypeLayout::Vector(Box::new(l));
        let cases = [
            ("uint8", vec![MoveTypeLayout::U8]),
            ("uint32", vec![MoveTypeLayout::U64]),
            ("uint96", vec![MoveTypeLayout::U128]),
            ("uint160", vec![u256.clone()]),
            ("int24", vec![u256.clone()]),
            ("bytes4", vec![u256.clone()]),
            ("string", vec![vector(MoveTypeLayout::U8)]),
            ("address[]", vec![vector(MoveTypeLayout::Address)]),
            ("uint256[][3]", vec![vector(vector(u256.clone()))]),
            ("bytes[]", vec![vector(vector(MoveTypeLayout::U8))]),
            (
                "(uint8,(bool,address))",
                vec![
                    MoveTypeLayout::U8,
                    MoveTypeLayout::Bool,
                    MoveTypeLayout::Address,
                ],
            ),
            (
                "(uint256,address[])[]",
                vec![vector(u256), vector(vector(MoveTypeLayout::Address))],
            ),
        ];
        for (name, expected) in cases {
            let got = layouts(&[ty(name)]).unwrap();
            assert_eq!(format!("{got:?}"), format!("{expected:?}"), "{name}");
        }
        assert!(layouts(&[ty("()[]")]).is_err());
        assert!(layouts(&[ty("function")]).is_err());
    }

    #[test]
    fn values_round_trip_through_move() {
        let types = [
            ty("uint256"),
            ty("int24"),
            ty("bytes4"),
            ty("uint112"),
            ty("(address,bool)[]"),
            ty("bytes[2]"),
            ty("uint64[][]"),
            ty("string"),
        ];
        let values = vec![
            DynSolValue::Uint(U256::MAX - U256::from(7), 256),
            DynSolValue::Int(I256::try_from(-5).unwrap(), 24),
            DynSolValue::FixedBytes(B256::right_padding_from(&[0xab; 4]), 4),
            DynSolValue::Uint(U256::from(u128::MAX >> 16), 112),
            DynSolValue::Array(vec![
                DynSolValue::Tuple(vec![
                    DynSolValue::Address([7; 20].into()),
                    DynSolValue::Bool(true),
                ]),
                DynSolValue::Tuple(vec![
                    DynSolValue::Address([8; 20].into()),
                    DynSolValue::Bool(false),
                ]),
            ]),
            DynSolValue::FixedArray(vec![
                DynSolValue::Bytes(vec![9; 40]),
                DynSolValue::Bytes(vec![]),
            ]),
            DynSolValue::Array(vec![
                DynSolValue::Array(vec![]),
                DynSolValue::Array(vec![DynSolValue::Uint(U256::from(3), 64)]),
            ]),
            DynSolValue::String("évm".into()),
        ];
        let bcs = to_move(&types, &values).unwrap();
        assert_eq!(bcs.len(), 9, "the tuple array is two parallel vectors");
        assert_eq!(to_abi(&types, &bcs).unwrap(), values);
        // Encoded by alloy, decoded back into the same Move values.
        let encoded = encode(&types, &bcs).unwrap();
        assert_eq!(encoded, DynSolValue::Tuple(values).abi_encode_params());
        assert_eq!(decode(&types, &encoded).unwrap(), bcs);
        // U256 is `{ hi: u128, lo: u128 }`: hi first, each little-endian.
        let one = to_move(&[ty("uint256")], &[DynSolValue::Uint(U256::from(1), 256)]).unwrap();
        assert_eq!(one[0][16], 1);
    }

    #[test]
    fn values_beyond_their_types_are_refused() {
        let too_wide = DynSolValue::Uint(U256::from(1) << 64, 64);
        assert!(to_move(&[ty("uint64")], &[too_wide]).is_err());
        // Three elements for a `uint8[2]`; parallel vectors of lengths 1 and 0.
        let three = to_move(
            &[ty("uint8[]")],
            &[DynSolValue::Array(vec![
                DynSolValue::Uint(U256::from(1), 8);
                3
            ])],
        )
        .unwrap();
        assert!(to_abi(&[ty("uint8[2]")], &three).is_err());
        let pair = to_move(
            &[ty("(bool,bool)[]")],
            &[DynSolValue::Array(vec![DynSolValue::Tuple(
                vec![DynSolValue::Bool(true); 2],
            )])],
        )
        .unwrap();
        let uneven = [pair[0].clone(), vec![0]];
        assert!(to_abi(&[ty("(bool,bool)[]")], &uneven).is_err());
        // A `u128` beyond 96 bits for a `uint96`.
        let wide = MoveValue::U128(1 << 100).simple_serialize().unwrap();
        assert!(encode(&[ty("uint96")], &[wide]).is_err());
        // Return data: a bool word of 2, and data too short for its offset.
        let mut word = [0u8; 32];
        word[31] = 2;
        assert!(decode(&[ty("bool")], &word).is_err());
        word[31] = 0x20;
        assert!(decode(&[ty("bytes")], &word).is_err());
    }
}
