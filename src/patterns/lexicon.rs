//! Interned token forms and lexicon tries.
//!
//! Every token that appears in a literal or a lexicon entry gets an id from
//! its normal form (lower case, see `crate::normalize`); a sentence's tokens
//! are looked up once, and from then on literals and lexicons compare
//! integers. Exact-case lexicons use a second table of the tokens as
//! written.

use crate::normalize::push_token;
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
    /// Bits by lower-case id: the normal forms a token of an exact form
    /// has unless it is punctuation or a possessive (see
    /// [`Vocab::exact_id_of`]).
    exact_lower: Vec<u64>,
    lineage: Lineage,
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
        Vocab { lower: Table::default(), exact: Table::default(), exact_lower: Vec::new(), lineage }
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
            exact_lower: seed.exact_lower.clone(),
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
            self.mark_word_forms(form);
        }
        id
    }

    /// [`Vocab::intern_exact`] for a form of ASCII letters only, whose
    /// lower case, interned, is `lower`: that is its normal form as a
    /// token of any kind but punctuation and possessives.
    pub(crate) fn intern_exact_letters(&mut self, form: &str, lower: u32) -> u32 {
        debug_assert!(form.bytes().all(|b| b.is_ascii_alphabetic()));
        debug_assert_eq!(self.get_lower(&form.to_ascii_lowercase()), Some(lower));
        self.mark_exact_lower(lower);
        intern(&mut self.exact, form)
    }

    /// Interns and marks the normal forms a token written `form` has as a
    /// word, designator or number (abbreviations and symbols have a
    /// word's): every kind [`Vocab::exact_id_of`] looks up by its mark.
    fn mark_word_forms(&mut self, form: &str) {
        let mut buf = String::new();
        // Designators drop `-` and `/`, numbers `,`: without them, one form.
        let kinds = match form.bytes().any(|b| matches!(b, b'-' | b'/' | b',')) {
            true => &[TokenKind::Word, TokenKind::Designator, TokenKind::Number][..],
            false => &[TokenKind::Word][..],
        };
        for &kind in kinds {
            buf.clear();
            push_token(form, &Token::of_kind(Span::new(0, form.len()), kind), &mut buf);
            let id = intern(&mut self.lower, &buf);
            self.mark_exact_lower(id);
        }
    }

    /// Marks lower-case id `id` as the normal form of an exact form.
    fn mark_exact_lower(&mut self, id: u32) {
        let k = id as usize / 64;
        if self.exact_lower.len() <= k {
            self.exact_lower.resize(k + 1, 0);
        }
        self.exact_lower[k] |= 1 << (id % 64);
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

    /// The number of lower-case forms (ids are `0..lower_len()`).
    pub(crate) fn lower_len(&self) -> usize {
        self.lower.len()
    }

    /// Approximate heap bytes: the two tables and their strings.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.lower.heap_bytes() + self.exact.heap_bytes() + 8 * self.exact_lower.capacity()
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
    /// forms' (marked when interned) or it is punctuation or a possessive,
    /// whose normal forms are not their text's lower case. Most tokens
    /// then need no second lookup.
    #[inline]
    pub(crate) fn exact_id_of(&self, text: &str, tok: &Token, lower: u32) -> u32 {
        let marked =
            self.exact_lower.get(lower as usize / 64).is_some_and(|w| w >> (lower % 64) & 1 != 0);
        if marked || matches!(tok.kind, TokenKind::Punct | TokenKind::Possessive) {
            self.exact_id(text, tok)
        } else {
            NONE
        }
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
        let (mut buf, mut found) = (String::new(), 0);
        for len in [1, 4, 12, 40] {
            for _ in 0..100 {
                let text: Vec<&str> =
                    (0..len).map(|_| pool[(next() % pool.len() as u64) as usize]).collect();
                let sep = if next() % 4 == 0 { "" } else { " " };
                let text = text.join(sep);
                for t in &tk.tokenize(&text) {
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
