//! `evmove bench`: a built-in block (`workload.rs`) executed by revm (sequentially) and by
//! evmove in each tier (the interpreter and the native tier, unless `--tier` picks one),
//! sequentially and in parallel (Block-STM); every evmove run must agree with the others on
//! every transaction's result and the final state, and revm on every key the block wrote
//! (balances, nonces, storage). Prints transactions per second, each run's ratio to revm in
//! the same sitting, and the executions and validations per transaction of the parallel
//! runs (`report.rs`); `--json` for machines. Progress goes to stderr.
//!
//! Each engine runs the block `--runs` times from the same pre-state, all taking turns; the
//! fastest run of each counts (`timing.rs`). Wall and CPU time (of the whole process, so the
//! CPU time of a parallel run shows how many cores it got) are printed.
//! Each tier has a runtime of its own; its modules are compiled and published before any
//! timing (the block's code is known), the native tier's compilation timed and printed.
//! After the timed runs, a counting run (`counts.rs`, untimed) gives the work per
//! transaction: Move instructions, natives, Move calls, allocations (the interpreter's).

mod agreement;
mod args;
mod counts;
mod report;
mod revm_side;
mod timing;
mod workload;

use std::{process::ExitCode, sync::Arc, time::Instant};

use evmove::provider::OnDemand;
use evmove_native::{JitTier, Tier};
use evmove_runtime::{
    block::{
        evm::{execute_block, publish_modules, EvmBlockOutput},
        Config, Fallback, Mode, Speculation,
    },
    BlockEnv, InMemoryState, Runtime, Status, Transaction, DEFAULT_PUBLISHER,
};

use crate::tier;
pub use args::BenchArgs;
use args::{EngineArg, FallbackArg, SpeculationArg};
use report::{Report, TierReport};
use timing::{Best, Timed};

pub fn run(args: &BenchArgs) -> ExitCode {
    match bench(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// A tier's runtime, with the native tier's handle (to read what it did).
struct TierRuntime {
    tier: Tier,
    runtime: Runtime,
    native: Option<Arc<JitTier>>,
}

impl TierRuntime {
    fn new(tier: Tier) -> Result<Self, String> {
        let mut runtime =
            Runtime::with_publisher(OnDemand::new(DEFAULT_PUBLISHER), DEFAULT_PUBLISHER)
                .map_err(|e| e.to_string())?;
        let native = tier.install(&mut runtime);
        Ok(Self {
            tier,
            runtime,
            native,
        })
    }

    /// Publishes the block's modules and runs a few transactions (not timed): the native
    /// tier compiles the modules they run, and the VM's module cache is warm.
    fn warm_up(
        &self,
        state: &InMemoryState,
        block: &BlockEnv,
        txns: &[Transaction],
    ) -> Result<(), String> {
        let start = Instant::now();
        publish_modules(&self.runtime, state, txns);
        let warm = &txns[..txns.len().min(16)];
        let sequential = Config::with_mode(Mode::Sequential);
        execute_block(&self.runtime, state, block, warm, &sequential).map_err(|e| e.to_string())?;
        eprintln!(
            "{}: compiled and published the modules in {:.2?}",
            self.tier,
            start.elapsed()
        );
        if let Some(line) = tier::summary(self.native.as_deref()) {
            eprintln!("{line}");
        }
        Ok(())
    }

    /// One timed run of the block.
    fn run<'r>(
        &'r self,
        state: &'r InMemoryState,
        block: &'r BlockEnv,
        txns: &[Transaction],
        config: &Config,
    ) -> Result<(std::time::Duration, EvmBlockOutput<'r>), String> {
        let start = Instant::now();
        let output =
            execute_block(&self.runtime, state, block, txns, config).map_err(|e| e.to_string())?;
        Ok((start.elapsed(), output))
    }
}

/// A tier's fastest runs, sequential and parallel.
#[derive(Default)]
struct TierTimes<'r> {
    sequential: Best<EvmBlockOutput<'r>>,
    parallel: Best<EvmBlockOutput<'r>>,
}

fn bench(args: &BenchArgs) -> Result<(), String> {
    let tiers: Vec<Tier> = match args.tier {
        Some(tier) => vec![tier],
        None => vec![Tier::Interpreter, Tier::Native],
    };
    let runtimes = (tiers.iter())
        .map(|&tier| TierRuntime::new(tier))
        .collect::<Result<Vec<_>, _>>()?;
    let block = BlockEnv::default();
    let size = args.txns;
    let accounts = args.accounts.unwrap_or(size);
    eprintln!(
        "building the {:?} workload ({size} transactions)",
        args.workload
    );
    // The pre-state does not depend on the tier that deployed its contracts.
    let workload = (args.workload).build(&runtimes[0].runtime, &block, size, accounts)?;
    let (state, txns) = (&workload.state, &workload.txns);
    for runtime in &runtimes {
        runtime.warm_up(state, &block, txns)?;
    }

    let sequential = Config::with_mode(Mode::Sequential);
    let parallel = Config {
        mode: Mode::Parallel {
            threads: args.threads,
        },
        speculation: match args.speculation {
            SpeculationArg::Adaptive => Speculation::Adaptive,
            SpeculationArg::Unbounded => Speculation::Unbounded,
        },
        fallback: match args.fallback {
            FallbackArg::WhenDependent => Fallback::WhenDependent,
            FallbackArg::Never => Fallback::Never,
        },
        ..Config::default()
    };
    if let Some(engine) = args.only {
        let config = match engine {
            EngineArg::Sequential => &sequential,
            EngineArg::Parallel => &parallel,
        };
        return profile(&runtimes[0], state, &block, txns, config, args.runs);
    }
    // The engines take turns, so that a change of load on the machine hits them alike.
    let mut revm = Best::default();
    let mut times: Vec<TierTimes<'_>> = runtimes.iter().map(|_| TierTimes::default()).collect();
    for round in 1..=args.runs.max(1) {
        eprintln!(
            "round {round}/{}: revm, then each tier sequentially and in parallel on {} threads",
            args.runs, args.threads
        );
        revm.measure(|| {
            let run = revm_side::run(state, txns)?;
            Ok((run.elapsed, run))
        })?;
        for (runtime, times) in runtimes.iter().zip(&mut times) {
            (times.sequential).measure(|| runtime.run(state, &block, txns, &sequential))?;
            (times.parallel).measure(|| runtime.run(state, &block, txns, &parallel))?;
        }
    }
    let revm = revm.into_inner().ok_or("no revm run")?;
    let times: Vec<(Timed<EvmBlockOutput<'_>>, Timed<EvmBlockOutput<'_>>)> = (times.into_iter())
        .map(|times| Some((times.sequential.into_inner()?, times.parallel.into_inner()?)))
        .collect::<Option<_>>()
        .ok_or("no evmove run")?;

    let mut runs = Vec::new();
    for (runtime, (seq, par)) in runtimes.iter().zip(&times) {
        runs.push((format!("{} sequential", runtime.tier), &seq.result));
        runs.push((format!("{} parallel", runtime.tier), &par.result));
    }
    let agreement = agreement::check(&runs, &revm.result);
    let first = &times[0].0.result;
    eprintln!("counting the work of each transaction (not timed)");
    let work = counts::count(&runtimes[0].runtime, state, &block, txns, first)?;
    let succeeded = (first.outputs.iter())
        .filter(|result| result.status == Status::Success)
        .count();
    let report = Report {
        args,
        description: &workload.description,
        accounts,
        succeeded,
        revm: &revm,
        tiers: (runtimes.iter().zip(&times))
            .map(|(runtime, (sequential, parallel))| TierReport {
                tier: runtime.tier,
                native: runtime.native.as_deref(),
                sequential,
                parallel,
            })
            .collect(),
        work: &work,
        agreement: &agreement,
    };
    match args.json {
        true => println!("{:#}", report.json()),
        false => report.print(),
    }
    agreement.map(|_| ())
}

/// `--only`: `runs` runs of one engine of one tier, each one's wall time printed, nothing
/// else run after the warm-up (so that `perf` sees that engine).
fn profile(
    runtime: &TierRuntime,
    state: &InMemoryState,
    block: &BlockEnv,
    txns: &[Transaction],
    config: &Config,
    runs: usize,
) -> Result<(), String> {
    for run in 1..=runs {
        let (wall, output) = runtime.run(state, block, txns, config)?;
        eprintln!(
            "{} run {run}: {wall:.2?}{}",
            runtime.tier,
            report::hand_over(&output)
        );
    }
    Ok(())
}
