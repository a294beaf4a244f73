//! The vocabulary: every distinct token normal form that occurs in a key,
//! numbered from 0.
//!
//! All strings live in one buffer; an open-addressing table (linear
//! probing, at most 5/8 full, indexed by the top bits of a multiplicative
//! hash) maps them to their numbers. A slot holds the
//! string itself when it is at most 8 bytes long (most tokens are), else
//! its 64-bit hash, next to its length and number; so a lookup compares
//! no string bytes outside the table except for a long string that
//! matches the hash, and a miss (most text tokens are in no key) usually
//! reads one cache line.

use crate::error::{Error, ErrorKind};
use crate::normalize::{ASCII_FORM_MAX, MASKS};

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// The final mix (of MurmurHash3's 64-bit finaliser's shape), so that all
/// bits depend on every input bit.
#[inline]
fn finish(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 29;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 32)
}

/// A string of at most 8 bytes as one little-endian word, zero-padded.
#[inline]
fn pack(b: &[u8]) -> u64 {
    let n = b.len();
    debug_assert!(n <= 8);
    let byte = |i: usize| u64::from(b[i]) << (8 * i);
    if n >= 4 {
        // Two 4-byte reads that overlap when n < 8: the shared bytes are
        // the same, so OR-ing them is exact.
        let lo = u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        let hi = u64::from(u32::from_le_bytes([b[n - 4], b[n - 3], b[n - 2], b[n - 1]]));
        lo | hi << (8 * (n - 4))
    } else if n > 0 {
        byte(0) | byte(n / 2) | byte(n - 1)
    } else {
        0
    }
}

/// The hash of a string of at most 8 bytes, from its packed word: one
/// multiplication, whose top bits (the table index) depend on every bit
/// of the word. (The length only tells apart strings that differ in
/// trailing NUL bytes, which the slot's length field tells apart anyway.)
#[inline]
fn hash_short(w: u64, n: usize) -> u64 {
    (w ^ (n as u64) << 61).wrapping_mul(K)
}

/// The hash of a longer string: FxHash-style multiply and rotate over
/// 8-byte words (the last one overlapping the one before), then the final
/// mix.
fn hash_long(b: &[u8]) -> u64 {
    let word = |i: usize| {
        let w: [u8; 8] = b[i..i + 8].try_into().expect("8 bytes");
        u64::from_le_bytes(w)
    };
    let n = b.len();
    let mut h = (n as u64).wrapping_mul(K);
    let mut i = 0;
    while i + 8 <= n {
        h = (h.rotate_left(23) ^ word(i)).wrapping_mul(K);
        i += 8;
    }
    if i < n {
        h = (h.rotate_left(23) ^ word(n - 8)).wrapping_mul(K);
    }
    finish(h)
}

/// What a slot holds for `s`: its packed bytes or its hash (the `key`),
/// and the hash that picks the slot.
#[inline]
fn key_and_hash(s: &[u8]) -> (u64, u64) {
    if s.len() <= 8 {
        let w = pack(s);
        (w, hash_short(w, s.len()))
    } else {
        let h = hash_long(s);
        (h, h)
    }
}

/// A [`std::hash::Hasher`] built on the same hash, for the builder's
/// small maps keyed by strings (std's default SipHash is slower and its
/// protection against chosen keys is not needed for gazetteer ids).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = (self.0.rotate_left(23) ^ key_and_hash(bytes).1).wrapping_mul(K);
    }

    fn finish(&self) -> u64 {
        finish(self.0)
    }
}

/// Makes [`FastHasher`]s.
pub(crate) type FastBuildHasher = std::hash::BuildHasherDefault<FastHasher>;

/// One table slot. `meta` is 0 when the slot is empty, else the string's
/// length (upper half) and number + 1 (lower half).
#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    key: u64,
    meta: u64,
}

/// Token normal forms and their numbers.
#[derive(Clone, Debug)]
pub(crate) struct Vocab {
    slots: Vec<Slot>,
    /// All strings, one after the other.
    text: String,
    /// Where string `i` ends in `text` (it starts where `i - 1` ends).
    ends: Vec<u32>,
    /// The length of the longest string.
    max_len: usize,
    /// 64 − log2(number of slots): a hash's top bits pick its slot.
    shift: u32,
}

impl Default for Vocab {
    fn default() -> Vocab {
        Vocab {
            slots: vec![Slot::default(); 16],
            shift: 60,
            text: String::new(),
            ends: Vec::new(),
            max_len: 0,
        }
    }
}

impl Vocab {
    /// The number of strings.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    fn bytes(&self, id: u32) -> &[u8] {
        let i = id as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text.as_bytes()[start..self.ends[i] as usize]
    }

    /// The string numbered `id`.
    #[cfg(test)]
    pub(crate) fn get_str(&self, id: u32) -> &str {
        std::str::from_utf8(self.bytes(id)).expect("whole strings are stored")
    }

    /// The slot of `s`: where it is, or the empty slot where it would go.
    #[inline]
    fn find(&self, s: &[u8], key: u64, h: u64) -> (usize, Option<u32>) {
        let mask = self.slots.len() - 1;
        let len = (s.len() as u64) << 32;
        let mut i = (h >> self.shift) as usize;
        loop {
            let slot = self.slots[i];
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
        let (key, h) = key_and_hash(s);
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
            return self.get(&buf[..n]).unwrap_or_else(|| self.miss());
        }
        let w =
            u64::from_le_bytes([buf[0], buf[1], buf[2], buf[3], buf[4], buf[5], buf[6], buf[7]])
                & MASKS[n];
        let mask = self.slots.len() - 1;
        let mut i = (hash_short(w, n) >> self.shift) as usize;
        loop {
            let slot = self.slots[i];
            let empty = slot.meta == 0;
            // A short string's slot holds all of it: key and length tell.
            let same = (slot.key == w) & (slot.meta >> 32 == n as u64) & !empty;
            if same | empty {
                let id = (slot.meta as u32).wrapping_sub(1);
                return if same { id } else { self.miss() };
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
        let (key, h) = key_and_hash(s.as_bytes());
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
        self.slots[slot] = Slot { key, meta: (s.len() as u64) << 32 | (id as u64 + 1) };
        if self.ends.len() * 8 > self.slots.len() * 5 {
            self.grow();
        }
        Ok(id as u32)
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        self.shift -= 1;
        let mask = size - 1;
        for slot in old.into_iter().filter(|s| s.meta != 0) {
            let n = (slot.meta >> 32) as usize;
            let h = if n <= 8 { hash_short(slot.key, n) } else { slot.key };
            let mut i = (h >> self.shift) as usize;
            while self.slots[i].meta != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }

    /// Releases spare capacity once the vocabulary is complete.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }

    /// Heap bytes in use.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<Slot>()
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
        assert!(v.slots.len() * 5 >= 5000 * 8);
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
    fn fast_hasher_tells_strings_apart() {
        use std::hash::BuildHasher;
        let b = FastBuildHasher::default();
        // Short and long strings; and the bits hashbrown uses (the low
        // ones to pick a group, the top 7 as a tag) vary.
        for prefix in ["id:", "wpn:a-long-stable-identifier-"] {
            let hashes: Vec<u64> =
                (0..10_000).map(|i| b.hash_one(format!("{prefix}{i}"))).collect();
            let distinct = |f: &dyn Fn(u64) -> u64| {
                hashes.iter().map(|&h| f(h)).collect::<std::collections::HashSet<u64>>().len()
            };
            assert_eq!(distinct(&|h| h), 10_000, "{prefix}");
            assert!(distinct(&|h| h & 0xFFFF) > 8_000, "{prefix}");
            assert_eq!(distinct(&|h| h >> 57), 128, "{prefix}");
        }
        assert_eq!(b.hash_one("x"), b.hash_one(String::from("x")));
        let mut m: std::collections::HashMap<String, usize, FastBuildHasher> = Default::default();
        m.insert("a".into(), 1);
        assert_eq!(m.get("a"), Some(&1));
        assert_eq!(m.get("b"), None);
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
    fn packing_is_exact() {
        for n in 0..=8 {
            let s: Vec<u8> = (1..=n as u8).collect();
            let mut want = [0u8; 8];
            want[..n].copy_from_slice(&s);
            assert_eq!(pack(&s), u64::from_le_bytes(want), "len {n}");
        }
    }

    #[test]
    fn hash_uses_every_byte() {
        // Strings that differ in one byte only, at every position and
        // length, land in different slots of a 65,536-slot table (whose
        // index is the top 16 bits).
        for n in 1..24 {
            let base = vec![b'a'; n];
            for i in 0..n {
                let mut other = base.clone();
                other[i] = b'b';
                let (a, b) = (key_and_hash(&base).1, key_and_hash(&other).1);
                assert_ne!(a >> 48, b >> 48, "len {n} byte {i}");
            }
        }
        assert_ne!(key_and_hash(b"ab").1, key_and_hash(b"ab\0").1);
    }
}
