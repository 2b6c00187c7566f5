//! `GET|POST /oauth2/userinfo` (`O2/userinfo/handler.go`, `service.go`).
//!
//! `Authorization: Bearer <access token>`. Errors are envelope B with a `WWW-Authenticate` challenge:
//! no (or a non-Bearer) header → 401 with an empty body; a malformed Bearer header → 400
//! `invalid_request`; a bad, expired, revoked or client_credentials token → 401 `invalid_token`;
//! no `openid` scope → 403 `insufficient_scope`. Success is `{"sub", …}` with the claims the granted
//! scopes release, keys sorted as Go writes a map.
//!
//! The fixtures have no `userInfo` section, so the app's ID-token attributes serve as the userinfo
//! allow-list (on the real server an app without one gets only `sub`). The `userinfo` part of the
//! authorization request's `claims` travels in the access token's `claims_req` and is applied as
//! the ID token applies its part; an unreadable one is 500 `server_error`.
//!
//! The attributes come from the sign-in's attribute cache entry, which the access token names
//! (`aci`), never from the user store (`FetchUserAttributes`): a token without one releases only
//! `sub`, and one whose entry is gone (expired, evicted) is 500 `server_error`.

use serde_json::Value;
use thunderid_protocol::OAuthErrorCode;
use thunderid_protocol::oidc::UserInfo;

use super::{ServiceResult, oauth_context};
use crate::error::MockError;
use crate::oauth::OAuthError;
use crate::oauth::claims::{ClaimsRequest, allowed_attributes, build_claims};
use crate::oauth::tokens::{self, scopes, string_claim};
use crate::state::AppState;

/// The DPoP algorithms the server advertises in a DPoP challenge (`oauth.dpop.allowed_algs`).
const DPOP_ALGORITHMS: &str = "ES256 PS256 ES384 ES512 EdDSA RS256";

/// The claims for the `Authorization` header's token (`""` when none came), as a JSON value whose
/// keys sort as Go writes a map (`sub` among the claims). `dpop_proofs` counts `DPoP` headers.
pub(crate) fn user_info(
    state: &AppState,
    authorization: &str,
    dpop_proofs: usize,
) -> ServiceResult<Value> {
    if scheme_is(authorization, "DPoP") {
        return Err(dpop_refusal(dpop_proofs, authorization));
    }
    let token = bearer_token(authorization)?;
    let invalid = || {
        bearer_error(
            OAuthErrorCode::InvalidToken,
            "The access token is invalid, expired, or malformed",
        )
    };
    let registry = state.registry();
    let ctx = oauth_context(state);
    let verified = tokens::access_token(&ctx, token).ok_or_else(invalid)?;
    let claims = verified.claims;
    if claims.get("grant_type").and_then(Value::as_str) == Some("client_credentials") {
        return Err(bearer_error(
            OAuthErrorCode::InvalidToken,
            "UserInfo endpoint is not applicable for client_credentials grant type",
        ));
    }
    let granted = scopes(&claims);
    if !granted.iter().any(|s| s == "openid") {
        return Err(bearer_error(
            OAuthErrorCode::InsufficientScope,
            "The 'openid' scope is required for this request",
        ));
    }
    let subject = string_claim(&claims, "sub").unwrap_or_default().to_owned();
    let allowed = string_claim(&claims, "client_id")
        .and_then(|client_id| registry.application_by_client_id(client_id))
        .and_then(|app| app.oauth.as_ref())
        .map(|oauth| oauth.token.id_token.attributes.clone())
        .unwrap_or_default();
    // The request's `claims` (its userinfo part) rides in the access token as `claims_req`.
    let requested = match string_claim(&claims, "claims_req") {
        None => None,
        Some(text) => Some(ClaimsRequest::parse(text).map_err(|_| internal_error())?),
    };
    let user = match string_claim(&claims, "aci").filter(|id| !id.is_empty()) {
        None => Default::default(),
        Some(id) => ctx
            .oauth
            .read(|o| o.cached_attributes(id, ctx.now))
            .map(|cached| (*cached).clone())
            .ok_or_else(internal_error)?,
    };
    let attributes = allowed_attributes(&user, &allowed);
    let mut body = UserInfo::new(subject);
    body.claims = build_claims(
        &granted,
        requested.as_ref().map(|r| &r.userinfo),
        &attributes,
        &allowed,
    );
    Ok(serde_json::to_value(&body).unwrap_or_default())
}

/// A server error as the handler writes one: no challenge, the generic text.
fn internal_error() -> MockError {
    OAuthError::new(OAuthErrorCode::ServerError, "Internal server error").into()
}

/// `ExtractBearerToken`, with the handler's split between "no credentials" and "malformed".
fn bearer_token(authorization: &str) -> Result<&str, MockError> {
    let token = match authorization.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("Bearer") => token.trim(),
        _ => "",
    };
    if !token.is_empty() {
        return Ok(token);
    }
    if authorization.is_empty() || !scheme_is(authorization, "Bearer") {
        return Err(MockError::UserInfoNoToken);
    }
    Err(bearer_error(
        OAuthErrorCode::InvalidRequest,
        "Invalid or malformed Bearer token",
    ))
}

fn scheme_is(authorization: &str, scheme: &str) -> bool {
    authorization
        .split(' ')
        .next()
        .is_some_and(|first| first.eq_ignore_ascii_case(scheme))
}

/// The DPoP scheme: the mock issues no DPoP-bound tokens, so no proof can bind.
fn dpop_refusal(dpop_proofs: usize, authorization: &str) -> MockError {
    let token = authorization
        .split_once(' ')
        .map(|(_, token)| token.trim())
        .unwrap_or_default();
    let description = if token.is_empty() {
        "Invalid or malformed DPoP token"
    } else if dpop_proofs != 1 {
        "Exactly one DPoP header is required"
    } else {
        "DPoP proof verification failed"
    };
    MockError::OAuth {
        error: OAuthErrorCode::InvalidToken,
        description: description.to_owned(),
        www_authenticate: Some(format!(
            "DPoP algs=\"{DPOP_ALGORITHMS}\", error=\"invalid_token\", error_description=\"{description}\""
        )),
    }
}

/// Envelope B with `WWW-Authenticate: Bearer error="…", error_description="…"`.
fn bearer_error(error: OAuthErrorCode, description: &str) -> MockError {
    let challenge = format!(
        "Bearer error=\"{}\", error_description=\"{description}\"",
        error.as_str()
    );
    MockError::OAuth {
        error,
        description: description.to_owned(),
        www_authenticate: Some(challenge),
    }
}
