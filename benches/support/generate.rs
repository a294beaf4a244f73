//! Reproducible large gazetteers for benchmarks: people from the embedded
//! name lists and designators from a letter-number pattern. Shared by
//! `benches/scale.rs` and `examples/gen_gazetteer.rs`.

use recon::Entry;

const GIVEN: &str = include_str!("../../data/lexicons/given_names.txt");
const SURNAMES: &str = include_str!("../../data/lexicons/surnames.txt");

pub fn words(list: &str) -> Vec<&str> {
    list.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).map(str::trim).collect()
}

/// `n` aliases: half people ("Given Surname"), half designators
/// ("QX-1234"), in entries of two aliases each. The same `n` gives the same
/// gazetteer on every run.
pub fn generated(n: usize) -> Vec<Entry> {
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
