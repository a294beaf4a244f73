//! Normal forms of tokens, shared by gazetteer aliases and document text so
//! that both sides of a match are written the same way.
//!
//! A normal form is lower case, writes typographic quotes and dashes as
//! ASCII, drops the `-` and `/` inside designators (`Su-35` -> `su35`) and
//! the `,` inside numbers (`18,000` -> `18000`). [`push_token`] writes any
//! token's form; [`ascii_form`] is the fast path the gazetteer takes for
//! ASCII tokens of text (no heap, eight bytes at a time), with the same
//! result.

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
        TokenKind::Punct => out.push(punct_char(s)),
        TokenKind::Word | TokenKind::Abbreviation | TokenKind::Symbol => {
            push_lower(s, out, |_| false);
        }
    }
}

/// The normal form of a punctuation token `s`: one character, its first
/// one with typographic quotes and dashes written as ASCII and whitespace
/// as `_`.
#[inline]
fn punct_char(s: &str) -> char {
    match s.chars().next().unwrap_or(' ') {
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        c if c.is_whitespace() => '_',
        c => c,
    }
}

/// The normal form of `tok` (a token of `text`) when it is punctuation or
/// a possessive, packed as [`short_form`] packs it (one character, or
/// `'s`, at most four bytes): for the curly quotes, dashes and `’s` of
/// news text, which are not ASCII and would otherwise take [`push_token`]
/// and a string. `None` for other kinds.
#[inline]
pub(crate) fn mark_form(text: &str, tok: &Token) -> Option<(u64, usize)> {
    let mut buf = [0u8; 4];
    let form: &[u8] = match tok.kind {
        TokenKind::Possessive => b"'s",
        TokenKind::Punct => {
            punct_char(text.get(tok.span.start..tok.span.end)?).encode_utf8(&mut buf).as_bytes()
        }
        _ => return None,
    };
    Some((crate::hash::pack(form), form.len()))
}

/// Longest token [`ascii_form`] handles.
pub(crate) const ASCII_FORM_MAX: usize = 32;

/// `MASKS[n]` keeps the low `n` bytes of a word.
pub(crate) const MASKS: [u64; 9] = {
    let mut m = [0u64; 9];
    let mut n = 1;
    while n < 9 {
        m[n] = u64::MAX >> (64 - 8 * n);
        n += 1;
    }
    m
};

/// The normal form of `tok` when the token is ASCII and at most
/// [`ASCII_FORM_MAX`] bytes long, written into `buf[..n]` without touching
/// the heap; returns `n`. The fast path for matching text: `None` for other
/// tokens, whose form [`push_token`] writes. Both give the same normal
/// form. Bytes of `buf` past `n` may hold anything.
#[inline]
pub(crate) fn ascii_form(text: &str, tok: &Token, buf: &mut [u8; ASCII_FORM_MAX]) -> Option<usize> {
    let bytes = text.as_bytes();
    let s = bytes.get(tok.span.start..tok.span.end)?;
    if s.len() > ASCII_FORM_MAX {
        return None;
    }
    // Most tokens are lower-cased and nothing more; but a designator drops
    // `-` and `/`, a number `,`, and punctuation keeps its first character
    // only, a space character becoming `_`.
    let kind = tok.kind;
    // A plain function of the kind (not a function pointer), so that the
    // byte loops below inline it.
    let drop = |b: u8| match kind {
        TokenKind::Designator => b == b'-' || b == b'/',
        TokenKind::Number => b == b',',
        _ => false,
    };
    if kind == TokenKind::Punct && (s.len() != 1 || (s[0] as char).is_whitespace()) {
        let c = *s.first()?;
        if !c.is_ascii() {
            return None;
        }
        buf[0] = if (c as char).is_whitespace() { b'_' } else { c };
        return Some(1);
    }
    let drops = matches!(kind, TokenKind::Designator | TokenKind::Number);
    if !(drops && s.iter().any(|&b| drop(b))) {
        return lower_words(bytes, tok.span.start, s.len(), buf);
    }
    let mut n = 0;
    for &b in s {
        if !b.is_ascii() {
            return None;
        }
        if !drop(b) {
            buf[n] = b.to_ascii_lowercase();
            n += 1;
        }
    }
    Some(n)
}

/// The normal form of `tok` (a token of `text`) when it is at most 8 bytes
/// of ASCII and its form is just its bytes in lower case: packed into one
/// little-endian word, zero past its length, with that length (as
/// [`ascii_form`] would write it into `buf[..n]`). The fastest path, for
/// the short words that make up most of a text: no buffer is written.
/// `None` for other tokens (longer, not ASCII, a designator with `-` or `/`,
/// a number with `,`, punctuation of more than one byte); [`ascii_form`]
/// or [`push_token`] gives their form.
#[inline]
pub(crate) fn short_form(text: &[u8], tok: &Token) -> Option<(u64, usize)> {
    let (start, n) = (tok.span.start, tok.span.end.wrapping_sub(tok.span.start));
    // 1 to 8 bytes, in one comparison (an empty or reversed span wraps).
    if n.wrapping_sub(1) >= 8 {
        return None;
    }
    let w = load_word(text, start, n)?;
    // One bit test for most tokens (see `SHORT_PLAIN`): words and
    // punctuation alternate, and a test of the kind alone flipped at every
    // punctuation mark (a mispredicted branch in one token of five).
    if SHORT_PLAIN >> (8 * tok.kind as usize + n) & 1 == 0 && !is_plain(tok.kind, n, &[w]) {
        return None;
    }
    Some((lower_word(w)?, n))
}

/// The kinds whose normal form is their bytes in lower case, whatever the
/// bytes and length: [`is_plain`] holds for every token of these.
const PLAIN_KINDS: [TokenKind; 4] =
    [TokenKind::Word, TokenKind::Abbreviation, TokenKind::Symbol, TokenKind::Possessive];

/// Bit `8 * kind + n` is set when every token of kind `kind` and `n` bytes
/// (1 to 8) is plain ([`is_plain`]) whatever its bytes: the
/// [`PLAIN_KINDS`] at every length, and one-byte punctuation. Numbers and
/// designators (plain or not by their bytes) have no bits; nor has length
/// 0. Seven kinds of eight lengths fit one word.
const SHORT_PLAIN: u64 = {
    let mut bits = 0u64;
    let mut k = 0;
    while k < PLAIN_KINDS.len() {
        bits |= 0x1fe << (8 * PLAIN_KINDS[k] as u32);
        k += 1;
    }
    bits | 1 << (8 * TokenKind::Punct as u32 + 1)
};

// `short_form` shifts by up to `8 * kind + 8`: the last kind must keep that
// below 64 (a new kind past it needs a wider table).
const _: () = assert!(8 * TokenKind::Symbol as usize + 8 < 64);

/// Longest token [`medium_form`] takes.
pub(crate) const MEDIUM_FORM_MAX: usize = 16;

/// [`short_form`] for tokens of 9 to [`MEDIUM_FORM_MAX`] bytes ("government",
/// "battalions"): the form as its first and its last eight bytes, two
/// little-endian words that overlap unless it is 16 bytes long (together
/// with the length they make the whole string), and its length. Same
/// conditions as [`short_form`]; `None` for other tokens.
#[inline]
pub(crate) fn medium_form(text: &[u8], tok: &Token) -> Option<(u64, u64, usize)> {
    let (start, end) = (tok.span.start, tok.span.end);
    let n = end.wrapping_sub(start);
    if n.wrapping_sub(9) >= MEDIUM_FORM_MAX - 8 {
        return None;
    }
    let s = text.get(start..end)?;
    let first = u64::from_le_bytes(*s.first_chunk::<8>()?);
    let last = u64::from_le_bytes(*s.last_chunk::<8>()?);
    if !is_plain(tok.kind, n, &[first, last]) {
        return None;
    }
    Some((lower_word(first)?, lower_word(last)?, n))
}

/// True when the normal form of a token of kind `kind` and `n` bytes, all
/// of them in `words` (with zero bytes for padding), is its bytes in lower
/// case: nothing dropped (no `-` or `/` in a designator, no `,` in a
/// number) and no punctuation of more than one byte.
#[inline]
fn is_plain(kind: TokenKind, n: usize, words: &[u64]) -> bool {
    // Most tokens are words, abbreviations or symbols: one bit test of the
    // kind (rather than a jump through a table), the `match` below for the
    // others.
    const PLAIN: u32 = {
        let mut bits = 0;
        let mut k = 0;
        while k < PLAIN_KINDS.len() {
            bits |= 1 << PLAIN_KINDS[k] as u32;
            k += 1;
        }
        bits
    };
    if PLAIN >> kind as u32 & 1 != 0 {
        return true;
    }
    // Whether byte `b` occurs in the words (the padding is zero, which no
    // byte looked for here is).
    let has = |b: u8| words.iter().any(|&w| crate::swar::has_byte(w, b));
    match kind {
        TokenKind::Designator => !has(b'-') && !has(b'/'),
        TokenKind::Number => !has(b','),
        TokenKind::Punct => n == 1,
        _ => true,
    }
}

/// Lower-cases the `n` bytes of `text` from `start` (at most
/// [`ASCII_FORM_MAX`]) into `buf` eight at a time; `None` when one is not
/// ASCII.
#[inline]
fn lower_words(
    text: &[u8],
    start: usize,
    n: usize,
    buf: &mut [u8; ASCII_FORM_MAX],
) -> Option<usize> {
    if n <= 8 {
        // Most tokens: one word.
        buf[..8].copy_from_slice(&lower_word(load_word(text, start, n)?)?.to_le_bytes());
        return Some(n);
    }
    let mut i = 0;
    while i < n {
        let lower = lower_word(load_word(text, start + i, (n - i).min(8))?)?;
        buf[i..i + 8].copy_from_slice(&lower.to_le_bytes());
        i += 8;
    }
    Some(n)
}

/// The `k` (at most 8) bytes of `text` from `at` as a little-endian word,
/// zero past them: eight bytes read at once when the text has them (those
/// past `k` masked off), else the `k` copied. `None` when the text has
/// fewer than `k` bytes there.
#[inline]
pub(crate) fn load_word(text: &[u8], at: usize, k: usize) -> Option<u64> {
    debug_assert!(k <= 8);
    let w = match text.get(at..).and_then(<[u8]>::first_chunk::<8>) {
        Some(b) => u64::from_le_bytes(*b),
        // Near the end of the text: the eight bytes that end with the
        // `k`, shifted down (one load, where a copy of `k` bytes is a call).
        None if k > 0 && at + k >= 8 => {
            let end = at + k;
            let b = text.get(end - 8..end)?.first_chunk::<8>()?;
            u64::from_le_bytes(*b) >> (64 - 8 * k)
        }
        None => {
            let mut b = [0u8; 8];
            b[..k].copy_from_slice(text.get(at..at + k)?);
            u64::from_le_bytes(b)
        }
    };
    Some(w & MASKS[k])
}

/// The eight bytes of `w` in lower case; `None` when one is not ASCII.
#[inline]
fn lower_word(w: u64) -> Option<u64> {
    use crate::swar::{in_range, HIGH};
    if w & HIGH != 0 {
        return None;
    }
    // The high bit of each capital, moved to 0x20: the lower-case bit.
    Some(w | in_range(w, b'A', b'Z') >> 2)
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
pub(crate) mod tests {
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
    fn ascii_fast_path_agrees() {
        let text = "Gen. Li's Su-35s, F/A-18E and 18,000 U.S. troops flew \u{b} over \0 the \
                    U.S.-supplied base (ABC) at 10:45; O'Brien said: \"no\" -- MiG-29SMT? \
                    Israel’s ÉCOLE Straße. [x] {y} @z #w $5 100% a+b=c ~ ` ^ | \\ / * &.";
        let toks = Tokenizer::new().tokenize(text);
        let mut buf = [0u8; ASCII_FORM_MAX];
        let mut fast = 0;
        for t in &toks {
            let mut slow = String::new();
            push_token(text, t, &mut slow);
            match ascii_form(text, t, &mut buf) {
                Some(n) => {
                    fast += 1;
                    assert_eq!(&buf[..n], slow.as_bytes(), "{:?}", t.as_str(text));
                }
                None => assert!(!t.as_str(text).is_ascii(), "{:?}", t.as_str(text)),
            }
        }
        assert!(fast > 50, "{fast}");
        // Words of every length, mid-text and at the very end (where fewer
        // than 8 bytes follow), with the characters around A-Z and a-z.
        let letters = "AbCdEfGhIjKlMnOpQrStUvWxYzZaAz";
        for n in 1..=ASCII_FORM_MAX + 1 {
            let word: String = letters.chars().cycle().take(n).collect();
            for text in [format!("{word} x"), format!("x {word}"), format!("@[`{{ {word}")] {
                for t in &Tokenizer::new().tokenize(&text) {
                    let mut slow = String::new();
                    push_token(&text, t, &mut slow);
                    if let Some(n) = ascii_form(&text, t, &mut buf) {
                        assert_eq!(&buf[..n], slow.as_bytes(), "{text:?}");
                    } else {
                        assert!(t.span.len() > ASCII_FORM_MAX, "{text:?}");
                    }
                }
            }
        }
        let long = "A".repeat(ASCII_FORM_MAX + 1);
        let t = Tokenizer::new().tokenize(&long)[0];
        assert!(ascii_form(&long, &t, &mut buf).is_none());
    }

    /// Checks every token of `text`: where [`short_form`] gives a form,
    /// it is [`push_token`]'s, zero-padded, and [`ascii_form`] agrees;
    /// where [`medium_form`] gives one, its words are the first and last
    /// eight bytes of [`push_token`]'s. Only forms that drop characters
    /// are left to the other paths. Returns how many tokens took a fast
    /// path.
    fn check_short_forms(text: &str) -> usize {
        let mut buf = [0u8; ASCII_FORM_MAX];
        let mut short = 0;
        for t in &Tokenizer::new().tokenize(text) {
            let mut slow = String::new();
            push_token(text, t, &mut slow);
            if let Some((w, n)) = short_form(text.as_bytes(), t) {
                short += 1;
                assert_eq!(&w.to_le_bytes()[..n], slow.as_bytes(), "{:?}", t.as_str(text));
                assert_eq!(w & !MASKS[n], 0, "{:?}", t.as_str(text));
                assert_eq!(ascii_form(text, t, &mut buf), Some(n));
                assert_eq!(&buf[..n], slow.as_bytes());
            } else if t.span.len() <= 8 && t.as_str(text).is_ascii() {
                // Only forms that drop characters are left to the others.
                assert_ne!(slow.len(), t.span.len(), "{:?}", t.as_str(text));
            }
            if let Some((first, last, n)) = medium_form(text.as_bytes(), t) {
                short += 1;
                assert!((9..=MEDIUM_FORM_MAX).contains(&n), "{:?}", t.as_str(text));
                assert_eq!(slow.len(), n, "{:?}", t.as_str(text));
                assert_eq!(&first.to_le_bytes()[..], &slow.as_bytes()[..8]);
                assert_eq!(&last.to_le_bytes()[..], &slow.as_bytes()[n - 8..]);
            } else if (9..=MEDIUM_FORM_MAX).contains(&t.span.len()) && t.as_str(text).is_ascii() {
                assert_ne!(slow.len(), t.span.len(), "{:?}", t.as_str(text));
            }
        }
        short
    }

    #[test]
    fn short_forms_agree() {
        let text = "Gen. Li's Su-35s, F/A-18E and 18,000 U.S. troops flew \u{b} over \0 the \
                    U.S.-supplied base (ABC) at 10:45; O'Brien said: \"no\" -- MiG-29SMT? \
                    Israel’s ÉCOLE Straße. [x] {y} @z #w $5 100% a+b=c ~ ` ^ | \\ / * &. \
                    S400 AK-47 1,000 1.5 2015-11-17 ZZ9 9ZZ Zz@[`{ 12345678 ABCDEFGH";
        assert!(check_short_forms(text) > 60);
        // A designator with `/` and no `-` (which the tokenizer makes of no
        // text) drops the `/`: no fast path takes it.
        let text = "F/A18 ABCDEFGHI/J";
        let mut t = Tokenizer::new().tokenize(text)[0];
        t.kind = TokenKind::Designator;
        for span in [crate::span::Span::new(0, 5), crate::span::Span::new(6, 17)] {
            t.span = span;
            assert_eq!(short_form(text.as_bytes(), &t), None);
            assert_eq!(medium_form(text.as_bytes(), &t), None);
        }
        // Longer tokens, for `medium_form`: plain, with marks a form drops,
        // of 16 bytes and of 17, with non-ASCII bytes.
        let text = "Government BATTALIONS F/A-18E-Super 123,456,789 1234567890 \
                    AbcdefghijklmnoP AbcdefghijklmnoPq Su-35SM-Flanker 18,000,000,000 \
                    Départements counter-offensive’s ÉcoleÉcoleX long-range.";
        assert!(check_short_forms(text) > 10);
        // Every length at the very end of the text, where fewer than eight
        // bytes follow.
        for n in 1..=17 {
            let word: String = "AbC-dE,fG/hIjK-lM,nO/p".chars().take(n).collect();
            let number = &"1,234,567,890,123,4"[..n];
            for text in [word.clone(), format!("x {word}"), format!("1 {number}")] {
                check_short_forms(&text);
            }
        }
    }

    /// Every bit of `SHORT_PLAIN` says whether [`is_plain`] holds for all
    /// generated words of its kind and length (bytes that some forms drop
    /// or keep among letters and digits), and `short_form` agrees with
    /// [`push_token`] on generated text of those bytes and of marks.
    #[test]
    fn short_plain_table_agrees_with_is_plain() {
        const KINDS: [TokenKind; 7] = [
            TokenKind::Word,
            TokenKind::Number,
            TokenKind::Designator,
            TokenKind::Abbreviation,
            TokenKind::Possessive,
            TokenKind::Punct,
            TokenKind::Symbol,
        ];
        // No whitespace here: the tokenizer makes no token of it.
        const BYTES: &[u8] = b"aZ9-/,.'x";
        let mut next = crate::testing::xorshift(0x0bad_5eed);
        let mut bits = 0u64;
        for kind in KINDS {
            for n in 1..=8 {
                let all_plain = (0..400).all(|_| {
                    let word: String =
                        (0..n).map(|_| char::from(BYTES[next() as usize % BYTES.len()])).collect();
                    // Any kind over any bytes (but a possessive, always
                    // `'s`, and punctuation, never a letter):
                    // `short_form` gives the form `push_token` writes, or
                    // leaves the token to others.
                    let t = Token::of_kind(crate::span::Span::new(0, n), kind);
                    let mut slow = String::new();
                    push_token(&word, &t, &mut slow);
                    match short_form(word.as_bytes(), &t) {
                        Some((w, k))
                            if !matches!(kind, TokenKind::Possessive | TokenKind::Punct) =>
                        {
                            assert_eq!(&w.to_le_bytes()[..k], slow.as_bytes(), "{kind:?} {word:?}");
                        }
                        _ => {}
                    }
                    is_plain(kind, n, &[crate::hash::pack(word.as_bytes())])
                });
                let bit = SHORT_PLAIN >> (8 * kind as usize + n) & 1 != 0;
                assert_eq!(bit, all_plain, "{kind:?}, {n} bytes");
                bits |= u64::from(bit) << (8 * kind as usize + n);
            }
        }
        assert_eq!(bits, SHORT_PLAIN, "no bit outside the kinds and lengths");
        for _ in 0..2000 {
            let len = 1 + next() as usize % 30;
            let text: String = (0..len)
                .map(|_| {
                    if next() % 4 == 0 {
                        ' '
                    } else {
                        char::from(BYTES[next() as usize % BYTES.len()])
                    }
                })
                .collect();
            check_short_forms(&text);
            check_short_forms(&marked_text(&mut next));
        }
    }

    proptest::proptest! {
        #[test]
        fn short_forms_agree_on_any_text(text in "[ -~]{0,40}|[a-zA-Z0-9,/-]{0,40}|\\PC{0,20}") {
            check_short_forms(&text);
        }
    }

    /// Random text of words and of the quotes, dashes, spaces and symbols
    /// that punctuation and possessive tokens are made of (and others
    /// around them), for the checks of [`mark_form`].
    pub(crate) fn marked_text(next: &mut impl FnMut() -> u64) -> String {
        const WORDS: [&str; 5] = ["a", "Israel", "s", "S", "9"];
        let marks: Vec<char> =
            "'\u{2019}\u{2018}\u{201B}\u{2032}\u{201C}\u{201D}\u{201E}\u{AB}\u{BB}\u{2010}\u{2013}\u{2014}\
             \u{2015}\u{2016}\u{2212}\u{2026}\u{3002}\u{A0}\u{3000}\u{A7}\u{20AC}$\".-,\u{1F600} \n"
                .chars()
                .collect();
        let len = 1 + next() % 12;
        let mut text = String::new();
        for _ in 0..len {
            let r = next();
            match r % 3 {
                0 => text.push_str(WORDS[(r >> 8) as usize % WORDS.len()]),
                _ => text.push(marks[(r >> 8) as usize % marks.len()]),
            }
        }
        text
    }

    /// [`mark_form`] agrees with [`push_token`] on every punctuation and
    /// possessive token of [`marked_text`].
    #[test]
    fn mark_forms_agree() {
        let mut next = crate::testing::xorshift(0x5eed_f00d);
        let mut marks = 0;
        for _ in 0..2000 {
            let text = marked_text(&mut next);
            for t in &Tokenizer::new().tokenize(&text) {
                let Some((w, n)) = mark_form(&text, t) else {
                    assert!(!matches!(t.kind, TokenKind::Punct | TokenKind::Possessive));
                    continue;
                };
                marks += 1;
                let mut slow = String::new();
                push_token(&text, t, &mut slow);
                assert_eq!(&w.to_le_bytes()[..n], slow.as_bytes(), "{:?}", t.as_str(&text));
                assert_eq!(w & !MASKS[n], 0, "{:?}", t.as_str(&text));
            }
        }
        assert!(marks > 5000, "{marks}");
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
