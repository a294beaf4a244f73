//! Matching: per-sentence token facts, rule selection through the index,
//! and a bounded backtracking matcher that finds the longest match.
//!
//! The matcher is a backtracker over the program of a rule that remembers
//! which (instruction, position) states it has explored from the current
//! start, so each state is explored at most once: the work per start is
//! bounded by instructions × window, and it cannot loop. Exploring every
//! path (in priority order: greedy first) and keeping the longest end gives
//! leftmost-longest matches, with the captures of the first path that
//! reached that end. All buffers live in a [`Scratch`] that is reused, so
//! nothing is allocated per token once it has grown.

use super::compile::{
    ColumnBits, Compiled, EagerHit, Flat, Inst, LabelSet, Landmark, Membership, Program, Second,
    StartCheck, Test, Union, HIT_BLOCK,
};
use super::lexicon::{Lexicon, Lineage, NONE};
use super::limits::{MAX_MATCH_TOKENS, MAX_STEPS_PER_SENTENCE};
use super::shape::SHAPE_COUNT;
use super::{Captures, EntityRef, PatternMatch, RuleSet};
use crate::swar::{for_bits, low_bits_of_bytes};
use crate::tokenize::{Sentence, Token};
use std::cell::RefCell;

/// Reusable buffers for matching. [`RuleSet::find_in_sentence`] keeps one
/// per thread; [`RuleSet::find_in_sentence_with`] takes one from the
/// caller.
///
/// [`RuleSet::find_in_sentence`]: super::RuleSet::find_in_sentence
/// [`RuleSet::find_in_sentence_with`]: super::RuleSet::find_in_sentence_with
#[derive(Debug, Default)]
pub struct Scratch {
    facts: Facts,
    state: State,
    norm: String,
    /// The rules and check groups the sentence's triggers select (see
    /// [`super::index::Index`]).
    sel: Vec<u64>,
    cands: Vec<u32>,
    starts: StartSets,
    /// Shapes of every token of the document being matched, when the
    /// caller prepared them (see [`Scratch::share_shapes`]).
    doc_shapes: Vec<u16>,
    /// Word ids of every token of the document being matched, when the
    /// caller prepared them (see [`Scratch::share_words`]).
    doc_words: DocWords,
}

/// A rule set's ids of the words of another vocabulary (the gazetteer's),
/// so that a document's tokens, numbered in that one, need no second
/// lookup for the rules (see [`Scratch::share_words_via`]).
#[derive(Clone)]
pub(crate) struct WordMap {
    set: RuleSet,
    /// The rule set's id of the form numbered `n` in the other vocabulary
    /// at `n` (when no rule has that word, the id that stands for every
    /// such word in `Facts`, [`clamp_ids`] of the rule set's words: see
    /// [`DocWords::clamp`]).
    ids: Vec<u32>,
    /// Every word of the rule set is in the other vocabulary (see
    /// [`WordMap::add_words_to`]): a token that one does not know, no rule
    /// knows either, and it is not looked up again.
    complete: bool,
}

impl WordMap {
    /// The ids in `set`'s vocabulary of the words of `other`.
    pub(crate) fn new(set: &RuleSet, other: &crate::vocab::Vocab) -> WordMap {
        let vocab = &set.inner.compiled.vocab;
        let mut ids = vocab.ids_of_words_of(other);
        // Each rule word found has a number of its own there.
        let complete = ids.iter().filter(|&&id| id != NONE).count() == vocab.lower_len();
        let past = clamp_ids(vocab.lower_len());
        ids.iter_mut().filter(|id| **id == NONE).for_each(|id| *id = past);
        WordMap { set: set.clone(), ids, complete }
    }

    /// Adds the words of `set` to `other` (the gazetteer's vocabulary,
    /// before the map is made from it), so that the map is complete: the
    /// rules' id of every token is then one load from its number there,
    /// where a quarter of the tokens of news, in no gazetteer key, were
    /// looked up a second time. (At `other`'s size limit it stops: the
    /// map is then not complete, and those tokens are looked up again.)
    pub(crate) fn add_words_to(set: &RuleSet, other: &mut crate::vocab::Vocab) {
        set.inner.compiled.vocab.add_lower_forms_to(other);
    }

    /// Heap bytes of the map (the rule set's not counted).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.ids.capacity() * std::mem::size_of::<u32>()
    }
}

impl std::fmt::Debug for WordMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordMap").field("words", &self.ids.len()).finish_non_exhaustive()
    }
}

/// The lower-case word ids of every token of a document, and the
/// vocabulary they were looked up in: its own ids, [`NONE`] or (from a
/// [`WordMap`]) its [`clamp_ids`] for a word it lacks (not
/// [`Vocab::lower_len`] or more, as its lookup gives them), so that its
/// rule set copies them as they are.
///
/// [`Vocab::lower_len`]: super::lexicon::Vocab::lower_len
#[derive(Debug, Default)]
struct DocWords {
    ids: Vec<u32>,
    of: Lineage,
    /// `Some(c)` when every id is below `c` or is `c`, the
    /// [`clamp_ids`] of the vocabulary they were looked up in (the
    /// complete map of [`Scratch::share_words_via`], whose missing words
    /// are `c` already): a rule set whose own clamp is `c` (that
    /// vocabulary's, the entity rules') copies a sentence's ids with one
    /// `memcpy` rather than clamping each: the clamp's vector loop, its
    /// setup and its scalar tail took about 50 instructions a sentence
    /// more than the copy (`prepare` −0.43 M, the `memcpy` calls +0.12 M
    /// over the benchmark run's 8.3k entity-rule sentences; extraction
    /// 224.29 → 224.01 M).
    clamp: Option<u32>,
    /// The tokens [`Scratch::share_words_via`] looks up, their positions
    /// and their ids.
    missed: Vec<Token>,
    at: Vec<u32>,
    looked_up: Vec<u32>,
}

impl DocWords {
    /// The ids of tokens `range` of a document of `tokens` tokens, if they
    /// were looked up (for this document) in a vocabulary whose ids
    /// `compiled`'s can be read from (see `lexicon::Vocab::own_id`): its
    /// own ids, and for a word it lacks [`NONE`] or (looked up in a
    /// vocabulary grown from its own) an id past its words.
    #[inline]
    fn get(
        &self,
        compiled: &Compiled,
        tokens: usize,
        range: std::ops::Range<usize>,
    ) -> Option<&[u32]> {
        let fits = self.ids.len() == tokens && compiled.vocab.reads_ids_of(self.of);
        fits.then(|| self.ids.get(range)).flatten()
    }

    /// Whether ids of [`DocWords::get`] clamped at `past` (see
    /// [`clamp_ids`]) are the ids as they are: every id is below
    /// [`DocWords::clamp`] or is it, and that is `past`.
    #[inline]
    fn clamped_at(&self, past: u32) -> bool {
        self.clamp == Some(past)
    }
}

impl Scratch {
    /// Computes the shapes of all `tokens` once, for every rule set run
    /// on this document until [`Scratch::forget_shapes`].
    pub(crate) fn share_shapes(&mut self, text: &str, tokens: &[Token]) {
        self.doc_shapes.clear();
        super::shape::shapes_into(text, tokens, &mut self.doc_shapes);
    }

    /// [`Scratch::share_shapes`] of shapes already computed (by the
    /// gazetteer's pass over the words, see `Gazetteer::token_shapes`).
    pub(crate) fn share_shapes_of(&mut self, shapes: &[u16]) {
        self.doc_shapes.clear();
        self.doc_shapes.extend_from_slice(shapes);
    }

    /// The shape sets of [`Scratch::share_shapes`] (empty when none are
    /// shared), with the bit of words in capitals (`Upper`) and the bit of
    /// tokens whose first character is a capital (`Cap`): linking finds
    /// the acronyms and name keys among the tokens by them, without
    /// reading each token's text.
    pub(crate) fn shared_capitals(&self) -> (&[u16], u16, u16) {
        use super::shape::Shape;
        (&self.doc_shapes, Shape::Upper.bit(), Shape::Cap.bit())
    }

    /// Drops the shapes of [`Scratch::share_shapes`].
    pub(crate) fn forget_shapes(&mut self) {
        self.doc_shapes.clear();
    }

    /// Looks up the word ids of all `tokens` once in `set`'s vocabulary,
    /// for `set` and every rule set whose vocabulary it grew from (see
    /// `RuleSetBuilder::build_only_after`), run on this document until
    /// [`Scratch::forget_words`]: each token is hashed once, not once per
    /// rule set.
    pub(crate) fn share_words(&mut self, set: &RuleSet, text: &str, tokens: &[Token]) {
        let vocab = &set.inner.compiled.vocab;
        vocab.lower_ids(text, tokens, &mut self.doc_words.ids, &mut self.norm);
        // As the vocabulary's own ids, so that its rule set copies them.
        self.doc_words.ids.iter_mut().for_each(|id| *id = vocab.own_id(*id));
        self.doc_words.of = vocab.lineage();
        self.doc_words.clamp = None;
    }

    /// [`Scratch::share_words`] for the rule set of `map`, from `numbers`,
    /// the numbers of `tokens` in the vocabulary `map` was made from (a
    /// number past it, as for a word not there, makes the token be looked
    /// up): most tokens' ids are then one load, not a hash and a probe.
    pub(crate) fn share_words_via(
        &mut self,
        map: &WordMap,
        numbers: &[u32],
        text: &str,
        tokens: &[Token],
    ) {
        if numbers.len() != tokens.len() {
            return self.share_words(&map.set, text, tokens);
        }
        let vocab = &map.set.inner.compiled.vocab;
        let DocWords { ids, of, clamp, missed, at, looked_up } = &mut self.doc_words;
        if map.complete {
            // One load a token: a number past the map is a word no rule
            // has, given the map's id for those (see `DocWords::clamp`).
            let past = clamp_ids(vocab.lower_len());
            ids.clear();
            ids.extend(numbers.iter().map(|&n| map.ids.get(n as usize).copied().unwrap_or(past)));
            *of = vocab.lineage();
            *clamp = Some(past);
            return;
        }
        *clamp = None;
        ids.clear();
        ids.resize(numbers.len(), NONE);
        at.clear();
        for (p, (&n, id)) in numbers.iter().zip(ids.iter_mut()).enumerate() {
            match map.ids.get(n as usize) {
                Some(&known) => *id = known,
                None => at.push(p as u32),
            }
        }
        missed.clear();
        missed.extend(at.iter().filter_map(|&p| tokens.get(p as usize)));
        // The tokens past the map are looked up together, by the
        // vocabulary's own loop: a lookup written out here as well would be
        // one copy too many of the inlined lookup, which the compiler then
        // stops inlining anywhere (+13 M instructions in `find_all`).
        vocab.lower_ids(text, missed, looked_up, &mut self.norm);
        for (&p, &id) in at.iter().zip(looked_up.iter()) {
            if let Some(slot) = ids.get_mut(p as usize) {
                *slot = vocab.own_id(id);
            }
        }
        *of = vocab.lineage();
    }

    /// Drops the ids of [`Scratch::share_words`].
    pub(crate) fn forget_words(&mut self) {
        self.doc_words.ids.clear();
        self.doc_words.of = Lineage::default();
        self.doc_words.clamp = None;
    }
}

/// The positions of the sentence each start check allows, computed when a
/// rule first needs them and shared by every rule with the same check.
#[derive(Debug, Default)]
struct StartSets {
    /// `words` bits per check.
    bits: Vec<u64>,
    /// `done[c] == gen` when check `c` is computed for this sentence.
    done: Vec<u32>,
    gen: u32,
    words: usize,
    /// Checks `0..eager` are eager: computed by `reset_eager` for every
    /// sentence, without `done` marks.
    eager: usize,
    /// The tokens of the sentence with eager hits, as (position, first
    /// block of hits), first in it (see [`eager_hits`]); longer than
    /// those, with stale entries past them.
    hit_tokens: Vec<(u32, u32)>,
    cols: Columns,
}

/// Where each shape and each lexicon's one-token entries are in the
/// sentence, as position bits (`words` u64 per shape or lexicon): made on
/// first use in a sentence when the rules have at most 64 lexicons, so that
/// the start set of a conjunction test is a few word operations rather
/// than a test at every token.
#[derive(Debug, Default)]
struct Columns {
    /// Made for the current sentence.
    made: bool,
    shapes: Vec<u64>,
    /// The lexicon columns, made only for a sentence of more than 64
    /// tokens (a shorter one's tests read the rows of the tokens their
    /// shapes leave: see [`Columns::flat_one_word`]).
    lower: Vec<u64>,
    exact: Vec<u64>,
    /// The low and the high bytes of the shapes of a sentence of up to 64
    /// tokens (64 bytes each), its number of eight-token chunks, and its
    /// shape columns not made yet (see [`Columns::gather`]).
    lo: Vec<u8>,
    hi: Vec<u8>,
    chunks: usize,
    pending: u16,
}

impl Columns {
    /// Makes the columns `need` names of the sentence `f` describes,
    /// unless made already. False when `f` has no lexicon rows.
    ///
    /// Whether they are made is tested here, inline: 12.2k of the 19.0k
    /// asks over the benchmark run find them made, and each paid a call,
    /// its saved registers and the rows' three length tests (−0.41 M
    /// instructions over the benchmark run). They are made only once
    /// those tests passed, for the same sentence, so a made sentence has
    /// its rows.
    #[inline]
    fn make(&mut self, f: &Facts, words: usize, need: &ColumnBits) -> bool {
        self.made || self.make_now(f, words, need)
    }

    /// [`Columns::make`] of columns not made yet for this sentence.
    #[inline(never)]
    fn make_now(&mut self, f: &Facts, words: usize, need: &ColumnBits) -> bool {
        let n = f.words.len();
        if f.lex_lower.len() != n || f.lex_exact.len() != n || f.shapes.len() != n {
            return false;
        }
        self.made = true;
        self.pending = 0;
        if words == 1 {
            // `gather` writes each shape column whole: grown, not cleared
            // (ten stores a sentence made for nothing, 0.3 M a benchmark
            // run). A sentence of up to 64 tokens (nearly all) has no
            // lexicon columns (see `Columns::flat_one_word`).
            if self.shapes.len() < SHAPE_COUNT {
                self.shapes.resize(SHAPE_COUNT, 0);
            }
            self.spread_one(f, need);
            return true;
        }
        clear(&mut self.shapes, SHAPE_COUNT, words, need.shapes.into());
        clear(&mut self.lower, 64, words, need.lower);
        clear(&mut self.exact, 64, words, need.exact);
        self.spread(f, words, need);
        true
    }

    /// Makes the shape columns among `bits` that are still to be made in
    /// a sentence of up to 64 tokens ([`Columns::pending`]): each from the
    /// shapes' bytes, eight tokens with a multiplication (see
    /// [`low_bits_of_bytes`]). Its bits past the sentence's tokens come
    /// from whatever bytes are there.
    #[inline]
    fn gather(&mut self, bits: u16) {
        let todo = self.pending & bits;
        if todo == 0 {
            return;
        }
        self.pending &= !todo;
        let Some(shapes) = first_words::<SHAPE_COUNT>(&mut self.shapes) else { return };
        let (lo, hi, chunks) = (&self.lo, &self.hi, self.chunks.min(8));
        for_bits(u64::from(todo), |b| {
            let (bytes, at) = if b < 8 { (lo, b) } else { (hi, b - 8) };
            let mut m = 0;
            for c in 0..chunks {
                let eight = bytes.get(8 * c..8 * c + 8).and_then(|e| e.try_into().ok());
                m |= low_bits_of_bytes(eight.map_or(0, u64::from_le_bytes) >> at) << (8 * c);
            }
            shapes[b % SHAPE_COUNT] = m;
        });
    }

    /// [`Columns::make`] of a sentence of up to 64 tokens (one word a
    /// column): its shapes only split into bytes here, and
    /// [`Columns::gather`] makes the shape columns the sentence's tests
    /// read when they first read them: all ten of the default rules' made
    /// eight tokens at a time cost 1,540 instructions a sentence (11.0 M
    /// over the benchmark run's 7,146 sentences), the bytes and the
    /// columns read 4.1 M less in all. Its lexicon columns are not made
    /// at all: [`Columns::flat_one_word`] reads the rows of the few tokens
    /// the shapes leave.
    fn spread_one(&mut self, f: &Facts, need: &ColumnBits) {
        // The shapes' low bytes and high bytes apart. Bytes past the
        // sentence's tokens are left from an earlier one: the bits they
        // make are past the sentence's end, where no test reads.
        if self.lo.len() < 64 || self.hi.len() < 64 {
            self.lo.resize(64, 0);
            self.hi.resize(64, 0);
        }
        for ((l, h), &s) in self.lo.iter_mut().zip(self.hi.iter_mut()).zip(&f.shapes) {
            (*l, *h) = (s as u8, (s >> 8) as u8);
        }
        self.chunks = f.shapes.len().div_ceil(8).min(8);
        self.pending = need.shapes;
    }

    /// Sets bit `p` of the columns `need` names that row `p` of `f` has,
    /// for every token `p`, in one pass over the rows.
    #[inline(always)]
    fn spread(&mut self, f: &Facts, words: usize, need: &ColumnBits) {
        let rows = f.shapes.iter().zip(&f.lex_lower).zip(&f.lex_exact);
        let (shapes, lower, exact) = (&mut self.shapes, &mut self.lower, &mut self.exact);
        for (p, ((&s, &l), &e)) in rows.enumerate() {
            let (at, bit) = (p / 64, 1u64 << (p % 64));
            let set = |col: &mut Vec<u64>, b: usize| {
                if let Some(c) = col.get_mut(b * words + at) {
                    *c |= bit;
                }
            };
            for_bits(u64::from(s & need.shapes), |b| set(shapes, b));
            for_bits(l & need.lower, |b| set(lower, b));
            for_bits(e & need.exact, |b| set(exact, b));
        }
    }

    /// [`Columns::flat`] of a sentence of up to 64 tokens, as a word: for
    /// a union's conjunction parts (13.8k of the 19.0k sets made from the
    /// columns over the benchmark run), without the slice written through
    /// and the test of its length (−0.16 M instructions over the benchmark
    /// run's extraction).
    #[inline(never)]
    fn flat_one_set(&mut self, f: &Facts, t: &Flat, n: usize) -> u64 {
        self.gather(t.shapes_read());
        self.flat_one_word(f, t, n)
    }

    /// The positions among the first `n` where `t` passes, into `out`
    /// (the shape columns it reads made first).
    fn flat(&mut self, f: &Facts, t: &Flat, n: usize, out: &mut [u64]) {
        self.gather(t.shapes_read());
        // One word (nearly every sentence) with its constants in: each of
        // the test's fields read once, where it is used, rather than all
        // of them kept (spilled) across a loop over the words.
        if let [o] = out {
            *o = self.flat_one_word(f, t, n);
            return;
        }
        let w = out.len();
        for (i, o) in out.iter_mut().enumerate() {
            *o = self.flat_word(f, t, n, i, w);
        }
    }

    /// [`Columns::flat`] of a sentence of up to 64 tokens: the shape
    /// masks from the columns, then the lexicon masks from the rows of
    /// the tokens left, one at a time. Over the benchmark run, 18.6k sets
    /// of conjunction tests were made, and the shapes leave 7.6 of their
    /// 30.6 tokens on average; the lexicon columns of those sentences,
    /// made for every token from its row, took ≈ 480 instructions a
    /// sentence. `Columns::make_now` 4.5 → 1.0 M instructions, these sets
    /// 4.0 → 6.0 M: −1.5 M over the benchmark run's extraction. A lexicon
    /// the test must not be in and no token is in ([`Facts::any_lower`],
    /// [`Facts::any_exact`]) is not read.
    #[inline(always)]
    fn flat_one_word(&self, f: &Facts, t: &Flat, n: usize) -> u64 {
        let col = |b: usize| self.shapes.get(b).copied().unwrap_or(0);
        let mut m = if n >= 64 { !0 } else { (1u64 << n) - 1 };
        for_bits(u64::from(t.shapes_all), |b| m &= col(b));
        for_bits(u64::from(t.shapes_none), |b| m &= !col(b));
        for &g in t.shapes_any.iter() {
            let mut any = 0;
            for_bits(u64::from(g), |b| any |= col(b));
            m &= any;
        }
        let [lower_all, lower_none, exact_all, exact_none] = t.first_words;
        let (lower_none, exact_none) = (lower_none & f.any_lower, exact_none & f.any_exact);
        if lower_all | lower_none != 0 {
            m = rows_pass(&f.lex_lower, m, lower_all, lower_none);
        }
        if exact_all | exact_none != 0 {
            m = rows_pass(&f.lex_exact, m, exact_all, exact_none);
        }
        if t.word.is_some() || !t.words_none.is_empty() {
            for_bits(m, |b| {
                let word = f.words.get(b).copied().unwrap_or(NONE);
                if t.word.is_some_and(|x| x != word) || t.words_none.contains(&word) {
                    m &= !(1 << b);
                }
            });
        }
        m
    }

    /// Word `i` of [`Columns::flat`], for a sentence of `n` tokens whose
    /// columns are `w` words each.
    #[inline(always)]
    fn flat_word(&self, f: &Facts, t: &Flat, n: usize, i: usize, w: usize) -> u64 {
        let first = |m: &[u64]| m.first().copied().unwrap_or(0);
        let col = |c: &[u64], b: usize| c.get(b * w + i).copied().unwrap_or(0);
        let rest = n - (i * 64).min(n);
        let mut m = if rest >= 64 { !0 } else { (1u64 << rest) - 1 };
        for_bits(u64::from(t.shapes_all), |b| m &= col(&self.shapes, b));
        for_bits(u64::from(t.shapes_none), |b| m &= !col(&self.shapes, b));
        for &g in t.shapes_any.iter() {
            let mut any = 0;
            for_bits(u64::from(g), |b| any |= col(&self.shapes, b));
            m &= any;
        }
        for_bits(first(&t.lower_all), |b| m &= col(&self.lower, b));
        for_bits(first(&t.lower_none), |b| m &= !col(&self.lower, b));
        for_bits(first(&t.exact_all), |b| m &= col(&self.exact, b));
        for_bits(first(&t.exact_none), |b| m &= !col(&self.exact, b));
        if t.word.is_some() || !t.words_none.is_empty() {
            for_bits(m, |b| {
                let word = f.words.get(i * 64 + b).copied().unwrap_or(NONE);
                if t.word.is_some_and(|x| x != word) || t.words_none.contains(&word) {
                    m &= !(1 << b);
                }
            });
        }
        m
    }
}

/// The positions of `m` (a sentence of up to 64 tokens) whose rows (one
/// word of lexicon bits a token) have every lexicon of `all` and none of
/// `none`: each position's row read and tested without a branch on the
/// answer ([`Columns::flat_one_word`]).
#[inline(always)]
fn rows_pass(rows: &[u64], m: u64, all: u64, none: u64) -> u64 {
    let mut kept = 0;
    for_bits(m, |p| {
        let row = rows.get(p).copied().unwrap_or(0);
        kept |= u64::from((row & all == all) & (row & none == 0)) << p;
    });
    kept
}

/// The first `N` words of `col` as an array (`None` when it is shorter),
/// so that an index masked below `N` needs no bounds test.
#[inline]
fn first_words<const N: usize>(col: &mut [u64]) -> Option<&mut [u64; N]> {
    col.get_mut(..N)?.try_into().ok()
}

/// Clears the columns `mask` names of `col` (`count` columns of `words`
/// words), grown to size if needed. Other columns are left as they were:
/// no test reads them.
#[inline]
fn clear(col: &mut Vec<u64>, count: usize, words: usize, mask: u64) {
    if col.len() < count * words {
        col.resize(count * words, 0);
    }
    // One word a column (nearly all sentences): one store, not a
    // `memset` call.
    if words == 1 {
        for_bits(mask, |b| col[b] = 0);
    } else {
        for_bits(mask, |b| col[b * words..(b + 1) * words].fill(0));
    }
}

impl StartSets {
    /// Forgets the previous sentence's sets, and computes the eager ones
    /// in one pass over the words.
    fn reset_eager(&mut self, cx: &Cx<'_>) {
        let eager = &cx.compiled.eager;
        self.reset(cx.compiled.starts.len(), cx.tokens.len());
        let w = self.words;
        // The eager checks are the first ones: their sets are one run.
        self.eager = eager.len;
        self.bits[..eager.len * w].fill(0);
        // A sentence of up to 64 tokens (nearly all) gets a copy of the
        // loop with a check's set one word: no multiply.
        let list = &mut self.hit_tokens;
        if w == 1 {
            eager_hits(cx, &mut self.bits, list, |c, _| c as usize);
        } else {
            eager_hits(cx, &mut self.bits, list, |c, pos| c as usize * w + pos / 64);
        }
    }

    /// Forgets the previous sentence's sets, for candidates none of which
    /// reads an eager set ([`Program::reads_eager`]): with no check taken
    /// as eager, a set that is asked for after all is computed on demand
    /// as any other check's (all but [`StartSets::union_passes`], which
    /// reads its eager parts' sets directly).
    fn reset_without_eager(&mut self, cx: &Cx<'_>) {
        self.reset(cx.compiled.starts.len(), cx.tokens.len());
        self.eager = 0;
    }

    /// Forgets the previous sentence's sets.
    fn reset(&mut self, checks: usize, tokens: usize) {
        self.words = tokens.div_ceil(64).max(1);
        self.cols.made = false;
        next_generation(&mut self.done, &mut self.gen, checks);
        // And the spare sets that the padding of the eager hits sets bits
        // in (see `EagerStarts::pad`).
        let need = (checks + HIT_BLOCK) * self.words;
        if self.bits.len() < need {
            self.bits.resize(need, 0);
        }
    }

    /// Whether a program's second element can follow a first element
    /// starting at `pos` (a one-token one, or any entity starting there).
    fn second_passes(&self, cx: &Cx<'_>, second: Second, pos: usize) -> bool {
        if second.after_token && self.passes(cx, second.check, pos + 1) {
            return true;
        }
        if second.after_entity {
            return ents_at(&cx.facts.ents, pos)
                .iter()
                .any(|e| self.passes(cx, second.check, e.end as usize));
        }
        false
    }

    /// Whether check `c` passes at `pos`: read from its set when that is
    /// computed, else decided for this one position.
    fn passes(&self, cx: &Cx<'_>, c: u32, pos: usize) -> bool {
        let k = c as usize;
        if pos >= cx.tokens.len() {
            return false;
        }
        if k < self.eager || self.done.get(k) == Some(&self.gen) {
            return self.bit(k, pos);
        }
        match cx.compiled.starts.get(k) {
            None => true,
            Some(StartCheck::OneOf(_)) => {
                cx.compiled.unions.get(k).is_some_and(|u| self.union_passes(cx, u, pos))
            }
            Some(check) => check_at(cx, check, pos),
        }
    }

    /// Bit `pos` of the set of check `k`.
    #[inline]
    fn bit(&self, k: usize, pos: usize) -> bool {
        let w = self.words;
        self.bits.get(k * w + pos / 64).is_some_and(|b| b >> (pos % 64) & 1 != 0)
    }

    /// Whether union `u` passes at `pos`, a token of the sentence: its
    /// masks first (a load and a test each), then its other parts.
    fn union_passes(&self, cx: &Cx<'_>, u: &Union, pos: usize) -> bool {
        let (f, c) = (cx.facts, cx.compiled);
        // With at most 64 lexicons, the start bits of one word id are one
        // word.
        let starts = |m: &Membership, ids: &[u32]| {
            ids.get(pos).and_then(|&id| m.start.get(id as usize)).copied().unwrap_or(0)
        };
        // A lower-case lexicon's bits in the token's row of lexicon starts
        // are its start bits exactly (see `lower_rows`): one load where the
        // word's start bits took a second, dependent one with its bounds
        // test (−0.07 M instructions over the benchmark run's extraction).
        // The rows are made for every token or for none (more than 64
        // lexicons, when `u.lower` is 0 anyway).
        let lower = || f.lex_starts.get(pos).copied();
        f.has_shape(pos, u.shapes)
            || (u.lower != 0
                && lower().unwrap_or_else(|| starts(&c.lower_members, &f.words)) & u.lower != 0)
            || (u.exact != 0 && starts(&c.exact_members, &f.exact) & u.exact != 0)
            || (u.start && pos == 0)
            || u.eager.iter().any(|&p| self.bit(p as usize, pos))
            || (!u.labels.is_empty() && has_entity(ents_at(&f.ents, pos), &u.labels))
            || self.flats_pass(cx, u, pos)
            || u.rest.iter().any(|&p| self.passes(cx, p, pos))
    }

    /// Whether one of the conjunction tests of union `u` passes at `pos`:
    /// the shape masks they share first (one test rejects them all), then
    /// each one's own masks here, so that a test its shape rejects costs
    /// no call.
    #[inline]
    fn flats_pass(&self, cx: &Cx<'_>, u: &Union, pos: usize) -> bool {
        let Some(&shape) = cx.facts.shapes.get(pos) else { return false };
        if !shapes_pass(shape, u.flats_all, u.flats_none) {
            return false;
        }
        u.flats.iter().any(|t| {
            shapes_pass(shape, t.shapes_all, t.shapes_none) && eval_flat_rest(cx, t, pos, shape)
        })
    }

    /// The last start a program with `landmarks` may match from, or `None`
    /// when it cannot match in this sentence: each landmark's latest
    /// position before the next one's, from the sentence end backwards.
    /// The starts after it would all fail, and they are the last a rule
    /// tries, so skipping them changes nothing else (not even the steps
    /// left to the starts before).
    fn last_start(&self, cx: &Cx<'_>, landmarks: &[Landmark]) -> Option<usize> {
        let mut end = cx.tokens.len();
        for &a in landmarks.iter().rev() {
            end = match a {
                Landmark::Token => end.checked_sub(1)?,
                Landmark::Check(c) => self.last_passing(cx, c, end)?,
            };
        }
        Some(end)
    }

    /// The last position before `end` where check `c` passes: read from
    /// its set when that is computed, else found from the end backwards
    /// (the landmarks of a rule are mostly near the end of a sentence or
    /// missing from it: scanning for them costs less than their sets).
    fn last_passing(&self, cx: &Cx<'_>, c: u32, end: usize) -> Option<usize> {
        let k = c as usize;
        if k < self.eager || self.done.get(k) == Some(&self.gen) {
            return last_before(self.computed(c), end);
        }
        let end = end.min(cx.tokens.len());
        match cx.compiled.starts.get(k)? {
            StartCheck::Ent(labels) => {
                // Sorted by start: the first from the back is the last.
                let ents = cx.facts.ents.iter().rev();
                ents.filter(|e| (e.start as usize) < end && labels.has(e.label))
                    .map(|e| e.start as usize)
                    .next()
            }
            StartCheck::Lex(l) => {
                let (ids, members) = lex_ids(cx, *l);
                let rows = &cx.facts.lex_starts;
                if rows.len() == ids.len() {
                    return last_row_start(rows.get(..end)?, ids, members, *l);
                }
                last_lex_start(ids.get(..end)?, members, *l)
            }
            StartCheck::OneOf(_) => (0..end).rev().find(|&p| self.passes(cx, c, p)),
            check => (0..end).rev().find(|&p| check_at(cx, check, p)),
        }
    }

    /// The positions check `c` allows, once [`StartSets::ensure`] computed
    /// them.
    fn computed(&self, c: u32) -> &[u64] {
        let w = self.words;
        self.bits.get(c as usize * w..(c as usize + 1) * w).unwrap_or(&[])
    }

    /// Computes the positions check `c` allows, unless they are known for
    /// this sentence already: that test inline, where the rules and the
    /// unions ask (it answers 23k of the 93k asks a benchmark run, and an
    /// eager part of a union then costs no call): −1.2 M instructions.
    #[inline]
    fn ensure(&mut self, cx: &Cx<'_>, c: u32) {
        let k = c as usize;
        if k < self.eager || self.done.get(k) == Some(&self.gen) {
            return;
        }
        self.compute(cx, k);
    }

    /// [`StartSets::ensure`] of check `k`, not known yet. The kinds that
    /// need more than a few registers (lexicons, entities) are out of
    /// line, so that the cheap kinds pay for no spills; unions, the most
    /// made, are in (see [`StartSets::ensure_union`]).
    #[inline(never)]
    fn compute(&mut self, cx: &Cx<'_>, k: usize) {
        let Some(check) = cx.compiled.starts.get(k) else { return };
        match check {
            StartCheck::OneOf(parts) => self.ensure_union(cx, k, parts),
            StartCheck::Lex(l) => self.ensure_lex(cx, k, *l),
            StartCheck::Ent(labels) => self.ensure_ents(cx, k, labels),
            _ => self.ensure_simple(cx, k, check),
        }
        self.done[k] = self.gen;
    }

    /// The set of check `k`, cleared.
    #[inline]
    fn cleared(&mut self, k: usize) -> &mut [u64] {
        let w = self.words;
        let out = &mut self.bits[k * w..(k + 1) * w];
        clear_words(out);
        out
    }

    /// [`StartSets::ensure`] of a check that is no union, lexicon or
    /// entity check.
    fn ensure_simple(&mut self, cx: &Cx<'_>, k: usize, check: &StartCheck) {
        let w = self.words;
        let need = &cx.compiled.columns;
        let f = cx.facts;
        // A conjunction test whose shape or lexicon is in no token passes
        // nowhere: its set is left empty, and the columns are not made for
        // it (−0.5 M instructions over the benchmark run).
        if let StartCheck::Test(Test::Flat(t)) = check {
            if f.rules_out(t) {
                self.cleared(k);
                return;
            }
        }
        let columns = need.made_for(k) && self.cols.make(cx.facts, w, need);
        let out = &mut self.bits[k * w..(k + 1) * w];
        clear_words(out);
        let n = cx.tokens.len();
        let mut set = |pos: usize| out[pos / 64] |= 1 << (pos % 64);
        match check {
            StartCheck::Any => (0..n).for_each(&mut set),
            StartCheck::Start => {
                if n > 0 {
                    set(0)
                }
            }
            StartCheck::Word(id) => {
                f.words.iter().enumerate().filter(|(_, w)| *w == id).for_each(|(p, _)| set(p))
            }
            StartCheck::Exact(s) => {
                (0..n).filter(|&p| cx.tokens[p].span.range().eq_text(cx.text, s)).for_each(&mut set)
            }
            StartCheck::Test(Test::Flat(t)) if columns => self.cols.flat(f, t, n, out),
            StartCheck::Test(Test::Flat(t)) => {
                (0..n).filter(|&p| eval_flat(cx, t, p)).for_each(&mut set)
            }
            StartCheck::Test(Test::Shape(bit)) => {
                // A shape test read straight from the shapes, without `eval`.
                let has = f.shapes.iter().take(n).map(|s| s & bit != 0);
                has.enumerate().filter(|&(_, h)| h).for_each(|(p, _)| set(p));
            }
            StartCheck::Test(t) => (0..n).filter(|&p| eval(cx, t, p)).for_each(&mut set),
            // Out of line (see `ensure`).
            StartCheck::Lex(_) | StartCheck::Ent(_) | StartCheck::OneOf(_) => {}
        }
    }

    /// [`StartSets::ensure`] of the check `k` that lexicon `l` can start.
    #[inline(never)]
    fn ensure_lex(&mut self, cx: &Cx<'_>, k: usize, l: u32) {
        let n = cx.tokens.len();
        let out = self.cleared(k);
        // The lexicon's ids and bits chosen once, not per token.
        let (ids, members) = lex_ids(cx, l);
        // A lexicon no token starts an entry of, as `prepare` found them,
        // gets its empty set without a pass over the tokens (2,160 of the
        // 8,466 lexicon sets a benchmark run, 520 instructions each).
        if members.stride == 1 && l < 64 && cx.facts.lex_seen >> l & 1 == 0 {
            return;
        }
        let ids = ids.get(..n).unwrap_or(ids);
        // At most 64 lexicons (the default rules): a word's start bits
        // are one word, read without a multiply by the stride.
        if let (1, [o]) = (members.stride, &mut *out) {
            // And a sentence of up to 64 tokens (nearly all): its set is
            // one word, kept in a register; for a lower-case lexicon, from
            // the sentence's rows.
            let rows = lower_rows(cx, n, 1 << (l % 64));
            *o = match rows {
                Some(rows) => row_word(rows, 1 << (l % 64)),
                None => start_word(ids, &members.start, 1 << (l % 64)),
            };
        } else if members.stride == 1 {
            lex_start_bits(ids, &members.start, 1, l, out);
        } else {
            lex_start_bits(ids, &members.start, members.stride, l, out);
        }
    }

    /// [`StartSets::ensure`] of the check `k` that an entity labelled one
    /// of `labels` starts.
    #[inline(never)]
    fn ensure_ents(&mut self, cx: &Cx<'_>, k: usize, labels: &LabelSet) {
        let ents = &cx.facts.ents;
        if let (1, Some(bits)) = (self.words, labels.only_bits()) {
            // A sentence of up to 64 tokens and labels below 64 (nearly
            // all): each entity a shift and an `or`, without a branch.
            // Every entity starts in the sentence (see `prepare`).
            let m = ents.iter().fold(0, |m, e| {
                let has = u64::from(e.label < 64) & bits >> (e.label % 64);
                m | (has & 1) << (e.start % 64)
            });
            if let Some(out) = self.bits.get_mut(k) {
                *out = m;
            }
            return;
        }
        let n = cx.tokens.len();
        let out = self.cleared(k);
        // Each entity's label a shift and a test (see `LabelSet`).
        for e in cx.facts.ents.iter().filter(|e| (e.start as usize) < n && labels.has(e.label)) {
            out[e.start as usize / 64] |= 1 << (e.start % 64);
        }
    }

    /// The set of conjunction test `t` (check `k`) in a sentence of up to
    /// 64 tokens, as one word: what [`StartSets::ensure_simple`] stores
    /// for it.
    #[inline]
    fn flat_one(&mut self, cx: &Cx<'_>, k: usize, t: &Flat) -> u64 {
        let (f, need, n) = (cx.facts, &cx.compiled.columns, cx.tokens.len());
        if f.rules_out(t) {
            return 0;
        }
        if need.made_for(k) && self.cols.make(f, 1, need) {
            return self.cols.flat_one_set(f, t, n);
        }
        (0..n.min(64)).filter(|&p| eval_flat(cx, t, p)).fold(0, |m, p| m | 1 << p)
    }

    /// [`StartSets::ensure`] of the union `k` of the checks `parts`: each
    /// part's set first, then their bits together. In a sentence of up to
    /// 64 tokens, the parts merged into the union's masks (see
    /// [`Union::sets`]) get no set of their own: [`masked_parts`] reads
    /// them in one pass a kind, where each was a call through
    /// `StartSets::compute` and a pass of its own (about 10k lexicon,
    /// entity and shape parts over the benchmark run; −0.15 M
    /// instructions). Inlined into `compute`, its only caller, so that a
    /// union (19.7k of the 41k sets made over the benchmark run) pays for
    /// one call's frame, not two (−0.43 M instructions over the benchmark
    /// run's extraction).
    #[inline(always)]
    fn ensure_union(&mut self, cx: &Cx<'_>, k: usize, parts: &[u32]) {
        if let (1, Some(u)) = (self.words, cx.compiled.unions.get(k)) {
            // One word a set (nearly every sentence): the parts merged
            // into the union's masks (shapes, lexicons, labels, the first
            // position) read from those, and the others' sets ORed.
            let mut union = masked_parts(cx, u);
            for &p in u.sets.iter() {
                let q = p as usize;
                if !(q < self.eager || self.done.get(q) == Some(&self.gen)) {
                    // The parts not known yet are conjunction tests (23.2k
                    // of 23.3k over the benchmark run): their word made
                    // here, without the call through `compute` and the
                    // general path of `ensure_simple` (−0.43 M).
                    match cx.compiled.starts.get(q) {
                        Some(StartCheck::Test(Test::Flat(t))) => {
                            let set = self.flat_one(cx, q, t);
                            if let (Some(b), Some(d)) = (self.bits.get_mut(q), self.done.get_mut(q))
                            {
                                (*b, *d) = (set, self.gen);
                            }
                        }
                        _ => self.compute(cx, q),
                    }
                }
                // Every part has a smaller id than the union.
                if q < k {
                    union |= self.bits.get(q).copied().unwrap_or(0);
                }
            }
            if let Some(out) = self.bits.get_mut(k) {
                *out = union;
            }
            return;
        }
        for &p in parts {
            self.ensure(cx, p);
        }
        let w = self.words;
        // Every part has a smaller id than the union.
        let parts = parts.iter().map(|&p| p as usize).filter(|&p| p < k);
        if w == 1 {
            // One word a set (nearly every sentence): the parts' words
            // ORed, without the slicing and zipping of the general case.
            let bits = &mut self.bits;
            let union = parts.fold(0, |u, p| u | bits.get(p).copied().unwrap_or(0));
            if let Some(out) = bits.get_mut(k) {
                *out = union;
            }
            return;
        }
        let (before, rest) = self.bits.split_at_mut(k * w);
        let out = &mut rest[..w];
        out.fill(0);
        for p in parts {
            for (o, b) in out.iter_mut().zip(&before[p * w..(p + 1) * w]) {
                *o |= b;
            }
        }
    }
}

/// The positions among `ids` (at most 64 tokens) where an entry of one of
/// the lexicons `mask` (bits) can start, by `starts` (one word a word id,
/// at most 64 lexicons), as one word. Built from the last token back, each
/// token's bit shifted in by one place rather than by its position (which
/// took the shift register from the lexicon's bit: −0.9 M instructions a
/// benchmark run). For one lexicon ([`StartSets::ensure_lex`]) and for
/// the lexicon parts of a union ([`masked_parts`]).
#[inline(always)]
fn start_word(ids: &[u32], starts: &[u64], mask: u64) -> u64 {
    ids.iter().rev().fold(0, |m, &id| m << 1 | u64::from(one_word(starts, id) & mask != 0))
}

/// The sentence's [`Facts::lex_starts`] rows, its `n` tokens', when the
/// lexicons `mask` are all lower-case ones (whose bits there are their
/// [`Membership::start`] bits of the token's word, exactly: the exact
/// lexicons' are a superset) and the rows are made (at most 64 lexicons).
#[inline(always)]
fn lower_rows<'f>(cx: &'f Cx<'_>, n: usize, mask: u64) -> Option<&'f [u64]> {
    let rows = &cx.facts.lex_starts;
    let lower = mask & !cx.compiled.lower_lexicons == 0;
    (lower && rows.len() == cx.facts.words.len()).then(|| rows.get(..n)).flatten()
}

/// [`start_word`] from a sentence's [`lower_rows`]: a load and a test a
/// token, where the word's start bits took a second, dependent load
/// with its bounds test (4,470 lexicon sets and 2,664 unions with a
/// lower-case lexicon part a benchmark run, of ≈ 30 tokens each): −0.7 M
/// instructions over the benchmark run's extraction.
#[inline(always)]
fn row_word(rows: &[u64], mask: u64) -> u64 {
    rows.iter().rev().fold(0, |m, &r| m << 1 | u64::from(r & mask != 0))
}

/// The positions of a sentence of up to 64 tokens where one of the parts
/// of union `u` that are in its masks passes ([`Union::shapes`],
/// [`Union::lower`], [`Union::exact`], [`Union::labels`],
/// [`Union::start`]), as one word. Each kind is one pass over the tokens
/// (or entities), skipped when the sentence has none of it; a lexicon part
/// costs no pass of its own, nor a call through `StartSets::compute`.
#[inline]
fn masked_parts(cx: &Cx<'_>, u: &Union) -> u64 {
    let (f, c, n) = (cx.facts, cx.compiled, cx.tokens.len());
    let mut m = u64::from(u.start && n > 0);
    // The shapes' fold runs from the last token back, as `start_word`'s.
    if u.shapes & f.any_shapes != 0 {
        let shapes = f.shapes.get(..n).unwrap_or(&f.shapes);
        m |= shapes.iter().rev().fold(0, |m, &s| m << 1 | u64::from(s & u.shapes != 0));
    }
    // A lexicon no token starts an entry of starts nowhere (see
    // `Facts::lex_seen`).
    let (lower, exact) = (u.lower & f.lex_seen, u.exact & f.lex_seen);
    if lower != 0 {
        m |= match lower_rows(cx, n, lower) {
            Some(rows) => row_word(rows, lower),
            None => start_word(f.words.get(..n).unwrap_or(&f.words), &c.lower_members.start, lower),
        };
    }
    if exact != 0 {
        m |= start_word(f.exact.get(..n).unwrap_or(&f.exact), &c.exact_members.start, exact);
    }
    if !u.labels.is_empty() {
        for e in f.ents.iter().filter(|e| (e.start as usize) < n && u.labels.has(e.label)) {
            m |= 1 << (e.start % 64);
        }
    }
    m
}

/// Clears `out`, a set: one store for a set of one word (nearly every
/// sentence), where `fill` called `memset` (41k calls over the benchmark
/// run).
#[inline(always)]
fn clear_words(out: &mut [u64]) {
    if let [o] = out {
        *o = 0;
    } else {
        out.fill(0);
    }
}

/// Sets the bit of each token in the sets of the eager checks it passes
/// ([`StartSets::reset_eager`]): check `c`'s word for token `pos` is
/// `bits[at(c, pos)]`.
///
/// Two thirds of the tokens have no hits (their first block is all
/// padding). They are left out first, without a branch: each token is
/// written to `list` and the count moved on only for a token with hits.
/// The blocks are then read for those tokens alone, where every token's
/// block of padding was read and stored before (−9.2 M instructions a
/// benchmark run, +29k simulated mispredicted branches). The tokens with hits are taken in order, each with
/// the same fixed blocks as before, so the loop is no harder to predict.
#[inline(always)]
fn eager_hits(
    cx: &Cx<'_>,
    bits: &mut [u64],
    list: &mut Vec<(u32, u32)>,
    at: impl Fn(u32, usize) -> usize,
) {
    let eager = &cx.compiled.eager;
    let words = &cx.facts.words;
    if list.len() < words.len().max(64) {
        list.resize(words.len().max(64), (0, 0));
    }
    let mut n = 0;
    let first = list.get_mut(..64).and_then(|l| <&mut [(u32, u32); 64]>::try_from(l).ok());
    match first {
        // A sentence of up to 64 tokens (nearly all): the list as an
        // array, whose slot `n % 64` needs no bounds test. With the
        // slice below, 14.5 instructions a token where 17 were (the
        // vector's length and address read again at every store): −0.5 M
        // over the benchmark run's 310k tokens.
        Some(slots) if words.len() <= 64 => {
            for (pos, &id) in words.iter().enumerate() {
                let b = eager.first_block_of(id);
                slots[n % 64] = (pos as u32, b);
                n += usize::from(b != 0);
            }
        }
        _ => {
            // The list as a slice: its address and length stay in
            // registers, where the vector's were read again at every
            // store.
            let slots = list.as_mut_slice();
            for (pos, &id) in words.iter().enumerate() {
                let b = eager.first_block_of(id);
                if let Some(slot) = slots.get_mut(n) {
                    *slot = (pos as u32, b);
                }
                n += usize::from(b != 0);
            }
        }
    }
    for &(pos, b) in list.get(..n).unwrap_or(&[]) {
        let pos = pos as usize;
        let bit = 1 << (pos % 64);
        let mut hit = |h: &EagerHit| {
            if h.exact != NONE {
                let want = eager.exact.get(h.exact as usize).map_or("", |s| &**s);
                if !cx.tokens[pos].span.range().eq_text(cx.text, want) {
                    return;
                }
            }
            if let Some(b) = bits.get_mut(at(h.check, pos)) {
                *b |= bit;
            }
        };
        // Every hit of a block, padding too (see `HIT_BLOCK`): no branch
        // on how many the word has, but for the few words with more.
        let mut block = eager.block(b);
        loop {
            block.hits.iter().for_each(&mut hit);
            match eager.next_block(block) {
                Some(next) => block = next,
                None => break,
            }
        }
    }
}

/// Sets bit `p` of `out` for each word `ids[p]` an entry of lexicon `l`
/// starts with, from the start bits of [`Membership::start`] (`stride`
/// words a word id). [`NONE`] is past the end of `start`, so it needs no
/// test of its own, and the ids of words no rule has are one in `start`
/// (see [`clamp_ids`]).
#[inline(always)]
fn lex_start_bits(ids: &[u32], start: &[u64], stride: usize, l: u32, out: &mut [u64]) {
    let (word, shift) = (l as usize / 64, l % 64);
    for (p, &id) in ids.iter().enumerate() {
        // Without a branch on whether the word starts an entry, which is
        // in no pattern.
        let starts = start.get(id as usize * stride + word).map_or(0, |w| w >> shift & 1);
        if let Some(o) = out.get_mut(p / 64) {
            *o |= starts << (p % 64);
        }
    }
}

/// The last of `ids` that an entry of lexicon `l` starts with, as
/// `Membership::starts` decides: the lexicon's word and bit found once,
/// and no test for [`NONE`], which is past the end of `start` as in
/// [`lex_start_bits`]. Lexicon landmarks scan ten tokens a call on average
/// (12.9k calls a pass): −0.5 M instructions over the benchmark run.
#[inline]
fn last_lex_start(ids: &[u32], members: &Membership, l: u32) -> Option<usize> {
    let (word, bit, stride) = (l as usize / 64, 1u64 << (l % 64), members.stride);
    let start = members.start.as_slice();
    if stride == 1 {
        // At most 64 lexicons (nearly always): no multiply a token (−0.6 M
        // instructions a benchmark run).
        return ids.iter().rposition(|&id| start.get(id as usize).is_some_and(|w| w & bit != 0));
    }
    ids.iter().rposition(|&id| start.get(id as usize * stride + word).is_some_and(|w| w & bit != 0))
}

/// [`last_lex_start`] of the tokens of `rows`, a prefix of the sentence's
/// [`Facts::lex_starts`] (at most 64 lexicons), whose ids are `ids`: the
/// rows are walked backwards, one load and a test a token where the ids
/// need two loads and a bounds test, and a token whose row has lexicon
/// `l` is confirmed by `members` (the rows are exact for the lower-case
/// lexicons and a superset for the exact ones). The benchmark run's
/// 25.9k lexicon landmarks walk 311k tokens: −1.6 M instructions.
#[inline]
fn last_row_start(rows: &[u64], ids: &[u32], members: &Membership, l: u32) -> Option<usize> {
    let bit = 1u64.checked_shl(l)?;
    let mut end = rows.len();
    loop {
        let p = rows.get(..end)?.iter().rposition(|&r| r & bit != 0)?;
        // One word a word id (the rows exist only then), `NONE` past the
        // end, as in `last_lex_start`.
        if members.start.get(*ids.get(p)? as usize).is_some_and(|w| w & bit != 0) {
            return Some(p);
        }
        end = p;
    }
}

/// Whether one of `ents` has one of `labels` (a shift and a test an
/// entity: see [`LabelSet`]).
#[inline]
fn has_entity(ents: &[Ent], labels: &LabelSet) -> bool {
    ents.iter().any(|e| labels.has(e.label))
}

/// Starts a new generation of `marks`, at least `len` long: an entry equal
/// to the value returned is marked in this generation, any other is not.
/// Nothing is cleared but when the counter wraps. The marks only grow:
/// the entity and relation rule sets share one scratch and alternate
/// sentence by sentence, and sizing the marks to each set's own count
/// cleared them at every switch. An old mark is an earlier generation's
/// value, never the new one, so a longer run of marks needs no clearing.
fn next_generation(marks: &mut Vec<u32>, gen: &mut u32, len: usize) -> u32 {
    if marks.len() < len {
        marks.resize(len, 0);
    }
    *gen = gen.wrapping_add(1);
    if *gen == 0 {
        marks.fill(0);
        *gen = 1;
    }
    *gen
}

/// Whether `check` passes at token `pos` of the sentence; a union is
/// decided by its parts through [`StartSets`] (false here).
/// `StartSets::ensure` computes the same over a whole sentence, kind by
/// kind, with the kind matched once rather than at every token.
#[inline(always)]
fn check_at(cx: &Cx<'_>, check: &StartCheck, pos: usize) -> bool {
    if pos >= cx.tokens.len() {
        return false;
    }
    let f = cx.facts;
    match check {
        StartCheck::Any => true,
        StartCheck::Start => pos == 0,
        StartCheck::Word(id) => f.words.get(pos) == Some(id),
        StartCheck::Exact(s) => cx.tokens[pos].span.range().eq_text(cx.text, s),
        StartCheck::Test(Test::Flat(t)) => eval_flat(cx, t, pos),
        StartCheck::Test(Test::Shape(bit)) => f.has_shape(pos, *bit),
        StartCheck::Test(t) => eval(cx, t, pos),
        StartCheck::Lex(l) => lex_starts(cx, *l, pos),
        StartCheck::Ent(labels) => has_entity(ents_at(&f.ents, pos), labels),
        StartCheck::OneOf(_) => false,
    }
}

/// The entities of `ents` (sorted by start) that start at `pos`.
#[inline]
fn ents_at(ents: &[Ent], pos: usize) -> &[Ent] {
    let from = ents.partition_point(|e| (e.start as usize) < pos);
    // Few entities start at one position: counted, not searched.
    let len = ents[from..].iter().take_while(|e| e.start as usize == pos).count();
    &ents[from..from + len]
}

/// Whether an entry of lexicon `l` may start at `pos`.
#[inline]
fn lex_starts(cx: &Cx<'_>, l: u32, pos: usize) -> bool {
    let (ids, members) = lex_ids(cx, l);
    ids.get(pos).is_some_and(|&id| members.starts(id, l))
}

/// The word ids lexicon `l` is matched on (exact or lower case) and its
/// membership bits.
#[inline]
fn lex_ids<'c>(cx: &'c Cx<'_>, l: u32) -> (&'c [u32], &'c Membership) {
    let f = cx.facts;
    if cx.compiled.lexicons.get(l as usize).is_some_and(|x| x.exact) {
        (&f.exact, &cx.compiled.exact_members)
    } else {
        (&f.words, &cx.compiled.lower_members)
    }
}

/// The first position `>= from` in `bits`.
#[inline]
fn next_start(bits: &[u64], from: usize) -> Option<usize> {
    let mut w = from / 64;
    let mut word = *bits.get(w)? & (!0u64 << (from % 64));
    loop {
        if word != 0 {
            return Some(w * 64 + word.trailing_zeros() as usize);
        }
        w += 1;
        word = *bits.get(w)?;
    }
}

/// The last position `< end` in `bits`.
#[inline]
fn last_before(bits: &[u64], end: usize) -> Option<usize> {
    let mut w = end / 64;
    let mut word = match bits.get(w) {
        Some(&b) => b & ((1u64 << (end % 64)) - 1),
        None => {
            w = bits.len();
            0
        }
    };
    loop {
        if word != 0 {
            return Some(w * 64 + 63 - word.leading_zeros() as usize);
        }
        w = w.checked_sub(1)?;
        word = bits[w];
    }
}

/// What is known about each token of the sentence being matched.
#[derive(Debug, Default)]
struct Facts {
    words: Vec<u32>,
    exact: Vec<u32>,
    shapes: Vec<u16>,
    /// One-token lexicon membership of each token (lower-case lexicons,
    /// then exact ones), when the rules have at most 64 lexicons: the
    /// first and only word of [`Membership::row`].
    lex_lower: Vec<u64>,
    lex_exact: Vec<u64>,
    /// With at most 64 lexicons, the lexicons an entry of which may start
    /// at each token ([`Compiled::lex_starts`] of its lower-case id), as
    /// `confirm_lexicons` reads them.
    lex_starts: Vec<u64>,
    /// The shapes some token of the sentence has, as bits; and its
    /// tokens' one-token lexicon memberships, together (all bits when
    /// there are no rows: more than 64 lexicons).
    any_shapes: u16,
    any_lower: u64,
    any_exact: u64,
    /// With at most 64 lexicons, those an entry of which may start at a
    /// token of the sentence, as bits, lower-case and exact ones (from the
    /// tokens' lower-case ids: see `Index::add_words`); a lexicon without
    /// its bit starts nowhere in it.
    lex_seen: u64,
    /// Entities inside the sentence, sentence-relative, sorted by start
    /// then longest first.
    ents: Vec<Ent>,
}

impl Facts {
    /// Whether token `pos` has a shape of `bits` (false past the end).
    #[inline]
    fn has_shape(&self, pos: usize, bits: u16) -> bool {
        self.shapes.get(pos).is_some_and(|s| s & bits != 0)
    }

    /// Whether conjunction test `t` fails at every token: a shape or a
    /// one-token lexicon it needs on its token is on none of them.
    #[inline]
    fn rules_out(&self, t: &Flat) -> bool {
        let first = |m: &[u64]| m.first().copied().unwrap_or(0);
        t.shapes_all & !self.any_shapes != 0
            || first(&t.lower_all) & !self.any_lower != 0
            || first(&t.exact_all) & !self.any_exact != 0
            || t.shapes_any.iter().any(|&g| g & self.any_shapes == 0)
    }
}

#[derive(Clone, Copy, Debug)]
struct Ent {
    start: u32,
    end: u32,
    label: u16,
}

impl Ent {
    /// The order of a sentence's entities, by start, then longest first,
    /// then label, as one number (compared without a branch).
    #[inline]
    fn order(&self) -> u128 {
        u128::from(self.start) << 64
            | u128::from(u32::MAX - self.end) << 16
            | u128::from(self.label)
    }
}

/// Backtracking state.
#[derive(Debug, Default)]
struct State {
    /// The visit marks of an attempt: one row for each instruction of
    /// the rule, indexed by the position modulo [`VISIT_ROW`] (an
    /// attempt's positions are at most [`MAX_MATCH_TOKENS`] + 1 in a row,
    /// fewer than that, so they never share a mark), a mark being the
    /// attempt's `visit_gen`. Rows of a fixed power-of-two length, cut to
    /// the program's length once an attempt, leave one bounds test a
    /// step, the instruction's, where the flat table, indexed by
    /// `pc * width + pos - start`, reloaded the width and the start and
    /// tested the product's bound every step (−2.0 M instructions over
    /// the benchmark run).
    visited: Vec<[u32; VISIT_ROW]>,
    visit_gen: u32,
    stack: Vec<Frame>,
    slots: Vec<u32>,
    best: Vec<u32>,
}

impl State {
    /// Sizes the visit marks (a row for each instruction) and the capture
    /// slots for the attempts of `prog`: once a rule and sentence
    /// ([`run_rule`]), where [`longest_at`] sized them at each of its
    /// 50k attempts over the benchmark run, which it now only reads
    /// (−0.3 M instructions).
    fn fit(&mut self, prog: &Program) {
        let need = prog.insts.len();
        if self.visited.len() < need {
            self.visited.resize(need, [0; VISIT_ROW]);
        }
        let len = (prog.captures.len() * 2).max(SLOT_BLOCK);
        if self.slots.len() != len {
            self.slots.resize(len, NONE);
            // `best` is read only after a match, which overwrites all of it.
            self.best.resize(len, NONE);
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Frame {
    Explore {
        pc: u32,
        pos: u32,
    },
    Restore {
        slot: u32,
        value: u32,
    },
    /// Try the entities from `ents[from]` on for the slot at `pc`.
    Ent {
        pc: u32,
        pos: u32,
        from: u32,
    },
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `f` with this thread's scratch (or a fresh one if it is in use).
pub(crate) fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    crate::reuse::with_reused(&SCRATCH, |_| true, f)
}

/// The sentence being matched.
struct Cx<'a> {
    text: &'a str,
    /// The sentence's tokens.
    tokens: &'a [Token],
    /// Index of the sentence's first token in the document.
    base: usize,
    facts: &'a Facts,
    compiled: &'a Compiled,
}

impl<'a> Cx<'a> {
    /// The sentence of `tokens` (the document's) in `range`, as
    /// [`prepare`] returned it, with the `facts` it prepared.
    #[cfg(test)]
    fn new(
        compiled: &'a Compiled,
        text: &'a str,
        tokens: &'a [Token],
        range: std::ops::Range<usize>,
        facts: &'a Facts,
    ) -> Cx<'a> {
        Cx { text, base: range.start, tokens: &tokens[range], facts, compiled }
    }
}

/// Prepares the facts of `sentence`; collects candidate rules into
/// `scratch.cands` (sorted). Returns the sentence's token range, clamped to
/// `tokens` (see `Cx::new`, in the tests).
fn prepare(
    compiled: &Compiled,
    text: &str,
    tokens: &[Token],
    sentence: &Sentence,
    entities: &[EntityRef<'_>],
    sc: &mut Scratch,
) -> std::ops::Range<usize> {
    let s0 = sentence.tokens.start.min(tokens.len());
    let e0 = sentence.tokens.end.clamp(s0, tokens.len());
    let toks = &tokens[s0..e0];
    let shared = sc.doc_words.get(compiled, tokens.len(), s0..e0);
    let past = clamp_ids(compiled.vocab.lower_len());
    let as_they_are = sc.doc_words.clamped_at(past);
    let facts = &mut sc.facts;
    let nrules = compiled.programs.len();
    sc.cands.clear();
    facts.words.clear();
    facts.exact.clear();
    facts.lex_exact.clear();
    facts.shapes.clear();
    facts.ents.clear();
    facts.lex_seen = 0;
    if nrules == 0 || toks.is_empty() {
        facts.lex_lower.clear();
        facts.lex_starts.clear();
        return s0..e0;
    }

    let index = &compiled.index;
    let sel = &mut sc.sel;
    index.clear(sel);
    // The ids first, then the selection: a loop that only copies, and one
    // that only reads, cost less than one pushing as it goes.
    match shared {
        // Clamped already (see `DocWords::clamp`): copied.
        Some(ids) if as_they_are => facts.words.extend_from_slice(ids),
        // Each id clamped (see `clamp_ids`). For the relation rules, whose
        // vocabulary the entity rules' grew from, an id past their words
        // is clamped as `NONE` is: the clamp alone is `own_id` and the
        // clamp, and one loop for both sets (−1.2 M instructions a
        // benchmark run, the relation pass's copy having been 10 a token).
        // `past` moved into the closure: by reference, the copy's vector
        // loop tested the destination against its stack slot for overlap
        // and the scalar one reloaded it every token (−0.42 M over a
        // benchmark run's extraction).
        Some(ids) => facts.words.extend(ids.iter().map(move |&id| id.min(past))),
        None => {
            let v = &compiled.vocab;
            facts.words.extend(toks.iter().map(|t| v.lower_id(text, t, &mut sc.norm).min(past)));
        }
    }
    // With at most 64 lexicons, the tokens' one-token lexicon rows and
    // their entry starts in the same pass as the selection.
    let lower = &compiled.lower_members;
    let fused = match lower.stride {
        1 => {
            index.add_words_and_rows(sel, &facts.words, &mut facts.lex_lower, &mut facts.lex_starts)
        }
        _ => None,
    };
    // (Left as they were for `add_words_and_rows`, which writes them
    // whole: cleared, they were written twice, once by `memset`.)
    let lexicons = match fused {
        Some((lexicons, any)) => {
            facts.any_lower = any;
            lexicons
        }
        None => {
            facts.lex_lower.clear();
            facts.lex_starts.clear();
            index.add_words(sel, &facts.words)
        }
    };
    facts.lex_seen = lexicons;

    if !compiled.labels.is_empty() {
        sentence_entities(compiled, entities, s0..e0, &mut facts.ents, sel);
    }
    index.add_always(sel);

    // The shapes select rules only when some rule is triggered by one;
    // otherwise they are needed only to check the groups of a selected
    // rule.
    if index.shape_mask() != 0 || index.any_rule(sel) {
        match (sc.doc_shapes.len() == tokens.len()).then(|| &sc.doc_shapes[s0..e0]) {
            Some(sh) => facts.shapes.extend_from_slice(sh),
            None => super::shape::shapes_into(text, toks, &mut facts.shapes),
        }
        facts.any_shapes = facts.shapes.iter().fold(0, |a, &b| a | b);
        let has_exact = compiled.vocab.has_exact();
        // Before the selection, which needs them too (see
        // `confirm_lexicons`); nearly every sentence that gets here has
        // candidates.
        if lower.stride == 1 {
            if fused.is_none() {
                facts.lex_lower.clear();
                facts.lex_lower.extend(facts.words.iter().map(|&id| one_word(&lower.one, id)));
                facts.any_lower = facts.lex_lower.iter().fold(0, |a, &r| a | r);
                let starts = |&id| one_word(&compiled.lex_starts, id);
                facts.lex_starts.clear();
                facts.lex_starts.extend(facts.words.iter().map(starts));
            }
            facts.lex_exact.resize(facts.words.len(), 0);
            facts.any_exact = 0;
            if has_exact {
                exact_ids(compiled, text, toks, facts, Some(&compiled.exact_members.one));
            }
        } else {
            if has_exact {
                exact_ids(compiled, text, toks, facts, None);
            }
            (facts.any_lower, facts.any_exact) = (!0, !0);
        }
        // The lexicons one of whose one-token entries is a token here are
        // confirmed, and the fused pass has already ORed their rows in
        // (see `Index::add_words_and_rows`): not ORed again.
        let folded = fused.map_or(0, |(_, any)| any);
        let lexicons = confirm_lexicons(compiled, facts, lexicons) & !folded;
        index.finish(sel, facts.any_shapes, lexicons, &mut sc.cands);
    }
    s0..e0
}

/// The entities of `entities` (sorted by start) inside the sentence of
/// tokens `range` whose labels the rules name, sentence-relative, into
/// `ents` (sorted by start, then longest first), and their labels' rows
/// into the selection `sel`. Out of line, with the rows and the order
/// checked in passes of their own: in `prepare`, among its live values,
/// the one loop kept its own in memory (≈ 110 instructions an entity;
/// −0.8 M over the benchmark run's 41k entities).
#[inline(never)]
fn sentence_entities(
    compiled: &Compiled,
    entities: &[EntityRef<'_>],
    range: std::ops::Range<usize>,
    ents: &mut Vec<Ent>,
    sel: &mut [u64],
) {
    let (s0, e0, index) = (range.start, range.end, &compiled.index);
    // The extractor passes the sentence's entities only (`rules::run`):
    // the first starts inside, and the search for it is skipped when it
    // does (14k calls a pass of the benchmark's extraction: this function
    // 5.31 M → 4.94 M instructions).
    let first = match entities.first() {
        Some(e) if e.tokens.start >= s0 => 0,
        _ => entities.partition_point(|e| e.tokens.start < s0),
    };
    for e in entities.get(first..).unwrap_or(&[]) {
        if e.tokens.start >= e0 {
            break;
        }
        if e.tokens.end <= e.tokens.start || e.tokens.end > e0 || e.tokens.start < s0 {
            continue;
        }
        if let Some(label) = compiled.labels.get(e.label) {
            let (start, end) = ((e.tokens.start - s0) as u32, (e.tokens.end - s0) as u32);
            ents.push(Ent { start, end, label });
        }
    }
    // The rows and the order in passes of their own, each with few live
    // values. Entities come sorted by start, mostly in this order too (the
    // relation rules' are resolved): sorted only when not.
    index.add_labels(sel, ents.iter().map(|e| e.label));
    if !ents.is_sorted_by_key(Ent::order) {
        sort_ents(ents);
    }
}

/// Sorts a sentence's entities (see [`Ent::order`]), out of line: most
/// come in order.
#[cold]
#[inline(never)]
fn sort_ents(ents: &mut [Ent]) {
    ents.sort_unstable_by_key(Ent::order);
}

/// The exact ids of `toks` into `facts.exact`, from their lower-case ids
/// in `facts.words`. Out of line: a loop of its own costs less than the same
/// loop among `prepare`'s live values (−0.3 M over the benchmark run).
///
/// With `one` (the exact lexicons' one-token rows, at most 64 lexicons),
/// also each token's row into `facts.lex_exact` (as long as the sentence
/// and all zeros on entry) and their union into `facts.any_exact`: only
/// the tokens given an exact id can have a row (the clamped id's row is
/// empty), so they are written as they are found, where a pass of its own
/// read every token's id (−1.17 M instructions over the benchmark run's
/// extraction).
#[inline(never)]
fn exact_ids(
    compiled: &Compiled,
    text: &str,
    toks: &[Token],
    facts: &mut Facts,
    one: Option<&[u64]>,
) {
    let v = &compiled.vocab;
    // Clamped too (see `clamp_ids`): a third of the tokens are marked, and
    // many of those have an exact id, so `NONE` is in no pattern here
    // either (0.17 M more mispredicted branches a run unclamped).
    let past = clamp_ids(v.exact_len());
    let Facts { words, exact, lex_exact, any_exact, .. } = facts;
    match one {
        // The row of the clamped id is empty (`Membership::build` leaves
        // one past the last id), so the tokens not found keep their zeros.
        Some(one) if one_word(one, past) == 0 => {
            // The union in a local, stored once: through `any_exact` it was
            // loaded and stored for every id found (−0.1 M a run).
            let (base, mut any) = (exact.len(), 0);
            v.exact_ids_into(text, toks, words, past, exact, |k, id| {
                let row = one_word(one, id);
                if let Some(r) = lex_exact.get_mut(base + k) {
                    *r = row;
                }
                any |= row;
            });
            *any_exact |= any;
        }
        Some(one) => {
            v.exact_ids_into(text, toks, words, past, exact, |_, _| {});
            lex_exact.clear();
            lex_exact.extend(exact.iter().map(|&id| one_word(one, id)));
            lex_exact.resize(words.len(), 0);
            *any_exact = lex_exact.iter().fold(0, |a, &r| a | r);
        }
        None => v.exact_ids_into(text, toks, words, past, exact, |_, _| {}),
    }
}

/// The id that stands for every word past a vocabulary of `len` words in
/// `Facts` (one past its last, where `NONE` was): each per-word table of the
/// rules (index rows, lexicon bits, eager hits) has an empty entry there,
/// so that the many tokens no rule knows read it like any other, with no
/// branch on whether their id is in the table (in no pattern a predictor
/// can learn: ≈ 0.6 M of 8.2 M mispredicted branches a benchmark run). It
/// is no word's id, so every comparison with a rule's word, every trie
/// walk and every membership test comes out as for `NONE`.
#[inline]
fn clamp_ids(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(NONE)
}

/// `seen` (the lexicons, as bits, an entry of which starts with a word of
/// the sentence, in lower case) less the lexicons none of whose entries is
/// there in full, as the lexicon matches (lower case or as written). A word
/// that is an entry on its own settles its lexicons; the others are walked
/// from each word that starts one of their entries. So "in" no longer keeps
/// the rules needing "in alliance with" in nearly every sentence, nor "may"
/// those needing a month.
///
/// One pass over the lower-case ids for both kinds of lexicon, with
/// [`Compiled::lex_starts`], rather than a second over the exact ids: a
/// third of the sentences had exact lexicons pending, and their pass
/// walked 138k words a benchmark run to find 731 that start an entry
/// (−1.5 M instructions a benchmark run).
fn confirm_lexicons(compiled: &Compiled, facts: &Facts, seen: u64) -> u64 {
    let (lower, exact) = (&compiled.lower_members, &compiled.exact_members);
    if lower.stride != 1 {
        return seen;
    }
    // `any_lower`, `any_exact`: the tokens' one-token memberships (from
    // rows filled for at most 64 lexicons).
    let mine = compiled.lower_lexicons;
    // Only the lexicons whose rows add to a selection (`Index::live_lexicons`):
    // the others select nothing either way. Over the benchmark run's
    // extraction, the starts looked at went 73.8k → 57.5k (−0.89 M
    // instructions).
    let live = compiled.index.live_lexicons();
    let mut pending = seen & live & (mine & !facts.any_lower | !mine & !facts.any_exact);
    let (words, exacts) = (&facts.words, &facts.exact);
    // Each token's starts as `prepare` listed them (see
    // `Index::add_words_and_rows`), not looked up again by its id.
    let starts = &facts.lex_starts;
    let mut p = 0;
    while pending != 0 {
        // Most words start no entry of a pending lexicon: skipped by a
        // search that only reads and tests (4 instructions a token, where
        // the loop with its three counters took 9).
        let at = starts.get(p..).and_then(|s| s.iter().position(|&s| s & pending != 0));
        let Some(maybe) = at.and_then(|k| starts.get(p + k)).map(|&s| s & pending) else { break };
        p += at.unwrap_or(0);
        // The lower-case lexicons' bits are `lower.start`'s.
        let low = maybe & mine;
        if low != 0 {
            pending &= !entries_at(compiled, lower, words, p, low);
        }
        if maybe & !mine != 0 {
            // Without exact ids (no exact lexicon) nothing starts. Most of
            // these words start no exact entry as written (possessives,
            // whose normal form stands for every exact form, and others).
            let e = exacts.get(p).map_or(0, |&e| one_word(&exact.start, e)) & maybe & !mine;
            if e != 0 {
                pending &= !entries_at(compiled, exact, exacts, p, e);
            }
        }
        p += 1;
    }
    seen & !pending
}

/// The lexicons of `maybe` (an entry of each of which starts with word
/// `p` of `ids`, none being one token there) an entry of which is at `p`
/// in full, as bits.
#[inline(always)]
fn entries_at(compiled: &Compiled, members: &Membership, ids: &[u32], p: usize, maybe: u64) -> u64 {
    let (Some(&id), Some(rest)) = (ids.get(p), ids.get(p..)) else { return 0 };
    // An entry needs the next word too, and most pairs start none (the
    // root's binary search in each walk cost more than the rest of the
    // pass).
    let maybe = maybe & members.first_pair(id, ids.get(p + 1).copied().unwrap_or(NONE));
    let mut found = 0;
    for_bits(maybe, |l| {
        if compiled.lexicons.get(l).is_none_or(|lex| lex.trie.longest(rest) > 0) {
            found |= 1 << l;
        }
    });
    found
}

/// Word `id` of `bits`, a [`Membership`] table of one word an id (at most
/// 64 lexicons: its one-token memberships or the lexicons an entry of
/// which starts with the word), with no test for [`NONE`], which is past
/// the end of any table and reads 0 as well (a compare and a branch less a
/// word in `prepare`'s loops: −1.2 M over the benchmark run). The ids of
/// `Facts` are never `NONE` but the vocabulary's size, the table's last,
/// all-zero entry (see [`clamp_ids`]): the bounds test always passes.
#[inline(always)]
fn one_word(bits: &[u64], id: u32) -> u64 {
    bits.get(id as usize).copied().unwrap_or(0)
}

/// The rules worth trying on `sentence`, by index into the rule list.
pub(crate) fn candidates(
    compiled: &Compiled,
    text: &str,
    tokens: &[Token],
    sentence: &Sentence,
    entities: &[EntityRef<'_>],
    sc: &mut Scratch,
) -> Vec<usize> {
    prepare(compiled, text, tokens, sentence, entities, sc);
    sc.cands.iter().map(|&r| r as usize).collect()
}

/// Appends the matches of every rule in `sentence` to `out`, sorted by
/// start token then rule.
pub(crate) fn find(
    compiled: &Compiled,
    text: &str,
    tokens: &[Token],
    sentence: &Sentence,
    entities: &[EntityRef<'_>],
    sc: &mut Scratch,
    out: &mut Vec<PatternMatch>,
) {
    let std::ops::Range { start: s0, end: e0 } =
        prepare(compiled, text, tokens, sentence, entities, sc);
    if sc.cands.is_empty() {
        return;
    }
    let first_out = out.len();
    let Scratch { facts, state, cands, starts, .. } = sc;
    // Written out rather than `Cx::new`, which costs the interpreter
    // (inlined below) 0.8 % more instructions, by code layout.
    let cx = Cx { text, tokens: &tokens[s0..e0], base: s0, facts, compiled };
    // The eager sets only when a candidate reads one: about a fifth of the
    // sentences with candidates need none (2.1k of 11.3k over the
    // benchmark run), and computing them is ≈ 1,000 instructions a
    // sentence (−1.7 M instructions over the benchmark run's extraction).
    let programs = &compiled.programs;
    if cands.iter().any(|&r| programs.get(r as usize).is_some_and(|p| p.reads_eager)) {
        starts.reset_eager(&cx);
    } else {
        starts.reset_without_eager(&cx);
    }
    for &r in cands.iter() {
        let Some(prog) = compiled.programs.get(r as usize) else { continue };
        // Before the start set: a rule that cannot match needs none.
        let Some(last) = starts.last_start(&cx, &prog.landmarks) else { continue };
        starts.ensure(&cx, prog.first);
        run_rule(&cx, prog, starts, r as usize, last, state, out);
    }
    out[first_out..].sort_unstable_by_key(|m| (m.tokens.start, m.rule));
}

/// Scans the sentence left to right for non-overlapping longest matches,
/// trying only the positions in `starts` up to `last`.
fn run_rule(
    cx: &Cx<'_>,
    prog: &Program,
    sets: &StartSets,
    rule: usize,
    last: usize,
    st: &mut State,
    out: &mut Vec<PatternMatch>,
) {
    // The starts past `last` cannot match (see `StartSets::last_start`).
    let stop = cx.tokens.len().min(last + 1);
    let starts = sets.computed(prog.first);
    let mut budget = MAX_STEPS_PER_SENTENCE;
    st.fit(prog);
    let mut pos = 0;
    while budget > 0 {
        let Some(p) = next_start(starts, pos) else { break };
        if p >= stop {
            break;
        }
        pos = p;
        if prog.second.is_some_and(|second| !sets.second_passes(cx, second, pos)) {
            pos += 1;
            continue;
        }
        match longest_at::<true>(cx, prog, pos, st, &mut budget) {
            Some(end) => {
                let captures = Captures::from_slots(&prog.captures, &st.best, pos);
                out.push(PatternMatch { rule, tokens: cx.base + pos..cx.base + end, captures });
                pos = end;
            }
            None => pos += 1,
        }
    }
}

/// The end of the longest non-empty match starting at `start`, with its
/// captures in `st.best`; `st` sized by [`State::fit`] for `prog` in this
/// sentence.
///
/// With `FUSE`, a split whose first branch begins with a token test or a
/// lexicon decides it at once (see [`Inst::Split`] below), a save with
/// nothing left to backtrack to pushes no restore (see [`save`]), and a
/// program's first save is done before the loop ([`Program::entry_save`]);
/// without it, the plain interpreter, which the tests compare it with.
fn longest_at<const FUSE: bool>(
    cx: &Cx<'_>,
    prog: &Program,
    start: usize,
    st: &mut State,
    budget: &mut u32,
) -> Option<usize> {
    let n = cx.tokens.len();
    let limit = n.min(start + MAX_MATCH_TOKENS);
    let insts = &prog.insts;
    st.visit_gen = st.visit_gen.wrapping_add(1);
    if st.visit_gen == 0 {
        st.visited.fill([0; VISIT_ROW]);
        st.visit_gen = 1;
    }
    let gen = st.visit_gen;
    reset_slots(st);
    st.stack.clear();
    // A first `Save` no jump returns to is done here, counted as the step
    // the loop would count, with no restore (the stack is empty, as with
    // `save`'s `lean`): one turn of the loop less an attempt (−0.2 M
    // instructions over the benchmark run).
    let mut entry = 0;
    if FUSE && prog.entry_save != NONE {
        if *budget == 0 {
            return None;
        }
        *budget -= 1;
        if let Some(s) = st.slots.get_mut(prog.entry_save as usize) {
            *s = start as u32;
        }
        entry = 1;
    }
    st.stack.push(Frame::Explore { pc: entry, pos: start as u32 });
    let State { visited, stack, slots, best: kept, .. } = st;
    // As long as `insts`, so that the test of `pc` against it covers the
    // row's index too.
    let visited = &mut visited[..insts.len()];
    let facts = cx.facts;
    let ents = facts.ents.as_slice();
    // The end of the best match so far, 0 for none: a match is not empty,
    // so it ends past `start`, and so past 0. One value, where an
    // `Option` held two (a tag and the end) among the loop's values,
    // most of them on the stack already: −1.0 M instructions over the
    // benchmark run's extraction.
    let mut best = 0;
    let found = |best: usize| (best != 0).then_some(best);

    while let Some(frame) = stack.pop() {
        let (mut pc, mut pos) = match frame {
            Frame::Restore { slot, value } => {
                slots[slot as usize] = value;
                continue;
            }
            Frame::Explore { pc, pos } => (pc as usize, pos as usize),
            Frame::Ent { pc, pos, from } => {
                let Some(Inst::Ent { save: slot, labels }) = insts.get(pc as usize) else {
                    continue;
                };
                match next_ent(ents, labels, pos, from as usize, limit) {
                    Some((k, end)) => {
                        stack.push(Frame::Ent { pc, pos, from: k as u32 + 1 });
                        // The capture's start was saved with the first
                        // entity, and its restore lies below this frame.
                        if *slot != NONE {
                            save(stack, slots, *slot + 1, end, FUSE);
                        }
                        (pc as usize + 1, end)
                    }
                    None => continue,
                }
            }
        };
        loop {
            if *budget == 0 {
                return found(best);
            }
            *budget -= 1;
            let Some(inst) = insts.get(pc) else { break };
            let mark = &mut visited[pc][pos % VISIT_ROW];
            if *mark == gen {
                break;
            }
            *mark = gen;
            let ok = match inst {
                Inst::Match => {
                    if pos > start && pos > best {
                        best = pos;
                        keep_best(slots, kept);
                        if pos == limit {
                            return found(best);
                        }
                    }
                    break;
                }
                // The one-token tests, as `token_passes` decides them, but
                // in this one dispatch: calling it from here costs 0.4 %.
                Inst::Word(id) => pos < limit && facts.words[pos] == *id,
                Inst::Words(ids) => pos < limit && ids.binary_search(&facts.words[pos]).is_ok(),
                Inst::Exact(s) => pos < limit && cx.tokens[pos].span.range().eq_text(cx.text, s),
                Inst::Any => pos < limit,
                // The commonest tests without a call.
                Inst::Test(Test::Shape(bit)) => pos < limit && facts.has_shape(pos, *bit),
                Inst::Test(Test::Flat(t)) => pos < limit && flat_passes(cx, t, pos),
                Inst::Test(t) => pos < limit && eval(cx, t, pos),
                Inst::Lex(l) => {
                    let k = lex_length(cx, *l, pos, limit);
                    if k == 0 {
                        break;
                    }
                    pos += k;
                    pc += 1;
                    continue;
                }
                Inst::Ent { save: slot, labels } => {
                    let from = ents.partition_point(|e| (e.start as usize) < pos);
                    match next_ent(ents, labels, pos as u32, from, limit) {
                        Some((k, end)) => {
                            // As `Save(slot)`, the slot and `Save(slot + 1)`
                            // would: the start's restore below the frame
                            // that tries the next entity, the end's above.
                            if *slot != NONE {
                                save(stack, slots, *slot, pos, FUSE);
                            }
                            stack.push(Frame::Ent {
                                pc: pc as u32,
                                pos: pos as u32,
                                from: k as u32 + 1,
                            });
                            if *slot != NONE {
                                save(stack, slots, *slot + 1, end, FUSE);
                            }
                            pos = end;
                            pc += 1;
                            continue;
                        }
                        None => break,
                    }
                }
                Inst::Ents(groups) => match first_of_groups(ents, groups, pos, limit, pc, stack) {
                    Some(end) => {
                        pos = end;
                        pc += 1;
                        continue;
                    }
                    None => break,
                },
                Inst::ShapeEnts { shape, groups } => {
                    // The entities' branches, to be explored in order
                    // after the shape's, which comes first when it passes.
                    let first = first_of_groups(ents, groups, pos, limit, pc, stack);
                    if pos < limit && facts.has_shape(pos, *shape) {
                        if let Some(end) = first {
                            stack.push(Frame::Explore { pc: pc as u32 + 1, pos: end as u32 });
                        }
                        pos += 1;
                        pc += 1;
                        continue;
                    }
                    match first {
                        Some(end) => {
                            pos = end;
                            pc += 1;
                            continue;
                        }
                        None => break,
                    }
                }
                Inst::Split(a, b) => {
                    let (a, b) = (*a as usize, *b as usize);
                    // A first branch that is one token failing here (a
                    // third of them) goes straight on to the second, which
                    // saves pushing the second and popping it back. The
                    // step at `(a, pos)` is counted and marked just as the
                    // loop would, so budgets and results are unchanged.
                    if FUSE && insts.get(a).is_some_and(is_token_test) {
                        if *budget == 0 {
                            return found(best);
                        }
                        *budget -= 1;
                        let mark = &mut visited[a][pos % VISIT_ROW];
                        let seen = *mark == gen;
                        *mark = gen;
                        if seen || !token_passes(cx, &insts[a], pos, limit) {
                            pc = b;
                            continue;
                        }
                        stack.push(Frame::Explore { pc: b as u32, pos: pos as u32 });
                        pc = a + 1;
                        pos += 1;
                        continue;
                    }
                    // A first branch that is a lexicon is decided at once
                    // too (its step counted and marked as the loop would):
                    // 35k of the 101k lexicon steps a benchmark run come
                    // from such splits, and two lexicon steps in three
                    // find no entry starting, when the second branch now
                    // follows without a frame (−1.1 M instructions over
                    // the benchmark run).
                    if let Some(Inst::Lex(l)) = insts.get(a).filter(|_| FUSE) {
                        if *budget == 0 {
                            return found(best);
                        }
                        *budget -= 1;
                        let mark = &mut visited[a][pos % VISIT_ROW];
                        let seen = *mark == gen;
                        *mark = gen;
                        let k = if seen { 0 } else { lex_length(cx, *l, pos, limit) };
                        if k == 0 {
                            pc = b;
                            continue;
                        }
                        stack.push(Frame::Explore { pc: b as u32, pos: pos as u32 });
                        pc = a + 1;
                        pos += k;
                        continue;
                    }
                    stack.push(Frame::Explore { pc: b as u32, pos: pos as u32 });
                    pc = a;
                    continue;
                }
                Inst::Jmp(a) => {
                    pc = *a as usize;
                    continue;
                }
                Inst::Save(slot) => {
                    save(stack, slots, *slot, pos, FUSE);
                    pc += 1;
                    continue;
                }
                Inst::Start => {
                    if pos != 0 {
                        break;
                    }
                    pc += 1;
                    continue;
                }
                Inst::End => {
                    if pos != n {
                        break;
                    }
                    pc += 1;
                    continue;
                }
            };
            if !ok {
                break;
            }
            pos += 1;
            pc += 1;
        }
    }
    found(best)
}

/// The token count of the longest entry of lexicon `l` at `pos` ending by
/// `limit`, or 0, as [`Inst::Lex`] takes it. The membership bit rejects
/// most tokens at once, and decides a lexicon of one-token entries alone.
///
/// Before it, the token's row of lexicon starts that preparation made
/// (`Facts::lex_starts`, with at most 64 lexicons; empty otherwise): bit
/// `l` is set wherever an entry of `l` can start, lower case or as
/// written (the exact lexicons' bits of every exact form of the token's
/// normal form, see `Compiled::lex_starts`), so a clear bit is a 0 for
/// certain. Two lexicon steps in three find no entry starting, and the
/// row is one load where the lexicon, its kind, the id and the
/// membership row took ≈ 25 instructions (−1.7 M over the benchmark
/// run's extraction).
#[inline(always)]
fn lex_length(cx: &Cx<'_>, l: u32, pos: usize, limit: usize) -> usize {
    let facts = cx.facts;
    if facts.lex_starts.get(pos).is_some_and(|&s| s.checked_shr(l).is_some_and(|b| b & 1 == 0)) {
        return 0;
    }
    let Some(lex) = cx.compiled.lexicons.get(l as usize) else { return 0 };
    let (ids, members) = if lex.exact {
        (&facts.exact, &cx.compiled.exact_members)
    } else {
        (&facts.words, &cx.compiled.lower_members)
    };
    let Some(&first) = ids.get(pos).filter(|_| pos < limit) else { return 0 };
    if !members.starts(first, l) {
        0
    } else if lex.single {
        1
    } else {
        longest_entry(ids.get(pos..limit).unwrap_or(&[]), members, lex, l)
    }
}

/// The token count of the longest entry of lexicon `lex` (number `l`)
/// that `ids` starts with (its first word starts one), or 0, as
/// `lex.trie.longest` finds it. When the first two words are no pair an
/// entry of two tokens or more starts with (`Membership::first_pair`),
/// the answer is whether the first word is an entry alone, without the
/// walk, whose search of the root's many edges was ≈ 130 instructions a
/// call: most multi-token entries' first words ("minister", "the") are
/// followed by a word that continues none (−1.3 M instructions over the
/// benchmark run).
#[inline(always)]
fn longest_entry(ids: &[u32], members: &Membership, lex: &Lexicon, l: u32) -> usize {
    match ids {
        [first, second, ..]
            if members.first_pair(*first, *second).checked_shr(l).is_some_and(|b| b & 1 == 0) =>
        {
            usize::from(members.one(*first, l))
        }
        [first] => usize::from(members.one(*first, l)),
        _ => lex.trie.longest(ids),
    }
}

/// The length of a row of visit marks ([`State::visited`]): a power of
/// two above the widest attempt, [`MAX_MATCH_TOKENS`] + 1 positions, so
/// that an index taken modulo it needs no bounds test and the positions
/// of one attempt, consecutive, fall on distinct marks.
const VISIT_ROW: usize = (MAX_MATCH_TOKENS + 1).next_power_of_two();

/// Capture slots are reset, and kept as the best, a block of this many at
/// a time: rules have at most four captures, nearly all of them.
const SLOT_BLOCK: usize = 8;

/// Unsets every capture slot of `st`, sized by [`State::fit`]. There are
/// at least [`SLOT_BLOCK`] slots (those past the program's are never
/// saved to, nor read after a match), so that the reset of each attempt is
/// a store of one fixed block rather than a `memset` call of its length.
#[inline(always)]
fn reset_slots(st: &mut State) {
    let (block, rest) = st.slots.split_at_mut(SLOT_BLOCK);
    block.copy_from_slice(&[NONE; SLOT_BLOCK]);
    if !rest.is_empty() {
        rest.fill(NONE);
    }
}

/// Copies the capture `slots` to `best` (of the same length, at
/// least [`SLOT_BLOCK`]; see [`reset_slots`]): one fixed block, then the
/// rest if any, rather than a `memcpy` call of their length.
#[inline(always)]
fn keep_best(slots: &[u32], best: &mut [u32]) {
    best[..SLOT_BLOCK].copy_from_slice(&slots[..SLOT_BLOCK]);
    if slots.len() > SLOT_BLOCK {
        best[SLOT_BLOCK..].copy_from_slice(&slots[SLOT_BLOCK..]);
    }
}

/// Sets capture slot `slot` of `slots` to `pos`, with a frame on `stack`
/// to restore its value on backtracking; with `lean`, none when nothing
/// is left to backtrack to (an empty stack: the restore would come after every path was
/// tried, when the slots are no longer read). Over a third of the saves
/// come first in their attempt, most of them the head capture that
/// relation rules begin with (−0.6 M instructions over the benchmark run).
#[inline(always)]
fn save(stack: &mut Vec<Frame>, slots: &mut [u32], slot: u32, pos: usize, lean: bool) {
    if let Some(s) = slots.get_mut(slot as usize) {
        if !lean || !stack.is_empty() {
            stack.push(Frame::Restore { slot, value: *s });
        }
        *s = pos as u32;
    }
}

/// Whether `inst` is a test of one token (that moves on by one token when
/// it passes), as [`token_passes`] decides.
#[inline(always)]
fn is_token_test(inst: &Inst) -> bool {
    matches!(inst, Inst::Word(_) | Inst::Words(_) | Inst::Exact(_) | Inst::Any | Inst::Test(_))
}

/// Whether the one-token test `inst` passes at `pos` (before `limit`);
/// false for any other instruction.
#[inline(always)]
fn token_passes(cx: &Cx<'_>, inst: &Inst, pos: usize, limit: usize) -> bool {
    let facts = cx.facts;
    pos < limit
        && match inst {
            Inst::Word(id) => facts.words[pos] == *id,
            Inst::Words(ids) => ids.binary_search(&facts.words[pos]).is_ok(),
            Inst::Exact(s) => cx.tokens[pos].span.range().eq_text(cx.text, s),
            Inst::Any => true,
            Inst::Test(Test::Shape(bit)) => facts.has_shape(pos, *bit),
            Inst::Test(Test::Flat(t)) => flat_passes(cx, t, pos),
            Inst::Test(t) => eval(cx, t, pos),
            _ => false,
        }
}

/// The next entity from `ents[from]` on that starts at `pos`, has one of
/// `labels` and ends by `limit`: its index and end.
#[inline]
fn next_ent(
    ents: &[Ent],
    labels: &LabelSet,
    pos: u32,
    from: usize,
    limit: usize,
) -> Option<(usize, usize)> {
    for (k, e) in ents.iter().enumerate().skip(from) {
        if e.start != pos {
            return None;
        }
        if (e.end as usize) <= limit && labels.has(e.label) {
            return Some((k, e.end as usize));
        }
    }
    None
}

/// The end of the first entity that [`Inst::Ents`] at `pc` takes at
/// `pos` (ending by `limit`): the first of its first label group to have
/// one, in the entities' order. The others it takes are pushed on `stack`
/// to be explored after it, in their order (group by group), as the
/// branches it stands for would have been.
#[inline(always)]
fn first_of_groups(
    ents: &[Ent],
    groups: &[LabelSet],
    pos: usize,
    limit: usize,
    pc: usize,
    stack: &mut Vec<Frame>,
) -> Option<usize> {
    let here = ents_at(ents, pos);
    let mut first = None;
    // Backwards, so that the last pushed is the next after the first.
    for labels in groups.iter().rev() {
        for e in here.iter().rev() {
            if (e.end as usize) <= limit && labels.has(e.label) {
                if let Some(end) = first.replace(e.end) {
                    stack.push(Frame::Explore { pc: pc as u32 + 1, pos: end });
                }
            }
        }
    }
    first.map(|end| end as usize)
}

fn eval(cx: &Cx<'_>, t: &Test, pos: usize) -> bool {
    let f = cx.facts;
    match t {
        Test::Shape(bit) => f.has_shape(pos, *bit),
        Test::Word(id) => f.words.get(pos) == Some(id),
        Test::Exact(s) => cx.tokens.get(pos).is_some_and(|t| t.span.range().eq_text(cx.text, s)),
        Test::Lex(l) => cx.compiled.lexicons.get(*l as usize).is_some_and(|lex| {
            let (ids, members) = if lex.exact {
                (&f.exact, &cx.compiled.exact_members)
            } else {
                (&f.words, &cx.compiled.lower_members)
            };
            ids.get(pos).is_some_and(|&id| members.one(id, *l))
        }),
        Test::Flat(flat) => eval_flat(cx, flat, pos),
        Test::Not(x) => !eval(cx, x, pos),
        Test::And(v) => v.iter().all(|x| eval(cx, x, pos)),
        Test::Or(v) => v.iter().any(|x| eval(cx, x, pos)),
    }
}

/// Whether flat test `t` passes at `pos`. The shape masks, which reject
/// most tokens (two in three), are tested here, the rest in
/// [`eval_flat_rest`]: so the rejections return before the registers the
/// rest needs are saved, which the compiler would otherwise do first.
#[inline(never)]
fn eval_flat(cx: &Cx<'_>, t: &Flat, pos: usize) -> bool {
    let Some(&shape) = cx.facts.shapes.get(pos) else { return false };
    if !shapes_pass(shape, t.shapes_all, t.shapes_none) {
        return false;
    }
    eval_flat_rest(cx, t, pos, shape)
}

/// [`eval_flat`] with its shape masks tested in place, before any call:
/// for the interpreter's test instructions, where two in three tokens
/// fail them.
#[inline(always)]
fn flat_passes(cx: &Cx<'_>, t: &Flat, pos: usize) -> bool {
    let Some(&shape) = cx.facts.shapes.get(pos) else { return false };
    shapes_pass(shape, t.shapes_all, t.shapes_none) && eval_flat_rest(cx, t, pos, shape)
}

/// Whether shape bits `shape` have all of `all` and none of `none`.
#[inline(always)]
fn shapes_pass(shape: u16, all: u16, none: u16) -> bool {
    shape & all == all && shape & none == 0
}

/// [`eval_flat`] past its shape masks, for token `pos` of shape bits
/// `shape`.
#[inline(never)]
#[allow(clippy::manual_contains)] // see the `words_none` loop below
fn eval_flat_rest(cx: &Cx<'_>, t: &Flat, pos: usize, shape: u16) -> bool {
    let f = cx.facts;
    if t.shapes_any.iter().any(|&g| shape & g == 0) {
        return false;
    }
    let word = f.words.get(pos).copied().unwrap_or(NONE);
    // A plain loop rather than `contains`, whose wide compares (for lists
    // of a few words) take registers that every call then saves (+1 M
    // instructions over the benchmark run).
    if t.word.is_some_and(|w| w != word) || t.words_none.iter().any(|&w| w == word) {
        return false;
    }
    if let (Some(&lower), Some(&exact)) = (f.lex_lower.get(pos), f.lex_exact.get(pos)) {
        // At most 64 lexicons: one word of bits each.
        let [lower_all, lower_none, exact_all, exact_none] = t.first_words;
        return lower & lower_all == lower_all
            && lower & lower_none == 0
            && exact & exact_all == exact_all
            && exact & exact_none == 0;
    }
    flat_lexicons_pass(cx, t, pos)
}

/// The lexicon part of [`eval_flat`] when the rules have more than 64
/// lexicons (no one-word rows): out of line, as it is rare.
#[inline(never)]
fn flat_lexicons_pass(cx: &Cx<'_>, t: &Flat, pos: usize) -> bool {
    let (f, c) = (cx.facts, cx.compiled);
    lexicons_pass(&t.lower_all, &t.lower_none, f.words.get(pos), &c.lower_members)
        && lexicons_pass(&t.exact_all, &t.exact_none, f.exact.get(pos), &c.exact_members)
}

/// Whether word `id` is in every lexicon of `all` and in none of `none`
/// (bit sets as in [`Membership`]).
#[inline(always)]
fn lexicons_pass(all: &[u64], none: &[u64], id: Option<&u32>, members: &Membership) -> bool {
    if all.is_empty() && none.is_empty() {
        return true;
    }
    let row = members.row(id.copied().unwrap_or(NONE));
    let has = |k: usize| row.get(k).copied().unwrap_or(0);
    all.iter().enumerate().all(|(k, &m)| has(k) & m == m)
        && none.iter().enumerate().all(|(k, &m)| has(k) & m == 0)
}

/// Compares the text a byte range covers with a string, never panicking.
trait EqText {
    fn eq_text(&self, text: &str, s: &str) -> bool;
}

impl EqText for std::ops::Range<usize> {
    #[inline]
    fn eq_text(&self, text: &str, s: &str) -> bool {
        text.get(self.clone()) == Some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patterns::compile::{entry_save, first_consumers, on_every_path};
    use crate::patterns::index::Trig;
    use crate::patterns::shape::shape_bits;
    use crate::patterns::EntityRef;
    use crate::patterns::RuleSetBuilder;
    use crate::testing::rule_set;
    use crate::tokenize::Tokenizer;

    /// A sentence of `len` words drawn from `pool` by a fixed generator.
    fn sentence(seed: &mut u64, pool: &[&str], len: usize) -> String {
        let mut out = Vec::with_capacity(len);
        for _ in 0..len {
            *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            out.push(pool[(*seed >> 33) as usize % pool.len()]);
        }
        out.join(" ")
    }

    /// Generation marks shared by sets of different sizes (as the entity
    /// and relation rule sets share a scratch), across the counter's wrap:
    /// an entry reads as marked exactly when it was marked in the current
    /// generation, as a fresh set of flags per generation would say.
    #[test]
    fn generation_marks_agree_with_fresh_flags() {
        let mut next = crate::testing::xorshift(0x9e37_79b9);
        // Marks left from long ago, as after any number of generations:
        // the generations after the wrap reach their values again.
        let mut marks: Vec<u32> = (0..40).map(|k| k * 3 + 1).collect();
        let mut gen = u32::MAX - 40;
        let mut marked = 0;
        for round in 0..200 {
            let len = [5, 17, 0, 9, 64][round % 5] + (next() % 3) as usize;
            let g = next_generation(&mut marks, &mut gen, len);
            assert!(marks.len() >= len && g == gen);
            let mut fresh = vec![false; len];
            for _ in 0..(next() % 8) {
                let k = (next() % (len as u64).max(1)) as usize;
                if let (Some(m), Some(f)) = (marks.get_mut(k), fresh.get_mut(k)) {
                    *m = g;
                    *f = true;
                }
            }
            for (k, &f) in fresh.iter().enumerate() {
                assert_eq!(marks.get(k) == Some(&g), f, "round {round}, entry {k}");
                marked += usize::from(f);
            }
        }
        assert!(gen < 200 && marked > 300, "{gen} {marked}");
    }

    /// The ids `prepare` gives the words no rule has ([`clamp_ids`]: one
    /// past the vocabulary, where [`NONE`] was) are inside every per-word
    /// table (the point: the bounds tests always pass) and read there as
    /// `NONE` does (no index row, no lexicon bits, no eager hits); every
    /// other word keeps its id, lower case and exact.
    #[test]
    fn words_no_rule_has_read_as_none_from_inside_every_table() {
        let rules = "lexicon L = w1 | \"w2 w3\" | w9\nlexicon E exact = Foo | \"Bar w1\"\n\
                     entity a X: \"w4\" <L> Cap\nentity b X: <E> w5\nentity c X: (w6 | w7) Any\n";
        let set = rule_set(rules);
        let c = &set.inner.compiled;
        let (lower, exact) = (clamp_ids(c.vocab.lower_len()), clamp_ids(c.vocab.exact_len()));
        let (rows, firsts) = c.index.word_tables();
        assert!(rows > lower as usize && firsts > lower as usize, "{rows} {firsts} {lower}");
        assert!(c.eager.hit_ids() > lower as usize, "{} {lower}", c.eager.hit_ids());
        for (m, id) in [(&c.lower_members, lower), (&c.exact_members, exact)] {
            assert_eq!(m.stride, 1);
            assert!(m.one.len() > id as usize && m.start.len() > id as usize, "{id}");
            for past in [id, NONE] {
                assert_eq!((one_word(&m.one, past), one_word(&m.start, past)), (0, 0));
                assert!(
                    !m.one(past, 0) && !m.starts(past, 0) && m.row(past).iter().all(|&w| w == 0)
                );
            }
        }
        for past in [lower, NONE] {
            assert!(c.eager.hits(past).is_empty());
            let block = c.eager.first_block(past);
            let spare = |(j, h): (usize, &EagerHit)| h.check as usize == c.starts.len() + j;
            assert!(block.hits.iter().enumerate().all(spare) && block.next == 0);
            let mut sel = Vec::new();
            c.index.clear(&mut sel);
            assert_eq!(c.index.add_words(&mut sel, &[past, past]), 0);
            assert!(sel.iter().all(|&w| w == 0), "{sel:?}");
        }
        let tk = Tokenizer::new();
        let mut sc = Scratch::default();
        let mut norm = String::new();
        let pool = ["w1", "w2", "w3", "w4", "w5", "w6", "Foo", "Bar", "zzz", "Qq", "7", "."];
        let mut seed = 0x0c1a_3bed;
        let (mut known, mut unknown) = (0, 0);
        for len in [1, 5, 20, 70] {
            let text = sentence(&mut seed, &pool, len);
            let tokens = tk.tokenize(&text);
            prepare(c, &text, &tokens, &whole(&text, &tokens), &[], &mut sc);
            assert_eq!(sc.facts.words.len(), tokens.len());
            for (p, t) in tokens.iter().enumerate() {
                let id = c.vocab.lower_id(&text, t, &mut norm);
                let want = if id == NONE { lower } else { id };
                assert_eq!(sc.facts.words[p], want, "{text:?} at {p}");
                let want = match c.vocab.exact_id(&text, t) {
                    NONE => exact,
                    id => id,
                };
                if let Some(&got) = sc.facts.exact.get(p) {
                    assert_eq!(got, want, "{text:?} at {p}");
                }
                (known, unknown) =
                    (known + usize::from(id != NONE), unknown + usize::from(id == NONE));
            }
        }
        assert!(known > 20 && unknown > 10, "{known} {unknown}");
    }

    /// A sentence's entities come out of `prepare` in their order (start,
    /// longest first, label), sorted or not as they come in: entities
    /// sorted by start only, several at a start in any order, or already
    /// in order (the check that skips the sort), over sentences of a
    /// document with entities on both sides.
    /// Up to two entities starting at each of `n` tokens, 1 to 3 tokens
    /// long, of the `labels`, in start order.
    fn random_entities<'l>(
        next: &mut impl FnMut() -> u64,
        n: usize,
        labels: &[&'l str],
    ) -> Vec<EntityRef<'l>> {
        let mut ents = Vec::new();
        for k in 0..n {
            for _ in 0..next() % 3 {
                let end = k + 1 + next() as usize % 3;
                ents.push(EntityRef {
                    tokens: k..end,
                    label: labels[next() as usize % labels.len()],
                });
            }
        }
        ents
    }

    #[test]
    fn prepared_entities_are_in_order_however_they_come() {
        let compiled =
            &rule_set("entity a X: {PER} said\nentity b X: {ORG} {LOC}\n").inner.compiled;
        let labels = ["PER", "ORG", "LOC", "GPE"];
        let tk = Tokenizer::new();
        let mut sc = Scratch::default();
        let mut next = crate::testing::xorshift(0x5eed_e475);
        let (mut sorted_in, mut unsorted_in) = (0, 0);
        for _ in 0..400 {
            let n = 1 + next() as usize % 40;
            let text = vec!["w"; n].join(" ");
            let tokens = tk.tokenize(&text);
            let mut ents = random_entities(&mut next, n, &labels);
            // Sorted by start, as callers give them; in full order at times.
            if next() % 3 == 0 {
                ents.sort_by_key(|e| (e.tokens.start, usize::MAX - e.tokens.end, e.label));
            } else {
                ents.sort_by_key(|e| e.tokens.start);
            }
            let (s0, e0) = (next() as usize % n, n);
            let s0 = s0.min(e0 - 1);
            let sentence = Sentence { tokens: s0..e0, span: crate::span::Span::new(0, text.len()) };
            prepare(compiled, &text, &tokens, &sentence, &ents, &mut sc);
            let got: Vec<_> = sc.facts.ents.iter().map(|e| (e.start, e.end, e.label)).collect();
            let mut want: Vec<_> = ents
                .iter()
                .filter(|e| e.tokens.start >= s0 && e.tokens.end <= e0)
                .filter_map(|e| {
                    let label = compiled.labels.get(e.label)?;
                    Some(((e.tokens.start - s0) as u32, (e.tokens.end - s0) as u32, label))
                })
                .collect();
            let before = want.clone();
            want.sort_by_key(|&(s, e, l)| (s, u32::MAX - e, l));
            if before == want {
                sorted_in += 1;
            } else {
                unsorted_in += 1;
            }
            assert_eq!(got, want, "{ents:?} in {s0}..{e0}");
        }
        assert!(sorted_in > 50 && unsorted_in > 50, "{sorted_in} {unsorted_in}");
    }

    /// A sentence's entities and their rows in the selection are the same
    /// whether `prepare` is given the whole document's entities or, as
    /// `rules::run` gives them, those from the sentence's first on (the
    /// first then starts inside, and is not searched for: see
    /// `sentence_entities`); sentences at the start, middle and end of a
    /// document, with entities on both sides and at their first token.
    #[test]
    fn prepared_entities_are_the_same_from_the_sentences_first() {
        let compiled =
            &rule_set("entity a X: {PER} said\nentity b X: {ORG} {LOC}\n").inner.compiled;
        let labels = ["PER", "ORG", "LOC", "GPE"];
        let tk = Tokenizer::new();
        let (mut whole_sc, mut own_sc) = (Scratch::default(), Scratch::default());
        let mut next = crate::testing::xorshift(0xf125_7e47);
        let (mut inside, mut before) = (0, 0);
        for _ in 0..400 {
            let n = 2 + next() as usize % 40;
            let text = vec!["w"; n].join(" ");
            let tokens = tk.tokenize(&text);
            let mut ents = random_entities(&mut next, n, &labels);
            ents.sort_by_key(|e| e.tokens.start);
            let s0 = next() as usize % n;
            let e0 = s0 + 1 + next() as usize % (n - s0);
            let sentence = Sentence { tokens: s0..e0, span: crate::span::Span::new(0, text.len()) };
            let own = &ents[ents.partition_point(|e| e.tokens.start < s0)..];
            if ents.len() > own.len() {
                before += 1;
            }
            if own.first().is_some_and(|e| e.tokens.start == s0) {
                inside += 1;
            }
            prepare(compiled, &text, &tokens, &sentence, &ents, &mut whole_sc);
            prepare(compiled, &text, &tokens, &sentence, own, &mut own_sc);
            let got = |sc: &Scratch| -> Vec<_> {
                sc.facts.ents.iter().map(|e| (e.start, e.end, e.label)).collect()
            };
            assert_eq!(got(&own_sc), got(&whole_sc), "{ents:?} in {s0}..{e0}");
            assert_eq!(own_sc.cands, whole_sc.cands, "{ents:?} in {s0}..{e0}");
        }
        assert!(inside > 50 && before > 50, "{inside} {before}");
    }

    /// The whole of `text`, cut into `tokens`, as one sentence.
    fn whole(text: &str, tokens: &[Token]) -> Sentence {
        Sentence { tokens: 0..tokens.len(), span: crate::span::Span::new(0, text.len()) }
    }

    /// Entities over `n` tokens: at about one token in `every`, one of
    /// one to `longest` tokens labelled from `labels`, by a fixed generator.
    fn entities<'l>(
        seed: &mut u64,
        n: usize,
        every: u64,
        longest: usize,
        labels: &[&'l str],
    ) -> Vec<EntityRef<'l>> {
        let mut ents = Vec::new();
        for k in 0..n {
            *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            if (*seed >> 40) % every == 0 {
                let end = (k + 1 + (*seed >> 20) as usize % longest).min(n);
                let label = labels[(*seed >> 50) as usize % labels.len()];
                ents.push(EntityRef { tokens: k..end, label });
            }
        }
        ents
    }

    /// Calls `f` with the prepared facts (start sets reset) of 90
    /// sentences drawn from `pool`, of up to three 64-bit words, long and
    /// short in turn, with entities labelled PER, ORG or LOC at about one
    /// token in three; one scratch serves them all, as in use. `f` also
    /// gets the sentence and its entities, to name them in a failure.
    fn each_prepared_sentence(
        compiled: &Compiled,
        pool: &[&str],
        seed: u64,
        f: impl FnMut(&Cx<'_>, &mut StartSets, &str),
    ) {
        each_labelled_sentence(compiled, pool, &["PER", "ORG", "LOC"], seed, f);
    }

    /// [`each_prepared_sentence`] with entities labelled from `labels`.
    fn each_labelled_sentence(
        compiled: &Compiled,
        pool: &[&str],
        labels: &[&str],
        seed: u64,
        f: impl FnMut(&Cx<'_>, &mut StartSets, &str),
    ) {
        let lens = [70, 1, 8, 30, 64, 130].repeat(15);
        each_sentence_of(compiled, pool, &lens, labels, seed, f);
    }

    /// Sentences of `lens` tokens from `pool`, one after another through
    /// one scratch (as in use: nothing may leak into the next sentence),
    /// each prepared whole with its eager sets made, given to `f` with a
    /// description for failures: with entities labelled from `labels` at
    /// about one token in three, or none when `labels` is empty.
    fn each_sentence_of(
        compiled: &Compiled,
        pool: &[&str],
        lens: &[usize],
        labels: &[&str],
        mut seed: u64,
        mut f: impl FnMut(&Cx<'_>, &mut StartSets, &str),
    ) {
        let tk = Tokenizer::new();
        let mut sc = Scratch::default();
        for &len in lens {
            let text = sentence(&mut seed, pool, len);
            let tokens = tk.tokenize(&text);
            let ents = match labels {
                [] => Vec::new(),
                _ => entities(&mut seed, tokens.len(), 3, 2, labels),
            };
            let all = whole(&text, &tokens);
            let range = prepare(compiled, &text, &tokens, &all, &ents, &mut sc);
            let Scratch { facts, starts, .. } = &mut sc;
            let cx = Cx::new(compiled, &text, &tokens, range, facts);
            starts.reset_eager(&cx);
            f(&cx, starts, &format!("{text:?} {ents:?}"));
        }
    }

    /// Checks the candidates of sentences drawn from `pool` (with random
    /// entities) against the rules selected directly: a trigger of the
    /// index in the sentence, and every required group met. Returns how
    /// many candidates there were.
    fn assert_selection(compiled: &Compiled, pool: &[&str], mut seed: u64) -> usize {
        let labels = ["PER", "ORG", "LOC"];
        let tk = Tokenizer::new();
        let mut picked = 0;
        // One scratch for all sentences, as in use: nothing of one
        // sentence's selection may leak into the next.
        let mut sc = Scratch::default();
        for len in [1, 3, 6, 12, 30] {
            for _ in 0..60 {
                let text = sentence(&mut seed, pool, len);
                let tokens = tk.tokenize(&text);
                let ents = entities(&mut seed, tokens.len(), 4, 1, &labels);
                let all = whole(&text, &tokens);
                let got = candidates(compiled, &text, &tokens, &all, &ents, &mut sc);
                let mut norm = String::new();
                let words: Vec<u32> =
                    tokens.iter().map(|t| compiled.vocab.lower_id(&text, t, &mut norm)).collect();
                let exact: Vec<u32> =
                    tokens.iter().map(|t| compiled.vocab.exact_id(&text, t)).collect();
                // A lexicon is there when one of its entries is, in full,
                // as it matches (lower case or as written).
                let lexicon_there = |l: u8| {
                    let lex = &compiled.lexicons[l as usize];
                    let ids = if lex.exact { &exact } else { &words };
                    (0..ids.len()).any(|p| lex.trie.longest(&ids[p..]) > 0)
                };
                let present = |t: &Trig| match *t {
                    Trig::Word(w) => words.contains(&w),
                    Trig::Label(l) => ents.iter().any(|e| compiled.labels.get(e.label) == Some(l)),
                    Trig::Shape(b) => tokens.iter().any(|t| shape_bits(&text, t) >> b & 1 != 0),
                    Trig::Lex(l) => lexicon_there(l),
                };
                let want: Vec<usize> = (0..compiled.programs.len())
                    .filter(|&r| {
                        let p = &compiled.programs[r];
                        let indexed = p.triggers.as_ref().is_none_or(|t| {
                            t.iter().any(|x| matches!(x, Trig::Lex(_)) || present(x))
                        });
                        indexed && p.required.iter().all(|g| g.iter().any(present))
                    })
                    .collect();
                assert_eq!(got, want, "{text:?} {ents:?}");
                picked += got.len();
            }
        }
        picked
    }

    #[test]
    fn checked_groups_select_the_rules_all_groups_do() {
        let set = rule_set(
            "lexicon L = the | Smith | \"New York\" | x1\n\
             lexicon E exact = Army | \"New York\" | \"the US\"\n\
             entity a X: \"said\" Cap \"the\"\n\
             entity i X: Cap <E> \",\"?\n\
             entity b X: <L> \"Army\" ({PER} | Num)\n\
             entity c X: {PER} \"said\" {ORG}\n\
             entity d X: (\"the\" | \"US\") Ordinal Cap\n\
             entity e X: Year \"and\"? <L>\n\
             entity f X: Cap+ (\"Army\" | {ORG})\n\
             entity g X: {ORG} | \"NATO\" Num\n\
             entity h X: Lower \"x1\"",
        );
        let compiled = &set.inner.compiled;
        let dropped: usize =
            compiled.programs.iter().map(|p| p.required.len() - p.check.len()).sum();
        assert!(dropped > 0, "some group is implied by the index");
        let pool = [
            "the", "The", "Smith", "US", "Army", "NATO", "2024", "and", "x1", "New", "York", ",",
            "said", "3rd", "first", "Paris",
        ];
        let picked = assert_selection(compiled, &pool, 11);
        assert!(picked > 100, "{picked} candidates");
    }

    /// More than 256 rules (past the index's fast paths, which keep 64
    /// groups) and more than 64 distinct groups, all kept: the index's
    /// rows of bits are several words long, of rules and of groups.
    #[test]
    fn selection_of_many_rules_and_groups_agrees_with_direct_checks() {
        let words: Vec<String> = (0..24).map(|k| format!("w{k}")).collect();
        let mut seed = 3u64;
        let mut pick = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            words[(seed >> 33) as usize % words.len()].clone()
        };
        let mut rules = String::from("lexicon L = w1 | \"w2 w3\" | x1 | \"w5 w6 w7\"\n");
        for r in 0..300 {
            let (a, b, c, d) = (pick(), pick(), pick(), pick());
            let tail = ["{PER}", "Num", "<L>", "Cap"][r % 4];
            rules += &format!("entity r{r} X: \"{a}\" (\"{b}\" | \"{c}\") {tail} \"{d}\"?\n");
        }
        let set = rule_set(&rules);
        let compiled = &set.inner.compiled;
        let groups: std::collections::HashSet<Vec<Trig>> = compiled
            .programs
            .iter()
            .flat_map(|p| &p.check)
            .map(|g| {
                let mut g = g.clone();
                g.sort_unstable();
                g
            })
            .collect();
        assert!(compiled.programs.len() > 256 && groups.len() > 64, "{} groups", groups.len());
        let mut pool: Vec<&str> = words.iter().map(String::as_str).collect();
        pool.extend(["2024", "Smith", "x1", "The", ","]);
        let picked = assert_selection(compiled, &pool, 17);
        assert!(picked > 300, "{picked} candidates");
    }

    /// Whether one of the instructions `from` of `insts` (the first
    /// consuming ones of a path) can start at `pos`: what a start check
    /// made from them must decide, tested here instruction by instruction.
    fn consumers_pass(cx: &Cx<'_>, insts: &[Inst], from: &[usize], pos: usize) -> bool {
        let f = cx.facts;
        let (n, word) = (cx.tokens.len(), f.words.get(pos));
        pos < n
            && first_consumers(insts, from).into_iter().any(|pc| match &insts[pc] {
                Inst::Word(id) => word == Some(id),
                Inst::Words(ids) => word.is_some_and(|w| ids.contains(w)),
                Inst::Exact(s) => cx.tokens[pos].span.range().eq_text(cx.text, s),
                Inst::Test(t) => eval(cx, t, pos),
                Inst::Lex(l) => lex_starts(cx, *l, pos),
                Inst::Ent { labels, .. } => {
                    ents_at(&f.ents, pos).iter().any(|e| labels.labels().contains(&e.label))
                }
                Inst::Ents(groups) => ents_at(&f.ents, pos)
                    .iter()
                    .any(|e| groups.iter().any(|g| g.labels().contains(&e.label))),
                Inst::Start => pos == 0,
                _ => true,
            })
    }

    /// Every union's one-position form (masks for shapes, lexicons and
    /// labels, one eager part for its words) decides, at each token, what
    /// the instructions it was made from do one by one: the first and
    /// second checks of each rule, most of them unions.
    #[test]
    fn unions_agree_with_their_parts_at_each_token() {
        let set = rule_set(
            "lexicon L = the | Smith | \"New York\"\nlexicon E exact = US | Army | \"New York\"\n\
             entity a X: (\"said\" | told | Num | <L>) Any\n\
             entity b X: (<E> | {PER} | Ordinal | \"NATO\" | and) Any\n\
             entity c X: (Cap & !<L> | {ORG|LOC} | ^ | \"US\" | \"2024\") Any\n\
             entity d X: \"Army\" (<L> | <E> | \"said\" | told | Lower & !<E>)\n\
             entity e X: {PER} (\"said\" | and | Num | {ORG})\n\
             entity f X: told (Cap & Word & !<L> | Cap & !<E> | {LOC})\n\
             entity g X: said (Word & !Cap & !<L> | Lower & !<E> | Cap & Word & !\"Army\")",
        );
        let compiled = &set.inner.compiled;
        let unions: Vec<&Union> = compiled
            .starts
            .iter()
            .zip(&compiled.unions)
            .filter(|(c, _)| matches!(c, StartCheck::OneOf(_)))
            .map(|(_, u)| u)
            .collect();
        // Every kind of part is merged somewhere, and words are split off
        // into an eager part of their own; conjunction tests are kept as
        // they are.
        assert!(unions.iter().any(|u| u.eager.len() == 1 && !u.flats.is_empty()));
        assert!(unions.iter().any(|u| u.shapes != 0 && u.lower != 0));
        assert!(unions.iter().any(|u| u.shapes != 0 && u.exact != 0));
        assert!(unions.iter().any(|u| !u.labels.is_empty() && u.start));
        assert!(unions.iter().any(|u| !u.flats.is_empty() && !u.labels.is_empty()));
        // Several conjunction tests with shape bits in common, and with
        // none.
        assert!(unions.iter().any(|u| u.flats.len() > 1 && u.flats_all != 0));
        assert!(unions.iter().any(|u| u.flats.len() > 1 && u.flats_all == 0));
        let pool = [
            "the", "The", "Smith", "US", "us", "Army", "army", "NATO", "2024", "and", "New",
            "York", "new", "said", "told", "3rd", "Paris", ",",
        ];
        let (mut passed, mut failed) = (0, 0);
        each_prepared_sentence(compiled, &pool, 13, |cx, starts, what| {
            for prog in &compiled.programs {
                let insts = &prog.insts;
                let firsts = first_consumers(insts, &[0]);
                let next: Vec<usize> = firsts.iter().map(|pc| pc + 1).collect();
                let mut checks = vec![(prog.first, vec![0])];
                checks.extend(prog.second.map(|s| (s.check, next)));
                for (check, from) in checks {
                    for p in 0..cx.tokens.len() + 2 {
                        let want = consumers_pass(cx, insts, &from, p);
                        let got = starts.passes(cx, check, p);
                        let c = &compiled.starts[check as usize];
                        assert_eq!(got, want, "{c:?} at {p} of {what}");
                        *if want { &mut passed } else { &mut failed } += 1;
                    }
                }
            }
        });
        assert!(passed > 1000 && failed > 1000, "{passed} passed, {failed} failed");
    }

    /// The set of each union (its merged parts read from its masks by
    /// `masked_parts`, on sentences of up to 64 tokens, the others' sets
    /// ORed) is what its parts decide at each token. The rules' unions mix
    /// every kind of part, and each part of a union is either read from
    /// its own set ([`Union::sets`]) or merged into its masks, never both
    /// and never neither.
    #[test]
    fn union_sets_agree_with_their_parts_at_each_token() {
        let set = rule_set(
            "lexicon L = the | Smith | \"New York\"\nlexicon E exact = US | Army | \"New York\"\n\
             entity a X: (\"said\" | told | Num | <L>) Any\n\
             entity b X: (<E> | {PER} | Ordinal | \"NATO\" | and) Any\n\
             entity c X: (Cap & !<L> | {ORG|LOC} | ^ | \"US\" | \"2024\") Any\n\
             entity d X: (<L> | <E> | \"said\" | told | Lower & !<E>) Any\n\
             entity e X: (Cap & Word & !<L> | Cap & !<E> | {LOC} | Num) Any",
        );
        let compiled = &set.inner.compiled;
        let mut kinds = [0usize; 5];
        for (k, c) in compiled.starts.iter().enumerate() {
            let StartCheck::OneOf(parts) = c else { continue };
            let u = &compiled.unions[k];
            kinds[0] += usize::from(u.shapes != 0);
            kinds[1] += usize::from(u.lower != 0);
            kinds[2] += usize::from(u.exact != 0);
            kinds[3] += usize::from(!u.labels.is_empty());
            kinds[4] += usize::from(u.start);
            for &p in parts.iter() {
                let merged = match &compiled.starts[p as usize] {
                    _ if (p as usize) < compiled.eager.len => false,
                    StartCheck::Test(Test::Shape(_))
                    | StartCheck::Lex(_)
                    | StartCheck::Ent(_)
                    | StartCheck::Start => true,
                    _ => false,
                };
                assert_eq!(u.sets.contains(&p), !merged, "part {p} of {c:?}");
            }
            assert!(u.sets.iter().all(|p| parts.contains(p)), "{c:?}: {:?}", u.sets);
        }
        assert!(kinds.iter().all(|&n| n > 0), "every kind of merged part: {kinds:?}");
        let pool = [
            "the", "The", "Smith", "US", "us", "Army", "army", "NATO", "2024", "and", "New",
            "York", "new", "said", "told", "3rd", "Paris", ",",
        ];
        let (mut passed, mut failed) = (0, 0);
        each_prepared_sentence(compiled, &pool, 21, |cx, starts, what| {
            for (k, c) in compiled.starts.iter().enumerate() {
                let StartCheck::OneOf(parts) = c else { continue };
                starts.ensure(cx, k as u32);
                // A part may be a union of words itself (eager: see
                // `split_unions`), which `check_at` leaves to its parts.
                let at = |q: u32, p: usize| match &compiled.starts[q as usize] {
                    StartCheck::OneOf(inner) => {
                        inner.iter().any(|&i| check_at(cx, &compiled.starts[i as usize], p))
                    }
                    c => check_at(cx, c, p),
                };
                for p in 0..cx.tokens.len() {
                    let want = parts.iter().any(|&q| at(q, p));
                    assert_eq!(starts.bit(k, p), want, "{c:?} at {p} of {what}");
                    *if want { &mut passed } else { &mut failed } += 1;
                }
            }
        });
        assert!(passed > 1000 && failed > 1000, "{passed} passed, {failed} failed");
    }

    /// `StartSets::flat_one` gives a conjunction test the one word that
    /// `StartSets::ensure_simple` stores for it (from the columns, or at
    /// each token when they are not made for the test), on sentences of up
    /// to 64 tokens; and a union's conjunction parts, made by
    /// `ensure_union` through it, are marked known with those words. One
    /// part forbids a shape (`Word & !Cap`), so that a path that gathered
    /// only the columns a test needs would be caught.
    #[test]
    fn one_word_conjunction_sets_agree_with_the_general_path() {
        let set = rule_set(
            "lexicon L = the | Smith | \"New York\"\nlexicon E exact = US | Army | \"New York\"\n\
             entity a X: (Cap & Word & !<L> | Cap & !<E> | {LOC} | Num) Any\n\
             entity b X: (Lower & !<E> & !\"the\" | \"said\") Any\n\
             entity c X: Cap & <L> Any\nentity d X: Any (Upper & !<E>)\n\
             entity e X: (Word & !Cap & !<L> | Num) Any",
        );
        let compiled = &set.inner.compiled;
        let flats: Vec<(usize, &Flat)> = (compiled.starts.iter().enumerate())
            .filter_map(|(k, c)| match c {
                StartCheck::Test(Test::Flat(t)) => Some((k, &**t)),
                _ => None,
            })
            .collect();
        let unions: Vec<usize> = (compiled.starts.iter().enumerate())
            .filter(|(_, c)| matches!(c, StartCheck::OneOf(_)))
            .map(|(k, _)| k)
            .collect();
        let made = flats.iter().filter(|&&(k, _)| compiled.columns.made_for(k)).count();
        assert!(made > 0 && made < flats.len(), "{made} of {} from columns", flats.len());
        let pool = [
            "the", "The", "Smith", "US", "us", "Army", "army", "NATO", "2024", "New", "York",
            "new", "said", "3rd", "Paris", ",",
        ];
        let (mut empty, mut full, mut parts) = (0, 0, 0);
        each_prepared_sentence(compiled, &pool, 5, |cx, starts, what| {
            if starts.words != 1 {
                return;
            }
            for &k in &unions {
                starts.ensure(cx, k as u32);
                for &q in compiled.unions[k].sets.iter() {
                    let q = q as usize;
                    let StartCheck::Test(Test::Flat(_)) = &compiled.starts[q] else { continue };
                    assert_eq!(starts.done[q], starts.gen, "part {q} of {k} known in {what}");
                    let got = starts.bits[q];
                    starts.ensure_simple(cx, q, &compiled.starts[q]);
                    assert_eq!(starts.bits[q], got, "part {q} of {k} in {what}");
                    parts += 1;
                }
            }
            for &(k, t) in &flats {
                let one = starts.flat_one(cx, k, t);
                starts.ensure_simple(cx, k, &compiled.starts[k]);
                assert_eq!(one, starts.bits[k], "{t:?} in {what}");
                *if one == 0 { &mut empty } else { &mut full } += 1;
            }
        });
        assert!(
            empty > 50 && full > 100 && parts > 100,
            "{empty} empty, {full} not, {parts} parts"
        );
    }

    /// The eager checks come first (each union after its parts), and the
    /// sets `reset_eager` computes for them are what each check decides at
    /// each token, on sentences of up to three 64-bit words, long and short
    /// in turn. "said" and "army" are in more checks than a block of hits
    /// holds ("said" in more than two blocks), "and" in exactly one block's
    /// worth, "the" in fewer. The tokens whose blocks are read are those
    /// with hits, and a word has a first block of its own exactly when it
    /// has hits.
    #[test]
    fn eager_sets_agree_with_the_check_at_each_token() {
        let mut b = RuleSetBuilder::new();
        b.add_str(
            "lexicon L = the | Smith | \"New York\"\n\
             entity a X: Cap \"said\"\nentity b X: \"said\" Cap\n\
             entity c X: (\"the\" | \"US\" | Army) Ordinal\nentity d X: <L> Cap\n\
             entity e X: {PER} \"said\"\nentity f X: (\"NATO\" | Upper) Num\n\
             entity g X: (and | \"x1\") Any\nentity h X: \"Army\" Cap\n\
             entity i X: (said | x2) Num\nentity j X: (said | \"x3\") Cap\n\
             entity k X: (\"Said\" | x4) Any\nentity l X: (said | army) Ordinal\n\
             entity m X: said Num\nentity n X: (said | x5 | \"Army\") Cap\n\
             entity o X: (said | and) Num\nentity p X: (\"said\" | x6) Any\n\
             entity q X: (and | x2) Cap\n\
             entity s X: (army | x1) Cap\nentity t X: (said | x7) Ordinal",
            Some("t.rules"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let set = b.build().unwrap_or_else(|e| panic!("{e}"));
        let compiled = &set.inner.compiled;
        let eager = compiled.eager.len;
        assert!(eager >= 4, "{eager} eager checks");
        let hits =
            |w: &str| compiled.vocab.get_lower(w).map_or(0, |id| compiled.eager.hits(id).len());
        assert!(hits("said") > 2 * HIT_BLOCK, "{} hits", hits("said"));
        assert!(hits("army") > HIT_BLOCK, "{} hits", hits("army"));
        assert_eq!(hits("and"), HIT_BLOCK);
        assert!((1..HIT_BLOCK).contains(&hits("the")), "{} hits", hits("the"));
        for (k, c) in compiled.starts.iter().enumerate() {
            let leaf = |c: &StartCheck| matches!(c, StartCheck::Word(_) | StartCheck::Exact(_));
            if let StartCheck::OneOf(parts) = c {
                assert!(parts.iter().all(|&p| (p as usize) < k), "{k}: {c:?}");
                if k < eager {
                    assert!(parts.iter().all(|&p| leaf(&compiled.starts[p as usize])));
                }
            } else {
                assert_eq!(leaf(c), k < eager, "{k}: {c:?}");
            }
        }
        for p in &compiled.programs {
            assert!((p.first as usize) < compiled.starts.len());
        }
        let pool = [
            "the", "The", "Smith", "US", "us", "Army", "army", "NATO", "2024", "and", "x1", "New",
            "York", ",", "said", "Said", "3rd", "Paris", "x2", "x3", "x4", "x5", "x6", "x7",
        ];
        let (mut set_bits, mut listed) = (0, 0);
        let lens = [130, 1, 65, 5, 64, 63].repeat(20);
        each_sentence_of(compiled, &pool, &lens, &[], 5, |cx, starts, what| {
            // The tokens whose hits were read are those with hits, in
            // order, each with its first block.
            let with_hits: Vec<(u32, u32)> = (cx.facts.words.iter().enumerate())
                .filter(|&(_, &id)| !compiled.eager.hits(id).is_empty())
                .map(|(p, &id)| (p as u32, compiled.eager.first_block_of(id)))
                .collect();
            let first = starts.hit_tokens.get(..with_hits.len());
            assert_eq!(first, Some(&with_hits[..]), "{what}");
            listed += with_hits.len();
            for k in 0..eager {
                let c = &compiled.starts[k];
                for p in 0..cx.tokens.len() {
                    let want = match c {
                        StartCheck::OneOf(parts) => {
                            parts.iter().any(|&q| check_at(cx, &compiled.starts[q as usize], p))
                        }
                        c => check_at(cx, c, p),
                    };
                    assert_eq!(starts.passes(cx, k as u32, p), want, "{c:?} at {p} of {what}");
                    set_bits += usize::from(want);
                }
            }
        });
        assert!(set_bits > 500 && listed > 500, "{set_bits} positions passed, {listed} listed");
        // A word has a first block of its own exactly when it has hits:
        // block 0, all padding, is no word's with hits.
        for w in (0..=compiled.vocab.lower_len() as u32).chain([NONE]) {
            let first = compiled.eager.first_block_of(w);
            assert_eq!(first == 0, compiled.eager.hits(w).is_empty(), "word {w}");
        }
    }

    /// Every start set `ensure` computes, of every kind (words, spellings,
    /// lexicons lower-case and exact, entity labels, shape and conjunction
    /// tests, unions of them), is what its check decides at each token.
    #[test]
    fn start_sets_agree_with_the_check_at_each_token() {
        let mut b = RuleSetBuilder::new();
        b.add_str(
            "lexicon L = the | Smith | \"New York\"\nlexicon E exact = US | Army | \"New York\"\n\
             entity a X: <L> Any\nentity b X: <E> Any\nentity c X: {PER} Any\n\
             entity d X: {ORG|LOC} Any\nentity e X: Num Any\nentity f X: Cap & !<L> Any\n\
             entity g X: (<E> | {PER} | Ordinal) Any\nentity h X: (\"said\" | <L>) Any\n\
             entity i X: \"US\" Any\nentity j X: and Any\n\
             entity k X: Num (Lower & !<E>) Any",
            Some("t.rules"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let set = b.build().unwrap_or_else(|e| panic!("{e}"));
        let compiled = &set.inner.compiled;
        // Rule k's second element is a conjunction test no rule starts
        // with: its columns are not made, and its set, computed here all
        // the same, must not read them.
        let pool = [
            "the", "The", "Smith", "US", "us", "Army", "army", "NATO", "2024", "and", "New",
            "York", "new", "york", ",", "said", "3rd", "Paris",
        ];
        let mut kinds = [0usize; 6];
        each_prepared_sentence(compiled, &pool, 9, |cx, starts, what| {
            for (k, c) in compiled.starts.iter().enumerate() {
                starts.ensure(cx, k as u32);
                kinds[match c {
                    StartCheck::Lex(_) => 0,
                    StartCheck::Ent(_) => 1,
                    StartCheck::Test(_) => 2,
                    StartCheck::OneOf(_) => 3,
                    StartCheck::Word(_) | StartCheck::Exact(_) => 4,
                    _ => 5,
                }] += 1;
                for p in 0..cx.tokens.len() {
                    let want = match c {
                        StartCheck::OneOf(parts) => {
                            parts.iter().any(|&q| check_at(cx, &compiled.starts[q as usize], p))
                        }
                        // The general test, not `check_at`'s shortcuts.
                        StartCheck::Test(t) => eval(cx, t, p),
                        c => check_at(cx, c, p),
                    };
                    let got = starts.passes(cx, k as u32, p);
                    assert_eq!(got, want, "{c:?} at {p} of {what}");
                }
            }
        });
        assert!(kinds[..5].iter().all(|&n| n > 0), "every kind of check computed: {kinds:?}");
    }

    /// The start sets of lexicons (`ensure_lex`: one word of start bits a
    /// word id with at most 64 lexicons, `stride` words past that) against
    /// `check_at`, with 70 lexicons, lower-case and exact, one- and
    /// two-token entries.
    #[test]
    fn lexicon_sets_agree_with_the_check_past_64_lexicons() {
        let pool = [
            "the", "The", "Smith", "US", "us", "Army", "army", "NATO", "2024", "and", "New",
            "York", "new", "york", ",", "said", "3rd", "Paris",
        ];
        for count in [3, 70] {
            let mut rules = String::new();
            for l in 0..count {
                let (a, b) = (pool[l % pool.len()], pool[(l * 7 + 3) % pool.len()]);
                let exact = if l % 3 == 0 { " exact" } else { "" };
                rules += &format!("lexicon L{l}{exact} = \"{a}\" | \"{b} {a}\"\n");
                rules += &format!("entity r{l} X: <L{l}> Any\n");
            }
            let set = rule_set(&rules);
            let compiled = &set.inner.compiled;
            assert_eq!(compiled.lower_members.stride, count.div_ceil(64));
            let mut checked = [0usize; 2];
            each_prepared_sentence(compiled, &pool, 13, |cx, starts, what| {
                for (k, c) in compiled.starts.iter().enumerate() {
                    let StartCheck::Lex(_) = c else { continue };
                    starts.ensure(cx, k as u32);
                    for p in 0..cx.tokens.len() {
                        let want = check_at(cx, c, p);
                        assert_eq!(starts.passes(cx, k as u32, p), want, "{c:?} at {p} of {what}");
                        checked[usize::from(want)] += 1;
                    }
                }
            });
            assert!(checked.iter().all(|&n| n > 1000), "{count} lexicons: {checked:?}");
        }
    }

    /// `longest_entry` (the pair table first, the trie when a pair may
    /// start an entry of two tokens or more) finds what the trie walk
    /// does at every position where a lexicon's entry starts, for exact
    /// and lower-case lexicons of one-, two- and three-token entries, with
    /// up to 64 lexicons (a pair table) and past them (none), at the end of
    /// a sentence and of a match's reach.
    #[test]
    fn longest_entries_agree_with_the_trie_walk() {
        let pool =
            ["the", "The", "new", "New", "York", "york", "City", "US", "Army", "army", "said", ","];
        for count in [4, 70] {
            let mut rules = String::new();
            for l in 0..count {
                let exact = if l % 4 == 3 { " exact" } else { "" };
                let entries = match l % 4 {
                    0 => "new | \"new york\" | \"new york city\" | york | city",
                    1 => "\"the new\" | \"new york\" | the",
                    2 => "\"york city\" | \"new army\" | said",
                    _ => "US | \"US Army\" | \"New York City\" | York",
                };
                rules += &format!("lexicon L{l}{exact} = {entries}\nentity r{l} X: <L{l}> Any\n");
            }
            let set = rule_set(&rules);
            let compiled = &set.inner.compiled;
            let mut seen = [0usize; 4];
            each_prepared_sentence(compiled, &pool, 17, |cx, _, what| {
                let f = cx.facts;
                for (l, lex) in compiled.lexicons.iter().enumerate() {
                    let (ids, members) = if lex.exact {
                        (&f.exact, &compiled.exact_members)
                    } else {
                        (&f.words, &compiled.lower_members)
                    };
                    // The exact ids are left empty in a sentence with no
                    // marked token (the interpreter's `get` then fails).
                    for pos in 0..ids.len().min(cx.tokens.len()) {
                        if !members.starts(ids[pos], l as u32) {
                            continue;
                        }
                        for limit in [cx.tokens.len(), pos + 1, pos + 2] {
                            let w = &ids[pos..limit.min(cx.tokens.len())];
                            let want = lex.trie.longest(w);
                            let got = longest_entry(w, members, lex, l as u32);
                            assert_eq!(got, want, "L{l} at {pos} (to {limit}) of {what}");
                            seen[want.min(3)] += 1;
                        }
                    }
                }
            });
            assert!(seen[..3].iter().all(|&n| n > 500) && seen[3] > 5, "{count}: {seen:?}");
        }
    }

    /// Lexicons, lower case and exact, whose entries are one word or more,
    /// and words among which several exact forms share a normal form
    /// ("US", "Us"), forms are longer than 8 bytes, have a normal form of
    /// each token kind ("F-35") or are possessives.
    const LEXICON_RULES: &str = "lexicon A = \"in alliance with\" | \"a member of\" | ally\n\
        lexicon B exact = US | \"Us Army\" | \"F-35 jet\" | \"Lockheed-Martin corp\"\n\
        lexicon C = may | \"may day\" | \"us army\"\n\
        lexicon D exact = \"NATO summit\" | \"US Navy\" | \"Smith's\"\n\
        lexicon E exact = NATO | \"F-35\"\n\
        entity ra X: <A> Any\nentity rb X: <B> Any\nentity rc X: <C> Any\n\
        entity rd X: <D> Any\nentity re X: Cap <E>\nentity rz Y: Any Any\n";

    /// The words of [`LEXICON_RULES`]' entries, in several cases, and
    /// others.
    const LEXICON_POOL: &str = "in alliance with a member of ally US us Us Army army F-35 f-35 \
        F35 jet Lockheed-Martin lockheed-martin corp NATO nato summit may May day Navy Smith's \
        smith's the said";

    /// `row_word` over a sentence's `lower_rows` (its `Facts::lex_starts`)
    /// is `start_word` over its lower-case ids for every set of lower-case
    /// lexicons, as `ensure_lex` and `masked_parts` take it; a set with an
    /// exact lexicon (whose row bits are a superset) gets no rows.
    #[test]
    fn lower_rows_give_the_lower_lexicons_starts() {
        let set = rule_set(LEXICON_RULES);
        let c = &set.inner.compiled;
        let pool: Vec<&str> = LEXICON_POOL.split(' ').collect();
        let mine = c.lower_lexicons;
        assert!(mine != 0 && !mine & 0b11111 != 0, "both kinds of lexicon");
        let (mut started, mut rows_read) = (0, 0);
        let lens = [1, 2, 5, 17, 40, 64].repeat(40);
        each_sentence_of(c, &pool, &lens, &[], 0x0b0e_5eed, |cx, _, what| {
            let n = cx.tokens.len();
            for mask in 1..32u64 {
                let rows = lower_rows(cx, n, mask);
                if mask & !mine != 0 {
                    assert!(rows.is_none(), "{mask:b} has an exact lexicon, in {what}");
                    continue;
                }
                let rows = rows.unwrap_or_else(|| panic!("rows of {what}"));
                let want = start_word(&cx.facts.words[..n], &c.lower_members.start, mask);
                assert_eq!(row_word(rows, mask), want, "{mask:b} in {what}");
                started += usize::from(want != 0);
                rows_read += 1;
            }
        });
        assert!(started > 300 && rows_read > 500, "{started} {rows_read}");
    }

    /// A sentence's rows of lexicon starts (`Facts::lex_starts`) are made
    /// for every token or for none, even with one scratch shared by rule
    /// sets with and without rows (at most 64 lexicons, and 71): the
    /// union test at one position reads a token's row whenever there is
    /// one ([`StartSets::union_passes`]), and the rules' unions with
    /// lower-case lexicon parts pass exactly where one of their parts does.
    #[test]
    fn lexicon_rows_are_whole_for_the_union_tests() {
        let unions = "entity u1 X: (<A> | <C> | Num) Any\nentity u2 X: said (<C> | <B> | {PER})\n";
        let extra: String =
            (0..66).map(|k| format!("lexicon P{k} = \"new york\" | army\n")).collect();
        let narrow = rule_set(&format!("{LEXICON_RULES}{unions}"));
        let wide = rule_set(&format!("{extra}{LEXICON_RULES}{unions}"));
        let pool: Vec<&str> = LEXICON_POOL.split(' ').collect();
        let tk = Tokenizer::new();
        let mut sc = Scratch::default();
        let (mut seed, mut rows, mut passed, mut checked) = (0x5eed_1e55, 0, 0, 0);
        for (i, &len) in [1, 2, 5, 17, 40, 64, 70].repeat(30).iter().enumerate() {
            let c = &if i % 3 == 0 { &wide } else { &narrow }.inner.compiled;
            let text = sentence(&mut seed, &pool, len);
            let tokens = tk.tokenize(&text);
            let ents = entities(&mut seed, tokens.len(), 3, 2, &["PER", "ORG"]);
            let all = whole(&text, &tokens);
            let range = prepare(c, &text, &tokens, &all, &ents, &mut sc);
            let Scratch { facts, starts, .. } = &mut sc;
            let cx = Cx::new(c, &text, &tokens, range, facts);
            let n = cx.facts.lex_starts.len();
            assert!(n == 0 || n == cx.facts.words.len(), "{n} rows, {text:?}");
            rows += usize::from(n != 0);
            starts.reset_without_eager(&cx);
            for (k, check) in c.starts.iter().enumerate() {
                let StartCheck::OneOf(parts) = check else { continue };
                let u = &c.unions[k];
                assert!(u.lower == 0 || c.lexicons.len() <= 64, "{u:?}");
                for p in 0..cx.tokens.len() {
                    let want = parts.iter().any(|&q| check_at(&cx, &c.starts[q as usize], p));
                    assert_eq!(
                        starts.passes(&cx, k as u32, p),
                        want,
                        "{check:?} at {p} of {text:?}"
                    );
                    passed += usize::from(want);
                    checked += usize::from(u.lower != 0);
                }
            }
        }
        assert!(rows > 50 && passed > 300 && checked > 1000, "{rows} {passed} {checked}");
    }

    /// `Compiled::lex_starts` holds, for the lower-case id of every token,
    /// the start bits of the lower-case lexicons for that id and of the
    /// exact ones for any exact id the token has: `confirm_lexicons` finds
    /// every exact entry's start by the lower-case ids alone.
    #[test]
    fn lexicon_starts_by_lower_id_cover_the_exact_starts() {
        let set = rule_set(LEXICON_RULES);
        let c = &set.inner.compiled;
        let (v, mine) = (&c.vocab, c.lower_lexicons);
        let tk = Tokenizer::new();
        let (mut buf, mut exact_starts) = (String::new(), 0);
        for text in LEXICON_POOL.split(' ').flat_map(|w| [w.to_string(), format!("x {w}.")]) {
            for t in tk.tokenize(&text) {
                let w = v.lower_id(&text, &t, &mut buf).min(clamp_ids(v.lower_len()));
                let e = v.exact_id_of(&text, &t, w);
                let got = one_word(&c.lex_starts, w);
                assert_eq!(got & mine, one_word(&c.lower_members.start, w), "{text:?}");
                let want = one_word(&c.exact_members.start, e);
                assert_eq!(want & !got, 0, "{:?} in {text:?}", t.as_str(&text));
                exact_starts += usize::from(want != 0);
            }
        }
        assert!(exact_starts > 10, "{exact_starts}");
    }

    /// `lex_length`, which rejects a token by its row of lexicon starts
    /// before the lexicon's own membership, against the membership and
    /// the trie walk alone, for every lexicon at every token and several
    /// limits: lower-case and exact lexicons, entries of one word or
    /// more, with the rows (at most 64 lexicons) and without them (71).
    #[test]
    fn lexicon_lengths_agree_with_the_membership_and_the_walk() {
        let extra: String =
            (0..66).map(|k| format!("lexicon P{k} = \"new york\" | army\n")).collect();
        let pool: Vec<&str> = LEXICON_POOL.split(' ').collect();
        for rules in [LEXICON_RULES.to_string(), format!("{extra}{LEXICON_RULES}")] {
            let set = rule_set(&rules);
            let c = &set.inner.compiled;
            let (mut rejected, mut found) = (0, 0);
            each_prepared_sentence(c, &pool, 29, |cx, _, what| {
                let f = cx.facts;
                let n = cx.tokens.len();
                for (l, lex) in c.lexicons.iter().enumerate() {
                    let (ids, members) = if lex.exact {
                        (&f.exact, &c.exact_members)
                    } else {
                        (&f.words, &c.lower_members)
                    };
                    for pos in 0..n {
                        for limit in [n, pos + 1, pos + 2, pos] {
                            let limit = limit.min(n);
                            let want = match ids.get(pos..limit.min(ids.len())) {
                                Some(w @ [first, ..]) if members.starts(*first, l as u32) => {
                                    lex.trie.longest(w)
                                }
                                _ => 0,
                            };
                            let got = lex_length(cx, l as u32, pos, limit);
                            assert_eq!(got, want, "{l} at {pos} (to {limit}) of {what}");
                            let row = f.lex_starts.get(pos).map_or(!0, |&s| s >> (l % 64));
                            rejected += usize::from(row & 1 == 0);
                            found += usize::from(want > 1);
                        }
                    }
                }
            });
            // Rows with at most 64 lexicons only.
            let rows = c.lower_members.stride == 1;
            assert!(found > 100 && (rejected > 1000) == rows, "{found} {rejected} {rows}");
        }
    }

    /// `confirm_lexicons` keeps exactly the lexicons an entry of which
    /// (lower case or as written) is somewhere in the sentence, as a walk
    /// of each lexicon's trie from every token finds.
    #[test]
    fn confirmed_lexicons_are_those_with_an_entry_in_the_sentence() {
        let set = rule_set(LEXICON_RULES);
        let c = &set.inner.compiled;
        let tk = Tokenizer::new();
        let (mut sc, mut seed) = (Scratch::default(), 11);
        let pool: Vec<&str> = LEXICON_POOL.split(' ').collect();
        // Sentences without and with an entry of each lexicon.
        let mut kept = [[0usize; 2]; 5];
        for len in [1, 2, 3, 5, 9, 20, 40] {
            for _ in 0..300 {
                let text = sentence(&mut seed, &pool, len);
                let tokens = tk.tokenize(&text);
                prepare(c, &text, &tokens, &whole(&text, &tokens), &[], &mut sc);
                let f = &sc.facts;
                // The rows are filled (and the memberships read) only
                // when a rule is selected: the rule on every sentence.
                assert_eq!(f.lex_lower.len(), f.words.len(), "{text:?}");
                let all = (1u64 << c.lexicons.len()) - 1;
                let want = c.lexicons.iter().enumerate().fold(0, |a, (l, lex)| {
                    let ids = if lex.exact { &f.exact } else { &f.words };
                    let there = (0..ids.len()).any(|p| lex.trie.longest(&ids[p..]) > 0);
                    a | u64::from(there) << l
                });
                assert_eq!(confirm_lexicons(c, f, all), want, "{text:?}");
                for (l, k) in kept.iter_mut().enumerate() {
                    k[(want >> l & 1) as usize] += 1;
                }
            }
        }
        assert!(kept.iter().flatten().all(|&k| k > 100), "{kept:?}");
    }

    /// `prepare` writes each token's exact lexicon row (`lex_exact`) and
    /// their union (`any_exact`) as `exact_ids` finds the token's exact
    /// id: the same rows as reading every token's id (`one_word` of the
    /// exact membership), zero for the tokens with none.
    #[test]
    fn exact_rows_written_as_found_are_every_tokens_rows() {
        let set = rule_set(LEXICON_RULES);
        let c = &set.inner.compiled;
        let tk = Tokenizer::new();
        let (mut sc, mut seed) = (Scratch::default(), 29);
        let pool: Vec<&str> = LEXICON_POOL.split(' ').collect();
        let (mut rows, mut tokens_seen) = (0usize, 0usize);
        for len in [1, 2, 3, 5, 9, 20, 40] {
            for _ in 0..200 {
                let text = sentence(&mut seed, &pool, len);
                let tokens = tk.tokenize(&text);
                prepare(c, &text, &tokens, &whole(&text, &tokens), &[], &mut sc);
                let f = &sc.facts;
                let one = &c.exact_members.one;
                let want: Vec<u64> = f.exact.iter().map(|&id| one_word(one, id)).collect();
                assert_eq!(f.exact.len(), f.words.len(), "{text:?}");
                assert_eq!(f.lex_exact, want, "{text:?}");
                assert_eq!(f.any_exact, want.iter().fold(0, |a, &r| a | r), "{text:?}");
                rows += want.iter().filter(|&&r| r != 0).count();
                tokens_seen += want.len();
            }
        }
        assert!(rows > 500 && rows * 4 < tokens_seen, "{rows} rows of {tokens_seen} tokens");
    }

    /// A scratch reused from sentence to sentence and between two rule
    /// sets (as the entity and relation rules share one) holds, after
    /// `prepare`, the facts a fresh scratch does: the per-token rows that
    /// `Index::add_words_and_rows` writes whole are not cleared between
    /// sentences, so a longer or shorter sentence before must leave nothing
    /// behind. Sentences of 0 to 70 tokens, with entities.
    #[test]
    fn reused_scratch_prepares_what_a_fresh_one_does() {
        let a = rule_set(LEXICON_RULES);
        let b = rule_set(
            "lexicon M = w1 | \"w2 w3\" | said\nentity m X: <M> Cap\nentity p Y: {PER} said\n\
             entity q Y: {ORG} (w4 | <M>)\n",
        );
        let tk = Tokenizer::new();
        let mut pool: Vec<&str> = LEXICON_POOL.split(' ').collect();
        pool.extend(["w1", "w2", "w3", "w4", "7", "Foo", "."]);
        let (mut reused, mut seed, mut compared) = (Scratch::default(), 5, 0);
        for round in 0..600 {
            let len = [0, 1, 3, 9, 30, 70, 2, 40][round % 8];
            let text = sentence(&mut seed, &pool, len);
            let tokens = tk.tokenize(&text);
            let ents = entities(&mut seed, tokens.len(), 4, 3, &["PER", "ORG"]);
            for set in [&a, &b] {
                let c = &set.inner.compiled;
                let mut fresh = Scratch::default();
                prepare(c, &text, &tokens, &whole(&text, &tokens), &ents, &mut fresh);
                prepare(c, &text, &tokens, &whole(&text, &tokens), &ents, &mut reused);
                let facts = |f: &Facts| {
                    let ents: Vec<_> = f.ents.iter().map(|e| (e.start, e.end, e.label)).collect();
                    let rows = (f.lex_lower.clone(), f.lex_starts.clone(), f.lex_exact.clone());
                    (f.words.clone(), f.exact.clone(), rows, ents, f.lex_seen)
                };
                assert_eq!(facts(&reused.facts), facts(&fresh.facts), "{text:?}");
                assert_eq!(reused.cands, fresh.cands, "{text:?}");
                if !fresh.cands.is_empty() {
                    let any = |f: &Facts| (f.any_lower, f.any_exact, f.any_shapes);
                    assert_eq!(any(&reused.facts), any(&fresh.facts), "{text:?}");
                    compared += 1;
                }
            }
        }
        assert!(compared > 600, "{compared}");
    }

    /// The words of lexicon membership that `one_word` reads in `prepare`
    /// and `confirm_lexicons` (without a test for `NONE`) are the bits of
    /// the lexicons one by one, for every id, ids past the vocabulary and
    /// `NONE` (0), with one word an id; with more lexicons, a row is more
    /// than one word, which those callers do not read so.
    #[test]
    fn first_membership_words_are_the_bits() {
        for count in [3usize, 70] {
            let mut rules = String::new();
            for l in 0..count {
                let (a, b) = (format!("w{}", l % 11), format!("w{}", (l * 7 + 3) % 13));
                let exact = if l % 3 == 0 { " exact" } else { "" };
                rules += &format!("lexicon L{l}{exact} = \"{a}\" | \"{b} {a}\" | \"W{l}\"\n");
                rules += &format!("entity r{l} X: <L{l}> Any\n");
            }
            let set = rule_set(&rules);
            let c = &set.inner.compiled;
            let (mut ones, mut starts) = (0, 0);
            for (m, len) in
                [(&c.lower_members, c.vocab.lower_len()), (&c.exact_members, c.vocab.exact_len())]
            {
                assert_eq!(m.stride, count.div_ceil(64));
                for id in (0..len as u32 + 3).chain([NONE - 1, NONE]) {
                    let bits = |has: &dyn Fn(u32) -> bool| {
                        (0..64).filter(|&l| has(l)).fold(0u64, |a, l| a | 1 << l)
                    };
                    let one = bits(&|l| m.one(id, l));
                    let start = bits(&|l| m.starts(id, l));
                    if m.stride == 1 {
                        assert_eq!(one_word(&m.one, id), one, "{count} lexicons, id {id}");
                        assert_eq!(one_word(&m.start, id), start, "{count} lexicons, id {id}");
                    }
                    (ones, starts) =
                        (ones + usize::from(one != 0), starts + usize::from(start != 0));
                }
            }
            assert!(ones > 2 && starts > 5, "{ones} {starts}");
        }
    }

    /// Entity start sets, the one-position checks (`check_at`, unions'
    /// labels) and the last start of an entity landmark (`last_passing`)
    /// are what a search of the labels decides, whether the labels fit in
    /// one word of bits or not (ids from 64 on); `has_entity` agrees with
    /// a search.
    #[test]
    fn entity_sets_agree_with_the_check_past_64_labels() {
        let mut next = crate::testing::xorshift(17);
        for _ in 0..500 {
            let labels: Vec<u16> = (0..next() % 5).map(|_| (next() % 80) as u16).collect();
            let set = LabelSet::new(labels.clone().into());
            let ents: Vec<Ent> = (0..next() % 3)
                .map(|_| Ent { start: 0, end: 1, label: (next() % 80) as u16 })
                .collect();
            let any = ents.iter().any(|e| labels.contains(&e.label));
            assert_eq!(has_entity(&ents, &set), any, "{ents:?} with {labels:?}");
        }
        // Seventy labels: slots naming the first ones and the last ones.
        let names: Vec<String> = (0..70).map(|k| format!("L{k}")).collect();
        let mut rules: String =
            names.iter().map(|l| format!("entity r{l} X: {{{l}}} Any\n")).collect();
        rules.push_str("entity low X: {L1|L5} Any\nentity high X: {L66|L2|L69} Any\n");
        let set = rule_set(&rules);
        let compiled = &set.inner.compiled;
        let labels: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut high = 0;
        each_labelled_sentence(compiled, &["a", "b", "c"], &labels, 3, |cx, starts, what| {
            let search = |ls: &LabelSet, p: usize| {
                ents_at(&cx.facts.ents, p).iter().any(|e| ls.labels().contains(&e.label))
            };
            for (k, c) in compiled.starts.iter().enumerate() {
                let StartCheck::Ent(ls) = c else { continue };
                high += usize::from(ls.labels().iter().any(|&l| l >= 64));
                // Before `ensure`: found from the end backwards.
                for end in 0..=cx.tokens.len() {
                    let want = (0..end).rev().find(|&p| search(ls, p));
                    let got = starts.last_passing(cx, k as u32, end);
                    assert_eq!(got, want, "{c:?} before {end} in {what}");
                }
                starts.ensure(cx, k as u32);
                for p in 0..cx.tokens.len() {
                    let want = search(ls, p);
                    assert_eq!(check_at(cx, c, p), want, "{c:?} at {p} in {what}");
                    assert_eq!(starts.passes(cx, k as u32, p), want, "{c:?} at {p} in {what}");
                }
            }
        });
        assert!(high > 100, "{high} sets of labels past 64");
    }

    /// The interpreter with fused splits finds what the plain one does, at
    /// every start of varied sentences, with the same captures and the same
    /// steps counted, also when the budget runs out part way; splits whose
    /// first branch is a lexicon (of one-token entries, of longer ones, of
    /// exact ones) among them.
    #[test]
    fn fused_splits_agree_with_the_plain_interpreter() {
        let mut b = RuleSetBuilder::new();
        b.add_str(
            "lexicon L = the | Smith | \"New York\"\nlexicon S = said | told\n\
             lexicon E exact = US | Army | \"New York\"\n\
             entity a X: n:Cap{1,3} (said | told)?\n\
             entity b X: \"the\"? Cap ...{0,4} <L>\n\
             entity c X: ({PER} | Cap) (and | \",\")* n:(Num | Ordinal)+\n\
             entity d X: (Lower & !and)? x:(\"US\" | Army | Any) ...{0,2} {ORG}\n\
             entity e X: Cap* Lower? y:Cap+ \"x1\"?\n\
             entity f X: (Upper | Num){0,3} ({PER} | <L>) (said Any?)?\n\
             entity g X: h:{PER|ORG} (Lower | t:{ORG}){0,2} (said | k:(Cap))\n\
             entity h X: (k:(Cap) Num)? Lower (m:{PER} Num)? Any?\n\
             entity i X: Cap <L>{0,2} (<S> | Lower)? n:<E>? (<L> | <E> | Num)* Any\n\
             entity j X: m:(Cap (<L> | Num)?) ...{0,2} {PER}?",
            Some("t.rules"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let set = b.build().unwrap_or_else(|e| panic!("{e}"));
        let compiled = &set.inner.compiled;
        let lexicon_first = |p: &Program| {
            let first = |a: &u32| matches!(p.insts.get(*a as usize), Some(Inst::Lex(_)));
            p.insts.iter().any(|i| matches!(i, Inst::Split(a, _) if first(a)))
        };
        assert!(compiled.programs.iter().any(lexicon_first));
        let pool = [
            "the", "The", "Smith", "US", "Army", "NATO", "2024", "and", "x1", "New", "York", ",",
            "said", "told", "3rd", "Paris", "army", "of",
        ];
        let labels = ["PER", "ORG"];
        let tk = Tokenizer::new();
        let mut seed = 3;
        let (mut sc, mut fused, mut plain) =
            (Scratch::default(), State::default(), State::default());
        let (mut matched, mut cut) = (0, 0);
        for len in [1, 4, 9, 20, 70] {
            for _ in 0..25 {
                let text = sentence(&mut seed, &pool, len);
                let tokens = tk.tokenize(&text);
                let ents = entities(&mut seed, tokens.len(), 3, 3, &labels);
                let all = whole(&text, &tokens);
                let range = prepare(compiled, &text, &tokens, &all, &ents, &mut sc);
                let cx = Cx::new(compiled, &text, &tokens, range, &sc.facts);
                for prog in &compiled.programs {
                    for start in 0..cx.tokens.len() {
                        for budget in [MAX_STEPS_PER_SENTENCE, 1, 2, 3, 5, 8, 13] {
                            let (mut bf, mut bp) = (budget, budget);
                            fused.fit(prog);
                            plain.fit(prog);
                            let got = longest_at::<true>(&cx, prog, start, &mut fused, &mut bf);
                            let want = longest_at::<false>(&cx, prog, start, &mut plain, &mut bp);
                            assert_eq!((got, bf), (want, bp), "{start} of {text:?} {ents:?}");
                            if got.is_some() {
                                assert_eq!(fused.best, plain.best, "{start} of {text:?}");
                                matched += 1;
                            }
                            cut += usize::from(bp == 0);
                        }
                    }
                }
            }
        }
        assert!(matched > 1000 && cut > 1000, "{matched} matches, {cut} budgets used up");
    }

    /// An attempt's best end is kept as one number, 0 for none (a match is
    /// never empty, so it ends past its start): no match is `None`, even
    /// from the first token, and of two matches of the same length the
    /// first found keeps its captures (the tie rule of `docs/RULES.md`),
    /// in the fused and the plain interpreter alike.
    #[test]
    fn best_ends_are_none_or_the_first_of_the_longest() {
        let set = rule_set("entity a X: (k:(Cap Lower) | m:(Cap) Lower) Num?\n");
        let compiled = &set.inner.compiled;
        let text = "Smith said Jones said 7 of";
        let tokens = Tokenizer::new().tokenize(text);
        let mut sc = Scratch::default();
        let range = prepare(compiled, text, &tokens, &whole(text, &tokens), &[], &mut sc);
        let cx = Cx::new(compiled, text, &tokens, range, &sc.facts);
        let prog = &compiled.programs[0];
        let wants = [(Some(2), 0), (None, 0), (Some(5), 2), (None, 0), (None, 0), (None, 0)];
        for (start, (want, at)) in wants.into_iter().enumerate() {
            for fused in [true, false] {
                let (mut st, mut budget) = (State::default(), MAX_STEPS_PER_SENTENCE);
                st.fit(prog);
                let got = match fused {
                    true => longest_at::<true>(&cx, prog, start, &mut st, &mut budget),
                    false => longest_at::<false>(&cx, prog, start, &mut st, &mut budget),
                };
                assert_eq!(got, want, "from {start}, fused {fused}");
                if want.is_some() {
                    // `k` took the two tokens; `m`, the second reading's
                    // capture, is unset.
                    let k = [at as u32, at as u32 + 2, NONE, NONE];
                    assert_eq!(st.best[..4], k, "from {start}, fused {fused}");
                }
            }
        }
    }

    /// A program's first `Save` is done when an attempt is set up only
    /// when no jump leads back to it (a repeated capture's does), and
    /// only when it comes first.
    #[test]
    fn entry_saves_are_first_saves_no_jump_returns_to() {
        let set = rule_set(
            "entity a X: n:(Cap Num?)\nentity b X: (n:Cap)+ Num\nentity c X: Cap n:Num\n\
             entity d X: (n:Cap | Num)* Lower\nentity e X: n:Cap{1,3} m:Num",
        );
        let got: Vec<u32> = set.inner.compiled.programs.iter().map(|p| p.entry_save).collect();
        // `+` is written out as one copy, then a loop: no jump to `b`'s first.
        assert_eq!(got, [0, 0, NONE, NONE, 0]);
        for p in &set.inner.compiled.programs {
            if p.entry_save != NONE {
                assert!(matches!(p.insts.first(), Some(Inst::Save(s)) if *s == p.entry_save));
            }
        }
        // Programs as the compiler does not make them today.
        let loop_back = [Inst::Save(2), Inst::Any, Inst::Split(0, 3), Inst::Match];
        let jump_back = [Inst::Save(2), Inst::Any, Inst::Jmp(0), Inst::Match];
        let second = [Inst::Save(2), Inst::Any, Inst::Split(3, 0), Inst::Match];
        let ahead = [Inst::Save(2), Inst::Any, Inst::Split(1, 3), Inst::Match];
        let got = [&loop_back[..], &jump_back, &second, &ahead].map(entry_save);
        assert_eq!(got, [NONE, NONE, NONE, 2]);
    }

    /// `Facts::rules_out` (a conjunction test needs a shape or a one-token
    /// lexicon that no token of the sentence has) only for tests that pass
    /// at no token, and for many of them; and the start sets of such
    /// tests, now left empty without columns, against the test at each
    /// token.
    #[test]
    fn tests_ruled_out_pass_at_no_token() {
        let set = rule_set(
            "lexicon L = the | Smith | \"New York\" | x1\nlexicon E exact = US | Army\n\
             entity a X: Cap & <L> Any\nentity b X: Upper & <E> Any\n\
             entity c X: Num & !<L> Any\nentity d X: (Upper | Num) & !<E> Any\n\
             entity e X: Lower & <L> & !\"the\" Any\nentity f X: <E> & !Upper Any",
        );
        let compiled = &set.inner.compiled;
        let flats: Vec<(u32, &Flat)> = (0u32..)
            .zip(&compiled.starts)
            .filter_map(|(k, c)| match c {
                StartCheck::Test(Test::Flat(t)) => Some((k, &**t)),
                _ => None,
            })
            .collect();
        assert_eq!(flats.len(), 6, "every rule starts with a conjunction test");
        let pool = [
            "the", "The", "Smith", "smith", "US", "us", "Army", "army", "NATO", "2024", "and",
            "x1", "New", "York", ",", "said", "F-35",
        ];
        let (mut ruled, mut kept) = (0, 0);
        // Short sentences, which lack most shapes and lexicons, and longer
        // ones.
        let lens = [1, 2, 3, 5, 8, 70].repeat(100);
        each_sentence_of(compiled, &pool, &lens, &[], 11, |cx, starts, what| {
            for &(k, t) in &flats {
                starts.ensure(cx, k);
                let passing: Vec<usize> =
                    (0..cx.tokens.len()).filter(|&p| eval_flat(cx, t, p)).collect();
                if cx.facts.rules_out(t) {
                    assert_eq!(passing, Vec::<usize>::new(), "{t:?} ruled out in {what}");
                    ruled += 1;
                } else {
                    kept += 1;
                }
                for p in 0..cx.tokens.len() {
                    let got = starts.passes(cx, k, p);
                    assert_eq!(got, passing.contains(&p), "{t:?} at {p} of {what}");
                }
            }
        });
        assert!(ruled > 1000 && kept > 1000, "{ruled} ruled out, {kept} kept");
    }

    #[test]
    fn column_sets_agree_with_the_test_at_each_token() {
        let mut b = RuleSetBuilder::new();
        b.add_str(
            "lexicon L = the | Smith | \"New York\" | x1\nlexicon E exact = US | Army\n\
             entity a X: Cap & !<L> Lower\n\
             entity b X: (Upper | Num) & !<E> & !\"the\" Any\n\
             entity c X: Lower & <L> Any\nentity d X: <E> & Cap Any\n\
             entity e X: !Cap & !Punct & !\"and\" Any",
            Some("t.rules"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let set = b.build().unwrap_or_else(|e| panic!("{e}"));
        let compiled = &set.inner.compiled;
        let flats: Vec<&Flat> = compiled
            .starts
            .iter()
            .filter_map(|c| match c {
                StartCheck::Test(Test::Flat(t)) => Some(&**t),
                _ => None,
            })
            .collect();
        assert_eq!(flats.len(), 5, "every rule starts with a conjunction test");
        let pool = [
            "the", "The", "Smith", "smith", "US", "us", "Army", "army", "NATO", "2024", "and",
            "x1", "New", "York", ",", "Gen.", "said", "F-35", "Kyiv's",
        ];
        let tk = Tokenizer::new();
        let mut seed = 7;
        let mut checked = 0;
        // One set of columns for all sentences, as in use: nothing of one
        // sentence's columns may leak into the next.
        let mut cols = Columns::default();
        for len in [1, 5, 63, 64, 65, 130, 200, 3] {
            for _ in 0..20 {
                let text = sentence(&mut seed, &pool, len);
                let tokens = tk.tokenize(&text);
                let all = whole(&text, &tokens);
                let mut sc = Scratch::default();
                let range = prepare(compiled, &text, &tokens, &all, &[], &mut sc);
                let n = range.len();
                let words = n.div_ceil(64).max(1);
                let cx = Cx::new(compiled, &text, &tokens, range, &sc.facts);
                cols.made = false;
                let need = &compiled.columns;
                assert!(cols.make(&sc.facts, words, need), "rows made for {text:?}");
                for t in &flats {
                    let mut out = vec![!0u64; words];
                    cols.flat(&sc.facts, t, n, &mut out);
                    for p in 0..words * 64 {
                        let bit = out[p / 64] >> (p % 64) & 1 == 1;
                        assert_eq!(bit, p < n && eval_flat(&cx, t, p), "{t:?} at {p} of {text:?}");
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 8 * 20 * 5);
    }

    /// The shape columns of a sentence of up to 64 tokens
    /// (`Columns::spread_one`, gathered eight tokens at a time by
    /// `Columns::gather`, from bytes left over from a longer sentence past
    /// the tokens) against the general loop over the rows
    /// (`Columns::spread`), on random rows of every length up to 64 and
    /// random sets of columns: equal in the columns asked for (in their
    /// first `n` bits, the only ones a test reads), and the others
    /// untouched. Such a sentence has no lexicon columns (its tests read
    /// the rows: see `one_word_flat_sets_agree_with_the_lexicon_columns`),
    /// so `spread_one` leaves them as they were.
    #[test]
    fn one_word_columns_agree_with_the_general_spread() {
        let mut next = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        for round in 0..2_000 {
            let n = round % 65;
            let mut f = Facts::default();
            // Sparse rows, as lexicon membership is, and dense ones.
            let sparse = round % 3 == 0;
            for _ in 0..n {
                let (a, b) = (next(), next());
                f.shapes.push(a as u16);
                f.lex_lower.push(if sparse { a & b & next() } else { b });
                f.lex_exact.push(if sparse { b >> 7 & next() & next() } else { a.rotate_left(9) });
            }
            let (m, r) = (next(), next());
            let mut need = ColumnBits::default();
            need.shapes = if round % 5 == 0 { !0 } else { m as u16 };
            need.lower = if round % 7 == 0 { !0 } else { r };
            need.exact = m & r.rotate_left(17);
            let junk = next();
            let mut fast = Columns::default();
            let mut slow = Columns::default();
            for c in [&mut fast, &mut slow] {
                c.shapes = vec![junk; SHAPE_COUNT];
                c.lower = vec![junk; 64];
                c.exact = vec![junk; 64];
                clear(&mut c.shapes, SHAPE_COUNT, 1, need.shapes.into());
            }
            clear(&mut slow.lower, 64, 1, need.lower);
            clear(&mut slow.exact, 64, 1, need.exact);
            fast.lo = vec![junk as u8; 64];
            fast.hi = vec![(junk >> 8) as u8; 64];
            fast.spread_one(&f, &need);
            fast.gather(!0);
            slow.spread(&f, 1, &need);
            let first_n = if n == 64 { !0 } else { (1u64 << n) - 1 };
            for (b, (&x, &y)) in fast.shapes.iter().zip(&slow.shapes).enumerate() {
                let x = if need.shapes >> b & 1 == 1 { x & first_n } else { x };
                assert_eq!(x, y, "shape {b} of {n} tokens, {need:?}");
            }
            assert_eq!(fast.lower, vec![junk; 64], "lower of {n} tokens, {need:?}");
            assert_eq!(fast.exact, vec![junk; 64], "exact of {n} tokens, {need:?}");
        }
    }

    /// `Columns::make` on one scratch, sentence after sentence, as in use:
    /// the shape columns of a sentence of up to 64 tokens are not cleared
    /// but written whole by `Columns::gather`, so each (in its first `n`
    /// bits, the only ones a test reads), and each lexicon column, is what
    /// a fresh `Columns` makes of the sentence, whatever the sentences
    /// before left there; longer sentences (cleared, then spread) too, and
    /// their lexicon columns (a sentence of up to 64 tokens has none).
    #[test]
    fn reused_columns_forget_the_sentence_before() {
        let mut next = crate::testing::xorshift(0x5eed_c011_u64);
        let mut reused = Columns::default();
        for round in 0..1_500 {
            let n = 1 + (next() % 64) as usize + if round % 9 == 0 { 64 } else { 0 };
            let words = n.div_ceil(64);
            let f = random_facts(&mut next, n);
            let mut need = ColumnBits::default();
            need.shapes = next() as u16;
            (need.lower, need.exact) = (next(), next());
            let mut fresh = Columns::default();
            for c in [&mut reused, &mut fresh] {
                c.made = false;
                assert!(c.make(&f, words, &need));
                c.gather(!0);
            }
            let first_n = if n >= 64 { !0 } else { (1u64 << n) - 1 };
            for b in 0..SHAPE_COUNT {
                if need.shapes >> b & 1 == 0 {
                    continue;
                }
                for i in 0..words {
                    let (x, y) = (reused.shapes[b * words + i], fresh.shapes[b * words + i]);
                    let mask = if i + 1 == words { first_n } else { !0 };
                    assert_eq!(
                        x & mask,
                        y & mask,
                        "shape {b} word {i} of {n} tokens, round {round}"
                    );
                }
            }
            let lexicons = if words > 1 { 64 } else { 0 };
            for (b, i) in (0..lexicons).flat_map(|b| (0..words).map(move |i| (b, i))) {
                let k = b * words + i;
                if need.lower >> b & 1 == 1 {
                    assert_eq!(reused.lower[k], fresh.lower[k], "lower {b} of {n} tokens");
                }
                if need.exact >> b & 1 == 1 {
                    assert_eq!(reused.exact[k], fresh.exact[k], "exact {b} of {n} tokens");
                }
            }
        }
    }

    /// Facts of `n` tokens with random shapes and lexicon rows (word 0
    /// each), for the `Columns` tests.
    fn random_facts(next: &mut dyn FnMut() -> u64, n: usize) -> Facts {
        let mut f = Facts::default();
        for _ in 0..n {
            let (a, b) = (next(), next());
            f.words.push(0);
            f.shapes.push(a as u16);
            f.lex_lower.push(b);
            f.lex_exact.push(a & b.rotate_left(13));
        }
        f
    }

    /// `Columns::make` makes the columns once a sentence: asked again, it
    /// answers true and leaves them as they were (rows changed in between
    /// are not read again), and once told of a new sentence (`made`
    /// cleared) it makes them from its rows; facts without lexicon rows
    /// get false and no columns, made or not before.
    #[test]
    fn columns_are_made_once_a_sentence() {
        let mut next = crate::testing::xorshift(0x00c0_1a4e);
        let mut cols = Columns::default();
        let mut need = ColumnBits::default();
        (need.shapes, need.lower, need.exact) = (!0, !0, !0);
        let facts = |next: &mut dyn FnMut() -> u64, n: usize| random_facts(next, n);
        // What `make` writes: the shapes' bytes and, for a sentence of
        // more than 64 tokens, the lexicon columns.
        let columns = |c: &Columns| (c.lo.clone(), c.hi.clone(), c.lower.clone(), c.exact.clone());
        for round in 0..200usize {
            let n = 1 + round % 70;
            let words = n.div_ceil(64);
            let (first, second) = (facts(&mut next, n), facts(&mut next, n));
            cols.made = false;
            let mut bare = facts(&mut next, n);
            bare.lex_lower.clear();
            assert!(!cols.make(&bare, words, &need), "no rows, round {round}");
            assert!(!cols.made, "no rows, round {round}");
            assert!(cols.make(&first, words, &need), "round {round}");
            let made = columns(&cols);
            assert!(cols.make(&second, words, &need), "round {round}");
            assert_eq!(columns(&cols), made, "made again in round {round}");
            cols.made = false;
            assert!(cols.make(&second, words, &need), "round {round}");
            let mut fresh = Columns::default();
            assert!(fresh.make(&second, words, &need));
            if words > 1 {
                let lens = 64 * words;
                assert_eq!(cols.lower[..lens], fresh.lower[..lens], "round {round}");
                assert_eq!(cols.exact[..lens], fresh.exact[..lens], "round {round}");
            } else {
                assert_eq!((&cols.lo[..n], &cols.hi[..n]), (&fresh.lo[..n], &fresh.hi[..n]));
            }
        }
    }

    /// `Columns::flat` of a sentence of up to 64 tokens
    /// (`Columns::flat_one_word`: the shape columns, then the lexicon rows
    /// of the tokens they leave, a lexicon the test must not be in and no
    /// token is in not read) against `Columns::flat_word` over lexicon
    /// columns spread from every row (`Columns::spread`), as such a
    /// sentence had them: on random sparse rows and random conjunction
    /// tests with and without shape, lexicon and word masks, at every
    /// length up to 64, with `Facts::any_lower` and `any_exact` the union
    /// of the rows as `prepare` makes them.
    #[test]
    fn one_word_flat_sets_agree_with_the_lexicon_columns() {
        let mut next = crate::testing::xorshift(0x0f1a_7bee);
        let mut fast = Columns::default();
        let (mut lexicons_cut, mut passed) = (0, 0);
        for round in 0..4_000 {
            let n = 1 + round % 64;
            let mut f = random_facts(&mut next, n);
            for p in 0..n {
                f.words[p] = (next() % 4) as u32;
                // Sparse rows, as lexicon memberships are.
                f.lex_lower[p] &= next() & next() & 0xff;
                f.lex_exact[p] &= next() & next() & 0xff;
            }
            f.any_lower = f.lex_lower.iter().fold(0, |a, &r| a | r);
            f.any_exact = f.lex_exact.iter().fold(0, |a, &r| a | r);
            let mut sparse = |bits: u64, odds: u64| {
                if next() % odds == 0 {
                    0
                } else {
                    next() & next() & bits
                }
            };
            let mut t = Flat::default();
            t.shapes_all = sparse(0xffff, 3) as u16;
            t.shapes_none = sparse(0xffff, 3) as u16 & !t.shapes_all;
            let masks = [sparse(0xff, 2), sparse(0xff, 2), sparse(0xff, 2), sparse(0xff, 2)];
            if round % 7 == 0 {
                t.shapes_any = vec![next() as u16 | 1].into();
            }
            t.first_words = masks;
            (t.lower_all, t.lower_none) = (vec![masks[0]].into(), vec![masks[1]].into());
            (t.exact_all, t.exact_none) = (vec![masks[2]].into(), vec![masks[3]].into());
            match round % 5 {
                0 => t.word = Some((next() % 4) as u32),
                1 => t.words_none = vec![(next() % 4) as u32].into(),
                _ => {}
            }
            let mut need = ColumnBits::default();
            (need.shapes, need.lower, need.exact) = (!0, !0, !0);
            let mut slow = Columns::default();
            (slow.shapes, slow.lower, slow.exact) = (vec![0; 16], vec![0; 64], vec![0; 64]);
            slow.spread(&f, 1, &need);
            let want = slow.flat_word(&f, &t, n, 0, 1);
            fast.made = false;
            assert!(fast.make(&f, 1, &need));
            let mut got = [!0u64];
            fast.flat(&f, &t, n, &mut got);
            assert_eq!(got[0], want, "round {round}: {t:?} on {f:?}");
            let mut shapes_only = t.clone();
            shapes_only.first_words = [0; 4];
            lexicons_cut += usize::from(fast.flat_one_word(&f, &shapes_only, n) != want);
            passed += usize::from(want != 0);
        }
        assert!(lexicons_cut > 300 && passed > 300, "{lexicons_cut} {passed}");
    }

    /// `Facts::lex_seen` has the bit of every lexicon an entry of which may
    /// start at a token of the sentence, lower case or as written (as
    /// `lex_starts` decides: shared normal forms, possessives and forms of
    /// several tokens among them), so that `ensure_lex` may leave the set
    /// of a lexicon without it empty; and most lexicons without a start
    /// have no bit, or it would save nothing.
    #[test]
    fn seen_lexicons_cover_every_lexicon_start() {
        let set = rule_set(LEXICON_RULES);
        let c = &set.inner.compiled;
        let pool: Vec<&str> = LEXICON_POOL.split(' ').collect();
        let (mut started, mut left_out) = (0, 0);
        let lens = [1, 2, 4, 8, 30, 64, 70].repeat(40);
        each_sentence_of(c, &pool, &lens, &[], 0x0005_ee17, |cx, _, what| {
            for l in 0..c.lexicons.len() as u32 {
                let seen = cx.facts.lex_seen >> l & 1 == 1;
                if (0..cx.tokens.len()).any(|p| lex_starts(cx, l, p)) {
                    assert!(seen, "lexicon {l} starts in {what}");
                    started += 1;
                } else {
                    left_out += usize::from(!seen);
                }
            }
        });
        assert!(started > 300 && left_out > 100, "{started} {left_out}");
    }

    /// `eval_flat` (shape masks first, the rest out of line, the lexicons
    /// from one-word rows or, without them, from the membership rows)
    /// against the general `eval` of the tests a flat test is made of, on
    /// random conjunctions of shapes, words, lexicons, their negations and
    /// shape alternatives, at every token of generated sentences; and the
    /// first words the flat test holds in place (`Flat::first_words`)
    /// against its lexicon sets.
    #[test]
    fn flat_tests_agree_with_their_parts_at_each_token() {
        let set = rule_set(
            "lexicon L = the | Smith | \"New York\" | x1 | said\nlexicon E exact = US | Army\n\
             entity a X: <L> Any\nentity b X: <E> Any\nentity c X: Any \"and\" \"the\"",
        );
        let compiled = &set.inner.compiled;
        let pool = [
            "the", "The", "Smith", "smith", "US", "us", "Army", "army", "NATO", "2024", "and",
            "x1", "New", "York", ",", "Gen.", "said", "F-35", "Kyiv's",
        ];
        let lexicons = compiled.lexicons.len() as u64;
        assert_eq!(lexicons, 2);
        let mut next = crate::testing::xorshift(11);
        let (mut checked, mut passed) = (0, 0);
        each_prepared_sentence(compiled, &pool, 5, |cx, _, name| {
            let f = cx.facts;
            // No rule selected, no shapes: flat tests are not run then.
            if f.shapes.len() != cx.tokens.len() {
                return;
            }
            // The same sentence without one-word lexicon rows, as with
            // more than 64 lexicons.
            let wide = Facts {
                words: f.words.clone(),
                exact: f.exact.clone(),
                shapes: f.shapes.clone(),
                ..Facts::default()
            };
            let cx_wide = Cx { facts: &wide, ..*cx };
            let n = cx.tokens.len();
            for _ in 0..20 {
                let mut parts = Vec::new();
                for _ in 0..1 + next() % 4 {
                    let mut shape = || 1u16 << (next() % SHAPE_COUNT as u64);
                    let (s1, s2) = (shape(), shape());
                    let word = f.words.get(next() as usize % n.max(1)).copied().unwrap_or(NONE);
                    let l = (next() % lexicons) as u32;
                    let part = match next() % 7 {
                        0 => Test::Shape(s1),
                        1 => Test::Not(Box::new(Test::Shape(s1))),
                        2 => Test::Or([Test::Shape(s1), Test::Shape(s2)].into()),
                        3 => Test::Word(word),
                        4 => Test::Not(Box::new(Test::Word(word))),
                        5 => Test::Lex(l),
                        _ => Test::Not(Box::new(Test::Lex(l))),
                    };
                    parts.push(part);
                }
                let Some(flat) = Flat::of(&parts, &compiled.lexicons) else { continue };
                let sets = [&flat.lower_all, &flat.lower_none, &flat.exact_all, &flat.exact_none];
                let firsts = sets.map(|m| m.first().copied().unwrap_or(0));
                assert_eq!(flat.first_words, firsts, "{parts:?}");
                for p in 0..n {
                    let want = parts.iter().all(|t| eval(cx, t, p));
                    assert_eq!(eval_flat(cx, &flat, p), want, "{parts:?} at {p} of {name}");
                    assert_eq!(eval_flat(&cx_wide, &flat, p), want, "{parts:?} at {p} of {name}");
                    // The interpreter's form, its shape masks in place.
                    assert_eq!(flat_passes(cx, &flat, p), want, "{parts:?} at {p} of {name}");
                    assert_eq!(flat_passes(&cx_wide, &flat, p), want, "{parts:?} at {p} of {name}");
                    checked += 1;
                    passed += usize::from(want);
                }
            }
        });
        assert!(checked > 10_000 && passed > 1000, "{checked} checked, {passed} passed");
    }

    /// Entity rules of 2–5 elements drawn by `next` from words, tests,
    /// lexicons, slots, gaps and alternations, some optional, repeated or
    /// captured: varied programs for the landmark tests.
    fn random_rules(next: &mut impl FnMut() -> u64, count: usize) -> String {
        random_rules_of(next, count, &ATOMS)
    }

    /// The atoms of [`random_rules`].
    const ATOMS: [&str; 12] = [
        "Cap",
        "Lower",
        "Num",
        "\"the\"",
        "said",
        "{PER}",
        "{ORG|LOC}",
        "<L>",
        "Any",
        "(said | told)",
        "(Cap | {PER})",
        "(and \",\" | <L> | {ORG})",
    ];

    /// Entity rules of 2–5 elements, each one of `atoms` (which may name
    /// the lexicon `L`), some optional, repeated or captured.
    fn random_rules_of(next: &mut impl FnMut() -> u64, count: usize, atoms: &[&str]) -> String {
        let mut out = String::from("lexicon L = the | Smith | \"New York\"\n");
        for r in 0..count {
            out.push_str(&format!("entity r{r} X:"));
            for k in 0..2 + next() % 4 {
                let atom = atoms[(next() % atoms.len() as u64) as usize];
                let element = match next() % 10 {
                    0 => format!("{atom}?"),
                    1 => format!("{atom}*"),
                    2 => format!("({atom}){{0,2}}"),
                    3 => format!("({atom}){{1,3}}"),
                    4 => format!("c{k}:({atom})"),
                    5 => format!("c{k}:({atom}) {atom}"),
                    6 => "...{0,2}".to_string(),
                    _ => atom.to_string(),
                };
                out.push(' ');
                out.push_str(&element);
            }
            out.push('\n');
        }
        out
    }

    /// Whether `Match` (the last instruction) can be reached from the
    /// first without passing instruction `cut`: a walk of every path.
    fn reaches_match_without(insts: &[Inst], cut: usize) -> bool {
        let mut seen = vec![false; insts.len()];
        let mut stack = vec![0usize];
        while let Some(pc) = stack.pop() {
            if pc == cut || pc >= insts.len() || std::mem::replace(&mut seen[pc], true) {
                continue;
            }
            match &insts[pc] {
                Inst::Match => return true,
                Inst::Split(a, b) => stack.extend([*a as usize, *b as usize]),
                Inst::Jmp(a) => stack.push(*a as usize),
                _ => stack.push(pc + 1),
            }
        }
        false
    }

    /// Every instruction `on_every_path` names cannot be avoided on the way
    /// to `Match`, and every consuming one of them is a landmark of its
    /// program, in order, with the check of that instruction.
    #[test]
    fn landmarks_lie_on_every_path() {
        let mut next = crate::testing::xorshift(11);
        let set = rule_set(&random_rules(&mut next, 300));
        let compiled = &set.inner.compiled;
        let (mut cuts, mut skippable) = (0, 0);
        for prog in &compiled.programs {
            let insts = &prog.insts;
            let on_path = on_every_path(insts);
            let mut consumers = Vec::new();
            for (pc, &on) in on_path.iter().enumerate() {
                let avoidable = reaches_match_without(insts, pc);
                assert!(!(on && avoidable), "{pc} can be avoided in {insts:?}");
                let consumes = !matches!(
                    insts[pc],
                    Inst::Split(..) | Inst::Jmp(_) | Inst::Save(_) | Inst::Start | Inst::End
                ) && pc + 1 < insts.len();
                if consumes {
                    if on {
                        consumers.push(pc);
                        cuts += 1;
                    } else {
                        skippable += 1;
                    }
                }
            }
            assert_eq!(consumers.len(), prog.landmarks.len(), "{insts:?}");
            for (&pc, &a) in consumers.iter().zip(prog.landmarks.iter()) {
                let Landmark::Check(c) = a else { continue };
                let want = first_consumers(insts, &[pc]);
                assert_eq!(want, [pc]);
                let kind = &compiled.starts[c as usize];
                let same = match (&insts[pc], kind) {
                    (Inst::Word(w), StartCheck::Word(x)) => w == x,
                    (Inst::Lex(l), StartCheck::Lex(x)) => l == x,
                    (Inst::Ent { labels: l, .. }, StartCheck::Ent(x)) => {
                        let mut l = l.labels().to_vec();
                        l.sort_unstable();
                        l == x.labels()
                    }
                    (Inst::Ents(groups), StartCheck::Ent(x)) => {
                        let mut l: Vec<u16> =
                            groups.iter().flat_map(|g| g.labels()).copied().collect();
                        l.sort_unstable();
                        l.dedup();
                        l == x.labels()
                    }
                    (Inst::Words(_) | Inst::Exact(_), _) => true,
                    _ => false,
                };
                assert!(same, "{:?} has the landmark {kind:?}", insts[pc]);
            }
        }
        assert!(cuts > 300 && skippable > 300, "{cuts} on every path, {skippable} not");
    }

    /// Alternations of entity slots merged into one [`Inst::Ents`] (after
    /// a shape: one [`Inst::ShapeEnts`]), of
    /// shapes into one test (placed last when first), and of single words
    /// into one [`Inst::Words`] in their place, find what the same
    /// rules compiled without merging find, with the same captures, at
    /// every start of varied rules and sentences whose entities overlap
    /// and share starts under several labels.
    #[test]
    fn merged_branches_agree_with_the_branches_written_out() {
        const ATOMS: [&str; 16] = [
            "(Upper | Cap Lower | Cap | Num)",
            "Cap",
            "Lower",
            "said",
            "{PER}",
            "({PER} | {ORG})",
            "({ORG} | {PER|LOC})",
            "(Lower | {LOC} | {PER})",
            "({PER} | {PER|ORG} | Cap | {LOC} | {ORG})",
            "(said | {ORG} | told | {PER} | {LOC})",
            "({ORG} | k:{PER} | {LOC} | {PER})",
            "({LOC} | {ORG} | said Cap | {PER})",
            "(Lower | Num | {ORG} | {LOC})",
            "(Cap | Num | Any | Lower | Cap Cap | Num | said)",
            "({PER} | Cap | Lower | {ORG} | the)",
            "Any",
        ];
        let mut next = crate::testing::xorshift(31);
        let rules = random_rules_of(&mut next, 150, &ATOMS);
        let set = rule_set(&rules);
        let compiled = &set.inner.compiled;
        // The same rules with every slot and shape written `(X{1})`: a
        // repetition, not a bare slot or shape, so a branch of its own.
        let mut written_out = rules.clone();
        let slots = ["{PER}", "{ORG}", "{LOC}", "{PER|LOC}", "{PER|ORG}"];
        // Words too: a run of single words is one instruction in its place.
        for x in slots.into_iter().chain(["Cap", "Lower", "Num", "Upper", "said", "told"]) {
            written_out = written_out.replace(x, &format!("({x}{{1}})"));
        }
        let plain_set = rule_set(&written_out);
        let plain = &plain_set.inner.compiled;
        let merged = compiled.programs.iter().zip(&plain.programs);
        let merged = merged.filter(|(a, b)| a.insts.len() < b.insts.len()).count();
        assert!(merged > 50, "{merged} rules with merged slots");
        // `(Lower | {LOC} | {PER})` and the like: a shape, then slots.
        let shape_ents = compiled.programs.iter();
        let shape_ents = shape_ents
            .filter(|p| p.insts.iter().any(|i| matches!(i, Inst::ShapeEnts { .. })))
            .count();
        assert!(shape_ents > 20, "{shape_ents} rules with a shape and slots merged");
        let pool = ["the", "Smith", "said", "told", "Paris", "army", "of", "NATO", "2024", ","];
        let (matched, fewer, _) = agree_with_written_out(compiled, plain, &pool, 5, &mut next);
        assert!(matched > 50_000 && fewer > 20_000, "{matched} matches, {fewer} in fewer steps");
    }

    /// Compares `compiled` with `plain` (the same rules, written out) at
    /// every start of generated sentences of words of `pool` (from `seed`)
    /// with up to three entities a token, of one to three tokens, so that
    /// several start together and some end together: the same ends and
    /// captures. Returns the matches, the matches `compiled` found in fewer
    /// steps, and the attempts it made in fewer steps.
    fn agree_with_written_out(
        compiled: &Compiled,
        plain: &Compiled,
        pool: &[&str],
        mut seed: u64,
        next: &mut impl FnMut() -> u64,
    ) -> (usize, usize, usize) {
        let labels = ["PER", "ORG", "LOC"];
        let tk = Tokenizer::new();
        let (mut sc, mut plain_sc) = (Scratch::default(), Scratch::default());
        let (mut one, mut other) = (State::default(), State::default());
        let (mut matched, mut fewer_matches, mut fewer) = (0, 0, 0);
        for len in [1, 3, 8, 20, 50] {
            for _ in 0..20 {
                let text = sentence(&mut seed, pool, len);
                let tokens = tk.tokenize(&text);
                let mut ents = Vec::new();
                for k in 0..tokens.len() {
                    for _ in 0..next() % 4 {
                        let end = (k + 1 + (next() % 3) as usize).min(tokens.len());
                        let label = labels[(next() % 3) as usize];
                        ents.push(EntityRef { tokens: k..end, label });
                    }
                }
                let all = whole(&text, &tokens);
                let range = prepare(compiled, &text, &tokens, &all, &ents, &mut sc);
                let cx = Cx::new(compiled, &text, &tokens, range, &sc.facts);
                let range = prepare(plain, &text, &tokens, &all, &ents, &mut plain_sc);
                let plain_cx = Cx::new(plain, &text, &tokens, range, &plain_sc.facts);
                for (prog, unmerged) in compiled.programs.iter().zip(&plain.programs) {
                    for start in 0..cx.tokens.len() {
                        let (mut b1, mut b2) = (MAX_STEPS_PER_SENTENCE, MAX_STEPS_PER_SENTENCE);
                        one.fit(prog);
                        other.fit(unmerged);
                        let got = longest_at::<true>(&cx, prog, start, &mut one, &mut b1);
                        let want =
                            longest_at::<true>(&plain_cx, unmerged, start, &mut other, &mut b2);
                        assert_eq!(got, want, "{start} of {text:?} {ents:?} {:?}", prog.insts);
                        if got.is_some() {
                            assert_eq!(one.best, other.best, "{start} of {text:?} {ents:?}");
                            matched += 1;
                            fewer_matches += usize::from(b1 > b2);
                        }
                        fewer += usize::from(b1 > b2);
                    }
                }
            }
        }
        (matched, fewer_matches, fewer)
    }

    /// Entity slots captured alone (`c:{PER|ORG}`, one [`Inst::Ent`] with
    /// its capture's saves) find what the same rules with the slot written
    /// `({PER|ORG}{1})` (a repetition: `Save`, `Ent`, `Save` of their own)
    /// find, with the same captures, at every start of varied rules and
    /// sentences whose entities share starts and ends under several
    /// labels, so that the slot backtracks into the next entity; in fewer
    /// steps.
    #[test]
    fn captured_slots_agree_with_their_saves_written_out() {
        const ATOMS: [&str; 12] = [
            "h:{PER}",
            "t:{ORG|LOC}",
            "h:{PER|ORG}",
            "(Lower | t:{LOC})",
            "(k:{ORG} | said)",
            "Cap",
            "Lower",
            "said",
            "{PER}",
            "({ORG} | {LOC})",
            "Any",
            "(said Cap | h:{LOC})",
        ];
        let mut next = crate::testing::xorshift(41);
        let rules = random_rules_of(&mut next, 150, &ATOMS);
        let set = rule_set(&rules);
        let compiled = &set.inner.compiled;
        let mut written_out = rules.clone();
        for x in ["{PER}", "{ORG|LOC}", "{PER|ORG}", "{LOC}", "{ORG}"] {
            written_out = written_out.replace(&format!(":{x}"), &format!(":({x}{{1}})"));
        }
        let plain_set = rule_set(&written_out);
        let plain = &plain_set.inner.compiled;
        let pairs = compiled.programs.iter().zip(&plain.programs);
        let captured = pairs.filter(|(a, b)| a.insts.len() < b.insts.len()).count();
        assert!(captured > 100, "{captured} rules with captured slots");
        let pool = ["the", "Smith", "said", "told", "Paris", "army", "of", "NATO", ","];
        let (matched, _, fewer) = agree_with_written_out(compiled, plain, &pool, 7, &mut next);
        assert!(matched > 20_000 && fewer > 50_000, "{matched} matches, {fewer} in fewer steps");
    }

    /// Visit marks in rows indexed by the position modulo `VISIT_ROW`
    /// (`State::visited`): the positions of one attempt never share a
    /// mark, so a gap as long as a match may be, at starts on either side
    /// of a multiple of the row's length, is matched to its end, by one
    /// state reused across attempts and sentences.
    #[test]
    fn visit_marks_of_an_attempt_never_collide() {
        const { assert!(VISIT_ROW > MAX_MATCH_TOKENS) };
        let set = rule_set("entity gap X: Cap Lower* said\n");
        let compiled = &set.inner.compiled;
        let tk = Tokenizer::new();
        let (mut sc, mut st) = (Scratch::default(), State::default());
        let mut tried = 0;
        for lead in [0, 1, 60, 66, 100, 127, 128, 130, 200] {
            for gap in [0, 1, 31, 33, 50, MAX_MATCH_TOKENS - 2] {
                let mut words = vec!["of"; lead];
                words.push("Smith");
                words.extend(std::iter::repeat_n("army", gap));
                words.extend(["said", "of"]);
                let text = words.join(" ");
                let tokens = tk.tokenize(&text);
                assert_eq!(tokens.len(), words.len(), "{text}");
                let range = prepare(compiled, &text, &tokens, &whole(&text, &tokens), &[], &mut sc);
                let cx = Cx::new(compiled, &text, &tokens, range, &sc.facts);
                let prog = &compiled.programs[0];
                st.fit(prog);
                for start in lead.saturating_sub(2)..lead + 2 {
                    let mut budget = MAX_STEPS_PER_SENTENCE;
                    let got = longest_at::<true>(&cx, prog, start, &mut st, &mut budget);
                    let want = (start == lead).then_some(lead + gap + 2);
                    assert_eq!(got, want, "from {start}, {lead} words then a gap of {gap}");
                    tried += 1;
                }
            }
        }
        assert!(tried > 150, "{tried} attempts");
    }

    /// Capture slots reset and kept a block at a time (`reset_slots`,
    /// `keep_best`), and visit marks and slots sized once a rule and
    /// sentence (`State::fit`, sentences of up to 64 tokens and more):
    /// one state reused across rules of two to seven captures
    /// (fewer and more slots than a block), some optional, finds what a
    /// fresh state does at every start, with the same captures; and a
    /// capture of one token that every match holds is that token in the
    /// best slots, past the first block too.
    #[test]
    fn reused_slots_agree_with_fresh_ones() {
        let atoms = ["Cap", "Lower", "said", "Any", "(Num | the)"];
        let mut next = crate::testing::xorshift(43);
        let mut rules = String::new();
        let mut required = Vec::new();
        for r in 0..120 {
            let mut elements = Vec::new();
            let mut always = Vec::new();
            for k in 0..2 + next() % 6 {
                let atom = atoms[(next() % atoms.len() as u64) as usize];
                if next() % 3 == 0 {
                    elements.push(format!("(c{k}:{atom})?"));
                } else {
                    elements.push(format!("c{k}:{atom}"));
                    always.push(k as usize);
                }
                if next() % 4 == 0 {
                    elements.push(atoms[(next() % atoms.len() as u64) as usize].to_string());
                }
            }
            rules.push_str(&format!("entity r{r} X: {}\n", elements.join(" ")));
            required.push(always);
        }
        let set = rule_set(&rules);
        let compiled = &set.inner.compiled;
        assert!(compiled.programs.iter().any(|p| p.captures.len() * 2 > SLOT_BLOCK));
        let pool = ["the", "Smith", "said", "told", "Paris", "army", "of", "2024", ","];
        let tk = Tokenizer::new();
        let (mut sc, mut reused) = (Scratch::default(), State::default());
        let (mut seed, mut matched, mut wide) = (9, 0, 0);
        for len in [1, 4, 9, 20, 64, 70] {
            for _ in 0..20 {
                let text = sentence(&mut seed, &pool, len);
                let tokens = tk.tokenize(&text);
                let all = whole(&text, &tokens);
                let range = prepare(compiled, &text, &tokens, &all, &[], &mut sc);
                let cx = Cx::new(compiled, &text, &tokens, range, &sc.facts);
                for (prog, always) in compiled.programs.iter().zip(&required) {
                    // Sized once for every start, as `run_rule` does.
                    reused.fit(prog);
                    for start in 0..cx.tokens.len() {
                        let mut fresh = State::default();
                        let (mut b1, mut b2) = (MAX_STEPS_PER_SENTENCE, MAX_STEPS_PER_SENTENCE);
                        fresh.fit(prog);
                        let got = longest_at::<true>(&cx, prog, start, &mut reused, &mut b1);
                        let want = longest_at::<true>(&cx, prog, start, &mut fresh, &mut b2);
                        assert_eq!((got, b1), (want, b2), "{start} of {text:?} {:?}", prog.insts);
                        if got.is_none() {
                            continue;
                        }
                        assert_eq!(reused.best, fresh.best, "{start} of {text:?}");
                        for &k in always {
                            let (a, b) = (reused.best[2 * k], reused.best[2 * k + 1]);
                            assert!(a != NONE && b == a + 1, "c{k} at {start} of {text:?}");
                            wide += usize::from(2 * k >= SLOT_BLOCK);
                        }
                        matched += 1;
                    }
                }
            }
        }
        assert!(matched > 5_000 && wide > 300, "{matched} matches, {wide} captures past a block");
    }

    /// `last_row_start` over a sentence's lexicon start rows finds, for
    /// every lexicon (lower-case and exact: the rows are a superset of the
    /// exact starts, as "us" for "US") and every end, the token that
    /// `last_lex_start` finds walking the ids back; sentences of 0 to 70
    /// tokens through one scratch.
    #[test]
    fn last_row_start_agrees_with_the_id_walk() {
        let set = rule_set(LEXICON_RULES);
        let compiled = &set.inner.compiled;
        let pool: Vec<&str> = LEXICON_POOL.split(' ').collect();
        let lens = [0, 1, 3, 9, 30, 70, 2, 40].repeat(40);
        let (mut found, mut rejected, mut sentences) = (0, 0, 0);
        each_sentence_of(compiled, &pool, &lens, &[], 9, |cx, _, what| {
            let rows = &cx.facts.lex_starts;
            if rows.is_empty() || rows.len() != cx.tokens.len() {
                return;
            }
            sentences += 1;
            for l in 0..compiled.lexicons.len() as u32 {
                let (ids, members) = lex_ids(cx, l);
                for end in 0..=rows.len() {
                    let want = last_lex_start(&ids[..end], members, l);
                    let got = last_row_start(&rows[..end], ids, members, l);
                    assert_eq!(got, want, "lexicon {l}, end {end}: {what}");
                    found += usize::from(want.is_some());
                    let last = rows[..end].iter().rposition(|&r| r >> l & 1 != 0);
                    rejected += usize::from(last.is_some() && last != want);
                }
            }
        });
        assert!(
            sentences > 200 && found > 1000 && rejected > 100,
            "{sentences} {found} {rejected}"
        );
    }

    /// `last_lex_start` finds what a walk back with `Membership::starts`
    /// does, with up to 64 lexicons and past them, `NONE` and ids past the
    /// table included.
    #[test]
    fn last_lex_start_agrees_with_a_walk_back() {
        let mut next = crate::testing::xorshift(23);
        for count in [3, 70] {
            let mut rules = String::new();
            for l in 0..count {
                let (a, b, c) = (next() % 20, next() % 20, next() % 20);
                rules.push_str(&format!(
                    "lexicon L{l} = w{a} | \"w{b} w{c}\"\nentity r{l} X: <L{l}>\n"
                ));
            }
            let set = rule_set(&rules);
            let compiled = &set.inner.compiled;
            let members = &compiled.lower_members;
            let ids = (members.start.len() / members.stride) as u64 + 2;
            let mut found = 0;
            for _ in 0..500 {
                let len = next() % 12;
                let words: Vec<u32> = (0..len)
                    .map(|_| if next() % 5 == 0 { NONE } else { (next() % ids) as u32 })
                    .collect();
                for l in 0..compiled.lexicons.len() as u32 {
                    let want = words.iter().rposition(|&id| members.starts(id, l));
                    assert_eq!(last_lex_start(&words, members, l), want, "{l} in {words:?}");
                    found += usize::from(want.is_some());
                }
            }
            assert!(found > 500, "{found} found with {count} lexicons");
        }
    }

    /// `last_before` finds what a walk back over the bits does.
    #[test]
    fn last_before_agrees_with_a_walk_back() {
        let mut next = crate::testing::xorshift(5);
        for words in 0..4 {
            for _ in 0..200 {
                let sparse = next() % 3;
                let bits: Vec<u64> =
                    (0..words).map(|_| (0..sparse).fold(next(), |a, _| a & next())).collect();
                for end in 0..words * 64 + 70 {
                    let want =
                        (0..end.min(words * 64)).rev().find(|&p| bits[p / 64] >> (p % 64) & 1 == 1);
                    assert_eq!(last_before(&bits, end), want, "{end} in {bits:x?}");
                }
            }
        }
    }

    /// Rules tried only up to the last start their landmarks allow find
    /// exactly what they find tried everywhere, on varied rules,
    /// sentences and entities; and the landmarks do rule out starts.
    #[test]
    fn programs_that_read_no_eager_set_match_without_them() {
        // Random rules, and one of each way to read an eager set: a first
        // check, a union first, a second check, a union second, a landmark.
        let mut next = crate::testing::xorshift(31);
        let mut rules = random_rules(&mut next, 120);
        rules.push_str(
            "entity e1 X: said Cap\nentity e2 X: (said | Num) Cap\n\
             entity e3 X: Cap said\nentity e4 X: Cap (told | Num)\n\
             entity e5 X: Cap Lower? said Num\nentity e6 X: Cap Num\n",
        );
        let set = rule_set(&rules);
        let compiled = &set.inner.compiled;
        let eager = compiled.eager.len;
        let pool = [
            "the", "The", "Smith", "said", "told", "and", ",", "New", "York", "Paris", "2024",
            "army", "of", "x1", "3",
        ];
        let lens = [1, 3, 8, 20, 63, 70, 140].repeat(12);
        let (mut matched, mut poisoned) = (0, 0);
        each_sentence_of(compiled, &pool, &lens, &["PER", "ORG", "LOC"], 7, |cx, starts, what| {
            for (r, prog) in compiled.programs.iter().enumerate() {
                let run = |starts: &mut StartSets| {
                    let Some(last) = starts.last_start(cx, &prog.landmarks) else {
                        return Vec::new();
                    };
                    starts.ensure(cx, prog.first);
                    let mut out = Vec::new();
                    run_rule(cx, prog, starts, r, last, &mut State::default(), &mut out);
                    out.into_iter().map(|m| m.tokens).collect::<Vec<_>>()
                };
                starts.reset_eager(cx);
                let want = run(starts);
                // The eager sets emptied, as stale ones may be: a program
                // that reads one can miss its matches.
                starts.reset_eager(cx);
                let w = starts.words;
                starts.bits[..eager * w].fill(0);
                let emptied = run(starts);
                if prog.reads_eager {
                    poisoned += usize::from(emptied != want);
                    continue;
                }
                assert_eq!(emptied, want, "rule {r} ({:?}) in {what}", prog.first);
                starts.reset_without_eager(cx);
                assert_eq!(run(starts), want, "rule {r} without eager sets in {what}");
                matched += want.len();
            }
        });
        let readers = compiled.programs.iter().filter(|p| p.reads_eager).count();
        assert!(readers > 10 && readers + 10 < compiled.programs.len(), "{readers} readers");
        assert!(matched > 1000 && poisoned > 100, "{matched} matches, {poisoned} poisoned");
    }

    #[test]
    fn rules_cut_at_their_landmarks_find_what_uncut_ones_do() {
        let mut next = crate::testing::xorshift(23);
        let set = rule_set(&random_rules(&mut next, 120));
        let cut = &set.inner.compiled;
        let mut plain = cut.clone();
        for p in &mut plain.programs {
            p.landmarks = Box::new([]);
        }
        let pool = [
            "the", "The", "Smith", "said", "told", "and", ",", "New", "York", "Paris", "2024",
            "army", "of", "x1",
        ];
        let labels = ["PER", "ORG", "LOC"];
        let tk = Tokenizer::new();
        let mut seed = 9;
        let (mut sc, mut found, mut shortened) = (Scratch::default(), 0, 0);
        for len in [1, 3, 8, 20, 70, 140] {
            for _ in 0..30 {
                let text = sentence(&mut seed, &pool, len);
                let tokens = tk.tokenize(&text);
                let ents = entities(&mut seed, tokens.len(), 3, 3, &labels);
                let all = whole(&text, &tokens);
                let (mut got, mut want) = (Vec::new(), Vec::new());
                find(cut, &text, &tokens, &all, &ents, &mut sc, &mut got);
                find(&plain, &text, &tokens, &all, &ents, &mut sc, &mut want);
                let key = |m: &PatternMatch| (m.rule, m.tokens.clone());
                assert!(
                    got == want,
                    "{:?} != {:?} in {text:?} {ents:?}",
                    got.iter().map(key).collect::<Vec<_>>(),
                    want.iter().map(key).collect::<Vec<_>>()
                );
                found += got.len();
                let range = prepare(cut, &text, &tokens, &all, &ents, &mut sc);
                let Scratch { facts, starts, cands, .. } = &mut sc;
                let cx = Cx::new(cut, &text, &tokens, range, facts);
                starts.reset_eager(&cx);
                for &r in cands.iter() {
                    let last = starts.last_start(&cx, &cut.programs[r as usize].landmarks);
                    shortened += usize::from(last.is_none_or(|l| l + 1 < cx.tokens.len()));
                }
            }
        }
        assert!(found > 1000 && shortened > 1000, "{found} matches, {shortened} rules cut short");
    }

    /// Word ids shared by the rule sets of a document (looked up in the
    /// vocabulary grown from the other's, or read through the map from a
    /// gazetteer's numbers, the words it misses looked up again, or not
    /// when the rules' words were added to it) are, read by each set, the
    /// ids it looks up itself; a set of another vocabulary does not read
    /// them; and the
    /// facts and candidates prepared from them are those prepared without.
    #[test]
    fn shared_word_ids_are_each_sets_own() {
        use crate::patterns::lexicon::normal_form;
        use crate::patterns::RuleKind;
        let mut b = RuleSetBuilder::new();
        b.add_str(
            "lexicon V = visited | \"arrived in\" | said | met\n\
             lexicon T = Gen. | \"Lt. Gen.\" | Adm. | général\n\
             lexicon E exact = US | Army | \"New York\"\n\
             entity p PERSON = n: <T> n:Cap{1,3}\n\
             entity o ORG: <E> (Times | naïve | counter-intelligence-operations)\n\
             entity q PLACE: (Paris | Łódź) !Lower\n\
             relation r1 R head=a tail=b: a:{PERSON} <V> ...{0,3} b:{PLACE}\n\
             relation r2 S head=a tail=b: a:{ORG} (told | \"in an interview with\") b:{PERSON}\n",
            Some("t.rules"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let rel = b.build_only(RuleKind::Relation).unwrap_or_else(|e| panic!("{e}"));
        let ent = b.build_only_after(RuleKind::Entity, &rel).unwrap_or_else(|e| panic!("{e}"));
        // The same rules on a vocabulary of their own.
        let alone = b.build_only(RuleKind::Entity).unwrap_or_else(|e| panic!("{e}"));
        let pool: Vec<&str> = "visited VISITED Visited arrived in said met told Gen. Lt. Adm. \
            général GÉNÉRAL US us Army ARMY New York Times naïve counter-intelligence-operations \
            Counter-Intelligence-Operations Paris PARIS Łódź łódź Smith John the an interview \
            with rafale Rafale zzq blorp internationalization , . ( ) — 1,200 F-16 café x"
            .split_whitespace()
            .collect();
        let tk = Tokenizer::new();
        // A gazetteer's table: the normal forms of every other pool word.
        let mut table = crate::vocab::Vocab::default();
        for w in pool.iter().step_by(2) {
            for t in tk.tokenize(w) {
                table.intern(&normal_form(w, &t)).unwrap_or_else(|e| panic!("{e}"));
            }
        }
        let map = WordMap::new(&ent, &table);
        // The same table with the rules' words added: its map is complete,
        // and a token it misses is taken as no rule's word.
        let mut taught = table.clone();
        WordMap::add_words_to(&ent, &mut taught);
        let full = WordMap::new(&ent, &taught);
        assert!(!map.complete && full.complete);
        let mut taught_numbers = Vec::new();
        let mut next = crate::testing::xorshift(0x5eed);
        let (mut sc, mut alone_sc) = (Scratch::default(), Scratch::default());
        let (mut norm, mut numbers) = (String::new(), Vec::new());
        // How often a shared id was past the seed's words, and how often
        // the map did not give a token's id.
        let (mut past_seed, mut unmapped) = (0, 0);
        let seps = [" ", " ", "  ", "", "\n"];
        for round in 0..400 {
            let len = 1 + next() as usize % 40;
            let mut text = String::new();
            for _ in 0..len {
                text.push_str(pool[next() as usize % pool.len()]);
                text.push_str(seps[next() as usize % seps.len()]);
            }
            let tokens = tk.tokenize(&text);
            let sentences = tk.sentences(&text, &tokens);
            table.token_ids(&text, &tokens, &mut numbers, &mut norm);
            unmapped += numbers.iter().filter(|&&n| n == table.miss()).count();
            taught.token_ids(&text, &tokens, &mut taught_numbers, &mut norm);
            // Each way after the complete map too, whose clamped ids
            // must not be taken for theirs.
            for way in [0, 1, 2, 3, 0, 3, 1, 3, 2] {
                match way {
                    0 => sc.share_words(&ent, &text, &tokens),
                    1 => sc.share_words_via(&map, &numbers, &text, &tokens),
                    3 => sc.share_words_via(&full, &taught_numbers, &text, &tokens),
                    _ => sc.share_words(&rel, &text, &tokens),
                }
                // Only the complete map gives ids clamped already, at the
                // entity rules' clamp, and then every id is below it or
                // is it (see `DocWords::clamp`).
                let ent_past = clamp_ids(ent.inner.compiled.vocab.lower_len());
                assert_eq!(sc.doc_words.clamp, (way == 3).then_some(ent_past), "way {way}");
                assert!(sc.doc_words.ids.iter().all(|&id| way != 3 || id <= ent_past));
                for (name, set) in [("entity", &ent), ("relation", &rel), ("alone", &alone)] {
                    let c = &set.inner.compiled;
                    let got = sc.doc_words.get(c, tokens.len(), 0..tokens.len());
                    // Ids looked up for the relation rules (the seed) do not
                    // serve the entity rules, which have more words.
                    let serves = name != "alone" && !(way == 2 && name == "entity");
                    assert_eq!(got.is_some(), serves, "{name}, way {way}, round {round}");
                    // Those looked up in a set's own vocabulary are its ids
                    // as they are.
                    let as_is = serves && (way == 2) == (name == "relation");
                    for (t, &id) in tokens.iter().zip(got.unwrap_or(&[])) {
                        let own = c.vocab.lower_id(&text, t, &mut norm);
                        assert_eq!(c.vocab.own_id(id), own, "{name} {way}: {:?}", t.as_str(&text));
                        // (A word no rule has is the set's clamp in a map.)
                        let missing = own == NONE && id == clamp_ids(c.vocab.lower_len());
                        assert!(
                            !as_is || id == own || missing,
                            "{name} {way}: {:?}",
                            t.as_str(&text)
                        );
                        past_seed += usize::from(name == "relation" && id != NONE && own == NONE);
                    }
                    // The same facts and candidates as with no ids shared.
                    for s in &sentences {
                        prepare(c, &text, &tokens, s, &[], &mut sc);
                        prepare(c, &text, &tokens, s, &[], &mut alone_sc);
                        assert_eq!(sc.facts.words, alone_sc.facts.words, "{name} {way} {text:?}");
                        assert_eq!(sc.cands, alone_sc.cands, "{name} {way} {text:?}");
                    }
                }
            }
            sc.forget_words();
            assert!(sc.doc_words.get(&ent.inner.compiled, tokens.len(), 0..tokens.len()).is_none());
            assert_eq!(sc.doc_words.clamp, None);
        }
        assert!(past_seed > 100 && unmapped > 100, "{past_seed} {unmapped}");
    }
}
