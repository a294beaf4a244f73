//! Relation rules of the default model: each label with sentences that
//! must yield it and sentences that must not; coordination; modality;
//! user rules and their errors.

use recon::{ErrorKind, Extractor, Modality};

/// (label, head canonical, tail canonical, modality) of every relation.
fn rels(text: &str) -> Vec<(String, String, String, Modality)> {
    let doc = Extractor::new().extract(text);
    doc.relations()
        .iter()
        .map(|r| {
            let e = doc.entities();
            (
                r.label().to_owned(),
                e[r.head()].canonical().to_owned(),
                e[r.tail()].canonical().to_owned(),
                r.modality(),
            )
        })
        .collect()
}

fn has(text: &str, label: &str, head: &str, tail: &str) -> bool {
    rels(text).iter().any(|(l, h, t, _)| l == label && h == head && t == tail)
}

fn none_with(text: &str, label: &str) -> bool {
    rels(text).iter().all(|(l, ..)| l != label)
}

fn modality(text: &str, label: &str) -> Option<Modality> {
    rels(text).into_iter().find(|(l, ..)| l == label).map(|(.., m)| m)
}

#[test]
fn a_post_in_a_countrys_forces_is_in_the_forces() {
    let t = "Igor Volkov, a spokesman for Russia's Defence Ministry, denied the report.";
    let r = rels(t);
    let tails: Vec<&str> = r
        .iter()
        .filter(|(l, h, ..)| l == "HOLDS_POSITION" && h == "Igor Volkov")
        .map(|(.., t, _)| t.as_str())
        .collect();
    assert_eq!(tails, ["Russian Ministry of Defence"], "{r:?}");
    let t = "David Barak, head of Israel's Mossad, resigned on Monday.";
    assert!(has(t, "HOLDS_POSITION", "David Barak", "Mossad"), "{:?}", rels(t));
    assert!(!has(t, "HOLDS_POSITION", "David Barak", "Israel"), "{:?}", rels(t));
    // A country alone is still the tail.
    let t = "John Carter, ambassador to France, left Paris.";
    assert!(has(t, "HOLDS_POSITION", "John Carter", "France"), "{:?}", rels(t));
}

#[test]
fn holds_position() {
    let t = "Japanese Defense Minister Haruto Sakamoto inspected the base.";
    assert!(has(t, "HOLDS_POSITION", "Haruto Sakamoto", "Japan"), "{:?}", rels(t));
    let t = "Elena Marchetti, commander of the Italian Navy, spoke.";
    assert!(has(t, "HOLDS_POSITION", "Elena Marchetti", "Italian Navy"), "{:?}", rels(t));
    let doc = Extractor::new().extract(t);
    let r = doc.relations().iter().find(|r| r.label() == "HOLDS_POSITION").unwrap();
    assert_eq!(r.attributes().get("role").map(String::as_str), Some("commander"));
    // The organisation inside the title.
    let t = "Gen. Adam Lis was met by Chief of the General Staff Piotr Nowakowski.";
    assert!(has(t, "HOLDS_POSITION", "Piotr Nowakowski", "General Staff"), "{:?}", rels(t));
    assert!(!has(t, "HOLDS_POSITION", "Adam Lis", "General Staff"), "{:?}", rels(t));
    // A title without a country or organisation gives no relation.
    assert!(none_with("Defence Minister Haruto Sakamoto inspected the base.", "HOLDS_POSITION"));
}

#[test]
fn member_of_and_part_of() {
    let t = "Jonas Berg, a member of the Storting, objected.";
    let _ = rels(t);
    let t = "Jonas Berg, a member of NATO, objected.";
    assert!(has(t, "MEMBER_OF", "Jonas Berg", "NATO"), "{:?}", rels(t));
    let t = "The Bundeswehr's 12th Panzer Brigade moved east.";
    assert!(has(t, "PART_OF", "12th Panzer Brigade", "Bundeswehr"), "{:?}", rels(t));
    assert!(none_with("The 12th Panzer Brigade moved east.", "PART_OF"));
}

#[test]
fn visited_and_met() {
    let t = "Gen. Boris Volkonsky arrived in Minsk on Monday.";
    assert!(has(t, "VISITED", "Boris Volkonsky", "Minsk"), "{:?}", rels(t));
    let t = "Gen. Boris Volkonsky's visit to Beijing was cut short.";
    assert!(has(t, "VISITED", "Boris Volkonsky", "Beijing"), "{:?}", rels(t));
    let t = "Gen. Boris Volkonsky met Indian Army chief Gen. Vikram Rathore in Delhi.";
    assert!(has(t, "MET", "Boris Volkonsky", "Vikram Rathore"), "{:?}", rels(t));
    // Meeting reporters is not meeting a person.
    assert!(none_with("Gen. Boris Volkonsky met with reporters in Minsk.", "MET"));
}

#[test]
fn spoke_to_and_deployed_to() {
    // A place after the listener is not the listener.
    assert!(none_with(
        "Gen. Boris Volkonsky told reporters at the Pentagon the drills were over.",
        "SPOKE_TO"
    ));
    let t = "Gen. Boris Volkonsky told Reuters the drills were over.";
    assert!(has(t, "SPOKE_TO", "Boris Volkonsky", "Reuters"), "{:?}", rels(t));
    assert!(none_with("Gen. Boris Volkonsky told reporters the drills were over.", "SPOKE_TO"));
    let t = "The 101st Airborne Division will deploy to Romania.";
    assert!(has(t, "DEPLOYED_TO", "101st Airborne Division", "Romania"), "{:?}", rels(t));
}

#[test]
fn acquires_and_supplies() {
    let t = "Indonesia signed a deal to buy 42 Rafale jets from France.";
    assert!(
        has(t, "ACQUIRES", "Indonesia", "Dassault Rafale")
            || has(t, "ACQUIRES", "Indonesia", "Rafale"),
        "{:?}",
        rels(t)
    );
    assert!(rels(t).iter().any(|(l, h, ..)| l == "SUPPLIES" && h == "France"));
    let doc = Extractor::new().extract(t);
    let r = doc.relations().iter().find(|r| r.label() == "ACQUIRES").unwrap();
    assert_eq!(r.attributes().get("quantity").map(String::as_str), Some("42"));
    let t = "Kyiv received a U.S.-supplied Patriot battery.";
    assert!(
        rels(t).iter().any(|(l, h, ..)| l == "SUPPLIES" && h == "United States"),
        "{:?}",
        rels(t)
    );
    // The source of a report is not a buyer.
    let t = "Germany will not sell Taurus missiles to Kyiv, according to Reuters.";
    assert!(rels(t).iter().all(|(l, h, ..)| !(l == "ACQUIRES" && h == "Reuters")), "{:?}", rels(t));
    let t = "Norway pledged NASAMS batteries to Ukraine.";
    assert!(rels(t).iter().any(|(l, h, ..)| l == "SUPPLIES" && h == "Norway"), "{:?}", rels(t));
    // A purchase by an unnamed buyer has no ACQUIRES.
    assert!(
        none_with("An unnamed customer ordered 12 Gripen fighters.", "ACQUIRES"),
        "{:?}",
        rels("An unnamed customer ordered 12 Gripen fighters.")
    );
}

#[test]
fn a_sale_named_by_its_noun_has_a_buyer() {
    let t = "Washington approved the possible sale of 24 F-35A jets to Romania.";
    assert!(has(t, "ACQUIRES", "Romania", "F-35 Lightning II"), "{:?}", rels(t));
    // A possible sale is not yet one.
    assert_eq!(modality(t, "ACQUIRES"), Some(Modality::Speculated));
    let t = "The contract covers deliveries of 180 K2 tanks to Poland through 2026.";
    assert!(has(t, "ACQUIRES", "Poland", "K2 Black Panther"), "{:?}", rels(t));
    let doc = Extractor::new().extract(t);
    let r = doc.relations().iter().find(|r| r.label() == "ACQUIRES").unwrap();
    assert_eq!(r.attributes().get("quantity").map(String::as_str), Some("180"));
    // The buyer written first.
    let t = "China protested the sale to Taiwan of 66 F-16V fighters.";
    assert!(has(t, "ACQUIRES", "Taiwan", "F-16 Fighting Falcon"), "{:?}", rels(t));
    // A proposed sale is planned.
    let t = "The proposed sale of Leopard 2 tanks to Qatar drew criticism.";
    assert_eq!(modality(t, "ACQUIRES"), Some(Modality::Planned), "{:?}", rels(t));
    // "of" names what is sold, not the buyer of something else.
    let t = "Sales of Rafale jets rose, and France hosted Egypt's president.";
    assert!(none_with(t, "ACQUIRES"), "{:?}", rels(t));
}

#[test]
fn a_country_that_fires_a_weapon_operates_it() {
    let t = "Pakistan test-fired a Shaheen-III missile on Monday.";
    assert!(rels(t).iter().any(|(l, h, ..)| l == "OPERATES" && h == "Pakistan"), "{:?}", rels(t));
    let t = "North Korea on Friday launched three Hwasong-18 missiles.";
    assert!(has(t, "OPERATES", "North Korea", "Hwasong-18"), "{:?}", rels(t));
    // Fired at a weapon is not firing it.
    let t = "Russia fired at Patriot batteries near Kyiv.";
    assert!(none_with(t, "OPERATES"), "{:?}", rels(t));
}

#[test]
fn manufactures_operates_based_in() {
    let t = "Saab will build the Gripen fighters at Linkoping.";
    assert!(rels(t).iter().any(|(l, h, ..)| l == "MANUFACTURES" && h == "Saab"), "{:?}", rels(t));
    let t = "The French Navy's Charles de Gaulle carrier left Toulon.";
    assert!(
        rels(t).iter().any(|(l, h, ..)| l == "OPERATES" && h == "French Navy"),
        "{:?}",
        rels(t)
    );
    let t = "Turkey's Baykar unveiled a new drone.";
    assert!(has(t, "BASED_IN", "Baykar", "Turkey"), "{:?}", rels(t));
}

#[test]
fn fighting_and_allied() {
    let t = "Hezbollah clashed with the Israel Defense Forces near the border.";
    assert!(rels(t).iter().any(|(l, ..)| l == "FIGHTING_AGAINST"), "{:?}", rels(t));
    let t = "The Government of National Accord, which is fighting forces loyal to commander Khalifa Haftar, asked Turkey for help.";
    assert!(
        has(t, "FIGHTING_AGAINST", "Government of National Accord", "Khalifa Haftar"),
        "{:?}",
        rels(t)
    );
    let t = "Cuban troops were fighting alongside Angolan units.";
    assert!(
        has(t, "ALLIED_WITH", "Cuba", "Angola") || has(t, "ALLIED_WITH", "Cuban troops", "Angola"),
        "{:?}",
        rels(t)
    );
    let t = "Hezbollah fought alongside the Syrian Arab Army.";
    assert!(rels(t).iter().any(|(l, ..)| l == "ALLIED_WITH"), "{:?}", rels(t));
}

#[test]
fn coordination_gives_one_relation_per_conjunct() {
    let t = "Saab will deliver Gripen fighters to buyers including Hungary, Thailand and Brazil.";
    let buyers: Vec<String> =
        rels(t).into_iter().filter(|(l, ..)| l == "ACQUIRES").map(|(_, h, ..)| h).collect();
    for b in ["Hungary", "Thailand", "Brazil"] {
        assert!(buyers.iter().any(|x| x == b), "{b} in {buyers:?}");
    }
    // Commas alone are an apposition ("city, region"), not a list.
    let t = "Raytheon has a plant in Tucson, Arizona, and Andover.";
    let places: Vec<String> =
        rels(t).into_iter().filter(|(l, ..)| l == "BASED_IN").map(|(.., t, _)| t).collect();
    assert!(
        !places.iter().any(|p| p == "Arizona") || places.iter().any(|p| p == "Tucson"),
        "{places:?}"
    );
}

#[test]
fn modality_cues() {
    let buy = "ACQUIRES";
    assert_eq!(modality("Qatar bought Rafale jets.", buy), Some(Modality::Asserted));
    assert_eq!(modality("Qatar will buy Rafale jets.", buy), Some(Modality::Planned));
    assert_eq!(modality("Qatar reportedly bought Rafale jets.", buy), Some(Modality::Speculated));
    assert_eq!(modality("Qatar may buy Rafale jets.", buy), Some(Modality::Speculated));
    assert_eq!(modality("Qatar is in talks to buy Rafale jets.", buy), Some(Modality::Speculated));
    assert_eq!(
        modality("Qatar bought Rafale jets, according to Reuters.", buy),
        Some(Modality::Reported)
    );
    assert_eq!(modality("Qatar has no plans to buy Rafale jets.", buy), Some(Modality::Negated));
    assert_eq!(modality("Qatar will not buy Rafale jets.", buy), Some(Modality::Negated));
    assert_eq!(modality("Qatar denied it would buy Rafale jets.", buy), Some(Modality::Negated));
    assert_eq!(modality("Qatar refused to buy Rafale jets.", buy), Some(Modality::Negated));
    assert_eq!(
        modality("There is speculation that Qatar may buy Rafale jets.", buy),
        Some(Modality::Speculated)
    );
    // A negated sale and a speculated sale.
    assert_eq!(
        modality("France will not sell Rafale jets to Qatar.", "SUPPLIES"),
        Some(Modality::Negated)
    );
    assert_eq!(
        modality("France could sell Rafale jets to Qatar.", "SUPPLIES"),
        Some(Modality::Speculated)
    );
}

#[test]
fn evidence_and_explanation() {
    let ex = Extractor::new();
    let t = "Poland ordered K9 howitzers. Chile bought Leopard 2 tanks from Germany.";
    let doc = ex.extract(t);
    let r =
        doc.relations().iter().find(|r| doc.entities()[r.head()].canonical() == "Chile").unwrap();
    let ev = &t[r.evidence().start..r.evidence().end];
    assert!(ev.starts_with("Chile") && !ev.contains("Poland"), "{ev}");
    let why = ex.explain(&doc, r);
    assert_eq!(why.sentence, "Chile bought Leopard 2 tanks from Germany.");
    assert_eq!(why.rule, r.rule());
    assert!(why.pattern.is_some());
}

#[test]
fn user_rules_add_labels_and_report_errors() {
    let rules = "lexicon TRAIN = trained | drilled\n\
                 relation trained_with TRAINED_WITH head=a tail=b:\n    a:{LOCATION} <TRAIN> with b:{LOCATION}\n";
    let ex = Extractor::builder().rules_str(rules, Some("mine.rules")).build().unwrap();
    let doc = ex.extract("Estonia trained with Finland.");
    assert!(doc.relations().iter().any(|r| r.label() == "TRAINED_WITH"));

    let bad = "relation broken VISITED head=p tail=q:\n    p:{PERSON} visited (q:{LOCATION}\n";
    let err = Extractor::builder().rules_str(bad, Some("bad.rules")).build().unwrap_err();
    let e = &err.errors()[0];
    assert!(matches!(e.kind(), ErrorKind::Rule(_)), "{err}");
    let loc = e.location().unwrap();
    assert_eq!(loc.path.as_deref(), Some("bad.rules"));
    assert_eq!(loc.line, 2, "{err}");
    // Without the default rules there are no rule entities or relations.
    let ex = Extractor::builder().default_rules(false).build().unwrap();
    let doc = ex.extract("Gen. Boris Volkonsky arrived in Minsk.");
    assert!(doc.relations().is_empty());
    assert!(doc.entities().iter().all(|e| e.source().to_string() == "gazetteer"));
}

/// The role attribute of the first HOLDS_POSITION of `head`.
fn role_of(text: &str, head: &str) -> Option<String> {
    let doc = Extractor::new().extract(text);
    let e = doc.entities();
    doc.relations()
        .iter()
        .find(|r| r.label() == "HOLDS_POSITION" && e[r.head()].canonical() == head)
        .and_then(|r| r.attributes().get("role").cloned())
}

#[test]
fn appointments_hold_positions() {
    for (text, person, org, role) in [
        (
            "Rear Admiral Karen Holloway has been appointed commander of the Royal Navy.",
            "Karen Holloway",
            "Royal Navy",
            "commander",
        ),
        (
            "Gen. Marek Sobczak was named the new chief of the Polish Land Forces.",
            "Marek Sobczak",
            "Polish Land Forces",
            "chief",
        ),
        (
            "Lt. Gen. Ivo Brandt will take over as commander of the German Army next month.",
            "Ivo Brandt",
            "German Army",
            "commander",
        ),
        (
            "Gen. Paolo Ferri succeeds Gen. Luca Bianchi as chief of the Italian Army.",
            "Paolo Ferri",
            "Italian Army",
            "chief",
        ),
        (
            "Col. Tomasz Kral, who was appointed commander of the 12th Mechanised Brigade in 2022, retired.",
            "Tomasz Kral",
            "12th Mechanised Brigade",
            "commander",
        ),
        (
            "The president appointed Maj. Gen. Ahmed Salem as commander of the Republican Guard.",
            "Ahmed Salem",
            "Republican Guard",
            "commander",
        ),
        (
            "Gen. Hiro Tanaka was promoted to vice chief of the Japan Ground Self-Defense Force.",
            "Hiro Tanaka",
            "Japan Ground Self-Defense Force",
            "vice chief",
        ),
        ("Saab named Anna Lindgren as its new chief executive.", "Anna Lindgren", "Saab", "chief executive"),
        (
            "Maj. Gen. Owen Reid will take command of the 1st (UK) Division in June.",
            "Owen Reid",
            "1st (UK) Division",
            "commander",
        ),
    ] {
        assert!(has(text, "HOLDS_POSITION", person, org), "{text}: {:?}", rels(text));
        assert_eq!(role_of(text, person).as_deref(), Some(role), "{text}");
    }
    // The person replaced does not hold the post.
    let t = "Gen. Paolo Ferri succeeds Gen. Luca Bianchi as chief of the Italian Army.";
    assert!(!has(t, "HOLDS_POSITION", "Luca Bianchi", "Italian Army"), "{:?}", rels(t));
    let t = "Gen. Ron Dale was replaced as commander of the US Army on Friday.";
    assert!(none_with(t, "HOLDS_POSITION"), "{:?}", rels(t));
    // A country appoints too.
    let t = "Ukraine named Gen. Olena Bratko as its new defence minister.";
    assert!(has(t, "HOLDS_POSITION", "Olena Bratko", "Ukraine"), "{:?}", rels(t));
}

#[test]
fn buyers_makers_and_what_is_not_a_purchase() {
    // A date between the buyer and the purchase.
    let t = "Norway signed a contract on Thursday to purchase 24 K9 howitzers from South Korea.";
    assert!(has(t, "ACQUIRES", "Norway", "K9 Thunder"), "{:?}", rels(t));
    // A country's government or forces as the buyer.
    let t = "Chad's transitional government has taken delivery of two more Su-25 jets from Russia.";
    assert!(has(t, "ACQUIRES", "Chad", "Su-25"), "{:?}", rels(t));
    // The maker in a relative clause or with an apposition in between.
    let t = "Rheinmetall, which builds the Leopard 2 gun, expects more orders.";
    assert!(has(t, "MANUFACTURES", "Rheinmetall", "Leopard 2"), "{:?}", rels(t));
    let t = "KNDS, a Franco-German group, now produces the CAESAR howitzer in two plants.";
    assert!(has(t, "MANUFACTURES", "KNDS", "CAESAR"), "{:?}", rels(t));
    // A maker's order book is not a purchase by the maker.
    let t = "Saab is seeing a wave of orders for its Gripen fighters.";
    assert!(none_with(t, "ACQUIRES"), "{:?}", rels(t));
    // An alliance that flies an aircraft does not make it; a maker does.
    let t = "A NATO MQ-9 Reaper flew over the Black Sea.";
    assert!(none_with(t, "MANUFACTURES"), "{:?}", rels(t));
    let t = "A Boeing F-15 Eagle took off from Lakenheath.";
    assert!(has(t, "MANUFACTURES", "Boeing", "F-15 Eagle"), "{:?}", rels(t));
}

#[test]
fn alliances_need_two_parties() {
    // A country and its own forces or government are one party.
    let t = "The battalion trained in Estonia together with the Estonian Defence Forces.";
    assert!(none_with(t, "ALLIED_WITH"), "{:?}", rels(t));
    let t = "Thales will open a plant in Poland together with the Polish government.";
    assert!(!has(t, "ALLIED_WITH", "Poland", "Polish government"), "{:?}", rels(t));
    // A town is where it happens, not an ally.
    let t = "French sappers will bridge the river near Valga together with Estonian engineers.";
    assert!(none_with(t, "ALLIED_WITH"), "{:?}", rels(t));
    let t = "French troops trained at the Tapa army base alongside Estonian units.";
    assert!(
        rels(t)
            .iter()
            .all(|(l, h, t, _)| l != "ALLIED_WITH"
                || (h != "Tapa army base" && t != "Tapa army base")),
        "{:?}",
        rels(t)
    );
    // Countries and forces still ally.
    let t = "Danish troops fought alongside Estonian units.";
    assert!(has(t, "ALLIED_WITH", "Danish troops", "Estonia"), "{:?}", rels(t));
    let t = "Poland will patrol the border together with Lithuania.";
    assert!(has(t, "ALLIED_WITH", "Poland", "Lithuania"), "{:?}", rels(t));
}

#[test]
fn negation_in_another_quotation_does_not_count() {
    let t = "\"We will not wait for anyone,\" said Tomasz Lis, an analyst at the Polish Institute of International Affairs.";
    assert_eq!(modality(t, "HOLDS_POSITION"), Some(Modality::Asserted), "{:?}", rels(t));
    let t = "\u{201c}Nobody could stop it,\u{201d} said Tomasz Lis, a fellow at the Polish Institute of International Affairs.";
    assert_eq!(modality(t, "HOLDS_POSITION"), Some(Modality::Asserted), "{:?}", rels(t));
    // Outside quotations, or in the quotation holding the match, cues count.
    assert_eq!(
        modality("Qatar will not buy Rafale jets, \"for now\", officials said.", "ACQUIRES"),
        Some(Modality::Negated)
    );
    assert_eq!(
        modality("Officials said: \"Qatar will not buy Rafale jets.\"", "ACQUIRES"),
        Some(Modality::Negated)
    );
}

#[test]
fn a_meeting_with_a_counterpart_named_after_the_country() {
    let t = "Defence Minister Anna Berg met her Norwegian counterpart Lars Holm in Oslo.";
    assert!(has(t, "MET", "Anna Berg", "Lars Holm"), "{:?}", rels(t));
    let t = "Peter Hansen held talks with his Polish opposite number, Thomas Weber, on Friday.";
    assert!(has(t, "MET", "Peter Hansen", "Thomas Weber"), "{:?}", rels(t));
    // The counterpart unnamed: the person after is not met.
    let t = "Anna Berg met her Norwegian counterpart, and Lars Holm said nothing.";
    assert!(none_with(t, "MET"), "{:?}", rels(t));
}

#[test]
fn a_contract_won_to_make_a_weapon_names_its_maker() {
    let t =
        "Raytheon was awarded a $1.2 billion contract by the U.S. Navy to produce SM-6 missiles.";
    assert!(has(t, "MANUFACTURES", "RTX", "SM-6"), "{:?}", rels(t));
    let t = "Hanwha Aerospace secured an order from Estonia on Tuesday to build K9 howitzers.";
    assert!(has(t, "MANUFACTURES", "Hanwha Aerospace", "K9 Thunder"), "{:?}", rels(t));
    // A contract to maintain or upgrade a weapon is not one to make it.
    let t = "Lockheed Martin won a contract to maintain F-16 jets for Chile.";
    assert!(none_with(t, "MANUFACTURES"), "{:?}", rels(t));
}

#[test]
fn a_listed_weapon_with_its_own_count_has_that_count() {
    let t = "Norway ordered 24 K9 howitzers and six K2 tanks from South Korea.";
    let doc = Extractor::new().extract(t);
    let e = doc.entities();
    let counts: Vec<(&str, &str, Option<&str>)> = doc
        .relations()
        .iter()
        .filter(|r| r.label() == "ACQUIRES")
        .map(|r| {
            let q = r.attributes().get("quantity").map(String::as_str);
            (e[r.head()].canonical(), e[r.tail()].canonical(), q)
        })
        .collect();
    assert_eq!(
        counts,
        [("Norway", "K9 Thunder", Some("24")), ("Norway", "K2 Black Panther", Some("six"))],
        "{:?}",
        rels(t)
    );
    // The seller of a list sells every item.
    assert!(has(t, "SUPPLIES", "South Korea", "K2 Black Panther"), "{:?}", rels(t));
    // A count in words before a weapon is a quantity, and the list goes on past it.
    let t = "Iran launched 30 Shahed drones and four Emad missiles at Israel.";
    assert!(has(t, "OPERATES", "Iran", "Emad missile"), "{:?}", rels(t));
    // A listed weapon with no count of its own has none.
    let t = "Greece bought 18 Rafale jets and Exocet missiles.";
    let doc = Extractor::new().extract(t);
    let q: Vec<_> = doc
        .relations()
        .iter()
        .filter(|r| r.label() == "ACQUIRES")
        .map(|r| r.attributes().get("quantity").cloned())
        .collect();
    assert_eq!(q, [Some("18".to_owned()), None], "{:?}", rels(t));
}

#[test]
fn a_weapon_supplied_by_a_state_names_its_seller() {
    let t = "The army fields Patriot batteries supplied by Germany.";
    assert!(has(t, "SUPPLIES", "Germany", "MIM-104 Patriot"), "{:?}", rels(t));
    // Made by is the maker, not a seller.
    let t = "The air force flies F-16 jets made by Lockheed Martin.";
    assert!(none_with(t, "SUPPLIES"), "{:?}", rels(t));
    assert!(has(t, "MANUFACTURES", "Lockheed Martin", "F-16 Fighting Falcon"), "{:?}", rels(t));
}

#[test]
fn a_visit_to_a_companys_site_is_a_visit_to_its_place() {
    let t = "Rishi Sunak visited the BAE Systems shipyard in Glasgow on Thursday.";
    assert!(has(t, "VISITED", "Rishi Sunak", "Glasgow"), "{:?}", rels(t));
}

#[test]
fn a_deal_signed_by_a_minister_names_the_seller() {
    let t = "Greek Defence Minister Nikos Dendias signed a contract with Naval Group for three FDI frigates.";
    assert!(has(t, "SUPPLIES", "Naval Group", "FDI frigate"), "{:?}", rels(t));
    // Nobody's buyer is made up: the minister buys nothing.
    assert!(none_with(t, "ACQUIRES"), "{:?}", rels(t));
}

#[test]
fn a_title_is_not_planned_or_doubted_by_the_clause_around_it() {
    let t =
        "Ukraine may soon receive more F-16 jets, Dutch Defence Minister Ruben Brekelmans said.";
    let r = rels(t);
    let post = r.iter().find(|(l, h, ..)| l == "HOLDS_POSITION" && h == "Ruben Brekelmans");
    assert_eq!(post.map(|(.., m)| *m), Some(Modality::Asserted), "{r:?}");
    // The clause's own relation keeps its cue.
    assert_eq!(modality(t, "ACQUIRES"), Some(Modality::Speculated), "{r:?}");
    // Rules without the setting still read the clause.
    let t = "Kenya will not buy Bayraktar TB2 drones, Defence Minister Aden Duale said.";
    assert_eq!(modality(t, "ACQUIRES"), Some(Modality::Negated), "{:?}", rels(t));
}

#[test]
fn a_place_where_fighting_happens_is_not_a_party_to_it() {
    let t = "Ukrainian troops repelled Russian assaults near Pokrovsk on Sunday.";
    assert!(!has(t, "FIGHTING_AGAINST", "Russia", "Pokrovsk"), "{:?}", rels(t));
    let t = "Hezbollah fighters attacked positions in northern Israel.";
    assert!(!has(t, "FIGHTING_AGAINST", "Hezbollah", "Israel"), "{:?}", rels(t));
    // A party after the fighting word still is one.
    let t = "Hezbollah fighters attacked Israel on Tuesday.";
    assert!(has(t, "FIGHTING_AGAINST", "Hezbollah", "Israel"), "{:?}", rels(t));
}

#[test]
fn its_post_refers_back_to_the_organisation() {
    let t = "The 24th Mechanized Brigade held its positions near Chasiv Yar, its commander Oleh Petrenko said.";
    assert!(has(t, "HOLDS_POSITION", "Oleh Petrenko", "24th Mechanized Brigade"), "{:?}", rels(t));
    let t = "Hensoldt, whose chief executive Thomas Mueller spoke on Monday, raised its forecast.";
    assert!(has(t, "HOLDS_POSITION", "Thomas Mueller", "Hensoldt"), "{:?}", rels(t));
    // Another organisation between: "its" may be that one's.
    let t = "Hensoldt sold radars to the German Navy, its commander Jan Weber said.";
    assert!(!has(t, "HOLDS_POSITION", "Jan Weber", "Hensoldt"), "{:?}", rels(t));
}

#[test]
fn a_post_in_a_body_named_after_its_country_or_alliance_is_in_the_body() {
    let t = "Vice Admiral Brad Cooper, commander of U.S. Naval Forces Central Command, said the drones were downed.";
    assert!(
        has(t, "HOLDS_POSITION", "Brad Cooper", "U.S. Naval Forces Central Command"),
        "{:?}",
        rels(t)
    );
    assert!(!has(t, "HOLDS_POSITION", "Brad Cooper", "U.S."), "{:?}", rels(t));
    let t = "Admiral Rob Bauer, chair of NATO's Military Committee, warned of shortages.";
    assert!(has(t, "HOLDS_POSITION", "Rob Bauer", "Military Committee"), "{:?}", rels(t));
    // A country alone is still the tail.
    let t = "Bridget Brink, ambassador to Ukraine, left Kyiv.";
    assert!(has(t, "HOLDS_POSITION", "Bridget Brink", "Ukraine"), "{:?}", rels(t));
}

#[test]
fn a_visitor_may_be_named_before_an_apposition() {
    let t =
        "Sergei Shoigu, the secretary of Russia's Security Council, arrived in Tehran on Thursday.";
    assert!(has(t, "VISITED", "Sergei Shoigu", "Tehran"), "{:?}", rels(t));
    let t = "Grant Shapps, the British defence secretary, visited Odesa last week.";
    assert!(has(t, "VISITED", "Grant Shapps", "Odesa"), "{:?}", rels(t));
    // A visit inside the clause is someone else's; the one after it is his.
    let t = "Lloyd Austin, whom Rustem Umerov visited in Washington, arrived in Warsaw on Monday.";
    assert!(has(t, "VISITED", "Lloyd Austin", "Warsaw"), "{:?}", rels(t));
    assert!(!has(t, "VISITED", "Lloyd Austin", "Washington"), "{:?}", rels(t));
}

#[test]
fn a_call_between_two_people_is_a_meeting() {
    let t =
        "Israeli Prime Minister Benjamin Netanyahu spoke by phone with Antony Blinken on Sunday.";
    assert!(has(t, "MET", "Benjamin Netanyahu", "Antony Blinken"), "{:?}", rels(t));
    let t = "Defence Minister Dong Jun held a phone call with U.S. Defense Secretary Lloyd Austin.";
    assert!(has(t, "MET", "Dong Jun", "Lloyd Austin"), "{:?}", rels(t));
}

#[test]
fn a_venture_or_agreement_to_make_a_weapon_names_its_makers() {
    let t =
        "Rheinmetall and Leonardo announced a joint venture to build Panther KF51 tanks for Italy.";
    assert!(has(t, "MANUFACTURES", "Rheinmetall", "KF51 Panther"), "{:?}", rels(t));
    assert!(has(t, "MANUFACTURES", "Leonardo", "KF51 Panther"), "{:?}", rels(t));
    let t =
        "Hanwha Aerospace signed an agreement with Poland's WB Group to produce Chunmoo launchers.";
    assert!(has(t, "MANUFACTURES", "Hanwha Aerospace", "Chunmoo"), "{:?}", rels(t));
    // A venture to maintain is not one to make.
    let t = "Rheinmetall announced a joint venture to maintain Leopard 2 tanks in Ukraine.";
    assert!(none_with(t, "MANUFACTURES"), "{:?}", rels(t));
}

#[test]
fn a_buyer_awarding_a_contract_for_a_weapon_buys_it_from_the_company() {
    let t = "The U.S. Army awarded Lockheed Martin a $4.5 billion contract for 870 PAC-3 MSE interceptors.";
    assert!(has(t, "ACQUIRES", "United States Army", "MIM-104 Patriot"), "{:?}", rels(t));
    assert!(has(t, "SUPPLIES", "Lockheed Martin", "MIM-104 Patriot"), "{:?}", rels(t));
    // The company is not the buyer.
    assert!(!has(t, "ACQUIRES", "Lockheed Martin", "MIM-104 Patriot"), "{:?}", rels(t));
}

#[test]
fn a_spokesman_for_a_body_named_after_his_post_holds_it() {
    let t = "A spokesman for the Russian Defence Ministry, Major General Igor Konashenkov, said the strikes hit.";
    assert!(
        has(t, "HOLDS_POSITION", "Igor Konashenkov", "Russian Ministry of Defence"),
        "{:?}",
        rels(t)
    );
}

#[test]
fn a_ship_ordered_to_a_sea_is_deployed_there() {
    let t = "Lloyd Austin ordered the USS Gerald R. Ford to the eastern Mediterranean.";
    assert!(has(t, "DEPLOYED_TO", "USS Gerald R. Ford", "Mediterranean Sea"), "{:?}", rels(t));
    // An order placed for weapons is a purchase, not a deployment.
    let t = "Poland ordered 96 Apache helicopters from the United States in 2022.";
    assert!(none_with(t, "DEPLOYED_TO"), "{:?}", rels(t));
    assert!(has(t, "ACQUIRES", "Poland", "AH-64 Apache"), "{:?}", rels(t));
}

#[test]
fn a_visit_ahead_is_a_planned_visit() {
    let t = "Olaf Scholz will visit Beijing next month.";
    assert_eq!(modality(t, "VISITED"), Some(Modality::Planned), "{:?}", rels(t));
    for t in [
        "Kaja Kallas is due to arrive in Kyiv on Friday.",
        "Pedro Sanchez will fly to Kyiv on Monday.",
        "Antony Blinken headed to Israel on Sunday.",
        "Vladimir Putin would travel to Beijing in October.",
    ] {
        assert!(rels(t).iter().any(|r| r.0 == "VISITED"), "{t}: {:?}", rels(t));
    }
    // The noun is not the verb.
    let t = "Olaf Scholz said a visit to Beijing was not planned.";
    assert!(none_with(t, "VISITED"), "{:?}", rels(t));
}

#[test]
fn the_other_side_of_a_deal_is_its_seller_not_a_buyer() {
    let t = "India signed a deal with France to buy 26 Rafale Marine jets.";
    assert!(has(t, "ACQUIRES", "India", "Rafale"), "{:?}", rels(t));
    assert!(has(t, "SUPPLIES", "France", "Rafale"), "{:?}", rels(t));
    assert!(!has(t, "ACQUIRES", "France", "Rafale"), "{:?}", rels(t));
    let t = "Egypt is in talks with China to buy J-10C fighter jets.";
    assert!(has(t, "ACQUIRES", "Egypt", "J-10"), "{:?}", rels(t));
    assert!(has(t, "SUPPLIES", "China", "J-10"), "{:?}", rels(t));
    assert!(!has(t, "ACQUIRES", "China", "J-10"), "{:?}", rels(t));
    // Talks "over" or "on" a purchase name the same two sides.
    let t = "Serbia is negotiating with France over the purchase of 12 Rafale jets.";
    assert!(has(t, "ACQUIRES", "Serbia", "Rafale"), "{:?}", rels(t));
    assert!(has(t, "SUPPLIES", "France", "Rafale"), "{:?}", rels(t));
    assert!(!has(t, "ACQUIRES", "France", "Rafale"), "{:?}", rels(t));
    let t = "Thailand held talks with Sweden on a possible acquisition of Gripen fighters.";
    assert!(has(t, "ACQUIRES", "Thailand", "JAS 39 Gripen"), "{:?}", rels(t));
    assert!(!has(t, "ACQUIRES", "Sweden", "JAS 39 Gripen"), "{:?}", rels(t));
    // A buyer named alone still buys.
    let t = "Vietnam plans to buy Su-35 fighters.";
    assert!(has(t, "ACQUIRES", "Vietnam", "Su-35"), "{:?}", rels(t));
}

#[test]
fn a_contract_won_is_a_sale_by_the_winner() {
    let t = "MBDA secured an order from Qatar for Exocet missiles.";
    assert!(has(t, "ACQUIRES", "Qatar", "Exocet"), "{:?}", rels(t));
    assert!(has(t, "SUPPLIES", "MBDA", "Exocet"), "{:?}", rels(t));
    assert!(!has(t, "ACQUIRES", "MBDA", "Exocet"), "{:?}", rels(t));
    assert!(!has(t, "SUPPLIES", "Qatar", "Exocet"), "{:?}", rels(t));
    let t = "Boeing received a contract from the Pentagon for KC-46 tankers worth $2.3 billion.";
    assert!(has(t, "SUPPLIES", "Boeing", "KC-46 Pegasus"), "{:?}", rels(t));
    assert!(!has(t, "ACQUIRES", "Boeing", "KC-46 Pegasus"), "{:?}", rels(t));
    let t = "General Dynamics was awarded a contract by the U.S. Navy to build two Virginia-class \
             submarines.";
    assert!(has(t, "ACQUIRES", "United States Navy", "Virginia-class submarine"), "{:?}", rels(t));
    assert!(has(t, "SUPPLIES", "General Dynamics", "Virginia-class submarine"), "{:?}", rels(t));
    // The buyer's own order from a seller is still the buyer's.
    let t = "Poland's order from South Korea for 180 K2 tanks is the largest in its history.";
    assert!(has(t, "ACQUIRES", "Poland", "K2 Black Panther"), "{:?}", rels(t));
    assert!(has(t, "SUPPLIES", "South Korea", "K2 Black Panther"), "{:?}", rels(t));
}

#[test]
fn a_manufacturer_in_a_deal_with_a_state_sells() {
    let ex = Extractor::new();
    let t = "Embraer signed a contract with Portugal for five C-390 aircraft.";
    assert!(has(t, "ACQUIRES", "Portugal", "Embraer C-390 Millennium"), "{:?}", rels(t));
    assert!(has(t, "SUPPLIES", "Embraer", "Embraer C-390 Millennium"), "{:?}", rels(t));
    assert!(!has(t, "ACQUIRES", "Embraer", "Embraer C-390 Millennium"), "{:?}", rels(t));
    // The explanation's buyer capture moves with the buyer.
    let doc = ex.extract(t);
    let buy = doc.relations().iter().find(|r| r.label() == "ACQUIRES").unwrap();
    let why = ex.explain(&doc, buy);
    assert!(why.captures.iter().any(|(n, s)| n == "buyer" && *s == "Portugal"), "{why:?}");
    // A state in a deal with a manufacturer is left as read.
    let t = "Poland signed a contract with Lockheed Martin for 32 F-35A jets.";
    assert!(has(t, "ACQUIRES", "Poland", "F-35 Lightning II"), "{:?}", rels(t));
    assert!(has(t, "SUPPLIES", "Lockheed Martin", "F-35 Lightning II"), "{:?}", rels(t));
}

#[test]
fn a_seller_after_a_hyphenated_description_is_read() {
    let t = "Armenia took delivery of Akash surface-to-air missile systems from India.";
    assert!(has(t, "SUPPLIES", "India", "Akash missile system"), "{:?}", rels(t));
    let t = "Russia sold Kh-35 anti-ship missiles to Vietnam in 2019.";
    assert!(has(t, "ACQUIRES", "Vietnam", "Kh-35"), "{:?}", rels(t));
}

#[test]
fn fire_aimed_at_a_party_is_fighting() {
    let t = "Islamic Jihad fired a barrage of rockets at Israel on Friday.";
    assert!(has(t, "FIGHTING_AGAINST", "Palestinian Islamic Jihad", "Israel"), "{:?}", rels(t));
    let t = "Russia launched 40 missiles and 100 Shahed drones at Ukraine overnight.";
    assert!(has(t, "FIGHTING_AGAINST", "Russia", "Ukraine"), "{:?}", rels(t));
    // The party, not the country it is in.
    let t = "Hezbollah fighters in Lebanon have fired some 200 rockets at Israel this week.";
    assert!(has(t, "FIGHTING_AGAINST", "Hezbollah", "Israel"), "{:?}", rels(t));
    assert!(!has(t, "FIGHTING_AGAINST", "Lebanon", "Israel"), "{:?}", rels(t));
    // Waters fired into are not a party; an inquiry launched is not fire.
    let t = "North Korea launched two short-range ballistic missiles into the Yellow Sea.";
    assert!(none_with(t, "FIGHTING_AGAINST"), "{:?}", rels(t));
    let t = "The European Commission launched an inquiry into China's subsidies.";
    assert!(none_with(t, "FIGHTING_AGAINST"), "{:?}", rels(t));
}

#[test]
fn a_person_of_a_body_belongs_to_it() {
    let t = "Captain Sofia Lind of the Swedish Navy briefed reporters in Karlskrona.";
    assert!(has(t, "MEMBER_OF", "Sofia Lind", "Swedish Navy"), "{:?}", rels(t));
    let t = "Corporal Dmytro Koval of Ukraine's 93rd Mechanized Brigade was wounded near Bakhmut.";
    assert!(has(t, "MEMBER_OF", "Dmytro Koval", "93rd Mechanized Brigade"), "{:?}", rels(t));
    // A country after "of" is not a body the person belongs to.
    let t = "President Emmanuel Macron of France met Olaf Scholz.";
    assert!(none_with(t, "MEMBER_OF"), "{:?}", rels(t));
}

#[test]
fn a_post_taken_as_is_held() {
    let t = "Kristina Holm took over as NATO Deputy Secretary General in March.";
    assert!(has(t, "HOLDS_POSITION", "Kristina Holm", "NATO"), "{:?}", rels(t));
    let t = "Ivan Sokolov, who was sworn in as Russia's deputy defence minister, visited Rostov.";
    assert!(has(t, "HOLDS_POSITION", "Ivan Sokolov", "Russia"), "{:?}", rels(t));
    // Removed from a post is not holding it.
    let t = "Ivan Sokolov was dismissed as Russia's deputy defence minister.";
    assert!(none_with(t, "HOLDS_POSITION"), "{:?}", rels(t));
}

#[test]
fn a_weapon_requested_is_a_purchase_not_yet_made() {
    let t = "Poland has requested 96 AH-64E Apache helicopters from the United States.";
    assert!(has(t, "ACQUIRES", "Poland", "AH-64 Apache"), "{:?}", rels(t));
    assert!(has(t, "SUPPLIES", "United States", "AH-64 Apache"), "{:?}", rels(t));
    assert_eq!(modality(t, "ACQUIRES"), Some(Modality::Speculated));
    // A sum requested is no weapon bought.
    let t = "The Pentagon requested $4 billion for HIMARS launchers.";
    assert!(none_with(t, "ACQUIRES"), "{:?}", rels(t));
}

#[test]
fn a_commander_in_chief_holds_a_post() {
    let t = "General Robert Brieger was named commander-in-chief of the Austrian Armed Forces.";
    assert!(
        rels(t).iter().any(|r| r.0 == "HOLDS_POSITION" && r.1 == "Robert Brieger"),
        "{:?}",
        rels(t)
    );
}

#[test]
fn a_force_that_grounds_upgrades_or_flies_a_weapon_operates_it() {
    for (t, unit, weapon) in [
        (
            "The Royal Air Force grounded its Eurofighter Typhoon fleet after the accident.",
            "Royal Air Force",
            "Eurofighter Typhoon",
        ),
        (
            "The Polish Air Force is upgrading its F-16 jets.",
            "Polish Air Force",
            "F-16 Fighting Falcon",
        ),
        (
            "The Royal Australian Air Force has been flying the F-35A since 2018.",
            "Royal Australian Air Force",
            "F-35 Lightning II",
        ),
    ] {
        assert!(has(t, "OPERATES", unit, weapon), "{t}: {:?}", rels(t));
    }
}

#[test]
fn a_buyer_supplied_with_a_weapon_acquires_it() {
    let t = "North Korea has supplied Russia with KN-23 ballistic missiles, officials said.";
    assert!(has(t, "ACQUIRES", "Russia", "Hwasong-11"), "{:?}", rels(t));
    assert!(has(t, "SUPPLIES", "North Korea", "Hwasong-11"), "{:?}", rels(t));
    assert!(!has(t, "ACQUIRES", "North Korea", "Hwasong-11"), "{:?}", rels(t));
    let t = "Canada equipped the Latvian Army with Javelin missiles.";
    assert!(has(t, "ACQUIRES", "Latvian Army", "FGM-148 Javelin"), "{:?}", rels(t));
    assert!(has(t, "SUPPLIES", "Canada", "FGM-148 Javelin"), "{:?}", rels(t));
    // Supplied with something that is no weapon: nothing bought.
    let t = "Britain supplied Ukraine with training and fuel.";
    assert!(none_with(t, "ACQUIRES"), "{:?}", rels(t));
}

#[test]
fn a_contract_signed_for_a_weapon_is_a_purchase_by_the_signer() {
    let t = "Lithuania signed a contract for 18 Caesar howitzers in December.";
    assert!(has(t, "ACQUIRES", "Lithuania", "CAESAR"), "{:?}", rels(t));
    let t = "The Hellenic Navy has placed an order worth $1.6 billion for three FDI frigates.";
    assert!(rels(t).iter().any(|r| r.0 == "ACQUIRES" && r.1 == "Hellenic Navy"), "{:?}", rels(t));
    // The weapon's own maker signing for it sells it.
    let t = "Dassault Aviation signed a contract for 26 Rafale jets.";
    assert!(none_with(t, "ACQUIRES"), "{:?}", rels(t));
}

#[test]
fn a_clause_between_commas_does_not_hide_a_fight() {
    let t = "Nigerian troops, supported by Chadian soldiers, fought Boko Haram near Lake Chad.";
    assert!(
        rels(t).iter().any(|r| r.0 == "FIGHTING_AGAINST" && r.2 == "Boko Haram"),
        "{:?}",
        rels(t)
    );
    // A list of parties is not a clause: nobody in it fought a list-mate.
    let t = "Hamas, Hezbollah and the Houthis attacked Israel.";
    assert!(
        !rels(t).iter().any(|r| r.0 == "FIGHTING_AGAINST" && r.2 == "Hezbollah"),
        "{:?}",
        rels(t)
    );
}

#[test]
fn an_invasion_or_a_possessive_attack_is_fighting() {
    for (t, a, b) in [
        ("Iraq invaded Kuwait in August 1990.", "Iraq", "Kuwait"),
        (
            "Since Azerbaijan's full-scale attack on Armenia, talks have stalled.",
            "Azerbaijan",
            "Armenia",
        ),
        (
            "Argentine forces invaded the Falkland Islands in 1982.",
            "Argentine forces",
            "Falkland Islands",
        ),
    ] {
        assert!(has(t, "FIGHTING_AGAINST", a, b), "{t}: {:?}", rels(t));
    }
}

#[test]
fn a_post_named_first_then_the_person_between_commas() {
    for (t, person, body, role) in [
        (
            "Poland's deputy defence minister, Pawel Bejda, said the tanks would arrive in spring.",
            "Pawel Bejda",
            "Poland",
            "deputy defence minister",
        ),
        (
            "France's chief of the defence staff, General Thierry Burkhard, warned of a long war.",
            "Thierry Burkhard",
            "France",
            "chief of the defence staff",
        ),
        (
            "NATO's secretary general, Mark Rutte, visited Ankara.",
            "Mark Rutte",
            "NATO",
            "secretary general",
        ),
    ] {
        assert!(has(t, "HOLDS_POSITION", person, body), "{t}: {:?}", rels(t));
        assert_eq!(role_of(t, person).as_deref(), Some(role), "{t}");
    }
    // A list, not an apposition: the name is not closed by a comma.
    let t = "Spain's defence ministry, Indra and Airbus Spain signed the deal.";
    assert!(none_with(t, "HOLDS_POSITION"), "{:?}", rels(t));
}

#[test]
fn a_weapon_named_with_its_origin_or_a_contract_yet_to_be_signed_is_bought() {
    // The weapon's nationality between the verb and the weapon.
    let t = "Algeria bought Russian Su-35 fighters in 2021.";
    assert!(has(t, "ACQUIRES", "Algeria", "Su-35"), "{:?}", rels(t));
    // A contract to be signed: planned.
    for (t, buyer, weapon) in [
        ("Greece will sign a contract for 20 F-35 jets next year.", "Greece", "F-35 Lightning II"),
        ("Croatia is set to sign an agreement for six Caesar howitzers.", "Croatia", "CAESAR"),
    ] {
        assert!(has(t, "ACQUIRES", buyer, weapon), "{t}: {:?}", rels(t));
        assert_eq!(modality(t, "ACQUIRES"), Some(Modality::Planned), "{t}");
    }
}

#[test]
fn a_maker_described_or_named_by_its_product_makes_it() {
    for (t, maker, weapon) in [
        (
            "The Type 26 frigate, designed by British defence firm BAE Systems, was ordered by Norway.",
            "BAE Systems",
            "Type 26 frigate",
        ),
        (
            "Diehl Defence, the German maker of the IRIS-T system, is expanding production.",
            "Diehl Defence",
            "IRIS-T SLM",
        ),
        ("HIMARS maker Lockheed Martin raised its forecast.", "Lockheed Martin", "HIMARS"),
    ] {
        assert!(has(t, "MANUFACTURES", maker, weapon), "{t}: {:?}", rels(t));
    }
    // A company described, not as the weapon's maker.
    let t = "Saab, the Swedish supplier of the Carl-Gustaf, is a major employer.";
    assert!(none_with(t, "MANUFACTURES"), "{:?}", rels(t));
}

#[test]
fn a_unit_that_is_part_of_another() {
    let t = "The 3rd Infantry Division is now part of XVIII Airborne Corps.";
    assert!(has(t, "PART_OF", "3rd Infantry Division", "XVIII Airborne Corps"), "{:?}", rels(t));
    let t = "The 101st Airborne Division was part of the XVIII Airborne Corps in 2003.";
    assert!(has(t, "PART_OF", "101st Airborne Division", "XVIII Airborne Corps"), "{:?}", rels(t));
}

#[test]
fn a_place_after_a_preposition_is_no_party_to_fighting() {
    let t = "Ukrainian troops retreated from Avdiivka after weeks of heavy fighting with Russian forces.";
    assert!(
        !rels(t).iter().any(|r| r.0 == "FIGHTING_AGAINST" && r.1 == "Avdiivka"),
        "{:?}",
        rels(t)
    );
    // The place named as a party still is one.
    let t = "Azerbaijan attacked Armenia in September 2022.";
    assert!(has(t, "FIGHTING_AGAINST", "Azerbaijan", "Armenia"), "{:?}", rels(t));
}

#[test]
fn an_invasion_of_a_country_or_a_counteroffensive_is_fighting() {
    for (t, a, b) in [
        (
            "Since the Soviet invasion of Afghanistan, the region has been unstable.",
            "Soviet Union",
            "Afghanistan",
        ),
        (
            "Morocco's counteroffensive against the Polisario Front stalled.",
            "Morocco",
            "Polisario Front",
        ),
    ] {
        assert!(has(t, "FIGHTING_AGAINST", a, b), "{t}: {:?}", rels(t));
    }
}

#[test]
fn a_state_that_approves_a_sale_sells() {
    let t = "Sweden approved the sale of 14 Gripen jets to Thailand.";
    assert!(has(t, "SUPPLIES", "Sweden", "JAS 39 Gripen"), "{:?}", rels(t));
    assert!(has(t, "ACQUIRES", "Thailand", "JAS 39 Gripen"), "{:?}", rels(t));
    // Approving something else is no sale.
    let t = "Japan approved a budget for the Type 12 missile upgrade.";
    assert!(none_with(t, "SUPPLIES"), "{:?}", rels(t));
}

#[test]
fn a_state_that_uses_a_weapon_operates_it() {
    for (t, state, weapon) in [
        ("Israel used F-35 jets in the strikes on Iran.", "Israel", "F-35 Lightning II"),
        ("Russia is using Iranian Shahed-136 drones against power plants.", "Russia", "Shahed-136"),
    ] {
        assert!(has(t, "OPERATES", state, weapon), "{t}: {:?}", rels(t));
    }
    // "used to" is no use of a weapon.
    let t = "Ukraine used to fly the Tu-160 bomber.";
    assert!(none_with(t, "OPERATES"), "{:?}", rels(t));
}

#[test]
fn an_apposition_names_a_backer_and_does_not_hide_fire() {
    let t = "Kataib Hezbollah, an Iranian-backed militia, fired drones at a US base in Jordan.";
    let r = rels(t);
    assert!(r.iter().any(|r| r.0 == "ALLIED_WITH" && r.1 == "Iran"), "{r:?}");
    assert!(r.iter().any(|r| r.0 == "FIGHTING_AGAINST" && r.1 == "Kataib Hezbollah"), "{r:?}");
    // An apposition that names no backer.
    let t = "Hamas, a Palestinian group, launched rockets at Israel.";
    assert!(none_with(t, "ALLIED_WITH"), "{:?}", rels(t));
    assert!(has(t, "FIGHTING_AGAINST", "Hamas", "Israel"), "{:?}", rels(t));
}

#[test]
fn a_weapon_bought_by_a_buyer_named_after_it() {
    for (t, buyer, weapon) in [
        (
            "The HIMARS launchers, ordered by Estonia in 2022, arrived in Tallinn.",
            "Estonia",
            "HIMARS",
        ),
        ("Forty K2 tanks have been purchased by Poland.", "Poland", "K2 Black Panther"),
    ] {
        assert!(has(t, "ACQUIRES", buyer, weapon), "{t}: {:?}", rels(t));
    }
    // Used by, not bought by.
    let t = "The F-35 jets will be flown by the Royal Air Force.";
    assert!(none_with(t, "ACQUIRES"), "{:?}", rels(t));
}

#[test]
fn a_person_then_a_post_of_a_body_named_by_its_title() {
    for (t, person, body) in [
        (
            "General Christopher Cavoli, NATO's Supreme Allied Commander Europe, briefed allies.",
            "Christopher Cavoli",
            "NATO",
        ),
        (
            "Admiral Tony Radakin, Britain's Chief of the Defence Staff, visited the fleet.",
            "Tony Radakin",
            "United Kingdom",
        ),
    ] {
        assert!(has(t, "HOLDS_POSITION", person, body), "{t}: {:?}", rels(t));
    }
}

#[test]
fn a_company_described_by_its_country_is_based_there() {
    for (t, company, place) in [
        (
            "Hanwha Aerospace, South Korea's biggest arms maker, posted record sales.",
            "Hanwha Aerospace",
            "South Korea",
        ),
        ("Thales, the French electronics group, won the tender.", "Thales", "France"),
        (
            "Rafael, Israel's state-owned defence firm, tested a laser.",
            "Rafael Advanced Defense Systems",
            "Israel",
        ),
        ("German arms maker Rheinmetall opened a plant.", "Rheinmetall", "Germany"),
        (
            "The Indian state-owned company Bharat Electronics won an order.",
            "Bharat Electronics",
            "India",
        ),
        ("Turkey's state-run Aselsan unveiled a radar.", "Aselsan", "Turkey"),
    ] {
        assert!(has(t, "BASED_IN", company, place), "{t}: {:?}", rels(t));
    }
    // A group is a company's only with its trade before it.
    let t = "Hamas, the Palestinian militant group, fired rockets.";
    assert!(none_with(t, "BASED_IN"), "{:?}", rels(t));
}

#[test]
fn a_weapon_selected_or_chosen_is_bought() {
    for (t, buyer, weapon) in [
        (
            "Switzerland selected the F-35A to replace its Hornets.",
            "Switzerland",
            "F-35 Lightning II",
        ),
        ("Romania chose the K9 howitzer from Hanwha Aerospace.", "Romania", "K9 Thunder"),
        ("Canada has opted for the P-8A Poseidon.", "Canada", "P-8 Poseidon"),
    ] {
        assert!(has(t, "ACQUIRES", buyer, weapon), "{t}: {:?}", rels(t));
    }
    // A person selected for a post buys nothing.
    let t = "General Smith was selected to command the 1st Armored Division.";
    assert!(none_with(t, "ACQUIRES"), "{:?}", rels(t));
}

#[test]
fn a_maker_in_a_deal_with_forces_sells_to_them_and_operates_nothing() {
    let t = "Boeing signed a contract with the US Air Force for 15 KC-46 tankers.";
    assert!(has(t, "ACQUIRES", "United States Air Force", "KC-46 Pegasus"), "{:?}", rels(t));
    assert!(has(t, "SUPPLIES", "Boeing", "KC-46 Pegasus"), "{:?}", rels(t));
    assert!(!has(t, "ACQUIRES", "Boeing", "KC-46 Pegasus"), "{:?}", rels(t));
    // A maker's possessive names its product, not its operator.
    let t = "Saab's Gripen fighter lost the competition.";
    assert!(has(t, "MANUFACTURES", "Saab", "JAS 39 Gripen"), "{:?}", rels(t));
    assert!(none_with(t, "OPERATES"), "{:?}", rels(t));
    // Forces' possessive still names the operator.
    let t = "The Royal Air Force's Typhoon jets scrambled.";
    assert!(has(t, "OPERATES", "Royal Air Force", "Eurofighter Typhoon"), "{:?}", rels(t));
}

#[test]
fn a_region_neither_buys_nor_sells() {
    let t = "The Pentagon will send more Patriot batteries to the Middle East.";
    assert!(!has(t, "ACQUIRES", "Middle East", "MIM-104 Patriot"), "{:?}", rels(t));
    // A capital, filed as a city, stands for its government.
    let t = "Warsaw has also ordered 96 AH-64E Apache helicopters.";
    assert!(has(t, "ACQUIRES", "Warsaw", "AH-64 Apache"), "{:?}", rels(t));
}

#[test]
fn a_person_described_between_commas_or_a_listener_with_a_title_is_spoken_to() {
    for (t, person, listener) in [
        (
            "Gen. Charles Flynn, commander of U.S. Army Pacific, told Reuters the drills would grow.",
            "Charles Flynn",
            "Reuters",
        ),
        (
            "Russian President Vladimir Putin spoke to Turkish President Recep Tayyip Erdogan on Friday.",
            "Vladimir Putin",
            "Recep Tayyip Erdogan",
        ),
        ("Rutte told Britain's BBC that allies must spend more.", "Mark Rutte", "BBC"),
    ] {
        assert!(has(t, "SPOKE_TO", person, listener), "{t}: {:?}", rels(t));
    }
}

#[test]
fn a_visit_paid_made_or_under_way_is_a_visit() {
    for (t, person, place) in [
        ("Stoltenberg paid a surprise visit to Kyiv on Thursday.", "Jens Stoltenberg", "Kyiv"),
        ("Narendra Modi made a two-day trip to Moscow in July.", "Narendra Modi", "Moscow"),
        (
            "Erdogan, on an official visit to Baghdad, signed a water deal.",
            "Recep Tayyip Erdogan",
            "Baghdad",
        ),
        ("Emmanuel Macron, who is visiting Hanoi, met the president.", "Emmanuel Macron", "Hanoi"),
        ("Xi Jinping's three-day state visit to Paris ended.", "Xi Jinping", "Paris"),
    ] {
        assert!(has(t, "VISITED", person, place), "{t}: {:?}", rels(t));
    }
    // Paying or making something else is no visit.
    for t in [
        "Keir Starmer paid tribute to soldiers who died in Basra.",
        "Olaf Scholz made a statement on Ukraine.",
    ] {
        assert!(none_with(t, "VISITED"), "{t}: {:?}", rels(t));
    }
}

#[test]
fn a_visitor_due_or_expected_somewhere_plans_a_visit() {
    for (t, person, place) in [
        ("Antony Blinken is due in Riyadh on Monday.", "Antony Blinken", "Riyadh"),
        ("Narendra Modi is expected in Canberra next week.", "Narendra Modi", "Canberra"),
    ] {
        assert!(has(t, "VISITED", person, place), "{t}: {:?}", rels(t));
        assert_eq!(modality(t, "VISITED"), Some(Modality::Planned), "{t}");
    }
}

#[test]
fn fighting_alongside_a_party_is_no_fight_with_it() {
    for t in [
        "North Korean troops are fighting alongside Russian forces in Kursk.",
        "Belarusian volunteers fought beside the Ukrainian Army near Bakhmut.",
        "Wagner fighters fought together with the Malian army.",
    ] {
        assert!(none_with(t, "FIGHTING_AGAINST"), "{t}: {:?}", rels(t));
    }
    let t = "Russian forces are fighting Ukrainian troops near Pokrovsk.";
    assert!(!none_with(t, "FIGHTING_AGAINST"), "{:?}", rels(t));
}

#[test]
fn a_body_led_headed_or_commanded_by_a_person_is_his_post() {
    for (t, person, body) in [
        ("Hezbollah, led by Hassan Nasrallah, fired rockets.", "Hassan Nasrallah", "Hezbollah"),
        (
            "The Defence Acquisition Council, chaired by Defence Minister Rajnath Singh, approved the deal.",
            "Rajnath Singh",
            "Defence Acquisition Council",
        ),
        (
            "The 47th Mechanized Brigade, commanded by Col. Oleksandr Sak, held the line.",
            "Oleksandr Sak",
            "47th Mechanized Brigade",
        ),
    ] {
        assert!(has(t, "HOLDS_POSITION", person, body), "{t}: {:?}", rels(t));
    }
    // A coalition led by a country names no post.
    let t = "The coalition, led by the United States, struck targets in Yemen.";
    assert!(none_with(t, "HOLDS_POSITION"), "{:?}", rels(t));
}
