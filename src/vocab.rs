//! A vocabulary of token normal forms, numbered from 0: the words of the
//! gazetteer's keys, and (a table of its own) the words of the rules and
//! lexicons. A text token is looked up by [`Vocab::token_id`].
//!
//! All strings live in one buffer; an open-addressing table (linear
//! probing, at most 3/8 full, indexed by the top bits of a multiplicative
//! hash) maps them to their numbers. A slot holds the
//! string itself when it is at most 8 bytes long (most tokens are), else
//! its 64-bit hash, next to its length and number; so a lookup compares
//! no string bytes outside the table except for a long string that
//! matches the hash, and a miss (most text tokens are in no key) usually
//! reads one cache line.

use crate::error::{Error, ErrorKind};
use crate::hash::{hash_medium, hash_word, key_and_hash, pack};
use crate::normalize::{self, ASCII_FORM_MAX, MASKS};
use crate::tokenize::Token;

/// One table slot. `meta` is 0 when the slot is empty, else the string's
/// length (upper half) and number + 1 (lower half).
#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    key: u64,
    meta: u64,
}

/// A slot as the table stores it: `[key, meta]`. An array of integers
/// rather than the struct, because `vec!` asks the allocator for zeroed
/// memory for a table of those (all empty), which for a large table comes
/// zeroed already, where a table of structs is written over once more:
/// 4 M instructions in building a 27k-alias gazetteer.
type RawSlot = [u64; 2];

/// A table of `size` empty slots.
fn empty_slots(size: usize) -> Vec<RawSlot> {
    vec![[0; 2]; size]
}

/// What a slot holds for `s` and the hash that picks its slot, for every
/// lookup and insertion: as `hash::key_and_hash`, but a short string's
/// hash leaves its length out (see `hash::hash_word`): strings that differ
/// only in trailing NUL bytes share a probe sequence, and their slots'
/// lengths tell them apart.
fn slot_key_and_hash(s: &[u8]) -> (u64, u64) {
    if s.len() <= 8 {
        let w = pack(s);
        (w, hash_word(w))
    } else {
        key_and_hash(s)
    }
}

/// Token normal forms and their numbers.
#[derive(Debug)]
pub(crate) struct Vocab {
    slots: Vec<RawSlot>,
    /// All strings, one after the other.
    text: String,
    /// Where string `i` ends in `text` (it starts where `i - 1` ends).
    ends: Vec<u32>,
    /// The length of the longest string.
    max_len: usize,
    /// 64 − log2(number of slots): a hash's top bits pick its slot.
    shift: u32,
    /// A number no other vocabulary of this process has had, given when
    /// it is made or cloned (see [`Vocab::stamp`]).
    serial: u64,
}

/// The last serial number given (see [`Vocab::stamp`]); 0 is never one.
static LAST_SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A serial number no vocabulary has had yet.
fn new_serial() -> u64 {
    LAST_SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1
}

impl Clone for Vocab {
    /// A copy with a serial number of its own: strings added to the copy
    /// and to the original from here on may get the same numbers, so the
    /// two must not share a [`Vocab::stamp`].
    fn clone(&self) -> Vocab {
        Vocab {
            slots: self.slots.clone(),
            text: self.text.clone(),
            ends: self.ends.clone(),
            max_len: self.max_len,
            shift: self.shift,
            serial: new_serial(),
        }
    }
}

impl Default for Vocab {
    fn default() -> Vocab {
        Vocab {
            slots: empty_slots(16),
            shift: 60,
            text: String::new(),
            ends: Vec::new(),
            max_len: 0,
            serial: new_serial(),
        }
    }
}

impl From<RawSlot> for Slot {
    #[inline]
    fn from([key, meta]: RawSlot) -> Slot {
        Slot { key, meta }
    }
}

impl Vocab {
    /// Slot `i` of the table.
    #[inline]
    fn slot(&self, i: usize) -> Slot {
        Slot::from(self.slots[i])
    }

    /// What stands for this vocabulary's numbering: its serial number
    /// (no other vocabulary of the process has it, a clone neither) and
    /// its number of strings. Strings are only ever added, each with the
    /// next number, so two lookups under one stamp give the same number
    /// for every string, [`Vocab::miss`] included. Never `(0, _)`. For
    /// caches of numbers kept across texts (`shape::WordCache`), valid only
    /// under the stamp that filled them.
    pub(crate) fn stamp(&self) -> (u64, usize) {
        (self.serial, self.ends.len())
    }

    /// The number of strings.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    fn bytes(&self, id: u32) -> &[u8] {
        let i = id as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text.as_bytes()[start..self.ends[i] as usize]
    }

    /// Every string, in the order of their numbers.
    pub(crate) fn strings(&self) -> impl Iterator<Item = &str> + '_ {
        // Cut from the buffer in one walk, not by `bytes` (hot, inlined).
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let s = self.text.get(start..end as usize).unwrap_or("");
            start = end as usize;
            s
        })
    }

    /// The string numbered `id`.
    #[cfg(test)]
    pub(crate) fn get_str(&self, id: u32) -> &str {
        std::str::from_utf8(self.bytes(id)).expect("whole strings are stored")
    }

    /// The slot of `s`: where it is, or the empty slot where it would go.
    /// Always inlined: building a gazetteer interns every key word, and
    /// as a call it cost about a fifth of each `intern`.
    #[inline(always)]
    fn find(&self, s: &[u8], key: u64, h: u64) -> (usize, Option<u32>) {
        let mask = self.slots.len() - 1;
        let len = (s.len() as u64) << 32;
        let mut i = (h >> self.shift) as usize;
        loop {
            let slot = self.slot(i);
            if slot.meta == 0 {
                return (i, None);
            }
            if slot.key == key && slot.meta >> 32 << 32 == len {
                let id = (slot.meta as u32) - 1;
                if s.len() <= 8 || self.bytes(id) == s {
                    return (i, Some(id));
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// The number of `s`, if it is in the vocabulary.
    #[inline]
    pub(crate) fn get(&self, s: &[u8]) -> Option<u32> {
        if s.len() > self.max_len {
            return None;
        }
        if s.len() <= 8 {
            // Packed into one word: the short probe, no slice compared.
            let id = self.get_short(pack(s), s.len());
            return (id != self.miss()).then_some(id);
        }
        let (key, h) = slot_key_and_hash(s);
        self.find(s, key, h).1
    }

    /// The number that stands for "not in the vocabulary" in
    /// [`Vocab::get_padded`]: one past the last string's.
    pub(crate) fn miss(&self) -> u32 {
        self.ends.len() as u32
    }

    /// The number of `buf[..n]`, or [`Vocab::miss`] when it is not in the
    /// vocabulary. The lookup for text tokens: it reads `buf` past `n`
    /// (whatever it holds) to make a short string's word without branching
    /// on its length, and decides hit or miss without a branch.
    #[inline]
    pub(crate) fn get_padded(&self, buf: &[u8; ASCII_FORM_MAX], n: usize) -> u32 {
        if n > self.max_len {
            return self.miss();
        }
        if n > 8 {
            // `get` without its length check (done above), probed here:
            // as a call it costs about a tenth of a long token's lookup.
            let Some(s) = buf.get(..n) else { return self.miss() };
            let (key, h) = slot_key_and_hash(s);
            return self.find(s, key, h).1.unwrap_or_else(|| self.miss());
        }
        let w =
            u64::from_le_bytes([buf[0], buf[1], buf[2], buf[3], buf[4], buf[5], buf[6], buf[7]])
                & MASKS[n];
        self.get_short(w, n)
    }

    /// The number of the normal form of `tok` (a token of `text`), or
    /// [`Vocab::miss`]. Four ways to the form, fastest first: a short
    /// ASCII word as one `u64`, a longer one (up to 16 bytes) as two,
    /// another ASCII token in a stack buffer, the rest written into `norm`.
    #[inline]
    pub(crate) fn token_id(&self, text: &str, tok: &Token, norm: &mut String) -> u32 {
        if let Some((w, n)) = normalize::short_form(text.as_bytes(), tok) {
            return self.get_short(w, n);
        }
        if let Some((first, last, n)) = normalize::medium_form(text.as_bytes(), tok) {
            return self.get_medium(first, last, n);
        }
        self.other_token_id(text, tok, norm)
    }

    /// [`Vocab::token_id`] of a token that is no ASCII word of up to 16
    /// bytes (one in twenty): out of line, so that a loop over tokens
    /// keeps its registers for the two fast ways.
    #[inline(never)]
    fn other_token_id(&self, text: &str, tok: &Token, norm: &mut String) -> u32 {
        if let Some((w, n)) = normalize::mark_form(text, tok) {
            return self.get_short(w, n);
        }
        let mut small = [0u8; ASCII_FORM_MAX];
        if let Some(n) = normalize::ascii_form(text, tok, &mut small) {
            return self.get_padded(&small, n);
        }
        if text.get(tok.span.start..tok.span.end).is_none() {
            return self.miss();
        }
        norm.clear();
        normalize::push_token(text, tok, norm);
        self.get(norm.as_bytes()).unwrap_or_else(|| self.miss())
    }

    /// [`Vocab::token_id`] of each of `tokens` (of `text`) into `ids`,
    /// which is cleared first. Out of line: a loop of its own, whose few
    /// live values stay in registers (inlined into the matching loop, more
    /// of them went to the stack and back every token).
    #[inline(never)]
    pub(crate) fn token_ids(
        &self,
        text: &str,
        tokens: &[Token],
        ids: &mut Vec<u32>,
        norm: &mut String,
    ) {
        // Filled in place: a plain loop over two slices of one length,
        // without `extend`'s capacity bookkeeping per token.
        ids.clear();
        ids.resize(tokens.len(), self.miss());
        for (id, t) in ids.iter_mut().zip(tokens) {
            *id = self.token_id(text, t, norm);
        }
    }

    /// The number of the string of `n` bytes (at most 8) packed in `w`
    /// (little-endian, zero past `n`), or [`Vocab::miss`]: the probe of
    /// [`Vocab::get_padded`] for a caller that has the word already (see
    /// `normalize::short_form`).
    #[inline]
    pub(crate) fn get_short(&self, w: u64, n: usize) -> u32 {
        debug_assert!(n <= 8 && w & !MASKS[n.min(8)] == 0);
        // No test of `n` against the longest string: a length no string
        // has matches no slot, and the probe stops at an empty one.
        let mask = self.slots.len() - 1;
        let mut i = (hash_word(w) >> self.shift) as usize;
        loop {
            let slot = self.slot(i);
            // `meta - 1` is length and number side by side, and all ones
            // for an empty slot, whose length half then matches no `n`:
            // one comparison rules out empty slots and other lengths. A
            // short string's slot holds all of it: key and length tell.
            let m = slot.meta.wrapping_sub(1);
            if slot.key == w && m >> 32 == n as u64 {
                return m as u32;
            }
            if slot.meta == 0 {
                return self.miss();
            }
            i = (i + 1) & mask;
        }
    }

    /// The number of the string of `n` bytes (9 to 16) whose first and last
    /// eight bytes are `first` and `last` (little-endian), or
    /// [`Vocab::miss`]: the probe of [`Vocab::get_padded`] for a caller
    /// that has the two words already (see `normalize::medium_form`). A
    /// string found by its hash is compared as two words, not as a slice.
    #[inline]
    pub(crate) fn get_medium(&self, first: u64, last: u64, n: usize) -> u32 {
        debug_assert!((9..=16).contains(&n));
        let h = hash_medium(first, last, n);
        let len = (n as u64) << 32;
        let mask = self.slots.len() - 1;
        let mut i = (h >> self.shift) as usize;
        loop {
            let slot = self.slot(i);
            if slot.meta == 0 {
                return self.miss();
            }
            if slot.key == h && slot.meta >> 32 << 32 == len {
                let id = (slot.meta as u32) - 1;
                let s = self.bytes(id);
                let word = |b: Option<&[u8; 8]>| b.map(|b| u64::from_le_bytes(*b));
                if word(s.first_chunk()) == Some(first) && word(s.last_chunk()) == Some(last) {
                    return id;
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// The number of `s`, adding it if it is new.
    ///
    /// # Errors
    ///
    /// When the strings would pass 4 GiB or 2³² − 2 entries.
    pub(crate) fn intern(&mut self, s: &str) -> Result<u32, Error> {
        let (key, h) = slot_key_and_hash(s.as_bytes());
        let (slot, found) = self.find(s.as_bytes(), key, h);
        if let Some(id) = found {
            return Ok(id);
        }
        let id = self.ends.len();
        let end = self.text.len() + s.len();
        if id >= u32::MAX as usize - 1 || end > u32::MAX as usize {
            return Err(Error::new(ErrorKind::Build("gazetteer vocabulary too large".into())));
        }
        self.text.push_str(s);
        self.ends.push(end as u32);
        self.max_len = self.max_len.max(s.len());
        self.slots[slot] = [key, (s.len() as u64) << 32 | (id as u64 + 1)];
        // Most text tokens miss, and a miss probes until an empty slot:
        // ½(1 + 1/(1 − load)²) slots with linear probing, 1.3 to 1.8 as the
        // load goes from 3/16 to 3/8 between growths (1.6 to 4.1 from 5/16
        // to 5/8), for twice the table at most.
        if self.ends.len() * 8 > self.slots.len() * 3 {
            self.grow();
        }
        Ok(id as u32)
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, empty_slots(size));
        self.shift -= 1;
        let mask = size - 1;
        for raw in old.into_iter().filter(|&[_, meta]| meta != 0) {
            let Slot { key, meta } = Slot::from(raw);
            let n = (meta >> 32) as usize;
            let h = if n <= 8 { hash_word(key) } else { key };
            let mut i = (h >> self.shift) as usize;
            while self.slot(i).meta != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = raw;
        }
    }

    /// Releases spare capacity once the vocabulary is complete.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }

    /// Heap bytes in use.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<RawSlot>()
            + self.text.capacity()
            + self.ends.capacity() * std::mem::size_of::<u32>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intern_and_lookup() {
        let mut v = Vocab::default();
        // Short and long strings, and strings that share their first or
        // last 8 bytes.
        let words: Vec<String> = (0..5000)
            .map(|i| match i % 3 {
                0 => format!("w{i}"),
                1 => format!("a-long-prefix-{i}"),
                _ => format!("{i}-a-long-suffix"),
            })
            .collect();
        for (i, w) in words.iter().enumerate() {
            assert_eq!(v.intern(w).unwrap(), i as u32);
        }
        // Interning again gives the same number; the table grew and kept
        // every string.
        for (i, w) in words.iter().enumerate() {
            assert_eq!(v.intern(w).unwrap(), i as u32);
            assert_eq!(v.get(w.as_bytes()), Some(i as u32));
            assert_eq!(v.get_str(i as u32), w);
        }
        assert_eq!(v.len(), 5000);
        assert!(v.slots.len() * 3 >= 5000 * 8);
        for miss in ["w5000", "w1", "a-long-prefix-5000", "a-long-prefix-1 ", "w", "", "W0"] {
            assert_eq!(v.get(miss.as_bytes()), None, "{miss}");
        }
        assert_eq!(v.get(b"a-long-prefix-1000000000"), None, "longer than any string");
        assert_eq!(v.intern("").unwrap(), 5000);
        assert_eq!(v.get(b""), Some(5000));
        // A string of 8 bytes and one of 9 that starts with it.
        let a = v.intern("abcdefgh").unwrap();
        let b = v.intern("abcdefghi").unwrap();
        assert_ne!(a, b);
        assert_eq!(v.get(b"abcdefgh"), Some(a));
        assert_eq!(v.get(b"abcdefghi"), Some(b));
    }

    #[test]
    fn padded_lookup_ignores_the_padding() {
        let mut v = Vocab::default();
        let words = ["", "a", "ab\0", "abcdefgh", "abcdefghi", "a-much-longer-token-of-30-bytes"];
        for w in words {
            v.intern(w).unwrap();
        }
        let miss = v.miss();
        assert_eq!(miss, 6);
        for w in words {
            for pad in [0u8, b'x', 0xff] {
                let mut buf = [pad; ASCII_FORM_MAX];
                buf[..w.len()].copy_from_slice(w.as_bytes());
                assert_eq!(Some(v.get_padded(&buf, w.len())), v.get(w.as_bytes()), "{w:?}");
            }
        }
        let mut buf = [0u8; ASCII_FORM_MAX];
        buf[..2].copy_from_slice(b"ab");
        assert_eq!(v.get_padded(&buf, 2), miss, "`ab` is not `ab\\0`");
        buf[..9].copy_from_slice(b"abcdefghj");
        assert_eq!(v.get_padded(&buf, 9), miss);
        assert_eq!(v.get_padded(&buf, 31), miss, "longer than any string");
        // In an empty vocabulary, even the empty string is a miss.
        let empty = Vocab::default();
        assert_eq!(empty.get_padded(&[0; ASCII_FORM_MAX], 0), empty.miss());
    }

    #[test]
    fn two_word_lookup_agrees_with_the_slice_lookup() {
        let mut v = Vocab::default();
        // Strings of 9 to 16 bytes that share their first or last eight
        // bytes, and shorter and longer ones around them.
        let words = [
            "abcdefghi",
            "abcdefghij",
            "xbcdefghij",
            "abcdefghijklmnop",
            "abcdefghijklmnoq",
            "bcdefghijklmnop",
            "abcdefgh",
            "abcdefghijklmnopq",
        ];
        for w in words {
            v.intern(w).unwrap();
        }
        let probes = words.iter().copied().chain([
            "abcdefghk",
            "abcdefghijklmnoz",
            "zbcdefghijklmnop",
            "abcdefgh\0",
            "abcdefghi\0\0\0\0\0\0\0",
        ]);
        for p in probes {
            let b = p.as_bytes();
            if !(9..=16).contains(&b.len()) {
                continue;
            }
            let word = |s: &[u8]| u64::from_le_bytes(s.try_into().unwrap());
            let got = v.get_medium(word(&b[..8]), word(&b[b.len() - 8..]), b.len());
            assert_eq!(Some(got).filter(|&id| id != v.miss()), v.get(b), "{p:?}");
        }
    }

    /// [`Vocab::token_id`] gives every token of random text the number of
    /// its form as `normalize::push_token` writes it, with the forms of
    /// punctuation and possessives in the vocabulary (so that their fast
    /// path, `normalize::mark_form`, is taken on hits as well as misses).
    #[test]
    fn token_ids_agree_with_written_forms() {
        let mut v = Vocab::default();
        for w in ["'", "\"", "-", "_", "'s", "$", "\u{2026}", "\u{3002}", "israel", "a", "s"] {
            v.intern(w).unwrap();
        }
        let mut next = crate::testing::xorshift(0xfeed_beef);
        let (mut norm, mut slow) = (String::new(), String::new());
        let mut hits = 0;
        for _ in 0..2000 {
            let text = crate::normalize::tests::marked_text(&mut next);
            for t in &crate::tokenize::Tokenizer::new().tokenize(&text) {
                slow.clear();
                normalize::push_token(&text, t, &mut slow);
                let want = v.get(slow.as_bytes()).unwrap_or_else(|| v.miss());
                assert_eq!(v.token_id(&text, t, &mut norm), want, "{:?}", t.as_str(&text));
                hits += usize::from(want != v.miss());
            }
        }
        assert!(hits > 5000, "{hits}");
    }

    #[test]
    fn written_forms_are_found_where_they_stand_in_a_text() {
        let mut v = Vocab::default();
        let words = ["US", "Army", "Commander", "Q", "abcdefgh"];
        let ids: Vec<u32> = words.iter().map(|w| v.intern(w).unwrap()).collect();
        let text = "the US Army Commander Q abcdefgh us";
        let at = |start: usize, end: usize| text.as_bytes().get(start..end).and_then(|s| v.get(s));
        for (w, id) in words.iter().zip(&ids) {
            let start = text.find(w).unwrap();
            assert_eq!(at(start, start + w.len()), Some(*id), "{w}");
        }
        let us = text.rfind("us").unwrap();
        assert_eq!(at(us, us + 2), None, "case is kept");
        assert_eq!(at(0, 3), None, "not interned");
        assert_eq!(at(4, 3), None, "reversed range");
        assert_eq!(at(30, 99), None, "past the end");
        assert_eq!(at(3, 3), None, "empty, not interned");
    }
}
