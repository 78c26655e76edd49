//! The natives of the shim library: [`NATIVES`] lists each one once, with the Move module of
//! `stdlib/sources/` that declares it, its name, its base cost and its implementation;
//! [`table`] turns that list into the table `MoveVM::new` takes. A test
//! (`tests/native_table.rs`) checks that the `native fun` declarations of the compiled shim
//! library are exactly this list, with the signatures [`NativeDecl::type_parameters`],
//! [`NativeDecl::params`] and [`NativeDecl::returns`] give, so the two cannot drift apart.
//!
//! # The Move 0.3.2 native interface, as these natives use it
//!
//! - A native is `Fn(&mut NativeContext, Vec<Type>, VecDeque<Value>) ->
//!   PartialVMResult<NativeResult>`. The arguments arrive in declaration order: the first
//!   parameter is at the front of the `VecDeque` (`pop_arg!` pops from the back, so it yields
//!   the last parameter first). The VM has already checked them against the Move signature.
//! - Results: `NativeResult::ok(cost, values)`; the values are pushed in order, so the first
//!   is the Move function's first result (a word comes back as `(hi, lo)`).
//!   `NativeResult::err(cost, code)` is a Move abort with that code; an `Err(PartialVMError)`
//!   is an invariant violation (used here only for a native called against its declaration).
//! - `cost` is charged to the session's gas meter after the call (before an abort takes
//!   effect). The base costs below are the EVM's static gas of each opcode; host natives add
//!   their dynamic costs (`host::gas` describes the model).
//! - Natives that reach the host ([`frame`]) find the executing frame in the session's
//!   native extension (`host::native::FrameExtension`) and do their work as plain Rust over
//!   a `host::native::NativeCtx`; the arithmetic ones are pure.
//! - A generic native gets its type arguments as `Vec<Type>`;
//!   `NativeContext::type_to_type_layout` gives a type's layout, with which
//!   `Value::simple_serialize` and `Value::simple_deserialize` turn a value of any type into
//!   BCS and back (how `evmove::abi`'s `to_bcs<T>` and `result_at<T>` work).
//! - A module declaring a native the VM was not given fails to publish and to load
//!   (`MISSING_DEPENDENCY`), so every VM that runs transpiled code is built with [`table`].

pub mod abi;
pub mod arith;
pub mod call;
pub mod env;
pub mod frame;
pub mod halt;
pub mod log;
pub mod memory;
pub mod storage;
pub mod word;

use move_binary_format::file_format::{AbilitySet, SignatureToken};
use move_core_types::{gas_algebra::InternalGas, identifier::Identifier};
use move_vm_runtime::native_functions::{NativeFunction, NativeFunctionTable};

use crate::{host::gas::cost as gas, stdlib};
use frame::HostFn;

/// One native of the shim library.
#[derive(Clone, Copy, Debug)]
pub struct NativeDecl {
    /// The Move module declaring it, at the shim library's address.
    pub module: &'static str,
    /// Its name in that module.
    pub name: &'static str,
    /// The gas it charges per call, before any dynamic cost.
    pub cost: u64,
    /// What it computes.
    pub op: Op,
}

/// What a native computes.
#[derive(Clone, Copy, Debug)]
pub enum Op {
    /// A pure operation on words.
    Arith(arith::Op),
    /// A native of `evmove::abi` (typed entry functions).
    Abi(abi::Op),
    /// An operation on the frame or the host: `words_in` words in, a word out if
    /// `returns_word`, else nothing.
    Host {
        /// How many words it takes.
        words_in: usize,
        /// Whether it returns a word.
        returns_word: bool,
        /// What it does.
        run: HostFn,
    },
}

impl NativeDecl {
    /// How many words the native takes (each is two u128 arguments in Move).
    pub fn words_in(&self) -> usize {
        match self.op {
            Op::Arith(op) => op.words_in(),
            // Their arguments are Move values, not words.
            Op::Abi(_) => 0,
            Op::Host { words_in, .. } => words_in,
        }
    }

    /// The abilities its type parameters require (the generic `evmove::abi` natives have one).
    pub fn type_parameters(&self) -> Vec<AbilitySet> {
        match self.op {
            Op::Abi(op) => op.type_parameters(),
            _ => vec![],
        }
    }

    /// The Move parameter types: two u128 halves, `hi` then `lo`, per word.
    pub fn params(&self) -> Vec<SignatureToken> {
        match self.op {
            Op::Abi(op) => op.params(),
            _ => vec![SignatureToken::U128; 2 * self.words_in()],
        }
    }

    /// The Move result types: `(u128, u128)` for a word, `bool` for a test, none otherwise.
    pub fn returns(&self) -> Vec<SignatureToken> {
        match self.op {
            Op::Arith(op) if op.returns_word() => vec![SignatureToken::U128; 2],
            Op::Arith(_) => vec![SignatureToken::Bool],
            Op::Abi(op) => op.returns(),
            Op::Host {
                returns_word: true, ..
            } => vec![SignatureToken::U128; 2],
            Op::Host { .. } => vec![],
        }
    }

    fn native(&self) -> NativeFunction {
        match self.op {
            Op::Arith(op) => op.native(InternalGas::new(self.cost)),
            Op::Abi(op) => op.native(InternalGas::new(self.cost)),
            Op::Host {
                words_in,
                returns_word,
                run,
            } => frame::native(words_in, returns_word, self.cost, run),
        }
    }
}

const fn arith(name: &'static str, cost: u64, op: arith::Op) -> NativeDecl {
    NativeDecl {
        module: "arith",
        name,
        cost,
        op: Op::Arith(op),
    }
}

const fn abi(name: &'static str, cost: u64, op: abi::Op) -> NativeDecl {
    NativeDecl {
        module: "abi",
        name,
        cost,
        op: Op::Abi(op),
    }
}

/// Returns a word (two u128 results).
const WORD: bool = true;
/// Returns nothing.
const NOTHING: bool = false;

/// A host native taking `words_in` words and returning a word or nothing.
const fn host(
    module: &'static str,
    name: &'static str,
    words_in: usize,
    returns_word: bool,
    cost: u64,
    run: HostFn,
) -> NativeDecl {
    NativeDecl {
        module,
        name,
        cost,
        op: Op::Host {
            words_in,
            returns_word,
            run,
        },
    }
}

use arith::Op::{Binary, BinaryTest, Ternary, Unary, UnaryTest};

/// Every native of the shim library, each once.
#[rustfmt::skip]
pub const NATIVES: &[NativeDecl] = &[
    arith("add", gas::VERY_LOW, Binary(arith::add)),
    arith("sub", gas::VERY_LOW, Binary(arith::sub)),
    arith("mul", LOW, Binary(arith::mul)),
    arith("div", LOW, Binary(arith::div)),
    arith("sdiv", LOW, Binary(arith::sdiv)),
    arith("mod", LOW, Binary(arith::rem)),
    arith("smod", LOW, Binary(arith::smod)),
    arith("addmod", MID, Ternary(arith::addmod)),
    arith("mulmod", MID, Ternary(arith::mulmod)),
    arith("exp", EXP, Binary(arith::exp)),
    arith("signextend", LOW, Binary(arith::signextend)),
    arith("lt", gas::VERY_LOW, BinaryTest(arith::lt)),
    arith("gt", gas::VERY_LOW, BinaryTest(arith::gt)),
    arith("slt", gas::VERY_LOW, BinaryTest(arith::slt)),
    arith("sgt", gas::VERY_LOW, BinaryTest(arith::sgt)),
    arith("eq", gas::VERY_LOW, BinaryTest(arith::eq)),
    arith("iszero", gas::VERY_LOW, UnaryTest(arith::iszero)),
    arith("and", gas::VERY_LOW, Binary(arith::and)),
    arith("or", gas::VERY_LOW, Binary(arith::or)),
    arith("xor", gas::VERY_LOW, Binary(arith::xor)),
    arith("not", gas::VERY_LOW, Unary(arith::not)),
    arith("byte", gas::VERY_LOW, Binary(arith::byte)),
    arith("shl", gas::VERY_LOW, Binary(arith::shl)),
    arith("shr", gas::VERY_LOW, Binary(arith::shr)),
    arith("sar", gas::VERY_LOW, Binary(arith::sar)),
    // evmove::memory
    host("memory", "mload", 1, WORD, gas::VERY_LOW, memory::mload),
    host("memory", "mstore", 2, NOTHING, gas::VERY_LOW, memory::mstore),
    host("memory", "mstore8", 2, NOTHING, gas::VERY_LOW, memory::mstore8),
    host("memory", "msize", 0, WORD, gas::BASE, memory::msize),
    host("memory", "mcopy", 3, NOTHING, gas::VERY_LOW, memory::mcopy),
    host("memory", "keccak256", 2, WORD, gas::KECCAK, memory::keccak),
    // evmove::storage
    host("storage", "sload", 1, WORD, gas::WARM_ACCESS, storage::sload),
    host("storage", "sstore", 2, NOTHING, 0, storage::sstore),
    host("storage", "tload", 1, WORD, gas::WARM_ACCESS, storage::tload),
    host("storage", "tstore", 2, NOTHING, gas::WARM_ACCESS, storage::tstore),
    // evmove::env
    host("env", "self_address", 0, WORD, gas::BASE, env::address),
    host("env", "origin", 0, WORD, gas::BASE, env::origin),
    host("env", "caller", 0, WORD, gas::BASE, env::caller),
    host("env", "callvalue", 0, WORD, gas::BASE, env::callvalue),
    host("env", "calldatasize", 0, WORD, gas::BASE, env::calldatasize),
    host("env", "codesize", 0, WORD, gas::BASE, env::codesize),
    host("env", "gasprice", 0, WORD, gas::BASE, env::gasprice),
    host("env", "returndatasize", 0, WORD, gas::BASE, env::returndatasize),
    host("env", "coinbase", 0, WORD, gas::BASE, env::coinbase),
    host("env", "timestamp", 0, WORD, gas::BASE, env::timestamp),
    host("env", "number", 0, WORD, gas::BASE, env::number),
    host("env", "prevrandao", 0, WORD, gas::BASE, env::prevrandao),
    host("env", "gaslimit", 0, WORD, gas::BASE, env::gaslimit),
    host("env", "chainid", 0, WORD, gas::BASE, env::chainid),
    host("env", "selfbalance", 0, WORD, LOW, env::selfbalance),
    host("env", "basefee", 0, WORD, gas::BASE, env::basefee),
    host("env", "blobbasefee", 0, WORD, gas::BASE, env::blobbasefee),
    host("env", "gas", 0, WORD, gas::BASE, env::gas),
    host("env", "balance", 1, WORD, gas::WARM_ACCESS, env::balance),
    host("env", "calldataload", 1, WORD, gas::VERY_LOW, env::calldataload),
    host("env", "extcodesize", 1, WORD, gas::WARM_ACCESS, env::extcodesize),
    host("env", "extcodehash", 1, WORD, gas::WARM_ACCESS, env::extcodehash),
    host("env", "blockhash", 1, WORD, gas::BLOCKHASH, env::blockhash),
    host("env", "blobhash", 1, WORD, gas::VERY_LOW, env::blobhash),
    host("env", "calldatacopy", 3, NOTHING, gas::VERY_LOW, env::calldatacopy),
    host("env", "codecopy", 3, NOTHING, gas::VERY_LOW, env::codecopy),
    host("env", "returndatacopy", 3, NOTHING, gas::VERY_LOW, env::returndatacopy),
    host("env", "extcodecopy", 4, NOTHING, gas::WARM_ACCESS, env::extcodecopy),
    // evmove::log
    host("log", "log0", 2, NOTHING, gas::LOG, log::log),
    host("log", "log1", 3, NOTHING, gas::LOG, log::log),
    host("log", "log2", 4, NOTHING, gas::LOG, log::log),
    host("log", "log3", 5, NOTHING, gas::LOG, log::log),
    host("log", "log4", 6, NOTHING, gas::LOG, log::log),
    // evmove::halt
    host("halt", "stop", 0, NOTHING, 0, halt::stop),
    host("halt", "ret", 2, NOTHING, 0, halt::ret),
    host("halt", "revert", 2, NOTHING, 0, halt::revert),
    host("halt", "invalid", 0, NOTHING, 0, halt::invalid),
    host("halt", "selfdestruct", 1, NOTHING, 0, halt::selfdestruct),
    // evmove::call
    host("call", "call", 7, WORD, gas::WARM_ACCESS, call::call),
    host("call", "callcode", 7, WORD, gas::WARM_ACCESS, call::callcode),
    host("call", "delegatecall", 6, WORD, gas::WARM_ACCESS, call::delegatecall),
    host("call", "staticcall", 6, WORD, gas::WARM_ACCESS, call::staticcall),
    host("call", "create", 3, WORD, gas::CREATE, call::create),
    host("call", "create2", 4, WORD, gas::CREATE, call::create2),
    // evmove::abi
    abi("address_to_word", 0, abi::Op::AddressToWord),
    abi("to_bcs", 0, abi::Op::ToBcs),
    abi("put_call", gas::VERY_LOW, abi::Op::PutCall),
    abi("result_at", gas::VERY_LOW, abi::Op::ResultAt),
];

/// EVM static gas tiers used only by the table.
const LOW: u64 = 5;
const MID: u64 = 8;
const EXP: u64 = 10;

/// The natives of [`NATIVES`] at the shim library's address, for `MoveVM::new`.
pub fn table() -> NativeFunctionTable {
    NATIVES
        .iter()
        .map(|native| {
            (
                stdlib::address(),
                Identifier::new(native.module).expect("module names in NATIVES are identifiers"),
                Identifier::new(native.name).expect("native names in NATIVES are identifiers"),
                native.native(),
            )
        })
        .collect()
}
