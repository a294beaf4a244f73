//! The key trie: token numbers (see `vocab`) on its edges, candidates at
//! the nodes where a key ends.
//!
//! Nodes are numbered breadth first with the children of a node in token
//! order, so the children of a node are a run of nodes and one node costs
//! three `u32`s, kept side by side: its token, its first candidate, and
//! where its children start (a walk reads all three at once). A child is
//! found by binary search over the children's tokens; the root, which has
//! a child for most tokens, has a dense table indexed by token number
//! instead. Below the root, most searches find nothing (a common word
//! followed by one that continues no key): a bit per hashed (node, token)
//! edge, one to two bytes an edge, rules most of them out first.
//!
//! The trie is built from the sorted list of keys in one breadth-first
//! pass: the keys below a node are a contiguous run of that list.

use super::Cand;
use crate::error::{Error, ErrorKind};

/// No node, no candidate, no token.
pub(crate) const NONE: u32 = u32::MAX;

/// The bit of a root table entry ([`Trie::root_entry`]) set when a key
/// ends at the child: a walk learns it with the child, not from the node
/// (a load and a test fewer for each token that starts a walk: −0.35 M
/// instructions of extraction over the benchmark run, −0.7 M over the
/// gazetteer's). Nodes are numbered below it.
pub(crate) const ROOT_KEY: u32 = 1 << 31;

/// One key before the trie is built: its tokens (`start..start + len` in
/// the token buffer), the alias it comes from (an index into the aliases'
/// candidates) and its trim. 12 bytes, as there may be millions.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KeyRec {
    start: u32,
    /// `len << 3 | last << 2 | trim`.
    len_flags: u32,
    alias: u32,
}

const LAST: u32 = 1 << 2;

impl KeyRec {
    pub(crate) fn new(start: usize, len: u32, trim: u8, alias: u32) -> Result<KeyRec, Error> {
        if start + len as usize > u32::MAX as usize || len >= 1 << 29 || alias == NONE {
            return Err(too_large());
        }
        Ok(KeyRec { start: start as u32, len_flags: len << 3 | u32::from(trim & 3), alias })
    }

    fn len(&self) -> usize {
        (self.len_flags >> 3) as usize
    }

    fn trim(&self) -> u8 {
        (self.len_flags & 3) as u8
    }

    fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.start as usize + self.len()
    }
}

/// Sorts `keys` by their tokens, then by alias, then by trim: an in-place
/// counting sort on the first token (every key has one), then a comparison
/// sort of each run of keys that share it, which is short but for common
/// first words.
fn sort_keys(vocab_len: usize, toks: &[u32], keys: &mut [KeyRec]) {
    let first = |k: &KeyRec| toks[k.start as usize] as usize;
    // Where each first token's run starts, and how far it is filled.
    let mut start = vec![0u32; vocab_len + 1];
    for k in keys.iter() {
        start[first(k) + 1] += 1;
    }
    for t in 0..vocab_len {
        start[t + 1] += start[t];
    }
    let mut fill = start.clone();
    for t in 0..vocab_len {
        let end = start[t + 1];
        while fill[t] < end {
            let i = fill[t] as usize;
            let u = first(&keys[i]);
            if u == t {
                fill[t] += 1;
            } else {
                keys.swap(i, fill[u] as usize);
                fill[u] += 1;
            }
        }
    }
    drop(fill);
    let mut scratch = Vec::new();
    for t in 0..vocab_len {
        let run = &mut keys[start[t] as usize..start[t + 1] as usize];
        if run.len() > 1 {
            sort_run(toks, run, &mut scratch);
        }
    }
}

/// Sorts a run of keys that share their first token by the rest of their
/// tokens, then by alias, then by trim. Each key is paired with its second
/// and third tokens packed in one word (see [`prefix`]), so that most
/// comparisons are one comparison of integers rather than of two slices.
fn sort_run(toks: &[u32], run: &mut [KeyRec], scratch: &mut Vec<(u64, KeyRec)>) {
    // Tokens past the third: compared only where the first three agree.
    let tail =
        |k: &KeyRec| toks.get(k.start as usize + 3..k.start as usize + k.len()).unwrap_or(&[]);
    scratch.clear();
    scratch.extend(run.iter().map(|k| (prefix(toks, k), *k)));
    scratch.sort_unstable_by(|(pa, a), (pb, b)| {
        pa.cmp(pb)
            .then_with(|| tail(a).cmp(tail(b)))
            .then(a.alias.cmp(&b.alias))
            .then(a.trim().cmp(&b.trim()))
    });
    for (k, (_, sorted)) in run.iter_mut().zip(scratch.iter()) {
        *k = *sorted;
    }
}

/// The second and third tokens of `k` as one word that sorts as they do:
/// each token number plus one (they are below `u32::MAX`), and 0 for a
/// token the key does not have, as a shorter key sorts first.
fn prefix(toks: &[u32], k: &KeyRec) -> u64 {
    let tok = |i: usize| match i < k.len() {
        true => u64::from(toks[k.start as usize + i]) + 1,
        false => 0,
    };
    tok(1) << 32 | tok(2)
}

/// One node: the three numbers a walk reads, side by side.
#[derive(Clone, Copy, Debug)]
struct Node {
    /// The token on the edge into the node (`NONE` for the root).
    tok: u32,
    /// The node's first candidate in `cands`, or `NONE`; its candidates
    /// run to the one marked `last`.
    first_cand: u32,
    /// Its first child; the children run to the next node's first child.
    child_start: u32,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Trie {
    /// Child of the root for each token number, with [`ROOT_KEY`] when a
    /// key ends there, or `NONE`.
    root: Vec<u32>,
    /// Breadth first, then one more node whose `child_start` ends the
    /// children of the last.
    nodes: Vec<Node>,
    cands: Vec<Cand>,
    /// The edge filter: the bit of every edge below the root (see
    /// [`edge_bit`]) is set, so a clear bit means "no such child". Empty
    /// when there are no such edges.
    edges: Vec<u64>,
    /// 64 − log2(the number of bits in `edges`).
    edge_shift: u32,
}

/// The bit of the edge from `node` on token `tok` in a filter of
/// `2^(64 - shift)` bits: the top bits of the crate's one-word hash.
#[inline]
fn edge_bit(node: u32, tok: u32, shift: u32) -> usize {
    (crate::hash::hash_word(u64::from(node) << 32 | u64::from(tok)) >> shift) as usize
}

fn too_large() -> Error {
    Error::new(ErrorKind::Build(
        "gazetteer too large (more than 2^32 - 1 trie nodes or keys)".into(),
    ))
}

impl Trie {
    /// Builds the trie of `keys`, whose tokens are in `toks` and are below
    /// `vocab_len`; `aliases` holds the candidate of each alias. Where
    /// several keys have the same tokens, their candidates are kept in the
    /// order of the aliases, one per entry: its first alias's, with the
    /// smallest trim.
    pub(crate) fn build(
        vocab_len: usize,
        toks: Vec<u32>,
        mut keys: Vec<KeyRec>,
        aliases: Vec<Cand>,
    ) -> Result<Trie, Error> {
        let seq = |k: &KeyRec| &toks[k.range()];
        sort_keys(vocab_len, &toks, &mut keys);
        // One candidate per entry and key: the first alias's.
        keys.dedup_by(|b, a| {
            aliases[a.alias as usize].entry == aliases[b.alias as usize].entry && seq(a) == seq(b)
        });
        if keys.len() >= NONE as usize {
            return Err(too_large());
        }
        let mut t = Trie {
            // One more for the "not in the vocabulary" token.
            root: vec![NONE; vocab_len + 1],
            nodes: vec![Node { tok: NONE, first_cand: NONE, child_start: 1 }],
            cands: Vec::new(),
            edges: Vec::new(),
            edge_shift: 0,
        };
        // Breadth first: node n's children are made when n is reached,
        // right after those of n - 1, so the nodes themselves are the
        // queue (no deque to push to and pop from). Until it is reached, a
        // node holds its run of `keys` in `first_cand..child_start`, both
        // set for good then. `level_end` is the first node one level deeper.
        t.nodes[0] = Node { tok: NONE, first_cand: 0, child_start: keys.len() as u32 };
        let (mut node, mut depth, mut level_end) = (0usize, 0usize, 1usize);
        while let Some(&Node { first_cand: lo, child_start: hi, .. }) = t.nodes.get(node) {
            if node == level_end {
                depth += 1;
                level_end = t.nodes.len();
            }
            let (mut lo, hi) = (lo as usize, hi as usize);
            t.nodes[node].child_start = t.nodes.len() as u32;
            t.nodes[node].first_cand = NONE;
            // Keys that end here sort first in the run.
            let first = lo;
            while lo < hi && keys[lo].len() == depth {
                lo += 1;
            }
            if lo > first {
                t.nodes[node].first_cand = first as u32;
                keys[lo - 1].len_flags |= LAST;
            }
            while lo < hi {
                let tok = toks[keys[lo].start as usize + depth];
                let mut end = lo + 1;
                while end < hi && toks[keys[end].start as usize + depth] == tok {
                    end += 1;
                }
                if t.nodes.len() >= ROOT_KEY as usize - 1 {
                    return Err(too_large());
                }
                t.nodes.push(Node { tok, first_cand: lo as u32, child_start: end as u32 });
                lo = end;
            }
            node += 1;
        }
        drop(toks);
        let end = t.nodes.len() as u32;
        t.nodes.push(Node { tok: NONE, first_cand: NONE, child_start: end });
        for c in t.children(0) {
            let key = if t.is_key(c) { ROOT_KEY } else { 0 };
            t.root[t.nodes[c as usize].tok as usize] = c | key;
        }
        t.build_edge_filter();
        t.cands = keys
            .into_iter()
            .map(|k| Cand {
                trim: k.trim(),
                last: k.len_flags & LAST != 0,
                ..aliases[k.alias as usize]
            })
            .collect();
        t.cands.shrink_to_fit();
        t.nodes.shrink_to_fit();
        Ok(t)
    }

    /// Fills the edge filter: 8 to 16 bits an edge (a power of two in
    /// all), so that about one search in ten to twenty for a missing child
    /// gets past it.
    fn build_edge_filter(&mut self) {
        // The nodes below the root's children, up to the end marker.
        let below = self.children(0).end as usize..self.nodes.len() - 1;
        if below.is_empty() {
            return;
        }
        let bits = ((below.len() * 16).next_power_of_two() / 2).max(64);
        let shift = 64 - bits.trailing_zeros();
        let mut edges = vec![0u64; bits / 64];
        // Each node but the root with the next one, whose first child ends
        // its children.
        for (parent, pair) in self.nodes.windows(2).enumerate().skip(1) {
            let kids = pair[0].child_start as usize..pair[1].child_start as usize;
            for kid in self.nodes.get(kids).unwrap_or(&[]) {
                let bit = edge_bit(parent as u32, kid.tok, shift);
                edges[bit / 64] |= 1 << (bit % 64);
            }
        }
        self.edges = edges;
        self.edge_shift = shift;
    }

    /// False when `node` has no child on `tok` for certain (see `edges`).
    #[inline]
    fn may_have_child(&self, node: u32, tok: u32) -> bool {
        let bit = edge_bit(node, tok, self.edge_shift);
        self.edges.get(bit / 64).is_some_and(|w| w >> (bit % 64) & 1 != 0)
    }

    fn children(&self, node: u32) -> std::ops::Range<u32> {
        self.nodes[node as usize].child_start..self.nodes[node as usize + 1].child_start
    }

    /// True when no key was added.
    pub(crate) fn is_empty(&self) -> bool {
        self.cands.is_empty()
    }

    /// The child of the root on token `tok`, or `NONE`.
    #[cfg(test)]
    pub(crate) fn root_child(&self, tok: u32) -> u32 {
        match self.root_entry(tok) {
            NONE => NONE,
            entry => entry & !ROOT_KEY,
        }
    }

    /// The child of the root on token `tok` with [`ROOT_KEY`] when a key
    /// ends there ([`Trie::is_key`] of it), or `NONE`.
    #[inline]
    pub(crate) fn root_entry(&self, tok: u32) -> u32 {
        self.root.get(tok as usize).copied().unwrap_or(NONE)
    }

    /// The child of `node` (not the root: see [`Trie::root_child`]) on
    /// token `tok`, or `NONE`.
    #[inline]
    pub(crate) fn child(&self, node: u32, tok: u32) -> u32 {
        if !self.may_have_child(node, tok) {
            return NONE;
        }
        self.search_child(node, tok)
    }

    /// [`Trie::child`] without the edge filter: the search of `node`'s
    /// children.
    #[inline]
    fn search_child(&self, node: u32, tok: u32) -> u32 {
        let r = self.children(node);
        let Some(kids) = self.nodes.get(r.start as usize..r.end as usize) else { return NONE };
        // Most nodes below the root have a handful of children, sorted by
        // token: a scan of those is shorter than a binary search's setup.
        if kids.len() <= 4 {
            return kids.iter().position(|n| n.tok == tok).map_or(NONE, |i| r.start + i as u32);
        }
        match kids.binary_search_by_key(&tok, |n| n.tok) {
            Ok(i) => r.start + i as u32,
            Err(_) => NONE,
        }
    }

    /// True when a key ends at `node`.
    #[inline]
    pub(crate) fn is_key(&self, node: u32) -> bool {
        self.nodes[node as usize].first_cand != NONE
    }

    /// The candidates of the key that ends at `node` (empty when none).
    pub(crate) fn cands(&self, node: u32) -> &[Cand] {
        let first = self.nodes[node as usize].first_cand;
        if first == NONE {
            return &[];
        }
        let rest = &self.cands[first as usize..];
        let n = rest.iter().position(|c| c.last).map_or(rest.len(), |i| i + 1);
        &rest[..n]
    }

    /// The number of nodes, the root included.
    #[cfg(test)]
    pub(crate) fn nodes(&self) -> usize {
        self.nodes.len() - 1
    }

    /// Heap bytes in use.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.root.capacity() * std::mem::size_of::<u32>()
            + self.nodes.capacity() * std::mem::size_of::<Node>()
            + self.cands.capacity() * std::mem::size_of::<Cand>()
            + self.edges.capacity() * std::mem::size_of::<u64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::keys::CaseRule;

    /// Builds a trie of `keys` (token lists, alias index, trim); alias `a`
    /// belongs to entry `a / 2`.
    fn trie(keys: &[(&[u32], u32, u8)]) -> Trie {
        let mut toks = Vec::new();
        let mut recs = Vec::new();
        for &(seq, alias, trim) in keys {
            recs.push(KeyRec::new(toks.len(), seq.len() as u32, trim, alias).unwrap());
            toks.extend_from_slice(seq);
        }
        let aliases = (0..10)
            .map(|a| Cand {
                entry: a / 2,
                alias: a,
                rule: CaseRule::Insensitive,
                trim: 0,
                last: false,
            })
            .collect();
        // A vocabulary of at least 8 tokens, more when a key needs them.
        let vocab_len = toks.iter().max().map_or(8, |&m| (m as usize + 1).max(8));
        Trie::build(vocab_len, toks, recs, aliases).unwrap()
    }

    /// The node of `seq`, or `NONE`.
    fn walk(t: &Trie, seq: &[u32]) -> u32 {
        let mut node = t.root_child(seq[0]);
        for &tok in &seq[1..] {
            if node == NONE {
                return NONE;
            }
            node = t.child(node, tok);
        }
        node
    }

    fn cands(t: &Trie, seq: &[u32]) -> Vec<(u32, u8)> {
        t.cands(walk(t, seq)).iter().map(|c| (c.alias, c.trim)).collect()
    }

    #[test]
    fn children_found_by_scan_and_by_search() {
        // Root token `f` has `f` children (tokens 1, 3, 5, ...): fan-outs
        // on both sides of the scan/binary-search cut-off.
        let seqs: Vec<[u32; 2]> =
            (1..8u32).flat_map(|f| (0..f).map(move |k| [f + 10, 2 * k + 1])).collect();
        let keys: Vec<(&[u32], u32, u8)> = seqs.iter().map(|s| (&s[..], 0, 0)).collect();
        let t = trie(&keys);
        for f in 1..8u32 {
            let node = t.root_child(f + 10);
            for tok in 0..2 * f + 2 {
                let found = t.child(node, tok) != NONE;
                assert_eq!(found, tok % 2 == 1 && tok < 2 * f, "fan-out {f}, token {tok}");
                if found {
                    assert!(t.is_key(t.child(node, tok)));
                }
            }
        }
    }

    #[test]
    fn edge_filter_agrees_with_the_search() {
        // Keys of one to three tokens from a small generator: nodes of
        // every fan-out, from leaves to most of the vocabulary.
        let mut x = 12345u32;
        let mut next = |n: u32| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) % n
        };
        let seqs: Vec<Vec<u32>> =
            (0..600).map(|_| (0..1 + next(3)).map(|d| next(8 + 30 * d)).collect()).collect();
        let keys: Vec<(&[u32], u32, u8)> = seqs.iter().map(|s| (&s[..], 0, 0)).collect();
        let t = trie(&keys);
        let mut ruled_out = 0;
        // Below the root (whose children `root_child` finds).
        for node in 1..t.nodes() as u32 {
            for tok in 0..100 {
                assert_eq!(t.child(node, tok), t.search_child(node, tok), "node {node}, tok {tok}");
                ruled_out += usize::from(!t.may_have_child(node, tok));
            }
        }
        // Most pairs are no edge, and the filter knows it of most of them.
        assert!(ruled_out > (t.nodes() - 1) * 80, "{ruled_out} of {}", (t.nodes() - 1) * 100);
    }

    /// Each entry of the root table: the child on its token, with the key
    /// bit exactly when a key ends there.
    #[test]
    fn root_entries_know_their_keys() {
        let t = trie(&[(&[1, 2, 3], 0, 0), (&[1, 2], 2, 0), (&[4], 4, 0), (&[5, 1], 6, 1)]);
        let mut children = 0;
        for tok in 0..10 {
            let entry = t.root_entry(tok);
            if entry == NONE {
                continue;
            }
            let node = entry & !ROOT_KEY;
            assert_eq!(t.nodes[node as usize].tok, tok);
            assert_eq!(entry & ROOT_KEY != 0, t.is_key(node), "token {tok}");
            children += 1;
        }
        assert_eq!(children, 3);
        assert_eq!(t.root_entry(4) & ROOT_KEY, ROOT_KEY);
        assert_eq!(t.root_entry(1) & ROOT_KEY, 0);
    }

    #[test]
    fn keys_share_prefixes() {
        let t = trie(&[(&[1, 2, 3], 0, 0), (&[1, 2], 2, 0), (&[1, 4], 4, 0), (&[5], 6, 1)]);
        // Root, 1, 5, 1-2, 1-4, 1-2-3.
        assert_eq!(t.nodes(), 6);
        assert_eq!(cands(&t, &[1, 2, 3]), [(0, 0)]);
        assert_eq!(cands(&t, &[1, 2]), [(2, 0)]);
        assert_eq!(cands(&t, &[1, 4]), [(4, 0)]);
        assert_eq!(cands(&t, &[5]), [(6, 1)]);
        // Prefixes that are no key, and sequences that are not in the trie.
        assert!(!t.is_key(walk(&t, &[1])));
        assert!(t.cands(walk(&t, &[1])).is_empty());
        assert_eq!(walk(&t, &[1, 3]), NONE);
        assert_eq!(walk(&t, &[2]), NONE);
        assert_eq!(walk(&t, &[5, 5]), NONE);
        assert_eq!(t.root_child(7), NONE);
        assert_eq!(t.root_child(100), NONE, "a token past the vocabulary");
    }

    #[test]
    fn candidates_in_alias_order_one_per_entry() {
        // Entry 1 has aliases 2 and 3; the same key from both keeps alias
        // 2's. Alias 3 makes one key twice: the smaller trim stays.
        let t = trie(&[
            (&[7, 7], 4, 0),
            (&[7, 7], 3, 1),
            (&[7, 7], 0, 0),
            (&[7, 7], 2, 2),
            (&[6], 3, 2),
            (&[6], 3, 1),
        ]);
        assert_eq!(cands(&t, &[7, 7]), [(0, 0), (2, 2), (4, 0)]);
        assert_eq!(cands(&t, &[6]), [(3, 1)]);
        assert!(!t.is_empty());
        assert!(trie(&[]).is_empty());
        assert_eq!(trie(&[]).root_child(1), NONE);
    }

    #[test]
    fn children_are_found_among_many() {
        // A node with children on every token, added in reverse order.
        let keys: Vec<Vec<u32>> = (0..8).rev().map(|t| vec![3, t]).collect();
        let list: Vec<(&[u32], u32, u8)> =
            keys.iter().enumerate().map(|(i, k)| (k.as_slice(), i as u32, 0)).collect();
        let t = trie(&list);
        for tok in 0..8 {
            assert_eq!(cands(&t, &[3, tok]), [(7 - tok, 0)]);
        }
        assert_eq!(t.child(t.root_child(3), 8), NONE);
    }
}
