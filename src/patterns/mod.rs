//! Token patterns: a small rule language for contextual entities and
//! relations, compiled once and matched sentence by sentence.
//!
//! Rules are written in text (see `docs/RULES.md` for the full reference):
//!
//! ```text
//! lexicon RANK = "Gen." | "Lt. Gen." | Adm.
//! lexicon ORGWORD = Times | Ministry
//!
//! entity title_person PERSON = name:
//!     <RANK> name:(Cap & !<ORGWORD>){1,3}
//!
//! relation visited VISITED head=p tail=loc role="visitor":
//!     p:{PERSON} (arrived in | visited | "flew to") ...{0,4} loc:{LOCATION}
//! ```
//!
//! A [`RuleSetBuilder`] parses rule text (errors carry file, line and
//! column) and builds a [`RuleSet`]: lexicons become tries, patterns become
//! programs for a bounded backtracking matcher, and an index maps trigger
//! words, entity labels and rare token shapes to the rules they can fire,
//! so a sentence only runs the rules that can match in it.
//!
//! # Examples
//!
//! ```
//! use recon::patterns::{EntityRef, RuleSetBuilder};
//! use recon::tokenize::Tokenizer;
//!
//! let rules = r#"
//! lexicon RANK = "Gen." | "Lt. Gen." | Adm.
//! entity title_person PERSON = name:
//!     <RANK> name:Cap{1,3}
//! relation visited VISITED head=p tail=loc role="visitor":
//!     p:{PERSON} (arrived in | visited) ...{0,4} loc:{LOCATION}
//! "#;
//! let set = RuleSetBuilder::new().add_str(rules, Some("demo.rules"))?.build()?;
//!
//! let text = "Lt. Gen. John Smith visited the port of Odesa.";
//! let tk = Tokenizer::new();
//! let tokens = tk.tokenize(text);
//! let sentence = &tk.sentences(text, &tokens)[0];
//! let words = |r: std::ops::Range<usize>| {
//!     tokens[r].iter().map(|t| t.as_str(text)).collect::<Vec<_>>().join(" ")
//! };
//!
//! // First pass: no entities known yet.
//! let mut found = Vec::new();
//! set.find_in_sentence(text, &tokens, sentence, &[], &mut found);
//! assert_eq!(found.len(), 1);
//! assert_eq!(set.rules()[found[0].rule].name(), "title_person");
//! assert_eq!(words(found[0].capture("name").unwrap()), "John Smith");
//!
//! // Second pass, with the entities the caller has found.
//! let entities = [
//!     EntityRef { tokens: 2..4, label: "PERSON" },
//!     EntityRef { tokens: 8..9, label: "LOCATION" },
//! ];
//! found.clear();
//! set.find_in_sentence(text, &tokens, sentence, &entities, &mut found);
//! let visit = found.iter().find(|m| set.rules()[m.rule].name() == "visited").unwrap();
//! assert_eq!(words(visit.capture("p").unwrap()), "John Smith");
//! assert_eq!(words(visit.capture("loc").unwrap()), "Odesa");
//! # Ok::<(), recon::Error>(())
//! ```

mod compile;
mod index;
mod labels;
mod lexicon;
pub mod limits;
mod lists;
mod matcher;
mod shape;
mod syntax;

pub use matcher::Scratch;
pub(crate) use matcher::WordMap;
pub(crate) use shape::{ids_and_shapes_into, WordCache};

use crate::error::{Error, ErrorKind, Location};
use crate::tokenize::{Sentence, Token};
use compile::Compiled;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use syntax::{LexDef, RuleDef, Source, Stmt};

/// What a rule produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RuleKind {
    /// `entity NAME LABEL [= CAPTURE]:` — an entity.
    Entity,
    /// `relation NAME LABEL head=.. tail=.. ...:` — a relation.
    Relation,
}

/// What the caller should build from a match of a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// An entity with the rule's label, spanning the capture (or the whole
    /// match when `capture` is `None`).
    Entity {
        /// The capture that gives the entity's tokens.
        capture: Option<String>,
    },
    /// A relation with the rule's label between two captures.
    Relation {
        /// The capture of the relation's head.
        head: String,
        /// The capture of the relation's tail.
        tail: String,
        /// Further `key=value` pairs, in written order.
        attributes: Vec<Attribute>,
        /// Whether modality cues count only inside the match
        /// (`cues="match"` in the header) rather than from the start of its
        /// clause: for a noun phrase, such as a title before a name, that
        /// says the same whatever the clause around it says ("Ukraine will
        /// get F-16s, Dutch Prime Minister Mark Rutte said": the post is not
        /// planned). Attribution cues count anywhere in the sentence either
        /// way.
        match_cues: bool,
    },
}

/// A `key=value` pair of a relation rule's header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// The key.
    pub key: String,
    /// The value: a capture or a literal.
    pub value: AttrValue,
}

/// The value of an [`Attribute`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttrValue {
    /// `key=capture`: the text of that capture in each match.
    Capture(String),
    /// `key="literal"`: this text.
    Literal(String),
}

/// A compiled rule's description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Shared, so that every match's entity or relation can point at them.
    name: Arc<str>,
    kind: RuleKind,
    label: Arc<str>,
    action: Action,
    location: Location,
    pattern: String,
}

impl Rule {
    /// The rule's name (unique in its set).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name, shared.
    pub(crate) fn shared_name(&self) -> &Arc<str> {
        &self.name
    }

    /// The label, shared.
    pub(crate) fn shared_label(&self) -> &Arc<str> {
        &self.label
    }

    /// Entity or relation.
    pub fn kind(&self) -> RuleKind {
        self.kind
    }

    /// The label of the entity or relation it produces.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// What to build from a match.
    pub fn action(&self) -> &Action {
        &self.action
    }

    /// For an entity rule, the capture giving the entity's tokens (`None`:
    /// the whole match).
    pub fn capture(&self) -> Option<&str> {
        match &self.action {
            Action::Entity { capture } => capture.as_deref(),
            Action::Relation { .. } => None,
        }
    }

    /// For a relation rule, the head capture.
    pub fn head(&self) -> Option<&str> {
        match &self.action {
            Action::Relation { head, .. } => Some(head),
            Action::Entity { .. } => None,
        }
    }

    /// For a relation rule, the tail capture.
    pub fn tail(&self) -> Option<&str> {
        match &self.action {
            Action::Relation { tail, .. } => Some(tail),
            Action::Entity { .. } => None,
        }
    }

    /// For a relation rule, its further attributes.
    pub fn attributes(&self) -> &[Attribute] {
        match &self.action {
            Action::Relation { attributes, .. } => attributes,
            Action::Entity { .. } => &[],
        }
    }

    /// Where the rule was written (the position of its name).
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The pattern's text as written.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }
}

/// An entity already found, passed to [`RuleSet::find_in_sentence`] for
/// `{LABEL}` slots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityRef<'a> {
    /// The entity's tokens (indexes into the document's token list).
    pub tokens: Range<usize>,
    /// Its label.
    pub label: &'a str,
}

/// One match of one rule.
#[derive(Clone, PartialEq, Eq)]
pub struct PatternMatch {
    /// The rule, as an index into [`RuleSet::rules`].
    pub rule: usize,
    /// The tokens matched (indexes into the document's token list).
    pub tokens: Range<usize>,
    captures: Captures,
}

impl PatternMatch {
    /// The tokens the named capture matched, if it matched any.
    pub fn capture(&self, name: &str) -> Option<Range<usize>> {
        self.shared_captures().find(|(n, _)| &***n == name).map(|(_, r)| r)
    }

    /// The names of the rule's captures, shared by all its matches: the
    /// place of a name here is that of its tokens in
    /// [`PatternMatch::capture_at`].
    #[inline]
    pub(crate) fn capture_names(&self) -> &Arc<[Arc<str>]> {
        &self.captures.names
    }

    /// The tokens of the capture at place `k` of
    /// [`PatternMatch::capture_names`], if it matched any: a capture read
    /// by place, without comparing names.
    #[inline]
    pub(crate) fn capture_at(&self, k: usize) -> Option<Range<usize>> {
        let &(a, b) = self.captures.spans.as_slice().get(k)?;
        let start = self.tokens.start;
        (b > a).then(|| start + usize::from(a)..start + usize::from(b))
    }

    /// Every capture that matched at least one token, in the order the
    /// names first appear in the pattern.
    pub fn captures(&self) -> impl Iterator<Item = (&str, Range<usize>)> + '_ {
        self.shared_captures().map(|(n, r)| (&**n, r))
    }

    /// [`PatternMatch::captures`] with the names as shared strings.
    pub(crate) fn shared_captures(&self) -> impl Iterator<Item = (&Arc<str>, Range<usize>)> + '_ {
        let start = self.tokens.start;
        let spans = self.captures.spans.as_slice();
        self.captures
            .names
            .iter()
            .zip(spans)
            .filter(|(_, (a, b))| b > a)
            .map(move |(n, &(a, b))| (n, start + usize::from(a)..start + usize::from(b)))
    }
}

impl std::fmt::Debug for PatternMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PatternMatch")
            .field("rule", &self.rule)
            .field("tokens", &self.tokens)
            .field("captures", &self.captures().collect::<Vec<_>>())
            .finish()
    }
}

/// The captures of a match: the rule's capture names (shared by all its
/// matches) and where each capture lies. Nothing is allocated per match.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Captures {
    names: Arc<[Arc<str>]>,
    spans: Spans,
}

/// The tokens of each capture (by index in the names) as offsets from the
/// match's first token, end exclusive; a capture that matched nothing is
/// empty. A match spans at most [`limits::MAX_MATCH_TOKENS`] tokens, so an
/// offset fits in a byte.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Spans {
    /// Up to [`Spans::INLINE`] captures (every default rule), unused ones
    /// empty: no allocation.
    Inline([(u8, u8); Spans::INLINE]),
    Heap(Box<[(u8, u8)]>),
}

const _: () = assert!(limits::MAX_MATCH_TOKENS <= u8::MAX as usize);

impl Spans {
    const INLINE: usize = 4;

    fn as_slice(&self) -> &[(u8, u8)] {
        match self {
            Spans::Inline(s) => s,
            Spans::Heap(s) => s,
        }
    }
}

impl Captures {
    /// The captures named `names` whose slots (capture `k` in `2k` and
    /// `2k + 1`, [`lexicon::NONE`] when unset) hold positions of a match
    /// starting at `start`, in the same coordinates.
    fn from_slots(names: &Arc<[Arc<str>]>, slots: &[u32], start: usize) -> Captures {
        let span = |k: usize| {
            let (a, b) = (slots[2 * k], slots[2 * k + 1]);
            if a == lexicon::NONE || b == lexicon::NONE || b <= a {
                return (0, 0);
            }
            // A capture lies inside its match: both offsets fit.
            let off = |p: u32| u8::try_from(p as usize - start).unwrap_or(u8::MAX);
            (off(a), off(b))
        };
        let spans = if names.len() <= Spans::INLINE {
            let mut inline = [(0, 0); Spans::INLINE];
            for (k, s) in inline.iter_mut().enumerate().take(names.len()) {
                *s = span(k);
            }
            Spans::Inline(inline)
        } else {
            Spans::Heap((0..names.len()).map(span).collect())
        };
        Captures { names: names.clone(), spans }
    }
}

/// Collects rule sources and lexicons, then builds a [`RuleSet`].
///
/// Rule text is parsed when added, so syntax errors come from
/// [`add_str`](Self::add_str) and [`add_path`](Self::add_path); names that
/// may be defined in another source (lexicons, `@supplied` lists, labels)
/// are resolved by [`build`](Self::build). Every error is located by file,
/// line and column.
///
/// # Examples
///
/// ```
/// use recon::patterns::RuleSetBuilder;
///
/// let mut b = RuleSetBuilder::new();
/// b.lexicon("given_names", ["John", "Mary"]);
/// b.add_str("lexicon GIVEN = @given_names\nentity p PERSON: <GIVEN> Cap", Some("p.rules"))?;
/// let set = b.build()?;
/// assert_eq!(set.len(), 1);
///
/// let err = RuleSetBuilder::new()
///     .add_str("entity p PERSON: <NOPE> Cap", Some("p.rules"))?
///     .build()
///     .unwrap_err();
/// assert_eq!(err.to_string(), "p.rules:1:18: unknown lexicon `<NOPE>`");
/// # Ok::<(), recon::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct RuleSetBuilder {
    sources: Vec<Source>,
    lexicons: Vec<LexDef>,
    rules: Vec<RuleDef>,
    supplied: HashMap<String, Vec<String>>,
    known_labels: Option<HashSet<String>>,
}

impl RuleSetBuilder {
    /// An empty builder.
    pub fn new() -> RuleSetBuilder {
        RuleSetBuilder::default()
    }

    /// Supplies the entries of `@name`, used in rule files as
    /// `lexicon NAME = @name`. Calling it again for a name adds entries.
    pub fn lexicon(
        &mut self,
        name: &str,
        entries: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> &mut Self {
        let list = self.supplied.entry(name.to_owned()).or_default();
        list.extend(entries.into_iter().map(|e| e.as_ref().to_owned()));
        self
    }

    /// Declares the entity labels callers will pass in; once called, a
    /// `{LABEL}` slot naming any other label (that no entity rule
    /// produces) is an error at build time.
    pub fn known_labels(&mut self, labels: impl IntoIterator<Item = impl AsRef<str>>) -> &mut Self {
        let set = self.known_labels.get_or_insert_with(HashSet::new);
        set.extend(labels.into_iter().map(|l| l.as_ref().to_owned()));
        self
    }

    /// The labels of the entity slots of every rule added that no entity
    /// rule added produces: those [`known_labels`](Self::known_labels)
    /// must hold for [`build`](Self::build) to report no unknown label.
    /// A build without `known_labels` is the same as one with labels
    /// holding these (the check only fails or passes), so the rules can be
    /// compiled before the labels are known and checked after.
    pub(crate) fn foreign_labels(&self) -> HashSet<&str> {
        let mut slots = HashSet::new();
        self.rules.iter().for_each(|r| r.pattern.slot_labels_into(&mut slots));
        for r in self.rules.iter().filter(|r| r.kind == RuleKind::Entity) {
            slots.remove(r.label.as_str());
        }
        slots
    }

    /// Parses rule text; `name` names it in error locations. Statements
    /// with errors are left out, the others kept, and all errors returned
    /// (several as [`ErrorKind::Many`]).
    pub fn add_str(&mut self, rules: &str, name: Option<&str>) -> Result<&mut Self, Error> {
        let source = Source::new(name, rules);
        let id = self.sources.len();
        let (stmts, mut errors) = syntax::parse_source(&source, id);
        for stmt in stmts {
            match stmt {
                Stmt::Lexicon(def) => {
                    if let Some(first) = self.lexicons.iter().find(|l| l.name == def.name) {
                        let msg = format!(
                            "duplicate lexicon `{}` (first defined at {})",
                            def.name,
                            self.describe(first.source, first.at, &source)
                        );
                        errors.push(source.error(ErrorKind::Rule(msg), def.at));
                    } else {
                        self.lexicons.push(def);
                    }
                }
                Stmt::Rule(def) => {
                    if let Some(first) = self.rules.iter().find(|r| r.name == def.name) {
                        let msg = format!(
                            "duplicate rule name `{}` (first defined at {})",
                            def.name,
                            self.describe(first.source, first.at, &source)
                        );
                        errors.push(source.error(ErrorKind::Rule(msg), def.at));
                    } else {
                        self.rules.push(def);
                    }
                }
            }
        }
        self.sources.push(source);
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::many(errors))
        }
    }

    /// `path:line:column` of an earlier definition (`pending` is the source
    /// being added, not yet in `sources`).
    fn describe(&self, source: usize, at: usize, pending: &Source) -> String {
        let src = self.sources.get(source).unwrap_or(pending);
        let (line, col) = src.line_col(at);
        Location { path: src.name.clone(), line, column: col }.to_string()
    }

    /// Reads and parses a rule file; errors are located by its path.
    pub fn add_path(&mut self, path: impl AsRef<Path>) -> Result<&mut Self, Error> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let bytes =
            std::fs::read(path).map_err(|e| Error::new(ErrorKind::Io(format!("{name}: {e}"))))?;
        let text = String::from_utf8(bytes).map_err(|e| crate::error::not_utf8(&e, Some(&name)))?;
        self.add_str(&text, Some(&name))
    }

    /// Compiles and indexes every rule added. Unknown lexicons, `@names`
    /// and (with [`known_labels`](Self::known_labels)) labels, and patterns
    /// over the [`limits`], are located errors.
    pub fn build(&self) -> Result<RuleSet, Error> {
        self.build_filtered(None, None)
    }

    /// Like [`build`](Self::build), keeping only the rules of one kind, so
    /// that entity rules and relation rules from the same files can run at
    /// different stages of a pipeline.
    pub fn build_only(&self, kind: RuleKind) -> Result<RuleSet, Error> {
        self.build_filtered(Some(kind), None)
    }

    /// [`build_only`](Self::build_only) on a word vocabulary grown from
    /// `seed`'s: the ids of a document's words, looked up once in the set
    /// built here, serve `seed` too (see [`Scratch::share_words`]). The
    /// set matches as [`build_only`](Self::build_only)'s would.
    pub(crate) fn build_only_after(
        &self,
        kind: RuleKind,
        seed: &RuleSet,
    ) -> Result<RuleSet, Error> {
        self.build_filtered(Some(kind), Some(&seed.inner.compiled.vocab))
    }

    fn build_filtered(
        &self,
        kind: Option<RuleKind>,
        seed: Option<&lexicon::Vocab>,
    ) -> Result<RuleSet, Error> {
        let kept: Vec<RuleDef> =
            self.rules.iter().filter(|r| kind.is_none_or(|k| r.kind == k)).cloned().collect();
        // Labels made by entity rules left out here are still known.
        let known = self.known_labels.clone().map(|mut k| {
            k.extend(
                self.rules.iter().filter(|r| r.kind == RuleKind::Entity).map(|r| r.label.clone()),
            );
            k
        });
        // Only the lexicons the kept rules use are compiled (the name lists
        // behind the entity rules are large); one no rule uses is compiled
        // with the entity rules, so that its errors are still reported.
        let mut used = HashSet::new();
        kept.iter().for_each(|r| r.pattern.lexicons_into(&mut used));
        let mut anywhere = HashSet::new();
        self.rules.iter().for_each(|r| r.pattern.lexicons_into(&mut anywhere));
        let lexicons: Vec<LexDef> = self
            .lexicons
            .iter()
            .filter(|l| {
                used.contains(l.name.as_str())
                    || (!anywhere.contains(l.name.as_str()) && kind != Some(RuleKind::Relation))
            })
            .cloned()
            .collect();
        let compiled = compile::compile(
            &self.sources,
            &lexicons,
            &kept,
            &self.supplied,
            known.as_ref(),
            seed,
        )?;
        let rules = kept
            .iter()
            .map(|r| {
                let src = &self.sources[r.source];
                let (line, column) = src.line_col(r.at);
                Rule {
                    name: Arc::from(r.name.as_str()),
                    kind: r.kind,
                    label: Arc::from(r.label.as_str()),
                    action: r.action.clone(),
                    location: Location { path: src.name.clone(), line, column },
                    pattern: r.pattern_text.clone(),
                }
            })
            .collect();
        Ok(RuleSet { inner: Arc::new(Inner { rules, compiled }) })
    }
}

/// Compiled, indexed rules. Immutable, `Send + Sync`, cheap to clone.
#[derive(Clone, Debug)]
pub struct RuleSet {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    rules: Vec<Rule>,
    compiled: Compiled,
}

impl RuleSet {
    /// The rules, in the order they were added. [`PatternMatch::rule`]
    /// indexes this.
    pub fn rules(&self) -> &[Rule] {
        &self.inner.rules
    }

    /// The number of rules.
    pub fn len(&self) -> usize {
        self.inner.rules.len()
    }

    /// The capture names of each rule's program, by rule index: those of
    /// every match of the rule ([`PatternMatch::capture_names`]).
    pub(crate) fn capture_names(&self) -> impl Iterator<Item = &Arc<[Arc<str>]>> + '_ {
        self.inner.compiled.programs.iter().map(|p| &p.captures)
    }

    /// Approximate bytes of heap memory the compiled rules use
    /// (vocabulary, lexicons, programs, index).
    pub fn memory_usage(&self) -> usize {
        self.inner.compiled.heap_bytes()
    }

    /// True when there is no rule.
    pub fn is_empty(&self) -> bool {
        self.inner.rules.is_empty()
    }

    /// Appends to `out` the matches of every rule in `sentence`, sorted by
    /// first token, then rule.
    ///
    /// `tokens` are the document's tokens (from
    /// [`Tokenizer::tokenize`](crate::tokenize::Tokenizer::tokenize) on
    /// `text`) and `sentence` one of its sentences. `entities` are the
    /// entities found so far in the whole document, sorted by first token;
    /// `{LABEL}` slots match those that lie inside the sentence.
    ///
    /// Each rule is scanned left to right: at each token the longest match
    /// starting there is taken, and the scan goes on after it, so one
    /// rule's matches never overlap. Never panics; inconsistent input (an
    /// out-of-range sentence or entity) only finds less.
    pub fn find_in_sentence(
        &self,
        text: &str,
        tokens: &[Token],
        sentence: &Sentence,
        entities: &[EntityRef<'_>],
        out: &mut Vec<PatternMatch>,
    ) {
        matcher::with_scratch(|sc| {
            matcher::find(&self.inner.compiled, text, tokens, sentence, entities, sc, out);
        });
    }

    /// Like [`find_in_sentence`](Self::find_in_sentence), with the
    /// caller's scratch buffers instead of the thread's.
    pub fn find_in_sentence_with(
        &self,
        text: &str,
        tokens: &[Token],
        sentence: &Sentence,
        entities: &[EntityRef<'_>],
        scratch: &mut Scratch,
        out: &mut Vec<PatternMatch>,
    ) {
        matcher::find(&self.inner.compiled, text, tokens, sentence, entities, scratch, out);
    }

    /// The rules the index selects for `sentence` (indexes into
    /// [`rules`](Self::rules), ascending): only these are tried by
    /// [`find_in_sentence`](Self::find_in_sentence).
    ///
    /// # Examples
    ///
    /// ```
    /// use recon::patterns::RuleSetBuilder;
    /// use recon::tokenize::Tokenizer;
    ///
    /// let set = RuleSetBuilder::new()
    ///     .add_str("entity a X: said Cap\nentity b X: told Cap", None)?
    ///     .build()?;
    /// let text = "He told Smith.";
    /// let tk = Tokenizer::new();
    /// let tokens = tk.tokenize(text);
    /// let s = &tk.sentences(text, &tokens)[0];
    /// assert_eq!(set.candidates(text, &tokens, s, &[]), [1]);
    /// # Ok::<(), recon::Error>(())
    /// ```
    pub fn candidates(
        &self,
        text: &str,
        tokens: &[Token],
        sentence: &Sentence,
        entities: &[EntityRef<'_>],
    ) -> Vec<usize> {
        matcher::with_scratch(|sc| {
            matcher::candidates(&self.inner.compiled, text, tokens, sentence, entities, sc)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::rule_set;
    use crate::tokenize::Tokenizer;

    fn build_err(rules: &str) -> String {
        let mut b = RuleSetBuilder::new();
        match b.add_str(rules, Some("t.rules")) {
            Err(e) => e.to_string(),
            Ok(b) => b.build().map(|_| "built".to_owned()).unwrap_or_else(|e| e.to_string()),
        }
    }

    /// The text of tokens `r` of `text`.
    fn slice<'t>(text: &'t str, tokens: &[Token], r: Range<usize>) -> &'t str {
        &text[tokens[r.start].span.start..tokens[r.end - 1].span.end]
    }

    /// The token range of the first occurrence of `needle` in `text`.
    fn token_range(text: &str, tokens: &[Token], needle: &str) -> Range<usize> {
        let start = text.find(needle).expect("needle in text");
        let end = start + needle.len();
        let a = tokens.iter().position(|t| t.span.start == start).expect("token start");
        let b = tokens.iter().position(|t| t.span.end == end).expect("token end");
        a..b + 1
    }

    /// Every match in every sentence of `text`, as
    /// `rule: matched text [capture=text ...]`.
    fn run(set: &RuleSet, text: &str, entities: &[(&str, &str)]) -> Vec<String> {
        let tk = Tokenizer::new();
        let tokens = tk.tokenize(text);
        let mut ents: Vec<EntityRef<'_>> = entities
            .iter()
            .map(|&(needle, label)| EntityRef { tokens: token_range(text, &tokens, needle), label })
            .collect();
        ents.sort_by_key(|e| e.tokens.start);
        let mut out = Vec::new();
        for s in tk.sentences(text, &tokens) {
            let mut found = Vec::new();
            set.find_in_sentence(text, &tokens, &s, &ents, &mut found);
            for m in found {
                let mut line = format!(
                    "{}: {}",
                    set.rules()[m.rule].name(),
                    slice(text, &tokens, m.tokens.clone())
                );
                for (name, r) in m.captures() {
                    line.push_str(&format!(" [{name}={}]", slice(text, &tokens, r)));
                }
                out.push(line);
            }
        }
        out
    }

    fn one_sentence(text: &str) -> (Vec<Token>, Sentence) {
        let tokens = Tokenizer::new().tokenize(text);
        let s = Sentence { span: crate::Span::new(0, text.len()), tokens: 0..tokens.len() };
        (tokens, s)
    }

    /// A match's captures read back as the slots the matcher filled give
    /// them, for rules of up to seven captures (held inline up to four,
    /// allocated beyond), set, unset, empty and reversed.
    #[test]
    fn captures_read_back_from_their_slots() {
        use lexicon::NONE;
        let mut seed = 1u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let mut seen = 0;
        for count in 0..8 {
            let names: Arc<[Arc<str>]> =
                (0..count).map(|k| Arc::from(format!("c{k}").as_str())).collect();
            for _ in 0..200 {
                let start = next(30) as usize;
                let end = start + 1 + next(64) as usize;
                let pos = |r: u64| match r {
                    0 => NONE,
                    r => (start + (r as usize - 1) % (end - start + 1)) as u32,
                };
                let slots: Vec<u32> = (0..2 * count).map(|_| pos(next(80))).collect();
                let base = next(5) as usize;
                let m = PatternMatch {
                    rule: 0,
                    tokens: base + start..base + end,
                    captures: Captures::from_slots(&names, &slots, start),
                };
                // What the matcher made before: the set, non-empty ones.
                let want: Vec<(String, Range<usize>)> = (0..count)
                    .filter_map(|k| {
                        let (a, b) = (slots[2 * k], slots[2 * k + 1]);
                        (a != NONE && b != NONE && b > a)
                            .then(|| (format!("c{k}"), base + a as usize..base + b as usize))
                    })
                    .collect();
                let got: Vec<(String, Range<usize>)> =
                    m.captures().map(|(n, r)| (n.to_owned(), r)).collect();
                assert_eq!(got, want, "{slots:?} from {start}");
                for k in 0..count + 1 {
                    let name = format!("c{k}");
                    let found = want.iter().find(|(n, _)| *n == name).map(|(_, r)| r.clone());
                    assert_eq!(m.capture(&name), found, "{name} of {slots:?}");
                }
                seen += want.len();
            }
        }
        assert!(seen > 1000, "{seen} captures");
    }

    #[test]
    fn rule_set_is_send_sync_and_cheap_to_clone() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<RuleSet>();
        assert_send_sync::<RuleSetBuilder>();
        assert_send_sync::<PatternMatch>();
        let set = rule_set("entity a X: Cap");
        let copy = set.clone();
        assert!(Arc::ptr_eq(&set.inner, &copy.inner));
    }

    #[test]
    fn literals_are_case_insensitive_and_quoted_ones_multi_token() {
        let set = rule_set("entity flew X = d: \"flew to\" d:Cap\nentity ap X: =AP said");
        assert_eq!(
            run(&set, "He FLEW TO Paris. She flew Paris.", &[]),
            ["flew: FLEW TO Paris [d=Paris]"]
        );
        assert_eq!(run(&set, "the AP said. the Ap said.", &[]), ["ap: AP said"]);
    }

    #[test]
    fn second_token_check_keeps_every_match() {
        // Rules whose first element is one token are tried only where the
        // next token can continue them; a start that fails that check
        // must not hide a match starting one token later.
        let set = rule_set(
            "entity said X: Cap (said | told)\n\
             entity jets X: (the | a) Cap? jets\n\
             entity pair X: Cap Cap Cap",
        );
        assert_eq!(
            run(&set, "Defence Minister John Smith said the jets and a Chinese jets flew.", &[]),
            [
                "pair: Defence Minister John",
                "said: Smith said",
                "jets: the jets",
                "jets: a Chinese jets",
            ]
        );
        // The next token is past the sentence end: no match, no panic.
        assert!(run(&set, "Smith", &[]).is_empty());
        assert_eq!(run(&set, "Ann Lee Kim told", &[]), ["pair: Ann Lee Kim", "said: Kim told"]);
    }

    #[test]
    fn second_element_after_an_entity_is_checked_at_each_entity_end() {
        // Two entities start at "New"; each rule needs the one whose end
        // is followed by its next element.
        let set = rule_set(
            "entity said X: {GPE|ORG} reported\nentity times X: {GPE} Times\n\
             entity either X: ({GPE} | Cap) (York | Times)",
        );
        let ents = [("New York", "GPE"), ("New York Times", "ORG")];
        assert_eq!(
            run(&set, "The New York Times reported it.", &ents),
            ["said: New York Times reported", "times: New York Times", "either: New York Times"]
        );
        assert_eq!(
            run(&set, "The New York Post reported it.", &[("New York", "GPE")]),
            ["either: New York"]
        );
    }

    #[test]
    fn rules_needing_a_large_lexicon_match_where_it_is() {
        // A lexicon of more than 64 entries, some of several tokens, one
        // matched as written: a rule that needs it is skipped in sentences
        // holding no entry's first word, and must still match elsewhere.
        let mut words: Vec<String> = (0..80).map(|i| format!("w{i}")).collect();
        words.push("\"Central Command\"".into());
        let rules = format!(
            "lexicon BIG = {}\nlexicon HEAD exact = Command | Corps\n\
             entity big X: Cap <BIG> said\nentity head X: Cap <HEAD>",
            words.join(" | ")
        );
        let set = rule_set(&rules);
        assert_eq!(
            run(
                &set,
                "Then Central Command said so. Marine Corps. Marine corps. Then w79 said.",
                &[]
            ),
            [
                "big: Then Central Command said",
                "head: Central Command",
                "head: Marine Corps",
                "big: Then w79 said"
            ]
        );
        assert!(run(&set, "Then w80 said it.", &[]).is_empty());
    }

    #[test]
    fn exact_multi_token_literal() {
        let set = rule_set("entity t X: =\"Lt. Gen.\" Cap");
        assert_eq!(run(&set, "Lt. Gen. Smith and LT. GEN. Jones", &[]), ["t: Lt. Gen. Smith"]);
    }

    #[test]
    fn designators_match_in_normal_form() {
        let set = rule_set("entity su X: \"Su-35\" jets");
        assert_eq!(
            run(&set, "two SU-35 jets and Su35 jets, not Su 35 jets", &[]),
            ["su: SU-35 jets", "su: Su35 jets"]
        );
    }

    #[test]
    fn title_person_with_multi_token_lexicon_longest_entry() {
        let set = rule_set(
            "lexicon RANK = \"Gen.\" | \"Lt. Gen.\" | \"Maj. Gen.\" | Adm. | \"Air Chief Marshal\" | Air Chief\n\
             lexicon ORGWORD = Times | Ministry | Post\n\
             entity title_person PERSON = name:\n    r:<RANK> name:(Cap & !<ORGWORD>){1,3}\n",
        );
        assert_eq!(
            run(&set, "Lt. Gen. John Smith met Air Chief Marshal Amar Preet Singh.", &[]),
            [
                "title_person: Lt. Gen. John Smith [r=Lt. Gen.] [name=John Smith]",
                "title_person: Air Chief Marshal Amar Preet Singh [r=Air Chief Marshal] [name=Amar Preet Singh]",
            ]
        );
        // A title with no name after it does not match.
        assert!(run(&set, "The Gen. said nothing; the adm. of the fleet.", &[]).is_empty());
        // An ORGWORD stops the name.
        assert_eq!(
            run(&set, "Gen. Global Times", &[]),
            ["title_person: Gen. Global [r=Gen.] [name=Global]"]
        );
    }

    #[test]
    fn global_times_is_not_a_person() {
        let set = rule_set(
            "lexicon ORGWORD = Times | Ministry\nlexicon SPEECH = said | says | told | added\n\
             entity said_person PERSON = n: n:(Cap & !<ORGWORD>){2,3} <SPEECH>",
        );
        assert_eq!(run(&set, "Global Times said.", &[]), Vec::<String>::new());
        assert_eq!(
            run(&set, "John Smith told reporters.", &[]),
            ["said_person: John Smith told [n=John Smith]"]
        );
    }

    #[test]
    fn exact_lexicon() {
        let set = rule_set("lexicon C exact = US | UK\nentity c X: <C> forces");
        assert_eq!(
            run(&set, "US forces and us forces and UK forces", &[]),
            ["c: US forces", "c: UK forces"]
        );
    }

    #[test]
    fn supplied_lexicon() {
        let mut b = RuleSetBuilder::new();
        b.lexicon("given_names", ["John", "Mary Ann"]).lexicon("given_names", ["Olena"]);
        b.add_str("lexicon GIVEN = @given_names | Pyotr\nentity g PERSON: <GIVEN> Cap", None)
            .unwrap();
        let set = b.build().unwrap();
        assert_eq!(
            run(&set, "Mary Ann Smith, Olena Zelenska, Pyotr Ivanov and Bob Jones", &[]),
            ["g: Mary Ann Smith", "g: Olena Zelenska", "g: Pyotr Ivanov"]
        );
    }

    #[test]
    fn entity_slots_consume_multi_token_entities() {
        let set = rule_set(
            "relation visited VISITED head=p tail=loc role=\"visitor\" verb=v:\n    p:{PERSON} v:(arrived in | visited | \"flew to\") ...{0,4} loc:{LOCATION|GPE}\n",
        );
        let text = "John Smith flew to the city of New York.";
        assert_eq!(
            run(&set, text, &[("John Smith", "PERSON"), ("New York", "GPE")]),
            ["visited: John Smith flew to the city of New York [p=John Smith] [v=flew to] [loc=New York]"]
        );
        // The slot needs an entity that starts at that token, with a listed label.
        assert!(run(&set, text, &[("John", "PERSON"), ("New York", "GPE")]).is_empty());
        assert!(run(&set, text, &[("John Smith", "PERSON"), ("New York", "ORG")]).is_empty());
        // An entity running past the sentence is not in it.
        assert!(run(
            &set,
            "John visited Kyiv. Then",
            &[("John", "PERSON"), ("Kyiv. Then", "LOCATION")]
        )
        .is_empty());
        let r = &set.rules()[0];
        assert_eq!(
            (r.kind(), r.label(), r.head(), r.tail()),
            (RuleKind::Relation, "VISITED", Some("p"), Some("loc"))
        );
        assert_eq!(
            r.attributes()[0],
            Attribute { key: "role".into(), value: AttrValue::Literal("visitor".into()) }
        );
        assert_eq!(r.attributes()[1].value, AttrValue::Capture("v".into()));
        assert_eq!(r.location(), &Location { path: Some("t.rules".into()), line: 1, column: 10 });
    }

    #[test]
    fn entity_slot_backtracks_over_entities_starting_together() {
        let set = rule_set("entity o X = who: who:{ORG} said");
        let out = run(&set, "Global Times said so", &[("Global Times", "ORG"), ("Global", "ORG")]);
        assert_eq!(out, ["o: Global Times said [who=Global Times]"]);
        let out = run(&set, "Global said so", &[("Global said so", "ORG"), ("Global", "ORG")]);
        assert_eq!(out, ["o: Global said [who=Global]"]);
    }

    fn shape_hits(shape: &str, text: &str) -> Vec<String> {
        let set = rule_set(&format!("entity s X: {shape}"));
        run(&set, text, &[]).into_iter().map(|l| l.trim_start_matches("s: ").to_owned()).collect()
    }

    #[test]
    fn lexicon_tests_past_the_first_64_lexicons() {
        // 70 lexicons: membership bit sets take two words per word id.
        let mut rules = String::new();
        for k in 0..70 {
            rules.push_str(&format!("lexicon L{k} = w{k}\n"));
        }
        rules.push_str("entity a A: (Lower & !<L69> & !<L3>) <L66>\n");
        rules.push_str("entity b B: (<L68> & Lower) x\n");
        rules.push_str("entity c C: (Lower & !<L2>) (Lower & !<L67>) end\n");
        let set = rule_set(&rules);
        let text = "w69 w66 . w3 w66 . w5 w66 . w68 x . w67 w1 end . w1 w67 end";
        assert_eq!(run(&set, text, &[]), ["a: w5 w66", "b: w68 x", "c: w67 w1 end"]);
    }

    #[test]
    fn alternations_of_words_and_phrases() {
        let set = rule_set(
            "entity a A: (buys | orders | \"takes delivery of\" | \"signed for\" | acquires) Cap\n\
             entity b B: (to | at)",
        );
        let text = "Oman buys Rafales, takes delivery of Typhoons and signed for Hawks. \
                    It signed Eurofighters and acquires Tornados.";
        assert_eq!(
            run(&set, text, &[]),
            [
                "a: buys Rafales",
                "a: takes delivery of Typhoons",
                "a: signed for Hawks",
                "a: acquires Tornados"
            ]
        );
    }

    #[test]
    fn each_shape() {
        let text = "NATO's 82nd and XVIII units, first Su-35 , 400 Gen. Smith €5 of II";
        assert_eq!(shape_hits("Cap", text), ["NATO", "XVIII", "Su-35", "Gen.", "Smith", "II"]);
        assert_eq!(shape_hits("Upper", text), ["NATO", "XVIII", "II"]);
        assert_eq!(shape_hits("Lower", text), ["and", "units", "first", "of"]);
        assert_eq!(shape_hits("Num", text), ["400", "5"]);
        assert_eq!(shape_hits("Ordinal", text), ["82nd", "first"]);
        assert_eq!(shape_hits("Roman", text), ["XVIII", "II"]);
        assert_eq!(shape_hits("Designator", text), ["Su-35"]);
        assert_eq!(
            shape_hits("Word", text),
            ["NATO", "and", "XVIII", "units", "first", "Smith", "of", "II"]
        );
        assert_eq!(shape_hits("Abbr", text), ["Gen."]);
        assert_eq!(shape_hits("Punct", text), [",", ","]);
        assert_eq!(shape_hits("Symbol", text), ["€"]);
        assert_eq!(shape_hits("Possessive", text), ["'s"]);
        assert_eq!(shape_hits("Any", "a , b").len(), 3);
        assert_eq!(shape_hits("Glued", text), ["NATO", "'s", ",", "5"]);
        assert_eq!(
            shape_hits("Cap \"-\" (Cap & Glued)", "Ruiz-Castell and Ruiz - Castell"),
            ["Ruiz-Castell"]
        );
    }

    #[test]
    fn and_not_and_test_alternation() {
        assert_eq!(shape_hits("Cap & !Upper", "NATO Smith met Jones"), ["Smith", "Jones"]);
        assert_eq!(shape_hits("!Cap & !Punct", "NATO , met Jones"), ["met"]);
        assert_eq!(shape_hits("(Num | Ordinal) & !\"400\"", "400 401 5th x"), ["401", "5th"]);
        assert_eq!(shape_hits("Word & !=Smith", "Smith smith"), ["smith"]);
        assert_eq!(
            build_err("entity a X: Cap & !\"flew to\""),
            "t.rules:1:20: `&` and `!` combine single-token tests, and \"flew to\" is 2 tokens"
        );
        assert_eq!(build_err("entity a X: Cap & {PERSON}"), "t.rules:1:19: `&` and `!` combine single-token tests (literals, <LEXICON>, shapes), not this");
    }

    #[test]
    fn quantifiers() {
        let set = rule_set("entity q X: the big? red* Cap+ (\",\" Cap){0,2} Num{2}");
        let text = "the Tank 1 2 . the big red red Tank Gun , Ship , Sub 3 4 . \
                    the big red Tank , A , B , C 5 6 . the small Tank 1 2 . the Tank 1";
        assert_eq!(
            run(&set, text, &[]),
            ["q: the Tank 1 2", "q: the big red red Tank Gun , Ship , Sub 3 4"]
        );
    }

    #[test]
    fn bounded_repetition_exact_counts() {
        let set = rule_set("entity q X: x:Cap{2,3} said");
        assert_eq!(run(&set, "A B C D said", &[]), ["q: B C D said [x=B C D]"]);
        assert!(run(&set, "A said", &[]).is_empty());
    }

    #[test]
    fn gaps() {
        let set = rule_set("relation m MET head=a tail=b: a:{P} met ...{1,2} b:{P}");
        let ents = [("Ann", "P"), ("Bob", "P")];
        assert!(run(&set, "Ann met Bob", &ents).is_empty());
        assert_eq!(run(&set, "Ann met with Bob", &ents), ["m: Ann met with Bob [a=Ann] [b=Bob]"]);
        assert_eq!(run(&set, "Ann met with envoy Bob", &ents).len(), 1);
        assert!(run(&set, "Ann met with the envoy Bob", &ents).is_empty());
    }

    #[test]
    fn anchors() {
        let set = rule_set("entity first X: ^ Cap\nentity last X: Cap \".\" $");
        assert_eq!(
            run(&set, "Smith met Jones. Then Brown left Kyiv.", &[]),
            ["first: Smith", "last: Jones.", "first: Then", "last: Kyiv."]
        );
    }

    #[test]
    fn alternation_takes_the_longest_not_the_first() {
        let set = rule_set("entity a X: Cap | Cap Cap | Cap Cap Cap");
        assert_eq!(run(&set, "the John Paul Jones said", &[]), ["a: John Paul Jones"]);
    }

    /// Ties between branches follow the written order, single-word
    /// branches too: a run of them is one instruction, tried in its place
    /// (DESIGN.md, Alternations).
    #[test]
    fn branches_break_ties_in_written_order() {
        let set = rule_set("entity a X: (k:(Cap) | \"smith\" | \"jones\")");
        assert_eq!(run(&set, "Smith", &[]), ["a: Smith [k=Smith]"]);
        let set = rule_set("entity a X: (\"smith\" | \"jones\" | k:(Cap))");
        assert_eq!(run(&set, "Smith", &[]), ["a: Smith"]);
        let set = rule_set("entity a X: (\"smith\" | k:(Cap) | \"jones\")");
        assert_eq!(run(&set, "Smith Jones", &[]), ["a: Smith", "a: Jones [k=Jones]"]);
    }

    #[test]
    fn greedy_then_backtracks() {
        let set = rule_set("entity a X = n: n:Cap* Cap said");
        assert_eq!(
            run(&set, "John Paul Jones said", &[]),
            ["a: John Paul Jones said [n=John Paul]"]
        );
    }

    #[test]
    fn matches_do_not_overlap_within_a_rule_but_do_across_rules() {
        let set = rule_set("entity two X: Cap Cap\nentity one X: Cap");
        assert_eq!(
            run(&set, "Ann Bob Cid Dan Eve", &[]),
            [
                "two: Ann Bob",
                "one: Ann",
                "one: Bob",
                "two: Cid Dan",
                "one: Cid",
                "one: Dan",
                "one: Eve"
            ]
        );
    }

    #[test]
    fn optional_capture_that_matched_nothing_is_absent() {
        let set = rule_set("entity a X = n: r:Abbr? n:Cap");
        let (tokens, s) = one_sentence("Smith");
        let mut out = Vec::new();
        set.find_in_sentence("Smith", &tokens, &s, &[], &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].capture("r"), None);
        assert_eq!(out[0].capture("n"), Some(0..1));
        assert_eq!(out[0].captures().collect::<Vec<_>>(), [("n", 0..1)]);
    }

    #[test]
    fn units_weapons_and_dates() {
        let set = rule_set(
            "lexicon UNIT_MOD = Airborne | Infantry | Armored | Mechanized\n\
             lexicon UNIT_NOUN = Division | Brigade | Corps | Regiment\n\
             lexicon WEAPON_NOUN = missile | missiles | jet | drone\n\
             lexicon MONTH = January | February | March | Sept. | September\n\
             entity ordinal_unit MILITARY_UNIT = unit:\n    unit:((Ordinal | Roman) <UNIT_MOD>* <UNIT_NOUN>)\n\
             entity weapon WEAPON_SYSTEM = w:\n    (a | an | the) new? w:(Designator <WEAPON_NOUN>)\n\
             entity date DATE: <MONTH> Num (\",\" Num)?\n",
        );
        assert_eq!(
            run(&set, "The 82nd Airborne Division and XVIII Airborne Corps tested a new DF-27 missile on Sept. 27, 2024.", &[]),
            [
                "ordinal_unit: 82nd Airborne Division [unit=82nd Airborne Division]",
                "ordinal_unit: XVIII Airborne Corps [unit=XVIII Airborne Corps]",
                "weapon: a new DF-27 missile [w=DF-27 missile]",
                "date: Sept. 27, 2024",
            ]
        );
    }

    #[test]
    fn matches_sorted_by_start_then_rule() {
        let set = rule_set("entity b X: Num\nentity a X: Cap");
        assert_eq!(run(&set, "5 Ann 6", &[]), ["b: 5", "a: Ann", "b: 6"]);
    }

    #[test]
    fn index_skips_rules_without_their_trigger() {
        let set = rule_set(
            "lexicon SPEECH = said | told\n\
             entity said X: Cap <SPEECH>\n\
             entity visited X: Cap visited Cap\n\
             entity slot X: {PERSON} Cap\n\
             entity ord X: Ordinal Cap\n\
             entity any X: Cap Cap\n\
             entity alt X: (met | \"flew to\") Cap\n",
        );
        let cands = |text: &str, ents: &[(&str, &str)]| {
            let tokens = Tokenizer::new().tokenize(text);
            let (_, s) = one_sentence(text);
            let er: Vec<EntityRef<'_>> = ents
                .iter()
                .map(|&(n, l)| EntityRef { tokens: token_range(text, &tokens, n), label: l })
                .collect();
            let names: Vec<&str> = set
                .candidates(text, &tokens, &s, &er)
                .into_iter()
                .map(|r| set.rules()[r].name())
                .collect::<Vec<_>>();
            names.join(" ")
        };
        assert_eq!(cands("nothing here", &[]), "any");
        assert_eq!(cands("Smith TOLD us", &[]), "said any");
        assert_eq!(cands("Smith visited Kyiv", &[]), "visited any");
        assert_eq!(cands("Smith arrived", &[("Smith", "PERSON")]), "slot any");
        assert_eq!(cands("Smith arrived", &[("Smith", "ORG")]), "any");
        assert_eq!(cands("the 82nd Division", &[]), "ord any");
        assert_eq!(cands("they flew home", &[]), "any alt");
        // And the index only narrows: the match is still found.
        assert_eq!(run(&set, "Smith visited Kyiv", &[]), ["visited: Smith visited Kyiv"]);
    }

    #[test]
    fn build_errors_are_located() {
        assert_eq!(
            build_err("lexicon A = x\n\nentity p PERSON = n:\n    <RANK> n:Cap\n"),
            "t.rules:4:5: unknown lexicon `<RANK>`"
        );
        assert_eq!(
            build_err("entity p PERSON = n:\n    n:Cap & !<ORGWORD>\n"),
            "t.rules:2:14: unknown lexicon `<ORGWORD>`"
        );
        assert_eq!(
            build_err("lexicon G = a | @nope"),
            "t.rules:1:17: unknown supplied lexicon `@nope` (give it with RuleSetBuilder::lexicon)"
        );
        assert_eq!(
            build_err("relation v VISITED head=p tail=where:\n  p:{PERSON} visited loc:{LOCATION}"),
            "t.rules:1:32: unknown capture `where` (the pattern captures: p, loc)"
        );
        assert_eq!(
            build_err("entity a X: Cap\n  (Num\n"),
            "t.rules:2:3: unbalanced parenthesis: `(` is never closed"
        );
        assert_eq!(
            build_err("entity a X: Cap{4,2}"),
            "t.rules:1:16: bad repetition bound {4,2}: the minimum exceeds the maximum"
        );
        assert_eq!(
            build_err("entity a X: Cap{0,99}"),
            "t.rules:1:16: limit exceeded: repetition bound {0,99} is over the maximum of 16"
        );
        assert_eq!(
            build_err("entity a X:\n  (((Cap Num){16}){16}){16}"),
            "t.rules:2:24: limit exceeded: pattern compiles to 8192 instructions, more than 2048; use smaller repetitions"
        );
        assert_eq!(
            build_err("entity a X: Cap\nentity b X: Num\nentity a Y: Word"),
            "t.rules:3:8: duplicate rule name `a` (first defined at t.rules:1:8)"
        );
        let mut b = RuleSetBuilder::new();
        b.add_str("entity a X: Cap", Some("one.rules")).unwrap();
        let e = b.add_str("\n entity\n", Some("two.rules")).err().map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some("two.rules:2:2: indented line outside a statement"));
        let e = b.add_str("entity a X: Num", Some("two.rules")).err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("two.rules:1:8: duplicate rule name `a` (first defined at one.rules:1:8)")
        );
        let e = b.add_str("lexicon L = x\nlexicon L = y", None).err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("line 2, column 9: duplicate lexicon `L` (first defined at line 1, column 9)")
        );
    }

    #[test]
    fn known_labels_are_checked() {
        let mut b = RuleSetBuilder::new();
        b.known_labels(["PERSON", "LOCATION"]);
        b.add_str("entity u UNIT: Ordinal Cap\nrelation r R head=a tail=b:\n  a:{PERSON} in b:{LOCATION|UNIT}", None).unwrap();
        assert!(b.build().is_ok());
        b.add_str("relation s S head=a tail=b: a:{PERSON} in b:{PLACE}", None).unwrap();
        let e = b.build().unwrap_err();
        assert_eq!(e.to_string(), "line 1, column 46: unknown entity label `PLACE`");
    }

    #[test]
    fn several_errors_are_all_reported() {
        let e = build_err("entity a X: (Cap\nentity b X: Cap{9,1}\nentity c X: Cap");
        assert_eq!(e.lines().count(), 2, "{e}");
        let mut b = RuleSetBuilder::new();
        let err = b.add_str("entity a X: (Cap\nentity c X: Cap", None).expect_err("an error");
        assert!(matches!(err.kind(), ErrorKind::Rule(_)));
        assert_eq!(b.build().map(|s| s.len()).ok(), Some(1));
    }

    #[test]
    fn add_path_reads_files_and_locates_errors() {
        let dir = std::env::temp_dir().join(format!("recon-patterns-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("good.rules");
        std::fs::write(&good, "entity a X: Cap said\n").unwrap();
        let bad = dir.join("bad.rules");
        std::fs::write(&bad, "entity c X: Cap\nentity b X: (said\n").unwrap();
        let mut b = RuleSetBuilder::new();
        b.add_path(&good).unwrap();
        let e = b.add_path(&bad).err().unwrap().to_string();
        assert_eq!(
            e,
            format!("{}:2:13: unbalanced parenthesis: `(` is never closed", bad.display())
        );
        let e = RuleSetBuilder::new().add_path(dir.join("missing.rules")).err().unwrap();
        assert!(matches!(e.kind(), ErrorKind::Io(_)));
        std::fs::write(&bad, b"entity a X: \"\xff\"\n").unwrap();
        let e = RuleSetBuilder::new().add_path(&bad).err().unwrap();
        assert_eq!(e.kind(), &ErrorKind::NotUtf8 { offset: 13 });
        assert_eq!(e.location().map(|l| (l.line, l.column)), Some((1, 14)));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn bad_input_never_panics() {
        let set =
            rule_set("relation r R head=a tail=b: a:{P} ...{0,20} b:{P}\nentity e X: Cap+ =é");
        let text = "Ann met Bob and é";
        let tokens = Tokenizer::new().tokenize(text);
        let mut out = Vec::new();
        // A sentence past the tokens, entities out of range or unsorted,
        // tokens of another text.
        let s = Sentence { span: crate::Span::new(0, 99), tokens: 2..99 };
        let ents = [
            EntityRef { tokens: Range { start: 4, end: 2 }, label: "P" },
            EntityRef { tokens: 0..1, label: "P" },
            EntityRef { tokens: 2..500, label: "P" },
        ];
        set.find_in_sentence(text, &tokens, &s, &ents, &mut out);
        set.find_in_sentence("", &tokens, &s, &ents, &mut out);
        set.find_in_sentence("Ann", &tokens, &s, &ents, &mut out);
        let s = Sentence { span: crate::Span::new(0, 0), tokens: Range { start: 7, end: 3 } };
        set.find_in_sentence(text, &tokens, &s, &ents, &mut out);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn work_is_bounded_on_pathological_patterns() {
        // Nested loops over a long sentence that never matches at the end.
        // No trigger, so it is tried; no capital, so it never matches.
        let set = rule_set("entity p X: ((Any | Any Any)* (Lower | Word)*)* Cap");
        assert_eq!(
            set.candidates("a a", &Tokenizer::new().tokenize("a a"), &one_sentence("a a").1, &[]),
            [0]
        );
        let text = "a ".repeat(5000);
        let (tokens, s) = one_sentence(&text);
        let mut out = Vec::new();
        let t = std::time::Instant::now();
        set.find_in_sentence(&text, &tokens, &s, &[], &mut out);
        assert!(out.is_empty());
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
        // Long matches stop at the match-length limit.
        let set = rule_set("entity p X: Word+");
        set.find_in_sentence(&text, &tokens, &s, &[], &mut out);
        assert_eq!(out[0].tokens, 0..limits::MAX_MATCH_TOKENS);
        assert_eq!(out.len(), 5000usize.div_ceil(limits::MAX_MATCH_TOKENS));
    }

    #[test]
    fn random_rule_text_never_panics() {
        const PIECES: &[&str] = &[
            "(",
            ")",
            "|",
            "&",
            "!",
            "?",
            "*",
            "+",
            "{",
            "}",
            "{1,3}",
            "{0,16}",
            "{2}",
            "<",
            ">",
            "<L>",
            "{P}",
            "{P|Q}",
            "\"",
            "\"a b\"",
            "=",
            "=X",
            "^",
            "$",
            "...",
            "...{0,4}",
            "x:",
            "Cap",
            "Num",
            "Any",
            "Word",
            "said",
            "Gen.",
            ",",
            ":",
            "#",
            "\n",
            "\n  ",
            " ",
            " ",
            "é",
            "@g",
            "entity ",
            "relation ",
            "lexicon ",
            "head=x",
            "tail=y",
        ];
        let mut next = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        let text = "Gen. John said , x 5 Cap Any . é";
        let (tokens, s) = one_sentence(text);
        let ents = [EntityRef { tokens: 1..2, label: "P" }];
        let mut built = 0;
        for _ in 0..3000 {
            let mut rule = String::from(match next() % 3 {
                0 => "lexicon L = a | \"b c\"\nentity r X = x: ",
                1 => "lexicon L = a\nrelation r R head=x tail=y: ",
                _ => "entity r X: ",
            });
            for _ in 0..(next() % 12) {
                rule.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
            let mut b = RuleSetBuilder::new();
            b.lexicon("g", ["a"]);
            if b.add_str(&rule, None).is_err() {
                continue;
            }
            if let Ok(set) = b.build() {
                built += 1;
                let mut out = Vec::new();
                set.find_in_sentence(text, &tokens, &s, &ents, &mut out);
            }
        }
        assert!(built > 100, "{built}");
    }

    #[test]
    fn caller_scratch_gives_the_same_matches() {
        let set = rule_set("entity a X: Cap said");
        let text = "Smith said. Jones said.";
        let tk = Tokenizer::new();
        let tokens = tk.tokenize(text);
        let mut sc = Scratch::default();
        let mut a = Vec::new();
        let mut b = Vec::new();
        for s in tk.sentences(text, &tokens) {
            set.find_in_sentence(text, &tokens, &s, &[], &mut a);
            set.find_in_sentence_with(text, &tokens, &s, &[], &mut sc, &mut b);
        }
        assert_eq!(a, b);
        assert_eq!(a.iter().map(|m| m.tokens.clone()).collect::<Vec<_>>(), [0..2, 3..5]);
    }

    /// Throughput of matching alone: `cargo test --release --lib patterns::tests::throughput -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn throughput() {
        let mut rules = String::from(
            "lexicon RANK = \"Gen.\" | \"Lt. Gen.\" | \"Maj. Gen.\" | Adm. | Col. | \"Air Chief Marshal\"\n\
             lexicon ORGWORD = Times | Ministry | Post | Agency\n\
             lexicon SPEECH = said | says | told | added\n\
             lexicon UNIT_MOD = Airborne | Infantry | Armored\n\
             lexicon UNIT_NOUN = Division | Brigade | Corps\n\
             lexicon MONTH = January | February | March | April | May | June | July\n\
             entity title_person PERSON = name: <RANK> name:(Cap & !<ORGWORD>){1,3}\n\
             entity unit MILITARY_UNIT = u: u:(Ordinal <UNIT_MOD>* <UNIT_NOUN>)\n\
             entity said_person PERSON = n: n:(Cap & !<ORGWORD>){2,3} <SPEECH>\n\
             entity date DATE: <MONTH> Num (\",\" Num)?\n\
             entity money MONEY: \"$\" Num (million | billion)?\n\
             relation visited VISITED head=p tail=loc: p:{PERSON} (arrived in | visited | \"flew to\") ...{0,4} loc:{LOCATION}\n\
             relation said_rel SAID head=p tail=x: p:{PERSON} <SPEECH> x:...{1,8} $\n",
        );
        for k in 0..200 {
            rules.push_str(&format!("entity w{k} X: Cap word{k} (Cap | Num){{1,3}}\n"));
        }
        let set = RuleSetBuilder::new().add_str(&rules, None).unwrap().build().unwrap();
        let para = "Lt. Gen. John Smith, commander of the 82nd Airborne Division, arrived in Kyiv on March 3, 2024, \
                    the Global Times said. The Ministry of Defence announced a $400 million package of Su-35 jets \
                    and new DF-27 missiles. Officials told reporters the deal would be signed in June. ";
        let text = para.repeat(40000);
        let tk = Tokenizer::new();
        let tokens = tk.tokenize(&text);
        let sentences = tk.sentences(&text, &tokens);
        let ents: Vec<EntityRef<'_>> = Vec::new();
        let mut out = Vec::new();
        let t = std::time::Instant::now();
        for s in &sentences {
            set.find_in_sentence(&text, &tokens, s, &ents, &mut out);
        }
        let secs = t.elapsed().as_secs_f64();
        let t2 = std::time::Instant::now();
        let mut n = 0;
        for s in &sentences {
            n += set.candidates(&text, &tokens, s, &ents).len();
        }
        eprintln!(
            "candidates only: {:.1} MB/s ({n})",
            text.len() as f64 / 1e6 / t2.elapsed().as_secs_f64()
        );
        eprintln!(
            "{} MB, {} matches, {:.1} MB/s",
            text.len() / 1_000_000,
            out.len(),
            text.len() as f64 / 1e6 / secs
        );
    }
}
