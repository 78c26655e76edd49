//! `evmove::build` in a real build script, as cargo runs it: a scratch project built with
//! `cargo build -vv` (whose output shows each build script's own lines), then built again
//! untouched (the build script does not run, nothing is transpiled), after an artifact is
//! touched, after one is added, and after the variable the build reads (`SOLC`) changes
//! (each reruns it, and only a new blob is transpiled).
//!
//! Ignored by default: it builds evmove's compile-only library in a new project, minutes
//! even with the workspace's target directory, which it shares. `.ci/run` runs it.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
    time::SystemTime,
};

/// The corpus artifact of `contract` (legacy optimised setting).
fn corpus(contract: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/contracts/artifacts");
    root.join("legacy-opt").join(format!("{contract}.json"))
}

/// A project whose build script compiles `contracts/artifacts/` and, with `$SOLC`,
/// `contracts/src/`.
fn project(dir: &Path) {
    let evmove = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = format!(
        "[package]\nname = \"incremental\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [build-dependencies]\nevmove = {{ path = \"{}\", default-features = false }}\n\n\
         [workspace]\n\n[profile.dev]\ndebug = \"line-tables-only\"\n\n\
         [profile.dev.build-override]\ndebug = \"line-tables-only\"\nopt-level = 0\n",
        evmove.display()
    );
    fs::create_dir_all(dir.join("src")).unwrap();
    fs::create_dir_all(dir.join("contracts/artifacts")).unwrap();
    fs::create_dir_all(dir.join("contracts/src")).unwrap();
    fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    fs::copy(evmove.join("../Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    fs::write(dir.join("src/lib.rs"), "").unwrap();
    let build = "fn main() -> Result<(), evmove::build::BuildError> {\n    \
                 evmove::build::Project::new()\n        .input(\"contracts/artifacts\")\n        \
                 .solidity(\"contracts/src\")\n        .build()?;\n    Ok(())\n}\n";
    fs::write(dir.join("build.rs"), build).unwrap();
    fs::copy(corpus("Token"), dir.join("contracts/artifacts/Token.json")).unwrap();
    fs::write(dir.join("contracts/src/Stop.sol"), "contract Stop {}").unwrap();
}

/// A stand-in solc at `path` whose standard-JSON output is a contract `Stop` whose code is
/// STOP.
fn fake_solc(path: &Path) {
    let output = r#"{"contracts": {"contracts/src/Stop.sol": {"Stop": {"abi": [],
        "evm": {"bytecode": {"object": "00"}, "deployedBytecode": {"object": "00"}}}}}, "sources": {}}"#;
    let text = format!(
        "#!/bin/sh\nif [ \"$1\" = --version ]; then\n  echo 'Version: 0.8.30+commit.fake'\n  exit 0\nfi\ncat > /dev/null\necho '{output}'\n"
    );
    fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// `cargo build -vv` of the project with `SOLC=solc`: the lines of its build script's
/// output (cargo prefixes them with `[incremental 0.1.0] `), and whether it ran.
fn build(dir: &Path, solc: &Path) -> Vec<String> {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    let output = Command::new(env!("CARGO"))
        .args(["build", "-vv"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_NET_OFFLINE", "true")
        .env("SOLC", solc)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stderr).into_owned()
        + &String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    text.lines()
        .filter_map(|line| line.strip_prefix("[incremental 0.1.0] "))
        .map(str::to_owned)
        .collect()
}

fn compiled(lines: &[String]) -> Vec<&str> {
    lines
        .iter()
        .filter_map(|line| line.strip_prefix("evmove: compiled "))
        .collect()
}

/// Sets `path`'s modification time to now, as an editor saving it would.
fn touch(path: &Path) {
    let file = fs::File::options().append(true).open(path).unwrap();
    file.set_modified(SystemTime::now()).unwrap();
}

#[test]
#[ignore = "builds a new project: minutes; .ci/run runs it"]
fn the_build_script_reruns_on_touched_added_inputs_and_a_changed_variable_only() {
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("build_script");
    let _ = fs::remove_dir_all(&scratch);
    let dir = scratch.join("incremental");
    project(&dir);
    let (solc, other_solc) = (scratch.join("solc"), scratch.join("solc-2"));
    fake_solc(&solc);
    fake_solc(&other_solc);

    let first = build(&dir, &solc);
    assert_eq!(
        compiled(&first),
        ["Token_init", "Token", "Stop_init", "Stop"]
    );
    assert!(first.contains(&"cargo:rerun-if-env-changed=SOLC".to_owned()));

    // Untouched: the build script does not run.
    assert_eq!(build(&dir, &solc), Vec::<String>::new());

    // Touched (same content): it runs, and transpiles nothing.
    touch(&dir.join("contracts/artifacts/Token.json"));
    let touched = build(&dir, &solc);
    assert!(!touched.is_empty());
    assert_eq!(compiled(&touched), Vec::<&str>::new());

    // Added: it runs, and transpiles the new contract alone.
    let vault = dir.join("contracts/artifacts/Vault.json");
    fs::copy(corpus("Vault"), &vault).unwrap();
    let added = build(&dir, &solc);
    let new = ["Vault_init", "Vault", "VaultAttacker_init", "VaultAttacker"];
    assert_eq!(compiled(&added), new);

    // Another solc: it runs (its output is the same here: nothing to transpile).
    let other = build(&dir, &other_solc);
    assert!(!other.is_empty());
    assert_eq!(compiled(&other), Vec::<&str>::new());
    assert_eq!(build(&dir, &other_solc), Vec::<String>::new());
}
