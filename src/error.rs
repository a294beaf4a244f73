//! Errors from building an extractor and loading gazetteer and rule files.
//!
//! Extraction itself never fails: only building and loading do.

use std::fmt;

/// Where in a file (or string) an error was found. Lines and columns count
/// from 1; the column counts `char`s, not bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file name, or a name given to a string source.
    pub path: Option<String>,
    /// The 1-based line.
    pub line: usize,
    /// The 1-based column in `char`s.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(p) => write!(f, "{}:{}:{}", p, self.line, self.column),
            None => write!(f, "line {}, column {}", self.line, self.column),
        }
    }
}

/// The kinds of error recon reports.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading a file failed.
    #[error("{0}")]
    Io(String),
    /// The input is not valid UTF-8; `offset` is the first bad byte.
    #[error("invalid UTF-8 at byte offset {offset}")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// An alias (or canonical name) is empty.
    #[error("empty alias")]
    EmptyAlias,
    /// A TSV header names a column recon does not know.
    #[error(
        "unknown column {0:?} (known: canonical, label, aliases, id, case, match_canonical, meta.KEY)"
    )]
    UnknownColumn(String),
    /// A TSV header lacks a required column.
    #[error("missing required column {0:?}")]
    MissingColumn(String),
    /// A TSV header names the same column twice.
    #[error("column {0:?} appears twice")]
    DuplicateColumn(String),
    /// A TSV data line has the wrong number of fields.
    #[error("expected {expected} tab-separated fields, found {found}")]
    FieldCount {
        /// Fields in the header.
        expected: usize,
        /// Fields on the line.
        found: usize,
    },
    /// A backslash escape other than `\t`, `\n`, `\\` or `\|`.
    #[error("bad escape {0:?} (allowed: \\t, \\n, \\\\, \\|)")]
    BadEscape(String),
    /// Two entries share a stable id.
    #[error("duplicate id {0:?}")]
    DuplicateId(String),
    /// A required field is empty.
    #[error("empty {0}")]
    EmptyField(String),
    /// A field's value is not allowed (e.g. an unknown `case` mode).
    #[error("invalid {field} {value:?}")]
    InvalidValue {
        /// The field.
        field: String,
        /// The value found.
        value: String,
    },
    /// A JSON Lines record could not be read.
    #[error("invalid JSON record: {0}")]
    Json(String),
    /// A rule file could not be parsed or compiled.
    #[error("{0}")]
    Rule(String),
    /// A configured limit was exceeded.
    #[error("limit exceeded: {0}")]
    Limit(String),
    /// Building the gazetteer's matching tables failed (too large).
    #[error("cannot build matcher: {0}")]
    Build(String),
    /// Several errors from one source; the valid parts were still loaded.
    #[error("{}", join_lines(.0))]
    Many(Vec<Error>),
}

fn join_lines(errors: &[Error]) -> String {
    errors.iter().map(Error::to_string).collect::<Vec<_>>().join("\n")
}

/// An error from building or loading, with its location where it has one.
///
/// `Display` gives `path:line:column: message`.
///
/// # Examples
///
/// ```
/// use recon::{ErrorKind, GazetteerBuilder};
///
/// let mut gaz = GazetteerBuilder::new();
/// let tsv = "canonical\tlabel\taliases\nSu-35\tWEAPON_SYSTEM\tSu-35S||Flanker-E\n";
/// let err = gaz.add_tsv_str(tsv, Some("weapons.tsv")).unwrap_err();
/// assert_eq!(err.to_string(), "weapons.tsv:2:28: empty alias");
/// assert!(matches!(err.kind(), ErrorKind::EmptyAlias));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    location: Option<Location>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error { kind, location: None }
    }

    pub(crate) fn at(kind: ErrorKind, path: Option<&str>, line: usize, column: usize) -> Error {
        Error { kind, location: Some(Location { path: path.map(str::to_owned), line, column }) }
    }

    pub(crate) fn many(mut errors: Vec<Error>) -> Error {
        if errors.len() == 1 {
            errors.pop().expect("one error")
        } else {
            Error::new(ErrorKind::Many(errors))
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Where it went wrong, when the error comes from a file or string
    /// source.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// The errors inside: several for [`ErrorKind::Many`], else this one.
    pub fn errors(&self) -> &[Error] {
        match &self.kind {
            ErrorKind::Many(v) => v,
            _ => std::slice::from_ref(self),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(loc) => write!(f, "{}: {}", loc, self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

impl std::error::Error for Error {}

/// The located error for bytes that are not UTF-8: the offset of the first
/// bad byte, with its line and column.
pub(crate) fn not_utf8(e: &std::string::FromUtf8Error, name: Option<&str>) -> Error {
    let offset = e.utf8_error().valid_up_to();
    let good = String::from_utf8_lossy(&e.as_bytes()[..offset]);
    let line = good.matches('\n').count() + 1;
    let column = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Error::at(ErrorKind::NotUtf8 { offset }, name, line, column)
}

/// The 1-based `char` column of byte offset `byte` in `line`.
pub(crate) fn column_of(line: &str, byte: usize) -> usize {
    let byte = byte.min(line.len());
    line.char_indices().take_while(|&(i, _)| i < byte).count() + 1
}
