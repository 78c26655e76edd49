//! `evmove compile`: every code blob of every input → a verified Move module (`.mv`), and a
//! manifest tying modules to contracts, code hashes, ABIs and typed entry functions, and
//! saying of each module whether the native tier runs it (`native`).

use std::{
    collections::{BTreeMap, HashSet},
    fs,
    path::{Path, PathBuf},
    process::ExitCode,
};

use clap::Args;
use evmove::{
    artifact::{self, Contract},
    build::{blobs, bytecode_dir, move_toml, name_modules, typed_entries_for, ModuleRecord},
    lower::{typed::TypedEntries, SHIM_ADDRESS},
    pipeline::Blob,
};
use evmove_native::ModuleReport;
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

/// Compiles every input; `Ok(false)` if some blob failed (each failure printed). Every blob
/// of every input is named together ([`name_modules`]): no two different modules share a
/// name, whatever the inputs; identical ones are written once. The blobs and their
/// manifest entries are the build API's ([`blobs`], [`ModuleRecord`]).
fn compile(args: &CompileArgs) -> Result<bool, String> {
    let modules_dir = match &args.move_package {
        Some(name) => args.output.join(bytecode_dir(name)),
        None => args.output.clone(),
    };
    fs::create_dir_all(&modules_dir)
        .map_err(|err| format!("cannot create {}: {err}", modules_dir.display()))?;
    let mut ok = true;
    // Every contract of every input, with its input and typed entries.
    let mut loaded = Vec::new();
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
            // The ABI describes the deployed code: its module gets the typed entries.
            let typed = contract
                .abi
                .as_ref()
                .map(TypedEntries::of)
                .unwrap_or_default();
            loaded.push((input.clone(), contract, typed));
        }
    }
    let pending = blobs(loaded.iter().map(|(_, contract, _)| contract));
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
    for (item, name) in pending.iter().zip(names) {
        let (input, _, contract_typed) = &loaded[item.contract];
        let blob_typed = typed_entries_for(&item.blob, contract_typed);
        let blob = &item.blob;
        let compiled = match item.compile(args.address, &name, blob_typed) {
            Ok(compiled) => compiled,
            Err(err) => {
                eprintln!("error: {input}: {} {}: {err}", blob.contract, blob.kind);
                ok = false;
                continue;
            }
        };
        let file = format!("{name}.mv");
        if written.insert(name.clone()) {
            write(&modules_dir.join(&file), &compiled.module.bytes)?;
        }
        let path = match (&compiled.universal, compiled.module.universal_entry) {
            (Some(reason), _) => format!(", universal path: {reason}"),
            (None, true) => ", speculates: universal form as run_universal".to_string(),
            (None, false) => String::new(),
        };
        let native = ModuleReport::of_bytes(&compiled.module.bytes);
        eprintln!(
            "compiled {} {} → {name} ({} functions, {} bytes{path}; {})",
            blob.contract,
            blob.kind,
            compiled.module.functions,
            compiled.module.bytes.len(),
            describe(&native)
        );
        blobs_of[item.contract].insert(blob.kind.to_string(), json!(name));
        let record = ModuleRecord {
            name: &name,
            file,
            input,
            blob,
            functions: compiled.module.functions,
            universal: compiled.universal.as_deref(),
            universal_entry: compiled.module.universal_entry,
            typed: blob_typed,
        };
        // The build's manifest has no tier (a build script does not link the native tier);
        // the CLI's says which tier runs the module.
        let mut entry = record.to_json();
        entry["native"] = json!({
            "tier": tier_name(native.native),
            "universal_tier": native.universal.map(tier_name),
            "move_functions": native.functions,
            "compiled": native.compiled,
            "first_left_out": native.reason,
        });
        modules.push(entry);
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

/// The tier that runs an entry: `native` when it compiled.
fn tier_name(compiled: bool) -> &'static str {
    if compiled {
        "native"
    } else {
        "interpreter"
    }
}

/// The native tier's verdict on a module, for the progress line: how many of its functions
/// compiled and in how long, or that the interpreter runs it and why.
fn describe(native: &ModuleReport) -> String {
    let functions = format!("{} of {} functions", native.compiled, native.functions);
    let time = native.compile_time.as_secs_f64() * 1e3;
    match (native.native, &native.reason) {
        (true, _) => format!("native tier: {functions} compiled in {time:.1} ms"),
        (false, reason) => format!(
            "interpreter: {}",
            reason.as_deref().unwrap_or("run() did not compile")
        ),
    }
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
