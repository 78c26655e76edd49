//! The lowering's table of natives (`evmove::lower::natives`) is exactly the shim library's:
//! every native the lowering may call is declared by the compiled `stdlib/` at the shim
//! address, with the signature the lowering calls it with, and every native the shim library
//! declares is reachable from some EVM operation — except those of `evmove::abi`, which
//! transpiled code reaches only through that module's Move functions (typed entries; their
//! signatures are checked when a module with typed entries links, `tests/typed_entries.rs`).

use std::collections::BTreeMap;

use evmove::lower::{natives, SHIM_ADDRESS};
use evmove_runtime::stdlib;
use move_binary_format::{access::ModuleAccess, file_format::SignatureToken, CompiledModule};

type Signature = (Vec<SignatureToken>, Vec<SignatureToken>);

#[test]
fn the_lowering_calls_the_natives_the_shim_library_declares() {
    assert_eq!(stdlib::address(), SHIM_ADDRESS);
    let mut declared: BTreeMap<(String, String), Signature> = BTreeMap::new();
    for module in stdlib::modules() {
        let compiled = CompiledModule::deserialize(module.bytes).expect("stdlib module");
        if module.name == "abi" {
            continue;
        }
        for definition in compiled.function_defs().iter().filter(|d| d.is_native()) {
            let handle = compiled.function_handle_at(definition.function);
            let signature = (
                compiled.signature_at(handle.parameters).0.clone(),
                compiled.signature_at(handle.return_).0.clone(),
            );
            let name = compiled.identifier_at(handle.name).to_string();
            declared.insert((module.name.to_string(), name), signature);
        }
    }
    let called: BTreeMap<(String, String), Signature> = natives::all()
        .into_iter()
        .map(|native| {
            let signature = (native.params(), native.returns());
            ((native.module.to_string(), native.name), signature)
        })
        .collect();
    assert_eq!(called, declared);
}
