//! How a frame ends, as values: a frame's end ([`FrameEnd`]), why a frame halted
//! exceptionally ([`HaltReason`]), what became of a transaction ([`Status`]), what a call or
//! creation gives its caller ([`FrameResult`]), and [`Fatal`], the one error: a state read
//! failed and the transaction cannot be executed at all.

use alloy_primitives::{Address, Bytes};
use evmove_word::shim::AbortCode;
use move_core_types::vm_status::StatusCode;

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
    /// (A failed state read is not a halt: it is [`Fatal`], and the transaction has no
    /// outcome.)
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

/// A state read failed: the transaction stops at once, from any depth, and has no outcome
/// (the error itself is kept in [`Host::fatal`](super::context::Host::fatal)). Not an EVM
/// failure: Block-STM uses it to abandon an execution that read an estimate.
#[derive(Clone, Copy, Debug)]
pub struct Fatal;
