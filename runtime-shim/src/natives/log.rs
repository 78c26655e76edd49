//! The natives of `evmove::log` (`stdlib/sources/log.move`): LOG0 to LOG4, into the journal
//! (so a frame's logs go when it rolls back).

use alloy_primitives::{Bytes, Log, LogData, B256, U256};

use super::{frame::HostResult, memory::mstore};
use crate::host::native::NativeCtx;

/// LOG0 to LOG4: `args` is `[offset, size, topics...]`; charges memory growth and revm's
/// cost of the topics and bytes (the 375 of every LOG is the section's).
pub fn log(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    ctx.forbid_in_static()?;
    let topics = &args[2..];
    let range = ctx.memory_range(args[0], args[1])?;
    let params = &ctx.host.schedule.params;
    ctx.charge(params.log_cost(topics.len() as u8, range.len() as u64))?;
    let data = Bytes::copy_from_slice(ctx.frame.memory.get(range));
    let topics = topics.iter().map(|&topic| B256::from(topic)).collect();
    ctx.host.journal().log(Log {
        address: ctx.frame.address,
        data: LogData::new_unchecked(topics, data),
    });
    Ok(None)
}

/// MSTORE of a word, then LOG0 to LOG4 of it (`log<n>_word`): `args` is `[offset, value,
/// topics...]`; the two operations themselves, so memory and gas are theirs.
pub fn log_word(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let [offset, value] = [args[0], args[1]];
    mstore(ctx, &[offset, value])?;
    let mut log_args = [U256::ZERO; 6];
    let log_args = &mut log_args[..args.len()];
    log_args[..2].copy_from_slice(&[offset, U256::from(32)]);
    log_args[2..].copy_from_slice(&args[2..]);
    log(ctx, log_args)
}
