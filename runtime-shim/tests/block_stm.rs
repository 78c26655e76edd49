//! Block-STM against the sequential executor, over blocks of synthetic transactions: each
//! reads some keys and writes values derived from what it read, so any difference in what a
//! transaction saw shows in the outputs or the final state. The contention knob is the size of
//! the key space a block draws from, from 1 shared key to as many keys as transactions.
//!
//! The synthetic transactions:
//! - `Mix`: reads keys, writes a hash of everything read to some keys, deletes others, credits
//!   others with a delta (without reading them); burns some CPU so that timings vary.
//! - `Revert`: reads keys and writes nothing (an EVM revert, as far as the state goes).
//! - `Fail`: the task returns an error (the host could not execute the transaction).
//! - `PairSet` / `PairCheck`: the first writes one value to two keys; the second reads both and
//!   fails if they differ. In any sequential order they are equal, so a `PairCheck` fails only
//!   when executed speculatively over an inconsistent state: that must never be a result.

use std::{
    collections::BTreeMap,
    hint::black_box,
    num::NonZeroUsize,
    panic,
    sync::{
        atomic::{AtomicUsize, Ordering::Relaxed},
        Condvar, Mutex,
    },
    thread::{self, ThreadId},
};

use evmove_runtime::block::{
    execute_block, Config, Delta, Execution, Fallback, Mode, ReadError, Speculation, Task,
    TxnIndex, View, Write,
};
use proptest::prelude::*;

type Key = u16;
type Value = u64;

/// Keys of `PairSet` / `PairCheck` only, apart from the keys the other transactions touch.
const PAIR_KEYS: std::ops::Range<Key> = 10_000..10_004;

#[derive(Clone, Debug)]
enum Op {
    Derive,
    Delete,
    Credit(u64),
}

#[derive(Clone, Debug)]
enum Txn {
    Mix {
        seed: u64,
        reads: Vec<Key>,
        writes: Vec<(Key, Op)>,
        spin: u32,
    },
    Revert {
        reads: Vec<Key>,
    },
    Fail,
    PairSet {
        a: Key,
        b: Key,
        seed: u64,
        spin: u32,
    },
    PairCheck {
        a: Key,
        b: Key,
        spin: u32,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Out {
    Read(Vec<Option<Value>>),
    Reverted(Vec<Option<Value>>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SynthError {
    Failed,
    Inconsistent,
    Read(ReadError),
}

impl From<ReadError> for SynthError {
    fn from(error: ReadError) -> Self {
        Self::Read(error)
    }
}

/// Adds to a value (absent: 0).
#[derive(Clone, Copy, Debug)]
struct Credit(u64);

impl Delta<Value> for Credit {
    fn apply(&self, before: Option<&Value>) -> Value {
        before.copied().unwrap_or(0).wrapping_add(self.0)
    }
}

/// Counts the speculative `PairCheck` failures, to show that the tests reach them, and the
/// executions on the sequential executor's thread, to show that a parallel block was handed
/// over to it; starts its workers as `start` says.
#[derive(Default)]
struct Synthetic {
    inconsistent: AtomicUsize,
    in_order: AtomicUsize,
    start: Start,
    workers: AtomicUsize,
    /// The threads that passed the gate: the workers at their first execution
    /// ([`Start::Together`]), the first worker once done ([`Start::AfterTheFirst`]).
    gate: Mutex<Vec<ThreadId>>,
    opened: Condvar,
}

/// When a block's workers start work.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Start {
    /// As soon as their threads run.
    #[default]
    AsSpawned,
    /// The first two together: neither finishes an execution before both are at work, as on
    /// an idle machine (under load a worker's thread may start later than a short block
    /// takes to run).
    Together,
    /// Every worker but the first only once the first has done its share of the block (it
    /// ran the whole block alone, in order).
    AfterTheFirst,
}

impl Synthetic {
    fn starting(start: Start) -> Self {
        Self {
            start,
            ..Self::default()
        }
    }

    /// This thread passes the gate (once), and wakes the waiting ones.
    fn pass(&self) {
        let mut passed = self.gate.lock().unwrap_or_else(|p| p.into_inner());
        let me = thread::current().id();
        if !passed.contains(&me) {
            passed.push(me);
            self.opened.notify_all();
        }
    }

    /// Waits until `count` threads passed the gate.
    fn wait_for(&self, count: usize) {
        let gate = self.gate.lock().unwrap_or_else(|p| p.into_inner());
        let opened = self.opened.wait_while(gate, |passed| passed.len() < count);
        drop(opened.unwrap_or_else(|p| p.into_inner()));
    }
}

/// Opens the gate when the first worker is done, also if it unwinds.
struct FirstDone<'a>(&'a Synthetic);

impl Drop for FirstDone<'_> {
    fn drop(&mut self) {
        self.0.pass();
    }
}

fn mix(hash: u64, value: u64) -> u64 {
    (hash ^ value)
        .wrapping_mul(0x9e37_79b9_7f4a_7c15)
        .rotate_left(29)
}

fn spin(rounds: u32) {
    let mut x = 1u64;
    for i in 0..rounds {
        x = black_box(mix(x, u64::from(i)));
    }
}

impl Task for Synthetic {
    type Txn = Txn;
    type Key = Key;
    type Value = Value;
    type Delta = Credit;
    type Output = Out;
    type Error = SynthError;

    fn execute(
        &self,
        txn: &Txn,
        view: &impl View<Key, Value>,
    ) -> Result<Execution<Self>, SynthError> {
        if thread::current().name() == Some("block-sequential") {
            self.in_order.fetch_add(1, Relaxed);
        }
        if self.start == Start::Together {
            self.pass();
            self.wait_for(2);
        }
        // As the runtime's host state would keep it: `View` is object safe.
        let view: &dyn View<Key, Value> = view;
        let read_all = |keys: &[Key]| -> Result<Vec<Option<Value>>, SynthError> {
            keys.iter().map(|k| Ok(view.read(k)?)).collect()
        };
        match txn {
            Txn::Mix {
                seed,
                reads,
                writes,
                spin: rounds,
            } => {
                let values = read_all(reads)?;
                spin(*rounds);
                let hash = values.iter().fold(*seed, |h, v| mix(h, v.unwrap_or(7)));
                let writes = writes
                    .iter()
                    .map(|(key, op)| {
                        let write = match op {
                            Op::Derive => Write::Set(mix(hash, u64::from(*key))),
                            Op::Delete => Write::Delete,
                            Op::Credit(amount) => Write::Delta(Credit(*amount)),
                        };
                        (*key, write)
                    })
                    .collect();
                Ok(Execution {
                    output: Out::Read(values),
                    writes,
                })
            }
            Txn::Revert { reads } => Ok(Execution {
                output: Out::Reverted(read_all(reads)?),
                writes: Vec::new(),
            }),
            Txn::Fail => Err(SynthError::Failed),
            Txn::PairSet {
                a,
                b,
                seed,
                spin: rounds,
            } => {
                let value = mix(*seed, view.read(a)?.unwrap_or(0));
                spin(*rounds);
                Ok(Execution {
                    output: Out::Read(vec![Some(value)]),
                    writes: vec![(*a, Write::Set(value)), (*b, Write::Set(value))],
                })
            }
            Txn::PairCheck { a, b, spin: rounds } => {
                let first = view.read(a)?;
                spin(*rounds);
                let second = view.read(b)?;
                if first != second {
                    self.inconsistent.fetch_add(1, Relaxed);
                    return Err(SynthError::Inconsistent);
                }
                Ok(Execution {
                    output: Out::Read(vec![first]),
                    writes: Vec::new(),
                })
            }
        }
    }

    /// (The sequential executor after a hand-over is a worker too, the third.)
    fn worker<R>(&self, work: impl FnOnce() -> R) -> R {
        match (self.start, self.workers.fetch_add(1, Relaxed)) {
            (Start::AfterTheFirst, 0) => {
                let _done = FirstDone(self);
                return work();
            }
            (Start::AfterTheFirst, _) => self.wait_for(1),
            _ => {}
        }
        work()
    }
}

type Base = BTreeMap<Key, Value>;

/// A block's result with what differs between modes (stats, threads) left out.
type Outcome = Result<(Vec<Out>, BTreeMap<Key, Option<Value>>), (TxnIndex, SynthError)>;

fn run(task: &Synthetic, txns: &[Txn], base: &Base, mode: Mode) -> Outcome {
    run_with(task, txns, base, &Config::with_mode(mode))
}

fn run_with(task: &Synthetic, txns: &[Txn], base: &Base, config: &Config) -> Outcome {
    match execute_block(task, txns, base, config) {
        Ok(block) => {
            assert_eq!(block.stats.len(), txns.len());
            assert!(block.stats.iter().all(|s| s.executions >= 1));
            if config.mode == Mode::Sequential {
                assert_eq!(block.handed_over, None);
            }
            Ok((block.outputs, block.writes))
        }
        Err(evmove_runtime::block::BlockError::Task { txn, error }) => Err((txn, error)),
        Err(error) => panic!("block failed: {error:?}"),
    }
}

fn parallel(threads: usize) -> Mode {
    Mode::Parallel {
        threads: NonZeroUsize::new(threads).unwrap(),
    }
}

/// Checks the block in parallel on `threads`, with either speculation, against the
/// sequential result; returns the latter.
fn check(txns: &[Txn], base: &Base, threads: usize) -> Outcome {
    let task = Synthetic::default();
    let sequential = run(&task, txns, base, Mode::Sequential);
    let configs = [
        (Speculation::Adaptive, Fallback::WhenDependent),
        (Speculation::Unbounded, Fallback::Never),
        (
            Speculation::Adaptive,
            Fallback::AfterCommits(txns.len() / 2),
        ),
    ];
    for (speculation, fallback) in configs {
        let config = Config {
            speculation,
            fallback,
            ..Config::with_mode(parallel(threads))
        };
        let parallel = run_with(&task, txns, base, &config);
        assert_eq!(
            parallel, sequential,
            "{threads} threads, {speculation:?}, {fallback:?}"
        );
    }
    sequential
}

// ---- Random blocks --------------------------------------------------------------------------

/// Random blocks handed to the sequential executor after `at` commits: the same result, and
/// the rest of the block ran in order on its thread (unless a failure ended the block).
#[test]
fn a_block_handed_over_midway_equals_sequential() {
    for (seed, at) in (0..24).map(|seed| (seed, 1 + seed as usize * 5 % 59)) {
        let keys = [1, 4, 64][seed as usize % 3];
        let shape = Shape {
            len: 60,
            keys,
            fail_per_mille: 0,
            max_spin: 2_000,
        };
        let (txns, base) = random_block(seed, &shape);
        let sequential = run(&Synthetic::default(), &txns, &base, Mode::Sequential);
        let task = Synthetic::default();
        let config = Config {
            fallback: Fallback::AfterCommits(at),
            ..Config::with_mode(parallel(2))
        };
        let block = execute_block(&task, &txns, &base, &config).expect("no transaction fails");
        assert_eq!(Ok((block.outputs, block.writes)), sequential);
        assert_eq!(block.handed_over, Some(at), "seed {seed}");
        assert_eq!(task.in_order.load(Relaxed), txns.len() - at, "seed {seed}");
    }
}

/// A chain (every transaction reads and writes the one key) is handed over to the sequential
/// executor once speculation stops paying, with the sequential result. Its two workers start
/// together: commits made before every worker is at work are not sampled.
#[test]
fn a_chain_is_handed_over() {
    let txns: Vec<Txn> = (0..512)
        .map(|i| Txn::Mix {
            seed: i,
            reads: vec![0],
            writes: vec![(0, Op::Derive)],
            spin: 200,
        })
        .collect();
    let base = Base::from([(0, 7)]);
    let sequential = run(&Synthetic::default(), &txns, &base, Mode::Sequential);
    let task = Synthetic::starting(Start::Together);
    let config = Config::with_mode(parallel(2));
    let block = execute_block(&task, &txns, &base, &config).expect("no transaction fails");
    assert_eq!(Ok((block.outputs, block.writes)), sequential);
    let in_order = task.in_order.load(Relaxed);
    assert!(in_order > 0 && in_order < txns.len(), "{in_order} in order");
    assert_eq!(block.handed_over, Some(txns.len() - in_order));
}

/// A block without conflicts whose second worker starts only after the first has run every
/// transaction (in order: each after the one below it was committed) is not handed over to
/// the sequential executor: commits made before every worker is at work say nothing about
/// the block (they are not sampled), and here no commit is made after.
#[test]
fn a_worker_starting_late_does_not_get_a_block_handed_over() {
    let txns: Vec<Txn> = (0..256)
        .map(|i| Txn::Mix {
            seed: i,
            reads: vec![i as Key],
            writes: vec![(i as Key, Op::Derive)],
            spin: 0,
        })
        .collect();
    let base = Base::new();
    let sequential = run(&Synthetic::default(), &txns, &base, Mode::Sequential);
    let task = Synthetic::starting(Start::AfterTheFirst);
    let config = Config {
        fallback: Fallback::WhenDependent,
        ..Config::with_mode(parallel(2))
    };
    let block = execute_block(&task, &txns, &base, &config).expect("no transaction fails");
    assert_eq!(Ok((block.outputs, block.writes)), sequential);
    assert_eq!(block.handed_over, None);
    assert_eq!(
        task.workers.load(Relaxed),
        2,
        "both workers ran, and nothing else"
    );
}

/// A block's shape: length, key space (the contention knob) and which kinds of transactions.
struct Shape {
    len: usize,
    keys: Key,
    fail_per_mille: u64,
    max_spin: u32,
}

/// splitmix64: deterministic blocks for the stress test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn key(&mut self, keys: Key) -> Key {
        self.below(u64::from(keys)) as Key
    }

    fn pair(&mut self) -> (Key, Key) {
        let i = self.below(2) as Key * 2;
        (PAIR_KEYS.start + i, PAIR_KEYS.start + i + 1)
    }
}

fn random_txn(rng: &mut Rng, shape: &Shape) -> Txn {
    let roll = rng.below(1000);
    if roll < shape.fail_per_mille {
        return Txn::Fail;
    }
    match roll % 10 {
        0 => Txn::Revert {
            reads: (0..rng.below(3)).map(|_| rng.key(shape.keys)).collect(),
        },
        1 => {
            let (a, b) = rng.pair();
            Txn::PairSet {
                a,
                b,
                seed: rng.next(),
                spin: rng.below(u64::from(shape.max_spin) + 1) as u32,
            }
        }
        2 => {
            let (a, b) = rng.pair();
            Txn::PairCheck {
                a,
                b,
                spin: rng.below(u64::from(shape.max_spin) + 1) as u32,
            }
        }
        _ => {
            let mut writes: Vec<(Key, Op)> = Vec::new();
            for _ in 0..rng.below(4) {
                let key = rng.key(shape.keys);
                if writes.iter().all(|(k, _)| *k != key) {
                    let op = match rng.below(6) {
                        0 => Op::Delete,
                        1 | 2 => Op::Credit(rng.below(100)),
                        _ => Op::Derive,
                    };
                    writes.push((key, op));
                }
            }
            Txn::Mix {
                seed: rng.next(),
                reads: (0..rng.below(4)).map(|_| rng.key(shape.keys)).collect(),
                writes,
                spin: rng.below(u64::from(shape.max_spin) + 1) as u32,
            }
        }
    }
}

fn random_block(seed: u64, shape: &Shape) -> (Vec<Txn>, Base) {
    let mut rng = Rng(seed);
    let txns = (0..shape.len)
        .map(|_| random_txn(&mut rng, shape))
        .collect();
    // Half the keys exist before the block; the pair keys do not (both absent: equal).
    let mut base = Base::new();
    for key in 0..shape.keys {
        if rng.below(2) == 0 {
            base.insert(key, rng.next());
        }
    }
    (txns, base)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Random blocks, contention from 1 key to 64, 1 to 6 threads.
    #[test]
    fn parallel_equals_sequential(
        seed in any::<u64>(),
        len in 0usize..48,
        keys in 1 as Key..=64,
        fail_per_mille in prop_oneof![3 => Just(0u64), 1 => 0u64..30],
        threads in 1usize..=6,
    ) {
        let shape = Shape { len, keys, fail_per_mille, max_spin: 20_000 };
        let (txns, base) = random_block(seed, &shape);
        let _sequential = check(&txns, &base, threads);
    }
}

/// Many more threads than the machine's cores, big blocks, every contention level.
#[test]
fn stress_more_threads_than_cores() {
    for threads in [8, 16] {
        for keys in [1, 4, 32, 1000] {
            for seed in 0..3 {
                let shape = Shape {
                    len: 1000,
                    keys,
                    fail_per_mille: 0,
                    max_spin: 5000,
                };
                let seed = (u64::from(keys) * 31 + threads as u64) * 7 + seed;
                let (txns, base) = random_block(seed, &shape);
                assert!(check(&txns, &base, threads).is_ok());
            }
        }
    }
}

/// A transaction that fails in the middle of a block is the block's result in both modes, even
/// when a later one fails too; the transactions around it contend on few keys.
#[test]
fn failing_transaction_in_the_middle() {
    let shape = Shape {
        len: 100,
        keys: 3,
        fail_per_mille: 0,
        max_spin: 500,
    };
    let (mut txns, base) = random_block(7, &shape);
    txns[50] = Txn::Fail;
    txns[70] = Txn::Fail;
    for threads in [2, 4] {
        assert_eq!(check(&txns, &base, threads), Err((50, SynthError::Failed)));
    }
}

/// A reverting transaction in the middle of a contended block: an output like any other.
#[test]
fn reverting_transaction_in_the_middle() {
    let shape = Shape {
        len: 100,
        keys: 3,
        fail_per_mille: 0,
        max_spin: 500,
    };
    let (mut txns, base) = random_block(8, &shape);
    txns[50] = Txn::Revert {
        reads: vec![0, 1, 2],
    };
    for threads in [2, 4] {
        let (outputs, _) = check(&txns, &base, threads).unwrap();
        assert!(matches!(outputs[50], Out::Reverted(_)));
    }
}

/// `PairCheck`s read two keys that every `PairSet` writes together, with CPU burnt between
/// the two reads: speculatively they see one key before and one after a write, and fail; that
/// failure must never be a result.
#[test]
fn speculative_inconsistency_is_never_a_result() {
    let task = Synthetic::default();
    let mut rng = Rng(99);
    let txns: Vec<Txn> = (0..400)
        .map(|i| {
            let (a, b) = rng.pair();
            if i % 2 == 0 {
                Txn::PairSet {
                    a,
                    b,
                    seed: rng.next(),
                    spin: 1500,
                }
            } else {
                Txn::PairCheck { a, b, spin: 3000 }
            }
        })
        .collect();
    let base = Base::new();
    let sequential = run(&task, &txns, &base, Mode::Sequential);
    assert!(sequential.is_ok());
    for threads in [2, 4, 8] {
        let config = Config {
            speculation: Speculation::Unbounded,
            ..Config::with_mode(parallel(threads))
        };
        assert_eq!(run_with(&task, &txns, &base, &config), sequential);
    }
    eprintln!(
        "speculative PairCheck failures: {}",
        task.inconsistent.load(Relaxed)
    );
}

/// Transactions that all credit one shared key (as value sent to one recipient) and each
/// write their own key do not conflict: each is executed exactly once, and a transaction
/// that reads the shared key afterwards sees every credit.
#[test]
fn credits_to_a_shared_key_do_not_conflict() {
    const SHARED: Key = 0;
    let mut txns: Vec<Txn> = (1..=300)
        .map(|i| Txn::Mix {
            seed: u64::from(i),
            reads: vec![i],
            writes: vec![(SHARED, Op::Credit(u64::from(i))), (i, Op::Derive)],
            spin: 500,
        })
        .collect();
    txns.push(Txn::Revert {
        reads: vec![SHARED],
    });
    let base = Base::from([(SHARED, 1_000)]);
    let task = Synthetic::default();
    // Block-STM to the end: the test is of its credits, whatever the load does to speculation.
    let config = Config {
        fallback: Fallback::Never,
        ..Config::with_mode(parallel(4))
    };
    let block = execute_block(&task, &txns, &base, &config).unwrap();
    let credits = (1..=300).sum::<u64>();
    assert_eq!(block.writes[&SHARED], Some(1_000 + credits));
    assert_eq!(
        block.outputs.last(),
        Some(&Out::Reverted(vec![Some(1_000 + credits)]))
    );
    let last = txns.len() - 1;
    for (txn, stats) in block.stats[..last].iter().enumerate() {
        assert_eq!(stats.executions, 1, "transaction {txn} was executed again");
    }
    assert!(check(&txns, &base, 4).is_ok());
}

/// A task that recurses deeply (as nested EVM calls do) runs in every mode: the executor's
/// threads have big stacks, whatever the caller's.
#[test]
fn executions_run_on_big_stacks() {
    struct Deep;

    /// At least 8 KiB of stack per level (more in debug builds), so 1500 levels need more
    /// than 12 MiB: more than a main thread's 8 MiB and a test thread's 2 MiB.
    fn recurse(depth: u32) -> u64 {
        let frame = black_box([depth as u8; 8192]);
        if depth == 0 {
            return u64::from(frame[0]);
        }
        recurse(depth - 1) + u64::from(frame[100])
    }

    impl Task for Deep {
        type Txn = u32;
        type Key = Key;
        type Value = u64;
        type Delta = evmove_runtime::block::NoDelta;
        type Output = u64;
        type Error = ();

        fn execute(&self, depth: &u32, _: &impl View<Key, Value>) -> Result<Execution<Self>, ()> {
            Ok(Execution {
                output: recurse(*depth),
                writes: Vec::new(),
            })
        }
    }

    let txns = [1500, 10, 1500];
    for mode in [Mode::Sequential, parallel(2)] {
        let block = execute_block(&Deep, &txns, &Base::new(), &Config::with_mode(mode)).unwrap();
        assert_eq!(block.outputs.len(), 3);
    }
}

/// A task that panics (breaking its contract) panics the caller; the workers stop rather than
/// wait for the work the panicking one held.
#[test]
fn a_panicking_task_panics_the_caller() {
    struct Panics;

    impl Task for Panics {
        type Txn = bool;
        type Key = Key;
        type Value = u64;
        type Delta = evmove_runtime::block::NoDelta;
        type Output = ();
        type Error = ();

        fn execute(
            &self,
            panics: &bool,
            view: &impl View<Key, Value>,
        ) -> Result<Execution<Self>, ()> {
            let _ = view.read(&0);
            assert!(!panics, "the task panicked");
            Ok(Execution {
                output: (),
                writes: vec![(0, Write::Set(1))],
            })
        }
    }

    let txns: Vec<bool> = (0..100).map(|i| i == 40).collect();
    for mode in [Mode::Sequential, parallel(4)] {
        let result = panic::catch_unwind(|| {
            execute_block(&Panics, &txns, &Base::new(), &Config::with_mode(mode))
        });
        assert!(result.is_err(), "{mode:?}");
    }
}

#[test]
fn auto_mode_runs_small_blocks_sequentially() {
    let config = Config::default();
    assert_eq!(config.mode, Mode::Auto);
    assert_eq!(config.mode_for(1), Mode::Sequential);
    let txns = vec![Txn::Fail; 0];
    let block = execute_block(&Synthetic::default(), &txns, &Base::new(), &config).unwrap();
    assert_eq!(block.executed_as, Mode::Sequential);
    let big = config.mode_for(evmove_runtime::block::AUTO_MIN_PARALLEL_TXNS);
    match std::thread::available_parallelism().map(NonZeroUsize::get) {
        Ok(cores) if cores > 1 => {
            assert!(matches!(big, Mode::Parallel { threads } if threads.get() == cores))
        }
        _ => assert_eq!(big, Mode::Sequential),
    }
}

#[test]
fn empty_block() {
    assert_eq!(
        check(&[], &Base::new(), 2),
        Ok((Vec::new(), BTreeMap::new()))
    );
}
