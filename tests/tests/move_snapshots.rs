//! The translation suite, Move stage: the listing of the Move module every corpus contract's
//! runtime code compiles to (solc's legacy pipeline with the optimizer), with the typed entry
//! functions of its ABI, one snapshot per
//! contract beside its IR snapshot, with the module's size in its header. Review changes
//! with `cargo insta review`.

use evmove::{disasm::disassemble, lower::typed::TypedEntries, pipeline::compile_code};
use evmove_tests::corpus::{artifact_file, source_files, Contract, Setting};
use move_binary_format::file_format::CompiledModule;
use move_core_types::account_address::AccountAddress;

#[test]
fn move_listing_of_every_contract() {
    let setting = Setting::LegacyOpt;
    let address = AccountAddress::from_hex_literal("0x2").unwrap();
    for file in source_files() {
        for name in artifact_file(setting, &file).contracts.keys() {
            let contract = Contract::load(setting, &file, name);
            if contract.runtime_code.is_empty() {
                continue;
            }
            let typed = TypedEntries::of(&contract.abi);
            let compiled = compile_code(&contract.runtime_code, address, name, &typed)
                .unwrap_or_else(|err| panic!("{name}: {err}"));
            let module = CompiledModule::deserialize(&compiled.bytes).expect("verified bytes");
            let instructions: usize = module
                .function_defs
                .iter()
                .filter_map(|f| f.code.as_ref())
                .map(|code| code.code.len())
                .sum();
            let header = format!(
                "; {name} runtime ({setting}): {} bytes of EVM code → {} functions, \
                 {instructions} Move instructions, {} bytes of Move bytecode",
                contract.runtime_code.len(),
                compiled.functions,
                compiled.bytes.len(),
            );
            insta::assert_snapshot!(
                format!("{setting}__{name}"),
                format!("{header}\n{}", disassemble(&module))
            );
        }
    }
}
