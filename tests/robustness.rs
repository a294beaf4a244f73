//! Bad and hostile input: the `recon` binary on every bad input the
//! robustness issue lists (status, message, and every good document out in
//! order), the limits, and the inputs the fuzzers found.

use recon::{Entry, ErrorKind, Extractor, Limits};
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// A temporary directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("recon-robust-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, contents).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(feature = "cli")]
fn recon(args: &[&str], stdin: &[u8]) -> Output {
    crate::run_recon(args, stdin)
}

#[cfg(feature = "cli")]
fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[cfg(feature = "cli")]
fn records(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .expect("output is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[cfg(feature = "cli")]
fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The texts of a record's entities.
fn texts(record: &Value) -> Vec<&str> {
    record["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect()
}

/// Checks that every entity of a record slices `text` (byte offsets) to
/// its `text`.
fn spans_hold(record: &Value, text: &str) {
    for e in record["entities"].as_array().unwrap() {
        let (s, t) = (e["start"].as_u64().unwrap() as usize, e["end"].as_u64().unwrap() as usize);
        assert_eq!(text.get(s..t), e["text"].as_str(), "{e}");
    }
}

#[cfg(feature = "cli")]
#[test]
fn every_bad_input_at_once_good_documents_come_out_in_order() {
    let dir = TempDir::new("all");
    let a = dir.file("a.txt", "Ukraine asked Germany for Taurus missiles.");
    let bad = dir.file("bad.txt", b"Poland\n\xc3\x28 bought K2 tanks.");
    let missing = dir.0.join("missing.txt");
    let empty = dir.file("empty.txt", "");
    let ctrl = dir.file("ctrl.txt", "Russia\0\u{1}\u{1b}[31m China\u{7f}\u{b}Japan\r\n");
    let rtl = dir.file("rtl.txt", "قالت إسرائيل \u{202b}Israel\u{202c} و Iran 北京 Россия Russia.");
    let z = dir.file("z.txt", "Sweden joined NATO.");
    let files = [&a, &bad, &missing, &empty, &ctrl, &rtl, &z];
    let mut args = vec!["extract"];
    args.extend(files.iter().map(|p| path(p)));
    let out = recon(&args, b"");
    assert_eq!(out.status.code(), Some(1), "a failed file makes the run fail at the end");
    let recs = records(&out);
    assert_eq!(recs.len(), files.len(), "one record per file");
    for (r, f) in recs.iter().zip(files) {
        assert_eq!(r["id"], path(f), "records in input order");
    }
    assert_eq!(texts(&recs[0])[..2], ["Ukraine", "Germany"]);
    let e = recs[1]["error"].as_str().unwrap();
    assert!(e.contains("bad.txt") && e.contains("invalid UTF-8 at byte offset 7"), "{e}");
    assert!(e.contains("--lossy"), "{e}");
    let e = recs[2]["error"].as_str().unwrap();
    assert!(e.contains("missing.txt"), "{e}");
    assert_eq!(texts(&recs[3]), Vec::<&str>::new());
    assert!(recs[3]["error"].is_null());
    assert_eq!(texts(&recs[4]), ["Russia", "China", "Japan"]);
    spans_hold(&recs[4], &std::fs::read_to_string(&ctrl).unwrap());
    let rtl_text = std::fs::read_to_string(&rtl).unwrap();
    spans_hold(&recs[5], &rtl_text);
    let found = texts(&recs[5]);
    for name in ["Israel", "Iran", "Russia"] {
        assert!(found.contains(&name), "{name} in {found:?}");
    }
    assert_eq!(texts(&recs[6]), ["Sweden", "NATO"]);
    let err = stderr(&out);
    assert!(err.contains("bad.txt: invalid UTF-8 at byte offset 7"), "{err}");
    assert!(err.contains("missing.txt"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    // --lossy reads the bad file with U+FFFD and the run succeeds.
    let out = recon(&["extract", "--lossy", path(&bad), path(&z)], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(texts(&recs[0])[0], "Poland");
    spans_hold(&recs[0], "Poland\n\u{fffd}( bought K2 tanks.");
}

#[cfg(feature = "cli")]
#[test]
fn jsonl_bad_lines_give_error_records_in_place() {
    let dir = TempDir::new("jsonl");
    let mut input = Vec::new();
    input.extend_from_slice(b"{\"id\": 1, \"text\": \"Russia\"}\n");
    input.extend_from_slice(b"{\"id\": 2, \"text\": \"Iran\"\n"); // truncated object
    input.extend_from_slice(b"\n   \n"); // blank lines are skipped
    input.extend_from_slice(b"[\"text\", \"Japan\"]\n"); // JSON, not an object
    input.extend_from_slice(b"{\"id\": 4}\n"); // no text
    input.extend_from_slice(b"{\"id\": 5, \"text\": null}\n");
    input.extend_from_slice(b"{\"id\": 6, \"text\": [\"China\"]}\n");
    input.extend_from_slice(b"{\"id\": 7, \"text\": \"Isr\xffael\"}\n"); // not UTF-8
    input.extend_from_slice(b"{\"id\": 8, \"text\": \"\\u0000China\\u0007 \\u202eIndia\"}\r\n");
    input.extend_from_slice(b"{\"id\": 9, \"text\": \"\"}\n");
    input.extend_from_slice(b"{\"id\": 10, \"text\": \"Sweden joined NATO.\"}"); // no final newline
    let f = dir.file("docs.jsonl", &input);
    let missing = dir.0.join("nope.jsonl");
    let out = recon(&["extract", "--input", "jsonl", path(&f), path(&missing), path(&f)], b"");
    assert_eq!(out.status.code(), Some(1));
    let recs = records(&out);
    assert_eq!(recs.len(), 10 + 1 + 10, "one record per non-blank line, one per missing file");
    for half in [&recs[..10], &recs[11..]] {
        let ids: Vec<&Value> = half.iter().map(|r| &r["id"]).collect();
        assert_eq!(ids[0], 1);
        assert_eq!(texts(&half[0]), ["Russia"]);
        assert!(half[1]["error"].as_str().unwrap().contains("docs.jsonl:2: not JSON"));
        assert!(half[2]["error"].as_str().unwrap().contains("docs.jsonl:5:"), "{}", half[2]);
        assert_eq!(ids[3], 4);
        assert!(half[3]["error"].as_str().unwrap().contains("no \"text\""));
        assert_eq!(ids[4], 5);
        assert!(half[4]["error"].as_str().unwrap().contains("not a string"));
        assert_eq!(ids[5], 6);
        assert!(half[5]["error"].as_str().unwrap().contains("not a string"));
        let e = half[6]["error"].as_str().unwrap();
        assert!(e.contains("docs.jsonl:9: invalid UTF-8 at byte offset"), "{e}");
        assert_eq!(ids[7], 8);
        assert_eq!(texts(&half[7]), ["China", "India"]);
        spans_hold(&half[7], "\0China\u{7} \u{202e}India");
        assert_eq!(ids[8], 9);
        assert_eq!(texts(&half[8]), Vec::<&str>::new());
        assert_eq!(ids[9], 10);
        assert_eq!(texts(&half[9]), ["Sweden", "NATO"]);
    }
    assert!(recs[10]["error"].as_str().unwrap().contains("nope.jsonl"));
    let err = stderr(&out);
    assert!(err.contains("docs.jsonl:2: not JSON"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[cfg(feature = "cli")]
#[test]
fn empty_input() {
    // Empty standard input is one empty document.
    let out = recon(&["extract"], b"");
    assert_eq!(out.status.code(), Some(0));
    let recs = records(&out);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["id"], "stdin");
    assert_eq!(recs[0]["entities"], serde_json::json!([]));
    // Empty JSON Lines input is no document, and no error.
    let out = recon(&["extract", "--input", "jsonl"], b"");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    // An empty json array.
    let out = recon(&["extract", "--input", "jsonl", "--output", "json"], b"");
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v, serde_json::json!([]));
}

/// Bytes of the big no-space documents in `cargo test`. A debug build
/// extracts the mixed one at about 0.3 MB/s, so it is 1 MB here; the 50 MB
/// documents run in `big_documents_50mb` (ignored: run it with
/// `cargo test --release -- --ignored`) and in the memory measurement
/// (README, "Robustness").
const BIG_MIXED: usize = 1_000_000;
const BIG_LETTERS: usize = 5_000_000;

/// A document of `len` bytes with no space or newline: names, designators,
/// punctuation and non-ASCII glued together.
fn no_space_document(len: usize) -> String {
    const UNIT: &str = "Russia,Su-35.NATO's(F-16s)Israel;北京—Москва\u{0}Gen.Smith";
    let mut s = String::with_capacity(len + UNIT.len());
    while s.len() < len {
        s.push_str(UNIT);
    }
    let mut end = len;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s
}

#[cfg(feature = "cli")]
fn big_documents(mixed: usize, letters: usize) {
    let dir = TempDir::new(&format!("big{mixed}"));
    let text = no_space_document(mixed);
    let big = dir.file("big.txt", &text);
    let letters = dir.file("letters.txt", "a".repeat(letters));
    let after = dir.file("after.txt", "Finland joined NATO.");
    let out = recon(&["extract", path(&big), path(&letters), path(&after)], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[0]["id"], path(&big));
    let ents = recs[0]["entities"].as_array().unwrap();
    assert!(ents.len() > mixed / 100, "{} entities", ents.len());
    spans_hold(&recs[0], &text);
    assert_eq!(texts(&recs[1]), Vec::<&str>::new());
    assert_eq!(texts(&recs[2]), ["Finland", "NATO"]);
}

#[cfg(feature = "cli")]
#[test]
fn big_document_without_spaces_or_newlines() {
    big_documents(BIG_MIXED, BIG_LETTERS);
}

#[cfg(feature = "cli")]
#[test]
#[ignore = "50 MB: slow in a debug build; run with --release -- --ignored"]
fn big_documents_50mb() {
    big_documents(50_000_000, 50_000_000);
}

#[cfg(feature = "cli")]
#[test]
fn one_megabyte_of_the_same_alias() {
    let dir = TempDir::new("alias");
    let unit = "South China Sea ";
    let n = 1_000_000 / unit.len();
    let spaced = dir.file("spaced.txt", unit.repeat(n));
    let glued = dir.file("glued.txt", "Russia".repeat(1_000_000 / 6));
    let out = recon(&["extract", path(&spaced), path(&glued)], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 2);
    let ents = recs[0]["entities"].as_array().unwrap();
    assert_eq!(ents.len(), n);
    assert!(ents.iter().all(|e| e["text"] == "South China Sea"));
    // "RussiaRussia..." is one word: not the alias.
    assert_eq!(texts(&recs[1]), Vec::<&str>::new());
}

#[cfg(feature = "cli")]
#[test]
fn jsonl_output_is_flushed_per_document() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_recon"))
        .args(["extract", "--input", "jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run recon");
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    // Each document comes out while standard input is still open.
    for (i, name) in ["Estonia", "Latvia", "Lithuania"].iter().enumerate() {
        writeln!(stdin, "{{\"id\": {i}, \"text\": \"{name} bought HIMARS.\"}}").unwrap();
        stdin.flush().unwrap();
        let line = rx.recv_timeout(Duration::from_secs(60)).expect("a record before EOF");
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["id"], i);
        assert_eq!(texts(&v)[0], *name);
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    reader.join().unwrap();
}

#[cfg(feature = "cli")]
#[test]
fn closed_pipe_ends_quietly() {
    // `recon extract ... | head -1`: read one line, then close the pipe.
    // Large records (over the writer's buffer) and many of them.
    let doc = "Russia and China and India and Japan. ".repeat(400);
    let records: Vec<u8> = (0..300)
        .map(|i| format!("{{\"id\": {i}, \"text\": \"{doc}\"}}\n"))
        .collect::<String>()
        .into_bytes();
    for (args, input) in [
        (vec!["extract", "--input", "jsonl"], records.clone()),
        (vec!["extract", "--input", "jsonl", "--output", "json"], records),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_recon"))
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run recon");
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        assert!(!first.is_empty());
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        let err = stderr(&out);
        assert!(err.is_empty(), "{args:?}: no message on a closed pipe, got {err:?}");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
    }
}

#[cfg(feature = "cli")]
#[test]
fn over_the_document_size_limit_is_cut_and_reported() {
    let dir = TempDir::new("limit");
    let f = dir.file("long.txt", "Sweden joined NATO. Finland joined NATO.");
    let out = recon(&["extract", "--max-document-bytes", "22", path(&f)], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(texts(&records(&out)[0]), ["Sweden", "NATO"]);
    let err = stderr(&out);
    assert!(err.contains("long.txt: document of 40 bytes cut to 22"), "{err}");
}

// ---- the library: limits ------------------------------------------------

#[test]
fn documents_over_the_size_cap_are_cut_on_a_char_boundary() {
    let text = "Sweden joined NATO. Россия";
    for cap in 0..=text.len() + 1 {
        // A small model, so that building one per cap is quick.
        let ex = Extractor::builder()
            .default_gazetteer(false)
            .default_rules(false)
            .entry(Entry::new("Sweden", "LOCATION"))
            .entry(Entry::new("NATO", "ORGANIZATION"))
            .entry(Entry::new("Россия", "LOCATION"))
            .limits(Limits { max_document_bytes: cap, ..Limits::default() })
            .build()
            .unwrap();
        let doc = ex.extract(text);
        assert_eq!(doc.truncated(), cap < text.len(), "cap {cap}");
        assert!(doc.text().len() <= cap && text.starts_with(doc.text()));
        assert!(cap.min(text.len()) - doc.text().len() < 4, "cut at most one char");
        for e in doc.entities() {
            assert!(e.span().end <= doc.text().len());
        }
        let found = doc.entities().len();
        let expected = [cap >= 6, cap >= 18, cap >= text.len()].iter().filter(|&&b| b).count();
        assert_eq!(found, expected, "cap {cap}");
    }
    let ex = Extractor::builder()
        .limits(Limits { max_document_bytes: 6, ..Limits::default() })
        .build()
        .unwrap();
    let mut doc = ex.extract("Sweden joined NATO.");
    assert!(doc.truncated());
    assert_eq!(doc.entities().len(), 1);
    // extract_into resets the flag.
    ex.extract_into("Japan", &mut doc);
    assert!(!doc.truncated());
}

#[test]
fn entities_past_the_cap_are_left_out() {
    let ex = Extractor::builder()
        .limits(Limits { max_entities: 3, ..Limits::default() })
        .build()
        .unwrap();
    let doc = ex.extract("Russia, China, India, Japan and Brazil.");
    assert!(doc.entities_truncated());
    let names: Vec<&str> = doc.entities().iter().map(|e| e.text(&doc)).collect();
    assert_eq!(names, ["Russia", "China", "India"]);
    let doc = ex.extract("Russia and China.");
    assert!(!doc.entities_truncated());
    assert_eq!(doc.entities().len(), 2);
    let ex = Extractor::builder()
        .limits(Limits { max_entities: 0, ..Limits::default() })
        .build()
        .unwrap();
    let doc = ex.extract("Lt. Gen. John Smith visited Odesa.");
    assert!(doc.entities().is_empty() && doc.relations().is_empty());
    assert!(doc.entities_truncated());
}

#[test]
fn gazetteer_and_rule_caps_are_limit_errors() {
    let tsv = "canonical\tlabel\taliases\nOperation Spiderweb\tOPERATION\tSpiderweb\n";
    // Alias length, with the file and line.
    let err = Extractor::builder()
        .default_gazetteer(false)
        .gazetteer_tsv(tsv, Some("ops.tsv"))
        .limits(Limits { max_alias_bytes: 10, ..Limits::default() })
        .build()
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Limit(_)), "{err}");
    assert!(err.to_string().starts_with("ops.tsv:2:"), "{err}");
    assert!(err.to_string().contains("max_alias_bytes"), "{err}");
    // Alias count: the defaults count too.
    let err = Extractor::builder()
        .gazetteer_tsv(tsv, Some("ops.tsv"))
        .limits(Limits { max_aliases: 100, ..Limits::default() })
        .build()
        .unwrap_err();
    assert!(err.errors().iter().all(|e| matches!(e.kind(), ErrorKind::Limit(_))), "{err}");
    assert!(err.to_string().contains("max_aliases"));
    let ok = Extractor::builder()
        .default_gazetteer(false)
        .gazetteer_tsv(tsv, Some("ops.tsv"))
        .limits(Limits { max_aliases: 2, ..Limits::default() })
        .build();
    assert!(ok.is_ok());
    // Rule count.
    let err = Extractor::builder()
        .limits(Limits { max_rules: 5, ..Limits::default() })
        .build()
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Limit(_)), "{err}");
    assert!(err.to_string().contains("max_rules"), "{err}");
    let ok = Extractor::builder()
        .default_rules(false)
        .rules_str("entity op OPERATION: Operation Cap", None)
        .limits(Limits { max_rules: 1, ..Limits::default() })
        .build();
    assert!(ok.is_ok(), "{:?}", ok.err());
    // The defaults build under the default limits.
    Extractor::builder().limits(Limits::default()).build().unwrap();
}

#[test]
fn pattern_complexity_is_bounded() {
    // Over the instruction cap once repetitions are unrolled.
    let err = Extractor::builder()
        .rules_str("entity big X: ((Cap{16}){16}){16}", Some("big.rules"))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("big.rules:1:"), "{err}");
    // A deep nesting is an error, not a stack overflow.
    let deep = format!("entity deep X: {}Cap{}", "(".repeat(5000), ")".repeat(5000));
    let err = Extractor::builder().rules_str(deep, Some("deep.rules")).build().unwrap_err();
    assert!(err.to_string().contains("deep.rules:1:"), "{err}");
}

#[test]
fn extraction_of_the_no_space_document_holds_its_invariants() {
    let text = no_space_document(200_000);
    let doc = Extractor::new().extract(&text);
    assert!(!doc.entities().is_empty());
    for w in doc.entities().windows(2) {
        assert!(w[0].span().end <= w[1].span().start);
    }
    for e in doc.entities() {
        assert_eq!(&text[e.span().start..e.span().end], e.text(&doc));
    }
}

// ---- regressions ---------------------------------------------------------
//
// The fuzzers (README, "Fuzzing") found no crash; a crash input they find
// goes here as a test. These are what the tests above found.

/// Many entities and many mentions of one person: the conflict policy's
/// overlap check and person-name linking were quadratic (a 5 MB document
/// took minutes). Each mention still links to the full name.
#[test]
fn many_mentions_stay_linear_and_linked() {
    let n = 5000;
    let text = "Gen. John Smith met Smith in Kyiv. ".repeat(n);
    let started = std::time::Instant::now();
    let doc = Extractor::new().extract(&text);
    let smiths: Vec<_> = doc.entities().iter().filter(|e| e.label() == "PERSON").collect();
    assert_eq!(smiths.len(), 2 * n);
    assert!(smiths.iter().all(|e| e.canonical() == "John Smith"));
    assert_eq!(doc.entities_with_label("LOCATION").count(), n);
    // Generous even for a debug build on a busy machine; quadratic was minutes.
    assert!(started.elapsed() < Duration::from_secs(60), "{:?}", started.elapsed());
}
