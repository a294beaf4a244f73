//! Throughput of each stage on news-like text: the tokenizer, the
//! tokenizer plus the default gazetteer, and the whole pipeline.
//!
//! Run: `cargo bench --bench extract`. Inputs: `benches/data/news.txt`
//! (written for this project), repeated to about 4 MB.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use recon::tokenize::Tokenizer;
use recon::Extractor;
use std::hint::black_box;

fn corpus() -> String {
    let one = include_str!("data/news.txt");
    let copies = (4 << 20) / one.len() + 1;
    let mut s = String::with_capacity(one.len() * copies);
    for _ in 0..copies {
        s.push_str(one);
        s.push('\n');
    }
    s
}

/// News split into articles of about 2 KB, as a feed delivers them.
fn articles(text: &str) -> Vec<&str> {
    text.split("\n\n").collect()
}

fn stages(c: &mut Criterion) {
    let text = corpus();
    let docs = articles(&text);
    let ex = Extractor::new();
    // Warm the lazily built default model before measuring.
    black_box(ex.extract("warm up"));

    let mut g = c.benchmark_group("stages");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(10);

    let tk = Tokenizer::new();
    let mut tokens = Vec::new();
    g.bench_function("tokenize", |b| {
        b.iter(|| {
            for d in &docs {
                tk.tokenize_into(black_box(d), &mut tokens);
                black_box(tokens.len());
            }
        })
    });
    let mut sentences = Vec::new();
    g.bench_function("tokenize+sentences", |b| {
        b.iter(|| {
            for d in &docs {
                tk.tokenize_into(black_box(d), &mut tokens);
                tk.sentences_into(d, &tokens, &mut sentences);
                black_box(sentences.len());
            }
        })
    });
    let gaz = ex.gazetteer();
    g.bench_function("tokenize+gazetteer", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(gaz.find_all(black_box(d)).len());
            }
        })
    });
    // The pipeline stage by stage: gazetteer + conflicts + linking, then
    // with the entity rules, then with the relation rules (the default).
    let no_rules = Extractor::builder().default_rules(false).build().unwrap();
    let entity_rules = Extractor::builder()
        .default_rules(false)
        .rules_str(include_str!("../data/rules/entities.rules"), Some("entities.rules"))
        .build()
        .unwrap();
    let mut doc = recon::Document::new("");
    for (name, x) in [
        ("extract: gazetteer, no rules", &no_rules),
        ("extract: + entity rules", &entity_rules),
        ("extract: full pipeline", &ex),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                for d in &docs {
                    x.extract_into(black_box(d), &mut doc);
                    black_box(doc.entities().len());
                }
            })
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

criterion_group!(benches, stages, build);
criterion_main!(benches);
