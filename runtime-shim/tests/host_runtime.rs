//! The runtime as a shared object: publishing, and execution from several threads at once.

mod common;

use alloy_primitives::Bytes;
use common::frames::{address, code_of, modules, word, Chain, SENDER};
use evmove_runtime::{ModuleRegistry, ProvidedModule, Runtime, Transaction};

#[test]
fn the_runtime_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Runtime>();
}

#[test]
fn publishing_never_replaces_a_module() {
    let runtime = Runtime::new(ModuleRegistry::new()).unwrap();
    let (name, counter) = modules()
        .iter()
        .find(|(name, _)| name == "counter")
        .unwrap();
    let same = ProvidedModule {
        name: name.clone(),
        bytes: counter.clone(),
    };
    let id = runtime.publish(&same).unwrap();
    assert_eq!(
        runtime.publish(&same).unwrap(),
        id,
        "publishing again is a no-op"
    );
    let source = "module contracts::counter { public fun run() { evmove::halt::stop() } }";
    let [(_, other)] = <[_; 1]>::try_from(common::compile_move(
        "other_counter",
        source,
        &[("contracts", "0x2")],
    ))
    .unwrap();
    let other = ProvidedModule {
        name: name.clone(),
        bytes: other,
    };
    let error = runtime.publish(&other).unwrap_err();
    assert!(
        matches!(error, evmove_runtime::PublishError::Taken(_)),
        "{error}"
    );
    let misnamed = ProvidedModule {
        name: "reader".to_string(),
        bytes: counter.clone(),
    };
    let error = runtime.publish(&misnamed).unwrap_err();
    assert!(
        matches!(error, evmove_runtime::PublishError::WrongId { .. }),
        "{error}"
    );
}

#[test]
fn threads_execute_on_one_runtime_at_once() {
    let mut chain = Chain::new();
    let counter = address(0xc);
    chain.deploy(counter, "counter");
    // Publish first: publishing is not safe while other threads execute (`Runtime::resolve`).
    let code = evmove_runtime::Code::new(code_of("counter"));
    chain
        .runtime
        .resolve(&code, evmove_runtime::CodeKind::Runtime)
        .unwrap();
    let (runtime, block) = (&chain.runtime, &chain.block);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let mut state = chain.state.clone();
            scope.spawn(move || {
                for n in 1..=20u64 {
                    let tx = Transaction {
                        sender: SENDER,
                        to: Some(counter),
                        gas_limit: 1_000_000,
                        ..Transaction::default()
                    };
                    let outcome = runtime.execute(&state, block, &tx).unwrap();
                    assert_eq!(outcome.return_data, Bytes::from(word(n)));
                    state.apply(&outcome.write_set);
                }
            });
        }
    });
}
