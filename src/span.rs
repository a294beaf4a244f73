//! Byte spans into the text a document was extracted from.

use serde::{Deserialize, Serialize};
use std::ops::{Index, Range};

/// A half-open range of UTF-8 byte offsets, `start..end`, into a text.
///
/// Every span recon reports lies on `char` boundaries of the text it was
/// computed from, so `&text[span]` never panics for that text.
///
/// # Examples
///
/// ```
/// use recon::Span;
///
/// let text = "Paris, France";
/// let span = Span::new(7, 13);
/// assert_eq!(&text[span], "France");
/// assert_eq!(span.len(), 6);
/// ```
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Span {
    /// The first byte of the span.
    pub start: usize,
    /// One past the last byte of the span.
    pub end: usize,
}

impl Span {
    /// Makes a span from `start..end`.
    #[inline]
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The number of bytes the span covers.
    #[inline]
    pub const fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// True when the span covers no byte.
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// The span as a `Range<usize>`.
    #[inline]
    pub const fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// True when the two spans share at least one byte.
    #[inline]
    pub const fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// True when `other` lies wholly inside this span.
    #[inline]
    pub const fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The smallest span covering both.
    #[inline]
    pub fn cover(&self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<Range<usize>> for Span {
    fn from(r: Range<usize>) -> Span {
        Span::new(r.start, r.end)
    }
}

impl Index<Span> for str {
    type Output = str;

    /// # Panics
    ///
    /// Panics when the span is out of bounds or not on `char` boundaries,
    /// as slicing a `str` does. Spans recon returns for a text never do.
    fn index(&self, span: Span) -> &str {
        &self[span.start..span.end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_and_cover() {
        let a = Span::new(0, 5);
        let b = Span::new(4, 8);
        let c = Span::new(5, 8);
        assert!(a.overlaps(b));
        assert!(!a.overlaps(c));
        assert_eq!(a.cover(c), Span::new(0, 8));
        assert!(Span::new(0, 8).contains(b));
        assert!(!b.contains(a));
        assert!(Span::new(3, 3).is_empty());
    }
}
