//! Masks that keep every bit a value can have: solc masks an address with `2^160 - 1` at
//! each use, also the caller's (which has no other bits) and a word it masked already. Such
//! an `and(x, m)` is `x`; its uses read `x` and [`super::dead_code`] removes it.
//!
//! The bits a value can have: a constant's own; an address the frame or the block gives
//! (CALLER, ORIGIN, ADDRESS, COINBASE: 160 bits); a mask's result, its constant's bits;
//! any other value, all 256.

use std::collections::HashMap;

use alloy_primitives::U256;
use revm_bytecode::opcode;

use crate::ir::{Function, InstData, Value};

/// Replaces the uses of every mask keeping all the bits its word can have by the word;
/// returns whether it replaced any.
pub fn drop_redundant_masks(function: &mut Function) -> bool {
    let mut possible: HashMap<Value, U256> = HashMap::new();
    let mut constants: HashMap<Value, U256> = HashMap::new();
    let mut replaced: HashMap<Value, Value> = HashMap::new();
    let address = (U256::ONE << 160) - U256::ONE;
    for &block in function.layout() {
        for inst in &function.block(block).insts {
            let [result] = inst.results[..] else {
                continue;
            };
            let bits = match &inst.data {
                InstData::Const(c) => {
                    constants.insert(result, *c);
                    *c
                }
                InstData::Op { op, args } => match (op.get(), &args[..]) {
                    (opcode::CALLER | opcode::ORIGIN | opcode::ADDRESS | opcode::COINBASE, _) => {
                        address
                    }
                    (opcode::AND, &[a, b]) => {
                        let bits = |v: Value| possible.get(&v).copied().unwrap_or(U256::MAX);
                        let kept = |word: Value, mask: Value| {
                            let mask = constants.get(&mask)?;
                            (bits(word) & !mask == U256::ZERO).then_some(word)
                        };
                        if let Some(word) = kept(a, b).or_else(|| kept(b, a)) {
                            replaced.insert(result, word);
                        }
                        bits(a) & bits(b)
                    }
                    _ => continue,
                },
                _ => continue,
            };
            possible.insert(result, bits);
        }
    }
    if replaced.is_empty() {
        return false;
    }
    function.rename_uses(&replaced);
    true
}

#[cfg(test)]
mod tests {
    use crate::opt::tests::optimized;

    #[test]
    fn the_callers_mask_goes_and_a_words_stays() {
        let text = optimized(
            "PUSH 0xffffffffffffffffffffffffffffffffffffffff DUP1 CALLER AND PUSH0 MSTORE
             PUSH0 CALLDATALOAD AND PUSH 0x20 MSTORE PUSH 0x40 PUSH0 RETURN",
        );
        assert_eq!(text.matches("= and ").count(), 1, "{text}");
    }

    #[test]
    fn a_mask_of_a_masked_word_goes() {
        let text = optimized(
            "PUSH 0xffff PUSH0 CALLDATALOAD PUSH 0xff AND AND PUSH0 MSTORE PUSH 0x20 PUSH0 RETURN",
        );
        assert_eq!(text.matches("= and ").count(), 1, "{text}");
    }
}
