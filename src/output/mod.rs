//! Writers for extraction results: JSON Lines (the output contract), a
//! readable terminal view, BRAT standoff, CoNLL BIO columns and Graphviz DOT.

mod brat;
mod conll;
mod graphviz;
mod json;
mod pretty;

pub use crate::document::WithId;
pub use brat::{brat_file_stem, write_brat, write_brat_files};
pub use conll::write_conll;
pub use graphviz::write_dot;
pub use json::append_jsonl;
pub use pretty::write_pretty;

use crate::document::Document;
use std::io::{self, Write};

/// Writes `doc` as one line of JSON (the output contract), then a newline.
///
/// # Errors
///
/// The writer's I/O errors.
///
/// # Examples
///
/// ```
/// let ex = recon::Extractor::new();
/// let mut doc = ex.extract("Taiwan");
/// doc.set_id("d1");
/// let mut out = Vec::new();
/// recon::output::write_jsonl(&doc, &mut out)?;
/// let line = String::from_utf8(out).unwrap();
/// assert!(line.starts_with(r#"{"id":"d1","entities":[{"start":0,"end":6,"text":"Taiwan""#));
/// assert!(line.ends_with("\n"));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_jsonl<W: Write>(doc: &Document<'_>, mut w: W) -> io::Result<()> {
    let mut line = Vec::new();
    append_jsonl(&doc.id, doc, &mut line)?;
    w.write_all(&line)
}
