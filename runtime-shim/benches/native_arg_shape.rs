//! Which argument shape should the 256-bit natives take? The same wrapping add as a native in
//! the struct shape (`add(a: U256, b: U256): U256`, `U256 { hi: u128, lo: u128 }`) and in the
//! scalar shape (`add(a_hi, a_lo, b_hi, b_lo: u128): (u128, u128)`), each called `N` times
//! from a loop written in Move (`native_arg_shape.move`), against the empty loop. A fourth
//! loop calls the shim library's own `evmove::arith::add` (the scalar shape, as shipped).
//!
//! Cost of one call in a shape = (time of its loop − time of the empty loop) / `N`; this
//! includes moving the arguments from their locals and the results back, as lowered code does.
//! The two bench natives are written alike, so only the shape differs between them. The
//! figures and the decision are at the top of `stdlib/sources/u256.move`. On a shared 2-core
//! machine, other processes inflate the means: compare the lower bounds, or rerun.
//!
//! ```sh
//! CARGO_TARGET_DIR=... cargo bench -p evmove-runtime --bench native_arg_shape
//! ```

use std::{collections::BTreeMap, collections::VecDeque, path::PathBuf, sync::Arc};

use alloy_primitives::U256;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use evmove_runtime::{
    module_store::ModuleStore,
    natives::{
        self,
        word::{from_halves, to_halves},
    },
    stdlib,
};
use move_binary_format::errors::{PartialVMError, PartialVMResult};
use move_compiler::{
    compiled_unit::{AnnotatedCompiledUnit, CompiledUnitEnum},
    shared::NumericalAddress,
    Compiler,
};
use move_core_types::{
    account_address::AccountAddress, gas_algebra::InternalGas, identifier::Identifier,
    language_storage::ModuleId, vm_status::StatusCode,
};
use move_vm_runtime::{
    move_vm::MoveVM,
    native_functions::{NativeContext, NativeFunction},
};
use move_vm_types::{
    gas::UnmeteredGasMeter,
    loaded_data::runtime_types::Type,
    natives::function::NativeResult,
    values::{Struct, Value},
};

/// Native calls per measured loop.
const N: u64 = 10_000;

const BENCH_ADDRESS: &str = "0xbe";

fn next_u128(args: &mut VecDeque<Value>) -> PartialVMResult<u128> {
    args.pop_front()
        .ok_or_else(|| PartialVMError::new(StatusCode::UNKNOWN_INVARIANT_VIOLATION_ERROR))?
        .value_as::<u128>()
}

fn next_struct_word(args: &mut VecDeque<Value>) -> PartialVMResult<U256> {
    let fields = args
        .pop_front()
        .ok_or_else(|| PartialVMError::new(StatusCode::UNKNOWN_INVARIANT_VIOLATION_ERROR))?
        .value_as::<Struct>()?;
    let mut fields = fields.unpack()?;
    let mut field = || {
        fields
            .next()
            .ok_or_else(|| PartialVMError::new(StatusCode::UNKNOWN_INVARIANT_VIOLATION_ERROR))?
            .value_as::<u128>()
    };
    Ok(from_halves(field()?, field()?))
}

fn add_struct(
    _: &mut NativeContext,
    _: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let a = next_struct_word(&mut args)?;
    let b = next_struct_word(&mut args)?;
    let (hi, lo) = to_halves(a.wrapping_add(b));
    let result = Value::struct_(Struct::pack([Value::u128(hi), Value::u128(lo)]));
    Ok(NativeResult::ok(
        InternalGas::new(1),
        std::iter::once(result).collect(),
    ))
}

fn add_scalar(
    _: &mut NativeContext,
    _: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let a = from_halves(next_u128(&mut args)?, next_u128(&mut args)?);
    let b = from_halves(next_u128(&mut args)?, next_u128(&mut args)?);
    let (hi, lo) = to_halves(a.wrapping_add(b));
    Ok(NativeResult::ok(
        InternalGas::new(1),
        [Value::u128(hi), Value::u128(lo)].into_iter().collect(),
    ))
}

/// Compiles `native_arg_shape.move` against the shim library, publishes both into a VM with
/// the shim's natives and the two bench natives.
fn vm_with_bench_module() -> (MoveVM, ModuleStore, ModuleId) {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let source = manifest_dir.join("benches/native_arg_shape.move");
    let stdlib_sources = std::fs::read_dir(manifest_dir.join("../stdlib/sources"))
        .unwrap()
        .map(|entry| entry.unwrap().path().display().to_string())
        .collect();
    let named = BTreeMap::from([
        (
            "bench".to_string(),
            NumericalAddress::parse_str(BENCH_ADDRESS).unwrap(),
        ),
        (
            "evmove".to_string(),
            NumericalAddress::parse_str(&stdlib::address().to_hex_literal()).unwrap(),
        ),
    ]);
    let (_files, result) =
        Compiler::from_files(vec![source.display().to_string()], stdlib_sources, named)
            .build()
            .unwrap();
    let units = result
        .unwrap_or_else(|_| panic!("{} does not compile", source.display()))
        .0;
    let [AnnotatedCompiledUnit::Module(module)] = <[_; 1]>::try_from(units).ok().unwrap() else {
        panic!("one module expected");
    };
    let bytes = CompiledUnitEnum::Module(module.named_module).serialize(None);

    let address = AccountAddress::from_hex_literal(BENCH_ADDRESS).unwrap();
    let shapes: Vec<(&str, NativeFunction)> = vec![
        ("add_struct", Arc::new(add_struct)),
        ("add_scalar", Arc::new(add_scalar)),
    ];
    let bench_natives = shapes.into_iter().map(|(name, f)| {
        let module = Identifier::new("shapes").unwrap();
        (address, module, Identifier::new(name).unwrap(), f)
    });
    let vm = MoveVM::new(natives::table().into_iter().chain(bench_natives)).unwrap();
    let store = ModuleStore::new();
    let mut session = vm.new_session(&store);
    for module in stdlib::modules() {
        let bytes = module.bytes.to_vec();
        session
            .publish_module(bytes, stdlib::address(), &mut UnmeteredGasMeter)
            .unwrap();
    }
    store.apply(session.finish().unwrap().0).unwrap();
    let mut session = vm.new_session(&store);
    session
        .publish_module(bytes, address, &mut UnmeteredGasMeter)
        .unwrap();
    store.apply(session.finish().unwrap().0).unwrap();
    let id = ModuleId::new(address, Identifier::new("shapes").unwrap());
    (vm, store, id)
}

fn run(vm: &MoveVM, store: &ModuleStore, module: &ModuleId, function: &Identifier) {
    let mut session = vm.new_session(store);
    session
        .execute_function_bypass_visibility(
            module,
            function,
            vec![],
            vec![
                N.to_le_bytes().to_vec(),
                3u128.to_le_bytes().to_vec(),
                u128::MAX.to_le_bytes().to_vec(),
            ],
            &mut UnmeteredGasMeter,
        )
        .unwrap();
}

fn native_arg_shape(c: &mut Criterion) {
    let (vm, store, module) = vm_with_bench_module();
    let mut group = c.benchmark_group("native_arg_shape");
    group.throughput(Throughput::Elements(N));
    for function in ["empty_loop", "struct_loop", "scalar_loop", "stdlib_loop"] {
        let function = Identifier::new(function).unwrap();
        run(&vm, &store, &module, &function); // load and verify outside the measurement
        group.bench_function(function.as_str(), |b| {
            b.iter(|| run(&vm, &store, &module, &function))
        });
    }
    group.finish();
}

criterion_group!(benches, native_arg_shape);
criterion_main!(benches);
