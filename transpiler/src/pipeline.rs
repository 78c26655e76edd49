//! The whole pipeline for one code blob, top to bottom ([`compile`]): decode, lift (jump
//! resolution, function recovery, SSA), check the IR, optimise (the IR checked after every
//! pass in debug builds and tests), lower, verify the Move module. Where the static path
//! gives up, lifting or lowering, the code takes the universal path ([`Fallback`]); where
//! it speculates (a switch bounded by assumption), the module also gets the code in
//! universal form as a second entry ([`CompiledBlob::universal_entry`]). It can stop after any
//! [`Stage`], whose output prints as that stage's text form (the snapshot suite takes each).
//! And the blobs of a contract: its initcode and runtime code, or for raw hex the code and
//! whatever code it copies.

use std::{collections::BTreeMap, fmt};

use alloy_primitives::{hex, keccak256, B256};
use move_binary_format::file_format::CompiledModule;
use move_core_types::account_address::AccountAddress;

use crate::{
    artifact::{Bytecode, Contract},
    disasm::disassemble,
    evm::Code,
    ir::{self, verify_function, verify_module, Fault, FuncRef, Terminator, VerifyError},
    lift::{lift, lift_unchecked, lift_universal, LiftCodeError, Lifted},
    lower::{module as lower_module, typed::TypedEntries, ModuleError},
    opt::optimize_checked,
};

/// The stages the pipeline can stop after, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Lifted: the SSA IR as the front end built it, checked.
    Lifted,
    /// Optimised: the IR after the passes of [`crate::opt`].
    Optimised,
    /// Lowered: the verified Move module.
    Move,
}

/// Where the Move module goes: its address, its name, and the typed entry functions it gets.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    /// The publisher's address.
    pub address: AccountAddress,
    /// The module's name.
    pub name: &'a str,
    /// The typed entry functions (none for code without an ABI).
    pub typed: &'a TypedEntries,
}

/// What the pipeline produced at the stage it stopped after.
#[derive(Clone, Debug)]
pub enum Output {
    /// After lifting ([`Stage::Lifted`]).
    Lifted(Lifted),
    /// After the optimisation passes ([`Stage::Optimised`]): what lifting found, with the
    /// module optimised.
    Optimised(Lifted),
    /// After lowering ([`Stage::Move`]).
    Move(CompiledBlob),
}

impl Output {
    /// The compiled module, if the pipeline went as far.
    pub fn into_compiled(self) -> Option<CompiledBlob> {
        match self {
            Output::Move(compiled) => Some(compiled),
            Output::Lifted(_) | Output::Optimised(_) => None,
        }
    }
}

/// The stage's text form: the IR, or the listing of the Move module.
impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Output::Lifted(lifted) | Output::Optimised(lifted) => write!(f, "{}", lifted.module),
            Output::Move(compiled) => {
                let module =
                    CompiledModule::deserialize(&compiled.bytes).map_err(|_| fmt::Error)?;
                f.write_str(&disassemble(&module))
            }
        }
    }
}

/// Compiles `code` into the Move module `target`, stopping after `stop_after`.
pub fn compile(code: &[u8], target: Target, stop_after: Stage) -> Result<Output, CompileError> {
    // Decode: instructions and jump destinations, metadata left as data.
    let code = Code::new(code.to_vec());
    // Lift: jumps resolved, functions recovered, SSA built; then the IR checked.
    let lifted = lift_unchecked(&code)?;
    verify_module(&lifted.module).map_err(LiftCodeError::Malformed)?;
    compile_lifted_to(lifted, target, stop_after)
}

/// The pipeline from lifted IR on (for [`lift_blobs`]' blobs): optimise, every pass checked
/// in debug builds and tests; lower; verify the Move module.
pub fn compile_lifted_to(
    lifted: Lifted,
    target: Target,
    stop_after: Stage,
) -> Result<Output, CompileError> {
    if stop_after == Stage::Lifted {
        return Ok(Output::Lifted(lifted));
    }
    let lifted = optimise(lifted)?;
    if stop_after == Stage::Optimised {
        return Ok(Output::Optimised(lifted));
    }
    // Lower: one Move function per IR function (split when too large), typed entries;
    // verify: serialized, read back, and checked by the Move bytecode verifier. Where the
    // static path speculates, the same code in universal form is the second entry, which a
    // frame whose speculation fails runs again on.
    let universal = lifted.universal.map(Fallback::Lift);
    let speculation = match universal.is_none() && speculates(&lifted.module) {
        true => Some(universal_form(&lifted.code)?),
        false => None,
    };
    let lowered = match &speculation {
        None => lower_and_verify(&lifted.module, target),
        Some(universal) => lower_module::compile_with_universal(
            &lifted.module,
            universal,
            target.address,
            target.name,
            target.typed,
        ),
    };
    let compiled = match (lowered, universal) {
        (Ok(bytes), universal) => CompiledBlob {
            universal_entry: speculation.is_some(),
            ..CompiledBlob::new(target, bytes, &lifted.module, universal)
        },
        // The static path's lowering gave up (too many live values, a function too large to
        // split, ...): the universal path lowers any code. A name no Move identifier fails
        // on either path.
        (Err(error), None) if !matches!(error, ModuleError::Name(_)) => {
            compile_universal(&lifted.code, target, Fallback::Lower(error))?
        }
        (Err(error), _) => return Err(error.into()),
    };
    Ok(Output::Move(compiled))
}

/// Optimises a lifted blob ([`Stage::Optimised`]): each pass that changed something is
/// followed by the IR checker in debug builds and tests.
pub fn optimise(mut lifted: Lifted) -> Result<Lifted, CompileError> {
    optimize_checked(&mut lifted.module, check_after_pass)?;
    Ok(lifted)
}

/// Lifts, optimises and lowers `code` in universal form: where the static path's lowering
/// gave up, for `reason`.
fn compile_universal(
    code: &Code,
    target: Target,
    reason: Fallback,
) -> Result<CompiledBlob, CompileError> {
    let module = universal_form(code)?;
    let bytes = lower_and_verify(&module, target)?;
    Ok(CompiledBlob::new(target, bytes, &module, Some(reason)))
}

/// `code` lifted in universal form, checked and optimised.
fn universal_form(code: &Code) -> Result<ir::Module, CompileError> {
    let (mut module, _) = lift_universal(code);
    verify_module(&module).map_err(LiftCodeError::Malformed)?;
    optimize_checked(&mut module, check_after_pass)?;
    Ok(module)
}

/// Whether some function of `module` may fail a speculation: a speculative switch, one
/// folded into its failure, or a function taking its stack base (`ir::StackBase`), which
/// speculates that the recursion it is in stays clear of the EVM's stack limit and of the
/// Move VM's call stack's.
pub fn speculates(module: &ir::Module) -> bool {
    let speculative = |terminator: &Terminator| {
        matches!(
            terminator,
            Terminator::Switch {
                speculative: true,
                ..
            } | Terminator::Fault(Fault::SpeculationFailed)
        )
    };
    (module.functions.iter()).any(|function| {
        function.stack_base.is_some()
            || (function.layout().iter())
                .filter_map(|&block| function.block(block).terminator.as_ref())
                .any(speculative)
    })
}

/// The verified Move module of `module`, as `target` names it, with its typed entries.
fn lower_and_verify(module: &ir::Module, target: Target) -> Result<Vec<u8>, ModuleError> {
    lower_module::compile(module, target.address, target.name, target.typed)
}

/// Why a blob took the universal path: the static path gave up lifting it, or lowering it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Fallback {
    /// Lifting gave up ([`Lifted::universal`]).
    #[error(transparent)]
    Lift(LiftCodeError),
    /// The lowering of the static path's IR failed.
    #[error("lowering: {0}")]
    Lower(ModuleError),
}

/// The IR checker after an optimisation pass: in debug builds and tests (`debug_assertions`)
/// only, the function the pass changed (or the whole module, after a pass over the module).
fn check_after_pass(
    pass: &'static str,
    module: &ir::Module,
    changed: Option<FuncRef>,
) -> Result<(), CompileError> {
    if !cfg!(debug_assertions) {
        return Ok(());
    }
    let checked = match changed {
        Some(func) => verify_function(module, func),
        None => verify_module(module),
    };
    checked.map_err(|error| CompileError::Malformed { pass, error })
}

/// What a code blob is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BlobKind {
    /// A contract's deployed code.
    Runtime,
    /// A contract's creation code.
    Initcode,
    /// Raw hex: code the input does not say is either.
    Code,
    /// Code another blob carries as data and copies with CODECOPY, from `offset` (runtime
    /// code in initcode, a child contract's initcode in a factory).
    CodeCopy {
        /// The blob it is copied from.
        from: Box<BlobKind>,
        /// Where in that blob it starts.
        offset: usize,
    },
}

/// `runtime`, `initcode`, `code`, `code copy at <offset>`.
impl fmt::Display for BlobKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlobKind::Runtime => f.write_str("runtime"),
            BlobKind::Initcode => f.write_str("initcode"),
            BlobKind::Code => f.write_str("code"),
            BlobKind::CodeCopy { from, offset } => write!(f, "{from} copy at {offset}"),
        }
    }
}

/// The Move module name of code without a known name: its code hash (32 hex digits), after
/// `init_` for initcode and `code_` for anything else, so one module per (code, kind). The
/// one naming scheme for unnamed code: compiled ahead of time ([`Blob::module_name`]) or on
/// demand by the runtime's code provider.
pub fn unnamed_module_name(hash: B256, kind: &BlobKind) -> String {
    let prefix = match kind {
        BlobKind::Initcode => "init",
        BlobKind::Runtime | BlobKind::Code | BlobKind::CodeCopy { .. } => "code",
    };
    format!("{prefix}_{}", &hex::encode(hash)[..32])
}

/// One piece of EVM code of a contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blob {
    /// The contract's label.
    pub contract: String,
    /// The contract's name, when the input gives it.
    pub name: Option<String>,
    /// What it is.
    pub kind: BlobKind,
    /// The code.
    pub bytes: Vec<u8>,
}

impl Blob {
    /// The Keccak-256 hash of the code, as EXTCODEHASH gives it.
    pub fn code_hash(&self) -> B256 {
        keccak256(&self.bytes)
    }

    /// The Move module name for it: the contract's name for its runtime code, with `_init`
    /// for its initcode; [`unnamed_module_name`] for code without a known name.
    pub fn module_name(&self) -> String {
        let named = self.name.as_deref().filter(|name| {
            name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        match (named, &self.kind) {
            (Some(name), BlobKind::Runtime) => name.to_string(),
            (Some(name), BlobKind::Initcode) => format!("{name}_init"),
            _ => unnamed_module_name(self.code_hash(), &self.kind),
        }
    }

    /// Whether its module gets the contract ABI's typed entry functions: only the runtime
    /// code, which the ABI describes.
    pub fn has_typed_entries(&self) -> bool {
        self.kind == BlobKind::Runtime
    }
}

/// The Move module names of blobs compiled together (into one directory, one package), in
/// their order; each blob with the typed entries its module gets. A blob keeps
/// [`Blob::module_name`] unless blobs that would compile to different modules share it:
/// then each of those gets `_` and the first 8 hex digits of its code hash after it (or,
/// if another of them has code whose hash starts alike, the same code with other typed
/// entries, the whole hash, `_` and 8 hex digits of a hash of the typed entries). Blobs of the same code and typed entries under one name are one module. The
/// names depend on the set of blobs only, not on their order.
///
/// An error if, even so, two different modules would get the same name (a contract named
/// like another's disambiguated module).
pub fn module_names(blobs: &[(&Blob, &TypedEntries)]) -> Result<Vec<String>, NameClash> {
    // What makes two blobs the same module, given the name: code and typed entries.
    let same = |a: usize, b: usize| {
        let ((blob_a, typed_a), (blob_b, typed_b)) = (blobs[a], blobs[b]);
        blob_a.bytes == blob_b.bytes && typed_a == typed_b
    };
    let bases: Vec<String> = blobs.iter().map(|(blob, _)| blob.module_name()).collect();
    let mut by_base = BTreeMap::<&str, Vec<usize>>::new();
    for (index, base) in bases.iter().enumerate() {
        by_base.entry(base).or_default().push(index);
    }
    let mut names = bases.clone();
    for members in by_base.values() {
        if members.iter().all(|&other| same(members[0], other)) {
            continue;
        }
        for &index in members {
            let (blob, typed) = blobs[index];
            let hash = hex::encode(blob.code_hash());
            let shares_prefix = members.iter().any(|&other| {
                !same(index, other) && hex::encode(blobs[other].0.code_hash())[..8] == hash[..8]
            });
            names[index] = match shares_prefix {
                false => format!("{}_{}", bases[index], &hash[..8]),
                // The same code with other typed entries (or 32 bits of two hashes alike).
                true => {
                    let entries = hex::encode(keccak256(format!("{typed:?}")));
                    format!("{}_{hash}_{}", bases[index], &entries[..8])
                }
            };
        }
    }
    let mut first_of = BTreeMap::<&str, usize>::new();
    for (index, name) in names.iter().enumerate() {
        let first = *first_of.entry(name).or_insert(index);
        if !same(first, index) {
            return Err(NameClash {
                name: name.clone(),
                first,
                second: index,
            });
        }
    }
    Ok(names)
}

/// Two different modules would get the same name ([`module_names`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("two different modules would both be named {name}")]
pub struct NameClash {
    /// The name.
    pub name: String,
    /// The index of the first blob named so.
    pub first: usize,
    /// The index of another, different one.
    pub second: usize,
}

/// A blob lifted, or why it could not be.
pub type LiftedBlob = (Blob, Result<Lifted, LiftCodeError>);

/// Lifts every blob of `contract`: its initcode and runtime code; for raw hex, the code and,
/// found by the jump analysis, the code it copies (runtime code in initcode, child contracts
/// in a factory), which the input does not otherwise show.
pub fn lift_blobs(contract: &Contract) -> Vec<LiftedBlob> {
    let blob = |kind: BlobKind, bytes: &[u8]| Blob {
        contract: contract.label(),
        name: contract.name.clone(),
        kind,
        bytes: bytes.to_vec(),
    };
    let mut pending: Vec<Blob> = match &contract.code {
        Bytecode::Labelled { initcode, runtime } => {
            [(BlobKind::Initcode, initcode), (BlobKind::Runtime, runtime)]
                .into_iter()
                .filter_map(|(kind, code)| code.as_ref().map(|code| blob(kind, code)))
                .collect()
        }
        Bytecode::Unlabelled(code) => vec![blob(BlobKind::Code, code)],
    };
    let mut lifted = Vec::new();
    while let Some(next) = pending.pop() {
        let code = Code::new(next.bytes.clone());
        let result = lift(&code);
        if let (Bytecode::Unlabelled(_), Ok(ok)) = (&contract.code, &result) {
            for (offset, bytes) in ok.jumps.embedded_code(&code) {
                let from = Box::new(next.kind.clone());
                pending.insert(0, blob(BlobKind::CodeCopy { from, offset }, bytes));
            }
        }
        lifted.push((next, result));
    }
    lifted
}

/// A blob compiled to a verified Move module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompiledBlob {
    /// The module's name.
    pub module: String,
    /// The module's bytes, verified.
    pub bytes: Vec<u8>,
    /// How many functions it has.
    pub functions: usize,
    /// Why it took the universal path, if it did.
    pub universal: Option<Fallback>,
    /// Whether its `run` speculates, so that it also has the code in universal form as
    /// `run_universal` (`lower::UNIVERSAL_ENTRY`): the runtime runs a frame whose
    /// speculation fails again from its start on it. In the same module, so that whoever
    /// has the module has the fallback.
    pub universal_entry: bool,
}

impl CompiledBlob {
    fn new(
        target: Target,
        bytes: Vec<u8>,
        module: &ir::Module,
        universal: Option<Fallback>,
    ) -> Self {
        Self {
            module: target.name.to_string(),
            bytes,
            functions: module.functions.len(),
            universal,
            universal_entry: false,
        }
    }
}

/// Optimises a lifted blob and lowers it into the verified module `address::name`, with the
/// typed entry functions `typed`.
pub fn compile_lifted(
    lifted: Lifted,
    address: AccountAddress,
    name: &str,
    typed: &TypedEntries,
) -> Result<CompiledBlob, CompileError> {
    let target = Target {
        address,
        name,
        typed,
    };
    let output = compile_lifted_to(lifted, target, Stage::Move)?;
    Ok(output.into_compiled().expect("the pipeline ran to Move"))
}

/// Compiling code failed, at the stage that says so.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CompileError {
    /// The front end could not lift it.
    #[error(transparent)]
    Lift(#[from] LiftCodeError),
    /// An optimisation pass broke an invariant of the IR: a bug in evmove.
    #[error("the IR is malformed after {pass} (a bug in evmove): {error}")]
    Malformed {
        /// The pass.
        pass: &'static str,
        /// The invariant broken.
        error: VerifyError,
    },
    /// The lowering could not build a verified module.
    #[error(transparent)]
    Lower(#[from] ModuleError),
}

/// Compiles EVM code into the verified Move module `address::name`, with the typed entry
/// functions `typed`.
pub fn compile_code(
    code: &[u8],
    address: AccountAddress,
    name: &str,
    typed: &TypedEntries,
) -> Result<CompiledBlob, CompileError> {
    let target = Target {
        address,
        name,
        typed,
    };
    let output = compile(code, target, Stage::Move)?;
    Ok(output.into_compiled().expect("the pipeline ran to Move"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::typed::Skipped;

    fn runtime(name: &str, bytes: &[u8]) -> Blob {
        Blob {
            contract: format!("src/{name}.sol:{name}"),
            name: Some(name.to_owned()),
            kind: BlobKind::Runtime,
            bytes: bytes.to_vec(),
        }
    }

    fn names(blobs: &[(&Blob, &TypedEntries)]) -> Vec<String> {
        module_names(blobs).unwrap()
    }

    #[test]
    fn names_apart_only_what_differs_in_any_order() {
        let none = TypedEntries::default();
        let (a, b, c) = (runtime("A", &[0]), runtime("A", &[1]), runtime("B", &[0]));
        let named = names(&[(&a, &none), (&b, &none), (&c, &none), (&a, &none)]);
        let hash = |blob: &Blob| hex::encode(blob.code_hash())[..8].to_owned();
        assert_eq!(
            named,
            [
                format!("A_{}", hash(&a)),
                format!("A_{}", hash(&b)),
                "B".to_owned(),
                format!("A_{}", hash(&a)),
            ]
        );
        let reversed = names(&[(&a, &none), (&c, &none), (&b, &none)]);
        assert_eq!(reversed, [&*named[0], &named[2], &named[1]]);
    }

    #[test]
    fn the_same_code_with_other_typed_entries_is_another_module() {
        let none = TypedEntries::default();
        let some = TypedEntries {
            entries: Vec::new(),
            skipped: vec![Skipped {
                signature: "f(function)".to_owned(),
                reason: "a function type".to_owned(),
            }],
        };
        let a = runtime("A", &[0]);
        let named = names(&[(&a, &none), (&a, &some)]);
        assert_ne!(named[0], named[1]);
        assert!(named.iter().all(|name| name.starts_with("A_")), "{named:?}");
    }

    #[test]
    fn raw_code_in_universal_form_still_yields_the_code_it_copies() {
        // A computed jump from a label moved by calldata: the universal path. The code then
        // copies and returns the 4 bytes from `runtime` on.
        let mut code = crate::evm::assemble(
            "PUSH0 CALLDATALOAD PUSH @copy ADD JUMP
             copy: PUSH 4 DUP1 PUSH @runtime PUSH0 CODECOPY PUSH0 RETURN
             runtime:",
        )
        .unwrap();
        let offset = code.len() - 1;
        code.extend([0x60, 0x01, 0x00]);
        let hex = hex::encode(&code);
        let contracts = crate::artifact::load(hex.as_bytes()).unwrap();
        let blobs = lift_blobs(&contracts[0]);
        let [(first, Ok(lifted)), (copied, Ok(_))] = &blobs[..] else {
            panic!("two blobs lifted: {blobs:?}");
        };
        assert_eq!(first.kind, BlobKind::Code);
        assert!(lifted.universal.is_some(), "the universal path");
        let from = Box::new(BlobKind::Code);
        assert_eq!(copied.kind, BlobKind::CodeCopy { from, offset });
        assert_eq!(copied.bytes, code[offset..]);
    }

    #[test]
    fn a_name_two_modules_still_share_is_an_error() {
        let none = TypedEntries::default();
        let (a, b) = (runtime("A", &[0]), runtime("A", &[1]));
        let hash = hex::encode(a.code_hash())[..8].to_owned();
        let like = runtime(&format!("A_{hash}"), &[2]);
        let clash = module_names(&[(&a, &none), (&b, &none), (&like, &none)]).unwrap_err();
        assert_eq!(clash.name, format!("A_{hash}"));
        assert_eq!((clash.first, clash.second), (0, 2));
    }
}
