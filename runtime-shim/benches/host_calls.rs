//! What host natives and nested calls cost: one transaction runs a Move loop (`host_calls.move`)
//! of `N` iterations of one operation; the cost of the operation is (time of its loop − time
//! of the empty loop) / `N`. "tx" is a transaction whose loop is empty: the fixed cost of
//! `Runtime::execute` (journal, session, `run`, write set). "call" is a CALL of a contract
//! that stops at once: checkpoint, a nested session, the callee's `run`, commit — the nested
//! round trip. "arith add" is a pure native, for reference: host natives pay for finding
//! the frame's extension and the journal. On a shared 2-core machine, compare the lower
//! bounds, or rerun.
//!
//! ```sh
//! cargo bench -p evmove-runtime --bench host_calls
//! ```
//!
//! Measured (release profile, 2 shared cores under load average 6 to 8, so inflated; per
//! operation, including pushing its arguments and popping its results in Move):
//!
//! | operation | cost |
//! |---|---|
//! | empty loop iteration (about 9 Move instructions) | 0.27 µs |
//! | `arith::add` (4 × u128 in, 2 out; reference) | 0.48 µs |
//! | `env::caller` | 0.33 µs |
//! | `memory::mload` / `mstore` | 0.25 / 0.33 µs |
//! | `storage::sload` / `sstore` (slot in the journal) | 0.34 / 0.63 µs |
//! | `call::call` of a contract that stops (nested round trip) | 2.6 µs |
//! | a whole transaction whose `run` stops at once | 4.4 µs |

#[path = "../tests/common/mod.rs"]
mod common;

use alloy_primitives::{Address, Bytes, U256};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use evmove_runtime::{
    Account, BlockEnv, InMemoryState, ModuleRegistry, ProvidedModule, Runtime, Status, Transaction,
};

/// Iterations per measured loop.
const N: u64 = 1_000;

const LOOPS: Address = Address::repeat_byte(0x10);
const SENDER: Address = Address::repeat_byte(0x5e);

/// The `sink` contract's address, `SINK` in `host_calls.move`.
fn sink() -> Address {
    Address::from_word(U256::from(0x5151).into())
}

fn setup() -> (Runtime, InMemoryState) {
    let source = include_str!("host_calls.move");
    let mut registry = ModuleRegistry::new();
    for (name, bytes) in common::compile_move("host_calls", source, &[("bench", "0x2")]) {
        let code = name.clone().into_bytes();
        registry.add_runtime(&code, ProvidedModule { name, bytes });
    }
    let mut state = InMemoryState::new();
    state.set_account(SENDER, Account::default());
    for (address, name) in [(LOOPS, "loops"), (sink(), "sink")] {
        state.set_code(address, Bytes::copy_from_slice(name.as_bytes()));
        state.set_account(
            address,
            Account {
                nonce: 1,
                balance: U256::ZERO,
            },
        );
    }
    (Runtime::new(registry).expect("the runtime starts"), state)
}

fn transaction(kind: u64, n: u64) -> Transaction {
    let data = [
        U256::from(kind).to_be_bytes::<32>(),
        U256::from(n).to_be_bytes::<32>(),
    ]
    .concat();
    Transaction {
        sender: SENDER,
        to: Some(LOOPS),
        data: data.into(),
        gas_limit: evmove_runtime::exec::fees::TX_GAS_LIMIT_CAP,
        ..Transaction::default()
    }
}

fn bench(c: &mut Criterion) {
    let (runtime, state) = setup();
    let block = BlockEnv::default();
    let mut group = c.benchmark_group("host");
    group.throughput(Throughput::Elements(N));
    let kinds = [
        (0, "empty loop"),
        (1, "mstore"),
        (2, "mload"),
        (3, "sload"),
        (4, "sstore"),
        (5, "caller"),
        (6, "arith add"),
        (7, "call"),
    ];
    for (kind, name) in kinds {
        let tx = transaction(kind, N);
        let outcome = runtime.execute(&state, &block, &tx).expect("executes");
        assert_eq!(outcome.status, Status::Success, "{name}");
        group.bench_function(name, |b| {
            b.iter(|| runtime.execute(&state, &block, &tx).expect("executes"))
        });
    }
    group.finish();
    let tx = transaction(0, 0);
    c.bench_function("tx", |b| {
        b.iter(|| runtime.execute(&state, &block, &tx).expect("executes"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
