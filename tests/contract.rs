//! The output contract: JSON shape, and byte offsets that slice the input
//! to each entity's text, on every document of the committed corpus.

use recon::Extractor;
use serde_json::Value;

#[test]
fn json_shape_matches_the_contract() {
    let ex = Extractor::new();
    let text = "Indian Defence Minister Rajnath Singh arrived in Paris.";
    let mut doc = ex.extract(text);
    doc.set_id("doc-7");
    let v: Value = serde_json::to_value(&doc).unwrap();
    assert_eq!(v["id"], "doc-7");
    let rels = v["relations"].as_array().unwrap();
    assert!(!rels.is_empty());
    let n = v["entities"].as_array().unwrap().len() as u64;
    for r in rels {
        for field in ["label", "head", "tail", "modality", "attributes", "evidence", "rule"] {
            assert!(r.get(field).is_some(), "{field} missing in {r}");
        }
        assert!(r["head"].as_u64().unwrap() < n && r["tail"].as_u64().unwrap() < n);
        let (s, e) =
            (r["evidence"]["start"].as_u64().unwrap(), r["evidence"]["end"].as_u64().unwrap());
        assert!(s < e && e as usize <= text.len());
    }
    let visited = rels.iter().find(|r| r["label"] == "VISITED").expect("VISITED");
    assert_eq!(visited["modality"], "asserted");
    assert_eq!(visited["rule"], "visited");
    let ents = v["entities"].as_array().unwrap();
    assert!(!ents.is_empty());
    for e in ents {
        for field in ["start", "end", "text", "label", "canonical", "source"] {
            assert!(e.get(field).is_some(), "{field} missing in {e}");
        }
        let (s, t) = (e["start"].as_u64().unwrap() as usize, e["end"].as_u64().unwrap() as usize);
        assert_eq!(&text[s..t], e["text"].as_str().unwrap());
    }
    let indian = ents.iter().find(|e| e["text"] == "Indian").expect("Indian");
    assert_eq!(indian["label"], "NATIONALITY");
    assert_eq!(indian["canonical"], "India");
    assert_eq!(indian["source"], "gazetteer");
    assert_eq!(indian["start"], 0);
    assert_eq!(indian["end"], 6);
}

#[test]
fn id_is_null_when_unset() {
    let doc = Extractor::new().extract("");
    let v: Value = serde_json::to_value(&doc).unwrap();
    assert_eq!(v, serde_json::json!({"id": null, "entities": [], "relations": []}));
}

#[test]
fn offsets_slice_the_text_on_the_whole_corpus() {
    let ex = Extractor::new();
    let mut total = 0;
    for (name, text) in crate::corpus() {
        let doc = ex.extract(&text);
        let v: Value = serde_json::to_value(&doc).unwrap();
        let mut last_end = 0;
        for e in v["entities"].as_array().unwrap() {
            let (s, t) =
                (e["start"].as_u64().unwrap() as usize, e["end"].as_u64().unwrap() as usize);
            assert!(text.is_char_boundary(s) && text.is_char_boundary(t), "{name}: {e}");
            assert_eq!(&text[s..t], e["text"].as_str().unwrap(), "{name}");
            assert!(s >= last_end, "{name}: entities sorted and apart");
            last_end = t;
            total += 1;
        }
        // Same input, same output.
        assert_eq!(ex.extract(&text), doc, "{name}");
    }
    assert!(total > 40, "the corpus yields entities ({total})");
}

#[test]
fn long_documents_are_read_in_segments_with_document_offsets() {
    let ex = Extractor::new();
    let para = "Poland ordered 96 AH-64E Apache helicopters from the United States, \
                the Polish Defence Ministry said on Thursday.\n\n";
    let mut text = String::new();
    while text.len() < 2 * recon::SEGMENT_BYTES {
        text.push_str(para);
    }
    let last = "Finally, Gen. Boris Volkonsky arrived in Minsk.";
    text.push_str(last);
    let doc = ex.extract(&text);
    let mut prev_end = 0;
    for e in doc.entities() {
        assert!(e.span().start >= prev_end, "sorted and apart");
        prev_end = e.span().end;
        assert_eq!(e.text(&doc), &text[e.span().range()]);
    }
    let n = doc.entities().len();
    for r in doc.relations() {
        assert!(r.head() < n && r.tail() < n);
        let ev = &text[r.evidence().start..r.evidence().end];
        assert!(ev.contains(doc.entities()[r.head()].text(&doc)) || r.label() == "ALIAS_OF");
    }
    // The last paragraph is found where it is, as when read alone.
    let alone = ex.extract(last);
    let shift = text.len() - last.len();
    for e in alone.entities() {
        let span = recon::Span::new(e.span().start + shift, e.span().end + shift);
        assert!(doc.entities().iter().any(|d| d.span() == span && d.label() == e.label()), "{e:?}");
    }
    let visited = doc.relations().iter().filter(|r| r.label() == "VISITED").count();
    assert_eq!(visited, 1);
    // Every paragraph's purchase is read: one ACQUIRES per copy.
    let copies = text.matches("Poland ordered").count();
    let acquires = doc.relations().iter().filter(|r| r.label() == "ACQUIRES").count();
    assert_eq!(acquires, copies);
}

#[test]
fn batches_on_threads_equal_the_sequential_run_in_order() {
    let ex = Extractor::new();
    let corpus = crate::corpus();
    let mut texts: Vec<String> = Vec::new();
    for i in 0..40 {
        let (_, t) = &corpus[i % corpus.len()];
        // Vary lengths so that threads finish out of order.
        texts.push(t.repeat(1 + i % 3));
    }
    let one: Vec<_> = texts.iter().map(|t| ex.extract(t)).collect();
    for threads in [0, 1, 2, 3, 64] {
        let docs = ex.extract_batch(&texts, threads);
        assert_eq!(docs, one, "threads = {threads}");
        // The mapped batch: `f` sees each document with its index.
        let mapped = ex.extract_batch_map(&texts, threads, |i, d| (i, d.entities().len()));
        let want: Vec<(usize, usize)> =
            one.iter().enumerate().map(|(i, d)| (i, d.entities().len())).collect();
        assert_eq!(mapped, want, "threads = {threads}");
    }
    assert!(ex.extract_batch::<&str>(&[], 4).is_empty());
}
