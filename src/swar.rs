//! Eight bytes at a time in one `u64` (SWAR): the byte tests that the
//! tokenizer's word scan, the normal forms and the token shapes share; and
//! the walk over a word's set bits that the rule engine's bit sets share.

/// `0x01` in every byte.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte.
pub(crate) const HIGH: u64 = ONES * 0x80;

/// The high bit of each byte of `w` that lies in `lo..=hi`, for a `w`
/// whose bytes are all below `0x80` (ASCII): each byte plus `0x80 - lo`
/// has its high bit set when it is `>= lo`, plus `0x7f - hi` when it is
/// `> hi`, and no sum carries into the next byte.
#[inline]
pub(crate) fn in_range(w: u64, lo: u8, hi: u8) -> u64 {
    debug_assert!(w & HIGH == 0 && lo <= hi && hi < 0x80);
    (w + ONES * u64::from(0x80 - lo)) & !(w + ONES * u64::from(0x7f - hi)) & HIGH
}

/// [`in_range`] for a `w` of any bytes, exact up to and including its
/// first byte of `0x80` or more (which is in no range, whatever it is):
/// only such a byte's sums can carry, and only into the bytes after it,
/// whose bits then mean nothing. For scans that stop at that byte anyway
/// (the tokenizer's word scan), without clearing the high bits first.
#[inline]
pub(crate) fn in_range_to_high(w: u64, lo: u8, hi: u8) -> u64 {
    debug_assert!(lo <= hi && hi < 0x80);
    w.wrapping_add(ONES * u64::from(0x80 - lo))
        & !w.wrapping_add(ONES * u64::from(0x7f - hi))
        & HIGH
}

/// The high bit of each of the first `n` bytes (`n` at most 8): what
/// [`in_range`] gives for a packed string of `n` bytes all in the range
/// (its zero padding in none).
#[inline]
pub(crate) fn low_flags(n: usize) -> u64 {
    debug_assert!(n <= 8);
    HIGH & crate::normalize::MASKS[n.min(8)]
}

/// Whether byte `b` occurs in `w`: a zero byte of `w ^ b...b` (exact as a
/// yes or no, though not as to which byte).
#[inline]
pub(crate) fn has_byte(w: u64, b: u8) -> bool {
    let v = w ^ (ONES * u64::from(b));
    v.wrapping_sub(ONES) & !v & HIGH != 0
}

/// The high bit of each byte of `w` that is `b`, exact for every byte
/// (where [`has_byte`] is exact only as a yes or no): for scans that need
/// the place of each such byte.
#[inline]
pub(crate) fn byte_flags(w: u64, b: u8) -> u64 {
    let v = w ^ (ONES * u64::from(b));
    // A byte of `v` is not zero when its low seven bits are not (adding
    // 0x7f to them sets its high bit, and carries no further) or its high
    // bit is set.
    let nonzero = ((v & !HIGH) + !HIGH) | v;
    !nonzero & HIGH
}

/// The lowest bit of each byte of `w`, byte `i`'s as bit `i`: the bits
/// masked to one a byte, then moved together into the top byte by one
/// multiplication (each bit's eight products land on distinct places, so
/// none carries, and only its own lands in the top byte).
#[inline]
pub(crate) fn low_bits_of_bytes(w: u64) -> u64 {
    (w & ONES).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// Calls `f` with the number of each set bit of `bits`, lowest first.
#[inline]
pub(crate) fn for_bits(mut bits: u64, mut f: impl FnMut(usize)) {
    while bits != 0 {
        f(bits.trailing_zeros() as usize);
        bits &= bits - 1;
    }
}

/// The first place at or after `from` that is in `among` (a bit set of
/// places: place `i` is bit `i % 64` of word `i / 64`) and for which `hit`
/// gives `Some(true)`; `len` when there is none. `hit` is a bounds-checked
/// read of `len` places (`slice.get(i).map(..)`, `None` past the end), so
/// that one comparison does for both tests. The scans of a sentence's
/// capitalised tokens (linking's sieve, the short names) walk the set this
/// way, so that the tokens outside it are not read at all.
#[inline(always)]
pub(crate) fn first_set_from(
    among: &[u64],
    from: usize,
    len: usize,
    mut hit: impl FnMut(usize) -> Option<bool>,
) -> usize {
    let mut w = from / 64;
    let Some(&first) = among.get(w) else { return len };
    let mut m = first & !0 << (from % 64);
    loop {
        while m != 0 {
            let i = w * 64 + m.trailing_zeros() as usize;
            m &= m - 1;
            if hit(i) == Some(true) {
                return i;
            }
        }
        w += 1;
        match among.get(w) {
            Some(&next) => m = next,
            None => return len,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `first_set_from` finds what a walk over every place finds, from
    /// every start: sets shorter and longer than `len`, sparse and dense
    /// hits.
    #[test]
    fn first_set_from_finds_the_first_hit_in_the_set() {
        let mut next = crate::testing::xorshift(0x0f17_57e7);
        for round in 0..500 {
            let among: Vec<u64> = (0..next() % 4).map(|_| next() | next()).collect();
            let len = (next() % 200) as usize;
            let hits: Vec<bool> = (0..len).map(|_| next() % (1 + round % 5) == 0).collect();
            let in_set = |i: usize| among.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 != 0);
            for from in 0..=len + 1 {
                let want = (from..len).find(|&i| in_set(i) && hits[i]).unwrap_or(len);
                let got = first_set_from(&among, from, len, |i| hits.get(i).copied());
                assert_eq!(got, want, "{among:x?} len {len} from {from}");
            }
        }
    }

    /// The low bit of each byte, gathered, against a loop over the bytes:
    /// every single bit, every byte value at every place, random words.
    #[test]
    fn low_bits_of_bytes_gathers_each_bytes_low_bit() {
        let by_bytes = |w: u64| (0..8).map(|i| (w >> (8 * i) & 1) << i).fold(0, |a, b| a | b);
        let mut words: Vec<u64> = (0..64).map(|b| 1u64 << b).collect();
        words.extend([0, !0, ONES, HIGH, !ONES, !HIGH]);
        for b in 0..=255u64 {
            words.extend((0..8).map(|at| b << (8 * at) | !(0xff << (8 * at)) & (ONES * 0x5a)));
        }
        let mut next = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15);
        words.extend((0..20_000).map(|_| next()));
        for w in words {
            assert_eq!(low_bits_of_bytes(w), by_bytes(w), "{w:#x}");
        }
    }

    /// Every ASCII byte at every place of a word, against every range.
    #[test]
    fn ranges_and_bytes_agree_with_byte_tests() {
        for (lo, hi) in [(b'A', b'Z'), (b'a', b'z'), (b'0', b'9'), (0, 0x7f), (b'x', b'x')] {
            for b in 0u8..0x80 {
                for at in 0..8 {
                    let fill = if b == b'q' { b'#' } else { b'q' };
                    let mut bytes = [fill; 8];
                    bytes[at] = b;
                    let w = u64::from_le_bytes(bytes);
                    let want: u64 = (0..8)
                        .filter(|&i| (lo..=hi).contains(&bytes[i]))
                        .map(|i| 0x80u64 << (8 * i))
                        .sum();
                    assert_eq!(in_range(w, lo, hi), want, "{bytes:?} in {lo}..={hi}");
                }
            }
        }
        // Any bytes: exact up to the first byte of 0x80 or more, whatever
        // comes after it.
        let mut next = crate::testing::xorshift(0x1234_5678_9abc_def1);
        let pick = [0u8, b'/', b'0', b'9', b':', b'@', b'A', b'Z', b'`', b'a', b'z', b'{', 0x7f];
        for _ in 0..20_000 {
            let mut bytes = [0u8; 8];
            for b in &mut bytes {
                let r = next();
                *b = if r % 3 == 0 {
                    r as u8 >> 1 | 0x80
                } else {
                    pick[(r >> 8) as usize % pick.len()]
                };
            }
            let w = u64::from_le_bytes(bytes);
            let upto = bytes.iter().position(|&b| b >= 0x80).map_or(8, |k| k + 1);
            let keep = crate::normalize::MASKS[upto];
            for (lo, hi) in [(b'0', b'9'), (b'a', b'z'), (0, 0x7f), (b'A', b'Z')] {
                let want: u64 = (0..8)
                    .filter(|&i| (lo..=hi).contains(&bytes[i]))
                    .map(|i| 0x80u64 << (8 * i))
                    .sum();
                assert_eq!(
                    in_range_to_high(w, lo, hi) & keep,
                    want & keep,
                    "{bytes:?} {lo}..={hi}"
                );
            }
        }
        for n in 0..=8 {
            let want: u64 = (0..n).map(|i| 0x80u64 << (8 * i)).sum();
            assert_eq!(low_flags(n), want, "{n} bytes");
        }
        for b in 0u8..=255 {
            for at in 0..8 {
                let mut bytes = [0x41u8; 8];
                bytes[at] = b;
                let w = u64::from_le_bytes(bytes);
                for probe in [0u8, b'-', b',', 0x41, 0x80, 0xff, b] {
                    assert_eq!(has_byte(w, probe), bytes.contains(&probe), "{bytes:?} {probe}");
                }
                // Every byte's flag, with the probe again at another place
                // (a borrow from a match would spoil the bytes above it).
                for (probe, again) in [(b, (at + 3) % 8), (0, 7), (0x80, 0), (b'\t', 5)] {
                    let mut bytes = bytes;
                    bytes[again] = probe;
                    let w = u64::from_le_bytes(bytes);
                    let want: u64 =
                        (0..8).filter(|&i| bytes[i] == probe).map(|i| 0x80u64 << (8 * i)).sum();
                    assert_eq!(byte_flags(w, probe), want, "{bytes:?} {probe}");
                }
            }
        }
    }
}
