//! The tokenizer: words, numbers, designators, abbreviations and punctuation
//! with UTF-8 byte offsets, and the sentences they form.
//!
//! Tokenizing is two passes over the text:
//!
//! 1. **Pieces.** The text is cut into whitespace, runs of letters and
//!    digits, and single other characters. ASCII text is cut by a byte loop;
//!    a stretch that holds non-ASCII characters is cut by
//!    `unicode-segmentation` (UAX #29 word bounds), so CJK ideographs become
//!    one piece each and emoji sequences stay whole.
//! 2. **Tokens.** Pieces are joined where news text needs them joined:
//!    designators (`Su-35`, `S-400`, `DF-21D`, `F/A-18`, `MiG-29s`),
//!    abbreviations and initials with their period (`Gen.`, `U.S.`, `Q.`),
//!    numbers with separators (`18,000`, `1.2`), and words with an inner
//!    apostrophe (`O'Brien`); a possessive `'s` or `’s` becomes a token of
//!    its own.
//!
//! Whitespace is not a token: it is the gap between tokens, and each token
//! records whether whitespace, a line break or a blank line comes before it.

use crate::span::Span;
use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

/// What kind of text a token holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Letters (any script), possibly with an inner apostrophe: `Paris`,
    /// `O'Brien`, `北京`.
    Word,
    /// Digits, possibly with inner `,`, `.` or `-` between digits: `26`,
    /// `18,000`, `1.2`, `2015-11-17`.
    Number,
    /// Letters and digits together, possibly joined by `-` or `/`:
    /// `Su-35`, `S-400`, `F-16V`, `M142`, `F/A-18`.
    Designator,
    /// A word with its period: `Gen.`, `Lt.`, `U.S.`, `Sept.`, `Q.`.
    Abbreviation,
    /// A possessive ending: `'s` or `’s`.
    Possessive,
    /// Punctuation: `.`, `,`, `"`, `(`, `-`, `’` ...
    Punct,
    /// Anything else: symbols, currency signs, emoji.
    Symbol,
}

/// One token: its byte span in the text, its kind and the whitespace before
/// it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Byte offsets of the token in the text.
    pub span: Span,
    /// What the token holds.
    pub kind: TokenKind,
    /// Whitespace before the token: 0 none, 1 spaces, 2 a line break,
    /// 3 a blank line (a paragraph break).
    gap: u8,
}

impl Token {
    /// A token of `kind` over `span`, with no whitespace before it: for
    /// the normal form a text token of that kind and text would have.
    pub(crate) fn of_kind(span: Span, kind: TokenKind) -> Token {
        Token { span, kind, gap: 0 }
    }

    /// The token's text.
    #[inline]
    pub fn as_str<'t>(&self, text: &'t str) -> &'t str {
        &text[self.span]
    }

    /// True when whitespace separates this token from the one before.
    #[inline]
    pub fn space_before(&self) -> bool {
        self.gap >= 1
    }

    /// True when a line break comes before this token.
    #[inline]
    pub fn newline_before(&self) -> bool {
        self.gap >= 2
    }

    /// True when a blank line (a paragraph break) comes before this token.
    #[inline]
    pub fn paragraph_before(&self) -> bool {
        self.gap >= 3
    }

    /// True for words, numbers, designators and abbreviations.
    #[inline]
    pub fn is_wordlike(&self) -> bool {
        matches!(
            self.kind,
            TokenKind::Word | TokenKind::Number | TokenKind::Designator | TokenKind::Abbreviation
        )
    }
}

/// A sentence: its byte span and the range of its tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// From the first byte of its first token to the last byte of its last.
    pub span: Span,
    /// Indexes into the token list.
    pub tokens: Range<usize>,
}

/// Abbreviations that keep their period (compared in lower case).
/// Titles and ranks first: a sentence never ends after one of them.
const TITLE_ABBREVIATIONS: &[&str] = &[
    "adm", "brig", "capt", "cdr", "cdre", "cmdr", "col", "cpl", "dr", "gen", "gov", "hon", "lt",
    "maj", "messrs", "mr", "mrs", "ms", "mt", "pfc", "pres", "prof", "pte", "pvt", "rep", "rev",
    "sen", "sgt", "spc", "sr", "jr", "st", "ft", "supt", "insp", "amb", "cpt", "ltc", "vadm",
    "radm", "lcdr", "wo", "ens", "fr", "sec", "sens", "reps", "gens", "no", "nos", "vol", "art",
];
/// Other abbreviations: months, companies, Latin. A sentence may end after
/// one of these when the next word starts a sentence.
const OTHER_ABBREVIATIONS: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc",
    "corp", "ltd", "co", "bros", "plc", "llc", "vs", "etc", "approx", "est", "dept", "univ",
    "assn", "ave", "blvd", "rd", "fig", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri",
    "sat", "sun", "cf", "al", "govt", "intl", "natl",
];

/// A word of at most 7 bytes as one integer: its bytes little-endian, its
/// length in the top byte. Two words are equal when their integers are.
const fn pack_word(w: &[u8]) -> u64 {
    let mut x = (w.len() as u64) << 56;
    let mut i = 0;
    while i < w.len() {
        x |= (w[i] as u64) << (8 * i);
        i += 1;
    }
    x
}

/// The words of `list` packed by [`pack_word`]; `N` must be its length.
const fn pack_list<const N: usize>(list: &[&str]) -> [u64; N] {
    let mut out = [0u64; N];
    let mut i = 0;
    while i < N {
        let w = list[i].as_bytes();
        assert!(w.len() <= 7, "listed abbreviations fit in 7 bytes");
        out[i] = pack_word(w);
        i += 1;
    }
    out
}

/// [`TITLE_ABBREVIATIONS`] packed, compared as integers: a lookup is a
/// scan of a few cache lines rather than a hundred string comparisons.
const TITLES_PACKED: [u64; TITLE_ABBREVIATIONS.len()] = pack_list(TITLE_ABBREVIATIONS);
/// [`OTHER_ABBREVIATIONS`] packed.
const OTHERS_PACKED: [u64; OTHER_ABBREVIATIONS.len()] = pack_list(OTHER_ABBREVIATIONS);

/// `word` in ASCII lower case packed by [`pack_word`], or `None` when it
/// is longer than any listed abbreviation.
#[inline]
fn packed_lower(word: &str) -> Option<u64> {
    let w = word.as_bytes();
    if w.len() > 7 {
        return None;
    }
    let mut buf = [0u8; 7];
    for (d, s) in buf.iter_mut().zip(w) {
        *d = s.to_ascii_lowercase();
    }
    Some(pack_word(&buf[..w.len()]))
}

/// True when `word` (without its period) is a title or rank abbreviation
/// after which a sentence never ends ("Gen.", "Lt.", "Dr."). Compared
/// ignoring ASCII case.
pub(crate) fn is_title_abbreviation(word: &str) -> bool {
    packed_lower(word).is_some_and(|w| TITLES_PACKED.contains(&w))
}

/// True when `word` (without its period) is in either abbreviation list,
/// ignoring ASCII case: most words are ruled out by their length and first
/// and last letters before the lists are searched.
fn is_known_abbreviation(word: &str) -> bool {
    could_be_abbreviation(word.as_bytes()) && is_listed_abbreviation(word)
}

/// [`is_known_abbreviation`] by the lists alone.
fn is_listed_abbreviation(word: &str) -> bool {
    packed_lower(word).is_some_and(|w| TITLES_PACKED.contains(&w) || OTHERS_PACKED.contains(&w))
}

/// The bit of an ASCII letter, either case, in a `u32` (other bytes share
/// these bits: a filter only).
const fn letter_bit(b: u8) -> u32 {
    1 << (b.to_ascii_lowercase().wrapping_sub(b'a') & 31)
}

/// For each length (up to 7), the [`letter_bit`]s of the first letters
/// (low half) and of the last letters (high half) of the listed
/// abbreviations of that length.
const ABBREVIATION_ENDS: [(u32, u32); 8] = {
    let mut t = [(0, 0); 8];
    let lists: [&[&str]; 2] = [TITLE_ABBREVIATIONS, OTHER_ABBREVIATIONS];
    let mut l = 0;
    while l < lists.len() {
        let mut i = 0;
        while i < lists[l].len() {
            let w = lists[l][i].as_bytes();
            t[w.len()].0 |= letter_bit(w[0]);
            t[w.len()].1 |= letter_bit(w[w.len() - 1]);
            i += 1;
        }
        l += 1;
    }
    t
};

/// False when `word`'s length and first and last bytes are those of no
/// listed abbreviation: most words before a period ("said.", "forces.")
/// are ruled out without a scan of the lists.
#[inline]
fn could_be_abbreviation(word: &[u8]) -> bool {
    match (ABBREVIATION_ENDS.get(word.len()), word.first(), word.last()) {
        (Some(&(firsts, lasts)), Some(&a), Some(&z)) => {
            firsts & letter_bit(a) != 0 && lasts & letter_bit(z) != 0
        }
        _ => false,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PieceKind {
    Space,
    Alnum,
    Other,
}

#[derive(Clone, Copy, Debug)]
struct Piece {
    start: usize,
    end: usize,
    kind: PieceKind,
    /// For `Space`: 1 spaces, 2 one line break, 3 a blank line.
    /// For `Alnum`: bit 0 has a letter, bit 1 has a digit.
    info: u8,
}

const HAS_ALPHA: u8 = 1;
const HAS_DIGIT: u8 = 2;

/// Byte classes for the ASCII loops: [`HAS_ALPHA`] and [`HAS_DIGIT`] for
/// letters and digits (so a run's class bits are its piece's `info`),
/// [`SPACE`] for ASCII whitespace (`u8::is_ascii_whitespace` and the
/// vertical tab, which Unicode counts as whitespace too). One table
/// load tells what a byte starts, where the tests it replaces were three
/// or four comparisons each.
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() {
            HAS_ALPHA
        } else if c.is_ascii_digit() {
            HAS_DIGIT
        } else if c.is_ascii_whitespace() || c == 0x0b {
            SPACE
        } else {
            0
        };
        b += 1;
    }
    t
};

/// The [`CLASS`] bit of ASCII whitespace.
const SPACE: u8 = 4;
/// The [`CLASS`] bits of letters and digits.
const ALNUM: u8 = HAS_ALPHA | HAS_DIGIT;

#[inline]
fn class(b: u8) -> u8 {
    CLASS[usize::from(b)]
}

/// True for ASCII whitespace, the vertical tab included.
#[inline]
fn is_space_byte(b: u8) -> bool {
    class(b) & SPACE != 0
}

/// Cuts `text` into pieces and hands them to `m` in order. A piece that
/// nothing can join (a run of letters and digits before whitespace, or
/// ASCII punctuation, with no piece pending) is emitted as a token at once:
/// the merger would emit it unchanged.
///
/// With `FAST`, more is done without the merger when no piece is pending:
/// whitespace only raises the gap, and a run of letters and digits with
/// one ASCII mark after it is emitted at once when the mark cannot join it
/// to what follows (see [`Merger::alnum_then_mark`]). Without `FAST` every
/// such piece goes through the merger: the tests check that both give the
/// same tokens.
fn pieces<const FAST: bool>(text: &str, m: &mut Merger<'_>) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        let b = bytes[i];
        let cls = class(b);
        if cls & SPACE != 0 {
            let start = i;
            if FAST && b == b' ' && bytes.get(i + 1).is_none_or(|&b| b < 0x80 && !is_space_byte(b))
            {
                // One space between words, the most common gap by far.
                i += 1;
                if m.len == 0 {
                    m.gap = m.gap.max(1);
                } else {
                    m.push(Piece { start, end: i, kind: PieceKind::Space, info: 1 });
                }
                continue;
            }
            let mut newlines = 0u32;
            while i < n && is_space_byte(bytes[i]) {
                newlines += u32::from(bytes[i] == b'\n');
                i += 1;
            }
            // Unicode spaces right after ASCII ones join the same gap (only
            // a non-ASCII byte can start one).
            if !FAST || bytes.get(i).is_some_and(|&b| b >= 0x80) {
                let (end, extra) = unicode_space_run(text, i);
                i = end;
                newlines += extra;
            }
            let level = gap_level(newlines);
            if FAST && m.len == 0 {
                // What `Merger::push` does with whitespace and nothing
                // pending.
                m.gap = m.gap.max(level);
                if level >= 2 {
                    m.record_break();
                }
            } else {
                m.push(Piece { start, end: i, kind: PieceKind::Space, info: level });
            }
        } else if cls & ALNUM != 0 {
            // Runs of letters and digits one space apart (most of a text)
            // go round this loop, not the outer one for the space and for
            // the next run each.
            loop {
                let start = i;
                let info;
                (i, info) = if FAST { alnum_run_swar(bytes, i) } else { alnum_run(bytes, i) };
                // The byte after the next one (0, no letter or digit, past
                // the end) read before the next one is tested: the test
                // of the most common case below is then one table load,
                // not a second bounds test and branch (−1 M instructions
                // and fewer mispredicted branches over the gazetteer
                // benchmark).
                let after = bytes.get(i + 1).copied().unwrap_or(0);
                match bytes.get(i) {
                    // The most common case by far, tested first: a word, one
                    // space and the next word, with nothing pending. (What
                    // the space arm below does for it, in fewer tests.)
                    Some(b' ') if FAST && m.len == 0 && class(after) & ALNUM != 0 => {
                        // `emit_now`, with the next token's gap (one space)
                        // set as this one's is taken.
                        let gap = std::mem::replace(&mut m.gap, 1);
                        m.emit_word(start, i, alnum_kind(info), gap);
                        i += 1;
                        continue;
                    }
                    Some(&b) if b >= 0x80 && lone_punct_len(bytes, i).is_some() => {
                        // A word before a curly quote or a dash: the quote
                        // is next round's piece.
                        m.push(Piece { start, end: i, kind: PieceKind::Alnum, info });
                    }
                    Some(&b) if b >= 0x80 => {
                        // A word that goes on in non-ASCII letters
                        // ("Sébastien"): hand the whole stretch to the
                        // Unicode path (the simple one when it can).
                        i = match FAST.then(|| simple_stretch(text, start, m)).flatten() {
                            Some(end) => end,
                            None => unicode_stretch(text, start, &mut |p| m.push(p)),
                        };
                    }
                    None if m.len == 0 => m.emit_now(start, i, alnum_kind(info)),
                    Some(&b) if m.len == 0 && is_space_byte(b) => {
                        m.emit_now(start, i, alnum_kind(info));
                        // One space then ASCII (not whitespace), taken as
                        // the whitespace branch would take it (nothing is
                        // pending): the gap of the next token.
                        match bytes.get(i + 1) {
                            _ if !FAST || b != b' ' => {}
                            Some(&c) if class(c) & ALNUM != 0 => {
                                i += 1;
                                m.gap = 1;
                                continue;
                            }
                            Some(&c) if c >= 0x80 || is_space_byte(c) => {}
                            _ => {
                                i += 1;
                                m.gap = 1;
                            }
                        }
                    }
                    Some(_) if FAST && m.len == 0 => match m.alnum_then_mark(start, i, info) {
                        Some(end) => i = end,
                        None => m.push(Piece { start, end: i, kind: PieceKind::Alnum, info }),
                    },
                    _ => m.push(Piece { start, end: i, kind: PieceKind::Alnum, info }),
                }
                break;
            }
        } else if b < 0x80 {
            if m.len == 0 {
                m.emit_now(i, i + 1, mark_kind(b));
            } else {
                m.push(Piece { start: i, end: i + 1, kind: PieceKind::Other, info: 0 });
            }
            i += 1;
        } else if let Some(len) = lone_punct_len(bytes, i) {
            // On both paths: a stretch is cut after such a character as
            // after ASCII punctuation (see `lone_punct_len`).
            if FAST && m.len == 0 {
                // Alone in the window, it continues nothing: what the
                // merger would do (all these characters are punctuation).
                m.emit_now(i, i + len, TokenKind::Punct);
            } else {
                m.push(Piece { start: i, end: i + len, kind: PieceKind::Other, info: 0 });
            }
            i += len;
        } else if let Some(end) = FAST.then(|| simple_stretch(text, i, m)).flatten() {
            i = end;
        } else {
            i = unicode_stretch(text, i, &mut |p| m.push(p));
        }
    }
}

/// The length of the character at `i` when it is a letter that UAX #29
/// never separates from a letter or digit beside it (word break property
/// `ALetter`, no combining mark, no digit): the Latin letters of U+00C0 to
/// U+027F (not `×` `÷`) and the Cyrillic ones of U+0400 to U+04FF (not
/// U+0482 to U+0489). Accented names in news text ("Kraków", "Łukasz",
/// "Шойгу") are made of these; a test checks every one of them.
#[inline]
fn simple_letter_len(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes.get(i..i + 2)? {
        [0xC3, 0x97 | 0xB7] | [0xD2, 0x82..=0x89] => None,
        [0xC3..=0xC9 | 0xD0..=0xD3, _] => Some(2),
        _ => None,
    }
}

/// The length of the character at `i` when it is one that the Unicode
/// path makes a piece of its own when ASCII (or the end of the text)
/// follows it, whatever comes before: the punctuation of
/// [`lone_punct_len`] and a few symbols (currency signs, `°`) that are no
/// word characters and join no segment.
#[inline]
fn lone_other_len(bytes: &[u8], i: usize) -> Option<usize> {
    if let Some(len) = lone_punct_len(bytes, i) {
        return Some(len);
    }
    let len = match bytes.get(i..)? {
        [0xC2, 0xA2 | 0xA3 | 0xA5 | 0xB0, ..] => 2,
        [0xE2, 0x82, 0xA0..=0xBF, ..] => 3,
        _ => return None,
    };
    bytes.get(i + len).is_none_or(|&b| b < 0x80).then_some(len)
}

/// [`unicode_stretch`] for a stretch whose non-ASCII characters are all
/// simple letters ([`simple_letter_len`]) or lone pieces
/// ([`lone_other_len`]): hands `m` the same pieces and returns where the
/// stretch ends, or returns `None` (nothing handed over) for another
/// stretch.
///
/// Why the pieces are the same: the Unicode path cuts a run of word
/// characters only at a segment bound, and UAX #29 puts none between two
/// letters or digits of word break class `ALetter` or `Numeric` (rules
/// WB5, WB8 to WB10); every other character of such a stretch is a piece
/// of its own there (ASCII punctuation, and the lone characters, after
/// which a segment ends as ASCII follows). So the pieces are the runs of
/// ASCII letters, digits and simple letters and each other character, as
/// here, without the segmentation's tables.
fn simple_stretch(text: &str, start: usize, m: &mut Merger<'_>) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut end = start;
    while let Some(&b) = bytes.get(end) {
        if b < 0x80 {
            if is_space_byte(b) {
                break;
            }
            end += 1;
        } else {
            end += simple_letter_len(bytes, end).or_else(|| lone_other_len(bytes, end))?;
        }
    }
    let mut i = start;
    while i < end {
        let (mut j, mut info) = (i, 0);
        loop {
            match bytes.get(j) {
                Some(&b) if class(b) & ALNUM != 0 => {
                    info |= class(b);
                    j += 1;
                }
                Some(&b) if b >= 0x80 && j < end => match simple_letter_len(bytes, j) {
                    Some(len) => {
                        info |= HAS_ALPHA;
                        j += len;
                    }
                    None => break,
                },
                _ => break,
            }
        }
        if j > i {
            m.push(Piece { start: i, end: j, kind: PieceKind::Alnum, info });
        } else {
            j = i + lone_other_len(bytes, i).unwrap_or(1);
            m.push(Piece { start: i, end: j, kind: PieceKind::Other, info: 0 });
        }
        i = j;
    }
    Some(end)
}

/// The length of the character at `i` when it is punctuation that is a
/// piece of its own whatever surrounds it, as [`unicode_stretch`] would cut
/// it: U+2010 to U+2027 (dashes, curly quotes, bullets, the ellipsis) and
/// the guillemets `«` `»`. News text is full of these; with them cut here,
/// a stretch such as `“Kyiv’s` needs no Unicode segmentation. (Segment
/// bounds only ever split runs of word characters, never a run of ASCII
/// letters and digits, and these characters are no word characters.)
///
/// Only when ASCII (or the end of the text) follows: after a non-ASCII
/// character the Unicode path cuts the rest of the stretch, and where it
/// starts matters there (a combining mark after `’` belongs to the word
/// before the quote, not to a new one).
///
/// Both paths cut here (the general one too): the stretch after the
/// character is then cut as any stretch starting in ASCII is, so text
/// such as `a'\u{301}F` comes out the same after `’` as after a space.
/// Handing the whole stretch to UAX #29 instead would join it into one
/// word there only, as the ASCII path restarts the segmentation at the
/// first non-ASCII character after ASCII punctuation.
#[inline]
fn lone_punct_len(bytes: &[u8], i: usize) -> Option<usize> {
    let len = match bytes.get(i..)? {
        [0xE2, 0x80, 0x90..=0xA7, ..] => 3,
        [0xC2, 0xAB | 0xBB, ..] => 2,
        _ => return None,
    };
    bytes.get(i + len).is_none_or(|&b| b < 0x80).then_some(len)
}

/// The end of the run of ASCII letters and digits from `i`, and its
/// [`HAS_ALPHA`] / [`HAS_DIGIT`] bits: one byte at a time.
#[inline]
fn alnum_run(bytes: &[u8], mut i: usize) -> (usize, u8) {
    let mut info = 0;
    while let Some(&b) = bytes.get(i) {
        let c = class(b);
        if c & ALNUM == 0 {
            break;
        }
        info |= c;
        i += 1;
    }
    (i, info)
}

/// [`alnum_run`] eight bytes at a time (SWAR), bytes past the run read
/// but not counted; the last few bytes of the text one at a time.
#[inline]
fn alnum_run_swar(bytes: &[u8], mut i: usize) -> (usize, u8) {
    use crate::swar::{in_range_to_high, HIGH, ONES};
    let mut info = 0;
    while let Some(c) = bytes.get(i..i + 8) {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        // The tests are exact up to the first byte that stops the run (a
        // non-ASCII byte stops it, and only such a byte makes them
        // inexact, past itself): no need to clear the high bits first.
        let digit = in_range_to_high(w, b'0', b'9');
        // `| 0x20` folds A-Z onto a-z (and nothing else onto them).
        let alpha = in_range_to_high(w | (ONES * 0x20), b'a', b'z');
        let stop = !(digit | alpha) & HIGH;
        // The bits below the first byte that stops the run (all of them
        // when none does); the run goes on for `len` bytes of this word.
        let keep = (stop & stop.wrapping_neg()).wrapping_sub(1);
        let len = stop.trailing_zeros() as usize / 8;
        info |=
            (u8::from(alpha & keep != 0) * HAS_ALPHA) | (u8::from(digit & keep != 0) * HAS_DIGIT);
        i += len;
        if len < 8 {
            return (i, info);
        }
    }
    let (end, rest) = alnum_run(bytes, i);
    (end, info | rest)
}

fn gap_level(newlines: u32) -> u8 {
    match newlines {
        0 => 1,
        1 => 2,
        _ => 3,
    }
}

/// Consumes Unicode whitespace from `i`; returns the new position and the
/// line breaks seen (U+2028/U+2029 count as breaks).
fn unicode_space_run(text: &str, mut i: usize) -> (usize, u32) {
    let mut newlines = 0;
    while let Some(c) = text[i..].chars().next() {
        if c.is_ascii() {
            if is_space_byte(c as u8) {
                newlines += u32::from(c == '\n');
                i += 1;
                continue;
            }
            break;
        }
        if !c.is_whitespace() && !is_invisible(c) {
            break;
        }
        if c == '\u{2028}' || c == '\u{2029}' || c == '\u{85}' {
            newlines += 1;
        }
        i += c.len_utf8();
    }
    (i, newlines)
}

/// Zero-width and direction marks: treated as whitespace-like gaps that
/// separate nothing visible.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{2060}')
}

/// Cuts the stretch from `start` up to the next ASCII whitespace (or vertical tab) with
/// unicode-segmentation; returns where the stretch ends.
fn unicode_stretch(text: &str, start: usize, emit: &mut impl FnMut(Piece)) -> usize {
    let bytes = text.as_bytes();
    let mut end = start;
    while end < bytes.len() && !is_space_byte(bytes[end]) {
        end += 1;
    }
    // `end` is at ASCII whitespace or the end: a char boundary.
    let stretch = &text[start..end];
    let mut pending_space: Option<(usize, usize, u32)> = None;
    for (off, seg) in stretch.split_word_bound_indices() {
        let seg_start = start + off;
        let mut chars = seg.char_indices().peekable();
        while let Some((ci, c)) = chars.next() {
            let at = seg_start + ci;
            if c.is_whitespace() || is_invisible(c) {
                let nl = u32::from(matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}'));
                let stop = at + c.len_utf8();
                pending_space = Some(match pending_space {
                    Some((s, _, n)) => (s, stop, n + nl),
                    None => (at, stop, nl),
                });
                continue;
            }
            if let Some((s, e, n)) = pending_space.take() {
                emit(Piece { start: s, end: e, kind: PieceKind::Space, info: gap_level(n) });
            }
            if is_word_char(c) {
                let mut info = if c.is_numeric() { HAS_DIGIT } else { HAS_ALPHA };
                let mut stop = at + c.len_utf8();
                // Ideographs stand alone, as UAX #29 leaves them.
                if !is_ideograph(c) {
                    while let Some(&(nj, nc)) = chars.peek() {
                        if !is_word_char(nc) || is_ideograph(nc) {
                            break;
                        }
                        info |= if nc.is_numeric() { HAS_DIGIT } else { HAS_ALPHA };
                        stop = seg_start + nj + nc.len_utf8();
                        chars.next();
                    }
                }
                emit(Piece { start: at, end: stop, kind: PieceKind::Alnum, info });
            } else {
                // An emoji ZWJ sequence or a flag is one grapheme: keep the
                // rest of a symbol-only segment together.
                let mut stop = at + c.len_utf8();
                if !c.is_ascii() && !is_punct_char(c) {
                    while let Some(&(nj, nc)) = chars.peek() {
                        if is_word_char(nc) || nc.is_whitespace() || is_punct_char(nc) {
                            break;
                        }
                        stop = seg_start + nj + nc.len_utf8();
                        chars.next();
                    }
                }
                emit(Piece { start: at, end: stop, kind: PieceKind::Other, info: 0 });
            }
        }
    }
    if let Some((s, e, n)) = pending_space {
        emit(Piece { start: s, end: e, kind: PieceKind::Space, info: gap_level(n) });
    }
    end
}

#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric() || is_mark(c)
    }
}

/// Combining marks (accents written as separate code points) stay inside
/// the word they follow.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{0483}'..='\u{0489}' | '\u{0591}'..='\u{05C7}'
        | '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}'
        | '\u{0900}'..='\u{0903}' | '\u{093A}'..='\u{094F}' | '\u{0951}'..='\u{0957}'
        | '\u{0962}'..='\u{0963}' | '\u{0981}'..='\u{0983}' | '\u{09BC}'..='\u{09D7}'
        | '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}'
        | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

fn is_ideograph(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
}

fn is_punct_char(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c, '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '\u{3000}'..='\u{303F}'
            | '\u{00A1}' | '\u{00A7}' | '\u{00AB}' | '\u{00B6}' | '\u{00B7}' | '\u{00BB}'
            | '\u{00BF}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}'
            | '\u{FF3B}'..='\u{FF40}' | '\u{FF5B}'..='\u{FF65}' | '\u{060C}' | '\u{061B}'
            | '\u{061F}' | '\u{06D4}')
}

fn is_apostrophe(s: &str) -> bool {
    s == "'" || s == "\u{2019}"
}

/// The tokenizer. It holds no state; one value serves any number of texts
/// and threads.
///
/// # Examples
///
/// ```
/// use recon::tokenize::{TokenKind, Tokenizer};
///
/// let text = "Gen. Li's Su-35s flew over the U.S.-supplied base.";
/// let tokens = Tokenizer::new().tokenize(text);
/// let words: Vec<&str> = tokens.iter().map(|t| t.as_str(text)).collect();
/// assert_eq!(
///     words,
///     ["Gen.", "Li", "'s", "Su-35s", "flew", "over", "the", "U.S.", "-", "supplied", "base", "."]
/// );
/// assert_eq!(tokens[3].kind, TokenKind::Designator);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Tokenizer {
    _private: (),
}

impl Tokenizer {
    /// Makes a tokenizer.
    pub fn new() -> Tokenizer {
        Tokenizer { _private: () }
    }

    /// Tokenizes `text`.
    pub fn tokenize(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::with_capacity(text.len() / 5 + 1);
        self.tokenize_into(text, &mut out);
        out
    }

    /// Tokenizes `text` into `out`, which is cleared first, so a caller can
    /// reuse one buffer for many texts.
    pub fn tokenize_into(&self, text: &str, out: &mut Vec<Token>) {
        tokenize_impl::<true>(text, out, None);
    }

    /// [`Tokenizer::tokenize_into`] then [`Tokenizer::sentences_into`],
    /// with `stops` as scratch: while tokenizing, the tokenizer records
    /// there, in order, the tokens the sentence scan must stop at (those
    /// that may end a sentence with no line break after them, and those
    /// with a line break after them), so the scan jumps from one to the
    /// next rather than testing every token (about 9 instructions a
    /// token). Extraction over the benchmark run, 226.99 M → 225.58 M
    /// instructions (the tokenizer +0.5 M, the scan −1.9 M).
    pub(crate) fn tokenize_and_split_into(
        &self,
        text: &str,
        tokens: &mut Vec<Token>,
        sentences: &mut Vec<Sentence>,
        stops: &mut Vec<usize>,
    ) {
        tokenize_impl::<true>(text, tokens, Some(stops));
        sentences_impl::<true>(text, tokens, Some(stops), sentences);
    }

    /// [`Tokenizer::tokenize`] without the fast paths: every piece goes
    /// through the merger. The reference the fast paths are tested against.
    #[cfg(test)]
    fn tokenize_general(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        tokenize_impl::<false>(text, &mut out, None);
        out
    }

    /// Splits tokenized text into sentences. `tokens` must come from
    /// [`Tokenizer::tokenize`] on the same `text`.
    ///
    /// A sentence ends at `.`, `!`, `?` or `…` (taking closing quotes and
    /// brackets with it) when the next token can start a sentence; never
    /// after a title abbreviation ("Gen.") or an initial ("Q."); after
    /// other abbreviations ("U.S.", "Inc.") only when a sentence-starting
    /// word follows. A blank line always ends a sentence; a single line
    /// break ends one after a headline-like line with no final punctuation.
    ///
    /// # Examples
    ///
    /// ```
    /// use recon::tokenize::Tokenizer;
    ///
    /// let text = "Lt. Gen. Smith visited St. Petersburg. He left on Sept. 3.";
    /// let tk = Tokenizer::new();
    /// let tokens = tk.tokenize(text);
    /// let sentences: Vec<&str> = tk
    ///     .sentences(text, &tokens)
    ///     .iter()
    ///     .map(|s| &text[s.span])
    ///     .collect();
    /// assert_eq!(sentences, ["Lt. Gen. Smith visited St. Petersburg.", "He left on Sept. 3."]);
    /// ```
    pub fn sentences(&self, text: &str, tokens: &[Token]) -> Vec<Sentence> {
        let mut out = Vec::new();
        self.sentences_into(text, tokens, &mut out);
        out
    }

    /// Like [`Tokenizer::sentences`], writing into `out` (cleared first).
    pub fn sentences_into(&self, text: &str, tokens: &[Token], out: &mut Vec<Sentence>) {
        sentences_impl::<true>(text, tokens, None, out);
    }
}

/// [`Tokenizer::tokenize_into`]; without `FAST`, every piece goes through
/// the merger (see [`pieces`]).
/// With `stops`, also records there the stops of the sentence scan (see
/// [`Tokenizer::tokenize_and_split_into`]).
fn tokenize_impl<const FAST: bool>(
    text: &str,
    out: &mut Vec<Token>,
    mut stops: Option<&mut Vec<usize>>,
) {
    out.clear();
    if let Some(stops) = stops.as_deref_mut() {
        stops.clear();
    }
    let mut m = Merger { text, out, stops, gap: 0, window: [None; 6], len: 0 };
    pieces::<FAST>(text, &mut m);
    m.finish();
}

/// [`Tokenizer::sentences_into`]; without `FAST`, every token goes through
/// all the checks (the reference the tests compare the fast path with).
/// With `stops` (from the tokenizer, see
/// [`Tokenizer::tokenize_and_split_into`]), the fast path takes its stops
/// from there rather than scanning the tokens for them.
fn sentences_impl<const FAST: bool>(
    text: &str,
    tokens: &[Token],
    stops: Option<&[usize]>,
    out: &mut Vec<Sentence>,
) {
    out.clear();
    let mut start = 0;
    let mut i = 0;
    // The next of `stops` to look at.
    let mut next_stop = 0;
    while i < tokens.len() {
        // Most tokens end nothing: a word, number or the like (only
        // punctuation and abbreviations can end a sentence) with no
        // line break after it (nor can a paragraph or a headline
        // break come after it). Skip them without the checks below.
        if FAST {
            let bytes = text.as_bytes();
            // Nor does other punctuation (a comma, a quote, a bracket, a
            // dash) end a sentence: with no line break after it, it is
            // skipped too, in the same scan rather than by leaving the
            // scan and starting it again after each comma. It is told by
            // its last byte (see `ENDER_LAST_BYTES`).
            let stops_at = |pair: &[Token]| {
                may_end(bytes, pair[0].kind, pair[0].span.end) || pair[1].newline_before()
            };
            // Stop at the last token if none stops before it.
            let last = tokens.len() - 1;
            i = match stops {
                // The first stop recorded at `i` or after it (the stops
                // are in order, and `i` only grows).
                Some(stops) => {
                    while stops.get(next_stop).is_some_and(|&s| s < i) {
                        next_stop += 1;
                    }
                    stops.get(next_stop).map_or(last, |&s| s.min(last))
                }
                None => i + tokens[i..].windows(2).position(stops_at).unwrap_or(last - i),
            };
            // Most stops are a text's last token, which ends its sentence
            // whatever it is (the push after the loop), or a plain
            // sentence end: both without the general checks.
            if i + 1 == tokens.len() {
                break;
            }
            if plain_cut(bytes, &tokens[i], &tokens[i + 1]) {
                push_sentence(tokens, start..i + 1, out);
                start = i + 1;
                i += 1;
                continue;
            }
        }
        let mut end = i + 1; // exclusive end of the sentence if we cut here
        let cut = match ends_sentence(text, tokens, i) {
            Cut::No => false,
            Cut::After => {
                // Closing quotes and brackets belong to this sentence.
                while end < tokens.len()
                    && !tokens[end].space_before()
                    && is_closer(text, &tokens[end])
                {
                    end += 1;
                }
                if end < tokens.len() && tokens[end].space_before() && is_closer(text, &tokens[end])
                {
                    // `... ready. " He` : a lone closing quote after a space.
                    let s = tokens[end].as_str(text);
                    if s == "\u{201D}" || s == "\u{2019}" || s == ")" {
                        end += 1;
                    }
                }
                end >= tokens.len() || can_start_sentence(text, &tokens[end])
            }
        };
        let para = end < tokens.len() && tokens[end].paragraph_before();
        let headline = !cut && !para && end < tokens.len() && is_headline_break(text, tokens, i);
        if cut || para || headline || end >= tokens.len() {
            push_sentence(tokens, start..end, out);
            start = end;
        }
        i = end;
    }
    if start < tokens.len() {
        push_sentence(tokens, start..tokens.len(), out);
    }
}

/// The kinds of token that may end a sentence with no line break after
/// them, as bits: one test rather than two comparisons.
const ENDS: u32 = 1 << TokenKind::Punct as u32 | 1 << TokenKind::Abbreviation as u32;

/// True when the byte before `end` passes the filter of sentence enders
/// ([`ENDER_LAST_BYTES`]), or there is none.
#[inline]
fn ender_last_byte(bytes: &[u8], end: usize) -> bool {
    bytes.get(end.wrapping_sub(1)).is_none_or(|&b| ENDER_LAST_BYTES >> (b & 63) & 1 != 0)
}

/// True when a token of `kind` ending at `end` may end a sentence with no
/// line break after it: an abbreviation, or punctuation whose last byte
/// passes [`ender_last_byte`]. What the sentence scan stops at, and what
/// the tokenizer records for it.
#[inline]
fn may_end(bytes: &[u8], kind: TokenKind, end: usize) -> bool {
    ENDS >> kind as u32 & 1 != 0 && (kind != TokenKind::Punct || ender_last_byte(bytes, end))
}

/// The punctuation that may end a sentence (see `ends_sentence`).
const SENTENCE_ENDERS: [&str; 7] = [".", "!", "?", "\u{2026}", "\u{3002}", "\u{FF01}", "\u{FF1F}"];

/// The last bytes of [`SENTENCE_ENDERS`], as bits by their low six bits:
/// a cheap filter, passing a few other bytes too (which only stop the
/// sentence scan for the general checks), but no comma, quote, bracket or
/// dash. Its test covers every ender.
const ENDER_LAST_BYTES: u64 = {
    let enders = SENTENCE_ENDERS;
    let mut bits = 0u64;
    let mut k = 0;
    while k < enders.len() {
        let b = enders[k].as_bytes();
        bits |= 1 << (b[b.len() - 1] & 63);
        k += 1;
    }
    bits
};

/// True when `t`, followed by `next`, is the common sentence end the
/// general checks would cut after: `.`, `!` or `?` alone, then a space and
/// an ASCII capital, digit or one of `"` `'` `(` `[` `-` `*` (which can
/// start a sentence, and is no closer that a space would not keep out of
/// it). False says nothing: the general checks decide.
#[inline]
fn plain_cut(bytes: &[u8], t: &Token, next: &Token) -> bool {
    t.kind == TokenKind::Punct
        && t.span.len() == 1
        && bytes.get(t.span.start).is_some_and(|b| matches!(b, b'.' | b'!' | b'?'))
        && next.space_before()
        && bytes.get(next.span.start).is_some_and(
            |b| matches!(b, b'A'..=b'Z' | b'0'..=b'9' | b'"' | b'\'' | b'(' | b'[' | b'-' | b'*'),
        )
}

fn push_sentence(tokens: &[Token], range: Range<usize>, out: &mut Vec<Sentence>) {
    if range.is_empty() {
        return;
    }
    let span = Span::new(tokens[range.start].span.start, tokens[range.end - 1].span.end);
    out.push(Sentence { span, tokens: range });
}

enum Cut {
    No,
    After,
}

fn ends_sentence(text: &str, tokens: &[Token], i: usize) -> Cut {
    let t = &tokens[i];
    let s = t.as_str(text);
    match t.kind {
        TokenKind::Punct => {
            if SENTENCE_ENDERS.contains(&s) {
                // "..." inside a sentence: only the last dot may cut.
                if s == "."
                    && tokens.get(i + 1).is_some_and(|n| !n.space_before() && n.as_str(text) == ".")
                {
                    return Cut::No;
                }
                Cut::After
            } else {
                Cut::No
            }
        }
        TokenKind::Abbreviation => {
            let word = s.trim_end_matches('.');
            let Some(next) = tokens.get(i + 1) else { return Cut::After };
            if is_title_abbreviation(word) || is_initial(word) {
                return Cut::No;
            }
            // "U.S." / "Inc." / "Sept.": cut only before a word that
            // usually starts a sentence.
            if next.space_before() && starts_sentence_word(next.as_str(text)) {
                Cut::After
            } else {
                Cut::No
            }
        }
        _ => Cut::No,
    }
}

/// A single capital letter: a middle initial such as "Q.".
fn is_initial(word: &str) -> bool {
    let mut cs = word.chars();
    matches!((cs.next(), cs.next()), (Some(c), None) if c.is_uppercase())
}

/// Function words that start sentences and rarely follow "U.S." or "Inc."
/// inside one.
fn starts_sentence_word(w: &str) -> bool {
    const STARTERS: &[&str] = &[
        "The",
        "A",
        "An",
        "It",
        "He",
        "She",
        "They",
        "We",
        "I",
        "In",
        "On",
        "At",
        "But",
        "And",
        "This",
        "That",
        "These",
        "Those",
        "There",
        "His",
        "Her",
        "Its",
        "Their",
        "Our",
        "As",
        "After",
        "Before",
        "When",
        "While",
        "If",
        "However",
        "Meanwhile",
        "Earlier",
        "Later",
        "According",
        "Officials",
        "Some",
        "Many",
        "Both",
        "Last",
        "Next",
        "Since",
        "Under",
        "For",
        "From",
        "With",
        "By",
        "Despite",
        "Although",
    ];
    STARTERS.contains(&w)
}

fn is_closer(text: &str, t: &Token) -> bool {
    matches!(t.kind, TokenKind::Punct)
        && matches!(
            t.as_str(text),
            "\"" | "'" | "\u{201D}" | "\u{2019}" | ")" | "]" | "}" | "\u{BB}"
        )
}

fn can_start_sentence(text: &str, t: &Token) -> bool {
    let s = t.as_str(text);
    let Some(c) = s.chars().next() else { return false };
    if c.is_uppercase() || c.is_numeric() {
        return true;
    }
    if matches!(
        c,
        '"' | '\u{201C}'
            | '\''
            | '\u{2018}'
            | '('
            | '['
            | '\u{AB}'
            | '-'
            | '\u{2014}'
            | '\u{2013}'
            | '*'
            | '\u{2022}'
    ) {
        return true;
    }
    // Scripts without case (CJK, Arabic, ...) can start a sentence.
    c.is_alphabetic() && !c.is_lowercase()
}

/// A single line break after a line that looks like a headline or a list
/// item: no final punctuation, not ending in a connector.
fn is_headline_break(text: &str, tokens: &[Token], i: usize) -> bool {
    let next = &tokens[i + 1];
    if !next.newline_before() || !can_start_sentence(text, next) {
        return false;
    }
    let t = &tokens[i];
    let s = t.as_str(text);
    if t.kind == TokenKind::Punct {
        return !matches!(s, "," | ";" | ":" | "(" | "-" | "\u{2013}" | "\u{2014}" | "/" | "&");
    }
    const CONNECTORS: &[&str] = &[
        "the", "a", "an", "of", "and", "or", "to", "in", "on", "at", "for", "by", "with", "from",
        "said", "told", "as", "that", "his", "her", "its", "their",
    ];
    !CONNECTORS.iter().any(|c| c.eq_ignore_ascii_case(s))
}

/// Joins pieces into tokens. It keeps a small window of pending pieces so
/// that patterns such as `Su - 35`, `U . S .`, `Israel ' s` can be joined
/// before they are emitted.
struct Merger<'a> {
    text: &'a str,
    out: &'a mut Vec<Token>,
    /// Where to record the stops of the sentence scan, if anywhere (see
    /// [`Tokenizer::tokenize_and_split_into`]).
    stops: Option<&'a mut Vec<usize>>,
    /// Gap level before the next piece.
    gap: u8,
    window: [Option<(Piece, u8)>; 6],
    len: usize,
}

impl Merger<'_> {
    fn push(&mut self, p: Piece) {
        if p.kind == PieceKind::Space {
            self.gap = self.gap.max(p.info);
            // Whitespace ends every pending pattern.
            self.flush();
            if p.info >= 2 {
                self.record_break();
            }
            return;
        }
        let gap = std::mem::take(&mut self.gap);
        if self.len == self.window.len() {
            self.flush();
        }
        self.window[self.len] = Some((p, gap));
        self.len += 1;
        // Alnum pieces can extend patterns; other pieces may complete them.
        if p.kind == PieceKind::Other && !self.may_continue(p) {
            self.flush();
        }
    }

    /// True when an `Other` piece can be inside a designator, abbreviation,
    /// number or possessive that is still being read.
    fn may_continue(&self, p: Piece) -> bool {
        if self.len < 2 {
            return false;
        }
        match p.end - p.start {
            1 => matches!(self.text.as_bytes()[p.start], b'-' | b'/' | b'.' | b',' | b'\''),
            3 => &self.text[p.start..p.end] == "\u{2019}",
            _ => false,
        }
    }

    fn finish(&mut self) {
        self.flush();
    }

    fn piece(&self, k: usize) -> Option<(Piece, u8)> {
        if k < self.len {
            self.window[k]
        } else {
            None
        }
    }

    /// Emits every pending piece, joining those that form one token.
    fn flush(&mut self) {
        let mut k = 0;
        while k < self.len {
            let (p, gap) = self.window[k].expect("piece in window");
            let used = match p.kind {
                PieceKind::Alnum => self.emit_alnum(k, p, gap),
                _ => {
                    self.emit(p.start, p.end, other_kind(&self.text[p.start..p.end]), gap);
                    1
                }
            };
            k += used;
        }
        self.len = 0;
    }

    /// Emits the token starting with the Alnum piece at `k`; returns how
    /// many pieces it used.
    fn emit_alnum(&mut self, k: usize, p: Piece, gap: u8) -> usize {
        let text = self.text;
        let s = |q: &Piece| &text[q.start..q.end];

        // Possessive: word ' s  (then not followed by a letter: the window
        // is flushed at whitespace or other punctuation).
        if let (Some((ap, _)), Some((sp, _))) = (self.piece(k + 1), self.piece(k + 2)) {
            if is_apostrophe(s(&ap)) && sp.kind == PieceKind::Alnum {
                let after_is_alnum =
                    self.piece(k + 3).is_some_and(|(q, _)| q.kind == PieceKind::Alnum);
                if s(&sp).eq_ignore_ascii_case("s") && !after_is_alnum {
                    self.emit(p.start, p.end, alnum_kind(p.info), gap);
                    self.emit(ap.start, sp.end, TokenKind::Possessive, 0);
                    return 3;
                }
                if p.info == HAS_ALPHA && sp.info == HAS_ALPHA && !after_is_alnum {
                    // O'Brien, Qa'ida, don't; then perhaps a possessive.
                    self.emit(p.start, sp.end, TokenKind::Word, gap);
                    if let (Some((a2, _)), Some((s2, _))) = (self.piece(k + 3), self.piece(k + 4)) {
                        let more =
                            self.piece(k + 5).is_some_and(|(q, _)| q.kind == PieceKind::Alnum);
                        if is_apostrophe(s(&a2)) && s(&s2).eq_ignore_ascii_case("s") && !more {
                            self.emit(a2.start, s2.end, TokenKind::Possessive, 0);
                            return 5;
                        }
                    }
                    return 3;
                }
            }
        }

        // Abbreviations and initials: U.S., Gen., Q., a.m.
        if let Some((dot, _)) = self.piece(k + 1) {
            if s(&dot) == "." && p.info == HAS_ALPHA {
                // A chain of single letters with periods: U.S., U.K., D.C.
                let mut j = k;
                let mut end = dot.end;
                while s(&self.window[j].expect("piece").0).chars().count() == 1 {
                    match (self.piece(j + 2), self.piece(j + 3)) {
                        (Some((l, _)), Some((d, _)))
                            if l.kind == PieceKind::Alnum
                                && l.info == HAS_ALPHA
                                && s(&l).chars().count() == 1
                                && s(&d) == "." =>
                        {
                            end = d.end;
                            j += 2;
                        }
                        _ => break,
                    }
                }
                let single = s(&p).chars().count() == 1;
                let is_upper = s(&p).chars().next().is_some_and(char::is_uppercase);
                if j > k || (single && is_upper) || is_known_abbreviation(s(&p)) {
                    self.emit(p.start, end, TokenKind::Abbreviation, gap);
                    return j - k + 2;
                }
            }
        }

        // Numbers with separators: 18,000  1.2  2015-11-17 (digits only).
        if p.info == HAS_DIGIT {
            let mut j = k;
            let mut end = p.end;
            while let (Some((sep, _)), Some((d, _))) = (self.piece(j + 1), self.piece(j + 2)) {
                let sep_s = s(&sep);
                if d.kind == PieceKind::Alnum
                    && d.info == HAS_DIGIT
                    && matches!(sep_s, "," | "." | "-")
                {
                    // "1,2" vs a list "1, 2": no whitespace inside the window.
                    end = d.end;
                    j += 2;
                } else {
                    break;
                }
            }
            if j > k {
                // A number followed by "-F16"? Let the designator rule see
                // nothing more: numbers are done.
                self.emit(p.start, end, TokenKind::Number, gap);
                return j - k + 1;
            }
        }

        // Designators: parts joined by '-' or '/' where a digit is present
        // and no part is a long lower-case word ("10-year" stays apart).
        let mut j = k;
        let mut end = p.end;
        let mut info = p.info;
        while let (Some((sep, _)), Some((q, _))) = (self.piece(j + 1), self.piece(j + 2)) {
            let sep_s = s(&sep);
            if q.kind != PieceKind::Alnum || !matches!(sep_s, "-" | "/") {
                break;
            }
            let left =
                &text[self.window[j].expect("piece").0.start..self.window[j].expect("piece").0.end];
            let right = s(&q);
            let joins = if sep_s == "/" {
                // F/A-18: single letters around the slash.
                left.len() == 1 && right.len() == 1 && q.info == HAS_ALPHA && p.info == HAS_ALPHA
            } else {
                let digit = (info | q.info) & HAS_DIGIT != 0
                    || self.piece(j + 3).is_some_and(|(h, _)| s(&h) == "-")
                        && self.piece(j + 4).is_some_and(|(d, _)| {
                            d.info & HAS_DIGIT != 0 && d.kind == PieceKind::Alnum
                        });
                digit && words_may_join(left, right)
            };
            if !joins {
                break;
            }
            info |= q.info;
            end = q.end;
            j += 2;
        }
        if j > k {
            self.emit(p.start, end, alnum_kind(info), gap);
            return j - k + 1;
        }

        self.emit(p.start, p.end, alnum_kind(p.info), gap);
        1
    }

    /// With nothing pending, a run of letters and digits at `start..end`
    /// (its class bits `info`) followed by an ASCII character that is
    /// neither a letter, a digit nor whitespace (a mark): emits what the
    /// merger would and returns where its tokens end, or returns `None`
    /// (nothing emitted) when the mark may join the run to what comes
    /// after it. A `-` between two runs of letters is decided by
    /// [`Merger::hyphenated_words`], a designator of two runs by
    /// [`Merger::designator`], `'s` by [`Merger::possessive`] and a number
    /// of two runs of digits by [`Merger::separated_number`].
    ///
    /// A mark that no pattern continues through (all but `-` `/` `.` `,`
    /// `'`) ends the run's token and is a token itself. One that may
    /// continue is decided here only when whitespace or the end of the
    /// text follows it: then the pieces are the run and the mark alone,
    /// and of all the merger's patterns only "abbreviation" can join two
    /// pieces (`Gen.`, `Q.`).
    #[inline]
    fn alnum_then_mark(&mut self, start: usize, end: usize, info: u8) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mark = bytes[end];
        if matches!(mark, b'-' | b'/' | b'.' | b',' | b'\'') {
            if bytes.get(end + 1).is_some_and(|&b| !is_space_byte(b)) {
                return match mark {
                    b'-' if info == HAS_ALPHA => self
                        .hyphenated_words(start, end)
                        .or_else(|| self.designator(start, end, info)),
                    b'-' if info == HAS_DIGIT => self
                        .separated_number(start, end)
                        .or_else(|| self.designator(start, end, info)),
                    b'-' => self.designator(start, end, info),
                    b'\'' => self.possessive(start, end, info),
                    b',' | b'.' if info == HAS_DIGIT => self.separated_number(start, end),
                    _ => None,
                };
            }
            if mark == b'.' && info == HAS_ALPHA {
                let word = &self.text[start..end];
                let initial = word.len() == 1 && bytes[start].is_ascii_uppercase();
                if initial || is_known_abbreviation(word) {
                    self.emit_now(start, end + 1, TokenKind::Abbreviation);
                    return Some(end + 1);
                }
            }
        }
        self.emit_now(start, end, alnum_kind(info));
        self.emit(end, end + 1, mark_kind(mark), 0);
        Some(end + 1)
    }

    /// With nothing pending, a run of ASCII letters at `start..hyphen`
    /// followed by `-` and a second run of ASCII letters ("long-range",
    /// "X-ray"): emits what the merger would (word, `-`, word) and returns
    /// where the second run ends, or returns `None` (nothing emitted) when
    /// what follows the second run might change that; the caller then goes
    /// the general way.
    ///
    /// Why the merger would emit the three pieces apart: no part holds a
    /// digit, so neither the number rule nor the designator rule (which
    /// needs a digit in its parts, or `-` and a part with a digit after the
    /// second run) joins them, and `-` is no apostrophe or period, so the
    /// first run is no possessive or abbreviation. The second run is then
    /// alone unless a mark that may continue a pattern follows it: so only
    /// whitespace, the end of the text, a `,` before whitespace or the end
    /// (nothing for it to join), or an ASCII mark that continues nothing
    /// may follow it here. A non-ASCII byte may carry the word on: not here.
    #[inline]
    fn hyphenated_words(&mut self, start: usize, hyphen: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let second = hyphen + 1;
        if bytes.get(second).is_none_or(|&b| class(b) != HAS_ALPHA) {
            return None;
        }
        let (end, info) = alnum_run_swar(bytes, second);
        let ends_alone = |at: usize| bytes.get(at).is_none_or(|&b| is_space_byte(b));
        let alone = info == HAS_ALPHA
            && match bytes.get(end) {
                None => true,
                Some(&b) if b >= 0x80 => false,
                Some(&b',') => ends_alone(end + 1),
                Some(&b) => is_space_byte(b) || !matches!(b, b'-' | b'/' | b'.' | b'\''),
            };
        if !alone {
            return None;
        }
        self.emit_now(start, hyphen, TokenKind::Word);
        self.emit(hyphen, second, other_kind(&self.text[hyphen..second]), 0);
        self.emit(second, end, TokenKind::Word, 0);
        Some(end)
    }

    /// With nothing pending, a run of letters and digits at
    /// `start..apostrophe` (its class bits `info`) followed by `'`: when
    /// `s` or `S` and then nothing that may join it follow ("Poland's"),
    /// emits what the merger would (the run, then `'s` as a possessive)
    /// and returns where they end; else returns `None` (nothing emitted).
    /// The merger's first pattern is the possessive, and with the window
    /// holding only these pieces (see [`ends_alone`]) nothing else decides.
    #[inline]
    fn possessive(&mut self, start: usize, apostrophe: usize, info: u8) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let end = apostrophe + 2;
        if !matches!(bytes.get(apostrophe + 1), Some(b's' | b'S')) || !ends_alone(bytes, end) {
            return None;
        }
        self.emit_now(start, apostrophe, alnum_kind(info));
        self.emit(apostrophe, end, TokenKind::Possessive, 0);
        Some(end)
    }

    /// With nothing pending, a run of digits at `start..sep` followed by
    /// `,` `.` or `-` and a second run of digits ("6.5", "18,000"): when
    /// nothing that may join them follows (see [`ends_alone`]), emits the
    /// number the merger would make of them and returns where it ends;
    /// else returns `None` (nothing emitted). Of the merger's patterns
    /// only the number rule takes a run of digits and a separator that is
    /// no apostrophe or period after letters; a third part ("1,000,000")
    /// is left to the merger, whose window decides how far it reaches.
    #[inline]
    fn separated_number(&mut self, start: usize, sep: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        if bytes.get(sep + 1).is_none_or(|&b| class(b) != HAS_DIGIT) {
            return None;
        }
        let (end, info) = alnum_run_swar(bytes, sep + 1);
        if info != HAS_DIGIT || !ends_alone(bytes, end) {
            return None;
        }
        self.emit_now(start, end, TokenKind::Number);
        Some(end)
    }

    /// With nothing pending, a run of letters and digits at `start..hyphen`
    /// (its class bits `info`) followed by `-` and a second run, one of
    /// them with a digit ("F-35", "Su-35S", "DF-21D"): when nothing that
    /// may join them follows (see [`ends_alone`]) and the designator rule
    /// joins them (neither is a lower-case word of four letters or more),
    /// emits the designator and returns where it ends; else returns `None`
    /// (nothing emitted). Two runs of digits alone are the number rule's,
    /// which comes first: `None` for them too.
    #[inline]
    fn designator(&mut self, start: usize, hyphen: usize, info: u8) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let second = hyphen + 1;
        if bytes.get(second).is_none_or(|&b| class(b) & ALNUM == 0) {
            return None;
        }
        let (end, second_info) = alnum_run_swar(bytes, second);
        let both = info | second_info;
        let joins = both & HAS_DIGIT != 0
            && !(info == HAS_DIGIT && second_info == HAS_DIGIT)
            && ends_alone(bytes, end)
            && words_may_join(&self.text[start..hyphen], &self.text[second..end]);
        if !joins {
            return None;
        }
        self.emit_now(start, end, alnum_kind(both));
        Some(end)
    }

    /// Emits a token no pending piece can join, taking the gap before it.
    #[inline]
    fn emit_now(&mut self, start: usize, end: usize, kind: TokenKind) {
        debug_assert_eq!(self.len, 0);
        let gap = std::mem::take(&mut self.gap);
        self.emit(start, end, kind, gap);
    }

    fn emit(&mut self, start: usize, end: usize, kind: TokenKind, gap: u8) {
        self.out.push(Token { span: Span::new(start, end), kind, gap });
        if may_end(self.text.as_bytes(), kind, end) {
            if let Some(stops) = self.stops.as_deref_mut() {
                stops.push(self.out.len() - 1);
            }
        }
    }

    /// [`Merger::emit`] for a word, number or designator: no stop to
    /// record. For the most common token (a word with one space after
    /// it), which then skips the kind test.
    #[inline]
    fn emit_word(&mut self, start: usize, end: usize, kind: TokenKind, gap: u8) {
        debug_assert!(ENDS >> kind as u32 & 1 == 0);
        self.out.push(Token { span: Span::new(start, end), kind, gap });
    }

    /// Records a stop before a line break: the last token emitted (if
    /// any), which the next token, with the break before it, follows.
    /// Called after the whitespace is taken and everything pending before
    /// it emitted.
    fn record_break(&mut self) {
        if let (Some(stops), Some(last)) =
            (self.stops.as_deref_mut(), self.out.len().checked_sub(1))
        {
            stops.push(last);
        }
    }
}

/// True when what follows a run of letters and digits that ends at `at`
/// can join no piece before it to anything: the end of the text,
/// whitespace, an ASCII mark that continues no pattern (the merger emits
/// its window at once), or a mark that may continue one (`-` `/` `.` `,`
/// `'`) with whitespace or the end of the text after it. Not a letter or
/// digit (the run would go on), nor a non-ASCII character.
#[inline]
fn ends_alone(bytes: &[u8], at: usize) -> bool {
    match bytes.get(at) {
        None => true,
        Some(&b) if b >= 0x80 || class(b) & ALNUM != 0 => false,
        Some(&(b'-' | b'/' | b'.' | b',' | b'\'')) => {
            bytes.get(at + 1).is_none_or(|&c| is_space_byte(c))
        }
        Some(_) => true,
    }
}

/// A lower-case word of four or more letters: "year", "range", "based".
fn is_plain_lower_word(s: &str) -> bool {
    s.len() >= 4 && s.chars().all(|c| c.is_lowercase())
}

/// Whether two runs around a hyphen, one with a digit, may be one
/// designator: neither is a lower-case word of four letters or more
/// ("10-year" stays apart), and they are not a part of a year.
fn words_may_join(left: &str, right: &str) -> bool {
    !is_plain_lower_word(left) && !is_plain_lower_word(right) && !is_part_of_year(left, right)
}

/// A lower-case word and a year, "mid-2025", "pre-2022": two words and a
/// hyphen, so that the date rules see the year. Designators with a year
/// after a lower-case prefix are not written this way.
fn is_part_of_year(left: &str, right: &str) -> bool {
    left.len() >= 2
        && left.bytes().all(|b| b.is_ascii_lowercase())
        && right.len() == 4
        && right.bytes().all(|b| b.is_ascii_digit())
        && matches!(right.as_bytes()[0], b'1' | b'2')
}

/// The kind of a run of letters and digits from its [`HAS_ALPHA`] and
/// [`HAS_DIGIT`] bits: digits alone a number, digits and letters a
/// designator, letters (or neither) a word. A table load rather than
/// comparisons, as every word passes here.
#[inline]
fn alnum_kind(info: u8) -> TokenKind {
    const KINDS: [TokenKind; 4] =
        [TokenKind::Word, TokenKind::Word, TokenKind::Number, TokenKind::Designator];
    KINDS[usize::from(info & ALNUM)]
}

/// [`other_kind`] of an ASCII byte that is no letter, digit or
/// whitespace: punctuation when printable, else a symbol (a control
/// character). One range test, where `is_ascii_punctuation` is four.
#[inline]
fn mark_kind(b: u8) -> TokenKind {
    debug_assert!(b < 0x80 && class(b) == 0);
    if b.is_ascii_graphic() {
        TokenKind::Punct
    } else {
        TokenKind::Symbol
    }
}

fn other_kind(s: &str) -> TokenKind {
    match s.chars().next() {
        Some(c) if is_punct_char(c) => TokenKind::Punct,
        _ => TokenKind::Symbol,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Text made to reach the fast paths and their edges: words, numbers
    /// and designators, marks that may or may not join (`-` `/` `.` `,`
    /// `'`), abbreviations, every kind of gap, Unicode letters, spaces and
    /// punctuation, and arbitrary characters.
    fn tricky_text() -> impl Strategy<Value = String> {
        const BITS: &[&str] = &[
            "a",
            "A",
            "Gen",
            "gen",
            "U",
            "S",
            "x",
            "Su",
            "35",
            "400",
            "2015",
            "F",
            "word",
            "Israel",
            "s",
            "Sept",
            "co",
            "Inc",
            "abcdefghij",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh",
            "0123456789",
            "é",
            "Sébastien",
            "北京",
            "👩\u{200d}🚀",
            ".",
            ",",
            "-",
            "/",
            "'",
            "\u{2019}",
            "\"",
            "(",
            ")",
            ";",
            ":",
            "!",
            "?",
            "$",
            "%",
            "…",
            "—",
            "–",
            "\u{201c}",
            "\u{201d}",
            "\u{2018}",
            "«",
            "»",
            "\u{2019}s",
            "O\u{2019}Brien",
            " ",
            "  ",
            "\n",
            "\n\n",
            "\t",
            "\r\n",
            "\u{a0}",
            "\u{200b}",
            "\u{2028}",
            "\u{b}",
            "\0",
            "\u{7f}",
            "@",
            "`",
            "[",
            "{",
            "Z",
            "z",
            "9",
            "-ray",
            "X",
            "long-range",
            "anti-ship",
            "Su-35S",
            "F-35",
            "U.S.-led",
            "'s",
            "--",
            "state-",
            "-based",
            "a-b-c",
            "Franco-German,",
            "pro-Kyiv",
            "x-é",
            "Łódź",
            "Шойгу",
            "Kraków",
            "ǅ",
            "ɐ",
            "ʰ",
            "×",
            "€",
            "°",
            "¥",
            "Lt-Gen.",
            "Poland's",
            "6.5",
            "1,000",
            "well-known, ",
            "\u{301}",
            "\u{308}",
            "\u{200d}",
            "\u{fe0f}",
        ];
        let bit = prop_oneof![
            8 => prop::sample::select(BITS).prop_map(str::to_owned),
            1 => any::<char>().prop_map(String::from),
            1 => "[ -~]{1,12}",
        ];
        prop_oneof![
            6 => prop::collection::vec(bit, 0..48).prop_map(|v| v.concat()),
            1 => any::<String>(),
        ]
    }

    /// Checks the stops the tokenizer records for the sentence scan
    /// against the tokens: in order, and, below the last token, exactly
    /// the tokens that may end a sentence (an abbreviation, punctuation
    /// passing the ender filter) or have a line break after them. Then
    /// the sentences split with them against the general checks.
    fn check_recorded_stops(text: &str) {
        let (mut tokens, mut stops) = (Vec::new(), Vec::new());
        tokenize_impl::<true>(text, &mut tokens, Some(&mut stops));
        assert_eq!(tokens, Tokenizer::new().tokenize(text), "{text:?}");
        assert!(stops.is_sorted(), "{text:?}: {stops:?}");
        let mut recorded = stops.clone();
        recorded.dedup();
        recorded.retain(|&j| j + 1 < tokens.len());
        let expected: Vec<usize> = (0..tokens.len().saturating_sub(1))
            .filter(|&j| {
                let t = &tokens[j];
                t.kind == TokenKind::Abbreviation
                    || t.kind == TokenKind::Punct && ender_last_byte(text.as_bytes(), t.span.end)
                    || tokens[j + 1].newline_before()
            })
            .collect();
        assert_eq!(recorded, expected, "{text:?}");
        let (mut split, mut general) = (Vec::new(), Vec::new());
        Tokenizer::new().tokenize_and_split_into(text, &mut tokens, &mut split, &mut stops);
        sentences_impl::<false>(text, &tokens, None, &mut general);
        assert_eq!(split, general, "{text:?}");
    }

    #[test]
    fn recorded_stops() {
        for text in [
            "",
            "\n\n",
            "He met Gen. Li. They\ntalked.\n",
            "a \u{2028} b\u{85}c",
            "Su-35 U.S.\n\nx,\n\u{2026}",
        ] {
            check_recorded_stops(text);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// The stops the tokenizer records for the sentence scan are the
        /// ones the scan would find (see `check_recorded_stops`).
        #[test]
        fn recorded_stops_are_the_scanned_ones(text in tricky_text()) {
            check_recorded_stops(&text);
        }

        /// The fast paths (gaps, words with a mark after them, the SWAR
        /// word scan, the sentence skip) give exactly what the merger and
        /// the full sentence checks give.
        #[test]
        fn fast_paths_agree_with_the_general_path(text in tricky_text()) {
            let tk = Tokenizer::new();
            let fast = tk.tokenize(&text);
            prop_assert_eq!(&fast, &tk.tokenize_general(&text));
            let mut general = Vec::new();
            sentences_impl::<false>(&text, &fast, None, &mut general);
            prop_assert_eq!(tk.sentences(&text, &fast), general);
        }
    }

    /// A quote or dash cut on the ASCII path must leave what follows it cut
    /// as the Unicode path cuts the whole stretch, whatever comes next:
    /// combining marks, joiners, other scripts, emoji, regional indicators.
    #[test]
    fn lone_punctuation_agrees_with_the_unicode_path() {
        let tk = Tokenizer::new();
        let puncts = ["\u{2019}", "\u{201c}", "\u{201d}", "\u{2014}", "\u{2013}", "«", "»", "…"];
        let next = [
            "a",
            "Z",
            "7",
            "'",
            ".",
            "-",
            "\u{301}",
            "\u{200d}",
            "\u{200b}",
            "\u{a0}",
            "é",
            "б",
            "\u{30a2}",
            "北",
            "\u{1f1fa}",
            "\u{1f600}",
            "\u{5d0}",
            "\u{e01}",
            "\u{2019}",
            "\u{ad}",
            "\u{34f}",
            "s",
            "\u{2028}",
            "€",
            "\u{b}",
        ];
        for before in ["", "a", "1", "x.", " ", "\u{e9}"] {
            for p in puncts {
                for x in next {
                    for y in next {
                        let text = format!("{before}{p}{x}{y}{p}s");
                        assert_eq!(tk.tokenize(&text), tk.tokenize_general(&text), "{text:?}");
                    }
                }
            }
        }
    }

    /// Every simple letter is a letter the Unicode path keeps inside a word
    /// on both sides, and every lone character a piece of its own; and a
    /// stretch of them, with what may come before or after, is cut as the
    /// Unicode path cuts it (see [`simple_stretch`]).
    #[test]
    fn simple_stretches_agree_with_the_unicode_path() {
        let tk = Tokenizer::new();
        let mut letters = Vec::new();
        let mut others = Vec::new();
        for c in ('\u{80}'..='\u{7ff}').chain('\u{2000}'..='\u{20ff}') {
            let s = c.to_string();
            let b = s.as_bytes();
            if simple_letter_len(b, 0).is_some() {
                assert!(is_word_char(c) && !c.is_numeric() && !is_mark(c), "{c:?}");
                letters.push(s);
            } else if lone_other_len(b, 0).is_some() {
                assert!(!is_word_char(c) && !c.is_whitespace() && !is_invisible(c), "{c:?}");
                others.push(s);
            }
        }
        assert_eq!(letters.len(), 448 - 2 + 256 - 8, "the two blocks");
        for c in &letters {
            for text in [
                format!("a{c}b{c}9{c}"),
                format!("{c}a 9{c}. {c}-x{c}'s"),
                format!("({c}{c}€1"),
                format!("x.{c}\u{301}a"),
            ] {
                assert_eq!(tk.tokenize(&text), tk.tokenize_general(&text), "{text:?}");
            }
        }
        let around =
            ["", "a", "9", "é", "б", ".", "'", "\u{301}", "\u{200d}", "北", "€", "\u{2019}"];
        for o in &others {
            for x in around {
                for y in around {
                    let text = format!("{x}{o}{y}a{o}é{o}");
                    assert_eq!(tk.tokenize(&text), tk.tokenize_general(&text), "{text:?}");
                }
            }
        }
    }

    /// Possessives, numbers with one separator and designators of two
    /// parts, and what may come before and after them, each checked
    /// against the merger.
    #[test]
    fn possessives_numbers_and_designators_agree_with_the_general_path() {
        let tk = Tokenizer::new();
        let words = [
            "Poland's",
            "US'S",
            "F-16's",
            "1990's",
            "a's",
            "O'Brien's",
            "Li's's",
            "x'sa",
            "x's1",
            "F-35",
            "Su-35S",
            "DF-21D",
            "10-year",
            "year-10",
            "Year-10",
            "10-Gen",
            "F16-a",
            "1-a",
            "a1-b",
            "yearly-1",
            "mid-2025",
            "pre-1990",
            "mid-3025",
            "ab-12345",
            "x-2025",
            "6.5",
            "18,000",
            "1-2",
            "1,000,000",
            "2015-11-17",
            "1.2.3",
            "3.5x",
            "6.a",
            "1,x",
            "1,",
            "1'",
            "a'",
            "9'9",
            "U.S.'s",
        ];
        let afters = [
            "",
            " ",
            "\n",
            ",",
            ", x",
            ",x",
            ",1",
            ".",
            ". ",
            ".1",
            "'s",
            "'",
            "' ",
            "\u{2019}s",
            "-",
            "- ",
            "-35",
            "/",
            "/ ",
            "/A",
            ")",
            ":",
            "\"",
            "\0",
            "é",
            "\u{a0}",
            "\u{301}",
            "--",
            "-x-1",
            "s",
            "1",
        ];
        for w in words {
            for a in afters {
                for text in [format!("{w}{a}"), format!("Gen. {w}{a} z"), format!("(${w}{a}")] {
                    assert_eq!(tk.tokenize(&text), tk.tokenize_general(&text), "{text:?}");
                }
            }
        }
    }

    /// Hyphenated words and what may follow them, each checked against
    /// the merger (the fast path for `word-word` must give what it gives).
    #[test]
    fn hyphenated_words_agree_with_the_general_path() {
        let tk = Tokenizer::new();
        let words = ["long-range", "X-ray", "F-35", "Su-35S", "a-b", "U.S.-led", "x-é", "a-1"];
        let afters = [
            "",
            " ",
            "\n",
            ",",
            ", x",
            ",x",
            ",1",
            ".",
            ". ",
            "'s",
            "\u{2019}s",
            "-",
            "-35",
            "/",
            "/A",
            ")",
            ":",
            "\"",
            "\0",
            "é",
            "\u{a0}",
            "--",
            "-x-1",
        ];
        for w in words {
            for a in afters {
                for text in [format!("{w}{a}"), format!("Gen. {w}{a} z"), format!("({w}{a}")] {
                    assert_eq!(tk.tokenize(&text), tk.tokenize_general(&text), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn mark_kinds_agree() {
        for b in (0..0x80u8).filter(|&b| class(b) == 0) {
            let s = [b];
            let s = std::str::from_utf8(&s).unwrap();
            assert_eq!(mark_kind(b), other_kind(s), "{b}");
        }
    }

    #[test]
    fn swar_word_scan_agrees_at_every_offset() {
        // Runs of every length up to past two words, ending in each kind
        // of byte, at each distance from the end of the text.
        let stops = [b' ', b'.', b'-', b'@', b'[', b'`', b'{', b'/', b':', 0x80, 0xc3, 0];
        for len in 1..20 {
            for &stop in &stops {
                for tail in 0..10 {
                    let mut t: Vec<u8> = (0..len).map(|i| b"aZ09mQ"[i % 6]).collect();
                    t.push(stop);
                    t.extend(std::iter::repeat_n(b'x', tail));
                    assert_eq!(alnum_run_swar(&t, 0), alnum_run(&t, 0), "{t:?}");
                    assert_eq!(alnum_run_swar(&t[..len], 0), alnum_run(&t[..len], 0));
                }
            }
        }
        // Random bytes, non-ASCII ones among them, from every offset.
        let mut next = crate::testing::xorshift(0x0bad_cafe_f00d);
        for _ in 0..5_000 {
            let t: Vec<u8> = (0..24)
                .map(|_| {
                    let r = next();
                    match r % 4 {
                        0 => r as u8 >> 1 | 0x80,
                        1 => (r >> 8) as u8,
                        _ => b"aZ09mQ "[(r >> 8) as usize % 7],
                    }
                })
                .collect();
            for at in 0..t.len() {
                assert_eq!(alnum_run_swar(&t, at), alnum_run(&t, at), "{t:?} {at}");
            }
        }
        for b in 0..=255u8 {
            let t = [b'a', b, b'1', b'b', b'c', b'd', b'e', b'f', b'g'];
            assert_eq!(alnum_run_swar(&t, 0), alnum_run(&t, 0), "{b}");
            let t = [b, b'a', b'1', b'b', b'c', b'd', b'e', b'f', b'g'];
            assert_eq!(alnum_run_swar(&t, 0), alnum_run(&t, 0), "{b}");
        }
    }

    #[test]
    fn alnum_kinds() {
        assert_eq!(alnum_kind(HAS_ALPHA), TokenKind::Word);
        assert_eq!(alnum_kind(HAS_DIGIT), TokenKind::Number);
        assert_eq!(alnum_kind(HAS_ALPHA | HAS_DIGIT), TokenKind::Designator);
        let kinds: Vec<TokenKind> =
            Tokenizer::new().tokenize("Kyiv 2024 M142 x9").iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            [TokenKind::Word, TokenKind::Number, TokenKind::Designator, TokenKind::Designator]
        );
    }

    #[test]
    fn abbreviation_lists_ignore_ascii_case() {
        for w in TITLE_ABBREVIATIONS {
            assert!(is_title_abbreviation(w) && is_known_abbreviation(w), "{w}");
            assert!(is_title_abbreviation(&w.to_uppercase()), "{w}");
        }
        for w in OTHER_ABBREVIATIONS {
            assert!(!is_title_abbreviation(w) && is_known_abbreviation(w), "{w}");
        }
        for w in ["", "g", "gene", "gen\0", "se", "sensx", "septemb", "Jan.", "ǅr", "DŽ"] {
            assert!(!is_known_abbreviation(w), "{w:?}");
        }
    }

    /// The length and first and last letter filter rules out no listed
    /// abbreviation, in any case, and does rule out most other words.
    #[test]
    fn abbreviation_filter_agrees_with_the_lists() {
        let mut words: Vec<String> = Vec::new();
        for w in TITLE_ABBREVIATIONS.iter().chain(OTHER_ABBREVIATIONS) {
            words.extend([w.to_string(), w.to_uppercase(), w[..1].to_uppercase() + &w[1..]]);
        }
        // Every word of one to three bytes from a few letters and others.
        let bytes = "abcdfgjlmnorstuvwxyzADGJS0.é-";
        let mut short = vec![String::new()];
        for _ in 0..3 {
            short =
                short.iter().flat_map(|w| bytes.chars().map(move |c| format!("{w}{c}"))).collect();
            words.extend(short.iter().cloned());
        }
        words.extend(
            ["said", "forces", "Kyiv", "Sept", "SEPT", "capt", "cmdrs", "ltd", "ltdx"]
                .map(String::from),
        );
        let mut ruled_out = 0;
        for w in &words {
            let listed = is_listed_abbreviation(w);
            assert!(!listed || could_be_abbreviation(w.as_bytes()), "{w:?}");
            assert_eq!(is_known_abbreviation(w), listed, "{w:?}");
            ruled_out += usize::from(!could_be_abbreviation(w.as_bytes()));
        }
        assert!(ruled_out > words.len() / 3, "{ruled_out} of {}", words.len());
    }

    fn toks(text: &str) -> Vec<&str> {
        Tokenizer::new().tokenize(text).iter().map(|t| t.as_str(text)).collect()
    }

    fn sents(text: &str) -> Vec<&str> {
        let tk = Tokenizer::new();
        let tokens = tk.tokenize(text);
        tk.sentences(text, &tokens).iter().map(|s| &text[s.span]).collect()
    }

    #[test]
    fn designators_stay_whole() {
        for d in [
            "Su-35",
            "S-400",
            "F-16V",
            "DF-21D",
            "M142",
            "Tu-22M3",
            "MiG-29",
            "F/A-18",
            "AIM-120C-7",
            "Buk-M2",
            "2S19",
            "Kh-101",
        ] {
            assert_eq!(toks(d), [d], "{d}");
        }
        assert_eq!(toks("Type 055"), ["Type", "055"]);
        assert_eq!(toks("Type-055"), ["Type-055"]);
        assert_eq!(toks("a 10-year deal"), ["a", "10", "-", "year", "deal"]);
        assert_eq!(toks("Virginia-class"), ["Virginia", "-", "class"]);
        assert_eq!(toks("Beijing-based"), ["Beijing", "-", "based"]);
        // A lower-case word and a year are a date's parts, not a name.
        assert_eq!(toks("in mid-2025"), ["in", "mid", "-", "2025"]);
        assert_eq!(toks("the pre-2022 border"), ["the", "pre", "-", "2022", "border"]);
        assert_eq!(toks("mid-2025-style"), ["mid", "-", "2025", "-", "style"]);
        assert_eq!(toks("Kh-2025"), ["Kh-2025"]);
        assert_eq!(toks("ab-123"), ["ab-123"]);
    }

    #[test]
    fn abbreviations_and_initials() {
        assert_eq!(
            toks("Gen. Charles Q. Brown Jr., chief"),
            ["Gen.", "Charles", "Q.", "Brown", "Jr.", ",", "chief"]
        );
        assert_eq!(toks("U.S.-supplied"), ["U.S.", "-", "supplied"]);
        assert_eq!(
            toks("the U.K. and St. Petersburg"),
            ["the", "U.K.", "and", "St.", "Petersburg"]
        );
        assert_eq!(toks("on Sept. 27, 2024"), ["on", "Sept.", "27", ",", "2024"]);
        assert_eq!(toks("end. Next"), ["end", ".", "Next"]);
    }

    #[test]
    fn possessives_split() {
        assert_eq!(toks("Israel's Rafael"), ["Israel", "'s", "Rafael"]);
        assert_eq!(toks("Israel\u{2019}s Rafael"), ["Israel", "\u{2019}s", "Rafael"]);
        assert_eq!(toks("O'Brien's"), ["O'Brien", "'s"]);
        assert_eq!(toks("forces' base"), ["forces", "'", "base"]);
        let text = "Israel’s";
        let t = Tokenizer::new().tokenize(text);
        assert_eq!(t[1].kind, TokenKind::Possessive);
    }

    #[test]
    fn numbers() {
        assert_eq!(toks("18,000 km and 1.2 billion"), ["18,000", "km", "and", "1.2", "billion"]);
        assert_eq!(toks("2015-11-17"), ["2015-11-17"]);
        assert_eq!(toks("$400 million"), ["$", "400", "million"]);
        assert_eq!(toks("1, 2"), ["1", ",", "2"]);
    }

    #[test]
    fn unicode_offsets() {
        let text = "Sébastien Lecornu 在北京 met 🇫🇷 officials 👩‍🚀 résumé";
        let tokens = Tokenizer::new().tokenize(text);
        for t in &tokens {
            assert!(text.is_char_boundary(t.span.start) && text.is_char_boundary(t.span.end));
        }
        let words: Vec<&str> = tokens.iter().map(|t| t.as_str(text)).collect();
        assert_eq!(
            words,
            ["Sébastien", "Lecornu", "在", "北", "京", "met", "🇫🇷", "officials", "👩‍🚀", "résumé"]
        );
    }

    #[test]
    fn nbsp_and_marks_are_gaps() {
        let text = "Gen.\u{a0}Votel\u{200e} said";
        assert_eq!(toks(text), ["Gen.", "Votel", "said"]);
    }

    /// The vertical tab is whitespace (as Unicode has it) on the ASCII path
    /// as on the Unicode one: a gap, not a token.
    #[test]
    fn vertical_tab_is_a_gap() {
        assert_eq!(toks("Gen.\u{b}Li\u{b}\u{b}said"), ["Gen.", "Li", "said"]);
        assert_eq!(toks("Kyiv’s\u{b}forces"), ["Kyiv", "’s", "forces"]);
        let tokens = Tokenizer::new().tokenize("a\u{b}b");
        assert!(tokens[1].space_before() && !tokens[1].newline_before());
    }

    /// The sentence scan's fast paths (the skip, the text's last token,
    /// the plain cut after `.` `!` `?`) against the general checks, on
    /// generated text dense in what they decide on: enders, abbreviations,
    /// starters, quotes and brackets with and without a space, line and
    /// paragraph breaks, and non-ASCII punctuation.
    #[test]
    fn sentence_fast_paths_agree_with_the_general_checks() {
        const PIECES: &[&str] = &[
            "The", "he", "U.S.", "Gen.", "Inc.", "Q.", "Sept.", "St.", "Li", "army", "said",
            "F-35", "3", "1.2", "x", ".", ".", ".", "!", "?", ",", ";", ":", "-", "*", "(", ")",
            "[", "]", "{", "}", "\"", "'", "\u{2026}", "\u{3002}", "\u{FF01}", "\u{FF1F}",
            "\u{201C}", "\u{201D}", "\u{2018}", "\u{2019}", "\u{AB}", "\u{BB}", "\u{2014}",
            "\u{2013}", "\u{2022}", "\u{A1}", "\u{2E2E}", "\u{3001}", "北京", "Łódź", "élan", "ß",
            "&", "/",
        ];
        const GAPS: &[&str] = &["", " ", " ", " ", "  ", "\n", "\n\n", " \n", "\t"];
        let tk = Tokenizer::new();
        let mut next = crate::testing::xorshift(0x5e47_e4ce_5ca1_ab1e);
        let (mut tokens, mut general) = (Vec::new(), Vec::new());
        let mut text = String::new();
        for _ in 0..20_000 {
            text.clear();
            let n = next() % 40;
            for _ in 0..n {
                let r = next();
                text.push_str(GAPS[(r >> 8) as usize % GAPS.len()]);
                text.push_str(PIECES[r as usize % PIECES.len()]);
            }
            tk.tokenize_into(&text, &mut tokens);
            sentences_impl::<false>(&text, &tokens, None, &mut general);
            assert_eq!(tk.sentences(&text, &tokens), general, "{text:?}");
            check_recorded_stops(&text);
        }
    }

    /// The filter of the sentence scan passes every punctuation mark that
    /// `ends_sentence` may cut after (every character of the Basic and
    /// Supplementary planes that is one punctuation token on its own, so
    /// that an ender added there and not to the filter fails here), and
    /// no comma, quote, bracket or dash.
    #[test]
    fn ender_filter_passes_every_ender() {
        let passes = |s: &str| ENDER_LAST_BYTES >> (s.as_bytes()[s.len() - 1] & 63) & 1 != 0;
        let tk = Tokenizer::new();
        let mut enders = 0;
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            let s = c.to_string();
            let tokens = tk.tokenize(&s);
            if let [t] = tokens.as_slice() {
                if t.kind == TokenKind::Punct && matches!(ends_sentence(&s, &tokens, 0), Cut::After)
                {
                    assert!(passes(&s), "{s:?}");
                    enders += 1;
                }
            }
        }
        assert_eq!(enders, 7);
        for s in [",", ";", ":", "\"", "'", "(", ")", "-", "\u{201C}", "\u{201D}", "\u{2014}"] {
            assert!(!passes(s), "{s}");
        }
    }

    #[test]
    fn sentence_splitting() {
        assert_eq!(sents("He met Gen. Li. They talked."), ["He met Gen. Li.", "They talked."]);
        assert_eq!(
            sents("\"The paratroopers are ready,\" Brown told the AP. \"We go.\" He left."),
            ["\"The paratroopers are ready,\" Brown told the AP.", "\"We go.\"", "He left."]
        );
        assert_eq!(
            sents("Russia deploys new missiles\nMoscow said on Monday it had."),
            ["Russia deploys new missiles", "Moscow said on Monday it had."]
        );
        assert_eq!(
            sents("First paragraph without stop\n\nsecond one."),
            ["First paragraph without stop", "second one."]
        );
        assert_eq!(
            sents("The attack ended.The army left."),
            ["The attack ended.", "The army left."]
        );
        assert_eq!(
            sents("It was sold to the U.S. The deal closed."),
            ["It was sold to the U.S.", "The deal closed."]
        );
        assert_eq!(sents("U.S. Central Command said so."), ["U.S. Central Command said so."]);
        assert_eq!(sents("said the\nminister of defence."), ["said the\nminister of defence."]);
        assert!(sents("").is_empty());
    }
}
