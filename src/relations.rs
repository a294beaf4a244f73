//! The relation stage: relation rules matched over the kept entities, with
//! coordination, attributes, modality and evidence.
//!
//! - **Coordination.** A head or tail capture stands for every entity in it
//!   and for the entities coordinated with them: "for buyers including
//!   Bulgaria, Slovakia and Taiwan" or "Pinaka rocket launchers and Akash
//!   air defence systems" give one relation per conjunct. Conjuncts are
//!   entities of the same label joined by `,`, `and`, `or`, `as well as`,
//!   with at most three lower-case words (a class noun) after each.
//! - **Modality** comes from cue words in the sentence (see [`cue_modality`]):
//!   negation, speculation and plan cues count from the start of the
//!   match's clause to the end of the match, attribution cues anywhere in
//!   the sentence. The weaker claim wins.
//! - **Evidence** is the span the rule matched; the sentence and the
//!   captured tokens are kept for [`Extractor::explain`].
//!
//! [`Extractor::explain`]: crate::Extractor::explain

use crate::document::{Entity, Modality, Relation};
use crate::patterns::{Action, AttrValue, PatternMatch, RuleSet};
use crate::rules::{one_line, token_span};
use crate::span::Span;
use crate::tokenize::{Sentence, Token, TokenKind};
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

/// Builds the relations of the matches of relation rules.
pub(crate) fn relations_from(
    set: &RuleSet,
    text: &str,
    tokens: &[Token],
    sentences: &[Sentence],
    entities: &[Entity],
    matches: &[PatternMatch],
    out: &mut Vec<Relation>,
) {
    let owner = crate::linking::coverage(tokens.len(), entities);
    // The cue words of the sentence last seen: matches come sentence by
    // sentence, so each sentence is prepared once.
    let mut cached: Option<(usize, Vec<String>)> = None;
    for m in matches {
        let rule = &set.rules()[m.rule];
        let Action::Relation { head, tail, attributes } = rule.action() else { continue };
        let (Some(h), Some(t)) = (m.capture(head), m.capture(tail)) else { continue };
        let heads = conjuncts(text, tokens, entities, &owner, h);
        let tails = conjuncts(text, tokens, entities, &owner, t);
        if heads.is_empty() || tails.is_empty() {
            continue;
        }
        let sentence = sentences
            .iter()
            .find(|s| s.tokens.start <= m.tokens.start && m.tokens.start < s.tokens.end)
            .map_or(token_span(tokens, m.tokens.clone()), |s| s.span);
        let sentence_tokens = sentences
            .iter()
            .find(|s| s.tokens.start <= m.tokens.start && m.tokens.start < s.tokens.end)
            .map_or(m.tokens.clone(), |s| s.tokens.clone());
        let base = sentence_tokens.start;
        if cached.as_ref().is_none_or(|(b, _)| *b != base) {
            cached = Some((base, cue_words(text, &tokens[sentence_tokens.clone()])));
        }
        let words = cached.as_ref().map_or(&[][..], |(_, w)| w.as_slice());
        let modality = modality_of_words(words, m.tokens.start - base, m.tokens.end - base);
        let mut attrs = BTreeMap::new();
        for a in attributes {
            let value = match &a.value {
                AttrValue::Literal(v) => Some(v.clone()),
                AttrValue::Capture(c) => {
                    m.capture(c).map(|r| one_line(&text[token_span(tokens, r)]))
                }
            };
            if let Some(v) = value {
                attrs.insert(a.key.clone(), v);
            }
        }
        let label: Arc<str> = Arc::from(rule.label());
        let name: Arc<str> = Arc::from(rule.name());
        let captures: Vec<(Arc<str>, Span)> =
            m.captures().map(|(n, r)| (Arc::from(n), token_span(tokens, r))).collect();
        let evidence = token_span(tokens, m.tokens.clone());
        for &hd in &heads {
            for &tl in &tails {
                if hd == tl || entities[hd].canonical == entities[tl].canonical {
                    continue;
                }
                out.push(Relation {
                    label: label.clone(),
                    head: hd,
                    tail: tl,
                    modality,
                    attributes: attrs.clone(),
                    evidence,
                    rule: name.clone(),
                    sentence,
                    captures: captures.clone(),
                });
            }
        }
    }
}

/// Removes repeated relations (same label, head, tail), keeping the first.
pub(crate) fn dedup(relations: &mut Vec<Relation>) {
    let mut seen = std::collections::HashSet::new();
    relations.retain(|r| seen.insert((r.label.clone(), r.head, r.tail)));
}

/// The entities inside `range`, and those coordinated with them.
fn conjuncts(
    text: &str,
    tokens: &[Token],
    entities: &[Entity],
    owner: &[Option<usize>],
    range: Range<usize>,
) -> Vec<usize> {
    let mut found: Vec<usize> = Vec::new();
    for o in owner[range.clone()].iter().flatten() {
        let k = *o;
        let e = &entities[k];
        if e.tokens.start >= range.start && e.tokens.end <= range.end && !found.contains(&k) {
            found.push(k);
        }
    }
    if found.is_empty() {
        return found;
    }
    // Walk right from the last entity and left from the first.
    let label = entities[found[0]].label.clone();
    // A list counts only when a word conjunction joins it somewhere
    // ("A, B and C"); commas alone are appositions ("Greenville, South
    // Carolina").
    let mut more = Vec::new();
    let mut closed = false;
    let mut last = *found.last().expect("non-empty");
    while let Some((next, word_conj)) =
        next_conjunct(text, tokens, owner, entities[last].tokens.end, true)
    {
        if entities[next].label != label || found.contains(&next) || more.contains(&next) {
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
        found.append(&mut more);
    }
    more.clear();
    let mut first = found[0];
    while let Some((prev, word_conj)) =
        next_conjunct(text, tokens, owner, entities[first].tokens.start, false)
    {
        if entities[prev].label != label || found.contains(&prev) || more.contains(&prev) {
            break;
        }
        more.push(prev);
        first = prev;
        // Going left, the word conjunction is met first: "A, B and C".
        closed |= word_conj;
    }
    if closed || found.len() > 1 {
        found.append(&mut more);
    }
    found
}

/// The entity coordinated with the one ending (or starting) at token `at`,
/// and whether a word conjunction ("and", "or") joins them.
fn next_conjunct(
    text: &str,
    tokens: &[Token],
    owner: &[Option<usize>],
    at: usize,
    forward: bool,
) -> Option<(usize, bool)> {
    let word = |i: usize| tokens[i].as_str(text);
    let lower_word = |i: usize| {
        tokens[i].kind == TokenKind::Word
            && owner[i].is_none()
            && word(i).chars().all(|c| c.is_lowercase())
    };
    let is_conj = |i: usize| matches!(word(i), "," | "and" | "or" | "&");
    if forward {
        let mut i = at;
        let mut skipped = 0;
        while i < tokens.len() && skipped < 3 && lower_word(i) && !is_conj(i) {
            i += 1;
            skipped += 1;
        }
        let mut conj = 0;
        let mut word_conj = false;
        while i < tokens.len() && (is_conj(i) || matches!(word(i), "as" | "well")) && conj < 3 {
            word_conj |= word(i) != ",";
            i += 1;
            conj += 1;
        }
        if conj == 0 {
            return None;
        }
        while i < tokens.len() && matches!(word(i), "the" | "a" | "an") {
            i += 1;
        }
        owner.get(i).copied().flatten().map(|k| (k, word_conj))
    } else {
        let mut i = at;
        let mut conj = 0;
        let mut word_conj = false;
        while i > 0 && matches!(word(i - 1), "the" | "a" | "an") {
            i -= 1;
        }
        while i > 0 && is_conj(i - 1) && conj < 2 {
            word_conj |= word(i - 1) != ",";
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
    "scheduled to",
    "'ll",
    "would",
];

/// Words that start a new clause after a comma: cues before them do not
/// reach a relation after them ("Germany has no plans to sell X, while
/// Poland bought Y": Poland's purchase is not negated).
const CLAUSE_STARTS: &[&str] = &["while", "but", "whereas", "although", "though", "and", "yet"];

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
    modality_of_words(&cue_words(text, tokens), match_start, match_end)
}

/// The words of a sentence as cues are compared with them: only the
/// sentence's first word is lowered ("Reportedly, ..."), so that "May" the
/// month is not "may" the modal; typographic apostrophes are plain.
fn cue_words(text: &str, tokens: &[Token]) -> Vec<String> {
    tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let w = t.as_str(text).replace('\u{2019}', "'");
            if i == 0 {
                w.to_lowercase()
            } else {
                w
            }
        })
        .collect()
}

/// The cue lists, each phrase split into words once.
struct Cues {
    negated: Vec<Vec<&'static str>>,
    speculated: Vec<Vec<&'static str>>,
    reported: Vec<Vec<&'static str>>,
    planned: Vec<Vec<&'static str>>,
}

static CUES: std::sync::LazyLock<Cues> = std::sync::LazyLock::new(|| {
    let split = |list: &[&'static str]| list.iter().map(|c| c.split(' ').collect()).collect();
    Cues {
        negated: split(NEGATED),
        speculated: split(SPECULATED),
        reported: split(REPORTED),
        planned: split(PLANNED),
    }
});

fn modality_of_words(words: &[String], match_start: usize, match_end: usize) -> Modality {
    let end = match_end.min(words.len());
    let mut clause = 0;
    for i in (1..match_start.min(end)).rev() {
        let w = words[i].as_str();
        if w == ";" || (words[i - 1] == "," && CLAUSE_STARTS.contains(&w)) {
            clause = i;
            break;
        }
    }
    let before = &words[clause..end];
    let cues = &*CUES;
    let has =
        |list: &[Vec<&str>], within: &[String]| list.iter().any(|c| contains_phrase(within, c));
    if has(&cues.negated, before) {
        Modality::Negated
    } else if has(&cues.speculated, before) {
        Modality::Speculated
    } else if has(&cues.reported, words) {
        Modality::Reported
    } else if has(&cues.planned, before) {
        Modality::Planned
    } else {
        Modality::Asserted
    }
}

fn contains_phrase(words: &[String], parts: &[&str]) -> bool {
    words.windows(parts.len()).any(|w| w.iter().zip(parts).all(|(a, b)| a == b))
}

#[cfg(test)]
mod tests {
    use super::*;
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
}
