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
//!
//! One job per file: `function.rs` the function's frame and blocks, `instructions.rs` the
//! straight-line instructions, `vectors.rs` the spill vector's, `calls.rs` calls of the
//! module's functions and of natives, `gas.rs` charges of static gas and `words.rs` cheap
//! word natives computed without a call (`multiply.rs` MUL among them), `shifts.rs` shifts
//! and BYTE by a constant,
//! `stops.rs` the checks that return a status,
//! `values.rs` the operand stack and value widths.

mod calls;
mod function;
mod gas;
mod instructions;
mod multiply;
mod shifts;
mod stops;
mod values;
mod vectors;
mod words;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use cranelift_codegen::ir::{
    types, AbiParam, Block, FuncRef, Function, Signature, StackSlot, Value,
};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_module::{FuncId, Module};
use move_binary_format::{
    access::ModuleAccess,
    file_format::{Bytecode, FunctionHandleIndex},
    CompiledModule,
};

use crate::{
    types::{LocalType, Scalar},
    NotCompilable,
};

/// The pointer type (compiled code runs on 64-bit hosts only, `crate::module`).
const PTR: types::Type = types::I64;

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
        gas_left: Value::from_u32(0),
        fork: Value::from_u32(0),
        out_of_gas: None,
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
    /// The pointer to the frame's gas count and the block's fork, read from `ctx` at entry.
    gas_left: Value,
    fork: Value,
    /// The block running out of gas at an inline charge, made when first needed.
    out_of_gas: Option<Block>,
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
