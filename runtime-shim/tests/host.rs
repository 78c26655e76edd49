//! The host, the journal and the call semantics, through hand-written Move modules standing
//! in for transpiled contracts (`tests/contracts/frames.move`), each registered as the
//! module of some EVM code. Where the EVM code is real (constructors, factories), revm runs
//! it too and must agree.

mod common;

use std::sync::OnceLock;

use alloy_primitives::{keccak256, Address, Bytes, Log, B256, U256};
use evmove_runtime::{
    Account, BlockEnv, HaltReason, InMemoryState, ModuleRegistry, ProvidedModule, Runtime,
    StateKey, Status, Transaction, TxOutcome,
};

/// The initcode `PUSH1 8 PUSH1 10 PUSH0 CODECOPY PUSH1 8 PUSH0 RETURN` + [`ANSWER`].
const CONSTRUCTOR: &[u8] = &[
    0x60, 0x08, 0x60, 0x0a, 0x5f, 0x39, 0x60, 0x08, 0x5f, 0xf3, //
    0x60, 0x2a, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3,
];
/// `PUSH1 42 PUSH0 MSTORE PUSH1 32 PUSH0 RETURN`: returns 42.
const ANSWER: &[u8] = &[0x60, 0x2a, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3];

/// The compiled test modules, by name.
fn modules() -> &'static [(String, Vec<u8>)] {
    static MODULES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    MODULES.get_or_init(|| {
        let source = include_str!("contracts/frames.move");
        common::compile_move("frames", source, &[("contracts", "0x2")])
    })
}

/// EVM code that `caller` mirrors for kind 0 (CALL): sets slot 0 to 1, LOG1 (topic 1), calls
/// calldata word 0 with value word 1, stores the result in slot 1, returns the return data.
const CALLER: &[u8] = &[
    0x60, 0x01, 0x5f, 0x55, // SSTORE(0, 1)
    0x60, 0x01, 0x5f, 0x5f, 0xa1, // LOG1(0, 0, 1)
    0x5f, 0x5f, 0x5f, 0x5f, 0x60, 0x20, 0x35, 0x5f, 0x35, 0x5a,
    0xf1, // CALL(gas, t, v, 0, 0, 0, 0)
    0x60, 0x01, 0x55, // SSTORE(1, result)
    0x3d, 0x5f, 0x5f, 0x3e, 0x3d, 0x5f, 0xf3, // return the return data
];
/// EVM code that `reverter` mirrors: SSTORE(0, 5), LOG0, REVERT with 0xdead.
const REVERTER: &[u8] = &[
    0x60, 0x05, 0x5f, 0x55, 0x5f, 0x5f, 0xa0, 0x61, 0xde, 0xad, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xfd,
];
/// EVM code that `counter` mirrors: increments slot 0 and returns it.
const COUNTER: &[u8] = &[
    0x5f, 0x54, 0x60, 0x01, 0x01, 0x80, 0x5f, 0x55, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3,
];

/// EVM code for the copy probes: calldata `[a, b, c]`, one operation, then
/// `RETURN(0, MSIZE)`.
const CALLDATA_COPY: &[u8] = &[
    0x60, 0x40, 0x35, 0x60, 0x20, 0x35, 0x5f, 0x35, 0x37, 0x59, 0x5f, 0xf3,
];
const CODE_COPY: &[u8] = &[
    0x60, 0x40, 0x35, 0x60, 0x20, 0x35, 0x5f, 0x35, 0x39, 0x59, 0x5f, 0xf3,
];
const MEMORY_COPY: &[u8] = &[
    0x7f, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
    0x20, 0x5f, 0x52, // MSTORE(0, 0x0102..20)
    0x60, 0x40, 0x35, 0x60, 0x20, 0x35, 0x5f, 0x35, 0x5e, 0x59, 0x5f, 0xf3,
];
const STORE_BYTE: &[u8] = &[0x60, 0x20, 0x35, 0x5f, 0x35, 0x53, 0x59, 0x5f, 0xf3];

/// The EVM code a module stands for: real code for the modules mirroring real code (revm
/// runs it too), else the module's name.
fn code_of(name: &str) -> Bytes {
    match name {
        "constructor" => Bytes::from_static(CONSTRUCTOR),
        "kamikaze_constructor" => Bytes::from_static(b"kamikaze-initcode"),
        "answer" => Bytes::from_static(ANSWER),
        "caller" => Bytes::from_static(CALLER),
        "reverter" => Bytes::from_static(REVERTER),
        "counter" => Bytes::from_static(COUNTER),
        "sink" => Bytes::from_static(&[0x00]),
        "calldata_copy" => Bytes::from_static(CALLDATA_COPY),
        "code_copy" => Bytes::from_static(CODE_COPY),
        "memory_copy" => Bytes::from_static(MEMORY_COPY),
        "store_byte" => Bytes::from_static(STORE_BYTE),
        _ => Bytes::copy_from_slice(name.as_bytes()),
    }
}

fn registry() -> ModuleRegistry {
    let mut registry = ModuleRegistry::new();
    for (name, bytes) in modules() {
        let module = ProvidedModule {
            name: name.clone(),
            bytes: bytes.clone(),
        };
        match name.as_str() {
            "constructor" | "kamikaze_constructor" => registry.add_initcode(&code_of(name), module),
            _ => registry.add_runtime(&code_of(name), module),
        }
    }
    registry
}

/// A test account (`0xnnnn..nn`: clear of the precompiles).
fn address(n: u8) -> Address {
    Address::repeat_byte(n)
}

fn word(n: u64) -> [u8; 32] {
    U256::from(n).to_be_bytes()
}

fn address_word(address: Address) -> [u8; 32] {
    B256::left_padding_from(address.as_slice()).0
}

const SENDER: Address = Address::repeat_byte(0x5e);

/// A runtime and a state to which transactions are applied one after another.
struct Chain {
    runtime: Runtime,
    state: InMemoryState,
    block: BlockEnv,
}

impl Chain {
    fn new() -> Self {
        let mut state = InMemoryState::new();
        state.set_account(
            SENDER,
            Account {
                nonce: 0,
                balance: U256::from(1_000_000),
            },
        );
        let runtime = Runtime::new(registry()).expect("the runtime starts");
        // A library the copy probes link against: published first, as dependencies must be.
        let (name, bytes) = modules()
            .iter()
            .find(|(name, _)| name == "copy_probes")
            .unwrap();
        let library = ProvidedModule {
            name: name.clone(),
            bytes: bytes.clone(),
        };
        runtime.publish(&library).expect("the library publishes");
        Self {
            runtime,
            state,
            block: BlockEnv::default(),
        }
    }

    /// Puts the code standing for module `name` at `at`.
    fn deploy(&mut self, at: Address, name: &str) {
        self.state.set_code(at, code_of(name));
        self.state.set_account(
            at,
            Account {
                nonce: 1,
                balance: U256::ZERO,
            },
        );
    }

    fn execute(
        &mut self,
        to: Option<Address>,
        value: u64,
        data: &[u8],
        gas_limit: u64,
    ) -> TxOutcome {
        let tx = Transaction {
            sender: SENDER,
            to,
            value: U256::from(value),
            data: Bytes::copy_from_slice(data),
            gas_limit,
            ..Transaction::default()
        };
        let outcome = self
            .runtime
            .execute(&self.state, &self.block, &tx)
            .expect("the transaction executes");
        self.state.apply(&outcome.write_set);
        outcome
    }

    fn call(&mut self, to: Address, value: u64, data: &[u8]) -> TxOutcome {
        self.execute(Some(to), value, data, 10_000_000)
    }

    fn slot(&self, at: Address, slot: u64) -> U256 {
        self.state.slot(at, U256::from(slot))
    }

    fn balance(&self, at: Address) -> U256 {
        self.state.account(at).unwrap_or_default().balance
    }
}

/// Calldata for `caller`: `[target, value, kind]`.
fn caller_input(target: Address, value: u64, kind: u64) -> Vec<u8> {
    [address_word(target), word(value), word(kind)].concat()
}

#[test]
fn a_counter_stores_and_returns() {
    let mut chain = Chain::new();
    let counter = address(0xc);
    chain.deploy(counter, "counter");
    let first = chain.call(counter, 0, &[]);
    assert_eq!(first.status, Status::Success);
    assert_eq!(first.return_data, Bytes::from(word(1)));
    let second = chain.call(counter, 0, &[]);
    assert_eq!(second.return_data, Bytes::from(word(2)));
    assert_eq!(chain.slot(counter, 0), U256::from(2));
    // The write set: the slot and the sender's nonce, nothing else.
    let keys: Vec<_> = second.write_set.keys().cloned().collect();
    assert_eq!(
        keys,
        [
            StateKey::Account(SENDER),
            StateKey::Slot(counter, U256::ZERO)
        ]
    );
    assert_eq!(chain.state.account(SENDER).unwrap().nonce, 2);
    // Setting a zero slot costs 20,000, changing a non-zero one 2,900 (see `exec::gas`).
    assert!(first.gas_used > 20_000, "{}", first.gas_used);
    assert!(
        (2_900..20_000).contains(&second.gas_used),
        "{}",
        second.gas_used
    );
}

#[test]
fn a_reverted_callee_leaves_the_callers_writes_and_logs() {
    let mut chain = Chain::new();
    let (a, b) = (address(0xa), address(0xb));
    chain.deploy(a, "caller");
    chain.deploy(b, "reverter");
    let outcome = chain.call(a, 0, &caller_input(b, 0, 0));
    assert_eq!(outcome.status, Status::Success);
    assert_eq!(
        outcome.return_data,
        Bytes::from(word(0xdead)),
        "revert data"
    );
    assert_eq!(chain.slot(a, 0), U256::from(1), "caller's write kept");
    assert_eq!(chain.slot(a, 1), U256::ZERO, "the call failed");
    assert_eq!(chain.slot(b, 0), U256::ZERO, "callee's write rolled back");
    // The caller's log stays, the callee's goes.
    assert_eq!(outcome.logs.len(), 1);
    assert_eq!(outcome.logs[0].address, a);
    assert_eq!(outcome.logs[0].topics(), [B256::from(word(1))]);
}

#[test]
fn a_reverting_transaction_leaves_only_the_nonce() {
    let mut chain = Chain::new();
    let b = address(0xb);
    chain.deploy(b, "reverter");
    let outcome = chain.call(b, 0, &[]);
    assert_eq!(outcome.status, Status::Revert);
    assert_eq!(outcome.return_data, Bytes::from(word(0xdead)));
    assert!(outcome.logs.is_empty());
    let keys: Vec<_> = outcome.write_set.keys().cloned().collect();
    assert_eq!(keys, [StateKey::Account(SENDER)]);
}

#[test]
fn reentrancy_sees_the_latest_writes() {
    let mut chain = Chain::new();
    let (a, b) = (address(0xa), address(0xb));
    chain.deploy(a, "reenter");
    chain.deploy(b, "bouncer");
    let outcome = chain.call(a, 0, &address_word(b));
    assert_eq!(outcome.status, Status::Success);
    assert_eq!(
        chain.slot(a, 1),
        U256::from(42),
        "the re-entered frame read slot 0"
    );
}

#[test]
fn staticcall_rejects_writes_and_allows_reads() {
    let mut chain = Chain::new();
    let (a, counter, reader) = (address(0xa), address(0xc), address(0xd));
    chain.deploy(a, "caller");
    chain.deploy(counter, "counter");
    chain.deploy(reader, "reader");
    chain.call(a, 0, &caller_input(counter, 0, 1));
    assert_eq!(
        chain.slot(a, 1),
        U256::ZERO,
        "a write in a static call fails"
    );
    assert_eq!(chain.slot(counter, 0), U256::ZERO);
    chain.call(a, 0, &caller_input(reader, 0, 1));
    assert_eq!(
        chain.slot(a, 1),
        U256::from(1),
        "a read in a static call succeeds"
    );
}

#[test]
fn delegatecall_runs_the_code_on_the_callers_storage() {
    let mut chain = Chain::new();
    let (a, counter) = (address(0xa), address(0xc));
    chain.deploy(a, "caller");
    chain.deploy(counter, "counter");
    let outcome = chain.call(a, 0, &caller_input(counter, 0, 2));
    // `caller` set its slot 0 to 1; the counter's code incremented it to 2 in place.
    assert_eq!(outcome.return_data, Bytes::from(word(2)));
    assert_eq!(chain.slot(counter, 0), U256::ZERO);
    assert_eq!(chain.slot(a, 1), U256::from(1));
}

#[test]
fn callcode_runs_the_code_on_the_callers_storage_with_value_to_itself() {
    let mut chain = Chain::new();
    let (a, counter) = (address(0xa), address(0xc));
    chain.deploy(a, "caller");
    chain.deploy(counter, "counter");
    let outcome = chain.call(a, 50, &caller_input(counter, 20, 3));
    assert_eq!(outcome.return_data, Bytes::from(word(2)));
    assert_eq!(chain.slot(counter, 0), U256::ZERO);
    assert_eq!(chain.balance(a), U256::from(50), "the value went to itself");
    assert_eq!(chain.balance(counter), U256::ZERO);
}

#[test]
fn value_moves_and_bounces() {
    let mut chain = Chain::new();
    let (a, sink, reverter) = (address(0xa), address(0xe), address(0xb));
    chain.deploy(a, "caller");
    chain.deploy(sink, "sink");
    chain.deploy(reverter, "reverter");

    chain.call(a, 100, &caller_input(sink, 10, 0));
    assert_eq!(chain.balance(a), U256::from(90));
    assert_eq!(chain.balance(sink), U256::from(10));
    assert_eq!(chain.balance(SENDER), U256::from(1_000_000 - 100));

    chain.call(a, 0, &caller_input(reverter, 10, 0));
    assert_eq!(chain.balance(a), U256::from(90), "the value bounced back");
    assert_eq!(chain.balance(reverter), U256::ZERO);

    chain.call(a, 0, &caller_input(sink, 1_000, 0));
    assert_eq!(
        chain.slot(a, 1),
        U256::ZERO,
        "more than the balance: the call fails"
    );
    assert_eq!(chain.balance(a), U256::from(90));

    let eoa = address(0xee);
    chain.call(a, 0, &caller_input(eoa, 5, 0));
    assert_eq!(chain.slot(a, 1), U256::from(1), "a call to an EOA succeeds");
    assert_eq!(chain.balance(eoa), U256::from(5));
}

#[test]
fn nested_calls_reach_depth_1024_without_a_crash() {
    let mut chain = Chain::new();
    let deep = address(0xd);
    chain.deploy(deep, "deep");
    let outcome = chain.execute(Some(deep), 0, &word(0), u64::MAX / 2);
    assert_eq!(outcome.status, Status::Success);
    assert_eq!(outcome.return_data, Bytes::from(word(1024)));
}

#[test]
fn an_infinite_loop_runs_out_of_gas() {
    let mut chain = Chain::new();
    let spin = address(0x5);
    chain.deploy(spin, "spin");
    let outcome = chain.execute(Some(spin), 0, &[], 200_000);
    assert_eq!(outcome.status, Status::Halt(HaltReason::OutOfGas));
    assert_eq!(outcome.gas_used, 200_000);
}

#[test]
fn frames_that_do_not_end_through_a_native_halt() {
    let mut chain = Chain::new();
    chain.deploy(address(1), "returns_normally");
    chain.deploy(address(2), "aborts");
    let outcome = chain.call(address(1), 0, &[]);
    assert_eq!(outcome.status, Status::Halt(HaltReason::NoEnd));
    let outcome = chain.call(address(2), 0, &[]);
    let Status::Halt(HaltReason::Aborted { code: 7, .. }) = outcome.status else {
        panic!("{:?}", outcome.status);
    };
}

#[test]
fn code_without_a_module_fails_with_a_reason() {
    let mut chain = Chain::new();
    let unknown = address(0x99);
    chain
        .state
        .set_code(unknown, Bytes::from_static(b"never transpiled"));
    let outcome = chain.call(unknown, 0, &[]);
    let Status::Halt(HaltReason::NoModule(reason)) = &outcome.status else {
        panic!("{:?}", outcome.status);
    };
    assert!(reason.contains("no module registered"), "{reason}");
    let creation = chain.execute(None, 0, b"unknown initcode", 1_000_000);
    let Status::Halt(HaltReason::NoModule(reason)) = &creation.status else {
        panic!("{:?}", creation.status);
    };
    assert!(reason.contains("Initcode"), "{reason}");
    assert_eq!(creation.created, None);
}

#[test]
fn memory_and_copies_follow_the_evm() {
    let mut chain = Chain::new();
    let probe = address(0x9);
    chain.deploy(probe, "memory_probe");
    let outcome = chain.call(probe, 0, &[0, 0, 0, 0, 0xaa, 0xbb]);
    assert_eq!(outcome.status, Status::Success);
    let words: Vec<U256> = outcome
        .return_data
        .chunks(32)
        .map(U256::from_be_slice)
        .collect();
    let mut padded = [0; 32];
    padded[..2].copy_from_slice(&[0xaa, 0xbb]);
    assert_eq!(
        words,
        [
            U256::from(64),                    // msize: byte 40 needs two words
            U256::from(0xffu64) << (8 * 23),   // mload(32): byte 40 is the 9th of the word
            U256::from_be_bytes(padded),       // calldataload(4): zero-padded
            U256::from(b"memory_probe".len()), // codesize
            keccak256(b"abc").into(),          // keccak256 of memory 29..32
            U256::from(256),                   // msize after mcopy to 200..232
            U256::from(0x616263),              // the copied word
        ]
    );
}

#[test]
fn faults_halt_the_frame() {
    let mut chain = Chain::new();
    let faults = address(0xf);
    chain.deploy(faults, "faults");
    let halt = |chain: &mut Chain, kind: u64| chain.call(faults, 0, &word(kind)).status;
    assert_eq!(
        halt(&mut chain, 0),
        Status::Halt(HaltReason::ReturnDataOutOfBounds)
    );
    assert_eq!(halt(&mut chain, 1), Status::Halt(HaltReason::OutOfGas));
    assert_eq!(halt(&mut chain, 2), Status::Halt(HaltReason::InvalidOpcode));
    assert_eq!(halt(&mut chain, 3), Status::Success);
}

#[test]
fn a_creation_transaction_runs_the_constructor_with_arguments_appended() {
    let mut chain = Chain::new();
    let initcode = [CONSTRUCTOR, &[1, 2, 3, 4, 5, 6, 7, 8]].concat();
    let outcome = chain.execute(None, 7, &initcode, 1_000_000);
    assert_eq!(outcome.status, Status::Success);
    let created = SENDER.create(0);
    assert_eq!(outcome.created, Some(created));
    assert_eq!(
        outcome.return_data,
        Bytes::from_static(ANSWER),
        "the deployed code"
    );
    assert_eq!(
        chain.state.code(created).unwrap().bytes,
        Bytes::from_static(ANSWER)
    );
    assert_eq!(chain.balance(created), U256::from(7));
    assert_eq!(chain.state.account(created).unwrap().nonce, 1);
    assert_eq!(chain.state.account(SENDER).unwrap().nonce, 1);
    let answer = chain.call(created, 0, &[]);
    assert_eq!(answer.return_data, Bytes::from(word(42)));
}

#[test]
fn the_write_set_is_keyed_by_slot_and_ordered() {
    let mut chain = Chain::new();
    let (a, sink) = (address(0xa), address(0xe));
    chain.deploy(a, "caller");
    chain.deploy(sink, "sink");
    let outcome = chain.call(a, 3, &caller_input(sink, 1, 0));
    let keys: Vec<_> = outcome.write_set.keys().cloned().collect();
    assert_eq!(
        keys,
        [
            StateKey::Account(a),
            StateKey::Account(sink),
            StateKey::Account(SENDER),
            StateKey::Slot(a, U256::ZERO),
            StateKey::Slot(a, U256::from(1)),
        ]
    );
    let _: &[Log] = &outcome.logs;
}

/// What revm says: `to`'s output when `SENDER` calls it with `data`, each account in
/// `accounts` holding its EVM code (nonce 1).
fn revm_output(accounts: &[(Address, &[u8])], to: Address, data: &[u8]) -> Bytes {
    use revm::{
        bytecode::Bytecode,
        context::{result::ExecutionResult, Context, TxEnv},
        database::{CacheDB, EmptyDB},
        primitives::TxKind,
        state::AccountInfo,
        ExecuteEvm, MainBuilder, MainContext,
    };
    let mut db = CacheDB::new(EmptyDB::default());
    for &(address, code) in accounts {
        let code = Bytecode::new_raw(Bytes::copy_from_slice(code));
        db.insert_account_info(address, AccountInfo::from_bytecode(code));
    }
    let tx = TxEnv::builder()
        .caller(SENDER)
        .kind(TxKind::Call(to))
        .data(Bytes::copy_from_slice(data))
        .gas_limit(10_000_000)
        .gas_price(0)
        .build()
        .expect("a valid transaction");
    let result = Context::mainnet()
        .with_db(&mut db)
        .build_mainnet()
        .transact(tx)
        .expect("revm executes")
        .result;
    match result {
        ExecutionResult::Success { output, .. } => output.into_data(),
        other => panic!("revm: {other:?}"),
    }
}

/// EVM factories reading `[_, salt, initcode...]` from calldata and returning the address
/// of the contract they create: with CREATE2 (salt) and with CREATE.
const CREATE2_FACTORY: &[u8] = &[
    0x60, 0x40, 0x36, 0x03, 0x80, 0x60, 0x40, 0x5f, 0x37, // copy calldata[64..] to memory
    0x60, 0x20, 0x35, 0x90, 0x5f, 0x5f, 0xf5, // CREATE2(0, 0, size, salt)
    0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3, // return the address
];
const CREATE_FACTORY: &[u8] = &[
    0x60, 0x40, 0x36, 0x03, 0x80, 0x60, 0x40, 0x5f, 0x37, // copy calldata[64..] to memory
    0x5f, 0x5f, 0xf0, // CREATE(0, 0, size)
    0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3, // return the address
];

#[test]
fn create_and_create2_addresses_match_revm() {
    let factory = address(0xfa);
    for (kind, evm_factory) in [(0, CREATE_FACTORY), (1, CREATE2_FACTORY)] {
        for salt in [0u64, 7, u64::MAX] {
            let input = [&word(kind)[..], &word(salt), CONSTRUCTOR, &[0xaa; 8]].concat();
            let mut chain = Chain::new();
            chain.deploy(factory, "factory");
            let ours = chain.call(factory, 0, &input);
            assert_eq!(ours.status, Status::Success);
            let theirs = revm_output(&[(factory, evm_factory)], factory, &input);
            assert_eq!(ours.return_data, theirs, "kind {kind}, salt {salt}");
            let created = Address::from_word(B256::from_slice(&ours.return_data));
            assert_ne!(created, Address::ZERO);
            assert_eq!(chain.state.account(factory).unwrap().nonce, 2);
            let answer = chain.call(created, 0, &[]);
            assert_eq!(answer.return_data, Bytes::from(word(42)));
        }
    }
}

#[test]
fn create2_at_a_taken_address_fails() {
    let factory = address(0xfa);
    let input = [&word(1)[..], &word(1), CONSTRUCTOR].concat();
    let mut chain = Chain::new();
    chain.deploy(factory, "factory");
    let first = chain.call(factory, 0, &input);
    assert_ne!(first.return_data, Bytes::from(word(0)));
    let second = chain.call(factory, 0, &input);
    assert_eq!(second.return_data, Bytes::from(word(0)), "collision");
}

/// Inputs for the precompiles the issue names, and a few more.
fn precompile_cases() -> Vec<(u8, Vec<u8>)> {
    let modexp = [
        &word(1)[..],
        &word(1),
        &word(1),
        &[3],
        &[5],
        &[7], // 3^5 mod 7
    ]
    .concat();
    // ecrecover of a valid signature (hash, v, r, s) and of garbage.
    let hash = keccak256(b"evmove");
    let signer = alloy_primitives::Signature::from_scalars_and_parity(
        B256::repeat_byte(0x11),
        B256::repeat_byte(0x22),
        false,
    );
    let mut ecrecover = hash.to_vec();
    ecrecover.extend(word(27 + u64::from(signer.v())));
    ecrecover.extend(signer.r().to_be_bytes::<32>());
    ecrecover.extend(signer.s().to_be_bytes::<32>());
    vec![
        (1, ecrecover),
        (1, vec![0xab; 128]),
        (2, b"abc".to_vec()),
        (2, Vec::new()),
        (3, b"abc".to_vec()),
        (4, b"identity".to_vec()),
        (5, modexp),
    ]
}

#[test]
fn precompiles_match_revm() {
    // A forwarder calls the precompile with the input and returns its output.
    const EVM_FORWARDER: &[u8] = &[
        0x60, 0x20, 0x36, 0x03, 0x60, 0x20, 0x5f, 0x37, // copy calldata[32..] to memory
        0x5f, 0x5f, 0x60, 0x20, 0x36, 0x03, 0x5f, // 0, 0, size, 0
        0x5f, 0x35, 0x5a, 0xfa, 0x50, // STATICCALL(gas, target, 0, size, 0, 0)
        0x3d, 0x5f, 0x5f, 0x3e, 0x3d, 0x5f, 0xf3, // return the return data
    ];
    let forwarder = address(0xf0);
    let mut chain = Chain::new();
    chain.deploy(forwarder, "forwarder");
    for (precompile, input) in precompile_cases() {
        let target = Address::with_last_byte(precompile);
        let calldata = [&address_word(target)[..], &input].concat();
        let ours = chain.call(forwarder, 0, &calldata);
        assert_eq!(ours.status, Status::Success, "precompile {precompile}");
        let theirs = revm_output(&[(forwarder, EVM_FORWARDER)], forwarder, &calldata);
        assert_eq!(
            ours.return_data, theirs,
            "precompile {precompile}, input {input:02x?}"
        );
    }
    // Known answers, so that agreeing on nothing cannot pass.
    let sha = chain.call(
        forwarder,
        0,
        &[&address_word(Address::with_last_byte(2))[..], b"abc"].concat(),
    );
    assert_eq!(sha.return_data, Bytes::from(sha2_abc()));
}

/// SHA-256 of "abc".
fn sha2_abc() -> [u8; 32] {
    let hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    let mut out = [0; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

#[test]
fn the_runtime_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Runtime>();
}

#[test]
fn selfdestruct_moves_the_balance_and_deletes_only_new_accounts() {
    let mut chain = Chain::new();
    let (old, heir) = (address(0x0d), address(0x4e));
    chain.deploy(old, "kamikaze");
    chain.call(old, 30, &address_word(heir));
    assert_eq!(chain.balance(heir), U256::from(30));
    assert_eq!(chain.balance(old), U256::ZERO);
    assert!(
        chain.state.code(old).is_some(),
        "not created in this transaction: kept"
    );

    // A constructor that self-destructs: the account is gone at the transaction's end.
    let outcome = chain.execute(None, 50, b"kamikaze-initcode", 1_000_000);
    assert_eq!(outcome.status, Status::Success);
    let created = SENDER.create(1);
    assert_eq!(chain.state.account(created), None);
    assert_eq!(
        chain.balance(SENDER),
        U256::from(1_000_000 - 30),
        "the 50 came back"
    );
}

#[test]
fn transient_storage_is_seen_by_nested_frames_and_dropped_after() {
    let mut chain = Chain::new();
    let t = address(0x77);
    chain.deploy(t, "transient");
    let outcome = chain.call(t, 0, &[]);
    assert_eq!(outcome.return_data, Bytes::from(word(9)));
    assert!(outcome
        .write_set
        .keys()
        .all(|key| !matches!(key, StateKey::Slot(..))));
    let again = chain.call(t, 0, &[1]);
    assert_eq!(
        again.return_data,
        Bytes::from(word(0)),
        "not kept across transactions"
    );
}

#[test]
fn the_environment_is_the_blocks_and_the_transactions() {
    let mut chain = Chain::new();
    let probe = address(0xe0);
    chain.deploy(probe, "env_probe");
    chain.block = BlockEnv {
        chain_id: 5,
        number: 100,
        timestamp: 1_700_000_000,
        coinbase: address(0xcb),
        prevrandao: B256::repeat_byte(0x42),
        gas_limit: 30_000_000,
        basefee: U256::from(7),
        blob_basefee: U256::from(3),
        block_hashes: [(7, B256::repeat_byte(0x07)), (99, B256::repeat_byte(0x99))].into(),
        ..BlockEnv::default()
    };
    let tx = Transaction {
        sender: SENDER,
        to: Some(probe),
        value: U256::from(11),
        data: Bytes::from_static(&[1, 2, 3]),
        gas_limit: 1_000_000,
        gas_price: U256::from(13),
        blob_hashes: vec![B256::repeat_byte(0xb1)],
    };
    let outcome = chain
        .runtime
        .execute(&chain.state, &chain.block, &tx)
        .unwrap();
    assert_eq!(outcome.status, Status::Success);
    let words: Vec<U256> = outcome
        .return_data
        .chunks(32)
        .map(U256::from_be_slice)
        .collect();
    let addr = |a: Address| U256::from_be_slice(a.as_slice());
    assert_eq!(
        words,
        [
            addr(probe),
            addr(SENDER),
            addr(SENDER),
            U256::from(11),
            U256::from(3),
            U256::from(b"env_probe".len()),
            U256::from(13),
            U256::ZERO,
            addr(address(0xcb)),
            U256::from(1_700_000_000u64),
            U256::from(100),
            B256::repeat_byte(0x42).into(),
            U256::from(30_000_000),
            U256::from(5),
            U256::from(11),
            U256::from(7),
            U256::from(3),
            U256::from(1_000_000 - 11), // the sender's balance, value already moved
            U256::ZERO,                 // no code at address 0
            U256::ZERO,                 // address 0 does not exist
            B256::repeat_byte(0x07).into(), // block 7 is one of the 256 before 100
            B256::repeat_byte(0xb1).into(),
            U256::ZERO,
        ]
    );
}

/// The same transactions through evmove and revm, on the same accounts: every outcome and
/// the resulting storage and balances must agree.
struct Differential {
    ours: Chain,
    revm: revm::database::CacheDB<revm::database::EmptyDB>,
    accounts: Vec<Address>,
}

impl Differential {
    /// Accounts holding the code of the modules `names` (and the funded sender).
    fn new(contracts: &[(Address, &str)]) -> Self {
        use revm::{bytecode::Bytecode, state::AccountInfo};
        let mut ours = Chain::new();
        let mut db = revm::database::CacheDB::new(revm::database::EmptyDB::default());
        let sender = AccountInfo {
            balance: U256::from(1_000_000),
            ..AccountInfo::default()
        };
        db.insert_account_info(SENDER, sender);
        for &(address, name) in contracts {
            ours.deploy(address, name);
            let code = Bytecode::new_raw(code_of(name));
            db.insert_account_info(address, AccountInfo::from_bytecode(code));
        }
        let accounts = contracts.iter().map(|&(address, _)| address).collect();
        Self {
            ours,
            revm: db,
            accounts,
        }
    }

    /// Runs the call in both and compares.
    fn call(&mut self, to: Address, value: u64, data: &[u8]) {
        use revm::{
            context::{result::ExecutionResult, Context, TxEnv},
            primitives::TxKind,
            DatabaseCommit, DatabaseRef, ExecuteEvm, MainBuilder, MainContext,
        };
        let ours = self.ours.call(to, value, data);
        let nonce = self
            .revm
            .basic_ref(SENDER)
            .unwrap()
            .unwrap_or_default()
            .nonce;
        let tx = TxEnv::builder()
            .caller(SENDER)
            .kind(TxKind::Call(to))
            .value(U256::from(value))
            .data(Bytes::copy_from_slice(data))
            .gas_limit(10_000_000)
            .gas_price(0)
            .nonce(nonce)
            .build()
            .unwrap();
        let executed = Context::mainnet()
            .with_db(&mut self.revm)
            .build_mainnet()
            .transact(tx)
            .unwrap();
        self.revm.commit(executed.state);
        let (status, output, logs) = match executed.result {
            ExecutionResult::Success { output, logs, .. } => {
                (Status::Success, output.into_data(), logs)
            }
            ExecutionResult::Revert { output, .. } => (Status::Revert, output, vec![]),
            ExecutionResult::Halt { reason, .. } => panic!("revm halted: {reason:?}"),
        };
        let what = format!("call of {to} with {value} wei and {data:02x?}");
        assert_eq!(ours.status, status, "{what}");
        assert_eq!(ours.return_data, output, "{what}");
        assert_eq!(ours.logs, logs, "{what}");
        for &account in self.accounts.iter().chain([&SENDER, &address(0xee)]) {
            let theirs = self.revm.basic_ref(account).unwrap().unwrap_or_default();
            assert_eq!(
                self.ours.balance(account),
                theirs.balance,
                "{what}: balance of {account}"
            );
            for slot in 0..3 {
                let theirs = self.revm.storage_ref(account, U256::from(slot)).unwrap();
                assert_eq!(
                    self.ours.slot(account, slot),
                    theirs,
                    "{what}: {account}[{slot}]"
                );
            }
        }
    }
}

#[test]
fn calls_reverts_and_value_agree_with_revm() {
    let (a, counter, reverter, sink) = (address(0xa), address(0xc), address(0xb), address(0xe));
    let mut both = Differential::new(&[
        (a, "caller"),
        (counter, "counter"),
        (reverter, "reverter"),
        (sink, "sink"),
    ]);
    both.call(counter, 0, &[]);
    both.call(counter, 0, &[]);
    both.call(reverter, 0, &[]);
    both.call(a, 0, &caller_input(reverter, 0, 0));
    both.call(a, 100, &caller_input(counter, 10, 0));
    both.call(a, 0, &caller_input(sink, 30, 0));
    both.call(a, 0, &caller_input(reverter, 30, 0));
    both.call(a, 0, &caller_input(sink, 1_000, 0));
    both.call(a, 0, &caller_input(address(0xee), 5, 0));
}

/// A state whose storage cannot be read: the transaction fails as a whole, with the error.
struct BrokenStorage(InMemoryState);

impl evmove_runtime::StateView for BrokenStorage {
    fn read(
        &self,
        key: &StateKey,
    ) -> Result<Option<evmove_runtime::StateValue>, evmove_runtime::StateError> {
        match key {
            StateKey::Slot(..) => Err(evmove_runtime::StateError::new("disk on fire")),
            _ => self.0.read(key),
        }
    }
}

#[test]
fn a_failed_state_read_stops_the_transaction_from_any_depth() {
    let mut chain = Chain::new();
    // The forwarder touches no storage; the counter it calls reads a slot, at depth 1.
    let (forwarder, counter) = (address(0xf0), address(0xc));
    chain.deploy(forwarder, "forwarder");
    chain.deploy(counter, "counter");
    let tx = Transaction {
        sender: SENDER,
        to: Some(forwarder),
        data: address_word(counter).to_vec().into(),
        gas_limit: 1_000_000,
        ..Transaction::default()
    };
    let state = BrokenStorage(chain.state.clone());
    let error = chain
        .runtime
        .execute(&state, &chain.block, &tx)
        .unwrap_err();
    assert!(error.to_string().contains("disk on fire"), "{error}");
}

#[test]
fn publishing_never_replaces_a_module() {
    let runtime = Runtime::new(ModuleRegistry::new()).unwrap();
    let (name, counter) = modules()
        .iter()
        .find(|(name, _)| name == "counter")
        .unwrap();
    let same = ProvidedModule {
        name: name.clone(),
        bytes: counter.clone(),
    };
    let id = runtime.publish(&same).unwrap();
    assert_eq!(
        runtime.publish(&same).unwrap(),
        id,
        "publishing again is a no-op"
    );
    let source = "module contracts::counter { public fun run() { evmove::halt::stop() } }";
    let [(_, other)] = <[_; 1]>::try_from(common::compile_move(
        "other_counter",
        source,
        &[("contracts", "0x2")],
    ))
    .unwrap();
    let other = ProvidedModule {
        name: name.clone(),
        bytes: other,
    };
    let error = runtime.publish(&other).unwrap_err();
    assert!(
        matches!(error, evmove_runtime::PublishError::Taken(_)),
        "{error}"
    );
    let misnamed = ProvidedModule {
        name: "reader".to_string(),
        bytes: counter.clone(),
    };
    let error = runtime.publish(&misnamed).unwrap_err();
    assert!(
        matches!(error, evmove_runtime::PublishError::WrongId { .. }),
        "{error}"
    );
}

#[test]
fn a_callee_that_loops_forever_uses_only_the_gas_forwarded_to_it() {
    let mut chain = Chain::new();
    let (a, spin) = (address(0xa), address(0x5));
    chain.deploy(a, "caller");
    chain.deploy(spin, "spin");
    let outcome = chain.execute(Some(a), 0, &caller_input(spin, 0, 0), 6_400_000);
    assert_eq!(
        outcome.status,
        Status::Success,
        "the caller goes on with 1/64"
    );
    assert_eq!(chain.slot(a, 1), U256::ZERO, "the call failed");
    assert_eq!(chain.slot(a, 0), U256::from(1));
    // The callee burnt all it was given: all but 1/64 of what the caller had left.
    assert!(outcome.gas_used > 6_300_000, "{}", outcome.gas_used);
    assert!(outcome.gas_used < 6_400_000, "{}", outcome.gas_used);
}

/// `to`'s outcome in revm when `SENDER` calls it with `data`: the output, or `None` if revm
/// halted (any state is fresh: each account in `accounts` holds its EVM code).
fn revm_outcome(accounts: &[(Address, &[u8])], to: Address, data: &[u8]) -> Option<Bytes> {
    use revm::{
        bytecode::Bytecode,
        context::{result::ExecutionResult, Context, TxEnv},
        database::{CacheDB, EmptyDB},
        primitives::TxKind,
        state::AccountInfo,
        ExecuteEvm, MainBuilder, MainContext,
    };
    let mut db = CacheDB::new(EmptyDB::default());
    for &(address, code) in accounts {
        let code = Bytecode::new_raw(Bytes::copy_from_slice(code));
        db.insert_account_info(address, AccountInfo::from_bytecode(code));
    }
    let tx = TxEnv::builder()
        .caller(SENDER)
        .kind(TxKind::Call(to))
        .data(Bytes::copy_from_slice(data))
        .gas_limit(10_000_000)
        .gas_price(0)
        .build()
        .expect("a valid transaction");
    let result = Context::mainnet()
        .with_db(&mut db)
        .build_mainnet()
        .transact(tx)
        .expect("revm executes")
        .result;
    match result {
        ExecutionResult::Success { output, .. } => Some(output.into_data()),
        ExecutionResult::Halt { .. } => None,
        ExecutionResult::Revert { output, .. } => panic!("revm reverted with {output}"),
    }
}

/// An offset or size: mostly small, sometimes past any data, sometimes beyond any memory.
fn operand() -> impl proptest::strategy::Strategy<Value = U256> {
    use proptest::prelude::*;
    prop_oneof![
        6 => (0u64..300).prop_map(U256::from),
        1 => (0u64..u64::MAX).prop_map(U256::from),
        1 => Just(U256::MAX),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// CALLDATACOPY, CODECOPY, MCOPY and MSTORE8 leave the memory revm leaves (size and
    /// bytes, zero padding included), or halt where revm halts.
    #[test]
    fn copies_and_memory_growth_match_revm(
        probe in proptest::sample::select(&["calldata_copy", "code_copy", "memory_copy", "store_byte"][..]),
        a in operand(),
        b in operand(),
        c in operand(),
        extra in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
    ) {
        let at = address(0x33);
        let data = [&a.to_be_bytes::<32>()[..], &b.to_be_bytes::<32>(), &c.to_be_bytes::<32>(), &extra].concat();
        let mut chain = Chain::new();
        chain.deploy(at, probe);
        let ours = chain.execute(Some(at), 0, &data, 10_000_000);
        let theirs = revm_outcome(&[(at, &code_of(probe))], at, &data);
        match theirs {
            Some(output) => {
                proptest::prop_assert_eq!(&ours.status, &Status::Success);
                proptest::prop_assert_eq!(ours.return_data, output);
            }
            None => proptest::prop_assert!(matches!(ours.status, Status::Halt(_)), "{:?}", ours.status),
        }
    }
}

#[test]
fn threads_execute_on_one_runtime_at_once() {
    let mut chain = Chain::new();
    let counter = address(0xc);
    chain.deploy(counter, "counter");
    // Publish first: publishing is not safe while other threads execute (`Runtime::resolve`).
    let code = evmove_runtime::Code::new(code_of("counter"));
    chain
        .runtime
        .resolve(&code, evmove_runtime::CodeKind::Runtime)
        .unwrap();
    let (runtime, block) = (&chain.runtime, &chain.block);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let mut state = chain.state.clone();
            scope.spawn(move || {
                for n in 1..=20u64 {
                    let tx = Transaction {
                        sender: SENDER,
                        to: Some(counter),
                        gas_limit: 1_000_000,
                        ..Transaction::default()
                    };
                    let outcome = runtime.execute(&state, block, &tx).unwrap();
                    assert_eq!(outcome.return_data, Bytes::from(word(n)));
                    state.apply(&outcome.write_set);
                }
            });
        }
    });
}
