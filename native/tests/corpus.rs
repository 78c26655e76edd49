//! The native tier over the corpus: every module the corpus produces (every code blob of
//! every contract, four compiler settings) is compiled, and how many functions compile is
//! reported (what stays out says why); every compiled function runs in both tiers on random
//! arguments, in a frame of its own at the newest and the oldest fork.

mod common;

use std::{collections::BTreeMap, time::Instant};

use common::{fit, Tiers};

use evmove::{
    lower::typed::TypedEntries,
    pipeline::{compile, Stage, Target},
};
use evmove_native::NativeModule;
use evmove_runtime::SpecId;
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
    let mut compile_time = std::time::Duration::ZERO;
    for (label, module) in corpus_modules() {
        let start = Instant::now();
        let native = NativeModule::compile(&module).unwrap_or_else(|e| panic!("{label}: {e}"));
        compile_time += start.elapsed();
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
    println!("native compile time, all modules: {compile_time:?} (a measure, not a test)");
    for (reason, count) in &reasons {
        println!("{count:5}  {reason}");
    }
    assert!(compiled > 0);
}

/// Arguments for a function with `count` parameters, case `case` of a fixed sequence: edge
/// values first, then pseudo-random ones (splitmix64), so every run checks the same cases.
fn arguments(count: usize, case: u64) -> Vec<u128> {
    const EDGES: [u128; 6] = [0, 1, 2, u128::MAX, u64::MAX as u128, 1 << 127];
    let mut state = case.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    (0..count)
        .map(|i| match case {
            0..6 => EDGES[(case as usize + i) % EDGES.len()],
            _ => (u128::from(next()) << 64) | u128::from(next()) >> (next() % 128),
        })
        .collect()
}

#[test]
fn compiled_corpus_functions_agree_with_the_interpreter() {
    const CASES: u64 = 24;
    let (mut functions, mut runs) = (0, 0);
    for (label, module) in corpus_modules() {
        if !label.starts_with("legacy-opt/") && !label.starts_with("via-ir-opt/") {
            continue;
        }
        let tiers = Tiers::new(&module);
        let names: Vec<String> = tiers.native.report().map(|(n, _)| n.to_string()).collect();
        for name in names {
            let Some((params, _)) = tiers.native.signature(&name) else {
                continue;
            };
            let params = params.to_vec();
            let mut ran = false;
            for case in 0..CASES {
                let args: Vec<u128> = arguments(params.len(), case)
                    .into_iter()
                    .zip(&params)
                    .map(|(value, scalar)| fit(value, *scalar))
                    .collect();
                // The newest fork, and the oldest, where every gated charge halts.
                let runs_of_case = [
                    (30_000_000, SpecId::OSAKA),
                    (case * 7, SpecId::OSAKA),
                    (30_000_000, SpecId::FRONTIER),
                ];
                for (gas, spec) in runs_of_case {
                    if tiers.compare(&name, &args, gas, spec) {
                        runs += 1;
                        ran = true;
                    }
                }
            }
            functions += usize::from(ran);
        }
    }
    println!("{functions} corpus functions ran in both tiers, {runs} runs compared");
    assert!(functions > 0);
}
