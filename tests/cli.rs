//! The `recon` binary, driven as a user would.
#![cfg(feature = "cli")]

use serde_json::Value;
use std::process::Output;

fn recon(args: &[&str], stdin: &[u8]) -> Output {
    crate::run_recon(args, stdin)
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn text_from_stdin_is_one_document() {
    let out = recon(&["extract"], b"Poland bought K2 tanks from South Korea.");
    assert!(out.status.success());
    let docs = lines(&out);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["id"], "stdin");
    let texts: Vec<&str> = docs[0]["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert!(texts.contains(&"Poland") && texts.contains(&"South Korea"), "{texts:?}");
}

#[test]
fn jsonl_one_line_out_per_line_in_with_errors_in_place() {
    let input = b"{\"id\": \"a\", \"text\": \"Russia\"}\nnot json\n{\"id\": 7}\n{\"id\": \"c\", \"text\": 5}\n{\"id\": \"d\", \"text\": \"Japan\"}\n";
    let out = recon(&["extract", "--input", "jsonl"], input);
    assert_eq!(out.status.code(), Some(1), "a bad line makes the run fail at the end");
    let docs = lines(&out);
    assert_eq!(docs.len(), 5);
    assert_eq!(docs[0]["id"], "a");
    assert_eq!(docs[0]["entities"][0]["text"], "Russia");
    assert!(docs[1]["id"].is_null() && docs[1]["error"].as_str().unwrap().contains("not JSON"));
    assert_eq!(docs[2]["id"], 7);
    assert!(docs[2]["error"].as_str().unwrap().contains("no \"text\""));
    assert!(docs[3]["error"].as_str().unwrap().contains("not a string"));
    assert_eq!(docs[4]["entities"][0]["canonical"], "Japan");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("stdin:2: not JSON"), "{stderr}");
}

#[test]
fn files_missing_and_not_utf8() {
    let dir = std::env::temp_dir().join(format!("recon-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.txt");
    std::fs::write(&good, "Ukraine").unwrap();
    let bad = dir.join("bad.txt");
    std::fs::write(&bad, b"Iran\xff").unwrap();
    let missing = dir.join("missing.txt");
    let args =
        ["extract", bad.to_str().unwrap(), missing.to_str().unwrap(), good.to_str().unwrap()];
    let out = recon(&args, b"");
    assert_eq!(out.status.code(), Some(1));
    let docs = lines(&out);
    assert_eq!(docs.len(), 3);
    assert!(docs[0]["error"].as_str().unwrap().contains("invalid UTF-8 at byte offset 4"));
    assert!(docs[1]["error"].as_str().unwrap().contains("missing.txt"));
    assert_eq!(docs[2]["entities"][0]["text"], "Ukraine");
    // --lossy reads the bad file with a replacement character.
    let out = recon(&["extract", "--lossy", bad.to_str().unwrap()], b"");
    assert!(out.status.success());
    assert_eq!(lines(&out)[0]["entities"][0]["text"], "Iran");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn user_gazetteer_and_no_defaults() {
    let dir = std::env::temp_dir().join(format!("recon-cli-gaz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let gaz = dir.join("g.tsv");
    std::fs::write(&gaz, "canonical\tlabel\nOperation Spiderweb\tOPERATION\n").unwrap();
    let args = ["extract", "--no-default-gazetteer", "--gazetteer", gaz.to_str().unwrap()];
    let out = recon(&args, b"Russia called Operation Spiderweb a terrorist act.");
    assert!(out.status.success());
    let ents = lines(&out)[0]["entities"].as_array().unwrap().clone();
    assert_eq!(ents.len(), 1);
    assert_eq!(ents[0]["label"], "OPERATION");
    // A broken gazetteer stops the run with its location.
    std::fs::write(&gaz, "canonical\tlabel\tcolour\n").unwrap();
    let out = recon(&["extract", "--gazetteer", gaz.to_str().unwrap()], b"x");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("g.tsv:1:17: unknown column \"colour\""), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// With `--threads 2` the model is built on two threads: the output, and
/// the errors of broken files (with their order and places), are those of
/// one thread, including a rule naming a label only the user's gazetteer
/// defines, or none does.
#[test]
fn threads_build_the_same_model_and_errors() {
    let dir = std::env::temp_dir().join(format!("recon-cli-build-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let gaz = dir.join("g.tsv");
    let rules = dir.join("r.rules");
    let (g, r) = (gaz.to_str().unwrap(), rules.to_str().unwrap());
    let rule = "relation holds HOLDS head=a tail=b: a:{LOCATION} held b:{EXERCISE}\n";
    let good_gaz = "canonical\tlabel\nExercise Zephyr\tEXERCISE\n";
    let cases = [
        (good_gaz, rule),
        ("canonical\tlabel\nExercise Zephyr\tCOMPETITION\n", rule),
        ("canonical\tlabel\tcolour\n", rule),
        (good_gaz, "relation holds HOLDS head=a tail=b: a:{LOCATION} (\n"),
    ];
    let text = b"{\"id\": 1, \"text\": \"France held Exercise Zephyr in May.\"}\n";
    for (k, (g_text, r_text)) in cases.iter().enumerate() {
        std::fs::write(&gaz, g_text).unwrap();
        std::fs::write(&rules, r_text).unwrap();
        let run = |t: &str| {
            let args = ["extract", "--input", "jsonl", "--gazetteer", g, "--rules", r];
            recon(&[&args[..], &["--threads", t]].concat(), text)
        };
        let (one, two) = (run("1"), run("2"));
        assert_eq!(one.status.code(), two.status.code(), "case {k}");
        assert_eq!(one.stdout, two.stdout, "case {k}");
        assert_eq!(one.stderr, two.stderr, "case {k}");
        assert_eq!(
            one.status.success(),
            k == 0,
            "case {k}: {}",
            String::from_utf8_lossy(&one.stderr)
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn json_and_pretty_outputs() {
    let out = recon(&["extract", "--output", "json"], b"Sweden joined NATO.");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    let out = recon(&["extract", "--output", "pretty"], b"Sweden joined NATO.");
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("[Sweden]{LOCATION} joined [NATO]{ORGANIZATION}."), "{s}");
    assert!(s.contains("canonical"));
}

#[test]
fn threads_keep_input_order() {
    // Enough records for many chunks, of very different lengths, so that
    // later chunks are finished before earlier ones.
    let long = "Poland bought K2 tanks from South Korea. ".repeat(400);
    let mut input = String::new();
    for i in 0..600 {
        let text = match i % 7 {
            0 => long.as_str(),
            1 | 4 => "Poland bought K2 tanks from South Korea.",
            _ => "Japan",
        };
        input.push_str(&format!("{{\"id\": {i}, \"text\": \"{text}\"}}\n"));
        if i % 97 == 25 {
            // Bad records and blank lines among the good ones keep their place.
            input.push_str("{\"id\": \"bad\", \"text\": 7}\n\n");
        }
    }
    let want: Vec<String> = {
        let mut w = Vec::new();
        for i in 0..600 {
            w.push(i.to_string());
            if i % 97 == 25 {
                w.push("\"bad\"".into());
            }
        }
        w
    };
    for format in ["jsonl", "json", "pretty", "brat", "conll", "graphviz"] {
        let args =
            |t: &'static str| ["extract", "--input", "jsonl", "--output", format, "--threads", t];
        let one = recon(&args("1"), input.as_bytes());
        let two = recon(&args("2"), input.as_bytes());
        let three = recon(&args("3"), input.as_bytes());
        assert_eq!(one.status.code(), Some(1), "{format}");
        assert_eq!(one.status.code(), two.status.code(), "{format}");
        assert!(one.stdout == two.stdout, "{format}: 2 threads differ from 1");
        assert!(one.stdout == three.stdout, "{format}: 3 threads differ from 1");
        assert_eq!(one.stderr, three.stderr, "{format}");
        if format == "jsonl" {
            let ids: Vec<String> = lines(&three).iter().map(|d| d["id"].to_string()).collect();
            assert_eq!(ids, want);
        }
    }
}

#[test]
fn crlf_lines_report_true_byte_offsets() {
    let input = b"{\"id\":1,\"text\":\"a\"}\r\n{\"id\":2,\"text\":\"b\"}\r\n{\"id\":3,\"text\":\"\xff\"}\r\n";
    let out = recon(&["extract", "--input", "jsonl"], input);
    assert_eq!(out.status.code(), Some(1));
    let docs = lines(&out);
    assert_eq!(docs.len(), 3);
    // Two lines of 21 bytes (CRLF included) come first; the bad byte is
    // the 17th of the third line.
    let error = docs[2]["error"].as_str().unwrap();
    assert!(error.contains("stdin:3: invalid UTF-8 at byte offset 58"), "{error}");
}
