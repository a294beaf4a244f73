//! Interned token forms and lexicon tries.
//!
//! Every token that appears in a literal or a lexicon entry gets an id from
//! its normal form (lower case, see `crate::normalize`); a sentence's tokens
//! are looked up once, and from then on literals and lexicons compare
//! integers. Exact-case lexicons use a second table of the tokens as
//! written.

use crate::hash::pack;
use crate::normalize::{load_word, push_token, MASKS};
use crate::span::Span;
use crate::tokenize::{Token, TokenKind};
use crate::vocab::Vocab as Table;

/// The id of a token form no rule mentions.
pub(crate) const NONE: u32 = u32::MAX;

/// Token forms to ids: the gazetteer's string table, so a text token is
/// looked up the same cheap way on both sides.
#[derive(Clone, Debug)]
pub(crate) struct Vocab {
    lower: Table,
    exact: Table,
    /// By lower-case id: what a token of that normal form can be as
    /// written (see [`Vocab::exact_id_of`]). [`NO_EXACT`] (or past the
    /// end) when no exact form has that normal form, [`MANY_EXACT`] when
    /// several do or the one is longer than 8 bytes, and for `'s`, the
    /// normal form of every possessive; else the index of the one in
    /// `expect`.
    exact_of: Vec<u32>,
    /// The one exact form of a normal form, by [`Vocab::exact_of`].
    expect: Vec<Expected>,
    lineage: Lineage,
}

/// [`Vocab::exact_of`] of a normal form no exact form has.
const NO_EXACT: u32 = u32::MAX;

/// [`Vocab::exact_of`] of a normal form several exact forms have.
const MANY_EXACT: u32 = u32::MAX - 1;

/// The one exact form of up to 8 bytes a normal form stands for: a token
/// of that normal form is that exact form when its bytes are these, and
/// no exact form otherwise (a comparison of two words rather than a second
/// hash lookup).
#[derive(Clone, Copy, Debug)]
struct Expected {
    /// The form's bytes, packed (`hash::pack`).
    word: u64,
    /// Its length in bytes.
    len: u32,
    /// Its exact id.
    id: u32,
}

/// Which vocabularies ids looked up in a vocabulary serve (see
/// [`Vocab::reads_ids_of`]). The default is no vocabulary's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Lineage {
    /// Names the vocabulary (a clone, being the same strings under the same
    /// ids, keeps it).
    stamp: u64,
    /// The stamp of the finished vocabulary it grew from
    /// ([`Vocab::grown_from`]), 0 for none: that one's ids are a prefix of
    /// its own.
    seed: u64,
}

impl Default for Vocab {
    fn default() -> Vocab {
        let lineage = Lineage { stamp: new_stamp(), seed: 0 };
        Vocab {
            lower: Table::default(),
            exact: Table::default(),
            exact_of: Vec::new(),
            expect: Vec::new(),
            lineage,
        }
    }
}

/// A stamp no vocabulary has had (from 1: 0 stands for none).
fn new_stamp() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Vocab {
    /// A vocabulary holding `seed`'s forms under the same ids, to which more
    /// are added: so that the ids of a text's tokens, looked up once here,
    /// serve the rule set built on `seed` too (ids past its forms are words
    /// it does not know). `seed` must be finished: it may not grow after.
    pub(crate) fn grown_from(seed: &Vocab) -> Vocab {
        Vocab {
            lower: seed.lower.clone(),
            exact: seed.exact.clone(),
            exact_of: seed.exact_of.clone(),
            expect: seed.expect.clone(),
            lineage: Lineage { stamp: new_stamp(), seed: seed.lineage.stamp },
        }
    }

    /// Its [`Lineage`].
    pub(crate) fn lineage(&self) -> Lineage {
        self.lineage
    }

    /// Whether the lower-case ids of tokens looked up in the vocabulary of
    /// `other` lineage are this vocabulary's own ids once those of forms
    /// past this one's are read as [`NONE`] ([`Vocab::own_id`]): that
    /// vocabulary is this one, or grew from it.
    pub(crate) fn reads_ids_of(&self, other: Lineage) -> bool {
        let own = self.lineage.stamp;
        own == other.stamp || own == other.seed
    }

    /// The lower-case ids of `tokens` (of `text`) into `ids`, a form not
    /// in the vocabulary as [`Vocab::lower_len`] or more (see
    /// [`Vocab::own_id`]).
    pub(crate) fn lower_ids(
        &self,
        text: &str,
        tokens: &[Token],
        ids: &mut Vec<u32>,
        buf: &mut String,
    ) {
        self.lower.token_ids(text, tokens, ids, buf);
    }

    /// This vocabulary's id of a token whose id in a vocabulary it
    /// [reads the ids of](Vocab::reads_ids_of) is `id`.
    #[inline]
    pub(crate) fn own_id(&self, id: u32) -> u32 {
        if (id as usize) < self.lower.len() {
            id
        } else {
            NONE
        }
    }

    /// The id of a normal (lower-case) form, made if new.
    pub(crate) fn intern_lower(&mut self, form: &str) -> u32 {
        intern(&mut self.lower, form)
    }

    /// The id of a form as written, made if new.
    pub(crate) fn intern_exact(&mut self, form: &str) -> u32 {
        let known = self.exact.len();
        let id = intern(&mut self.exact, form);
        if self.exact.len() != known {
            self.mark_forms(form, id);
        }
        id
    }

    /// [`Vocab::intern_exact`] for a form of ASCII letters only, whose
    /// lower case, interned, is `lower`: that is its normal form as a
    /// token of any kind but punctuation (which starts with no ASCII
    /// letter) and possessives (see [`Vocab::grow_marks`]).
    pub(crate) fn intern_exact_letters(&mut self, form: &str, lower: u32) -> u32 {
        debug_assert!(form.bytes().all(|b| b.is_ascii_alphabetic()));
        debug_assert_eq!(self.get_lower(&form.to_ascii_lowercase()), Some(lower));
        let id = intern(&mut self.exact, form);
        self.mark(lower, form, id);
        id
    }

    /// Interns and marks the normal forms a token written `form` (exact id
    /// `id`) has as a word, designator, number or punctuation
    /// (abbreviations and symbols have a word's): every kind
    /// [`Vocab::exact_id_of`] reads by its normal form.
    fn mark_forms(&mut self, form: &str, id: u32) {
        let mut buf = String::new();
        // Designators drop `-` and `/`, numbers `,`: without them, one form.
        let kinds = match form.bytes().any(|b| matches!(b, b'-' | b'/' | b',')) {
            true => &[TokenKind::Word, TokenKind::Designator, TokenKind::Number][..],
            false => &[TokenKind::Word][..],
        };
        // Punctuation's normal form is its first character's: only for a
        // form that can be punctuation, which never starts with an ASCII
        // letter or digit (else "a" would stand for every "al-..." form).
        // Other letters count: the tokenizer's punctuation includes a few
        // (U+3005 "々" is in its CJK range).
        let punct = form.chars().next().is_some_and(|c| !c.is_ascii_alphanumeric());
        let punct = if punct { &[TokenKind::Punct][..] } else { &[][..] };
        for &kind in kinds.iter().chain(punct) {
            buf.clear();
            push_token(form, &Token::of_kind(Span::new(0, form.len()), kind), &mut buf);
            let lower = intern(&mut self.lower, &buf);
            self.mark(lower, form, id);
        }
    }

    /// Marks lower-case id `lower` as the normal form of exact form `form`
    /// (exact id `id`).
    #[inline(always)]
    fn mark(&mut self, lower: u32, form: &str, id: u32) {
        let k = lower as usize;
        if self.exact_of.len() <= k {
            self.grow_marks(k);
        }
        let Some(of) = self.exact_of.get_mut(k) else { return };
        if *of == NO_EXACT && form.len() <= 8 {
            *of = self.expect.len() as u32;
            let b = form.as_bytes();
            self.expect.push(Expected { word: pack(b), len: b.len() as u32, id });
        } else if self.expect.get(*of as usize).is_none_or(|e| e.id != id) {
            *of = MANY_EXACT;
        }
    }

    /// ORs into `bits` (a table by lower-case id) the words of `starts`
    /// (a table of one word of bits an exact id, as
    /// [`super::compile::Membership::start`]) of every exact id a token of
    /// that normal form can have by [`Vocab::exact_id_of`]: the one
    /// expected form's, or `all` where several forms share the normal form
    /// (the general lookup may give any). Ids no exact form has are left.
    pub(crate) fn or_exact_starts(&self, starts: &[u64], all: u64, bits: &mut [u64]) {
        for (&of, b) in self.exact_of.iter().zip(bits) {
            if of != NO_EXACT {
                let e = self.expect.get(of as usize);
                *b |= e.map_or(all, |e| starts.get(e.id as usize).copied().unwrap_or(0));
            }
        }
    }

    /// Gives back the room [`Vocab::grow_marks`] made past the last marked
    /// id (an id past the end reads as unmarked), once nothing more is
    /// interned: the table grows by doubling.
    pub(crate) fn shrink_marks(&mut self) {
        let used = self.exact_of.iter().rposition(|&of| of != NO_EXACT).map_or(0, |k| k + 1);
        self.exact_of.truncate(used);
        self.exact_of.shrink_to_fit();
        self.expect.shrink_to_fit();
    }

    /// Makes room in `exact_of` for lower-case id `k`: doubled, not grown
    /// by one, as most marks are of new words. The first time, `'s` is
    /// marked as many forms' normal form: a possessive, whatever its text,
    /// then takes the general lookup.
    #[cold]
    #[inline(never)]
    fn grow_marks(&mut self, k: usize) {
        let first = self.exact_of.is_empty();
        self.exact_of.resize((k + 1).next_power_of_two(), NO_EXACT);
        if first {
            let s = intern(&mut self.lower, "'s") as usize;
            if self.exact_of.len() <= s {
                self.exact_of.resize(s + 1, NO_EXACT);
            }
            self.exact_of[s] = MANY_EXACT;
        }
    }

    /// The id of a normal form, if interned.
    pub(crate) fn get_lower(&self, form: &str) -> Option<u32> {
        self.lower.get(form.as_bytes())
    }

    /// The lower-case id of each word of `other` (a table of normal forms,
    /// such as the gazetteer's), by its number there: [`NONE`] for a word
    /// not here. Made from this vocabulary's words, which `other` is looked
    /// up for, so that the work does not grow with a large `other`. Out of
    /// line: a new copy of the inlined lookup where the matcher is compiled
    /// makes the compiler stop inlining it there.
    #[inline(never)]
    pub(crate) fn ids_of_words_of(&self, other: &Table) -> Vec<u32> {
        let mut ids = vec![NONE; other.len()];
        for (id, form) in self.lower.strings().enumerate() {
            if let Some(slot) = other.get(form.as_bytes()).and_then(|n| ids.get_mut(n as usize)) {
                *slot = id as u32;
            }
        }
        ids
    }

    /// Adds every lower-case form to `other`, until its first error (its
    /// size limits; see `WordMap::add_words_to`).
    pub(crate) fn add_lower_forms_to(&self, other: &mut Table) {
        for form in self.lower.strings() {
            if other.intern(form).is_err() {
                break;
            }
        }
        other.shrink_to_fit();
    }

    /// The number of lower-case forms (ids are `0..lower_len()`).
    pub(crate) fn lower_len(&self) -> usize {
        self.lower.len()
    }

    /// Approximate heap bytes: the two tables and their strings.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.lower.heap_bytes()
            + self.exact.heap_bytes()
            + std::mem::size_of::<u32>() * self.exact_of.capacity()
            + std::mem::size_of::<Expected>() * self.expect.capacity()
    }

    /// The number of exact (as written) word ids.
    pub(crate) fn exact_len(&self) -> usize {
        self.exact.len()
    }

    /// True when an exact-case lexicon exists.
    pub(crate) fn has_exact(&self) -> bool {
        self.exact.len() > 0
    }

    /// The lower-case id of `tok`, using `buf` for its normal form when
    /// the token is not short ASCII.
    #[inline]
    pub(crate) fn lower_id(&self, text: &str, tok: &Token, buf: &mut String) -> u32 {
        let id = self.lower.token_id(text, tok, buf);
        if id == self.lower.miss() {
            NONE
        } else {
            id
        }
    }

    /// [`Vocab::exact_id`] of `tok`, whose lower-case id is `lower`: a
    /// token can be an exact form only if its normal form is one of those
    /// forms' (marked when interned; a possessive's, `'s`, always is).
    /// Most tokens then need no lookup, and most of the rest stand for one
    /// exact form, compared as a word. (The rules read a sentence's ids
    /// through [`Vocab::exact_ids_into`]; the tests check both.)
    #[cfg(test)]
    pub(crate) fn exact_id_of(&self, text: &str, tok: &Token, lower: u32) -> u32 {
        match self.exact_of.get(lower as usize) {
            Some(&of) if of != NO_EXACT => self.marked_exact_id(text, tok, of),
            _ => NONE,
        }
    }

    /// [`Vocab::exact_id_of`] of each of `toks`, whose lower-case ids are
    /// `lower` (taken pairwise; ids past the vocabulary are read as
    /// unmarked), each at most `past` (`NONE` and every miss become
    /// `past`), appended to `out`; `found` is told the index and id of
    /// each token given one below `past`. The one-form comparison is made
    /// in the loop, and only tokens whose normal form several exact forms
    /// share leave it ([`Vocab::looked_up`]): with [`Vocab::marked_exact_id`]
    /// called for each of the benchmark run's 54k marked tokens, the call,
    /// its saved registers and the loop's spilled ones were about 15 of its
    /// 49 instructions (−1.06 M instructions over the benchmark run's
    /// extraction, the slots written in place rather than pushed).
    #[inline]
    pub(crate) fn exact_ids_into(
        &self,
        text: &str,
        toks: &[Token],
        lower: &[u32],
        past: u32,
        out: &mut Vec<u32>,
        mut found: impl FnMut(usize, u32),
    ) {
        let (exact_of, expect, bytes) =
            (self.exact_of.as_slice(), self.expect.as_slice(), text.as_bytes());
        // Written in place: every token's slot is `past` until it is found
        // to be an exact form.
        let base = out.len();
        out.resize(base + toks.len().min(lower.len()), past);
        let Some(slots) = out.get_mut(base..) else { return };
        for (k, ((slot, t), &w)) in slots.iter_mut().zip(toks).zip(lower).enumerate() {
            let of = exact_of.get(w as usize).copied().unwrap_or(NO_EXACT);
            if of == NO_EXACT {
                continue;
            }
            let Some(e) = expect.get(of as usize) else {
                let id = self.looked_up(text, t);
                if id < past {
                    *slot = id;
                    found(k, id);
                }
                continue;
            };
            let (start, n) = (t.span.start, t.span.end.wrapping_sub(t.span.start));
            if n != e.len as usize {
                continue;
            }
            // Eight bytes at once where the text has them; near its end,
            // through `marked_exact_id`.
            let id = match bytes.get(start..).and_then(<[u8]>::first_chunk::<8>) {
                Some(b) if u64::from_le_bytes(*b) & MASKS[n % 9] == e.word => e.id,
                Some(_) => continue,
                None => self.marked_exact_id(text, t, of),
            };
            if id < past {
                *slot = id;
                found(k, id);
            }
        }
    }

    /// [`Vocab::exact_id_of`] of a token whose normal form is marked
    /// (`exact_of` holds `of`). Out of line: [`Vocab::exact_ids_into`]
    /// calls it only for a token within eight bytes of the text's end.
    #[inline(never)]
    fn marked_exact_id(&self, text: &str, tok: &Token, of: u32) -> u32 {
        let Some(e) = self.expect.get(of as usize) else { return self.looked_up(text, tok) };
        let (start, n) = (tok.span.start, tok.span.end.wrapping_sub(tok.span.start));
        if n != e.len as usize {
            return NONE;
        }
        // Eight bytes read at once where the text has them (`n` is at
        // most 8, as every expected form is).
        let Some(w) = load_word(text.as_bytes(), start, n) else { return NONE };
        if w == e.word {
            e.id
        } else {
            NONE
        }
    }

    /// [`Vocab::exact_id`], out of line: for the few tokens whose normal
    /// form several exact forms share.
    #[cold]
    #[inline(never)]
    fn looked_up(&self, text: &str, tok: &Token) -> u32 {
        self.exact_id(text, tok)
    }

    /// The exact id of `tok`.
    #[inline]
    pub(crate) fn exact_id(&self, text: &str, tok: &Token) -> u32 {
        text.as_bytes()
            .get(tok.span.start..tok.span.end)
            .and_then(|s| self.exact.get(s))
            .unwrap_or(NONE)
    }
}

/// Interns `form`; a table past 4 GiB of strings (which no rule file
/// reaches) gives the last id again rather than failing.
fn intern(table: &mut Table, form: &str) -> u32 {
    table.intern(form).unwrap_or(NONE - 1)
}

/// The normal form of `tok` as a new string.
pub(crate) fn normal_form(text: &str, tok: &Token) -> String {
    let mut s = String::new();
    if text.get(tok.span.start..tok.span.end).is_some() {
        push_token(text, tok, &mut s);
    }
    s
}

/// A trie over token ids: the entries of one lexicon.
#[derive(Clone, Debug)]
pub(crate) struct Trie {
    nodes: Vec<TrieNode>,
}

#[derive(Clone, Debug, Default)]
struct TrieNode {
    /// (token id, child node), sorted by id.
    edges: Vec<(u32, u32)>,
    terminal: bool,
}

impl Default for Trie {
    fn default() -> Trie {
        Trie { nodes: vec![TrieNode::default()] }
    }
}

impl Trie {
    /// Adds an entry.
    pub(crate) fn insert(&mut self, ids: &[u32]) {
        let mut node = 0usize;
        for &id in ids {
            let edges = &self.nodes[node].edges;
            node = match edges.binary_search_by_key(&id, |e| e.0) {
                Ok(k) => edges[k].1 as usize,
                Err(k) => {
                    let child = self.nodes.len();
                    self.nodes[node].edges.insert(k, (id, child as u32));
                    self.nodes.push(TrieNode::default());
                    child
                }
            };
        }
        self.nodes[node].terminal = true;
    }

    fn child(&self, node: usize, id: u32) -> Option<usize> {
        let edges = &self.nodes.get(node)?.edges;
        edges.binary_search_by_key(&id, |e| e.0).ok().map(|k| edges[k].1 as usize)
    }

    /// The token count of the longest entry that `ids` starts with, or 0.
    #[inline]
    pub(crate) fn longest(&self, ids: &[u32]) -> usize {
        let mut node = 0;
        let mut best = 0;
        for (k, &id) in ids.iter().enumerate() {
            if id == NONE {
                break;
            }
            match self.child(node, id) {
                Some(c) => node = c,
                None => break,
            }
            if self.nodes[node].terminal {
                best = k + 1;
            }
        }
        best
    }

    /// The ids entries can start with, and whether that id alone is an
    /// entry.
    pub(crate) fn first_tokens(&self) -> impl Iterator<Item = (u32, bool)> + '_ {
        self.nodes[0].edges.iter().map(|&(id, c)| (id, self.nodes[c as usize].terminal))
    }

    /// The first two ids of every entry of two tokens or more.
    pub(crate) fn first_pairs(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let root = self.nodes.first().map_or(&[][..], |n| &n.edges[..]);
        root.iter().flat_map(move |&(a, child)| {
            let next = self.nodes.get(child as usize).map_or(&[][..], |n| &n.edges[..]);
            next.iter().map(move |&(b, _)| (a, b))
        })
    }

    /// Approximate heap bytes of the nodes and their edges.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<TrieNode>()
            + self.nodes.iter().map(|n| n.edges.capacity() * 8).sum::<usize>()
    }

    /// True when every entry is one token long.
    pub(crate) fn single_tokens(&self) -> bool {
        self.nodes[0]
            .edges
            .iter()
            .all(|&(_, c)| self.nodes.get(c as usize).is_some_and(|n| n.edges.is_empty()))
    }

    /// True when no entry is in the trie.
    pub(crate) fn is_empty(&self) -> bool {
        self.nodes.len() == 1 && !self.nodes[0].terminal
    }
}

/// A compiled lexicon.
#[derive(Clone, Debug)]
pub(crate) struct Lexicon {
    pub exact: bool,
    pub trie: Trie,
    /// Lower-case ids of every entry's first token: the lexicon's triggers.
    pub first_lower: Vec<u32>,
    /// Every entry is one token: a membership bit decides a match,
    /// without walking the trie.
    pub single: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trie_longest_and_one() {
        let mut t = Trie::default();
        assert!(t.is_empty());
        t.insert(&[1]);
        t.insert(&[1, 2, 3]);
        t.insert(&[4, 2]);
        assert_eq!(t.longest(&[1, 2, 3, 9]), 3);
        assert_eq!(t.longest(&[1, 2, 9]), 1);
        assert_eq!(t.longest(&[4, 2]), 2);
        assert_eq!(t.longest(&[4]), 0);
        assert_eq!(t.longest(&[NONE, 1]), 0);
        let mut first: Vec<(u32, bool)> = t.first_tokens().collect();
        first.sort_unstable();
        // 1 alone is an entry; 4 only starts one.
        assert_eq!(first, [(1, true), (4, false)]);
    }

    /// Checks [`Vocab::exact_ids_into`] on the tokens of `text` against
    /// [`Vocab::exact_id`] of each: appended after what `out` held, each
    /// clamped to the vocabulary's length, and `found` told exactly the
    /// tokens (index and id) given an id below it. Returns how many were.
    fn check_exact_ids_into(v: &Vocab, text: &str, toks: &[Token], buf: &mut String) -> usize {
        let lower: Vec<u32> = toks.iter().map(|t| v.lower_id(text, t, buf)).collect();
        let past = u32::try_from(v.exact_len()).unwrap_or(NONE);
        let mut out = vec![7, 9];
        let mut told = Vec::new();
        v.exact_ids_into(text, toks, &lower, past, &mut out, |k, id| told.push((k, id)));
        let want: Vec<u32> = toks.iter().map(|t| v.exact_id(text, t).min(past)).collect();
        assert_eq!(out[..2], [7, 9], "{text:?}");
        assert_eq!(out[2..], want, "{text:?}");
        let found: Vec<(usize, u32)> =
            want.iter().copied().enumerate().filter(|&(_, id)| id < past).collect();
        assert_eq!(told, found, "{text:?}");
        found.len()
    }

    /// Exact ids read only for marked normal forms (and punctuation and
    /// possessives) are the exact ids of every token: exact entries of one
    /// plain word, of hyphens, slashes, commas and periods, of several
    /// tokens, among random words, joined or apart.
    #[test]
    fn marked_exact_ids_are_every_tokens_exact_ids() {
        let mut b = crate::patterns::RuleSetBuilder::new();
        b.add_str(
            "lexicon E exact = John | US | May | \"F-16\" | \"F/A18\" | \"1,000\" | \"U.S.\" \
             | \"Jong-un\" | \"O'Brien\" | \"Corps of Engineers\" | \"Kim's\" | \"$\" | \"—\" | \"«\"\n\
             entity a X: <E>",
            Some("t.rules"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let set = b.build().unwrap_or_else(|e| panic!("{e}"));
        let vocab = &set.inner.compiled.vocab;
        let pool = [
            "John",
            "john",
            "JOHN",
            "US",
            "us",
            "May",
            "may",
            "F-16",
            "f-16",
            "F16",
            "F/A-18",
            "FA18",
            "1,000",
            "1000",
            "U.S.",
            "u.s.",
            "Jong-un",
            "jong-un",
            "O'Brien",
            "Corps",
            "of",
            "Engineers",
            "engineers",
            "Kim's",
            "Kim",
            "'s",
            "$",
            "--",
            "-",
            "—",
            "–",
            "«",
            "\"",
            ",",
            ".",
            "the",
            "Army",
            "2024",
            "Su-35",
        ];
        let mut next = crate::testing::xorshift(5);
        let tk = crate::tokenize::Tokenizer::new();
        let (mut buf, mut found, mut exact_ids_in) = (String::new(), 0, 0);
        for len in [1, 4, 12, 40] {
            for _ in 0..100 {
                let text: Vec<&str> =
                    (0..len).map(|_| pool[(next() % pool.len() as u64) as usize]).collect();
                let sep = if next() % 4 == 0 { "" } else { " " };
                let text = text.join(sep);
                let toks = tk.tokenize(&text);
                exact_ids_in += check_exact_ids_into(vocab, &text, &toks, &mut buf);
                for t in &toks {
                    let lower = vocab.lower_id(&text, t, &mut buf);
                    let want = vocab.exact_id(&text, t);
                    assert_eq!(
                        vocab.exact_id_of(&text, t, lower),
                        want,
                        "{:?} in {text:?}",
                        t.as_str(&text)
                    );
                    found += usize::from(want != NONE);
                }
            }
        }
        assert!(found > 1000, "{found} exact tokens");
        assert_eq!(exact_ids_in, found);
    }

    /// The same for generated exact forms (plain words through
    /// `intern_exact_letters`, others through `intern_exact`, in a
    /// vocabulary, in one grown from it, and in that one shrunk): forms of one to twenty bytes,
    /// several sharing a normal form ("Us", "US"), punctuation and
    /// possessives among them, against random text of the forms, their
    /// other cases and stray characters.
    #[test]
    fn exact_ids_of_generated_forms_are_the_lookups() {
        let mut next = crate::testing::xorshift(0x00e4_ac75);
        let bits = [
            "a", "B", "c", "D", "e", "Zz", "-", "/", ",", ".", "1", "'s", "’s", "—", "«", "'", "é",
        ];
        let word = |next: &mut dyn FnMut() -> u64| -> String {
            let n = 1 + next() as usize % 6;
            (0..n).map(|_| bits[next() as usize % bits.len()]).collect()
        };
        let tk = crate::tokenize::Tokenizer::new();
        let (mut buf, mut found, mut marked) = (String::new(), 0, 0);
        for round in 0..60 {
            let mut seed = Vocab::default();
            let mut forms = Vec::new();
            for _ in 0..next() % 30 {
                forms.push(word(&mut next));
            }
            // Possessives' texts as forms: their normal form is `'s`.
            forms.extend(
                ["’s", "'S", "’S"].into_iter().filter(|_| next() % 3 == 0).map(String::from),
            );
            let add = |v: &mut Vocab, f: &str| {
                if f.bytes().all(|b| b.is_ascii_alphabetic()) {
                    let lower = v.intern_lower(&f.to_ascii_lowercase());
                    v.intern_exact_letters(f, lower);
                } else {
                    v.intern_exact(f);
                }
            };
            let half = forms.len() / 2;
            for f in &forms[..half] {
                add(&mut seed, f);
            }
            let mut grown = Vocab::grown_from(&seed);
            for f in &forms[half..] {
                add(&mut grown, f);
            }
            // And as compiled rules keep it: the marks' spare room given back.
            let mut shrunk = grown.clone();
            shrunk.shrink_marks();
            let mut pool: Vec<String> = forms.clone();
            pool.extend(forms.iter().map(|f| f.to_lowercase()));
            pool.extend(forms.iter().map(|f| f.to_uppercase()));
            pool.extend((0..10).map(|_| word(&mut next)));
            for _ in 0..40 {
                let len = 1 + next() as usize % 12;
                let text: Vec<&str> =
                    (0..len).map(|_| pool[next() as usize % pool.len()].as_str()).collect();
                let text = text.join(if next() % 3 == 0 { "" } else { " " });
                let toks = tk.tokenize(&text);
                for v in [&seed, &grown, &shrunk] {
                    check_exact_ids_into(v, &text, &toks, &mut buf);
                }
                for t in &toks {
                    for v in [&seed, &grown, &shrunk] {
                        let lower = v.lower_id(&text, t, &mut buf);
                        let want = v.exact_id(&text, t);
                        let got = v.exact_id_of(&text, t, lower);
                        assert_eq!(got, want, "{round}: {:?} in {text:?}", t.as_str(&text));
                        found += usize::from(want != NONE);
                        marked += usize::from(
                            v.exact_of.get(lower as usize).is_some_and(|&o| o != NO_EXACT),
                        );
                    }
                }
            }
        }
        assert!(found > 2000 && marked > 2 * found, "{found} exact tokens, {marked} marked");
    }

    #[test]
    fn vocab_ids() {
        let mut v = Vocab::default();
        let a = v.intern_lower("gen.");
        assert_eq!(v.intern_lower("gen."), a);
        let b = v.intern_lower("su35");
        assert_ne!(a, b);
        let text = "GEN. SU-35 other";
        let toks = crate::tokenize::Tokenizer::new().tokenize(text);
        let mut buf = String::new();
        assert_eq!(v.lower_id(text, &toks[0], &mut buf), a);
        assert_eq!(v.lower_id(text, &toks[1], &mut buf), b);
        assert_eq!(v.lower_id(text, &toks[2], &mut buf), NONE);
        assert!(!v.has_exact());
        let e = v.intern_exact("GEN.");
        assert_eq!(v.exact_id(text, &toks[0]), e);
        assert_eq!(v.exact_id("gen.", &toks[0]), NONE);
        // A token whose span does not fit the text is no form at all.
        assert_eq!(v.lower_id("", &toks[2], &mut buf), NONE);
    }
}
