//! `evmove compile`: every code blob of every input → a verified Move module (`.mv`), and a
//! manifest tying modules to contracts, code hashes, ABIs and typed entry functions.

use std::{
    collections::{BTreeMap, HashSet},
    fs,
    path::{Path, PathBuf},
    process::ExitCode,
};

use clap::Args;
use evmove::{
    artifact::{self, Contract},
    build::{bytecode_dir, move_toml, name_modules, typed_entries_for},
    lift::{LiftCodeError, Lifted},
    lower::{typed::TypedEntries, SHIM_ADDRESS},
    pipeline::{compile_lifted, lift_blobs, Blob},
};
use move_core_types::account_address::AccountAddress;
use serde_json::json;

/// Arguments of `evmove compile`.
#[derive(Args)]
pub struct CompileArgs {
    /// Input files: hex code, or compiler artifacts (solc standard JSON, Foundry, Hardhat,
    /// Truffle; the shape is detected).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// The directory to write the modules and `manifest.json` to (created if missing).
    #[arg(short, long)]
    output: PathBuf,
    /// The account the modules are published at.
    #[arg(long, default_value = "0x2", value_parser = parse_address)]
    address: AccountAddress,
    /// Write a Move package named this: `Move.toml`, and the modules under
    /// `build/<name>/bytecode_modules/`.
    #[arg(long, value_name = "NAME")]
    move_package: Option<String>,
}

fn parse_address(text: &str) -> Result<AccountAddress, String> {
    AccountAddress::from_hex_literal(text).map_err(|err| format!("not an address: {err}"))
}

pub fn run(args: &CompileArgs) -> ExitCode {
    match compile(args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// One blob of one contract of one input, lifted (or not), before it is named and compiled.
struct Pending {
    /// The input, as given.
    input: String,
    /// Its contract, by index into the contracts loaded.
    contract: usize,
    blob: Blob,
    lifted: Result<Lifted, LiftCodeError>,
}

/// Compiles every input; `Ok(false)` if some blob failed (each failure printed). Every blob
/// of every input is named together ([`name_modules`]): no two different modules share a
/// name, whatever the inputs; identical ones are written once.
fn compile(args: &CompileArgs) -> Result<bool, String> {
    let modules_dir = match &args.move_package {
        Some(name) => args.output.join(bytecode_dir(name)),
        None => args.output.clone(),
    };
    fs::create_dir_all(&modules_dir)
        .map_err(|err| format!("cannot create {}: {err}", modules_dir.display()))?;
    let mut ok = true;
    // Every contract of every input (with its input and typed entries), every blob of each.
    let mut loaded = Vec::new();
    let mut pending = Vec::new();
    for path in &args.inputs {
        let contracts = match artifact::load_path(path) {
            Ok(contracts) => contracts,
            Err(err) => {
                eprintln!("error: {err}");
                ok = false;
                continue;
            }
        };
        let input = path.display().to_string();
        for contract in contracts {
            for (blob, lifted) in lift_blobs(&contract) {
                pending.push(Pending {
                    input: input.clone(),
                    contract: loaded.len(),
                    blob,
                    lifted,
                });
            }
            // The ABI describes the deployed code: its module gets the typed entries.
            let typed = contract
                .abi
                .as_ref()
                .map(TypedEntries::of)
                .unwrap_or_default();
            loaded.push((input.clone(), contract, typed));
        }
    }
    let typed: Vec<&TypedEntries> = loaded.iter().map(|(_, _, typed)| typed).collect();
    let inputs: Vec<String> = loaded.iter().map(|(input, ..)| input.clone()).collect();
    let to_name: Vec<(usize, &Blob)> = pending
        .iter()
        .map(|item| (item.contract, &item.blob))
        .collect();
    let names = name_modules(&to_name, &typed, &inputs).map_err(|clash| clash.to_string())?;
    let mut modules = Vec::new();
    let mut blobs_of = vec![BTreeMap::new(); loaded.len()];
    let mut written = HashSet::new();
    for (item, name) in pending.into_iter().zip(names) {
        let blob_typed = typed_entries_for(&item.blob, &loaded[item.contract].2);
        let Pending {
            input,
            contract,
            blob,
            lifted,
        } = item;
        let compiled = lifted.map_err(|err| err.to_string()).and_then(|lifted| {
            compile_lifted(lifted, args.address, &name, blob_typed).map_err(|e| e.to_string())
        });
        let compiled = match compiled {
            Ok(compiled) => compiled,
            Err(err) => {
                eprintln!("error: {input}: {} {}: {err}", blob.contract, blob.kind);
                ok = false;
                continue;
            }
        };
        let file = format!("{name}.mv");
        if written.insert(name.clone()) {
            write(&modules_dir.join(&file), &compiled.bytes)?;
        }
        // Why the static path gave up (lifting or lowering), if the blob took the universal
        // path.
        let universal = compiled.universal.as_ref().map(ToString::to_string);
        let path = match &universal {
            Some(reason) => format!(", universal path: {reason}"),
            None => String::new(),
        };
        eprintln!(
            "compiled {} {} → {name} ({} functions, {} bytes{path})",
            blob.contract,
            blob.kind,
            compiled.functions,
            compiled.bytes.len()
        );
        blobs_of[contract].insert(blob.kind.to_string(), json!(name));
        modules.push(json!({
            "module": name,
            "file": file,
            "input": input,
            "contract": blob.contract,
            "blob": blob.kind.to_string(),
            "code_hash": blob.code_hash().to_string(),
            "code_size": blob.bytes.len(),
            "functions": compiled.functions,
            "path": if universal.is_some() { "universal" } else { "static" },
            "universal_reason": universal,
            "typed_entries": blob_typed.entries.iter().map(|entry| json!({
                "name": entry.name.as_str(),
                "abi": entry.signature,
                "params": entry.param_names,
            })).collect::<Vec<_>>(),
            "without_typed_entry": blob_typed.skipped.iter().map(|skipped| json!({
                "abi": skipped.signature,
                "reason": skipped.reason,
            })).collect::<Vec<_>>(),
        }));
    }
    // In an order that does not depend on the inputs' order.
    let text = |value: &serde_json::Value| value.as_str().unwrap_or_default().to_owned();
    modules.sort_by_key(|module| {
        ["module", "input", "contract", "blob"].map(|field| text(&module[field]))
    });
    let contracts = contract_map(&loaded, blobs_of);
    let manifest = json!({
        "publisher": args.address.to_hex_literal(),
        "shim": SHIM_ADDRESS.to_hex_literal(),
        "modules": modules,
        "contracts": contracts,
    });
    let text = serde_json::to_string_pretty(&manifest).expect("JSON values serialize");
    write(&args.output.join("manifest.json"), text.as_bytes())?;
    if let Some(name) = &args.move_package {
        write(
            &args.output.join("Move.toml"),
            move_toml(name, args.address).as_bytes(),
        )?;
    }
    Ok(ok)
}

/// The manifest's contracts, every one: keyed by its label (`src/Token.sol:Token`) where no
/// other input has a contract of that label, else by `<input>:<label>` (and ` #2`, ` #3` ...
/// after a key one input gives twice).
fn contract_map(
    loaded: &[(String, Contract, TypedEntries)],
    blobs_of: Vec<BTreeMap<String, serde_json::Value>>,
) -> BTreeMap<String, serde_json::Value> {
    let mut inputs_of = BTreeMap::<String, HashSet<&str>>::new();
    for (input, contract, _) in loaded {
        inputs_of
            .entry(contract.label())
            .or_default()
            .insert(input.as_str());
    }
    let mut contracts = BTreeMap::new();
    for ((input, contract, _), blobs) in loaded.iter().zip(blobs_of) {
        let label = contract.label();
        let key = match inputs_of[&label].len() {
            1 => label,
            _ => format!("{input}:{label}"),
        };
        let unique = (1..)
            .map(|n| match n {
                1 => key.clone(),
                _ => format!("{key} #{n}"),
            })
            .find(|key| !contracts.contains_key(key))
            .expect("some key is free");
        contracts.insert(
            unique,
            json!({ "name": contract.name, "input": input, "modules": blobs, "abi": contract.abi }),
        );
    }
    contracts
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    fs::write(path, bytes).map_err(|err| format!("cannot write {}: {err}", path.display()))
}
