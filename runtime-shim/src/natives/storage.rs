//! The natives of `evmove::storage` (`stdlib/sources/storage.move`): the executing
//! contract's slots in the journal, and its transient slots.

use alloy_primitives::U256;

use super::frame::HostResult;
use crate::host::{gas::cost, native::NativeCtx};

/// SLOAD.
pub fn sload(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let (host, address) = (ctx.host, ctx.frame.address);
    let value = host.journal().slot(host.view, address, args[0]);
    Ok(Some(ctx.state(value)?))
}

/// SSTORE: forbidden in a static call; costs more when it makes a zero slot non-zero.
pub fn sstore(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    ctx.forbid_in_static()?;
    let (host, address) = (ctx.host, ctx.frame.address);
    let [slot, value] = [args[0], args[1]];
    let current = host.journal().slot(host.view, address, slot);
    let current = ctx.state(current)?;
    ctx.charge(match current.is_zero() && !value.is_zero() {
        true => cost::SSTORE_SET,
        false => cost::SSTORE_RESET,
    })?;
    host.journal().set_slot(address, slot, value);
    Ok(None)
}

/// TLOAD.
pub fn tload(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let value = ctx.host.journal().transient(ctx.frame.address, args[0]);
    Ok(Some(value))
}

/// TSTORE: forbidden in a static call.
pub fn tstore(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    ctx.forbid_in_static()?;
    let address = ctx.frame.address;
    ctx.host.journal().set_transient(address, args[0], args[1]);
    Ok(None)
}
