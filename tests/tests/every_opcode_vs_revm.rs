//! Nothing revm runs is missing from evmove: every opcode revm's table defines
//! (`OPCODE_INFO`, enumerated, no list kept here) runs as in revm, in both tiers, with its
//! results used — so an opcode whose native is missing, or whose result only the folding
//! computes, cannot hide behind a dead result (CLZ did: its native was missing, and the only
//! tests of it popped its result).
//!
//! The forks: evmove's newest, the one a block runs by default ([`BlockEnv`]'s, Osaka), and
//! for an opcode a later fork brought, the fork before it (a halt, as in revm). revm also knows
//! Amsterdam, whose opcodes (SLOTNUM, DUPN, SWAPN, EXCHANGE) come with a new gas schedule
//! evmove does not run yet: at evmove's newest fork revm does not run them either, and they
//! halt in both.
//!
//! The families:
//! - **Values** (everything below but jumps, calls and creations, terminating opcodes
//!   included): the program takes the opcode's operands from calldata, so nothing folds, and
//!   in a second program as constants, so the folded path runs; each of four operand sets
//!   (zeros; small numbers: valid offsets, sizes, shift amounts and indexes; edge words). Its
//!   results are stored to memory and returned with the memory below them (what a memory
//!   writer wrote); storage and logs are compared as state and logs. RETURN, REVERT, STOP,
//!   INVALID and SELFDESTRUCT end the frame with their operands, so their output (and the
//!   beneficiary's balance) is the result.
//! - **Jumps**: JUMP and JUMPI to targets calldata names (each JUMPDEST, a byte that is not
//!   one, a word past the code), JUMPI's condition from calldata, and both as constants; each
//!   landing returns its own value.
//! - **Calls**: each of CALL, CALLCODE, DELEGATECALL and STATICCALL calls a contract that
//!   writes storage and returns its caller, value and address, with the value and argument
//!   from calldata; the success, the return data and its size are returned.
//! - **Creations**: CREATE and CREATE2 of initcode in memory, the value, salt and initcode
//!   size from calldata (whole, cut short, none); the address and return data size returned.
//!   The corpus's factory (`move_vs_revm::factory_creates_children_with_create_and_create2`)
//!   and the recursion suite (`recursion_vs_revm`) cover both families in contracts.
//!
//! In the native tier every program must run as machine code: a frame left to the
//! interpreter fails the test, so a native missing from the tier's table is found too.

use alloy_primitives::{Address, Bytes, U256};
use evmove::evm::assemble;
use evmove_native::Tier;
use evmove_runtime::{Account, BlockEnv, SpecId};
use evmove_tests::{
    differential::difference,
    engine::Engine,
    evmove_engine::EvmoveEngine,
    outcome::{Status, Tx, TxOutcome},
    revm_oracle::RevmOracle,
};
use evmove_word::shim::gate::introduced_in;
use revm::bytecode::opcode::{self, OpCode, OPCODE_INFO};

const SENDER: Address = Address::repeat_byte(0x5e);
const PROGRAM: Address = Address::repeat_byte(0xc0);
/// The contract the call family calls.
const CALLEE: Address = Address::repeat_byte(0xca);
/// The balance the program starts with (it sends value and self-destructs).
const FUNDS: u64 = 1_000_000;
/// Memory the value programs fill before the opcode runs (so reads of it see something):
/// 64 bytes.
const FILL: [&str; 2] = [
    "0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20",
    "0xf1e1d1c1b1a191817161514131211101f0e0d0c0b0a090807060504030201000",
];
/// Where the value programs store the opcode's results.
const RESULTS: u64 = 0x400;

/// The fork evmove runs a block in unless told otherwise: its newest.
fn newest() -> SpecId {
    BlockEnv::default().spec
}

/// Every opcode revm's table defines.
fn defined() -> impl Iterator<Item = OpCode> {
    (OPCODE_INFO.iter().enumerate())
        .filter(|(_, info)| info.is_some())
        .map(|(op, _)| OpCode::new(op as u8).expect("defined"))
}

/// Whether revm runs `op` at `spec` (it halts `NotActivated` on one it does not).
fn revm_runs(op: OpCode, spec: SpecId) -> bool {
    let code = assemble(&format!(
        "{} {op}{}",
        "PUSH 0 ".repeat(op.inputs().into()),
        immediate(op)
    ))
    .expect("assembles");
    let mut revm = RevmOracle::with_spec(spec);
    revm.set_account(PROGRAM, U256::ZERO, 1, code.into());
    let outcome = Engine::execute(&mut revm, &call(Vec::new())).expect("revm runs it");
    outcome.status != Status::Halt("NotActivated".into())
}

/// `op`'s immediate as assembly: a PUSH's bytes (1, 2, 3, ... as many as it takes).
fn immediate(op: OpCode) -> String {
    match op.is_push() && op.get() != opcode::PUSH0 {
        true => {
            let width = op.get() - opcode::PUSH0;
            let bytes: String = (1..=width).map(|b| format!("{b:02x}")).collect();
            format!(" 0x{bytes}")
        }
        false => String::new(),
    }
}

/// The operand sets: zeros, small numbers (offsets, sizes, shift amounts and indexes that
/// stay inside a few hundred bytes) and edge words, `inputs` of each.
fn operand_sets(inputs: usize) -> [Vec<U256>; 4] {
    let edges = [
        U256::MAX,
        U256::from(1) << 255,
        U256::from(0x1f),
        U256::ZERO,
        (U256::from(1) << 128) - U256::from(1),
        U256::from(7),
        U256::MAX - U256::from(6),
        U256::from(1) << 128,
    ];
    let small = (0..inputs).map(|i| U256::from(33 * i + 5)).collect();
    let edge = |shift: usize| {
        (0..inputs)
            .map(|i| edges[(i + shift) % edges.len()])
            .collect()
    };
    [vec![U256::ZERO; inputs], small, edge(0), edge(3)]
}

/// `words` as calldata.
fn calldata(words: &[U256]) -> Vec<u8> {
    (words.iter()).flat_map(|w| w.to_be_bytes::<32>()).collect()
}

/// A call of [`PROGRAM`] with `data`.
fn call(data: Vec<u8>) -> Tx {
    let mut tx = Tx::call(SENDER, PROGRAM, Bytes::from(data));
    tx.gas_limit = 1_000_000;
    tx
}

/// A value program: memory filled, `operands` (assembly pushing them, the first on top),
/// `op`, its results stored at [`RESULTS`] (the top first), and memory up to them returned.
fn value_program(op: OpCode, operands: &str) -> Vec<u8> {
    let outputs = u64::from(op.outputs());
    let stores: String = (0..outputs)
        .map(|k| format!("PUSH {} MSTORE ", RESULTS + 32 * k))
        .collect();
    assemble(&format!(
        "PUSH32 {} PUSH 0 MSTORE PUSH32 {} PUSH 0x20 MSTORE
         {operands} {op}{} {stores}
         PUSH {} PUSH 0 RETURN",
        FILL[0],
        FILL[1],
        immediate(op),
        RESULTS + 32 * outputs,
    ))
    .expect("assembles")
}

/// Assembly pushing calldata words `0..inputs`, word 0 on top.
fn from_calldata(inputs: usize) -> String {
    (0..inputs)
        .rev()
        .map(|i| format!("PUSH {} CALLDATALOAD ", 32 * i))
        .collect()
}

/// Assembly pushing `words`, the first on top.
fn constants(words: &[U256]) -> String {
    (words.iter().rev()).map(|w| format!("PUSH {w} ")).collect()
}

/// revm and evmove at one fork in one tier, each program run on a fresh state holding it
/// (evmove keeps the modules it compiled).
struct Engines {
    spec: SpecId,
    tier: Tier,
    evmove: EvmoveEngine,
}

impl Engines {
    fn new(spec: SpecId, tier: Tier) -> Self {
        let evmove = EvmoveEngine::with_spec_in_tier(spec, tier);
        Self { spec, tier, evmove }
    }

    /// Runs `tx` on a state holding `contracts` (address and code; [`PROGRAM`] funded):
    /// revm's outcome. Fails on any difference from revm, and in the native tier on a frame
    /// the interpreter ran.
    fn run(&mut self, contracts: &[(Address, &[u8])], tx: &Tx, what: &str) -> TxOutcome {
        let mut revm = RevmOracle::with_spec(self.spec);
        self.evmove.clear_state();
        for &(address, code) in contracts {
            let balance = match address == PROGRAM {
                true => U256::from(FUNDS),
                false => U256::ZERO,
            };
            revm.set_account(address, balance, 1, Bytes::copy_from_slice(code));
            let state = self.evmove.state_mut();
            state.set_account(address, Account { nonce: 1, balance });
            state.set_code(address, Bytes::copy_from_slice(code));
        }
        let what = format!("{what} at {:?}, {:?}", self.spec, self.tier);
        let before = self.evmove.native_tier().map(|native| native.stats());
        let expected = Engine::execute(&mut revm, tx).expect("revm runs it");
        let actual = (self.evmove.execute(tx)).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(difference(&expected, &actual), None, "{what}");
        if let (Some(before), Some(native)) = (before, self.evmove.native_tier()) {
            let after = native.stats();
            assert_eq!(
                after.interpreted_frames, before.interpreted_frames,
                "{what}: a frame ran on the interpreter ({after:?})"
            );
        }
        expected
    }

    /// Runs a value program of `op` with operands from calldata and as constants, for each
    /// operand set.
    fn values(&mut self, op: OpCode) -> Vec<TxOutcome> {
        let inputs = usize::from(op.inputs());
        let loaded = value_program(op, &from_calldata(inputs));
        let mut outcomes = Vec::new();
        for operands in operand_sets(inputs) {
            let what = format!("{op} of {operands:x?}");
            let tx = call(calldata(&operands));
            outcomes.push(self.run(&[(PROGRAM, &loaded)], &tx, &what));
            if inputs > 0 {
                let folded = value_program(op, &constants(&operands));
                let what = format!("{what} (constants)");
                outcomes.push(self.run(&[(PROGRAM, &folded)], &tx, &what));
            }
        }
        outcomes
    }
}

/// The opcodes in no family of their own.
fn is_value(op: OpCode) -> bool {
    !(is_jump(op) || is_call(op) || is_create(op))
}

fn is_jump(op: OpCode) -> bool {
    matches!(op.get(), opcode::JUMP | opcode::JUMPI)
}

fn is_call(op: OpCode) -> bool {
    matches!(
        op.get(),
        opcode::CALL | opcode::CALLCODE | opcode::DELEGATECALL | opcode::STATICCALL
    )
}

fn is_create(op: OpCode) -> bool {
    matches!(op.get(), opcode::CREATE | opcode::CREATE2)
}

/// The fork just before the one `op` came in, if it came after Frontier.
fn fork_before(op: OpCode) -> Option<SpecId> {
    let since = introduced_in(op.get());
    (since != SpecId::FRONTIER).then(|| SpecId::try_from_u8(since as u8 - 1).expect("a fork"))
}

/// Runs `family` on each opcode `select` picks that revm runs at the newest fork, at that
/// fork and at the fork before the opcode's, in both tiers; the others (which revm does not
/// run at evmove's newest fork) halt there as in revm.
fn walk(select: fn(OpCode) -> bool, family: fn(&mut Engines, OpCode) -> Vec<TxOutcome>) {
    let newest = newest();
    for tier in [Tier::Interpreter, Tier::Native] {
        let mut engines = Engines::new(newest, tier);
        let mut before: Vec<Engines> = Vec::new();
        let (mut run, mut halted) = (0, 0);
        for op in defined().filter(|&op| select(op)) {
            if !revm_runs(op, newest) {
                for outcome in family(&mut engines, op) {
                    assert!(matches!(outcome.status, Status::Halt(_)), "{op}");
                }
                halted += 1;
                continue;
            }
            run += 1;
            let ran = family(&mut engines, op);
            let ends_badly = matches!(op.get(), opcode::REVERT | opcode::INVALID);
            assert!(
                ends_badly || ran.iter().any(TxOutcome::is_success),
                "{op} never succeeds"
            );
            let Some(spec) = fork_before(op) else {
                continue;
            };
            let at = match before.iter().position(|e| e.spec == spec) {
                Some(at) => at,
                None => {
                    before.push(Engines::new(spec, tier));
                    before.len() - 1
                }
            };
            for outcome in family(&mut before[at], op) {
                let refused = outcome.status == Status::Halt("NotActivated".into());
                assert!(refused, "{op} at {spec:?}: {:?}", outcome.status);
            }
        }
        println!("{tier:?}: {run} opcodes run at {newest:?}, {halted} halt there");
        assert!(run > 0, "nothing ran");
    }
}

#[test]
fn every_value_opcode_runs_with_its_results_used_as_in_revm() {
    walk(is_value, Engines::values);
}

/// Pads a jump lands on, each returning its own value; `out` returns the value on top.
const PADS: &str = "PUSH 0xaa PUSH @out JUMP
    d0: PUSH 0xd0 PUSH @out JUMP
    d1: PUSH 0xd1 PUSH @out JUMP
    out: PUSH 0 MSTORE PUSH 0x20 PUSH 0 RETURN";

/// The offsets of `code`'s JUMPDEST bytes (the pads' code has no PUSH data that is one).
fn jumpdests(code: &[u8]) -> Vec<U256> {
    (code.iter().enumerate())
        .filter(|(_, &byte)| byte == opcode::JUMPDEST)
        .map(|(pc, _)| U256::from(pc))
        .collect()
}

fn jumps(engines: &mut Engines, op: OpCode) -> Vec<TxOutcome> {
    let mut outcomes = Vec::new();
    let loaded = assemble(&format!(
        "{} {op} {PADS}",
        from_calldata(op.inputs().into())
    ))
    .expect("assembles");
    let pads = jumpdests(&loaded);
    let targets = [pads[0], pads[1], pads[0] + U256::from(1), U256::MAX];
    for target in targets {
        for condition in [U256::ZERO, U256::from(2)] {
            let tx = call(calldata(&[target, condition]));
            let what = format!("{op} to {target} if {condition}");
            outcomes.push(engines.run(&[(PROGRAM, &loaded)], &tx, &what));
            let folded = format!(
                "{} PUSH @d1 {op} {PADS}",
                constants(&[condition]).repeat(usize::from(op.inputs()) - 1)
            );
            let folded = assemble(&folded).expect("assembles");
            let what = format!("{what} (constants)");
            outcomes.push(engines.run(&[(PROGRAM, &folded)], &tx, &what));
        }
    }
    outcomes
}

#[test]
fn jumps_to_targets_from_calldata_and_constants_land_as_in_revm() {
    walk(is_jump, jumps);
}

/// Stores calldata word 0 in its slot 0 and returns its caller, the value sent and its
/// address (a STATICCALL fails at the store; a DELEGATECALL or CALLCODE stores in the
/// caller's storage and returns the caller's address).
const CALLEE_CODE: &str = "PUSH 0 CALLDATALOAD PUSH 0 SSTORE
    CALLER PUSH 0 MSTORE CALLVALUE PUSH 0x20 MSTORE ADDRESS PUSH 0x40 MSTORE
    PUSH 0x60 PUSH 0 RETURN";

fn calls(engines: &mut Engines, op: OpCode) -> Vec<TxOutcome> {
    let callee = assemble(CALLEE_CODE).expect("assembles");
    // The value operand, where the call takes one, is calldata word 1.
    let value = match op.inputs() {
        7 => "PUSH 0x20 CALLDATALOAD",
        _ => "",
    };
    let code = assemble(&format!(
        "PUSH 0 CALLDATALOAD PUSH 0 MSTORE
         PUSH 0x60 PUSH 0x400 PUSH 0x20 PUSH 0 {value} PUSH 0x{} GAS {op}
         PUSH 0x460 MSTORE RETURNDATASIZE PUSH 0x480 MSTORE
         PUSH 0xa0 PUSH 0x400 RETURN",
        alloy_primitives::hex::encode(CALLEE)
    ))
    .expect("assembles");
    let mut outcomes = Vec::new();
    for value in [U256::ZERO, U256::from(7), U256::from(FUNDS + 1)] {
        let tx = call(calldata(&[U256::from(0x5a), value]));
        let what = format!("{op} with {value}");
        outcomes.push(engines.run(&[(PROGRAM, &code), (CALLEE, &callee)], &tx, &what));
    }
    outcomes
}

#[test]
fn calls_of_every_kind_run_as_in_revm() {
    walk(is_call, calls);
}

/// Initcode (28 bytes) that stores the value sent in slot 0 and deploys the one byte 0xfe.
const INITCODE: &str = "CALLVALUE PUSH 0 SSTORE PUSH 0xfe PUSH 0 MSTORE8 PUSH 1 PUSH 0 RETURN";

fn creates(engines: &mut Engines, op: OpCode) -> Vec<TxOutcome> {
    let initcode = assemble(INITCODE).expect("assembles");
    let mut padded = initcode.clone();
    padded.resize(32, 0);
    // The salt, where the creation takes one, is calldata word 2.
    let salt = match op.inputs() {
        4 => "PUSH 0x40 CALLDATALOAD",
        _ => "",
    };
    let code = assemble(&format!(
        "PUSH32 0x{} PUSH 0 MSTORE
         {salt} PUSH 0x20 CALLDATALOAD PUSH 0 PUSH 0 CALLDATALOAD {op}
         PUSH 0x400 MSTORE RETURNDATASIZE PUSH 0x420 MSTORE
         PUSH 0x40 PUSH 0x400 RETURN",
        alloy_primitives::hex::encode(&padded)
    ))
    .expect("assembles");
    let len = U256::from(initcode.len());
    let mut outcomes = Vec::new();
    for value in [U256::ZERO, U256::from(7), U256::from(FUNDS + 1)] {
        for size in [len, len - U256::from(3), U256::ZERO] {
            let tx = call(calldata(&[value, size, U256::from(0x5a17)]));
            let what = format!("{op} of {size} bytes with {value}");
            outcomes.push(engines.run(&[(PROGRAM, &code)], &tx, &what));
        }
    }
    outcomes
}

#[test]
fn creations_of_both_kinds_run_as_in_revm() {
    walk(is_create, creates);
}
