//! The work done for one unit on a worker thread: extracting the document
//! and rendering it in the output format, so that the writer only copies
//! bytes out in order.

use super::input::Unit;
use super::{display_id, one_line, Item};
use crate::OutputFormat;
use recon::output::WithId;
use recon::{Document, Extractor};
use std::io::{self, Write};

/// What the writer gets for one unit of input.
pub(crate) enum Out {
    Doc(Rendered),
    Failed { id: serde_json::Value, error: String },
}

/// A document extracted and rendered.
pub(crate) struct Rendered {
    pub(crate) id: serde_json::Value,
    /// The document's length in bytes and, when it was cut to the size
    /// limit, the length it was cut to.
    pub(crate) len: usize,
    pub(crate) cut: Option<usize>,
    /// The rendering: a JSON Lines record with its newline, an element of
    /// the `json` array (no separator), a pretty, CoNLL or DOT block, or
    /// the brat annotations (`.ann`).
    pub(crate) bytes: io::Result<Vec<u8>>,
    /// For brat files (`--out-dir`), the text read (`.txt`).
    pub(crate) text: Option<String>,
}

/// How documents are rendered.
pub(crate) struct Renderer<'a> {
    pub(crate) ex: &'a Extractor,
    pub(crate) format: OutputFormat,
    pub(crate) color: bool,
    /// Brat goes to files (`--out-dir`): the text is kept for its `.txt`.
    pub(crate) files: bool,
    pub(crate) lossy: bool,
}

impl Renderer<'_> {
    /// Decodes, extracts and renders `unit`; `None` for a blank line.
    pub(crate) fn unit(&self, unit: Unit) -> Option<Out> {
        unit.parse(self.lossy).map(|item| self.render(item))
    }

    /// Extracts and renders the document of `item`.
    fn render(&self, item: Item) -> Out {
        let (id, mut text) = match item {
            Item::Doc { id, text } => (id, text),
            Item::Failed { id, error } => return Out::Failed { id, error },
        };
        let mut doc = self.ex.extract(&text);
        let (len, kept) = (text.len(), doc.text().len());
        let cut = doc.truncated().then_some(kept);
        let mut bytes = Vec::new();
        let written = self.write(&mut bytes, &id, &mut doc);
        let keep = self.files && written.is_ok();
        drop(doc);
        let text = keep.then(|| {
            // The document was cut on a character boundary.
            text.truncate(kept);
            text
        });
        Out::Doc(Rendered { id, len, cut, bytes: written.map(|()| bytes), text })
    }

    fn write(
        &self,
        out: &mut Vec<u8>,
        id: &serde_json::Value,
        doc: &mut Document<'_>,
    ) -> io::Result<()> {
        match self.format {
            OutputFormat::Jsonl => recon::output::append_jsonl(id, doc, out),
            OutputFormat::Json => {
                serde_json::to_writer_pretty(out, &WithId { id, doc }).map_err(io::Error::from)
            }
            OutputFormat::Pretty => {
                doc.set_id(display_id(id));
                recon::output::write_pretty(doc, &mut *out, self.color)?;
                writeln!(out)
            }
            OutputFormat::Brat => {
                if !self.files {
                    writeln!(out, "# {}", one_line(&display_id(id)))?;
                }
                recon::output::write_brat(doc, out)
            }
            OutputFormat::Conll => {
                doc.set_id(display_id(id));
                recon::output::write_conll(doc, out)
            }
            OutputFormat::Graphviz => {
                doc.set_id(display_id(id));
                recon::output::write_dot(doc, out)
            }
        }
    }
}
