//! Draw a paragraph's entities and relations as a graph: writes Graphviz DOT
//! and, if Graphviz's `dot` is installed, renders it to SVG.
//!
//! Run: `cargo run --example graph [OUT_DIR]` (default `target/graph`); it
//! writes `OUT_DIR/paragraph.dot` and, with `dot` on the PATH,
//! `OUT_DIR/paragraph.svg`. Without `dot` the SVG step is skipped quietly.

use recon::Extractor;
use std::path::PathBuf;
use std::process::Command;

const PARAGRAPH: &str = "Indian Defence Minister Rajnath Singh arrived in Paris on Tuesday \
for talks with French Armed Forces Minister Sébastien Lecornu. India signed a contract to buy \
26 Rafale Marine fighters from France in April, Singh told reporters. Germany has no plans to \
sell Leopard 2 tanks to Saudi Arabia, while Poland took delivery of K2 Black Panther tanks \
from South Korea.";

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "target/graph".into()));
    std::fs::create_dir_all(&dir)?;
    let ex = Extractor::new();
    let mut doc = ex.extract(PARAGRAPH);
    doc.set_id("paragraph");
    let dot_path = dir.join("paragraph.dot");
    let mut dot = Vec::new();
    recon::output::write_dot(&doc, &mut dot)?;
    std::fs::write(&dot_path, &dot)?;
    println!(
        "{} entities, {} relations -> {}",
        doc.entities().len(),
        doc.relations().len(),
        dot_path.display()
    );
    let svg_path = dir.join("paragraph.svg");
    match Command::new("dot").arg("-Tsvg").arg(&dot_path).arg("-o").arg(&svg_path).status() {
        Ok(s) if s.success() => println!("rendered {}", svg_path.display()),
        Ok(s) => eprintln!("dot failed ({s}); the DOT file is still there"),
        // No Graphviz: nothing to render with.
        Err(_) => {}
    }
    Ok(())
}
