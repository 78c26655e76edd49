//! The natives of the shim library: [`NATIVES`] lists each one once, with the Move module of
//! `stdlib/sources/` that declares it, its name, its placeholder cost and its implementation;
//! [`table`] turns that list into the table `MoveVM::new` takes. A test
//! (`tests/native_table.rs`) checks that the `native fun` declarations of the compiled shim
//! library are exactly this list, with the signatures [`NativeDecl::params`] and
//! [`NativeDecl::returns`] give, so the two cannot drift apart.
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
//! - `cost` is charged to the session's gas meter after the call. **The costs below are
//!   placeholders** (the EVM's static gas of the opcode) until the gas-model issue defines
//!   the Move gas schedule and how a native's cost relates to it.
//! - A module declaring a native the VM was not given fails to publish and to load
//!   (`MISSING_DEPENDENCY`), so every VM that runs transpiled code is built with [`table`].

pub mod arith;
pub mod word;

use move_binary_format::file_format::SignatureToken;
use move_core_types::{gas_algebra::InternalGas, identifier::Identifier};
use move_vm_runtime::native_functions::NativeFunctionTable;

use crate::stdlib;
use arith::Op;

/// One native of the shim library.
#[derive(Clone, Copy, Debug)]
pub struct NativeDecl {
    /// The Move module declaring it, at the shim library's address.
    pub module: &'static str,
    /// Its name in that module.
    pub name: &'static str,
    /// The gas it charges per call (a placeholder: see the module doc).
    pub cost: u64,
    /// What it computes.
    pub op: Op,
}

impl NativeDecl {
    /// The Move parameter types: two u128 halves, `hi` then `lo`, per word.
    pub fn params(&self) -> Vec<SignatureToken> {
        vec![SignatureToken::U128; 2 * self.op.words_in()]
    }

    /// The Move result types: `(u128, u128)` for a word, `bool` for a test.
    pub fn returns(&self) -> Vec<SignatureToken> {
        if self.op.returns_word() {
            vec![SignatureToken::U128; 2]
        } else {
            vec![SignatureToken::Bool]
        }
    }
}

/// Placeholder costs: the EVM's static gas for the opcode (see the module doc).
const VERY_LOW: u64 = 3;
const LOW: u64 = 5;
const MID: u64 = 8;
const EXP: u64 = 10;

const fn arith(name: &'static str, cost: u64, op: Op) -> NativeDecl {
    NativeDecl {
        module: "arith",
        name,
        cost,
        op,
    }
}

/// Every native of the shim library, each once.
pub const NATIVES: &[NativeDecl] = &[
    arith("add", VERY_LOW, Op::Binary(arith::add)),
    arith("sub", VERY_LOW, Op::Binary(arith::sub)),
    arith("mul", LOW, Op::Binary(arith::mul)),
    arith("div", LOW, Op::Binary(arith::div)),
    arith("sdiv", LOW, Op::Binary(arith::sdiv)),
    arith("mod", LOW, Op::Binary(arith::rem)),
    arith("smod", LOW, Op::Binary(arith::smod)),
    arith("addmod", MID, Op::Ternary(arith::addmod)),
    arith("mulmod", MID, Op::Ternary(arith::mulmod)),
    arith("exp", EXP, Op::Binary(arith::exp)),
    arith("signextend", LOW, Op::Binary(arith::signextend)),
    arith("lt", VERY_LOW, Op::BinaryTest(arith::lt)),
    arith("gt", VERY_LOW, Op::BinaryTest(arith::gt)),
    arith("slt", VERY_LOW, Op::BinaryTest(arith::slt)),
    arith("sgt", VERY_LOW, Op::BinaryTest(arith::sgt)),
    arith("eq", VERY_LOW, Op::BinaryTest(arith::eq)),
    arith("iszero", VERY_LOW, Op::UnaryTest(arith::iszero)),
    arith("and", VERY_LOW, Op::Binary(arith::and)),
    arith("or", VERY_LOW, Op::Binary(arith::or)),
    arith("xor", VERY_LOW, Op::Binary(arith::xor)),
    arith("not", VERY_LOW, Op::Unary(arith::not)),
    arith("byte", VERY_LOW, Op::Binary(arith::byte)),
    arith("shl", VERY_LOW, Op::Binary(arith::shl)),
    arith("shr", VERY_LOW, Op::Binary(arith::shr)),
    arith("sar", VERY_LOW, Op::Binary(arith::sar)),
];

/// The natives of [`NATIVES`] at the shim library's address, for `MoveVM::new`.
pub fn table() -> NativeFunctionTable {
    NATIVES
        .iter()
        .map(|native| {
            (
                stdlib::address(),
                Identifier::new(native.module).expect("module names in NATIVES are identifiers"),
                Identifier::new(native.name).expect("native names in NATIVES are identifiers"),
                native.op.native(InternalGas::new(native.cost)),
            )
        })
        .collect()
}
