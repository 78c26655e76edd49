//! The contract corpus (one compiler setting) compiled by `evmove::build` with typed
//! bindings, as a project's build script would: `tests/corpus_bindings.rs` checks that the
//! bindings of every ABI shape in the corpus compile and that their calls agree with revm.

fn main() -> Result<(), evmove::build::BuildError> {
    evmove::build::Project::new()
        .input("contracts/artifacts/legacy-opt")
        .build()?;
    Ok(())
}
