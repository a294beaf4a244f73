//! Persons the gazetteer knows, named by one word (`meta.short_names`).

use recon::{Entry, Extractor};

/// An extractor with the default rules and only these entries.
fn extractor(entries: &[Entry]) -> Extractor {
    let mut b = Extractor::builder();
    b.default_gazetteer(false);
    for e in entries {
        b.entry(e.clone());
    }
    b.build().expect("builds")
}

fn petrovsky() -> Entry {
    Entry::new("Ivan Petrovsky", "PERSON")
        .id("person:ivan-petrovsky")
        .meta("short_names", "Petrovsky|Petrowski")
}

/// (text, canonical, source, id) of each PERSON entity.
fn persons(x: &Extractor, text: &str) -> Vec<(String, String, String, Option<String>)> {
    let doc = x.extract(text);
    doc.entities()
        .iter()
        .filter(|e| e.label() == "PERSON")
        .map(|e| {
            let id = e.id().map(str::to_owned);
            (e.text(&doc).to_owned(), e.canonical().to_owned(), e.source().to_string(), id)
        })
        .collect()
}

#[test]
fn a_short_name_alone_names_its_person() {
    let x = extractor(&[petrovsky()]);
    for text in [
        "Petrovsky met the delegation on Monday.",
        "The talks ended after Petrowski left.",
        "Reporters asked whether Petrovsky's visit had been planned.",
        "A REPORT SAYS PETROVSKY WILL RESIGN",
    ] {
        let found = persons(&x, text);
        let hit = found.iter().find(|p| p.1 == "Ivan Petrovsky");
        let Some((_, _, source, id)) = hit else { panic!("{text:?}: {found:?}") };
        assert_eq!(id.as_deref(), Some("person:ivan-petrovsky"), "{text:?}");
        assert_eq!(source, "rule:short_name", "{text:?}");
    }
}

#[test]
fn a_short_name_that_is_part_of_another_name_is_left_alone() {
    let x = extractor(&[petrovsky()]);
    for text in [
        // Another given name right before: someone else.
        "Anna Petrovsky opened the exhibition.",
        // A capitalised word that nothing covers right after.
        "The Petrovsky Institute published its report.",
        // Part of a hyphenated name.
        "Petrovsky-Zhukov said nothing.",
        "Kim al-Petrovsky said nothing.",
        // Not written as listed, nor in capitals.
        "The petrovsky method was taught.",
    ] {
        let found = persons(&x, text);
        assert!(found.iter().all(|p| p.1 != "Ivan Petrovsky"), "{text:?}: {found:?}");
    }
}

#[test]
fn the_person_of_the_text_comes_first() {
    let x = extractor(&[petrovsky()]);
    // A full name in the text that ends with the word: linking gives the
    // word to that person.
    let text = "Gen. Anna Petrovsky arrived on Monday. Petrovsky said the talks went well.";
    let found = persons(&x, text);
    let short = found.iter().find(|p| p.0 == "Petrovsky").expect("linked");
    assert_eq!(short.1, "Anna Petrovsky", "{found:?}");
    assert!(found.iter().all(|p| p.1 != "Ivan Petrovsky"), "{found:?}");
    // Two people of the text share it: linking leaves it, and so does this.
    let text = "Gen. Anna Petrovsky and Col. Oleg Petrovsky arrived. Petrovsky spoke first.";
    let found = persons(&x, text);
    assert!(found.iter().all(|p| p.1 != "Ivan Petrovsky"), "{found:?}");
}

#[test]
fn a_person_found_by_one_word_takes_the_entry() {
    let x = extractor(&[petrovsky()]);
    let found = persons(&x, "President Petrovsky said the army would stay.");
    let (text, canonical, source, id) = &found[0];
    assert_eq!(text, "Petrovsky");
    assert_eq!(canonical, "Ivan Petrovsky");
    assert_eq!(source, "rule:title_person");
    assert_eq!(id.as_deref(), Some("person:ivan-petrovsky"));
}

#[test]
fn a_short_name_two_entries_list_names_neither() {
    let other = Entry::new("Oleg Petrovsky", "PERSON").meta("short_names", "Petrovsky");
    let x = extractor(&[petrovsky(), other]);
    let found = persons(&x, "Petrovsky met the delegation. President Petrovsky spoke.");
    assert!(found.iter().all(|p| p.1 == "Petrovsky"), "{found:?}");
    // The other short name is still Ivan's alone.
    let found = persons(&x, "Petrowski met the delegation.");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "Ivan Petrovsky");
}

#[test]
fn only_persons_have_short_names() {
    let ship = Entry::new("Admiral Kuznetsov", "WEAPON_SYSTEM").meta("short_names", "Kuznetsov");
    let x = extractor(&[ship]);
    let doc = x.extract("Kuznetsov sailed on Monday.");
    assert!(doc.entities().iter().all(|e| e.canonical() != "Admiral Kuznetsov"));
}

#[test]
fn a_short_name_of_two_words_is_an_error() {
    let bad = Entry::new("Ivan Petrovsky", "PERSON")
        .id("person:ip")
        .meta("short_names", "Petrovsky|I Petrovsky");
    let err = Extractor::builder().default_gazetteer(false).entry(bad).build().unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("I Petrovsky") && msg.contains("person:ip"), "{msg}");
}

#[test]
fn the_default_people_have_short_names() {
    let x = Extractor::new();
    let doc = x.extract("Putin met Erdogan in Sochi on Tuesday.");
    let names: Vec<&str> = doc.entities().iter().map(|e| e.canonical()).collect();
    assert!(names.contains(&"Vladimir Putin"), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("Recep Tayyip Erdo")), "{names:?}");
    let met = doc.relations().iter().any(|r| r.label() == "MET");
    assert!(met, "{:?}", doc.relations());
}
