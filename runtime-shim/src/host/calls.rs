//! The narrow interface through which the natives start calls and creations: [`Calls`],
//! implemented by the executor (`exec::frame`), which owns the frame logic (checkpoint,
//! value, dispatch to a precompile or a module, nested execution, commit or revert). The
//! natives work out the inputs (operands, memory, gas forwarding) and hand them over; they
//! never see the Move VM nor the runtime.

use alloy_primitives::{Address, Bytes, U256};

use super::{
    context::Host,
    outcome::{Fatal, FrameResult},
};

/// EVM call depth limit: a call or creation from depth 1024 fails.
pub const MAX_DEPTH: usize = 1024;

/// Runs calls and creations for the natives (as revm's frame handler runs the actions its
/// interpreter returns). Each returns how the callee ended, or [`Fatal`] if a state read
/// failed anywhere below or evmove could not run a frame (recorded in [`Host::fatal`]).
pub trait Calls {
    /// Runs a message call (CALL, CALLCODE, DELEGATECALL, STATICCALL, or a transaction's
    /// first frame) in `host`'s transaction.
    fn call(&self, host: &Host<'_>, inputs: CallInputs) -> Result<FrameResult, Fatal>;

    /// Runs a creation (CREATE, CREATE2, or a creation transaction) in `host`'s transaction.
    fn create(&self, host: &Host<'_>, inputs: CreateInputs) -> Result<FrameResult, Fatal>;
}

/// A message call.
#[derive(Clone, Debug)]
pub struct CallInputs {
    /// CALLER in the callee; pays `transfer`.
    pub caller: Address,
    /// ADDRESS in the callee (its storage and balance); receives `transfer`.
    pub target: Address,
    /// Whose code runs (the target's, except for DELEGATECALL and CALLCODE).
    pub code_address: Address,
    /// CALLVALUE in the callee.
    pub value: U256,
    /// Wei moved from `caller` to `target`.
    pub transfer: U256,
    /// The calldata.
    pub input: Bytes,
    /// The gas the callee may use.
    pub gas_limit: u64,
    /// Whether the callee runs under STATICCALL's protection.
    pub is_static: bool,
    /// The callee's depth.
    pub depth: usize,
}

/// A creation (CREATE, CREATE2, or a creation transaction).
#[derive(Clone, Debug)]
pub struct CreateInputs {
    /// The creator; pays `value`, and its nonce grows.
    pub caller: Address,
    /// Wei moved to the new account.
    pub value: U256,
    /// The initcode.
    pub initcode: Bytes,
    /// CREATE2's salt; `None` for CREATE.
    pub salt: Option<U256>,
    /// The gas the constructor may use.
    pub gas_limit: u64,
    /// The constructor's depth.
    pub depth: usize,
}
