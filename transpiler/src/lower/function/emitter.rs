//! The emitter of one function's code: what every part of the lowering writes into (code
//! with branch targets as label numbers, resolved at the end), what it calls ([`Callees`]),
//! and where each value lives.

use std::collections::HashMap;

use alloy_primitives::U256;
use move_binary_format::file_format::{
    Bytecode, CodeOffset, FunctionHandleIndex, LocalIndex, SignatureIndex, SignatureToken,
};

use crate::{
    ir::{Block, Charge, FuncRef, Function},
    lower::{counted_loops::Counted, layout::Layout, locals::Location, natives::Native, AbortCode},
};

/// What a function's code calls: natives, and the module's other functions.
pub trait Callees {
    /// The handle of `native`, a native of the shim table.
    fn shim(&mut self, native: &'static Native) -> FunctionHandleIndex;
    /// The handle of function `func` of the module.
    fn function(&self, func: FuncRef) -> FunctionHandleIndex;
    /// The signature `tokens` (for vector instructions).
    fn signature(&mut self, tokens: Vec<SignatureToken>) -> SignatureIndex;
    /// Whether function `func` borrows universal form's EVM stack (a last parameter).
    fn borrows_stack(&self, func: FuncRef) -> bool;
}

/// Emits code whose branch targets are label numbers, resolved at the end.
pub(super) struct Emitter<'a> {
    pub(super) function: &'a Function,
    pub(super) callees: &'a mut dyn Callees,
    pub(super) locations: &'a [Location],
    /// Per value, an upper bound on its bits ([`super::ranges`]).
    pub(super) widths: &'a [u16],
    pub(super) code: Vec<Bytecode>,
    /// Per label (a block's position, or a label made later), its offset.
    pub(super) labels: Vec<Option<usize>>,
    pub(super) position: HashMap<Block, usize>,
    pub(super) layout: &'a Layout,
    /// Per loop, the labels of its head and of its exit pad.
    pub(super) loop_labels: Vec<(CodeOffset, CodeOffset)>,
    /// The local holding the destination of an edge through a dispatch head or exit pad.
    pub(super) target_local: Option<LocalIndex>,
    /// The spill vector's local and the signature of its elements, if there is one.
    pub(super) spill: Option<(LocalIndex, SignatureIndex)>,
    /// Universal form's EVM stack, if the function reaches it.
    pub(super) stack: Option<EvmStack>,
    /// A section's charge left for the native that follows it (`super::gas`).
    pub(super) pending_charge: Option<Charge>,
    /// The loops counting their gas in the gas local (`super::counted`).
    pub(super) counted: Counted,
    /// The gas local, if a loop counts its gas there.
    pub(super) gas_local: Option<LocalIndex>,
    /// The fork local, if a loop counts gated charges.
    pub(super) fork_local: Option<LocalIndex>,
    /// The stack base's parameter, if the function takes one (`super::base`).
    pub(super) base_local: Option<LocalIndex>,
}

impl Emitter<'_> {
    pub(super) fn define(&mut self, label: usize) {
        self.labels[label] = Some(self.code.len());
    }

    /// A fresh label past the blocks'.
    pub(super) fn new_label(&mut self) -> CodeOffset {
        self.labels.push(None);
        (self.labels.len() - 1) as CodeOffset
    }

    pub(super) fn define_new(&mut self, label: CodeOffset) {
        self.labels[usize::from(label)] = Some(self.code.len());
    }

    pub(super) fn emit(&mut self, instr: Bytecode) {
        self.code.push(instr);
    }

    /// Ends the frame with an exceptional halt.
    pub(super) fn abort(&mut self, code: AbortCode) {
        self.emit(Bytecode::LdU64(code as u64));
        self.emit(Bytecode::Abort);
    }

    /// What follows a halt native, or the call of a function that never returns (which
    /// returns only once a halt native ended the frame): this function ends too. One that
    /// never returns returns, as its caller will, up to the entry, which returns to the
    /// runtime: an ordinary end is no Move error. One that returns words aborts with
    /// [`AbortCode::FrameEnded`] instead (its caller would go on).
    pub(super) fn end_after_halt(&mut self) {
        match self.function.results {
            None => self.emit(Bytecode::Ret),
            Some(_) => self.abort(AbortCode::FrameEnded),
        }
    }
}

/// Whether and how a function reaches the EVM stack of universal form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StackAccess {
    /// It has none (every function of code lifted statically).
    None,
    /// It owns the stack: a local, created empty (the module's entry).
    Owns,
    /// It borrows its caller's: a `&mut vector<u128>` parameter after its words.
    Borrows,
}

/// Where the function reaches the stack: the local (the vector, or the reference to it),
/// whether that is the vector itself, and the signature of its elements.
#[derive(Clone, Copy)]
pub(super) struct EvmStack {
    pub(super) local: LocalIndex,
    pub(super) owned: bool,
    pub(super) element: SignatureIndex,
}

/// One half of a word.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Half {
    Hi,
    Lo,
}

/// The element of the spill vector holding `half` of the word spilled to `slot`.
pub(super) fn spilled_index(slot: u64, half: Half) -> u64 {
    2 * slot + u64::from(half == Half::Lo)
}

/// The halves `(hi, lo)` of a word.
pub(super) fn halves(word: U256) -> (u128, u128) {
    let [l0, l1, h0, h1] = word.into_limbs();
    (
        (u128::from(h1) << 64) | u128::from(h0),
        (u128::from(l1) << 64) | u128::from(l0),
    )
}
