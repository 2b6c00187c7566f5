//! Backchannel authentication requests (CIBA, poll mode), as the real server keeps them
//! (`O2/ciba/store.go`, `model.go`): one record per `auth_req_id`, whose state moves from PENDING to
//! AUTHENTICATED or DENIED (the flow's callback), to CONSUMED (tokens issued) or EXPIRED (polled past
//! its expiry).
//!
//! The store's lifetime is the server's quirk, kept on purpose: the record is written with a TTL of
//! the whole seconds left until its expiry, which is always one less than `expires_in` (Go truncates
//! 119.99… to 119), so it disappears a second *before* the request expires and a late poll learns
//! "Invalid auth_req_id" rather than `expired_token`. A TTL of 0 (`requested_expiry=1`) means "no
//! expiry" to the runtime store: such a record stays, and is answered `expired_token`.

use super::{CAPACITY, OAuthState};

/// Where a backchannel request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CibaState {
    /// Waiting for the user.
    Pending,
    /// The user signed in; the next poll gets tokens.
    Authenticated,
    /// The flow ended in an end-user error (the user declined).
    Denied,
    /// Polled after its expiry.
    Expired,
    /// Tokens were issued.
    Consumed,
}

/// One backchannel authentication request (`CIBAAuthRequest`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CibaRequest {
    pub client_id: String,
    /// The requested OIDC scopes.
    pub standard_scopes: Vec<String>,
    /// The bound resource server's identifier, when the request is bound to one.
    pub resources: Vec<String>,
    pub state: CibaState,
    /// When the request expires (`ExpiryTime`): created + `expires_in`.
    pub expiry_time: u64,
    /// The last poll that found it pending.
    pub last_polled_at: Option<u64>,
    /// The AUTHENTICATION execution the request started (mock-only: the control plane decides
    /// through it).
    pub execution_id: String,
    /// Set when authenticated: the user, the granted scopes (OIDC scopes, then the authorized
    /// permissions), the completed class and the assertion's `iat`.
    pub user_id: String,
    pub authorized_scopes: Vec<String>,
    pub completed_acr: Option<String>,
    pub auth_time: u64,
    /// The assertion's `aci` (empty when none).
    pub attribute_cache_id: String,
}

impl OAuthState {
    /// Store a new request created at `now` (see the module docs for its store lifetime).
    pub fn add_ciba(&mut self, auth_req_id: String, request: CibaRequest, now: u64) {
        self.prune(now);
        if !self.ciba.contains(&auth_req_id) && self.ciba.len() >= CAPACITY {
            self.ciba.evict_first();
        }
        let ttl = request.expiry_time.saturating_sub(now).saturating_sub(1);
        let kept_until = match ttl {
            0 => u64::MAX,
            ttl => now.saturating_add(ttl),
        };
        self.ciba.insert(auth_req_id, request, kept_until);
    }

    /// The live request under `auth_req_id`, to read or change in one locked step.
    pub fn ciba_mut(&mut self, auth_req_id: &str, now: u64) -> Option<&mut CibaRequest> {
        self.ciba.get_mut(auth_req_id, now)
    }

    /// A copy of the live request under `auth_req_id`.
    pub fn ciba(&self, auth_req_id: &str, now: u64) -> Option<CibaRequest> {
        self.ciba.get(auth_req_id, now).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(expiry_time: u64) -> CibaRequest {
        CibaRequest {
            client_id: "c".to_owned(),
            standard_scopes: vec!["openid".to_owned()],
            resources: Vec::new(),
            state: CibaState::Pending,
            expiry_time,
            last_polled_at: None,
            execution_id: String::new(),
            user_id: String::new(),
            authorized_scopes: Vec::new(),
            completed_acr: None,
            auth_time: 0,
            attribute_cache_id: String::new(),
        }
    }

    #[test]
    fn a_record_leaves_the_store_a_second_before_it_expires() {
        let mut store = OAuthState::default();
        store.add_ciba("r".to_owned(), request(1_120), 1_000);
        assert!(store.ciba("r", 1_119).is_some());
        assert!(
            store.ciba("r", 1_120).is_none(),
            "gone at its expiry second"
        );
    }

    #[test]
    fn a_one_second_request_is_kept_without_expiry() {
        let mut store = OAuthState::default();
        store.add_ciba("r".to_owned(), request(1_001), 1_000);
        assert!(store.ciba("r", 1_000_000).is_some());
        store.prune(u64::MAX - 1);
        assert_eq!(store.len(), 1);
    }
}
