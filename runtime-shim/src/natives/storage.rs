//! The natives of `evmove::storage` (`stdlib/sources/storage.move`): the executing
//! contract's slots in the journal, and its transient slots. SLOAD and SSTORE charge as
//! revm does at the block's fork (EIP-2929 cold slots, EIP-2200 net metering, refunds).

use alloy_primitives::U256;
use revm_interpreter::{
    bytecode::opcode, context_interface::context::SStoreResult, primitives::hardfork::SpecId,
};

use super::frame::HostResult;
use crate::host::{native::NativeCtx, outcome::HaltReason};

/// SLOAD: its fork's static gas, and from Berlin the cold surcharge of a slot not yet
/// accessed in the transaction.
pub fn sload(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    ctx.charge_fork_priced(opcode::SLOAD)?;
    let (host, address, slot) = (ctx.host, ctx.frame.address, args[0]);
    if host.schedule.is(SpecId::BERLIN) && host.journal().warm_slot(address, slot) {
        ctx.charge(host.schedule.params.cold_storage_additional_cost())?;
    }
    let value = host.journal().slot(host.view, address, slot);
    Ok(Some(ctx.state(value)?))
}

/// SSTORE: forbidden in a static call; from Istanbul, out of gas with 2,300 gas or less left
/// (EIP-2200's sentry); then revm's static and dynamic costs and refund for the slot's
/// original, present and new values.
pub fn sstore(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    ctx.forbid_in_static()?;
    let (host, address) = (ctx.host, ctx.frame.address);
    let [slot, value] = [args[0], args[1]];
    let (schedule, params) = (&host.schedule, &host.schedule.params);
    let istanbul = schedule.is(SpecId::ISTANBUL);
    if istanbul && ctx.gas_left() <= params.call_stipend() {
        return Err(ctx.halt(HaltReason::OutOfGas));
    }
    ctx.charge(params.sstore_static_gas())?;
    let cold = schedule.is(SpecId::BERLIN) && host.journal().warm_slot(address, slot);
    let values = {
        let mut journal = host.journal();
        journal.slot(host.view, address, slot).and_then(|present| {
            Ok(SStoreResult {
                original_value: journal.original_slot(host.view, address, slot)?,
                present_value: present,
                new_value: value,
            })
        })
    };
    let values = ctx.state(values)?;
    ctx.charge(params.sstore_dynamic_gas(istanbul, &values, cold))?;
    let mut journal = host.journal();
    journal.record_refund(params.sstore_refund(istanbul, &values));
    journal.set_slot(address, slot, value);
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
