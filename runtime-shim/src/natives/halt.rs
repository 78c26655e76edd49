//! The natives of `evmove::halt` (`stdlib/sources/halt.move`): each records how the frame
//! ended and ends it (the Move execution aborts with code 0).

use alloy_primitives::{Bytes, U256};

use super::{frame::HostResult, word::to_address};
use crate::exec::{
    gas::cost,
    host::{FrameEnded, NativeCtx},
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

/// SELFDESTRUCT (EIP-6780): the whole balance moves to the beneficiary; the account is
/// deleted at the transaction's end only if this transaction created it (its balance is
/// then gone, even if it was its own beneficiary).
pub fn selfdestruct(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    ctx.forbid_in_static()?;
    ctx.charge(cost::SELFDESTRUCT)?;
    let (host, address) = (ctx.host, ctx.frame.address);
    let beneficiary = to_address(args[0]);
    let done = {
        let mut journal = host.journal();
        journal.account(host.view, address).and_then(|account| {
            // The whole balance, just read: the transfer cannot fall short.
            let balance = account.unwrap_or_default().balance;
            journal.transfer(host.view, address, beneficiary, balance)?;
            if journal.was_created(address) {
                journal.mark_destroyed(address);
            }
            Ok(())
        })
    };
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
