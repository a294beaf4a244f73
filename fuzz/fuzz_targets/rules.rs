//! Arbitrary text as a rule file: parse, compile, and run the rules over a
//! fixed sentence (with entities in it, for `{LABEL}` slots).
#![no_main]

use libfuzzer_sys::fuzz_target;
use recon::patterns::{EntityRef, RuleSetBuilder};
use recon::tokenize::Tokenizer;

const TEXT: &str = "Lt. Gen. John Smith visited the port of Odesa on 3 March, \
                    and Poland signed a $1.2 billion deal to buy 26 K2 tanks.";

fuzz_target!(|data: &[u8]| {
    let rules = String::from_utf8_lossy(data);
    let mut b = RuleSetBuilder::new();
    b.lexicon("names", ["John", "Smith"]);
    let _ = b.add_str(&rules, Some("fuzz.rules"));
    let Ok(set) = b.build() else { return };
    let tk = Tokenizer::new();
    let tokens = tk.tokenize(TEXT);
    let entities = [
        EntityRef { tokens: 2..4, label: "PERSON" },
        EntityRef { tokens: 8..9, label: "LOCATION" },
        EntityRef { tokens: 15..16, label: "LOCATION" },
    ];
    let mut out = Vec::new();
    for s in tk.sentences(TEXT, &tokens) {
        set.find_in_sentence(TEXT, &tokens, &s, &entities, &mut out);
        let _ = set.candidates(TEXT, &tokens, &s, &entities);
    }
    for m in &out {
        assert!(m.rule < set.len());
        assert!(m.tokens.start <= m.tokens.end && m.tokens.end <= tokens.len());
        for (_, r) in m.captures() {
            assert!(r.start <= r.end && r.end <= tokens.len());
        }
    }
});
