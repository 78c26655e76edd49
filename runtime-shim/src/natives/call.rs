//! The natives of `evmove::call` (`stdlib/sources/call.move`): they read the call's input
//! from memory, work out the gas to forward, hand the call or creation to the executor
//! through [`NativeCtx::calls`] (the frame logic, which runs the callee in a nested
//! session), and write back its result. Their gas is revm's at the block's fork: the
//! call's static gas and cold surcharge, value and new-account costs, memory, the 63/64 rule
//! and the stipend, the callee's unused gas (stipend included) returned; a creation's 32,000,
//! initcode words (EIP-3860) and CREATE2's hashing, all but 1/64 forwarded.

use alloy_primitives::{Bytes, U256};
use revm_interpreter::{
    bytecode::opcode,
    primitives::{eip3860::MAX_INITCODE_SIZE, hardfork::SpecId},
};

use super::{
    frame::HostResult,
    word::{from_address, to_address},
};
use crate::host::{
    calls::{CallInputs, CreateInputs},
    native::NativeCtx,
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

impl Scheme {
    fn opcode(self) -> u8 {
        match self {
            Scheme::Call => opcode::CALL,
            Scheme::CallCode => opcode::CALLCODE,
            Scheme::DelegateCall => opcode::DELEGATECALL,
            Scheme::StaticCall => opcode::STATICCALL,
        }
    }
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
    ctx.access_account(scheme.opcode(), to)?;
    let (host, schedule) = (ctx.host, &ctx.host.schedule);
    if moves_value {
        ctx.charge(schedule.params.transfer_value_cost())?;
    }
    // A new account costs only CALL, and from Spurious Dragon only with value (EIP-161):
    // otherwise the target's emptiness is not read (nor made a dependency in a block).
    let spurious_dragon = schedule.is(SpecId::SPURIOUS_DRAGON);
    if scheme == Scheme::Call && (moves_value || !spurious_dragon) {
        let empty = host.journal().is_empty(host.view, to);
        if ctx.state(empty)? {
            let params = &schedule.params;
            ctx.charge(params.new_account_cost(spurious_dragon, moves_value))?;
        }
    }
    let forwarded = schedule.call_gas(ctx.gas_left(), gas);
    ctx.charge(forwarded)?;
    let stipend = match moves_value {
        true => schedule.params.call_stipend(),
        false => 0,
    };
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
        gas_limit: forwarded + stipend,
        is_static: frame.is_static || scheme == Scheme::StaticCall,
        depth: frame.depth + 1,
    };
    let result = ctx.calls.call(ctx.host, inputs);
    let result = result.map_err(|fatal| ctx.fatal(fatal))?;
    let success = finish(ctx, result);
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
    let schedule = &ctx.host.schedule;
    if schedule.is(SpecId::SHANGHAI) && !size.is_zero() {
        // EIP-3860: the limit and the word cost come before the memory.
        if size > U256::from(MAX_INITCODE_SIZE) {
            return Err(ctx.halt(HaltReason::CodeRejected(
                "initcode larger than 49152 bytes (EIP-3860)",
            )));
        }
        ctx.charge(schedule.params.initcode_cost(size.to::<usize>()))?;
    }
    let range = ctx.memory_range(offset, size)?;
    let initcode = Bytes::copy_from_slice(ctx.frame.memory.get(range));
    ctx.charge(match salt {
        Some(_) => schedule.params.create2_cost(initcode.len()),
        None => schedule.params.create_cost(),
    })?;
    let forwarded = schedule.create_gas(ctx.gas_left());
    ctx.charge(forwarded)?;
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
    let created = result.created.map_or(U256::ZERO, from_address);
    finish(ctx, result);
    Ok(Some(created))
}

/// Returns the gas the callee did not use (a call's stipend included, as revm returns it),
/// keeps its return data, and says whether it succeeded.
fn finish(ctx: &mut NativeCtx<'_, '_>, result: FrameResult) -> bool {
    // The callee's gas was charged in this native: forwarded, and with a stipend the value's
    // 9,000, more than the 2,300 it adds, so what comes back never exceeds the charge.
    ctx.cost = ctx.cost.saturating_sub(result.gas_left);
    let success = result.end.is_success();
    ctx.frame.return_data = result.end.into_output();
    success
}
