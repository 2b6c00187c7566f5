//! The server's signing keys (`GET jwks_uri`), fetched on first use and cached.
//!
//! A token whose `kid` is not in the cached set makes the cache fetch the JWKS **once** more (the
//! server may have rotated its key); if the key is still missing the token is refused with
//! [`IdTokenError::UnknownKey`]. The JS SDK fetches the JWKS on every validation instead.

use std::sync::{Arc, Mutex};

use thunderid_protocol::ids::KeyId;
use thunderid_protocol::oidc::{Jwk, Jwks};

use crate::error::{Error, IdTokenError};
use crate::http::{Http, HttpRequest, Method};

/// A cached JWKS. Cheap to share; the lock is held only to read or swap the `Arc`.
#[derive(Debug, Default)]
pub(crate) struct JwksCache {
    keys: Mutex<Option<Arc<Jwks>>>,
}

impl JwksCache {
    /// The key named `kid`, fetching the JWKS when it is not cached or does not have the key.
    pub(crate) async fn key(
        &self,
        http: &Http,
        jwks_uri: &str,
        kid: &KeyId,
    ) -> Result<Jwk, IdTokenError> {
        let cached = self.cached();
        if let Some(key) = cached.as_ref().and_then(|jwks| jwks.find(kid)) {
            return Ok(key.clone());
        }
        let fresh = fetch(http, jwks_uri)
            .await
            .map_err(|e| IdTokenError::Jwks(Box::new(e)))?;
        let found = fresh.find(kid).cloned();
        self.store(fresh);
        found.ok_or_else(|| IdTokenError::UnknownKey {
            kid: Some(kid.clone()),
        })
    }

    fn cached(&self) -> Option<Arc<Jwks>> {
        self.keys
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    fn store(&self, jwks: Jwks) {
        *self
            .keys
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(Arc::new(jwks));
    }
}

async fn fetch(http: &Http, jwks_uri: &str) -> Result<Jwks, Error> {
    let response = http
        .send(HttpRequest::new(Method::Get, jwks_uri).header("Accept", "application/json"))
        .await?;
    if !response.is(200) {
        return Err(response.unexpected());
    }
    response.json()
}
