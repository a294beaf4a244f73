//! Reproducible inputs for benchmarks, shared by `benches/extract.rs`,
//! `benches/scale.rs` and `examples/gen_gazetteer.rs`:
//!
//! - [`generated`]: large gazetteers, people from the embedded name lists and
//!   designators from a letter-number pattern;
//! - [`corpus_articles`]: the committed articles of `benches/data/corpus/`;
//! - [`generated_news`]: news-like text of any size, composed from sentence
//!   templates filled from the embedded name lists and gazetteer files.
//!
//! Everything is deterministic: the same arguments give the same output on
//! every run and every platform.

// Each includer uses only some of these functions.
#![allow(dead_code)]

use recon::Entry;

const GIVEN: &str = include_str!("../../data/lexicons/given_names.txt");
const SURNAMES: &str = include_str!("../../data/lexicons/surnames.txt");
const TITLES: &str = include_str!("../../data/lexicons/titles.txt");
const MONTH_DAY: &str = include_str!("../../data/lexicons/month_day_words.txt");
const SPEECH_VERBS: &str = include_str!("../../data/lexicons/speech_verbs.txt");
const UNIT_NOUNS: &str = include_str!("../../data/lexicons/unit_nouns.txt");
const UNIT_MODIFIERS: &str = include_str!("../../data/lexicons/unit_modifiers.txt");
const WEAPON_CLASSES: &str = include_str!("../../data/lexicons/weapon_class_words.txt");
const COUNTRIES: &str = include_str!("../../data/gazetteer/countries.tsv");
const NATIONALITIES: &str = include_str!("../../data/gazetteer/nationalities.tsv");
const PLACES: &str = include_str!("../../data/gazetteer/places.tsv");
const MILITARY: &str = include_str!("../../data/gazetteer/military.tsv");
const ORGANIZATIONS: &str = include_str!("../../data/gazetteer/organizations.tsv");
const WEAPONS: &str = include_str!("../../data/gazetteer/weapons.tsv");

/// The committed benchmark corpus (`benches/data/corpus/*.txt`, written for
/// this project): one article per file. Add new files here too.
pub const CORPUS: [&str; 12] = [
    include_str!("../data/corpus/01-armour-deal-warsaw.txt"),
    include_str!("../data/corpus/02-manila-visit.txt"),
    include_str!("../data/corpus/03-command-appointments.txt"),
    include_str!("../data/corpus/04-baltic-exercise.txt"),
    include_str!("../data/corpus/05-drone-supply-analysis.txt"),
    include_str!("../data/corpus/06-press-release-nasams.txt"),
    include_str!("../data/corpus/07-sales-notifications-numbers.txt"),
    include_str!("../data/corpus/08-european-air-shield.txt"),
    include_str!("../data/corpus/09-gulf-drones-jets.txt"),
    include_str!("../data/corpus/10-taiwan-strait-naval.txt"),
    include_str!("../data/corpus/11-sahel-security.txt"),
    include_str!("../data/corpus/12-india-brazil-industry.txt"),
];

/// The committed articles, one document each.
pub fn corpus_articles() -> &'static [&'static str] {
    &CORPUS
}

/// The entries of a word list: no `#` comments or blank lines, and only the
/// first tab-separated field (lexicons such as `titles.txt` add a category).
pub fn words(list: &str) -> Vec<&str> {
    list.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').next().unwrap_or(l).trim())
        .collect()
}

/// `n` aliases: half people ("Given Surname"), half designators
/// ("QX-1234"), in entries of two aliases each. The same `n` gives the same
/// gazetteer on every run.
pub fn generated(n: usize) -> Vec<Entry> {
    let given = words(GIVEN);
    let surnames = words(SURNAMES);
    let mut out = Vec::with_capacity(n / 2);
    let letters = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    for i in 0..n / 2 {
        if i % 2 == 0 {
            let g = given[(i * 31) % given.len()];
            let s = surnames[(i * 7919 + i / given.len()) % surnames.len()];
            let name = format!("{g} {s}");
            out.push(Entry::new(name.clone(), "PERSON").alias(format!("{s}, {g}")));
        } else {
            let a = letters[i % letters.len()] as char;
            let b = letters[(i / letters.len()) % letters.len()] as char;
            let num = i / (letters.len() * letters.len()) + 100;
            let d = format!("{a}{b}-{num}");
            out.push(Entry::new(d.clone(), "WEAPON_SYSTEM").alias(format!("{a}{b}-{num} Mk 2")));
        }
    }
    out
}

/// SplitMix64: a tiny, fast, deterministic PRNG (not for cryptography).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

/// A gazetteer TSV: the header's column names and the rows' fields.
struct Tsv {
    header: Vec<&'static str>,
    rows: Vec<Vec<&'static str>>,
}

impl Tsv {
    fn parse(text: &'static str) -> Tsv {
        let mut lines = text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
        let header = lines.next().map(|h| h.split('\t').collect()).unwrap_or_default();
        let rows = lines.map(|l| l.split('\t').collect()).collect();
        Tsv { header, rows }
    }

    fn field(&self, row: &[&'static str], column: &str) -> &'static str {
        let i = self.header.iter().position(|h| *h == column);
        i.and_then(|i| row.get(i).copied()).unwrap_or("")
    }

    /// The canonical names of the rows whose `column` is one of `values`
    /// (all rows if `values` is empty).
    fn canonicals(&self, column: &str, values: &[&str]) -> Vec<&'static str> {
        self.rows
            .iter()
            .filter(|r| values.is_empty() || values.contains(&self.field(r, column)))
            .map(|r| self.field(r, "canonical"))
            .filter(|c| !c.is_empty())
            .collect()
    }
}

/// The word lists the templates are filled from.
struct Lists {
    given: Vec<&'static str>,
    surnames: Vec<&'static str>,
    ranks: Vec<&'static str>,
    posts: Vec<&'static str>,
    months: Vec<&'static str>,
    weekdays: Vec<&'static str>,
    speech: Vec<&'static str>,
    unit_nouns: Vec<&'static str>,
    unit_modifiers: Vec<&'static str>,
    weapon_classes: Vec<&'static str>,
    countries: Vec<&'static str>,
    nationalities: Vec<&'static str>,
    places: Vec<&'static str>,
    units: Vec<&'static str>,
    manufacturers: Vec<&'static str>,
    think_tanks: Vec<&'static str>,
    media: Vec<&'static str>,
    alliances: Vec<&'static str>,
    /// Canonical name and aliases of each weapon.
    weapons: Vec<Vec<&'static str>>,
}

fn categorised(list: &'static str, category: &str) -> Vec<&'static str> {
    list.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .filter(|(_, c)| c.trim() == category)
        .map(|(w, _)| w.trim())
        .collect()
}

impl Lists {
    fn load() -> Lists {
        let posts = categorised(TITLES, "post")
            .into_iter()
            .filter(|p| {
                ["Minister", "Secretary", "Chief", "Commander", "Director", "Spokes", "Adviser"]
                    .iter()
                    .any(|k| p.contains(k))
                    && !["Shadow", "Guerrilla", "Party"].iter().any(|k| p.contains(k))
            })
            .collect();
        let speech = words(SPEECH_VERBS)
            .into_iter()
            .filter(|v| !v.contains(' ') && (v.ends_with("ed") || *v == "said" || *v == "wrote"))
            .collect();
        let nationalities = Tsv::parse(NATIONALITIES);
        let nationalities = nationalities
            .rows
            .iter()
            .filter_map(|r| nationalities.field(r, "aliases").split('|').next())
            .filter(|a| !a.is_empty())
            .collect();
        let orgs = Tsv::parse(ORGANIZATIONS);
        let weapons = Tsv::parse(WEAPONS);
        let weapons = weapons
            .rows
            .iter()
            .map(|r| {
                let mut names = vec![weapons.field(r, "canonical")];
                names.extend(weapons.field(r, "aliases").split('|').filter(|a| !a.is_empty()));
                names
            })
            .collect();
        Lists {
            given: words(GIVEN),
            surnames: words(SURNAMES),
            ranks: categorised(TITLES, "rank")
                .into_iter()
                .filter(|r| {
                    ["General", "Admiral", "Colonel", "Brigadier", "Marshal", "Major", "Captain"]
                        .iter()
                        .any(|k| r.contains(k))
                })
                .collect(),
            posts,
            months: categorised(MONTH_DAY, "month").into_iter().filter(|m| m.len() > 4).collect(),
            weekdays: categorised(MONTH_DAY, "weekday")
                .into_iter()
                .filter(|d| d.ends_with("day"))
                .collect(),
            speech,
            unit_nouns: words(UNIT_NOUNS).into_iter().filter(|n| n.len() > 4).collect(),
            unit_modifiers: words(UNIT_MODIFIERS),
            weapon_classes: words(WEAPON_CLASSES)
                .into_iter()
                .filter(|w| !w.ends_with('s'))
                .collect(),
            countries: Tsv::parse(COUNTRIES).canonicals("meta.kind", &["country"]),
            nationalities,
            places: Tsv::parse(PLACES)
                .canonicals("meta.kind", &["capital", "city", "base", "region", "sea"]),
            units: Tsv::parse(MILITARY).canonicals("meta.kind", &[]),
            manufacturers: orgs.canonicals("meta.kind", &["manufacturer"]),
            think_tanks: orgs.canonicals("meta.kind", &["think tank"]),
            media: orgs.canonicals("meta.kind", &["media"]),
            alliances: orgs.canonicals("meta.kind", &["alliance"]),
            weapons,
        }
    }
}

/// Headline templates; see [`TEMPLATES`] for the placeholders.
const TITLE_TEMPLATES: &[&str] = &[
    "{C} to buy {W} from {C}",
    "{RANK} {P} named to lead {U}",
    "{NAT} {POST} visits {PL} for defence talks",
    "{U} deploys {W} to {PL}",
    "{M} wins {MONEY} contract for {W}",
    "Analysis: what {C}'s {W} purchase means for {PL}",
    "{C} and {C} sign defence pact in {PL}",
    "Exercise near {PL} tests {AL} reinforcements",
];

/// Sentence templates. Placeholders: `{P}` a new person (given name and
/// surname), `{S}` the surname of the last `{P}`, `{RANK}`, `{POST}`, `{C}`
/// a country, `{NAT}` a nationality adjective, `{W}` a weapon from the
/// gazetteer, `{D}` a generated designator, `{WC}` a weapon class word, `{M}`
/// a manufacturer, `{TT}` a think tank, `{MEDIA}`, `{AL}` an alliance, `{U}` a
/// military unit from the gazetteer, `{GU}` a generated unit ("45th Airborne
/// Brigade"), `{PL}` a place, `{DATE}`, `{DAY}`, `{MONTH}`, `{YEAR}`,
/// `{LATER}` a year after the last one, `{N}` a quantity, `{FEW}` a small one,
/// `{YRS}` a length of service, `{KM}`, `{MONEY}`,
/// `{PCT}`, `{HEDGE}` ("is expected to"), `{SAY}` a speech verb, `{CS}` and
/// `{WS}` coordinated lists of countries and weapons.
const TEMPLATES: &[&str] = &[
    "{NAT} {POST} {P} arrived in {PL} on {DAY} for talks with his counterpart, {P}.",
    "{C} signed a contract to buy {N} {W} from {C} in {MONTH}, officials {SAY}.",
    "{C} {HEDGE} buy {N} {W} from {M}, according to {MEDIA}.",
    "{RANK} {P} has been named commander of the {U}, the ministry {SAY} on {DATE}.",
    "{RANK} {P}, commander of the {GU}, {SAY} that the unit would deploy to {PL} in {MONTH} {YEAR}.",
    "{M} will build {N} {W} at its plant in {PL} for buyers including {CS}.",
    "The {U} has deployed {W} to {PL}, according to satellite images reviewed by analysts at {TT}.",
    "{P}, the {NAT} {POST}, met {P} in {PL} on {DATE}.",
    "{S} told {MEDIA} that the deal was worth {MONEY}.",
    "{C} denied reports that it had sold {W} to {C}.",
    "Soldiers of the {GU} took part in the exercise alongside troops from {CS}.",
    "According to {TT}, {C} {HEDGE} receive the first {W} by {YEAR}.",
    "{M} {SAY} on {DAY} that it had won a {MONEY} contract to supply the {D} {WC} to the {U}.",
    "The {D} {WC}, made by {M}, was shown for the first time at a parade in {PL}.",
    "{POST} {P} visited {PL} and inspected the {W} of the {U}.",
    "{C} and {C} held joint drills near {PL} involving {WS} and {FEW} warships, the {U} {SAY}.",
    "{S} {SAY} that {C} would spend {PCT} of its gross domestic product on defence in {YEAR}.",
    "A spokesman for {M} declined to comment on the report.",
    "The {NAT} army reportedly shot down {N} {W} over {PL}, a claim that could not be independently verified.",
    "{AL} {HEDGE} approve the request at a meeting in {PL} on {DATE}.",
    "{P}, a senior fellow at {TT}, {SAY} that the {W} was \"not a game changer\".",
    "The {NAT} Defence Ministry {SAY} that {N} {W} had been delivered to the {U} since {MONTH} {YEAR}.",
    "{C} has bought {W} from {C} and {W} from {C}.",
    "Under the {MONEY} agreement, {M} will move production of the {W} to {PL} by {YEAR}.",
    "{RANK} {P} succeeds {RANK} {P}, who retires after {YRS} years of service.",
    "{POST} {P} and {POST} {P} discussed the sale of {W} during a phone call on {DAY}.",
    "The {U}, based in {PL}, operates {WS}.",
    "{M}, which makes the {W}, reported revenues of {MONEY} for {YEAR}, up {PCT}.",
    "{C}'s {POST}, {P}, {HEDGE} visit {PL} next month.",
    "In {YEAR}, {C} ordered {N} {W} for {MONEY}, with deliveries due by {LATER}.",
    "Officials in {PL} {SAY} the {D} {WC} had been tested at a range near {PL} on {DATE}.",
    "{P} was appointed {POST} of {C} on {DATE}, replacing {P}.",
    "The {NAT} navy sent a {W} and two frigates to {PL}, about {KM} kilometres from the coast of {C}.",
    "{MEDIA} reported on {DAY} that {C} was in talks to buy {WS}.",
    "The package includes {N} {W}, spare parts and training, and could be worth up to {MONEY}, {P} {SAY}.",
    "\"We will not accept the deployment of {W} near {PL},\" {P} {SAY} on {DAY}.",
    "{C} is believed to have received {W} from {C}, although both governments have denied it.",
    "Troops from the {GU} arrived in {PL} on {DATE} to join the {U}.",
    "{M} and {M} have formed a joint venture to develop the {D}, a successor to the {W}.",
    "{TT} estimates that {C} has about {N} {W} in service, but {HEDGE} retire them by {LATER}.",
    "{P} of {MEDIA} contributed reporting from {PL}.",
    "{POST} {P} of {C} and {POST} {P} signed the agreement in {PL} on {DATE}.",
];

const HEDGES: &[&str] = &[
    "is expected to",
    "is reportedly set to",
    "is said to be preparing to",
    "may",
    "could",
    "plans to",
    "is believed to be about to",
    "has reportedly agreed to",
    "is unlikely to",
];

/// What later sentences of an article refer back to.
struct State {
    /// The surname of the last person named, for `{S}`.
    surname: &'static str,
    /// The last year written, for `{LATER}`.
    year: u64,
}

/// Appends template `t` with its placeholders filled.
fn fill(t: &str, l: &Lists, rng: &mut Rng, st: &mut State, out: &mut String) {
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = open + rest[open..].find('}').expect("template placeholders are closed");
        let key = &rest[open + 1..close];
        rest = &rest[close + 1..];
        match key {
            "P" => {
                st.surname = rng.pick(&l.surnames);
                out.push_str(rng.pick(&l.given));
                out.push(' ');
                out.push_str(st.surname);
            }
            "S" => out.push_str(st.surname),
            "RANK" => out.push_str(rng.pick(&l.ranks)),
            "POST" => out.push_str(rng.pick(&l.posts)),
            "C" => out.push_str(rng.pick(&l.countries)),
            "NAT" => out.push_str(rng.pick(&l.nationalities)),
            "W" => push_weapon(l, rng, out),
            "D" => {
                let letters = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
                out.push(rng.pick(letters) as char);
                out.push(rng.pick(letters) as char);
                out.push('-');
                out.push_str(&rng.range(1, 400).to_string());
                if rng.chance(25) {
                    out.push(rng.pick(b"ABDEMS") as char);
                }
            }
            "WC" => out.push_str(rng.pick(&l.weapon_classes)),
            "M" => out.push_str(rng.pick(&l.manufacturers)),
            "TT" => out.push_str(rng.pick(&l.think_tanks)),
            "MEDIA" => out.push_str(rng.pick(&l.media)),
            "AL" => out.push_str(rng.pick(&l.alliances)),
            "U" => out.push_str(rng.pick(&l.units)),
            "GU" => {
                let n = rng.range(1, 250);
                let suffix = match (n % 10, n % 100) {
                    (_, 11..=13) => "th",
                    (1, _) => "st",
                    (2, _) => "nd",
                    (3, _) => "rd",
                    _ => "th",
                };
                out.push_str(&format!("{n}{suffix} "));
                if rng.chance(70) {
                    out.push_str(rng.pick(&l.unit_modifiers));
                    out.push(' ');
                }
                out.push_str(rng.pick(&l.unit_nouns));
            }
            "PL" => out.push_str(rng.pick(&l.places)),
            "DATE" => {
                let day = rng.range(1, 28);
                let month = rng.pick(&l.months);
                st.year = rng.range(2015, 2030);
                let year = st.year;
                match rng.below(4) {
                    0 => out.push_str(&format!("{day} {month} {year}")),
                    1 => out.push_str(&format!("{month} {day}, {year}")),
                    2 => out.push_str(&format!("{month} {day}")),
                    _ => out.push_str(rng.pick(&l.weekdays)),
                }
            }
            "DAY" => out.push_str(rng.pick(&l.weekdays)),
            "MONTH" => out.push_str(rng.pick(&l.months)),
            "YEAR" => {
                st.year = rng.range(2015, 2030);
                out.push_str(&st.year.to_string());
            }
            "LATER" => out.push_str(&(st.year + rng.range(1, 8)).to_string()),
            "N" => {
                let n = match rng.below(3) {
                    0 => rng.range(2, 12),
                    1 => rng.range(12, 120),
                    _ => rng.range(100, 2000),
                };
                if n >= 1000 {
                    out.push_str(&format!("{},{:03}", n / 1000, n % 1000));
                } else {
                    out.push_str(&n.to_string());
                }
            }
            "FEW" => out.push_str(&rng.range(2, 12).to_string()),
            "YRS" => out.push_str(&rng.range(18, 42).to_string()),
            "KM" => out.push_str(&(rng.range(2, 80) * 5).to_string()),
            "MONEY" => {
                out.push_str(rng.pick(&["$", "$", "€", "£", "US$"]));
                let billions = rng.chance(40);
                out.push_str(&rng.range(1, if billions { 40 } else { 999 }).to_string());
                if rng.chance(40) {
                    out.push('.');
                    out.push_str(&rng.range(1, 9).to_string());
                }
                out.push_str(if billions { " billion" } else { " million" });
            }
            "PCT" => out.push_str(&format!("{}.{} percent", rng.range(1, 6), rng.range(0, 9))),
            "HEDGE" => out.push_str(rng.pick(HEDGES)),
            "SAY" => out.push_str(if rng.chance(50) { "said" } else { rng.pick(&l.speech) }),
            "CS" => {
                let n = rng.range(2, 4);
                push_list(n, out, |out| out.push_str(rng.pick(&l.countries)));
            }
            "WS" => {
                let n = rng.range(2, 3);
                push_list(n, out, |out| push_weapon(l, rng, out));
            }
            other => panic!("unknown template placeholder {{{other}}}"),
        }
    }
    out.push_str(rest);
}

/// A weapon: its canonical name or, half of the time, one of its aliases.
fn push_weapon(l: &Lists, rng: &mut Rng, out: &mut String) {
    let names = &l.weapons[rng.below(l.weapons.len())];
    out.push_str(if rng.chance(50) { names[0] } else { rng.pick(names) });
}

/// `n` items as "a, b and c".
fn push_list(n: u64, out: &mut String, mut item: impl FnMut(&mut String)) {
    for i in 0..n {
        if i + 1 == n && n > 1 {
            out.push_str(" and ");
        } else if i > 0 {
            out.push_str(", ");
        }
        item(out);
    }
}

/// News-like text of at least `bytes` bytes (it ends at the first paragraph
/// end past `bytes`): articles of a title line and three to eight
/// paragraphs of two to five sentences, all separated by blank lines. The
/// sentences come from about forty templates (arms deals, visits, meetings,
/// appointments, deployments, hedged claims, quotes, dates, quantities,
/// money, coordinated lists) filled from the embedded name lists, lexicons
/// and gazetteer files. The same `bytes` and `seed` give the same text.
pub fn generated_news(bytes: usize, seed: u64) -> String {
    let lists = Lists::load();
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(bytes + 4096);
    while out.len() < bytes {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        // Every article starts with someone in mind, so that `{S}` is never empty.
        let mut st = State { surname: rng.pick(&lists.surnames), year: 2026 };
        fill(rng.pick(TITLE_TEMPLATES), &lists, &mut rng, &mut st, &mut out);
        let paragraphs = rng.range(3, 8);
        for p in 0..paragraphs {
            out.push_str("\n\n");
            if p == 0 && rng.chance(50) {
                // A dateline: "VILNIUS — ".
                out.push_str(&rng.pick(&lists.places).to_uppercase());
                out.push_str(" — ");
            }
            let sentences = rng.range(2, 5);
            for s in 0..sentences {
                if s > 0 {
                    out.push(' ');
                }
                fill(rng.pick(TEMPLATES), &lists, &mut rng, &mut st, &mut out);
            }
            if out.len() >= bytes {
                break;
            }
        }
    }
    out.push('\n');
    out
}
