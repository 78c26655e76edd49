//! `evmove statetest` as a user meets it: exit status, the summary line, clear errors.
#![cfg(feature = "vm")]

use std::{fs, path::PathBuf, process::Command};

/// A test that passes: `PUSH1 1 PUSH1 0 SSTORE`, storing 1 at slot 0 (leaving 79,994 of its
/// 100,000 gas).
const PASSING: &str = r#"{ "store": {
    "env": { "currentCoinbase": "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba",
             "currentDifficulty": "0x020000", "currentGasLimit": "0x7fffffffffffffff",
             "currentNumber": "0x01", "currentTimestamp": "0x03e8" },
    "exec": { "address": "0x0f572e5295c57f15886f9b263e2f6d2d6c7b5ec6",
              "caller": "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b",
              "origin": "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b",
              "code": "0x6001600055", "data": "0x", "gas": "0x0186a0",
              "gasPrice": "0x01", "value": "0x00" },
    "gas": "0x01387a", "logs": "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
    "out": "0x",
    "post": { "0x0f572e5295c57f15886f9b263e2f6d2d6c7b5ec6": {
        "balance": "0x00", "code": "0x6001600055", "nonce": "0x00",
        "storage": { "0x00": "0x01" } } },
    "pre": { "0x0f572e5295c57f15886f9b263e2f6d2d6c7b5ec6": {
        "balance": "0x00", "code": "0x6001600055", "nonce": "0x00", "storage": {} } }
} }"#;

fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "evmove-statetest-cli-{}-{test}",
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn statetest(args: &[&std::path::Path]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_evmove"))
        .arg("statetest")
        .args(args)
        .output()
        .expect("evmove runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn a_passing_test_exits_zero_and_a_wrong_one_non_zero() {
    let dir = scratch("verdicts");
    let file = dir.join("store.json");
    fs::write(&file, PASSING).unwrap();
    let (ok, text) = statetest(&[&file]);
    assert!(ok, "{text}");
    assert!(text.contains("1 passed, 0 failed, 0 skipped"), "{text}");

    fs::write(
        &file,
        PASSING.replace("\"0x00\": \"0x01\"", "\"0x00\": \"0x02\""),
    )
    .unwrap();
    let (ok, text) = statetest(&[&dir]);
    assert!(!ok, "{text}");
    assert!(
        text.contains("FAIL") && text.contains("storage slot 0x0 is 0x1, expected 0x2"),
        "{text}"
    );
    assert!(text.contains("0 passed, 1 failed, 0 skipped"), "{text}");
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn malformed_and_missing_inputs_are_errors_not_panics() {
    let dir = scratch("malformed");
    let file = dir.join("broken.json");
    fs::write(&file, "{ \"t\": [1, 2").unwrap();
    let (ok, text) = statetest(&[&file]);
    assert!(
        !ok && text.contains("error:") && text.contains("broken.json"),
        "{text}"
    );
    assert!(!text.contains("panicked"), "{text}");

    let (ok, text) = statetest(&[&dir.join("missing.json")]);
    assert!(
        !ok && text.contains("error:") && text.contains("missing.json"),
        "{text}"
    );
    assert!(!text.contains("panicked"), "{text}");
    fs::remove_dir_all(dir).unwrap();
}

/// Our blockchain-test fixtures (`tests/fixtures/blockchain`, computed by revm).
fn blockchain_fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/blockchain")
}

#[test]
fn the_blockchain_fixtures_pass_and_a_copy_with_a_balance_off_by_one_wei_fails() {
    let fixtures = blockchain_fixtures();
    let count = fs::read_dir(&fixtures).unwrap().count();
    let (ok, text) = statetest(&[&fixtures]);
    assert!(ok, "{text}");
    assert!(
        text.contains(&format!("{count} passed, 0 failed, 0 skipped")),
        "{text}"
    );

    // Alice paid the call chain's fees: one wei more than she has left.
    let alice = "0xa1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
    let name = "call_chain";
    let text = fs::read_to_string(fixtures.join(format!("{name}.json"))).unwrap();
    let mut file: serde_json::Value = serde_json::from_str(&text).unwrap();
    let balance = &mut file[name]["postState"][alice]["balance"];
    let wei = u128::from_str_radix(balance.as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    *balance = format!("{:#x}", wei + 1).into();
    let dir = scratch("one-wei");
    let copy = dir.join(format!("{name}.json"));
    fs::write(&copy, file.to_string()).unwrap();
    let (ok, text) = statetest(&[&copy]);
    assert!(!ok, "{text}");
    let line = format!("{alice}: balance is {wei:#x}, expected {:#x}", wei + 1);
    assert!(text.contains("FAIL") && text.contains(&line), "{text}");
    assert!(text.contains("0 passed, 1 failed, 0 skipped"), "{text}");
    fs::remove_dir_all(dir).unwrap();
}
