//! Every scripted corpus scenario (`evmove_tests::scenarios::ALL`) in every compiler
//! setting with the native tier on, side by side with revm: each transaction's status,
//! output, logs and state changes must be revm's, as in the interpreter
//! (`tests/tests/move_vs_revm.rs`), and frames must really run as machine code. And the
//! fallback: code in universal form (its EVM stack a vector grown in loops, outside the
//! subset) runs on the interpreter with the tier on, and still agrees with revm.

use evmove::provider::OnDemand;
use evmove_native::Tier;
use evmove_runtime::DEFAULT_PUBLISHER;
use evmove_tests::{
    corpus::Setting,
    differential::Differential,
    evmove_engine::EvmoveEngine,
    scenarios::{self, Chain, ALL},
    universal::UniversalOnly,
};

#[test]
fn every_scenario_agrees_with_revm_in_the_native_tier() {
    for (name, scenario) in ALL {
        for setting in Setting::ALL {
            let mut engines = Differential {
                evmove: EvmoveEngine::in_tier(OnDemand::new(DEFAULT_PUBLISHER), Tier::Native),
                ..Differential::default()
            };
            scenario(&mut Chain::on(&mut engines, setting));
            let stats = (engines.evmove.native_tier()).expect("native").stats();
            let (native, interpreted) = (stats.native_frames, stats.interpreted_frames);
            println!("{name}, {setting}: {native} frames native, {interpreted} interpreted");
            assert!(engines.compared > 0, "{name}, {setting}: nothing compared");
            assert!(native > 0, "{name}, {setting}: no frame ran natively");
        }
    }
}

#[test]
fn universal_code_falls_back_to_the_interpreter_and_agrees_with_revm() {
    let mut engines = Differential {
        evmove: EvmoveEngine::in_tier(UniversalOnly, Tier::Native),
        ..Differential::default()
    };
    scenarios::token_transfers_approvals_and_reverts(&mut Chain::on(&mut engines, Setting::Legacy));
    let stats = (engines.evmove.native_tier()).expect("native").stats();
    let (native, interpreted) = (stats.native_frames, stats.interpreted_frames);
    assert!(engines.compared > 0, "nothing compared");
    assert_eq!(native, 0, "universal code is outside the subset");
    assert!(interpreted > 0, "no frame fell back");
}
