//! [`Expiring`]: a map whose entries carry an absolute expiry, freed in expiry order.

use std::collections::{BTreeSet, HashMap};

/// A map whose entries expire at an absolute second, with an index ordered by expiry so pruning
/// only touches expired entries.
#[derive(Debug)]
pub(crate) struct Expiring<V> {
    entries: HashMap<String, (u64, V)>,
    /// `(expires_at, key)`; may hold stale pairs for keys taken early or re-inserted, which pruning
    /// skips by comparing against the live entry's expiry.
    by_expiry: BTreeSet<(u64, String)>,
}

impl<V> Default for Expiring<V> {
    fn default() -> Self {
        Self {
            entries: HashMap::new(),
            by_expiry: BTreeSet::new(),
        }
    }
}

impl<V> Expiring<V> {
    pub(crate) fn insert(&mut self, key: String, value: V, expires_at: u64) {
        self.by_expiry.insert((expires_at, key.clone()));
        self.entries.insert(key, (expires_at, value));
    }

    /// The live value under `key`; an expired entry reads as absent.
    pub(crate) fn get(&self, key: &str, now: u64) -> Option<&V> {
        self.entries
            .get(key)
            .filter(|(expires_at, _)| now <= *expires_at)
            .map(|(_, value)| value)
    }

    /// The live value under `key`, to change in place (its expiry stays).
    pub(crate) fn get_mut(&mut self, key: &str, now: u64) -> Option<&mut V> {
        self.entries
            .get_mut(key)
            .filter(|(expires_at, _)| now <= *expires_at)
            .map(|(_, value)| value)
    }

    /// Remove and return the live value under `key`.
    pub(crate) fn take(&mut self, key: &str, now: u64) -> Option<V> {
        let (expires_at, value) = self.entries.remove(key)?;
        self.by_expiry.remove(&(expires_at, key.to_owned()));
        (now <= expires_at).then_some(value)
    }

    pub(crate) fn remove(&mut self, key: &str) {
        if let Some((expires_at, _)) = self.entries.remove(key) {
            self.by_expiry.remove(&(expires_at, key.to_owned()));
        }
    }

    pub(crate) fn prune(&mut self, now: u64) {
        while let Some((expires_at, _)) = self.by_expiry.first() {
            if *expires_at >= now {
                break;
            }
            let Some((expires_at, key)) = self.by_expiry.pop_first() else {
                break;
            };
            if self
                .entries
                .get(&key)
                .is_some_and(|(live, _)| *live == expires_at)
            {
                self.entries.remove(&key);
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
                .is_some_and(|(live, _)| *live == expires_at);
            if current {
                return self.entries.remove(&key).map(|(_, value)| (key, value));
            }
        }
        None
    }

    pub(crate) fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// Every live entry, in no particular order (for the rare scan: revoking by subject).
    pub(crate) fn iter(&self, now: u64) -> impl Iterator<Item = (&String, &V)> {
        self.entries
            .iter()
            .filter(move |(_, (expires_at, _))| now <= *expires_at)
            .map(|(key, (_, value))| (key, value))
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
}
