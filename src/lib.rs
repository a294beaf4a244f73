#![forbid(unsafe_code)]
pub mod tokenize;
pub mod gazetteer;
mod normalize;
mod span;
mod error;
pub use span::Span;
pub use error::{Error, ErrorKind, Location};
pub use gazetteer::{Entry, EntryId, CaseMode, Gazetteer, GazetteerBuilder, GazMatch};
