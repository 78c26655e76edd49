//! The build-script API: a project's contracts compiled into verified Move modules at build
//! time, with typed Rust bindings to `include!` (`DESIGN.md` §11).
//!
//! ```no_run
//! // build.rs, with `evmove = { path = "...", default-features = false }` as a build-dependency
//! fn main() -> Result<(), evmove::build::BuildError> {
//!     evmove::build::Project::new().input("contracts/artifacts").build()?;
//!     Ok(())
//! }
//! ```
//!
//! and in the crate, `include!(concat!(env!("OUT_DIR"), "/evmove/contracts.rs"));`, with
//! `evmove` (feature `vm`, a default) as a normal dependency: the bindings run on its
//! embedded runtime ([`crate::bindings`]).
//!
//! [`Project::build`] writes under `OUT_DIR/evmove/`:
//!
//! - `modules/<module>.mv`: every code blob's verified Move module, named apart
//!   ([`module_names`]);
//! - `code/<Contract>.initcode`, `code/<Contract>.runtime`: the EVM code the bindings deploy
//!   and register;
//! - `abi/<Contract>.json`: each contract's ABI;
//! - `manifest.json`: inputs and their hashes, solc's version and settings when it ran,
//!   contracts, modules (code hashes, functions, typed entries and those without one);
//! - `contracts.rs`: the bindings (see [`rust`]);
//! - `cache.json`: what each module was compiled from, so that an unchanged blob is not
//!   compiled again;
//! - with [`Project::move_package`], the modules as a Move package under `move/`.
//!
//! It prints `cargo:rerun-if-changed` for every input file and directory (a directory:
//! cargo then reruns when any file under it changes or appears) and
//! `cargo:rerun-if-env-changed` for every variable it reads (unless
//! [`Project::rerun_if_changed`] turns them off), writes a file only when its content
//! changed, and prints a `cargo:warning` for every ABI function without a typed entry.

mod blobs;
mod cache;
mod error;
mod inputs;
mod move_package;
mod naming;
mod rust;
mod solc;
mod write;

use std::{
    collections::{BTreeMap, HashMap},
    env, fs,
    io::{self, Write},
    path::{Path, PathBuf},
};

use alloy_primitives::keccak256;
use move_core_types::account_address::AccountAddress;
use serde_json::{json, Value};

pub use blobs::{blobs, BlobModule, ModuleRecord, PendingBlob};
pub use error::BuildError;
pub use move_package::{bytecode_dir, move_toml};
pub use naming::{name_modules, typed_entries_for};

use self::{
    cache::{compiler_identity, fingerprint, Cache, Entry},
    rust::{generate_bindings, Bound, BoundCode},
    write::Outputs,
};
use crate::{
    artifact::{self, Bytecode, Contract},
    lower::{typed::TypedEntries, SHIM_ADDRESS},
    pipeline::{Blob, BlobKind},
};

/// The environment variable naming the solc binary, when [`Project::solc`] does not.
pub const SOLC_VARIABLE: &str = "SOLC";

/// The environment variable naming a solc-js directory, when neither [`Project::solc`],
/// [`Project::solc_js`] nor `SOLC` names a compiler.
pub const SOLC_JS_VARIABLE: &str = "SOLCJS";

/// The publisher address modules are compiled for by default: the runtime's default
/// publisher (`evmove_runtime::DEFAULT_PUBLISHER`, `0x2`).
pub const DEFAULT_PUBLISHER: AccountAddress = {
    let mut bytes = [0; AccountAddress::LENGTH];
    bytes[AccountAddress::LENGTH - 1] = 2;
    AccountAddress::new(bytes)
};

/// A project's contracts: where they come from and how to build them.
#[derive(Clone, Debug)]
pub struct Project {
    inputs: Vec<PathBuf>,
    sources: Vec<PathBuf>,
    solc: Option<PathBuf>,
    solc_js: Option<PathBuf>,
    solc_settings: Value,
    publisher: AccountAddress,
    rerun_if_changed: bool,
    out_dir: Option<PathBuf>,
    move_package: Option<String>,
}

impl Default for Project {
    fn default() -> Self {
        Self::new()
    }
}

impl Project {
    /// A project with no inputs, publishing at [`DEFAULT_PUBLISHER`].
    pub fn new() -> Self {
        Self {
            inputs: Vec::new(),
            sources: Vec::new(),
            solc: None,
            solc_js: None,
            solc_settings: json!({}),
            publisher: DEFAULT_PUBLISHER,
            rerun_if_changed: true,
            out_dir: None,
            move_package: None,
        }
    }

    /// An artifact file of any shape [`artifact::load`] reads, or a directory of them
    /// (searched recursively for `.json`, `.hex` and `.bin`, leaving out `build-info/`,
    /// `cache/` and `*.dbg.json`).
    pub fn input(mut self, path: impl Into<PathBuf>) -> Self {
        self.inputs.push(path.into());
        self
    }

    /// Solidity sources to compile with solc (a `.sol` file, or a directory searched for
    /// them): opt-in, and only with a compiler the user names: a solc binary
    /// ([`Project::solc`], else `SOLC`) or a solc-js directory ([`Project::solc_js`], else
    /// `SOLCJS`), in that order.
    pub fn solidity(mut self, path: impl Into<PathBuf>) -> Self {
        self.sources.push(path.into());
        self
    }

    /// The solc binary for [`Project::solidity`] sources (else the `SOLC` variable's).
    pub fn solc(mut self, binary: impl Into<PathBuf>) -> Self {
        self.solc = Some(binary.into());
        self
    }

    /// The solc-js directory for [`Project::solidity`] sources: the npm `solc` package, or a
    /// directory with it under `node_modules/` (as `npm install solc` leaves it), driven
    /// with `node` through the package's `compile` function.
    pub fn solc_js(mut self, dir: impl Into<PathBuf>) -> Self {
        self.solc_js = Some(dir.into());
        self
    }

    /// solc's standard-JSON `settings` (optimizer, evmVersion, viaIR ...); the output
    /// selection is evmove's.
    pub fn solc_settings(mut self, settings: Value) -> Self {
        self.solc_settings = settings;
        self
    }

    /// The address the modules are published at (the runtime's publisher).
    pub fn publisher(mut self, address: AccountAddress) -> Self {
        self.publisher = address;
        self
    }

    /// Whether to print `cargo:rerun-if-changed` and `cargo:rerun-if-env-changed` lines
    /// (default true; without them cargo reruns the build script when any file of the
    /// package changes).
    pub fn rerun_if_changed(mut self, print: bool) -> Self {
        self.rerun_if_changed = print;
        self
    }

    /// Also write the modules as Move package `name` (`move/Move.toml`,
    /// `move/build/<name>/bytecode_modules/*.mv`), for the Move tools.
    pub fn move_package(mut self, name: impl Into<String>) -> Self {
        self.move_package = Some(name.into());
        self
    }

    /// Where to write (`<dir>/evmove/`), instead of cargo's `OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Builds, printing cargo's instructions on stdout.
    pub fn build(&self) -> Result<Report, BuildError> {
        self.build_to(&mut io::stdout().lock())
    }

    /// Builds, printing cargo's instructions to `cargo`.
    pub fn build_to(&self, cargo: &mut dyn Write) -> Result<Report, BuildError> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(BuildError::NoOutDir)?,
        };
        let mut printer = Printer { cargo };
        let files = inputs::artifact_files(&self.inputs)?;
        if self.rerun_if_changed {
            for path in self.inputs.iter().chain(&files) {
                printer.line(&format!("cargo:rerun-if-changed={}", path.display()));
            }
        }
        let package_dir =
            (self.move_package.as_ref()).map(|name| format!("move/{}", bytecode_dir(name)));
        let mut outputs = Outputs::new(out_dir.join("evmove"), package_dir.clone());
        let mut loaded = Vec::new();
        let mut input_hashes = BTreeMap::new();
        for file in &files {
            let bytes = fs::read(file).map_err(|error| BuildError::Read {
                path: file.clone(),
                error,
            })?;
            input_hashes.insert(file.display().to_string(), keccak256(&bytes).to_string());
            let contracts = artifact::load(&bytes).map_err(|error| {
                BuildError::Artifact(artifact::ArtifactError::InFile {
                    path: file.clone(),
                    error: Box::new(error),
                })
            })?;
            loaded.extend(
                contracts
                    .into_iter()
                    .map(|contract| (file.clone(), contract)),
            );
        }
        let solc = self.run_solc(&mut printer, &mut outputs, &mut input_hashes)?;
        if let Some((file, contracts, _)) = &solc {
            loaded.extend(
                contracts
                    .iter()
                    .map(|contract| (file.clone(), contract.clone())),
            );
        }
        let contracts = distinct_contracts(loaded)?;
        let built = compile_contracts(&contracts, self.publisher, &mut outputs)?;
        for (file, contract, typed) in &built.contracts {
            for skipped in &typed.skipped {
                printer.line(&format!(
                    "cargo:warning=evmove: {}: {} ({}) has no typed entry: {}",
                    file.display(),
                    contract.label(),
                    skipped.signature,
                    skipped.reason
                ));
            }
        }
        let bound = built.bound(&mut outputs, &mut printer)?;
        outputs.write(
            "contracts.rs",
            generate_bindings(self.publisher, &bound)?.as_bytes(),
        )?;
        let solc_json = solc.as_ref().map(|(_, _, settings)| settings.clone());
        let manifest = manifest(self.publisher, &input_hashes, solc_json, &built);
        outputs.write("manifest.json", &manifest)?;
        if let (Some(name), Some(dir)) = (&self.move_package, &package_dir) {
            let toml = move_toml(name, self.publisher);
            outputs.write("move/Move.toml", toml.as_bytes())?;
            for module in &built.modules {
                let file = format!("modules/{}.mv", module.name);
                let bytes =
                    fs::read(outputs.dir().join(&file)).map_err(|error| BuildError::Read {
                        path: outputs.dir().join(&file),
                        error,
                    })?;
                outputs.write(&format!("{dir}/{}.mv", module.name), &bytes)?;
            }
        }
        outputs.write("cache.json", &Cache::new(built.cache).to_json())?;
        outputs.remove_stale()?;
        for name in &built.compiled {
            printer.line(&format!("evmove: compiled {name}"));
        }
        Ok(Report {
            dir: outputs.dir().to_owned(),
            compiled: built.compiled,
            reused: built.reused,
            written: outputs.written(),
        })
    }

    /// Compiles the Solidity sources with solc, if any are given: the output file (written
    /// under the output directory, for errors to name), its contracts and the manifest's
    /// `solc` entry.
    fn run_solc(
        &self,
        printer: &mut Printer<'_>,
        outputs: &mut Outputs,
        input_hashes: &mut BTreeMap<String, String>,
    ) -> Result<Option<(PathBuf, Vec<Contract>, Value)>, BuildError> {
        if self.sources.is_empty() {
            return Ok(None);
        }
        let sources = inputs::solidity_files(&self.sources)?;
        if self.rerun_if_changed {
            for path in self.sources.iter().chain(&sources) {
                printer.line(&format!("cargo:rerun-if-changed={}", path.display()));
            }
            for variable in [SOLC_VARIABLE, SOLC_JS_VARIABLE] {
                printer.line(&format!("cargo:rerun-if-env-changed={variable}"));
            }
        }
        let compiler = self.compiler().ok_or(BuildError::NoSolc)?;
        let input = solc::standard_json_input(&sources, &self.solc_settings)?;
        for (key, source) in input["sources"].as_object().into_iter().flatten() {
            let content = source["content"].as_str().unwrap_or_default();
            input_hashes.insert(key.clone(), keccak256(content).to_string());
        }
        let output = compiler.compile(&input)?;
        let file = outputs.write("solc-output.json", &output.json)?;
        let contracts = artifact::load(&output.json).map_err(|error| {
            BuildError::Artifact(artifact::ArtifactError::InFile {
                path: file.clone(),
                error: Box::new(error),
            })
        })?;
        let settings = json!({
            "compiler": compiler.kind(),
            "version": output.version,
            "settings": input["settings"],
        });
        Ok(Some((file, contracts, settings)))
    }

    /// The compiler the user named, in [`Project::solidity`]'s order.
    fn compiler(&self) -> Option<solc::Compiler> {
        let variable = |name| env::var_os(name).map(PathBuf::from);
        (self.solc.clone().map(solc::Compiler::Binary))
            .or_else(|| self.solc_js.clone().map(solc::Compiler::SolcJs))
            .or_else(|| variable(SOLC_VARIABLE).map(solc::Compiler::Binary))
            .or_else(|| variable(SOLC_JS_VARIABLE).map(solc::Compiler::SolcJs))
    }
}

/// What a build did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The output directory (`OUT_DIR/evmove`).
    pub dir: PathBuf,
    /// The modules compiled by this build.
    pub compiled: Vec<String>,
    /// The modules an earlier build compiled from the same code, taken from the cache.
    pub reused: Vec<String>,
    /// The files written (those whose content changed), relative to [`Report::dir`].
    pub written: Vec<PathBuf>,
}

/// Where cargo's instructions go. A build script's stdout cannot fail in a way worth
/// failing the build for, so a write error is ignored.
struct Printer<'a> {
    cargo: &'a mut dyn Write,
}

impl Printer<'_> {
    fn line(&mut self, line: &str) {
        let _ = writeln!(self.cargo, "{line}");
    }
}

/// A contract with the input file it came from.
type FromFile = (PathBuf, Contract);

/// The contracts with code, each once: a named contract found again (the same code and
/// ABI, in another input) is left out; two different ones of one name are an error.
fn distinct_contracts(loaded: Vec<FromFile>) -> Result<Vec<FromFile>, BuildError> {
    let mut distinct: Vec<FromFile> = Vec::new();
    let mut by_name = HashMap::<String, usize>::new();
    for (file, contract) in loaded {
        let has_code = match &contract.code {
            Bytecode::Labelled { initcode, runtime } => initcode.is_some() || runtime.is_some(),
            Bytecode::Unlabelled(_) => true,
        };
        if !has_code {
            continue;
        }
        if let Some(name) = &contract.name {
            if let Some(&index) = by_name.get(name) {
                let (first_file, first) = &distinct[index];
                if first.code == contract.code && first.abi == contract.abi {
                    continue;
                }
                return Err(BuildError::DuplicateContract {
                    name: name.clone(),
                    first_file: first_file.clone(),
                    first: first.label(),
                    second_file: file,
                    second: contract.label(),
                });
            }
            by_name.insert(name.clone(), distinct.len());
        }
        distinct.push((file, contract));
    }
    Ok(distinct)
}

/// A module compiled (or taken from the cache) for a blob.
struct Module {
    name: String,
    contract: usize,
    blob: Blob,
    functions: usize,
    universal: Option<String>,
    universal_entry: bool,
}

/// The contracts compiled: each with its typed entries, every module, and the cache's new
/// content.
struct Built<'a> {
    contracts: Vec<(&'a Path, &'a Contract, TypedEntries)>,
    modules: Vec<Module>,
    compiled: Vec<String>,
    reused: Vec<String>,
    cache: BTreeMap<String, Entry>,
}

/// Compiles every blob of `contracts` (named together, [`name_modules`]) into modules at
/// `publisher`, writing each to `modules/` (a blob the cache knows is read back, not
/// compiled).
fn compile_contracts<'a>(
    contracts: &'a [FromFile],
    publisher: AccountAddress,
    outputs: &mut Outputs,
) -> Result<Built<'a>, BuildError> {
    let previous = Cache::read(&outputs.dir().join("cache.json"));
    let compiler = compiler_identity();
    let typed: Vec<TypedEntries> = contracts
        .iter()
        .map(|(_, contract)| {
            contract
                .abi
                .as_ref()
                .map(TypedEntries::of)
                .unwrap_or_default()
        })
        .collect();
    let pending = blobs::blobs(contracts.iter().map(|(_, contract)| contract));
    let typed_refs: Vec<&TypedEntries> = typed.iter().collect();
    let inputs: Vec<String> = contracts
        .iter()
        .map(|(file, _)| file.display().to_string())
        .collect();
    let to_name: Vec<(usize, &Blob)> = pending
        .iter()
        .map(|item| (item.contract, &item.blob))
        .collect();
    let names = name_modules(&to_name, &typed_refs, &inputs)?;
    let mut built = Built {
        contracts: Vec::new(),
        modules: Vec::new(),
        compiled: Vec::new(),
        reused: Vec::new(),
        cache: BTreeMap::new(),
    };
    for (item, name) in pending.into_iter().zip(names) {
        let entries = typed_entries_for(&item.blob, &typed[item.contract]);
        let fingerprint = fingerprint(
            &compiler,
            &publisher.to_hex_literal(),
            entries,
            &item.blob.code_hash().to_string(),
        );
        let file = format!("modules/{name}.mv");
        let entry = match built.cache.get(&name) {
            // Identical blobs share a module: compiled once.
            Some(entry) => entry.clone(),
            None => match previous.hit(&name, &fingerprint) {
                Some(entry) if outputs.keep(&file) => {
                    built.reused.push(name.clone());
                    entry.clone()
                }
                _ => {
                    let compiled = item.compile(publisher, &name, entries).map_err(|error| {
                        compile_error(&contracts[item.contract].0, &item.blob, error)
                    })?;
                    outputs.write(&file, &compiled.module.bytes)?;
                    built.compiled.push(name.clone());
                    Entry {
                        fingerprint,
                        functions: compiled.module.functions,
                        universal: compiled.universal,
                        universal_entry: compiled.module.universal_entry,
                    }
                }
            },
        };
        built.modules.push(Module {
            name: name.clone(),
            contract: item.contract,
            blob: item.blob,
            functions: entry.functions,
            universal: entry.universal.clone(),
            universal_entry: entry.universal_entry,
        });
        built.cache.insert(name, entry);
    }
    built.contracts = contracts
        .iter()
        .zip(typed)
        .map(|((file, contract), typed)| (file.as_path(), contract, typed))
        .collect();
    Ok(built)
}

fn compile_error(file: &Path, blob: &Blob, error: crate::pipeline::CompileError) -> BuildError {
    BuildError::Compile {
        file: file.to_owned(),
        contract: blob.contract.clone(),
        blob: blob.kind.to_string(),
        stage: error::stage_of(&error),
        error: Box::new(error),
    }
}

impl Built<'_> {
    /// Writes each named contract's code and ABI; what the bindings need of it. A contract
    /// without a name (raw hex) gets modules but no binding: a `cargo:warning` says so.
    fn bound(
        &self,
        outputs: &mut Outputs,
        printer: &mut Printer<'_>,
    ) -> Result<Vec<Bound>, BuildError> {
        let mut bound = Vec::new();
        for (index, (file, contract, typed)) in self.contracts.iter().enumerate() {
            let Some(name) = &contract.name else {
                printer.line(&format!(
                    "cargo:warning=evmove: {}: raw code has no contract name: compiled, no binding",
                    file.display()
                ));
                continue;
            };
            let mut code = |kind: BlobKind, bytes: Option<&alloy_primitives::Bytes>| {
                let Some(bytes) = bytes else {
                    return Ok::<_, BuildError>(None);
                };
                let module = self
                    .modules
                    .iter()
                    .find(|module| module.contract == index && module.blob.kind == kind)
                    .map(|module| module.name.clone());
                let file = format!("code/{name}.{kind}");
                outputs.write(&file, bytes)?;
                Ok(Some(BoundCode { file, module }))
            };
            let initcode = code(BlobKind::Initcode, contract.initcode())?;
            let runtime = code(BlobKind::Runtime, contract.runtime())?;
            let abi = contract.abi.clone().unwrap_or_default();
            let text = serde_json::to_vec_pretty(&abi).expect("an ABI serializes");
            outputs.write(&format!("abi/{name}.json"), &text)?;
            let mut immutables: Vec<(usize, usize)> = (contract.immutable_references.values())
                .flatten()
                .map(|range| (range.start, range.length))
                .collect();
            immutables.sort_unstable();
            // Only the runtime code's module has typed entries.
            let entries = match runtime {
                Some(_) => typed.clone(),
                None => TypedEntries::default(),
            };
            bound.push(Bound {
                name: name.clone(),
                label: contract.label(),
                abi,
                entries,
                initcode,
                runtime,
                immutables,
            });
        }
        Ok(bound)
    }
}

/// `manifest.json`: the inputs and their hashes, solc (when it ran), the contracts and
/// the modules.
fn manifest(
    publisher: AccountAddress,
    inputs: &BTreeMap<String, String>,
    solc: Option<Value>,
    built: &Built<'_>,
) -> Vec<u8> {
    let contracts: BTreeMap<String, Value> = built
        .contracts
        .iter()
        .enumerate()
        .map(|(index, (file, contract, _))| {
            let modules: BTreeMap<String, &str> = built
                .modules
                .iter()
                .filter(|module| module.contract == index)
                .map(|module| (module.blob.kind.to_string(), module.name.as_str()))
                .collect();
            let key = contract
                .name
                .clone()
                .unwrap_or_else(|| file.display().to_string());
            (
                key,
                json!({ "label": contract.label(), "input": file, "modules": modules }),
            )
        })
        .collect();
    let modules: Vec<Value> = built
        .modules
        .iter()
        .map(|module| {
            let (file, contract, typed) = &built.contracts[module.contract];
            let record = blobs::ModuleRecord {
                name: &module.name,
                file: format!("modules/{}.mv", module.name),
                input: &file.display().to_string(),
                blob: &module.blob,
                functions: module.functions,
                universal: module.universal.as_deref(),
                universal_entry: module.universal_entry,
                typed: typed_entries_for(&module.blob, typed),
            };
            let mut json = record.to_json();
            // A named contract's code is under `code/` (`Built::bound`).
            json["code_file"] =
                json!((contract.name.as_ref())
                    .map(|name| format!("code/{name}.{}", module.blob.kind)));
            json
        })
        .collect();
    let manifest = json!({
        "evmove": env!("CARGO_PKG_VERSION"),
        "publisher": publisher.to_hex_literal(),
        "shim": SHIM_ADDRESS.to_hex_literal(),
        "inputs": inputs,
        "solc": solc,
        "contracts": contracts,
        "modules": modules,
    });
    serde_json::to_vec_pretty(&manifest).expect("JSON values serialize")
}
