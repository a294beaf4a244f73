//! In-document linking: short mentions take the canonical name of the full
//! one ("Singh" -> "Rajnath Singh"), and acronyms defined in parentheses
//! ("U.S. Central Command (CENTCOM)") are linked and recorded as `ALIAS_OF`.
//!
//! - A person's full name (two or more name words) makes its first and its
//!   last word keys: "Xu" finds "Xu Qiliang" (surname first) and "Bregman"
//!   finds "Boris Bregman" (surname last), earlier or later in the text. A
//!   person named by one word ("Mr. Shoigu", "D. K. Sunil") makes it a key.
//!   A double-barrelled name is one word: "Kosiniak-Kamysz" finds
//!   "Władysław Kosiniak-Kamysz", and "Kamysz" alone finds nothing.
//!   A key shared by two different people ("Li" for "Li Shuyin" and "Li
//!   Qiang") links nothing: ambiguity is left alone rather than guessed.
//! - A full name written again where no rule found it ("Later, Emil Varga
//!   met ...", after "Emil Varga said") is linked whole, not by its last
//!   word: its words one after another from a key, none in an entity, and
//!   no capitalised word right after. "Li Wenhao" is found whole even when
//!   "Li" alone is ambiguous.
//! - A person mention whose name words are all in a longer one ("Charles
//!   Brown" and "Charles Q. Brown Jr.") takes the longer as canonical.
//! - `NAME (ACRONYM)` after an organisation, unit, place or weapon defines
//!   the acronym: it becomes an entity with the same label and canonical
//!   name, an `ALIAS_OF` relation joins the two, and every other mention of
//!   the acronym in the document takes that canonical name.
//! - An acronym never defined ("the SDF" where only "the Syrian Democratic
//!   Forces" is written) that spells the initials of exactly one named
//!   organisation, unit, place or weapon of three words or more is a
//!   mention of it (rule `acronym_initials`; no `ALIAS_OF`).
//! - A mention linked to an entity of the gazetteer takes its entry too
//!   (id and metadata): "Assad" after "Bashar al-Assad".
//! - Nothing else is forced: "the Lockheed Martin jet" stays as it is.

use crate::document::Entity;
use crate::hash::FastBuildHasher;
use crate::span::Span;
use crate::tokenize::{Token, TokenKind};
use std::collections::{HashMap, HashSet};

/// The maps of this stage use the crate's fast hasher (SipHash cost more
/// than the linking itself); none is iterated, so order does not matter.
type Map<K, V> = HashMap<K, V, FastBuildHasher>;
/// A set with the fast hasher (see [`Map`]).
type Set<T> = HashSet<T, FastBuildHasher>;
use std::ops::Range;
use std::sync::Arc;

/// An alias found by linking: (short form, full form, evidence).
pub(crate) type AliasLink = (Span, Span, Span);

const RULE_ACRONYM: &str = "acronym";
const RULE_INITIALS: &str = "acronym_initials";
const RULE_NAME: &str = "name_link";

/// Links the mentions of `entities` (sorted, not overlapping) in place,
/// adding entities for short mentions; returns the acronym definitions.
/// Leaves in `covered` the entity covering each token (see
/// [`coverage_into`]) for the entities as linked: the relation stage reads
/// it, and the buffer is reused from text to text. `capitals` are a set
/// of flags for each token, the flag of words in capitals and the flag of
/// tokens whose first character is a capital, when the caller has them
/// (the rules' shapes; empty when not): acronyms, initials and name keys
/// are looked for among the flagged tokens only. `capital_at` is the set
/// of the tokens with the capital flag, made when a scan first asks: the
/// caller's, so that the short-name pass after linking reads it too.
pub(crate) fn link(
    text: &str,
    tokens: &[Token],
    entities: &mut Vec<Entity>,
    covered: &mut Vec<Option<usize>>,
    capitals: (&[u16], u16, u16),
    capital_at: &mut CapitalSet<'_>,
) -> Vec<AliasLink> {
    link_with(text, tokens, entities, covered, capitals, capital_at, true)
}

/// [`link`]; without `shortcuts` (the general path, for tests), fuller
/// names are looked for even for a lone person, and keys are always kept
/// in a hash map.
fn link_with(
    text: &str,
    tokens: &[Token],
    entities: &mut Vec<Entity>,
    covered: &mut Vec<Option<usize>>,
    capitals: (&[u16], u16, u16),
    capital_at: &mut CapitalSet<'_>,
    shortcuts: bool,
) -> Vec<AliasLink> {
    let mut links = Vec::new();
    // Whether a mention was added or given another canonical name.
    let mut renamed = false;
    coverage_into(tokens.len(), entities, covered);
    // The tokens whose first character is a capital, by the flags (when
    // the caller has them), as a bit set: every acronym, initials and name
    // key starts with one (see the test
    // `every_token_starting_with_a_capital_has_the_flag`), and the scans
    // below read only those tokens rather than every token's bytes. On the
    // benchmark run making the set costs about 1 M instructions; the
    // name-key scan went from 4.35 M to 1.39 M and the acronyms' from
    // 1.65 M to 0.44 M.
    let (flags, upper, _) = capitals;
    let mut added: Vec<Entity> = Vec::new();

    // Acronyms defined in parentheses right after an entity.
    let mut acronyms: Map<&str, (Arc<str>, Arc<str>)> = Map::default();
    let mut acronym_sieve = Sieve::default();
    let bytes = text.as_bytes();
    for e in entities.iter() {
        let i = e.tokens.end;
        // Nearly no entity has a bracket after it: the token's first byte
        // tells, before three tokens are read and sliced (`link_with`
        // 13.32 M → 12.90 M instructions on the benchmark run).
        let Some(open) = tokens.get(i) else { continue };
        if bytes.get(open.span.start) != Some(&b'(') {
            continue;
        }
        let (Some(acr), Some(close)) = (tokens.get(i + 1), tokens.get(i + 2)) else {
            continue;
        };
        // Compared as bytes: slicing `text` checks char boundaries. The
        // brackets first: few entities have them, and the label's test
        // costs more.
        let raw = |t: &Token| &text.as_bytes()[t.span.start..t.span.end];
        if raw(open) != b"("
            || raw(close) != b")"
            || !has_acronyms(&e.label)
            || !is_acronym(acr.as_str(text))
        {
            continue;
        }
        let a = acr.as_str(text);
        let known = e.entry.as_ref().is_some_and(|en| en.aliases().iter().any(|x| x == a));
        if !known && !initials_agree(a, &text[e.span]) {
            // "al-Qaida in Iraq (AQI)": the bracket does not abbreviate the
            // entity right before it.
            continue;
        }
        acronyms.entry(a).or_insert_with(|| (e.label.clone(), e.canonical.clone()));
        acronym_sieve.insert_text(a);
        links.push((acr.span, e.span, Span::new(e.span.start, close.span.end)));
    }
    if !acronyms.is_empty() {
        let among = if shortcuts { capital_at.get() } else { None };
        let mut next = 0;
        while next < tokens.len() {
            // Nearly every token is no acronym, and most fail the sieve:
            // they are neither hashed nor sliced.
            let i = match among {
                Some(among) if shortcuts => {
                    acronym_sieve.next_text_among(text, tokens, among, next)
                }
                _ if shortcuts => acronym_sieve.next_text(text, tokens, next),
                _ => next,
            };
            let Some(t) = tokens.get(i) else { break };
            next = i + 1;
            let Some((label, canonical)) = acronyms.get(t.as_str(text)) else { continue };
            match covered[i] {
                Some(k) if entities[k].span == t.span => {
                    entities[k].canonical = canonical.clone();
                    renamed = true;
                }
                Some(_) => {}
                None => {
                    let (label, canonical) = (label.clone(), canonical.clone());
                    let e = linked(t.span, i..i + 1, label, canonical, RULE_ACRONYM, covered);
                    added.push(e);
                }
            }
        }
    }

    link_initials(text, tokens, entities, covered, (flags, upper, capital_at), &mut added);

    // People: full names, then short mentions. The name words of every
    // person are in one list, each person's a range of it.
    let mut words: Vec<&str> = Vec::new();
    let mut persons: Vec<(usize, Range<usize>)> = Vec::new();
    for (k, e) in entities.iter().enumerate() {
        if &*e.label != "PERSON" {
            continue;
        }
        if persons.is_empty() {
            // Room for the people of most texts that name any, made at
            // once: growing both lists from nothing took 435 reallocations
            // on the benchmark run (0.33 M instructions more).
            persons.reserve(PERSONS_ROOM);
            words.reserve(2 * PERSONS_ROOM);
        }
        let from = words.len();
        name_words_into(text, &tokens[e.tokens.clone()], &mut words);
        persons.push((k, from..words.len()));
    }
    // A person alone has no fuller name than their own (a fuller one has
    // more name words, or the same written longer): most texts name one
    // person or none, and make no maps for it.
    if persons.len() > 1 || !shortcuts {
        let canon = if persons.len() <= FEW_NAMES && shortcuts {
            fullest_names_few(entities, &persons, &words)
        } else {
            fullest_names(entities, &persons, &words)
        };
        for (k, c) in canon {
            entities[k].canonical = c;
            renamed = true;
        }
    }
    // Keys: first and last name words of full names.
    let mut keys = if persons.len() <= FEW_PERSONS && shortcuts {
        Keys::Few(Vec::new())
    } else {
        Keys::Many(Map::with_capacity_and_hasher(2 * persons.len(), Default::default()))
    };
    let mut key_sieve = Sieve::default();
    for (k, range) in &persons {
        let name = &words[range.clone()];
        let c = &entities[*k].canonical;
        if name.len() < 2 {
            // One name word ("Mr. Shoigu"): the word finds them again.
            if let [w] = name {
                keys.add(w, c);
                key_sieve.insert_word_start(w);
            }
            continue;
        }
        for w in [name[0], name[name.len() - 1]] {
            keys.add(w, c);
            key_sieve.insert_word_start(w);
        }
    }
    if !keys.is_empty() {
        // The set is the same all through the scan: asked for once, not
        // once a key met (7.5k asks on the benchmark run, about 60
        // instructions each in a text of over 1,024 tokens, whose set is
        // in a `Vec`: 0.30 M).
        let among = if shortcuts { capital_at.get() } else { None };
        let mut i = 0;
        while i < tokens.len() {
            if shortcuts {
                // Keys are capitalised words (see `name_words_into`) whose
                // first two bytes pass the sieve: nearly every token fails
                // it, in a rarely taken branch. The capital is tested after
                // it (it goes either way from token to token, and
                // mispredicted), and a word inside a double-barrelled name
                // that started before it, which the general path steps
                // over, is stepped over here.
                i = match among {
                    Some(among) => key_sieve.next_word_start_among(text, tokens, among, i),
                    None => key_sieve.next_word_start(text, tokens, i),
                };
                let Some(t) = tokens.get(i) else { break };
                if !token_starts_upper(text, t) || inside_compound(text, tokens, i) {
                    i += 1;
                    continue;
                }
            } else {
                let t = &tokens[i];
                // Any other token (most) finds none, and is not looked up.
                if t.kind != TokenKind::Word || !token_starts_upper(text, t) {
                    i += 1;
                    continue;
                }
            }
            let t = &tokens[i];
            let end = compound_end(text, tokens, i);
            // A double-barrelled name is one key ("Kosiniak-Kamysz"); its
            // parts are not keys of their own.
            let span = Span::new(t.span.start, tokens[end - 1].span.end);
            let at = i;
            i = end;
            // A word that an entity has is renamed only when that entity is
            // a person written as this key alone (below): the words of full
            // names (most keys met) and of other entities change nothing,
            // and with the shortcuts are not looked up (`link_with` 12.45 M
            // → 11.94 M instructions on the benchmark run).
            if let (true, Some(k)) = (shortcuts, covered[at]) {
                let mention =
                    entities.get(k).is_some_and(|e| &*e.label == "PERSON" && e.span == span);
                if !mention {
                    continue;
                }
            }
            let Some(found) = keys.get(&text[span]) else { continue };
            // "Emil Varga" again, after "Emil Varga said": the whole name,
            // when no entity has any of its words. Its second word is a
            // capitalised one that no entity has: most keys met are not
            // looked for among the full names. (A full name's canonical is
            // not changed by this loop, which only sets those of mentions
            // one key long.)
            let full = (covered[at].is_none() && capital_after(text, tokens, covered, end))
                .then(|| full_name_at(text, tokens, at, &persons, &words, entities))
                .flatten()
                .map(|(full_end, c)| (full_end, c.clone()));
            if let Some((full_end, canonical)) = full {
                if covered[at..full_end].iter().all(Option::is_none)
                    && !capital_after(text, tokens, covered, full_end)
                {
                    let span = Span::new(t.span.start, tokens[full_end - 1].span.end);
                    added.push(name_link(span, at..full_end, canonical, covered));
                    i = full_end;
                    continue;
                }
            }
            let owners = &covered[at..end];
            match owners[0] {
                Some(k) if k != usize::MAX => {
                    let e = &mut entities[k];
                    if &*e.label == "PERSON" && e.span == span {
                        if let Some(c) = found {
                            e.canonical = c.clone();
                            renamed = true;
                        }
                    }
                }
                Some(_) => {}
                None if owners.iter().any(Option::is_some) => {}
                None => {
                    if capital_after(text, tokens, covered, end) {
                        continue;
                    }
                    let canonical = found.clone().unwrap_or_else(|| Arc::from(&text[span]));
                    added.push(name_link(span, at..end, canonical, covered));
                }
            }
        }
    }
    if !added.is_empty() {
        renamed = true;
        // The added entities were marked, not numbered, and the others
        // have moved.
        if added.len() <= FEW_ADDED && shortcuts {
            let from = insert_in_order(entities, added);
            cover_from(tokens.len(), entities, from, covered);
        } else {
            entities.extend(added);
            entities.sort_by_key(|e| (e.span.start, e.span.end));
            coverage_into(tokens.len(), entities, covered);
        }
    }
    // Most texts have no mention linking renamed, and are not looked at.
    if renamed {
        share_entries(text, entities);
    }
    links
}

/// Mentions that linking named after an entity of the gazetteer ("Assad"
/// after "Bashar al-Assad", "CENTCOM" after "U.S. Central Command
/// (CENTCOM)") take its entry, so that they carry its id and metadata too.
///
/// A renamed mention (no entry, a label linking names, a canonical name
/// that is not its own text) shares its canonical name with the entity it
/// was named after: the same `Arc`, not a copy. So the entry is that of the
/// entity whose canonical name is the same pointer, found by a scan over
/// the entities for each of the few renamed mentions of most texts (a
/// table of the entries by label and name cost 5 M instructions on the
/// benchmark run), or by a table of the pointers when there are many.
fn share_entries(text: &str, entities: &mut [Entity]) {
    let renamed = |e: &Entity| {
        e.entry.is_none()
            && (&*e.label == "PERSON" || has_acronyms(&e.label))
            && text.get(e.span.start..e.span.end) != Some(&*e.canonical)
    };
    let name_of = |e: &Entity| Arc::as_ptr(&e.canonical) as *const u8 as usize;
    // The renamed mentions, by number, found in one pass: up to
    // `FEW_RENAMED` of them are kept and visited again, rather than every
    // entity tested twice, once to count them and once to visit them
    // (`share_entries` 0.72 M → 0.52 M instructions on the benchmark run).
    let mut few = [0usize; FEW_RENAMED];
    let mut count = 0;
    for (k, e) in entities.iter().enumerate() {
        if renamed(e) {
            let Some(slot) = few.get_mut(count) else {
                count += 1;
                break;
            };
            *slot = k;
            count += 1;
        }
    }
    if let Some(few) = few.get(..count) {
        for &k in few {
            let name = name_of(&entities[k]);
            let found = entities.iter().find(|o| o.entry.is_some() && name_of(o) == name);
            entities[k].entry = found.and_then(|o| o.entry.clone());
        }
    } else {
        // The last entity with an entry for each canonical name, by its
        // number: no `Arc` to count up and down, and a table made at its
        // size rather than grown (0.43 M instructions of the benchmark run
        // before, 0.17 M after).
        let mut entries: Map<usize, usize> =
            Map::with_capacity_and_hasher(entities.len(), Default::default());
        entries.extend(
            entities
                .iter()
                .enumerate()
                .filter(|(_, e)| e.entry.is_some())
                .map(|(k, e)| (name_of(e), k)),
        );
        for k in 0..entities.len() {
            if renamed(&entities[k]) {
                let found = entries.get(&name_of(&entities[k])).map(|&o| &entities[o]);
                entities[k].entry = found.and_then(|o| o.entry.clone());
            }
        }
    }
}

/// Up to this many renamed mentions, [`share_entries`] scans the entities
/// for each rather than making a table.
const FEW_RENAMED: usize = 8;

/// Acronyms used with no definition ("the SDF" in a text that names the
/// Syrian Democratic Forces but never writes "(SDF)"): an uncovered word of
/// three to eight capitals that spells the initials (see [`initials`]) of
/// exactly one named organisation, unit, place or weapon of the text is a
/// mention of it, with its label and canonical name, added to `added`
/// (marked in `covered`). Initials shared by two names link nothing. Run
/// after the acronyms defined in parentheses, whose mentions are covered
/// by then. No `ALIAS_OF` is recorded: the text states no alias.
///
/// Only names of three tokens or more have initials (most are one or two),
/// and the tokens are read only in a text that has some: with `capitals`
/// (each token's flags, the flag of words in capitals, and the set of
/// tokens whose first character is a capital, none when there are no
/// flags: words in capitals of ASCII letters are all in it), those of the
/// set that the flags give as words in capitals; without, those whose
/// first byte is the first of some initials (each token read in full, and
/// every name's initials worked out, cost 2.5 % of extraction's
/// instructions; the first byte of each, 1.6 %; the flags of every token,
/// about 1 %; the flags of the set's tokens, with the set made here in
/// most texts that have initials and read again by the name-key scan,
/// about the same).
#[inline(never)]
fn link_initials(
    text: &str,
    tokens: &[Token],
    entities: &[Entity],
    covered: &mut [Option<usize>],
    capitals: (&[u16], u16, &mut CapitalSet),
    added: &mut Vec<Entity>,
) {
    // (initials, entity) of each name with initials; `usize::MAX` for
    // initials two names share.
    let mut names: Vec<(u64, usize)> = Vec::new();
    for (k, e) in entities.iter().enumerate() {
        if e.tokens.len() < 3 || !has_acronyms(&e.label) {
            continue;
        }
        let Some(key) = tokens.get(e.tokens.clone()).and_then(|t| initials(text, t)) else {
            continue;
        };
        match names.iter_mut().find(|(x, _)| *x == key) {
            Some((_, other)) => {
                let same = *other != usize::MAX
                    && entities[*other].canonical == e.canonical
                    && entities[*other].label == e.label;
                if !same {
                    *other = usize::MAX;
                }
            }
            None => {
                // One allocation a text with such names, where growing the
                // list took three on average (0.20 M instructions of the
                // benchmark run, 0.07 M now).
                if names.is_empty() {
                    names.reserve(entities.len() - k);
                }
                names.push((key, k));
            }
        }
    }
    if names.iter().all(|&(_, k)| k == usize::MAX) {
        return;
    }
    let b = text.as_bytes();
    let mut link_word = |i: usize, t: &Token| {
        if t.kind != TokenKind::Word || covered[i].is_some() {
            return;
        }
        let Some(key) = capitals_of(&b[t.span.start..t.span.end]) else { return };
        let Some(&(_, k)) = names.iter().find(|&&(x, k)| x == key && k != usize::MAX) else {
            return;
        };
        let (label, canonical) = (entities[k].label.clone(), entities[k].canonical.clone());
        added.push(linked(t.span, i..i + 1, label, canonical, RULE_INITIALS, covered));
    };
    let (flags, upper, among) = capitals;
    if let Some(among) = among.get() {
        // One flag test a token whose first character is a capital.
        for (w, &bits) in among.iter().enumerate() {
            crate::swar::for_bits(bits, |b| {
                let i = w * 64 + b;
                if let (Some(&f), Some(t)) = (flags.get(i), tokens.get(i)) {
                    if f & upper != 0 {
                        link_word(i, t);
                    }
                }
            });
        }
        return;
    }
    // Without flags, the first letters of the initials, as bits: most
    // tokens start with none of them, and are passed over on their first
    // byte.
    let firsts = names
        .iter()
        .filter(|&&(_, k)| k != usize::MAX)
        .fold(0u32, |m, &(key, _)| m | 1 << (key >> (56 - key.leading_zeros() / 8 * 8) & 31));
    for (i, t) in tokens.iter().enumerate() {
        let first = b.get(t.span.start).copied().unwrap_or(0);
        if first.is_ascii_uppercase() && firsts >> (first & 31) & 1 != 0 {
            link_word(i, t);
        }
    }
}

/// `word`'s bytes as one number, the first the highest, when it is three
/// to eight ASCII capitals (the shape of [`initials`]).
fn capitals_of(word: &[u8]) -> Option<u64> {
    if !(3..=8).contains(&word.len()) || !word.iter().all(u8::is_ascii_uppercase) {
        return None;
    }
    Some(word.iter().fold(0, |k, &c| k << 8 | u64::from(c)))
}

/// The initials of the name written by `tokens`, as one number (their
/// bytes, the first the highest), when three to eight of its words give
/// one: its word tokens (the tokenizer splits hyphenated words) less the
/// function words ("of", "the", "and", ...), each giving its first letter
/// in capitals: "Syrian
/// Democratic Forces" is SDF, "Islamic Revolutionary Guard Corps" IRGC,
/// "Organisation for the Prohibition of Chemical Weapons" OPCW,
/// "Self-Defense Forces" SDF. A word that starts with a letter outside
/// ASCII gives none.
fn initials(text: &str, tokens: &[Token]) -> Option<u64> {
    let (mut key, mut count) = (0u64, 0);
    for t in tokens {
        if t.kind != TokenKind::Word {
            continue;
        }
        let w = &text.as_bytes()[t.span.start..t.span.end];
        let first = *w.first()?;
        if !first.is_ascii_alphabetic() || count == 8 {
            return None;
        }
        if is_function_word(w) {
            continue;
        }
        key = key << 8 | u64::from(first.to_ascii_uppercase());
        count += 1;
    }
    (count >= 3).then_some(key)
}

/// The words an acronym leaves out ("Organisation for the Prohibition of
/// Chemical Weapons", OPCW).
fn is_function_word(w: &[u8]) -> bool {
    matches!(
        w,
        b"of"
            | b"the"
            | b"and"
            | b"for"
            | b"in"
            | b"on"
            | b"at"
            | b"to"
            | b"de"
            | b"du"
            | b"des"
            | b"del"
            | b"la"
            | b"le"
    )
}

/// Whether an entity of `label` can be written as an acronym (defined in
/// parentheses, or spelling its initials): organisations, units, places
/// and weapons, not people, dates, amounts or nationalities.
fn has_acronyms(label: &str) -> bool {
    !matches!(label, "PERSON" | "DATE" | "MONEY" | "QUANTITY" | "NATIONALITY")
}

/// A mention found by linking over `tokens` by `rule`, marked in `covered`
/// as added (`usize::MAX`: numbered once the added entities are sorted in).
fn linked(
    span: Span,
    tokens: Range<usize>,
    label: Arc<str>,
    canonical: Arc<str>,
    rule: &str,
    covered: &mut [Option<usize>],
) -> Entity {
    for c in covered.get_mut(tokens.clone()).unwrap_or_default() {
        *c = Some(usize::MAX);
    }
    Entity::from_rule(span, tokens, label, canonical, Arc::from(rule))
}

/// A person mention found by linking (see [`linked`]).
fn name_link(
    span: Span,
    tokens: Range<usize>,
    canonical: Arc<str>,
    covered: &mut [Option<usize>],
) -> Entity {
    linked(span, tokens, Arc::from("PERSON"), canonical, RULE_NAME, covered)
}

/// "Brown University": a capitalised word at token `end` that no entity
/// has makes the name words before it part of another name, not a person.
pub(crate) fn capital_after(
    text: &str,
    tokens: &[Token],
    covered: &[Option<usize>],
    end: usize,
) -> bool {
    tokens.get(end).is_some_and(|n| {
        n.kind == TokenKind::Word
            && token_starts_upper(text, n)
            && covered.get(end).is_some_and(Option::is_none)
    })
}

/// The longest full name (two name words or more) of `persons` (entities
/// of `entities`, with their name words as ranges of `words`) written out
/// from token `at`: its name words one after another, each a word token
/// (or a double-barrelled name: see [`compound_end`]; two word tokens
/// always have a space or a punctuation token between them). Returns the
/// end token and the person's canonical, or `None` when none is there, or
/// when two of the longest give different canonicals.
fn full_name_at<'e>(
    text: &str,
    tokens: &[Token],
    at: usize,
    persons: &[(usize, Range<usize>)],
    words: &[&str],
    entities: &'e [Entity],
) -> Option<(usize, &'e Arc<str>)> {
    let mut best: Option<(usize, &Arc<str>)> = None;
    let mut ambiguous = false;
    for (k, range) in persons {
        let (Some(name), Some(e)) = (words.get(range.clone()), entities.get(*k)) else { continue };
        if name.len() < 2 {
            continue;
        }
        let canonical = &e.canonical;
        let mut j = at;
        let spelled = name.iter().all(|w| {
            let Some(t) = tokens.get(j) else { return false };
            if t.kind != TokenKind::Word {
                return false;
            }
            let end = compound_end(text, tokens, j);
            let same = text.get(t.span.start..tokens[end - 1].span.end) == Some(*w);
            j = end;
            same
        });
        if !spelled {
            continue;
        }
        match best {
            Some((b, c)) if b == j => ambiguous |= c != canonical,
            Some((b, _)) if b > j => {}
            _ => {
                best = Some((j, canonical));
                ambiguous = false;
            }
        }
    }
    best.filter(|_| !ambiguous)
}

/// The people [`link_with`] makes room for when a text names one.
const PERSONS_ROOM: usize = 16;

/// Up to this many people, [`Keys`] are a list (at most two keys each).
const FEW_PERSONS: usize = 4;

/// The name words that find a person (first and last words of full
/// names), each with the canonical name it gives, or `None` when two
/// people share it. Most texts name a person or two: a few keys are a
/// list, compared by length first, which costs less than a hash map's
/// allocation and hashing; more are a map.
enum Keys<'t> {
    /// Each key once, in the order met.
    Few(Vec<(&'t str, Option<Arc<str>>)>),
    /// By key.
    Many(Map<&'t str, Option<Arc<str>>>),
}

impl<'t> Keys<'t> {
    /// Adds key `w` for canonical `c`: a key met again with another
    /// canonical becomes ambiguous.
    fn add(&mut self, w: &'t str, c: &Arc<str>) {
        let merge = |v: &mut Option<Arc<str>>| {
            if v.as_ref() != Some(c) {
                *v = None;
            }
        };
        match self {
            Keys::Few(list) => match list.iter_mut().find(|(k, _)| *k == w) {
                Some((_, v)) => merge(v),
                None => list.push((w, Some(c.clone()))),
            },
            Keys::Many(map) => {
                map.entry(w).and_modify(merge).or_insert_with(|| Some(c.clone()));
            }
        }
    }

    /// True when there is no key.
    fn is_empty(&self) -> bool {
        match self {
            Keys::Few(list) => list.is_empty(),
            Keys::Many(map) => map.is_empty(),
        }
    }

    /// The canonical of key `w`, if it is one.
    fn get(&self, w: &str) -> Option<&Option<Arc<str>>> {
        match self {
            Keys::Few(list) => list.iter().find(|(k, _)| *k == w).map(|(_, v)| v),
            Keys::Many(map) => map.get(w),
        }
    }
}

/// Up to this many people, [`fullest_names_few`] compares every two.
const FEW_NAMES: usize = 32;

/// The fullest name containing each person's words, for the persons it
/// changes: (entity, canonical). `persons` are the PERSON entities of
/// `entities` with the range of their name words in `words`.
fn fullest_names(
    entities: &[Entity],
    persons: &[(usize, Range<usize>)],
    words: &[&str],
) -> Vec<(usize, Arc<str>)> {
    let persons = persons.iter().map(|(k, r)| (*k, &words[r.clone()]));
    let persons: Vec<(usize, &[&str])> = persons.collect();
    // The fullest name containing each person's words. A name written many
    // times is compared once, and only with the names that share its
    // rarest word, so that a document of many mentions stays linear.
    let mut seen: Set<(&[&str], usize, &Arc<str>)> = Set::default();
    let mut distinct: Vec<(&[&str], usize, &Arc<str>)> = Vec::new();
    let mut by_word: Map<&str, Vec<usize>> = Map::default();
    for &(q, qwords) in &persons {
        let d = (qwords, entities[q].span.len(), &entities[q].canonical);
        if seen.insert(d) {
            for w in qwords {
                let list = by_word.entry(w).or_default();
                if list.last() != Some(&distinct.len()) {
                    list.push(distinct.len());
                }
            }
            distinct.push(d);
        }
    }
    let mut memo: Map<(&[&str], usize), Option<Arc<str>>> = Map::default();
    let mut canon: Vec<(usize, Arc<str>)> = Vec::new();
    for &(k, words) in &persons {
        if words.is_empty() {
            continue;
        }
        let k_len = entities[k].span.len();
        let found = memo.entry((words, k_len)).or_insert_with(|| {
            let rarest = words.iter().filter_map(|w| by_word.get(w)).min_by_key(|l| l.len())?;
            fullest_of(words, k_len, rarest.iter().map(|&d| distinct[d])).cloned()
        });
        if let Some(c) = found {
            canon.push((k, c.clone()));
        }
    }
    canon
}

/// [`fullest_names`] for a few people, by comparing every person with
/// every other: no sets or maps to make, and no hashing, for what is a
/// handful of names in most texts. The same names result: a fuller name
/// holds all the words of the person, so [`fullest_names`]' list of names
/// sharing the rarest word holds every one this finds, repeated names
/// change neither the longest length nor whether its canonicals differ,
/// and the memo only caches what the same words and length give.
fn fullest_names_few(
    entities: &[Entity],
    persons: &[(usize, Range<usize>)],
    words: &[&str],
) -> Vec<(usize, Arc<str>)> {
    let mut canon: Vec<(usize, Arc<str>)> = Vec::new();
    // Each person's name words, length and canonical, read once rather
    // than once for every other person (their words sliced and their
    // entity indexed again for each pair: 0.78 M → 0.37 M instructions on
    // the benchmark run).
    let names: Vec<(&[&str], usize, &Arc<str>)> = persons
        .iter()
        .map(|(q, qrange)| {
            let q = &entities[*q];
            (&words[qrange.clone()], q.span.len(), &q.canonical)
        })
        .collect();
    for (&(k, _), &(kwords, len, _)) in persons.iter().zip(&names) {
        if kwords.is_empty() {
            continue;
        }
        if let Some(c) = fullest_of(kwords, len, names.iter().copied()) {
            canon.push((k, c.clone()));
        }
    }
    canon
}

/// The canonical of the fullest of `names` (name words, length,
/// canonical) that holds every one of `words`, a person's name words
/// written in `len` bytes; `None` when there is none, or when the fullest
/// ones (of the same length) have different canonicals.
#[inline]
fn fullest_of<'n>(
    words: &[&str],
    len: usize,
    names: impl Iterator<Item = (&'n [&'n str], usize, &'n Arc<str>)>,
) -> Option<&'n Arc<str>> {
    let mut best: Option<(usize, &Arc<str>)> = None;
    let mut ambiguous = false;
    for (qwords, q_len, c) in names {
        // A fuller name: more name words, or the same words with more
        // written around them ("Charles Q. Brown Jr." for "Charles Brown").
        let fuller = qwords.len() > words.len() || (qwords.len() == words.len() && q_len > len);
        if !fuller || !words.iter().all(|w| qwords.contains(w)) {
            continue;
        }
        match best {
            Some((n, b)) if q_len == n => ambiguous |= b != c,
            Some((n, _)) if q_len < n => {}
            _ => {
                best = Some((q_len, c));
                ambiguous = false;
            }
        }
    }
    match (best, ambiguous) {
        (Some((_, c)), false) => Some(c),
        _ => None,
    }
}

/// A set of strings for scanning a text's tokens for them: a bit of 1,024
/// for each string's sieve key (below), which a token's key must find set
/// before the token is compared with the strings. Linking scans every
/// token of a text for the few that are name keys or acronyms; with the
/// sieve, the test that turns nearly all away is a load and a branch that
/// is rarely taken, where the hash look-up of every capitalised word cost
/// more, and the capital itself, tested first, went either way in no
/// pattern a predictor learns.
///
/// Two kinds of keys, one for each scan (a sieve holds one kind):
/// - *text keys* ([`Sieve::insert_text`], [`Sieve::next_text`]): the
///   string's length, first and last byte, against each token's text;
/// - *word-start keys* ([`Sieve::insert_word_start`],
///   [`Sieve::next_word_start`]): the first two bytes, against each word
///   token's first byte and the text's byte after it (a name key may be
///   a double-barrelled name, longer than its first token, but it starts
///   with the bytes of the text where it starts).
#[derive(Debug, Default)]
struct Sieve {
    /// The bits, by [`Sieve::bit`].
    bits: [u64; 16],
}

impl Sieve {
    /// The bit of sieve key `x`: the top ten bits of one multiplication,
    /// which mixes every bit of the key into them.
    #[inline(always)]
    fn bit(x: u64) -> usize {
        (x.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as usize
    }

    /// Sets the bit of key `x`.
    fn set(&mut self, x: u64) {
        let bit = Sieve::bit(x);
        self.bits[bit >> 6] |= 1 << (bit & 63);
    }

    /// True when the bit of key `x` is set.
    #[inline(always)]
    fn test(&self, x: u64) -> bool {
        let bit = Sieve::bit(x);
        self.bits[bit >> 6] >> (bit & 63) & 1 != 0
    }

    /// The text key of a string of `len` bytes from `first` to `last`.
    #[inline(always)]
    fn text_key(len: usize, first: u8, last: u8) -> u64 {
        (len as u64) << 16 | u64::from(first) << 8 | u64::from(last)
    }

    /// The word-start key of a token of `kind` starting with byte `first`
    /// followed by `second` in the text (0 at the text's end).
    #[inline(always)]
    fn word_start_key(kind: TokenKind, first: u8, second: u8) -> u64 {
        u64::from(kind as u8) << 16 | u64::from(first) << 8 | u64::from(second)
    }

    /// Adds `s` (not empty) for [`Sieve::next_text`].
    fn insert_text(&mut self, s: &str) {
        let b = s.as_bytes();
        if let (Some(&first), Some(&last)) = (b.first(), b.last()) {
            self.set(Sieve::text_key(b.len(), first, last));
        }
    }

    /// Adds `s` (not empty), text that starts with a word token, for
    /// [`Sieve::next_word_start`]. A string of one byte has no second
    /// byte to tell: it is added with every byte after it.
    fn insert_word_start(&mut self, s: &str) {
        match *s.as_bytes() {
            [] => {}
            [first] => {
                (0..=255).for_each(|b| self.set(Sieve::word_start_key(TokenKind::Word, first, b)))
            }
            [first, second, ..] => self.set(Sieve::word_start_key(TokenKind::Word, first, second)),
        }
    }

    /// The first token from `from` on whose text may be one of the strings
    /// added with [`Sieve::insert_text`]; `tokens.len()` when none is.
    /// Every token whose text is one of them is found.
    #[inline(never)]
    fn next_text(&self, text: &str, tokens: &[Token], from: usize) -> usize {
        let b = text.as_bytes();
        self.next_passing(tokens, from, |t| {
            let first = b.get(t.span.start).copied().unwrap_or(0);
            let last = b.get(t.span.end.wrapping_sub(1)).copied().unwrap_or(0);
            Sieve::text_key(t.span.len(), first, last)
        })
    }

    /// The first token from `from` on that may be a word starting one of
    /// the strings added with [`Sieve::insert_word_start`];
    /// `tokens.len()` when none is. Every word token where one of them
    /// starts in the text is found.
    #[inline(never)]
    fn next_word_start(&self, text: &str, tokens: &[Token], from: usize) -> usize {
        let b = text.as_bytes();
        self.next_passing(tokens, from, |t| {
            let first = b.get(t.span.start).copied().unwrap_or(0);
            let second = b.get(t.span.start + 1).copied().unwrap_or(0);
            Sieve::word_start_key(t.kind, first, second)
        })
    }

    /// [`Sieve::next_text`] among the tokens of `among`, a bit set of
    /// token indices (see [`flagged`]): every token of the set from `from`
    /// on whose text is one of the strings is found.
    #[inline(never)]
    fn next_text_among(&self, text: &str, tokens: &[Token], among: &[u64], from: usize) -> usize {
        let b = text.as_bytes();
        self.next_passing_among(tokens, among, from, |t| {
            let first = b.get(t.span.start).copied().unwrap_or(0);
            let last = b.get(t.span.end.wrapping_sub(1)).copied().unwrap_or(0);
            Sieve::text_key(t.span.len(), first, last)
        })
    }

    /// [`Sieve::next_word_start`] among the tokens of `among`, a bit set
    /// of token indices (see [`flagged`]): every word token of the set
    /// from `from` on where one of the strings starts is found.
    #[inline(never)]
    fn next_word_start_among(
        &self,
        text: &str,
        tokens: &[Token],
        among: &[u64],
        from: usize,
    ) -> usize {
        let b = text.as_bytes();
        self.next_passing_among(tokens, among, from, |t| {
            let first = b.get(t.span.start).copied().unwrap_or(0);
            let second = b.get(t.span.start + 1).copied().unwrap_or(0);
            Sieve::word_start_key(t.kind, first, second)
        })
    }

    /// The first token of `among` (a bit set of token indices, see
    /// [`flagged`]) from token `from` on whose sieve key, by `key`, has its
    /// bit set; `tokens.len()` when none has.
    #[inline(always)]
    fn next_passing_among(
        &self,
        tokens: &[Token],
        among: &[u64],
        from: usize,
        key: impl Fn(&Token) -> u64,
    ) -> usize {
        let hit = |i: usize| tokens.get(i).map(|t| self.test(key(t)));
        crate::swar::first_set_from(among, from, tokens.len(), hit)
    }

    /// The first token from `from` on whose sieve key, by `key`, has its
    /// bit set; `tokens.len()` when none has.
    #[inline(always)]
    fn next_passing(&self, tokens: &[Token], from: usize, key: impl Fn(&Token) -> u64) -> usize {
        let mut i = from;
        while let Some(t) = tokens.get(i) {
            if self.test(key(t)) {
                break;
            }
            i += 1;
        }
        i
    }
}

/// The set of the tokens whose first character is a capital (see
/// [`flagged`]), made when a scan first asks for it (many short texts have
/// no name key, acronym or initials to look for), on the stack for up to
/// 1,024 tokens (a paragraph's allocation cost about what its scans
/// saved).
pub(crate) struct CapitalSet<'f> {
    /// Each token's flags; empty when the caller has none.
    flags: &'f [u16],
    /// The flag of a capital first character.
    bit: u16,
    /// The number of tokens.
    tokens: usize,
    /// The set, when made and short.
    small: [u64; 16],
    /// The set, when made and long.
    large: Vec<u64>,
    /// Whether the set is made.
    made: bool,
}

impl<'f> CapitalSet<'f> {
    /// The set of the tokens whose `flags` have `bit`, for `tokens`
    /// tokens, not made yet.
    pub(crate) fn new(flags: &'f [u16], bit: u16, tokens: usize) -> CapitalSet<'f> {
        CapitalSet { flags, bit, tokens, small: [0; 16], large: Vec::new(), made: false }
    }

    /// The set (`tokens / 64 + 1` words), made on the first call; `None`
    /// when the flags are not one a token.
    pub(crate) fn get(&mut self) -> Option<&[u64]> {
        if self.flags.len() != self.tokens {
            return None;
        }
        let words = self.tokens / 64 + 1;
        let set = match self.small.get_mut(..words) {
            Some(set) => set,
            None => {
                self.large.resize(words, 0);
                &mut self.large[..]
            }
        };
        if !self.made {
            flagged(self.flags, self.bit, set);
            self.made = true;
        }
        Some(set)
    }
}

/// The tokens whose `flags` have `bit`, as a bit set (token `i` is bit
/// `i % 64` of word `i / 64`) into `out`, which has `flags.len() / 64 + 1`
/// words. Made without a branch on the flag: whether a token is
/// capitalised is in no pattern a predictor learns. Whole words of 64
/// flags are read four flags at a time ([`four_flags`]).
fn flagged(flags: &[u16], bit: u16, out: &mut [u64]) {
    let shift = bit.trailing_zeros();
    let word = |c: &[u16]| {
        c.iter().enumerate().fold(0u64, |m, (j, &f)| m | u64::from(f >> shift & 1) << j)
    };
    let chunks = flags.chunks_exact(64);
    let rest = word(chunks.remainder());
    // As arrays: a loop of 16, unrolled.
    let whole = |c: &[u16; 64]| {
        c.chunks_exact(4).enumerate().fold(0u64, |m, (j, four)| {
            m | <&[u16; 4]>::try_from(four).map_or(0, |four| four_flags(four, shift)) << (4 * j)
        })
    };
    let words = chunks.map(|c| <&[u16; 64]>::try_from(c).map_or(0, whole));
    for (w, m) in out.iter_mut().zip(words.chain([rest])) {
        *w = m;
    }
}

/// Bit `shift` of each of four flags, as the low four bits (the first
/// flag's the lowest): the flags as one number, their bits masked, and one
/// multiplication that gathers the four bits (at 0, 16, 32 and 48) into bits
/// 48 to 51, where no other product of the bits lands (they fall at 3, 18,
/// 19, 33, 34 and 35, or past 63), so that nothing carries into them. About
/// two instructions a flag where a shift, mask and or of each took five:
/// [`flagged`] reads every token's flags for each text that links, and
/// went from 1.04 M to 0.35 M instructions of the benchmark run.
#[inline(always)]
fn four_flags(four: &[u16; 4], shift: u32) -> u64 {
    const BITS: u64 = 0x0001_0001_0001_0001;
    const GATHER: u64 = 1 << 48 | 1 << 33 | 1 << 18 | 1 << 3;
    let x = four.iter().rev().fold(0u64, |x, &f| x << 16 | u64::from(f));
    (x >> shift & BITS).wrapping_mul(GATHER) >> 48
}

/// For each of `n` tokens, the index of the entity covering it, into `cov`
/// (cleared first, so that a caller can reuse it). Where entities overlap,
/// the later one in `entities` is the one recorded.
///
/// Entities in order and apart (always, but for tests) of up to
/// [`COVER_BLOCK`] tokens (nearly all) each write a block of that many
/// entries, theirs and `None` after them (no entity before covers those,
/// and the ones after write theirs later), rather than a loop over their
/// tokens, whose exit went by the entity's length and mispredicted; `cov`
/// is made that much longer meanwhile. Other entities are written as
/// [`coverage_general`] writes them, all over again.
pub(crate) fn coverage_into(n: usize, entities: &[Entity], cov: &mut Vec<Option<usize>>) {
    cov.clear();
    cov.resize(n + COVER_BLOCK, None);
    let mut reach = 0;
    for (k, e) in entities.iter().enumerate() {
        let (start, end) = (e.tokens.start, e.tokens.end.min(n));
        if start >= end {
            continue;
        }
        if start < reach {
            // Out of order, or overlapping one before.
            return coverage_general(n, entities, cov);
        }
        reach = end;
        let len = end - start;
        if len <= COVER_BLOCK {
            let block = &mut cov[start..start + COVER_BLOCK];
            for (j, c) in block.iter_mut().enumerate() {
                *c = if j < len { Some(k) } else { None };
            }
        } else {
            cov[start..end].fill(Some(k));
        }
    }
    cov.truncate(n);
}

/// Up to this many mentions added by linking, [`link_with`] inserts them
/// one by one ([`insert_in_order`]) and renumbers the coverage from the
/// first place it changed ([`cover_from`]); more are appended, sorted in
/// with the others and covered anew (each insertion moves every entity
/// after it).
const FEW_ADDED: usize = 16;

/// Inserts each of `added` into `entities` (sorted by start and end) after
/// every entity with the same or an earlier start and end, and returns the
/// first place an insertion changed: the entities before it keep their
/// places. The result is that of appending `added` and sorting by start and
/// end with the stable sort, which it replaces in [`link_with`] for the few
/// mentions a text adds (about four in the 129 texts of the benchmark run
/// that add any): the sort moved every 112-byte entity through a buffer it
/// allocated, at about 9k instructions a text. With [`cover_from`], the
/// sort and second coverage (2.3 M instructions of the benchmark run) cost
/// about 1.1 M; extraction went from 233.94 M to 232.77 M.
fn insert_in_order(entities: &mut Vec<Entity>, added: Vec<Entity>) -> usize {
    let mut from = entities.len();
    entities.reserve(added.len());
    for e in added {
        let key = (e.span.start, e.span.end);
        let at = entities.partition_point(|o| (o.span.start, o.span.end) <= key);
        entities.push(e);
        entities[at..].rotate_right(1);
        from = from.min(at);
    }
    from
}

/// `cov` as [`coverage_into`] would make it for `entities`, when it is
/// that of the entities before `from`, unchanged in place and number, and
/// of entities that moved or were added from `from` on, whose tokens it
/// gives as covered (an added mention's tokens are marked with
/// `usize::MAX` by [`linked`]): the entities from `from` on are written
/// again over their tokens, in order, and no other entry is. Tokens no
/// entity covers were `None` and stay so; where entities overlap (never,
/// but for tests) the later one is still the one recorded. After linking
/// added mentions, this is the second coverage pass over the entities from
/// the first added one on, with no clearing of the whole buffer.
fn cover_from(n: usize, entities: &[Entity], from: usize, cov: &mut [Option<usize>]) {
    for (k, e) in entities.iter().enumerate().skip(from) {
        let end = e.tokens.end.min(n);
        if let Some(c) = cov.get_mut(e.tokens.start..end) {
            c.fill(Some(k));
        }
    }
}

/// The entries [`coverage_into`] writes at once for an entity.
const COVER_BLOCK: usize = 4;

/// [`coverage_into`] for any entities, each written over its tokens in turn
/// ([`cover_from`] from the first entity on).
fn coverage_general(n: usize, entities: &[Entity], cov: &mut Vec<Option<usize>>) {
    cov.clear();
    cov.resize(n, None);
    cover_from(n, entities, 0, cov);
}

/// The words of a person's name that can identify them, appended to
/// `words`: capitalised words, without initials ("Q.") and suffixes
/// ("Jr.", "III"). A double-barrelled name ("Kosiniak-Kamysz", written
/// without spaces) is one word.
fn name_words_into<'t>(text: &'t str, tokens: &[Token], words: &mut Vec<&'t str>) {
    let mut i = 0;
    while i < tokens.len() {
        let end = compound_end(text, tokens, i);
        let t = &tokens[i];
        if t.kind == TokenKind::Word {
            let w = &text[t.span.start..tokens[end - 1].span.end];
            if starts_upper(w) && !matches!(w, "II" | "III" | "IV" | "Jr" | "Sr") {
                words.push(w);
            }
        }
        i = end;
    }
}

/// The end (exclusive) of the double-barrelled name starting at token `i`:
/// capitalised words joined by hyphens with no space around them
/// ("Ruiz-Castell", "Diallo-Konaté"); `i + 1` when there is none. "al-Assad"
/// and "Ching-te" are not joined (a lower-case part).
///
/// Without a hyphen glued after the word (nearly every token), the answer
/// is `i + 1`, told inline rather than by the walk's call (12k calls and
/// 0.7 M instructions in linking's key scan on the benchmark run).
///
/// The three tests of the next token are made together, in one branch:
/// linking's key scan asks this of every token, and a branch on the space
/// before the next token alone would go either way.
#[inline(always)]
fn compound_end(text: &str, tokens: &[Token], i: usize) -> usize {
    let hyphen = tokens.get(i + 1).is_some_and(|d| {
        let dash = text.as_bytes().get(d.span.start) == Some(&b'-');
        !d.space_before() & (d.span.len() == 1) & dash
    });
    if hyphen {
        compound_walk(text, tokens, i)
    } else {
        i + 1
    }
}

/// True when the capitalised word at token `i` continues a
/// double-barrelled name that starts before it (after a capitalised word
/// and a hyphen, all glued): [`compound_end`] of the name's first word
/// takes it in, so that a scan from word to word never starts at it.
#[inline]
fn inside_compound(text: &str, tokens: &[Token], i: usize) -> bool {
    let capital_word = |t: &Token| t.kind == TokenKind::Word && token_starts_upper(text, t);
    i >= 2 && {
        let dash = &tokens[i - 1];
        &text.as_bytes()[dash.span.start..dash.span.end] == b"-"
            && !dash.space_before()
            && !tokens[i].space_before()
            && capital_word(&tokens[i - 2])
    }
}

/// [`compound_end`] by walking the words and hyphens from `i`.
fn compound_walk(text: &str, tokens: &[Token], i: usize) -> usize {
    let capital_word = |t: &Token| t.kind == TokenKind::Word && token_starts_upper(text, t);
    let mut end = i + 1;
    if !capital_word(&tokens[i]) {
        return end;
    }
    while let (Some(dash), Some(next)) = (tokens.get(end), tokens.get(end + 1)) {
        if &text.as_bytes()[dash.span.start..dash.span.end] != b"-"
            || dash.space_before()
            || next.space_before()
            || !capital_word(next)
        {
            break;
        }
        end += 2;
    }
    end
}

/// Whether the first character of `s` is upper case; an ASCII first byte
/// (nearly every word) is tested without decoding.
pub(crate) fn starts_upper(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
        _ => s.chars().next().is_some_and(char::is_uppercase),
    }
}

/// [`starts_upper`] of the text of token `t`, its first byte read without
/// slicing the text as a `str` (which checks char boundaries) when it is
/// ASCII. Always inlined: the key scan calls it for every token, and
/// `#[inline]` alone left a call there (0.8 M instructions on the benchmark).
#[inline(always)]
fn token_starts_upper(text: &str, t: &Token) -> bool {
    match text.as_bytes()[t.span.start..t.span.end].first() {
        Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
        _ => starts_upper(t.as_str(text)),
    }
}

/// Two or more letters, all capitals (digits allowed after the first):
/// "CENTCOM", "SDF", "IRGC", "ISIS".
fn is_acronym(s: &str) -> bool {
    let mut letters = 0;
    for (i, c) in s.chars().enumerate() {
        if c.is_uppercase() {
            letters += 1;
        } else if !(i > 0 && (c.is_ascii_digit() || c == '-' || c == '&')) {
            return false;
        }
    }
    letters >= 2
}

/// True when the acronym could abbreviate the name: its first letter
/// starts a word of the name, and its letters appear in order in the name
/// from there ("SDF" for "Syrian Democratic Forces", "CENTCOM" for "U.S.
/// Central Command").
fn initials_agree(acronym: &str, name: &str) -> bool {
    let mut letters =
        acronym.chars().filter(|c| c.is_alphabetic()).map(|c| c.to_lowercase().next());
    let Some(first) = letters.next() else { return false };
    let lower: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    (0..lower.len())
        .filter(|&i| (i == 0 || !lower[i - 1].is_alphanumeric()) && Some(lower[i]) == first)
        .any(|i| {
            let mut rest = lower[i + 1..].iter();
            letters.clone().all(|l| rest.any(|&c| Some(c) == l))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`link_with`] with a capital set of its own, made from `capitals`.
    fn link_own(
        text: &str,
        tokens: &[Token],
        entities: &mut Vec<Entity>,
        covered: &mut Vec<Option<usize>>,
        capitals: (&[u16], u16, u16),
        shortcuts: bool,
    ) -> Vec<AliasLink> {
        let mut capital_at = CapitalSet::new(capitals.0, capitals.2, tokens.len());
        link_with(text, tokens, entities, covered, capitals, &mut capital_at, shortcuts)
    }

    fn capitals_key(word: &str) -> Option<u64> {
        capitals_of(word.as_bytes())
    }

    #[test]
    fn initials_skip_function_words_and_split_hyphens() {
        let key = |s: &str| capitals_key(s).unwrap();
        let of = |name: &str| initials(name, &crate::tokenize::Tokenizer::new().tokenize(name));
        assert_eq!(of("Syrian Democratic Forces"), Some(key("SDF")));
        assert_eq!(of("Japan Self-Defense Forces"), Some(key("JSDF")));
        let opcw = "Organisation for the Prohibition of Chemical Weapons";
        assert_eq!(of(opcw), Some(key("OPCW")));
        assert_eq!(of("Kongsberg Defence & Aerospace"), Some(key("KDA")));
        assert_eq!(of("3rd Separate Assault Brigade"), Some(key("SAB")));
        assert_eq!(of("People's Liberation Army"), Some(key("PLA")));
        // Fewer than three or more than eight words give none, nor a word
        // starting outside ASCII.
        assert_eq!(of("Royal Navy"), None);
        assert_eq!(of("Ab Bc Cd De Ef Fg Gh Hi Ij"), None);
        assert_eq!(of("Österreichs Bundesheer Heer"), None);
        // The key is the capitals' bytes: SDF is not FDS, nor SDFX.
        assert_ne!(capitals_key("FDS"), Some(key("SDF")));
        assert_ne!(capitals_key("SDFX"), Some(key("SDF")));
        assert_eq!(capitals_key("SD"), None);
        assert_eq!(capitals_key("SDf"), None);
        assert_eq!(capitals_key("ABCDEFGHI"), None);
    }

    #[test]
    fn acronyms_found_by_capital_flags_as_by_the_text() {
        let text = "The Syrian Democratic Forces advanced. The SDF held; SDF-led units, \
                    the Sdf and SDFS waited. NATO and SDF met.";
        let tokens = crate::tokenize::Tokenizer::new().tokenize(text);
        let start = text.find("Syrian").unwrap();
        let span = Span::new(start, start + "Syrian Democratic Forces".len());
        let first = tokens.partition_point(|t| t.span.start < span.start);
        let (label, canonical) = (Arc::from("ORGANIZATION"), Arc::from("SDF canonical"));
        let e = Entity::from_rule(span, first..first + 3, label, canonical, Arc::from("r"));
        let mut scratch = crate::patterns::Scratch::default();
        scratch.share_shapes(text, &tokens);
        let (mut by_flags, mut by_text) = (vec![e.clone()], vec![e]);
        let (mut c1, mut c2) = (Vec::new(), Vec::new());
        link_own(text, &tokens, &mut by_flags, &mut c1, scratch.shared_capitals(), true);
        link_own(text, &tokens, &mut by_text, &mut c2, (&[], 0, 0), true);
        assert_eq!(describe(&by_flags), describe(&by_text));
        let sdf = by_flags.iter().filter(|e| &text[e.span] == "SDF").count();
        assert_eq!(sdf, 3, "{:?}", describe(&by_flags));
        assert!(by_flags.iter().all(|e| &*e.canonical == "SDF canonical"));
    }

    #[test]
    fn acronym_shapes() {
        assert!(is_acronym("CENTCOM"));
        assert!(is_acronym("SDF"));
        assert!(is_acronym("IRGC"));
        assert!(!is_acronym("G7"));
        assert!(!is_acronym("A"));
        assert!(!is_acronym("Nato"));
        assert!(initials_agree("SDF", "Syrian Democratic Forces"));
        assert!(initials_agree("CENTCOM", "U.S. Central Command"));
        assert!(!initials_agree("XYZ", "Syrian Democratic Forces"));
    }

    #[test]
    fn compound_end_agrees_with_its_walk() {
        // Names, lower-case parts, hyphens and dashes, glued or spaced at
        // random: the inline test ends every token's compound where the
        // walk does.
        let words = ["Ruiz", "Castell", "al", "Assad", "-", "-", "–", "Li", "te", "1", "É"];
        let mut rng = crate::testing::xorshift(0x6c07_8965_9f1b_3a4d);
        let mut next = |n: usize| (rng() % n as u64) as usize;
        let tokenizer = crate::tokenize::Tokenizer::new();
        let mut compounds = 0;
        for _ in 0..10_000 {
            let mut text = String::new();
            for _ in 0..1 + next(10) {
                text.push_str(["", " "][next(2)]);
                text.push_str(words[next(words.len())]);
            }
            let tokens = tokenizer.tokenize(&text);
            for i in 0..tokens.len() {
                let end = compound_walk(&text, &tokens, i);
                assert_eq!(compound_end(&text, &tokens, i), end, "{text:?} at {i}");
                compounds += usize::from(end > i + 1);
            }
        }
        assert!(compounds > 150, "{compounds}");
    }

    #[test]
    fn coverage_left_is_that_of_the_linked_entities() {
        let text = "Rajnath Singh met the Syrian Democratic Forces (SDF) in Paris. \
            Singh and the SDF left; Paris stayed.";
        let tokens = crate::tokenize::Tokenizer::new().tokenize(text);
        let entity = |from: &str, words: usize, label: &str| {
            let start = tokens.iter().position(|t| t.as_str(text) == from).unwrap();
            let span = crate::rules::token_span(&tokens, start..start + words);
            let name: Arc<str> = Arc::from(&text[span]);
            Entity::from_rule(span, start..start + words, Arc::from(label), name, Arc::from("r"))
        };
        let linked = |mut entities: Vec<Entity>| {
            let mut covered = vec![Some(7); 3];
            link_own(text, &tokens, &mut entities, &mut covered, (&[], 0, 0), true);
            let mut fresh = Vec::new();
            coverage_into(tokens.len(), &entities, &mut fresh);
            assert_eq!(covered, fresh);
            entities.len()
        };
        let person = entity("Rajnath", 2, "PERSON");
        let forces = entity("Syrian", 3, "ORGANIZATION");
        let paris = entity("Paris", 1, "LOCATION");
        // "Singh", "SDF" and "SDF" are added; then nothing is.
        assert_eq!(linked(vec![person, forces, paris.clone()]), 6);
        assert_eq!(linked(vec![paris]), 1);
    }

    /// The rule both ways of finding fullest names share: a fuller name
    /// holds every word of the person's and has more words, or the same
    /// words written longer; the longest fuller name wins, and fullest
    /// names of equal length with different canonicals decide nothing.
    #[test]
    fn fullest_of_picks_the_longest_fuller_name() {
        let [a, b, c]: [Arc<str>; 3] = [Arc::from("A"), Arc::from("B"), Arc::from("C")];
        let fullest = |words: &[&str], len, names: &[(&[&str], usize, &Arc<str>)]| {
            fullest_of(words, len, names.iter().copied()).map(|c| c.to_string())
        };
        let cb: &[&str] = &["Charles", "Brown"];
        let cqb: &[&str] = &["Charles", "Q", "Brown"];
        let lb: &[&str] = &["Li", "Brown"];
        // Nothing, itself, the same words no longer, or words it lacks.
        assert_eq!(fullest(cb, 13, &[]), None);
        assert_eq!(fullest(cb, 13, &[(cb, 13, &a)]), None);
        assert_eq!(fullest(cb, 13, &[(cb, 12, &a), (lb, 20, &b)]), None);
        // More words, or the same words written longer.
        assert_eq!(fullest(cb, 13, &[(cqb, 15, &a)]).as_deref(), Some("A"));
        assert_eq!(fullest(cb, 13, &[(cb, 19, &b)]).as_deref(), Some("B"));
        // A fuller name shorter than the person's own still counts...
        assert_eq!(fullest(cb, 20, &[(cqb, 15, &a)]).as_deref(), Some("A"));
        // ...and the longest fuller one wins, in any order.
        for names in [[(cqb, 15, &a), (cb, 19, &b)], [(cb, 19, &b), (cqb, 15, &a)]] {
            assert_eq!(fullest(cb, 13, &names).as_deref(), Some("B"));
        }
        // Fullest names of one length: the same canonical, or ambiguous.
        assert_eq!(fullest(cb, 13, &[(cqb, 15, &c), (cb, 15, &c)]).as_deref(), Some("C"));
        assert_eq!(fullest(cb, 13, &[(cqb, 15, &a), (cqb, 15, &b)]), None);
        assert_eq!(
            fullest(cb, 13, &[(cqb, 15, &a), (cqb, 15, &b), (cb, 19, &c)]).as_deref(),
            Some("C")
        );
    }

    /// Random entities over `tokens` of `text`: at each token, one time in
    /// `one_in`, an entity of 1 to `max_len` tokens (where that many are
    /// left) with a random label of `labels`, named by its text.
    fn random_entities(
        text: &str,
        tokens: &[Token],
        labels: &[&str],
        max_len: u64,
        one_in: u64,
        rng: &mut impl FnMut() -> u64,
    ) -> Vec<Entity> {
        let mut entities = Vec::new();
        let mut at = 0;
        while at < tokens.len() {
            let len = 1 + (rng() % max_len) as usize;
            if rng() % one_in == 0 && at + len <= tokens.len() {
                let span = crate::rules::token_span(tokens, at..at + len);
                let label = labels[(rng() % labels.len() as u64) as usize];
                let name: Arc<str> = Arc::from(&text[span]);
                let rule: Arc<str> = Arc::from("r");
                entities.push(Entity::from_rule(span, at..at + len, Arc::from(label), name, rule));
                at += len;
            } else {
                at += 1;
            }
        }
        entities
    }

    /// What linking may change of each entity.
    fn describe(v: &[Entity]) -> Vec<(Span, std::ops::Range<usize>, String, String)> {
        v.iter()
            .map(|e| (e.span, e.tokens.clone(), e.label.to_string(), e.canonical.to_string()))
            .collect()
    }

    /// Links `entities` with the shortcuts and without, and with the
    /// shortcuts and the rules' shapes as the capitals' flags (the
    /// extractor's way), asserts that all three give the same entities,
    /// coverage and links, and returns the entities of the general path.
    fn link_both_ways(
        text: &str,
        tokens: &[Token],
        entities: Vec<Entity>,
        round: usize,
    ) -> Vec<Entity> {
        let (mut fast, mut flagged, mut general) = (entities.clone(), entities.clone(), entities);
        let (mut c1, mut c2, mut c3) = (Vec::new(), Vec::new(), Vec::new());
        let l1 = link_own(text, tokens, &mut fast, &mut c1, (&[], 0, 0), true);
        let l2 = link_own(text, tokens, &mut general, &mut c2, (&[], 0, 0), false);
        let mut scratch = crate::patterns::Scratch::default();
        scratch.share_shapes(text, tokens);
        let l3 = link_own(text, tokens, &mut flagged, &mut c3, scratch.shared_capitals(), true);
        assert_eq!(describe(&fast), describe(&general), "round {round}: {text}");
        assert_eq!(describe(&fast), describe(&flagged), "round {round}: {text}");
        assert_eq!((&c1, &l1), (&c3, &l3), "round {round}: {text}");
        assert_eq!((c1, l1), (c2, l2), "round {round}: {text}");
        general
    }

    #[test]
    fn shortcuts_agree_with_the_general_path() {
        // Random texts of name words with random entities, none to a few
        // of them people (many texts with one, many with two where one name
        // is fuller or shares a key): linking with the shortcuts (no fuller
        // names for a lone person, a few keys in a list) and without gives
        // the same entities, canonicals, coverage and links.
        let words = ["Charles", "Brown", "Q.", "Jr", "Li", "Qiang", "said", "and", "(", "CB", ")"];
        let labels = ["PERSON", "PERSON", "ORGANIZATION", "LOCATION"];
        let tk = crate::tokenize::Tokenizer::new();
        let mut rng = crate::testing::xorshift(0xd1b5_4a32_d192_ed03);
        let (mut lone, mut changed) = (0, 0);
        for round in 0..3000 {
            let n = 1 + (rng() % 12) as usize;
            let text = crate::testing::random_text(&words, n, |k| (rng() % k as u64) as usize);
            let tokens = tk.tokenize(&text);
            let entities = random_entities(&text, &tokens, &labels, 3, 3, &mut rng);
            let persons = entities.iter().filter(|e| &*e.label == "PERSON").count();
            lone += usize::from(persons == 1);
            let before = describe(&entities);
            let general = link_both_ways(&text, &tokens, entities, round);
            changed +=
                usize::from(describe(&general)[..before.len().min(general.len())] != before[..]);
        }
        assert!(lone > 500 && changed > 100, "{lone} {changed}");
    }

    #[test]
    fn sieved_scans_agree_with_the_general_path() {
        // Longer random texts than above, with double-barrelled names
        // whose parts are also names ("Nowak-Lis", "Lis"), one-letter and
        // non-ASCII names, acronyms in brackets, and up to a dozen people:
        // the sieved scans and the comparisons of every two people give
        // what the general path gives. Counted: short mentions linked, and
        // parts of a double-barrelled name that a sieved scan finds as a
        // key but must step over.
        let words = [
            "Anna",
            "Nowak-Lis",
            "Lis",
            "Nowak",
            "X",
            "Malcolm",
            "Élise",
            "Émile",
            "Ivo",
            "Ivo-X",
            "said",
            "the",
            "-",
            "(",
            "NL",
            ")",
            "AN",
            "Nowak-Kowalska-Lis",
            "al-Lis",
        ];
        let labels = ["PERSON", "PERSON", "PERSON", "ORGANIZATION", "LOCATION"];
        let tk = crate::tokenize::Tokenizer::new();
        let mut rng = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        let (mut linked, mut stepped_over) = (0, 0);
        for round in 0..3000 {
            let n = 1 + (rng() % 40) as usize;
            let text = crate::testing::random_text(&words, n, |k| (rng() % k as u64) as usize);
            let tokens = tk.tokenize(&text);
            let entities = random_entities(&text, &tokens, &labels, 4, 2, &mut rng);
            let before = entities.len();
            let general = link_both_ways(&text, &tokens, entities, round);
            linked += general.len() - before;
            stepped_over += (2..tokens.len())
                .filter(|&i| {
                    inside_compound(&text, &tokens, i)
                        && general.iter().any(|e| &*e.label == "PERSON" && e.tokens.start == i - 2)
                })
                .count();
        }
        assert!(linked > 1000 && stepped_over > 100, "{linked} {stepped_over}");
    }

    #[test]
    fn sieves_find_every_string_added() {
        // Random strings of a few letters (one byte to six, some
        // non-ASCII), half of them added: every token whose text is one
        // added, and every word token where one starts (its first word
        // or a double-barrelled name), is found; and most others are not.
        let mut rng = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15);
        let letters = ["A", "b", "C", "d", "É", "x"];
        let tk = crate::tokenize::Tokenizer::new();
        let (mut found, mut passed, mut tokens_seen) = (0, 0, 0);
        for round in 0..500 {
            let pool: Vec<String> = (0..12)
                .map(|_| {
                    let len = 1 + (rng() % 6) as usize;
                    (0..len).map(|_| letters[(rng() % 6) as usize]).collect()
                })
                .collect();
            let (mut by_text, mut by_start) = (Sieve::default(), Sieve::default());
            let added: Vec<String> = pool.iter().step_by(2).cloned().collect();
            for s in &added {
                by_text.insert_text(s);
                by_start.insert_word_start(s);
            }
            let mut text = String::new();
            for _ in 0..30 {
                text.push_str(&pool[(rng() % pool.len() as u64) as usize]);
                text.push_str(["", " ", "-", " - ", ", "][(rng() % 5) as usize]);
            }
            let tokens = tk.tokenize(&text);
            let visit = |next: &dyn Fn(usize) -> usize| {
                let mut seen = Vec::new();
                let mut i = next(0);
                while i < tokens.len() {
                    seen.push(i);
                    i = next(i + 1);
                }
                seen
            };
            let texts = visit(&|i| by_text.next_text(&text, &tokens, i));
            let starts = visit(&|i| by_start.next_word_start(&text, &tokens, i));
            for (i, t) in tokens.iter().enumerate() {
                let rest = &text[t.span.start..];
                if added.iter().any(|s| t.as_str(&text) == s) {
                    assert!(texts.contains(&i), "round {round}: {text:?} at {i}");
                    found += 1;
                }
                if t.kind == TokenKind::Word && added.iter().any(|s| rest.starts_with(s.as_str())) {
                    assert!(starts.contains(&i), "round {round}: {text:?} at {i}");
                    found += 1;
                }
            }
            passed += texts.len() + starts.len();
            tokens_seen += 2 * tokens.len();
        }
        assert!(found > 5000, "{found}");
        assert!(passed * 2 < tokens_seen, "{passed} of {tokens_seen}");
    }

    #[test]
    fn coverage_in_blocks_is_the_general_coverage() {
        // Random entities, in order and apart (most rounds), or in any
        // order and overlapping, some empty or past the last token, some
        // longer than a block: the same owners as the general writing.
        let mut rng = crate::testing::xorshift(0x5851_f42d_4c95_7f2d);
        let mut next = |n: usize| (rng() % n as u64) as usize;
        let (mut cov, mut general) = (vec![Some(9); 3], Vec::new());
        let mut blocks = 0;
        for round in 0..5000 {
            let n = next(30);
            let ordered = next(4) != 0;
            let mut entities = Vec::new();
            let mut at = next(3);
            for _ in 0..next(12) {
                let (start, len) = if ordered { (at, 1 + next(6)) } else { (next(n + 3), next(7)) };
                let span = Span::new(start, start + len);
                let label: Arc<str> = Arc::from("X");
                entities.push(Entity::from_rule(
                    span,
                    start..start + len,
                    label.clone(),
                    label.clone(),
                    label,
                ));
                at = start + len + next(3);
                blocks += usize::from(ordered && start + len <= n && len <= COVER_BLOCK);
            }
            coverage_into(n, &entities, &mut cov);
            coverage_general(n, &entities, &mut general);
            assert_eq!(cov, general, "round {round}: {n} {entities:?}");
        }
        assert!(blocks > 3000, "{blocks}");
    }

    /// Mentions added by linking, inserted in order with the coverage
    /// renumbered from the first place that changed ([`insert_in_order`],
    /// [`cover_from`]), leave the entities and the coverage that appending,
    /// sorting and covering anew leave: random sorted entities (apart in
    /// most rounds, overlapping in some, a few empty or past the last
    /// token, some sharing a start and end), random added mentions on
    /// tokens no entity covers (marked as [`linked`] marks them; in some
    /// rounds anywhere, over the entities too), in any order, some with
    /// the same span as another.
    #[test]
    fn inserting_added_mentions_is_sorting_and_covering_anew() {
        let mut rng = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        let mut next = |n: usize| (rng() % n as u64) as usize;
        let mut moved = 0;
        for round in 0..5000 {
            let n = 1 + next(40);
            let apart = next(4) != 0;
            let entity = |start: usize, len: usize, tag: &str| {
                let name: Arc<str> = Arc::from(tag);
                let span = Span::new(start, start + len);
                Entity::from_rule(span, start..start + len, name.clone(), name.clone(), name)
            };
            let mut entities = Vec::new();
            let mut at = next(3);
            for k in 0..next(10) {
                let (start, len) = if apart { (at, 1 + next(5)) } else { (next(n + 2), next(6)) };
                entities.push(entity(start, len, &format!("e{k}")));
                at = start + len + next(3);
            }
            entities.sort_by_key(|e| (e.span.start, e.span.end));
            let mut covered = vec![Some(3); 2];
            coverage_into(n, &entities, &mut covered);
            let mut added = Vec::new();
            for k in 0..1 + next(FEW_ADDED) {
                let (start, len) = (next(n), 1 + next(3));
                let end = (start + len).min(n);
                let free = covered[start..end].iter().all(Option::is_none);
                if free || !apart {
                    let span = Span::new(start, start + len);
                    let label: Arc<str> = Arc::from(format!("a{k}").as_str());
                    added.push(linked(span, start..end, label.clone(), label, "r", &mut covered));
                    if next(4) == 0 {
                        // The same span again, told apart by its label.
                        let label: Arc<str> = Arc::from(format!("b{k}").as_str());
                        added.push(linked(
                            span,
                            start..end,
                            label.clone(),
                            label,
                            "r",
                            &mut covered,
                        ));
                    }
                }
            }
            let (mut sorted, mut fresh) = (entities.clone(), Vec::new());
            sorted.extend(added.iter().cloned());
            sorted.sort_by_key(|e| (e.span.start, e.span.end));
            coverage_into(n, &sorted, &mut fresh);
            let from = insert_in_order(&mut entities, added);
            moved += usize::from(from < entities.len());
            cover_from(n, &entities, from, &mut covered);
            assert_eq!(entities, sorted, "round {round}");
            assert_eq!(covered, fresh, "round {round}: {entities:?}");
        }
        assert!(moved > 3000, "{moved}");
    }

    /// [`share_entries`] gives each renamed mention (no entry, a text
    /// other than its canonical) the entry of an entity with the same
    /// canonical `Arc`, for a few renamed mentions (scanned) and for many
    /// (a table of entity numbers): mentions whose name no entity with an
    /// entry has keep none, and those with an entry keep theirs.
    #[test]
    fn renamed_mentions_share_the_entry_of_their_name() {
        use crate::gazetteer::Entry;
        let text = "aaaa bbbb cccc dddd";
        let names: Vec<Arc<str>> = ["Alpha", "Beta", "Gamma"].map(Arc::from).to_vec();
        let entries: Vec<Arc<Entry>> =
            names.iter().map(|n| Arc::new(Entry::new(n.to_string(), "ORGANIZATION"))).collect();
        let mut rng = crate::testing::xorshift(0x5851_f42d_4c95_7f2d);
        let mut shared = 0;
        for round in 0..400 {
            let mut entities = Vec::new();
            let mut want = Vec::new();
            for _ in 0..(rng() % 24) {
                let which = (rng() % 4) as usize;
                let with_entry = rng() % 3 == 0;
                // Over "aaaa", none of them written as its canonical.
                let (canonical, label) = match which {
                    3 => (Arc::from("Delta"), "PERSON"),
                    w => (names[w].clone(), if rng() % 2 == 0 { "PERSON" } else { "ORGANIZATION" }),
                };
                let mut e = Entity::from_rule(
                    Span::new(0, 4),
                    0..1,
                    Arc::from(label),
                    canonical,
                    Arc::from("r"),
                );
                if with_entry && which < 3 {
                    e.entry = Some(entries[which].clone());
                }
                want.push(which);
                entities.push(e);
            }
            let has = |w: usize| {
                w < 3
                    && entities
                        .iter()
                        .any(|e| e.entry.as_ref().is_some_and(|x| Arc::ptr_eq(x, &entries[w])))
            };
            let want: Vec<Option<usize>> = want
                .iter()
                .zip(&entities)
                .map(|(&w, e)| (e.entry.is_some() || has(w)).then_some(w))
                .collect();
            share_entries(text, &mut entities);
            let got: Vec<Option<usize>> = entities
                .iter()
                .map(|e| {
                    e.entry
                        .as_ref()
                        .map(|x| entries.iter().position(|y| Arc::ptr_eq(x, y)).unwrap())
                })
                .collect();
            assert_eq!(got, want, "round {round}");
            shared += got.iter().flatten().count();
        }
        assert!(shared > 1000, "{shared}");
    }

    #[test]
    fn a_key_renames_a_mention_of_it_alone() {
        // "Brown" alone is named by the key scan after the first person
        // with the key, "Chas Brown" (whose entry's canonical is "Charles
        // Brown"), not after the fullest name ("Charles Brown" written so,
        // no entry), which has the same canonical in another `Arc`: so it
        // takes that entry. The shortcut that looks up no word of an entity
        // but such a mention must still look this one up.
        use crate::gazetteer::Entry;
        let text = "Chas Brown met Charles Brown . Brown said";
        let tokens = crate::tokenize::Tokenizer::new().tokenize(text);
        let entry = Arc::new(Entry::new("Charles Brown".to_string(), "PERSON"));
        for shortcuts in [true, false] {
            let person = |at: Range<usize>, canonical: &str| {
                let span = crate::rules::token_span(&tokens, at.clone());
                Entity::from_rule(
                    span,
                    at,
                    Arc::from("PERSON"),
                    Arc::from(canonical),
                    Arc::from("r"),
                )
            };
            let mut chas = person(0..2, "Charles Brown");
            chas.entry = Some(entry.clone());
            let mut entities = vec![chas, person(3..5, "Charles Brown"), person(6..7, "Brown")];
            let mut covered = Vec::new();
            link_own(text, &tokens, &mut entities, &mut covered, (&[], 0, 0), shortcuts);
            let brown = &entities[2];
            assert_eq!(&text[brown.span], "Brown");
            assert!(Arc::ptr_eq(&brown.canonical, &entities[0].canonical), "{shortcuts}");
            assert!(brown.entry.as_ref().is_some_and(|e| Arc::ptr_eq(e, &entry)), "{shortcuts}");
        }
    }

    #[test]
    fn starts_upper_agrees_with_chars() {
        // Every ASCII byte first, and non-ASCII letters of both cases.
        let mut words: Vec<String> = (0u8..0x80).map(|b| format!("{}x", char::from(b))).collect();
        words.extend(
            ["", "Élise", "élise", "Ωmega", "ωmega", "\u{212a}elvin", "北京", "ǅx", "\u{2160}x"]
                .map(str::to_owned),
        );
        for w in &words {
            assert_eq!(starts_upper(w), w.chars().next().is_some_and(char::is_uppercase), "{w:?}");
        }
    }

    /// `full_name_at` finds a full name spelled word by word from a token
    /// (a double-barrelled name as one word), the longest when several
    /// are, none when the longest two disagree, and no one-word name.
    #[test]
    fn full_names_are_found_whole_and_longest_first() {
        // People by their canonicals, each person's words as written.
        let people = |names: &[(&'static str, &'static str)]| {
            let mut words: Vec<&str> = Vec::new();
            let mut persons = Vec::new();
            let mut entities = Vec::new();
            for (k, &(written, canonical)) in names.iter().enumerate() {
                let from = words.len();
                words.extend(written.split(' '));
                persons.push((k, from..words.len()));
                let (span, label, rule) = (Span::new(0, 0), Arc::from("PERSON"), Arc::from("r"));
                entities.push(Entity::from_rule(span, 0..0, label, Arc::from(canonical), rule));
            }
            (words, persons, entities)
        };
        let full = [
            ("Boris Volkonsky", "Boris Volkonsky"),
            ("Boris Volkonsky Petrov", "Boris Volkonsky Petrov"),
            ("Ana Ruiz-Castell", "Ana Ruiz-Castell"),
            ("Li Wenhao", "Li Wenhao"),
            ("Boris", "Boris"),
        ];
        let at = |text: &str, names: &[(&'static str, &'static str)]| {
            let (words, persons, entities) = people(names);
            let tokens = crate::tokenize::Tokenizer::new().tokenize(text);
            let found = full_name_at(text, &tokens, 0, &persons, &words, &entities);
            found.map(|(end, c)| (end, c.to_string()))
        };
        let found = |text: &str| at(text, &full);
        assert_eq!(found("Boris Volkonsky left"), Some((2, "Boris Volkonsky".into())));
        assert_eq!(
            found("Boris Volkonsky Petrov left"),
            Some((3, "Boris Volkonsky Petrov".into()))
        );
        assert_eq!(found("Ana Ruiz-Castell left"), Some((4, "Ana Ruiz-Castell".into())));
        assert_eq!(found("Li Wenhao"), Some((2, "Li Wenhao".into())));
        // Not the name: a part missing, cut, glued, joined, or in another case.
        for text in [
            "Boris left",
            "Boris Volkonskyi left",
            "Ana Ruiz left",
            "Ana Ruiz-Castellano",
            "Boris-Volkonsky",
            "Li Wenhao-Chen",
            "boris Volkonsky",
            "Volkonsky Boris",
            "",
        ] {
            assert_eq!(found(text), None, "{text:?}");
        }
        // Two full names of the same words with different canonicals: none;
        // with the same canonical, or a longer one there too, it is found.
        let mut twice = full.to_vec();
        twice.push(("Boris Volkonsky", "Boris I. Volkonsky"));
        assert_eq!(at("Boris Volkonsky left", &twice), None);
        assert_eq!(
            at("Boris Volkonsky Petrov", &twice),
            Some((3, "Boris Volkonsky Petrov".into()))
        );
        let mut same = full.to_vec();
        same.push(full[0]);
        assert_eq!(at("Boris Volkonsky left", &same), Some((2, "Boris Volkonsky".into())));
    }

    #[test]
    fn double_barrelled_name_words() {
        let words = |text: &str| {
            let tokens = crate::tokenize::Tokenizer::new().tokenize(text);
            let mut words = Vec::new();
            name_words_into(text, &tokens, &mut words);
            words.into_iter().map(str::to_owned).collect::<Vec<_>>()
        };
        assert_eq!(words("Aïcha Diallo-Konaté"), ["Aïcha", "Diallo-Konaté"]);
        assert_eq!(words("Anna Nowak-Kowalska-Lis"), ["Anna", "Nowak-Kowalska-Lis"]);
        // Lower-case parts and spaced dashes do not join.
        assert_eq!(words("Bashar al-Assad"), ["Bashar", "Assad"]);
        assert_eq!(words("Lai Ching-te"), ["Lai", "Ching"]);
        assert_eq!(words("Ana Silva - Pereira"), ["Ana", "Silva", "Pereira"]);
    }

    #[test]
    fn token_starts_upper_agrees_with_starts_upper() {
        // Tokens starting with every ASCII byte, and with non-ASCII
        // letters of both cases and other characters.
        let mut text: String = (0u8..0x80).map(|b| format!("{}x ", char::from(b))).collect();
        text.push_str(
            "Élise élise Ωmega ωmega \u{212a}elvin 北京 ǅx \u{2160}x Kosiniak-Kamysz «Q» ’s",
        );
        let tokens = crate::tokenize::Tokenizer::new().tokenize(&text);
        assert!(tokens.len() > 150);
        let mut upper = 0;
        for t in &tokens {
            let general = starts_upper(t.as_str(&text));
            assert_eq!(token_starts_upper(&text, t), general, "{:?}", t.as_str(&text));
            upper += usize::from(general);
        }
        assert!(upper > 30);
    }

    /// The capitals' flag (`Cap` of the rules' shapes) is set on every
    /// token whose first character is a capital, of any kind and script:
    /// the scans for name keys, acronyms and initials read only the
    /// flagged tokens, and pass over the others without reading their
    /// text, which is exact only so. Every capital of Unicode is tried
    /// alone, before letters, digits, a period, an apostrophe, after a
    /// hyphen and in brackets (words, abbreviations, designators; and
    /// symbols such as "Ⓐ", were the tokenizer to make any).
    #[test]
    fn every_token_starting_with_a_capital_has_the_flag() {
        let capitals: Vec<char> = (0..=0x10ffff)
            .filter_map(char::from_u32)
            .filter(|c| c.is_uppercase() || starts_upper(c.encode_utf8(&mut [0; 4])))
            .collect();
        assert!(capitals.len() > 1500 && capitals.contains(&'Ö') && capitals.contains(&'İ'));
        let mut text = String::new();
        for c in &capitals {
            for form in ["{} ", "{}x ", "{}ö ", "{}1 ", "{}. ", "{}'s ", "x-{} ", "({}) ", "{}{} "]
            {
                text.push_str(&form.replace("{}", &c.to_string()));
            }
        }
        let tokens = crate::tokenize::Tokenizer::new().tokenize(&text);
        let mut scratch = crate::patterns::Scratch::default();
        scratch.share_shapes(&text, &tokens);
        let (flags, _, cap) = scratch.shared_capitals();
        assert_eq!(flags.len(), tokens.len());
        let mut kinds = Vec::new();
        for (t, &f) in tokens.iter().zip(flags) {
            if token_starts_upper(&text, t) {
                assert!(f & cap != 0, "{:?} ({:?})", t.as_str(&text), t.kind);
                if !kinds.contains(&t.kind) {
                    kinds.push(t.kind);
                }
            }
        }
        for kind in [TokenKind::Word, TokenKind::Abbreviation, TokenKind::Designator] {
            assert!(kinds.contains(&kind), "{kinds:?}");
        }
    }

    /// [`flagged`] sets the bit of each flagged token and no other, over
    /// lengths around whole words of 64 tokens.
    #[test]
    fn flagged_tokens_as_bits() {
        let mut rng = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        for n in (0..200).chain([255, 256, 257]) {
            let flags: Vec<u16> = (0..n).map(|_| rng() as u16 & 0b110).collect();
            let mut bits = vec![!0; n / 64 + 1];
            flagged(&flags, 0b10, &mut bits);
            for i in 0..bits.len() * 64 {
                let want = flags.get(i).is_some_and(|f| f & 0b10 != 0);
                assert_eq!(bits[i / 64] >> (i % 64) & 1 != 0, want, "{n} {i}");
            }
        }
    }

    /// [`four_flags`] gives each of four flags' bit `shift`, for every
    /// shift and any flags, all bits set or none among them (a carry
    /// between the gathered products would show there).
    #[test]
    fn four_flags_gathers_each_flags_bit() {
        let mut rng = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        let mut sets = 0;
        for round in 0..20_000 {
            let four: [u16; 4] = match round % 4 {
                0 => [!0; 4],
                1 => std::array::from_fn(|_| if rng() & 1 == 0 { !0 } else { 0 }),
                _ => std::array::from_fn(|_| rng() as u16),
            };
            for shift in 0..16 {
                let want = (0..4).fold(0, |m, j| m | u64::from(four[j] >> shift & 1) << j);
                assert_eq!(four_flags(&four, shift), want, "{four:x?} {shift}");
                sets += usize::from(want != 0);
            }
        }
        assert!(sets > 200_000, "{sets}");
    }

    /// A [`CapitalSet`] is [`flagged`]'s set of its flags, short or long,
    /// made once: the same on every call; none when the flags are not one
    /// a token.
    #[test]
    fn capital_set_is_the_flagged_set() {
        let mut rng = crate::testing::xorshift(0x5851_f42d_4c95_7f2d);
        for n in [0, 1, 63, 64, 65, 1023, 1024, 1025, 3000] {
            let flags: Vec<u16> = (0..n).map(|_| rng() as u16 & 0b11).collect();
            let mut want = vec![0; n / 64 + 1];
            flagged(&flags, 0b10, &mut want);
            let mut set = CapitalSet::new(&flags, 0b10, n);
            for _ in 0..2 {
                assert_eq!(set.get(), Some(&want[..]), "{n}");
            }
            assert_eq!(CapitalSet::new(&flags, 0b10, n + 1).get(), None);
        }
    }

    /// The capitals' flags find what the tokens' text finds, in texts
    /// long enough to fill several words of [`flagged`]: name keys of
    /// non-ASCII capitals ("Özil", "İnan"), double-barrelled names,
    /// acronyms defined and undefined, abbreviations and designators.
    #[test]
    fn capital_flags_link_as_the_text_does() {
        let words = [
            "Özil",
            "İnan",
            "Mesut",
            "Ali",
            "Kosiniak-Kamysz",
            "Kamysz",
            "Gen.",
            "F-35",
            "Su-35",
            "said",
            "the",
            "and",
            "(SDF)",
            "SDF",
            "Syrian",
            "Democratic",
            "Forces",
            "ÖZ",
            "Ⓐ",
            "Élise",
            "x",
            ",",
            "İSİS",
        ];
        let labels = ["PERSON", "PERSON", "ORGANIZATION", "LOCATION"];
        let tk = crate::tokenize::Tokenizer::new();
        let mut rng = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15);
        let mut linked = 0;
        for round in 0..1500 {
            let n = 1 + (rng() % 120) as usize;
            let text = crate::testing::random_text(&words, n, |k| (rng() % k as u64) as usize);
            let tokens = tk.tokenize(&text);
            let entities = random_entities(&text, &tokens, &labels, 3, 4, &mut rng);
            let before = entities.len();
            linked += link_both_ways(&text, &tokens, entities, round).len() - before;
        }
        assert!(linked > 1000, "{linked}");
    }
}
