//! Measures the native tier (run in release; times are not tests): how long Cranelift takes
//! to compile the Token modules (legacy-opt, runtime code and initcode), and one ERC20
//! transfer's time, end to end through the runtime, with and without the tier.
//!
//! `cargo run --release -p evmove-native --example measure`

use std::time::{Duration, Instant};

use alloy_dyn_abi::DynSolValue;
use alloy_primitives::{address, Address, U256};
use evmove::{
    lower::typed::TypedEntries,
    pipeline::{compile, Stage, Target},
    provider::OnDemand,
};
use evmove_native::{NativeModule, Tier};
use evmove_runtime::DEFAULT_PUBLISHER;
use evmove_tests::{
    corpus::{Contract, Setting},
    engine::Engine,
    evmove_engine::EvmoveEngine,
    outcome::{Status, Tx},
};
use move_binary_format::CompiledModule;
use move_core_types::account_address::AccountAddress;

const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
const BOB: Address = address!("0000000000000000000000000000000000000b0b");
const TRANSFERS: u32 = 2_000;

fn main() {
    let token = Contract::load(Setting::LegacyOpt, "Token", "Token");
    for (blob, code) in [
        ("runtime", &token.runtime_code),
        ("initcode", &token.initcode),
    ] {
        let module = move_module(code);
        let best = (0..5)
            .map(|_| {
                let start = Instant::now();
                NativeModule::compile(&module).expect("compiles");
                start.elapsed()
            })
            .min()
            .unwrap_or_default();
        let functions = module.function_defs.len();
        println!("Token {blob}: {functions} functions compiled in {best:?} (best of 5)");
    }
    let interpreted = transfer_time(&token, Tier::Interpreter);
    let native = transfer_time(&token, Tier::Native);
    println!("ERC20 transfer, interpreter: {interpreted:?}; native tier: {native:?}");
}

fn move_module(code: &[u8]) -> CompiledModule {
    let typed = TypedEntries::default();
    let target = Target {
        address: AccountAddress::from_hex_literal("0x2").unwrap(),
        name: "Token",
        typed: &typed,
    };
    let compiled = compile(code, target, Stage::Move)
        .unwrap()
        .into_compiled()
        .unwrap();
    CompiledModule::deserialize(&compiled.bytes).unwrap()
}

/// The mean time of a transfer of 1 from ALICE to BOB, after one transfer that compiles.
fn transfer_time(token: &Contract, tier: Tier) -> Duration {
    let mut chain = EvmoveEngine::in_tier(OnDemand::new(DEFAULT_PUBLISHER), tier);
    chain.fund(ALICE, U256::from(10).pow(U256::from(20)));
    let args = [
        DynSolValue::String("Token".into()),
        DynSolValue::String("TKN".into()),
        DynSolValue::from(U256::from(1_000_000_000u64)),
    ];
    let created = chain
        .execute(&Tx::create(ALICE, token.deploy_data(&args)))
        .unwrap();
    let to = created.created.expect("the token is created");
    let transfer = Tx::call(
        ALICE,
        to,
        token.calldata("transfer", &[BOB.into(), DynSolValue::from(U256::from(1))]),
    );
    let run = |chain: &mut EvmoveEngine| {
        let outcome = chain.execute(&transfer).unwrap();
        assert_eq!(outcome.status, Status::Success);
    };
    run(&mut chain);
    let start = Instant::now();
    for _ in 0..TRANSFERS {
        run(&mut chain);
    }
    start.elapsed() / TRANSFERS
}
