//! In-document linking: short mentions, acronyms, and ambiguity.

use recon::Extractor;

fn mentions(text: &str) -> Vec<(String, String, String)> {
    let doc = Extractor::new().extract(text);
    doc.entities()
        .iter()
        .map(|e| (e.text(&doc).to_owned(), e.label().to_owned(), e.canonical().to_owned()))
        .collect()
}

fn canonical_of(text: &str, mention: &str) -> Option<String> {
    mentions(text).into_iter().find(|(m, ..)| m == mention).map(|(_, _, c)| c)
}

#[test]
fn surname_last_and_surname_first() {
    let t = "Gen. Boris Volkonsky arrived on Monday. Volkonsky said the talks went well.";
    assert_eq!(canonical_of(t, "Volkonsky").as_deref(), Some("Boris Volkonsky"));
    let t = "Defence Minister Gao Zhiming met the delegation. Gao later left for Beijing.";
    assert_eq!(canonical_of(t, "Gao").as_deref(), Some("Gao Zhiming"));
    // A short mention before the full one is linked too.
    let t = "Kovalenko spoke first. Later, Col. Ivan Kovalenko took questions.";
    assert_eq!(canonical_of(t, "Kovalenko").as_deref(), Some("Ivan Kovalenko"));
}

#[test]
fn a_full_name_written_again_is_linked_whole() {
    // Found by its context once, written again where no rule finds it:
    // linked whole, not by its last word alone.
    let t = "Gen. Boris Volkonsky arrived on Monday. Later, Boris Volkonsky met the press.";
    let whole = mentions(t)
        .into_iter()
        .filter(|(m, l, c)| m == "Boris Volkonsky" && l == "PERSON" && c == "Boris Volkonsky");
    assert_eq!(whole.count(), 2, "{:?}", mentions(t));
    assert_eq!(canonical_of(t, "Volkonsky"), None);
    // A shared first word leaves "Li" alone ambiguous, not the full name.
    let t = "Col. Li Shuyin and Maj. Li Wenhao met. Later, Li Wenhao left.";
    let m = mentions(t);
    assert_eq!(m.iter().filter(|(m, ..)| m == "Li Wenhao").count(), 2, "{m:?}");
    assert!(m.iter().all(|(m, ..)| m != "Wenhao"), "{m:?}");
    // A capitalised word right after makes it part of another name.
    let t = "Gen. Boris Volkonsky arrived on Monday. Later, Boris Volkonsky Avenue was closed.";
    let m = mentions(t);
    assert_eq!(m.iter().filter(|(m, ..)| m.contains("Volkonsky")).count(), 1, "{m:?}");
}

#[test]
fn a_one_word_person_finds_its_word_again() {
    // "Mr. Shoigu" names a person by one word: the bare word later is them.
    let t = "Mr. Shoigu met Kim Jong Un in Pyongyang. Shoigu later said the talks were useful.";
    let m = mentions(t);
    let shoigu = m.iter().filter(|(m, l, _)| m == "Shoigu" && l == "PERSON");
    assert_eq!(shoigu.count(), 2, "{m:?}");
    // A name with initials has one name word too ("D. K. Sunil").
    let t = "The firm's chairman, D. K. Sunil, told reporters. Sunil said deliveries were late.";
    assert_eq!(canonical_of(t, "Sunil").as_deref(), Some("D. K. Sunil"), "{:?}", mentions(t));
}

#[test]
fn fuller_name_is_canonical() {
    let t = "Gen. Charles Q. Brown Jr. spoke. Charles Brown then left.";
    assert_eq!(canonical_of(t, "Charles Brown").as_deref(), Some("Charles Q. Brown Jr."));
}

#[test]
fn ambiguous_short_mentions_stay_unlinked() {
    let t = "Col. Li Shuyin and Maj. Li Wenhao met. Li said little.";
    let c = canonical_of(t, "Li");
    assert_ne!(c.as_deref(), Some("Li Shuyin"));
    assert_ne!(c.as_deref(), Some("Li Wenhao"));
}

#[test]
fn acronyms_defined_in_parentheses() {
    let ex = Extractor::new();
    let t = "The Northern Shield Alliance (NSA) held drills. Later the NSA said it was ready.";
    let doc = ex.extract(t);
    let nsa: Vec<_> = doc.entities().iter().filter(|e| e.text(&doc) == "NSA").collect();
    assert_eq!(nsa.len(), 2, "{:?}", doc.entities());
    assert!(nsa.iter().all(|e| e.canonical() == "Northern Shield Alliance"));
    let alias = doc.relations().iter().find(|r| r.label() == "ALIAS_OF").expect("ALIAS_OF");
    assert_eq!(doc.entities()[alias.head()].text(&doc), "NSA");
    assert_eq!(doc.entities()[alias.tail()].text(&doc), "Northern Shield Alliance");
    // A bracketed word that does not abbreviate the name before it.
    let doc = ex.extract("Fighters of al-Qaeda in Iraq (AQI) retreated.");
    assert!(doc
        .relations()
        .iter()
        .all(|r| r.label() != "ALIAS_OF" || doc.entities()[r.tail()].text(&doc) != "Iraq"));
}

#[test]
fn acronyms_that_spell_a_named_entitys_initials() {
    let ex = Extractor::new();
    // Never defined in parentheses: the initials of one named unit.
    let t = "The 3rd Separate Assault Brigade held the line. By Friday the SAB had withdrawn.";
    let doc = ex.extract(t);
    let sab: Vec<_> = doc.entities().iter().filter(|e| e.text(&doc) == "SAB").collect();
    assert_eq!(sab.len(), 1, "{:?}", doc.entities());
    assert_eq!(sab[0].label(), "MILITARY_UNIT");
    assert_eq!(sab[0].canonical(), "3rd Separate Assault Brigade");
    assert!(doc.relations().iter().all(|r| r.label() != "ALIAS_OF"), "{:?}", doc.relations());
    // Two names with the same initials: the acronym is left alone.
    let t = "The Syrian Democratic Forces and Japan's Self-Defense Forces were praised. \
             The SDF declined to comment.";
    assert_eq!(canonical_of(t, "SDF"), None, "{:?}", mentions(t));
    // A word that is not all capitals is no acronym; a mention already
    // found is left as it is.
    let t = "The 3rd Separate Assault Brigade held. Later the Sab and the SAB rested.";
    assert_eq!(canonical_of(t, "Sab"), None, "{:?}", mentions(t));
    let t = "The Islamic Revolutionary Guard Corps denied it. An IRGC statement followed.";
    let doc = ex.extract(t);
    assert_eq!(doc.entities().iter().filter(|e| e.text(&doc) == "IRGC").count(), 1);
}

#[test]
fn no_forced_links() {
    // "the Lockheed Martin jet" stays an organisation; no weapon is made up.
    let m = mentions("Greece ordered the Lockheed Martin jet.");
    assert!(m.iter().any(|(t, l, _)| t == "Lockheed Martin" && l == "ORGANIZATION"));
    assert!(m.iter().all(|(_, l, _)| l != "WEAPON_SYSTEM"));
}

#[test]
fn double_barrelled_surnames_are_one_key() {
    let t = "Col. Ana Silva-Pereira arrived on Monday. Later Silva-Pereira told reporters the unit was ready.";
    assert_eq!(
        canonical_of(t, "Silva-Pereira").as_deref(),
        Some("Ana Silva-Pereira"),
        "{:?}",
        mentions(t)
    );
    // A part of the name is not a key of its own ...
    let t = "Col. Ana Silva-Pereira arrived on Monday. Pereira stayed behind.";
    assert!(mentions(t).iter().all(|(m, ..)| m != "Pereira"), "{:?}", mentions(t));
    // ... and a key of another person does not cut a double-barrelled name.
    let t = "Gen. Jonas Berg spoke. Berg-Olsen, his deputy, did not.";
    assert!(mentions(t).iter().all(|(m, ..)| m != "Berg"), "{:?}", mentions(t));
}

#[test]
fn linked_mentions_carry_the_entry_of_their_full_name() {
    // (mention text, id) of each entity.
    let ids = |text: &str| -> Vec<(String, Option<String>)> {
        let doc = Extractor::new().extract(text);
        doc.entities()
            .iter()
            .map(|e| (e.text(&doc).to_owned(), e.id().map(str::to_owned)))
            .collect()
    };
    let t = "Bashar al-Assad left Damascus on Monday. Later, Assad met his generals.";
    let found = ids(t);
    let short = found.iter().find(|(m, _)| m == "Assad").expect("linked");
    assert_eq!(short.1.as_deref(), Some("person:bashar-al-assad"), "{found:?}");
    let t = "U.S. Central Command (CENTCOM) said that CENTCOM aircraft struck two sites.";
    let found = ids(t);
    let full = found[0].1.clone();
    assert!(full.is_some(), "{found:?}");
    assert!(found.iter().filter(|(m, _)| m == "CENTCOM").all(|(_, id)| *id == full), "{found:?}");
    // Many renamed mentions (a table rather than a scan for each).
    let t = format!("Bashar al-Assad spoke in Damascus.{}", " Assad said more.".repeat(12));
    let found = ids(&t);
    let short: Vec<_> = found.iter().filter(|(m, _)| m == "Assad").collect();
    assert_eq!(short.len(), 12, "{found:?}");
    assert!(
        short.iter().all(|(_, id)| id.as_deref() == Some("person:bashar-al-assad")),
        "{found:?}"
    );
    // A person no gazetteer knows has no id, nor have their short mentions.
    let t = "Gen. Boris Volkonsky arrived on Monday. Volkonsky said the talks went well.";
    assert!(ids(t).iter().all(|(_, id)| id.is_none()), "{:?}", ids(t));
}
