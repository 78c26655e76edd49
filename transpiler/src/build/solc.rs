//! Opt-in Solidity compilation: a solc binary or a solc-js directory the user names, driven
//! by standard JSON. Never downloads a compiler.

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
    /// solc's version (`0.8.30+commit.73712a01.Linux.g++`).
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

/// The Solidity compiler the user named: a solc binary, or a solc-js directory (the npm
/// `solc` package, or a directory with it under `node_modules/`) driven with `node`.
#[derive(Clone, Debug)]
pub(super) enum Compiler {
    /// A solc binary, run with `--standard-json`.
    Binary(PathBuf),
    /// A solc-js directory, whose `compile` function `node` runs on the standard JSON.
    SolcJs(PathBuf),
}

/// The `node` program driving solc-js: the package's path is its argument, the standard
/// JSON its stdin; it prints solc's version on a line, then the standard-JSON output.
const SOLC_JS_DRIVER: &str = "const solc = require(process.argv[1]); const chunks = []; \
    process.stdin.on('data', (chunk) => chunks.push(chunk)); \
    process.stdin.on('end', () => process.stdout.write(solc.version() + '\\n' + \
    solc.compile(Buffer.concat(chunks).toString())));";

impl Compiler {
    /// The binary or directory, as errors name it.
    pub(super) fn path(&self) -> &Path {
        match self {
            Self::Binary(path) | Self::SolcJs(path) => path,
        }
    }

    /// What the manifest calls it: `solc` or `solc-js`.
    pub(super) fn kind(&self) -> &'static str {
        match self {
            Self::Binary(_) => "solc",
            Self::SolcJs(_) => "solc-js",
        }
    }

    /// Compiles standard-JSON `input`: the output, or solc's errors as a
    /// [`BuildError::Solc`] (warnings are not errors).
    pub(super) fn compile(&self, input: &Value) -> Result<SolcOutput, BuildError> {
        let run_error = |what: String| BuildError::SolcRun {
            solc: self.path().to_owned(),
            what,
        };
        let (version, stdout) = match self {
            Self::Binary(solc) => {
                let version = run(Command::new(solc).arg("--version"), b"").map_err(run_error)?;
                let version = String::from_utf8_lossy(&version);
                let version = (version.lines())
                    .find_map(|line| line.strip_prefix("Version: "))
                    .unwrap_or("unknown")
                    .trim()
                    .to_owned();
                let mut command = Command::new(solc);
                command.arg("--standard-json");
                let output = run(&mut command, input.to_string().as_bytes());
                (version, output.map_err(run_error)?)
            }
            Self::SolcJs(dir) => {
                let package = solc_js_package(dir).map_err(run_error)?;
                let mut command = Command::new("node");
                command.args(["-e", SOLC_JS_DRIVER]).arg(package);
                let output = run(&mut command, input.to_string().as_bytes()).map_err(run_error)?;
                let (version, json) = match output.iter().position(|&byte| byte == b'\n') {
                    Some(end) => (&output[..end], output[end + 1..].to_vec()),
                    None => (&output[..], Vec::new()),
                };
                (String::from_utf8_lossy(version).trim().to_owned(), json)
            }
        };
        let json: Value = serde_json::from_slice(&stdout)
            .map_err(|error| run_error(format!("gave no standard-JSON output ({error})")))?;
        let errors = errors_of(&json);
        if !errors.is_empty() {
            return Err(BuildError::Solc {
                solc: self.path().to_owned(),
                errors,
            });
        }
        Ok(SolcOutput {
            json: stdout,
            version,
        })
    }
}

/// The npm `solc` package of solc-js directory `dir`: `dir/node_modules/solc`, or `dir`
/// itself; absolute, for `node`'s `require`.
fn solc_js_package(dir: &Path) -> Result<PathBuf, String> {
    let installed = dir.join("node_modules").join("solc");
    let package = match installed.join("package.json").is_file() {
        true => installed,
        false => dir.to_owned(),
    };
    if !package.join("soljson.js").is_file() {
        return Err(
            "is not a solc-js directory (no soljson.js in it or in node_modules/solc)".into(),
        );
    }
    package
        .canonicalize()
        .map_err(|error| format!("cannot be resolved: {error}"))
}

/// Runs `command` with `input` on its stdin: its stdout, or what went wrong (its stderr
/// when it failed).
fn run(command: &mut Command, input: &[u8]) -> Result<Vec<u8>, String> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("cannot be run: {error}"))?;
    let written = child.stdin.take().map(|mut stdin| stdin.write_all(input));
    let output = child
        .wait_with_output()
        .map_err(|error| format!("did not finish: {error}"))?;
    if let Some(Err(error)) = written {
        return Err(format!("did not read its input: {error}"));
    }
    if !output.status.success() && output.stdout.is_empty() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("failed ({}): {}", output.status, stderr.trim()));
    }
    Ok(output.stdout)
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
