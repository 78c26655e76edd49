//! What a block does around its transactions, as revm and the execution clients do it:
//!
//! - **before** them ([`Runtime::pre_block`]), the system calls: from Prague the EIP-2935
//!   history-storage contract is called with the parent block's hash, then from Cancun the
//!   EIP-4788 beacon-roots contract with the parent beacon block root. A system call is a
//!   call from [`SYSTEM_ADDRESS`] with [`SYSTEM_CALL_GAS_LIMIT`] gas, no value, no fee and
//!   no nonce change of the system address (revm-handler's `run_system_call`: no validation,
//!   no pre-execution, no reward); the contract's code runs transpiled, like any code. There
//!   is no call when the contract has no code (the EIPs: "fail silently"), and none in
//!   block 0. A call that reverts or halts leaves nothing (its frame rolled back), as in
//!   revm, whose result the clients do not check for these two calls.
//! - **after** them ([`withdrawals`]), from Shanghai (EIP-4895): each withdrawal credits
//!   `amount` gwei to its address; no code runs, a zero amount touches nothing.

use alloy_primitives::{address, Address, Bytes, U256};

use super::{
    outcome::{TxError, TxOutcome},
    runtime::Runtime,
};
use crate::{
    exec::frame::Executor,
    host::{
        calls::{CallInputs, Calls},
        env::{BlockEnv, SpecId, Transaction},
        outcome::{Fatal, Status},
    },
    state::{overlay::Overlay, StateError, StateKey, StateValue, StateView, WriteSet},
};

/// The caller of system calls (revm's `SYSTEM_ADDRESS`).
pub const SYSTEM_ADDRESS: Address = address!("0xfffffffffffffffffffffffffffffffffffffffe");
/// The gas of a system call (30,000,000 in EIP-4788 and EIP-2935).
pub const SYSTEM_CALL_GAS_LIMIT: u64 = 30_000_000;
/// The EIP-4788 beacon-roots contract.
pub const BEACON_ROOTS_ADDRESS: Address = address!("0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02");
/// The EIP-2935 history-storage contract.
pub const HISTORY_STORAGE_ADDRESS: Address = address!("0x0000F90827F1C53a10cb7A02335B175320002935");
/// Wei per gwei (a withdrawal's unit).
const GWEI: u64 = 1_000_000_000;

impl Runtime {
    /// The system calls before `block`'s transactions (see the module doc), over `state`:
    /// their writes together, the base the transactions run on.
    pub fn pre_block(&self, state: &dyn StateView, block: &BlockEnv) -> Result<WriteSet, TxError> {
        let mut writes = WriteSet::new();
        if block.number == 0 {
            return Ok(writes);
        }
        let calls = [
            (SpecId::PRAGUE, HISTORY_STORAGE_ADDRESS, block.parent_hash),
            (
                SpecId::CANCUN,
                BEACON_ROOTS_ADDRESS,
                block.parent_beacon_block_root,
            ),
        ];
        for (fork, contract, data) in calls {
            let Some(data) = data.filter(|_| block.spec.is_enabled_in(fork)) else {
                continue;
            };
            let view = Overlay {
                base: state,
                writes: &writes,
            };
            let data = Bytes::copy_from_slice(data.as_slice());
            if let Some(outcome) = self.system_call(&view, block, contract, data)? {
                writes.extend(outcome.write_set);
            }
        }
        Ok(writes)
    }

    /// A system call of `contract` with `data` in `block` over `state` (see the module doc):
    /// `None` if the contract has no code.
    pub fn system_call(
        &self,
        state: &dyn StateView,
        block: &BlockEnv,
        contract: Address,
        data: Bytes,
    ) -> Result<Option<TxOutcome>, TxError> {
        match state.read(&StateKey::Code(contract))? {
            Some(StateValue::Code(code)) if !code.bytes.is_empty() => {}
            _ => return Ok(None),
        }
        let tx = Transaction {
            sender: SYSTEM_ADDRESS,
            to: Some(contract),
            data,
            gas_limit: SYSTEM_CALL_GAS_LIMIT,
            ..Transaction::default()
        };
        self.with_executor(|vm, buffers, resolved| {
            let exec = Executor {
                modules: &self.modules,
                resolved,
                vm,
                counter: None,
            };
            let host = buffers.host(state, block, &tx, false);
            let inputs = CallInputs {
                caller: SYSTEM_ADDRESS,
                target: contract,
                code_address: contract,
                value: U256::ZERO,
                transfer: U256::ZERO,
                input: tx.data.clone(),
                gas_limit: tx.gas_limit,
                is_static: false,
                depth: 0,
            };
            let result = match exec.call(&host, inputs) {
                Ok(result) => result,
                Err(Fatal) => return Err(TxError::of_fatal(host.fatal.take())),
            };
            let (write_set, credits, logs) = buffers.finish(host);
            Ok(Some(TxOutcome {
                status: Status::from(&result.end),
                return_data: result.end.into_output(),
                logs,
                gas_used: tx.gas_limit - result.gas_left.min(tx.gas_limit),
                gas_refunded: 0,
                write_set,
                credits,
                created: None,
            }))
        })
    }
}

/// The withdrawals of `block` credited over `state` (the state after its transactions),
/// from Shanghai (see the module doc): the accounts' writes.
pub fn withdrawals(state: &dyn StateView, block: &BlockEnv) -> Result<WriteSet, StateError> {
    let mut writes = WriteSet::new();
    if !block.spec.is_enabled_in(SpecId::SHANGHAI) {
        return Ok(writes);
    }
    for withdrawal in block.withdrawals.iter().filter(|w| w.amount != 0) {
        let key = StateKey::Account(withdrawal.address);
        let view = Overlay {
            base: state,
            writes: &writes,
        };
        let mut account = match view.read(&key)? {
            Some(StateValue::Account(account)) => account,
            _ => Default::default(),
        };
        let wei = U256::from(withdrawal.amount) * U256::from(GWEI);
        account.balance = account.balance.saturating_add(wei);
        writes.insert(key, Some(StateValue::Account(account)));
    }
    Ok(writes)
}
