//! Our blockchain-test fixtures (`tests/fixtures/blockchain`): they are what revm computes
//! (so they cannot drift), evmove passes them, and a wrong expected value in a copy of one
//! is reported as a failure.
//!
//! `EVMOVE_BLESS=1 cargo nextest run -p evmove-tests --test blockchain_fixtures` rewrites
//! the files from `evmove_tests::blockchain_fixtures`.

use std::{fs, path::PathBuf};

use evmove::conformance::{
    check::Verdict,
    run::Runner,
    suite::{find_files, run_files, Report},
};
use evmove_tests::blockchain_fixtures::{fixtures, fixtures_dir, render};

fn run(paths: &[PathBuf]) -> Report {
    let runner = Runner::new().expect("the runtime starts");
    let files = find_files(paths).expect("the fixtures can be read");
    run_files(&runner, &files, 2, &|_, _, _| {})
}

#[test]
fn the_fixtures_are_what_revm_computes() {
    let dir = fixtures_dir();
    let bless = std::env::var_os("EVMOVE_BLESS").is_some();
    if bless {
        fs::create_dir_all(&dir).unwrap();
    }
    let fixtures = fixtures();
    for fixture in &fixtures {
        let path = dir.join(format!("{}.json", fixture.name));
        let rendered = render(fixture);
        if bless {
            let text = serde_json::to_string_pretty(&rendered).unwrap() + "\n";
            fs::write(&path, text).unwrap();
            continue;
        }
        let text = fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("{}: {err} (EVMOVE_BLESS=1 writes it)", path.display()));
        let committed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(
            committed == rendered,
            "{} differs from what revm computes now (EVMOVE_BLESS=1 rewrites it)",
            path.display()
        );
    }
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = fixtures
        .iter()
        .map(|f| format!("{}.json", f.name))
        .collect();
    expected.sort();
    assert_eq!(
        names,
        expected,
        "files in {} without a fixture",
        dir.display()
    );
}

#[test]
fn evmove_passes_the_fixtures() {
    let report = run(&[fixtures_dir()]);
    let failures: Vec<String> = report
        .tests
        .iter()
        .filter(|test| test.verdict != Verdict::Passed)
        .map(|test| format!("{}: {:?}", test.name, test.verdict))
        .collect();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        report.summary(),
        format!("{} passed, 0 failed, 0 skipped", fixtures().len()),
        "{failures:#?}"
    );
}

/// A fresh directory for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("evmove-blockchain-{}-{test}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs a copy of fixture `name` whose `postState` account `address` is changed by `edit`.
fn run_edited(name: &str, address: &str, edit: impl Fn(&mut serde_json::Value)) -> Report {
    let text = fs::read_to_string(fixtures_dir().join(format!("{name}.json"))).unwrap();
    let mut file: serde_json::Value = serde_json::from_str(&text).unwrap();
    let account = &mut file[name]["postState"][address];
    assert!(account.is_object(), "{name} has no {address} in postState");
    edit(account);
    let dir = scratch(name);
    let path = dir.join(format!("{name}.json"));
    fs::write(&path, serde_json::to_string(&file).unwrap()).unwrap();
    let report = run(&[path]);
    fs::remove_dir_all(dir).unwrap();
    report
}

fn differences(report: &Report) -> Vec<String> {
    match &report.tests[0].verdict {
        Verdict::Failed(differences) => differences.clone(),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn a_wrong_expected_value_in_a_copied_fixture_is_a_failure() {
    // The relay C of the call chain stores its caller, relay B, in slot 0.
    let relay_c = "0x0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c";
    let report = run_edited("call_chain", relay_c, |account| {
        account["storage"]["0x0"] = "0x0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a".into();
    });
    assert_eq!(report.summary(), "0 passed, 1 failed, 0 skipped");
    assert_eq!(
        differences(&report),
        [format!(
            "{relay_c}: storage slot 0x0 is 0xb0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b, expected \
             0xa0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a"
        )]
    );
    // A nonce and a code.
    let alice = "0xa1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
    let report = run_edited("call_chain", alice, |account| {
        account["nonce"] = "0x5".into();
        account["code"] = "0x00".into();
    });
    assert_eq!(
        differences(&report),
        [
            format!("{alice}: nonce is 1, expected 5"),
            format!("{alice}: code is 0x, expected 0x00"),
        ]
    );
    // Balances are not compared (evmove charges no EVM gas fees).
    let report = run_edited("call_chain", alice, |account| {
        account["balance"] = "0x1".into();
    });
    assert_eq!(report.summary(), "1 passed, 0 failed, 0 skipped");
}

#[test]
fn rejected_blocks_transitions_and_hash_only_post_states_are_skipped_with_the_reason() {
    let name = "revert";
    let text = fs::read_to_string(fixtures_dir().join(format!("{name}.json"))).unwrap();
    let original: serde_json::Value = serde_json::from_str(&text).unwrap();
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit); 3] = [
        ("must be rejected", |test| {
            let blocks = test["blocks"].as_array_mut().unwrap();
            blocks.push(serde_json::json!({ "rlp": "0x00", "expectException": "x" }));
        }),
        ("not a fork evmove knows", |test| {
            test["network"] = "ShanghaiToCancunAtTime15k".into();
        }),
        ("no explicit postState", |test| {
            let test = test.as_object_mut().unwrap();
            test.remove("postState");
            test.insert("postStateHash".into(), "0x00".into());
        }),
    ];
    for (reason, edit) in cases {
        let mut file = original.clone();
        edit(&mut file[name]);
        let dir = scratch("skipped");
        let path = dir.join("skipped.json");
        fs::write(&path, serde_json::to_string(&file).unwrap()).unwrap();
        let report = run(&[path]);
        fs::remove_dir_all(dir).unwrap();
        assert!(
            matches!(&report.tests[0].verdict, Verdict::Skipped(why) if why.contains(reason)),
            "{reason}: {:?}",
            report.tests[0].verdict
        );
    }
}
