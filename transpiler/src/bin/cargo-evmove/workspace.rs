//! The workspace `cargo evmove` works on: its evmove projects (packages with `evmove` as a
//! build-dependency), their settings (`[package.metadata.evmove]`), and a build of them that
//! says where each one's build script wrote (`OUT_DIR/evmove`).

use std::{
    io::BufReader,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::Duration,
};

use cargo_metadata::{DependencyKind, Message, MetadataCommand, Package};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Deserialize;

/// A package whose build script runs `evmove::build`.
pub struct Project {
    /// The package's name.
    pub name: String,
    /// Its id, as cargo's build messages name it.
    id: String,
    /// Its directory.
    pub dir: PathBuf,
    /// Its `[package.metadata.evmove]`.
    pub settings: Settings,
}

/// `[package.metadata.evmove]`.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Where the package commits a copy of its generated bindings (relative to the
    /// package), which `cargo evmove bindings` writes and `bindings --check` compares.
    pub bindings: Option<PathBuf>,
    /// A solc-js directory for the build script's Solidity (relative to the package):
    /// `cargo evmove` gives it to cargo as `SOLCJS` unless that is set already.
    #[serde(rename = "solc-js")]
    pub solc_js: Option<PathBuf>,
}

/// The `SOLCJS` the projects' settings name for the cargo that builds them (absolute), if
/// any does and the environment does not set one; projects naming different ones are an
/// error, as one cargo builds them all.
pub fn solc_js(projects: &[Project]) -> Result<Option<PathBuf>, String> {
    if std::env::var_os(evmove::build::SOLC_JS_VARIABLE).is_some() {
        return Ok(None);
    }
    let mut named: Option<(PathBuf, &str)> = None;
    for project in projects {
        let Some(dir) = &project.settings.solc_js else {
            continue;
        };
        let dir = project.dir.join(dir);
        match &named {
            Some((first, by)) if *first != dir => {
                let (first, dir) = (first.display(), dir.display());
                let name = &project.name;
                return Err(format!(
                    "{by} and {name} name different solc-js directories ({first} and {dir}): \
                     build them apart (-p)"
                ));
            }
            Some(_) => {}
            None => named = Some((dir, &project.name)),
        }
    }
    Ok(named.map(|(dir, _)| dir))
}

/// A project, built: where its build script's outputs are.
pub struct Built {
    pub project: Project,
    /// `OUT_DIR/evmove`.
    pub out: PathBuf,
}

/// The evmove projects of the workspace around the current directory: those named by
/// `packages`, else the package the current directory is in (if it is one), else all.
pub fn projects(packages: &[String]) -> Result<Vec<Project>, String> {
    let metadata = MetadataCommand::new()
        .no_deps()
        .exec()
        .map_err(|error| format!("cannot read the cargo workspace: {error}"))?;
    let all: Vec<&Package> = metadata
        .workspace_packages()
        .into_iter()
        .filter(|package| is_project(package))
        .collect();
    let here = std::env::current_dir().map_err(|error| error.to_string())?;
    let chosen: Vec<&Package> = match packages {
        [] => match all
            .iter()
            .find(|package| here.starts_with(package_dir(package)))
        {
            Some(package) => vec![*package],
            None => all,
        },
        names => {
            let mut chosen = Vec::new();
            for name in names {
                let found = all.iter().find(|package| package.name.as_str() == name);
                chosen.push(*found.ok_or_else(|| {
                    format!("no package {name} with evmove as a build-dependency in this workspace")
                })?);
            }
            chosen
        }
    };
    if chosen.is_empty() {
        return Err(
            "no package of this workspace has evmove as a build-dependency (see `cargo evmove new`)"
                .to_owned(),
        );
    }
    chosen
        .into_iter()
        .map(|package| {
            let settings = match package.metadata.get("evmove") {
                Some(value) => Settings::deserialize(value).map_err(|error| {
                    format!(
                        "{}: [package.metadata.evmove]: {error}",
                        package.manifest_path
                    )
                })?,
                None => Settings::default(),
            };
            Ok(Project {
                name: package.name.to_string(),
                id: package.id.repr.clone(),
                dir: package_dir(package),
                settings,
            })
        })
        .collect()
}

fn is_project(package: &Package) -> bool {
    package
        .dependencies
        .iter()
        .any(|dep| dep.name == "evmove" && dep.kind == DependencyKind::Build)
}

fn package_dir(package: &Package) -> PathBuf {
    let manifest: &Path = package.manifest_path.as_ref();
    manifest.parent().unwrap_or(Path::new(".")).to_owned()
}

/// Builds `projects` with cargo (a progress line while it works, cargo's errors on
/// stderr): each project with its output directory.
pub fn build(projects: Vec<Project>, release: bool) -> Result<Vec<Built>, String> {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or("cargo".into()));
    command.args(["build", "--message-format=json-render-diagnostics"]);
    if let Some(dir) = solc_js(&projects)? {
        command.env(evmove::build::SOLC_JS_VARIABLE, dir);
    }
    for project in &projects {
        command.args(["-p", &project.name]);
    }
    if release {
        command.arg("--release");
    }
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    let progress = ProgressBar::new_spinner();
    progress
        .set_style(ProgressStyle::with_template("{spinner} {elapsed} {msg}").expect("a template"));
    progress.enable_steady_tick(Duration::from_millis(120));
    progress.set_message("cargo build");
    let mut out_dirs = Vec::new();
    let stdout = child.stdout.take().expect("stdout is piped");
    for message in Message::parse_stream(BufReader::new(stdout)).flatten() {
        match message {
            Message::CompilerArtifact(artifact) => {
                progress.set_message(format!("cargo build: {}", artifact.target.name));
            }
            Message::BuildScriptExecuted(script) => {
                out_dirs.push((script.package_id.repr, PathBuf::from(script.out_dir)));
            }
            _ => {}
        }
    }
    progress.finish_and_clear();
    let status = child.wait().map_err(|error| error.to_string())?;
    if !status.success() {
        return Err("cargo build failed".to_owned());
    }
    projects
        .into_iter()
        .map(|project| {
            let out = out_dirs
                .iter()
                .find(|(id, _)| *id == project.id)
                .map(|(_, dir)| dir.join("evmove"))
                .filter(|out| out.join("manifest.json").is_file())
                .ok_or_else(|| {
                    format!(
                        "{}: its build script wrote no evmove output (does build.rs call evmove::build?)",
                        project.name
                    )
                })?;
            Ok(Built { project, out })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(name: &str, solc_js: Option<&str>) -> Project {
        Project {
            name: name.to_owned(),
            id: name.to_owned(),
            dir: PathBuf::from("/ws").join(name),
            settings: Settings {
                bindings: None,
                solc_js: solc_js.map(PathBuf::from),
            },
        }
    }

    #[test]
    fn the_projects_solc_js_is_theirs_made_absolute_and_must_be_one() {
        if std::env::var_os(evmove::build::SOLC_JS_VARIABLE).is_some() {
            return; // the environment's wins: nothing to set
        }
        let none = [project("a", None)];
        assert_eq!(solc_js(&none), Ok(None));
        let one = [project("a", None), project("b", Some("../tools"))];
        assert_eq!(solc_js(&one), Ok(Some(PathBuf::from("/ws/b/../tools"))));
        let same = [
            project("a", Some("../tools")),
            project("b", Some("../tools")),
        ];
        assert!(
            solc_js(&same).is_err(),
            "relative to each package: different"
        );
        let agree = [
            project("a", Some("/opt/solc")),
            project("b", Some("/opt/solc")),
        ];
        assert_eq!(solc_js(&agree), Ok(Some(PathBuf::from("/opt/solc"))));
    }
}
