//! `evmove bench`: a built-in block (`workload.rs`) executed by revm (sequentially), by
//! evmove sequentially and by evmove in parallel (Block-STM); the three must agree on the
//! final state of every key the block wrote (balances, nonces, storage), and the two evmove
//! runs on every transaction's result. Prints transactions per second, the ratios, and the
//! executions and validations per transaction of the parallel run; `--json` for machines.
//! Progress goes to stderr.
//!
//! Each engine runs the block `--runs` times from the same pre-state, the three taking turns;
//! the fastest run of each counts. Wall and CPU time (of the whole process, so the CPU time of
//! a parallel run shows how many cores it got) are printed.
//! Modules are compiled and published before any timing (the block's code is known).
//! After the timed runs, a counting run (`counts.rs`, untimed) gives the work per
//! transaction: Move instructions, natives, Move calls, allocations (the interpreter's, in
//! either tier).
//!
//! `--tier` chooses where the modules run (native by default); the native tier compiles
//! them in the untimed warm-up, and the time that took is printed.

mod counts;
mod revm_side;
mod workload;

use std::{
    num::NonZeroUsize,
    process::ExitCode,
    time::{Duration, Instant},
};

use clap::{Args, ValueEnum};
use evmove::provider::OnDemand;
use evmove_runtime::{
    block::{
        evm::{execute_block, publish_modules, EvmBlockOutput},
        Config, Mode, Speculation,
    },
    BlockEnv, InMemoryState, Runtime, StateKey, StateValue, Status, DEFAULT_PUBLISHER,
};
use serde_json::json;

use crate::tier::{self, TierArg};
use workload::Kind;

/// Arguments of `evmove bench`.
#[derive(Args)]
pub struct BenchArgs {
    /// The workload.
    #[arg(long, value_enum, default_value_t = Kind::Erc20)]
    workload: Kind,
    /// Transactions in the block.
    #[arg(long, default_value_t = 10_000)]
    txns: usize,
    /// Senders, the contention knob: 1 makes every transaction conflict with the one before,
    /// the block size makes them all independent (the default).
    #[arg(long)]
    accounts: Option<usize>,
    /// Worker threads of the parallel run.
    #[arg(long, default_value = "2")]
    threads: NonZeroUsize,
    /// How far the parallel run speculates.
    #[arg(long, value_enum, default_value_t = SpeculationArg::Adaptive)]
    speculation: SpeculationArg,
    /// Runs of each engine; the fastest counts.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Print the results as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    tier: TierArg,
}

/// `--speculation`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum SpeculationArg {
    /// A window that closes on conflicts and opens without them.
    Adaptive,
    /// Anywhere (plain Block-STM).
    Unbounded,
}

pub fn run(args: &BenchArgs) -> ExitCode {
    match bench(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// The CPU time the process has used so far, all threads, exactly
/// (`CLOCK_PROCESS_CPUTIME_ID`); zero where that clock cannot be read.
#[cfg(unix)]
fn cpu_time() -> Duration {
    let mut time = std::mem::MaybeUninit::<libc::timespec>::uninit();
    // SAFETY: `clock_gettime` writes one `timespec` through the pointer, which points to
    // writable space for one; it is read only when the call says it succeeded.
    let time = unsafe {
        if libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, time.as_mut_ptr()) != 0 {
            return Duration::ZERO;
        }
        time.assume_init()
    };
    Duration::new(
        u64::try_from(time.tv_sec).unwrap_or(0),
        u32::try_from(time.tv_nsec).unwrap_or(0),
    )
}

/// The CPU time of the process: not measured on this platform.
#[cfg(not(unix))]
fn cpu_time() -> Duration {
    Duration::ZERO
}

/// The fastest run of an engine so far: wall time, result, CPU time.
struct Best<T>(Option<(Duration, T, Duration)>);

impl<T> Default for Best<T> {
    fn default() -> Self {
        Self(None)
    }
}

impl<T> Best<T> {
    /// Runs `f` once and keeps it if it is the fastest so far.
    fn measure(&mut self, f: impl FnOnce() -> Result<(Duration, T), String>) -> Result<(), String> {
        let cpu = cpu_time();
        let (elapsed, result) = f()?;
        let cpu = cpu_time().saturating_sub(cpu);
        if self.0.as_ref().is_none_or(|(time, _, _)| elapsed < *time) {
            self.0 = Some((elapsed, result, cpu));
        }
        Ok(())
    }

    fn into_inner(self) -> (Duration, T, Duration) {
        self.0.expect("at least one run")
    }
}

fn evmove_run<'r>(
    runtime: &'r Runtime,
    state: &'r InMemoryState,
    block: &'r BlockEnv,
    txns: &[evmove_runtime::Transaction],
    config: &Config,
) -> Result<(Duration, EvmBlockOutput<'r>), String> {
    let start = Instant::now();
    let output = execute_block(runtime, state, block, txns, config).map_err(|e| e.to_string())?;
    Ok((start.elapsed(), output))
}

/// A duration rounded to milliseconds, for the table.
fn ms(duration: Duration) -> Duration {
    Duration::from_millis(duration.as_millis() as u64)
}

fn per_second(txns: usize, elapsed: Duration) -> f64 {
    txns as f64 / elapsed.as_secs_f64()
}

fn bench(args: &BenchArgs) -> Result<(), String> {
    let mut runtime = Runtime::with_publisher(OnDemand::new(DEFAULT_PUBLISHER), DEFAULT_PUBLISHER)
        .map_err(|e| e.to_string())?;
    let native = args.tier.tier.install(&mut runtime);
    let block = BlockEnv::default();
    let size = args.txns;
    let accounts = args.accounts.unwrap_or(size);
    eprintln!(
        "building the {:?} workload ({size} transactions)",
        args.workload
    );
    let workload = args.workload.build(&runtime, &block, size, accounts)?;
    let (state, txns) = (&workload.state, &workload.txns);

    let start = Instant::now();
    publish_modules(&runtime, state, txns);
    // Warm the VM's module cache with a few transactions (not timed).
    let warm = &txns[..txns.len().min(16)];
    execute_block(
        &runtime,
        state,
        &block,
        warm,
        &Config::with_mode(Mode::Sequential),
    )
    .map_err(|e| e.to_string())?;
    eprintln!(
        "compiled and published the modules in {:.2?}",
        start.elapsed()
    );
    if let Some(line) = tier::summary(native.as_deref()) {
        eprintln!("{line}");
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
        ..Config::default()
    };
    // The engines take turns, so that a change of load on the machine hits them alike.
    let (mut revm, mut seq, mut par) = (Best::default(), Best::default(), Best::default());
    for round in 1..=args.runs.max(1) {
        eprintln!(
            "round {round}/{}: revm, evmove sequential, evmove parallel on {} threads",
            args.runs, args.threads
        );
        revm.measure(|| {
            let run = revm_side::run(state, txns)?;
            Ok((run.elapsed, run))
        })?;
        seq.measure(|| evmove_run(&runtime, state, &block, txns, &sequential))?;
        par.measure(|| evmove_run(&runtime, state, &block, txns, &parallel))?;
    }
    let (revm_time, revm, revm_cpu) = revm.into_inner();
    let (seq_time, seq, seq_cpu) = seq.into_inner();
    let (par_time, par, par_cpu) = par.into_inner();

    let agreement = check_agreement(&seq, &par, &revm);
    eprintln!("counting the work of each transaction (not timed)");
    let work = counts::count(&runtime, state, &block, txns, &seq)?;
    let succeeded = seq
        .outputs
        .iter()
        .filter(|result| result.status == Status::Success)
        .count();
    let executions: u64 = par.stats.iter().map(|s| u64::from(s.executions)).sum();
    let validations: u64 = par.stats.iter().map(|s| u64::from(s.validations)).sum();
    let per_txn = |n: u64| n as f64 / size.max(1) as f64;
    let (revm_tps, seq_tps, par_tps) = (
        per_second(size, revm_time),
        per_second(size, seq_time),
        per_second(size, par_time),
    );
    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    if args.json {
        let report = json!({
            "workload": format!("{:?}", args.workload).to_lowercase(),
            "description": workload.description,
            "transactions": size,
            "succeeded": succeeded,
            "accounts": accounts,
            "threads": args.threads.get(),
            "speculation": format!("{:?}", args.speculation).to_lowercase(),
            "runs": args.runs,
            "tier": args.tier.tier.name(),
            "native_tier": native.as_ref().map(|native| {
                let stats = native.stats();
                json!({
                    "modules": stats.modules,
                    "native_modules": stats.native_modules,
                    "compile_seconds": stats.compile_time.as_secs_f64(),
                })
            }),
            "revm": {
                "seconds": revm_time.as_secs_f64(),
                "cpu_seconds": revm_cpu.as_secs_f64(),
                "tx_per_s": revm_tps,
            },
            "evmove_sequential": {
                "seconds": seq_time.as_secs_f64(),
                "cpu_seconds": seq_cpu.as_secs_f64(),
                "tx_per_s": seq_tps,
            },
            "evmove_parallel": {
                "seconds": par_time.as_secs_f64(),
                "cpu_seconds": par_cpu.as_secs_f64(),
                "tx_per_s": par_tps,
                "executions_per_tx": per_txn(executions),
                "validations_per_tx": per_txn(validations),
            },
            "parallel_over_sequential": par_tps / seq_tps,
            "sequential_over_revm": seq_tps / revm_tps,
            "parallel_over_revm": par_tps / revm_tps,
            "per_tx": work.json(),
            "agree": agreement.is_ok(),
            "load_average": load,
        });
        println!("{report:#}");
    } else {
        println!("workload   {:?}: {}", args.workload, workload.description);
        println!(
            "tier       {}",
            tier::summary(native.as_deref()).unwrap_or_else(|| "interpreter".to_string())
        );
        println!(
            "block      {size} transactions ({succeeded} succeeded), fastest of {} runs, load {load}",
            args.runs
        );
        println!("           engine             throughput     wall      CPU    ratios");
        println!(
            "revm       sequential         {revm_tps:>10.0} tx/s  {:>7.1?}  {:>7.1?}",
            ms(revm_time),
            ms(revm_cpu)
        );
        println!(
            "evmove     sequential         {seq_tps:>10.0} tx/s  {:>7.1?}  {:>7.1?}  {:.3}x revm",
            ms(seq_time),
            ms(seq_cpu),
            seq_tps / revm_tps
        );
        println!(
            "evmove     parallel {:>2} thr.   {par_tps:>10.0} tx/s  {:>7.1?}  {:>7.1?}  {:.3}x revm  {:.2}x sequential",
            args.threads,
            ms(par_time),
            ms(par_cpu),
            par_tps / revm_tps,
            par_tps / seq_tps
        );
        println!(
            "Block-STM  {:.2} executions/tx, {:.2} validations/tx ({:?} speculation)",
            per_txn(executions),
            per_txn(validations),
            args.speculation
        );
        println!("{}", work.summary());
        match &agreement {
            Ok(keys) => {
                println!("agreement  revm, evmove sequential and parallel: {keys} keys equal")
            }
            Err(_) => println!("agreement  NO"),
        }
    }
    agreement.map(|_| ())
}

/// Whether the three runs agree: the two evmove runs on every result and write; revm on
/// every transaction's success and on the value of every key evmove wrote. The number of
/// keys compared.
fn check_agreement(
    seq: &EvmBlockOutput<'_>,
    par: &EvmBlockOutput<'_>,
    revm: &revm_side::RevmRun,
) -> Result<usize, String> {
    if let Some(index) = (0..seq.outputs.len()).find(|&i| seq.outputs[i] != par.outputs[i]) {
        return Err(format!(
            "transaction {index}: sequential and parallel results differ"
        ));
    }
    if seq.writes != par.writes {
        return Err("sequential and parallel final states differ".into());
    }
    for (index, (result, &revm_success)) in seq.outputs.iter().zip(&revm.success).enumerate() {
        if (result.status == Status::Success) != revm_success {
            return Err(format!(
                "transaction {index}: evmove says {:?}, revm says success = {revm_success}",
                result.status
            ));
        }
    }
    for (key, value) in &seq.writes {
        let agrees = match (key, value) {
            (StateKey::Account(address), value) => {
                let (balance, nonce) = match value {
                    Some(StateValue::Account(account)) => (account.balance, account.nonce),
                    _ => Default::default(),
                };
                revm_side::account(&revm.db, *address) == (balance, nonce)
            }
            (StateKey::Slot(address, slot), value) => {
                let word = match value {
                    Some(StateValue::Slot(word)) => *word,
                    _ => Default::default(),
                };
                revm_side::slot(&revm.db, *address, *slot) == word
            }
            (StateKey::Code(_), _) => true,
        };
        if !agrees {
            return Err(format!("revm and evmove disagree on {key:?}"));
        }
    }
    Ok(seq.writes.len())
}
