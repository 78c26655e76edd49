//! The counting mode (`evmove_runtime::exec::counting`) on the corpus contracts' hot
//! functions. Each case sets up its contracts on revm and evmove side by side, runs its
//! transaction once (compiling and loading the modules it needs), then once more counting
//! on evmove: the outcome must be revm's, and the counts must stay under the case's
//! ceilings ([`CEILINGS`], today's counts), so that a change making the transpiled code do
//! more work fails here. Counts are deterministic (checked below), so the ceilings can be
//! tight; times are never asserted.

use std::alloc::System;

use alloy_dyn_abi::DynSolValue;
use alloy_primitives::{address, Address, U256};
use evmove_runtime::exec::counting::{CountingAllocator, Opcode, WorkCounts};
use evmove_tests::{
    corpus::{Contract, Setting},
    differential::{difference, Differential},
    engine::Engine,
    evmove_engine::EvmoveEngine,
    outcome::{Status, Tx, TxOutcome},
};

// Counts this test binary's allocations (`WorkCounts::allocations`).
#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator::over(System);

const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
const BOB: Address = address!("0000000000000000000000000000000000000b0b");

/// What a case may cost at most: today's counts.
#[derive(Debug)]
struct Ceiling {
    case: &'static str,
    move_instructions: u64,
    natives: u64,
    move_calls: u64,
    allocations: u64,
}

/// The ceilings, one row per case. To regenerate after a change of what the lowering emits
/// (or of the gas model, which adds or removes instructions):
/// `cargo nextest run -p evmove-tests --test work_counts ceilings --no-capture` prints
/// the table of today's counts; paste it here (a count that fell is progress, one that rose
/// needs a reason).
#[rustfmt::skip]
const CEILINGS: &[Ceiling] = &[
    Ceiling { case: "token transfer, legacy-opt", move_instructions: 147, natives: 18, move_calls: 0, allocations: 43 },
    Ceiling { case: "token transfer, via-ir-opt", move_instructions: 203, natives: 21, move_calls: 0, allocations: 48 },
    Ceiling { case: "weth deposit, legacy-opt", move_instructions: 92, natives: 12, move_calls: 1, allocations: 32 },
    Ceiling { case: "weth withdraw, legacy-opt", move_instructions: 174, natives: 23, move_calls: 0, allocations: 47 },
    Ceiling { case: "pool swap, legacy-opt", move_instructions: 1076, natives: 114, move_calls: 3, allocations: 231 },
    Ceiling { case: "collatz steps, via-ir-opt", move_instructions: 5493, natives: 54, move_calls: 0, allocations: 107 },
];

/// Allocations also depend on the Rust side (std's collections, the test thread's stack):
/// they may exceed their ceiling by this fraction (1/20) without failing.
const ALLOCATION_SLACK: u64 = 20;

/// A case: sets up a chain and runs the hot transaction once; the transaction to count.
struct Case {
    name: &'static str,
    prepare: fn(&mut dyn Engine) -> Tx,
}

const CASES: &[Case] = &[
    Case {
        name: "token transfer, legacy-opt",
        prepare: |chain| token_transfer(chain, Setting::LegacyOpt),
    },
    Case {
        name: "token transfer, via-ir-opt",
        prepare: |chain| token_transfer(chain, Setting::ViaIrOpt),
    },
    Case {
        name: "weth deposit, legacy-opt",
        prepare: weth_deposit,
    },
    Case {
        name: "weth withdraw, legacy-opt",
        prepare: weth_withdraw,
    },
    Case {
        name: "pool swap, legacy-opt",
        prepare: pool_swap,
    },
    Case {
        name: "collatz steps, via-ir-opt",
        prepare: collatz_steps,
    },
];

fn uint(n: u64) -> DynSolValue {
    DynSolValue::from(U256::from(n))
}

fn text(text: &str) -> DynSolValue {
    DynSolValue::String(text.to_string())
}

fn ether() -> U256 {
    U256::from(10).pow(U256::from(18))
}

/// Runs `tx` on `chain`, asserting success.
fn succeed(chain: &mut dyn Engine, tx: Tx) -> TxOutcome {
    let outcome = chain.execute(&tx).expect("a valid transaction");
    assert_eq!(outcome.status, Status::Success, "{tx:?}: {outcome:?}");
    outcome
}

/// Deploys the contract of `file` (named as the file) compiled in `setting` from ALICE.
fn deploy(
    chain: &mut dyn Engine,
    setting: Setting,
    file: &str,
    args: &[DynSolValue],
) -> (Contract, Address) {
    let contract = Contract::load(setting, file, file);
    let created = succeed(chain, Tx::create(ALICE, contract.deploy_data(args))).created;
    (contract, created.expect("a creation reports its address"))
}

/// A call of `function` of the deployed `contract` from ALICE.
fn call((contract, to): &(Contract, Address), function: &str, args: &[DynSolValue]) -> Tx {
    Tx::call(ALICE, *to, contract.calldata(function, args))
}

/// Runs `tx` once (compiling the code it runs) and gives it back, to be counted.
fn warmed(chain: &mut dyn Engine, tx: Tx) -> Tx {
    succeed(chain, tx.clone());
    tx
}

/// A Token held by ALICE, and a transfer of 1 to BOB.
fn token_transfer(chain: &mut dyn Engine, setting: Setting) -> Tx {
    chain.fund(ALICE, U256::from(100) * ether());
    let args = [text("Token"), text("TKN"), uint(1_000_000_000)];
    let token = deploy(chain, setting, "Token", &args);
    warmed(chain, call(&token, "transfer", &[BOB.into(), uint(1)]))
}

/// WrappedEther, and a deposit of 1 ether from ALICE.
fn weth_deposit(chain: &mut dyn Engine) -> Tx {
    chain.fund(ALICE, U256::from(100) * ether());
    let weth = deploy(chain, Setting::LegacyOpt, "WrappedEther", &[]);
    warmed(chain, call(&weth, "deposit", &[]).with_value(ether()))
}

/// WrappedEther holding ALICE's ether, and a withdrawal of 1,000 wei (a call paying ALICE).
fn weth_withdraw(chain: &mut dyn Engine) -> Tx {
    chain.fund(ALICE, U256::from(100) * ether());
    let weth = deploy(chain, Setting::LegacyOpt, "WrappedEther", &[]);
    succeed(chain, call(&weth, "deposit", &[]).with_value(ether()));
    warmed(chain, call(&weth, "withdraw", &[uint(1_000)]))
}

/// A pool of two Tokens with liquidity from ALICE, and ALICE's swap of 10,000 token0
/// (the pool pulls token0 and pays token1: two calls into the tokens).
fn pool_swap(chain: &mut dyn Engine) -> Tx {
    chain.fund(ALICE, U256::from(100) * ether());
    let setting = Setting::LegacyOpt;
    let supply = uint(1_000_000_000);
    let tokens = ["T0", "T1"].map(|symbol| {
        let args = [text(symbol), text(symbol), supply.clone()];
        deploy(chain, setting, "Token", &args)
    });
    let addresses = [tokens[0].1, tokens[1].1].map(DynSolValue::from);
    let pool = deploy(chain, setting, "Pool", &addresses);
    for token in &tokens {
        succeed(
            chain,
            call(token, "approve", &[pool.1.into(), supply.clone()]),
        );
    }
    let liquidity = [uint(1_000_000), uint(4_000_000)];
    succeed(chain, call(&pool, "addLiquidity", &liquidity));
    warmed(
        chain,
        call(&pool, "swap", &[true.into(), uint(10_000), uint(0)]),
    )
}

/// Collections, and the Collatz steps of 27 (111 iterations of a loop without a host
/// native: the criterion bench's `loop_collatz`).
fn collatz_steps(chain: &mut dyn Engine) -> Tx {
    chain.fund(ALICE, U256::from(100) * ether());
    let collections = deploy(chain, Setting::ViaIrOpt, "Collections", &[]);
    warmed(chain, call(&collections, "collatzSteps", &[uint(27)]))
}

/// Prepares `case` on revm and evmove side by side and runs its transaction counting:
/// evmove's outcome (revm's, checked) and the counts.
fn count(case: &Case) -> (TxOutcome, WorkCounts) {
    let mut chain = Differential::new();
    let tx = (case.prepare)(&mut chain);
    let expected = chain.revm.execute(&tx).expect("revm runs it");
    let (actual, counts) = chain.evmove.execute_counting(&tx).expect("evmove runs it");
    if let Some(difference) = difference(&expected, &actual) {
        panic!(
            "{}: counting, evmove differs from revm: {difference}",
            case.name
        );
    }
    assert_eq!(actual.status, Status::Success, "{}", case.name);
    (actual, counts)
}

/// `counts` as a row of [`CEILINGS`].
fn row(case: &str, counts: &WorkCounts) -> String {
    format!(
        "    Ceiling {{ case: {case:?}, move_instructions: {}, natives: {}, move_calls: {}, \
         allocations: {} }},",
        counts.move_instructions(),
        counts.natives(),
        counts.move_calls,
        counts.allocations.unwrap_or(0),
    )
}

/// Every count of `counts` over its ceiling, in words.
fn over(ceiling: &Ceiling, counts: &WorkCounts) -> Vec<String> {
    let allocations = counts.allocations.expect("this binary counts allocations");
    let allowed = ceiling.allocations + ceiling.allocations / ALLOCATION_SLACK;
    [
        (
            "Move instructions",
            counts.move_instructions(),
            ceiling.move_instructions,
        ),
        ("natives", counts.natives(), ceiling.natives),
        ("Move calls", counts.move_calls, ceiling.move_calls),
        ("allocations", allocations, allowed),
    ]
    .into_iter()
    .filter(|(_, count, allowed)| count > allowed)
    .map(|(what, count, allowed)| format!("{}: {count} {what} (at most {allowed})", ceiling.case))
    .collect()
}

#[test]
fn ceilings_hold_for_the_hot_functions() {
    let cases: Vec<&str> = CASES.iter().map(|case| case.name).collect();
    let rows: Vec<&str> = CEILINGS.iter().map(|ceiling| ceiling.case).collect();
    assert_eq!(cases, rows, "one ceiling per case, in the same order");
    let mut table = Vec::new();
    let mut failures = Vec::new();
    for (case, ceiling) in CASES.iter().zip(CEILINGS) {
        let (_, counts) = count(case);
        table.push(row(case.name, &counts));
        failures.extend(over(ceiling, &counts));
    }
    let table = table.join("\n");
    println!("today's counts:\n{table}");
    assert!(
        failures.is_empty(),
        "over the ceiling:\n{}\n\ntoday's counts (for CEILINGS, if the rise is wanted):\n{table}",
        failures.join("\n")
    );
}

#[test]
fn counts_are_deterministic() {
    let case = &CASES[0];
    let (_, first) = count(case);
    let (_, second) = count(case);
    assert_eq!(
        first, second,
        "two chains count the same transaction differently"
    );
}

/// The counts say what a transfer does: its two SSTOREs, its event, the instructions
/// around them (each operation counted by its native, or by its charged form where a
/// section's charge folded into it); and the breakdowns add up to the totals.
#[test]
fn a_transfer_counts_what_it_does() {
    let (outcome, counts) = count(&CASES[0]);
    let performed = |module, name| counts.native(module, name) + counts.native("charged", name);
    assert_eq!(outcome.logs.len(), 1);
    assert_eq!(performed("storage", "sstore"), 2, "{counts:?}");
    assert!(performed("storage", "sload") >= 2, "{counts:?}");
    let logs = performed("log", "log3") + performed("log", "log3_word");
    assert_eq!(logs, 1, "{counts:?}");
    assert_eq!(performed("storage", "tstore"), 0, "{counts:?}");
    assert!(counts.native("charged", "sstore") > 0, "{counts:?}");
    assert!(counts.move_instructions() > counts.natives(), "{counts:?}");
    assert!(counts.allocations.is_some_and(|n| n > 0), "{counts:?}");

    let by_opcode: u64 = counts.by_opcode().map(|(_, n)| n).sum();
    assert_eq!(by_opcode, counts.move_instructions());
    let by_native: u64 = counts.by_native().map(|(_, n)| n).sum();
    assert_eq!(by_native, counts.natives());
    // Every call is a native's or a Move function's.
    let calls = counts.instruction(Opcode::Call) + counts.instruction(Opcode::CallGeneric);
    assert_eq!(calls, counts.natives() + counts.move_calls, "{counts:?}");
}

/// A counting run spends gas as a plain run does: the same outcome, gas used included,
/// also when the gas runs out midway (the instruction that ran out is not counted).
#[test]
fn counting_changes_nothing_the_transaction_does() {
    let case = &CASES[0];
    let prepared = |gas_limit: Option<u64>| {
        let mut chain = EvmoveEngine::new();
        let mut tx = (case.prepare)(&mut chain);
        tx.gas_limit = gas_limit.unwrap_or(tx.gas_limit);
        (chain, tx)
    };
    let plain = |gas_limit| {
        let (mut chain, tx) = prepared(gas_limit);
        chain.execute(&tx).expect("evmove runs it")
    };
    let counted = |gas_limit| {
        let (mut chain, tx) = prepared(gas_limit);
        chain.execute_counting(&tx).expect("evmove runs it")
    };
    let (outcome, full) = counted(None);
    assert_eq!(outcome, plain(None));

    // Less than half the gas its frames used (the 21,000 of intrinsic gas paid first).
    let starved = Some(21_000 + (outcome.gas_used - 21_000) / 2);
    let (outcome, partial) = counted(starved);
    assert!(matches!(outcome.status, Status::Halt(_)), "{outcome:?}");
    assert_eq!(outcome, plain(starved));
    assert!(partial.move_instructions() < full.move_instructions());
    assert!(partial.natives() < full.natives());
}
