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
    /// Row of each lower-case word id (0 for none).
    word_rows: Vec<u32>,
    /// Row of each label id.
    label_rows: Vec<u32>,
    /// Row of each shape bit number.
    shape_rows: [u32; SHAPE_COUNT],
    /// Row of each lexicon (only the first 64 make triggers).
    lex_rows: [u32; 64],
    /// The lexicons (as bits) whose row is not empty: those of the check
    /// groups kept. Only these need to be confirmed in a sentence
    /// (`matcher::confirm_lexicons`): the others add nothing to a
    /// selection whether they are there or not.
    lex_live: u64,
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
    /// The tables of the fast paths, for rows of one group word and up to
    /// [`MAX_RULE_WORDS`] rule words.
    fast: Fast,
}

/// The most words of rule bits a row may have for the fast paths: up to
/// 256 rules. (`kept_groups` keeps the groups to one word up to there.)
const MAX_RULE_WORDS: usize = 4;

/// A row of the fast paths, or a selection held in locals: `R` words of
/// rule bits (up to `64 * R` rules), then one of group bits (up to 64
/// groups, which `kept_groups` sees to). Rows are `R + 1` words in
/// [`Index::rows`] and in a selection too, in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Row<const R: usize> {
    /// Rule bits: rule `r` is bit `r % 64` of word `r / 64`.
    rules: [u64; R],
    /// Group bits.
    groups: u64,
}

impl<const R: usize> Row<R> {
    /// The empty row.
    const ZERO: Row<R> = Row { rules: [0; R], groups: 0 };

    /// The row of `R + 1` words `words` (rule words first); `None` for
    /// another length.
    #[inline]
    fn of(words: &[u64]) -> Option<Row<R>> {
        match words.split_first_chunk::<R>() {
            Some((rules, &[groups])) => Some(Row { rules: *rules, groups }),
            _ => None,
        }
    }

    /// ORs `other` into this row.
    #[inline]
    fn or(&mut self, other: &Row<R>) {
        for k in 0..R {
            self.rules[k] |= other.rules[k];
        }
        self.groups |= other.groups;
    }
}

/// A selection of `R + 1` words as its rule words and group word; `None`
/// for another length.
#[inline]
fn parts<const R: usize>(sel: &mut [u64]) -> Option<(&mut [u64; R], &mut u64)> {
    match sel.split_first_chunk_mut::<R>() {
        Some((rules, [groups])) => Some((rules, groups)),
        _ => None,
    }
}

/// What [`Index::add_words_and_rows`] reads for a word id, in one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct WordFacts<const R: usize> {
    /// Its row itself (of [`Wide::rows`], by [`Index::word_rows`]):
    /// ORed into the selection with no row number to load, bounds-test and
    /// shift, the loop is 15 instructions a token where it was 20 (−2.2 M
    /// instructions over the benchmark run; 40 bytes an entry where 32
    /// held the row's number, with one rule word). ORed with the rows of
    /// the lexicons the word is a one-token entry of ([`WordFacts::one`]):
    /// those are confirmed wherever the word is, and `finish` leaves them
    /// out, where it ORed about 124k lexicon rows a benchmark run
    /// (extraction 224.23 → 223.71 M instructions; the rule sets' build
    /// +0.16 M).
    row: Row<R>,
    /// The lexicons an entry of which starts with the word
    /// ([`Index::lex_firsts`]).
    firsts: u64,
    /// The lexicons the word is a one-token entry of (lower case).
    one: u64,
    /// The lexicons an entry of which may start at a token of that id
    /// (`Compiled::lex_starts`).
    starts: u64,
}

/// The tables of the fast paths for rows of `R` rule words and one group
/// word ([`Row`]): each path holds the selection in `R + 1` locals and
/// ORs whole rows into it, with no row length to read and no loop over
/// slices. Generic over `R` so that rules past the 64th keep them: with
/// two-word rows only, a 65th relation rule made the rows three words and
/// cost +12 M instructions over the benchmark run, far more than its own
/// matching.
#[derive(Clone, Debug)]
struct Wide<const R: usize> {
    /// The rows of [`Index::rows`], by number: a row is one bounds test in
    /// [`Index::add_words`], where a range of `rows` was two.
    rows: Vec<Row<R>>,
    /// The rows of the shapes of each value of the low byte of a
    /// sentence's shape bits, ORed together, then those of each value of
    /// the high byte (512 rows): a sentence's shapes are two rows, where
    /// they were a row a shape (7.4 a sentence on the benchmark's news,
    /// 1.46 M instructions a run; −1.4 M).
    shape_bytes: Vec<Row<R>>,
    /// The row of each of the first 64 lexicons itself (64 entries):
    /// [`Index::add_lexicons`] ORs a confirmed lexicon's row into the
    /// selection held in locals with no row number to look up and no
    /// bounds test (6.7 lexicons a sentence on the benchmark's news;
    /// −0.38 M instructions over a benchmark run's extraction).
    lex_rows: Vec<Row<R>>,
    /// By lower-case word id, its row, lexicon firsts and lexicons' bits
    /// together (see [`Index::add_word_facts`]), for
    /// [`Index::add_words_and_rows`]; empty unless there are at most 64
    /// lexicons.
    words: Vec<WordFacts<R>>,
    /// For byte `k` of the group word and each value `v` of it, the rules
    /// (bits) that need one of the groups `v` names there, at `256 * k +
    /// v` (256 entries for each byte up to the last group's): the rules a
    /// sentence's unmet groups rule out are a few loads, where each
    /// selected rule's needs were a test (17 a sentence on the benchmark's
    /// news, 11 instructions each, and a branch on the answer): −1.6 M
    /// instructions over a benchmark run.
    needed_by: Vec<[u64; R]>,
}

/// The fast paths' tables for the rows' width, or none (more than
/// [`MAX_RULE_WORDS`] rule words, or more than one group word).
#[derive(Clone, Debug)]
#[repr(u8)]
enum Fast {
    None,
    W1(Wide<1>),
    W2(Wide<2>),
    W3(Wide<3>),
    W4(Wide<4>),
}

/// `$then` with `$w` bound to the [`Wide`] tables of `$fast`, whatever
/// their width; `$none` without.
macro_rules! wide {
    ($fast:expr, $w:ident => $then:expr, None => $none:expr) => {
        match $fast {
            Fast::W1($w) => $then,
            Fast::W2($w) => $then,
            Fast::W3($w) => $then,
            Fast::W4($w) => $then,
            Fast::None => $none,
        }
    };
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
        // With up to `64 * MAX_RULE_WORDS` rules, one group word (the fast
        // paths) whatever the number of groups.
        let groups = if programs.len() <= 64 * MAX_RULE_WORDS {
            kept_groups(programs, groups, 64)
        } else {
            groups
        };
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
                let Some(&k) = groups.get(&sorted(g)) else { continue };
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
        let (rows, groups) = (&store.rows, groups.len());
        let fast = match (rule_words, group_words) {
            (1, 1) => Fast::W1(Wide::new(rows, &shape_rows, &lex_rows, &needs, groups)),
            (2, 1) => Fast::W2(Wide::new(rows, &shape_rows, &lex_rows, &needs, groups)),
            (3, 1) => Fast::W3(Wide::new(rows, &shape_rows, &lex_rows, &needs, groups)),
            (4, 1) => Fast::W4(Wide::new(rows, &shape_rows, &lex_rows, &needs, groups)),
            _ => Fast::None,
        };
        Index {
            rule_words,
            row_len,
            rows: store.rows,
            word_rows,
            label_rows,
            shape_rows: shape_rows.try_into().unwrap_or([0; SHAPE_COUNT]),
            lex_live: lex_rows
                .iter()
                .take(64)
                .enumerate()
                .fold(0, |a, (l, &r)| a | u64::from(r != 0) << l),
            lex_rows: lex_rows.try_into().unwrap_or([0; 64]),
            lex_firsts: lex_firsts(lexicons, words),
            shape_mask,
            always,
            needs,
            fast,
        }
    }

    /// Approximate heap bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        8 * (self.rows.capacity() + self.always.capacity() + self.needs.capacity())
            + 8 * self.lex_firsts.capacity()
            + 4 * (self.word_rows.capacity() + self.label_rows.capacity())
            + wide!(&self.fast, w => w.heap_bytes(), None => 0)
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
        // A row's words stored, without a `memset` call (35 instructions a
        // sentence with it).
        if wide!(&self.fast, w => w.clear(sel), None => false) {
            return;
        }
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
        let (word_rows, firsts) = (&self.word_rows, &self.lex_firsts);
        let fast = wide!(&self.fast, w => w.add_words(sel, word_rows, firsts, words), None => None);
        if let Some(lexicons) = fast {
            return lexicons;
        }
        let mut lexicons = 0;
        for &w in words {
            lexicons |= self.add_word(sel, w);
        }
        lexicons
    }

    /// Fills [`Wide::words`] from the lexicons' tables by lower-case word
    /// id: `one`, the one-token entries' bits, and `starts`, the bits of
    /// the lexicons an entry of which may start at the word (see
    /// `Compiled::lex_starts`). Left empty with more than 64 lexicons or
    /// without the fast paths.
    pub(crate) fn add_word_facts(&mut self, one: &[u64], starts: &[u64]) {
        let (rows, firsts) = (&self.word_rows, &self.lex_firsts);
        wide!(&mut self.fast, w => w.add_word_facts(rows, firsts, one, starts), None => {});
    }

    /// [`Index::add_words`] with [`Wide::words`] (the fast paths, at most
    /// 64 lexicons), in one pass over `words` that also gives each token
    /// its one-token lexicon bits (into `one`) and the lexicons an entry
    /// of which may start there (into `starts`), both replacing what was
    /// there. Returns the lexicons an entry of which may start at one of
    /// the words and the bits of `one` ORed together, whose lexicons' rows
    /// the selection then holds too ([`WordFacts::row`]): the caller
    /// leaves them out of [`Index::finish`]. `None`, with nothing done,
    /// without [`Wide::words`].
    ///
    /// One loop and one table where three loops read four tables by word
    /// id (the selection, the one-token rows, and `confirm_lexicons`
    /// looking for starts at every token), each with a bounds test: 21
    /// instructions a token where the three took about 35, on the
    /// benchmark run's 368k tokens of both rule sets. (The same loop over
    /// the four tables apart, with their base pointers spilled, took 36.)
    #[inline(never)]
    pub(crate) fn add_words_and_rows(
        &self,
        sel: &mut [u64],
        words: &[u32],
        one: &mut Vec<u64>,
        starts: &mut Vec<u64>,
    ) -> Option<(u64, u64)> {
        wide!(&self.fast, w => w.add_words_and_rows(sel, words, one, starts), None => None)
    }

    /// Adds the shapes with bits `shapes` ([`Index::add_shapes`]) and the
    /// starts of entries of the lexicons `lexicons` ([`Index::add_lexicons`])
    /// to the selection, then appends the selected rules whose groups are
    /// all met to `out` ([`Index::select`]). One call, for one test of the
    /// rows' width and the selection held in locals throughout, where the
    /// three calls each made their own (each test of the width is a few
    /// instructions a sentence and a rule set).
    #[inline]
    pub(crate) fn finish(&self, sel: &mut [u64], shapes: u16, lexicons: u64, out: &mut Vec<u32>) {
        if !wide!(&self.fast, w => w.finish(sel, shapes, lexicons, out), None => false) {
            self.add_shapes(sel, shapes);
            self.add_lexicons(sel, lexicons);
            self.select(sel, out);
        }
    }

    /// Adds the starts of entries of the lexicons `lexicons` (bits) to the
    /// selection.
    #[inline]
    fn add_lexicons(&self, sel: &mut [u64], lexicons: u64) {
        if !wide!(&self.fast, w => w.add_lexicons(sel, lexicons), None => false) {
            self.add_lexicon_rows(sel, lexicons);
        }
    }

    /// [`Index::add_lexicons`] by each lexicon's row number.
    fn add_lexicon_rows(&self, sel: &mut [u64], lexicons: u64) {
        for_bits(lexicons, |l| self.add_row(sel, self.lex_rows[l]));
    }

    /// The lexicons whose presence can change a selection (see
    /// [`Index::lex_live`]).
    #[inline]
    pub(crate) fn live_lexicons(&self) -> u64 {
        self.lex_live
    }

    /// Adds entities labelled `labels` to the selection.
    #[inline]
    pub(crate) fn add_labels(&self, sel: &mut [u64], labels: impl Iterator<Item = u16>) {
        let rows = labels.map(|l| self.label_rows.get(l as usize).copied().unwrap_or(0));
        match &self.fast {
            Fast::W1(w) => w.add_rows(sel, rows),
            Fast::W2(w) => w.add_rows(sel, rows),
            Fast::W3(w) => w.add_rows(sel, rows),
            Fast::W4(w) => w.add_rows(sel, rows),
            Fast::None => rows.for_each(|r| self.add_row(sel, r)),
        }
    }

    /// Adds the shapes with bits `shapes` to the selection.
    #[inline]
    fn add_shapes(&self, sel: &mut [u64], shapes: u16) {
        if !wide!(&self.fast, w => w.add_shapes(sel, shapes), None => false) {
            self.add_shape_rows(sel, shapes);
        }
    }

    /// [`Index::add_shapes`] a row a shape.
    fn add_shape_rows(&self, sel: &mut [u64], shapes: u16) {
        let row = |s: usize| self.shape_rows.get(s).copied().unwrap_or(0);
        for_bits(u64::from(shapes), |s| self.add_row(sel, row(s)));
    }

    /// Adds the rules tried on every sentence to the selection.
    #[inline]
    pub(crate) fn add_always(&self, sel: &mut [u64]) {
        sel.iter_mut().zip(&self.always).for_each(|(s, a)| *s |= a);
    }

    /// ORs row `row` of [`Index::rows`] into the selection.
    #[inline]
    fn add_row(&self, sel: &mut [u64], row: u32) {
        let k = row as usize * self.row_len;
        match (sel, self.rows.get(k..k + self.row_len)) {
            // Up to 64 rules and 64 groups: two words, without the setup
            // of a loop over slices.
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
    fn select(&self, sel: &[u64], out: &mut Vec<u32>) {
        if !wide!(&self.fast, w => w.select(sel, out), None => false) {
            self.select_each(sel, out);
        }
    }

    /// [`Index::select`] testing each selected rule's groups.
    fn select_each(&self, sel: &[u64], out: &mut Vec<u32>) {
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

impl<const R: usize> Wide<R> {
    /// The tables of the rows `rows` (`R + 1` words each, row 0 first),
    /// with the rows of the shapes and lexicons by number, and the rules'
    /// `needs` (one group word a rule) of `groups` groups.
    fn new(
        rows: &[u64],
        shape_rows: &[u32],
        lex_rows: &[u32],
        needs: &[u64],
        groups: usize,
    ) -> Wide<R> {
        let rows: Vec<Row<R>> = rows.chunks_exact(R + 1).filter_map(Row::of).collect();
        let row = |r: u32| rows.get(r as usize).copied().unwrap_or(Row::ZERO);
        let mut shape_bytes = vec![Row::ZERO; 512];
        for (k, o) in shape_bytes.iter_mut().enumerate() {
            // Entry `k`: byte `k / 256` of the shape bits, of value `k % 256`.
            for_bits((k % 256) as u64, |b| {
                o.or(&row(shape_rows.get(8 * (k / 256) + b).copied().unwrap_or(0)));
            });
        }
        Wide {
            shape_bytes,
            lex_rows: lex_rows.iter().map(|&r| row(r)).collect(),
            needed_by: needed_by(needs, groups),
            words: Vec::new(),
            rows,
        }
    }

    /// Approximate heap bytes.
    fn heap_bytes(&self) -> usize {
        let row = std::mem::size_of::<Row<R>>();
        row * (self.rows.capacity() + self.shape_bytes.capacity() + self.lex_rows.capacity())
            + std::mem::size_of::<WordFacts<R>>() * self.words.capacity()
            + 8 * R * self.needed_by.capacity()
    }

    /// [`Index::clear`] for a selection of `R + 1` words; false for
    /// another length.
    #[inline]
    fn clear(&self, sel: &mut [u64]) -> bool {
        let Some((rules, groups)) = parts::<R>(sel) else { return false };
        (*rules, *groups) = ([0; R], 0);
        true
    }

    /// ORs the rows numbered `rows` into the selection, held in locals;
    /// nothing for a selection of another length.
    #[inline]
    fn add_rows(&self, sel: &mut [u64], rows: impl Iterator<Item = u32>) {
        let Some((rules, groups)) = parts::<R>(sel) else { return };
        let mut x = Row { rules: *rules, groups: *groups };
        for row in rows {
            if let Some(r) = self.rows.get(row as usize) {
                x.or(r);
            }
        }
        (*rules, *groups) = (x.rules, x.groups);
    }

    /// [`Index::add_words`] with the rows of [`Index::word_rows`] and the
    /// lexicon firsts `firsts`; `None`, with nothing done, for a selection
    /// of another length.
    #[inline]
    fn add_words(
        &self,
        sel: &mut [u64],
        word_rows: &[u32],
        firsts: &[u64],
        words: &[u32],
    ) -> Option<u64> {
        // The selection in locals, not loaded and stored again for each
        // token, and row 0 (nothing) ORed in rather than branched around.
        let (rules, groups) = parts::<R>(sel)?;
        let mut x = Row { rules: *rules, groups: *groups };
        let mut lexicons = 0;
        let rows = &self.rows;
        // The two tables by word id cut to one length (both have an entry
        // for every id but with more than 64 lexicons, when there are no
        // lexicon starts): one bounds test a token for both tables and one
        // for its row, where there were three with the row's range (−1.0 M
        // instructions over the benchmark run's two rule sets and three
        // passes).
        if let Some(firsts) = firsts.get(..word_rows.len()) {
            let word_rows = &word_rows[..firsts.len()];
            for &w in words {
                // The tables have an entry for the id that stands for
                // every word no rule has (`matcher::clamp_ids`): the
                // bounds tests always pass.
                if let (Some(&row), Some(&first)) =
                    (word_rows.get(w as usize), firsts.get(w as usize))
                {
                    if let Some(r) = rows.get(row as usize) {
                        x.or(r);
                    }
                    lexicons |= first;
                }
            }
        } else {
            for &w in words {
                let row = word_rows.get(w as usize).map_or(0, |&r| r as usize);
                if let Some(r) = rows.get(row) {
                    x.or(r);
                }
                lexicons |= firsts.get(w as usize).copied().unwrap_or(0);
            }
        }
        (*rules, *groups) = (x.rules, x.groups);
        Some(lexicons)
    }

    /// Fills [`Wide::words`] (see [`Index::add_word_facts`]) for the words
    /// of rows `word_rows` and lexicon firsts `firsts`; left empty when
    /// the two differ in length (more than 64 lexicons).
    fn add_word_facts(&mut self, word_rows: &[u32], firsts: &[u64], one: &[u64], starts: &[u64]) {
        self.words.clear();
        if firsts.len() != word_rows.len() {
            return;
        }
        let rows = &self.rows;
        let word = |w: usize| WordFacts {
            row: rows.get(word_rows[w] as usize).copied().unwrap_or(Row::ZERO),
            firsts: firsts[w],
            one: one.get(w).copied().unwrap_or(0),
            starts: starts.get(w).copied().unwrap_or(0),
        };
        self.words = (0..word_rows.len()).map(word).collect();
        // The rows of the lexicons each word is a one-token entry of, in
        // its own row (see [`WordFacts::row`]); few words are.
        let lex = &self.lex_rows;
        for e in self.words.iter_mut().filter(|e| e.one != 0) {
            for_bits(e.one, |l| e.row.or(lex.get(l).unwrap_or(&Row::ZERO)));
        }
    }

    /// [`Index::add_words_and_rows`] with these tables.
    #[inline]
    fn add_words_and_rows(
        &self,
        sel: &mut [u64],
        words: &[u32],
        one: &mut Vec<u64>,
        starts: &mut Vec<u64>,
    ) -> Option<(u64, u64)> {
        if self.words.is_empty() {
            return None;
        }
        let (rules, groups) = parts::<R>(sel)?;
        let table = &self.words;
        let mut x = Row { rules: *rules, groups: *groups };
        let (mut lexicons, mut any) = (0, 0);
        // Every entry is written: grown or cut, not cleared.
        for out in [&mut *one, &mut *starts] {
            out.resize(words.len(), 0);
        }
        for ((&w, o), s) in words.iter().zip(one.iter_mut()).zip(starts.iter_mut()) {
            // Every id of `Facts` is inside the table (see
            // `matcher::clamp_ids`): the test always passes.
            let Some(e) = table.get(w as usize) else {
                (*o, *s) = (0, 0);
                continue;
            };
            x.or(&e.row);
            lexicons |= e.firsts;
            any |= e.one;
            (*o, *s) = (e.one, e.starts);
        }
        (*rules, *groups) = (x.rules, x.groups);
        Some((lexicons, any))
    }

    /// [`Index::add_lexicons`] by [`Wide::lex_rows`]; false, with nothing
    /// done, for a selection of another length.
    #[inline]
    fn add_lexicons(&self, sel: &mut [u64], lexicons: u64) -> bool {
        let (Some((rules, groups)), Some(rows)) =
            (parts::<R>(sel), self.lex_rows.first_chunk::<64>())
        else {
            return false;
        };
        let mut x = Row { rules: *rules, groups: *groups };
        for_bits(lexicons, |l| x.or(&rows[l % 64]));
        (*rules, *groups) = (x.rules, x.groups);
        true
    }

    /// [`Index::add_shapes`] by [`Wide::shape_bytes`]; false, with nothing
    /// done, for a selection of another length.
    #[inline]
    fn add_shapes(&self, sel: &mut [u64], shapes: u16) -> bool {
        let [lo, hi] = shapes.to_le_bytes().map(usize::from);
        let bytes = &self.shape_bytes;
        let (Some((rules, groups)), Some(p), Some(q)) =
            (parts::<R>(sel), bytes.get(lo), bytes.get(256 + hi))
        else {
            return false;
        };
        let mut x = Row { rules: *rules, groups: *groups };
        x.or(p);
        x.or(q);
        (*rules, *groups) = (x.rules, x.groups);
        true
    }

    /// [`Index::finish`] with these tables; false, with nothing done, for a
    /// selection of another length.
    #[inline]
    fn finish(&self, sel: &mut [u64], shapes: u16, lexicons: u64, out: &mut Vec<u32>) -> bool {
        let [lo, hi] = shapes.to_le_bytes().map(usize::from);
        let bytes = &self.shape_bytes;
        let (Some((rules, groups)), Some(p), Some(q), Some(lex)) = (
            parts::<R>(sel),
            bytes.get(lo),
            bytes.get(256 + hi),
            self.lex_rows.first_chunk::<64>(),
        ) else {
            return false;
        };
        let mut x = Row { rules: *rules, groups: *groups };
        x.or(p);
        x.or(q);
        for_bits(lexicons, |l| x.or(&lex[l % 64]));
        (*rules, *groups) = (x.rules, x.groups);
        self.select_row(&x, out);
        true
    }

    /// [`Index::select`] by [`Wide::needed_by`]; false, with nothing done,
    /// for a selection of another length.
    #[inline]
    fn select(&self, sel: &[u64], out: &mut Vec<u32>) -> bool {
        let Some(sel) = Row::<R>::of(sel) else { return false };
        self.select_row(&sel, out);
        true
    }

    /// Appends the rules of the selection `sel` whose groups are all met
    /// to `out`, in rule order.
    #[inline]
    fn select_row(&self, sel: &Row<R>, out: &mut Vec<u32>) {
        let unmet = !sel.groups;
        let mut out_of = [0u64; R];
        for (k, t) in self.needed_by.chunks_exact(256).enumerate() {
            let rules = &t[(unmet >> (8 * k % 64)) as usize % 256];
            for j in 0..R {
                out_of[j] |= rules[j];
            }
        }
        for (j, rules) in sel.rules.into_iter().enumerate() {
            for_bits(rules & !out_of[j], |r| out.push((64 * j + r) as u32));
        }
    }
}

/// The [`Wide::needed_by`] of rules needing the groups `needs` (one word
/// a rule, up to `64 * R` rules), of `groups` groups (up to 64).
fn needed_by<const R: usize>(needs: &[u64], groups: usize) -> Vec<[u64; R]> {
    // The rules needing each group.
    let mut of = [[0u64; R]; 64];
    for (r, &need) in needs.iter().enumerate().take(64 * R) {
        for_bits(need, |g| of[g % 64][r / 64] |= 1 << (r % 64));
    }
    let mut out = vec![[0u64; R]; 256 * groups.min(64).div_ceil(8)];
    for (k, t) in out.chunks_exact_mut(256).enumerate() {
        // A value's rules: those of its lowest bit's group and those of
        // the value without that bit, already there.
        for v in 1..256 {
            let (low, g) = (t[v & (v - 1)], of[(8 * k + (v.trailing_zeros() as usize)) % 64]);
            t[v] = std::array::from_fn(|j| low[j] | g[j]);
        }
    }
    out
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

/// Of `groups` (numbered by [`numbered_groups`]), the `room` that the
/// rows hold, numbered anew from 0 in their order, when there are more.
///
/// A group is only a filter: a rule needing a group the rows do not keep
/// is tried where that group is missing too, and fails there, as the
/// interpreter finds the group's element missing; the output is the same.
/// Without it, a 65th group made the rows three words and lost every fast
/// path that takes two (`pairs`, `needed_by`, `add_words_and_rows`, ...):
/// one relation rule more, whose groups were the 65th and 66th, cost
/// +13.0 M instructions over the benchmark run (417.9 to 430.9 M); with
/// 64 kept, +0.9 M. (Rows of more rule words have fast paths too, see
/// [`Wide`]; with more than `64 * MAX_RULE_WORDS` rules there are none,
/// and all groups are kept.)
///
/// The groups dropped are those that filter least: first none that is the
/// last kept group of a rule, then groups of three or more entity labels
/// (one of which starts in most sentences of news), then the fewest rules
/// weighted by how few other kept groups each has (a rule keeping five
/// others loses little), then the group with the most triggers (likelier
/// met), then the last numbered. (Dropping the last numbered that is no
/// rule's last group, without the weights, cost +6.5 M on that rule set
/// where these cost +0.9 M.) Without the label criterion, the default
/// relation rules (76 groups) lost rare word groups such as
/// `backed_apposition`'s "backed | supported | ...", whose rule was then a
/// candidate in 937 sentences of the benchmark run and past its landmarks
/// in none, and kept "," and label groups met nearly everywhere: the
/// criterion took extraction from 224.28 M to 223.97 M instructions over
/// the benchmark run, and `backed_apposition`'s own cost from 0.46 M to
/// 0.22 M.
fn kept_groups(
    programs: &[Program],
    groups: HashMap<Vec<Trig>, usize>,
    room: usize,
) -> HashMap<Vec<Trig>, usize> {
    if groups.len() <= room {
        return groups;
    }
    // The groups each rule needs, and the rules needing each group.
    let mut of_rule: Vec<Vec<usize>> = programs
        .iter()
        .map(|p| {
            let mut v: Vec<usize> = p.check.iter().map(|g| groups[&sorted(g)]).collect();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    let mut rules_of = vec![Vec::new(); groups.len()];
    for (r, gs) in of_rule.iter().enumerate() {
        gs.iter().for_each(|&g| rules_of[g].push(r));
    }
    let mut triggers = vec![0; groups.len()];
    for (g, &k) in &groups {
        triggers[k] = g.len();
    }
    // Whether each group is three or more entity labels.
    let mut labels = vec![false; groups.len()];
    for (g, &k) in &groups {
        labels[k] = g.len() >= 3 && g.iter().all(|t| matches!(t, Trig::Label(_)));
    }
    let mut alive = vec![true; groups.len()];
    for _ in room..groups.len() {
        // 720: a multiple of every count of groups a rule is likely to
        // have, so the weights are whole.
        let cost = |g: usize| {
            let left = rules_of[g].iter().map(|&r| of_rule[r].len());
            let last = left.clone().filter(|&n| n == 1).count();
            let weight: usize = left.map(|n| 720 / n.max(1)).sum();
            (last, !labels[g], weight, std::cmp::Reverse(triggers[g]), std::cmp::Reverse(g))
        };
        let Some(drop) = (0..groups.len()).filter(|&g| alive[g]).min_by_key(|&g| cost(g)) else {
            break;
        };
        alive[drop] = false;
        for &r in &rules_of[drop] {
            of_rule[r].retain(|&g| g != drop);
        }
    }
    // Each kept group's new number: the kept groups before it.
    let renumber: Vec<usize> = alive
        .iter()
        .scan(0, |next, &a| {
            // A dropped group's number is never read; counting before the
            // increment keeps it from underflowing when it comes first.
            let n = *next;
            *next += usize::from(a);
            Some(n)
        })
        .collect();
    groups.into_iter().filter(|(_, k)| alive[*k]).map(|(g, k)| (g, renumber[k])).collect()
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
impl Index {
    /// The rule words of the fast paths' rows (0 without them) and the
    /// lengths of their tables: [`Wide::words`], `lex_rows`, `shape_bytes`
    /// and `needed_by`.
    fn wide_lens(&self) -> (usize, [usize; 4]) {
        wide!(&self.fast, w => w.lens(), None => (0, [0; 4]))
    }

    /// Each entry of [`Wide::words`] as its row's words (rule words first),
    /// lexicon firsts, one-token bits and lexicon starts.
    fn word_facts(&self) -> Vec<(Vec<u64>, u64, u64, u64)> {
        wide!(&self.fast, w => w.word_facts(), None => Vec::new())
    }
}

#[cfg(test)]
impl<const R: usize> Wide<R> {
    /// See [`Index::wide_lens`].
    fn lens(&self) -> (usize, [usize; 4]) {
        (R, [self.words.len(), self.lex_rows.len(), self.shape_bytes.len(), self.needed_by.len()])
    }

    /// See [`Index::word_facts`].
    fn word_facts(&self) -> Vec<(Vec<u64>, u64, u64, u64)> {
        let row = |r: &Row<R>| r.rules.iter().copied().chain([r.groups]).collect();
        self.words.iter().map(|e| (row(&e.row), e.firsts, e.one, e.starts)).collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::rule_set;

    /// `add_words` selects what `add_word` token by token does, and finds
    /// the same lexicon starts, with rows of one and three rule words (its
    /// fast path, with and without lexicon starts: more than 64 lexicons
    /// have none) and more than four (none), for random runs of ids
    /// (unknown ones and `NONE` among them); so does `add_words_and_rows`
    /// where it applies (the fast paths, at most 64 lexicons), whose
    /// tokens' lexicon words are
    /// those of the tables it was made from, whatever the rows held before.
    #[test]
    fn add_words_agrees_with_add_word() {
        let mut next = crate::testing::xorshift(0x0add_5e1f);
        let mut fast = 0;
        for (rules, lexicons) in [(8usize, 0), (150, 0), (300, 0), (8, 70)] {
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
            let set = rule_set(&src);
            let (index, vocab) = (&set.inner.compiled.index, &set.inner.compiled.vocab);
            // One group word up to 256 rules (`kept_groups`), fast paths.
            assert_eq!(index.row_len, rules.div_ceil(64) + 1, "{rules} rules");
            let wide = index.wide_lens().0;
            assert_eq!(wide, if rules <= 256 { rules.div_ceil(64) } else { 0 }, "{rules} rules");
            assert_eq!(index.lex_firsts.is_empty(), lexicons > 64);
            let known = vocab.lower_len() as u64;
            for _ in 0..300 {
                let words: Vec<u32> = (0..next() % 40)
                    .map(|_| match next() % 8 {
                        0 => super::super::lexicon::NONE,
                        _ => (next() % (known + 3)) as u32,
                    })
                    .collect();
                let (mut want, mut got, mut fused) = (Vec::new(), Vec::new(), Vec::new());
                index.clear(&mut want);
                index.clear(&mut got);
                index.clear(&mut fused);
                let lex = words.iter().fold(0, |a, &w| a | index.add_word(&mut want, w));
                assert_eq!(index.add_words(&mut got, &words), lex, "{words:?}");
                assert_eq!(got, want, "{words:?}");
                // The fused pass, over rows left from an earlier sentence
                // (longer or shorter): the selection, the lexicon starts,
                // and each token's words of the two lexicon tables.
                let c = &set.inner.compiled;
                let stale = (next() % 50) as usize;
                let (mut one, mut starts) = (vec![u64::MAX; stale], vec![7; stale / 2]);
                let word = |t: &[u64], w: u32| t.get(w as usize).copied().unwrap_or(0);
                let tables = (&c.lower_members.one, &c.lex_starts);
                match index.add_words_and_rows(&mut fused, &words, &mut one, &mut starts) {
                    Some((l, any)) => {
                        // With the rows of the lexicons of the one-token
                        // entries there, which `finish` then leaves out.
                        let mut want = want.clone();
                        index.add_lexicon_rows(&mut want, any);
                        assert_eq!((l, &fused), (lex, &want), "{words:?}");
                        let rows: Vec<u64> = words.iter().map(|&w| word(tables.0, w)).collect();
                        let at: Vec<u64> = words.iter().map(|&w| word(tables.1, w)).collect();
                        assert_eq!((&one, &starts), (&rows, &at), "{words:?}");
                        assert_eq!(any, rows.iter().fold(0, |a, r| a | r), "{words:?}");
                        fast += 1;
                    }
                    None => {
                        assert!(wide == 0 || lexicons > 64);
                        assert_eq!(fused, vec![0; index.row_len]);
                    }
                }
            }
        }
        assert_eq!(fast, 600);
    }

    /// Each entry of [`Wide::words`] holds its word's row (the row of
    /// [`Index::word_rows`]' number, the empty row 0 for a word that
    /// triggers nothing) with the rows of the lexicons it is a one-token
    /// entry of, lexicon firsts (which hold those lexicons), one-token
    /// bits and lexicon starts, for every id of a rule set's vocabulary
    /// and the id past it (`matcher::clamp_ids`), with rows of one and
    /// three rule words; and some entries have a row that is not empty,
    /// and some a lexicon's row, or the test would prove little.
    #[test]
    fn word_facts_hold_each_words_row() {
        for rules in [20, 150] {
            let mut src = String::from("lexicon L = w1 | \"w2 w3\" | w9\nlexicon E exact = W4\n");
            for r in 0..rules {
                src += &format!("entity r{r} X: \"w{}\" (<L> | \"w{}\") <E> <L>\n", r % 7, r + 10);
            }
            let set = rule_set(&src);
            let c = &set.inner.compiled;
            let index = &c.index;
            let facts = index.word_facts();
            assert_eq!(facts.len(), index.word_rows.len());
            assert!(facts.len() > c.vocab.lower_len(), "an entry past the words");
            let word = |t: &[u64], w: usize| t.get(w).copied().unwrap_or(0);
            let n = index.row_len;
            let mut rows = 0;
            let mut folded = 0;
            for (w, (row_words, firsts, one, starts)) in facts.iter().enumerate() {
                let row = index.word_rows[w] as usize;
                // The word's row with those of its one-token lexicons.
                let mut want = index.rows[row * n..(row + 1) * n].to_vec();
                index.add_lexicon_rows(&mut want, *one);
                assert_eq!(row_words[..], want[..], "word {w}, row {row}");
                folded += usize::from(want[..] != index.rows[row * n..(row + 1) * n]);
                // A word's one-token lexicons are among those an entry of
                // which starts with it: `prepare` confirms them all, so
                // `finish` may leave their rows out.
                assert_eq!(one & !firsts, 0, "word {w}");
                assert_eq!(*firsts, index.lex_firsts[w], "word {w}");
                assert_eq!(*one, word(&c.lower_members.one, w), "word {w}");
                assert_eq!(*starts, word(&c.lex_starts, w), "word {w}");
                rows += usize::from(row != 0);
            }
            assert!(rows >= 20, "{rules} rules: {rows} words with rows");
            assert!(folded >= 2, "{rules} rules: {folded} words with lexicon rows");
        }
    }

    /// `add_lexicons` by [`Wide::lex_rows`] adds what the lexicons' rows
    /// one by one do, for random sets of lexicons (the 64 bits, lexicons
    /// past the rules' own among them) over random selections, with rows
    /// of one and three rule words (the table) and more than four (none).
    #[test]
    fn lexicon_pairs_agree_with_a_row_at_a_time() {
        let mut next = crate::testing::xorshift(0x0001_e9a1);
        for rules in [10, 150, 300] {
            let mut src = String::new();
            for l in 0..6 {
                src += &format!("lexicon L{l} = w{l} | \"w{l} w{}\"\n", l + 10);
            }
            for r in 0..rules {
                let (a, l, m) = (next() % 30, next() % 6, next() % 6);
                src += &format!("entity r{r} X: \"w{a}\" (<L{l}> | \"w{}\") <L{m}>\n", a + 1);
            }
            let set = rule_set(&src);
            let index = &set.inner.compiled.index;
            assert_eq!(index.wide_lens().1[1], if rules <= 256 { 64 } else { 0 }, "{rules}");
            let rows = index.lex_rows.iter().filter(|&&r| r != 0).count();
            assert!(rows >= 5, "{rules} rules: {rows} lexicon rows");
            for _ in 0..2000 {
                let mut want = Vec::new();
                index.clear(&mut want);
                want.iter_mut().for_each(|w| *w = next() & next() & next());
                let mut got = want.clone();
                let lexicons = match next() % 3 {
                    0 => next() % 64,
                    _ => next(),
                };
                index.add_lexicon_rows(&mut want, lexicons);
                index.add_lexicons(&mut got, lexicons);
                assert_eq!(got, want, "{rules} rules, lexicons {lexicons:#x}");
            }
        }
    }

    /// [`Index::live_lexicons`] holds exactly the lexicons whose rows add
    /// something to a selection, by the rows (`add_lexicon_rows`) and by
    /// the fast path's table (`add_lexicons`), with rows of one and three
    /// rule words (the table) and more than four (none): a lexicon read
    /// only where it may be skipped (`<D>?`, `(<D> | Cap)*`) has no check
    /// group and so no row, one a rule needs has one, and no lexicon past
    /// the rules' own is live.
    #[test]
    fn live_lexicons_are_those_with_rows() {
        let mut next = crate::testing::xorshift(0x0001_1fe5);
        for rules in [20, 150, 300] {
            let mut src = String::new();
            for l in 0..6 {
                src += &format!("lexicon L{l} = w{l} | \"w{l} w{}\"\n", l + 10);
                src += &format!("lexicon D{l} = v{l} | \"v{l} w{}\"\n", l + 10);
            }
            for r in 0..rules {
                let (a, l, m) = (next() % 30, next() % 6, next() % 6);
                src += &format!("entity r{r} X: \"w{a}\" <D{l}>? (<D{m}> | Cap)* <L{m}>\n");
            }
            let set = rule_set(&src);
            let c = &set.inner.compiled;
            let index = &c.index;
            let live = index.live_lexicons();
            // The needed lexicons are those whose entries start with a `w`.
            let w: Vec<u32> = (0..6).filter_map(|l| c.vocab.get_lower(&format!("w{l}"))).collect();
            assert_eq!(w.len(), 6);
            let mut names = 0;
            for l in 0..64 {
                let (mut rows, mut table) = (Vec::new(), Vec::new());
                index.clear(&mut rows);
                index.clear(&mut table);
                index.add_lexicon_rows(&mut rows, 1 << l);
                index.add_lexicons(&mut table, 1 << l);
                let adds = rows.iter().any(|&w| w != 0);
                assert_eq!(table, rows, "{rules} rules, lexicon {l}");
                assert_eq!(live >> l & 1 == 1, adds, "{rules} rules, lexicon {l}");
                if let Some(lex) = c.lexicons.get(l) {
                    // Only an `L` lexicon (entries starting with a `w`) can
                    // be live.
                    let needed = lex.first_lower.iter().any(|id| w.contains(id));
                    assert!(needed || !adds, "{rules} rules, lexicon {l}");
                    names += 1;
                }
            }
            assert_eq!(names, 12, "{rules} rules");
            assert!(live.count_ones() >= 4, "{rules} rules: {live:#x}");
        }
    }

    /// `add_shapes` by the two tables of [`Wide::shape_bytes`] adds what
    /// the shapes' rows one by one do, for every set of shapes, and
    /// `select` by [`Wide::needed_by`] picks the rules testing each
    /// selected rule's groups does, for random selections: with rows of
    /// one and three rule words (the tables) and more than four (none).
    #[test]
    fn byte_tables_agree_with_a_row_at_a_time() {
        let mut next = crate::testing::xorshift(0x000b_17e5);
        for rules in [12usize, 40, 150, 300] {
            let mut src = String::from("lexicon L = w1 | \"w2 w3\" | w9\n");
            for r in 0..rules {
                let (a, b, c) = (next() % 30, next() % 30, next() % 30);
                src += &match r % 4 {
                    0 => format!("entity r{r} X: \"w{a}\" (<L> | \"w{b}\") Cap\n"),
                    1 => format!("entity r{r} X: Ordinal (\"w{a}\" | Year) (\"w{b}\" | Roman)\n"),
                    2 => format!("entity r{r} X: (Designator | IsoDate) Cap (\"w{c}\" | Glued)\n"),
                    _ => format!("entity r{r} X: (\"w{a}\" | \"w{b}\") ... (\"w{c}\" | <L>)\n"),
                };
            }
            let set = rule_set(&src);
            let index = &set.inner.compiled.index;
            let (wide, [_, _, shape_bytes, needed_by]) = index.wide_lens();
            assert_eq!(wide, if rules <= 256 { rules.div_ceil(64) } else { 0 }, "{rules} rules");
            assert_eq!(shape_bytes == 0, wide == 0, "{rules} rules");
            assert_eq!(needed_by == 0, wide == 0, "{rules} rules");
            assert!(index.shape_mask != 0, "{rules} rules");
            let groups = index.needs.iter().fold(0, |a, n| a | n).count_ones();
            assert!(groups > 8, "{rules} rules, {groups} groups");
            for shapes in 0..=u16::MAX {
                let (mut want, mut got) = (Vec::new(), Vec::new());
                index.clear(&mut want);
                index.clear(&mut got);
                index.add_shape_rows(&mut want, shapes);
                index.add_shapes(&mut got, shapes);
                assert_eq!(got, want, "{rules} rules, shapes {shapes:#x}");
            }
            let (mut picked, mut left) = (0, 0);
            for _ in 0..3000 {
                let mut sel = Vec::new();
                index.clear(&mut sel);
                // Rule bits of real rules; group bits, most of them met.
                for (k, w) in sel.iter_mut().enumerate() {
                    *w = next() | next();
                    if k < index.rule_words && (k + 1) * 64 > rules {
                        *w &= (1 << (rules % 64)) - 1;
                    }
                    if k >= index.rule_words && next() % 2 == 0 {
                        *w |= next() | next();
                    }
                }
                let (mut want, mut got) = (Vec::new(), Vec::new());
                index.select_each(&sel, &mut want);
                index.select(&sel, &mut got);
                assert_eq!(got, want, "{rules} rules, {sel:x?}");
                let selected = sel[..index.rule_words].iter().map(|w| w.count_ones()).sum::<u32>();
                (picked, left) = (picked + want.len(), left + selected as usize - want.len());
            }
            assert!(picked > 1000 && left > 1000, "{rules} rules: {picked} {left}");
        }
    }

    /// With more groups than the rows hold, the groups of three or more
    /// entity labels are dropped first, before groups of words that filter
    /// more, even where the label groups are shared by more rules and the
    /// word groups have more triggers (which the other criteria would
    /// drop first).
    #[test]
    fn groups_of_many_labels_are_dropped_before_words() {
        let labels = ["A", "B", "C", "D", "E", "F"];
        let mut triples = Vec::new();
        for i in 0..6 {
            for j in i + 1..6 {
                for k in j + 1..6 {
                    triples.push(format!("{{{}|{}|{}}}", labels[i], labels[j], labels[k]));
                }
            }
        }
        let mut src = String::new();
        for r in 0..30 {
            let words =
                |p: &str| (0..4).map(|k| format!("\"{p}{r}x{k}\"")).collect::<Vec<_>>().join(" | ");
            src += &format!(
                "entity r{r} X: \"t{r}\" ({}) ({}) {}\n",
                words("a"),
                words("b"),
                triples[r % triples.len()]
            );
        }
        let set = rule_set(&src);
        let programs = &set.inner.compiled.programs;
        let all = super::numbered_groups(programs);
        assert!(all.len() > 70, "{} groups", all.len());
        let kept = super::kept_groups(programs, all.clone(), 64);
        assert_eq!(kept.len(), 64);
        let many_labels = |g: &Vec<super::Trig>| {
            g.len() >= 3 && g.iter().all(|t| matches!(t, super::Trig::Label(_)))
        };
        let dropped: Vec<&Vec<super::Trig>> =
            all.keys().filter(|g| !kept.contains_key(*g)).collect();
        assert_eq!(dropped.len(), all.len() - 64);
        assert!(dropped.iter().all(|g| many_labels(g)), "{dropped:?}");
    }

    /// With up to 64 rules and more than 64 distinct groups, the rows keep
    /// 64 groups (numbered 0 to 63, each once, from the groups there are),
    /// every rule keeps one of its groups, and the groups dropped are
    /// those of the rules with the most; the rows are two words, and
    /// `select` picks exactly the triggered rules whose kept groups are
    /// met: every rule whose groups are all met among them (a dropped group
    /// only filters less), for random runs of ids.
    #[test]
    fn more_than_64_groups_keep_64_in_rows_of_two_words() {
        let mut next = crate::testing::xorshift(0x0006_4e0b);
        let mut src = String::new();
        for r in 0..40 {
            let w: Vec<u64> = (0..6).map(|_| next() % 90).collect();
            src += &match r % 8 {
                // A rule with many groups, whose own are dropped first.
                0 => format!(
                    "entity r{r} X: \"w{}\" (\"w{}\" | \"x{r}\") \"w{}\" (\"w{}\" | \"w{}\") \"y{r}\" \"z{r}\"\n",
                    w[0], w[1], w[2], w[3], w[4]
                ),
                _ => format!(
                    "entity r{r} X: \"w{}\" (\"w{}\" | \"w{}\") \"w{}\" \"x{r}\"?\n",
                    w[0], w[1], w[2], w[3]
                ),
            };
        }
        let set = rule_set(&src);
        let c = &set.inner.compiled;
        let (programs, index) = (&c.programs, &c.index);
        let all = super::numbered_groups(programs);
        assert!(all.len() > 70, "{} groups", all.len());
        let kept = super::kept_groups(programs, all.clone(), 64);
        let mut numbers: Vec<usize> = kept.values().copied().collect();
        numbers.sort_unstable();
        assert_eq!(numbers, (0..64).collect::<Vec<_>>());
        assert!(kept.keys().all(|g| all.contains_key(g)));
        let keeps = |p: &super::Program| {
            p.check.iter().filter(|g| kept.contains_key(&super::sorted(g))).count()
        };
        for (r, p) in programs.iter().enumerate() {
            assert!(p.check.is_empty() || keeps(p) > 0, "rule {r} keeps no group");
            // The rules with many groups lose them first.
            if r % 8 != 0 && keeps(p) < p.check.len() {
                assert!(programs.iter().step_by(8).all(|q| keeps(q) <= 2), "rule {r}");
            }
        }
        assert!(programs.iter().any(|p| keeps(p) < p.check.len()), "nothing dropped");
        assert_eq!(index.row_len, 2);
        let (_, [words, _, _, needed_by]) = index.wide_lens();
        assert!(needed_by > 0 && words > 0);
        let known = c.vocab.lower_len() as u64;
        let (mut picked, mut extra) = (0, 0);
        for _ in 0..3000 {
            let words: Vec<u32> = (0..next() % 60).map(|_| (next() % (known + 2)) as u32).collect();
            let present = |t: &super::Trig| matches!(t, super::Trig::Word(w) if words.contains(w));
            let (mut sel, mut got) = (Vec::new(), Vec::new());
            index.clear(&mut sel);
            index.add_words(&mut sel, &words);
            index.add_always(&mut sel);
            index.select(&sel, &mut got);
            let rules = |all_groups: bool| -> Vec<u32> {
                (0..programs.len() as u32)
                    .filter(|&r| {
                        let p = &programs[r as usize];
                        let mut groups = p.check.iter();
                        let mut groups = groups
                            .by_ref()
                            .filter(|g| all_groups || kept.contains_key(&super::sorted(g)));
                        p.triggers.as_ref().is_none_or(|t| t.iter().any(present))
                            && groups.all(|g| g.iter().any(present))
                    })
                    .collect()
            };
            let (want, full) = (rules(false), rules(true));
            assert_eq!(got, want, "{words:?}");
            assert!(full.iter().all(|r| got.contains(r)), "{words:?}");
            (picked, extra) = (picked + full.len(), extra + got.len() - full.len());
        }
        assert!(picked > 200 && extra > 20, "{picked} {extra}");
    }

    /// With 65 to 256 rules (rows of two to four rule words, and one group
    /// word: `kept_groups` keeps 64 of the more there are), the fast paths
    /// as `prepare` takes them (`add_words_and_rows`, `add_labels`,
    /// `finish`) make the selection the rows one at a time do and pick the
    /// rules `select_each` does, and those are exactly the rules one of
    /// whose triggers is there and whose kept groups all are, recomputed
    /// from the programs, for random words, labels, shapes and lexicons;
    /// so with 40 rules (one rule word) and 300 (no fast paths, all
    /// groups kept).
    #[test]
    fn wide_rows_select_the_rules_the_rows_one_at_a_time_do() {
        use super::Trig;
        let mut next = crate::testing::xorshift(0x0077_1de5);
        for rules in [40usize, 65, 100, 130, 200, 256, 300] {
            let mut src = String::from("lexicon L0 = w1 | \"w2 w3\"\nlexicon L1 = w4 | w5\n");
            for r in 0..rules {
                let (a, b, c, l) = (next() % 60, next() % 60, next() % 60, next() % 2);
                src += &match r % 5 {
                    0 => format!("entity r{r} X: \"w{a}\" (<L{l}> | \"w{b}\") <L{l}> Cap\n"),
                    1 => format!("entity r{r} X: Ordinal (\"w{a}\" | Year) (\"w{b}\" | Roman)\n"),
                    2 => format!("entity r{r} X: ({{PER}} | IsoDate) Cap (\"w{c}\" | {{ORG}})\n"),
                    3 => format!(
                        "entity r{r} X: (\"w{a}\" | \"w{b}\") ... (\"w{c}\" | <L{l}>) \"x{r}\"\n"
                    ),
                    _ => format!("entity r{r} X: {{LOC}} \"w{a}\" (\"y{r}\" | {{PER}})\n"),
                };
            }
            let set = rule_set(&src);
            let c = &set.inner.compiled;
            let (programs, index) = (&c.programs, &c.index);
            let all = super::numbered_groups(programs);
            assert!(all.len() > 64 || rules < 100, "{rules} rules: {} groups", all.len());
            let kept = match rules <= 256 {
                true => super::kept_groups(programs, all.clone(), 64),
                false => all.clone(),
            };
            let wide = index.wide_lens().0;
            assert_eq!(wide, if rules <= 256 { rules.div_ceil(64) } else { 0 }, "{rules} rules");
            assert_eq!(index.row_len, rules.div_ceil(64) + kept.len().div_ceil(64));
            let labels: Vec<u16> = programs
                .iter()
                .flat_map(|p| p.triggers.iter().flatten())
                .filter_map(|t| match *t {
                    Trig::Label(l) => Some(l),
                    _ => None,
                })
                .collect();
            assert!(!labels.is_empty(), "{rules} rules");
            let known = c.vocab.lower_len() as u64;
            let (mut picked, mut left, mut folds) = (0, 0, 0);
            for _ in 0..1000 {
                let words: Vec<u32> =
                    (0..next() % 30).map(|_| (next() % (known + 1)) as u32).collect();
                let ls: Vec<u16> = (0..next() % 4)
                    .map(|_| match next() % 4 {
                        0 => (next() % 20) as u16,
                        _ => labels[(next() % labels.len() as u64) as usize],
                    })
                    .collect();
                let (shapes, mut lexicons) = ((next() & next()) as u16, next() % 4);
                // The fast paths, as `prepare` takes them: the lexicons of
                // the one-token entries there are confirmed, their rows
                // already in the selection and not ORed again.
                let (mut sel, mut got, mut one, mut starts) = (vec![], vec![], vec![], vec![]);
                index.clear(&mut sel);
                let folded = match index.add_words_and_rows(&mut sel, &words, &mut one, &mut starts)
                {
                    Some((_, any)) => any,
                    None => {
                        assert!(wide == 0, "{rules} rules");
                        index.add_words(&mut sel, &words);
                        0
                    }
                };
                lexicons |= folded;
                folds += usize::from(folded != 0);
                index.add_labels(&mut sel, ls.iter().copied());
                index.add_always(&mut sel);
                index.finish(&mut sel, shapes, lexicons & !folded, &mut got);
                // The rows one at a time, from `rows`.
                let (mut rows, mut want) = (Vec::new(), Vec::new());
                index.clear(&mut rows);
                words.iter().for_each(|&w| _ = index.add_word(&mut rows, w));
                for &l in &ls {
                    index
                        .add_row(&mut rows, index.label_rows.get(l as usize).copied().unwrap_or(0));
                }
                index.add_always(&mut rows);
                index.add_shape_rows(&mut rows, shapes);
                index.add_lexicon_rows(&mut rows, lexicons);
                index.select_each(&rows, &mut want);
                let case = format!("{rules} rules: {words:?} {ls:?} {shapes:#x} {lexicons}");
                assert_eq!((&sel, &got), (&rows, &want), "{case}");
                // From the programs.
                let present = |t: &Trig| match *t {
                    Trig::Word(w) => words.contains(&w),
                    Trig::Label(l) => ls.contains(&l),
                    Trig::Shape(s) => shapes >> s & 1 == 1,
                    Trig::Lex(l) => lexicons >> l & 1 == 1,
                };
                let from_programs: Vec<u32> = (0..programs.len() as u32)
                    .filter(|&r| {
                        let p = &programs[r as usize];
                        let tried = |t: &Trig| matches!(t, Trig::Lex(_)) || present(t);
                        let mut groups =
                            p.check.iter().filter(|g| kept.contains_key(&super::sorted(g)));
                        p.triggers.as_ref().is_none_or(|t| t.iter().any(tried))
                            && groups.all(|g| g.iter().any(present))
                    })
                    .collect();
                assert_eq!(got, from_programs, "{case}");
                let selected = sel[..index.rule_words].iter().map(|w| w.count_ones()).sum::<u32>();
                (picked, left) = (picked + got.len(), left + selected as usize - got.len());
            }
            assert!(picked > 1000 && left > 1000, "{rules} rules: {picked} picked, {left} left");
            assert!(folds > 100 || wide == 0, "{rules} rules: {folds} with one-token entries");
        }
    }
}
