//! The embedded default model: gazetteer files compiled into the binary.
//! Provenance and licences of each file: `DATA.md`.

/// The default gazetteer files, as (name, TSV text).
pub(crate) const GAZETTEER_FILES: &[(&str, &str)] = &[
    ("countries.tsv", include_str!("../data/gazetteer/countries.tsv")),
    ("nationalities.tsv", include_str!("../data/gazetteer/nationalities.tsv")),
    ("places.tsv", include_str!("../data/gazetteer/places.tsv")),
    ("military.tsv", include_str!("../data/gazetteer/military.tsv")),
    ("organizations.tsv", include_str!("../data/gazetteer/organizations.tsv")),
    ("weapons.tsv", include_str!("../data/gazetteer/weapons.tsv")),
    ("people.tsv", include_str!("../data/gazetteer/people.tsv")),
];
