//! Contextual entity rules of the default model, each family with cases
//! that must match and cases that must not. Sentences written for these
//! tests, not taken from the spec examples.

use recon::Extractor;

/// (text, label, source) of every entity.
fn ents(text: &str) -> Vec<(String, String, String)> {
    let doc = Extractor::new().extract(text);
    doc.entities()
        .iter()
        .map(|e| (e.text(&doc).to_owned(), e.label().to_owned(), e.source().to_string()))
        .collect()
}

fn has(text: &str, mention: &str, label: &str) -> bool {
    ents(text).iter().any(|(m, l, _)| m == mention && l == label)
}

fn labelled(text: &str, label: &str) -> Vec<String> {
    ents(text).into_iter().filter(|(_, l, _)| l == label).map(|(m, ..)| m).collect()
}

#[test]
fn people_after_titles_and_ranks() {
    for (text, name) in [
        ("Lt. Gen. Olena Maksymenko inspected the brigade.", "Olena Maksymenko"),
        ("Maj. Gen. Tomasz Wrobel said little.", "Tomasz Wrobel"),
        ("Adm. Harriet Okafor took command.", "Harriet Okafor"),
        ("Col. Dmitri Zhukovsky was captured.", "Dmitri Zhukovsky"),
        ("Air Chief Marshal Anil Kumar Bhadauria retired.", "Anil Kumar Bhadauria"),
        ("Brazilian Defense Minister Rafaela Monteiro arrived.", "Rafaela Monteiro"),
        ("Chief of the General Staff Piotr Nowakowski spoke.", "Piotr Nowakowski"),
        ("Hamas leader Khaled Barakat was in Doha.", "Khaled Barakat"),
        ("Gen. Samuel T. Whitfield Jr. testified.", "Samuel T. Whitfield Jr."),
    ] {
        assert!(has(text, name, "PERSON"), "{text}: {:?}", ents(text));
    }
}

#[test]
fn a_title_with_no_name_is_not_a_person() {
    assert!(
        labelled("The Defence Minister said the General Staff would decide.", "PERSON").is_empty()
    );
    assert!(labelled("Gen. said nothing.", "PERSON").is_empty());
}

#[test]
fn people_from_appositions_speech_and_bylines() {
    let t = "Hou Jianping, a Shanghai-based analyst, disagreed.";
    assert!(has(t, "Hou Jianping", "PERSON"), "{:?}", ents(t));
    let t = "\"We will respond,\" said Maria Kowalczyk on Friday.";
    assert!(has(t, "Maria Kowalczyk", "PERSON"), "{:?}", ents(t));
    let t = "Editor: Daniel Ferreira\nThe fleet sailed.";
    assert!(has(t, "Daniel Ferreira", "PERSON"), "{:?}", ents(t));
}

#[test]
fn people_by_name_shape_but_not_organisations() {
    assert!(has("Zhou Mingyu attended the parade.", "Zhou Mingyu", "PERSON"));
    assert!(has("Talks with Ahmed Karimi stalled.", "Ahmed Karimi", "PERSON"));
    for text in [
        "The Global Times ran an editorial.",
        "The Central Military Commission met.",
        "General Dynamics won the contract.",
    ] {
        assert!(labelled(text, "PERSON").is_empty(), "{text}: {:?}", ents(text));
    }
}

#[test]
fn arabic_names_by_kunya_and_glued_article() {
    for (text, name) in [
        ("Abu Hamza al-Muhajir took over the group in 2006.", "Abu Hamza al-Muhajir"),
        ("Police said Abu Yahya Al-Libi had fled.", "Abu Yahya Al-Libi"),
        ("Khalid Mahmoud al-Dulaimi was detained in Ramadi.", "Khalid Mahmoud al-Dulaimi"),
        ("The court sentenced Yusuf an-Nabhani in absentia.", "Yusuf an-Nabhani"),
    ] {
        assert!(has(text, name, "PERSON"), "{text}: {:?}", ents(text));
    }
    // A kunya alone names places as often as people; an article with a
    // space after it, or no given name before it, is not a name.
    for text in [
        "Convoys left Abu Kamal at dawn.",
        "Flights to Abu Dhabi resumed.",
        "Shelling hit Deir al-Zour and Ras al-Ain.",
        "The al-Nusra Front claimed the attack.",
    ] {
        assert!(labelled(text, "PERSON").is_empty(), "{text}: {:?}", ents(text));
    }
}

#[test]
fn units_by_pattern() {
    for (text, unit) in [
        ("The 3rd Separate Assault Brigade held the line.", "3rd Separate Assault Brigade"),
        ("Soldiers of the 25th Infantry Division arrived.", "25th Infantry Division"),
        ("the 2nd Guards Motor Rifle Division", "2nd Guards Motor Rifle Division"),
        ("Jets of 41 Squadron flew home.", "41 Squadron"),
        ("V Corps moved its headquarters.", "V Corps"),
        ("Combined Task Force 153 patrols the Red Sea.", "Combined Task Force 153"),
    ] {
        assert!(has(text, unit, "MILITARY_UNIT"), "{text}: {:?}", ents(text));
    }
    // A year before a unit noun is not a unit.
    assert!(labelled("the 2024 Army budget", "MILITARY_UNIT")
        .iter()
        .all(|m| !m.starts_with("2024")));
}

#[test]
fn weapons_by_designator_next_to_a_class_word() {
    for (text, w) in [
        ("They tested a new XK-77 missile.", "XK-77"),
        ("Two QN-11 launchers were seen.", "QN-11"),
        ("A Type 997 corvette surfaced.", "Type 997"),
        ("three Sejong-class destroyers", "Sejong-class"),
        ("a Miguel Malvar-class frigate", "Miguel Malvar-class"),
        ("delivered Tigris infantry fighting vehicles", "Tigris"),
        ("ordered Veles loitering munitions", "Veles"),
        ("two Admiral Levchenko-class frigates", "Admiral Levchenko-class"),
        ("the frigate HMS Iron Duke", "HMS Iron Duke"),
    ] {
        assert!(has(text, w, "WEAPON_SYSTEM"), "{text}: {:?}", ents(text));
    }
    // A nationality before a class is not part of its name.
    let w = labelled("two Turkish Ordu-class corvettes", "WEAPON_SYSTEM");
    assert_eq!(w, ["Ordu-class"]);
    // An ordinal is not a designator, nor is a calibre.
    assert!(labelled("the 3rd tank company", "WEAPON_SYSTEM").is_empty());
    assert!(labelled("more 155mm artillery shells", "WEAPON_SYSTEM").is_empty());
}

#[test]
fn dates_money_and_quantities() {
    for (text, d) in [
        ("It happened on Sunday.", "Sunday"),
        ("in November 2014", "November 2014"),
        ("on Sept. 27, 2024", "Sept. 27, 2024"),
        ("on 2015-11-17", "2015-11-17"),
        ("by the end of 2014", "the end of 2014"),
    ] {
        assert!(has(text, d, "DATE"), "{text}: {:?}", ents(text));
    }
    // "May" the month needs a date context; "may" the verb never is one.
    assert!(has("The drills began in May.", "May", "DATE"));
    assert!(labelled("Russia may deploy more troops.", "DATE").is_empty());
    assert!(labelled("May the talks succeed.", "DATE").is_empty());
    assert!(has("a $400 million deal", "$400 million", "MONEY"));
    assert!(has("worth 1.2 billion kronor", "1.2 billion kronor", "MONEY"));
    assert!(has("Egypt ordered 26 Rafale fighters.", "26", "QUANTITY"));
}

#[test]
fn a_number_before_to_and_or_is_no_count() {
    // A version number ("Tranche 4", "Batch 2") before a function word.
    let t = "Airbus delivered the first Eurofighter Typhoon Tranche 4 to the Luftwaffe.";
    assert!(labelled(t, "QUANTITY").is_empty(), "{:?}", ents(t));
    let t = "The navy took delivery of Batch 2 and the first frigate of Batch 3.";
    assert!(labelled(t, "QUANTITY").is_empty(), "{:?}", ents(t));
    // A count before the counted noun stays one.
    let t = "Ukraine lost 12 tanks and 30 soldiers near Pokrovsk.";
    assert_eq!(labelled(t, "QUANTITY"), ["12", "30"], "{:?}", ents(t));
}

#[test]
fn parts_of_a_year_or_month_are_dates() {
    for (text, d) in [
        ("The first battalion will be ready in early 2027, officials said.", "early 2027"),
        ("Deliveries slipped to mid-2026 because of engine shortages.", "mid-2026"),
        ("The frigate is due to be commissioned by late 2028.", "late 2028"),
        ("Fighting intensified in mid-October near the river.", "mid-October"),
        ("The contract was signed in late May 2023 in Warsaw.", "late May 2023"),
    ] {
        assert_eq!(labelled(text, "DATE"), [d], "{text}: {:?}", ents(text));
    }
    // "late" alone is no date.
    assert!(labelled("The late general was buried in Kyiv.", "DATE").is_empty());
}

#[test]
fn days_named_from_today_are_dates() {
    for (text, d) in [
        ("The minister said yesterday that talks would resume.", "yesterday"),
        ("Today, the ministry confirmed the strike.", "Today"),
        ("The talks resume tomorrow morning in Geneva.", "tomorrow morning"),
        ("Drones struck the port last night.", "last night"),
        ("Officials said this morning that two soldiers died.", "this morning"),
        ("The vote is expected tonight.", "tonight"),
    ] {
        assert_eq!(labelled(text, "DATE"), [d], "{text}: {:?}", ents(text));
    }
    // The parts of a day follow only the words that name a day.
    assert!(labelled("He arrived in the morning.", "DATE").is_empty());
    assert!(labelled("The last nightclub closed.", "DATE").is_empty());
}

#[test]
fn conflicts_keep_the_longest_and_expose_the_losers() {
    let ex = Extractor::new();
    // The gazetteer knows "Austin" (a city); the title rule reads the longer name.
    let doc = ex.extract("Defense Secretary Lloyd Austin visited troops.");
    assert!(doc.entities().iter().any(|e| e.text(&doc) == "Lloyd Austin" && e.label() == "PERSON"));
    // Same span from the gazetteer and a rule: the gazetteer wins, the rule's
    // candidate is kept among the rejected ones.
    let doc = ex.extract("Sukhoi delivered two Su-57 fighters.");
    let su57 = doc.entities().iter().find(|e| e.text(&doc) == "Su-57").expect("Su-57");
    assert_eq!(su57.source().to_string(), "gazetteer");
    assert!(doc.rejected().iter().any(|e| e.text(&doc) == "Su-57"), "{:?}", doc.rejected());
}

#[test]
fn hyphenated_names_stay_whole() {
    for (text, name) in [
        ("Brig. Gen. Marta Lopez-Herrera inspected the depot.", "Marta Lopez-Herrera"),
        ("Rear Admiral Tomas Berg-Halvorsen sailed on Monday.", "Tomas Berg-Halvorsen"),
        (
            "\"The line held,\" said Sophie Dubois-Marchand after the briefing.",
            "Sophie Dubois-Marchand",
        ),
        (
            "Ewa Zielonka-Brzeska, a spokeswoman for the agency, declined to comment.",
            "Ewa Zielonka-Brzeska",
        ),
        // "-led" is not part of the name; the name is not cut before it.
        ("Gen. Emil Varga-led units crossed the river.", "Emil Varga"),
    ] {
        assert!(has(text, name, "PERSON"), "{text}: {:?}", ents(text));
    }
    // A dash with spaces around it is not a hyphen.
    let t = "Col. Ivan Petrenko - a veteran of two wars - spoke.";
    assert_eq!(labelled(t, "PERSON"), ["Ivan Petrenko"], "{:?}", ents(t));
    // Hyphenated place words are still read by the gazetteer.
    let t = "A Kyiv-based analyst watched the Franco-German tank trials.";
    assert!(has(t, "Kyiv", "LOCATION"), "{:?}", ents(t));
    assert!(labelled(t, "PERSON").is_empty(), "{:?}", ents(t));
}

#[test]
fn titles_before_words_that_are_not_names() {
    // A company name after a rank word.
    for text in [
        "The turbines for the new frigates come from General Electric, the navy said.",
        "Its reactors were designed by General Atomics Energy in California.",
    ] {
        assert!(labelled(text, "PERSON").is_empty(), "{text}: {:?}", ents(text));
    }
    // A second title after the first is not a name.
    let t = "Chief of the Naval Staff Vice Admiral Kofi Mensah met the crew.";
    assert_eq!(labelled(t, "PERSON"), ["Kofi Mensah"], "{:?}", ents(t));
    let t = "Chief of the Air Staff Air Vice Marshal Ola Ndiaye flew in.";
    assert_eq!(labelled(t, "PERSON"), ["Ola Ndiaye"], "{:?}", ents(t));
    // A compound post: "Commanding" is no one's name.
    let t = "The General Officer Commanding-in-Chief of Southern Command visited Pune.";
    assert!(labelled(t, "PERSON").is_empty(), "{:?}", ents(t));
}

#[test]
fn people_named_after_a_role() {
    for (text, name) in [
        (
            "The shipyard's managing director, J. P. Okonkwo, told reporters it was on time.",
            "J. P. Okonkwo",
        ),
        ("Rheinmetall's chief executive, Armin Kessel, said orders had doubled.", "Armin Kessel"),
        ("Its spokeswoman, Hanne Solberg, added that tests would resume.", "Hanne Solberg"),
        ("The photographer Emre Aydin was detained at the border.", "Emre Aydin"),
        ("Turkish journalist Selin Kaya reported from the front.", "Selin Kaya"),
        ("Joanna Kurek, a Rheinmetall manager, said output would rise.", "Joanna Kurek"),
        ("Piotr Lasek, an economist at the central bank, disagreed.", "Piotr Lasek"),
    ] {
        assert!(has(text, name, "PERSON"), "{text}: {:?}", ents(text));
    }
    for text in [
        "The official Xinhua news agency said the drills were routine.",
        "It is a militant Shia group based in the south.",
        "The company's chairman, however, declined to comment.",
        "Its director, Reuters reported, resigned on Friday.",
    ] {
        assert!(labelled(text, "PERSON").is_empty(), "{text}: {:?}", ents(text));
    }
}

#[test]
fn money_in_codes_and_local_currencies() {
    for (text, m) in [
        ("a contract worth SEK 4.2 billion", "SEK 4.2 billion"),
        ("a budget of PLN 186.6 billion this year", "PLN 186.6 billion"),
        ("an order worth 2.3 billion DKK", "2.3 billion DKK"),
        ("Riyadh will spend SAR 7.5 billion", "SAR 7.5 billion"),
        ("the won budget of ₩12.5 trillion", "₩12.5 trillion"),
        ("Taipei set aside NT$480 billion for it", "NT$480 billion"),
        ("a plan costing ₹1.2 lakh crore over a decade", "₹1.2 lakh crore"),
        ("spending rose to 41 billion złotych", "41 billion złotych"),
        ("the deal was worth 90 billion forints", "90 billion forints"),
        ("a bill of Rs 4,500 crore", "Rs 4,500 crore"),
        ("a loan of A$2 billion", "A$2 billion"),
    ] {
        assert!(has(text, m, "MONEY"), "{text}: {:?}", ents(text));
    }
    // A code that is also an abbreviation needs a scale word.
    assert!(labelled("The SAR 12 helicopter landed.", "MONEY").is_empty());
    // "A" is an article, not Australia, when a space follows it.
    assert!(has("A $5 million grant", "$5 million", "MONEY"));
}

#[test]
fn units_with_a_bracketed_word() {
    for (text, unit) in [
        ("He took over the 1st (UK) Division in York.", "1st (UK) Division"),
        ("the 7th (Training) Brigade", "7th (Training) Brigade"),
    ] {
        assert!(has(text, unit, "MILITARY_UNIT"), "{text}: {:?}", ents(text));
    }
}

#[test]
fn a_company_named_after_what_it_is() {
    let t = "Estonian drone maker Marduk Technologies unveiled a new interceptor.";
    assert!(has(t, "Marduk Technologies", "ORGANIZATION"), "{:?}", ents(t));
    let t = "The missiles use motors from rocket manufacturer Roxel, officials said.";
    assert!(has(t, "Roxel", "ORGANIZATION"), "{:?}", ents(t));
    // The kind with only an article before it, or a title or a day
    // after it, names no company.
    for t in [
        "The company Orion said nothing.",
        "British defence firm Chairman Tom Hill resigned.",
        "Swedish arms maker Monday reported higher orders.",
    ] {
        assert_eq!(labelled(t, "ORGANIZATION"), Vec::<String>::new(), "{t}");
    }
}

#[test]
fn a_count_in_words_before_a_weapon_is_a_quantity() {
    // A named weapon, or a class written in capitals, which the count of
    // a lower-case noun does not reach.
    for (t, q) in [
        ("The battalion lost three Leopard 2 tanks in the assault.", "three"),
        ("Insurgents drove six VBIEDs toward the checkpoint.", "six"),
        ("The navy bought twelve UAVs last year.", "twelve"),
    ] {
        assert_eq!(labelled(t, "QUANTITY"), [q], "{t}: {:?}", ents(t));
    }
}

#[test]
fn a_range_of_days_is_one_date() {
    for (text, date) in [
        ("The drills will run from 4 to 15 April near the border.", "4 to 15 April"),
        ("Inspections took place between 2 and 9 November 2024.", "2 and 9 November 2024"),
        ("The summit is set for July 8 to 10, 2026, in Vilnius.", "July 8 to 10, 2026"),
        ("Talks are due 21–23 January in Geneva.", "21–23 January"),
    ] {
        assert_eq!(labelled(text, "DATE"), [date], "{text}");
    }
    // Counts, not days.
    let t = "Between 400 and 600 soldiers will arrive.";
    assert!(labelled(t, "DATE").is_empty(), "{:?}", ents(t));
    // A number past a month's days ends no range.
    let t = "Sorties rose from Nov. 2 to 840.";
    assert_eq!(labelled(t, "DATE"), ["Nov. 2"], "{:?}", ents(t));
}

#[test]
fn initials_after_a_title_are_a_name_even_when_they_spell_an_agency() {
    // "AP" is also the Associated Press; after a rank it is initials.
    for (text, name) in [
        ("Air Chief Marshal AP Singh reviewed the squadron.", "AP Singh"),
        ("Lt Gen AP Sharma took over the corps.", "AP Sharma"),
    ] {
        assert!(has(text, name, "PERSON"), "{text}: {:?}", ents(text));
    }
    // Alone, the agency stays an organisation.
    let t = "The strike was first reported by AP on Monday.";
    assert!(has(t, "AP", "ORGANIZATION"), "{:?}", ents(t));
}
