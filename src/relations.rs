//! The relation stage: relation rules matched over the kept entities, with
//! coordination, attributes, modality and evidence.
//!
//! - **Coordination.** A head or tail capture stands for every entity in it
//!   and for the entities coordinated with them: "for buyers including
//!   Bulgaria, Slovakia and Taiwan" or "Pinaka rocket launchers and Akash
//!   air defence systems" give one relation per conjunct. Conjuncts are
//!   entities of the same label joined by `,`, `and`, `or`, `as well as`,
//!   with at most three lower-case words (a class noun) after each.
//! - **Modality** comes from cue words in the sentence (see `cue_modality`,
//!   the plain form kept for the tests):
//!   negation, speculation and plan cues count from the start of the
//!   match's clause to the end of the match, attribution cues anywhere in
//!   the sentence. A cue inside a quotation counts only for a match that
//!   overlaps that quotation ("\"We will not wait,\" said X, an analyst at
//!   Y": the analyst is not negated). The weaker claim wins.
//! - **Evidence** is the span the rule matched; the sentence and the
//!   captured tokens are kept for [`Extractor::explain`].
//! - **Argument checks** (see [`arguments_fit`]) use the gazetteer's
//!   metadata to drop pairs no rule should give: an entity related to
//!   itself (same canonical name); a `MANUFACTURES` whose maker is an
//!   alliance, government, ministry, news medium or think tank ("a NATO
//!   E-3"); an `ALLIED_WITH` party that is a place rather than a country,
//!   organisation or unit ("near Jēkabpils together with Latvian
//!   engineers"), or a country allied with its own government or forces
//!   ("Australia ... together with the Australian government"); a
//!   `FIGHTING_AGAINST` party that is a sea or strait ("fired into the
//!   Sea of Japan"); a buyer or seller that is a region, sea, strait,
//!   island or base ("send Patriot batteries to the Middle
//!   East"). Beside them, a `FIGHTING_AGAINST` whose first party is
//!   a place after "in", "from", "near" ... is dropped
//!   ([`placed_by_preposition`], which reads the tokens: "withdrew from
//!   Bakhmut after months of fighting with Ukrainian forces").
//!
//! [`Extractor::explain`]: crate::Extractor::explain

mod deals;

pub(crate) use deals::{
    drop_makers_as_buyers_or_operators, drop_sellers_as_buyers, swap_makers_as_buyers,
};

use crate::document::{Entity, Modality, Relation, RelationCaptures};
use crate::hash::FastBuildHasher;
use crate::patterns::{Action, AttrValue, Attribute, PatternMatch, RuleSet};
use crate::rules::{token_span, tokens_one_line, CaptureSlots};
use crate::swar::{in_range, low_flags, HIGH};
use crate::tokenize::{Sentence, Token, TokenKind};
use crate::vocab::Vocab;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

/// Buffers of [`relations_from`] reused from text to text, so that it
/// allocates nothing once they have grown.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// The conjuncts of a match's head and tail.
    heads: Conjuncts,
    tails: Conjuncts,
    /// Conjuncts beyond a capture, before a conjunction confirms them.
    more: Vec<usize>,
    /// The pairs that pass the argument checks.
    pairs: Vec<(usize, usize)>,
    /// The cues of the sentence last seen.
    cues: SentenceCues,
    /// A match's attributes read from words before its tail: the
    /// attribute's index and the entity those words are (see
    /// [`own_attributes`]).
    before_tail: Vec<(usize, Option<usize>)>,
}

/// Builds the relations of the matches of relation rules.
///
/// `rejected` are the candidates the conflict policy left out: a country
/// named inside a rule's entity ("Australian" in "the Australian
/// government") is read from them. `owner` is the entity covering each
/// token (as linking leaves it).
#[allow(clippy::too_many_arguments)]
pub(crate) fn relations_from(
    set: &RuleSet,
    slots: &CaptureSlots,
    text: &str,
    tokens: &[Token],
    sentences: &[Sentence],
    entities: &[Entity],
    owner: &[Option<usize>],
    rejected: &[Entity],
    matches: &[PatternMatch],
    scratch: &mut Scratch,
    out: &mut Vec<Relation>,
) {
    // Most texts match no relation rule: nothing to prepare.
    if matches.is_empty() {
        return;
    }
    // About one relation a match: one allocation rather than growth.
    out.reserve(matches.len());
    let Scratch { heads, tails, more, pairs, cues, before_tail } = scratch;
    // Conjuncts found for another text are not this one's.
    heads.forget();
    tails.forget();
    // The country of each entity, computed when a check first needs it.
    let mut countries: Option<Vec<Option<&str>>> = None;
    // The cue words of the sentence last seen (by its first token): matches
    // come sentence by sentence, so each sentence is prepared once, and the
    // buffers are reused from sentence to sentence.
    let mut cached: Option<usize> = None;
    for m in matches {
        let rule = &set.rules()[m.rule];
        let Action::Relation { attributes, match_cues, .. } = rule.action() else { continue };
        let (Some(h), Some(t)) = (slots.capture(rule, m, 0), slots.capture(rule, m, 1)) else {
            continue;
        };
        let heads = heads.of(text, tokens, entities, owner, h, more);
        let tails = tails.of(text, tokens, entities, owner, t.clone(), more);
        if heads.is_empty() || tails.is_empty() {
            continue;
        }
        let label = rule.shared_label();
        pairs.clear();
        let fighting = &**label == "FIGHTING_AGAINST";
        for &hd in heads.iter() {
            // A place of the fighting is no party to it, with any tail.
            if fighting && placed_by_preposition(text, tokens, &entities[hd]) {
                continue;
            }
            for &tl in tails.iter() {
                if arguments_fit(label, entities, hd, tl, &mut countries, rejected) {
                    pairs.push((hd, tl));
                }
            }
        }
        let Some(&(last_hd, last_tl)) = pairs.last() else { continue };
        // The sentence and its cues are found only for a match with a pair
        // that fits: a match whose arguments all fail needs neither
        // (`relations_from` 8.01 M → 7.86 M instructions on the benchmark
        // run).
        // Sentences are sorted and do not overlap.
        let k = sentences.partition_point(|s| s.tokens.end <= m.tokens.start);
        let (sentence, sentence_tokens) = match sentences.get(k) {
            Some(s) if s.tokens.start <= m.tokens.start => (s.span, s.tokens.clone()),
            _ => (token_span(tokens, m.tokens.clone()), m.tokens.clone()),
        };
        let base = sentence_tokens.start;
        if cached != Some(base) {
            cues.fill(text, &tokens[sentence_tokens.clone()]);
            cached = Some(base);
        }
        let modality = cues.modality(
            text,
            &tokens[sentence_tokens.clone()],
            m.tokens.start - base,
            m.tokens.end - base,
            *match_cues,
        );
        let mut attrs = BTreeMap::new();
        // Attributes read from words before the tail ("48" in "48 K9
        // howitzers"): a tail coordinated with it has its own.
        before_tail.clear();
        for (i, a) in attributes.iter().enumerate() {
            let value = match &a.value {
                AttrValue::Literal(v) => Some(v.clone()),
                AttrValue::Capture(_) => slots.capture(rule, m, 2 + i).map(|r| {
                    if r.end <= t.start {
                        before_tail.push((i, owner.get(r.start).copied().flatten()));
                    }
                    tokens_one_line(text, tokens, r).into_owned()
                }),
            };
            if let Some(v) = value {
                attrs.insert(a.key.clone(), v);
            }
        }
        let name = rule.shared_name();
        let captures = RelationCaptures::new(m.capture_names(), |k| {
            m.capture_at(k).map(|r| token_span(tokens, r))
        });
        let evidence = token_span(tokens, m.tokens.clone());
        let relation = |head, tail, attributes, captures| Relation {
            label: label.clone(),
            head,
            tail,
            modality,
            attributes,
            evidence,
            rule: name.clone(),
            sentence,
            captures,
        };
        // A tail coordinated with the captured one ("48 K9 howitzers and
        // 180 K2 tanks") takes the words before it, not the capture's.
        let own = |tl: usize, mut attrs: BTreeMap<String, String>| {
            if entities[tl].tokens.start < t.start || entities[tl].tokens.end > t.end {
                own_attributes(
                    text,
                    tokens,
                    entities,
                    owner,
                    attributes,
                    before_tail,
                    tl,
                    &mut attrs,
                );
            }
            attrs
        };
        // Every pair but the last gets copies; the last takes the originals,
        // changed in place when its tail is coordinated: not copied first
        // (a copy and its drop for 453 relations, 0.43 M instructions, on
        // the benchmark run).
        for &(hd, tl) in &pairs[..pairs.len() - 1] {
            out.push(relation(hd, tl, own(tl, attrs.clone()), captures.clone()));
        }
        let last_attrs = if before_tail.is_empty() { attrs } else { own(last_tl, attrs) };
        out.push(relation(last_hd, last_tl, last_attrs, captures));
    }
}

/// The attributes of a relation whose tail is coordinated with the
/// captured one ("48 K9 howitzers and 180 K2 tanks"): each attribute read
/// from words before the captured tail (`before_tail`: its index in
/// `attributes` and the entity those words are) is replaced by the same
/// kind of entity before `tail` ("180"), with at most two lower-case words
/// between ("180 more"), or left out when there is none: the captured
/// tail's count is not its conjunct's.
#[allow(clippy::too_many_arguments)]
fn own_attributes(
    text: &str,
    tokens: &[Token],
    entities: &[Entity],
    owner: &[Option<usize>],
    attributes: &[Attribute],
    before_tail: &[(usize, Option<usize>)],
    tail: usize,
    attrs: &mut BTreeMap<String, String>,
) {
    for &(a, captured) in before_tail {
        let key = &attributes[a].key;
        attrs.remove(key);
        let Some(label) = captured.map(|k| &entities[k].label) else { continue };
        let mut i = entities[tail].tokens.start;
        let mut skipped = 0;
        while i > 0 && owner[i - 1].is_none() && skipped < 2 {
            let t = &tokens[i - 1];
            let w = t.as_str(text);
            if t.kind != TokenKind::Word || !all_lowercase(w) || matches!(w, "and" | "or") {
                break;
            }
            i -= 1;
            skipped += 1;
        }
        if let Some(k) = i.checked_sub(1).and_then(|j| owner[j]) {
            if entities[k].label == *label {
                attrs.insert(
                    key.clone(),
                    tokens_one_line(text, tokens, entities[k].tokens.clone()).into_owned(),
                );
            }
        }
    }
}

/// The gazetteer's metadata `key` of an entity's entry (`None` without an
/// entry or that key).
fn meta<'e>(e: &'e Entity, key: &str) -> Option<&'e str> {
    e.entry.as_ref().and_then(|en| en.get_meta(key))
}

/// The gazetteer's `kind` of an entity's entry (`None` without an entry
/// or a kind).
fn kind(e: &Entity) -> Option<&str> {
    meta(e, "kind")
}

/// Organisation kinds (the gazetteer's `kind`) that do not make weapons.
const NOT_MAKERS: &[&str] = &["alliance", "government", "ministry", "media", "think tank"];

/// Place kinds (the gazetteer's `kind`) that are waters, never a party to
/// fighting.
const WATERS: &[&str] = &["sea", "strait"];

/// Words that make the place after them where something happens, not who
/// does it: in "the Wagner Group withdrew from Bakhmut after months of
/// fighting with Ukrainian forces" Bakhmut is no party to the fighting.
/// Only the first party is read so: a target may follow "at" ("fired
/// missiles at Israel"), and the rules keep a place of fighting out of the
/// second (`WHERE_PREP`).
const PLACE_PREPOSITIONS: &[&str] =
    &["in", "near", "from", "around", "outside", "inside", "at", "across", "throughout", "off"];

/// Whether the place `e` follows one of [`PLACE_PREPOSITIONS`] in `tokens`.
fn placed_by_preposition(text: &str, tokens: &[Token], e: &Entity) -> bool {
    &*e.label == "LOCATION"
        && e.tokens.start > 0
        && tokens.get(e.tokens.start - 1).is_some_and(|t| {
            let w = t.as_str(text);
            PLACE_PREPOSITIONS.iter().any(|p| p.eq_ignore_ascii_case(w))
        })
}

/// Place kinds (the gazetteer's `kind`) that never buy or sell a weapon:
/// "send additional Patriot batteries to the Middle East" moves them to a
/// region, where no one buys them. Countries, territories and cities
/// may: a capital stands for its government ("Warsaw has also ordered 96
/// AH-64E Apache helicopters"), and the gazetteer files most capitals as
/// cities.
const NOT_DEALERS: &[&str] = &["region", "sea", "strait", "island", "base"];

/// Place kinds (the gazetteer's `kind`) that may be a party to an alliance:
/// countries and territories, not cities, regions, bases or seas.
const STATE_KINDS: &[&str] = &["country", "territory", "historical"];

/// Whether `entities[hd]` and `entities[tl]` may be the head and tail of a
/// relation labelled `label` (see the module documentation).
fn arguments_fit<'e>(
    label: &str,
    entities: &'e [Entity],
    hd: usize,
    tl: usize,
    countries: &mut Option<Vec<Option<&'e str>>>,
    rejected: &'e [Entity],
) -> bool {
    let (h, t) = (&entities[hd], &entities[tl]);
    if hd == tl || h.canonical == t.canonical {
        return false;
    }
    match label {
        "MANUFACTURES" => !kind(h).is_some_and(|k| NOT_MAKERS.contains(&k)),
        "ACQUIRES" | "SUPPLIES" => {
            !(&*h.label == "LOCATION" && kind(h).is_some_and(|k| NOT_DEALERS.contains(&k)))
        }
        // Fire "into the Sea of Japan" is not fighting the sea.
        "FIGHTING_AGAINST" => ![h, t]
            .iter()
            .any(|e| &*e.label == "LOCATION" && kind(e).is_some_and(|k| WATERS.contains(&k))),
        "ALLIED_WITH" => {
            let is_state = |e: &Entity| {
                &*e.label == "NATIONALITY"
                    || (&*e.label == "LOCATION"
                        && kind(e).is_some_and(|k| STATE_KINDS.contains(&k)))
            };
            if [h, t].iter().any(|e| &*e.label == "LOCATION" && !is_state(e)) {
                return false;
            }
            // A country and its own government, ministry or forces.
            let c = countries.get_or_insert_with(|| countries_of(entities, rejected));
            let own = |state: &Entity, other: usize| {
                is_state(state) && c[other].is_some_and(|x| x == &*state.canonical)
            };
            !(own(h, tl) || own(t, hd))
        }
        _ => true,
    }
}

/// The country each entity belongs to: a state itself (a country or a
/// nationality), the gazetteer's `country` of an entry, or for a rule's
/// entity a country or nationality written inside it ("the Australian
/// government", "Polish troops").
fn countries_of<'e>(entities: &'e [Entity], rejected: &'e [Entity]) -> Vec<Option<&'e str>> {
    let mut out: Vec<Option<&str>> = entities
        .iter()
        .map(|e| match &e.entry {
            Some(en) if &*e.label == "NATIONALITY" || en.get_meta("kind") == Some("country") => {
                Some(&*e.canonical)
            }
            Some(en) => en.get_meta("country").filter(|c| !c.is_empty()),
            None => None,
        })
        .collect();
    for r in rejected {
        let state = &*r.label == "NATIONALITY" || kind(r) == Some("country");
        if !state || r.entry.is_none() {
            continue;
        }
        // The kept entity that starts at or before it (kept entities are
        // sorted and do not overlap).
        let k = entities.partition_point(|e| e.span.start <= r.span.start);
        let Some(k) = k.checked_sub(1) else { continue };
        let e = &entities[k];
        if e.entry.is_none() && out[k].is_none() && e.span.end >= r.span.end {
            out[k] = Some(&*r.canonical);
        }
    }
    out
}

/// Up to this many relations, [`dedup`] compares each with those kept
/// before it rather than hashing them.
const FEW_RELATIONS: usize = 16;

/// Removes repeated relations (same label, head, tail), keeping the first.
pub(crate) fn dedup(relations: &mut Vec<Relation>) {
    // Most texts have no relation or one: nothing to compare.
    if relations.len() < 2 {
        return;
    }
    // A text's few relations: a handful of comparisons each costs less
    // than a hash set (an allocation and a label clone and hash each).
    if relations.len() <= FEW_RELATIONS {
        dedup_few(relations);
    } else {
        dedup_hashed(relations);
    }
}

/// [`dedup`] by comparing each relation with the ones kept before it.
fn dedup_few(relations: &mut Vec<Relation>) {
    let mut kept = 0;
    for i in 0..relations.len() {
        let r = &relations[i];
        let repeated = relations[..kept]
            .iter()
            .any(|k| k.head == r.head && k.tail == r.tail && k.label == r.label);
        if !repeated {
            // The kept ones stay in order at the front; a repeat moves back,
            // to be dropped. Until the first repeat each stays where it is
            // (a swap with itself still copies the relation three times).
            if kept != i {
                relations.swap(kept, i);
            }
            kept += 1;
        }
    }
    relations.truncate(kept);
}

/// [`dedup`] with a hash set of the keys seen.
fn dedup_hashed(relations: &mut Vec<Relation>) {
    // The crate's fast hasher: SipHash was most of this stage's cost.
    let mut seen: std::collections::HashSet<(Arc<str>, usize, usize), FastBuildHasher> =
        std::collections::HashSet::with_capacity_and_hasher(relations.len(), Default::default());
    relations.retain(|r| seen.insert((r.label.clone(), r.head, r.tail)));
}

/// The conjuncts of the capture last asked for (see [`conjuncts`]), kept
/// for the next match: rules matching at one place often capture the same
/// head or tail as the match before (4.2k of 21.6k captures on the
/// benchmark run).
#[derive(Debug, Default)]
struct Conjuncts {
    /// The capture `found` is for; none before the first of a text.
    range: Option<Range<usize>>,
    /// Its entities and those coordinated with them.
    found: Vec<usize>,
}

impl Conjuncts {
    /// Forgets the capture held: the next text has other entities.
    fn forget(&mut self) {
        self.range = None;
    }

    /// The entities inside `range` and those coordinated with them, as
    /// [`conjuncts`] gives them: found again only when `range` is not the
    /// capture last asked for in this text (the other arguments being
    /// the same for the whole text). `more` is a buffer.
    fn of(
        &mut self,
        text: &str,
        tokens: &[Token],
        entities: &[Entity],
        owner: &[Option<usize>],
        range: Range<usize>,
        more: &mut Vec<usize>,
    ) -> &[usize] {
        if self.range.as_ref() != Some(&range) {
            conjuncts(text, tokens, entities, owner, range.clone(), &mut self.found, more);
            self.range = Some(range);
        }
        &self.found
    }
}

/// The entities inside `range`, and those coordinated with them, into
/// `found` (cleared first); `more` is a buffer.
fn conjuncts(
    text: &str,
    tokens: &[Token],
    entities: &[Entity],
    owner: &[Option<usize>],
    range: Range<usize>,
    found: &mut Vec<usize>,
    more: &mut Vec<usize>,
) {
    capture_entities(entities, owner, range, found);
    if found.is_empty() {
        return;
    }
    // Walk right from the last entity and left from the first.
    let label = &entities[found[0]].label;
    // A list counts only when a word conjunction joins it somewhere
    // ("A, B and C"); commas alone are appositions ("Greenville, South
    // Carolina").
    more.clear();
    let mut closed = false;
    let mut last = *found.last().expect("non-empty");
    while let Some((mut next, word_conj)) =
        next_conjunct(text, tokens, owner, entities[last].tokens.end, true)
    {
        // A count before the next conjunct is its own: "40 Shahed drones
        // and three Kh-101 missiles".
        if &*entities[next].label == "QUANTITY" && &**label != "QUANTITY" {
            match owner.get(entities[next].tokens.end).copied().flatten() {
                Some(k) => next = k,
                None => break,
            }
        }
        if entities[next].label != *label || found.contains(&next) || more.contains(&next) {
            break;
        }
        more.push(next);
        last = next;
        if word_conj {
            closed = true;
            break;
        }
    }
    if closed {
        found.append(more);
    }
    more.clear();
    let mut first = found[0];
    while let Some((prev, word_conj)) =
        next_conjunct(text, tokens, owner, entities[first].tokens.start, false)
    {
        if entities[prev].label != *label || found.contains(&prev) || more.contains(&prev) {
            break;
        }
        more.push(prev);
        first = prev;
        // Going left, the word conjunction is met first: "A, B and C".
        closed |= word_conj;
    }
    if closed || found.len() > 1 {
        found.append(more);
    }
}

/// The entities inside `range` (by `owner`, the entity covering each
/// token), each once, in order, into `found` (cleared first): those of
/// [`entities_inside`], found at once for a capture that is one entity.
#[inline]
fn capture_entities(
    entities: &[Entity],
    owner: &[Option<usize>],
    range: Range<usize>,
    found: &mut Vec<usize>,
) {
    found.clear();
    match owner.get(range.start).copied().flatten() {
        // Most captures are one entity slot: the entity owning the first
        // token spans them all, and (entities do not overlap) no other
        // entity is inside.
        Some(k) if entities.get(k).is_some_and(|e| e.tokens == range) => found.push(k),
        _ => entities_inside(entities, owner, range, found),
    }
}

/// The entities inside `range` (by `owner`, the entity covering each
/// token), each once, in order, appended to `found`: the general path of
/// [`capture_entities`].
fn entities_inside(
    entities: &[Entity],
    owner: &[Option<usize>],
    range: Range<usize>,
    found: &mut Vec<usize>,
) {
    for o in owner[range.clone()].iter().flatten() {
        let k = *o;
        let e = &entities[k];
        if e.tokens.start >= range.start && e.tokens.end <= range.end && !found.contains(&k) {
            found.push(k);
        }
    }
}

/// The entity coordinated with the one ending (or starting) at token `at`,
/// and whether a word conjunction ("and", "or") joins them.
///
/// Most entities have none, which the tokens next to them tell: going
/// forward, the walk skips at most three lower-case words of no entity
/// before a conjunction, so with none of the words it accepts as one in
/// the next four tokens, or with a token it cannot skip before the first
/// (a name, a number, an entity's word), it would find nothing; going
/// back, the token before `at` must be an article or a conjunction (a
/// length test first: none is longer than three bytes; then the words,
/// as "of", "in" and "to" pass the length).
/// Those are decided here, inline, and only the rest walk
/// ([`conjunct_walk`]). Always inlined: with the exact look-back it
/// grew past what `#[inline]` inlines, and as a call it cost more than the
/// walks it saves.
#[inline(always)]
fn next_conjunct(
    text: &str,
    tokens: &[Token],
    owner: &[Option<usize>],
    at: usize,
    forward: bool,
) -> Option<(usize, bool)> {
    // Compared as bytes: slicing `text` checks char boundaries.
    let word = |i: usize| {
        let s = tokens[i].span;
        &text.as_bytes()[s.start..s.end]
    };
    let may_join = if forward {
        // Up to the first joining word, every token must be one the walk
        // skips: a lower-case word of no entity. A token that cannot be
        // one (owned, or an ASCII first byte other than `a..=z`: a name,
        // a number, a bracket) ends the search, found by the walk or not.
        let end = tokens.len().min(at + 4);
        let mut may = false;
        for (t, o) in tokens[at..end].iter().zip(&owner[at..end]) {
            let w = &text.as_bytes()[t.span.start..t.span.end];
            if matches!(w, b"," | b"and" | b"or" | b"&" | b"as" | b"well") {
                may = true;
                break;
            }
            if o.is_some() || w.first().is_some_and(|b| b.is_ascii() && !b.is_ascii_lowercase()) {
                break;
            }
        }
        may
    } else {
        // The walk back first skips articles, then needs a conjunction.
        at > 0
            && tokens.get(at - 1).is_some_and(|t| {
                t.span.len() <= 3
                    && matches!(word(at - 1), b"the" | b"a" | b"an" | b"," | b"and" | b"or" | b"&")
            })
    };
    if !may_join {
        return None;
    }
    conjunct_walk(text, tokens, owner, at, forward)
}

/// [`next_conjunct`] past its quick checks.
#[inline(never)]
fn conjunct_walk(
    text: &str,
    tokens: &[Token],
    owner: &[Option<usize>],
    at: usize,
    forward: bool,
) -> Option<(usize, bool)> {
    // Compared as bytes: slicing `text` checks char boundaries.
    let word = |i: usize| {
        let s = tokens[i].span;
        &text.as_bytes()[s.start..s.end]
    };
    let lower_word = |i: usize| {
        tokens[i].kind == TokenKind::Word
            && owner[i].is_none()
            && all_lowercase(tokens[i].as_str(text))
    };
    let is_conj = |i: usize| matches!(word(i), b"," | b"and" | b"or" | b"&");
    if forward {
        let mut i = at;
        let mut skipped = 0;
        while i < tokens.len() && skipped < 3 && lower_word(i) && !is_conj(i) {
            i += 1;
            skipped += 1;
        }
        let mut conj = 0;
        let mut word_conj = false;
        while i < tokens.len() && (is_conj(i) || matches!(word(i), b"as" | b"well")) && conj < 3 {
            word_conj |= word(i) != b",";
            i += 1;
            conj += 1;
        }
        if conj == 0 {
            return None;
        }
        while i < tokens.len() && matches!(word(i), b"the" | b"a" | b"an") {
            i += 1;
        }
        owner.get(i).copied().flatten().map(|k| (k, word_conj))
    } else {
        let mut i = at;
        let mut conj = 0;
        let mut word_conj = false;
        while i > 0 && matches!(word(i - 1), b"the" | b"a" | b"an") {
            i -= 1;
        }
        while i > 0 && is_conj(i - 1) && conj < 2 {
            word_conj |= word(i - 1) != b",";
            i -= 1;
            conj += 1;
        }
        if conj == 0 {
            return None;
        }
        let mut skipped = 0;
        while i > 0 && skipped < 3 && lower_word(i - 1) {
            i -= 1;
            skipped += 1;
        }
        if i == 0 {
            return None;
        }
        owner[i - 1].map(|k| (k, word_conj))
    }
}

/// Whether every character of `w` is lower case, as
/// `w.chars().all(char::is_lowercase)`, with ASCII words (nearly all)
/// checked byte by byte rather than decoded.
fn all_lowercase(w: &str) -> bool {
    let b = w.as_bytes();
    // A short ASCII word (most) is tested in one word: every byte of it in
    // `a..=z`, the padding after it in none.
    if b.len() <= 8 {
        let packed = crate::hash::pack(b);
        if packed & HIGH == 0 {
            return in_range(packed, b'a', b'z') == low_flags(b.len());
        }
    }
    // All bytes ASCII lower case: an ASCII word, all lower case. Otherwise
    // an ASCII word is not, and another needs decoding.
    if b.iter().all(u8::is_ascii_lowercase) {
        true
    } else if w.is_ascii() {
        false
    } else {
        w.chars().all(char::is_lowercase)
    }
}

/// Cue phrases, lower case, one token each word. A phrase counts when it
/// occurs in the sentence before the end of the match (`Reported` cues:
/// anywhere in the sentence).
const NEGATED: &[&str] = &[
    "no plans to",
    "no plan to",
    "not",
    "n't",
    "never",
    "denied",
    "denies",
    "deny",
    "refused to",
    "refuses to",
    "declined to",
    "rejected",
    "rejects",
    "ruled out",
    "rules out",
    "will not",
    "won't",
    "cancelled",
    "canceled",
    "scrapped",
    "halted",
    "suspended",
    "blocked",
    "vetoed",
    "no longer",
];
const SPECULATED: &[&str] = &[
    "reportedly",
    "possible",
    "may",
    "might",
    "could",
    "possibly",
    "perhaps",
    "allegedly",
    "speculation",
    "rumoured",
    "rumored",
    "rumours",
    "rumors",
    "is said to",
    "are said to",
    "was said to",
    "were said to",
    "in talks",
    "talks to",
    "negotiating",
    "negotiations",
    "considering",
    "mulling",
    "weighing",
    "exploring",
    "likely",
    "unlikely",
    "expected to",
    "believed to",
    "thought to",
    "seeking to",
    "seeks to",
    "interested in",
    "requested",
    "requests",
    "requesting",
];
const REPORTED: &[&str] = &[
    "according to",
    "reports that",
    "reported that",
    "report that",
    "reported",
    "citing",
    "sources said",
    "quoted",
    "cited",
];
const PLANNED: &[&str] = &[
    "will",
    "proposed",
    "plans to",
    "plan to",
    "planning to",
    "intends to",
    "intend to",
    "set to",
    "is to",
    "are to",
    "aims to",
    "going to",
    "due to",
    "due in",
    "expected in",
    "scheduled to",
    "'ll",
    "would",
];

/// Words that start a new clause after a comma: cues before them do not
/// reach a relation after them ("Germany has no plans to sell X, while
/// Poland bought Y": Poland's purchase is not negated).
const CLAUSE_STARTS: &[&str] = &["while", "but", "whereas", "although", "though", "and", "yet"];

/// Whether `w` is one of [`CLAUSE_STARTS`].
fn is_clause_start(w: &[u8]) -> bool {
    CLAUSE_STARTS.iter().any(|c| c.as_bytes() == w)
}

/// Words after which a bare "reported" still attributes what it follows:
/// "Reuters reported that ...", "as reported by", "reported on Monday",
/// "reported the deal was signed" ("that" left out), "reported two
/// drones were downed". Another lower-case word after it is its object:
/// "Saab, the Swedish defence group, reported higher profits" reports a
/// figure, and does not make "Saab, the Swedish defence group" a claim.
const REPORTED_THEN: &[&str] = &[
    "that",
    "by",
    "on",
    "in",
    "at",
    "from",
    "to",
    "the",
    "a",
    "an",
    "it",
    "they",
    "he",
    "she",
    "we",
    "there",
    "this",
    "last",
    "earlier",
    "late",
    "early",
    "yesterday",
    "today",
    "tonight",
    "overnight",
    "citing",
    "quoting",
    "first",
    "separately",
    "previously",
    "recently",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "several",
    "some",
    "many",
    "dozens",
    "hundreds",
    "thousands",
];

/// Marks a cue slot (see [`SentenceCues::at`]) as a bare "reported" with
/// an object after it ([`takes_an_object`]): it counts for a match after
/// it, never for one before it.
const OBJECT_FLAG: u8 = 0x80;

/// Whether the word `next` after a bare "reported" is its object: a word
/// of lower-case ASCII letters that is none of [`REPORTED_THEN`]. A
/// capitalised word, a number, punctuation or the sentence's end leave
/// "reported" attributing ("..., Reuters reported.", "reported Russia
/// had ...").
fn takes_an_object(next: Option<&[u8]>) -> bool {
    next.is_some_and(|w| {
        !w.is_empty()
            && w.iter().all(u8::is_ascii_lowercase)
            && !REPORTED_THEN.iter().any(|t| t.as_bytes() == w)
    })
}

/// The slot value of a phrase of `cue` of `parts` at a word followed by
/// `next`: its length, with [`OBJECT_FLAG`] for a bare "reported" that
/// [`takes_an_object`].
fn slot_value(cue: Cue, parts: &[&str], next: Option<&[u8]>) -> u8 {
    let len = parts.len().min(127) as u8;
    let bare_report = matches!(cue, Cue::Reported) && parts == ["reported"];
    if bare_report && takes_an_object(next) {
        len | OBJECT_FLAG
    } else {
        len
    }
}

/// The modality of a relation read from the tokens `match_start..match_end`
/// of the sentence `tokens`. Negation, speculation and plans count from
/// the start of the clause the match starts in to the end of the match;
/// attribution counts anywhere in the sentence.
#[cfg(test)]
pub(crate) fn cue_modality(
    text: &str,
    tokens: &[Token],
    match_start: usize,
    match_end: usize,
) -> Modality {
    let mut cues = SentenceCues::default();
    cues.fill(text, tokens);
    cues.modality(text, tokens, match_start, match_end, false)
}

/// A word of a sentence as cues are compared with it: only the sentence's
/// first word (`first`) is lowered ("Reportedly, ..."), so that "May" the
/// month is not "may" the modal; typographic apostrophes are plain.
fn cue_word(w: &str, first: bool) -> Cow<'_, str> {
    // An ASCII word (nearly all) holds no U+2019: checking that is
    // cheaper than searching for the character.
    let w = if !w.is_ascii() && w.contains('\u{2019}') {
        Cow::Owned(w.replace('\u{2019}', "'"))
    } else {
        Cow::Borrowed(w)
    };
    if first && w.chars().any(char::is_uppercase) {
        Cow::Owned(w.to_lowercase())
    } else {
        w
    }
}

/// The words of a sentence as cues are compared with them (see
/// [`cue_word`]), into `out` (cleared first).
#[cfg(test)]
fn cue_words<'a>(text: &'a str, tokens: &[Token], out: &mut Vec<Cow<'a, str>>) {
    out.clear();
    out.extend(tokens.iter().enumerate().map(|(i, t)| cue_word(t.as_str(text), i == 0)));
}

/// The phrases whose first word is `w`, read from the lists themselves:
/// what [`CueTable::phrases`] is tested against.
#[cfg(test)]
fn phrases_by_definition(w: &str) -> CuePhrases {
    let lists = [
        (Cue::Negated, NEGATED),
        (Cue::Speculated, SPECULATED),
        (Cue::Reported, REPORTED),
        (Cue::Planned, PLANNED),
    ];
    let all = lists.into_iter().flat_map(|(cue, list)| list.iter().map(move |p| (cue, p)));
    all.map(|(cue, p)| (cue, p.split(' ').collect::<Vec<_>>()))
        .filter(|(_, ws)| ws[0] == w)
        .collect()
}

/// The cue categories, weakest claim first: the first found wins.
#[derive(Clone, Copy)]
enum Cue {
    Negated = 0,
    Speculated = 1,
    Reported = 2,
    Planned = 3,
}

/// Cue phrases split into words, with their category.
type CuePhrases = Vec<(Cue, Vec<&'static str>)>;

/// Every cue phrase split into words, by its first word, and for each
/// byte the lengths (bit `n` for `n` bytes, 31 for longer) of the first
/// words starting with it: a word whose first byte and length fit no
/// first word (a capitalised name, a number, most words) is no cue,
/// without comparing it.
struct CueTable {
    /// Each first word once with its phrases (in the order of the lists).
    firsts: Vec<(&'static str, CuePhrases)>,
    /// The first words numbered by their place in `firsts`, in the crate's
    /// string table: a word that passed `first_bytes` is found, or not, by
    /// one packed probe, with no call to compare bytes.
    numbers: Vocab,
    first_bytes: [u32; 256],
    /// As `first_bytes`, for first words as written rather than as
    /// [`cue_word`] gives them: any apostrophe may be typographic (three
    /// bytes rather than one, "won’t"). A word after the sentence's first
    /// that fits none is no cue, without making its cue word. Bit 0 (no
    /// word is empty) is [`QUOTE_FIRST`] instead.
    raw_first_bytes: [u32; 256],
}

/// The bit of [`CueTable::raw_first_bytes`] set for the bytes a quotation
/// mark starts with (see [`quote_mark`]), so that the pass that looks for
/// cues also tells whether the sentence may hold a quotation.
const QUOTE_FIRST: u32 = 1;

/// The bytes a quotation mark starts with: `"`, 0xE2 (curly marks) and
/// 0xC2 (guillemets).
const QUOTE_FIRST_BYTES: [u8; 3] = [b'"', 0xE2, 0xC2];

/// The bit of [`CueTable::first_bytes`] for a word of `len` bytes.
fn length_bit(len: usize) -> u32 {
    1 << len.min(31)
}

impl CueTable {
    /// The phrases whose first word is `w`.
    fn phrases(&self, w: &str) -> Option<&CuePhrases> {
        let first = *w.as_bytes().first()?;
        if self.first_bytes[usize::from(first)] & length_bit(w.len()) == 0 {
            return None;
        }
        self.phrases_of_bytes(w.as_bytes())
    }

    /// The phrases whose first word is written `w`.
    #[inline]
    fn phrases_of_bytes(&self, w: &[u8]) -> Option<&CuePhrases> {
        let k = self.numbers.get(w)?;
        self.firsts.get(k as usize).map(|(_, p)| p)
    }

    /// [`CueTable::phrases_of_bytes`] of the `n` bytes (at most 8) packed
    /// in `w` (see `hash::pack`). A miss is the number one past the last
    /// first word's, which `firsts` does not hold: no test of its own.
    #[inline]
    fn phrases_of_packed(&self, w: u64, n: usize) -> Option<&CuePhrases> {
        let k = self.numbers.get_short(w, n);
        self.firsts.get(k as usize).map(|(_, p)| p)
    }
}

/// The cue phrases (see [`CueTable`]).
static CUES: std::sync::LazyLock<CueTable> = std::sync::LazyLock::new(|| {
    let mut firsts: Vec<(&'static str, CuePhrases)> = Vec::new();
    let mut first_bytes = [0u32; 256];
    let mut raw_first_bytes = [0u32; 256];
    for (cue, list) in [
        (Cue::Negated, NEGATED),
        (Cue::Speculated, SPECULATED),
        (Cue::Reported, REPORTED),
        (Cue::Planned, PLANNED),
    ] {
        for phrase in list {
            let words: Vec<&str> = phrase.split(' ').collect();
            let (first, len) = (words[0].as_bytes()[0], words[0].len());
            first_bytes[usize::from(first)] |= length_bit(len);
            for typographic in 0..=words[0].matches('\'').count() {
                let bit = length_bit(len + 2 * typographic);
                raw_first_bytes[usize::from(first)] |= bit;
                // A typographic apostrophe first ("’ll").
                if first == b'\'' && typographic > 0 {
                    raw_first_bytes[0xE2] |= bit;
                }
            }
            match firsts.iter_mut().find(|(f, _)| *f == words[0]) {
                Some((_, phrases)) => phrases.push((cue, words)),
                None => firsts.push((words[0], vec![(cue, words)])),
            }
        }
    }
    let mut numbers = Vocab::default();
    for (k, (f, _)) in firsts.iter().enumerate() {
        let n = numbers.intern(f).expect("a few hundred short words fit the table");
        assert_eq!(n as usize, k, "first words are distinct");
    }
    numbers.shrink_to_fit();
    for b in QUOTE_FIRST_BYTES {
        raw_first_bytes[usize::from(b)] |= QUOTE_FIRST;
    }
    CueTable { firsts, numbers, first_bytes, raw_first_bytes }
});

/// The cues of one sentence: for each word, the length of the shortest
/// phrase of each category starting there (0: none), the clause starts
/// and the quotations.
#[derive(Debug, Default)]
struct SentenceCues {
    /// `at[i][c]`: the length of the shortest phrase of category `c`
    /// starting at word `i` (0: none), with [`OBJECT_FLAG`] on a bare
    /// "reported" that has an object after it.
    at: Vec<[u8; 4]>,
    /// Bit `c` set when some word starts a phrase of category `c`: most
    /// sentences have none of most categories, and need no search.
    present: u8,
    /// Whether `quote` and `quotes` are read for this sentence: only a
    /// match with a cue in reach needs them (see [`SentenceCues::has`]).
    quotes_read: bool,
    /// Whether a word of the sentence starts as a quotation mark does:
    /// without one, there is no quotation to read.
    quoted: bool,
    /// `clause[i]`: where the clause holding word `i` starts, made by the
    /// general path only (the fast one finds a match's clause start by
    /// [`clause_start`]).
    #[cfg(test)]
    clause: Vec<u32>,
    /// `quote[i]`: 1 + the index in `quotes` of the quotation holding word
    /// `i` (its marks included), 0 outside quotations.
    quote: Vec<u32>,
    /// Word ranges of the quotations, in order.
    quotes: Vec<Range<usize>>,
}

/// How a token may delimit a quotation.
#[derive(PartialEq)]
enum QuoteMark {
    Open,
    Close,
    /// A straight `"`: it opens unless it is glued to the word before.
    Straight,
}

impl QuoteMark {
    /// Whether the mark closes a quotation, `glued` saying that no space
    /// comes before it.
    fn closes(self, glued: bool) -> bool {
        match self {
            QuoteMark::Close => true,
            QuoteMark::Open => false,
            QuoteMark::Straight => glued,
        }
    }
}

/// The quotation mark a word is, if it is one (compared as bytes).
fn quote_mark(w: &[u8]) -> Option<QuoteMark> {
    // One byte rules out almost every word.
    if !w.first().is_some_and(|b| QUOTE_FIRST_BYTES.contains(b)) {
        return None;
    }
    const OPEN: [&[u8]; 3] = ["\u{201c}".as_bytes(), "\u{201e}".as_bytes(), "\u{ab}".as_bytes()];
    const CLOSE: [&[u8]; 2] = ["\u{201d}".as_bytes(), "\u{bb}".as_bytes()];
    if w == b"\"" {
        Some(QuoteMark::Straight)
    } else if OPEN.contains(&w) {
        Some(QuoteMark::Open)
    } else if CLOSE.contains(&w) {
        Some(QuoteMark::Close)
    } else {
        None
    }
}

/// Records in `at[i]` the shortest phrase of each category that starts
/// with `w`, the cue word of token `i` of the sentence `tokens`; returns
/// the bits of the categories found (see [`SentenceCues::present`]).
fn fill_cues_at(at: &mut [[u8; 4]], i: usize, w: &str, text: &str, tokens: &[Token]) -> u8 {
    let Some(phrases) = CUES.phrases(w) else { return 0 };
    fill_phrases_at(at, i, phrases, text, tokens)
}

/// [`fill_cues_at`] with the phrases of token `i`'s cue word found.
fn fill_phrases_at(
    at: &mut [[u8; 4]],
    i: usize,
    phrases: &CuePhrases,
    text: &str,
    tokens: &[Token],
) -> u8 {
    let bytes = text.as_bytes();
    let mut found = 0;
    for (cue, parts) in phrases {
        // The words after the first are never the sentence's first. A
        // word with the bytes of the phrase's (ASCII) word is its own cue
        // word; one without can only become it if it is not ASCII.
        let fits = tokens.get(i + 1..i + parts.len()).is_some_and(|ts| {
            ts.iter().zip(&parts[1..]).all(|(t, p)| {
                let raw = &bytes[t.span.start..t.span.end];
                raw == p.as_bytes() || (!raw.is_ascii() && cue_word(t.as_str(text), false) == *p)
            })
        });
        let slot = &mut at[i][*cue as usize];
        if fits && (*slot == 0 || usize::from(*slot & !OBJECT_FLAG) > parts.len()) {
            let next = tokens.get(i + 1).map(|t| &bytes[t.span.start..t.span.end]);
            *slot = slot_value(*cue, parts, next);
            found |= 1 << *cue as u8;
        }
    }
    found
}

/// [`fill_cues_at`] for the sentence's first word `w`, which is lowered
/// (see [`cue_word`]). An ASCII word (nearly all) is lowered on the stack,
/// and only when a phrase may start with it: most first words are
/// capitalised, and lowering them would cost a `String` each.
fn fill_first_cues(at: &mut [[u8; 4]], w: &str, text: &str, tokens: &[Token]) -> u8 {
    /// Longer than any phrase's first word.
    const LONGEST: usize = 32;
    if !w.is_ascii() || w.len() > LONGEST {
        return fill_cues_at(at, 0, &cue_word(w, true), text, tokens);
    }
    let first = w.as_bytes().first().copied().unwrap_or(0).to_ascii_lowercase();
    if CUES.first_bytes[usize::from(first)] & length_bit(w.len()) == 0 {
        return 0;
    }
    let mut lowered = [0u8; LONGEST];
    let lowered = &mut lowered[..w.len()];
    lowered.copy_from_slice(w.as_bytes());
    lowered.make_ascii_lowercase();
    let lowered = std::str::from_utf8(lowered).expect("ASCII stays ASCII");
    fill_cues_at(at, 0, lowered, text, tokens)
}

impl SentenceCues {
    /// Prepares the cues of a sentence of `tokens`, reusing the buffers of
    /// the sentence before. Only a word that may start a cue phrase is made
    /// its cue word (see [`cue_word`]): clause starts and quotation marks
    /// read the same either way (none holds an apostrophe or a capital).
    /// Clauses and quotations only matter to a cue: they are read when a
    /// match needs them (see [`SentenceCues::modality`]).
    fn fill(&mut self, text: &str, tokens: &[Token]) {
        let cues = &*CUES;
        let at = &mut self.at;
        at.clear();
        at.resize(tokens.len(), [0u8; 4]);
        self.quotes_read = false;
        let Some(first) = tokens.first() else {
            self.present = 0;
            return;
        };
        let mut present = fill_first_cues(at, first.as_str(text), text, tokens);
        // Compared as bytes: slicing `text` checks char boundaries.
        let bytes = text.as_bytes();
        let quote_first = bytes
            .get(first.span.start)
            .is_some_and(|&b| cues.raw_first_bytes[usize::from(b)] & QUOTE_FIRST != 0);
        let mut seen = 0;
        for (i, t) in tokens.iter().enumerate().skip(1) {
            // The filter reads the first byte and the length alone, and only
            // a word it passes is sliced (an empty token, were there one,
            // would find no phrase).
            let (start, len) = (t.span.start, t.span.end.wrapping_sub(t.span.start));
            let first = bytes.get(start).copied().unwrap_or(0);
            let bits = cues.raw_first_bytes[usize::from(first)];
            seen |= bits;
            if bits & length_bit(len) == 0 {
                continue;
            }
            let raw = &bytes[t.span.start..t.span.end];
            // An ASCII word is its own cue word (see `cue_word`): it is
            // looked up here, and only a first word found costs a call.
            // Other words go the general way. A word of up to 8 bytes (most
            // that pass) is packed once, which both tells it is ASCII and is
            // the table's key, rather than scanned by `is_ascii` and packed
            // again by the lookup.
            let packed = (raw.len() <= 8).then(|| crate::hash::pack(raw));
            let phrases = match packed {
                Some(w) if w & HIGH == 0 => Some(cues.phrases_of_packed(w, raw.len())),
                Some(_) => None,
                None => raw.is_ascii().then(|| cues.phrases_of_bytes(raw)),
            };
            present |= match phrases {
                Some(Some(phrases)) => fill_phrases_at(at, i, phrases, text, tokens),
                Some(None) => 0,
                None => fill_cues_at(at, i, &cue_word(t.as_str(text), false), text, tokens),
            };
        }
        self.present = present;
        self.quoted = quote_first || seen & QUOTE_FIRST != 0;
    }

    /// The quotations of the sentence `tokens` (see [`SentenceCues::quote`]),
    /// read once per sentence, when a cue first needs them.
    fn read_quotes(&mut self, text: &str, tokens: &[Token]) {
        if self.quotes_read {
            return;
        }
        self.quotes_read = true;
        let n = tokens.len();
        // Quotations: a closing mark with no opening one closes a quotation
        // that began before the sentence; an opening one never closed runs
        // to the sentence's end.
        let quotes = &mut self.quotes;
        quotes.clear();
        let mut open: Option<usize> = None;
        // Compared as bytes: slicing `text` checks char boundaries.
        let bytes = text.as_bytes();
        for (i, t) in tokens.iter().enumerate() {
            let raw = &bytes[t.span.start..t.span.end];
            let Some(mark) = quote_mark(raw) else { continue };
            if mark.closes(i > 0 && !t.space_before()) {
                quotes.push(open.take().unwrap_or(0)..i + 1);
            } else {
                open = Some(i);
            }
        }
        if let Some(o) = open {
            quotes.push(o..n);
        }
        self.number_quotes(n);
    }

    /// `quote[i]`: the number (from 1) of the quotation holding word `i`
    /// of `n`, from `quotes`; 0 outside quotations.
    fn number_quotes(&mut self, n: usize) {
        let quote = &mut self.quote;
        quote.clear();
        quote.resize(n, 0);
        for (k, q) in self.quotes.iter().enumerate() {
            if let Some(xs) = quote.get_mut(q.clone()) {
                xs.fill(k as u32 + 1);
            }
        }
    }

    /// [`SentenceCues::fill`] from the cue words of every token (from
    /// [`cue_words`]): the general path the fast one is tested against.
    #[cfg(test)]
    fn fill_from_words(&mut self, words: &[Cow<'_, str>], tokens: &[Token]) {
        let at = &mut self.at;
        at.clear();
        at.resize(words.len(), [0u8; 4]);
        self.present = 0;
        for (i, w) in words.iter().enumerate() {
            for (cue, parts) in &phrases_by_definition(w) {
                let fits = words
                    .get(i..i + parts.len())
                    .is_some_and(|ws| ws.iter().zip(parts).all(|(a, b)| a == b));
                let slot = &mut at[i][*cue as usize];
                if fits && (*slot == 0 || usize::from(*slot & !OBJECT_FLAG) > parts.len()) {
                    let next = words.get(i + 1).map(|w| w.as_bytes());
                    *slot = slot_value(*cue, parts, next);
                    self.present |= 1 << *cue as u8;
                }
            }
        }
        let clause = &mut self.clause;
        clause.clear();
        let mut start = 0u32;
        for (i, w) in words.iter().enumerate() {
            if i > 0 && (w == ";" || (words[i - 1] == "," && CLAUSE_STARTS.contains(&&**w))) {
                start = i as u32;
            }
            clause.push(start);
        }
        let quotes = &mut self.quotes;
        quotes.clear();
        let mut open: Option<usize> = None;
        for (i, w) in words.iter().enumerate() {
            let Some(mark) = quote_mark(w.as_bytes()) else { continue };
            if mark.closes(i > 0 && tokens.get(i).is_some_and(|t| !t.space_before())) {
                quotes.push(open.take().unwrap_or(0)..i + 1);
            } else {
                open = Some(i);
            }
        }
        if let Some(o) = open {
            quotes.push(o..words.len());
        }
        self.number_quotes(words.len());
        self.quotes_read = true;
        self.quoted = true;
    }

    /// [`SentenceCues::modality`] on the clauses of
    /// [`SentenceCues::fill_from_words`] (which read the quotations too).
    #[cfg(test)]
    fn modality_from_words(&mut self, match_start: usize, match_end: usize) -> Modality {
        let Some(m) = self.cued_match(match_start, match_end) else { return Modality::Asserted };
        let clause = match m.start {
            0 => 0,
            s => self.clause[s - 1] as usize,
        };
        self.modality_in(clause, m, "", &[])
    }

    /// Whether a phrase of `cue` lies wholly inside words `from..end`,
    /// outside any quotation that does not overlap the match `m`. The
    /// quotations of the sentence `tokens` are read at the first phrase
    /// found.
    fn has(
        &mut self,
        cue: Cue,
        (from, end): (usize, usize),
        m: &Range<usize>,
        text: &str,
        tokens: &[Token],
    ) -> bool {
        if self.present & (1 << cue as u8) == 0 {
            return false;
        }
        for i in from..end {
            let slot = self.at[i][cue as usize];
            let len = usize::from(slot & !OBJECT_FLAG);
            // "reported" with an object says nothing of a match before it.
            let before_it = slot & OBJECT_FLAG != 0 && m.end <= i;
            if len > 0 && i + len <= end && !before_it {
                if !self.quoted {
                    return true;
                }
                self.read_quotes(text, tokens);
                if self.counts_for(i, m) {
                    return true;
                }
            }
        }
        false
    }

    /// Whether a cue at word `i` reaches the match `m`: it is outside
    /// quotations, or in one that overlaps the match.
    fn counts_for(&self, i: usize, m: &Range<usize>) -> bool {
        match self.quote[i] {
            0 => true,
            k => {
                let q = &self.quotes[k as usize - 1];
                q.start < m.end && m.start < q.end
            }
        }
    }

    /// The modality of a match over words `match_start..match_end` of the
    /// sentence `tokens` (of `text`) that [`SentenceCues::fill`] read.
    /// With `match_cues`, cues count from the match's own first word
    /// rather than from its clause's.
    fn modality(
        &mut self,
        text: &str,
        tokens: &[Token],
        match_start: usize,
        match_end: usize,
        match_cues: bool,
    ) -> Modality {
        let Some(m) = self.cued_match(match_start, match_end) else { return Modality::Asserted };
        // The clause the match starts in (a clause break at the match's
        // first word does not count).
        let clause = match m.start {
            0 => 0,
            s if match_cues => s,
            s => clause_start(text, tokens, s - 1),
        };
        self.modality_in(clause, m, text, tokens)
    }

    /// The words `match_start..match_end` of a match, clipped to the
    /// sentence, when the sentence holds a cue; `None` without one (the
    /// match is asserted, and clauses and quotations need not be read).
    fn cued_match(&self, match_start: usize, match_end: usize) -> Option<Range<usize>> {
        if self.present == 0 {
            return None;
        }
        let end = match_end.min(self.at.len());
        Some(match_start.min(end)..end)
    }

    /// [`SentenceCues::modality`] of the match `m` (its end clipped to the
    /// sentence), in the clause starting at word `clause`.
    fn modality_in(
        &mut self,
        clause: usize,
        m: Range<usize>,
        text: &str,
        tokens: &[Token],
    ) -> Modality {
        let (n, end) = (self.at.len(), m.end);
        if self.has(Cue::Negated, (clause, end), &m, text, tokens) {
            Modality::Negated
        } else if self.has(Cue::Speculated, (clause, end), &m, text, tokens) {
            Modality::Speculated
        } else if self.has(Cue::Reported, (0, n), &m, text, tokens) {
            Modality::Reported
        } else if self.has(Cue::Planned, (clause, end), &m, text, tokens) {
            Modality::Planned
        } else {
            Modality::Asserted
        }
    }
}

/// Where the clause holding word `i` of the sentence `tokens` starts: at
/// the last word up to `i`, not the first, that is a semicolon or one of
/// [`CLAUSE_STARTS`] right after a comma; else at 0. Found by walking back
/// from `i`, for the one match that asks, rather than for every word of
/// the sentence.
fn clause_start(text: &str, tokens: &[Token], i: usize) -> usize {
    // Compared as bytes: slicing `text` checks char boundaries.
    let bytes = text.as_bytes();
    let raw = |t: &Token| &bytes[t.span.start..t.span.end];
    // The clause starts are 1 to 8 bytes long: a longer word is not read.
    let short = |t: &Token| t.span.end.wrapping_sub(t.span.start).wrapping_sub(1) < 8;
    (1..=i.min(tokens.len().saturating_sub(1)))
        .rev()
        .find(|&j| {
            let t = &tokens[j];
            short(t) && {
                let w = raw(t);
                w == b";" || (is_clause_start(w) && raw(&tokens[j - 1]) == b",")
            }
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;
    use crate::tokenize::Tokenizer;

    fn modality(s: &str) -> Modality {
        let tokens = Tokenizer::new().tokenize(s);
        // The match is taken to be the last five tokens.
        cue_modality(s, &tokens, tokens.len().saturating_sub(5), tokens.len())
    }

    #[test]
    fn cues() {
        assert_eq!(modality("India bought Rafales"), Modality::Asserted);
        assert_eq!(modality("India will buy Rafales"), Modality::Planned);
        assert_eq!(modality("India reportedly bought Rafales"), Modality::Speculated);
        assert_eq!(modality("India bought Rafales, according to Reuters"), Modality::Reported);
        assert_eq!(modality("India has no plans to buy Rafales"), Modality::Negated);
        assert_eq!(modality("India denied it would buy Rafales"), Modality::Negated);
        assert_eq!(modality("India won\u{2019}t buy Rafales"), Modality::Negated);
        assert_eq!(
            modality("There is speculation that India may buy Rafales, reports say"),
            Modality::Speculated
        );
        // The weaker claim wins: negated over speculated over reported.
        assert_eq!(modality("India may not buy Rafales, according to AFP"), Modality::Negated);
        assert_eq!(
            modality("India is in talks to buy Rafales, according to AFP"),
            Modality::Speculated
        );
        // "May" the month is no cue; a sentence-initial cue still counts.
        assert_eq!(modality("In May, India bought Rafales from France"), Modality::Asserted);
        assert_eq!(modality("Reportedly, India bought Rafales from France"), Modality::Speculated);
        // A cue in an earlier clause does not reach a later one.
        assert_eq!(
            modality("Germany has no plans to sell tanks, while Poland bought Korean K2 tanks"),
            Modality::Asserted
        );
    }

    /// The modality of the match over the first `n` tokens of `s`.
    fn modality_of_first(s: &str, n: usize) -> Modality {
        let tokens = Tokenizer::new().tokenize(s);
        cue_modality(s, &tokens, 0, n)
    }

    #[test]
    fn a_report_with_an_object_covers_only_what_follows_it() {
        // "Saab, the Swedish defence group" before a report of profits.
        let s = "Saab, the Swedish defence group, reported higher profits";
        assert_eq!(modality_of_first(s, 6), Modality::Asserted);
        // What follows the report is reported.
        assert_eq!(modality("Kongsberg reported record orders from Poland"), Modality::Reported);
        // A report closing the sentence, or followed by a clause, an
        // agent, a time or a capitalised subject, covers what comes before.
        for s in [
            "India bought Rafales, Reuters reported",
            "India bought Rafales, Reuters reported on Monday",
            "India bought Rafales, as reported by AFP",
            "India bought Rafales, the paper reported earlier",
        ] {
            assert_eq!(modality_of_first(s, 3), Modality::Reported, "{s}");
        }
        assert_eq!(modality("Reuters reported India bought Rafales"), Modality::Reported);
        assert_eq!(modality("Reuters reported the sale of Rafales to India"), Modality::Reported);
    }

    #[test]
    fn cues_in_other_quotations() {
        // A quotation before the match, straight or curly, or begun in an
        // earlier sentence.
        assert_eq!(
            modality("\"We will not wait,\" said Asha Rao, analyst at ORF"),
            Modality::Asserted
        );
        assert_eq!(
            modality("\u{201c}It may never come,\u{201d} said Asha Rao, analyst at ORF"),
            Modality::Asserted
        );
        assert_eq!(modality("will not wait,\" said Asha Rao, analyst at ORF"), Modality::Asserted);
        // The match inside the quotation, or a cue outside any.
        assert_eq!(modality("He said: \"India will not buy Rafales\""), Modality::Negated);
        assert_eq!(
            modality("\"Soon,\" he said, but India will not buy Rafales"),
            Modality::Negated
        );
        // A quotation never closed runs to the end of the sentence.
        assert_eq!(modality("He said \"India may buy Rafales"), Modality::Speculated);
    }

    #[test]
    fn cue_table_agrees_with_the_lists() {
        // Every word of every phrase, as written and altered, and words
        // that share a first byte and length with a first word.
        let mut words: Vec<String> = Vec::new();
        for p in NEGATED.iter().chain(SPECULATED).chain(REPORTED).chain(PLANNED) {
            for w in p.split(' ') {
                words.push(w.to_owned());
                words.push(w.to_uppercase());
                words.push(w[..w.len() - 1].to_owned());
                words.push(format!("{w}s"));
                let mut last = w.as_bytes().to_vec();
                *last.last_mut().unwrap() ^= 1;
                words.push(String::from_utf8(last).unwrap());
            }
        }
        words
            .extend(["", "and", "the", "with", "said", "wil", "\u{2019}ll", "é"].map(String::from));
        let mut found = 0;
        for w in &words {
            let fast: Vec<_> =
                CUES.phrases(w).into_iter().flatten().map(|(c, p)| (*c as u8, p)).collect();
            let general = phrases_by_definition(w);
            let general: Vec<_> = general.iter().map(|(c, p)| (*c as u8, p)).collect();
            assert_eq!(fast, general, "{w:?}");
            found += usize::from(!fast.is_empty());
        }
        assert!(found > 60);
    }

    #[test]
    fn dedup_few_agrees_with_dedup_hashed() {
        // Random lists of relations with few labels, heads and tails, so
        // that repeats are common; labels equal in text but not in pointer.
        let labels: Vec<Arc<str>> = ["ACQUIRES", "ACQUIRES", "SUPPLIES", "OPERATES"]
            .iter()
            .map(|&l| Arc::from(l))
            .collect();
        let mut rng = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15);
        let mut next = |n: u64| (rng() % n) as usize;
        let key = |v: &[Relation]| -> Vec<(String, usize, usize, usize)> {
            v.iter().map(|r| (r.label.to_string(), r.head, r.tail, r.evidence.start)).collect()
        };
        let mut repeats = 0;
        for _ in 0..3000 {
            let n = next(FEW_RELATIONS as u64 + 1);
            let relations: Vec<Relation> = (0..n)
                .map(|k| Relation {
                    label: labels[next(4)].clone(),
                    head: next(3),
                    tail: next(3),
                    modality: Modality::Asserted,
                    attributes: BTreeMap::new(),
                    // Tells apart relations of one key.
                    evidence: Span::new(k, k + 1),
                    rule: Arc::from("r"),
                    sentence: Span::new(0, 1),
                    captures: RelationCaptures::none(),
                })
                .collect();
            let (mut few, mut hashed) = (relations.clone(), relations);
            dedup_few(&mut few);
            dedup_hashed(&mut hashed);
            assert_eq!(key(&few), key(&hashed));
            repeats += n - few.len();
        }
        assert!(repeats > 1000);
    }

    #[test]
    fn kept_conjuncts_agree_with_finding_them_again() {
        // Texts of names, conjunctions and lower-case words, the names one
        // token entities of two labels, and runs of captures in which one
        // often comes again (or shares a start or an end with the last):
        // the conjuncts kept are those found anew.
        let words = [",", "and", "or", "the", "new", "big", "India", "France", "Su-35", "x"];
        let mut rng = crate::testing::xorshift(0xda94_2042_e4dd_58b5);
        let mut next = |n: usize| (rng() % n as u64) as usize;
        let tokenizer = Tokenizer::new();
        let (mut kept, mut lists) = (Conjuncts::default(), 0);
        let (mut fresh, mut more) = (Vec::new(), Vec::new());
        for _ in 0..2000 {
            let n = 1 + next(16);
            let text = crate::testing::random_text(&words, n, &mut next);
            let tokens = tokenizer.tokenize(&text);
            let mut entities = Vec::new();
            let mut owner = vec![None; tokens.len()];
            for (i, t) in tokens.iter().enumerate() {
                if t.as_str(&text).starts_with(char::is_uppercase) {
                    owner[i] = Some(entities.len());
                    let label = ["WEAPON_SYSTEM", "LOCATION"][next(2)];
                    entities.push(Entity::from_rule(
                        t.span,
                        i..i + 1,
                        Arc::from(label),
                        Arc::from(t.as_str(&text)),
                        Arc::from("r"),
                    ));
                }
            }
            kept.forget();
            let mut range = 0..1;
            for _ in 0..8 {
                match next(4) {
                    0 => {}
                    1 => range.end = (range.start + 1 + next(3)).min(tokens.len()),
                    2 => range.start = next(tokens.len()).min(range.end - 1),
                    _ => {
                        range.start = next(tokens.len());
                        range.end = range.start + 1;
                    }
                }
                let got = kept.of(&text, &tokens, &entities, &owner, range.clone(), &mut more);
                conjuncts(&text, &tokens, &entities, &owner, range.clone(), &mut fresh, &mut more);
                assert_eq!(got, fresh, "{text:?} {range:?}");
                lists += usize::from(fresh.len() > 1);
            }
        }
        assert!(lists > 1000, "{lists}");
    }

    #[test]
    fn quick_checks_agree_with_the_conjunct_walk() {
        // Runs of conjunctions, articles, lower-case and capitalised words,
        // some owned by entities: the quick checks never answer what the
        // walk would not, both ways, from every token.
        let words = [
            ",", "and", "or", "&", "as", "well", "the", "a", "an", "new", "big", "India", "France",
            "Su-35", "x", "’s", "AND",
        ];
        let mut rng = crate::testing::xorshift(0x853c_49e6_748f_ea9b);
        let mut next = |n: usize| (rng() % n as u64) as usize;
        let tokenizer = Tokenizer::new();
        let (mut found, mut walked) = (0, 0);
        for _ in 0..3000 {
            let n = 1 + next(12);
            let text = crate::testing::random_text(&words, n, &mut next);
            let tokens = tokenizer.tokenize(&text);
            let owner: Vec<Option<usize>> =
                (0..tokens.len()).map(|i| (next(3) == 0).then_some(i)).collect();
            for at in 0..=tokens.len() {
                for forward in [true, false] {
                    let quick = next_conjunct(&text, &tokens, &owner, at, forward);
                    let walk = conjunct_walk(&text, &tokens, &owner, at, forward);
                    assert_eq!(quick, walk, "{text:?} at {at}, forward {forward}");
                    found += usize::from(quick.is_some());
                    walked += 1;
                }
            }
        }
        assert!(found > 1000 && found < walked / 2, "{found} of {walked}");
    }

    #[test]
    fn all_lowercase_agrees_with_chars() {
        for w in [
            "",
            "and",
            "rocket",
            "Rocket",
            "rOcket",
            "a1",
            "-",
            "é",
            "école",
            "École",
            "naïve",
            "NAÏVE",
            "ß",
            "a",
            "z",
            "`",
            "{",
            "@",
            "[",
            "a{",
            "`a",
            "abcdefgh",
            "abcdefgH",
            "Abcdefgh",
            "abcdefghi",
            "abcdefghI",
            "abc`efgh",
            "abc{",
            "ab\u{0}c",
            "abcdéfg",
            "abcdefgé",
            "a b",
            "ab.",
            "x\u{7f}",
        ] {
            assert_eq!(all_lowercase(w), w.chars().all(char::is_lowercase), "{w:?}");
        }
        // Words of up to ten letters with any ASCII byte at any place.
        for len in 0..=10 {
            for at in 0..len {
                for b in 0u8..0x80 {
                    let mut w = vec![b'q'; len];
                    w[at] = b;
                    let w = String::from_utf8(w).expect("ASCII");
                    assert_eq!(all_lowercase(&w), w.chars().all(char::is_lowercase), "{w:?}");
                }
            }
        }
    }

    /// Asserts that the clause starts the fast path finds by walking back
    /// and the quotations it reads on demand are those `general` (made by
    /// `fill_from_words`) made for every word.
    fn assert_clauses_and_quotes_agree(
        fast: &mut SentenceCues,
        general: &SentenceCues,
        text: &str,
        tokens: &[Token],
    ) {
        let starts: Vec<u32> =
            (0..tokens.len()).map(|i| clause_start(text, tokens, i) as u32).collect();
        assert_eq!(starts, general.clause, "{text:?}");
        // A sentence not marked as quoted has no quotation.
        assert!(fast.quoted || general.quotes.is_empty(), "{text:?}");
        fast.read_quotes(text, tokens);
        assert_eq!(fast.quote, general.quote, "{text:?}");
        assert_eq!(fast.quotes, general.quotes, "{text:?}");
    }

    #[test]
    fn cues_from_tokens_agree_with_cues_from_words() {
        let text = "Reportedly, India won\u{2019}t buy Rafales; Will France sell them? \
            \u{2019}ll do, he said, but Poland may not. \u{201c}We WON\u{2019}T wait,\u{201d} \
            said Rao, while \"others n\u{2019}t\" plans to, according to AFP. Is said to be \
            in talks, and won't. Won\u{2019}t. Ruled out. DENIED it, yet no longer \
            interested in it \u{ab}never\u{bb} \" the end. The end. Tal\u{212a}s to Paris. \
            TALKS TO Paris. ACCORDING to Paris. Rafales arrived. Not so. \
            Supercalifragilisticexpialidocious-and-longer-still word.";
        let tokenizer = Tokenizer::new();
        let tokens = tokenizer.tokenize(text);
        let sentences = tokenizer.sentences(text, &tokens);
        assert!(sentences.len() > 4);
        let (mut fast, mut general) = (SentenceCues::default(), SentenceCues::default());
        let mut words = Vec::new();
        let (mut found, mut with_cues) = (0, 0);
        // Every sentence, and every stretch of tokens (the first word of a
        // stretch is lowered as a sentence's is).
        let ranges = sentences.iter().map(|s| s.tokens.clone());
        let ranges = ranges.chain((0..tokens.len()).map(|i| i..tokens.len()));
        for r in ranges {
            let ts = &tokens[r];
            fast.fill(text, ts);
            cue_words(text, ts, &mut words);
            general.fill_from_words(&words, ts);
            assert_eq!(fast.at, general.at);
            assert_eq!(fast.present, general.present);
            // Clauses and quotations are read only in a sentence with a cue.
            if fast.present != 0 {
                assert_clauses_and_quotes_agree(&mut fast, &general, text, ts);
                with_cues += 1;
            }
            for start in 0..ts.len() {
                for end in start + 1..=ts.len() {
                    assert_eq!(
                        fast.modality(text, ts, start, end, false),
                        general.modality_from_words(start, end)
                    );
                }
            }
            found += fast.at.iter().filter(|a| a.iter().any(|&x| x > 0)).count();
        }
        // The text holds cues, typographic apostrophes among them, and
        // sentences without any.
        assert!(found > 20);
        assert!(with_cues > 4 && with_cues < sentences.len() + tokens.len());
        let mut first = |s: &str| {
            let ts = tokenizer.tokenize(s);
            fast.fill(s, &ts);
            fast.at[0]
        };
        assert_eq!(first("Won\u{2019}t buy")[Cue::Negated as usize], 1);
    }

    /// `next_conjunct` forward as written before its look-ahead for a
    /// joining word: the oracle of the test below (backward, the oracle is
    /// `conjunct_walk` itself, without the quick check).
    fn next_conjunct_walk(
        text: &str,
        tokens: &[Token],
        owner: &[Option<usize>],
        at: usize,
    ) -> Option<(usize, bool)> {
        let word = |i: usize| tokens[i].as_str(text).as_bytes();
        let lower_word = |i: usize| {
            tokens[i].kind == TokenKind::Word
                && owner[i].is_none()
                && tokens[i].as_str(text).chars().all(char::is_lowercase)
        };
        let is_conj = |i: usize| matches!(word(i), b"," | b"and" | b"or" | b"&");
        let mut i = at;
        let mut skipped = 0;
        while i < tokens.len() && skipped < 3 && lower_word(i) && !is_conj(i) {
            i += 1;
            skipped += 1;
        }
        let mut conj = 0;
        let mut word_conj = false;
        while i < tokens.len() && (is_conj(i) || matches!(word(i), b"as" | b"well")) && conj < 3 {
            word_conj |= word(i) != b",";
            i += 1;
            conj += 1;
        }
        if conj == 0 {
            return None;
        }
        while i < tokens.len() && matches!(word(i), b"the" | b"a" | b"an") {
            i += 1;
        }
        owner.get(i).copied().flatten().map(|k| (k, word_conj))
    }

    #[test]
    fn capture_entities_agree_with_the_general_scan() {
        // Random non-overlapping entities over random numbers of tokens
        // (some touching, some one token long), owners as linking leaves
        // them: every token range finds the entities the scan does.
        let mut rng = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15);
        let mut next = |n: usize| (rng() % n as u64) as usize;
        let (mut one, mut other) = (0, 0);
        let (mut fast, mut general, mut owner) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..500 {
            let n = 1 + next(14);
            let mut entities = Vec::new();
            let mut at = next(3);
            while at < n {
                let end = (at + 1 + next(3)).min(n);
                let span = crate::span::Span::new(at, end);
                let label: std::sync::Arc<str> = std::sync::Arc::from("X");
                entities.push(Entity::from_rule(
                    span,
                    at..end,
                    label.clone(),
                    label.clone(),
                    label,
                ));
                at = end + next(3);
            }
            crate::linking::coverage_into(n, &entities, &mut owner);
            for start in 0..n {
                for end in start..=n {
                    capture_entities(&entities, &owner, start..end, &mut fast);
                    general.clear();
                    entities_inside(&entities, &owner, start..end, &mut general);
                    assert_eq!(fast, general, "round {round}: {start}..{end}");
                    let exact = entities.iter().any(|e| e.tokens == (start..end));
                    *(if exact { &mut one } else { &mut other }) += 1;
                }
            }
        }
        assert!(one > 1000 && other > 10000, "{one} {other}");
    }

    #[test]
    fn next_conjunct_agrees_with_the_plain_walk() {
        // Random texts of joining words, articles, lower-case words (some
        // owned by an entity), names and punctuation: from every token,
        // the look-ahead (and the look-back) never changes what the walk
        // finds.
        let vocab = [
            "and",
            "or",
            ",",
            "&",
            "as",
            "well",
            "the",
            "a",
            "an",
            "said",
            "new",
            "tanks",
            "rocket",
            "launchers",
            "Poland",
            "India",
            "F-16",
            "über",
            "école",
            ".",
            "Rafale",
            "And",
            "AS",
        ];
        let mut rng = crate::testing::xorshift(0x51_7cc1_b727_220a);
        let mut next = |n: usize| (rng() % n as u64) as usize;
        let tokenizer = Tokenizer::new();
        let (mut found, mut none) = (0, 0);
        for _ in 0..3000 {
            let n = 1 + next(12);
            let words: Vec<&str> = (0..n).map(|_| vocab[next(vocab.len())]).collect();
            let text = words.join(" ");
            let tokens = tokenizer.tokenize(&text);
            let owner: Vec<Option<usize>> =
                (0..tokens.len()).map(|_| (next(3) == 0).then(|| next(4))).collect();
            for at in 0..=tokens.len() {
                let fast = next_conjunct(&text, &tokens, &owner, at, true);
                assert_eq!(
                    fast,
                    next_conjunct_walk(&text, &tokens, &owner, at),
                    "{text:?} at {at}"
                );
                let back = next_conjunct(&text, &tokens, &owner, at, false);
                assert_eq!(
                    back,
                    conjunct_walk(&text, &tokens, &owner, at, false),
                    "{text:?} back from {at}"
                );
                for f in [fast, back] {
                    match f {
                        Some(_) => found += 1,
                        None => none += 1,
                    }
                }
            }
        }
        assert!(found > 2000 && none > 2000, "{found} {none}");
    }

    #[test]
    fn cues_of_random_sentences_agree_with_cues_from_words() {
        // Sentences of cue words, words of cue phrases and others, in any
        // case, with typographic apostrophes, quotation marks, commas and
        // clause starts: the table's lookups and the byte comparisons give
        // what the cue words do.
        let mut vocab: Vec<String> = Vec::new();
        for p in NEGATED.iter().chain(SPECULATED).chain(REPORTED).chain(PLANNED) {
            for w in p.split(' ') {
                vocab.push(w.to_owned());
                vocab.push(w.to_uppercase());
                vocab.push(w.replace('\'', "\u{2019}"));
            }
        }
        vocab.extend(
            [
                ",",
                ";",
                "while",
                "but",
                "yet",
                "\"",
                "\u{201c}",
                "\u{201d}",
                "\u{ab}",
                "\u{bb}",
                "India",
                "Rafales",
                "May",
                "Will",
                "willing",
                "interest",
                "to",
                "is",
                "in",
                "Négociations",
                "été",
            ]
            .map(String::from),
        );
        let mut rng = crate::testing::xorshift(0x2d35_8dcc_aa6c_78a5);
        let mut next = |n: usize| (rng() % n as u64) as usize;
        let tokenizer = Tokenizer::new();
        let (mut fast, mut general) = (SentenceCues::default(), SentenceCues::default());
        let mut with_cues = 0;
        for _ in 0..2000 {
            let mut words = Vec::new();
            let n = 1 + next(14);
            let ws: Vec<&str> = (0..n).map(|_| vocab[next(vocab.len())].as_str()).collect();
            let text = ws.join(" ");
            let tokens = tokenizer.tokenize(&text);
            fast.fill(&text, &tokens);
            cue_words(&text, &tokens, &mut words);
            general.fill_from_words(&words, &tokens);
            assert_eq!(fast.at, general.at, "{text:?}");
            assert_eq!(fast.present, general.present, "{text:?}");
            if fast.present != 0 {
                assert_clauses_and_quotes_agree(&mut fast, &general, &text, &tokens);
                with_cues += 1;
            }
            let (start, end) = (next(n + 1), next(n + 2));
            assert_eq!(
                fast.modality(&text, &tokens, start, end, false),
                general.modality_from_words(start, end),
                "{text:?} {start}..{end}"
            );
        }
        assert!(with_cues > 500 && with_cues < 2000);
    }
}
