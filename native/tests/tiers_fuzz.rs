//! A differential fuzzer between the tiers: random programs — the corpus's code, mutated
//! zero to three times (bit flips, truncations, insertions, deletions), so their lowered
//! modules are ones no test wrote — deployed and called with random arguments in a runtime
//! running the interpreter and in one running the native tier. Every transaction must end
//! the same in both: status (the halt's reason too), output, created address, logs, gas
//! used and every state change, or both fail alike.
//!
//! `EVMOVE_FUZZ_CASES=<n>` runs `n` cases instead of [`CASES`] (a long run).

use std::cell::RefCell;

use alloy_primitives::{Address, U256};
use evmove::provider::OnDemand;
use evmove_native::Tier;
use evmove_runtime::DEFAULT_PUBLISHER;
use evmove_tests::{
    corpus::{self, Blob},
    differential::difference_between,
    engine::Engine,
    evmove_engine::EvmoveEngine,
    mutants::mutate,
    outcome::Tx,
};
use proptest::{
    prelude::*,
    sample::Index,
    test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner},
};

/// How many programs CI runs.
const CASES: u32 = 48;

const SENDER: Address = Address::repeat_byte(0x5e);

/// One program and what is sent to it.
#[derive(Clone, Debug)]
struct Case {
    /// The corpus blob it starts from.
    blob: Index,
    /// How many mutations, and the seed choosing them.
    mutations: usize,
    seed: [u8; 32],
    /// Calls of the contract's ABI functions (runtime code only): which function, and its
    /// argument words.
    calls: Vec<(Index, Vec<u64>)>,
}

fn case() -> impl Strategy<Value = Case> {
    let call = (any::<Index>(), prop::collection::vec(any::<u64>(), 0..4));
    (
        any::<Index>(),
        0..=3usize,
        any::<[u8; 32]>(),
        prop::collection::vec(call, 1..4),
    )
        .prop_map(|(blob, mutations, seed, calls)| Case {
            blob,
            mutations,
            seed,
            calls,
        })
}

/// The two tiers, on states kept equal.
struct Tiers {
    interpreter: EvmoveEngine,
    native: EvmoveEngine,
}

impl Tiers {
    fn new() -> Self {
        let engine = |tier| EvmoveEngine::in_tier(OnDemand::new(DEFAULT_PUBLISHER), tier);
        Self {
            interpreter: engine(Tier::Interpreter),
            native: engine(Tier::Native),
        }
    }

    /// Runs `tx` in both tiers: the interpreter's outcome, or how the two differ.
    fn compare(&mut self, tx: &Tx) -> Result<Option<Address>, String> {
        match (self.interpreter.execute(tx), self.native.execute(tx)) {
            (Ok(expected), Ok(actual)) => {
                let reason = (expected.status != actual.status)
                    .then(|| format!("status {:?} and {:?}", expected.status, actual.status));
                let sides = ["the interpreter", "the native tier"];
                match reason.or_else(|| difference_between(sides, &expected, &actual)) {
                    Some(difference) => Err(format!("the tiers differ on {tx:?}: {difference}")),
                    None => Ok(expected.created),
                }
            }
            (Err(_), Err(_)) => Ok(None),
            (expected, actual) => Err(format!(
                "on {tx:?}: the interpreter {:?}, the native tier {:?}",
                expected.map(|o| o.status),
                actual.map(|o| o.status)
            )),
        }
    }
}

/// Runs `case` in both tiers (from empty states; each keeps the modules it compiled).
fn run(tiers: &mut Tiers, blobs: &[Blob], case: &Case) -> Result<(), String> {
    let (label, contract, code, _) = case.blob.get(blobs);
    let mut rng = TestRng::from_seed(RngAlgorithm::ChaCha, &case.seed);
    let mut program = code.clone();
    for _ in 0..case.mutations {
        program = mutate(&program, &mut rng);
    }
    let hex: String = program.iter().map(|b| format!("{b:02x}")).collect();
    let context = |error: String| {
        format!(
            "{label}, {} mutations: {error}\ncode: {hex}",
            case.mutations
        )
    };
    for engine in [&mut tiers.interpreter, &mut tiers.native] {
        engine.clear_state();
        engine.fund(SENDER, U256::from(10).pow(U256::from(20)));
    }
    let runtime = label.ends_with("/runtime");
    let deploy = match runtime {
        true => Tx::deploy(SENDER, &program),
        false => Tx::create(SENDER, program.clone()),
    };
    let created = tiers.compare(&deploy).map_err(context)?;
    let (Some(address), true) = (created, runtime) else {
        return Ok(());
    };
    let functions: Vec<_> = contract.abi.functions().collect();
    if functions.is_empty() {
        return Ok(());
    }
    for (function, words) in &case.calls {
        let function = function.get(&functions);
        let mut calldata = function.selector().to_vec();
        for word in words {
            calldata.extend(U256::from(*word % 1000).to_be_bytes::<32>());
        }
        tiers
            .compare(&Tx::call(SENDER, address, calldata))
            .map_err(context)?;
    }
    Ok(())
}

#[test]
fn the_tiers_agree_on_random_programs() {
    let cases = std::env::var("EVMOVE_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(CASES);
    let blobs = corpus::blobs();
    let tiers = RefCell::new(Tiers::new());
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let result = runner.run(&case(), |case| {
        run(&mut tiers.borrow_mut(), &blobs, &case).map_err(TestCaseError::fail)
    });
    if let Err(TestError::Fail(reason, case)) = &result {
        panic!("{reason}\n{case:?}");
    }
    result.expect("the fuzzer runs");
    let stats = (tiers.borrow().native.native_tier())
        .expect("native")
        .stats();
    eprintln!("{cases} programs agree in both tiers: {stats:?}");
    assert!(stats.native_frames > 0, "no frame ran natively: {stats:?}");
}
