//! Lists by id: for each id in `0..ids`, a slice of items, stored as one
//! offset table and one item array (what the rule index and the eager
//! start checks look words up in).

/// Items grouped by a dense id.
#[derive(Clone, Debug)]
pub(crate) struct Lists<T> {
    /// Items of id `i`: `items[start[i]..start[i + 1]]`.
    start: Vec<u32>,
    items: Vec<T>,
}

impl<T> Default for Lists<T> {
    fn default() -> Self {
        Lists { start: vec![0], items: Vec::new() }
    }
}

impl<T> Lists<T> {
    /// Groups `pairs` (id, item) by id for ids `0..ids`; pairs with a larger
    /// id are dropped. Items of one id keep the order of `pairs`.
    pub(crate) fn from_pairs(mut pairs: Vec<(u32, T)>, ids: usize) -> Lists<T> {
        pairs.retain(|(id, _)| (*id as usize) < ids);
        pairs.sort_by_key(|(id, _)| *id);
        let mut start = vec![0u32; ids + 1];
        for (id, _) in &pairs {
            start[*id as usize + 1] += 1;
        }
        for k in 1..start.len() {
            start[k] += start[k - 1];
        }
        Lists { start, items: pairs.into_iter().map(|(_, t)| t).collect() }
    }

    /// The items of `id` (none for an id out of range).
    #[inline]
    pub(crate) fn get(&self, id: u32) -> &[T] {
        let id = id as usize;
        // Both bounds from one slice: one bounds test, not two (the eager
        // start checks look up every token of a sentence).
        match self.start.get(id..id + 2) {
            Some(&[a, b]) => self.items.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_by_id_in_order() {
        let l = Lists::from_pairs(vec![(2, 'a'), (0, 'b'), (2, 'c'), (7, 'x')], 3);
        assert_eq!(l.get(0), ['b']);
        assert!(l.get(1).is_empty());
        assert_eq!(l.get(2), ['a', 'c']);
        assert!(l.get(3).is_empty());
        assert!(l.get(u32::MAX).is_empty());
    }
}
