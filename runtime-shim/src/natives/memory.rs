//! The natives of `evmove::memory` (`stdlib/sources/memory.move`): the frame's EVM memory.

use alloy_primitives::{keccak256, U256};

use super::frame::HostResult;
use crate::host::native::NativeCtx;

/// MLOAD.
pub fn mload(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let range = ctx.memory_range(args[0], U256::from(32))?;
    Ok(Some(U256::from_be_slice(ctx.frame.memory.get(range))))
}

/// MSTORE.
pub fn mstore(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let range = ctx.memory_range(args[0], U256::from(32))?;
    ctx.frame
        .memory
        .get_mut(range)
        .copy_from_slice(&args[1].to_be_bytes::<32>());
    Ok(None)
}

/// MSTORE8.
pub fn mstore8(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let range = ctx.memory_range(args[0], U256::from(1))?;
    ctx.frame.memory.get_mut(range)[0] = args[1].byte(0);
    Ok(None)
}

/// MSIZE.
pub fn msize(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    Ok(Some(U256::from(ctx.frame.memory.len())))
}

/// MCOPY: memory covers both ranges (growth paid for the larger end), then copies.
pub fn mcopy(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let [dest, source, size] = [args[0], args[1], args[2]];
    let to = ctx.memory_range(dest, size)?;
    let from = ctx.memory_range(source, size)?;
    ctx.charge(ctx.host.schedule.params.mcopy_cost(to.len()))?;
    ctx.frame.memory.copy_within(from.start, to.start, to.len());
    Ok(None)
}

/// KECCAK256: memory growth and 6 gas per word hashed (the 30 is the section's).
pub fn keccak(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let range = ctx.memory_range(args[0], args[1])?;
    ctx.charge(ctx.host.schedule.params.keccak256_cost(range.len()))?;
    let hash = keccak256(ctx.frame.memory.get(range));
    Ok(Some(hash.into()))
}

/// MSTORE of the key at 0, MSTORE of the slot at 32, KECCAK256 of 0..64 (`keccak_slot`):
/// the three operations themselves, so memory and gas are theirs.
pub fn keccak_slot(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let [key, slot] = [args[0], args[1]];
    let word = U256::from(32);
    mstore(ctx, &[U256::ZERO, key])?;
    mstore(ctx, &[word, slot])?;
    keccak(ctx, &[U256::ZERO, word * U256::from(2)])
}

/// MSTORE of 0x80 at 0x40 (`init_free_pointer`): solc's free memory pointer, stored as MSTORE
/// stores it.
pub fn init_free_pointer(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    mstore(ctx, &[U256::from(0x40), U256::from(0x80)])
}

/// MSTORE of the key at 0, KECCAK256 of 0..64 (`keccak_key`): the two operations themselves,
/// so memory and gas are theirs.
pub fn keccak_key(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    mstore(ctx, &[U256::ZERO, args[0]])?;
    keccak(ctx, &[U256::ZERO, U256::from(64)])
}
