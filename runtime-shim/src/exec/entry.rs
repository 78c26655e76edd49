//! Typed entry functions (`stdlib/sources/abi.move`; the transpiler makes one per ABI function,
//! `transpiler/src/lower/typed.rs`): a transaction that calls
//! `Module::function(contract, args…)` with Move values instead of sending calldata.
//!
//! The function runs in a frame of the sender's own, with no EVM code: it writes the calldata
//! into that frame's memory and makes an ordinary CALL to `contract`, so the contract sees the
//! sender as CALLER (at depth 1, one level below a plain transaction's first frame), then
//! decodes the results from the return data.

use alloy_primitives::{Address, Bytes, U256};
use evmove_word::shim::AbortCode;
use move_core_types::{identifier::Identifier, language_storage::ModuleId, vm_status::StatusCode};

use super::{
    code::CodeKind,
    frame::{self, Executor},
    outcome::TxOutcome,
};
use crate::{
    host::{
        context::{Frame, Host},
        outcome::{EvmoveFailure, Fatal, FrameEnd, FrameResult, HaltReason},
    },
    state::Code,
};

/// A call of a typed entry function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryCall {
    /// Who calls: pays nothing but the value a payable function's `value` argument sends,
    /// and is the contract's CALLER.
    pub sender: Address,
    /// The contract called; its code's module holds the function.
    pub contract: Address,
    /// The function's name in that module.
    pub function: Identifier,
    /// The arguments after `contract`, each BCS-encoded as its Move type.
    pub args: Vec<Vec<u8>>,
    /// The gas budget of the transaction (its intrinsic gas first: `exec::fees`).
    pub gas_limit: u64,
}

/// What a typed entry call gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryOutcome {
    /// The transaction's outcome; `return_data` is the contract's return or revert data.
    pub outcome: TxOutcome,
    /// The function's results, each BCS-encoded as its Move type (none unless it succeeded).
    pub results: Vec<Vec<u8>>,
}

/// `evmove::abi`'s abort code for a CALL that did not succeed (the shim table's).
const E_REVERTED: u64 = evmove_word::shim::AbortCode::Reverted.code();

/// The module `evmove::abi`.
fn abi_module() -> ModuleId {
    ModuleId::new(
        crate::stdlib::address(),
        Identifier::new("abi").expect("an identifier"),
    )
}

/// Runs `call` as the transaction's first frame with `gas_limit`: how it ended and the
/// results.
pub(super) fn run(
    exec: &Executor<'_>,
    host: &Host<'_>,
    call: &EntryCall,
    gas_limit: u64,
) -> Result<(FrameResult, Vec<Vec<u8>>), Fatal> {
    let code = host.state(host.journal().code(host.view, call.contract))?;
    let code = code.unwrap_or_else(|| Code::new(Bytes::new()));
    // The typed entry function is evmove's, in the contract's module: a contract without one
    // is a call evmove cannot run, as is a frame of it that ends in no EVM way.
    let fail = |cause| {
        host.evmove_failure(EvmoveFailure {
            code_hash: code.hash,
            depth: 0,
            cause,
        })
    };
    let module = match code.bytes.is_empty() {
        false => (exec.resolved).resolve(exec.modules, &code, CodeKind::Runtime),
        true => Err(format!("{} has no code", call.contract)),
    };
    let module = match module {
        Ok(module) => module,
        Err(reason) => return Err(fail(format!("no Move module for the code: {reason}"))),
    };
    let mut args = vec![call.contract.to_vec()];
    args.extend(call.args.iter().cloned());
    let frame = Frame {
        address: call.sender,
        caller: call.sender,
        value: U256::ZERO,
        input: Bytes::new(),
        code: Bytes::new(),
        is_static: false,
        depth: 0,
        ..Frame::default()
    };
    frame.gas.set(gas_limit);
    let gas = frame.gas.clone();
    let checkpoint = host.journal().checkpoint();
    let (result, frame) = frame::on_big_stack(|| {
        frame::execute_function(exec, host, &module, &call.function, args, frame)
    });
    if host.failed() {
        return Err(Fatal);
    }
    let (end, results) = match result {
        Ok(values) => {
            let results = values.return_values.into_iter().map(|(bytes, _)| bytes);
            (FrameEnd::Return(frame.return_data), results.collect())
        }
        Err(error)
            if error.major_status() == StatusCode::ABORTED
                && error.sub_status() == Some(E_REVERTED)
                && error.location()
                    == &move_binary_format::errors::Location::Module(abi_module()) =>
        {
            (FrameEnd::Revert(frame.return_data), vec![])
        }
        // The typed entry's own abort codes (its argument or results out of their ABI
        // types) are the call's end.
        Err(error)
            if error.major_status() == StatusCode::ABORTED
                && error
                    .sub_status()
                    .and_then(AbortCode::from_code)
                    .is_some_and(|code| {
                        matches!(
                            code,
                            AbortCode::Reverted
                                | AbortCode::ArgumentOutOfRange
                                | AbortCode::ResultOutOfRange
                        )
                    }) =>
        {
            let reason = HaltReason::Aborted {
                code: error.sub_status().unwrap_or_default(),
                location: frame::abort_location(&error),
            };
            (FrameEnd::Halt(reason), vec![])
        }
        Err(error) => match frame::frame_end(&error, frame.end) {
            Ok(end) => (end, vec![]),
            Err(cause) => return Err(fail(cause)),
        },
    };
    if !end.is_success() {
        host.journal().revert(checkpoint);
    }
    Ok((FrameResult::ended(end, gas.get()), results))
}
