//! Blocks of corpus transactions executed by the Move runtime with Block-STM
//! (`evmove_runtime::block::evm`), against the reference: the same transactions executed one
//! after the other with `Runtime::execute`, each write set applied to an `InMemoryState`.
//! Every comparison covers each transaction's result (status, return data, logs, gas,
//! created address) and the whole state after the block.
//!
//! The transactions: ERC20 transfers of the corpus `Token` among a pool of accounts (some
//! larger than the sender's balance: they revert), plain ether payments to one shared
//! recipient (credits without a read), WrappedEther deposits (value credited to the contract)
//! and withdrawals (which read the contract's balance), calls with too little gas (they
//! halt), and token transfers carrying ether (a credit rolled back by the revert). The contention knob is the pool size, from one account to one per transaction. Every
//! transaction pays gas over the block's base fee, the coinbase getting the tip as a credit
//! (so fees make no transaction conflict with another).

use std::{collections::BTreeSet, num::NonZeroUsize, sync::OnceLock};

use alloy_dyn_abi::DynSolValue;
use alloy_primitives::{Address, U256};
use evmove::{evm::assemble, provider::OnDemand};
use evmove_native::Tier;
use evmove_runtime::{
    block::{
        evm::{execute_block, TxResult},
        BlockError, Config, Mode, Speculation,
    },
    Account, BlockEnv, InMemoryState, InvalidTx, Runtime, StateKey, StateValue, Status,
    Transaction, TxError, DEFAULT_PUBLISHER,
};
use evmove_tests::{
    corpus::{Contract, Setting},
    evmove_engine::tier_under_test,
    speculation::{calldata, effects, jumpdests, speculating, COUNTER, WRITES},
};
use proptest::{prelude::*, strategy::ValueTree};

const GAS: u64 = 10_000_000;
/// The block's base fee, and the price every transaction pays (the coinbase gets the
/// difference per gas, as a credit that makes no conflict).
const BASE_FEE: u64 = 7;
const GAS_PRICE: u64 = 10;
/// Accounts of the pool, at most.
const POOL: u8 = 16;

/// The runtime and the state before every block: Token and WrappedEther deployed, every pool
/// account holding ether, tokens and wrapped ether.
struct Fixture {
    runtime: Runtime,
    block: BlockEnv,
    base: InMemoryState,
    token: Contract,
    token_address: Address,
    weth: Contract,
    weth_address: Address,
}

fn deployer() -> Address {
    Address::left_padding_from(&[0xde, 0xad])
}

fn account(index: u8) -> Address {
    Address::left_padding_from(&[0xaa, index])
}

fn shared_recipient() -> Address {
    Address::left_padding_from(&[0xbb, 0x01])
}

fn ether(n: u64) -> U256 {
    U256::from(n) * U256::from(10).pow(U256::from(18))
}

fn coinbase() -> Address {
    Address::left_padding_from(&[0xcb])
}

/// A transaction paying [`GAS_PRICE`], to fill in.
fn paying() -> Transaction {
    Transaction {
        gas_price: U256::from(GAS_PRICE),
        ..Transaction::default()
    }
}

/// The shared fixture, its runtime in the tier under test.
fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut fixture = set_up();
        tier_under_test().install(&mut fixture.runtime);
        fixture
    })
}

/// A new fixture, set up on the interpreter.
fn set_up() -> Fixture {
    let runtime = Runtime::with_publisher(OnDemand::new(DEFAULT_PUBLISHER), DEFAULT_PUBLISHER)
        .expect("the shim library publishes");
    let block = BlockEnv {
        basefee: U256::from(BASE_FEE),
        coinbase: coinbase(),
        ..BlockEnv::default()
    };
    let mut state = InMemoryState::new();
    let token = Contract::load(Setting::LegacyOpt, "Token", "Token");
    let weth = Contract::load(Setting::ViaIrOpt, "WrappedEther", "WrappedEther");
    state.set_account(
        deployer(),
        Account {
            nonce: 0,
            balance: ether(1_000_000),
        },
    );
    let run = |state: &mut InMemoryState, tx: Transaction| {
        let outcome = runtime.execute(&*state, &block, &tx).expect("executes");
        assert_eq!(outcome.status, Status::Success, "setup {tx:?}");
        state.apply(&outcome.write_set);
        outcome.created
    };
    let deploy = |data| Transaction {
        sender: deployer(),
        data,
        gas_limit: GAS,
        ..paying()
    };
    let args = [
        DynSolValue::String("Token".into()),
        DynSolValue::String("TOK".into()),
        DynSolValue::Uint(ether(1_000_000), 256),
    ];
    let token_address = run(&mut state, deploy(token.deploy_data(&args))).unwrap();
    let weth_address = run(&mut state, deploy(weth.deploy_data(&[]))).unwrap();
    for index in 0..POOL {
        let holder = account(index);
        let call = |to, value, data| Transaction {
            sender: deployer(),
            to: Some(to),
            value,
            data,
            gas_limit: GAS,
            ..paying()
        };
        let tokens = [
            DynSolValue::Address(holder),
            DynSolValue::Uint(U256::from(1_000u64), 256),
        ];
        run(
            &mut state,
            call(
                token_address,
                U256::ZERO,
                token.calldata("transfer", &tokens),
            ),
        );
        run(&mut state, call(holder, ether(100), Default::default()));
        let deposit = Transaction {
            sender: holder,
            ..call(weth_address, ether(10), weth.calldata("deposit", &[]))
        };
        run(&mut state, deposit);
    }
    Fixture {
        runtime,
        block,
        base: state,
        token,
        token_address,
        weth,
        weth_address,
    }
}

/// One transaction of a random block.
#[derive(Clone, Debug)]
enum Txn {
    /// `amount` tokens from pool account `from` to pool account `to`.
    TokenTransfer { from: u8, to: u8, amount: u64 },
    /// `wei` from pool account `from` to the shared recipient (no code).
    Pay { from: u8, wei: u64 },
    /// Wrapped ether deposit of `wei`.
    Deposit { from: u8, wei: u64 },
    /// Wrapped ether withdrawal of `wei`.
    Withdraw { from: u8, wei: u64 },
    /// A token transfer with too little gas: it halts.
    Starved { from: u8, to: u8 },
    /// A token transfer sending `wei` to the token, which is not payable: the credit to the
    /// token is rolled back with the revert.
    PaidTransfer { from: u8, to: u8, wei: u64 },
}

impl Txn {
    fn transaction(&self, f: &Fixture) -> Transaction {
        let token_transfer = |from, to: u8, amount: u64, gas_limit| Transaction {
            sender: account(from),
            to: Some(f.token_address),
            data: f.token.calldata(
                "transfer",
                &[
                    DynSolValue::Address(account(to)),
                    DynSolValue::Uint(U256::from(amount), 256),
                ],
            ),
            gas_limit,
            ..paying()
        };
        match *self {
            Txn::TokenTransfer { from, to, amount } => token_transfer(from, to, amount, GAS),
            // The intrinsic gas (about 21,600) and a few thousand more: not enough.
            Txn::Starved { from, to } => token_transfer(from, to, 1, 30_000),
            Txn::PaidTransfer { from, to, wei } => Transaction {
                value: U256::from(wei),
                ..token_transfer(from, to, 1, GAS)
            },
            Txn::Pay { from, wei } => Transaction {
                sender: account(from),
                to: Some(shared_recipient()),
                value: U256::from(wei),
                gas_limit: GAS,
                ..paying()
            },
            Txn::Deposit { from, wei } => Transaction {
                sender: account(from),
                to: Some(f.weth_address),
                value: U256::from(wei),
                data: f.weth.calldata("deposit", &[]),
                gas_limit: GAS,
                ..paying()
            },
            Txn::Withdraw { from, wei } => Transaction {
                sender: account(from),
                to: Some(f.weth_address),
                data: f
                    .weth
                    .calldata("withdraw", &[DynSolValue::Uint(U256::from(wei), 256)]),
                gas_limit: GAS,
                ..paying()
            },
        }
    }
}

fn txn(pool: u8) -> impl Strategy<Value = Txn> {
    let who = 0..pool;
    prop_oneof![
        6 => (who.clone(), who.clone(), 0..1_500u64)
            .prop_map(|(from, to, amount)| Txn::TokenTransfer { from, to, amount }),
        2 => (who.clone(), 1..1_000u64).prop_map(|(from, wei)| Txn::Pay { from, wei }),
        2 => (who.clone(), 1..1_000u64).prop_map(|(from, wei)| Txn::Deposit { from, wei }),
        1 => (who.clone(), 0..2_000u64).prop_map(|(from, wei)| Txn::Withdraw { from, wei }),
        1 => (who.clone(), who.clone()).prop_map(|(from, to)| Txn::Starved { from, to }),
        1 => (who.clone(), who, 1..1_000u64)
            .prop_map(|(from, to, wei)| Txn::PaidTransfer { from, to, wei }),
    ]
}

fn block(max_len: usize) -> impl Strategy<Value = Vec<Txn>> {
    (1..=POOL).prop_flat_map(move |pool| prop::collection::vec(txn(pool), 1..=max_len))
}

/// The reference's result: each transaction's result, the state after the block and the
/// keys written; or the failed transaction with its error.
type Reference = Result<(Vec<TxResult>, InMemoryState, BTreeSet<StateKey>), (usize, String)>;

/// The reference: each transaction with `Runtime::execute`, its write set applied.
fn sequential(f: &Fixture, txns: &[Transaction]) -> Reference {
    let mut state = f.base.clone();
    let mut results = Vec::new();
    let mut written = BTreeSet::new();
    for (index, tx) in txns.iter().enumerate() {
        let outcome = f
            .runtime
            .execute(&state, &f.block, tx)
            .map_err(|error| (index, error.to_string()))?;
        results.push(TxResult::of(&outcome));
        written.extend(outcome.write_set.keys().cloned());
        state.apply(&outcome.write_set);
    }
    Ok((results, state, written))
}

fn config(mode: Mode, speculation: Speculation) -> Config {
    Config {
        mode,
        speculation,
        ..Config::default()
    }
}

fn threads(n: usize) -> Mode {
    Mode::Parallel {
        threads: NonZeroUsize::new(n).unwrap(),
    }
}

/// Executes `txns` as `config` says and checks the result against the reference.
fn check(f: &Fixture, txns: &[Transaction], config: &Config) {
    let expected = sequential(f, txns);
    let actual = execute_block(&f.runtime, &f.base, &f.block, txns, config);
    match (expected, actual) {
        (Ok((results, state, written)), Ok(output)) => {
            assert_eq!(output.outputs, results, "results differ ({config:?})");
            let keys: BTreeSet<StateKey> = output.writes.keys().cloned().collect();
            assert_eq!(keys, written, "written keys differ ({config:?})");
            let mut after = f.base.clone();
            after.apply(&output.writes);
            assert!(after == state, "states differ ({config:?})");
        }
        (Err((index, error)), Err(BlockError::Task { txn, error: actual })) => {
            assert_eq!(txn, index, "a different transaction failed ({config:?})");
            assert_eq!(actual.to_string(), error);
        }
        (expected, actual) => panic!(
            "sequential: {:?}; block: {:?}",
            expected.map(|_| ()),
            actual.map(|_| ())
        ),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Random blocks, from one shared account to all distinct, on 1 to 4 threads, both
    /// speculation policies: always the sequential result.
    #[test]
    fn parallel_equals_sequential(
        txns in block(40),
        workers in 1..=4usize,
        unbounded in any::<bool>(),
    ) {
        let f = fixture();
        let txns: Vec<Transaction> = txns.iter().map(|txn| txn.transaction(f)).collect();
        let speculation = if unbounded { Speculation::Unbounded } else { Speculation::Adaptive };
        check(f, &txns, &config(threads(workers), speculation));
        check(f, &txns, &config(Mode::Sequential, speculation));
    }
}

/// More threads than the machine has cores, high and low contention, unbounded speculation:
/// correctness only.
#[test]
fn stress_more_threads_than_cores() {
    let f = fixture();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for round in 0..6 {
        let pool = [1, 2, 4, 8, 16, 16][round];
        let txns = prop::collection::vec(txn(pool), 64)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let txns: Vec<Transaction> = txns.iter().map(|txn| txn.transaction(f)).collect();
        check(f, &txns, &config(threads(8), Speculation::Unbounded));
        check(f, &txns, &config(threads(6), Speculation::Adaptive));
    }
}

/// Independent transfers with a revert, a halt and a failed withdrawal in the middle: they
/// are results like any other, and the block goes on.
#[test]
fn reverting_and_halting_transactions_in_the_middle() {
    let f = fixture();
    let mut txns: Vec<Txn> = (0..8)
        .map(|i| Txn::TokenTransfer {
            from: i,
            to: i + 8,
            amount: 10,
        })
        .collect();
    txns.insert(
        3,
        Txn::TokenTransfer {
            from: 12,
            to: 13,
            amount: 1_000_000,
        },
    );
    txns.insert(5, Txn::Starved { from: 14, to: 15 });
    txns.insert(
        6,
        Txn::Withdraw {
            from: 15,
            wei: u64::MAX,
        },
    );
    let txns: Vec<Transaction> = txns.iter().map(|txn| txn.transaction(f)).collect();
    let (results, _, _) = sequential(f, &txns).unwrap();
    assert_eq!(results[3].status, Status::Revert);
    assert!(matches!(results[5].status, Status::Halt(_)));
    assert_eq!(results[6].status, Status::Revert);
    for workers in [1, 2, 3] {
        check(f, &txns, &config(threads(workers), Speculation::Unbounded));
    }
}

/// A transaction that cannot be executed (its sender cannot pay the value) in the middle:
/// the block's result is its error, in every mode.
#[test]
fn a_failing_transaction_ends_the_block() {
    let f = fixture();
    let mut txns: Vec<Transaction> = (0..10)
        .map(|i| {
            Txn::TokenTransfer {
                from: i,
                to: i + 1,
                amount: 5,
            }
            .transaction(f)
        })
        .collect();
    txns[4].value = ether(1_000_000_000);
    assert!(matches!(
        sequential(f, &txns),
        Err((4, error)) if error.contains("the transaction may cost")
    ));
    for mode in [Mode::Sequential, threads(2), threads(4)] {
        check(f, &txns, &config(mode, Speculation::Unbounded));
        let Err(BlockError::Task { txn: 4, error }) = execute_block(
            &f.runtime,
            &f.base,
            &f.block,
            &txns,
            &Config::with_mode(mode),
        ) else {
            panic!("the block must fail at transaction 4");
        };
        assert!(matches!(
            error,
            TxError::Invalid(InvalidTx::InsufficientBalance { .. })
        ));
    }
}

/// Payments from distinct senders to one recipient, each tipping the coinbase, are credits:
/// on two threads, no transaction executes twice.
#[test]
fn payments_to_a_shared_recipient_do_not_conflict() {
    let f = fixture();
    let txns: Vec<Transaction> = (0..POOL)
        .map(|from| {
            Txn::Pay {
                from,
                wei: 1 + from as u64,
            }
            .transaction(f)
        })
        .collect();
    check(f, &txns, &config(threads(2), Speculation::Unbounded));
    let output = execute_block(
        &f.runtime,
        &f.base,
        &f.block,
        &txns,
        &Config::with_mode(threads(2)),
    )
    .unwrap();
    let executions: u32 = output.stats.iter().map(|stats| stats.executions).sum();
    assert_eq!(executions, txns.len() as u32, "{:?}", output.stats);
    // The coinbase got every transaction's tip (over what the setup paid it).
    let gas: u64 = output.outputs.iter().map(|result| result.gas_used).sum();
    let before = f.base.account(coinbase()).unwrap_or_default().balance;
    let balance = before + U256::from(gas * (GAS_PRICE - BASE_FEE));
    let coinbase = output.writes.get(&StateKey::Account(coinbase()));
    let expected = StateValue::Account(Account { nonce: 0, balance });
    assert_eq!(coinbase, Some(&Some(expected)));
}

/// A block that deploys a contract and calls it: the creation's module is published before
/// the block, the deployed code's module while the block runs (on demand, from whichever
/// worker first calls it).
#[test]
fn a_block_deploys_and_calls_a_new_contract() {
    let f = fixture();
    let creator = account(0);
    let nonce = f.base.account(creator).unwrap().nonce;
    let created = creator.create(nonce);
    let args = [
        DynSolValue::String("Fresh".into()),
        DynSolValue::String("NEW".into()),
        DynSolValue::Uint(U256::from(1_000u64), 256),
    ];
    // A setting not used by the fixture, so its runtime module is not published yet.
    let fresh = Contract::load(Setting::Legacy, "Token", "Token");
    let mut txns = vec![Transaction {
        sender: creator,
        data: fresh.deploy_data(&args),
        gas_limit: GAS,
        ..paying()
    }];
    for to in 1..6 {
        txns.push(Transaction {
            sender: creator,
            to: Some(created),
            data: fresh.calldata(
                "transfer",
                &[
                    DynSolValue::Address(account(to)),
                    DynSolValue::Uint(U256::from(7u64), 256),
                ],
            ),
            gas_limit: GAS,
            ..paying()
        });
        txns.push(
            Txn::TokenTransfer {
                from: to,
                to: 0,
                amount: 1,
            }
            .transaction(f),
        );
    }
    let (results, _, _) = sequential(f, &txns).unwrap();
    assert_eq!(results[0].created, Some(created));
    assert!(results
        .iter()
        .all(|result| result.status == Status::Success));
    check(f, &txns, &config(threads(3), Speculation::Unbounded));
}

/// With the native tier, Block-STM's workers share its compilations: each module a parallel
/// block runs (Token's and WrappedEther's runtime code) is compiled once, whichever worker
/// reaches it first, and the block still equals the sequential one.
#[test]
fn a_parallel_block_compiles_each_module_once() {
    let mut f = set_up();
    let native = Tier::Native
        .install(&mut f.runtime)
        .expect("the native tier");
    let txns: Vec<Transaction> = (0..32u8)
        .map(|i| match i % 2 {
            0 => Txn::TokenTransfer {
                from: i % POOL,
                to: (i + 1) % POOL,
                amount: 3,
            },
            _ => Txn::Deposit {
                from: i % POOL,
                wei: 5,
            },
        })
        .map(|txn| txn.transaction(&f))
        .collect();
    let parallel = config(threads(2), Speculation::Unbounded);
    execute_block(&f.runtime, &f.base, &f.block, &txns, &parallel).expect("the block runs");
    let stats = native.stats();
    assert_eq!((stats.modules, stats.native_modules), (2, 2), "{stats:?}");
    assert_eq!(stats.compilations, 2, "a module compiled twice: {stats:?}");
    assert!(stats.native_frames >= txns.len() as u64, "{stats:?}");
    check(&f, &txns, &parallel);
}

/// Transactions whose speculation fails (`evmove_tests::speculation`: after writing storage,
/// transient storage and memory, logging and calling a shared counter with value, each frame
/// runs again in universal form) among token transfers in a pool of two accounts and
/// deposits: the speculating transactions conflict with each other (their contract's slot 5,
/// the counter's slot 0) and the transfers with each other. In both tiers, on one to three
/// threads, the block is the sequential one; the pads return their index (only the
/// universal form reaches them), and in the native tier the reruns ran as machine code.
#[test]
fn speculating_transactions_among_conflicting_transfers() {
    for tier in [Tier::Interpreter, Tier::Native] {
        let mut f = set_up();
        let native = tier.install(&mut f.runtime);
        let counter = Address::left_padding_from(&[0xc0, 0x01]);
        let warmed = Address::left_padding_from(&[0xd1]);
        let mut code_at = |address: Address, code: Vec<u8>| {
            let account = Account {
                nonce: 1,
                balance: ether(1),
            };
            f.base.set_account(address, account);
            f.base.set_code(address, code.into());
        };
        code_at(counter, assemble(COUNTER).unwrap());
        let speculators: Vec<(Address, Vec<U256>)> = (WRITES.iter().zip(0u8..))
            .map(|(&write, i)| {
                let code = speculating(&effects(counter, warmed), write);
                let pads = jumpdests(&code);
                let address = Address::left_padding_from(&[0x5c, i]);
                code_at(address, code);
                (address, pads)
            })
            .collect();
        // Targets: the label the static path assumed, then each pad (index 1 to 3).
        let pad_of = |i: usize| i % 4;
        let txns: Vec<Transaction> = (0..24usize)
            .map(|i| match i % 3 {
                0 => {
                    let (to, pads) = &speculators[(i / 3) % speculators.len()];
                    Transaction {
                        sender: account((i % 4) as u8),
                        to: Some(*to),
                        data: calldata(pads[pad_of(i / 3)]).into(),
                        gas_limit: GAS,
                        ..paying()
                    }
                }
                1 => Txn::TokenTransfer {
                    from: (i % 2) as u8,
                    to: ((i + 1) % 2) as u8,
                    amount: 3,
                }
                .transaction(&f),
                _ => Txn::Deposit {
                    from: (i % 2) as u8,
                    wei: 5,
                }
                .transaction(&f),
            })
            .collect();
        let (results, _, _) = sequential(&f, &txns).unwrap();
        for (i, result) in results.iter().enumerate().step_by(3) {
            let returned = match pad_of(i / 3) {
                0 => 0xf0,
                pad => pad as u8 - 1,
            };
            assert_eq!(result.status, Status::Success, "{tier:?} {i}");
            assert_eq!(result.return_data[31], returned, "{tier:?} {i}");
        }
        for workers in [1, 2, 3] {
            for speculation in [Speculation::Unbounded, Speculation::Adaptive] {
                check(&f, &txns, &config(threads(workers), speculation));
            }
        }
        if let Some(native) = native {
            let stats = native.stats();
            assert!(stats.universal_frames > 0, "{stats:?}");
            assert_eq!(stats.interpreted_frames, 0, "{stats:?}");
        }
    }
}
