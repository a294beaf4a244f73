//! The embedded default rules and lexicons, and running rules as pipeline
//! stages: entity rules make candidate entities; relation rules (see
//! `relations`) read relations between the entities kept.

use crate::document::Entity;
use crate::error::Error;
use crate::gazetteer::Gazetteer;
use crate::hash::FastBuildHasher;
use crate::patterns::{
    Action, AttrValue, EntityRef, PatternMatch, Rule, RuleKind, RuleSet, RuleSetBuilder, Scratch,
    WordMap,
};
use crate::span::Span;
use crate::tokenize::{Sentence, Token};
use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

/// The default rule files, as (name, text).
pub(crate) const RULE_FILES: &[(&str, &str)] = &[
    ("entities.rules", include_str!("../data/rules/entities.rules")),
    ("relations.rules", include_str!("../data/rules/relations.rules")),
];

/// Lexicon files: one entry a line, `#` comments; a second tab-separated
/// column, where present, sorts entries into the named lexicons.
const LEXICON_FILES: &[(&str, &str)] = &[
    ("given_names", include_str!("../data/lexicons/given_names.txt")),
    ("surnames", include_str!("../data/lexicons/surnames.txt")),
    ("org_words", include_str!("../data/lexicons/org_words.txt")),
    ("speech_verbs", include_str!("../data/lexicons/speech_verbs.txt")),
    ("unit_nouns", include_str!("../data/lexicons/unit_nouns.txt")),
    ("unit_modifiers", include_str!("../data/lexicons/unit_modifiers.txt")),
    ("weapon_classes", include_str!("../data/lexicons/weapon_class_words.txt")),
    ("titles", include_str!("../data/lexicons/titles.txt")),
    ("month_day_words", include_str!("../data/lexicons/month_day_words.txt")),
    ("name_particles", include_str!("../data/lexicons/name_particles.txt")),
];

/// The supplied lexicon for a category of a two-column file.
fn category_lexicon(category: &str) -> Option<&'static str> {
    Some(match category {
        "rank" => "ranks",
        "post" => "posts",
        "honorific" => "honorifics",
        "month" => "months",
        "weekday" => "weekdays",
        "particle" => "particles",
        "suffix" => "suffixes",
        _ => return None,
    })
}

/// Supplies every embedded lexicon to `b` as `@name`.
pub(crate) fn supply_lexicons(b: &mut RuleSetBuilder) {
    for (name, text) in LEXICON_FILES {
        let mut plain = Vec::new();
        let mut by_cat: Vec<(&str, Vec<&str>)> = Vec::new();
        for line in text.lines() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line.split_once('\t') {
                Some((entry, cat)) => match category_lexicon(cat.trim()) {
                    Some(lex) => match by_cat.iter_mut().find(|(n, _)| *n == lex) {
                        Some((_, v)) => v.push(entry.trim()),
                        None => by_cat.push((lex, vec![entry.trim()])),
                    },
                    None => plain.push(entry.trim()),
                },
                None => plain.push(line.trim()),
            }
        }
        if !plain.is_empty() {
            b.lexicon(name, plain);
        }
        for (lex, entries) in by_cat {
            b.lexicon(lex, entries);
        }
    }
}

/// Where rule text comes from.
#[derive(Clone, Debug)]
pub(crate) enum RuleSource {
    Path(std::path::PathBuf),
    Text(String, Option<String>),
}

/// The compiled rules of an extractor: entity rules and relation rules.
#[derive(Clone, Debug)]
pub(crate) struct Rules {
    pub entity: RuleSet,
    pub relation: RuleSet,
    /// Where the entity rules' actions find their captures.
    pub entity_slots: CaptureSlots,
    /// Where the relation rules' actions find their captures.
    pub relation_slots: CaptureSlots,
    /// The entity rules' ids of the gazetteer's words (see
    /// [`Rules::read_gazetteer`]).
    gazetteer_words: Option<WordMap>,
}

impl Rules {
    /// Maps the words of `gazetteer`, the one these rules run after, to
    /// the rules' ids (see [`Rules::share_words`]).
    ///
    /// The rules' words are added to the gazetteer's vocabulary first
    /// (while it is not shared), so that the tokens it does not know need
    /// no lookup for the rules (see `WordMap::add_words_to`). Without
    /// rules, neither is done (the map would take four bytes a word of a
    /// gazetteer that may hold millions, for nothing).
    pub(crate) fn read_gazetteer(&mut self, gazetteer: &mut Gazetteer) {
        if self.entity.is_empty() && self.relation.is_empty() {
            self.gazetteer_words = None;
            return;
        }
        if let Some(vocab) = gazetteer.vocab_mut() {
            WordMap::add_words_to(&self.entity, vocab);
        }
        self.gazetteer_words = Some(WordMap::new(&self.entity, gazetteer.vocab()));
    }

    /// Sets the word ids of all `tokens` (of `text`) once, in the
    /// vocabulary that holds both rule sets' words, for both passes over
    /// this document, until [`Scratch::forget_words`]. `numbers` are the
    /// tokens' numbers in the vocabulary of the gazetteer of
    /// [`Rules::read_gazetteer`], if it looked them up: the words it knows
    /// are then not looked up again.
    pub(crate) fn share_words(
        &self,
        text: &str,
        tokens: &[Token],
        numbers: Option<&[u32]>,
        scratch: &mut Scratch,
    ) {
        match (&self.gazetteer_words, numbers) {
            (Some(map), Some(numbers)) => scratch.share_words_via(map, numbers, text, tokens),
            _ => scratch.share_words(&self.entity, text, tokens),
        }
    }

    /// Heap bytes of the map of [`Rules::read_gazetteer`].
    pub(crate) fn map_bytes(&self) -> usize {
        self.gazetteer_words.as_ref().map_or(0, WordMap::heap_bytes)
    }

    /// Compiles the default rules (when `defaults`) and the user's; a
    /// `{LABEL}` slot must name one of `labels` or a label an entity rule
    /// makes.
    pub(crate) fn build<'a>(
        defaults: bool,
        user: &[RuleSource],
        labels: impl IntoIterator<Item = &'a str>,
    ) -> Result<Rules, Error> {
        let mut b = RuleSetBuilder::new();
        b.known_labels(labels);
        Rules::compile_with(b, defaults, user, |_| {})
    }

    /// Like [`Rules::build`] before the labels are known, as when the
    /// gazetteer that holds them is built at the same time: the rules are
    /// compiled without the label check, and the labels their slots need
    /// are kept, to be checked by [`Unchecked::check`].
    pub(crate) fn build_unchecked(defaults: bool, user: &[RuleSource]) -> Unchecked {
        let mut needs = Vec::new();
        let rules = Rules::compile_with(RuleSetBuilder::new(), defaults, user, |b| {
            needs = b.foreign_labels().into_iter().map(str::to_owned).collect();
        });
        Unchecked { rules, needs }
    }

    /// Compiles the rules of `defaults` and `user` with `b` (labels
    /// declared or not), showing the builder to `parsed` once every source
    /// is parsed without error.
    fn compile_with(
        mut b: RuleSetBuilder,
        defaults: bool,
        user: &[RuleSource],
        parsed: impl FnOnce(&RuleSetBuilder),
    ) -> Result<Rules, Error> {
        supply_lexicons(&mut b);
        let mut errors = Vec::new();
        if defaults {
            for (name, text) in RULE_FILES {
                if let Err(e) = b.add_str(text, Some(name)) {
                    errors.extend(e.errors().iter().cloned());
                }
            }
        }
        for src in user {
            let r = match src {
                RuleSource::Path(p) => b.add_path(p).map(drop),
                RuleSource::Text(t, n) => b.add_str(t, n.as_deref()).map(drop),
            };
            if let Err(e) = r {
                errors.extend(e.errors().iter().cloned());
            }
        }
        if !errors.is_empty() {
            return Err(Error::many(errors));
        }
        parsed(&b);
        // The entity rules' vocabulary holds the relation rules' under the
        // same ids (and more): a document's word ids, looked up once in it,
        // serve both (see `Rules::share_words`). The entity rules' errors
        // come first, as they are reported.
        let relation = b.build_only(RuleKind::Relation);
        let entity = match &relation {
            Ok(r) => b.build_only_after(RuleKind::Entity, r),
            Err(_) => b.build_only(RuleKind::Entity),
        };
        let (entity, relation) = (entity?, relation?);
        Ok(Rules {
            entity_slots: CaptureSlots::new(&entity),
            relation_slots: CaptureSlots::new(&relation),
            entity,
            relation,
            gazetteer_words: None,
        })
    }
}

/// Rules compiled before the labels their slots may name were known (see
/// [`Rules::build_unchecked`]).
#[derive(Debug)]
pub(crate) struct Unchecked {
    /// The rules, or the errors found without the label check.
    rules: Result<Rules, Error>,
    /// The labels of the rules' slots that no entity rule makes.
    needs: Vec<String>,
}

impl Unchecked {
    /// The rules, when they compiled and `labels` holds every label their
    /// slots need: then [`Rules::build`] with `labels` makes the same rules
    /// (the check it adds passes). `None` when that build could differ:
    /// it is the one to run, for its errors.
    pub(crate) fn check(self, labels: &HashSet<&str, FastBuildHasher>) -> Option<Rules> {
        let known = self.needs.iter().all(|l| labels.contains(l.as_str()));
        self.rules.ok().filter(|_| known)
    }
}

/// Where the captures a rule's action reads (see [`action_capture`]) lie
/// among the captures of its matches, found once per rule when the rules
/// are built: the captures of a match are then read by place rather than
/// looked up by name, a string comparison per name per match.
#[derive(Clone, Debug, Default)]
pub(crate) struct CaptureSlots {
    /// By rule index in the set.
    per_rule: Vec<Slots>,
}

/// A rule's [`CaptureSlots`].
#[derive(Clone, Debug)]
struct Slots {
    /// The capture names the places are in, those of the rule's program:
    /// a match carrying other names (none of the rule's does) is read by
    /// name.
    names: Arc<[Arc<str>]>,
    /// The place of each capture the action reads, by its number.
    at: Box<[Place]>,
}

/// Where a capture the action reads is among a match's capture names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// The only name that is the capture's.
    At(usize),
    /// No name is the capture's: it never matches.
    Absent,
    /// Several are (the first that matched tokens counts): read by name.
    Repeated,
}

impl CaptureSlots {
    /// The slots of the rules of `set`.
    pub(crate) fn new(set: &RuleSet) -> CaptureSlots {
        let per_rule = set.rules().iter().zip(set.capture_names());
        CaptureSlots { per_rule: per_rule.map(|(rule, names)| Slots::of(rule, names)).collect() }
    }

    /// The tokens of capture number `j` of `rule`'s action (see
    /// [`action_capture`]) in `m`, a match of `rule`: what
    /// `m.capture(name)` gives for its name.
    #[inline]
    pub(crate) fn capture(&self, rule: &Rule, m: &PatternMatch, j: usize) -> Option<Range<usize>> {
        match self.per_rule.get(m.rule) {
            Some(slots) if Arc::ptr_eq(&slots.names, m.capture_names()) => slots.read(rule, m, j),
            _ => by_name(rule, m, j),
        }
    }
}

/// Capture number `j` of `rule`'s action in `m`, looked up by name.
#[cold]
#[inline(never)]
fn by_name(rule: &Rule, m: &PatternMatch, j: usize) -> Option<Range<usize>> {
    action_capture(rule, j).and_then(|name| m.capture(name))
}

impl Slots {
    /// The places of `rule`'s captures among `names`, its program's.
    fn of(rule: &Rule, names: &Arc<[Arc<str>]>) -> Slots {
        let place = |name: &str| {
            let mut at = names.iter().enumerate().filter(|(_, n)| ***n == *name).map(|(k, _)| k);
            match (at.next(), at.next()) {
                (Some(k), None) => Place::At(k),
                (None, _) => Place::Absent,
                (Some(_), Some(_)) => Place::Repeated,
            }
        };
        let count = match rule.action() {
            Action::Entity { .. } => 1,
            Action::Relation { attributes, .. } => 2 + attributes.len(),
        };
        let at = (0..count).map(|j| action_capture(rule, j).map_or(Place::Absent, place)).collect();
        Slots { names: names.clone(), at }
    }

    /// Capture number `j` of `rule`'s action in `m`, a match with these
    /// names.
    #[inline]
    fn read(&self, rule: &Rule, m: &PatternMatch, j: usize) -> Option<Range<usize>> {
        match self.at.get(j) {
            Some(&Place::At(k)) => m.capture_at(k),
            Some(Place::Absent) | None => None,
            Some(Place::Repeated) => by_name(rule, m, j),
        }
    }
}

/// The name of capture number `j` that `rule`'s action reads: an entity
/// rule's capture is 0; a relation rule's head is 0, its tail 1, and its
/// attribute `i` is `2 + i` (`None` for a literal value).
pub(crate) fn action_capture(rule: &Rule, j: usize) -> Option<&str> {
    match rule.action() {
        Action::Entity { capture } => capture.as_deref().filter(|_| j == 0),
        Action::Relation { head, tail, attributes, .. } => match j {
            0 => Some(head),
            1 => Some(tail),
            _ => match &attributes.get(j - 2)?.value {
                AttrValue::Capture(c) => Some(c),
                AttrValue::Literal(_) => None,
            },
        },
    }
}

/// The span of tokens `range`.
pub(crate) fn token_span(tokens: &[Token], range: std::ops::Range<usize>) -> Span {
    Span::new(tokens[range.start].span.start, tokens[range.end - 1].span.end)
}

/// Runs `set` over every sentence that holds at least `min_entities` of
/// `entities` (sorted by start; the `{LABEL}` slots).
#[allow(clippy::too_many_arguments)]
pub(crate) fn run<E: AsEntity>(
    set: &RuleSet,
    text: &str,
    tokens: &[Token],
    sentences: &[Sentence],
    entities: &[E],
    min_entities: usize,
    scratch: &mut Scratch,
    refs_buffer: &mut RefBuffer,
    out: &mut Vec<PatternMatch>,
) {
    if set.is_empty() {
        return;
    }
    let mut refs = refs_buffer.take();
    refs.extend(
        entities
            .iter()
            .map(|e| e.as_entity())
            .map(|e| EntityRef { tokens: e.tokens.clone(), label: &e.label }),
    );
    // The references of the entities starting in each sentence, found by
    // walking on from the last sentence's rather than by a search over all
    // of them a sentence, and passed alone: the matcher's own search for
    // the sentence's first entity is then over a few (−1.1 M instructions
    // a benchmark run). Sentences come in order; one that does not is
    // searched for.
    let mut first = 0;
    for s in sentences {
        let (start, end) = (s.tokens.start, s.tokens.end);
        if first > 0 && refs.get(first - 1).is_some_and(|e| e.tokens.start >= start) {
            first = refs.partition_point(|e| e.tokens.start < start);
        }
        while refs.get(first).is_some_and(|e| e.tokens.start < start) {
            first += 1;
        }
        let inside = refs[first..].iter().take_while(|e| e.tokens.start < end).count();
        let mine = &refs[first..first + inside];
        first += inside;
        if inside < min_entities {
            continue;
        }
        set.find_in_sentence_with(text, tokens, s, mine, scratch, out);
    }
    refs_buffer.put_back(refs);
}

/// The allocation of [`run`]'s entity references, kept from call to call
/// (two a text) rather than made and freed each time. It holds no
/// reference between calls: only its capacity is kept.
#[derive(Debug, Default)]
pub(crate) struct RefBuffer(Vec<EntityRef<'static>>);

impl RefBuffer {
    /// The buffer, empty, for references that live as long as `'a`.
    fn take<'a>(&mut self) -> Vec<EntityRef<'a>> {
        relabel(std::mem::take(&mut self.0))
    }

    /// Keeps the allocation of `refs` for the next call.
    fn put_back(&mut self, refs: Vec<EntityRef<'_>>) {
        self.0 = relabel(refs);
    }
}

/// `refs` emptied, as a vector of references of another lifetime. An
/// empty vector's elements are never read, and collecting from its own
/// `into_iter` reuses its allocation (the standard library collects in
/// place when the element layouts are the same), so that nothing is
/// allocated.
fn relabel<'b>(mut refs: Vec<EntityRef<'_>>) -> Vec<EntityRef<'b>> {
    refs.clear();
    refs.into_iter().map(|r| EntityRef { tokens: r.tokens, label: "" }).collect()
}

/// Gives the entity of a pipeline value (an entity, or a candidate).
pub(crate) trait AsEntity {
    fn as_entity(&self) -> &Entity;
}

impl AsEntity for Entity {
    fn as_entity(&self) -> &Entity {
        self
    }
}

impl AsEntity for crate::resolve::Candidate {
    fn as_entity(&self) -> &Entity {
        self.entity()
    }
}

/// Appends the entity candidates of the matches of entity rules to `out`
/// (straight into the candidate list, which saves a vector per text).
pub(crate) fn entities_from(
    set: &RuleSet,
    slots: &CaptureSlots,
    text: &str,
    tokens: &[Token],
    matches: &[PatternMatch],
    names: &mut Canonicals,
    out: &mut Vec<crate::resolve::Candidate>,
) {
    out.reserve(matches.len());
    for m in matches {
        let rule = &set.rules()[m.rule];
        let range = match rule.capture() {
            Some(_) => match slots.capture(rule, m, 0) {
                Some(r) => r,
                None => continue,
            },
            None => m.tokens.clone(),
        };
        if range.is_empty() {
            continue;
        }
        let span = token_span(tokens, range.clone());
        let (label, name) = (rule.shared_label().clone(), rule.shared_name().clone());
        let canonical = names.get(&tokens_one_line(text, tokens, range.clone()));
        out.push(crate::resolve::Candidate::new(
            Entity::from_rule(span, range, label, canonical, name),
            crate::resolve::RULE_PRIORITY,
        ));
    }
}

/// The canonical names rule candidates were given, kept from text to text
/// in the extractor's reused buffers so that a name found again shares
/// the `Arc` made for it rather than allocating its own: names repeat
/// across the paragraphs of a story and across stories. A rule-made
/// canonical is never that of an entity with a gazetteer entry (those
/// take their entry's `Arc`, which is all `linking` compares by pointer),
/// so sharing it changes no output.
///
/// On the benchmark run, about 15k rule canonicals were allocated, at
/// about 135 instructions each in `malloc` (slow paths, as nothing is
/// freed until the documents are) plus their frees; with a bounded hash
/// set of the names the run went from 433.35 M to 430.29 M instructions
/// (extraction alone 248.93 M to 247.70 M). It also replaced a look at the
/// last four candidates for one over the same tokens, which it covers.
///
/// The names are held in a table of [`CANONICAL_SLOTS`] slots, in pairs:
/// a name's pair is picked by the top bits of the crate's string hash
/// ([`crate::hash::key_and_hash`]), and a name made goes first in its
/// pair, the one it finds there second, the one second before dropped
/// (the table is never emptied). The hash set it replaces (at most 2,048
/// names, emptied when full, about as many bytes) hashed each name twice
/// over (the string, its terminator, a final mix) and probed a group of
/// tags: about 97 instructions a lookup. On the benchmark run this table
/// took 0.67 M instructions off extraction (225.18 M → 224.51 M); with
/// 2,048 slots 0.46 M (more names made again), and with one slot a name
/// 0.06 M (its clashes made many).
#[derive(Debug, Default)]
pub(crate) struct Canonicals {
    /// [`CANONICAL_SLOTS`] slots once the first name is asked for (empty
    /// before: most extractors on a thread never run a rule).
    slots: Vec<Option<Arc<str>>>,
}

/// How many names [`Canonicals`] holds at most: a power of two, a bound on
/// its memory (64 KB of slots, about what the hash set took when full, and
/// at most 64 bytes a name).
const CANONICAL_SLOTS: usize = 4096;

/// The longest name (in bytes) [`Canonicals`] holds; longer ones, rare,
/// are made each time, so that the names held stay small.
const CANONICAL_LONGEST: usize = 64;

impl Canonicals {
    /// The shared canonical `s`, made (and kept first in its pair of
    /// slots) when not held.
    pub(crate) fn get(&mut self, s: &str) -> Arc<str> {
        if s.len() > CANONICAL_LONGEST {
            return Arc::from(s);
        }
        if self.slots.is_empty() {
            self.slots.resize(CANONICAL_SLOTS, None);
        }
        let at = Self::pair_of(s);
        let Some(pair) = self.slots.get_mut(at..at + 2) else { return Arc::from(s) };
        for name in pair.iter().flatten() {
            if **name == *s {
                return name.clone();
            }
        }
        let name: Arc<str> = Arc::from(s);
        pair.swap(0, 1);
        pair[0] = Some(name.clone());
        name
    }

    /// The first of the two slots of `s`: the top bits of its hash, which
    /// the hash's last multiplication makes depend on every byte.
    #[inline]
    fn pair_of(s: &str) -> usize {
        let (_, h) = crate::hash::key_and_hash(s.as_bytes());
        2 * (h >> (65 - CANONICAL_SLOTS.trailing_zeros())) as usize
    }

    /// How many names are held.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.is_some()).count()
    }
}

/// [`one_line`] of the text of tokens `range`. Tokens hold no whitespace
/// (it is what separates them), so tokens joined by nothing or by one
/// plain space (most) are on one line already, which their offsets tell
/// without reading the text.
#[inline]
pub(crate) fn tokens_one_line<'t>(
    text: &'t str,
    tokens: &[Token],
    range: std::ops::Range<usize>,
) -> Cow<'t, str> {
    let bytes = text.as_bytes();
    let ts = &tokens[range.clone()];
    let single_spaced = !ts.is_empty()
        && ts.windows(2).all(|w| {
            let (end, start) = (w[0].span.end, w[1].span.start);
            start == end || (start == end + 1 && bytes[end] == b' ')
        });
    let s = &text[token_span(tokens, range)];
    if single_spaced {
        Cow::Borrowed(s)
    } else {
        one_line(s)
    }
}

/// `s` with every run of whitespace made one space, and none at either
/// end; borrowed when `s` is so already (most mentions), so that it costs
/// no `String`.
pub(crate) fn one_line(s: &str) -> Cow<'_, str> {
    if is_one_line(s) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

/// True when `s` has no whitespace at either end and every run of
/// whitespace in it is a single plain space.
fn is_one_line(s: &str) -> bool {
    // Most mentions are ASCII: their bytes are checked without decoding,
    // in the one pass that finds whether they are ASCII.
    is_one_line_ascii(s.as_bytes()).unwrap_or_else(|| is_one_line_chars(s))
}

/// [`is_one_line`] for ASCII text, `None` at the first non-ASCII byte (up
/// to which both read the same): ASCII whitespace (as
/// `char::is_whitespace` has it) is the space and the controls `\t` to
/// `\r`.
fn is_one_line_ascii(s: &[u8]) -> Option<bool> {
    // `true` at the start so that leading whitespace fails.
    let mut after_space = true;
    for &c in s {
        match c {
            b' ' if after_space => return Some(false),
            b' ' => after_space = true,
            b'\t'..=b'\r' => return Some(false),
            0x80.. => return None,
            _ => after_space = false,
        }
    }
    Some(!after_space || s.is_empty())
}

/// [`is_one_line`] for any text.
fn is_one_line_chars(s: &str) -> bool {
    // `true` at the start so that leading whitespace fails.
    let mut after_space = true;
    for c in s.chars() {
        if c.is_whitespace() {
            if c != ' ' || after_space {
                return false;
            }
            after_space = true;
        } else {
            after_space = false;
        }
    }
    !after_space || s.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_slots_agree_with_captures_by_name() {
        // Entity and relation rules whose captures come in varied orders,
        // optional (unmatched in some matches), and as attributes besides
        // literals; random sentences of the words they read.
        let rules = [
            r#"entity mr PERSON = who: "Mr" who:Cap"#,
            r#"entity org ORGANIZATION: "the" Cap Cap"#,
            r#"entity pair LOCATION = b: a:Cap ("and" b:Cap)?"#,
            r#"relation of REL head=a tail=b role=c: a:Cap "of" (c:Lower)? b:Cap"#,
            r#"relation and REL head=b tail=a kind="x" role=c: (c:Lower)? b:Cap "and" a:Cap"#,
            r#"relation the REL head=h tail=t side=s: (s:"the")? h:Cap Lower{0,2} t:Cap"#,
        ]
        .join("\n");
        let mut b = RuleSetBuilder::new();
        b.add_str(&rules, Some("t.rules")).unwrap_or_else(|e| panic!("{e}"));
        let sets = [b.build_only(RuleKind::Entity), b.build_only(RuleKind::Relation)];
        let words = ["Mr", "Alpha", "Beta", "of", "the", "chief", "and", "Gamma", "new"];
        let tk = crate::tokenize::Tokenizer::new();
        let mut rng = crate::testing::xorshift(0x0ddb_1a5e_5bad_5eed);
        let (mut read, mut matched) = (0, 0);
        for set in sets.iter().map(|s| s.as_ref().unwrap_or_else(|e| panic!("{e}"))) {
            let slots = CaptureSlots::new(set);
            for round in 0..300 {
                let n = 2 + (rng() % 10) as usize;
                let text = crate::testing::random_text(&words, n, |k| (rng() % k as u64) as usize);
                let tokens = tk.tokenize(&text);
                let mut found = Vec::new();
                for s in tk.sentences(&text, &tokens) {
                    set.find_in_sentence(&text, &tokens, &s, &[], &mut found);
                }
                for m in &found {
                    // Also read as a match of every other rule: other names,
                    // so looked up by name.
                    for (k, rule) in set.rules().iter().enumerate() {
                        let mut other = m.clone();
                        other.rule = k;
                        for j in 0..6 {
                            let want = action_capture(rule, j).and_then(|c| other.capture(c));
                            assert_eq!(
                                slots.capture(rule, &other, j),
                                want,
                                "round {round}: {text}"
                            );
                            read += usize::from(want.is_some());
                        }
                    }
                    matched += 1;
                }
            }
        }
        assert!(matched > 200 && read > 500, "{matched} {read}");
    }

    #[test]
    fn shared_canonicals_are_those_of_their_tokens() {
        // Entity rules that find the same names, over the same tokens or
        // overlapping ones (longer, shorter, from the same start), with
        // captures and without; random texts spaced in varied ways. Each
        // candidate's canonical, shared or made, is its own tokens' text.
        let rules = [
            r#"entity gen PERSON = who: "General" who:(Cap Cap?)"#,
            r#"entity said PERSON = who: who:(Cap Cap?) "said""#,
            r#"entity pair PERSON: Cap Cap"#,
            r#"entity one PERSON: Cap"#,
            r#"entity the ORGANIZATION = o: "the" o:(Cap Cap? Cap?)"#,
        ]
        .join("\n");
        let mut b = RuleSetBuilder::new();
        b.add_str(&rules, Some("t.rules")).unwrap_or_else(|e| panic!("{e}"));
        let set = b.build_only(RuleKind::Entity).unwrap_or_else(|e| panic!("{e}"));
        let slots = CaptureSlots::new(&set);
        let words = ["General", "Alpha", "Beta", "said", "the", "Gamma", "and", "Delta"];
        let gaps = [" ", " ", " ", "  ", "\n", "\t"];
        let tk = crate::tokenize::Tokenizer::new();
        let mut rng = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15);
        let (mut shared, mut made) = (0, 0);
        // One set of names for every text, as in extraction.
        let mut names = Canonicals::default();
        for round in 0..1000 {
            let mut text = String::new();
            for k in 0..2 + (rng() % 12) as usize {
                if k > 0 {
                    text.push_str(gaps[(rng() % gaps.len() as u64) as usize]);
                }
                text.push_str(words[(rng() % words.len() as u64) as usize]);
            }
            let tokens = tk.tokenize(&text);
            let mut found = Vec::new();
            for s in tk.sentences(&text, &tokens) {
                set.find_in_sentence(&text, &tokens, &s, &[], &mut found);
            }
            let mut out = Vec::new();
            entities_from(&set, &slots, &text, &tokens, &found, &mut names, &mut out);
            for (k, c) in out.iter().enumerate() {
                let e = c.entity();
                let own = tokens_one_line(&text, &tokens, e.tokens.clone());
                assert_eq!(&*e.canonical, &*own, "round {round}: {text:?}");
                let first = out[..k].iter().position(|d| d.entity().canonical == e.canonical);
                // Equal names are one `Arc` (the few names of these texts
                // are never forgotten).
                match first {
                    Some(j) => {
                        assert!(Arc::ptr_eq(&out[j].entity().canonical, &e.canonical));
                        shared += 1;
                    }
                    None => made += 1,
                }
            }
        }
        assert!(shared > 500 && made > 500, "{shared} {made}");
        assert!(names.len() < CANONICAL_SLOTS, "{}", names.len());
    }

    #[test]
    fn canonicals_share_equal_names_and_stay_bounded() {
        let mut names = Canonicals::default();
        let alpha = names.get("Alpha Beta");
        assert_eq!(&*alpha, "Alpha Beta");
        // Equal text, another `&str`: the same `Arc`.
        let again = names.get(&String::from("Alpha Beta"));
        assert!(Arc::ptr_eq(&alpha, &again));
        // Names that differ (by a byte, by length, by case) are apart.
        for other in ["Alpha Betb", "Alpha Bet", "alpha beta", "Alpha Beta "] {
            let o = names.get(other);
            assert_eq!(&*o, other);
            assert!(!Arc::ptr_eq(&alpha, &o), "{other:?}");
        }
        // Many names: each is its own text, equal ones shared while held,
        // and the set never holds more than its bound.
        let mut rng = crate::testing::xorshift(0x5eed_cafe_f00d_beef);
        for k in 0..4 * CANONICAL_SLOTS {
            let text = format!("Name {}", rng() % (3 * CANONICAL_SLOTS as u64));
            let name = names.get(&text);
            assert_eq!(&*name, &*text);
            assert!(names.len() <= CANONICAL_SLOTS, "{k}: {}", names.len());
            let twice = names.get(&text);
            assert!(Arc::ptr_eq(&name, &twice), "{k}: {text:?}");
        }
        // Long names are made each time and not held.
        let long = "x".repeat(CANONICAL_LONGEST + 1);
        let before = names.len();
        let (a, b) = (names.get(&long), names.get(&long));
        assert_eq!((&*a, &*b), (&*long, &*long));
        assert!(!Arc::ptr_eq(&a, &b));
        assert_eq!(names.len(), before);
        let short = "x".repeat(CANONICAL_LONGEST);
        assert!(Arc::ptr_eq(&names.get(&short), &names.get(&short)));
    }

    #[test]
    fn canonicals_keep_two_names_a_pair() {
        // Three names of one pair of slots, and one of another.
        let first = "Name 0".to_string();
        let pair = Canonicals::pair_of(&first);
        assert_eq!(pair % 2, 0);
        assert!(pair + 1 < CANONICAL_SLOTS);
        let same: Vec<String> = (1..)
            .map(|k| format!("Name {k}"))
            .filter(|n| Canonicals::pair_of(n) == pair)
            .take(2)
            .collect();
        let other = (1..)
            .map(|k| format!("Other {k}"))
            .find(|n| Canonicals::pair_of(n) != pair)
            .expect("a name of another pair");
        let mut names = Canonicals::default();
        let a = names.get(&first);
        let o = names.get(&other);
        let b = names.get(&same[0]);
        // Both names of the pair are held: the older, now second, too.
        assert!(Arc::ptr_eq(&a, &names.get(&first)));
        assert!(Arc::ptr_eq(&b, &names.get(&same[0])));
        assert_eq!(names.len(), 3);
        // A third name of the pair drops the one second in it (`first`,
        // asked for again but not made again, so not moved up), and keeps
        // the one made last before it; the other pair is untouched.
        let c = names.get(&same[1]);
        assert_eq!(&*c, same[1].as_str());
        assert!(Arc::ptr_eq(&b, &names.get(&same[0])));
        assert!(Arc::ptr_eq(&c, &names.get(&same[1])));
        assert!(Arc::ptr_eq(&o, &names.get(&other)));
        let again = names.get(&first);
        assert_eq!(&*again, first.as_str());
        assert!(!Arc::ptr_eq(&a, &again));
        assert_eq!(names.len(), 3);
    }

    #[test]
    fn ref_buffer_keeps_its_allocation() {
        // Emptied and relabelled in place: the same allocation comes back,
        // for references of any lifetime, and nothing stays in it.
        let mut buffer = RefBuffer::default();
        let label = String::from("PERSON");
        let mut refs = buffer.take();
        refs.extend((0..40).map(|k| EntityRef { tokens: k..k + 1, label: &label }));
        let (at, capacity) = (refs.as_ptr() as usize, refs.capacity());
        buffer.put_back(refs);
        drop(label);
        let again: Vec<EntityRef<'_>> = buffer.take();
        assert!(again.is_empty());
        assert_eq!((again.as_ptr() as usize, again.capacity()), (at, capacity));
    }

    #[test]
    fn runs_with_a_reused_buffer_agree_with_fresh_ones() {
        // Entity rules with label slots run over random texts with random
        // entities, the reference buffer kept from text to text (holding
        // more or fewer entities than the next): the matches of a fresh
        // buffer each time.
        let rules = [
            r#"entity gen PERSON = who: "General" who:{PERSON}"#,
            r#"entity of ORGANIZATION: {LOCATION} "army""#,
            r#"entity two LOCATION: {LOCATION} "and" {LOCATION}"#,
        ]
        .join("\n");
        let mut b = RuleSetBuilder::new();
        b.known_labels(["PERSON", "LOCATION"]);
        b.add_str(&rules, Some("t.rules")).unwrap_or_else(|e| panic!("{e}"));
        let set = b.build_only(RuleKind::Entity).unwrap_or_else(|e| panic!("{e}"));
        let words = ["General", "Alpha", "army", "and", "Beta", "."];
        let tk = crate::tokenize::Tokenizer::new();
        let mut rng = crate::testing::xorshift(0x5851_f42d_4c95_7f2d);
        let (mut buffer, mut scratch) = (RefBuffer::default(), Scratch::default());
        let mut matched = 0;
        for round in 0..500 {
            let n = 2 + (rng() % 14) as usize;
            let text = crate::testing::random_text(&words, n, |k| (rng() % k as u64) as usize);
            let tokens = tk.tokenize(&text);
            let sentences = tk.sentences(&text, &tokens);
            let entities: Vec<Entity> = (0..tokens.len())
                .filter_map(|k| (rng() % 3 == 0).then_some((k, rng() % 2)))
                .map(|(k, l)| {
                    let label = ["PERSON", "LOCATION"][l as usize];
                    let span = token_span(&tokens, k..k + 1);
                    let name: Arc<str> = Arc::from("e");
                    Entity::from_rule(span, k..k + 1, Arc::from(label), name.clone(), name)
                })
                .collect();
            let (mut reused, mut fresh) = (Vec::new(), Vec::new());
            for min in [0, 2] {
                let (s, e) = (&sentences, &entities);
                run(&set, &text, &tokens, s, e, min, &mut scratch, &mut buffer, &mut reused);
                let mut new = RefBuffer::default();
                run(&set, &text, &tokens, s, e, min, &mut Scratch::default(), &mut new, &mut fresh);
            }
            assert_eq!(reused, fresh, "round {round}: {text}");
            matched += reused.len();
        }
        assert!(matched > 300, "{matched}");
    }

    #[test]
    fn runs_agree_with_each_sentence_given_every_entity() {
        // `run` passes each sentence the references of the entities that
        // start in it, found by walking on from the last sentence's: the
        // matches are those of each sentence given all of them (which the
        // matcher searches), and sentences that hold fewer than
        // `min_entities` are left out as when counted anew, with the
        // sentences in order, reversed (each one searched for again), and
        // some twice, and entities of one to three tokens, some running
        // past their sentence.
        let rules = [
            r#"entity gen PERSON = who: "General" who:{PERSON}"#,
            r#"entity two LOCATION: {LOCATION} "and" {LOCATION}"#,
            r#"entity any LOCATION: {LOCATION|PERSON} Lower"#,
        ]
        .join("\n");
        let mut b = RuleSetBuilder::new();
        b.known_labels(["PERSON", "LOCATION"]);
        b.add_str(&rules, Some("t.rules")).unwrap_or_else(|e| panic!("{e}"));
        let set = b.build_only(RuleKind::Entity).unwrap_or_else(|e| panic!("{e}"));
        let words = ["General", "Alpha", "army", "and", "Beta", ".", "."];
        let tk = crate::tokenize::Tokenizer::new();
        let mut rng = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        let (mut buffer, mut scratch) = (RefBuffer::default(), Scratch::default());
        let (mut matched, mut left_out) = (0, 0);
        for round in 0..600 {
            let n = 2 + (rng() % 24) as usize;
            let text = crate::testing::random_text(&words, n, |k| (rng() % k as u64) as usize);
            let tokens = tk.tokenize(&text);
            let mut sentences = tk.sentences(&text, &tokens);
            match round % 3 {
                1 => sentences.reverse(),
                2 => sentences = sentences.iter().chain(&sentences).cloned().collect(),
                _ => {}
            }
            let entities: Vec<Entity> = (0..tokens.len())
                .filter_map(|k| (rng() % 2 == 0).then_some((k, rng() % 2, 1 + rng() % 3)))
                .map(|(k, l, len)| {
                    let label = ["PERSON", "LOCATION"][l as usize];
                    let end = (k + len as usize).min(tokens.len());
                    let span = token_span(&tokens, k..end);
                    let name: Arc<str> = Arc::from("e");
                    Entity::from_rule(span, k..end, Arc::from(label), name.clone(), name)
                })
                .collect();
            let refs: Vec<EntityRef<'_>> = (entities.iter())
                .map(|e| EntityRef { tokens: e.tokens.clone(), label: &e.label })
                .collect();
            for min in [0, 1, 2, 3] {
                let mut got = Vec::new();
                let (s, e) = (&sentences, &entities);
                run(&set, &text, &tokens, s, e, min, &mut scratch, &mut buffer, &mut got);
                let mut want = Vec::new();
                for s in &sentences {
                    let inside = refs.iter().filter(|e| s.tokens.contains(&e.tokens.start));
                    if inside.count() < min {
                        left_out += 1;
                        continue;
                    }
                    set.find_in_sentence(&text, &tokens, s, &refs, &mut want);
                }
                assert_eq!(got, want, "round {round}, min {min}: {text}");
                matched += got.len();
            }
        }
        assert!(matched > 1000 && left_out > 1000, "{matched} {left_out}");
    }

    #[test]
    fn is_one_line_agrees_with_one_line() {
        for s in [
            "",
            " ",
            "a",
            "a b",
            "a  b",
            " a",
            "a ",
            "a\tb",
            "a\nb",
            "a\u{a0}b",
            "a \u{2003}b",
            "Su-35 Flanker",
            "  ",
            "a  é",
            "é  a",
            "a é",
            " é",
            "é ",
            "é\u{a0}a",
            "a\u{2003}",
            "Łódź Voivodeship",
        ] {
            let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(is_one_line(s), joined == s, "{s:?}");
            assert_eq!(one_line(s), joined, "{s:?}");
        }
    }

    #[test]
    fn tokens_one_line_agrees_with_one_line() {
        // Every stretch of up to eight tokens of text with each kind of
        // whitespace between and around words, and invisible marks, which
        // separate tokens without being whitespace.
        let text = "Gen.  John\tSmith, Jr. said\n\nU.S.\u{a0}forces and\u{2003}F-16s \
            \u{200b}Su-35 \u{200b} S-400 \x0bx\x0cy\u{85}z \u{2028}w  \r\n \u{3000}\
            MiG-29s’ O'Brien's 18,000 troops (CENTCOM) «quoted» a b c d";
        let tokens = crate::tokenize::Tokenizer::new().tokenize(text);
        assert!(tokens.len() > 30);
        let (mut borrowed, mut owned) = (0, 0);
        for start in 0..tokens.len() {
            for end in start + 1..=(start + 8).min(tokens.len()) {
                let fast = tokens_one_line(text, &tokens, start..end);
                let general = one_line(&text[token_span(&tokens, start..end)]);
                assert_eq!(fast, general, "tokens {start}..{end}");
                match general {
                    Cow::Borrowed(_) => borrowed += 1,
                    Cow::Owned(_) => owned += 1,
                }
            }
        }
        assert!(borrowed > 50 && owned > 50);
    }

    #[test]
    fn ascii_check_agrees_with_chars() {
        // Every string of up to four bytes from a few letters and each
        // ASCII control and space: the byte check and the char check agree.
        let alphabet: Vec<u8> = (0u8..=32).chain([b'a', b'-', b'.', 127]).collect();
        let mut s = Vec::new();
        let check = |s: &[u8]| {
            let text = std::str::from_utf8(s).expect("ASCII");
            assert_eq!(is_one_line_ascii(s), Some(is_one_line_chars(text)), "{text:?}");
        };
        for &a in &alphabet {
            for &b in &alphabet {
                for &c in &alphabet {
                    s.clear();
                    s.extend([a, b, c]);
                    check(&s);
                    check(&s[..2]);
                    check(&s[..1]);
                    s.push(b'x');
                    check(&s);
                    s.insert(0, b'y');
                    check(&s);
                }
            }
        }
        check(b"");
    }
}
