//! The state root of a set of accounts (feature `vm`), as a block header's `stateRoot` and a
//! blockchain test's `postStateHash` give it: the root of the secure Merkle-Patricia trie
//! mapping `keccak256(address)` to `rlp([nonce, balance, storageRoot, codeHash])`, where
//! `storageRoot` is the root of the account's storage trie (`keccak256(slot)` to
//! `rlp(value)`, zero slots absent). alloy-trie builds both tries.
//!
//! The accounts are those a test lists or [`super::run::accounts`] reads: every account
//! that is not empty (no balance, nonce, code or storage). An empty account is absent from
//! the trie from Spurious Dragon on (EIP-161), which is what every fork evmove runs
//! blockchain tests under gives; before it, an account touched empty stays in the trie and
//! the root computed here leaves it out.

use std::collections::BTreeMap;

use alloy_primitives::{keccak256, Address, B256};
use alloy_trie::{
    root::{state_root_unhashed, storage_root_unhashed},
    TrieAccount,
};

use super::vmtest::AccountState;

/// The root of the state trie holding `accounts`.
pub fn state_root(accounts: &BTreeMap<Address, AccountState>) -> B256 {
    state_root_unhashed(accounts.iter().map(|(address, account)| {
        let storage = (account.storage.iter())
            .filter(|(_, value)| !value.is_zero())
            .map(|(slot, value)| (B256::from(*slot), *value));
        let trie_account = TrieAccount::new(
            // A nonce beyond 64 bits is no account's: none can be stored or reached.
            account.nonce.saturating_to(),
            account.balance,
            storage_root_unhashed(storage),
            keccak256(&account.code),
        );
        (*address, trie_account)
    }))
}

/// Whether a root computed here agrees with `expected`; otherwise the line saying where
/// (`at`: "block 2", "the genesis") they differ.
pub fn compare_root(at: &str, found: B256, expected: B256) -> Option<String> {
    (found != expected)
        .then(|| format!("{at}: the state root is {found}, the test expects {expected}"))
}

#[cfg(test)]
mod tests {
    use alloy_primitives::U256;
    use serde::Deserialize;

    use super::*;
    use crate::conformance::vmtest;

    /// Accounts as a test's JSON states them.
    fn accounts(json: &str) -> BTreeMap<Address, AccountState> {
        #[derive(Deserialize)]
        struct Accounts(
            #[serde(deserialize_with = "vmtest::accounts")] BTreeMap<Address, AccountState>,
        );
        serde_json::from_str::<Accounts>(json).unwrap().0
    }

    // ethereum/tests 4c87ebbf02 (2024-10-24),
    // BlockchainTests/ValidBlocks/bcValidBlockTest/SimpleTx.json, `SimpleTx_Berlin`: the
    // genesis (one account) and block 1's state (three, no code or storage).
    #[test]
    fn simple_tx_s_roots_are_the_headers() {
        let genesis = accounts(
            r#"{ "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b": {
                "balance": "0x02540be400", "code": "0x", "nonce": "0x00", "storage": {} } }"#,
        );
        assert_eq!(
            state_root(&genesis).to_string(),
            "0xcafd881ab193703b83816c49ff6c2bf6ba6f464a1be560c42106128c8dbc35e7"
        );
        let block_1 = accounts(
            r#"{
            "0x095e7baea6a6c7c4c2dfeb977efac326af552d87": {
                "balance": "0x0a", "code": "0x", "nonce": "0x00", "storage": {} },
            "0x8888f1f195afa192cfee860698584c030f4c9db1": {
                "balance": "0x1bc16d6750086f40", "code": "0x", "nonce": "0x00", "storage": {} },
            "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b": {
                "balance": "0x0252cb74b6", "code": "0x", "nonce": "0x01", "storage": {} } }"#,
        );
        assert_eq!(
            state_root(&block_1).to_string(),
            "0x68a95fbd2eab6f9c89a0ec17ead36cc1520415634fff17cf7ce935e767a9fa14"
        );
    }

    const BEACON_ROOTS_CODE: &str = "0x3373fffffffffffffffffffffffffffffffffffffffe14604d57602\
        036146024575f5ffd5b5f35801560495762001fff810690815414603c575f5ffd5b62001fff01545f5260205f\
        f35b5f5ffd5b62001fff42064281555f359062001fff015500";

    // ethereum/tests 4c87ebbf02, BlockchainTests/ValidBlocks/bcStateTests/
    // ZeroValue_TransactionCALLwithData_OOGRevert.json, `..._Cancun`: the genesis and block
    // 1's state, with code and storage (the EIP-4788 contract).
    #[test]
    fn roots_with_code_and_storage_are_the_headers() {
        let state = |beacon_storage: &str, sender: &str, coinbase: &str| {
            accounts(&format!(
                r#"{{
                "0x000f3df6d732807ef1319fb7b8bb8522d0beac02": {{
                    "balance": "0x00", "code": "{BEACON_ROOTS_CODE}", "nonce": "0x01",
                    "storage": {beacon_storage} }},
                "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b": {sender}
                {coinbase} }}"#
            ))
        };
        let genesis = state(
            r#"{ "0x03e8": "0x03e8" }"#,
            r#"{ "balance": "0xe8d4a51000", "code": "0x", "nonce": "0x00", "storage": {} }"#,
            "",
        );
        assert_eq!(
            state_root(&genesis).to_string(),
            "0xb5b9761f384ac2a59ac3e8a2c02fd01c31ea953acd472d04ff47fc4a4c49f527"
        );
        let block_1 = state(
            r#"{ "0x03e8": "0x03e8", "0x07d0": "0x07d0" }"#,
            r#"{ "balance": "0xe8d25330c0", "code": "0x", "nonce": "0x01", "storage": {} }"#,
            r#", "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba": {
                "balance": "0x02498ed0", "code": "0x", "nonce": "0x00", "storage": {} }"#,
        );
        let root = state_root(&block_1);
        assert_eq!(
            root.to_string(),
            "0x881829c8de025f46ab6d01872fc7a818256ccdd1fd51a8746714c17c2a9f4cf4"
        );
        // A zero slot is no slot; one wei more is another root.
        let mut with_zero = block_1.clone();
        let beacon = with_zero.values_mut().next().unwrap();
        beacon.storage.insert(U256::from(7), U256::ZERO);
        assert_eq!(state_root(&with_zero), root);
        let mut richer = block_1;
        richer.values_mut().next().unwrap().balance += U256::from(1);
        assert_ne!(state_root(&richer), root);
        assert_eq!(compare_root("block 1", root, root), None);
        assert_eq!(
            compare_root("block 1", state_root(&richer), root),
            Some(format!(
                "block 1: the state root is {}, the test expects {root}",
                state_root(&richer)
            ))
        );
    }
}
