//! Gazetteer entries: a canonical name, a label, aliases, an optional stable
//! id and free metadata.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// How the letter case of an alias must agree with the text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseMode {
    /// Decide per alias (the default):
    /// - an alias with a digit (`Su-35`, `Type 055`) ignores case;
    /// - a one-word alias of two or more capitals (`US`, `NATO`, `U.S.`)
    ///   must match exactly, so `us` is not the United States;
    /// - another one-word alias with a capital (`Patriot`, `China`) must
    ///   match exactly or in all capitals (`CHINA` in a headline), so
    ///   `patriot` and `china` are not matched;
    /// - a lower-case alias, or one of several words (`South China Sea`),
    ///   ignores case.
    #[default]
    Auto,
    /// The letters must match exactly (punctuation and spacing may vary).
    Sensitive,
    /// Any case matches.
    Insensitive,
}

impl FromStr for CaseMode {
    type Err = ();

    fn from_str(s: &str) -> Result<CaseMode, ()> {
        match s {
            "" | "auto" => Ok(CaseMode::Auto),
            "sensitive" => Ok(CaseMode::Sensitive),
            "insensitive" => Ok(CaseMode::Insensitive),
            _ => Err(()),
        }
    }
}

impl fmt::Display for CaseMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CaseMode::Auto => "auto",
            CaseMode::Sensitive => "sensitive",
            CaseMode::Insensitive => "insensitive",
        })
    }
}

/// The index of an entry in its [`Gazetteer`](crate::Gazetteer).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EntryId(pub(crate) u32);

impl EntryId {
    /// The id as an index into [`Gazetteer::entries`](crate::Gazetteer::entries).
    pub fn as_usize(self) -> usize {
        self.0 as usize
    }
}

/// One gazetteer entry: what an entity is called (its canonical name), what
/// it is (its label) and the other names it goes by (its aliases).
///
/// The canonical name is always an alias too.
///
/// # Examples
///
/// ```
/// use recon::Entry;
///
/// let entry = Entry::new("Su-35", "WEAPON_SYSTEM")
///     .alias("Flanker-E")
///     .id("wpn:su-35")
///     .meta("class", "fighter");
/// assert_eq!(entry.aliases(), ["Su-35", "Flanker-E"]);
/// assert_eq!(entry.get_meta("class"), Some("fighter"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Shared with the compiled gazetteer and the entities found, so that
    /// neither copies it.
    canonical: Arc<str>,
    /// Shared likewise, and by the entries of a file that have the same
    /// label.
    label: Arc<str>,
    aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(default)]
    case: CaseMode,
    #[serde(default = "yes")]
    match_canonical: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    meta: Vec<(String, String)>,
}

impl Entry {
    /// A new entry whose only alias is its canonical name.
    pub fn new(canonical: impl Into<String>, label: impl Into<String>) -> Entry {
        let canonical = canonical.into();
        Entry {
            canonical: Arc::from(canonical.as_str()),
            aliases: vec![canonical],
            label: Arc::from(label.into()),
            id: None,
            case: CaseMode::Auto,
            match_canonical: true,
            meta: Vec::new(),
        }
    }

    /// An entry from all its parts at once (what the file loaders read):
    /// as `Entry::new(canonical, label)` with `aliases` added, but without
    /// moving the entry once per part. `aliases` (trimmed, in the order
    /// read) becomes the entry's alias list, so that a row's aliases are
    /// not copied again.
    pub(crate) fn from_parts(
        canonical: &str,
        label: Arc<str>,
        mut aliases: Vec<String>,
        id: Option<String>,
        case: CaseMode,
        match_canonical: bool,
        meta: Vec<(String, String)>,
    ) -> Entry {
        // Keep the first of equal aliases, in order, less the canonical
        // name, which goes first.
        let mut kept = 0;
        for i in 0..aliases.len() {
            let a = &aliases[i];
            if a != canonical && !aliases[..kept].contains(a) {
                aliases.swap(kept, i);
                kept += 1;
            }
        }
        aliases.truncate(kept);
        // A row without aliases gets room for one, not the default four.
        aliases.reserve_exact(1);
        aliases.insert(0, canonical.to_owned());
        Entry { canonical: Arc::from(canonical), label, aliases, id, case, match_canonical, meta }
    }

    /// Whether the canonical name is matched in text (default: yes). A
    /// demonym entry names its country as canonical ("India" for "Indian")
    /// but must not match the country's name.
    pub fn match_canonical(mut self, yes: bool) -> Entry {
        self.match_canonical = yes;
        self
    }

    /// True when the canonical name is also matched in text.
    pub fn matches_canonical(&self) -> bool {
        self.match_canonical
    }

    /// The aliases that are matched in text: all of them, less the
    /// canonical name when [`Entry::match_canonical`] is off.
    pub fn matched_aliases(&self) -> impl Iterator<Item = (usize, &str)> + '_ {
        let skip_canonical = !self.match_canonical;
        self.aliases
            .iter()
            .enumerate()
            .filter(move |(i, a)| !(skip_canonical && *i == 0 && **a == *self.canonical))
            .map(|(i, a)| (i, a.as_str()))
    }

    /// Adds an alias (an alias already present is not added twice).
    pub fn alias(mut self, alias: impl Into<String>) -> Entry {
        self.push_alias(alias.into());
        self
    }

    /// Adds several aliases.
    pub fn aliases_from<I, S>(mut self, aliases: I) -> Entry
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for a in aliases {
            self.push_alias(a.into());
        }
        self
    }

    pub(crate) fn push_alias(&mut self, alias: String) {
        if !self.aliases.contains(&alias) {
            self.aliases.push(alias);
        }
    }

    /// Sets the stable id.
    pub fn id(mut self, id: impl Into<String>) -> Entry {
        self.id = Some(id.into());
        self
    }

    /// Sets how letter case must agree (see [`CaseMode`]).
    pub fn case(mut self, case: CaseMode) -> Entry {
        self.case = case;
        self
    }

    /// Adds a metadata key and value.
    pub fn meta(mut self, key: impl Into<String>, value: impl Into<String>) -> Entry {
        self.meta.push((key.into(), value.into()));
        self
    }

    /// The canonical name.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// The label (`PERSON`, `WEAPON_SYSTEM`, ...).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The canonical name, shared.
    pub(crate) fn shared_canonical(&self) -> &Arc<str> {
        &self.canonical
    }

    /// The label, shared.
    pub(crate) fn shared_label(&self) -> &Arc<str> {
        &self.label
    }

    /// All aliases, the canonical name first (see also
    /// [`Entry::matched_aliases`]).
    pub fn aliases(&self) -> &[String] {
        &self.aliases
    }

    /// The stable id, if any.
    pub fn stable_id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The case mode.
    pub fn case_mode(&self) -> CaseMode {
        self.case
    }

    /// All metadata, in the order given.
    pub fn metadata(&self) -> &[(String, String)] {
        &self.meta
    }

    /// The value of one metadata key.
    pub fn get_meta(&self, key: &str) -> Option<&str> {
        self.meta.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

fn yes() -> bool {
    true
}
