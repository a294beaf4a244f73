//! Helpers shared by the unit tests.

/// A xorshift64 generator started at `seed` (not zero): the unit tests'
/// repeatable source of random input.
pub(crate) fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}

/// `n` words of `words` joined by spaces, each chosen by `pick`, which is
/// given the pool's size and returns an index below it: the unit tests'
/// random sentences.
pub(crate) fn random_text(
    words: &[&str],
    n: usize,
    mut pick: impl FnMut(usize) -> usize,
) -> String {
    (0..n).map(|_| words[pick(words.len())]).collect::<Vec<_>>().join(" ")
}
