//! The native tier over the corpus: every module the corpus produces (every code blob of
//! every contract, four compiler settings) is compiled, and how many functions compile is
//! reported; what stays out says why.

use std::collections::BTreeMap;

use evmove::{
    lower::typed::TypedEntries,
    pipeline::{compile, Stage, Target},
};
use evmove_native::NativeModule;
use evmove_tests::corpus;
use move_binary_format::CompiledModule;
use move_core_types::account_address::AccountAddress;

/// Every corpus blob's Move module: its label and the module.
pub fn corpus_modules() -> Vec<(String, CompiledModule)> {
    let typed = TypedEntries::default();
    let target = Target {
        address: AccountAddress::from_hex_literal("0x2").unwrap(),
        name: "contract",
        typed: &typed,
    };
    corpus::blobs()
        .into_iter()
        .map(|(label, _, code, _)| {
            let compiled = compile(&code, target, Stage::Move)
                .unwrap_or_else(|error| panic!("{label}: {error}"))
                .into_compiled()
                .unwrap();
            let module = CompiledModule::deserialize(&compiled.bytes).unwrap();
            (label, module)
        })
        .collect()
}

#[test]
fn every_corpus_module_compiles_and_reports_its_functions() {
    let (mut modules, mut whole, mut functions, mut compiled) = (0, 0, 0, 0);
    let mut reasons = BTreeMap::<String, usize>::new();
    for (label, module) in corpus_modules() {
        let native = NativeModule::compile(&module).unwrap_or_else(|e| panic!("{label}: {e}"));
        modules += 1;
        let mut all = true;
        for (_, result) in native.report() {
            functions += 1;
            match result {
                Ok(()) => compiled += 1,
                Err(reason) => {
                    all = false;
                    *reasons.entry(reason.to_string()).or_default() += 1;
                }
            }
        }
        whole += usize::from(all);
    }
    println!("{modules} modules, {whole} compiled whole; {compiled} of {functions} functions");
    for (reason, count) in &reasons {
        println!("{count:5}  {reason}");
    }
    assert!(compiled > 0);
}
