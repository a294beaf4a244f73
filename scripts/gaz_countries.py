"""Countries and nationalities: built from country-codes (ISO ids, UN/CLDR names) and the CIA World
Factbook (short/long names, nationality nouns/adjectives), with curated overrides below."""
import csv
import os
import re

from gaz_common import Entry

# Canonical common short names (curated).
CANON = {
    "US": "United States", "GB": "United Kingdom", "RU": "Russia", "CN": "China", "KR": "South Korea",
    "KP": "North Korea", "IR": "Iran", "SY": "Syria", "TW": "Taiwan", "VN": "Vietnam", "CZ": "Czech Republic",
    "LA": "Laos", "MD": "Moldova", "TZ": "Tanzania", "BO": "Bolivia", "VE": "Venezuela", "FM": "Micronesia",
    "CD": "Democratic Republic of the Congo", "CG": "Republic of the Congo", "CI": "Ivory Coast",
    "CV": "Cape Verde", "TR": "Turkey", "MM": "Myanmar", "BS": "Bahamas", "GM": "Gambia", "VA": "Vatican City",
    "PS": "Palestine", "MK": "North Macedonia", "BA": "Bosnia and Herzegovina", "AG": "Antigua and Barbuda",
    "KN": "Saint Kitts and Nevis", "LC": "Saint Lucia", "VC": "Saint Vincent and the Grenadines",
    "ST": "Sao Tome and Principe", "TT": "Trinidad and Tobago", "MO": "Macau", "HK": "Hong Kong",
    "SZ": "Eswatini", "TL": "East Timor", "BN": "Brunei", "SH": "Saint Helena", "PM": "Saint Pierre and Miquelon",
    "BL": "Saint Barthelemy", "MF": "Saint Martin", "WF": "Wallis and Futuna", "TC": "Turks and Caicos Islands",
    "GS": "South Georgia and the South Sandwich Islands", "HM": "Heard Island and McDonald Islands",
    "UM": "United States Minor Outlying Islands", "VI": "U.S. Virgin Islands", "SJ": "Svalbard and Jan Mayen",
    "BQ": "Caribbean Netherlands", "CC": "Cocos (Keeling) Islands", "PN": "Pitcairn Islands",
    "TF": "French Southern and Antarctic Lands", "CW": "Curacao", "RE": "Reunion", "AX": "Aland Islands",
    "XK": "Kosovo",
}

EXTRA = {
    "US": ["U.S.", "US", "USA", "U.S.A.", "United States of America", "America"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain", "United Kingdom of Great Britain and Northern Ireland"],
    "RU": ["Russian Federation"],
    "CN": ["People's Republic of China", "PRC", "mainland China"],
    "KR": ["Republic of Korea", "ROK", "S. Korea", "Korea"],
    "KP": ["Democratic People's Republic of Korea", "DPRK", "N. Korea"],
    "IR": ["Islamic Republic of Iran"],
    "SY": ["Syrian Arab Republic"],
    "TW": ["Republic of China", "Chinese Taipei"],
    "VN": ["Viet Nam", "Socialist Republic of Vietnam"],
    "CZ": ["Czechia"],
    "LA": ["Lao PDR", "Lao People's Democratic Republic"],
    "MD": ["Republic of Moldova"],
    "TZ": ["United Republic of Tanzania"],
    "CD": ["DRC", "DR Congo", "D.R. Congo", "Democratic Republic of Congo", "Congo-Kinshasa", "Congo"],
    "CG": ["Republic of Congo", "Congo-Brazzaville", "Congo Brazzaville"],
    "CI": ["Côte d'Ivoire", "Cote d'Ivoire", "Côte d\u2019Ivoire"],
    "CV": ["Cabo Verde"],
    "TR": ["Türkiye", "Turkiye", "Republic of Turkey", "Republic of Türkiye"],
    "MM": ["Burma", "Union of Burma", "Republic of the Union of Myanmar"],
    "BS": ["The Bahamas"],
    "GM": ["The Gambia"],
    "VA": ["Holy See", "Vatican"],
    "PS": ["State of Palestine", "Palestinian territories", "Palestinian Territories", "occupied Palestinian territories"],
    "MK": ["Macedonia", "Republic of North Macedonia"],
    "BA": ["Bosnia", "BiH", "Bosnia-Herzegovina"],
    "AE": ["UAE", "U.A.E."],
    "SA": ["KSA", "Kingdom of Saudi Arabia"],
    "NL": ["Holland", "Kingdom of the Netherlands", "The Netherlands"],
    "MO": ["Macao"],
    "SZ": ["Swaziland"],
    "TL": ["Timor-Leste", "Timor Leste"],
    "BN": ["Brunei Darussalam"],
    "ZA": ["Republic of South Africa"],
    "CF": ["Central African Republic"],
    "FK": ["Falkland Islands", "Falklands", "Islas Malvinas", "Malvinas"],
    "XK": ["Republic of Kosovo"],
    "PH": ["Republic of the Philippines"],
    "DE": ["Federal Republic of Germany"],
    "PK": ["Islamic Republic of Pakistan"],
    "VI": ["United States Virgin Islands", "US Virgin Islands"],
    "RE": ["Réunion"],
    "CW": ["Curaçao"],
    "AX": ["Åland Islands", "Åland"],
    "BL": ["Saint Barthélemy", "St. Barts"],
    "ST": ["São Tomé and Príncipe"],
    "KN": ["St. Kitts and Nevis"],
    "LC": ["St. Lucia"],
    "VC": ["St. Vincent and the Grenadines"],
    "GE": ["Republic of Georgia"],
    "FM": ["Federated States of Micronesia"],
    "IE": ["Republic of Ireland"],
    "KG": ["Kyrgyz Republic"],
    "SK": ["Slovak Republic"],
}

# FIPS join in country-codes points at the wrong Factbook entity for these.
NO_FACTBOOK_JOIN = {"BQ"}

# Aliases never to emit (ambiguous or risky as bare tokens).
DROP = {
    "CF": {"CAR"}, "CG": {"Congo"}, "DO": {"The Dominican"}, "ZA": {"RSA"}, "NZ": {"NZ"}, "PG": {"PNG"}, "AE": set(), "US": set(),
    "HK": {"HK"}, "CH": {"CH"}, "FM": {"FSM"}, "MH": {"RMI"}, "VN": {"SRV"}, "ET": {"FDRE"},
    "TC": {"TCA"}, "GS": {"SGSSI"}, "IM": {"I.O.M."}, "VG": {"BVI"}, "VI": {"VI"}, "GU": {"GU"},
    "PR": {"PR"}, "AS": {"AS"}, "TF": {"TAAF"}, "HM": {"HIMI"}, "MP": {"CNMI"}, "IO": {"BIOT"},
    "NL": {"NL"}, "BL": {"Saint-Barth (French)/ St. Barts or St. Barths (English)"},
    "GE": {"Georgia"} and set(),
}

# Curated demonyms (nationality adjectives and nouns). Factbook values are used for the rest.
DEMONYMS = {
    "US": ["American", "Americans", "U.S.-born"][:2],
    "GB": ["British", "Briton", "Britons", "Brit", "Brits"],
    "RU": ["Russian", "Russians"],
    "CN": ["Chinese"],
    "KR": ["South Korean", "South Koreans"],
    "KP": ["North Korean", "North Koreans"],
    "UA": ["Ukrainian", "Ukrainians"],
    "IL": ["Israeli", "Israelis"],
    "PH": ["Philippine", "Filipino", "Filipinos", "Filipina", "Filipinas"],
    "GR": ["Greek", "Greeks"],
    "IN": ["Indian", "Indians"],
    "TW": ["Taiwanese"],
    "NL": ["Dutch", "Dutchman", "Dutchmen", "Dutchwoman"],
    "DE": ["German", "Germans"],
    "FR": ["French", "Frenchman", "Frenchmen", "Frenchwoman"],
    "CZ": ["Czech", "Czechs"],
    "SK": ["Slovak", "Slovaks", "Slovakian"],
    "IE": ["Irish", "Irishman", "Irishmen", "Irishwoman"],
    "CD": ["Congolese"],
    "CG": [],
    "DO": ["Dominican", "Dominicans"],
    "DM": ["Dominican"][:0],
    "SA": ["Saudi", "Saudis", "Saudi Arabian", "Saudi Arabians"],
    "AE": ["Emirati", "Emiratis"],
    "PS": ["Palestinian", "Palestinians"],
    "TR": ["Turkish", "Turk", "Turks"],
    "MM": ["Myanmar's"][:0] + ["Burmese"],
    "LA": ["Lao", "Laotian", "Laotians"],
    "SG": ["Singaporean", "Singaporeans"],
    "LU": ["Luxembourger", "Luxembourgers", "Luxembourgish"],
    "NZ": ["New Zealander", "New Zealanders"],
    "KI": ["I-Kiribati"],
    "SZ": ["Swazi", "Swazis", "Swati", "Emaswati"],
    "CI": ["Ivorian", "Ivorians", "Ivoirian", "Ivoirians"],
    "MK": ["Macedonian", "Macedonians", "North Macedonian", "North Macedonians"],
    "BA": ["Bosnian", "Bosnians"],
    "CH": ["Swiss"],
    "HK": ["Hong Konger", "Hong Kongers"],
    "MO": ["Macanese"],
    "SE": ["Swedish", "Swede", "Swedes"],
    "DK": ["Danish", "Dane", "Danes"],
    "FI": ["Finnish", "Finn", "Finns"],
    "PL": ["Polish", "Pole", "Poles"],
    "ES": ["Spanish", "Spaniard", "Spaniards"],
    "PT": ["Portuguese"],
    "RS": ["Serbian", "Serbians", "Serb", "Serbs"],
    "HR": ["Croatian", "Croatians", "Croat", "Croats"],
    "SI": ["Slovenian", "Slovenians", "Slovene", "Slovenes"],
    "IS": ["Icelandic", "Icelander", "Icelanders"],
    "BE": ["Belgian", "Belgians"],
    "AF": ["Afghan", "Afghans", "Afghani"][:2],
    "PK": ["Pakistani", "Pakistanis"],
    "BD": ["Bangladeshi", "Bangladeshis"],
    "NP": ["Nepali", "Nepalese"],
    "TH": ["Thai", "Thais"],
    "VN": ["Vietnamese"],
    "JP": ["Japanese"],
    "MN": ["Mongolian", "Mongolians"],
    "IR": ["Iranian", "Iranians"],
    "IQ": ["Iraqi", "Iraqis"],
    "SY": ["Syrian", "Syrians"],
    "LB": ["Lebanese"],
    "JO": ["Jordanian", "Jordanians"],
    "YE": ["Yemeni", "Yemenis"],
    "OM": ["Omani", "Omanis"],
    "QA": ["Qatari", "Qataris"],
    "KW": ["Kuwaiti", "Kuwaitis"],
    "BH": ["Bahraini", "Bahrainis"],
    "EG": ["Egyptian", "Egyptians"],
    "LY": ["Libyan", "Libyans"],
    "SD": ["Sudanese"],
    "SS": ["South Sudanese"],
    "SO": ["Somali", "Somalis", "Somalian"],
    "ET": ["Ethiopian", "Ethiopians"],
    "ER": ["Eritrean", "Eritreans"],
    "KZ": ["Kazakh", "Kazakhs", "Kazakhstani", "Kazakhstanis"],
    "UZ": ["Uzbek", "Uzbeks", "Uzbekistani"],
    "TJ": ["Tajik", "Tajiks", "Tajikistani"],
    "TM": ["Turkmen", "Turkmenistani"],
    "KG": ["Kyrgyz", "Kyrgyzstani"],
    "AZ": ["Azerbaijani", "Azerbaijanis", "Azeri", "Azeris"],
    "AM": ["Armenian", "Armenians"],
    "GE": ["Georgian", "Georgians"],
    "BY": ["Belarusian", "Belarusians", "Belarussian"],
    "MD": ["Moldovan", "Moldovans"],
    "RO": ["Romanian", "Romanians"],
    "BG": ["Bulgarian", "Bulgarians"],
    "HU": ["Hungarian", "Hungarians"],
    "AT": ["Austrian", "Austrians"],
    "IT": ["Italian", "Italians"],
    "NO": ["Norwegian", "Norwegians"],
    "EE": ["Estonian", "Estonians"],
    "LV": ["Latvian", "Latvians"],
    "LT": ["Lithuanian", "Lithuanians"],
    "CY": ["Cypriot", "Cypriots"],
    "MT": ["Maltese"],
    "AL": ["Albanian", "Albanians"],
    "ME": ["Montenegrin", "Montenegrins"],
    "XK": ["Kosovar", "Kosovars", "Kosovan", "Kosovans"],
    "CA": ["Canadian", "Canadians"],
    "MX": ["Mexican", "Mexicans"],
    "BR": ["Brazilian", "Brazilians"],
    "AR": ["Argentine", "Argentines", "Argentinian", "Argentinians", "Argentinean"],
    "CL": ["Chilean", "Chileans"],
    "CO": ["Colombian", "Colombians"],
    "PE": ["Peruvian", "Peruvians"],
    "VE": ["Venezuelan", "Venezuelans"],
    "CU": ["Cuban", "Cubans"],
    "AU": ["Australian", "Australians", "Aussie", "Aussies"],
    "ID": ["Indonesian", "Indonesians"],
    "MY": ["Malaysian", "Malaysians"],
    "NG": ["Nigerian", "Nigerians"],
    "NE": ["Nigerien", "Nigeriens"],
    "ZA": ["South African", "South Africans"],
    "DZ": ["Algerian", "Algerians"],
    "MA": ["Moroccan", "Moroccans"],
    "TN": ["Tunisian", "Tunisians"],
    "ML": ["Malian", "Malians"],
    "BF": ["Burkinabe", "Burkinabè"],
    "KE": ["Kenyan", "Kenyans"],
    "RW": ["Rwandan", "Rwandans"],
    "UG": ["Ugandan", "Ugandans"],
    "LK": ["Sri Lankan", "Sri Lankans"],
    "GN": ["Guinean", "Guineans"],
    "GQ": ["Equatorial Guinean", "Equatoguinean"],
    "GW": ["Bissau-Guinean", "Bissau-Guineans"],
    "PG": ["Papua New Guinean", "Papua New Guineans"],
    "AS": ["American Samoan", "American Samoans"],
    "WS": ["Samoan", "Samoans"],
    "KH": ["Cambodian", "Cambodians", "Khmer"][:2],
    "BT": ["Bhutanese"],
    "MV": ["Maldivian", "Maldivians"],
    "TL": ["Timorese", "East Timorese"],
    "FJ": ["Fijian", "Fijians"],
    "EH": ["Sahrawi", "Sahrawis", "Saharawi"],
    "GL": ["Greenlandic", "Greenlander", "Greenlanders"],
    "GU": ["Guamanian", "Guamanians"],
    "PR": ["Puerto Rican", "Puerto Ricans"],
}

# Demonyms to drop everywhere (ambiguous between countries or too generic).
DROP_DEMONYMS = {"Korean", "Koreans", "Channel Islander", "Channel Islanders", "NA", "none", "Dutch",
                 "Chinese/Hong Kong", "Chinese/Hong Konger", "Kiribati", "Christmas Island",
                 "Falkland Island", "Virgin Islander", "Frenchwomen", "Dutchwomen", "Manxwomen"}
# Owner for demonyms claimed by several entities.
DEMONYM_OWNER = {"Dutch": "NL", "Dutchman": "NL", "Dutchmen": "NL", "Dutchwoman": "NL", "Chinese": "CN",
                 "French": "FR", "Frenchman": "FR", "Frenchmen": "FR", "Frenchwoman": "FR",
                 "Congolese": "CD", "Dominican": "DO", "Dominicans": "DO", "American": "US", "Americans": "US",
                 "Samoan": "WS", "Samoans": "WS", "Guinean": "GN", "Guineans": "GN"}

HISTORIC = [
    # (id code, canonical, aliases, iso3, demonyms)
    ("SU", "Soviet Union", ["USSR", "U.S.S.R.", "Union of Soviet Socialist Republics"], "SUN", ["Soviet", "Soviets"]),
    ("YU", "Yugoslavia", ["Socialist Federal Republic of Yugoslavia", "SFRY"], "YUG", ["Yugoslav", "Yugoslavs", "Yugoslavian"]),
    ("DD", "East Germany", ["German Democratic Republic", "GDR"], "DDR", ["East German", "East Germans"]),
]


def _split_demonyms(text):
    out = []
    if not text:
        return out
    t = re.sub(r";\s*note.*$", "", text)
    t = re.sub(r"\((?:singular and plural|singular|plural|collective plural|colloquial|US citizens|US nationals)\)", "", t)
    for part in re.split(r",| or |/|;", t):
        p = part.strip()
        if not p or p.lower() in ("none", "na"):
            continue
        m = re.match(r"^(.*?)\((s|men|women)\)$", p.replace(" (", "("))
        if m:
            base = m.group(1).strip()
            out.append(base)
            if m.group(2) == "s":
                out.append(base + "s")
            else:
                out.append(re.sub(r"(man|woman)$", m.group(2), base))
            continue
        if re.search(r"[()]", p):
            continue
        out.append(p)
    return [o for o in out if o and o[0].isupper()]


def build(shared):
    cc_rows = list(csv.DictReader(open(os.path.join(shared, "country-codes", "country-codes.csv"), encoding="utf-8")))
    fb_rows = list(csv.DictReader(open(os.path.join(shared, "factbook", "factbook_countries.tsv"), encoding="utf-8"), delimiter="\t"))
    fb = {r["gec"].lower(): r for r in fb_rows}
    countries, nationalities, capitals = [], [], []
    recs = []
    for r in cc_rows:
        iso2 = r["ISO3166-1-Alpha-2"].strip()
        if not iso2 or len(iso2) != 2:
            continue
        fips = r["FIPS"].strip().lower()
        f = fb.get(fips) if iso2 not in NO_FACTBOOK_JOIN else None
        recs.append((iso2, r["ISO3166-1-Alpha-3"].strip(), r, f))
    # Kosovo is not in ISO 3166 (XK user-assigned); take it from the Factbook.
    recs.append(("XK", "XKX", {"CLDR display name": "Kosovo", "UNTERM English Short": "", "official_name_en": "",
                               "Capital": "Pristina", "is_independent": "Yes"}, fb.get("kv")))
    # demonym ownership pass
    dem_claims = {}
    dem_by_iso = {}
    for iso2, iso3, r, f in recs:
        if iso2 in DEMONYMS:
            dems = list(DEMONYMS[iso2])
        else:
            dems = []
            if f:
                dems = _split_demonyms(f["nationality_adjective"]) + _split_demonyms(f["nationality_noun"])
        dem_by_iso[iso2] = dems
        for d in dems:
            dem_claims.setdefault(d, set()).add(iso2)
    for iso2, iso3, r, f in recs:
        canon = CANON.get(iso2)
        if not canon:
            canon = r["CLDR display name"].strip() or r["official_name_en"].strip()
        canon = canon.replace(" & ", " and ")
        names = []
        for v in (r["CLDR display name"], r["UNTERM English Short"], r["official_name_en"]):
            v = re.sub(r"\s*\*+$", "", (v or "").strip())
            v = re.sub(r"\s*\((the)\)$", "", v)
            if "(" in v or not v or "," in v or " - " in v:
                continue
            names.append(v.replace(" & ", " and ") if "&" in v else v)
        if f:
            for key in ("short", "long", "abbreviation"):
                v = (f.get(key) or "").strip()
                if not v or v.lower() == "none" or ";" in v or "(" in v or "," in v or "/" in v:
                    continue
                if key == "abbreviation":
                    for a in re.split(r" or ", v):
                        names.append(a.strip())
                else:
                    names.append(v)
        names += EXTRA.get(iso2, [])
        drop = DROP.get(iso2, set())
        e = Entry(canon, "LOCATION", id="country:" + iso2,
                  meta={"iso3": iso3, "kind": "country" if r.get("is_independent", "") == "Yes" else "territory"})
        for n in names:
            if n in drop:
                continue
            if n.startswith("The ") and n[4:] in names:
                continue
            e.add_alias(n)
        countries.append(e)
        dems = []
        for d in dem_by_iso[iso2]:
            if d in DROP_DEMONYMS and iso2 not in DEMONYMS:
                continue
            owner = DEMONYM_OWNER.get(d)
            if owner and owner != iso2:
                continue
            if not owner and len(dem_claims.get(d, ())) > 1 and iso2 not in DEMONYMS:
                continue
            if d in e.all_names():
                continue
            dems.append(d)
        if dems:
            n = Entry(canon, "NATIONALITY", dems[1:], id="nationality:" + iso2, meta={"iso3": iso3})
            n.canonical = canon
            n.aliases = []
            for d in dems:
                n.add_alias(d)
            nationalities.append(n)
        cap = (r.get("Capital") or "").strip()
        capitals.append((iso2, canon, cap, (f or {}).get("capital", "")))
    for code, canon, al, iso3, dems in HISTORIC:
        countries.append(Entry(canon, "LOCATION", al, id="country:" + code, meta={"iso3": iso3, "kind": "historical"}))
        n = Entry(canon, "NATIONALITY", id="nationality:" + code, meta={"iso3": iso3})
        for d in dems:
            n.add_alias(d)
        nationalities.append(n)
    return countries, nationalities, capitals
