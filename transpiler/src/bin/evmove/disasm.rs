//! `evmove disasm`: the listing of compiled Move modules.

use std::{
    fs,
    io::{self, Write},
    path::PathBuf,
    process::ExitCode,
};

use clap::Args;
use evmove::disasm::disassemble;
use move_binary_format::file_format::CompiledModule;

/// Arguments of `evmove disasm`.
#[derive(Args)]
pub struct DisasmArgs {
    /// Compiled Move modules (`.mv` files).
    #[arg(required = true)]
    modules: Vec<PathBuf>,
}

pub fn run(args: &DisasmArgs) -> ExitCode {
    let mut failed = false;
    let mut out = io::stdout().lock();
    for path in &args.modules {
        let listing = fs::read(path)
            .map_err(|err| err.to_string())
            .and_then(|bytes| {
                CompiledModule::deserialize(&bytes)
                    .map_err(|err| format!("not a Move module: {err}"))
            })
            .map(|module| disassemble(&module));
        match listing {
            // A closed pipe (`| head`) is not an error worth a message.
            Ok(listing) => _ = out.write_all(listing.as_bytes()),
            Err(err) => {
                eprintln!("error: {}: {err}", path.display());
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
