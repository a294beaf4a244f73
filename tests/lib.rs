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
mod short_names;
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

/// Runs the `recon` binary with `args`, feeding `stdin` from a thread (the
/// program may write output before it has read all of its input, or exit
/// without reading it).
#[cfg(feature = "cli")]
pub fn run_recon(args: &[&str], stdin: &[u8]) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_recon"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run recon");
    let mut input = child.stdin.take().expect("stdin");
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let out = child.wait_with_output().expect("recon output");
    writer.join().expect("stdin writer");
    out
}
