//! OAuth state: pending authorization requests (`authId`), pushed authorization requests
//! (`request_uri`), backchannel authentication requests ([`ciba`]), authorization codes, token
//! families (revocation by `tfid`), revoked tokens (by `jti`), pending logouts and the attribute
//! cache ([`attribute_cache`]), the `jti`s of the client assertions already used, and the key
//! sets fetched from clients' `JWKS_URI`s ([`assertions`]).
//!
//! Every entry carries an absolute expiry and is freed once it passes: each mutating method first
//! prunes whatever has expired, through a per-map expiry index, so memory stays flat under load and
//! no method pays more than the entries that actually expired. Reads treat an expired entry as
//! absent, exactly like the real server's runtime store (`isExpired`: `now > expiresAt`).
//!
//! Methods validate before they mutate: an error leaves the store as it was, except where the real
//! server deliberately mutates on the error path (a replayed code or refresh token revokes its family).

use super::expiring::Expiring;

mod assertions;
mod attribute_cache;
mod ciba;

pub use attribute_cache::CachedAttributes;
pub use ciba::{CibaRequest, CibaState};

/// Revoked families stay on the deny list this long: the real server's fallback bound
/// (`defaultTokenFamilyRevocationTTL`), longer than any token of the family can live.
const FAMILY_REVOCATION_TTL: u64 = 30 * 24 * 3600;

/// At most this many pushed (and as many backchannel) requests; past it, the soonest-expiring one
/// goes first. Both can be told to live until used, so expiry alone does not bound them.
const CAPACITY: usize = 100_000;

/// At most this many bytes of authorization requests waiting for their flows (any client can make
/// them, with parameters as long as a URL); past it, the soonest-expiring one goes first.
const REQUEST_BYTES: usize = 16 << 20;

/// As much again for pushed requests (a public client pushes with its `client_id` alone), and a
/// quarter of it for pending logouts (`client_id` and `state` are all it takes to start one).
const PUSHED_BYTES: usize = 16 << 20;
const LOGOUT_BYTES: usize = 4 << 20;

/// The OAuth state of the server.
#[derive(Debug, Default)]
pub struct OAuthState {
    requests: Expiring<AuthorizationRequest>,
    /// Pushed authorization requests by the key of their `request_uri`.
    pushed: Expiring<AuthorizationRequest>,
    /// Backchannel authentication requests by `auth_req_id`.
    ciba: Expiring<CibaRequest>,
    codes: Expiring<AuthorizationCodeRecord>,
    /// Redeemed codes → their token family, so a replay can revoke what the first redemption issued.
    redeemed_codes: Expiring<String>,
    /// Revoked tokens by `jti` (explicit revocation, rotated refresh tokens), kept until the token expires.
    revoked_tokens: Expiring<()>,
    /// Revoked token families by `tfid`: every token carrying one is rejected.
    revoked_families: Expiring<()>,
    /// Subjects whose tokens issued up to the cutoff (Unix seconds) are revoked (criteria
    /// revocation when a user is deleted).
    revoked_subjects: Expiring<u64>,
    logouts: Expiring<PendingLogout>,
    /// The attribute cache: what each sign-in released, by `aci`.
    attributes: Expiring<CachedAttributes>,
    /// `jti`s of used client assertions (`private_key_jwt`), kept until the assertion expires.
    assertion_jtis: Expiring<()>,
    /// Key sets fetched from `JWKS_URI` certificates, by URL (the JWT service's `jwksCache`).
    jwks_cache: Expiring<Vec<serde_json::Map<String, serde_json::Value>>>,
}

/// A validated authorization request (`OAuthParameters`): pushed and waiting for its `request_uri`
/// (its scopes and resource as sent), or waiting for its flow to finish under an `authId` (bound to
/// its resource server: permissions cut down, `resources` the server's identifier).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorizationRequest {
    pub client_id: String,
    /// The application id (UUID) of the client.
    pub application_id: String,
    /// The effective redirect URI: as sent, or the only registered one.
    pub redirect_uri: String,
    /// Whether `redirect_uri` was sent; only then must the token request repeat it.
    pub redirect_uri_provided: bool,
    /// `state`; empty when none was sent (the server omits an empty state everywhere).
    pub state: String,
    /// OIDC scopes (`openid`, `profile`, …), in request order.
    pub standard_scopes: Vec<String>,
    /// Every other scope: permissions of a resource server.
    pub permission_scopes: Vec<String>,
    /// Empty when no PKCE challenge was sent.
    pub code_challenge: String,
    pub code_challenge_method: String,
    /// The RFC 8707 `resource` (at most one).
    pub resources: Vec<String>,
    /// Empty when none was sent.
    pub nonce: String,
    /// The OIDC `claims` parameter as sent (already validated); empty when none.
    pub claims: String,
    pub claims_locales: String,
    pub ui_locales: String,
    pub acr_values: String,
    pub max_age: String,
    pub prompt: String,
}

impl AuthorizationRequest {
    /// What the request holds on the heap, roughly, plus its own size.
    pub fn approximate_size(&self) -> usize {
        let texts = [
            &self.client_id,
            &self.application_id,
            &self.redirect_uri,
            &self.state,
            &self.code_challenge,
            &self.code_challenge_method,
            &self.nonce,
            &self.claims,
            &self.claims_locales,
            &self.ui_locales,
            &self.acr_values,
            &self.max_age,
            &self.prompt,
        ];
        let lists = [
            &self.standard_scopes,
            &self.permission_scopes,
            &self.resources,
        ];
        std::mem::size_of::<Self>()
            + texts.iter().map(|t| t.len()).sum::<usize>()
            + lists
                .iter()
                .flat_map(|l| l.iter())
                .map(|t| t.len() + std::mem::size_of::<String>())
                .sum::<usize>()
            + 128
    }
}

/// An issued authorization code (single use).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationCodeRecord {
    pub client_id: String,
    pub redirect_uri: String,
    pub redirect_uri_provided: bool,
    /// The authenticated user (the assertion's `sub`).
    pub user_id: String,
    /// Standard scopes, then the authorized permission scopes.
    pub scopes: Vec<String>,
    pub code_challenge: String,
    pub code_challenge_method: String,
    pub resources: Vec<String>,
    pub nonce: String,
    /// The assertion's `iat`: the ID token's `auth_time`.
    pub auth_time: u64,
    /// `auth_time` + `oauth.authorizationCode.validityPeriod`.
    pub expires_at: u64,
    /// The token family every token issued from this code joins.
    pub token_family_id: String,
    /// The assertion's `completed_auth_class`, for the ID token's `acr`.
    pub completed_acr: Option<String>,
    /// The request's `claims` parameter (validated JSON text); empty when none.
    pub claims: String,
    pub claims_locales: String,
    /// The assertion's `aci`: the attribute cache entry of what the sign-in released; empty when
    /// it released no attribute (the tokens then carry none).
    pub attribute_cache_id: String,
}

/// An RP-initiated logout waiting for its SIGNOUT flow (`logoutId` → this).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLogout {
    pub application_id: String,
    /// Already checked against the client's registered list; empty when none was sent.
    pub post_logout_redirect_uri: String,
    /// Empty when none was sent.
    pub state: String,
}

/// Why a presented refresh token cannot be redeemed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshTokenRejection {
    /// The token or its family is on the deny list. The family is now revoked as a whole: a
    /// revoked refresh token presented again is a replay (RFC 9700 §4.14.2).
    Revoked,
}

impl OAuthState {
    /// Store a validated authorization request under `auth_id` until `expires_at`.
    pub fn add_request(
        &mut self,
        auth_id: String,
        request: AuthorizationRequest,
        expires_at: u64,
        now: u64,
    ) {
        self.prune(now);
        let size = request.approximate_size();
        self.requests
            .insert_within(auth_id, request, expires_at, size, REQUEST_BYTES);
    }

    /// Load and consume an authorization request: an `authId` is single use.
    pub fn take_request(&mut self, auth_id: &str, now: u64) -> Option<AuthorizationRequest> {
        self.prune(now);
        self.requests.take(auth_id, now)
    }

    /// Drop a request whose flow could not be started.
    pub fn remove_request(&mut self, auth_id: &str) {
        self.requests.remove(auth_id);
    }

    /// Keep a pushed request under the key of its `request_uri` until `expires_at`.
    pub fn add_pushed(
        &mut self,
        key: String,
        request: AuthorizationRequest,
        expires_at: u64,
        now: u64,
    ) {
        self.prune(now);
        if !self.pushed.contains(&key) && self.pushed.len() >= CAPACITY {
            self.pushed.evict_first();
        }
        let size = request.approximate_size() + key.len();
        self.pushed
            .insert_within(key, request, expires_at, size, PUSHED_BYTES);
    }

    /// Take a pushed request out (`Consume`): a `request_uri` is single use, whoever presents it.
    pub fn take_pushed(&mut self, key: &str, now: u64) -> Option<AuthorizationRequest> {
        self.prune(now);
        self.pushed.take(key, now)
    }

    /// Whether a live request is stored under `auth_id` (for tests and the control API).
    pub fn has_request(&self, auth_id: &str, now: u64) -> bool {
        self.requests.get(auth_id, now).is_some()
    }

    /// Store an issued authorization code until its `expires_at`.
    pub fn add_code(&mut self, code: String, record: AuthorizationCodeRecord, now: u64) {
        self.prune(now);
        let expires_at = record.expires_at;
        self.codes.insert(code, record, expires_at);
    }

    /// Redeem `code` for `client_id` (`GetAuthorizationCodeDetails`):
    /// * a live code of this client is consumed and returned, and a replay marker remembers its family;
    /// * a live code of another client is refused and left untouched;
    /// * an unknown, expired or already redeemed code is refused, and if it was redeemed before, the
    ///   family issued from that first redemption is revoked.
    pub fn redeem_code(
        &mut self,
        code: &str,
        client_id: &str,
        now: u64,
    ) -> Option<AuthorizationCodeRecord> {
        self.prune(now);
        match self.codes.get(code, now) {
            Some(record) if record.client_id == client_id => {
                let record = self.codes.take(code, now)?;
                self.redeemed_codes.insert(
                    code.to_owned(),
                    record.token_family_id.clone(),
                    record.expires_at,
                );
                Some(record)
            }
            Some(_) => None,
            None => {
                if let Some(family) = self.redeemed_codes.get(code, now).cloned() {
                    self.revoke_family(&family, now);
                }
                None
            }
        }
    }

    /// Put one token (by `jti`) on the deny list until it expires anyway.
    pub fn revoke_token(&mut self, jwt_id: &str, expires_at: u64, now: u64) {
        self.prune(now);
        if !jwt_id.is_empty() {
            self.revoked_tokens
                .insert(jwt_id.to_owned(), (), expires_at.max(now));
        }
    }

    /// Revoke every token carrying `tfid` (idempotent; an empty id is a no-op).
    pub fn revoke_family(&mut self, token_family_id: &str, now: u64) {
        self.prune(now);
        if !token_family_id.is_empty() {
            self.revoked_families.insert(
                token_family_id.to_owned(),
                (),
                now.saturating_add(FAMILY_REVOCATION_TTL),
            );
        }
    }

    /// Revoke every token issued to `subject` up to now (`CriteriaRevocationExecutor`, `subject` with
    /// `revoke_all`); kept as long as a family revocation.
    pub fn revoke_subject(&mut self, subject: &str, now: u64) {
        self.prune(now);
        if !subject.is_empty() {
            self.revoked_subjects.insert(
                subject.to_owned(),
                now,
                now.saturating_add(FAMILY_REVOCATION_TTL),
            );
        }
    }

    /// Whether a token for `subject` issued at `issued_at` falls under a subject revocation.
    pub fn is_subject_revoked(
        &self,
        subject: Option<&str>,
        issued_at: Option<u64>,
        now: u64,
    ) -> bool {
        subject
            .and_then(|s| self.revoked_subjects.get(s, now))
            .is_some_and(|cutoff| issued_at.is_none_or(|iat| iat <= *cutoff))
    }

    /// Whether a token with this `jti` / `tfid` has been revoked.
    pub fn is_revoked(
        &self,
        jwt_id: Option<&str>,
        token_family_id: Option<&str>,
        now: u64,
    ) -> bool {
        jwt_id.is_some_and(|jti| self.revoked_tokens.get(jti, now).is_some())
            || token_family_id.is_some_and(|tfid| self.revoked_families.get(tfid, now).is_some())
    }

    /// Check a refresh token against the deny list before it is redeemed. A revoked one revokes its
    /// whole family (reuse of a rotated token is the replay signal), then is refused.
    pub fn check_refresh_token(
        &mut self,
        jwt_id: Option<&str>,
        token_family_id: Option<&str>,
        now: u64,
    ) -> Result<(), RefreshTokenRejection> {
        if !self.is_revoked(jwt_id, token_family_id, now) {
            return Ok(());
        }
        if let Some(family) = token_family_id {
            self.revoke_family(family, now);
        }
        Err(RefreshTokenRejection::Revoked)
    }

    /// Store a logout request under `logout_id` until `expires_at`.
    pub fn add_logout(
        &mut self,
        logout_id: String,
        logout: PendingLogout,
        expires_at: u64,
        now: u64,
    ) {
        self.prune(now);
        let size = std::mem::size_of::<PendingLogout>()
            + logout_id.len()
            + logout.application_id.len()
            + logout.post_logout_redirect_uri.len()
            + logout.state.len()
            + 128;
        self.logouts
            .insert_within(logout_id, logout, expires_at, size, LOGOUT_BYTES);
    }

    /// Load and consume a logout request: a `logoutId` is single use.
    pub fn take_logout(&mut self, logout_id: &str, now: u64) -> Option<PendingLogout> {
        self.prune(now);
        self.logouts.take(logout_id, now)
    }

    /// Drop a logout whose flow could not be started.
    pub fn remove_logout(&mut self, logout_id: &str) {
        self.logouts.remove(logout_id);
    }

    /// How many entries are held, expired or not: for tests that check memory stays flat.
    pub fn len(&self) -> usize {
        self.requests.len()
            + self.pushed.len()
            + self.ciba.len()
            + self.codes.len()
            + self.redeemed_codes.len()
            + self.revoked_tokens.len()
            + self.revoked_families.len()
            + self.revoked_subjects.len()
            + self.logouts.len()
            + self.attributes.len()
            + self.assertion_jtis.len()
            + self.jwks_cache.len()
    }

    /// Free every entry that has expired.
    pub fn prune(&mut self, now: u64) {
        self.requests.prune(now);
        self.pushed.prune(now);
        self.ciba.prune(now);
        self.codes.prune(now);
        self.redeemed_codes.prune(now);
        self.revoked_tokens.prune(now);
        self.revoked_families.prune(now);
        self.revoked_subjects.prune(now);
        self.logouts.prune(now);
        self.attributes.prune(now);
        self.assertion_jtis.prune(now);
        self.jwks_cache.prune(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(client_id: &str, family: &str, expires_at: u64) -> AuthorizationCodeRecord {
        AuthorizationCodeRecord {
            client_id: client_id.to_owned(),
            redirect_uri: "https://app.example/cb".to_owned(),
            redirect_uri_provided: true,
            user_id: "user".to_owned(),
            scopes: vec!["openid".to_owned()],
            code_challenge: String::new(),
            code_challenge_method: String::new(),
            resources: Vec::new(),
            nonce: String::new(),
            auth_time: 0,
            expires_at,
            token_family_id: family.to_owned(),
            completed_acr: None,
            claims: String::new(),
            claims_locales: String::new(),
            attribute_cache_id: String::new(),
        }
    }

    fn logout() -> PendingLogout {
        PendingLogout {
            application_id: "app".to_owned(),
            post_logout_redirect_uri: String::new(),
            state: String::new(),
        }
    }

    #[test]
    fn entries_expire_after_their_second_and_are_freed_on_the_next_insert() {
        let mut store = OAuthState::default();
        store.add_logout("a".to_owned(), logout(), 100, 0);
        assert!(
            store.take_logout("a", 101).is_none(),
            "expired entries read as absent"
        );
        store.add_logout("b".to_owned(), logout(), 200, 100);
        assert!(
            store.take_logout("b", 200).is_some(),
            "valid up to and including its expiry second"
        );
        for i in 0..1000 {
            store.add_logout(format!("x{i}"), logout(), 300 + i, 300 + i);
        }
        store.prune(10_000);
        assert_eq!(store.len(), 0, "entries left");
    }

    #[test]
    fn a_code_is_single_use_and_a_replay_revokes_its_family() {
        let mut store = OAuthState::default();
        store.add_code("c".to_owned(), code("client", "fam", 600), 0);
        assert!(store.redeem_code("c", "client", 10).is_some());
        assert!(!store.is_revoked(None, Some("fam"), 10));
        assert!(store.redeem_code("c", "client", 20).is_none());
        assert!(
            store.is_revoked(None, Some("fam"), 20),
            "the replay revoked the family"
        );
    }

    #[test]
    fn another_clients_code_is_refused_without_being_consumed() {
        let mut store = OAuthState::default();
        store.add_code("c".to_owned(), code("client", "fam", 600), 0);
        assert!(store.redeem_code("c", "other", 10).is_none());
        assert!(!store.is_revoked(None, Some("fam"), 10));
        assert!(store.redeem_code("c", "client", 10).is_some());
    }

    #[test]
    fn a_revoked_refresh_token_presented_again_revokes_its_family() {
        let mut store = OAuthState::default();
        assert_eq!(
            store.check_refresh_token(Some("rt1"), Some("fam"), 0),
            Ok(())
        );
        store.revoke_token("rt1", 1_000, 0);
        assert_eq!(
            store.check_refresh_token(Some("rt2"), Some("fam"), 1),
            Ok(())
        );
        assert_eq!(
            store.check_refresh_token(Some("rt1"), Some("fam"), 2),
            Err(RefreshTokenRejection::Revoked)
        );
        assert_eq!(
            store.check_refresh_token(Some("rt2"), Some("fam"), 3),
            Err(RefreshTokenRejection::Revoked)
        );
    }

    #[test]
    fn pushed_requests_and_pending_logouts_stay_within_their_byte_budgets() {
        let mut store = OAuthState::default();
        let request = AuthorizationRequest {
            state: "s".repeat(1 << 20),
            ..AuthorizationRequest::default()
        };
        let pending = PendingLogout {
            state: "s".repeat(1 << 20),
            ..logout()
        };
        for i in 0..100 {
            store.add_pushed(format!("par-{i}"), request.clone(), 1_000 + i, 0);
            store.add_logout(format!("logout-{i}"), pending.clone(), 1_000 + i, 0);
        }
        assert!(store.pushed.weight() <= PUSHED_BYTES);
        assert!(store.logouts.weight() <= LOGOUT_BYTES);
        assert!(store.take_pushed("par-99", 0).is_some());
        assert!(store.take_pushed("par-0", 0).is_none());
        assert!(store.take_logout("logout-99", 0).is_some());
        assert!(store.take_logout("logout-0", 0).is_none());
    }

    #[test]
    fn waiting_authorization_requests_stay_within_their_byte_budget() {
        let mut store = OAuthState::default();
        let request = AuthorizationRequest {
            state: "s".repeat(1 << 20),
            ..AuthorizationRequest::default()
        };
        for i in 0..100 {
            store.add_request(format!("auth-{i}"), request.clone(), 1_000 + i, 0);
        }
        assert!(store.requests.weight() <= REQUEST_BYTES);
        // The newest are kept, the soonest-expiring went.
        assert!(store.take_request("auth-99", 0).is_some());
        assert!(store.take_request("auth-0", 0).is_none());
    }
}
