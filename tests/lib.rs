//! The integration test binary: one harness, one module per area.

mod cli;
mod contract;
mod defaults;
mod entity_rules;
mod eval;
mod gazetteer_files;
mod linking;
mod output_formats;
mod properties;
mod relations;
mod robustness;
mod spec_examples;
mod tokenizer;

use std::path::{Path, PathBuf};

/// The directory of committed test inputs.
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("testdata")
}

/// The texts of the committed corpus, as (file name, text).
pub fn corpus() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(testdata().join("corpus"))
        .expect("corpus dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("utf-8 corpus file"))
        })
        .collect()
}
