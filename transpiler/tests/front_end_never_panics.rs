//! The compiler takes any bytes without panicking: random code, code built from random
//! instructions with real jump targets, and corpus contracts with random bytes changed.
//! Whatever the input, lifting returns verified IR or an error, and IR that lifts (optimised)
//! lowers to a module the Move bytecode verifier accepts — random jumps make the irreducible
//! and tangled control flow the lowering's layout must handle — or to a clear error.

use std::fs;

use evmove::{
    evm::Code,
    lift::{lift, LiftCodeError},
    lower::{self, LowerError, ModuleError},
    opt::optimize,
};
use move_core_types::account_address::AccountAddress;
use proptest::prelude::*;

/// Lifts `bytes` and lowers what lifts; any error is fine but malformed IR, an internal
/// lowering error or a module the verifier rejects; a panic is not.
fn lift_any(bytes: Vec<u8>) {
    match lift(&Code::new(bytes)) {
        Err(err) => assert!(!matches!(err, LiftCodeError::Malformed(_)), "{err}"),
        Ok(lifted) => {
            let mut module = lifted.module;
            optimize(&mut module);
            match lower::module::compile(
                &module,
                AccountAddress::ONE,
                "fuzzed",
                &Default::default(),
            ) {
                Ok(_) => {}
                Err(ModuleError::Function {
                    source: LowerError::Internal(_),
                    ..
                })
                | Err(ModuleError::Verify(_)) => {
                    panic!(
                        "{:?}\n{module}",
                        lower::module::compile(
                            &module,
                            AccountAddress::ONE,
                            "fuzzed",
                            &Default::default()
                        )
                    )
                }
                Err(_) => {} // a limit (locals, size) or an unsupported operation: an error
            }
        }
    }
}

/// One instruction of generated code: mostly stack and control flow, where the analyses
/// have the most to get wrong, with PUSH2 immediates that often name a JUMPDEST.
fn instruction() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => Just(vec![0x5b]),                                              // JUMPDEST
        3 => (0u16..96).prop_map(|t| vec![0x61, (t >> 8) as u8, t as u8]), // PUSH2 target
        2 => Just(vec![0x56]),                                              // JUMP
        2 => Just(vec![0x57]),                                              // JUMPI
        3 => (0x80u8..0xa0).prop_map(|op| vec![op]),                        // DUPn, SWAPn
        2 => Just(vec![0x50]),                                              // POP
        1 => Just(vec![0x15]),                                              // ISZERO
        1 => Just(vec![0x36]),                                              // CALLDATASIZE
        1 => any::<u8>().prop_map(|op| vec![op]),                           // anything
    ]
}

fn corpus_runtime(file: &str, name: &str) -> Vec<u8> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/contracts/artifacts/legacy-opt"
    );
    let text = fs::read_to_string(format!("{dir}/{file}.json")).expect("corpus artifact");
    let json: serde_json::Value = serde_json::from_str(&text).expect("corpus JSON");
    let hex = json["contracts"][name]["evm"]["deployedBytecode"]["object"]
        .as_str()
        .expect("runtime code");
    alloy_primitives::hex::decode(hex).expect("hex")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        lift_any(bytes);
    }

    #[test]
    fn random_instructions(code in proptest::collection::vec(instruction(), 0..64)) {
        lift_any(code.concat());
    }

}

proptest! {
    // Each case explores a whole contract: fewer of them.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn mutated_contracts(
        changes in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 1..8),
        contract in prop_oneof![Just(("Token", "Token")), Just(("Collections", "Collections"))],
    ) {
        let mut bytes = corpus_runtime(contract.0, contract.1);
        for (at, byte) in changes {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        lift_any(bytes);
    }
}
