//! The conformance runner (`evmove statetest`) over the Ethereum consensus tests: every
//! legacy VMTest passes, none skipped, with its gas left compared; each expected failure
//! ends as the EVM's does (out of gas exactly where the test is about running out of gas);
//! a wrong expectation, the gas left included, is a failure; a malformed file is an error.
//!
//! The suite is test data carried in the repository: `tests/ethtests/vmtests` (609 files,
//! MIT; origin and licence in `tests/ethtests/README.md`). `$EVMOVE_ETHTESTS`, when set, names
//! another directory whose `vmtests/` is read instead.
//!
//! In a debug build the `vmPerformance` group (loops of millions of iterations, minutes each
//! in an unoptimised Move VM) is left out; `cargo nextest run --release` runs the whole
//! directory.

use std::{
    fs,
    path::{Path, PathBuf},
};

use evmove::conformance::{
    check::{Ending, Verdict},
    file::{self, TestCase},
    suite::{find_files, run_files, Report},
};
use evmove_tests::evmove_engine::runner_under_test;

/// The VMTests that expect failure because the EVM runs out of gas (their names say so:
/// endless loops, memory or hashing far beyond the gas given, a deep recursion); every other
/// one expecting failure halts for another reason (a bad jump, a stack underflow).
const OUT_OF_GAS: &[&str] = &[
    "BlockNumberDynamicJump0_foreverOutOfGas",
    "DynamicJump0_foreverOutOfGas",
    "JDfromStorageDynamicJump0_foreverOutOfGas",
    "jump0_foreverOutOfGas",
    "calldatacopyMemExp",
    "codecopyMemExp",
    "log1MemExp",
    "mloadMemExp",
    "mstore8MemExp",
    "mstoreMemExp",
    "sha3MemExp",
    "mloadOutOfGasError2",
    "return1",
    "log0_logMemStartTooHigh",
    "log0_logMemsizeTooHigh",
    "log1_logMemStartTooHigh",
    "log1_logMemsizeTooHigh",
    "log2_logMemStartTooHigh",
    "log2_logMemsizeTooHigh",
    "log3_logMemStartTooHigh",
    "log3_logMemsizeTooHigh",
    "log4_logMemStartTooHigh",
    "log4_logMemsizeTooHigh",
    "sha3_3",
    "sha3_4",
    "sha3_5",
    "sha3_6",
    "sha3_bigOffset",
    "sha3_bigSize",
    "ackermann33",
];

/// The directory holding `vmtests/`: `$EVMOVE_ETHTESTS`, else the repository's own
/// `tests/ethtests`.
fn ethtests() -> PathBuf {
    match std::env::var_os("EVMOVE_ETHTESTS") {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("ethtests"),
    }
}

fn vmtests() -> PathBuf {
    let dir = ethtests().join("vmtests");
    assert!(
        dir.is_dir(),
        "the VMTests are not at {} (EVMOVE_ETHTESTS, when set, names a directory holding \
         vmtests/; unset, tests/ethtests of the repository)",
        dir.display()
    );
    dir
}

fn run(path: &Path) -> Report {
    let runner = runner_under_test();
    let files = find_files(&[path.to_path_buf()]).expect("the path can be read");
    run_files(&runner, &files, 2, &|_, _, _| {})
}

/// A fresh directory for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("evmove-conformance-{}-{test}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn every_vm_test_passes_with_its_gas_left() {
    let runner = runner_under_test();
    let files: Vec<PathBuf> = find_files(&[vmtests()])
        .expect("the suite can be read")
        .into_iter()
        .filter(|file| {
            !cfg!(debug_assertions) || !file.components().any(|c| c.as_os_str() == "vmPerformance")
        })
        .collect();
    let report = run_files(&runner, &files, 2, &|_, _, _| {});
    let failures: Vec<String> = (report.tests.iter())
        .filter_map(|test| match &test.verdict {
            Verdict::Failed(differences) => {
                Some(format!("{}: {}", test.name, differences.join("; ")))
            }
            _ => None,
        })
        .collect();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(
        failures.is_empty(),
        "{}:\n{}",
        report.summary(),
        failures.join("\n")
    );
    assert_eq!(report.skipped(), 0, "{}", report.summary());
    // 609 tests, 504 expecting success (591 and 487 in a debug run, without vmPerformance).
    let (agreeing, compared) = report.gas_left_agreeing();
    let (tests, succeeding) = match cfg!(debug_assertions) {
        true => (591, 487),
        false => (609, 504),
    };
    assert_eq!(report.tests.len(), tests);
    assert_eq!((agreeing, compared), (succeeding, succeeding));

    let mut wrong = Vec::new();
    for result in &report.tests {
        let tests = file::load(&result.file).expect("the file was read before");
        let Some(TestCase::Vm(test)) = tests.get(&result.name) else {
            continue;
        };
        if test.post.is_some() {
            continue;
        }
        let ending = runner.observe(test).expect("it ran before").ending;
        let out_of_gas = OUT_OF_GAS.contains(&result.name.as_str());
        if (ending == Ending::OutOfGas) != out_of_gas {
            wrong.push(format!("{}: {ending}", result.name));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_wrong_expectation_in_a_copied_test_is_a_failure() {
    let original = vmtests().join("vmArithmeticTest/add0.json");
    let text = fs::read_to_string(&original).expect("add0 is in the suite");
    let dir = scratch("wrong");
    fs::write(dir.join("add0.json"), &text).unwrap();
    let report = run(&dir.join("add0.json"));
    assert_eq!(report.summary(), "1 passed, 0 failed, 0 skipped");

    // add0 stores 2^256 - 2 at slot 0; expect one less.
    let expected =
        "\"0x00\" : \"0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe\"";
    assert!(text.contains(expected), "add0's post storage changed shape");
    let wrong = text.replace(
        expected,
        "\"0x00\" : \"0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd\"",
    );
    fs::write(dir.join("add0.json"), wrong).unwrap();
    let report = run(&dir);
    assert_eq!(report.summary(), "0 passed, 1 failed, 0 skipped");
    let Verdict::Failed(differences) = &report.tests[0].verdict else {
        unreachable!()
    };
    assert_eq!(
        differences,
        &[
            "0x0f572e5295c57f15886f9b263e2f6d2d6c7b5ec6: storage slot 0x0 is \
           0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe, expected \
           0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd"
        ]
    );

    // add0 leaves 79,988 of its 100,000 gas (PUSH32, PUSH32, ADD, PUSH1: 12; SSTORE of a
    // new slot: 20,000); expect one more.
    let gas_left = "\"gas\" : \"0x013874\"";
    assert!(text.contains(gas_left), "add0's gas left changed");
    fs::write(
        dir.join("add0.json"),
        text.replace(gas_left, "\"gas\" : \"0x013875\""),
    )
    .unwrap();
    let report = run(&dir);
    assert_eq!(report.summary(), "0 passed, 1 failed, 0 skipped");
    let Verdict::Failed(differences) = &report.tests[0].verdict else {
        unreachable!()
    };
    assert_eq!(differences, &["gas left is 79988, expected 79989"]);

    // Given exactly the 20,012 it needs, add0 leaves nothing; one less runs out of gas.
    let gas = "\"gas\" : \"0x0186a0\"";
    assert!(text.contains(gas), "add0's gas changed");
    let exact = (text.replace(gas, "\"gas\" : \"0x4e2c\"")).replace(gas_left, "\"gas\" : \"0x00\"");
    fs::write(dir.join("add0.json"), &exact).unwrap();
    assert_eq!(run(&dir).summary(), "1 passed, 0 failed, 0 skipped");
    let short = exact.replace("\"gas\" : \"0x4e2c\"", "\"gas\" : \"0x4e2b\"");
    fs::write(dir.join("add0.json"), &short).unwrap();
    let report = run(&dir);
    assert_eq!(report.summary(), "0 passed, 1 failed, 0 skipped");
    let Verdict::Failed(differences) = &report.tests[0].verdict else {
        unreachable!()
    };
    assert_eq!(
        differences,
        &["ended with out of gas, but the test expects success"]
    );

    // Without `post` the test expects a failure: add0 succeeds, and fails only when short
    // of gas.
    let without_post = |text: &str| {
        let start = text.find("\"post\"").unwrap();
        let end = text.find("\"pre\"").unwrap();
        format!("{}{}", &text[..start], &text[end..])
    };
    fs::write(dir.join("add0.json"), without_post(&text)).unwrap();
    assert_eq!(run(&dir).summary(), "0 passed, 1 failed, 0 skipped");
    fs::write(dir.join("add0.json"), without_post(&short)).unwrap();
    assert_eq!(run(&dir).summary(), "1 passed, 0 failed, 0 skipped");
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_malformed_file_is_a_clear_error() {
    let dir = scratch("malformed");
    fs::write(dir.join("broken.json"), "{ \"t\": { \"env\": ").unwrap();
    let original = vmtests().join("vmArithmeticTest/add0.json");
    let text = fs::read_to_string(original).unwrap();
    fs::write(
        dir.join("badhex.json"),
        text.replace("\"0x01\"", "\"0xzz\""),
    )
    .unwrap();
    let report = run(&dir);
    assert_eq!(report.summary(), "0 passed, 2 failed, 0 skipped");
    let messages: Vec<&str> = report.errors.iter().map(|e| e.message.as_str()).collect();
    assert!(
        messages[0].contains("badhex.json: not a VMTests or blockchain-test file")
            && messages[0].contains("non-hex character 'z'")
            && messages[0].contains("line"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("broken.json: not a VMTests or blockchain-test file")
            && messages[1].contains("EOF"),
        "{messages:?}"
    );
    fs::remove_dir_all(dir).unwrap();
}
