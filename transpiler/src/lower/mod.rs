//! Lowering: SSA IR → a verified Move module (`DESIGN.md` §5).
//!
//! - [`module_builder`]: the module level (interned pools, handles, definitions).
//! - [`function`]: one function's code: control flow, operations, calls.
//! - [`layout`]: the order of its blocks, each loop contiguous (the verifier's loop rules).
//! - [`locals`]: where each value lives (constants, bools, narrow words in one u128, words
//!   in u128 pairs).
//! - [`ranges`]: how many bits each value can have, for [`locals`] and Move arithmetic.
//! - [`liveness`]: which values are live where, for [`locals`].
//! - [`natives`]: the shim library's natives, by EVM operation.
//! - [`split`]: a function too large for Move, as a driver calling parts.
//!
//! A code blob becomes one module: its `fn0` is the public entry `run()`, each recovered
//! internal function a private function `f<pc>` taking and returning words as u128 pairs.
//! A function too large for one Move function becomes a driver of that name and private
//! parts `<name>_<k>` ([`split`]).
//! With an ABI, each ABI function also gets a public typed entry function ([`typed`]).
//! `run` never returns: the frame ends in a native of `evmove::halt`, which aborts with
//! [`AbortCode::FrameEnded`] (0), or in an abort with another [`AbortCode`] the host reads as
//! an exceptional halt.

pub mod function;
pub mod layout;
pub mod liveness;
pub mod locals;
pub mod module_builder;
pub mod natives;
pub mod ranges;
pub mod split;
pub mod typed;

use std::{borrow::Cow, collections::HashMap};

use move_binary_format::file_format::{
    CompiledModule, FunctionHandleIndex, SignatureIndex, SignatureToken, Visibility,
};
use move_core_types::{account_address::AccountAddress, identifier::Identifier};
use revm_bytecode::opcode::OpCode;

use crate::{
    evm::Pc,
    ir::{self, FuncRef},
    lift::Fault,
};
use function::{lower_function, Callees};
use locals::TooManyLocals;
use module_builder::ModuleBuilder;
use typed::{Helpers, TypedEntries};

/// The shim library's address (`stdlib/Move.toml`; the shim table's
/// `evmove_word::shim::ADDRESS`).
pub const SHIM_ADDRESS: AccountAddress = AccountAddress::new(evmove_word::shim::ADDRESS.0 .0);

/// The name of every module's entry function.
pub const ENTRY: &str = "run";

/// Abort codes (the shim table's, `evmove_word::shim::abort`): the lowering aborts with
/// [`AbortCode::StackUnderflow`], [`AbortCode::StackOverflow`] and [`AbortCode::InvalidJump`]
/// where the front end found a fault, and with [`AbortCode::NoReturnReturned`] and
/// [`AbortCode::HaltReturned`] after calls that must not return.
pub use evmove_word::shim::AbortCode;

impl From<&Fault> for AbortCode {
    fn from(fault: &Fault) -> Self {
        match fault {
            Fault::StackUnderflow => AbortCode::StackUnderflow,
            Fault::StackOverflow => AbortCode::StackOverflow,
            Fault::InvalidJumpTarget(_) => AbortCode::InvalidJump,
        }
    }
}

/// A function could not be lowered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LowerError {
    /// More live values than Move locals.
    #[error(transparent)]
    Locals(#[from] TooManyLocals),
    /// More instructions than a Move function may have.
    #[error("needs {instructions} Move instructions, more than the 65,535 a function may have")]
    TooLarge {
        /// How many it would need.
        instructions: usize,
    },
    /// Split into parts, one part passes more words than a Move signature holds.
    #[error(
        "split into parts, it passes {words} words to or from one part, more than the 127 a Move signature holds"
    )]
    PartTooWide {
        /// How many, `next` included.
        words: usize,
    },
    /// An EVM operation the shim library has no native for.
    #[error("the runtime has no native for {0}")]
    Unsupported(String),
    /// The IR broke an invariant the lowering relies on.
    #[error("internal error: {0}")]
    Internal(String),
}

/// A module could not be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ModuleError {
    /// One of its functions could not be lowered.
    #[error("function at {pc}: {source}")]
    Function {
        /// Where the function starts.
        pc: Pc,
        /// Why.
        source: LowerError,
    },
    /// The module name is not a Move identifier.
    #[error("{0:?} is not a Move identifier")]
    Name(String),
    /// The Move bytecode verifier rejected the module (a lowering bug).
    #[error("the Move bytecode verifier rejects the module: {0}")]
    Verify(String),
}

/// Lowers `module` into the Move module `address::name` with the typed entry functions
/// `typed`, verified, as bytes.
pub fn compile(
    module: &ir::Module,
    address: AccountAddress,
    name: &str,
    typed: &TypedEntries,
) -> Result<Vec<u8>, ModuleError> {
    let compiled = lower(module, address, name, typed)?;
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

/// Lowers `module` into the Move module `address::name` with the typed entry functions
/// `typed`, unverified.
pub fn lower(
    module: &ir::Module,
    address: AccountAddress,
    name: &str,
    typed: &TypedEntries,
) -> Result<CompiledModule, ModuleError> {
    let name = Identifier::new(name).map_err(|_| ModuleError::Name(name.to_string()))?;
    let mut builder = ModuleBuilder::new(address, &name);
    let mut functions: Vec<Cow<ir::Function>> =
        module.functions.iter().map(Cow::Borrowed).collect();
    let mut names = Vec::new();
    let mut handles = Vec::new();
    for (i, function) in module.functions.iter().enumerate() {
        let function_name = match i {
            0 => ENTRY.to_string(),
            _ => format!("f{}", function.entry_pc.0),
        };
        let function_name = Identifier::new(function_name).expect("letters and digits");
        handles.push(function_handle(
            &mut builder,
            address,
            &name,
            &function_name,
            function,
        ));
        names.push(function_name);
    }
    let mut callees = ModuleCallees {
        builder,
        functions: handles,
        natives: HashMap::new(),
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
        let body = match lower_function(function, &mut callees) {
            Ok(body) => body,
            Err(LowerError::TooLarge { instructions }) => {
                let first_part = FuncRef::new(functions.len());
                let split = split::split(function, instructions, first_part).map_err(fail)?;
                for (k, part) in split.parts.into_iter().enumerate() {
                    let part_name = Identifier::new(format!("{}_{k}", names[i]))
                        .expect("letters, digits and underscores");
                    let handle =
                        function_handle(&mut callees.builder, address, &name, &part_name, &part);
                    callees.functions.push(handle);
                    names.push(part_name);
                    functions.push(Cow::Owned(part));
                }
                functions[i] = Cow::Owned(split.driver);
                continue;
            }
            Err(source) => return Err(fail(source)),
        };
        let visibility = if i == 0 {
            Visibility::Public
        } else {
            Visibility::Private
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
/// u128 pairs.
fn function_handle(
    builder: &mut ModuleBuilder,
    address: AccountAddress,
    module: &Identifier,
    function_name: &Identifier,
    function: &ir::Function,
) -> FunctionHandleIndex {
    let params = function.block(function.entry()).params.len();
    let results = function.results.unwrap_or(0);
    builder.function_handle(
        address,
        module,
        function_name,
        vec![SignatureToken::U128; 2 * params],
        vec![SignatureToken::U128; 2 * results],
    )
}

/// Whether `name` is one the module's own functions may have (`run`, `f<pc>`, and their
/// parts `<name>_<k>`), so a typed entry must not take it.
pub(crate) fn is_internal_name(name: &str) -> bool {
    let mut pieces = name.split('_');
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let base = pieces.next().unwrap_or_default();
    (base == ENTRY || base.strip_prefix('f').is_some_and(digits)) && pieces.all(digits)
}

/// The callees of a module's functions: its own functions and the natives, whose handles are
/// made on first use.
struct ModuleCallees {
    builder: ModuleBuilder,
    functions: Vec<FunctionHandleIndex>,
    natives: HashMap<u8, FunctionHandleIndex>,
}

impl Callees for ModuleCallees {
    fn native(&mut self, op: OpCode) -> Result<FunctionHandleIndex, LowerError> {
        if let Some(&handle) = self.natives.get(&op.get()) {
            return Ok(handle);
        }
        let native =
            natives::native_for(op).ok_or_else(|| LowerError::Unsupported(op.to_string()))?;
        let handle = natives::native_handle(&mut self.builder, native);
        self.natives.insert(op.get(), handle);
        Ok(handle)
    }

    fn function(&self, func: FuncRef) -> FunctionHandleIndex {
        self.functions[func.index()]
    }

    fn signature(&mut self, tokens: Vec<SignatureToken>) -> SignatureIndex {
        self.builder.signature(tokens)
    }
}
