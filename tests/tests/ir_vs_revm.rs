//! The front end checked semantically, before any lowering: the IR lifted from a deployed
//! corpus contract, run by the IR interpreter, does what revm does with the EVM code — same
//! success or revert, return data, logs and storage writes — for generated calls of every
//! function that makes no external call, in every compiler setting. So does the optimised
//! IR with every function split into parts of about a block each (`evmove::lower::split`,
//! the rewrite of functions too large for Move), so that every jump crosses parts: checked
//! on one round of calls in [`SPLIT_EVERY`], as the interpreter runs it slowly.

use alloy_dyn_abi::DynSolValue;
use alloy_primitives::{Address, Bytes, U256};
use std::collections::BTreeMap;

use evmove::{
    evm::Code,
    ir::{verify_module, FuncRef, Module},
    lift::lift,
    lower::{
        split::{split, PART_INSTRUCTIONS},
        LowerError,
    },
    opt::optimize,
};
use evmove_tests::{
    calls::{deploy_for_calls, token_args, CallGenerator, CASES, GAS_LIMIT, ROUNDS_PER_DEPLOYMENT},
    corpus::{Contract, Setting},
    ir_interpreter::{self, Host, Outcome},
    outcome::{Status, Tx, TxOutcome},
    revm_oracle::RevmOracle,
};

/// The split IR runs one round of calls in this many.
const SPLIT_EVERY: usize = 8;

/// A contract deployed in revm, with the IR lifted from its deployed code.
struct Subject {
    revm: RevmOracle,
    contract: Contract,
    address: Address,
    code: Bytes,
    /// The IR as lifted, after the optimisation passes, and split: all must agree with revm.
    modules: [Module; 3],
}

impl Subject {
    fn deploy(setting: Setting, file: &str, name: &str, args: &[DynSolValue]) -> Self {
        let mut revm = RevmOracle::new();
        let (contract, address) = deploy_for_calls(&mut revm, setting, file, name, args);
        let code = revm.code(address);
        let module = lift(&Code::new(code.clone()))
            .unwrap_or_else(|err| panic!("{setting}/{name}: {err}"))
            .module;
        let mut optimized = module.clone();
        optimize(&mut optimized);
        verify_module(&optimized).unwrap_or_else(|err| panic!("{setting}/{name}: {err}"));
        let split = split_finely(&optimized);
        verify_module(&split).unwrap_or_else(|err| panic!("{setting}/{name} split: {err}"));
        Self {
            revm,
            contract,
            address,
            code,
            modules: [module, optimized, split],
        }
    }

    /// Runs one call in both engines, the split IR too if `split_too`; describes the first
    /// difference, if any.
    fn compare(
        &mut self,
        from: Address,
        calldata: Bytes,
        value: U256,
        split_too: bool,
    ) -> Result<(), String> {
        let storage = self.revm.storage_of(self.address);
        let balance = self.revm.balance(self.address);
        let mut tx = Tx::call(from, self.address, calldata.clone()).with_value(value);
        tx.gas_limit = GAS_LIMIT;
        let expected = self.revm.execute(&tx).unwrap();
        if matches!(&expected.status, Status::Halt(reason) if reason.starts_with("OutOfGas")) {
            // Gas is not modelled by the interpreter: such a call says nothing.
            return Ok(());
        }
        let stages = ["lifted", "optimised", "split"];
        let checked = if split_too { 3 } else { 2 };
        for (module, stage) in self.modules.iter().zip(stages).take(checked) {
            let host = Host {
                address: self.address,
                caller: from,
                value,
                calldata: calldata.clone(),
                code: self.code.clone(),
                balance: balance + value,
                storage: storage.clone(),
                timestamp: U256::from(1),
                chain_id: U256::from(1),
                ..Host::default()
            };
            agree(module, host, &storage, &expected, self.address)
                .map_err(|difference| format!("{stage} IR: {difference}"))?;
        }
        Ok(())
    }
}

/// `module` with each function of more than one block split into parts of about one block
/// each: the split is sized as if lowering had measured [`PART_INSTRUCTIONS`] per block.
fn split_finely(module: &Module) -> Module {
    let mut split_module = module.clone();
    for (i, function) in module.functions.iter().enumerate() {
        let instructions = PART_INSTRUCTIONS * function.layout().len();
        let first_part = FuncRef::new(split_module.functions.len());
        match split(function, instructions, first_part) {
            Ok(split) => {
                split_module.functions[i] = split.driver;
                split_module.functions.extend(split.parts);
            }
            // One block: nothing to split.
            Err(LowerError::TooLarge { .. }) => {}
            Err(err) => panic!("{err}"),
        }
    }
    split_module
}

/// Whether `module` run on `host` does what revm did (`expected`).
fn agree(
    module: &Module,
    mut host: Host,
    storage: &BTreeMap<U256, U256>,
    expected: &TxOutcome,
    address: Address,
) -> Result<(), String> {
    let got = ir_interpreter::run(module, &mut host);
    let agrees = match (&expected.status, &got) {
        (Status::Success, Outcome::Success(data)) => *data == expected.output,
        (Status::Revert, Outcome::Revert(data)) => *data == expected.output,
        (Status::Halt(_), Outcome::Halt(_)) => true,
        _ => false,
    };
    if !agrees {
        return Err(format!(
            "revm {:?} {}, IR {got:?}",
            expected.status, expected.output
        ));
    }
    if expected.status != Status::Success {
        return Ok(());
    }
    if host.logs != expected.logs {
        return Err(format!(
            "logs: revm {:?}, IR {:?}",
            expected.logs, host.logs
        ));
    }
    let written: Vec<(U256, U256)> = host
        .storage
        .iter()
        .filter(|(slot, value)| storage.get(slot).copied().unwrap_or_default() != **value)
        .map(|(&slot, &value)| (slot, value))
        .collect();
    let expected_written: Vec<(U256, U256)> = expected
        .changes
        .get(&address)
        .map(|change| change.storage.iter().map(|(&s, &v)| (s, v)).collect())
        .unwrap_or_default();
    if written != expected_written {
        return Err(format!(
            "storage: revm {expected_written:?}, IR {written:?}"
        ));
    }
    Ok(())
}

/// Generated calls of every function of a contract but `skip` (those that call out), in
/// every setting: `CASES` rounds of one call of each function, on a contract redeployed every
/// `ROUNDS_PER_DEPLOYMENT` rounds (state the calls build up stays small enough to be cheap,
/// and large enough to be interesting). Fails listing every difference.
fn check_contract(file: &str, name: &str, args: &[DynSolValue], skip: &[&str]) {
    let mut failures = Vec::new();
    for setting in Setting::ALL {
        let mut subject = Subject::deploy(setting, file, name, args);
        let mut generators: Vec<CallGenerator> = subject
            .contract
            .abi
            .functions()
            .filter(|f| !skip.contains(&f.name.as_str()))
            .cloned()
            .map(CallGenerator::new)
            .collect();
        for round in 0..CASES {
            if round > 0 && round % ROUNDS_PER_DEPLOYMENT == 0 {
                subject = Subject::deploy(setting, file, name, args);
            }
            for generator in &mut generators {
                let (sender, values, calldata, value) = generator.next_call();
                let split_too = round % SPLIT_EVERY == 0;
                if let Err(difference) = subject.compare(sender, calldata, value, split_too) {
                    let function = &generator.function.name;
                    failures.push(format!(
                        "{setting}/{name}.{function}({values:?}): {difference}"
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn math_harness() {
    check_contract("MathLib", "MathHarness", &[], &[]);
}

#[test]
fn token() {
    check_contract("Token", "Token", &token_args(), &[]);
}

#[test]
fn collections() {
    check_contract("Collections", "Collections", &[], &[]);
}

#[test]
fn wrapped_ether_without_withdrawals() {
    check_contract("WrappedEther", "WrappedEther", &[], &["withdraw"]);
}

#[test]
fn transient_storage_and_mcopy() {
    // tryReenter and reenterOrRevert call this contract; multicall delegate-calls it.
    let skip = ["tryReenter", "reenterOrRevert", "multicall"];
    check_contract("Transient", "TransientUser", &[], &skip);
}
