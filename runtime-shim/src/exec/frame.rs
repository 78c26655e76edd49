//! The one place that owns EVM frame logic (as revm's frame handler): a call or creation
//! checks depth and balance, checkpoints the journal, moves value, dispatches to a
//! precompile, an EOA or a Move module, runs it in a new session of the same VM, and commits
//! or rolls back. The transaction's first frame and the call natives all come through here.

use std::{cell::Cell, rc::Rc};

use alloy_primitives::{Address, Bytes, B256, U256};
use evmove_word::shim::AbortCode;
use move_binary_format::errors::{VMError, VMResult};
use move_core_types::{
    ident_str, identifier::IdentStr, language_storage::ModuleId, vm_status::StatusCode,
};
use move_vm_runtime::{
    native_extensions::NativeContextExtensions, session::SerializedReturnValues,
};
use revm_precompile::{PrecompileSpecId, PrecompileStatus, Precompiles};

use super::{
    code::CodeKind,
    gas::{cost, FrameMeter, GasCell},
    host::{Frame, FrameExtension, Host, MAX_DEPTH},
    memory::Memory,
    outcome::{FrameEnd, HaltReason},
};
use crate::state::{Account, Code, StateError};

/// The most code a creation may deposit (EIP-170).
pub const MAX_CODE_SIZE: usize = 0x6000;

/// Stack kept free before a nested execution; below it, the execution runs on a new stack
/// segment of [`STACK_SEGMENT`] bytes (a Move session nested in a native uses several KiB of
/// Rust stack per level in release builds, many more in debug builds).
const STACK_RED_ZONE: usize = 1 << 20;
const STACK_SEGMENT: usize = 16 << 20;

/// A state read failed (recorded in [`Host::fatal`]): the transaction stops.
#[derive(Clone, Copy, Debug)]
pub struct Fatal;

/// A message call.
#[derive(Clone, Debug)]
pub struct CallInputs {
    /// CALLER in the callee; pays `transfer`.
    pub caller: Address,
    /// ADDRESS in the callee (its storage and balance); receives `transfer`.
    pub target: Address,
    /// Whose code runs (the target's, except for DELEGATECALL and CALLCODE).
    pub code_address: Address,
    /// CALLVALUE in the callee.
    pub value: U256,
    /// Wei moved from `caller` to `target`.
    pub transfer: U256,
    /// The calldata.
    pub input: Bytes,
    /// The gas the callee may use.
    pub gas_limit: u64,
    /// Whether the callee runs under STATICCALL's protection.
    pub is_static: bool,
    /// The callee's depth.
    pub depth: usize,
}

/// A creation (CREATE, CREATE2, or a creation transaction).
#[derive(Clone, Debug)]
pub struct CreateInputs {
    /// The creator; pays `value`, and its nonce grows.
    pub caller: Address,
    /// Wei moved to the new account.
    pub value: U256,
    /// The initcode.
    pub initcode: Bytes,
    /// CREATE2's salt; `None` for CREATE.
    pub salt: Option<U256>,
    /// The gas the constructor may use.
    pub gas_limit: u64,
    /// The constructor's depth.
    pub depth: usize,
}

/// How a call or creation ended, and the gas it left.
#[derive(Clone, Debug)]
pub struct FrameResult {
    /// The end (for a successful creation: empty return data).
    pub end: FrameEnd,
    /// Gas not used (0 after an exceptional halt).
    pub gas_left: u64,
    /// A successful creation's address.
    pub created: Option<Address>,
}

impl FrameResult {
    /// A call or creation that failed before it started: no data, all gas returned.
    fn refused(gas_limit: u64) -> Self {
        Self {
            end: FrameEnd::Revert(Bytes::new()),
            gas_left: gas_limit,
            created: None,
        }
    }

    /// A frame that ended as `end` with `gas` left (none after an exceptional halt).
    pub(super) fn ended(end: FrameEnd, gas: &GasCell) -> Self {
        let gas_left = match end {
            FrameEnd::Halt(_) => 0,
            FrameEnd::Return(_) | FrameEnd::Revert(_) => gas.get(),
        };
        Self {
            end,
            gas_left,
            created: None,
        }
    }

    pub(super) fn halted(reason: HaltReason) -> Self {
        Self {
            end: FrameEnd::Halt(reason),
            gas_left: 0,
            created: None,
        }
    }
}

/// Runs a message call.
pub fn call(host: &Host<'_>, inputs: CallInputs) -> Result<FrameResult, Fatal> {
    if inputs.depth > MAX_DEPTH {
        return Ok(FrameResult::refused(inputs.gas_limit));
    }
    let checkpoint = host.journal().checkpoint();
    let moved = host
        .journal()
        .transfer(host.view, inputs.caller, inputs.target, inputs.transfer);
    if !fatal_on_error(host, moved)? {
        return Ok(FrameResult::refused(inputs.gas_limit));
    }
    let precompiles = Precompiles::new(PrecompileSpecId::from_spec_id(host.block.spec));
    let result = match precompiles.get(&inputs.code_address) {
        Some(precompile) => run_precompile(precompile, &inputs),
        None => run_code_at(host, &inputs)?,
    };
    if !result.end.is_success() {
        host.journal().revert(checkpoint);
    }
    Ok(result)
}

/// Runs a creation.
pub fn create(host: &Host<'_>, inputs: CreateInputs) -> Result<FrameResult, Fatal> {
    if inputs.depth > MAX_DEPTH {
        return Ok(FrameResult::refused(inputs.gas_limit));
    }
    let creator = host.journal().account(host.view, inputs.caller);
    let mut creator = fatal_on_error(host, creator)?.unwrap_or_default();
    let Some(next_nonce) = creator.nonce.checked_add(1) else {
        return Ok(FrameResult::refused(inputs.gas_limit));
    };
    if creator.balance < inputs.value {
        return Ok(FrameResult::refused(inputs.gas_limit));
    }
    let initcode = Code::new(inputs.initcode.clone());
    let address = match inputs.salt {
        None => inputs.caller.create(creator.nonce),
        Some(salt) => inputs.caller.create2(B256::from(salt), initcode.hash),
    };
    // The creator's nonce grows even if the creation fails.
    creator.nonce = next_nonce;
    host.journal().set_account(inputs.caller, creator);

    let checkpoint = host.journal().checkpoint();
    let result = construct(host, &inputs, &initcode, address)?;
    if !result.end.is_success() {
        host.journal().revert(checkpoint);
    }
    Ok(result)
}

/// The creation after the checkpoint: the new account, the constructor, the code deposit.
fn construct(
    host: &Host<'_>,
    inputs: &CreateInputs,
    initcode: &Code,
    address: Address,
) -> Result<FrameResult, Fatal> {
    let existing = {
        let mut journal = host.journal();
        journal
            .account(host.view, address)
            .and_then(|account| Ok((account, journal.code(host.view, address)?)))
    };
    let (existing, existing_code) = fatal_on_error(host, existing)?;
    let existing = existing.unwrap_or_default();
    if existing.nonce != 0 || existing_code.is_some_and(|code| !code.bytes.is_empty()) {
        return Ok(FrameResult::halted(HaltReason::CreateCollision));
    }
    {
        let mut journal = host.journal();
        journal.set_account(
            address,
            Account {
                nonce: 1,
                balance: existing.balance,
            },
        );
        journal.mark_created(address);
    }
    let moved = host
        .journal()
        .transfer(host.view, inputs.caller, address, inputs.value);
    fatal_on_error(host, moved)?;

    let mut result = if initcode.bytes.is_empty() {
        FrameResult {
            end: FrameEnd::Return(Bytes::new()),
            gas_left: inputs.gas_limit,
            created: None,
        }
    } else {
        let frame = Frame {
            address,
            caller: inputs.caller,
            value: inputs.value,
            input: Bytes::new(),
            code: initcode.bytes.clone(),
            is_static: false,
            depth: inputs.depth,
            memory: Memory::default(),
            return_data: Bytes::new(),
            gas: Rc::new(Cell::new(inputs.gas_limit)),
            end: None,
        };
        run_module(host, initcode, CodeKind::Initcode, frame)?
    };
    if let FrameEnd::Return(code) = &result.end {
        let deposit = cost::CODE_DEPOSIT_BYTE * code.len() as u64;
        let rejected = if code.len() > MAX_CODE_SIZE {
            Some(HaltReason::CodeRejected(
                "larger than 24576 bytes (EIP-170)",
            ))
        } else if code.first() == Some(&0xef) {
            Some(HaltReason::CodeRejected("starts with 0xEF (EIP-3541)"))
        } else if deposit > result.gas_left {
            Some(HaltReason::OutOfGas)
        } else {
            None
        };
        if let Some(reason) = rejected {
            return Ok(FrameResult::halted(reason));
        }
        if !code.is_empty() {
            host.journal().set_code(address, Code::new(code.clone()));
        }
        result = FrameResult {
            end: FrameEnd::Return(Bytes::new()),
            gas_left: result.gas_left - deposit,
            created: Some(address),
        };
    }
    Ok(result)
}

/// Runs the code at `inputs.code_address`: nothing for an account without code.
fn run_code_at(host: &Host<'_>, inputs: &CallInputs) -> Result<FrameResult, Fatal> {
    let code = host.journal().code(host.view, inputs.code_address);
    let code = match fatal_on_error(host, code)? {
        Some(code) if !code.bytes.is_empty() => code,
        _ => {
            return Ok(FrameResult {
                end: FrameEnd::Return(Bytes::new()),
                gas_left: inputs.gas_limit,
                created: None,
            })
        }
    };
    let frame = Frame {
        address: inputs.target,
        caller: inputs.caller,
        value: inputs.value,
        input: inputs.input.clone(),
        code: code.bytes.clone(),
        is_static: inputs.is_static,
        depth: inputs.depth,
        memory: Memory::default(),
        return_data: Bytes::new(),
        gas: Rc::new(Cell::new(inputs.gas_limit)),
        end: None,
    };
    run_module(host, &code, CodeKind::Runtime, frame)
}

/// Runs `frame` (whose code is `code`) in a new session of the VM, on a stack with room.
fn run_module(
    host: &Host<'_>,
    code: &Code,
    kind: CodeKind,
    frame: Frame,
) -> Result<FrameResult, Fatal> {
    let module = match host.runtime.resolve(code, kind) {
        Ok(module) => module,
        Err(reason) => return Ok(FrameResult::halted(HaltReason::NoModule(reason))),
    };
    let gas = frame.gas.clone();
    let end = on_big_stack(|| run_session(host, &module, frame));
    if host.fatal.borrow().is_some() {
        return Err(Fatal);
    }
    Ok(FrameResult::ended(end, &gas))
}

/// Runs `f` with room on the stack for a nested execution (on a new segment if needed).
pub(super) fn on_big_stack<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, f)
}

/// Executes `module::run` for `frame`: how the frame ended.
fn run_session<'a>(host: &'a Host<'a>, module: &ModuleId, frame: Frame) -> FrameEnd {
    match execute_function(host, module, RUN, Vec::new(), frame) {
        (Ok(_), _) => FrameEnd::Halt(HaltReason::NoEnd),
        (Err(error), frame) => frame_end(&error, frame.end),
    }
}

/// Executes `module::function(args)` (BCS-encoded arguments) in a new session whose natives
/// reach `host` and `frame`: what it returned or why it stopped, and the frame after.
pub(super) fn execute_function<'a>(
    host: &'a Host<'a>,
    module: &ModuleId,
    function: &IdentStr,
    args: Vec<Vec<u8>>,
    frame: Frame,
) -> (VMResult<SerializedReturnValues>, Frame) {
    let mut meter = FrameMeter::new(frame.gas.clone());
    let mut extensions = NativeContextExtensions::default();
    extensions.add(FrameExtension { host, frame });
    let mut session = (host.vm).new_session_with_extensions(host.runtime.modules(), extensions);
    let result =
        session.execute_function_bypass_visibility(module, function, vec![], args, &mut meter);
    let frame = session
        .get_native_extensions()
        .remove::<FrameExtension>()
        .frame;
    (result, frame)
}

/// How a frame ended, given the error its Move execution stopped with and the end a native
/// recorded.
pub(super) fn frame_end(error: &VMError, recorded: Option<FrameEnd>) -> FrameEnd {
    let code = match error.major_status() {
        StatusCode::OUT_OF_GAS => return FrameEnd::Halt(HaltReason::OutOfGas),
        StatusCode::ABORTED => error.sub_status(),
        _ => None,
    };
    let Some(code) = code else {
        return FrameEnd::Halt(HaltReason::MoveError {
            status: error.major_status(),
            message: format!("{error}"),
        });
    };
    FrameEnd::Halt(match (AbortCode::from_code(code), recorded) {
        (Some(AbortCode::FrameEnded), Some(end)) => return end,
        (Some(AbortCode::FrameEnded), None) => HaltReason::NoEnd,
        (Some(AbortCode::StackUnderflow), _) => HaltReason::StackUnderflow,
        (Some(AbortCode::StackOverflow), _) => HaltReason::StackOverflow,
        (Some(AbortCode::InvalidJump), _) => HaltReason::InvalidJump,
        _ => HaltReason::Aborted {
            code,
            location: format!("{:?} at {:?}", error.location(), error.offsets()),
        },
    })
}

/// The entry function of every transpiled module.
const RUN: &IdentStr = ident_str!("run");

/// Runs a precompile with the call's input and gas.
fn run_precompile(precompile: &revm_precompile::Precompile, inputs: &CallInputs) -> FrameResult {
    match precompile.execute(&inputs.input, inputs.gas_limit, 0) {
        Ok(output) => match output.status {
            PrecompileStatus::Success => FrameResult {
                gas_left: inputs.gas_limit.saturating_sub(output.gas_used),
                end: FrameEnd::Return(output.bytes),
                created: None,
            },
            PrecompileStatus::Revert => FrameResult {
                gas_left: inputs.gas_limit.saturating_sub(output.gas_used),
                end: FrameEnd::Revert(output.bytes),
                created: None,
            },
            PrecompileStatus::Halt(halt) => {
                FrameResult::halted(HaltReason::Precompile(format!("{halt:?}")))
            }
        },
        Err(error) => FrameResult::halted(HaltReason::Precompile(error.to_string())),
    }
}

/// The value of a state read, or [`Fatal`] after recording the error in the host.
pub(super) fn fatal_on_error<T>(host: &Host<'_>, read: Result<T, StateError>) -> Result<T, Fatal> {
    read.map_err(|error| {
        host.fatal.borrow_mut().get_or_insert(error);
        Fatal
    })
}
