//! The shim library's natives as the lowering calls them: a reader of the native table
//! (`evmove_word::shim::natives`), which says for each EVM operation the Move module and
//! function of `stdlib/sources/` that performs it, with its shape. Here the table's Move
//! types become signature tokens.
//!
//! A test in `tests/` (`shim_interface.rs`) checks the table, with the tokens made here,
//! against the compiled shim library, so the two cannot drift apart.

use move_binary_format::file_format::{AbilitySet, FunctionHandleIndex, SignatureToken};
use move_core_types::identifier::Identifier;
use revm_bytecode::opcode::OpCode;

pub use evmove_word::shim::{
    natives::{
        MoveFunction, Native, CHARGE, CHARGE_EXP, FORK, FUSED, GAS_LEFT, INIT_FREE_POINTER,
        KECCAK_KEY, KECCAK_SLOT, LOG_WORD, NO_CALLVALUE, RET_WORD, SELECTOR, SETTLE,
    },
    MoveType, Results as NativeResult,
};

use super::{module_builder::ModuleBuilder, SHIM_ADDRESS};

/// The module of the natives computing on words alone: they neither abort nor read the gas
/// or the state, and the lowering emits some of them as Move arithmetic that does not either.
pub const PURE: &str = evmove_word::shim::module::ARITH;

/// The native performing `op`, or `None` for operations the IR never holds as operations
/// (stack, jumps, constants, JUMPDEST) and undefined opcodes.
pub fn native_for(op: OpCode) -> Option<&'static Native> {
    evmove_word::shim::natives::native_for(op.get())
}

/// Every native the lowering may call for an EVM operation, a sequence of them or a gas
/// charge (alone or with the native after it), each once.
pub fn all() -> impl Iterator<Item = &'static Native> {
    (evmove_word::shim::NATIVES.iter()).filter(|native| {
        native.opcode.is_some()
            || native.module == CHARGE.module
            || FUSED.contains(native)
            || native.charged
    })
}

/// The signature token of `ty`; `u256` is that of the `evmove::u256::U256` struct, which a
/// module declares before it names the type.
pub fn token(ty: MoveType, u256: Option<&SignatureToken>) -> SignatureToken {
    match ty {
        MoveType::Bool => SignatureToken::Bool,
        MoveType::U8 => SignatureToken::U8,
        MoveType::U64 => SignatureToken::U64,
        MoveType::U128 => SignatureToken::U128,
        MoveType::Address => SignatureToken::Address,
        MoveType::U256 => u256
            .expect("the U256 struct is declared before a signature names it")
            .clone(),
        MoveType::Vector(element) => SignatureToken::Vector(Box::new(token(*element, u256))),
        MoveType::TypeParameter(index) => SignatureToken::TypeParameter(index),
    }
}

/// The signature tokens of `types`.
pub fn tokens(types: &[MoveType], u256: Option<&SignatureToken>) -> Vec<SignatureToken> {
    types.iter().map(|&ty| token(ty, u256)).collect()
}

/// `native`'s Move parameter types.
pub fn params(native: &Native) -> Vec<SignatureToken> {
    tokens(&native.params(), None)
}

/// `native`'s Move result types.
pub fn returns(native: &Native) -> Vec<SignatureToken> {
    tokens(&native.returns(), None)
}

/// The abilities `native`'s type parameters require: none.
pub fn type_parameters(native: &Native) -> Vec<AbilitySet> {
    vec![AbilitySet::EMPTY; native.type_params]
}

/// The handle of `native` in `builder`'s module.
pub fn native_handle(builder: &mut ModuleBuilder, native: &Native) -> FunctionHandleIndex {
    let (module, name) = (ident(native.module), ident(native.name));
    let (params, returns) = (params(native), returns(native));
    match native.type_params {
        0 => builder.function_handle(SHIM_ADDRESS, &module, &name, params, returns),
        _ => builder.generic_function_handle(
            SHIM_ADDRESS,
            &module,
            &name,
            type_parameters(native),
            params,
            returns,
        ),
    }
}

/// The handle of the shim library's Move function `function` in `builder`'s module; `u256`
/// is the `U256` struct's token.
pub fn function_handle(
    builder: &mut ModuleBuilder,
    function: &MoveFunction,
    u256: &SignatureToken,
) -> FunctionHandleIndex {
    builder.function_handle(
        SHIM_ADDRESS,
        &ident(function.module),
        &ident(function.name),
        tokens(function.params, Some(u256)),
        tokens(function.returns, Some(u256)),
    )
}

/// The identifier `name` of the table (its module and function names are identifiers).
pub(super) fn ident(name: &str) -> Identifier {
    Identifier::new(name).expect("the shim table's names are identifiers")
}
