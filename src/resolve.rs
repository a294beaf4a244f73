//! The conflict policy: when candidate entities overlap, which one stays.
//!
//! Candidates come from the gazetteer and from contextual rules. The policy,
//! applied greedily:
//!
//! 1. the **longest** span (in bytes) wins;
//! 2. on equal length, the higher **source priority** wins: a user's
//!    gazetteer entries, then the default gazetteer, then rules;
//! 3. then the **label**, in this order: `PERSON`, `MILITARY_UNIT`,
//!    `ORGANIZATION`, `WEAPON_SYSTEM`, `LOCATION`, `NATIONALITY`, `DATE`,
//!    `MONEY`, `QUANTITY`, then any other label;
//! 4. then the earlier start.
//!
//! Candidates that lose are kept in [`Document::rejected`].
//!
//! [`Document::rejected`]: crate::Document::rejected

use crate::document::Entity;
use crate::span::Span;
use std::collections::BTreeMap;

/// The rank of a label in the tie-break (lower wins).
fn label_rank(label: &str) -> u8 {
    match label {
        "PERSON" => 0,
        "MILITARY_UNIT" => 1,
        "ORGANIZATION" => 2,
        "WEAPON_SYSTEM" => 3,
        "LOCATION" => 4,
        "NATIONALITY" => 5,
        "DATE" => 6,
        "MONEY" => 7,
        "QUANTITY" => 8,
        _ => 9,
    }
}

/// A candidate with the priority of its source.
#[derive(Debug)]
pub(crate) struct Candidate {
    pub entity: Entity,
    /// Higher wins: gazetteer entries carry their builder priority plus an
    /// offset above every rule.
    pub priority: i64,
}

/// Priority of a gazetteer candidate whose entry has builder priority `p`.
pub(crate) fn gazetteer_priority(p: i32) -> i64 {
    i64::from(p) + (1 << 40)
}

/// Priority of a rule candidate (rules rank below every gazetteer).
pub(crate) const RULE_PRIORITY: i64 = 0;

/// Splits `cands` into the kept entities (sorted by start, not
/// overlapping) and the rejected ones.
pub(crate) fn resolve(
    mut cands: Vec<Candidate>,
    kept: &mut Vec<Entity>,
    rejected: &mut Vec<Entity>,
) {
    cands.sort_by(|a, b| {
        let (ea, eb) = (&a.entity, &b.entity);
        eb.span
            .len()
            .cmp(&ea.span.len())
            .then(b.priority.cmp(&a.priority))
            .then(label_rank(&ea.label).cmp(&label_rank(&eb.label)))
            .then(ea.span.start.cmp(&eb.span.start))
    });
    // Kept spans, start -> end, for overlap checks in O(log n) (a sorted
    // Vec with inserts is quadratic on documents with many entities).
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
    for c in cands {
        let s = c.entity.span;
        let overlaps = taken.range(..s.end).next_back().is_some_and(|(_, &end)| end > s.start);
        if overlaps || s.is_empty() {
            rejected.push(c.entity);
        } else {
            taken.insert(s.start, s.end);
            kept.push(c.entity);
        }
    }
    kept.sort_by_key(|e| (e.span.start, e.span.end));
    rejected.sort_by_key(|e| (e.span.start, e.span.end));
}

/// Joins neighbours that name the same thing: two entities with the same
/// label and canonical name, written differently and separated only by
/// spaces ("AH-64E Apache helicopters" is one AH-64 Apache, not two).
pub(crate) fn merge_adjacent(text: &str, entities: &mut Vec<Entity>) {
    let mut out: Vec<Entity> = Vec::with_capacity(entities.len());
    for e in entities.drain(..) {
        if let Some(prev) = out.last_mut() {
            let between = text.get(prev.span.end..e.span.start).unwrap_or("x");
            let key = |span: Span| -> String {
                text.get(span.start..span.end)
                    .unwrap_or("")
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .flat_map(char::to_lowercase)
                    .collect()
            };
            // A repeated name ("Su-35 SU-35") is two mentions, not one.
            if prev.label == e.label
                && prev.canonical == e.canonical
                && !between.is_empty()
                && between.chars().all(|c| c == ' ')
                && key(prev.span) != key(e.span)
            {
                prev.span.end = e.span.end;
                prev.tokens.end = e.tokens.end;
                continue;
            }
        }
        out.push(e);
    }
    *entities = out;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;
    use std::sync::Arc;

    fn cand(start: usize, end: usize, label: &str, priority: i64) -> Candidate {
        Candidate {
            entity: Entity::from_rule(
                Span::new(start, end),
                0..0,
                Arc::from(label),
                Arc::from("x"),
                Arc::from("r"),
            ),
            priority,
        }
    }

    fn run(cands: Vec<Candidate>) -> (Vec<(usize, usize, String)>, usize) {
        let (mut kept, mut rejected) = (Vec::new(), Vec::new());
        resolve(cands, &mut kept, &mut rejected);
        (
            kept.iter().map(|e| (e.span.start, e.span.end, e.label.to_string())).collect(),
            rejected.len(),
        )
    }

    #[test]
    fn neighbours_with_one_canonical_merge() {
        let text = "AH-64E Apache helicopters and Apache";
        let mk = |a: usize, b: usize| cand(a, b, "WEAPON_SYSTEM", 0).entity;
        let mut v = vec![mk(0, 6), mk(7, 24), mk(37, 43)];
        merge_adjacent(text, &mut v);
        assert_eq!(
            v.iter().map(|e| (e.span.start, e.span.end)).collect::<Vec<_>>(),
            [(0, 24), (37, 43)]
        );
    }

    #[test]
    fn longest_then_priority_then_label() {
        // Longest wins over a higher priority.
        let (kept, rej) = run(vec![cand(0, 5, "LOCATION", 9), cand(0, 10, "PERSON", 0)]);
        assert_eq!(kept, [(0, 10, "PERSON".to_string())]);
        assert_eq!(rej, 1);
        // Same length: priority.
        let (kept, _) = run(vec![cand(0, 5, "PERSON", 0), cand(0, 5, "LOCATION", 9)]);
        assert_eq!(kept, [(0, 5, "LOCATION".to_string())]);
        // Same length and priority: label order.
        let (kept, _) = run(vec![cand(0, 5, "LOCATION", 1), cand(0, 5, "MILITARY_UNIT", 1)]);
        assert_eq!(kept, [(0, 5, "MILITARY_UNIT".to_string())]);
        // Disjoint candidates all stay, sorted.
        let (kept, rej) =
            run(vec![cand(6, 9, "DATE", 0), cand(0, 5, "PERSON", 0), cand(4, 7, "X", 0)]);
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0].0, 0);
        assert_eq!(rej, 1);
    }
}
