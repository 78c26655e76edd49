//! The natives of `evmove::gas` (`stdlib/sources/gas.move`): charging the frame's gas.
//! Transpiled code calls `charge` at the start of every straight-line section of EVM code
//! with the section's static gas (`evmove_word::shim::cost`), and `charge_exp` before every
//! EXP with its exponent.
//!
//! Each reports its amount as the native's cost, which the frame's Move gas meter
//! (`exec::gas`) charges after the call, halting the frame out of gas when it has less left
//! — the one way a frame runs out of gas outside the host natives. `charge` is pure;
//! `charge_exp` reads the block's fork from the frame's extension (EXP's price per byte
//! changed with EIP-160) and prices the exponent with revm's function.

use std::sync::Arc;

use alloy_primitives::U256;

use move_core_types::gas_algebra::InternalGas;
use move_vm_runtime::native_functions::NativeFunction;
use move_vm_types::{natives::function::NativeResult, values::Value};

use super::word::{misdeclared, no_type_arguments, take_words};
use crate::host::native::FrameExtension;

/// A native of `evmove::gas`.
#[derive(Clone, Copy, Debug)]
pub enum Op {
    /// `charge(gas: u64)`.
    Charge,
    /// `charge_exp(exponent_hi: u128, exponent_lo: u128)`.
    ChargeExp,
}

impl Op {
    /// The Move native charging what this operation charges.
    pub(crate) fn native(self) -> NativeFunction {
        Arc::new(move |context, ty_args, mut args| {
            no_type_arguments(&ty_args)?;
            let gas = match self {
                Op::Charge => match (args.pop_front(), args.is_empty()) {
                    (Some(gas), true) => gas.value_as::<u64>()?,
                    _ => return Err(misdeclared("charge takes one u64".to_string())),
                },
                Op::ChargeExp => {
                    let [exponent] = take_words(args)?;
                    exp_cost(context.extensions().get::<FrameExtension>(), exponent)
                }
            };
            Ok(NativeResult::ok(
                InternalGas::new(gas),
                Vec::<Value>::new().into(),
            ))
        })
    }
}

/// What EXP's exponent costs in `frame`'s fork (revm's price: EIP-160 changed it).
pub(crate) fn exp_cost(frame: &FrameExtension, exponent: U256) -> u64 {
    frame.host.schedule.params.exp_cost(exponent)
}
