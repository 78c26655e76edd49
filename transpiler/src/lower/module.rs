//! The module driver: every function of an IR module lowered into one Move module, parts of
//! functions too large for Move lowered in turn, the code in universal form as a second
//! entry where the first speculates, typed entry functions added, and the module
//! serialized, read back and verified ([`compile`]).

use std::{borrow::Cow, collections::HashMap};

use move_binary_format::file_format::{
    CompiledModule, FunctionHandleIndex, SignatureIndex, SignatureToken, Visibility,
};
use move_core_types::{account_address::AccountAddress, identifier::Identifier};

use super::{
    function::{lower_function, Callees, StackAccess},
    module_builder::ModuleBuilder,
    natives, split,
    typed::{Helpers, TypedEntries},
    LowerError, ModuleError, ENTRY, UNIVERSAL_ENTRY,
};
use crate::ir::{self, FuncRef, InstData, Terminator};

/// Lowers `module` into the Move module `address::name` with the typed entry functions
/// `typed`, verified, as bytes.
pub fn compile(
    module: &ir::Module,
    address: AccountAddress,
    name: &str,
    typed: &TypedEntries,
) -> Result<Vec<u8>, ModuleError> {
    verify(&lower(module, None, address, name, typed)?)
}

/// [`compile`], with `universal` (a module of one function in universal form, the same
/// code) as the second entry [`UNIVERSAL_ENTRY`], for a `module` that speculates.
pub fn compile_with_universal(
    module: &ir::Module,
    universal: &ir::Module,
    address: AccountAddress,
    name: &str,
    typed: &TypedEntries,
) -> Result<Vec<u8>, ModuleError> {
    verify(&lower(module, Some(universal), address, name, typed)?)
}

/// Serializes `compiled`, reads it back and runs the Move bytecode verifier on what it read:
/// the bytes, verified.
pub fn verify(compiled: &CompiledModule) -> Result<Vec<u8>, ModuleError> {
    let mut bytes = Vec::new();
    compiled
        .serialize(&mut bytes)
        .map_err(|err| ModuleError::Verify(format!("serialize: {err}")))?;
    let reread = CompiledModule::deserialize(&bytes)
        .map_err(|err| ModuleError::Verify(format!("deserialize: {err}")))?;
    move_bytecode_verifier::verify_module(&reread)
        .map_err(|err| ModuleError::Verify(format!("{err:?}")))?;
    Ok(bytes)
}

/// Lowers `module` (and `universal`'s one function as [`UNIVERSAL_ENTRY`]) into the Move
/// module `address::name` with the typed entry functions `typed`, unverified.
pub fn lower(
    module: &ir::Module,
    universal: Option<&ir::Module>,
    address: AccountAddress,
    name: &str,
    typed: &TypedEntries,
) -> Result<CompiledModule, ModuleError> {
    let name = Identifier::new(name).map_err(|_| ModuleError::Name(name.to_string()))?;
    let mut builder = ModuleBuilder::new(address, &name);
    // The universal form's function follows the module's own (it calls none of them).
    let universal = universal.map(|universal| &universal.functions[0]);
    let mut functions: Vec<Cow<ir::Function>> = (module.functions.iter())
        .chain(universal)
        .map(Cow::Borrowed)
        .collect();
    let entries = Entries {
        universal: universal.map(|_| module.functions.len()),
    };
    let mut names = Vec::new();
    let mut handles = Vec::new();
    let mut stack_users = Vec::new();
    for function in &functions {
        stack_users.push(uses_stack(function, &stack_users));
    }
    for (i, function) in functions.iter().enumerate() {
        let function_name = match entries.name(i) {
            Some(entry) => entry.to_string(),
            None => format!("f{}", function.entry_pc.0),
        };
        let function_name = Identifier::new(function_name).expect("letters and digits");
        handles.push(function_handle(
            &mut builder,
            address,
            &name,
            &function_name,
            function,
            entries.name(i).is_none() && stack_users[i],
        ));
        names.push(function_name);
    }
    let mut callees = ModuleCallees {
        builder,
        functions: handles,
        natives: HashMap::new(),
        stack_users,
        entries,
    };
    // Parts of a split function join the end of the list, so they are lowered (and split
    // again if they still are too large) in turn.
    let mut i = 0;
    while i < functions.len() {
        let function = &functions[i];
        let fail = |source| ModuleError::Function {
            pc: function.entry_pc,
            source,
        };
        let entry = callees.entries.name(i).is_some();
        let stack = match (entry, callees.stack_users[i]) {
            (_, false) => StackAccess::None,
            (true, true) => StackAccess::Owns,
            (false, true) => StackAccess::Borrows,
        };
        let body = match lower_function(function, &mut callees, stack) {
            Ok(body) => body,
            Err(LowerError::TooLarge { instructions }) => {
                let first_part = FuncRef::new(functions.len());
                let split = split::split(function, instructions, first_part).map_err(fail)?;
                for (k, part) in split.parts.into_iter().enumerate() {
                    let part_name = Identifier::new(format!("{}_{k}", names[i]))
                        .expect("letters, digits and underscores");
                    let borrows = uses_stack(&part, &callees.stack_users);
                    let handle = function_handle(
                        &mut callees.builder,
                        address,
                        &name,
                        &part_name,
                        &part,
                        borrows,
                    );
                    callees.functions.push(handle);
                    callees.stack_users.push(borrows);
                    names.push(part_name);
                    functions.push(Cow::Owned(part));
                }
                functions[i] = Cow::Owned(split.driver);
                continue;
            }
            Err(source) => return Err(fail(source)),
        };
        let visibility = match callees.entries.name(i) {
            Some(_) => Visibility::Public,
            None => Visibility::Private,
        };
        let handle = callees.functions[i];
        callees
            .builder
            .define_function(handle, visibility, body.locals, body.code);
        i += 1;
    }
    let mut builder = callees.builder;
    if !typed.entries.is_empty() {
        let helpers = Helpers::new(&mut builder);
        for entry in &typed.entries {
            let (params, returns) = (helpers.params(entry), helpers.returns(entry));
            let handle = builder.function_handle(address, &name, &entry.name, params, returns);
            let code = helpers.code(entry, &mut builder);
            builder.define_function(handle, Visibility::Public, vec![], code);
        }
    }
    Ok(builder.finish())
}

/// The handle of `function`, named `function_name` in module `address::module`: its words as
/// u128 pairs, then, if it `borrows_stack`, universal form's EVM stack as a
/// `&mut vector<u128>`, then, if it takes one, its stack base as a `u64`.
fn function_handle(
    builder: &mut ModuleBuilder,
    address: AccountAddress,
    module: &Identifier,
    function_name: &Identifier,
    function: &ir::Function,
    borrows_stack: bool,
) -> FunctionHandleIndex {
    let words = function.block(function.entry()).params.len();
    let mut params = vec![SignatureToken::U128; 2 * words];
    if borrows_stack {
        let vector = SignatureToken::Vector(Box::new(SignatureToken::U128));
        params.push(SignatureToken::MutableReference(Box::new(vector)));
    }
    if function.stack_base.is_some() {
        params.push(SignatureToken::U64);
    }
    let results = function.results.unwrap_or(0);
    builder.function_handle(
        address,
        module,
        function_name,
        params,
        vec![SignatureToken::U128; 2 * results],
    )
}

/// Whether `function` reaches universal form's EVM stack: itself, or by calling one of the
/// functions before it that does (`earlier`, by index; a split function's parts are called
/// by its driver, which comes first and keeps the original's answer).
fn uses_stack(function: &ir::Function, earlier: &[bool]) -> bool {
    function.layout().iter().any(|&block| {
        let data = function.block(block);
        let calls = data.insts.iter().filter_map(|inst| match &inst.data {
            InstData::Call { func, .. } => Some(*func),
            _ => None,
        });
        let tail = match &data.terminator {
            Some(Terminator::TailCall { func, .. }) => Some(*func),
            _ => None,
        };
        data.insts.iter().any(|inst| inst.data.touches_stack())
            || calls
                .chain(tail)
                .any(|func| earlier.get(func.index()).copied().unwrap_or(false))
    })
}

/// A module's entries, by index into its functions: `run()` at 0, and where it speculates,
/// the code in universal form after the module's own functions.
#[derive(Clone, Copy)]
struct Entries {
    universal: Option<usize>,
}

impl Entries {
    /// The name of the function at `index` if it is an entry.
    fn name(self, index: usize) -> Option<&'static str> {
        match index {
            0 => Some(ENTRY),
            _ if Some(index) == self.universal => Some(UNIVERSAL_ENTRY),
            _ => None,
        }
    }
}

/// The callees of a module's functions: its own functions and the natives, whose handles are
/// made on first use.
struct ModuleCallees {
    builder: ModuleBuilder,
    functions: Vec<FunctionHandleIndex>,
    /// The natives' handles, by module and name.
    natives: HashMap<(&'static str, &'static str), FunctionHandleIndex>,
    /// Per function, whether it reaches universal form's EVM stack.
    stack_users: Vec<bool>,
    /// The entries, which own the stack they use.
    entries: Entries,
}

impl Callees for ModuleCallees {
    fn shim(&mut self, native: &'static natives::Native) -> FunctionHandleIndex {
        *(self.natives)
            .entry((native.module, native.name))
            .or_insert_with(|| natives::native_handle(&mut self.builder, native))
    }

    fn function(&self, func: FuncRef) -> FunctionHandleIndex {
        self.functions[func.index()]
    }

    fn signature(&mut self, tokens: Vec<SignatureToken>) -> SignatureIndex {
        self.builder.signature(tokens)
    }

    fn borrows_stack(&self, func: FuncRef) -> bool {
        self.entries.name(func.index()).is_none() && self.stack_users[func.index()]
    }
}
