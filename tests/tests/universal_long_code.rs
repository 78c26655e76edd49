//! Long branchy code on the universal path, against revm: a computed jump after hundreds to
//! thousands of branches in a row, up to the 48 KB initcode limit (EIP-3860). Universal
//! form runs such code as one dispatch loop (`evmove::lift::universal`); entered at offset 0
//! instead, every JUMPDEST on the way headed a loop of its own and the Move code grew with
//! the square of the branches, until splitting it failed (refused from 500 branches). And a
//! recursive function too large for one Move function, split into parts, whose universal
//! form (its fallback when the recursion nears the stack limit) is as long.

use alloy_primitives::{Address, U256};
use evmove::{
    evm::{assemble, Code},
    lift::lift,
    pipeline::compile_code,
};
use evmove_runtime::SpecId;
use evmove_tests::{
    differential::{difference, engines_at},
    engine::Engine,
    evmove_engine::tier_under_test,
    outcome::{Status, Tx, TxOutcome},
};
use move_binary_format::CompiledModule;
use move_core_types::account_address::AccountAddress;

const SENDER: Address = Address::repeat_byte(0x5e);
const PROGRAM: Address = Address::repeat_byte(0xc0);

/// The largest code a creation transaction may carry (EIP-3860).
const INITCODE_LIMIT: usize = 0xc000;

/// The bytes before the first branch, and each branch's.
const HEAD: usize = 2;
const BRANCH: usize = 16;

/// `PUSH0 CALLDATALOAD`, then `count` branches ([`branch_text`]) on that word, then a jump
/// to calldata word 1 and `end`, which returns the word. Every branch is 16 bytes: branch `k` is at
/// `HEAD + BRANCH k`, its JUMPDEST ([`dest`]) last.
fn branches(count: usize) -> Vec<u8> {
    let body = branch_text(count);
    let text = format!(
        "PUSH0 CALLDATALOAD {body} PUSH1 0x20 CALLDATALOAD JUMP end: PUSH0 MSTORE PUSH1 32 PUSH0 RETURN"
    );
    let code = assemble(&text).expect("assembles");
    assert_eq!(code.len(), HEAD + BRANCH * count + 11);
    assert_eq!(code[end(count)], 0x5b, "end is a JUMPDEST");
    code
}

/// `count` branches, each skipping a store when the top word has one of its low 7 bits
/// set (bit `k % 7` for branch `k`), 16 bytes each.
fn branch_text(count: usize) -> String {
    (0..count)
        .map(|k| {
            format!(
                "DUP1 PUSH1 {} AND PUSH2 @d{k} JUMPI PUSH2 {k} PUSH2 0x100 MSTORE d{k}: ",
                1 + k % 7
            )
        })
        .collect()
}

/// Where branch `k`'s JUMPDEST is.
fn dest(k: usize) -> usize {
    HEAD + BRANCH * k + BRANCH - 1
}

/// Where `end` is, after `count` branches.
fn end(count: usize) -> usize {
    HEAD + BRANCH * count + 4
}

/// The most branches under the initcode limit.
fn most_branches() -> usize {
    (INITCODE_LIMIT - HEAD - 11) / BRANCH
}

fn words(words: &[U256]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_be_bytes::<32>()).collect()
}

fn at(pc: usize) -> U256 {
    U256::from(pc)
}

/// Runs `tx` in revm and evmove: revm's outcome, failing on any difference.
fn agree(revm: &mut impl Engine, evmove: &mut impl Engine, tx: &Tx, what: &str) -> TxOutcome {
    let expected = revm.execute(tx).expect("revm runs it");
    let actual = evmove
        .execute(tx)
        .unwrap_or_else(|error| panic!("{what}: evmove cannot run it: {error}"));
    assert_eq!(difference(&expected, &actual), None, "{what}");
    expected
}

#[test]
fn thousands_of_branches_before_a_computed_jump_run_as_revm_runs_them() {
    let tier = tier_under_test();
    for count in [500, 1_000, 2_000, most_branches()] {
        let code = branches(count);
        assert!(code.len() <= INITCODE_LIMIT);
        let lifted = lift(&Code::new(code.clone())).expect("lifts");
        assert!(lifted.universal.is_some(), "{count}: the universal path");
        // The code is the account's (as in a genesis or a state file): no size limit
        // applies to it, so it is bounded by the initcode limit, the larger one.
        let (mut revm, mut evmove) = engines_at(SpecId::OSAKA, tier, &[(PROGRAM, &code)]);
        let mut call = |word: u64, target: U256, gas_limit: u64| {
            let what =
                format!("{count} branches, word {word:#x}, jump to {target:#x}, gas {gas_limit}");
            let mut tx = Tx::call(SENDER, PROGRAM, words(&[U256::from(word), target]));
            tx.gas_limit = gas_limit;
            agree(&mut revm, &mut evmove, &tx, &what)
        };
        let gas = 10_000_000;
        // No branch taken (every store made), every one, some; then `end`.
        for word in [0, 0x7f, 0x55] {
            let outcome = call(word, at(end(count)), gas);
            assert_eq!(
                outcome.status,
                Status::Success,
                "{count} branches, {word:#x}"
            );
            assert_eq!(outcome.output[..], words(&[U256::from(word)]));
        }
        // Back to a branch in the middle: round again and again, until the gas runs out.
        let looped = call(0x2a, at(dest(count / 2)), 300_000);
        assert!(matches!(looped.status, Status::Halt(_)), "{looped:?}");
        // No JUMPDEST there: a byte of code, the PUSH2 in a branch, past the code, huge.
        for target in [at(1), at(dest(3) - 8), at(end(count) + 1), U256::MAX] {
            let outcome = call(0x55, target, gas);
            assert!(matches!(outcome.status, Status::Halt(_)), "{outcome:?}");
        }
        // Out of gas on the way: just after the intrinsic gas, half way, one short.
        let used = call(0x55, at(end(count)), gas).gas_used;
        for gas_limit in [21_000 + 16 * 64 + 50, (used + 21_000) / 2, used - 1] {
            let outcome = call(0x55, at(end(count)), gas_limit);
            assert!(matches!(outcome.status, Status::Halt(_)), "{outcome:?}");
        }
    }
}

#[test]
fn the_most_branches_run_as_initcode() {
    // As a creation's code: no calldata, so every store is made and the jump goes to 0, no
    // JUMPDEST.
    let code = branches(most_branches());
    let (mut revm, mut evmove) = engines_at(SpecId::OSAKA, tier_under_test(), &[]);
    revm.fund(SENDER, U256::from(10).pow(U256::from(20)));
    evmove.fund(SENDER, U256::from(10).pow(U256::from(20)));
    let mut create = Tx::create(SENDER, code);
    create.gas_limit = 10_000_000;
    let outcome = agree(&mut revm, &mut evmove, &create, "initcode");
    assert!(matches!(outcome.status, Status::Halt(_)), "{outcome:?}");
}

/// A twin sum (`sum(n) = n + sum(n - 1)`, a return label per level) whose body holds
/// `count` branches, run only at the level calldata word 1 names: a recursive function
/// with that many branches.
fn recursive_sum(count: usize) -> Vec<u8> {
    let body = branch_text(count);
    assemble(&format!(
        "PUSH @done PUSH0 CALLDATALOAD PUSH @sum JUMP
    done: PUSH0 MSTORE PUSH 32 PUSH0 RETURN
    sum: DUP1 PUSH 0x20 CALLDATALOAD EQ ISZERO PUSH @skip JUMPI
         {body}
    skip: DUP1 ISZERO PUSH @base JUMPI
         DUP1 PUSH 1 AND PUSH @odd JUMPI
         PUSH @even_back DUP2 PUSH 1 SWAP1 SUB PUSH @sum JUMP
    odd: PUSH @odd_back DUP2 PUSH 1 SWAP1 SUB PUSH @sum JUMP
    even_back: ADD SWAP1 JUMP
    odd_back: ADD SWAP1 JUMP
    base: SWAP1 JUMP"
    ))
    .expect("assembles")
}

/// The verified module `code` compiles to, on a thread with room for long code's
/// recursion in a debug build.
fn compiled(code: Vec<u8>) -> CompiledModule {
    let compile = move || {
        let compiled = compile_code(&code, AccountAddress::ONE, "m", &Default::default());
        let bytes = compiled.expect("compiles").bytes;
        CompiledModule::deserialize(&bytes).expect("verified")
    };
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(compile)
        .expect("a thread")
        .join()
        .expect("compiles without panicking")
}

#[test]
fn a_recursive_function_split_into_parts_runs_as_revm_runs_it() {
    // 22 KB: the static form speculates (a recursion), so the module has `run_universal`
    // too; both are split into parts.
    let code = recursive_sum(1_400);
    let module = compiled(code.clone());
    assert!(module.function_defs.len() > 2, "split into parts");
    let (mut revm, mut evmove) = engines_at(SpecId::CANCUN, tier_under_test(), &[(PROGRAM, &code)]);
    // Levels 511 and deeper overflow the EVM stack: `run` fails its speculation and the
    // frame runs again on `run_universal`.
    let runs = [
        (0, 9_999),
        (3, 9_999),
        (5, 2),
        (100, 50),
        (509, 9_999),
        (510, 9_999),
    ];
    let deep = [(511, 9_999), (512, 9_999), (600, 300)];
    for (n, level) in runs.into_iter().chain(deep) {
        for gas_limit in [30_000_000, 200_000] {
            let mut tx = Tx::call(SENDER, PROGRAM, words(&[U256::from(n), U256::from(level)]));
            tx.gas_limit = gas_limit;
            let what = format!("n {n}, body at level {level}, gas {gas_limit}");
            let outcome = agree(&mut revm, &mut evmove, &tx, &what);
            let overflows = n >= 511;
            assert_eq!(
                outcome.status == Status::Success,
                !overflows,
                "{what}: {outcome:?}"
            );
        }
    }
}

#[test]
fn a_recursive_function_under_the_initcode_limit_compiles() {
    // 48 KB: its universal form was refused before it ran as one dispatch loop.
    let code = recursive_sum(3_000);
    assert!(
        code.len() <= INITCODE_LIMIT && code.len() > 47_000,
        "{}",
        code.len()
    );
    let module = compiled(code);
    assert!(module.function_defs.len() > 2, "split into parts");
}
