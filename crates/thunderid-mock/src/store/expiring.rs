//! [`Expiring`]: a map whose entries carry an absolute expiry, freed in expiry order.

use std::collections::{BTreeSet, HashMap};

/// A map whose entries expire at an absolute second, with an index ordered by expiry so pruning
/// only touches expired entries.
#[derive(Debug)]
pub(crate) struct Expiring<V> {
    /// `key → (expires_at, value, weight)`; the weight is what the entry counts against a byte
    /// budget (0 for maps that keep none).
    entries: HashMap<String, (u64, V, usize)>,
    /// The sum of the live entries' weights.
    weight: usize,
    /// `(expires_at, key)`; may hold stale pairs for keys taken early or re-inserted, which pruning
    /// skips by comparing against the live entry's expiry.
    by_expiry: BTreeSet<(u64, String)>,
}

impl<V> Default for Expiring<V> {
    fn default() -> Self {
        Self {
            entries: HashMap::new(),
            weight: 0,
            by_expiry: BTreeSet::new(),
        }
    }
}

impl<V> Expiring<V> {
    pub(crate) fn insert(&mut self, key: String, value: V, expires_at: u64) {
        self.insert_weighted(key, value, expires_at, 0);
    }

    /// Insert an entry that counts `weight` against the map's [`Self::weight`].
    pub(crate) fn insert_weighted(
        &mut self,
        key: String,
        value: V,
        expires_at: u64,
        weight: usize,
    ) {
        self.by_expiry.insert((expires_at, key.clone()));
        self.weight += weight;
        if let Some((_, _, old)) = self.entries.insert(key, (expires_at, value, weight)) {
            self.weight -= old;
        }
    }

    /// Insert an entry of `weight` into a map that holds at most `budget`: expired entries must have
    /// been pruned first, so what gives way is live, the one expiring soonest, and only while the
    /// rest does not fit (O(log n) each). An entry over the whole budget still goes in alone.
    pub(crate) fn insert_within(
        &mut self,
        key: String,
        value: V,
        expires_at: u64,
        weight: usize,
        budget: usize,
    ) {
        self.insert_within_with(key, value, expires_at, weight, budget, |_, _| {});
    }

    /// [`Self::insert_within`], handing each entry that gave way to `gone` (for an index kept
    /// beside the map).
    pub(crate) fn insert_within_with(
        &mut self,
        key: String,
        value: V,
        expires_at: u64,
        weight: usize,
        budget: usize,
        mut gone: impl FnMut(String, V),
    ) {
        self.remove(&key);
        while self.weight + weight > budget && !self.entries.is_empty() {
            if let Some((key, value)) = self.evict_first() {
                gone(key, value);
            }
        }
        self.insert_weighted(key, value, expires_at, weight);
    }

    /// The sum of the stored entries' weights.
    #[cfg(test)]
    pub(crate) fn weight(&self) -> usize {
        self.weight
    }

    fn forget(&mut self, key: &str) -> Option<(u64, V)> {
        let (expires_at, value, weight) = self.entries.remove(key)?;
        self.weight -= weight;
        Some((expires_at, value))
    }

    /// The live value under `key`; an expired entry reads as absent.
    pub(crate) fn get(&self, key: &str, now: u64) -> Option<&V> {
        self.entries
            .get(key)
            .filter(|(expires_at, _, _)| now <= *expires_at)
            .map(|(_, value, _)| value)
    }

    /// The live value under `key`, to change in place (its expiry stays).
    pub(crate) fn get_mut(&mut self, key: &str, now: u64) -> Option<&mut V> {
        self.entries
            .get_mut(key)
            .filter(|(expires_at, _, _)| now <= *expires_at)
            .map(|(_, value, _)| value)
    }

    /// Remove and return the live value under `key`.
    pub(crate) fn take(&mut self, key: &str, now: u64) -> Option<V> {
        let (expires_at, value) = self.forget(key)?;
        self.by_expiry.remove(&(expires_at, key.to_owned()));
        (now <= expires_at).then_some(value)
    }

    pub(crate) fn remove(&mut self, key: &str) {
        if let Some((expires_at, _)) = self.forget(key) {
            self.by_expiry.remove(&(expires_at, key.to_owned()));
        }
    }

    pub(crate) fn prune(&mut self, now: u64) {
        self.prune_with(now, |_, _| {});
    }

    /// [`Self::prune`], handing each expired entry to `gone`.
    pub(crate) fn prune_with(&mut self, now: u64, mut gone: impl FnMut(String, V)) {
        while let Some((expires_at, _)) = self.by_expiry.first() {
            if *expires_at >= now {
                break;
            }
            let Some((expires_at, key)) = self.by_expiry.pop_first() else {
                break;
            };
            let current = self
                .entries
                .get(&key)
                .is_some_and(|(live, _, _)| *live == expires_at);
            if let Some((_, value)) = current.then(|| self.forget(&key)).flatten() {
                gone(key, value);
            }
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

impl<V> Expiring<V> {
    /// Remove the entry that expires first, live or not: what a full store gives up.
    pub(crate) fn evict_first(&mut self) -> Option<(String, V)> {
        while let Some((expires_at, key)) = self.by_expiry.pop_first() {
            let current = self
                .entries
                .get(&key)
                .is_some_and(|(live, _, _)| *live == expires_at);
            if current {
                return self.forget(&key).map(|(_, value)| (key, value));
            }
        }
        None
    }

    pub(crate) fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// The value under `key`, expired or not (to keep an index beside the map exact).
    pub(crate) fn get_any(&self, key: &str) -> Option<&V> {
        self.entries.get(key).map(|(_, value, _)| value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reinserting_a_key_keeps_the_newer_expiry() {
        let mut store = Expiring::default();
        store.insert("k".to_owned(), 1, 10);
        store.insert("k".to_owned(), 2, 50);
        store.prune(20);
        assert_eq!(store.get("k", 20), Some(&2));
        store.prune(51);
        assert_eq!(store.len(), 0);
        assert!(store.by_expiry.is_empty());
    }

    #[test]
    fn eviction_takes_the_soonest_expiring_entry() {
        let mut store = Expiring::default();
        store.insert("late".to_owned(), 1, 50);
        store.insert("early".to_owned(), 2, 10);
        store.insert("early".to_owned(), 3, 60);
        assert_eq!(store.evict_first(), Some(("late".to_owned(), 1)));
        assert_eq!(store.evict_first(), Some(("early".to_owned(), 3)));
        assert_eq!(store.evict_first(), None);
    }

    #[test]
    fn a_bounded_insert_evicts_the_soonest_expiring_only_until_it_fits() {
        let mut store = Expiring::default();
        store.insert_within("a".to_owned(), 1, 30, 40, 100);
        store.insert_within("b".to_owned(), 2, 10, 40, 100);
        store.insert_within("c".to_owned(), 3, 20, 20, 100);
        assert_eq!((store.len(), store.weight()), (3, 100));
        // 30 more: `b` (expiring first) goes, and that is enough.
        store.insert_within("d".to_owned(), 4, 40, 30, 100);
        assert_eq!(store.get("b", 0), None);
        assert_eq!((store.len(), store.weight()), (3, 90));
        // Re-inserting a key replaces its weight instead of counting it twice.
        store.insert_within("d".to_owned(), 5, 40, 40, 100);
        assert_eq!((store.len(), store.weight()), (3, 100));
        assert_eq!(store.by_expiry.len(), 3);
    }

    #[test]
    fn the_weight_follows_what_is_stored() {
        let mut store = Expiring::default();
        store.insert_weighted("a".to_owned(), 1, 10, 100);
        store.insert_weighted("b".to_owned(), 2, 20, 50);
        store.insert_weighted("a".to_owned(), 3, 30, 70);
        assert_eq!(store.weight(), 120);
        assert!(store.take("b", 0).is_some());
        assert_eq!(store.weight(), 70);
        store.prune(31);
        assert_eq!(store.weight(), 0);
    }
}
