//! The EVM world state as the host sees it, the lowest layer (it imports no other module of
//! the crate): the state keys of `DESIGN.md` §6, their values and the write set a
//! transaction leaves ([`types`]), the trait a transaction reads them through
//! ([`view::StateView`]) and the trait a backend takes a write set through
//! ([`view::StateStore`]), an in-memory backend ([`memory::InMemoryState`]), and a state with writes laid over it
//! ([`overlay::Overlay`]).
//!
//! One key per account (nonce and balance), one per account's code, one per storage slot:
//! two transactions conflict only if they touch the same account, code or slot. A slot that
//! holds zero and an account or code that does not exist are the same thing: no value.

pub mod memory;
pub mod overlay;
pub mod types;
pub mod view;

pub use types::{Account, Code, StateKey, StateValue, WriteSet};
pub use view::{StateError, StateStore, StateView};
