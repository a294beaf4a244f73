//! The rule set's label ids, looked up by the bytes of a label.
//!
//! Every entity handed to the rules has its label looked up once per rule
//! set (22k a pass over the benchmark's news). Labels are few and short
//! (`PERSON`, `MILITARY_UNIT`), so each label of up to 16 bytes gets a slot
//! of its own in a small table (made large enough for that): a lookup is
//! one hash and one slot, hit or miss, with no probe loop, no string hash
//! and no `memcmp` call. The labels are numbered in the crate's string
//! table (`crate::vocab::Vocab`), which also serves longer labels and a
//! set no table of up to [`MAX_SLOTS`] slots parts.

use crate::error::Error;
#[cfg(test)]
use crate::hash::FastMap;
use crate::hash::{hash_word, pack};
use crate::vocab::Vocab;

/// Label ids by label.
#[derive(Clone, Debug, Default)]
pub(crate) struct LabelIds {
    /// The labels, numbered in the order they were added.
    names: Vocab,
    /// The rule set's id of each label, by its number in `names`.
    ids: Vec<u16>,
    /// The labels of up to 16 bytes, each alone in the slot its hash
    /// picks (empty when no table of up to [`MAX_SLOTS`] slots parts them).
    slots: Vec<Slot>,
    /// 64 − log2(number of slots): a hash's top bits pick the slot.
    shift: u32,
}

/// The most slots [`LabelIds::slots`] may take (a rule set names a few
/// dozen labels).
const MAX_SLOTS: usize = 1 << 12;

/// A label of up to 16 bytes as two words, and its id.
#[derive(Clone, Copy, Debug)]
struct Slot {
    /// The label's first 8 bytes and its last 8 past those ([`words`]).
    first: u64,
    last: u64,
    /// Its length; `u32::MAX` in an empty slot (no label is that long).
    len: u32,
    id: u16,
}

const EMPTY: Slot = Slot { first: 0, last: 0, len: u32::MAX, id: 0 };

/// A label of up to 16 bytes as two words: its first 8 bytes (zero past
/// its end) and, past 8 bytes, its last 8 (overlapping the first unless it
/// is 16 bytes long), else 0: with the length, the whole label.
#[inline]
fn words(b: &[u8]) -> Option<(u64, u64)> {
    match b.len() {
        0..=8 => Some((pack(b), 0)),
        9..=16 => {
            let word = |c: Option<&[u8; 8]>| c.map(|c| u64::from_le_bytes(*c));
            Some((word(b.first_chunk())?, word(b.last_chunk())?))
        }
        _ => None,
    }
}

/// The hash of a label from its [`words`] and length.
#[inline]
fn hash(first: u64, last: u64, n: usize) -> u64 {
    hash_word(first ^ last.rotate_left(29) ^ (n as u64) << 56)
}

impl LabelIds {
    /// The table of `labels` (label to id).
    ///
    /// # Errors
    ///
    /// When the labels would pass the string table's limits (4 GiB).
    pub(crate) fn new<'a>(
        labels: impl IntoIterator<Item = (&'a str, u16)>,
    ) -> Result<LabelIds, Error> {
        let mut table = LabelIds::default();
        for (label, id) in labels {
            let n = table.names.intern(label)? as usize;
            if table.ids.len() <= n {
                table.ids.resize(n + 1, 0);
            }
            table.ids[n] = id;
        }
        table.part();
        Ok(table)
    }

    /// Fills [`LabelIds::slots`]: the smallest table (up to
    /// [`MAX_SLOTS`]) in which no two labels of up to 16 bytes share a
    /// slot; none when there is no such table, and every lookup then
    /// probes `names`.
    fn part(&mut self) {
        let labels: Vec<(u64, u64, usize, u16)> = self
            .names
            .strings()
            .zip(&self.ids)
            .filter_map(|(l, &id)| words(l.as_bytes()).map(|(f, s)| (f, s, l.len(), id)))
            .collect();
        let mut size = (2 * labels.len()).next_power_of_two().max(8);
        while size <= MAX_SLOTS {
            let shift = 64 - size.trailing_zeros();
            let mut slots = vec![EMPTY; size];
            let parted = labels.iter().all(|&(first, last, n, id)| {
                let slot = &mut slots[(hash(first, last, n) >> shift) as usize];
                let free = slot.len == u32::MAX;
                *slot = Slot { first, last, len: n as u32, id };
                free
            });
            if parted {
                self.slots = slots;
                self.shift = shift;
                return;
            }
            size *= 2;
        }
    }

    /// The id of `label`, if a rule names it.
    #[inline]
    pub(crate) fn get(&self, label: &str) -> Option<u16> {
        let b = label.as_bytes();
        if let (Some((first, last)), false) = (words(b), self.slots.is_empty()) {
            // Every label of up to 16 bytes is alone in its slot: this one
            // is there, or it is no label of the rules.
            let slot = self.slots.get((hash(first, last, b.len()) >> self.shift) as usize)?;
            let hit = slot.first == first && slot.last == last && slot.len as usize == b.len();
            return hit.then_some(slot.id);
        }
        self.probe(b)
    }

    /// [`LabelIds::get`] of a label of more than 16 bytes, or of any label
    /// when no table parts them, by a probe of `names`. Out of line: no
    /// label of the default rules takes it, and inlined, its fields were
    /// loaded and spilled on entry to every caller's loop
    /// (`matcher::sentence_entities`: −0.39 M instructions over a benchmark
    /// run's extraction).
    #[cold]
    #[inline(never)]
    fn probe(&self, b: &[u8]) -> Option<u16> {
        self.ids.get(self.names.get(b)? as usize).copied()
    }

    /// Whether no rule names a label.
    pub(crate) fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Approximate heap bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.names.heap_bytes()
            + self.ids.capacity() * std::mem::size_of::<u16>()
            + self.slots.capacity() * std::mem::size_of::<Slot>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table gives the map's answer for labels of every length from 0
    /// to 24 bytes, named or not, many sharing their first or last bytes,
    /// and for near misses of the named ones.
    #[test]
    fn label_ids_agree_with_the_map() {
        let mut next = crate::testing::xorshift(0x001a_be15);
        let letters = b"AB_\0";
        let word = |next: &mut dyn FnMut() -> u64| {
            let n = next() as usize % 25;
            let bytes: Vec<u8> = (0..n).map(|_| letters[next() as usize % 4]).collect();
            String::from_utf8(bytes).unwrap_or_default()
        };
        for round in 0..200 {
            let mut map: FastMap<Box<str>, u16> = FastMap::default();
            for _ in 0..next() % 40 {
                let w = word(&mut next);
                let id = map.len() as u16;
                map.entry(w.into()).or_insert(id);
            }
            let ids = LabelIds::new(map.iter().map(|(l, &id)| (&**l, id))).unwrap();
            assert_eq!(ids.is_empty(), map.is_empty(), "{round}");
            let mut asked: Vec<String> = map.keys().map(|k| k.to_string()).collect();
            asked.extend((0..40).map(|_| word(&mut next)));
            asked.push("PERSON\0".into());
            // Labels' near misses: a byte past the eighth changed, or a NUL
            // added (the same words but for the length): in a small table,
            // some fall in their label's own slot.
            for l in map.keys() {
                asked.push(format!("{l}\0"));
                for at in 8..l.len() {
                    for &c in letters {
                        let mut b = l.as_bytes().to_vec();
                        b[at] = c;
                        asked.push(String::from_utf8(b).unwrap_or_default());
                    }
                }
            }
            for label in &asked {
                assert_eq!(ids.get(label), map.get(label.as_str()).copied(), "{round}: {label:?}");
            }
        }
    }
}
