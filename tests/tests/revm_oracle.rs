//! The revm oracle over every corpus contract in every compiler setting: each scripted
//! scenario of `evmove_tests::scenarios`, whose expectations come from the contracts' source
//! and the EVM's rules, must hold for what revm records.

use evmove_tests::{
    corpus::Setting,
    scenarios::{self, Chain, Scenario},
};

fn in_every_setting(scenario: Scenario) {
    for setting in Setting::ALL {
        scenario(&mut Chain::new(setting));
    }
}

#[test]
fn token_transfers_approvals_and_reverts() {
    in_every_setting(scenarios::token_transfers_approvals_and_reverts);
}

#[test]
fn wrapped_ether_moves_value_in_and_out() {
    in_every_setting(scenarios::wrapped_ether_moves_value_in_and_out);
}

#[test]
fn vault_pulls_and_pushes_tokens_and_its_guard_stops_reentry() {
    in_every_setting(scenarios::vault_pulls_and_pushes_tokens_and_its_guard_stops_reentry);
}

#[test]
fn factory_creates_children_with_create_and_create2() {
    in_every_setting(scenarios::factory_creates_children_with_create_and_create2);
}

#[test]
fn math_harness_matches_evm_arithmetic() {
    in_every_setting(scenarios::math_harness_matches_evm_arithmetic);
}

#[test]
fn collections_loops_arrays_strings_structs_and_function_pointers() {
    in_every_setting(scenarios::collections_loops_arrays_strings_structs_and_function_pointers);
}

#[test]
fn transient_storage_lives_for_one_transaction_and_mcopy_copies() {
    in_every_setting(scenarios::transient_storage_lives_for_one_transaction_and_mcopy_copies);
}

#[test]
fn pool_adds_liquidity_swaps_both_ways_and_removes_it() {
    in_every_setting(scenarios::pool_adds_liquidity_swaps_both_ways_and_removes_it);
}
