//! Scripted scenarios over every corpus contract: deploy, then calls (including reverts and
//! calls between contracts), each checking what it observes: status, return data, revert
//! data, logs, changed storage, balances, nonces and created contracts.
//!
//! The expectations are written from the contracts' source and the EVM's rules, not taken
//! from any engine, so every engine run through a [`Chain`] must meet them.

use crate::{
    corpus::{Contract, Setting},
    engine::Engine,
    outcome::{Status, Tx, TxOutcome},
    revm_oracle::RevmOracle,
};
use alloy_dyn_abi::{DynSolValue, JsonAbiExt};
use alloy_primitives::{address, keccak256, Address, Bytes, Log, B256, I256, U256};

const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
const BOB: Address = address!("0000000000000000000000000000000000000b0b");
const ETHER: u64 = 1_000_000_000_000_000_000;

fn ether(n: u64) -> U256 {
    U256::from(n) * U256::from(ETHER)
}

fn uint(n: u64) -> DynSolValue {
    DynSolValue::from(U256::from(n))
}

/// A `uint<bits>` value.
fn uint_n(n: u64, bits: usize) -> DynSolValue {
    DynSolValue::Uint(U256::from(n), bits)
}

fn int(n: i64) -> DynSolValue {
    DynSolValue::Int(I256::try_from(n).unwrap(), 256)
}

fn text(s: &str) -> DynSolValue {
    DynSolValue::String(s.to_string())
}

fn word(address: Address) -> B256 {
    address.into_word()
}

/// A chain on which a scenario runs, with corpus contracts compiled in one setting.
pub struct Chain<'e> {
    /// The engine executing the transactions.
    pub engine: Box<dyn Engine + 'e>,
    /// The compiler setting of the contracts the scenario deploys.
    pub setting: Setting,
}

impl<'e> Chain<'e> {
    /// A fresh chain on revm in which ALICE and BOB hold 100 ether each.
    pub fn new(setting: Setting) -> Self {
        Self::on(RevmOracle::new(), setting)
    }

    /// The same, on a given (empty) engine.
    pub fn on(mut engine: impl Engine + 'e, setting: Setting) -> Self {
        engine.fund(ALICE, ether(100));
        engine.fund(BOB, ether(100));
        Self {
            engine: Box::new(engine),
            setting,
        }
    }

    fn execute(&mut self, tx: Tx) -> TxOutcome {
        self.engine.execute(&tx).expect("a valid transaction")
    }

    /// Deploys contract `name` of `file`, asserting success; returns it and its address.
    fn deploy(&mut self, file: &str, name: &str, args: &[DynSolValue]) -> (Contract, Address) {
        let contract = Contract::load(self.setting, file, name);
        let outcome = self.execute(Tx::create(ALICE, contract.deploy_data(args)));
        assert_eq!(
            outcome.status,
            Status::Success,
            "{} deploys: {outcome:?}",
            self.setting
        );
        let address = outcome.created.expect("a creation reports its address");
        assert_eq!(outcome.created_contracts(), vec![address]);
        assert_eq!(
            outcome.changes[&address].code.as_ref(),
            Some(&outcome.output)
        );
        (contract, address)
    }

    fn send(
        &mut self,
        from: Address,
        (contract, to): &(Contract, Address),
        function: &str,
        args: &[DynSolValue],
        value: U256,
    ) -> TxOutcome {
        let tx = Tx::call(from, *to, contract.calldata(function, args)).with_value(value);
        self.execute(tx)
    }

    /// Calls `function` from `from`, asserting success; returns the decoded results.
    fn call(
        &mut self,
        from: Address,
        target: &(Contract, Address),
        function: &str,
        args: &[DynSolValue],
    ) -> Vec<DynSolValue> {
        let outcome = self.send(from, target, function, args, U256::ZERO);
        assert_eq!(
            outcome.status,
            Status::Success,
            "{} {function}: {outcome:?}",
            self.setting
        );
        target.0.decode_output(function, &outcome.output)
    }

    /// Calls `function` from `from`, asserting it reverts; returns the revert data.
    fn call_reverting(
        &mut self,
        from: Address,
        target: &(Contract, Address),
        function: &str,
        args: &[DynSolValue],
    ) -> Bytes {
        let outcome = self.send(from, target, function, args, U256::ZERO);
        assert_eq!(
            outcome.status,
            Status::Revert,
            "{} {function}: {outcome:?}",
            self.setting
        );
        assert!(outcome.logs.is_empty() && outcome.changes.keys().all(|a| *a == from));
        outcome.output
    }
}

/// Revert data of `require(false, message)`.
fn error_string(message: &str) -> Bytes {
    let selector = &keccak256("Error(string)")[..4];
    [
        selector,
        &DynSolValue::Tuple(vec![text(message)]).abi_encode_params(),
    ]
    .concat()
    .into()
}

/// Revert data of a compiler panic with `code` (0x11 overflow, 0x12 division by zero, ...).
fn panic_code(code: u64) -> Bytes {
    let selector = &keccak256("Panic(uint256)")[..4];
    [selector, &uint(code).abi_encode()].concat().into()
}

/// Revert data of custom error `name` of `contract` with `args`.
fn custom_error(contract: &Contract, name: &str, args: &[DynSolValue]) -> Bytes {
    contract.abi.errors[name][0]
        .abi_encode_input(args)
        .expect("arguments match the error")
        .into()
}

/// The log of event `name` of `contract` emitted by `emitter`.
fn event(
    contract: &Contract,
    emitter: Address,
    name: &str,
    indexed: &[B256],
    data: &[DynSolValue],
) -> Log {
    let selector = contract.abi.events[name][0].selector();
    let topics = std::iter::once(selector)
        .chain(indexed.iter().copied())
        .collect();
    let data = DynSolValue::Tuple(data.to_vec()).abi_encode_params();
    Log::new(emitter, topics, data.into()).expect("at most four topics")
}

/// The storage slot of `mapping[key]` for a mapping declared at `slot`.
fn mapping_slot(key: Address, slot: u64) -> U256 {
    let mut preimage = [0u8; 64];
    preimage[..32].copy_from_slice(word(key).as_slice());
    preimage[32..].copy_from_slice(&U256::from(slot).to_be_bytes::<32>());
    keccak256(preimage).into()
}

fn uints(values: &[u64]) -> DynSolValue {
    DynSolValue::Array(values.iter().map(|&v| uint(v)).collect())
}

/// ERC20: transfers, approvals, allowance spending, owner-only mint, burn, and each revert kind.
pub fn token_transfers_approvals_and_reverts(chain: &mut Chain) {
    let setting = chain.setting;
    let token = chain.deploy(
        "Token",
        "Token",
        &[text("Evmove"), text("EVM"), uint(1_000)],
    );
    let (abi, address) = (token.0.clone(), token.1);

    assert_eq!(chain.call(BOB, &token, "name", &[]), vec![text("Evmove")]);
    assert_eq!(
        chain.call(BOB, &token, "balanceOf", &[ALICE.into()]),
        vec![uint(1_000)]
    );

    let transfer = chain.send(
        ALICE,
        &token,
        "transfer",
        &[BOB.into(), uint(250)],
        U256::ZERO,
    );
    assert_eq!(transfer.status, Status::Success);
    assert_eq!(
        abi.decode_output("transfer", &transfer.output),
        vec![true.into()]
    );
    assert_eq!(
        transfer.logs,
        vec![event(
            &abi,
            address,
            "Transfer",
            &[word(ALICE), word(BOB)],
            &[uint(250)]
        )]
    );
    // balanceOf is the mapping at slot 4 (name, symbol, totalSupply, owner come first).
    let storage = &transfer.changes[&address].storage;
    assert_eq!(storage.len(), 2, "{setting}: {storage:?}");
    assert_eq!(storage[&mapping_slot(ALICE, 4)], U256::from(750));
    assert_eq!(storage[&mapping_slot(BOB, 4)], U256::from(250));
    assert_eq!(
        transfer.changes[&ALICE].nonce,
        Some(2),
        "deploy, then transfer"
    );
    assert_eq!(
        chain.engine.storage(address, mapping_slot(BOB, 4)),
        U256::from(250)
    );

    let too_much = chain.call_reverting(BOB, &token, "transfer", &[ALICE.into(), uint(251)]);
    assert_eq!(
        too_much,
        custom_error(
            &abi,
            "InsufficientBalance",
            &[BOB.into(), uint(250), uint(251)]
        )
    );
    let to_zero = chain.call_reverting(ALICE, &token, "transfer", &[Address::ZERO.into(), uint(1)]);
    assert_eq!(to_zero, error_string("ERC20: transfer to zero address"));

    chain.call(ALICE, &token, "approve", &[BOB.into(), uint(100)]);
    assert_eq!(
        chain.call_reverting(
            BOB,
            &token,
            "transferFrom",
            &[ALICE.into(), BOB.into(), uint(101)]
        ),
        custom_error(
            &abi,
            "InsufficientAllowance",
            &[BOB.into(), uint(100), uint(101)]
        )
    );
    chain.call(
        BOB,
        &token,
        "transferFrom",
        &[ALICE.into(), BOB.into(), uint(60)],
    );
    assert_eq!(
        chain.call(BOB, &token, "allowance", &[ALICE.into(), BOB.into()]),
        vec![uint(40)]
    );
    assert_eq!(
        chain.call(BOB, &token, "balanceOf", &[BOB.into()]),
        vec![uint(310)]
    );

    assert_eq!(
        chain.call_reverting(BOB, &token, "mint", &[BOB.into(), uint(1)]),
        custom_error(&abi, "NotOwner", &[BOB.into()])
    );
    let overflow = chain.send(
        ALICE,
        &token,
        "mint",
        &[BOB.into(), DynSolValue::from(U256::MAX)],
        U256::ZERO,
    );
    assert_eq!(
        (overflow.status, overflow.output),
        (Status::Revert, panic_code(0x11))
    );
    chain.call(BOB, &token, "burn", &[uint(10)]);
    assert_eq!(chain.call(BOB, &token, "totalSupply", &[]), vec![uint(990)]);
}

/// WETH-style wrapper: deposits through deposit(), receive() and fallback(), withdrawals sending value.
pub fn wrapped_ether_moves_value_in_and_out(chain: &mut Chain) {
    let weth = chain.deploy("WrappedEther", "WrappedEther", &[]);
    let (abi, address) = (weth.0.clone(), weth.1);

    let deposit = chain.send(ALICE, &weth, "deposit", &[], ether(3));
    assert_eq!(deposit.status, Status::Success);
    assert_eq!(deposit.changes[&ALICE].balance, Some(ether(97)));
    assert_eq!(deposit.changes[&address].balance, Some(ether(3)));
    assert_eq!(
        deposit.logs,
        vec![event(
            &abi,
            address,
            "Deposit",
            &[word(ALICE)],
            &[ether(3).into()]
        )]
    );

    // A plain transfer (empty calldata) goes to receive(); unknown selectors to fallback().
    let plain = chain.execute(Tx::call(BOB, address, Bytes::new()).with_value(ether(1)));
    assert_eq!(plain.status, Status::Success);
    let unknown =
        chain.execute(Tx::call(BOB, address, vec![0xde, 0xad, 0xbe, 0xef]).with_value(ether(1)));
    assert_eq!(unknown.status, Status::Success);
    assert_eq!(
        chain.call(BOB, &weth, "balanceOf", &[BOB.into()]),
        vec![ether(2).into()]
    );
    assert_eq!(
        chain.call(BOB, &weth, "totalSupply", &[]),
        vec![ether(5).into()]
    );

    let withdraw = chain.send(ALICE, &weth, "withdraw", &[ether(1).into()], U256::ZERO);
    assert_eq!(withdraw.status, Status::Success);
    assert_eq!(withdraw.changes[&ALICE].balance, Some(ether(98)));
    assert_eq!(withdraw.changes[&address].balance, Some(ether(4)));
    assert_eq!(chain.engine.balance(address), ether(4));

    assert_eq!(
        chain.call_reverting(ALICE, &weth, "withdraw", &[ether(3).into()]),
        error_string("WETH: insufficient balance")
    );
    // Value sent to a non-payable function is rejected by the dispatcher.
    let not_payable = chain.send(ALICE, &weth, "approve", &[BOB.into(), uint(1)], ether(1));
    assert_eq!(
        (not_payable.status, not_payable.output),
        (Status::Revert, Bytes::new())
    );
}

/// Vault over a token (calls between contracts) and a reentrancy attack its guard stops.
pub fn vault_pulls_and_pushes_tokens_and_its_guard_stops_reentry(chain: &mut Chain) {
    let setting = chain.setting;
    let token = chain.deploy("Token", "Token", &[text("Asset"), text("AST"), uint(1_000)]);
    let vault = chain.deploy("Vault", "Vault", &[token.1.into()]);

    chain.call(ALICE, &token, "approve", &[vault.1.into(), uint(400)]);
    assert_eq!(
        chain.call(ALICE, &vault, "deposit", &[uint(300)]),
        vec![uint(300)]
    );
    assert_eq!(
        chain.call(ALICE, &vault, "totalAssets", &[]),
        vec![uint(300)]
    );
    assert_eq!(
        chain.call_reverting(ALICE, &vault, "withdraw", &[uint(301)]),
        custom_error(&vault.0, "InsufficientShares", &[uint(300), uint(301)])
    );
    let withdraw = chain.send(ALICE, &vault, "withdraw", &[uint(100)], U256::ZERO);
    assert_eq!(
        vault.0.decode_output("withdraw", &withdraw.output),
        vec![uint(100)]
    );
    // The token's Transfer comes first (inner call), then the vault's Withdraw.
    let emitters: Vec<Address> = withdraw.logs.iter().map(|log| log.address).collect();
    assert_eq!(emitters, vec![token.1, vault.1]);
    assert_eq!(
        chain.call(ALICE, &token, "balanceOf", &[ALICE.into()]),
        vec![uint(800)]
    );

    let attacker = chain.deploy("Vault", "VaultAttacker", &[vault.1.into()]);
    let attack = chain.send(BOB, &attacker, "attack", &[], ether(2));
    assert_eq!(attack.status, Status::Success, "{setting}: {attack:?}");
    assert_eq!(
        chain.call(BOB, &attacker, "reentryBlocked", &[]),
        vec![true.into()]
    );
    assert_eq!(
        chain.call(BOB, &attacker, "reentered", &[]),
        vec![false.into()]
    );
    assert_eq!(
        chain.call(BOB, &attacker, "lastRevertData", &[]),
        vec![DynSolValue::Bytes(
            error_string("Vault: reentrant call").to_vec()
        )]
    );
    assert_eq!(chain.engine.balance(attacker.1), ether(2));
    assert_eq!(chain.engine.balance(vault.1), U256::ZERO);
    assert_eq!(chain.call(BOB, &vault, "isLocked", &[]), vec![false.into()]);
}

/// Factory: CREATE and CREATE2 children with immutables, address prediction, a collision.
pub fn factory_creates_children_with_create_and_create2(chain: &mut Chain) {
    let setting = chain.setting;
    let factory = chain.deploy("Factory", "Factory", &[]);
    let child = Contract::load(setting, "Factory", "Child");

    let created = chain.send(BOB, &factory, "create", &[uint(7)], U256::ZERO);
    let expected = factory.1.create(1);
    assert_eq!(
        factory.0.decode_output("create", &created.output),
        vec![expected.into()]
    );
    assert_eq!(created.created_contracts(), vec![expected]);
    assert_eq!(
        created.changes[&factory.1].nonce,
        Some(2),
        "CREATE bumps the factory's nonce"
    );
    let code = created.changes[&expected].code.clone().unwrap();
    assert_eq!(code.len(), child.runtime_code.len());
    assert_ne!(
        code, child.runtime_code,
        "immutables are filled in by the constructor"
    );

    let salt = B256::repeat_byte(0x5a);
    let predicted = chain.call(BOB, &factory, "predict", &[uint(9), salt.into()]);
    let init_hash = keccak256(child.deploy_data(&[BOB.into(), uint(9)]));
    assert_eq!(predicted, vec![factory.1.create2(salt, init_hash).into()]);
    let created2 = chain.send(
        BOB,
        &factory,
        "create2",
        &[uint(9), salt.into()],
        U256::ZERO,
    );
    assert_eq!(
        created2.created_contracts(),
        vec![factory.1.create2(salt, init_hash)]
    );
    let again = chain.call_reverting(BOB, &factory, "create2", &[uint(9), salt.into()]);
    assert_eq!(
        again,
        Bytes::new(),
        "a CREATE2 collision fails the creation"
    );

    let child_at = (child.clone(), expected);
    assert_eq!(
        chain.call(ALICE, &child_at, "describe", &[]),
        vec![BOB.into(), factory.1.into(), uint(7), uint(0)]
    );
    assert_eq!(
        chain.call(BOB, &factory, "bumpChild", &[expected.into(), uint(5)]),
        vec![uint(5)]
    );
    assert_eq!(chain.call(ALICE, &child_at, "counter", &[]), vec![uint(5)]);
    assert_eq!(
        chain.call_reverting(ALICE, &child_at, "bump", &[uint(1)]),
        custom_error(&child, "NotOwner", &[ALICE.into()])
    );
    assert_eq!(
        chain.call(ALICE, &factory, "childSeedSquared", &[uint(1)]),
        vec![uint(9), uint(81)]
    );
    assert_eq!(
        chain.call_reverting(ALICE, &factory, "childSeedSquared", &[uint(2)]),
        panic_code(0x32)
    );
}

/// 256-bit math: mulDiv, modular, signed, shifts, sign extension, checked-arithmetic panics.
pub fn math_harness_matches_evm_arithmetic(chain: &mut Chain) {
    let max = U256::MAX;
    let min_int = I256::MIN;
    let word = DynSolValue::from;
    let signed = |v: I256| DynSolValue::Int(v, 256);
    let setting = chain.setting;
    let math = chain.deploy("MathLib", "MathHarness", &[]);
    let mut check = |function: &str, args: &[DynSolValue], expected: &[DynSolValue]| {
        assert_eq!(
            chain.call(ALICE, &math, function, args),
            expected,
            "{setting} {function}{args:?}"
        );
    };
    // (2^256 - 1)^2 / (2^256 - 1) needs the 512-bit intermediate.
    check("mulDiv", &[word(max), word(max), word(max)], &[word(max)]);
    let big = U256::from(1) << 200;
    check(
        "mulDiv",
        &[word(big), word(big), word(U256::from(1) << 160)],
        &[word(U256::from(1) << 240)],
    );
    check(
        "mulDivRoundingUp",
        &[uint(7), uint(3), uint(2)],
        &[uint(11)],
    );
    check(
        "mulMod",
        &[word(max), word(max), uint(7)],
        &[word(max.mul_mod(max, U256::from(7)))],
    );
    check(
        "addMod",
        &[word(max), uint(2), uint(10)],
        &[word(max.add_mod(U256::from(2), U256::from(10)))],
    );
    check(
        "powUnchecked",
        &[uint(3), uint(200)],
        &[word(U256::from(3).wrapping_pow(U256::from(200)))],
    );
    check(
        "pow",
        &[uint(3), uint(100)],
        &[word(U256::from(3).pow(U256::from(100)))],
    );
    check("shlAsm", &[uint(256), uint(1)], &[uint(0)]);
    check("shrAsm", &[uint(4), word(max)], &[word(max >> 4)]);
    check(
        "sarAsm",
        &[uint(300), signed(I256::MINUS_ONE)],
        &[signed(I256::MINUS_ONE)],
    );
    check("shiftRightSigned", &[int(-7), uint(1)], &[int(-4)]);
    check(
        "sdivUnchecked",
        &[signed(min_int), int(-1)],
        &[signed(min_int)],
    );
    check("sdivAsm", &[int(-7), int(0)], &[int(0), int(0)]);
    check("sdivAsm", &[int(-7), int(2)], &[int(-3), int(-1)]);
    check("toInt8AndBack", &[int(200)], &[int(-56)]);
    check(
        "signExtendAsm",
        &[uint(0), uint(0x80)],
        &[word(max - U256::from(0x7f))],
    );
    check("signExtendAsm", &[uint(31), uint(0x80)], &[uint(0x80)]);
    check("byteAt", &[uint(31), uint(0xab)], &[uint(0xab)]);
    check("byteAt", &[uint(32), word(max)], &[uint(0)]);
    check(
        "sqrt",
        &[word(U256::from(10).pow(U256::from(30)))],
        &[word(U256::from(10).pow(U256::from(15)))],
    );
    check("clamp", &[int(-50), int(-10), int(10)], &[int(-10)]);

    let panics = [
        ("mulDiv", vec![word(max), word(max), uint(1)], None),
        ("pow", vec![uint(3), uint(200)], Some(0x11)),
        ("powU8", vec![uint_n(2, 8), uint_n(8, 8)], Some(0x11)),
        ("add", vec![word(max), uint(1)], Some(0x11)),
        ("sub", vec![uint(0), uint(1)], Some(0x11)),
        ("negate", vec![signed(min_int)], Some(0x11)),
        ("sdiv", vec![signed(min_int), int(-1)], Some(0x11)),
        ("div", vec![uint(1), uint(0)], Some(0x12)),
        ("smod", vec![int(1), int(0)], Some(0x12)),
        ("mulMod", vec![uint(1), uint(1), uint(0)], Some(0x12)),
        (
            "bytes32At",
            vec![DynSolValue::FixedBytes(B256::ZERO, 32), uint(32)],
            Some(0x32),
        ),
    ];
    for (function, args, code) in panics {
        let data = chain.call_reverting(ALICE, &math, function, &args);
        match code {
            Some(code) => assert_eq!(data, panic_code(code), "{setting} {function}"),
            None => assert_eq!(
                data,
                custom_error(&math.0, "MulDivOverflow", &args),
                "{setting} {function}"
            ),
        }
    }
}

/// Loops, arrays, strings, packed structs and internal function pointers.
pub fn collections_loops_arrays_strings_structs_and_function_pointers(chain: &mut Chain) {
    let c = chain.deploy("Collections", "Collections", &[]);

    chain.call(ALICE, &c, "pushMany", &[uints(&[5, 3, 9, 1])]);
    assert_eq!(chain.call(ALICE, &c, "sum", &[]), vec![uint(18)]);
    chain.call(ALICE, &c, "sortValues", &[]);
    assert_eq!(
        chain.call(ALICE, &c, "getValues", &[]),
        vec![uints(&[1, 3, 5, 9])]
    );
    assert_eq!(
        chain.call(ALICE, &c, "foldValues", &[uint_n(1, 8)]),
        vec![uint(135)]
    );
    assert_eq!(
        chain.call(
            ALICE,
            &c,
            "fold",
            &[uint_n(2, 8), uint(4), uints(&[1, 7, 2])]
        ),
        vec![uint(7)]
    );
    assert_eq!(
        chain.call(ALICE, &c, "fold", &[uint_n(4, 8), uint(0), uints(&[6, 3])]),
        vec![uint(5)]
    );
    assert_eq!(
        chain.call_reverting(ALICE, &c, "fold", &[uint_n(5, 8), uint(0), uints(&[])]),
        panic_code(0x21)
    );
    assert_eq!(
        chain.call_reverting(ALICE, &c, "foldValues", &[uint_n(5, 8)]),
        panic_code(0x32)
    );
    assert_eq!(
        chain.call(ALICE, &c, "collatzSteps", &[uint(27)]),
        vec![uint(111)]
    );
    assert_eq!(
        chain.call(ALICE, &c, "range", &[uint(10), uint(5), uint(3)]),
        vec![uints(&[10, 15, 20])]
    );
    assert_eq!(
        chain.call(ALICE, &c, "reversed", &[uints(&[1, 2, 3])]),
        vec![uints(&[3, 2, 1])]
    );

    assert_eq!(
        chain.call(ALICE, &c, "toUpper", &[text("evMove!")]),
        vec![text("EVMOVE!")]
    );
    chain.call(
        ALICE,
        &c,
        "setNote",
        &[text("a note longer than thirty-one bytes, so it spills")],
    );
    chain.call(ALICE, &c, "appendNote", &[text(" over")]);
    let note = "a note longer than thirty-one bytes, so it spills over";
    assert_eq!(chain.call(ALICE, &c, "note", &[]), vec![text(note)]);
    assert_eq!(
        chain.call(ALICE, &c, "noteHash", &[]),
        vec![keccak256(note).into()]
    );

    let placed = chain.send(
        BOB,
        &c,
        "placeOrder",
        &[uint_n(500, 96), uint_n(1_000, 64)],
        U256::ZERO,
    );
    assert_eq!(
        c.0.decode_output("placeOrder", &placed.output),
        vec![uint(0)]
    );
    assert_eq!(
        placed.logs,
        vec![event(
            &c.0,
            c.1,
            "OrderPlaced",
            &[U256::ZERO.into(), word(BOB)],
            &[uint_n(500, 96), uint_n(1_000, 64)]
        )]
    );
    chain.call(ALICE, &c, "fillOrder", &[uint(0)]);
    assert_eq!(
        chain.call_reverting(ALICE, &c, "fillOrder", &[uint(0)]),
        custom_error(&c.0, "OrderAlreadyFilled", &[uint(0)])
    );
    assert_eq!(
        chain.call_reverting(ALICE, &c, "fillOrder", &[uint(1)]),
        panic_code(0x32)
    );
    assert_eq!(
        chain.call(ALICE, &c, "getOrder", &[uint(0)]),
        vec![DynSolValue::Tuple(vec![
            BOB.into(),
            uint_n(500, 96),
            uint_n(1_000, 64),
            true.into()
        ])]
    );

    for _ in 0..4 {
        chain.call(ALICE, &c, "pop", &[]);
    }
    assert_eq!(
        chain.call_reverting(ALICE, &c, "pop", &[]),
        panic_code(0x31)
    );
}

/// Transient storage lifetime, DELEGATECALL multicall, and MCOPY copies.
pub fn transient_storage_lives_for_one_transaction_and_mcopy_copies(chain: &mut Chain) {
    let t = chain.deploy("Transient", "TransientUser", &[]);

    assert_eq!(
        chain.call(ALICE, &t, "bumpTimes", &[uint(3)]),
        vec![uint(3)]
    );
    // A new transaction starts with empty transient storage, and nothing persisted.
    let bump = chain.send(ALICE, &t, "bump", &[], U256::ZERO);
    assert_eq!(t.0.decode_output("bump", &bump.output), vec![uint(1)]);
    assert!(
        !bump.changes.contains_key(&t.1),
        "transient writes are not state: {bump:?}"
    );

    let bump_call = t.0.calldata("bump", &[]);
    let multicall = chain.call(
        ALICE,
        &t,
        "multicall",
        &[DynSolValue::Array(vec![
            DynSolValue::Bytes(bump_call.to_vec()),
            DynSolValue::Bytes(bump_call.to_vec()),
        ])],
    );
    assert_eq!(
        multicall,
        vec![DynSolValue::Array(vec![
            DynSolValue::Bytes(uint(1).abi_encode()),
            DynSolValue::Bytes(uint(2).abi_encode()),
        ])]
    );

    let reentry = chain.call(ALICE, &t, "tryReenter", &[]);
    assert_eq!(
        reentry,
        vec![
            true.into(),
            DynSolValue::Bytes(custom_error(&t.0, "Reentrancy", &[]).to_vec())
        ]
    );
    assert_eq!(
        chain.call_reverting(ALICE, &t, "reenterOrRevert", &[]),
        custom_error(&t.0, "Reentrancy", &[])
    );
    assert_eq!(chain.call(ALICE, &t, "ping", &[]), vec![ALICE.into()]);
    assert_eq!(chain.call(ALICE, &t, "isLocked", &[]), vec![false.into()]);

    let data: Vec<u8> = (0u8..70).collect();
    let bytes = DynSolValue::Bytes(data.clone());
    assert_eq!(
        chain.call(ALICE, &t, "copy", std::slice::from_ref(&bytes)),
        vec![bytes.clone()]
    );
    assert_eq!(
        chain.call(ALICE, &t, "slice", &[bytes.clone(), uint(3), uint(40)]),
        vec![DynSolValue::Bytes(data[3..43].to_vec())]
    );
    assert_eq!(
        chain.call(ALICE, &t, "dropFront", &[bytes.clone(), uint(5)]),
        vec![DynSolValue::Bytes(data[5..].to_vec())]
    );
    assert_eq!(
        chain.call(
            ALICE,
            &t,
            "join",
            &[bytes.clone(), DynSolValue::Bytes(vec![0xff])]
        ),
        vec![DynSolValue::Bytes([&data[..], &[0xff]].concat())]
    );
    assert_eq!(
        chain.call_reverting(ALICE, &t, "slice", &[bytes, uint(60), uint(20)]),
        custom_error(&t.0, "SliceOutOfBounds", &[uint(60), uint(20), uint(70)])
    );
}

/// A scenario: transactions on a chain, each checked as it runs.
pub type Scenario = fn(&mut Chain<'_>);

/// Every scenario, by name.
pub const ALL: &[(&str, Scenario)] = &[
    (
        "token_transfers_approvals_and_reverts",
        token_transfers_approvals_and_reverts,
    ),
    (
        "wrapped_ether_moves_value_in_and_out",
        wrapped_ether_moves_value_in_and_out,
    ),
    (
        "vault_pulls_and_pushes_tokens_and_its_guard_stops_reentry",
        vault_pulls_and_pushes_tokens_and_its_guard_stops_reentry,
    ),
    (
        "factory_creates_children_with_create_and_create2",
        factory_creates_children_with_create_and_create2,
    ),
    (
        "math_harness_matches_evm_arithmetic",
        math_harness_matches_evm_arithmetic,
    ),
    (
        "collections_loops_arrays_strings_structs_and_function_pointers",
        collections_loops_arrays_strings_structs_and_function_pointers,
    ),
    (
        "transient_storage_lives_for_one_transaction_and_mcopy_copies",
        transient_storage_lives_for_one_transaction_and_mcopy_copies,
    ),
];

/// Pool: a constant-product pool of two corpus tokens (calls between contracts on every
/// operation, immutables): liquidity in, swaps both ways at the formula's prices, a slippage
/// revert with its custom error, a zero-input revert, liquidity out.
pub fn pool_adds_liquidity_swaps_both_ways_and_removes_it(chain: &mut Chain) {
    let setting = chain.setting;
    let supply = 1_000_000_000;
    let token0 = chain.deploy("Token", "Token", &[text("Zero"), text("T0"), uint(supply)]);
    let token1 = chain.deploy("Token", "Token", &[text("One"), text("T1"), uint(supply)]);
    let pool = chain.deploy("Pool", "Pool", &[token0.1.into(), token1.1.into()]);
    assert_eq!(chain.call(BOB, &pool, "token0", &[]), vec![token0.1.into()]);
    for token in [&token0, &token1] {
        chain.call(ALICE, token, "transfer", &[BOB.into(), uint(1_000_000)]);
        chain.call(ALICE, token, "approve", &[pool.1.into(), uint(supply)]);
        chain.call(BOB, token, "approve", &[pool.1.into(), uint(supply)]);
    }

    // sqrt(1e6 * 4e6) = 2e6 shares.
    let minted = chain.call(
        ALICE,
        &pool,
        "addLiquidity",
        &[uint(1_000_000), uint(4_000_000)],
    );
    assert_eq!(minted, vec![uint(2_000_000)], "{setting}");

    let amount_out = |amount_in: u64, reserve_in: u64, reserve_out: u64| {
        let with_fee = u128::from(amount_in) * 997;
        (with_fee * u128::from(reserve_out) / (u128::from(reserve_in) * 1000 + with_fee)) as u64
    };
    let out = amount_out(10_000, 1_000_000, 4_000_000);
    let swap = chain.send(
        BOB,
        &pool,
        "swap",
        &[true.into(), uint(10_000), uint(out)],
        U256::ZERO,
    );
    assert_eq!(swap.status, Status::Success, "{setting}: {swap:?}");
    assert_eq!(pool.0.decode_output("swap", &swap.output), vec![uint(out)]);
    // token0 comes in and token1 goes out (each token's Transfer), then the pool's Swap.
    let emitters: Vec<Address> = swap.logs.iter().map(|log| log.address).collect();
    assert_eq!(emitters, vec![token0.1, token1.1, pool.1], "{setting}");
    let (reserve0, reserve1) = (1_000_000 + 10_000, 4_000_000 - out);
    assert_eq!(
        chain.call(BOB, &pool, "reserve0", &[]),
        vec![uint(reserve0)]
    );
    assert_eq!(
        chain.call(BOB, &pool, "reserve1", &[]),
        vec![uint(reserve1)]
    );

    let back = amount_out(20_000, reserve1, reserve0);
    assert_eq!(
        chain.call_reverting(
            BOB,
            &pool,
            "swap",
            &[false.into(), uint(20_000), uint(back + 1)]
        ),
        custom_error(&pool.0, "Slippage", &[uint(back), uint(back + 1)])
    );
    assert_eq!(
        chain.call(
            BOB,
            &pool,
            "swap",
            &[false.into(), uint(20_000), uint(back)]
        ),
        vec![uint(back)]
    );
    assert_eq!(
        chain.call_reverting(BOB, &pool, "swap", &[true.into(), uint(0), uint(0)]),
        error_string("Pool: zero input")
    );
    assert_eq!(
        chain.call(BOB, &token1, "balanceOf", &[BOB.into()]),
        vec![uint(1_000_000 + out - 20_000)]
    );

    let (reserve0, reserve1) = (reserve0 - back, reserve1 + 20_000);
    let removed = chain.call(ALICE, &pool, "removeLiquidity", &[uint(1_000_000)]);
    assert_eq!(
        removed,
        vec![uint(reserve0 / 2), uint(reserve1 / 2)],
        "{setting}"
    );
    assert_eq!(
        chain.call(BOB, &pool, "totalShares", &[]),
        vec![uint(1_000_000)]
    );
}
