//! The crate's string hash: one multiplication for strings of up to 8
//! bytes (most tokens), FxHash-style words for longer ones. The
//! gazetteer's vocabulary probes its own table with it (by the top bits,
//! which the last multiplication mixes from every bit before it), and
//! [`FastMap`] (the rule engine's vocabularies, labels, cue phrases, the
//! gazetteer builder's maps) uses it through [`FastHasher`], which adds a
//! final mix for the low bits those maps index by.

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// The final mix (of MurmurHash3's 64-bit finaliser's shape), so that all
/// bits depend on every input bit: for [`FastHasher`]'s `finish`, whose maps
/// index by the low bits, which a multiplication leaves poorly mixed.
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
pub(crate) fn pack(b: &[u8]) -> u64 {
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
pub(crate) fn hash_short(w: u64, n: usize) -> u64 {
    hash_word(w ^ (n as u64) << 61)
}

/// [`hash_short`] without the length: for a table whose slots tell
/// lengths apart themselves (the vocabulary's), one instruction less a
/// lookup.
#[inline]
pub(crate) fn hash_word(w: u64) -> u64 {
    w.wrapping_mul(K)
}

/// The hash of a longer string: FxHash-style multiply and rotate over
/// 8-byte words (the last one overlapping the one before). No final mix:
/// its one user that indexes by the hash itself, the vocabulary, takes
/// the top bits, which the last multiplication already makes depend on
/// every bit.
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
    h
}

/// [`hash_long`] of a string of 9 to 16 bytes from its first and its last
/// eight bytes (little-endian words, which overlap but for 16 bytes): the
/// two rounds `hash_long` makes for such a string, without the slice.
#[inline]
pub(crate) fn hash_medium(first: u64, last: u64, n: usize) -> u64 {
    debug_assert!((9..=16).contains(&n));
    let h = (n as u64).wrapping_mul(K);
    let h = (h.rotate_left(23) ^ first).wrapping_mul(K);
    (h.rotate_left(23) ^ last).wrapping_mul(K)
}

/// What a slot holds for `s`: its packed bytes or its hash (the `key`),
/// and the hash that picks the slot.
#[inline]
pub(crate) fn key_and_hash(s: &[u8]) -> (u64, u64) {
    if s.len() <= 8 {
        let w = pack(s);
        (w, hash_short(w, s.len()))
    } else {
        let h = hash_long(s);
        (h, h)
    }
}

/// A [`std::hash::Hasher`] built on the same hash, for the crate's maps
/// keyed by strings (std's default SipHash is slower, and its protection
/// against chosen keys is not needed for names from our own files).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.0 = (self.0.rotate_left(23) ^ key_and_hash(bytes).1).wrapping_mul(K);
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(23) ^ u64::from(i)).wrapping_mul(K);
    }

    fn finish(&self) -> u64 {
        finish(self.0)
    }
}

/// Makes [`FastHasher`]s.
pub(crate) type FastBuildHasher = std::hash::BuildHasherDefault<FastHasher>;

/// A `HashMap` with [`FastHasher`].
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, FastBuildHasher>;

#[cfg(test)]
mod tests {
    use super::*;

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
    fn medium_hash_is_the_long_hash() {
        let bytes: Vec<u8> = (0..16u8).map(|i| i.wrapping_mul(37) ^ 0x5a).collect();
        for n in 9..=16 {
            let s = &bytes[..n];
            let first = u64::from_le_bytes(s[..8].try_into().unwrap());
            let last = u64::from_le_bytes(s[n - 8..].try_into().unwrap());
            assert_eq!(hash_medium(first, last, n), key_and_hash(s).1, "len {n}");
        }
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
