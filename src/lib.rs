//! `recon` reads defence and security news and pulls out who and what is
//! named in it — people, military units, organisations, weapon systems,
//! places, dates — and how they are related.
//!
//! # Overview
//!
//! The pipeline runs in stages:
//!
//! 1. [`tokenize`]: words, numbers, designators (`Su-35`, `DF-21D`),
//!    abbreviations (`Gen.`, `U.S.`) and punctuation with UTF-8 byte
//!    offsets, and the sentences they form.
//! 2. [`gazetteer`]: a dictionary of canonical entities and their aliases,
//!    compiled into a trie over the tokens of their normal forms and
//!    matched token by token, leftmost-longest, with designator spelling variants,
//!    plurals, possessives and case rules.
//! 3. Entity rules ([`patterns`], the rule language of `docs/RULES.md`):
//!    people after titles and in appositions, units, weapons by designator,
//!    dates, money, quantities, found from context.
//! 4. One conflict policy for overlapping candidates (longest, then source,
//!    then label; the losers in [`Document::rejected`]), then in-document
//!    linking ("Singh" -> "Rajnath Singh", acronyms as `ALIAS_OF`), then
//!    persons of the gazetteer named by a short name alone ("Putin met
//!    Erdogan": see [`gazetteer::SHORT_NAMES`]).
//! 5. Relation rules: who holds which post, visited, met, bought, sold,
//!    made, operates what, with coordination, modality and evidence
//!    ([`Extractor::explain`]).
//!
//! The result is a [`Document`] of [`Entity`] and [`Relation`] values whose
//! spans point into the text, serialised by serde to the output contract.
//!
//! The main types:
//!
//! - [`Extractor`]: the compiled pipeline. [`Extractor::new`] gives the
//!   embedded default model; [`Extractor::builder`] adds or replaces
//!   gazetteers. It is immutable, `Send + Sync` and cheap to clone.
//! - [`GazetteerBuilder`] / [`Gazetteer`] / [`Entry`]: the dictionary.
//! - [`Document`], [`Entity`], [`Relation`], [`Span`]: the results.
//! - [`Error`] / [`ErrorKind`]: what building and loading report, with
//!   file, line and column.
//! - [`Limits`]: caps on document size, entities, gazetteer aliases and
//!   rules, for untrusted input.
//!
//! # Examples
//!
//! Extract with the embedded defaults:
//!
//! ```
//! use recon::Extractor;
//!
//! let ex = Extractor::new();
//! let text = "Poland took delivery of K2 Black Panther tanks from South Korea.";
//! let doc = ex.extract(text);
//! for e in doc.entities() {
//!     assert_eq!(&text[e.span()], e.text(&doc));
//! }
//! let labels: Vec<&str> = doc.entities().iter().map(|e| e.label()).collect();
//! assert!(labels.contains(&"WEAPON_SYSTEM"));
//! ```
//!
//! Add entries of your own, from a file or in code:
//!
//! ```
//! use recon::{Entry, Extractor};
//!
//! let tsv = "canonical\tlabel\taliases\tid\n\
//!            Project Maven\tPROGRAM\tAlgorithmic Warfare Cross-Functional Team\tprog:maven\n";
//! let ex = Extractor::builder().gazetteer_tsv(tsv, Some("programs.tsv")).build()?;
//! let doc = ex.extract("The Pentagon expanded Project Maven.");
//! let e = doc.entities_with_label("PROGRAM").next().unwrap();
//! assert_eq!(e.id(), Some("prog:maven"));
//! # Ok::<(), recon::Error>(())
//! ```
//!
//! Read relations, with their modality and the rule behind them:
//!
//! ```
//! use recon::{Extractor, Modality};
//!
//! let ex = Extractor::new();
//! let doc = ex.extract("Egypt is reportedly in talks to buy J-10C fighters from China.");
//! let buy = doc.relations().iter().find(|r| r.label() == "ACQUIRES").unwrap();
//! assert_eq!(doc.entities()[buy.head()].canonical(), "Egypt");
//! assert_eq!(buy.modality(), Modality::Speculated);
//! println!("{}", ex.explain(&doc, buy));
//! ```
//!
//! Serialise to the JSON output contract:
//!
//! ```
//! let ex = recon::Extractor::new();
//! let mut doc = ex.extract("Sweden joined NATO.");
//! doc.set_id("doc-1");
//! let json = serde_json::to_string(&doc)?;
//! assert!(json.starts_with(r#"{"id":"doc-1","entities":[{"start":0,"end":6,"text":"Sweden""#));
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! # Crate features
//!
//! - `cli` (default): builds the `recon` command line and pulls in its
//!   argument parser. Library users can set `default-features = false`.
//!
//! # Untrusted input
//!
//! Extraction takes any `&str` and never fails or panics; every span it
//! reports lies on `char` boundaries of that text. Building from gazetteer
//! files reports every bad line as an [`Error`] with its location instead
//! of panicking.

#![forbid(unsafe_code)]
#![deny(missing_docs, rustdoc::broken_intra_doc_links)]
#![warn(missing_debug_implementations)]

mod defaults;
mod document;
mod error;
pub mod eval;
mod extractor;
pub mod gazetteer;
mod hash;
mod limits;
mod linking;
mod normalize;
pub mod output;
pub mod patterns;
mod relations;
mod resolve;
mod reuse;
mod rules;
mod span;
mod swar;
#[cfg(test)]
mod testing;
pub mod tokenize;
mod vocab;

pub use document::{Document, Entity, Modality, Relation, Source};
pub use error::{Error, ErrorKind, Location};
pub use extractor::{Explanation, Extractor, ExtractorBuilder, SEGMENT_BYTES};
pub use gazetteer::{CaseMode, Entry, EntryId, GazMatch, Gazetteer, GazetteerBuilder};
pub use limits::Limits;
pub use span::Span;

#[cfg(test)]
mod tests {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn public_types_are_send_and_sync() {
        assert_send_sync::<crate::Extractor>();
        assert_send_sync::<crate::Gazetteer>();
        assert_send_sync::<crate::Document<'static>>();
        assert_send_sync::<crate::Error>();
        assert_send_sync::<crate::tokenize::Tokenizer>();
    }
}

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
