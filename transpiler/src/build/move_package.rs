//! The Move package layout of compiled modules, as the Move tools read it: `Move.toml`
//! naming the package and its addresses, the modules under `build/<package>/bytecode_modules/`.
//! `evmove compile --move-package` and [`Project::move_package`](super::Project::move_package)
//! both write it.

use move_core_types::account_address::AccountAddress;

use crate::lower::SHIM_ADDRESS;

/// `Move.toml` of package `name` published at `address` (the shim at its own address).
pub fn move_toml(name: &str, address: AccountAddress) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\n\n[addresses]\nevmove = \"{}\"\n{name} = \"{}\"\n",
        SHIM_ADDRESS.to_hex_literal(),
        address.to_hex_literal()
    )
}

/// The directory of package `name`'s modules, relative to the package.
pub fn bytecode_dir(name: &str) -> String {
    format!("build/{name}/bytecode_modules")
}
