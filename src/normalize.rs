//! Normal forms of tokens, shared by gazetteer aliases and document text so
//! that both sides of a match are written the same way.
//!
//! A normal form is lower case, writes typographic quotes and dashes as
//! ASCII, drops the `-` and `/` inside designators (`Su-35` -> `su35`) and
//! the `,` inside numbers (`18,000` -> `18000`). It never holds a space or a
//! NUL byte: those separate tokens and sentences in the matching buffer.

use crate::tokenize::{Token, TokenKind};

/// Appends the normal form of `tok` (a token of `text`) to `out`.
pub(crate) fn push_token(text: &str, tok: &Token, out: &mut String) {
    let s = tok.as_str(text);
    match tok.kind {
        TokenKind::Designator => {
            push_lower(s, out, |c| c == '-' || c == '/');
        }
        TokenKind::Number => {
            push_lower(s, out, |c| c == ',');
        }
        TokenKind::Possessive => out.push_str("'s"),
        TokenKind::Punct => out.push(match s.chars().next().unwrap_or(' ') {
            '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' => '"',
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            c if c.is_whitespace() => '_',
            c => c,
        }),
        TokenKind::Word | TokenKind::Abbreviation | TokenKind::Symbol => {
            push_lower(s, out, |_| false);
        }
    }
}

/// Lower-cases `s` into `out`, skipping chars for which `skip` is true.
#[inline]
fn push_lower(s: &str, out: &mut String, skip: impl Fn(char) -> bool) {
    if s.is_ascii() {
        let start = out.len();
        if s.bytes().any(|b| skip(b as char)) {
            out.extend(s.chars().filter(|&c| !skip(c)));
        } else {
            out.push_str(s);
        }
        out[start..].make_ascii_lowercase();
    } else {
        for c in s.chars() {
            if skip(c) || c.is_whitespace() || c == '\0' {
                continue;
            }
            if c == '\u{2019}' {
                out.push('\'');
            } else if c.is_uppercase() {
                out.extend(c.to_lowercase());
            } else {
                out.push(c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::Tokenizer;

    fn norm(text: &str) -> String {
        let toks = Tokenizer::new().tokenize(text);
        let mut out = String::new();
        for t in &toks {
            push_token(text, t, &mut out);
            out.push(' ');
        }
        out.trim_end().to_string()
    }

    #[test]
    fn forms() {
        assert_eq!(norm("Su-35"), "su35");
        assert_eq!(norm("SU-35"), "su35");
        assert_eq!(norm("Su 35"), "su 35");
        assert_eq!(norm("F/A-18E"), "fa18e");
        assert_eq!(norm("18,000 U.S. Troops"), "18000 u.s. troops");
        assert_eq!(norm("Israel’s"), "israel 's");
        assert_eq!(norm("ÉCOLE Straße"), "école straße");
    }
}
