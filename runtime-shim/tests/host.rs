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

/// The fake EVM code a module stands for: its name, except the modules mirroring real code.
fn code_of(name: &str) -> Bytes {
    match name {
        "constructor" => Bytes::from_static(CONSTRUCTOR),
        "answer" => Bytes::from_static(ANSWER),
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
            "constructor" => registry.add_initcode(&code_of(name), module),
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
        Self {
            runtime: Runtime::new(registry()).expect("the runtime starts"),
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
