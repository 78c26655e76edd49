//! The one revm driver of the runtime's tests: accounts with EVM code in an in-memory
//! database, and [`Revm::call`], which runs a transaction and returns revm's result.

use alloy_primitives::{Address, Bytes, U256};
use revm::{
    bytecode::Bytecode,
    context::{result::ExecutionResult, Context, TxEnv},
    database::{CacheDB, EmptyDB},
    primitives::{hardfork::SpecId, TxKind},
    state::AccountInfo,
    DatabaseCommit, DatabaseRef, ExecuteEvm, MainBuilder, MainContext,
};

/// The gas limit of every transaction the driver runs.
pub const GAS_LIMIT: u64 = 10_000_000;

/// revm over an in-memory state that its transactions change.
pub struct Revm {
    db: CacheDB<EmptyDB>,
    /// The fork its transactions run under (`None`: revm's default).
    spec: Option<SpecId>,
}

impl Revm {
    /// A state where each account of `accounts` holds its EVM code (nonce 1).
    pub fn with_code(accounts: &[(Address, &[u8])]) -> Self {
        let mut revm = Self {
            db: CacheDB::new(EmptyDB::default()),
            spec: None,
        };
        for &(address, code) in accounts {
            let code = Bytecode::new_raw(Bytes::copy_from_slice(code));
            revm.db
                .insert_account_info(address, AccountInfo::from_bytecode(code));
        }
        revm
    }

    /// The same state, its transactions run under the rules (and gas) of `spec`.
    pub fn at(self, spec: SpecId) -> Self {
        Self {
            spec: Some(spec),
            ..self
        }
    }

    /// Sets `address` to hold `balance` wei, `code` (nonce 1 if it has code) and `slots`.
    pub fn set_account(
        &mut self,
        address: Address,
        balance: U256,
        code: &[u8],
        slots: &[(U256, U256)],
    ) {
        let info = match code.is_empty() {
            true => AccountInfo::default(),
            false => AccountInfo::from_bytecode(Bytecode::new_raw(Bytes::copy_from_slice(code))),
        };
        self.db
            .insert_account_info(address, AccountInfo { balance, ..info });
        for &(slot, value) in slots {
            self.db
                .insert_account_storage(address, slot, value)
                .expect("an in-memory database");
        }
    }

    /// Gives `address` (an account without code) a balance of `balance` wei.
    pub fn fund(&mut self, address: Address, balance: U256) {
        let account = AccountInfo {
            balance,
            ..AccountInfo::default()
        };
        self.db.insert_account_info(address, account);
    }

    /// Runs a call of `to` by `sender` with `value` wei and `data` (at the sender's nonce,
    /// [`GAS_LIMIT`], no gas price), keeps the state it leaves, and returns revm's result.
    pub fn call(
        &mut self,
        sender: Address,
        to: Address,
        value: U256,
        data: &[u8],
    ) -> ExecutionResult {
        self.call_with_gas_limit(sender, to, value, data, GAS_LIMIT)
    }

    /// As [`Revm::call`], with a gas limit of `gas_limit`.
    pub fn call_with_gas_limit(
        &mut self,
        sender: Address,
        to: Address,
        value: U256,
        data: &[u8],
        gas_limit: u64,
    ) -> ExecutionResult {
        self.transact(sender, TxKind::Call(to), value, data, gas_limit)
    }

    /// Runs a creation transaction of `initcode` by `sender` (as [`Revm::call`] runs a call).
    pub fn create(&mut self, sender: Address, initcode: &[u8]) -> ExecutionResult {
        self.create_with_gas_limit(sender, initcode, GAS_LIMIT)
    }

    /// [`Revm::create`] with a gas limit of `gas_limit`.
    pub fn create_with_gas_limit(
        &mut self,
        sender: Address,
        initcode: &[u8],
        gas_limit: u64,
    ) -> ExecutionResult {
        self.transact(sender, TxKind::Create, U256::ZERO, initcode, gas_limit)
    }

    fn transact(
        &mut self,
        sender: Address,
        kind: TxKind,
        value: U256,
        data: &[u8],
        gas_limit: u64,
    ) -> ExecutionResult {
        let nonce = self.db.basic_ref(sender).unwrap().unwrap_or_default().nonce;
        let tx = TxEnv::builder()
            .caller(sender)
            .kind(kind)
            .value(value)
            .data(Bytes::copy_from_slice(data))
            .gas_limit(gas_limit)
            .gas_price(0)
            .nonce(nonce)
            .build()
            .expect("a valid transaction");
        let spec = self.spec;
        let executed = Context::mainnet()
            .with_db(&mut self.db)
            .modify_cfg_chained(|cfg| {
                if let Some(spec) = spec {
                    cfg.set_spec_and_mainnet_gas_params(spec);
                }
            })
            .build_mainnet()
            .transact(tx)
            .expect("revm executes");
        self.db.commit(executed.state);
        executed.result
    }

    /// `address`'s balance.
    pub fn balance(&self, address: Address) -> U256 {
        self.db
            .basic_ref(address)
            .unwrap()
            .unwrap_or_default()
            .balance
    }

    /// A storage slot of `address`.
    pub fn slot(&self, address: Address, slot: u64) -> U256 {
        self.db.storage_ref(address, U256::from(slot)).unwrap()
    }
}

/// The output of a transaction that succeeded; anything else panics.
pub fn output(result: ExecutionResult) -> Bytes {
    match result {
        ExecutionResult::Success { output, .. } => output.into_data(),
        other => panic!("revm: {other:?}"),
    }
}
