//! The translation suite: every corpus contract's runtime code, in each of the four compiler
//! settings, at every stage of the pipeline (`evmove::pipeline::Stage`): the lifted IR, the
//! optimised IR, and the listing of the verified Move module (with the typed entry functions
//! of its ABI). One test per (contract, setting), three snapshots each, named
//! `<setting>__<contract>__<stage>`, each with the stage's counts in its header. Review
//! changes with `cargo insta review`.

use evmove::{
    lift::Lifted,
    lower::typed::TypedEntries,
    pipeline::{compile, compile_lifted_to, CompiledBlob, Output, Stage, Target},
};
use evmove_tests::corpus::{Contract, Setting};
use move_binary_format::file_format::CompiledModule;
use move_core_types::account_address::AccountAddress;

/// Snapshots the three stages of contract `name` of `file.sol` compiled in `setting`.
fn snapshot_stages(file: &str, name: &str, setting: Setting) {
    let contract = Contract::load(setting, file, name);
    let code = &contract.runtime_code;
    let typed = TypedEntries::of(&contract.abi);
    let target = Target {
        address: AccountAddress::from_hex_literal("0x2").unwrap(),
        name,
        typed: &typed,
    };
    let fail = |err| panic!("{name} ({setting}): {err}");
    let stage = |lifted: &Lifted, stop_after| {
        compile_lifted_to(lifted.clone(), target, stop_after).unwrap_or_else(fail)
    };
    let Output::Lifted(lifted) = compile(code, target, Stage::Lifted).unwrap_or_else(fail) else {
        unreachable!("stopped after lifting")
    };
    let Output::Optimised(optimised) = stage(&lifted, Stage::Optimised) else {
        unreachable!("stopped after the passes")
    };
    let Output::Move(compiled) = stage(&lifted, Stage::Move) else {
        unreachable!("ran to the end")
    };

    let blocks = |lifted: &Lifted| -> usize {
        let functions = &lifted.module.functions;
        functions.iter().map(|f| f.layout().len()).sum()
    };
    let header = format!(
        "; {name} runtime ({setting}): {} bytes, {} reachable EVM blocks, {} jumps resolved, \
         0 unresolved; {} functions recovered; {} IR blocks",
        code.len(),
        lifted.jumps.blocks.len(),
        lifted.jumps.targets.len(),
        lifted.functions.len(),
        blocks(&lifted),
    );
    insta::assert_snapshot!(
        format!("{setting}__{name}__lifted"),
        format!("{header}\n{}", lifted.module)
    );

    let header = format!(
        "; {name} runtime ({setting}): {} bytes, {} reachable EVM blocks, \
         {} jumps resolved, 0 unresolved; {} functions recovered, {} after inlining; \
         {} IR blocks",
        code.len(),
        optimised.jumps.blocks.len(),
        optimised.jumps.targets.len(),
        optimised.functions.len(),
        optimised.module.functions.len(),
        blocks(&optimised),
    );
    insta::assert_snapshot!(
        format!("{setting}__{name}__optimised"),
        format!("{header}\n{}", optimised.module)
    );

    insta::assert_snapshot!(
        format!("{setting}__{name}__move"),
        move_listing(name, setting, code.len(), &compiled)
    );
}

/// The Move stage's snapshot: the module's counts, then its listing.
fn move_listing(name: &str, setting: Setting, code_len: usize, compiled: &CompiledBlob) -> String {
    let module = CompiledModule::deserialize(&compiled.bytes).expect("verified bytes");
    let instructions: usize = module
        .function_defs
        .iter()
        .filter_map(|f| f.code.as_ref())
        .map(|code| code.code.len())
        .sum();
    let header = format!(
        "; {name} runtime ({setting}): {code_len} bytes of EVM code → {} functions, \
         {instructions} Move instructions, {} bytes of Move bytecode",
        compiled.functions,
        compiled.bytes.len(),
    );
    format!("{header}\n{}", Output::Move(compiled.clone()))
}

/// For each corpus contract, a module of four tests, one per compiler setting.
macro_rules! every_setting {
    ($($module:ident: $file:literal $name:literal;)*) => {$(
        mod $module {
            use super::{snapshot_stages, Setting};

            #[test]
            fn legacy() {
                snapshot_stages($file, $name, Setting::Legacy);
            }

            #[test]
            fn legacy_opt() {
                snapshot_stages($file, $name, Setting::LegacyOpt);
            }

            #[test]
            fn via_ir() {
                snapshot_stages($file, $name, Setting::ViaIr);
            }

            #[test]
            fn via_ir_opt() {
                snapshot_stages($file, $name, Setting::ViaIrOpt);
            }
        }
    )*};
}

every_setting! {
    child: "Factory" "Child";
    collections: "Collections" "Collections";
    factory: "Factory" "Factory";
    full_math: "MathLib" "FullMath";
    math_harness: "MathLib" "MathHarness";
    pool: "Pool" "Pool";
    shapes: "Shapes" "Shapes";
    signed_math: "MathLib" "SignedMath";
    token: "Token" "Token";
    transient_user: "Transient" "TransientUser";
    vault: "Vault" "Vault";
    vault_attacker: "Vault" "VaultAttacker";
    wrapped_ether: "WrappedEther" "WrappedEther";
}

/// Every corpus contract with runtime code has its tests above.
#[test]
fn every_corpus_contract_is_in_the_suite() {
    let listed = [
        "Child",
        "Collections",
        "Factory",
        "FullMath",
        "MathHarness",
        "Pool",
        "Shapes",
        "SignedMath",
        "Token",
        "TransientUser",
        "Vault",
        "VaultAttacker",
        "WrappedEther",
    ];
    let mut corpus = Vec::new();
    for file in evmove_tests::corpus::source_files() {
        for setting in Setting::ALL {
            for name in evmove_tests::corpus::artifact_file(setting, &file)
                .contracts
                .keys()
            {
                if !Contract::load(setting, &file, name).runtime_code.is_empty() {
                    corpus.push(name.clone());
                }
            }
        }
    }
    corpus.sort();
    corpus.dedup();
    assert_eq!(corpus, listed);
}
