//! A terminal view: the text with entities marked, then a table.

use crate::document::Document;
use crate::rules::one_line;
use std::io::{self, Write};

/// Writes `doc` for people: the text with each entity marked as
/// `[text]{LABEL}`, then a table of the entities (and relations, if any).
/// With `color`, entity marks use ANSI colours.
///
/// # Errors
///
/// The writer's I/O errors.
///
/// # Examples
///
/// ```
/// let ex = recon::Extractor::new();
/// let doc = ex.extract("Sweden joined NATO.");
/// let mut out = Vec::new();
/// recon::output::write_pretty(&doc, &mut out, false)?;
/// let view = String::from_utf8(out).unwrap();
/// assert!(view.contains("[Sweden]{LOCATION} joined [NATO]{ORGANIZATION}."));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_pretty<W: Write>(doc: &Document<'_>, mut w: W, color: bool) -> io::Result<()> {
    let text = doc.text();
    if let Some(id) = doc.id() {
        writeln!(w, "== {id} ==")?;
    }
    let mut at = 0;
    for e in doc.entities() {
        let s = e.span();
        if s.start < at {
            continue;
        }
        w.write_all(&text.as_bytes()[at..s.start])?;
        if color {
            write!(
                w,
                "\x1b[1;{}m[{}]\x1b[0m\x1b[2m{{{}}}\x1b[0m",
                colour(e.label()),
                &text[s],
                e.label()
            )?;
        } else {
            write!(w, "[{}]{{{}}}", &text[s], e.label())?;
        }
        at = s.end;
    }
    w.write_all(&text.as_bytes()[at..])?;
    writeln!(w)?;
    if doc.entities().is_empty() {
        return writeln!(w, "\n(no entities)");
    }
    let rows: Vec<[String; 6]> = doc
        .entities()
        .iter()
        .enumerate()
        .map(|(i, e)| {
            [
                i.to_string(),
                format!("{}..{}", e.span().start, e.span().end),
                e.label().to_owned(),
                one_line(&text[e.span()]).into_owned(),
                e.canonical().to_owned(),
                e.source().to_string(),
            ]
        })
        .collect();
    writeln!(w)?;
    table(&mut w, ["#", "span", "label", "text", "canonical", "source"], &rows)?;
    if !doc.relations().is_empty() {
        let rows: Vec<[String; 6]> = doc
            .relations()
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let name = |k: usize| {
                    doc.entities().get(k).map_or(String::new(), |e| e.canonical().to_owned())
                };
                [
                    i.to_string(),
                    r.label().to_owned(),
                    name(r.head()),
                    name(r.tail()),
                    format!("{:?}", r.modality()).to_lowercase(),
                    r.rule().to_owned(),
                ]
            })
            .collect();
        writeln!(w)?;
        table(&mut w, ["#", "relation", "head", "tail", "modality", "rule"], &rows)?;
    }
    Ok(())
}

fn colour(label: &str) -> u8 {
    match label {
        "PERSON" => 33,
        "LOCATION" => 32,
        "NATIONALITY" => 36,
        "ORGANIZATION" => 35,
        "MILITARY_UNIT" => 34,
        "WEAPON_SYSTEM" => 31,
        _ => 37,
    }
}

fn table<W: Write, const N: usize>(
    w: &mut W,
    head: [&str; N],
    rows: &[[String; N]],
) -> io::Result<()> {
    let mut widths = head.map(|h| h.chars().count());
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |w: &mut W, cells: [&str; N]| -> io::Result<()> {
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == N {
                writeln!(w, "{c}")?;
            } else {
                let pad = widths[i] - c.chars().count();
                write!(w, "{c}{}  ", " ".repeat(pad))?;
            }
        }
        Ok(())
    };
    line(w, head)?;
    line(w, widths.map(|n| "-".repeat(n)).each_ref().map(String::as_str))?;
    for r in rows {
        line(w, r.each_ref().map(String::as_str))?;
    }
    Ok(())
}
