//! The sender of a blockchain test's transaction that gives a signature (`v`, `r`, `s`)
//! instead of a `sender`: the address whose key signed the transaction's signing hash,
//! recovered with alloy's secp256k1 recovery (`Signature::recover_address_from_prehash`).
//!
//! The signing hash is the Keccak-256 of the RLP the transaction's type signs:
//!
//! - legacy: `[nonce, gasPrice, gas, to, value, data]`, with `chainId, 0, 0` appended when
//!   `v` is 35 or more (EIP-155: `v = chainId × 2 + 35 + parity`; else `v = 27 + parity`);
//! - EIP-2930 (type 1, a `gasPrice` and `v` of 0 or 1): `0x01 ‖ rlp([chainId, nonce,
//!   gasPrice, gas, to, value, data, accessList])`;
//! - EIP-1559 (type 2, `maxFeePerGas`): `0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas,
//!   maxFeePerGas, gas, to, value, data, accessList])`;
//! - EIP-4844 (type 3, `maxFeePerBlobGas`): type 2's list followed by `maxFeePerBlobGas,
//!   blobVersionedHashes`, after `0x03`.
//!
//! A typed transaction's `v` is the parity; its `chainId` is the test's (1 if absent).
//!
//! Tested on EIP-155's own example and on signed transactions of every type from the public
//! consensus tests.

use alloy_primitives::{keccak256, Address, Bytes, Signature, B256, U256};
use alloy_rlp::{BufMut, Encodable, Header};

use super::blockchain::BlockTx;

/// The address that signed `tx`, or why it cannot be known.
pub fn recover_sender(tx: &BlockTx) -> Result<Address, String> {
    let (Some(v), Some(r), Some(s)) = (tx.v, tx.r, tx.s) else {
        return Err("has neither a sender nor a signature (v, r, s)".to_string());
    };
    let (payload, parity) = signing_payload(tx, v)?;
    Signature::new(r, s, parity)
        .recover_address_from_prehash(&keccak256(payload))
        .map_err(|error| format!("its signature recovers no sender: {error}"))
}

/// What `tx` signs, and the parity its `v` gives.
fn signing_payload(tx: &BlockTx, v: U256) -> Result<(Vec<u8>, bool), String> {
    let chain_id = tx.chain_id.unwrap_or(U256::from(1));
    let to: &dyn Encodable = match &tx.to {
        Some(to) => to,
        None => &EMPTY,
    };
    let access_list = Raw(access_list(tx));
    let typed_parity = || match v {
        v if v.is_zero() => Ok(false),
        v if v == U256::from(1) => Ok(true),
        _ => Err(format!("a typed transaction's v is {v}, not a parity")),
    };
    let mut out = Vec::new();
    if let (Some(max_fee), Some(priority)) = (tx.max_fee_per_gas, tx.max_priority_fee_per_gas) {
        let mut fields: Vec<&dyn Encodable> = vec![
            &chain_id,
            &tx.nonce,
            &priority,
            &max_fee,
            &tx.gas_limit,
            to,
            &tx.value,
            &tx.data,
            &access_list,
        ];
        let blob_hashes = Raw(list(&to_items(&tx.blob_versioned_hashes)));
        let kind = match &tx.max_fee_per_blob_gas {
            Some(max_blob_fee) => {
                fields.extend([max_blob_fee as &dyn Encodable, &blob_hashes]);
                3
            }
            None => 2,
        };
        out.put_u8(kind);
        out.extend(list(&fields));
        return Ok((out, typed_parity()?));
    }
    let price = tx.gas_price.unwrap_or_default();
    let legacy: [&dyn Encodable; 6] = [&tx.nonce, &price, &tx.gas_limit, to, &tx.value, &tx.data];
    if v <= U256::from(1) {
        out.put_u8(1);
        let mut fields = vec![&chain_id as &dyn Encodable];
        fields.extend(legacy);
        fields.push(&access_list);
        out.extend(list(&fields));
        return Ok((out, typed_parity()?));
    }
    let v: u64 = v
        .try_into()
        .map_err(|_| format!("v {v} does not fit 64 bits"))?;
    match v {
        27 | 28 => Ok((list(&legacy), v == 28)),
        35.. => {
            let chain_id = U256::from((v - 35) / 2);
            let zero = U256::ZERO;
            let mut fields = legacy.to_vec();
            fields.extend([&chain_id as &dyn Encodable, &zero, &zero]);
            Ok((list(&fields), (v - 35) % 2 == 1))
        }
        _ => Err(format!(
            "a legacy transaction's v is {v}, neither 27/28 nor EIP-155"
        )),
    }
}

/// The RLP of `tx`'s access list: `[[address, [key, ...]], ...]`.
fn access_list(tx: &BlockTx) -> Vec<u8> {
    let items: Vec<Raw> = (tx.access_list.iter())
        .map(|item| {
            let keys = Raw(list(&to_items(&item.storage_keys)));
            Raw(list(&[&item.address, &keys]))
        })
        .collect();
    list(
        &items
            .iter()
            .map(|item| item as &dyn Encodable)
            .collect::<Vec<_>>(),
    )
}

fn to_items(hashes: &[B256]) -> Vec<&dyn Encodable> {
    hashes.iter().map(|hash| hash as &dyn Encodable).collect()
}

/// The RLP list of `items`.
fn list(items: &[&dyn Encodable]) -> Vec<u8> {
    let payload_length = items.iter().map(|item| item.length()).sum();
    let mut out = Vec::new();
    Header {
        list: true,
        payload_length,
    }
    .encode(&mut out);
    for item in items {
        item.encode(&mut out);
    }
    out
}

/// The empty string: the `to` of a creation.
const EMPTY: Bytes = Bytes::new();

/// Bytes already RLP-encoded, written as they are.
struct Raw(Vec<u8>);

impl Encodable for Raw {
    fn encode(&self, out: &mut dyn BufMut) {
        out.put_slice(&self.0);
    }

    fn length(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::address;

    use super::*;

    fn legacy_tx(v: u64, r: &str, s: &str) -> BlockTx {
        serde_json::from_value(serde_json::json!({
            "data": "0x", "gasLimit": "0x5208", "gasPrice": "0x04a817c800", "nonce": "0x09",
            "to": "0x3535353535353535353535353535353535353535",
            "value": "0x0de0b6b3a7640000",
            "v": format!("{v:#x}"), "r": r, "s": s,
        }))
        .unwrap()
    }

    /// EIP-155's own example: its signing hash, signature and sender.
    const R: &str = "0x28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276";
    const S: &str = "0x67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83";

    #[test]
    fn eip_155s_example_recovers_its_sender() {
        let tx = legacy_tx(37, R, S);
        let (payload, parity) = signing_payload(&tx, U256::from(37)).unwrap();
        assert_eq!(
            keccak256(&payload).to_string(),
            "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53"
        );
        assert!(!parity);
        assert_eq!(
            recover_sender(&tx),
            Ok(address!("0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"))
        );
        // Another parity or another chain signs something else: another sender, or none.
        assert_ne!(
            recover_sender(&legacy_tx(38, R, S)),
            Ok(address!("0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"))
        );
        assert!(recover_sender(&legacy_tx(29, R, S)).is_err());
    }

    /// Signed transactions of every type from the public consensus tests (ethereum/tests
    /// 4c87ebbf02, `BlockchainTests/`), each with the `sender` its test states: the file,
    /// then the transaction as the file gives it.
    const SIGNED: [(&str, &str); 7] = [
        // Legacy, before EIP-155 (v = 28).
        (
            "ValidBlocks/bcEIP4844-blobtransactions/blockWithAllTransactionTypes.json",
            r#"{"data": "0x", "gasLimit": "0xe8d4a51000", "gasPrice": "0x03e8", "nonce": "0x00", "r": "0x9de4adda6288582a6700dbcd8eb70c0a4a7fc9487d965f7bf22424e0bd121095", "s": "0x1cdb078764cc3770d5db847e99e10333aa7c356247baaf09b03eae04d64e7926", "sender": "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b", "to": "0x100000000000000000000000000000000000000a", "v": "0x1c", "value": "0x01"}"#,
        ),
        // Legacy creation, before EIP-155 (v = 27).
        (
            "TransitionTests/bcHomesteadToDao/DaoTransactions.json",
            r#"{"data": "0x", "gasLimit": "0xea60", "gasPrice": "0x01", "nonce": "0x00", "r": "0xefe3d8abb50ce1ecf782be7616f8a44000b95dcbc112d5c147ec639d5edc5fc8", "s": "0x3fb83a05498860650c81046c04b88de12f6b08b4e0b21b98f63503eea50f2cdc", "sender": "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b", "to": "", "v": "0x1b", "value": "0x0a"}"#,
        ),
        // Legacy with EIP-155 (v = 37: chain 1), with data.
        (
            "GeneralStateTests/Pyspecs/cancun/eip1153_tstore/contract_creation.json",
            r#"{"chainId": "0x01", "data": "0x610011600081600b8239f360005c600055600160005d60005c600155", "gasLimit": "0xe8d4a51000", "gasPrice": "0x0a", "nonce": "0x00", "r": "0x125c9d24e9e60e6dc11116d24ff389f2037570c0880bbb8a4ca929035fc709c8", "s": "0x08803044e1fe051b84991d917391c051a26cd7ecb45801a5129681b6b22c65ab", "sender": "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b", "to": "0x0000000000000000000000000000000000000100", "type": "0x00", "v": "0x25", "value": "0x00"}"#,
        ),
        // EIP-2930 with an access list.
        (
            "GeneralStateTests/Pyspecs/berlin/eip2930_access_list/access_list.json",
            r#"{"accessList": [{"address": "0x0000000000000000000000000000000000000000", "storageKeys": ["0x0000000000000000000000000000000000000000000000000000000000000000"]}], "chainId": "0x01", "data": "0x", "gasLimit": "0x04ef00", "gasPrice": "0x07", "nonce": "0x00", "r": "0x2e16eb72206c93c471b5894800495ee9c64ae2d9823bcc4d6adeb5d9d9af0dd4", "s": "0x3be6691e933a0816c59d059a556c27c6753e6ce76d1e357b9201865c80b28df3", "sender": "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b", "to": "0x000000000000000000000000000000000000aaaa", "type": "0x01", "v": "0x01", "value": "0x01"}"#,
        ),
        // EIP-2930 with an empty one.
        (
            "ValidBlocks/bcEIP4844-blobtransactions/blockWithAllTransactionTypes.json",
            r#"{"accessList": [], "chainId": "0x01", "data": "0x", "gasLimit": "0xe8d4a51000", "gasPrice": "0x03e8", "nonce": "0x01", "r": "0x25090740da12684493e4fb466a3979e365b194e8cf462edf3c2c3be2f130bb2e", "s": "0x34fa18fb4c1bff4d957d72e28535d27f1352517a942aeaca0ed944085f0cd8bb", "sender": "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b", "to": "0x100000000000000000000000000000000000000a", "type": "0x01", "v": "0x00", "value": "0x03"}"#,
        ),
        // EIP-1559.
        (
            "ValidBlocks/bcEIP4844-blobtransactions/blockWithAllTransactionTypes.json",
            r#"{"accessList": [], "chainId": "0x01", "data": "0x", "gasLimit": "0xe8d4a51000", "maxFeePerGas": "0x03e8", "maxPriorityFeePerGas": "0x01", "nonce": "0x02", "r": "0x352a7be5002ce111bc5167f3addf97a75e2e0b810d826af71d2caae18aed284e", "s": "0x65d38f8a5c8948ce706842e8861fb21020b93a4d5e489162a0e6d419a457b735", "sender": "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b", "to": "0x100000000000000000000000000000000000000a", "type": "0x02", "v": "0x00", "value": "0x05"}"#,
        ),
        // EIP-4844.
        (
            "ValidBlocks/bcEIP4844-blobtransactions/blockWithAllTransactionTypes.json",
            r#"{"accessList": [], "blobVersionedHashes": ["0x01a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8"], "chainId": "0x01", "data": "0x", "gasLimit": "0xe8d4a51000", "maxFeePerBlobGas": "0x0a", "maxFeePerGas": "0x03e8", "maxPriorityFeePerGas": "0x01", "nonce": "0x03", "r": "0x638144c46d5de7a9e630c0e7c5c63ae829ecfd8cc94715d9c29fe17c464de0", "s": "0x6c5fc54c3aa868ba35ef31a4e12431611631ab7bcdceb4214dd273d83f73b5e1", "sender": "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b", "to": "0x100000000000000000000000000000000000000a", "type": "0x03", "v": "0x00", "value": "0x07"}"#,
        ),
    ];

    #[test]
    fn public_tests_signed_transactions_of_every_type_recover_their_senders() {
        for (file, json) in SIGNED {
            let mut tx: BlockTx = serde_json::from_str(json).unwrap();
            let sender = tx.sender.take().unwrap();
            assert_eq!(recover_sender(&tx), Ok(sender), "{file}: {json}");
            // The nonce is signed: another one recovers another address.
            tx.nonce += U256::from(1);
            assert_ne!(recover_sender(&tx), Ok(sender), "{file}: {json}");
        }
    }
}
