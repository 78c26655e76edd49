//! A whole module → machine code: every function definition is translated on its own; one
//! that is outside the subset, or calls one that is, stays out (with the reason), and the
//! rest are compiled together into executable memory the [`NativeModule`] owns and frees.

use std::collections::{BTreeSet, HashMap};

use cranelift_codegen::{
    ir::{types, AbiParam, UserFuncName},
    settings::{self, Configurable},
    Context,
};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{default_libcall_names, FuncId, Linkage, Module};
use move_binary_format::{access::ModuleAccess, file_format::FunctionHandleIndex, CompiledModule};

use crate::{
    helpers,
    translate::{self, Env},
    types::Scalar,
    CompileError, NotCompilable,
};

/// A module's functions as machine code.
pub struct NativeModule {
    /// Owns the executable memory; `None` only while dropping.
    jit: Option<JITModule>,
    /// Every function definition, by definition index.
    pub(crate) functions: Vec<Compiled>,
}

/// One function definition: its entry point and types, or why it was not compiled.
pub(crate) struct Compiled {
    pub name: String,
    pub code: Result<Code, NotCompilable>,
}

/// A compiled function's entry point and Move types.
pub(crate) struct Code {
    pub entry: *const u8,
    pub params: Vec<Scalar>,
    pub returns: Vec<Scalar>,
}

// SAFETY: the machine code is immutable once finalized and reads no shared state of its own
// (each call brings its context, arguments and results); the JIT module is only touched
// again when the `NativeModule` is dropped, which takes it by value.
unsafe impl Send for NativeModule {}
unsafe impl Sync for NativeModule {}

impl Drop for NativeModule {
    fn drop(&mut self) {
        if let Some(jit) = self.jit.take() {
            // SAFETY: entry points are only handed out borrowing `self` (`crate::run`), so
            // no code of this module can run any more.
            unsafe { jit.free_memory() };
        }
    }
}

impl NativeModule {
    /// Compiles every function of `module` that is in the subset. An error only if the
    /// machine has no code generator (or Cranelift fails as a whole).
    pub fn compile(module: &CompiledModule) -> Result<NativeModule, CompileError> {
        let mut jit = new_jit()?;
        let signature = translate::signature(&jit);
        let imports = declare_imports(&mut jit)?;
        let functions = (0..module.function_defs.len())
            .map(|index| {
                jit.declare_function(&format!("f{index}"), Linkage::Local, &signature)
                    .map_err(cranelift_error)
            })
            .collect::<Result<Vec<FuncId>, _>>()?;
        let self_handle = module.self_handle_idx();
        let definitions: HashMap<FunctionHandleIndex, usize> = (module.function_defs.iter())
            .enumerate()
            .filter(|(_, def)| module.function_handle_at(def.function).module == self_handle)
            .map(|(index, def)| (def.function, index))
            .collect();
        let env = Env {
            module,
            functions: &functions,
            definitions: &definitions,
            imports: &imports,
        };

        let mut translated = Vec::new();
        for index in 0..functions.len() {
            let mut context = jit.make_context();
            context.func.signature = signature.clone();
            context.func.name = UserFuncName::user(0, index as u32);
            let result = translate::translate(&env, &mut jit, index, &mut context.func);
            translated.push(result.map(|callees| (context, callees)));
        }
        exclude_callers_of_excluded(&mut translated);

        let mut compiled: Vec<Result<(), NotCompilable>> = Vec::new();
        for (index, result) in translated.iter_mut().enumerate() {
            compiled.push(match result {
                Ok((context, _)) => define(&mut jit, functions[index], context),
                Err(error) => Err(error.clone()),
            });
        }
        // A definition Cranelift refused leaves the code calling it unlinked: drop those too.
        if compiled
            .iter()
            .zip(&translated)
            .any(|(c, t)| c.is_err() && t.is_ok())
        {
            return Err(CompileError(
                "Cranelift refused a function the translation accepted".to_string(),
            ));
        }
        jit.finalize_definitions().map_err(cranelift_error)?;

        let functions = compiled
            .into_iter()
            .enumerate()
            .map(|(index, result)| {
                let def = &module.function_defs[index];
                let handle = module.function_handle_at(def.function);
                let name = module.identifier_at(handle.name).to_string();
                let code = result.map(|()| Code {
                    entry: jit.get_finalized_function(functions[index]),
                    params: scalars(module, handle.parameters),
                    returns: scalars(module, handle.return_),
                });
                Compiled { name, code }
            })
            .collect();
        Ok(NativeModule {
            jit: Some(jit),
            functions,
        })
    }

    /// Every function definition, by index: its name and whether it compiled (and why not).
    pub fn report(&self) -> impl Iterator<Item = (&str, Result<(), &NotCompilable>)> {
        (self.functions.iter()).map(|f| (f.name.as_str(), f.code.as_ref().map(|_| ())))
    }

    /// The parameter and result types of compiled function `name`.
    pub fn signature(&self, name: &str) -> Option<(&[Scalar], &[Scalar])> {
        let code = self.compiled(name)?.code.as_ref().ok()?;
        Some((&code.params, &code.returns))
    }

    pub(crate) fn compiled(&self, name: &str) -> Option<&Compiled> {
        self.functions.iter().find(|f| f.name == name)
    }
}

/// The scalar types of a signature whose functions compiled (so all are scalars).
fn scalars(
    module: &CompiledModule,
    signature: move_binary_format::file_format::SignatureIndex,
) -> Vec<Scalar> {
    (module.signature_at(signature).0.iter())
        .filter_map(|token| Scalar::of(token).ok())
        .collect()
}

type Translated = Result<(Context, BTreeSet<usize>), NotCompilable>;

/// Marks not compilable every function that calls one that is not, until none is left.
fn exclude_callers_of_excluded(translated: &mut [Translated]) {
    loop {
        let excluded: BTreeSet<usize> = (translated.iter().enumerate())
            .filter(|(_, t)| t.is_err())
            .map(|(index, _)| index)
            .collect();
        let mut changed = false;
        for result in translated.iter_mut() {
            let calls_excluded = match result {
                Ok((_, callees)) => callees.iter().find(|c| excluded.contains(c)).copied(),
                Err(_) => None,
            };
            if let Some(callee) = calls_excluded {
                *result = Err(NotCompilable::new(format!("calls f{callee}, not compiled")));
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}

fn define(jit: &mut JITModule, id: FuncId, context: &mut Context) -> Result<(), NotCompilable> {
    jit.define_function(id, context)
        .map_err(|error| NotCompilable::new(format!("Cranelift: {error:?}")))
}

fn new_jit() -> Result<JITModule, CompileError> {
    if cfg!(not(target_pointer_width = "64")) {
        return Err(CompileError(
            "the native tier needs a 64-bit host".to_string(),
        ));
    }
    let mut flags = settings::builder();
    let settings = [
        ("opt_level", "speed"),
        ("use_colocated_libcalls", "false"),
        ("is_pic", "false"),
    ];
    for (name, value) in settings {
        flags
            .set(name, value)
            .map_err(|e| CompileError(e.to_string()))?;
    }
    let isa = cranelift_native::builder()
        .map_err(|e| CompileError(e.to_string()))?
        .finish(settings::Flags::new(flags))
        .map_err(|e| CompileError(e.to_string()))?;
    let mut builder = JITBuilder::with_isa(isa, default_libcall_names());
    for (name, address) in helpers::symbols() {
        builder.symbol(name, address);
    }
    Ok(JITModule::new(builder))
}

fn declare_imports(jit: &mut JITModule) -> Result<HashMap<&'static str, FuncId>, CompileError> {
    let pointer = AbiParam::new(types::I64);
    let mut imports = HashMap::new();
    for (name, _) in helpers::symbols() {
        let mut signature = jit.make_signature();
        let (params, result) = match name {
            helpers::CALL_NATIVE => (vec![pointer; 4], Some(types::I32)),
            helpers::CALL_WORD => (vec![pointer; 3], None),
            helpers::ABORT => (vec![pointer, AbiParam::new(types::I64)], Some(types::I32)),
            _ => (vec![pointer], Some(types::I8)),
        };
        signature.params = params;
        signature.returns.extend(result.map(AbiParam::new));
        let id =
            (jit.declare_function(name, Linkage::Import, &signature)).map_err(cranelift_error)?;
        imports.insert(name, id);
    }
    Ok(imports)
}

fn cranelift_error(error: cranelift_module::ModuleError) -> CompileError {
    CompileError(format!("Cranelift: {error:?}"))
}
