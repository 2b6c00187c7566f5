//! Request-body helpers. Each real endpoint answers a malformed body with its own error (FES-1001 on
//! `/flow/execute`, USR-1001 on `/users/me`, `invalid_request` on `/oauth2/auth/callback`), so those
//! handlers take the body as bytes and decode it with [`decode_first_json`], mapping `None` to their
//! error; the [`Json`] extractor is for the control API.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::error::MockError;

/// Go's `json.NewDecoder(body).Decode(&v)`, as every real handler reads its body: the first JSON
/// value; anything after it is ignored. `None` when there is no value or it does not fit `T`.
pub fn decode_first_json<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    serde_json::Deserializer::from_slice(body)
        .into_iter::<T>()
        .next()?
        .ok()
}

/// A JSON body for the mock's own control API, whose errors are plain-text 400s.
#[derive(Debug)]
pub struct Json<T>(pub T);

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
