//! Loaders for the gazetteer file formats: TSV and JSON Lines.
//!
//! # TSV
//!
//! ```text
//! # comment lines start with '#'; blank lines are skipped (<TAB> is a tab)
//! canonical<TAB>label<TAB>aliases<TAB>id<TAB>case<TAB>meta.class<TAB>meta.country
//! Su-35<TAB>WEAPON_SYSTEM<TAB>Su-35S|Flanker-E<TAB>wpn:su-35<TAB><TAB>fighter<TAB>Russia
//! ```
//!
//! The first line that is not blank or a comment is the header. It names
//! the columns, in any order: `canonical` and `label` (required), `aliases`
//! (separated by `|`), `id` (a stable key, unique in the gazetteer), `case`
//! (`auto`, `sensitive` or `insensitive`; empty means `auto`),
//! `match_canonical` (`no` for an entry whose canonical name must not be
//! matched, such as a demonym whose canonical is its country) and any
//! number of `meta.KEY` columns (an empty cell sets nothing). Inside a
//! field, `\t`, `\n`, `\\` and `\|` stand for a tab, a line break, a
//! backslash and a literal `|`.
//!
//! # JSON Lines
//!
//! One object a line: `{"canonical": "Su-35", "label": "WEAPON_SYSTEM",
//! "aliases": ["Flanker-E"], "id": "wpn:su-35", "case": "auto",
//! "meta": {"class": "fighter"}}`; only `canonical` and `label` are
//! required. Blank lines and lines starting with `#` are skipped.

use super::entry::{CaseMode, Entry};
use crate::error::{column_of, Error, ErrorKind};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Where an entry came from, so that later checks (duplicate ids) can
/// point at it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Origin {
    pub line: usize,
    /// Column of the `id` field (or 1).
    pub id_column: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Canonical,
    Label,
    Aliases,
    Id,
    Case,
    MatchCanonical,
    Meta(usize),
}

/// Parses TSV `text`, handing each entry to `sink`; returns the errors of
/// the lines that could not be read (the others are still handed over).
pub(crate) fn parse_tsv(
    text: &str,
    path: Option<&str>,
    mut sink: impl FnMut(Entry, Origin) -> Result<(), Error>,
) -> Vec<Error> {
    let mut errors = Vec::new();
    let mut header: Option<(Vec<Column>, Vec<String>)> = None;
    for (i, raw) in text.split('\n').enumerate() {
        let lineno = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((columns, meta_keys)) = &header else {
            match parse_header(line, path, lineno) {
                Ok(h) => header = Some(h),
                Err(e) => {
                    // Without a header no line can be read.
                    errors.push(e);
                    return errors;
                }
            }
            continue;
        };
        match parse_row(line, columns, meta_keys, path, lineno) {
            Ok((entry, origin)) => {
                if let Err(e) = sink(entry, origin) {
                    errors.push(e);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if header.is_none() && errors.is_empty() && !text.trim().is_empty() {
        errors.push(Error::at(ErrorKind::MissingColumn("canonical".into()), path, 1, 1));
    }
    errors
}

fn parse_header(
    line: &str,
    path: Option<&str>,
    lineno: usize,
) -> Result<(Vec<Column>, Vec<String>), Error> {
    let mut columns = Vec::new();
    let mut meta_keys = Vec::new();
    let mut offset = 0;
    for name in line.split('\t') {
        let col = column_of(line, offset);
        offset += name.len() + 1;
        let name = name.trim();
        let c = match name {
            "canonical" => Column::Canonical,
            "label" => Column::Label,
            "aliases" => Column::Aliases,
            "id" => Column::Id,
            "case" => Column::Case,
            "match_canonical" => Column::MatchCanonical,
            _ => match name.strip_prefix("meta.") {
                Some(key) if !key.is_empty() => {
                    meta_keys.push(key.to_owned());
                    Column::Meta(meta_keys.len() - 1)
                }
                _ => {
                    return Err(Error::at(
                        ErrorKind::UnknownColumn(name.to_owned()),
                        path,
                        lineno,
                        col,
                    ))
                }
            },
        };
        let dup = columns.contains(&c)
            || matches!(c, Column::Meta(k) if meta_keys[..k].contains(&meta_keys[k]));
        if dup {
            return Err(Error::at(ErrorKind::DuplicateColumn(name.to_owned()), path, lineno, col));
        }
        columns.push(c);
    }
    for (need, name) in [(Column::Canonical, "canonical"), (Column::Label, "label")] {
        if !columns.contains(&need) {
            return Err(Error::at(ErrorKind::MissingColumn(name.into()), path, lineno, 1));
        }
    }
    Ok((columns, meta_keys))
}

fn parse_row(
    line: &str,
    columns: &[Column],
    meta_keys: &[String],
    path: Option<&str>,
    lineno: usize,
) -> Result<(Entry, Origin), Error> {
    let fields: Vec<&str> = line.split('\t').collect();
    if fields.len() != columns.len() {
        let col = column_of(line, line.len());
        return Err(Error::at(
            ErrorKind::FieldCount { expected: columns.len(), found: fields.len() },
            path,
            lineno,
            col,
        ));
    }
    let at = |kind: ErrorKind, byte: usize| Error::at(kind, path, lineno, column_of(line, byte));
    let mut canonical = None;
    let mut label = None;
    let mut aliases = Vec::new();
    let mut id = None;
    let mut id_column = 1;
    let mut case = CaseMode::Auto;
    let mut match_canonical = true;
    let mut meta = Vec::new();
    let mut offset = 0;
    for (field, column) in fields.iter().zip(columns) {
        let start = offset;
        offset += field.len() + 1;
        match column {
            Column::Aliases => {
                if field.is_empty() {
                    continue;
                }
                let parts = unescape(field, true).map_err(|(k, b)| at(k, start + b))?;
                for (alias, b) in parts {
                    if alias.trim().is_empty() {
                        return Err(at(ErrorKind::EmptyAlias, start + b));
                    }
                    aliases.push(alias);
                }
            }
            other => {
                let value = unescape_one(field).map_err(|(k, b)| at(k, start + b))?;
                match other {
                    Column::Canonical => {
                        if value.trim().is_empty() {
                            return Err(at(ErrorKind::EmptyField("canonical name".into()), start));
                        }
                        canonical = Some(value);
                    }
                    Column::Label => {
                        if value.trim().is_empty() {
                            return Err(at(ErrorKind::EmptyField("label".into()), start));
                        }
                        label = Some(value);
                    }
                    Column::Id => {
                        if !value.is_empty() {
                            id = Some(value);
                            // Columns count chars; in ASCII, bytes.
                            id_column = if line.as_bytes()[..start].is_ascii() {
                                start + 1
                            } else {
                                column_of(line, start)
                            };
                        }
                    }
                    Column::Case => {
                        case = value.trim().parse().map_err(|()| {
                            let value = value.into_owned();
                            at(ErrorKind::InvalidValue { field: "case".into(), value }, start)
                        })?;
                    }
                    Column::MatchCanonical => {
                        match_canonical = match value.trim() {
                            "" | "yes" => true,
                            "no" => false,
                            _ => {
                                let field = "match_canonical".into();
                                let value = value.into_owned();
                                return Err(at(ErrorKind::InvalidValue { field, value }, start));
                            }
                        };
                    }
                    Column::Meta(k) => {
                        if !value.is_empty() {
                            meta.push((meta_keys[*k].clone(), value));
                        }
                    }
                    Column::Aliases => unreachable!("handled above"),
                }
            }
        }
    }
    let (Some(canonical), Some(label)) = (canonical, label) else {
        unreachable!("the header requires canonical and label")
    };
    let entry = Entry::from_parts(
        canonical.trim(),
        label.trim(),
        aliases.iter().map(|a| a.trim()),
        id.map(Cow::into_owned),
        case,
        match_canonical,
        meta.into_iter().map(|(k, v)| (k, v.into_owned())).collect(),
    );
    Ok((entry, Origin { line: lineno, id_column }))
}

/// The parts of a field, each with its byte offset in the field.
type Parts<'a> = Vec<(Cow<'a, str>, usize)>;

/// Unescapes a field that is not split.
fn unescape_one(field: &str) -> Result<Cow<'_, str>, (ErrorKind, usize)> {
    if field.contains('\\') {
        let mut parts = unescape(field, false)?;
        Ok(parts.pop().map(|(v, _)| v).unwrap_or_default())
    } else {
        Ok(Cow::Borrowed(field))
    }
}

/// Unescapes a field. When `split` is true, an unescaped `|` separates
/// parts. Returns each part with the byte offset (in the field) where it
/// starts; on error, the kind and the offset of the bad escape.
fn unescape(field: &str, split: bool) -> Result<Parts<'_>, (ErrorKind, usize)> {
    if !field.contains('\\') {
        // Nothing to unescape (the common case): borrow the parts.
        if !split {
            return Ok(vec![(Cow::Borrowed(field), 0)]);
        }
        let mut at = 0;
        return Ok(field
            .split('|')
            .map(|part| {
                let start = at;
                at += part.len() + 1;
                (Cow::Borrowed(part), start)
            })
            .collect());
    }
    let mut parts = Vec::new();
    let mut cur = String::with_capacity(field.len());
    let mut part_start = 0;
    let mut chars = field.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, 't')) => cur.push('\t'),
                Some((_, 'n')) => cur.push('\n'),
                Some((_, '\\')) => cur.push('\\'),
                Some((_, '|')) => cur.push('|'),
                Some((_, other)) => {
                    return Err((ErrorKind::BadEscape(format!("\\{other}")), i));
                }
                None => return Err((ErrorKind::BadEscape("\\".into()), i)),
            },
            '|' if split => {
                parts.push((Cow::Owned(std::mem::take(&mut cur)), part_start));
                part_start = i + 1;
            }
            c => cur.push(c),
        }
    }
    parts.push((Cow::Owned(cur), part_start));
    Ok(parts)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonEntry {
    canonical: String,
    label: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    case: Option<String>,
    #[serde(default)]
    match_canonical: Option<bool>,
    #[serde(default)]
    meta: BTreeMap<String, serde_json::Value>,
}

/// Parses JSON Lines `text`, handing each entry to `sink`.
pub(crate) fn parse_jsonl(
    text: &str,
    path: Option<&str>,
    mut sink: impl FnMut(Entry, Origin) -> Result<(), Error>,
) -> Vec<Error> {
    let mut errors = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let lineno = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        match parse_json_line(line, path, lineno) {
            Ok((entry, origin)) => {
                if let Err(e) = sink(entry, origin) {
                    errors.push(e);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    errors
}

fn parse_json_line(
    line: &str,
    path: Option<&str>,
    lineno: usize,
) -> Result<(Entry, Origin), Error> {
    let je: JsonEntry = serde_json::from_str(line).map_err(|e| {
        // serde_json counts columns in bytes from 1; report chars.
        let col = column_of(line, e.column().saturating_sub(1));
        Error::at(ErrorKind::Json(strip_position(&e.to_string())), path, lineno, col)
    })?;
    let col_of = |needle: &str| line.find(needle).map_or(1, |b| column_of(line, b));
    if je.canonical.trim().is_empty() {
        return Err(Error::at(
            ErrorKind::EmptyField("canonical name".into()),
            path,
            lineno,
            col_of("\"canonical\""),
        ));
    }
    if je.label.trim().is_empty() {
        return Err(Error::at(
            ErrorKind::EmptyField("label".into()),
            path,
            lineno,
            col_of("\"label\""),
        ));
    }
    let case = match &je.case {
        None => CaseMode::Auto,
        Some(c) => c.parse().map_err(|()| {
            Error::at(
                ErrorKind::InvalidValue { field: "case".into(), value: c.clone() },
                path,
                lineno,
                col_of("\"case\""),
            )
        })?,
    };
    let mut entry = Entry::new(je.canonical.trim(), je.label.trim())
        .case(case)
        .match_canonical(je.match_canonical.unwrap_or(true));
    for a in je.aliases {
        if a.trim().is_empty() {
            let quoted = format!("{a:?}");
            let aliases_at = line.find("\"aliases\"").unwrap_or(0);
            let b = line[aliases_at..].find(&quoted).map_or(aliases_at, |b| aliases_at + b);
            return Err(Error::at(ErrorKind::EmptyAlias, path, lineno, column_of(line, b)));
        }
        entry = entry.alias(a.trim());
    }
    let id_column = col_of("\"id\"");
    if let Some(id) = je.id {
        entry = entry.id(id);
    }
    for (k, v) in je.meta {
        let v = match v {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        entry = entry.meta(k, v);
    }
    Ok((entry, Origin { line: lineno, id_column }))
}

/// serde_json appends " at line L column C": the location is reported
/// separately.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}
