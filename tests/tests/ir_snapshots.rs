//! The translation suite, IR stage: the optimised IR of every corpus contract's runtime code
//! (solc's legacy pipeline with the optimizer), one snapshot per contract, with the counts
//! of the front end in its header. Review changes with `cargo insta review`.

use evmove::{evm::Code, lift::lift, opt::optimize};
use evmove_tests::corpus::{artifact_file, source_files, Contract, Setting};

#[test]
fn optimised_ir_of_every_contract() {
    let setting = Setting::LegacyOpt;
    for file in source_files() {
        for name in artifact_file(setting, &file).contracts.keys() {
            let contract = Contract::load(setting, &file, name);
            if contract.runtime_code.is_empty() {
                continue;
            }
            let lifted = lift(&Code::new(contract.runtime_code.to_vec()))
                .unwrap_or_else(|err| panic!("{name}: {err}"));
            let mut module = lifted.module;
            optimize(&mut module);
            let blocks: usize = module.functions.iter().map(|f| f.layout().len()).sum();
            let header = format!(
                "; {name} runtime ({setting}): {} bytes, {} reachable EVM blocks, \
                 {} jumps resolved, 0 unresolved; {} functions recovered, {} after inlining; \
                 {blocks} IR blocks",
                contract.runtime_code.len(),
                lifted.jumps.blocks.len(),
                lifted.jumps.targets.len(),
                lifted.functions.len(),
                module.functions.len(),
            );
            insta::assert_snapshot!(format!("{setting}__{name}"), format!("{header}\n{module}"));
        }
    }
}
