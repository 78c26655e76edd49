//! The blockchain-test format of the Ethereum consensus tests (`ethereum/tests`
//! `BlockchainTests`, `ethereum/execution-spec-tests` `blockchain_tests`): a JSON object of
//! named tests, each
//!
//! - `pre`: the accounts before (as in [`super::vmtest`]);
//! - `blocks`: blocks applied in order, each with a `blockHeader` (`coinbase`, `number`,
//!   `timestamp`, `gasLimit`, `baseFeePerGas` or `baseFee`, `difficulty`, `mixHash`, `hash`,
//!   `parentHash`, `parentBeaconBlockRoot`, `gasUsed`, `excessBlobGas`, `stateRoot`),
//!   `transactions`
//!   (`data`, `gasLimit`, `gasPrice` or `maxFeePerGas` and `maxPriorityFeePerGas`,
//!   `maxFeePerBlobGas`, `blobVersionedHashes`, `accessList`, `nonce`, `to` (`""` for a
//!   creation), `value`, and `sender`) and
//!   `withdrawals` (`address`, `amount` in gwei); a block the chain must reject has an
//!   `expectException` instead;
//! - `postState`: the accounts after, or only their root, `postStateHash`;
//! - `network`: the fork (`Cancun`, `Shanghai`, ..., or a transition such as
//!   `ShanghaiToCancunAtTime15k`);
//! - `genesisBlockHeader` (its `hash` is BLOCKHASH of block 0, its `stateRoot` the root of
//!   `pre`).
//!
//! A transaction's signature (`v`, `r`, `s`, `chainId`) gives its sender where it has no
//! `sender` (`super::sender`). Other fields (`_info`, `rlp`, `lastblockhash`, `sealEngine`,
//! a withdrawal's `index` and `validatorIndex`, uncles) are ignored. Numbers, byte strings
//! and addresses read as in [`super::vmtest`].

use std::collections::BTreeMap;

use alloy_primitives::{Address, Bytes, B256, U256};
use serde::{de, Deserialize, Deserializer};

use super::vmtest::{self, AccountState};

/// One blockchain test.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockchainTest {
    /// The accounts before.
    #[serde(deserialize_with = "vmtest::accounts")]
    pub pre: BTreeMap<Address, AccountState>,
    /// The blocks, in order.
    pub blocks: Vec<Block>,
    /// The accounts after; `None` when the test gives only their hash.
    #[serde(default, deserialize_with = "vmtest::some_accounts")]
    pub post_state: Option<BTreeMap<Address, AccountState>>,
    /// The state root after, where the test gives it instead of `postState`.
    #[serde(default, deserialize_with = "vmtest::some_hash")]
    pub post_state_hash: Option<B256>,
    /// The fork, as the tests name it.
    pub network: String,
    /// The genesis block's header (its hash and state root are used).
    #[serde(default)]
    pub genesis_block_header: Option<BlockHeader>,
}

/// A block.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Block {
    /// The header; absent in a block the chain must reject.
    #[serde(default)]
    pub block_header: Option<BlockHeader>,
    /// The transactions, in order.
    #[serde(default)]
    pub transactions: Vec<BlockTx>,
    /// Why the chain must reject this block, if it must.
    #[serde(default)]
    pub expect_exception: Option<String>,
    /// The withdrawals credited after the transactions (Shanghai on).
    #[serde(default)]
    pub withdrawals: Vec<Withdrawal>,
}

/// A withdrawal (EIP-4895).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Withdrawal {
    /// The credited account.
    #[serde(deserialize_with = "vmtest::address")]
    pub address: Address,
    /// The amount, in gwei.
    #[serde(deserialize_with = "vmtest::quantity")]
    pub amount: U256,
}

/// What a block header says about the environment its transactions run in.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockHeader {
    /// COINBASE.
    #[serde(default, deserialize_with = "vmtest::address")]
    pub coinbase: Address,
    /// NUMBER.
    #[serde(default, deserialize_with = "vmtest::quantity")]
    pub number: U256,
    /// TIMESTAMP.
    #[serde(default, deserialize_with = "vmtest::quantity")]
    pub timestamp: U256,
    /// GASLIMIT.
    #[serde(default, deserialize_with = "vmtest::quantity")]
    pub gas_limit: U256,
    /// BASEFEE (London on).
    #[serde(default, alias = "baseFee", deserialize_with = "vmtest::some_quantity")]
    pub base_fee_per_gas: Option<U256>,
    /// DIFFICULTY (before the merge).
    #[serde(default, deserialize_with = "vmtest::quantity")]
    pub difficulty: U256,
    /// PREVRANDAO (from the merge on: the same opcode as DIFFICULTY).
    #[serde(default, deserialize_with = "vmtest::some_hash")]
    pub mix_hash: Option<B256>,
    /// The block's hash (what BLOCKHASH of its number reads later).
    #[serde(default, deserialize_with = "vmtest::some_hash")]
    pub hash: Option<B256>,
    /// The parent block's hash (the EIP-2935 system call's data, Prague on).
    #[serde(default, deserialize_with = "vmtest::some_hash")]
    pub parent_hash: Option<B256>,
    /// The parent beacon block root (the EIP-4788 system call's data, Cancun on).
    #[serde(default, deserialize_with = "vmtest::some_hash")]
    pub parent_beacon_block_root: Option<B256>,
    /// The gas the block's transactions used (a block that disagrees is rejected).
    #[serde(default, deserialize_with = "vmtest::some_quantity")]
    pub gas_used: Option<U256>,
    /// The excess blob gas (Cancun on): sets the blob base fee (EIP-4844).
    #[serde(default, deserialize_with = "vmtest::some_quantity")]
    pub excess_blob_gas: Option<U256>,
    /// The state root after the block (see `super::state_root`).
    #[serde(default, deserialize_with = "vmtest::some_hash")]
    pub state_root: Option<B256>,
}

/// A transaction of a block.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockTx {
    /// Calldata, or the initcode of a creation.
    #[serde(deserialize_with = "vmtest::bytes")]
    pub data: Bytes,
    /// The gas limit.
    #[serde(deserialize_with = "vmtest::quantity")]
    pub gas_limit: U256,
    /// GASPRICE of a legacy or access-list transaction.
    #[serde(default, deserialize_with = "vmtest::some_quantity")]
    pub gas_price: Option<U256>,
    /// The fee cap of an EIP-1559 transaction.
    #[serde(default, deserialize_with = "vmtest::some_quantity")]
    pub max_fee_per_gas: Option<U256>,
    /// The priority fee of an EIP-1559 transaction.
    #[serde(default, deserialize_with = "vmtest::some_quantity")]
    pub max_priority_fee_per_gas: Option<U256>,
    /// The sender's nonce.
    #[serde(deserialize_with = "vmtest::quantity")]
    pub nonce: U256,
    /// The called account; `None` (`""`) for a creation.
    #[serde(deserialize_with = "to")]
    pub to: Option<Address>,
    /// Wei sent.
    #[serde(deserialize_with = "vmtest::quantity")]
    pub value: U256,
    /// The sender, when the test states it.
    #[serde(default, deserialize_with = "some_address")]
    pub sender: Option<Address>,
    /// BLOBHASH.
    #[serde(default, deserialize_with = "hashes")]
    pub blob_versioned_hashes: Vec<B256>,
    /// The max fee per blob gas of an EIP-4844 transaction.
    #[serde(default, deserialize_with = "vmtest::some_quantity")]
    pub max_fee_per_blob_gas: Option<U256>,
    /// The EIP-2930 access list (EIP-2930, EIP-1559 and EIP-4844 transactions).
    #[serde(default)]
    pub access_list: Vec<AccessListItem>,
    /// The chain id a typed transaction signs.
    #[serde(default, deserialize_with = "vmtest::some_quantity")]
    pub chain_id: Option<U256>,
    /// The signature (see `super::sender`), used when there is no `sender`.
    #[serde(default, deserialize_with = "vmtest::some_quantity")]
    pub v: Option<U256>,
    /// The signature's `r`.
    #[serde(default, deserialize_with = "vmtest::some_quantity")]
    pub r: Option<U256>,
    /// The signature's `s`.
    #[serde(default, deserialize_with = "vmtest::some_quantity")]
    pub s: Option<U256>,
}

/// An account of an access list, with its slots.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessListItem {
    /// The account.
    #[serde(deserialize_with = "vmtest::address")]
    pub address: Address,
    /// Its slots.
    #[serde(deserialize_with = "hashes")]
    pub storage_keys: Vec<B256>,
}

/// Whether a test (a JSON object) is in this format rather than a VMTest.
pub fn is_blockchain_test(test: &serde_json::Value) -> bool {
    test.get("blocks").is_some()
}

fn to<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Address>, D::Error> {
    let text = String::deserialize(deserializer)?;
    if text.is_empty() || text == "0x" {
        return Ok(None);
    }
    vmtest::parse_address(&text)
        .map(Some)
        .map_err(de::Error::custom)
}

fn some_address<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Address>, D::Error> {
    vmtest::address(deserializer).map(Some)
}

fn hashes<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<B256>, D::Error> {
    let texts = Vec::<String>::deserialize(deserializer)?;
    texts
        .iter()
        .map(|text| vmtest::parse_hash(text).map_err(de::Error::custom))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{
        "_info": { "comment": "ignored" },
        "network": "Cancun",
        "pre": {
            "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b": {
                "balance": "0x3635c9adc5dea00000", "code": "0x", "nonce": "0x00", "storage": {}
            }
        },
        "blocks": [
            {
                "blockHeader": {
                    "coinbase": "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba",
                    "number": "0x01", "timestamp": "0x03e8", "gasLimit": "0x016345785d8a0000",
                    "baseFeePerGas": "0x07", "difficulty": "0x00",
                    "mixHash": "0x0000000000000000000000000000000000000000000000000000000000020000"
                },
                "transactions": [
                    {
                        "data": "0x6001600055", "gasLimit": "0x0f4240", "maxFeePerGas": "0x0a",
                        "maxPriorityFeePerGas": "0x01", "nonce": "0x00", "to": "",
                        "value": "0x00", "v": "0x01", "r": "0x02", "s": "0x03",
                        "sender": "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b"
                    }
                ]
            },
            { "rlp": "0xf9", "expectException": "TransactionException.NONCE_MISMATCH_TOO_LOW" }
        ],
        "postState": {}
    }"#;

    #[test]
    fn a_minimal_test_reads_with_creations_and_rejected_blocks() {
        let value: serde_json::Value = serde_json::from_str(MINIMAL).unwrap();
        assert!(is_blockchain_test(&value));
        let test: BlockchainTest = serde_json::from_value(value).unwrap();
        assert_eq!(test.network, "Cancun");
        let header = test.blocks[0].block_header.as_ref().unwrap();
        assert_eq!(header.number, U256::from(1));
        assert_eq!(header.base_fee_per_gas, Some(U256::from(7)));
        let tx = &test.blocks[0].transactions[0];
        assert_eq!(tx.to, None);
        assert_eq!(tx.max_priority_fee_per_gas, Some(U256::from(1)));
        assert!(test.blocks[1].expect_exception.is_some());
        assert_eq!(test.post_state, Some(BTreeMap::new()));
        assert_eq!(test.post_state_hash, None);
    }
}
