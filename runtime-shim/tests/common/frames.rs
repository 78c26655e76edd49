//! The fixtures of the host tests (`tests/host_*.rs`): hand-written Move modules standing in
//! for transpiled contracts (`tests/contracts/frames.move`), each registered as the module of
//! some EVM code (real EVM code where revm runs it too), and a [`Chain`] that applies
//! transactions one after another.

use std::sync::OnceLock;

use alloy_primitives::{Address, Bytes, B256, U256};
use evmove_runtime::{
    Account, BlockEnv, InMemoryState, ModuleRegistry, ProvidedModule, Runtime, Transaction,
    TxError, TxOutcome,
};

/// The initcode `PUSH1 8 PUSH1 10 PUSH0 CODECOPY PUSH1 8 PUSH0 RETURN` + [`ANSWER`].
pub const CONSTRUCTOR: &[u8] = &[
    0x60, 0x08, 0x60, 0x0a, 0x5f, 0x39, 0x60, 0x08, 0x5f, 0xf3, //
    0x60, 0x2a, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3,
];
/// `PUSH1 42 PUSH0 MSTORE PUSH1 32 PUSH0 RETURN`: returns 42.
pub const ANSWER: &[u8] = &[0x60, 0x2a, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3];

/// The compiled test modules, by name.
pub fn modules() -> &'static [(String, Vec<u8>)] {
    static MODULES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    MODULES.get_or_init(|| {
        let source = include_str!("../contracts/frames.move");
        super::compile_move("frames", source, &[("contracts", "0x2")])
    })
}

/// EVM code that `caller` mirrors for kind 0 (CALL): sets slot 0 to 1, LOG1 (topic 1), calls
/// calldata word 0 with value word 1, stores the result in slot 1, returns the return data.
pub const CALLER: &[u8] = &[
    0x60, 0x01, 0x5f, 0x55, // SSTORE(0, 1)
    0x60, 0x01, 0x5f, 0x5f, 0xa1, // LOG1(0, 0, 1)
    0x5f, 0x5f, 0x5f, 0x5f, 0x60, 0x20, 0x35, 0x5f, 0x35, 0x5a,
    0xf1, // CALL(gas, t, v, 0, 0, 0, 0)
    0x60, 0x01, 0x55, // SSTORE(1, result)
    0x3d, 0x5f, 0x5f, 0x3e, 0x3d, 0x5f, 0xf3, // return the return data
];
/// EVM code that `reverter` mirrors: SSTORE(0, 5), LOG0, REVERT with 0xdead.
pub const REVERTER: &[u8] = &[
    0x60, 0x05, 0x5f, 0x55, 0x5f, 0x5f, 0xa0, 0x61, 0xde, 0xad, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xfd,
];
/// EVM code that `counter` mirrors: increments slot 0 and returns it.
pub const COUNTER: &[u8] = &[
    0x5f, 0x54, 0x60, 0x01, 0x01, 0x80, 0x5f, 0x55, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3,
];

/// EVM code for the copy probes: calldata `[a, b, c]`, one operation, then
/// `RETURN(0, MSIZE)`.
pub const CALLDATA_COPY: &[u8] = &[
    0x60, 0x40, 0x35, 0x60, 0x20, 0x35, 0x5f, 0x35, 0x37, 0x59, 0x5f, 0xf3,
];
pub const CODE_COPY: &[u8] = &[
    0x60, 0x40, 0x35, 0x60, 0x20, 0x35, 0x5f, 0x35, 0x39, 0x59, 0x5f, 0xf3,
];
pub const MEMORY_COPY: &[u8] = &[
    0x7f, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
    0x20, 0x5f, 0x52, // MSTORE(0, 0x0102..20)
    0x60, 0x40, 0x35, 0x60, 0x20, 0x35, 0x5f, 0x35, 0x5e, 0x59, 0x5f, 0xf3,
];
pub const STORE_BYTE: &[u8] = &[0x60, 0x20, 0x35, 0x5f, 0x35, 0x53, 0x59, 0x5f, 0xf3];

/// The EVM code a module stands for: real code for the modules mirroring real code (revm
/// runs it too), else the module's name.
pub fn code_of(name: &str) -> Bytes {
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

pub fn registry() -> ModuleRegistry {
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
pub fn address(n: u8) -> Address {
    Address::repeat_byte(n)
}

pub fn word(n: u64) -> [u8; 32] {
    U256::from(n).to_be_bytes()
}

pub fn address_word(address: Address) -> [u8; 32] {
    B256::left_padding_from(address.as_slice()).0
}

pub const SENDER: Address = Address::repeat_byte(0x5e);

/// A runtime and a state to which transactions are applied one after another.
pub struct Chain {
    pub runtime: Runtime,
    pub state: InMemoryState,
    pub block: BlockEnv,
}

impl Chain {
    pub fn new() -> Self {
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
    pub fn deploy(&mut self, at: Address, name: &str) {
        self.state.set_code(at, code_of(name));
        self.state.set_account(
            at,
            Account {
                nonce: 1,
                balance: U256::ZERO,
            },
        );
    }

    pub fn execute(
        &mut self,
        to: Option<Address>,
        value: u64,
        data: &[u8],
        gas_limit: u64,
    ) -> TxOutcome {
        (self.try_execute(to, value, data, gas_limit)).expect("the transaction executes")
    }

    /// As [`Chain::execute`], giving the error of a transaction that cannot be executed
    /// (the state is left as it was).
    pub fn try_execute(
        &mut self,
        to: Option<Address>,
        value: u64,
        data: &[u8],
        gas_limit: u64,
    ) -> Result<TxOutcome, TxError> {
        let tx = Transaction {
            sender: SENDER,
            to,
            value: U256::from(value),
            data: Bytes::copy_from_slice(data),
            gas_limit,
            ..Transaction::default()
        };
        let outcome = self.runtime.execute(&self.state, &self.block, &tx)?;
        self.state.apply(&outcome.write_set);
        Ok(outcome)
    }

    pub fn call(&mut self, to: Address, value: u64, data: &[u8]) -> TxOutcome {
        self.execute(Some(to), value, data, 10_000_000)
    }

    pub fn slot(&self, at: Address, slot: u64) -> U256 {
        self.state.slot(at, U256::from(slot))
    }

    pub fn balance(&self, at: Address) -> U256 {
        self.state.account(at).unwrap_or_default().balance
    }
}

/// Calldata for `caller`: `[target, value, kind]`.
pub fn caller_input(target: Address, value: u64, kind: u64) -> Vec<u8> {
    [address_word(target), word(value), word(kind)].concat()
}
