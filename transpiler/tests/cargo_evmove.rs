//! `cargo evmove` end to end: `cargo evmove new demo`, then in it `cargo test --offline`,
//! `check --json`, `test --differential`, `bindings [--check]`, `disasm` and `ir`.
//!
//! Ignored by default: it builds a new cargo project (the Move VM, revm) twice, minutes
//! even with the workspace's target directory, which it shares. `.ci/run` runs it.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Output},
};

/// `cargo evmove <args>` in `dir`, as cargo runs the subcommand (argv[1] is `evmove`).
fn cargo_evmove(dir: &Path, args: &[&str]) -> Output {
    run(Command::new(env!("CARGO_BIN_EXE_cargo-evmove"))
        .arg("evmove")
        .args(args)
        .current_dir(dir))
}

/// `command`, offline (every cargo it runs), building into the workspace's own target
/// directory (warm, and the one place builds go on this machine).
fn run(command: &mut Command) -> Output {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    let command = command
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_NET_OFFLINE", "true");
    let output = command.output().unwrap();
    eprintln!(
        "{:?}: {}\n{}{}",
        command,
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A new, empty directory of this test's own.
fn scratch() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cargo_evmove");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
#[ignore = "builds a new project: minutes; .ci/run runs it"]
fn a_new_project_builds_tests_checks_and_agrees_with_revm() {
    let scratch = scratch();
    let made = cargo_evmove(&scratch, &["new", "demo"]);
    assert!(made.status.success());
    let demo = scratch.join("demo");
    // A second `new` there refuses: the directory is not empty.
    assert!(!cargo_evmove(&scratch, &["new", "demo"]).status.success());

    // The scaffold's own tests, offline (inside this workspace's target directory, so its
    // `[workspace]` table is what keeps it a project of its own).
    let tested = run(Command::new(env!("CARGO"))
        .args(["test"])
        .current_dir(&demo));
    assert!(tested.status.success());
    assert!(stdout(&tested).contains("test result: ok. 2 passed"));

    let check = cargo_evmove(&demo, &["check", "--json"]);
    assert!(check.status.success());
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let modules = report[0]["modules"].as_array().unwrap();
    let runtime = modules
        .iter()
        .find(|module| module["module"] == "Token")
        .unwrap();
    assert!(runtime["module_size"].as_u64().unwrap() > 0);
    let entries = runtime["typed_entries"].as_array().unwrap();
    assert!(entries
        .iter()
        .any(|entry| entry["abi"] == "transfer(address,uint256)" && entry["name"] == "transfer"));
    assert!(modules
        .iter()
        .any(|module| module["module"] == "Token_init"));

    let differential = cargo_evmove(&demo, &["test", "--differential"]);
    assert!(differential.status.success());
    assert!(stdout(&differential).contains("test result: ok. 2 passed"));

    // Committed bindings: none yet (stale), written, then up to date.
    let manifest = demo.join("Cargo.toml");
    let text = fs::read_to_string(&manifest).unwrap().replace(
        "[package.metadata.evmove]\n",
        "[package.metadata.evmove]\nbindings = \"src/contracts.rs\"\n",
    );
    fs::write(&manifest, text).unwrap();
    let stale = cargo_evmove(&demo, &["bindings", "--check"]);
    assert!(!stale.status.success());
    assert!(String::from_utf8_lossy(&stale.stderr).contains("is stale"));
    assert!(cargo_evmove(&demo, &["bindings"]).status.success());
    assert!(fs::read_to_string(demo.join("src/contracts.rs"))
        .unwrap()
        .contains("pub mod token"));
    let fresh = cargo_evmove(&demo, &["bindings", "--check"]);
    assert!(fresh.status.success());

    let disasm = cargo_evmove(&demo, &["disasm", "Token"]);
    assert!(disasm.status.success());
    assert!(stdout(&disasm).contains("module "));
    let ir = cargo_evmove(&demo, &["ir", "Token"]);
    assert!(ir.status.success());
    assert!(stdout(&ir).starts_with("; Token\n"));
    let unknown = cargo_evmove(&demo, &["disasm", "Nope"]);
    assert!(!unknown.status.success());
}
