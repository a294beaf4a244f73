//! Caps on the work one input can cause, so that an untrusted document,
//! gazetteer or rule file gives an error (or a truncated result), never a
//! crash or an out-of-memory.
//!
//! [`Limits`] holds the caps that can be configured, with
//! [`ExtractorBuilder::limits`](crate::ExtractorBuilder::limits). The
//! complexity of one rule pattern (repetition bounds, nesting depth,
//! compiled size, steps per sentence) is bounded by the fixed limits in
//! [`patterns::limits`](crate::patterns::limits), documented in
//! `docs/RULES.md`; a pattern over them is an [`ErrorKind::Rule`] error
//! at build time.
//!
//! [`ErrorKind::Rule`]: crate::ErrorKind::Rule

/// Configurable caps on documents, gazetteers and rules.
///
/// Building an extractor with more gazetteer aliases, a longer alias or
/// more rules than allowed fails with an
/// [`ErrorKind::Limit`](crate::ErrorKind::Limit) error naming the cap.
/// Extraction never fails: a document over
/// [`max_document_bytes`](Limits::max_document_bytes) is cut (on a `char`
/// boundary) and only its beginning is read, and past
/// [`max_entities`](Limits::max_entities) no more entities are kept; the
/// [`Document`](crate::Document) says so
/// ([`Document::truncated`](crate::Document::truncated),
/// [`Document::entities_truncated`](crate::Document::entities_truncated)).
///
/// # Examples
///
/// ```
/// use recon::{ErrorKind, Extractor, Limits};
///
/// let limits = Limits { max_document_bytes: 12, ..Limits::default() };
/// let ex = Extractor::builder().limits(limits).build()?;
/// let doc = ex.extract("Sweden joined NATO.");
/// assert!(doc.truncated());
/// assert_eq!(doc.text(), "Sweden joine");
///
/// let limits = Limits { max_alias_bytes: 8, ..Limits::default() };
/// let err = Extractor::builder()
///     .default_gazetteer(false)
///     .gazetteer_tsv("canonical\tlabel\nSteadfast Defender\tEXERCISE\n", Some("x.tsv"))
///     .limits(limits)
///     .build()
///     .unwrap_err();
/// assert!(matches!(err.kind(), ErrorKind::Limit(_)));
/// assert_eq!(err.to_string(), "x.tsv:2:1: limit exceeded: alias of 18 bytes, over the limit of 8 (max_alias_bytes)");
/// # Ok::<(), recon::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes of a document that are read; the rest is ignored and
    /// the document is marked truncated. Default:
    /// [`Limits::DEFAULT_MAX_DOCUMENT_BYTES`] (64 MiB).
    pub max_document_bytes: usize,
    /// Most entities kept in one document; extraction stops adding
    /// entities at the position where the cap is reached. Default:
    /// [`Limits::DEFAULT_MAX_ENTITIES`] (1,000,000).
    pub max_entities: usize,
    /// Most gazetteer aliases (canonical names included, the embedded
    /// defaults' too) in one extractor. Default:
    /// [`Limits::DEFAULT_MAX_ALIASES`] (2,000,000).
    pub max_aliases: usize,
    /// Longest gazetteer alias, in bytes. Default:
    /// [`Limits::DEFAULT_MAX_ALIAS_BYTES`] (1,024).
    pub max_alias_bytes: usize,
    /// Most rules (entity and relation rules, the embedded defaults'
    /// included) in one extractor. Default: [`Limits::DEFAULT_MAX_RULES`]
    /// (10,000).
    pub max_rules: usize,
}

impl Limits {
    /// Default of [`Limits::max_document_bytes`]: 64 MiB.
    pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 64 << 20;
    /// Default of [`Limits::max_entities`].
    pub const DEFAULT_MAX_ENTITIES: usize = 1_000_000;
    /// Default of [`Limits::max_aliases`].
    pub const DEFAULT_MAX_ALIASES: usize = 2_000_000;
    /// Default of [`Limits::max_alias_bytes`].
    pub const DEFAULT_MAX_ALIAS_BYTES: usize = 1024;
    /// Default of [`Limits::max_rules`].
    pub const DEFAULT_MAX_RULES: usize = 10_000;

    /// The documented defaults.
    pub const fn new() -> Limits {
        Limits {
            max_document_bytes: Limits::DEFAULT_MAX_DOCUMENT_BYTES,
            max_entities: Limits::DEFAULT_MAX_ENTITIES,
            max_aliases: Limits::DEFAULT_MAX_ALIASES,
            max_alias_bytes: Limits::DEFAULT_MAX_ALIAS_BYTES,
            max_rules: Limits::DEFAULT_MAX_RULES,
        }
    }

    /// No caps at all (pattern complexity stays bounded by
    /// [`patterns::limits`](crate::patterns::limits)). Only for trusted
    /// input.
    pub const fn unlimited() -> Limits {
        Limits {
            max_document_bytes: usize::MAX,
            max_entities: usize::MAX,
            max_aliases: usize::MAX,
            max_alias_bytes: usize::MAX,
            max_rules: usize::MAX,
        }
    }

    /// The longest prefix of `text` of at most `max_document_bytes` bytes
    /// that ends on a `char` boundary.
    pub(crate) fn cut<'t>(&self, text: &'t str) -> &'t str {
        if text.len() <= self.max_document_bytes {
            return text;
        }
        let mut end = self.max_document_bytes;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        &text[..end]
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::new()
    }
}

#[cfg(test)]
mod tests {
    use super::Limits;

    #[test]
    fn cut_is_on_a_char_boundary() {
        let l = Limits { max_document_bytes: 2, ..Limits::new() };
        assert_eq!(l.cut("aé"), "a");
        assert_eq!(l.cut("ab"), "ab");
        let l = Limits { max_document_bytes: 0, ..Limits::new() };
        assert_eq!(l.cut("é"), "");
        assert_eq!(Limits::unlimited().cut("abc"), "abc");
    }
}
