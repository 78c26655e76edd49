//! `cargo evmove disasm` and `cargo evmove ir`: the projects' built modules as Move
//! listings, and the EVM code they were compiled from as SSA IR.

use std::{fs, path::PathBuf, process::ExitCode};

use clap::Args;
use evmove::{disasm::disassemble, evm::Code, lift::lift};
use move_binary_format::file_format::CompiledModule;

use crate::{check::read_manifest, BuildArgs};

#[derive(Args)]
pub struct ListingArgs {
    #[command(flatten)]
    build: BuildArgs,
    /// Module names (as `cargo evmove check` lists them); default, every module.
    modules: Vec<String>,
}

/// A module of a project's build: its name, its `.mv` file and its EVM code's file (a
/// contract without a name has none).
struct Built {
    name: String,
    module: PathBuf,
    code: Option<PathBuf>,
}

/// The modules `args` names (every one if none), from the projects' manifests.
fn modules(args: &ListingArgs) -> Result<Vec<Built>, String> {
    let mut found = Vec::new();
    for built in args.build.build()? {
        let manifest = read_manifest(&built.out)?;
        for module in manifest["modules"].as_array().into_iter().flatten() {
            let name = module["module"].as_str().unwrap_or_default().to_owned();
            if !args.modules.is_empty() && !args.modules.contains(&name) {
                continue;
            }
            let file = built.out.join(module["file"].as_str().unwrap_or_default());
            let code = module["code_file"]
                .as_str()
                .map(|code| built.out.join(code));
            found.push(Built {
                name,
                module: file,
                code,
            });
        }
    }
    if let Some(missing) = args
        .modules
        .iter()
        .find(|name| !found.iter().any(|m| &&m.name == name))
    {
        return Err(format!(
            "no module {missing} in the projects' builds (see `cargo evmove check`)"
        ));
    }
    Ok(found)
}

pub fn disasm(args: &ListingArgs) -> Result<ExitCode, String> {
    for module in modules(args)? {
        let bytes = fs::read(&module.module)
            .map_err(|error| format!("{}: {error}", module.module.display()))?;
        let compiled = CompiledModule::deserialize(&bytes)
            .map_err(|error| format!("{}: not a Move module: {error}", module.module.display()))?;
        print!("{}", disassemble(&compiled));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn ir(args: &ListingArgs) -> Result<ExitCode, String> {
    let mut failed = false;
    for module in modules(args)? {
        let Some(code) = &module.code else {
            eprintln!(
                "{}: no EVM code file (a contract without a name)",
                module.name
            );
            continue;
        };
        let bytes = fs::read(code).map_err(|error| format!("{}: {error}", code.display()))?;
        match lift(&Code::new(bytes)) {
            Ok(lifted) => println!("; {}\n{}", module.name, lifted.module),
            Err(error) => {
                eprintln!("error: {}: {error}", module.name);
                failed = true;
            }
        }
    }
    Ok(match failed {
        true => ExitCode::FAILURE,
        false => ExitCode::SUCCESS,
    })
}
