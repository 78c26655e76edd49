//! The natives of `evmove::arith` (`stdlib/sources/arith.move`): EVM arithmetic, comparison
//! and bitwise operations on 256-bit words.
//!
//! Each operation is a plain function on [`U256`] with the EVM's semantics, from the
//! `evmove-word` crate (re-exported here), which the transpiler's constant folding uses too:
//! one arithmetic for compiler and runtime. [`Op`] says how many words an operation takes
//! and what it returns, and turns it into a Move native.

use std::sync::Arc;

use alloy_primitives::U256;
use move_core_types::gas_algebra::InternalGas;
use move_vm_runtime::native_functions::NativeFunction;

pub use evmove_word::{
    add, addmod, and, byte, clz, div, eq, exp, gt, iszero, lt, mul, mulmod, not, or, rem, sar,
    sdiv, sgt, shl, shr, signextend, slt, smod, sub, xor,
};

use super::word::{bool_result, no_type_arguments, take_words, word_result};

/// An arithmetic operation, by the number of words it takes and what it returns.
#[derive(Clone, Copy, Debug)]
pub enum Op {
    /// One word in, one word out.
    Unary(fn(U256) -> U256),
    /// Two words in, one word out.
    Binary(fn(U256, U256) -> U256),
    /// Three words in, one word out.
    Ternary(fn(U256, U256, U256) -> U256),
    /// One word in, a bool out.
    UnaryTest(fn(U256) -> bool),
    /// Two words in, a bool out.
    BinaryTest(fn(U256, U256) -> bool),
}

impl Op {
    /// How many words the operation takes (each is two u128 arguments in Move).
    pub fn words_in(self) -> usize {
        match self {
            Op::Unary(_) | Op::UnaryTest(_) => 1,
            Op::Binary(_) | Op::BinaryTest(_) => 2,
            Op::Ternary(_) => 3,
        }
    }

    /// Whether the operation returns a word (two u128 results in Move) rather than a bool.
    pub fn returns_word(self) -> bool {
        matches!(self, Op::Unary(_) | Op::Binary(_) | Op::Ternary(_))
    }

    /// The Move native running this operation. It charges nothing: the static gas of its
    /// opcode is charged with its section of EVM code, and EXP's dynamic gas by
    /// `evmove::gas::charge_exp`.
    pub(crate) fn native(self) -> NativeFunction {
        let cost = InternalGas::zero();
        match self {
            Op::Unary(f) => Arc::new(move |_, ty_args, args| {
                no_type_arguments(&ty_args)?;
                let [a] = take_words(args)?;
                Ok(word_result(cost, f(a)))
            }),
            Op::Binary(f) => Arc::new(move |_, ty_args, args| {
                no_type_arguments(&ty_args)?;
                let [a, b] = take_words(args)?;
                Ok(word_result(cost, f(a, b)))
            }),
            Op::Ternary(f) => Arc::new(move |_, ty_args, args| {
                no_type_arguments(&ty_args)?;
                let [a, b, c] = take_words(args)?;
                Ok(word_result(cost, f(a, b, c)))
            }),
            Op::UnaryTest(f) => Arc::new(move |_, ty_args, args| {
                no_type_arguments(&ty_args)?;
                let [a] = take_words(args)?;
                Ok(bool_result(cost, f(a)))
            }),
            Op::BinaryTest(f) => Arc::new(move |_, ty_args, args| {
                no_type_arguments(&ty_args)?;
                let [a, b] = take_words(args)?;
                Ok(bool_result(cost, f(a, b)))
            }),
        }
    }
}
