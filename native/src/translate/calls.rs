//! Calls: of the module's own compiled functions, and of the shim's natives through the one
//! direct entry; arguments and results travel in 16-byte slots of per-function areas. The
//! natives computed in place instead (`gas.rs`'s charges, `words.rs`'s word operations)
//! are chosen here.

use cranelift_codegen::ir::{
    types, FuncRef, InstBuilder, StackSlot, StackSlotData, StackSlotKind, Value,
};
use evmove_runtime::natives::{
    arith,
    direct::{DirectArgs, DirectResults},
    NativeDecl, Op,
};
use evmove_word::shim::Results;
use move_binary_format::{access::ModuleAccess, file_format::FunctionHandleIndex, CompiledModule};

use super::{not_compilable, Item, Translator, PTR};
use crate::{helpers, types::Scalar, NotCompilable};

impl Translator<'_, '_> {
    pub(super) fn call(&mut self, handle_index: FunctionHandleIndex) -> Result<(), NotCompilable> {
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
                if self.inline_gas(decl, &args)
                    || self.inline_word(decl, &args)
                    || self.inline_shift(decl, &args)
                {
                    return Ok(());
                }
                let types = match decl.row.result {
                    Results::Nothing => vec![],
                    Results::Word => vec![Scalar::U128; 2],
                    Results::Narrow => vec![Scalar::U128],
                    Results::Bool => vec![Scalar::Bool],
                    Results::Values(_) => return Err(not_compilable("a native of Move values")),
                };
                let callee = match &decl.op {
                    Op::Arith(op) => Callee::Word(op),
                    _ => Callee::Native(decl),
                };
                (callee, types)
            }
        };
        self.call_through_areas(callee, &args, result_types);
        Ok(())
    }

    /// Calls `callee` with `args` in the argument area, returns its stop if it stopped, and
    /// pushes its results (of `result_types`) from the result area.
    pub(super) fn call_through_areas(
        &mut self,
        callee: Callee,
        args: &[(Value, Scalar)],
        result_types: Vec<Scalar>,
    ) {
        let slots = |count: usize, least: usize| 16 * count.max(least) as u32;
        let args_area = self.area(false, slots(args.len(), size_of::<DirectArgs>() / 16));
        let results_area = self.area(
            true,
            slots(result_types.len(), size_of::<DirectResults>() / 16),
        );
        for (i, &(value, scalar)) in args.iter().enumerate() {
            let wide = self.widen(value, scalar);
            self.builder
                .ins()
                .stack_store(PTR, wide, args_area, 16 * i as i32);
        }
        let args_address = self.builder.ins().stack_addr(PTR, args_area, 0);
        let results_address = self.builder.ins().stack_addr(PTR, results_area, 0);
        let call = match callee {
            Callee::Function(function) => Some((self.builder.ins()).call(
                function,
                &[self.ctx, args_address, results_address, self.stack_limit],
            )),
            Callee::Native(decl) => {
                let decl = (self.builder.ins()).iconst(PTR, decl as *const NativeDecl as i64);
                let entry = self.imports[helpers::CALL_NATIVE];
                let args = [decl, self.ctx, args_address, results_address];
                Some(self.builder.ins().call(entry, &args))
            }
            // Word operations cannot stop: no status.
            Callee::Word(op) => {
                let op = (self.builder.ins()).iconst(PTR, op as *const arith::Op as i64);
                let entry = self.imports[helpers::CALL_WORD];
                (self.builder.ins()).call(entry, &[op, args_address, results_address]);
                None
            }
        };
        if let Some(call) = call {
            let status = self.builder.inst_results(call)[0];
            self.propagate_stop(status);
        }
        for (i, scalar) in result_types.into_iter().enumerate() {
            let wide =
                (self.builder.ins()).stack_load(PTR, types::I128, results_area, 16 * i as i32);
            let value = self.narrow(wide, scalar);
            self.stack.push(Item::Value(value, scalar));
        }
    }

    /// The call argument (or result) area, at least `size` bytes: one per function, grown to
    /// the largest call's need.
    pub(super) fn area(&mut self, results: bool, size: u32) -> StackSlot {
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
}

pub(super) enum Callee {
    Function(FuncRef),
    /// Through the natives' direct entry.
    Native(&'static NativeDecl),
    /// Through the word operations' entry (`evmove::arith`'s natives not computed in place).
    Word(&'static arith::Op),
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
