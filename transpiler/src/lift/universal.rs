//! The universal lift: code the static analysis cannot follow (`DESIGN.md` §4) as one IR
//! function that keeps the EVM stack itself, so it never needs to know a stack height.
//!
//! Every block reachable by the EVM's rules (offset 0, every JUMPDEST, and what they fall
//! through to) becomes IR blocks that:
//!
//! - check the stack first (`stack.check`): the block's static stack effect says how many
//!   items it reads and how far it grows the stack, so one check halts with underflow or
//!   overflow exactly when the EVM would halt somewhere in the block (an exceptional halt
//!   undoes everything the frame did, so halting at entry is the same halt);
//! - pop the items they read (`stack.pop`), compute in SSA values, and push what they leave
//!   (`stack.push`) before leaving;
//! - jump straight to a JUMPDEST's block when the target is a constant in the block, to a
//!   fault when the constant is no JUMPDEST, and otherwise to the **dispatcher**, a block
//!   switching on the target over every JUMPDEST (any other target is the invalid-jump
//!   halt).
//!
//! Code with a computed jump runs as one **dispatch loop**: the entry jumps to the loop's
//! head, which goes on to offset 0's block, and a computed jump goes back to the head,
//! which goes on to the dispatcher (the head's first parameter says which). So the head
//! dominates every block, and every cycle through the dispatcher is one loop, headed by it.
//! Entered at offset 0 instead, each JUMPDEST that code runs through on its way to the
//! computed jump would dominate the dispatcher and head a loop of its own around it: a
//! nest as deep as there are such JUMPDESTs, whose dispatcher's edges the Move lowering
//! (`lower::layout`) leads out through every exit pad in between — code quadratic in the
//! JUMPDESTs (500 branches in a row: 530,000 Move instructions, split into parts that
//! never shrink).
//!
//! A long EVM block is cut into segments of at most [`SEGMENT`] instructions, each an IR
//! block of its own, so that no IR block is too large for one Move function.
//! `Emitter::segment` emits each segment's IR in one place.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use alloy_primitives::U256;
use revm_bytecode::opcode::{self, OpCode};

use evmove_word::shim::cost::observes_gas;

use super::{
    blocks::{block_at, BasicBlock, BlockExit},
    gas::Section,
    jumps::JumpAnalysis,
    stack::code_copy,
};
use crate::{
    evm::{Code, Instruction, Pc},
    ir::{self, BlockCall, Fault, InstData, Terminator, Value},
};

/// The most EVM instructions one IR block is lifted from.
pub const SEGMENT: usize = 512;

/// Lifts `code` in universal form: the module and the blocks and jumps it found (every
/// computed jump may reach every JUMPDEST).
pub fn lift_universal(code: &Code) -> (ir::Module, JumpAnalysis) {
    let blocks = reachable_blocks(code);
    let jumpdests: Vec<Pc> = blocks
        .keys()
        .copied()
        .filter(|&pc| code.is_jumpdest(pc))
        .collect();
    let mut function = ir::Function::new(Pc(0), None);
    // The entry first: the layout's first block is the function's entry.
    let entries: HashMap<Pc, ir::Block> = blocks
        .keys()
        .map(|&pc| (pc, function.add_block(pc)))
        .collect();
    let mut emitter = Emitter {
        code,
        function,
        entries,
        dispatch: None,
        analysis: JumpAnalysis::default(),
        section: None,
    };
    for block in blocks.values() {
        emitter.block(block);
    }
    let Emitter {
        mut function,
        entries,
        dispatch,
        mut analysis,
        ..
    } = emitter;
    if let Some(dispatch) = dispatch {
        let cases = jumpdests
            .iter()
            .map(|pc| (*pc, plain(entries[pc])))
            .collect();
        dispatch.close(&mut function, cases, entries[&Pc(0)]);
        let every: BTreeSet<Pc> = jumpdests.iter().copied().collect();
        for pc in &analysis.computed {
            analysis.targets.insert(*pc, every.clone());
        }
    }
    analysis.blocks = blocks;
    let module = ir::Module {
        functions: vec![function],
    };
    (module, analysis)
}

/// The blocks the EVM can run: the one at offset 0, every one starting at a JUMPDEST, and
/// those they fall through to, by start.
fn reachable_blocks(code: &Code) -> BTreeMap<Pc, BasicBlock> {
    let mut all = BTreeMap::new();
    let mut first = 0;
    while first < code.instructions().len() {
        let block = block_at(code, first);
        first = block.instructions.end;
        all.insert(block.start, block);
    }
    let mut pending: Vec<Pc> = all
        .keys()
        .copied()
        .filter(|&pc| pc == Pc(0) || code.is_jumpdest(pc))
        .collect();
    let mut reachable = BTreeMap::new();
    while let Some(pc) = pending.pop() {
        let Some(block) = all.get(&pc) else { continue };
        if reachable.insert(pc, block.clone()).is_none() {
            if let BlockExit::FallThrough(next) | BlockExit::JumpIf { fallthrough: next } =
                block.exit
            {
                pending.push(next);
            }
        }
    }
    reachable
}

/// The function being built.
struct Emitter<'a> {
    code: &'a Code,
    function: ir::Function,
    /// The first IR block of each reachable EVM block.
    entries: HashMap<Pc, ir::Block>,
    /// The dispatch loop, once a computed jump needs it.
    dispatch: Option<DispatchLoop>,
    /// The jumps found, for [`JumpAnalysis`].
    analysis: JumpAnalysis,
    /// The section of static gas being emitted (`super::gas`, as on the static path).
    section: Option<Section>,
}

/// The dispatch loop's head, `head(dispatching, target)`: the entry passes zero (and a
/// target nobody reads), a computed jump one and its target.
#[derive(Clone, Copy)]
struct DispatchLoop {
    head: ir::Block,
    dispatching: Value,
    target: Value,
}

impl DispatchLoop {
    /// The head, its terminator left for [`DispatchLoop::close`].
    fn new(function: &mut ir::Function) -> Self {
        // No EVM block of its own: it is shown at the code's start.
        let head = function.add_block(Pc(0));
        let dispatching = function.add_param(head);
        let target = function.add_param(head);
        Self {
            head,
            dispatching,
            target,
        }
    }

    /// A computed jump from `block` to `target`.
    fn jump(&self, function: &mut ir::Function, block: ir::Block, target: Value) -> BlockCall {
        let one = function.push_inst(block, InstData::Const(U256::from(1)), 1)[0];
        BlockCall {
            block: self.head,
            args: vec![one, target],
        }
    }

    /// Closes the loop: the head goes on to `start` (offset 0's block) or to the
    /// dispatcher, which switches to `cases`; a new entry enters at the head.
    fn close(self, function: &mut ir::Function, cases: Vec<(Pc, BlockCall)>, start: ir::Block) {
        let dispatcher = function.add_block(Pc(0));
        let switch = Terminator::Switch {
            value: self.target,
            cases,
            speculative: false,
        };
        function.set_terminator(dispatcher, switch);
        let head = Terminator::Branch {
            cond: self.dispatching,
            then: plain(dispatcher),
            otherwise: plain(start),
        };
        function.set_terminator(self.head, head);
        let entry = function.add_entry_block(Pc(0));
        let zero = function.push_inst(entry, InstData::Const(U256::ZERO), 1)[0];
        let enter = BlockCall {
            block: self.head,
            args: vec![zero, zero],
        };
        function.set_terminator(entry, Terminator::Jump(enter));
    }
}

/// The symbolic EVM stack of one segment: the items it popped on entry and computed, bottom
/// first, with the constants among them.
#[derive(Default)]
struct Segment {
    stack: Vec<Value>,
    consts: HashMap<Value, U256>,
}

impl Segment {
    fn pop(&mut self) -> Value {
        self.stack.pop().expect("the stack check covers every read")
    }

    fn constant(&self, value: Value) -> Option<U256> {
        self.consts.get(&value).copied()
    }
}

impl Emitter<'_> {
    /// Emits EVM block `evm`, segment by segment.
    fn block(&mut self, evm: &BasicBlock) {
        let instructions = &self.code.instructions()[evm.instructions.clone()];
        let chunks: Vec<&[Instruction]> = instructions.chunks(SEGMENT).collect();
        let mut block = self.entries[&evm.start];
        for (k, chunk) in chunks.iter().enumerate() {
            let Some(next) = chunks.get(k + 1) else {
                let (end, body) = chunk.split_last().expect("a block has instructions");
                let mut segment = self.segment(block, chunk, body);
                if !matches!(evm.exit, BlockExit::FallThrough(_)) {
                    // Emitted by its terminator, not as an instruction.
                    self.charge(end.opcode.get());
                }
                let terminator = self.exit(block, evm, end, &mut segment);
                self.close_section();
                self.function.set_terminator(block, terminator);
                break;
            };
            let segment = self.segment(block, chunk, chunk);
            self.close_section();
            self.push_all(block, &segment);
            let continuation = self.function.add_block(next[0].pc);
            self.function
                .set_terminator(block, Terminator::Jump(plain(continuation)));
            block = continuation;
        }
    }

    /// Emits the IR of the instructions `body` of segment `chunk` (which may end with the
    /// block's last instruction, whose stack effect it checks too) into `block`: the stack
    /// check, the pops, the operations. Returns the symbolic stack it leaves.
    ///
    /// Opens the segment's first section of static gas (`super::gas`); an instruction that
    /// observes the gas left ends a section, as on the static path.
    fn segment(
        &mut self,
        block: ir::Block,
        chunk: &[Instruction],
        body: &[Instruction],
    ) -> Segment {
        let (needs, grows) = stack_effect(chunk);
        if needs > 0 || grows > 0 {
            let check = InstData::StackCheck { needs, grows };
            self.function.push_inst(block, check, 0);
        }
        self.section = Some(Section::open(&mut self.function, block));
        let mut segment = Segment::default();
        if needs > 0 {
            let popped = self.function.push_inst(block, InstData::StackPop, needs);
            segment.stack = popped.into_iter().rev().collect();
        }
        for instruction in body {
            self.instruction(block, instruction, &mut segment);
        }
        segment
    }

    /// Emits one instruction that does not end its block.
    fn instruction(&mut self, block: ir::Block, instruction: &Instruction, segment: &mut Segment) {
        let op = instruction.opcode;
        let byte = op.get();
        self.charge(byte);
        match byte {
            opcode::PUSH0..=opcode::PUSH32 => self.constant(block, instruction.immediate, segment),
            opcode::PC => self.constant(block, U256::from(instruction.pc.0), segment),
            opcode::JUMPDEST => {}
            opcode::POP => drop(segment.pop()),
            opcode::DUP1..=opcode::DUP16 => {
                let stack = &mut segment.stack;
                stack.push(stack[stack.len() - usize::from(byte - opcode::DUP1) - 1]);
            }
            opcode::SWAP1..=opcode::SWAP16 => {
                let stack = &mut segment.stack;
                let top = stack.len() - 1;
                stack.swap(top, top - usize::from(byte - opcode::SWAP1) - 1);
            }
            _ => {
                let args: Vec<Value> = (0..op.inputs()).map(|_| segment.pop()).collect();
                match byte {
                    // Its price per byte depends on the fork: charged at run time.
                    opcode::EXP => {
                        self.function.push_inst(block, InstData::GasExp(args[1]), 0);
                    }
                    // Code copied from constant offsets (runtime code in initcode), which
                    // `pipeline::lift_blobs` lifts as blobs of their own.
                    opcode::CODECOPY => {
                        let (offset, size) = (segment.constant(args[1]), segment.constant(args[2]));
                        let region = offset.zip(size).and_then(|(o, s)| code_copy(o, s));
                        self.analysis.code_copies.extend(region);
                    }
                    _ => {}
                }
                let outputs = usize::from(op.outputs());
                let results = self
                    .function
                    .push_inst(block, InstData::Op { op, args }, outputs);
                segment.stack.extend(results);
                if observes_gas(byte) {
                    self.close_section();
                    self.section = Some(Section::open(&mut self.function, block));
                }
            }
        }
    }

    /// Adds the EVM instruction `op` to the open section (its static gas and fork).
    fn charge(&mut self, op: u8) {
        (self.section.as_mut())
            .expect("instructions are emitted in a section")
            .add(op);
    }

    fn close_section(&mut self) {
        if let Some(section) = self.section.take() {
            section.close(&mut self.function);
        }
    }

    fn constant(&mut self, block: ir::Block, value: U256, segment: &mut Segment) {
        let result = self.function.push_inst(block, InstData::Const(value), 1)[0];
        segment.consts.insert(result, value);
        segment.stack.push(result);
    }

    /// The terminator of `block`, which ends EVM block `evm` with instruction `end`.
    fn exit(
        &mut self,
        block: ir::Block,
        evm: &BasicBlock,
        end: &Instruction,
        segment: &mut Segment,
    ) -> Terminator {
        match evm.exit {
            BlockExit::Jump => {
                let target = segment.pop();
                self.push_all(block, segment);
                match self.jump(block, end.pc, target, segment) {
                    Ok(call) => Terminator::Jump(call),
                    Err(fault) => Terminator::Fault(fault),
                }
            }
            BlockExit::JumpIf { fallthrough } => {
                let target = segment.pop();
                let cond = segment.pop();
                self.push_all(block, segment);
                let then = self
                    .jump(block, end.pc, target, segment)
                    .unwrap_or_else(|fault| {
                        let faulting = self.function.add_block(end.pc);
                        self.function
                            .set_terminator(faulting, Terminator::Fault(fault));
                        plain(faulting)
                    });
                let otherwise = plain(self.entries[&fallthrough]);
                Terminator::Branch {
                    cond,
                    then,
                    otherwise,
                }
            }
            BlockExit::FallThrough(next) => {
                self.instruction(block, end, segment);
                self.push_all(block, segment);
                Terminator::Jump(plain(self.entries[&next]))
            }
            BlockExit::Halt => {
                let op = end.opcode;
                let inputs = if end.is_defined() { op.inputs() } else { 0 };
                let args = (0..inputs).map(|_| segment.pop()).collect();
                Terminator::Halt { op, args }
            }
        }
    }

    /// Where the jump at `pc` in `block` to `target` goes: the JUMPDEST's block for a
    /// constant, the dispatch loop's head for a computed target; a fault for a constant
    /// that is no JUMPDEST.
    fn jump(
        &mut self,
        block: ir::Block,
        pc: Pc,
        target: Value,
        segment: &Segment,
    ) -> Result<BlockCall, Fault> {
        let Some(constant) = segment.constant(target) else {
            self.analysis.computed.insert(pc);
            let function = &mut self.function;
            let dispatch = *self
                .dispatch
                .get_or_insert_with(|| DispatchLoop::new(function));
            return Ok(dispatch.jump(function, block, target));
        };
        let block = u32::try_from(constant)
            .ok()
            .map(Pc)
            .filter(|&to| self.code.is_jumpdest(to))
            .and_then(|to| Some((to, *self.entries.get(&to)?)));
        match block {
            Some((to, block)) => {
                self.analysis.targets.insert(pc, BTreeSet::from([to]));
                Ok(plain(block))
            }
            None => Err(Fault::InvalidJumpTarget(constant)),
        }
    }

    /// Pushes what the segment leaves on the stack back onto the EVM stack.
    fn push_all(&mut self, block: ir::Block, segment: &Segment) {
        if !segment.stack.is_empty() {
            let push = InstData::StackPush(segment.stack.clone());
            self.function.push_inst(block, push, 0);
        }
    }
}

/// How many items `instructions` read below the stack's height where they start, and how
/// far above it they grow the stack at most.
pub(super) fn stack_effect(instructions: &[Instruction]) -> (usize, usize) {
    let (mut height, mut needs, mut grows) = (0isize, 0isize, 0isize);
    for instruction in instructions {
        let op: OpCode = instruction.opcode;
        let byte = op.get();
        let (reads, delta) = match byte {
            _ if !instruction.is_defined() => (0, 0),
            opcode::DUP1..=opcode::DUP16 => (isize::from(byte - opcode::DUP1) + 1, 1),
            opcode::SWAP1..=opcode::SWAP16 => (isize::from(byte - opcode::SWAP1) + 2, 0),
            _ => {
                let (inputs, outputs) = (isize::from(op.inputs()), isize::from(op.outputs()));
                (inputs, outputs - inputs)
            }
        };
        needs = needs.max(reads - height);
        height += delta;
        grows = grows.max(height);
    }
    (needs as usize, grows as usize)
}

/// A jump to `block`, which has no parameters.
fn plain(block: ir::Block) -> BlockCall {
    BlockCall {
        block,
        args: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{evm::assemble, ir::verify_module};

    fn lifted(text: &str) -> String {
        let (module, _) = lift_universal(&Code::new(assemble(text).expect("assembles")));
        verify_module(&module).expect("well formed");
        module.to_string()
    }

    #[test]
    fn a_block_checks_what_it_reads_below_its_entry_and_how_far_it_grows() {
        let code = assemble("SWAP2 DUP4 PUSH 1 PUSH 2 ADD POP POP").expect("assembles");
        let code = Code::new(code);
        let instructions = &code.instructions()[..6];
        // SWAP2 reads 3 items, DUP4 then 4; the stack is 2 higher after PUSH 2.
        assert_eq!(stack_effect(instructions), (4, 3));
    }

    #[test]
    fn computed_jumps_go_through_the_dispatcher_and_constant_ones_straight_on() {
        let text = lifted(
            "PUSH0 CALLDATALOAD JUMP
             a: PUSH @b JUMP
             b: PUSH 1 PUSH 4 JUMPI STOP",
        );
        assert!(text.contains("switch v"), "{text}");
        assert!(text.contains("[pc3: block1(), pc8: block2()]"), "{text}");
        assert!(text.contains("fault invalid_jump 0x4"), "{text}");
        assert!(text.contains("stack.check needs 0, grows 2"), "{text}");
    }

    #[test]
    fn code_with_a_computed_jump_is_one_loop_headed_by_the_dispatch_loops_head() {
        // Three JUMPDESTs on the way to the computed jump, each a target of the dispatcher:
        // the head dominates them all, so none heads a loop of its own.
        let code = "a: PUSH @b JUMP b: PUSH @c JUMP c: PUSH0 CALLDATALOAD JUMP";
        let (module, _) = lift_universal(&Code::new(assemble(code).expect("assembles")));
        verify_module(&module).expect("well formed");
        let function = &module.functions[0];
        let cfg = crate::ir::ControlFlowGraph::of(function);
        let head = cfg.successors(function.entry())[0];
        assert_eq!(
            cfg.predecessors(head).len(),
            2,
            "the entry and the jump: {module}"
        );
        let dominators = crate::ir::Dominators::new(&cfg);
        for &block in function.layout() {
            let dominated = block == function.entry() || dominators.dominates(head, block);
            assert!(dominated, "{block}: {module}");
        }
        assert!(module.to_string().contains("switch v"), "{module}");
    }

    #[test]
    fn a_long_block_is_cut_into_segments_that_pass_the_stack_on() {
        let text = lifted(&"PUSH 1 ".repeat(SEGMENT + 1));
        assert!(text.contains("stack.check needs 0, grows 512"), "{text}");
        assert!(text.contains("stack.check needs 0, grows 1\n"), "{text}");
        assert_eq!(text.matches("stack.push").count(), 1, "{text}");
    }
}
