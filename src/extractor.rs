//! The extractor: the whole pipeline, built once and shared.

use crate::defaults;
use crate::document::{Document, Entity, Modality, Relation, RelationCaptures, Source};
use crate::error::{Error, ErrorKind};
use crate::gazetteer::{Entry, GazMatch, Gazetteer, GazetteerBuilder, Scratch};
use crate::hash::FastBuildHasher;
use crate::limits::Limits;
use crate::linking;
use crate::patterns::PatternMatch;
use crate::patterns::Scratch as PatternScratch;
use crate::relations;
use crate::resolve::{self, gazetteer_priority, merge_adjacent, resolve, Candidate};
use crate::rules::{self, RuleSource, Rules};
use crate::span::Span;
use crate::tokenize::Tokenizer;
use crate::tokenize::{Sentence, Token};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

/// Texts longer than this many bytes are read in segments (see
/// [`Extractor::extract_into`]).
pub const SEGMENT_BYTES: usize = 1 << 20;

/// Buffers reused by extraction on one thread, so that tokenizing and
/// matching allocate nothing once they have grown.
#[derive(Debug, Default)]
struct Buffers {
    tokens: Vec<Token>,
    sentences: Vec<Sentence>,
    /// The sentence scan's stops, recorded by the tokenizer (see
    /// `Tokenizer::tokenize_and_split_into`).
    stops: Vec<usize>,
    gaz_scratch: Scratch,
    matches: Vec<GazMatch>,
    pattern_scratch: PatternScratch,
    /// The entity references both rule passes read.
    refs: rules::RefBuffer,
    pm: Vec<PatternMatch>,
    /// The candidate entities, emptied by conflict resolution.
    cands: Vec<Candidate>,
    /// The rule candidates' canonical names, shared from text to text.
    names: rules::Canonicals,
    resolve: resolve::Scratch,
    /// The entity covering each token: made by linking, read by the
    /// relation stage.
    covered: Vec<Option<usize>>,
    relations: relations::Scratch,
}

thread_local! {
    static BUFFERS: std::cell::RefCell<Buffers> = std::cell::RefCell::default();
}

/// Runs `f` with this thread's buffers (fresh ones when they are in use,
/// e.g. on re-entry).
fn with_buffers<R>(f: impl FnOnce(&mut Buffers) -> R) -> R {
    // Very large buffers (from a huge segment) are not kept.
    crate::reuse::with_reused(&BUFFERS, |b| b.tokens.capacity() <= 1 << 20, f)
}

/// Appends `items` to `to`; when `to` is empty (the first segment, most
/// texts' only one) the vector itself is handed over, with no copy.
fn append<T>(to: &mut Vec<T>, mut items: Vec<T>) {
    if to.is_empty() {
        *to = items;
    } else {
        to.append(&mut items);
    }
}

/// The end of the segment that starts at `at`: about `size` bytes on, at
/// a blank line, else a line break, else a sentence end (". " before a
/// capital), else whitespace, else any char boundary.
fn segment_end(text: &str, at: usize, size: usize) -> usize {
    if text.len() - at <= size + size / 2 {
        return text.len();
    }
    let target = at + size;
    let window_end = (target + size / 2).min(text.len());
    let bytes = text.as_bytes();
    let find = |pred: &dyn Fn(usize) -> bool| (target..window_end).find(|&i| pred(i));
    let cut = find(&|i| bytes[i] == b'\n' && bytes.get(i + 1) == Some(&b'\n'))
        .or_else(|| find(&|i| bytes[i] == b'\n'))
        .or_else(|| {
            find(&|i| {
                bytes[i] == b'.'
                    && bytes.get(i + 1) == Some(&b' ')
                    && bytes.get(i + 2).is_some_and(u8::is_ascii_uppercase)
            })
        })
        .or_else(|| find(&|i| bytes[i].is_ascii_whitespace()))
        .map(|i| i + 1);
    let mut end = cut.unwrap_or(target);
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    end
}

/// Priority of the embedded default entries; user entries are added above
/// it, so that a user's entry wins where it shares an alias with a default.
const DEFAULT_PRIORITY: i32 = 0;
const USER_PRIORITY: i32 = 10;

/// The labels of the default model, known to rules even when no gazetteer
/// entry carries them.
const BUILTIN_LABELS: &[&str] = &[
    "PERSON",
    "MILITARY_UNIT",
    "ORGANIZATION",
    "WEAPON_SYSTEM",
    "LOCATION",
    "NATIONALITY",
    "DATE",
    "MONEY",
    "QUANTITY",
];

/// Extracts entities and relations from text.
///
/// Build it once — with [`Extractor::new`] for the embedded defaults or
/// [`Extractor::builder`] to add or replace knowledge — then call
/// [`Extractor::extract`] for each text. It is immutable, `Send + Sync`,
/// and cheap to clone: share it across threads.
///
/// # Examples
///
/// ```
/// use recon::Extractor;
///
/// let ex = Extractor::new();
/// let doc = ex.extract("Indian Defence Minister Rajnath Singh arrived in Paris.");
/// let found: Vec<(&str, &str)> =
///     doc.entities().iter().map(|e| (e.text(&doc), e.label())).collect();
/// assert!(found.contains(&("Paris", "LOCATION")));
/// assert!(found.contains(&("Indian", "NATIONALITY")));
/// ```
#[derive(Clone, Debug)]
pub struct Extractor {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    gazetteer: Gazetteer,
    rules: Rules,
    tokenizer: Tokenizer,
    limits: Limits,
}

static DEFAULT: LazyLock<Extractor> = LazyLock::new(|| {
    Extractor::builder().build().expect("the embedded default model builds (checked by tests)")
});

impl Default for Extractor {
    fn default() -> Extractor {
        Extractor::new()
    }
}

impl Extractor {
    /// The extractor with the embedded default model. It is built once
    /// per process; later calls return a cheap clone.
    ///
    /// # Panics
    ///
    /// Never for the model shipped with the crate (a test builds it).
    pub fn new() -> Extractor {
        DEFAULT.clone()
    }

    /// A builder, to add gazetteer files or entries or leave out the
    /// defaults.
    pub fn builder() -> ExtractorBuilder {
        ExtractorBuilder::new()
    }

    /// The compiled gazetteer.
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.inner.gazetteer
    }

    /// Approximate bytes of heap memory used by the compiled model: the
    /// gazetteer's matching tables (see [`Gazetteer::memory_usage`]; with
    /// rules, its vocabulary holds the rules' words too), the compiled
    /// entity and relation rules, and the rules' ids of the gazetteer's
    /// words (four bytes a word).
    ///
    /// # Examples
    ///
    /// ```
    /// let ex = recon::Extractor::new();
    /// let bytes = ex.memory_usage();
    /// assert!(bytes > ex.gazetteer().memory_usage());
    /// println!("default model: {:.1} MB", bytes as f64 / 1e6);
    /// ```
    pub fn memory_usage(&self) -> usize {
        let rules = &self.inner.rules;
        self.inner.gazetteer.memory_usage()
            + rules.entity.memory_usage()
            + rules.relation.memory_usage()
            + rules.map_bytes()
    }

    /// Extracts the entities and relations of `text`.
    ///
    /// Never fails and never panics, whatever the text.
    pub fn extract<'t>(&self, text: &'t str) -> Document<'t> {
        let mut doc = Document::new(text);
        self.extract_into(text, &mut doc);
        doc
    }

    /// Extracts many texts on `threads` threads (all of them on this one
    /// when `threads` is 0 or 1); the documents come back in the order of
    /// `texts`. Threads take the next text as they finish one, so long and
    /// short texts balance out.
    ///
    /// # Examples
    ///
    /// ```
    /// let ex = recon::Extractor::new();
    /// let texts = ["Poland bought K2 tanks.", "Japan ordered F-35B jets.", "Nothing here."];
    /// let docs = ex.extract_batch(&texts, 2);
    /// assert_eq!(docs.len(), 3);
    /// assert_eq!(docs[1].text(), "Japan ordered F-35B jets.");
    /// assert!(docs[2].entities().is_empty());
    /// ```
    pub fn extract_batch<'t, S: AsRef<str> + Sync>(
        &self,
        texts: &'t [S],
        threads: usize,
    ) -> Vec<Document<'t>> {
        self.extract_batch_map(texts, threads, |_, doc| doc)
    }

    /// Like [`Extractor::extract_batch`], with `f` applied to each document
    /// (and its index in `texts`) on the thread that extracted it: work on
    /// the results, such as serialising them, is spread over the threads
    /// too. The results come back in input order.
    ///
    /// # Examples
    ///
    /// ```
    /// use recon::Extractor;
    ///
    /// let ex = Extractor::new();
    /// let texts = ["Poland bought K2 tanks from South Korea.", "Nothing here."];
    /// let json: Vec<String> = ex.extract_batch_map(&texts, 2, |i, doc| {
    ///     format!("{i}: {} entities", doc.entities().len())
    /// });
    /// assert!(json[0].starts_with("0: ") && json[1] == "1: 0 entities");
    /// ```
    pub fn extract_batch_map<'t, S, R, F>(&self, texts: &'t [S], threads: usize, f: F) -> Vec<R>
    where
        S: AsRef<str> + Sync,
        R: Send,
        F: Fn(usize, Document<'t>) -> R + Sync,
    {
        let threads = threads.min(texts.len());
        if threads <= 1 {
            return texts.iter().enumerate().map(|(i, t)| f(i, self.extract(t.as_ref()))).collect();
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut out = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(t) = texts.get(i) else { break };
                            out.push((i, f(i, self.extract(t.as_ref()))));
                        }
                        out
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| match w.join() {
                    Ok(v) => v,
                    // Extraction does not panic; should a worker die all
                    // the same (`f` may panic), its panic is passed on.
                    Err(p) => std::panic::resume_unwind(p),
                })
                .collect()
        });
        done.sort_unstable_by_key(|(i, _)| *i);
        done.into_iter().map(|(_, r)| r).collect()
    }

    /// Like [`Extractor::extract`], reusing the buffers of `doc`.
    ///
    /// A text longer than [`SEGMENT_BYTES`] is read in segments cut at
    /// paragraph, line or sentence ends, so that memory stays proportional
    /// to the segment, not the document; linking and relations do not cross
    /// segments.
    pub fn extract_into<'t>(&self, text: &'t str, doc: &mut Document<'t>) {
        let limits = &self.inner.limits;
        let (full_len, text) = (text.len(), limits.cut(text));
        doc.clear(text);
        doc.truncated = text.len() < full_len;
        with_buffers(|buf| {
            let mut at = 0;
            while at < text.len() {
                let end = segment_end(text, at, SEGMENT_BYTES);
                self.extract_segment(text, at..end, buf, doc);
                at = end;
            }
        });
    }

    /// Extracts `range` of `text` into `doc`, appending to what earlier
    /// segments found.
    fn extract_segment<'t>(
        &self,
        full_text: &'t str,
        range: std::ops::Range<usize>,
        buf: &mut Buffers,
        doc: &mut Document<'t>,
    ) {
        let offset = range.start;
        let text = &full_text[range];
        let limits = &self.inner.limits;
        let budget = limits.max_entities.saturating_sub(doc.entities.len());
        if budget == 0 {
            doc.entities_truncated = true;
            return;
        }
        let Buffers {
            tokens,
            sentences,
            stops,
            gaz_scratch,
            matches,
            pattern_scratch,
            refs,
            pm,
            cands,
            names,
            resolve: resolve_scratch,
            covered,
            relations: rs,
        } = buf;
        let tk = &self.inner.tokenizer;
        tk.tokenize_and_split_into(text, tokens, sentences, stops);
        matches.clear();
        let gaz = &self.inner.gazetteer;
        let rules = &self.inner.rules;
        let has_rules = !rules.entity.is_empty() || !rules.relation.is_empty();
        // The rules' token shapes computed with the words' ids, in one pass.
        gaz_scratch.shape_tokens(has_rules);
        gaz.find_into(text, tokens, sentences, gaz_scratch, matches);
        // At the entity cap, nothing from the first match left out on is kept.
        let stop = matches.get(budget).map_or(usize::MAX, |m| m.span.start);
        matches.truncate(budget);
        cands.clear();
        for m in matches.drain(..) {
            let c = gaz.compiled(m.entry);
            let entity = Entity {
                span: m.span,
                tokens: m.tokens,
                label: c.label.clone(),
                canonical: c.canonical.clone(),
                source: Source::Gazetteer,
                entry: Some(c.entry.clone()),
                // Most matches have no alternative: an empty `Vec` costs no
                // call into `collect` (43 instructions a match on the 19k
                // of the benchmark run).
                alternatives: if m.alternatives.is_empty() {
                    Vec::new()
                } else {
                    m.alternatives.iter().map(|&a| gaz.compiled(a).entry.clone()).collect()
                },
            };
            cands.push(Candidate::new(entity, gazetteer_priority(c.priority)));
        }
        // Entity rules see the gazetteer's entities in their {LABEL} slots.
        pm.clear();
        if has_rules {
            match gaz.token_shapes(gaz_scratch, tokens.len()) {
                Some(shapes) => pattern_scratch.share_shapes_of(shapes),
                None => pattern_scratch.share_shapes(text, tokens),
            }
            let numbers = gaz.token_ids(gaz_scratch, tokens.len());
            rules.share_words(text, tokens, numbers, pattern_scratch);
        }
        rules::run(&rules.entity, text, tokens, sentences, cands, 0, pattern_scratch, refs, pm);
        rules::entities_from(&rules.entity, &rules.entity_slots, text, tokens, pm, names, cands);
        let mut entities = Vec::with_capacity(cands.len());
        let mut rejected = Vec::new();
        resolve(cands, &mut entities, &mut rejected, resolve_scratch);
        merge_adjacent(text, &mut entities);
        let before = entities.len();
        // With no match left out (nearly every text) every entity is kept:
        // the walk is skipped (0.13 M instructions of the benchmark run).
        if stop != usize::MAX {
            entities.retain(|e| e.span.start < stop);
        }
        entities.truncate(budget);
        if entities.len() < before || stop != usize::MAX {
            doc.entities_truncated = true;
        }
        let capitals = pattern_scratch.shared_capitals();
        let mut capital_at = linking::CapitalSet::new(capitals.0, capitals.2, tokens.len());
        let links = linking::link(text, tokens, &mut entities, covered, capitals, &mut capital_at);
        let capital_set = capital_at.get();
        gaz.link_short_names(text, tokens, gaz_scratch, &mut entities, covered, capital_set);
        let mut relations = Vec::new();
        let at = |span: Span| {
            entities
                .binary_search_by_key(&(span.start, span.end), |e| (e.span.start, e.span.end))
                .ok()
        };
        for (short, full, evidence) in links {
            let (Some(head), Some(tail)) = (at(short), at(full)) else { continue };
            relations.push(Relation {
                label: Arc::from("ALIAS_OF"),
                head,
                tail,
                modality: Modality::Asserted,
                attributes: Default::default(),
                evidence,
                rule: Arc::from("acronym_definition"),
                sentence: evidence,
                captures: RelationCaptures::none(),
            });
        }
        // Relation rules read the entities kept and linked; a sentence with
        // fewer than two entities cannot hold a relation.
        pm.clear();
        rules::run(
            &rules.relation,
            text,
            tokens,
            sentences,
            &entities,
            2,
            pattern_scratch,
            refs,
            pm,
        );
        pattern_scratch.forget_shapes();
        pattern_scratch.forget_words();
        relations::relations_from(
            &rules.relation,
            &rules.relation_slots,
            text,
            tokens,
            sentences,
            &entities,
            covered,
            &rejected,
            pm,
            rs,
            &mut relations,
        );
        relations::swap_makers_as_buyers(&mut relations, &entities);
        relations::dedup(&mut relations);
        relations::drop_sellers_as_buyers(&mut relations);
        relations::drop_makers_as_buyers_or_operators(&mut relations, &entities);
        // Shift the segment's results to document offsets.
        let base = doc.entities.len();
        if offset != 0 || base != 0 {
            let shift = |s: Span| Span::new(s.start + offset, s.end + offset);
            for e in entities.iter_mut().chain(rejected.iter_mut()) {
                e.span = shift(e.span);
            }
            for r in &mut relations {
                r.head += base;
                r.tail += base;
                r.evidence = shift(r.evidence);
                r.sentence = shift(r.sentence);
                r.captures.map_spans(shift);
            }
        }
        append(&mut doc.entities, entities);
        append(&mut doc.rejected, rejected);
        append(&mut doc.relations, relations);
    }

    /// Explains a relation of `doc` (a document this extractor made): the
    /// rule that read it and its pattern, the sentence, and the text of
    /// each capture.
    ///
    /// # Examples
    ///
    /// ```
    /// let ex = recon::Extractor::new();
    /// let doc = ex.extract("India signed a contract to buy 26 Rafale fighters from France.");
    /// let rel = doc.relations().iter().find(|r| r.label() == "ACQUIRES").unwrap();
    /// let why = ex.explain(&doc, rel);
    /// assert_eq!(why.sentence, "India signed a contract to buy 26 Rafale fighters from France.");
    /// assert!(why.captures.iter().any(|(name, text)| name == "buyer" && *text == "India"));
    /// println!("{why}");
    /// ```
    pub fn explain<'t>(&self, doc: &Document<'t>, relation: &Relation) -> Explanation<'t> {
        let text = doc.text();
        let slice = |s: Span| text.get(s.start..s.end).unwrap_or("");
        let pattern = self
            .inner
            .rules
            .relation
            .rules()
            .iter()
            .find(|r| r.name() == relation.rule())
            .map(|r| r.pattern().to_owned());
        let name =
            |k: usize| doc.entities().get(k).map_or(String::new(), |e| e.canonical().to_owned());
        Explanation {
            label: relation.label().to_owned(),
            head: name(relation.head()),
            tail: name(relation.tail()),
            modality: relation.modality(),
            rule: relation.rule().to_owned(),
            pattern,
            sentence: slice(relation.sentence),
            evidence: slice(relation.evidence()),
            captures: relation.captures.iter().map(|(n, s)| (n.to_string(), slice(s))).collect(),
        }
    }
}

/// Why a relation was extracted: see [`Extractor::explain`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation<'t> {
    /// The relation's label.
    pub label: String,
    /// The head entity's canonical name.
    pub head: String,
    /// The tail entity's canonical name.
    pub tail: String,
    /// The modality read from the sentence.
    pub modality: Modality,
    /// The rule's name.
    pub rule: String,
    /// The rule's pattern as written (none for relations made by linking).
    pub pattern: Option<String>,
    /// The sentence the relation was read in.
    pub sentence: &'t str,
    /// The text the rule matched.
    pub evidence: &'t str,
    /// Each capture of the rule and the text it matched.
    pub captures: Vec<(String, &'t str)>,
}

impl std::fmt::Display for Explanation<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{} {} -> {} ({:?})", self.label, self.head, self.tail, self.modality)?;
        writeln!(f, "  rule:     {}", self.rule)?;
        if let Some(p) = &self.pattern {
            writeln!(f, "  pattern:  {}", rules::one_line(p))?;
        }
        writeln!(f, "  sentence: {}", self.sentence)?;
        writeln!(f, "  evidence: {}", self.evidence)?;
        for (name, text) in &self.captures {
            writeln!(f, "  {name}: {text}")?;
        }
        Ok(())
    }
}

/// The labels rules may name: the builtin ones and those of the
/// gazetteer's entries, each once (thousands of entries share a handful of
/// labels, so they are not all handed on).
fn distinct_labels(gazetteer: &Gazetteer) -> HashSet<&str, FastBuildHasher> {
    let mut labels: HashSet<&str, FastBuildHasher> = BUILTIN_LABELS.iter().copied().collect();
    let mut last = "";
    for e in gazetteer.entries() {
        // Entries come in runs of one label (a file per label, mostly).
        if e.label() != last {
            last = e.label();
            labels.insert(last);
        }
    }
    labels
}

/// Builds an [`Extractor`].
///
/// # Examples
///
/// ```
/// use recon::{Entry, Extractor};
///
/// let ex = Extractor::builder()
///     .default_gazetteer(false)
///     .default_rules(false)
///     .entry(Entry::new("Project Convergence", "EXERCISE"))
///     .build()?;
/// let doc = ex.extract("The Army ran Project Convergence in Arizona.");
/// assert_eq!(doc.entities().len(), 1);
/// assert_eq!(doc.entities()[0].label(), "EXERCISE");
/// # Ok::<(), recon::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ExtractorBuilder {
    default_gazetteer: bool,
    default_rules: bool,
    sources: Vec<GazSource>,
    rule_sources: Vec<RuleSource>,
    limits: Limits,
    build_threads: usize,
}

#[derive(Clone, Debug)]
enum GazSource {
    Path(PathBuf),
    Tsv(String, Option<String>),
    Jsonl(String, Option<String>),
    Entry(Entry),
}

impl Default for ExtractorBuilder {
    fn default() -> ExtractorBuilder {
        ExtractorBuilder::new()
    }
}

impl ExtractorBuilder {
    /// A builder with the embedded defaults on and nothing added.
    pub fn new() -> ExtractorBuilder {
        ExtractorBuilder {
            default_gazetteer: true,
            default_rules: true,
            sources: Vec::new(),
            rule_sources: Vec::new(),
            limits: Limits::new(),
            build_threads: 1,
        }
    }

    /// Whether to load the embedded default gazetteer (default: yes).
    pub fn default_gazetteer(&mut self, yes: bool) -> &mut ExtractorBuilder {
        self.default_gazetteer = yes;
        self
    }

    /// Whether to load the embedded default rules (default: yes).
    pub fn default_rules(&mut self, yes: bool) -> &mut ExtractorBuilder {
        self.default_rules = yes;
        self
    }

    /// Adds a rule file (the rule language: `docs/RULES.md`).
    pub fn rules_path(&mut self, path: impl Into<PathBuf>) -> &mut ExtractorBuilder {
        self.rule_sources.push(RuleSource::Path(path.into()));
        self
    }

    /// Adds rules from a string; `name` appears in errors.
    pub fn rules_str(
        &mut self,
        rules: impl Into<String>,
        name: Option<&str>,
    ) -> &mut ExtractorBuilder {
        self.rule_sources.push(RuleSource::Text(rules.into(), name.map(str::to_owned)));
        self
    }

    /// Adds a gazetteer file (TSV, or JSON Lines when it ends in `.jsonl`).
    pub fn gazetteer_path(&mut self, path: impl Into<PathBuf>) -> &mut ExtractorBuilder {
        self.sources.push(GazSource::Path(path.into()));
        self
    }

    /// Adds gazetteer entries from a TSV string; `name` appears in errors.
    pub fn gazetteer_tsv(
        &mut self,
        tsv: impl Into<String>,
        name: Option<&str>,
    ) -> &mut ExtractorBuilder {
        self.sources.push(GazSource::Tsv(tsv.into(), name.map(str::to_owned)));
        self
    }

    /// Adds gazetteer entries from a JSON Lines string.
    pub fn gazetteer_jsonl(
        &mut self,
        jsonl: impl Into<String>,
        name: Option<&str>,
    ) -> &mut ExtractorBuilder {
        self.sources.push(GazSource::Jsonl(jsonl.into(), name.map(str::to_owned)));
        self
    }

    /// Adds one gazetteer entry.
    pub fn entry(&mut self, entry: Entry) -> &mut ExtractorBuilder {
        self.sources.push(GazSource::Entry(entry));
        self
    }

    /// Sets the caps on documents, entities, gazetteer aliases and rules
    /// (default: [`Limits::default`]). Going over a gazetteer or rule cap
    /// is an [`ErrorKind::Limit`] error from
    /// [`build`](Self::build); documents and entities over theirs are
    /// truncated at extraction.
    pub fn limits(&mut self, limits: Limits) -> &mut ExtractorBuilder {
        self.limits = limits;
        self
    }

    /// Builds on up to `threads` threads (default 1): with two or more,
    /// the gazetteer and the rules are compiled at the same time (the
    /// caller's thread then does about two thirds of the work of the
    /// default model's build, the other thread the rest). The extractor,
    /// and any error, are the same whatever the number (rules naming a
    /// label only the gazetteer could define are checked after both are
    /// built, and recompiled on this thread if the check could fail, so
    /// that errors come as one thread reports them); a panic on the other
    /// thread reaches the caller of [`build`](Self::build).
    ///
    /// # Examples
    ///
    /// ```
    /// let ex = recon::Extractor::builder().build_threads(2).build()?;
    /// let doc = ex.extract("Poland bought K2 tanks from South Korea.");
    /// assert_eq!(doc, recon::Extractor::new().extract(doc.text()));
    /// # Ok::<(), recon::Error>(())
    /// ```
    pub fn build_threads(&mut self, threads: usize) -> &mut ExtractorBuilder {
        self.build_threads = threads;
        self
    }

    /// Compiles the extractor. This is where bad files are reported.
    ///
    /// # Errors
    ///
    /// Any error of any source, each with its file, line and column
    /// ([`ErrorKind::Many`] when there are several).
    pub fn build(&self) -> Result<Extractor, Error> {
        if self.build_threads >= 2 {
            return self.build_beside();
        }
        let (gazetteer, errors) = self.gazetteer()?;
        let labels = distinct_labels(&gazetteer);
        let rules = Rules::build(self.default_rules, &self.rule_sources, labels);
        self.finish(gazetteer, rules, errors)
    }

    /// [`build`](Self::build) with the rules compiled on another thread
    /// while this one builds the gazetteer (the larger half), their label
    /// check left until both are done.
    fn build_beside(&self) -> Result<Extractor, Error> {
        let (loaded, unchecked) = beside(
            || Rules::build_unchecked(self.default_rules, &self.rule_sources),
            || self.gazetteer(),
        );
        // As on one thread: the gazetteer's failure is reported before
        // anything of the rules (a panic included).
        let (gazetteer, errors) = loaded?;
        let unchecked = unchecked.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let labels = distinct_labels(&gazetteer);
        let rules = match unchecked.check(&labels) {
            Some(rules) => Ok(rules),
            None => Rules::build(self.default_rules, &self.rule_sources, labels),
        };
        self.finish(gazetteer, rules, errors)
    }

    /// The compiled gazetteer of every source, with the errors of the
    /// sources that could not be read in full; `Err` only when the
    /// gazetteer cannot be compiled, with those errors before its own.
    fn gazetteer(&self) -> Result<(Gazetteer, Vec<Error>), Error> {
        let mut gaz = GazetteerBuilder::new();
        gaz.limits(self.limits);
        let mut errors = Vec::new();
        if self.default_gazetteer {
            gaz.priority(DEFAULT_PRIORITY);
            for (name, text) in defaults::GAZETTEER_FILES {
                if let Err(e) = gaz.add_tsv_str(text, Some(name)) {
                    errors.extend(e.errors().iter().cloned());
                }
            }
        }
        gaz.priority(USER_PRIORITY);
        for src in &self.sources {
            let r = match src {
                GazSource::Path(p) => gaz.add_path(p),
                GazSource::Tsv(t, n) => gaz.add_tsv_str(t, n.as_deref()),
                GazSource::Jsonl(t, n) => gaz.add_jsonl_str(t, n.as_deref()),
                GazSource::Entry(e) => gaz.add(e.clone()).map(|_| 1),
            };
            if let Err(e) = r {
                errors.extend(e.errors().iter().cloned());
            }
        }
        match gaz.build() {
            Ok(gazetteer) => Ok((gazetteer, errors)),
            // Past 2³² − 1 keys or distinct tokens: rare enough, but the
            // sources' own errors are still worth knowing.
            Err(e) => {
                errors.extend(e.errors().iter().cloned());
                Err(Error::many(errors))
            }
        }
    }

    /// The extractor of `gazetteer` and `rules`, or every error: those of
    /// the gazetteer's sources (`errors`), the rules' and the rule limit's.
    fn finish(
        &self,
        mut gazetteer: Gazetteer,
        mut rules: Result<Rules, Error>,
        mut errors: Vec<Error>,
    ) -> Result<Extractor, Error> {
        if let Ok(r) = &mut rules {
            r.read_gazetteer(&mut gazetteer);
        }
        let rule_count = rules.as_ref().map_or(0, |r| r.entity.len() + r.relation.len());
        if rule_count > self.limits.max_rules {
            let msg = format!(
                "{rule_count} rules, over the limit of {} (max_rules)",
                self.limits.max_rules
            );
            errors.push(Error::new(ErrorKind::Limit(msg)));
        }
        match rules {
            Ok(rules) if errors.is_empty() => Ok(Extractor {
                inner: Arc::new(Inner {
                    gazetteer,
                    rules,
                    tokenizer: Tokenizer::new(),
                    limits: self.limits,
                }),
            }),
            Ok(_) => Err(Error::many(errors)),
            Err(e) => {
                errors.extend(e.errors().iter().cloned());
                Err(Error::many(errors))
            }
        }
    }
}

/// Runs `other` on a new thread while `here` runs on this one; returns
/// what `here` made and how `other` ended (its panic, if it panicked, for
/// the caller to pass on or not). A panic of `here` reaches the caller
/// once `other` is done.
fn beside<A: Send, B>(
    other: impl FnOnce() -> A + Send,
    here: impl FnOnce() -> B,
) -> (B, std::thread::Result<A>) {
    std::thread::scope(|scope| {
        let other = scope.spawn(other);
        let made = here();
        (made, other.join())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patterns::{EntityRef, Scratch as PatternScratch};

    /// With the default model, the matches of both rule sets over text
    /// made of the rules', lexicons' and gazetteer's own words are the same
    /// whether the word ids come from the gazetteer's pass (shared by both
    /// sets, as `extract_segment` does) or each set looks them up itself.
    /// The map from the gazetteer's words to the rules' ids is made only
    /// when there are rules to read it.
    #[test]
    fn word_map_only_with_rules() {
        let with = Extractor::new();
        assert!(with.inner.rules.map_bytes() >= 4 * with.inner.gazetteer.vocab().len());
        let mut b = Extractor::builder();
        b.default_rules(false);
        let without = b.build().unwrap_or_else(|e| panic!("{e}"));
        assert!(without.inner.gazetteer.vocab().len() > 1000);
        assert_eq!(without.inner.rules.map_bytes(), 0);
    }

    /// Rule canonicals shared from text to text (`rules::Canonicals`, in
    /// the thread's buffers) change no document: each text extracted after
    /// the others on one thread gives what it gives first on a fresh
    /// thread, its rejected candidates included.
    #[test]
    fn shared_canonicals_change_no_document() {
        let ex = Extractor::new();
        let texts = [
            "General Ivan Petrovsky said the Northern Fleet would move. Petrovsky met Admiral Sara Holt in Oslo.",
            "Admiral Sara Holt said NATO ordered 12 F-35A fighters. Holt and General Ivan Petrovsky spoke.",
            "Defence Minister Lars Berg told the Storting that Norway will buy 4 submarines. Berg said so.",
            "Mr. Petrovsky, Ms. Holt and Mr. Berg met. Petrovsky said the Northern Fleet left Murmansk.",
        ];
        let alone: Vec<(String, String)> = texts
            .iter()
            .map(|t| {
                let ex = ex.clone();
                let t = t.to_string();
                std::thread::spawn(move || {
                    let doc = ex.extract(&t);
                    (serde_json::to_string(&doc).unwrap(), format!("{:?}", doc.rejected()))
                })
                .join()
                .unwrap()
            })
            .collect();
        let mut rule_entities = 0;
        for round in 0..3 {
            for (t, want) in texts.iter().zip(&alone) {
                let doc = ex.extract(t);
                let got = (serde_json::to_string(&doc).unwrap(), format!("{:?}", doc.rejected()));
                assert_eq!(&got, want, "round {round}: {t:?}");
                for e in doc.entities().iter().chain(doc.rejected()) {
                    rule_entities += usize::from(matches!(e.source, Source::Rule(_)));
                }
            }
        }
        assert!(rule_entities > 10, "{rule_entities}");
    }

    /// A builder's outcome with one thread and with two: the same
    /// extraction of every text (and the same model size), or the same
    /// errors, message for message.
    fn same_either_way(b: &ExtractorBuilder, texts: &[String]) -> Result<(), String> {
        let serial = b.build();
        let beside = b.clone().build_threads(2).build();
        match (serial, beside) {
            (Ok(one), Ok(two)) => {
                assert_eq!(one.memory_usage(), two.memory_usage());
                for t in texts {
                    assert_eq!(one.extract(t), two.extract(t), "{t:?}");
                }
                Ok(())
            }
            (Err(one), Err(two)) => {
                assert_eq!(one, two);
                assert_eq!(one.to_string(), two.to_string());
                Err(one.to_string())
            }
            (one, two) => panic!("one thread: {:?}\ntwo: {:?}", one.map(drop), two.map(drop)),
        }
    }

    /// Texts of the default model's words and the tests' own, with
    /// sentence ends here and there.
    fn mixed_texts(seed: u64, count: usize) -> Vec<String> {
        let mut pool: Vec<&str> = vec!["Exercise Zephyr", "Zephyr", "drill", "held", "Mr"];
        for (_, text) in rules::RULE_FILES.iter().chain(defaults::GAZETTEER_FILES) {
            let words = text.split(|c: char| c.is_whitespace() || "\"|{}<>()=&!*+?".contains(c));
            pool.extend(words.filter(|w| !w.is_empty() && !w.starts_with('#')));
        }
        let mut next = crate::testing::xorshift(seed);
        (0..count)
            .map(|_| {
                let mut text = String::new();
                for _ in 0..1 + next() % 80 {
                    text.push_str(pool[next() as usize % pool.len()]);
                    text.push_str(if next() % 10 == 0 { ". " } else { " " });
                }
                text
            })
            .collect()
    }

    const EXERCISES: &str = "canonical\tlabel\taliases\nExercise Zephyr\tEXERCISE\tZephyr\n";
    const EXERCISE_RULE: &str =
        "relation holds_ex HOLDS head=a tail=b: a:{LOCATION} held b:{EXERCISE}\n";

    /// Built on two threads, a model extracts what it does on one: the
    /// default, with user knowledge (a label only the user's gazetteer
    /// defines, named by a user rule), and without either default.
    #[test]
    fn building_beside_makes_the_same_extractor() {
        let texts = mixed_texts(0x5eed, 150);
        let mut builders = vec![Extractor::builder()];
        let mut b = Extractor::builder();
        b.gazetteer_tsv(EXERCISES, Some("ex.tsv")).rules_str(EXERCISE_RULE, Some("ex.rules"));
        builders.push(b);
        let mut b = Extractor::builder();
        b.default_rules(false).entry(Entry::new("Zephyr", "EXERCISE"));
        builders.push(b);
        let mut b = Extractor::builder();
        b.default_gazetteer(false)
            .rules_str(EXERCISE_RULE, None)
            .entry(Entry::new("Zephyr", "EXERCISE"));
        builders.push(b);
        let mut b = Extractor::builder();
        b.default_gazetteer(false).default_rules(false);
        builders.push(b);
        for b in &builders {
            if let Err(e) = same_either_way(b, &texts) {
                panic!("{e}");
            }
        }
        // The user's relation is found, so the rule was not left out.
        let ex = builders[1].clone().build_threads(2).build().unwrap_or_else(|e| panic!("{e}"));
        let doc = ex.extract("France held Exercise Zephyr in May.");
        assert!(doc.relations().iter().any(|r| r.label() == "HOLDS"), "{doc:?}");
    }

    /// Built on two threads, broken sources give the errors one thread
    /// gives, in the same order and at the same places: unknown labels
    /// (alone, with other rule errors, with gazetteer errors), syntax
    /// errors, unknown lexicons, missing files, limits.
    #[test]
    fn building_beside_reports_the_same_errors() {
        const BAD_ROW: &str =
            "canonical\tlabel\taliases\nZephyr\t\tZ\nExercise Zephyr\tEXERCISE\tZephyr\n";
        const UNKNOWN: &str = "relation r1 HOLDS head=a tail=b: a:{LOCATION} held b:{NOPE}\n";
        const OWN_LABEL: &str =
            "entity e EXERCISE: drill\nrelation r R head=a tail=b: a:{EXERCISE} b:{PERSON}\n";
        let texts = mixed_texts(0xbad, 5);
        type Case = fn(&mut ExtractorBuilder) -> &mut ExtractorBuilder;
        let cases: &[Case] = &[
            |b| b.rules_str(UNKNOWN, Some("u.rules")),
            |b| b.rules_str(EXERCISE_RULE, Some("ex.rules")),
            |b| b.default_gazetteer(false).rules_str(EXERCISE_RULE, None),
            |b| b.rules_str(UNKNOWN, Some("u.rules")).rules_str("entity x X: (", Some("s.rules")),
            |b| b.gazetteer_tsv(BAD_ROW, Some("bad.tsv")).rules_str(UNKNOWN, Some("u.rules")),
            |b| b.gazetteer_tsv(BAD_ROW, Some("bad.tsv")).rules_str(EXERCISE_RULE, None),
            |b| b.rules_str("entity x X: <NOPE> Cap\n", Some("l.rules")),
            |b| b.rules_str("entity x X: {NOPE} <NOPE>\nentity y Y: {NOPE2}\n", None),
            |b| b.rules_str("entity title_person PERSON: Cap\n", Some("d.rules")),
            |b| b.rules_path("/nonexistent/recon.rules"),
            |b| b.gazetteer_path("/nonexistent/recon.tsv").rules_str(UNKNOWN, None),
            |b| b.limits(Limits { max_rules: 3, ..Limits::default() }),
            |b| b.limits(Limits { max_rules: 3, ..Limits::default() }).rules_str(UNKNOWN, None),
            |b| b.limits(Limits { max_aliases: 100, ..Limits::default() }),
            |b| b.default_rules(false).rules_str(OWN_LABEL, None),
        ];
        let built: Vec<bool> = cases
            .iter()
            .map(|case| {
                let mut b = Extractor::builder();
                case(&mut b);
                same_either_way(&b, &texts).is_ok()
            })
            .collect();
        // Only the last case, whose slot names a label its own entity rule
        // makes, builds.
        assert_eq!(built.iter().filter(|&&ok| ok).count(), 1);
        assert!(built[cases.len() - 1]);
    }

    /// The rules compiled before the labels are known are kept when the
    /// labels hold those their slots name (the default model: the fast
    /// path is taken), and not when a slot names another.
    #[test]
    fn unchecked_rules_are_kept_only_when_the_labels_allow() {
        let ex = Extractor::new();
        let labels = distinct_labels(ex.gazetteer());
        assert!(Rules::build_unchecked(true, &[]).check(&labels).is_some());
        let user = [RuleSource::Text(EXERCISE_RULE.into(), None)];
        assert!(Rules::build_unchecked(true, &user).check(&labels).is_none());
        let mut with_exercise = labels.clone();
        with_exercise.insert("EXERCISE");
        assert!(Rules::build_unchecked(true, &user).check(&with_exercise).is_some());
        let broken = [RuleSource::Text("entity x X: (".into(), None)];
        assert!(Rules::build_unchecked(true, &broken).check(&with_exercise).is_none());
    }

    /// `beside` hands back the other thread's panic, and passes on this
    /// thread's once the other is done.
    #[test]
    fn beside_passes_panics_on() {
        let message = |p: Box<dyn std::any::Any + Send>| p.downcast_ref::<&str>().copied();
        let (here, other) = beside(|| -> u8 { panic!("other") }, || 7);
        assert_eq!((here, other.map_err(message)), (7, Err(Some("other"))));
        let done = std::sync::atomic::AtomicBool::new(false);
        let caught = std::panic::catch_unwind(|| {
            beside(
                || done.store(true, std::sync::atomic::Ordering::SeqCst),
                || -> u8 { panic!("here") },
            )
        });
        assert_eq!(caught.map_err(message).map(|_| ()), Err(Some("here")));
        assert!(done.load(std::sync::atomic::Ordering::SeqCst));
    }

    #[test]
    fn rules_find_the_same_on_the_gazetteers_word_ids() {
        let ex = Extractor::new();
        let (gaz, rules) = (&ex.inner.gazetteer, &ex.inner.rules);
        let mut pool: Vec<&str> = vec![",", ".", "(", ")", "'s", "—", "1,200", "zzq"];
        let files = rules::RULE_FILES.iter().chain(defaults::GAZETTEER_FILES);
        for (_, text) in files {
            let words = text.split(|c: char| c.is_whitespace() || "\"|:{}<>()=&!*+?".contains(c));
            pool.extend(words.filter(|w| !w.is_empty() && !w.starts_with('#')));
        }
        assert!(pool.len() > 10_000);
        let labels = ["ORGANIZATION", "LOCATION", "MILITARY_UNIT", "PERSON", "WEAPON_SYSTEM"];
        let mut next = crate::testing::xorshift(0xfeed);
        let tk = Tokenizer::new();
        let (mut tokens, mut sentences, mut found) = (Vec::new(), Vec::new(), Vec::new());
        let mut gaz_scratch = Scratch::default();
        let (mut shared, mut alone) = (PatternScratch::default(), PatternScratch::default());
        let (mut with_shared, mut with_own) = (Vec::new(), Vec::new());
        let mut matches = 0;
        for _ in 0..400 {
            let mut text = String::new();
            for _ in 0..1 + next() % 120 {
                let w = pool[next() as usize % pool.len()];
                match next() % 8 {
                    0 => text.push_str(&w.to_uppercase()),
                    1 => text.push_str(&w.to_lowercase()),
                    _ => text.push_str(w),
                }
                text.push_str(if next() % 12 == 0 { ". " } else { " " });
            }
            tk.tokenize_into(&text, &mut tokens);
            tk.sentences_into(&text, &tokens, &mut sentences);
            found.clear();
            gaz.find_into(&text, &tokens, &sentences, &mut gaz_scratch, &mut found);
            let numbers = gaz.token_ids(&gaz_scratch, tokens.len());
            assert!(numbers.is_some());
            rules.share_words(&text, &tokens, numbers, &mut shared);
            let mut ents = Vec::new();
            let mut at = 0;
            while at < tokens.len() {
                let len = 1 + next() as usize % 3;
                if next() % 3 == 0 && at + len <= tokens.len() {
                    let label = labels[next() as usize % labels.len()];
                    ents.push(EntityRef { tokens: at..at + len, label });
                }
                at += len;
            }
            for set in [&rules.entity, &rules.relation] {
                with_shared.clear();
                with_own.clear();
                for s in &sentences {
                    set.find_in_sentence_with(
                        &text,
                        &tokens,
                        s,
                        &ents,
                        &mut shared,
                        &mut with_shared,
                    );
                    set.find_in_sentence_with(&text, &tokens, s, &ents, &mut alone, &mut with_own);
                }
                assert_eq!(with_shared, with_own, "{text:?}");
                matches += with_own.len();
            }
            shared.forget_words();
        }
        assert!(matches > 1000, "{matches}");
    }
}
