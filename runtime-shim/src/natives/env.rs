//! The natives of `evmove::env` (`stdlib/sources/env.move`): the frame's context, the block
//! and the transaction, account reads and the copies from calldata, code and return data.

use alloy_primitives::{Address, Bytes, U256};
use revm_interpreter::bytecode::opcode;

use super::{
    frame::HostResult,
    word::{from_address, to_address},
};
use crate::{
    host::{
        memory::copy_padded,
        native::{FrameEnded, NativeCtx},
        outcome::HaltReason,
    },
    state::Code,
};

/// ADDRESS.
pub fn address(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    Ok(Some(from_address(ctx.frame.address)))
}

/// ORIGIN.
pub fn origin(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    Ok(Some(from_address(ctx.host.tx.sender)))
}

/// CALLER.
pub fn caller(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    Ok(Some(from_address(ctx.frame.caller)))
}

/// CALLVALUE.
pub fn callvalue(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    Ok(Some(ctx.frame.value))
}

/// ISZERO of CALLVALUE (`no_callvalue`): 1 if the frame was sent no value, else 0 (a bool
/// result).
pub fn no_callvalue(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    Ok(Some(U256::from(ctx.frame.value.is_zero())))
}

/// CALLDATASIZE.
pub fn calldatasize(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    Ok(Some(U256::from(ctx.frame.input.len())))
}

/// CODESIZE.
pub fn codesize(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    Ok(Some(U256::from(ctx.frame.code.len())))
}

/// GASPRICE.
pub fn gasprice(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    Ok(Some(ctx.host.gas_price))
}

/// RETURNDATASIZE.
pub fn returndatasize(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    Ok(Some(U256::from(ctx.frame.return_data.len())))
}

/// COINBASE.
pub fn coinbase(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    Ok(Some(from_address(ctx.host.block.coinbase)))
}

/// TIMESTAMP.
pub fn timestamp(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    Ok(Some(U256::from(ctx.host.block.timestamp)))
}

/// NUMBER.
pub fn number(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    Ok(Some(U256::from(ctx.host.block.number)))
}

/// PREVRANDAO.
pub fn prevrandao(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    Ok(Some(ctx.host.block.prevrandao.into()))
}

/// GASLIMIT (the block's).
pub fn gaslimit(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    Ok(Some(U256::from(ctx.host.block.gas_limit)))
}

/// CHAINID.
pub fn chainid(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    Ok(Some(U256::from(ctx.host.block.chain_id)))
}

/// SELFBALANCE.
pub fn selfbalance(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    let address = ctx.frame.address;
    balance_of(ctx, address)
}

/// BASEFEE.
pub fn basefee(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    Ok(Some(ctx.host.block.basefee))
}

/// BLOBBASEFEE.
pub fn blobbasefee(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    Ok(Some(ctx.host.block.blob_basefee))
}

/// GAS: what the frame has left (the section ending at GAS has charged its static gas,
/// GAS's own included, up front).
pub fn gas(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    Ok(Some(U256::from(ctx.gas_left())))
}

/// BALANCE: its fork's static gas and the cold surcharge.
pub fn balance(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let address = to_address(args[0]);
    ctx.access_account(opcode::BALANCE, address)?;
    balance_of(ctx, address)
}

/// CALLDATALOAD: zero past the end of the input.
pub fn calldataload(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let mut word = [0; 32];
    copy_padded(&mut word, &ctx.frame.input, usize::try_from(args[0]).ok());
    Ok(Some(U256::from_be_bytes(word)))
}

/// CALLDATALOAD of offset 0 shifted right by 224 bits (`selector`): the input's first four
/// bytes, zero past its end.
pub fn selector(ctx: &mut NativeCtx<'_, '_>, _: &[U256]) -> HostResult {
    let mut selector = [0; 4];
    copy_padded(&mut selector, &ctx.frame.input, Some(0));
    Ok(Some(U256::from(u32::from_be_bytes(selector))))
}

/// EXTCODESIZE: its fork's static gas and the cold surcharge.
pub fn extcodesize(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    ctx.access_account(opcode::EXTCODESIZE, to_address(args[0]))?;
    let code = code_of(ctx, args[0])?;
    Ok(Some(U256::from(code.map_or(0, |code| code.bytes.len()))))
}

/// EXTCODEHASH: zero for an account that does not exist or is empty (EIP-161: no code, nonce
/// 0, balance 0), the empty code's hash for one without code. Its fork's static gas and the
/// cold surcharge.
pub fn extcodehash(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let (host, address) = (ctx.host, to_address(args[0]));
    ctx.access_account(opcode::EXTCODEHASH, address)?;
    let account = host.journal().account(host.view, address);
    let exists = ctx
        .state(account)?
        .is_some_and(|account| account.nonce != 0 || !account.balance.is_zero());
    let code = code_of(ctx, args[0])?;
    Ok(Some(match (code, exists) {
        (Some(code), _) => code.hash.into(),
        (None, true) => Code::new(Bytes::new()).hash.into(),
        (None, false) => U256::ZERO,
    }))
}

/// BLOCKHASH: only the 256 blocks before this one.
pub fn blockhash(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let block = ctx.host.block;
    let hash = u64::try_from(args[0])
        .ok()
        .filter(|&n| n < block.number && block.number - n <= 256)
        .and_then(|n| block.block_hashes.get(&n));
    Ok(Some(hash.map_or(U256::ZERO, |&hash| hash.into())))
}

/// BLOBHASH.
pub fn blobhash(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let hashes = &ctx.host.tx.blob_hashes;
    let hash = usize::try_from(args[0]).ok().and_then(|i| hashes.get(i));
    Ok(Some(hash.map_or(U256::ZERO, |&hash| hash.into())))
}

/// CALLDATACOPY.
pub fn calldatacopy(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let input = ctx.frame.input.clone();
    copy_to_memory(ctx, args[0], &input, args[1], args[2])
}

/// CODECOPY.
pub fn codecopy(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let code = ctx.frame.code.clone();
    copy_to_memory(ctx, args[0], &code, args[1], args[2])
}

/// EXTCODECOPY: its fork's static gas, the cold surcharge, the copy and memory growth.
pub fn extcodecopy(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    ctx.access_account(opcode::EXTCODECOPY, to_address(args[0]))?;
    let code = code_of(ctx, args[0])?
        .map(|code| code.bytes)
        .unwrap_or_default();
    copy_to_memory(ctx, args[1], &code, args[2], args[3])
}

/// RETURNDATACOPY: reading past the end of the return data is an exceptional halt.
pub fn returndatacopy(ctx: &mut NativeCtx<'_, '_>, args: &[U256]) -> HostResult {
    let [dest, offset, size] = [args[0], args[1], args[2]];
    let data = ctx.frame.return_data.clone();
    let in_bounds = offset
        .checked_add(size)
        .is_some_and(|end| end <= U256::from(data.len()));
    if !in_bounds {
        return Err(ctx.halt(HaltReason::ReturnDataOutOfBounds));
    }
    copy_to_memory(ctx, dest, &data, offset, size)
}

/// Copies `size` bytes of `source` from `offset` (zero past its end) to memory at `dest`.
fn copy_to_memory(
    ctx: &mut NativeCtx<'_, '_>,
    dest: U256,
    source: &[u8],
    offset: U256,
    size: U256,
) -> HostResult {
    let range = ctx.memory_range(dest, size)?;
    ctx.charge_copy(range.len())?;
    let offset = usize::try_from(offset).ok();
    copy_padded(ctx.frame.memory.get_mut(range), source, offset);
    Ok(None)
}

fn balance_of(ctx: &mut NativeCtx<'_, '_>, address: Address) -> HostResult {
    let host = ctx.host;
    let account = host.journal().account(host.view, address);
    Ok(Some(ctx.state(account)?.unwrap_or_default().balance))
}

fn code_of(ctx: &mut NativeCtx<'_, '_>, address: U256) -> Result<Option<Code>, FrameEnded> {
    let host = ctx.host;
    let code = host.journal().code(host.view, to_address(address));
    ctx.state(code)
}
