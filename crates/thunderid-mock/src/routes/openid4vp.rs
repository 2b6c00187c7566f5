//! The OpenID4VP verifier endpoints a wallet talks to (`authn/openid4vp/handler.go`; no OpenAPI
//! file describes them), and the control plane's fake wallet. Each handler extracts, calls
//! `service::openid4vp` and maps the result.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::error::MockError;
use crate::extract::Json;
use crate::service::openid4vp::{self, PresentRequest};
use crate::state::AppState;
use crate::wire::GoJson;

/// `GET /openid4vp/request?state=`: the signed request object, `application/oauth-authz-req+jwt`.
pub(crate) async fn request_object(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, MockError> {
    let jwt = openid4vp::request_object(&state, query.get("state").map(|s| s.trim()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/oauth-authz-req+jwt"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        jwt,
    )
        .into_response())
}

/// `POST /openid4vp/response`: the wallet's `direct_post.jwt` form (or its error). As Go's
/// `FormValue`: the first value of each key, a form body's before the query's (the `response_uri`
/// carries `state` in its query); a body that is not a form is not read, and an unreadable one is
/// EUDI-1001.
pub(crate) async fn submit_response(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<GoJson<Value>, MockError> {
    let invalid = || MockError::api(thunderid_protocol::ApiErrorCode::EudiInvalidRequest);
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().starts_with("application/x-www-form-urlencoded"));
    let mut pairs: Vec<(String, String)> = Vec::new();
    if is_form {
        pairs = serde_urlencoded::from_bytes(&body).map_err(|_| invalid())?;
    }
    let from_query: Vec<(String, String)> =
        serde_urlencoded::from_str(query.as_deref().unwrap_or_default()).map_err(|_| invalid())?;
    let mut form = Map::new();
    for (key, value) in pairs.into_iter().chain(from_query) {
        form.entry(key).or_insert(Value::String(value));
    }
    openid4vp::submit(&state, &form).map(GoJson)
}

/// `GET /openid4vp/status/{txn_id}`.
pub(crate) async fn status(
    State(state): State<AppState>,
    Path(txn_id): Path<String>,
) -> Result<GoJson<Value>, MockError> {
    openid4vp::status(&state, txn_id.trim()).map(GoJson)
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct InitiateRequest {
    #[serde(default)]
    definition_id: String,
}

/// `POST /openid4vp/initiate` `{"definition_id"}`.
pub(crate) async fn initiate(
    State(state): State<AppState>,
    Json(request): Json<InitiateRequest>,
) -> Result<GoJson<Value>, MockError> {
    openid4vp::initiate(&state, &request.definition_id).map(GoJson)
}

/// `GET /openid4vp/trust-anchors`.
pub(crate) async fn trust_anchors(State(state): State<AppState>) -> GoJson<Value> {
    GoJson(openid4vp::trust_anchors(&state))
}

/// `POST /__mock/wallet/present`: the fake wallet.
pub(crate) async fn wallet_present(
    State(state): State<AppState>,
    Json(request): Json<PresentRequest>,
) -> Result<GoJson<Value>, MockError> {
    openid4vp::present(&state, &request).map(GoJson)
}
