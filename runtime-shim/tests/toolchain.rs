//! The Move toolchain end to end: the shim library, compiled from `stdlib/` by the build
//! script with the Move compiler, is published into a Move VM (built with the shim's natives)
//! over in-memory module storage, and its functions are called through the VM.

mod common;

use common::vm_with_stdlib;
use evmove_runtime::{module_store::ModuleStore, stdlib};
use evmove_word::shim::AbortCode;
use move_core_types::{identifier::Identifier, language_storage::ModuleId, vm_status::StatusCode};
use move_vm_runtime::move_vm::MoveVM;
use move_vm_types::gas::UnmeteredGasMeter;

/// The BCS encoding of `U256 { hi, lo }`: the two fields in order, little-endian.
fn word(hi: u128, lo: u128) -> Vec<u8> {
    [hi.to_le_bytes(), lo.to_le_bytes()].concat()
}

fn u256_module() -> ModuleId {
    ModuleId::new(stdlib::address(), Identifier::new("u256").unwrap())
}

/// Calls `u256::<function>(args)` in a fresh session and returns the serialized results.
fn call(
    vm: &MoveVM,
    store: &ModuleStore,
    function: &str,
    args: Vec<Vec<u8>>,
) -> Result<Vec<Vec<u8>>, StatusCode> {
    common::call(vm, store, &u256_module(), function, args)
}

#[test]
fn every_stdlib_module_is_published_at_the_shim_address() {
    let (_vm, store) = vm_with_stdlib();
    for module in stdlib::modules() {
        let id = ModuleId::new(stdlib::address(), Identifier::new(module.name).unwrap());
        use move_core_types::resolver::ModuleResolver;
        assert_eq!(
            store.get_module(&id).unwrap().as_deref(),
            Some(module.bytes)
        );
    }
    assert!(stdlib::modules().any(|module| module.name == "u256"));
    assert!(stdlib::modules().any(|module| module.name == "arith"));
}

#[test]
fn published_u256_functions_run_in_the_vm() {
    let (vm, store) = vm_with_stdlib();
    assert_eq!(
        call(
            &vm,
            &store,
            "from_halves",
            vec![1u128.to_le_bytes().to_vec(), 7u128.to_le_bytes().to_vec()]
        ),
        Ok(vec![word(1, 7)])
    );
    let (two_pow_128, below_it) = (word(1, 0), word(0, u128::MAX));
    assert_eq!(
        call(
            &vm,
            &store,
            "lt",
            vec![below_it.clone(), two_pow_128.clone()]
        ),
        Ok(vec![vec![1]])
    );
    assert_eq!(
        call(
            &vm,
            &store,
            "lt",
            vec![two_pow_128.clone(), below_it.clone()]
        ),
        Ok(vec![vec![0]])
    );
    assert_eq!(
        call(&vm, &store, "to_u128", vec![below_it]),
        Ok(vec![u128::MAX.to_le_bytes().to_vec()])
    );
}

#[test]
fn a_failing_assertion_in_move_is_an_abort_not_a_crash() {
    let (vm, store) = vm_with_stdlib();
    let mut session = vm.new_session(&store);
    let err = session
        .execute_function_bypass_visibility(
            &u256_module(),
            &Identifier::new("to_u128").unwrap(),
            vec![],
            vec![word(1, 0)],
            &mut UnmeteredGasMeter,
        )
        .expect_err("2^128 does not fit a u128");
    assert_eq!(err.major_status(), StatusCode::ABORTED);
    assert_eq!(
        err.sub_status(),
        Some(AbortCode::DoesNotFit.code()),
        "E_DOES_NOT_FIT"
    );
}
