//! A transaction's own gas and fees (`evmove_runtime::exec::fees`) against revm's: the same
//! transaction on the same state in both, under several forks, must end the same (status,
//! gas used) and leave the same balances (sender, recipient, coinbase); an invalid one must
//! be refused by both.

use alloy_primitives::{Address, Bytes, B256, U256};
use evmove::provider::OnDemand;
use evmove_runtime::{
    exec::fees::blob_basefee, Account, BlockEnv, InMemoryState, Runtime, SpecId, Status,
    Transaction, TxError, DEFAULT_PUBLISHER,
};
use revm::{
    context::{
        result::ExecutionResult,
        transaction::{AccessList, AccessListItem},
        Context, TxEnv,
    },
    database::{CacheDB, EmptyDB},
    primitives::{eip4844, TxKind},
    state::{AccountInfo, Bytecode},
    DatabaseCommit, DatabaseRef, ExecuteEvm, MainBuilder, MainContext,
};

const SENDER: Address = Address::repeat_byte(0x5e);
const COINBASE: Address = Address::repeat_byte(0xcb);
const CONTRACT: Address = Address::repeat_byte(0xc0);
const EOA: Address = Address::repeat_byte(0xe0);
const BASE_FEE: u64 = 7;
const BLOCK_GAS_LIMIT: u64 = 30_000_000;

/// The state both engines start from: a funded sender, and a contract with `code` and
/// `slots`.
struct Pre {
    sender_balance: U256,
    sender_nonce: u64,
    code: Bytes,
    slots: Vec<(U256, U256)>,
}

impl Pre {
    fn with_code(code: &[u8]) -> Self {
        Self {
            sender_balance: U256::from(10u128.pow(18)),
            sender_nonce: 3,
            code: Bytes::copy_from_slice(code),
            slots: Vec::new(),
        }
    }
}

/// The block both engines run in.
#[derive(Clone, Copy)]
struct Block {
    spec: SpecId,
    excess_blob_gas: u64,
}

fn at(spec: SpecId) -> Block {
    Block {
        spec,
        excess_blob_gas: 0,
    }
}

/// What a transaction did in one engine: status (`None`: refused), gas used, and the
/// balances of the sender, the called account and the coinbase after it.
#[derive(Debug, PartialEq, Eq)]
struct Result {
    status: Option<&'static str>,
    gas_used: u64,
    balances: [U256; 3],
}

fn evmove(runtime: &Runtime, pre: &Pre, block: Block, tx: &Transaction) -> Result {
    let mut state = InMemoryState::new();
    let sender = Account {
        nonce: pre.sender_nonce,
        balance: pre.sender_balance,
    };
    state.set_account(SENDER, sender);
    state.set_account(CONTRACT, Account::default());
    state.set_code(CONTRACT, pre.code.clone());
    for &(slot, value) in &pre.slots {
        state.set_slot(CONTRACT, slot, value);
    }
    let env = BlockEnv {
        coinbase: COINBASE,
        basefee: U256::from(BASE_FEE),
        blob_basefee: blob_basefee(block.excess_blob_gas, block.spec),
        gas_limit: BLOCK_GAS_LIMIT,
        spec: block.spec,
        ..BlockEnv::default()
    };
    let balances = |state: &InMemoryState| {
        let balance = |a| state.account(a).unwrap_or_default().balance;
        [
            balance(SENDER),
            balance(tx.to.unwrap_or(EOA)),
            balance(COINBASE),
        ]
    };
    match runtime.execute(&state, &env, tx) {
        Ok(outcome) => {
            outcome.apply_to(&mut state);
            Result {
                status: Some(match outcome.status {
                    Status::Success => "success",
                    Status::Revert => "revert",
                    Status::Halt(_) => "halt",
                }),
                gas_used: outcome.gas_used,
                balances: balances(&state),
            }
        }
        Err(TxError::Invalid(_)) => Result {
            status: None,
            gas_used: 0,
            balances: balances(&state),
        },
        Err(error) => panic!("evmove could not execute: {error}"),
    }
}

fn revm(pre: &Pre, block: Block, tx: &Transaction) -> Result {
    let mut db = CacheDB::<EmptyDB>::default();
    let sender = AccountInfo::default()
        .with_balance(pre.sender_balance)
        .with_nonce(pre.sender_nonce);
    db.insert_account_info(SENDER, sender);
    let contract = AccountInfo::default().with_code(Bytecode::new_raw(pre.code.clone()));
    db.insert_account_info(CONTRACT, contract);
    for &(slot, value) in &pre.slots {
        db.insert_account_storage(CONTRACT, slot, value).unwrap();
    }
    let fraction = if block.spec.is_enabled_in(SpecId::PRAGUE) {
        eip4844::BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE
    } else {
        eip4844::BLOB_BASE_FEE_UPDATE_FRACTION_CANCUN
    };
    let mut tx_env = TxEnv {
        caller: tx.sender,
        gas_limit: tx.gas_limit,
        gas_price: tx.gas_price.to(),
        kind: tx.to.map_or(TxKind::Create, TxKind::Call),
        value: tx.value,
        data: tx.data.clone(),
        nonce: tx.nonce.unwrap_or(pre.sender_nonce),
        access_list: AccessList(
            (tx.access_list.iter())
                .map(|(address, slots)| AccessListItem {
                    address: *address,
                    storage_keys: slots.iter().map(|slot| B256::from(*slot)).collect(),
                })
                .collect(),
        ),
        gas_priority_fee: tx.max_priority_fee_per_gas.map(|fee| fee.to()),
        blob_hashes: tx.blob_hashes.clone(),
        max_fee_per_blob_gas: tx.max_fee_per_blob_gas.unwrap_or_default().to(),
        ..TxEnv::default()
    };
    tx_env.derive_tx_type().unwrap();
    let executed = Context::mainnet()
        .with_db(&mut db)
        .modify_cfg_chained(|cfg| cfg.set_spec_and_mainnet_gas_params(block.spec))
        .modify_block_chained(|env| {
            env.beneficiary = COINBASE;
            env.basefee = BASE_FEE;
            env.gas_limit = BLOCK_GAS_LIMIT;
            env.prevrandao = Some(B256::ZERO);
            env.set_blob_excess_gas_and_price(block.excess_blob_gas, fraction);
        })
        .build_mainnet()
        .transact(tx_env);
    let (status, gas_used) = match executed {
        Ok(executed) => {
            let status = match executed.result {
                ExecutionResult::Success { .. } => "success",
                ExecutionResult::Revert { .. } => "revert",
                ExecutionResult::Halt { .. } => "halt",
            };
            let gas_used = executed.result.tx_gas_used();
            db.commit(executed.state);
            (Some(status), gas_used)
        }
        Err(_) => (None, 0),
    };
    let balance = |a| db.basic_ref(a).unwrap().unwrap_or_default().balance;
    Result {
        status,
        gas_used,
        balances: [
            balance(SENDER),
            balance(tx.to.unwrap_or(EOA)),
            balance(COINBASE),
        ],
    }
}

fn runtime() -> Runtime {
    Runtime::with_publisher(OnDemand::new(DEFAULT_PUBLISHER), DEFAULT_PUBLISHER)
        .expect("the runtime starts")
}

/// Runs `tx` in both engines and requires the same result; returns it.
fn agree(runtime: &Runtime, pre: &Pre, block: Block, tx: &Transaction, what: &str) -> Result {
    let expected = revm(pre, block, tx);
    let actual = evmove(runtime, pre, block, tx);
    assert_eq!(actual, expected, "{what} at {:?}", block.spec);
    expected
}

fn call(data: &[u8]) -> Transaction {
    Transaction {
        sender: SENDER,
        to: Some(CONTRACT),
        data: Bytes::copy_from_slice(data),
        gas_limit: 1_000_000,
        gas_price: U256::from(10),
        ..Transaction::default()
    }
}

/// `SSTORE(i, 0)` for slots 1..=5, each holding 1 before: five refunds. (No PUSH0 in the
/// test codes: it came with Shanghai, and evmove runs it at every fork.)
fn clear_five() -> Vec<u8> {
    (1..=5)
        .flat_map(|slot| [0x60, 0x00, 0x60, slot, 0x55])
        .collect()
}

fn clearer() -> Pre {
    let mut code = clear_five();
    code.push(0x00);
    Pre {
        slots: (1..=5).map(|i| (U256::from(i), U256::from(1))).collect(),
        ..Pre::with_code(&code)
    }
}

/// `SLOAD(0) SLOAD(1) ADD MSTORE(0, sum) RETURN(0, 32)`.
const READER: [u8; 15] = [
    0x60, 0x00, 0x54, 0x60, 0x01, 0x54, 0x01, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3,
];

#[test]
fn fees_refunds_and_the_tip_are_revms_at_every_fork() {
    let runtime = runtime();
    let forks = [
        SpecId::BERLIN,
        SpecId::LONDON,
        SpecId::SHANGHAI,
        SpecId::CANCUN,
        SpecId::PRAGUE,
        SpecId::OSAKA,
    ];
    for spec in forks {
        let block = at(spec);
        // A legacy call paying 10 a gas over a base fee of 7: before London the coinbase
        // gets the whole price, from London the 3 over the base fee.
        let paid = agree(
            &runtime,
            &Pre::with_code(&READER),
            block,
            &call(&[1, 0, 2]),
            "legacy",
        );
        assert_eq!(paid.status, Some("success"));
        // Refunds capped: a half of the gas used before London, a fifth from London.
        let refunded = agree(&runtime, &clearer(), block, &call(&[]), "refunds");
        assert_eq!(refunded.status, Some("success"));
        // A value transfer to a plain account, with calldata.
        let transfer = Transaction {
            to: Some(EOA),
            value: U256::from(12_345),
            data: Bytes::from_static(&[0, 0, 7, 0]),
            ..call(&[])
        };
        agree(
            &runtime,
            &Pre::with_code(&READER),
            block,
            &transfer,
            "transfer",
        );
        // A creation: 32,000 more, and from Shanghai the initcode words.
        let creation = Transaction {
            to: None,
            // SSTORE(0, 1) RETURN(0, 1): deploys one zero byte.
            data: Bytes::from_static(&[0x60, 0x01, 0x60, 0x00, 0x55, 0x60, 0x01, 0x60, 0x00, 0xf3]),
            ..call(&[])
        };
        agree(
            &runtime,
            &Pre::with_code(&READER),
            block,
            &creation,
            "creation",
        );
        // A revert keeps no refund; an exceptional halt uses all the gas.
        let mut reverting = clearer();
        reverting.code = [&clear_five()[..], &[0x60, 0x00, 0x80, 0xfd]]
            .concat()
            .into();
        let reverted = agree(&runtime, &reverting, block, &call(&[]), "revert");
        assert_eq!(reverted.status, Some("revert"));
        let halted = agree(
            &runtime,
            &Pre::with_code(&[0xfe]),
            block,
            &call(&[]),
            "halt",
        );
        assert_eq!((halted.status, halted.gas_used), (Some("halt"), 1_000_000));
        // The access list: its accounts and slots paid up front, then warm.
        let listed = Transaction {
            access_list: vec![(CONTRACT, vec![U256::ZERO]), (EOA, vec![])],
            ..call(&[])
        };
        agree(
            &runtime,
            &Pre::with_code(&READER),
            block,
            &listed,
            "access list",
        );
        if spec.is_enabled_in(SpecId::LONDON) {
            // EIP-1559: min(max fee, base fee + priority fee) a gas, the tip to the coinbase.
            for (max, priority) in [(20, 2), (8, 5), (7, 0)] {
                let dynamic = Transaction {
                    gas_price: U256::from(max),
                    max_priority_fee_per_gas: Some(U256::from(priority)),
                    ..call(&[1])
                };
                agree(
                    &runtime,
                    &Pre::with_code(&READER),
                    block,
                    &dynamic,
                    "EIP-1559",
                );
            }
        }
    }
}

#[test]
fn the_calldata_floor_applies_from_prague() {
    let runtime = runtime();
    // 1,000 bytes of calldata to code that does nothing: the EIP-7623 floor (10 a byte)
    // exceeds the standard cost (16 a byte) plus execution.
    let tx = call(&[0xff; 1000]);
    for spec in [SpecId::CANCUN, SpecId::PRAGUE] {
        let result = agree(&runtime, &Pre::with_code(&[0x00]), at(spec), &tx, "floor");
        let standard = 21_000 + 16 * 1000;
        let floor = 21_000 + 40 * 1000;
        let expected = if spec == SpecId::PRAGUE {
            floor
        } else {
            standard
        };
        assert_eq!(result.gas_used, expected, "{spec:?}");
    }
}

#[test]
fn blob_transactions_pay_the_blob_fee() {
    let runtime = runtime();
    // Version 1 (KZG) in the first byte, and version 2.
    let hash = |version: u8| B256::right_padding_from(&[version, 0xab, 0xcd]);
    let versioned = hash(eip4844::VERSIONED_HASH_VERSION_KZG);
    let blob = Transaction {
        gas_price: U256::from(20),
        max_priority_fee_per_gas: Some(U256::from(1)),
        max_fee_per_blob_gas: Some(U256::from(100)),
        blob_hashes: vec![versioned, versioned],
        ..call(&[])
    };
    let block = Block {
        spec: SpecId::CANCUN,
        excess_blob_gas: 10_000_000,
    };
    let pre = Pre::with_code(&READER);
    let paid = agree(&runtime, &pre, block, &blob, "blob");
    assert_eq!(paid.status, Some("success"));
    // Invalid: a blob price above the max, a hash of another version, no blobs.
    let cheap = Transaction {
        max_fee_per_blob_gas: Some(U256::from(1)),
        ..blob.clone()
    };
    let unversioned = Transaction {
        blob_hashes: vec![hash(2)],
        ..blob.clone()
    };
    for (tx, what) in [(cheap, "blob price"), (unversioned, "hash version")] {
        assert_eq!(
            agree(&runtime, &pre, block, &tx, what).status,
            None,
            "{what}"
        );
    }
}

#[test]
fn invalid_transactions_are_refused_as_revm_refuses_them() {
    let runtime = runtime();
    let pre = Pre::with_code(&READER);
    let base = call(&[]);
    let cases = [
        (
            "nonce too low",
            Transaction {
                nonce: Some(2),
                ..base.clone()
            },
        ),
        (
            "nonce too high",
            Transaction {
                nonce: Some(4),
                ..base.clone()
            },
        ),
        (
            "gas limit × price beyond the balance",
            Transaction {
                gas_price: U256::from(10u128.pow(13)),
                ..base.clone()
            },
        ),
        (
            "value beyond the balance",
            Transaction {
                value: U256::from(10u128.pow(18)),
                ..base.clone()
            },
        ),
        (
            "intrinsic gas beyond the limit",
            Transaction {
                gas_limit: 20_999,
                ..base.clone()
            },
        ),
        (
            "gas limit beyond the block's",
            Transaction {
                gas_limit: BLOCK_GAS_LIMIT + 1,
                ..base.clone()
            },
        ),
        (
            "price below the base fee",
            Transaction {
                gas_price: U256::from(6),
                ..base.clone()
            },
        ),
        (
            "priority fee above the max fee",
            Transaction {
                gas_price: U256::from(8),
                max_priority_fee_per_gas: Some(U256::from(9)),
                ..base.clone()
            },
        ),
    ];
    for (what, tx) in &cases {
        assert_eq!(
            agree(&runtime, &pre, at(SpecId::CANCUN), tx, what).status,
            None,
            "{what}"
        );
    }
    // The nonce it carries, when right, is accepted.
    let right = Transaction {
        nonce: Some(3),
        ..base.clone()
    };
    assert!(
        agree(&runtime, &pre, at(SpecId::CANCUN), &right, "right nonce")
            .status
            .is_some()
    );
    // EIP-1559 before London; EIP-7825's cap from Osaka; EIP-7623's floor beyond the limit.
    let dynamic = Transaction {
        max_priority_fee_per_gas: Some(U256::from(1)),
        ..base.clone()
    };
    let capped = Transaction {
        gas_limit: 16_777_217,
        ..base.clone()
    };
    let floored = Transaction {
        gas_limit: 50_000,
        ..call(&[0xff; 1000])
    };
    for (tx, spec, what) in [
        (&dynamic, SpecId::BERLIN, "EIP-1559 before London"),
        (&capped, SpecId::OSAKA, "above EIP-7825's cap"),
        (&floored, SpecId::PRAGUE, "floor above the limit"),
    ] {
        assert_eq!(
            agree(&runtime, &pre, at(spec), tx, what).status,
            None,
            "{what}"
        );
    }
    // Under the cap before Osaka, and the floor before Prague, both are valid.
    assert!(agree(&runtime, &pre, at(SpecId::PRAGUE), &capped, "cap")
        .status
        .is_some());
    assert!(agree(&runtime, &pre, at(SpecId::CANCUN), &floored, "floor")
        .status
        .is_some());
}
