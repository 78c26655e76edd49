//! Merging gas charges: a `gas` charge joins an earlier one of the same block when nothing
//! between them reads the gas left — no operation observing it (GAS, SSTORE, calls and
//! creations: `evmove_word::shim::cost::GAS_OBSERVERS`) and no call of a function of the
//! module (its code may observe it). Other effects may lie between: moving a charge earlier
//! changes only where an out-of-gas halt happens, and an exceptional halt undoes every
//! effect of the frame and consumes all its gas (`lift::gas` says more). Inlining leaves
//! such charges behind.

use evmove_word::shim::cost::observes_gas;

use crate::ir::{Function, InstData};

/// Merges the charges of each block that nothing observing the gas left separates; returns
/// whether it merged any.
pub fn merge_charges(function: &mut Function) -> bool {
    let mut merged = false;
    for block in function.layout().to_vec() {
        let insts = &mut function.block_mut(block).insts;
        // The charge later ones may join, by its index among the instructions kept.
        let mut open: Option<usize> = None;
        let mut kept = 0;
        for i in 0..insts.len() {
            let extra = match (&insts[i].data, open) {
                (InstData::Gas(gas), Some(at)) => Some((*gas, at)),
                _ => None,
            };
            match extra {
                Some((gas, at)) => {
                    if let InstData::Gas(total) = &mut insts[at].data {
                        *total += gas;
                    }
                    merged = true;
                    continue;
                }
                None => {
                    open = match &insts[i].data {
                        InstData::Gas(_) => Some(kept),
                        data if observes(data) => None,
                        _ => open,
                    };
                }
            }
            insts.swap(kept, i);
            kept += 1;
        }
        insts.truncate(kept);
    }
    merged
}

/// Whether running `data` may read the gas left.
fn observes(data: &InstData) -> bool {
    match data {
        InstData::Op { op, .. } => observes_gas(op.get()),
        InstData::Call { .. } => true,
        // A stack check's halt is exceptional, as out of gas is: which comes first is not
        // observable.
        InstData::Const(_)
        | InstData::Gas(_)
        | InstData::GasExp(_)
        | InstData::StackPush(_)
        | InstData::StackPop
        | InstData::StackCheck { .. } => false,
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::U256;
    use revm_bytecode::opcode::{self, OpCode};

    use super::*;
    use crate::{evm::Pc, ir::Terminator};

    fn op(byte: u8, args: Vec<crate::ir::Value>) -> InstData {
        let op = OpCode::new(byte).unwrap();
        InstData::Op { op, args }
    }

    #[test]
    fn charges_merge_across_effects_but_not_across_observers() {
        let mut function = Function::new(Pc(0), None);
        let block = function.add_block(Pc(0));
        function.push_inst(block, InstData::Gas(3), 0);
        let zero = function.push_inst(block, InstData::Const(U256::ZERO), 1)[0];
        function.push_inst(block, op(opcode::MSTORE, vec![zero, zero]), 0);
        function.push_inst(block, InstData::Gas(5), 0);
        function.push_inst(block, op(opcode::GAS, vec![]), 1);
        function.push_inst(block, InstData::Gas(7), 0);
        function.push_inst(block, InstData::Gas(11), 0);
        function.set_terminator(
            block,
            Terminator::Halt {
                op: OpCode::new(opcode::STOP).unwrap(),
                args: vec![],
            },
        );
        assert!(merge_charges(&mut function));
        let charges: Vec<_> = (function.block(block).insts.iter())
            .map(|inst| match inst.data {
                InstData::Gas(gas) => gas.to_string(),
                _ => "-".to_string(),
            })
            .collect();
        assert_eq!(charges, ["8", "-", "-", "-", "18"]);
        assert!(!merge_charges(&mut function));
    }
}
