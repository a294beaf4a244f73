//! `recon`: the command line over the library. See `recon --help`.

use clap::{Parser, Subcommand, ValueEnum};
use recon::output::WithId;
use recon::{Document, Extractor};
use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "recon",
    version,
    about = "Extract entities and relations from defence and security news"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract entities (and relations) from documents.
    Extract(ExtractArgs),
    /// Score predictions (`recon extract` JSON Lines) against gold
    /// annotations: precision, recall and F1 per label and micro-averaged.
    Eval(EvalArgs),
}

#[derive(Parser)]
struct ExtractArgs {
    /// How to read the input: `text` (each FILE is one document, id = its
    /// path) or `jsonl` (one {"id", "text"} object a line).
    #[arg(long, value_enum, default_value = "text")]
    input: InputFormat,
    /// How to write the results.
    #[arg(long, value_enum, default_value = "jsonl")]
    output: OutputFormat,
    /// A gazetteer file to add (TSV, or JSON Lines if it ends in .jsonl).
    #[arg(long = "gazetteer", value_name = "FILE")]
    gazetteers: Vec<PathBuf>,
    /// Leave out the embedded default gazetteer.
    #[arg(long)]
    no_default_gazetteer: bool,
    /// A rule file to add (entity and relation rules; see docs/RULES.md).
    #[arg(long = "rules", value_name = "FILE")]
    rules: Vec<PathBuf>,
    /// Leave out the embedded default rules.
    #[arg(long)]
    no_default_rules: bool,
    /// Extract on this many threads (documents still come out in input
    /// order).
    #[arg(long, default_value_t = 1, value_name = "N")]
    threads: usize,
    /// Replace bytes that are not UTF-8 with U+FFFD instead of failing.
    #[arg(long)]
    lossy: bool,
    /// Read at most this many bytes of each document (cut on a character
    /// boundary, with a warning); default 64 MiB.
    #[arg(long, value_name = "BYTES")]
    max_document_bytes: Option<usize>,
    /// With `--output brat`: write `<id>.txt` and `<id>.ann` per document
    /// into DIR (created if missing; ids made safe as file names) instead of
    /// printing the annotations.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Input files; none or `-` reads standard input.
    files: Vec<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum InputFormat {
    Text,
    Jsonl,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum OutputFormat {
    Jsonl,
    Json,
    Pretty,
    /// BRAT standoff (`.ann`; character offsets).
    Brat,
    /// One token a line with its BIO tag.
    Conll,
    /// Graphviz DOT: entities as nodes, relations as edges.
    Graphviz,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Extract(args) => match run_extract(&args) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::from(1),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("recon: {e}");
                ExitCode::from(2)
            }
        },
        Command::Eval(args) => run_eval(&args),
    }
}

/// One unit of input: a document, or a record that could not be read.
enum Item {
    Doc { id: serde_json::Value, text: String },
    Failed { id: serde_json::Value, error: String },
}

impl Item {
    /// A file of JSON Lines that could not be opened or read on.
    fn io_failure(name: &str, e: &io::Error) -> Item {
        Item::Failed { id: serde_json::Value::Null, error: format!("{name}: {e}") }
    }
}

/// Writes results as they come, flushing after each document in jsonl
/// mode so that a consumer sees them at once.
struct Sink<W: Write> {
    out: W,
    format: OutputFormat,
    color: bool,
    /// Elements of the `json` array written so far.
    json_items: usize,
    /// `--out-dir` for brat, and the file stems used so far there.
    out_dir: Option<PathBuf>,
    stems: std::collections::HashSet<String>,
}

/// One JSON Lines record: the document with its id, then a newline.
fn write_jsonl(mut w: impl Write, id: &serde_json::Value, doc: &Document<'_>) -> io::Result<()> {
    serde_json::to_writer(&mut w, &WithId { id, doc }).map_err(io::Error::from)?;
    w.write_all(b"\n")
}

/// What a worker hands back for one document: the document, or, for JSON
/// Lines on several threads, its record written already.
enum Done<'t> {
    Doc(Document<'t>),
    Record(io::Result<Vec<u8>>),
}

impl<W: Write> Sink<W> {
    fn doc(&mut self, id: &serde_json::Value, doc: &Document<'_>) -> io::Result<()> {
        match self.format {
            OutputFormat::Jsonl | OutputFormat::Json => {
                if self.format == OutputFormat::Json {
                    return self.json_item(&WithId { id, doc });
                }
                write_jsonl(&mut self.out, id, doc)?;
                self.out.flush()
            }
            OutputFormat::Pretty => {
                let mut d = doc.clone();
                d.set_id(match id {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                });
                recon::output::write_pretty(&d, &mut self.out, self.color)?;
                writeln!(self.out)?;
                self.out.flush()
            }
            OutputFormat::Brat => match &self.out_dir {
                Some(dir) => {
                    let base = recon::output::brat_file_stem(&display_id(id));
                    let mut stem = base.clone();
                    let mut n = 1;
                    while !self.stems.insert(stem.clone()) {
                        n += 1;
                        stem = format!("{base}-{n}");
                    }
                    recon::output::write_brat_files(doc, dir, &stem)
                }
                None => {
                    writeln!(self.out, "# {}", one_line(&display_id(id)))?;
                    recon::output::write_brat(doc, &mut self.out)?;
                    self.out.flush()
                }
            },
            OutputFormat::Conll => {
                let mut d = doc.clone();
                d.set_id(display_id(id));
                recon::output::write_conll(&d, &mut self.out)?;
                self.out.flush()
            }
            OutputFormat::Graphviz => {
                let mut d = doc.clone();
                d.set_id(display_id(id));
                recon::output::write_dot(&d, &mut self.out)?;
                self.out.flush()
            }
        }
    }

    /// A JSON Lines record serialised already (newline included); written
    /// without a flush (see [`Sink::flush`]).
    fn record(&mut self, line: &[u8]) -> io::Result<()> {
        self.out.write_all(line)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn failed(&mut self, id: &serde_json::Value, error: &str) -> io::Result<()> {
        eprintln!("recon: {}: {error}", display_id(id));
        let v = serde_json::json!({ "id": id, "error": error });
        match self.format {
            OutputFormat::Jsonl => {
                serde_json::to_writer(&mut self.out, &v).map_err(io::Error::from)?;
                self.out.write_all(b"\n")?;
                self.out.flush()
            }
            OutputFormat::Json => self.json_item(&v),
            OutputFormat::Pretty => {
                writeln!(self.out, "== {} ==\nerror: {error}\n", display_id(id))?;
                self.out.flush()
            }
            OutputFormat::Brat if self.out_dir.is_some() => Ok(()),
            OutputFormat::Brat => {
                writeln!(
                    self.out,
                    "# {}\n# error: {}",
                    one_line(&display_id(id)),
                    one_line(error)
                )?;
                self.out.flush()
            }
            OutputFormat::Conll => {
                writeln!(
                    self.out,
                    "# id = {}\n# error = {}\n",
                    one_line(&display_id(id)),
                    one_line(error)
                )?;
                self.out.flush()
            }
            OutputFormat::Graphviz => {
                writeln!(self.out, "// {}: error: {}", one_line(&display_id(id)), one_line(error))?;
                self.out.flush()
            }
        }
    }

    /// One element of the `json` array, written as it comes.
    fn json_item<T: serde::Serialize>(&mut self, item: &T) -> io::Result<()> {
        self.out.write_all(if self.json_items == 0 { b"[\n" } else { b",\n" })?;
        self.json_items += 1;
        serde_json::to_writer_pretty(&mut self.out, item).map_err(io::Error::from)
    }

    fn finish(mut self) -> io::Result<()> {
        if self.format == OutputFormat::Json {
            self.out.write_all(if self.json_items == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()
    }
}

fn display_id(id: &serde_json::Value) -> String {
    match id {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn run_extract(args: &ExtractArgs) -> io::Result<bool> {
    let defaults_only = args.gazetteers.is_empty()
        && args.rules.is_empty()
        && !args.no_default_gazetteer
        && !args.no_default_rules
        && args.max_document_bytes.is_none();
    let ex = if defaults_only {
        Extractor::new()
    } else {
        let mut b = Extractor::builder();
        b.default_gazetteer(!args.no_default_gazetteer).default_rules(!args.no_default_rules);
        for g in &args.gazetteers {
            b.gazetteer_path(g);
        }
        for r in &args.rules {
            b.rules_path(r);
        }
        if let Some(max) = args.max_document_bytes {
            b.limits(recon::Limits { max_document_bytes: max, ..Default::default() });
        }
        match b.build() {
            Ok(ex) => ex,
            Err(e) => {
                eprintln!("recon: cannot build the extractor:\n{e}");
                return Ok(false);
            }
        }
    };
    let stdout = io::stdout();
    let color = args.output == OutputFormat::Pretty && stdout.is_terminal();
    if let Some(dir) = &args.out_dir {
        if args.output != OutputFormat::Brat {
            eprintln!("recon: --out-dir is only for --output brat");
            return Ok(false);
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?;
    }
    let mut sink = Sink {
        out: io::BufWriter::new(stdout.lock()),
        format: args.output,
        color,
        json_items: 0,
        out_dir: args.out_dir.clone(),
        stems: Default::default(),
    };
    let mut ok = true;
    let files: Vec<PathBuf> =
        if args.files.is_empty() { vec![PathBuf::from("-")] } else { args.files.clone() };
    // Documents are extracted in batches on `--threads` threads and written
    // in input order; with one thread each is written as soon as it is read.
    let threads = args.threads.max(1);
    let mut pending: Vec<Item> = Vec::new();
    let mut pending_bytes = 0usize;
    let mut handle = |item: Option<Item>, sink: &mut Sink<_>| -> io::Result<()> {
        if let Some(item) = item {
            pending_bytes += match &item {
                Item::Doc { text, .. } => text.len(),
                Item::Failed { .. } => 0,
            };
            pending.push(item);
            if threads > 1 && pending.len() < 16 * threads && pending_bytes < (8 << 20) {
                return Ok(());
            }
        }
        let items = std::mem::take(&mut pending);
        pending_bytes = 0;
        let (ids, texts): (Vec<&serde_json::Value>, Vec<&str>) = items
            .iter()
            .filter_map(|i| match i {
                Item::Doc { id, text } => Some((id, text.as_str())),
                Item::Failed { .. } => None,
            })
            .unzip();
        // With several threads, a JSON Lines record is written to bytes on
        // the thread that extracted it: serialising is a third of the work,
        // and done here on one thread it would leave the other idle.
        let serialise = sink.format == OutputFormat::Jsonl && threads > 1;
        let done = ex.extract_batch_map(&texts, threads, |i, doc| {
            let cut = doc.truncated().then(|| doc.text().len());
            if serialise {
                let mut line = Vec::new();
                (Done::Record(write_jsonl(&mut line, ids[i], &doc).map(|()| line)), cut)
            } else {
                (Done::Doc(doc), cut)
            }
        });
        let mut done = done.into_iter();
        for item in &items {
            match item {
                Item::Doc { id, text } => {
                    let (out, cut) = done.next().expect("one result per text");
                    if let Some(cut) = cut {
                        let (id, len) = (display_id(id), text.len());
                        eprintln!(
                            "recon: {id}: document of {len} bytes cut to {cut} (the size limit)"
                        );
                    }
                    match out {
                        Done::Doc(doc) => sink.doc(id, &doc)?,
                        Done::Record(line) => sink.record(&line?)?,
                    }
                }
                Item::Failed { id, error } => {
                    ok = false;
                    sink.failed(id, error)?;
                }
            }
        }
        if serialise {
            sink.flush()?;
        }
        Ok(())
    };
    for path in &files {
        let name =
            if path.as_os_str() == "-" { "stdin".to_owned() } else { path.display().to_string() };
        match args.input {
            InputFormat::Text => {
                let item = match read_all(path) {
                    Ok(bytes) => match decode(bytes, args.lossy) {
                        Ok(text) => Item::Doc { id: name.clone().into(), text },
                        Err(offset) => Item::Failed {
                            id: name.clone().into(),
                            error: format!("{name}: invalid UTF-8 at byte offset {offset} (use --lossy to replace bad bytes)"),
                        },
                    },
                    Err(e) => Item::Failed { id: name.clone().into(), error: format!("{name}: {e}") },
                };
                handle(Some(item), &mut sink)?;
            }
            InputFormat::Jsonl => {
                let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
                    Box::new(io::BufReader::new(io::stdin()))
                } else {
                    match std::fs::File::open(path) {
                        Ok(f) => Box::new(io::BufReader::new(f)),
                        Err(e) => {
                            handle(Some(Item::io_failure(&name, &e)), &mut sink)?;
                            continue;
                        }
                    }
                };
                let mut offset = 0usize;
                for (n, line) in split_lines(reader).enumerate() {
                    let line = match line {
                        Ok(l) => l,
                        Err(e) => {
                            handle(Some(Item::io_failure(&name, &e)), &mut sink)?;
                            break;
                        }
                    };
                    let start = offset;
                    offset += line.len() + 1;
                    let item = jsonl_item(&line, &name, n + 1, start, args.lossy);
                    if let Some(item) = item {
                        handle(Some(item), &mut sink)?;
                    }
                }
            }
        }
    }
    handle(None, &mut sink)?;
    sink.finish()?;
    Ok(ok)
}

/// Lines as bytes (without the newline), so that a line that is not UTF-8
/// can be reported with its offset.
fn split_lines<R: BufRead>(mut r: R) -> impl Iterator<Item = io::Result<Vec<u8>>> {
    std::iter::from_fn(move || {
        let mut buf = Vec::new();
        match r.read_until(b'\n', &mut buf) {
            Ok(0) => None,
            Ok(_) => {
                if buf.last() == Some(&b'\n') {
                    buf.pop();
                }
                if buf.last() == Some(&b'\r') {
                    buf.pop();
                }
                Some(Ok(buf))
            }
            Err(e) => Some(Err(e)),
        }
    })
}

fn jsonl_item(
    line: &[u8],
    name: &str,
    lineno: usize,
    line_offset: usize,
    lossy: bool,
) -> Option<Item> {
    if line.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let text = match decode(line.to_vec(), lossy) {
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
    let id = value.get("id").cloned().unwrap_or(serde_json::Value::Null);
    match value.get("text") {
        Some(serde_json::Value::String(s)) => Some(Item::Doc { id, text: s.clone() }),
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

#[derive(Parser)]
struct EvalArgs {
    /// Gold annotations, JSON Lines: the output contract ({"id", "entities":
    /// [{start, end, label}], "relations": [{label, head, tail}]}) or the
    /// re3d gold shape (entities with `type`, relations with
    /// `source`/`target`; offsets in code points).
    gold: PathBuf,
    /// Predictions, JSON Lines in the output contract (`recon extract`).
    pred: PathBuf,
    /// A label map, JSON {"entities": {LABEL: GOLD|null}, "relations": {...}},
    /// applied to prediction labels (e.g. data/eval/re3d_map.json).
    #[arg(long, value_name = "FILE")]
    map: Option<PathBuf>,
    /// Relation arguments may match in either order.
    #[arg(long)]
    undirected: bool,
    /// Drop gold annotations whose `confidence` is below this.
    #[arg(long, value_name = "X")]
    min_confidence: Option<f64>,
    /// Print the results as JSON.
    #[arg(long)]
    json: bool,
}

fn run_eval(args: &EvalArgs) -> ExitCode {
    use recon::eval::{self, EvalError, EvalOptions, LabelMap};
    let read = |p: &PathBuf| {
        std::fs::read_to_string(p).map_err(|e| EvalError {
            source: p.display().to_string(),
            line: None,
            message: e.to_string(),
        })
    };
    let name = |p: &PathBuf| p.display().to_string();
    let result = (|| -> Result<eval::Report, EvalError> {
        let map = match &args.map {
            Some(p) => {
                LabelMap::from_json(&read(p)?).map_err(|e| EvalError { source: name(p), ..e })?
            }
            None => LabelMap::identity(),
        };
        let gold = eval::read_gold(&read(&args.gold)?, &name(&args.gold))?;
        let pred = eval::read_predictions(&read(&args.pred)?, &name(&args.pred))?;
        let opts = EvalOptions {
            map,
            undirected: args.undirected,
            min_confidence: args.min_confidence,
            labels: None,
        };
        Ok(eval::evaluate(&gold, &pred, &opts))
    })();
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("recon: {e}");
            return ExitCode::from(2);
        }
    };
    let mut out = io::stdout().lock();
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &report.to_json())
            .map_err(io::Error::other)
            .and_then(|()| writeln!(out))
    } else {
        report.write_text(&mut out)
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("recon: {e}");
            ExitCode::from(2)
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
