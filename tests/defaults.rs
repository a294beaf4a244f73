//! The embedded default model: it builds, it is big enough, and it finds
//! what defence news names.

use recon::Extractor;
use std::collections::HashMap;

fn found(text: &str) -> Vec<(String, String, String)> {
    let doc = Extractor::new().extract(text);
    doc.entities()
        .iter()
        .map(|e| (e.text(&doc).to_owned(), e.label().to_owned(), e.canonical().to_owned()))
        .collect()
}

fn has(text: &str, mention: &str, label: &str, canonical: &str) -> bool {
    found(text).iter().any(|(m, l, c)| m == mention && l == label && c == canonical)
}

#[test]
fn default_model_builds_and_has_the_promised_size() {
    let ex = Extractor::builder().build().expect("defaults build without errors");
    let mut by_label: HashMap<&str, usize> = HashMap::new();
    for e in ex.gazetteer().entries() {
        *by_label.entry(e.label()).or_default() += 1;
    }
    assert!(by_label["LOCATION"] >= 400, "{by_label:?}");
    assert!(by_label["NATIONALITY"] >= 150, "{by_label:?}");
    assert!(by_label["WEAPON_SYSTEM"] >= 300, "{by_label:?}");
    assert!(by_label["MILITARY_UNIT"] >= 150, "{by_label:?}");
    assert!(by_label["ORGANIZATION"] >= 250, "{by_label:?}");
    assert!(ex.gazetteer().aliases_len() > 3000);
}

#[test]
fn countries_demonyms_and_capitals() {
    assert!(has("Indian scientists", "Indian", "NATIONALITY", "India"));
    assert!(has("French wine", "French", "NATIONALITY", "France"));
    assert!(has("a U.S.-supplied HIMARS", "U.S.", "LOCATION", "United States"));
    assert!(has("The US said", "US", "LOCATION", "United States"));
    assert!(!found("they told us").iter().any(|(m, ..)| m == "us"));
    assert!(has("talks in Warsaw", "Warsaw", "LOCATION", "Warsaw"));
    assert!(has("Greece's purchase", "Greece", "LOCATION", "Greece"));
    assert!(has("drills near Taiwan", "Taiwan", "LOCATION", "Taiwan"));
    assert!(has("in the South China Sea", "South China Sea", "LOCATION", "South China Sea"));
}

#[test]
fn forces_weapons_and_organisations() {
    let text = "The PLA Rocket Force deployed DF-26 missiles while the Eastern Theater Command flew J-20s.";
    assert!(
        has(text, "PLA Rocket Force", "MILITARY_UNIT", "PLA Rocket Force"),
        "{:?}",
        found(text)
    );
    assert!(found(text).iter().any(|(m, l, _)| m == "DF-26" && l == "WEAPON_SYSTEM"));
    assert!(found(text).iter().any(|(m, l, _)| m == "J-20" && l == "WEAPON_SYSTEM"));
    assert!(found(text)
        .iter()
        .any(|(m, l, _)| m == "Eastern Theater Command" && l == "MILITARY_UNIT"));
    let text = "Lockheed Martin will build F-16 Block 70 jets; Reuters and TASS reported it.";
    assert!(found(text).iter().any(|(m, l, _)| m == "Lockheed Martin" && l == "ORGANIZATION"));
    assert!(found(text).iter().any(|(m, l, _)| m == "Reuters" && l == "ORGANIZATION"));
    assert!(found(text).iter().any(|(m, l, _)| m == "TASS" && l == "ORGANIZATION"));
    assert!(found(text).iter().any(|(m, l, _)| m.starts_with("F-16") && l == "WEAPON_SYSTEM"));
    // Spelling variants of one designator give one canonical name.
    let canon: Vec<String> =
        found("Su-35 SU-35 Su 35 Su35").into_iter().map(|(_, _, c)| c).collect();
    assert_eq!(canon.len(), 4);
    assert!(canon.windows(2).all(|w| w[0] == w[1]), "{canon:?}");
    assert!(found("the Su-355 prototype").is_empty());
    // A maker's name before a designator is the same helicopter.
    for text in ["two AgustaWestland AW139 helicopters", "the Leonardo AW139 fleet"] {
        let w: Vec<_> = found(text).into_iter().filter(|(_, l, _)| l == "WEAPON_SYSTEM").collect();
        assert!(
            w.iter().any(|(m, _, c)| m.ends_with("AW139") && m.contains(' ') && c == "AW139"),
            "{w:?}"
        );
    }
    assert!(has(
        "44 Lynx infantry fighting vehicles",
        "Lynx infantry fighting vehicle",
        "WEAPON_SYSTEM",
        "Lynx KF41"
    ));
    // A patriot is not a Patriot.
    assert!(found("a patriotic patriot").is_empty());
    assert!(found("Patriot batteries")
        .iter()
        .any(|(m, l, _)| m == "Patriot" && l == "WEAPON_SYSTEM"));
}

#[test]
fn a_town_with_a_base_is_the_town() {
    // The shipyard town, not the submarine base near it.
    let t = "Electric Boat builds the submarines in Groton.";
    assert!(has(t, "Groton", "LOCATION", "Groton"), "{:?}", found(t));
    let t = "The carrier was commissioned at Cochin.";
    assert!(has(t, "Cochin", "LOCATION", "Kochi"), "{:?}", found(t));
}

#[test]
fn a_ships_descriptive_alias_needs_its_capitals() {
    // "Indigenous Aircraft Carrier" names INS Vikrant; the same words in
    // lower case describe any carrier built at home.
    let t = "Beijing launched its third indigenous aircraft carrier.";
    assert!(found(t).iter().all(|(.., c)| c != "INS Vikrant"), "{:?}", found(t));
    let t = "The Indigenous Aircraft Carrier left Kochi for sea trials.";
    assert!(
        has(t, "Indigenous Aircraft Carrier", "WEAPON_SYSTEM", "INS Vikrant"),
        "{:?}",
        found(t)
    );
}

#[test]
fn a_countrys_security_council_is_not_the_uns() {
    let t = "Sergei Shoigu, the secretary of Russia's Security Council, flew to Tehran.";
    assert!(
        has(t, "Russia's Security Council", "ORGANIZATION", "Security Council of Russia"),
        "{:?}",
        found(t)
    );
    let t = "Ukraine's National Security and Defence Council imposed sanctions.";
    assert!(
        found(t).iter().all(|(.., c)| c != "United Nations Security Council"),
        "{:?}",
        found(t)
    );
    // Unqualified, it is still the United Nations'.
    let t = "The Security Council will vote on the resolution on Friday.";
    assert!(
        has(t, "Security Council", "ORGANIZATION", "United Nations Security Council"),
        "{:?}",
        found(t)
    );
}

#[test]
fn states_and_provinces_are_not_their_country() {
    for (text, place) in [
        (
            "The submarines will be based at HMAS Stirling in Western Australia.",
            "Western Australia",
        ),
        ("Marines trained in the Northern Territory in July.", "Northern Territory"),
        ("The air base in Bavaria hosts US F-16s.", "Bavaria"),
        ("A Canadian frigate sailed from Nova Scotia.", "Nova Scotia"),
    ] {
        assert!(has(text, place, "LOCATION", place), "{text}: {:?}", found(text));
    }
    let t = "The submarines will be based at HMAS Stirling in Western Australia.";
    assert!(!has(t, "Australia", "LOCATION", "Australia"), "{:?}", found(t));
}

#[test]
fn a_combatant_commands_service_components_are_one_unit_each() {
    for (text, mention, canonical) in [
        (
            "US Naval Forces Central Command said the drone was downed.",
            "US Naval Forces Central Command",
            "U.S. Naval Forces Central Command",
        ),
        ("AFCENT said its jets flew over Syria.", "AFCENT", "U.S. Air Forces Central"),
        (
            "Marines of Marine Corps Forces Pacific trained in Darwin.",
            "Marine Corps Forces Pacific",
            "U.S. Marine Corps Forces Pacific",
        ),
    ] {
        assert!(has(text, mention, "MILITARY_UNIT", canonical), "{text}: {:?}", found(text));
    }
}
