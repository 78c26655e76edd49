//! Control flow of any shape — loops nested or not, loops left from deep inside, loops with
//! several entries (irreducible) — runs as revm runs it (`evmove::lower::layout`).
//!
//! The programs are random graphs of blocks. Every block burns one unit of fuel, mixes an
//! accumulator and, by a bit of it, jumps to one of two random blocks or to one and else on
//! to the next block, so the path depends on the input; when the fuel is gone, or the last
//! block goes on, the program returns the accumulator and the fuel left. Blocks entered by
//! going on from the one before are never taken for internal functions, so those programs
//! stay one function with loops of every shape.

use alloy_primitives::{Address, U256};
use evmove::{evm::Code, lift::lift, lower::layout::Layout, opt::optimize};
use evmove_tests::{
    abi_values::word,
    differential::Differential,
    engine::Engine,
    outcome::{Status, Tx},
};
use proptest::prelude::*;

const SENDER: Address = Address::repeat_byte(0x5e);

/// The fuel a program starts with: how many blocks it runs at most.
const FUEL: u8 = 48;

/// How a block changes the accumulator.
#[derive(Clone, Debug)]
enum Mix {
    /// `acc * factor + i`, the factor odd so no bit is lost.
    Multiply(U256),
    /// `acc ^ calldata[32 * word]`.
    Calldata(u8),
}

/// Where a block goes when its bit is set, and when it is not.
#[derive(Clone, Copy, Debug)]
enum Exit {
    /// `jumpi(set); jump(unset)`.
    Jump(usize, usize),
    /// `jumpi(set)`, then on to the next block.
    GoOn(usize),
}

/// A block: its mix, the accumulator bit it branches on, and where it goes.
#[derive(Clone, Debug)]
struct BlockSpec {
    mix: Mix,
    bit: u8,
    exit: Exit,
}

fn program(max_blocks: usize) -> impl Strategy<Value = Vec<BlockSpec>> {
    (1..=max_blocks).prop_flat_map(|blocks| {
        let mix = prop_oneof![
            word(256).prop_map(|w| Mix::Multiply(w | U256::from(1))),
            (0u8..3).prop_map(Mix::Calldata),
        ];
        let exit = prop_oneof![
            (0..blocks, 0..blocks).prop_map(|(set, unset)| Exit::Jump(set, unset)),
            (0..blocks).prop_map(Exit::GoOn),
        ];
        let spec =
            (mix, any::<u8>(), exit).prop_map(|(mix, bit, exit)| BlockSpec { mix, bit, exit });
        prop::collection::vec(spec, blocks)
    })
}

/// Runtime code for `blocks`; block 0 is entered first, by going on from the code before.
/// The stack holds `acc fuel` (fuel on top) at every block's start.
fn assemble(blocks: &[BlockSpec]) -> Vec<u8> {
    /// A PUSH2 of a label, patched once every label has its offset.
    fn push_label(code: &mut Vec<u8>, fixups: &mut Vec<(usize, Label)>, label: Label) {
        code.push(0x61);
        fixups.push((code.len(), label));
        code.extend([0, 0]);
    }
    #[derive(Clone, Copy)]
    enum Label {
        Block(usize),
        Exit,
    }
    let (mut code, mut fixups) = (Vec::new(), Vec::new());
    code.extend([0x5f, 0x35, 0x60, FUEL]); // acc = calldata[0]; fuel
    let mut offsets = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        offsets.push(code.len());
        code.extend([0x5b, 0x80, 0x15]); // jumpdest; dup1 iszero
        push_label(&mut code, &mut fixups, Label::Exit);
        code.extend([0x57, 0x60, 1, 0x90, 0x03, 0x90]); // jumpi; fuel - 1; swap1
        match &block.mix {
            Mix::Multiply(factor) => {
                code.push(0x7f);
                code.extend(factor.to_be_bytes::<32>());
                code.extend([0x02, 0x60, i as u8, 0x01]); // mul; add i
            }
            Mix::Calldata(word) => code.extend([0x60, 32 * word, 0x35, 0x18]), // xor
        }
        code.extend([0x90, 0x81, 0x60, block.bit, 0x1c, 0x60, 1, 0x16]); // swap1; acc >> bit & 1
        let (set, unset) = match block.exit {
            Exit::Jump(set, unset) => (set, Some(unset)),
            Exit::GoOn(set) => (set, None),
        };
        push_label(&mut code, &mut fixups, Label::Block(set));
        code.push(0x57); // jumpi
        if let Some(unset) = unset {
            push_label(&mut code, &mut fixups, Label::Block(unset));
            code.push(0x56); // jump
        }
    }
    let exit = code.len();
    // mstore(32, fuel); mstore(0, acc); return(0, 64)
    code.extend([0x5b, 0x60, 0x20, 0x52, 0x5f, 0x52, 0x60, 0x40, 0x5f, 0xf3]);
    for (at, label) in fixups {
        let offset = match label {
            Label::Block(i) => offsets[i],
            Label::Exit => exit,
        };
        code[at..at + 2].copy_from_slice(&(offset as u16).to_be_bytes());
    }
    code
}

/// Deploys `blocks` and runs them on `inputs` in both engines: no difference, and every run
/// returns.
fn runs_as_revm_runs(blocks: &[BlockSpec], inputs: &[[U256; 3]]) -> Result<(), TestCaseError> {
    let code = assemble(blocks);
    let mut engines = Differential::new();
    engines.fund(SENDER, U256::from(10).pow(U256::from(20)));
    let created = engines.execute(&Tx::deploy(SENDER, &code)).unwrap();
    let address = created.created.expect("deploys");
    for input in inputs {
        let calldata: Vec<u8> = input.iter().flat_map(|w| w.to_be_bytes::<32>()).collect();
        let (outcome, difference) = engines
            .compare(&Tx::call(SENDER, address, calldata))
            .unwrap();
        prop_assert_eq!(difference, None, "{:?}", blocks);
        prop_assert_eq!(outcome.status, Status::Success);
    }
    Ok(())
}

fn inputs() -> impl Strategy<Value = Vec<[U256; 3]>> {
    prop::collection::vec([word(256), word(256), word(256)], 4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_control_flow_runs_as_on_revm(blocks in program(8), inputs in inputs()) {
        runs_as_revm_runs(&blocks, &inputs)?;
    }
}

/// A loop entered at two blocks (0 goes on to 1 or jumps to 2; 1 goes on to 2 or jumps to
/// itself; 2 jumps to 1 or goes on to the end) is irreducible: it stays one function whose
/// loop the lowering enters through a dispatch head.
#[test]
fn a_loop_with_two_entries_runs_as_on_revm() {
    let spec = |mix, bit, exit| BlockSpec { mix, bit, exit };
    let blocks = [
        spec(Mix::Calldata(1), 7, Exit::GoOn(2)),
        spec(
            Mix::Multiply(U256::from(0x9e37_79b9_7f4a_7c15_u64)),
            3,
            Exit::GoOn(1),
        ),
        spec(Mix::Calldata(2), 200, Exit::GoOn(1)),
    ];
    let mut lifted = lift(&Code::new(assemble(&blocks))).expect("lifts").module;
    optimize(&mut lifted);
    let irreducible = lifted.functions.iter().any(|function| {
        let (_, layout) = Layout::of_function(function);
        layout.loops.iter().any(|l| l.entries.len() > 1)
    });
    assert!(irreducible, "the code must have a loop with two entries");
    let inputs: Vec<[U256; 3]> = (0u64..8)
        .map(|i| [U256::from(i), U256::from(i * 0x1234_5678), U256::MAX >> i])
        .collect();
    runs_as_revm_runs(&blocks, &inputs).unwrap();
}
