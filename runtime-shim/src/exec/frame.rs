//! The one place that owns EVM frame logic (as revm's frame handler): a call or creation
//! checks depth and balance, checkpoints the journal, moves value, dispatches to a
//! precompile, an EOA or a Move module, runs it in a new session of the same VM, and commits
//! or rolls back. The transaction's first frame and the call natives (through the
//! [`Calls`] trait the [`Executor`] implements) all come through here.
//!
//! **Deoptimisation.** A module's `run()` may speculate: the static path bounds a jump to a
//! value loaded from a computed address by the labels the code uses as data (solc's function
//! pointers), and a target outside them aborts with [`AbortCode::SpeculationFailed`], which
//! is no EVM end. Such a module has the same code in universal form, which assumes nothing,
//! as `run_universal()`. The frame then runs again from its start on it ([`run_module`]):
//! its journal checkpoint reverted (state, logs, transient storage, warm sets, refunds), its
//! gas as it was given, a new memory, no return data. Execution is deterministic, so the
//! second run does what the EVM does; what the first run read stays read (Block-STM
//! validates a read set that is larger than needed, never one too small).
//!
//! A recursion is a speculation too: the static path lifts a recursive function to a Move
//! function that calls itself, and each level is a frame of the Move VM's call stack (1024
//! frames; in the native tier, the machine stack left). A frame whose `run()` runs out of
//! call stack runs again the same way, if its module has the universal form (every module
//! whose functions recurse has it, as the lowering gives it to every function that takes a
//! stack base, `evmove::ir::StackBase`); the universal form keeps the EVM stack in a vector
//! and calls no function per level.

use alloy_primitives::{Address, Bytes, B256};
use evmove_word::shim::AbortCode;
use move_binary_format::{
    access::ModuleAccess,
    errors::{VMError, VMResult},
    CompiledModule,
};
use move_core_types::{
    ident_str, identifier::IdentStr, language_storage::ModuleId, vm_status::StatusCode,
};
use move_vm_runtime::{
    move_vm::MoveVM, native_extensions::NativeContextExtensions, session::SerializedReturnValues,
};
use revm_precompile::PrecompileStatus;

use super::{
    code::CodeKind,
    counting::{Counter, CountingMeter},
    gas::FrameMeter,
    modules::{Modules, ResolvedMemo},
    tier::{self, Entry, NativeRun},
};
use crate::{
    host::{
        calls::{CallInputs, Calls, CreateInputs, MAX_DEPTH},
        context::{Frame, Host},
        native::FrameExtension,
        outcome::{EvmoveFailure, Fatal, FrameEnd, FrameResult, HaltReason},
    },
    state::{Account, Code},
};

/// Runs frames on one VM: the [`Calls`] the natives of its sessions reach.
#[derive(Clone, Copy)]
pub struct Executor<'a> {
    /// The published modules and the code → module resolution.
    pub modules: &'a Modules,
    /// This VM's own memo of [`Modules::resolve`], which frames consult first.
    pub resolved: &'a ResolvedMemo,
    /// The VM that runs the transaction's frames (its own while it runs).
    pub vm: &'a MoveVM,
    /// Where the frames count their work, in a counting run (`exec::counting`).
    pub counter: Option<&'a Counter>,
}

impl Calls for Executor<'_> {
    fn call(&self, host: &Host<'_>, inputs: CallInputs) -> Result<FrameResult, Fatal> {
        call(self, host, inputs)
    }

    fn create(&self, host: &Host<'_>, inputs: CreateInputs) -> Result<FrameResult, Fatal> {
        create(self, host, inputs)
    }
}

/// Stack kept free before a nested execution; below it, the execution runs on a new stack
/// segment of [`STACK_SEGMENT`] bytes (a Move session nested in a native uses several KiB of
/// Rust stack per level in release builds, many more in debug builds).
const STACK_RED_ZONE: usize = 1 << 20;
const STACK_SEGMENT: usize = 16 << 20;

/// Runs a message call.
fn call(exec: &Executor<'_>, host: &Host<'_>, inputs: CallInputs) -> Result<FrameResult, Fatal> {
    if inputs.depth > MAX_DEPTH {
        return Ok(FrameResult::refused(inputs.gas_limit));
    }
    let checkpoint = host.journal().checkpoint();
    let moved = host.journal().transfer(
        host.view,
        inputs.caller,
        inputs.target,
        inputs.transfer,
        host.block.spec,
    );
    if !host.state(moved)? {
        return Ok(FrameResult::refused(inputs.gas_limit));
    }
    let result = match host.precompiles.get(&inputs.code_address) {
        Some(precompile) => run_precompile(precompile, &inputs),
        None => run_code_at(exec, host, &inputs)?,
    };
    if !result.end.is_success() {
        host.journal().revert(checkpoint);
    }
    Ok(result)
}

/// Runs a creation.
fn create(
    exec: &Executor<'_>,
    host: &Host<'_>,
    inputs: CreateInputs,
) -> Result<FrameResult, Fatal> {
    if inputs.depth > MAX_DEPTH {
        return Ok(FrameResult::refused(inputs.gas_limit));
    }
    let creator = host.journal().account(host.view, inputs.caller);
    let mut creator = host.state(creator)?.unwrap_or_default();
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
    // The creator's nonce grows even if the creation fails, and the new address stays warm
    // (EIP-2929: revm loads it before the creation's checkpoint).
    creator.nonce = next_nonce;
    host.journal().set_account(inputs.caller, creator);
    host.warm_account(address);

    let checkpoint = host.journal().checkpoint();
    let result = construct(exec, host, &inputs, &initcode, address)?;
    if !result.end.is_success() {
        host.journal().revert(checkpoint);
    }
    Ok(result)
}

/// The creation after the checkpoint: the new account, the constructor, the code deposit.
fn construct(
    exec: &Executor<'_>,
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
    let (existing, existing_code) = host.state(existing)?;
    let existing = existing.unwrap_or_default();
    if existing.nonce != 0 || existing_code.is_some_and(|code| !code.bytes.is_empty()) {
        return Ok(FrameResult::halted(HaltReason::CreateCollision));
    }
    // EIP-7610: storage also collides. Only the state before the transaction can hold
    // storage of an account with nonce 0 and no code (see `StateView::has_storage`).
    if host.state(host.view.has_storage(address))? {
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
    let moved = host.journal().transfer(
        host.view,
        inputs.caller,
        address,
        inputs.value,
        host.block.spec,
    );
    host.state(moved)?;

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
            memory: host.new_memory(),
            ..Frame::default()
        };
        frame.gas.set(inputs.gas_limit);
        run_module(exec, host, initcode, CodeKind::Initcode, frame)?
    };
    if let FrameEnd::Return(code) = &result.end {
        let deposit = match host.schedule.deposit(code, result.gas_left) {
            Ok(deposit) => deposit,
            Err(reason) => return Ok(FrameResult::halted(reason)),
        };
        // The new account always gets code, as in revm's state: empty where nothing was
        // deployed, or a Frontier deposit went unpaid.
        let kept = match deposit.code_kept {
            true => code.clone(),
            false => Bytes::new(),
        };
        host.journal().set_code(address, Code::new(kept));
        result = FrameResult {
            end: FrameEnd::Return(Bytes::new()),
            gas_left: deposit.gas_left,
            created: Some(address),
        };
    }
    Ok(result)
}

/// Runs the code at `inputs.code_address`: nothing for an account without code.
fn run_code_at(
    exec: &Executor<'_>,
    host: &Host<'_>,
    inputs: &CallInputs,
) -> Result<FrameResult, Fatal> {
    let code = host.journal().code(host.view, inputs.code_address);
    let code = match host.state(code)? {
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
        memory: host.new_memory(),
        ..Frame::default()
    };
    frame.gas.set(inputs.gas_limit);
    run_module(exec, host, &code, CodeKind::Runtime, frame)
}

/// Runs `frame` (whose code is `code`) in a new session of the VM, on a stack with room.
/// Code without a module, or a frame whose execution ends in no EVM way, is [`Fatal`]
/// ([`EvmoveFailure`]): evmove's failure, never the EVM's.
fn run_module(
    exec: &Executor<'_>,
    host: &Host<'_>,
    code: &Code,
    kind: CodeKind,
    frame: Frame,
) -> Result<FrameResult, Fatal> {
    let depth = frame.depth;
    let fail = |cause| {
        host.evmove_failure(EvmoveFailure {
            code_hash: code.hash,
            depth,
            cause,
        })
    };
    let module = match exec.resolved.resolve(exec.modules, code, kind) {
        Ok(module) => module,
        Err(reason) => return Err(fail(format!("no Move module for the code: {reason}"))),
    };
    let gas = frame.gas.clone();
    let (checkpoint, gas_given) = (host.journal().checkpoint(), gas.get());
    let rerun = |frame: Box<Frame>| {
        host.journal().revert(checkpoint);
        gas.set(gas_given);
        let frame = (*frame).restarted(host.new_memory());
        on_big_stack(|| run_session(exec, host, &module, RUN_UNIVERSAL, frame))
    };
    let end = match on_big_stack(|| run_session(exec, host, &module, RUN, frame)) {
        // Deoptimised: the frame again, from its start, in universal form.
        Err(Stopped::SpeculationFailed(frame)) if !host.failed() => rerun(frame),
        Err(Stopped::OutOfCallStack(frame, _))
            if !host.failed() && has_universal_entry(exec, &module) =>
        {
            rerun(frame)
        }
        end => end,
    };
    if host.failed() {
        return Err(Fatal);
    }
    match end {
        Ok(end) => Ok(FrameResult::ended(end, gas.get())),
        Err(Stopped::SpeculationFailed(_)) => Err(fail(SPECULATION_FAILED.to_string())),
        Err(Stopped::NoEvmEnd(cause) | Stopped::OutOfCallStack(_, cause)) => Err(fail(cause)),
    }
}

/// Whether `module` has the code in universal form as its second entry (read from the
/// module: only a frame out of call stack asks).
fn has_universal_entry(exec: &Executor<'_>, module: &ModuleId) -> bool {
    let compiled = (exec.modules.store().get(module))
        .and_then(|bytes| CompiledModule::deserialize(&bytes).ok());
    compiled.is_some_and(|compiled| {
        (compiled.function_defs().iter()).any(|def| {
            compiled.identifier_at(compiled.function_handle_at(def.function).name) == RUN_UNIVERSAL
        })
    })
}

/// How a frame's execution stopped without an EVM end.
enum Stopped {
    /// `run()` aborted with [`AbortCode::SpeculationFailed`]: the frame, its memory taken,
    /// to run again on `run_universal()`.
    SpeculationFailed(Box<Frame>),
    /// `run()` ran out of call stack (`CALL_STACK_OVERFLOW`, either tier): the frame, to run
    /// again on `run_universal()` if the module has it, and the VM's error otherwise.
    OutOfCallStack(Box<Frame>, String),
    /// No EVM end (see [`frame_end`]): why.
    NoEvmEnd(String),
}

/// Why a frame whose speculation failed has no EVM end: it failed in `run_universal()`,
/// which makes no assumption.
const SPECULATION_FAILED: &str =
    "a speculation failed in the code's universal form (an evmove bug)";

/// Runs `f` with room on the stack for a nested execution (on a new segment if needed).
pub(super) fn on_big_stack<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, f)
}

/// Executes `module::entry` (`run`, or `run_universal`) for `frame`: how the frame ended,
/// or why that is no EVM end (see [`frame_end`]), or that its speculation failed.
fn run_session<'a>(
    exec: &'a Executor<'a>,
    host: &'a Host<'a>,
    module: &ModuleId,
    entry: &IdentStr,
    frame: Frame,
) -> Result<FrameEnd, Stopped> {
    let (result, mut frame) = execute_function(exec, host, module, entry, Vec::new(), frame);
    host.recycle_memory(std::mem::take(&mut frame.memory));
    match result {
        // A halt native recorded the end, and the code returned after it.
        Ok(_) => (frame.end).ok_or_else(|| Stopped::NoEvmEnd(NO_END.to_string())),
        Err(error) if speculation_failed(&error) => {
            Err(Stopped::SpeculationFailed(Box::new(frame)))
        }
        Err(error) if entry == RUN && error.major_status() == StatusCode::CALL_STACK_OVERFLOW => {
            Err(Stopped::OutOfCallStack(Box::new(frame), vm_error(&error)))
        }
        Err(error) => frame_end(&error, frame.end).map_err(Stopped::NoEvmEnd),
    }
}

/// Whether Move execution stopped with [`AbortCode::SpeculationFailed`].
fn speculation_failed(error: &VMError) -> bool {
    error.major_status() == StatusCode::ABORTED
        && error.sub_status() == Some(AbortCode::SpeculationFailed.code())
}

/// Why a frame whose entry returned, or that aborted as ended, without a native recording
/// how has no EVM end.
const NO_END: &str = "the frame ended without STOP, RETURN, REVERT or a fault";

/// Executes `module::function(args)` (BCS-encoded arguments) in a new session whose natives
/// reach `host`, `frame` and this executor's calls: what it returned or why it stopped, and
/// the frame after.
pub(super) fn execute_function<'a>(
    exec: &'a Executor<'a>,
    host: &'a Host<'a>,
    module: &ModuleId,
    function: &IdentStr,
    args: Vec<Vec<u8>>,
    frame: Frame,
) -> (VMResult<SerializedReturnValues>, Frame) {
    // A frame's entry (`run()`, or `run_universal()` after a failed speculation) goes to the
    // native tier if it has the function compiled (never when counting: the counts are the
    // interpreter's).
    let frame = match (
        exec.modules.native_tier(),
        exec.counter,
        Entry::of(function),
    ) {
        (Some(tier), None, Some(entry)) => {
            let store = exec.modules.store();
            match tier::run_native(tier, store, module, entry, host, exec, frame) {
                NativeRun::Ran(result, frame) => return (result, frame),
                NativeRun::Interpreter(frame) => frame,
            }
        }
        _ => frame,
    };
    let mut meter = FrameMeter::new(frame.gas.clone());
    let mut extensions = NativeContextExtensions::default();
    extensions.add(FrameExtension {
        host,
        calls: exec,
        frame,
    });
    let mut session = (exec.vm).new_session_with_extensions(exec.modules.store(), extensions);
    // The meter is chosen once per frame: a plain run's is the plain meter's code.
    let result = match exec.counter {
        None => {
            session.execute_function_bypass_visibility(module, function, vec![], args, &mut meter)
        }
        Some(counter) => session.execute_function_bypass_visibility(
            module,
            function,
            vec![],
            args,
            &mut CountingMeter::new(meter, counter),
        ),
    };
    let frame = session
        .get_native_extensions()
        .remove::<FrameExtension>()
        .frame;
    (result, frame)
}

/// How a frame ended, given the error its Move execution stopped with and the end a native
/// recorded; or, if that is no EVM end, why (evmove's failure: the caller makes it
/// [`Fatal`]).
///
/// EVM ends: out of gas (Move's gas is the EVM's), an end a native recorded, and the abort
/// codes of the EVM halts the lowering found ([`AbortCode::StackUnderflow`],
/// [`AbortCode::StackOverflow`], [`AbortCode::InvalidJump`]). Move arithmetic failing is out
/// of gas too: the one Move arithmetic the lowering emits that can fail is the subtraction
/// from a loop's gas count in a local (`evmove::lower::function::counted`), whose underflow
/// is the section's charge exceeding the gas left. Everything else is evmove's: any other
/// Move VM error (the VM's own call-stack limit is no EVM limit: [`run_module`] runs a
/// `run()` that reached it again in universal form, where the module has it), an abort with
/// 0 and nothing recorded, a typed entry's code outside a typed entry call, a failed speculation ([`AbortCode::SpeculationFailed`], which [`run_module`]
/// reads first, running the frame again), or a code the shim table does not know.
pub(super) fn frame_end(error: &VMError, recorded: Option<FrameEnd>) -> Result<FrameEnd, String> {
    let code = match error.major_status() {
        StatusCode::OUT_OF_GAS | StatusCode::ARITHMETIC_ERROR => {
            return Ok(FrameEnd::Halt(HaltReason::OutOfGas))
        }
        StatusCode::ABORTED => error.sub_status(),
        _ => None,
    };
    let Some(code) = code else {
        return Err(vm_error(error));
    };
    let reason = match (AbortCode::from_code(code), recorded) {
        (Some(AbortCode::FrameEnded), Some(end)) => return Ok(end),
        (Some(AbortCode::FrameEnded), None) => return Err(NO_END.to_string()),
        (Some(AbortCode::StackUnderflow), _) => HaltReason::StackUnderflow,
        (Some(AbortCode::StackOverflow), _) => HaltReason::StackOverflow,
        (Some(AbortCode::InvalidJump), _) => HaltReason::InvalidJump,
        (known, _) => {
            let meaning = match known {
                Some(known) => known.to_string(),
                None => "not a code of the shim table".to_string(),
            };
            return Err(format!(
                "Move abort {code} ({meaning}) in {}",
                abort_location(error)
            ));
        }
    };
    Ok(FrameEnd::Halt(reason))
}

/// A Move VM error that is no EVM end, in words.
fn vm_error(error: &VMError) -> String {
    format!("Move VM error {:?}: {error}", error.major_status())
}

/// Where a Move execution aborted (module and function offset, as the VM reports it).
pub(super) fn abort_location(error: &VMError) -> String {
    format!("{:?} at {:?}", error.location(), error.offsets())
}

/// The entry function of every transpiled module ([`Entry::Run`]).
const RUN: &IdentStr = ident_str!("run");

/// The second entry of a module whose `run` speculates: the code in universal form
/// ([`Entry::RunUniversal`]).
const RUN_UNIVERSAL: &IdentStr = ident_str!("run_universal");

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
