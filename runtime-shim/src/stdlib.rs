//! The shim library: the Move modules of `stdlib/`, compiled by `build.rs` with the Move
//! compiler, which every transpiled module links against.

use move_core_types::account_address::AccountAddress;

/// A compiled module of the shim library.
#[derive(Clone, Copy, Debug)]
pub struct StdlibModule {
    /// The module's name, as declared in `stdlib/sources/`.
    pub name: &'static str,
    /// The serialized module.
    pub bytes: &'static [u8],
}

/// The address the shim library is published at (`evmove` in `stdlib/Move.toml`).
pub fn address() -> AccountAddress {
    AccountAddress::from_hex_literal(env!("EVMOVE_SHIM_ADDRESS"))
        .expect("build.rs exports a valid address")
}

/// Every module of the shim library, in name order.
pub fn modules() -> impl ExactSizeIterator<Item = StdlibModule> {
    const MODULES: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/stdlib_modules.rs"));
    MODULES
        .iter()
        .map(|&(name, bytes)| StdlibModule { name, bytes })
}
