//! How long the front end takes on the largest corpus contract (Collections compiled via-IR
//! without the optimizer: 14.5 KB of runtime code), stage by stage and end to end.

use std::fs;

use criterion::{criterion_group, criterion_main, Criterion};
use evmove::{
    evm::Code,
    lift::{lift, lift_module, recover_functions, resolve_jumps},
};

fn runtime_code() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/contracts/artifacts/via-ir/Collections.json"
    );
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(path).expect("corpus artifact")).expect("JSON");
    let hex = json["contracts"]["Collections"]["evm"]["deployedBytecode"]["object"]
        .as_str()
        .expect("runtime code");
    alloy_primitives::hex::decode(hex).expect("hex")
}

fn stages(c: &mut Criterion) {
    let bytes = runtime_code();
    let code = Code::new(bytes.clone());
    let jumps = resolve_jumps(&code).expect("jumps resolve");
    let functions = recover_functions(&code, &jumps).expect("functions recover");

    let mut group = c.benchmark_group(format!("lift {} bytes", bytes.len()));
    group.bench_function("decode", |b| b.iter(|| Code::new(bytes.clone())));
    group.bench_function("resolve jumps", |b| {
        b.iter(|| resolve_jumps(&code).unwrap())
    });
    group.bench_function("recover functions", |b| {
        b.iter(|| recover_functions(&code, &jumps).unwrap())
    });
    group.bench_function("build SSA", |b| {
        b.iter(|| lift_module(&code, &jumps, &functions).unwrap())
    });
    group.bench_function("all, IR checked", |b| {
        b.iter(|| lift(&Code::new(bytes.clone())).unwrap())
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
