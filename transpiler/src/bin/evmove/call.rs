//! `evmove call`: deploy a contract and call it on the embedded Move runtime, every piece of
//! EVM code compiled to Move on demand, and print the outcome: status, return data decoded
//! by the ABI when known, logs.

use std::{path::PathBuf, process::ExitCode};

use alloy_dyn_abi::{DynSolType, DynSolValue, FunctionExt, JsonAbiExt, Specifier};
use alloy_json_abi::{Function, JsonAbi};
use alloy_primitives::{address, Address, Bytes, Log, U256};
use clap::Args;
use evmove::{artifact, provider::OnDemand};
use evmove_runtime::{
    Account, BlockEnv, InMemoryState, Runtime, Status, Transaction, TxOutcome, DEFAULT_PUBLISHER,
};

use crate::{
    state_file,
    tier::{self, TierArg},
};

/// The sender when `--from` is not given.
const DEFAULT_SENDER: Address = address!("00000000000000000000000000000000000a11ce");

/// Arguments of `evmove call`.
#[derive(Args)]
pub struct CallArgs {
    /// The contract: a compiler artifact (solc, Foundry, Hardhat, Truffle) or hex initcode.
    input: PathBuf,
    /// Which contract of the input, by name, when it holds several.
    #[arg(long)]
    contract: Option<String>,
    /// Arguments of the constructor, one per flag, as Solidity literals
    /// (`--constructor-arg 1000 --constructor-arg '"Token"'`).
    #[arg(long = "constructor-arg", value_name = "VALUE")]
    constructor_args: Vec<String>,
    /// Call the contract already deployed at this address (with `--state`) instead of
    /// deploying it.
    #[arg(long, value_name = "ADDRESS")]
    at: Option<Address>,
    /// The function to call: a name the ABI knows, or a signature (`transfer(address,uint256)`).
    #[arg(short, long)]
    function: Option<String>,
    /// The function's arguments, as Solidity literals.
    args: Vec<String>,
    /// The sender; given 1000 ether if it has no account yet.
    #[arg(long, default_value_t = DEFAULT_SENDER)]
    from: Address,
    /// Wei sent with the call.
    #[arg(long, default_value_t = U256::ZERO)]
    value: U256,
    /// Gas budget per transaction (default: EIP-7825's cap, the most a transaction may have).
    #[arg(long, default_value_t = evmove_runtime::exec::fees::TX_GAS_LIMIT_CAP)]
    gas_limit: u64,
    /// A JSON state file read before and written after (created if missing); without it the
    /// state lives in memory for this run only.
    #[arg(long)]
    state: Option<PathBuf>,
    #[command(flatten)]
    tier: TierArg,
}

pub fn run(args: &CallArgs) -> ExitCode {
    match call(args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Deploys (unless `--at`) and calls; `Ok(false)` if a transaction did not succeed.
fn call(args: &CallArgs) -> Result<bool, String> {
    let contracts = artifact::load_path(&args.input).map_err(|err| err.to_string())?;
    let contract = match &args.contract {
        Some(name) => contracts
            .iter()
            .find(|c| c.name.as_deref() == Some(name))
            .ok_or_else(|| format!("{} has no contract named {name}", args.input.display()))?,
        None => {
            let deployable: Vec<_> = contracts
                .iter()
                .filter(|c| c.initcode().is_some_and(|code| !code.is_empty()))
                .collect();
            match deployable.as_slice() {
                [one] => *one,
                [] if contracts.len() == 1 => &contracts[0],
                _ => {
                    return Err(
                        "the input holds several contracts: choose one with --contract".into(),
                    )
                }
            }
        }
    };
    let abi = contract.abi.clone().unwrap_or_default();
    let mut state = match &args.state {
        Some(path) => state_file::load(path)?,
        None => InMemoryState::new(),
    };
    if state.account(args.from).is_none() {
        let ether = U256::from(10).pow(U256::from(18));
        state.set_account(
            args.from,
            Account {
                nonce: 0,
                balance: U256::from(1000) * ether,
            },
        );
    }
    let mut runtime = Runtime::with_publisher(OnDemand::new(DEFAULT_PUBLISHER), DEFAULT_PUBLISHER)
        .map_err(|err| err.to_string())?;
    let native = args.tier.tier.install(&mut runtime);
    let block = BlockEnv::default();
    let execute = |state: &mut InMemoryState, to, data: Bytes, value| {
        let tx = Transaction {
            sender: args.from,
            to,
            value,
            data,
            gas_limit: args.gas_limit,
            ..Transaction::default()
        };
        let outcome = runtime
            .execute(&*state, &block, &tx)
            .map_err(|e| e.to_string())?;
        state.apply(&outcome.write_set);
        Ok::<TxOutcome, String>(outcome)
    };

    let mut ok = true;
    let target = match args.at {
        Some(address) => address,
        None => {
            let initcode = match (contract.initcode(), &contract.code) {
                (Some(code), _) => code.clone(),
                (None, artifact::Bytecode::Unlabelled(code)) => code.clone(),
                (None, _) => return Err(format!("{} has no initcode to deploy", contract.label())),
            };
            let constructor = abi
                .constructor
                .as_ref()
                .map(|c| c.inputs.clone())
                .unwrap_or_default();
            let arguments = parse_values(
                constructor.iter().map(|p| p.resolve()),
                &args.constructor_args,
                "constructor",
            )?;
            let encoded = DynSolValue::Tuple(arguments).abi_encode_params();
            let data: Bytes = [initcode.as_ref(), &encoded].concat().into();
            let outcome = execute(&mut state, None, data, U256::ZERO)?;
            print_outcome(
                &format!("deploy {}", contract.label()),
                &outcome,
                None,
                &abi,
            );
            match outcome.created {
                Some(address) if outcome.status == Status::Success => {
                    println!("  address: {address}");
                    address
                }
                _ => return Ok(false),
            }
        }
    };
    if let Some(name) = &args.function {
        let function = find_function(&abi, name)?;
        let arguments = parse_values(
            function.inputs.iter().map(|p| p.resolve()),
            &args.args,
            &function.name,
        )?;
        let data = function
            .abi_encode_input(&arguments)
            .map_err(|err| format!("arguments of {}: {err}", function.name))?;
        let outcome = execute(&mut state, Some(target), data.into(), args.value)?;
        print_outcome(&function.signature(), &outcome, Some(&function), &abi);
        ok = outcome.status == Status::Success;
    }
    if let Some(line) = tier::summary(native.as_deref()) {
        eprintln!("{line}");
    }
    if let Some(path) = &args.state {
        state_file::save(path, &state)?;
    }
    Ok(ok)
}

/// The function `name` names: a signature, or a name the ABI has exactly one of.
fn find_function(abi: &JsonAbi, name: &str) -> Result<Function, String> {
    if name.contains('(') {
        let parsed = Function::parse(name).map_err(|err| format!("{name}: {err}"))?;
        // Prefer the ABI's entry, which knows the outputs.
        return Ok(abi
            .function(&parsed.name)
            .and_then(|fs| fs.iter().find(|f| f.selector() == parsed.selector()))
            .cloned()
            .unwrap_or(parsed));
    }
    match abi.function(name).map(Vec::as_slice) {
        Some([one]) => Ok(one.clone()),
        Some(_) => Err(format!("{name} is overloaded: give its signature")),
        None => Err(format!(
            "the ABI has no function {name}: give its signature"
        )),
    }
}

/// Parses `texts` as values of `types`, for `what`.
fn parse_values(
    types: impl ExactSizeIterator<Item = Result<DynSolType, alloy_dyn_abi::Error>>,
    texts: &[String],
    what: &str,
) -> Result<Vec<DynSolValue>, String> {
    if types.len() != texts.len() {
        return Err(format!(
            "{what} takes {} arguments, {} given",
            types.len(),
            texts.len()
        ));
    }
    types
        .zip(texts)
        .map(|(ty, text)| {
            let ty = ty.map_err(|err| format!("{what}: {err}"))?;
            ty.coerce_str(text)
                .map_err(|err| format!("{what}: {text:?} is not a {ty}: {err}"))
        })
        .collect()
}

fn print_outcome(what: &str, outcome: &TxOutcome, function: Option<&Function>, abi: &JsonAbi) {
    let status = match &outcome.status {
        Status::Success => "success".to_string(),
        Status::Revert => "reverted".to_string(),
        Status::Halt(reason) => format!("failed: {reason}"),
    };
    println!("{what}: {status} (gas {})", outcome.gas_used);
    let data = &outcome.return_data;
    match (function, &outcome.status) {
        (Some(function), Status::Success) if !function.outputs.is_empty() => {
            match function.abi_decode_output(data) {
                Ok(values) => {
                    let shown: Vec<String> = values.iter().map(show).collect();
                    println!("  returns: {}", shown.join(", "));
                }
                Err(_) => println!("  returns: {data}"),
            }
        }
        (_, Status::Revert) if !data.is_empty() => println!("  reason: {}", show_revert(data, abi)),
        _ if !data.is_empty() => println!("  output: {data}"),
        _ => {}
    }
    for log in &outcome.logs {
        println!("  log {}", show_log(log, abi));
    }
}

/// Revert data, decoded as the ABI's custom error, `Error(string)` or `Panic(uint256)` when
/// its selector says so.
fn show_revert(data: &Bytes, abi: &JsonAbi) -> String {
    let standard = [
        alloy_json_abi::Error::parse("Error(string)").expect("a valid signature"),
        alloy_json_abi::Error::parse("Panic(uint256)").expect("a valid signature"),
    ];
    let known = abi.errors().chain(&standard);
    for error in known {
        if data.len() >= 4 && data[..4] == error.selector()[..] {
            if let Ok(values) = error.abi_decode_input(&data[4..]) {
                let values: Vec<String> = values.iter().map(show).collect();
                return format!("{}({})", error.name, values.join(", "));
            }
        }
    }
    data.to_string()
}

/// A log, decoded by the ABI's event of its first topic when there is one.
fn show_log(log: &Log, abi: &JsonAbi) -> String {
    let event = log
        .topics()
        .first()
        .and_then(|topic| abi.events().find(|e| e.selector() == *topic));
    if let Some(event) = event {
        if let Ok(decoded) = alloy_dyn_abi::EventExt::decode_log(event, &log.data) {
            let values: Vec<String> = decoded
                .indexed
                .iter()
                .chain(&decoded.body)
                .map(show)
                .collect();
            return format!("{}({}) from {}", event.name, values.join(", "), log.address);
        }
    }
    format!(
        "from {}: topics {:?}, data {}",
        log.address,
        log.topics(),
        log.data.data
    )
}

fn show(value: &DynSolValue) -> String {
    match value {
        DynSolValue::Uint(n, _) => n.to_string(),
        DynSolValue::Int(n, _) => n.to_string(),
        DynSolValue::Bool(b) => b.to_string(),
        DynSolValue::Address(a) => a.to_string(),
        DynSolValue::String(s) => format!("{s:?}"),
        DynSolValue::Bytes(b) => Bytes::copy_from_slice(b).to_string(),
        DynSolValue::FixedBytes(word, size) => Bytes::copy_from_slice(&word[..*size]).to_string(),
        DynSolValue::Array(items) | DynSolValue::FixedArray(items) => {
            format!(
                "[{}]",
                items.iter().map(show).collect::<Vec<_>>().join(", ")
            )
        }
        DynSolValue::Tuple(items) => {
            format!(
                "({})",
                items.iter().map(show).collect::<Vec<_>>().join(", ")
            )
        }
        other => format!("{other:?}"),
    }
}
