//! Times recon in process over a JSON Lines corpus (`{"id", "text"}` a
//! line), as `benches/compare/compare.py` times the Python tools: the
//! model is built first, then each document is matched; the median of three
//! passes is printed in seconds.
//!
//! ```sh
//! cargo run --release --example time_extract -- gazetteer GAZ.tsv corpus.jsonl
//! cargo run --release --example time_extract -- pipeline corpus.jsonl
//! cargo run --release --example time_extract -- rules RULES.rules corpus.jsonl
//! ```
//!
//! `gazetteer` builds a gazetteer of GAZ.tsv alone and times
//! `Gazetteer::find_all` (tokenizer + gazetteer); `pipeline` times
//! `Extractor::extract` with the embedded default model; `rules` times it
//! with the default gazetteer and the rules of RULES.rules in place of the
//! default rules (`benches/rule_costs.py` uses it to cost each rule).

use recon::{Extractor, GazetteerBuilder};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, file, corpus) = match args.as_slice() {
        [m, g, c] if m == "gazetteer" => (m.as_str(), Some(g.as_str()), c.as_str()),
        [m, r, c] if m == "rules" => (m.as_str(), Some(r.as_str()), c.as_str()),
        [m, c] if m == "pipeline" => (m.as_str(), None, c.as_str()),
        _ => {
            return Err(
                "usage: time_extract gazetteer GAZ.tsv CORPUS.jsonl | pipeline CORPUS.jsonl \
                 | rules RULES.rules CORPUS.jsonl"
                    .into(),
            )
        }
    };
    let mut texts = Vec::new();
    for line in std::fs::read_to_string(corpus)?.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        texts.push(v["text"].as_str().unwrap_or_default().to_owned());
    }
    let mut found = 0usize;
    // `file` is the gazetteer in `gazetteer` mode, the rules in `rules`
    // mode, and none in `pipeline` mode.
    let mut pass: Box<dyn FnMut() -> usize> = match (mode, file) {
        ("gazetteer", Some(path)) => {
            let mut b = GazetteerBuilder::new();
            b.add_path(path)?;
            let g = b.build()?;
            let texts = &texts;
            Box::new(move || texts.iter().map(|t| g.find_all(t).len()).sum())
        }
        (_, rules) => {
            let ex = match rules {
                Some(path) => Extractor::builder().default_rules(false).rules_path(path).build()?,
                None => Extractor::new(),
            };
            let texts = &texts;
            Box::new(move || texts.iter().map(|t| ex.extract(t).entities().len()).sum())
        }
    };
    let mut times: Vec<f64> = (0..3)
        .map(|_| {
            let t = Instant::now();
            found = pass();
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    eprintln!("{found} entities a pass");
    println!("{:.4}", times[1]);
    Ok(())
}
