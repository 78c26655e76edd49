//! Dead code elimination: an instruction whose results nobody reads goes, if running it has
//! no effect. Effects are anything beyond computing the result: writes (storage, memory,
//! logs), calls, gas charges, and reads that can fail or change the machine (MLOAD and
//! KECCAK256 grow memory, which MSIZE sees and which can run out of gas; RETURNDATACOPY can
//! fault; SLOAD, BALANCE, EXTCODESIZE and EXTCODEHASH charge a fork's price, cold or warm
//! under EIP-2929, and warm what they read).

use std::collections::HashMap;

use revm_bytecode::opcode::{self, OpCode};

use crate::ir::{Function, InstData, Value};

/// Removes dead instructions; returns whether it removed any.
pub fn eliminate_dead_code(function: &mut Function) -> bool {
    let mut removed_any = false;
    loop {
        let uses = use_counts(function);
        let mut removed = false;
        for block in function.layout().to_vec() {
            let insts = &mut function.block_mut(block).insts;
            let before = insts.len();
            insts.retain(|inst| {
                let dead = is_removable(&inst.data)
                    && inst
                        .results
                        .iter()
                        .all(|v| uses.get(v).copied().unwrap_or(0) == 0);
                !dead
            });
            removed |= insts.len() != before;
        }
        if !removed {
            return removed_any;
        }
        removed_any = true;
    }
}

/// How often each value is read, by instructions and terminators.
pub(crate) fn use_counts(function: &Function) -> HashMap<Value, usize> {
    let mut uses = HashMap::new();
    for &block in function.layout() {
        let data = function.block(block);
        let operands = data
            .insts
            .iter()
            .flat_map(|inst| inst.data.operands().iter().copied())
            .chain(data.terminator.iter().flat_map(|t| t.operands()));
        for value in operands {
            *uses.entry(value).or_default() += 1;
        }
    }
    uses
}

/// Whether an instruction with unused results can go.
fn is_removable(data: &InstData) -> bool {
    match data {
        InstData::Const(_) => true,
        InstData::Op { op, .. } => is_pure(*op),
        InstData::Call { .. } | InstData::Gas(_) | InstData::GasExp(_) => false,
        // Universal form's EVM stack is state: popping it, even unread, is an effect.
        InstData::StackPush(_) | InstData::StackPop | InstData::StackCheck { .. } => false,
    }
}

/// Operations that compute a value and do nothing else (their static gas is charged with
/// their section, apart from them).
pub(super) fn is_pure(op: OpCode) -> bool {
    matches!(
        op.get(),
        opcode::ADD..=opcode::SIGNEXTEND
            | opcode::LT..=opcode::CLZ
            | opcode::ADDRESS
            | opcode::ORIGIN
            | opcode::CALLER
            | opcode::CALLVALUE
            | opcode::CALLDATALOAD
            | opcode::CALLDATASIZE
            | opcode::CODESIZE
            | opcode::GASPRICE
            | opcode::RETURNDATASIZE
            | opcode::BLOCKHASH..=opcode::BLOBBASEFEE
            | opcode::TLOAD
            | opcode::MSIZE
            | opcode::GAS
    )
}
