//! The natives of `evmove::abi` (`stdlib/sources/abi.move`), for typed entry functions: a
//! Move `address` to and from its word, which Move bytecode cannot do itself (Move addresses
//! are 20 bytes in this build, the `address20` feature, as EVM addresses: the word holds them
//! zero-extended), and a byte string into the calldata being written or out of the return
//! data, which would be slow a byte at a time in Move.

use std::{collections::VecDeque, sync::Arc};

use alloy_primitives::{Address, U256};
use move_binary_format::{errors::PartialVMResult, file_format::SignatureToken};
use move_core_types::{account_address::AccountAddress, gas_algebra::InternalGas};
use move_vm_runtime::native_functions::NativeFunction;
use move_vm_types::{
    natives::function::NativeResult,
    values::{VMValueCast, Value},
};

use super::{
    frame::FRAME_ENDED,
    word::{from_address, misdeclared, no_type_arguments, take_words, to_address, word_result},
};
use crate::exec::{
    gas::{cost::COPY_WORD, words},
    host::{FrameEnded, FrameExtension, NativeCtx},
};

/// `evmove::abi`'s abort code for return data that is not what the ABI says.
const E_RESULT_OUT_OF_RANGE: u64 = 3;

/// A native of `evmove::abi`.
#[derive(Clone, Copy, Debug)]
pub enum Op {
    /// `address_to_word(a: address): (u128, u128)`.
    AddressToWord,
    /// `word_to_address(hi: u128, lo: u128): address`.
    WordToAddress,
    /// `put_bytes(index: u64, tail: u64, data: vector<u8>): u64`: argument `index` is the
    /// dynamic `data`, whose encoding goes at offset `tail` of the arguments; the offset after
    /// it.
    PutBytes,
    /// `bytes_at(index: u64): vector<u8>`: the dynamic result `index`.
    BytesAt,
}

impl Op {
    /// How many words it takes.
    pub fn words_in(self) -> usize {
        match self {
            Op::WordToAddress => 1,
            Op::AddressToWord | Op::PutBytes | Op::BytesAt => 0,
        }
    }

    /// The Move parameter types.
    pub fn params(self) -> Vec<SignatureToken> {
        match self {
            Op::AddressToWord => vec![SignatureToken::Address],
            Op::WordToAddress => vec![SignatureToken::U128; 2],
            Op::PutBytes => vec![SignatureToken::U64, SignatureToken::U64, bytes()],
            Op::BytesAt => vec![SignatureToken::U64],
        }
    }

    /// The Move result types.
    pub fn returns(self) -> Vec<SignatureToken> {
        match self {
            Op::AddressToWord => vec![SignatureToken::U128; 2],
            Op::WordToAddress => vec![SignatureToken::Address],
            Op::PutBytes => vec![SignatureToken::U64],
            Op::BytesAt => vec![bytes()],
        }
    }

    pub(crate) fn native(self, cost: InternalGas) -> NativeFunction {
        Arc::new(move |context, ty_args, mut args: VecDeque<Value>| {
            no_type_arguments(&ty_args)?;
            match self {
                Op::AddressToWord => {
                    let address = one_arg::<AccountAddress>(args)?;
                    let word = from_address(Address::from(address.into_bytes()));
                    Ok(word_result(cost, word))
                }
                Op::WordToAddress => {
                    let [word] = take_words::<1>(args)?;
                    let address = AccountAddress::new(to_address(word).into_array());
                    let result = std::iter::once(Value::address(address)).collect();
                    Ok(NativeResult::ok(cost, result))
                }
                Op::PutBytes => {
                    let (index, tail) = (next::<u64>(&mut args)?, next::<u64>(&mut args)?);
                    let data = one_arg::<Vec<u8>>(args)?;
                    let extension = context.extensions_mut().get_mut::<FrameExtension>();
                    let mut ctx = NativeCtx::new(extension);
                    let written = put_bytes(&mut ctx, index, tail, &data);
                    let cost = cost + InternalGas::new(ctx.cost);
                    Ok(match written {
                        Ok(next) => {
                            NativeResult::ok(cost, std::iter::once(Value::u64(next)).collect())
                        }
                        Err(FrameEnded) => NativeResult::err(cost, FRAME_ENDED),
                    })
                }
                Op::BytesAt => {
                    let index = one_arg::<u64>(args)?;
                    let extension = context.extensions_mut().get_mut::<FrameExtension>();
                    Ok(match bytes_at(&extension.frame.return_data, index) {
                        Some(data) => {
                            let copy = InternalGas::new(COPY_WORD * words(data.len() as u64));
                            let result = std::iter::once(Value::vector_u8(data)).collect();
                            NativeResult::ok(cost + copy, result)
                        }
                        None => NativeResult::err(cost, E_RESULT_OUT_OF_RANGE),
                    })
                }
            }
        })
    }
}

/// `vector<u8>`.
fn bytes() -> SignatureToken {
    SignatureToken::Vector(Box::new(SignatureToken::U8))
}

/// The next argument, as a `T`.
fn next<T>(args: &mut VecDeque<Value>) -> PartialVMResult<T>
where
    Value: VMValueCast<T>,
{
    match args.pop_front() {
        Some(value) => value.value_as::<T>(),
        None => Err(misdeclared("argument list ended early".to_string())),
    }
}

/// The one (last) argument, as a `T`.
fn one_arg<T>(mut args: VecDeque<Value>) -> PartialVMResult<T>
where
    Value: VMValueCast<T>,
{
    let value = next(&mut args)?;
    match args.is_empty() {
        true => Ok(value),
        false => Err(misdeclared("more arguments than declared".to_string())),
    }
}

/// Writes argument `index` (the offset `tail`, at `4 + 32 * index`) and its encoding at
/// `4 + tail` (the length, then the bytes, zero-padded to whole words): the offset after it.
fn put_bytes(
    ctx: &mut NativeCtx<'_, '_>,
    index: u64,
    tail: u64,
    data: &[u8],
) -> Result<u64, FrameEnded> {
    let padded = words(data.len() as u64) * 32;
    let head = U256::from(index) * U256::from(32) + U256::from(4);
    let start = U256::from(tail) + U256::from(4);
    let head = ctx.memory_range(head, U256::from(32))?;
    let body = ctx.memory_range(start, U256::from(32 + padded))?;
    ctx.charge_copy(data.len())?;
    let memory = &mut ctx.frame.memory;
    memory
        .get_mut(head)
        .copy_from_slice(&U256::from(tail).to_be_bytes::<32>());
    let body = memory.get_mut(body);
    body[..32].copy_from_slice(&U256::from(data.len()).to_be_bytes::<32>());
    body[32..32 + data.len()].copy_from_slice(data);
    body[32 + data.len()..].fill(0);
    // The range was paid for, so it is far below 2^64.
    Ok(tail + 32 + padded)
}

/// The dynamic result `index` of ABI-encoded `return_data`: the bytes at the offset its head
/// word gives, after their length; `None` if the data is too short or an offset too large.
fn bytes_at(return_data: &[u8], index: u64) -> Option<Vec<u8>> {
    let word_at = |offset: usize| -> Option<usize> {
        let word = return_data.get(offset..offset.checked_add(32)?)?;
        usize::try_from(U256::from_be_slice(word)).ok()
    };
    let offset = word_at(usize::try_from(index).ok()?.checked_mul(32)?)?;
    let len = word_at(offset)?;
    let start = offset.checked_add(32)?;
    Some(return_data.get(start..start.checked_add(len)?)?.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_mirror_each_other() {
        assert_eq!(Op::AddressToWord.params(), Op::WordToAddress.returns());
        assert_eq!(Op::AddressToWord.returns(), Op::WordToAddress.params());
    }

    #[test]
    fn dynamic_results_are_read_where_their_heads_point() {
        // (uint256 7, bytes "hi"): heads 7 and 0x40, then length 2 and the padded bytes.
        let mut data = vec![0u8; 128];
        data[31] = 7;
        data[63] = 0x40;
        data[95] = 2;
        data[96..98].copy_from_slice(b"hi");
        assert_eq!(bytes_at(&data, 1), Some(b"hi".to_vec()));
        // The static head read as an offset points past the end; a missing head; a length
        // beyond the data.
        assert_eq!(bytes_at(&data, 0), None);
        assert_eq!(bytes_at(&data, 4), None);
        data[95] = 200;
        assert_eq!(bytes_at(&data, 1), None);
    }
}
