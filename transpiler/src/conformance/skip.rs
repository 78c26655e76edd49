//! Which tests depend on exact EVM gas, decided before running them.
//!
//! evmove charges its own gas (one unit per Move instruction plus the EVM's static and
//! memory costs per native: `evmove_runtime::exec::gas`), so a test whose result depends on
//! the exact amount of EVM gas cannot be judged. Before running, a test is skipped when:
//!
//! - **it reads GAS**: a GAS (0x5a) instruction appears in any code of the test (the code
//!   run and every pre-state account's code), found by the EVM's own linear decoding (a 0x5a
//!   byte inside PUSH data does not count). Reachability is not considered: a GAS in dead
//!   code also skips the test, which errs on the side of not claiming a pass.
//! - **it records calls**: its `callcreates` is not empty (the old harness recorded calls
//!   without executing them and compared their gas; evmove executes them).
//!
//! After running, the other gas rule applies (see `super::check`): a test that expects
//! failure (no `post`) and that evmove fails by running out of gas is skipped, since whether
//! and why the EVM fails there depends on the exact gas.

use revm_bytecode::opcode;

use super::vmtest::VmTest;
use crate::evm::Code;

/// Why a test is skipped before it runs, if it is.
pub fn skip_reason(test: &VmTest) -> Option<String> {
    let codes = std::iter::once(&test.exec.code).chain(test.pre.values().map(|a| &a.code));
    for code in codes {
        let code = Code::new(code.clone());
        if let Some(gas) = code
            .instructions()
            .iter()
            .find(|instruction| instruction.opcode.get() == opcode::GAS)
        {
            return Some(format!(
                "reads GAS ({} of a code): its value depends on exact EVM gas",
                gas.pc
            ));
        }
    }
    if test
        .callcreates
        .as_ref()
        .is_some_and(|calls| !calls.is_empty())
    {
        return Some(
            "expects recorded callcreates (calls the old harness did not execute)".to_string(),
        );
    }
    None
}
