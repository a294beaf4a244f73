//! Extract entities from a paragraph with the embedded default model.
//!
//! Run: `cargo run --example quickstart` (or pipe your own text in:
//! `echo "..." | cargo run --example quickstart -- -`).

use recon::Extractor;
use std::io::Read;

const PARAGRAPH: &str = "Turkish drone maker Baykar delivered Bayraktar TB2 drones to \
Kuwait on Monday, while the Royal Navy's HMS Queen Elizabeth left Portsmouth with F-35B \
jets on board. In Kyiv, the Armed Forces of Ukraine said Russian Kh-101 cruise missiles \
had been fired from Tu-95MS bombers over the Caspian Sea.";

fn main() -> std::io::Result<()> {
    let mut text = PARAGRAPH.to_owned();
    if std::env::args().nth(1).as_deref() == Some("-") {
        text.clear();
        std::io::stdin().read_to_string(&mut text)?;
    }
    let ex = Extractor::new();
    let doc = ex.extract(&text);
    println!("{:<16} {:<28} {:<28} span", "label", "text", "canonical");
    for e in doc.entities() {
        let span = e.span();
        println!(
            "{:<16} {:<28} {:<28} {}..{}",
            e.label(),
            e.text(&doc),
            e.canonical(),
            span.start,
            span.end
        );
    }
    Ok(())
}
