//! `evmove statetest`: the Ethereum consensus tests (legacy VMTests, blockchain tests with
//! an explicit `postState`) run through evmove, every code compiled to Move on demand (see
//! `evmove::conformance`).

use std::{
    io::{IsTerminal, Write},
    path::PathBuf,
    process::ExitCode,
    sync::Mutex,
    time::Instant,
};

use clap::Args;
use evmove::conformance::{
    check::Verdict,
    run::Runner,
    suite::{find_files, run_files, Report},
};

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
    let runner = Runner::new()?;
    let threads = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let progress = progress_printer();
    let report = run_files(&runner, &files, threads, &progress);
    if std::io::stderr().is_terminal() {
        eprintln!();
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

/// Progress on stderr: a line rewritten in place on a terminal, else a line every 10%
/// (and only for runs long enough to need it).
fn progress_printer() -> impl Fn(usize, usize, &str) + Sync {
    let terminal = std::io::stderr().is_terminal();
    let start = Instant::now();
    let last = Mutex::new(0usize);
    move |done: usize, total: usize, name: &str| {
        let Ok(mut last) = last.lock() else {
            return;
        };
        let step = total.div_ceil(10).max(1);
        if terminal {
            eprint!("\r\x1b[2K[{done}/{total}] {name}");
            let _ = std::io::stderr().flush();
        } else if done / step > *last / step && start.elapsed().as_secs() >= 2 {
            eprintln!("[{done}/{total}] {:.0} s", start.elapsed().as_secs_f64());
        }
        *last = done;
    }
}
