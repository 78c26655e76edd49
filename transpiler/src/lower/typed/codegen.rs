//! The code of a typed entry: its Move signature and its straight-line body over
//! `evmove::abi`, whose natives and Move functions it declares from the shim table.

use evmove_word::shim::{
    abi_types::{tuple_text, MoveForm},
    natives::{ABI_CALL, PUT_CALL, RESULT_AT, TO_BCS, U256_ZERO},
    U256_STRUCT,
};
use move_binary_format::file_format::{Ability, AbilitySet, Bytecode, SignatureToken};

use super::{
    super::{
        module_builder::ModuleBuilder,
        natives::{function_handle, ident, native_handle, token},
        SHIM_ADDRESS,
    },
    entry::TypedEntry,
};

/// The handles a typed entry's code calls, made on first use.
pub struct Helpers {
    u256: SignatureToken,
}

impl Helpers {
    /// Declares the `U256` struct in `builder`.
    pub fn new(builder: &mut ModuleBuilder) -> Self {
        let abilities = match U256_STRUCT.copy_drop_store {
            true => AbilitySet::EMPTY | Ability::Copy | Ability::Drop | Ability::Store,
            false => AbilitySet::EMPTY,
        };
        let u256 = builder.struct_handle(
            SHIM_ADDRESS,
            &ident(U256_STRUCT.module),
            &ident(U256_STRUCT.name),
            abilities,
        );
        Self {
            u256: SignatureToken::Struct(u256),
        }
    }

    /// The signature token of a flattened ABI value of Move type `form`.
    fn token(&self, form: MoveForm) -> SignatureToken {
        let scalar = token(form.scalar.move_type(), Some(&self.u256));
        (0..form.vectors).fold(scalar, |inner, _| SignatureToken::Vector(Box::new(inner)))
    }

    /// The Move parameter types of `entry`: the contract, the arguments, then `value` if it
    /// is payable.
    pub fn params(&self, entry: &TypedEntry) -> Vec<SignatureToken> {
        let mut params = vec![SignatureToken::Address];
        params.extend(entry.param_types.iter().map(|&ty| self.token(ty)));
        if entry.payable {
            params.push(self.u256.clone());
        }
        params
    }

    /// The Move result types of `entry`.
    pub fn returns(&self, entry: &TypedEntry) -> Vec<SignatureToken> {
        (entry.result_types.iter())
            .map(|&ty| self.token(ty))
            .collect()
    }

    /// The code of `entry` (it has no locals beyond its parameters).
    pub fn code(&self, entry: &TypedEntry, builder: &mut ModuleBuilder) -> Vec<Bytecode> {
        let bytes = SignatureToken::Vector(Box::new(SignatureToken::U8));
        // The arguments of `call`: the contract, the value, then the calldata's size.
        let mut code = vec![Bytecode::MoveLoc(0)];
        let value = 1 + entry.param_types.len();
        if entry.payable {
            code.push(Bytecode::MoveLoc(local(value)));
        } else {
            let zero = function_handle(builder, &U256_ZERO, &self.u256);
            code.push(Bytecode::Call(zero));
        }
        let param_types = builder.bytes_constant(tuple_text(&entry.params).as_bytes());
        code.extend([
            Bytecode::LdU64(u64::from(entry.selector)),
            Bytecode::LdConst(param_types),
        ]);
        let to_bcs = native_handle(builder, &TO_BCS);
        for (index, &ty) in entry.param_types.iter().enumerate() {
            let to_bcs = builder.function_instantiation(to_bcs, vec![self.token(ty)]);
            code.extend([
                Bytecode::MoveLoc(local(1 + index)),
                Bytecode::CallGeneric(to_bcs),
            ]);
        }
        let args = builder.signature(vec![bytes]);
        code.push(Bytecode::VecPack(args, entry.param_types.len() as u64));
        let put_call = native_handle(builder, &PUT_CALL);
        let call = function_handle(builder, &ABI_CALL, &self.u256);
        code.extend([Bytecode::Call(put_call), Bytecode::Call(call)]);
        if !entry.result_types.is_empty() {
            let result_types = builder.bytes_constant(tuple_text(&entry.results).as_bytes());
            let result_at = native_handle(builder, &RESULT_AT);
            for (index, &ty) in entry.result_types.iter().enumerate() {
                let result_at = builder.function_instantiation(result_at, vec![self.token(ty)]);
                code.extend([
                    Bytecode::LdConst(result_types),
                    Bytecode::LdU64(index as u64),
                    Bytecode::CallGeneric(result_at),
                ]);
            }
        }
        code.push(Bytecode::Ret);
        code
    }
}

/// Local `index` (below 255: see [`super::MAX_PARAMS`]).
fn local(index: usize) -> u8 {
    u8::try_from(index).expect("typed entries have fewer than 256 parameters")
}
