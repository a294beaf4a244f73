//! Reading the input into units: whole files (`--input text`) or lines
//! (`--input jsonl`). Units are read in input order, under a lock when
//! several threads share the input; decoding and parsing a unit
//! ([`Unit::parse`]) is left to the thread that extracts it.

use super::Item;
use crate::InputFormat;
use std::io::{self, BufRead, Read};
use std::path::PathBuf;
use std::sync::Arc;

/// A unit of input as read, not yet decoded.
pub(crate) enum Unit {
    /// A whole file, or the error reading it.
    File { name: String, bytes: io::Result<Vec<u8>> },
    /// One line of a JSON Lines file, without its line end.
    Line { name: Arc<str>, lineno: usize, offset: usize, bytes: Vec<u8> },
    /// A JSON Lines file that could not be opened or read on.
    Broken { name: Arc<str>, error: io::Error },
}

impl Unit {
    /// The bytes the unit holds, to size the chunks handed to workers.
    pub(crate) fn len(&self) -> usize {
        match self {
            Unit::File { bytes: Ok(b), .. } | Unit::Line { bytes: b, .. } => b.len(),
            Unit::File { .. } | Unit::Broken { .. } => 0,
        }
    }

    /// Decodes and parses the unit; `None` for a blank line.
    pub(crate) fn parse(self, lossy: bool) -> Option<Item> {
        match self {
            Unit::File { name, bytes: Ok(bytes) } => Some(match decode(bytes, lossy) {
                Ok(text) => Item::Doc { id: name.into(), text },
                Err(offset) => Item::Failed {
                    error: format!(
                        "{name}: invalid UTF-8 at byte offset {offset} (use --lossy to replace bad bytes)"
                    ),
                    id: name.into(),
                },
            }),
            Unit::File { name, bytes: Err(e) } => {
                Some(Item::Failed { error: format!("{name}: {e}"), id: name.into() })
            }
            Unit::Line { name, lineno, offset, bytes } => {
                jsonl_item(bytes, &name, lineno, offset, lossy)
            }
            Unit::Broken { name, error } => {
                Some(Item::Failed { id: serde_json::Value::Null, error: format!("{name}: {error}") })
            }
        }
    }
}

/// The units of a list of files (`-` is standard input), in order.
pub(crate) struct Input {
    files: std::vec::IntoIter<PathBuf>,
    format: InputFormat,
    /// The JSON Lines file being read.
    lines: Option<Lines>,
}

/// A JSON Lines file being read, and where in it.
struct Lines {
    name: Arc<str>,
    reader: Box<dyn BufRead + Send>,
    /// Lines read so far.
    lineno: usize,
    /// Byte offset of the next line.
    offset: usize,
}

impl Input {
    pub(crate) fn new(files: Vec<PathBuf>, format: InputFormat) -> Input {
        Input { files: files.into_iter(), format, lines: None }
    }
}

impl Iterator for Input {
    type Item = Unit;

    fn next(&mut self) -> Option<Unit> {
        loop {
            if let Some(lines) = &mut self.lines {
                match lines.next() {
                    Some(Ok(unit)) => return Some(unit),
                    // A read error ends the file: what follows cannot be
                    // told apart from what was lost.
                    Some(Err(error)) => {
                        let name = lines.name.clone();
                        self.lines = None;
                        return Some(Unit::Broken { name, error });
                    }
                    None => self.lines = None,
                }
            }
            let path = self.files.next()?;
            let name = if path.as_os_str() == "-" {
                "stdin".to_owned()
            } else {
                path.display().to_string()
            };
            match self.format {
                InputFormat::Text => return Some(Unit::File { bytes: read_all(&path), name }),
                InputFormat::Jsonl => {
                    let name: Arc<str> = name.into();
                    let reader: Box<dyn BufRead + Send> = if path.as_os_str() == "-" {
                        Box::new(io::BufReader::new(io::stdin()))
                    } else {
                        match std::fs::File::open(&path) {
                            Ok(f) => Box::new(io::BufReader::new(f)),
                            Err(error) => return Some(Unit::Broken { name, error }),
                        }
                    };
                    self.lines = Some(Lines { name, reader, lineno: 0, offset: 0 });
                }
            }
        }
    }
}

impl Lines {
    /// The next line as bytes (so that a line that is not UTF-8 can be
    /// reported with its offset), without `\n` or `\r\n`.
    fn next(&mut self) -> Option<io::Result<Unit>> {
        let mut bytes = Vec::new();
        match self.reader.read_until(b'\n', &mut bytes) {
            Ok(0) => None,
            Ok(read) => {
                let (lineno, offset) = (self.lineno + 1, self.offset);
                self.lineno = lineno;
                self.offset += read;
                if bytes.last() == Some(&b'\n') {
                    bytes.pop();
                }
                if bytes.last() == Some(&b'\r') {
                    bytes.pop();
                }
                Some(Ok(Unit::Line { name: self.name.clone(), lineno, offset, bytes }))
            }
            Err(e) => Some(Err(e)),
        }
    }
}

/// A JSON Lines record as a document, or why it is not one; `None` for a
/// blank line.
fn jsonl_item(
    line: Vec<u8>,
    name: &str,
    lineno: usize,
    line_offset: usize,
    lossy: bool,
) -> Option<Item> {
    if line.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let text = match decode(line, lossy) {
        Ok(t) => t,
        Err(off) => {
            return Some(Item::Failed {
                id: serde_json::Value::Null,
                error: format!(
                    "{name}:{lineno}: invalid UTF-8 at byte offset {}",
                    line_offset + off
                ),
            })
        }
    };
    let value: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            return Some(Item::Failed {
                id: serde_json::Value::Null,
                error: format!("{name}:{lineno}: not JSON: {e}"),
            })
        }
    };
    // The fields are moved out, not copied (a value that is not an object
    // has neither).
    let mut fields = match value {
        serde_json::Value::Object(fields) => fields,
        _ => serde_json::Map::new(),
    };
    let id = fields.remove("id").unwrap_or(serde_json::Value::Null);
    match fields.remove("text") {
        Some(serde_json::Value::String(text)) => Some(Item::Doc { id, text }),
        Some(_) => {
            Some(Item::Failed { id, error: format!("{name}:{lineno}: \"text\" is not a string") })
        }
        None => Some(Item::Failed { id, error: format!("{name}:{lineno}: no \"text\" field") }),
    }
}

fn read_all(path: &PathBuf) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        io::stdin().read_to_end(&mut bytes)?;
    } else {
        std::fs::File::open(path)?.read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

/// Decodes UTF-8; on failure returns the offset of the first bad byte,
/// unless `lossy`.
fn decode(bytes: Vec<u8>, lossy: bool) -> Result<String, usize> {
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) if lossy => Ok(String::from_utf8_lossy(e.as_bytes()).into_owned()),
        Err(e) => Err(e.utf8_error().valid_up_to()),
    }
}
