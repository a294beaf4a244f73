//! The extractor: the whole pipeline, built once and shared.

use crate::defaults;
use crate::document::{Document, Entity, Modality, Relation, Source};
use crate::linking;
use crate::resolve::{gazetteer_priority, resolve, Candidate};
use crate::error::Error;
use crate::gazetteer::{Entry, Gazetteer, GazetteerBuilder, Scratch};
use crate::tokenize::Tokenizer;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

/// Priority of the embedded default entries; user entries are added above
/// it, so that a user's entry wins where it shares an alias with a default.
const DEFAULT_PRIORITY: i32 = 0;
const USER_PRIORITY: i32 = 10;

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
    tokenizer: Tokenizer,
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

    /// Bytes of heap memory used by the compiled model (automaton and
    /// tables).
    pub fn memory_usage(&self) -> usize {
        self.inner.gazetteer.memory_usage()
    }

    /// Extracts the entities and relations of `text`.
    ///
    /// Never fails and never panics, whatever the text.
    pub fn extract<'t>(&self, text: &'t str) -> Document<'t> {
        let mut doc = Document::new(text);
        self.extract_into(text, &mut doc);
        doc
    }

    /// Like [`Extractor::extract`], reusing the buffers of `doc`.
    pub fn extract_into<'t>(&self, text: &'t str, doc: &mut Document<'t>) {
        doc.clear(text);
        let tk = &self.inner.tokenizer;
        let tokens = tk.tokenize(text);
        let sentences = tk.sentences(text, &tokens);
        let mut matches = Vec::new();
        let gaz = &self.inner.gazetteer;
        gaz.find_into(text, &tokens, &sentences, &mut Scratch::default(), &mut matches);
        let mut cands = Vec::with_capacity(matches.len());
        for m in matches {
            let c = gaz.compiled(m.entry);
            cands.push(Candidate {
                priority: gazetteer_priority(c.priority),
                entity: Entity {
                    span: m.span,
                    tokens: m.tokens,
                    label: c.label.clone(),
                    canonical: c.canonical.clone(),
                    source: Source::Gazetteer,
                    entry: Some(c.entry.clone()),
                    alternatives: m.alternatives.iter().map(|&a| gaz.compiled(a).entry.clone()).collect(),
                },
            });
        }
        resolve(cands, &mut doc.entities, &mut doc.rejected);
        let links = linking::link(text, &tokens, &mut doc.entities);
        for (short, full, evidence) in links {
            let (Some(head), Some(tail)) = (doc.entity_at(short), doc.entity_at(full)) else { continue };
            doc.relations.push(Relation {
                label: Arc::from("ALIAS_OF"),
                head,
                tail,
                modality: Modality::Asserted,
                attributes: Default::default(),
                evidence,
                rule: Arc::from("acronym_definition"),
            });
        }
    }
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
    sources: Vec<GazSource>,
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
        ExtractorBuilder { default_gazetteer: true, sources: Vec::new() }
    }

    /// Whether to load the embedded default gazetteer (default: yes).
    pub fn default_gazetteer(&mut self, yes: bool) -> &mut ExtractorBuilder {
        self.default_gazetteer = yes;
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

    /// Compiles the extractor. This is where bad files are reported.
    ///
    /// # Errors
    ///
    /// Any error of any source, each with its file, line and column
    /// ([`ErrorKind::Many`](crate::ErrorKind::Many) when there are several).
    pub fn build(&self) -> Result<Extractor, Error> {
        let mut gaz = GazetteerBuilder::new();
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
        if !errors.is_empty() {
            return Err(Error::many(errors));
        }
        Ok(Extractor {
            inner: Arc::new(Inner { gazetteer: gaz.build()?, tokenizer: Tokenizer::new() }),
        })
    }
}
