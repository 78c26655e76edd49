//! How a 256-bit word crosses the native boundary: as two u128 halves, `hi` then `lo`
//! (`word = hi * 2^128 + lo`), both as arguments and as results (the scalar shape measured in
//! `benches/native_arg_shape.rs`; the figures are at the top of `stdlib/sources/u256.move`).

use std::collections::VecDeque;

use alloy_primitives::{Address, B256, U256};
use move_binary_format::errors::{PartialVMError, PartialVMResult};
use move_core_types::{gas_algebra::InternalGas, vm_status::StatusCode};
use move_vm_types::{
    loaded_data::runtime_types::Type, natives::function::NativeResult, values::Value,
};

/// The word `hi * 2^128 + lo`.
pub fn from_halves(hi: u128, lo: u128) -> U256 {
    U256::from_limbs([lo as u64, (lo >> 64) as u64, hi as u64, (hi >> 64) as u64])
}

/// The halves `(hi, lo)` of `word`.
pub fn to_halves(word: U256) -> (u128, u128) {
    let [l0, l1, h0, h1] = word.into_limbs();
    (
        (u128::from(h1) << 64) | u128::from(h0),
        (u128::from(l1) << 64) | u128::from(l0),
    )
}

/// The word of an address (its 160 bits, zero-extended).
pub fn from_address(address: Address) -> U256 {
    U256::from_be_slice(address.as_slice())
}

/// The address in a word: its low 160 bits (the EVM ignores the rest).
pub fn to_address(word: U256) -> Address {
    Address::from_word(B256::from(word))
}

/// An error for a native called against its declaration: the VM checked the call against
/// the Move signature, so this means the declaration and the native table disagree.
#[cold]
pub(crate) fn misdeclared(message: String) -> PartialVMError {
    PartialVMError::new(StatusCode::UNKNOWN_INVARIANT_VIOLATION_ERROR).with_message(message)
}

/// Checks that a native without type parameters was called without type arguments.
pub(crate) fn no_type_arguments(ty_args: &[Type]) -> PartialVMResult<()> {
    match ty_args.len() {
        0 => Ok(()),
        n => Err(misdeclared(format!(
            "a native without type parameters got {n} type arguments"
        ))),
    }
}

/// The `N` words a native takes, from its `2 * N` u128 arguments in declaration order.
#[inline]
pub(crate) fn take_words<const N: usize>(args: VecDeque<Value>) -> PartialVMResult<[U256; N]> {
    let mut words = [U256::ZERO; N];
    take_words_into(args, &mut words)?;
    Ok(words)
}

/// Fills `words` from `2 * words.len()` u128 arguments in declaration order.
#[inline]
pub(crate) fn take_words_into(
    mut args: VecDeque<Value>,
    words: &mut [U256],
) -> PartialVMResult<()> {
    if args.len() != 2 * words.len() {
        return Err(misdeclared(format!(
            "a native taking {} words got {} arguments",
            words.len(),
            args.len(),
        )));
    }
    // Each half is unwrapped at once: a `PartialVMResult` is large (the error is not boxed),
    // and carrying results around costs more than the 256-bit arithmetic (measured: ~50 ns).
    let mut next_half = || match args.pop_front() {
        Some(half) => half.value_as::<u128>(),
        None => Err(misdeclared("argument list ended early".to_string())),
    };
    for word in words {
        let hi = next_half()?;
        let lo = next_half()?;
        *word = from_halves(hi, lo);
    }
    Ok(())
}

/// A native's successful result: one word, as the two results `(hi, lo)`.
#[inline]
pub(crate) fn word_result(cost: InternalGas, word: U256) -> NativeResult {
    let (hi, lo) = to_halves(word);
    NativeResult::ok(
        cost,
        [Value::u128(hi), Value::u128(lo)].into_iter().collect(),
    )
}

/// A native's successful result: a word below 2^128, as its low half alone (a narrow
/// result: `Results::Narrow`); a wider word is the native's declaration broken.
#[inline]
pub(crate) fn narrow_result(cost: InternalGas, word: U256) -> PartialVMResult<NativeResult> {
    let lo = u128::try_from(word).map_err(|_| misdeclared(format!("a narrow result of {word}")))?;
    Ok(NativeResult::ok(
        cost,
        std::iter::once(Value::u128(lo)).collect(),
    ))
}

/// A native's successful result: one bool.
#[inline]
pub(crate) fn bool_result(cost: InternalGas, value: bool) -> NativeResult {
    NativeResult::ok(cost, std::iter::once(Value::bool(value)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_round_trip_and_order() {
        let word = from_halves(0x0102, 0x0304);
        assert_eq!(word, (U256::from(0x0102) << 128) | U256::from(0x0304));
        assert_eq!(to_halves(word), (0x0102, 0x0304));
        assert_eq!(to_halves(U256::MAX), (u128::MAX, u128::MAX));
        assert_eq!(from_halves(u128::MAX, 0), U256::MAX << 128);
    }

    #[test]
    fn wrong_arguments_are_errors_not_panics() {
        let two = VecDeque::from([Value::u128(1), Value::u128(2)]);
        assert!(take_words::<2>(two).is_err());
        let wrong_type = VecDeque::from([Value::u128(1), Value::u64(2)]);
        assert!(take_words::<1>(wrong_type).is_err());
        let ok = VecDeque::from([Value::u128(1), Value::u128(2)]);
        assert_eq!(take_words::<1>(ok).unwrap(), [from_halves(1, 2)]);
    }
}
