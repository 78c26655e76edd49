//! A test file of either format, detected per test: an object with `blocks` is a blockchain
//! test ([`super::blockchain`]), any other a VMTest ([`super::vmtest`]).

use std::{collections::BTreeMap, path::Path};

use super::{
    blockchain::{is_blockchain_test, BlockchainTest},
    vmtest::{self, VmTest, VmTestError},
};

/// One test of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TestCase {
    /// A legacy VMTest: one message call.
    Vm(Box<VmTest>),
    /// A blockchain test: blocks of transactions and the state after them.
    Blockchain(Box<BlockchainTest>),
}

/// The tests of a file, by name, in name order.
pub fn load(path: &Path) -> Result<BTreeMap<String, TestCase>, VmTestError> {
    let text = std::fs::read_to_string(path).map_err(|source| VmTestError::Read {
        path: path.display().to_string(),
        source,
    })?;
    parse(&text).map_err(|message| VmTestError::Malformed {
        path: path.display().to_string(),
        message,
    })
}

/// The tests of a file's text, by name; the error says what is wrong and where.
///
/// A file of VMTests only is read in one pass, so that an error names its line; a file with
/// blockchain tests is read test by test, and an error names the test.
pub fn parse(text: &str) -> Result<BTreeMap<String, TestCase>, String> {
    let raw: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(text).map_err(|error| error.to_string())?;
    if !raw.values().any(is_blockchain_test) {
        let tests = vmtest::parse(text)?;
        return Ok(tests
            .into_iter()
            .map(|(name, test)| (name, TestCase::Vm(Box::new(test))))
            .collect());
    }
    raw.into_iter()
        .map(|(name, value)| {
            let test = if is_blockchain_test(&value) {
                serde_json::from_value(value).map(|test| TestCase::Blockchain(Box::new(test)))
            } else {
                serde_json::from_value(value).map(|test| TestCase::Vm(Box::new(test)))
            };
            test.map(|test| (name.clone(), test))
                .map_err(|error| format!("test `{name}`: {error}"))
        })
        .collect()
}
