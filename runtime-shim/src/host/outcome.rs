//! How a frame ends, as values: a frame's end ([`FrameEnd`]), why a frame halted
//! exceptionally ([`HaltReason`]), what became of a transaction ([`Status`]), what a call or
//! creation gives its caller ([`FrameResult`]), and [`Fatal`], the one error: the
//! transaction cannot be executed at all, because a state read failed or evmove itself could
//! not run a frame ([`FatalCause`]).

use alloy_primitives::{Address, Bytes, B256};
use evmove_word::shim::AbortCode;

use crate::state::StateError;

/// How an EVM frame ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameEnd {
    /// STOP, RETURN or SELFDESTRUCT: success, with the return data.
    Return(Bytes),
    /// REVERT: failure with data; the frame's changes are rolled back, unused gas returned.
    Revert(Bytes),
    /// An exceptional halt: changes rolled back, all the frame's gas consumed, no data.
    Halt(HaltReason),
}

impl FrameEnd {
    /// Whether the frame succeeded.
    pub fn is_success(&self) -> bool {
        matches!(self, FrameEnd::Return(_))
    }

    /// The data the frame returned or reverted with (empty for a halt), taken: no clone
    /// (the first clone of bytes copied out of memory allocates their shared header).
    pub fn into_output(self) -> Bytes {
        match self {
            FrameEnd::Return(data) | FrameEnd::Revert(data) => data,
            FrameEnd::Halt(_) => Bytes::new(),
        }
    }
}

/// Why a frame halted exceptionally.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HaltReason {
    /// The frame's gas ran out (Move instructions, native costs or memory growth).
    #[error("out of gas")]
    OutOfGas,
    /// INVALID (0xfe) or an undefined opcode.
    #[error("invalid opcode")]
    InvalidOpcode,
    /// An opcode of a later fork than the block's (revm's `NotActivated`), found by the
    /// charge of its section (`evmove_word::shim::gate`).
    #[error("opcode not activated at the block's fork")]
    NotActivated,
    /// SSTORE, TSTORE, LOG, SELFDESTRUCT, or a call or creation with value, in a static call.
    #[error("state change in a static call")]
    StaticStateChange,
    /// RETURNDATACOPY read past the end of the return data.
    #[error("return data read out of bounds")]
    ReturnDataOutOfBounds,
    /// A creation's code was rejected (EIP-170 size limit or EIP-3541 0xEF prefix).
    #[error("created code rejected: {0}")]
    CodeRejected(&'static str),
    /// A creation's address already has code or a nonce.
    #[error("creation address collision")]
    CreateCollision,
    /// The code underflows the EVM stack: the lowering aborts with
    /// [`AbortCode::StackUnderflow`] where the front end found it.
    #[error("stack underflow")]
    StackUnderflow,
    /// The code overflows the EVM stack (1024 items): [`AbortCode::StackOverflow`].
    #[error("stack overflow")]
    StackOverflow,
    /// A jump to an offset that is not a JUMPDEST: [`AbortCode::InvalidJump`].
    #[error("invalid jump")]
    InvalidJump,
    /// A typed entry function (`evmove::abi`) aborted with one of its codes: an argument or
    /// the return data out of its ABI type ([`AbortCode::ArgumentOutOfRange`],
    /// [`AbortCode::ResultOutOfRange`]), or the call failed ([`AbortCode::Reverted`], when
    /// not raised by `evmove::abi` itself). Only a typed entry call ends so; any other abort
    /// code that is no EVM halt (a code the shim table does not know, say) is no halt but
    /// [`Fatal`] ([`FatalCause::Evmove`]).
    #[error("Move abort {code} ({}) in {location}", meaning(*code))]
    Aborted {
        /// The abort code.
        code: u64,
        /// Where (module and function offset, as the VM reports it).
        location: String,
    },
    /// A precompile failed (bad input, not enough gas).
    #[error("precompile failed: {0}")]
    Precompile(String),
}

impl HaltReason {
    /// The abort code of the shim table this halt stands for, if it is one.
    pub fn abort_code(&self) -> Option<AbortCode> {
        match self {
            HaltReason::StackUnderflow => Some(AbortCode::StackUnderflow),
            HaltReason::StackOverflow => Some(AbortCode::StackOverflow),
            HaltReason::InvalidJump => Some(AbortCode::InvalidJump),
            HaltReason::Aborted { code, .. } => AbortCode::from_code(*code),
            _ => None,
        }
    }
}

/// What abort code `code` means, by the shim table.
fn meaning(code: u64) -> String {
    match AbortCode::from_code(code) {
        Some(known) => known.to_string(),
        None => "not a code of the shim table".to_string(),
    }
}

/// What became of a transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// It succeeded.
    Success,
    /// The first frame reverted.
    Revert,
    /// The first frame halted exceptionally.
    Halt(HaltReason),
}

impl From<&FrameEnd> for Status {
    fn from(end: &FrameEnd) -> Self {
        match end {
            FrameEnd::Return(_) => Status::Success,
            FrameEnd::Revert(_) => Status::Revert,
            FrameEnd::Halt(reason) => Status::Halt(reason.clone()),
        }
    }
}

/// How a call or creation ended, and the gas it left.
#[derive(Clone, Debug)]
pub struct FrameResult {
    /// The end (for a successful creation: empty return data).
    pub end: FrameEnd,
    /// Gas not used (0 after an exceptional halt).
    pub gas_left: u64,
    /// A successful creation's address.
    pub created: Option<Address>,
}

impl FrameResult {
    /// A call or creation that failed before it started: no data, all gas returned.
    pub fn refused(gas_limit: u64) -> Self {
        Self {
            end: FrameEnd::Revert(Bytes::new()),
            gas_left: gas_limit,
            created: None,
        }
    }

    /// A frame that ended as `end` with `gas_left` (none after an exceptional halt).
    pub fn ended(end: FrameEnd, gas_left: u64) -> Self {
        let gas_left = match end {
            FrameEnd::Halt(_) => 0,
            FrameEnd::Return(_) | FrameEnd::Revert(_) => gas_left,
        };
        Self {
            end,
            gas_left,
            created: None,
        }
    }

    /// A frame that halted exceptionally (all its gas consumed).
    pub fn halted(reason: HaltReason) -> Self {
        Self {
            end: FrameEnd::Halt(reason),
            gas_left: 0,
            created: None,
        }
    }
}

/// The transaction stops at once, from any depth, and has no outcome: a state read failed, or
/// evmove could not run a frame. The cause ([`FatalCause`]) is kept in
/// [`Host::fatal`](super::context::Host::fatal), where it crosses the Move sessions between
/// the frame that met it and the first frame. Not an EVM failure: Block-STM uses it to
/// abandon an execution that read an estimate, and evmove's own failures are never mistaken
/// for one of the EVM.
#[derive(Clone, Copy, Debug)]
pub struct Fatal;

/// Why a transaction stopped with [`Fatal`].
#[derive(Debug)]
pub enum FatalCause {
    /// A state read failed.
    State(StateError),
    /// evmove could not run a frame.
    Evmove(EvmoveFailure),
}

/// A frame evmove could not run: no module for its code (the code provider refused it, or
/// it failed to publish), or its Move execution stopped in a way that is no EVM behaviour (a
/// Move VM error other than out of gas, such as the VM's own call-stack limit; an abort code
/// that is no EVM halt; `run` returning without ending the frame).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("evmove could not run the code {code_hash} at depth {depth}: {cause}")]
pub struct EvmoveFailure {
    /// The hash of the frame's code (the initcode for a creation).
    pub code_hash: B256,
    /// The frame's depth (0: the transaction's first frame).
    pub depth: usize,
    /// What went wrong.
    pub cause: String,
}
