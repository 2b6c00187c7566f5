//! `POST /oauth2/revoke` (RFC 7009; `O2/revocation/handler.go`, `service.go`). The client
//! authenticates as at the token endpoint. The answer is 200 with an empty body, also for tokens that
//! are unknown, foreign or already expired (expiry is deliberately not checked). A token of another
//! client is 400 `invalid_grant`. Revoking a token that carries a family id (`tfid`) revokes the
//! whole family, so revoking a refresh token also kills the access tokens of that sign-in.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;
use thunderid_protocol::OAuthErrorCode;

use super::client_auth::authenticate_client;
use super::params::FormParams;
use super::validate::string_claim;
use crate::error::MockError;
use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/oauth2/revoke", post(revoke))
}

async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<StatusCode, MockError> {
    let form = FormParams::from_request(&headers, query.as_deref(), &body);
    let client = authenticate_client(&state, &headers, &form)?;
    let token = form.value("token");
    if token.is_empty() {
        return Err(MockError::oauth(
            OAuthErrorCode::InvalidRequest,
            "Token parameter is required",
        ));
    }
    let now = state.now();
    // Signature only: a token we did not sign must not reach the deny list.
    let Ok(verified) = state.signer().verify(token, now, false) else {
        return Ok(StatusCode::OK);
    };
    let claims = verified.claims;
    let Some(jwt_id) = string_claim(&claims, "jti") else {
        return Ok(StatusCode::OK);
    };
    // Access tokens name their client in `client_id`; refresh tokens are minted with it as `sub`.
    let owner = string_claim(&claims, "client_id").or_else(|| string_claim(&claims, "sub"));
    if owner.is_some_and(|owner| owner != client.client_id()) {
        return Err(MockError::oauth(
            OAuthErrorCode::InvalidGrant,
            "The token was not issued to the authenticated client",
        ));
    }
    let expires_at = claims.get("exp").and_then(Value::as_u64).unwrap_or(now);
    {
        let mut db = state.db();
        db.oauth.revoke_token(jwt_id, expires_at, now);
        if let Some(family) = string_claim(&claims, "tfid") {
            db.oauth.revoke_family(family, now);
        }
    }
    Ok(StatusCode::OK)
}
