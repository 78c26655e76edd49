//! What the runtime's integration tests share: a Move VM with the shim library's natives and
//! the shim library published, and a way to call a native through it; the host tests'
//! fixtures ([`frames`]) and the one revm driver ([`revm_driver`]).
#![allow(dead_code)] // each test file uses its own part

pub mod frames;
pub mod revm_driver;

use std::{collections::BTreeMap, fmt::Write as _, fs, path::PathBuf, sync::OnceLock};

use alloy_primitives::U256;
use evmove_runtime::{
    module_store::ModuleStore,
    natives::{self, word, NativeDecl},
    stdlib,
};
use evmove_word::shim::MoveType;
use move_compiler::{
    compiled_unit::{AnnotatedCompiledUnit, CompiledUnitEnum},
    diagnostics::report_diagnostics_to_buffer,
    shared::NumericalAddress,
    Compiler,
};
use move_core_types::{
    account_address::AccountAddress, identifier::Identifier, language_storage::ModuleId,
    vm_status::StatusCode,
};
use move_vm_runtime::move_vm::MoveVM;
use move_vm_types::gas::UnmeteredGasMeter;

/// A VM built with the shim library's natives, and a store holding the shim library, as a
/// publishing transaction leaves it.
pub fn vm_with_stdlib() -> (MoveVM, ModuleStore) {
    let vm = MoveVM::new(natives::table()).expect("the native table has no duplicates");
    let store = ModuleStore::new();
    let modules = stdlib::modules().map(|module| (module.name, module.bytes.to_vec()));
    publish(&vm, &store, stdlib::address(), modules);
    (vm, store)
}

/// Publishes `modules` at `address` in one session and applies its changes to `store`.
pub fn publish(
    vm: &MoveVM,
    store: &ModuleStore,
    address: AccountAddress,
    modules: impl IntoIterator<Item = (&'static str, Vec<u8>)>,
) {
    let mut session = vm.new_session(store);
    for (name, bytes) in modules {
        session
            .publish_module(bytes, address, &mut UnmeteredGasMeter)
            .unwrap_or_else(|err| panic!("publishing {name}: {err:?}"));
    }
    let (changes, events) = session.finish().expect("session finishes");
    assert!(events.is_empty());
    store.apply(changes).expect("only modules were written");
}

/// Calls `module::function(args)` in a fresh session; the serialized results.
pub fn call(
    vm: &MoveVM,
    store: &ModuleStore,
    module: &ModuleId,
    function: &str,
    args: Vec<Vec<u8>>,
) -> Result<Vec<Vec<u8>>, StatusCode> {
    let mut session = vm.new_session(store);
    let function = Identifier::new(function).unwrap();
    session
        .execute_function_bypass_visibility(module, &function, vec![], args, &mut UnmeteredGasMeter)
        .map(|values| {
            values
                .return_values
                .into_iter()
                .map(|(bytes, _layout)| bytes)
                .collect()
        })
        .map_err(|err| err.major_status())
}

/// Where the native-calling wrappers are published.
const CALLERS_ADDRESS: &str = "0x7e57";
const CALLERS_MODULE: &str = "call_natives";

/// The shim library and its natives, plus `call_natives`: one public wrapper per native
/// (`call_natives::add(..) = arith::add(..)`), since the VM cannot start at a native itself.
pub struct NativeHarness {
    vm: MoveVM,
    store: ModuleStore,
    callers: ModuleId,
}

impl NativeHarness {
    /// The harness, built once per test binary.
    pub fn get() -> &'static NativeHarness {
        static HARNESS: OnceLock<NativeHarness> = OnceLock::new();
        HARNESS.get_or_init(|| {
            let (vm, store) = vm_with_stdlib();
            let address = AccountAddress::from_hex_literal(CALLERS_ADDRESS).unwrap();
            publish(&vm, &store, address, [(CALLERS_MODULE, compile_callers())]);
            let callers = ModuleId::new(address, Identifier::new(CALLERS_MODULE).unwrap());
            NativeHarness { vm, store, callers }
        })
    }

    /// Runs the native `name` on `operands` through the Move VM: a word result as it is, a
    /// bool result as the word 0 or 1 (as the EVM pushes it).
    pub fn run(&self, name: &str, operands: &[U256]) -> U256 {
        let native = natives::NATIVES
            .iter()
            .find(|native| native.row.name == name)
            .unwrap_or_else(|| panic!("no native {name}"));
        assert_eq!(operands.len(), native.row.words_in(), "operands of {name}");
        let args = operands
            .iter()
            .flat_map(|&operand| {
                let (hi, lo) = word::to_halves(operand);
                [hi.to_le_bytes().to_vec(), lo.to_le_bytes().to_vec()]
            })
            .collect();
        let results = call(&self.vm, &self.store, &self.callers, name, args)
            .unwrap_or_else(|status| panic!("{name}{operands:?} failed: {status:?}"));
        match results.as_slice() {
            [hi, lo] => word::from_halves(
                u128::from_le_bytes(hi.as_slice().try_into().unwrap()),
                u128::from_le_bytes(lo.as_slice().try_into().unwrap()),
            ),
            [flag] if flag.as_slice() == [0] => U256::ZERO,
            [flag] if flag.as_slice() == [1] => U256::from(1),
            other => panic!("{name} returned {other:?}"),
        }
    }
}

/// Compiles `call_natives` (generated from the arithmetic natives of [`natives::NATIVES`];
/// the others need a frame) against the shim library's sources with the Move compiler.
fn compile_callers() -> Vec<u8> {
    let mut source = format!("module tests::{CALLERS_MODULE} {{\n");
    for native in natives::NATIVES.iter() {
        if matches!(native.op, natives::Op::Arith(_)) {
            write_caller(&mut source, native);
        }
    }
    source.push_str("}\n");

    let named = [("tests", CALLERS_ADDRESS)];
    let [(_, bytes)] = <[_; 1]>::try_from(compile_move(CALLERS_MODULE, &source, &named))
        .unwrap_or_else(|_| panic!("{CALLERS_MODULE} compiles to one module"));
    bytes
}

/// Compiles the Move source `source` (saved as `<file>.move`) against the shim library's
/// sources, with `evmove` and the `named` addresses: each module's name and bytes.
pub fn compile_move(file: &str, source: &str, named: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
    // One file per process: test processes run concurrently and must not read each
    // other's half-written sources.
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("{file}-{}.move", std::process::id()));
    fs::write(&path, source).unwrap();
    let stdlib_sources = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../stdlib/sources");
    let deps = fs::read_dir(stdlib_sources)
        .unwrap()
        .map(|entry| entry.unwrap().path().display().to_string())
        .collect();
    let mut addresses = BTreeMap::from([(
        "evmove".to_string(),
        NumericalAddress::parse_str(&stdlib::address().to_hex_literal()).unwrap(),
    )]);
    for (name, address) in named {
        addresses.insert(
            name.to_string(),
            NumericalAddress::parse_str(address).unwrap(),
        );
    }
    let (files, result) = Compiler::from_files(vec![path.display().to_string()], deps, addresses)
        .build()
        .unwrap();
    let units = match result {
        Ok((units, _warnings)) => units,
        Err(diagnostics) => panic!(
            "{file} does not compile:\n{}",
            String::from_utf8_lossy(&report_diagnostics_to_buffer(&files, diagnostics))
        ),
    };
    units
        .into_iter()
        .map(|unit| {
            let AnnotatedCompiledUnit::Module(module) = unit else {
                panic!("{file}: modules only");
            };
            let unit = CompiledUnitEnum::Module(module.named_module);
            (unit.name().to_string(), unit.serialize(None))
        })
        .collect()
}

/// `public fun add(x0: u128, .., x3: u128): (u128, u128) { evmove::arith::add(x0, .., x3) }`
fn write_caller(source: &mut String, native: &NativeDecl) {
    let params = native.row.params();
    let typed: Vec<String> = (params.iter().enumerate())
        .map(|(i, ty)| format!("x{i}: {}", move_type(ty)))
        .collect();
    let args: Vec<String> = (0..params.len()).map(|i| format!("x{i}")).collect();
    let returns: Vec<&str> = native.row.returns().iter().map(move_type).collect();
    let returns = match returns.as_slice() {
        [one] => one.to_string(),
        many => format!("({})", many.join(", ")),
    };
    writeln!(
        source,
        "    public fun {name}({typed}): {returns} {{ evmove::{module}::{name}({args}) }}",
        name = native.row.name,
        module = native.row.module,
        typed = typed.join(", "),
        args = args.join(", "),
    )
    .unwrap();
}

/// The Move source spelling of a native's parameter or result type.
fn move_type(ty: &MoveType) -> &'static str {
    match ty {
        MoveType::Bool => "bool",
        MoveType::U8 => "u8",
        MoveType::U64 => "u64",
        MoveType::U128 => "u128",
        MoveType::Address => "address",
        other => panic!("no caller for a native taking or returning {other:?}"),
    }
}
