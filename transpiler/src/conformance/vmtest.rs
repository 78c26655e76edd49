//! The legacy VMTests format of the Ethereum consensus tests (`ethereum/tests` `VMTests`,
//! later `ethereum/legacytests` `Constantinople/VMTests`): a JSON object of named tests, each
//!
//! - `env`: the block (`currentCoinbase`, `currentDifficulty`, `currentGasLimit`,
//!   `currentNumber`, `currentTimestamp`);
//! - `exec`: one message call (`address`, `caller`, `origin`, `code`, `data`, `gas`,
//!   `gasPrice`, `value`);
//! - `pre`: the accounts before (`balance`, `code`, `nonce`, `storage`);
//! - and, only when the execution is expected to succeed, `post` (the accounts after),
//!   `out` (the return data), `gas` (gas left), `logs` (the Keccak-256 hash of the RLP list
//!   of the logs, each `[address, [topics...], data]`) and `callcreates`.
//!
//! Numbers are hex quantities (`0x` and any number of digits, odd included; `0x` alone is
//! zero; decimal digits without `0x` are accepted too); byte strings are `0x` and hex digits,
//! an odd count padded with a leading zero; addresses are at most 20 bytes, left-padded.
//! Fields other than those above (`_info`) are ignored. A malformed file is a
//! [`VmTestError`] naming the file and what is wrong, never a panic.

use std::{collections::BTreeMap, fmt};

use alloy_primitives::{Address, Bytes, B256, U256};
use serde::{de, Deserialize, Deserializer};

/// One VMTest.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct VmTest {
    /// The block.
    pub env: Env,
    /// The call.
    pub exec: Exec,
    /// The accounts before.
    #[serde(deserialize_with = "accounts")]
    pub pre: BTreeMap<Address, AccountState>,
    /// The accounts after; `None` when the execution must fail.
    #[serde(default, deserialize_with = "some_accounts")]
    pub post: Option<BTreeMap<Address, AccountState>>,
    /// The return data.
    #[serde(default, deserialize_with = "some_bytes")]
    pub out: Option<Bytes>,
    /// Gas left (EVM gas; counted, not judged: see [`super::check`]).
    #[serde(default, deserialize_with = "some_quantity")]
    pub gas: Option<U256>,
    /// The Keccak-256 hash of the RLP list of the logs.
    #[serde(default, deserialize_with = "some_hash")]
    pub logs: Option<B256>,
    /// The calls and creations the code made, recorded instead of executed by the old test
    /// harness.
    #[serde(default)]
    pub callcreates: Option<Vec<CallCreate>>,
}

impl VmTest {
    /// Whether the test expects the execution to succeed (it has a `post` state).
    pub fn expects_success(&self) -> bool {
        self.post.is_some()
    }
}

/// The block a test runs in.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Env {
    /// COINBASE.
    #[serde(deserialize_with = "address")]
    pub current_coinbase: Address,
    /// DIFFICULTY (PREVRANDAO since the merge: the same opcode).
    #[serde(deserialize_with = "quantity")]
    pub current_difficulty: U256,
    /// GASLIMIT.
    #[serde(deserialize_with = "quantity")]
    pub current_gas_limit: U256,
    /// NUMBER.
    #[serde(deserialize_with = "quantity")]
    pub current_number: U256,
    /// TIMESTAMP.
    #[serde(deserialize_with = "quantity")]
    pub current_timestamp: U256,
}

/// The message call a test makes.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Exec {
    /// The account whose code runs (ADDRESS).
    #[serde(deserialize_with = "address")]
    pub address: Address,
    /// CALLER.
    #[serde(deserialize_with = "address")]
    pub caller: Address,
    /// ORIGIN.
    #[serde(deserialize_with = "address")]
    pub origin: Address,
    /// The code run (also the code of `address` for the test: CODECOPY, EXTCODE*).
    #[serde(deserialize_with = "bytes")]
    pub code: Bytes,
    /// CALLDATA.
    #[serde(deserialize_with = "bytes")]
    pub data: Bytes,
    /// The gas the call may use.
    #[serde(deserialize_with = "quantity")]
    pub gas: U256,
    /// GASPRICE.
    #[serde(deserialize_with = "quantity")]
    pub gas_price: U256,
    /// CALLVALUE (not moved from the caller: VMTests run a bare frame, no transaction).
    #[serde(deserialize_with = "quantity")]
    pub value: U256,
}

/// An account as a test states it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct AccountState {
    /// Its balance.
    #[serde(deserialize_with = "quantity")]
    pub balance: U256,
    /// Its code.
    #[serde(deserialize_with = "bytes")]
    pub code: Bytes,
    /// Its nonce.
    #[serde(deserialize_with = "quantity")]
    pub nonce: U256,
    /// Its storage: every slot not listed is zero.
    #[serde(deserialize_with = "storage")]
    pub storage: BTreeMap<U256, U256>,
}

/// A call or creation the old harness recorded.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallCreate {
    /// The input.
    #[serde(deserialize_with = "bytes")]
    pub data: Bytes,
    /// The callee (empty for a creation).
    #[serde(deserialize_with = "bytes")]
    pub destination: Bytes,
    /// The gas given.
    #[serde(deserialize_with = "quantity")]
    pub gas_limit: U256,
    /// The value sent.
    #[serde(deserialize_with = "quantity")]
    pub value: U256,
}

/// A file could not be read as VMTests.
#[derive(Debug, thiserror::Error)]
pub enum VmTestError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not JSON, or not a map of VMTests or blockchain tests.
    #[error("{path}: not a VMTests or blockchain-test file: {message}")]
    Malformed {
        /// The file.
        path: String,
        /// What is wrong, with the line and column where the JSON parser saw it.
        message: String,
    },
}

/// The tests of a VMTests file's text, by name; the error says what is wrong and where.
pub fn parse(text: &str) -> Result<BTreeMap<String, VmTest>, String> {
    let tests: BTreeMap<String, VmTest> =
        serde_json::from_str(text).map_err(|error| error.to_string())?;
    if tests.is_empty() {
        return Err("it holds no test".to_string());
    }
    Ok(tests)
}

/// The digits of a hex string after its `0x`.
fn hex_digits<'s>(text: &'s str, what: &str) -> Result<&'s str, String> {
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .ok_or_else(|| format!("{what} `{}` does not start with 0x", shorten(text)))?;
    match digits.chars().find(|c| !c.is_ascii_hexdigit()) {
        Some(bad) => Err(format!(
            "{what} `{}` has a non-hex character {bad:?}",
            shorten(text)
        )),
        None => Ok(digits),
    }
}

/// A hex quantity (`0x1f`, `0x`, `0x0001`), or decimal digits.
pub fn parse_quantity(text: &str) -> Result<U256, String> {
    if !text.starts_with("0x") && !text.starts_with("0X") && !text.is_empty() {
        return U256::from_str_radix(text, 10)
            .map_err(|_| format!("quantity `{}` is neither 0x-hex nor decimal", shorten(text)));
    }
    let digits = hex_digits(text, "quantity")?.trim_start_matches('0');
    if digits.is_empty() {
        return Ok(U256::ZERO);
    }
    U256::from_str_radix(digits, 16)
        .map_err(|_| format!("quantity `{}` does not fit 256 bits", shorten(text)))
}

/// A hex byte string; an odd number of digits is padded with a leading zero.
pub fn parse_bytes(text: &str) -> Result<Bytes, String> {
    let digits = hex_digits(text, "byte string")?;
    let padded;
    let digits = if digits.len() % 2 == 1 {
        padded = format!("0{digits}");
        &padded
    } else {
        digits
    };
    alloy_primitives::hex::decode(digits)
        .map(Bytes::from)
        .map_err(|error| format!("byte string `{}`: {error}", shorten(text)))
}

/// An address: at most 20 bytes of hex, left-padded.
pub fn parse_address(text: &str) -> Result<Address, String> {
    let bytes = parse_bytes(text)?;
    if bytes.len() > Address::len_bytes() {
        return Err(format!(
            "address `{}` is longer than 20 bytes",
            shorten(text)
        ));
    }
    let mut address = Address::ZERO;
    address[Address::len_bytes() - bytes.len()..].copy_from_slice(&bytes);
    Ok(address)
}

/// A 32-byte hash, as exactly 64 hex digits.
pub fn parse_hash(text: &str) -> Result<B256, String> {
    let bytes = parse_bytes(text)?;
    B256::try_from(&bytes[..]).map_err(|_| format!("hash `{}` is not 32 bytes", shorten(text)))
}

fn shorten(text: &str) -> String {
    const MAX: usize = 80;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_string(),
    }
}

/// A deserializer of one string through `parse`.
fn with<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    parse: fn(&str) -> Result<T, String>,
) -> Result<T, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse(&text).map_err(de::Error::custom)
}

pub(super) fn quantity<'de, D: Deserializer<'de>>(deserializer: D) -> Result<U256, D::Error> {
    with(deserializer, parse_quantity)
}

pub(super) fn bytes<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Bytes, D::Error> {
    with(deserializer, parse_bytes)
}

pub(super) fn address<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Address, D::Error> {
    with(deserializer, parse_address)
}

pub(super) fn some_quantity<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<U256>, D::Error> {
    quantity(deserializer).map(Some)
}

fn some_bytes<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Bytes>, D::Error> {
    bytes(deserializer).map(Some)
}

pub(super) fn some_hash<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<B256>, D::Error> {
    with(deserializer, parse_hash).map(Some)
}

fn storage<'de, D: Deserializer<'de>>(deserializer: D) -> Result<BTreeMap<U256, U256>, D::Error> {
    let raw = BTreeMap::<String, String>::deserialize(deserializer)?;
    let mut slots = BTreeMap::new();
    for (key, value) in raw {
        let key = parse_quantity(&key)
            .map_err(|error| de::Error::custom(format!("storage key: {error}")))?;
        let value = parse_quantity(&value)
            .map_err(|error| de::Error::custom(format!("storage slot {key:#x}: {error}")))?;
        if slots.insert(key, value).is_some() {
            return Err(de::Error::custom(format!(
                "storage slot {key:#x} is given twice"
            )));
        }
    }
    Ok(slots)
}

pub(super) fn accounts<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<Address, AccountState>, D::Error> {
    let raw = BTreeMap::<String, AccountState>::deserialize(deserializer)?;
    let mut accounts = BTreeMap::new();
    for (key, account) in raw {
        let address = parse_address(&key).map_err(de::Error::custom)?;
        if accounts.insert(address, account).is_some() {
            return Err(de::Error::custom(format!(
                "account {address} is given twice"
            )));
        }
    }
    Ok(accounts)
}

pub(super) fn some_accounts<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<BTreeMap<Address, AccountState>>, D::Error> {
    accounts(deserializer).map(Some)
}

impl fmt::Display for AccountState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "balance {:#x}, nonce {}, code {} bytes, {} slots",
            self.balance,
            self.nonce,
            self.code.len(),
            self.storage.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{
        "t": {
            "_info": { "comment": "ignored" },
            "env": {
                "currentCoinbase": "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba",
                "currentDifficulty": "0x020000",
                "currentGasLimit": "0x7fffffffffffffff",
                "currentNumber": "0x1",
                "currentTimestamp": "0x03e8"
            },
            "exec": {
                "address": "0x0f572e5295c57f15886f9b263e2f6d2d6c7b5ec6",
                "caller": "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b",
                "origin": "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b",
                "code": "0x6001600055",
                "data": "0x",
                "gas": "0x0186a0",
                "gasPrice": "0x5af3107a4000",
                "value": "0x0de0b6b3a7640000"
            },
            "pre": {
                "0x0f572e5295c57f15886f9b263e2f6d2d6c7b5ec6": {
                    "balance": "0x0de0b6b3a7640000", "code": "0x6001600055",
                    "nonce": "0x00", "storage": { "0x01": "0x0abc" }
                }
            }
        }
    }"#;

    #[test]
    fn a_test_without_post_expects_failure() {
        let tests = parse(MINIMAL).unwrap();
        let test = &tests["t"];
        assert!(!test.expects_success());
        assert_eq!(test.env.current_number, U256::from(1));
        assert_eq!(test.exec.code, Bytes::from(vec![0x60, 1, 0x60, 0, 0x55]));
        assert_eq!(test.exec.data, Bytes::new());
        let account = &test.pre[&test.exec.address];
        assert_eq!(account.storage[&U256::from(1)], U256::from(0xabc));
    }

    #[test]
    fn hex_of_odd_length_and_short_addresses_are_accepted() {
        assert_eq!(parse_quantity("0x").unwrap(), U256::ZERO);
        assert_eq!(parse_quantity("0x123").unwrap(), U256::from(0x123));
        assert_eq!(parse_quantity("42").unwrap(), U256::from(42));
        assert_eq!(parse_bytes("0x123").unwrap(), Bytes::from(vec![0x01, 0x23]));
        assert_eq!(parse_address("0x1").unwrap(), Address::with_last_byte(1));
    }

    #[test]
    fn malformed_values_are_errors_naming_the_value() {
        let error = parse_bytes("0x12zz").unwrap_err();
        assert!(error.contains("non-hex character 'z'"), "{error}");
        let error = parse_quantity(&format!("0x1{}", "0".repeat(64))).unwrap_err();
        assert!(error.contains("does not fit 256 bits"), "{error}");
        let bad = MINIMAL.replace(
            "\"0x6001600055\",\n                \"data\"",
            "\"60\",\n                \"data\"",
        );
        let error = parse(&bad).unwrap_err();
        assert!(
            error.contains("does not start with 0x") && error.contains("line"),
            "{error}"
        );
        assert!(parse("[]").is_err());
        assert!(parse("{}").unwrap_err().contains("no test"));
    }
}
