//! Property tests: extraction, the tokenizer and the gazetteer loaders on
//! any input — arbitrary Unicode, control characters, NULs, right-to-left
//! and combining marks, and news-like text made of aliases and cues.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use recon::tokenize::Tokenizer;
use recon::{Document, Extractor, GazetteerBuilder};

/// Pieces of text that exercise the tokenizer, the gazetteer and the
/// rules, mixed with hostile characters.
const FRAGMENTS: &[&str] = &[
    "Russia",
    "South Korea",
    "South China Sea",
    "China",
    "Su-35",
    "SU 35",
    "S-400",
    "F-16s",
    "Rafales",
    "Type 055",
    "Israel's",
    "Israel’s",
    "Gen.",
    "Lt. Gen. John Smith",
    "U.S.",
    "NATO",
    "the North Atlantic Treaty Organization (NATO)",
    "visited",
    "arrived in",
    "signed a contract to buy",
    "26",
    "$1.2 billion",
    "on 3 March 2024",
    "said",
    "will not",
    "reportedly",
    "Hamas",
    "Patriot",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\r\n",
    "\t",
    ".",
    ",",
    "-",
    "'",
    "’",
    "\"",
    "(",
    ")",
    "…",
    "\0",
    "\u{7}",
    "\u{1b}[31m",
    "\u{feff}",
    "\u{200b}",
    "\u{200d}",
    "\u{202e}",
    "\u{200f}",
    "\u{2066}",
    "مرحبا",
    "שלום",
    "إسرائيل",
    "e\u{301}",
    "\u{301}",
    "\u{301}\u{302}\u{303}",
    "北京",
    "東京都",
    "Москва",
    "🇺🇸",
    "👍🏽",
    "İstanbul",
    "ß",
    "ﬁ",
    "\u{10ffff}",
    "\u{fffd}",
];

/// News-like text: fragments and arbitrary characters glued together.
fn newsy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(FRAGMENTS).prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

/// Any string: arbitrary Unicode, or news-like text.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), newsy(), "[\\x00-\\x7f]{0,64}"]
}

/// Checks the invariants of a document extracted from `text`.
fn check(text: &str, doc: &Document<'_>) -> Result<(), TestCaseError> {
    prop_assert_eq!(doc.text(), text);
    prop_assert!(!doc.truncated());
    let ents = doc.entities();
    for e in ents {
        let s = e.span();
        prop_assert!(s.start < s.end && s.end <= text.len(), "span {:?} outside text", s);
        prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        prop_assert_eq!(e.text(doc), &text[s.start..s.end]);
        prop_assert!(!e.label().is_empty());
    }
    for w in ents.windows(2) {
        prop_assert!(
            w[0].span().end <= w[1].span().start,
            "entities not sorted or overlapping: {:?} {:?}",
            w[0].span(),
            w[1].span()
        );
    }
    for r in doc.relations() {
        prop_assert!(r.head() < ents.len() && r.tail() < ents.len(), "relation {:?}", r);
        let ev = r.evidence();
        prop_assert!(ev.start <= ev.end && ev.end <= text.len());
        prop_assert!(text.is_char_boundary(ev.start) && text.is_char_boundary(ev.end));
    }
    let json = serde_json::to_string(doc).expect("serialises");
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    prop_assert_eq!(v["entities"].as_array().map(Vec::len), Some(ents.len()));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn extraction_never_panics_and_spans_hold(text in any_text()) {
        let ex = Extractor::new();
        let doc = ex.extract(&text);
        check(&text, &doc)?;
        // Deterministic: the same input gives the same output.
        let again = ex.extract(&text);
        prop_assert_eq!(&doc, &again);
        // extract_into over a used document gives the same result.
        let mut reused = ex.extract("Sweden joined NATO.");
        ex.extract_into(&text, &mut reused);
        prop_assert_eq!(&doc, &reused);
    }

    #[test]
    fn tokens_are_non_empty_increasing_and_on_char_boundaries(text in any_text()) {
        let tk = Tokenizer::new();
        let tokens = tk.tokenize(&text);
        let mut prev_end = 0;
        for t in &tokens {
            let s = t.span;
            prop_assert!(s.start < s.end, "empty token {:?}", s);
            prop_assert!(s.start >= prev_end, "token {:?} before {}", s, prev_end);
            prop_assert!(s.end <= text.len());
            prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            // Whitespace only separates tokens (mentions are made one-line
            // from token offsets on this promise).
            prop_assert!(!text[s.start..s.end].contains(char::is_whitespace), "{:?}", s);
            prev_end = s.end;
        }
        let sentences = tk.sentences(&text, &tokens);
        let mut next = 0;
        for s in &sentences {
            prop_assert!(s.tokens.start >= next && s.tokens.start < s.tokens.end);
            prop_assert!(s.tokens.end <= tokens.len());
            prop_assert!(text.is_char_boundary(s.span.start) && text.is_char_boundary(s.span.end));
            next = s.tokens.end;
        }
    }

    #[test]
    fn tsv_loader_never_panics(text in tsv_text(), probe in newsy()) {
        let mut gaz = GazetteerBuilder::new();
        let _ = gaz.add_tsv_str(&text, Some("fuzz.tsv"));
        if let Ok(g) = gaz.build() {
            for m in g.find_all(&probe) {
                prop_assert!(probe.is_char_boundary(m.span.start) && probe.is_char_boundary(m.span.end));
            }
        }
    }

    #[test]
    fn jsonl_loader_never_panics(text in jsonl_text(), probe in newsy()) {
        let mut gaz = GazetteerBuilder::new();
        let _ = gaz.add_jsonl_str(&text, Some("fuzz.jsonl"));
        if let Ok(g) = gaz.build() {
            for m in g.find_all(&probe) {
                prop_assert!(probe.is_char_boundary(m.span.start) && probe.is_char_boundary(m.span.end));
            }
        }
    }
}

/// TSV-like text: header words, cells with escapes, tabs and newlines.
fn tsv_text() -> impl Strategy<Value = String> {
    let cell = prop_oneof![
        prop::sample::select(
            &[
                "canonical",
                "label",
                "aliases",
                "id",
                "case",
                "meta.x",
                "match_canonical",
                "sensitive",
                "insensitive",
                "auto",
                "true",
                "\\t",
                "\\n",
                "\\\\",
                "\\|",
                "\\q",
                "\\",
                "|",
                "||",
                "#",
            ][..]
        )
        .prop_map(str::to_owned),
        newsy(),
    ];
    let line = prop::collection::vec(cell, 0..8).prop_map(|v| v.join("\t"));
    let structured = prop::collection::vec(line, 0..12).prop_map(|v| v.join("\n"));
    prop_oneof![any::<String>(), structured]
}

/// JSON Lines-like text: objects with fields of every JSON type.
fn jsonl_text() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        newsy().prop_map(serde_json::Value::String),
        prop::collection::vec(newsy(), 0..4).prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        Just(serde_json::Value::Null),
        Just(serde_json::json!({"a": "b"})),
        Just(serde_json::json!(["x", 1])),
        any::<bool>().prop_map(serde_json::Value::from),
    ];
    let key =
        prop::sample::select(&["canonical", "label", "aliases", "id", "case", "meta", "x"][..]);
    let object = prop::collection::vec((key, value), 0..7).prop_map(|kv| {
        let map: serde_json::Map<String, serde_json::Value> =
            kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        serde_json::Value::Object(map).to_string()
    });
    let line = prop_oneof![4 => object, 1 => any::<String>()];
    prop::collection::vec(line, 0..10).prop_map(|v| v.join("\n"))
}

/// The documents used to compare threads with one thread: the corpus and
/// generated text.
fn documents() -> Vec<String> {
    let mut docs: Vec<String> = crate::corpus().into_iter().map(|(_, t)| t).collect();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = newsy();
    for _ in 0..150 {
        docs.push(strategy.new_tree(&mut runner).expect("a value").current());
    }
    docs
}

#[test]
fn one_extractor_shared_across_threads_matches_one_thread() {
    let ex = Extractor::new();
    let docs = documents();
    let expected: Vec<String> =
        docs.iter().map(|d| serde_json::to_string(&ex.extract(d)).unwrap()).collect();
    let threads = 4;
    let results: Vec<Vec<(usize, String)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|k| {
                let ex = &ex;
                let docs = &docs;
                s.spawn(move || {
                    // Each thread runs every document, starting at a different
                    // place, so that the same documents run at the same time.
                    let n = docs.len();
                    (0..n)
                        .map(|i| (i + k * n / threads) % n)
                        .map(|i| (i, serde_json::to_string(&ex.extract(&docs[i])).unwrap()))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("no panic")).collect()
    });
    for per_thread in results {
        assert_eq!(per_thread.len(), docs.len());
        for (i, json) in per_thread {
            assert_eq!(json, expected[i], "document {i} differs across threads");
        }
    }
}

/// The public types that are shared across threads are `Send + Sync`
/// (checked at compile time).
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<recon::Extractor>();
    send_sync::<recon::ExtractorBuilder>();
    send_sync::<recon::Gazetteer>();
    send_sync::<recon::GazetteerBuilder>();
    send_sync::<recon::Document<'static>>();
    send_sync::<recon::Entity>();
    send_sync::<recon::Relation>();
    send_sync::<recon::Error>();
    send_sync::<recon::Limits>();
    send_sync::<recon::tokenize::Tokenizer>();
    send_sync::<recon::patterns::RuleSet>();
    send_sync::<recon::patterns::RuleSetBuilder>();
};
