//! Reading the inputs users hand us: every shape of compiler output, down to the code, ABI,
//! immutable positions and storage layout of each contract.
//!
//! [`load`] takes the input's bytes and decides its shape by looking, never by file name:
//!
//! - **Raw hex** (anything not starting with `{`, `[` or `"`): `0x` optional, ASCII
//!   whitespace ignored anywhere. Hex alone does not say whether it is initcode or runtime
//!   code, so the one contract it yields has [`Bytecode::Unlabelled`] code and no name; this
//!   module does not guess (initcode usually ends by returning a copy of the runtime code,
//!   but telling them apart for sure needs a run or the user's word).
//! - **JSON**: solc standard-JSON output (also as found inside Hardhat and Foundry build
//!   info), solc `--combined-json`, a single solc contract (solc-js, Waffle), Foundry
//!   `out/X.sol/X.json`, Hardhat and Truffle artifacts, and evmove's own corpus wrapper.
//!   The private module `shape` documents how the shape is decided, `contract` where each
//!   value is read from.
//!
//! What the caller can rely on, for every contract returned:
//!
//! - code is never empty: an empty code string (`""`, `"0x"`: interfaces, abstract
//!   contracts) is `None`;
//! - code has no unlinked library placeholders: those are an
//!   [`ArtifactError::UnlinkedLibrary`] naming each placeholder, its library when known, and
//!   the contract;
//! - every [`ByteRange`] in `immutable_references` lies inside the runtime code;
//! - contracts of a multi-contract file come sorted by source file, then name.
//!
//! No input makes this module panic; a bad one is an [`ArtifactError`] that names the
//! contract and the field path it is about.

mod contract;
mod describe;
mod error;
mod hex;
mod link;
mod load;
mod shape;
#[cfg(test)]
mod tests;
mod types;

pub use error::{ArtifactError, Location, Placeholder};
pub use load::{load, load_path};
pub use types::{ByteRange, Bytecode, Contract, Shape};
