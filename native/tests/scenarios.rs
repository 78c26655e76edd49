//! Every scripted corpus scenario (`evmove_tests::scenarios::ALL`) in every compiler
//! setting with the native tier on, side by side with revm: each transaction's status,
//! output, logs and state changes must be revm's, as in the interpreter
//! (`tests/tests/move_vs_revm.rs`), and frames must really run as machine code. And the
//! fallback: code in universal form (its EVM stack a vector grown in loops, outside the
//! subset) runs on the interpreter with the tier on, and still agrees with revm.

use std::sync::Arc;

use evmove_native::JitTier;
use evmove_tests::{
    corpus::Setting,
    differential::Differential,
    scenarios::{self, Chain, ALL},
    universal::universal_differential,
};

#[test]
fn every_scenario_agrees_with_revm_in_the_native_tier() {
    for (name, scenario) in ALL {
        for setting in Setting::ALL {
            let tier = Arc::new(JitTier::new());
            let mut engines = Differential::new();
            (engines.evmove.runtime_mut()).set_native_tier(Box::new(Arc::clone(&tier)));
            scenario(&mut Chain::on(&mut engines, setting));
            let (native, interpreted) = tier.frames();
            println!("{name}, {setting}: {native} frames native, {interpreted} interpreted");
            assert!(engines.compared > 0, "{name}, {setting}: nothing compared");
            assert!(native > 0, "{name}, {setting}: no frame ran natively");
        }
    }
}

#[test]
fn universal_code_falls_back_to_the_interpreter_and_agrees_with_revm() {
    let tier = Arc::new(JitTier::new());
    let mut engines = universal_differential();
    (engines.evmove.runtime_mut()).set_native_tier(Box::new(Arc::clone(&tier)));
    scenarios::token_transfers_approvals_and_reverts(&mut Chain::on(&mut engines, Setting::Legacy));
    let (native, interpreted) = tier.frames();
    assert!(engines.compared > 0, "nothing compared");
    assert_eq!(native, 0, "universal code is outside the subset");
    assert!(interpreted > 0, "no frame fell back");
}
