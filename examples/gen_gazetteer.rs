//! Writes a generated gazetteer of about N aliases as TSV on standard
//! output, the same one `cargo bench --bench scale` uses:
//! `cargo run --release --example gen_gazetteer -- 10000 > gaz.tsv`.
//! The comparison script in `benches/compare/` feeds it to every tool.

#[path = "../benches/support/generate.rs"]
mod generate;

use std::io::{self, Write};

fn main() -> io::Result<()> {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let out = io::stdout();
    let mut out = io::BufWriter::new(out.lock());
    writeln!(out, "canonical\tlabel\taliases")?;
    for e in generate::generated(n) {
        let aliases: Vec<&str> = e.aliases().iter().skip(1).map(String::as_str).collect();
        writeln!(out, "{}\t{}\t{}", e.canonical(), e.label(), aliases.join("|"))?;
    }
    out.flush()
}
