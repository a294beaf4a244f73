//! Scoring extraction results against gold annotations: precision, recall
//! and F1 per label and micro-averaged, for entities and relations.
//!
//! The measures and their counting are those of the reference scorer the
//! project is measured with (`score.py` of the shared evaluation folder), so
//! that both give the same figures on the same inputs:
//!
//! - **Entities**, each document's gold and predicted entities first
//!   de-duplicated as (span, label) sets:
//!   - `exact_typed`: same span and same label;
//!   - `overlap_typed`: spans share at least one character and the labels
//!     are equal, matched **one-to-one** (a maximum bipartite matching per
//!     label), so one prediction covering two gold entities is one true
//!     positive, not two;
//!   - `exact_untyped` / `overlap_untyped`: the same with labels ignored
//!     (spans de-duplicated).
//! - **Relations**, as (label, source span, target span) sets:
//!   - `overlap_typed`: same label, the source spans overlap and the target
//!     spans overlap, one-to-one;
//!   - `exact_typed`: same label, both argument spans exact, one-to-one;
//!   - `overlap_untyped`: arguments overlapping, label ignored.
//!
//!   With [`EvalOptions::undirected`], arguments may match in either order
//!   and A–B / B–A duplicates collapse to one.
//!
//! Micro figures sum true positives, predictions and gold items over
//! labels; macro figures average over the labels that have gold items.
//! A prediction whose label the [`LabelMap`] maps to nothing (`null`, or not
//! listed in a map that has a section for its kind) is dropped and counted
//! as unmapped.
//!
//! # Input shapes
//!
//! Both files are JSON Lines, one document a line ([`read_gold`],
//! [`read_predictions`]):
//!
//! - the **output contract** (what `recon extract` writes): `{"id",
//!   "entities": [{"start", "end", "label", ...}], "relations": [{"label",
//!   "head", "tail", ...}]}`, offsets in UTF-8 bytes, `head`/`tail` indexes
//!   into `entities`;
//! - the **re3d gold shape**: entities with `type` (and no `label`),
//!   relations with `type` and `source`/`target` spans, offsets in code
//!   points (`start`/`end`) with optional `start_byte`/`end_byte`, and an
//!   optional `confidence`. A line is read this way when one of its
//!   entities has `type` but no `label` or one of its relations has
//!   `source`/`target`. Code-point offsets are turned into bytes with the
//!   line's `text` (or taken from `start_byte`/`end_byte`).
//!
//! All spans are compared in UTF-8 bytes; since code points and their byte
//! offsets are in the same order, overlap and equality are the same in
//! either unit.
//!
//! # Examples
//!
//! ```
//! use recon::eval::{evaluate_jsonl, EvalOptions};
//!
//! // One JSON object a line ("Sweden joined NATO.": Sweden 0..6, NATO 14..18).
//! let gold = concat!(
//!     r#"{"id": "d", "entities": [{"start": 0, "end": 6, "label": "LOCATION"}, "#,
//!     r#"{"start": 14, "end": 18, "label": "ORGANIZATION"}], "relations": []}"#
//! );
//! let pred = r#"{"id": "d", "entities": [{"start": 0, "end": 6, "label": "LOCATION"}]}"#;
//! let report = evaluate_jsonl(gold, pred, &EvalOptions::default())?;
//! let micro = report.entities.exact.micro();
//! assert_eq!((micro.tp, micro.pred, micro.gold), (1, 1, 2));
//! assert_eq!(micro.precision(), 1.0);
//! assert_eq!(micro.recall(), 0.5);
//! # Ok::<(), recon::eval::EvalError>(())
//! ```

use crate::span::Span;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::io::{self, Write};

/// An error reading gold, predictions or a label map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    /// What was being read (a file name, or `gold` / `predictions`).
    pub source: String,
    /// The 1-based line, where there is one.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.source, l, self.message),
            None => write!(f, "{}: {}", self.source, self.message),
        }
    }
}

impl std::error::Error for EvalError {}

fn err(source: &str, line: Option<usize>, message: impl Into<String>) -> EvalError {
    EvalError { source: source.to_owned(), line, message: message.into() }
}

/// Maps prediction labels to gold labels, for entities and relations.
///
/// The JSON form is `{"entities": {LABEL: GOLD|null, ...}, "relations":
/// {...}}`, or a flat `{LABEL: GOLD|null}` that applies to both. Keys
/// starting with `_` are comments. A section that is present maps only the
/// labels it lists: any other label, or one mapped to `null`, is dropped
/// (and counted as unmapped). A section that is absent leaves labels as
/// they are.
///
/// # Examples
///
/// ```
/// use recon::eval::LabelMap;
///
/// let m = LabelMap::from_json(r#"{"entities": {"PERSON": "Person", "DATE": null}}"#)?;
/// assert_eq!(m.entity("PERSON"), Some("Person"));
/// assert_eq!(m.entity("DATE"), None);
/// assert_eq!(m.entity("LOCATION"), None);
/// assert_eq!(m.relation("MET"), Some("MET")); // no "relations" section
/// assert_eq!(LabelMap::re3d().entity("MILITARY_UNIT"), Some("Organisation"));
/// # Ok::<(), recon::eval::EvalError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabelMap {
    entities: Option<HashMap<String, Option<String>>>,
    relations: Option<HashMap<String, Option<String>>>,
}

/// The label map for the re3d corpus shipped with the crate
/// (`data/eval/re3d_map.json`; the README explains its choices).
const RE3D_MAP: &str = include_str!("../data/eval/re3d_map.json");

impl LabelMap {
    /// The identity map: every label is kept as it is.
    pub fn identity() -> LabelMap {
        LabelMap::default()
    }

    /// The map from recon's default labels to re3d's types, shipped with
    /// the crate as `data/eval/re3d_map.json`.
    pub fn re3d() -> LabelMap {
        LabelMap::from_json(RE3D_MAP).expect("the embedded re3d map is valid")
    }

    /// Reads a map from its JSON text.
    ///
    /// # Errors
    ///
    /// The text is not JSON, not an object, or maps a label to something
    /// other than a string or `null`.
    pub fn from_json(text: &str) -> Result<LabelMap, EvalError> {
        let v: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|e| err("label map", None, format!("not JSON: {e}")))?;
        let Value::Object(top) = v else {
            return Err(err("label map", None, "expected a JSON object"));
        };
        let top: Map<String, Value> =
            top.into_iter().filter(|(k, _)| !k.starts_with('_')).collect();
        let split = top.keys().all(|k| k == "entities" || k == "relations")
            && top.values().all(Value::is_object);
        if split {
            let section = |name: &str| top.get(name).map(section_of).transpose();
            Ok(LabelMap { entities: section("entities")?, relations: section("relations")? })
        } else {
            let m = section_of(&Value::Object(top))?;
            Ok(LabelMap { entities: Some(m.clone()), relations: Some(m) })
        }
    }

    /// The gold label for a predicted entity label, `None` if it is
    /// dropped.
    pub fn entity<'a>(&'a self, label: &'a str) -> Option<&'a str> {
        lookup(&self.entities, label)
    }

    /// The gold label for a predicted relation label, `None` if it is
    /// dropped.
    pub fn relation<'a>(&'a self, label: &'a str) -> Option<&'a str> {
        lookup(&self.relations, label)
    }
}

fn lookup<'a>(m: &'a Option<HashMap<String, Option<String>>>, label: &'a str) -> Option<&'a str> {
    match m {
        None => Some(label),
        Some(m) => m.get(label).and_then(|v| v.as_deref()),
    }
}

fn section_of(v: &Value) -> Result<HashMap<String, Option<String>>, EvalError> {
    let mut out = HashMap::new();
    for (k, v) in v.as_object().into_iter().flatten() {
        if k.starts_with('_') {
            continue;
        }
        let t = match v {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => {
                return Err(err(
                    "label map",
                    None,
                    format!("{k:?} maps to {other}; expected a label or null"),
                ))
            }
        };
        out.insert(k.clone(), t);
    }
    Ok(out)
}

/// How to score.
#[derive(Clone, Debug, Default)]
pub struct EvalOptions {
    /// Maps prediction labels to gold labels (gold labels are never
    /// mapped).
    pub map: LabelMap,
    /// Relation arguments may match in either order.
    pub undirected: bool,
    /// Drop gold entities and relations whose `confidence` is below this.
    pub min_confidence: Option<f64>,
    /// Score only these entity labels (gold labels, and prediction labels
    /// after mapping); `None` scores all.
    pub labels: Option<BTreeSet<String>>,
}

/// An entity to score: its span and label.
#[derive(Clone, Debug, PartialEq)]
pub struct EvalEntity {
    /// UTF-8 byte offsets.
    pub span: Span,
    /// The label as written in the file.
    pub label: String,
    /// The annotation's confidence, if the file gives one.
    pub confidence: Option<f64>,
}

/// A relation to score: its label and argument spans.
#[derive(Clone, Debug, PartialEq)]
pub struct EvalRelation {
    /// The label as written in the file.
    pub label: String,
    /// The first argument (head, re3d `source`), UTF-8 byte offsets.
    pub source: Span,
    /// The second argument (tail, re3d `target`), UTF-8 byte offsets.
    pub target: Span,
    /// The annotation's confidence, if the file gives one.
    pub confidence: Option<f64>,
}

/// One document of gold or predictions.
#[derive(Clone, Debug, PartialEq)]
pub struct EvalDoc {
    /// The document id as written (a string or an integer).
    pub id: Value,
    /// The text, when the file gives it (used to check prediction spans).
    pub text: Option<String>,
    /// The entities.
    pub entities: Vec<EvalEntity>,
    /// The relations.
    pub relations: Vec<EvalRelation>,
    /// Entities or relations left out because a span was not a pair of
    /// non-negative integers or a label was missing.
    pub skipped: usize,
}

impl EvalDoc {
    /// The entities and relations of an extracted document, to score in
    /// memory without writing JSON.
    pub fn from_document(doc: &crate::Document<'_>) -> EvalDoc {
        let ents = doc.entities();
        EvalDoc {
            id: doc.id().map_or(Value::Null, |s| Value::String(s.to_owned())),
            text: Some(doc.text().to_owned()),
            entities: ents
                .iter()
                .map(|e| EvalEntity {
                    span: e.span(),
                    label: e.label().to_owned(),
                    confidence: None,
                })
                .collect(),
            relations: doc
                .relations()
                .iter()
                .filter_map(|r| {
                    Some(EvalRelation {
                        label: r.label().to_owned(),
                        source: ents.get(r.head())?.span(),
                        target: ents.get(r.tail())?.span(),
                        confidence: None,
                    })
                })
                .collect(),
            skipped: 0,
        }
    }
}

/// Reads gold documents from JSON Lines (either shape, see the module
/// docs). `name` names the source in errors.
///
/// # Errors
///
/// A line that is not a JSON object, has no `id`, holds a relation whose
/// `head`/`tail` is not an entity index, or re3d-shape offsets that cannot
/// be turned into bytes.
pub fn read_gold(jsonl: &str, name: &str) -> Result<Vec<EvalDoc>, EvalError> {
    let docs = read_docs(jsonl, name)?;
    for (n, d) in &docs {
        if !valid_id(&d.id) {
            return Err(err(name, Some(*n), "gold document without a string or integer \"id\""));
        }
    }
    Ok(docs.into_iter().map(|(_, d)| d).collect())
}

/// Reads predictions from JSON Lines (normally `recon extract` output).
/// Lines without a usable `id`, and `{"id", "error"}` lines, are kept and
/// then ignored by [`evaluate`] (they count as missing predictions).
///
/// # Errors
///
/// As [`read_gold`], except for missing ids.
pub fn read_predictions(jsonl: &str, name: &str) -> Result<Vec<EvalDoc>, EvalError> {
    Ok(read_docs(jsonl, name)?.into_iter().map(|(_, d)| d).collect())
}

fn valid_id(id: &Value) -> bool {
    match id {
        Value::String(_) => true,
        Value::Number(n) => n.is_i64() || n.is_u64(),
        _ => false,
    }
}

/// A map key for an id: a string and an integer never meet.
fn id_key(id: &Value) -> String {
    match id {
        Value::String(s) => format!("s{s}"),
        other => format!("n{other}"),
    }
}

fn read_docs(jsonl: &str, name: &str) -> Result<Vec<(usize, EvalDoc)>, EvalError> {
    let mut out = Vec::new();
    for (i, line) in jsonl.trim_start_matches('\u{feff}').lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let n = i + 1;
        let v: Value =
            serde_json::from_str(line).map_err(|e| err(name, Some(n), format!("not JSON: {e}")))?;
        if !v.is_object() {
            return Err(err(name, Some(n), "expected a JSON object"));
        }
        out.push((n, parse_doc(&v).map_err(|m| err(name, Some(n), m))?));
    }
    Ok(out)
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn int(v: Option<&Value>) -> Option<usize> {
    let v = v?;
    // Integral floats count, as Python's int() takes them.
    v.as_u64()
        .map(|n| n as usize)
        .or_else(|| v.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0).map(|f| f as usize))
}

fn confidence(v: &Value) -> Option<f64> {
    match v.get("confidence") {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    }
}

fn parse_doc(v: &Value) -> Result<EvalDoc, String> {
    let ents = list(v, "entities");
    let rels = list(v, "relations");
    let re3d = ents.iter().any(|e| e.get("type").is_some() && e.get("label").is_none())
        || rels.iter().any(|r| r.get("source").is_some() || r.get("target").is_some());
    let text = v.get("text").and_then(Value::as_str).map(str::to_owned);
    let mut doc = EvalDoc {
        id: v.get("id").cloned().unwrap_or(Value::Null),
        text,
        entities: Vec::new(),
        relations: Vec::new(),
        skipped: 0,
    };
    let bytes = if re3d { doc.text.as_deref().map(char_to_byte) } else { None };
    // Contract shape: entity index -> its span (None if it was skipped).
    let mut spans: Vec<Option<Span>> = Vec::with_capacity(ents.len());
    for e in ents {
        let span = if re3d { re3d_span(e, bytes.as_deref())? } else { byte_span(e) };
        let label = e.get("label").or_else(|| e.get("type")).and_then(label_of);
        spans.push(span);
        match (span, label) {
            (Some(span), Some(label)) => {
                doc.entities.push(EvalEntity { span, label, confidence: confidence(e) })
            }
            _ => doc.skipped += 1,
        }
    }
    for (k, r) in rels.iter().enumerate() {
        let label = r.get("label").or_else(|| r.get("type")).and_then(label_of);
        let (source, target) = if re3d {
            let arg = |key: &str| -> Result<Option<Span>, String> {
                match r.get(key) {
                    Some(a) if a.is_object() => re3d_span(a, bytes.as_deref()),
                    _ => Ok(None),
                }
            };
            (arg("source")?, arg("target")?)
        } else {
            let arg = |key: &str| -> Result<Option<Span>, String> {
                let i = int(r.get(key))
                    .ok_or_else(|| format!("relation {k}: \"{key}\" is not an entity index"))?;
                match spans.get(i) {
                    Some(s) => Ok(*s),
                    None => Err(format!(
                        "relation {k}: \"{key}\" {i} points at no entity ({} entities)",
                        spans.len()
                    )),
                }
            };
            (arg("head")?, arg("tail")?)
        };
        match (label, source, target) {
            (Some(label), Some(source), Some(target)) => doc.relations.push(EvalRelation {
                label,
                source,
                target,
                confidence: confidence(r),
            }),
            _ => doc.skipped += 1,
        }
    }
    Ok(doc)
}

fn label_of(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn byte_span(v: &Value) -> Option<Span> {
    Some(Span::new(int(v.get("start"))?, int(v.get("end"))?))
}

/// A re3d span in bytes: `start_byte`/`end_byte` if given, else the code
/// point offsets `start`/`end` converted with the text.
fn re3d_span(v: &Value, bytes: Option<&[usize]>) -> Result<Option<Span>, String> {
    if let (Some(s), Some(e)) = (int(v.get("start_byte")), int(v.get("end_byte"))) {
        return Ok(Some(Span::new(s, e)));
    }
    let (Some(s), Some(e)) = (int(v.get("start")), int(v.get("end"))) else {
        return Ok(None);
    };
    let Some(bytes) = bytes else {
        return Err("re3d-shape offsets are code points: the line needs \"text\" \
                    (or start_byte/end_byte) to turn them into bytes"
            .to_owned());
    };
    match (bytes.get(s), bytes.get(e)) {
        (Some(&bs), Some(&be)) => Ok(Some(Span::new(bs, be))),
        _ => Err(format!("span {s}..{e} lies outside the text ({} code points)", bytes.len() - 1)),
    }
}

/// Code point offset -> byte offset, for every offset 0..=chars.
fn char_to_byte(text: &str) -> Vec<usize> {
    let mut v: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    v.push(text.len());
    v
}

/// True positives, predictions and gold items.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Predictions that match a gold item.
    pub tp: usize,
    /// Predictions.
    pub pred: usize,
    /// Gold items.
    pub gold: usize,
}

impl Counts {
    /// `tp / pred`, 0 when nothing was predicted.
    pub fn precision(&self) -> f64 {
        if self.pred == 0 {
            0.0
        } else {
            self.tp as f64 / self.pred as f64
        }
    }
    /// `tp / gold`, 0 when there is no gold item.
    pub fn recall(&self) -> f64 {
        if self.gold == 0 {
            0.0
        } else {
            self.tp as f64 / self.gold as f64
        }
    }
    /// The harmonic mean of precision and recall, 0 when both are 0.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    /// False positives.
    pub fn false_positives(&self) -> usize {
        self.pred - self.tp
    }
    /// False negatives.
    pub fn false_negatives(&self) -> usize {
        self.gold - self.tp
    }

    fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.pred += o.pred;
        self.gold += o.gold;
    }

    fn to_json(self) -> Value {
        json!({"tp": self.tp, "fp": self.false_positives(), "fn": self.false_negatives(),
               "pred": self.pred, "gold": self.gold, "precision": self.precision(),
               "recall": self.recall(), "f1": self.f1()})
    }
}

/// Macro averages over the labels that have gold items.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Macro {
    /// The number of labels averaged over.
    pub labels: usize,
    /// Mean precision.
    pub precision: f64,
    /// Mean recall.
    pub recall: f64,
    /// Mean F1.
    pub f1: f64,
}

/// Counts per label for one measure.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    /// Counts per (gold-side) label, sorted by label.
    pub per_label: BTreeMap<String, Counts>,
}

impl Table {
    /// The counts summed over labels.
    pub fn micro(&self) -> Counts {
        let mut c = Counts::default();
        for v in self.per_label.values() {
            c.add(*v);
        }
        c
    }

    /// Precision, recall and F1 averaged over the labels with gold items.
    pub fn macro_avg(&self) -> Macro {
        let with_gold: Vec<&Counts> = self.per_label.values().filter(|c| c.gold > 0).collect();
        let n = with_gold.len();
        if n == 0 {
            return Macro::default();
        }
        let mean = |f: fn(&Counts) -> f64| with_gold.iter().map(|c| f(c)).sum::<f64>() / n as f64;
        Macro {
            labels: n,
            precision: mean(Counts::precision),
            recall: mean(Counts::recall),
            f1: mean(Counts::f1),
        }
    }

    fn entry(&mut self, label: &str) -> &mut Counts {
        self.per_label.entry(label.to_owned()).or_default()
    }

    fn to_json(&self) -> Value {
        let m = self.macro_avg();
        let per: Map<String, Value> =
            self.per_label.iter().map(|(k, v)| (k.clone(), v.to_json())).collect();
        json!({"micro": self.micro().to_json(),
               "macro": {"types": m.labels, "precision": m.precision, "recall": m.recall, "f1": m.f1},
               "per_type": per})
    }
}

/// Entity scores.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EntityScores {
    /// Exact span and label.
    pub exact: Table,
    /// Overlapping span and label, one-to-one.
    pub overlap: Table,
    /// Exact span, label ignored.
    pub exact_untyped: Counts,
    /// Overlapping span, label ignored, one-to-one.
    pub overlap_untyped: Counts,
    /// Predicted entities read (in documents that have gold).
    pub predicted: usize,
    /// Predictions that repeated another's span and mapped label.
    pub duplicates: usize,
    /// Predicted labels dropped by the label map, with their counts.
    pub unmapped: BTreeMap<String, usize>,
}

/// Relation scores.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RelationScores {
    /// Label, both arguments overlapping, one-to-one.
    pub overlap: Table,
    /// Label, both arguments exact, one-to-one.
    pub exact: Table,
    /// Both arguments overlapping, label ignored, one-to-one.
    pub overlap_untyped: Counts,
    /// Predicted relations read (in documents that have gold).
    pub predicted: usize,
    /// Predictions that repeated another's label and arguments.
    pub duplicates: usize,
    /// Predicted labels dropped by the label map, with their counts.
    pub unmapped: BTreeMap<String, usize>,
}

/// The result of [`evaluate`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// Entity scores.
    pub entities: EntityScores,
    /// Relation scores.
    pub relations: RelationScores,
    /// Gold documents.
    pub gold_docs: usize,
    /// Gold documents with a prediction.
    pub predicted_docs: usize,
    /// Prediction lines whose id is in no gold document (ignored).
    pub unknown_ids: Vec<Value>,
    /// Whether relations were scored undirected.
    pub undirected: bool,
    /// Things worth knowing that did not stop the scoring, with counts.
    pub warnings: BTreeMap<String, usize>,
}

type RelKey = (String, Span, Span);

/// Scores `pred` against `gold` (see the module docs for the measures).
///
/// Documents are paired by id; a gold document without a prediction counts
/// all its gold items as missed, and predictions for ids that are not in
/// the gold are ignored. Several prediction lines with one id are merged;
/// of several gold lines with one id the last is kept.
pub fn evaluate(gold: &[EvalDoc], pred: &[EvalDoc], opts: &EvalOptions) -> Report {
    let mut rep = Report { undirected: opts.undirected, ..Report::default() };
    let mut gold_by: Vec<(String, &EvalDoc)> = Vec::new();
    let mut gold_at: HashMap<String, usize> = HashMap::new();
    let mut dup_gold = 0;
    for g in gold.iter().filter(|g| valid_id(&g.id)) {
        let k = id_key(&g.id);
        match gold_at.get(&k) {
            Some(&i) => {
                dup_gold += 1;
                gold_by[i].1 = g;
            }
            None => {
                gold_at.insert(k.clone(), gold_by.len());
                gold_by.push((k, g));
            }
        }
    }
    let mut preds: HashMap<String, Vec<&EvalDoc>> = HashMap::new();
    let (mut no_id, mut dup_pred) = (0, 0);
    for p in pred {
        if !valid_id(&p.id) {
            no_id += 1;
            continue;
        }
        let k = id_key(&p.id);
        if !gold_at.contains_key(&k) {
            rep.unknown_ids.push(p.id.clone());
            continue;
        }
        let v = preds.entry(k).or_default();
        if !v.is_empty() {
            dup_pred += 1;
        }
        v.push(p);
    }
    warn(&mut rep, "gold: duplicate document ids (last one kept)", dup_gold);
    warn(&mut rep, "pred: lines without a usable id (ignored)", no_id);
    let unknown = rep.unknown_ids.len();
    warn(&mut rep, "pred: ids not in gold (ignored)", unknown);
    warn(&mut rep, "pred: repeated ids (lines merged)", dup_pred);
    rep.gold_docs = gold_by.len();
    rep.predicted_docs = preds.len();
    let gold_conf_ok =
        |c: Option<f64>| opts.min_confidence.is_none_or(|m| c.is_none_or(|c| c >= m));
    let label_ok = |l: &str| opts.labels.as_ref().is_none_or(|s| s.contains(l));
    let (mut bad_spans, mut skipped) = (0, 0);

    for (k, g) in &gold_by {
        let p_docs = preds.get(k).map_or(&[][..], Vec::as_slice);
        // Gold entities: (span, label), de-duplicated, sorted.
        let g_ents: BTreeSet<(Span, &str)> = g
            .entities
            .iter()
            .filter(|e| gold_conf_ok(e.confidence) && label_ok(&e.label))
            .map(|e| (e.span, e.label.as_str()))
            .collect();
        // Predicted entities: checked against the text, mapped, de-duplicated.
        let check = |s: Span| valid_pred_span(s, g.text.as_deref());
        let mut p_ents: BTreeSet<(Span, &str)> = BTreeSet::new();
        for p in p_docs {
            skipped += p.skipped;
            for e in &p.entities {
                rep.entities.predicted += 1;
                let Some(span) = check(e.span) else {
                    bad_spans += 1;
                    continue;
                };
                let Some(t) = opts.map.entity(&e.label) else {
                    *rep.entities.unmapped.entry(e.label.clone()).or_default() += 1;
                    continue;
                };
                if !label_ok(t) {
                    continue;
                }
                if !p_ents.insert((span, t)) {
                    rep.entities.duplicates += 1;
                }
            }
        }
        score_entities(&g_ents, &p_ents, &mut rep.entities);

        // Relations.
        let key = |t: &str, s: Span, o: Span| -> RelKey {
            if opts.undirected && o < s {
                (t.to_owned(), o, s)
            } else {
                (t.to_owned(), s, o)
            }
        };
        let g_rels: BTreeSet<RelKey> = g
            .relations
            .iter()
            .filter(|r| gold_conf_ok(r.confidence))
            .map(|r| key(&r.label, r.source, r.target))
            .collect();
        let mut p_rels: BTreeSet<RelKey> = BTreeSet::new();
        for p in p_docs {
            for r in &p.relations {
                rep.relations.predicted += 1;
                let (Some(s), Some(o)) = (check(r.source), check(r.target)) else {
                    bad_spans += 1;
                    continue;
                };
                let Some(t) = opts.map.relation(&r.label) else {
                    *rep.relations.unmapped.entry(r.label.clone()).or_default() += 1;
                    continue;
                };
                if !p_rels.insert(key(t, s, o)) {
                    rep.relations.duplicates += 1;
                }
            }
        }
        score_relations(&g_rels, &p_rels, opts.undirected, &mut rep.relations);
    }
    warn(&mut rep, "pred: spans out of range or empty (skipped)", bad_spans);
    warn(&mut rep, "pred: entities or relations without span or label (skipped)", skipped);
    rep
}

fn warn(rep: &mut Report, k: &str, n: usize) {
    if n > 0 {
        *rep.warnings.entry(k.to_owned()).or_default() += n;
    }
}

/// A prediction span as the reference scorer takes it: non-empty and
/// within the text, snapped outward to character boundaries.
fn valid_pred_span(s: Span, text: Option<&str>) -> Option<Span> {
    if s.start >= s.end {
        return None;
    }
    let Some(text) = text else { return Some(s) };
    if s.end > text.len() {
        return None;
    }
    let (mut a, mut b) = (s.start, s.end);
    while !text.is_char_boundary(a) {
        a -= 1;
    }
    while !text.is_char_boundary(b) {
        b += 1;
    }
    Some(Span::new(a, b))
}

fn score_entities(
    g_ents: &BTreeSet<(Span, &str)>,
    p_ents: &BTreeSet<(Span, &str)>,
    out: &mut EntityScores,
) {
    for &(_, t) in g_ents {
        out.exact.entry(t).gold += 1;
        out.overlap.entry(t).gold += 1;
    }
    for &(_, t) in p_ents {
        out.exact.entry(t).pred += 1;
        out.overlap.entry(t).pred += 1;
    }
    for &(_, t) in g_ents.intersection(p_ents) {
        out.exact.entry(t).tp += 1;
    }
    let mut by_g: BTreeMap<&str, Vec<Span>> = BTreeMap::new();
    let mut by_p: BTreeMap<&str, Vec<Span>> = BTreeMap::new();
    for &(s, t) in g_ents {
        by_g.entry(t).or_default().push(s);
    }
    for &(s, t) in p_ents {
        by_p.entry(t).or_default().push(s);
    }
    for (t, pl) in &by_p {
        if let Some(gl) = by_g.get(t) {
            out.overlap.entry(t).tp +=
                matching_size(pl.len(), gl.len(), |i, j| pl[i].overlaps(gl[j]));
        }
    }
    let gs: Vec<Span> = g_ents.iter().map(|e| e.0).collect::<BTreeSet<_>>().into_iter().collect();
    let ps: Vec<Span> = p_ents.iter().map(|e| e.0).collect::<BTreeSet<_>>().into_iter().collect();
    let gset: BTreeSet<Span> = gs.iter().copied().collect();
    out.exact_untyped.add(Counts {
        tp: ps.iter().filter(|s| gset.contains(s)).count(),
        pred: ps.len(),
        gold: gs.len(),
    });
    out.overlap_untyped.add(Counts {
        tp: matching_size(ps.len(), gs.len(), |i, j| ps[i].overlaps(gs[j])),
        pred: ps.len(),
        gold: gs.len(),
    });
}

fn score_relations(
    g_rels: &BTreeSet<RelKey>,
    p_rels: &BTreeSet<RelKey>,
    undirected: bool,
    out: &mut RelationScores,
) {
    for (t, _, _) in g_rels {
        out.overlap.entry(t).gold += 1;
        out.exact.entry(t).gold += 1;
    }
    for (t, _, _) in p_rels {
        out.overlap.entry(t).pred += 1;
        out.exact.entry(t).pred += 1;
    }
    let compatible = |p: (Span, Span), g: (Span, Span), exact: bool| -> bool {
        if exact {
            return p == g || (undirected && p == (g.1, g.0));
        }
        (p.0.overlaps(g.0) && p.1.overlaps(g.1))
            || (undirected && p.0.overlaps(g.1) && p.1.overlaps(g.0))
    };
    let mut by_g: BTreeMap<&str, Vec<(Span, Span)>> = BTreeMap::new();
    let mut by_p: BTreeMap<&str, Vec<(Span, Span)>> = BTreeMap::new();
    for (t, s, o) in g_rels {
        by_g.entry(t).or_default().push((*s, *o));
    }
    for (t, s, o) in p_rels {
        by_p.entry(t).or_default().push((*s, *o));
    }
    for (t, pl) in &by_p {
        if let Some(gl) = by_g.get(t) {
            out.overlap.entry(t).tp +=
                matching_size(pl.len(), gl.len(), |i, j| compatible(pl[i], gl[j], false));
            out.exact.entry(t).tp +=
                matching_size(pl.len(), gl.len(), |i, j| compatible(pl[i], gl[j], true));
        }
    }
    let gu: Vec<(Span, Span)> =
        g_rels.iter().map(|r| (r.1, r.2)).collect::<BTreeSet<_>>().into_iter().collect();
    let pu: Vec<(Span, Span)> =
        p_rels.iter().map(|r| (r.1, r.2)).collect::<BTreeSet<_>>().into_iter().collect();
    out.overlap_untyped.add(Counts {
        tp: matching_size(pu.len(), gu.len(), |i, j| compatible(pu[i], gu[j], false)),
        pred: pu.len(),
        gold: gu.len(),
    });
}

/// The size of a maximum bipartite matching between `n_left` and `n_right`
/// items, `compatible(i, j)` telling which may pair: a greedy pass, then
/// one augmenting-path search (Kuhn) from every left item still free, as
/// the reference scorer does. The size of a maximum matching does not
/// depend on the order of the search.
fn matching_size(
    n_left: usize,
    n_right: usize,
    compatible: impl Fn(usize, usize) -> bool,
) -> usize {
    let adj: Vec<Vec<usize>> =
        (0..n_left).map(|i| (0..n_right).filter(|&j| compatible(i, j)).collect()).collect();
    let mut match_r: Vec<Option<usize>> = vec![None; n_right];
    let mut match_l: Vec<Option<usize>> = vec![None; n_left];
    for i in 0..n_left {
        if let Some(&j) = adj[i].iter().find(|&&j| match_r[j].is_none()) {
            match_r[j] = Some(i);
            match_l[i] = Some(j);
        }
    }
    for root in 0..n_left {
        if match_l[root].is_some() || adj[root].is_empty() {
            continue;
        }
        // Iterative DFS over alternating paths.
        let mut seen = vec![false; n_right];
        let mut parent: Vec<usize> = vec![usize::MAX; n_right];
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)]; // (left, next adj index)
        'search: while let Some(&mut (i, ref mut next)) = stack.last_mut() {
            while *next < adj[i].len() {
                let j = adj[i][*next];
                *next += 1;
                if seen[j] {
                    continue;
                }
                seen[j] = true;
                parent[j] = i;
                match match_r[j] {
                    None => {
                        // Augment back along the path.
                        let mut j = j;
                        loop {
                            let li = parent[j];
                            let prev = match_l[li];
                            match_l[li] = Some(j);
                            match_r[j] = Some(li);
                            if li == root {
                                break;
                            }
                            j = prev.expect("an inner left vertex is matched");
                        }
                        break 'search;
                    }
                    Some(li) => {
                        stack.push((li, 0));
                        continue 'search;
                    }
                }
            }
            stack.pop();
        }
    }
    match_l.iter().filter(|m| m.is_some()).count()
}

/// Reads both files' text and scores them.
///
/// # Errors
///
/// As [`read_gold`] and [`read_predictions`].
pub fn evaluate_jsonl(gold: &str, pred: &str, opts: &EvalOptions) -> Result<Report, EvalError> {
    let g = read_gold(gold, "gold")?;
    let p = read_predictions(pred, "predictions")?;
    Ok(evaluate(&g, &p, opts))
}

impl Report {
    /// The report as JSON, in the layout of the reference scorer's
    /// `--json` output (`entities.exact_typed.micro.f1`, ...).
    pub fn to_json(&self) -> Value {
        let e = &self.entities;
        let r = &self.relations;
        json!({
            "config": {"offsets": "byte", "undirected_relations": self.undirected},
            "docs": {"gold": self.gold_docs, "predicted": self.predicted_docs,
                     "gold_without_prediction": self.gold_docs - self.predicted_docs,
                     "pred_ids_not_in_gold": self.unknown_ids.len()},
            "entities": {
                "counts": {"pred_raw": e.predicted, "pred_duplicates_collapsed": e.duplicates,
                           "unmapped_by_label": e.unmapped},
                "exact_typed": e.exact.to_json(),
                "overlap_typed": e.overlap.to_json(),
                "exact_untyped": {"micro": e.exact_untyped.to_json()},
                "overlap_untyped": {"micro": e.overlap_untyped.to_json()},
            },
            "relations": {
                "counts": {"pred_raw": r.predicted, "pred_duplicates_collapsed": r.duplicates,
                           "unmapped_by_label": r.unmapped},
                "overlap_typed": r.overlap.to_json(),
                "exact_typed": r.exact.to_json(),
                "overlap_untyped": {"micro": r.overlap_untyped.to_json()},
            },
            "warnings": self.warnings,
        })
    }

    /// Writes the report as text tables for people (percentages with one
    /// decimal).
    ///
    /// # Errors
    ///
    /// The writer's I/O errors.
    pub fn write_text<W: Write>(&self, mut w: W) -> io::Result<()> {
        writeln!(
            w,
            "documents: gold {}, with predictions {}, without {}; prediction ids not in gold {}",
            self.gold_docs,
            self.predicted_docs,
            self.gold_docs - self.predicted_docs,
            self.unknown_ids.len()
        )?;
        writeln!(w, "relations: {}", if self.undirected { "undirected" } else { "directed" })?;
        let e = &self.entities;
        writeln!(
            w,
            "\nENTITIES  (predictions {}; unmapped, dropped: {})",
            e.predicted,
            unmapped_list(&e.unmapped)
        )?;
        table(&mut w, "exact span + label", Some(&e.exact), e.exact.micro())?;
        table(
            &mut w,
            "overlapping span + label (one-to-one)",
            Some(&e.overlap),
            e.overlap.micro(),
        )?;
        table(&mut w, "exact span, label ignored", None, e.exact_untyped)?;
        table(&mut w, "overlapping span, label ignored (one-to-one)", None, e.overlap_untyped)?;
        let r = &self.relations;
        writeln!(
            w,
            "\nRELATIONS  (predictions {}; unmapped, dropped: {})",
            r.predicted,
            unmapped_list(&r.unmapped)
        )?;
        table(
            &mut w,
            "label + both arguments overlapping (one-to-one)",
            Some(&r.overlap),
            r.overlap.micro(),
        )?;
        table(&mut w, "label + exact argument spans", Some(&r.exact), r.exact.micro())?;
        table(&mut w, "arguments overlapping, label ignored", None, r.overlap_untyped)?;
        if !self.warnings.is_empty() {
            writeln!(w, "\nWARNINGS")?;
            for (k, v) in &self.warnings {
                writeln!(w, "  {k}: {v}")?;
            }
        }
        Ok(())
    }
}

fn unmapped_list(m: &BTreeMap<String, usize>) -> String {
    if m.is_empty() {
        return "none".to_owned();
    }
    m.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
}

fn table<W: Write>(w: &mut W, title: &str, t: Option<&Table>, micro: Counts) -> io::Result<()> {
    writeln!(w, "-- {title}")?;
    writeln!(
        w,
        "{:<20} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}",
        "label", "gold", "pred", "tp", "P", "R", "F1"
    )?;
    let row = |w: &mut W, name: &str, c: &Counts| {
        writeln!(
            w,
            "{:<20} {:>6} {:>6} {:>6} {:>6.1} {:>6.1} {:>6.1}",
            name.chars().take(20).collect::<String>(),
            c.gold,
            c.pred,
            c.tp,
            100.0 * c.precision(),
            100.0 * c.recall(),
            100.0 * c.f1()
        )
    };
    if let Some(t) = t {
        for (k, c) in &t.per_label {
            row(w, k, c)?;
        }
    }
    row(w, "MICRO", &micro)?;
    if let Some(t) = t {
        let m = t.macro_avg();
        writeln!(
            w,
            "{:<20} {:>20} {:>6.1} {:>6.1} {:>6.1}  ({} labels with gold)",
            "macro",
            "",
            100.0 * m.precision,
            100.0 * m.recall,
            100.0 * m.f1,
            m.labels
        )?;
    }
    Ok(())
}
