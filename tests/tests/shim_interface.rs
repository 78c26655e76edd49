//! The shim table (`evmove_word::shim`) is what the compiled shim library (`stdlib/`)
//! declares, as both readers use it: every `native fun` of `stdlib/` is a row of the table
//! and every row is declared, with the signature the lowering calls it with
//! (`evmove::lower::natives`); the shim library's Move functions and `U256` struct the typed
//! entries use are declared as the table says; `evmove::abi`'s abort-code constants are the
//! table's; and the Move types the compiler declares typed entries with are those the
//! runtime converts values to. (The runtime pairs every row with an implementation:
//! `runtime-shim/tests/native_table.rs`.)

use std::collections::BTreeMap;

use alloy_dyn_abi::{DynSolType, Specifier};
use alloy_json_abi::JsonAbi;
use evmove::{
    lower::{natives, typed::TypedEntries, SHIM_ADDRESS},
    pipeline::compile_code,
};
use evmove_runtime::{abi_value, stdlib};
use evmove_word::shim::{self, natives::MOVE_FUNCTIONS, AbortCode, MoveType, U256_STRUCT};
use move_binary_format::{
    access::ModuleAccess,
    file_format::{
        Ability, AbilitySet, FieldDefinition, SignatureToken, StructDefinition,
        StructFieldInformation, StructHandleIndex, Visibility,
    },
    CompiledModule,
};
use move_core_types::{
    account_address::AccountAddress,
    value::{MoveStructLayout, MoveTypeLayout},
};

/// A Move signature: (type parameters' abilities, parameter types, result types), structs
/// by `module::name`.
type Signature = (Vec<AbilitySet>, Vec<String>, Vec<String>);

/// The compiled shim library's modules, by name.
fn stdlib_modules() -> BTreeMap<&'static str, CompiledModule> {
    (stdlib::modules())
        .map(|m| (m.name, CompiledModule::deserialize(m.bytes).unwrap()))
        .collect()
}

/// `token` of `module` spelled out, a struct as `module::name` (so that tokens of different
/// modules compare).
fn spell(module: &CompiledModule, token: &SignatureToken) -> String {
    spell_with(token, &|handle| {
        let handle = module.struct_handle_at(handle);
        let owner = module.identifier_at(module.module_handle_at(handle.module).name);
        format!("{owner}::{}", module.identifier_at(handle.name))
    })
}

/// `token` spelled out, its structs by `name_of`.
fn spell_with(token: &SignatureToken, name_of: &dyn Fn(StructHandleIndex) -> String) -> String {
    match token {
        SignatureToken::Struct(handle) => name_of(*handle),
        SignatureToken::Vector(element) => format!("vector<{}>", spell_with(element, name_of)),
        other => format!("{other:?}"),
    }
}

/// The table's Move type `ty` as the lowering declares it, spelled out.
fn spell_tabled(ty: MoveType) -> String {
    let u256 = SignatureToken::Struct(StructHandleIndex(0));
    let token = natives::token(ty, Some(&u256));
    spell_with(&token, &|_| {
        format!("{}::{}", U256_STRUCT.module, U256_STRUCT.name)
    })
}

/// The public functions of the shim library, by (module, name): whether each is native, and
/// its signature.
fn declared_functions() -> BTreeMap<(String, String), (bool, Signature)> {
    let mut declared = BTreeMap::new();
    for (name, module) in &stdlib_modules() {
        for definition in module.function_defs() {
            let handle = module.function_handle_at(definition.function);
            let function = module.identifier_at(handle.name).to_string();
            if definition.visibility != Visibility::Public {
                assert!(
                    !definition.is_native(),
                    "{name}::{function}: transpiled modules must be able to call it"
                );
                continue;
            }
            let spelled = |index| {
                let tokens = &module.signature_at(index).0;
                tokens.iter().map(|t| spell(module, t)).collect::<Vec<_>>()
            };
            let signature = (
                handle.type_parameters.clone(),
                spelled(handle.parameters),
                spelled(handle.return_),
            );
            let key = (name.to_string(), function);
            declared.insert(key, (definition.is_native(), signature));
        }
    }
    declared
}

#[test]
fn the_shim_library_is_at_the_tables_address() {
    assert_eq!(stdlib::address(), SHIM_ADDRESS);
    assert_eq!(SHIM_ADDRESS.into_bytes(), shim::ADDRESS.into_array());
}

/// Fails if `stdlib/` declares a native the table lacks, lacks one the table has, or
/// declares one with other type parameters, parameters or results than the lowering's.
#[test]
fn the_shim_library_declares_exactly_the_tables_natives() {
    let declared: BTreeMap<_, _> = (declared_functions().into_iter())
        .filter(|(_, (native, _))| *native)
        .map(|(key, (_, signature))| (key, signature))
        .collect();
    // The lowering's handles of natives name no struct.
    let spelled = |tokens: Vec<SignatureToken>| -> Vec<String> {
        let no_struct = |_| panic!("a native's signature names a struct");
        tokens.iter().map(|t| spell_with(t, &no_struct)).collect()
    };
    let tabled: BTreeMap<_, _> = (shim::NATIVES.iter())
        .map(|native| {
            let key = (native.module.to_string(), native.name.to_string());
            let signature = (
                natives::type_parameters(native),
                spelled(natives::params(native)),
                spelled(natives::returns(native)),
            );
            (key, signature)
        })
        .collect();
    assert_eq!(
        tabled.len(),
        shim::NATIVES.len(),
        "a native is listed twice"
    );
    let only_declared: Vec<_> = (declared.keys())
        .filter(|k| !tabled.contains_key(*k))
        .collect();
    let only_tabled: Vec<_> = (tabled.keys())
        .filter(|k| !declared.contains_key(*k))
        .collect();
    assert!(
        only_declared.is_empty() && only_tabled.is_empty(),
        "declared in stdlib/ but not in the shim table: {only_declared:?}; \
         in the shim table but not declared in stdlib/: {only_tabled:?}"
    );
    for (key, signature) in &declared {
        assert_eq!(&tabled[key], signature, "signature of {}::{}", key.0, key.1);
    }
}

/// Every EVM operation the lowering calls a native for is a row of the table with that
/// opcode; the other rows are `evmove::gas`'s, which charge gas, the fused natives, which do
/// several operations at once, the charged forms, which charge a section's gas first, and
/// `evmove::abi`'s, which typed entries call.
#[test]
fn the_lowering_finds_each_operations_row() {
    let lowered: Vec<_> = natives::all().collect();
    assert!(
        lowered.len() > 70,
        "{} natives of operations",
        lowered.len()
    );
    for native in shim::NATIVES.iter() {
        match native.opcode.and_then(revm_bytecode_opcode) {
            _ if native.charged => assert!(lowered.contains(&native), "{}", native.name),
            Some(op) => assert_eq!(natives::native_for(op), Some(native)),
            None if native.module == shim::module::GAS || shim::natives::FUSED.contains(native) => {
                assert!(lowered.contains(&native), "{}", native.name)
            }
            None => assert_eq!(native.module, shim::module::ABI, "{}", native.name),
        }
    }
}

fn revm_bytecode_opcode(opcode: u8) -> Option<revm::bytecode::opcode::OpCode> {
    revm::bytecode::opcode::OpCode::new(opcode)
}

/// Fails if a Move function or struct the typed entries use is not declared as the table
/// says.
#[test]
fn the_move_functions_and_struct_typed_entries_use_are_the_tables() {
    let declared = declared_functions();
    for function in MOVE_FUNCTIONS {
        let key = (function.module.to_string(), function.name.to_string());
        let Some((native, signature)) = declared.get(&key) else {
            panic!("stdlib/ has no public {}::{}", key.0, key.1);
        };
        assert!(!native, "{}::{} is a Move function", key.0, key.1);
        let params: Vec<_> = function.params.iter().map(|&t| spell_tabled(t)).collect();
        let returns: Vec<_> = function.returns.iter().map(|&t| spell_tabled(t)).collect();
        assert_eq!(
            signature,
            &(vec![], params, returns),
            "{}::{}",
            key.0,
            key.1
        );
    }
    let modules = stdlib_modules();
    let module = &modules[U256_STRUCT.module];
    let definition = (module.struct_defs().iter())
        .find(|d| {
            module
                .identifier_at(module.struct_handle_at(d.struct_handle).name)
                .as_str()
                == U256_STRUCT.name
        })
        .expect("the U256 struct");
    let handle = module.struct_handle_at(definition.struct_handle);
    let copy_drop_store = AbilitySet::EMPTY | Ability::Copy | Ability::Drop | Ability::Store;
    assert_eq!(
        handle.abilities == copy_drop_store,
        U256_STRUCT.copy_drop_store
    );
    let fields: Vec<_> = fields_of(definition)
        .iter()
        .map(|field| {
            let name = module.identifier_at(field.name).to_string();
            (name, spell(module, &field.signature.0))
        })
        .collect();
    let tabled: Vec<_> = (U256_STRUCT.fields.iter())
        .map(|&(name, ty)| (name.to_string(), spell_tabled(ty)))
        .collect();
    assert_eq!(fields, tabled);
}

/// Fails if the abort-code constants of the shim's Move sources and the table's codes differ,
/// or one is missing: every `const E_…: u64` of `abi.move` and `u256.move` against the codes
/// the table says those modules raise by name.
#[test]
fn the_move_sources_abort_codes_are_the_tables() {
    let sources = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../stdlib/sources");
    let mut constants = BTreeMap::new();
    for module in ["abi", "u256"] {
        let source = std::fs::read_to_string(sources.join(format!("{module}.move"))).unwrap();
        for line in source.lines() {
            let Some(rest) = line.trim().strip_prefix("const E_") else {
                continue;
            };
            let (name, value) = (rest.strip_suffix(';'))
                .and_then(|rest| rest.split_once(": u64 = "))
                .unwrap_or_else(|| panic!("{module}.move: an abort constant not read: {line}"));
            constants.insert((module, format!("E_{name}")), value.parse::<u64>().unwrap());
        }
    }
    let tabled: BTreeMap<(&str, String), u64> = (AbortCode::ALL.into_iter())
        .filter_map(|code| {
            let (module, name) = code.move_constant()?;
            Some(((module, name.to_string()), code.code()))
        })
        .collect();
    assert_eq!(tabled.len(), 4);
    assert_eq!(constants, tabled);
}

/// The Move types a compiled typed entry declares are the layouts the runtime converts its
/// values to (`abi_value::layouts`), with `U256` as the shim library defines it: compared
/// type by type, for every kind of ABI type.
#[test]
fn typed_entry_signatures_are_the_runtimes_layouts() {
    let types = [
        "uint8",
        "uint16",
        "uint64",
        "uint72",
        "uint128",
        "uint136",
        "uint256",
        "int8",
        "int256",
        "bytes1",
        "bytes32",
        "bool",
        "address",
        "bytes",
        "string",
        "uint8[]",
        "bytes[3]",
        "string[][]",
        "(uint96,(bool,bytes4)[2])[]",
    ];
    let inputs: Vec<String> = (types.iter().enumerate())
        .map(|(i, ty)| abi_param(&format!("p{i}"), ty))
        .collect();
    let abi: JsonAbi = serde_json::from_str(&format!(
        r#"[{{"type":"function","name":"f","inputs":[{}],"outputs":[],"stateMutability":"nonpayable"}}]"#,
        inputs.join(",")
    ))
    .unwrap();
    let typed = TypedEntries::of(&abi);
    assert!(typed.skipped.is_empty(), "{:?}", typed.skipped);
    // Any code: the typed entry does not depend on it.
    let address = AccountAddress::from_hex_literal("0x2").unwrap();
    let compiled = compile_code(&[0x00], address, "typed", &typed).unwrap();
    let module = CompiledModule::deserialize(&compiled.bytes).unwrap();
    let handle = (module.function_handles().iter())
        .find(|h| module.identifier_at(h.name).as_str() == "f")
        .expect("the typed entry");
    let declared = &module.signature_at(handle.parameters).0;
    let u256 = u256_layout();
    let declared: Vec<String> = (declared[1..].iter())
        .map(|token| format!("{:?}", layout(&module, token, &u256)))
        .collect();
    let resolved: Vec<DynSolType> = types.iter().map(|ty| ty.resolve().unwrap()).collect();
    let runtime: Vec<String> = (abi_value::layouts(&resolved).unwrap().iter())
        .map(|l| format!("{l:?}"))
        .collect();
    assert_eq!(declared.len(), 21, "{declared:?}");
    assert_eq!(declared, runtime);
}

/// The JSON of ABI parameter `name` of type `ty` (a tuple type with unnamed components).
fn abi_param(name: &str, ty: &str) -> String {
    let resolved = ty.resolve().unwrap();
    let (kind, components) = components_of(&resolved);
    format!(r#"{{"name":"{name}","type":"{kind}","components":[{components}]}}"#)
}

/// The JSON `type` and `components` of `ty`.
fn components_of(ty: &DynSolType) -> (String, String) {
    match ty {
        DynSolType::Tuple(types) => {
            let components: Vec<String> = (types.iter())
                .map(|t| {
                    let (kind, inner) = components_of(t);
                    format!(r#"{{"name":"","type":"{kind}","components":[{inner}]}}"#)
                })
                .collect();
            ("tuple".into(), components.join(","))
        }
        DynSolType::Array(element) => {
            let (kind, inner) = components_of(element);
            (format!("{kind}[]"), inner)
        }
        DynSolType::FixedArray(element, len) => {
            let (kind, inner) = components_of(element);
            (format!("{kind}[{len}]"), inner)
        }
        other => (other.to_string(), String::new()),
    }
}

/// The layout of the `U256` struct, from its definition in the compiled shim library.
fn u256_layout() -> MoveTypeLayout {
    let modules = stdlib_modules();
    let module = &modules["u256"];
    let definition = &module.struct_defs()[0];
    let fields = fields_of(definition)
        .iter()
        .map(|field| layout(module, &field.signature.0, &MoveTypeLayout::Bool))
        .collect();
    MoveTypeLayout::Struct(MoveStructLayout::new(fields))
}

/// The layout of `token` in `module`, its one struct being `u256`.
fn layout(
    module: &CompiledModule,
    token: &SignatureToken,
    u256: &MoveTypeLayout,
) -> MoveTypeLayout {
    match token {
        SignatureToken::Bool => MoveTypeLayout::Bool,
        SignatureToken::U8 => MoveTypeLayout::U8,
        SignatureToken::U64 => MoveTypeLayout::U64,
        SignatureToken::U128 => MoveTypeLayout::U128,
        SignatureToken::Address => MoveTypeLayout::Address,
        SignatureToken::Vector(element) => {
            MoveTypeLayout::Vector(Box::new(layout(module, element, u256)))
        }
        SignatureToken::Struct(_) => {
            assert_eq!(spell(module, token), "u256::U256");
            u256.clone()
        }
        other => panic!("{other:?} in a typed entry's signature"),
    }
}

/// The fields of the struct `definition` defines.
fn fields_of(definition: &StructDefinition) -> &[FieldDefinition] {
    match &definition.field_information {
        StructFieldInformation::Declared(fields) => fields,
        StructFieldInformation::Native => panic!("a native struct"),
    }
}
