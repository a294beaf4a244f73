//! Writing the results, in input order, on the main thread: the rendered
//! bytes of each document, the `json` array's separators, brat files, and
//! the records of input that could not be read.

use super::render::{Out, Rendered};
use super::{display_id, one_line};
use crate::OutputFormat;
use std::io::{self, Write};
use std::path::PathBuf;

/// Where the results go, and what was written so far.
pub(crate) struct Sink<W: Write> {
    out: W,
    format: OutputFormat,
    /// Elements of the `json` array written so far.
    json_items: usize,
    /// `--out-dir` for brat, and the file stems used so far there.
    out_dir: Option<PathBuf>,
    stems: std::collections::HashSet<String>,
    /// Some input could not be read.
    pub(crate) failed: bool,
}

impl<W: Write> Sink<W> {
    pub(crate) fn new(out: W, format: OutputFormat, out_dir: Option<PathBuf>) -> Self {
        Sink { out, format, json_items: 0, out_dir, stems: Default::default(), failed: false }
    }

    /// Writes the result of one unit (not flushed: see [`Sink::flush`]).
    pub(crate) fn write(&mut self, out: Out) -> io::Result<()> {
        match out {
            Out::Doc(r) => self.doc(r),
            Out::Failed { id, error } => self.failed(&id, &error),
        }
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn doc(&mut self, r: Rendered) -> io::Result<()> {
        if let Some(cut) = r.cut {
            let (id, len) = (display_id(&r.id), r.len);
            eprintln!("recon: {id}: document of {len} bytes cut to {cut} (the size limit)");
        }
        let bytes = r.bytes?;
        match (&self.out_dir, r.text) {
            (Some(dir), Some(text)) => {
                let base = recon::output::brat_file_stem(&display_id(&r.id));
                let mut stem = base.clone();
                let mut n = 1;
                while !self.stems.insert(stem.clone()) {
                    n += 1;
                    stem = format!("{base}-{n}");
                }
                std::fs::write(dir.join(format!("{stem}.txt")), text)?;
                std::fs::write(dir.join(format!("{stem}.ann")), bytes)
            }
            _ if self.format == OutputFormat::Json => {
                self.json_separator()?;
                self.out.write_all(&bytes)
            }
            _ => self.out.write_all(&bytes),
        }
    }

    fn failed(&mut self, id: &serde_json::Value, error: &str) -> io::Result<()> {
        self.failed = true;
        eprintln!("recon: {}: {error}", display_id(id));
        let v = serde_json::json!({ "id": id, "error": error });
        let shown = display_id(id);
        let id = one_line(&shown);
        match self.format {
            OutputFormat::Jsonl => {
                serde_json::to_writer(&mut self.out, &v).map_err(io::Error::from)?;
                self.out.write_all(b"\n")
            }
            OutputFormat::Json => {
                self.json_separator()?;
                serde_json::to_writer_pretty(&mut self.out, &v).map_err(io::Error::from)
            }
            OutputFormat::Pretty => writeln!(self.out, "== {shown} ==\nerror: {error}\n"),
            OutputFormat::Brat if self.out_dir.is_some() => Ok(()),
            OutputFormat::Brat => writeln!(self.out, "# {id}\n# error: {}", one_line(error)),
            OutputFormat::Conll => {
                writeln!(self.out, "# id = {id}\n# error = {}\n", one_line(error))
            }
            OutputFormat::Graphviz => writeln!(self.out, "// {id}: error: {}", one_line(error)),
        }
    }

    /// Opens the `json` array or separates its elements.
    fn json_separator(&mut self) -> io::Result<()> {
        self.out.write_all(if self.json_items == 0 { b"[\n" } else { b",\n" })?;
        self.json_items += 1;
        Ok(())
    }

    /// Closes the `json` array and flushes.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        if self.format == OutputFormat::Json {
            self.out.write_all(if self.json_items == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()
    }
}
