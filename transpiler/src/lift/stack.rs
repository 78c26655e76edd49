//! Running one basic block on an abstract stack: the part of EVM semantics the control-flow
//! analyses share (jump resolution, function recovery).
//!
//! A slot holds a constant, the function's entry slot `k` (counted from the top at function
//! entry, 1 = top), or an unknown value. Inside a block every slot also carries an identity
//! shared by its copies (DUP), so that what a JUMPI learns about its condition (non-zero
//! where taken, zero where not) applies to every copy of it, and through ISZERO to its
//! operand. Pure word operations (arithmetic, comparison, bitwise, shifts) on constants are
//! folded, with the runtime's own arithmetic (`evmove_word`): solc's legacy constructor code
//! calls an internal function through `(creation_label << 32 | runtime_label) >> 32`.
//! Across block boundaries only constants no larger than the code that a PUSH gave (labels,
//! the booleans 0 and 1, code offsets and sizes), labels however computed, and entry slots
//! are kept, which keeps the number of distinct stacks finite (a folded loop counter would
//! otherwise count through every value). A slot also carries its [`Origin`]: whether it may
//! be computed from a label and data, chosen by the environment, a forgotten constant, or
//! loaded back from where the code keeps function pointers; jump resolution bounds a jump by
//! the labels that escaped only in that last case.

use std::{
    collections::HashMap,
    hash::{Hash, Hasher},
    rc::Rc,
};

use alloy_primitives::U256;
use hashbrown::hash_map::RawEntryMut;
use revm_bytecode::opcode::{self, OpCode};
use rustc_hash::FxBuildHasher;

use super::{
    blocks::{BasicBlock, BlockExit},
    origin::{self, Origin, Place, Stored, Written},
};
use crate::{
    evm::{Code, Pc},
    ir::Fault,
};

/// The EVM's stack limit (the shim's, which the lowering's checks read too).
pub const STACK_LIMIT: usize = evmove_word::shim::EVM_STACK_LIMIT;

/// How much work an analysis may do, in steps: a step is one stack slot or one instruction
/// looked at. Offering a (block, stack) state costs its stack's height plus one, whether or
/// not it is new (admitting it hashes and compares the stack); exploring a block costs its
/// instructions. Compiler output needs a few hundred thousand steps; code whose stack grows
/// in a loop (recursion, or adversarial input) would otherwise offer states by the million,
/// each with a stack hundreds of slots deep. Counted in steps, not time, the point where an
/// analysis gives up is the same on every machine.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Budget {
    left: usize,
}

impl Budget {
    /// The steps an analysis may take.
    pub const STEPS: usize = 2_000_000;

    pub fn new() -> Self {
        Self { left: Self::STEPS }
    }

    /// Pays for `steps` more; `false` once spent.
    pub fn charge(&mut self, steps: usize) -> bool {
        match self.left.checked_sub(steps) {
            Some(left) => {
                self.left = left;
                true
            }
            None => false,
        }
    }

    /// Pays for offering a state with a stack of `height` slots.
    pub fn offer(&mut self, height: usize) -> bool {
        self.charge(height + 1)
    }
}

/// An abstract stack slot, as it crosses block boundaries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    /// A value the analysis does not track.
    Unknown,
    /// A known constant.
    Const(U256),
    /// The value the enclosing function found at depth `k` of the stack when it was entered.
    Entry(u16),
}

/// By hand, word by word: the derived hash goes through the slice of a constant's limbs.
impl Hash for Slot {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match *self {
            Slot::Unknown => state.write_u8(0),
            Slot::Const(value) => {
                state.write_u8(1);
                value
                    .as_limbs()
                    .iter()
                    .for_each(|&limb| state.write_u64(limb));
            }
            Slot::Entry(depth) => {
                state.write_u8(2);
                state.write_u16(depth);
            }
        }
    }
}

/// The stack on entry to a block, bottom first.
pub(crate) type Stack = Rc<[Slot]>;

/// The origins of a stack's unknown slots that a jump resolution tells apart, by position
/// from the bottom: [`Origin::MIXED`] or [`Origin::LOADED`]; an unknown slot not listed is
/// [`Origin::ENVIRONMENT`] (a constant the analysis forgot is one).
pub(crate) type Origins = Rc<[(u16, Origin)]>;

/// What lies below the slots a block starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Below {
    /// Nothing: reaching below underflows (code run from the start of a frame).
    Nothing,
    /// The caller's stack: reaching below brings in entry slots; `materialized` of them have
    /// been brought in so far.
    Caller { materialized: u16 },
}

/// How a block ended, with the stack popped of the jump's operands.
#[derive(Clone, Copy, Debug)]
pub(crate) enum BlockEnd {
    /// JUMP at `pc` to `target`.
    Jump { pc: Pc, target: Tracked },
    /// JUMPI at `pc` to `target` if `condition` is non-zero, else to `fallthrough`.
    JumpIf {
        pc: Pc,
        target: Tracked,
        condition: Tracked,
        fallthrough: Pc,
    },
    /// Into the next block.
    FallThrough(Pc),
    /// The frame ends (STOP, RETURN, REVERT, INVALID, SELFDESTRUCT, undefined opcode).
    Halt,
}

/// Where a block leaves to, with the stack on each edge: the next block (falling through,
/// or a JUMPI not taken) and the jump (a JUMP, or a JUMPI taken). An edge the JUMPI's
/// condition rules out is absent.
pub(crate) struct Exits<'a> {
    pub next: Option<(Pc, BlockStack<'a>)>,
    pub jump: Option<(Pc, Tracked, BlockStack<'a>)>,
}

/// A slot while a block runs: its value and an identity shared by its copies.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tracked {
    pub slot: Slot,
    id: u32,
    /// Whether the value was computed by folding rather than pushed.
    folded: bool,
    pub origin: Origin,
}

/// The stack while a block runs.
#[derive(Clone, Debug)]
pub(crate) struct BlockStack<'a> {
    slots: Vec<Tracked>,
    pub below: Below,
    next_id: u32,
    /// For each ISZERO result, the identity of its operand.
    is_zero_of: HashMap<u32, u32>,
    code: &'a Code,
    /// Labels used as data (consumed by an instruction other than a jump, DUP, SWAP or POP).
    pub escaped: Vec<Pc>,
    /// Entry slots used as data, by depth.
    pub entries_used: Vec<u16>,
    /// Regions of the code CODECOPY copies, as (offset, size), where both are constants.
    pub code_copies: Vec<(usize, usize)>,
    /// Whether a label was moved by an unknown amount (`label + index`, a jump table): a
    /// computed jump may then land on any JUMPDEST, not only on a label that escaped.
    pub label_offset: bool,
    /// What the code may have stored at constant addresses (jump resolution's assumption of
    /// the round); `None`: nothing.
    written: Option<Rc<Written>>,
    /// Places at constant addresses this block writes values of unbounded origin to.
    pub stores: Vec<Place>,
    /// Places at constant addresses this block loads from.
    pub loads: Vec<Place>,
}

impl<'a> BlockStack<'a> {
    /// The stack at the start of a block entered with `entry`.
    pub fn new(code: &'a Code, entry: &[Slot], below: Below) -> Self {
        let slots = (0..)
            .zip(entry)
            .map(|(id, &slot)| Tracked {
                slot,
                id,
                folded: false,
                origin: Origin::CODE,
            })
            .collect();
        Self {
            slots,
            below,
            next_id: entry.len() as u32,
            is_zero_of: HashMap::new(),
            code,
            escaped: Vec::new(),
            entries_used: Vec::new(),
            code_copies: Vec::new(),
            label_offset: false,
            written: None,
            stores: Vec::new(),
            loads: Vec::new(),
        }
    }

    /// Gives the unknown slots their origins (as [`Self::origins`] lists them) and what the
    /// code may have stored at constant addresses.
    pub fn with_origins(mut self, origins: &[(u16, Origin)], written: Rc<Written>) -> Self {
        for tracked in &mut self.slots {
            if tracked.slot == Slot::Unknown {
                tracked.origin = Origin::ENVIRONMENT;
            }
        }
        for &(position, origin) in origins {
            if let Some(tracked) = self.slots.get_mut(usize::from(position)) {
                tracked.origin = origin;
            }
        }
        self.written = Some(written);
        self
    }

    /// The origins of the slots a successor block sees as unknown, told apart only as far
    /// as a jump to them is resolved differently (fewer contexts).
    pub fn origins(&self) -> Origins {
        (0..)
            .zip(&self.slots)
            .filter_map(|(position, tracked)| match tracked.origin {
                origin if origin.has(Origin::MIXED) => Some((position, Origin::MIXED)),
                origin if origin.unbounded() || origin == Origin::CODE => None,
                origin => Some((position, origin)),
            })
            .collect()
    }

    /// Runs `block`: its instructions, then pops the operands of its jump.
    pub fn run(&mut self, block: &BasicBlock) -> Result<BlockEnd, (Pc, Fault)> {
        let instructions = &self.code.instructions()[block.instructions.clone()];
        let (last, body) = instructions.split_last().expect("blocks are not empty");
        for instruction in body {
            self.execute(instruction.opcode.get(), instruction.immediate)
                .map_err(|fault| (instruction.pc, fault))?;
        }
        let at_last = |fault| (last.pc, fault);
        match block.exit {
            BlockExit::Jump => Ok(BlockEnd::Jump {
                pc: last.pc,
                target: self.pop().map_err(at_last)?,
            }),
            BlockExit::JumpIf { fallthrough } => {
                let target = self.pop().map_err(at_last)?;
                let condition = self.pop().map_err(at_last)?;
                self.consumed(condition);
                Ok(BlockEnd::JumpIf {
                    pc: last.pc,
                    target,
                    condition,
                    fallthrough,
                })
            }
            BlockExit::FallThrough(next) => {
                self.execute(last.opcode.get(), last.immediate)
                    .map_err(at_last)?;
                Ok(BlockEnd::FallThrough(next))
            }
            BlockExit::Halt => {
                self.execute(last.opcode.get(), last.immediate)
                    .map_err(at_last)?;
                Ok(BlockEnd::Halt)
            }
        }
    }

    /// The edges a block that ended with `end` leaves by, each with its stack.
    pub fn exits(self, end: BlockEnd) -> Exits<'a> {
        match end {
            BlockEnd::Halt => Exits {
                next: None,
                jump: None,
            },
            BlockEnd::FallThrough(next) => Exits {
                next: Some((next, self)),
                jump: None,
            },
            BlockEnd::Jump { pc, target } => Exits {
                next: None,
                jump: Some((pc, target, self)),
            },
            BlockEnd::JumpIf {
                pc,
                target,
                condition,
                fallthrough,
            } => {
                let jump = self.clone().assuming(condition, false);
                Exits {
                    next: self.assuming(condition, true).map(|s| (fallthrough, s)),
                    jump: jump.map(|s| (pc, target, s)),
                }
            }
        }
    }

    /// The stack on an edge where `condition` is zero (`is_zero`) or not; `None` if the
    /// condition is a constant that rules the edge out.
    fn assuming(mut self, condition: Tracked, is_zero: bool) -> Option<Self> {
        if let Slot::Const(value) = condition.slot {
            if value.is_zero() != is_zero {
                return None;
            }
        }
        self.learn(condition.id, is_zero);
        Some(self)
    }

    /// The stack as a successor block sees it. Pushed constants that may be offsets into
    /// the code (at most its length: labels, the booleans 0 and 1 that carry branch
    /// conditions, the offsets and sizes of code that CODECOPY copies), folded constants
    /// that are labels, and entry slots are kept; other constants are forgotten, which keeps
    /// the number of distinct stacks finite.
    pub fn at_block_boundary(&self) -> Stack {
        let code_len = U256::from(self.code.bytes().len());
        self.slots
            .iter()
            .map(|tracked| match tracked.slot {
                Slot::Const(value) if value > code_len => Slot::Unknown,
                Slot::Const(value) if tracked.folded && label(self.code, value).is_none() => {
                    Slot::Unknown
                }
                slot => slot,
            })
            .collect()
    }

    /// Executes a non-jump instruction.
    fn execute(&mut self, op: u8, immediate: U256) -> Result<(), Fault> {
        match op {
            opcode::PUSH0..=opcode::PUSH32 => self.push(Slot::Const(immediate)),
            opcode::POP => self.pop().map(drop),
            // Copies of code the code carries as data: runtime code, child contracts.
            opcode::CODECOPY if self.slots.len() >= 3 => {
                let top = self.slots.len() - 1;
                if let (Slot::Const(offset), Slot::Const(size)) =
                    (self.slots[top - 1].slot, self.slots[top - 2].slot)
                {
                    self.code_copies.extend(code_copy(offset, size));
                }
                self.generic(op)
            }
            opcode::DUP1..=opcode::DUP16 => {
                let depth = usize::from(op - opcode::DUP1) + 1;
                self.reach(depth)?;
                let copy = self.slots[self.slots.len() - depth];
                self.push_tracked(copy)
            }
            opcode::SWAP1..=opcode::SWAP16 => {
                let depth = usize::from(op - opcode::SWAP1) + 1;
                self.reach(depth + 1)?;
                let top = self.slots.len() - 1;
                self.slots.swap(top, top - depth);
                Ok(())
            }
            // Folded and remembered, so that a JUMPI on it tells each edge whether its
            // operand is zero.
            opcode::ISZERO => {
                let operand = self.pop()?;
                self.push(match operand.slot {
                    Slot::Const(value) => Slot::Const(U256::from(value.is_zero())),
                    _ => Slot::Unknown,
                })?;
                let result = self.slots.last_mut().expect("just pushed");
                result.origin = operand.origin;
                self.is_zero_of.insert(result.id, operand.id);
                Ok(())
            }
            _ => self.generic(op),
        }
    }

    /// Any other instruction: consumes its inputs as data; its result is known only for a
    /// pure word operation on constants.
    fn generic(&mut self, op: u8) -> Result<(), Fault> {
        let info = OpCode::new_or_unknown(op).info();
        let inputs = usize::from(info.inputs());
        self.reach(inputs)?;
        let operands = self.slots.split_off(self.slots.len() - inputs);
        // The EVM's order: the first operand is the top of the stack.
        let constants: Vec<Option<U256>> = operands
            .iter()
            .rev()
            .map(|tracked| match tracked.slot {
                Slot::Const(value) => Some(value),
                _ => None,
            })
            .collect();
        let folded = (constants.iter().copied().collect::<Option<Vec<U256>>>())
            .and_then(|constants| evmove_word::eval(op, &constants));
        let has_label = constants
            .iter()
            .any(|&value| value.is_some_and(|value| label(self.code, value).is_some()));
        if folded.is_none() && matches!(op, opcode::ADD | opcode::SUB) && has_label {
            self.label_offset = true;
        }
        self.record_write(op, &constants, &operands);
        for &tracked in &operands {
            self.consumed(tracked);
        }
        if let Some(value) = folded {
            self.next_id += 1;
            return self.push_tracked(Tracked {
                slot: Slot::Const(value),
                id: self.next_id,
                folded: true,
                origin: Origin::CODE,
            });
        }
        let origin = self.result_origin(op, &constants, &operands, has_label);
        (0..info.outputs()).try_for_each(|_| {
            self.push(Slot::Unknown)?;
            self.slots.last_mut().expect("just pushed").origin = origin;
            Ok(())
        })
    }

    /// Records a write of a value of unbounded origin (or of data from outside the stack)
    /// at a constant address. `constants` are the operands' values in the EVM's order,
    /// `operands` the operands bottom first.
    fn record_write(&mut self, op: u8, constants: &[Option<U256>], operands: &[Tracked]) {
        let Some((place, stored)) = origin::write(op, constants) else {
            return;
        };
        let unbounded = match stored {
            Stored::Operand(index) => operands[operands.len() - 1 - index].origin.unbounded(),
            Stored::Data => true,
        };
        if unbounded {
            self.stores.push(place);
        }
    }

    /// The origin of the result of `op` when it does not fold (arguments as for
    /// [`Self::record_write`]; `has_label`: some operand is a label).
    fn result_origin(
        &mut self,
        op: u8,
        constants: &[Option<U256>],
        operands: &[Tracked],
        has_label: bool,
    ) -> Origin {
        if let Some(region) = origin::load(op) {
            let Some(address) = constants[0] else {
                return Origin::LOADED;
            };
            let place = Place::word(region, address);
            self.loads.push(place);
            return match self.written.as_ref().is_some_and(|w| w.overlaps(&place)) {
                true => Origin::ENVIRONMENT,
                false => Origin::LOADED,
            };
        }
        if !is_word_operation(op) {
            return Origin::ENVIRONMENT;
        }
        // Unpacking a loaded word, shifted right or masked by any amount (solc's function
        // pointers packed in a storage slot at an offset computed from the index), keeps it
        // what it was.
        let unpacked = match (op, operands) {
            (opcode::DIV, [_, word]) | (opcode::SHR, [word, _]) => [Some(word), None],
            (opcode::AND, [a, b]) => [Some(a), Some(b)],
            _ => [None, None],
        };
        if (unpacked.iter().flatten()).any(|word| word.origin == Origin::LOADED) {
            return Origin::LOADED;
        }
        let mixed = match has_label {
            true => Origin::MIXED,
            false => Origin::CODE,
        };
        match (operands.iter()).fold(mixed, |origin, tracked| origin.union(tracked.origin)) {
            // On constants the analysis does not track (an entry slot, in function recovery).
            Origin::CODE => Origin::ENVIRONMENT,
            origin => origin,
        }
    }

    fn push(&mut self, slot: Slot) -> Result<(), Fault> {
        self.next_id += 1;
        let id = self.next_id;
        self.push_tracked(Tracked {
            slot,
            id,
            folded: false,
            origin: Origin::CODE,
        })
    }

    fn push_tracked(&mut self, tracked: Tracked) -> Result<(), Fault> {
        if self.slots.len() == STACK_LIMIT {
            return Err(Fault::StackOverflow);
        }
        self.slots.push(tracked);
        Ok(())
    }

    fn pop(&mut self) -> Result<Tracked, Fault> {
        self.reach(1)?;
        Ok(self.slots.pop().expect("reached above"))
    }

    /// Makes at least `depth` slots available: from the caller's stack, or it underflows.
    fn reach(&mut self, depth: usize) -> Result<(), Fault> {
        while self.slots.len() < depth {
            let Below::Caller { materialized } = &mut self.below else {
                return Err(Fault::StackUnderflow);
            };
            if usize::from(*materialized) == STACK_LIMIT {
                return Err(Fault::StackUnderflow);
            }
            *materialized += 1;
            self.next_id += 1;
            let entry = Tracked {
                slot: Slot::Entry(*materialized),
                id: self.next_id,
                folded: false,
                origin: Origin::CODE,
            };
            self.slots.insert(0, entry);
        }
        Ok(())
    }

    fn consumed(&mut self, tracked: Tracked) {
        match tracked.slot {
            Slot::Const(value) => self.escaped.extend(label(self.code, value)),
            Slot::Entry(depth) => self.entries_used.push(depth),
            Slot::Unknown => {}
        }
    }

    /// Records that the value `id` is zero or not, in every copy and through ISZERO chains.
    fn learn(&mut self, id: u32, is_zero: bool) {
        if is_zero {
            for tracked in self.slots.iter_mut().filter(|t| t.id == id) {
                tracked.slot = Slot::Const(U256::ZERO);
                tracked.origin = Origin::CODE;
            }
        }
        if let Some(&operand) = self.is_zero_of.get(&id) {
            self.learn(operand, !is_zero);
        }
    }
}

/// The contexts an analysis has explored a block in, and which new ones it still must.
///
/// Contexts are kept apart, never merged, as long as they are few: that is what carries each
/// caller's return label to its return jump, and what a JUMPI learns to the next JUMPI on the
/// same value. But data constants (a local initialised to 0 on one path and computed on
/// another, a condition known on one edge) multiply: a large function with a dozen such
/// slots has thousands of combinations, each a context. So contexts are grouped by their
/// *control skeleton* (where a block is entered, the stack height, which slots hold which
/// labels, and the analysis's own extra key), and once a group has
/// [`Contexts::WIDEN_AFTER`] contexts, a new one is joined with the group's join so far:
/// slots on which they differ become unknown. A join only loses information, so each group
/// then grows by at most one context per stack slot. Labels are never joined, so every
/// jump target stays exact. Entry slots are joined like data (an argument's copy on one
/// path, a computed value on another, as in Uniswap v3's `swap`): a return label, the one
/// entry slot that matters for control, sits in the same slot of every context of a group
/// in compiler output. What is lost is only precision the analyses do not need for code
/// this large (an edge a constant condition would rule out is explored).
///
/// Stacks are hashed with FxHash, and a group is looked up by the skeleton built in a
/// scratch buffer: hashing stacks, a few dozen slots of 256-bit constants each, and
/// allocating them is most of an analysis's time otherwise.
pub(crate) struct Contexts<K> {
    groups:
        hashbrown::HashMap<(Pc, K), hashbrown::HashMap<Stack, Group, FxBuildHasher>, FxBuildHasher>,
    /// The skeleton of the stack being admitted.
    skeleton: Vec<Slot>,
}

#[derive(Default)]
struct Group {
    explored: hashbrown::HashSet<Stack, FxBuildHasher>,
    /// The join of every context explored once the group was widened.
    joined: Option<Stack>,
}

impl<K: Clone + Eq + Hash> Contexts<K> {
    /// Contexts a group keeps apart before it joins new ones.
    pub const WIDEN_AFTER: usize = 8;

    pub fn new() -> Self {
        Self {
            groups: hashbrown::HashMap::default(),
            skeleton: Vec::new(),
        }
    }

    /// The context to explore for a path entering `start` with `stack` (and the analysis's
    /// `extra` key), or `None` if an explored context already covers it.
    pub fn admit(&mut self, code: &Code, start: Pc, extra: K, stack: Stack) -> Option<Stack> {
        self.skeleton.clear();
        self.skeleton.extend(stack.iter().map(|&slot| match slot {
            Slot::Const(value) if label(code, value).is_some() => slot,
            _ => Slot::Unknown,
        }));
        let group = match self
            .groups
            .entry((start, extra))
            .or_default()
            .raw_entry_mut()
            .from_key(&self.skeleton[..])
        {
            RawEntryMut::Occupied(entry) => entry.into_mut(),
            RawEntryMut::Vacant(entry) => {
                entry
                    .insert(Rc::from(&self.skeleton[..]), Group::default())
                    .1
            }
        };
        if group.explored.len() < Self::WIDEN_AFTER {
            return group.explored.insert(stack.clone()).then_some(stack);
        }
        if group.explored.contains(&stack) {
            return None;
        }
        let joined = match &group.joined {
            None => group.explored.iter().fold(stack, |a, b| join(&a, b)),
            Some(joined) => join(joined, &stack),
        };
        if group.joined.as_ref() == Some(&joined) {
            return None;
        }
        group.joined = Some(joined.clone());
        group.explored.insert(joined.clone());
        Some(joined)
    }
}

/// Two stacks of one height, slot by slot: equal slots stay, others become unknown.
fn join(a: &Stack, b: &Stack) -> Stack {
    a.iter()
        .zip(b.iter())
        .map(|(&x, &y)| if x == y { x } else { Slot::Unknown })
        .collect()
}

/// The region a CODECOPY of `size` bytes from `offset`, both constants, copies, as
/// (offset, size): `None` if it copies nothing or lies beyond any code.
pub(crate) fn code_copy(offset: U256, size: U256) -> Option<(usize, usize)> {
    match (usize::try_from(offset), usize::try_from(size)) {
        (Ok(offset), Ok(size @ 1..)) => Some((offset, size)),
        _ => None,
    }
}

/// Whether `op` is a pure operation on words (arithmetic, comparison, bitwise, shifts).
fn is_word_operation(op: u8) -> bool {
    matches!(op, opcode::ADD..=opcode::SIGNEXTEND | opcode::LT..=opcode::SAR)
}

/// The label `value` names, if it is a valid jump destination of `code`.
pub(crate) fn label(code: &Code, value: U256) -> Option<Pc> {
    let pc = Pc(u32::try_from(value).ok()?);
    code.is_jumpdest(pc).then_some(pc)
}
