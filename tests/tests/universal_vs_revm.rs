//! The universal path (`evmove::lift::universal`) runs code as revm runs it: programs with
//! computed jumps — jump tables indexed by calldata, return addresses kept in memory or
//! storage, recursion that grows the stack to its limit, jumps into push data, JUMPDESTs
//! reached both statically and dynamically, stack underflow on a dynamic path — each run
//! through the universal path alone (`UniversalOnly`) and through the pipeline as it chooses,
//! against revm. And code near it: code whose static lowering fails, jumps to labels mixed
//! with calldata (XOR, OR, AND, MUL, SHL), creations that deploy no code.

use std::collections::BTreeSet;

use alloy_primitives::{keccak256, Address, U256};
use evmove::{
    evm::{assemble, Code},
    lift::lift,
    lower::typed::TypedEntries,
    pipeline::{compile_code, Fallback},
};
use evmove_runtime::{CodeKind, CodeProvider, DEFAULT_PUBLISHER};
use evmove_tests::{
    differential::Differential,
    engine::Engine,
    outcome::{Status, Tx, TxOutcome},
    universal::{block_chain, universal_differential, UniversalOnly},
};
use move_binary_format::CompiledModule;
use proptest::prelude::*;

const SENDER: Address = Address::repeat_byte(0x5e);

/// Deploys `code` in revm and in evmove (universal path alone, then the pipeline's choice)
/// and runs each calldata: no difference; the outcomes (revm's) in order.
fn runs_as_revm_runs(code: &[u8], calldata: &[Vec<u8>]) -> Vec<TxOutcome> {
    runs_on(
        &mut [universal_differential(), Differential::new()],
        code,
        calldata,
    )
}

/// [`runs_as_revm_runs`] with the given engines.
fn runs_on(engines: &mut [Differential], code: &[u8], calldata: &[Vec<u8>]) -> Vec<TxOutcome> {
    let mut outcomes = Vec::new();
    for engines in engines {
        engines.fund(SENDER, U256::from(10).pow(U256::from(20)));
        let created = engines.execute(&Tx::deploy(SENDER, code)).unwrap();
        let address = created.created.expect("deploys");
        outcomes.clear();
        for data in calldata {
            let (outcome, difference) = engines
                .compare(&Tx::call(SENDER, address, data.clone()))
                .unwrap();
            assert_eq!(difference, None, "calldata {}", hex(data));
            outcomes.push(outcome);
        }
    }
    outcomes
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn words(words: &[U256]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_be_bytes::<32>()).collect()
}

fn code(text: &str) -> Vec<u8> {
    assemble(text).expect("assembles")
}

/// A jump table: calldata word 0 is added to the table's offset and jumped to. Entries push
/// their byte (one is 0x5b, a JUMPDEST byte inside push data) and go on to `done`, which
/// `done` also reaches statically (calldata word 1 non-zero) and dynamically with an empty
/// stack (the offset just past the table), where MSTORE underflows.
fn jump_table(entries: &[u8]) -> Vec<u8> {
    let mut text = String::from(
        "PUSH 0x20 CALLDATALOAD PUSH @direct JUMPI PUSH0 CALLDATALOAD PUSH @c0 ADD JUMP\n",
    );
    for (k, byte) in entries.iter().enumerate() {
        text += &format!("c{k}: PUSH1 {byte} PUSH @done JUMP\n");
    }
    text += "done: PUSH0 MSTORE PUSH 0x20 PUSH0 RETURN\n";
    text += "direct: PUSH 0x99 PUSH @done JUMP\n";
    code(&text)
}

#[test]
fn jump_tables_indexed_by_calldata_run_as_on_revm() {
    let entries = [1, 0x5b, 7, 0x56, 0xff, 0x5b];
    let table = jump_table(&entries);
    let mut inputs: Vec<Vec<u8>> = (0..=7 * entries.len() as u64 + 3)
        .map(|i| words(&[U256::from(i), U256::ZERO]))
        .collect();
    inputs.push(words(&[U256::MAX, U256::ZERO]));
    inputs.push(words(&[U256::from(1) << 200, U256::ZERO]));
    inputs.push(words(&[U256::from(3), U256::from(1)]));
    // `c0 + offset` is bounded by no label: the pipeline takes the universal path too.
    let lifted = lift(&Code::new(table.clone())).expect("lifts");
    let reason = lifted.universal.expect("the universal path").to_string();
    assert!(reason.contains("computed from a label"), "{reason}");
    let outcomes = runs_as_revm_runs(&table, &inputs);
    let halted = outcomes
        .iter()
        .filter(|o| matches!(o.status, Status::Halt(_)));
    // Every entry and the direct path return a byte; the rest are invalid jumps or the
    // underflow.
    assert_eq!(outcomes.len() - halted.count(), entries.len() + 1);
}

/// A subroutine called from `sites` call sites, each saving its return address in memory
/// slot 0 (or storage slot 0) first; the subroutine mixes calldata into the accumulator on
/// the stack and returns through the saved address.
fn subroutine_calls(sites: &[u8], storage: bool) -> Vec<u8> {
    let (save, load) = match storage {
        true => ("PUSH0 SSTORE", "PUSH0 SLOAD"),
        false => ("PUSH0 MSTORE", "PUSH0 MLOAD"),
    };
    let mut text = String::from("PUSH0 CALLDATALOAD\n");
    for (k, word) in sites.iter().enumerate() {
        text += &format!("PUSH1 {word} PUSH @r{k} {save} PUSH @sub JUMP r{k}:\n");
    }
    text += "PUSH 0x20 MSTORE PUSH 0x20 PUSH 0x20 RETURN\n";
    text += &format!(
        "sub: PUSH 0x20 MUL CALLDATALOAD SWAP1 PUSH 3 MUL XOR DUP1 PUSH 0x40 SSTORE {load} JUMP\n"
    );
    code(&text)
}

#[test]
fn return_addresses_in_memory_or_storage_run_as_on_revm() {
    for storage in [false, true] {
        let program = subroutine_calls(&[1, 2, 0, 1, 3], storage);
        let inputs: Vec<Vec<u8>> = (0u64..4)
            .map(|i| {
                words(&[
                    U256::from(i),
                    U256::from(i * 77),
                    U256::MAX >> i,
                    U256::from(9),
                ])
            })
            .collect();
        let outcomes = runs_as_revm_runs(&program, &inputs);
        assert!(outcomes.iter().all(|o| o.status == Status::Success));
    }
}

/// A recursive function of calldata word 0 whose frames (return label, argument) stay on
/// the stack: depth n needs about n + 2 items, so beyond 1022 the stack overflows.
const RECURSION: &str = "
    PUSH0 CALLDATALOAD PUSH @end SWAP1
    rec: DUP1 ISZERO PUSH @base JUMPI
         PUSH 1 SWAP1 SUB PUSH @back SWAP1 PUSH @rec JUMP
    back: PUSH 1 ADD SWAP1 JUMP
    base: SWAP1 JUMP
    end: PUSH0 MSTORE PUSH 0x20 PUSH0 RETURN
";

#[test]
fn recursion_to_the_stack_limit_runs_as_on_revm() {
    let program = code(RECURSION);
    let depths = [0u64, 1, 5, 300, 1019, 1020, 1021, 1022, 1023, 5000];
    let inputs: Vec<Vec<u8>> = depths.iter().map(|&n| words(&[U256::from(n)])).collect();
    let outcomes = runs_as_revm_runs(&program, &inputs);
    let succeeded: Vec<bool> = outcomes
        .iter()
        .map(|o| o.status == Status::Success)
        .collect();
    assert!(succeeded[..5].iter().all(|&s| s), "{succeeded:?}");
    assert!(!succeeded[depths.len() - 1], "the stack overflows");
}

#[test]
fn a_constant_jump_into_push_data_is_invalid_as_on_revm() {
    // PUSH1 0x5b at offset 0: offset 1 holds a JUMPDEST byte inside push data.
    let program = code("PUSH1 0x5b PUSH 1 JUMP STOP");
    let outcomes = runs_as_revm_runs(&program, &[vec![]]);
    assert!(matches!(outcomes[0].status, Status::Halt(_)));
}

/// A loop that grows the stack by one item a round and jumps back through a target read
/// from calldata runs as revm runs it: to the stack's limit, and through targets that are
/// no JUMPDEST. The static analysis gives up on it when its budget of steps is spent
/// (before it had one, after some 90 s of ever deeper stacks in a debug build).
#[test]
fn a_stack_growing_loop_through_computed_jumps_runs_as_on_revm() {
    let program = code(
        "PUSH 0x40 CALLDATALOAD
         loop: PUSH 1 SWAP1 PUSH 1 SWAP1 SUB DUP1 ISZERO PUSH @out JUMPI PUSH0 CALLDATALOAD JUMP
         out: PUSH0 MSTORE PUSH 0x20 PUSH0 RETURN",
    );
    let lifted = lift(&Code::new(program.clone())).expect("lifts");
    let reason = lifted.universal.expect("the universal path").to_string();
    assert!(reason.contains("steps"), "{reason}");
    let (loop_pc, out_pc) = (U256::from(3), U256::from(program.len() - 7));
    // Round k peaks at k + 3 items: 1021 rounds fit, 1022 overflow.
    let runs = [
        (loop_pc, 1u64, true),
        (loop_pc, 10, true),
        (loop_pc, 1021, true),
        (loop_pc, 1022, false),
        (loop_pc, 3000, false),
        (out_pc, 5, true),
        (U256::from(4), 5, false),
        (U256::MAX, 5, false),
    ];
    let inputs: Vec<Vec<u8>> = (runs.iter())
        .map(|&(target, rounds, _)| words(&[target, U256::ZERO, U256::from(rounds)]))
        .collect();
    let outcomes = runs_as_revm_runs(&program, &inputs);
    for ((target, rounds, succeeds), outcome) in runs.iter().zip(outcomes) {
        assert_eq!(
            outcome.is_success(),
            *succeeds,
            "{target:#x}, {rounds} rounds"
        );
    }
}

/// A function whose last jump returns when called from one site and jumps on to calldata
/// from another, in code where a label escapes (once a jump the escaped labels bounded, now
/// one the environment chooses): jump resolution gives up on it, so the pipeline takes the
/// universal path, says why, and runs it as revm does.
#[test]
fn code_the_static_analysis_gives_up_on_takes_the_universal_path() {
    let program = code(
        "PUSH0 CALLDATALOAD PUSH @r1 PUSH @f JUMP
         r1: PUSH @r2 SWAP1 PUSH @f JUMP
         r2: PUSH0 MSTORE PUSH 0x20 PUSH0 RETURN
         f: PUSH 1 ADD SWAP1 DUP1 PUSH @r2 EQ PUSH @odd JUMPI JUMP
         odd: POP PUSH 3 SWAP1 PUSH @tail JUMP
         tail: JUMP",
    );
    let lifted = lift(&Code::new(program.clone())).expect("lifts");
    let reason = lifted.universal.expect("the universal path").to_string();
    assert!(reason.contains("the environment chooses"), "{reason}");
    let inputs: Vec<Vec<u8>> = [16u64, 0, 41].map(|x| words(&[U256::from(x)])).to_vec();
    runs_as_revm_runs(&program, &inputs);
}

/// A chain of 3,000 blocks (`evmove_tests::universal::block_chain`): too large for one Move
/// function in universal form, so its entry drives parts that borrow the EVM stack.
#[test]
fn universal_form_too_large_for_one_move_function_runs_split_as_on_revm() {
    let program = block_chain(3000);
    let provided = (UniversalOnly.module_for(&program, keccak256(&program), CodeKind::Runtime))
        .expect("compiles");
    let module = CompiledModule::deserialize(&provided.bytes).expect("reads back");
    assert!(module.function_defs.len() > 1, "one function");
    // Each block is 7 bytes: block k starts at 7 k from b0.
    let inputs: Vec<Vec<u8>> = [0u64, 7, 7 * 1234, 7 * 2999, 7 * 3000, 5]
        .map(|offset| words(&[U256::from(offset), U256::from(offset + 1)]))
        .to_vec();
    let outcomes = runs_on(&mut [universal_differential()], &program, &inputs);
    let succeeded: Vec<bool> = outcomes.iter().map(TxOutcome::is_success).collect();
    assert_eq!(succeeded, [true, true, true, true, false, false]);
}

/// A function of 200 parameters (the calldata words the caller pushes before the call, summed)
/// lifts on the static path, but as a Move function it would need 400 locals for them,
/// more than Move allows: the lowering fails, the pipeline lowers the code in universal form
/// instead, says why, and it runs as revm runs it.
#[test]
fn code_the_static_lowering_gives_up_on_takes_the_universal_path() {
    let loads: String = (0..200)
        .map(|i| format!("PUSH {} CALLDATALOAD ", 32 * i))
        .collect();
    let program = code(&format!(
        "PUSH @ret {loads} PUSH @f JUMP
         ret: PUSH0 MSTORE PUSH 0x20 PUSH0 RETURN
         f: {} SWAP1 JUMP",
        "ADD ".repeat(199)
    ));
    let lifted = lift(&Code::new(program.clone())).expect("lifts");
    assert!(lifted.universal.is_none(), "lifted on the static path");
    let compiled = compile_code(
        &program,
        DEFAULT_PUBLISHER,
        "wide",
        &TypedEntries::default(),
    )
    .expect("compiles");
    let reason = compiled.universal.expect("the universal path");
    assert!(matches!(reason, Fallback::Lower(_)), "{reason}");
    assert!(reason.to_string().contains("locals"), "{reason}");
    let inputs: Vec<Vec<u8>> = [1u64, 12345]
        .map(|seed| {
            (0..200)
                .flat_map(|i| U256::from(seed * i).to_be_bytes::<32>())
                .collect()
        })
        .to_vec();
    runs_as_revm_runs(&program, &inputs);
}

/// A program that mixes calldata word 0 into label `p{label}` with `op` and jumps to the
/// result, in the block that mixes it or (`via`) a later one, over a sled of landing pads
/// that each return their index.
fn mixed_label_jump(op: &str, label: usize, via: bool) -> Vec<u8> {
    let sled: String = (0..16)
        .map(|k| format!("p{k}: PUSH1 {k} PUSH @out JUMP\n"))
        .collect();
    let via = if via { "PUSH @go JUMP go:" } else { "" };
    code(&format!(
        "PUSH @p{label} PUSH0 CALLDATALOAD {op} {via} JUMP
         {sled}
         out: PUSH0 MSTORE PUSH 0x20 PUSH0 RETURN"
    ))
}

/// How a program mixes a label with calldata, as the EVM computes it.
type Mix = fn(U256, U256) -> U256;

/// Jumps to a label mixed with calldata by XOR, OR, AND, MUL or SHL: the label does not
/// bound the target, so the code takes the universal path, and lands on other pads (for each
/// op, calldata found that mixes one of the pads into another), or halts on no JUMPDEST, as
/// revm does.
#[test]
fn jumps_to_a_label_mixed_with_calldata_land_where_revm_lands() {
    let ops: [(&str, Mix); 5] = [
        ("XOR", |l, x| l ^ x),
        ("OR", |l, x| l | x),
        ("AND", |l, x| l & x),
        ("MUL", |l, x| l.wrapping_mul(x)),
        ("SHL", |l, x| l << x.saturating_to::<usize>()),
    ];
    for (op, mix) in ops {
        for via in [false, true] {
            // The pads' offsets do not depend on the label pushed (always two bytes); the
            // JUMPDESTs are `go` (if `via`), the pads, `out`.
            let jumpdests: Vec<U256> = Code::new(mixed_label_jump(op, 0, via))
                .instructions()
                .iter()
                .filter(|i| i.opcode.get() == 0x5b)
                .map(|i| U256::from(i.pc.0))
                .collect();
            let pads = &jumpdests[usize::from(via)..][..16];
            let hit = |label: U256| {
                (0u64..1024).map(U256::from).find(|&x| {
                    let target = mix(label, x);
                    target != label && pads.contains(&target)
                })
            };
            let (label, x) = (0..16)
                .find_map(|k| Some((k, hit(pads[k])?)))
                .expect("some pad mixes into another");
            let program = mixed_label_jump(op, label, via);
            let lifted = lift(&Code::new(program.clone())).expect("lifts");
            let reason = lifted.universal.expect("the universal path").to_string();
            assert!(reason.contains("computed from a label"), "{op}: {reason}");
            let inputs: Vec<Vec<u8>> = [U256::ZERO, U256::from(1), x, x + U256::from(1), U256::MAX]
                .map(|x| words(&[x]))
                .to_vec();
            let outcomes = runs_as_revm_runs(&program, &inputs);
            let landed: BTreeSet<Vec<u8>> = (outcomes.iter())
                .filter(|o| o.is_success())
                .map(|o| o.output.to_vec())
                .collect();
            let other = words(&[U256::from(label)]);
            assert!(
                landed.iter().any(|output| *output != other),
                "{op} {via}: only {landed:?}"
            );
            let halted = outcomes.iter().any(|o| matches!(o.status, Status::Halt(_)));
            assert!(halted, "{op} {via}: some target is no JUMPDEST");
        }
    }
}

/// A program that lets label `p1` escape (stored to memory at 0x80, never jumped to from
/// there), then jumps to calldata word 0 brought to the jump by `source`, over the sled of
/// landing pads that each return their index.
fn environment_jump(source: &str) -> Vec<u8> {
    let sled: String = (0..16)
        .map(|k| format!("p{k}: PUSH1 {k} PUSH @out JUMP\n"))
        .collect();
    code(&format!(
        "PUSH @p1 PUSH 0x80 MSTORE {source} JUMP
         {sled}
         out: PUSH0 MSTORE PUSH 0x20 PUSH0 RETURN"
    ))
}

/// Jumps to a target the environment chooses — calldata straight, across a block, through
/// memory, storage or transient storage, copied into memory — in code where a label
/// escapes: the escaped label does not bound the target, so the code takes the universal
/// path, and lands on every pad calldata names, or halts on no JUMPDEST, as revm does.
#[test]
fn jumps_to_a_target_from_the_environment_land_where_revm_lands() {
    let sources = [
        "PUSH0 CALLDATALOAD",
        "PUSH0 CALLDATALOAD PUSH @go JUMP go:",
        "PUSH0 CALLDATALOAD PUSH0 MSTORE PUSH0 MLOAD",
        "PUSH0 CALLDATALOAD PUSH 7 SSTORE PUSH @go JUMP go: PUSH 7 SLOAD",
        "PUSH0 CALLDATALOAD PUSH 7 TSTORE PUSH 7 TLOAD",
        "PUSH 0x20 PUSH0 PUSH 0x40 CALLDATACOPY PUSH 0x40 MLOAD",
        "PUSH0 CALLDATALOAD PUSH0 MSTORE PUSH0 MLOAD PUSH 7 SSTORE PUSH 7 SLOAD",
        "PUSH0 CALLDATALOAD PUSH 0xffff AND",
    ];
    for source in sources {
        let program = environment_jump(source);
        let pads: Vec<U256> = Code::new(program.clone())
            .instructions()
            .iter()
            .filter(|i| i.opcode.get() == 0x5b)
            .map(|i| U256::from(i.pc.0))
            .skip(usize::from(source.contains("go:")))
            .take(16)
            .collect();
        let mut inputs: Vec<Vec<u8>> = pads.iter().map(|&pad| words(&[pad])).collect();
        inputs.push(words(&[pads[3] + U256::from(1)]));
        let outcomes = runs_as_revm_runs(&program, &inputs);
        for (k, outcome) in outcomes.iter().take(16).enumerate() {
            assert_eq!(outcome.output.to_vec(), words(&[U256::from(k)]), "{source}");
        }
        assert!(matches!(outcomes[16].status, Status::Halt(_)), "{source}");
        let lifted = lift(&Code::new(program.clone())).expect("lifts");
        let reason = lifted.universal.expect("the universal path").to_string();
        assert!(reason.contains("environment"), "{source}: {reason}");
    }
}

/// Where the escaped labels still bound a jump: a return address kept in memory at a
/// constant address, or at one computed from calldata as solc's tables of function pointers
/// are (`lift::jumps`' assumption), while calldata is stored elsewhere — to storage, to
/// memory at another computed address — hashed and returned: the code stays on the static
/// path and runs as revm.
#[test]
fn a_label_kept_in_memory_bounds_its_jump_while_calldata_goes_elsewhere() {
    let table = "PUSH0 CALLDATALOAD PUSH 0x1f AND PUSH 0x80 ADD";
    for (keep, load) in [
        ("PUSH 0x40 MSTORE", "PUSH 0x40 MLOAD"),
        (
            &format!("{table} MSTORE")[..],
            &format!("{table} MLOAD")[..],
        ),
    ] {
        let program = code(&format!(
            "PUSH0 CALLDATALOAD DUP1 PUSH 1 SSTORE DUP1 PUSH 0x20 CALLDATALOAD MSTORE
             PUSH 0x20 PUSH0 KECCAK256 PUSH 2 SSTORE
             PUSH @back {keep} PUSH @sub JUMP
             back: PUSH 1 SLOAD PUSH0 MSTORE PUSH 0x20 PUSH0 RETURN
             sub: {load} JUMP
             other: PUSH1 0x55 PUSH0 MSTORE PUSH 0x20 PUSH0 RETURN"
        ));
        let lifted = lift(&Code::new(program.clone())).expect("lifts");
        assert_eq!(lifted.universal, None, "{keep}");
        let inputs = [words(&[U256::from(7), U256::from(0x400)]), vec![]];
        let outcomes = runs_as_revm_runs(&program, &inputs);
        assert!(outcomes.iter().all(|o| o.is_success()), "{keep}");
    }
}

/// Creations that deploy no code (initcode that stops, returns nothing, or is empty; and
/// from a contract, CREATE of empty initcode and of initcode that stops) leave the new
/// account with empty code, as revm records it.
#[test]
fn creations_deploying_no_code_leave_accounts_as_on_revm() {
    let mut engines = Differential::new();
    engines.fund(SENDER, U256::from(10).pow(U256::from(20)));
    for initcode in [code("STOP"), code("PUSH0 PUSH0 RETURN"), Vec::new()] {
        let (created, difference) = engines.compare(&Tx::create(SENDER, initcode)).unwrap();
        assert_eq!(difference, None);
        assert!(created.is_success() && created.created.is_some());
    }
    let factory = code(
        "PUSH0 PUSH0 PUSH0 CREATE PUSH 1 PUSH0 PUSH0 CREATE
         PUSH 0x20 MSTORE PUSH0 MSTORE PUSH 0x40 PUSH0 RETURN",
    );
    let deployed = engines.execute(&Tx::deploy(SENDER, &factory)).unwrap();
    let address = deployed.created.expect("deploys");
    let (called, difference) = engines.compare(&Tx::call(SENDER, address, vec![])).unwrap();
    assert_eq!(difference, None);
    assert_eq!(called.created_contracts().len(), 2, "{called:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Subroutines with return addresses in memory, called from generated call sites.
    #[test]
    fn generated_subroutine_calls_run_as_on_revm(
        sites in prop::collection::vec(0u8..4, 1..12),
        storage in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let program = subroutine_calls(&sites, storage);
        let input = words(&[U256::from(seed), U256::from(seed).pow(U256::from(3)), U256::MAX, U256::from(seed >> 7)]);
        runs_as_revm_runs(&program, &[input]);
    }
}
