//! Functions and modules: what the blocks, instructions and values are (tables indexed by
//! entities), kept apart from the order the blocks are laid out in.

use alloy_primitives::U256;
pub use evmove_word::shim::gate::Charge;
use revm_bytecode::opcode::OpCode;

use super::entities::{Block, FuncRef, Value};
use crate::evm::Pc;

/// The IR of one code blob: its functions, `fn0` being the code run from offset 0.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Module {
    /// The functions, indexed by [`FuncRef`].
    pub functions: Vec<Function>,
}

/// A function: blocks with parameters, instructions producing values, one terminator per
/// block. The first block in the layout is the entry; its parameters are the arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    /// Where its code starts.
    pub entry_pc: Pc,
    /// How many values it returns; `None` if it never returns.
    pub results: Option<usize>,
    /// Whether it takes its stack base, and how far its frame may grow above it: `None` where
    /// the analysis knows the EVM stack's height everywhere in the function.
    pub stack_base: Option<StackBase>,
    blocks: Vec<BlockData>,
    layout: Vec<Block>,
    values: usize,
}

/// The stack base of a function in or above a recursion (one that calls itself, or calls
/// one that does): the height of the EVM stack below its frame, which the analysis cannot
/// know, as the recursion may be at any depth. The function takes it as a parameter of its
/// own (after its words), and every call passes the callee's ([`InstData::Call`]'s `base`).
/// The function's frame may grow the stack to `peak` items above its base, so on entry it
/// fails its speculation ([`Fault::SpeculationFailed`]) if the base exceeds `1024 - peak`:
/// the frame runs again in universal form, whose EVM stack halts exactly where the EVM's
/// does. Below that, the frame cannot overflow the stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StackBase {
    /// The most items its frame holds at once, its inputs included: the peak of its blocks,
    /// and at each call of a function without a stack base, the items below the callee's
    /// frame and the callee's own peak (a callee with a stack base checks its own).
    pub peak: usize,
}

/// A block: parameters, instructions, and how it ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockData {
    /// The EVM block it was lifted from.
    pub origin: Pc,
    /// Its parameters: the stack it is entered with, bottom first.
    pub params: Vec<Value>,
    /// Its instructions, in order.
    pub insts: Vec<Inst>,
    /// How it ends; `None` only while the function is being built.
    pub terminator: Option<Terminator>,
}

/// An instruction with its results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inst {
    /// The values it defines.
    pub results: Vec<Value>,
    /// What it does.
    pub data: InstData,
}

/// What an instruction does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstData {
    /// A constant: `v = const 0x2a`.
    Const(U256),
    /// An EVM operation with its EVM semantics: arithmetic, comparison, hashing, memory,
    /// storage, environment, logs, calls and creations (`v = add v1, v2`).
    Op {
        /// The EVM opcode; never a stack, jump or halting opcode.
        op: OpCode,
        /// Its operands, in the EVM's order (the first is the top of the stack).
        args: Vec<Value>,
    },
    /// A call of a function of the module.
    Call {
        /// The callee.
        func: FuncRef,
        /// The arguments, bottom of the stack first.
        args: Vec<Value>,
        /// For a callee that takes its stack base ([`StackBase`]): its base, as the number of
        /// items of this function's frame below the callee's, added to this function's base
        /// (zero in a function without one: `fn0`'s frame starts the stack).
        base: Option<usize>,
    },
    /// Charges the frame this much gas, halting it out of gas if it has less left: the
    /// static gas of a section of EVM code (`gas 21`), placed at the section's start
    /// (`lift::gas` says why that is exact); and halts it as revm halts an opcode not yet
    /// activated if the block's fork is older than the charge's (`gas 21 since CANCUN`). An
    /// effect: never removed, never moved across what observes the gas left, nor onto a path
    /// that does not go on to the section.
    Gas(Charge),
    /// Charges EXP's dynamic gas for the exponent `v` (`gas_exp v`), before an EXP whose
    /// exponent is not a constant; an effect as [`InstData::Gas`] is.
    GasExp(Value),
    /// Universal form (code whose stack the analysis could not follow): pushes words onto
    /// the function's EVM stack, bottom first (`stack.push v1, v2`).
    StackPush(Vec<Value>),
    /// Universal form: pops as many words off the function's EVM stack as it has results,
    /// top first (`v1, v2 = stack.pop`).
    StackPop,
    /// Universal form: halts as the EVM would in the code that follows, with stack underflow
    /// if the EVM stack holds fewer than `needs` items, else with stack overflow if `grows`
    /// more would exceed 1024 items.
    StackCheck {
        /// How many items the code that follows reads below the current top.
        needs: usize,
        /// How far above the current height it grows the stack.
        grows: usize,
    },
}

/// A block's target and the values for its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockCall {
    /// The target.
    pub block: Block,
    /// One argument per parameter.
    pub args: Vec<Value>,
}

/// How a block ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Terminator {
    /// Continue in a block.
    Jump(BlockCall),
    /// Continue in `then` if `cond` is non-zero, else in `otherwise`.
    Branch {
        /// The condition.
        cond: Value,
        /// Where to go when it is non-zero.
        then: BlockCall,
        /// Where to go when it is zero.
        otherwise: BlockCall,
    },
    /// Continue in the block whose label (EVM offset) `value` equals; any other value is an
    /// invalid jump, which halts the frame, or where the switch is `speculative`,
    /// [`Fault::SpeculationFailed`].
    Switch {
        /// The jump target, as the EVM code computed it.
        value: Value,
        /// The labels the analysis found, with their blocks.
        cases: Vec<(Pc, BlockCall)>,
        /// Whether the cases are the labels the code uses as data, assumed to bound a value
        /// loaded from a computed address (`lift::jumps`, **Escaped labels**), rather than
        /// every target the EVM may take.
        speculative: bool,
    },
    /// Return to the caller.
    Return(Vec<Value>),
    /// Call a function that never returns.
    TailCall {
        /// The callee.
        func: FuncRef,
        /// The arguments, bottom of the stack first.
        args: Vec<Value>,
        /// The callee's stack base, as [`InstData::Call`]'s.
        base: Option<usize>,
    },
    /// End the frame with an EVM halting instruction: STOP, RETURN, REVERT, INVALID,
    /// SELFDESTRUCT, or an undefined opcode (which halts as INVALID does).
    Halt {
        /// The opcode.
        op: OpCode,
        /// Its operands, in the EVM's order.
        args: Vec<Value>,
    },
    /// End the frame with an exceptional halt the analysis found on this path.
    Fault(Fault),
}

/// An exceptional halt the EVM takes on some path, found by the analysis of the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The instruction needs more stack items than there are.
    StackUnderflow,
    /// The instruction would grow the stack past 1024 items.
    StackOverflow,
    /// A jump to a constant that is not a JUMPDEST.
    InvalidJumpTarget(U256),
    /// No EVM halt: a jump the static path bounded by assumption (a speculative switch)
    /// goes to a target outside the bound, which the EVM may take. The frame runs again
    /// from its start on the code's universal form, which makes no assumption.
    SpeculationFailed,
}

impl Terminator {
    /// The blocks it may continue in, in order.
    pub fn successors(&self) -> Vec<&BlockCall> {
        match self {
            Terminator::Jump(call) => vec![call],
            Terminator::Branch {
                then, otherwise, ..
            } => vec![then, otherwise],
            Terminator::Switch { cases, .. } => cases.iter().map(|(_, call)| call).collect(),
            Terminator::Return(_)
            | Terminator::TailCall { .. }
            | Terminator::Halt { .. }
            | Terminator::Fault(_) => Vec::new(),
        }
    }

    /// The blocks it may continue in, to change their arguments.
    pub fn successors_mut(&mut self) -> Vec<&mut BlockCall> {
        match self {
            Terminator::Jump(call) => vec![call],
            Terminator::Branch {
                then, otherwise, ..
            } => vec![then, otherwise],
            Terminator::Switch { cases, .. } => cases.iter_mut().map(|(_, call)| call).collect(),
            Terminator::Return(_)
            | Terminator::TailCall { .. }
            | Terminator::Halt { .. }
            | Terminator::Fault(_) => Vec::new(),
        }
    }

    /// Replaces every value it reads by `f` of it.
    pub fn map_operands(&mut self, mut f: impl FnMut(Value) -> Value) {
        match self {
            Terminator::Branch { cond, .. } => *cond = f(*cond),
            Terminator::Switch { value, .. } => *value = f(*value),
            Terminator::Return(values)
            | Terminator::TailCall { args: values, .. }
            | Terminator::Halt { args: values, .. } => {
                values.iter_mut().for_each(|v| *v = f(*v));
            }
            Terminator::Jump(_) | Terminator::Fault(_) => {}
        }
        for call in self.successors_mut() {
            call.args.iter_mut().for_each(|v| *v = f(*v));
        }
    }

    /// The values it reads.
    pub fn operands(&self) -> Vec<Value> {
        let mut operands = match self {
            Terminator::Branch { cond, .. } => vec![*cond],
            Terminator::Switch { value, .. } => vec![*value],
            Terminator::Return(values)
            | Terminator::TailCall { args: values, .. }
            | Terminator::Halt { args: values, .. } => values.clone(),
            Terminator::Jump(_) | Terminator::Fault(_) => Vec::new(),
        };
        operands.extend(
            self.successors()
                .into_iter()
                .flat_map(|call| call.args.iter()),
        );
        operands
    }
}

impl InstData {
    /// Whether it reads or changes the function's EVM stack (universal form).
    pub fn touches_stack(&self) -> bool {
        matches!(
            self,
            InstData::StackPush(_) | InstData::StackPop | InstData::StackCheck { .. }
        )
    }

    /// The values it reads.
    pub fn operands(&self) -> &[Value] {
        match self {
            InstData::Const(_)
            | InstData::Gas(_)
            | InstData::StackPop
            | InstData::StackCheck { .. } => &[],
            InstData::Op { args, .. } | InstData::Call { args, .. } | InstData::StackPush(args) => {
                args
            }
            InstData::GasExp(exponent) => std::slice::from_ref(exponent),
        }
    }

    /// Replaces every value it reads by `f` of it.
    pub fn map_operands(&mut self, mut f: impl FnMut(Value) -> Value) {
        match self {
            InstData::Const(_)
            | InstData::Gas(_)
            | InstData::StackPop
            | InstData::StackCheck { .. } => {}
            InstData::Op { args, .. } | InstData::Call { args, .. } | InstData::StackPush(args) => {
                args.iter_mut().for_each(|v| *v = f(*v));
            }
            InstData::GasExp(exponent) => *exponent = f(*exponent),
        }
    }
}

impl Function {
    /// An empty function whose code starts at `entry_pc`.
    pub fn new(entry_pc: Pc, results: Option<usize>) -> Self {
        Self {
            entry_pc,
            results,
            stack_base: None,
            blocks: Vec::new(),
            layout: Vec::new(),
            values: 0,
        }
    }

    /// Adds a block lifted from the EVM block at `origin`, at the end of the layout.
    pub fn add_block(&mut self, origin: Pc) -> Block {
        let block = Block::new(self.blocks.len());
        self.blocks.push(BlockData {
            origin,
            params: Vec::new(),
            insts: Vec::new(),
            terminator: None,
        });
        self.layout.push(block);
        block
    }

    /// Adds a block lifted from the EVM block at `origin` at the start of the layout: the
    /// function's new entry.
    pub fn add_entry_block(&mut self, origin: Pc) -> Block {
        let block = self.add_block(origin);
        self.layout.rotate_right(1);
        block
    }

    /// Adds a parameter to `block`.
    pub fn add_param(&mut self, block: Block) -> Value {
        let value = self.new_value();
        self.blocks[block.index()].params.push(value);
        value
    }

    /// Appends an instruction with `results` results to `block`.
    pub fn push_inst(&mut self, block: Block, data: InstData, results: usize) -> Vec<Value> {
        let end = self.blocks[block.index()].insts.len();
        self.insert_inst(block, end, data, results)
    }

    /// Inserts an instruction with `results` results into `block`, before its instruction
    /// `at`.
    pub fn insert_inst(
        &mut self,
        block: Block,
        at: usize,
        data: InstData,
        results: usize,
    ) -> Vec<Value> {
        let results: Vec<Value> = (0..results).map(|_| self.new_value()).collect();
        let inst = Inst {
            results: results.clone(),
            data,
        };
        self.blocks[block.index()].insts.insert(at, inst);
        results
    }

    /// Ends `block` with `terminator`.
    pub fn set_terminator(&mut self, block: Block, terminator: Terminator) {
        self.blocks[block.index()].terminator = Some(terminator);
    }

    /// The data of `block`.
    pub fn block(&self, block: Block) -> &BlockData {
        &self.blocks[block.index()]
    }

    /// The data of `block`, to change it.
    pub fn block_mut(&mut self, block: Block) -> &mut BlockData {
        &mut self.blocks[block.index()]
    }

    /// Rewrites every use of a value in `renames` (instructions and terminators) to its new name.
    pub fn rename_uses(&mut self, renames: &std::collections::HashMap<Value, Value>) {
        let rename = |value: Value| renames.get(&value).copied().unwrap_or(value);
        for block in self.layout().to_vec() {
            let data = self.block_mut(block);
            for inst in &mut data.insts {
                inst.data.map_operands(rename);
            }
            if let Some(terminator) = &mut data.terminator {
                terminator.map_operands(rename);
            }
        }
    }

    /// The blocks in layout order; the first is the entry.
    pub fn layout(&self) -> &[Block] {
        &self.layout
    }

    /// Takes the blocks `keep` rejects out of the layout, and so out of the function (the
    /// entry must be kept). Nothing may still jump to them.
    pub fn retain_blocks(&mut self, mut keep: impl FnMut(Block) -> bool) {
        let entry = self.entry();
        self.layout.retain(|&block| block == entry || keep(block));
    }

    /// The entry block.
    pub fn entry(&self) -> Block {
        self.layout[0]
    }

    /// How many values the function defines.
    pub fn value_count(&self) -> usize {
        self.values
    }

    fn new_value(&mut self) -> Value {
        self.values += 1;
        Value::new(self.values - 1)
    }
}
