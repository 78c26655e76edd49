//! The natives' gas against revm's, operation by operation, at Cancun and at pre-Berlin forks
//! (Petersburg, Istanbul), and at Frontier, where the VMTests run, with the operations
//! Frontier has.
//!
//! A scenario is a sequence of operations. revm runs the program made of the first `k` of
//! them for every `k`; the gas an operation adds, less the static gas of its instructions that
//! the transpiled code's sections charge (revm's base table, the fork-priced opcodes aside:
//! `host::gas::FORK_PRICED`), is what its native must charge. The natives run the same
//! operations in order on one host over the same state, and each one's charge and refund must
//! be revm's. Calls and creations go to accounts without code (a callee that uses no gas,
//! initcode of zeros that stops at once), so the callee's side is known: it returns all its
//! gas, stipend included.
//!
//! These tests call the natives' functions directly, so they measure the natives' own
//! charges only (the sections' are `evmove::lift::gas`'s, tested in `evmove-tests`).

mod common;

use std::{cell::Cell, rc::Rc};

use alloy_primitives::{Address, Bytes, U256};
use common::revm_driver::{Revm, GAS_LIMIT};
use evmove_runtime::{
    host::{
        calls::{CallInputs, Calls, CreateInputs},
        context::{Frame, Host},
        gas::{Deposit, Schedule, FORK_PRICED},
        native::{FrameExtension, NativeCtx},
        outcome::{Fatal, FrameEnd, FrameResult, HaltReason},
    },
    journal::Journal,
    natives::{call, env, frame::HostFn, halt, log, memory, storage},
    Account, BlockEnv, InMemoryState, SpecId, Transaction,
};
use revm::{
    bytecode::{opcode, OpCode},
    context::result::ExecutionResult,
    interpreter::gas_table,
};

const SENDER: Address = Address::repeat_byte(0x5e);
/// The account whose code the operations run in.
const TARGET: Address = Address::repeat_byte(0x7a);
/// An account with code (and no balance).
const CONTRACT: Address = Address::repeat_byte(0xc0);
/// An account with a balance and no code.
const FUNDED: Address = Address::repeat_byte(0xf0);
/// A precompile (identity): always warm.
const PRECOMPILE: Address = Address::with_last_byte(4);

const CONTRACT_CODE: &[u8] = &[0x60, 0x2a, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3];

/// An address no state holds.
fn empty(n: u8) -> Address {
    Address::with_last_byte(0x40 + n)
}

/// The slots `TARGET` holds before the scenarios.
fn target_slots() -> Vec<(U256, U256)> {
    vec![
        (U256::from(2), U256::from(5)),
        (U256::from(4), U256::from(1)),
    ]
}

/// The forks every scenario runs under.
const FORKS: [SpecId; 3] = [SpecId::PETERSBURG, SpecId::ISTANBUL, SpecId::CANCUN];

/// One EVM operation: its opcode, its operands (top of the stack first, as its native takes
/// them), and its native.
#[derive(Clone)]
struct Op {
    opcode: u8,
    args: Vec<U256>,
    native: HostFn,
}

fn op(opcode: u8, native: HostFn, args: &[u64]) -> Op {
    let args = args.iter().map(|&arg| U256::from(arg)).collect();
    Op {
        opcode,
        args,
        native,
    }
}

impl Op {
    /// With an address operand at `index` (too wide for `op`'s u64 operands).
    fn address_at(mut self, index: usize, address: Address) -> Self {
        self.args[index] = U256::from_be_slice(address.as_slice());
        self
    }

    /// The EVM code: the operands pushed (deepest first), the opcode, and a POP of its
    /// result.
    fn code(&self) -> Vec<u8> {
        let mut code = Vec::new();
        for arg in self.args.iter().rev() {
            code.push(opcode::PUSH32);
            code.extend_from_slice(&arg.to_be_bytes::<32>());
        }
        code.push(self.opcode);
        if OpCode::new(self.opcode).unwrap().outputs() > 0 {
            code.push(opcode::POP);
        }
        code
    }
}

/// The static gas the transpiled code's sections charge for `code`: revm's base table for
/// every instruction but the fork-priced ones, whose natives charge theirs.
fn sections(code: &[u8]) -> u64 {
    let table = gas_table();
    let mut total = 0;
    let mut pc = 0;
    while let Some(&op) = code.get(pc) {
        if !FORK_PRICED.contains(&op) {
            total += u64::from(table[usize::from(op)]);
        }
        pc += 1 + OpCode::new(op).map_or(0, |op| op.info().immediate_size() as usize);
    }
    total
}

/// Calldata that no program reads, making revm's refund cap (a fifth or half of the gas
/// spent) too high to bind.
fn padding() -> Vec<u8> {
    vec![0xff; 16_384]
}

/// What revm charges and refunds for each operation of `ops` at `spec`: the gas each adds
/// beyond its sections' static gas, and the refund it adds.
fn revm_charges(spec: SpecId, ops: &[Op]) -> Vec<(u64, i64)> {
    let measures: Vec<(u64, i64)> = (0..=ops.len())
        .map(|k| {
            let mut code: Vec<u8> = ops[..k].iter().flat_map(Op::code).collect();
            code.push(opcode::STOP);
            let mut revm = Revm::with_code(&[]).at(spec);
            revm.set_account(SENDER, U256::from(10u64.pow(18)), &[], &[]);
            revm.set_account(TARGET, U256::from(1000), &code, &target_slots());
            revm.set_account(CONTRACT, U256::ZERO, CONTRACT_CODE, &[]);
            revm.set_account(FUNDED, U256::from(7), &[], &[]);
            let result = revm.call(SENDER, TARGET, U256::ZERO, &padding());
            let ExecutionResult::Success { gas, .. } = result else {
                panic!("revm at {spec:?} after {k} operations: {result:?}");
            };
            (gas.total_gas_spent(), gas.inner_refunded() as i64)
        })
        .collect();
    (ops.iter().zip(measures.windows(2)))
        .map(|(op, pair)| {
            let ((before, refund_before), (after, refund_after)) = (pair[0], pair[1]);
            (
                after - before - sections(&op.code()),
                refund_after - refund_before,
            )
        })
        .collect()
}

/// The state of the scenarios, as the host reads it.
fn host_state() -> InMemoryState {
    let mut state = InMemoryState::new();
    let balance = |balance: u64, nonce| Account {
        nonce,
        balance: U256::from(balance),
    };
    state.set_account(SENDER, balance(10u64.pow(18), 0));
    state.set_account(TARGET, balance(1000, 1));
    state.set_code(TARGET, Bytes::from_static(&[opcode::STOP]));
    for (slot, value) in target_slots() {
        state.set_slot(TARGET, slot, value);
    }
    state.set_account(CONTRACT, balance(0, 1));
    state.set_code(CONTRACT, Bytes::from_static(CONTRACT_CODE));
    state.set_account(FUNDED, balance(7, 0));
    state
}

/// Runs calls and creations as revm runs them on accounts without code: the value moves, the
/// callee uses no gas and returns it all.
struct Codeless;

impl Calls for Codeless {
    fn call(&self, host: &Host<'_>, inputs: CallInputs) -> Result<FrameResult, Fatal> {
        let (view, spec) = (host.view, host.block.spec);
        let moved =
            (host.journal()).transfer(view, inputs.caller, inputs.target, inputs.transfer, spec);
        assert!(host.state(moved)?, "the caller can pay");
        Ok(FrameResult {
            end: FrameEnd::Return(Bytes::new()),
            gas_left: inputs.gas_limit,
            created: None,
        })
    }

    fn create(&self, _: &Host<'_>, inputs: CreateInputs) -> Result<FrameResult, Fatal> {
        assert!(
            inputs.initcode.iter().all(|&byte| byte == 0),
            "initcode that stops"
        );
        Ok(FrameResult {
            end: FrameEnd::Return(Bytes::new()),
            gas_left: inputs.gas_limit,
            created: Some(Address::repeat_byte(0xcc)),
        })
    }
}

/// What the natives charge and refund for each operation of `ops` at `spec`, run in order in
/// one frame of `TARGET` (as the Move meter does, each charge is taken from the frame's gas
/// before the next); and how the frame ended, if an operation ended it.
fn host_charges(spec: SpecId, ops: &[Op]) -> (Vec<(u64, i64)>, Option<FrameEnd>) {
    let state = host_state();
    let block = BlockEnv {
        spec,
        ..BlockEnv::default()
    };
    let tx = Transaction {
        sender: SENDER,
        to: Some(TARGET),
        gas_limit: GAS_LIMIT,
        ..Transaction::default()
    };
    let host = Host::new(&state, &block, &tx, Journal::new());
    let frame = Frame {
        address: TARGET,
        caller: SENDER,
        value: U256::ZERO,
        input: Bytes::new(),
        code: Bytes::from_static(&[opcode::STOP]),
        is_static: false,
        depth: 0,
        gas: Rc::new(Cell::new(GAS_LIMIT)),
        ..Frame::default()
    };
    let mut extension = FrameExtension {
        host: &host,
        calls: &Codeless,
        frame,
    };
    let mut charges = Vec::new();
    for op in ops {
        let refund = host.journal().refund();
        let mut ctx = NativeCtx::new(&mut extension);
        let result = (op.native)(&mut ctx, &op.args);
        let cost = ctx.cost;
        let gas = &extension.frame.gas;
        gas.set(gas.get() - cost);
        charges.push((cost, host.journal().refund() - refund));
        if result.is_err() {
            break;
        }
    }
    (charges, extension.frame.end.take())
}

/// Every operation of `ops` charges and refunds what revm does, at every fork of `forks`.
fn assert_charges_match_revm(forks: &[SpecId], ops: &[Op]) {
    for &spec in forks {
        let expected = revm_charges(spec, ops);
        let (charges, end) = host_charges(spec, ops);
        assert!(
            end.as_ref().is_none_or(FrameEnd::is_success),
            "{spec:?}: the frame ended as {end:?}"
        );
        for (i, op) in ops.iter().enumerate() {
            assert_eq!(
                charges.get(i),
                Some(&expected[i]),
                "{spec:?}, operation {i} ({}{:?}): (charge, refund)",
                OpCode::new(op.opcode).unwrap(),
                op.args,
            );
        }
    }
}

#[test]
fn sload_is_cold_then_warm() {
    let ops = [
        op(opcode::SLOAD, storage::sload, &[1]),
        op(opcode::SLOAD, storage::sload, &[1]),
        op(opcode::SLOAD, storage::sload, &[2]),
    ];
    assert_charges_match_revm(&FORKS, &ops);
}

#[test]
fn sstore_follows_net_metering_with_its_refunds() {
    let sstore = |slot, value| op(opcode::SSTORE, storage::sstore, &[slot, value]);
    // Slot 1 is zero before the transaction, slot 2 holds 5, slot 4 holds 1.
    let ops = [
        sstore(1, 0), // no-op on a zero slot (cold)
        sstore(1, 7), // 0 -> 7: set
        sstore(1, 8), // dirty
        sstore(1, 0), // back to its original zero: refund
        sstore(2, 5), // no-op on a non-zero slot (cold)
        sstore(2, 0), // clear: refund
        sstore(2, 6), // un-clear: the refund taken back
        sstore(2, 5), // back to its original value: refund
        op(opcode::SLOAD, storage::sload, &[4]),
        sstore(4, 0), // clear a slot warmed by SLOAD
        sstore(3, 9), // set a cold zero slot
    ];
    assert_charges_match_revm(&FORKS, &ops);
}

#[test]
fn sstore_with_the_stipend_left_runs_out_of_gas_from_istanbul() {
    for (spec, sentry) in [(SpecId::PETERSBURG, false), (SpecId::CANCUN, true)] {
        for (left, halts) in [(2_300, sentry), (2_301, false)] {
            let state = host_state();
            let block = BlockEnv {
                spec,
                ..BlockEnv::default()
            };
            let tx = Transaction::default();
            let host = Host::new(&state, &block, &tx, Journal::new());
            // A warm no-op SSTORE costs 100 (Cancun) or 5,000 (Petersburg): only the sentry
            // can stop the one at Cancun.
            host.journal().warm_slot(TARGET, U256::from(2));
            let mut extension = FrameExtension {
                host: &host,
                calls: &Codeless,
                frame: Frame {
                    address: TARGET,
                    caller: SENDER,
                    value: U256::ZERO,
                    input: Bytes::new(),
                    code: Bytes::new(),
                    is_static: false,
                    depth: 0,
                    gas: Rc::new(Cell::new(left)),
                    ..Frame::default()
                },
            };
            let mut ctx = NativeCtx::new(&mut extension);
            let result = storage::sstore(&mut ctx, &[U256::from(2), U256::from(5)]);
            let out_of_gas = result.is_err()
                && extension.frame.end == Some(FrameEnd::Halt(HaltReason::OutOfGas));
            let expected = halts || spec == SpecId::PETERSBURG;
            assert_eq!(out_of_gas, expected, "{spec:?} with {left} left");
        }
    }
    // revm agrees at Cancun: an SSTORE reached with 2,300 left halts, with 2,301 it does not.
    for (extra, succeeds) in [(2_300, false), (2_301, true)] {
        // SLOAD(2) warms the slot; SSTORE(2, 5) is a warm no-op.
        let code = [
            0x60, 0x02, 0x54, 0x50, // PUSH1 2 SLOAD POP
            0x60, 0x05, 0x60, 0x02, 0x55, 0x00, // PUSH1 5 PUSH1 2 SSTORE STOP
        ];
        let before_sstore = 21_000 + 3 + 2_100 + 2 + 3 + 3;
        let mut revm = Revm::with_code(&[(TARGET, &code)]).at(SpecId::CANCUN);
        revm.set_account(TARGET, U256::ZERO, &code, &target_slots());
        let result =
            revm.call_with_gas_limit(SENDER, TARGET, U256::ZERO, &[], before_sstore + extra);
        assert_eq!(result.is_success(), succeeds, "{extra} left: {result:?}");
    }
}

#[test]
fn memory_grows_and_copies_hashes_and_logs_cost_as_in_revm() {
    let ops = [
        op(opcode::MSTORE, memory::mstore, &[0, 1]),
        op(opcode::MSTORE, memory::mstore, &[32, 1]),
        op(opcode::MSTORE, memory::mstore, &[32, 2]),
        op(opcode::MLOAD, memory::mload, &[1000]),
        op(opcode::MSTORE8, memory::mstore8, &[5000, 1]),
        op(opcode::KECCAK256, memory::keccak, &[0, 10_000]),
        op(opcode::KECCAK256, memory::keccak, &[0, 0]),
        op(opcode::CALLDATACOPY, env::calldatacopy, &[20_000, 0, 100]),
        op(opcode::CODECOPY, env::codecopy, &[100, 0, 65]),
        op(
            opcode::RETURNDATACOPY,
            env::returndatacopy,
            &[1 << 40, 0, 0],
        ),
        op(opcode::LOG0, log::log, &[1 << 40, 0]),
        op(opcode::LOG2, log::log, &[30_000, 333, 1, 2]),
        op(opcode::LOG4, log::log, &[0, 64, 1, 2, 3, 4]),
    ];
    assert_charges_match_revm(&FORKS, &ops);
    let mcopy = [
        op(opcode::MCOPY, memory::mcopy, &[40_000, 0, 1000]),
        op(opcode::MCOPY, memory::mcopy, &[0, 100, 31]),
    ];
    assert_charges_match_revm(&[SpecId::CANCUN], &mcopy);
}

#[test]
fn account_reads_are_cold_then_warm() {
    let at = |opcode, native: HostFn, address| op(opcode, native, &[0]).address_at(0, address);
    let ops = [
        at(opcode::BALANCE, env::balance, CONTRACT),
        at(opcode::BALANCE, env::balance, CONTRACT),
        at(opcode::BALANCE, env::balance, PRECOMPILE),
        at(opcode::BALANCE, env::balance, SENDER),
        at(opcode::EXTCODESIZE, env::extcodesize, FUNDED),
        at(opcode::EXTCODEHASH, env::extcodehash, FUNDED),
        at(opcode::EXTCODEHASH, env::extcodehash, empty(1)),
        op(opcode::EXTCODECOPY, env::extcodecopy, &[0, 64, 0, 50]).address_at(0, empty(2)),
        op(opcode::EXTCODECOPY, env::extcodecopy, &[0, 0, 2, 40]).address_at(0, CONTRACT),
        at(opcode::EXTCODESIZE, env::extcodesize, TARGET),
    ];
    assert_charges_match_revm(&FORKS, &ops);
}

#[test]
fn calls_charge_value_new_accounts_and_cold_targets_and_return_the_stipend() {
    let gas = u64::MAX;
    let call_to = |opcode, native: HostFn, value: Option<u64>, address| {
        let args = match value {
            Some(value) => vec![gas, 0, value, 0, 64, 100, 32],
            None => vec![gas, 0, 0, 64, 100, 32],
        };
        op(opcode, native, &args).address_at(1, address)
    };
    let ops = [
        call_to(opcode::CALL, call::call, Some(0), FUNDED), // cold, no value
        call_to(opcode::CALL, call::call, Some(1), FUNDED), // warm, value, not empty
        call_to(opcode::CALL, call::call, Some(1), empty(1)), // cold, value to an empty account
        call_to(opcode::CALL, call::call, Some(0), empty(2)), // cold empty account, no value
        call_to(opcode::CALL, call::call, Some(1), empty(1)), // no longer empty
        call_to(opcode::CALLCODE, call::callcode, Some(1), empty(3)), // never a new account
        call_to(opcode::DELEGATECALL, call::delegatecall, None, empty(4)),
        call_to(opcode::STATICCALL, call::staticcall, None, empty(4)),
        op(opcode::CALL, call::call, &[1000, 0, 0, 0, 0, 0, 0]).address_at(1, FUNDED),
    ];
    assert_charges_match_revm(&FORKS, &ops);
}

#[test]
fn creations_charge_initcode_words_and_hashing_around_the_limits() {
    let create = |size| op(opcode::CREATE, call::create, &[0, 0, size]);
    let create2 = |size, salt| op(opcode::CREATE2, call::create2, &[0, 0, size, salt]);
    let ops = [
        create(0),
        create(1),
        create(33),
        create2(0, 1),
        create2(100, 2),
        create(49_152),
        create2(49_152, 3),
    ];
    assert_charges_match_revm(&FORKS, &ops);
    // Before Shanghai initcode has no limit (EIP-3860): one byte more is only memory.
    let over = [create(49_153), create2(49_153, 4)];
    assert_charges_match_revm(&[SpecId::PETERSBURG, SpecId::ISTANBUL], &over);
}

#[test]
fn initcode_over_the_limit_halts_from_shanghai() {
    for native in [call::create as HostFn, call::create2] {
        let (_, end) = host_charges(
            SpecId::CANCUN,
            &[op(opcode::CREATE2, native, &[0, 0, 49_153, 0])],
        );
        assert!(
            matches!(end, Some(FrameEnd::Halt(HaltReason::CodeRejected(_)))),
            "{end:?}"
        );
    }
    let mut code = op(opcode::CREATE, call::create, &[0, 0, 49_153]).code();
    code.push(opcode::STOP);
    let mut revm = Revm::with_code(&[(TARGET, &code)]).at(SpecId::CANCUN);
    let result = revm.call(SENDER, TARGET, U256::ZERO, &[]);
    assert!(matches!(result, ExecutionResult::Halt { .. }), "{result:?}");
}

#[test]
fn selfdestruct_charges_cold_and_new_beneficiaries_and_refunds_before_london() {
    let to = |beneficiary| {
        vec![op(opcode::SELFDESTRUCT, halt::selfdestruct, &[0]).address_at(0, beneficiary)]
    };
    for beneficiary in [empty(1), FUNDED, SENDER, TARGET, PRECOMPILE] {
        assert_charges_match_revm(&FORKS, &to(beneficiary));
    }
    // Without a balance, an empty beneficiary costs nothing more (EIP-161).
    let drain = op(opcode::CALL, call::call, &[0, 0, 1000, 0, 0, 0, 0]).address_at(1, FUNDED);
    let mut ops = vec![drain];
    ops.extend(to(empty(2)));
    assert_charges_match_revm(&FORKS, &ops);
}

/// Frontier (the VMTests' fork): its own prices (SLOAD 50, the account reads 20, the calls
/// 40, SELFDESTRUCT free), calls forwarding what they ask for (no 63/64 rule), a new account
/// costing a call even without value (no EIP-161).
#[test]
fn frontier_charges_as_revm() {
    let call_to = |opcode, native: HostFn, value, address| {
        op(opcode, native, &[5000, 0, value, 0, 64, 100, 32]).address_at(1, address)
    };
    let ops = [
        op(opcode::SLOAD, storage::sload, &[1]),
        op(opcode::SLOAD, storage::sload, &[2]),
        op(opcode::SSTORE, storage::sstore, &[1, 7]),
        op(opcode::SSTORE, storage::sstore, &[2, 0]),
        op(opcode::BALANCE, env::balance, &[0]).address_at(0, CONTRACT),
        op(opcode::EXTCODESIZE, env::extcodesize, &[0]).address_at(0, CONTRACT),
        op(opcode::EXTCODECOPY, env::extcodecopy, &[0, 0, 2, 40]).address_at(0, CONTRACT),
        op(opcode::KECCAK256, memory::keccak, &[0, 1000]),
        op(opcode::CALLDATACOPY, env::calldatacopy, &[2000, 0, 100]),
        op(opcode::LOG2, log::log, &[3000, 333, 1, 2]),
        call_to(opcode::CALL, call::call, 0, FUNDED),
        call_to(opcode::CALL, call::call, 1, FUNDED),
        call_to(opcode::CALL, call::call, 0, empty(1)),
        call_to(opcode::CALL, call::call, 1, empty(2)),
        call_to(opcode::CALLCODE, call::callcode, 1, empty(3)),
        op(opcode::SELFDESTRUCT, halt::selfdestruct, &[0]).address_at(0, empty(4)),
    ];
    assert_charges_match_revm(&[SpecId::FRONTIER], &ops);
}

#[test]
fn code_deposits_cost_and_fail_as_in_revm() {
    // A constructor returning `len` bytes of memory it grew to 64 bytes alike.
    let returning = |len: u8| [0x60, 0x00, 0x60, 0x3f, 0x53, 0x60, len, 0x60, 0x00, 0xf3];
    let spent = |spec, initcode: &[u8]| {
        let mut revm = Revm::with_code(&[]).at(spec);
        match revm.create(SENDER, initcode) {
            ExecutionResult::Success { gas, .. } => Some(gas.total_gas_spent()),
            _ => None,
        }
    };
    let forks = [FORKS.as_slice(), &[SpecId::BERLIN, SpecId::LONDON]].concat();
    for spec in forks {
        let schedule = Schedule::new(spec);
        let deposit =
            |len| GAS_LIMIT - schedule.deposit(&vec![0; len], GAS_LIMIT).unwrap().gas_left;
        let revm = spent(spec, &returning(64)).unwrap() - spent(spec, &returning(32)).unwrap();
        assert_eq!(deposit(64) - deposit(32), revm, "{spec:?}");
        // EIP-170 (24,577 bytes of zeros) and EIP-3541 (a leading 0xEF): rejected where revm
        // fails the creation.
        let too_large = [0x61, 0x60, 0x01, 0x60, 0x00, 0xf3];
        let ef = [0x60, 0xef, 0x60, 0x00, 0x53, 0x60, 0x01, 0x60, 0x00, 0xf3];
        for (initcode, code) in [(&too_large[..], vec![0; 0x6001]), (&ef[..], vec![0xef])] {
            let deposited = schedule.deposit(&code, GAS_LIMIT).is_ok();
            assert_eq!(deposited, spent(spec, initcode).is_some(), "{spec:?}");
        }
    }
    let schedule = Schedule::new(SpecId::CANCUN);
    assert_eq!(schedule.deposit(&[1; 10], 1_999), Err(HaltReason::OutOfGas));
}

/// A deposit the gas cannot pay fails the creation from Homestead (EIP-2); at Frontier the
/// creation succeeds without the code and without paying for it, in revm and here.
#[test]
fn an_unpaid_deposit_fails_from_homestead_and_drops_the_code_before() {
    // A constructor returning 64 bytes of zeros: a deposit of 12,800.
    let initcode = [0x60, 0x40, 0x60, 0x00, 0xf3];
    let deposit = 12_800;
    for (spec, fails) in [(SpecId::FRONTIER, false), (SpecId::HOMESTEAD, true)] {
        let mut revm = Revm::with_code(&[]).at(spec);
        let ExecutionResult::Success { gas, .. } = revm.create(SENDER, &initcode) else {
            panic!("revm at {spec:?} with gas enough");
        };
        let enough = gas.total_gas_spent();
        let mut revm = Revm::with_code(&[]).at(spec);
        match revm.create_with_gas_limit(SENDER, &initcode, enough - 1) {
            ExecutionResult::Success { gas, .. } => {
                assert!(!fails, "{spec:?}");
                assert_eq!(gas.total_gas_spent(), enough - deposit, "{spec:?}");
            }
            result => assert!(fails, "{spec:?}: {result:?}"),
        }
        let ours = Schedule::new(spec).deposit(&[0; 64], deposit - 1);
        let expected = match fails {
            true => Err(HaltReason::OutOfGas),
            false => Ok(Deposit {
                gas_left: deposit - 1,
                code_kept: false,
            }),
        };
        assert_eq!(ours, expected, "{spec:?}");
    }
}
