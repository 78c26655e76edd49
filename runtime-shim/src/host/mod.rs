//! The host interface: everything the natives work with, and nothing that knows the Move VM.
//!
//! - [`context`]: the transaction's [`context::Host`] (state view, journal, block,
//!   transaction, the failed read that stops it) and the executing [`context::Frame`].
//! - [`native`]: a native's [`native::NativeCtx`] (host, calls, frame, the cost so far) and
//!   the end-of-frame logic ([`native::FrameEnded`], [`native::FRAME_ENDED`]).
//! - [`calls`]: the narrow [`calls::Calls`] trait the executor implements to run a call or a
//!   creation, and their inputs.
//! - [`env`]: the block and the transaction.
//! - [`memory`]: a frame's EVM memory.
//! - [`gas`]: the fork's gas schedule (revm's tables) and who charges what.
//! - [`outcome`]: how frames end ([`outcome::FrameEnd`], [`outcome::HaltReason`],
//!   [`outcome::FrameResult`]), transactions' [`outcome::Status`], and [`outcome::Fatal`]
//!   (a failed state read or a frame evmove could not run: [`outcome::FatalCause`]).
//!
//! The layers, each using only those after it: `block` → `exec` → `natives` → `host` →
//! `journal` → `state`. The run-time recursion (a call native → the executor → a nested
//! session → a native) goes through the [`calls::Calls`] trait object, not through an import.

pub mod calls;
pub mod context;
pub mod env;
pub mod gas;
pub mod memory;
pub mod native;
pub mod outcome;
