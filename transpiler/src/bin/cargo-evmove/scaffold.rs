//! `cargo evmove new`: a project written from the templates in this binary (`templates/*.tmpl`,
//! the contract and its artifact being `examples/token-project`'s Token), offline. Its
//! `Cargo.lock` is the evmove checkout's: the yanked Move crates resolve only from a lock
//! file, and the project then builds with the versions evmove is tested with.

use std::{
    fs,
    path::{Path, PathBuf},
    process::ExitCode,
};

use clap::Args;

#[derive(Args)]
pub struct NewArgs {
    /// The directory to create (its last component names the package).
    path: PathBuf,
    /// The evmove checkout the project depends on by path.
    #[arg(long, default_value = own_checkout())]
    evmove: PathBuf,
}

/// The evmove checkout this binary was built from.
fn own_checkout() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/..")
}

/// The files of a new project: path, then content (`{{package}}`, `{{crate}}` and
/// `{{evmove}}` filled in).
const TEMPLATES: [(&str, &str); 8] = [
    ("Cargo.toml", include_str!("templates/Cargo.toml.tmpl")),
    ("build.rs", include_str!("templates/build.rs.tmpl")),
    ("src/lib.rs", include_str!("templates/lib.rs.tmpl")),
    ("tests/token.rs", include_str!("templates/token.rs.tmpl")),
    ("README.md", include_str!("templates/README.md.tmpl")),
    (".gitignore", "/target\n"),
    (
        "contracts/Token.sol",
        include_str!("../../../../examples/token-project/contracts/Token.sol"),
    ),
    (
        "contracts/artifacts/Token.json",
        include_str!("../../../../examples/token-project/contracts/artifacts/Token.json"),
    ),
];

pub fn run(args: &NewArgs) -> Result<ExitCode, String> {
    let package = package_name(&args.path)?;
    let evmove = fs::canonicalize(&args.evmove)
        .map_err(|error| format!("--evmove {}: {error}", args.evmove.display()))?;
    let lock = evmove.join("Cargo.lock");
    if !evmove.join("transpiler/Cargo.toml").is_file() || !lock.is_file() {
        return Err(format!(
            "{} is not an evmove checkout (no transpiler/Cargo.toml or Cargo.lock)",
            evmove.display()
        ));
    }
    if fs::read_dir(&args.path).is_ok_and(|mut dir| dir.next().is_some()) {
        return Err(format!("{} exists and is not empty", args.path.display()));
    }
    let evmove_text = evmove.display().to_string();
    let fill = |template: &str| {
        template
            .replace("{{package}}", &package)
            .replace("{{crate}}", &package.replace('-', "_"))
            .replace("{{evmove}}", &evmove_text.replace('\\', "/"))
    };
    for (file, template) in TEMPLATES {
        write(&args.path.join(file), fill(template).as_bytes())?;
    }
    let lock = fs::read(&lock).map_err(|error| format!("{}: {error}", lock.display()))?;
    write(&args.path.join("Cargo.lock"), &lock)?;
    println!(
        "created {package} in {} (evmove at {evmove_text}); try: cd {} && cargo test",
        args.path.display(),
        args.path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The package name of a project at `path`: its last component, which must be a cargo
/// package name that is also a Rust identifier once `-` becomes `_`.
fn package_name(path: &Path) -> Result<String, String> {
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .ok_or_else(|| {
            format!(
                "{}: no directory name to name the package after",
                path.display()
            )
        })?;
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    match valid {
        true => Ok(name.to_owned()),
        false => Err(format!(
            "{name} is not a package name: a letter, then letters, digits, `-` or `_`"
        )),
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|error| format!("{}: {error}", parent.display()))?;
    }
    fs::write(path, bytes).map_err(|error| format!("{}: {error}", path.display()))
}
