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
    artifact,
    lower::{typed::TypedEntries, SHIM_ADDRESS},
    pipeline::{compile_lifted, lift_blobs},
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

/// Compiles every input; `Ok(false)` if some blob failed (each failure printed).
fn compile(args: &CompileArgs) -> Result<bool, String> {
    let modules_dir = match &args.move_package {
        Some(name) => args
            .output
            .join("build")
            .join(name)
            .join("bytecode_modules"),
        None => args.output.clone(),
    };
    fs::create_dir_all(&modules_dir)
        .map_err(|err| format!("cannot create {}: {err}", modules_dir.display()))?;
    let mut ok = true;
    let mut modules = Vec::new();
    let mut contracts = BTreeMap::new();
    let mut written = HashSet::new();
    for path in &args.inputs {
        let loaded = match artifact::load_path(path) {
            Ok(loaded) => loaded,
            Err(err) => {
                eprintln!("error: {err}");
                ok = false;
                continue;
            }
        };
        for contract in &loaded {
            let mut blobs = BTreeMap::new();
            // The ABI describes the deployed code: its module gets the typed entries.
            let typed = contract
                .abi
                .as_ref()
                .map(TypedEntries::of)
                .unwrap_or_default();
            for (blob, lifted) in lift_blobs(contract) {
                let name = blob.module_name();
                let blob_typed = match blob.has_typed_entries() {
                    true => &typed,
                    false => &TypedEntries::default(),
                };
                let compiled = lifted.map_err(|err| err.to_string()).and_then(|lifted| {
                    compile_lifted(lifted, args.address, &name, blob_typed)
                        .map_err(|e| e.to_string())
                });
                let compiled = match compiled {
                    Ok(compiled) => compiled,
                    Err(err) => {
                        eprintln!(
                            "error: {}: {} {}: {err}",
                            path.display(),
                            blob.contract,
                            blob.kind
                        );
                        ok = false;
                        continue;
                    }
                };
                let file = format!("{name}.mv");
                if written.insert(name.clone()) {
                    write(&modules_dir.join(&file), &compiled.bytes)?;
                }
                eprintln!(
                    "compiled {} {} → {name} ({} functions, {} bytes)",
                    blob.contract,
                    blob.kind,
                    compiled.functions,
                    compiled.bytes.len()
                );
                blobs.insert(blob.kind.to_string(), json!(name));
                modules.push(json!({
                    "module": name,
                    "file": file,
                    "contract": blob.contract,
                    "blob": blob.kind.to_string(),
                    "code_hash": blob.code_hash().to_string(),
                    "code_size": blob.bytes.len(),
                    "functions": compiled.functions,
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
            contracts.insert(
                contract.label(),
                json!({ "name": contract.name, "modules": blobs, "abi": contract.abi }),
            );
        }
    }
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

fn move_toml(name: &str, address: AccountAddress) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\n\n[addresses]\nevmove = \"{}\"\n{name} = \"{}\"\n",
        SHIM_ADDRESS.to_hex_literal(),
        address.to_hex_literal()
    )
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    fs::write(path, bytes).map_err(|err| format!("cannot write {}: {err}", path.display()))
}
