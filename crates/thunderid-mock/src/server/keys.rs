//! The key ring's typed controls on the handle: the same operations as `/__mock/keys`.

use super::MockServer;
use crate::journal::JwksFetches;
use crate::tokens::{Activation, KeyAlgorithm, KeyRingError, KeyView};

impl MockServer {
    /// Every signing key since the last reset, oldest first (same as `GET /__mock/keys`).
    pub fn keys(&self) -> Vec<KeyView> {
        self.state.signer().ring().list()
    }

    /// Add a key of `alg` with a self-signed certificate (same as `POST /__mock/keys`): published
    /// at once, and signing as `activation` says.
    pub fn add_key(
        &self,
        alg: KeyAlgorithm,
        activation: Activation,
    ) -> Result<KeyView, KeyRingError> {
        self.state.signer().ring().add(alg, activation, self.now())
    }

    /// A new key of `alg` that signs from now on; the previous one stays published (same as
    /// `POST /__mock/keys/rotate`).
    pub fn rotate_key(&self, alg: KeyAlgorithm) -> Result<KeyView, KeyRingError> {
        self.add_key(alg, Activation::Now)
    }

    /// Make the key `kid` the signing key (same as `POST /__mock/keys/{kid}/activate`).
    pub fn activate_key(&self, kid: &str) -> Result<KeyView, KeyRingError> {
        self.state.signer().ring().activate(kid)
    }

    /// Take the key `kid` out of the JWKS; the tokens it signed no longer verify (same as
    /// `POST /__mock/keys/{kid}/retire`). The active key cannot be retired.
    pub fn retire_key(&self, kid: &str) -> Result<KeyView, KeyRingError> {
        self.state.signer().ring().retire(kid)
    }

    /// Answer the next `fetches` JWKS fetches with the key set as it was before the last change
    /// (same as `POST /__mock/keys/stale-jwks`).
    pub fn stale_jwks(&self, fetches: u64) {
        self.state.signer().ring().stale_jwks(fetches);
    }

    /// How often the JWKS was fetched, in total and per client (same as
    /// `GET /__mock/keys/fetches`).
    pub fn jwks_fetches(&self) -> JwksFetches {
        self.state.jwks_fetches().snapshot()
    }
}
