//! `recon`: the command line over the library. See `recon --help`.

mod cli;

use clap::{Parser, Subcommand, ValueEnum};
use cli::input::Input;
use cli::render::Renderer;
use cli::sink::Sink;
use recon::Extractor;
use std::io::{self, IsTerminal, Write};
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
    /// order); the model is built on two of them.
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

fn run_extract(args: &ExtractArgs) -> io::Result<bool> {
    let defaults_only = args.gazetteers.is_empty()
        && args.rules.is_empty()
        && !args.no_default_gazetteer
        && !args.no_default_rules
        && args.max_document_bytes.is_none();
    // With several threads the model is built on them too: its build is
    // otherwise the run's one long serial step.
    let ex = if defaults_only && args.threads <= 1 {
        Extractor::new()
    } else {
        let mut b = Extractor::builder();
        b.default_gazetteer(!args.no_default_gazetteer).default_rules(!args.no_default_rules);
        b.build_threads(args.threads);
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
    let mut sink = Sink::new(io::BufWriter::new(stdout.lock()), args.output, args.out_dir.clone());
    let renderer = Renderer {
        ex: &ex,
        format: args.output,
        color,
        files: args.out_dir.is_some(),
        lossy: args.lossy,
    };
    let files: Vec<PathBuf> =
        if args.files.is_empty() { vec![PathBuf::from("-")] } else { args.files.clone() };
    cli::run::run(Input::new(files, args.input), args.threads, &renderer, &mut sink)?;
    let ok = !sink.failed;
    sink.finish()?;
    // The process ends here: freeing the model's many small allocations
    // (≈ 18 M instructions for the default one, the shared default is
    // never freed) would only delay the exit.
    std::mem::forget(ex);
    Ok(ok)
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
