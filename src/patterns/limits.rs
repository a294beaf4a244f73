//! The limits that bound the work of compiling and matching rules.
//! `docs/RULES.md` documents each one.

/// Largest upper bound of a repetition `{m,n}`.
pub const MAX_REPEAT: u32 = 16;
/// Largest upper bound of a gap `...{m,n}`.
pub const MAX_GAP: u32 = 20;
/// The bounds of a bare gap `...`: `...{0,10}`.
pub const DEFAULT_GAP: u32 = 10;
/// Deepest nesting of groups, captures and `!` in a pattern.
pub const MAX_DEPTH: usize = 32;
/// Most instructions one compiled pattern may have; repetitions are
/// unrolled, so `((Cap{16}){16}){16}` is over it.
pub const MAX_INSTRUCTIONS: usize = 2048;
/// Most tokens one match may span (entity slots included); `*` and `+`
/// stop there.
pub const MAX_MATCH_TOKENS: usize = 64;
/// Most matching steps one rule may take in one sentence; past it the
/// rule gives up on the rest of the sentence (matches already found stay).
pub const MAX_STEPS_PER_SENTENCE: u32 = 200_000;
