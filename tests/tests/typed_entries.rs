//! Typed entry functions against revm: every function of several corpus contracts, called
//! through its typed Move entry (`Token::transfer(contract, to, amount): bool`, arguments and
//! results as Move values) on evmove and with the ABI-encoded calldata on revm, with generated
//! arguments and senders: the same status, return data, results, logs and state changes.
//! `Shapes` takes and returns arrays (dynamic, fixed, nested, of addresses, of byte strings;
//! empty and up to 5 elements) and structs (flattened; arrays of them as parallel vectors).

use std::collections::BTreeSet;

use alloy_dyn_abi::{DynSolValue, FunctionExt};
use alloy_primitives::{Address, U256};
use evmove::lower::typed::{TypedEntries, TypedEntry};
use evmove_runtime::EntryCall;
use evmove_tests::{
    abi_values::ADDRESSES,
    calls::{deploy_for_calls, token_args, CallGenerator, GAS_LIMIT, ROUNDS_PER_DEPLOYMENT},
    corpus::{Contract, Setting},
    differential::{difference, Differential},
    engine::Engine,
    outcome::{Status, Tx, TxOutcome},
};

/// Generated calls per typed entry and setting.
const CASES: usize = 64;

/// The settings compared (the other two are covered by the calldata tests; the typed entry
/// itself does not depend on the compiler setting).
const SETTINGS: [Setting; 2] = [Setting::LegacyOpt, Setting::ViaIrOpt];

/// A contract deployed on both engines, its typed entries in use on evmove.
struct Subject {
    engines: Differential,
    contract: Contract,
    typed: TypedEntries,
    address: Address,
}

impl Subject {
    fn deploy(
        mut engines: Differential,
        setting: Setting,
        file: &str,
        name: &str,
        args: &[DynSolValue],
    ) -> Self {
        engines.clear_state();
        let (contract, address) = deploy_for_calls(&mut engines, setting, file, name, args);
        let typed = TypedEntries::of(&contract.abi);
        engines
            .evmove
            .use_typed_entries(address, &typed)
            .expect("the deployed code compiles with its typed entries");
        Self {
            engines,
            contract,
            typed,
            address,
        }
    }

    /// One call of `entry` on both engines.
    fn compare(&mut self, entry: &TypedEntry, generator: &mut CallGenerator) -> Compared {
        let (sender, values, calldata, value) = generator.next_call();
        // The generator also makes values beyond their ABI type (`uint8` 299), to test the
        // contract's calldata checks; a Move value of the entry's type cannot hold them.
        let Ok(args) = entry.move_args(&values, value) else {
            return Compared::Inexpressible;
        };
        let mut tx = Tx::call(sender, self.address, calldata).with_value(value);
        tx.gas_limit = GAS_LIMIT;
        let expected = Engine::execute(&mut self.engines.revm, &tx).unwrap();
        let call = EntryCall {
            sender,
            contract: self.address,
            function: entry.name.clone(),
            args,
            gas_limit: GAS_LIMIT,
        };
        let (actual, results) = self.engines.evmove.execute_entry(&call).unwrap();
        let out_of_gas = matches!(&expected.status, Status::Halt(r) if r.starts_with("OutOfGas"));
        if out_of_gas {
            return Compared::OutOfGas;
        }
        let describe = |what: String| format!("{}({values:?}): {what}", entry.signature);
        // A typed entry takes Move values, not calldata: its gas is its own, not revm's.
        let actual = TxOutcome {
            gas_used: expected.gas_used,
            ..actual
        };
        if let Some(difference) = difference(&expected, &actual) {
            return Compared::Differ(describe(difference));
        }
        if expected.status != Status::Success {
            return match results.is_empty() {
                true => Compared::Agree { succeeded: false },
                false => Compared::Differ(describe("results of a failed call".into())),
            };
        }
        let decoded = generator
            .function
            .abi_decode_output(&expected.output)
            .unwrap();
        match entry.abi_results(&results) {
            Ok(typed) if typed == decoded => Compared::Agree { succeeded: true },
            Ok(typed) => Compared::Differ(describe(format!(
                "results: revm {decoded:?}, evmove {typed:?}"
            ))),
            Err(err) => Compared::Differ(describe(format!("results do not decode: {err}"))),
        }
    }
}

/// What one generated call showed.
enum Compared {
    /// The same outcome and results; whether the call succeeded (and results were compared).
    Agree { succeeded: bool },
    /// This difference.
    Differ(String),
    /// revm ran out of gas (evmove's gas is not EVM gas): the states may differ.
    OutOfGas,
    /// The arguments have no Move value of the entry's parameter types: not run.
    Inexpressible,
}

/// Compares generated calls of every typed entry of contract `name` of `file`; the
/// signatures of the entries that succeeded at least once (their results compared).
fn check_contract(file: &str, name: &str, args: &[DynSolValue]) -> BTreeSet<String> {
    let mut failures = Vec::new();
    let mut compared = 0;
    let mut succeeded_once = BTreeSet::new();
    for setting in SETTINGS {
        let mut subject = Subject::deploy(Differential::new(), setting, file, name, args);
        assert!(
            !subject.typed.entries.is_empty(),
            "{name} has typed entries"
        );
        let mut calls: Vec<(TypedEntry, CallGenerator)> = (subject.typed.entries.clone())
            .into_iter()
            .map(|entry| {
                let function = (subject.contract.abi.functions())
                    .find(|f| f.signature() == entry.signature)
                    .expect("the entry's ABI function")
                    .clone();
                (entry, CallGenerator::new(function))
            })
            .collect();
        for round in 0..CASES {
            if round > 0 && round % ROUNDS_PER_DEPLOYMENT == 0 {
                subject = Subject::deploy(subject.engines, setting, file, name, args);
            }
            for (entry, generator) in &mut calls {
                match subject.compare(entry, generator) {
                    Compared::Agree { succeeded } => {
                        compared += 1;
                        if succeeded {
                            succeeded_once.insert(entry.signature.clone());
                        }
                    }
                    Compared::Inexpressible => {}
                    outcome => {
                        if let Compared::Differ(difference) = outcome {
                            failures.push(format!("{setting}/{name}.{difference}"));
                        }
                        // The states may differ from here: start again.
                        subject = Subject::deploy(subject.engines, setting, file, name, args);
                    }
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
    assert!(compared > 0);
    succeeded_once
}

#[test]
fn token() {
    check_contract("Token", "Token", &token_args());
}

#[test]
fn math_harness() {
    check_contract("MathLib", "MathHarness", &[]);
}

#[test]
fn wrapped_ether_takes_value() {
    check_contract("WrappedEther", "WrappedEther", &[]);
}

#[test]
fn collections() {
    check_contract("Collections", "Collections", &[]);
}

/// Every function of `Shapes` has a typed entry, and each succeeds at least once, so each
/// shape's results are decoded and compared, not only its arguments encoded.
#[test]
fn shapes_arrays_and_structs() {
    let succeeded = check_contract("Shapes", "Shapes", &[]);
    let contract = Contract::load(SETTINGS[0], "Shapes", "Shapes");
    let typed = TypedEntries::of(&contract.abi);
    assert!(typed.skipped.is_empty(), "{:?}", typed.skipped);
    let never: Vec<_> = (typed.entries.iter())
        .filter(|entry| !succeeded.contains(&entry.signature))
        .map(|entry| &entry.signature)
        .collect();
    assert!(never.is_empty(), "never succeeded: {never:?}");
}

/// `Shapes` deployed (legacy, optimised), with the typed entry of ABI function `signature`.
fn shapes_entry(signature: &str) -> (Subject, TypedEntry) {
    let subject = Subject::deploy(
        Differential::new(),
        Setting::LegacyOpt,
        "Shapes",
        "Shapes",
        &[],
    );
    let entry = (subject.typed.entries.iter())
        .find(|entry| entry.signature == signature)
        .unwrap_or_else(|| panic!("a typed {signature}"))
        .clone();
    (subject, entry)
}

/// Runs `entry` of `subject` with the Move arguments `args` (BCS) and checks it aborts with
/// `evmove::abi`'s code `code`, changing nothing but the sender's nonce (before the call, or
/// undoing it).
fn assert_aborts_changing_only_the_nonce(
    subject: &mut Subject,
    entry: &TypedEntry,
    args: Vec<Vec<u8>>,
    code: u64,
) {
    let call = EntryCall {
        sender: ADDRESSES[1],
        contract: subject.address,
        function: entry.name.clone(),
        args,
        gas_limit: GAS_LIMIT,
    };
    let (outcome, results) = subject.engines.evmove.execute_entry(&call).unwrap();
    assert!(
        matches!(&outcome.status, Status::Halt(reason) if reason.contains(&format!("code: {code}"))),
        "{}: {:?}",
        entry.signature,
        outcome.status
    );
    assert!(results.is_empty());
    let changed: Vec<_> = outcome.changes.keys().collect();
    assert_eq!(changed, [&ADDRESSES[1]], "only the sender's nonce changes");
}

/// A fixed array of the wrong length (`address[2]` given 3 or 1), or an array of structs
/// whose component vectors differ in length, is refused before any call, with the argument
/// code; the right lengths go through.
#[test]
fn a_fixed_array_of_the_wrong_length_aborts_before_the_call() {
    let (mut subject, entry) = shapes_entry("swapPair(address[2])");
    assert_eq!(entry.param_names, ["pair"]);
    let addresses = |n: usize| {
        let values = vec![DynSolValue::Address(ADDRESSES[3]); n];
        let array = DynSolValue::Array(values);
        let types = [alloy_dyn_abi::DynSolType::parse("address[]").unwrap()];
        evmove_runtime::abi_value::to_move(&types, &[array]).unwrap()
    };
    for wrong in [3, 1, 0] {
        assert_aborts_changing_only_the_nonce(&mut subject, &entry, addresses(wrong), 2);
    }
    let call = EntryCall {
        sender: ADDRESSES[1],
        contract: subject.address,
        function: entry.name.clone(),
        args: addresses(2),
        gas_limit: GAS_LIMIT,
    };
    let (outcome, results) = subject.engines.evmove.execute_entry(&call).unwrap();
    assert_eq!(outcome.status, Status::Success);
    let decoded = entry.abi_results(&results).unwrap();
    assert_eq!(decoded[1], DynSolValue::Bool(true));

    // `placeOrders((address,uint96,bytes32)[])` takes one vector per component.
    let (mut subject, entry) = shapes_entry("placeOrders((address,uint96,bytes32)[])");
    assert_eq!(
        entry.param_names,
        ["batch_owner", "batch_amount", "batch_tag"]
    );
    let order = DynSolValue::Tuple(vec![
        DynSolValue::Address(ADDRESSES[2]),
        DynSolValue::Uint(U256::from(5), 96),
        DynSolValue::FixedBytes([1; 32].into(), 32),
    ]);
    let mut args = entry
        .move_args(
            &[DynSolValue::Array(vec![order.clone(), order])],
            U256::ZERO,
        )
        .unwrap();
    // Two owners, but one amount: drop the second amount (a `vector<u128>`: length, then
    // 16 bytes each).
    args[1] = [&[1u8][..], &args[1][1..17]].concat();
    assert_aborts_changing_only_the_nonce(&mut subject, &entry, args, 2);
}

/// Return data that does not decode as the declared results aborts with `evmove::abi`'s
/// result code, and the call's effects are undone: `addMembers` returns the new member count,
/// 2, declared here as a `bool`.
#[test]
fn results_that_do_not_decode_abort_and_undo_the_call() {
    let mut engines = Differential::new();
    let (mut contract, address) =
        deploy_for_calls(&mut engines, Setting::LegacyOpt, "Shapes", "Shapes", &[]);
    let declared = contract.abi.functions.get_mut("addMembers").unwrap();
    declared[0].outputs[0].ty = "bool".into();
    let typed = TypedEntries::of(&contract.abi);
    engines.evmove.use_typed_entries(address, &typed).unwrap();
    let entry = (typed.entries.iter())
        .find(|entry| entry.signature == "addMembers(address[])")
        .unwrap()
        .clone();
    let members = DynSolValue::Array(vec![DynSolValue::Address(ADDRESSES[3]); 2]);
    let args = entry.move_args(&[members], U256::ZERO).unwrap();
    let mut subject = Subject {
        engines,
        contract,
        typed,
        address,
    };
    assert_aborts_changing_only_the_nonce(&mut subject, &entry, args, 3);
}

/// A Move value wider than its ABI type (`uint96` given 2^100 in its `u128`) is refused
/// before any call: the entry aborts with `evmove::abi`'s argument code and changes nothing
/// but the sender's nonce. Revm has no counterpart: calldata cannot carry the value.
#[test]
fn an_argument_beyond_its_abi_type_aborts_before_the_call() {
    let mut subject = Subject::deploy(
        Differential::new(),
        Setting::LegacyOpt,
        "Collections",
        "Collections",
        &[],
    );
    let entry = (subject.typed.entries.iter())
        .find(|entry| entry.signature == "placeOrder(uint96,uint64)")
        .expect("a typed placeOrder")
        .clone();
    let args = |amount: u128| vec![amount.to_le_bytes().to_vec(), 5u64.to_le_bytes().to_vec()];
    assert_aborts_changing_only_the_nonce(&mut subject, &entry, args(1 << 100), 2);
    // The largest uint96 goes through, and the result is the new order's id.
    let call = EntryCall {
        sender: ADDRESSES[1],
        contract: subject.address,
        function: entry.name.clone(),
        args: args((1 << 96) - 1),
        gas_limit: GAS_LIMIT,
    };
    let (outcome, results) = subject.engines.evmove.execute_entry(&call).unwrap();
    assert_eq!(outcome.status, Status::Success);
    assert_eq!(results.len(), 1);
}

#[test]
fn transient_user_with_bytes_in_and_out() {
    check_contract("Transient", "TransientUser", &[]);
}
