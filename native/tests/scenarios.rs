//! Every scripted corpus scenario (`evmove_tests::scenarios::ALL`) in every compiler
//! setting with the native tier on, side by side with revm: each transaction's status,
//! output, logs and state changes must be revm's, as in the interpreter
//! (`tests/tests/move_vs_revm.rs`), and frames must really run as machine code. And code
//! in universal form (its EVM stack a vector grown in loops): as machine code, and on the
//! interpreter where its entry is outside the subset (split into parts that borrow the
//! stack), agreeing with revm either way.

use alloy_primitives::{Address, U256};
use evmove::provider::OnDemand;
use evmove_native::Tier;
use evmove_runtime::DEFAULT_PUBLISHER;
use evmove_tests::{
    corpus::Setting,
    differential::Differential,
    engine::Engine,
    evmove_engine::EvmoveEngine,
    outcome::Tx,
    scenarios::{self, Chain, ALL},
    universal::{block_chain, UniversalOnly},
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
fn universal_code_runs_as_machine_code_and_agrees_with_revm() {
    let mut engines = Differential {
        evmove: EvmoveEngine::in_tier(UniversalOnly, Tier::Native),
        ..Differential::default()
    };
    scenarios::token_transfers_approvals_and_reverts(&mut Chain::on(&mut engines, Setting::Legacy));
    let stats = (engines.evmove.native_tier()).expect("native").stats();
    assert!(engines.compared > 0, "nothing compared");
    assert!(stats.native_frames > 0, "{stats:?}");
    assert_eq!(stats.interpreted_frames, 0, "{stats:?}");
}

/// Universal code too large for one Move function: its entry drives parts that borrow the
/// EVM stack (a reference passed to a function, outside the subset), so the module runs on
/// the interpreter with the tier on, and agrees with revm.
#[test]
fn universal_code_split_into_parts_falls_back_to_the_interpreter_and_agrees_with_revm() {
    let mut engines = Differential {
        evmove: EvmoveEngine::in_tier(UniversalOnly, Tier::Native),
        ..Differential::default()
    };
    let sender = Address::repeat_byte(0x5e);
    let created = engines
        .execute(&Tx::deploy(sender, &block_chain(3000)))
        .unwrap();
    let chain = created.created.expect("deploys");
    for entry in [0u64, 7 * 1234] {
        let calldata: Vec<u8> = [U256::from(entry), U256::from(5)]
            .iter()
            .flat_map(|word| word.to_be_bytes::<32>())
            .collect();
        let outcome = engines.execute(&Tx::call(sender, chain, calldata)).unwrap();
        assert!(outcome.is_success(), "{outcome:?}");
    }
    let stats = (engines.evmove.native_tier()).expect("native").stats();
    assert!(stats.interpreted_frames >= 2, "{stats:?}");
}
