//! Gas charges moved across the calls of functions called from one place: a call ends the
//! caller's account in [`super::charges`] (the callee may observe the gas left), so the
//! charge before a call and the one before the callee's return each stay a charge of its
//! own, where neither has a native to fold into. A function with one call site runs only
//! from there, so:
//!
//! - the caller's charge before the call, with nothing observing the gas left between them,
//!   moves to the start of the callee's entry block (when nothing jumps back to it), where it
//!   joins the callee's first charge: every path through the call went through it, and
//!   nothing observed the gas in between (`charges` says why that is exact);
//! - the charges that end each of the callee's returning blocks, with nothing observing the
//!   gas left after them, give their common part (the least of them; their forks stay)
//!   to the caller, right after the call, where it joins the caller's next charge: the
//!   callee returns only there, and nothing observes the gas on the way.
//!
//! A charge moves forwards along the paths only, so moves end.

use std::collections::HashMap;

use crate::ir::{Charge, ControlFlowGraph, FuncRef, Function, Inst, InstData, Module, Terminator};

use super::{charges::last_open_charge, inline::call_counts};

/// Moves charges into and out of the functions called from one place (by a call that
/// returns); returns whether it moved any.
pub fn move_charges_across_calls(module: &mut Module) -> bool {
    let calls = call_counts(module);
    let mut moved = false;
    for caller in 0..module.functions.len() {
        for block in module.functions[caller].layout().to_vec() {
            let mut at = 0;
            while at < module.functions[caller].block(block).insts.len() {
                let inst = &module.functions[caller].block(block).insts[at];
                let Some(callee) = called_once(inst, caller, &calls) else {
                    at += 1;
                    continue;
                };
                let before = last_open_charge(&module.functions[caller].block(block).insts[..at]);
                if let (Some(charge), true) =
                    (before, entered_once(&module.functions[callee.index()]))
                {
                    let charge = module.functions[caller]
                        .block_mut(block)
                        .insts
                        .remove(charge);
                    at -= 1;
                    let callee = &mut module.functions[callee.index()];
                    let entry = callee.entry();
                    callee.block_mut(entry).insts.insert(0, charge);
                    moved = true;
                }
                if let Some(charge) = take_return_charges(&mut module.functions[callee.index()]) {
                    let insts = &mut module.functions[caller].block_mut(block).insts;
                    insts.insert(at + 1, charge);
                    at += 1;
                    moved = true;
                }
                at += 1;
            }
        }
    }
    moved
}

/// The function `inst` calls, if it is a call (which returns) of a function other than
/// `caller` that the module calls nowhere else.
fn called_once(inst: &Inst, caller: usize, calls: &HashMap<FuncRef, usize>) -> Option<FuncRef> {
    match inst.data {
        InstData::Call { func, .. } if func.index() != caller && calls.get(&func) == Some(&1) => {
            Some(func)
        }
        _ => None,
    }
}

/// Whether nothing in `function` jumps to its entry block (a charge there runs once a call).
fn entered_once(function: &Function) -> bool {
    (ControlFlowGraph::of(function).predecessors(function.entry())).is_empty()
}

/// Takes the common part of the charges ending `function`'s returning blocks, if each has
/// one and it is not zero: a charge of that gas, for the caller.
fn take_return_charges(function: &mut Function) -> Option<Inst> {
    let returns: Vec<_> = (function.layout().iter().copied())
        .filter(|&b| matches!(function.block(b).terminator, Some(Terminator::Return(_))))
        .collect();
    let mut ends = Vec::new();
    for &block in &returns {
        let at = last_open_charge(&function.block(block).insts)?;
        ends.push((block, at));
    }
    let gas_of = |inst: &Inst| match inst.data {
        InstData::Gas(charge) => charge.gas,
        _ => 0,
    };
    let common = (ends.iter())
        .map(|&(block, at)| gas_of(&function.block(block).insts[at]))
        .min()
        .filter(|&gas| gas > 0)?;
    for (block, at) in ends {
        let insts = &mut function.block_mut(block).insts;
        if let InstData::Gas(charge) = &mut insts[at].data {
            charge.gas -= common;
            if charge.gas == 0 && !charge.is_gated() {
                insts.remove(at);
            }
        }
    }
    Some(Inst {
        results: Vec::new(),
        data: InstData::Gas(Charge::gas(common)),
    })
}
