//! The committed corpus artifacts are exactly what the pinned solc-js produces from the
//! committed sources: a source edited without regenerating, a hand-edited artifact, or a
//! different compiler version fails here.

use std::{fs, process::Command};

use evmove_tests::corpus::{artifact_file, contracts_dir, source_files, Setting};
use sha2::{Digest, Sha256};

/// The solc version pinned in `contracts/package.json`.
fn pinned_solc_version() -> String {
    let package: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(contracts_dir().join("package.json")).unwrap())
            .unwrap();
    package["dependencies"]["solc"]
        .as_str()
        .expect("package.json pins solc")
        .to_string()
}

#[test]
fn every_source_has_an_artifact_of_its_current_text_in_every_setting() {
    let sources = source_files();
    assert!(sources.len() >= 7, "the corpus has shrunk: {sources:?}");
    for setting in Setting::ALL {
        let mut artifacts: Vec<String> =
            fs::read_dir(contracts_dir().join("artifacts").join(setting.dir_name()))
                .unwrap()
                .map(|entry| {
                    entry
                        .unwrap()
                        .path()
                        .file_stem()
                        .unwrap()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect();
        artifacts.sort();
        assert_eq!(
            artifacts, sources,
            "artifacts/{setting} does not match src/"
        );

        for file in &sources {
            let source = fs::read(contracts_dir().join("src").join(format!("{file}.sol"))).unwrap();
            let artifact = artifact_file(setting, file);
            assert_eq!(artifact.source, format!("src/{file}.sol"));
            assert_eq!(
                artifact.source_sha256,
                format!("{:x}", Sha256::digest(&source)),
                "{setting}/{file}.json is stale: run node tests/contracts/compile.mjs"
            );
            assert!(
                artifact
                    .compiler
                    .starts_with(&format!("{}+", pinned_solc_version())),
                "{setting}/{file}.json was compiled by solc {}",
                artifact.compiler
            );
            for (name, contract) in &artifact.contracts {
                assert!(
                    !contract.evm.deployed_bytecode.object.contains("__$"),
                    "{setting}/{file}.json: {name} has unlinked library placeholders"
                );
            }
        }
    }
}

/// Recompiles the whole corpus with the pinned solc-js (installed from npm by the script on
/// first use) and compares byte for byte with the committed artifacts; the same for the
/// README's example contract.
#[test]
fn artifacts_are_byte_identical_to_a_fresh_compilation() {
    let script = contracts_dir().join("compile.mjs");
    let output = Command::new("node")
        .arg(&script)
        .arg("--check")
        .output()
        .unwrap_or_else(|err| {
            panic!("cannot run node (Node.js is required for the corpus): {err}")
        });
    assert!(
        output.status.success(),
        "{} --check failed:\n{}{}",
        script.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // The README's example uses the same solc-js, now installed.
    let example = contracts_dir().join("../../examples/erc20/compile.mjs");
    let output = Command::new("node")
        .arg(&example)
        .arg("--check")
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "examples/erc20/Coin.json is stale: run node {}\n{}",
        example.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}
