//! Compiling parsed rules: lexicons into tries, patterns into programs for
//! the backtracking matcher, and each rule's triggers for the index.

use super::index::{Index, Trig};
use super::labels::LabelIds;
use super::lexicon::{normal_form, Lexicon, Trie, Vocab, NONE};
use super::limits::{MAX_INSTRUCTIONS, MAX_MATCH_TOKENS};
use super::lists::Lists;
use super::shape::Shape;
use super::syntax::{LexDef, LexEntry, Node, NodeKind, PErr, RuleDef, Source};
use crate::error::{Error, ErrorKind};
use crate::hash::FastMap;
use crate::tokenize::Tokenizer;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// A single-token test, from `&`, `!` and what they combine.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Test {
    /// One of these shape bits: one in what `test` makes, several in an
    /// alternation of shape branches merged by `push_branches` (never
    /// inside `&` or `!`, which [`Flat::of`] reads as one shape).
    Shape(u16),
    Word(u32),
    Exact(Box<str>),
    /// The token is a one-token entry of the lexicon.
    Lex(u32),
    Not(Box<Test>),
    And(Box<[Test]>),
    Or(Box<[Test]>),
    /// A conjunction of simple tests, checked without recursion.
    Flat(Box<Flat>),
}

/// A conjunction of shape, word and lexicon tests on one token, as masks:
/// what `Cap & !<TITLE> & !"the"` and the like compile to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Flat {
    /// Shape bits that must all be set.
    pub shapes_all: u16,
    /// Shape bits none of which may be set.
    pub shapes_none: u16,
    /// Groups of shape bits each of which needs one bit set.
    pub shapes_any: Box<[u16]>,
    /// The lower-case word the token must be, if any.
    pub word: Option<u32>,
    /// Lower-case words the token must not be.
    pub words_none: Box<[u32]>,
    /// Lexicon bit sets (as in [`Membership`]) the token must be in all
    /// of, or in none of; lower-case and exact lexicons apart.
    pub lower_all: Box<[u64]>,
    pub lower_none: Box<[u64]>,
    pub exact_all: Box<[u64]>,
    pub exact_none: Box<[u64]>,
    /// The first words of `lower_all`, `lower_none`, `exact_all` and
    /// `exact_none` (0 for an empty set), in that order: all of them with
    /// at most 64 lexicons, as the matcher's one-word lexicon rows are,
    /// held in place so that a test reads no slice (`matcher::eval_flat_rest`
    /// −0.19 M instructions over the benchmark run).
    pub first_words: [u64; 4],
}

impl Flat {
    /// Every shape bit the test reads (all, none and any): the shape
    /// columns a sentence needs made for it.
    pub(super) fn shapes_read(&self) -> u16 {
        self.shapes_all | self.shapes_none | self.shapes_any.iter().fold(0, |a, &g| a | g)
    }

    /// The flat form of `tests` (all of which must pass), or `None` when
    /// one of them is not a simple test.
    pub(super) fn of(tests: &[Test], lexicons: &[Lexicon]) -> Option<Flat> {
        let stride = lexicons.len().div_ceil(64).max(1);
        let mut f = Flat::default();
        let mut lower_all = vec![0u64; stride];
        let mut lower_none = vec![0u64; stride];
        let mut exact_all = vec![0u64; stride];
        let mut exact_none = vec![0u64; stride];
        let mut any = Vec::new();
        let mut words_none = Vec::new();
        let lex = |l: u32, negated: bool| {
            let exact = lexicons.get(l as usize).is_some_and(|x| x.exact);
            (exact, negated, l)
        };
        let mut lex_tests = Vec::new();
        for t in tests {
            match t {
                Test::Shape(b) => f.shapes_all |= b,
                Test::Word(w) => match f.word {
                    // Two different words: left to the general form.
                    Some(x) if x != *w => return None,
                    _ => f.word = Some(*w),
                },
                Test::Lex(l) => lex_tests.push(lex(*l, false)),
                Test::Not(inner) => match &**inner {
                    Test::Shape(b) => f.shapes_none |= b,
                    Test::Word(w) => words_none.push(*w),
                    Test::Lex(l) => lex_tests.push(lex(*l, true)),
                    _ => return None,
                },
                Test::Or(v) => {
                    let mut group = 0u16;
                    for x in v.iter() {
                        match x {
                            Test::Shape(b) => group |= b,
                            _ => return None,
                        }
                    }
                    any.push(group);
                }
                Test::Flat(inner) => {
                    f.shapes_all |= inner.shapes_all;
                    f.shapes_none |= inner.shapes_none;
                    any.extend(inner.shapes_any.iter().copied());
                    match (f.word, inner.word) {
                        (Some(a), Some(b)) if a != b => return None,
                        (None, w) => f.word = w,
                        _ => {}
                    }
                    words_none.extend(inner.words_none.iter().copied());
                    for (into, from) in [
                        (&mut lower_all, &inner.lower_all),
                        (&mut lower_none, &inner.lower_none),
                        (&mut exact_all, &inner.exact_all),
                        (&mut exact_none, &inner.exact_none),
                    ] {
                        for (a, b) in into.iter_mut().zip(from.iter()) {
                            *a |= b;
                        }
                    }
                }
                _ => return None,
            }
        }
        for (exact, negated, l) in lex_tests {
            let (word, bit) = (l as usize / 64, 1u64 << (l % 64));
            let target = match (exact, negated) {
                (false, false) => &mut lower_all,
                (false, true) => &mut lower_none,
                (true, false) => &mut exact_all,
                (true, true) => &mut exact_none,
            };
            target[word] |= bit;
        }
        let mask = |v: Vec<u64>| -> Box<[u64]> {
            if v.iter().all(|&w| w == 0) {
                Box::new([])
            } else {
                v.into()
            }
        };
        f.shapes_any = any.into();
        words_none.sort_unstable();
        words_none.dedup();
        f.words_none = words_none.into();
        f.lower_all = mask(lower_all);
        f.lower_none = mask(lower_none);
        f.exact_all = mask(exact_all);
        f.exact_none = mask(exact_none);
        let first = |m: &[u64]| m.first().copied().unwrap_or(0);
        f.first_words =
            [first(&f.lower_all), first(&f.lower_none), first(&f.exact_all), first(&f.exact_none)];
        Some(f)
    }
}

/// One instruction of a pattern program.
///
/// `repr(u8)` gives the enum a tag byte of its own: left to the compiler,
/// it stores its variant in the unused values of [`Test`]'s tag, and the
/// matcher's dispatch, run at every step, has to decode it (a subtraction,
/// a compare and a conditional move) before the jump.
#[derive(Clone, Debug)]
#[repr(u8)]
pub(crate) enum Inst {
    /// One token with this lower-case id.
    Word(u32),
    /// One token whose lower-case id is one of these (sorted): an
    /// alternation of single words.
    Words(Box<[u32]>),
    /// One token written exactly so.
    Exact(Box<str>),
    /// Any one token.
    Any,
    /// One token passing the test.
    Test(Test),
    /// The longest entry of the lexicon.
    Lex(u32),
    /// An entity with one of these label ids, starting here. With a
    /// capture slot `save` (not [`NONE`]), the slot alone captured
    /// (`c:{A|B}`): `Save(save) Ent Save(save + 1)` in one step rather
    /// than three, the two saves done as the slot takes each entity. Most
    /// relation rules capture their head and tail so (2 in 5 of the
    /// interpreter's saves). A rule's steps (`MAX_STEPS_PER_SENTENCE`)
    /// count it as one, so its budget lasts longer: output could differ
    /// only where a budget ran out, which no sentence of the check corpora
    /// (4 MB of news, 3,000 random texts) does. The slot comes first: laid
    /// out after the labels, it would make every instruction five words.
    Ent {
        save: u32,
        labels: LabelSet,
    },
    /// An alternation of entity slots without captures, `{A} | {B|C}`, as
    /// one instruction: the entities starting here with a label of the
    /// first group, in their order, then those of the second, and so on,
    /// just as the branches would try them one after the other (their
    /// order decides captures in ties), but in one step and one search
    /// for the entities at the position rather than a split, a search and
    /// a jump a branch.
    Ents(Box<[LabelSet]>),
    /// An alternation of a bare shape test and bare entity slots, in that
    /// order, `Lower | {DATE} | {MONEY}` (the gaps of relation rules), as
    /// one instruction: the token if it has a shape of `shape`, then the
    /// entities as [`Inst::Ents`] takes them, all in one step. Written
    /// out, each token of such a gap cost a split (two steps, the shape
    /// test fused), a frame for the slots' branch and a step for it later.
    ShapeEnts {
        shape: u16,
        groups: Box<[LabelSet]>,
    },
    /// Try the first target, then the second.
    Split(u32, u32),
    Jmp(u32),
    /// Record the position in a capture slot.
    Save(u32),
    /// Sentence start.
    Start,
    /// Sentence end.
    End,
    Match,
}

/// The label ids of an entity slot, of an entity start check or of a
/// union's entity part, as the matcher tests them: those below 64 (nearly
/// all) as bits of one word, so that each entity is a shift and a test
/// rather than a call searching the list (≈ 0.9 M instructions over the
/// benchmark run in the interpreter alone); the list for the others.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct LabelSet {
    bits: u64,
    labels: Box<[u16]>,
}

impl LabelSet {
    /// The set of `labels`, in their written order.
    pub(crate) fn new(labels: Box<[u16]>) -> LabelSet {
        let bits = labels.iter().filter(|&&l| l < 64).fold(0, |b, &l| b | 1 << l);
        LabelSet { bits, labels }
    }

    /// Whether the set is empty.
    pub(crate) fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Whether `label` is one of the set's.
    #[inline(always)]
    pub(crate) fn has(&self, label: u16) -> bool {
        if label < 64 {
            self.bits >> label & 1 != 0
        } else {
            self.labels.contains(&label)
        }
    }

    /// The labels below 64, as bits, when there are no others.
    #[inline]
    pub(crate) fn only_bits(&self) -> Option<u64> {
        self.labels.iter().all(|&l| l < 64).then_some(self.bits)
    }

    /// The labels, in their written order.
    pub(crate) fn labels(&self) -> &[u16] {
        &self.labels
    }
}

/// A start check shared by every rule whose patterns begin the same way;
/// the matcher computes each one once per sentence, as a set of positions.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum StartCheck {
    Any,
    Word(u32),
    Exact(Box<str>),
    Test(Test),
    Lex(u32),
    Ent(LabelSet),
    Start,
    /// The union of these checks (each has a smaller id).
    OneOf(Box<[u32]>),
}

/// Start checks, each stored once.
#[derive(Debug, Default)]
struct StartChecks {
    checks: Vec<StartCheck>,
    ids: HashMap<StartCheck, u32>,
}

impl StartChecks {
    /// The start check of a program: what its first consuming instructions
    /// allow. Every path from the start through splits, jumps and captures
    /// is followed, so a pattern starting with an alternation or an
    /// optional element still gets a cheap check (one of several).
    fn of(&mut self, insts: &[Inst]) -> u32 {
        self.of_from(insts, &[0])
    }

    /// The check for the token after the first element, when every path
    /// from the start begins with a one-token element or an entity slot:
    /// a rule is then tried only where the element after that can start.
    /// `None` when a path starts with a lexicon (its entries may be of any
    /// length), a sentence anchor or the end of the pattern, or when the
    /// check would let everything through.
    fn second_of(&mut self, insts: &[Inst]) -> Option<Second> {
        let mut next = Vec::new();
        let (mut after_token, mut after_entity) = (false, false);
        for pc in first_consumers(insts, &[0]) {
            match &insts[pc] {
                Inst::Ent { .. } | Inst::Ents(_) => after_entity = true,
                Inst::Word(_) | Inst::Words(_) | Inst::Exact(_) | Inst::Test(_) | Inst::Any => {
                    after_token = true
                }
                _ => return None,
            }
            next.push(pc + 1);
        }
        let check = self.of_from(insts, &next);
        (!matches!(self.checks.get(check as usize), Some(StartCheck::Any))).then_some(Second {
            check,
            after_token,
            after_entity,
        })
    }

    /// The elements every match of a program passes, in program order
    /// (see [`Landmark`]): its consuming instructions [`on_every_path`].
    fn landmarks_of(&mut self, insts: &[Inst]) -> Box<[Landmark]> {
        let mut landmarks = Vec::new();
        let cuts = on_every_path(insts);
        for (pc, inst) in insts.iter().enumerate().filter(|&(pc, _)| cuts[pc]) {
            let landmark = match inst {
                // Conjunction and shape tests would cost a set each: only
                // their one token is counted (a shape or an entity: at
                // least one).
                Inst::Test(_) | Inst::Any | Inst::ShapeEnts { .. } => Landmark::Token,
                Inst::Word(_)
                | Inst::Words(_)
                | Inst::Exact(_)
                | Inst::Lex(_)
                | Inst::Ent { .. }
                | Inst::Ents(_) => {
                    let check = self.of_from(insts, &[pc]);
                    match self.checks.get(check as usize) {
                        Some(StartCheck::Any) | None => Landmark::Token,
                        Some(_) => Landmark::Check(check),
                    }
                }
                // Sentence anchors, captures, splits and jumps consume
                // nothing.
                _ => continue,
            };
            landmarks.push(landmark);
        }
        landmarks.into()
    }

    /// The check of what the instructions from `from` first consume.
    fn of_from(&mut self, insts: &[Inst], from: &[usize]) -> u32 {
        const MAX_CHOICES: usize = 32;
        let mut found: Vec<StartCheck> = Vec::new();
        for pc in first_consumers(insts, from) {
            let one = match &insts[pc] {
                Inst::Word(id) => StartCheck::Word(*id),
                Inst::Words(ids) => {
                    found.extend(ids.iter().map(|&id| StartCheck::Word(id)));
                    if found.len() > MAX_CHOICES {
                        return self.intern(StartCheck::Any);
                    }
                    continue;
                }
                Inst::Exact(s) => StartCheck::Exact(s.clone()),
                Inst::Test(t) => StartCheck::Test(t.clone()),
                Inst::Lex(l) => StartCheck::Lex(*l),
                Inst::Ent { labels, .. } => StartCheck::Ent(sorted_labels(labels.labels().iter())),
                Inst::Ents(groups) => {
                    StartCheck::Ent(sorted_labels(groups.iter().flat_map(|g| g.labels())))
                }
                Inst::ShapeEnts { shape, groups } => {
                    found.push(StartCheck::Test(Test::Shape(*shape)));
                    StartCheck::Ent(sorted_labels(groups.iter().flat_map(|g| g.labels())))
                }
                Inst::Start => StartCheck::Start,
                Inst::Any | Inst::End | Inst::Match => return self.intern(StartCheck::Any),
                // Not consumers: `first_consumers` steps over them.
                Inst::Save(_) | Inst::Jmp(_) | Inst::Split(..) => continue,
            };
            found.push(one);
            if found.len() > MAX_CHOICES {
                return self.intern(StartCheck::Any);
            }
        }
        let mut ids: Vec<u32> = found.into_iter().map(|c| self.intern(c)).collect();
        ids.sort_unstable();
        ids.dedup();
        match ids.as_slice() {
            [] => self.intern(StartCheck::Any),
            [one] => *one,
            _ => self.intern(StartCheck::OneOf(ids.into())),
        }
    }

    /// Gives every union that mixes checks `eager_leaf` accepts (words
    /// and spellings, which [`EagerStarts`] decides for all positions in
    /// one pass) with other checks a single part for all of those: a
    /// union is tested part by part at each position, and its words then
    /// cost one bit test together rather than one each. The new part is
    /// eager itself, so it gets a smaller number than the union when the
    /// checks are renumbered.
    fn split_unions(&mut self, eager_leaf: impl Fn(&StartCheck) -> bool) {
        for k in 0..self.checks.len() {
            let StartCheck::OneOf(parts) = &self.checks[k] else { continue };
            let (leaves, mut rest): (Vec<u32>, Vec<u32>) =
                parts.iter().partition(|&&p| self.checks.get(p as usize).is_some_and(&eager_leaf));
            if leaves.len() < 2 || rest.is_empty() {
                continue;
            }
            rest.push(self.intern(StartCheck::OneOf(leaves.into())));
            rest.sort_unstable();
            self.checks[k] = StartCheck::OneOf(rest.into());
        }
    }

    /// The id of `check`, stored if new.
    fn intern(&mut self, check: StartCheck) -> u32 {
        if let Some(&id) = self.ids.get(&check) {
            return id;
        }
        let id = self.checks.len() as u32;
        self.ids.insert(check.clone(), id);
        self.checks.push(check);
        id
    }
}

/// The distinct labels of `labels`, sorted: what an entity slot's start
/// check holds.
fn sorted_labels<'l>(labels: impl Iterator<Item = &'l u16>) -> LabelSet {
    let mut v: Vec<u16> = labels.copied().collect();
    v.sort_unstable();
    v.dedup();
    LabelSet::new(v.into())
}

/// `checks` in their new order, `renumber[old]` being the new number of
/// each, with the numbers inside unions and programs changed to match.
fn renumber_checks(
    checks: Vec<StartCheck>,
    renumber: &[u32],
    programs: &mut [Program],
) -> Vec<StartCheck> {
    let mut out: Vec<Option<StartCheck>> = vec![None; checks.len()];
    for (old, c) in checks.into_iter().enumerate() {
        let c = match c {
            StartCheck::OneOf(parts) => {
                StartCheck::OneOf(parts.iter().map(|&p| renumber[p as usize]).collect())
            }
            c => c,
        };
        out[renumber[old] as usize] = Some(c);
    }
    for p in programs {
        p.first = renumber[p.first as usize];
        if let Some(second) = &mut p.second {
            second.check = renumber[second.check as usize];
        }
        for a in p.landmarks.iter_mut() {
            if let Landmark::Check(c) = a {
                *c = renumber[*c as usize];
            }
        }
    }
    out.into_iter().map(|c| c.expect("renumbering is a permutation")).collect()
}

/// Sets [`Program::reads_eager`] of each of `programs`, whose checks are
/// `checks` numbered with the `eager` eager ones first.
fn mark_eager_readers(programs: &mut [Program], checks: &[StartCheck], eager: usize) {
    for p in programs {
        let second = p.second.map(|s| s.check);
        let marks = p.landmarks.iter().filter_map(|a| match a {
            Landmark::Check(c) => Some(*c),
            Landmark::Token => None,
        });
        let mut all = std::iter::once(p.first).chain(second).chain(marks);
        p.reads_eager = all.any(|c| reads_eager(checks, eager, c));
    }
}

/// Whether deciding check `c` of `checks` (the first `eager` eager) reads
/// the set of an eager check: it is one, or a union of parts one of which
/// does (a union's parts are made before it, so the walk ends).
fn reads_eager(checks: &[StartCheck], eager: usize, c: u32) -> bool {
    (c as usize) < eager
        || match checks.get(c as usize) {
            Some(StartCheck::OneOf(parts)) => parts.iter().any(|&p| reads_eager(checks, eager, p)),
            _ => false,
        }
}

/// The slot of `insts`' first instruction when it is a `Save` that no
/// split or jump leads back to, so that every attempt runs it once, first
/// (as a pattern written `name:(…)` does, like many entity rules);
/// [`NONE`] otherwise. Such a save is done when the attempt is set up,
/// without a turn of the interpreter's loop.
pub(crate) fn entry_save(insts: &[Inst]) -> u32 {
    let back_to_first = insts.iter().any(|i| match i {
        Inst::Split(a, b) => *a == 0 || *b == 0,
        Inst::Jmp(a) => *a == 0,
        _ => false,
    });
    match insts.first() {
        Some(Inst::Save(slot)) if !back_to_first => *slot,
        _ => NONE,
    }
}

/// Which instructions of a program lie on every path from its first
/// instruction to its `Match` (the last): those no forward jump passes
/// over. Control goes forward but for the jumps back of `*` and `+`, so a
/// path can get past an instruction no forward jump passes over only
/// through it. (Its loop's split passes over a jump back already.)
pub(crate) fn on_every_path(insts: &[Inst]) -> Vec<bool> {
    // `over[pc]`: forward jumps passing over `pc`, as differences.
    let mut over = vec![0i32; insts.len() + 1];
    for (pc, inst) in insts.iter().enumerate() {
        let targets = match inst {
            Inst::Split(a, b) => [*a, *b],
            Inst::Jmp(a) => [*a, *a],
            _ => continue,
        };
        for t in targets.into_iter().map(|t| t as usize).filter(|&t| t > pc + 1) {
            over[pc + 1] += 1;
            over[t.min(insts.len())] -= 1;
        }
    }
    let mut passed_over = 0;
    over[..insts.len()]
        .iter()
        .map(|d| {
            passed_over += d;
            passed_over == 0
        })
        .collect()
}

/// The instructions that consume first on some path from the
/// instructions `from`, stepping over captures, jumps and splits, in the
/// order a depth-first walk (first branch first) reaches them.
pub(crate) fn first_consumers(insts: &[Inst], from: &[usize]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut seen = vec![false; insts.len()];
    let mut stack = from.to_vec();
    while let Some(pc) = stack.pop() {
        if pc >= insts.len() || std::mem::replace(&mut seen[pc], true) {
            continue;
        }
        match &insts[pc] {
            Inst::Save(_) => stack.push(pc + 1),
            Inst::Jmp(t) => stack.push(*t as usize),
            Inst::Split(a, b) => stack.extend([*b as usize, *a as usize]),
            _ => out.push(pc),
        }
    }
    out
}

/// The start checks that a single pass over a sentence's word ids
/// decides: words, exact spellings, and alternatives made only of these.
/// `hits(w)` lists the checks a token with lower-case id `w` passes (an
/// exact spelling also compares the token's text).
#[derive(Clone, Debug, Default)]
pub(crate) struct EagerStarts {
    /// The number of eager checks: they are the checks `0..len` (see
    /// [`EagerStarts::build`]), so a sentence clears their sets in one
    /// fill and needs no per-check mark that they are computed.
    pub len: usize,
    /// The first block of hits of each word id: 0, all padding, for a
    /// word with none.
    block_of: Vec<u32>,
    /// Blocks of hits (see [`HitBlock`]); block 0 is all padding.
    blocks: Vec<HitBlock>,
    /// Spellings of exact checks, by index.
    pub exact: Vec<Box<str>>,
}

/// The hits of a word's block. A third of the tokens have hits, and those
/// two to four most often, nine for the commonest: a loop over each token's
/// own list mispredicted its entry and its exit about 85k times a pass of
/// the benchmark. A fixed block has neither branch; four covers 95 % of the
/// tokens with hits.
pub(crate) const HIT_BLOCK: usize = 4;

/// [`HIT_BLOCK`] hits of a word, padded with hits of the spare checks
/// (past the others, see [`EagerStarts::pad`]) that compare no spelling,
/// and the block of the word's next hits (0: none; block 0 is never a
/// next one).
#[derive(Clone, Copy, Debug)]
pub(crate) struct HitBlock {
    pub hits: [EagerHit; HIT_BLOCK],
    pub next: u32,
}

/// A check passed by a word id; `exact` indexes [`EagerStarts::exact`]
/// (`NONE`: no spelling to compare).
#[derive(Clone, Copy, Debug)]
pub(crate) struct EagerHit {
    pub check: u32,
    pub exact: u32,
}

impl EagerStarts {
    /// The eager checks among `checks`, and the new number of each check
    /// (`renumber[old]`): the eager ones first, each group in its old
    /// order (so the parts of a union keep smaller numbers than the union).
    /// The hits use the new numbers; [`renumber_checks`] applies them to
    /// the checks and programs.
    fn build(
        checks: &[StartCheck],
        words: usize,
        lower_of: impl Fn(&str) -> Option<u32>,
    ) -> (Self, Vec<u32>) {
        let mut out = EagerStarts::default();
        let mut eager_ids = Vec::new();
        let mut pairs: Vec<(u32, EagerHit)> = Vec::new();
        let mut leaf = |c: &StartCheck, target: u32, out: &mut EagerStarts| -> Option<()> {
            match c {
                StartCheck::Word(w) => {
                    pairs.push((*w, EagerHit { check: target, exact: super::lexicon::NONE }))
                }
                StartCheck::Exact(text) => {
                    let w = lower_of(text)?;
                    out.exact.push(text.clone());
                    let exact = (out.exact.len() - 1) as u32;
                    pairs.push((w, EagerHit { check: target, exact }));
                }
                _ => return None,
            }
            Some(())
        };
        let is_leaf = |c: &StartCheck| matches!(c, StartCheck::Word(_) | StartCheck::Exact(_));
        for (id, c) in checks.iter().enumerate() {
            let id = id as u32;
            let eager = match c {
                StartCheck::Word(_) | StartCheck::Exact(_) => leaf(c, id, &mut out).is_some(),
                StartCheck::OneOf(parts)
                    if parts.iter().all(|&p| checks.get(p as usize).is_some_and(is_leaf)) =>
                {
                    parts.iter().all(|&p| leaf(&checks[p as usize], id, &mut out).is_some())
                }
                _ => false,
            };
            if eager {
                eager_ids.push(id);
            }
        }
        let mut renumber = vec![u32::MAX; checks.len()];
        for (new, &old) in eager_ids.iter().enumerate() {
            renumber[old as usize] = new as u32;
        }
        let rest = renumber.iter_mut().filter(|r| **r == u32::MAX);
        for (new, r) in (eager_ids.len() as u32..).zip(rest) {
            *r = new;
        }
        for (_, h) in &mut pairs {
            h.check = renumber[h.check as usize];
        }
        pairs.sort_unstable_by_key(|(w, h)| (*w, h.check));
        // A list (empty) for the id past the words too (`matcher::clamp_ids`).
        let hits = Lists::from_pairs(pairs, words + 1);
        out.pad(&hits, words + 1, checks.len() as u32);
        out.len = eager_ids.len();
        (out, renumber)
    }

    /// Lays out the `hits` of word ids `0..ids` in blocks (see
    /// [`HIT_BLOCK`]), padded with hits of the spare checks `spare..`:
    /// checks past the others, whose sets the matcher makes but never
    /// reads. One a slot of the block, so that the padding of one token
    /// does not wait for the previous slot's store to the same word.
    fn pad(&mut self, hits: &Lists<EagerHit>, ids: usize, spare: u32) {
        let gaps: [EagerHit; HIT_BLOCK] =
            std::array::from_fn(|j| EagerHit { check: spare + j as u32, exact: NONE });
        self.block_of = vec![0; ids];
        self.blocks = vec![HitBlock { hits: gaps, next: 0 }];
        for (id, first) in self.block_of.iter_mut().enumerate() {
            let list = hits.get(id as u32);
            if list.is_empty() {
                continue;
            }
            *first = self.blocks.len() as u32;
            for (k, chunk) in list.chunks(HIT_BLOCK).enumerate() {
                let mut hits = gaps;
                hits[..chunk.len()].copy_from_slice(chunk);
                let last = (k + 1) * HIT_BLOCK >= list.len();
                let next = if last { 0 } else { self.blocks.len() as u32 + 1 };
                self.blocks.push(HitBlock { hits, next });
            }
        }
    }

    /// The number of word ids with a block of hits.
    #[cfg(test)]
    pub(crate) fn hit_ids(&self) -> usize {
        self.block_of.len()
    }

    /// The eager checks a token with lower-case id `w` may pass, without
    /// the padding.
    #[cfg(test)]
    pub(crate) fn hits(&self, w: u32) -> Vec<EagerHit> {
        let mut out = Vec::new();
        let mut block = Some(self.first_block(w));
        while let Some(b) = block {
            out.extend(b.hits.iter().filter(|h| (h.check as usize) < self.len));
            block = self.next_block(b);
        }
        out
    }

    /// The first block of the eager checks a token with lower-case id `w`
    /// may pass; an id out of range has the block of padding.
    #[cfg(test)]
    pub(crate) fn first_block(&self, w: u32) -> &HitBlock {
        self.block(self.first_block_of(w))
    }

    /// The number of the first block of the eager checks a token with
    /// lower-case id `w` may pass: 0, the block of padding, for a word
    /// with no hits (and an id out of range).
    #[inline]
    pub(crate) fn first_block_of(&self, w: u32) -> u32 {
        self.block_of.get(w as usize).copied().unwrap_or(0)
    }

    /// Heap bytes of the tables.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.block_of.capacity() * std::mem::size_of::<u32>()
            + self.blocks.capacity() * std::mem::size_of::<HitBlock>()
            + self.exact.iter().map(|e| e.len() + std::mem::size_of::<Box<str>>()).sum::<usize>()
    }

    /// Block `b` (the block of padding when out of range).
    #[inline]
    pub(crate) fn block(&self, b: u32) -> &HitBlock {
        self.blocks.get(b as usize).unwrap_or(&PADDING_ONLY)
    }

    /// The block after `b`, if any.
    #[inline]
    pub(crate) fn next_block(&self, b: &HitBlock) -> Option<&HitBlock> {
        match b.next {
            0 => None,
            n => self.blocks.get(n as usize),
        }
    }
}

/// The block of a default [`EagerStarts`] (before `build`, which has no
/// checks): padding of the spare checks from 0.
static PADDING_ONLY: HitBlock = {
    let mut hits = [EagerHit { check: 0, exact: NONE }; HIT_BLOCK];
    let mut j = 0;
    while j < HIT_BLOCK {
        hits[j].check = j as u32;
        j += 1;
    }
    HitBlock { hits, next: 0 }
};

/// The shape and lexicon bits (lexicons below 64) that the conjunction
/// start checks read: the matcher turns only these into position columns.
/// Only the checks a program starts with (and the parts of those that are
/// unions) get sets; second checks and landmarks are decided a position
/// at a time, so their columns would be made for nothing.
#[derive(Clone, Debug, Default)]
pub(crate) struct ColumnBits {
    pub shapes: u16,
    pub lower: u64,
    pub exact: u64,
    /// By check id: whether the check's set is made from these columns
    /// (a conjunction test a program starts with, or part of a union one
    /// does).
    made_for: Box<[bool]>,
}

impl ColumnBits {
    fn of(checks: &[StartCheck], programs: &[Program]) -> ColumnBits {
        let mut c = ColumnBits { made_for: vec![false; checks.len()].into(), ..Default::default() };
        let mut ids = Vec::new();
        for p in programs {
            ids.push(p.first);
            if let Some(StartCheck::OneOf(parts)) = checks.get(p.first as usize) {
                ids.extend_from_slice(parts);
            }
        }
        for &k in &ids {
            if let Some(StartCheck::Test(Test::Flat(t))) = checks.get(k as usize) {
                c.made_for[k as usize] = true;
                let first = |m: &[u64]| m.first().copied().unwrap_or(0);
                c.shapes |= t.shapes_read();
                c.lower |= first(&t.lower_all) | first(&t.lower_none);
                c.exact |= first(&t.exact_all) | first(&t.exact_none);
            }
        }
        c
    }

    /// Whether the set of check `k` is made from these columns (else
    /// without them: they may lack what it reads).
    #[inline]
    pub(crate) fn made_for(&self, k: usize) -> bool {
        self.made_for.get(k).is_some_and(|&m| m)
    }
}

/// A union of start checks ([`StartCheck::OneOf`]) in the form tested at
/// one position: the parts that are shape tests, starts of lexicon entries
/// (when there are at most 64 lexicons) and entity slots merged into
/// masks, each read with one load and one test, and the others listed.
#[derive(Clone, Debug, Default)]
pub(crate) struct Union {
    /// Eager parts, read from their sets.
    pub eager: Box<[u32]>,
    /// Shape bits any of which passes.
    pub shapes: u16,
    /// Lexicons (bits, lower-case and exact ones apart) an entry of which
    /// starting at the position passes.
    pub lower: u64,
    pub exact: u64,
    /// Labels an entity starting at the position passes with.
    pub labels: LabelSet,
    /// The position passes when it is the first.
    pub start: bool,
    /// Conjunction tests, decided here rather than through their checks
    /// (a call, a bounds test and a dispatch each).
    pub flats: Box<[Flat]>,
    /// Shape bits every one of `flats` needs (all bits when there are
    /// none): a token without them fails all of `flats` in one test. Most
    /// unions' conjunction tests are variants of `Cap & Word & !<LEXICON>`
    /// (with the test's own masks checked in place, 78.9k `eval_flat`
    /// calls over the benchmark run became 22.5k calls of its rest).
    pub flats_all: u16,
    /// Shape bits every one of `flats` forbids (all bits when there are
    /// none), in the same test as `flats_all`.
    pub flats_none: u16,
    /// The other parts, checked one by one.
    pub rest: Box<[u32]>,
    /// The parts whose own sets make the union's set: the eager parts,
    /// the conjunction tests (read from the sentence's columns) and
    /// `rest`. The shapes, lexicons, labels and `start` above are not
    /// among them: the union's set takes those from its masks, in one
    /// pass over the tokens for each kind (see
    /// `matcher::StartSets::ensure_union`).
    pub sets: Box<[u32]>,
}

impl Union {
    /// The union of `parts` of `checks`, of which the first `eager` are
    /// eager.
    fn of(parts: &[u32], checks: &[StartCheck], eager: usize, lexicons: &[Lexicon]) -> Union {
        let mut u = Union::default();
        let (mut eager_parts, mut labels, mut flats, mut rest) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut sets = Vec::new();
        for &p in parts {
            match checks.get(p as usize) {
                _ if (p as usize) < eager => {
                    eager_parts.push(p);
                    sets.push(p);
                }
                Some(StartCheck::Test(Test::Shape(bits))) => u.shapes |= bits,
                Some(StartCheck::Lex(l)) if lexicons.len() <= 64 => {
                    match lexicons.get(*l as usize) {
                        Some(lex) if lex.exact => u.exact |= 1 << l,
                        Some(_) => u.lower |= 1 << l,
                        None => {}
                    }
                }
                Some(StartCheck::Ent(v)) => labels.extend_from_slice(v.labels()),
                Some(StartCheck::Start) => u.start = true,
                Some(StartCheck::Test(Test::Flat(t))) => {
                    flats.push((**t).clone());
                    sets.push(p);
                }
                _ => {
                    rest.push(p);
                    sets.push(p);
                }
            }
        }
        labels.sort_unstable();
        labels.dedup();
        u.eager = eager_parts.into();
        u.labels = LabelSet::new(labels.into());
        u.flats_all = flats.iter().fold(!0, |m, t| m & t.shapes_all);
        u.flats_none = flats.iter().fold(!0, |m, t| m & t.shapes_none);
        u.flats = flats.into();
        u.rest = rest.into();
        u.sets = sets.into();
        u
    }
}

/// Which lexicons each word id belongs to, as bit sets of `stride` words:
/// as a one-token entry (`one`), and as the first token of an entry
/// (`start`). Lexicon tests are then one bit test instead of a trie walk.
#[derive(Clone, Debug, Default)]
pub(crate) struct Membership {
    pub stride: usize,
    pub one: Vec<u64>,
    pub start: Vec<u64>,
    /// With at most 64 lexicons, a table (a power of two long) of the
    /// lexicons an entry of two tokens or more of which starts with a pair
    /// of words, as bits, at the pair's [`pair_slot`]: pairs that share a
    /// slot share their bits, so a slot may hold more lexicons than the
    /// pair starts, never fewer. Empty with more lexicons.
    pub pairs: Vec<u64>,
}

/// The slot of the pair of words `a`, `b` in a [`Membership::pairs`]
/// table of `len` slots (a power of two).
#[inline]
fn pair_slot(a: u32, b: u32, len: usize) -> usize {
    let h = (u64::from(a) << 32 | u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> 32) as usize & len.saturating_sub(1)
}

impl Membership {
    /// Bit sets over `ids` word ids for the lexicons `pick` selects.
    fn build(lexicons: &[Lexicon], ids: usize, pick: impl Fn(&Lexicon) -> bool) -> Membership {
        let stride = lexicons.len().div_ceil(64).max(1);
        let mut m = Membership {
            stride,
            // One id more, all zero, for the id that stands for the words
            // past the vocabulary (`matcher::clamp_ids`).
            one: vec![0; (ids + 1) * stride],
            start: vec![0; (ids + 1) * stride],
            pairs: Vec::new(),
        };
        if stride == 1 {
            m.pairs = pair_table(lexicons, &pick);
        }
        for (l, lex) in lexicons.iter().enumerate() {
            if !pick(lex) {
                continue;
            }
            let (word, bit) = (l / 64, 1u64 << (l % 64));
            for (id, terminal) in lex.trie.first_tokens() {
                let k = id as usize * stride + word;
                if let Some(s) = m.start.get_mut(k) {
                    *s |= bit;
                }
                if terminal {
                    if let Some(o) = m.one.get_mut(k) {
                        *o |= bit;
                    }
                }
            }
        }
        m
    }

    /// The one-token membership bits of word `id` (empty for `NONE`).
    #[inline]
    pub(crate) fn row(&self, id: u32) -> &[u64] {
        if id == super::lexicon::NONE {
            return &[];
        }
        let k = id as usize * self.stride;
        self.one.get(k..k + self.stride).unwrap_or(&[])
    }

    /// The lexicons (among the first 64) an entry of two tokens or more of
    /// which may start with word `a` then word `b`, as bits: all those
    /// that have one, perhaps others too (all of them with more than 64
    /// lexicons). Without a bit, no entry of that lexicon starts there
    /// but a one-token one.
    #[inline]
    pub(crate) fn first_pair(&self, a: u32, b: u32) -> u64 {
        self.pairs.get(pair_slot(a, b, self.pairs.len())).copied().unwrap_or(u64::MAX)
    }

    /// Whether word `id` is a one-token entry of lexicon `l`.
    #[inline]
    pub(crate) fn one(&self, id: u32, l: u32) -> bool {
        Self::bit(&self.one, self.stride, id, l)
    }

    /// Whether an entry of lexicon `l` starts with word `id`.
    #[inline]
    pub(crate) fn starts(&self, id: u32, l: u32) -> bool {
        Self::bit(&self.start, self.stride, id, l)
    }

    #[inline]
    fn bit(bits: &[u64], stride: usize, id: u32, l: u32) -> bool {
        if id == super::lexicon::NONE {
            return false;
        }
        let k = id as usize * stride + l as usize / 64;
        bits.get(k).is_some_and(|w| w & (1 << (l % 64)) != 0)
    }
}

/// The [`Membership::pairs`] table of the lexicons `pick` selects (at
/// most 64): eight to sixteen slots a pair, so that a pair of the text
/// seldom shares the slot of a pair an entry starts with.
///
/// A pair of words that shares a slot with an entry's pair has that
/// entry's lexicon walked (`matcher::confirm_lexicons`) each time it comes,
/// for nothing; and which pairs of the text do changes with the word ids.
/// With two to four slots a pair, adding "invasion of" to a relation
/// lexicon gave the entity rules' words (numbered after the relation
/// rules') new ids, a common pair of the news came to share a slot with
/// one of an entity lexicon's pairs, and that lexicon was walked about
/// 4,000 more times a benchmark run for nothing: +0.87 M instructions
/// over the benchmark run for a phrase it has ten times (+0.09 M with
/// eight slots a pair, and −0.02 M over the current rules). The slots are
/// words of bits: for the shipped rules the tables take 172 KB more than
/// with two slots a pair (`memory_usage` 9.88 → 10.05 MB). Keeping each
/// slot's pair, to turn every such pair away, cost more than it saved: the
/// key's comparison and the registers it held added 5 to 8 instructions to
/// each of the benchmark run's 58,560 lookups.
fn pair_table(lexicons: &[Lexicon], pick: impl Fn(&Lexicon) -> bool) -> Vec<u64> {
    let mut pairs = Vec::new();
    for (l, lex) in lexicons.iter().enumerate().take(64).filter(|(_, lex)| pick(lex)) {
        pairs.extend(lex.trie.first_pairs().map(|(a, b)| (a, b, 1u64 << l)));
    }
    let mut table = vec![0u64; (8 * pairs.len()).next_power_of_two()];
    for (a, b, bit) in pairs {
        let k = pair_slot(a, b, table.len());
        table[k] |= bit;
    }
    table
}

/// A start check for the element after a program's first one: where it
/// is read (the next token, the end of an entity starting at the start,
/// or either) and the check.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Second {
    pub check: u32,
    /// The first element may be one token.
    pub after_token: bool,
    /// The first element may be an entity slot.
    pub after_entity: bool,
}

/// An element every match of a program passes (one on every path from
/// the start to `Match`), which consumes at least one token: each comes
/// after the one before it in the match, so a rule needs, after each of
/// its start positions, positions of its landmarks in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Landmark {
    /// Positions where the element can start: an index into
    /// [`Compiled::starts`].
    Check(u32),
    /// One token, any (a test whose set would cost more than it saves).
    Token,
}

/// A compiled pattern.
#[derive(Clone, Debug)]
pub(crate) struct Program {
    /// The check for a start position: an index into
    /// [`Compiled::starts`].
    pub first: u32,
    /// The check for what follows the first element, when that element
    /// is always one token or an entity (see `StartChecks::second_of`).
    pub second: Option<Second>,
    /// The elements every match passes, in order (see [`Landmark`]): a
    /// start after the last position they allow is not tried.
    pub landmarks: Box<[Landmark]>,
    /// Whether the matcher reads the set of an eager check for this
    /// program: its first or second check or a landmark is one, or is a
    /// union with one among its parts (see [`reads_eager`]).
    pub reads_eager: bool,
    /// The capture slot of a first instruction `Save` that no jump leads
    /// back to (see [`entry_save`]), or [`NONE`]: the matcher saves the
    /// start there when it sets an attempt up and begins at instruction 1.
    pub entry_save: u32,
    pub insts: Vec<Inst>,
    /// Capture names; capture `k` uses slots `2k` and `2k + 1`.
    pub captures: Arc<[Arc<str>]>,
    /// At least one of these must be in a sentence for the rule to match;
    /// `None` when the rule must be tried on every sentence.
    pub triggers: Option<Vec<Trig>>,
    /// Every group here must have one of its triggers in a sentence for
    /// the rule to match (one group per element the pattern cannot skip):
    /// a finer check than `triggers`. Kept for the tests, which check
    /// `check` against it.
    #[cfg(test)]
    pub required: Vec<Vec<Trig>>,
    /// The required groups the matcher checks before the rule is run:
    /// those the index does not already guarantee (see
    /// [`groups_to_check`]).
    pub check: Vec<Vec<Trig>>,
}

/// The `required` groups of a rule with `triggers` left to check on a
/// sentence the index selected the rule for. A rule with triggers is
/// selected only when one of them is in the sentence, so a group holding
/// every trigger is met already; most rules' rarest element is such a
/// group, and dropping it saves a trigger walk per candidate. Rules tried on every sentence (no
/// triggers, or a lexicon trigger, which the index does not list) keep
/// all their groups.
fn groups_to_check(triggers: Option<&[Trig]>, required: &[Vec<Trig>]) -> Vec<Vec<Trig>> {
    let mut check = required.to_vec();
    if let Some(t) = triggers {
        if !t.is_empty() && !t.iter().any(|x| matches!(x, Trig::Lex(_))) {
            check.retain(|g| !t.iter().all(|x| g.contains(x)));
        }
    }
    check
}

/// Everything the matcher needs.
#[derive(Clone, Debug)]
pub(crate) struct Compiled {
    pub vocab: Vocab,
    pub lexicons: Vec<Lexicon>,
    /// The ids of the labels the rules name.
    pub labels: LabelIds,
    pub programs: Vec<Program>,
    pub index: Index,
    /// The start checks the programs use.
    pub starts: Vec<StartCheck>,
    /// The start checks decided by word ids alone.
    pub eager: EagerStarts,
    /// The columns conjunction start checks read.
    pub columns: ColumnBits,
    /// The form of each union of [`Compiled::starts`] tested at one
    /// position (empty for other checks).
    pub unions: Vec<Union>,
    /// Lexicon membership of lower-case word ids (lexicons matched in
    /// lower case).
    pub lower_members: Membership,
    /// Lexicon membership of exact word ids (lexicons matched as written).
    pub exact_members: Membership,
    /// The lexicons matched in lower case, as bits (none when there are
    /// more than 64 lexicons).
    pub lower_lexicons: u64,
    /// By lower-case id (at most 64 lexicons, else empty): the lexicons an
    /// entry of which may start at a token of that id, as bits: the lower
    /// case ones' [`Membership::start`] word, and the exact ones' start
    /// bits of every exact id such a token can have
    /// ([`Vocab::or_exact_starts`]). `matcher::confirm_lexicons` walks the
    /// lower-case ids once with it for both kinds of lexicon.
    pub lex_starts: Vec<u64>,
}

impl Compiled {
    /// Approximate heap bytes of the compiled rules: vocabulary, lexicon
    /// tries and bit sets, programs, start checks and index.
    pub(crate) fn heap_bytes(&self) -> usize {
        let insts: usize = self
            .programs
            .iter()
            .map(|p| p.insts.capacity() * std::mem::size_of::<Inst>() + 64)
            .sum();
        let members =
            |m: &Membership| 8 * (m.one.capacity() + m.start.capacity() + m.pairs.capacity());
        self.vocab.heap_bytes()
            + self
                .lexicons
                .iter()
                .map(|l| l.trie.heap_bytes() + 4 * l.first_lower.capacity())
                .sum::<usize>()
            + insts
            + self.starts.capacity() * std::mem::size_of::<StartCheck>()
            + members(&self.lower_members)
            + members(&self.exact_members)
            + 8 * self.lex_starts.capacity()
            + self.eager.heap_bytes()
            + self.index.heap_bytes()
            + self.labels.heap_bytes()
    }
}

/// Compiles all lexicons and rules; every error found is returned. With a
/// `seed`, the vocabulary starts as a copy of it (see [`Vocab::grown_from`]).
pub(crate) fn compile(
    sources: &[Source],
    lexdefs: &[LexDef],
    rules: &[RuleDef],
    supplied: &HashMap<String, Vec<String>>,
    known_labels: Option<&HashSet<String>>,
    seed: Option<&Vocab>,
) -> Result<Compiled, Error> {
    let mut errors = Vec::new();
    let err = |e: PErr, source: usize| match sources.get(source) {
        Some(src) => src.error(e.kind, e.at),
        None => Error::new(e.kind),
    };
    let tokenizer = Tokenizer::new();
    let mut vocab = seed.map_or_else(Vocab::default, Vocab::grown_from);

    // Lexicons.
    let mut lexicons = Vec::with_capacity(lexdefs.len());
    let mut lex_ids: HashMap<&str, u32> = HashMap::new();
    for def in lexdefs {
        let mut trie = Trie::default();
        let mut first_lower = Vec::new();
        let (mut toks, mut ids, mut form) = (Vec::new(), Vec::new(), String::new());
        let mut add = |entry: &str, vocab: &mut Vocab| -> bool {
            ids.clear();
            if !entry.is_empty() && entry.bytes().all(|b| b.is_ascii_alphabetic()) {
                // One plain word (most name-list entries): one token, its
                // normal form the lower case.
                form.clear();
                form.push_str(entry);
                form.make_ascii_lowercase();
                debug_assert!({
                    let t = tokenizer.tokenize(entry);
                    t.len() == 1 && normal_form(entry, &t[0]) == form
                });
                let lower = vocab.intern_lower(&form);
                ids.push(if def.exact { vocab.intern_exact_letters(entry, lower) } else { lower });
                first_lower.push(lower);
                trie.insert(&ids);
                return true;
            }
            tokenizer.tokenize_into(entry, &mut toks);
            if toks.is_empty() || toks.len() > MAX_MATCH_TOKENS {
                return false;
            }
            for t in &toks {
                ids.push(if def.exact {
                    vocab.intern_exact(t.as_str(entry))
                } else {
                    vocab.intern_lower(&normal_form(entry, t))
                });
            }
            first_lower.push(vocab.intern_lower(&normal_form(entry, &toks[0])));
            trie.insert(&ids);
            true
        };
        for entry in &def.entries {
            match entry {
                LexEntry::Text(t, at) => {
                    if !add(t, &mut vocab) {
                        let msg = format!(
                            "lexicon entry {t:?} has no tokens or more than {MAX_MATCH_TOKENS}"
                        );
                        errors.push(err(PErr { kind: ErrorKind::Rule(msg), at: *at }, def.source));
                    }
                }
                LexEntry::Supplied(name, at) => match supplied.get(name) {
                    Some(list) => {
                        for e in list {
                            add(e, &mut vocab);
                        }
                    }
                    None => {
                        let msg = format!(
                            "unknown supplied lexicon `@{name}` (give it with RuleSetBuilder::lexicon)"
                        );
                        errors.push(err(PErr { kind: ErrorKind::Rule(msg), at: *at }, def.source));
                    }
                },
            }
        }
        first_lower.sort_unstable();
        first_lower.dedup();
        lex_ids.insert(&def.name, lexicons.len() as u32);
        let single = trie.single_tokens();
        lexicons.push(Lexicon { exact: def.exact, trie, first_lower, single });
    }

    // Rules.
    let mut labels: FastMap<Box<str>, u16> = FastMap::default();
    let produced: HashSet<&str> = rules
        .iter()
        .filter(|r| r.kind == super::RuleKind::Entity)
        .map(|r| r.label.as_str())
        .collect();
    let mut programs = Vec::with_capacity(rules.len());
    let mut starts = StartChecks::default();
    for rule in rules {
        let mut em = Emitter {
            insts: Vec::new(),
            captures: Vec::new(),
            vocab: &mut vocab,
            lexicons: &lexicons,
            lex_ids: &lex_ids,
            labels: &mut labels,
            known_labels,
            produced: &produced,
            tokenizer,
            starts: &mut starts,
        };
        match em.program(&rule.pattern) {
            Ok(p) => programs.push(p),
            Err(e) => errors.push(err(e, rule.source)),
        }
    }
    if !errors.is_empty() {
        return Err(Error::many(errors));
    }
    let mut index = Index::build(&programs, vocab.lower_len(), labels.len(), &lexicons);
    let lower_of = |text: &str| {
        let toks = tokenizer.tokenize(text);
        match toks.as_slice() {
            [t] => vocab.get_lower(&normal_form(text, t)),
            _ => None,
        }
    };
    starts.split_unions(|c| match c {
        StartCheck::Word(_) => true,
        StartCheck::Exact(text) => lower_of(text).is_some(),
        _ => false,
    });
    let (eager, renumber) = EagerStarts::build(&starts.checks, vocab.lower_len(), lower_of);
    let starts = renumber_checks(starts.checks, &renumber, &mut programs);
    mark_eager_readers(&mut programs, &starts, eager.len);
    let lower_members = Membership::build(&lexicons, vocab.lower_len(), |l| !l.exact);
    let exact_members = Membership::build(&lexicons, vocab.exact_len(), |l| l.exact);
    let lower_lexicons = match lexicons.len() {
        0..=64 => {
            lexicons.iter().enumerate().filter(|(_, l)| !l.exact).fold(0, |a, (k, _)| a | 1 << k)
        }
        _ => 0,
    };
    let lex_starts = match lower_members.stride {
        1 => {
            let mut bits = lower_members.start.clone();
            let exact = lexicons.iter().enumerate().filter(|(_, l)| l.exact);
            let all = exact.fold(0, |a, (k, _)| a | 1 << k);
            if all != 0 {
                vocab.or_exact_starts(&exact_members.start, all, &mut bits);
            }
            bits
        }
        _ => Vec::new(),
    };
    index.add_word_facts(&lower_members.one, &lex_starts);
    let unions = starts
        .iter()
        .map(|c| match c {
            StartCheck::OneOf(parts) => Union::of(parts, &starts, eager.len, &lexicons),
            _ => Union::default(),
        })
        .collect();
    let columns = ColumnBits::of(&starts, &programs);
    vocab.shrink_marks();
    Ok(Compiled {
        columns,
        unions,
        vocab,
        lexicons,
        labels: LabelIds::new(labels.iter().map(|(l, &id)| (&**l, id)))?,
        programs,
        index,
        starts,
        eager,
        lower_members,
        exact_members,
        lower_lexicons,
        lex_starts,
    })
}

struct Emitter<'a> {
    insts: Vec<Inst>,
    captures: Vec<String>,
    vocab: &'a mut Vocab,
    lexicons: &'a [Lexicon],
    lex_ids: &'a HashMap<&'a str, u32>,
    labels: &'a mut FastMap<Box<str>, u16>,
    known_labels: Option<&'a HashSet<String>>,
    produced: &'a HashSet<&'a str>,
    tokenizer: Tokenizer,
    starts: &'a mut StartChecks,
}

/// A branch of an alternation as emitted.
enum Branch<'n> {
    /// Consecutive branches that are each one word, with the word's id,
    /// as one [`Inst::Words`].
    Words(Vec<(&'n Node, u32)>),
    /// One branch, emitted as written.
    Node(&'n Node),
    /// Consecutive branches that are each a bare entity slot: the labels
    /// of each, in order (numbered when emitted, in written order).
    Slots(Vec<&'n [(String, usize)]>),
    /// Consecutive branches that are each a bare token shape (not `Any`):
    /// their bits, tested as one [`Test::Shape`].
    Shapes(u16),
}

/// What a branch is, past sequences of one element: a bare entity slot
/// or shape is one without a capture.
fn bare(branch: &Node) -> &NodeKind {
    let mut node = branch;
    while let NodeKind::Seq(v) = &node.kind {
        match v.as_slice() {
            [one] => node = one,
            _ => break,
        }
    }
    &node.kind
}

fn rule_err<T>(msg: impl Into<String>, at: usize) -> Result<T, PErr> {
    Err(PErr { kind: ErrorKind::Rule(msg.into()), at })
}

impl Emitter<'_> {
    fn program(&mut self, pattern: &Node) -> Result<Program, PErr> {
        let size = self.size(pattern)?;
        if size + 1 > MAX_INSTRUCTIONS {
            return Err(too_big(size + 1, pattern.at));
        }
        self.emit(pattern)?;
        self.insts.push(Inst::Match);
        let triggers = self.triggers(pattern).map(|(t, _)| t);
        let mut required = Vec::new();
        self.required(pattern, &mut required);
        // Small groups first: they are the likeliest to be missing, and
        // the cheapest to check.
        required.sort_by_key(Vec::len);
        let captures: Vec<Arc<str>> = self.captures.iter().map(|c| Arc::from(c.as_str())).collect();
        let insts = std::mem::take(&mut self.insts);
        let check = groups_to_check(triggers.as_deref(), &required);
        Ok(Program {
            first: self.starts.of(&insts),
            second: self.starts.second_of(&insts),
            landmarks: self.starts.landmarks_of(&insts),
            // Set once the checks are numbered (see `mark_eager_readers`).
            reads_eager: true,
            entry_save: entry_save(&insts),
            insts,
            captures: captures.into(),
            triggers,
            #[cfg(test)]
            required,
            check,
        })
    }

    /// Tokens of a literal, as (lower-case form, text as written).
    fn literal_tokens(&self, text: &str, at: usize) -> Result<Vec<(String, String)>, PErr> {
        let toks = self.tokenizer.tokenize(text);
        if toks.is_empty() {
            return rule_err(format!("literal {text:?} has no tokens"), at);
        }
        Ok(toks.iter().map(|t| (normal_form(text, t), t.as_str(text).to_owned())).collect())
    }

    fn lex_id(&self, name: &str, at: usize) -> Result<u32, PErr> {
        match self.lex_ids.get(name) {
            Some(&id) => Ok(id),
            None => rule_err(format!("unknown lexicon `<{name}>`"), at),
        }
    }

    fn label_id(&mut self, label: &str, at: usize) -> Result<u16, PErr> {
        if let Some(known) = self.known_labels {
            if !known.contains(label) && !self.produced.contains(label) {
                return rule_err(format!("unknown entity label `{label}`"), at);
            }
        }
        if let Some(&id) = self.labels.get(label) {
            return Ok(id);
        }
        let id = u16::try_from(self.labels.len()).map_err(|_| PErr {
            kind: ErrorKind::Limit("more than 65535 entity labels".into()),
            at,
        })?;
        self.labels.insert(label.into(), id);
        Ok(id)
    }

    /// An upper bound of the instructions `node` compiles to.
    fn size(&self, node: &Node) -> Result<usize, PErr> {
        let n = match &node.kind {
            NodeKind::Lit { text, .. } => self.tokenizer.tokenize(text).len(),
            NodeKind::Lex(_)
            | NodeKind::Slot(_)
            | NodeKind::Shape(_)
            | NodeKind::Start
            | NodeKind::End
            | NodeKind::Not(_)
            | NodeKind::And(_) => 1,
            NodeKind::Gap { min, max } => *min as usize + 2 * (max - min) as usize,
            NodeKind::Seq(v) => v.iter().map(|n| self.size(n)).sum::<Result<usize, _>>()?,
            NodeKind::Alt(v) => {
                v.iter().map(|n| self.size(n).map(|s| s + 2)).sum::<Result<usize, _>>()?
            }
            NodeKind::Repeat { node: inner, min, max } => {
                let s = self.size(inner)?;
                let min = *min as usize;
                match max {
                    Some(max) => min * s + (*max as usize - min) * (s + 1),
                    None => min * s + s + 2,
                }
            }
            NodeKind::Capture { node, .. } => self.size(node)? + 2,
        };
        if n > MAX_INSTRUCTIONS {
            return Err(too_big(n, node.at));
        }
        Ok(n)
    }

    fn push(&mut self, inst: Inst) -> u32 {
        self.insts.push(inst);
        (self.insts.len() - 1) as u32
    }

    fn here(&self) -> u32 {
        self.insts.len() as u32
    }

    fn patch(&mut self, at: u32, target: u32) {
        match &mut self.insts[at as usize] {
            Inst::Split(_, b) => *b = target,
            Inst::Jmp(a) => *a = target,
            _ => {}
        }
    }

    fn emit(&mut self, node: &Node) -> Result<(), PErr> {
        match &node.kind {
            NodeKind::Lit { text, exact } => {
                for (lower, written) in self.literal_tokens(text, node.at)? {
                    let id = self.vocab.intern_lower(&lower);
                    self.push(if *exact { Inst::Exact(written.into()) } else { Inst::Word(id) });
                }
            }
            NodeKind::Lex(name) => {
                let id = self.lex_id(name, node.at)?;
                self.push(Inst::Lex(id));
            }
            NodeKind::Slot(labels) => {
                let ids = self.label_ids(labels)?;
                self.push(Inst::Ent { save: NONE, labels: LabelSet::new(ids) });
            }
            NodeKind::Shape(Shape::Any) => {
                self.push(Inst::Any);
            }
            NodeKind::Shape(_) | NodeKind::Not(_) | NodeKind::And(_) => {
                let t = self.test(node)?;
                self.push(Inst::Test(t));
            }
            NodeKind::Gap { min, max } => {
                for _ in 0..*min {
                    self.push(Inst::Any);
                }
                self.optional_copies(max - min, |em| {
                    em.push(Inst::Any);
                    Ok(())
                })?;
            }
            NodeKind::Start => {
                self.push(Inst::Start);
            }
            NodeKind::End => {
                self.push(Inst::End);
            }
            NodeKind::Seq(v) => {
                for n in v {
                    self.emit(n)?;
                }
            }
            NodeKind::Alt(v) => {
                // Runs of single-word branches are tried as one instruction
                // each (they hold no capture, so their order within the run
                // does not matter); the branches keep their written order,
                // which decides captures in ties.
                let words: Vec<Option<u32>> = v.iter().map(|b| self.single_word(b)).collect();
                let mut branches: Vec<Branch<'_>> = Vec::with_capacity(v.len());
                Self::push_branches(v.iter().zip(words), &mut branches);
                self.emit_alt(branches)?;
            }
            NodeKind::Repeat { node: inner, min, max } => {
                for _ in 0..*min {
                    self.emit(inner)?;
                }
                match max {
                    Some(max) => self.optional_copies(max - min, |em| em.emit(inner))?,
                    None => {
                        // L: Split(L+1, out); inner; Jmp L; out:
                        let split = self.push(Inst::Split(0, 0));
                        if let Inst::Split(a, _) = &mut self.insts[split as usize] {
                            *a = split + 1;
                        }
                        self.emit(inner)?;
                        self.push(Inst::Jmp(split));
                        let out = self.here();
                        self.patch(split, out);
                    }
                }
            }
            NodeKind::Capture { name, node: inner } => {
                let k = match self.captures.iter().position(|c| c == name) {
                    Some(k) => k,
                    None => {
                        self.captures.push(name.clone());
                        self.captures.len() - 1
                    }
                } as u32;
                if let NodeKind::Slot(labels) = bare(inner) {
                    let ids = self.label_ids(labels)?;
                    self.push(Inst::Ent { save: 2 * k, labels: LabelSet::new(ids) });
                } else {
                    self.push(Inst::Save(2 * k));
                    self.emit(inner)?;
                    self.push(Inst::Save(2 * k + 1));
                }
            }
        }
        if self.insts.len() > MAX_INSTRUCTIONS {
            return Err(too_big(self.insts.len(), node.at));
        }
        Ok(())
    }

    /// The branches of an alternation, tried in order: each but the last
    /// behind a split, each but the one placed last followed by a jump past
    /// the others. A first branch that is one token test (`Lower` in gaps
    /// such as `(Lower | {DATE} | {MONEY}){0,8}`) is placed last, so that
    /// when it passes, its fused split (see the matcher) goes straight on
    /// without a jump step; the jump is taken by the others instead, which
    /// pass less often. The order in which branches are tried is unchanged.
    /// A shape's branch followed by slots' alone is one
    /// [`Inst::ShapeEnts`].
    fn emit_alt(&mut self, mut branches: Vec<Branch<'_>>) -> Result<(), PErr> {
        if let [Branch::Shapes(shape), Branch::Slots(slots)] = branches.as_mut_slice() {
            let (shape, slots) = (*shape, std::mem::take(slots));
            let groups = slots
                .into_iter()
                .map(|labels| self.label_ids(labels).map(LabelSet::new))
                .collect::<Result<Vec<_>, _>>()?;
            self.push(Inst::ShapeEnts { shape, groups: groups.into() });
            return Ok(());
        }
        let count = branches.len();
        let mut branches = branches.into_iter();
        let mut first = None;
        if count >= 2 && matches!(branches.as_slice()[0], Branch::Words(_) | Branch::Shapes(_)) {
            first = Some((self.push(Inst::Split(0, 0)), branches.next()));
        }
        let rest = branches.len();
        let mut jumps = Vec::new();
        for (k, branch) in branches.enumerate() {
            let split = (k + 1 < rest).then(|| {
                let split = self.push(Inst::Split(0, 0));
                if let Inst::Split(a, _) = &mut self.insts[split as usize] {
                    *a = split + 1;
                }
                split
            });
            self.emit_branch(branch)?;
            if split.is_some() || first.is_some() {
                jumps.push(self.push(Inst::Jmp(0)));
            }
            if let Some(split) = split {
                let next = self.here();
                self.patch(split, next);
            }
        }
        if let Some((split, Some(branch))) = first {
            self.insts[split as usize] = Inst::Split(self.here(), split + 1);
            self.emit_branch(branch)?;
        }
        let end = self.here();
        for j in jumps {
            self.patch(j, end);
        }
        Ok(())
    }

    /// One branch of an alternation.
    fn emit_branch(&mut self, branch: Branch<'_>) -> Result<(), PErr> {
        match branch {
            Branch::Node(b) => self.emit(b)?,
            Branch::Words(words) => {
                let mut ids: Vec<u32> = words.iter().map(|&(_, id)| id).collect();
                ids.sort_unstable();
                ids.dedup();
                self.push(Inst::Words(ids.into()));
            }
            Branch::Shapes(bits) => {
                self.push(Inst::Test(Test::Shape(bits)));
            }
            Branch::Slots(slots) => {
                // Labels numbered in written order, as before.
                let mut groups = slots
                    .into_iter()
                    .map(|labels| self.label_ids(labels).map(LabelSet::new))
                    .collect::<Result<Vec<_>, _>>()?;
                self.push(match groups.len() {
                    1 => Inst::Ent { save: NONE, labels: groups.remove(0) },
                    _ => Inst::Ents(groups.into()),
                });
            }
        }
        Ok(())
    }

    /// The label ids of a slot's labels.
    fn label_ids(&mut self, labels: &[(String, usize)]) -> Result<Box<[u16]>, PErr> {
        labels.iter().map(|(l, at)| self.label_id(l, *at)).collect()
    }

    /// Appends `nodes` (branches of an alternation, in order, each with
    /// its word's id when it is one word) to `branches`, each run of at least two
    /// single-word branches as one [`Branch::Words`]. Likewise each run of
    /// branches that are a bare entity slot as one [`Branch::Slots`]: they
    /// hold no capture and each takes one entity, so one instruction can
    /// try them in turn (see [`Inst::Ents`]); and each run of branches that
    /// are a bare token shape as one [`Branch::Shapes`]: each takes the one
    /// token and goes on to the same place, so the first that passes
    /// decides, and one test of their bits together does the same in one
    /// step.
    fn push_branches<'n>(
        nodes: impl Iterator<Item = (&'n Node, Option<u32>)>,
        branches: &mut Vec<Branch<'n>>,
    ) {
        for (node, word) in nodes {
            if let Some(id) = word {
                match branches.last_mut() {
                    Some(Branch::Words(run)) => run.push((node, id)),
                    _ => branches.push(Branch::Words(vec![(node, id)])),
                }
                continue;
            }
            match (bare(node), branches.last_mut()) {
                (NodeKind::Slot(labels), Some(Branch::Slots(slots))) => slots.push(labels),
                (NodeKind::Slot(labels), _) => branches.push(Branch::Slots(vec![labels])),
                (&NodeKind::Shape(s), Some(Branch::Shapes(bits))) if s != Shape::Any => {
                    *bits |= s.bit()
                }
                (&NodeKind::Shape(s), _) if s != Shape::Any => {
                    branches.push(Branch::Shapes(s.bit()))
                }
                _ => branches.push(Branch::Node(node)),
            }
        }
        // A lone word is a branch of its own, emitted as written.
        for b in branches.iter_mut() {
            if let Branch::Words(run) = b {
                if let [(one, _)] = run.as_slice() {
                    *b = Branch::Node(one);
                }
            }
        }
    }

    /// The lower-case id of a branch that is one word (not written
    /// exactly), interned.
    fn single_word(&mut self, branch: &Node) -> Option<u32> {
        let NodeKind::Lit { text, exact: false } = bare(branch) else { return None };
        let toks = self.tokenizer.tokenize(text);
        let [t] = toks.as_slice() else { return None };
        Some(self.vocab.intern_lower(&normal_form(text, t)))
    }

    /// `count` nested greedy optional copies: each later copy is tried
    /// only after the one before matched.
    fn optional_copies(
        &mut self,
        count: u32,
        mut body: impl FnMut(&mut Self) -> Result<(), PErr>,
    ) -> Result<(), PErr> {
        let mut splits = Vec::new();
        for _ in 0..count {
            let split = self.push(Inst::Split(0, 0));
            if let Inst::Split(a, _) = &mut self.insts[split as usize] {
                *a = split + 1;
            }
            splits.push(split);
            body(self)?;
        }
        let end = self.here();
        for s in splits {
            self.patch(s, end);
        }
        Ok(())
    }

    /// The single-token test a node stands for inside `&` or `!`.
    fn test(&mut self, node: &Node) -> Result<Test, PErr> {
        Ok(match &node.kind {
            NodeKind::Shape(s) => Test::Shape(s.bit()),
            NodeKind::Lit { text, exact } => {
                let mut toks = self.literal_tokens(text, node.at)?;
                if toks.len() != 1 {
                    return rule_err(
                        format!(
                            "`&` and `!` combine single-token tests, and {text:?} is {} tokens",
                            toks.len()
                        ),
                        node.at,
                    );
                }
                let (lower, written) = toks.pop().expect("one token");
                let id = self.vocab.intern_lower(&lower);
                if *exact {
                    Test::Exact(written.into())
                } else {
                    Test::Word(id)
                }
            }
            NodeKind::Lex(name) => Test::Lex(self.lex_id(name, node.at)?),
            NodeKind::Not(inner) => {
                let t = Test::Not(Box::new(self.test(inner)?));
                match Flat::of(std::slice::from_ref(&t), self.lexicons) {
                    Some(f) => Test::Flat(Box::new(f)),
                    None => t,
                }
            }
            NodeKind::And(v) => {
                let v = v.iter().map(|n| self.test(n)).collect::<Result<Vec<_>, _>>()?;
                match Flat::of(&v, self.lexicons) {
                    Some(f) => Test::Flat(Box::new(f)),
                    None => Test::And(v.into()),
                }
            }
            NodeKind::Alt(v) => {
                Test::Or(v.iter().map(|n| self.test(n)).collect::<Result<Vec<_>, _>>()?.into())
            }
            NodeKind::Seq(v) if v.len() == 1 => self.test(&v[0])?,
            NodeKind::Capture { .. } => {
                return rule_err("a capture cannot be inside `&` or `!`", node.at)
            }
            _ => return rule_err(
                "`&` and `!` combine single-token tests (literals, <LEXICON>, shapes), not this",
                node.at,
            ),
        })
    }

    /// The trigger groups every match of `node` needs: one group for each
    /// element of a sequence that cannot be skipped and has triggers.
    fn required(&self, node: &Node, out: &mut Vec<Vec<Trig>>) {
        match &node.kind {
            NodeKind::Seq(v) => v.iter().for_each(|n| self.required(n, out)),
            NodeKind::Capture { node, .. } => self.required(node, out),
            NodeKind::Repeat { node, min, .. } if *min >= 1 => self.required(node, out),
            // With at most 64 lexicons, a sentence knows which of them it
            // holds the start of an entry of (one bit set), however large.
            NodeKind::Lex(name) if self.lexicons.len() <= 64 => {
                if let Some(&l) = self.lex_ids.get(name.as_str()) {
                    if self.lexicons.get(l as usize).is_some_and(|x| !x.trie.is_empty()) {
                        out.push(vec![Trig::Lex(l as u8)]);
                    }
                }
            }
            _ => {
                // Large groups (a lexicon of thousands of names) would cost
                // more to check than they save.
                if let Some((t, _)) = self.triggers(node) {
                    if !t.is_empty() && t.len() <= 64 {
                        out.push(t);
                    }
                }
            }
        }
    }

    /// Triggers of a node, with their cost (lower is more selective), or
    /// `None` when the node can match without any.
    fn triggers(&self, node: &Node) -> Option<(Vec<Trig>, u32)> {
        match &node.kind {
            NodeKind::Lit { text, .. } => {
                let toks = self.tokenizer.tokenize(text);
                let first = toks.first()?;
                let id = self.vocab_lower(&normal_form(text, first))?;
                Some((vec![Trig::Word(id)], 1))
            }
            NodeKind::Lex(name) => {
                let lex = &self.lexicons[*self.lex_ids.get(name.as_str())? as usize];
                if lex.trie.is_empty() {
                    return Some((Vec::new(), 0));
                }
                let words: Vec<Trig> = lex.first_lower.iter().map(|&w| Trig::Word(w)).collect();
                let cost = words.len().min(8) as u32;
                Some((words, cost))
            }
            NodeKind::Slot(labels) => {
                let ids: Vec<Trig> = labels
                    .iter()
                    .filter_map(|(l, _)| self.labels.get(l.as_str()))
                    .map(|&l| Trig::Label(l))
                    .collect();
                let cost = 10 * ids.len() as u32;
                Some((ids, cost))
            }
            NodeKind::Shape(s) if s.is_selective() => Some((vec![Trig::Shape(*s as u8)], 30)),
            NodeKind::Seq(v) | NodeKind::And(v) => {
                v.iter().filter_map(|n| self.triggers(n)).min_by_key(|(_, cost)| *cost)
            }
            NodeKind::Alt(v) => {
                let mut all = Vec::new();
                let mut cost = 0;
                for n in v {
                    let (t, c) = self.triggers(n)?;
                    all.extend(t);
                    cost += c;
                }
                Some((all, cost))
            }
            NodeKind::Repeat { node, min, .. } if *min >= 1 => self.triggers(node),
            NodeKind::Capture { node, .. } => self.triggers(node),
            _ => None,
        }
    }

    fn vocab_lower(&self, form: &str) -> Option<u32> {
        // Every literal was interned when it was emitted.
        self.vocab.get_lower(form)
    }
}

fn too_big(n: usize, at: usize) -> PErr {
    PErr {
        kind: ErrorKind::Limit(format!(
            "pattern compiles to {n} instructions, more than {MAX_INSTRUCTIONS}; use smaller repetitions"
        )),
        at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An instruction stays four words: programs are arrays of them, read
    /// one after another by the interpreter (a label set's bits make it
    /// no larger than the list alone did).
    #[test]
    fn instructions_stay_four_words() {
        assert!(std::mem::size_of::<Inst>() <= 32, "{} bytes", std::mem::size_of::<Inst>());
    }

    /// The blocks of eager hits hold each word's hits in order, padded
    /// with the spare checks (one a slot), on random lists of zero to
    /// thirteen hits a word (so ends of lists at and between block ends).
    #[test]
    fn hit_blocks_hold_each_words_hits() {
        let mut next = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15);
        for round in 0..50 {
            let (words, checks) = (1 + next() as usize % 40, 1 + next() as u32 % 30);
            let mut pairs = Vec::new();
            for w in 0..words as u32 {
                let n = [0, 0, 1, 3, 4, 5, 8, 9, 13][next() as usize % 9];
                for _ in 0..n {
                    let exact = if next() % 4 == 0 { next() as u32 % 7 } else { NONE };
                    pairs.push((w, EagerHit { check: next() as u32 % checks, exact }));
                }
            }
            let want = Lists::from_pairs(pairs.clone(), words);
            let mut e = EagerStarts { len: checks as usize, ..Default::default() };
            e.pad(&want, words, checks);
            for w in 0..words as u32 + 3 {
                let got: Vec<_> = e.hits(w).iter().map(|h| (h.check, h.exact)).collect();
                let list: Vec<_> = want.get(w).iter().map(|h| (h.check, h.exact)).collect();
                assert_eq!(got, list, "round {round}, word {w}");
                let mut block = Some(e.first_block(w));
                let mut slots = 0;
                while let Some(b) = block {
                    for (j, h) in b.hits.iter().enumerate() {
                        if (h.check as usize) >= e.len {
                            assert_eq!((h.check, h.exact), (checks + j as u32, NONE));
                        }
                    }
                    slots += HIT_BLOCK;
                    block = e.next_block(b);
                }
                assert_eq!(slots, list.len().div_ceil(HIT_BLOCK).max(1) * HIT_BLOCK, "{w}");
            }
        }
    }

    /// A slot's label set holds exactly its labels, below 64 (its bits)
    /// and above (its list), on random lists of up to six labels of up to
    /// 150, against the list's own search.
    #[test]
    fn label_sets_hold_exactly_their_labels() {
        let mut next = crate::testing::xorshift(0x1abe_15e7);
        let (mut held, mut high) = (0, 0);
        for _ in 0..300 {
            let labels: Box<[u16]> = (0..next() % 7).map(|_| (next() % 150) as u16).collect();
            let set = LabelSet::new(labels.clone());
            assert_eq!(set.labels(), &*labels);
            for l in 0..200u16 {
                assert_eq!(set.has(l), labels.contains(&l), "{l} in {labels:?}");
                held += usize::from(set.has(l));
                high += usize::from(set.has(l) && l >= 64);
            }
        }
        assert!(held > 300 && high > 100, "{held} held, {high} of 64 or more");
    }

    /// Every lexicon with an entry of two tokens or more starting with a
    /// pair of words has its bit at that pair, in random lexicons of
    /// entries of one to four words, matched in lower case or as written;
    /// and a lexicon's bit is at a pair none of its entries starts with
    /// for fewer than one pair in 40 (about 1.2 % here with eight slots a
    /// pair, 7.3 % with two).
    #[test]
    fn pair_table_holds_every_entry_start() {
        let mut next = crate::testing::xorshift(0x5eed_0f9a);
        let (mut spares, mut absents) = (0, 0);
        for round in 0..40 {
            let count = 1 + next() as usize % 12;
            let words = 2 + next() as u32 % 30;
            let mut entries: Vec<Vec<Vec<u32>>> = Vec::new();
            let mut lexicons = Vec::new();
            for _ in 0..count {
                let mut trie = Trie::default();
                let mut mine = Vec::new();
                for _ in 0..next() % 20 {
                    let len = 1 + next() as usize % 4;
                    let entry: Vec<u32> = (0..len).map(|_| next() as u32 % words).collect();
                    trie.insert(&entry);
                    mine.push(entry);
                }
                let exact = next() % 3 == 0;
                lexicons.push(Lexicon { exact, trie, first_lower: Vec::new(), single: false });
                entries.push(mine);
            }
            for exact in [false, true] {
                let m = Membership::build(&lexicons, words as usize, |l| l.exact == exact);
                let (mut spare, mut absent) = (0, 0);
                for a in 0..=words {
                    for b in 0..=words {
                        let got = m.first_pair(a, b);
                        for (l, lex) in lexicons.iter().enumerate() {
                            let starts = entries[l].iter().any(|e| e.len() > 1 && e[..2] == [a, b]);
                            if lex.exact != exact {
                                continue;
                            }
                            if starts {
                                assert!(got >> l & 1 != 0, "round {round}: ({a}, {b}) of {l}");
                            } else {
                                absent += 1;
                                spare += got >> l & 1;
                            }
                        }
                    }
                }
                // Shared slots cost walks, not answers; they stay few.
                assert!(spare <= absent / 2 + 8, "{spare} spare bits of {absent}");
                (spares, absents) = (spares + spare, absents + absent);
            }
        }
        assert!(absents > 50_000 && spares * 40 < absents, "{spares} spare bits of {absents}");
    }
}
