//! How execution ends, as values: a frame's end ([`FrameEnd`]), why a frame halted
//! exceptionally ([`HaltReason`]), a transaction's result ([`TxOutcome`]), and the errors
//! that mean a transaction could not be executed at all ([`TxError`]).

use alloy_primitives::{Address, Bytes, Log};
use evmove_word::shim::AbortCode;
use move_core_types::vm_status::StatusCode;

use crate::{
    journal::Credits,
    state::{StateError, WriteSet},
};

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

    /// The data the frame returned or reverted with (empty for a halt).
    pub fn output(&self) -> Bytes {
        match self {
            FrameEnd::Return(data) | FrameEnd::Revert(data) => data.clone(),
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
    /// The code provider has no Move module for the code to run, or it failed to publish.
    #[error("no Move module for the code: {0}")]
    NoModule(String),
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
    /// Move code aborted with any other non-zero code: a typed entry's argument or return
    /// data out of its ABI type ([`AbortCode::ArgumentOutOfRange`],
    /// [`AbortCode::ResultOutOfRange`]), an evmove bug ([`AbortCode::NoReturnReturned`],
    /// [`AbortCode::HaltReturned`]), or a code the shim table does not know (hand-written
    /// Move code); [`HaltReason::abort_code`] says which.
    #[error("Move abort {code} ({}) in {location}", meaning(*code))]
    Aborted {
        /// The abort code.
        code: u64,
        /// Where (module and function offset, as the VM reports it).
        location: String,
    },
    /// The Move VM stopped with an error (e.g. its own call-stack limit, an arithmetic error).
    #[error("Move VM error {status:?}: {message}")]
    MoveError {
        /// The VM's status code.
        status: StatusCode,
        /// The VM's message and location.
        message: String,
    },
    /// `run` returned normally, or aborted with 0 without ending the frame through a native.
    #[error("the frame ended without STOP, RETURN, REVERT or a fault")]
    NoEnd,
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

/// The result of an executed transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxOutcome {
    /// How it ended.
    pub status: Status,
    /// The first frame's return or revert data; for a successful creation, the code it
    /// deployed.
    pub return_data: Bytes,
    /// The logs of the frames that did not roll back, in order.
    pub logs: Vec<Log>,
    /// Gas used (the runtime's gas model: see `exec::gas`).
    pub gas_used: u64,
    /// The state it leaves: every key written, with its final value.
    pub write_set: WriteSet,
    /// Wei credited to accounts it did not read, which are not in `write_set` (always empty
    /// from [`Runtime::execute`](super::runtime::Runtime::execute); see
    /// [`Runtime::execute_deferring_credits`](super::runtime::Runtime::execute_deferring_credits)).
    pub credits: Credits,
    /// The address of the contract a successful creation made.
    pub created: Option<Address>,
}

/// A transaction that could not be executed at all (it has no outcome, only this error).
#[derive(Debug, thiserror::Error)]
pub enum TxError {
    /// The state could not be read.
    #[error(transparent)]
    State(#[from] StateError),
    /// The sender cannot pay the value.
    #[error("sender {sender} has less than the value sent")]
    InsufficientBalance {
        /// The sender.
        sender: Address,
    },
    /// The sender's nonce cannot grow.
    #[error("sender {0}'s nonce is at its maximum")]
    NonceOverflow(Address),
}
