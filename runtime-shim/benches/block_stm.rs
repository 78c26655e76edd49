//! Block-STM against the sequential executor on synthetic CPU-heavy transactions (each burns
//! about `WORK` rounds of integer mixing, ~10 µs in release, around its reads and writes):
//!
//! - `independent`: transaction `i` reads and writes its own key and credits a shared key with
//!   a delta (a fee to one recipient), so nothing conflicts: the best case for parallelism.
//! - `hot10`: as `independent`, but every tenth transaction reads and writes one shared key
//!   instead of its own (a counter): some conflicts.
//! - `chain`: every transaction reads and writes one key, so each depends on the one before:
//!   the worst case, where the parallel executor should lose little against sequential.
//!
//! Each workload runs sequentially and in parallel on 2 threads, with the adaptive speculation
//! window (the default) and without it (`-unbounded`); before measuring, one parallel run
//! prints the executions and validations per transaction. The ratio of interest
//! is sequential time / parallel time per workload. On a shared 2-core machine other processes
//! take cores from the workers: compare the lower bounds, or rerun.
//!
//! ```sh
//! cargo bench -p evmove-runtime --bench block_stm
//! ```

use std::{collections::BTreeMap, hint::black_box, num::NonZeroUsize};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use evmove_runtime::block::{
    execute_block, Config, Delta, Execution, Mode, Speculation, Task, View, Write,
};

/// Transactions per block.
const BLOCK: usize = 1000;

/// Rounds of mixing per transaction.
const WORK: u32 = 20_000;

/// The key every transaction credits in `independent`, every tenth reads and writes in
/// `hot10`, and all read and write in `chain`.
const SHARED: u32 = u32::MAX;

struct Txn {
    key: u32,
    credit_shared: bool,
}

#[derive(Clone)]
struct Fee(u64);

impl Delta<u64> for Fee {
    fn apply(&self, before: Option<&u64>) -> u64 {
        before.copied().unwrap_or(0).wrapping_add(self.0)
    }
}

struct Burn;

fn burn(mut x: u64) -> u64 {
    for i in 0..WORK {
        x = black_box(
            (x ^ u64::from(i))
                .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                .rotate_left(29),
        );
    }
    x
}

impl Task for Burn {
    type Txn = Txn;
    type Key = u32;
    type Value = u64;
    type Delta = Fee;
    type Output = u64;
    type Error = ();

    fn execute(&self, txn: &Txn, view: &impl View<u32, u64>) -> Result<Execution<Self>, ()> {
        let before = view.read(&txn.key).map_err(drop)?.unwrap_or(1);
        let after = burn(before);
        let mut writes = vec![(txn.key, Write::Set(after))];
        if txn.credit_shared {
            writes.push((SHARED, Write::Delta(Fee(1))));
        }
        Ok(Execution {
            output: after,
            writes,
        })
    }
}

fn independent() -> Vec<Txn> {
    (0..BLOCK as u32)
        .map(|key| Txn {
            key,
            credit_shared: true,
        })
        .collect()
}

fn hot10() -> Vec<Txn> {
    (0..BLOCK as u32)
        .map(|key| Txn {
            key: if key % 10 == 0 { SHARED } else { key },
            credit_shared: false,
        })
        .collect()
}

fn chain() -> Vec<Txn> {
    (0..BLOCK)
        .map(|_| Txn {
            key: SHARED,
            credit_shared: false,
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let base = BTreeMap::new();
    let sequential = Config::with_mode(Mode::Sequential);
    let parallel = Config::with_mode(Mode::Parallel {
        threads: NonZeroUsize::new(2).unwrap(),
    });
    let unbounded = Config {
        speculation: Speculation::Unbounded,
        ..parallel.clone()
    };
    let workloads = [
        ("independent", independent()),
        ("hot10", hot10()),
        ("chain", chain()),
    ];
    for (name, txns) in workloads {
        let block = execute_block(&Burn, &txns, &base, &parallel).unwrap();
        let executions: u32 = block.stats.iter().map(|s| s.executions).sum();
        let validations: u32 = block.stats.iter().map(|s| s.validations).sum();
        eprintln!(
            "{name}: parallel(2) did {:.2} executions and {:.2} validations per transaction",
            f64::from(executions) / BLOCK as f64,
            f64::from(validations) / BLOCK as f64
        );
        let mut group = c.benchmark_group(name);
        group.sample_size(20);
        group.throughput(Throughput::Elements(BLOCK as u64));
        group.bench_function("sequential", |b| {
            b.iter(|| execute_block(&Burn, &txns, &base, &sequential).unwrap())
        });
        group.bench_function("parallel-2", |b| {
            b.iter(|| execute_block(&Burn, &txns, &base, &parallel).unwrap())
        });
        group.bench_function("parallel-2-unbounded", |b| {
            b.iter(|| execute_block(&Burn, &txns, &base, &unbounded).unwrap())
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
