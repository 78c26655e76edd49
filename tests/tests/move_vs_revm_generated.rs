//! Generated calls, Move against revm: every function of every corpus contract, in every
//! compiler setting, called with `CASES` generated argument lists (ABI-typed, biased to the
//! edges) from generated senders, on both engines side by side: the same status, output,
//! logs and state changes each time. Calls between contracts run too (the corpus contracts
//! that call out are given real counterparts).

use alloy_dyn_abi::DynSolValue;
use alloy_primitives::Address;
use evmove_tests::{
    calls::{deploy_for_calls, token_args, CallGenerator, CASES, GAS_LIMIT, ROUNDS_PER_DEPLOYMENT},
    corpus::{Contract, Setting},
    differential::Differential,
    outcome::{Status, Tx},
};

/// A contract deployed on both engines.
struct Subject {
    engines: Differential,
    contract: Contract,
    address: Address,
}

impl Subject {
    /// Deploys on `engines`, whose states are cleared first.
    fn deploy(
        mut engines: Differential,
        setting: Setting,
        file: &str,
        name: &str,
        args: &[DynSolValue],
    ) -> Self {
        engines.clear_state();
        let (contract, address) = deploy_for_calls(&mut engines, setting, file, name, args);
        Self {
            engines,
            contract,
            address,
        }
    }
}

/// `CASES` rounds of one generated call of each function of a contract, in every setting.
/// Fails listing every difference.
fn check_contract(file: &str, name: &str, args: &[DynSolValue]) {
    let mut failures = Vec::new();
    let mut compared = 0;
    for setting in Setting::ALL {
        let mut subject = Subject::deploy(Differential::new(), setting, file, name, args);
        let mut generators: Vec<CallGenerator> = subject
            .contract
            .abi
            .functions()
            .cloned()
            .map(CallGenerator::new)
            .collect();
        for round in 0..CASES {
            if round > 0 && round % ROUNDS_PER_DEPLOYMENT == 0 {
                subject = Subject::deploy(subject.engines, setting, file, name, args);
            }
            for generator in &mut generators {
                let (sender, values, calldata, value) = generator.next_call();
                let mut tx = Tx::call(sender, subject.address, calldata).with_value(value);
                tx.gas_limit = GAS_LIMIT;
                let (expected, difference) = subject.engines.compare(&tx).unwrap();
                let out_of_gas =
                    matches!(&expected.status, Status::Halt(r) if r.starts_with("OutOfGas"));
                if let (Some(difference), false) = (&difference, out_of_gas) {
                    let function = &generator.function.name;
                    failures.push(format!(
                        "{setting}/{name}.{function}({values:?}): {difference}"
                    ));
                }
                if out_of_gas || difference.is_some() {
                    // The states may differ from here: start again.
                    subject = Subject::deploy(subject.engines, setting, file, name, args);
                } else {
                    compared += 1;
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences ({compared} calls agreed):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn math_harness() {
    check_contract("MathLib", "MathHarness", &[]);
}

#[test]
fn token() {
    check_contract("Token", "Token", &token_args());
}

#[test]
fn collections() {
    check_contract("Collections", "Collections", &[]);
}

#[test]
fn wrapped_ether() {
    check_contract("WrappedEther", "WrappedEther", &[]);
}

#[test]
fn transient_storage_calls_to_itself_and_multicall() {
    check_contract("Transient", "TransientUser", &[]);
}
