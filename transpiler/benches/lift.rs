//! How long the front end takes, stage by stage and end to end, on:
//!
//! - the largest corpus contract (Collections compiled via-IR without the optimizer: 14.5 KB
//!   of runtime code);
//! - the largest third-party contract the tests lift: Uniswap v4's PoolManager (24 KB of
//!   runtime code, just under the deployed-size limit; solc 0.8.26 via-IR), read from the
//!   npm package `tests/thirdparty/install.sh` installs. Skipped, with a notice, when it is
//!   not installed.

use std::{fs, path::Path};

use criterion::{criterion_group, criterion_main, Criterion};
use evmove::{
    evm::Code,
    lift::{lift, lift_module, recover_functions, resolve_jumps},
};

/// The runtime code at JSON pointer `pointer` of the artifact at `path` (relative to the
/// workspace), if the file is there.
fn runtime_code(path: &str, pointer: &str) -> Option<Vec<u8>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    let text = fs::read_to_string(&path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let hex = json
        .pointer(pointer)
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("{}: no {pointer}", path.display()));
    Some(alloy_primitives::hex::decode(hex).expect("hex"))
}

fn stages(c: &mut Criterion, name: &str, bytes: Vec<u8>) {
    let code = Code::new(bytes.clone());
    let jumps = resolve_jumps(&code).expect("jumps resolve");
    let functions = recover_functions(&code, &jumps).expect("functions recover");

    let mut group = c.benchmark_group(format!("lift {name} ({} bytes)", bytes.len()));
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

fn corpus(c: &mut Criterion) {
    let bytes = runtime_code(
        "tests/contracts/artifacts/via-ir/Collections.json",
        "/contracts/Collections/evm/deployedBytecode/object",
    )
    .expect("corpus artifact");
    stages(c, "Collections", bytes);
}

fn third_party(c: &mut Criterion) {
    let path =
        "tests/thirdparty/node_modules/@uniswap/v4-core/out/PoolManager.sol/PoolManager.json";
    match runtime_code(path, "/deployedBytecode/object") {
        Some(bytes) => stages(c, "PoolManager", bytes),
        None => eprintln!(
            "skipping the PoolManager benchmark: {path} is not installed \
             (run tests/thirdparty/install.sh)"
        ),
    }
}

criterion_group!(benches, corpus, third_party);
criterion_main!(benches);
