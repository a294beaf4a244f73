//! The rule set's label ids, looked up by the bytes of a label.
//!
//! Every entity handed to the rules has its label looked up once per rule
//! set (22k a pass over the benchmark's news). Labels are few and short
//! (`PERSON`, `MILITARY_UNIT`), so they are numbered in the crate's string
//! table (`crate::vocab::Vocab`), whose probes for strings of up to 8 and
//! of 9 to 16 bytes compare packed words: no string hash and no `memcmp`
//! call, as a map of strings would need.

use crate::error::Error;
use crate::hash::pack;
#[cfg(test)]
use crate::hash::FastMap;
use crate::vocab::Vocab;

/// Label ids by label.
#[derive(Clone, Debug, Default)]
pub(crate) struct LabelIds {
    /// The labels, numbered in the order they were added.
    names: Vocab,
    /// The rule set's id of each label, by its number in `names`.
    ids: Vec<u16>,
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
        Ok(table)
    }

    /// The id of `label`, if a rule names it.
    #[inline]
    pub(crate) fn get(&self, label: &str) -> Option<u16> {
        let b = label.as_bytes();
        let n = match b.len() {
            0..=8 => self.names.get_short(pack(b), b.len()),
            9..=16 => self.names.get_medium(pack(&b[..8]), pack(&b[b.len() - 8..]), b.len()),
            _ => self.names.get(b)?,
        };
        // The table's miss is one past the last number: no id there.
        self.ids.get(n as usize).copied()
    }

    /// Whether no rule names a label.
    pub(crate) fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Approximate heap bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.names.heap_bytes() + self.ids.capacity() * std::mem::size_of::<u16>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table gives the map's answer for labels of every length from 0
    /// to 24 bytes, named or not, many sharing their first or last bytes.
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
            for label in &asked {
                assert_eq!(ids.get(label), map.get(label.as_str()).copied(), "{round}: {label:?}");
            }
        }
    }
}
