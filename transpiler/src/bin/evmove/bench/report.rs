//! What `evmove bench` prints: a table of revm and each tier's sequential and parallel runs,
//! as throughput and as ratios to revm in the same sitting, or the same as JSON.

use clap::ValueEnum;
use evmove_native::{JitTier, Tier};
use evmove_runtime::block::evm::EvmBlockOutput;
use serde_json::{json, Value};

use super::{
    args::BenchArgs,
    counts::BlockWork,
    revm_side::RevmRun,
    timing::{load_average, ms, Timed},
};
use crate::tier;

/// One tier's fastest runs.
pub struct TierReport<'a, 'r> {
    pub tier: Tier,
    pub native: Option<&'a JitTier>,
    pub sequential: &'a Timed<EvmBlockOutput<'r>>,
    pub parallel: &'a Timed<EvmBlockOutput<'r>>,
}

/// Everything the report says.
pub struct Report<'a, 'r> {
    pub args: &'a BenchArgs,
    pub description: &'a str,
    pub accounts: usize,
    pub succeeded: usize,
    pub revm: &'a Timed<RevmRun>,
    pub tiers: Vec<TierReport<'a, 'r>>,
    pub work: &'a BlockWork,
    /// The keys compared, or where the runs disagreed.
    pub agreement: &'a Result<usize, String>,
}

/// Executions and validations per transaction of a parallel run.
fn block_stm_work(run: &EvmBlockOutput<'_>) -> (f64, f64) {
    let txns = run.stats.len().max(1) as f64;
    let executions: u64 = run.stats.iter().map(|s| u64::from(s.executions)).sum();
    let validations: u64 = run.stats.iter().map(|s| u64::from(s.validations)).sum();
    (executions as f64 / txns, validations as f64 / txns)
}

/// Where a parallel run handed the rest of its block to the sequential executor, as words
/// to append (nothing if it did not).
pub(super) fn hand_over(run: &EvmBlockOutput<'_>) -> String {
    match run.handed_over {
        Some(txn) => format!(", the rest sequentially from transaction {txn}"),
        None => String::new(),
    }
}

impl Report<'_, '_> {
    fn txns(&self) -> usize {
        self.args.txns
    }

    fn revm_tps(&self) -> f64 {
        self.revm.per_second(self.txns())
    }

    fn run_json<T>(&self, run: &Timed<T>) -> Value {
        let tps = run.per_second(self.txns());
        json!({
            "seconds": run.wall.as_secs_f64(),
            "cpu_seconds": run.cpu.as_secs_f64(),
            "tx_per_s": tps,
            "over_revm": tps / self.revm_tps(),
        })
    }

    fn tier_json(&self, tier: &TierReport<'_, '_>) -> Value {
        let (executions, validations) = block_stm_work(&tier.parallel.result);
        let mut parallel = self.run_json(tier.parallel);
        parallel["executions_per_tx"] = json!(executions);
        parallel["validations_per_tx"] = json!(validations);
        parallel["handed_over_at"] = json!(tier.parallel.result.handed_over);
        parallel["over_sequential"] =
            json!(tier.parallel.per_second(self.txns()) / tier.sequential.per_second(self.txns()));
        json!({
            "sequential": self.run_json(tier.sequential),
            "parallel": parallel,
            "native_tier": tier.native.map(|native| {
                let stats = native.stats();
                json!({
                    "modules": stats.modules,
                    "native_modules": stats.native_modules,
                    "compile_seconds": stats.compile_time.as_secs_f64(),
                })
            }),
        })
    }

    /// The report as JSON: `revm`, and per tier (`interpreter`, `native`) its `sequential`
    /// and `parallel` runs with their ratios to revm.
    pub fn json(&self) -> Value {
        let args = self.args;
        let mut report = json!({
            "workload": format!("{:?}", args.workload).to_lowercase(),
            "description": self.description,
            "transactions": self.txns(),
            "succeeded": self.succeeded,
            "accounts": self.accounts,
            "threads": args.threads.get(),
            "speculation": format!("{:?}", args.speculation).to_lowercase(),
            "fallback": args.fallback.to_possible_value().map(|value| value.get_name().to_owned()),
            "runs": args.runs,
            "tiers": self.tiers.iter().map(|tier| tier.tier.name()).collect::<Vec<_>>(),
            "revm": self.run_json(self.revm),
            "per_tx": self.work.json(),
            "agree": self.agreement.is_ok(),
            "load_average": load_average(),
        });
        for tier in &self.tiers {
            report[tier.tier.name()] = self.tier_json(tier);
        }
        report
    }

    /// The report as a table.
    pub fn print(&self) {
        let args = self.args;
        let txns = self.txns();
        println!("workload   {:?}: {}", args.workload, self.description);
        println!(
            "block      {txns} transactions ({} succeeded), fastest of {} runs, load {}",
            self.succeeded,
            args.runs,
            load_average()
        );
        println!("engine                           throughput     wall      CPU    ratios");
        let revm_tps = self.revm_tps();
        println!(
            "revm        sequential           {revm_tps:>10.0} tx/s  {:>7.1?}  {:>7.1?}",
            ms(self.revm.wall),
            ms(self.revm.cpu)
        );
        for tier in &self.tiers {
            let (seq_tps, par_tps) = (
                tier.sequential.per_second(txns),
                tier.parallel.per_second(txns),
            );
            println!(
                "{:<11} sequential           {seq_tps:>10.0} tx/s  {:>7.1?}  {:>7.1?}  {:.3}x revm",
                tier.tier.name(),
                ms(tier.sequential.wall),
                ms(tier.sequential.cpu),
                seq_tps / revm_tps
            );
            let (executions, validations) = block_stm_work(&tier.parallel.result);
            println!(
                "{:<11} parallel {:>2} thr.    {par_tps:>10.0} tx/s  {:>7.1?}  {:>7.1?}  {:.3}x revm  {:.2}x sequential  ({executions:.2} executions, {validations:.2} validations per tx{})",
                tier.tier.name(),
                args.threads,
                ms(tier.parallel.wall),
                ms(tier.parallel.cpu),
                par_tps / revm_tps,
                par_tps / seq_tps,
                hand_over(&tier.parallel.result),
            );
            if let Some(line) = tier::summary(tier.native) {
                println!("            {line}");
            }
        }
        println!("{}", self.work.summary());
        match self.agreement {
            Ok(keys) => println!(
                "agreement  revm and every evmove run: {keys} keys equal ({:?} speculation, fallback {:?})",
                args.speculation, args.fallback
            ),
            Err(why) => println!("agreement  NO: {why}"),
        }
    }
}
