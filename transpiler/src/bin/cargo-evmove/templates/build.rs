//! Compiles the contracts' solc artifacts (`contracts/artifacts/`) into verified Move
//! modules and typed Rust bindings (`OUT_DIR/evmove/`).

fn main() -> Result<(), evmove::build::BuildError> {
    evmove::build::Project::new()
        .input("contracts/artifacts")
        .build()?;
    Ok(())
}
