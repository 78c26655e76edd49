//! SSA construction: every recovered function becomes an IR function.
//!
//! A function is explored once more, per context, with its whole frame on the stack from the
//! start: its inputs, the return label (if it returns) deepest. Each distinct (EVM block,
//! stack height, position of the return label) becomes one IR block, whose parameters are
//! the stack slots on entry, bottom first — all but the return label, which is control, not
//! data. A block's instructions are emitted once; its terminator is built from the union of
//! the edges every context reaching it takes:
//!
//! - one target whose label is a constant in the block: a jump; several, or a label carried
//!   in from elsewhere: a switch on the label's value;
//! - a jump to the return label: a return of the values on the stack;
//! - a call found by function recovery: a call of the callee with the slots above its return
//!   label, then a jump to the continuation with the results on the stack (a switch on the
//!   return label when the contexts merged in the block return to different labels); for a
//!   callee that never returns, a tail call;
//! - a JUMPI: a branch, with a block made for its taken side when that side is more than a
//!   plain jump; an edge the analysis proved impossible is left out.
//!
//! Exceptional halts the analysis found (stack underflow, invalid jump) become `fault`
//! terminators; an unknown jump target outside the switch's cases halts at run time as an
//! invalid jump, unless jump resolution bounded the jump by assumption
//! ([`JumpAnalysis::speculative`]): then the switch is speculative, and another target is a
//! failed speculation ([`Fault::SpeculationFailed`]), which runs the frame again in
//! universal form.
//!
//! Each block charges the static gas of the EVM instructions it was lifted from, per section
//! ([`super::gas`]). A function whose stack base the analysis cannot know (it recurses, or
//! calls a function that does) takes it as a parameter ([`super::bases`]): SSA construction
//! records the peak of each function's frame and where each call's callee's frame starts.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap, VecDeque},
    rc::Rc,
};

use alloy_primitives::U256;
use evmove_word::shim::cost::observes_gas;
use revm_bytecode::opcode::{self, OpCode};

use super::{
    bases::{give_bases, taking_bases, Frame},
    blocks::{BasicBlock, BlockExit},
    functions::Function as Recovered,
    gas::Section,
    jumps::JumpAnalysis,
    stack::{label, Below, BlockStack, Contexts, Slot, Stack, STACK_LIMIT},
    universal::stack_effect,
};
use crate::{
    evm::{Code, Pc},
    ir::Fault,
    ir::{self, BlockCall, FuncRef, InstData, Terminator, Value},
};

/// Lifting failed: the code does something the IR cannot express.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LiftError {
    /// A function's return label is read as data (stored, compared, ...), not just jumped to.
    #[error("{pc}: a function's return label is used as data")]
    ReturnLabelUsedAsData {
        /// The instruction using it.
        pc: Pc,
    },
    /// One jump is a return in some contexts and a jump or call in others.
    #[error("{pc}: the jump returns in some contexts and not in others")]
    MixedJump {
        /// The jump.
        pc: Pc,
    },
    /// The stack may overflow inside a function, whose lifted form does not see its
    /// caller's part of the stack.
    #[error("{pc}: the stack may overflow inside a function")]
    OverflowInFunction {
        /// The instruction that may overflow.
        pc: Pc,
    },
}

/// Lifts every recovered function of `code` into one IR module; `fn0` is the code run from
/// offset 0, the others follow in order of their entry.
pub fn lift_module(
    code: &Code,
    jumps: &JumpAnalysis,
    functions: &BTreeMap<Pc, Recovered>,
) -> Result<ir::Module, LiftError> {
    let refs: BTreeMap<Pc, FuncRef> = functions
        .keys()
        .enumerate()
        .map(|(i, &entry)| (entry, FuncRef::new(i)))
        .collect();
    let mut module = ir::Module::default();
    let taking = taking_bases(functions);
    let mut frames = BTreeMap::new();
    for function in functions.values() {
        let overflow = jumps.faults.iter().find(|(pc, fault)| {
            **fault == Fault::StackOverflow
                && function.entry != Pc(0)
                && function.blocks.iter().any(|start| {
                    jumps.blocks.get(start).is_some_and(|block| {
                        let first = code.instructions()[block.instructions.start].pc;
                        let last = code.instructions()[block.instructions.end - 1].pc;
                        (first..=last).contains(pc)
                    })
                })
        });
        if let Some((&pc, _)) = overflow {
            return Err(LiftError::OverflowInFunction { pc });
        }
        let builder = Builder {
            code,
            jumps,
            functions,
            refs: &refs,
            taking: &taking,
            frame: Frame {
                peak: function.inputs,
                calls: Vec::new(),
            },
            recovered: function,
            ir: ir::Function::new(function.entry, function.outputs),
            blocks: BTreeMap::new(),
            consts: HashMap::new(),
            section: None,
        };
        let (function, frame) = builder.build()?;
        frames.insert(function.entry_pc, frame);
        module.functions.push(function);
    }
    give_bases(&mut module, &refs, &frames, &taking, jumps.by_summaries)
        .map_err(|pc| LiftError::OverflowInFunction { pc })?;
    Ok(module)
}

/// A stack slot as the IR sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Item {
    Value(Value),
    /// The function's return label: only ever jumped to.
    ReturnLabel,
}

/// An IR block of a function: the EVM block, the stack height on entry, and where copies
/// of the return label sit in that stack (via-IR code duplicates it while shuffling).
type Key = (Pc, usize, Rc<[usize]>);

/// Where one context leaves a block.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Edge {
    /// To a block of the function, by the label it jumps to.
    Goto(Pc, Key),
    /// To the caller.
    Return,
    /// Through a call of the function at `callee`; on at `continuation` if it returns.
    Call {
        callee: Pc,
        continuation: Option<Key>,
    },
    /// Nowhere: the target is not a JUMPDEST.
    InvalidJump(U256),
}

/// Why emitting a block stopped early.
enum Stop {
    /// The EVM halts exceptionally here.
    Fault(Fault),
    /// The code cannot be lifted.
    Error(LiftError),
}

/// An emitted IR block and what its terminator is built from.
struct Lifted {
    block: ir::Block,
    /// Where the jump is, for errors and made blocks.
    last_pc: Pc,
    /// The stack when the block ends, the jump's operands popped.
    exit: Vec<Item>,
    /// The jump target and the JUMPI condition, as emitted.
    target: Option<Item>,
    condition: Option<Value>,
    /// How the block ends instead, if it does not jump: a halt, or a fault.
    end: Option<Result<(OpCode, Vec<Value>), Fault>>,
    /// Edges of the jump (the taken side of a JUMPI), over all contexts.
    taken: BTreeSet<Edge>,
    /// Whether some context jumps to a target its abstract stack does not know (a function
    /// pointer, label arithmetic): the jump must check it at run time.
    computed: bool,
    /// The next block, if some context falls through into it (or does not take the JUMPI).
    falls_through: Option<Key>,
}

struct Builder<'a> {
    code: &'a Code,
    jumps: &'a JumpAnalysis,
    functions: &'a BTreeMap<Pc, Recovered>,
    refs: &'a BTreeMap<Pc, FuncRef>,
    /// The functions that take their stack base ([`super::bases`]).
    taking: &'a BTreeSet<Pc>,
    /// The function's frame as far as built.
    frame: Frame,
    recovered: &'a Recovered,
    ir: ir::Function,
    blocks: BTreeMap<Key, Lifted>,
    /// The constants among the function's values.
    consts: HashMap<Value, U256>,
    /// The section of static gas being emitted.
    section: Option<Section>,
}

impl Builder<'_> {
    /// The function, and what its frame holds.
    fn build(mut self) -> Result<(ir::Function, Frame), LiftError> {
        let entry_stack: Stack = (1..=self.recovered.inputs as u16)
            .rev()
            .map(Slot::Entry)
            .collect();
        let entry = self.recovered.entry;
        let mut contexts = Contexts::new();
        contexts.admit(self.code, entry, (), entry_stack.clone());
        let mut queue = VecDeque::from([(entry, entry_stack)]);
        while let Some((start, stack)) = queue.pop_front() {
            let key = self.key(start, &stack);
            if !self.blocks.contains_key(&key) {
                let lifted = self.emit(&key)?;
                self.blocks.insert(key.clone(), lifted);
            }
            for (next, stack) in self.explore(&key, &stack) {
                if let Some(stack) = contexts.admit(self.code, next, (), stack) {
                    queue.push_back((next, stack));
                }
            }
        }
        let keys: Vec<Key> = self.blocks.keys().cloned().collect();
        for key in keys {
            let terminator = self.terminator(&key)?;
            let block = self.blocks[&key].block;
            self.ir.set_terminator(block, terminator);
        }
        Ok((self.ir, self.frame))
    }

    /// The abstract slot of the return label: the deepest input of a function that returns.
    fn return_label(&self) -> Option<Slot> {
        self.recovered
            .outputs
            .map(|_| Slot::Entry(self.recovered.inputs as u16))
    }

    /// The IR block a context enters.
    fn key(&self, start: Pc, stack: &[Slot]) -> Key {
        let return_label = self.return_label();
        let positions = (0..stack.len())
            .filter(|&i| Some(stack[i]) == return_label)
            .collect();
        (start, stack.len(), positions)
    }

    fn evm_block(&self, start: Pc) -> BasicBlock {
        self.jumps.block(self.code, start)
    }

    /// Creates the IR block for `key` and emits its instructions.
    fn emit(&mut self, (start, height, return_labels): &Key) -> Result<Lifted, LiftError> {
        let evm = self.evm_block(*start);
        let block = self.ir.add_block(*start);
        let mut stack: Vec<Item> = Vec::with_capacity(*height);
        for i in 0..*height {
            stack.push(match return_labels.contains(&i) {
                true => Item::ReturnLabel,
                false => Item::Value(self.ir.add_param(block)),
            });
        }
        let instructions = &self.code.instructions()[evm.instructions.clone()];
        let (_, grows) = stack_effect(instructions);
        self.frame.peak = self.frame.peak.max(height + grows);
        let (last, body) = instructions.split_last().expect("blocks are not empty");
        self.section = Some(Section::open(&mut self.ir, block));
        let mut lifted = Lifted {
            block,
            last_pc: last.pc,
            exit: Vec::new(),
            target: None,
            condition: None,
            end: None,
            taken: BTreeSet::new(),
            computed: false,
            falls_through: None,
        };
        let emitted = body
            .iter()
            .try_for_each(|instruction| {
                self.instruction(
                    block,
                    instruction.pc,
                    instruction.opcode,
                    instruction.immediate,
                    &mut stack,
                )
            })
            .and_then(|()| match evm.exit {
                BlockExit::FallThrough(_) => {
                    self.instruction(block, last.pc, last.opcode, last.immediate, &mut stack)
                }
                _ => {
                    self.charge(last.opcode.get());
                    Ok(())
                }
            })
            .and_then(|()| match evm.exit {
                BlockExit::Jump => {
                    lifted.target = Some(pop(&mut stack)?);
                    Ok(())
                }
                BlockExit::JumpIf { .. } => {
                    lifted.target = Some(pop(&mut stack)?);
                    lifted.condition = Some(value(pop(&mut stack)?, last.pc)?);
                    Ok(())
                }
                BlockExit::FallThrough(_) => Ok(()),
                BlockExit::Halt => {
                    let inputs = if last.is_defined() {
                        last.opcode.inputs()
                    } else {
                        0
                    };
                    let args = (0..inputs)
                        .map(|_| value(pop(&mut stack)?, last.pc))
                        .collect::<Result<Vec<_>, Stop>>()?;
                    lifted.end = Some(Ok((last.opcode, args)));
                    Ok(())
                }
            });
        self.close_section();
        match emitted {
            Ok(()) => {}
            Err(Stop::Fault(fault)) => lifted.end = Some(Err(fault)),
            Err(Stop::Error(error)) => return Err(error),
        }
        lifted.exit = stack;
        Ok(lifted)
    }

    /// Adds the EVM instruction `op` to the open section (its static gas and fork).
    fn charge(&mut self, op: u8) {
        self.section
            .as_mut()
            .expect("instructions are emitted in a section")
            .add(op);
    }

    fn close_section(&mut self) {
        if let Some(section) = self.section.take() {
            section.close(&mut self.ir);
        }
    }

    /// Emits one non-jump instruction.
    fn instruction(
        &mut self,
        block: ir::Block,
        pc: Pc,
        op: OpCode,
        immediate: U256,
        stack: &mut Vec<Item>,
    ) -> Result<(), Stop> {
        let byte = op.get();
        self.charge(byte);
        match byte {
            opcode::PUSH0..=opcode::PUSH32 => self.constant(block, immediate, stack),
            opcode::PC => self.constant(block, U256::from(pc.0), stack),
            opcode::JUMPDEST => Ok(()),
            opcode::POP => pop(stack).map(drop),
            opcode::DUP1..=opcode::DUP16 => {
                let depth = usize::from(byte - opcode::DUP1) + 1;
                let item = *stack
                    .len()
                    .checked_sub(depth)
                    .map(|i| &stack[i])
                    .ok_or(Stop::Fault(Fault::StackUnderflow))?;
                push(stack, item)
            }
            opcode::SWAP1..=opcode::SWAP16 => {
                let depth = usize::from(byte - opcode::SWAP1) + 1;
                let top = stack
                    .len()
                    .checked_sub(1)
                    .ok_or(Stop::Fault(Fault::StackUnderflow))?;
                let other = top
                    .checked_sub(depth)
                    .ok_or(Stop::Fault(Fault::StackUnderflow))?;
                stack.swap(top, other);
                Ok(())
            }
            _ => {
                let args = (0..op.inputs())
                    .map(|_| value(pop(stack)?, pc))
                    .collect::<Result<Vec<_>, Stop>>()?;
                if byte == opcode::EXP {
                    // Its price per byte depends on the fork: charged at run time.
                    self.ir.push_inst(block, InstData::GasExp(args[1]), 0);
                }
                let outputs = usize::from(op.outputs());
                for result in self.ir.push_inst(block, InstData::Op { op, args }, outputs) {
                    push(stack, Item::Value(result))?;
                }
                if observes_gas(byte) {
                    self.close_section();
                    self.section = Some(Section::open(&mut self.ir, block));
                }
                Ok(())
            }
        }
    }

    fn constant(
        &mut self,
        block: ir::Block,
        value: U256,
        stack: &mut Vec<Item>,
    ) -> Result<(), Stop> {
        let result = self.ir.push_inst(block, InstData::Const(value), 1)[0];
        self.consts.insert(result, value);
        push(stack, Item::Value(result))
    }

    /// Runs the block of `key` abstractly in one context, records the edges it takes, and
    /// returns the contexts it leads to.
    fn explore(&mut self, key: &Key, stack: &[Slot]) -> Vec<(Pc, Stack)> {
        let evm = self.evm_block(key.0);
        let mut abstract_stack = BlockStack::new(self.code, stack, Below::Nothing);
        let mut next = Vec::new();
        let Ok(end) = abstract_stack.run(&evm) else {
            return next; // the path faults here
        };
        let exits = abstract_stack.exits(end);
        if let Some((to, stack)) = exits.next {
            let after = stack.at_block_boundary();
            let to_key = self.key(to, &after);
            self.blocks.get_mut(key).expect("emitted").falls_through = Some(to_key);
            next.push((to, after));
        }
        if let Some((pc, target, taken)) = exits.jump {
            self.follow(key, pc, target.slot, &taken, &mut next);
        }
        next
    }

    /// Records where a jump at `pc` to `target` goes from a stack, and the contexts it leads to.
    fn follow(
        &mut self,
        key: &Key,
        pc: Pc,
        target: Slot,
        stack: &BlockStack<'_>,
        next: &mut Vec<(Pc, Stack)>,
    ) {
        let after = stack.at_block_boundary();
        let mut edges = Vec::new();
        if matches!(target, Slot::Entry(_) | Slot::Unknown) {
            self.blocks.get_mut(key).expect("emitted").computed = true;
        }
        let targets: Vec<Pc> = match target {
            slot if Some(slot) == self.return_label() => {
                edges.push(Edge::Return);
                Vec::new()
            }
            Slot::Const(value) => match label(self.code, value) {
                Some(target) => vec![target],
                None => {
                    edges.push(Edge::InvalidJump(value));
                    Vec::new()
                }
            },
            Slot::Entry(_) | Slot::Unknown => self
                .jumps
                .targets
                .get(&pc)
                .map(|targets| targets.iter().copied().collect())
                .unwrap_or_default(),
        };
        for target in targets {
            let call = self
                .recovered
                .calls
                .get(&pc)
                .filter(|call| call.callees.contains(&target));
            let callee = call.and_then(|_| self.functions.get(&target));
            let fits = callee.is_some_and(|callee| after.len() >= callee.inputs);
            // Where this context continues: the label the callee will return to.
            let continuation = callee.filter(|_| fits).and_then(|callee| {
                match after.get(after.len() - callee.inputs)? {
                    Slot::Const(value) => label(self.code, *value),
                    _ => None,
                }
            });
            match (call, callee) {
                (Some(_), Some(callee)) if fits => match (callee.outputs, continuation) {
                    (Some(outputs), Some(continuation)) => {
                        let base = after.len() - callee.inputs;
                        let resumed: Stack = after[..base]
                            .iter()
                            .copied()
                            .chain(std::iter::repeat_n(Slot::Unknown, outputs))
                            .collect();
                        edges.push(Edge::Call {
                            callee: target,
                            continuation: Some(self.key(continuation, &resumed)),
                        });
                        next.push((continuation, resumed));
                    }
                    (None, _) => edges.push(Edge::Call {
                        callee: target,
                        continuation: None,
                    }),
                    // No label to return to: not a call in this context.
                    (Some(_), None) => {
                        edges.push(Edge::Goto(target, self.key(target, &after)));
                        next.push((target, after.clone()));
                    }
                },
                // Not a call in this context: a jump into the callee's code.
                _ => {
                    edges.push(Edge::Goto(target, self.key(target, &after)));
                    next.push((target, after.clone()));
                }
            }
        }
        self.blocks
            .get_mut(key)
            .expect("emitted")
            .taken
            .extend(edges);
    }

    /// The terminator of the block of `key`, from the edges its contexts take.
    fn terminator(&mut self, key: &Key) -> Result<Terminator, LiftError> {
        let lifted = &self.blocks[key];
        let (block, exit, target, condition, computed) = (
            lifted.block,
            lifted.exit.clone(),
            lifted.target,
            lifted.condition,
            lifted.computed,
        );
        let (taken, falls_through, last_pc) = (
            lifted.taken.clone(),
            lifted.falls_through.clone(),
            lifted.last_pc,
        );
        match &lifted.end {
            Some(Err(fault)) => return Ok(Terminator::Fault(*fault)),
            Some(Ok((op, args))) => {
                return Ok(Terminator::Halt {
                    op: *op,
                    args: args.clone(),
                })
            }
            None => {}
        }
        let taken_side = (!taken.is_empty()).then_some(&taken);
        match (taken_side, falls_through, condition) {
            (None, None, _) => Ok(Terminator::Fault(self.unmatched(last_pc))),
            (None, Some(otherwise), _) => Ok(Terminator::Jump(self.block_call(&otherwise, &exit))),
            (Some(edges), None, _) => self.side(block, edges, &exit, (target, computed), last_pc),
            (Some(edges), Some(otherwise), Some(cond)) => {
                let otherwise = self.block_call(&otherwise, &exit);
                let then = match self.plain_jump(edges, target) {
                    Some(key) => self.block_call(&key, &exit),
                    None => self.side_block(edges, &exit, (target, computed), last_pc)?,
                };
                Ok(Terminator::Branch {
                    cond,
                    then,
                    otherwise,
                })
            }
            (Some(_), Some(_), None) => unreachable!("only a JUMPI falls through and jumps"),
        }
    }

    /// The block a jump taking `edges` goes to, if it is a plain jump: one target, named by
    /// a constant in the block.
    fn plain_jump(&self, edges: &BTreeSet<Edge>, target: Option<Item>) -> Option<Key> {
        let [Edge::Goto(label, key)] = &edges.iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        let Some(Item::Value(value)) = target else {
            return None;
        };
        (self.consts.get(&value) == Some(&U256::from(label.0))).then(|| key.clone())
    }

    /// The terminator of one side of a jump, taking `edges`, emitted into `block`; `target`
    /// is the jump's target and whether some context computes it.
    fn side(
        &mut self,
        block: ir::Block,
        edges: &BTreeSet<Edge>,
        exit: &[Item],
        (target, computed): (Option<Item>, bool),
        pc: Pc,
    ) -> Result<Terminator, LiftError> {
        let mut gotos = Vec::new();
        // Per callee, where the contexts calling it go on.
        let mut calls: BTreeMap<Pc, Vec<Option<Key>>> = BTreeMap::new();
        let mut returns = false;
        let mut invalid = None;
        for edge in edges {
            match edge {
                Edge::Goto(label, key) => gotos.push((*label, key.clone())),
                Edge::Call {
                    callee,
                    continuation,
                } => calls.entry(*callee).or_default().push(continuation.clone()),
                Edge::Return => returns = true,
                Edge::InvalidJump(value) => invalid = Some(*value),
            }
        }
        if returns {
            if !gotos.is_empty() || !calls.is_empty() {
                return Err(LiftError::MixedJump { pc });
            }
            let values = exit
                .iter()
                .map(|&item| value(item, pc))
                .collect::<Result<Vec<_>, _>>();
            return values.map(Terminator::Return).map_err(stop_error);
        }
        if !calls.is_empty() && !gotos.is_empty() {
            return Err(LiftError::MixedJump { pc });
        }
        if let Some(key) = self.plain_jump(edges, target) {
            return Ok(Terminator::Jump(self.block_call(&key, exit)));
        }
        // One callee, named by a constant label in every context; through a computed target
        // (a function pointer, label arithmetic) the switch below checks it, even for one.
        if calls.len() == 1 && !computed {
            let (callee, continuations) = calls.pop_first().expect("one");
            return self.call(block, callee, &continuations, exit, pc);
        }
        let target_value = |item: Option<Item>| match item {
            Some(Item::Value(value)) => Ok(value),
            _ => Err(LiftError::ReturnLabelUsedAsData { pc }),
        };
        if !calls.is_empty() {
            // Through a function pointer: one block per callee, chosen by the label.
            let value = target_value(target)?;
            let mut cases = Vec::new();
            for (callee, continuations) in calls {
                let (made, stack) = self.made_block(exit, pc);
                let terminator = self.call(made, callee, &continuations, &stack, pc)?;
                self.ir.set_terminator(made, terminator);
                cases.push((
                    callee,
                    BlockCall {
                        block: made,
                        args: passed(exit),
                    },
                ));
            }
            return Ok(self.switch(value, cases, pc));
        }
        if gotos.is_empty() {
            return Ok(Terminator::Fault(match invalid {
                Some(value) if !self.jumps.speculative.contains(&pc) => {
                    Fault::InvalidJumpTarget(value)
                }
                _ => self.unmatched(pc),
            }));
        }
        let value = target_value(target)?;
        let cases = gotos
            .iter()
            .map(|(label, key)| (*label, self.block_call(key, exit)))
            .collect();
        Ok(self.switch(value, cases, pc))
    }

    /// A switch of the jump at `pc` on `value`: speculative if jump resolution bounded the
    /// jump by the labels the code uses as data.
    fn switch(&self, value: Value, cases: Vec<(Pc, BlockCall)>, pc: Pc) -> Terminator {
        Terminator::Switch {
            value,
            cases,
            speculative: self.jumps.speculative.contains(&pc),
        }
    }

    /// The fault of the jump at `pc` where it takes none of the targets found: an invalid
    /// jump, or if jump resolution bounded it by assumption, a failed speculation.
    fn unmatched(&self, pc: Pc) -> Fault {
        match self.jumps.speculative.contains(&pc) {
            true => Fault::SpeculationFailed,
            false => Fault::InvalidJumpTarget(U256::ZERO),
        }
    }

    /// A block made for the taken side of a JUMPI: it takes the exit stack and the target.
    fn side_block(
        &mut self,
        edges: &BTreeSet<Edge>,
        exit: &[Item],
        (target, computed): (Option<Item>, bool),
        pc: Pc,
    ) -> Result<BlockCall, LiftError> {
        let (made, stack) = self.made_block(exit, pc);
        let mut args = passed(exit);
        let made_target = match target {
            Some(Item::Value(value)) => {
                args.push(value);
                let param = self.ir.add_param(made);
                if let Some(&constant) = self.consts.get(&value) {
                    self.consts.insert(param, constant);
                }
                Some(Item::Value(param))
            }
            other => other,
        };
        let terminator = self.side(made, edges, &stack, (made_target, computed), pc)?;
        self.ir.set_terminator(made, terminator);
        Ok(BlockCall { block: made, args })
    }

    /// A new block at `pc` with a parameter per value of `exit`, and `exit` in its terms.
    fn made_block(&mut self, exit: &[Item], pc: Pc) -> (ir::Block, Vec<Item>) {
        let made = self.ir.add_block(pc);
        let stack = exit
            .iter()
            .map(|item| match item {
                Item::Value(_) => Item::Value(self.ir.add_param(made)),
                Item::ReturnLabel => Item::ReturnLabel,
            })
            .collect();
        (made, stack)
    }

    /// Emits a call of the function at `callee` into `block` and returns how the block goes on:
    /// at the continuation of the contexts making the call, or, when they return to different
    /// labels, at the one the label slot names.
    fn call(
        &mut self,
        block: ir::Block,
        callee: Pc,
        continuations: &[Option<Key>],
        exit: &[Item],
        pc: Pc,
    ) -> Result<Terminator, LiftError> {
        let function = &self.functions[&callee];
        let func = self.refs[&callee];
        let base = exit.len() - function.inputs;
        self.frame.calls.push((pc, callee, base));
        let callee_base = self.taking.contains(&callee).then_some(base);
        let continuations: Option<Vec<&Key>> = continuations.iter().map(Option::as_ref).collect();
        match (function.outputs, continuations) {
            (Some(outputs), Some(continuations)) => {
                // The slot at `base` is the continuation's label: control, not an argument.
                let args = values_of(&exit[base + 1..], pc)?;
                let call = InstData::Call {
                    func,
                    args,
                    base: callee_base,
                };
                let results = self.ir.push_inst(block, call, outputs);
                let mut resumed = exit[..base].to_vec();
                resumed.extend(results.into_iter().map(Item::Value));
                if let [continuation] = continuations[..] {
                    return Ok(Terminator::Jump(self.block_call(continuation, &resumed)));
                }
                let Item::Value(label) = exit[base] else {
                    return Err(LiftError::ReturnLabelUsedAsData { pc });
                };
                let cases = continuations
                    .into_iter()
                    .map(|continuation| (continuation.0, self.block_call(continuation, &resumed)))
                    .collect();
                // Return labels are constants of the callers: no assumption.
                Ok(Terminator::Switch {
                    value: label,
                    cases,
                    speculative: false,
                })
            }
            _ => {
                // A function that never returns may pop our return label among its inputs;
                // it never sees its value, so any will do.
                let mut args = Vec::new();
                for (index, &item) in exit.iter().enumerate().skip(base) {
                    let depth = exit.len() - index;
                    args.push(match item {
                        Item::Value(value) => value,
                        Item::ReturnLabel if !function.inputs_used.contains(&depth) => {
                            self.ir.push_inst(block, InstData::Const(U256::ZERO), 1)[0]
                        }
                        Item::ReturnLabel => return Err(LiftError::ReturnLabelUsedAsData { pc }),
                    });
                }
                Ok(Terminator::TailCall {
                    func,
                    args,
                    base: callee_base,
                })
            }
        }
    }

    /// A call of the block of `key` with the values of `stack` (its return label, if any,
    /// sits where the key says: it is not passed).
    fn block_call(&self, key: &Key, stack: &[Item]) -> BlockCall {
        BlockCall {
            block: self.blocks[key].block,
            args: passed(stack),
        }
    }
}

/// The values a block entered with `stack` takes: all but the return label.
fn passed(stack: &[Item]) -> Vec<Value> {
    stack
        .iter()
        .filter_map(|item| match item {
            Item::Value(value) => Some(*value),
            Item::ReturnLabel => None,
        })
        .collect()
}

fn values_of(items: &[Item], pc: Pc) -> Result<Vec<Value>, LiftError> {
    items
        .iter()
        .map(|&item| value(item, pc))
        .collect::<Result<_, _>>()
        .map_err(stop_error)
}

fn value(item: Item, pc: Pc) -> Result<Value, Stop> {
    match item {
        Item::Value(value) => Ok(value),
        Item::ReturnLabel => Err(Stop::Error(LiftError::ReturnLabelUsedAsData { pc })),
    }
}

fn stop_error(stop: Stop) -> LiftError {
    match stop {
        Stop::Error(error) => error,
        Stop::Fault(_) => unreachable!("converting items faults never"),
    }
}

fn pop(stack: &mut Vec<Item>) -> Result<Item, Stop> {
    stack.pop().ok_or(Stop::Fault(Fault::StackUnderflow))
}

fn push(stack: &mut Vec<Item>, item: Item) -> Result<(), Stop> {
    if stack.len() == STACK_LIMIT {
        return Err(Stop::Fault(Fault::StackOverflow));
    }
    stack.push(item);
    Ok(())
}
