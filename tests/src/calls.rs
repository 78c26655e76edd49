//! Generated calls of a contract's functions: ABI-typed arguments (`abi_values`) and a
//! sender, from a deterministic proptest runner, so every run sends the same calls.

use alloy_dyn_abi::{DynSolType, DynSolValue, JsonAbiExt, Specifier};
use alloy_json_abi::{Function, StateMutability};
use alloy_primitives::{Address, Bytes, U256};
use proptest::{
    strategy::{BoxedStrategy, Strategy, ValueTree},
    test_runner::{Config, TestRng, TestRunner},
};

use crate::{
    abi_values::{arguments, ADDRESSES},
    corpus::{Contract, Setting},
    engine::Engine,
    outcome::Tx,
};

/// Generated calls of each function per compiler setting, in the differential tests.
pub const CASES: usize = 256;

/// Rounds of generated calls between redeployments: state the calls build up stays small
/// enough to be cheap, and large enough to be interesting.
pub const ROUNDS_PER_DEPLOYMENT: usize = 16;

/// Gas per generated call: enough for any call on a reasonable state, small enough that
/// calls on states that grow (sorting hundreds of slots) stop soon. A call that runs out of
/// gas in revm is not compared: neither the IR interpreter nor the Move runtime models EVM
/// gas exactly.
pub const GAS_LIMIT: u64 = 3_000_000;

/// Generated calls of one function: arguments and a sender, from a deterministic runner.
pub struct CallGenerator {
    /// The function called.
    pub function: Function,
    strategy: BoxedStrategy<(Vec<DynSolValue>, usize)>,
    runner: TestRunner,
}

impl CallGenerator {
    /// Calls of `function`, the same sequence every run.
    pub fn new(function: Function) -> Self {
        let types: Vec<DynSolType> = function
            .inputs
            .iter()
            .map(|input| input.resolve().expect("corpus ABI types resolve"))
            .collect();
        let strategy = (arguments(types), 0..ADDRESSES.len() - 1).boxed();
        let rng = TestRng::deterministic_rng(Default::default());
        Self {
            function,
            strategy,
            runner: TestRunner::new_with_rng(Config::default(), rng),
        }
    }

    /// The next call: sender, calldata, value (payable functions get some wei).
    pub fn next_call(&mut self) -> (Address, Vec<DynSolValue>, Bytes, U256) {
        let tree = self.strategy.new_tree(&mut self.runner).expect("strategy");
        let (args, sender) = tree.current();
        let calldata = self
            .function
            .abi_encode_input(&args)
            .expect("encodes")
            .into();
        let value = match self.function.state_mutability {
            StateMutability::Payable => U256::from(1000),
            _ => U256::ZERO,
        };
        (ADDRESSES[sender], args, calldata, value)
    }
}

/// The constructor arguments of the corpus `Token` in the generated-call tests.
pub fn token_args() -> Vec<DynSolValue> {
    vec![
        DynSolValue::String("Token".into()),
        DynSolValue::String("TKN".into()),
        DynSolValue::Uint(U256::from(10).pow(U256::from(21)), 256),
    ]
}

/// Funds the generated senders (`ADDRESSES`) on `engine` and deploys corpus contract `name`
/// of `file`, compiled in `setting`, from the first: the contract and its address.
pub fn deploy_for_calls(
    engine: &mut impl Engine,
    setting: Setting,
    file: &str,
    name: &str,
    args: &[DynSolValue],
) -> (Contract, Address) {
    for account in ADDRESSES {
        engine.fund(account, U256::from(10).pow(U256::from(24)));
    }
    let contract = Contract::load(setting, file, name);
    let deployed = engine
        .execute(&Tx::create(ADDRESSES[0], contract.deploy_data(args)))
        .unwrap();
    let address = deployed.created.expect("the contract deploys");
    (contract, address)
}
