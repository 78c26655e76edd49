//! The code of one function: IR blocks in the order [`super::layout`] chose, values in the
//! locals [`super::locals`] chose, and control flow in the shapes the Move 0.3.2 verifier
//! accepts (`DESIGN.md` §5).
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
//! local instead ([`Location::Spilled`]), created with every element zero in the prologue and
//! read and written through references.

use std::collections::HashMap;

use alloy_primitives::U256;
use move_binary_format::file_format::{
    Bytecode, CodeOffset, FunctionHandleIndex, LocalIndex, SignatureIndex, SignatureToken,
};
use revm_bytecode::opcode::{self, OpCode};

use super::{
    layout::{Item, Jump, Layout, LoopId},
    locals::{allocate, Location},
    natives::{native_for, NativeResult},
    ranges::widths,
    AbortCode, LowerError,
};
use crate::ir::{Block, BlockCall, FuncRef, Function, InstData, Terminator, Value};

/// What a function's code calls: natives by opcode, and the module's other functions.
pub trait Callees {
    /// The handle of the native performing `op`.
    fn native(&mut self, op: OpCode) -> Result<FunctionHandleIndex, LowerError>;
    /// The handle of function `func` of the module.
    fn function(&self, func: FuncRef) -> FunctionHandleIndex;
    /// The signature `tokens` (for vector instructions).
    fn signature(&mut self, tokens: Vec<SignatureToken>) -> SignatureIndex;
}

/// A lowered function body: its locals' types (after the parameters) and its code.
pub struct Body {
    /// The locals after the parameters.
    pub locals: Vec<SignatureToken>,
    /// The code.
    pub code: Vec<Bytecode>,
}

/// Lowers `function`.
pub fn lower_function(function: &Function, callees: &mut dyn Callees) -> Result<Body, LowerError> {
    let (order, layout) = Layout::of_function(function);
    let position: HashMap<Block, usize> = order.iter().enumerate().map(|(i, &b)| (b, i)).collect();
    let uses_target = layout.uses_target();
    let extra = if uses_target {
        vec![SignatureToken::U64]
    } else {
        vec![]
    };
    let widths = widths(function, &order);
    let locals = allocate(function, &order, &widths, &extra)?;
    let target_local = (locals.params + locals.types.len()).checked_sub(1);
    let spill = locals
        .spill
        .map(|(local, _)| (local, callees.signature(vec![SignatureToken::U128])));
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
    };
    emitter.loop_labels = (0..layout.loops.len())
        .map(|l| {
            let head = match layout.loops[l].entries[..] {
                [entry] => entry as CodeOffset,
                _ => emitter.new_label(),
            };
            (head, emitter.new_label())
        })
        .collect();
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
                emitter.block(order[node], node, next)?;
            }
            Item::End(l) => emitter.end_loop(l, next),
        }
    }
    let Emitter { code, labels, .. } = emitter;

    let local_types: Vec<SignatureToken> = std::iter::repeat_n(SignatureToken::U128, locals.params)
        .chain(locals.types.iter().cloned())
        .collect();
    let mut prologue = Vec::new();
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
    for local in unassigned_reads(&code, &labels, locals.params, local_types.len()) {
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
        code: prologue,
    })
}

/// Emits code whose branch targets are label numbers, resolved at the end.
struct Emitter<'a> {
    function: &'a Function,
    callees: &'a mut dyn Callees,
    locations: &'a [Location],
    /// Per value, an upper bound on its bits ([`super::ranges`]).
    widths: &'a [u16],
    code: Vec<Bytecode>,
    /// Per label (a block's position, or a label made later), its offset.
    labels: Vec<Option<usize>>,
    position: HashMap<Block, usize>,
    layout: &'a Layout,
    /// Per loop, the labels of its head and of its exit pad.
    loop_labels: Vec<(CodeOffset, CodeOffset)>,
    /// The local holding the destination of an edge through a dispatch head or exit pad.
    target_local: Option<LocalIndex>,
    /// The spill vector's local and the signature of its elements, if there is one.
    spill: Option<(LocalIndex, SignatureIndex)>,
}

impl Emitter<'_> {
    fn define(&mut self, label: usize) {
        self.labels[label] = Some(self.code.len());
    }

    /// A fresh label past the blocks'.
    fn new_label(&mut self) -> CodeOffset {
        self.labels.push(None);
        (self.labels.len() - 1) as CodeOffset
    }

    fn define_new(&mut self, label: CodeOffset) {
        self.labels[usize::from(label)] = Some(self.code.len());
    }

    fn emit(&mut self, instr: Bytecode) {
        self.code.push(instr);
    }

    /// Loop `l`'s dispatch head: a branch to the entry whose number the target local holds.
    fn dispatch(&mut self, l: LoopId, next: Option<CodeOffset>) {
        let (head, _) = self.loop_labels[l];
        self.define_new(head);
        let entries = &self.layout.loops[l].entries;
        let jumps: Vec<(CodeOffset, Vec<usize>)> = entries
            .iter()
            .map(|&e| (e as CodeOffset, vec![e]))
            .collect();
        self.branch_on_target(&jumps, next);
    }

    /// The end of loop `l`: its last jump back to its head, then its exit pad, which
    /// continues each edge leaving the loop towards its destination.
    fn end_loop(&mut self, l: LoopId, next: Option<CodeOffset>) {
        let (head, pad) = self.loop_labels[l];
        if self.code.last() != Some(&Bytecode::Branch(head)) {
            self.emit(Bytecode::Branch(head));
        }
        self.define_new(pad);
        let jumps: Vec<(CodeOffset, Vec<usize>)> = (self.layout.pad(l).iter())
            .map(|(jump, nodes)| (self.label(*jump), nodes.clone()))
            .collect();
        self.branch_on_target(&jumps, next);
    }

    /// Branches to the label whose destinations hold the target local's number (the last
    /// label when none does), falling through to `next`.
    fn branch_on_target(&mut self, jumps: &[(CodeOffset, Vec<usize>)], next: Option<CodeOffset>) {
        let Some(((last, _), rest)) = jumps.split_last() else {
            return;
        };
        for (label, nodes) in rest {
            let target = self
                .target_local
                .expect("a pad or head with choices has the local");
            for &node in nodes {
                self.emit(Bytecode::CopyLoc(target));
                self.emit(Bytecode::LdU64(node as u64));
                self.emit(Bytecode::Eq);
                self.emit(Bytecode::BrTrue(*label));
            }
        }
        if Some(*last) != next {
            self.emit(Bytecode::Branch(*last));
        }
    }

    /// Stores `node` in the target local.
    fn set_target(&mut self, node: usize) {
        let target = self
            .target_local
            .expect("an edge with a target has the local");
        self.emit(Bytecode::LdU64(node as u64));
        self.emit(Bytecode::StLoc(target));
    }

    /// The label `jump` goes to.
    fn label(&self, jump: Jump) -> CodeOffset {
        match jump {
            Jump::Node(node) => node as CodeOffset,
            Jump::Dispatch(l) => self.loop_labels[l].0,
            Jump::Exit(l) => self.loop_labels[l].1,
        }
    }

    /// Pushes a word: two u128 halves.
    fn push_word(&mut self, value: Value) -> Result<(), LowerError> {
        self.push_half(value, Half::Hi)?;
        self.push_half(value, Half::Lo)
    }

    /// Pushes whether `value` is zero.
    fn push_is_zero(&mut self, value: Value) -> Result<(), LowerError> {
        match self.locations[value.index()] {
            Location::Bool(b) => {
                self.emit(Bytecode::CopyLoc(b));
                self.emit(Bytecode::Not);
            }
            Location::Const(c) => self.emit(if c.is_zero() {
                Bytecode::LdTrue
            } else {
                Bytecode::LdFalse
            }),
            _ if self.is_narrow(value) => {
                self.push_half(value, Half::Lo)?;
                self.emit(Bytecode::LdU128(0));
                self.emit(Bytecode::Eq);
            }
            Location::Word { .. } | Location::Spilled(_) | Location::Narrow(_) => {
                self.push_word(value)?;
                self.emit(Bytecode::BitOr);
                self.emit(Bytecode::LdU128(0));
                self.emit(Bytecode::Eq);
            }
            Location::Dead => return Err(LowerError::Internal(format!("{value} is dead"))),
        }
        Ok(())
    }

    /// Stores the word on top of the stack into `value`'s locals (or drops it).
    fn store_word(&mut self, value: Value) {
        match self.locations[value.index()] {
            Location::Word { .. } | Location::Spilled(_) | Location::Narrow(_) => {
                self.store_half(value, Half::Lo);
                self.store_half(value, Half::Hi);
            }
            _ => {
                self.emit(Bytecode::Pop);
                self.emit(Bytecode::Pop);
            }
        }
    }

    /// Stores the u128 on top of the stack as one half of word `value`.
    fn store_half(&mut self, value: Value, half: Half) {
        match (self.locations[value.index()], half, self.spill) {
            (Location::Word { hi, .. }, Half::Hi, _) => self.emit(Bytecode::StLoc(hi)),
            (Location::Word { lo, .. }, Half::Lo, _) => self.emit(Bytecode::StLoc(lo)),
            (Location::Narrow(lo), Half::Lo, _) => self.emit(Bytecode::StLoc(lo)),
            (Location::Spilled(slot), half, Some((spill, element))) => {
                self.emit(Bytecode::MutBorrowLoc(spill));
                self.emit(Bytecode::LdU64(spilled_index(slot, half)));
                self.emit(Bytecode::VecMutBorrow(element));
                self.emit(Bytecode::WriteRef);
            }
            _ => self.emit(Bytecode::Pop),
        }
    }

    /// Stores the u128 on top of the stack as word `value`, its high half zero.
    fn store_lo(&mut self, value: Value) {
        match self.locations[value.index()] {
            Location::Narrow(lo) => self.emit(Bytecode::StLoc(lo)),
            Location::Word { .. } | Location::Spilled(_) => {
                self.store_half(value, Half::Lo);
                self.emit(Bytecode::LdU128(0));
                self.store_half(value, Half::Hi);
            }
            _ => self.emit(Bytecode::Pop),
        }
    }

    /// Whether `value` is proven to fit 128 bits: its high half is zero.
    fn is_narrow(&self, value: Value) -> bool {
        self.widths[value.index()] <= 128
    }

    /// Stores the `bool` on top of the stack into `value`, widened to a word if it lives
    /// as one.
    fn store_bool(&mut self, value: Value) {
        match self.locations[value.index()] {
            Location::Bool(b) => self.emit(Bytecode::StLoc(b)),
            Location::Word { .. } | Location::Spilled(_) | Location::Narrow(_) => {
                let (zero, done) = (self.new_label(), self.new_label());
                // The operand stack is empty at every block's end (a verifier rule).
                self.emit(Bytecode::BrFalse(zero));
                self.emit(Bytecode::LdU128(1));
                self.store_lo(value);
                self.emit(Bytecode::Branch(done));
                self.define_new(zero);
                self.emit(Bytecode::LdU128(0));
                self.store_lo(value);
                self.define_new(done);
            }
            _ => self.emit(Bytecode::Pop),
        }
    }

    /// Emits `block`, at position `here`, followed by the code labelled `next`.
    fn block(
        &mut self,
        block: Block,
        here: usize,
        next: Option<CodeOffset>,
    ) -> Result<(), LowerError> {
        let data = self.function.block(block);
        for inst in &data.insts {
            match &inst.data {
                InstData::Const(_) => {}
                InstData::Op { op, args } if op.get() == opcode::ISZERO => {
                    self.push_is_zero(args[0])?;
                    self.store_bool(inst.results[0]);
                }
                InstData::Op { op, args } if self.inline(*op, args, &inst.results)? => {}
                InstData::Op { op, args } => {
                    for &arg in args {
                        self.push_word(arg)?;
                    }
                    let handle = self.callees.native(*op)?;
                    self.emit(Bytecode::Call(handle));
                    let result = native_for(*op).map(|n| n.result);
                    match (result, inst.results.first()) {
                        (Some(NativeResult::Word), Some(&r)) => self.store_word(r),
                        (Some(NativeResult::Bool), Some(&r)) => self.store_bool(r),
                        (Some(NativeResult::Nothing), None) => {}
                        _ => {
                            return Err(LowerError::Internal(format!(
                                "{op} has results the native does not give"
                            )))
                        }
                    }
                }
                InstData::Call { func, args } => {
                    for &arg in args {
                        self.push_word(arg)?;
                    }
                    self.emit(Bytecode::Call(self.callees.function(*func)));
                    for &r in inst.results.iter().rev() {
                        self.store_word(r);
                    }
                }
            }
        }
        let terminator = data
            .terminator
            .as_ref()
            .ok_or_else(|| LowerError::Internal(format!("{block} has no terminator")))?;
        match terminator {
            Terminator::Jump(call) => self.goto(call, here, next)?,
            Terminator::Branch {
                cond,
                then,
                otherwise,
            } => {
                self.push_is_zero(*cond)?;
                // A side that passes nothing is one conditional branch; the other follows.
                if let Some(label) = self.plain_jump(otherwise, here) {
                    self.emit(Bytecode::BrTrue(label));
                    self.goto(then, here, next)?;
                } else if let Some(label) = self.plain_jump(then, here) {
                    self.emit(Bytecode::BrFalse(label));
                    self.goto(otherwise, here, next)?;
                } else {
                    let zero = self.new_label();
                    self.emit(Bytecode::BrTrue(zero));
                    self.goto(then, here, None)?;
                    self.define_new(zero);
                    self.goto(otherwise, here, next)?;
                }
            }
            Terminator::Switch { value, cases } => {
                match self.locations[value.index()] {
                    Location::Word { .. } | Location::Spilled(_) | Location::Narrow(_) => {}
                    Location::Const(target) => {
                        match cases
                            .iter()
                            .find(|(label, _)| U256::from(label.0) == target)
                        {
                            Some((_, call)) => self.goto(call, here, next)?,
                            None => self.abort(AbortCode::InvalidJump),
                        }
                        return Ok(());
                    }
                    _ => return Err(LowerError::Internal(format!("switch on {value}"))),
                };
                let invalid = self.new_label();
                self.push_half(*value, Half::Hi)?;
                self.emit(Bytecode::LdU128(0));
                self.emit(Bytecode::Neq);
                self.emit(Bytecode::BrTrue(invalid));
                for (label, call) in cases {
                    let other = self.new_label();
                    self.push_half(*value, Half::Lo)?;
                    self.emit(Bytecode::LdU128(u128::from(label.0)));
                    self.emit(Bytecode::Neq);
                    self.emit(Bytecode::BrTrue(other));
                    self.goto(call, here, None)?;
                    self.define_new(other);
                }
                self.define_new(invalid);
                self.abort(AbortCode::InvalidJump);
            }
            Terminator::Return(values) => {
                for &v in values {
                    self.push_word(v)?;
                }
                self.emit(Bytecode::Ret);
            }
            Terminator::TailCall { func, args } => {
                for &arg in args {
                    self.push_word(arg)?;
                }
                self.emit(Bytecode::Call(self.callees.function(*func)));
                self.abort(AbortCode::NoReturnReturned);
            }
            Terminator::Halt { op, args } => {
                let defined = native_for(*op).is_some_and(|n| n.module == "halt");
                if defined {
                    for &arg in args {
                        self.push_word(arg)?;
                    }
                }
                let op = if defined { *op } else { OpCode::INVALID };
                let handle = self.callees.native(op)?;
                self.emit(Bytecode::Call(handle));
                self.abort(AbortCode::HaltReturned);
            }
            Terminator::Fault(fault) => self.abort(AbortCode::from(fault)),
        }
        Ok(())
    }

    /// Emits `op` as Move arithmetic on the halves where that is exact and cheaper than a
    /// native call (bitwise operations, equality and unsigned order, shifts by a constant);
    /// whether it did.
    fn inline(
        &mut self,
        op: OpCode,
        args: &[Value],
        results: &[Value],
    ) -> Result<bool, LowerError> {
        use Half::{Hi, Lo};
        let [result] = results else { return Ok(false) };
        if self.inline_narrow(op, args, *result)? {
            return Ok(true);
        }
        let bitwise = match op.get() {
            opcode::AND => Some(Bytecode::BitAnd),
            opcode::OR => Some(Bytecode::BitOr),
            opcode::XOR => Some(Bytecode::Xor),
            _ => None,
        };
        match (op.get(), args) {
            (_, &[a, b]) if bitwise.is_some() => {
                let instr = bitwise.expect("matched");
                for half in [Hi, Lo] {
                    self.push_half(a, half)?;
                    self.push_half(b, half)?;
                    self.emit(instr.clone());
                }
                self.store_word(*result);
            }
            (opcode::NOT, &[a]) => {
                for half in [Hi, Lo] {
                    self.push_half(a, half)?;
                    self.emit(Bytecode::LdU128(u128::MAX));
                    self.emit(Bytecode::Xor);
                }
                self.store_word(*result);
            }
            (opcode::EQ, &[a, b]) => {
                for half in [Hi, Lo] {
                    self.push_half(a, half)?;
                    self.push_half(b, half)?;
                    self.emit(Bytecode::Eq);
                }
                self.emit(Bytecode::And);
                self.store_bool(*result);
            }
            (opcode::LT, &[a, b]) | (opcode::GT, &[b, a]) => {
                // a < b: by the high halves, or equal high halves and by the low ones.
                self.push_half(a, Hi)?;
                self.push_half(b, Hi)?;
                self.emit(Bytecode::Lt);
                self.push_half(a, Hi)?;
                self.push_half(b, Hi)?;
                self.emit(Bytecode::Eq);
                self.push_half(a, Lo)?;
                self.push_half(b, Lo)?;
                self.emit(Bytecode::Lt);
                self.emit(Bytecode::And);
                self.emit(Bytecode::Or);
                self.store_bool(*result);
            }
            (opcode::SHL | opcode::SHR, &[shift, value]) => {
                let Location::Const(shift) = self.locations[shift.index()] else {
                    return Ok(false);
                };
                self.shift_by_constant(op.get() == opcode::SHL, shift, value)?;
                self.store_word(*result);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Emits `op` as Move arithmetic on the low halves where [`super::ranges`] proves that
    /// equals the 256-bit operation: a result that fits 128 bits (so an addition or
    /// multiplication cannot overflow u128), or a comparison of operands that do; whether
    /// it did.
    fn inline_narrow(
        &mut self,
        op: OpCode,
        args: &[Value],
        result: Value,
    ) -> Result<bool, LowerError> {
        let narrow_args = args.iter().all(|&a| self.is_narrow(a));
        let constant = |v: Value| match self.locations[v.index()] {
            Location::Const(c) => Some(c),
            _ => None,
        };
        // A constant shift amount Move's u128 shifts take, or a constant non-zero divisor.
        let small_shift = |v: Value| constant(v).filter(|s| *s < U256::from(128));
        let divisor = |v: Value| constant(v).filter(|d| !d.is_zero());
        let (instr, shift, test) = match (op.get(), args) {
            (opcode::ADD, &[_, _]) if self.is_narrow(result) => (Bytecode::Add, None, false),
            (opcode::MUL, &[_, _]) if self.is_narrow(result) => (Bytecode::Mul, None, false),
            (opcode::AND, _) if self.is_narrow(result) => (Bytecode::BitAnd, None, false),
            (opcode::OR, _) if narrow_args => (Bytecode::BitOr, None, false),
            (opcode::XOR, _) if narrow_args => (Bytecode::Xor, None, false),
            (opcode::DIV, &[_, d]) if narrow_args && divisor(d).is_some() => {
                (Bytecode::Div, None, false)
            }
            (opcode::MOD, &[_, d]) if narrow_args && divisor(d).is_some() => {
                (Bytecode::Mod, None, false)
            }
            (opcode::SHL, &[s, _]) if self.is_narrow(result) && small_shift(s).is_some() => {
                (Bytecode::Shl, small_shift(s), false)
            }
            (opcode::SHR, &[s, v]) if self.is_narrow(v) && small_shift(s).is_some() => {
                (Bytecode::Shr, small_shift(s), false)
            }
            (opcode::EQ, _) if narrow_args => (Bytecode::Eq, None, true),
            (opcode::LT, _) if narrow_args => (Bytecode::Lt, None, true),
            (opcode::GT, _) if narrow_args => (Bytecode::Gt, None, true),
            _ => return Ok(false),
        };
        match shift {
            Some(amount) => {
                self.push_half(args[1], Half::Lo)?;
                self.emit(Bytecode::LdU8(amount.to::<u8>()));
            }
            None => {
                for &a in args {
                    self.push_half(a, Half::Lo)?;
                }
            }
        }
        self.emit(instr);
        if test {
            self.store_bool(result);
        } else {
            self.store_lo(result);
        }
        Ok(true)
    }

    /// Pushes the halves of `value << shift` (`left`) or `value >> shift`, high half first.
    /// Move's shifts take amounts below 128 and drop the bits shifted out.
    fn shift_by_constant(
        &mut self,
        left: bool,
        shift: U256,
        value: Value,
    ) -> Result<(), LowerError> {
        use Half::{Hi, Lo};
        let s = if shift >= U256::from(256) {
            256
        } else {
            shift.to::<u32>()
        };
        // One half shifted by `amount` (1..=127) in direction `left`, or as it is (0).
        let part = |this: &mut Self, half: Half, left: bool, amount: u32| {
            this.push_half(value, half)?;
            if amount > 0 {
                this.emit(Bytecode::LdU8(amount as u8));
                this.emit(if left { Bytecode::Shl } else { Bytecode::Shr });
            }
            Ok::<(), LowerError>(())
        };
        let zero = |this: &mut Self| this.emit(Bytecode::LdU128(0));
        match (left, s) {
            (_, 0) => {
                part(self, Hi, left, 0)?;
                part(self, Lo, left, 0)?;
            }
            (true, 1..=127) => {
                part(self, Hi, true, s)?;
                part(self, Lo, false, 128 - s)?;
                self.emit(Bytecode::BitOr);
                part(self, Lo, true, s)?;
            }
            (false, 1..=127) => {
                part(self, Hi, false, s)?;
                part(self, Lo, false, s)?;
                part(self, Hi, true, 128 - s)?;
                self.emit(Bytecode::BitOr);
            }
            (true, 128..=255) => {
                part(self, Lo, true, s - 128)?;
                zero(self);
            }
            (false, 128..=255) => {
                zero(self);
                part(self, Hi, false, s - 128)?;
            }
            _ => {
                zero(self);
                zero(self);
            }
        }
        Ok(())
    }

    /// Pushes one half of word `value`.
    fn push_half(&mut self, value: Value, half: Half) -> Result<(), LowerError> {
        match (self.locations[value.index()], half, self.spill) {
            (_, Half::Hi, _) if self.is_narrow(value) => self.emit(Bytecode::LdU128(0)),
            (Location::Narrow(lo), Half::Lo, _) => self.emit(Bytecode::CopyLoc(lo)),
            (Location::Const(c), Half::Hi, _) => self.emit(Bytecode::LdU128(halves(c).0)),
            (Location::Const(c), Half::Lo, _) => self.emit(Bytecode::LdU128(halves(c).1)),
            (Location::Word { hi, .. }, Half::Hi, _) => self.emit(Bytecode::CopyLoc(hi)),
            (Location::Word { lo, .. }, Half::Lo, _) => self.emit(Bytecode::CopyLoc(lo)),
            (Location::Spilled(slot), half, Some((spill, element))) => {
                self.emit(Bytecode::ImmBorrowLoc(spill));
                self.emit(Bytecode::LdU64(spilled_index(slot, half)));
                self.emit(Bytecode::VecImmBorrow(element));
                self.emit(Bytecode::ReadRef);
            }
            _ => return Err(LowerError::Internal(format!("{value} read as a word"))),
        }
        Ok(())
    }

    /// Ends the frame with an exceptional halt.
    fn abort(&mut self, code: AbortCode) {
        self.emit(Bytecode::LdU64(code as u64));
        self.emit(Bytecode::Abort);
    }

    /// The label `call` jumps to from the block at position `here`, if that is all it does:
    /// no parameter to store, no target to set.
    fn plain_jump(&self, call: &BlockCall, here: usize) -> Option<CodeOffset> {
        let params = &self.function.block(call.block).params;
        let stores = params.iter().any(|p| {
            matches!(
                self.locations[p.index()],
                Location::Word { .. } | Location::Spilled(_) | Location::Narrow(_)
            )
        });
        let to = self.position[&call.block];
        (!stores && !self.layout.needs_target(here, to))
            .then(|| self.label(self.layout.jump(here, to)))
    }

    /// Passes `call`'s arguments to its block's parameters and continues there, from the
    /// block at position `here`; a jump to `next`, the code emitted next, falls through.
    fn goto(
        &mut self,
        call: &BlockCall,
        here: usize,
        next: Option<CodeOffset>,
    ) -> Result<(), LowerError> {
        let params = &self.function.block(call.block).params;
        let mut stored = Vec::new();
        for (&arg, &param) in call.args.iter().zip(params) {
            match self.locations[param.index()] {
                Location::Narrow(_) => self.push_half(arg, Half::Lo)?,
                Location::Word { .. } | Location::Spilled(_) => self.push_word(arg)?,
                _ => continue,
            }
            stored.push(param);
        }
        for param in stored.into_iter().rev() {
            match self.locations[param.index()] {
                Location::Narrow(_) => self.store_lo(param),
                _ => self.store_word(param),
            }
        }
        let to = self.position[&call.block];
        if self.layout.needs_target(here, to) {
            self.set_target(to);
        }
        let label = self.label(self.layout.jump(here, to));
        if Some(label) != next {
            self.emit(Bytecode::Branch(label));
        }
        Ok(())
    }
}

/// One half of a word.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Half {
    Hi,
    Lo,
}

/// The element of the spill vector holding `half` of the word spilled to `slot`.
fn spilled_index(slot: u64, half: Half) -> u64 {
    2 * slot + u64::from(half == Half::Lo)
}

/// The halves `(hi, lo)` of a word.
fn halves(word: U256) -> (u128, u128) {
    let [l0, l1, h0, h1] = word.into_limbs();
    (
        (u128::from(h1) << 64) | u128::from(h0),
        (u128::from(l1) << 64) | u128::from(l0),
    )
}

/// The locals the code reads where they may be unassigned, as the verifier's locals-safety
/// analysis sees it: a forward must-analysis of assigned locals, joined by intersection.
fn unassigned_reads(
    code: &[Bytecode],
    labels: &[Option<usize>],
    params: usize,
    locals: usize,
) -> Vec<usize> {
    type Set = [u64; 4];
    let target = |label: CodeOffset| labels[usize::from(label)].expect("defined");
    let mut start: Set = [0; 4];
    (0..params).for_each(|l| start[l / 64] |= 1 << (l % 64));
    let mut state: Vec<Option<Set>> = vec![None; code.len() + 1];
    let mut needed = vec![false; locals];
    let mut work = vec![0usize];
    state[0] = Some(start);
    while let Some(i) = work.pop() {
        let Some(mut set) = state[i] else { continue };
        let Some(instr) = code.get(i) else { continue };
        match instr {
            Bytecode::CopyLoc(l) | Bytecode::MoveLoc(l) => {
                let l = usize::from(*l);
                if set[l / 64] & (1 << (l % 64)) == 0 {
                    needed[l] = true;
                }
            }
            Bytecode::StLoc(l) => {
                let l = usize::from(*l);
                set[l / 64] |= 1 << (l % 64);
            }
            _ => {}
        }
        let successors: Vec<usize> = match instr {
            Bytecode::Branch(l) => vec![target(*l)],
            Bytecode::BrTrue(l) | Bytecode::BrFalse(l) => vec![target(*l), i + 1],
            Bytecode::Ret | Bytecode::Abort => vec![],
            _ => vec![i + 1],
        };
        for s in successors {
            let joined = match state[s] {
                None => set,
                Some(old) => std::array::from_fn(|w| old[w] & set[w]),
            };
            if state[s] != Some(joined) {
                state[s] = Some(joined);
                work.push(s);
            }
        }
    }
    (0..locals).filter(|&l| needed[l]).collect()
}
