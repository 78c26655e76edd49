//! `evmove`: compile Ethereum contracts to Move.

mod compile;
mod disasm;
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
    /// Compile every code blob of every contract in the inputs into a verified Move module
    /// (`<module>.mv`), and write `manifest.json`: modules, contracts, code hashes, ABIs.
    Compile(compile::CompileArgs),
    /// Print the listing of compiled Move modules.
    Disasm(disasm::DisasmArgs),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Ir(args) => ir::run(&args),
        Command::Compile(args) => compile::run(&args),
        Command::Disasm(args) => disasm::run(&args),
    }
}
