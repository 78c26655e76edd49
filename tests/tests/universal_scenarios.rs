//! Whole contracts through the universal path: every scripted scenario of the corpus
//! (`evmove_tests::scenarios`) with every code compiled in universal form
//! (`UniversalOnly`), against revm.

use evmove_tests::{
    corpus::Setting,
    scenarios::{self, Chain, Scenario},
    universal::universal_differential,
};

fn universal_in_two_settings(scenario: Scenario) {
    for setting in [Setting::Legacy, Setting::ViaIrOpt] {
        let mut engines = universal_differential();
        scenario(&mut Chain::on(&mut engines, setting));
        assert!(engines.compared > 0, "{setting}: nothing compared");
    }
}

#[test]
fn token_transfers_approvals_and_reverts() {
    universal_in_two_settings(scenarios::token_transfers_approvals_and_reverts);
}

#[test]
fn wrapped_ether_moves_value_in_and_out() {
    universal_in_two_settings(scenarios::wrapped_ether_moves_value_in_and_out);
}

#[test]
fn vault_pulls_and_pushes_tokens_and_its_guard_stops_reentry() {
    universal_in_two_settings(scenarios::vault_pulls_and_pushes_tokens_and_its_guard_stops_reentry);
}

#[test]
fn factory_creates_children_with_create_and_create2() {
    universal_in_two_settings(scenarios::factory_creates_children_with_create_and_create2);
}

#[test]
fn math_harness_matches_evm_arithmetic() {
    universal_in_two_settings(scenarios::math_harness_matches_evm_arithmetic);
}

#[test]
fn collections_loops_arrays_strings_structs_and_function_pointers() {
    universal_in_two_settings(
        scenarios::collections_loops_arrays_strings_structs_and_function_pointers,
    );
}

#[test]
fn transient_storage_lives_for_one_transaction_and_mcopy_copies() {
    universal_in_two_settings(
        scenarios::transient_storage_lives_for_one_transaction_and_mcopy_copies,
    );
}
