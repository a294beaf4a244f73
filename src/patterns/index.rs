//! The rule index: which rules a sentence can possibly fire.
//!
//! Each rule has triggers (see `compile`): words (from a literal, or the
//! first tokens of a lexicon's entries), entity labels (from `{LABEL}`
//! slots) or rare token shapes (`Ordinal`, `Num`, ...). At least one of a
//! rule's triggers is in every sentence it matches. The index maps each
//! trigger to its rules; a sentence collects the rules of the triggers it
//! holds, and only those are run. Rules without a trigger are always run.

use super::lists::Lists;
use super::shape::SHAPE_COUNT;

/// Something whose presence in a sentence makes a rule worth trying.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Trig {
    /// A token with this lower-case id.
    Word(u32),
    /// An entity with this label id starting in the sentence.
    Label(u16),
    /// A token with this shape (the shape's bit number).
    Shape(u8),
    /// A token that starts an entry of this lexicon (lexicon number below
    /// 64). Only in a rule's required groups, never in the index: the
    /// index lists a lexicon's first words instead.
    Lex(u8),
}

/// Trigger to rules.
#[derive(Clone, Debug, Default)]
pub(crate) struct Index {
    /// Rules of each word id.
    words: Lists<u32>,
    label_rules: Vec<Vec<u32>>,
    shape_rules: Vec<Vec<u32>>,
    /// Bits of the shapes some rule is triggered by.
    shape_mask: u16,
    always: Vec<u32>,
}

impl Index {
    /// Builds the index of `programs`' triggers.
    pub(crate) fn build(
        programs: &[super::compile::Program],
        words: usize,
        labels: usize,
    ) -> Index {
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut label_rules = vec![Vec::new(); labels];
        let mut shape_rules = vec![Vec::new(); SHAPE_COUNT];
        let mut shape_mask = 0u16;
        let mut always = Vec::new();
        for (r, p) in programs.iter().enumerate() {
            let r = r as u32;
            let Some(trigs) = &p.triggers else {
                always.push(r);
                continue;
            };
            for &t in trigs {
                match t {
                    Trig::Word(w) => pairs.push((w, r)),
                    Trig::Label(l) => {
                        label_rules.get_mut(l as usize).into_iter().for_each(|v| v.push(r))
                    }
                    Trig::Shape(s) => {
                        if let Some(v) = shape_rules.get_mut(s as usize) {
                            v.push(r);
                            shape_mask |= 1 << s;
                        }
                    }
                    // Not made by `triggers`; a rule that had one would be
                    // tried everywhere rather than missed.
                    Trig::Lex(_) => always.push(r),
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let words = Lists::from_pairs(pairs, words);
        Index { words, label_rules, shape_rules, shape_mask, always }
    }

    /// Approximate heap bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        let lists = self.label_rules.iter().chain(&self.shape_rules);
        self.words.heap_bytes()
            + 4 * self.always.capacity()
            + lists.map(|v| 24 + 4 * v.capacity()).sum::<usize>()
    }

    /// Rules triggered by word id `w` (none for an unknown id).
    #[inline]
    pub(crate) fn word(&self, w: u32) -> &[u32] {
        self.words.get(w)
    }

    /// Rules triggered by label id `l`.
    #[inline]
    pub(crate) fn label(&self, l: u16) -> &[u32] {
        self.label_rules.get(l as usize).map_or(&[], Vec::as_slice)
    }

    /// Rules triggered by the shape with bit number `s`.
    #[inline]
    pub(crate) fn shape(&self, s: usize) -> &[u32] {
        self.shape_rules.get(s).map_or(&[], Vec::as_slice)
    }

    /// The shapes some rule is triggered by, as bits.
    #[inline]
    pub(crate) fn shape_mask(&self) -> u16 {
        self.shape_mask
    }

    /// Rules tried on every sentence.
    #[inline]
    pub(crate) fn always(&self) -> &[u32] {
        &self.always
    }
}
