//! The attribute cache (`backend/internal/attributecache`): the user attributes a sign-in resolved,
//! stored under an id (`aci`) that its assertion, authorization code, access and refresh tokens
//! carry. The token grants and UserInfo read the attributes from here, not from the user store,
//! so a consent step's answer (and the values at sign-in) hold for the whole session.
//!
//! As on the server's runtime store: an entry lives `ttl` seconds from its creation, an expired one
//! reads as absent, and extending it sets its expiry to `now + ttl` (shorter or longer). Memory is
//! bounded by [`ATTRIBUTE_CACHE_BYTES`]: past it the soonest-expiring entries go first, and a token
//! naming one then meets the server's "not found" path.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use super::OAuthState;

/// At most this many bytes of cached attributes (a sign-in's entry is a few hundred bytes).
pub(crate) const ATTRIBUTE_CACHE_BYTES: usize = 4 << 20;

/// The attributes of one entry, shared with whoever reads them.
pub type CachedAttributes = Arc<BTreeMap<String, Value>>;

impl OAuthState {
    /// `CreateAttributeCache`: keep `attributes` under `id` for `ttl` seconds.
    pub fn cache_attributes(
        &mut self,
        id: String,
        attributes: BTreeMap<String, Value>,
        ttl: u64,
        now: u64,
    ) {
        self.prune(now);
        let weight = entry_weight(&id, &attributes);
        self.attributes.insert_within(
            id,
            Arc::new(attributes),
            now.saturating_add(ttl),
            weight,
            ATTRIBUTE_CACHE_BYTES,
        );
    }

    /// `GetAttributeCache`: the live entry under `id`, if any.
    pub fn cached_attributes(&self, id: &str, now: u64) -> Option<CachedAttributes> {
        self.attributes.get(id, now).cloned()
    }

    /// `ExtendAttributeCacheTTL`: the live entry under `id` now expires `ttl` seconds from `now`;
    /// `false` when there is none.
    pub fn extend_attribute_cache(&mut self, id: &str, ttl: u64, now: u64) -> bool {
        self.prune(now);
        let Some(attributes) = self.attributes.take(id, now) else {
            return false;
        };
        let weight = entry_weight(id, &attributes);
        self.attributes.insert_within(
            id.to_owned(),
            attributes,
            now.saturating_add(ttl),
            weight,
            ATTRIBUTE_CACHE_BYTES,
        );
        true
    }
}

/// What an entry counts against the budget: its id, its attributes as JSON, and the map's own
/// overhead.
fn entry_weight(id: &str, attributes: &BTreeMap<String, Value>) -> usize {
    let json = serde_json::to_vec(attributes).map_or(0, |bytes| bytes.len());
    id.len() + json + 4 * std::mem::size_of::<String>() + 64 * (attributes.len() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attributes(email: &str) -> BTreeMap<String, Value> {
        BTreeMap::from([("email".to_owned(), Value::from(email))])
    }

    #[test]
    fn an_entry_lives_its_ttl_and_an_extension_restarts_it_from_now() {
        let mut store = OAuthState::default();
        store.cache_attributes("a".into(), attributes("thor@asgard.example"), 100, 1_000);
        assert_eq!(
            store.cached_attributes("a", 1_100).as_deref(),
            Some(&attributes("thor@asgard.example"))
        );
        assert!(store.cached_attributes("a", 1_101).is_none());
        assert!(store.extend_attribute_cache("a", 50, 1_090));
        assert!(store.cached_attributes("a", 1_140).is_some());
        assert!(store.cached_attributes("a", 1_141).is_none());
        assert!(
            !store.extend_attribute_cache("a", 50, 1_141),
            "expired: not found"
        );
        assert!(
            !store.extend_attribute_cache("b", 50, 1_000),
            "unknown: not found"
        );
    }

    #[test]
    fn cached_attributes_stay_within_their_byte_budget() {
        let mut store = OAuthState::default();
        let long = "x".repeat(4096);
        for i in 0..2_000u64 {
            store.cache_attributes(format!("id-{i}"), attributes(&long), 3_600 + i, 1_000);
        }
        assert!(store.attributes.weight() <= ATTRIBUTE_CACHE_BYTES);
        assert!(
            store.cached_attributes("id-1999", 1_000).is_some(),
            "the newest stays"
        );
        assert!(
            store.cached_attributes("id-0", 1_000).is_none(),
            "the soonest-expiring went"
        );
    }
}
