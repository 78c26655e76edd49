//! `evmove statetest`: the Ethereum consensus tests (legacy VMTests, blockchain tests with
//! an explicit `postState`) run through evmove, every code compiled to Move on demand (see
//! `evmove::conformance`).

use std::{path::PathBuf, process::ExitCode, time::Duration};

use clap::Args;
use evmove::conformance::{
    check::Verdict,
    run::Runner,
    suite::{find_files, run_files, Report},
};
use indicatif::{ProgressBar, ProgressStyle};

use crate::tier::{self, TierArg};

/// Arguments of `evmove statetest`.
#[derive(Args)]
pub struct StatetestArgs {
    /// Test files, or directories searched recursively for `*.json`.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Print the report as JSON (every test, its verdict and details) instead of lines.
    #[arg(long)]
    json: bool,
    /// Worker threads (default: the number of cores).
    #[arg(short, long)]
    jobs: Option<usize>,
    /// Also print one line per skipped test, with the reason.
    #[arg(long)]
    show_skipped: bool,
    #[command(flatten)]
    tier: TierArg,
}

pub fn run(args: &StatetestArgs) -> ExitCode {
    match statetest(args) {
        Ok(report) if report.failed() == 0 => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn statetest(args: &StatetestArgs) -> Result<Report, String> {
    let files = find_files(&args.paths)?;
    if files.is_empty() {
        return Err("no test files (*.json) under the paths given".to_string());
    }
    let mut runner = Runner::new()?;
    let native = args.tier.tier.install(runner.runtime_mut());
    let threads = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let bar = progress_bar();
    let report = run_files(&runner, &files, threads, &|done, total, name| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        bar.set_message(name.to_string());
    });
    bar.finish_and_clear();
    // On stderr, so that `--json` prints the report alone.
    if let Some(line) = tier::summary(native.as_deref()) {
        eprintln!("{line}");
    }
    if args.json {
        let text = serde_json::to_string_pretty(&report.to_json())
            .map_err(|err| format!("cannot write the report: {err}"))?;
        println!("{text}");
        return Ok(report);
    }
    for error in &report.errors {
        println!("error: {}", error.message);
    }
    for test in &report.tests {
        let file = test.file.display();
        match &test.verdict {
            Verdict::Passed => {}
            Verdict::Failed(differences) => {
                println!("FAIL {file} {}: {}", test.name, differences.join("; "))
            }
            Verdict::Skipped(reason) if args.show_skipped => {
                println!("skip {file} {}: {reason}", test.name)
            }
            Verdict::Skipped(_) => {}
        }
    }
    println!(
        "{} ({:.1} s)",
        report.summary(),
        report.elapsed.as_secs_f64()
    );
    Ok(report)
}

/// Progress on stderr: tests done, of how many, and the last one finished, redrawn in place.
/// Drawn only when stderr is a terminal (indicatif hides it otherwise: a pipe or a log gets
/// the report alone).
fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("[{elapsed}] {bar:30} {pos}/{len} {wide_msg}")
            .expect("a valid template"),
    );
    if !bar.is_hidden() {
        // Redrawn (elapsed time) while one long test runs.
        bar.enable_steady_tick(Duration::from_millis(250));
    }
    bar
}
