//! The natives of `evmove::halt` (`stdlib/sources/halt.move`): each records how the frame
//! ended and returns; the code after it returns too, up to the entry, so an ordinary end is
//! no Move error (one the Move VM would allocate, with its location, for every frame). A
//! halt that fails on the way (memory out of gas) ends the frame as any native does: the
//! Move execution aborts with code 0.

use alloy_primitives::{Bytes, U256};
use revm_interpreter::{bytecode::opcode, primitives::hardfork::SpecId};

use super::{frame::HostResult, memory::mstore, word::to_address};
use crate::host::{
    native::{FrameEnded, NativeCtx},
    outcome::{FrameEnd, HaltReason},
};

/// STOP.
pub fn stop(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    ended(ctx, FrameEnd::Return(Bytes::new()))
}

/// RETURN.
pub fn ret(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let data = memory_bytes(ctx, args[0], args[1])?;
    ended(ctx, FrameEnd::Return(data))
}

/// MSTORE of a word, then RETURN of it (`ret_word`): the two operations themselves, so
/// memory and gas are theirs.
pub fn ret_word(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let [offset, value] = [args[0], args[1]];
    mstore(ctx, &[offset, value])?;
    ret(ctx, &[offset, U256::from(32)])
}

/// REVERT.
pub fn revert(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let data = memory_bytes(ctx, args[0], args[1])?;
    ended(ctx, FrameEnd::Revert(data))
}

/// INVALID.
pub fn invalid(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    ended(ctx, FrameEnd::Halt(HaltReason::InvalidOpcode))
}

/// SELFDESTRUCT: the journal moves the balance and marks the account for deletion as the
/// block's fork says ([`Journal::self_destruct`](crate::journal::Journal::self_destruct)).
/// Charges as revm: its fork's static gas, a cold beneficiary, 25,000 when value goes to an
/// empty beneficiary (EIP-161), and records the refund of the first destruction (before
/// London).
pub fn selfdestruct(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    ctx.forbid_in_static()?;
    ctx.charge_fork_priced(opcode::SELFDESTRUCT)?;
    let (host, address) = (ctx.host, ctx.frame.address);
    let beneficiary = to_address(args[0]);
    let cold = host.warm_account(beneficiary);
    let balance = host.journal().account(host.view, address);
    let balance = ctx.state(balance)?.unwrap_or_default().balance;
    // EIP-161: from Spurious Dragon, only value creates the beneficiary (and only then is its
    // emptiness read).
    let new_account = if balance.is_zero() && host.schedule.is(SpecId::SPURIOUS_DRAGON) {
        false
    } else {
        let empty = host.journal().is_empty(host.view, beneficiary);
        ctx.state(empty)?
    };
    let params = &host.schedule.params;
    ctx.charge(params.selfdestruct_cost(new_account, cold))?;
    let previously_destroyed = host.journal().is_destroyed(address);
    let done = host
        .journal()
        .self_destruct(host.view, address, beneficiary, host.block.spec);
    ctx.state(done)?;
    if !previously_destroyed {
        host.journal().record_refund(params.selfdestruct_refund());
    }
    ended(ctx, FrameEnd::Return(Bytes::new()))
}

/// Ends the frame as `end`, recorded; the native returns.
fn ended(ctx: &mut NativeCtx<'_, '_>, end: FrameEnd) -> HostResult {
    let FrameEnded = ctx.end(end);
    Ok(None)
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
