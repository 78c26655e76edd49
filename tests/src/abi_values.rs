//! Generated ABI arguments: a proptest strategy for values of any ABI type the corpus uses,
//! biased towards the edges where EVM code goes wrong (0, 1, the type's extremes, the sign
//! boundary, powers of two).

use alloy_dyn_abi::{DynSolType, DynSolValue};
use alloy_primitives::{address, Address, B256, I256, U256};
use proptest::prelude::*;

/// Addresses arguments are drawn from: the scenario accounts, zero, and one more.
pub const ADDRESSES: [Address; 4] = [
    address!("00000000000000000000000000000000000a11ce"),
    address!("0000000000000000000000000000000000000b0b"),
    Address::ZERO,
    address!("00000000000000000000000000000000000ca201"),
];

/// A strategy for values of `ty`.
pub fn value_of(ty: &DynSolType) -> BoxedStrategy<DynSolValue> {
    match ty {
        DynSolType::Uint(bits) => {
            let bits = *bits;
            word(bits)
                .prop_map(move |w| DynSolValue::Uint(w, bits))
                .boxed()
        }
        DynSolType::Int(bits) => {
            let bits = *bits;
            word(bits)
                .prop_map(move |w| {
                    // Reinterpret the low `bits` as two's complement.
                    let shift = 256 - bits;
                    DynSolValue::Int(I256::from_raw(w << shift).asr(shift), bits)
                })
                .boxed()
        }
        DynSolType::Address => prop::sample::select(ADDRESSES.to_vec())
            .prop_map(DynSolValue::Address)
            .boxed(),
        DynSolType::Bool => any::<bool>().prop_map(DynSolValue::Bool).boxed(),
        DynSolType::FixedBytes(n) => {
            let n = *n;
            any::<[u8; 32]>()
                .prop_map(move |mut bytes| {
                    bytes[n..].fill(0);
                    DynSolValue::FixedBytes(B256::from(bytes), n)
                })
                .boxed()
        }
        DynSolType::Bytes => prop::collection::vec(any::<u8>(), 0..80)
            .prop_map(DynSolValue::Bytes)
            .boxed(),
        DynSolType::String => "[ -~]{0,80}".prop_map(DynSolValue::String).boxed(),
        DynSolType::Array(inner) => prop::collection::vec(value_of(inner), 0..6)
            .prop_map(DynSolValue::Array)
            .boxed(),
        DynSolType::FixedArray(inner, n) => prop::collection::vec(value_of(inner), *n)
            .prop_map(DynSolValue::FixedArray)
            .boxed(),
        DynSolType::Tuple(types) => types
            .iter()
            .map(value_of)
            .collect::<Vec<_>>()
            .prop_map(DynSolValue::Tuple)
            .boxed(),
        other => panic!("no generator for ABI type {other}"),
    }
}

/// A strategy for the arguments of a function taking `types`.
pub fn arguments(types: Vec<DynSolType>) -> BoxedStrategy<Vec<DynSolValue>> {
    types.iter().map(value_of).collect::<Vec<_>>().boxed()
}

/// A `bits`-wide unsigned word, often at an edge.
pub fn word(bits: usize) -> impl Strategy<Value = U256> {
    let max = if bits == 256 {
        U256::MAX
    } else {
        (U256::from(1) << bits) - U256::from(1)
    };
    let top = U256::from(1) << (bits - 1);
    prop_oneof![
        3 => any::<[u8; 32]>().prop_map(move |b| U256::from_be_bytes(b) & max),
        2 => (0u64..300).prop_map(U256::from),
        1 => Just(max),
        1 => Just(top),
        1 => Just(top - U256::from(1)),
        1 => (0..bits).prop_map(|i| U256::from(1) << i),
        1 => (0..bits).prop_map(move |i| max >> i),
    ]
}
