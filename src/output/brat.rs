//! BRAT standoff: the `.ann` file of a document, and `.txt` + `.ann` pairs
//! in a folder.
//!
//! BRAT counts offsets in characters (Unicode code points) of the `.txt`
//! file, not in bytes, so every byte span recon reports is converted.

use crate::document::Document;
use crate::rules::one_line;
use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Writes `doc` as BRAT standoff annotations (the content of an `.ann`
/// file for a `.txt` file holding exactly `doc.text()`).
///
/// - Each entity is a `T` line: `T1<TAB>LABEL START END<TAB>text`, with
///   `START`/`END` in **characters** (code points), end exclusive, as BRAT
///   counts them. An entity whose text spans a line break is written as a
///   discontinuous annotation, one fragment per line
///   (`T2<TAB>LABEL 0 5;6 12<TAB>first second`, the fragments' texts
///   joined by a space), because BRAT annotation text cannot hold a line
///   break. Labels are made BRAT-safe: characters other than letters,
///   digits, `_`, `-` and `.` become `_`.
/// - Each relation is an `R` line: `R1<TAB>LABEL Arg1:T1 Arg2:T2`, the head
///   as `Arg1` and the tail as `Arg2`.
/// - `#` lines (`AnnotatorNotes`) keep what BRAT has no field for: an
///   entity's canonical name when it differs from its text, and a
///   relation's modality when it is not `asserted`.
///
/// # Errors
///
/// The writer's I/O errors.
///
/// # Examples
///
/// ```
/// let ex = recon::Extractor::new();
/// let doc = ex.extract("Généraux in Kyiv met officials from Poland.");
/// let mut out = Vec::new();
/// recon::output::write_brat(&doc, &mut out)?;
/// let ann = String::from_utf8(out).unwrap();
/// // "Kyiv" starts at byte 14 but at character 12 (é is two bytes).
/// assert!(ann.contains("\tLOCATION 12 16\tKyiv\n"), "{ann}");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_brat<W: Write>(doc: &Document<'_>, mut w: W) -> io::Result<()> {
    let text = doc.text();
    let chars = CharOffsets::new(text);
    let mut t_ids: Vec<Option<usize>> = vec![None; doc.entities().len()];
    let mut next_t = 1;
    let mut next_note = 1;
    for (i, e) in doc.entities().iter().enumerate() {
        let span = e.span();
        let Some(mention) = text.get(span.range()) else { continue };
        let frags = fragments(mention, span.start);
        if frags.is_empty() {
            continue;
        }
        let offsets: Vec<String> =
            frags.iter().map(|&(s, e)| format!("{} {}", chars.get(s), chars.get(e))).collect();
        let shown: Vec<&str> = frags.iter().map(|&(s, e)| &text[s..e]).collect();
        writeln!(
            w,
            "T{next_t}\t{} {}\t{}",
            brat_label(e.label()),
            offsets.join(";"),
            shown.join(" ")
        )?;
        if e.canonical() != mention {
            writeln!(w, "#{next_note}\tAnnotatorNotes T{next_t}\t{}", one_line(e.canonical()))?;
            next_note += 1;
        }
        t_ids[i] = Some(next_t);
        next_t += 1;
    }
    let mut next_r = 1;
    for r in doc.relations() {
        let (Some(Some(h)), Some(Some(t))) = (t_ids.get(r.head()), t_ids.get(r.tail())) else {
            continue;
        };
        writeln!(w, "R{next_r}\t{} Arg1:T{h} Arg2:T{t}", brat_label(r.label()))?;
        if r.modality() != crate::Modality::Asserted {
            let m = format!("{:?}", r.modality()).to_lowercase();
            writeln!(w, "#{next_note}\tAnnotatorNotes R{next_r}\tmodality: {m}")?;
            next_note += 1;
        }
        next_r += 1;
    }
    Ok(())
}

/// Writes `doc` as a BRAT document pair in `dir`: `<stem>.txt` (the text,
/// byte for byte) and `<stem>.ann` (see [`write_brat`]). The folder must
/// exist. Use [`brat_file_stem`] to turn a document id into a safe stem.
///
/// # Errors
///
/// Creating or writing the files.
pub fn write_brat_files(doc: &Document<'_>, dir: &Path, stem: &str) -> io::Result<()> {
    fs::write(dir.join(format!("{stem}.txt")), doc.text())?;
    let mut ann = io::BufWriter::new(fs::File::create(dir.join(format!("{stem}.ann")))?);
    write_brat(doc, &mut ann)?;
    ann.flush()
}

/// A file name stem for a document id: ASCII letters, digits, `-`, `_`
/// and `.` are kept, every other character (path separators included)
/// becomes `_`; a leading `.` becomes `_` (no hidden files, no `..`), the
/// result is at most 100 bytes, and an empty id gives `doc`.
///
/// # Examples
///
/// ```
/// use recon::output::brat_file_stem;
/// assert_eq!(brat_file_stem("news/2024 Kyiv.txt"), "news_2024_Kyiv.txt");
/// assert_eq!(brat_file_stem("../etc/passwd"), "_._etc_passwd");
/// assert_eq!(brat_file_stem(""), "doc");
/// ```
pub fn brat_file_stem(id: &str) -> String {
    let mut s: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .take(100)
        .collect();
    if s.starts_with('.') {
        s.replace_range(0..1, "_");
    }
    if s.is_empty() {
        s.push_str("doc");
    }
    s
}

/// Splits the mention at `base..base + mention.len()` into fragments that
/// hold no line break, trimmed of the whitespace next to the breaks.
fn fragments(mention: &str, base: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let is_break = |c: char| matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}');
    let mut push = |s: usize, e: usize| {
        let piece = &mention[s..e];
        let lead = piece.len() - piece.trim_start().len();
        let trail = piece.len() - piece.trim_end().len();
        if lead + trail < piece.len() {
            out.push((base + s + lead, base + e - trail));
        }
    };
    for (i, c) in mention.char_indices() {
        if is_break(c) {
            push(start, i);
            start = i + c.len_utf8();
        }
    }
    if start == 0 {
        // No line break: keep the span exactly as reported.
        return vec![(base, base + mention.len())];
    }
    push(start, mention.len());
    out
}

/// Byte offset -> character offset, for the char boundaries of a text.
struct CharOffsets {
    ascii: bool,
    map: HashMap<usize, usize>,
}

impl CharOffsets {
    fn new(text: &str) -> CharOffsets {
        if text.is_ascii() {
            return CharOffsets { ascii: true, map: HashMap::new() };
        }
        let mut map: HashMap<usize, usize> =
            text.char_indices().enumerate().map(|(ci, (bi, _))| (bi, ci)).collect();
        map.insert(text.len(), text.chars().count());
        CharOffsets { ascii: false, map }
    }

    fn get(&self, byte: usize) -> usize {
        if self.ascii {
            byte
        } else {
            // Spans lie on char boundaries; snap down if one does not.
            (0..=byte).rev().find_map(|b| self.map.get(&b).copied()).unwrap_or(0)
        }
    }
}

/// A label BRAT accepts as a type name.
fn brat_label(label: &str) -> String {
    let s: String = label
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') { c } else { '_' })
        .collect();
    if s.is_empty() {
        "_".to_owned()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mention_across_lines_becomes_fragments() {
        // "Black Sea\r\n  Fleet" at byte 10: fragments "Black Sea" and "Fleet".
        let m = "Black Sea\r\n  Fleet";
        assert_eq!(fragments(m, 10), [(10, 19), (23, 28)]);
        assert_eq!(fragments("Paris", 3), [(3, 8)]);
        assert_eq!(fragments("\n", 0), []);
    }

    #[test]
    fn char_offsets_of_a_non_ascii_text() {
        let c = CharOffsets::new("é北x");
        assert_eq!([c.get(0), c.get(2), c.get(5), c.get(6)], [0, 1, 2, 3]);
        assert_eq!(c.get(3), 1, "inside a char: snapped down");
        assert_eq!(brat_label("MY LABEL:x"), "MY_LABEL_x");
    }
}
