//! The rule index: which rules a sentence can possibly fire.
//!
//! Each rule has triggers (see `compile`): words (from a literal, or the
//! first tokens of a lexicon's entries), entity labels (from `{LABEL}`
//! slots) or rare token shapes (`Ordinal`, `Num`, ...). At least one of a
//! rule's triggers is in every sentence it matches. Rules without a
//! trigger are always run.
//!
//! A rule also has check groups (`Program::check`): every one of them
//! must have a trigger in the sentence. Both are kept as bits: each
//! trigger has a row holding the rules it selects, then the groups it
//! meets. A sentence ORs together the rows of what it holds (its
//! *selection*), and a selected rule is a candidate when all its groups'
//! bits are set. That is a few word operations per token and per rule,
//! with no per-sentence marks to reset, and the candidates come out in
//! rule order without a sort.

use super::compile::Program;
use super::lexicon::Lexicon;
use super::shape::SHAPE_COUNT;
use crate::hash::FastMap;
use crate::swar::for_bits;
use std::collections::HashMap;

/// Something whose presence in a sentence makes a rule worth trying.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Trig {
    /// A token with this lower-case id.
    Word(u32),
    /// An entity with this label id starting in the sentence.
    Label(u16),
    /// A token with this shape (the shape's bit number).
    Shape(u8),
    /// A token that starts an entry of this lexicon (lexicon number below
    /// 64). Only in a rule's required groups, never in the index: the
    /// index lists a lexicon's first words instead.
    Lex(u8),
}

/// Trigger to rules and check groups, as rows of bits.
#[derive(Clone, Debug)]
pub(crate) struct Index {
    /// Words of rule bits at the start of a row.
    rule_words: usize,
    /// Words of a row: rule bits, then group bits.
    row_len: usize,
    /// The rows, `row_len` words each; row 0 is all zero (nothing).
    rows: Vec<u64>,
    /// The rows as pairs when they are two words (up to 64 rules and 64
    /// groups, the usual case), else empty: a row is then one bounds test
    /// in [`Index::add_words`], where a range of `rows` was two.
    pairs: Vec<[u64; 2]>,
    /// Row of each lower-case word id (0 for none).
    word_rows: Vec<u32>,
    /// Row of each label id.
    label_rows: Vec<u32>,
    /// Row of each shape bit number.
    shape_rows: [u32; SHAPE_COUNT],
    /// Row of each lexicon (only the first 64 make triggers).
    lex_rows: [u32; 64],
    /// For each lower-case word id, the lexicons (as bits) one of whose
    /// entries starts with that word in lower case, exact lexicons
    /// included; empty when there are more than 64 lexicons. A sentence
    /// holds the start of an entry of lexicon `l` only when one of its
    /// words has bit `l`.
    lex_firsts: Vec<u64>,
    /// Bits of the shapes some rule is triggered by.
    shape_mask: u16,
    /// Rule bits of the rules tried on every sentence.
    always: Vec<u64>,
    /// Group bits each rule needs, `row_len - rule_words` words a rule.
    needs: Vec<u64>,
}

/// Rows being built: a dense table of rows for each kind of trigger.
struct RowsBuilder {
    row_len: usize,
    words: Vec<u64>,
    labels: Vec<u64>,
    shapes: Vec<u64>,
    lexicons: Vec<u64>,
}

impl RowsBuilder {
    fn new(row_len: usize, words: usize, labels: usize) -> RowsBuilder {
        RowsBuilder {
            row_len,
            words: vec![0; words * row_len],
            labels: vec![0; labels * row_len],
            shapes: vec![0; SHAPE_COUNT * row_len],
            lexicons: vec![0; 64 * row_len],
        }
    }

    /// The row of `t` (`None` for an id out of range).
    fn row(&mut self, t: Trig) -> Option<&mut [u64]> {
        let (table, id) = match t {
            Trig::Word(w) => (&mut self.words, w as usize),
            Trig::Label(l) => (&mut self.labels, l as usize),
            Trig::Shape(s) => (&mut self.shapes, s as usize),
            Trig::Lex(l) => (&mut self.lexicons, l as usize),
        };
        let k = id.checked_mul(self.row_len)?;
        table.get_mut(k..k + self.row_len)
    }

    /// Sets bit `bit` (rule bits first, then group bits) in the row of `t`.
    fn set(&mut self, t: Trig, bit: usize) {
        if let Some(row) = self.row(t) {
            row[bit / 64] |= 1 << (bit % 64);
        }
    }
}

/// Distinct rows, each stored once; row 0 is all zero.
struct RowStore<'a> {
    row_len: usize,
    rows: Vec<u64>,
    numbers: FastMap<&'a [u64], u32>,
}

impl<'a> RowStore<'a> {
    /// The number of each row of `table` (0 for an empty one), storing
    /// the new ones.
    fn number(&mut self, table: &'a [u64]) -> Vec<u32> {
        let mut out = Vec::with_capacity(table.len() / self.row_len.max(1));
        for row in table.chunks_exact(self.row_len) {
            if row.iter().all(|&w| w == 0) {
                out.push(0);
                continue;
            }
            let next = (self.rows.len() / self.row_len) as u32;
            let n = *self.numbers.entry(row).or_insert(next);
            if n == next {
                self.rows.extend_from_slice(row);
            }
            out.push(n);
        }
        out
    }
}

impl Index {
    /// Builds the index of `programs`' triggers and check groups, for
    /// `words` lower-case word ids and `labels` label ids, with the
    /// `lexicons` the programs use.
    pub(crate) fn build(
        programs: &[Program],
        words: usize,
        labels: usize,
        lexicons: &[Lexicon],
    ) -> Index {
        let groups = numbered_groups(programs);
        let rule_words = programs.len().div_ceil(64).max(1);
        let group_words = groups.len().div_ceil(64).max(1);
        let row_len = rule_words + group_words;
        let mut b = RowsBuilder::new(row_len, words, labels);
        let mut always = vec![0u64; rule_words];
        let mut needs = vec![0u64; programs.len() * group_words];
        for (r, p) in programs.iter().enumerate() {
            let trigs = p.triggers.as_deref().unwrap_or(&[]);
            // A lexicon trigger is not listed (`triggers` makes none): a
            // rule that had one is tried everywhere rather than missed.
            if p.triggers.is_none() || trigs.iter().any(|t| matches!(t, Trig::Lex(_))) {
                always[r / 64] |= 1 << (r % 64);
            }
            for &t in trigs.iter().filter(|t| !matches!(t, Trig::Lex(_))) {
                b.set(t, r);
            }
            for g in &p.check {
                let k = groups[&sorted(g)];
                needs[r * group_words + k / 64] |= 1 << (k % 64);
            }
        }
        for (g, &k) in &groups {
            g.iter().for_each(|&t| b.set(t, rule_words * 64 + k));
        }
        let shape_mask = (0..SHAPE_COUNT).fold(0u16, |m, s| {
            let k = s * row_len;
            let selects = b.shapes[k..k + rule_words].iter().any(|&w| w != 0);
            m | u16::from(selects) << s
        });
        let mut store = RowStore { row_len, rows: vec![0; row_len], numbers: FastMap::default() };
        let mut word_rows = store.number(&b.words);
        // An entry for the id past the words (see `add_words`).
        word_rows.push(0);
        let label_rows = store.number(&b.labels);
        let shape_rows = store.number(&b.shapes);
        let lex_rows = store.number(&b.lexicons);
        let pairs = match row_len {
            2 => store.rows.chunks_exact(2).map(|r| [r[0], r[1]]).collect(),
            _ => Vec::new(),
        };
        Index {
            rule_words,
            row_len,
            rows: store.rows,
            pairs,
            word_rows,
            label_rows,
            shape_rows: shape_rows.try_into().unwrap_or([0; SHAPE_COUNT]),
            lex_rows: lex_rows.try_into().unwrap_or([0; 64]),
            lex_firsts: lex_firsts(lexicons, words),
            shape_mask,
            always,
            needs,
        }
    }

    /// Approximate heap bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        8 * (self.rows.capacity() + self.always.capacity() + self.needs.capacity())
            + 16 * self.pairs.capacity()
            + 8 * self.lex_firsts.capacity()
            + 4 * (self.word_rows.capacity() + self.label_rows.capacity())
    }

    /// The lengths of the tables by lower-case word id (rows, lexicon
    /// starts).
    #[cfg(test)]
    pub(crate) fn word_tables(&self) -> (usize, usize) {
        (self.word_rows.len(), self.lex_firsts.len())
    }

    /// Empties `sel` for a new sentence's selection.
    #[inline]
    pub(crate) fn clear(&self, sel: &mut Vec<u64>) {
        sel.clear();
        sel.resize(self.row_len, 0);
    }

    /// Adds a token with lower-case id `w` to the selection; returns the
    /// lexicons an entry of which may start at the token, as bits (see
    /// [`Index::add_lexicons`]).
    #[inline]
    pub(crate) fn add_word(&self, sel: &mut [u64], w: u32) -> u64 {
        // Most tokens trigger nothing: one load and a branch.
        if let Some(&row) = self.word_rows.get(w as usize).filter(|&&r| r != 0) {
            self.add_row(sel, row);
        }
        self.lex_firsts.get(w as usize).copied().unwrap_or(0)
    }

    /// [`Index::add_word`] for each of `words`; returns the lexicons an
    /// entry of which may start at one of them, as bits.
    #[inline]
    pub(crate) fn add_words(&self, sel: &mut [u64], words: &[u32]) -> u64 {
        let mut lexicons = 0;
        if let ([a, b], 2) = (&mut *sel, self.row_len) {
            // Up to 64 rules and 64 groups (the usual case): the selection
            // in two locals, not loaded and stored again for each token,
            // and row 0 (nothing) ORed in rather than branched around.
            let (mut x, mut y) = (*a, *b);
            // The rows as pairs, and the two tables by word id cut to one
            // length (both have an entry for every id but with more than
            // 64 lexicons, when there are no lexicon starts): one bounds
            // test a token for both tables and one for its row, where
            // there were three with the row's range (−1.0 M instructions
            // over the benchmark run's two rule sets and three passes).
            let rows = &self.pairs;
            let firsts = &self.lex_firsts;
            if let Some(firsts) = firsts.get(..self.word_rows.len()) {
                let word_rows = &self.word_rows[..firsts.len()];
                for &w in words {
                    // The tables have an entry for the id that stands for
                    // every word no rule has (`matcher::clamp_ids`): the
                    // bounds tests always pass.
                    if let (Some(&row), Some(&first)) =
                        (word_rows.get(w as usize), firsts.get(w as usize))
                    {
                        if let Some(&[p, q]) = rows.get(row as usize) {
                            x |= p;
                            y |= q;
                        }
                        lexicons |= first;
                    }
                }
                (*a, *b) = (x, y);
                return lexicons;
            }
            for &w in words {
                let row = self.word_rows.get(w as usize).map_or(0, |&r| r as usize);
                if let Some(&[p, q]) = rows.get(row) {
                    x |= p;
                    y |= q;
                }
                lexicons |= self.lex_firsts.get(w as usize).copied().unwrap_or(0);
            }
            (*a, *b) = (x, y);
            return lexicons;
        }
        for &w in words {
            lexicons |= self.add_word(sel, w);
        }
        lexicons
    }

    /// Adds the starts of entries of the lexicons `lexicons` (bits) to the
    /// selection.
    #[inline]
    pub(crate) fn add_lexicons(&self, sel: &mut [u64], lexicons: u64) {
        for_bits(lexicons, |l| self.add_row(sel, self.lex_rows[l]));
    }

    /// Adds an entity labelled `l` to the selection.
    #[inline]
    pub(crate) fn add_label(&self, sel: &mut [u64], l: u16) {
        self.add_row(sel, self.label_rows.get(l as usize).copied().unwrap_or(0));
    }

    /// Adds the shapes with bits `shapes` to the selection.
    #[inline]
    pub(crate) fn add_shapes(&self, sel: &mut [u64], shapes: u16) {
        let row = |s: usize| self.shape_rows.get(s).copied().unwrap_or(0);
        for_bits(u64::from(shapes), |s| self.add_row(sel, row(s)));
    }

    /// Adds the rules tried on every sentence to the selection.
    #[inline]
    pub(crate) fn add_always(&self, sel: &mut [u64]) {
        sel.iter_mut().zip(&self.always).for_each(|(s, a)| *s |= a);
    }

    /// ORs row `row` into the selection.
    #[inline]
    fn add_row(&self, sel: &mut [u64], row: u32) {
        let k = row as usize * self.row_len;
        match (sel, self.rows.get(k..k + self.row_len)) {
            // Up to 64 rules and 64 groups (the usual case): two words,
            // without the setup of a loop over slices.
            ([a, b], Some(&[x, y])) => {
                *a |= x;
                *b |= y;
            }
            (sel, Some(row)) => sel.iter_mut().zip(row).for_each(|(s, r)| *s |= r),
            _ => {}
        }
    }

    /// Whether the selection holds a rule.
    #[inline]
    pub(crate) fn any_rule(&self, sel: &[u64]) -> bool {
        sel.iter().take(self.rule_words).any(|&w| w != 0)
    }

    /// The shapes some rule is triggered by, as bits: a sentence's shapes
    /// can select rules only when this is not zero.
    #[inline]
    pub(crate) fn shape_mask(&self) -> u16 {
        self.shape_mask
    }

    /// Appends the selected rules whose groups are all met to `out`, in
    /// rule order.
    #[inline]
    pub(crate) fn select(&self, sel: &[u64], out: &mut Vec<u32>) {
        let (rules, met) = sel.split_at(self.rule_words.min(sel.len()));
        let gw = met.len();
        if let [m] = *met {
            // Up to 64 groups (the usual case): one word a rule, without
            // the setup of a loop over slices.
            for (k, &word) in rules.iter().enumerate() {
                for_bits(word, |b| {
                    let r = k * 64 + b;
                    if self.needs.get(r).is_none_or(|n| n & !m == 0) {
                        out.push(r as u32);
                    }
                });
            }
            return;
        }
        for (k, &word) in rules.iter().enumerate() {
            for_bits(word, |b| {
                let r = k * 64 + b;
                let need = self.needs.get(r * gw..(r + 1) * gw).unwrap_or(&[]);
                if need.iter().zip(met).all(|(n, m)| n & !m == 0) {
                    out.push(r as u32);
                }
            });
        }
    }
}

/// A group's triggers, sorted and without repeats.
fn sorted(g: &[Trig]) -> Vec<Trig> {
    let mut v = g.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

/// A number for each distinct check group of `programs`.
fn numbered_groups(programs: &[Program]) -> HashMap<Vec<Trig>, usize> {
    let mut groups: HashMap<Vec<Trig>, usize> = HashMap::new();
    for g in programs.iter().flat_map(|p| &p.check) {
        let next = groups.len();
        groups.entry(sorted(g)).or_insert(next);
    }
    groups
}

/// The [`Index::lex_firsts`] of `lexicons` over `words` word ids.
fn lex_firsts(lexicons: &[Lexicon], words: usize) -> Vec<u64> {
    if lexicons.len() > 64 {
        return Vec::new();
    }
    // An entry for the id past the words (see `add_words`).
    let mut bits = vec![0u64; words + 1];
    for (l, lex) in lexicons.iter().enumerate() {
        for &w in &lex.first_lower {
            if let Some(b) = bits.get_mut(w as usize) {
                *b |= 1 << l;
            }
        }
    }
    bits
}

#[cfg(test)]
mod tests {
    use crate::patterns::RuleSetBuilder;

    /// `add_words` selects what `add_word` token by token does, and finds
    /// the same lexicon starts, with rows of two words (its fast path,
    /// with and without lexicon starts: more than 64 lexicons have none)
    /// and longer ones, for random runs of ids (unknown ones and `NONE`
    /// among them).
    #[test]
    fn add_words_agrees_with_add_word() {
        let mut next = crate::testing::xorshift(0x0add_5e1f);
        for (rules, lexicons) in [(8, 0), (150, 0), (8, 70)] {
            let mut src = String::from("lexicon L = w1 | \"w2 w3\" | w9\n");
            let many: Vec<String> = (0..lexicons).map(|l| format!("<M{l}>")).collect();
            for l in 0..lexicons {
                src += &format!("lexicon M{l} = w{}\n", l % 30);
            }
            if lexicons > 0 {
                src += &format!("entity many X: \"w3\" ({}) Cap\n", many.join(" | "));
            }
            for r in 0..rules {
                let (a, b) = (next() % 20, next() % 20);
                src += &format!("entity r{r} X: \"w{a}\" (<L> | \"w{b}\") Cap\n");
            }
            let mut b = RuleSetBuilder::new();
            b.add_str(&src, Some("t.rules")).unwrap_or_else(|e| panic!("{e}"));
            let set = b.build().unwrap_or_else(|e| panic!("{e}"));
            let (index, vocab) = (&set.inner.compiled.index, &set.inner.compiled.vocab);
            assert_eq!(index.row_len == 2, rules == 8, "{} words a row", index.row_len);
            assert_eq!(index.lex_firsts.is_empty(), lexicons > 64);
            let known = vocab.lower_len() as u64;
            for _ in 0..300 {
                let words: Vec<u32> = (0..next() % 40)
                    .map(|_| match next() % 8 {
                        0 => super::super::lexicon::NONE,
                        _ => (next() % (known + 3)) as u32,
                    })
                    .collect();
                let (mut want, mut got) = (Vec::new(), Vec::new());
                index.clear(&mut want);
                index.clear(&mut got);
                let lex = words.iter().fold(0, |a, &w| a | index.add_word(&mut want, w));
                assert_eq!(index.add_words(&mut got, &words), lex, "{words:?}");
                assert_eq!(got, want, "{words:?}");
            }
        }
    }
}
