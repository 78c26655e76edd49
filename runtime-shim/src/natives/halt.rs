//! The natives of `evmove::halt` (`stdlib/sources/halt.move`): each records how the frame
//! ended and ends it (the Move execution aborts with code 0).

use alloy_primitives::{Bytes, U256};

use super::{frame::HostResult, word::to_address};
use crate::host::{
    gas::cost,
    native::{FrameEnded, NativeCtx},
    outcome::{FrameEnd, HaltReason},
};

/// STOP.
pub fn stop(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    Err(ctx.end(FrameEnd::Return(Bytes::new())))
}

/// RETURN.
pub fn ret(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let data = memory_bytes(ctx, args[0], args[1])?;
    Err(ctx.end(FrameEnd::Return(data)))
}

/// REVERT.
pub fn revert(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let data = memory_bytes(ctx, args[0], args[1])?;
    Err(ctx.end(FrameEnd::Revert(data)))
}

/// INVALID.
pub fn invalid(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    Err(ctx.halt(HaltReason::InvalidOpcode))
}

/// SELFDESTRUCT: the journal moves the balance and marks the account for deletion as the
/// block's fork says ([`Journal::self_destruct`](crate::journal::Journal::self_destruct)).
pub fn selfdestruct(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    ctx.forbid_in_static()?;
    ctx.charge(cost::SELFDESTRUCT)?;
    let (host, address) = (ctx.host, ctx.frame.address);
    let beneficiary = to_address(args[0]);
    let done = host
        .journal()
        .self_destruct(host.view, address, beneficiary, host.block.spec);
    ctx.state(done)?;
    Err(ctx.end(FrameEnd::Return(Bytes::new())))
}

/// `size` bytes of memory at `offset`, grown and paid for.
fn memory_bytes(
    ctx: &mut NativeCtx<'_, '_>,
    offset: U256,
    size: U256,
) -> Result<Bytes, FrameEnded> {
    let range = ctx.memory_range(offset, size)?;
    Ok(Bytes::copy_from_slice(ctx.frame.memory.get(range)))
}
