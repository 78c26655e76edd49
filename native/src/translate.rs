//! One Move function → Cranelift IR.
//!
//! Locals become Cranelift variables (the spill `vector<u128>` a stack slot and a length
//! variable); the operand stack becomes SSA values, tracked here at compile time ([`Item`]):
//! the verifier guarantees it is empty at every basic block's boundary, so blocks need no
//! parameters. Every instruction that can fail in the Move VM checks and, on failure,
//! returns the [`Status`] the VM's error corresponds to; a status from a callee or a native
//! is returned unchanged.
//!
//! The calling convention of compiled functions (also what Rust calls, `crate::run`):
//! `(ctx, args, results, stack_limit) -> status`, where `args` and `results` point at arrays
//! of 16-byte slots (each value zero-extended to u128), `ctx` is the frame's `DirectCtx`,
//! and `stack_limit` the lowest stack address a function may start below (deeper recursion
//! returns [`Status::CallStackOverflow`] instead of overflowing the machine stack).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use cranelift_codegen::ir::{
    condcodes::IntCC, types, AbiParam, Block, FuncRef, Function, InstBuilder, MemFlagsData,
    Signature, StackSlot, StackSlotData, StackSlotKind, Value,
};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_module::{FuncId, Module};
use evmove_runtime::natives::{
    direct::{DirectArgs, DirectResults, Status},
    NativeDecl, Op,
};
use evmove_word::shim::Results;
use move_binary_format::{
    access::ModuleAccess,
    file_format::{Bytecode, CodeOffset, FunctionHandleIndex, SignatureToken},
    CompiledModule,
};
use move_core_types::value::MoveValue;

use crate::{
    helpers,
    types::{LocalType, Scalar},
    NotCompilable,
};

/// The pointer type (compiled code runs on 64-bit hosts only, `crate::module`).
const PTR: types::Type = types::I64;

/// The most a compiled function's vectors may take of its frame (the rest, call areas and
/// spills, is a few KiB): the stack limit is checked at a function's entry, so one frame may
/// overshoot it, and must stay well inside the reserve left below it (`crate::run`).
const MAX_VECTORS: u32 = 64 << 10;

/// What translating needs besides the function: the module, the ids of its compiled
/// functions and of the imports.
pub struct Env<'a> {
    /// The module.
    pub module: &'a CompiledModule,
    /// The Cranelift id of each function definition, by definition index.
    pub functions: &'a [FuncId],
    /// The definition index of each of the module's own function handles.
    pub definitions: &'a HashMap<FunctionHandleIndex, usize>,
    /// The imported helpers, by symbol.
    pub imports: &'a HashMap<&'static str, FuncId>,
}

/// The signature of every compiled function.
pub fn signature(module: &dyn Module) -> Signature {
    let mut signature = module.make_signature();
    signature.params.extend([AbiParam::new(PTR); 4]);
    signature.returns.push(AbiParam::new(types::I32));
    signature
}

/// Translates function definition `index` into `function`: the definition indices of the
/// module's functions it calls, or why it is not in the subset.
pub fn translate(
    env: &Env<'_>,
    jit: &mut dyn Module,
    index: usize,
    function: &mut Function,
) -> Result<BTreeSet<usize>, NotCompilable> {
    let module = env.module;
    let definition = module
        .function_defs
        .get(index)
        .ok_or_else(|| NotCompilable::new("no such function".to_string()))?;
    let Some(code) = &definition.code else {
        return Err(NotCompilable::new("a native function".to_string()));
    };
    let handle = module.function_handle_at(definition.function);
    if !handle.type_parameters.is_empty() {
        return Err(NotCompilable::new("a generic function".to_string()));
    }
    let params = module.signature_at(handle.parameters);
    let returns = module.signature_at(handle.return_);
    let locals = module.signature_at(code.locals);
    let local_types = (params.0.iter().chain(&locals.0))
        .map(LocalType::of)
        .collect::<Result<Vec<_>, _>>()?;
    let param_types = (params.0.iter())
        .map(Scalar::of)
        .collect::<Result<Vec<_>, _>>()?;
    let return_types = (returns.0.iter())
        .map(Scalar::of)
        .collect::<Result<Vec<_>, _>>()?;

    let mut imports = HashMap::new();
    for (&name, &id) in env.imports {
        imports.insert(name, jit.declare_func_in_func(id, function));
    }
    let mut callees = HashMap::new();
    for instruction in &code.code {
        if let Bytecode::Call(handle) = instruction {
            if let Some(&callee) = env.definitions.get(handle) {
                let id = env.functions[callee];
                callees.insert(callee, jit.declare_func_in_func(id, function));
            }
        }
    }

    let mut context = FunctionBuilderContext::new();
    let builder = FunctionBuilder::new(function, &mut context);
    let mut translator = Translator {
        env,
        builder,
        imports,
        callees,
        stack: Vec::new(),
        locals: Vec::new(),
        stops: BTreeMap::new(),
        propagate: None,
        ctx: Value::from_u32(0),
        results: Value::from_u32(0),
        stack_limit: Value::from_u32(0),
        call_args: None,
        call_results: None,
        scratch: None,
        return_types,
    };
    translator.prologue(&local_types, &param_types, &code.code)?;
    translator.body(&code.code)?;
    translator.stop_blocks();
    translator.builder.seal_all_blocks();
    let config = jit.target_config();
    translator.builder.finalize(config);
    Ok(translator.callees.keys().copied().collect())
}

/// A value on the operand stack, at compile time.
#[derive(Clone, Copy, Debug)]
enum Item {
    /// A scalar.
    Value(Value, Scalar),
    /// A reference to a vector local.
    VectorRef(usize),
    /// A reference to element `index` of a vector local (checked in bounds).
    ElementRef(usize, Value),
    /// A new empty vector.
    NewVector,
}

/// Where a local lives.
#[derive(Clone, Copy, Debug)]
enum Local {
    Scalar(Variable, Scalar),
    Vector {
        slot: StackSlot,
        len: Variable,
        capacity: u32,
    },
}

struct Translator<'e, 'f> {
    env: &'e Env<'e>,
    builder: FunctionBuilder<'f>,
    imports: HashMap<&'static str, FuncRef>,
    callees: HashMap<usize, FuncRef>,
    stack: Vec<Item>,
    locals: Vec<Local>,
    /// The block returning each status, made when first needed.
    stops: BTreeMap<u32, Block>,
    /// The block returning its parameter (a callee's or a native's stop).
    propagate: Option<Block>,
    ctx: Value,
    results: Value,
    stack_limit: Value,
    /// The argument and result areas of calls (natives and the module's functions).
    call_args: Option<StackSlot>,
    call_results: Option<StackSlot>,
    /// The operands of the u128 helpers.
    scratch: Option<StackSlot>,
    return_types: Vec<Scalar>,
}

fn not_compilable(what: impl Into<String>) -> NotCompilable {
    NotCompilable::new(what.into())
}

/// The blocks' first offsets: the function's start, every branch target, and every
/// instruction after a branch, `Ret` or `Abort`.
fn block_starts(code: &[Bytecode]) -> BTreeSet<CodeOffset> {
    let mut starts = BTreeSet::from([0]);
    for (offset, instruction) in code.iter().enumerate() {
        if let Bytecode::Branch(target) | Bytecode::BrTrue(target) | Bytecode::BrFalse(target) =
            instruction
        {
            starts.insert(*target);
        }
        if instruction.is_branch() {
            starts.insert(offset as CodeOffset + 1);
        }
    }
    starts.retain(|&start| (start as usize) < code.len());
    starts
}

/// The capacity of the function's vectors: the number of `VecPushBack`s, if each runs at most
/// once per call (all of them in the first block, which no branch targets, as in the
/// lowering's prologue that sizes the spill vector). Functions pushing elsewhere (the
/// universal form's EVM stack) are not in the subset.
fn vector_capacity(code: &[Bytecode]) -> Result<u32, NotCompilable> {
    let first_block_end = block_starts(code)
        .into_iter()
        .nth(1)
        .map_or(code.len(), |start| start as usize);
    let pushes = |range: &[Bytecode]| {
        (range.iter())
            .filter(|i| matches!(i, Bytecode::VecPushBack(_)))
            .count()
    };
    let reentered = (code.iter()).any(|i| {
        matches!(
            i,
            Bytecode::Branch(0) | Bytecode::BrTrue(0) | Bytecode::BrFalse(0)
        )
    });
    match (pushes(&code[first_block_end..]), reentered) {
        (0, false) => Ok(pushes(&code[..first_block_end]) as u32),
        _ => Err(not_compilable("a vector grown outside the prologue")),
    }
}

impl Translator<'_, '_> {
    fn prologue(
        &mut self,
        local_types: &[LocalType],
        param_types: &[Scalar],
        code: &[Bytecode],
    ) -> Result<(), NotCompilable> {
        let entry = self.builder.create_block();
        self.builder.append_block_params_for_function_params(entry);
        self.builder.switch_to_block(entry);
        let &[ctx, args, results, stack_limit] = self.builder.block_params(entry) else {
            return Err(not_compilable("the compiled signature"));
        };
        (self.ctx, self.results, self.stack_limit) = (ctx, results, stack_limit);

        let sp = self.builder.ins().get_stack_pointer(PTR);
        let deep = self
            .builder
            .ins()
            .icmp(IntCC::UnsignedLessThan, sp, stack_limit);
        self.stop_if(deep, Status::CallStackOverflow);

        let capacity = match local_types.contains(&LocalType::Vector) {
            true => vector_capacity(code)?,
            false => 0,
        };
        let mut frame = 0u32;
        for (i, local) in local_types.iter().enumerate() {
            let local = match *local {
                LocalType::Scalar(scalar) => {
                    let variable = self.builder.declare_var(scalar.clif());
                    let value = match param_types.get(i) {
                        Some(_) => {
                            let wide = self.builder.ins().load(
                                types::I128,
                                MemFlagsData::trusted(),
                                args,
                                16 * i as i32,
                            );
                            self.narrow(wide, scalar)
                        }
                        // Move reads no local before writing it (the verifier checks).
                        None => self.constant(0, scalar),
                    };
                    self.builder.def_var(variable, value);
                    Local::Scalar(variable, scalar)
                }
                LocalType::Vector => {
                    frame += 16 * capacity;
                    let slot = self.slot(16 * capacity.max(1));
                    let len = self.builder.declare_var(types::I64);
                    let zero = self.builder.ins().iconst(types::I64, 0);
                    self.builder.def_var(len, zero);
                    Local::Vector {
                        slot,
                        len,
                        capacity,
                    }
                }
            };
            self.locals.push(local);
        }
        if frame > MAX_VECTORS {
            return Err(not_compilable(format!("vectors of {frame} bytes")));
        }
        Ok(())
    }

    fn body(&mut self, code: &[Bytecode]) -> Result<(), NotCompilable> {
        let starts = block_starts(code);
        let blocks: HashMap<CodeOffset, Block> = (starts.iter())
            .map(|&start| (start, self.builder.create_block()))
            .collect();
        let block_at = |offset: CodeOffset| {
            (blocks.get(&offset).copied()).ok_or_else(|| not_compilable("a branch out of the code"))
        };
        self.builder.ins().jump(block_at(0)?, &[]);
        let mut open = false;
        for (offset, instruction) in code.iter().enumerate() {
            let offset = offset as CodeOffset;
            if let Some(&block) = blocks.get(&offset) {
                if !self.stack.is_empty() {
                    return Err(not_compilable("a value on the stack at a block's end"));
                }
                if open {
                    self.builder.ins().jump(block, &[]);
                }
                self.builder.switch_to_block(block);
                open = true;
            }
            match instruction {
                Bytecode::Branch(target) => {
                    self.builder.ins().jump(block_at(*target)?, &[]);
                    open = false;
                }
                Bytecode::BrTrue(target) | Bytecode::BrFalse(target) => {
                    let condition = self.pop_scalar()?.0;
                    let (taken, next) = (block_at(*target)?, block_at(offset + 1)?);
                    let (then, otherwise) = match instruction {
                        Bytecode::BrTrue(_) => (taken, next),
                        _ => (next, taken),
                    };
                    self.builder
                        .ins()
                        .brif(condition, then, &[], otherwise, &[]);
                    open = false;
                }
                Bytecode::Ret => {
                    self.ret()?;
                    open = false;
                }
                Bytecode::Abort => {
                    let code = self.pop_scalar()?.0;
                    let abort = self.imports[helpers::ABORT];
                    let call = self.builder.ins().call(abort, &[self.ctx, code]);
                    let status = self.builder.inst_results(call)[0];
                    self.builder.ins().return_(&[status]);
                    open = false;
                }
                other => self.straight(other)?,
            }
        }
        if open {
            return Err(not_compilable("code falling off its end"));
        }
        Ok(())
    }

    /// An instruction that does not end a block.
    fn straight(&mut self, instruction: &Bytecode) -> Result<(), NotCompilable> {
        use Bytecode as B;
        match instruction {
            B::Nop => {}
            B::Pop => {
                self.pop()?;
            }
            B::LdU8(v) => self.push_constant(u128::from(*v), Scalar::U8),
            B::LdU64(v) => self.push_constant(u128::from(*v), Scalar::U64),
            B::LdU128(v) => self.push_constant(*v, Scalar::U128),
            B::LdTrue => self.push_constant(1, Scalar::Bool),
            B::LdFalse => self.push_constant(0, Scalar::Bool),
            B::LdConst(index) => {
                let constant = (self.env.module.constant_pool.get(index.0 as usize))
                    .and_then(|constant| constant.deserialize_constant());
                let (value, scalar) = match constant {
                    Some(MoveValue::U8(v)) => (u128::from(v), Scalar::U8),
                    Some(MoveValue::U64(v)) => (u128::from(v), Scalar::U64),
                    Some(MoveValue::U128(v)) => (v, Scalar::U128),
                    Some(MoveValue::Bool(v)) => (u128::from(v), Scalar::Bool),
                    _ => return Err(not_compilable("a constant outside the subset")),
                };
                self.push_constant(value, scalar);
            }
            B::CopyLoc(local) | B::MoveLoc(local) => match self.local(*local)? {
                Local::Scalar(variable, scalar) => {
                    let value = self.builder.use_var(variable);
                    self.stack.push(Item::Value(value, scalar));
                }
                Local::Vector { .. } => return Err(not_compilable("a vector moved or copied")),
            },
            B::StLoc(local) => match (self.local(*local)?, self.pop()?) {
                (Local::Scalar(variable, _), Item::Value(value, _)) => {
                    self.builder.def_var(variable, value)
                }
                (Local::Vector { len, .. }, Item::NewVector) => {
                    let zero = self.builder.ins().iconst(types::I64, 0);
                    self.builder.def_var(len, zero);
                }
                _ => return Err(not_compilable("a store outside the subset")),
            },
            B::MutBorrowLoc(local) | B::ImmBorrowLoc(local) => match self.local(*local)? {
                Local::Vector { .. } => self.stack.push(Item::VectorRef(*local as usize)),
                Local::Scalar(..) => return Err(not_compilable("a reference to a scalar")),
            },
            B::FreezeRef => match self.pop()? {
                reference @ Item::VectorRef(_) => self.stack.push(reference),
                _ => return Err(not_compilable("a reference outside the subset")),
            },
            B::VecPack(element, 0) => {
                self.vector_of_u128(*element)?;
                self.stack.push(Item::NewVector);
            }
            B::VecLen(element) => {
                self.vector_of_u128(*element)?;
                let (_, len, _) = self.pop_vector()?;
                let len = self.builder.use_var(len);
                self.stack.push(Item::Value(len, Scalar::U64));
            }
            B::VecImmBorrow(element) | B::VecMutBorrow(element) => {
                self.vector_of_u128(*element)?;
                let index = self.pop_scalar()?.0;
                let (local, len, _) = self.pop_vector()?;
                let len = self.builder.use_var(len);
                let outside =
                    (self.builder.ins()).icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
                self.stop_if(outside, Status::IndexOutOfBounds);
                self.stack.push(Item::ElementRef(local, index));
            }
            B::ReadRef => match self.pop()? {
                Item::ElementRef(local, index) => {
                    let address = self.element_address(local, index)?;
                    let value =
                        (self.builder.ins()).load(types::I128, MemFlagsData::trusted(), address, 0);
                    self.stack.push(Item::Value(value, Scalar::U128));
                }
                _ => return Err(not_compilable("a read outside the subset")),
            },
            B::WriteRef => match (self.pop()?, self.pop_scalar()?) {
                (Item::ElementRef(local, index), (value, Scalar::U128)) => {
                    let address = self.element_address(local, index)?;
                    (self.builder.ins()).store(MemFlagsData::trusted(), value, address, 0);
                }
                _ => return Err(not_compilable("a write outside the subset")),
            },
            B::VecPushBack(element) => {
                self.vector_of_u128(*element)?;
                let value = self.pop_scalar()?.0;
                let (local, len_var, capacity) = self.pop_vector()?;
                let len = self.builder.use_var(len_var);
                // Unreachable by `vector_capacity`; kept as a check, not a trust.
                let full = (self.builder.ins()).icmp_imm_u(
                    IntCC::UnsignedGreaterThanOrEqual,
                    len,
                    i64::from(capacity),
                );
                self.stop_if(full, Status::Misdeclared);
                let address = self.element_address(local, len)?;
                (self.builder.ins()).store(MemFlagsData::trusted(), value, address, 0);
                let len = self.builder.ins().iadd_imm_u(len, 1);
                self.builder.def_var(len_var, len);
            }
            B::VecPopBack(element) => {
                self.vector_of_u128(*element)?;
                let (local, len_var, _) = self.pop_vector()?;
                let len = self.builder.use_var(len_var);
                let empty = self.builder.ins().icmp_imm_u(IntCC::Equal, len, 0);
                self.stop_if(empty, Status::PopEmpty);
                let len = self.builder.ins().iadd_imm_s(len, -1);
                self.builder.def_var(len_var, len);
                let address = self.element_address(local, len)?;
                let value =
                    (self.builder.ins()).load(types::I128, MemFlagsData::trusted(), address, 0);
                self.stack.push(Item::Value(value, Scalar::U128));
            }
            B::CastU8 => self.cast(Scalar::U8)?,
            B::CastU64 => self.cast(Scalar::U64)?,
            B::CastU128 => self.cast(Scalar::U128)?,
            B::Add | B::Sub | B::Mul | B::Div | B::Mod => self.arithmetic(instruction)?,
            B::BitOr | B::BitAnd | B::Xor | B::Or | B::And => {
                let (b, scalar) = self.pop_scalar()?;
                let (a, _) = self.pop_scalar()?;
                let ins = self.builder.ins();
                let value = match instruction {
                    B::BitOr | B::Or => ins.bor(a, b),
                    B::BitAnd | B::And => ins.band(a, b),
                    _ => ins.bxor(a, b),
                };
                self.stack.push(Item::Value(value, scalar));
            }
            B::Not => {
                let (a, scalar) = self.pop_scalar()?;
                let value = self.builder.ins().bxor_imm_u(a, 1);
                self.stack.push(Item::Value(value, scalar));
            }
            B::Shl | B::Shr => {
                let (amount, _) = self.pop_scalar()?;
                let (a, scalar) = self.pop_scalar()?;
                let too_far = (self.builder.ins()).icmp_imm_u(
                    IntCC::UnsignedGreaterThanOrEqual,
                    amount,
                    i64::from(scalar.bits()),
                );
                self.stop_if(too_far, Status::Arithmetic);
                let value = match instruction {
                    B::Shl => self.builder.ins().ishl(a, amount),
                    _ => self.builder.ins().ushr(a, amount),
                };
                self.stack.push(Item::Value(value, scalar));
            }
            B::Lt | B::Gt | B::Le | B::Ge | B::Eq | B::Neq => {
                let (b, _) = self.pop_scalar()?;
                let (a, _) = self.pop_scalar()?;
                let cc = match instruction {
                    B::Lt => IntCC::UnsignedLessThan,
                    B::Gt => IntCC::UnsignedGreaterThan,
                    B::Le => IntCC::UnsignedLessThanOrEqual,
                    B::Ge => IntCC::UnsignedGreaterThanOrEqual,
                    B::Eq => IntCC::Equal,
                    _ => IntCC::NotEqual,
                };
                let value = self.builder.ins().icmp(cc, a, b);
                self.stack.push(Item::Value(value, Scalar::Bool));
            }
            B::Call(handle) => self.call(*handle)?,
            other => return Err(not_compilable(format!("{other:?}"))),
        }
        Ok(())
    }

    fn ret(&mut self) -> Result<(), NotCompilable> {
        let results = self.results;
        let mut values = Vec::new();
        for _ in 0..self.return_types.len() {
            values.push(self.pop_scalar()?);
        }
        for (i, (value, scalar)) in values.into_iter().rev().enumerate() {
            let wide = self.widen(value, scalar);
            (self.builder.ins()).store(MemFlagsData::trusted(), wide, results, 16 * i as i32);
        }
        let ok = self
            .builder
            .ins()
            .iconst(types::I32, Status::Continue as i64);
        self.builder.ins().return_(&[ok]);
        Ok(())
    }

    fn arithmetic(&mut self, instruction: &Bytecode) -> Result<(), NotCompilable> {
        let (b, scalar) = self.pop_scalar()?;
        let (a, _) = self.pop_scalar()?;
        let value = match (instruction, scalar) {
            (Bytecode::Add, _) => {
                let sum = self.builder.ins().iadd(a, b);
                let overflow = self.builder.ins().icmp(IntCC::UnsignedLessThan, sum, a);
                self.stop_if(overflow, Status::Arithmetic);
                sum
            }
            (Bytecode::Sub, _) => {
                let underflow = self.builder.ins().icmp(IntCC::UnsignedLessThan, a, b);
                self.stop_if(underflow, Status::Arithmetic);
                self.builder.ins().isub(a, b)
            }
            (Bytecode::Mul, Scalar::U128) => self.helper(helpers::MUL_U128, a, b),
            (Bytecode::Div, Scalar::U128) => self.helper(helpers::DIV_U128, a, b),
            (Bytecode::Mod, Scalar::U128) => self.helper(helpers::REM_U128, a, b),
            (Bytecode::Mul, _) => {
                let (a, b) = (self.widen_to(a, types::I64), self.widen_to(b, types::I64));
                let product = self.builder.ins().imul(a, b);
                let high = self.builder.ins().umulhi(a, b);
                let max = scalar.max() as i64;
                let wide = self.builder.ins().icmp_imm_u(IntCC::NotEqual, high, 0);
                let over =
                    (self.builder.ins()).icmp_imm_u(IntCC::UnsignedGreaterThan, product, max);
                let overflow = self.builder.ins().bor(wide, over);
                self.stop_if(overflow, Status::Arithmetic);
                self.narrow(product, scalar)
            }
            (Bytecode::Div | Bytecode::Mod, _) => {
                let zero = self.builder.ins().icmp_imm_u(IntCC::Equal, b, 0);
                self.stop_if(zero, Status::Arithmetic);
                match instruction {
                    Bytecode::Div => self.builder.ins().udiv(a, b),
                    _ => self.builder.ins().urem(a, b),
                }
            }
            _ => return Err(not_compilable(format!("{instruction:?}"))),
        };
        self.stack.push(Item::Value(value, scalar));
        Ok(())
    }

    /// A u128 helper on `a` and `b`: its result, after returning its failure as
    /// [`Status::Arithmetic`].
    fn helper(&mut self, name: &'static str, a: Value, b: Value) -> Value {
        let scratch = match self.scratch {
            Some(slot) => slot,
            None => {
                let slot = self.slot(48);
                *self.scratch.insert(slot)
            }
        };
        let ins = self.builder.ins();
        ins.stack_store(PTR, a, scratch, 0);
        let ins = self.builder.ins();
        ins.stack_store(PTR, b, scratch, 16);
        let address = self.builder.ins().stack_addr(PTR, scratch, 0);
        let call = self.builder.ins().call(self.imports[name], &[address]);
        let failed = self.builder.inst_results(call)[0];
        self.stop_if(failed, Status::Arithmetic);
        self.builder.ins().stack_load(PTR, types::I128, scratch, 32)
    }

    fn cast(&mut self, to: Scalar) -> Result<(), NotCompilable> {
        let (value, from) = self.pop_scalar()?;
        let value = if from.bits() > to.bits() {
            let max = self.constant(to.max(), from);
            let over = self
                .builder
                .ins()
                .icmp(IntCC::UnsignedGreaterThan, value, max);
            self.stop_if(over, Status::Arithmetic);
            self.builder.ins().ireduce(to.clif(), value)
        } else if from.bits() < to.bits() {
            self.builder.ins().uextend(to.clif(), value)
        } else {
            value
        };
        self.stack.push(Item::Value(value, to));
        Ok(())
    }

    fn call(&mut self, handle_index: FunctionHandleIndex) -> Result<(), NotCompilable> {
        let module = self.env.module;
        let handle = module.function_handle_at(handle_index);
        let arg_count = module.signature_at(handle.parameters).len();
        let mut args = Vec::new();
        for _ in 0..arg_count {
            args.push(self.pop_scalar()?);
        }
        args.reverse();
        let (callee, result_types) = match self.env.definitions.get(&handle_index) {
            Some(index) => {
                let returns = module.signature_at(handle.return_);
                let types = (returns.0.iter())
                    .map(Scalar::of)
                    .collect::<Result<_, _>>()?;
                (Callee::Function(self.callees[index]), types)
            }
            None => {
                let decl = native(module, handle_index)?;
                let types = match decl.row.result {
                    Results::Nothing => vec![],
                    Results::Word => vec![Scalar::U128; 2],
                    Results::Bool => vec![Scalar::Bool],
                    Results::Values(_) => return Err(not_compilable("a native of Move values")),
                };
                (Callee::Native(decl), types)
            }
        };
        let slots = |count: usize, least: usize| 16 * count.max(least) as u32;
        let args_area = self.area(false, slots(args.len(), size_of::<DirectArgs>() / 16));
        let results_area = self.area(
            true,
            slots(result_types.len(), size_of::<DirectResults>() / 16),
        );
        for (i, (value, scalar)) in args.into_iter().enumerate() {
            let wide = self.widen(value, scalar);
            self.builder
                .ins()
                .stack_store(PTR, wide, args_area, 16 * i as i32);
        }
        let args_address = self.builder.ins().stack_addr(PTR, args_area, 0);
        let results_address = self.builder.ins().stack_addr(PTR, results_area, 0);
        let call = match callee {
            Callee::Function(function) => (self.builder.ins()).call(
                function,
                &[self.ctx, args_address, results_address, self.stack_limit],
            ),
            Callee::Native(decl) => {
                let decl = (self.builder.ins()).iconst(PTR, decl as *const NativeDecl as i64);
                let entry = self.imports[helpers::CALL_NATIVE];
                (self.builder.ins()).call(entry, &[decl, self.ctx, args_address, results_address])
            }
        };
        let status = self.builder.inst_results(call)[0];
        self.propagate_stop(status);
        for (i, scalar) in result_types.into_iter().enumerate() {
            let wide =
                (self.builder.ins()).stack_load(PTR, types::I128, results_area, 16 * i as i32);
            let value = self.narrow(wide, scalar);
            self.stack.push(Item::Value(value, scalar));
        }
        Ok(())
    }

    /// The call argument (or result) area, at least `size` bytes: one per function, grown to
    /// the largest call's need.
    fn area(&mut self, results: bool, size: u32) -> StackSlot {
        let current = match results {
            true => &mut self.call_results,
            false => &mut self.call_args,
        };
        if let Some(slot) = *current {
            if self.builder.func.sized_stack_slots[slot].size >= size {
                return slot;
            }
        }
        let slot = self.builder.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            size,
            4,
        ));
        match results {
            true => self.call_results = Some(slot),
            false => self.call_args = Some(slot),
        }
        slot
    }

    fn slot(&mut self, size: u32) -> StackSlot {
        // 16-byte aligned: the slots hold u128 that Rust reads by reference.
        (self.builder).create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            size,
            4,
        ))
    }

    /// Returns `status` from the function if `condition` holds.
    fn stop_if(&mut self, condition: Value, status: Status) {
        let stop =
            *(self.stops.entry(status as u32)).or_insert_with(|| self.builder.create_block());
        self.builder.set_cold_block(stop);
        let next = self.builder.create_block();
        self.builder.ins().brif(condition, stop, &[], next, &[]);
        self.builder.switch_to_block(next);
    }

    /// Returns `status` from the function unless it is [`Status::Continue`].
    fn propagate_stop(&mut self, status: Value) {
        let propagate = match self.propagate {
            Some(block) => block,
            None => {
                let block = self.builder.create_block();
                self.builder.set_cold_block(block);
                self.builder.append_block_param(block, types::I32);
                *self.propagate.insert(block)
            }
        };
        let next = self.builder.create_block();
        (self.builder.ins()).brif(status, propagate, &[status.into()], next, &[]);
        self.builder.switch_to_block(next);
    }

    /// Fills the blocks returning stops (after the body: a block being filled cannot be left
    /// for another).
    fn stop_blocks(&mut self) {
        for (&status, &block) in &self.stops {
            self.builder.switch_to_block(block);
            let code = self.builder.ins().iconst(types::I32, i64::from(status));
            self.builder.ins().return_(&[code]);
        }
        if let Some(block) = self.propagate {
            self.builder.switch_to_block(block);
            let status = self.builder.block_params(block)[0];
            self.builder.ins().return_(&[status]);
        }
    }

    fn element_address(&mut self, local: usize, index: Value) -> Result<Value, NotCompilable> {
        let Some(Local::Vector { slot, .. }) = self.locals.get(local).copied() else {
            return Err(not_compilable("a vector reference to a scalar"));
        };
        let base = self.builder.ins().stack_addr(PTR, slot, 0);
        let offset = self.builder.ins().ishl_imm_u(index, 4);
        Ok(self.builder.ins().iadd(base, offset))
    }

    fn vector_of_u128(
        &self,
        element: move_binary_format::file_format::SignatureIndex,
    ) -> Result<(), NotCompilable> {
        match &self.env.module.signature_at(element).0[..] {
            [SignatureToken::U128] => Ok(()),
            _ => Err(not_compilable("a vector of something other than u128")),
        }
    }

    fn local(&self, index: u8) -> Result<Local, NotCompilable> {
        (self.locals.get(index as usize).copied()).ok_or_else(|| not_compilable("no such local"))
    }

    fn pop(&mut self) -> Result<Item, NotCompilable> {
        self.stack
            .pop()
            .ok_or_else(|| not_compilable("an empty operand stack"))
    }

    fn pop_scalar(&mut self) -> Result<(Value, Scalar), NotCompilable> {
        match self.pop()? {
            Item::Value(value, scalar) => Ok((value, scalar)),
            _ => Err(not_compilable("a reference where a value was expected")),
        }
    }

    fn pop_vector(&mut self) -> Result<(usize, Variable, u32), NotCompilable> {
        match self.pop()? {
            Item::VectorRef(local) => match self.locals.get(local) {
                Some(&Local::Vector { len, capacity, .. }) => Ok((local, len, capacity)),
                _ => Err(not_compilable("a vector reference to a scalar")),
            },
            _ => Err(not_compilable("a vector operation without a vector")),
        }
    }

    fn push_constant(&mut self, value: u128, scalar: Scalar) {
        let value = self.constant(value, scalar);
        self.stack.push(Item::Value(value, scalar));
    }

    fn constant(&mut self, value: u128, scalar: Scalar) -> Value {
        let ins = self.builder.ins();
        match scalar {
            Scalar::U128 => {
                let lo = ins.iconst(types::I64, value as u64 as i64);
                let hi = self
                    .builder
                    .ins()
                    .iconst(types::I64, (value >> 64) as u64 as i64);
                self.builder.ins().iconcat(lo, hi)
            }
            other => ins.iconst(other.clif(), value as u64 as i64),
        }
    }

    /// `value` zero-extended to a u128 slot.
    fn widen(&mut self, value: Value, scalar: Scalar) -> Value {
        match scalar {
            Scalar::U128 => value,
            _ => self.builder.ins().uextend(types::I128, value),
        }
    }

    fn widen_to(&mut self, value: Value, to: types::Type) -> Value {
        match self.builder.func.dfg.value_type(value) == to {
            true => value,
            false => self.builder.ins().uextend(to, value),
        }
    }

    /// A u128 slot's value as `scalar` (the slot holds a value of that type).
    fn narrow(&mut self, wide: Value, scalar: Scalar) -> Value {
        match self.builder.func.dfg.value_type(wide) == scalar.clif() {
            true => wide,
            false => self.builder.ins().ireduce(scalar.clif(), wide),
        }
    }
}

enum Callee {
    Function(FuncRef),
    Native(&'static NativeDecl),
}

/// The shim native `handle` names, if it is one the subset calls directly.
fn native(
    module: &CompiledModule,
    handle: FunctionHandleIndex,
) -> Result<&'static NativeDecl, NotCompilable> {
    let handle = module.function_handle_at(handle);
    let module_handle = module.module_handle_at(handle.module);
    let address = module.address_identifier_at(module_handle.address);
    let module_name = module.identifier_at(module_handle.name).as_str();
    let name = module.identifier_at(handle.name).as_str();
    let decl = (address.into_bytes() == evmove_word::shim::ADDRESS.into_array())
        .then(|| {
            (evmove_runtime::natives::NATIVES.iter())
                .find(|decl| decl.row.module == module_name && decl.row.name == name)
        })
        .flatten()
        .ok_or_else(|| not_compilable(format!("a call of {module_name}::{name}")))?;
    match decl.op {
        Op::Abi(_) => Err(not_compilable(format!("a call of {module_name}::{name}"))),
        Op::Arith(_) | Op::Gas(_) | Op::Host(_) => Ok(decl),
    }
}

#[cfg(test)]
mod tests {
    use move_binary_format::file_format::SignatureIndex;

    use super::*;

    const PUSH: Bytecode = Bytecode::VecPushBack(SignatureIndex(0));

    #[test]
    fn vectors_grown_once_per_call_have_their_pushes_as_capacity() {
        let prologue = [PUSH, PUSH, Bytecode::Branch(3), Bytecode::Ret];
        assert_eq!(vector_capacity(&prologue), Ok(2));
    }

    #[test]
    fn vectors_grown_in_a_loop_are_outside_the_subset() {
        let looped = [PUSH, Bytecode::LdTrue, Bytecode::BrTrue(0), Bytecode::Ret];
        assert!(vector_capacity(&looped).is_err());
        let later = [Bytecode::Branch(1), PUSH, Bytecode::Ret];
        assert!(vector_capacity(&later).is_err());
    }
}
