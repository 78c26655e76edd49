//! The natives of `evmove::halt` (`stdlib/sources/halt.move`): each records how the frame
//! ended and ends it (the Move execution aborts with code 0).

use alloy_primitives::{Bytes, U256};

use super::{frame::HostResult, word::to_address};
use crate::exec::{
    env::SpecId,
    gas::cost,
    host::{FrameEnded, NativeCtx},
    outcome::{FrameEnd, HaltReason},
};
use crate::state::StateKey;

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

/// SELFDESTRUCT: the whole balance moves to the beneficiary, and the account is marked for
/// deletion at the transaction's end (balance, nonce, code, storage) when the rules of the
/// block's fork say so ([`BlockEnv::spec`](crate::BlockEnv::spec)):
///
/// - from Cancun on (EIP-6780), only if this transaction created it;
/// - before Cancun, always: the slots the state holds for it are listed now (the state does
///   not change during a transaction), to be deleted with those the transaction writes.
///
/// A marked account's balance is zero from now on (as revm's journal does it): if it was its
/// own beneficiary, the balance is burnt. Until the transaction ends the account keeps its
/// code and storage, so later calls in the same transaction still run it.
pub fn selfdestruct(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    ctx.forbid_in_static()?;
    ctx.charge(cost::SELFDESTRUCT)?;
    let (host, address) = (ctx.host, ctx.frame.address);
    let beneficiary = to_address(args[0]);
    let before_cancun = !host.block.spec.is_enabled_in(SpecId::CANCUN);
    let done = {
        let mut journal = host.journal();
        journal.account(host.view, address).and_then(|account| {
            // The whole balance, just read: the transfer cannot fall short.
            let balance = account.unwrap_or_default().balance;
            journal.transfer(host.view, address, beneficiary, balance)?;
            let stored = if journal.was_created(address) {
                // Created in this transaction: the state holds nothing of it.
                Vec::new()
            } else if before_cancun {
                let mut keys = vec![StateKey::Account(address), StateKey::Code(address)];
                let slots = host.view.storage_slots(address)?;
                keys.extend(slots.into_iter().map(|slot| StateKey::Slot(address, slot)));
                keys
            } else {
                return Ok(());
            };
            journal.mark_destroyed(address, stored);
            if let Some(mut account) = journal.account(host.view, address)? {
                if !account.balance.is_zero() {
                    account.balance = U256::ZERO;
                    journal.set_account(address, account);
                }
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
