//! Our blockchain-test fixtures (`tests/fixtures/blockchain`): they are what revm computes
//! (so they cannot drift), evmove passes them, and a wrong expected value in a copy of one
//! is reported as a failure.
//!
//! `EVMOVE_BLESS=1 cargo nextest run -p evmove-tests --test blockchain_fixtures` rewrites
//! the files from `evmove_tests::blockchain_fixtures`.

use std::{collections::BTreeMap, fs, num::NonZeroUsize, path::PathBuf};

use alloy_primitives::{Address, B256, U256};
use evmove::conformance::{
    blockchain::BlockchainTest,
    check::{judge_post_state, Verdict},
    run::{accounts, block_env, spec_of, transaction},
    suite::{find_files, run_files, Report},
    vmtest::AccountState,
};
use evmove_runtime::{
    block::{evm::execute_block, BlockError, Config, Mode},
    Account, BlockEnv, HaltReason, InMemoryState, Runtime, StateView, Status, Transaction, TxError,
};
use evmove_tests::{
    blockchain_fixtures::{
        fixtures, fixtures_dir, render, storage_only_target, timestamp_of, BEACON_ROOTS,
        HISTORY_STORAGE, RING, WITHDRAWN,
    },
    evmove_engine::{runner_under_test, runtime_under_test},
};

fn run(paths: &[PathBuf]) -> Report {
    let runner = runner_under_test();
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

/// Every fixture passes, balances compared, none skipped (`gas_bounded_loop` reads GAS).
#[test]
fn evmove_passes_the_fixtures() {
    let report = run(&[fixtures_dir()]);
    let unexpected: Vec<String> = (report.tests.iter())
        .filter(|test| !matches!(test.verdict, Verdict::Passed))
        .map(|test| format!("{}: {:?}", test.name, test.verdict))
        .collect();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    assert_eq!(report.tests.len(), fixtures().len());
}

/// A fresh directory for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("evmove-blockchain-{}-{test}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs a copy of fixture `name` changed by `edit` (the test's JSON object).
fn run_copy(name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> Report {
    let text = fs::read_to_string(fixtures_dir().join(format!("{name}.json"))).unwrap();
    let mut file: serde_json::Value = serde_json::from_str(&text).unwrap();
    edit(&mut file[name]);
    let dir = scratch(name);
    let path = dir.join(format!("{name}.json"));
    fs::write(&path, serde_json::to_string(&file).unwrap()).unwrap();
    let report = run(&[path]);
    fs::remove_dir_all(dir).unwrap();
    report
}

/// Runs a copy of fixture `name` whose `postState` account `address` is changed by `edit`.
fn run_edited(name: &str, address: &str, edit: impl FnOnce(&mut serde_json::Value)) -> Report {
    run_copy(name, |test| {
        let account = &mut test["postState"][address];
        assert!(account.is_object(), "{name} has no {address} in postState");
        edit(account);
    })
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
    // A balance off by one wei (Alice paid the fees).
    let mut expected = U256::ZERO;
    let report = run_edited("call_chain", alice, |account| {
        let balance: U256 = account["balance"].as_str().unwrap().parse().unwrap();
        expected = balance + U256::from(1);
        account["balance"] = format!("{expected:#x}").into();
    });
    let balance = expected - U256::from(1);
    assert_eq!(
        differences(&report),
        [format!(
            "{alice}: balance is {balance:#x}, expected {expected:#x}"
        )]
    );
}

#[test]
fn undecoded_rejected_blocks_transitions_and_missing_post_states_are_skipped_with_the_reason() {
    let name = "revert";
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit); 3] = [
        ("only as RLP", |test| {
            let blocks = test["blocks"].as_array_mut().unwrap();
            blocks.push(serde_json::json!({ "rlp": "0x00", "expectException": "x" }));
        }),
        ("not a fork evmove knows", |test| {
            test["network"] = "ShanghaiToCancunAtTime15k".into();
        }),
        ("neither a postState nor a postStateHash", |test| {
            test.as_object_mut().unwrap().remove("postState");
        }),
    ];
    for (reason, edit) in cases {
        let report = run_copy(name, edit);
        assert!(
            matches!(&report.tests[0].verdict, Verdict::Skipped(why) if why.contains(reason)),
            "{reason}: {:?}",
            report.tests[0].verdict
        );
    }
}

/// The fixture's `postState` replaced by its root, `postStateHash`, as many public tests
/// give it.
fn hash_only(test: &mut serde_json::Value) {
    let blocks = test["blocks"].as_array().unwrap();
    let root = blocks.last().unwrap()["blockHeader"]["stateRoot"].clone();
    let test = test.as_object_mut().unwrap();
    test.remove("postState").unwrap();
    test.insert("postStateHash".into(), root);
}

#[test]
fn state_roots_are_compared_with_every_header_and_the_post_state_hash() {
    // Every fixture's headers carry revm's state roots, which evmove's states match
    // (`evmove_passes_the_fixtures`); a test with only `postStateHash` runs and passes.
    let name = "multi_block";
    let report = run_copy(name, hash_only);
    assert_eq!(report.summary(), "1 passed, 0 failed, 0 skipped");
    // One wei more in `pre`: every root differs, each difference naming where.
    let alice = "0xa1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
    let report = run_copy(name, |test| {
        hash_only(test);
        let balance = &mut test["pre"][alice]["balance"];
        let wei: U256 = balance.as_str().unwrap().parse().unwrap();
        *balance = format!("{:#x}", wei + U256::from(1)).into();
    });
    let places: Vec<String> = (differences(&report).iter())
        .map(|line| line.split(':').next().unwrap().to_string())
        .collect();
    assert_eq!(
        places,
        [
            "the genesis (pre)",
            "block 0",
            "block 1",
            "block 2",
            "after the blocks"
        ]
    );
    // One header's root wrong: that block is named, and nothing else.
    let report = run_copy(name, |test| {
        let header = &mut test["blocks"][1]["blockHeader"];
        let mut root: B256 = header["stateRoot"].as_str().unwrap().parse().unwrap();
        root.0[31] ^= 1;
        header["stateRoot"] = root.to_string().into();
    });
    let failures = differences(&report);
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(
        failures[0].starts_with("block 1: the state root is 0x"),
        "{failures:?}"
    );
}

#[test]
fn a_copy_without_a_system_calls_slot_is_a_failure() {
    // The beacon-roots contract stores block 1's root at `timestamp % 8191 + 8191`, the
    // history-storage contract block 1's parent hash at `(1 - 1) % 8191`... and block 2's.
    let root_slot = format!("{:#x}", timestamp_of(1) % RING + RING);
    let beacon = BEACON_ROOTS.to_string().to_lowercase();
    let history = HISTORY_STORAGE.to_string().to_lowercase();
    for (name, address, slot) in [
        ("beacon_roots", &beacon, root_slot.as_str()),
        ("history_storage", &history, "0x1"),
    ] {
        let report = run_edited(name, address, |account| {
            let storage = account["storage"].as_object_mut().unwrap();
            assert!(storage.remove(slot).is_some(), "{name}: no slot {slot}");
        });
        assert_eq!(report.summary(), "0 passed, 1 failed, 0 skipped", "{name}");
        let differences = differences(&report);
        assert_eq!(differences.len(), 1, "{name}: {differences:?}");
        assert!(
            differences[0].starts_with(&format!("{address}: storage slot {slot} is 0x")),
            "{name}: {differences:?}"
        );
    }
}

#[test]
fn a_copy_where_the_storage_collision_creates_is_a_failure() {
    // What an EVM without EIP-7610 leaves: the counter deployed over the storage.
    let target = storage_only_target().to_string().to_lowercase();
    let report = run_edited("create_collision_storage", &target, |account| {
        account["nonce"] = "0x1".into();
        account["code"] = "0x5f546001018060555f5260205ff3".into();
        account["storage"] = serde_json::json!({});
    });
    assert_eq!(report.summary(), "0 passed, 1 failed, 0 skipped");
    assert_eq!(differences(&report).len(), 3, "{:?}", differences(&report));
}

/// A fixture's blocks as the block API takes them.
/// Each block's environment, transactions, and whether the chain must reject it.
type Blocks = Vec<(BlockEnv, Vec<Transaction>, bool)>;

/// The state and blocks of fixture `name` as the block API takes them, and its `postState`.
fn fixture_blocks(name: &str) -> (InMemoryState, Blocks, BTreeMap<Address, AccountState>) {
    let text = fs::read_to_string(fixtures_dir().join(format!("{name}.json"))).unwrap();
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    let test: BlockchainTest = serde_json::from_value(file[name].clone()).unwrap();
    let spec = spec_of(&test.network).unwrap();
    let mut state = InMemoryState::new();
    for (address, account) in &test.pre {
        let nonce = account.nonce.to();
        let balance = account.balance;
        state.set_account(*address, Account { nonce, balance });
        if !account.code.is_empty() {
            state.set_code(*address, account.code.clone());
        }
        for (slot, value) in &account.storage {
            state.set_slot(*address, *slot, *value);
        }
    }
    let mut block_hashes = BTreeMap::new();
    let blocks = (test.blocks.iter())
        .map(|block| {
            let header = block.block_header.as_ref().unwrap();
            let env = block_env(header, block, spec, &block_hashes).unwrap();
            if let Some(hash) = header.hash {
                block_hashes.insert(env.number, hash);
            }
            let txns = (block.transactions.iter())
                .map(|tx| transaction(tx, tx.sender.unwrap()))
                .collect();
            (env, txns, block.expect_exception.is_some())
        })
        .collect();
    (state, blocks, test.post_state.unwrap())
}

/// Runs fixture `name`'s blocks with the block API in `mode`: the accounts after, with their
/// balances. A block the chain must reject must fail on an invalid transaction, and is
/// left out.
fn run_blocks(runtime: &Runtime, name: &str, mode: Mode) -> BTreeMap<Address, AccountState> {
    let (mut state, blocks, _) = fixture_blocks(name);
    for (env, txns, rejected) in &blocks {
        let output = execute_block(runtime, &state, env, txns, &Config::with_mode(mode));
        match output {
            Ok(output) if !rejected => state.apply(&output.writes),
            Err(BlockError::Task {
                error: TxError::Invalid(_),
                ..
            }) if *rejected => {}
            Ok(_) => panic!("{name}: block {} must be rejected", env.number),
            Err(error) => panic!("{name}: {error}"),
        }
    }
    accounts(&state)
}

#[test]
fn the_block_api_runs_the_system_calls_and_withdrawals_in_both_modes() {
    let runtime = runtime_under_test();
    let parallel = Mode::Parallel {
        threads: NonZeroUsize::new(2).unwrap(),
    };
    for name in [
        "beacon_roots",
        "history_storage",
        "withdrawals",
        "create_collision_storage",
        "fees_and_gas",
        "gas_bounded_loop",
    ] {
        let (_, _, post) = fixture_blocks(name);
        for mode in [Mode::Sequential, parallel] {
            let found = run_blocks(&runtime, name, mode);
            // Every account, balances (fees, withdrawals) included.
            let verdict = judge_post_state(&post, &found);
            assert_eq!(verdict, Verdict::Passed, "{name} in {mode:?}");
            if name == "withdrawals" {
                assert!(found.contains_key(&WITHDRAWN));
            }
        }
    }
}

#[test]
fn a_creation_transaction_onto_an_account_with_storage_only_collides() {
    let runtime = runtime_under_test();
    let alice = Address::repeat_byte(0xa1);
    let target = alice.create(0);
    let mut state = InMemoryState::new();
    let balance = U256::from(10u64.pow(18));
    state.set_account(alice, Account { nonce: 0, balance });
    state.set_slot(target, U256::from(1), U256::from(0x5a));
    let tx = Transaction {
        sender: alice,
        to: None,
        // SSTORE(0, 1), deploys nothing.
        data: vec![0x60, 0x01, 0x5f, 0x55, 0x00].into(),
        gas_limit: 1_000_000,
        ..Transaction::default()
    };
    let outcome = runtime
        .execute(&state, &BlockEnv::default(), &tx)
        .expect("it runs");
    assert_eq!(outcome.status, Status::Halt(HaltReason::CreateCollision));
    outcome.apply_to(&mut state);
    assert_eq!(state.account(alice).unwrap().nonce, 1);
    assert_eq!(state.account(target), None);
    assert_eq!(state.storage_slots(target).unwrap(), [U256::from(1)]);
}

/// Runs a copy of fixture `name` whose blocks are changed by `edit`: the failures.
fn run_with_blocks(name: &str, edit: impl FnOnce(&mut Vec<serde_json::Value>)) -> Vec<String> {
    differences(&run_copy(name, |test| {
        edit(test["blocks"].as_array_mut().unwrap())
    }))
}

#[test]
fn blocks_are_rejected_exactly_when_the_chain_rejects_them() {
    // The rejected block (block 2) without its `expectException`: evmove rejects it anyway.
    let failures = run_with_blocks("fees_and_gas", |blocks| {
        blocks[1].as_object_mut().unwrap().remove("expectException");
    });
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(
        failures[0].contains("block 1 was rejected: transaction 1: sender"),
        "{failures:?}"
    );
    // The invalid transaction made valid (two transfers of 21,000 gas): evmove accepts a
    // block it must reject.
    let failures = run_with_blocks("fees_and_gas", |blocks| {
        blocks[1]["transactions"][1]["value"] = "0x1".into();
        blocks[1]["blockHeader"]["gasUsed"] = format!("{:#x}", 2 * 21_000).into();
    });
    assert!(
        failures[0].contains("block 1 must be rejected"),
        "{failures:?}"
    );
    // A transaction with neither a sender nor a signature: no sender, the block rejected.
    let failures = run_with_blocks("fees_and_gas", |blocks| {
        let tx = blocks[0]["transactions"][0].as_object_mut().unwrap();
        tx.remove("sender");
    });
    assert!(
        failures[0].contains("block 0 was rejected: transaction 0 has neither a sender nor"),
        "{failures:?}"
    );
    // A header whose gasUsed is one off: the block is rejected.
    let failures = run_with_blocks("fees_and_gas", |blocks| {
        let used: U256 = blocks[0]["blockHeader"]["gasUsed"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        blocks[0]["blockHeader"]["gasUsed"] = format!("{:#x}", used + U256::from(1)).into();
    });
    assert!(
        failures[0].contains("block 0 was rejected: its transactions used"),
        "{failures:?}"
    );
}
