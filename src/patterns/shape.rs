//! Token shape tests: `Cap`, `Upper`, `Ordinal`, ... computed once per
//! token as a bit set.

use crate::tokenize::{Token, TokenKind};

/// A token shape test of the rule language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Shape {
    Cap,
    Upper,
    Lower,
    Num,
    Ordinal,
    Roman,
    Designator,
    Word,
    Abbr,
    Punct,
    Symbol,
    Possessive,
    Any,
    /// A four-digit year from 1900 to 2099.
    Year,
    /// A date written `2015-11-17`.
    IsoDate,
    /// No whitespace before the token: the `-` and `Castell` of
    /// `Ruiz-Castell`, the `,` of `Paris,`.
    Glued,
}

/// Every shape with its name in the rule language.
pub(crate) const SHAPES: &[(&str, Shape)] = &[
    ("Cap", Shape::Cap),
    ("Upper", Shape::Upper),
    ("Lower", Shape::Lower),
    ("Num", Shape::Num),
    ("Ordinal", Shape::Ordinal),
    ("Roman", Shape::Roman),
    ("Designator", Shape::Designator),
    ("Word", Shape::Word),
    ("Abbr", Shape::Abbr),
    ("Punct", Shape::Punct),
    ("Symbol", Shape::Symbol),
    ("Possessive", Shape::Possessive),
    ("Any", Shape::Any),
    ("Year", Shape::Year),
    ("IsoDate", Shape::IsoDate),
    ("Glued", Shape::Glued),
];

/// Number of shape bits (all 16 bits of the `u16` shape set are in use).
pub(crate) const SHAPE_COUNT: usize = 16;

impl Shape {
    /// The shape named `name` (exact case), if any.
    pub(crate) fn from_name(name: &str) -> Option<Shape> {
        SHAPES.iter().find(|(n, _)| *n == name).map(|&(_, s)| s)
    }

    /// The shape's bit in a token's shape set.
    #[inline]
    pub(crate) fn bit(self) -> u16 {
        1 << (self as u16)
    }

    /// True for shapes rare enough to select rules by: a sentence without
    /// such a token cannot match a rule that needs one. `Cap`, `Lower`,
    /// `Word`, `Punct`, `Any` and `Glued` (every comma and full stop) are
    /// in nearly every sentence.
    pub(crate) fn is_selective(self) -> bool {
        !matches!(
            self,
            Shape::Cap | Shape::Lower | Shape::Word | Shape::Punct | Shape::Any | Shape::Glued
        )
    }
}

/// The shape bits of each of `tokens`, tokens of `text`, appended to
/// `out`: [`shape_bits`] of each. Words of 1 to 16 ASCII letters (nine
/// tokens in ten that are words) and punctuation, symbols and
/// possessives (whose shapes are their kind's) take a path inlined in the
/// loop; the rest a call of [`shape_bits`], whose register saves and
/// slicing the common tokens need not pay.
pub(crate) fn shapes_into(text: &str, tokens: &[Token], out: &mut Vec<u16>) {
    let bytes = text.as_bytes();
    out.extend(tokens.iter().map(|t| quick_or_general(quick_shapes(bytes, t), text, t)));
}

/// The shapes of `t` from `quick`, the shapes a fast path found without
/// `Any` and `Glued`, or, when it found none (`None`), [`shape_bits`].
#[inline(always)]
fn quick_or_general(quick: Option<u16>, text: &str, t: &Token) -> u16 {
    match quick {
        Some(bits) => bits | glue_bits(t),
        None => shape_bits(text, t),
    }
}

/// [`shapes_into`] (into `shapes`) and `vocab.token_ids` (into `ids`) of
/// `tokens` in one pass, both cleared first: a word of one to 16 ASCII
/// bytes (nine tokens in ten that are words) is loaded, tested for ASCII
/// and has its capitals found once for its id and its shapes, where the
/// two passes each did it, each with its own loop (the shapes' pass was
/// about 80 instructions a short word); and a one-byte punctuation mark
/// (about a token in seven) has its id looked up once a text
/// ([`PunctIds`]). The ids are the gazetteer's, for its trie and the rules
/// (see `WordMap`), the shapes the rules' and linking's. Over the
/// benchmark run, 448.1 M → 444.0 M instructions: −2.1 M for the short
/// words, −2.0 M for the longer ones and the marks.
#[inline(never)]
pub(crate) fn ids_and_shapes_into(
    vocab: &crate::vocab::Vocab,
    text: &str,
    tokens: &[Token],
    ids: &mut Vec<u32>,
    shapes: &mut Vec<u16>,
    norm: &mut String,
    words: &mut WordCache,
) {
    use crate::swar::{in_range, HIGH};
    let bytes = text.as_bytes();
    let (cached, cached_long, cached_other) = words.slots_for(vocab);
    // Written in place. Every way through the loop below writes both the
    // token's id and its shapes, so the lists are only resized, not
    // cleared first: what an earlier, longer text left in them is
    // overwritten, not filled once more before. Over the benchmark run,
    // 411.87 M → 411.35 M instructions; 0.37 M of that is the `memset` of
    // the shapes, which callgrind counts a byte at a time (`rep stosb`),
    // so the time saved is smaller than the count says.
    ids.resize(tokens.len(), vocab.miss());
    shapes.resize(tokens.len(), 0);
    let mut punct = PunctIds::default();
    // A word's normal form is its bytes in lower case (as
    // `normalize::short_form` and `medium_form` give it): the high bit of
    // each capital moved to 0x20.
    let lower = |w: u64| w | in_range(w, b'A', b'Z') >> 2;
    for ((id, shape), t) in ids.iter_mut().zip(shapes.iter_mut()).zip(tokens) {
        let (start, n) = (t.span.start, t.span.end.wrapping_sub(t.span.start));
        if t.kind == TokenKind::Word && n.wrapping_sub(1) < 8 {
            if let Some(w) = crate::normalize::load_word(bytes, start, n) {
                // A word seen before: its id and shapes from the cache. No
                // ASCII test first: only ASCII words are cached.
                let slot = &mut cached[WordCache::slot_of(w)];
                if slot[0] == w {
                    *id = slot[1] as u32;
                    *shape = (slot[1] >> 32) as u16 | glue_bits(t);
                    continue;
                }
                if w & HIGH == 0 {
                    *id = vocab.get_short(lower(w), n);
                    *shape = match letters_word_shapes(w, n) {
                        Some(bits) => {
                            *slot = [w, u64::from(*id) | u64::from(bits) << 32];
                            bits | glue_bits(t)
                        }
                        None => shape_bits(text, t),
                    };
                    continue;
                }
            }
        } else if t.kind == TokenKind::Word && n.wrapping_sub(9) < 8 {
            if let Some(b) = bytes.get(start..t.span.end) {
                let word = |c: Option<&[u8; 8]>| c.map_or(HIGH, |c| u64::from_le_bytes(*c));
                let (first, last) = (word(b.first_chunk()), word(b.last_chunk()));
                // As for short words, with the length in the entry: the
                // two words alone do not tell it.
                let slot = &mut cached_long[WordCache::long_slot_of(first, last)];
                if slot[0] == first && slot[1] == last && slot[2] >> 48 == n as u64 {
                    *id = slot[2] as u32;
                    *shape = (slot[2] >> 32) as u16 | glue_bits(t);
                    continue;
                }
                if (first | last) & HIGH == 0 {
                    *id = vocab.get_medium(lower(first), lower(last), n);
                    *shape = match long_letters_shapes(b) {
                        Some(bits) => {
                            let value = u64::from(*id) | u64::from(bits) << 32 | (n as u64) << 48;
                            *slot = [first, last, value];
                            bits | glue_bits(t)
                        }
                        None => shape_bits(text, t),
                    };
                    continue;
                }
            }
        } else if t.kind == TokenKind::Punct && n == 1 {
            if let Some(known) = punct.id(vocab, text, t, norm) {
                *id = known;
                *shape = Shape::Punct.bit() | glue_bits(t);
                continue;
            }
        }
        (*id, *shape) = other_id_and_shapes(vocab, text, t, norm, cached_other);
    }
}

/// `vocab.token_id` and the shapes of `t`, a token that no fast way of
/// [`ids_and_shapes_into`] took (a number, a possessive, an abbreviation,
/// a designator, a mark of several bytes, a word that is not ASCII): for
/// one of one to eight bytes, from the entry of [`WordCache::others`]
/// that holds its bytes, kind and length, made on a miss. A token's id
/// and shapes (but `Any` and `Glued`) depend on its kind and bytes alone,
/// and these tokens repeat ("'s", "U.S.", "2024", "’"): 12.5k tokens a
/// benchmark run took this way, a vocabulary probe and the shape tests
/// (about 165 and, for abbreviations and designators, 415 instructions)
/// each. Out of line: the loop's common paths keep their registers.
#[inline(never)]
fn other_id_and_shapes(
    vocab: &crate::vocab::Vocab,
    text: &str,
    t: &Token,
    norm: &mut String,
    others: &mut [[u64; 2]; WordCache::OTHER_SLOTS],
) -> (u32, u16) {
    let bytes = text.as_bytes();
    let (start, n) = (t.span.start, t.span.end.wrapping_sub(t.span.start));
    let key = match n.wrapping_sub(1) < 8 {
        true => crate::normalize::load_word(bytes, start, n),
        false => None,
    };
    let Some(w) = key else {
        return (vocab.token_id(text, t, norm), quick_or_general(quick_shapes(bytes, t), text, t));
    };
    let tag = (t.kind as u64) << 8 | n as u64;
    let slot = &mut others[WordCache::slot_of(w) % WordCache::OTHER_SLOTS];
    if slot[0] == w && slot[1] >> 48 == tag {
        return (slot[1] as u32, (slot[1] >> 32) as u16 | glue_bits(t));
    }
    let id = vocab.token_id(text, t, norm);
    let shape = quick_or_general(quick_shapes(bytes, t), text, t);
    let bare = shape & !(Shape::Any.bit() | Shape::Glued.bit());
    *slot = [w, u64::from(id) | u64::from(bare) << 32 | tag << 48];
    (id, shape)
}

/// The vocabulary ids and shapes (without `Any` and `Glued`) of the
/// words of one to eight ASCII letters [`ids_and_shapes_into`] met last,
/// across texts: a direct-mapped table of [`WordCache::SLOTS`] entries, each
/// the word packed as `normalize::load_word` loads it (the key) and its id
/// and shapes (`id | shapes << 32`), picked by a multiplicative hash of the
/// word; and a second table for words of 9 to 16 letters. A word's id and
/// shapes depend on its bytes alone (for a token of kind `Word`, the only
/// one cached), so a hit is one load and comparison where the
/// lower-casing, the vocabulary probe and the shape tests of a miss are
/// about 75 instructions. Nine short words in ten hit, on the benchmark's
/// text and on 4 MB of fresh news alike (0.87 by a simulation; 0.79 with
/// 2,048 entries, 0.68 with 1,024), and two longer ones in three: the
/// common words of news text stay. Over the benchmark run, 429.8 M →
/// 421.6 M instructions for the short words, → 420.7 M with the longer
/// (8,192 short entries saved 0.5 M more for 40k more simulated data
/// misses). Valid only for the vocabulary whose [`Vocab::stamp`] it holds:
/// emptied when another one asks.
///
/// [`Vocab::stamp`]: crate::vocab::Vocab::stamp
#[derive(Debug, Default)]
pub(crate) struct WordCache {
    /// The stamp of the vocabulary the ids are of; `(0, 0)`, no
    /// vocabulary's, before the first text.
    stamp: (u64, usize),
    /// The entries, made for the first text (a scratch made for other
    /// work does not allocate them).
    slots: Option<Box<[[u64; 2]; WordCache::SLOTS]>>,
    /// The entries of words of 9 to 16 letters, made with `slots`: their
    /// first and last eight bytes (as `ids_and_shapes_into` loads them)
    /// and their id, shapes and length (`id | shapes << 32 | len << 48`).
    long: Option<Box<[[u64; 3]; WordCache::LONG_SLOTS]>>,
    /// The entries of other tokens of one to eight bytes (see
    /// [`other_id_and_shapes`]), made with `slots`: the token's bytes as
    /// `normalize::load_word` loads them, then its id, shapes (but `Any`
    /// and `Glued`), length and kind (`id | shapes << 32 | len << 48 |
    /// kind << 56`). Their bytes need not be ASCII: no token has eight
    /// bytes of `0xff` (the empty key), nor length 0 (an empty entry's).
    others: Option<Box<[[u64; 2]; WordCache::OTHER_SLOTS]>>,
}

impl WordCache {
    /// The number of entries: a power of two (64 KB of entries).
    const SLOTS: usize = 1 << 12;

    /// The number of entries for words of 9 to 16 letters: a power of
    /// two (24 KB of entries).
    const LONG_SLOTS: usize = 1 << 10;

    /// The number of entries for other tokens: a power of two (16 KB of
    /// entries), picked by the low bits of [`WordCache::slot_of`].
    const OTHER_SLOTS: usize = 1 << 10;

    /// The key of an empty entry: no word's (eight bytes of `0xff`, where
    /// a cached word is ASCII).
    const EMPTY: [u64; 2] = [u64::MAX, 0];

    /// An empty entry for a longer word: length 0, no word's.
    const EMPTY_LONG: [u64; 3] = [u64::MAX, u64::MAX, 0];

    /// The entry of word `w`: the top bits of its product by a 64-bit
    /// odd constant (the golden ratio's), which spread the few bytes in
    /// which words differ.
    #[inline(always)]
    fn slot_of(w: u64) -> usize {
        (w.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - Self::SLOTS.trailing_zeros())) as usize
    }

    /// The entry of a word of 9 to 16 bytes whose first and last eight
    /// bytes are `first` and `last`, picked as [`WordCache::slot_of`] picks.
    #[inline(always)]
    fn long_slot_of(first: u64, last: u64) -> usize {
        let w = first ^ last.rotate_left(29);
        (w.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - Self::LONG_SLOTS.trailing_zeros())) as usize
    }

    /// The entries, valid for `vocab`: emptied first when they were filled
    /// under another stamp (another vocabulary, or this one before strings
    /// were added to it), made empty when there were none.
    #[allow(clippy::type_complexity)]
    fn slots_for(
        &mut self,
        vocab: &crate::vocab::Vocab,
    ) -> (
        &mut [[u64; 2]; WordCache::SLOTS],
        &mut [[u64; 3]; WordCache::LONG_SLOTS],
        &mut [[u64; 2]; WordCache::OTHER_SLOTS],
    ) {
        let slots = table(&mut self.slots, Self::EMPTY);
        let long = table(&mut self.long, Self::EMPTY_LONG);
        let others = table(&mut self.others, Self::EMPTY);
        if self.stamp != vocab.stamp() {
            self.stamp = vocab.stamp();
            slots.fill(Self::EMPTY);
            long.fill(Self::EMPTY_LONG);
            others.fill(Self::EMPTY);
        }
        (slots, long, others)
    }
}

/// The table in `t`, made of `N` entries `empty` the first time it is
/// asked for (on the heap: the tables are kilobytes).
fn table<T: Copy + std::fmt::Debug, const N: usize>(
    t: &mut Option<Box<[T; N]>>,
    empty: T,
) -> &mut [T; N] {
    t.get_or_insert_with(|| vec![empty; N].into_boxed_slice().try_into().expect("N entries"))
}

/// The ids of the one-byte punctuation marks of a text, by byte, each
/// looked up the first time it comes: a text has a dozen kinds of marks
/// and thousands of them, and a lookup is a hash and a probe (about 60
/// instructions with its way through `Vocab::token_id`'s tests).
struct PunctIds([u32; 128]);

impl Default for PunctIds {
    fn default() -> PunctIds {
        // No id is `u32::MAX` (a vocabulary holds fewer strings).
        PunctIds([u32::MAX; 128])
    }
}

impl PunctIds {
    /// `vocab.token_id` of `tok`, a one-byte punctuation mark of `text`
    /// (`None` for a byte past ASCII, which no such token is): a token's
    /// id depends only on its kind and its bytes.
    #[inline]
    fn id(
        &mut self,
        vocab: &crate::vocab::Vocab,
        text: &str,
        tok: &Token,
        norm: &mut String,
    ) -> Option<u32> {
        debug_assert!(tok.kind == TokenKind::Punct && tok.span.len() == 1);
        let slot = self.0.get_mut(usize::from(*text.as_bytes().get(tok.span.start)?))?;
        if *slot == u32::MAX {
            *slot = vocab.token_id(text, tok, norm);
        }
        Some(*slot)
    }
}

/// `Any`, and `Glued` when no whitespace comes before `tok`: the shapes
/// that do not depend on the token's text.
#[inline]
fn glue_bits(tok: &Token) -> u16 {
    Shape::Any.bit() | if tok.space_before() { 0 } else { Shape::Glued.bit() }
}

/// The shapes of `tok` but `Any` and `Glued`, as [`kind_shapes`] gives
/// them, for the tokens whose shapes are cheap to tell: a word of 1 to 16
/// ASCII letters, a token whose kind alone gives them and a short number
/// without letters ([`number_shapes`]); `None` for the others.
#[inline(always)]
fn quick_shapes(bytes: &[u8], tok: &Token) -> Option<u16> {
    // Words first and the kinds whose shapes are their kind's by a table:
    // two tests, where a `match` on the kind is an indirect jump whose
    // target changes from token to token.
    if tok.kind != TokenKind::Word {
        // A kind past the table (none today) takes the general path.
        let bits = KIND_SHAPES.get(tok.kind as usize).copied().filter(|&bits| bits != 0);
        return bits.or_else(|| number_shapes(bytes, tok));
    }
    let (start, end) = (tok.span.start, tok.span.end);
    match end.wrapping_sub(start) {
        len @ 1..=8 => letters_word_shapes(crate::normalize::load_word(bytes, start, len)?, len),
        9..=16 => long_letters_shapes(bytes.get(start..end)?),
        _ => None,
    }
}

/// The shapes of a number token of one to eight ASCII bytes none of which
/// is a letter (`26`, `18,000`, `1.2`: nearly every number of news), as
/// [`kind_shapes`] gives them: `Num`, and `Year` when it is four bytes
/// starting `19` or `20`; `None` for any other token. Such a number has
/// no letter to be `Cap`, `Upper`, `Lower`, an ordinal, a Roman numeral or
/// a designator, and is too short for `IsoDate`; the general path counted
/// its characters, about 250 instructions a number (2.3 M of the 10.1 M
/// of shapes over the benchmark run's three passes; −0.8 M in all).
#[inline]
fn number_shapes(bytes: &[u8], tok: &Token) -> Option<u16> {
    use crate::swar::{in_range, HIGH, ONES};
    if tok.kind != TokenKind::Number {
        return None;
    }
    let (start, len) = (tok.span.start, tok.span.end.wrapping_sub(tok.span.start));
    if !(1..=8).contains(&len) {
        return None;
    }
    let w = crate::normalize::load_word(bytes, start, len)?;
    // With `0x20` set in every byte, a letter of either case is one of
    // `a..=z`, and no other ASCII byte is (the zero padding is `0x20`).
    if w & HIGH != 0 || in_range(w | (ONES * 0x20), b'a', b'z') != 0 {
        return None;
    }
    // "19" and "20" packed: their first byte is the low one.
    let year = len == 4 && matches!(w & 0xffff, 0x3931 | 0x3032);
    Some(Shape::Num.bit() | u16::from(year) << Shape::Year as u16)
}

/// By kind, the shapes of a token of that kind when its kind alone gives
/// them (punctuation, symbols, possessives: see [`kind_shapes`]), else 0.
const KIND_SHAPES: [u16; 7] = {
    let mut t = [0; 7];
    t[TokenKind::Punct as usize] = 1 << Shape::Punct as u16;
    t[TokenKind::Symbol as usize] = 1 << Shape::Symbol as u16;
    t[TokenKind::Possessive as usize] = 1 << Shape::Possessive as u16;
    t
};

/// The shapes of a word token of 9 to 16 ASCII letters `b`, as
/// [`kind_shapes`] gives them; `None` for any other `b`. Its first and
/// last eight bytes, which overlap, are its every byte; no such word is
/// an ordinal (five to seven letters), and it has no digit.
#[inline]
fn long_letters_shapes(b: &[u8]) -> Option<u16> {
    use crate::swar::{in_range, HIGH};
    let lo = u64::from_le_bytes(*b.first_chunk::<8>()?);
    let hi = u64::from_le_bytes(*b.last_chunk::<8>()?);
    if (lo | hi) & HIGH != 0 || b.len() > 16 {
        return None;
    }
    let upper = [in_range(lo, b'A', b'Z'), in_range(hi, b'A', b'Z')];
    let lower = [in_range(lo, b'a', b'z'), in_range(hi, b'a', b'z')];
    if upper[0] | lower[0] != HIGH || upper[1] | lower[1] != HIGH {
        return None;
    }
    let mut bits = word_case_bits(upper[0] & 0x80 != 0, upper[0] | upper[1] == 0);
    if lower[0] | lower[1] == 0 {
        bits |= Shape::Upper.bit();
        if is_roman_bytes(b) {
            bits |= Shape::Roman.bit();
        }
    }
    Some(bits)
}

/// The shape bits of `tok`, a token of `text`.
pub(crate) fn shape_bits(text: &str, tok: &Token) -> u16 {
    let span = tok.span.start..tok.span.end;
    let mut bits = Shape::Any.bit();
    if !tok.space_before() {
        bits |= Shape::Glued.bit();
    }
    // Most tokens are short words of ASCII letters: their shapes follow
    // from two byte masks, without the counts and tests of other tokens.
    // Their bytes are taken as bytes, without the two char-boundary tests
    // of a `str` slice: ASCII bytes start and end characters, so where
    // `letters_shapes` takes the bytes, the `str` slice is the same.
    let plain = match tok.kind {
        TokenKind::Word => text.as_bytes().get(span.clone()).and_then(letters_shapes),
        _ => None,
    };
    bits | plain.unwrap_or_else(|| kind_shapes(text.get(span).unwrap_or(""), tok.kind))
}

/// The shapes of a word token of one to eight ASCII letters `b`, as
/// [`kind_shapes`] gives them; `None` for any other `b`.
#[inline]
fn letters_shapes(b: &[u8]) -> Option<u16> {
    if b.is_empty() || b.len() > 8 {
        return None;
    }
    letters_word_shapes(crate::hash::pack(b), b.len())
}

/// [`letters_shapes`] of the `len` bytes (one to eight) packed as `w`.
#[inline(always)]
fn letters_word_shapes(w: u64, len: usize) -> Option<u16> {
    use crate::swar::{in_range, low_flags, HIGH};
    debug_assert!((1..=8).contains(&len) && w & !crate::normalize::MASKS[len] == 0);
    if w & HIGH != 0 {
        return None;
    }
    let upper = in_range(w, b'A', b'Z');
    let lower = in_range(w, b'a', b'z');
    // Every byte a letter; the zero padding is none.
    if upper | lower != low_flags(len) {
        return None;
    }
    // `Ordinal`, like `Cap` and `Lower`, as a bit from a comparison, not a
    // branch: how long a word is is in no pattern a predictor can learn.
    let mut bits = word_case_bits(upper & 0x80 != 0, upper == 0);
    // All upper case (few words; a word of letters has some of either).
    if lower == 0 {
        if len >= 2 {
            bits |= Shape::Upper.bit();
        }
        if is_roman_bytes(&w.to_le_bytes()[..len]) {
            bits |= Shape::Roman.bit();
        }
    }
    // In lower case: each upper-case letter's flag (0x80) moved to 0x20.
    Some(bits | u16::from(is_spelled_ordinal_word(w | upper >> 2)) << Shape::Ordinal as u16)
}

/// The shapes of a word of letters that its case gives: `Word`, `Cap`
/// when its first letter is upper case, `Lower` when it has no upper-case
/// letter. As bits from the two comparisons, not branches: whether a word
/// is capitalised is in no pattern a predictor can learn.
#[inline(always)]
fn word_case_bits(first_upper: bool, no_upper: bool) -> u16 {
    Shape::Word.bit()
        | u16::from(first_upper) << Shape::Cap as u16
        | u16::from(no_upper) << Shape::Lower as u16
}

/// `s` (at most eight bytes) packed as by `hash::pack`, for constants.
const fn packed(s: &[u8]) -> u64 {
    let mut w = 0;
    let mut i = 0;
    while i < s.len() {
        w |= (s[i] as u64) << (8 * i);
        i += 1;
    }
    w
}

/// The spelled ordinals of five to seven letters, packed.
const SPELLED_ORDINALS: [u64; 10] = [
    packed(b"first"),
    packed(b"second"),
    packed(b"third"),
    packed(b"fourth"),
    packed(b"fifth"),
    packed(b"sixth"),
    packed(b"seventh"),
    packed(b"eighth"),
    packed(b"ninth"),
    packed(b"tenth"),
];

/// [`SPELLED_ORDINALS`] by a perfect hash: each at slot
/// [`ordinal_slot`] of its packed word, the other slots `!0` (bytes of
/// `0xff`, no packed ASCII word); and the multiplier of the hash.
const ORDINAL_SLOTS: ([u64; 32], u64) = ordinal_slots();

/// The slot of packed word `w` in a table of 32 by multiplier `m`: the top
/// five bits of the product.
#[inline(always)]
const fn ordinal_slot(w: u64, m: u64) -> usize {
    (w.wrapping_mul(m) >> 59) as usize
}

/// [`ORDINAL_SLOTS`]: the first multiplier of a fixed sequence under which
/// no two spelled ordinals share a slot (about one in five does).
const fn ordinal_slots() -> ([u64; 32], u64) {
    let mut m: u64 = 0x9e37_79b9_7f4a_7c15;
    loop {
        let mut table = [!0u64; 32];
        let mut i = 0;
        while i < SPELLED_ORDINALS.len() && table[ordinal_slot(SPELLED_ORDINALS[i], m)] == !0 {
            table[ordinal_slot(SPELLED_ORDINALS[i], m)] = SPELLED_ORDINALS[i];
            i += 1;
        }
        if i == SPELLED_ORDINALS.len() {
            return (table, m);
        }
        m = m.wrapping_mul(0x5851_f42d_4c95_7f2d).wrapping_add(0x1405_7b7e_f767_814f) | 1;
    }
}

/// Whether the packed lower-case word `w` is `first` .. `tenth`: one slot
/// of [`ORDINAL_SLOTS`] compared, without a branch (a packed word equal to
/// one of five to seven letters has that length, so the length needs no
/// test of its own).
#[inline]
fn is_spelled_ordinal_word(w: u64) -> bool {
    let (table, m) = &ORDINAL_SLOTS;
    table[ordinal_slot(w, *m)] == w
}

/// The shapes of a token `s` of kind `kind` but `Any` and `Glued`: the
/// general way, for any token.
fn kind_shapes(s: &str, kind: TokenKind) -> u16 {
    let mut bits = 0;
    match kind {
        TokenKind::Word => bits |= Shape::Word.bit(),
        TokenKind::Number => {
            bits |= Shape::Num.bit();
            let b = s.as_bytes();
            if b.len() == 4 && (b.starts_with(b"19") || b.starts_with(b"20")) {
                bits |= Shape::Year.bit();
            }
            let digits_at = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
            if b.len() == 10
                && b[4] == b'-'
                && b[7] == b'-'
                && digits_at(0..4)
                && digits_at(5..7)
                && digits_at(8..10)
            {
                bits |= Shape::IsoDate.bit();
            }
        }
        TokenKind::Abbreviation => bits |= Shape::Abbr.bit(),
        TokenKind::Punct => return bits | Shape::Punct.bit(),
        TokenKind::Symbol => return bits | Shape::Symbol.bit(),
        TokenKind::Possessive => return bits | Shape::Possessive.bit(),
        TokenKind::Designator => {}
    }
    let Counts { letters, upper, lower, digits, first_upper, first_lower } = counts(s);
    if first_upper {
        bits |= Shape::Cap.bit();
    }
    if letters >= 2 && upper == letters {
        bits |= Shape::Upper.bit();
    }
    if lower == letters && first_lower {
        bits |= Shape::Lower.bit();
    }
    let ordinal = match (digits, letters) {
        (0, 5..=7) => is_spelled_ordinal(s),
        (1.., 2) => is_ordinal(s),
        _ => false,
    };
    if ordinal {
        bits |= Shape::Ordinal.bit();
    }
    if upper == letters && digits == 0 && is_roman(s) {
        bits |= Shape::Roman.bit();
    }
    if !ordinal && letters > 0 && digits > 0 {
        bits |= Shape::Designator.bit();
    }
    bits
}

/// What the shape tests need to know of a token's characters.
#[derive(Debug, PartialEq, Eq)]
struct Counts {
    letters: usize,
    upper: usize,
    lower: usize,
    digits: usize,
    /// The first character is upper case (lower case).
    first_upper: bool,
    first_lower: bool,
}

/// The [`Counts`] of `s`: an ASCII token of at most eight bytes (most
/// tokens) as one word, its bytes compared at once; a longer ASCII one byte
/// by byte; others by [`counts_by_char`].
#[inline]
fn counts(s: &str) -> Counts {
    use crate::swar::{in_range, HIGH, ONES};
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 8 {
        return if s.is_ascii() { counts_by_byte(b) } else { counts_by_char(s) };
    }
    let w = crate::hash::pack(b);
    if w & HIGH != 0 {
        return counts_by_char(s);
    }
    // The zero padding past the token is in no range tested here.
    // The number of bytes flagged in `m`: the flags as 0/1 bytes, summed
    // into the top byte by one multiplication (at most 8: no carry).
    let count = |m: u64| ((m >> 7).wrapping_mul(ONES) >> 56) as usize;
    let upper = in_range(w, b'A', b'Z');
    let lower = in_range(w, b'a', b'z');
    Counts {
        letters: count(upper | lower),
        upper: count(upper),
        lower: count(lower),
        digits: count(in_range(w, b'0', b'9')),
        first_upper: upper & 0x80 != 0,
        first_lower: lower & 0x80 != 0,
    }
}

/// The [`Counts`] of a longer ASCII `s`, byte by byte.
fn counts_by_byte(s: &[u8]) -> Counts {
    let (mut upper, mut lower, mut digits) = (0, 0, 0);
    for &b in s {
        match b {
            b'A'..=b'Z' => upper += 1,
            b'a'..=b'z' => lower += 1,
            b'0'..=b'9' => digits += 1,
            _ => {}
        }
    }
    Counts {
        letters: upper + lower,
        upper,
        lower,
        digits,
        first_upper: s.first().is_some_and(u8::is_ascii_uppercase),
        first_lower: s.first().is_some_and(u8::is_ascii_lowercase),
    }
}

/// The [`Counts`] of any `s`, character by character.
fn counts_by_char(s: &str) -> Counts {
    let mut c = Counts {
        letters: 0,
        upper: 0,
        lower: 0,
        digits: 0,
        first_upper: false,
        first_lower: false,
    };
    for ch in s.chars() {
        if ch.is_alphabetic() {
            c.letters += 1;
            if ch.is_uppercase() {
                c.upper += 1;
            } else if ch.is_lowercase() {
                c.lower += 1;
            }
        } else if ch.is_numeric() {
            c.digits += 1;
        }
    }
    let first = s.chars().next().unwrap_or(' ');
    c.first_upper = first.is_uppercase();
    c.first_lower = first.is_lowercase();
    c
}

/// `first` .. `tenth` in any case.
fn is_spelled_ordinal(s: &str) -> bool {
    // Most five- to seven-letter words start with another letter.
    if !matches!(
        s.as_bytes().first().map(u8::to_ascii_lowercase),
        Some(b'f' | b's' | b't' | b'e' | b'n')
    ) {
        return false;
    }
    let mut buf = [0u8; 7];
    let Some(dst) = buf.get_mut(..s.len()) else { return false };
    dst.copy_from_slice(s.as_bytes());
    dst.make_ascii_lowercase();
    matches!(
        &*dst,
        b"first"
            | b"second"
            | b"third"
            | b"fourth"
            | b"fifth"
            | b"sixth"
            | b"seventh"
            | b"eighth"
            | b"ninth"
            | b"tenth"
    )
}

/// `1st`, `82nd`, `45TH`, or `first` .. `tenth` (any case).
fn is_ordinal(s: &str) -> bool {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        let suffix = &s[digits..];
        let last = s.as_bytes()[digits - 1];
        let tens = digits >= 2 && s.as_bytes()[digits - 2] == b'1';
        let want = match (last, tens) {
            (_, true) => "th",
            (b'1', _) => "st",
            (b'2', _) => "nd",
            (b'3', _) => "rd",
            _ => "th",
        };
        return suffix.eq_ignore_ascii_case(want);
    }
    is_spelled_ordinal(s)
}

/// An upper-case Roman numeral from I to MMMCMXCIX, written canonically:
/// `M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})`.
fn is_roman(s: &str) -> bool {
    is_roman_bytes(s.as_bytes())
}

/// [`is_roman`] of bytes.
fn is_roman_bytes(mut b: &[u8]) -> bool {
    if b.is_empty() || b.len() > 15 {
        return false;
    }
    let m = b.iter().take_while(|&&c| c == b'M').count();
    if m > 3 {
        return false;
    }
    b = &b[m..];
    for (one, five, ten) in [(b'C', b'D', b'M'), (b'X', b'L', b'C'), (b'I', b'V', b'X')] {
        b = roman_place(b, one, five, ten);
    }
    b.is_empty()
}

/// Consumes one decimal place of a Roman numeral from `b`.
fn roman_place(b: &[u8], one: u8, five: u8, ten: u8) -> &[u8] {
    if b.starts_with(&[one, ten]) || b.starts_with(&[one, five]) {
        return &b[2..];
    }
    let b = if b.first() == Some(&five) { &b[1..] } else { b };
    let n = b.iter().take(3).take_while(|&&c| c == one).count();
    &b[n..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::Tokenizer;

    fn shapes_of(text: &str) -> Vec<u16> {
        Tokenizer::new().tokenize(text).iter().map(|t| shape_bits(text, t)).collect()
    }

    fn has(bits: u16, s: Shape) -> bool {
        bits & s.bit() != 0
    }

    #[test]
    fn ordinals() {
        for w in [
            "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "82nd", "101st", "first",
            "Tenth", "SECOND", "third", "Fourth", "fifth", "sixth", "Seventh", "EIGHTH", "ninth",
        ] {
            assert!(is_ordinal(w), "{w}");
        }
        for w in ["1nd", "11st", "12nd", "st", "eleventh", "82", "nd", "fires", "Naval", "tents"] {
            assert!(!is_ordinal(w), "{w}");
        }
    }

    /// The perfect hash of the spelled ordinals holds each in a slot of
    /// its own and finds it, and finds no other word: each ordinal with
    /// one byte changed or cut, in upper case, and random packed words of
    /// one to eight letters.
    #[test]
    fn spelled_ordinal_slots_hold_each_ordinal_alone() {
        let (table, m) = ORDINAL_SLOTS;
        assert_eq!(table.iter().filter(|&&t| t != !0).count(), SPELLED_ORDINALS.len());
        let agrees = |w: u64| {
            assert_eq!(is_spelled_ordinal_word(w), SPELLED_ORDINALS.contains(&w), "{w:#x}");
        };
        for &o in &SPELLED_ORDINALS {
            assert_eq!(table[ordinal_slot(o, m)], o);
            assert!(is_spelled_ordinal_word(o), "{o:#x}");
            agrees(o & !0x2020_2020_2020_2020);
            for at in 0..8 {
                agrees(o & !(!0u64 << (8 * at)));
                for b in [b'a', b'e', b'h', b't', b'z', b'S'] {
                    agrees(o & !(0xff << (8 * at)) | u64::from(b) << (8 * at));
                }
            }
        }
        let mut next = crate::testing::xorshift(0x0dd0_0a1d_1a15_7e57);
        for _ in 0..100_000 {
            let r = next();
            let len = 1 + (r % 8) as usize;
            let word: Vec<u8> =
                (0..len).map(|i| b"firstecondhdufvnw"[(r >> (3 + 5 * i)) as usize % 17]).collect();
            agrees(packed(&word));
        }
    }

    #[test]
    fn romans() {
        for w in ["I", "II", "IV", "IX", "XVIII", "XLII", "MMXXIV"] {
            assert!(is_roman(w), "{w}");
        }
        for w in ["IIII", "IC", "VX", "ii", "", "MMMM", "XIIV"] {
            assert!(!is_roman(w), "{w}");
        }
    }

    #[test]
    fn token_shapes() {
        let b = shapes_of("NATO Paris said 82nd Su-35 XVIII 400 Gen. , Smith's €");
        assert!(has(b[0], Shape::Upper) && has(b[0], Shape::Cap) && has(b[0], Shape::Word));
        assert!(has(b[1], Shape::Cap) && !has(b[1], Shape::Upper) && !has(b[1], Shape::Lower));
        assert!(has(b[2], Shape::Lower) && !has(b[2], Shape::Cap));
        assert!(has(b[3], Shape::Ordinal) && !has(b[3], Shape::Designator));
        assert!(has(b[4], Shape::Designator) && has(b[4], Shape::Cap));
        assert!(has(b[5], Shape::Roman) && has(b[5], Shape::Upper));
        assert!(has(b[6], Shape::Num) && !has(b[6], Shape::Designator));
        assert!(has(b[7], Shape::Abbr) && has(b[7], Shape::Cap));
        assert!(has(b[8], Shape::Punct) && !has(b[8], Shape::Cap));
        assert!(has(b[10], Shape::Possessive) && !has(b[10], Shape::Word));
        assert!(has(b[11], Shape::Symbol));
        assert!(b.iter().all(|&x| has(x, Shape::Any)));
        // Only the first token and the glued "," and "'s" have no space before.
        let glued: Vec<usize> = (0..b.len()).filter(|&i| has(b[i], Shape::Glued)).collect();
        assert_eq!(glued, [0, 10], "{b:?}");
    }

    /// [`shape_bits`] as it was, slicing the token's text as a `str`
    /// first (empty when the span is out of range or not on character
    /// boundaries): the reference for the byte slice it takes now.
    fn shape_bits_of_str(text: &str, tok: &Token) -> u16 {
        let s = text.get(tok.span.start..tok.span.end).unwrap_or("");
        let bits = Shape::Any.bit() | if tok.space_before() { 0 } else { Shape::Glued.bit() };
        let plain = match tok.kind {
            TokenKind::Word => letters_shapes(s.as_bytes()),
            _ => None,
        };
        bits | plain.unwrap_or_else(|| kind_shapes(s, tok.kind))
    }

    /// Kinds for made-up tokens over random spans, words the commonest.
    const SOME_KINDS: [TokenKind; 9] = [
        TokenKind::Word,
        TokenKind::Word,
        TokenKind::Word,
        TokenKind::Number,
        TokenKind::Designator,
        TokenKind::Abbreviation,
        TokenKind::Punct,
        TokenKind::Symbol,
        TokenKind::Possessive,
    ];

    /// Taking a token's bytes rather than its `str` changes no shape, for
    /// any span: inside a character or across one, reversed, empty, past
    /// the end, over ASCII letters next to multi-byte characters, of every
    /// kind; and for the tokens of those texts.
    #[test]
    fn byte_spans_agree_with_str_spans() {
        let pieces = ["a", "Ab", "NATO", "xi", "é", "Ω", "€", "—", "’s", "9", " ", "-", "abcdefgh"];
        let kinds = SOME_KINDS;
        let mut next = crate::testing::xorshift(0x0b17_e5b4);
        let mut words = 0;
        for _ in 0..3000 {
            let text: String = (0..1 + next() % 8)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            for t in Tokenizer::new().tokenize(&text) {
                assert_eq!(shape_bits(&text, &t), shape_bits_of_str(&text, &t), "{text:?}");
            }
            for _ in 0..8 {
                let start = (next() % (text.len() as u64 + 3)) as usize;
                let end = (next() % (text.len() as u64 + 3)) as usize;
                let kind = kinds[(next() % kinds.len() as u64) as usize];
                let t = Token::of_kind(crate::span::Span::new(start, end), kind);
                let bits = shape_bits(&text, &t);
                assert_eq!(bits, shape_bits_of_str(&text, &t), "{text:?} {start}..{end}");
                words += usize::from(bits & Shape::Word.bit() != 0);
            }
        }
        assert!(words > 3000, "{words}");
    }

    #[test]
    fn glued_tokens() {
        let b = shapes_of("Ruiz-Castell , Ruiz - Castell\u{a0}x");
        // Ruiz - Castell , Ruiz - Castell x
        let glued: Vec<bool> = b.iter().map(|&x| has(x, Shape::Glued)).collect();
        assert_eq!(glued, [true, true, true, false, false, false, false, false]);
        assert!(has(b[1], Shape::Punct) && has(b[2], Shape::Cap));
    }

    /// The word-at-a-time and byte-by-byte counts agree with counting
    /// character by character, on every ASCII byte at every offset of short
    /// and long tokens, and on non-ASCII ones.
    #[test]
    fn word_counts_agree_with_char_counts() {
        let mut words: Vec<String> = vec![
            String::new(),
            "NATO".into(),
            "Su35S".into(),
            "abcdefgh".into(),
            "ABCDEFGHI".into(),
            "x1y2z3w4v5u6".into(),
            "Sébastien".into(),
            "ÉCOLE".into(),
            "Ab\u{301}c".into(),
            "2015-11-17".into(),
        ];
        for b in 0u8..0x80 {
            for len in [1, 5, 8, 9, 13] {
                for at in 0..len {
                    let mut w: Vec<u8> = b"Ma7xQz9kLp2Rt".iter().copied().take(len).collect();
                    w[at] = b;
                    words.push(String::from_utf8(w).expect("ASCII"));
                }
            }
        }
        for w in &words {
            assert_eq!(counts(w), counts_by_char(w), "{w:?}");
        }
    }

    /// The fast path for words of ASCII letters gives the shapes of the
    /// general one, on ordinals and Roman numerals in every case and on
    /// random words of letters, digits and other characters; and it takes
    /// every word of one to eight ASCII letters.
    #[test]
    fn letter_words_agree_with_the_general_shapes() {
        let mut words: Vec<String> = [
            "first",
            "FIRST",
            "Second",
            "tHiRd",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "Eighth",
            "ninth",
            "TENTH",
            "firsts",
            "fifths",
            "tenths",
            "I",
            "IV",
            "MMXXIV",
            "MMMDCCCLXXXVIII",
            "MMMDCCCLXXXVIIII",
            "MDCCCLXXXVIII",
            "Mdccclxxxviii",
            "XLII",
            "IIII",
            "MIX",
            "Mix",
            "a",
            "NATO",
            "Paris",
            "abcdefgh",
            "ABCDEFGH",
            "abcdefghi",
            "x1",
            "Su-35",
        ]
        .iter()
        .map(|w| w.to_string())
        .collect();
        let alphabet: Vec<char> = "IVXLCDMivxlcdmfirstFIRSTheconHECONabzAZ09-'.é".chars().collect();
        let mut rng = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        for _ in 0..40_000 {
            let seed = rng();
            let len = 1 + (seed % 18) as usize;
            let mut r = seed >> 8;
            words.push(
                (0..len)
                    .map(|_| {
                        let c = alphabet[(r % alphabet.len() as u64) as usize];
                        r /= alphabet.len() as u64;
                        r ^= seed.rotate_left(29);
                        c
                    })
                    .collect(),
            );
        }
        let mut taken = 0;
        let mut long = 0;
        for w in &words {
            let letters = w.bytes().all(|b| b.is_ascii_alphabetic());
            if (9..=16).contains(&w.len()) {
                match long_letters_shapes(w.as_bytes()) {
                    Some(bits) => {
                        assert_eq!(bits, kind_shapes(w, TokenKind::Word), "{w:?}");
                        long += 1;
                    }
                    None => assert!(!letters, "{w:?} not taken"),
                }
            }
            let plain = (1..=8).contains(&w.len()) && letters;
            match letters_shapes(w.as_bytes()) {
                Some(bits) => {
                    assert_eq!(bits, kind_shapes(w, TokenKind::Word), "{w:?}");
                    taken += 1;
                }
                None => assert!(!plain, "{w:?} not taken"),
            }
        }
        assert!(taken > 2_000 && long > 500, "{taken} {long}");
    }

    /// Pieces of text for the batch tests: short and long words in every
    /// case (Roman numerals of up to 15 letters, ordinals, words of 8, 9,
    /// 16 and 17 letters), numbers, designators, punctuation, spaces and
    /// non-ASCII characters.
    const PIECES: &[&str] = &[
        "a",
        "Ab",
        "Zulu",
        "aZ",
        "NATO",
        "first",
        "Seventh",
        "abcdefgh",
        "Abcdefghi",
        "MMMDCCCLXXXVIII",
        "MMMDCCCLXXXVIIII",
        "xvii",
        "XVIII",
        "MDCLXVI",
        "MDCLXVIIII",
        "abcdefghijklmnop",
        "ABCDEFGHIJKLMNOP",
        "AbcdefghijklmnoPq",
        "ZZZZZZZZZ",
        "Kraków",
        "é",
        "€",
        "’s",
        "'s",
        "9",
        "82nd",
        "Su-35",
        "1,000",
        "2015-11-17",
        "1999",
        "2099",
        "1899",
        "2100",
        "19.5",
        "20,1",
        "12345678",
        "123456789",
        "Gen.",
        "O'Brien",
        " ",
        " ",
        "  ",
        "\n",
        "-",
        ",",
        ".",
        "(",
    ];

    /// [`shapes_into`] gives each token's [`shape_bits`]: on generated
    /// texts of short and long words in every case (Roman numerals of up
    /// to 15 letters, ordinals, words of 8, 9, 16 and 17 letters), numbers,
    /// designators, punctuation and non-ASCII characters, with words that
    /// end less than eight bytes before the end of the text; and on tokens
    /// of any kind over any span (reversed, past the end, inside a
    /// character).
    #[test]
    fn batch_shapes_agree_with_shape_bits() {
        let pieces = PIECES;
        let kinds = SOME_KINDS;
        let mut next = crate::testing::xorshift(0x5ba9_e7c1);
        let (mut tokens, mut long) = (0, 0);
        let mut out = Vec::new();
        for _ in 0..4000 {
            let text: String = (0..1 + next() % 12)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            let toks = Tokenizer::new().tokenize(&text);
            out.clear();
            shapes_into(&text, &toks, &mut out);
            let want: Vec<u16> = toks.iter().map(|t| shape_bits(&text, t)).collect();
            assert_eq!(out, want, "{text:?}");
            tokens += toks.len();
            long += toks.iter().filter(|t| (9..=16).contains(&t.span.len())).count();
            let spans: Vec<Token> = (0..8)
                .map(|_| {
                    let start = (next() % (text.len() as u64 + 3)) as usize;
                    let end = (next() % (text.len() as u64 + 18)) as usize;
                    let kind = kinds[(next() % kinds.len() as u64) as usize];
                    Token::of_kind(crate::span::Span::new(start, end), kind)
                })
                .collect();
            out.clear();
            shapes_into(&text, &spans, &mut out);
            let want: Vec<u16> = spans.iter().map(|t| shape_bits(&text, t)).collect();
            assert_eq!(out, want, "{text:?} {spans:?}");
        }
        assert!(tokens > 12_000 && long > 1_500, "{tokens} {long}");
    }

    /// [`ids_and_shapes_into`] gives the ids `Vocab::token_ids` gives and
    /// the shapes [`shapes_into`] gives: on generated texts of the batch
    /// pieces, whose normal forms are in the vocabulary (so that words of
    /// one to 16 letters hit as well as miss), and on tokens of any kind
    /// over any span.
    #[test]
    fn ids_with_shapes_agree_with_the_two_passes() {
        let tk = Tokenizer::new();
        let mut vocab = crate::vocab::Vocab::default();
        let mut form = String::new();
        for piece in PIECES {
            for t in &tk.tokenize(piece) {
                form.clear();
                crate::normalize::push_token(piece, t, &mut form);
                vocab.intern(&form).unwrap();
            }
        }
        let mut next = crate::testing::xorshift(0x1d5_5a9e);
        let (mut norm, mut ids, mut shapes) = (String::new(), Vec::new(), Vec::new());
        let (mut want_ids, mut want_shapes) = (Vec::new(), Vec::new());
        let (mut hits, mut short) = (0, 0);
        // One cache for all the texts: the later ones read ids and shapes
        // cached from the earlier.
        let mut words = WordCache::default();
        for _ in 0..3000 {
            let text: String = (0..1 + next() % 12)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let mut toks = tk.tokenize(&text);
            for _ in 0..4 {
                let start = (next() % (text.len() as u64 + 3)) as usize;
                let end = (next() % (text.len() as u64 + 18)) as usize;
                let kind = SOME_KINDS[(next() % SOME_KINDS.len() as u64) as usize];
                toks.push(Token::of_kind(crate::span::Span::new(start, end), kind));
            }
            ids_and_shapes_into(&vocab, &text, &toks, &mut ids, &mut shapes, &mut norm, &mut words);
            vocab.token_ids(&text, &toks, &mut want_ids, &mut norm);
            want_shapes.clear();
            shapes_into(&text, &toks, &mut want_shapes);
            assert_eq!(ids, want_ids, "{text:?} {toks:?}");
            assert_eq!(shapes, want_shapes, "{text:?} {toks:?}");
            hits += ids.iter().filter(|&&id| id != vocab.miss()).count();
            short += toks.iter().filter(|t| t.kind == TokenKind::Word && t.span.len() <= 8).count();
        }
        assert!(hits > 5_000 && short > 2_500, "{hits} {short}");
        // Every ASCII mark as a one-byte token, twice (the second time from
        // the marks' ids of the text), every other one in the vocabulary.
        let marks: Vec<char> =
            (b'!'..=b'~').map(char::from).filter(char::is_ascii_punctuation).collect();
        for m in marks.iter().step_by(2) {
            vocab.intern(&m.to_string()).unwrap();
        }
        let text: String = marks.iter().chain(marks.iter().rev()).flat_map(|&m| [m, ' ']).collect();
        let toks: Vec<Token> = (0..text.len() / 2)
            .map(|i| Token::of_kind(crate::span::Span::new(2 * i, 2 * i + 1), TokenKind::Punct))
            .collect();
        ids_and_shapes_into(&vocab, &text, &toks, &mut ids, &mut shapes, &mut norm, &mut words);
        vocab.token_ids(&text, &toks, &mut want_ids, &mut norm);
        assert_eq!(ids, want_ids, "{text:?}");
        assert!(ids.iter().filter(|&&id| id != vocab.miss()).count() >= marks.len());
    }

    /// [`ids_and_shapes_into`] resizes its lists without clearing them, so
    /// every token's id and shapes must be written on every way through
    /// its loop: lists left by a longer text of other tokens (cached
    /// words, misses, marks, numbers, long words, non-ASCII words, and
    /// kinds over odd spans) give what fresh lists give.
    #[test]
    fn ids_and_shapes_overwrite_what_an_earlier_text_left() {
        let tk = Tokenizer::new();
        let mut vocab = crate::vocab::Vocab::default();
        for w in ["troops", "reinforcements", ",", "2024", "u.s.", "zürich", "'s"] {
            vocab.intern(w).unwrap();
        }
        let long = "Troops, reinforcements and 2024 U.S. Zürich’s troops; Commanders \
                    (Kyiv) moved north, TROOPS, 18,000 Reinforcements’s Zürich-bound.";
        let texts = [
            long,
            "Nothing here is known: Xq, zzz; Unheard-of words (qqq).",
            "Zürich troops",
            "",
            "Commanders, 2024!",
        ];
        let (mut norm, mut ids, mut shapes) = (String::new(), Vec::new(), Vec::new());
        let mut words = WordCache::default();
        let mut fresh_words = WordCache::default();
        // Each text after each other, the same lists reused.
        for first in texts {
            for second in texts {
                for text in [first, second] {
                    let mut toks = tk.tokenize(text);
                    let copy = toks.clone();
                    for (k, t) in copy.iter().enumerate() {
                        toks.push(Token::of_kind(t.span, SOME_KINDS[k % SOME_KINDS.len()]));
                    }
                    ids_and_shapes_into(
                        &vocab,
                        text,
                        &toks,
                        &mut ids,
                        &mut shapes,
                        &mut norm,
                        &mut words,
                    );
                    let (mut want_ids, mut want_shapes) = (Vec::new(), Vec::new());
                    ids_and_shapes_into(
                        &vocab,
                        text,
                        &toks,
                        &mut want_ids,
                        &mut want_shapes,
                        &mut norm,
                        &mut fresh_words,
                    );
                    assert_eq!(ids, want_ids, "{first:?} then {text:?}");
                    assert_eq!(shapes, want_shapes, "{first:?} then {text:?}");
                }
            }
        }
    }

    /// A [`WordCache`] gives the ids of the vocabulary it is asked with:
    /// filled under one, it gives none of them under another, nor under
    /// the same one once a string is added to it (a word that was a miss
    /// has a number then), nor under a clone that has gone its own way
    /// (the same number of strings, other numbers); and it tells longer
    /// words apart by their length, not only their first and last bytes.
    #[test]
    fn cached_words_follow_their_vocabulary() {
        use crate::vocab::Vocab;
        let tk = Tokenizer::new();
        // Words of 9 to 16 letters too, two of them with the same first
        // and last eight bytes.
        let text = "Troops moved north of the river. The troops of the North moved. \
                    Reinforcements reached Zzzzzzzzzz, not Zzzzzzzzz or Commanders.";
        let toks = tk.tokenize(text);
        let (mut norm, mut ids, mut shapes, mut want) =
            (String::new(), Vec::new(), Vec::new(), Vec::new());
        let mut words = WordCache::default();
        // Twice each: the second time every word is cached.
        let mut check = |v: &Vocab, words: &mut WordCache| {
            v.token_ids(text, &toks, &mut want, &mut norm);
            for _ in 0..2 {
                ids_and_shapes_into(v, text, &toks, &mut ids, &mut shapes, &mut norm, words);
                assert_eq!(ids, want);
            }
        };
        let vocab = |list: &[&str]| {
            let mut v = Vocab::default();
            for w in list {
                v.intern(w).unwrap();
            }
            v
        };
        let mut a = vocab(&["troops", "north", "river", "reinforcements", "zzzzzzzzz"]);
        let b = vocab(&["river", "the", "troops", "of", "zzzzzzzzzz", "commanders"]);
        check(&a, &mut words);
        check(&b, &mut words);
        check(&a, &mut words);
        a.intern("moved").unwrap();
        a.intern("commanders").unwrap();
        check(&a, &mut words);
        let mut c = a.clone();
        a.intern("of").unwrap();
        c.intern("the").unwrap();
        check(&c, &mut words);
        check(&a, &mut words);
        assert_ne!(a.stamp(), c.stamp());
    }

    /// Tokens of other kinds are cached by their bytes, length and kind
    /// ([`other_id_and_shapes`]), their shapes without `Glued`: the same
    /// bytes as another kind, or with a zero byte more, or glued where
    /// they were not, get their own ids and shapes, read from the cache
    /// the second time; and the entries follow the vocabulary as the
    /// words' do.
    #[test]
    fn other_tokens_are_cached_by_kind_length_and_bytes() {
        use crate::span::Span;
        use crate::vocab::Vocab;
        let tk = Tokenizer::new();
        // Glued first ("(U.S.)F-35"), then apart ("U.S. forces' F-35").
        let text = "(U.S.)F-35’s 1\u{0}1 (2024) In 2024 U.S. forces' F-35 jets, Kyiv’s \
                    “drones” and 18,000 troops: 1 Zürich(Zürich) 50%";
        let mut toks = tk.tokenize(text);
        // The same spans as other kinds (a number as a designator, an
        // abbreviation as a symbol ...), and each glued.
        let first = toks.clone();
        for (k, t) in first.iter().enumerate() {
            toks.push(Token::of_kind(t.span, t.kind));
            toks.push(Token::of_kind(t.span, SOME_KINDS[k % SOME_KINDS.len()]));
        }
        // "1" and "1\0", one byte apart in length, the same packed word.
        let one = text.find("1\u{0}1").unwrap();
        for kind in [TokenKind::Number, TokenKind::Symbol] {
            toks.push(Token::of_kind(Span::new(one, one + 1), kind));
            toks.push(Token::of_kind(Span::new(one, one + 2), kind));
        }
        let (mut norm, mut ids, mut shapes) = (String::new(), Vec::new(), Vec::new());
        let (mut want_ids, mut want_shapes) = (Vec::new(), Vec::new());
        shapes_into(text, &toks, &mut want_shapes);
        let mut words = WordCache::default();
        let mut check = |v: &Vocab, words: &mut WordCache| {
            v.token_ids(text, &toks, &mut want_ids, &mut norm);
            for _ in 0..2 {
                ids_and_shapes_into(v, text, &toks, &mut ids, &mut shapes, &mut norm, words);
                assert_eq!(ids, want_ids, "{toks:?}");
                assert_eq!(shapes, want_shapes, "{toks:?}");
            }
        };
        let mut a = Vocab::default();
        for w in ["2024", "u.s.", "'s", "f35", "1", "'", "zürich", "%"] {
            a.intern(w).unwrap();
        }
        check(&a, &mut words);
        let mut b = Vocab::default();
        for w in ["18000", "\"", "1\u{0}", "u.s.", "zürich"] {
            b.intern(w).unwrap();
        }
        check(&b, &mut words);
        check(&a, &mut words);
        a.intern("18000").unwrap();
        a.intern("1\u{0}").unwrap();
        check(&a, &mut words);
        // Some of these tokens were cached, and found distinct.
        let cached = words.others.as_ref().unwrap();
        assert!(cached.iter().filter(|e| e[1] != 0).count() >= 10);
    }

    #[test]
    fn names_round_trip() {
        assert_eq!(SHAPES.len(), SHAPE_COUNT);
        for &(n, s) in SHAPES {
            assert_eq!(Shape::from_name(n), Some(s));
        }
        assert_eq!(Shape::from_name("cap"), None);
    }
}
