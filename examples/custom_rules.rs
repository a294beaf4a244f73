//! Add rules of your own, from a file shipped with this example: a new
//! entity label (EXERCISE) and a new relation label (PARTICIPATES_IN).
//!
//! Run: `cargo run --example custom_rules`

use recon::Extractor;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/my_rules.rules");
    let ex = Extractor::builder().rules_path(&path).build()?;
    let text = "Finland joined Exercise Steadfast Noon for the first time, and the \
                Royal Navy took part in Operation Prosperity Guardian.";
    let doc = ex.extract(text);
    for e in doc.entities_with_label("EXERCISE") {
        println!("EXERCISE  {}  ({})", e.text(&doc), e.source());
    }
    for r in doc.relations().iter().filter(|r| r.label() == "PARTICIPATES_IN") {
        let (h, t) = (&doc.entities()[r.head()], &doc.entities()[r.tail()]);
        println!("{} -> {}  {:?}", h.canonical(), t.canonical(), r.attributes());
    }
    // A broken rule file is reported with its line and column.
    let err = Extractor::builder()
        .rules_str("entity x EXERCISE = e:\n    e:(Cap\n", Some("broken.rules"))
        .build();
    if let Err(e) = err {
        println!("as expected: {e}");
    }
    Ok(())
}
