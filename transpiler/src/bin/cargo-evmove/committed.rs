//! `cargo evmove bindings`: the generated bindings copied to the file a project commits
//! (`[package.metadata.evmove] bindings`), or checked against it (`--check`).

use std::{fs, process::ExitCode};

use clap::Args;

use crate::BuildArgs;

#[derive(Args)]
pub struct BindingsArgs {
    #[command(flatten)]
    build: BuildArgs,
    /// Do not write: fail if a committed copy differs from what the build generates.
    #[arg(long)]
    check: bool,
}

pub fn run(args: &BindingsArgs) -> Result<ExitCode, String> {
    let mut stale = 0;
    let mut copies = 0;
    for built in args.build.build()? {
        let Some(copy) = &built.project.settings.bindings else {
            continue;
        };
        copies += 1;
        let copy = built.project.dir.join(copy);
        let generated = built.out.join("contracts.rs");
        let fresh =
            fs::read(&generated).map_err(|error| format!("{}: {error}", generated.display()))?;
        let current = fs::read(&copy).ok();
        match (args.check, current.as_deref() == Some(fresh.as_slice())) {
            (_, true) => println!("{}: {} is up to date", built.project.name, copy.display()),
            (true, false) => {
                eprintln!(
                    "{}: {} is stale (run `cargo evmove bindings`)",
                    built.project.name,
                    copy.display()
                );
                stale += 1;
            }
            (false, false) => {
                fs::write(&copy, &fresh).map_err(|error| format!("{}: {error}", copy.display()))?;
                println!("{}: wrote {}", built.project.name, copy.display());
            }
        }
    }
    if copies == 0 {
        return Err(
            "no project sets [package.metadata.evmove] bindings = \"<file>\" (where to commit its bindings)"
                .to_owned(),
        );
    }
    Ok(match stale {
        0 => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    })
}
