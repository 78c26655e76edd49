//! The contract corpus (one compiler setting) compiled by `evmove::build` with typed
//! bindings, as a project's build script would: `tests/corpus_bindings.rs` checks that the
//! bindings of every ABI shape in the corpus compile and that their calls agree with revm.
//!
//! With solc-js (the directory `SOLCJS` names, else the one `npm ci` in `contracts/`
//! installs, as `.ci/run` and `compile.mjs` do), `contracts/solc-js/` is compiled from
//! Solidity too, and `cfg(solc_js)` says so; without it, the tests of it say they skip.

use std::{env, path::PathBuf};

fn main() -> Result<(), evmove::build::BuildError> {
    println!("cargo::rustc-check-cfg=cfg(solc_js)");
    println!("cargo:rerun-if-env-changed=SOLCJS");
    // A directory: cargo reruns this when solc-js is installed under it.
    println!("cargo:rerun-if-changed=contracts");
    let installed = PathBuf::from("contracts");
    let solc_js = match env::var_os("SOLCJS") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => (installed.join("node_modules/solc/soljson.js").is_file()).then_some(installed),
    };
    let mut project = evmove::build::Project::new().input("contracts/artifacts/legacy-opt");
    if let Some(dir) = solc_js {
        project = project.solidity("contracts/solc-js").solc_js(dir);
        println!("cargo:rustc-cfg=solc_js");
    }
    project.build()?;
    Ok(())
}
