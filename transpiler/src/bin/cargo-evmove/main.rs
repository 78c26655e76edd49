//! `cargo evmove`: evmove for cargo projects whose build script compiles contracts with
//! `evmove::build` (`DESIGN.md` §11). Cargo runs `cargo-evmove evmove <args>` for
//! `cargo evmove <args>`. Built with the `cli` feature, beside the `evmove` binary.

mod check;
mod committed;
mod listing;
mod scaffold;
mod workspace;

use std::process::{Command as Process, ExitCode};

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo", bin_name = "cargo")]
enum Cargo {
    Evmove(Evmove),
}

/// Solidity contracts compiled to verified Move at build time, called from Rust through
/// typed bindings.
///
/// A project is a cargo package whose build script runs `evmove::build` (a build-dependency
/// on evmove); every command but `new` works on the projects of the workspace around the
/// current directory: the package it is in, or every project (`-p` chooses). Settings go in
/// the package's `[package.metadata.evmove]`: `bindings = "src/contracts.rs"` names a
/// committed copy of the generated bindings.
#[derive(Args)]
#[command(version, long_about)]
struct Evmove {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a project at PATH from the templates in this binary (offline): a Solidity
    /// ERC20 with its solc artifact, a build.rs compiling it with evmove::build, and tests
    /// that deploy it, call it, decode a revert and an event. It depends on the evmove
    /// checkout at --evmove by path (default: the one this binary was built from).
    New(scaffold::NewArgs),
    /// Build the projects (`cargo build`): their build scripts compile the contracts to
    /// Move modules and bindings under OUT_DIR/evmove; print where.
    Build(BuildArgs),
    /// Build, then report coverage: per module, its size, the ABI functions with a typed
    /// Move entry, and those without one and why (`--json` for a machine-readable report).
    Check(check::CheckArgs),
    /// Run the projects' tests (`cargo test`); with --differential, every transaction the
    /// bindings send is also run on revm from the same state and must end the same way
    /// (status, return or revert data, logs, created address), else the test fails.
    Test(TestArgs),
    /// Build, then copy each project's generated bindings to the file its
    /// `[package.metadata.evmove] bindings` names; with --check, fail if a copy is stale.
    Bindings(committed::BindingsArgs),
    /// Build, then print the Move listing of the projects' modules (all, or those named).
    Disasm(listing::ListingArgs),
    /// Build, then print the SSA IR of the projects' EVM code (all, or that of the named
    /// modules).
    Ir(listing::ListingArgs),
}

/// Which projects, and how to build them: every command that builds takes these.
#[derive(Args, Clone)]
pub struct BuildArgs {
    /// The packages to work on (default: the one the current directory is in, else all).
    #[arg(short, long = "package")]
    packages: Vec<String>,
    /// Build in release mode.
    #[arg(long)]
    release: bool,
}

impl BuildArgs {
    /// The projects, built.
    pub fn build(&self) -> Result<Vec<workspace::Built>, String> {
        workspace::build(workspace::projects(&self.packages)?, self.release)
    }
}

#[derive(Args)]
struct TestArgs {
    #[command(flatten)]
    build: BuildArgs,
    /// Replay every binding transaction on revm and compare (evmove's `differential`
    /// feature).
    #[arg(long)]
    differential: bool,
    /// Arguments for `cargo test` (after `--`).
    #[arg(last = true)]
    rest: Vec<String>,
}

fn main() -> ExitCode {
    let Cargo::Evmove(evmove) = Cargo::parse();
    let result = match evmove.command {
        Command::New(args) => scaffold::run(&args),
        Command::Build(args) => build(&args),
        Command::Check(args) => check::run(&args),
        Command::Test(args) => test(&args),
        Command::Bindings(args) => committed::run(&args),
        Command::Disasm(args) => listing::disasm(&args),
        Command::Ir(args) => listing::ir(&args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn build(args: &BuildArgs) -> Result<ExitCode, String> {
    for built in args.build()? {
        let modules = std::fs::read_dir(built.out.join("modules")).map_or(0, |dir| dir.count());
        println!(
            "{}: {modules} Move modules and the bindings in {}",
            built.project.name,
            built.out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn test(args: &TestArgs) -> Result<ExitCode, String> {
    let projects = workspace::projects(&args.build.packages)?;
    let mut command = Process::new(std::env::var_os("CARGO").unwrap_or("cargo".into()));
    command.arg("test");
    if let Some(dir) = workspace::solc_js(&projects)? {
        command.env(evmove::build::SOLC_JS_VARIABLE, dir);
    }
    for project in &projects {
        command.args(["-p", &project.name]);
    }
    if args.build.release {
        command.arg("--release");
    }
    if args.differential {
        command.args(["--features", "evmove/differential"]);
    }
    let status = command
        .args(&args.rest)
        .status()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    Ok(match status.success() {
        true => ExitCode::SUCCESS,
        false => ExitCode::FAILURE,
    })
}
