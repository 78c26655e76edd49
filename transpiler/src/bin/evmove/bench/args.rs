//! The arguments of `evmove bench`: read by the run (`mod.rs`) and echoed by the report.

use std::num::NonZeroUsize;

use clap::{Args, ValueEnum};
use evmove_native::Tier;

use super::workload::Kind;

/// Arguments of `evmove bench`.
#[derive(Args)]
pub struct BenchArgs {
    /// The workload.
    #[arg(long, value_enum, default_value_t = Kind::Erc20)]
    pub workload: Kind,
    /// Transactions in the block.
    #[arg(long, default_value_t = 10_000)]
    pub txns: usize,
    /// Senders, the contention knob: 1 makes every transaction conflict with the one before,
    /// the block size makes them all independent (the default).
    #[arg(long)]
    pub accounts: Option<usize>,
    /// Worker threads of the parallel runs.
    #[arg(long, default_value = "2")]
    pub threads: NonZeroUsize,
    /// How far the parallel runs speculate.
    #[arg(long, value_enum, default_value_t = SpeculationArg::Adaptive)]
    pub speculation: SpeculationArg,
    /// When a parallel run hands the rest of the block to the sequential executor.
    #[arg(long, value_enum, default_value_t = FallbackArg::WhenDependent)]
    pub fallback: FallbackArg,
    /// Runs of each engine; the fastest counts.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Print the results as JSON.
    #[arg(long)]
    pub json: bool,
    /// Time only this tier (`native` or `interpreter`); both by default.
    #[arg(long)]
    pub tier: Option<Tier>,
    /// Run only this evmove engine, `--runs` times, and print its times (no revm, no
    /// report): for profiling one executor with `perf`.
    #[arg(long, value_enum, hide = true)]
    pub only: Option<EngineArg>,
}

/// `--only`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    /// The sequential executor.
    Sequential,
    /// Block-STM.
    Parallel,
}

/// `--speculation`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SpeculationArg {
    /// A window that closes on conflicts and opens without them.
    Adaptive,
    /// Anywhere (plain Block-STM).
    Unbounded,
}

/// `--fallback`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FallbackArg {
    /// When speculation stops paying (a chain of dependent transactions).
    WhenDependent,
    /// Never (Block-STM to the end: what the hand-over gains).
    Never,
}
