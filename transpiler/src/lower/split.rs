//! Splitting a function too large for one Move function (65,535 instructions, `DESIGN.md`
//! §5) into parts run by a driver: an IR-to-IR rewrite, so the Move emitter never sees a
//! function it cannot lower in one piece.
//!
//! # Shape
//!
//! The blocks, in reverse postorder, are cut into contiguous ranges of about
//! [`PART_INSTRUCTIONS`] estimated Move instructions each (per-block estimates scaled to the
//! count the failed lowering measured). Each range becomes a **part**, a new function of the
//! module:
//!
//! ```text
//! part(next, inputs...) -> (next', outputs...)
//! ```
//!
//! An **entry point** is the function's entry or a block that a block of another part jumps
//! to; each has a number. A part's first block switches on `next` to its entry points. A
//! jump to another part's entry point becomes a return of that entry point's number and the
//! values it needs; a `return` of the function becomes a return of the number after the
//! last entry point, with the returned values in fixed result positions. Halts, faults, calls
//! and tail calls stay as they are. A part of a function taking its stack base takes the
//! same base (its calls pass their callees' as the function's did), unchecked: the driver
//! checks the whole frame's.
//!
//! The original function becomes the **driver**: a loop whose head holds `next` and one
//! block parameter per **slot** (a value needed at some entry point, or a result position),
//! switches on `next`, calls the part holding that entry point with the slots it reads, and
//! stores what the part returns into the slots it writes. A part returns zero in the slots
//! the entry point it leaves to does not need: those are dead there, so overwriting them is
//! harmless.
//!
//! # Values in a part
//!
//! Within a part, a value needed at an entry point arrives as a parameter of the part, and a
//! constant is defined again in the part's first block. A value defined in the part and also
//! needed at one of its entry points (one a loop of parts carries round) has two
//! definitions there; it gets block parameters where they meet, at the iterated dominance
//! frontier of both (pruned to where it is live), as in SSA construction, and every use is
//! renamed to the definition that dominates it.
//!
//! # Limits
//!
//! The driver keeps the function's number in the module, so its callers are unchanged; the
//! parts are appended, and [`super::lower`] splits a part again if it still lowers too
//! large. A function that cannot be cut in two (one huge block) stays
//! [`LowerError::TooLarge`]; a part that would take or return more words than a Move
//! signature holds is [`LowerError::PartTooWide`]. Slots are not shared: the parameters of
//! two entry points are two slots each, even where one jump could fill both.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use alloy_primitives::U256;
use move_binary_format::file_format_common::SIGNATURE_SIZE_MAX;

use super::{
    liveness::{liveness, Liveness},
    LowerError,
};
use crate::{
    evm::Pc,
    ir::{
        cfg::iterated_frontier, Block, BlockCall, BlockData, ControlFlowGraph, Dominators, FuncRef,
        Function, InstData, StackBase, Terminator, Value,
    },
};

/// The Move instructions a part is sized for: well below the limit, as sizes are estimated
/// (a part that still comes out too large is split again).
pub const PART_INSTRUCTIONS: usize = 40_000;

/// A function split into a driver and its parts.
pub struct Split {
    /// The function with the original's signature, calling the parts in a loop.
    pub driver: Function,
    /// The parts, to become functions `first_part`, `first_part + 1`, … of the module.
    pub parts: Vec<Function>,
}

/// Splits `function`, whose lowering needs `instructions` Move instructions, into a driver
/// and parts numbered from `first_part` in the module.
pub fn split(
    function: &Function,
    instructions: usize,
    first_part: FuncRef,
) -> Result<Split, LowerError> {
    let splitter = Splitter::new(function, instructions)?;
    let parts: Vec<Part> = (0..splitter.parts)
        .map(|k| splitter.part(k))
        .collect::<Result<_, _>>()?;
    let driver = splitter.driver(&parts, first_part);
    Ok(Split {
        driver,
        parts: parts.into_iter().map(|part| part.function).collect(),
    })
}

/// A place in the driver's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    /// The function's `i`th result.
    Result(usize),
    /// A value of the original function.
    Value(Value),
}

/// A part and the slots it reads and writes, in order.
struct Part {
    function: Function,
    inputs: Vec<Value>,
    outputs: Vec<Slot>,
}

/// What the parts and the driver are built from.
struct Splitter<'a> {
    function: &'a Function,
    /// The reachable blocks in reverse postorder.
    order: Vec<Block>,
    part_of: HashMap<Block, usize>,
    parts: usize,
    /// Per value (by index), its constant if it is one.
    constant: Vec<Option<U256>>,
    /// Per value (by index), the block defining it.
    defined_in: Vec<Option<Block>>,
    live: Liveness,
    /// The entry points, in order: a part returns an entry point's index as `next`.
    entries: Vec<Block>,
}

impl<'a> Splitter<'a> {
    fn new(function: &'a Function, instructions: usize) -> Result<Self, LowerError> {
        let order = ControlFlowGraph::of(function).reverse_postorder().to_vec();
        let sizes: Vec<usize> = order.iter().map(|&b| estimate(function.block(b))).collect();
        let total = sizes.iter().sum::<usize>().max(1);
        let wanted = instructions.div_ceil(PART_INSTRUCTIONS);
        // A block goes to the slice of `wanted` equal ones its first instruction falls in;
        // slices no block starts in are skipped.
        let mut part_of = HashMap::new();
        let (mut before, mut parts, mut slice) = (0, 0, None);
        for (&block, size) in order.iter().zip(&sizes) {
            let here = before * wanted / total;
            if slice != Some(here) {
                parts += 1;
                slice = Some(here);
            }
            part_of.insert(block, parts - 1);
            before += size;
        }
        if parts < 2 {
            return Err(LowerError::TooLarge { instructions });
        }

        let mut constant = vec![None; function.value_count()];
        let mut defined_in = vec![None; function.value_count()];
        for &block in &order {
            let data = function.block(block);
            let results = data.insts.iter().flat_map(|inst| &inst.results);
            for &v in data.params.iter().chain(results) {
                defined_in[v.index()] = Some(block);
            }
            for inst in &data.insts {
                if let InstData::Const(c) = inst.data {
                    constant[inst.results[0].index()] = Some(c);
                }
            }
        }
        let live = liveness(function, &order, &|v| constant[v.index()].is_none());
        let mut entries = vec![order[0]];
        for &block in &order {
            for call in successors(function.block(block)) {
                if part_of[&call.block] != part_of[&block] && !entries.contains(&call.block) {
                    entries.push(call.block);
                }
            }
        }
        let position: HashMap<Block, usize> =
            order.iter().enumerate().map(|(i, &b)| (b, i)).collect();
        entries.sort_by_key(|b| position[b]);
        Ok(Self {
            function,
            order,
            part_of,
            parts,
            constant,
            defined_in,
            live,
            entries,
        })
    }

    /// The values entry point `block` needs: its parameters, then the values live into it.
    fn needs(&self, block: Block) -> impl Iterator<Item = Value> + '_ {
        let params = self.function.block(block).params.iter().copied();
        params.chain(self.live.live_in[block.index()].iter())
    }

    /// The number of entry point `block`.
    fn number(&self, block: Block) -> usize {
        self.entries
            .iter()
            .position(|&e| e == block)
            .expect("an entry point")
    }

    /// The `next` a part returns when the function returns.
    fn returned(&self) -> usize {
        self.entries.len()
    }

    fn in_part(&self, block: Block, k: usize) -> bool {
        self.part_of[&block] == k
    }

    /// Part `k`: its function, with the slots it reads and writes.
    fn part(&self, k: usize) -> Result<Part, LowerError> {
        let in_part = |b: &Block| self.in_part(*b, k);
        let blocks: Vec<Block> = self.order.iter().copied().filter(in_part).collect();
        let entries: Vec<Block> = self.entries.iter().copied().filter(in_part).collect();
        let inputs: BTreeSet<Value> = entries.iter().flat_map(|&e| self.needs(e)).collect();
        let mut outputs = BTreeSet::new();
        for &block in &blocks {
            let terminator = self.function.block(block).terminator.as_ref();
            if let Some(Terminator::Return(values)) = terminator {
                outputs.extend((0..values.len()).map(Slot::Result));
            }
            for call in successors(self.function.block(block)) {
                if !self.in_part(call.block, k) {
                    outputs.extend(self.needs(call.block).map(Slot::Value));
                }
            }
        }
        let words = 1 + inputs.len().max(outputs.len());
        if 2 * words > SIGNATURE_SIZE_MAX as usize {
            return Err(LowerError::PartTooWide { words });
        }
        let (inputs, outputs): (Vec<Value>, Vec<Slot>) =
            (inputs.into_iter().collect(), outputs.into_iter().collect());
        let mut builder = PartBuilder::new(self, k, blocks, entries, &inputs, outputs.len());
        builder.merge_carried(&inputs);
        builder.copy_control_flow(&outputs)?;
        Ok(Part {
            function: builder.finish(),
            inputs,
            outputs,
        })
    }

    /// The driver: the original's signature, the parts called in a loop over `next`.
    fn driver(&self, parts: &[Part], first_part: FuncRef) -> Function {
        let function = self.function;
        let origin = function.block(function.entry()).origin;
        let mut driver = Function::new(function.entry_pc, function.results);
        driver.stack_base = function.stack_base;
        let entry = driver.add_block(origin);
        let params = &function.block(function.entry()).params;
        let args: Vec<Value> = params.iter().map(|_| driver.add_param(entry)).collect();
        let slots: BTreeSet<Slot> = parts
            .iter()
            .flat_map(|p| {
                p.inputs
                    .iter()
                    .map(|&v| Slot::Value(v))
                    .chain(p.outputs.iter().copied())
            })
            .collect();
        let head = driver.add_block(origin);
        let next = driver.add_param(head);
        let state: BTreeMap<Slot, Value> =
            slots.iter().map(|&s| (s, driver.add_param(head))).collect();

        let zero = driver.push_inst(entry, InstData::Const(U256::ZERO), 1)[0];
        let start = slots.iter().map(|slot| match slot {
            Slot::Value(v) => params.iter().position(|p| p == v).map_or(zero, |i| args[i]),
            Slot::Result(_) => zero,
        });
        // The function's entry is entry point 0.
        let args = std::iter::once(zero).chain(start).collect();
        driver.set_terminator(entry, Terminator::Jump(BlockCall { block: head, args }));

        let mut calls = Vec::new();
        for (k, part) in parts.iter().enumerate() {
            let call = driver.add_block(origin);
            let args = std::iter::once(next)
                .chain(part.inputs.iter().map(|&v| state[&Slot::Value(v)]))
                .collect();
            let func = FuncRef::new(first_part.index() + k);
            let base = function.stack_base.map(|_| 0);
            let call_part = InstData::Call { func, args, base };
            let results = driver.push_inst(call, call_part, 1 + part.outputs.len());
            let mut after = state.clone();
            after.extend(
                part.outputs
                    .iter()
                    .copied()
                    .zip(results[1..].iter().copied()),
            );
            let args = std::iter::once(results[0])
                .chain(after.into_values())
                .collect();
            driver.set_terminator(call, Terminator::Jump(BlockCall { block: head, args }));
            calls.push(call);
        }
        let to = |block| BlockCall {
            block,
            args: Vec::new(),
        };
        let mut cases: Vec<(Pc, BlockCall)> = self
            .entries
            .iter()
            .enumerate()
            .map(|(n, e)| (Pc(n as u32), to(calls[self.part_of[e]])))
            .collect();
        if let Some(results) = function.results.filter(|_| self.returns()) {
            let done = driver.add_block(origin);
            let values = (0..results).map(|i| state[&Slot::Result(i)]).collect();
            driver.set_terminator(done, Terminator::Return(values));
            cases.push((Pc(self.returned() as u32), to(done)));
        }
        let switch = Terminator::Switch {
            value: next,
            cases,
            speculative: false,
        };
        driver.set_terminator(head, switch);
        driver
    }

    /// Whether the function returns anywhere.
    fn returns(&self) -> bool {
        self.order.iter().any(|&b| {
            matches!(
                self.function.block(b).terminator,
                Some(Terminator::Return(_))
            )
        })
    }
}

/// A part being built: its function, and which of its blocks and values stand for which of
/// the original's.
struct PartBuilder<'s, 'a> {
    splitter: &'s Splitter<'a>,
    k: usize,
    /// The original blocks in the part, in reverse postorder: block `i` is the part's
    /// block `i + 1`.
    blocks: Vec<Block>,
    /// The entry points among them, in order.
    entries: Vec<Block>,
    part: Function,
    /// The part's first block: it defines the constants and switches to the entry points.
    start: Block,
    next: Value,
    /// The part's blocks, by original block.
    copy: HashMap<Block, Block>,
    /// The part's parameters, by the value each carries in.
    input: HashMap<Value, Value>,
    /// The copies of the values defined in the part.
    renamed: HashMap<Value, Value>,
    /// The values defined in the part that also arrive as inputs.
    carried: BTreeSet<Value>,
    /// Per original block, the carried values its parameters added in the part merge, in
    /// order.
    merged: BTreeMap<Block, Vec<Value>>,
    /// The definition of each carried value reaching the start of each block it is live
    /// into.
    reaching: HashMap<(Block, Value), Value>,
    constants: HashMap<U256, Value>,
}

impl<'s, 'a> PartBuilder<'s, 'a> {
    /// The part's first block, and copies of the blocks with their parameters and
    /// instructions (but constants), still reading the original values.
    fn new(
        splitter: &'s Splitter<'a>,
        k: usize,
        blocks: Vec<Block>,
        entries: Vec<Block>,
        inputs: &[Value],
        outputs: usize,
    ) -> Self {
        let function = splitter.function;
        let mut part = Function::new(function.entry_pc, Some(1 + outputs));
        part.stack_base = (function.stack_base).map(|_| StackBase { peak: 0 });
        let start = part.add_block(function.block(function.entry()).origin);
        let next = part.add_param(start);
        let input = inputs.iter().map(|&v| (v, part.add_param(start))).collect();
        let mut renamed = HashMap::new();
        let mut copy = HashMap::new();
        for &block in &blocks {
            let data = function.block(block);
            let new = part.add_block(data.origin);
            copy.insert(block, new);
            for &p in &data.params {
                renamed.insert(p, part.add_param(new));
            }
        }
        for &block in &blocks {
            for inst in &function.block(block).insts {
                if let InstData::Const(_) = inst.data {
                    continue;
                }
                let results = part.push_inst(copy[&block], inst.data.clone(), inst.results.len());
                renamed.extend(inst.results.iter().copied().zip(results));
            }
        }
        Self {
            splitter,
            k,
            blocks,
            entries,
            part,
            start,
            next,
            copy,
            input,
            renamed,
            carried: BTreeSet::new(),
            merged: BTreeMap::new(),
            reaching: HashMap::new(),
            constants: HashMap::new(),
        }
    }

    /// The original block a block of the part copies.
    fn original(&self, new: Block) -> Block {
        self.blocks[new.index() - 1]
    }

    /// The part's control flow: `start` to the entry points, and the jumps within.
    fn successors(&self, new: Block) -> Vec<Block> {
        if new == self.start {
            return self.entries.iter().map(|e| self.copy[e]).collect();
        }
        successors(self.splitter.function.block(self.original(new)))
            .filter(|call| self.splitter.in_part(call.block, self.k))
            .map(|call| self.copy[&call.block])
            .collect()
    }

    /// Gives each carried value parameters where its two definitions (the part's input and
    /// its original definition) meet, and finds the definition reaching each block.
    fn merge_carried(&mut self, inputs: &[Value]) {
        let splitter = self.splitter;
        let live_in = |block: Block, v: Value| splitter.live.live_in[block.index()].contains(v);
        let cfg = ControlFlowGraph::compute(self.start, |b| self.successors(b));
        let dominators = Dominators::new(&cfg);
        let frontiers = cfg.dominance_frontiers(|b| dominators.idom(b));
        self.carried = inputs
            .iter()
            .copied()
            .filter(|v| splitter.defined_in[v.index()].is_some_and(|d| splitter.in_part(d, self.k)))
            .collect();
        for &v in &self.carried {
            let defined = self.copy[&splitter.defined_in[v.index()].expect("defined")];
            for new in iterated_frontier(&frontiers, [self.start, defined]) {
                let block = self.original(new);
                if live_in(block, v) {
                    self.merged.entry(block).or_default().push(v);
                }
            }
        }
        let mut merge_param = HashMap::new();
        for (&block, values) in &self.merged {
            for &v in values {
                merge_param.insert((block, v), self.part.add_param(self.copy[&block]));
            }
        }
        // Dominators first, so each block finds its immediate dominator's names.
        for &new in cfg.reverse_postorder().iter().filter(|&&b| b != self.start) {
            let block = self.original(new);
            for &v in self.carried.iter().filter(|&&v| live_in(block, v)) {
                let name = match merge_param.get(&(block, v)) {
                    Some(&param) => param,
                    None => match dominators.idom(new).expect("reachable from start") {
                        idom if idom == self.start => self.input[&v],
                        idom if Some(self.original(idom)) == splitter.defined_in[v.index()] => {
                            self.renamed[&v]
                        }
                        idom => self.reaching[&(self.original(idom), v)],
                    },
                };
                self.reaching.insert((block, v), name);
            }
        }
    }

    /// Renames the copied instructions' operands, and copies the terminators: jumps within
    /// the part pass the merged values too, jumps out and returns return to the driver.
    fn copy_control_flow(&mut self, outputs: &[Slot]) -> Result<(), LowerError> {
        let splitter = self.splitter;
        for i in 0..self.blocks.len() {
            let block = self.blocks[i];
            let new = self.copy[&block];
            let mut insts = std::mem::take(&mut self.part.block_mut(new).insts);
            for inst in &mut insts {
                inst.data.map_operands(|v| self.name(v, block));
            }
            self.part.block_mut(new).insts = insts;

            let data = splitter.function.block(block);
            let mut terminator = data
                .terminator
                .clone()
                .ok_or_else(|| LowerError::Internal(format!("{block} has no terminator")))?;
            let mut exits = Vec::new();
            for call in terminator.successors_mut() {
                if splitter.in_part(call.block, self.k) {
                    call.args
                        .extend(self.merged.get(&call.block).into_iter().flatten());
                    call.block = self.copy[&call.block];
                } else {
                    let exit = self.part.add_block(data.origin);
                    exits.push((exit, call.block, std::mem::take(&mut call.args)));
                    call.block = exit;
                }
            }
            terminator.map_operands(|v| self.name(v, block));
            if let Terminator::Return(results) = terminator {
                let values = outputs.iter().map(|slot| match *slot {
                    Slot::Result(i) => Some(results[i]),
                    Slot::Value(_) => None,
                });
                terminator = self.back_to_driver(splitter.returned(), values.collect());
            }
            self.part.set_terminator(new, terminator);
            for (exit, target, args) in exits {
                let params = &splitter.function.block(target).params;
                let live = &splitter.live.live_in[target.index()];
                let mut needed = |slot: Slot| match slot {
                    Slot::Value(v) => match params.iter().position(|&p| p == v) {
                        Some(i) => Some(self.name(args[i], block)),
                        None => live.contains(v).then(|| self.name(v, block)),
                    },
                    Slot::Result(_) => None,
                };
                let values = outputs.iter().map(|&slot| needed(slot)).collect();
                let returned = self.back_to_driver(splitter.number(target), values);
                self.part.set_terminator(exit, returned);
            }
        }
        Ok(())
    }

    /// A return to the driver of `next` and, per output slot, its value or else zero (the
    /// slot is dead where the driver goes next).
    fn back_to_driver(&mut self, next: usize, values: Vec<Option<Value>>) -> Terminator {
        let mut returned = vec![self.constant(U256::from(next))];
        for value in values {
            let value = value.unwrap_or_else(|| self.constant(U256::ZERO));
            returned.push(value);
        }
        Terminator::Return(returned)
    }

    /// The part's name for original value `v` where original block `block` reads it.
    fn name(&mut self, v: Value, block: Block) -> Value {
        if let Some(c) = self.splitter.constant[v.index()] {
            return self.constant(c);
        }
        let defined = self.splitter.defined_in[v.index()].expect("read values are defined");
        if self.carried.contains(&v) && defined != block {
            self.reaching[&(block, v)]
        } else if self.splitter.in_part(defined, self.k) {
            self.renamed[&v]
        } else {
            self.input[&v]
        }
    }

    /// The part's constant `c`, defined in its first block.
    fn constant(&mut self, c: U256) -> Value {
        *self
            .constants
            .entry(c)
            .or_insert_with(|| self.part.push_inst(self.start, InstData::Const(c), 1)[0])
    }

    /// The part, its first block switching on `next` to the entry points.
    fn finish(mut self) -> Function {
        let function = self.splitter.function;
        let cases = self
            .entries
            .iter()
            .map(|&e| {
                let params = &function.block(e).params;
                let merges = self.merged.get(&e).into_iter().flatten();
                let args = params.iter().chain(merges).map(|v| self.input[v]).collect();
                let label = Pc(self.splitter.number(e) as u32);
                let block = self.copy[&e];
                (label, BlockCall { block, args })
            })
            .collect();
        let value = self.next;
        let switch = Terminator::Switch {
            value,
            cases,
            speculative: false,
        };
        self.part.set_terminator(self.start, switch);
        self.part
    }
}

/// A guess at the Move instructions `data` lowers to, in proportion: two per word read or
/// written (its u128 halves), one per native call, four per terminator operand.
fn estimate(data: &BlockData) -> usize {
    let insts: usize = data
        .insts
        .iter()
        .filter(|inst| !matches!(inst.data, InstData::Const(_)))
        .map(|inst| 2 * (inst.data.operands().len() + inst.results.len()) + 1)
        .sum();
    let terminator = data
        .terminator
        .as_ref()
        .map_or(0, |t| 4 * t.operands().len());
    insts + terminator + 2
}

fn successors(data: &BlockData) -> impl Iterator<Item = &BlockCall> {
    data.terminator.iter().flat_map(|t| t.successors())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        evm::{assemble, Code},
        ir::{verify_module, Module},
        lift::lift,
    };

    /// The lifted IR of assembled `text`.
    fn lifted(text: &str) -> Module {
        lift(&Code::new(assemble(text).unwrap())).unwrap().module
    }

    /// Splits `fn0` of `module` as if each block needed [`PART_INSTRUCTIONS`].
    fn split_finely(module: &Module) -> Result<Module, LowerError> {
        split_function_finely(module, 0)
    }

    /// Splits function `index` of `module` as if each block needed [`PART_INSTRUCTIONS`].
    fn split_function_finely(module: &Module, index: usize) -> Result<Module, LowerError> {
        let function = &module.functions[index];
        let instructions = PART_INSTRUCTIONS * 100 * function.layout().len();
        let first_part = FuncRef::new(module.functions.len());
        let split = split(function, instructions, first_part)?;
        let mut module = module.clone();
        module.functions[index] = split.driver;
        module.functions.extend(split.parts);
        Ok(module)
    }

    #[test]
    fn a_recursive_function_s_parts_take_its_stack_base_and_its_driver_checks_it() {
        // sum(n) = n == 0 ? 0 : n + sum(n - 1), from two call sites by n's parity.
        let module = lifted(
            "PUSH @done PUSH0 CALLDATALOAD PUSH @sum JUMP
             done: PUSH0 MSTORE PUSH 32 PUSH0 RETURN
             sum: DUP1 ISZERO PUSH @base JUMPI
                  DUP1 PUSH 1 AND PUSH @odd JUMPI
                  PUSH @even_back DUP2 PUSH 1 SWAP1 SUB PUSH @sum JUMP
             odd: PUSH @odd_back DUP2 PUSH 1 SWAP1 SUB PUSH @sum JUMP
             even_back: ADD SWAP1 JUMP
             odd_back: ADD SWAP1 JUMP
             base: SWAP1 JUMP",
        );
        let base = module.functions[1].stack_base.expect("sum takes its base");
        let split = split_function_finely(&module, 1).unwrap();
        verify_module(&split).unwrap();
        assert_eq!(split.functions[1].stack_base, Some(base), "{split}");
        let parts = &split.functions[2..];
        assert!(parts.len() > 1, "{split}");
        let unchecked = Some(StackBase { peak: 0 });
        assert!(
            parts.iter().all(|part| part.stack_base == unchecked),
            "{split}"
        );
    }

    #[test]
    fn a_loop_split_into_blocks_is_well_formed_and_the_same_every_time() {
        // `c`, read before the loop and stored after it, crosses parts through the loop.
        let module = lifted(
            "PUSH 0 CALLDATALOAD PUSH 32 CALLDATALOAD      ; [c, n]
             head: PUSH 1 SWAP1 SUB DUP1 PUSH @head JUMPI  ; [c, n - 1]
             POP PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN",
        );
        let split = split_finely(&module).unwrap();
        verify_module(&split).unwrap();
        assert!(split.functions.len() > 2, "{split}");
        assert_eq!(split, split_finely(&module).unwrap());
    }

    #[test]
    fn a_part_passing_more_words_than_a_signature_holds_is_an_error() {
        let loads: String = (0..130)
            .map(|i| format!("PUSH {} CALLDATALOAD ", 32 * i))
            .collect();
        // 130 words live across the branch, whichever side it takes.
        let module = lifted(&format!(
            "{loads} CALLDATASIZE PUSH @sum JUMPI PUSH 1 ADD sum: {} PUSH 0 MSTORE STOP",
            "ADD ".repeat(129)
        ));
        let err = split_finely(&module).err();
        assert!(
            matches!(err, Some(LowerError::PartTooWide { words }) if words > 127),
            "{err:?}"
        );
    }

    #[test]
    fn one_block_is_too_large_to_split() {
        let module = lifted("CALLDATASIZE PUSH 0 MSTORE STOP");
        assert!(matches!(
            split_finely(&module).err(),
            Some(LowerError::TooLarge { .. })
        ));
    }
}
