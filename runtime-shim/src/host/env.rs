//! What a transaction runs in: the block's environment and the transaction itself.

use std::collections::BTreeMap;

use alloy_primitives::{Address, Bytes, B256, U256};
pub use revm_precompile::primitives::hardfork::SpecId;

/// The block a transaction executes in (COINBASE, TIMESTAMP, NUMBER, ... and BLOCKHASH).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockEnv {
    /// CHAINID.
    pub chain_id: u64,
    /// NUMBER.
    pub number: u64,
    /// TIMESTAMP.
    pub timestamp: u64,
    /// COINBASE.
    pub coinbase: Address,
    /// PREVRANDAO.
    pub prevrandao: B256,
    /// GASLIMIT.
    pub gas_limit: u64,
    /// BASEFEE.
    pub basefee: U256,
    /// BLOBBASEFEE.
    pub blob_basefee: U256,
    /// BLOCKHASH: the hashes of recent blocks by number (only the 256 before `number` are
    /// visible, as in the EVM; others read as zero).
    pub block_hashes: BTreeMap<u64, B256>,
    /// The hard fork whose rules apply where evmove's behaviour depends on it (revm's
    /// `SpecId`; default [`SpecId::OSAKA`], the latest). What it selects:
    ///
    /// - SELFDESTRUCT: from Cancun on (EIP-6780), the balance moves to the beneficiary and
    ///   the account is deleted only if the same transaction created it; before Cancun the
    ///   account is always deleted at the end of the transaction (balance, nonce, code and
    ///   every storage slot), its balance burnt if it was its own beneficiary.
    /// - The precompiles present (`revm_precompile::Precompiles` of that fork).
    /// - Around a block's transactions (`exec::system`): the EIP-4788 system call from
    ///   Cancun, the EIP-2935 one from Prague, withdrawals from Shanghai.
    /// - The natives' gas (`host::gas::Schedule`: revm's tables for the fork), the accounts
    ///   warm from the start (the coinbase from Shanghai), and the creation rules of
    ///   EIP-170 (from Spurious Dragon), EIP-3541 (London) and EIP-3860 (Shanghai).
    ///
    /// Nothing else: every opcode of the latest fork is decoded and runs whatever the fork.
    pub spec: SpecId,
    /// The parent beacon block root (the header's `parentBeaconBlockRoot`, Cancun on): the
    /// data of the EIP-4788 system call before the block's transactions
    /// (`exec::system`); `None`, no call.
    pub parent_beacon_block_root: Option<B256>,
    /// The parent block's hash (the header's `parentHash`): the data of the EIP-2935
    /// system call before the block's transactions (Prague on, `exec::system`); `None`, no
    /// call.
    pub parent_hash: Option<B256>,
    /// The withdrawals credited after the block's transactions (EIP-4895, Shanghai on;
    /// `exec::system`).
    pub withdrawals: Vec<Withdrawal>,
}

/// A withdrawal from the beacon chain (EIP-4895): `amount` gwei credited to `address` after
/// the block's transactions, no code run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Withdrawal {
    /// The credited account.
    pub address: Address,
    /// The amount, in gwei.
    pub amount: u64,
}

impl Default for BlockEnv {
    fn default() -> Self {
        Self {
            chain_id: 1,
            number: 1,
            timestamp: 1,
            coinbase: Address::ZERO,
            prevrandao: B256::ZERO,
            gas_limit: 30_000_000,
            basefee: U256::ZERO,
            blob_basefee: U256::from(1),
            block_hashes: BTreeMap::new(),
            spec: SpecId::OSAKA,
            parent_beacon_block_root: None,
            parent_hash: None,
            withdrawals: Vec::new(),
        }
    }
}

/// A transaction: a call of `to`, or a creation when `to` is `None`. It carries no signature;
/// its type is what it sets: a legacy transaction pays `gas_price`, an EIP-2930 one also has
/// an access list, an EIP-1559 one a max priority fee (`gas_price` is then its max fee per
/// gas), an EIP-4844 one also a max fee per blob gas and blob hashes. Its gas and fees are
/// the EVM's (`exec::fees`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transaction {
    /// The sender (ORIGIN, and CALLER of the first frame).
    pub sender: Address,
    /// The called account; `None` for a creation (`data` is then the initcode).
    pub to: Option<Address>,
    /// Wei moved from the sender to the called or created account.
    pub value: U256,
    /// Calldata, or the initcode of a creation.
    pub data: Bytes,
    /// The gas budget of the whole transaction: intrinsic gas, then its frames.
    pub gas_limit: u64,
    /// The price per gas of a legacy or EIP-2930 transaction; the max fee per gas of an
    /// EIP-1559 or EIP-4844 one. (GASPRICE is the price paid: `Host::gas_price`.)
    pub gas_price: U256,
    /// The sender's nonce the transaction carries: it must be the state's. `None`: not
    /// checked (the transaction takes the state's).
    pub nonce: Option<u64>,
    /// EIP-1559 (and EIP-4844): the max priority fee per gas; `None` for a legacy or
    /// EIP-2930 transaction.
    pub max_priority_fee_per_gas: Option<U256>,
    /// EIP-2930: the accounts and slots warm from the start (each paid as intrinsic gas).
    pub access_list: Vec<(Address, Vec<U256>)>,
    /// EIP-4844: the max fee per blob gas; `None` for other transactions.
    pub max_fee_per_blob_gas: Option<U256>,
    /// BLOBHASH: the transaction's versioned blob hashes.
    pub blob_hashes: Vec<B256>,
}
