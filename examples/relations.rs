//! Print the relations of a paragraph, with their modality and evidence.
//!
//! Run: `cargo run --example relations` (or `-- -` to read standard input).

use recon::Extractor;
use std::io::Read;

const PARAGRAPH: &str = "Philippine Defense Secretary Gilberto Teodoro flew to Tokyo on \
Monday for talks with his Japanese counterpart. Manila signed a deal to buy 40 FA-50 \
fighters from South Korea, and the Philippine Navy will take delivery of two more \
frigates built by Hyundai Heavy Industries. Vietnam is reportedly in talks to acquire \
BrahMos missiles from India, while Germany has no plans to sell Taurus missiles to \
Kyiv, according to Reuters.";

fn main() -> std::io::Result<()> {
    let mut text = PARAGRAPH.to_owned();
    if std::env::args().nth(1).as_deref() == Some("-") {
        text.clear();
        std::io::stdin().read_to_string(&mut text)?;
    }
    let ex = Extractor::new();
    let doc = ex.extract(&text);
    for r in doc.relations() {
        let (head, tail) = (&doc.entities()[r.head()], &doc.entities()[r.tail()]);
        println!(
            "{:<15} {:<28} -> {:<28} [{:?}] rule={}",
            r.label(),
            head.canonical(),
            tail.canonical(),
            r.modality(),
            r.rule()
        );
        let ev = r.evidence();
        println!("    evidence {}..{}: {}", ev.start, ev.end, &text[ev.start..ev.end]);
        for (k, v) in r.attributes() {
            println!("    {k} = {v}");
        }
    }
    if let Some(r) = doc.relations().first() {
        println!("\nWhy the first one?\n{}", ex.explain(&doc, r));
    }
    Ok(())
}
