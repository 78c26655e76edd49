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
}
