//! What `private_key_jwt` client authentication keeps: the `jti`s of the assertions already used
//! (the server's JTI replay store) and the key sets fetched from clients' `JWKS_URI`s (the JWT
//! service's `jwksCache`), each within a byte budget.

use serde_json::{Map, Value};

use super::OAuthState;

/// At most this many bytes of used client-assertion `jti`s (only a verified assertion records one,
/// but its `exp` is the client's choice); past it, the soonest-expiring one goes first.
const ASSERTION_JTI_BYTES: usize = 4 << 20;

/// As much for fetched client key sets (each at most the outbound client's 1 MiB body).
const JWKS_CACHE_BYTES: usize = 4 << 20;

/// What one recorded `jti` costs beside its text: the map's and the expiry index's entries.
const JTI_OVERHEAD: usize = 96;

impl OAuthState {
    /// Record a client assertion's `jti` until `expires_at` (`RecordJTI`): `false` when it is
    /// already recorded (a replay). An assertion expiring within the second is not tracked, as on
    /// the server.
    pub fn record_assertion_jti(&mut self, jti: &str, expires_at: u64, now: u64) -> bool {
        self.prune(now);
        if expires_at < now.saturating_add(1) {
            return true;
        }
        if self.assertion_jtis.get(jti, now).is_some() {
            return false;
        }
        let weight = jti.len() * 2 + JTI_OVERHEAD;
        self.assertion_jtis.insert_within(
            jti.to_owned(),
            (),
            expires_at,
            weight,
            ASSERTION_JTI_BYTES,
        );
        true
    }

    /// The keys last fetched from `url`, while they are fresh.
    pub fn cached_jwks(&self, url: &str, now: u64) -> Option<Vec<Map<String, Value>>> {
        // Fresh while `now` is before the expiry (`time.Now().Before(expiresAt)`).
        self.jwks_cache.get(url, now.saturating_add(1)).cloned()
    }

    /// Keep the keys fetched from `url` (`size`: the body they came in; parsed, they take a few
    /// times that) until `expires_at`.
    pub fn cache_jwks(
        &mut self,
        url: &str,
        keys: Vec<Map<String, Value>>,
        size: usize,
        expires_at: u64,
        now: u64,
    ) {
        self.prune(now);
        let weight = size * 4 + url.len() * 2 + JTI_OVERHEAD;
        self.jwks_cache
            .insert_within(url.to_owned(), keys, expires_at, weight, JWKS_CACHE_BYTES);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_assertion_jti_is_single_use_until_it_expires_and_the_record_stays_within_its_budget() {
        let mut store = OAuthState::default();
        assert!(store.record_assertion_jti("j1", 100, 0));
        assert!(!store.record_assertion_jti("j1", 100, 50));
        assert!(!store.record_assertion_jti("j1", 100, 99));
        assert!(store.record_assertion_jti("j1", 200, 101));
        // Expiring now: not tracked, so it may come again.
        assert!(store.record_assertion_jti("j2", 10, 10));
        assert!(store.record_assertion_jti("j2", 10, 10));
        let long = "j".repeat(64 << 10);
        for i in 0..200u64 {
            assert!(store.record_assertion_jti(&format!("{long}{i}"), 1_000 + i, 0));
        }
        assert!(store.assertion_jtis.weight() <= ASSERTION_JTI_BYTES);
        assert!(!store.record_assertion_jti(&format!("{long}199"), 1_199, 0));
    }
}
