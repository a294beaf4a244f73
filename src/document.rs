//! The document model: entities, relations and their evidence, serialised
//! to the output contract (`OUTPUT.md` in the repository).

use crate::gazetteer::Entry;
use crate::span::Span;
use serde::ser::{SerializeMap, SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// Where an entity came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// A gazetteer entry.
    Gazetteer,
    /// A contextual rule, by name.
    Rule(Arc<str>),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Gazetteer => f.write_str("gazetteer"),
            Source::Rule(name) => write!(f, "rule:{name}"),
        }
    }
}

/// One mention of an entity in a document.
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    pub(crate) span: Span,
    /// The tokens the entity covers (internal: token indexes of the text).
    pub(crate) tokens: std::ops::Range<usize>,
    pub(crate) label: Arc<str>,
    pub(crate) canonical: Arc<str>,
    pub(crate) source: Source,
    pub(crate) entry: Option<Arc<Entry>>,
    pub(crate) alternatives: Vec<Arc<Entry>>,
}

impl Entity {
    pub(crate) fn from_rule(
        span: Span,
        tokens: std::ops::Range<usize>,
        label: Arc<str>,
        canonical: Arc<str>,
        rule: Arc<str>,
    ) -> Entity {
        Entity {
            span,
            tokens,
            label,
            canonical,
            source: Source::Rule(rule),
            entry: None,
            alternatives: Vec::new(),
        }
    }

    /// Byte offsets of the mention in the document text.
    pub fn span(&self) -> Span {
        self.span
    }

    /// The mention's text, a slice of the document text.
    pub fn text<'t>(&self, doc: &Document<'t>) -> &'t str {
        &doc.text[self.span]
    }

    /// The label (`PERSON`, `LOCATION`, ...).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The canonical name: the gazetteer entry's, or for a rule entity the
    /// fullest name the document gives it.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// Where the entity came from.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The gazetteer entry, for gazetteer entities.
    pub fn entry(&self) -> Option<&Entry> {
        self.entry.as_deref()
    }

    /// The stable id of the gazetteer entry, if it has one.
    pub fn id(&self) -> Option<&str> {
        self.entry.as_ref().and_then(|e| e.stable_id())
    }

    /// Other gazetteer entries the same alias belongs to (see the
    /// gazetteer's rule for choosing among them).
    pub fn alternatives(&self) -> &[Arc<Entry>] {
        &self.alternatives
    }
}

/// How a relation is claimed in the text. Where several cues apply, the
/// weaker claim wins: negated > speculated > reported > planned > asserted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Modality {
    /// Stated as fact.
    #[default]
    Asserted,
    /// Announced for the future ("will buy").
    Planned,
    /// Attributed to a source ("according to", "reports that").
    Reported,
    /// Uncertain ("reportedly", "may", "speculation that").
    Speculated,
    /// Denied ("has no plans to", "will not", "denied").
    Negated,
}

/// A relation between two entities of a document.
#[derive(Clone, Debug, PartialEq)]
pub struct Relation {
    pub(crate) label: Arc<str>,
    pub(crate) head: usize,
    pub(crate) tail: usize,
    pub(crate) modality: Modality,
    pub(crate) attributes: BTreeMap<String, String>,
    pub(crate) evidence: Span,
    pub(crate) rule: Arc<str>,
    /// The sentence the relation was read in.
    pub(crate) sentence: Span,
    /// The rule's captures, by name.
    pub(crate) captures: RelationCaptures,
}

/// The captures of a relation's match: the rule's capture names (shared
/// by all its matches) and the span of each, `None` for one that matched
/// nothing. Up to [`RelationCaptures::INLINE`] spans are held inline: a
/// relation allocates nothing for its captures.
#[derive(Clone, Debug)]
pub(crate) struct RelationCaptures {
    names: Option<Arc<[Arc<str>]>>,
    spans: CaptureSpans,
}

/// The spans of [`RelationCaptures`], by the place of their name.
#[derive(Clone, Debug)]
enum CaptureSpans {
    Inline([Option<Span>; RelationCaptures::INLINE]),
    Heap(Box<[Option<Span>]>),
}

impl RelationCaptures {
    /// How many spans are held without an allocation (every default rule
    /// has at most this many captures).
    const INLINE: usize = 4;

    /// No captures.
    pub(crate) fn none() -> RelationCaptures {
        RelationCaptures { names: None, spans: CaptureSpans::Inline([None; Self::INLINE]) }
    }

    /// Captures named `names`, capture `k` at `span(k)` (`None`: it matched
    /// nothing).
    pub(crate) fn new(
        names: &Arc<[Arc<str>]>,
        mut span: impl FnMut(usize) -> Option<Span>,
    ) -> RelationCaptures {
        let spans = if names.len() <= Self::INLINE {
            let mut inline = [None; Self::INLINE];
            for (k, s) in inline.iter_mut().enumerate().take(names.len()) {
                *s = span(k);
            }
            CaptureSpans::Inline(inline)
        } else {
            CaptureSpans::Heap((0..names.len()).map(span).collect())
        };
        RelationCaptures { names: Some(names.clone()), spans }
    }

    /// The spans, by the place of their name.
    fn spans_mut(&mut self) -> &mut [Option<Span>] {
        match &mut self.spans {
            CaptureSpans::Inline(s) => s,
            CaptureSpans::Heap(s) => s,
        }
    }

    /// Every capture that matched, in the order of the names.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&Arc<str>, Span)> + '_ {
        let spans: &[Option<Span>] = match &self.spans {
            CaptureSpans::Inline(s) => s,
            CaptureSpans::Heap(s) => s,
        };
        let names = self.names.as_deref().unwrap_or(&[]);
        names.iter().zip(spans).filter_map(|(n, s)| Some((n, (*s)?)))
    }

    /// The span of the capture that holds `entity` (the first one whose
    /// span contains it), if any.
    pub(crate) fn head_span(&self, entity: Span) -> Option<Span> {
        self.iter().map(|(_, s)| s).find(|s| s.contains(entity))
    }

    /// Sets every capture at `old` to `new`.
    pub(crate) fn replace_span(&mut self, old: Span, new: Span) {
        for s in self.spans_mut().iter_mut().flatten() {
            if *s == old {
                *s = new;
            }
        }
    }

    /// Applies `f` to the span of every capture that matched.
    pub(crate) fn map_spans(&mut self, mut f: impl FnMut(Span) -> Span) {
        for s in self.spans_mut().iter_mut().flatten() {
            *s = f(*s);
        }
    }
}

/// Equal when the same names matched the same spans, in the same order.
impl PartialEq for RelationCaptures {
    fn eq(&self, other: &RelationCaptures) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Relation {
    /// The label (`HOLDS_POSITION`, `ACQUIRES`, ...).
    pub fn label(&self) -> &str {
        &self.label
    }
    /// Index of the head entity in [`Document::entities`].
    pub fn head(&self) -> usize {
        self.head
    }
    /// Index of the tail entity in [`Document::entities`].
    pub fn tail(&self) -> usize {
        self.tail
    }
    /// How the relation is claimed.
    pub fn modality(&self) -> Modality {
        self.modality
    }
    /// Attributes such as `role` or `quantity`.
    pub fn attributes(&self) -> &BTreeMap<String, String> {
        &self.attributes
    }
    /// The byte span of the text the relation was read from.
    pub fn evidence(&self) -> Span {
        self.evidence
    }
    /// The name of the rule that produced it.
    pub fn rule(&self) -> &str {
        &self.rule
    }
}

/// The result of extraction: the entities and relations of one text.
///
/// It borrows the text, so that every span can be shown as the text it
/// covers, and serialises to the output contract with serde.
///
/// # Examples
///
/// ```
/// let ex = recon::Extractor::new();
/// let doc = ex.extract("Poland ordered K2 tanks from South Korea.");
/// let json = serde_json::to_value(&doc)?;
/// assert_eq!(json["entities"][0]["text"], "Poland");
/// assert_eq!(json["entities"][0]["label"], "LOCATION");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Document<'t> {
    pub(crate) id: Option<String>,
    pub(crate) text: &'t str,
    pub(crate) entities: Vec<Entity>,
    pub(crate) relations: Vec<Relation>,
    pub(crate) rejected: Vec<Entity>,
    /// The text was cut at the document size limit.
    pub(crate) truncated: bool,
    /// Entities were left out at the entity limit.
    pub(crate) entities_truncated: bool,
}

impl<'t> Document<'t> {
    /// An empty document over `text`.
    pub fn new(text: &'t str) -> Document<'t> {
        Document {
            id: None,
            text,
            entities: Vec::new(),
            relations: Vec::new(),
            rejected: Vec::new(),
            truncated: false,
            entities_truncated: false,
        }
    }

    /// The document id, if one was set.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// Sets the document id (written as `"id"` in JSON).
    pub fn set_id(&mut self, id: impl Into<String>) {
        self.id = Some(id.into());
    }

    /// The text the document was extracted from.
    pub fn text(&self) -> &'t str {
        self.text
    }

    /// The entities, sorted by position, not overlapping.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// The relations.
    pub fn relations(&self) -> &[Relation] {
        &self.relations
    }

    /// The entities with a given label.
    pub fn entities_with_label<'d>(
        &'d self,
        label: &'d str,
    ) -> impl Iterator<Item = &'d Entity> + 'd {
        self.entities.iter().filter(move |e| e.label() == label)
    }

    /// The text of an entity.
    pub fn entity_text(&self, entity: &Entity) -> &'t str {
        &self.text[entity.span]
    }

    pub(crate) fn clear(&mut self, text: &'t str) {
        self.id = None;
        self.text = text;
        self.entities.clear();
        self.relations.clear();
        self.rejected.clear();
        self.truncated = false;
        self.entities_truncated = false;
    }

    /// True when the text given to the extractor was longer than
    /// [`Limits::max_document_bytes`](crate::Limits::max_document_bytes):
    /// only its beginning, cut on a `char` boundary, was read, and
    /// [`text`](Self::text) is that beginning.
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// True when the document had more entities than
    /// [`Limits::max_entities`](crate::Limits::max_entities): the entities
    /// after the point where the cap was reached were left out.
    pub fn entities_truncated(&self) -> bool {
        self.entities_truncated
    }

    /// The candidates that lost to an overlapping entity under the
    /// conflict policy (see [`Extractor`](crate::Extractor)), for callers
    /// who want to see what was set aside. Not serialised.
    pub fn rejected(&self) -> &[Entity] {
        &self.rejected
    }
}

struct EntityJson<'a> {
    e: &'a Entity,
    text: &'a str,
}

impl Serialize for EntityJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let e = self.e;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("start", &e.span.start)?;
        m.serialize_entry("end", &e.span.end)?;
        m.serialize_entry("text", &self.text[e.span])?;
        m.serialize_entry("label", &*e.label)?;
        m.serialize_entry("canonical", &*e.canonical)?;
        m.serialize_entry("source", &e.source.to_string())?;
        if let Some(entry) = &e.entry {
            if let Some(id) = entry.stable_id() {
                m.serialize_entry("id", id)?;
            }
            if !entry.metadata().is_empty() {
                let meta: BTreeMap<&str, &str> =
                    entry.metadata().iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                m.serialize_entry("meta", &meta)?;
            }
        }
        if !e.alternatives.is_empty() {
            let alts: Vec<Alternative<'_>> =
                e.alternatives.iter().map(|a| Alternative(a)).collect();
            m.serialize_entry("alternatives", &alts)?;
        }
        m.end()
    }
}

struct Alternative<'a>(&'a Entry);

impl Serialize for Alternative<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("canonical", self.0.canonical())?;
        m.serialize_entry("label", self.0.label())?;
        if let Some(id) = self.0.stable_id() {
            m.serialize_entry("id", id)?;
        }
        m.end()
    }
}

impl Serialize for Relation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Relation", 7)?;
        st.serialize_field("label", &*self.label)?;
        st.serialize_field("head", &self.head)?;
        st.serialize_field("tail", &self.tail)?;
        st.serialize_field("modality", &self.modality)?;
        st.serialize_field("attributes", &self.attributes)?;
        st.serialize_field("evidence", &self.evidence)?;
        st.serialize_field("rule", &*self.rule)?;
        st.end()
    }
}

struct Entities<'a>(&'a [Entity], &'a str);

impl Serialize for Entities<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for e in self.0 {
            seq.serialize_element(&EntityJson { e, text: self.1 })?;
        }
        seq.end()
    }
}

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        WithId { id: &self.id, doc: self }.serialize(s)
    }
}

/// A document serialised with an id of any JSON type (the command line
/// echoes the `id` of each input line as it was, number or string).
#[derive(Debug)]
pub struct WithId<'a, 't, I: Serialize> {
    /// The id to write.
    pub id: &'a I,
    /// The document.
    pub doc: &'a Document<'t>,
}

impl<I: Serialize> Serialize for WithId<'_, '_, I> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Document", 3)?;
        st.serialize_field("id", self.id)?;
        st.serialize_field("entities", &Entities(&self.doc.entities, self.doc.text))?;
        st.serialize_field("relations", &self.doc.relations)?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relation_captures_list_the_matched_ones_in_order() {
        // Random names (inline and on the heap) with random spans, some
        // unmatched: the captures listed are those of the plain list of
        // matched (name, span) pairs, shifted alike.
        let mut rng = crate::testing::xorshift(0x6a09_e667_f3bc_c909);
        let mut heap = 0;
        for round in 0..2000 {
            let n = (rng() % 8) as usize;
            heap += usize::from(n > RelationCaptures::INLINE);
            let names: Arc<[Arc<str>]> = (0..n).map(|k| Arc::from(format!("c{k}"))).collect();
            let spans: Vec<Option<Span>> = (0..n)
                .map(|_| {
                    let start = (rng() % 50) as usize;
                    (rng() % 3 > 0).then(|| Span::new(start, start + 1 + (rng() % 5) as usize))
                })
                .collect();
            let mut caps = RelationCaptures::new(&names, |k| spans[k]);
            let plain: Vec<(Arc<str>, Span)> =
                names.iter().zip(&spans).filter_map(|(n, s)| Some((n.clone(), (*s)?))).collect();
            let listed =
                |c: &RelationCaptures| c.iter().map(|(n, s)| (n.clone(), s)).collect::<Vec<_>>();
            assert_eq!(listed(&caps), plain, "round {round}");
            let shift = |s: Span| Span::new(s.start + 7, s.end + 7);
            caps.map_spans(shift);
            let shifted: Vec<_> = plain.iter().map(|(n, s)| (n.clone(), shift(*s))).collect();
            assert_eq!(listed(&caps), shifted, "round {round}");
        }
        assert!(heap > 100, "{heap}");
        assert_eq!(RelationCaptures::none().iter().count(), 0);
    }
}
