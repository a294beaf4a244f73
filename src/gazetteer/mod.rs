//! The gazetteer: a dictionary of entries compiled into one Aho-Corasick
//! automaton, matched against tokenized text.
//!
//! # How matching works
//!
//! Aliases and text are both tokenized and written in their normal forms
//! (see `normalize`), tokens joined by one space, sentences by a NUL. Every
//! key is wrapped in spaces, so a match always starts and ends on token
//! boundaries ("China" is not found in "chinaware", nor "Su-35" in
//! "Su-355"). The automaton uses leftmost-longest semantics, so "South China
//! Sea" wins over "China" and "PLA General Armaments Department" over "PLA".
//!
//! Variants are keys too: designators with and without the hyphen or space
//! (`Su-35`, `SU-35`, `Su 35`, `Su35`), a word and a number joined (`Type
//! 055`, `Type-055`), abbreviations without dots, and plurals (`F-16s`,
//! `Rafales`: the span ends before the plural ending). Possessives need no
//! variant: the tokenizer splits `Israel's` into `Israel` and `'s`.
//!
//! Then letter case is checked (see [`CaseMode`]).
//!
//! # When several entries share an alias
//!
//! All entries that share the matched key and agree in case are
//! candidates. The chosen entry is, in order: one that matches the whole
//! word rather than through a plural ending ("Hamas" is not the plural of
//! "Hama"); one whose alias is written exactly as in the text; then the one with the higher priority (see
//! [`GazetteerBuilder::priority`]; user files are loaded above the embedded
//! defaults); then the one added first. The others are kept as
//! [`GazMatch::alternatives`].

mod entry;
mod keys;
mod load;

pub use entry::{CaseMode, Entry, EntryId};

use crate::error::{Error, ErrorKind};
use crate::limits::Limits;
use crate::span::Span;
use crate::tokenize::{Sentence, Token, Tokenizer};
use aho_corasick::{AhoCorasick, Input, MatchKind};
use keys::{alias_keys, case_agrees, CaseRule};
use load::Origin;
use std::collections::HashMap;
use std::io::Read;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// Collects entries, then compiles them into a [`Gazetteer`].
///
/// Entries accumulate: add them one by one, or from TSV or JSON Lines
/// files (format: [module docs](crate::gazetteer)). A bad line is reported with
/// its file, line and column, and the good lines of the same file are kept.
///
/// # Examples
///
/// ```
/// use recon::{Entry, GazetteerBuilder};
///
/// let mut gaz = GazetteerBuilder::new();
/// gaz.add(Entry::new("Iron Dome", "WEAPON_SYSTEM").id("wpn:iron-dome"))?;
/// gaz.add_tsv_str("canonical\tlabel\taliases\nIsrael\tLOCATION\tState of Israel\n", Some("places.tsv"))?;
/// let gaz = gaz.build()?;
/// let text = "Israel's Iron Dome batteries";
/// let names: Vec<&str> = gaz.find_all(text).iter().map(|m| &text[m.span]).collect();
/// assert_eq!(names, ["Israel", "Iron Dome"]);
/// # Ok::<(), recon::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct GazetteerBuilder {
    entries: Vec<Entry>,
    priorities: Vec<i32>,
    ids: HashMap<String, usize>,
    priority: i32,
    limits: Limits,
    /// Aliases (canonical names included) added so far.
    alias_count: usize,
}

impl GazetteerBuilder {
    /// An empty builder.
    pub fn new() -> GazetteerBuilder {
        GazetteerBuilder::default()
    }

    /// Sets the priority of the entries added from now on (default 0).
    /// Where entries share an alias, the higher priority wins.
    pub fn priority(&mut self, priority: i32) -> &mut GazetteerBuilder {
        self.priority = priority;
        self
    }

    /// Sets the caps on aliases checked as entries are added (default:
    /// [`Limits::default`]): an alias longer than
    /// [`Limits::max_alias_bytes`], or an entry past
    /// [`Limits::max_aliases`], is an [`ErrorKind::Limit`] error.
    pub fn limits(&mut self, limits: Limits) -> &mut GazetteerBuilder {
        self.limits = limits;
        self
    }

    /// The number of entries added so far.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no entry has been added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds one entry.
    ///
    /// # Errors
    ///
    /// When the canonical name, the label or an alias is empty, or the
    /// entry's stable id is already taken.
    pub fn add(&mut self, entry: Entry) -> Result<EntryId, Error> {
        self.add_at(entry, None, None)
    }

    fn add_at(
        &mut self,
        entry: Entry,
        path: Option<&str>,
        origin: Option<Origin>,
    ) -> Result<EntryId, Error> {
        let locate = |kind: ErrorKind, col: usize| match origin {
            Some(o) => Error::at(kind, path, o.line, col),
            None => Error::new(kind),
        };
        if entry.canonical().trim().is_empty() {
            return Err(locate(ErrorKind::EmptyField("canonical name".into()), 1));
        }
        if entry.label().trim().is_empty() {
            return Err(locate(ErrorKind::EmptyField("label".into()), 1));
        }
        if entry.aliases().iter().any(|a| a.trim().is_empty()) {
            return Err(locate(ErrorKind::EmptyAlias, 1));
        }
        let max_bytes = self.limits.max_alias_bytes;
        if let Some((_, long)) = entry.matched_aliases().find(|(_, a)| a.len() > max_bytes) {
            let msg = format!(
                "alias of {} bytes, over the limit of {max_bytes} (max_alias_bytes)",
                long.len()
            );
            return Err(locate(ErrorKind::Limit(msg), 1));
        }
        let aliases = entry.matched_aliases().count();
        if self.alias_count.saturating_add(aliases) > self.limits.max_aliases {
            let msg =
                format!("more than {} gazetteer aliases (max_aliases)", self.limits.max_aliases);
            return Err(locate(ErrorKind::Limit(msg), 1));
        }
        let index = self.entries.len();
        if index >= u32::MAX as usize {
            return Err(locate(ErrorKind::Limit("too many gazetteer entries".into()), 1));
        }
        if let Some(id) = entry.stable_id() {
            if self.ids.contains_key(id) {
                return Err(locate(
                    ErrorKind::DuplicateId(id.to_owned()),
                    origin.map_or(1, |o| o.id_column),
                ));
            }
            self.ids.insert(id.to_owned(), index);
        }
        self.alias_count += aliases;
        self.entries.push(entry);
        self.priorities.push(self.priority);
        Ok(EntryId(index as u32))
    }

    /// Adds the entries of a TSV text; `name` (a file name) is used in
    /// error messages. Returns how many entries were added.
    ///
    /// # Errors
    ///
    /// The errors of every line that could not be read, each with its
    /// line and column ([`ErrorKind::Many`] when there are several). The
    /// lines that could be read are added all the same.
    pub fn add_tsv_str(&mut self, text: &str, name: Option<&str>) -> Result<usize, Error> {
        let before = self.entries.len();
        let errors = load::parse_tsv(text, name, |e, o| self.add_at(e, name, Some(o)).map(drop));
        finish(errors, self.entries.len() - before)
    }

    /// Adds the entries of a JSON Lines text (see the module docs).
    ///
    /// # Errors
    ///
    /// As [`GazetteerBuilder::add_tsv_str`].
    pub fn add_jsonl_str(&mut self, text: &str, name: Option<&str>) -> Result<usize, Error> {
        let before = self.entries.len();
        let errors = load::parse_jsonl(text, name, |e, o| self.add_at(e, name, Some(o)).map(drop));
        finish(errors, self.entries.len() - before)
    }

    /// Reads TSV from `reader`.
    ///
    /// # Errors
    ///
    /// I/O errors, text that is not UTF-8, and the errors of
    /// [`GazetteerBuilder::add_tsv_str`].
    pub fn add_tsv_reader<R: Read>(
        &mut self,
        reader: R,
        name: Option<&str>,
    ) -> Result<usize, Error> {
        let text = read_utf8(reader, name)?;
        self.add_tsv_str(&text, name)
    }

    /// Reads JSON Lines from `reader`.
    ///
    /// # Errors
    ///
    /// As [`GazetteerBuilder::add_tsv_reader`].
    pub fn add_jsonl_reader<R: Read>(
        &mut self,
        reader: R,
        name: Option<&str>,
    ) -> Result<usize, Error> {
        let text = read_utf8(reader, name)?;
        self.add_jsonl_str(&text, name)
    }

    /// Reads a gazetteer file: JSON Lines when its name ends in `.jsonl`
    /// or `.ndjson`, TSV otherwise.
    ///
    /// # Errors
    ///
    /// As [`GazetteerBuilder::add_tsv_reader`], with the path in each
    /// message.
    pub fn add_path(&mut self, path: impl AsRef<Path>) -> Result<usize, Error> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let file = std::fs::File::open(path)
            .map_err(|e| Error::new(ErrorKind::Io(format!("{name}: {e}"))))?;
        let jsonl = matches!(path.extension().and_then(|e| e.to_str()), Some("jsonl" | "ndjson"));
        if jsonl {
            self.add_jsonl_reader(file, Some(&name))
        } else {
            self.add_tsv_reader(file, Some(&name))
        }
    }

    /// Compiles the entries into a [`Gazetteer`].
    ///
    /// # Errors
    ///
    /// When the automaton cannot be built (it is too large).
    pub fn build(&self) -> Result<Gazetteer, Error> {
        let tk = Tokenizer::new();
        let mut key_ids: HashMap<String, u32> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut cands: Vec<Vec<Cand>> = Vec::new();
        let mut labels: HashMap<&str, Arc<str>> = HashMap::new();
        let mut compiled = Vec::with_capacity(self.entries.len());
        let mut alias_count = 0;
        for (i, entry) in self.entries.iter().enumerate() {
            let label =
                labels.entry(entry.label()).or_insert_with(|| Arc::from(entry.label())).clone();
            compiled.push(CompiledEntry {
                entry: Arc::new(entry.clone()),
                canonical: Arc::from(entry.canonical()),
                label,
                priority: self.priorities[i],
            });
            for (a, alias) in entry.matched_aliases() {
                alias_count += 1;
                let (keys, rule) = alias_keys(&tk, alias, entry.case_mode())?;
                for key in keys {
                    let next = patterns.len() as u32;
                    let k = *key_ids.entry(key.text.clone()).or_insert_with(|| {
                        patterns.push(key.text);
                        cands.push(Vec::new());
                        next
                    });
                    let list = &mut cands[k as usize];
                    if !list.iter().any(|c| c.entry == i as u32) {
                        list.push(Cand { entry: i as u32, alias: a as u32, rule, trim: key.trim });
                    }
                }
            }
        }
        let ac = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                    .build(&patterns)
                    .map_err(|e| Error::new(ErrorKind::Build(e.to_string())))?,
            )
        };
        Ok(Gazetteer {
            inner: Arc::new(Inner {
                entries: compiled,
                cands: cands.into_iter().map(Vec::into_boxed_slice).collect(),
                ac,
                alias_count,
                tokenizer: tk,
            }),
        })
    }
}

fn finish(errors: Vec<Error>, added: usize) -> Result<usize, Error> {
    if errors.is_empty() {
        Ok(added)
    } else {
        Err(Error::many(errors))
    }
}

fn read_utf8<R: Read>(mut reader: R, name: Option<&str>) -> Result<String, Error> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(|e| {
        Error::new(ErrorKind::Io(match name {
            Some(n) => format!("{n}: {e}"),
            None => e.to_string(),
        }))
    })?;
    String::from_utf8(bytes).map_err(|e| crate::error::not_utf8(&e, name))
}

#[derive(Clone, Copy, Debug)]
struct Cand {
    entry: u32,
    alias: u32,
    rule: CaseRule,
    trim: u8,
}

#[derive(Debug)]
pub(crate) struct CompiledEntry {
    pub entry: Arc<Entry>,
    pub canonical: Arc<str>,
    pub label: Arc<str>,
    pub priority: i32,
}

#[derive(Debug)]
struct Inner {
    entries: Vec<CompiledEntry>,
    cands: Vec<Box<[Cand]>>,
    ac: Option<AhoCorasick>,
    alias_count: usize,
    tokenizer: Tokenizer,
}

/// A compiled gazetteer: immutable, `Send + Sync` and cheap to clone (the
/// tables are shared).
#[derive(Clone, Debug)]
pub struct Gazetteer {
    inner: Arc<Inner>,
}

/// One gazetteer match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GazMatch {
    /// Byte offsets of the name in the text (a plural ending left out).
    pub span: Span,
    /// The tokens the match covers.
    pub tokens: Range<usize>,
    /// The chosen entry.
    pub entry: EntryId,
    /// Other entries the same alias belongs to.
    pub alternatives: Vec<EntryId>,
}

/// Reusable buffers for matching.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    norm: String,
    starts: Vec<u32>,
}

impl Gazetteer {
    /// A gazetteer with no entries.
    pub fn empty() -> Gazetteer {
        GazetteerBuilder::new().build().expect("an empty gazetteer builds")
    }

    /// The number of entries.
    pub fn entries_len(&self) -> usize {
        self.inner.entries.len()
    }

    /// The number of aliases (canonical names included).
    pub fn aliases_len(&self) -> usize {
        self.inner.alias_count
    }

    /// The entry with this id.
    ///
    /// # Panics
    ///
    /// When `id` does not come from this gazetteer.
    pub fn entry(&self, id: EntryId) -> &Entry {
        &self.inner.entries[id.as_usize()].entry
    }

    /// All entries, indexed by [`EntryId::as_usize`].
    pub fn entries(&self) -> impl ExactSizeIterator<Item = &Entry> + '_ {
        self.inner.entries.iter().map(|e| &*e.entry)
    }

    pub(crate) fn compiled(&self, id: EntryId) -> &CompiledEntry {
        &self.inner.entries[id.as_usize()]
    }

    /// Bytes of heap memory the automaton and the candidate tables use
    /// (the entries themselves not counted).
    pub fn memory_usage(&self) -> usize {
        let ac = self.inner.ac.as_ref().map_or(0, AhoCorasick::memory_usage);
        let cands: usize =
            self.inner.cands.iter().map(|c| c.len() * std::mem::size_of::<Cand>() + 16).sum();
        ac + cands
    }

    /// Finds the entries named in `text`, in text order, without overlaps.
    ///
    /// # Examples
    ///
    /// ```
    /// use recon::{Entry, GazetteerBuilder};
    ///
    /// let mut gaz = GazetteerBuilder::new();
    /// gaz.add(Entry::new("Su-35", "WEAPON_SYSTEM"))?;
    /// let gaz = gaz.build()?;
    /// let text = "Two SU-35s and an Su 35, not an Su-355.";
    /// let found: Vec<&str> = gaz.find_all(text).iter().map(|m| &text[m.span]).collect();
    /// assert_eq!(found, ["SU-35", "Su 35"]);
    /// # Ok::<(), recon::Error>(())
    /// ```
    pub fn find_all(&self, text: &str) -> Vec<GazMatch> {
        thread_local! {
            // Buffers reused across calls on one thread: tokenizing and
            // matching allocate nothing once they have grown.
            static BUFFERS: std::cell::RefCell<(Vec<Token>, Vec<Sentence>, Scratch)> =
                std::cell::RefCell::default();
        }
        let mut out = Vec::new();
        let mut run = |(tokens, sentences, scratch): &mut (Vec<Token>, Vec<Sentence>, Scratch)| {
            let tk = self.inner.tokenizer;
            tk.tokenize_into(text, tokens);
            tk.sentences_into(text, tokens, sentences);
            self.find_into(text, tokens, sentences, scratch, &mut out);
        };
        let done = BUFFERS.try_with(|b| b.try_borrow_mut().map(|mut b| run(&mut b)).is_ok());
        if done != Ok(true) {
            run(&mut Default::default());
        }
        out
    }

    /// Matches over already tokenized text, appending to `out`.
    pub(crate) fn find_into(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[Sentence],
        scratch: &mut Scratch,
        out: &mut Vec<GazMatch>,
    ) {
        let Some(ac) = &self.inner.ac else { return };
        let Scratch { norm, starts } = scratch;
        norm.clear();
        starts.clear();
        norm.push(' ');
        let mut sent = sentences.iter().map(|s| s.tokens.start).peekable();
        for (i, t) in tokens.iter().enumerate() {
            if sent.peek() == Some(&i) {
                sent.next();
                if i > 0 {
                    norm.push_str("\0 ");
                }
            }
            starts.push(norm.len() as u32);
            crate::normalize::push_token(text, t, norm);
            norm.push(' ');
        }
        let hay = norm.as_str();
        let mut pos = 0;
        while pos < hay.len() {
            let Some(m) = ac.find(Input::new(hay).span(pos..hay.len())) else { break };
            let first = starts.partition_point(|&s| (s as usize) < m.start() + 1);
            let last = starts.partition_point(|&s| (s as usize) < m.end() - 1);
            if first >= last || first >= tokens.len() {
                pos = m.start() + 1;
                continue;
            }
            let range = first..last;
            match self.choose(text, tokens, range.clone(), m.pattern().as_usize()) {
                Some((span, entry, alternatives)) => {
                    out.push(GazMatch { span, tokens: range, entry, alternatives });
                    pos = m.end() - 1;
                }
                None => pos = m.start() + 1,
            }
        }
    }

    /// Applies the case rules and the documented choice among candidates.
    fn choose(
        &self,
        text: &str,
        tokens: &[Token],
        range: Range<usize>,
        key: usize,
    ) -> Option<(Span, EntryId, Vec<EntryId>)> {
        let start = tokens[range.start].span.start;
        let full_end = tokens[range.end - 1].span.end;
        let mut best: Option<(Cand, bool, Span)> = None;
        let mut passing: Vec<u32> = Vec::new();
        for &c in self.inner.cands[key].iter() {
            let end = full_end.checked_sub(usize::from(c.trim))?;
            if end <= start || !text.is_char_boundary(end) {
                continue;
            }
            let suffix = &text[end..full_end];
            if !suffix.bytes().all(|b| b.is_ascii_lowercase()) {
                continue;
            }
            let e = &self.inner.entries[c.entry as usize];
            let alias = &e.entry.aliases()[c.alias as usize];
            let found = &text[start..end];
            if !case_agrees(c.rule, alias, found) {
                continue;
            }
            passing.push(c.entry);
            let exact = alias == found;
            let better = match &best {
                None => true,
                Some((b, b_exact, _)) => {
                    let bp = self.inner.entries[b.entry as usize].priority;
                    (c.trim == 0, exact, e.priority, std::cmp::Reverse(c.entry))
                        > (b.trim == 0, *b_exact, bp, std::cmp::Reverse(b.entry))
                }
            };
            if better {
                best = Some((c, exact, Span::new(start, end)));
            }
        }
        let (b, _, span) = best?;
        let alternatives = passing.into_iter().filter(|&e| e != b.entry).map(EntryId).collect();
        Some((span, EntryId(b.entry), alternatives))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gaz(entries: Vec<Entry>) -> Gazetteer {
        let mut b = GazetteerBuilder::new();
        for e in entries {
            b.add(e).unwrap();
        }
        b.build().unwrap()
    }

    fn found(g: &Gazetteer, text: &str) -> Vec<(String, String)> {
        g.find_all(text)
            .into_iter()
            .map(|m| (text[m.span].to_string(), g.entry(m.entry).canonical().to_string()))
            .collect()
    }

    fn t(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn leftmost_longest_on_token_boundaries() {
        let g = gaz(vec![
            Entry::new("China", "LOCATION"),
            Entry::new("South China Sea", "LOCATION"),
            Entry::new("PLA", "MILITARY_UNIT"),
            Entry::new("PLA General Armaments Department", "MILITARY_UNIT"),
        ]);
        assert_eq!(
            found(&g, "In the South China Sea, the PLA General Armaments Department and the PLA met China."),
            t(&[("South China Sea", "South China Sea"), ("PLA General Armaments Department", "PLA General Armaments Department"), ("PLA", "PLA"), ("China", "China")])
        );
        assert!(found(&g, "chinaware and Chinatown").is_empty());
        // The longer key fails at "Seaside": the shorter one at the same start is found.
        assert_eq!(found(&g, "South China Seaside"), t(&[("China", "China")]));
    }

    #[test]
    fn case_rules() {
        let g = gaz(vec![
            Entry::new("United States", "LOCATION").alias("US"),
            Entry::new("Patriot", "WEAPON_SYSTEM"),
            Entry::new("China", "LOCATION"),
        ]);
        assert_eq!(found(&g, "the US told us"), t(&[("US", "United States")]));
        assert_eq!(found(&g, "a patriotic patriot bought a Patriot"), t(&[("Patriot", "Patriot")]));
        assert_eq!(
            found(&g, "CHINA buys china from China"),
            t(&[("CHINA", "China"), ("China", "China")])
        );
        assert_eq!(found(&g, "the USS Carney"), t(&[]));
        assert_eq!(found(&g, "the united states"), t(&[("united states", "United States")]));
    }

    #[test]
    fn per_entry_case_override() {
        let g = gaz(vec![Entry::new("Hamas", "ORGANIZATION").case(CaseMode::Insensitive)]);
        assert_eq!(found(&g, "HAMAS and hamas"), t(&[("HAMAS", "Hamas"), ("hamas", "Hamas")]));
        let g = gaz(vec![Entry::new("South China Sea", "LOCATION").case(CaseMode::Sensitive)]);
        assert_eq!(
            found(&g, "south china sea, South China Sea"),
            t(&[("South China Sea", "South China Sea")])
        );
    }

    #[test]
    fn designator_variants_and_plurals() {
        let g = gaz(vec![
            Entry::new("Su-35", "WEAPON_SYSTEM"),
            Entry::new("S-400", "WEAPON_SYSTEM"),
            Entry::new("F-16", "WEAPON_SYSTEM"),
            Entry::new("Rafale", "WEAPON_SYSTEM"),
            Entry::new("Type 055", "WEAPON_SYSTEM"),
            Entry::new("Israel", "LOCATION"),
        ]);
        let text = "Su-35, SU-35, Su 35, Su35, S400, S-400s, F-16s, Rafales, Type-055, Israel's and Israel’s; not Su-355 or F-161";
        assert_eq!(
            found(&g, text).into_iter().map(|p| p.0).collect::<Vec<_>>(),
            [
                "Su-35", "SU-35", "Su 35", "Su35", "S400", "S-400", "F-16", "Rafale", "Type-055",
                "Israel", "Israel"
            ]
        );
    }

    #[test]
    fn ambiguous_alias_keeps_candidates() {
        let mut b = GazetteerBuilder::new();
        let country = b.add(Entry::new("Georgia", "LOCATION").id("country:GE")).unwrap();
        b.priority(5);
        let state = b.add(Entry::new("Georgia (U.S. state)", "LOCATION").alias("Georgia")).unwrap();
        let g = b.build().unwrap();
        let m = &g.find_all("troops in Georgia")[0];
        // Both write "Georgia" exactly; the higher priority wins.
        assert_eq!(m.entry, state);
        assert_eq!(m.alternatives, vec![country]);
    }

    #[test]
    fn no_match_across_sentences() {
        let g = gaz(vec![Entry::new("New York", "LOCATION")]);
        assert!(found(&g, "It was new. York fell.").is_empty());
    }

    #[test]
    fn duplicate_id_is_an_error() {
        let mut b = GazetteerBuilder::new();
        b.add(Entry::new("A", "X").id("x")).unwrap();
        let e = b.add(Entry::new("B", "X").id("x")).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::DuplicateId("x".into()));
    }
}
