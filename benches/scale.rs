//! How the gazetteer stage scales with the number of aliases: 10k and 100k
//! generated aliases (1M with `RECON_BENCH_1M=1`), added to the default
//! model, scanned over the committed news corpus (`benches/data/corpus/`);
//! and how extraction scales with text length (1 KB, 100 KB, 10 MB).
//!
//! The gazetteers are generated reproducibly from the embedded name lists
//! (given name + surname people) and designator patterns (letters, hyphen,
//! number): no large file is committed. Build time and memory are printed
//! once per size; criterion measures the scans.
//!
//! Run: `cargo bench --bench scale`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use recon::Extractor;
use std::hint::black_box;
use std::time::Instant;

#[path = "support/generate.rs"]
mod generate;
use generate::generated;

/// The committed articles of `benches/data/corpus/`, separated by blank
/// lines and repeated, cut to `bytes` (on a character boundary).
fn news(bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 8192);
    for a in generate::corpus_articles().iter().cycle() {
        if s.len() >= bytes {
            break;
        }
        s.push_str(a.trim_end());
        s.push_str("\n\n");
    }
    let mut end = bytes.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s
}

fn gazetteer_sizes(c: &mut Criterion) {
    let text = news(1 << 20);
    let docs: Vec<&str> = text.split("\n\n").collect();
    let mut sizes = vec![10_000, 100_000];
    if std::env::var_os("RECON_BENCH_1M").is_some() {
        sizes.push(1_000_000);
    }
    let mut g = c.benchmark_group("gazetteer_size");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(10);
    for n in sizes {
        let entries = generated(n);
        let t = Instant::now();
        let mut b = Extractor::builder();
        b.default_rules(false);
        for e in entries {
            b.entry(e);
        }
        let ex = b.build().expect("generated gazetteer builds");
        eprintln!(
            "gazetteer with {n} generated aliases (+ defaults): built in {:?}, {} aliases, matching tables {} MB",
            t.elapsed(),
            ex.gazetteer().aliases_len(),
            ex.memory_usage() / 1_000_000
        );
        let gaz = ex.gazetteer().clone();
        g.bench_function(format!("tokenize+gazetteer/{n}"), |b| {
            b.iter(|| {
                for d in &docs {
                    black_box(gaz.find_all(black_box(d)).len());
                }
            })
        });
    }
    g.finish();
}

fn text_lengths(c: &mut Criterion) {
    let ex = Extractor::new();
    black_box(ex.extract("warm up"));
    let mut g = c.benchmark_group("text_length");
    g.sample_size(10);
    for (name, bytes) in [("1KB", 1_000), ("100KB", 100_000), ("10MB", 10_000_000)] {
        let text = news(bytes);
        g.throughput(Throughput::Bytes(text.len() as u64));
        let gaz = ex.gazetteer().clone();
        g.bench_function(format!("tokenize+gazetteer/{name}"), |b| {
            b.iter(|| black_box(gaz.find_all(black_box(&text)).len()))
        });
        if bytes <= 100_000 {
            g.bench_function(format!("extract/{name}"), |b| {
                b.iter(|| black_box(ex.extract(black_box(&text)).entities().len()))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, gazetteer_sizes, text_lengths);
criterion_main!(benches);
