//! No EVM code is refused: mutants of the corpus's code (byte flips, truncations, insertions,
//! deletions; seeded, so every run tests the same ones) all compile, through the static path
//! (with the universal form beside where it speculates) or, where it gives up, the universal
//! path; and the ones run agree with revm.
//!
//! `EVMOVE_MUTANTS=<n>` tests `n` mutants instead of [`MUTANTS`] (a long run). Every
//! disagreement with revm is listed (the mutant's number, its code, the transaction; a
//! transaction evmove could not run among them) before the test fails on their count.

use std::time::{Duration, Instant};

use alloy_primitives::{Address, U256};
use evmove::{evm::Code, lift::lift, pipeline::compile_code};
use evmove_tests::{
    corpus, differential::Differential, engine::Engine, mutants::mutate, outcome::Tx,
};
use move_core_types::account_address::AccountAddress;
use proptest::prelude::RngExt;
use proptest::test_runner::{RngAlgorithm, TestRng};

/// How many mutants CI tests.
const MUTANTS: usize = 200;

/// Every how many mutants one also runs against revm.
const RUN_EVERY: usize = 4;

const SENDER: Address = Address::repeat_byte(0x5e);

#[test]
fn every_mutant_compiles_and_the_ones_run_agree_with_revm() {
    let count = std::env::var("EVMOVE_MUTANTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(MUTANTS);
    let blobs = corpus::blobs();
    let mut rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[0x18; 32]);
    let mut engines = Differential::new();
    let (mut universal, mut speculating, mut ran) = (0, 0, 0);
    // Each names the mutant (its number in the seeded sequence), the transaction, how the
    // outcomes differ and the mutant's code.
    let mut disagreements = Vec::new();
    // The slowest compilation, reported (never asserted: times differ by machine).
    let mut slowest = (Duration::ZERO, 0);
    for i in 0..count {
        let (label, contract, code, _) = &blobs[rng.random_range(0..blobs.len())];
        let mutant = mutate(code, &mut rng);
        let hex: String = mutant.iter().map(|b| format!("{b:02x}")).collect();
        let started = Instant::now();
        let compiled = compile_code(&mutant, AccountAddress::ONE, "Mutant", &Default::default());
        slowest = slowest.max((started.elapsed(), i));
        let compiled = compiled.unwrap_or_else(|error| {
            panic!("mutant {i} of {label} is refused: {error}\ncode: {hex}")
        });
        speculating += usize::from(compiled.universal_entry);
        let lifted = lift(&Code::new(mutant.clone())).expect("it compiled");
        universal += usize::from(lifted.universal.is_some());
        if i % RUN_EVERY != 0 {
            continue;
        }
        engines.clear_state();
        engines.fund(SENDER, U256::from(10).pow(U256::from(20)));
        let runtime = label.ends_with("/runtime");
        let deploy = match runtime {
            true => Tx::deploy(SENDER, &mutant),
            false => Tx::create(SENDER, mutant.clone()),
        };
        ran += 1;
        let (created, difference) = match engines.compare(&deploy) {
            Ok(compared) => compared,
            Err(error) => {
                disagreements.push(format!(
                    "mutant {i} of {label} deploying: no outcome: {error}; code: {hex}"
                ));
                continue;
            }
        };
        if let Some(difference) = difference {
            disagreements.push(format!(
                "mutant {i} of {label} deploying: {difference}; code: {hex}"
            ));
        }
        let (Some(address), true) = (created.created, runtime) else {
            continue;
        };
        for function in contract.abi.functions() {
            let mut calldata = function.selector().to_vec();
            for _ in 0..function.inputs.len() {
                calldata.extend(U256::from(rng.random::<u64>() % 1000).to_be_bytes::<32>());
            }
            // A transaction evmove cannot run (revm runs every one) is a disagreement too.
            let difference = match engines.compare(&Tx::call(SENDER, address, calldata.clone())) {
                Ok((_, difference)) => difference,
                Err(error) => Some(format!("no outcome: {error}")),
            };
            if let Some(difference) = difference {
                let calldata: String = calldata.iter().map(|b| format!("{b:02x}")).collect();
                disagreements.push(format!(
                    "mutant {i} of {label} calling {} with 0x{calldata}: {difference}; code: {hex}",
                    function.name
                ));
            }
        }
    }
    eprintln!(
        "{count} mutants compiled, {universal} through the universal path, {speculating} \
         speculating (the universal form beside); {ran} run, {} disagreeing with revm; the \
         slowest compilation took {:?} (mutant {})",
        disagreements.len(),
        slowest.0,
        slowest.1
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements with revm:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
