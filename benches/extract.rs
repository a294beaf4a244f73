//! Throughput of each stage on news-like text: the tokenizer, the
//! tokenizer plus the default gazetteer, and the whole pipeline.
//!
//! Run: `cargo bench --bench extract` (or `-- corpus`, `-- generated`).
//! Two inputs of about 4 MB each:
//!
//! - `stages/corpus/*`: the committed articles of `benches/data/corpus/`
//!   (twelve news articles written for this project, about 74 KB), one
//!   document per article, repeated;
//! - `stages/generated/*`: text from `generated_news` in
//!   `benches/support/generate.rs` (sentence templates filled from the
//!   embedded name lists and gazetteer), split into documents at blank lines.
//!
//! `batch/*` runs `Extractor::extract_batch` over the articles on one and
//! on two threads.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use recon::tokenize::Tokenizer;
use recon::Extractor;
use std::hint::black_box;

#[path = "support/generate.rs"]
mod generate;

/// About how much text each input holds.
const TARGET_BYTES: usize = 4 << 20;

/// The committed articles, one document each, cycled to about 4 MB.
fn corpus_docs() -> Vec<&'static str> {
    // Catch an article added to the folder but not to `generate::CORPUS`.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/data/corpus");
    if let Ok(entries) = std::fs::read_dir(dir) {
        let files = entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
            .count();
        assert_eq!(files, generate::CORPUS.len(), "update generate::CORPUS to list {dir}/*.txt");
    }
    let mut docs = Vec::new();
    let mut total = 0;
    for a in generate::corpus_articles().iter().cycle() {
        if total >= TARGET_BYTES {
            break;
        }
        docs.push(*a);
        total += a.len();
    }
    docs
}

/// Documents of a generated text: its paragraphs and titles, split at blank lines.
fn split_docs(text: &str) -> Vec<&str> {
    text.split("\n\n").filter(|d| !d.trim().is_empty()).collect()
}

fn stages(c: &mut Criterion) {
    let generated = generate::generated_news(TARGET_BYTES, 42);
    let inputs = [("corpus", corpus_docs()), ("generated", split_docs(&generated))];
    let ex = Extractor::new();
    // Warm the lazily built default model before measuring.
    black_box(ex.extract("warm up"));
    // The pipeline stage by stage: gazetteer + conflicts + linking, then
    // with the entity rules, then with the relation rules (the default).
    let no_rules = Extractor::builder().default_rules(false).build().unwrap();
    let entity_rules = Extractor::builder()
        .default_rules(false)
        .rules_str(include_str!("../data/rules/entities.rules"), Some("entities.rules"))
        .build()
        .unwrap();
    let tk = Tokenizer::new();
    let gaz = ex.gazetteer();

    for (input, docs) in &inputs {
        let bytes: usize = docs.iter().map(|d| d.len()).sum();
        let mut g = c.benchmark_group(format!("stages/{input}"));
        g.throughput(Throughput::Bytes(bytes as u64));
        g.sample_size(10);

        let mut tokens = Vec::new();
        g.bench_function("tokenize", |b| {
            b.iter(|| {
                for d in docs {
                    tk.tokenize_into(black_box(d), &mut tokens);
                    black_box(tokens.len());
                }
            })
        });
        let mut sentences = Vec::new();
        g.bench_function("tokenize+sentences", |b| {
            b.iter(|| {
                for d in docs {
                    tk.tokenize_into(black_box(d), &mut tokens);
                    tk.sentences_into(d, &tokens, &mut sentences);
                    black_box(sentences.len());
                }
            })
        });
        g.bench_function("tokenize+gazetteer", |b| {
            b.iter(|| {
                for d in docs {
                    black_box(gaz.find_all(black_box(d)).len());
                }
            })
        });
        let mut doc = recon::Document::new("");
        for (name, x) in [
            ("extract: gazetteer, no rules", &no_rules),
            ("extract: + entity rules", &entity_rules),
            ("extract: full pipeline", &ex),
        ] {
            g.bench_function(name, |b| {
                b.iter(|| {
                    for d in docs {
                        x.extract_into(black_box(d), &mut doc);
                        black_box(doc.entities().len());
                    }
                })
            });
        }
        g.finish();
    }
}

/// The batch API over the committed articles: one thread, then two (the
/// issue asks two to give at least 1.8 times one).
fn batch(c: &mut Criterion) {
    let docs = corpus_docs();
    let bytes: usize = docs.iter().map(|d| d.len()).sum();
    let ex = Extractor::new();
    black_box(ex.extract("warm up"));
    let mut g = c.benchmark_group("batch");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    for threads in [1, 2] {
        g.bench_function(format!("extract_batch/{threads} threads"), |b| {
            b.iter(|| black_box(ex.extract_batch(black_box(&docs), threads).len()))
        });
    }
    g.finish();
}

fn build(c: &mut Criterion) {
    let mut g = c.benchmark_group("build");
    g.sample_size(10);
    g.bench_function("default model", |b| {
        b.iter_batched(|| (), |()| Extractor::builder().build().unwrap(), BatchSize::PerIteration)
    });
    g.finish();
}

criterion_group!(benches, stages, batch, build);
criterion_main!(benches);
