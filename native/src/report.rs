//! What the native tier makes of a module ahead of running it (`evmove compile`'s
//! manifest): whether its `run()` compiles, how many of its functions do, and how long
//! compiling took.

use std::time::{Duration, Instant};

use move_binary_format::{access::ModuleAccess, CompiledModule};

use crate::{
    tier::{RUN, RUN_UNIVERSAL},
    NativeModule, NotCompilable,
};

/// The native tier's verdict on one module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleReport {
    /// Its `run()` compiled: the native tier runs the module's frames.
    pub native: bool,
    /// If it has a `run_universal()` (its `run()` speculates): whether that compiled too,
    /// so that a frame whose speculation fails runs again as machine code.
    pub universal: Option<bool>,
    /// Function definitions in the module.
    pub functions: usize,
    /// How many of them compiled.
    pub compiled: usize,
    /// Why the first function left out was (or why nothing compiled).
    pub reason: Option<String>,
    /// The time compiling took.
    pub compile_time: Duration,
}

impl ModuleReport {
    /// What the tier makes of the module serialized in `bytes` (bytes that are not a
    /// module: nothing compiles, and the reason says so).
    pub fn of_bytes(bytes: &[u8]) -> Self {
        match CompiledModule::deserialize(bytes) {
            Ok(module) => Self::of(&module),
            Err(error) => Self::none(0, None, format!("not a module: {error}"), Duration::ZERO),
        }
    }

    /// Compiles `module` (and drops the machine code) to see what the tier makes of it.
    pub fn of(module: &CompiledModule) -> Self {
        let start = Instant::now();
        let compiled = NativeModule::compile(module);
        let compile_time = start.elapsed();
        let functions = module.function_defs.len();
        let has_universal = (module.function_defs.iter()).any(|def| {
            let handle = module.function_handle_at(def.function);
            module.identifier_at(handle.name).as_str() == RUN_UNIVERSAL
        });
        let native = match compiled {
            Ok(native) => native,
            Err(error) => {
                let universal = has_universal.then_some(false);
                return Self::none(functions, universal, error.to_string(), compile_time);
            }
        };
        let left_out: Vec<(&str, &NotCompilable)> = (native.report())
            .filter_map(|(name, result)| Some((name, result.err()?)))
            .collect();
        let reason = (left_out.first()).map(|(name, reason)| format!("{name}: {reason}"));
        Self {
            native: native.signature(RUN).is_some(),
            universal: has_universal.then(|| native.signature(RUN_UNIVERSAL).is_some()),
            functions,
            compiled: functions - left_out.len(),
            reason,
            compile_time,
        }
    }

    /// A module of which nothing compiled, for `reason`.
    fn none(
        functions: usize,
        universal: Option<bool>,
        reason: String,
        compile_time: Duration,
    ) -> Self {
        Self {
            native: false,
            universal,
            functions,
            compiled: 0,
            reason: Some(reason),
            compile_time,
        }
    }
}
