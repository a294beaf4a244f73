//! Gazetteer files: the TSV and JSON Lines loaders, their errors with file,
//! line and column, and the matching rules seen through the public API.

use recon::{CaseMode, Entry, ErrorKind, Extractor, GazetteerBuilder};

fn tsv_err(text: &str) -> (ErrorKind, usize, usize) {
    let mut b = GazetteerBuilder::new();
    let e = b.add_tsv_str(text, Some("g.tsv")).unwrap_err();
    let loc = e.location().expect("located").clone();
    assert_eq!(loc.path.as_deref(), Some("g.tsv"));
    (e.kind().clone(), loc.line, loc.column)
}

#[test]
fn tsv_errors_have_line_and_column() {
    assert_eq!(tsv_err("canonical\tlabel\taliases\nA\tX\tb||c\n"), (ErrorKind::EmptyAlias, 2, 7));
    assert_eq!(tsv_err("canonical\tlabel\taliases\nA\tX\tb|\n"), (ErrorKind::EmptyAlias, 2, 7));
    assert_eq!(
        tsv_err("canonical\tlabel\tnickname\n"),
        (ErrorKind::UnknownColumn("nickname".into()), 1, 17)
    );
    assert_eq!(
        tsv_err("# header comes next\n\ncanonical\tlabel\nA\\q\tX\n"),
        (ErrorKind::BadEscape("\\q".into()), 4, 2)
    );
    assert_eq!(
        tsv_err("canonical\tlabel\tid\nA\tX\tx:1\nB\tX\tx:1\n"),
        (ErrorKind::DuplicateId("x:1".into()), 3, 5)
    );
    assert_eq!(
        tsv_err("canonical\tlabel\nA\tX\textra\n"),
        (ErrorKind::FieldCount { expected: 2, found: 3 }, 2, 10)
    );
    assert_eq!(tsv_err("label\taliases\n"), (ErrorKind::MissingColumn("canonical".into()), 1, 1));
    assert_eq!(
        tsv_err("canonical\tlabel\tcase\nA\tX\tloud\n"),
        (ErrorKind::InvalidValue { field: "case".into(), value: "loud".into() }, 2, 5)
    );
    assert_eq!(
        tsv_err("canonical\tlabel\n\tX\n"),
        (ErrorKind::EmptyField("canonical name".into()), 2, 1)
    );
}

#[test]
fn tsv_columns_escapes_and_partial_loading() {
    let text = "# weapons\ncanonical\tmeta.class\tlabel\taliases\tcase\tid\n\
                Pipe\\|Name\tfighter\tWEAPON_SYSTEM\tA\\|B|C\\\\D\tinsensitive\tw:1\n\
                Bad\tx\tWEAPON_SYSTEM\tA||B\t\tw:2\n\
                Good\t\tWEAPON_SYSTEM\t\t\tw:3\n";
    let mut b = GazetteerBuilder::new();
    let err = b.add_tsv_str(text, Some("w.tsv")).unwrap_err();
    assert_eq!(err.errors().len(), 1);
    assert_eq!(err.to_string(), "w.tsv:4:23: empty alias");
    // The two good lines were loaded all the same.
    assert_eq!(b.len(), 2);
    let g = b.build().unwrap();
    let e = g.entries().next().unwrap();
    assert_eq!(e.canonical(), "Pipe|Name");
    assert_eq!(e.aliases(), ["Pipe|Name", "A|B", "C\\D"]);
    assert_eq!(e.case_mode(), CaseMode::Insensitive);
    assert_eq!(e.get_meta("class"), Some("fighter"));
    assert_eq!(e.stable_id(), Some("w:1"));
    // An empty meta cell sets nothing.
    assert_eq!(g.entries().nth(1).unwrap().metadata(), &[]);
}

#[test]
fn several_bad_lines_are_all_reported() {
    let mut b = GazetteerBuilder::new();
    let err = b
        .add_tsv_str("canonical\tlabel\taliases\nA\tX\t|\nB\tX\tb\\x\nC\tX\tc\n", Some("m.tsv"))
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Many(v) if v.len() == 2));
    assert_eq!(
        err.to_string(),
        "m.tsv:2:5: empty alias\nm.tsv:3:6: bad escape \"\\\\x\" (allowed: \\t, \\n, \\\\, \\|)"
    );
    assert_eq!(b.len(), 1);
}

#[test]
fn jsonl_loader_and_errors() {
    let mut b = GazetteerBuilder::new();
    let ok = r#"{"canonical": "Iron Dome", "label": "WEAPON_SYSTEM", "aliases": ["Kippat Barzel"], "id": "w:dome", "meta": {"class": "air-defence system", "year": 2011}}"#;
    assert_eq!(b.add_jsonl_str(ok, Some("g.jsonl")).unwrap(), 1);
    let e = b.build().unwrap().entries().next().unwrap().clone();
    assert_eq!(e.aliases(), ["Iron Dome", "Kippat Barzel"]);
    assert_eq!(e.get_meta("year"), Some("2011"));

    let bad = "\n{\"canonical\": \"A\", \"label\": \"X\", \"aliases\": [\"a\", \"\"]}\n{\"canonical\": \"B\", \"labl\": \"X\"}\n{not json}\n{\"canonical\": \"C\", \"label\": \"X\", \"id\": \"w:dome\"}\n";
    let err = b.add_jsonl_str(bad, Some("bad.jsonl")).unwrap_err();
    let errs = err.errors();
    assert_eq!(errs.len(), 4, "{err}");
    let lines: Vec<(usize, usize)> =
        errs.iter().map(|e| (e.location().unwrap().line, e.location().unwrap().column)).collect();
    assert_eq!(lines[0], (2, 51));
    assert_eq!(lines[1].0, 3);
    assert_eq!(lines[2], (4, 2));
    assert_eq!(lines[3].0, 5);
    assert_eq!(errs[0].kind(), &ErrorKind::EmptyAlias);
    assert!(matches!(errs[1].kind(), ErrorKind::Json(m) if m.contains("labl")));
    assert_eq!(errs[3].kind(), &ErrorKind::DuplicateId("w:dome".into()));
}

#[test]
fn files_by_path_and_bad_utf8() {
    let dir = std::env::temp_dir().join(format!("recon-gaz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let tsv = dir.join("mine.tsv");
    std::fs::write(&tsv, "canonical\tlabel\nBlack Sea Fleet\tMILITARY_UNIT\n").unwrap();
    let jsonl = dir.join("mine.jsonl");
    std::fs::write(&jsonl, "{\"canonical\": \"Kinzhal\", \"label\": \"WEAPON_SYSTEM\"}\n").unwrap();
    let bad = dir.join("bad.tsv");
    std::fs::write(&bad, b"canonical\tlabel\nGood\tX\nBa\xffd\tX\n").unwrap();

    let mut b = GazetteerBuilder::new();
    assert_eq!(b.add_path(&tsv).unwrap(), 1);
    assert_eq!(b.add_path(&jsonl).unwrap(), 1);
    let err = b.add_path(&bad).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::NotUtf8 { offset: 25 });
    let loc = err.location().unwrap();
    assert_eq!((loc.line, loc.column), (3, 3));
    assert!(err.to_string().contains("bad.tsv:3:3: invalid UTF-8 at byte offset 25"));
    let missing = b.add_path(dir.join("nope.tsv")).unwrap_err();
    assert!(missing.to_string().contains("nope.tsv"));
    std::fs::remove_dir_all(&dir).unwrap();
}

fn user_extractor(entries: Vec<Entry>) -> Extractor {
    let mut b = Extractor::builder();
    b.default_gazetteer(false).default_rules(false);
    for e in entries {
        b.entry(e);
    }
    b.build().unwrap()
}

fn spans(ex: &Extractor, text: &str) -> Vec<String> {
    ex.extract(text)
        .entities()
        .iter()
        .map(|e| format!("{}={}", &text[e.span()], e.canonical()))
        .collect()
}

#[test]
fn matching_rules_through_the_extractor() {
    let ex = user_extractor(vec![
        Entry::new("United States", "LOCATION").alias("US").alias("U.S."),
        Entry::new("Patriot", "WEAPON_SYSTEM").alias("MIM-104 Patriot"),
        Entry::new("China", "LOCATION"),
        Entry::new("South China Sea", "LOCATION"),
        Entry::new("Su-35", "WEAPON_SYSTEM"),
        Entry::new("S-400", "WEAPON_SYSTEM"),
        Entry::new("F-16", "WEAPON_SYSTEM"),
        Entry::new("Rafale", "WEAPON_SYSTEM"),
        Entry::new("Israel", "LOCATION"),
    ]);
    assert_eq!(spans(&ex, "The US will help us."), ["US=United States"]);
    assert_eq!(spans(&ex, "U.S. forces"), ["U.S.=United States"]);
    assert_eq!(spans(&ex, "A patriotic patriot saw Patriot batteries."), ["Patriot=Patriot"]);
    assert_eq!(spans(&ex, "china and chinaware from China"), ["China=China"]);
    assert_eq!(spans(&ex, "patrols in the South China Sea"), ["South China Sea=South China Sea"]);
    assert_eq!(
        spans(&ex, "Su-35, SU-35, Su 35 and Su35 but not Su-355; S-400 and S400."),
        ["Su-35=Su-35", "SU-35=Su-35", "Su 35=Su-35", "Su35=Su-35", "S-400=S-400", "S400=S-400"]
    );
    // Plurals and possessives: the span is on the name itself.
    assert_eq!(
        spans(&ex, "F-16s, Rafales and Israel's and Israel\u{2019}s jets"),
        ["F-16=F-16", "Rafale=Rafale", "Israel=Israel", "Israel=Israel"]
    );
}

#[test]
fn user_entries_win_over_defaults_and_keep_alternatives() {
    let ex = Extractor::builder()
        .entry(Entry::new("Georgia (U.S. state)", "LOCATION").alias("Georgia").id("us-state:GA"))
        .build()
        .unwrap();
    let doc = ex.extract("Troops trained in Georgia.");
    let e = doc.entities().iter().find(|e| e.text(&doc) == "Georgia").expect("Georgia found");
    assert_eq!(e.canonical(), "Georgia (U.S. state)");
    assert!(e.alternatives().iter().any(|a| a.canonical() == "Georgia"), "{:?}", e.alternatives());
}
