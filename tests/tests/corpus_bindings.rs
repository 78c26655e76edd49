//! The typed bindings `evmove::build` generates for the whole corpus (`build.rs`) compile
//! for every ABI shape in it (structs, arrays of structs, nested and fixed arrays, enums),
//! and their calls agree with revm: status, return and revert data, logs, created addresses,
//! storage; sent as calldata or through the contracts' Move typed entries (`.entry()`).

/// Every corpus contract's bindings, most of them unused here: compiled is the point.
#[allow(dead_code, unused_imports)]
mod corpus {
    include!(concat!(env!("OUT_DIR"), "/evmove/contracts.rs"));
}

use alloy_primitives::{address, fixed_bytes, Address, U256};
use corpus::{shapes::IShapes, Collections, Shapes, WrappedEther};
use evmove_tests::{agree, agree_entry, bindings::Both};

const ALICE: Address = address!("00000000000000000000000000000000000a11ce");

fn both() -> Both {
    let wei = U256::from(10).pow(U256::from(21));
    Both::new(corpus::runtime().unwrap(), &[ALICE], wei)
}

#[test]
fn structs_and_arrays_pass_through_the_bindings_as_in_revm() {
    let mut both = both();
    let shapes = Shapes::at(agree!(both, Shapes::deployment(), ALICE).created().unwrap());
    let order = |amount: u64| IShapes::Order {
        owner: ALICE,
        amount: alloy_primitives::Uint::from(amount),
        tag: fixed_bytes!("0x0000000000000000000000000000000000000000000000000000000000000007"),
    };
    let placed = agree!(both, shapes.placeOrders(vec![order(1), order(2)]), ALICE);
    assert_eq!(placed.returned, Some(U256::from(2)));
    let orders = agree!(both, shapes.getOrders(), ALICE);
    assert_eq!(orders.returned, Some(vec![order(1), order(2)]));
    let point = |x: i64, y: i64| IShapes::Point { x, y };
    let middle = agree!(both, shapes.midpoint(point(0, 0), point(4, -6)), ALICE);
    assert_eq!(middle.returned, Some(point(2, -3)));
    let batch = IShapes::Batch {
        label: "b".into(),
        values: vec![U256::from(3), U256::from(4)],
        origin: point(1, 1),
    };
    let summary = agree!(both, shapes.summarize(batch.clone()), ALICE);
    assert_eq!(
        summary.returned.map(|summary| summary.sum),
        Some(U256::from(7))
    );
    agree!(
        both,
        shapes.shiftBatches(vec![batch.clone(), batch], 5),
        ALICE
    );
    agree!(both, shapes.transpose([[1, 2, 3], [4, 5, 6]]), ALICE);
    let words = vec!["a".to_owned(), "bc".to_owned()];
    let reversed = agree!(both, shapes.reverseWords(words), ALICE);
    assert_eq!(
        reversed.returned,
        Some(vec!["bc".to_owned(), "a".to_owned()])
    );
}

#[test]
fn collections_and_weth_calls_agree_with_revm() {
    let mut both = both();
    let created = agree!(both, Collections::deployment(), ALICE).created();
    let collections = Collections::at(created.unwrap());
    let items = vec![U256::from(5), U256::from(1), U256::from(3)];
    agree!(both, collections.pushMany(items), ALICE);
    agree!(both, collections.sortValues(), ALICE);
    let values = agree!(both, collections.getValues(), ALICE);
    let sorted = [1, 3, 5].map(U256::from).to_vec();
    assert_eq!(values.returned, Some(sorted));
    agree!(both, collections.valueAt(U256::from(9)), ALICE); // out of range: a revert

    let weth = WrappedEther::at(
        agree!(both, WrappedEther::deployment(), ALICE)
            .created()
            .unwrap(),
    );
    agree!(both, weth.deposit().value(U256::from(100)), ALICE);
    agree!(both, weth.withdraw(U256::from(101)), ALICE); // more than deposited: a revert
    agree!(both, weth.withdraw(U256::from(40)), ALICE);
    let supply = agree!(both, weth.totalSupply(), ALICE);
    assert_eq!(supply.returned, Some(U256::from(60)));
}

/// Structs, arrays of structs, fixed and nested arrays, strings and a payable function go
/// through the typed entries as Move values (flattened structs, parallel vectors), and
/// come back as Move results, as revm's calldata calls go.
#[test]
fn typed_entry_calls_agree_with_revm() {
    let mut both = both();
    let shapes = Shapes::at(agree!(both, Shapes::deployment(), ALICE).created().unwrap());
    let order = |amount: u64| IShapes::Order {
        owner: ALICE,
        amount: alloy_primitives::Uint::from(amount),
        tag: fixed_bytes!("0x0000000000000000000000000000000000000000000000000000000000000009"),
    };
    let placed = agree_entry!(both, shapes.placeOrders(vec![order(3), order(4)]), ALICE);
    assert_eq!(placed.returned, Some(U256::from(2)));
    let orders = agree_entry!(both, shapes.getOrders(), ALICE);
    assert_eq!(orders.returned, Some(vec![order(3), order(4)]));
    let point = |x: i64, y: i64| IShapes::Point { x, y };
    let middle = agree_entry!(both, shapes.midpoint(point(-2, 0), point(4, -6)), ALICE);
    assert_eq!(middle.returned, Some(point(1, -3)));
    let batch = IShapes::Batch {
        label: "e".into(),
        values: vec![U256::from(30), U256::from(12)],
        origin: point(1, 1),
    };
    agree_entry!(both, shapes.summarize(batch.clone()), ALICE);
    agree_entry!(both, shapes.shiftBatches(vec![batch], -5), ALICE);
    agree_entry!(both, shapes.transpose([[1, 2, 3], [4, 5, 6]]), ALICE);
    let words = vec!["x".to_owned(), String::new(), "yz".to_owned()];
    agree_entry!(both, shapes.reverseWords(words), ALICE);

    let created = agree!(both, Collections::deployment(), ALICE).created();
    let collections = Collections::at(created.unwrap());
    let items = vec![U256::from(8), U256::from(2)];
    agree_entry!(both, collections.pushMany(items), ALICE);
    agree_entry!(both, collections.sortValues(), ALICE);
    agree_entry!(both, collections.getValues(), ALICE);
    agree_entry!(both, collections.valueAt(U256::from(9)), ALICE); // out of range: a revert

    let created = agree!(both, WrappedEther::deployment(), ALICE).created();
    let weth = WrappedEther::at(created.unwrap());
    agree_entry!(both, weth.deposit().value(U256::from(100)), ALICE);
    agree_entry!(both, weth.withdraw(U256::from(101)), ALICE); // more than deposited: a revert
    agree_entry!(both, weth.withdraw(U256::from(40)), ALICE);
    let supply = agree_entry!(both, weth.totalSupply(), ALICE);
    assert_eq!(supply.returned, Some(U256::from(60)));
}

/// `Ledger` (`contracts/solc-js/Ledger.sol`), compiled from Solidity at build time by
/// solc-js: deployed with constructor arguments, its overloads (`pay_0`, `pay_1`, as `sol!`
/// numbers them in the ABI's order), its event and its custom error, as calldata and
/// through the typed entries, agree with revm; the manifest records solc-js's version and
/// settings.
#[cfg(solc_js)]
#[test]
fn a_contract_compiled_by_solc_js_at_build_time_agrees_with_revm() {
    use corpus::{
        ledger::{Errors, ILedger},
        Ledger,
    };
    use evmove::bindings::sol_types::{ContractError, SolCall};

    assert_eq!(ILedger::pay_0Call::SIGNATURE, "pay(address)");
    assert_eq!(ILedger::pay_1Call::SIGNATURE, "pay(address,uint256)");
    let mut both = both();
    let deployment = Ledger::deployment("books".into(), U256::from(10));
    let ledger = Ledger::at(agree!(both, deployment, ALICE).created().unwrap());
    let bob = address!("0000000000000000000000000000000000000b0b");
    let paid = agree!(both, ledger.pay_0(bob), ALICE);
    assert_eq!(paid.returned, Some(U256::from(1)));
    let moved = ILedger::Moved {
        from: ALICE,
        to: bob,
        amount: U256::from(1),
    };
    assert_eq!(paid.events, [corpus::ledger::Events::Moved(moved)]);
    let paid = agree_entry!(both, ledger.pay_1(bob, U256::from(4)), ALICE);
    assert_eq!(paid.returned, Some(U256::from(5)));
    agree_entry!(both, ledger.pay_0(bob), ALICE);
    let overdrawn = agree_entry!(both, ledger.pay_1(bob, U256::from(50)), ALICE);
    let expected = ILedger::Overdrawn {
        account: ALICE,
        balance: U256::from(4),
        wanted: U256::from(50),
    };
    assert_eq!(
        overdrawn.reverted,
        Some(ContractError::CustomError(Errors::Overdrawn(expected)))
    );
    let label = agree_entry!(both, ledger.label(), ALICE);
    assert_eq!(label.returned.as_deref(), Some("books"));

    let manifest = concat!(env!("OUT_DIR"), "/evmove/manifest.json");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(manifest).unwrap()).unwrap();
    assert_eq!(manifest["solc"]["compiler"], "solc-js");
    let version = manifest["solc"]["version"].as_str().unwrap();
    assert!(version.starts_with("0.8.30+commit."), "{version}");
    assert!(manifest["solc"]["settings"]["outputSelection"].is_object());
}

#[cfg(not(solc_js))]
#[test]
fn a_contract_compiled_by_solc_js_at_build_time_agrees_with_revm() {
    eprintln!(
        "skipped: no solc-js (run `npm ci` in tests/contracts, as .ci/run does, or set SOLCJS)"
    );
}
