//! Compiles the contracts' committed solc artifacts into verified Move modules and typed
//! bindings (`OUT_DIR/evmove/`).

fn main() -> Result<(), evmove::build::BuildError> {
    evmove::build::Project::new()
        .input("contracts/artifacts")
        .build()?;
    Ok(())
}
