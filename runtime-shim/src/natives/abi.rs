//! The natives of `evmove::abi` (`stdlib/sources/abi.move`): a Move `address` to and from
//! its word, which Move bytecode cannot do itself. Move addresses are 20 bytes in this build
//! (the `address20` feature), as EVM addresses: the word holds them zero-extended.

use std::{collections::VecDeque, sync::Arc};

use alloy_primitives::Address;
use move_binary_format::file_format::SignatureToken;
use move_core_types::{account_address::AccountAddress, gas_algebra::InternalGas};
use move_vm_runtime::native_functions::NativeFunction;
use move_vm_types::{natives::function::NativeResult, values::Value};

use super::word::{
    from_address, misdeclared, no_type_arguments, take_words, to_address, word_result,
};

/// A conversion between an address and its word.
#[derive(Clone, Copy, Debug)]
pub enum Op {
    /// `address_to_word(a: address): (u128, u128)`.
    AddressToWord,
    /// `word_to_address(hi: u128, lo: u128): address`.
    WordToAddress,
}

impl Op {
    /// How many words it takes.
    pub fn words_in(self) -> usize {
        match self {
            Op::AddressToWord => 0,
            Op::WordToAddress => 1,
        }
    }

    /// The Move parameter types.
    pub fn params(self) -> Vec<SignatureToken> {
        match self {
            Op::AddressToWord => vec![SignatureToken::Address],
            Op::WordToAddress => vec![SignatureToken::U128; 2],
        }
    }

    /// The Move result types.
    pub fn returns(self) -> Vec<SignatureToken> {
        match self {
            Op::AddressToWord => vec![SignatureToken::U128; 2],
            Op::WordToAddress => vec![SignatureToken::Address],
        }
    }

    pub(crate) fn native(self, cost: InternalGas) -> NativeFunction {
        Arc::new(move |_context, ty_args, mut args: VecDeque<Value>| {
            no_type_arguments(&ty_args)?;
            match self {
                Op::AddressToWord => {
                    let address = match (args.pop_front(), args.is_empty()) {
                        (Some(value), true) => value.value_as::<AccountAddress>()?,
                        _ => return Err(misdeclared("address_to_word takes one address".into())),
                    };
                    let word = from_address(Address::from(address.into_bytes()));
                    Ok(word_result(cost, word))
                }
                Op::WordToAddress => {
                    let [word] = take_words::<1>(args)?;
                    let address = AccountAddress::new(to_address(word).into_array());
                    Ok(NativeResult::ok(
                        cost,
                        [Value::address(address)].into_iter().collect(),
                    ))
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_mirror_each_other() {
        assert_eq!(Op::AddressToWord.params(), Op::WordToAddress.returns());
        assert_eq!(Op::AddressToWord.returns(), Op::WordToAddress.params());
    }
}
