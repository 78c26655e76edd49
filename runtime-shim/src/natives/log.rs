//! The natives of `evmove::log` (`stdlib/sources/log.move`): LOG0 to LOG4, into the journal
//! (so a frame's logs go when it rolls back).

use alloy_primitives::{Bytes, Log, LogData, B256, U256};

use super::frame::HostResult;
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
