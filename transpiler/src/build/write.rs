//! The output directory: files written only when their content changed, and files an
//! earlier build wrote that this one did not (a contract removed) deleted.

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
};

use super::error::BuildError;

/// The subdirectories whose files belong to one build: what it did not produce goes.
const OWNED_DIRECTORIES: [&str; 3] = ["modules", "code", "abi"];

/// Where earlier builds may have written Move packages' modules.
const MOVE_PACKAGES: &str = "move/build";

/// The output directory of one build.
pub(super) struct Outputs {
    dir: PathBuf,
    /// The Move package's module directory (relative), if this build writes one.
    package_modules: Option<String>,
    /// Every file this build produced (written or kept), relative to `dir`.
    produced: BTreeSet<PathBuf>,
    /// Those whose content changed.
    written: Vec<PathBuf>,
}

impl Outputs {
    pub fn new(dir: PathBuf, package_modules: Option<String>) -> Self {
        Self {
            dir,
            package_modules,
            produced: BTreeSet::new(),
            written: Vec::new(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` to `file` (relative to the directory) unless it holds them already;
    /// its full path.
    pub fn write(&mut self, file: &str, bytes: &[u8]) -> Result<PathBuf, BuildError> {
        let path = self.dir.join(file);
        self.produced.insert(PathBuf::from(file));
        if fs::read(&path).is_ok_and(|old| old == bytes) {
            return Ok(path);
        }
        let write_error = |error| BuildError::Write {
            path: path.clone(),
            error,
        };
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(write_error)?;
        }
        fs::write(&path, bytes).map_err(write_error)?;
        self.written.push(PathBuf::from(file));
        Ok(path)
    }

    /// Keeps `file` as an earlier build wrote it; false if it is not there.
    pub fn keep(&mut self, file: &str) -> bool {
        let there = self.dir.join(file).is_file();
        if there {
            self.produced.insert(PathBuf::from(file));
        }
        there
    }

    /// Deletes the files of the owned subdirectories this build did not produce, and what
    /// is under `move/` of a Move package this build does not write.
    pub fn remove_stale(&self) -> Result<(), BuildError> {
        let stale_packages: Vec<PathBuf> = match &self.package_modules {
            None => vec![self.dir.join("move")],
            Some(modules) => (fs::read_dir(self.dir.join(MOVE_PACKAGES))
                .into_iter()
                .flatten())
            .flatten()
            .map(|package| package.path())
            .filter(|package| !self.dir.join(modules).starts_with(package))
            .collect(),
        };
        for path in stale_packages.into_iter().filter(|path| path.is_dir()) {
            fs::remove_dir_all(&path).map_err(|error| BuildError::Write { path, error })?;
        }
        let owned = OWNED_DIRECTORIES
            .iter()
            .copied()
            .chain(self.package_modules.as_deref());
        for sub in owned {
            let Ok(entries) = fs::read_dir(self.dir.join(sub)) else {
                continue;
            };
            for entry in entries.flatten() {
                let relative = Path::new(sub).join(entry.file_name());
                if !self.produced.contains(&relative) {
                    let path = entry.path();
                    fs::remove_file(&path).map_err(|error| BuildError::Write { path, error })?;
                }
            }
        }
        Ok(())
    }

    /// The files whose content this build changed, in the order written.
    pub fn written(&self) -> Vec<PathBuf> {
        self.written.clone()
    }
}
