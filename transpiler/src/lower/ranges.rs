//! How wide each value of a function can be: an upper bound on its significant bits, so
//! that values proven to fit 128 bits (selectors, masked fields, sizes, sums and products of
//! such) live in one u128 local and are added, multiplied and compared by Move's own
//! arithmetic ([`super::function`]) — only where the bound proves Move's result equals the
//! 256-bit one.
//!
//! The bound of a result follows from its operation and its operands' bounds (`and` takes
//! the narrower, `add` one bit more than the wider, `mul` their sum, a shift by a constant
//! moves it, ...); a block parameter takes the widest of its arguments, found by iterating
//! to a fixpoint (bounds only grow, and stop at 256). Parameters of the function, results of
//! calls and of most natives are 256 bits wide. A value going round a loop by copies and
//! additions of constants (a counter) takes the bound [`super::inductions`] proves instead.

use revm_bytecode::opcode;

use super::inductions::Inductions;
use crate::ir::{Block, Function, InstData, Terminator, Value};

/// Bits of a word.
const WORD: u16 = 256;

/// How many times a bound may grow before it is taken to be a word's: a value growing round
/// a loop (a counter) would otherwise take one pass per bit.
const GROWTHS: u8 = 4;

/// Per value, an upper bound on its significant bits.
pub fn widths(function: &Function, order: &[Block]) -> Vec<u16> {
    let mut constants = vec![None; function.value_count()];
    for &block in order {
        for inst in &function.block(block).insts {
            if let InstData::Const(c) = inst.data {
                constants[inst.results[0].index()] = Some(c);
            }
        }
    }
    let mut bits = vec![0u16; function.value_count()];
    let mut growths = vec![0u8; function.value_count()];
    for &param in &function.block(function.entry()).params {
        bits[param.index()] = WORD;
    }
    let inductions = Inductions::of(function, order, &constants);
    let mut changed = true;
    // Raises the bound of `value` to `width`: whether it grew.
    let mut raise = |bits: &mut [u16], value: Value, width: u16| {
        let i = value.index();
        if bits[i] >= width {
            return false;
        }
        growths[i] += 1;
        bits[i] = if growths[i] > GROWTHS { WORD } else { width };
        true
    };
    while changed {
        changed = false;
        for &block in order {
            let data = function.block(block);
            for inst in &data.insts {
                let width = match &inst.data {
                    InstData::Const(c) => c.bit_len() as u16,
                    InstData::Op { op, args } => {
                        let arg = |i: usize| bits[args[i].index()];
                        let shift = || {
                            constants[args[0].index()].map(|s| s.saturating_to::<u16>().min(WORD))
                        };
                        op_width(op.get(), args.len(), &arg, &shift)
                    }
                    InstData::Call { .. }
                    | InstData::StackPush(_)
                    | InstData::StackPop
                    | InstData::StackCheck { .. } => WORD,
                    // Charges define nothing.
                    InstData::Gas(_) | InstData::GasExp(_) => continue,
                };
                for &r in &inst.results {
                    let width = inductions.bound(r, &bits, WORD).unwrap_or(width);
                    changed |= raise(&mut bits, r, width);
                }
            }
            for call in data.terminator.iter().flat_map(Terminator::successors) {
                let params = &function.block(call.block).params;
                for (&arg, &param) in call.args.iter().zip(params) {
                    let width = (inductions.bound(param, &bits, WORD)).unwrap_or(bits[arg.index()]);
                    changed |= raise(&mut bits, param, width);
                }
            }
        }
    }
    bits
}

/// The width of `op`'s result from its operands' widths (`arg(i)`) and, for shifts, the
/// constant amount (`shift()`), if the amount is one.
fn op_width(
    op: u8,
    arity: usize,
    arg: &dyn Fn(usize) -> u16,
    shift: &dyn Fn() -> Option<u16>,
) -> u16 {
    match (op, arity) {
        (opcode::AND, 2) => arg(0).min(arg(1)),
        (opcode::OR | opcode::XOR, 2) => arg(0).max(arg(1)),
        (opcode::ADD, 2) => (arg(0).max(arg(1)) + 1).min(WORD),
        (opcode::MUL, 2) => (arg(0) + arg(1)).min(WORD),
        (opcode::DIV, 2) => arg(0),
        (opcode::MOD, 2) => arg(0).min(arg(1)),
        (opcode::SHR, 2) => arg(1).saturating_sub(shift().unwrap_or(0)),
        (opcode::SHL, 2) => match shift() {
            _ if arg(1) == 0 => 0,
            Some(s) if arg(1) + s <= WORD => arg(1) + s,
            _ => WORD,
        },
        (opcode::BYTE, 2) => 8,
        (opcode::LT | opcode::GT | opcode::SLT | opcode::SGT | opcode::EQ, 2) => 1,
        (opcode::ISZERO, 1) => 1,
        // Lengths of buffers in memory.
        (opcode::CALLDATASIZE | opcode::RETURNDATASIZE | opcode::CODESIZE | opcode::MSIZE, 0) => 64,
        (opcode::EXTCODESIZE, 1) => 64,
        _ => WORD,
    }
}
