//! The code of one function: IR blocks in the order [`crate::lower::layout`] chose, values
//! in the locals [`crate::lower::locals`] chose, and control flow in the shapes the Move
//! 0.3.2 verifier accepts (`DESIGN.md` §5). This file is the driver; each part has its own:
//!
//! - `emitter`: the code being emitted, labels, what it calls.
//! - `select`: instruction selection (natives, calls, inline Move arithmetic).
//! - `add_constant`: adding or subtracting a constant below 2^128, inline on the halves.
//! - `fused`: sequences of instructions lowered as one native (a mapping's slot, a
//!   returned word).
//! - `gas`: gas charges.
//! - `counted`: loops counting their static gas in a local.
//! - `moves`: values onto the operand stack and into their locals.
//! - `control_flow`: terminators, edges, loop heads and exit pads.
//! - `assigned`: the verifier's locals analysis, mimicked, for the prologue.
//! - `operand_stack`: values used once, right away, left on the operand stack.
//! - `branches`: conditional branches folded into one instruction.
//! - `short_circuit`: branches on a comparison of words, half by half.
//! - `stack`: universal form's EVM stack, a `vector<u128>` owned or borrowed.
//! - `base`: the stack base of a function in or above a recursion, checked and passed on.
//!
//! # Control flow
//!
//! Each loop is contiguous, its head first, and ends with a jump back to its head followed
//! by its exit pad; every other jump goes forwards ([`super::layout`] says why). An edge is
//! a plain branch to its block, to the dispatch head of a loop with several entries, or to
//! the exit pad of the loop it leaves; when a head or a pad on its way must choose between
//! several destinations, the edge first stores its block's position in the target local.
//! A jump to the code that follows is left out.
//!
//! # Locals on entry
//!
//! The verifier requires every local read to be assigned on every path to the read. Through
//! dispatch heads and exit pads, paths exist that the IR's dominance does not see, so after emitting the
//! body, the same must-analysis the verifier runs finds the locals read where they may be
//! unassigned, and the prologue assigns them zero.
//!
//! # Spilled words
//!
//! In a function whose words need more locals than Move allows, some live in a `vector<u128>`
//! local instead (`Location::Spilled`), created with every element zero in the prologue and
//! read and written through references.

mod add_constant;
mod assigned;
mod base;
mod branches;
mod control_flow;
mod counted;
mod emitter;
mod fused;
mod gas;
mod moves;
mod operand_stack;
mod select;
mod short_circuit;
mod stack;

use std::collections::HashMap;

use move_binary_format::file_format::{Bytecode, CodeOffset, LocalIndex, SignatureToken};

use crate::{
    ir::{Block, Function},
    lower::{
        counted_loops::counted_loops,
        layout::{Item, Layout},
        locals::allocate,
        ranges::widths,
        LowerError,
    },
};
use assigned::unassigned_reads;
use branches::fold_branches;
pub use emitter::Callees;
pub use emitter::StackAccess;
use emitter::{Emitter, EvmStack};
use operand_stack::keep_on_stack;
use short_circuit::short_circuit;

/// A lowered function body: its locals' types (after the parameters) and its code.
pub struct Body {
    /// The locals after the parameters.
    pub locals: Vec<SignatureToken>,
    /// The code.
    pub code: Vec<Bytecode>,
}

/// Lowers `function`, which reaches universal form's EVM stack as `stack` says.
pub fn lower_function(
    function: &Function,
    callees: &mut dyn Callees,
    stack: StackAccess,
) -> Result<Body, LowerError> {
    let (order, layout) = Layout::of_function(function);
    let position: HashMap<Block, usize> = order.iter().enumerate().map(|(i, &b)| (b, i)).collect();
    let uses_target = layout.uses_target();
    let counted = counted_loops(function, &order, &layout);
    let (counts_gas, reads_fork) = (counted.any(), counted.any_gated());
    let vector = SignatureToken::Vector(Box::new(SignatureToken::U128));
    let mut extra = Vec::new();
    if stack == StackAccess::Owns {
        extra.push(vector.clone());
    }
    if uses_target {
        extra.push(SignatureToken::U64);
    }
    if counts_gas {
        extra.push(SignatureToken::U64);
    }
    if reads_fork {
        extra.push(SignatureToken::U64);
    }
    let stack_param = usize::from(stack == StackAccess::Borrows);
    let base_param = usize::from(function.stack_base.is_some());
    let widths = widths(function, &order);
    let locals = allocate(function, &order, &widths, stack_param + base_param, &extra)?;
    // The extras are the last locals, in the order pushed.
    let end = locals.params + locals.types.len();
    let fork_local = reads_fork.then(|| (end - 1) as LocalIndex);
    let gas_local = counts_gas.then(|| (end - 1 - usize::from(reads_fork)) as LocalIndex);
    let target_local = (end - usize::from(counts_gas) - usize::from(reads_fork)).checked_sub(1);
    let words = locals.params - stack_param - base_param;
    let element = (locals.spill.is_some() || stack != StackAccess::None)
        .then(|| callees.signature(vec![SignatureToken::U128]));
    let spill = (locals.spill.zip(element)).map(|((local, _), element)| (local, element));
    let stack = match (stack, element) {
        (StackAccess::None, _) | (_, None) => None,
        (StackAccess::Owns, Some(element)) => Some(EvmStack {
            local: (locals.params + locals.types.len() - extra.len()) as LocalIndex,
            owned: true,
            element,
        }),
        (StackAccess::Borrows, Some(element)) => Some(EvmStack {
            local: words as LocalIndex,
            owned: false,
            element,
        }),
    };
    let mut emitter = Emitter {
        function,
        callees,
        locations: &locals.locations,
        widths: &widths,
        code: Vec::new(),
        labels: vec![None; order.len()],
        position,
        layout: &layout,
        loop_labels: Vec::new(),
        target_local: target_local
            .filter(|_| uses_target)
            .map(|l| l as LocalIndex),
        spill,
        stack,
        pending_charge: None,
        counted,
        gas_local,
        fork_local,
        base_local: (base_param > 0).then_some((words + stack_param) as LocalIndex),
    };
    if let Some(base) = function.stack_base {
        emitter.check_base(base);
    }
    emitter.loop_labels = (0..layout.loops.len())
        .map(|l| {
            let head = match layout.loops[l].entries[..] {
                [entry] => entry as CodeOffset,
                _ => emitter.new_label(),
            };
            (head, emitter.new_label())
        })
        .collect();
    if let Some(l) = emitter.counted.of(0) {
        // The entry is in a loop counting its gas in the gas local.
        emitter.start_count(l);
    }
    if let Some(Item::Head(_)) = layout.items.first() {
        // The entry is one of several entries of a loop: enter it through its dispatch head.
        emitter.set_target(0);
    }
    for (i, &item) in layout.items.iter().enumerate() {
        let next = layout.items.get(i + 1).and_then(|&next| match next {
            Item::Node(node) => Some(node as CodeOffset),
            Item::Head(l) => Some(emitter.loop_labels[l].0),
            Item::End(_) => None,
        });
        match item {
            Item::Head(l) => emitter.dispatch(l, next),
            Item::Node(node) => {
                emitter.define(node);
                if !emitter.instructions(order[node])? {
                    emitter.terminator(order[node], node, next)?;
                }
            }
            Item::End(l) => emitter.end_loop(l, next),
        }
    }
    let Emitter { code, labels, .. } = emitter;

    let borrowed = SignatureToken::MutableReference(Box::new(vector));
    let local_types: Vec<SignatureToken> = std::iter::repeat_n(SignatureToken::U128, words)
        .chain(std::iter::repeat_n(borrowed, stack_param))
        .chain(std::iter::repeat_n(SignatureToken::U64, base_param))
        .chain(locals.types.iter().cloned())
        .collect();
    let mut prologue = Vec::new();
    if let Some(EvmStack {
        local,
        owned: true,
        element,
    }) = stack
    {
        prologue.extend([Bytecode::VecPack(element, 0), Bytecode::StLoc(local)]);
    }
    if let (Some((local, words)), Some((_, element))) = (locals.spill, spill) {
        prologue.extend([Bytecode::VecPack(element, 0), Bytecode::StLoc(local)]);
        for _ in 0..2 * words {
            prologue.extend([
                Bytecode::MutBorrowLoc(local),
                Bytecode::LdU128(0),
                Bytecode::VecPushBack(element),
            ]);
        }
    }
    let unassigned = unassigned_reads(&code, &labels, locals.params, local_types.len());
    let counting = gas_local.into_iter().chain(fork_local);
    if let Some(local) = counting
        .into_iter()
        .find(|&l| unassigned.contains(&usize::from(l)))
    {
        // Zero would be no gas left, or Frontier: every path into a counted loop starts its
        // count.
        return Err(LowerError::Internal(format!(
            "the gas count's local {local} is read where it may be unassigned"
        )));
    }
    for local in unassigned {
        prologue.push(match local_types[local] {
            SignatureToken::Bool => Bytecode::LdFalse,
            SignatureToken::U64 => Bytecode::LdU64(0),
            _ => Bytecode::LdU128(0),
        });
        prologue.push(Bytecode::StLoc(local as LocalIndex));
    }
    let shift = prologue.len();
    let total = shift + code.len();
    if total > usize::from(CodeOffset::MAX) {
        return Err(LowerError::TooLarge {
            instructions: total,
        });
    }
    let resolve =
        |label: CodeOffset| (labels[usize::from(label)].expect("defined") + shift) as CodeOffset;
    prologue.extend(code.into_iter().map(|instr| match instr {
        Bytecode::Branch(l) => Bytecode::Branch(resolve(l)),
        Bytecode::BrTrue(l) => Bytecode::BrTrue(resolve(l)),
        Bytecode::BrFalse(l) => Bytecode::BrFalse(resolve(l)),
        other => other,
    }));
    Ok(Body {
        locals: locals.types,
        code: short_circuit(fold_branches(keep_on_stack(prologue))),
    })
}
