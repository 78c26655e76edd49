//! The module level of lowering: a `CompiledModule` whose pools (identifiers, addresses,
//! module and function handles, function instantiations, signatures, constants) are interned, so each entry appears once, as the
//! verifier's duplication checker requires, and in first-use order, so the bytes are
//! deterministic.

use std::collections::HashMap;

use move_binary_format::file_format::{
    AbilitySet, AddressIdentifierIndex, CodeUnit, CompiledModule, Constant, ConstantPoolIndex,
    FunctionDefinition, FunctionHandle, FunctionHandleIndex, FunctionInstantiation,
    FunctionInstantiationIndex, IdentifierIndex, ModuleHandle, ModuleHandleIndex, Signature,
    SignatureIndex, SignatureToken, StructHandle, StructHandleIndex, Visibility,
};
use move_binary_format::file_format_common::VERSION_5;
use move_core_types::{account_address::AccountAddress, identifier::Identifier};

/// A module being built.
pub struct ModuleBuilder {
    module: CompiledModule,
    identifiers: HashMap<Identifier, IdentifierIndex>,
    addresses: HashMap<AccountAddress, AddressIdentifierIndex>,
    modules: HashMap<(AccountAddress, Identifier), ModuleHandleIndex>,
    signatures: HashMap<Vec<SignatureToken>, SignatureIndex>,
    functions: HashMap<(ModuleHandleIndex, Identifier), FunctionHandleIndex>,
    structs: HashMap<(ModuleHandleIndex, Identifier), StructHandleIndex>,
    instantiations: HashMap<(FunctionHandleIndex, SignatureIndex), FunctionInstantiationIndex>,
    constants: HashMap<Vec<u8>, ConstantPoolIndex>,
}

impl ModuleBuilder {
    /// An empty module `address::name`.
    pub fn new(address: AccountAddress, name: &Identifier) -> Self {
        let mut builder = Self {
            module: CompiledModule {
                version: VERSION_5,
                self_module_handle_idx: ModuleHandleIndex(0),
                module_handles: Vec::new(),
                struct_handles: Vec::new(),
                function_handles: Vec::new(),
                field_handles: Vec::new(),
                friend_decls: Vec::new(),
                struct_def_instantiations: Vec::new(),
                function_instantiations: Vec::new(),
                field_instantiations: Vec::new(),
                signatures: Vec::new(),
                identifiers: Vec::new(),
                address_identifiers: Vec::new(),
                constant_pool: Vec::new(),
                metadata: Vec::new(),
                struct_defs: Vec::new(),
                function_defs: Vec::new(),
            },
            identifiers: HashMap::new(),
            addresses: HashMap::new(),
            modules: HashMap::new(),
            signatures: HashMap::new(),
            functions: HashMap::new(),
            structs: HashMap::new(),
            instantiations: HashMap::new(),
            constants: HashMap::new(),
        };
        builder.module_handle(address, name);
        builder
    }

    /// The signature `tokens`, interned.
    pub fn signature(&mut self, tokens: Vec<SignatureToken>) -> SignatureIndex {
        let signatures = &mut self.module.signatures;
        *self.signatures.entry(tokens).or_insert_with_key(|tokens| {
            signatures.push(Signature(tokens.clone()));
            SignatureIndex(pool_index(signatures.len() - 1))
        })
    }

    /// A handle of function `name` of module `address::module` (this module if it is the
    /// one being built), with its signature.
    pub fn function_handle(
        &mut self,
        address: AccountAddress,
        module: &Identifier,
        name: &Identifier,
        parameters: Vec<SignatureToken>,
        returns: Vec<SignatureToken>,
    ) -> FunctionHandleIndex {
        self.generic_function_handle(address, module, name, vec![], parameters, returns)
    }

    /// A handle of generic function `name` of module `address::module`, whose type
    /// parameters have `type_parameters`' abilities, with its signature.
    pub fn generic_function_handle(
        &mut self,
        address: AccountAddress,
        module: &Identifier,
        name: &Identifier,
        type_parameters: Vec<AbilitySet>,
        parameters: Vec<SignatureToken>,
        returns: Vec<SignatureToken>,
    ) -> FunctionHandleIndex {
        let module = self.module_handle(address, module);
        if let Some(&handle) = self.functions.get(&(module, name.clone())) {
            return handle;
        }
        let handle = FunctionHandle {
            module,
            name: self.identifier(name),
            parameters: self.signature(parameters),
            return_: self.signature(returns),
            type_parameters,
        };
        self.module.function_handles.push(handle);
        let index = FunctionHandleIndex(pool_index(self.module.function_handles.len() - 1));
        self.functions.insert((module, name.clone()), index);
        index
    }

    /// Generic function `handle` with type arguments `type_arguments`, for `CallGeneric`.
    pub fn function_instantiation(
        &mut self,
        handle: FunctionHandleIndex,
        type_arguments: Vec<SignatureToken>,
    ) -> FunctionInstantiationIndex {
        let type_parameters = self.signature(type_arguments);
        let instantiations = &mut self.module.function_instantiations;
        *(self.instantiations.entry((handle, type_parameters))).or_insert_with(|| {
            instantiations.push(FunctionInstantiation {
                handle,
                type_parameters,
            });
            FunctionInstantiationIndex(pool_index(instantiations.len() - 1))
        })
    }

    /// The constant `vector<u8>` `bytes`, for `LdConst`.
    pub fn bytes_constant(&mut self, bytes: &[u8]) -> ConstantPoolIndex {
        let constants = &mut self.module.constant_pool;
        *self.constants.entry(bytes.to_vec()).or_insert_with(|| {
            let value = move_core_types::value::MoveValue::vector_u8(bytes.to_vec());
            constants.push(Constant {
                type_: SignatureToken::Vector(Box::new(SignatureToken::U8)),
                data: value.simple_serialize().expect("a vector<u8> serializes"),
            });
            ConstantPoolIndex(pool_index(constants.len() - 1))
        })
    }

    /// A handle of struct `name` of module `address::module`, which has `abilities` and no
    /// type parameters.
    pub fn struct_handle(
        &mut self,
        address: AccountAddress,
        module: &Identifier,
        name: &Identifier,
        abilities: AbilitySet,
    ) -> StructHandleIndex {
        let module = self.module_handle(address, module);
        if let Some(&handle) = self.structs.get(&(module, name.clone())) {
            return handle;
        }
        let handle = StructHandle {
            module,
            name: self.identifier(name),
            abilities,
            type_parameters: Vec::new(),
        };
        self.module.struct_handles.push(handle);
        let index = StructHandleIndex(pool_index(self.module.struct_handles.len() - 1));
        self.structs.insert((module, name.clone()), index);
        index
    }

    /// Defines the function behind `handle` (a handle of this module).
    pub fn define_function(
        &mut self,
        handle: FunctionHandleIndex,
        visibility: Visibility,
        locals: Vec<SignatureToken>,
        code: Vec<move_binary_format::file_format::Bytecode>,
    ) {
        let locals = self.signature(locals);
        self.module.function_defs.push(FunctionDefinition {
            function: handle,
            visibility,
            is_entry: false,
            acquires_global_resources: Vec::new(),
            code: Some(CodeUnit { locals, code }),
        });
    }

    /// The module built.
    pub fn finish(self) -> CompiledModule {
        self.module
    }

    fn module_handle(&mut self, address: AccountAddress, name: &Identifier) -> ModuleHandleIndex {
        if let Some(&handle) = self.modules.get(&(address, name.clone())) {
            return handle;
        }
        let handle = ModuleHandle {
            address: self.address(address),
            name: self.identifier(name),
        };
        self.module.module_handles.push(handle);
        let index = ModuleHandleIndex(pool_index(self.module.module_handles.len() - 1));
        self.modules.insert((address, name.clone()), index);
        index
    }

    fn identifier(&mut self, name: &Identifier) -> IdentifierIndex {
        let identifiers = &mut self.module.identifiers;
        *self.identifiers.entry(name.clone()).or_insert_with(|| {
            identifiers.push(name.clone());
            IdentifierIndex(pool_index(identifiers.len() - 1))
        })
    }

    fn address(&mut self, address: AccountAddress) -> AddressIdentifierIndex {
        let addresses = &mut self.module.address_identifiers;
        *self.addresses.entry(address).or_insert_with(|| {
            addresses.push(address);
            AddressIdentifierIndex(pool_index(addresses.len() - 1))
        })
    }
}

/// A pool index: pools are bounded by the number of functions and natives, far below 2^16.
fn pool_index(index: usize) -> u16 {
    u16::try_from(index).expect("a module's pools stay below 2^16 entries")
}
