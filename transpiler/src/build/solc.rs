//! Opt-in Solidity compilation: a solc binary the user names, driven by standard JSON.
//! Never downloads a compiler.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use serde_json::{json, Value};

use super::error::BuildError;

/// What solc gave: its standard-JSON output and its version.
pub(super) struct SolcOutput {
    /// The standard-JSON output (contracts only: solc's errors are a [`BuildError::Solc`]).
    pub json: Vec<u8>,
    /// `solc --version`'s version line (`0.8.30+commit.73712a01.Linux.g++`).
    pub version: String,
}

/// The output solc is asked for: what the artifact reader and the bindings use.
const OUTPUT_SELECTION: [&str; 4] = [
    "abi",
    "evm.bytecode.object",
    "evm.deployedBytecode.object",
    "evm.deployedBytecode.immutableReferences",
];

/// The standard-JSON input compiling `sources` (keyed by their paths as given) with
/// `settings` (solc's `settings` object: optimizer, evmVersion, viaIR ...).
pub(super) fn standard_json_input(
    sources: &[PathBuf],
    settings: &Value,
) -> Result<Value, BuildError> {
    let mut contents = serde_json::Map::new();
    for source in sources {
        let content = fs::read_to_string(source).map_err(|error| BuildError::Read {
            path: source.clone(),
            error,
        })?;
        contents.insert(source_key(source), json!({ "content": content }));
    }
    let mut settings = settings.clone();
    if !settings.is_object() {
        settings = json!({});
    }
    settings["outputSelection"] = json!({ "*": { "*": OUTPUT_SELECTION } });
    Ok(json!({ "language": "Solidity", "sources": contents, "settings": settings }))
}

/// A source's key in the standard JSON: its path with `/` separators.
fn source_key(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Runs `solc --standard-json` on `input`: its output, or its errors as a
/// [`BuildError::Solc`] (warnings are not errors).
pub(super) fn compile(solc: &Path, input: &Value) -> Result<SolcOutput, BuildError> {
    let run_error = |what: String| BuildError::SolcRun {
        solc: solc.to_owned(),
        what,
    };
    let version = Command::new(solc)
        .arg("--version")
        .output()
        .map_err(|error| run_error(format!("cannot be run: {error}")))?;
    let version = String::from_utf8_lossy(&version.stdout);
    let version = version
        .lines()
        .find_map(|line| line.strip_prefix("Version: "))
        .unwrap_or("unknown")
        .trim()
        .to_owned();
    let mut child = Command::new(solc)
        .arg("--standard-json")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| run_error(format!("cannot be run: {error}")))?;
    let written = child
        .stdin
        .take()
        .map(|mut stdin| stdin.write_all(input.to_string().as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|error| run_error(format!("did not finish: {error}")))?;
    if let Some(Err(error)) = written {
        return Err(run_error(format!("did not read its input: {error}")));
    }
    let json: Value = serde_json::from_slice(&output.stdout).map_err(|error| {
        let stderr = String::from_utf8_lossy(&output.stderr);
        run_error(format!(
            "gave no standard-JSON output ({error}; exit status {}): {}",
            output.status,
            stderr.trim()
        ))
    })?;
    let errors = errors_of(&json);
    if !errors.is_empty() {
        return Err(BuildError::Solc {
            solc: solc.to_owned(),
            errors,
        });
    }
    Ok(SolcOutput {
        json: output.stdout,
        version,
    })
}

/// The messages of the errors (not warnings or infos) in solc's standard-JSON output.
fn errors_of(output: &Value) -> Vec<String> {
    let Some(errors) = output["errors"].as_array() else {
        return Vec::new();
    };
    errors
        .iter()
        .filter(|error| error["severity"] == "error")
        .map(|error| {
            let message = error["formattedMessage"]
                .as_str()
                .or_else(|| error["message"].as_str())
                .unwrap_or("(no message)");
            message.trim_end().to_owned()
        })
        .collect()
}
