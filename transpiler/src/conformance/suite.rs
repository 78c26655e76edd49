//! A whole run over files and directories (feature `vm`): the files found, each test run
//! and judged, the report.
//!
//! Directories are walked recursively for `*.json` files, in path order. Tests run on the
//! worker threads [`run_files`] is given (`evmove statetest`: one per core unless `-j` says
//! otherwise) sharing one [`Runner`], so each code is compiled once for the whole run. A file that cannot be read or parsed is reported as an
//! error, and counts as one failure.

use std::{
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Mutex,
    },
    time::{Duration, Instant},
};

use serde_json::{json, Value};

use super::{
    check::{GasLeft, Verdict},
    file::{self, TestCase},
    run::Runner,
};

/// The result of one test.
#[derive(Clone, Debug)]
pub struct TestResult {
    /// The file it came from.
    pub file: PathBuf,
    /// Its name in the file.
    pub name: String,
    /// The judgement.
    pub verdict: Verdict,
    /// The gas left, expected and found, of a VMTest that succeeded (not judged: see
    /// `super::check`).
    pub gas_left: Option<GasLeft>,
    /// How long it took (compiling its codes included, when it was the first to need them).
    pub elapsed: Duration,
}

/// A file that could not be read as VMTests or blockchain tests.
#[derive(Clone, Debug)]
pub struct FileError {
    /// The file.
    pub file: PathBuf,
    /// Why.
    pub message: String,
}

/// Everything a run found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Every test, in file order, then name order.
    pub tests: Vec<TestResult>,
    /// Files that could not be read or parsed.
    pub errors: Vec<FileError>,
    /// How long the whole run took.
    pub elapsed: Duration,
}

impl Report {
    /// Tests that passed.
    pub fn passed(&self) -> usize {
        self.count(|verdict| matches!(verdict, Verdict::Passed))
    }

    /// Tests that failed, plus files that could not be read.
    pub fn failed(&self) -> usize {
        self.count(|verdict| matches!(verdict, Verdict::Failed(_))) + self.errors.len()
    }

    /// Tests skipped.
    pub fn skipped(&self) -> usize {
        self.count(|verdict| matches!(verdict, Verdict::Skipped(_)))
    }

    /// Of the tests whose gas left is compared, how many agree, and how many there are.
    pub fn gas_left_agreeing(&self) -> (usize, usize) {
        let compared: Vec<GasLeft> = self.tests.iter().filter_map(|test| test.gas_left).collect();
        let agreeing = compared.iter().filter(|gas| gas.agrees()).count();
        (agreeing, compared.len())
    }

    fn count(&self, what: impl Fn(&Verdict) -> bool) -> usize {
        self.tests.iter().filter(|test| what(&test.verdict)).count()
    }

    /// The final line: `N passed, M failed, K skipped`.
    pub fn summary(&self) -> String {
        format!(
            "{} passed, {} failed, {} skipped",
            self.passed(),
            self.failed(),
            self.skipped()
        )
    }

    /// The machine-readable report.
    pub fn to_json(&self) -> Value {
        let tests: Vec<Value> = self
            .tests
            .iter()
            .map(|test| {
                let (verdict, detail) = match &test.verdict {
                    Verdict::Passed => ("passed", Value::Null),
                    Verdict::Failed(differences) => ("failed", json!(differences)),
                    Verdict::Skipped(reason) => ("skipped", json!(reason)),
                };
                let gas_left = test.gas_left.map_or(
                    Value::Null,
                    |gas| json!({ "expected": gas.expected, "found": gas.found }),
                );
                json!({
                    "file": test.file.display().to_string(),
                    "name": test.name,
                    "verdict": verdict,
                    "detail": detail,
                    "gas_left": gas_left,
                    "millis": test.elapsed.as_secs_f64() * 1000.0,
                })
            })
            .collect();
        let errors: Vec<Value> = self
            .errors
            .iter()
            .map(
                |error| json!({ "file": error.file.display().to_string(), "error": error.message }),
            )
            .collect();
        json!({
            "passed": self.passed(),
            "failed": self.failed(),
            "skipped": self.skipped(),
            "seconds": self.elapsed.as_secs_f64(),
            "tests": tests,
            "errors": errors,
        })
    }
}

/// The `*.json` files under `paths` (a file is taken as it is, a directory walked), sorted
/// within each directory; an unreadable directory is an error.
pub fn find_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        let metadata = std::fs::metadata(path)
            .map_err(|error| format!("{}: cannot read: {error}", path.display()))?;
        if metadata.is_dir() {
            walk(path, &mut files)?;
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|error| format!("{}: cannot read: {error}", dir.display()))?;
    let mut paths = entries
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| format!("{}: cannot read: {error}", dir.display()))?;
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "json") {
            files.push(path);
        }
    }
    Ok(())
}

/// Progress of a run: tests done so far, of how many, and the last test finished.
pub type Progress<'a> = &'a (dyn Fn(usize, usize, &str) + Sync);

/// Runs every test of `files` on `threads` workers sharing `runner`.
pub fn run_files(
    runner: &Runner,
    files: &[PathBuf],
    threads: usize,
    progress: Progress<'_>,
) -> Report {
    let start = Instant::now();
    let mut report = Report::default();
    let mut work: Vec<(PathBuf, String, TestCase)> = Vec::new();
    for file in files {
        match file::load(file) {
            Ok(tests) => work.extend(
                tests
                    .into_iter()
                    .map(|(name, test)| (file.clone(), name, test)),
            ),
            Err(error) => report.errors.push(FileError {
                file: file.clone(),
                message: error.to_string(),
            }),
        }
    }
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<TestResult>>> = Mutex::new(vec![None; work.len()]);
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some((file, name, test)) = work.get(index) else {
                    return;
                };
                let began = Instant::now();
                let (verdict, gas_left) = runner.run_case(test);
                let result = TestResult {
                    file: file.clone(),
                    name: name.clone(),
                    verdict,
                    gas_left,
                    elapsed: began.elapsed(),
                };
                if let Ok(mut results) = results.lock() {
                    results[index] = Some(result);
                }
                let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                progress(finished, work.len(), name);
            });
        }
    });
    let results = results
        .into_inner()
        .unwrap_or_else(|poison| poison.into_inner());
    report.tests = results.into_iter().flatten().collect();
    report.elapsed = start.elapsed();
    report
}
