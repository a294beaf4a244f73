//! CoNLL: one token a line with its BIO tag, sentences separated by blank
//! lines.

use crate::document::Document;
use crate::rules::one_line;
use crate::tokenize::Tokenizer;
use std::io::{self, Write};

/// Writes `doc` in a CoNLL-style column format: a `# id = ...` comment line
/// when the document has an id, then one token a line as
/// `token<TAB>tag`, with a blank line after each sentence.
///
/// Tokens and sentences are the crate's [`Tokenizer`]'s. The tag is
/// `B-LABEL` on the first token of an entity, `I-LABEL` on the tokens after
/// it, `O` elsewhere; an entity that runs over a sentence break starts
/// again with `B-` in the next sentence, so every sentence is valid BIO on
/// its own. A token belongs to the entity its span overlaps. Whitespace in
/// a token or a label (there is none from the default model) becomes `_`,
/// so a line always has exactly two columns.
///
/// # Errors
///
/// The writer's I/O errors.
///
/// # Examples
///
/// ```
/// let ex = recon::Extractor::new();
/// let mut doc = ex.extract("South Korea sold K2 tanks.");
/// doc.set_id("d1");
/// let mut out = Vec::new();
/// recon::output::write_conll(&doc, &mut out)?;
/// let conll = String::from_utf8(out).unwrap();
/// assert!(conll.starts_with("# id = d1\nSouth\tB-LOCATION\nKorea\tI-LOCATION\nsold\tO\n"));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_conll<W: Write>(doc: &Document<'_>, mut w: W) -> io::Result<()> {
    let text = doc.text();
    if let Some(id) = doc.id() {
        writeln!(w, "# id = {}", one_line(id))?;
    }
    let tk = Tokenizer::new();
    let tokens = tk.tokenize(text);
    let sentences = tk.sentences(text, &tokens);
    let entities = doc.entities();
    // Entities are sorted by position and do not overlap: walk them along.
    let mut ei = 0;
    for s in &sentences {
        let mut prev: Option<usize> = None;
        for t in &tokens[s.tokens.clone()] {
            let span = t.span;
            while ei < entities.len() && entities[ei].span().end <= span.start {
                ei += 1;
            }
            let inside = entities.get(ei).filter(|e| e.span().overlaps(span)).map(|_| ei);
            let word = column(t.as_str(text));
            match inside {
                Some(k) => {
                    let bio = if prev == Some(k) { "I" } else { "B" };
                    writeln!(w, "{word}\t{bio}-{}", column(entities[k].label()))?;
                }
                None => writeln!(w, "{word}\tO")?,
            }
            prev = inside;
        }
        writeln!(w)?;
    }
    Ok(())
}

fn column(s: &str) -> String {
    if s.contains(char::is_whitespace) || s.is_empty() {
        let c: String = s.chars().map(|c| if c.is_whitespace() { '_' } else { c }).collect();
        if c.is_empty() {
            "_".to_owned()
        } else {
            c
        }
    } else {
        s.to_owned()
    }
}
