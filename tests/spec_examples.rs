//! The spec examples (`tests/testdata/spec/examples.jsonl`) as a regression
//! gate: recall of the required entities and relations, and precision of
//! the predicted relations, counted as `score_examples.py` counts them
//! (names compared lower-case, letters and digits only).

use recon::Extractor;
use serde_json::Value;
use std::collections::HashSet;

fn norm(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn names(v: &Value) -> HashSet<String> {
    v.as_array().into_iter().flatten().filter_map(Value::as_str).map(norm).collect()
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array().into_iter().flatten().filter_map(Value::as_str).collect()
}

#[test]
fn spec_examples_stay_above_the_bar() {
    let ex = Extractor::new();
    let path = crate::testdata().join("spec").join("examples.jsonl");
    let text = std::fs::read_to_string(path).expect("examples.jsonl");
    let (mut ent_req, mut ent_hit, mut rel_req, mut rel_hit, mut rel_pred, mut rel_ok) =
        (0, 0, 0, 0, 0, 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let gold: Value = serde_json::from_str(line).unwrap();
        let doc = ex.extract(gold["text"].as_str().unwrap());
        let ents: Vec<(String, HashSet<String>)> = doc
            .entities()
            .iter()
            .map(|e| (e.label().to_owned(), [norm(e.canonical()), norm(e.text(&doc))].into()))
            .collect();
        let ent_matches = |g: &Value, k: usize| {
            let labels = strs(&g["labels"]);
            labels.contains(&ents[k].0.as_str()) && !ents[k].1.is_disjoint(&names(&g["names"]))
        };
        for g in gold["entities"].as_array().unwrap() {
            if g["required"] != false {
                ent_req += 1;
                ent_hit += usize::from((0..ents.len()).any(|k| ent_matches(g, k)));
            }
        }
        let grels = gold["relations"].as_array().unwrap();
        let rel_matches = |g: &Value, r: &recon::Relation| {
            let arg = |k: usize, key: &str| !ents[k].1.is_disjoint(&names(&g[key]));
            let fwd = arg(r.head(), "head") && arg(r.tail(), "tail");
            let back = g["symmetric"] == true && arg(r.tail(), "head") && arg(r.head(), "tail");
            let modality_ok = g.get("modality").is_none_or(|m| {
                strs(m).contains(&format!("{:?}", r.modality()).to_lowercase().as_str())
            });
            strs(&g["labels"]).contains(&r.label()) && (fwd || back) && modality_ok
        };
        for g in grels {
            if g["required"] != false {
                rel_req += 1;
                rel_hit += usize::from(doc.relations().iter().any(|r| rel_matches(g, r)));
            }
        }
        let mut seen = HashSet::new();
        for r in doc.relations() {
            let key = (r.label().to_owned(), r.head(), r.tail());
            if seen.insert(key) {
                rel_pred += 1;
                rel_ok += usize::from(grels.iter().any(|g| rel_matches(g, r)));
            }
        }
    }
    let ratio = |a: usize, b: usize| a as f64 / b.max(1) as f64;
    let (er, rr, rp) = (ratio(ent_hit, ent_req), ratio(rel_hit, rel_req), ratio(rel_ok, rel_pred));
    assert!(er >= 0.90, "entity recall {er:.3} ({ent_hit}/{ent_req})");
    assert!(rr >= 0.80, "relation recall {rr:.3} ({rel_hit}/{rel_req})");
    assert!(rp >= 0.85, "relation precision {rp:.3} ({rel_ok}/{rel_pred})");
}
