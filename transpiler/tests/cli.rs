//! The `evmove` command line: `evmove ir` on real artifacts and on bad input.

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use move_binary_format::file_format::CompiledModule;

fn evmove(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_evmove"))
        .args(args)
        .output()
        .expect("evmove runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn corpus(setting: &str, file: &str) -> String {
    format!(
        "{}/../tests/contracts/artifacts/{setting}/{file}.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// A file with `contents` in a directory of this test's own.
fn scratch(name: &str, contents: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli");
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    fs::write(&path, contents).unwrap();
    path.display().to_string()
}

#[test]
fn ir_prints_every_blob_of_an_artifact() {
    let (ok, stdout, stderr) = evmove(&["ir", &corpus("legacy-opt", "Token")]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.starts_with("; src/Token.sol:Token runtime: 2411 bytes,"),
        "{stdout}"
    );
    assert!(
        stdout.contains("; src/Token.sol:Token initcode:"),
        "{stdout}"
    );
    assert!(stdout.contains("function fn0 @pc0 -> noreturn {"));
    assert!(stdout.contains("v0 = const 0x80"));
}

#[test]
fn ir_json_summarises_blobs() {
    let (ok, stdout, stderr) = evmove(&["ir", "--json", &corpus("via-ir", "Factory")]);
    assert!(ok, "{stderr}");
    let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let blobs = summary.as_array().unwrap();
    assert_eq!(
        blobs.len(),
        4,
        "Child and Factory, runtime and initcode each"
    );
    for blob in blobs {
        assert_eq!(blob["unresolved_jumps"], 0, "{blob}");
        assert!(blob["functions"].as_u64().unwrap() >= 1, "{blob}");
        assert!(blob["blocks"].as_u64().unwrap() >= 1, "{blob}");
    }
}

#[test]
fn ir_reads_raw_hex() {
    let (ok, stdout, _) = evmove(&["ir", &scratch("add.hex", "0x6001 6002 01 00\n")]);
    assert!(ok);
    assert!(stdout.contains("v2 = add v1, v0"), "{stdout}");
}

#[test]
fn ir_stage_optimised_prints_what_the_lowering_reads() {
    // Both stack slots reach `b` along both edges of the JUMPI: optimised, the branch
    // chooses nothing and `b` joins the first block.
    let hex = scratch(
        "through.hex",
        // CALLDATASIZE PUSH 5 CALLDATASIZE PUSH @b JUMPI b: POP PUSH 0 MSTORE STOP
        "0x36600536600757 5b 50600052 00\n",
    );
    let blocks = |stdout: &str| stdout.matches("\nblock").count();
    let (ok, lifted, stderr) = evmove(&["ir", &hex]);
    assert!(ok, "{stderr}");
    assert_eq!(blocks(&lifted), 2, "{lifted}");
    assert!(lifted.contains("branch"), "{lifted}");
    let (ok, optimised, stderr) = evmove(&["ir", "--stage", "optimised", &hex]);
    assert!(ok, "{stderr}");
    assert_eq!(blocks(&optimised), 1, "{optimised}");
    assert!(optimised.contains("mstore v6, v0"), "{optimised}");
    assert!(
        optimised.starts_with("; unnamed contract code: 13 bytes, 1 functions, 1 blocks"),
        "{optimised}"
    );
    let (ok, summary, _) = evmove(&["ir", "--json", "--stage", "optimised", &hex]);
    assert!(ok);
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(summary[0]["blocks"], 1, "{summary}");

    let (ok, explicit, _) = evmove(&["ir", "--stage", "lifted", &hex]);
    assert!(ok);
    assert_eq!(explicit, lifted, "lifted is the default");
    let (ok, _, stderr) = evmove(&["ir", "--stage", "lowered", &hex]);
    assert!(!ok);
    assert!(
        stderr.contains("[possible values: lifted, optimised]"),
        "{stderr}"
    );
    let (ok, help, _) = evmove(&["ir", "--help"]);
    assert!(ok);
    assert!(help.contains("--stage <STAGE>"), "{help}");
    assert!(help.contains("after the optimisation passes"), "{help}");
}

#[test]
fn bad_input_is_a_clear_error_and_a_failure() {
    let cases = [
        (scratch("empty.hex", ""), "empty"),
        (
            scratch("garbage.json", "{\"foo\": 1}"),
            "no known artifact shape",
        ),
        ("/nonexistent/evmove-input".to_string(), "cannot read"),
    ];
    for (path, message) in cases {
        let (ok, _, stderr) = evmove(&["ir", &path]);
        assert!(!ok, "{path} should fail");
        assert!(stderr.starts_with("error: "), "{path}: {stderr}");
        assert!(stderr.contains(message), "{path}: {stderr}");
        assert!(!stderr.contains("panicked"), "{path}: {stderr}");
    }
}

#[test]
fn ir_without_inputs_explains_usage() {
    let (ok, _, stderr) = evmove(&["ir"]);
    assert!(!ok);
    assert!(stderr.contains("Usage: evmove ir"), "{stderr}");
}

#[test]
fn ir_of_raw_initcode_lifts_the_code_it_carries() {
    // Factory's initcode carries Factory's runtime code, which carries Child's initcode,
    // which carries Child's runtime code.
    let artifact: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(corpus("legacy-opt", "Factory")).unwrap())
            .unwrap();
    let initcode = artifact["contracts"]["Factory"]["evm"]["bytecode"]["object"]
        .as_str()
        .unwrap();
    let (ok, stdout, stderr) = evmove(&["ir", "--json", &scratch("factory.hex", initcode)]);
    assert!(ok, "{stderr}");
    let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let kinds: Vec<&str> = summary
        .as_array()
        .unwrap()
        .iter()
        .map(|blob| blob["blob"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    assert_eq!(kinds[0], "code");
    assert!(kinds[3].starts_with("code copy at ") && kinds[3].matches("copy at").count() == 3);
}

/// A fresh directory of this test's own.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    dir
}

#[test]
fn the_manifest_says_which_tier_reruns_a_speculating_module() {
    let universal_tier = |input: &str, name: &str| {
        let out = scratch_dir(name);
        let (ok, _, stderr) = evmove(&["compile", input, "-o", out.to_str().unwrap()]);
        assert!(ok, "{stderr}");
        let manifest: serde_json::Value =
            serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
        let modules = manifest["modules"].as_array().unwrap().clone();
        (modules.iter())
            .map(|m| {
                (
                    m["universal_entry"].clone(),
                    m["native"]["universal_tier"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    // Collections' runtime code keeps function pointers in storage: its `run()` speculates,
    // and its `run_universal()` compiles too; its initcode has no second entry.
    let collections = universal_tier(&corpus("legacy-opt", "Collections"), "compile-collections");
    assert_eq!(collections.len(), 2);
    for (entry, tier) in collections {
        match entry.as_bool().unwrap() {
            true => assert_eq!(tier, "native"),
            false => assert!(tier.is_null(), "{tier}"),
        }
    }
    // A recursion speculates too; with a long body its universal form is split into parts,
    // which borrow the EVM stack: the interpreter reruns it.
    let body: String = (0..1_400)
        .map(|k| format!("DUP1 PUSH 1 AND PUSH @d{k} JUMPI PUSH {k} PUSH 0x100 MSTORE d{k}: "))
        .collect();
    let code = evmove::evm::assemble(&format!(
        "PUSH @done PUSH0 CALLDATALOAD PUSH @sum JUMP
         done: PUSH0 MSTORE PUSH 32 PUSH0 RETURN
         sum: DUP1 PUSH0 CALLDATALOAD EQ PUSH @skip JUMPI {body}
         skip: DUP1 ISZERO PUSH @base JUMPI PUSH @back DUP2 PUSH 1 SWAP1 SUB PUSH @sum JUMP
         back: ADD SWAP1 JUMP
         base: SWAP1 JUMP"
    ))
    .unwrap();
    let hex: String = code.iter().map(|b| format!("{b:02x}")).collect();
    let recursion = universal_tier(&scratch("recursion.hex", &hex), "compile-recursion");
    assert_eq!(recursion, [(true.into(), "interpreter".into())]);
}

#[test]
fn compile_writes_verified_modules_and_a_manifest() {
    let out = scratch_dir("compile-token");
    let (ok, _, stderr) = evmove(&[
        "compile",
        &corpus("via-ir-opt", "Token"),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("compiled src/Token.sol:Token runtime → Token ("),
        "{stderr}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let modules = manifest["modules"].as_array().unwrap();
    let names: Vec<&str> = modules
        .iter()
        .map(|m| m["module"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Token", "Token_init"]);
    // Both run in the native tier; the runtime module's typed entries (ABI natives) do not
    // compile, its `run()` does.
    for module in modules {
        assert_eq!(module["native"]["tier"], "native", "{module}");
    }
    let native = &modules[0]["native"];
    let compiled = native["compiled"].as_u64().unwrap();
    assert!(0 < compiled && compiled < native["move_functions"].as_u64().unwrap());
    assert!(native["first_left_out"].is_string());
    assert!(stderr.contains("native tier: "), "{stderr}");
    assert_eq!(manifest["publisher"], "0x2");
    let abi = &manifest["contracts"]["src/Token.sol:Token"]["abi"];
    assert!(abi
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["name"] == "transfer"));
    // The runtime module has the typed entries (every Token function has one).
    let typed = modules[0]["typed_entries"].as_array().unwrap();
    assert!(typed
        .iter()
        .any(|e| e["name"] == "transfer" && e["abi"] == "transfer(address,uint256)"));
    // Its Move parameters after the contract, named as the ABI names them.
    assert!(typed
        .iter()
        .any(|e| e["name"] == "transfer" && e["params"] == serde_json::json!(["to", "amount"])));
    assert!(typed.iter().any(|e| e["abi"] == "name()"));
    let without = modules[0]["without_typed_entry"].as_array().unwrap();
    assert!(without.is_empty(), "{without:?}");
    assert_eq!(modules[1]["typed_entries"].as_array().unwrap().len(), 0);
    for module in modules {
        let file = out.join(module["file"].as_str().unwrap());
        let (ok, listing, stderr) = evmove(&["disasm", file.to_str().unwrap()]);
        assert!(ok, "{stderr}");
        assert!(listing.contains("public fun run() {"), "{listing}");
    }
    let token = out.join("Token.mv");
    let (_, listing, _) = evmove(&["disasm", token.to_str().unwrap()]);
    assert!(
        listing.contains("public fun transfer(address ×2, u256::U256): (bool) {"),
        "{listing}"
    );
    assert!(
        listing.contains("public fun name(address): (vector<u8>) {"),
        "{listing}"
    );
}

#[test]
fn compile_as_a_move_package() {
    let out = scratch_dir("compile-package");
    let (ok, _, stderr) = evmove(&[
        "compile",
        &corpus("legacy", "WrappedEther"),
        "-o",
        out.to_str().unwrap(),
        "--move-package",
        "weth",
    ]);
    assert!(ok, "{stderr}");
    assert!(out
        .join("build/weth/bytecode_modules/WrappedEther.mv")
        .is_file());
    let toml = fs::read_to_string(out.join("Move.toml")).unwrap();
    assert!(toml.contains("name = \"weth\""), "{toml}");
}

#[test]
fn compile_and_disasm_reject_bad_input_with_a_message() {
    let out = scratch_dir("compile-bad");
    let garbage = scratch("compile-garbage.json", "{ not json");
    let (ok, _, stderr) = evmove(&["compile", &garbage, "-o", out.to_str().unwrap()]);
    assert!(!ok);
    assert!(stderr.starts_with("error: "), "{stderr}");
    let (ok, _, stderr) = evmove(&["disasm", &garbage]);
    assert!(!ok);
    assert!(stderr.contains("not a Move module"), "{stderr}");
}

/// Every artifact of the four corpus settings, in a fixed order.
fn corpus_all() -> Vec<String> {
    let mut inputs = Vec::new();
    for setting in ["legacy", "legacy-opt", "via-ir", "via-ir-opt"] {
        let dir = PathBuf::from(corpus(setting, "x")).with_file_name("");
        let mut files: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path().display().to_string())
            .filter(|path| path.ends_with(".json"))
            .collect();
        files.sort();
        inputs.extend(files);
    }
    inputs
}

/// Every file in `dir` (not recursively), by name.
fn files_in(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            (name, fs::read(&path).unwrap())
        })
        .collect()
}

/// The four settings of the corpus compiled at once: every blob its own module (the same
/// contract names across settings are told apart, no module is dropped), every contract of
/// every input in the manifest, each file's module named as the file, and the output the
/// same whatever the order of the inputs.
#[test]
fn compile_of_every_setting_at_once_names_every_module_apart() {
    let inputs = corpus_all();
    let compile = |name: &str, inputs: &[String]| {
        let out = scratch_dir(name);
        let mut args = vec!["compile", "-o", out.to_str().unwrap()];
        args.extend(inputs.iter().map(String::as_str));
        let (ok, _, stderr) = evmove(&args);
        assert!(ok, "{stderr}");
        out
    };
    let out = compile("compile-all", &inputs);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    // One module per name: every blob under a name has the same code and typed entries.
    let mut identity_of = BTreeMap::new();
    for module in manifest["modules"].as_array().unwrap() {
        let identity = (module["code_hash"].clone(), module["typed_entries"].clone());
        let name = module["module"].as_str().unwrap().to_owned();
        let first = identity_of.entry(name.clone()).or_insert(identity.clone());
        assert_eq!(*first, identity, "{name} names two different modules");
    }
    let files = files_in(&out);
    let modules: Vec<&String> = files.keys().filter(|f| f.ends_with(".mv")).collect();
    assert_eq!(modules.len(), identity_of.len(), "{modules:?}");
    assert!(
        modules.len() >= 100,
        "four settings of the corpus: {}",
        modules.len()
    );
    for file in modules {
        let module = CompiledModule::deserialize(&files[file]).unwrap();
        assert_eq!(
            format!("{}.mv", module.self_id().name()),
            *file,
            "the module's own name"
        );
        assert!(
            identity_of.contains_key(file.trim_end_matches(".mv")),
            "{file}"
        );
    }
    // Every contract of every input, with its modules.
    let contracts = manifest["contracts"].as_object().unwrap();
    let mut expected = 0;
    for input in &inputs {
        for contract in evmove::artifact::load_path(Path::new(input)).unwrap() {
            expected += 1;
            let entry = contracts
                .values()
                .find(|entry| {
                    entry["input"] == *input && entry["name"] == serde_json::json!(contract.name)
                })
                .unwrap_or_else(|| panic!("{input}: {} missing", contract.label()));
            for module in entry["modules"].as_object().unwrap().values() {
                assert!(
                    identity_of.contains_key(module.as_str().unwrap()),
                    "{module}"
                );
            }
        }
    }
    assert_eq!(contracts.len(), expected);
    // The same output (modules and manifest, byte for byte) from the inputs the other way round.
    let reversed: Vec<String> = inputs.iter().rev().cloned().collect();
    let again = compile("compile-all-reversed", &reversed);
    assert!(
        files == files_in(&again),
        "the output depends on the inputs' order"
    );
}

/// The same contract from two inputs is one module, under its own name.
#[test]
fn compile_writes_identical_modules_once() {
    let token = corpus("legacy-opt", "Token");
    let copy = scratch("Token-copy.json", &fs::read_to_string(&token).unwrap());
    let out = scratch_dir("compile-twice");
    let (ok, _, stderr) = evmove(&["compile", &token, &copy, "-o", out.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    let files: Vec<String> = files_in(&out).into_keys().collect();
    assert_eq!(files, ["Token.mv", "Token_init.mv", "manifest.json"]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let contracts = manifest["contracts"].as_object().unwrap();
    assert_eq!(contracts.len(), 2, "one per input: {:?}", contracts.keys());
    assert!(contracts.contains_key(&format!("{copy}:src/Token.sol:Token")));
    assert_eq!(manifest["modules"].as_array().unwrap().len(), 4);
}

/// `evmove bench` on a small block of every workload, with contention: revm and every
/// evmove run (each tier, sequential and parallel) agree, every transaction succeeds, and the
/// JSON report says so (the figures themselves are not checked: no timing in tests), with
/// the work per transaction of the counting run. Some workloads run both tiers (the
/// default), the others the one `--tier` names.
#[test]
fn bench_runs_every_workload_and_the_engines_agree() {
    for (workload, tier) in [
        ("erc20", Some("native")),
        ("weth", Some("interpreter")),
        ("chain", None),
        ("amm", Some("native")),
        ("compute", None),
    ] {
        let mut args = vec!["bench", "--workload", workload, "--txns", "48"];
        args.extend(["--accounts", "4", "--runs", "1", "--json"]);
        if let Some(tier) = tier {
            args.extend(["--tier", tier]);
        }
        // The chain also runs without the hand-over to the sequential executor.
        let fallback = match workload {
            "chain" => "never",
            _ => "when-dependent",
        };
        if workload == "chain" {
            args.extend(["--fallback", "never"]);
        }
        let (ok, stdout, stderr) = evmove(&args);
        assert!(ok, "{workload}: {stderr}");
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(report["workload"], workload);
        assert_eq!(report["fallback"], fallback);
        let tiers = match tier {
            Some(tier) => vec![tier],
            None => vec!["interpreter", "native"],
        };
        assert_eq!(report["tiers"], serde_json::json!(tiers), "{report}");
        for name in ["interpreter", "native"] {
            let timed = &report[name];
            if !tiers.contains(&name) {
                assert!(timed.is_null(), "{workload}: {report}");
                continue;
            }
            let native_modules = timed["native_tier"]["native_modules"].as_u64();
            match name {
                "native" => assert!(native_modules.is_some_and(|n| n >= 1), "{report}"),
                _ => assert!(timed["native_tier"].is_null(), "{report}"),
            }
            let parallel = &timed["parallel"];
            assert!(parallel["executions_per_tx"].as_f64().unwrap() >= 1.0);
            // 48 transactions are fewer than one sample of the hand-over (and the chain
            // runs without it): the whole block ran in parallel.
            assert!(
                parallel
                    .get("handed_over_at")
                    .is_some_and(|at| at.is_null()),
                "{report}"
            );
            for run in [&timed["sequential"], parallel] {
                assert!(
                    run["over_revm"].as_f64().is_some_and(|r| r > 0.0),
                    "{report}"
                );
            }
        }
        assert_eq!(report["agree"], true, "{workload}: {report}");
        assert_eq!(report["succeeded"], 48, "{workload}: {report}");
        let per_tx = &report["per_tx"];
        for count in ["move_instructions", "natives", "allocations"] {
            let count = per_tx[count].as_f64();
            assert!(count.is_some_and(|n| n > 0.0), "{workload}: {per_tx}");
        }
        // An ERC20 transfer with its internal functions inlined makes no Move call.
        let calls = per_tx["move_calls"].as_f64();
        assert!(calls.is_some_and(|n| n >= 0.0), "{workload}: {per_tx}");
        // Every workload but compute stores (an SSTORE taking its section's static charge is
        // `charged::sstore`); compute runs EXP.
        let natives: &[&str] = match workload {
            "compute" => &["arith::exp"],
            _ => &["storage::sstore", "charged::sstore"],
        };
        let calls: f64 = (natives.iter())
            .filter_map(|native| per_tx["by_native"][native].as_f64())
            .sum();
        assert!(calls > 0.0, "{workload}: {per_tx}");
    }
}

/// Raw initcode deploying code that returns the word 42, as a file `evmove call` reads.
fn tiny_initcode() -> String {
    scratch(
        "tiny_initcode.hex",
        "600a600c600039600a6000f3602a60005260206000f3",
    )
}

/// `evmove call` with `env` set, as `evmove()` runs it.
fn evmove_with_env(args: &[&str], env: (&str, &str)) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_evmove"))
        .args(args)
        .env(env.0, env.1)
        .output()
        .expect("evmove runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `evmove call --tier`: the native tier (the default) says what it compiled and ran, the
/// interpreter says nothing, and a tier that does not exist is refused.
#[test]
fn call_runs_in_the_tier_chosen() {
    let initcode = tiny_initcode();
    let (ok, stdout, stderr) = evmove(&["call", &initcode]);
    assert!(ok && stdout.contains("address:"), "{stdout}{stderr}");
    assert!(
        stderr.contains("native tier: 1 of 1 modules compiled"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 frames native, 0 interpreted"),
        "{stderr}"
    );
    let (ok, stdout, stderr) = evmove(&["call", &initcode, "--tier", "interpreter"]);
    assert!(ok && stdout.contains("address:"), "{stdout}{stderr}");
    assert!(!stderr.contains("native tier"), "{stderr}");
    let (ok, _, stderr) = evmove(&["call", &initcode, "--tier", "jit"]);
    assert!(!ok);
    assert!(stderr.contains("`jit` is not a tier"), "{stderr}");
}

#[test]
fn call_state_file_survives_a_run_stopped_before_the_rename() {
    let dir = scratch_dir("state_atomic");
    fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.json").display().to_string();
    let initcode = tiny_initcode();
    let (ok, _, stderr) = evmove(&["call", &initcode, "--state", &state]);
    assert!(ok, "{stderr}");
    let before = fs::read_to_string(&state).unwrap();
    // The test hook stops the process after the temporary file is written and synced.
    let (ok, _, _) = evmove_with_env(
        &["call", &initcode, "--state", &state],
        ("EVMOVE_TEST_ABORT_BEFORE_RENAME", "1"),
    );
    assert!(!ok, "the hook must stop the run");
    assert_eq!(
        fs::read_to_string(&state).unwrap(),
        before,
        "the state file changed"
    );
    // It still loads, and a run that completes replaces it (a second deployment).
    let (ok, stdout, stderr) = evmove(&["call", &initcode, "--state", &state]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("address:"), "{stdout}");
    assert_ne!(
        fs::read_to_string(&state).unwrap(),
        before,
        "the completed run wrote nothing"
    );
}

#[test]
fn call_with_an_unreadable_state_file_is_an_error_and_leaves_it() {
    let dir = scratch_dir("state_bad");
    fs::create_dir_all(&dir).unwrap();
    let initcode = tiny_initcode();
    let garbled = dir.join("garbled.json");
    fs::write(&garbled, "{\"accounts\": {\"0x12").unwrap();
    let garbled = garbled.display().to_string();
    let (ok, _, stderr) = evmove(&["call", &initcode, "--state", &garbled]);
    assert!(!ok);
    assert!(stderr.contains("error:"), "{stderr}");
    assert!(stderr.contains("is not an evmove state file"), "{stderr}");
    assert_eq!(fs::read(&garbled).unwrap(), b"{\"accounts\": {\"0x12");
    // A path that cannot be read as a file (a directory).
    let unreadable = dir.join("a_directory");
    fs::create_dir_all(&unreadable).unwrap();
    let unreadable = unreadable.display().to_string();
    let (ok, _, stderr) = evmove(&["call", &initcode, "--state", &unreadable]);
    assert!(!ok);
    assert!(stderr.contains("error: cannot read"), "{stderr}");
    assert!(PathBuf::from(&unreadable).is_dir());
}

#[test]
fn the_manifest_says_which_path_compiled_each_module_and_why() {
    let hex = |text: &str| hex_of(&evmove::evm::assemble(text).unwrap());
    // Static; universal as lifting gave up (a jump table); universal as lowering gave up (a
    // function of 200 parameters needs more Move locals than a function may have).
    let loads: String = (0..200)
        .map(|i| format!("PUSH {} CALLDATALOAD ", 32 * i))
        .collect();
    let inputs = [
        scratch("static.hex", &hex("PUSH0 CALLDATALOAD PUSH0 SSTORE STOP")),
        scratch(
            "table.hex",
            &hex("PUSH0 CALLDATALOAD PUSH @a ADD JUMP a: STOP"),
        ),
        scratch(
            "wide.hex",
            &hex(&format!(
                "PUSH @ret {loads} PUSH @f JUMP ret: STOP f: {} SWAP1 JUMP",
                "ADD ".repeat(199)
            )),
        ),
    ];
    let out = scratch_dir("compile-paths");
    let mut args = vec!["compile", "-o", out.to_str().unwrap()];
    args.extend(inputs.iter().map(String::as_str));
    let (ok, _, stderr) = evmove(&args);
    assert!(ok, "{stderr}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let path_of = |file: &str| {
        let modules = manifest["modules"].as_array().unwrap();
        let module = modules
            .iter()
            .find(|m| m["input"].as_str().unwrap().ends_with(file))
            .unwrap();
        let reason = module["universal_reason"].as_str().unwrap_or_default();
        (
            module["path"].as_str().unwrap().to_owned(),
            reason.to_owned(),
        )
    };
    assert_eq!(path_of("static.hex"), ("static".to_owned(), String::new()));
    let (path, reason) = path_of("table.hex");
    assert_eq!(path, "universal");
    assert!(reason.starts_with("jump resolution:"), "{reason}");
    let (path, reason) = path_of("wide.hex");
    assert_eq!(path, "universal");
    assert!(
        reason.starts_with("lowering:") && reason.contains("locals"),
        "{reason}"
    );
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
