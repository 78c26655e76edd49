//! A frame evmove cannot run is the whole transaction's error ([`TxError::Evmove`]), never
//! an EVM failure: a nested CALL, CALLCODE, DELEGATECALL, STATICCALL, CREATE or CREATE2 into
//! code the code provider refuses stops the transaction, which gets no outcome, in the
//! sequential executor and in a block, sequential or parallel.
//!
//! The refusal comes from a test provider that refuses chosen code hashes (wrapping the
//! transpiler's on-demand compiler), so these tests hold whatever the compiler one day
//! accepts.

use std::{collections::BTreeSet, num::NonZeroUsize};

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use evmove::provider::OnDemand;
use evmove_runtime::{
    block::{evm::execute_block, BlockError, Config, Mode},
    Account, BlockEnv, CodeKind, CodeProvider, InMemoryState, ProvidedModule, ProviderError,
    Runtime, Transaction, TxError, DEFAULT_PUBLISHER,
};

/// The on-demand compiler, except for the code hashes it is told to refuse.
struct Refusing {
    inner: OnDemand,
    refused: BTreeSet<B256>,
}

impl CodeProvider for Refusing {
    fn module_for(
        &self,
        code: &[u8],
        hash: B256,
        kind: CodeKind,
    ) -> Result<ProvidedModule, ProviderError> {
        if self.refused.contains(&hash) {
            return Err(ProviderError(format!("the test refuses {hash}")));
        }
        self.inner.module_for(code, hash, kind)
    }
}

/// Runtime code that returns the word 42.
const TARGET: &[u8] = &[0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3];

/// Initcode deploying [`TARGET`] (22 bytes: a `PUSH22` carries it).
fn initcode() -> Vec<u8> {
    let mut code = vec![
        0x60, 0x0a, 0x60, 0x0c, 0x60, 0x00, 0x39, // CODECOPY(0, 12, 10)
        0x60, 0x0a, 0x60, 0x00, 0xf3, // RETURN(0, 10)
    ];
    code.extend_from_slice(TARGET);
    code
}

const SENDER: Address = Address::repeat_byte(0x5e);
const TARGET_AT: Address = Address::repeat_byte(0x7a);
const RELAY_AT: Address = Address::repeat_byte(0x7e);

/// The operations into code the test refuses.
#[derive(Clone, Copy, Debug)]
enum Op {
    Call,
    CallCode,
    DelegateCall,
    StaticCall,
    Create,
    Create2,
}

const OPS: [Op; 6] = [
    Op::Call,
    Op::CallCode,
    Op::DelegateCall,
    Op::StaticCall,
    Op::Create,
    Op::Create2,
];

impl Op {
    /// Code that writes slot 1, does the operation (into [`TARGET_AT`], or creating from
    /// [`initcode`]), and stores its result in slot 0.
    fn caller_code(self) -> Vec<u8> {
        let mut code = vec![0x60, 0x01, 0x60, 0x01, 0x55]; // SSTORE(1, 1)
        let target = |code: &mut Vec<u8>| {
            code.push(0x73);
            code.extend_from_slice(TARGET_AT.as_slice());
            code.push(0x5a); // GAS
        };
        let zeros = |code: &mut Vec<u8>, n| (0..n).for_each(|_| code.extend([0x60, 0x00]));
        match self {
            Op::Call | Op::CallCode => {
                zeros(&mut code, 5); // out, in, value
                target(&mut code);
                code.push(if let Op::Call = self { 0xf1 } else { 0xf2 });
            }
            Op::DelegateCall | Op::StaticCall => {
                zeros(&mut code, 4); // out, in
                target(&mut code);
                code.push(if let Op::DelegateCall = self {
                    0xf4
                } else {
                    0xfa
                });
            }
            Op::Create | Op::Create2 => {
                let initcode = initcode();
                code.push(0x75); // PUSH22
                code.extend_from_slice(&initcode);
                code.extend([0x60, 0x00, 0x52]); // MSTORE(0, initcode)
                if let Op::Create2 = self {
                    zeros(&mut code, 1); // salt
                }
                code.extend([0x60, 0x16, 0x60, 0x0a, 0x60, 0x00]); // size, offset, value
                code.push(if let Op::Create = self { 0xf0 } else { 0xf5 });
            }
        }
        code.extend([0x60, 0x00, 0x55, 0x00]); // SSTORE(0, result) STOP
        code
    }

    /// The hash of the code the operation runs.
    fn refused(self) -> B256 {
        match self {
            Op::Create | Op::Create2 => keccak256(initcode()),
            _ => keccak256(TARGET),
        }
    }
}

/// Where the caller of `op` is deployed.
fn caller_at(op: Op) -> Address {
    Address::with_last_byte(0xa0 + op as u8)
}

/// Code that CALLs `to` and stores the result in slot 0 (a frame between the transaction
/// and the caller).
fn relay_code(to: Address) -> Vec<u8> {
    let mut code = vec![
        0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x73,
    ];
    code.extend_from_slice(to.as_slice());
    code.extend([0x5a, 0xf1, 0x60, 0x00, 0x55, 0x00]);
    code
}

/// The sender, the target, a caller per operation and a relay to the CALL's caller.
fn state() -> InMemoryState {
    let mut state = InMemoryState::new();
    let balance = U256::from(10).pow(U256::from(20));
    state.set_account(SENDER, Account { nonce: 0, balance });
    state.set_code(TARGET_AT, Bytes::from_static(TARGET));
    for op in OPS {
        state.set_code(caller_at(op), op.caller_code().into());
    }
    state.set_code(RELAY_AT, relay_code(caller_at(Op::Call)).into());
    state
}

fn runtime(refused: impl IntoIterator<Item = B256>) -> Runtime {
    let provider = Refusing {
        inner: OnDemand::new(DEFAULT_PUBLISHER),
        refused: refused.into_iter().collect(),
    };
    Runtime::with_publisher(provider, DEFAULT_PUBLISHER).expect("the runtime starts")
}

fn tx(to: Address, nonce_hint: u8) -> Transaction {
    Transaction {
        sender: SENDER,
        to: Some(to),
        // Distinct transactions for the block (the value is never refused).
        value: U256::from(nonce_hint),
        gas_limit: 1_000_000,
        ..Transaction::default()
    }
}

/// `error` is evmove's own, naming `code_hash` and `depth`, with the provider's refusal as
/// its cause.
fn assert_refused(error: &TxError, code_hash: B256, depth: usize) {
    let TxError::Evmove {
        code_hash: hash,
        depth: at,
        cause,
    } = error
    else {
        panic!("not evmove's error: {error:?}");
    };
    assert_eq!((*hash, *at), (code_hash, depth), "{cause}");
    assert!(cause.contains("the test refuses"), "{cause}");
    let message = error.to_string();
    assert!(message.contains(&code_hash.to_string()), "{message}");
    assert!(message.contains(&format!("depth {depth}")), "{message}");
}

/// Without a refusal the same transactions have outcomes: the refusal is what stops them.
#[test]
fn the_operations_run_when_their_code_compiles() {
    let runtime = runtime([]);
    let state = state();
    for op in OPS {
        let outcome = runtime
            .execute(&state, &BlockEnv::default(), &tx(caller_at(op), 0))
            .unwrap_or_else(|error| panic!("{op:?}: {error}"));
        assert!(outcome.status == evmove_runtime::Status::Success, "{op:?}");
        assert!(!outcome.write_set.is_empty(), "{op:?}");
    }
}

#[test]
fn a_nested_frame_into_refused_code_is_the_transactions_error() {
    let refused = [keccak256(TARGET), keccak256(initcode())];
    let runtime = runtime(refused);
    let state = state();
    let before = state.clone();
    for op in OPS {
        let result = runtime.execute(&state, &BlockEnv::default(), &tx(caller_at(op), 0));
        let error = result.expect_err("refused rather than given an outcome");
        assert_refused(&error, op.refused(), 1);
    }
    // Two frames down: the depth is the refused frame's.
    let result = runtime.execute(&state, &BlockEnv::default(), &tx(RELAY_AT, 0));
    assert_refused(&result.unwrap_err(), keccak256(TARGET), 2);
    // At the top, the same.
    let result = runtime.execute(&state, &BlockEnv::default(), &tx(TARGET_AT, 0));
    assert_refused(&result.unwrap_err(), keccak256(TARGET), 0);
    assert_eq!(state, before);
}

#[test]
fn a_block_ends_with_the_error_of_the_transaction_evmove_cannot_run() {
    let refused = [keccak256(TARGET), keccak256(initcode())];
    let runtime = runtime(refused);
    let base = state();
    let block = BlockEnv::default();
    let parallel = |n| Mode::Parallel {
        threads: NonZeroUsize::new(n).unwrap(),
    };
    for op in OPS.into_iter().map(Some).chain([None]) {
        // Transfers to a plain account around the refused transaction (with its relay for
        // `None`).
        let (to, depth) = match op {
            Some(op) => (caller_at(op), 1),
            None => (RELAY_AT, 2),
        };
        let mut txns: Vec<Transaction> = (1..=6)
            .map(|i| tx(Address::with_last_byte(0xee), i))
            .collect();
        txns[3] = tx(to, 0);
        for mode in [Mode::Sequential, parallel(2), parallel(4)] {
            let result = execute_block(&runtime, &base, &block, &txns, &Config::with_mode(mode));
            let Err(BlockError::Task { txn, error }) = result else {
                panic!("{op:?} in {mode:?}: the block must fail");
            };
            assert_eq!(txn, 3, "{op:?} in {mode:?}");
            let hash = op.map_or(keccak256(TARGET), Op::refused);
            assert_refused(&error, hash, depth);
        }
    }
}
