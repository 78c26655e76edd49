//! `cargo evmove check`: what the build made of each contract, from its `manifest.json`:
//! every module with its size, the ABI functions with a typed Move entry, and those
//! without one and why.

use std::{fs, path::Path, process::ExitCode};

use clap::Args;
use serde_json::{json, Value};

use crate::{workspace::Built, BuildArgs};

#[derive(Args)]
pub struct CheckArgs {
    #[command(flatten)]
    build: BuildArgs,
    /// Print the report as JSON: per project, its modules (name, contract, blob, EVM code
    /// size, Move module size, functions, typed entries, those without one with the reason).
    #[arg(long)]
    json: bool,
}

pub fn run(args: &CheckArgs) -> Result<ExitCode, String> {
    let reports = args
        .build
        .build()?
        .iter()
        .map(report)
        .collect::<Result<Vec<_>, _>>()?;
    if args.json {
        let text = serde_json::to_string_pretty(&reports).expect("JSON values serialize");
        println!("{text}");
    } else {
        for report in &reports {
            print_report(report);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One project's coverage, from its manifest.
fn report(built: &Built) -> Result<Value, String> {
    let manifest = read_manifest(&built.out)?;
    let modules: Vec<Value> = manifest["modules"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|module| {
            let file = built.out.join(module["file"].as_str().unwrap_or_default());
            let size = fs::metadata(&file).map_or(0, |meta| meta.len());
            json!({
                "module": module["module"],
                "contract": module["contract"],
                "blob": module["blob"],
                "code_size": module["code_size"],
                "module_size": size,
                "functions": module["functions"],
                "typed_entries": module["typed_entries"],
                "without_typed_entry": module["without_typed_entry"],
            })
        })
        .collect();
    Ok(json!({ "package": built.project.name, "dir": built.out, "modules": modules }))
}

/// The manifest `evmove::build` wrote in `out`.
pub fn read_manifest(out: &Path) -> Result<Value, String> {
    let path = out.join("manifest.json");
    let bytes = fs::read(&path).map_err(|error| format!("{}: {error}", path.display()))?;
    serde_json::from_slice(&bytes).map_err(|error| format!("{}: {error}", path.display()))
}

fn print_report(report: &Value) {
    println!("{} ({})", text(&report["package"]), text(&report["dir"]));
    for module in report["modules"].as_array().into_iter().flatten() {
        let entries = module["typed_entries"].as_array().map_or(0, Vec::len);
        let without = module["without_typed_entry"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        println!(
            "  {} ({} {}): {} bytes of EVM code, {} bytes of Move, {} functions, {} typed entries, {} without",
            text(&module["module"]),
            text(&module["contract"]),
            text(&module["blob"]),
            module["code_size"],
            module["module_size"],
            module["functions"],
            entries,
            without.len()
        );
        for skipped in &without {
            println!(
                "    no typed entry for {}: {}",
                text(&skipped["abi"]),
                text(&skipped["reason"])
            );
        }
    }
}

/// A JSON string as it is (without quotes), anything else as JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
