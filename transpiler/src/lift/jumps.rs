//! Jump resolution: which blocks each JUMP and JUMPI can reach, found by abstract
//! interpretation of the stack, explored per calling context.
//!
//! **Domain.** A stack slot is either a known constant or unknown. Inside a block every
//! constant is tracked; across block boundaries only *labels* (constants that are valid jump
//! destinations) and the booleans 0 and 1 are kept, which bounds the state space: a state is
//! a block plus the abstract stack on entry, and those constants are finite.
//!
//! **Contexts.** States are not merged while they are few ([`Contexts`] joins the data
//! constants of a block's contexts once they multiply). A block entered with two different
//! abstract stacks is explored twice, so an internal function called from two sites carries each caller's
//! return label to its return jump, which resolves to exactly that caller's continuation.
//! The union over contexts gives each jump a finite target set: one target is a branch, more
//! (internal-function returns) a switch.
//!
//! **Conditions.** A JUMPI tells each edge something: taken, its condition is non-zero; not
//! taken, zero. Values keep an identity within a block, so every copy of the condition (and,
//! through ISZERO, of its operand) becomes the constant 0 on the edge where it must be zero,
//! and an edge whose condition is a constant that rules it out is not explored. Compilers
//! rely on such correlations: solc's legacy `try`/`catch` branches twice on the same success
//! flag with stacks of different heights, and exploring the impossible combination would
//! lift code that never runs, with a wrong stack.
//!
//! **Escaped labels.** A jump whose target is unknown (a function pointer loaded from memory
//! or storage) may go to any label the code uses as data: one that reached an instruction
//! other than a jump, DUP, SWAP or POP. Such a jump is resolved to the set of escaped labels,
//! re-explored as that set grows. That holds only for a target that can only be such a
//! label, which each stack slot's origin (`lift::origin`, part of a state's context, so it
//! follows the value across blocks) tells. Not where a label is moved by an unknown amount
//! (`label + index`, a jump table): the jump may then land on any JUMPDEST, or on none, so
//! code that does that and jumps to a target it does not know is left unresolved
//! ([`JumpError::Unbounded`]), for the universal path. Nor where the target itself is
//! computed from a label and data by any other word operation (label XOR, OR, AND, MUL...
//! calldata), nor where the environment chooses it: calldata, return data, a call's
//! result, block and account fields, a hash, the gas left, a constant the analysis forgot
//! (at a block boundary, or joining contexts), or anything computed from those
//! ([`JumpError::Environment`]).
//!
//! **Memory and storage.** A load from a constant address (memory, storage or transient
//! storage) holds what the code stores there: the exploration records every value of
//! unbounded origin stored at a constant address, and every copy (CALLDATACOPY, CODECOPY,
//! RETURNDATACOPY, EXTCODECOPY, MCOPY) and call output written there, and a load that may
//! read one is of the environment; it runs in rounds until what the loads read is what the
//! round assumed (see [`explore_jumps`]). A load from an address the code computes is
//! **speculated** to read a function pointer the code stored, so a jump to it, or to it
//! shifted right or masked, is bounded by the escaped labels
//! ([`JumpAnalysis::speculative`]): that is how solc keeps pointers —
//! legacy code in memory arrays (`mload(add(table, mul(i, 0x20)))`) and packed into storage
//! slots (`label * 256^offset | (old & mask)`, unpacked exactly on load; at a constant slot
//! and offset, which folds, or in an array's slot at an offset computed from the index) —
//! while its other memory (ABI-decoded calldata, return data, encoded results) lives at
//! computed addresses too, so telling them apart would need an analysis of memory
//! allocation. Hand-written code that stores data at a computed address and jumps to it
//! loaded back, or storage written by other code (a previous owner of the account, a
//! DELEGATECALL from a proxy with another layout), may still send such a jump to another
//! JUMPDEST: the speculation fails there ([`Fault::SpeculationFailed`]), and the runtime
//! runs the frame again from its start on the same code in universal form, which every such
//! module carries beside its static form; so the speculation is exact, and costs only where
//! it fails. Via-IR code keeps function pointers as ids and
//! calls them through a switch, and legacy constructor code combines labels with constants
//! only (`creation << 32 | runtime`, folded), so neither is seen as a computed target.
//!
//! **Every JUMPDEST.** Code that takes the address of no label but still jumps to a computed
//! target (hand-written code jumping to a value from calldata, NUMBER or arithmetic, as in
//! the Ethereum VM tests) is bounded by the EVM itself: a jump may only land on a JUMPDEST.
//! Such a jump is resolved to every JUMPDEST of the code, each explored with the stack the
//! jump leaves, as any other target (so the budget below still applies), and is listed in
//! [`JumpAnalysis::computed`] (function recovery takes none of its targets for a function
//! entry: the calling convention does not hold for them). A code without a
//! JUMPDEST resolves it to no target: it always halts as an invalid jump. The lowering makes
//! a target outside the resolved set an invalid-jump halt at run time, which is exact here
//! (code that jumps to such a target while also using some label as data takes the
//! universal path: **Escaped labels**).
//!
//! **Faults.** A path that underflows or overflows the stack, or jumps to a constant that is
//! not a JUMPDEST, halts exceptionally in the EVM; it is recorded as a fault at that
//! instruction, to be lowered as that halt, and not explored further.
//!
//! **Termination.** Recursion that grows the stack would create states without end (up to
//! the stack limit, in every combination); the exploration stops once it has spent its
//! budget of steps (stack slots and instructions looked at, `stack::Budget`), so it gives up
//! after the same work on every machine.
//!
//! **Recursion.** Then the jumps are resolved again by function summaries
//! ([`super::summaries`], chosen by [`super::resolve_jumps`]): each function analysed once with its
//! caller's stack unknown, a call of itself taking its own summary, a return going to the
//! continuations of its function's calls. That is what recursive internal functions (the
//! Ethereum VM tests' `fibonacci`, `ackermann`) need; it is not the first choice because
//! it is less precise (no caller's context reaches a callee) and assumes the calling
//! convention. If it fails too, the exploration's error stands.

use std::{
    collections::{BTreeMap, BTreeSet, VecDeque},
    rc::Rc,
};

use revm_bytecode::opcode;

use super::{
    blocks::{block_at, BasicBlock},
    origin::{Origin, Place, Written},
    stack::{label, Below, BlockStack, Budget, Contexts, Origins, Slot, Stack},
};
use crate::{
    evm::{Code, Pc},
    ir::Fault,
};

/// What jump resolution found.
#[derive(Clone, Debug, Default)]
pub struct JumpAnalysis {
    /// The reachable blocks, by start.
    pub blocks: BTreeMap<Pc, BasicBlock>,
    /// For each reachable JUMP and JUMPI, the blocks it can jump to (the fallthrough of a
    /// JUMPI is not listed: it is [`BlockExit::JumpIf`]'s).
    pub targets: BTreeMap<Pc, BTreeSet<Pc>>,
    /// Instructions that halt exceptionally on some path.
    pub faults: BTreeMap<Pc, Fault>,
    /// Jumps resolved to every JUMPDEST (their target is computed from data and no label
    /// escapes): they may enter any JUMPDEST with any stack, so no JUMPDEST they reach is
    /// taken for a function entry.
    pub computed: BTreeSet<Pc>,
    /// Jumps resolved to the labels the code uses as data, their target loaded from an
    /// address the code computes (see **Escaped labels** above): the one assumption of the
    /// static path. The lowering makes any other target of theirs
    /// [`Fault::SpeculationFailed`], which runs the frame again in universal form.
    pub speculative: BTreeSet<Pc>,
    /// How many (block, stack) states were explored.
    pub states: usize,
    /// Regions of the code that CODECOPY copies with constant offset and size, as
    /// (offset, size): the runtime code in initcode, child contracts' initcode in a factory.
    pub code_copies: BTreeSet<(usize, usize)>,
    /// Whether the jumps were resolved by function summaries, because functions recurse
    /// (see **Recursion** above): function recovery then lets a function call itself.
    pub by_summaries: bool,
}

impl JumpAnalysis {
    /// The code that `code` carries as data and copies: each region CODECOPY copies that
    /// lies within the code, as (offset, bytes), in offset order. Lift each as its own blob.
    pub fn embedded_code<'c>(&self, code: &'c Code) -> Vec<(usize, &'c [u8])> {
        self.code_copies
            .iter()
            .filter_map(|&(offset, size)| {
                Some((offset, code.bytes().get(offset..offset.checked_add(size)?)?))
            })
            .collect()
    }

    /// The block of `code` starting at `start`: the one found reachable, or else decoded
    /// afresh (an analysis with less context may reach blocks jump resolution ruled out).
    pub fn block(&self, code: &Code, start: Pc) -> BasicBlock {
        self.blocks.get(&start).cloned().unwrap_or_else(|| {
            let first = code
                .instruction_index(start)
                .expect("blocks start at instructions");
            block_at(code, first)
        })
    }
}

/// Jump resolution failed: the code cannot be compiled.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JumpError {
    /// The exploration did not converge within its budget.
    #[error(
        "jump analysis gave up at {pc} after {} steps (recursion that grows the stack?)",
        Budget::STEPS
    )]
    OverBudget {
        /// The block it was about to explore.
        pc: Pc,
    },
    /// A jump's target is computed, and the code moves labels by unknown amounts, or
    /// computes the target from a label and data, so the labels it uses as data do not
    /// bound the target.
    #[error("the jump at {pc} goes to a target computed from a label (a jump table?)")]
    Unbounded {
        /// The jump.
        pc: Pc,
    },
    /// A jump's target is chosen by the environment (calldata, a call's result, a value
    /// stored at a constant address and loaded back...) or computed from constants the
    /// analysis forgot, so the labels the code uses as data do not bound it.
    #[error("the jump at {pc} goes to a target the environment chooses (calldata?) or the analysis does not track")]
    Environment {
        /// The jump.
        pc: Pc,
    },
}

/// Resolves every reachable jump of `code` by exploring it per calling context, starting at
/// offset 0 with an empty stack. `lift::resolve_jumps` falls back on function summaries when
/// this fails.
///
/// Explored in rounds: each assumes what the code stores at constant addresses (nothing, at
/// first) and finds what it does; a round whose loads would read more than it assumed is
/// explored again with that (rarely: compiler output loads a constant address only for the
/// free-memory pointer and scratch words). The rounds share one budget.
pub fn explore_jumps(code: &Code) -> Result<JumpAnalysis, JumpError> {
    let mut written = Written::default();
    let mut budget = Budget::new();
    loop {
        let mut explorer = Explorer {
            code,
            analysis: JumpAnalysis::default(),
            contexts: Contexts::new(),
            queue: VecDeque::new(),
            escaped: BTreeSet::new(),
            dynamic_jumps: Vec::new(),
            label_offset: false,
            budget,
            assumed: Rc::new(written.clone()),
            stores: Written::default(),
            loads: BTreeSet::new(),
        };
        if !code.instructions().is_empty() {
            explorer.enqueue(Pc(0), Rc::from([]), Rc::from([]))?;
            explorer.run()?;
        }
        written.extend(&explorer.stores);
        let read_more = (explorer.loads.iter())
            .any(|load| written.overlaps(load) && !explorer.assumed.overlaps(load));
        if !read_more {
            return Ok(explorer.analysis);
        }
        budget = explorer.budget;
    }
}

struct Explorer<'a> {
    code: &'a Code,
    analysis: JumpAnalysis,
    /// Contexts, told apart also by the origins of their unknown slots.
    contexts: Contexts<Origins>,
    queue: VecDeque<(Pc, Stack, Origins)>,
    /// Labels used as data: the targets of dynamic jumps.
    escaped: BTreeSet<Pc>,
    /// Jumps with unknown targets: the jump, the stack it leaves, and whether the escaped
    /// labels do not bound its target ([`Origin::unbounded`]).
    dynamic_jumps: Vec<(Pc, Stack, Origins, bool)>,
    /// Whether some block moves a label by an unknown amount.
    label_offset: bool,
    budget: Budget,
    /// What this round assumes the code stores at constant addresses.
    assumed: Rc<Written>,
    /// What it found the code stores there.
    stores: Written,
    /// The places at constant addresses it found loaded.
    loads: BTreeSet<Place>,
}

impl Explorer<'_> {
    fn run(&mut self) -> Result<(), JumpError> {
        let jumpdests: Vec<Pc> = self
            .code
            .instructions()
            .iter()
            .filter(|instruction| instruction.opcode.get() == opcode::JUMPDEST)
            .map(|instruction| instruction.pc)
            .collect();
        loop {
            while let Some((start, stack, origins)) = self.queue.pop_front() {
                self.explore(start, &stack, &origins)?;
            }
            if let (true, Some(&(pc, ..))) = (self.label_offset, self.dynamic_jumps.first()) {
                return Err(JumpError::Unbounded { pc });
            }
            let unbounded = self.dynamic_jumps.iter().find(|jump| jump.3);
            if let (false, Some(&(pc, ..))) = (self.escaped.is_empty(), unbounded) {
                return Err(JumpError::Environment { pc });
            }
            // Dynamic jumps go to every escaped label, or to every JUMPDEST if no label
            // escapes; the queue is empty once all of them have been explored with every
            // target found so far.
            let targets: Vec<Pc> = if self.escaped.is_empty() {
                jumpdests.clone()
            } else {
                self.escaped.iter().copied().collect()
            };
            for (jump, stack, origins, _) in self.dynamic_jumps.clone() {
                // Present even when empty: the jump is resolved, to no target at all.
                self.analysis.targets.entry(jump).or_default();
                match self.escaped.is_empty() {
                    true => self.analysis.computed.insert(jump),
                    false => self.analysis.speculative.insert(jump),
                };
                for &target in &targets {
                    self.analysis
                        .targets
                        .entry(jump)
                        .or_default()
                        .insert(target);
                    self.enqueue(target, stack.clone(), origins.clone())?;
                }
            }
            if self.queue.is_empty() {
                return Ok(());
            }
        }
    }

    fn enqueue(&mut self, start: Pc, stack: Stack, origins: Origins) -> Result<(), JumpError> {
        if !self.budget.offer(stack.len()) {
            return Err(JumpError::OverBudget { pc: start });
        }
        let Some(stack) = self
            .contexts
            .admit(self.code, start, origins.clone(), stack)
        else {
            return Ok(());
        };
        self.analysis.states += 1;
        self.queue.push_back((start, stack, origins));
        Ok(())
    }

    /// Runs the block at `start` on `stack` and enqueues the states it leads to.
    fn explore(
        &mut self,
        start: Pc,
        stack: &[Slot],
        origins: &[(u16, Origin)],
    ) -> Result<(), JumpError> {
        let first = self
            .code
            .instruction_index(start)
            .expect("states start at instruction boundaries");
        let block = self
            .analysis
            .blocks
            .entry(start)
            .or_insert_with(|| block_at(self.code, first))
            .clone();
        if !self.budget.charge(block.instructions.len()) {
            return Err(JumpError::OverBudget { pc: start });
        }
        let mut stack = BlockStack::new(self.code, stack, Below::Nothing)
            .with_origins(origins, self.assumed.clone());
        let end = stack.run(&block);
        self.escaped.extend(stack.escaped.drain(..));
        self.label_offset |= stack.label_offset;
        self.analysis
            .code_copies
            .extend(stack.code_copies.drain(..));
        for place in stack.stores.drain(..) {
            self.stores.insert(place);
        }
        self.loads.extend(stack.loads.drain(..));
        let end = match end {
            Err((pc, fault)) => {
                self.analysis.faults.insert(pc, fault);
                return Ok(());
            }
            Ok(end) => end,
        };
        let exits = stack.exits(end);
        if let Some((next, stack)) = exits.next {
            self.enqueue(next, stack.at_block_boundary(), stack.origins())?;
        }
        let Some((pc, target, taken)) = exits.jump else {
            return Ok(());
        };
        if target.origin.has(Origin::MIXED) {
            return Err(JumpError::Unbounded { pc });
        }
        let successor = taken.at_block_boundary();
        let origins = taken.origins();
        match target.slot {
            Slot::Const(value) => match label(self.code, value) {
                Some(target) => {
                    self.analysis.targets.entry(pc).or_default().insert(target);
                    self.enqueue(target, successor, origins)?;
                }
                None => {
                    self.analysis
                        .faults
                        .insert(pc, Fault::InvalidJumpTarget(value));
                }
            },
            Slot::Unknown | Slot::Entry(_) => {
                let unbounded = target.origin.unbounded();
                self.dynamic_jumps.push((pc, successor, origins, unbounded));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::U256;

    use super::*;
    use crate::{
        evm::assemble,
        lift::{resolve_jumps, STACK_LIMIT},
    };

    fn analyse(text: &str) -> Result<JumpAnalysis, JumpError> {
        resolve_jumps(&Code::new(assemble(text).expect("test code assembles")))
    }

    /// The resolved targets, as `(jump pc, [target pcs])`.
    fn targets(analysis: &JumpAnalysis) -> Vec<(u32, Vec<u32>)> {
        analysis
            .targets
            .iter()
            .map(|(jump, targets)| (jump.0, targets.iter().map(|t| t.0).collect()))
            .collect()
    }

    #[test]
    fn an_internal_function_returns_to_each_caller() {
        // f is called from two sites; its return jump has both continuations as targets.
        let analysis = analyse(
            "PUSH @back1 PUSH 7 PUSH @f JUMP
             back1: PUSH @back2 PUSH 8 PUSH @f JUMP
             back2: STOP
             f: POP JUMP",
        )
        .unwrap();
        assert_eq!(
            targets(&analysis),
            [(8, vec![21]), (18, vec![21]), (23, vec![9, 19])]
        );
        assert_eq!(analysis.states, 5, "f is explored once per calling context");
        assert!(analysis.faults.is_empty());
    }

    #[test]
    fn a_function_pointer_in_memory_resolves_to_the_labels_that_escape() {
        // The label of g is stored to memory and loaded back: a dynamic jump.
        let analysis = analyse(
            "PUSH @g PUSH 0 MSTORE PUSH 0 MLOAD JUMP
             g: STOP",
        )
        .unwrap();
        assert_eq!(targets(&analysis), [(9, vec![10])]);
    }

    #[test]
    fn a_jump_to_data_goes_to_every_jumpdest_when_no_label_escapes() {
        // The target comes from calldata; 4 and 8 are the code's only JUMPDESTs (the 0x5b
        // inside the PUSH is data). Each is explored with the stack the jump leaves.
        let analysis = analyse(
            "PUSH 0 CALLDATALOAD JUMP
             a: PUSH1 0x5b STOP
             b: STOP",
        )
        .unwrap();
        assert_eq!(targets(&analysis), [(3, vec![4, 8])]);
        assert!(analysis.blocks.contains_key(&Pc(4)) && analysis.blocks.contains_key(&Pc(8)));
        assert_eq!(analysis.computed, BTreeSet::from([Pc(3)]));
    }

    #[test]
    fn a_jump_to_a_label_moved_by_data_is_unresolved() {
        // c0 + calldata may be c1 (or no JUMPDEST): c0, the one label used as data, does not
        // bound it, and summaries do not resolve it either.
        let error = analyse(
            "PUSH 0 CALLDATALOAD PUSH @c0 ADD JUMP
             c0: STOP
             c1: STOP",
        )
        .unwrap_err();
        assert_eq!(error, JumpError::Unbounded { pc: Pc(7) });
    }

    #[test]
    fn a_jump_to_a_label_mixed_with_data_is_unresolved() {
        // f XOR calldata (or OR, AND, MUL...) may be g: f, the one label used as data, does
        // not bound it, whether the jump is in the block that mixes it or a later one.
        for op in ["XOR", "OR", "AND", "MUL", "SHL"] {
            for (via, jump) in [("", Pc(7)), ("PUSH @go JUMP go:", Pc(12))] {
                let error = analyse(&format!(
                    "PUSH 0 CALLDATALOAD PUSH @f {op} {via} JUMP
                     f: STOP
                     g: STOP"
                ))
                .unwrap_err();
                assert_eq!(error, JumpError::Unbounded { pc: jump }, "{op} {via}");
            }
        }
    }

    /// The one target of the code's one dynamic jump, and the JUMPDESTs of the code.
    fn dynamic_target(text: &str) -> (Vec<Pc>, Vec<Pc>) {
        let code = Code::new(assemble(text).expect("test code assembles"));
        let analysis = resolve_jumps(&code).unwrap();
        let jumpdests = (code.instructions().iter())
            .filter(|i| i.opcode.get() == opcode::JUMPDEST)
            .map(|i| i.pc)
            .collect();
        let (_, targets) = analysis.targets.last_key_value().expect("a jump");
        (targets.iter().copied().collect(), jumpdests)
    }

    #[test]
    fn a_label_packed_into_storage_as_solc_packs_it_bounds_the_jump_that_loads_it() {
        // solc's legacy packing at a constant slot and offset: label * 256^offset (folded)
        // | (old & ~mask), stored; loaded, shifted and masked, then jumped to. At a computed
        // slot (an array's), with the offset computed from data: the same. The escaped label
        // g is the one target; calldata stored at another slot does not change that.
        for (slot, offset) in [
            ("PUSH 7", "PUSH 0x100"),
            ("PUSH0 CALLDATALOAD", "CALLVALUE"),
        ] {
            let (targets, jumpdests) = dynamic_target(&format!(
                "PUSH0 CALLDATALOAD PUSH 1 SSTORE
                 {slot} SLOAD PUSH 0xff00 NOT AND {offset} PUSH @g MUL OR {slot} SSTORE
                 {offset} {slot} SLOAD DIV PUSH 0xff AND JUMP
                 g: STOP
                 h: STOP"
            ));
            assert_eq!(targets, jumpdests[..1], "{slot}");
        }
    }

    #[test]
    fn a_label_mixed_with_data_at_a_constant_slot_does_not_bound_the_jump_that_loads_it() {
        // label * calldata stored at slot 0 may be h, loaded back: the labels that escaped
        // (g) do not bound the jump; nor where calldata itself is stored, copied or returned
        // by a call at a constant address and loaded back.
        for store in [
            "PUSH0 CALLDATALOAD PUSH @g MUL PUSH0 SSTORE PUSH0 SLOAD",
            "PUSH0 CALLDATALOAD PUSH 0x20 MSTORE PUSH @g PUSH 0x40 MSTORE PUSH 0x30 MLOAD",
            "PUSH @g PUSH 0x40 MSTORE PUSH 1 PUSH0 PUSH 0x5f CALLDATACOPY PUSH 0x40 MLOAD",
            "PUSH @g PUSH 0x40 MSTORE PUSH 0x20 PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 GAS CALL POP PUSH0 MLOAD",
        ] {
            let error = analyse(&format!("{store} JUMP g: STOP h: STOP")).unwrap_err();
            assert!(matches!(error, JumpError::Environment { .. }), "{store}");
        }
    }

    #[test]
    fn a_jump_to_data_in_code_without_jumpdests_has_no_target() {
        let analysis = analyse("PUSH 0 CALLDATALOAD JUMP").unwrap();
        assert_eq!(targets(&analysis), [(3, vec![])]);
    }

    #[test]
    fn invalid_jumps_and_underflows_are_faults_of_the_path() {
        let analysis = analyse("CALLDATASIZE PUSH @bad JUMPI ADD STOP bad: PUSH 3 JUMP").unwrap();
        assert_eq!(
            analysis.faults,
            BTreeMap::from([
                (Pc(5), Fault::StackUnderflow),
                (Pc(10), Fault::InvalidJumpTarget(U256::from(3))),
            ])
        );
    }

    #[test]
    fn a_branch_ruled_out_by_an_earlier_condition_is_not_explored() {
        // x is tested twice; the second JUMPI can only be taken where x is non-zero, which
        // the path through `zero` excludes. Exploring it would reach `deep` with one slot too
        // few, and underflow.
        let analysis = analyse(
            "PUSH 0 CALLDATALOAD DUP1 ISZERO PUSH @zero JUMPI
             PUSH 5 SWAP1 PUSH @join JUMP
             zero: PUSH @join JUMP
             join: PUSH @deep JUMPI STOP
             deep: POP STOP",
        )
        .unwrap();
        assert!(analysis.faults.is_empty(), "{:?}", analysis.faults);
    }

    #[test]
    fn a_call_through_a_packed_constructor_label_resolves_to_its_one_target() {
        // solc's legacy constructor code calls `f` through (creation label << 32 | runtime
        // label) >> 32: folded, the jump has one target, and no other label is reached.
        let analysis = analyse(
            "PUSH @back PUSH @f PUSH 32 SHL PUSH 0x1234 OR PUSH 32 SHR JUMP
             back: STOP
             other: PUSH 1 SLOAD POP STOP
             f: JUMP",
        )
        .unwrap();
        assert_eq!(targets(&analysis), [(16, vec![25]), (26, vec![17])]);
        assert!(
            !analysis.blocks.contains_key(&Pc(19)),
            "other is unreachable"
        );
    }

    #[test]
    fn a_folded_loop_counter_is_forgotten_at_the_loop_head() {
        // i = 0; i + 1 each round: kept, the counter would make a new state per value.
        let analysis = analyse(
            "PUSH 0
             loop: PUSH 1 ADD DUP1 CALLDATASIZE GT PUSH @loop JUMPI STOP",
        )
        .unwrap();
        assert_eq!(analysis.states, 4, "entry, loop with 0 and unknown, exit");
    }

    #[test]
    fn data_constants_that_multiply_contexts_are_joined() {
        // Sixteen locals, each 0 or unknown by a branch of its own: 2^16 combinations at the
        // end without joining, beyond the budget; with it, a few dozen states per block.
        let mut text = String::new();
        for i in 0..16 {
            text.push_str(&format!(
                "PUSH 0 CALLDATASIZE PUSH @set{i} JUMPI PUSH @join{i} JUMP
                 set{i}: POP CALLVALUE
                 join{i}: "
            ));
        }
        text.push_str("STOP");
        let analysis = analyse(&text).unwrap();
        assert!(analysis.states < 2_000, "{} states", analysis.states);
    }

    #[test]
    fn undefined_opcodes_halt() {
        let code = Code::new(vec![0x60, 0x01, 0x0c, 0xe6, 0x4b]);
        let analysis = resolve_jumps(&code).unwrap();
        assert!(analysis.faults.is_empty());
        assert_eq!(analysis.blocks.len(), 1);
    }

    #[test]
    fn recursion_that_grows_the_stack_overflows_as_in_the_evm() {
        let analysis = analyse("f: PUSH @f PUSH @f JUMP").unwrap();
        assert_eq!(
            analysis.faults,
            BTreeMap::from([(Pc(4), Fault::StackOverflow)])
        );
        assert_eq!(analysis.states, STACK_LIMIT);
    }
}
