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
