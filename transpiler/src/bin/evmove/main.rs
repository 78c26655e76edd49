//! `evmove`: compile Ethereum contracts to Move. So far: `evmove ir`, the SSA IR of every
//! code blob of a contract.

mod ir;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Compile Ethereum (EVM) contracts into Move.
#[derive(Parser)]
#[command(name = "evmove", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the SSA IR of every code blob (runtime code, initcode) of every contract in the
    /// inputs: raw hex, or solc / Foundry / Hardhat / Truffle artifacts.
    Ir(ir::IrArgs),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Ir(args) => ir::run(&args),
    }
}
