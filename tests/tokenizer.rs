//! The tokenizer and sentence splitter on hard cases.

use recon::tokenize::{TokenKind, Tokenizer};

fn words(text: &str) -> Vec<&str> {
    Tokenizer::new().tokenize(text).iter().map(|t| t.as_str(text)).collect()
}

fn sentences(text: &str) -> Vec<&str> {
    let tk = Tokenizer::new();
    let tokens = tk.tokenize(text);
    tk.sentences(text, &tokens).iter().map(|s| &text[s.span]).collect()
}

#[test]
fn designators_are_kept_whole() {
    let text = "Su-35 S-400 F-16V DF-21D M142 Tu-95MS Kh-101 Hwasong-18 F-35B";
    let tokens = Tokenizer::new().tokenize(text);
    assert_eq!(tokens.len(), 9);
    assert!(tokens.iter().all(|t| t.kind == TokenKind::Designator));
    // "Type 055" is two tokens the gazetteer joins; the hyphenated form is one.
    assert_eq!(words("Type 055 and Type-055"), ["Type", "055", "and", "Type-055"]);
    // "U.S.-supplied" is recoverable: the abbreviation, the hyphen, the word.
    assert_eq!(words("a U.S.-supplied HIMARS"), ["a", "U.S.", "-", "supplied", "HIMARS"]);
    // Not designators: words joined by hyphens, and a number with a word.
    assert_eq!(words("intermediate-range"), ["intermediate", "-", "range"]);
    assert_eq!(words("20-plus months"), ["20", "-", "plus", "months"]);
}

#[test]
fn abbreviations_keep_their_period() {
    assert_eq!(
        words("Lt. Gen. Smith, Adm. Li, Col. Ignat, St. Petersburg, Sept. 27, U.S."),
        [
            "Lt.",
            "Gen.",
            "Smith",
            ",",
            "Adm.",
            "Li",
            ",",
            "Col.",
            "Ignat",
            ",",
            "St.",
            "Petersburg",
            ",",
            "Sept.",
            "27",
            ",",
            "U.S."
        ]
    );
    let text = "Gen. Charles Q. Brown Jr.";
    let kinds: Vec<TokenKind> = Tokenizer::new().tokenize(text).iter().map(|t| t.kind).collect();
    assert_eq!(
        kinds,
        [
            TokenKind::Abbreviation,
            TokenKind::Word,
            TokenKind::Abbreviation,
            TokenKind::Word,
            TokenKind::Abbreviation
        ]
    );
}

#[test]
fn possessives_with_both_apostrophes() {
    assert_eq!(words("Israel's Rafael"), ["Israel", "'s", "Rafael"]);
    assert_eq!(words("Israel\u{2019}s Rafael"), ["Israel", "\u{2019}s", "Rafael"]);
    assert_eq!(
        words("the Bundeswehr's 45th Panzer Brigade"),
        ["the", "Bundeswehr", "'s", "45th", "Panzer", "Brigade"]
    );
    // Not possessives.
    assert_eq!(words("O'Neill and al-Qa'ida"), ["O'Neill", "and", "al", "-", "Qa'ida"]);
}

#[test]
fn quotes_and_punctuation() {
    assert_eq!(
        words("\u{201C}We are ready,\u{201D} he said."),
        ["\u{201C}", "We", "are", "ready", ",", "\u{201D}", "he", "said", "."]
    );
}

#[test]
fn cjk_emoji_and_byte_offsets() {
    let text = "北京 says 🇨🇳 and 👩\u{200D}🚀 — naïve Škoda 北约";
    let tokens = Tokenizer::new().tokenize(text);
    for t in &tokens {
        assert!(text.is_char_boundary(t.span.start));
        assert!(text.is_char_boundary(t.span.end));
        assert!(t.span.start < t.span.end);
    }
    assert_eq!(
        words(text),
        ["北", "京", "says", "🇨🇳", "and", "👩\u{200D}🚀", "—", "naïve", "Škoda", "北", "约"]
    );
    // Offsets are bytes: "北" is 3 bytes.
    assert_eq!(tokens[1].span.start, 3);
    assert_eq!(tokens[2].span.start, 7);
}

#[test]
fn sentence_splitting_hard_cases() {
    assert_eq!(
        sentences("Gen. Charles Q. Brown Jr., chairman of the Joint Chiefs, spoke. Brown left."),
        ["Gen. Charles Q. Brown Jr., chairman of the Joint Chiefs, spoke.", "Brown left."]
    );
    assert_eq!(
        sentences("He visited St. Petersburg on Sept. 27. It rained."),
        ["He visited St. Petersburg on Sept. 27.", "It rained."]
    );
    // A quotation that ends a sentence.
    assert_eq!(
        sentences("He said: \u{201C}We will win.\u{201D} The crowd cheered!"),
        ["He said: \u{201C}We will win.\u{201D}", "The crowd cheered!"]
    );
    // A headline with no final punctuation, then a dateline.
    assert_eq!(
        sentences("Japan to deploy Tomahawks\nTOKYO — Japan will deploy them."),
        ["Japan to deploy Tomahawks", "TOKYO — Japan will deploy them."]
    );
    // Blank-line paragraphs always split.
    assert_eq!(sentences("first part\n\nsecond part"), ["first part", "second part"]);
    // Text glued without a space after the period.
    assert_eq!(
        sentences("The strike hit.Russia denied it."),
        ["The strike hit.", "Russia denied it."]
    );
    // An ellipsis inside a sentence does not split it twice.
    assert_eq!(sentences("Wait... Then go."), ["Wait...", "Then go."]);
}

#[test]
fn whitespace_flags() {
    let text = "a b\nc\n\nd";
    let t = Tokenizer::new().tokenize(text);
    assert!(!t[0].space_before());
    assert!(t[1].space_before() && !t[1].newline_before());
    assert!(t[2].newline_before() && !t[2].paragraph_before());
    assert!(t[3].paragraph_before());
}
