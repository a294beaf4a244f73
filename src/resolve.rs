//! The conflict policy: when candidate entities overlap, which one stays.
//!
//! Candidates come from the gazetteer and from contextual rules. The policy,
//! applied greedily:
//!
//! 1. the **longest** span (in bytes) wins;
//! 2. on equal length, the higher **source priority** wins: a user's
//!    gazetteer entries, then the default gazetteer, then rules;
//! 3. then the **label**, in this order: `PERSON`, `MILITARY_UNIT`,
//!    `ORGANIZATION`, `WEAPON_SYSTEM`, `LOCATION`, `NATIONALITY`, `DATE`,
//!    `MONEY`, `QUANTITY`, then any other label;
//! 4. then the earlier start.
//!
//! Candidates that lose are kept in [`Document::rejected`].
//!
//! [`Document::rejected`]: crate::Document::rejected

use crate::document::Entity;
use crate::span::Span;
use std::cmp::Reverse;
use std::collections::BTreeMap;

/// The rank of a label in the tie-break (lower wins). Inlined into
/// [`resolve`]'s pass over the candidates (37k on the benchmark run; 0.07 M
/// instructions less than calling it).
#[inline]
fn label_rank(label: &str) -> u8 {
    match label {
        "PERSON" => 0,
        "MILITARY_UNIT" => 1,
        "ORGANIZATION" => 2,
        "WEAPON_SYSTEM" => 3,
        "LOCATION" => 4,
        "NATIONALITY" => 5,
        "DATE" => 6,
        "MONEY" => 7,
        "QUANTITY" => 8,
        _ => 9,
    }
}

/// A candidate with the priority of its source.
#[derive(Debug)]
pub(crate) struct Candidate {
    /// The entity, always there until [`resolve`] moves it into its list:
    /// taken from the candidate where it lies, so that reordering the
    /// candidates costs no move of their entities into another buffer.
    pub entity: Option<Entity>,
    /// Higher wins: gazetteer entries carry their builder priority plus an
    /// offset above every rule.
    pub priority: i64,
}

impl Candidate {
    /// A candidate for `entity` with `priority`.
    pub(crate) fn new(entity: Entity, priority: i64) -> Candidate {
        Candidate { entity: Some(entity), priority }
    }

    /// The candidate's entity (before [`resolve`] takes it).
    pub(crate) fn entity(&self) -> &Entity {
        self.entity.as_ref().expect("a candidate holds its entity until resolved")
    }
}

/// Priority of a gazetteer candidate whose entry has builder priority `p`.
pub(crate) fn gazetteer_priority(p: i32) -> i64 {
    i64::from(p) + (1 << 40)
}

/// Priority of a rule candidate (rules rank below every gazetteer).
pub(crate) const RULE_PRIORITY: i64 = 0;

/// Splits `cands` into the kept entities (sorted by start, not
/// overlapping) and the rejected ones (sorted by start and end, ties in
/// the order the policy met them).
///
/// The policy is greedy, but a candidate can only lose to one that overlaps
/// it: it suffices to apply it within each cluster of overlapping
/// candidates. Candidates are sorted once by position (two runs nearly
/// sorted already, the gazetteer's then the rules', merged by
/// [`sort_two_runs`]), which is also the order of both lists; only
/// clusters of two or more are sorted by the policy (most candidates
/// overlap nothing). The result is that of `resolve_globally` (in
/// tests), which sorts every candidate by the policy.
///
/// `cands` is left empty, its capacity kept, and `scratch` holds the
/// buffers: reused from text to text, they allocate nothing once grown.
pub(crate) fn resolve(
    cands: &mut Vec<Candidate>,
    kept: &mut Vec<Entity>,
    rejected: &mut Vec<Entity>,
    scratch: &mut Scratch,
) {
    resolve_with(cands, kept, rejected, scratch, true);
}

/// [`resolve`]; without `pairs` (the general path, for tests), a cluster
/// of two is sorted and decided as larger ones are.
fn resolve_with(
    cands: &mut Vec<Candidate>,
    kept: &mut Vec<Entity>,
    rejected: &mut Vec<Entity>,
    scratch: &mut Scratch,
    pairs: bool,
) {
    let Scratch { by_pos, taken, cluster, spare } = scratch;
    by_pos.clear();
    by_pos.extend(cands.iter().enumerate().map(|(index, c)| {
        let e = c.entity();
        Placed {
            start: e.span.start,
            end: e.span.end,
            priority: Reverse(c.priority),
            rank: label_rank(&e.label),
            index,
            kept: false,
        }
    }));
    sort_two_runs(by_pos, spare);
    let mut at = 0;
    while at < by_pos.len() {
        // The cluster: every later candidate that starts before the
        // furthest end so far overlaps one before it.
        let (first_start, mut reach) = (by_pos[at].start, by_pos[at].end);
        let mut end = at + 1;
        while end < by_pos.len() && by_pos[end].start < reach {
            reach = reach.max(by_pos[end].end);
            end += 1;
        }
        if end == at + 1 {
            by_pos[at].kept = reach > first_start;
        } else if end == at + 2 && pairs {
            decide_pair(&mut by_pos[at..end], at);
        } else {
            cluster.clear();
            cluster.extend(by_pos[at..end].iter().zip(at..).map(|(c, place)| policy_key(c, place)));
            cluster.sort_unstable();
            taken.clear();
            for &(.., place) in cluster.iter() {
                let c = &mut by_pos[place];
                let s = Span::new(c.start, c.end);
                if !s.is_empty() && !taken.overlaps(s) {
                    taken.insert(s);
                    c.kept = true;
                }
            }
        }
        at = end;
    }
    let kept_count = by_pos.iter().filter(|c| c.kept).count();
    kept.reserve(kept_count);
    rejected.reserve(by_pos.len() - kept_count);
    let mut push = |kept_it: bool, e: Entity| if kept_it { kept.push(e) } else { rejected.push(e) };
    // Each candidate is in one of the two lists, once: every entity is
    // taken once, and the candidates are all empty at the end.
    for p in by_pos.iter() {
        let e = cands[p.index].entity.take().expect("each candidate is kept or rejected once");
        push(p.kept, e);
    }
    cands.clear();
}

/// The policy's key of the candidate `c` at `place` in `by_pos`.
#[inline]
fn policy_key(c: &Placed, place: usize) -> PolicyKey {
    let len = Span::new(c.start, c.end).len();
    (Reverse(len), c.priority, c.rank, c.start, place)
}

/// Decides a cluster of two candidates, `pair` at `at` in `by_pos`, as the
/// general path does (the policy's first is kept unless empty, the other
/// unless empty or overlapping a kept first), with one comparison rather
/// than a sort and a set of kept spans: most clusters are pairs (about 13k
/// of 16k on the benchmark run).
#[inline]
fn decide_pair(pair: &mut [Placed], at: usize) {
    let [a, b] = pair else { return };
    let (first, second) = if policy_key(a, at) < policy_key(b, at + 1) { (a, b) } else { (b, a) };
    let s1 = Span::new(first.start, first.end);
    let s2 = Span::new(second.start, second.end);
    first.kept = !s1.is_empty();
    second.kept = !(s2.is_empty() || (first.kept && s1.overlaps(s2)));
}

/// The buffers of [`resolve`], reused from text to text.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// The candidates by position (see [`Placed`]).
    by_pos: Vec<Placed>,
    /// Kept spans of the cluster at hand (no other cluster overlaps them),
    /// in one set cleared from cluster to cluster: it stays as small as a
    /// cluster.
    taken: Taken,
    /// A cluster's policy keys, with each candidate's place in `by_pos` as
    /// the last key: among equal spans it follows the index, as in
    /// `resolve_globally` (in tests).
    cluster: Vec<PolicyKey>,
    /// The other buffer of [`sort_two_runs`]'s merge, swapped with
    /// `by_pos`.
    spare: Vec<Placed>,
}

/// Sorts `v` as `sort_unstable` does (its items are all distinct in
/// [`resolve`], so any sort gives the one order), cheaply when it is a
/// sorted run followed by a nearly sorted one, as the candidates are: the
/// gazetteer's in order, then the rules', in order but for a few. The
/// run from the first descent on is sorted in place by insertion, then
/// the two runs are merged into `spare`, which is swapped with `v`.
///
/// On the benchmark run a text's candidates (about 200) have 1 to 10
/// descents, one of them where the rules' start. `sort_unstable` (a
/// quicksort, which meets two runs as any other order) cost 7.1 M
/// instructions, the stable sort (which merges runs) about 2.9 M, this
/// 2.1 M; [`resolve`] went from 12.1 M to 7.2 M. Any other order is still
/// sorted: when the insertion costs more than [`INSERTION_MOVES`] moves an
/// item, the second run is left to `sort_unstable`.
fn sort_two_runs<T: Ord + Copy>(v: &mut Vec<T>, spare: &mut Vec<T>) {
    if v.len() <= SMALL_SORT {
        v.sort_unstable();
        return;
    }
    let first = 1 + v.windows(2).take_while(|w| w[0] <= w[1]).count();
    if first >= v.len() {
        return;
    }
    insertion_sort_or_not(&mut v[first..]);
    let (left, right) = v.split_at(first);
    if left[first - 1] <= right[0] {
        return;
    }
    // `spare` starts as a copy of `v` (one `memcpy`) and the merge writes
    // over it through an iterator: a `push` an item tested the capacity
    // and stored the length each time (`resolve` 7.26 M → 6.86 M
    // instructions on the benchmark run).
    spare.clear();
    spare.extend_from_slice(left);
    spare.extend_from_slice(right);
    let (mut i, mut j) = (0, 0);
    let mut out = spare.iter_mut();
    while let (Some(a), Some(b)) = (left.get(i), right.get(j)) {
        let right_first = b < a;
        let Some(slot) = out.next() else { break };
        *slot = *if right_first { b } else { a };
        j += usize::from(right_first);
        i += usize::from(!right_first);
    }
    // What is left of the left run goes next; what is left of the right
    // run is in place already (it ends both `v` and `spare`).
    let rest = out.into_slice();
    let n = left.len() - i;
    rest[..n].copy_from_slice(&left[i..]);
    std::mem::swap(v, spare);
}

/// Sorts `v` by insertion while it costs at most [`INSERTION_MOVES`]
/// moves an item on average, then by `sort_unstable` (a nearly sorted
/// slice costs few moves; a shuffled one would cost quadratically many).
/// An item in order (most) is compared once and not moved.
fn insertion_sort_or_not<T: Ord + Copy>(v: &mut [T]) {
    let mut budget = INSERTION_MOVES * v.len();
    for i in 1..v.len() {
        if v[i - 1] <= v[i] {
            continue;
        }
        let x = v[i];
        let mut j = i;
        while j > 0 && x < v[j - 1] {
            if budget == 0 {
                // `x` back in the gap (the items past it have moved one
                // place on), then the rest by the general sort.
                v[j] = x;
                v.sort_unstable();
                return;
            }
            budget -= 1;
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = x;
    }
}

/// The length up to which [`sort_two_runs`] leaves `v` to `sort_unstable`
/// (which sorts so few by insertion, with no merge to pay for).
const SMALL_SORT: usize = 20;

/// The moves an item [`insertion_sort_or_not`] allows on average.
const INSERTION_MOVES: usize = 4;

/// A candidate's place among the others: by position, then as the policy
/// orders equal spans (priority, label rank, index). The index makes every
/// key distinct, so the unstable sort gives the stable order; `kept` (the
/// decision, made after the sort) never decides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Placed {
    start: usize,
    end: usize,
    priority: Reverse<i64>,
    rank: u8,
    index: usize,
    kept: bool,
}

/// [`resolve`] by the policy's definition: every candidate in the policy's
/// order, then both lists sorted by position. The reference for tests.
#[cfg(test)]
fn resolve_globally(cands: Vec<Candidate>, kept: &mut Vec<Entity>, rejected: &mut Vec<Entity>) {
    let mut order: Vec<PolicyKey> = cands
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let s = c.entity().span;
            (Reverse(s.len()), Reverse(c.priority), label_rank(&c.entity().label), s.start, i)
        })
        .collect();
    order.sort_unstable();
    let mut taken = Taken::Few(Vec::new());
    let mut kept_at: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut rejected_at: Vec<(usize, usize, usize, usize)> = Vec::new();
    for (rank, &(.., i)) in order.iter().enumerate() {
        let s = cands[i].entity().span;
        if s.is_empty() || taken.overlaps(s) {
            rejected_at.push((s.start, s.end, rank, i));
        } else {
            taken.insert(s);
            kept_at.push((s.start, s.end, rank, i));
        }
    }
    kept_at.sort_unstable();
    rejected_at.sort_unstable();
    let mut slots: Vec<Option<Entity>> = cands.into_iter().map(|c| c.entity).collect();
    let mut take = |&(.., i): &(usize, usize, usize, usize)| slots[i].take().unwrap();
    kept.extend(kept_at.iter().map(&mut take));
    rejected.extend(rejected_at.iter().map(&mut take));
}

/// A candidate's place in the policy's order: longest, then highest
/// priority, then label rank, then earliest start; then its index.
type PolicyKey = (Reverse<usize>, Reverse<i64>, u8, usize, usize);

/// How many kept spans [`Taken`] holds in a sorted `Vec` before it moves
/// them to a `BTreeMap`.
const FEW: usize = 32;

/// The spans kept so far (start -> end; they do not overlap, so starts are
/// distinct), for overlap checks. Most texts keep a few entities: a small
/// sorted `Vec` is cheaper than a map's nodes; beyond [`FEW`], a `BTreeMap`
/// keeps checks O(log n) (inserts into a sorted `Vec` are quadratic on
/// documents with many entities).
#[derive(Debug)]
enum Taken {
    Few(Vec<(usize, usize)>),
    Many(BTreeMap<usize, usize>),
}

impl Default for Taken {
    fn default() -> Taken {
        Taken::Few(Vec::new())
    }
}

impl Taken {
    /// True when `s` shares a byte with a kept span: the last kept span
    /// starting before `s` ends reaches into it.
    fn overlaps(&self, s: Span) -> bool {
        match self {
            Taken::Few(v) => {
                let k = v.partition_point(|&(start, _)| start < s.end);
                k > 0 && v[k - 1].1 > s.start
            }
            Taken::Many(m) => m.range(..s.end).next_back().is_some_and(|(_, &end)| end > s.start),
        }
    }

    /// Forgets every span.
    fn clear(&mut self) {
        match self {
            Taken::Few(v) => v.clear(),
            Taken::Many(_) => *self = Taken::Few(Vec::new()),
        }
    }

    /// Keeps `s`.
    fn insert(&mut self, s: Span) {
        match self {
            Taken::Few(v) if v.len() < FEW => {
                let k = v.partition_point(|&(start, _)| start < s.start);
                v.insert(k, (s.start, s.end));
            }
            Taken::Few(v) => {
                let mut m: BTreeMap<usize, usize> = v.drain(..).collect();
                m.insert(s.start, s.end);
                *self = Taken::Many(m);
            }
            Taken::Many(m) => {
                m.insert(s.start, s.end);
            }
        }
    }
}

/// The letters and digits of `s`, lower-cased: two spellings of one name
/// ("Su-35", "SU35") give the same sequence.
fn name_key(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase)
}

/// Joins neighbours that name the same thing: two entities with the same
/// label and canonical name, written differently and separated only by
/// spaces ("AH-64E Apache helicopters" is one AH-64 Apache, not two).
pub(crate) fn merge_adjacent(text: &str, entities: &mut Vec<Entity>) {
    // Most texts have nothing to merge: the pairs are tested first, so that
    // the vector is only walked with moves (`dedup_by` copies each entity
    // onto itself) when one merges. Before the first merge every pair is as
    // it was, so the walk decides as it would have from the start.
    let bytes = text.as_bytes();
    if !entities.windows(2).any(|w| spaced(bytes, &w[0], &w[1]) && mergeable(text, &w[0], &w[1])) {
        return;
    }
    merge_all(text, entities);
}

/// [`merge_adjacent`] without the test for a first merge.
fn merge_all(text: &str, entities: &mut Vec<Entity>) {
    // In place: `prev` is the last entity kept, `e` the next one. The pairs
    // apart by anything but spaces (most) are ruled out inline, as in
    // `merge_adjacent`, without a call (`mergeable` implies `spaced`:
    // 0.48 M instructions on the benchmark run with every pair called;
    // the implication is tested in `byte_gap_test_agrees_with_str_slices`).
    let bytes = text.as_bytes();
    entities.dedup_by(|e, prev| {
        let merge = spaced(bytes, prev, e) && mergeable(text, prev, e);
        if merge {
            prev.span.end = e.span.end;
            prev.tokens.end = e.tokens.end;
        }
        merge
    });
}

/// Whether the first two bytes between `prev` and `e` are spaces, or the
/// one byte between is: what [`mergeable`] needs first. Inline, so that
/// the pairs apart by anything else (most: "X and Y" passes one space,
/// not two) are ruled out without a call.
#[inline(always)]
fn spaced(bytes: &[u8], prev: &Entity, e: &Entity) -> bool {
    let at = prev.span.end;
    at < e.span.start
        && bytes.get(at) == Some(&b' ')
        && (at + 1 == e.span.start || bytes.get(at + 1) == Some(&b' '))
}

/// True when `e`, right after `prev`, is the same thing written again (see
/// [`merge_adjacent`]).
fn mergeable(text: &str, prev: &Entity, e: &Entity) -> bool {
    // As bytes, without the checks of a `str` slice's ends: spaces alone
    // between make both ends character boundaries anyway.
    let between = text.as_bytes().get(prev.span.end..e.span.start).unwrap_or(b"x");
    let slice = |span: Span| text.get(span.start..span.end).unwrap_or("");
    // A repeated name ("Su-35 SU-35") is two mentions, not one. The bytes
    // between are tested first: most neighbours are apart, and that ends
    // the test at the first byte, before any name is compared.
    !between.is_empty()
        && between.iter().all(|&c| c == b' ')
        && prev.label == e.label
        && prev.canonical == e.canonical
        && !name_key(slice(prev.span)).eq(name_key(slice(e.span)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;
    use std::sync::Arc;

    fn cand(start: usize, end: usize, label: &str, priority: i64) -> Candidate {
        Candidate::new(
            Entity::from_rule(
                Span::new(start, end),
                0..0,
                Arc::from(label),
                Arc::from("x"),
                Arc::from("r"),
            ),
            priority,
        )
    }

    fn run(mut cands: Vec<Candidate>) -> (Vec<(usize, usize, String)>, usize) {
        let (mut kept, mut rejected) = (Vec::new(), Vec::new());
        resolve(&mut cands, &mut kept, &mut rejected, &mut Scratch::default());
        (
            kept.iter().map(|e| (e.span.start, e.span.end, e.label.to_string())).collect(),
            rejected.len(),
        )
    }

    /// `sort_two_runs` sorts as `sort_unstable` does whatever the order:
    /// one sorted run then a nearly sorted one (the candidates' order,
    /// merged), the second shuffled (left to `sort_unstable` past the
    /// insertion's budget), sorted already, reversed, short or empty, with
    /// duplicates, and a second run wholly after the first.
    #[test]
    fn two_runs_sort_as_sort_unstable() {
        let mut rng = crate::testing::xorshift(0x5851_f42d_4c95_7f2d);
        let mut next = |n: u64| rng() % n;
        let (mut v, mut spare): (Vec<(u64, u64)>, _) = (Vec::new(), Vec::new());
        let (mut merged, mut shuffled) = (0, 0);
        for round in 0..3000 {
            let (n1, n2) = (next(60) as usize, next(60) as usize);
            let width = 1 + next(200);
            let mut first: Vec<(u64, u64)> = (0..n1).map(|_| (next(width), next(3))).collect();
            first.sort_unstable();
            let mut second: Vec<(u64, u64)> = (0..n2).map(|_| (next(width), next(3))).collect();
            match round % 5 {
                // Nearly sorted: a few neighbours swapped.
                0 | 1 => {
                    second.sort_unstable();
                    for _ in 0..next(4) {
                        if second.len() > 1 {
                            let k = next(second.len() as u64 - 1) as usize;
                            second.swap(k, k + 1);
                        }
                    }
                }
                2 => shuffled += usize::from(n2 > 20),
                3 => second.sort_unstable_by(|a, b| b.cmp(a)),
                _ => {
                    second.sort_unstable();
                    second.iter_mut().for_each(|x| x.0 += width);
                }
            }
            v.clear();
            v.extend(first.iter().chain(&second));
            let mut want = v.clone();
            want.sort_unstable();
            merged += usize::from(v.len() > SMALL_SORT && v != want);
            sort_two_runs(&mut v, &mut spare);
            assert_eq!(v, want, "round {round}");
        }
        assert!(merged > 1500 && shuffled > 300, "{merged} {shuffled}");
    }

    #[test]
    fn clusters_agree_with_the_global_policy() {
        // Random candidates, many overlapping, some empty or inverted, with
        // ties of length, priority and label: both ways keep and reject the
        // same entities in the same order.
        let labels = ["PERSON", "LOCATION", "DATE", "OTHER", "MILITARY_UNIT"];
        let mut rng = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        let mut next = |n: u64| (rng() % n) as usize;
        let describe = |v: &[Entity]| -> Vec<(usize, usize, String, String)> {
            v.iter()
                .map(|e| (e.span.start, e.span.end, e.label.to_string(), e.canonical.to_string()))
                .collect()
        };
        let mut scratch = Scratch::default();
        for round in 0..2000 {
            let n = next(40);
            let width = 1 + next(60);
            let make = |next: &mut dyn FnMut(u64) -> usize| -> Vec<Candidate> {
                (0..n)
                    .map(|k| {
                        let start = next(width as u64);
                        let end = if next(20) == 0 {
                            start.saturating_sub(next(3))
                        } else {
                            start + next(8)
                        };
                        let mut c = cand(start, end, labels[next(5)], next(3) as i64);
                        c.entity.as_mut().unwrap().canonical = Arc::from(k.to_string());
                        c
                    })
                    .collect()
            };
            let mut cands = make(&mut next);
            let copy: Vec<Candidate> =
                cands.iter().map(|c| Candidate::new(c.entity().clone(), c.priority)).collect();
            let (mut k1, mut r1, mut k2, mut r2) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            // One scratch for every round, as for the texts of a thread.
            resolve(&mut cands, &mut k1, &mut r1, &mut scratch);
            assert!(cands.is_empty());
            resolve_globally(copy, &mut k2, &mut r2);
            assert_eq!(describe(&k1), describe(&k2), "kept, round {round}");
            assert_eq!(describe(&r1), describe(&r2), "rejected, round {round}");
        }
    }

    #[test]
    fn pairs_agree_with_the_general_path() {
        // Few candidates over a wide text, so that most clusters are pairs:
        // ties of length, priority and label, empty and inverted spans, one
        // inside the other. The pair path decides as the sort does, and as
        // the global policy.
        let labels = ["PERSON", "LOCATION", "DATE", "OTHER"];
        let mut rng = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15);
        let mut next = |n: u64| (rng() % n) as usize;
        let describe = |v: &[Entity]| -> Vec<(Span, String, String)> {
            v.iter().map(|e| (e.span, e.label.to_string(), e.canonical.to_string())).collect()
        };
        let (mut scratch, mut pairs) = (Scratch::default(), 0);
        for round in 0..5000 {
            let (n, width) = (2 + next(6), 4 + next(80));
            let cands: Vec<Candidate> = (0..n)
                .map(|k| {
                    let start = next(width as u64);
                    let end = match next(10) {
                        0 => start.saturating_sub(next(3)),
                        _ => start + next(8),
                    };
                    let mut c = cand(start, end, labels[next(4)], next(2) as i64);
                    c.entity.as_mut().unwrap().canonical = Arc::from(k.to_string());
                    c
                })
                .collect();
            // Clusters of two, as `resolve` forms them.
            let mut at: Vec<(usize, usize)> =
                cands.iter().map(|c| (c.entity().span.start, c.entity().span.end)).collect();
            at.sort_unstable();
            let mut i = 0;
            while i < at.len() {
                let (mut j, mut reach) = (i + 1, at[i].1);
                while j < at.len() && at[j].0 < reach {
                    reach = reach.max(at[j].1);
                    j += 1;
                }
                pairs += usize::from(j == i + 2);
                i = j;
            }
            let copy = |v: &[Candidate]| -> Vec<Candidate> {
                v.iter().map(|c| Candidate::new(c.entity().clone(), c.priority)).collect()
            };
            let (mut general, mut global) = (copy(&cands), copy(&cands));
            let mut fast = cands;
            let (mut k1, mut r1, mut k2, mut r2) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            resolve_with(&mut fast, &mut k1, &mut r1, &mut scratch, true);
            resolve_with(&mut general, &mut k2, &mut r2, &mut scratch, false);
            assert_eq!(describe(&k1), describe(&k2), "kept, round {round}");
            assert_eq!(describe(&r1), describe(&r2), "rejected, round {round}");
            let (mut k3, mut r3) = (Vec::new(), Vec::new());
            resolve_globally(std::mem::take(&mut global), &mut k3, &mut r3);
            assert_eq!(describe(&k1), describe(&k3), "kept, round {round}");
            assert_eq!(describe(&r1), describe(&r3), "rejected, round {round}");
        }
        assert!(pairs > 2000, "{pairs}");
    }

    #[test]
    fn neighbours_with_one_canonical_merge() {
        let text = "AH-64E Apache helicopters and Apache";
        let mk = |a: usize, b: usize| cand(a, b, "WEAPON_SYSTEM", 0).entity().clone();
        let mut v = vec![mk(0, 6), mk(7, 24), mk(37, 43)];
        merge_adjacent(text, &mut v);
        assert_eq!(
            v.iter().map(|e| (e.span.start, e.span.end)).collect::<Vec<_>>(),
            [(0, 24), (37, 43)]
        );
    }

    #[test]
    fn merge_test_first_agrees_with_merging_throughout() {
        // Random runs of names, one or two spaces or a word apart, with few
        // labels and canonicals so that many neighbours merge (or nearly).
        let mut rng = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        let words = ["Su-35", "SU35", "Apache", "AH-64E", "and"];
        let mut merged = 0;
        for round in 0..2000 {
            let (mut text, mut v) = (String::new(), Vec::new());
            for k in 0..(rng() % 6) as usize {
                if k > 0 {
                    text.push_str(["  ", " ", " ", " and "][(rng() % 4) as usize]);
                }
                let start = text.len();
                text.push_str(words[(rng() % words.len() as u64) as usize]);
                let (label, canonical) =
                    (["A", "B"][(rng() % 2) as usize], ["x", "y"][(rng() % 2) as usize]);
                let span = Span::new(start, text.len());
                v.push(Entity::from_rule(
                    span,
                    k..k + 1,
                    Arc::from(label),
                    Arc::from(canonical),
                    Arc::from("r"),
                ));
            }
            let (mut all, before) = (v.clone(), v.len());
            merge_adjacent(&text, &mut v);
            merge_all(&text, &mut all);
            merged += usize::from(all.len() < before);
            let describe =
                |v: &[Entity]| v.iter().map(|e| (e.span, e.tokens.clone())).collect::<Vec<_>>();
            assert_eq!(describe(&v), describe(&all), "round {round}: {text:?}");
        }
        assert!(merged > 200, "{merged}");
    }

    /// `mergeable` reads the bytes between two entities as bytes: it
    /// decides as the test on a `str` slice does for every pair of ends,
    /// on character boundaries or not, in the text or past it, reversed
    /// or not, around multi-byte characters and runs of spaces.
    #[test]
    fn byte_gap_test_agrees_with_str_slices() {
        let by_str = |text: &str, prev: &Entity, e: &Entity| {
            let between = text.get(prev.span.end..e.span.start).unwrap_or("x");
            let slice = |span: Span| text.get(span.start..span.end).unwrap_or("");
            !between.is_empty()
                && between.bytes().all(|c| c == b' ')
                && prev.label == e.label
                && prev.canonical == e.canonical
                && !name_key(slice(prev.span)).eq(name_key(slice(e.span)))
        };
        let text = "Su-35 \u{fc}  SU35 \u{e9}\u{e9} Su-35\u{a0} \u{dc}35  su-35\u{2003}x";
        let mk = |a: usize, b: usize| cand(a, b, "A", 0).entity().clone();
        let (mut merges, mut off_boundary) = (0, 0);
        for end in 0..=text.len() + 1 {
            for start in 0..=text.len() + 1 {
                for (back, ahead) in [(0, 0), (5, 5), (2, 9)] {
                    let prev = mk(end.saturating_sub(back), end);
                    let e = mk(start, start + ahead);
                    let want = by_str(text, &prev, &e);
                    assert_eq!(mergeable(text, &prev, &e), want, "{end} {start} {back} {ahead}");
                    // The quick test before the call never rules out a merge.
                    assert!(!want || spaced(text.as_bytes(), &prev, &e), "{end} {start}");
                    merges += usize::from(want);
                    off_boundary += usize::from(!text.is_char_boundary(end.min(text.len())));
                }
            }
        }
        assert!(merges > 10 && off_boundary > 100, "{merges} {off_boundary}");
    }

    #[test]
    fn many_spans_past_the_small_set() {
        // Enough disjoint spans to move past the sorted Vec, and one
        // overlapping each: the same result either way.
        let mut cands = Vec::new();
        for k in 0..100 {
            cands.push(cand(k * 10, k * 10 + 5, "DATE", 0));
            cands.push(cand(k * 10 + 4, k * 10 + 8, "DATE", 0));
        }
        let (kept, rej) = run(cands);
        assert_eq!(kept.len(), 100);
        assert_eq!(rej, 100);
        assert!(kept.iter().enumerate().all(|(k, e)| e.0 == k * 10 && e.1 == k * 10 + 5));
    }

    #[test]
    fn longest_then_priority_then_label() {
        // Longest wins over a higher priority.
        let (kept, rej) = run(vec![cand(0, 5, "LOCATION", 9), cand(0, 10, "PERSON", 0)]);
        assert_eq!(kept, [(0, 10, "PERSON".to_string())]);
        assert_eq!(rej, 1);
        // Same length: priority.
        let (kept, _) = run(vec![cand(0, 5, "PERSON", 0), cand(0, 5, "LOCATION", 9)]);
        assert_eq!(kept, [(0, 5, "LOCATION".to_string())]);
        // Same length and priority: label order.
        let (kept, _) = run(vec![cand(0, 5, "LOCATION", 1), cand(0, 5, "MILITARY_UNIT", 1)]);
        assert_eq!(kept, [(0, 5, "MILITARY_UNIT".to_string())]);
        // Disjoint candidates all stay, sorted.
        let (kept, rej) =
            run(vec![cand(6, 9, "DATE", 0), cand(0, 5, "PERSON", 0), cand(4, 7, "X", 0)]);
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0].0, 0);
        assert_eq!(rej, 1);
    }
}
