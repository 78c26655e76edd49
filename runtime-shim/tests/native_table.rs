//! The Move declarations of the natives and the Rust table of their implementations are the
//! same list: every `native fun` of the compiled shim library is in
//! `evmove_runtime::natives::NATIVES` with the same signature, and nothing else is.

mod common;

use std::collections::BTreeMap;

use evmove_runtime::{natives, stdlib};
use move_binary_format::{
    access::ModuleAccess,
    file_format::{AbilitySet, SignatureToken, Visibility},
    CompiledModule,
};

/// A native's Move signature: (type parameters' abilities, parameter types, result types).
type Signature = (Vec<AbilitySet>, Vec<SignatureToken>, Vec<SignatureToken>);

/// Every `native fun` of the compiled shim library (the function definitions without code),
/// by (module, name).
fn declared_natives() -> BTreeMap<(String, String), Signature> {
    let mut declared = BTreeMap::new();
    for module in stdlib::modules() {
        let compiled = CompiledModule::deserialize(module.bytes).expect("stdlib module");
        for definition in compiled.function_defs().iter().filter(|d| d.is_native()) {
            let handle = compiled.function_handle_at(definition.function);
            let name = compiled.identifier_at(handle.name).to_string();
            assert_eq!(
                definition.visibility,
                Visibility::Public,
                "{}::{name}: transpiled modules must be able to call it",
                module.name
            );
            let signature = (
                handle.type_parameters.clone(),
                compiled.signature_at(handle.parameters).0.clone(),
                compiled.signature_at(handle.return_).0.clone(),
            );
            declared.insert((module.name.to_string(), name), signature);
        }
    }
    declared
}

/// The natives of the Rust table, by (module, name).
fn registered_natives() -> BTreeMap<(String, String), Signature> {
    let mut registered = BTreeMap::new();
    for native in natives::NATIVES {
        let key = (native.module.to_string(), native.name.to_string());
        let signature = (native.type_parameters(), native.params(), native.returns());
        let previous = registered.insert(key, signature);
        assert!(
            previous.is_none(),
            "{}::{} is listed twice",
            native.module,
            native.name
        );
    }
    registered
}

#[test]
fn the_native_table_lists_exactly_the_declared_natives() {
    let declared = declared_natives();
    let registered = registered_natives();
    let only_declared: Vec<_> = declared
        .keys()
        .filter(|k| !registered.contains_key(*k))
        .collect();
    let only_registered: Vec<_> = registered
        .keys()
        .filter(|k| !declared.contains_key(*k))
        .collect();
    assert!(
        only_declared.is_empty() && only_registered.is_empty(),
        "declared in stdlib/ but not in NATIVES: {only_declared:?}; \
         in NATIVES but not declared in stdlib/: {only_registered:?}"
    );
    for (key, signature) in &declared {
        assert_eq!(
            &registered[key], signature,
            "signature of {}::{}",
            key.0, key.1
        );
    }
}

#[test]
fn the_arithmetic_natives_are_all_there() {
    let names: Vec<_> = natives::NATIVES
        .iter()
        .filter(|native| native.module == "arith")
        .map(|native| native.name)
        .collect();
    assert_eq!(
        names,
        [
            "add",
            "sub",
            "mul",
            "div",
            "sdiv",
            "mod",
            "smod",
            "addmod",
            "mulmod",
            "exp",
            "signextend",
            "lt",
            "gt",
            "slt",
            "sgt",
            "eq",
            "iszero",
            "and",
            "or",
            "xor",
            "not",
            "byte",
            "shl",
            "shr",
            "sar",
        ]
    );
}

/// The names of the natives of `module`, in table order.
fn names_in(module: &str) -> Vec<&'static str> {
    natives::NATIVES
        .iter()
        .filter(|native| native.module == module)
        .map(|native| native.name)
        .collect()
}

#[test]
fn the_frame_natives_are_all_there() {
    assert_eq!(
        names_in("memory"),
        ["mload", "mstore", "mstore8", "msize", "mcopy", "keccak256"]
    );
    assert_eq!(names_in("storage"), ["sload", "sstore", "tload", "tstore"]);
    assert_eq!(names_in("log"), ["log0", "log1", "log2", "log3", "log4"]);
    assert_eq!(
        names_in("halt"),
        ["stop", "ret", "revert", "invalid", "selfdestruct"]
    );
    assert_eq!(
        names_in("call"),
        [
            "call",
            "callcode",
            "delegatecall",
            "staticcall",
            "create",
            "create2"
        ]
    );
    // One per EVM environment opcode; ADDRESS is `self_address` (a reserved word in Move).
    assert_eq!(
        names_in("env"),
        [
            "self_address",
            "origin",
            "caller",
            "callvalue",
            "calldatasize",
            "codesize",
            "gasprice",
            "returndatasize",
            "coinbase",
            "timestamp",
            "number",
            "prevrandao",
            "gaslimit",
            "chainid",
            "selfbalance",
            "basefee",
            "blobbasefee",
            "gas",
            "balance",
            "calldataload",
            "extcodesize",
            "extcodehash",
            "blockhash",
            "blobhash",
            "calldatacopy",
            "codecopy",
            "returndatacopy",
            "extcodecopy",
        ]
    );
}

#[test]
fn a_vm_built_with_the_table_publishes_the_shim_library() {
    // Publishing fails with MISSING_DEPENDENCY if a declared native is not in the table.
    let (_vm, _store) = common::vm_with_stdlib();
}
