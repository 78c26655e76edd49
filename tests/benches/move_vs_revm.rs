//! evmove against revm on the same transactions, in the same run: one ERC20 transfer, one
//! math-heavy call (FullMath.mulDiv with a 512-bit intermediate), one loop (111 Collatz
//! steps) and one exponentiation (EXP of a 255-bit exponent, unchecked), each executed by revm and by the Move runtime in both tiers (the interpreter and
//! the native tier's machine code) on states where the contract is deployed. The engines
//! commit each transaction to their in-memory state and report the same outcome shape, so
//! the ratio of the times is the cost of running transpiled code as Move, in each tier.
//!
//! `cargo bench -p evmove-tests --bench move_vs_revm`

use alloy_dyn_abi::DynSolValue;
use alloy_primitives::{address, Address, Bytes, U256};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use evmove::provider::OnDemand;
use evmove_native::Tier;
use evmove_runtime::DEFAULT_PUBLISHER;
use evmove_tests::{
    corpus::{Contract, Setting},
    engine::Engine,
    evmove_engine::EvmoveEngine,
    outcome::{Status, Tx},
    revm_oracle::RevmOracle,
};

// The `evmove` binary's allocator, so the ratios are the ones it shows; revm runs under it too.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
const BOB: Address = address!("0000000000000000000000000000000000000b0b");

/// Deploys `name` of `file` on `engine`; its address.
fn deploy(engine: &mut dyn Engine, file: &str, name: &str, args: &[DynSolValue]) -> Address {
    engine.fund(ALICE, U256::from(10).pow(U256::from(24)));
    let contract = Contract::load(Setting::ViaIrOpt, file, name);
    let outcome = engine
        .execute(&Tx::create(ALICE, contract.deploy_data(args)))
        .expect("deploys");
    outcome.created.expect("a contract")
}

/// One workload: a contract and the call repeated on it.
struct Workload {
    name: &'static str,
    file: &'static str,
    contract: &'static str,
    constructor: Vec<DynSolValue>,
    calldata: Bytes,
}

fn workloads() -> Vec<Workload> {
    let token = Contract::load(Setting::ViaIrOpt, "Token", "Token");
    let math = Contract::load(Setting::ViaIrOpt, "MathLib", "MathHarness");
    let collections = Contract::load(Setting::ViaIrOpt, "Collections", "Collections");
    let big = U256::MAX / U256::from(3);
    vec![
        Workload {
            name: "erc20_transfer",
            file: "Token",
            contract: "Token",
            constructor: vec![
                DynSolValue::String("Token".into()),
                DynSolValue::String("TKN".into()),
                DynSolValue::Uint(U256::from(10).pow(U256::from(30)), 256),
            ],
            calldata: token.calldata(
                "transfer",
                &[
                    DynSolValue::Address(BOB),
                    DynSolValue::Uint(U256::from(1), 256),
                ],
            ),
        },
        Workload {
            name: "muldiv_512",
            file: "MathLib",
            contract: "MathHarness",
            constructor: vec![],
            calldata: math.calldata(
                "mulDiv",
                &[
                    DynSolValue::Uint(big, 256),
                    DynSolValue::Uint(big - U256::from(7), 256),
                    DynSolValue::Uint(big + U256::from(11), 256),
                ],
            ),
        },
        Workload {
            name: "exp",
            file: "MathLib",
            contract: "MathHarness",
            constructor: vec![],
            calldata: math.calldata(
                "powUnchecked",
                &[
                    DynSolValue::Uint(U256::from(3), 256),
                    DynSolValue::Uint(big, 256),
                ],
            ),
        },
        Workload {
            name: "loop_collatz",
            file: "Collections",
            contract: "Collections",
            constructor: vec![],
            calldata: collections
                .calldata("collatzSteps", &[DynSolValue::Uint(U256::from(27), 256)]),
        },
    ]
}

fn bench(c: &mut Criterion) {
    for workload in workloads() {
        let mut group = c.benchmark_group(workload.name);
        let evmove = |tier| {
            Box::new(EvmoveEngine::in_tier(
                OnDemand::new(DEFAULT_PUBLISHER),
                tier,
            ))
        };
        let engines: [(&str, Box<dyn Engine>); 3] = [
            ("revm", Box::new(RevmOracle::new())),
            ("evmove", evmove(Tier::Interpreter)),
            ("evmove_native", evmove(Tier::Native)),
        ];
        for (engine_name, mut engine) in engines {
            let target = deploy(
                engine.as_mut(),
                workload.file,
                workload.contract,
                &workload.constructor,
            );
            let tx = Tx::call(ALICE, target, workload.calldata.clone());
            // The first call compiles the runtime code on demand (measured calls find its
            // module published) and checks that the call succeeds.
            let first = engine.execute(&tx).expect("runs");
            assert_eq!(first.status, Status::Success, "{engine_name}: {first:?}");
            group.bench_function(BenchmarkId::from_parameter(engine_name), |b| {
                b.iter(|| engine.execute(&tx).expect("runs"))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
