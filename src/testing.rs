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

/// The rule set compiled from `rules` (named "t.rules" in errors); a
/// parse or build error fails the test with its message.
pub(crate) fn rule_set(rules: &str) -> crate::patterns::RuleSet {
    let mut b = crate::patterns::RuleSetBuilder::new();
    b.add_str(rules, Some("t.rules")).unwrap_or_else(|e| panic!("{e}"));
    b.build().unwrap_or_else(|e| panic!("{e}"))
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
