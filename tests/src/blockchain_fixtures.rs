//! Our own blockchain-test fixtures (`tests/fixtures/blockchain/*.json`), in the format of
//! the Ethereum consensus tests' `BlockchainTests` (see `evmove::conformance::blockchain`),
//! for `evmove statetest`: no public blockchain tests are on this machine, and none may be
//! committed.
//!
//! Each fixture is written here (pre-state, blocks, transactions), executed in revm (the
//! reference EVM) under its fork, and rendered to JSON with the `postState` revm computed
//! ([`render`]). `tests/tests/blockchain_fixtures.rs` renders them again and requires the
//! committed files to be equal, so they cannot drift; with `EVMOVE_BLESS=1` it rewrites them.
//! revm also checks each transaction ends as the fixture says ([`Expect`]), so that a
//! "revert" fixture does revert. Each header's `stateRoot`, and the genesis header's (the
//! root of `pre`), is the root of revm's accounts at that point
//! (`evmove::conformance::state_root`).
//!
//! Gas is real EVM gas in revm: transactions pay a gas price over the block's base fee (or,
//! EIP-1559 ones, a priority fee over it), so the balances in `postState` are revm's, and
//! each header's `gasUsed` is what revm's transactions used. A block holding a transaction
//! revm refuses ([`Expect::Invalid`]) is rendered with `expectException`, and none of its
//! transactions is applied: the chain rejects it.
//!
//! Around each block's transactions, as the execution clients drive revm: the system calls
//! before them (revm's `SystemCallEvm::system_call`; EIP-2935 with the block's
//! `parent_hash` from Prague, then EIP-4788 with its `parent_beacon_block_root` from Cancun;
//! the system address and the coinbase dropped from the state they leave, as alloy-evm
//! does), and the withdrawals after them (EIP-4895, from Shanghai: revm has no withdrawals,
//! so this file credits `amount` gwei itself, as alloy-evm's balance increments do).
//!
//! EIP-7610 (a creation onto an account with storage collides): revm 43 checks nonce and
//! code only (`create_account_checkpoint` in revm-context's journal). A fixture lists the
//! storage-only accounts it creates onto ([`Fixture::storage_collisions`]): revm runs with
//! such an account's nonce at 1, which makes the creation collide as EIP-7610 says, and the
//! account is rendered in `postState` as it is in `pre` (a collision does not change it).

use std::collections::BTreeMap;

use alloy_dyn_abi::DynSolValue;
use alloy_primitives::{address, Address, Bytes, B256, U256};
use evmove::conformance::{state_root::state_root, vmtest::AccountState};
use revm::{
    context::{
        result::ExecutionResult,
        transaction::{AccessList, AccessListItem},
        Context, TxEnv,
    },
    database::{CacheDB, EmptyDB},
    handler::SYSTEM_ADDRESS,
    primitives::{hardfork::SpecId, TxKind},
    state::{AccountInfo, Bytecode},
    DatabaseCommit, DatabaseRef, ExecuteEvm, MainBuilder, MainContext, SystemCallEvm,
};
use serde_json::{json, Map, Value};

use crate::corpus::{Contract, Setting};

/// Where the fixtures are committed.
pub fn fixtures_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/blockchain")
}

/// The fork every fixture runs under (its `network`).
pub const SPEC: SpecId = SpecId::CANCUN;
/// The gas limit of every transaction.
pub const TX_GAS_LIMIT: u64 = 3_000_000;
/// The gas price of every transaction (legacy transactions), above every block's base fee.
pub const GAS_PRICE: u64 = 10;
/// The gas limit of every block.
pub const BLOCK_GAS_LIMIT: u64 = 30_000_000;

const ALICE: Address = Address::repeat_byte(0xa1);
const BOB: Address = Address::repeat_byte(0xb0);
const CAROL: Address = Address::repeat_byte(0xc0);
const COINBASE: Address = Address::repeat_byte(0xcb);
/// Relays (see [`relay`]) and the reverter, at fixed pre-state addresses.
const RELAY_A: Address = Address::repeat_byte(0x0a);
const RELAY_B: Address = Address::repeat_byte(0x0b);
const RELAY_C: Address = Address::repeat_byte(0x0c);
const REVERTER: Address = Address::repeat_byte(0x0e);
const ENV_PROBE: Address = Address::repeat_byte(0x0d);
/// Accounts only withdrawals credit (the second with a zero amount).
pub const WITHDRAWN: Address = Address::repeat_byte(0xd1);
const NOT_WITHDRAWN: Address = Address::repeat_byte(0xd2);
/// The CREATE2 factory (see [`factory`]).
const FACTORY: Address = Address::repeat_byte(0x0f);
/// The contracts of the gas fixtures (see [`looper`], [`payer`], [`receiver`], [`clearer`],
/// [`reader`], [`gas_counter`]).
const LOOPER: Address = Address::repeat_byte(0x10);
const PAYER: Address = Address::repeat_byte(0x11);
const RECEIVER: Address = Address::repeat_byte(0x12);
const CLEARER: Address = Address::repeat_byte(0x13);
const READER: Address = Address::repeat_byte(0x14);
const GAS_COUNTER: Address = Address::repeat_byte(0x15);

/// The EIP-4788 beacon-roots contract's address.
pub const BEACON_ROOTS: Address = address!("0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02");
/// The EIP-4788 beacon-roots contract's code (from the EIP).
const BEACON_ROOTS_CODE: &str = "3373fffffffffffffffffffffffffffffffffffffffe14604d576020361460\
    24575f5ffd5b5f35801560495762001fff810690815414603c575f5ffd5b62001fff01545f5260205ff35b5f5f\
    fd5b62001fff42064281555f359062001fff015500";
/// The EIP-2935 history-storage contract's address.
pub const HISTORY_STORAGE: Address = address!("0x0000F90827F1C53a10cb7A02335B175320002935");
/// The EIP-2935 history-storage contract's code (from the EIP).
const HISTORY_STORAGE_CODE: &str = "3373fffffffffffffffffffffffffffffffffffffffe1460465760203603\
    6042575f35600143038111604257611fff81430311604257611fff9006545f5260205ff35b5f5ffd5b5f35611f\
    ff60014303065500";
/// Both contracts keep a ring of 8191 entries.
pub const RING: u64 = 8191;

/// A fixture: one blockchain test.
#[derive(Clone, Debug)]
pub struct Fixture {
    /// The file name (without `.json`) and the test's name in it.
    pub name: &'static str,
    /// What it exercises (`_info.comment`).
    pub comment: &'static str,
    /// The accounts before.
    pub pre: Vec<Genesis>,
    /// The blocks, in order.
    pub blocks: Vec<FixtureBlock>,
    /// The fork (`network`).
    pub spec: SpecId,
    /// Accounts with storage only that a creation collides with (EIP-7610, see the module
    /// doc).
    pub storage_collisions: Vec<Address>,
}

/// A pre-state account.
#[derive(Clone, Debug)]
pub struct Genesis {
    /// Its address.
    pub address: Address,
    /// Its balance.
    pub balance: U256,
    /// Its nonce.
    pub nonce: u64,
    /// Its code.
    pub code: Bytes,
    /// Its non-zero storage.
    pub storage: Vec<(U256, U256)>,
}

/// A block: its environment and transactions.
#[derive(Clone, Debug)]
pub struct FixtureBlock {
    /// NUMBER.
    pub number: u64,
    /// TIMESTAMP.
    pub timestamp: u64,
    /// COINBASE.
    pub coinbase: Address,
    /// BASEFEE.
    pub base_fee: u64,
    /// PREVRANDAO (the header's `mixHash`).
    pub prevrandao: B256,
    /// The header's `parentHash` (the EIP-2935 system call's data, Prague on), if given.
    pub parent_hash: Option<B256>,
    /// The header's `parentBeaconBlockRoot` (the EIP-4788 system call's data, Cancun on), if
    /// given.
    pub parent_beacon_block_root: Option<B256>,
    /// The transactions, in order.
    pub txs: Vec<FixtureTx>,
    /// The withdrawals after them (address, gwei), Shanghai on.
    pub withdrawals: Vec<(Address, u64)>,
}

/// How a transaction must end in revm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Success.
    Success,
    /// REVERT.
    Revert,
    /// An exceptional halt (out of gas).
    Halt,
    /// revm refuses it: its block is rejected.
    Invalid,
}

/// A transaction (its nonce is the sender's at that point): legacy, paying [`GAS_PRICE`],
/// unless it has a priority fee.
#[derive(Clone, Debug)]
pub struct FixtureTx {
    /// The sender.
    pub sender: Address,
    /// The callee; `None` creates.
    pub to: Option<Address>,
    /// Calldata or initcode.
    pub data: Bytes,
    /// Wei sent.
    pub value: U256,
    /// Its gas limit.
    pub gas_limit: u64,
    /// EIP-1559: the max priority fee per gas (the max fee is twice [`GAS_PRICE`]).
    pub priority_fee: Option<u64>,
    /// EIP-2930: the accounts and slots it names.
    pub access_list: Vec<(Address, Vec<U256>)>,
    /// How it must end.
    pub expect: Expect,
}

fn call(sender: Address, to: Address, data: impl Into<Bytes>, expect: Expect) -> FixtureTx {
    FixtureTx {
        sender,
        to: Some(to),
        data: data.into(),
        value: U256::ZERO,
        gas_limit: TX_GAS_LIMIT,
        priority_fee: None,
        access_list: Vec::new(),
        expect,
    }
}

fn create(sender: Address, initcode: impl Into<Bytes>, expect: Expect) -> FixtureTx {
    FixtureTx {
        to: None,
        ..call(sender, Address::ZERO, initcode, expect)
    }
}

fn eoa(address: Address) -> Genesis {
    Genesis {
        address,
        balance: U256::from(10u128.pow(21)),
        nonce: 0,
        code: Bytes::new(),
        storage: Vec::new(),
    }
}

fn contract(address: Address, code: Bytes) -> Genesis {
    Genesis {
        address,
        balance: U256::ZERO,
        nonce: 1,
        code,
        storage: Vec::new(),
    }
}

fn block(number: u64, txs: Vec<FixtureTx>) -> FixtureBlock {
    FixtureBlock {
        number,
        timestamp: timestamp_of(number),
        coinbase: COINBASE,
        base_fee: 7,
        prevrandao: B256::with_last_byte(number as u8),
        parent_hash: None,
        parent_beacon_block_root: None,
        txs,
        withdrawals: Vec::new(),
    }
}

fn word(address: Address) -> [u8; 32] {
    address.into_word().0
}

/// A relay: stores CALLER, CALLVALUE and ORIGIN in slots 0, 1 and 4; if it has calldata,
/// calls the address in word 0 with the rest of the calldata and the value it received, and
/// stores the call's result in slot 2 and the first word of memory after it in slot 3.
pub fn relay() -> Bytes {
    let mut code = vec![
        0x33, 0x5f, 0x55, // SSTORE(0, CALLER)
        0x34, 0x60, 0x01, 0x55, // SSTORE(1, CALLVALUE)
        0x32, 0x60, 0x04, 0x55, // SSTORE(4, ORIGIN)
        0x36, 0x15, 0x60, 0x00, 0x57, // JUMPI(end, ISZERO(CALLDATASIZE)), end patched below
        0x60, 0x20, 0x36, 0x03, 0x60, 0x20, 0x5f, 0x37, // CALLDATACOPY(0, 32, size - 32)
        0x60, 0x20, 0x5f, // retLen 32, retOffset 0
        0x60, 0x20, 0x36, 0x03, 0x5f, // argsLen size - 32, argsOffset 0
        0x34, 0x5f, 0x35, // value CALLVALUE, address word 0
        0x63, 0xff, 0xff, 0xff, 0xff, 0xf1, // CALL(0xffffffff: all but 1/64, ...)
        0x60, 0x02, 0x55, // SSTORE(2, result)
        0x5f, 0x51, 0x60, 0x03, 0x55, // SSTORE(3, MLOAD(0))
    ];
    let end = code.len() as u8;
    code[14] = end;
    code.extend_from_slice(&[0x5b, 0x00]); // JUMPDEST STOP
    Bytes::from(code)
}

/// `SSTORE(0, 1) LOG0(0, 0) REVERT(0, 32)` with `0xdead` in memory.
fn reverter() -> Bytes {
    Bytes::from_static(&[
        0x60, 0x01, 0x5f, 0x55, 0x5f, 0x5f, 0xa0, 0x61, 0xde, 0xad, 0x5f, 0x52, 0x60, 0x20, 0x5f,
        0xfd,
    ])
}

/// Runtime code: increments slot 0 and returns it.
const COUNTER: [u8; 14] = [
    0x5f, 0x54, 0x60, 0x01, 0x01, 0x80, 0x5f, 0x55, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3,
];

/// Initcode: stores CALLVALUE, TIMESTAMP and NUMBER in slots 1..=3, then deploys [`COUNTER`].
fn counter_initcode() -> Bytes {
    let mut code = vec![
        0x34, 0x60, 0x01, 0x55, // SSTORE(1, CALLVALUE)
        0x42, 0x60, 0x02, 0x55, // SSTORE(2, TIMESTAMP)
        0x43, 0x60, 0x03, 0x55, // SSTORE(3, NUMBER)
        0x60, 14, 0x60, 0x00, 0x5f, 0x39, // CODECOPY(0, runtime, 14), offset patched
        0x60, 14, 0x5f, 0xf3, // RETURN(0, 14)
    ];
    let runtime_at = code.len() as u8;
    code[15] = runtime_at;
    code.extend_from_slice(&COUNTER);
    Bytes::from(code)
}

/// Initcode that stores a slot and reverts: no contract, but the sender's nonce grows.
fn failing_initcode() -> Bytes {
    Bytes::from_static(&[0x60, 0x01, 0x5f, 0x55, 0x5f, 0x5f, 0xfd])
}

/// Stores the block environment in slots `NUMBER * 16 + i`: NUMBER, TIMESTAMP, COINBASE,
/// BASEFEE, PREVRANDAO, CHAINID, GASPRICE, GASLIMIT, ORIGIN.
fn env_probe() -> Bytes {
    let mut code = vec![0x43, 0x60, 0x10, 0x02]; // NUMBER * 16
    for (i, op) in [0x43, 0x42, 0x41, 0x48, 0x44, 0x46, 0x3a, 0x45, 0x32]
        .into_iter()
        .enumerate()
    {
        code.extend_from_slice(&[op, 0x81, 0x60, i as u8, 0x01, 0x55]); // SSTORE(base + i, op)
    }
    code.push(0x00);
    Bytes::from(code)
}

/// Creates with CREATE2 (salt 0, no value) the initcode it is called with, and stores the
/// result (the address, or 0) in slot `CALLDATASIZE`.
fn factory() -> Bytes {
    Bytes::from_static(&[
        0x36, 0x5f, 0x5f, 0x37, // CALLDATACOPY(0, 0, CALLDATASIZE)
        0x5f, 0x36, 0x5f, 0x5f, 0xf5, // CREATE2(0, 0, CALLDATASIZE, 0)
        0x36, 0x55, 0x00, // SSTORE(CALLDATASIZE, result) STOP
    ])
}

/// Loops forever (`JUMPDEST PUSH1 0 JUMP`): runs out of gas.
fn looper() -> Bytes {
    Bytes::from_static(&[0x5b, 0x60, 0x00, 0x56])
}

/// Sends 1 wei to [`RECEIVER`] as Solidity's `transfer` does (a CALL with no gas but the
/// 2,300 stipend) and stores the call's result plus 2 in slot 0.
fn payer() -> Bytes {
    let mut code = vec![
        0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x01, 0x73,
    ];
    code.extend_from_slice(RECEIVER.as_slice());
    code.extend_from_slice(&[0x60, 0x00, 0xf1, 0x60, 0x02, 0x01, 0x60, 0x00, 0x55, 0x00]);
    Bytes::from(code)
}

/// A fallback that writes storage (`SSTORE(0, 1)`): on the stipend alone it runs out of gas
/// (EIP-2200: no SSTORE with 2,300 gas or less left).
fn receiver() -> Bytes {
    Bytes::from_static(&[0x60, 0x01, 0x60, 0x00, 0x55, 0x00])
}

/// Clears slots 1..=5 (each refunded, the refund capped).
fn clearer() -> Bytes {
    let mut code: Vec<u8> = (1..=5)
        .flat_map(|slot| [0x60, 0x00, 0x60, slot, 0x55])
        .collect();
    code.push(0x00);
    Bytes::from(code)
}

/// Stores `SLOAD(0) + SLOAD(1)` in slot 2 (cheaper with the slots in the access list).
fn reader() -> Bytes {
    Bytes::from_static(&[
        0x60, 0x00, 0x54, 0x60, 0x01, 0x54, 0x01, 0x60, 0x02, 0x55, 0x00,
    ])
}

/// Counts loop rounds while GAS is above 30,000, then stores the count in slot 0: a loop
/// bounded by the gas left.
fn gas_counter() -> Bytes {
    Bytes::from_static(&[
        0x60, 0x00, // PUSH1 0: the count
        0x5b, 0x60, 0x01, 0x01, // loop: JUMPDEST, count + 1
        0x61, 0x75, 0x30, 0x5a, 0x11, // GAS > 30,000
        0x60, 0x02, 0x57, // JUMPI loop
        0x60, 0x00, 0x55, 0x00, // SSTORE(0, count) STOP
    ])
}

fn code(hex: &str) -> Bytes {
    Bytes::from(alloy_primitives::hex::decode(hex).expect("valid hex"))
}

/// The calldata of a relay calling `to` with the 32-byte word `value`.
fn relay_word(to: Address, value: u64) -> Bytes {
    [word(to), U256::from(value).to_be_bytes::<32>()]
        .concat()
        .into()
}

/// The timestamp of block `number` (see [`block`]).
pub fn timestamp_of(number: u64) -> u64 {
    1_000 + 12 * number
}

/// The account of a CREATE2 collision on storage only in `create_collision_storage`.
pub fn storage_only_target() -> Address {
    FACTORY.create2(B256::ZERO, alloy_primitives::keccak256(counter_initcode()))
}

fn token() -> Contract {
    Contract::load(Setting::LegacyOpt, "Token", "Token")
}

fn transfer(token: &Contract, to: Address, amount: u64) -> Bytes {
    token.calldata(
        "transfer",
        &[
            DynSolValue::Address(to),
            DynSolValue::Uint(U256::from(amount), 256),
        ],
    )
}

/// Every fixture.
pub fn fixtures() -> Vec<Fixture> {
    let token = token();
    let token_address = ALICE.create(0);
    let counter_address = ALICE.create(0);
    vec![
        Fixture {
            name: "token_transfers",
            comment: "One block: the corpus Token (solc, legacy-opt) created with 1,000,000 \
                      tokens for the sender, three transfers, and one of more than the \
                      holder has (reverts with a custom error).",
            spec: SPEC,
            storage_collisions: Vec::new(),
            pre: vec![eoa(ALICE), eoa(BOB), eoa(CAROL)],
            blocks: vec![block(
                1,
                vec![
                    create(
                        ALICE,
                        token.deploy_data(&[
                            DynSolValue::String("Test".into()),
                            DynSolValue::String("TST".into()),
                            DynSolValue::Uint(U256::from(1_000_000), 256),
                        ]),
                        Expect::Success,
                    ),
                    call(
                        ALICE,
                        token_address,
                        transfer(&token, BOB, 250),
                        Expect::Success,
                    ),
                    call(
                        ALICE,
                        token_address,
                        transfer(&token, CAROL, 100),
                        Expect::Success,
                    ),
                    call(
                        BOB,
                        token_address,
                        transfer(&token, CAROL, 50),
                        Expect::Success,
                    ),
                    call(
                        CAROL,
                        token_address,
                        transfer(&token, BOB, 1_000),
                        Expect::Revert,
                    ),
                ],
            )],
        },
        Fixture {
            name: "contract_creation",
            comment: "Creation transactions: initcode that stores its environment and \
                      deploys a counter, with value; initcode that reverts (no contract, the \
                      nonce still grows); then two calls of the counter.",
            spec: SPEC,
            storage_collisions: Vec::new(),
            pre: vec![eoa(ALICE)],
            blocks: vec![block(
                1,
                vec![
                    FixtureTx {
                        value: U256::from(1_000),
                        ..create(ALICE, counter_initcode(), Expect::Success)
                    },
                    create(ALICE, failing_initcode(), Expect::Revert),
                    call(ALICE, counter_address, Bytes::new(), Expect::Success),
                    call(ALICE, counter_address, Bytes::new(), Expect::Success),
                ],
            )],
        },
        Fixture {
            name: "call_chain",
            comment: "A call chain with value: A calls B, B calls C, each recording CALLER, \
                      CALLVALUE, ORIGIN and the result of its call.",
            spec: SPEC,
            storage_collisions: Vec::new(),
            pre: vec![
                eoa(ALICE),
                contract(RELAY_A, relay()),
                contract(RELAY_B, relay()),
                contract(RELAY_C, relay()),
            ],
            blocks: vec![block(
                1,
                vec![FixtureTx {
                    value: U256::from(77),
                    ..call(
                        ALICE,
                        RELAY_A,
                        [word(RELAY_B), word(RELAY_C)].concat(),
                        Expect::Success,
                    )
                }],
            )],
        },
        Fixture {
            name: "revert",
            comment: "Reverts: a transaction whose callee writes, logs and reverts (only the \
                      nonce changes), and a relay whose inner call reverts (the relay's own \
                      writes stay, the callee's do not).",
            spec: SPEC,
            storage_collisions: Vec::new(),
            pre: vec![
                eoa(ALICE),
                Genesis {
                    storage: vec![(U256::from(7), U256::from(70))],
                    ..contract(REVERTER, reverter())
                },
                contract(RELAY_A, relay()),
            ],
            blocks: vec![block(
                1,
                vec![
                    call(ALICE, REVERTER, Bytes::new(), Expect::Revert),
                    call(ALICE, RELAY_A, word(REVERTER), Expect::Success),
                ],
            )],
        },
        Fixture {
            name: "multi_block",
            comment: "Three blocks with their own number, timestamp, coinbase, base fee and \
                      PREVRANDAO: a counter created in the first and called in each, the \
                      block environment recorded by a probe in each, a plain transfer.",
            spec: SPEC,
            storage_collisions: Vec::new(),
            pre: vec![eoa(ALICE), eoa(BOB), contract(ENV_PROBE, env_probe())],
            blocks: vec![
                block(
                    1,
                    vec![
                        create(ALICE, counter_initcode(), Expect::Success),
                        call(BOB, ENV_PROBE, Bytes::new(), Expect::Success),
                    ],
                ),
                FixtureBlock {
                    coinbase: CAROL,
                    base_fee: 9,
                    ..block(
                        2,
                        vec![
                            call(ALICE, counter_address, Bytes::new(), Expect::Success),
                            call(BOB, counter_address, Bytes::new(), Expect::Success),
                            call(ALICE, ENV_PROBE, Bytes::new(), Expect::Success),
                        ],
                    )
                },
                block(
                    3,
                    vec![
                        FixtureTx {
                            value: U256::from(12_345),
                            ..call(BOB, CAROL, Bytes::new(), Expect::Success)
                        },
                        call(BOB, counter_address, Bytes::new(), Expect::Success),
                        call(BOB, ENV_PROBE, Bytes::new(), Expect::Success),
                    ],
                ),
            ],
        },
        Fixture {
            name: "beacon_roots",
            comment: "EIP-4788: the beacon-roots contract (its code from the EIP) in the \
                      pre-state, two blocks each storing its parent beacon block root by the \
                      system call before its transactions; relays read roots back through \
                      the contract's get path (the first block's root in both blocks, the \
                      second's, and a timestamp never stored, which reverts).",
            spec: SpecId::CANCUN,
            storage_collisions: Vec::new(),
            pre: vec![
                eoa(ALICE),
                contract(BEACON_ROOTS, code(BEACON_ROOTS_CODE)),
                contract(RELAY_A, relay()),
                contract(RELAY_B, relay()),
                contract(RELAY_C, relay()),
            ],
            blocks: vec![
                FixtureBlock {
                    parent_beacon_block_root: Some(B256::repeat_byte(0xb1)),
                    ..block(
                        1,
                        vec![call(
                            ALICE,
                            RELAY_A,
                            relay_word(BEACON_ROOTS, timestamp_of(1)),
                            Expect::Success,
                        )],
                    )
                },
                FixtureBlock {
                    parent_beacon_block_root: Some(B256::repeat_byte(0xb2)),
                    ..block(
                        2,
                        vec![
                            call(
                                ALICE,
                                RELAY_B,
                                relay_word(BEACON_ROOTS, timestamp_of(1)),
                                Expect::Success,
                            ),
                            call(
                                ALICE,
                                RELAY_A,
                                relay_word(BEACON_ROOTS, timestamp_of(2)),
                                Expect::Success,
                            ),
                            call(ALICE, RELAY_C, relay_word(BEACON_ROOTS, 5), Expect::Success),
                        ],
                    )
                },
            ],
        },
        Fixture {
            name: "history_storage",
            comment: "EIP-2935 (Prague): the history-storage contract (its code from the \
                      EIP) in the pre-state, two blocks each storing its parent's hash by the \
                      system call before its transactions; relays read hashes back through \
                      the contract's get path (block 0 in both blocks, block 1, and the \
                      current block, which reverts).",
            spec: SpecId::PRAGUE,
            storage_collisions: Vec::new(),
            pre: vec![
                eoa(ALICE),
                contract(HISTORY_STORAGE, code(HISTORY_STORAGE_CODE)),
                contract(RELAY_A, relay()),
                contract(RELAY_B, relay()),
                contract(RELAY_C, relay()),
            ],
            blocks: vec![
                FixtureBlock {
                    parent_hash: Some(B256::repeat_byte(0x70)),
                    ..block(
                        1,
                        vec![call(
                            ALICE,
                            RELAY_A,
                            relay_word(HISTORY_STORAGE, 0),
                            Expect::Success,
                        )],
                    )
                },
                FixtureBlock {
                    parent_hash: Some(B256::repeat_byte(0x71)),
                    ..block(
                        2,
                        vec![
                            call(
                                ALICE,
                                RELAY_B,
                                relay_word(HISTORY_STORAGE, 0),
                                Expect::Success,
                            ),
                            call(
                                ALICE,
                                RELAY_A,
                                relay_word(HISTORY_STORAGE, 1),
                                Expect::Success,
                            ),
                            call(
                                ALICE,
                                RELAY_C,
                                relay_word(HISTORY_STORAGE, 2),
                                Expect::Success,
                            ),
                        ],
                    )
                },
            ],
        },
        Fixture {
            name: "withdrawals",
            comment: "EIP-4895 (Shanghai): two blocks without transactions whose withdrawals \
                      credit an account with a balance, a new account twice, and a new account \
                      with a zero amount (which creates nothing).",
            spec: SpecId::SHANGHAI,
            storage_collisions: Vec::new(),
            pre: vec![eoa(BOB)],
            blocks: vec![
                FixtureBlock {
                    withdrawals: vec![(BOB, 1), (WITHDRAWN, 5), (NOT_WITHDRAWN, 0), (WITHDRAWN, 7)],
                    ..block(1, Vec::new())
                },
                FixtureBlock {
                    withdrawals: vec![(BOB, 1_000_000_000)],
                    ..block(2, Vec::new())
                },
            ],
        },
        Fixture {
            name: "create_collision_storage",
            comment: "EIP-7610: a CREATE2 onto an account with storage only (nonce 0, no \
                      code) collides (returns 0, the account unchanged, the factory's nonce \
                      grown); the same initcode with one more byte creates elsewhere.",
            spec: SpecId::CANCUN,
            storage_collisions: vec![storage_only_target()],
            pre: vec![
                eoa(ALICE),
                contract(FACTORY, factory()),
                Genesis {
                    address: storage_only_target(),
                    balance: U256::ZERO,
                    nonce: 0,
                    code: Bytes::new(),
                    storage: vec![(U256::from(1), U256::from(0x5a))],
                },
            ],
            blocks: vec![block(
                1,
                vec![
                    call(ALICE, FACTORY, counter_initcode(), Expect::Success),
                    call(
                        ALICE,
                        FACTORY,
                        [&counter_initcode()[..], &[0x00]].concat(),
                        Expect::Success,
                    ),
                ],
            )],
        },
        Fixture {
            name: "fees_and_gas",
            comment: "EIP-1559 and legacy fees with the tip to the coinbase; a transaction \
                      out of gas (all its gas paid); a transfer whose recipient's fallback \
                      writes storage, failing on the 2,300 stipend; refunds capped; an \
                      access list; a block rejected for a sender that cannot pay (its other \
                      transaction undone with it), and the block after it.",
            spec: SPEC,
            storage_collisions: Vec::new(),
            pre: vec![
                eoa(ALICE),
                eoa(BOB),
                contract(LOOPER, looper()),
                Genesis {
                    balance: U256::from(1_000),
                    ..contract(PAYER, payer())
                },
                contract(RECEIVER, receiver()),
                Genesis {
                    storage: (1..=5).map(|i| (U256::from(i), U256::from(i))).collect(),
                    ..contract(CLEARER, clearer())
                },
                Genesis {
                    storage: vec![(U256::ZERO, U256::from(3)), (U256::from(1), U256::from(4))],
                    ..contract(READER, reader())
                },
            ],
            blocks: vec![
                block(
                    1,
                    vec![
                        FixtureTx {
                            value: U256::from(1_000),
                            priority_fee: Some(2),
                            ..call(ALICE, CAROL, Bytes::new(), Expect::Success)
                        },
                        FixtureTx {
                            gas_limit: 100_000,
                            ..call(ALICE, LOOPER, Bytes::new(), Expect::Halt)
                        },
                        call(BOB, PAYER, Bytes::new(), Expect::Success),
                        FixtureTx {
                            priority_fee: Some(0),
                            ..call(BOB, CLEARER, Bytes::new(), Expect::Success)
                        },
                        FixtureTx {
                            access_list: vec![(READER, vec![U256::ZERO, U256::from(1)])],
                            ..call(ALICE, READER, Bytes::new(), Expect::Success)
                        },
                    ],
                ),
                block(
                    2,
                    vec![
                        FixtureTx {
                            value: U256::from(1),
                            ..call(ALICE, CAROL, Bytes::new(), Expect::Success)
                        },
                        FixtureTx {
                            value: U256::from(10u128.pow(22)),
                            ..call(BOB, CAROL, Bytes::new(), Expect::Invalid)
                        },
                    ],
                ),
                block(
                    2,
                    vec![FixtureTx {
                        value: U256::from(5),
                        ..call(BOB, CAROL, Bytes::new(), Expect::Success)
                    }],
                ),
            ],
        },
        Fixture {
            name: "gas_bounded_loop",
            comment: "A loop bounded by the gas left (GAS > 30,000): the rounds it counts \
                      depend on the exact gas of every instruction.",
            spec: SPEC,
            storage_collisions: Vec::new(),
            pre: vec![eoa(ALICE), contract(GAS_COUNTER, gas_counter())],
            blocks: vec![block(
                1,
                vec![FixtureTx {
                    gas_limit: 100_000,
                    ..call(ALICE, GAS_COUNTER, Bytes::new(), Expect::Success)
                }],
            )],
        },
    ]
}

/// The `network` name of `spec`.
fn network(spec: SpecId) -> &'static str {
    match spec {
        SpecId::SHANGHAI => "Shanghai",
        SpecId::CANCUN => "Cancun",
        SpecId::PRAGUE => "Prague",
        other => panic!("no fixture runs under {other:?}"),
    }
}

fn hex(bytes: &[u8]) -> String {
    format!("0x{}", alloy_primitives::hex::encode(bytes))
}

fn quantity(value: impl std::fmt::LowerHex) -> String {
    format!("{value:#x}")
}

fn account_json(balance: U256, nonce: u64, code: &[u8], storage: &BTreeMap<U256, U256>) -> Value {
    let storage: Map<String, Value> = storage
        .iter()
        .map(|(slot, value)| (quantity(*slot), json!(quantity(*value))))
        .collect();
    json!({
        "balance": quantity(balance),
        "nonce": quantity(nonce),
        "code": hex(code),
        "storage": storage,
    })
}

fn state_json(account: &AccountState) -> Value {
    account_json(
        account.balance,
        account.nonce.to(),
        &account.code,
        &account.storage,
    )
}

/// Every account of `db` that is not empty, with its non-zero slots, as the fixture's tests
/// state them: a storage-only account a creation collided with is as in `pre` (see the
/// module doc).
fn accounts_of(db: &CacheDB<EmptyDB>, fixture: &Fixture) -> BTreeMap<Address, AccountState> {
    let mut accounts = BTreeMap::new();
    for (address, account) in &db.cache.accounts {
        let Some(info) = &account.info() else {
            continue;
        };
        let code = match &info.code {
            Some(code) => code.original_bytes(),
            None => db
                .code_by_hash_ref(info.code_hash)
                .expect("the in-memory database cannot fail")
                .original_bytes(),
        };
        let storage: BTreeMap<U256, U256> = account
            .storage
            .iter()
            .filter(|(_, value)| !value.is_zero())
            .map(|(&slot, &value)| (slot, value))
            .collect();
        let state = match fixture.pre.iter().find(|a| a.address == *address) {
            Some(pre) if fixture.storage_collisions.contains(address) => AccountState {
                balance: pre.balance,
                nonce: U256::from(pre.nonce),
                code: pre.code.clone(),
                storage: pre.storage.iter().copied().collect(),
            },
            _ => AccountState {
                balance: info.balance,
                nonce: U256::from(info.nonce),
                code,
                storage,
            },
        };
        if state != AccountState::default() {
            accounts.insert(*address, state);
        }
    }
    accounts
}

/// `fixture` as a blockchain-test file (`{ name: test }`), its `postState` computed by
/// revm. Panics if revm refuses a transaction or ends one otherwise than expected.
pub fn render(fixture: &Fixture) -> Value {
    let mut db = CacheDB::<EmptyDB>::default();
    let mut pre = Map::new();
    for account in &fixture.pre {
        let colliding = fixture.storage_collisions.contains(&account.address);
        let info = AccountInfo::default()
            .with_balance(account.balance)
            .with_nonce(if colliding { 1 } else { account.nonce })
            .with_code(Bytecode::new_raw(account.code.clone()));
        db.insert_account_info(account.address, info);
        for &(slot, value) in &account.storage {
            db.insert_account_storage(account.address, slot, value)
                .expect("the in-memory database cannot fail");
        }
        let storage = account.storage.iter().copied().collect();
        pre.insert(
            account.address.to_string().to_lowercase(),
            account_json(account.balance, account.nonce, &account.code, &storage),
        );
    }
    let genesis_root = state_root(&accounts_of(&db, fixture));
    let spec = fixture.spec;
    let mut blocks = Vec::new();
    for block in &fixture.blocks {
        let context = || {
            Context::mainnet()
                .modify_cfg_chained(|cfg| cfg.set_spec_and_mainnet_gas_params(spec))
                .modify_block_chained(|env| {
                    env.number = U256::from(block.number);
                    env.timestamp = U256::from(block.timestamp);
                    env.beneficiary = block.coinbase;
                    env.basefee = block.base_fee;
                    env.gas_limit = BLOCK_GAS_LIMIT;
                    env.prevrandao = Some(block.prevrandao);
                    env.difficulty = U256::ZERO;
                })
        };
        let system_calls = [
            (SpecId::PRAGUE, HISTORY_STORAGE, block.parent_hash),
            (SpecId::CANCUN, BEACON_ROOTS, block.parent_beacon_block_root),
        ];
        for (fork, contract, data) in system_calls {
            let Some(data) = data.filter(|_| spec.is_enabled_in(fork)) else {
                continue;
            };
            let mut executed = context()
                .with_db(&mut db)
                .build_mainnet()
                .system_call(contract, Bytes::copy_from_slice(data.as_slice()))
                .unwrap_or_else(|err| panic!("{}: system call: {err:?}", fixture.name));
            assert!(
                executed.result.is_success(),
                "{}: system call of {contract}: {:?}",
                fixture.name,
                executed.result
            );
            executed.state.remove(&SYSTEM_ADDRESS);
            executed.state.remove(&block.coinbase);
            db.commit(executed.state);
        }
        // A rejected block leaves the state as it was.
        let before = db.clone();
        let mut transactions = Vec::new();
        let mut gas_used = 0;
        let mut rejected = None;
        for (t, tx) in block.txs.iter().enumerate() {
            let at = format!("{}: block {} transaction {t}", fixture.name, block.number);
            let nonce = db
                .basic_ref(tx.sender)
                .expect("the in-memory database cannot fail")
                .unwrap_or_default()
                .nonce;
            let access_list = AccessList(
                (tx.access_list.iter())
                    .map(|(address, slots)| AccessListItem {
                        address: *address,
                        storage_keys: slots.iter().map(|slot| B256::from(*slot)).collect(),
                    })
                    .collect(),
            );
            let max_fee = match tx.priority_fee {
                Some(_) => 2 * GAS_PRICE,
                None => GAS_PRICE,
            };
            let tx_env = TxEnv::builder()
                .caller(tx.sender)
                .kind(tx.to.map_or(TxKind::Create, TxKind::Call))
                .data(tx.data.clone())
                .value(tx.value)
                .gas_limit(tx.gas_limit)
                .gas_price(max_fee as u128)
                .gas_priority_fee(tx.priority_fee.map(u128::from))
                .access_list(access_list.clone())
                .nonce(nonce)
                .build()
                .unwrap_or_else(|err| panic!("{at}: {err:?}"));
            let executed = context().with_db(&mut db).build_mainnet().transact(tx_env);
            let ended = match &executed {
                Ok(executed) => match executed.result {
                    ExecutionResult::Success { .. } => Expect::Success,
                    ExecutionResult::Revert { .. } => Expect::Revert,
                    ExecutionResult::Halt { .. } => Expect::Halt,
                },
                Err(_) => Expect::Invalid,
            };
            assert_eq!(ended, tx.expect, "{at}: {executed:?}");
            match executed {
                Ok(executed) => {
                    gas_used += executed.result.tx_gas_used();
                    db.commit(executed.state);
                }
                Err(error) => rejected = Some(format!("{error:?}")),
            }
            let mut rendered = json!({
                "data": hex(&tx.data),
                "gasLimit": quantity(tx.gas_limit),
                "nonce": quantity(nonce),
                "to": tx.to.map(|to| to.to_string().to_lowercase()).unwrap_or_default(),
                "value": quantity(tx.value),
                "sender": tx.sender.to_string().to_lowercase(),
            });
            match tx.priority_fee {
                Some(priority) => {
                    rendered["maxFeePerGas"] = quantity(max_fee).into();
                    rendered["maxPriorityFeePerGas"] = quantity(priority).into();
                }
                None => rendered["gasPrice"] = quantity(GAS_PRICE).into(),
            }
            if !tx.access_list.is_empty() {
                let items = (tx.access_list.iter()).map(|(address, slots)| {
                    let keys: Vec<String> = (slots.iter())
                        .map(|slot| B256::from(*slot).to_string())
                        .collect();
                    json!({ "address": address.to_string().to_lowercase(), "storageKeys": keys })
                });
                rendered["accessList"] = items.collect::<Vec<_>>().into();
            }
            transactions.push(rendered);
        }
        if rejected.is_some() {
            assert!(
                block.withdrawals.is_empty(),
                "{}: a rejected block",
                fixture.name
            );
            db = before;
        }
        let mut withdrawals = Vec::new();
        for (index, &(address, gwei)) in block.withdrawals.iter().enumerate() {
            assert!(
                spec.is_enabled_in(SpecId::SHANGHAI),
                "withdrawals before Shanghai"
            );
            withdrawals.push(json!({
                "index": quantity(index),
                "validatorIndex": quantity(index),
                "address": address.to_string().to_lowercase(),
                "amount": quantity(gwei),
            }));
            if gwei == 0 {
                continue;
            }
            let mut info = db
                .basic_ref(address)
                .expect("the in-memory database cannot fail")
                .unwrap_or_default();
            info.balance += U256::from(gwei) * U256::from(1_000_000_000u64);
            db.insert_account_info(address, info);
        }
        let mut header = json!({
            "stateRoot": state_root(&accounts_of(&db, fixture)).to_string(),
            "coinbase": block.coinbase.to_string().to_lowercase(),
            "number": quantity(block.number),
            "timestamp": quantity(block.timestamp),
            "gasLimit": quantity(BLOCK_GAS_LIMIT),
            "gasUsed": quantity(gas_used),
            "baseFeePerGas": quantity(block.base_fee),
            "difficulty": "0x0",
            "mixHash": block.prevrandao.to_string(),
        });
        if let Some(hash) = block.parent_hash {
            header["parentHash"] = hash.to_string().into();
        }
        if let Some(root) = block.parent_beacon_block_root {
            header["parentBeaconBlockRoot"] = root.to_string().into();
        }
        let mut rendered = json!({
            "blockHeader": header,
            "transactions": transactions,
        });
        if !withdrawals.is_empty() {
            rendered["withdrawals"] = withdrawals.into();
        }
        if let Some(exception) = rejected {
            rendered["expectException"] = exception.into();
        }
        blocks.push(rendered);
    }
    let post: Map<String, Value> = (accounts_of(&db, fixture).iter())
        .map(|(address, account)| (address.to_string().to_lowercase(), state_json(account)))
        .collect();
    let test = json!({
        "_info": {
            "comment": fixture.comment,
            "generatedBy": "evmove tests/src/blockchain_fixtures.rs: postState computed by revm",
        },
        "network": network(spec),
        "sealEngine": "NoProof",
        "genesisBlockHeader": { "stateRoot": genesis_root.to_string() },
        "pre": pre,
        "blocks": blocks,
        "postState": post,
    });
    json!({ fixture.name: test })
}
