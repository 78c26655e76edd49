//! The counting mode: what one transaction made the Move VM do, counted exactly and
//! deterministically (the same transaction on the same state and runtime gives the same
//! counts), for finding and pinning the work the lowering emits
//! ([`Runtime::execute_counting`](super::runtime::Runtime::execute_counting)).
//!
//! - Move instructions by opcode ([`Opcode`]): every bytecode the interpreter charges,
//!   `Call` included whether the callee is a native or a Move function; the entry function
//!   a frame starts with is no instruction.
//! - Native calls by row of the shim table; Move function calls (a `Call` of a function
//!   that is not a native).
//! - Heap allocations on the executing thread, from the transaction's start to its
//!   outcome, if the process installed [`CountingAllocator`].
//!
//! A counting run pays for counting; a plain run pays nothing: each frame picks its meter
//! once (`exec::frame::execute_function`), the plain meter being the same type, with the
//! same code, as without a counting mode.

mod alloc;
mod counter;
mod meter;
mod opcode;

pub use alloc::{allocations_on_this_thread, CountingAllocator};
pub use counter::{Counter, WorkCounts};
pub use meter::CountingMeter;
pub use opcode::Opcode;
