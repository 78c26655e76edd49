//! The typed bindings `evmove::build` generates for the whole corpus (`build.rs`) compile
//! for every ABI shape in it (structs, arrays of structs, nested and fixed arrays, enums),
//! and their calls agree with revm: status, return and revert data, logs, created addresses.

/// Every corpus contract's bindings, most of them unused here: compiled is the point.
#[allow(dead_code, unused_imports)]
mod corpus {
    include!(concat!(env!("OUT_DIR"), "/evmove/contracts.rs"));
}

use alloy_primitives::{address, fixed_bytes, Address, U256};
use corpus::{shapes::IShapes, Collections, Shapes, WrappedEther};
use evmove_tests::{agree, bindings::Both};

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
