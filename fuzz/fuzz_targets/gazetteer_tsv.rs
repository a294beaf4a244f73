//! Arbitrary text as a TSV gazetteer file, then building and matching.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut gaz = recon::GazetteerBuilder::new();
    let _ = gaz.add_tsv_str(&text, Some("fuzz.tsv"));
    if let Ok(g) = gaz.build() {
        // Match the file's own text: its aliases are in it.
        for m in g.find_all(&text) {
            assert!(text.is_char_boundary(m.span.start) && text.is_char_boundary(m.span.end));
        }
    }
});
