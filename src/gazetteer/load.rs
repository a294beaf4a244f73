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
use std::sync::Arc;

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
    let mut header: Option<Rows> = None;
    for (i, raw) in split_byte(text, b'\n').enumerate() {
        let lineno = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some(rows) = &mut header else {
            match parse_header(line, path, lineno) {
                Ok((columns, meta_keys)) => header = Some(Rows::new(columns, meta_keys)),
                Err(e) => {
                    // Without a header no line can be read.
                    errors.push(e);
                    return errors;
                }
            }
            continue;
        };
        match rows.parse(line, path, lineno) {
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

/// The parts of `text` between the ASCII byte `b`s, as `text.split(b)`
/// cuts them, each end found eight bytes at a time: lines and aliases are
/// short, and `split`'s search cost about as much per part to set up as
/// to scan the part.
fn split_byte(text: &str, b: u8) -> impl Iterator<Item = &str> + '_ {
    debug_assert!(b.is_ascii());
    let mut start = Some(0);
    std::iter::from_fn(move || {
        let rest = text.get(start?..)?;
        match find_byte(rest.as_bytes(), b) {
            Some(i) => {
                start = start.map(|s| s + i + 1);
                rest.get(..i)
            }
            None => {
                start = None;
                Some(rest)
            }
        }
    })
}

/// Where the first `b` of `bytes` is, looked for eight bytes at a time.
fn find_byte(bytes: &[u8], b: u8) -> Option<usize> {
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let flags = crate::swar::byte_flags(w, b);
        if flags != 0 {
            return Some(at + flags.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    words.remainder().iter().position(|&c| c == b).map(|i| at + i)
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

/// What reading the rows of a file needs: its columns, and what is kept
/// from one row to the next.
struct Rows {
    columns: Vec<Column>,
    meta_keys: Vec<String>,
    /// Where each field of the row being read ends.
    ends: Vec<usize>,
    /// The label of the last entry read, shared with the next ones that
    /// have it (a file mostly has one label).
    label: Option<Arc<str>>,
}

impl Rows {
    fn new(columns: Vec<Column>, meta_keys: Vec<String>) -> Rows {
        let ends = Vec::with_capacity(columns.len());
        Rows { columns, meta_keys, ends, label: None }
    }

    /// Finds where the fields of `line` end, in one pass over its bytes,
    /// eight at a time; returns whether a field holds a backslash (an
    /// escape).
    fn cut(&mut self, line: &str) -> bool {
        use crate::swar::{byte_flags, for_bits, has_byte};
        self.ends.clear();
        let mut escaped = false;
        let mut words = line.as_bytes().chunks_exact(8);
        let mut at = 0;
        for word in &mut words {
            let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
            // A row has a tab every few words: the flags of the word's
            // tabs are their places.
            for_bits(byte_flags(w, b'\t'), |bit| self.ends.push(at + bit / 8));
            escaped |= has_byte(w, b'\\');
            at += 8;
        }
        for (i, &b) in words.remainder().iter().enumerate() {
            if b == b'\t' {
                self.ends.push(at + i);
            }
            escaped |= b == b'\\';
        }
        self.ends.push(line.len());
        escaped
    }

    /// Reads one data row. Fields are borrowed from `line` (unescaped only
    /// when they hold a backslash), so the only allocations are the entry's
    /// own strings.
    fn parse(
        &mut self,
        line: &str,
        path: Option<&str>,
        lineno: usize,
    ) -> Result<(Entry, Origin), Error> {
        let escaped = self.cut(line);
        // Counted before any field is read, so a row with a field too many
        // or too few is reported as such rather than by its first bad field.
        let found = self.ends.len();
        if found != self.columns.len() {
            let col = column_of(line, line.len());
            let kind = ErrorKind::FieldCount { expected: self.columns.len(), found };
            return Err(Error::at(kind, path, lineno, col));
        }
        let at =
            |kind: ErrorKind, byte: usize| Error::at(kind, path, lineno, column_of(line, byte));
        let mut canonical = None;
        let mut label = None;
        let mut aliases = Vec::new();
        let mut id = None;
        let mut id_column = 1;
        let mut case = CaseMode::Auto;
        let mut match_canonical = true;
        let mut meta = Vec::new();
        let mut next = 0;
        for (&end, column) in self.ends.iter().zip(&self.columns) {
            let start = next;
            next = end + 1;
            let field = &line[start..end];
            if *column == Column::Aliases {
                push_aliases(field, escaped, &mut aliases).map_err(|(k, b)| at(k, start + b))?;
                continue;
            }
            let value = match escaped {
                true => unescape_one(field).map_err(|(k, b)| at(k, start + b))?,
                false => Cow::Borrowed(field),
            };
            match column {
                Column::Canonical => {
                    if trim(&value).is_empty() {
                        return Err(at(ErrorKind::EmptyField("canonical name".into()), start));
                    }
                    canonical = Some(value);
                }
                Column::Label => {
                    if trim(&value).is_empty() {
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
                    case = trim(&value).parse().map_err(|()| {
                        let value = value.into_owned();
                        at(ErrorKind::InvalidValue { field: "case".into(), value }, start)
                    })?;
                }
                Column::MatchCanonical => {
                    match_canonical = match trim(&value) {
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
                        if meta.is_empty() {
                            meta.reserve_exact(self.meta_keys.len());
                        }
                        meta.push((self.meta_keys[*k].clone(), value.into_owned()));
                    }
                }
                Column::Aliases => unreachable!("handled above"),
            }
        }
        let (Some(canonical), Some(label)) = (canonical, label) else {
            unreachable!("the header requires canonical and label")
        };
        let label = self.shared_label(trim(&label));
        let id = id.map(Cow::into_owned);
        let entry =
            Entry::from_parts(trim(&canonical), label, aliases, id, case, match_canonical, meta);
        Ok((entry, Origin { line: lineno, id_column }))
    }

    /// `label`, shared with the last entry when it has the same.
    fn shared_label(&mut self, label: &str) -> Arc<str> {
        match &self.label {
            Some(l) if **l == *label => l.clone(),
            _ => self.label.insert(Arc::from(label)).clone(),
        }
    }
}

/// `s.trim()`, without decoding a char when `s` starts and ends with a
/// printable ASCII char (as nearly every field and alias does).
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// Appends the aliases of an `aliases` field to `out`, trimmed; `escaped`
/// is false when the field cannot hold an escape. On error, returns the
/// kind and the byte offset (in the field) of the bad part.
fn push_aliases(
    field: &str,
    escaped: bool,
    out: &mut Vec<String>,
) -> Result<(), (ErrorKind, usize)> {
    if field.is_empty() {
        return Ok(());
    }
    // One more for the canonical name, which goes first.
    out.reserve_exact(field.bytes().filter(|&b| b == b'|').count() + 2);
    if escaped && field.contains('\\') {
        for (alias, b) in unescape(field, true)? {
            if trim(&alias).is_empty() {
                return Err((ErrorKind::EmptyAlias, b));
            }
            out.push(trim(&alias).to_owned());
        }
        return Ok(());
    }
    // Nothing to unescape (the common case): the parts are borrowed.
    let mut b = 0;
    for alias in split_byte(field, b'|') {
        let trimmed = trim(alias);
        if trimmed.is_empty() {
            return Err((ErrorKind::EmptyAlias, b));
        }
        out.push(trimmed.to_owned());
        b += alias.len() + 1;
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A text of fewer than `max` pieces from `next`, each one of `parts`
    /// one time in `one_in` and the letter `x` otherwise.
    fn mostly_x(next: &mut impl FnMut() -> u64, max: u64, one_in: u64, parts: &[&str]) -> String {
        (0..next() % max)
            .map(|_| {
                let r = next();
                if r % one_in == 0 {
                    parts[(r >> 8) as usize % parts.len()]
                } else {
                    "x"
                }
            })
            .collect()
    }

    /// `Rows::cut` (eight bytes at a time) agrees with a byte-by-byte
    /// scan on generated lines of tabs, backslashes, letters and
    /// multi-byte characters, of every length around the word size.
    #[test]
    fn cut_agrees_with_a_byte_scan() {
        let mut next = crate::testing::xorshift(0x7ab5_cafe);
        let parts = ["\t", "\\", "a", "Z", "\u{e9}", "\u{2019}", " ", "|", "\0", "\u{1F600}"];
        let mut rows = Rows::new(Vec::new(), Vec::new());
        let (mut tabs, mut escapes) = (0, 0);
        for _ in 0..20_000 {
            // Mostly letters, as in a real row.
            let line = mostly_x(&mut next, 40, 4, &parts);
            let escaped = rows.cut(&line);
            let want: Vec<usize> = line
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\t')
                .map(|(i, _)| i)
                .chain([line.len()])
                .collect();
            assert_eq!(rows.ends, want, "{line:?}");
            assert_eq!(escaped, line.contains('\\'), "{line:?}");
            tabs += want.len() - 1;
            escapes += usize::from(escaped);
        }
        assert!(tabs > 5_000 && escapes > 5_000, "{tabs} {escapes}");
    }

    /// `split_byte` cuts generated texts (empty parts, `\r`, multi-byte
    /// characters, a separator or none at the end) as `split` does.
    #[test]
    fn split_byte_agrees_with_split() {
        let mut next = crate::testing::xorshift(0x11fe_5eed);
        let parts = ["\n", "\r\n", "a", "|", "\u{e9}", "\u{2019}", "\n\n", "\u{1F600}", "||"];
        let mut cuts = 0;
        for _ in 0..20_000 {
            let text = mostly_x(&mut next, 60, 3, &parts);
            for b in [b'\n', b'|'] {
                let got: Vec<&str> = split_byte(&text, b).collect();
                let want: Vec<&str> = text.split(char::from(b)).collect();
                assert_eq!(got, want, "{text:?} {b}");
                cuts += want.len();
            }
        }
        assert!(cuts > 150_000, "{cuts}");
    }
}
