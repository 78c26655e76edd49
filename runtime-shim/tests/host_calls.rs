//! Message calls through hand-written modules (`common::frames`): rollback of a failed
//! callee, reentrancy, STATICCALL, DELEGATECALL, CALLCODE, value, depth, gas forwarding,
//! precompiles; where the EVM code is real, revm runs it too and must agree.

mod common;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use common::{
    frames::{address, address_word, caller_input, code_of, word, Chain, SENDER},
    revm_driver::{output, Revm},
};
use evmove_runtime::{SpecId, Status};
use revm::context::result::ExecutionResult;

#[test]
fn a_reverted_callee_leaves_the_callers_writes_and_logs() {
    let mut chain = Chain::new();
    let (a, b) = (address(0xa), address(0xb));
    chain.deploy(a, "caller");
    chain.deploy(b, "reverter");
    let outcome = chain.call(a, 0, &caller_input(b, 0, 0));
    assert_eq!(outcome.status, Status::Success);
    assert_eq!(
        outcome.return_data,
        Bytes::from(word(0xdead)),
        "revert data"
    );
    assert_eq!(chain.slot(a, 0), U256::from(1), "caller's write kept");
    assert_eq!(chain.slot(a, 1), U256::ZERO, "the call failed");
    assert_eq!(chain.slot(b, 0), U256::ZERO, "callee's write rolled back");
    // The caller's log stays, the callee's goes.
    assert_eq!(outcome.logs.len(), 1);
    assert_eq!(outcome.logs[0].address, a);
    assert_eq!(outcome.logs[0].topics(), [B256::from(word(1))]);
}

#[test]
fn reentrancy_sees_the_latest_writes() {
    let mut chain = Chain::new();
    let (a, b) = (address(0xa), address(0xb));
    chain.deploy(a, "reenter");
    chain.deploy(b, "bouncer");
    let outcome = chain.call(a, 0, &address_word(b));
    assert_eq!(outcome.status, Status::Success);
    assert_eq!(
        chain.slot(a, 1),
        U256::from(42),
        "the re-entered frame read slot 0"
    );
}

#[test]
fn staticcall_rejects_writes_and_allows_reads() {
    let mut chain = Chain::new();
    let (a, counter, reader) = (address(0xa), address(0xc), address(0xd));
    chain.deploy(a, "caller");
    chain.deploy(counter, "counter");
    chain.deploy(reader, "reader");
    chain.call(a, 0, &caller_input(counter, 0, 1));
    assert_eq!(
        chain.slot(a, 1),
        U256::ZERO,
        "a write in a static call fails"
    );
    assert_eq!(chain.slot(counter, 0), U256::ZERO);
    chain.call(a, 0, &caller_input(reader, 0, 1));
    assert_eq!(
        chain.slot(a, 1),
        U256::from(1),
        "a read in a static call succeeds"
    );
}

#[test]
fn delegatecall_runs_the_code_on_the_callers_storage() {
    let mut chain = Chain::new();
    let (a, counter) = (address(0xa), address(0xc));
    chain.deploy(a, "caller");
    chain.deploy(counter, "counter");
    let outcome = chain.call(a, 0, &caller_input(counter, 0, 2));
    // `caller` set its slot 0 to 1; the counter's code incremented it to 2 in place.
    assert_eq!(outcome.return_data, Bytes::from(word(2)));
    assert_eq!(chain.slot(counter, 0), U256::ZERO);
    assert_eq!(chain.slot(a, 1), U256::from(1));
}

#[test]
fn callcode_runs_the_code_on_the_callers_storage_with_value_to_itself() {
    let mut chain = Chain::new();
    let (a, counter) = (address(0xa), address(0xc));
    chain.deploy(a, "caller");
    chain.deploy(counter, "counter");
    let outcome = chain.call(a, 50, &caller_input(counter, 20, 3));
    assert_eq!(outcome.return_data, Bytes::from(word(2)));
    assert_eq!(chain.slot(counter, 0), U256::ZERO);
    assert_eq!(chain.balance(a), U256::from(50), "the value went to itself");
    assert_eq!(chain.balance(counter), U256::ZERO);
}

#[test]
fn value_moves_and_bounces() {
    let mut chain = Chain::new();
    let (a, sink, reverter) = (address(0xa), address(0xe), address(0xb));
    chain.deploy(a, "caller");
    chain.deploy(sink, "sink");
    chain.deploy(reverter, "reverter");

    chain.call(a, 100, &caller_input(sink, 10, 0));
    assert_eq!(chain.balance(a), U256::from(90));
    assert_eq!(chain.balance(sink), U256::from(10));
    assert_eq!(chain.balance(SENDER), U256::from(1_000_000 - 100));

    chain.call(a, 0, &caller_input(reverter, 10, 0));
    assert_eq!(chain.balance(a), U256::from(90), "the value bounced back");
    assert_eq!(chain.balance(reverter), U256::ZERO);

    chain.call(a, 0, &caller_input(sink, 1_000, 0));
    assert_eq!(
        chain.slot(a, 1),
        U256::ZERO,
        "more than the balance: the call fails"
    );
    assert_eq!(chain.balance(a), U256::from(90));

    let eoa = address(0xee);
    chain.call(a, 0, &caller_input(eoa, 5, 0));
    assert_eq!(chain.slot(a, 1), U256::from(1), "a call to an EOA succeeds");
    assert_eq!(chain.balance(eoa), U256::from(5));
}

#[test]
fn nested_calls_reach_depth_1024_without_a_crash() {
    let mut chain = Chain::new();
    let deep = address(0xd);
    chain.deploy(deep, "deep");
    // Depth 1024 takes more gas than EIP-7825 lets a transaction have (each call keeps a
    // 64th): before Osaka, in a block without a gas limit to speak of.
    chain.block.spec = SpecId::PRAGUE;
    chain.block.gas_limit = u64::MAX;
    let outcome = chain.execute(Some(deep), 0, &word(0), u64::MAX / 2);
    assert_eq!(outcome.status, Status::Success);
    assert_eq!(outcome.return_data, Bytes::from(word(1024)));
}

#[test]
fn a_callee_that_loops_forever_uses_only_the_gas_forwarded_to_it() {
    let mut chain = Chain::new();
    let (a, spin) = (address(0xa), address(0x5));
    chain.deploy(a, "caller");
    chain.deploy(spin, "spin");
    let outcome = chain.execute(Some(a), 0, &caller_input(spin, 0, 0), 6_400_000);
    assert_eq!(
        outcome.status,
        Status::Success,
        "the caller goes on with 1/64"
    );
    assert_eq!(chain.slot(a, 1), U256::ZERO, "the call failed");
    assert_eq!(chain.slot(a, 0), U256::from(1));
    // The callee burnt all it was given: all but 1/64 of what the caller had left.
    assert!(outcome.gas_used > 6_300_000, "{}", outcome.gas_used);
    assert!(outcome.gas_used < 6_400_000, "{}", outcome.gas_used);
}

/// The same transactions through evmove and revm, on the same accounts: every outcome and
/// the resulting storage and balances must agree.
struct Differential {
    ours: Chain,
    revm: Revm,
    accounts: Vec<Address>,
}

impl Differential {
    /// Accounts holding the code of the modules `names` (and the funded sender).
    fn new(contracts: &[(Address, &str)]) -> Self {
        let mut ours = Chain::new();
        let codes: Vec<(Address, Bytes)> = contracts
            .iter()
            .map(|&(address, name)| (address, code_of(name)))
            .collect();
        let codes: Vec<(Address, &[u8])> = codes
            .iter()
            .map(|(address, code)| (*address, &code[..]))
            .collect();
        let mut revm = Revm::with_code(&codes);
        revm.fund(SENDER, U256::from(1_000_000));
        for &(address, name) in contracts {
            ours.deploy(address, name);
        }
        let accounts = contracts.iter().map(|&(address, _)| address).collect();
        Self {
            ours,
            revm,
            accounts,
        }
    }

    /// Runs the call in both and compares.
    fn call(&mut self, to: Address, value: u64, data: &[u8]) {
        let ours = self.ours.call(to, value, data);
        let executed = self.revm.call(SENDER, to, U256::from(value), data);
        let (status, output, logs) = match executed {
            ExecutionResult::Success { output, logs, .. } => {
                (Status::Success, output.into_data(), logs)
            }
            ExecutionResult::Revert { output, .. } => (Status::Revert, output, vec![]),
            ExecutionResult::Halt { reason, .. } => panic!("revm halted: {reason:?}"),
        };
        let what = format!("call of {to} with {value} wei and {data:02x?}");
        assert_eq!(ours.status, status, "{what}");
        assert_eq!(ours.return_data, output, "{what}");
        assert_eq!(ours.logs, logs, "{what}");
        for &account in self.accounts.iter().chain([&SENDER, &address(0xee)]) {
            let theirs = self.revm.balance(account);
            assert_eq!(
                self.ours.balance(account),
                theirs,
                "{what}: balance of {account}"
            );
            for slot in 0..3 {
                let theirs = self.revm.slot(account, slot);
                assert_eq!(
                    self.ours.slot(account, slot),
                    theirs,
                    "{what}: {account}[{slot}]"
                );
            }
        }
    }
}

#[test]
fn calls_reverts_and_value_agree_with_revm() {
    let (a, counter, reverter, sink) = (address(0xa), address(0xc), address(0xb), address(0xe));
    let mut both = Differential::new(&[
        (a, "caller"),
        (counter, "counter"),
        (reverter, "reverter"),
        (sink, "sink"),
    ]);
    both.call(counter, 0, &[]);
    both.call(counter, 0, &[]);
    both.call(reverter, 0, &[]);
    both.call(a, 0, &caller_input(reverter, 0, 0));
    both.call(a, 100, &caller_input(counter, 10, 0));
    both.call(a, 0, &caller_input(sink, 30, 0));
    both.call(a, 0, &caller_input(reverter, 30, 0));
    both.call(a, 0, &caller_input(sink, 1_000, 0));
    both.call(a, 0, &caller_input(address(0xee), 5, 0));
}

/// Inputs for the precompiles the issue names, and a few more.
fn precompile_cases() -> Vec<(u8, Vec<u8>)> {
    let modexp = [
        &word(1)[..],
        &word(1),
        &word(1),
        &[3],
        &[5],
        &[7], // 3^5 mod 7
    ]
    .concat();
    // ecrecover of a valid signature (hash, v, r, s) and of garbage.
    let hash = keccak256(b"evmove");
    let signer = alloy_primitives::Signature::from_scalars_and_parity(
        B256::repeat_byte(0x11),
        B256::repeat_byte(0x22),
        false,
    );
    let mut ecrecover = hash.to_vec();
    ecrecover.extend(word(27 + u64::from(signer.v())));
    ecrecover.extend(signer.r().to_be_bytes::<32>());
    ecrecover.extend(signer.s().to_be_bytes::<32>());
    vec![
        (1, ecrecover),
        (1, vec![0xab; 128]),
        (2, b"abc".to_vec()),
        (2, Vec::new()),
        (3, b"abc".to_vec()),
        (4, b"identity".to_vec()),
        (5, modexp),
    ]
}

#[test]
fn precompiles_match_revm() {
    // A forwarder calls the precompile with the input and returns its output.
    const EVM_FORWARDER: &[u8] = &[
        0x60, 0x20, 0x36, 0x03, 0x60, 0x20, 0x5f, 0x37, // copy calldata[32..] to memory
        0x5f, 0x5f, 0x60, 0x20, 0x36, 0x03, 0x5f, // 0, 0, size, 0
        0x5f, 0x35, 0x5a, 0xfa, 0x50, // STATICCALL(gas, target, 0, size, 0, 0)
        0x3d, 0x5f, 0x5f, 0x3e, 0x3d, 0x5f, 0xf3, // return the return data
    ];
    let forwarder = address(0xf0);
    let mut chain = Chain::new();
    chain.deploy(forwarder, "forwarder");
    for (precompile, input) in precompile_cases() {
        let target = Address::with_last_byte(precompile);
        let calldata = [&address_word(target)[..], &input].concat();
        let ours = chain.call(forwarder, 0, &calldata);
        assert_eq!(ours.status, Status::Success, "precompile {precompile}");
        let revm = &mut Revm::with_code(&[(forwarder, EVM_FORWARDER)]);
        let theirs = output(revm.call(SENDER, forwarder, U256::ZERO, &calldata));
        assert_eq!(
            ours.return_data, theirs,
            "precompile {precompile}, input {input:02x?}"
        );
    }
    // Known answers, so that agreeing on nothing cannot pass.
    let sha = chain.call(
        forwarder,
        0,
        &[&address_word(Address::with_last_byte(2))[..], b"abc"].concat(),
    );
    assert_eq!(sha.return_data, Bytes::from(sha2_abc()));
}

/// SHA-256 of "abc".
fn sha2_abc() -> [u8; 32] {
    let hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    let mut out = [0; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}
