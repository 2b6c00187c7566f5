//! Request extractors. Each real endpoint answers a malformed body with its own error (FES-1001 on
//! `/flow/execute`, USR-1001 on `/users/me`, `invalid_request` on `/oauth2/auth/callback`), so those
//! handlers take the body as bytes and decode it with [`crate::wire::decode_first_json`], mapping
//! `None` to their error; the [`Json`] extractor is for the control API.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use serde::de::DeserializeOwned;

use crate::error::MockError;

/// The only tenant the mock knows: WSO2's super tenant.
pub(crate) const SUPER_TENANT: &str = "carbon.super";
/// The path prefix of [`SUPER_TENANT`].
const TENANT_PREFIX: &str = "/t/carbon.super";

/// The `/t/{tenant}` prefix a route was reached under: empty without one, `/t/carbon.super` for the
/// super tenant. Any other tenant is answered 404, as an unknown path.
#[derive(Debug, Clone)]
pub(crate) struct TenantPrefix(pub &'static str);

impl<S: Send + Sync> FromRequestParts<S> for TenantPrefix {
    type Rejection = MockError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| MockError::NotFound)?;
        match params.iter().find(|(name, _)| *name == "tenant") {
            None => Ok(Self("")),
            Some((_, SUPER_TENANT)) => Ok(Self(TENANT_PREFIX)),
            Some(_) => Err(MockError::NotFound),
        }
    }
}

/// Whether the body is a URL-encoded form (Go ignores the body for any other media type).
pub(crate) fn is_form_body(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| {
            media
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// A JSON body for the mock's own control API, whose errors are plain-text 400s.
#[derive(Debug)]
pub(crate) struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = MockError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|_| MockError::PlainText("invalid body"))?;
        serde_json::from_slice(&bytes)
            .map(Json)
            .map_err(|_| MockError::PlainText("invalid JSON body"))
    }
}
