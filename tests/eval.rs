//! `recon::eval` and `recon eval`: figures computed by hand, and figures
//! from the reference scorer (score.py) on a committed fixture.

use recon::eval::{
    evaluate, evaluate_jsonl, read_gold, read_predictions, Counts, EvalDoc, EvalOptions, LabelMap,
};

fn counts(c: Counts) -> (usize, usize, usize) {
    (c.tp, c.pred, c.gold)
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-12, "{a} != {b}");
}

fn opts(undirected: bool) -> EvalOptions {
    EvalOptions { undirected, ..EvalOptions::default() }
}

#[test]
fn entities_by_hand_one_to_one_overlap() {
    // Text (not needed by the scorer): "Ankara and Damascus struck Aleppo"
    //   Ankara 0..6, Damascus 11..19, struck 20..26, Aleppo 27..33.
    // Gold: Ankara LOC, Damascus LOC, Aleppo LOC, "Ankara and Damascus" ORG.
    let gold = r#"{"id": "d", "entities": [
        {"start": 0, "end": 6, "label": "LOC"}, {"start": 11, "end": 19, "label": "LOC"},
        {"start": 27, "end": 33, "label": "LOC"}, {"start": 0, "end": 19, "label": "ORG"}]}"#;
    // Predicted: one LOC over "Ankara and Damascus", Aleppo LOC twice (a
    // duplicate, counted once), "struck" PER.
    let pred = r#"{"id": "d", "entities": [
        {"start": 0, "end": 19, "label": "LOC"}, {"start": 27, "end": 33, "label": "LOC"},
        {"start": 27, "end": 33, "label": "LOC"}, {"start": 20, "end": 26, "label": "PER"}]}"#;
    let r =
        evaluate_jsonl(&gold.replace('\n', " "), &pred.replace('\n', " "), &opts(false)).unwrap();
    let e = &r.entities;
    // Exact + label: only Aleppo. tp 1, pred 3 (LOC 0..19, LOC 27..33,
    // PER), gold 4. P = 1/3, R = 1/4, F1 = 2·(1/12)/(7/12) = 2/7.
    assert_eq!(counts(e.exact.micro()), (1, 3, 4));
    close(e.exact.micro().precision(), 1.0 / 3.0);
    close(e.exact.micro().recall(), 0.25);
    close(e.exact.micro().f1(), 2.0 / 7.0);
    // Overlap + label, one-to-one: the wide LOC covers Ankara AND Damascus
    // but earns one match; Aleppo the other. LOC: tp 2, pred 2, gold 3.
    // Micro: tp 2, pred 3, gold 4: P 2/3, R 1/2, F1 = (2/3)/(7/6) = 4/7.
    assert_eq!(counts(e.overlap.per_label["LOC"]), (2, 2, 3));
    assert_eq!(counts(e.overlap.per_label["ORG"]), (0, 0, 1));
    assert_eq!(counts(e.overlap.per_label["PER"]), (0, 1, 0));
    close(e.overlap.micro().f1(), 4.0 / 7.0);
    // Macro over labels with gold (LOC, ORG): LOC F1 = 2·1·(2/3)/(5/3) = 4/5,
    // ORG F1 = 0: macro F1 = 2/5.
    close(e.overlap.macro_avg().f1, 0.4);
    assert_eq!(e.overlap.macro_avg().labels, 2);
    // Label ignored, exact: gold spans {0..6, 11..19, 27..33, 0..19}, predicted
    // spans {0..19, 27..33, 20..26}: 2 shared.
    assert_eq!(counts(e.exact_untyped), (2, 3, 4));
    // Label ignored, overlap: 0..19 takes one of three, 27..33 Aleppo: 2.
    assert_eq!(counts(e.overlap_untyped), (2, 3, 4));
    assert_eq!(e.duplicates, 1);
}

#[test]
fn relations_by_hand_directed_and_undirected() {
    // Gold entities e0 0..5 P, e1 10..15 P, e2 20..25 L; relations
    // MET e0->e1, MET e1->e0, VISITED e0->e2.
    let gold = r#"{"id": 1, "entities": [{"start": 0, "end": 5, "label": "P"},
        {"start": 10, "end": 15, "label": "P"}, {"start": 20, "end": 25, "label": "L"}],
        "relations": [{"label": "MET", "head": 0, "tail": 1}, {"label": "MET", "head": 1, "tail": 0},
        {"label": "VISITED", "head": 0, "tail": 2}]}"#
        .replace('\n', " ");
    // Predicted p0 0..4 (overlaps e0, not exact), p1 10..15, p2 20..25;
    // MET p1->p0, VISITED p2->p0 (reversed).
    let pred = r#"{"id": 1, "entities": [{"start": 0, "end": 4, "label": "P"},
        {"start": 10, "end": 15, "label": "P"}, {"start": 20, "end": 25, "label": "L"}],
        "relations": [{"label": "MET", "head": 1, "tail": 0}, {"label": "VISITED", "head": 2, "tail": 0}]}"#
        .replace('\n', " ");
    // Directed: MET p1->p0 matches gold e1->e0 by overlap (1); VISITED is
    // reversed (0). tp 1, pred 2, gold 3: P 1/2, R 1/3, F1 = (1/3)/(5/6) = 2/5.
    let r = evaluate_jsonl(&gold, &pred, &opts(false)).unwrap().relations;
    assert_eq!(counts(r.overlap.micro()), (1, 2, 3));
    close(r.overlap.micro().f1(), 0.4);
    assert_eq!(counts(r.overlap.per_label["MET"]), (1, 1, 2));
    // Exact: p0 is 0..4, e0 is 0..5: nothing.
    assert_eq!(counts(r.exact.micro()), (0, 2, 3));
    // Label ignored: gold pairs (e0,e1), (e1,e0), (e0,e2); predicted (p1,p0),
    // (p2,p0): only (p1,p0) ~ (e1,e0).
    assert_eq!(counts(r.overlap_untyped), (1, 2, 3));
    // Undirected: gold MET e0-e1 collapses to one: gold 2 (MET, VISITED);
    // both predictions match: P = R = F1 = 1.
    let r = evaluate_jsonl(&gold, &pred, &opts(true)).unwrap().relations;
    assert_eq!(counts(r.overlap.micro()), (2, 2, 2));
    close(r.overlap.micro().f1(), 1.0);
    assert_eq!(counts(r.exact.micro()), (0, 2, 2));
    assert_eq!(counts(r.overlap_untyped), (2, 2, 2));
}

#[test]
fn label_map_renames_drops_and_counts() {
    let map = LabelMap::from_json(
        r#"{"_comment": "x", "entities": {"PERSON": "Person", "TITLE": null},
            "relations": {"MET": "CommWith"}}"#,
    )
    .unwrap();
    let gold = r#"{"id": "a", "text": "Gen. Li met Wu", "entities": [{"start": 5, "end": 7, "type": "Person"}, {"start": 12, "end": 14, "type": "Person"}], "relations": [{"type": "CommWith", "source": {"start": 5, "end": 7}, "target": {"start": 12, "end": 14}}]}"#;
    let pred = r#"{"id": "a", "entities": [{"start": 0, "end": 4, "label": "TITLE"}, {"start": 5, "end": 7, "label": "PERSON"}, {"start": 12, "end": 14, "label": "PLACE"}], "relations": [{"label": "MET", "head": 1, "tail": 2}, {"label": "SAW", "head": 1, "tail": 2}]}"#;
    let r = evaluate_jsonl(gold, pred, &EvalOptions { map, ..EvalOptions::default() }).unwrap();
    // TITLE -> null and PLACE (not listed) are dropped: one prediction left,
    // exact: tp 1, pred 1, gold 2.
    assert_eq!(counts(r.entities.exact.micro()), (1, 1, 2));
    assert_eq!(r.entities.unmapped.get("TITLE"), Some(&1));
    assert_eq!(r.entities.unmapped.get("PLACE"), Some(&1));
    // Relations: MET -> CommWith matches (its arguments' spans come from
    // the entities, mapped or not); SAW is dropped.
    assert_eq!(counts(r.relations.exact.micro()), (1, 1, 1));
    assert_eq!(r.relations.unmapped.get("SAW"), Some(&1));

    // A flat map applies to both; a map without "relations" keeps them.
    let flat = LabelMap::from_json(r#"{"MET": "CommWith", "PERSON": "Person"}"#).unwrap();
    assert_eq!(flat.relation("MET"), Some("CommWith"));
    assert_eq!(flat.entity("PERSON"), Some("Person"));
    let ents_only = LabelMap::from_json(r#"{"entities": {"A": "B"}}"#).unwrap();
    assert_eq!(ents_only.relation("ANY"), Some("ANY"));
    assert!(LabelMap::from_json(r#"{"entities": {"A": 3}}"#).is_err());
}

#[test]
fn the_shipped_re3d_map() {
    let m = LabelMap::re3d();
    for (ours, re3d) in [
        ("PERSON", "Person"),
        ("MILITARY_UNIT", "Organisation"),
        ("ORGANIZATION", "Organisation"),
        ("LOCATION", "Location"),
        ("NATIONALITY", "Nationality"),
        ("WEAPON_SYSTEM", "Weapon"),
        ("DATE", "Temporal"),
        ("MONEY", "Money"),
        ("QUANTITY", "Quantity"),
    ] {
        assert_eq!(m.entity(ours), Some(re3d), "{ours}");
    }
    for (ours, re3d) in [
        ("HOLDS_POSITION", Some("BelongsTo")),
        ("OPERATES", Some("BelongsTo")),
        ("ALIAS_OF", Some("IsSynonymOf")),
        ("SPOKE_TO", Some("CommWith")),
        ("DEPLOYED_TO", Some("CoLocated")),
        ("FIGHTING_AGAINST", Some("FightingAgainst")),
        ("ALLIED_WITH", Some("AlliesOf")),
        ("ACQUIRES", None),
    ] {
        assert_eq!(m.relation(ours), re3d, "{ours}");
    }
    // The file the command line reads is the one embedded.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/eval/re3d_map.json");
    assert_eq!(LabelMap::from_json(&std::fs::read_to_string(path).unwrap()).unwrap(), m);
}

#[test]
fn re3d_gold_in_code_points_meets_predictions_in_bytes() {
    // "Général Núñez à Zürich": Núñez is code points 8..13 but bytes
    // 10..17 (é é before it, ú ñ inside); Zürich is code points 16..22,
    // bytes 21..28 (+1 for à, +1 for ü).
    let gold = r#"{"id": "x", "text": "Général Núñez à Zürich", "entities": [{"start": 8, "end": 13, "type": "Person"}, {"start": 16, "end": 22, "type": "Location"}], "relations": []}"#;
    let g = read_gold(gold, "gold").unwrap();
    assert_eq!((g[0].entities[0].span.start, g[0].entities[0].span.end), (10, 17));
    assert_eq!((g[0].entities[1].span.start, g[0].entities[1].span.end), (21, 28));
    let pred = r#"{"id": "x", "entities": [{"start": 10, "end": 17, "label": "Person"}, {"start": 21, "end": 28, "label": "Location"}]}"#;
    let r = evaluate_jsonl(gold, pred, &opts(false)).unwrap();
    assert_eq!(counts(r.entities.exact.micro()), (2, 2, 2));
    // Code-point offsets given as bytes would be wrong: 8..13 only overlaps.
    let wrong = r#"{"id": "x", "entities": [{"start": 8, "end": 13, "label": "Person"}]}"#;
    let r = evaluate_jsonl(gold, wrong, &opts(false)).unwrap();
    assert_eq!(counts(r.entities.exact.micro()), (0, 1, 2));
    assert_eq!(counts(r.entities.overlap.micro()), (1, 1, 2));
    // re3d-shape code points without the text cannot be read.
    let no_text = r#"{"id": "x", "entities": [{"start": 8, "end": 13, "type": "Person"}]}"#;
    let e = read_gold(no_text, "g.jsonl").unwrap_err();
    assert_eq!(e.line, Some(1));
    assert!(e.to_string().starts_with("g.jsonl:1: "), "{e}");
}

#[test]
fn documents_pair_by_id_and_bad_input_is_reported() {
    // A gold document without a prediction counts its gold as missed; a
    // prediction for an unknown id is ignored; "1" is not 1.
    let gold = "{\"id\": 1, \"entities\": [{\"start\": 0, \"end\": 2, \"label\": \"A\"}]}\n\
                {\"id\": \"b\", \"entities\": [{\"start\": 0, \"end\": 2, \"label\": \"A\"}]}\n";
    let pred = "{\"id\": \"1\", \"entities\": [{\"start\": 0, \"end\": 2, \"label\": \"A\"}]}\n\
                {\"id\": \"b\", \"entities\": [{\"start\": 0, \"end\": 2, \"label\": \"A\"}]}\n";
    let r = evaluate_jsonl(gold, pred, &opts(false)).unwrap();
    assert_eq!((r.gold_docs, r.predicted_docs, r.unknown_ids.len()), (2, 1, 1));
    assert_eq!(counts(r.entities.exact.micro()), (1, 1, 2));
    // A relation pointing at no entity is an error with its line.
    let bad = "\n{\"id\": 1, \"entities\": [], \"relations\": [{\"label\": \"X\", \"head\": 0, \"tail\": 1}]}";
    let e = read_predictions(bad, "p.jsonl").unwrap_err();
    assert_eq!(e.line, Some(2));
    assert!(e.message.contains("points at no entity"), "{e}");
    assert!(read_gold("{\"entities\": []}", "g").is_err(), "gold needs an id");
    assert!(read_gold("[1]", "g").is_err());
}

#[test]
fn a_document_scores_in_memory() {
    let ex = recon::Extractor::new();
    let mut doc = ex.extract("Sweden joined NATO.");
    doc.set_id("s");
    let me = EvalDoc::from_document(&doc);
    let one = std::slice::from_ref(&me);
    let r = evaluate(one, one, &EvalOptions::default());
    let m = r.entities.exact.micro();
    assert!(m.gold > 0);
    assert_eq!(m.tp, m.gold, "a document scores perfectly against itself");
}

/// The fixture in tests/testdata/eval (re3d-shape gold with non-ASCII text,
/// code-point offsets and confidences; predictions in the output contract)
/// scored by the reference scorer:
///
/// ```text
/// python3 ../shared/eval/from_recon.py pred.jsonl > pred-score.jsonl
/// python3 ../shared/eval/score.py --gold gold.jsonl --pred pred-score.jsonl \
///     --type-map ../../../data/eval/re3d_map.json --offsets byte [FLAGS] --json -
/// ```
///
/// Expected (tp, pred, gold) and F1 below are copied from its output.
#[test]
fn agrees_with_the_reference_scorer_on_the_fixture() {
    let dir = crate::testdata().join("eval");
    let gold = std::fs::read_to_string(dir.join("gold.jsonl")).unwrap();
    let pred = std::fs::read_to_string(dir.join("pred.jsonl")).unwrap();
    type Row = ((usize, usize, usize), f64);
    struct Case {
        undirected: bool,
        min_confidence: Option<f64>,
        // exact_typed, overlap_typed, exact_untyped, overlap_untyped
        ents: [Row; 4],
        // macro F1 of exact_typed and overlap_typed
        ent_macro: [f64; 2],
        // overlap_typed, exact_typed, overlap_untyped
        rels: [Row; 3],
        rel_macro: [f64; 2],
    }
    let cases = [
        // (no flags)
        Case {
            undirected: false,
            min_confidence: None,
            ents: [
                ((7, 12, 14), 0.5384615384615384),
                ((10, 12, 14), 0.7692307692307692),
                ((7, 12, 14), 0.5384615384615384),
                ((11, 12, 14), 0.8461538461538461),
            ],
            ent_macro: [0.5333333333333333, 0.7277777777777777],
            rels: [
                ((4, 6, 6), 0.6666666666666666),
                ((1, 6, 6), 0.16666666666666666),
                ((4, 6, 6), 0.6666666666666666),
            ],
            rel_macro: [0.5, 0.08333333333333333],
        },
        // --undirected-relations
        Case {
            undirected: true,
            min_confidence: None,
            ents: [
                ((7, 12, 14), 0.5384615384615384),
                ((10, 12, 14), 0.7692307692307692),
                ((7, 12, 14), 0.5384615384615384),
                ((11, 12, 14), 0.8461538461538461),
            ],
            ent_macro: [0.5333333333333333, 0.7277777777777777],
            rels: [((5, 5, 5), 1.0), ((1, 5, 5), 0.20000000000000004), ((5, 5, 5), 1.0)],
            rel_macro: [1.0, 0.125],
        },
        // --undirected-relations --min-confidence 0.5
        Case {
            undirected: true,
            min_confidence: Some(0.5),
            ents: [
                ((6, 12, 13), 0.48000000000000004),
                ((9, 12, 13), 0.7199999999999999),
                ((6, 12, 13), 0.48000000000000004),
                ((10, 12, 13), 0.8),
            ],
            ent_macro: [0.5, 0.7],
            rels: [
                ((4, 5, 4), 0.888888888888889),
                ((1, 5, 4), 0.22222222222222224),
                ((4, 5, 4), 0.888888888888889),
            ],
            rel_macro: [1.0, 0.16666666666666666],
        },
    ];
    for c in cases {
        let o = EvalOptions {
            map: LabelMap::re3d(),
            undirected: c.undirected,
            min_confidence: c.min_confidence,
            labels: None,
        };
        let r = evaluate_jsonl(&gold, &pred, &o).unwrap();
        let e = &r.entities;
        let got = [e.exact.micro(), e.overlap.micro(), e.exact_untyped, e.overlap_untyped];
        for (g, (want, f1)) in got.iter().zip(c.ents) {
            assert_eq!(counts(*g), want);
            close(g.f1(), f1);
        }
        close(e.exact.macro_avg().f1, c.ent_macro[0]);
        close(e.overlap.macro_avg().f1, c.ent_macro[1]);
        let rl = &r.relations;
        let got = [rl.overlap.micro(), rl.exact.micro(), rl.overlap_untyped];
        for (g, (want, f1)) in got.iter().zip(c.rels) {
            assert_eq!(counts(*g), want);
            close(g.f1(), f1);
        }
        close(rl.overlap.macro_avg().f1, c.rel_macro[0]);
        close(rl.exact.macro_avg().f1, c.rel_macro[1]);
        assert_eq!((r.gold_docs, r.predicted_docs, r.unknown_ids.len()), (4, 3, 2));
        assert_eq!(e.unmapped.get("TITLE"), Some(&1));
        assert_eq!(rl.unmapped.get("ACQUIRES"), Some(&1));
    }
}

#[cfg(feature = "cli")]
#[test]
fn the_command_line_prints_text_and_json() {
    use std::process::Command;
    let dir = crate::testdata().join("eval");
    let map = concat!(env!("CARGO_MANIFEST_DIR"), "/data/eval/re3d_map.json");
    let run = |extra: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_recon"))
            .arg("eval")
            .arg(dir.join("gold.jsonl"))
            .arg(dir.join("pred.jsonl"))
            .args(["--map", map])
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let v: serde_json::Value = serde_json::from_str(&run(&["--json", "--undirected"])).unwrap();
    assert_eq!(v["entities"]["overlap_typed"]["micro"]["tp"], 10);
    assert_eq!(v["entities"]["overlap_typed"]["per_type"]["Location"]["gold"], 5);
    assert_eq!(v["relations"]["overlap_typed"]["micro"]["f1"], 1.0);
    assert_eq!(v["relations"]["exact_typed"]["micro"]["tp"], 1);
    let text = run(&[]);
    assert!(text.contains("ENTITIES"), "{text}");
    let micro = text.lines().find(|l| l.starts_with("MICRO")).unwrap();
    assert_eq!(
        micro.split_whitespace().collect::<Vec<_>>(),
        ["MICRO", "14", "12", "7", "58.3", "50.0", "53.8"]
    );
    // A missing file is an error, exit status 2.
    let o = Command::new(env!("CARGO_BIN_EXE_recon"))
        .args(["eval", "/nonexistent/gold.jsonl", "/nonexistent/pred.jsonl"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
