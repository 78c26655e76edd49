//! The natives of `evmove::call` (`stdlib/sources/call.move`): they read the call's input
//! from memory, work out the gas to forward, hand the call or creation to the executor
//! through [`NativeCtx::calls`] (the frame logic, which runs the callee in a nested
//! session), and write back its result.

use alloy_primitives::{Bytes, U256};

use super::{
    frame::HostResult,
    word::{from_address, to_address},
};
use crate::host::{
    calls::{CallInputs, CreateInputs, MAX_CODE_SIZE},
    gas::{all_but_one_64th, cost, words},
    native::{FrameEnded, NativeCtx},
    outcome::{FrameResult, HaltReason},
};

/// Which call opcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scheme {
    Call,
    CallCode,
    DelegateCall,
    StaticCall,
}

/// CALL: `[gas, address, value, args_offset, args_size, ret_offset, ret_size]`.
pub fn call(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    message_call(ctx, Scheme::Call, args[2], [args[0], args[1]], &args[3..])
}

/// CALLCODE: as CALL.
pub fn callcode(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    message_call(
        ctx,
        Scheme::CallCode,
        args[2],
        [args[0], args[1]],
        &args[3..],
    )
}

/// DELEGATECALL: `[gas, address, args_offset, args_size, ret_offset, ret_size]`.
pub fn delegatecall(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let value = ctx.frame.value;
    message_call(
        ctx,
        Scheme::DelegateCall,
        value,
        [args[0], args[1]],
        &args[2..],
    )
}

/// STATICCALL: as DELEGATECALL's operands.
pub fn staticcall(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    message_call(
        ctx,
        Scheme::StaticCall,
        U256::ZERO,
        [args[0], args[1]],
        &args[2..],
    )
}

/// CREATE: `[value, offset, size]`.
pub fn create(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    creation(ctx, args[0], args[1], args[2], None)
}

/// CREATE2: `[value, offset, size, salt]`.
pub fn create2(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    creation(ctx, args[0], args[1], args[2], Some(args[3]))
}

/// A message call: `gas_and_address` are the first two operands, `io` the memory ranges
/// `[args_offset, args_size, ret_offset, ret_size]`; `value` is CALLVALUE in the callee.
fn message_call(
    ctx: &mut NativeCtx<'_, '_>,
    scheme: Scheme,
    value: U256,
    [gas, address]: [U256; 2],
    io: &[U256],
) -> HostResult {
    let moves_value = matches!(scheme, Scheme::Call | Scheme::CallCode) && !value.is_zero();
    if scheme == Scheme::Call && moves_value {
        ctx.forbid_in_static()?;
    }
    let input = ctx.memory_range(io[0], io[1])?;
    let output = ctx.memory_range(io[2], io[3])?;
    let input = Bytes::copy_from_slice(ctx.frame.memory.get(input));
    let to = to_address(address);
    if moves_value {
        ctx.charge(cost::CALL_VALUE)?;
    }
    if scheme == Scheme::Call && moves_value {
        let host = ctx.host;
        let account = host.journal().account(host.view, to);
        if ctx.state(account)?.is_none() {
            ctx.charge(cost::NEW_ACCOUNT)?;
        }
    }
    let forwarded = forward(ctx, gas)?;
    let frame = &ctx.frame;
    let (caller, target) = match scheme {
        Scheme::Call | Scheme::StaticCall => (frame.address, to),
        Scheme::CallCode => (frame.address, frame.address),
        Scheme::DelegateCall => (frame.caller, frame.address),
    };
    let inputs = CallInputs {
        caller,
        target,
        code_address: to,
        value,
        transfer: if moves_value { value } else { U256::ZERO },
        input,
        gas_limit: forwarded + if moves_value { cost::CALL_STIPEND } else { 0 },
        is_static: frame.is_static || scheme == Scheme::StaticCall,
        depth: frame.depth + 1,
    };
    let result = ctx.calls.call(ctx.host, inputs);
    let result = result.map_err(|fatal| ctx.fatal(fatal))?;
    let success = finish(ctx, forwarded, &result);
    let data = &ctx.frame.return_data;
    let n = data.len().min(output.len());
    let data = data.slice(..n);
    ctx.frame
        .memory
        .get_mut(output.start..output.start + n)
        .copy_from_slice(&data);
    Ok(Some(U256::from(success)))
}

/// A creation with `size` bytes of memory at `offset` as initcode.
fn creation(
    ctx: &mut NativeCtx<'_, '_>,
    value: U256,
    offset: U256,
    size: U256,
    salt: Option<U256>,
) -> HostResult {
    ctx.forbid_in_static()?;
    let range = ctx.memory_range(offset, size)?;
    if range.len() > 2 * MAX_CODE_SIZE {
        return Err(ctx.halt(HaltReason::CodeRejected(
            "initcode larger than 49152 bytes (EIP-3860)",
        )));
    }
    let initcode = Bytes::copy_from_slice(ctx.frame.memory.get(range));
    let hashing = if salt.is_some() {
        cost::CREATE2_WORD
    } else {
        0
    };
    ctx.charge((cost::INITCODE_WORD + hashing) * words(initcode.len() as u64))?;
    let forwarded = forward(ctx, U256::MAX)?;
    let inputs = CreateInputs {
        caller: ctx.frame.address,
        value,
        initcode,
        salt,
        gas_limit: forwarded,
        depth: ctx.frame.depth + 1,
    };
    let result = ctx.calls.create(ctx.host, inputs);
    let result = result.map_err(|fatal| ctx.fatal(fatal))?;
    finish(ctx, forwarded, &result);
    Ok(Some(result.created.map_or(U256::ZERO, from_address)))
}

/// Charges the gas forwarded to a callee: what it asked for, at most all but 1/64 of
/// what is left (EIP-150).
fn forward(ctx: &mut NativeCtx<'_, '_>, requested: U256) -> Result<u64, FrameEnded> {
    let most = all_but_one_64th(ctx.gas_left());
    let forwarded = u64::try_from(requested).map_or(most, |requested| requested.min(most));
    ctx.charge(forwarded)?;
    Ok(forwarded)
}

/// Returns the gas the callee did not use (at most what was forwarded: an unused stipend
/// stays with the callee), keeps its return data, and says whether it succeeded.
fn finish(ctx: &mut NativeCtx<'_, '_>, forwarded: u64, result: &FrameResult) -> bool {
    ctx.cost -= result.gas_left.min(forwarded);
    ctx.frame.return_data = result.end.output();
    result.end.is_success()
}
