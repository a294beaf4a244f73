//! Persons the gazetteer knows, named by one word: "Putin met Erdogan in
//! Sochi" names Vladimir Putin and Recep Tayyip Erdoğan, though no full
//! name is written.
//!
//! A `PERSON` entry lists the words that news use alone for it in its
//! metadata, under [`SHORT_NAMES`] (`|`-separated: `Zelensky|Zelenskyy`).
//! They are not aliases: an alias is matched wherever it is written, and a
//! surname alone is weaker evidence than that. After in-document linking
//! has given each surname the person of its own text ("Singh told
//! reporters" after "Rajnath Singh"), [`ShortNames::link`]:
//!
//! - gives a person found by a rule and named by one word ("President
//!   Putin", canonical `Putin`) the entry whose short name that word is;
//! - makes an entity of a short name that nothing covers, written as
//!   listed or in capitals, when it stands alone: no capitalised word that
//!   nothing covers is next to it ("Hafez Assad" is someone else), it is
//!   not part of a hyphenated word, and no person of the text has it among
//!   their name words (that person is meant, and linking decides).
//!
//! A short name that two entries list names neither. The embedded people
//! list gets its short names from `scripts/gen_gazetteer.py`, which leaves
//! out common census surnames, given names and English words (DATA.md).

use super::{CompiledEntry, Entry};
use crate::document::{Entity, Source};
use crate::error::{Error, ErrorKind};
use crate::hash::FastBuildHasher;
use crate::linking::capital_after;
use crate::normalize;
use crate::tokenize::{Token, TokenKind, Tokenizer};
use crate::vocab::Vocab;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The metadata key under which a `PERSON` entry lists its short names,
/// separated by `|` (the TSV column `meta.short_names`).
///
/// # Examples
///
/// ```
/// use recon::gazetteer::SHORT_NAMES;
/// use recon::{Entry, Extractor};
///
/// let person = Entry::new("Ivan Petrovsky", "PERSON").meta(SHORT_NAMES, "Petrovsky|Petrowski");
/// let x = Extractor::builder().default_gazetteer(false).entry(person).build()?;
/// let doc = x.extract("Petrovsky arrived on Monday.");
/// assert_eq!(doc.entities()[0].canonical(), "Ivan Petrovsky");
/// assert_eq!(doc.entities()[0].source().to_string(), "rule:short_name");
/// // Another given name before it: someone else, left alone.
/// let doc = x.extract("Anna Petrovsky arrived on Monday.");
/// assert!(doc.entities().iter().all(|e| e.canonical() != "Ivan Petrovsky"));
/// # Ok::<(), recon::Error>(())
/// ```
pub const SHORT_NAMES: &str = "short_names";

/// The rule name of the entities [`ShortNames::link`] adds
/// (`rule:short_name` in output).
const RULE: &str = "short_name";

/// The short names of a gazetteer's persons, compiled with it.
#[derive(Debug, Default)]
pub(crate) struct ShortNames {
    /// One bit for each vocabulary number, set for the normal form of a
    /// short name: the scan reads the gazetteer's number of each token,
    /// which it has already, rather than the token's text.
    bits: Vec<u64>,
    /// Each short name as listed and in capitals, to the index of the
    /// entry that lists it; `None` when two entries do.
    names: HashMap<Box<str>, Option<u32>, FastBuildHasher>,
    /// Whether every short name, as listed and in capitals, starts with a
    /// capital ([`crate::linking::starts_upper`]): then only the tokens
    /// with the capital flag can be one, and the scan reads those alone.
    capitalised: bool,
}

impl ShortNames {
    /// The short names of the `PERSON` entries of `entries`, their normal
    /// forms interned in `vocab` (so that a short name no alias has is
    /// numbered too).
    ///
    /// # Errors
    ///
    /// When a short name is not one word (one word token), naming the entry.
    pub(crate) fn build(
        entries: &[Arc<Entry>],
        tk: &Tokenizer,
        vocab: &mut Vocab,
    ) -> Result<ShortNames, Error> {
        let mut names: HashMap<Box<str>, Option<u32>, FastBuildHasher> = HashMap::default();
        let mut ids = Vec::new();
        let mut norm = String::new();
        for (i, entry) in entries.iter().enumerate() {
            if entry.label() != "PERSON" {
                continue;
            }
            let Some(list) = entry.get_meta(SHORT_NAMES) else { continue };
            for name in list.split('|').map(str::trim).filter(|n| !n.is_empty()) {
                let tokens = tk.tokenize(name);
                let [token] = tokens.as_slice() else {
                    return Err(not_one_word(entry, name));
                };
                if token.kind != TokenKind::Word || token.span.len() != name.len() {
                    return Err(not_one_word(entry, name));
                }
                norm.clear();
                normalize::push_token(name, token, &mut norm);
                ids.push(vocab.intern(&norm)?);
                for form in [name.to_string(), name.to_uppercase()] {
                    let owner = names.entry(form.into_boxed_str()).or_insert(Some(i as u32));
                    if *owner != Some(i as u32) {
                        *owner = None;
                    }
                }
            }
        }
        let mut bits = Vec::new();
        if !names.is_empty() {
            bits = vec![0u64; (vocab.len() + 1).div_ceil(64)];
            for id in ids {
                bits[id as usize >> 6] |= 1 << (id & 63);
            }
        }
        let capitalised = names.keys().all(|k| crate::linking::starts_upper(k));
        Ok(ShortNames { bits, names, capitalised })
    }

    /// True when no entry has a short name.
    pub(crate) fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Bytes of heap memory the tables use (the map's keys counted at
    /// their length).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.bits.capacity() * 8
            + self.names.capacity() * std::mem::size_of::<(Box<str>, Option<u32>)>()
            + self.names.keys().map(|k| k.len()).sum::<usize>()
    }

    /// The entry a short name written `word` names, when exactly one does.
    fn owner(&self, word: &str) -> Option<u32> {
        self.names.get(word).copied().flatten()
    }

    /// Whether vocabulary number `id` is the normal form of a short name
    /// (0 or 1). The miss number (the vocabulary's length) has a bit, never
    /// set, so that every number a token has is in the table; a number past
    /// it has none.
    #[inline]
    fn bit(&self, id: u32) -> u64 {
        self.bits.get(id as usize >> 6).map_or(0, |w| w >> (id & 63) & 1)
    }

    /// The first place at or after `from` in `ids` (the gazetteer's numbers
    /// of a text's tokens) whose number is a short name's, or `ids.len()`
    /// when none is. Four numbers are tested a step, their bits ORed, with
    /// one branch for the four: few tokens have a bit, and the loop a token
    /// it replaces (an index loop, as iterators cost 20 to 50 % more) took
    /// ≈ 14 instructions a token. The scan when some short name starts
    /// with no capital (`ShortNames::next_marked_among` otherwise).
    fn next_marked(&self, ids: &[u32], from: usize) -> usize {
        let rest = ids.get(from..).unwrap_or_default();
        let mut blocks = rest.chunks_exact(4);
        let mut at = from;
        for four in &mut blocks {
            let b = self.bit(four[0]) | self.bit(four[1]) | self.bit(four[2]) | self.bit(four[3]);
            if b != 0 {
                return at + four.iter().take_while(|&&id| self.bit(id) == 0).count();
            }
            at += 4;
        }
        at + blocks.remainder().iter().take_while(|&&id| self.bit(id) == 0).count()
    }

    /// [`ShortNames::next_marked`] among the places of `among`, a bit set
    /// of places (place `i` is bit `i % 64` of word `i / 64`; those past
    /// `ids` are not read): the capitalised tokens, so that most numbers
    /// are not read at all. With it `ShortNames::link` went from 2.92 M to
    /// ≈ 1.1 M instructions on the benchmark run (extraction 247.38 M →
    /// 245.71 M).
    fn next_marked_among(&self, ids: &[u32], among: &[u64], from: usize) -> usize {
        crate::swar::first_set_from(among, from, ids.len(), |i| {
            ids.get(i).map(|&id| self.bit(id) != 0)
        })
    }

    /// Links the short names of `text` (see the module docs). `ids` are the
    /// gazetteer's numbers of `tokens`, `entities` are sorted and linked,
    /// and `covered` is their coverage ([`crate::linking::coverage_into`]),
    /// brought up to date when entities are added. `capitals` is the set of
    /// the tokens with the capital flag (`linking::CapitalSet`), when made:
    /// the scan reads only those if every short name starts with a capital.
    /// `entry` gives the compiled entry of an index.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn link<'g>(
        &self,
        text: &str,
        tokens: &[Token],
        ids: &[u32],
        entities: &mut Vec<Entity>,
        covered: &mut Vec<Option<usize>>,
        capitals: Option<&[u64]>,
        entry: impl Fn(u32) -> &'g CompiledEntry,
    ) {
        if self.is_empty() {
            return;
        }
        // The name words of the text's persons, made once when first asked
        // for (a scan of the entities for each word made a text of many
        // one-word persons quadratic).
        let mut person_words: Option<WordSet<'_>> = None;
        let mut named_in_text = |entities: &[Entity], word: &str| {
            person_words.get_or_insert_with(|| name_words(text, tokens, entities)).contains(word)
        };
        // Persons a rule found by one word ("President Putin"), or linked
        // to none (two people of the text share it).
        for k in 0..entities.len() {
            let e = &entities[k];
            if e.entry.is_some() || &*e.label != "PERSON" || e.canonical.contains(' ') {
                continue;
            }
            let Some(owner) = self.owner(&e.canonical) else { continue };
            if named_in_text(entities, &e.canonical) {
                continue;
            }
            let c = entry(owner);
            let e = &mut entities[k];
            e.canonical = c.canonical.clone();
            e.entry = Some(c.entry.clone());
        }
        let mut added = Vec::new();
        let n = tokens.len().min(ids.len()).min(covered.len());
        let ids = &ids[..n];
        let capitals = capitals.filter(|_| self.capitalised);
        let mut from = 0;
        loop {
            // Nearly every token's number has no bit: the scan reads only
            // the capitalised tokens' when every short name starts with a
            // capital, else all four at a time (see `next_marked`).
            let i = match capitals {
                Some(among) => self.next_marked_among(ids, among, from),
                None => self.next_marked(ids, from),
            };
            if i >= n {
                break;
            }
            from = i + 1;
            if covered[i].is_some() {
                continue;
            }
            let t = &tokens[i];
            let word = t.as_str(text);
            let Some(k) = self.owner(word) else { continue };
            if !stands_alone(text, tokens, covered, i) || named_in_text(entities, word) {
                continue;
            }
            let c = entry(k);
            added.push(Entity {
                span: t.span,
                tokens: i..i + 1,
                label: c.label.clone(),
                canonical: c.canonical.clone(),
                source: Source::Rule(Arc::from(RULE)),
                entry: Some(c.entry.clone()),
                alternatives: Vec::new(),
            });
        }
        if !added.is_empty() {
            entities.extend(added);
            entities.sort_by_key(|e| (e.span.start, e.span.end));
            crate::linking::coverage_into(tokens.len(), entities, covered);
        }
    }
}

/// The error for a short name of `entry` that is not one word.
fn not_one_word(entry: &Entry, name: &str) -> Error {
    let id = entry.stable_id().map(|id| format!(" ({id})")).unwrap_or_default();
    Error::new(ErrorKind::Build(format!(
        "entry {:?}{id}: short name {name:?} in meta.{SHORT_NAMES} is not one word",
        entry.canonical()
    )))
}

/// True when token `i` is a word of its own: not joined by a hyphen or an
/// apostrophe to the text before it, nor by a hyphen to the text after, and
/// with no capitalised word that nothing covers right before or after it
/// (where it would be part of a name no entity has). A word in capitals
/// is in a line in capitals ("PUTIN ARRIVES IN MINSK"), where every word
/// is: words in capitals next to it do not count.
fn stands_alone(text: &str, tokens: &[Token], covered: &[Option<usize>], i: usize) -> bool {
    let b = text.as_bytes();
    let t = &tokens[i];
    let glued_before = t.span.start > 0 && matches!(b[t.span.start - 1], b'-' | b'\'');
    let glued_after = b.get(t.span.end) == Some(&b'-');
    if glued_before || glued_after {
        return false;
    }
    let in_capitals = |s: &str| !s.chars().any(char::is_lowercase);
    let capitals = in_capitals(t.as_str(text));
    let unknown_name = |j: usize| {
        capital_after(text, tokens, covered, j)
            && !(capitals && in_capitals(tokens[j].as_str(text)))
    };
    !(unknown_name(i + 1) || i > 0 && unknown_name(i - 1))
}

/// A set of words of a text.
type WordSet<'t> = HashSet<&'t str, FastBuildHasher>;

/// The words of the person entities of two tokens or more: a short name
/// among them is that person's, whom linking decides about.
fn name_words<'t>(text: &'t str, tokens: &[Token], entities: &[Entity]) -> WordSet<'t> {
    entities
        .iter()
        .filter(|e| &*e.label == "PERSON" && e.tokens.len() > 1)
        .filter_map(|e| tokens.get(e.tokens.clone()))
        .flatten()
        .map(|t| t.as_str(text))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `next_marked`, read four numbers at a time, finds the place the
    /// per-token test finds from every start: numbers with and without a
    /// bit, past the table, and hits in every place of a block of four and
    /// in the tail after the last block. `next_marked_among` finds the
    /// first such place of its set, which can end before the numbers or
    /// go past them.
    #[test]
    fn next_marked_finds_the_first_number_with_a_bit() {
        let mut rng = crate::testing::xorshift(0x5EED_0019);
        for round in 0..400 {
            // A table of 3 words (numbers below 192); numbers up to 255, so
            // that some are past it.
            let bits: Vec<u64> = (0..3).map(|_| rng() & rng() & rng()).collect();
            let names = ShortNames { bits, names: HashMap::default(), capitalised: true };
            let len = (rng() % 23) as usize;
            let sparse = round % 2 == 0;
            let ids: Vec<u32> = (0..len)
                .map(|_| {
                    let id = (rng() % 256) as u32;
                    // Sparse rounds: mostly numbers with no bit (as in text).
                    if sparse && rng() % 4 != 0 {
                        200 + id % 50
                    } else {
                        id
                    }
                })
                .collect();
            let marked = |id: u32| {
                names.bits.get(id as usize / 64).is_some_and(|w| w & (1u64 << (id % 64)) != 0)
            };
            // A set of places over 0 to 3 words, some past `ids`.
            let among: Vec<u64> = (0..rng() % 4).map(|_| rng() | rng()).collect();
            let in_among = |i: usize| among.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 != 0);
            for from in 0..=len {
                let want = (from..len).find(|&i| marked(ids[i])).unwrap_or(len);
                assert_eq!(names.next_marked(&ids, from), want, "{ids:?} from {from}");
                let want = (from..len).find(|&i| in_among(i) && marked(ids[i])).unwrap_or(len);
                let got = names.next_marked_among(&ids, &among, from);
                assert_eq!(got, want, "{ids:?} among {among:x?} from {from}");
            }
        }
    }

    /// A short name listed in lower case is found, though no capital flag
    /// marks its token: the scan reads only the capitalised tokens when
    /// every short name starts with a capital, and else all of them.
    #[test]
    fn short_names_in_lower_case_are_read_among_all_tokens() {
        use crate::{Entry, Extractor};
        let x = |names: &str| {
            let mut b = Extractor::builder();
            b.default_gazetteer(false);
            b.entry(Entry::new("Ivan Petrovsky", "PERSON").meta(SHORT_NAMES, names));
            b.build().expect("builds")
        };
        let canonicals = |x: &Extractor, text: &str| {
            let doc = x.extract(text);
            doc.entities().iter().map(|e| e.canonical().to_owned()).collect::<Vec<_>>()
        };
        let capitalised = x("Petrovsky");
        assert!(capitalised.gazetteer().inner.short_names.capitalised);
        let found = canonicals(&capitalised, "The talks ended after Petrovsky left.");
        assert!(found.iter().any(|c| c == "Ivan Petrovsky"), "{found:?}");
        let lower = x("Petrovsky|vanya");
        assert!(!lower.gazetteer().inner.short_names.capitalised);
        for text in ["The talks ended after vanya left.", "The talks ended after Petrovsky left."] {
            let found = canonicals(&lower, text);
            assert!(found.iter().any(|c| c == "Ivan Petrovsky"), "{text:?}: {found:?}");
        }
    }
}
