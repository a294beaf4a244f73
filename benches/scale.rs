//! How the gazetteer stage scales with the number of aliases: 10k and 100k
//! generated aliases (1M with `RECON_BENCH_1M=1`), added to the default
//! model, scanned over the news text; and how extraction scales with text
//! length (1 KB, 100 KB, 10 MB).
//!
//! The gazetteers are generated reproducibly from the embedded name lists
//! (given name + surname people) and designator patterns (letters, hyphen,
//! number): no large file is committed. Build time and memory are printed
//! once per size; criterion measures the scans.
//!
//! Run: `cargo bench --bench scale`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use recon::{Entry, Extractor};
use std::hint::black_box;
use std::time::Instant;

const GIVEN: &str = include_str!("../data/lexicons/given_names.txt");
const SURNAMES: &str = include_str!("../data/lexicons/surnames.txt");

fn words(list: &str) -> Vec<&str> {
    list.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).map(str::trim).collect()
}

/// `n` aliases: half people ("Given Surname"), half designators
/// ("QX-1234"), in entries of two aliases each. The same `n` gives the same
/// gazetteer on every run.
fn generated(n: usize) -> Vec<Entry> {
    let given = words(GIVEN);
    let surnames = words(SURNAMES);
    let mut out = Vec::with_capacity(n / 2);
    let letters = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    for i in 0..n / 2 {
        if i % 2 == 0 {
            let g = given[(i * 31) % given.len()];
            let s = surnames[(i * 7919 + i / given.len()) % surnames.len()];
            let name = format!("{g} {s}");
            out.push(Entry::new(name.clone(), "PERSON").alias(format!("{s}, {g}")));
        } else {
            let a = letters[i % letters.len()] as char;
            let b = letters[(i / letters.len()) % letters.len()] as char;
            let num = i / (letters.len() * letters.len()) + 100;
            let d = format!("{a}{b}-{num}");
            out.push(Entry::new(d.clone(), "WEAPON_SYSTEM").alias(format!("{a}{b}-{num} Mk 2")));
        }
    }
    out
}

fn news(bytes: usize) -> String {
    let one = include_str!("data/news.txt");
    let mut s = String::with_capacity(bytes + one.len());
    while s.len() < bytes {
        s.push_str(one);
        s.push('\n');
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
            "gazetteer with {n} generated aliases (+ defaults): built in {:?}, {} aliases, automaton and tables {} MB",
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
