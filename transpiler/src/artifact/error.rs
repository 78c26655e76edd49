//! What can go wrong reading an artifact, and where: every error that concerns a value names
//! the contract and the field path it came from, so a user can find it in their file.

use std::{fmt, path::PathBuf};

/// Where a bad value sits in the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// The whole input, read as raw hex.
    Input,
    /// A field of a JSON artifact.
    Field {
        /// The contract, as [`super::Contract::label`] spells it; `None` when the artifact
        /// does not name it.
        contract: Option<String>,
        /// The path of the field inside the contract's object, dot-separated
        /// (`evm.deployedBytecode.object`), or from the top of the file for values that belong
        /// to no contract (`contracts`).
        path: String,
    },
}

impl Location {
    pub(super) fn field(contract: Option<&str>, path: impl Into<String>) -> Self {
        Self::Field {
            contract: contract.map(str::to_owned),
            path: path.into(),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Input => f.write_str("the hex input"),
            Self::Field {
                contract: Some(contract),
                path,
            } => write!(f, "contract `{contract}`, field `{path}`"),
            Self::Field {
                contract: None,
                path,
            } => write!(f, "field `{path}`"),
        }
    }
}

/// One unlinked library placeholder found in code, with every place it occurs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholder {
    /// The 40 characters standing in for the library's address: `__$<34 hex digits>$__`
    /// (solc ≥ 0.5) or `__<name padded with _>__` (older solc, Truffle).
    pub text: String,
    /// The library's fully qualified name (`src/Lib.sol:Lib`), when the artifact's link
    /// references or the placeholder itself give it.
    pub library: Option<String>,
    /// The byte offsets in the code where the 20-byte address belongs.
    pub offsets: Vec<usize>,
}

impl fmt::Display for Placeholder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`", self.text)?;
        if let Some(library) = &self.library {
            write!(f, " (library `{library}`)")?;
        }
        let offsets: Vec<String> = self.offsets.iter().map(usize::to_string).collect();
        let plural = if offsets.len() == 1 { "" } else { "s" };
        write!(f, " at byte{plural} {}", offsets.join(", "))
    }
}

/// An input that does not give usable contracts.
///
/// Messages are complete sentences fit for a user; inner errors (I/O, JSON syntax) are
/// part of the message rather than a `source()`, so printing the error alone says it all.
#[derive(Debug, thiserror::Error)]
pub enum ArtifactError {
    /// Nothing but whitespace, or a bare `0x`.
    #[error("the input is empty: it holds neither JSON nor hex digits")]
    Empty,
    /// The input does not start like JSON, and it is not hex either.
    #[error(
        "the input is neither JSON (it does not start with `{{`) nor hex text: {found} at offset \
         {offset} is not a hex digit"
    )]
    NotHexOrJson {
        /// Byte offset of the first offending byte.
        offset: usize,
        /// The offending character, or the byte in hex when it is not printable.
        found: String,
    },
    /// The input starts like JSON but does not parse.
    #[error("the input starts like JSON but does not parse: {message}")]
    InvalidJson {
        /// `serde_json`'s message, with line and column.
        message: String,
    },
    /// Well-formed JSON in none of the shapes this module reads.
    #[error(
        "JSON of no known artifact shape (tried: {}); found {found}{}",
        super::describe::SHAPES_TRIED,
        hint.map(|hint| format!(". Hint: {hint}")).unwrap_or_default()
    )]
    UnknownShape {
        /// What the top level is: "an object with keys `a`, `b`", "an array", ...
        found: String,
        /// A guess at what the user meant, when there is one.
        hint: Option<&'static str>,
    },
    /// A code field holds a character that is not a hex digit.
    #[error("{at}: {found} at position {position} is not a hex digit")]
    InvalidHex {
        /// The field.
        at: Location,
        /// Byte offset inside the field's text.
        position: usize,
        /// The offending character, or the byte in hex when it is not printable.
        found: String,
    },
    /// Hex with an odd number of digits: half a byte is missing somewhere.
    #[error("{at}: odd number of hex digits ({digits})")]
    OddLengthHex {
        /// The field, or the whole input.
        at: Location,
        /// How many digits there are (whitespace and `0x` not counted).
        digits: usize,
    },
    /// The code still has placeholders where library addresses belong.
    #[error(
        "{at}: unlinked library placeholder{}: {}; link the libraries first (for example \
         `forge build --libraries`, `solc --libraries` or the Hardhat/Truffle link step)",
        if placeholders.len() == 1 { "" } else { "s" },
        placeholders.iter().map(Placeholder::to_string).collect::<Vec<_>>().join("; ")
    )]
    UnlinkedLibrary {
        /// The code field, or the whole input.
        at: Location,
        /// Every distinct placeholder, in order of first occurrence.
        placeholders: Vec<Placeholder>,
    },
    /// A field has the wrong JSON type or layout.
    #[error("{at}: expected {expected}, found {found}")]
    InvalidField {
        /// The field.
        at: Location,
        /// What it should hold.
        expected: &'static str,
        /// What it holds.
        found: String,
    },
    /// The `abi` field is JSON but not a contract ABI.
    #[error("{at}: not a valid ABI: {message}")]
    InvalidAbi {
        /// The field.
        at: Location,
        /// alloy-json-abi's message.
        message: String,
    },
    /// An `immutableReferences` range does not lie inside the runtime code.
    #[error(
        "{at}: immutable {id} is placed at bytes {start}..{start}+{length}, outside the \
         {code_len}-byte runtime code"
    )]
    ImmutableOutOfRange {
        /// The `immutableReferences` field.
        at: Location,
        /// The immutable's AST id.
        id: String,
        /// Start of the range.
        start: usize,
        /// Length of the range.
        length: usize,
        /// Length of the runtime code (0 when there is none).
        code_len: usize,
    },
    /// solc's standard-JSON output reports compile errors.
    #[error("solc reported {} error{}:\n{}", messages.len(), if messages.len() == 1 { "" } else { "s" }, messages.join("\n"))]
    CompileErrors {
        /// Each error's `formattedMessage` (or `message`), in order.
        messages: Vec<String>,
    },
    /// The file could not be read.
    #[error("cannot read {}: {error}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        error: std::io::Error,
    },
    /// An error in a named file (from [`super::load_path`]).
    #[error("{}: {error}", path.display())]
    InFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        error: Box<ArtifactError>,
    },
}

impl ArtifactError {
    /// The error itself, looking through [`ArtifactError::InFile`].
    pub fn kind(&self) -> &ArtifactError {
        match self {
            Self::InFile { error, .. } => error.kind(),
            other => other,
        }
    }
}
