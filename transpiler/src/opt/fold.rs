//! Constant folding: a pure EVM word operation (arithmetic, comparison, bitwise, shifts,
//! BYTE, SIGNEXTEND) whose operands are all constants becomes the constant it computes; a
//! `branch` on a constant becomes a `jump` to the side it takes, and a `switch` on a constant
//! a `jump` to the case of that label (or, when no case has it, the invalid-jump fault the
//! EVM would raise); EXP's dynamic charge of the exponent zero, nothing at every fork, goes
//! (its price per byte depends on the fork, so any other stays, charged at run time).
//!
//! The values are computed by `evmove_word`, the functions the runtime's natives run, so a
//! folded constant is exactly what the runtime would have computed. Folding leaves the
//! operands' constants unused (for [`super::dead_code`]) and the sides a branch no longer
//! takes unreachable (for [`super::unreachable`]).

use std::collections::HashMap;

use alloy_primitives::U256;

use crate::ir::{Fault, Function, InstData, Terminator, Value};

/// Folds what it can; returns whether it changed anything.
pub fn fold_constants(function: &mut Function) -> bool {
    let mut consts: HashMap<Value, U256> = HashMap::new();
    let mut changed = false;
    // Definitions dominate their uses, but the layout need not follow dominance: repeat
    // until a round folds nothing new.
    loop {
        let mut folded = false;
        for block in function.layout().to_vec() {
            for inst in &mut function.block_mut(block).insts {
                let value = match &inst.data {
                    InstData::Const(value) => *value,
                    InstData::Op { op, args } => {
                        let Some(operands) = args
                            .iter()
                            .map(|arg| consts.get(arg).copied())
                            .collect::<Option<Vec<U256>>>()
                        else {
                            continue;
                        };
                        let Some(value) = evmove_word::eval(op.get(), &operands) else {
                            continue;
                        };
                        inst.data = InstData::Const(value);
                        folded = true;
                        value
                    }
                    InstData::Call { .. }
                    | InstData::Gas(_)
                    | InstData::GasExp(_)
                    | InstData::StackPush(_)
                    | InstData::StackPop
                    | InstData::StackCheck { .. } => continue,
                };
                consts.insert(inst.results[0], value);
            }
        }
        changed |= folded;
        if !folded {
            break;
        }
    }
    changed |= drop_zero_exp_charges(function, &consts);
    for block in function.layout().to_vec() {
        let terminator = &mut function.block_mut(block).terminator;
        let folded = match terminator {
            Some(Terminator::Branch {
                cond,
                then,
                otherwise,
            }) => consts.get(cond).map(|value| {
                Terminator::Jump(if value.is_zero() {
                    otherwise.clone()
                } else {
                    then.clone()
                })
            }),
            Some(Terminator::Switch {
                value,
                cases,
                speculative,
            }) => consts.get(value).map(|value| {
                let case = cases
                    .iter()
                    .find(|(label, _)| U256::from(label.0) == *value);
                match (case, speculative) {
                    (Some((_, call)), _) => Terminator::Jump(call.clone()),
                    // The cases are not every JUMPDEST: the value may be another.
                    (None, true) => Terminator::Fault(Fault::SpeculationFailed),
                    (None, false) => Terminator::Fault(Fault::InvalidJumpTarget(*value)),
                }
            }),
            _ => None,
        };
        if let Some(folded) = folded {
            *terminator = Some(folded);
            changed = true;
        }
    }
    changed
}

/// Removes each EXP charge of the exponent zero; whether it removed any.
fn drop_zero_exp_charges(function: &mut Function, consts: &HashMap<Value, U256>) -> bool {
    let mut changed = false;
    for block in function.layout().to_vec() {
        let insts = &mut function.block_mut(block).insts;
        let before = insts.len();
        insts.retain(|inst| match inst.data {
            InstData::GasExp(exponent) => consts.get(&exponent) != Some(&U256::ZERO),
            _ => true,
        });
        changed |= insts.len() != before;
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        evm::Pc,
        ir::{verify_module, BlockCall, Module},
        opt::tests::optimized,
    };

    #[test]
    fn pure_operations_on_constants_become_constants() {
        // (2 + 3) << 4 (SHL, from Petersburg), then SIGNEXTEND of 0xff from one byte, then a division by zero.
        let text = optimized(
            "PUSH 3 PUSH 2 ADD PUSH 4 SHL PUSH 0 MSTORE
             PUSH 0xff PUSH 0 SIGNEXTEND PUSH 0x20 MSTORE
             PUSH 0 PUSH 7 DIV PUSH 0x40 MSTORE STOP",
        );
        assert_eq!(
            text,
            "function fn0 @pc0 -> noreturn {
block0():                               ; pc0
    gas 55 since PETERSBURG
    v4 = const 0x50
    v5 = const 0x0
    mstore v5, v4
    v8 = const 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
    v9 = const 0x20
    mstore v9, v8
    v12 = const 0x0
    v13 = const 0x40
    mstore v13, v12
    halt stop
}
"
        );
    }

    #[test]
    fn operations_on_unknown_values_stay() {
        let text = optimized("PUSH 1 CALLDATASIZE ADD PUSH 0 MSTORE STOP");
        assert!(text.contains("add v1, v0"), "{text}");
    }

    #[test]
    fn a_branch_on_a_constant_passed_through_a_block_is_a_jump() {
        // 0x1234 is more than the code's length, so jump analysis forgets it at `test` (a
        // join point, entered by a jump and by falling through); once the block parameter
        // is gone, the comparison folds and so does the branch.
        let text = optimized(
            "PUSH 0x1234 CALLDATASIZE PUSH @test JUMPI
             test: PUSH 0x1234 EQ PUSH @yes JUMPI INVALID
             yes: STOP",
        );
        assert!(!text.contains("branch"), "{text}");
        assert!(
            !text.contains("halt invalid"),
            "the untaken side is gone: {text}"
        );
    }

    #[test]
    fn a_switch_on_a_constant_is_a_jump_or_an_invalid_jump() {
        let mut function = Function::new(Pc(0), None);
        let entry = function.add_block(Pc(0));
        let (a, b) = (function.add_block(Pc(10)), function.add_block(Pc(20)));
        for block in [a, b] {
            function.set_terminator(block, Terminator::Fault(Fault::StackUnderflow));
        }
        let switch_on = |function: &mut Function, label: u64| {
            let value = function.push_inst(entry, InstData::Const(U256::from(label)), 1)[0];
            let cases = vec![
                (
                    Pc(10),
                    BlockCall {
                        block: a,
                        args: vec![],
                    },
                ),
                (
                    Pc(20),
                    BlockCall {
                        block: b,
                        args: vec![],
                    },
                ),
            ];
            let switch = Terminator::Switch {
                value,
                cases,
                speculative: false,
            };
            function.set_terminator(entry, switch);
        };
        switch_on(&mut function, 20);
        assert!(fold_constants(&mut function));
        let terminator = function.block(entry).terminator.clone();
        assert_eq!(
            terminator,
            Some(Terminator::Jump(BlockCall {
                block: b,
                args: vec![]
            }))
        );
        switch_on(&mut function, 30);
        assert!(fold_constants(&mut function));
        let terminator = function.block(entry).terminator.clone();
        assert_eq!(
            terminator,
            Some(Terminator::Fault(Fault::InvalidJumpTarget(U256::from(30))))
        );
        let module = Module {
            functions: vec![function],
        };
        verify_module(&module).unwrap();
    }
}
