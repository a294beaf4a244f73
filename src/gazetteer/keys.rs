//! Match keys: the token sequences (in normal form) under which an alias is
//! looked up, with its spelling variants, and the case rule that decides
//! whether a match in the text counts.
//!
//! Keys are made as sequences of *pieces*: token normal forms written once
//! into one reused buffer, so that making the keys of an alias allocates
//! nothing once the buffers have grown.

use super::entry::CaseMode;
use crate::error::{Error, ErrorKind};
use crate::normalize::push_token;
use crate::tokenize::{Token, TokenKind, Tokenizer};
use std::ops::Range;

/// At most this many token sequences are made from one alias (plurals not
/// counted).
const MAX_VARIANTS: usize = 16;

/// How the letters of a match must agree with the alias.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CaseRule {
    Insensitive,
    Exact,
    ExactOrUpper,
}

/// One way of writing a token slot: one piece, or two (`su` `35` for
/// `Su-35`).
#[derive(Clone, Copy, Debug)]
struct Alt {
    pieces: [u32; 2],
    len: u8,
}

impl Alt {
    fn one(p: u32) -> Alt {
        Alt { pieces: [p, 0], len: 1 }
    }

    fn as_slice(&self) -> &[u32] {
        &self.pieces[..usize::from(self.len)]
    }
}

/// Makes the keys of aliases, reusing its buffers from one alias to the
/// next.
///
/// After [`KeyGen::generate`], [`KeyGen::piece`] gives the text of each
/// piece and [`KeyGen::keys`] the keys: sequences of piece indexes, each
/// with the number of bytes of a plural ending that the match must leave
/// out of the span. A key with a trim is a plural: its last piece is
/// written with [`ending`]`(trim)` after it, which is left to the caller,
/// as the plurals of one word recur in many aliases and their text need
/// only be made once. The same key may come out more than once (with
/// different trims); the caller keeps the smallest trim.
#[derive(Debug, Default)]
pub(crate) struct KeyGen {
    tokens: Vec<Token>,
    /// The text of all pieces of the current alias.
    buf: String,
    /// Scratch for copying text within `buf`.
    tmp: String,
    /// Byte ranges of the pieces in `buf`.
    pieces: Vec<Range<u32>>,
    /// The alternatives of all slots, slot after slot.
    alts: Vec<Alt>,
    /// Per slot: its range in `alts` (the first is the plain normal form).
    slots: Vec<Range<u32>>,
    kinds: Vec<TokenKind>,
    /// Token sequences: piece indexes, and each sequence's range.
    seq: Vec<u32>,
    seq_ranges: Vec<Range<u32>>,
    next: Vec<u32>,
    next_ranges: Vec<Range<u32>>,
    /// The keys: each key's range in `seq` and trim.
    key_ranges: Vec<(Range<u32>, u8)>,
}

impl KeyGen {
    /// Makes the keys of `alias` (replacing those of the previous alias)
    /// and returns its case rule.
    pub(crate) fn generate(
        &mut self,
        tk: &Tokenizer,
        alias: &str,
        mode: CaseMode,
    ) -> Result<CaseRule, Error> {
        self.clear();
        let words = if self.plain_slots(alias) {
            debug_assert!(plain_agrees(tk, alias), "{alias:?} is not tokenized as plain words");
            self.slots.len()
        } else {
            self.clear();
            self.token_slots(tk, alias)?
        };
        self.make_sequences();
        self.make_keys(alias);
        Ok(match mode {
            CaseMode::Insensitive => CaseRule::Insensitive,
            CaseMode::Sensitive => CaseRule::Exact,
            CaseMode::Auto => auto_rule(alias, words),
        })
    }

    fn clear(&mut self) {
        self.buf.clear();
        self.pieces.clear();
        self.alts.clear();
        self.slots.clear();
        self.kinds.clear();
    }

    /// The slots of an alias of ASCII letters and spaces: one word a slot,
    /// written in lower case, as the tokenizer would make them (the
    /// common case, without tokenizing). Returns false, with the slots
    /// half made, when the alias is not such an alias (see `is_plain`,
    /// its test oracle): checking and cutting in one pass over the bytes
    /// is cheaper than two.
    fn plain_slots(&mut self, alias: &str) -> bool {
        let bytes = alias.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b' ' {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            if i == start {
                // Neither a letter nor a space.
                return false;
            }
            let from = self.buf.len();
            self.buf.push_str(&alias[start..i]);
            self.buf[from..].make_ascii_lowercase();
            let p = self.push_piece(from, self.buf.len());
            let first_alt = self.alts.len() as u32;
            self.alts.push(Alt::one(p));
            self.slots.push(first_alt..self.alts.len() as u32);
            self.kinds.push(TokenKind::Word);
        }
        !self.slots.is_empty()
    }

    /// The slots of any alias, from its tokens; returns how many tokens
    /// are word-like.
    fn token_slots(&mut self, tk: &Tokenizer, alias: &str) -> Result<usize, Error> {
        tk.tokenize_into(alias, &mut self.tokens);
        if self.tokens.is_empty() {
            return Err(Error::new(ErrorKind::EmptyAlias));
        }
        // One list of alternatives per token slot.
        for i in 0..self.tokens.len() {
            let t = self.tokens[i];
            let start = self.buf.len();
            push_token(alias, &t, &mut self.buf);
            let end = self.buf.len();
            let first_alt = self.alts.len() as u32;
            let norm = self.push_piece(start, end);
            self.alts.push(Alt::one(norm));
            match t.kind {
                TokenKind::Designator => {
                    // `su35` is also written `su 35`: the letters before the
                    // first digit apart from the rest.
                    let s = &self.buf[start..end];
                    if let Some(d) = s.find(|c: char| c.is_ascii_digit()) {
                        if d > 0 && s[..d].chars().all(char::is_alphabetic) {
                            let a = self.push_piece(start, start + d);
                            let b = self.push_piece(start + d, end);
                            self.alts.push(Alt { pieces: [a, b], len: 2 });
                        }
                    }
                }
                TokenKind::Abbreviation => {
                    // `u.s.` is also written `us`.
                    let s = &self.buf[start..end];
                    if s.contains('.') && s.chars().any(|c| c != '.') {
                        let from = self.buf.len();
                        let mut run = start;
                        for i in start..=end {
                            if i == end || self.buf.as_bytes()[i] == b'.' {
                                self.repeat(run..i);
                                run = i + 1;
                            }
                        }
                        let to = self.buf.len();
                        let p = self.push_piece(from, to);
                        self.alts.push(Alt::one(p));
                    }
                }
                _ => {}
            }
            self.slots.push(first_alt..self.alts.len() as u32);
            self.kinds.push(t.kind);
        }
        Ok(self.tokens.iter().filter(|t| t.is_wordlike()).count())
    }

    /// Appends a copy of `buf[range]` to `buf`.
    fn repeat(&mut self, range: Range<usize>) {
        self.tmp.clear();
        self.tmp.push_str(&self.buf[range]);
        self.buf.push_str(&self.tmp);
    }

    fn push_piece(&mut self, start: usize, end: usize) -> u32 {
        self.pieces.push(start as u32..end as u32);
        (self.pieces.len() - 1) as u32
    }

    /// The text of piece `i`.
    pub(crate) fn piece(&self, i: u32) -> &str {
        let r = &self.pieces[i as usize];
        &self.buf[r.start as usize..r.end as usize]
    }

    /// The number of pieces.
    pub(crate) fn pieces_len(&self) -> usize {
        self.pieces.len()
    }

    /// The keys of the last alias: piece indexes and trim (the last piece
    /// of a key with a trim takes the plural [`ending`]).
    pub(crate) fn keys(&self) -> impl Iterator<Item = (&[u32], u8)> + '_ {
        self.key_ranges.iter().map(|(r, trim)| (&self.seq[r.start as usize..r.end as usize], *trim))
    }

    /// Every combination of the slots' alternatives (at most
    /// `MAX_VARIANTS`, in order), then the word + number joins.
    fn make_sequences(&mut self) {
        self.seq.clear();
        self.seq_ranges.clear();
        if self.alts.len() == self.slots.len() {
            // One way of writing each slot (most aliases): one sequence,
            // made without copying it once per slot.
            self.seq.extend(self.alts.iter().map(|a| a.pieces[0]));
            self.seq_ranges.push(0..self.seq.len() as u32);
        } else {
            self.seq_ranges.push(0..0);
            self.combine_alternatives();
        }
        self.join_word_numbers();
    }

    /// Every combination of the slots' alternatives, at most
    /// `MAX_VARIANTS`, in order.
    fn combine_alternatives(&mut self) {
        for slot in 0..self.slots.len() {
            self.next.clear();
            self.next_ranges.clear();
            let alts = self.slots[slot].clone();
            'seqs: for r in 0..self.seq_ranges.len() {
                let r = self.seq_ranges[r].clone();
                for a in alts.clone() {
                    if self.next_ranges.len() >= MAX_VARIANTS {
                        break 'seqs;
                    }
                    let start = self.next.len() as u32;
                    self.next.extend_from_slice(&self.seq[r.start as usize..r.end as usize]);
                    self.next.extend_from_slice(self.alts[a as usize].as_slice());
                    self.next_ranges.push(start..self.next.len() as u32);
                }
            }
            std::mem::swap(&mut self.seq, &mut self.next);
            std::mem::swap(&mut self.seq_ranges, &mut self.next_ranges);
        }
    }

    /// Adds the sequences with a word and the number after it joined.
    fn join_word_numbers(&mut self) {
        // "Type 055" is also written "Type-055" / "Type055": join a word and
        // the number after it.
        for i in 0..self.kinds.len().saturating_sub(1) {
            if self.kinds[i] == TokenKind::Word
                && self.kinds[i + 1] == TokenKind::Number
                && self.seq_ranges.len() < MAX_VARIANTS
            {
                let first =
                    |s: &KeyGen, slot: usize| s.alts[s.slots[slot].start as usize].pieces[0];
                let (a, b) = (first(self, i), first(self, i + 1));
                let from = self.buf.len();
                let (ra, rb) = (self.pieces[a as usize].clone(), self.pieces[b as usize].clone());
                self.repeat(ra.start as usize..ra.end as usize);
                self.repeat(rb.start as usize..rb.end as usize);
                let to = self.buf.len();
                let joined = self.push_piece(from, to);
                let start = self.seq.len() as u32;
                for slot in 0..self.slots.len() {
                    if slot == i {
                        self.seq.push(joined);
                    } else if slot != i + 1 {
                        self.seq.push(first(self, slot));
                    }
                }
                self.seq_ranges.push(start..self.seq.len() as u32);
            }
        }
    }

    /// Each sequence as a key, with its plurals (`+s`, and `+es` after
    /// s, x, z, ch, sh) when the alias ends in a word. A key is a range of
    /// `seq` and a trim: a sequence is its own key, and its plurals too,
    /// with the trim of their ending, so that no sequence is copied.
    fn make_keys(&mut self, alias: &str) {
        self.key_ranges.clear();
        let plural = matches!(
            self.kinds.last(),
            Some(
                TokenKind::Word
                    | TokenKind::Designator
                    | TokenKind::Number
                    | TokenKind::Abbreviation
            )
        ) && !alias.ends_with('.');
        for k in 0..self.seq_ranges.len() {
            let r = self.seq_ranges[k].clone();
            self.key_ranges.push((r.clone(), 0));
            let Some(&last) = self.seq[r.start as usize..r.end as usize].last() else { continue };
            if !plural {
                continue;
            }
            let l = self.piece(last);
            if !l.ends_with(|c: char| c.is_alphanumeric()) {
                continue;
            }
            let es = l.ends_with(['s', 'x', 'z']) || l.ends_with("ch") || l.ends_with("sh");
            self.key_ranges.push((r.clone(), 1));
            if es {
                self.key_ranges.push((r, 2));
            }
        }
    }
}

/// The plural ending of a key with this trim (see [`KeyGen::keys`]): as
/// many bytes as the trim.
pub(crate) fn ending(trim: u8) -> &'static str {
    match trim {
        0 => "",
        1 => "s",
        _ => "es",
    }
}

/// True for an alias of ASCII letters and spaces with a letter: the
/// tokenizer makes each run of letters one word.
#[cfg(test)]
fn is_plain(alias: &str) -> bool {
    alias.bytes().all(|b| b.is_ascii_alphabetic() || b == b' ') && alias.bytes().any(|b| b != b' ')
}

/// The tokenizer cuts a plain alias into its runs of letters, all words.
fn plain_agrees(tk: &Tokenizer, alias: &str) -> bool {
    let tokens = tk.tokenize(alias);
    let words: Vec<&str> = alias.split(' ').filter(|w| !w.is_empty()).collect();
    tokens.len() == words.len()
        && tokens
            .iter()
            .zip(&words)
            .all(|(t, w)| t.kind == TokenKind::Word && t.as_str(alias) == *w)
}

fn auto_rule(alias: &str, words: usize) -> CaseRule {
    // Most aliases have several words: their letters need not be read.
    if words != 1 {
        return CaseRule::Insensitive;
    }
    let (mut letters, mut upper) = (0, 0);
    if alias.is_ascii() {
        // The same counts on bytes (in ASCII, only digits are numeric).
        for b in alias.bytes() {
            if b.is_ascii_digit() {
                return CaseRule::Insensitive;
            }
            letters += usize::from(b.is_ascii_alphabetic());
            upper += usize::from(b.is_ascii_uppercase());
        }
    } else {
        if alias.chars().any(|c| c.is_numeric()) {
            return CaseRule::Insensitive;
        }
        for c in alias.chars().filter(|c| c.is_alphabetic()) {
            letters += 1;
            upper += usize::from(c.is_uppercase());
        }
    }
    if letters >= 2 && upper == letters {
        CaseRule::Exact
    } else if upper > 0 {
        CaseRule::ExactOrUpper
    } else {
        CaseRule::Insensitive
    }
}

/// True when `found` (the text of a match, plural ending removed) agrees
/// with `alias` under `rule`. Only letters are compared, so "U.S." agrees
/// with "US" and "Su 35" with "Su-35".
pub(crate) fn case_agrees(rule: CaseRule, alias: &str, found: &str) -> bool {
    fn letters(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars().filter(|c| c.is_alphabetic())
    }
    fn ascii_letters(s: &str) -> impl Iterator<Item = u8> + '_ {
        s.bytes().filter(u8::is_ascii_alphabetic)
    }
    if rule == CaseRule::Insensitive {
        return true;
    }
    if alias.is_ascii() && found.is_ascii() {
        // The same comparisons on bytes.
        let same = ascii_letters(alias).eq(ascii_letters(found));
        return same
            || (rule == CaseRule::ExactOrUpper
                && ascii_letters(found).all(|c| !c.is_ascii_lowercase())
                && ascii_letters(alias).count() == ascii_letters(found).count()
                && ascii_letters(alias)
                    .zip(ascii_letters(found))
                    .all(|(x, y)| x.eq_ignore_ascii_case(&y)));
    }
    match rule {
        CaseRule::Insensitive => true,
        CaseRule::Exact => letters(alias).eq(letters(found)),
        CaseRule::ExactOrUpper => {
            letters(alias).eq(letters(found))
                || (letters(found).all(|c| !c.is_lowercase())
                    && letters(alias).count() == letters(found).count()
                    && letters(alias)
                        .zip(letters(found))
                        .all(|(x, y)| x.to_uppercase().eq(y.to_uppercase())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys of `alias` written as text (`" su 35 "`), sorted, each once
    /// with its smallest trim.
    fn keys_trim(alias: &str) -> Vec<(String, u8)> {
        let mut g = KeyGen::default();
        g.generate(&Tokenizer::new(), alias, CaseMode::Auto).unwrap();
        let mut k: Vec<(String, u8)> = g
            .keys()
            .map(|(p, trim)| {
                let words: Vec<&str> = p.iter().map(|&i| g.piece(i)).collect();
                (format!(" {}{} ", words.join(" "), ending(trim)), trim)
            })
            .collect();
        k.sort();
        k.dedup_by(|a, b| a.0 == b.0);
        k
    }

    /// The words of each key of the last alias, the plural ending written.
    fn key_words(g: &KeyGen) -> Vec<Vec<String>> {
        g.keys()
            .map(|(p, trim)| {
                let mut words: Vec<String> = p.iter().map(|&i| g.piece(i).to_string()).collect();
                if let Some(last) = words.last_mut() {
                    last.push_str(ending(trim));
                }
                words
            })
            .collect()
    }

    fn keys(alias: &str) -> Vec<String> {
        keys_trim(alias).into_iter().map(|k| k.0).collect()
    }

    #[test]
    fn designator_variants() {
        let k = keys("Su-35");
        assert!(k.contains(&" su35 ".to_string()));
        assert!(k.contains(&" su 35 ".to_string()));
        assert!(k.contains(&" su35s ".to_string()));
        let k = keys("Type 055");
        assert!(k.contains(&" type 055 ".to_string()));
        assert!(k.contains(&" type055 ".to_string()));
        let k = keys("U.S.");
        assert!(k.contains(&" u.s. ".to_string()));
        assert!(k.contains(&" us ".to_string()));
        assert!(!k.iter().any(|k| k.contains("uss")), "{k:?}");
    }

    #[test]
    fn all_keys_of_an_alias() {
        assert_eq!(
            keys_trim("Su-35 Mk 2"),
            [
                (" su 35 mk 2 ".to_string(), 0),
                (" su 35 mk 2s ".to_string(), 1),
                (" su35 mk 2 ".to_string(), 0),
                (" su35 mk 2s ".to_string(), 1),
                (" su35 mk2 ".to_string(), 0),
                (" su35 mk2s ".to_string(), 1),
            ]
        );
        assert_eq!(
            keys_trim("Hamas"),
            [(" hamas ".to_string(), 0), (" hamases ".to_string(), 2), (" hamass ".to_string(), 1)]
        );
        // Only a word (not punctuation, not a final period) takes a plural.
        assert_eq!(keys("U.S. Navy (USN)"), [" u.s. navy ( usn ) ", " us navy ( usn ) "]);
        assert_eq!(keys("Inc."), [" inc ", " inc. "]);
    }

    #[test]
    fn variants_are_capped() {
        // Five designators have 2^5 spellings: the first 16 are kept (all
        // with `a1` as written), each with its plural.
        let k = keys_trim("A-1 B-2 C-3 D-4 E-5");
        assert_eq!(k.len(), 32);
        assert_eq!(k.iter().filter(|k| k.1 == 0).count(), 16);
        assert!(k.iter().all(|k| k.0.starts_with(" a1 b")), "{k:?}");
        assert!(k.contains(&(" a1 b2 c3 d4 e5 ".to_string(), 0)));
        assert!(k.contains(&(" a1 b 2 c 3 d 4 e 5s ".to_string(), 1)));
    }

    #[test]
    fn plain_aliases_skip_the_tokenizer() {
        let tk = Tokenizer::new();
        for alias in ["South China Sea", "  Iron  Dome ", "I", "World War I", "US", "a b c"] {
            assert!(is_plain(alias), "{alias:?}");
            assert!(plain_agrees(&tk, alias), "{alias:?}");
        }
        for alias in ["", "   ", "Su-35", "U.S.", "O'Brien", "Type 055", "Zürich", "a\tb"] {
            assert!(!is_plain(alias), "{alias:?}");
            assert!(!KeyGen::default().plain_slots(alias), "{alias:?}");
        }
        for alias in ["South China Sea", "  Iron  Dome ", "I"] {
            assert!(KeyGen::default().plain_slots(alias), "{alias:?}");
        }
        // The same keys and rule as through the tokenizer.
        let mut g = KeyGen::default();
        let rule = g.generate(&tk, " Iron  Dome", CaseMode::Auto).unwrap();
        let plain = key_words(&g);
        g.clear();
        let rule2 = g.token_slots(&tk, " Iron  Dome").map(|w| auto_rule(" Iron  Dome", w)).unwrap();
        g.make_sequences();
        g.make_keys(" Iron  Dome");
        let tokenized = key_words(&g);
        assert_eq!(plain, tokenized);
        assert_eq!(plain, [vec!["iron", "dome"], vec!["iron", "domes"]]);
        assert_eq!((rule, rule2), (CaseRule::Insensitive, CaseRule::Insensitive));
        assert_eq!(g.generate(&tk, "NATO", CaseMode::Auto).unwrap(), CaseRule::Exact);
    }

    #[test]
    fn buffers_are_reused() {
        let tk = Tokenizer::new();
        let mut g = KeyGen::default();
        g.generate(&tk, "Su-35 Flanker-E Mk 2", CaseMode::Auto).unwrap();
        g.generate(&tk, "NATO", CaseMode::Auto).unwrap();
        assert_eq!(key_words(&g), [vec!["nato"], vec!["natos"]]);
        assert!(g.generate(&tk, "  ", CaseMode::Auto).is_err());
    }

    #[test]
    fn rules() {
        let rule = |a| KeyGen::default().generate(&Tokenizer::new(), a, CaseMode::Auto).unwrap();
        assert_eq!(rule("US"), CaseRule::Exact);
        assert_eq!(rule("U.S."), CaseRule::Exact);
        assert_eq!(rule("Patriot"), CaseRule::ExactOrUpper);
        assert_eq!(rule("South China Sea"), CaseRule::Insensitive);
        assert_eq!(rule("S-400"), CaseRule::Insensitive);
        assert!(case_agrees(CaseRule::Exact, "U.S.", "US"));
        assert!(!case_agrees(CaseRule::Exact, "US", "us"));
        assert!(!case_agrees(CaseRule::Exact, "US", "USA"));
        assert!(case_agrees(CaseRule::ExactOrUpper, "China", "CHINA"));
        assert!(!case_agrees(CaseRule::ExactOrUpper, "Straße", "STRASSE"));
        assert!(case_agrees(CaseRule::ExactOrUpper, "Émile", "ÉMILE"));
        assert!(!case_agrees(CaseRule::ExactOrUpper, "China", "china"));
        assert!(!case_agrees(CaseRule::ExactOrUpper, "China", "cHINA"));
        assert!(!case_agrees(CaseRule::ExactOrUpper, "China", "CHINAS"));
        assert!(case_agrees(CaseRule::ExactOrUpper, "Al-Qaeda", "AL QAEDA"));
        assert!(!case_agrees(CaseRule::ExactOrUpper, "Al-Qaeda", "AL QAEDa"));
        assert!(case_agrees(CaseRule::Exact, "F-16", "F16"));
        assert!(!case_agrees(CaseRule::Exact, "F-16", "f16"));
        assert!(case_agrees(CaseRule::Insensitive, "F-16", "f16"));
        // Non-ASCII text takes the char path: same answers.
        assert!(case_agrees(CaseRule::ExactOrUpper, "Chïna", "CHÏNA"));
        assert!(!case_agrees(CaseRule::ExactOrUpper, "Chïna", "chïna"));
        assert!(case_agrees(CaseRule::Exact, "Ü.S.", "ÜS"));
        assert!(!case_agrees(CaseRule::Exact, "China", "CHÏNA"));
    }
}
