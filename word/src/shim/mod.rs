//! The shim interface: what transpiled Move code and the runtime agree on, written once.
//!
//! - [`natives`]: every native of the shim library (`stdlib/sources/*.move`): its Move module,
//!   name, argument and result shapes and the EVM operation it performs; and the shim
//!   library's Move functions that typed entries call.
//! - [`abort`]: every abort code, whoever raises it (the halt natives, the lowering, the
//!   typed entries of `evmove::abi`), and what it means.
//! - [`abi_types`]: which Move types carry which ABI types (typed entry functions).
//! - [`cost`]: the EVM's static gas of every opcode, the same for every fork, which
//!   transpiled code charges per section of EVM code; the opcodes that observe the gas left.
//! - [`gate`]: the fork each opcode needs, and the charge of static gas that carries it (so
//!   an opcode the block's fork lacks halts as in revm, at no cost of its own).
//!
//! Readers: the lowering (`evmove::lower::natives` finds an operation's native here and
//! declares it; `evmove::lower::typed` takes the abi natives and the type mapping), the
//! runtime (`evmove_runtime::natives` pairs each row with its implementation;
//! `evmove_runtime::abi_value` converts values by the mapping; `exec::frame::frame_end` reads
//! abort codes), and the Move sources, which a test (`tests/tests/shim_interface.rs`) checks
//! against this table: their `native fun` declarations, the Move functions listed here and
//! `evmove::abi`'s abort-code constants.
//!
//! Nothing here depends on the Move VM: Move types are the small [`MoveType`], which each
//! side turns into its own form (a `SignatureToken` in the compiler, a `MoveTypeLayout` in
//! the runtime).

pub mod abi_types;
pub mod abort;
pub mod cost;
pub mod gate;
pub mod natives;

use alloy_primitives::{address, Address};

pub use abort::AbortCode;
pub use natives::{Args, MoveFunction, Native, Results, NATIVES};

/// How many words the EVM stack holds at most. The universal form keeps the EVM stack in a
/// `vector<u128>` local, two elements a word (`evmove::lower::function::stack`), and checks
/// this limit before each block pushes; so the native tier gives that vector room for twice
/// this many elements, once.
pub const EVM_STACK_LIMIT: usize = 1024;

/// The address the shim library is published at (`evmove` in `stdlib/Move.toml`).
pub const ADDRESS: Address = address!("0x0000000000000000000000000000000000000001");

/// The shim library's modules, by name.
pub mod module {
    /// `evmove::arith`: word arithmetic, comparisons, bitwise operations.
    pub const ARITH: &str = "arith";
    /// `evmove::memory`: the frame's memory and hashing.
    pub const MEMORY: &str = "memory";
    /// `evmove::storage`: persistent and transient storage.
    pub const STORAGE: &str = "storage";
    /// `evmove::env`: the frame's and the block's environment.
    pub const ENV: &str = "env";
    /// `evmove::log`: LOG0 to LOG4.
    pub const LOG: &str = "log";
    /// `evmove::halt`: the ends of a frame.
    pub const HALT: &str = "halt";
    /// `evmove::call`: calls and creations.
    pub const CALL: &str = "call";
    /// `evmove::charged`: the natives reaching the host, each taking the static gas of its
    /// section to charge first (`natives::Native::charged_form`).
    pub const CHARGED: &str = "charged";
    /// `evmove::gas`: charging the frame's gas.
    pub const GAS: &str = "gas";
    /// `evmove::abi`: what typed entry functions are made of.
    pub const ABI: &str = "abi";
    /// `evmove::u256`: the `U256` struct.
    pub const U256: &str = "u256";
}

/// A Move type of the shim interface, without the Move VM.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MoveType {
    /// `bool`.
    Bool,
    /// `u8`.
    U8,
    /// `u64`.
    U64,
    /// `u128`.
    U128,
    /// `address` (20 bytes: Move addresses are EVM-sized in this build).
    Address,
    /// The struct `evmove::u256::U256` ([`U256_STRUCT`]).
    U256,
    /// `vector<T>`.
    Vector(&'static MoveType),
    /// The function's type parameter of this index.
    TypeParameter(u16),
}

/// `vector<u8>`.
pub const BYTES: MoveType = MoveType::Vector(&MoveType::U8);

/// A struct of the shim library.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MoveStruct {
    /// Its module.
    pub module: &'static str,
    /// Its name.
    pub name: &'static str,
    /// Its fields' names and types, in order (its BCS layout).
    pub fields: &'static [(&'static str, MoveType)],
    /// Whether it has `copy`, `drop` and `store` (and not `key`).
    pub copy_drop_store: bool,
}

/// `evmove::u256::U256`, a word as two u128 halves: `hi * 2^128 + lo`.
pub const U256_STRUCT: MoveStruct = MoveStruct {
    module: module::U256,
    name: "U256",
    fields: &[("hi", MoveType::U128), ("lo", MoveType::U128)],
    copy_drop_store: true,
};
