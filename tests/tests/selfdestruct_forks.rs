//! SELFDESTRUCT under the fork setting (`BlockEnv::spec`): before Cancun the account is
//! deleted at the end of the transaction (balance, nonce, code, every slot; the balance burnt
//! if it is its own beneficiary), from Cancun on (EIP-6780) only an account created in the
//! same transaction is. Each case runs in revm with the same `SpecId` and in evmove (code
//! transpiled on demand), and the accounts must end up the same.

use alloy_primitives::{Address, Bytes, U256};
use evmove_runtime::{Account, SpecId, StateKey, StateValue};
use evmove_tests::{
    engine::Engine, evmove_engine::EvmoveEngine, outcome::Tx, revm_oracle::RevmOracle,
};

const SENDER: Address = Address::repeat_byte(0x5e);
const FRIEND: Address = Address::repeat_byte(0xf0);
const NOBODY: Address = Address::repeat_byte(0xee);
/// `SELFDESTRUCT(calldata word 0)`, holding slots 1 and 2.
const KAMIKAZE: Address = Address::repeat_byte(0xaa);
/// Calls [`KAMIKAZE`] twice, records what it sees, and reverts if calldata word 0 is set.
const CALLER: Address = Address::repeat_byte(0xcc);

fn push_address(code: &mut Vec<u8>, address: Address) {
    code.push(0x73); // PUSH20
    code.extend_from_slice(address.as_slice());
}

/// `PUSH1 0 CALLDATALOAD SELFDESTRUCT`.
fn kamikaze() -> Bytes {
    Bytes::from_static(&[0x60, 0x00, 0x35, 0xff])
}

/// Calls KAMIKAZE (beneficiary itself) twice, then stores the two call results, KAMIKAZE's
/// balance and code size in slots 0..=3; reverts if calldata word 0 is not zero.
fn caller() -> Bytes {
    let mut code = Vec::new();
    push_address(&mut code, KAMIKAZE);
    code.extend_from_slice(&[0x60, 0x00, 0x52]); // MSTORE(0, KAMIKAZE)
    for slot in [0u8, 1] {
        // CALL(gas, KAMIKAZE, 0, 0, 32, 0, 0)
        code.extend_from_slice(&[0x60, 0x00, 0x60, 0x00, 0x60, 0x20, 0x60, 0x00, 0x60, 0x00]);
        push_address(&mut code, KAMIKAZE);
        code.extend_from_slice(&[0x5a, 0xf1, 0x60, slot, 0x55]);
    }
    push_address(&mut code, KAMIKAZE);
    code.extend_from_slice(&[0x31, 0x60, 0x02, 0x55]); // SSTORE(2, BALANCE)
    push_address(&mut code, KAMIKAZE);
    code.extend_from_slice(&[0x3b, 0x60, 0x03, 0x55]); // SSTORE(3, EXTCODESIZE)
    let revert_at = code.len() + 7;
    // JUMPI(revert, CALLDATALOAD(0)) STOP JUMPDEST REVERT(0, 0)
    code.extend_from_slice(&[0x60, 0x00, 0x35, 0x60, revert_at as u8, 0x57, 0x00]);
    code.extend_from_slice(&[0x5b, 0x60, 0x00, 0x80, 0xfd]);
    Bytes::from(code)
}

/// Both engines under `spec`, with the same accounts.
fn engines(spec: SpecId) -> (RevmOracle, EvmoveEngine) {
    let mut revm = RevmOracle::with_spec(spec);
    let mut evmove = EvmoveEngine::with_spec(spec);
    let accounts = [
        (SENDER, 1_000_000u64, 0u64, Bytes::new()),
        (FRIEND, 7, 0, Bytes::new()),
        (KAMIKAZE, 1_000, 1, kamikaze()),
        (CALLER, 0, 1, caller()),
    ];
    for (address, balance, nonce, code) in accounts {
        revm.set_account(address, U256::from(balance), nonce, code.clone());
        let state = evmove.state_mut();
        state.set_account(
            address,
            Account {
                nonce,
                balance: U256::from(balance),
            },
        );
        if !code.is_empty() {
            state.set_code(address, code);
        }
    }
    for (slot, value) in [(1u64, 10u64), (2, 20)] {
        revm.set_storage(KAMIKAZE, U256::from(slot), U256::from(value));
        evmove
            .state_mut()
            .set_slot(KAMIKAZE, U256::from(slot), U256::from(value));
    }
    (revm, evmove)
}

/// What one account holds: balance, nonce, code, non-zero storage.
type Held = (U256, u64, Bytes, Vec<(U256, U256)>);

fn held_in_revm(revm: &mut RevmOracle, address: Address) -> Held {
    (
        revm.balance(address),
        revm.nonce(address),
        revm.code(address),
        revm.storage_of(address).into_iter().collect(),
    )
}

fn held_in_evmove(evmove: &mut EvmoveEngine, address: Address) -> Held {
    let state = evmove.state_mut();
    let account = state.account(address).unwrap_or_default();
    let code = state.code(address).map(|code| code.bytes.clone());
    let storage = state
        .iter()
        .filter_map(|(key, value)| match (key, value) {
            (StateKey::Slot(owner, slot), StateValue::Slot(v)) if *owner == address => {
                Some((*slot, *v))
            }
            _ => None,
        })
        .collect();
    (
        account.balance,
        account.nonce,
        code.unwrap_or_default(),
        storage,
    )
}

/// Runs `tx` on both engines under `spec` and compares every account involved.
fn run_both(spec: SpecId, tx: Tx) -> Held {
    let (mut revm, mut evmove) = engines(spec);
    let expected = revm.execute(&tx).expect("revm executes it");
    let found = evmove.execute(&tx).expect("evmove executes it");
    assert_eq!(found.status, expected.status, "{spec:?}: status");
    for address in [SENDER, FRIEND, NOBODY, KAMIKAZE, CALLER] {
        assert_eq!(
            held_in_evmove(&mut evmove, address),
            held_in_revm(&mut revm, address),
            "{spec:?}: account {address}"
        );
    }
    held_in_evmove(&mut evmove, KAMIKAZE)
}

fn to(beneficiary: Address) -> Tx {
    Tx::call(
        SENDER,
        KAMIKAZE,
        Bytes::copy_from_slice(&beneficiary.into_word().0),
    )
}

const FORKS: [SpecId; 3] = [SpecId::PETERSBURG, SpecId::SHANGHAI, SpecId::CANCUN];

#[test]
fn selfdestruct_to_another_account_deletes_it_only_before_cancun() {
    for spec in FORKS {
        let (_, nonce, code, storage) = run_both(spec, to(FRIEND));
        let deleted = !spec.is_enabled_in(SpecId::CANCUN);
        assert_eq!(code.is_empty() && storage.is_empty() && nonce == 0, deleted);
    }
}

#[test]
fn selfdestruct_to_itself_burns_the_balance_only_before_cancun() {
    for spec in FORKS {
        let (balance, ..) = run_both(spec, to(KAMIKAZE));
        let burnt = !spec.is_enabled_in(SpecId::CANCUN);
        assert_eq!(balance.is_zero(), burnt, "{spec:?}");
    }
}

#[test]
fn selfdestruct_to_a_new_account_creates_it() {
    for spec in FORKS {
        run_both(spec, to(NOBODY));
    }
}

#[test]
fn a_destroyed_account_runs_until_the_transaction_ends_and_a_revert_keeps_it() {
    for spec in FORKS {
        // Two calls: the second still runs the code, BALANCE reads zero before Cancun.
        run_both(spec, Tx::call(SENDER, CALLER, Bytes::new()));
        // The caller reverts: nothing is deleted.
        let (_, _, code, storage) = run_both(
            spec,
            Tx::call(SENDER, CALLER, Bytes::from(U256::from(1).to_be_bytes_vec())),
        );
        assert!(!code.is_empty() && storage.len() == 2, "{spec:?}");
    }
}
