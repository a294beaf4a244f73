//! The embedded default rules and lexicons, and running rules as pipeline
//! stages: entity rules make candidate entities; relation rules (see
//! `relations`) read relations between the entities kept.

use crate::document::Entity;
use crate::error::Error;
use crate::gazetteer::Gazetteer;
use crate::patterns::{
    EntityRef, PatternMatch, RuleKind, RuleSet, RuleSetBuilder, Scratch, WordMap,
};
use crate::span::Span;
use crate::tokenize::{Sentence, Token};
use std::borrow::Cow;
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
    /// The entity rules' ids of the gazetteer's words (see
    /// [`Rules::read_gazetteer`]).
    gazetteer_words: Option<WordMap>,
}

impl Rules {
    /// Maps the words of `gazetteer`, the one these rules run after, to
    /// the rules' ids (see [`Rules::share_words`]).
    pub(crate) fn read_gazetteer(&mut self, gazetteer: &Gazetteer) {
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

    /// Compiles the default rules (when `defaults`) and the user's.
    pub(crate) fn build<'a>(
        defaults: bool,
        user: &[RuleSource],
        labels: impl IntoIterator<Item = &'a str>,
    ) -> Result<Rules, Error> {
        let mut b = RuleSetBuilder::new();
        supply_lexicons(&mut b);
        b.known_labels(labels);
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
        // The entity rules' vocabulary holds the relation rules' under the
        // same ids (and more): a document's word ids, looked up once in it,
        // serve both (see `Rules::share_words`). The entity rules' errors
        // come first, as they are reported.
        let relation = b.build_only(RuleKind::Relation);
        let entity = match &relation {
            Ok(r) => b.build_only_after(RuleKind::Entity, r),
            Err(_) => b.build_only(RuleKind::Entity),
        };
        Ok(Rules { entity: entity?, relation: relation?, gazetteer_words: None })
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
    out: &mut Vec<PatternMatch>,
) {
    if set.is_empty() {
        return;
    }
    let refs: Vec<EntityRef<'_>> = entities
        .iter()
        .map(|e| e.as_entity())
        .map(|e| EntityRef { tokens: e.tokens.clone(), label: &e.label })
        .collect();
    for s in sentences {
        if min_entities > 0 {
            let first = refs.partition_point(|e| e.tokens.start < s.tokens.start);
            let inside = refs[first..].iter().take_while(|e| e.tokens.start < s.tokens.end).count();
            if inside < min_entities {
                continue;
            }
        }
        set.find_in_sentence_with(text, tokens, s, &refs, scratch, out);
    }
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
    text: &str,
    tokens: &[Token],
    matches: &[PatternMatch],
    out: &mut Vec<crate::resolve::Candidate>,
) {
    out.reserve(matches.len());
    for m in matches {
        let rule = &set.rules()[m.rule];
        let range = match rule.capture() {
            Some(c) => match m.capture(c) {
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
        let canonical: Arc<str> = Arc::from(&*tokens_one_line(text, tokens, range.clone()));
        out.push(crate::resolve::Candidate::new(
            Entity::from_rule(span, range, label, canonical, name),
            crate::resolve::RULE_PRIORITY,
        ));
    }
}

/// [`one_line`] of the text of tokens `range`. Tokens hold no whitespace
/// (it is what separates them), so tokens joined by nothing or by one
/// plain space (most) are on one line already, which their offsets tell
/// without reading the text.
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
