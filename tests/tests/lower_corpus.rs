//! Lowering over the whole corpus: every code blob of every contract, in every compiler
//! setting, lowers to a Move module the Move bytecode verifier accepts, with the same bytes
//! every time.

use evmove::{evm::Code, lift::lift, lower, opt::optimize};
use evmove_tests::corpus;
use move_core_types::account_address::AccountAddress;

#[test]
fn every_corpus_blob_lowers_to_a_verified_module() {
    let address = AccountAddress::from_hex_literal("0x2").unwrap();
    let mut failures = Vec::new();
    let mut lowered = 0;
    for (label, _, bytes, _) in corpus::blobs() {
        let mut module = lift(&Code::new(bytes))
            .unwrap_or_else(|err| panic!("{label}: {err}"))
            .module;
        optimize(&mut module);
        match lower::module::compile(&module, address, "contract", &Default::default()) {
            Ok(bytes) => {
                lowered += 1;
                let again =
                    lower::module::compile(&module, address, "contract", &Default::default());
                assert_eq!(again.as_ref(), Ok(&bytes), "{label}: not deterministic");
            }
            Err(err) => failures.push(format!("{label}: {err}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} blobs failed ({lowered} lowered):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
