//! Graphviz DOT: a document's entities as nodes and relations as edges.

use crate::document::{Document, Modality};
use std::collections::HashMap;
use std::io::{self, Write};

/// Writes `doc` as one Graphviz `digraph`.
///
/// - One node per distinct (label, canonical name): every mention of
///   "Volodymyr Zelensky" (PERSON) is one node, however it was written. The
///   node shows the canonical name and, on a second line, the label and the
///   number of mentions when there are several.
/// - One edge per distinct (head node, tail node, relation label,
///   modality), labelled with the relation label, followed by the modality
///   in brackets when it is not `asserted` (`ACQUIRES [planned]`); negated
///   relations are dashed, other non-asserted ones dotted. Repeated edges
///   show a count (`MET ×2`).
///
/// The graph is named after the document id. Every name and label is a DOT
/// quoted string with `"` and `\` escaped and line breaks replaced, so any
/// text gives valid DOT. Render with `dot -Tsvg doc.dot > doc.svg`.
///
/// # Errors
///
/// The writer's I/O errors.
///
/// # Examples
///
/// ```
/// let ex = recon::Extractor::new();
/// let mut doc = ex.extract("Poland ordered K2 tanks from South Korea.");
/// doc.set_id("d1");
/// let mut out = Vec::new();
/// recon::output::write_dot(&doc, &mut out)?;
/// let dot = String::from_utf8(out).unwrap();
/// assert!(dot.starts_with("digraph \"d1\" {\n"));
/// assert!(dot.contains("label=\"Poland\\nLOCATION\""), "{dot}");
/// assert!(dot.trim_end().ends_with('}'));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_dot<W: Write>(doc: &Document<'_>, mut w: W) -> io::Result<()> {
    writeln!(w, "digraph {} {{", quote(doc.id().unwrap_or("recon")))?;
    writeln!(w, "  graph [rankdir=LR, fontname=\"Helvetica\"];")?;
    writeln!(w, "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];")?;
    writeln!(w, "  edge [fontname=\"Helvetica\", fontsize=10];")?;
    // Nodes, in order of first mention.
    let mut node_of: HashMap<(&str, &str), usize> = HashMap::new();
    let mut nodes: Vec<(&str, &str, usize)> = Vec::new();
    let mut entity_node = Vec::with_capacity(doc.entities().len());
    for e in doc.entities() {
        let key = (e.label(), e.canonical());
        let n = *node_of.entry(key).or_insert_with(|| {
            nodes.push((e.label(), e.canonical(), 0));
            nodes.len() - 1
        });
        nodes[n].2 += 1;
        entity_node.push(n);
    }
    for (i, (label, canonical, mentions)) in nodes.iter().enumerate() {
        let shown = if *mentions > 1 {
            format!("{canonical}\n{label} ×{mentions}")
        } else {
            format!("{canonical}\n{label}")
        };
        writeln!(w, "  n{i} [label={}, fillcolor=\"{}\"];", quote(&shown), colour(label))?;
    }
    // Edges, merged, in order of first appearance.
    let mut edge_of: HashMap<(usize, usize, &str, Modality), usize> = HashMap::new();
    let mut edges: Vec<(usize, usize, &str, Modality, usize)> = Vec::new();
    for r in doc.relations() {
        let (Some(&h), Some(&t)) = (entity_node.get(r.head()), entity_node.get(r.tail())) else {
            continue;
        };
        let key = (h, t, r.label(), r.modality());
        let k = *edge_of.entry(key).or_insert_with(|| {
            edges.push((h, t, r.label(), r.modality(), 0));
            edges.len() - 1
        });
        edges[k].4 += 1;
    }
    for (h, t, label, modality, count) in edges {
        let mut shown = label.to_owned();
        if modality != Modality::Asserted {
            shown.push_str(&format!(" [{}]", format!("{modality:?}").to_lowercase()));
        }
        if count > 1 {
            shown.push_str(&format!(" ×{count}"));
        }
        let style = match modality {
            Modality::Asserted => "solid",
            Modality::Negated => "dashed",
            _ => "dotted",
        };
        writeln!(w, "  n{h} -> n{t} [label={}, style={style}];", quote(&shown))?;
    }
    writeln!(w, "}}")
}

/// A DOT quoted string: `"` and `\` escaped, a line break written as the
/// DOT escape `\n` (a centred line break in a label), other control
/// characters as spaces.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn colour(label: &str) -> &'static str {
    match label {
        "PERSON" => "#fde68a",
        "LOCATION" => "#bbf7d0",
        "NATIONALITY" => "#a5f3fc",
        "ORGANIZATION" => "#f5d0fe",
        "MILITARY_UNIT" => "#bfdbfe",
        "WEAPON_SYSTEM" => "#fecaca",
        "DATE" | "MONEY" | "QUANTITY" => "#e5e7eb",
        _ => "#f3f4f6",
    }
}
