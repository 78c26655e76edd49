//! The natives of `evmove::abi` (`stdlib/sources/abi.move`), for typed entry functions: a
//! Move `address` to its word, which Move bytecode cannot do itself (Move addresses are 20
//! bytes in this build, the `address20` feature, as EVM addresses: the word holds them
//! zero-extended), and the ABI encoding of the arguments into the calldata being written and
//! decoding of the results from the return data ([`crate::abi_value`] converts the values,
//! by the shim table's ABI → Move type mapping). The ABI types come as the text of a tuple
//! type, `(address,uint256[])` (`evmove_word::shim::abi_types::tuple_text`); the arguments go
//! through BCS, so that one native takes Move values of any types. The signatures are the
//! shim table's rows; the abort codes its [`AbortCode`]s. They charge their copies only:
//! typed entries are no EVM code, the CALL they make charges the EVM's gas.

use std::{collections::VecDeque, sync::Arc};

use alloy_primitives::{Address, U256};
use evmove_word::shim::{abi_types::parse_tuple_text, AbortCode};
use move_binary_format::errors::PartialVMResult;
use move_core_types::{account_address::AccountAddress, gas_algebra::InternalGas};
use move_vm_runtime::native_functions::{NativeContext, NativeFunction};
use move_vm_types::{
    loaded_data::runtime_types::Type,
    natives::function::NativeResult,
    values::{VMValueCast, Value},
};

use revm_interpreter::context_interface::cfg::gas_params::num_words;

use super::word::{from_address, misdeclared, no_type_arguments, word_result};
use crate::{
    abi_value,
    host::native::{FrameEnded, FrameExtension, NativeCtx},
};

/// A native of `evmove::abi`.
#[derive(Clone, Copy, Debug)]
pub enum Op {
    /// `address_to_word(a: address): (u128, u128)`.
    AddressToWord,
    /// `to_bcs<T>(v: T): vector<u8>`: the BCS encoding of any Move value.
    ToBcs,
    /// `put_call(selector: u64, types: vector<u8>, args: vector<vector<u8>>): u64`: writes
    /// the calldata of a call of function `selector` with arguments of ABI types `types`
    /// whose Move values, BCS-encoded, are `args` at offset 0 of memory; its size.
    PutCall,
    /// `result_at<T>(types: vector<u8>, index: u64): T`: Move value `index` of the results
    /// of ABI types `types` in the return data.
    ResultAt,
}

impl Op {
    /// The Move native running this operation, charging its copies.
    pub(crate) fn native(self) -> NativeFunction {
        Arc::new(
            move |context, ty_args, mut args: VecDeque<Value>| match self {
                Op::AddressToWord => {
                    no_type_arguments(&ty_args)?;
                    let address = one_arg::<AccountAddress>(args)?;
                    let word = from_address(Address::from(address.into_bytes()));
                    Ok(word_result(InternalGas::zero(), word))
                }
                Op::ToBcs => {
                    let layout = layout_of(context, &ty_args)?;
                    let value = args
                        .pop_front()
                        .ok_or_else(|| misdeclared("no value".into()))?;
                    let bcs = value
                        .simple_serialize(&layout)
                        .ok_or_else(|| misdeclared("a value not of its type".into()))?;
                    let copy = copy_cost(bcs.len());
                    Ok(NativeResult::ok(
                        copy,
                        std::iter::once(Value::vector_u8(bcs)).collect(),
                    ))
                }
                Op::PutCall => {
                    no_type_arguments(&ty_args)?;
                    let selector = next::<u64>(&mut args)?;
                    let types = next::<Vec<u8>>(&mut args)?;
                    let bcs = one_arg::<Vec<Value>>(args)?
                        .into_iter()
                        .map(|arg| arg.value_as::<Vec<u8>>())
                        .collect::<PartialVMResult<Vec<_>>>()?;
                    let Some(encoded) = parse_tuple_text(&types)
                        .and_then(|types| abi_value::encode(&types, &bcs).ok())
                    else {
                        return Ok(NativeResult::err(
                            InternalGas::zero(),
                            AbortCode::ArgumentOutOfRange.code(),
                        ));
                    };
                    let extension = context.extensions_mut().get_mut::<FrameExtension>();
                    let mut ctx = NativeCtx::new(extension);
                    let written = put_call(&mut ctx, selector, &encoded);
                    let cost = InternalGas::new(ctx.cost);
                    Ok(match written {
                        Ok(size) => {
                            NativeResult::ok(cost, std::iter::once(Value::u64(size)).collect())
                        }
                        Err(FrameEnded) => NativeResult::err(cost, AbortCode::FrameEnded.code()),
                    })
                }
                Op::ResultAt => {
                    let layout = layout_of(context, &ty_args)?;
                    let types = next::<Vec<u8>>(&mut args)?;
                    let index = one_arg::<u64>(args)?;
                    let extension = context.extensions_mut().get_mut::<FrameExtension>();
                    let data = &extension.frame.return_data;
                    let copy = copy_cost(data.len());
                    let result = parse_tuple_text(&types)
                        .and_then(|types| abi_value::decode(&types, data).ok())
                        .and_then(|results| {
                            let bcs = results.get(usize::try_from(index).ok()?)?;
                            Value::simple_deserialize(bcs, &layout)
                        });
                    Ok(match result {
                        Some(value) => NativeResult::ok(copy, std::iter::once(value).collect()),
                        None => NativeResult::err(copy, AbortCode::ResultOutOfRange.code()),
                    })
                }
            },
        )
    }
}

/// The layout of the one type argument of a generic native.
fn layout_of(
    context: &NativeContext,
    ty_args: &[Type],
) -> PartialVMResult<move_core_types::value::MoveTypeLayout> {
    match ty_args {
        [ty] => context
            .type_to_type_layout(ty)?
            .ok_or_else(|| misdeclared(format!("{ty:?} has no layout"))),
        _ => Err(misdeclared(format!("{} type arguments", ty_args.len()))),
    }
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

/// Writes the calldata `selector` then `encoded` at offset 0 of memory: its size.
fn put_call(ctx: &mut NativeCtx<'_, '_>, selector: u64, encoded: &[u8]) -> Result<u64, FrameEnded> {
    let size = 4 + encoded.len();
    let range = ctx.memory_range(U256::ZERO, U256::from(size))?;
    ctx.charge_copy(size)?;
    let calldata = ctx.frame.memory.get_mut(range);
    // The selector is the low 4 bytes of the `u64`.
    calldata[..4].copy_from_slice(&selector.to_be_bytes()[4..]);
    calldata[4..].copy_from_slice(encoded);
    // The range was paid for, so it is far below 2^64.
    Ok(size as u64)
}

/// What copying `len` bytes costs (the EVM's 3 per word, the same in every fork).
fn copy_cost(len: usize) -> InternalGas {
    InternalGas::new(revm_interpreter::gas::COPY * num_words(len) as u64)
}
