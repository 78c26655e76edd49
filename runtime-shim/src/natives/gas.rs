//! The natives of `evmove::gas` (`stdlib/sources/gas.move`): charging the frame's gas.
//! Transpiled code calls `charge` at the start of every straight-line section of EVM code
//! with the section's static gas (`evmove_word::shim::cost`) and the fork its opcodes need
//! (`evmove_word::shim::gate`, one `u64`), and `charge_exp` before every EXP with its
//! exponent.
//!
//! Each reports its amount as the native's cost, which the frame's Move gas meter
//! (`exec::gas`) charges after the call, halting the frame out of gas when it has less left
//! — the one way a frame runs out of gas outside the host natives. `charge` reads the
//! frame's extension only for a section that needs a fork newer than Frontier: it halts the
//! frame as revm halts an opcode not yet activated ([`HaltReason::NotActivated`]) when the
//! block's fork is older. `charge_exp` reads the block's fork from the frame's extension
//! (EXP's price per byte changed with EIP-160) and prices the exponent with revm's function.
//!
//! A loop reaching no host native counts its static gas in a Move `u64` local instead
//! (`evmove::lower::function::counted`): `gas_left` gives the count's start, `fork` the
//! block's fork (which the code compares with its sections' in place), and `settle` charges
//! the frame down to what the count has left, as one cost.
//!
//! The charged forms of the host natives (`evmove::charged`) charge a section's static gas
//! with [`charge_section`] before their work: the same gate, and the same out-of-gas halt
//! reached through the host (an exceptional halt either way, consuming all the frame's gas).

use std::sync::Arc;

use alloy_primitives::U256;

use evmove_word::shim::gate::Charge;
use move_core_types::gas_algebra::InternalGas;
use move_vm_runtime::native_functions::NativeFunction;
use move_vm_types::{natives::function::NativeResult, values::Value};

use super::word::{misdeclared, no_type_arguments, take_words};
use crate::host::{
    native::{FrameEnded, FrameExtension, NativeCtx, FRAME_ENDED},
    outcome::HaltReason,
};

/// A native of `evmove::gas`.
#[derive(Clone, Copy, Debug)]
pub enum Op {
    /// `charge(charge: u64)`: an encoded [`Charge`].
    Charge,
    /// `charge_exp(exponent_hi: u128, exponent_lo: u128)`.
    ChargeExp,
    /// `gas_left(): u64`.
    Left,
    /// `fork(): u64`.
    Fork,
    /// `settle(left: u64)`.
    Settle,
}

impl Op {
    /// The Move native charging what this operation charges.
    pub(crate) fn native(self) -> NativeFunction {
        Arc::new(move |context, ty_args, mut args| {
            no_type_arguments(&ty_args)?;
            let gas = match self {
                Op::Charge => {
                    let encoded = match (args.pop_front(), args.is_empty()) {
                        (Some(encoded), true) => encoded.value_as::<u64>()?,
                        _ => return Err(misdeclared("charge takes one u64".to_string())),
                    };
                    let charge = Charge::decode(encoded)
                        .ok_or_else(|| misdeclared(format!("a charge of no fork: {encoded:#x}")))?;
                    if charge.is_gated() {
                        let frame = context.extensions_mut().get_mut::<FrameExtension>();
                        if let Some(FrameEnded) = refuse(frame, charge) {
                            return Ok(NativeResult::err(InternalGas::zero(), FRAME_ENDED));
                        }
                    }
                    charge.gas
                }
                Op::ChargeExp => {
                    let [exponent] = take_words(args)?;
                    exp_cost(context.extensions().get::<FrameExtension>(), exponent)
                }
                Op::Left => {
                    let left = context.extensions().get::<FrameExtension>().frame.gas.get();
                    return Ok(NativeResult::ok(
                        InternalGas::zero(),
                        vec![Value::u64(left)].into(),
                    ));
                }
                Op::Fork => {
                    let frame = context.extensions().get::<FrameExtension>();
                    let fork = frame.host.schedule.spec as u64;
                    return Ok(NativeResult::ok(
                        InternalGas::zero(),
                        vec![Value::u64(fork)].into(),
                    ));
                }
                Op::Settle => {
                    let counted = match (args.pop_front(), args.is_empty()) {
                        (Some(counted), true) => counted.value_as::<u64>()?,
                        _ => return Err(misdeclared("settle takes one u64".to_string())),
                    };
                    let left = context.extensions().get::<FrameExtension>().frame.gas.get();
                    settled(left, counted).ok_or_else(|| {
                        misdeclared(format!("settling {counted} gas with {left} left"))
                    })?
                }
            };
            Ok(NativeResult::ok(
                InternalGas::new(gas),
                Vec::<Value>::new().into(),
            ))
        })
    }
}

/// Ends the frame as revm halts an opcode not yet activated if its block's fork is older
/// than the fork `charge`'s section needs.
fn gate(ctx: &mut NativeCtx<'_, '_>, charge: Charge) -> Result<(), FrameEnded> {
    match ctx.host.schedule.is(charge.since) {
        true => Ok(()),
        false => Err(ctx.halt(HaltReason::NotActivated)),
    }
}

/// [`gate`] for `frame`: how it ended, if it did.
pub(crate) fn refuse(frame: &mut FrameExtension<'_>, charge: Charge) -> Option<FrameEnded> {
    gate(&mut NativeCtx::new(frame), charge).err()
}

/// Charges a section's static gas before a charged native's work, as `charge` does: the
/// frame halts as revm halts an opcode not yet activated if the block's fork is older than
/// the section's, else out of gas if it has less than the section's gas left.
pub(crate) fn charge_section(
    ctx: &mut NativeCtx<'_, '_>,
    charge: Charge,
) -> Result<(), FrameEnded> {
    gate(ctx, charge)?;
    ctx.charge(charge.gas)
}

/// What settling a frame with `left` gas down to `counted` charges it; `None` if `counted`
/// is more than it has (a lowering's bug: the count starts from the gas left and only falls).
pub(crate) fn settled(left: u64, counted: u64) -> Option<u64> {
    left.checked_sub(counted)
}

/// What EXP's exponent costs in `frame`'s fork (revm's price: EIP-160 changed it).
pub(crate) fn exp_cost(frame: &FrameExtension, exponent: U256) -> u64 {
    frame.host.schedule.params.exp_cost(exponent)
}
