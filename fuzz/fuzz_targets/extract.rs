//! Arbitrary bytes, made into text (invalid UTF-8 replaced), through the
//! default extractor; checks the span invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static EX: LazyLock<recon::Extractor> = LazyLock::new(recon::Extractor::new);

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let doc = EX.extract(&text);
    let ents = doc.entities();
    for e in ents {
        let s = e.span();
        assert!(s.start < s.end && s.end <= text.len());
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
    }
    for w in ents.windows(2) {
        assert!(w[0].span().end <= w[1].span().start, "overlap");
    }
    for r in doc.relations() {
        assert!(r.head() < ents.len() && r.tail() < ents.len());
    }
    // Serialising to the output contract must not fail or panic either.
    serde_json::to_writer(std::io::sink(), &doc).expect("serialises");
});
