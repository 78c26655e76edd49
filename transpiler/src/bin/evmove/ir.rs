//! `evmove ir`: lift each code blob of each input and print its IR, or a JSON summary.

use std::{
    io::{self, Write},
    path::PathBuf,
    process::ExitCode,
};

use clap::{Args, ValueEnum};
use evmove::{
    artifact,
    lift::{LiftCodeError, Lifted},
    pipeline::{lift_blobs, optimise, Blob},
};
use serde_json::json;

/// Arguments of `evmove ir`.
#[derive(Args)]
pub struct IrArgs {
    /// Input files: hex code, or compiler artifacts (the shape is detected).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Print a JSON summary (blobs, functions, blocks, unresolved jumps) instead of the IR.
    #[arg(long)]
    json: bool,
    /// The IR as lifting built it, or after the optimisation passes (what the lowering
    /// reads: values forwarded across blocks, helpers inlined, dead code gone).
    #[arg(long, value_enum, default_value_t = IrStage::Lifted)]
    stage: IrStage,
}

/// The pipeline stages `evmove ir` prints (`evmove::pipeline::Stage` before lowering).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum IrStage {
    /// As lifted: jumps resolved, functions recovered, SSA built.
    Lifted,
    /// After `evmove::opt`'s passes.
    Optimised,
}

pub fn run(args: &IrArgs) -> ExitCode {
    let mut failed = false;
    let mut summary = Vec::new();
    let mut out = io::stdout().lock();
    for path in &args.inputs {
        let contracts = match artifact::load_path(path) {
            Ok(contracts) => contracts,
            Err(err) => {
                eprintln!("error: {err}");
                failed = true;
                continue;
            }
        };
        for contract in &contracts {
            for (blob, lifted) in lift_blobs(contract) {
                let lifted = at_stage(lifted, args.stage);
                if let Err(err) = &lifted {
                    eprintln!(
                        "error: {}: {} {}: {err}",
                        path.display(),
                        blob.contract,
                        blob.kind
                    );
                    failed = true;
                }
                if args.json {
                    summary.push(summarize(&blob, &lifted));
                } else if let Ok(lifted) = &lifted {
                    let _ = writeln!(
                        out,
                        "; {} {}: {}",
                        blob.contract,
                        blob.kind,
                        counts(&blob, lifted)
                    );
                    let _ = writeln!(out, "{}", lifted.module);
                }
            }
        }
    }
    if args.json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&summary).expect("JSON")
        );
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `lifted` as `stage` shows it, or why it could not be lifted (or optimised).
fn at_stage(lifted: Result<Lifted, LiftCodeError>, stage: IrStage) -> Result<Lifted, String> {
    let lifted = lifted.map_err(|err| err.to_string())?;
    match stage {
        IrStage::Lifted => Ok(lifted),
        IrStage::Optimised => optimise(lifted).map_err(|err| err.to_string()),
    }
}

fn block_count(lifted: &Lifted) -> usize {
    lifted
        .module
        .functions
        .iter()
        .map(|f| f.layout().len())
        .sum()
}

fn counts(blob: &Blob, lifted: &Lifted) -> String {
    let path = match (&lifted.universal, lifted.jumps.speculative.len()) {
        (None, 0) => String::new(),
        (None, jumps) => format!(", {jumps} speculative jumps"),
        (Some(reason), _) => format!(", universal path ({reason})"),
    };
    format!(
        "{} bytes, {} functions, {} blocks, 0 unresolved jumps{path}",
        blob.bytes.len(),
        lifted.module.functions.len(),
        block_count(lifted)
    )
}

fn summarize(blob: &Blob, lifted: &Result<Lifted, String>) -> serde_json::Value {
    match lifted {
        Ok(lifted) => json!({
            "contract": blob.contract,
            "blob": blob.kind.to_string(),
            "bytes": blob.bytes.len(),
            "functions": lifted.module.functions.len(),
            "blocks": block_count(lifted),
            "unresolved_jumps": 0,
            "path": if lifted.universal.is_some() { "universal" } else { "static" },
            "universal_reason": lifted.universal.as_ref().map(ToString::to_string),
            "speculative_jumps": lifted.jumps.speculative.len(),
        }),
        Err(err) => json!({
            "contract": blob.contract,
            "blob": blob.kind.to_string(),
            "bytes": blob.bytes.len(),
            "error": err,
        }),
    }
}
