//! The natives of the shim library: [`NATIVES`] pairs each row of the shim table
//! (`evmove_word::shim::natives`: the Move module of `stdlib/sources/` that declares it, its
//! name and its shapes) with its implementation; [`table`] turns that list into the table
//! `MoveVM::new` takes. Names and shapes are the table's, never written here; a test (`tests/tests/shim_interface.rs` in `evmove-tests`) checks the
//! table against the `native fun` declarations of the compiled shim library.
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
//!   effect). The EVM's static gas of each opcode is not the natives': transpiled code
//!   charges it per section of EVM code through [`gas`]'s natives; host natives charge their
//!   dynamic costs and the fork-priced opcodes' static gas (`host::gas` describes who
//!   charges what).
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
pub mod direct;
pub mod env;
pub mod frame;
pub mod gas;
pub mod halt;
pub mod log;
pub mod memory;
pub mod storage;
pub mod word;

use std::sync::LazyLock;

use evmove_word::shim::{
    module::{ABI, ARITH, CALL, ENV, GAS, HALT, LOG, MEMORY, STORAGE},
    Native,
};
use move_core_types::identifier::Identifier;
use move_vm_runtime::native_functions::{NativeFunction, NativeFunctionTable};

use crate::stdlib;
use frame::HostFn;

/// One native of the shim library: its row of the shim table and its implementation.
#[derive(Clone, Copy, Debug)]
pub struct NativeDecl {
    /// Its row: the Move module declaring it, its name and its shapes.
    pub row: &'static Native,
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
    /// A native of `evmove::gas`, charging the frame's gas.
    Gas(gas::Op),
    /// An operation on the frame or the host, taking and returning words as its row says.
    Host(HostFn),
}

impl NativeDecl {
    fn native(&self) -> NativeFunction {
        match self.op {
            Op::Arith(op) => op.native(),
            Op::Abi(op) => op.native(),
            Op::Gas(op) => op.native(),
            Op::Host(run) => {
                let shape = frame::Shape {
                    words_in: self.row.words_in(),
                    result: self.row.result,
                    charged: self.row.charged,
                };
                frame::native(shape, run)
            }
        }
    }
}

/// Every native of the shim library, each once: the rows of the shim table
/// (`evmove_word::shim::NATIVES`), in its order, each with its implementation (a charged
/// form's is its native's: the adapters charge the section first).
pub static NATIVES: LazyLock<Vec<NativeDecl>> = LazyLock::new(|| {
    (evmove_word::shim::NATIVES.iter())
        .map(|row| NativeDecl {
            row,
            op: implementation(row.uncharged())
                .unwrap_or_else(|| panic!("no implementation of {}::{}", row.module, row.name)),
        })
        .collect()
});

/// The implementation of the native of `row`, by its module and name.
#[rustfmt::skip]
fn implementation(row: &Native) -> Option<Op> {
    use arith::Op::{Binary, BinaryTest, Ternary, Unary, UnaryTest};
    use Op::{Abi, Arith, Gas, Host};
    Some(match (row.module, row.name) {
        (ARITH, "add") => Arith(Binary(arith::add)),
        (ARITH, "sub") => Arith(Binary(arith::sub)),
        (ARITH, "mul") => Arith(Binary(arith::mul)),
        (ARITH, "div") => Arith(Binary(arith::div)),
        (ARITH, "sdiv") => Arith(Binary(arith::sdiv)),
        (ARITH, "mod") => Arith(Binary(arith::rem)),
        (ARITH, "smod") => Arith(Binary(arith::smod)),
        (ARITH, "addmod") => Arith(Ternary(arith::addmod)),
        (ARITH, "mulmod") => Arith(Ternary(arith::mulmod)),
        (ARITH, "exp") => Arith(Binary(arith::exp)),
        (ARITH, "signextend") => Arith(Binary(arith::signextend)),
        (ARITH, "lt") => Arith(BinaryTest(arith::lt)),
        (ARITH, "gt") => Arith(BinaryTest(arith::gt)),
        (ARITH, "slt") => Arith(BinaryTest(arith::slt)),
        (ARITH, "sgt") => Arith(BinaryTest(arith::sgt)),
        (ARITH, "eq") => Arith(BinaryTest(arith::eq)),
        (ARITH, "iszero") => Arith(UnaryTest(arith::iszero)),
        (ARITH, "and") => Arith(Binary(arith::and)),
        (ARITH, "or") => Arith(Binary(arith::or)),
        (ARITH, "xor") => Arith(Binary(arith::xor)),
        (ARITH, "not") => Arith(Unary(arith::not)),
        (ARITH, "byte") => Arith(Binary(arith::byte)),
        (ARITH, "shl") => Arith(Binary(arith::shl)),
        (ARITH, "shr") => Arith(Binary(arith::shr)),
        (ARITH, "sar") => Arith(Binary(arith::sar)),
        (ARITH, "clz") => Arith(Unary(arith::clz)),
        (MEMORY, "mload") => Host(memory::mload),
        (MEMORY, "mstore") => Host(memory::mstore),
        (MEMORY, "mstore8") => Host(memory::mstore8),
        (MEMORY, "msize") => Host(memory::msize),
        (MEMORY, "mcopy") => Host(memory::mcopy),
        (MEMORY, "keccak256") => Host(memory::keccak),
        (MEMORY, "init_free_pointer") => Host(memory::init_free_pointer),
        (MEMORY, "keccak_slot") => Host(memory::keccak_slot),
        (MEMORY, "keccak_key") => Host(memory::keccak_key),
        (STORAGE, "sload") => Host(storage::sload),
        (STORAGE, "sstore") => Host(storage::sstore),
        (STORAGE, "tload") => Host(storage::tload),
        (STORAGE, "tstore") => Host(storage::tstore),
        (ENV, "self_address") => Host(env::address),
        (ENV, "origin") => Host(env::origin),
        (ENV, "caller") => Host(env::caller),
        (ENV, "callvalue") => Host(env::callvalue),
        (ENV, "no_callvalue") => Host(env::no_callvalue),
        (ENV, "calldatasize") => Host(env::calldatasize),
        (ENV, "codesize") => Host(env::codesize),
        (ENV, "gasprice") => Host(env::gasprice),
        (ENV, "returndatasize") => Host(env::returndatasize),
        (ENV, "coinbase") => Host(env::coinbase),
        (ENV, "timestamp") => Host(env::timestamp),
        (ENV, "number") => Host(env::number),
        (ENV, "prevrandao") => Host(env::prevrandao),
        (ENV, "gaslimit") => Host(env::gaslimit),
        (ENV, "chainid") => Host(env::chainid),
        (ENV, "selfbalance") => Host(env::selfbalance),
        (ENV, "basefee") => Host(env::basefee),
        (ENV, "blobbasefee") => Host(env::blobbasefee),
        (ENV, "gas") => Host(env::gas),
        (ENV, "balance") => Host(env::balance),
        (ENV, "calldataload") => Host(env::calldataload),
        (ENV, "selector") => Host(env::selector),
        (ENV, "extcodesize") => Host(env::extcodesize),
        (ENV, "extcodehash") => Host(env::extcodehash),
        (ENV, "blockhash") => Host(env::blockhash),
        (ENV, "blobhash") => Host(env::blobhash),
        (ENV, "calldatacopy") => Host(env::calldatacopy),
        (ENV, "codecopy") => Host(env::codecopy),
        (ENV, "returndatacopy") => Host(env::returndatacopy),
        (ENV, "extcodecopy") => Host(env::extcodecopy),
        (LOG, "log0" | "log1" | "log2" | "log3" | "log4") => Host(log::log),
        (LOG, "log0_word" | "log1_word" | "log2_word" | "log3_word" | "log4_word") => {
            Host(log::log_word)
        }
        (HALT, "stop") => Host(halt::stop),
        (HALT, "ret") => Host(halt::ret),
        (HALT, "revert") => Host(halt::revert),
        (HALT, "invalid") => Host(halt::invalid),
        (HALT, "selfdestruct") => Host(halt::selfdestruct),
        (HALT, "ret_word") => Host(halt::ret_word),
        (CALL, "call") => Host(call::call),
        (CALL, "callcode") => Host(call::callcode),
        (CALL, "delegatecall") => Host(call::delegatecall),
        (CALL, "staticcall") => Host(call::staticcall),
        (CALL, "create") => Host(call::create),
        (CALL, "create2") => Host(call::create2),
        (GAS, "charge") => Gas(gas::Op::Charge),
        (GAS, "charge_exp") => Gas(gas::Op::ChargeExp),
        (GAS, "gas_left") => Gas(gas::Op::Left),
        (GAS, "fork") => Gas(gas::Op::Fork),
        (GAS, "settle") => Gas(gas::Op::Settle),
        (ABI, "address_to_word") => Abi(abi::Op::AddressToWord),
        (ABI, "to_bcs") => Abi(abi::Op::ToBcs),
        (ABI, "put_call") => Abi(abi::Op::PutCall),
        (ABI, "result_at") => Abi(abi::Op::ResultAt),
        _ => return None,
    })
}

/// The natives of [`NATIVES`] at the shim library's address, for `MoveVM::new`.
pub fn table() -> NativeFunctionTable {
    NATIVES
        .iter()
        .map(|native| {
            (
                stdlib::address(),
                Identifier::new(native.row.module).expect("the shim table's names are identifiers"),
                Identifier::new(native.row.name).expect("the shim table's names are identifiers"),
                native.native(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use evmove_word::shim::Results;

    /// Each row's implementation has the row's shape: an arithmetic operation takes its
    /// words and gives a word or a bool, a host operation gives a word or nothing, the abi
    /// natives are `evmove::abi`'s.
    #[test]
    fn every_row_has_an_implementation_of_its_shape() {
        assert_eq!(NATIVES.len(), evmove_word::shim::NATIVES.len());
        for native in NATIVES.iter() {
            let row = native.row;
            match native.op {
                Op::Arith(op) => {
                    assert_eq!(row.module, ARITH, "{}", row.name);
                    assert_eq!(op.words_in(), row.words_in(), "{}", row.name);
                    let result = match op.returns_word() {
                        true => Results::Word,
                        false => Results::Bool,
                    };
                    assert_eq!(result, row.result, "{}", row.name);
                }
                Op::Host(_) => {
                    assert!(row.words_in() <= frame::MAX_WORDS, "{}", row.name);
                    let shape = matches!(
                        row.result,
                        Results::Word | Results::Narrow | Results::Bool | Results::Nothing
                    );
                    assert!(shape && row.type_params == 0, "{}", row.name);
                    let fused = evmove_word::shim::natives::FUSED.contains(row.uncharged());
                    assert!(row.opcode.is_some() || fused, "{}", row.name);
                    assert!(row.reaches_host(), "{}", row.name);
                }
                Op::Abi(_) => assert_eq!(row.module, ABI, "{}", row.name),
                Op::Gas(op) => {
                    assert_eq!(row.module, GAS, "{}", row.name);
                    let result = match op {
                        gas::Op::Left | gas::Op::Fork => {
                            Results::Values(&[evmove_word::shim::MoveType::U64])
                        }
                        _ => Results::Nothing,
                    };
                    assert_eq!(row.result, result, "{}", row.name);
                }
            }
        }
    }
}
