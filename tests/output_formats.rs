//! The BRAT, CoNLL and Graphviz writers, on text that is not ASCII.

use recon::output::{brat_file_stem, write_brat, write_conll, write_dot};
use recon::tokenize::Tokenizer;
use recon::{Document, Extractor};

/// A model of our own, so that the entities (and their offsets) do not move
/// when the default model changes.
const GAZ: &str = "canonical\tlabel\taliases\n\
                   Zürich\tLOCATION\tZurich\n\
                   Łódź\tLOCATION\t\n\
                   Генштаб\tMILITARY_UNIT\t\n\
                   北京\tLOCATION\tBeijing\n\
                   Say \"Hi\" \\\\ Co\tORGANIZATION\tSayHi\n";

/// Byte offsets of the entities, by hand (é, ü, ó are 2 bytes; Ł, ź are 2;
/// each Cyrillic letter 2; each of 北 京 3):
///
/// ```text
/// entity   chars    bytes
/// Zürich   20..26   23..30   (é, é, é before it: +3)
/// Łódź     32..36   36..43   (+4 before, +3 inside: Ł ó ź)
/// Генштаб  41..48   48..62   (+7 before, +7 inside)
/// 北京     57..59   72..78   (+14, plus à: +15 before, +6 inside)
/// SayHi    61..66   80..85   (+19 before)
/// Zurich   70..76   89..95
/// ```
const TEXT: &str =
    "Le général a quitté Zürich pour Łódź; le Генштаб reste à 北京. SayHi et Zurich aussi.";

fn own_model() -> Extractor {
    Extractor::builder()
        .default_gazetteer(false)
        .default_rules(false)
        .gazetteer_tsv(GAZ, Some("test.tsv"))
        .build()
        .expect("test gazetteer builds")
}

fn out<F: FnOnce(&mut Vec<u8>) -> std::io::Result<()>>(f: F) -> String {
    let mut v = Vec::new();
    f(&mut v).expect("writing to memory");
    String::from_utf8(v).expect("writers write UTF-8")
}

// ------------------------------------------------------------------ BRAT

#[test]
fn brat_offsets_count_characters_not_bytes() {
    let ex = own_model();
    let doc = ex.extract(TEXT);
    // The byte offsets recon reports (see the table above TEXT).
    let bytes: Vec<(usize, usize)> =
        doc.entities().iter().map(|e| (e.span().start, e.span().end)).collect();
    assert_eq!(bytes, [(23, 30), (36, 43), (48, 62), (72, 78), (80, 85), (89, 95)]);
    let ann = out(|w| write_brat(&doc, w));
    let expected = "T1\tLOCATION 20 26\tZürich\n\
                    T2\tLOCATION 32 36\tŁódź\n\
                    T3\tMILITARY_UNIT 41 48\tГенштаб\n\
                    T4\tLOCATION 57 59\t北京\n\
                    T5\tORGANIZATION 61 66\tSayHi\n\
                    #1\tAnnotatorNotes T5\tSay \"Hi\" \\ Co\n\
                    T6\tLOCATION 70 76\tZurich\n\
                    #2\tAnnotatorNotes T6\tZürich\n";
    assert_eq!(ann, expected);
    check_brat(TEXT, &ann);
}

/// Parses `.ann` content and checks every T line against the text, as BRAT
/// does: each fragment `a b` is the characters a..b, and the text field is
/// the fragments joined by a space. R lines must name T ids defined above.
/// Returns (label, fragments, text) per T line and (label, arg1, arg2) per
/// R line.
#[allow(clippy::type_complexity)]
fn check_brat(
    text: &str,
    ann: &str,
) -> (Vec<(String, Vec<(usize, usize)>, String)>, Vec<(String, usize, usize)>) {
    let chars: Vec<char> = text.chars().collect();
    let mut ts = Vec::new();
    let mut rs = Vec::new();
    for line in ann.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        if line.starts_with('T') {
            assert_eq!(cols.len(), 3, "{line:?}");
            assert_eq!(cols[0], format!("T{}", ts.len() + 1), "T ids count up from 1");
            let (label, offs) = cols[1].split_once(' ').unwrap();
            assert!(!label.is_empty() && !label.contains(char::is_whitespace));
            let frags: Vec<(usize, usize)> = offs
                .split(';')
                .map(|f| {
                    let (a, b) = f.split_once(' ').unwrap();
                    (a.parse().unwrap(), b.parse().unwrap())
                })
                .collect();
            let shown: Vec<String> =
                frags.iter().map(|&(a, b)| chars[a..b].iter().collect()).collect();
            assert_eq!(shown.join(" "), cols[2], "{line:?}");
            assert!(!cols[2].contains('\n'));
            ts.push((label.to_owned(), frags, cols[2].to_owned()));
        } else if line.starts_with('R') {
            assert_eq!(cols.len(), 2, "{line:?}");
            let parts: Vec<&str> = cols[1].split(' ').collect();
            assert_eq!(parts.len(), 3, "{line:?}");
            let arg = |p: &str, name: &str| -> usize {
                let id = p.strip_prefix(name).expect("ArgN:");
                let n: usize = id.strip_prefix('T').unwrap().parse().unwrap();
                assert!(n >= 1 && n <= ts.len(), "{line:?} names an undefined T");
                n
            };
            rs.push((parts[0].to_owned(), arg(parts[1], "Arg1:"), arg(parts[2], "Arg2:")));
        } else {
            assert!(line.starts_with('#'), "unexpected line {line:?}");
        }
    }
    (ts, rs)
}

#[test]
fn brat_relations_name_their_arguments() {
    // The default model, on a text with non-ASCII characters before the
    // relation's arguments.
    let text = "À Séoul, selon Reuters: Poland ordered K2 tanks from South Korea. \
                Germany has no plans to sell Leopard 2 tanks to Saudi Arabia.";
    let ex = Extractor::new();
    let doc = ex.extract(text);
    assert!(!doc.relations().is_empty(), "the default model finds relations here");
    let ann = out(|w| write_brat(&doc, w));
    let (ts, rs) = check_brat(text, &ann);
    assert_eq!(ts.len(), doc.entities().len());
    assert_eq!(rs.len(), doc.relations().len());
    for (r, (label, a1, a2)) in doc.relations().iter().zip(&rs) {
        assert_eq!(label, r.label());
        // T ids follow the entity order, from 1.
        assert_eq!(*a1, r.head() + 1);
        assert_eq!(*a2, r.tail() + 1);
    }
    // Character offsets of an entity after "À Séoul" (2 two-byte chars).
    let poland = doc.entities().iter().position(|e| e.text(&doc) == "Poland").unwrap();
    assert_eq!(doc.entities()[poland].span().start, 26);
    assert_eq!(ts[poland].1, [(24, 30)]);
    // A negated relation keeps its modality in a note.
    assert!(ann.contains("\tAnnotatorNotes R"), "{ann}");
    assert!(ann.contains("modality: negated"), "{ann}");
}

#[test]
fn brat_is_valid_on_the_whole_corpus() {
    let ex = Extractor::new();
    for (name, text) in crate::corpus() {
        let doc = ex.extract(&text);
        let ann = out(|w| write_brat(&doc, w));
        let (ts, _) = check_brat(&text, &ann);
        assert_eq!(ts.len(), doc.entities().len(), "{name}");
        // Character offsets from the byte spans, computed independently.
        for (e, (_, frags, _)) in doc.entities().iter().zip(&ts) {
            let start = text[..e.span().start].chars().count();
            let end = text[..e.span().end].chars().count();
            if !e.text(&doc).contains('\n') {
                assert_eq!(frags, &[(start, end)], "{name}: {}", e.text(&doc));
            }
        }
    }
}

#[test]
fn brat_file_stems_are_safe() {
    assert_eq!(brat_file_stem("a/b c.txt"), "a_b_c.txt");
    assert_eq!(brat_file_stem(".hidden"), "_hidden");
    assert_eq!(brat_file_stem("Zürich"), "Z_rich");
    assert_eq!(brat_file_stem(""), "doc");
    assert!(brat_file_stem(&"x".repeat(500)).len() <= 100);
}

// ----------------------------------------------------------------- CoNLL

#[test]
fn conll_tags_tokens_with_bio() {
    let ex = own_model();
    let text = "Le Генштаб a quitté 北京 pour Zürich. Łódź attend.";
    let mut doc = ex.extract(text);
    doc.set_id("doc 1");
    let conll = out(|w| write_conll(&doc, w));
    // 北京 is two tokens (one per ideograph): B- then I-.
    let expected = "# id = doc 1\n\
                    Le\tO\nГенштаб\tB-MILITARY_UNIT\na\tO\nquitté\tO\n\
                    北\tB-LOCATION\n京\tI-LOCATION\npour\tO\nZürich\tB-LOCATION\n.\tO\n\
                    \n\
                    Łódź\tB-LOCATION\nattend\tO\n.\tO\n\
                    \n";
    assert_eq!(conll, expected);
}

#[test]
fn conll_is_valid_bio_on_the_whole_corpus() {
    let ex = Extractor::new();
    let tk = Tokenizer::new();
    for (name, text) in crate::corpus() {
        let mut doc = ex.extract(&text);
        doc.set_id(name.clone());
        let conll = out(|w| write_conll(&doc, w));
        let mut lines = conll.lines();
        assert_eq!(lines.next(), Some(format!("# id = {name}").as_str()));
        let (mut tokens, mut sentences, mut begins) = (0, 0, 0);
        let mut prev = "O".to_owned();
        for line in lines {
            if line.is_empty() {
                sentences += 1;
                prev = "O".to_owned();
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 2, "{name}: {line:?}");
            let tag = cols[1];
            if let Some(l) = tag.strip_prefix("I-") {
                assert!(prev == format!("B-{l}") || prev == tag, "{name}: {prev} then {tag}");
            } else if tag.starts_with("B-") {
                begins += 1;
            } else {
                assert_eq!(tag, "O");
            }
            prev = tag.to_owned();
            tokens += 1;
        }
        let toks = tk.tokenize(&text);
        assert_eq!(tokens, toks.len(), "{name}: every token once");
        assert_eq!(sentences, tk.sentences(&text, &toks).len(), "{name}");
        assert!(begins >= doc.entities().len(), "{name}: a B- per entity");
    }
}

// -------------------------------------------------------------- Graphviz

/// Checks DOT syntax enough to catch bad escaping: quoted strings close,
/// braces balance, every statement line ends in `;` and names declared
/// nodes.
fn check_dot(dot: &str) -> (Vec<String>, Vec<(String, String, String)>) {
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    let mut depth = 0i32;
    let mut in_str = false;
    let mut esc = false;
    for c in dot.chars() {
        if in_str {
            assert_ne!(c, '\n', "a raw line break in a quoted string");
            match (esc, c) {
                (true, _) => esc = false,
                (false, '\\') => esc = true,
                (false, '"') => in_str = false,
                _ => {}
            }
        } else {
            match c {
                '"' => in_str = true,
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
        }
    }
    assert!(!in_str && depth == 0, "unbalanced DOT:\n{dot}");
    for line in dot.lines().map(str::trim) {
        if line.starts_with("digraph ") || line == "}" {
            continue;
        }
        assert!(line.ends_with("];"), "{line:?}");
        let label = line.split_once("label=").map(|(_, l)| l.to_owned()).unwrap_or_default();
        if let Some((name, _)) = line.split_once(" [") {
            if let Some((a, b)) = name.split_once(" -> ") {
                assert!(nodes.contains(&a.to_owned()) && nodes.contains(&b.to_owned()), "{line}");
                edges.push((a.to_owned(), b.to_owned(), label));
            } else if name.len() > 1 && name[1..].bytes().all(|b| b.is_ascii_digit()) {
                nodes.push(name.to_owned());
            }
        }
    }
    (nodes, edges)
}

#[test]
fn graphviz_merges_mentions_and_escapes_names() {
    let ex = own_model();
    let mut doc = ex.extract(TEXT);
    doc.set_id("a \"quoted\" id");
    let dot = out(|w| write_dot(&doc, w));
    let (nodes, edges) = check_dot(&dot);
    assert!(dot.starts_with("digraph \"a \\\"quoted\\\" id\" {\n"), "{dot}");
    // Zürich and Zurich are one node (same label and canonical): 6
    // mentions, 5 nodes.
    assert_eq!(nodes.len(), 5, "{dot}");
    assert!(dot.contains("label=\"Zürich\\nLOCATION ×2\""), "{dot}");
    assert!(dot.contains("label=\"北京\\nLOCATION\""), "{dot}");
    // The quote and the backslash of the canonical name are escaped.
    assert!(dot.contains("label=\"Say \\\"Hi\\\" \\\\ Co\\nORGANIZATION\""), "{dot}");
    assert!(edges.is_empty());
    render_if_graphviz(&dot);
}

#[test]
fn graphviz_edges_carry_relation_label_and_modality() {
    let ex = Extractor::new();
    let text = "Selon Reuters à Séoul, Poland ordered K2 tanks from South Korea. \
                Germany has no plans to sell Leopard 2 tanks to Saudi Arabia.";
    let doc = ex.extract(text);
    let dot = out(|w| write_dot(&doc, w));
    let (_, edges) = check_dot(&dot);
    assert!(!edges.is_empty(), "{dot}");
    assert!(edges.len() <= doc.relations().len());
    for r in doc.relations() {
        let shown = match r.modality() {
            recon::Modality::Asserted => format!("\"{}", r.label()),
            m => format!("\"{} [{}]", r.label(), format!("{m:?}").to_lowercase()),
        };
        assert!(edges.iter().any(|e| e.2.starts_with(&shown)), "{shown} in\n{dot}");
    }
    assert!(dot.contains("[negated]\", style=dashed"), "{dot}");
    render_if_graphviz(&dot);
}

/// Where Graphviz is installed, `dot` must accept what we write.
fn render_if_graphviz(dot: &str) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let Ok(mut child) = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        return; // no Graphviz here
    };
    child.stdin.take().unwrap().write_all(dot.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "dot rejects:\n{dot}\n{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("<svg"));
}

#[test]
fn writers_handle_an_empty_document() {
    let doc = Document::new("");
    assert_eq!(out(|w| write_brat(&doc, w)), "");
    assert_eq!(out(|w| write_conll(&doc, w)), "");
    let dot = out(|w| write_dot(&doc, w));
    check_dot(&dot);
    assert!(dot.starts_with("digraph \"recon\" {"));
}

// -------------------------------------------------------------- command line

#[cfg(feature = "cli")]
mod cli {

    use std::process::Output;

    fn recon(args: &[&str], stdin: &str) -> Output {
        crate::run_recon(args, stdin.as_bytes())
    }

    const INPUT: &str =
        "{\"id\": \"a/b\", \"text\": \"À Séoul, Poland ordered K2 tanks from South Korea.\"}\n\
                         {\"id\": 7, \"text\": \"Sweden joined NATO.\"}\n";

    #[test]
    fn brat_to_stdout_has_an_id_line_per_document() {
        let o = recon(&["extract", "--input", "jsonl", "--output", "brat"], INPUT);
        assert!(o.status.success());
        let s = String::from_utf8(o.stdout).unwrap();
        assert!(s.starts_with("# a/b\nT1\tLOCATION 9 15\tPoland\n"), "{s}");
        assert!(s.contains("\n# 7\nT1\tLOCATION 0 6\tSweden\n"), "{s}");
    }

    #[test]
    fn brat_out_dir_writes_txt_and_ann_pairs() {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("brat-out");
        let _ = std::fs::remove_dir_all(&dir);
        let d = dir.to_str().unwrap();
        let twice = format!("{INPUT}{{\"id\": \"a/b\", \"text\": \"Łódź\"}}\n");
        let o = recon(&["extract", "--input", "jsonl", "--output", "brat", "--out-dir", d], &twice);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(o.stdout.is_empty());
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
        assert_eq!(read("a_b.txt"), "À Séoul, Poland ordered K2 tanks from South Korea.");
        assert!(read("a_b.ann").starts_with("T1\tLOCATION 9 15\tPoland\n"));
        assert_eq!(read("7.txt"), "Sweden joined NATO.");
        assert!(read("7.ann").contains("\tORGANIZATION 14 18\tNATO\n"));
        // A repeated id does not overwrite the first pair.
        assert_eq!(read("a_b-2.txt"), "Łódź");
    }

    #[test]
    fn out_dir_needs_brat() {
        let o = recon(&["extract", "--output", "conll", "--out-dir", "x"], "Sweden");
        assert_eq!(o.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&o.stderr).contains("--out-dir"));
    }

    #[test]
    fn conll_and_graphviz_from_the_command_line() {
        let o = recon(&["extract", "--input", "jsonl", "--output", "conll"], INPUT);
        assert!(o.status.success());
        let s = String::from_utf8(o.stdout).unwrap();
        assert!(s.starts_with("# id = a/b\nÀ\tO\nSéoul\t"), "{s}");
        assert!(s.contains("\n# id = 7\nSweden\tB-LOCATION\njoined\tO\nNATO\tB-ORGANIZATION\n"));
        let o = recon(&["extract", "--input", "jsonl", "--output", "graphviz"], INPUT);
        assert!(o.status.success());
        let s = String::from_utf8(o.stdout).unwrap();
        assert_eq!(s.matches("digraph ").count(), 2, "{s}");
        assert!(s.contains("digraph \"7\" {"));
        assert!(s.contains("-> "), "{s}");
    }
}
