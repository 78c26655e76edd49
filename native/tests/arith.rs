//! Property tests of Move arithmetic in the native tier: the functions of `arith.move`
//! (every arithmetic instruction at every width, casts, comparisons, a loop calling a word
//! native and charging gas, the word natives computed in place (MUL among them), shifts
//! and BYTE by constants, a charge gated by fork, recursion, Move aborts) run in both tiers on random arguments biased to the edges, at a
//! fork with and without the gated charge's, and must end the same way: the same results,
//! or the same VM status, and the same gas left.

mod common;

use std::{collections::BTreeMap, path::PathBuf};

use common::{fit, Tiers};
use evmove_runtime::{stdlib, SpecId};
use evmove_word::shim::gate::Charge;
use move_binary_format::CompiledModule;
use move_compiler::{
    compiled_unit::{AnnotatedCompiledUnit, CompiledUnitEnum},
    diagnostics::report_diagnostics_to_buffer,
    shared::NumericalAddress,
    Compiler,
};
use proptest::{collection::vec, prelude::*};

/// `arith.move`, compiled against the shim library.
fn arith_module() -> CompiledModule {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let source = dir.join("tests/arith.move").display().to_string();
    let shim = std::fs::read_dir(dir.join("../stdlib/sources"))
        .unwrap()
        .map(|entry| entry.unwrap().path().display().to_string())
        .collect();
    let evmove = NumericalAddress::parse_str(&stdlib::address().to_hex_literal()).unwrap();
    let named = BTreeMap::from([("evmove".to_string(), evmove)]);
    let (files, units) = Compiler::from_files(vec![source], shim, named)
        .build()
        .unwrap();
    let units = match units {
        Ok((units, _warnings)) => units,
        Err(diags) => panic!(
            "arith.move does not compile:\n{}",
            String::from_utf8_lossy(&report_diagnostics_to_buffer(&files, diags))
        ),
    };
    let [AnnotatedCompiledUnit::Module(module)] = <[_; 1]>::try_from(units).ok().unwrap() else {
        panic!("one module expected");
    };
    let bytes = CompiledUnitEnum::Module(module.named_module).serialize(None);
    CompiledModule::deserialize(&bytes).unwrap()
}

/// A u128 biased to the values where arithmetic changes behaviour.
fn edgy() -> impl Strategy<Value = u128> {
    prop_oneof![
        Just(0u128),
        Just(1),
        Just(u128::MAX),
        Just(u64::MAX as u128),
        Just(u8::MAX as u128),
        0u128..300,
        any::<u64>().prop_map(u128::from),
        any::<u128>(),
        (0u32..128).prop_map(|bits| 1u128 << bits),
    ]
}

fn gas() -> impl Strategy<Value = u64> {
    prop_oneof![Just(0u64), 0u64..400, Just(1_000_000)]
}

/// The block's fork: newer than `gated`'s Cancun, Cancun itself, and older (it halts).
fn spec() -> impl Strategy<Value = SpecId> {
    prop_oneof![
        Just(SpecId::OSAKA),
        Just(SpecId::CANCUN),
        Just(SpecId::SHANGHAI)
    ]
}

#[test]
fn the_gated_charge_of_arith_move_is_5_gas_since_cancun() {
    let charge = Charge {
        gas: 5,
        since: SpecId::CANCUN,
    };
    assert_eq!(charge.encode(), 0x0B00000000000005);
}

#[test]
fn every_function_of_arith_move_compiles() {
    let tiers = Tiers::new(&arith_module());
    for (name, result) in tiers.native.report() {
        assert!(result.is_ok(), "{name}: {result:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn both_tiers_agree_on_arith_move(args in vec(edgy(), 4), gas in gas(), spec in spec()) {
        thread_local!(static TIERS: Tiers = Tiers::new(&arith_module()));
        TIERS.with(|tiers| {
            let names: Vec<String> = tiers.native.report().map(|(name, _)| name.to_string()).collect();
            for name in names {
                let (params, _) = tiers.native.signature(&name).unwrap();
                let args: Vec<u128> = params.iter().zip(&args).map(|(t, v)| fit(*v, *t)).collect();
                // The recursion's depth stays below the interpreter's call-stack limit.
                let args = match name.as_str() {
                    "factorial" | "charged" => args.iter().map(|a| a % 64).collect(),
                    "sum" => args.iter().enumerate().map(|(i, a)| if i == 1 { a % 1200 } else { *a }).collect(),
                    _ => args,
                };
                assert!(tiers.compare(&name, &args, gas, spec), "{name} misdeclared");
            }
        });
    }
}
