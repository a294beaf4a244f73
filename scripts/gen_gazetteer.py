#!/usr/bin/env python3
"""Generate recon's embedded default gazetteer (data/gazetteer/*.tsv).

Inputs:
  * scripts/curated/*.txt          - lists typed in from public knowledge (this repo)
  * ../shared/data/factbook         - CIA World Factbook extracts (public domain)
  * ../shared/data/country-codes    - datasets/country-codes (PDDL 1.0)
  * ../shared/data/oryx             - Russian equipment models (MIT, Petro Ivaniuk)
Only the generated TSV files are embedded; the crate builds without ../shared.

Usage: python3 scripts/gen_gazetteer.py [--shared PATH] [--out PATH]
Stdlib only (Python 3.11).
"""
import argparse
import csv
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from gaz_common import Entry, norm_alias, parse_curated, slug, write_tsv  # noqa: E402
import gaz_countries  # noqa: E402

CUR = os.path.join(HERE, "curated")
LOG = []

# Entries whose aliases must match case-sensitively (they are also ordinary English phrases).
CASE_SENSITIVE = {
    "The Hill", "The Times", "The Guardian", "The Telegraph", "The Economist", "Defense News", "Breaking Defense",
    "Defense One", "The War Zone", "Military Times", "Naval News", "Army Technology", "Army Recognition",
    "Defence Blog", "Forces News", "SpaceNews", "Arab News", "USA Today", "Fire Point", "Security Council",
    "Congress", "Quad", "Time", "Sea Hunter", "Sky Bow",
    # split out of case-sensitive entries in the 2026 alias audit (also ordinary phrases)
    "The Observer", "The Sunday Times", "Army Times", "Navy Times", "Air Force Times", "Marine Corps Times",
    "Naval Technology", "Airforce Technology",
    # an alias that is also a description ("its first indigenous aircraft carrier")
    "INS Vikrant",
}


def log(msg):
    LOG.append(msg)


class Registry:
    """Global id and alias registry: first claimant of an alias keeps it."""

    def __init__(self):
        self.ids = set()
        self.alias_owner = {}

    def new_id(self, prefix, name, suffix_hint=""):
        base = prefix + ":" + slug(name)
        i = base
        if i in self.ids and suffix_hint:
            i = base + "-" + slug(suffix_hint)
        n = 2
        while i in self.ids:
            i = "%s-%d" % (base, n)
            n += 1
        self.ids.add(i)
        return i

    def claim_id(self, i):
        if i in self.ids:
            raise SystemExit("duplicate id " + i)
        self.ids.add(i)

    def admit(self, e):
        """Drop aliases already owned by another entry; returns False if the canonical itself collides.

        NATIONALITY entries use the country name as canonical by design (see DATA.md); only their
        demonym aliases take part in the uniqueness check."""
        keep = []
        k = norm_alias(e.canonical)
        owner = self.alias_owner.get(k)
        if e.label == "NATIONALITY":
            owner = None
        if owner is not None and owner is not e:
            log("CANONICAL-CONFLICT %r (%s) already alias of %r (%s)" % (e.canonical, e.id, owner.canonical, owner.id))
            return False
        for a in e.aliases:
            ka = norm_alias(a)
            o = self.alias_owner.get(ka)
            if o is not None and o is not e:
                log("dropped alias %r from %s (%s); kept in %s (%s)" % (a, e.canonical, e.id, o.canonical, o.id))
                continue
            keep.append(a)
        e.aliases = keep
        for a in (e.aliases if e.label == "NATIONALITY" else e.all_names()):
            self.alias_owner.setdefault(norm_alias(a), e)
        return True


def curated_entries(fname, label, prefix, positional, reg, source="curated"):
    out = []
    for canonical, aliases, meta, where in parse_curated(os.path.join(CUR, fname), positional):
        meta = {k: v for k, v in meta.items() if v}
        meta["source"] = source
        e = Entry(canonical, label, aliases, meta=meta)
        if canonical in CASE_SENSITIVE:
            e.case = "sensitive"
        e.id = reg.new_id(prefix, canonical, meta.get("country", ""))
        if reg.admit(e):
            out.append(e)
        else:
            reg.ids.discard(e.id)
            log("  (entry skipped at %s)" % where)
    return out


# ---------------------------------------------------------------- places: capitals
CAPITAL_DROP = {"Victoria", "Hamilton", "Douglas", "Jamestown", "The Valley", "West Island", "Stanley", "Cayenne",
                "Kingston", "Plymouth", "East Jerusalem", "Ciudad de la Paz", "Flying Fish Cove", "Port-aux-Francais",
                "Grytviken", "Longyearbyen", "Nur-Sultan", "Washington", "Road Town", "The Settlement", "George Town",
                "Basse-Terre"}
CAPITAL_FIX = {"Male": ("Malé", ["Male'"]), "San Jose": ("San José", []), "Nay Pyi Taw": ("Naypyidaw", ["Nay Pyi Taw", "Naypyitaw"]),
               "Bogota": ("Bogotá", ["Bogota"]), "Brasilia": ("Brasília", ["Brasilia"]), "Asuncion": ("Asunción", ["Asuncion"]),
               "Yaounde": ("Yaoundé", ["Yaounde"]), "Lome": ("Lomé", ["Lome"]), "Reykjavik": ("Reykjavík", ["Reykjavik"]),
               "Torshavn": ("Tórshavn", ["Torshavn"]), "El-Aaiun": ("Laayoune", ["El Aaiún", "El-Aaiun"]),
               "Hagatna": ("Hagåtña", ["Hagatna", "Agana"]), "Kyiv": None, "Tehran": None}
CAPITAL_EXTRA = [("KZ", "Astana", ["Nur-Sultan"]), ("GQ", "Malabo", []), ("CI", "Abidjan", []), ("BJ", "Cotonou", []),
                 ("TZ", "Dar es Salaam", []), ("ZA", "Cape Town", []), ("LK", "Sri Jayawardenepura Kotte", ["Kotte"]),
                 ("BO", "La Paz", []), ("BI", "Bujumbura", []), ("SZ", "Lobamba", []), ("MM", "Yangon", ["Rangoon"])]


def capitals(caps, countries_by_iso, reg, curated_names):
    out = []
    for iso2, country, cap, fbcap in caps:
        if not cap:
            continue
        cap = cap.strip()
        if cap in CAPITAL_DROP:
            continue
        aliases = []
        if cap in CAPITAL_FIX:
            fix = CAPITAL_FIX[cap]
            if fix is None:
                pass
            else:
                cap, aliases = fix[0], list(fix[1])
        ce = countries_by_iso.get(iso2)
        if ce and norm_alias(cap) in {norm_alias(n) for n in ce.all_names()}:
            continue
        if norm_alias(cap) in curated_names:
            continue
        # Factbook variants given in parentheses, e.g. "Tirana (Tirane)"
        m = re.match(r"^([^(;]+?)\s*\(([^)]+)\)", fbcap or "")
        if m and norm_alias(m.group(1)) == norm_alias(cap):
            for v in re.split(r",\s*", m.group(2)):
                v = v.strip()
                if v and v[0].isupper() and " " not in v.strip() and "capital" not in v and "aka" not in v:
                    aliases.append(v)
        e = Entry(cap, "LOCATION", aliases, meta={"kind": "capital", "country": country, "source": "country-codes+factbook"})
        e.id = reg.new_id("place", cap, iso2)
        if reg.admit(e):
            out.append(e)
    for iso2, cap, al in CAPITAL_EXTRA:
        if norm_alias(cap) in curated_names:
            continue
        e = Entry(cap, "LOCATION", al, meta={"kind": "capital", "country": countries_by_iso[iso2].canonical, "source": "curated"})
        e.id = reg.new_id("place", cap, iso2)
        if reg.admit(e):
            out.append(e)
    return out


# ---------------------------------------------------------------- factbook military orgs
BRANCH_KEYWORDS = re.compile(r"\b(Army|Navy|Naval|Air|Force|Forces|Guard|Guards|Marine|Marines|Gendarmerie|Corps|Command|"
                             r"Militia|Regiment|Defen[cs]e|Coast|Special|Brigade|Fleet|Military|Maritime|Wing)\b")
BRANCH_SKIP = re.compile(r"\b(Police|Ministry|Directorate|Agency|Intelligence|Fire|Health|Customs|Immigration|Prison|"
                         r"Investigation|Firefighting|Engineering|Logistics|Security Service|Civil Protection|Brigade Nationale|"
                         r"Sapeurs|Volunteers|Reserve|Drug|Border Police|Service|Services|Department|Bureau|Office)\b", re.I)


def _demonym_prefix(country, nat_entry):
    if nat_entry and nat_entry.aliases:
        adj = nat_entry.aliases[0]
        if adj[:1].lower() == country[:1].lower() and " " not in adj and "-" not in adj:
            return adj
    return country


def factbook_military(shared, reg, countries_by_name, nats_by_country):
    path = os.path.join(shared, "factbook", "factbook_military_orgs_heuristic.tsv")
    fb_to_canon = {}
    for r in csv.DictReader(open(os.path.join(shared, "country-codes", "country-codes.csv"), encoding="utf-8")):
        if r["FIPS"].strip():
            fb_to_canon[r["FIPS"].strip().lower()] = r["ISO3166-1-Alpha-2"].strip()
    rows = list(csv.DictReader(open(path, encoding="utf-8"), delimiter="\t"))
    iso_to_entry = {e.id.split(":")[1]: e for e in countries_by_name.values()}
    curated_per_country = {}
    for e in set(reg.alias_owner.values()):
        if e.label == "MILITARY_UNIT":
            c = e.meta.get("country", "")
            curated_per_country[c] = curated_per_country.get(c, 0) + 1
    cands = []
    acr_count = {}
    for r in rows:
        raw = r["name_with_parenthetical"].strip()
        gec = r["gec"].strip().lower()
        iso2 = fb_to_canon.get(gec, "XK" if gec == "kv" else None)
        ce = iso_to_entry.get(iso2) if iso2 else None
        if not ce or ce.meta.get("kind") != "country":
            continue
        if raw[:1].islower() and not raw.startswith("the "):
            continue
        if ":" in raw or ";" in raw.split("(")[0]:
            continue
        name = re.sub(r"^the\s+", "", raw.split("(")[0]).strip().rstrip(",)").strip()
        if name.split()[-1] in ("Air", "Maritime", "elements", "Marine", "Republican"):
            continue
        paren = raw[len(raw.split("(")[0]):]
        if not name or not BRANCH_KEYWORDS.search(name) or BRANCH_SKIP.search(name):
            continue
        if len(name.split()) > 9 or name.lower().startswith(("no ", "other", "organized")):
            continue
        country = ce.canonical
        if curated_per_country.get(country, 0) >= 3:
            continue   # well covered by the curated list; Factbook wording would only add near-duplicates
        nat = nats_by_country.get(country)
        specific_words = {country.lower()} | {n.lower() for n in ce.all_names()}
        if nat:
            specific_words |= {n.lower() for n in nat.aliases}
        low = name.lower()
        all_dems = {a for n in nats_by_country.values() for a in n.aliases}
        is_specific = name.split()[0] in all_dems or any(re.search(r"\b" + re.escape(w) + r"\b", low) for w in specific_words) or \
            low.startswith(("royal ", "his majesty", "people's", "national army for", "armed forces of", "republic of"))
        if len(name.split()) == 1 and not is_specific:
            pass
        aliases = []
        if not is_specific:
            prefix = _demonym_prefix(country, nat)
            canonical = "%s %s" % (prefix, name)
        else:
            canonical = name
        # parenthetical: acronyms and alternative names
        inner = " ".join(re.findall(r"\(([^()]*)\)", paren))
        for item in re.split(r"[;,]", inner):
            item = re.sub(r"^\s*(aka|or|also|known as)\s+", "", item.strip())
            item = re.sub(r"\s+or\s+", " ", item)
            if not item or "includes" in item or item.lower().startswith(("a ", "an ", "the ", "national ")) and len(item.split()) < 2:
                continue
            if re.fullmatch(r"[A-Z][A-Za-z]{1,7}", item) and sum(c.isupper() for c in item) >= 2 and len(item) >= 3:
                aliases.append(item)
                acr_count[item] = acr_count.get(item, 0) + 1
            elif len(item.split()) >= 2 and item[0].isupper() and not re.search(r"\b(includes|formerly|under|and the)\b", item):
                aliases.append(item)
        for a in list(aliases) + [canonical]:
            if "Defense" in a:
                aliases.append(a.replace("Defense", "Defence"))
            elif "Defence" in a:
                aliases.append(a.replace("Defence", "Defense"))
        cands.append((canonical, aliases, country, r["level"]))
    out = []
    seen = set()
    generic = {"land", "forces", "force", "army", "navy", "air", "national", "ground", "naval", "republican", "guard",
               "marine", "special", "defense", "defence", "armed", "people's", "coast", "of", "the", "royal", "units",
               "military", "police", "border", "regiments", "army/land", "ministry", "gendarmerie",
               "interior", "security", "service", "services", "staff", "general", "command"}
    acr_stop = {"AND", "SDF", "SAN", "EDF", "FAB", "ANT", "AAS", "THE", "FOR", "ARM", "ADF", "CAF", "SAF", "FAR", "FAN"}
    for canonical, aliases, country, level in cands:
        aliases = [a for a in aliases if not (a in acr_count and acr_count[a] > 1) and a not in acr_stop
                   and not all(w.lower() in generic for w in a.split()) and len(a.split()) <= 8]
        for a in list(aliases) + [canonical]:
            if "\u2019" in a:
                aliases.append(a.replace("\u2019", "'"))
        key = norm_alias(canonical)
        if key in seen:
            continue
        seen.add(key)
        bare = canonical.split(" ", 1)[1] if canonical.startswith(country + " ") or " " in canonical and canonical.split(" ", 1)[0] != canonical else canonical
        for variant in (canonical, canonical.replace("Defense", "Defence"), canonical.replace("Defence", "Defense"), bare):
            o = reg.alias_owner.get(norm_alias(variant))
            if variant is bare and (o is None or o.meta.get("country") != country):
                continue
            if norm_alias(variant) in reg.alias_owner:
                key = norm_alias(variant)
                break
        if key in reg.alias_owner:
            # already covered by a curated entry: add the Factbook aliases there if free
            owner = reg.alias_owner[key]
            if owner.label == "MILITARY_UNIT":
                for a in aliases:
                    if norm_alias(a) not in reg.alias_owner:
                        owner.add_alias(a)
                        reg.alias_owner[norm_alias(a)] = owner
            continue
        e = Entry(canonical, "MILITARY_UNIT", aliases, meta={"kind": "service" if level == "branch_or_unit" else "armed_forces",
                                                             "country": country, "source": "factbook"})
        e.id = reg.new_id("mil", canonical, country)
        if reg.admit(e):
            out.append(e)
        else:
            reg.ids.discard(e.id)
    return out


# ---------------------------------------------------------------- ministries of defence (generated)
def ministries(countries, nats_by_country, reg, existing):
    out = []
    have = {e.meta.get("country") for e in existing if e.meta.get("kind") == "ministry"}
    for ce in countries:
        if ce.meta.get("kind") != "country":
            continue
        country = ce.canonical
        nat = nats_by_country.get(country)
        adjs = [a for a in (nat.aliases if nat else []) if a[:1].isupper() and not a.endswith("s") or a in ("Swiss", "Congolese")]
        adjs = [a for a in adjs if not re.search(r"(man|woman|men)$", a)][:2]
        names = []
        for adj in adjs:
            names += ["%s Defence Ministry" % adj, "%s Defense Ministry" % adj,
                      "%s Ministry of Defence" % adj, "%s Ministry of Defense" % adj]
        names += ["Ministry of Defence of %s" % country, "Ministry of Defense of %s" % country,
                  "%s Ministry of Defence" % country, "%s Ministry of Defense" % country,
                  "%s's Defence Ministry" % country, "%s's Defense Ministry" % country,
                  "%s's Ministry of Defence" % country, "%s's Ministry of Defense" % country]
        if country in have:
            owner = next(e for e in existing if e.meta.get("kind") == "ministry" and e.meta.get("country") == country)
            for n in names:
                if norm_alias(n) not in reg.alias_owner:
                    owner.add_alias(n)
                    reg.alias_owner[norm_alias(n)] = owner
            continue
        e = Entry("Ministry of Defence (%s)" % country, "ORGANIZATION", names,
                  meta={"kind": "ministry", "country": country, "source": "generated"})
        e.id = reg.new_id("org", "ministry-of-defence-" + ce.id.split(":")[1].lower())
        if reg.admit(e):
            out.append(e)
    return out


# ---------------------------------------------------------------- oryx
ORYX_CLASS = {
    "Tanks": "tank", "Armoured Fighting Vehicles": "armoured fighting vehicle", "Infantry Fighting Vehicles": "ifv",
    "Armoured Personnel Carriers": "apc", "Mine-Resistant Ambush Protected": "mrap",
    "Infantry Mobility Vehicles": "infantry mobility vehicle", "Command Posts And Communications Stations": "command vehicle",
    "Engineering Vehicles And Equipment": "engineering vehicle", "Self-Propelled Anti-Tank Missile Systems": "anti-tank missile",
    "Artillery Support Vehicles And Equipment": "artillery support vehicle", "Towed Artillery": "artillery",
    "Self-Propelled Artillery": "artillery", "Multiple Rocket Launchers": "mlrs", "Anti-Aircraft Guns": "anti-aircraft gun",
    "Self-Propelled Anti-Aircraft Guns": "anti-aircraft gun", "Surface-To-Air Missile Systems": "air-defence system",
    "Radars": "radar", "Jammers And Deception Systems": "electronic warfare", "Aircraft": "aircraft",
    "Helicopters": "helicopter", "Unmanned Combat Aerial Vehicles": "drone", "Reconnaissance Unmanned Aerial Vehicles": "drone",
    "Naval Ships": "ship", "Trucks, Vehicles and Jeeps": "truck",
}
ORYX_SKIP = re.compile(r"Unknown|\bwith\b|-based|Civilian|converted|generator|bridge|boat|crane|excavator|tanker|Avtozak|"
                       r"Pontoon|workshop|maintenance|engine starting|decontamination|Mobile|Command vehicle for|antenna|"
                       r"KamAZ \d|KamAZ with|Ural Federal|\bvan\b|jeep|pickup", re.I)


def _clean_oryx(model):
    m = re.sub(r"^\d+mm\s+", "", model.strip())
    m = m.replace("''", "'").replace("\u2018", "'").replace("\u2019", "'")
    m = re.sub(r"\((\w{1,3})\)", r"\1", m)           # BMP-2(K) -> BMP-2K
    forx = re.search(r"\(for ([^)]+)\)", m)
    target = forx.group(1).strip() if forx else None
    m = re.sub(r"\([^)]*\)", "", m)
    m = m.replace("'", "")
    toks = []
    for t in m.split():
        if t[:1].islower() and t not in ("Obr.",):
            break
        if t.upper() in ("TEL", "TELAR", "TLAR", "EW", "SAM", "UAV", "UCAV", "SATCOM"):
            break
        toks.append(t)
    name = " ".join(toks).strip(" ,")
    return name, target


def oryx_weapons(shared, reg, weapons):
    data = json.load(open(os.path.join(shared, "oryx", "russia_losses_equipment_oryx.json"), encoding="utf-8"))
    out = []
    for row in data:
        model = row["model"]
        if ORYX_SKIP.search(model):
            continue
        name, target = _clean_oryx(model)
        name = re.sub(r"(\d)[a-z]{4,}$", r"\1", name)
        if not name or not re.search(r"\d", name) and len(name) < 5:
            continue
        country = re.sub(r"^the\s+", "", row["manufacturer"]).strip()
        cls = ORYX_CLASS.get(row["equipment_oryx"], "")
        owner = None
        probes = []
        if target:
            probes.append(target.split("/")[0])
        first = name.split()[0]
        probes += [name] + ([first, first.split("/")[0]] if re.search(r"\d", first) else [])
        base = re.match(r"^([A-Za-z]+-\d+|\d[A-Z]\d+)", name.split()[0])
        if base:
            probes.append(base.group(1))
        for p in probes:
            o = reg.alias_owner.get(norm_alias(p))
            if o is not None and o.label == "WEAPON_SYSTEM":
                owner = o
                break
        if owner is not None:
            for a in (name, first) if re.search(r"\d", first) else (name,):
                k = norm_alias(a)
                if k not in reg.alias_owner and len(a) >= 3:
                    owner.add_alias(a)
                    reg.alias_owner[k] = owner
            if "oryx" not in owner.meta.get("source", ""):
                owner.meta["source"] = owner.meta.get("source", "curated") + "+oryx"
            continue
        if len(name) < 3 or (" " not in name and not re.search(r"\d", name)):
            # bare names without a designator (e.g. "Orion", "Korsar") are too ambiguous to add on their own
            o = reg.alias_owner.get(norm_alias(name + " drone"))
            if o is not None and o.label == "WEAPON_SYSTEM":
                o.meta["source"] = o.meta.get("source", "curated") + "+oryx"
            continue
        e = Entry(name, "WEAPON_SYSTEM", meta={"class": cls, "country": country, "source": "oryx"})
        e.id = reg.new_id("wpn", name)
        if reg.admit(e):
            out.append(e)
        else:
            reg.ids.discard(e.id)
    return out



# ---------------------------------------------------------------- people: curated + Factbook leaders
FB_TITLE_WORDS = {
    "President", "Prime", "Minister", "King", "Queen", "Chancellor", "Amir", "Emir", "Sultan", "Supreme", "Leader",
    "Crown", "Prince", "Princess", "Grand", "Duke", "Pope", "Emperor", "General", "Gen.", "Col.", "Capt.", "Dr.", "Sr.",
    "Transition", "Transitional", "Interim", "Acting", "Caretaker", "Vice", "Chairman", "Chairperson", "Chair", "Premier",
    "Chief", "Executive", "Governor", "Council", "Sovereign", "Armed", "Forces", "Sudanese", "Foreign", "Co-Vice",
    "Taliban", "Sheikh", "Sir", "Dame", "Lord", "Ratu", "Taoiseach", "Presidential", "Leadership", "State", "Affairs",
    "Commission", "Assembly", "People's", "GNU", "CNSP", "Co-prince", "Cabinet", "Ministers", "Commander-in-Chief",
    "Secretary", "Regent", "Captains", "Mayor", "Administrator", "Commissioner", "Of", "and", "of", "the", "Government",
    "Swiss", "Confederation", "Spain", "Presidency", "Bailiff", "Air", "Vice-Marshal", "China", "French", "Polynesia",
}
FB_PARTICLES = {"de", "da", "do", "dos", "das", "e", "bin", "al", "el", "ibn", "ibni", "y", "van", "von", "der", "la", "le"}
FB_LOWER_IN_CAPS = {"DE", "DA", "DO", "DOS", "DAS", "E", "BIN", "AL", "EL", "Y"}
FB_MONTHS = {m: i + 1 for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
# Factbook names whose parsed form is not usable as is (mononyms, title-laden strings).
FB_NAME_FIX = {"Ibrahim ibni al-Marhum Sultan Iskandar": "Sultan Ibrahim Iskandar",
               "Abd-al-Fattah al-Burhan Abd-al-Rahman": "Abdel Fattah al-Burhan",
               "Alexander Van Der Bellen": "Alexander Van der Bellen", "Michael Martin": "Micheál Martin"}
# Usual news forms the Factbook string does not give; and generated short forms that are wrong or misleading.
FB_EXTRA_ALIASES = {"Kay Rala Xanana Gusmao": ["Xanana Gusmao", "Xanana Gusmão"],
                    "Iris Xiomara Castro de Zelaya": ["Xiomara Castro"],
                    "Jose Daniel Ortega Saavedra": ["Daniel Ortega"],
                    "Antonio Luis Montenegro": ["Luís Montenegro", "Luis Montenegro"],
                    "Obiang Nguema Mbasogo": ["Teodoro Obiang Nguema Mbasogo", "Teodoro Obiang"],
                    "Micheál Martin": ["Micheal Martin"],
                    "Joao Manuel Goncalves Lourenco": ["João Lourenço"],
                    "Mohamed Ould Cheikh el Ghazouani": ["Mohamed Ould Ghazouani"],
                    "Sultan Ibrahim Iskandar": ["Ibrahim Iskandar"],
                    "Mohammed Irfaan Ali": ["Irfaan Ali"],
                    "Hamad bin Isa Al-Khalifa": ["Hamad bin Isa Al Khalifa", "Hamad bin Isa"],
                    "Matamela Cyril Ramaphosa": ["Cyril Ramaphosa"]}
FB_ALIAS_SKIP = {"Mohammed Ali", "Muhammad Sharif", "Recep Erdogan", "Matamela Ramaphosa", "Horta Man", "Ilídio Te",
                 "Pham Chinh", "Abdel El-Sisi", "Mohamed Ghazouani", "Moctar Diay", "Abdoulkader Mohamed", "Jonas Store",
                 "Myriam Debono", "Antonio Montenegro", "Iris Castro", "Jose Ortega", "Kay Gusmao", "Luiz Lula",
                 "Luiz Inácio Lula", "Hassan Sheikh", "Taye Atske", "Ahmad Abdullah"}
FB_SINCE_FIX = {"Ilie Bolojan": "2025-06-23"}   # the Factbook string says 2005, a typo for 2025
FB_ROLE_DROP = re.compile(r"\b(col\.|gen\.|capt\.|sr\.|dr\.|ratu|sir)(?=\s|$)")
CAPS_RUN = re.compile(r"[A-Z\u00C0-\u00DE]{2,}")


def _fb_case(tok, first):
    """'TEBBOUNE' -> 'Tebboune', 'al-SUDANI' -> 'al-Sudani', 'SASSOU-Nguesso' -> 'Sassou-Nguesso'."""
    if not first and re.fullmatch(r"[IVXL]+", tok):
        return tok                                   # regnal number (CHARLES III); XI/LI as names come first
    if not first and tok in FB_LOWER_IN_CAPS:
        return tok.lower()
    parts = tok.split("-")
    out = []
    for p in parts:
        if CAPS_RUN.search(p) and p.upper() == p:
            q = p.lower()
            q = q[:1].upper() + q[1:]
            q = re.sub(r"^([od])'(\w)", lambda m: m.group(1).upper() + "'" + m.group(2).upper(), q)
            out.append(q)
        else:
            out.append(p)
    return "-".join(out)


def _fb_since(text):
    m = re.search(r"since (\d{1,2} )?([A-Za-z]+ )?(\d{4})", text)
    if not m:
        return ""
    day, mon, year = m.group(1), m.group(2), m.group(3)
    mo = FB_MONTHS.get((mon or "").strip()[:3].lower())
    if mo and day:
        return "%s-%02d-%02d" % (year, mo, int(day))
    if mo:
        return "%s-%02d" % (year, mo)
    return year


def parse_fb_leader(text):
    """'President Abdelmadjid TEBBOUNE (since 12 December 2019)' -> ('Abdelmadjid Tebboune', ['...'], 'president', '2019-12-12')."""
    if not text[:1].isupper() or text.startswith(("represented", "Co-prince Emmanuel")):
        return None
    since = _fb_since(text)
    t = re.sub(r'"[^"]*"', "", text)
    t = re.sub(r"\((?!since)[^()]*\)", " ", t)          # (Col.), (CNSP), (also spelled ...), (Prime Minister)
    t = re.split(r"\(since|\(\d|, represented", t)[0]
    jr = bool(re.search(r",\s*Jr\.", t))
    t = re.sub(r",\s*Jr\.", "", t).split(",")[-1] if "," in t and not jr else re.sub(r",\s*Jr\.", "", t)
    toks = t.split()
    idx = next((i for i, w in enumerate(toks) if CAPS_RUN.search(w) and w not in ("GNU", "CNSP", "II") and
                w.strip(".") not in FB_TITLE_WORDS), None)
    if idx is None:
        return None
    start = idx
    while start > 0:
        w = toks[start - 1]
        if w in FB_TITLE_WORDS or w.endswith(","):
            break
        if not (w[:1].isupper() or w in FB_PARTICLES or w.startswith("d'")):
            break
        start -= 1
    end = idx
    while end < len(toks) and (CAPS_RUN.search(toks[end]) or toks[end] in FB_PARTICLES and end + 1 < len(toks)
                               and CAPS_RUN.search(toks[end + 1])):
        end += 1
    trail_end = end
    while trail_end < len(toks) and toks[trail_end] not in ("of", "is") and not toks[trail_end].startswith("("):
        trail_end += 1
    given = toks[start:idx]
    caps = [_fb_case(w, i == 0 and not given) for i, w in enumerate(toks[idx:end])]
    trail = toks[end:trail_end]
    name = " ".join(given + caps + trail).strip(" ,")
    if jr:
        name += " Jr."
    name = FB_NAME_FIX.get(name, name)
    title = " ".join(toks[:start]).strip(" ,")
    title = re.sub(r"^(Transition|Transitional|Interim|Acting|Caretaker|GNU|CNSP)\s+", "", title)
    role = re.sub(r"\s+", " ", FB_ROLE_DROP.sub("", title.lower())).strip().replace("king sultan", "king")
    role = role if 0 < len(role) <= 40 and not role.endswith((" of", " of the")) else ""
    aliases = []
    if len(given) >= 2:
        aliases.append(" ".join([given[0]] + caps))
    if given and trail and not all(w in FB_PARTICLES for w in trail):
        aliases.append(" ".join(given + caps))
    if not given and len(caps) >= 2 and trail:
        aliases.append(" ".join(caps))                      # MUHAMMAD BIN SALMAN bin Abd al-Aziz Al Saud
    if len(name.split()) < 2:
        return None
    aliases = [a for a in aliases if len(a.split()) >= 2 and a != name and a not in FB_ALIAS_SKIP]
    aliases += FB_EXTRA_ALIASES.get(name, [])
    return name, aliases, role, FB_SINCE_FIX.get(name, since)


def _fold(s):
    t = unicodedata.normalize("NFKD", s)
    return norm_alias("".join(c for c in t if not unicodedata.combining(c)))


def _person_alias_ok(e, a):
    """PERSON aliases must not be a bare given name or surname (the matcher links surnames itself)."""
    if len(a.split()) >= 2 or re.fullmatch(r"[A-Z]{2,5}", a):
        return True
    log("dropped single-word PERSON alias %r from %s" % (a, e.canonical))
    return False


def people(shared, reg, countries_by_iso):
    out = curated_entries("people.txt", "PERSON", "person", ["role", "country", "since"], reg)
    for e in out:
        e.aliases = [a for a in e.aliases if _person_alias_ok(e, a)]
    by_key = {}
    by_surname = {}
    for e in out:
        for n in e.all_names():
            by_key.setdefault(_fold(n), e)
            toks = n.split()
            for k in (1, 2):
                if len(toks) > k:
                    by_surname.setdefault((e.meta.get("country", ""), _fold(" ".join(toks[-k:]))), e)
    fips = {}
    for r in csv.DictReader(open(os.path.join(shared, "country-codes", "country-codes.csv"), encoding="utf-8")):
        if r["FIPS"].strip():
            fips[r["FIPS"].strip().lower()] = r["ISO3166-1-Alpha-2"].strip()
    fips["kv"] = "XK"
    rows = list(csv.DictReader(open(os.path.join(shared, "factbook", "factbook_leaders_raw.tsv"), encoding="utf-8"), delimiter="\t"))
    added = {}
    merged = 0
    for r in rows:
        ce = countries_by_iso.get(fips.get(r["gec"].strip().lower(), ""))
        if ce is None or ce.meta.get("kind") != "country":
            continue
        parsed = parse_fb_leader(r["text"].strip())
        if not parsed:
            continue
        name, aliases, role, since = parsed
        country = ce.canonical
        caps_surname = name.split()[-1]
        owner = by_key.get(_fold(name)) or next((by_key[_fold(a)] for a in aliases if _fold(a) in by_key), None)
        if owner is None:
            for k in (2, 1):
                toks = [w for w in name.split() if w not in ("Jr.",)]
                if len(toks) > k:
                    owner = by_surname.get((country, _fold(" ".join(toks[-k:]))))
                    if owner:
                        break
        if owner is None and _fold(name) in added:
            owner = added[_fold(name)]
        if owner is not None:
            for a in [name] + aliases:
                k = norm_alias(a)
                if k not in reg.alias_owner:
                    owner.add_alias(a)
                    reg.alias_owner[k] = owner
                    by_key.setdefault(_fold(a), owner)
            if "factbook" not in owner.meta.get("source", ""):
                owner.meta["source"] = owner.meta.get("source", "curated") + "+factbook"
                merged += 1
            for key, val in (("country", country), ("since", since), ("role", role)):
                if val and not owner.meta.get(key):
                    owner.meta[key] = val
            continue
        e = Entry(name, "PERSON", aliases, meta={"role": role or r["role"].replace("_", " "), "country": country,
                                                 "since": since, "source": "factbook"})
        e.id = reg.new_id("person", name, country)
        if reg.admit(e):
            out.append(e)
            added[_fold(name)] = e
            for a in e.all_names():
                by_key.setdefault(_fold(a), e)
        else:
            reg.ids.discard(e.id)
        del caps_surname
    log("people: %d curated rows merged with Factbook leaders, %d rows from the Factbook" % (merged, len(added)))
    return out


# ---------------------------------------------------------------- short names (generated)
# The one word news use alone for a person ("Putin", "Erdogan", "Assad"), written as `meta.short_name`.
# The crate links a capitalised word to the person only where no person of the document has that
# word and no other person of the gazetteer has the same short name (see src/short_names.rs).
SHORT_NAME_PREFIXES = ("al-", "Al-", "el-", "El-", "ad-", "an-", "ar-", "as-", "ash-", "at-", "az-")
# Short names that are also common English words or names of other things, found by reading the
# candidate list; a capitalised sentence opener must not become a person.
SHORT_NAME_STOP = {"Back", "Friday", "Eagle", "Said", "Song", "Nova", "Store", "Warden", "Talon", "Gram",
                   "Sing", "Corona", "Haya", "Mais", "Toro", "Moros", "Breton", "Costa", "Rama", "Chapo",
                   "Boko", "Diay", "Irani", "Masri", "Tove", "Melo", "Zorn", "Karp", "Haas",
                   "Sanders", "Bauer", "Berger", "Heine", "Petri", "Neves", "Pardo", "Ramos", "Tiani", "Shah"}
CENSUS_COMMON_RANK = 1000   # a surname this common in the 1990 US census names nobody in particular
# Countries whose names put the family name first or have none ("Xi Jinping", "Yoon Suk Yeol", "Pham Minh
# Chinh", "Min Aung Hlaing"), or whose news name people by their given name (Thailand): the last word is not
# the word news use alone.
SHORT_NAME_NO_SURNAME_LAST = {"China", "Taiwan", "North Korea", "South Korea", "Vietnam", "Cambodia",
                              "Laos", "Myanmar", "Mongolia", "Thailand", "Singapore", "Hong Kong", "Bhutan"}


def _lexicon_words(name):
    out = set()
    for line in open(os.path.join(HERE, "..", "data", "lexicons", name), encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("#"):
            out.add(line.split("\t")[0].strip())
    return out


def short_names(shared, persons, others):
    """Sets `meta.short_names` (|-separated) on the persons whose last name word names them alone."""
    given = _lexicon_words("given_names.txt")
    particles = {w.rstrip("-").lower() for w in _lexicon_words("name_particles.txt")}
    common = set()
    for i, line in enumerate(open(os.path.join(shared, "census-names", "dist.all.last"), encoding="utf-8")):
        if i >= CENSUS_COMMON_RANK:
            break
        common.add(line.split()[0].capitalize())
    other_words = {n.lower() for e in others for n in e.all_names() if " " not in n}
    owners, inner = {}, {}
    for e in persons:
        surname_last = e.meta.get("country", "") not in SHORT_NAME_NO_SURNAME_LAST
        for n in e.all_names():
            w = [x for x in n.split() if x not in ("Jr.", "Sr.") and not re.fullmatch(r"[IVX]+", x)]
            if len(w) < 2:
                continue
            for x in w[:-1]:
                inner.setdefault(x, set()).add(e.id)          # "Kishida Fumio" is Fumio Kishida's own
            if not w[-2][:1].isupper() or w[-2].lower() in particles:
                continue                                  # "bin Laden", "von der Leyen", "Le Drian"
            last = w[-1]
            for p in SHORT_NAME_PREFIXES:
                if last.startswith(p) and last[len(p):][:1].isupper():
                    last = last[len(p):]                  # "al-Assad" -> "Assad"
            if surname_last and re.fullmatch(r"[^\W\d_]{4,}", last) and last[0].isupper() and not last.isupper():
                owners.setdefault(last, set()).add(e.id)
    by_id = {e.id: e for e in persons}
    kept = skipped = 0
    for word, ids in sorted(owners.items()):
        plain = _fold(word).capitalize()                  # "Rodríguez" is the census's RODRIGUEZ
        if (len(ids) > 1 or word in given or plain in given or inner.get(word, ids) - ids or plain in common or word in SHORT_NAME_STOP
                or word.lower() in other_words):
            skipped += 1
            continue
        e = by_id[next(iter(ids))]
        if not e.meta.get("short_names"):
            kept += 1
        names = e.meta.get("short_names", "").split("|") if e.meta.get("short_names") else []
        e.meta["short_names"] = "|".join(names + [word])  # "Erdogan|Erdoğan"
    log("short names: %d persons have one, %d candidate words left out" % (kept, skipped))


# ---------------------------------------------------------------- main
HEADER = """recon default gazetteer: {what}
Generated by scripts/gen_gazetteer.py; provenance and licences in DATA.md. Do not edit by hand:
edit scripts/curated/*.txt (or the generator) and re-run it.
Columns: canonical, label, aliases (|-separated), id, case (empty = auto), meta.* (free metadata)."""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "shared", "data"))
    ap.add_argument("--out", default=os.path.join(HERE, "..", "data", "gazetteer"))
    args = ap.parse_args()
    shared = os.path.abspath(args.shared)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    reg = Registry()

    countries, nats, caps = gaz_countries.build(shared)
    for e in countries:
        e.meta["source"] = "country-codes+factbook"
        reg.claim_id(e.id)
        reg.admit(e)
    for e in nats:
        e.meta["source"] = "factbook+curated"
        e.match_canonical = False
        reg.claim_id(e.id)
        reg.admit(e)
    countries_by_name = {e.canonical: e for e in countries}
    countries_by_iso = {e.id.split(":")[1]: e for e in countries}
    nats_by_country = {e.canonical: e for e in nats}

    weapons = []
    for f in ("weapons_air.txt", "weapons_missiles.txt", "weapons_land.txt", "weapons_naval.txt"):
        weapons += curated_entries(f, "WEAPON_SYSTEM", "wpn", ["country", "manufacturer"], reg)
    military = curated_entries("military.txt", "MILITARY_UNIT", "mil", ["country"], reg)
    orgs = curated_entries("organizations.txt", "ORGANIZATION", "org", ["country"], reg)
    places = curated_entries("places.txt", "LOCATION", "place", ["country"], reg)

    weapons += oryx_weapons(shared, reg, weapons)
    military += factbook_military(shared, reg, countries_by_name, nats_by_country)
    orgs += ministries(countries, nats_by_country, reg, orgs)
    curated_place_names = {norm_alias(n) for e in places for n in e.all_names()}
    places += capitals(caps, countries_by_iso, reg, curated_place_names)
    persons = people(shared, reg, countries_by_iso)   # last: person names never take aliases from other files
    short_names(shared, persons, countries + nats + places + military + orgs + weapons)

    files = [
        ("countries.tsv", countries, ["iso3", "kind", "source"], "countries and territories (LOCATION)"),
        ("nationalities.tsv", nats, ["iso3", "source"], "nationality adjectives and nouns (NATIONALITY); canonical = country"),
        ("places.tsv", places, ["kind", "country", "source"], "capitals, cities, regions, seas, straits, islands, bases (LOCATION)"),
        ("military.tsv", military, ["kind", "country", "source"], "armed forces, services, commands, formations (MILITARY_UNIT)"),
        ("organizations.tsv", orgs, ["kind", "country", "source"], "companies, ministries, alliances, media, agencies, armed groups (ORGANIZATION)"),
        ("weapons.tsv", weapons, ["class", "country", "manufacturer", "source"], "weapon systems and platforms (WEAPON_SYSTEM)"),
        ("people.tsv", persons, ["role", "country", "since", "short_names", "source"], "heads of state and government, defence officials, commanders, leaders of organisations and armed groups (PERSON)"),
    ]
    for fname, entries, keys, what in files:
        write_tsv(os.path.join(out, fname), entries, keys, HEADER.format(what=what))
        print("%-18s %5d entries %6d aliases" % (fname, len(entries), sum(len(e.aliases) for e in entries)))
    with open(os.path.join(HERE, "gen_gazetteer.log"), "w", encoding="utf-8") as f:
        f.write("\n".join(LOG) + "\n")
    print("%d conflict notes in scripts/gen_gazetteer.log" % len(LOG))


if __name__ == "__main__":
    main()
