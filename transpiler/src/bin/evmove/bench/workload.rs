//! The built-in workloads of `evmove bench`, generated from the corpus (`tests/contracts`):
//! the pre-state (contracts deployed by transactions on the Move runtime, then balances
//! written straight into storage) and the block of transactions.

use std::collections::BTreeMap;

use alloy_dyn_abi::{DynSolValue, JsonAbiExt};
use alloy_json_abi::JsonAbi;
use alloy_primitives::{hex, keccak256, Address, Bytes, B256, U256};
use clap::ValueEnum;
use evmove_runtime::{Account, BlockEnv, InMemoryState, Runtime, Status, Transaction};

/// The corpus artifacts the workloads deploy (solc 0.8, optimizer on, legacy code generator).
const TOKEN_ARTIFACT: &str =
    include_str!("../../../../../tests/contracts/artifacts/legacy-opt/Token.json");
const WETH_ARTIFACT: &str =
    include_str!("../../../../../tests/contracts/artifacts/legacy-opt/WrappedEther.json");
const POOL_ARTIFACT: &str =
    include_str!("../../../../../tests/contracts/artifacts/legacy-opt/Pool.json");
const MATH_ARTIFACT: &str =
    include_str!("../../../../../tests/contracts/artifacts/legacy-opt/MathLib.json");
const COLLECTIONS_ARTIFACT: &str =
    include_str!("../../../../../tests/contracts/artifacts/legacy-opt/Collections.json");

/// Storage slot of `balanceOf` in the corpus `Token` (after name, symbol, totalSupply, owner).
const TOKEN_BALANCES_SLOT: u64 = 4;
/// Storage slot of `allowance` in the corpus `Token` (after `balanceOf`).
const TOKEN_ALLOWANCES_SLOT: u64 = 5;
/// Storage slot of `balanceOf` in the corpus `WrappedEther` (its other fields are constants).
const WETH_BALANCES_SLOT: u64 = 0;
/// Storage slots of `reserve0` and `reserve1` in the corpus `Pool` (its tokens are immutables).
const POOL_RESERVE_SLOTS: [u64; 2] = [0, 1];
/// The most pools the AMM workload deploys (beyond that, swaps hardly conflict anyway).
const MAX_POOLS: usize = 1024;

/// Gas budget of every transaction of a workload.
pub const TX_GAS: u64 = 1_000_000;

/// A built-in workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// ERC20 `transfer`s: transaction `k` from sender `k mod N` to recipient `k mod N`
    /// (senders and recipients apart), so transactions `N` apart conflict and others do not.
    Erc20,
    /// WrappedEther: senders `k mod N`, even ones `deposit` (value credited to the contract),
    /// odd ones `withdraw` (the contract pays out: its balance is read and written).
    Weth,
    /// ERC20 transfers along a chain: transaction `k` sends account `k` the tokens it just
    /// received from account `k - 1` on to account `k + 1`; every transaction depends on the
    /// one before.
    Chain,
    /// AMM swaps: trader `k` swaps on constant-product pool `k mod N` (N pools of one token
    /// pair, at most 1,024), token0 for token1 and back in turns; swaps on one pool conflict
    /// (its reserves and token balances), others do not.
    Amm,
    /// 256-bit math and loops, in turns: FullMath.mulDiv with a 512-bit intermediate,
    /// a Collatz loop (111 steps and more), and EXP (`powUnchecked`), each on arguments of
    /// its own; senders `k mod N`, no storage written, so only a sender's transactions
    /// conflict.
    Compute,
}

/// A workload's pre-state and block.
pub struct Workload {
    /// The state before the block.
    pub state: InMemoryState,
    /// The block's transactions.
    pub txns: Vec<Transaction>,
    /// What the workload is, in words.
    pub description: String,
}

/// A compiled corpus contract: its ABI and creation code.
struct Artifact {
    abi: JsonAbi,
    initcode: Bytes,
}

fn artifact(json: &str, name: &str) -> Result<Artifact, String> {
    let file: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let contract = &file["contracts"][name];
    let abi = serde_json::from_value(contract["abi"].clone()).map_err(|e| e.to_string())?;
    let object = contract["evm"]["bytecode"]["object"]
        .as_str()
        .ok_or_else(|| format!("the corpus artifact has no bytecode for {name}"))?;
    let initcode = hex::decode(object).map_err(|e| e.to_string())?.into();
    Ok(Artifact { abi, initcode })
}

/// A deterministic address in a family (`tag`) by index, away from the precompiles.
fn address(tag: u8, index: usize) -> Address {
    let mut bytes = [0; 20];
    bytes[0] = tag;
    bytes[12..].copy_from_slice(&(index as u64).to_be_bytes());
    Address::from(bytes)
}

const DEPLOYER: u8 = 0xd0;
const SENDER: u8 = 0xa0;
const RECIPIENT: u8 = 0xb0;

/// The storage slot of `mapping(address => uint256)` at `slot` for `key`.
fn mapping_slot(key: Address, slot: u64) -> U256 {
    nested_slot(key, U256::from(slot))
}

/// The storage slot for `key` of a mapping whose slot is `slot`.
fn nested_slot(key: Address, slot: U256) -> U256 {
    let mut preimage = [0u8; 64];
    preimage[12..32].copy_from_slice(key.as_slice());
    preimage[32..].copy_from_slice(&slot.to_be_bytes::<32>());
    U256::from_be_bytes(keccak256(preimage).0)
}

fn selector(signature: &str) -> [u8; 4] {
    let hash: B256 = keccak256(signature);
    [hash[0], hash[1], hash[2], hash[3]]
}

fn calldata(signature: &str, words: &[U256]) -> Bytes {
    let mut data = selector(signature).to_vec();
    for word in words {
        data.extend_from_slice(&word.to_be_bytes::<32>());
    }
    data.into()
}

fn word(address: Address) -> U256 {
    U256::from_be_slice(address.as_slice())
}

fn ether(n: u64) -> U256 {
    U256::from(n) * U256::from(1_000_000_000_000_000_000u64)
}

/// Deploys `initcode` from the deployer on the runtime; the contract's address.
fn deploy(
    runtime: &Runtime,
    block: &BlockEnv,
    state: &mut InMemoryState,
    initcode: Bytes,
) -> Result<Address, String> {
    let tx = Transaction {
        sender: address(DEPLOYER, 0),
        data: initcode,
        gas_limit: evmove_runtime::exec::fees::TX_GAS_LIMIT_CAP,
        ..Transaction::default()
    };
    let outcome = runtime
        .execute(&*state, block, &tx)
        .map_err(|e| e.to_string())?;
    match (outcome.status, outcome.created) {
        (Status::Success, Some(created)) => {
            state.apply(&outcome.write_set);
            Ok(created)
        }
        (status, _) => Err(format!("deploying a corpus contract failed: {status:?}")),
    }
}

/// Deploys the corpus `Token` with a supply of 10^9 ether held by the deployer; its address.
fn deploy_token(
    runtime: &Runtime,
    block: &BlockEnv,
    state: &mut InMemoryState,
) -> Result<Address, String> {
    let token = artifact(TOKEN_ARTIFACT, "Token")?;
    let supply = ether(1_000_000_000);
    let args = [
        DynSolValue::String("Bench".into()),
        DynSolValue::String("BEN".into()),
        DynSolValue::Uint(supply, 256),
    ];
    let constructor = token
        .abi
        .constructor
        .as_ref()
        .ok_or("Token: no constructor")?;
    let encoded = constructor
        .abi_encode_input(&args)
        .map_err(|e| e.to_string())?;
    let initcode = [token.initcode.as_ref(), &encoded].concat().into();
    let at = deploy(runtime, block, state, initcode)?;
    // The layout assumed here must be the contract's: the supply is where the deployer's
    // balance should be.
    if state.slot(at, mapping_slot(address(DEPLOYER, 0), TOKEN_BALANCES_SLOT)) != supply {
        return Err("Token's balanceOf is not at the expected storage slot".into());
    }
    Ok(at)
}

/// Accounts holding 1 ether each, for senders.
fn fund(state: &mut InMemoryState, accounts: impl IntoIterator<Item = Address>) {
    for account in accounts {
        let funded = Account {
            nonce: 0,
            balance: ether(1),
        };
        state.set_account(account, funded);
    }
}

impl Kind {
    /// Builds the workload: `size` transactions, `accounts` senders (the contention knob;
    /// ignored by `Chain`).
    pub fn build(
        self,
        runtime: &Runtime,
        block: &BlockEnv,
        size: usize,
        accounts: usize,
    ) -> Result<Workload, String> {
        let accounts = accounts.clamp(1, size.max(1));
        let mut state = InMemoryState::new();
        fund(&mut state, [address(DEPLOYER, 0)]);
        let tx = |sender, to, value, data| Transaction {
            sender,
            to: Some(to),
            value,
            data,
            gas_limit: TX_GAS,
            ..Transaction::default()
        };
        match self {
            Kind::Erc20 | Kind::Chain => {
                let at = deploy_token(runtime, block, &mut state)?;
                let transfer = |to: Address, amount: U256| {
                    calldata("transfer(address,uint256)", &[word(to), amount])
                };
                let amount = U256::from(1_000u64);
                let (txns, description) = if self == Kind::Erc20 {
                    let senders: Vec<Address> = (0..accounts).map(|i| address(SENDER, i)).collect();
                    fund(&mut state, senders.iter().copied());
                    for &sender in &senders {
                        let slot = mapping_slot(sender, TOKEN_BALANCES_SLOT);
                        state.set_slot(at, slot, amount * U256::from(size));
                    }
                    let txns = (0..size)
                        .map(|k| {
                            let recipient = address(RECIPIENT, k % accounts);
                            tx(
                                senders[k % accounts],
                                at,
                                U256::ZERO,
                                transfer(recipient, amount),
                            )
                        })
                        .collect();
                    let description = format!(
                        "ERC20 transfers, {accounts} senders to {accounts} recipients \
                         (transactions {accounts} apart conflict)"
                    );
                    (txns, description)
                } else {
                    let chain: Vec<Address> = (0..=size).map(|i| address(SENDER, i)).collect();
                    fund(&mut state, chain.iter().copied());
                    state.set_slot(at, mapping_slot(chain[0], TOKEN_BALANCES_SLOT), amount);
                    let txns = (0..size)
                        .map(|k| tx(chain[k], at, U256::ZERO, transfer(chain[k + 1], amount)))
                        .collect();
                    let description =
                        "ERC20 transfers along a chain (each depends on the one before)".into();
                    (txns, description)
                };
                Ok(Workload {
                    state,
                    txns,
                    description,
                })
            }
            Kind::Amm => {
                let tokens = [
                    deploy_token(runtime, block, &mut state)?,
                    deploy_token(runtime, block, &mut state)?,
                ];
                let pool = artifact(POOL_ARTIFACT, "Pool")?;
                let constructor = pool
                    .abi
                    .constructor
                    .as_ref()
                    .ok_or("Pool: no constructor")?;
                let args = tokens.map(DynSolValue::Address);
                let encoded = constructor
                    .abi_encode_input(&args)
                    .map_err(|e| e.to_string())?;
                let initcode: Bytes = [pool.initcode.as_ref(), &encoded].concat().into();
                let pools = accounts.min(MAX_POOLS);
                let reserve = ether(1_000);
                let mut addresses = Vec::with_capacity(pools);
                for _ in 0..pools {
                    let at = deploy(runtime, block, &mut state, initcode.clone())?;
                    for (token, slot) in tokens.iter().zip(POOL_RESERVE_SLOTS) {
                        state.set_slot(*token, mapping_slot(at, TOKEN_BALANCES_SLOT), reserve);
                        state.set_slot(at, U256::from(slot), reserve);
                    }
                    addresses.push(at);
                }
                let traders: Vec<Address> = (0..size).map(|i| address(SENDER, i)).collect();
                fund(&mut state, traders.iter().copied());
                let amount = U256::from(1_000_000u64);
                // Each trader holds `amount` of both tokens, all of it allowed to its pool.
                for (k, &trader) in traders.iter().enumerate() {
                    let pool = addresses[k % pools];
                    for token in tokens {
                        let balance = mapping_slot(trader, TOKEN_BALANCES_SLOT);
                        state.set_slot(token, balance, amount);
                        let allowances = mapping_slot(trader, TOKEN_ALLOWANCES_SLOT);
                        state.set_slot(token, nested_slot(pool, allowances), amount);
                    }
                }
                let txns = (0..size)
                    .map(|k| {
                        let zero_for_one = U256::from((k / pools).is_multiple_of(2));
                        let swap = calldata(
                            "swap(bool,uint256,uint256)",
                            &[zero_for_one, amount, U256::ZERO],
                        );
                        tx(traders[k], addresses[k % pools], U256::ZERO, swap)
                    })
                    .collect();
                let description = format!(
                    "AMM swaps on {pools} constant-product pools of one token pair, each \
                     trader swapping once (transactions {pools} apart conflict)"
                );
                Ok(Workload {
                    state,
                    txns,
                    description,
                })
            }
            Kind::Compute => {
                let math = artifact(MATH_ARTIFACT, "MathHarness")?;
                let collections = artifact(COLLECTIONS_ARTIFACT, "Collections")?;
                let math = deploy(runtime, block, &mut state, math.initcode)?;
                let collections = deploy(runtime, block, &mut state, collections.initcode)?;
                let senders: Vec<Address> = (0..accounts).map(|i| address(SENDER, i)).collect();
                fund(&mut state, senders.iter().copied());
                let big = U256::MAX / U256::from(3);
                let txns = (0..size)
                    .map(|k| {
                        let n = U256::from(k);
                        let (to, data) = match k % 3 {
                            0 => (
                                math,
                                calldata(
                                    "mulDiv(uint256,uint256,uint256)",
                                    &[big - n, big - U256::from(7), big + U256::from(11)],
                                ),
                            ),
                            1 => (
                                collections,
                                calldata("collatzSteps(uint256)", &[U256::from(27 + k % 64)]),
                            ),
                            _ => (
                                math,
                                calldata(
                                    "powUnchecked(uint256,uint256)",
                                    &[U256::from(3 + k % 5), U256::from(100 + k % 50)],
                                ),
                            ),
                        };
                        tx(senders[k % accounts], to, U256::ZERO, data)
                    })
                    .collect();
                let description = format!(
                    "256-bit math and loops (mulDiv, Collatz from 27, EXP) in turns, \
                     {accounts} senders (transactions {accounts} apart conflict)"
                );
                Ok(Workload {
                    state,
                    txns,
                    description,
                })
            }
            Kind::Weth => {
                let weth = artifact(WETH_ARTIFACT, "WrappedEther")?;
                let at = deploy(runtime, block, &mut state, weth.initcode)?;
                let senders: Vec<Address> = (0..accounts).map(|i| address(SENDER, i)).collect();
                fund(&mut state, senders.iter().copied());
                for &sender in &senders {
                    state.set_slot(at, mapping_slot(sender, WETH_BALANCES_SLOT), ether(1));
                }
                let held = Account {
                    nonce: 1,
                    balance: ether(accounts as u64),
                };
                state.set_account(at, held);
                let wad = U256::from(1_000_000u64);
                let txns = (0..size)
                    .map(|k| {
                        let index = k % accounts;
                        let sender = senders[index];
                        match index % 2 {
                            0 => tx(sender, at, wad, calldata("deposit()", &[])),
                            _ => tx(
                                sender,
                                at,
                                U256::ZERO,
                                calldata("withdraw(uint256)", &[wad]),
                            ),
                        }
                    })
                    .collect();
                let description = format!(
                    "WrappedEther deposits and withdrawals, {accounts} senders (every \
                     withdrawal reads the contract's balance)"
                );
                Ok(Workload {
                    state,
                    txns,
                    description,
                })
            }
        }
    }
}

/// An account's nonce and balance, code, and non-zero storage slots.
pub type FullAccount = (Account, Bytes, Vec<(U256, U256)>);

/// Every account, code and slot of `state`, by address (for the revm pre-state).
pub fn accounts_of(state: &InMemoryState) -> BTreeMap<Address, FullAccount> {
    use evmove_runtime::{StateKey, StateValue};
    let mut accounts: BTreeMap<Address, FullAccount> = BTreeMap::new();
    for (key, value) in state.iter() {
        match (key, value) {
            (StateKey::Account(a), StateValue::Account(account)) => {
                accounts.entry(*a).or_default().0 = *account;
            }
            (StateKey::Code(a), StateValue::Code(code)) => {
                accounts.entry(*a).or_default().1 = code.bytes.clone();
            }
            (StateKey::Slot(a, slot), StateValue::Slot(value)) => {
                accounts.entry(*a).or_default().2.push((*slot, *value));
            }
            _ => {}
        }
    }
    accounts
}
