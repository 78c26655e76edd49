//! The input files of a project: artifact files given one by one, and the artifact files
//! found in directories given (Foundry `out/`, Hardhat `artifacts/`, a folder of solc output).

use std::{
    fs,
    path::{Path, PathBuf},
};

use super::error::BuildError;

/// The extensions of artifact files looked for in a directory: JSON artifacts and raw hex.
const ARTIFACT_EXTENSIONS: [&str; 3] = ["json", "hex", "bin"];

/// Directories never searched: compiler build info repeats every contract of a build
/// (Foundry's and Hardhat's `build-info/`), and Foundry's `cache/` holds no artifacts.
const SKIPPED_DIRECTORIES: [&str; 2] = ["build-info", "cache"];

/// The artifact files of `paths`, in a stable order (sorted within each directory): a file
/// as it is, a directory searched recursively for `.json`, `.hex` and `.bin` files, leaving
/// out build info and Hardhat's debug files (`*.dbg.json`).
pub(super) fn artifact_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, BuildError> {
    let mut files = Vec::new();
    for path in paths {
        let metadata = fs::metadata(path).map_err(|error| read_error(path, error))?;
        match metadata.is_dir() {
            true => search(path, &mut files)?,
            false => files.push(path.clone()),
        }
    }
    Ok(files)
}

/// The `.sol` files of `paths` (files as they are, directories searched recursively),
/// for solc.
pub(super) fn solidity_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, BuildError> {
    let mut files = Vec::new();
    for path in paths {
        let metadata = fs::metadata(path).map_err(|error| read_error(path, error))?;
        match metadata.is_dir() {
            true => walk(path, &|file| has_extension(file, &["sol"]), &mut files)?,
            false => files.push(path.clone()),
        }
    }
    Ok(files)
}

fn search(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), BuildError> {
    let is_artifact = |file: &Path| {
        let debug_info = file
            .file_name()
            .is_some_and(|name| name.to_string_lossy().ends_with(".dbg.json"));
        has_extension(file, &ARTIFACT_EXTENSIONS) && !debug_info
    };
    walk(dir, &is_artifact, files)
}

/// The files under `dir` that `keep` keeps, sorted by path, skipping [`SKIPPED_DIRECTORIES`].
fn walk(
    dir: &Path,
    keep: &dyn Fn(&Path) -> bool,
    files: &mut Vec<PathBuf>,
) -> Result<(), BuildError> {
    let entries = fs::read_dir(dir).map_err(|error| read_error(dir, error))?;
    let mut paths = entries
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| read_error(dir, error))?;
    paths.sort();
    for path in paths {
        if path.is_dir() {
            let skipped = path
                .file_name()
                .is_some_and(|name| SKIPPED_DIRECTORIES.iter().any(|skip| name == *skip));
            if !skipped {
                walk(&path, keep, files)?;
            }
        } else if keep(&path) {
            files.push(path);
        }
    }
    Ok(())
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .is_some_and(|ext| extensions.iter().any(|wanted| ext == *wanted))
}

fn read_error(path: &Path, error: std::io::Error) -> BuildError {
    BuildError::Read {
        path: path.to_owned(),
        error,
    }
}
