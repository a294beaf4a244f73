//! The output contract's JSON written straight into a byte buffer: the
//! same bytes as `serde_json::to_writer` over the document's `Serialize`
//! impl, without serde's per-field machinery. The command line renders
//! every document this way, and serde's path cost it more than half as
//! much as extraction itself (a call per key and per value, every key
//! escaped byte by byte, the metadata map built per entity, the source
//! formatted into a new `String`).
//!
//! The `Serialize` impls in `src/document.rs` stay the definition of the
//! output (any serde format); this is a copy of them for one format, kept
//! equal by a test on generated documents.

use crate::document::{Document, Entity, Modality, Relation, Source};
use crate::gazetteer::Entry;
use crate::span::Span;
use crate::swar::{has_byte, HIGH, ONES};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io;

/// Appends `doc` with `id` as one line of JSON and a newline to `out`:
/// the bytes of `serde_json::to_writer(out, &WithId { id, doc })` and
/// `\n`, written without going through serde (but for the id).
///
/// # Errors
///
/// The error of serialising `id`, which must serialise to JSON (a
/// `serde_json::Value` always does). `out` then holds part of a line.
///
/// # Examples
///
/// ```
/// let ex = recon::Extractor::new();
/// let doc = ex.extract("Taiwan");
/// let mut out = Vec::new();
/// recon::output::append_jsonl(&7, &doc, &mut out)?;
/// let line = String::from_utf8(out).unwrap();
/// assert!(line.starts_with(r#"{"id":7,"entities":[{"start":0,"end":6,"text":"Taiwan""#));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn append_jsonl<I: Serialize>(id: &I, doc: &Document<'_>, out: &mut Vec<u8>) -> io::Result<()> {
    // About what a line takes, so that the buffer grows once, not once
    // per doubling.
    out.reserve(64 + 192 * doc.entities.len() + 160 * doc.relations.len());
    out.extend_from_slice(b"{\"id\":");
    serde_json::to_writer(&mut *out, id).map_err(io::Error::from)?;
    out.extend_from_slice(b",\"entities\":");
    list(out, &doc.entities, |out, e| entity(out, e, doc.text));
    out.extend_from_slice(b",\"relations\":");
    list(out, &doc.relations, relation);
    out.extend_from_slice(b"}\n");
    Ok(())
}

/// A JSON array of `items`, each written by `item`.
#[inline(always)]
fn list<T>(out: &mut Vec<u8>, items: &[T], mut item: impl FnMut(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (k, x) in items.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        item(out, x);
    }
    out.push(b']');
}

/// An entity as `EntityJson` serialises it. The quotes around string
/// values are part of the literals next to them.
fn entity(out: &mut Vec<u8>, e: &Entity, text: &str) {
    out.extend_from_slice(b"{\"start\":");
    uint(out, e.span.start);
    out.extend_from_slice(b",\"end\":");
    uint(out, e.span.end);
    out.extend_from_slice(b",\"text\":\"");
    content(out, &text[e.span]);
    out.extend_from_slice(b"\",\"label\":\"");
    content(out, &e.label);
    out.extend_from_slice(b"\",\"canonical\":\"");
    content(out, &e.canonical);
    match &e.source {
        Source::Gazetteer => out.extend_from_slice(b"\",\"source\":\"gazetteer\""),
        Source::Rule(name) => {
            out.extend_from_slice(b"\",\"source\":\"rule:");
            content(out, name);
            out.push(b'"');
        }
    }
    if let Some(entry) = &e.entry {
        if let Some(id) = entry.stable_id() {
            out.extend_from_slice(b",\"id\":\"");
            content(out, id);
            out.push(b'"');
        }
        if !entry.metadata().is_empty() {
            out.extend_from_slice(b",\"meta\":");
            meta(out, entry.metadata());
        }
    }
    if !e.alternatives.is_empty() {
        out.extend_from_slice(b",\"alternatives\":");
        list(out, &e.alternatives, |out, a| alternative(out, a));
    }
    out.push(b'}');
}

/// The most metadata pairs put in order on the stack; more go through a
/// `BTreeMap`.
const META_ON_STACK: usize = 16;

/// Metadata as the map of its keys in order, the last value of a key
/// kept (what the `BTreeMap` the `Serialize` impl collects holds).
fn meta(out: &mut Vec<u8>, meta: &[(String, String)]) {
    let pair = |i: usize| (meta[i].0.as_str(), meta[i].1.as_str());
    // Loaded rows give their keys in column order, often sorted already:
    // then the pairs are the map's entries as they are.
    if meta.windows(2).all(|w| w[0].0 < w[1].0) {
        map(out, (0..meta.len()).map(pair));
    } else if meta.len() <= META_ON_STACK {
        // A stable sort of the places by key (few keys: an insertion
        // sort), then of equal keys the last: the map's entries without
        // building the map.
        let mut order = [0u8; META_ON_STACK];
        for i in 0..meta.len() {
            let mut at = i;
            while at > 0 && meta[usize::from(order[at - 1])].0 > meta[i].0 {
                order[at] = order[at - 1];
                at -= 1;
            }
            order[at] = i as u8;
        }
        let order = &order[..meta.len()];
        let last_of_key = |(k, &i): (usize, &u8)| {
            let next = order.get(k + 1).map(|&j| &meta[usize::from(j)].0);
            (next != Some(&meta[usize::from(i)].0)).then_some(usize::from(i))
        };
        map(out, order.iter().enumerate().filter_map(last_of_key).map(pair));
    } else {
        let sorted: BTreeMap<&str, &str> = (0..meta.len()).map(pair).collect();
        map(out, sorted.into_iter());
    }
}

/// A JSON object of string keys and values, in the order given.
fn map<'a>(out: &mut Vec<u8>, entries: impl Iterator<Item = (&'a str, &'a str)>) {
    out.push(b'{');
    for (k, (key, value)) in entries.enumerate() {
        out.extend_from_slice(if k > 0 { b",\"" } else { b"\"" });
        content(out, key);
        out.extend_from_slice(b"\":\"");
        content(out, value);
        out.push(b'"');
    }
    out.push(b'}');
}

/// An alternative entry as `Alternative` serialises it.
fn alternative(out: &mut Vec<u8>, a: &Entry) {
    out.extend_from_slice(b"{\"canonical\":\"");
    content(out, a.canonical());
    out.extend_from_slice(b"\",\"label\":\"");
    content(out, a.label());
    if let Some(id) = a.stable_id() {
        out.extend_from_slice(b"\",\"id\":\"");
        content(out, id);
    }
    out.extend_from_slice(b"\"}");
}

/// A relation as its `Serialize` impl writes it.
fn relation(out: &mut Vec<u8>, r: &Relation) {
    out.extend_from_slice(b"{\"label\":\"");
    content(out, &r.label);
    out.extend_from_slice(b"\",\"head\":");
    uint(out, r.head);
    out.extend_from_slice(b",\"tail\":");
    uint(out, r.tail);
    out.extend_from_slice(match r.modality {
        Modality::Asserted => b",\"modality\":\"asserted\",\"attributes\":",
        Modality::Planned => b",\"modality\":\"planned\",\"attributes\":",
        Modality::Reported => b",\"modality\":\"reported\",\"attributes\":",
        Modality::Speculated => b",\"modality\":\"speculated\",\"attributes\":",
        Modality::Negated => b",\"modality\":\"negated\",\"attributes\":",
    });
    map(out, r.attributes.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    out.extend_from_slice(b",\"evidence\":");
    span(out, r.evidence);
    out.extend_from_slice(b",\"rule\":\"");
    content(out, &r.rule);
    out.extend_from_slice(b"\"}");
}

/// A span as its derived `Serialize` writes it.
fn span(out: &mut Vec<u8>, s: Span) {
    out.extend_from_slice(b"{\"start\":");
    uint(out, s.start);
    out.extend_from_slice(b",\"end\":");
    uint(out, s.end);
    out.push(b'}');
}

/// An unsigned integer in decimal.
fn uint(out: &mut Vec<u8>, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// The contents of a JSON string for `s` (without the quotes). Inlined
/// at every call: as a call of its own it cost 1.2 M more instructions
/// over the benchmark corpus (about 130k strings).
#[inline(always)]
fn content(out: &mut Vec<u8>, s: &str) {
    if plain(s.as_bytes()) {
        out.extend_from_slice(s.as_bytes());
    } else {
        escaped(out, s);
    }
}

/// `s` escaped as serde_json escapes it: `"` and `\` with a backslash,
/// the control characters below `0x20` as `\b`, `\t`, `\n`, `\f`, `\r` or
/// `\u00xx` (lower-case hex); everything else, `0x7f` and non-ASCII
/// included, as it is.
#[inline(never)]
fn escaped(out: &mut Vec<u8>, s: &str) {
    let mut rest = s.as_bytes();
    while let Some(at) = rest.iter().position(|&b| !plain_byte(b)) {
        out.extend_from_slice(&rest[..at]);
        let b = rest[at];
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let (hi, lo) = (HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]);
                out.extend_from_slice(&[b'\\', b'u', b'0', b'0', hi, lo]);
            }
        }
        rest = &rest[at + 1..];
    }
    out.extend_from_slice(rest);
}

/// Whether byte `b` is written as it is in a JSON string.
#[inline]
fn plain_byte(b: u8) -> bool {
    b >= 0x20 && b != b'"' && b != b'\\'
}

/// Whether no byte of `bytes` needs an escape (nearly every string of a
/// document), tested eight bytes at a time: a string of eight or more in
/// words, the last eight read again where the length is not a multiple of
/// eight; a shorter one as one word of its bytes, some read twice.
#[inline]
fn plain(bytes: &[u8]) -> bool {
    let n = bytes.len();
    let w = match n {
        0 => return true,
        // Bytes 3 to 7 spaces, which need no escape.
        1..=3 => {
            u64::from(bytes[0])
                | u64::from(bytes[n / 2]) << 8
                | u64::from(bytes[n - 1]) << 16
                | (ONES * u64::from(b' ')) << 24
        }
        4..=7 => u64::from(half(bytes)) | u64::from(half(&bytes[n - 4..])) << 32,
        _ => {
            let mut rest = bytes;
            while rest.len() > 8 {
                if !plain_word(word(rest)) {
                    return false;
                }
                rest = &rest[8..];
            }
            word(&bytes[n - 8..])
        }
    };
    plain_word(w)
}

/// The first eight bytes of `bytes` as a word.
#[inline]
fn word(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes[..8].try_into().expect("eight bytes"))
}

/// The first four bytes of `bytes` as a half word.
#[inline]
fn half(bytes: &[u8]) -> u32 {
    u32::from_le_bytes(bytes[..4].try_into().expect("four bytes"))
}

/// Whether no byte of `w` needs an escape.
#[inline]
fn plain_word(w: u64) -> bool {
    // A byte below 0x20 borrows into its own high bit when 0x20 is taken
    // from it, unless that bit was already set. Borrows only run on from
    // such a byte: exact as a yes or no for the word, as `has_byte` is.
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH != 0;
    !(control | has_byte(w, b'"') | has_byte(w, b'\\'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{RelationCaptures, WithId};
    use std::sync::Arc;

    /// A random string over an alphabet rich in what JSON escapes: quotes,
    /// backslashes, every control character, `0x7f`, non-ASCII of two to
    /// four bytes, and plain letters in runs long enough for the eight-byte
    /// scan.
    fn random_str(rng: &mut impl FnMut() -> u64, max: u64) -> String {
        const PIECES: &[&str] = &[
            "\"", "\\", "\u{7f}", "é", "ß", "–", "€", "日本", "😀", "/", " ", "'", "abcdefgh",
            "Sea", "x",
        ];
        let n = rng() % (max + 1);
        let mut s = String::new();
        for _ in 0..n {
            match rng() % 4 {
                0 => s.push(char::from((rng() % 0x20) as u8)),
                1 => s.push_str(PIECES[(rng() % PIECES.len() as u64) as usize]),
                _ => s.push(char::from(b'a' + (rng() % 26) as u8)),
            }
        }
        s
    }

    /// A random number, mostly small, sometimes of every digit count.
    fn random_uint(rng: &mut impl FnMut() -> u64) -> usize {
        match rng() % 4 {
            0 => (rng() % 10) as usize,
            1 => (rng() % 100_000) as usize,
            2 => (rng() >> (rng() % 64)) as usize,
            _ => usize::MAX - (rng() % 3) as usize,
        }
    }

    /// A gazetteer entry with or without an id, and metadata sorted or not,
    /// with repeated keys now and then, and now and then more pairs than
    /// are sorted on the stack.
    fn random_entry(rng: &mut impl FnMut() -> u64) -> Arc<Entry> {
        let mut entry = Entry::new(random_str(rng, 6), random_str(rng, 3));
        if rng() % 3 > 0 {
            entry = entry.id(random_str(rng, 5));
        }
        let pairs = if rng() % 16 == 0 { META_ON_STACK as u64 + rng() % 3 } else { rng() % 5 };
        for _ in 0..pairs {
            let key = ["iso3", "kind", "source", "a\"b", "z", ""][(rng() % 6) as usize];
            entry = entry.meta(key, random_str(rng, 5));
        }
        Arc::new(entry)
    }

    /// A document over a random text, with entities over random spans of
    /// it (on `char` boundaries) and relations over random fields.
    fn random_doc<'t>(rng: &mut impl FnMut() -> u64, text: &'t str) -> Document<'t> {
        let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
        let mut doc = Document::new(text);
        for _ in 0..rng() % 6 {
            let a = bounds[(rng() % bounds.len() as u64) as usize];
            let b = bounds[(rng() % bounds.len() as u64) as usize];
            let span = Span::new(a.min(b), a.max(b));
            let mut e = Entity::from_rule(
                span,
                0..1,
                random_str(rng, 4).into(),
                random_str(rng, 6).into(),
                random_str(rng, 4).into(),
            );
            if rng() % 2 == 0 {
                e.source = Source::Gazetteer;
                e.entry = Some(random_entry(rng));
            }
            for _ in 0..rng() % 3 {
                e.alternatives.push(random_entry(rng));
            }
            doc.entities.push(e);
        }
        for _ in 0..rng() % 4 {
            let attributes =
                (0..rng() % 3).map(|_| (random_str(rng, 4), random_str(rng, 4))).collect();
            doc.relations.push(Relation {
                label: random_str(rng, 5).into(),
                head: random_uint(rng),
                tail: random_uint(rng),
                modality: [
                    Modality::Asserted,
                    Modality::Planned,
                    Modality::Reported,
                    Modality::Speculated,
                    Modality::Negated,
                ][(rng() % 5) as usize],
                attributes,
                evidence: Span::new(random_uint(rng), random_uint(rng)),
                rule: random_str(rng, 5).into(),
                sentence: Span::new(0, 0),
                captures: RelationCaptures::none(),
            });
        }
        doc
    }

    /// What serde writes for the document, the reference.
    fn serde_line<I: Serialize>(id: &I, doc: &Document<'_>) -> Vec<u8> {
        let mut out = serde_json::to_vec(&WithId { id, doc }).unwrap();
        out.push(b'\n');
        out
    }

    #[test]
    fn lines_are_serdes_bytes() {
        let mut rng = crate::testing::xorshift(0x3c6e_f372_fe94_f82b);
        // Entries whose metadata is sorted, sorted on the stack, sorted in
        // a map.
        let mut paths = [0; 3];
        for round in 0..3000 {
            let text = random_str(&mut rng, 40);
            let doc = random_doc(&mut rng, &text);
            for meta in doc.entities.iter().filter_map(|e| Some(e.entry.as_ref()?.metadata())) {
                paths[if meta.windows(2).all(|w| w[0].0 < w[1].0) {
                    0
                } else if meta.len() <= META_ON_STACK {
                    1
                } else {
                    2
                }] += 1;
            }
            let id = match round % 3 {
                0 => serde_json::Value::String(random_str(&mut rng, 6)),
                1 => serde_json::Value::from(rng() as i64),
                _ => serde_json::Value::Null,
            };
            let mut ours = b"earlier line\n".to_vec();
            append_jsonl(&id, &doc, &mut ours).unwrap();
            let theirs = serde_line(&id, &doc);
            assert_eq!(
                String::from_utf8_lossy(&ours[13..]),
                String::from_utf8_lossy(&theirs),
                "round {round}"
            );
            assert_eq!(&ours[..13], b"earlier line\n");
        }
        assert!(paths.iter().all(|&n| n > 100), "{paths:?}");
    }

    #[test]
    fn every_byte_and_number_is_written_as_serde_writes_it() {
        // Each byte value alone and inside runs of every length around the
        // eight-byte scan, so that it falls at every place of a word.
        for b in 0u8..0x80 {
            for len in 0..20 {
                for at in 0..=len {
                    let mut s = "a".repeat(len);
                    s.insert(at, char::from(b));
                    let mut ours = b"\"".to_vec();
                    content(&mut ours, &s);
                    ours.push(b'"');
                    assert_eq!(ours, serde_json::to_vec(&s).unwrap(), "{b:#x} at {at} of {len}");
                }
            }
        }
        let mut rng = crate::testing::xorshift(0x510e_527f_ade6_82d1);
        for n in (0..1000).chain((0..5000).map(|_| random_uint(&mut rng))) {
            let mut ours = Vec::new();
            uint(&mut ours, n);
            assert_eq!(ours, serde_json::to_vec(&n).unwrap());
        }
    }
}
