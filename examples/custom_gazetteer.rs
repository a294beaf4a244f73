//! Add a user's own gazetteer entries, from a TSV file shipped with this
//! example, on top of the embedded defaults.
//!
//! Run: `cargo run --example custom_gazetteer`

use recon::Extractor;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/my_gazetteer.tsv");
    let ex = Extractor::builder().gazetteer_path(&path).build()?;
    let text = "Britain, Italy and Japan signed the GCAP treaty as NATO began \
                Steadfast Defender 2024; the Pentagon's Replicator initiative fields \
                thousands of drones.";
    let doc = ex.extract(text);
    for e in doc.entities() {
        let id = e.id().unwrap_or("-");
        let meta: Vec<String> = e
            .entry()
            .map(|en| en.metadata().iter().map(|(k, v)| format!("{k}={v}")).collect())
            .unwrap_or_default();
        println!(
            "{:<12} {:<26} -> {:<30} {:<22} {}",
            e.label(),
            e.text(&doc),
            e.canonical(),
            id,
            meta.join(" ")
        );
    }
    Ok(())
}
