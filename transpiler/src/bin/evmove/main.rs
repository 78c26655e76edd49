//! `evmove`: compile Ethereum contracts to Move. Built with the `cli` feature (a default one),
//! which implies `vm`: every command is always there.

mod bench;
mod call;
mod compile;
mod disasm;
mod ir;
mod state_file;
mod statetest;
mod tier;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use evmove_runtime::exec::counting::CountingAllocator;
use mimalloc::MiMalloc;

// mimalloc (thread-local free lists: Block-STM's workers free blocks other threads allocated),
// counting each thread's allocations for the work `evmove bench` reports; the timed runs pay a
// thread-local increment per allocation.
#[global_allocator]
static ALLOCATOR: CountingAllocator<MiMalloc> = CountingAllocator::over(MiMalloc);

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
    /// inputs: raw hex, or solc / Foundry / Hardhat / Truffle artifacts; as lifted, or after
    /// the optimisation passes (`--stage optimised`).
    Ir(ir::IrArgs),
    /// Compile every code blob of every contract in the inputs into a verified Move module
    /// (`<module>.mv`), and write `manifest.json`: modules, contracts, code hashes, ABIs.
    Compile(compile::CompileArgs),
    /// Print the listing of compiled Move modules.
    Disasm(disasm::DisasmArgs),
    /// Deploy a contract and call one of its functions on the embedded Move runtime, every
    /// piece of EVM code compiled to Move on demand; print status, return values and logs.
    Call(call::CallArgs),
    /// Execute a built-in block (ERC20 transfers, WrappedEther deposits and withdrawals, a
    /// dependent chain) in revm, evmove sequentially and evmove in parallel; check that all
    /// three agree on the final state and print transactions per second and the ratios.
    Bench(bench::BenchArgs),
    /// Run Ethereum consensus tests (legacy VMTests, blockchain tests with a postState:
    /// files, or directories searched recursively) through evmove, every code compiled to
    /// Move on demand; print each failure, then `N passed, M failed, K skipped`.
    Statetest(statetest::StatetestArgs),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Ir(args) => ir::run(&args),
        Command::Compile(args) => compile::run(&args),
        Command::Disasm(args) => disasm::run(&args),
        Command::Call(args) => call::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Statetest(args) => statetest::run(&args),
    }
}
