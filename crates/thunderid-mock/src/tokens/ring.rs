//! The key ring: the server's signing keys, each with its state. As on the real server
//! (`jose/jwt/service.go`), one key signs every token (the active key, the server's
//! `jwt.preferred_key_id`); every configured key is in the JWKS and verifies the tokens it signed;
//! a key taken out of the configuration (retired) is gone from both.
//!
//! The ring is an immutable [`Ring`] behind a `RwLock<Arc<_>>`: signing takes the read lock only
//! to clone the `Arc`, then signs with no lock held, so the hot path costs two atomic operations
//! beside the signature. Changes (add, activate, retire, reset) build a new `Ring` and swap it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use thunderid_protocol::ids::KeyId;
use thunderid_protocol::oidc::{Jwk, JwsAlgorithm, KeyType, KeyUse};

use super::algorithm::{KeyAlgorithm, PrivateKey, PublicKey, Verifier};
use super::{KeyError, TokenType};

/// Where a key is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyState {
    /// Signs every new token; also published.
    Active,
    /// In the JWKS and verifies the tokens it signed, but signs nothing new.
    Published,
    /// Gone from the JWKS; the tokens it signed no longer verify.
    Retired,
}

impl KeyState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Published => "published",
            Self::Retired => "retired",
        }
    }
}

/// A key as the control plane lists it (`GET /__mock/keys`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyView {
    pub kid: String,
    pub alg: KeyAlgorithm,
    pub state: KeyState,
    /// When it was added (the fixture key: when the server started or was reset), mock clock.
    pub created_at: u64,
    /// How many tokens it has signed since it was added.
    pub tokens_signed: u64,
    /// For a key armed with `activateAfterTokens`: how many more tokens the active key signs
    /// before this one takes over.
    pub activates_after_tokens: Option<u64>,
}

impl KeyView {
    /// The control plane's JSON for this key.
    pub fn to_json(&self) -> Value {
        let mut json = json!({
            "kid": self.kid,
            "alg": self.alg.as_str(),
            "state": self.state.as_str(),
            "createdAt": self.created_at,
            "tokensSigned": self.tokens_signed,
        });
        if let Some(remaining) = self.activates_after_tokens {
            json["activatesAfterTokens"] = json!(remaining);
        }
        json
    }
}

/// When a new key starts signing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Activation {
    /// Published only; activated later by hand.
    Never,
    /// At once: the previous active key stays published (the overlap).
    Now,
    /// After the active key has signed this many more tokens.
    AfterTokens(u64),
}

/// Why a key change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyRingError {
    #[error("kid: no key {0}")]
    UnknownKey(String),
    #[error("kid: {0} is the active key; activate another key before retiring it")]
    RetiringActive(String),
    #[error("kid: {0} is retired and cannot sign again")]
    Retired(String),
    #[error("alg: generating the key failed: {0}")]
    Generate(String),
    #[error("alg: at most {0} keys since the last reset")]
    TooMany(usize),
}

/// Keys kept since the last reset (retired ones included): the ring's memory is bounded.
pub(crate) const MAX_KEYS: usize = 64;

/// One key: parsed once, with its JWK and token headers built once.
pub(crate) struct RingKey {
    kid: String,
    alg: KeyAlgorithm,
    private: PrivateKey,
    verifier: Verifier,
    jwk: Jwk,
    /// The SubjectPublicKeyInfo as PEM: the "secret" of the HS256 key-confusion forgery.
    public_pem: String,
    /// The encoded JWS headers for `at+jwt` and `JWT`.
    access_token_header: String,
    jwt_header: String,
    created_at: AtomicU64,
    signed: AtomicU64,
}

/// One version of the ring.
#[derive(Clone)]
struct Ring {
    /// Every key since the last reset, oldest first, with its state.
    keys: Vec<(Arc<RingKey>, KeyState)>,
    active: Arc<RingKey>,
    pending: Option<Arc<Pending>>,
    /// The published keys before the last change of the published set (for a stale JWKS).
    previous: Vec<Arc<RingKey>>,
}

/// A key armed to take over after a number of tokens.
struct Pending {
    kid: String,
    remaining: AtomicU64,
}

/// One server's keys.
pub(crate) struct KeyRing {
    fixture: Arc<RingKey>,
    current: RwLock<Arc<Ring>>,
    /// JWKS fetches still to answer with the previous published set.
    stale_fetches: AtomicU64,
    /// The certificates' common name.
    common_name: String,
}

impl RingKey {
    /// A key from its PKCS#8 DER and certificate DER; `kid` is the certificate's SHA-256
    /// thumbprint, as the server derives it.
    pub(crate) fn new(
        alg: KeyAlgorithm,
        pkcs8: &[u8],
        cert_der: &[u8],
        created_at: u64,
    ) -> Result<Self, KeyError> {
        let (private, public, spki) = PrivateKey::from_pkcs8(alg, pkcs8)?;
        let kid = URL_SAFE_NO_PAD.encode(Sha256::digest(cert_der));
        let jwk = jwk(&kid, alg, &public, cert_der);
        // Keys sorted, as Go's encoding/json writes a map header.
        let header = |typ: TokenType| {
            let json = json!({"alg": alg.as_str(), "kid": kid, "typ": typ.as_str()});
            URL_SAFE_NO_PAD.encode(json.to_string())
        };
        let public_pem = super::algorithm::pem("PUBLIC KEY", &spki);
        Ok(Self {
            verifier: Verifier::new(alg, &public),
            access_token_header: header(TokenType::AccessToken),
            jwt_header: header(TokenType::Jwt),
            kid,
            alg,
            private,
            jwk,
            public_pem,
            created_at: AtomicU64::new(created_at),
            signed: AtomicU64::new(0),
        })
    }

    pub(crate) fn header(&self, typ: TokenType) -> &str {
        match typ {
            TokenType::AccessToken => &self.access_token_header,
            TokenType::Jwt => &self.jwt_header,
        }
    }

    /// The raw JWS signature of `signing_input`.
    pub(crate) fn sign(&self, signing_input: &[u8]) -> Vec<u8> {
        self.private.sign(signing_input)
    }

    pub(crate) fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    pub(crate) fn jwk(&self) -> &Jwk {
        &self.jwk
    }

    pub(crate) fn public_pem(&self) -> &str {
        &self.public_pem
    }

    pub(crate) fn alg(&self) -> KeyAlgorithm {
        self.alg
    }
}

impl KeyRing {
    pub(crate) fn new(fixture: RingKey, common_name: String) -> Self {
        let fixture = Arc::new(fixture);
        Self {
            current: RwLock::new(Arc::new(Ring::only(&fixture))),
            fixture,
            stale_fetches: AtomicU64::new(0),
            common_name,
        }
    }

    fn snapshot(&self) -> Arc<Ring> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Build the next ring from the current one, under the write lock (no signing inside).
    fn change<T>(
        &self,
        f: impl FnOnce(&mut Ring) -> Result<T, KeyRingError>,
    ) -> Result<T, KeyRingError> {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        let mut next = Ring::clone(&current);
        let published = next.published();
        let out = f(&mut next)?;
        if !same_keys(&published, &next.published()) {
            next.previous = published;
        }
        *current = Arc::new(next);
        Ok(out)
    }

    /// Sign with the active key: `f` gets the key and returns the token. Counts the token, and
    /// hands over to an armed key once its count is reached.
    pub(crate) fn sign(&self, f: impl FnOnce(&RingKey) -> String) -> String {
        let ring = self.snapshot();
        let token = f(&ring.active);
        ring.active.signed.fetch_add(1, Ordering::Relaxed);
        if let Some(pending) = &ring.pending {
            let counted =
                pending
                    .remaining
                    .fetch_update(Ordering::AcqRel, Ordering::Acquire, |r| r.checked_sub(1));
            if counted == Ok(1) {
                // Only the token that reached zero activates, and only if the key is still armed.
                let _ = self.change(|next| {
                    if next
                        .pending
                        .as_ref()
                        .is_some_and(|p| Arc::ptr_eq(p, pending))
                    {
                        next.activate(&pending.kid)?;
                    }
                    Ok(())
                });
            }
        }
        token
    }

    /// The active key.
    pub(crate) fn active(&self) -> Arc<RingKey> {
        Arc::clone(&self.snapshot().active)
    }

    /// The published key named `kid` (a retired or unknown key is `None`).
    pub(crate) fn find(&self, kid: &str) -> Option<Arc<RingKey>> {
        self.snapshot()
            .keys
            .iter()
            .find(|(key, state)| key.kid == kid && *state != KeyState::Retired)
            .map(|(key, _)| Arc::clone(key))
    }

    /// The published keys, oldest first: what the JWKS and discovery list.
    pub(crate) fn published(&self) -> Vec<Arc<RingKey>> {
        self.snapshot().published()
    }

    /// The keys a JWKS fetch sees: the previous published set while a stale JWKS is armed (one
    /// fetch used up per call), the published keys otherwise.
    pub(crate) fn jwks_fetch(&self) -> Vec<Arc<RingKey>> {
        let ring = self.snapshot();
        let stale = self
            .stale_fetches
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
            .is_ok();
        if stale && !ring.previous.is_empty() {
            ring.previous.clone()
        } else {
            ring.published()
        }
    }

    /// Answer the next `fetches` JWKS fetches with the set as it was before the last change.
    pub(crate) fn stale_jwks(&self, fetches: u64) {
        self.stale_fetches.store(fetches, Ordering::Release);
    }

    /// Every key since the last reset, oldest first.
    pub(crate) fn list(&self) -> Vec<KeyView> {
        let ring = self.snapshot();
        ring.keys
            .iter()
            .map(|(key, state)| KeyView {
                kid: key.kid.clone(),
                alg: key.alg,
                state: *state,
                created_at: key.created_at.load(Ordering::Relaxed),
                tokens_signed: key.signed.load(Ordering::Relaxed),
                activates_after_tokens: ring
                    .pending
                    .as_ref()
                    .filter(|p| p.kid == key.kid)
                    .map(|p| p.remaining.load(Ordering::Acquire)),
            })
            .collect()
    }

    /// A new key of `alg`, generated with a self-signed certificate, published and activated as
    /// `activation` says. Generation (an RSA key takes tens of milliseconds) runs outside the lock.
    pub(crate) fn add(
        &self,
        alg: KeyAlgorithm,
        activation: Activation,
        now: u64,
    ) -> Result<KeyView, KeyRingError> {
        if self.snapshot().keys.len() >= MAX_KEYS {
            return Err(KeyRingError::TooMany(MAX_KEYS));
        }
        let generate = |e: KeyError| KeyRingError::Generate(e.to_string());
        let (pkcs8, cert) = super::algorithm::generate(alg, &self.common_name).map_err(generate)?;
        let key = Arc::new(RingKey::new(alg, &pkcs8, &cert, now).map_err(generate)?);
        let kid = key.kid.clone();
        self.change(|next| {
            // Checked again under the lock: another add may have raced this one.
            if next.keys.len() >= MAX_KEYS {
                return Err(KeyRingError::TooMany(MAX_KEYS));
            }
            next.keys.push((key, KeyState::Published));
            match activation {
                Activation::Never => Ok(()),
                Activation::Now | Activation::AfterTokens(0) => next.activate(&kid),
                Activation::AfterTokens(n) => {
                    next.pending = Some(Arc::new(Pending {
                        kid: kid.clone(),
                        remaining: AtomicU64::new(n),
                    }));
                    Ok(())
                }
            }
        })?;
        self.view(&kid)
    }

    /// Make `kid` the signing key; the previous one stays published.
    pub(crate) fn activate(&self, kid: &str) -> Result<KeyView, KeyRingError> {
        self.change(|next| next.activate(kid))?;
        self.view(kid)
    }

    /// Take `kid` out of the JWKS: the tokens it signed no longer verify. The active key cannot be
    /// retired.
    pub(crate) fn retire(&self, kid: &str) -> Result<KeyView, KeyRingError> {
        self.change(|next| {
            if next.active.kid == kid {
                return Err(KeyRingError::RetiringActive(kid.to_owned()));
            }
            let entry = next
                .keys
                .iter_mut()
                .find(|(key, _)| key.kid == kid)
                .ok_or_else(|| KeyRingError::UnknownKey(kid.to_owned()))?;
            entry.1 = KeyState::Retired;
            if next.pending.as_ref().is_some_and(|p| p.kid == kid) {
                next.pending = None;
            }
            Ok(())
        })?;
        self.view(kid)
    }

    /// The fixture key as the only, active key again; added keys are dropped, counters cleared.
    pub(crate) fn reset(&self, now: u64) {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        self.fixture.signed.store(0, Ordering::Relaxed);
        self.fixture.created_at.store(now, Ordering::Relaxed);
        self.stale_fetches.store(0, Ordering::Release);
        *current = Arc::new(Ring::only(&self.fixture));
    }

    fn view(&self, kid: &str) -> Result<KeyView, KeyRingError> {
        self.list()
            .into_iter()
            .find(|view| view.kid == kid)
            .ok_or_else(|| KeyRingError::UnknownKey(kid.to_owned()))
    }
}

impl Ring {
    fn only(fixture: &Arc<RingKey>) -> Self {
        Self {
            keys: vec![(Arc::clone(fixture), KeyState::Active)],
            active: Arc::clone(fixture),
            pending: None,
            previous: Vec::new(),
        }
    }

    fn published(&self) -> Vec<Arc<RingKey>> {
        self.keys
            .iter()
            .filter(|(_, state)| *state != KeyState::Retired)
            .map(|(key, _)| Arc::clone(key))
            .collect()
    }

    fn activate(&mut self, kid: &str) -> Result<(), KeyRingError> {
        let (key, state) = self
            .keys
            .iter()
            .find(|(key, _)| key.kid == kid)
            .ok_or_else(|| KeyRingError::UnknownKey(kid.to_owned()))?;
        if *state == KeyState::Retired {
            return Err(KeyRingError::Retired(kid.to_owned()));
        }
        self.active = Arc::clone(key);
        for (key, state) in &mut self.keys {
            if *state != KeyState::Retired {
                *state = if key.kid == kid {
                    KeyState::Active
                } else {
                    KeyState::Published
                };
            }
        }
        if self.pending.as_ref().is_some_and(|p| p.kid == kid) {
            self.pending = None;
        }
        Ok(())
    }
}

fn same_keys(a: &[Arc<RingKey>], b: &[Arc<RingKey>]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| Arc::ptr_eq(a, b))
}

/// The key as the server's JWKS writes it (`jwks/service.go`): `use: sig`, the algorithm of the key
/// type, the certificate and both thumbprints (`x5t#S256` equals `kid`).
fn jwk(kid: &str, alg: KeyAlgorithm, public: &PublicKey, cert_der: &[u8]) -> Jwk {
    let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
    let mut jwk = Jwk {
        key_id: Some(KeyId::new(kid.to_owned())),
        key_type: KeyType::Rsa,
        key_use: Some(KeyUse::Signature),
        algorithm: Some(JwsAlgorithm::parse(alg.as_str())),
        modulus: None,
        exponent: None,
        curve: None,
        x: None,
        y: None,
        public_key: None,
        certificate_chain: vec![STANDARD.encode(cert_der)],
        thumbprint_sha1: Some(b64(&Sha1::digest(cert_der))),
        thumbprint_sha256: Some(kid.to_owned()),
    };
    match public {
        PublicKey::Rsa { n, e } => {
            jwk.modulus = Some(b64(n));
            jwk.exponent = Some(b64(e));
        }
        PublicKey::Ec { crv, x, y } => {
            jwk.key_type = KeyType::Ec;
            jwk.curve = Some((*crv).to_owned());
            jwk.x = Some(b64(x));
            jwk.y = Some(b64(y));
        }
        PublicKey::Ed(x) => {
            jwk.key_type = KeyType::Okp;
            jwk.curve = Some("Ed25519".to_owned());
            jwk.x = Some(b64(x));
        }
        PublicKey::Akp(raw) => {
            jwk.key_type = KeyType::Akp;
            jwk.public_key = Some(b64(raw));
        }
    }
    jwk
}

#[cfg(test)]
mod tests;
