//! The build-script API (`evmove::build`) on the corpus's artifacts in scratch
//! directories: what it writes, the cargo instructions it prints, its errors (exact
//! messages), solc driven through standard JSON (a stand-in solc script), and incremental
//! builds (an unchanged input compiles nothing; a changed or added one compiles only itself).

use std::{
    fs,
    path::{Path, PathBuf},
};

use evmove::build::{BuildError, Project, Report};

/// The corpus artifact of `contract` in compiler setting `setting`.
fn corpus(setting: &str, contract: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/contracts/artifacts");
    root.join(setting).join(format!("{contract}.json"))
}

/// A fresh scratch directory for one test, with `contracts/` and `out/` in it.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("evmove-build-{test}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("contracts")).unwrap();
    dir
}

/// Builds `project` into `<dir>/out`: the report (or error) and the lines printed.
fn build(project: Project, dir: &Path) -> (Result<Report, BuildError>, Vec<String>) {
    let mut printed = Vec::new();
    let report = project.out_dir(dir.join("out")).build_to(&mut printed);
    let lines = String::from_utf8(printed).unwrap();
    (report, lines.lines().map(str::to_owned).collect())
}

/// A scratch directory ([`scratch`]) whose `contracts/` holds the corpus's Token
/// (legacy optimised setting): the directory and `contracts/`.
fn with_token(test: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(test);
    let contracts = dir.join("contracts");
    copy(
        &corpus("legacy-opt", "Token"),
        &contracts.join("Token.json"),
    );
    (dir, contracts)
}

fn copy(from: &Path, to: &Path) {
    fs::copy(from, to).unwrap();
}

#[test]
fn writes_modules_code_abis_manifest_and_bindings() {
    let (dir, contracts) = with_token("writes");
    let (report, lines) = build(Project::new().input(&contracts), &dir);
    let report = report.unwrap();
    assert_eq!(report.compiled, ["Token_init", "Token"]);
    for file in [
        "modules/Token.mv",
        "modules/Token_init.mv",
        "code/Token.initcode",
        "code/Token.runtime",
        "abi/Token.json",
        "manifest.json",
        "contracts.rs",
        "cache.json",
    ] {
        assert!(report.dir.join(file).is_file(), "{file} missing");
    }
    let token = contracts.join("Token.json");
    assert_eq!(
        lines[..2],
        [
            format!("cargo:rerun-if-changed={}", contracts.display()),
            format!("cargo:rerun-if-changed={}", token.display()),
        ]
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(report.dir.join("manifest.json")).unwrap()).unwrap();
    let hash = alloy_primitives::keccak256(fs::read(&token).unwrap()).to_string();
    assert_eq!(manifest["inputs"][token.display().to_string()], hash);
    assert_eq!(
        manifest["contracts"]["Token"]["modules"]["runtime"],
        "Token"
    );
    // The bindings (compiled and run by examples/token-project).
    let bindings = fs::read_to_string(report.dir.join("contracts.rs")).unwrap();
    insta::assert_snapshot!("token_bindings", bindings);
    let rerun = Project::new().input(&contracts).rerun_if_changed(false);
    let (_, lines) = build(rerun, &dir);
    assert!(
        lines.iter().all(|line| !line.starts_with("cargo:rerun")),
        "{lines:?}"
    );
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_second_build_compiles_and_writes_nothing_and_a_new_or_changed_input_only_itself() {
    let (dir, contracts) = with_token("incremental");
    let project = || Project::new().input(&contracts);
    let (first, _) = build(project(), &dir);
    assert_eq!(first.unwrap().compiled.len(), 2);

    let (again, lines) = build(project(), &dir);
    let again = again.unwrap();
    assert!(again.compiled.is_empty(), "{:?}", again.compiled);
    assert_eq!(again.reused, ["Token_init", "Token"]);
    assert!(again.written.is_empty(), "{:?}", again.written);
    assert!(lines
        .iter()
        .all(|line| !line.starts_with("evmove: compiled")));

    // A new artifact: only its modules compile.
    copy(
        &corpus("legacy-opt", "Vault"),
        &contracts.join("Vault.json"),
    );
    let (added, lines) = build(project(), &dir);
    let added = added.unwrap();
    let vault = ["Vault_init", "Vault", "VaultAttacker_init", "VaultAttacker"];
    assert_eq!(added.compiled, vault);
    assert!(lines.contains(&format!(
        "cargo:rerun-if-changed={}",
        contracts.join("Vault.json").display()
    )));
    assert!(lines.contains(&"evmove: compiled Vault".to_owned()));

    // A changed artifact (another compiler setting): only its modules compile.
    copy(
        &corpus("via-ir-opt", "Token"),
        &contracts.join("Token.json"),
    );
    let (changed, _) = build(project(), &dir);
    assert_eq!(changed.unwrap().compiled, ["Token_init", "Token"]);

    // A removed one: its files go.
    fs::remove_file(contracts.join("Vault.json")).unwrap();
    let (removed, _) = build(project(), &dir);
    let removed = removed.unwrap();
    assert!(removed.compiled.is_empty());
    assert!(!removed.dir.join("modules/Vault.mv").exists());
    assert!(!removed.dir.join("abi/Vault.json").exists());
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_broken_artifact_is_an_error_naming_the_file() {
    let dir = scratch("broken");
    let broken = dir.join("contracts/Broken.json");
    fs::write(&broken, "{\"abi\": [").unwrap();
    let (report, _) = build(Project::new().input(&broken), &dir);
    assert_eq!(
        report.unwrap_err().to_string(),
        format!(
            "{}: the input starts like JSON but does not parse: EOF while parsing a list at line 1 column 9",
            broken.display()
        )
    );
    let bad_code = r#"{"contracts": {"T": {"abi": [], "evm": {"bytecode": {"object": "0x6z"}}}}}"#;
    fs::write(&broken, bad_code).unwrap();
    let (report, _) = build(Project::new().input(&broken), &dir);
    assert_eq!(
        report.unwrap_err().to_string(),
        format!(
            "{}: contract `T`, field `evm.bytecode.object`: `z` at position 3 is not a hex digit",
            broken.display()
        )
    );
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn two_different_contracts_of_one_name_are_an_error() {
    let dir = scratch("duplicate");
    let contracts = dir.join("contracts");
    let (legacy, via_ir) = (
        contracts.join("a/Token.json"),
        contracts.join("b/Token.json"),
    );
    for (setting, path) in [("legacy", &legacy), ("via-ir", &via_ir)] {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        copy(&corpus(setting, "Token"), path);
    }
    let (report, _) = build(Project::new().input(&contracts), &dir);
    assert_eq!(
        report.unwrap_err().to_string(),
        format!(
            "two different contracts are named Token: {} (src/Token.sol:Token) and {} \
             (src/Token.sol:Token); rename one or leave an input out",
            legacy.display(),
            via_ir.display()
        )
    );
    // The same contract twice is one contract.
    copy(&corpus("legacy", "Token"), &via_ir);
    let (report, _) = build(Project::new().input(&contracts), &dir);
    assert_eq!(report.unwrap().compiled, ["Token_init", "Token"]);
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_move_package_holds_the_modules_and_goes_when_not_asked_for() {
    let (dir, contracts) = with_token("move-package");
    let (report, _) = build(
        Project::new().input(&contracts).move_package("tokens"),
        &dir,
    );
    let out = report.unwrap().dir;
    let toml = fs::read_to_string(out.join("move/Move.toml")).unwrap();
    assert!(toml.starts_with("[package]\nname = \"tokens\""), "{toml}");
    for module in ["Token", "Token_init"] {
        let packaged = out.join(format!("move/build/tokens/bytecode_modules/{module}.mv"));
        let built = out.join(format!("modules/{module}.mv"));
        assert_eq!(fs::read(packaged).unwrap(), fs::read(built).unwrap());
    }
    // Another name replaces it; none removes it.
    let (report, _) = build(Project::new().input(&contracts).move_package("coins"), &dir);
    assert!(report.is_ok());
    assert!(!out.join("move/build/tokens").exists());
    assert!(out
        .join("move/build/coins/bytecode_modules/Token.mv")
        .is_file());
    let (report, _) = build(Project::new().input(&contracts), &dir);
    assert!(report.is_ok());
    assert!(!out.join("move").exists());
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_cache_entry_under_another_fingerprint_is_compiled_again() {
    let (dir, contracts) = with_token("fingerprint");
    let project = || Project::new().input(&contracts);
    let (first, _) = build(project(), &dir);
    let cache = first.unwrap().dir.join("cache.json");
    // Another publisher is another fingerprint.
    let other = move_core_types::account_address::AccountAddress::from_hex_literal("0x3").unwrap();
    let (moved, _) = build(project().publisher(other), &dir);
    assert_eq!(moved.unwrap().compiled, ["Token_init", "Token"]);
    let (back, _) = build(project(), &dir);
    assert_eq!(back.unwrap().compiled, ["Token_init", "Token"]);
    // A cache another evmove wrote (another fingerprint, the same names).
    let text = fs::read_to_string(&cache).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    for entry in json["modules"].as_object_mut().unwrap().values_mut() {
        entry["fingerprint"] = "0x00".into();
    }
    fs::write(&cache, json.to_string()).unwrap();
    let (stale, _) = build(project(), &dir);
    assert_eq!(stale.unwrap().compiled, ["Token_init", "Token"]);
    let (again, _) = build(project(), &dir);
    assert!(again.unwrap().compiled.is_empty());
    fs::remove_dir_all(dir).unwrap();
}

/// A contract named `name` whose code is STOP, in evmove's corpus wrapper shape.
fn stop_contract(name: &str) -> String {
    format!(
        r#"{{"contracts": {{"{name}": {{"abi": [],
            "evm": {{"bytecode": {{"object": "00"}}, "deployedBytecode": {{"object": "00"}}}}}}}}}}"#
    )
}

#[test]
fn contracts_whose_binding_modules_would_share_a_name_are_an_error() {
    let dir = scratch("binding-names");
    let contracts = dir.join("contracts");
    fs::write(contracts.join("a.json"), stop_contract("FooBar")).unwrap();
    fs::write(contracts.join("b.json"), stop_contract("Foo_Bar")).unwrap();
    let (report, _) = build(Project::new().input(&contracts), &dir);
    assert_eq!(
        report.unwrap_err().to_string(),
        "the bindings of FooBar and Foo_Bar would both be the Rust module foo_bar; rename one"
    );
    // Apart, each builds.
    fs::remove_file(contracts.join("b.json")).unwrap();
    let (report, _) = build(Project::new().input(&contracts), &dir);
    assert!(report.is_ok());
    fs::remove_dir_all(dir).unwrap();
}

/// A contract whose runtime code is STOP and whose one function has no typed entry (more
/// a tuple type without components, which has no Move type), in evmove's corpus wrapper shape.
const WIDE: &str = r#"{"contracts": {"Token_init": {
    "abi": [{"type": "function", "name": "wide", "stateMutability": "nonpayable", "outputs": [],
             "inputs": [{"name": "values", "type": "tuple[]", "components": []}]}],
    "evm": {"bytecode": {"object": "6001600c60003960016000f300"},
            "deployedBytecode": {"object": "00"}}}}}"#;

#[test]
fn module_names_are_told_apart_and_functions_without_typed_entries_warned_of() {
    let (dir, contracts) = with_token("names");
    // Its runtime module would be named like Token's initcode module.
    fs::write(contracts.join("Wide.json"), WIDE).unwrap();
    let (report, lines) = build(Project::new().input(&contracts), &dir);
    let report = report.unwrap();
    // Token's initcode and Wide's runtime code each get their code hash's first digits.
    let mut compiled = report.compiled.clone();
    compiled.sort();
    let hashed = |name: &String| {
        name.strip_prefix("Token_init_")
            .is_some_and(|hash| hash.len() == 8 && hash.chars().all(|c| c.is_ascii_hexdigit()))
    };
    assert_eq!(compiled.len(), 4, "{compiled:?}");
    assert_eq!([&compiled[0], &compiled[3]], ["Token", "Token_init_init"]);
    assert!(compiled[1..3].iter().all(hashed), "{compiled:?}");
    let warning = format!(
        "cargo:warning=evmove: {}: Token_init (wide(tuple[])) has no typed entry: \
         invalid type string: tuple",
        contracts.join("Wide.json").display()
    );
    assert!(lines.contains(&warning), "{lines:?}");
    fs::remove_dir_all(dir).unwrap();
}

/// A stand-in solc: `--version` prints a version, `--standard-json` prints `output`.
fn fake_solc(dir: &Path, output: &str) -> PathBuf {
    let output_file = dir.join("solc-output.json");
    fs::write(&output_file, output).unwrap();
    let script = dir.join("solc");
    let text = format!(
        "#!/bin/sh\nif [ \"$1\" = --version ]; then\n  echo 'solc, the solidity compiler commandline interface'\n  echo 'Version: 0.8.30+commit.fake'\n  exit 0\nfi\ncat > /dev/null\ncat '{}'\n",
        output_file.display()
    );
    fs::write(&script, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    }
    script
}

#[test]
fn solc_errors_are_the_build_error() {
    let dir = scratch("solc-errors");
    let source = dir.join("contracts/Broken.sol");
    fs::write(&source, "contract Broken {").unwrap();
    let output = r#"{"errors": [
        {"severity": "warning", "formattedMessage": "Warning: SPDX license identifier not provided.\n"},
        {"severity": "error", "formattedMessage": "ParserError: Expected '}' but got end of source\n --> contracts/Broken.sol:1:18:\n"}
    ]}"#;
    let solc = fake_solc(&dir, output);
    let project = Project::new().solidity(&source).solc(&solc);
    let (report, lines) = build(project, &dir);
    assert_eq!(
        report.unwrap_err().to_string(),
        format!(
            "solc ({}) reported 1 error(s):\nParserError: Expected '}}' but got end of source\n --> contracts/Broken.sol:1:18:",
            solc.display()
        )
    );
    assert!(lines.contains(&"cargo:rerun-if-env-changed=SOLC".to_owned()));
    assert!(lines.contains(&format!("cargo:rerun-if-changed={}", source.display())));
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn solc_output_is_compiled_and_its_version_recorded() {
    let dir = scratch("solc");
    let source = dir.join("contracts/Token.sol");
    fs::write(&source, "// the stand-in solc does not read it").unwrap();
    let artifact: serde_json::Value =
        serde_json::from_slice(&fs::read(corpus("legacy-opt", "Token")).unwrap()).unwrap();
    let output = serde_json::json!({
        "contracts": { "contracts/Token.sol": { "Token": artifact["contracts"]["Token"] } },
        "sources": {},
    });
    let solc = fake_solc(&dir, &output.to_string());
    let settings = serde_json::json!({ "optimizer": { "enabled": true } });
    let project = Project::new()
        .solidity(dir.join("contracts"))
        .solc(&solc)
        .solc_settings(settings);
    let (report, _) = build(project, &dir);
    let report = report.unwrap();
    assert_eq!(report.compiled, ["Token_init", "Token"]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(report.dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["solc"]["version"], "0.8.30+commit.fake");
    assert_eq!(manifest["solc"]["settings"]["optimizer"]["enabled"], true);
    assert_eq!(
        manifest["contracts"]["Token"]["label"],
        "contracts/Token.sol:Token"
    );

    let (no_solc, _) = build(
        Project::new().solidity(&source).solc(dir.join("absent")),
        &dir,
    );
    let message = no_solc.unwrap_err().to_string();
    assert!(
        message.starts_with(&format!(
            "solc ({}) cannot be run: ",
            dir.join("absent").display()
        )),
        "{message}"
    );
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn without_out_dir_it_says_where_it_runs() {
    let error = Project::new().build_to(&mut Vec::new());
    if std::env::var_os("OUT_DIR").is_none() {
        assert_eq!(
            error.unwrap_err().to_string(),
            "OUT_DIR is not set: run evmove::build from a build script, or give Project::out_dir"
        );
    }
}

/// The solc-js directory: `SOLCJS`, else the one `npm ci` in `tests/contracts` installs (as
/// `.ci/run` does); `None`, with the reason printed, when there is none.
fn solc_js() -> Option<PathBuf> {
    let installed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/contracts");
    let dir = std::env::var_os("SOLCJS").map_or(installed, PathBuf::from);
    let found =
        dir.join("node_modules/solc/soljson.js").is_file() || dir.join("soljson.js").is_file();
    if !found {
        eprintln!("skipped: no solc-js in {} (run `npm ci` in tests/contracts, as .ci/run does, or set SOLCJS)", dir.display());
    }
    found.then_some(dir)
}

#[test]
fn solc_js_compiles_sources_and_its_errors_fail_the_build_naming_the_file() {
    let Some(solc_js) = solc_js() else { return };
    let dir = scratch("solc-js");
    let good = dir.join("contracts/Counter.sol");
    fs::write(
        &good,
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\ncontract Counter { uint256 public count; function up() external { count += 1; } }\n",
    )
    .unwrap();
    let settings = serde_json::json!({ "optimizer": { "enabled": true, "runs": 200 } });
    let project = Project::new()
        .solidity(dir.join("contracts"))
        .solc_js(&solc_js)
        .solc_settings(settings);
    let (report, _) = build(project.clone(), &dir);
    let report = report.unwrap();
    assert_eq!(report.compiled, ["Counter_init", "Counter"]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(report.dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["solc"]["compiler"], "solc-js");
    let version = manifest["solc"]["version"].as_str().unwrap();
    assert!(version.contains("+commit."), "{version}");
    assert_eq!(manifest["solc"]["settings"]["optimizer"]["runs"], 200);

    let broken = dir.join("contracts/Broken.sol");
    fs::write(
        &broken,
        "pragma solidity ^0.8.0;\ncontract Broken { uint256 x = ; }\n",
    )
    .unwrap();
    let (report, _) = build(project, &dir);
    let message = report.unwrap_err().to_string();
    assert!(
        message.starts_with(&format!(
            "solc ({}) reported 1 error(s):\nParserError: ",
            solc_js.display()
        )),
        "{message}"
    );
    assert!(
        message.contains(&format!("{}:2:", broken.display())),
        "{message}"
    );

    let (report, _) = build(
        Project::new()
            .solidity(&good)
            .solc_js(dir.join("contracts")),
        &dir,
    );
    let message = report.unwrap_err().to_string();
    assert!(message.contains("is not a solc-js directory"), "{message}");
    fs::remove_dir_all(dir).unwrap();
}
