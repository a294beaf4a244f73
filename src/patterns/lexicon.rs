//! Interned token forms and lexicon tries.
//!
//! Every token that appears in a literal or a lexicon entry gets an id from
//! its normal form (lower case, see `crate::normalize`); a sentence's tokens
//! are looked up once, and from then on literals and lexicons compare
//! integers. Exact-case lexicons use a second table of the tokens as
//! written.

use crate::normalize::push_token;
use crate::tokenize::Token;
use crate::vocab::Vocab as Table;

/// The id of a token form no rule mentions.
pub(crate) const NONE: u32 = u32::MAX;

/// Token forms to ids: the gazetteer's string table, so a text token is
/// looked up the same cheap way on both sides.
#[derive(Clone, Debug, Default)]
pub(crate) struct Vocab {
    lower: Table,
    exact: Table,
}

impl Vocab {
    /// The id of a normal (lower-case) form, made if new.
    pub(crate) fn intern_lower(&mut self, form: &str) -> u32 {
        intern(&mut self.lower, form)
    }

    /// The id of a form as written, made if new.
    pub(crate) fn intern_exact(&mut self, form: &str) -> u32 {
        intern(&mut self.exact, form)
    }

    /// The id of a normal form, if interned.
    pub(crate) fn get_lower(&self, form: &str) -> Option<u32> {
        self.lower.get(form.as_bytes())
    }

    /// The number of lower-case forms (ids are `0..lower_len()`).
    pub(crate) fn lower_len(&self) -> usize {
        self.lower.len()
    }

    /// Approximate heap bytes: the two tables and their strings.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.lower.heap_bytes() + self.exact.heap_bytes()
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
