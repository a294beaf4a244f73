//! Arbitrary text as a JSON Lines gazetteer file, then building and
//! matching.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut gaz = recon::GazetteerBuilder::new();
    let _ = gaz.add_jsonl_str(&text, Some("fuzz.jsonl"));
    if let Ok(g) = gaz.build() {
        for m in g.find_all(&text) {
            assert!(text.is_char_boundary(m.span.start) && text.is_char_boundary(m.span.end));
        }
    }
});
