//! Bearer authentication for the protected APIs (`/users/**`, `/organization-units/**`, SCIM), as the
//! real server's security middleware does it (`backend/internal/system/security/`).
//!
//! * Any JWT this server signed is accepted: access token, ID token or flow assertion. Neither `aud`
//!   nor `typ` is checked; `iss` must be the server issuer, the RS256 signature must verify, `exp` is
//!   required (expired once `now >= exp + leeway`) and `nbf` is checked when present.
//! * The subject is `sub` (empty when absent). Permissions come from `scope` (space-separated), else a
//!   `scopes` array, else `authorized_permissions`; they match hierarchically, so `system` grants
//!   every `system:*` permission.
//! * A token revoked at `/oauth2/revoke` (its `jti`, or its family's `tfid`) is refused too.
//! * No `Authorization: Bearer …` header is 401 with a bare `Bearer` challenge; a token that fails any
//!   check is 401 with the `invalid_token` challenge; both carry AUTH-4010
//!   ([`MockError::Unauthorized`]). A missing permission is 403 AUTH-4030 ([`MockError::Forbidden`]).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use serde_json::{Map, Value};

use crate::error::MockError;
use crate::state::AppState;

/// The authenticated caller of a protected API.
#[derive(Debug, Clone)]
pub(crate) struct Principal {
    /// The token's `sub`; empty when the token has none (the handlers answer USR-1018).
    pub subject: String,
    /// The permissions the token carries, in token order.
    pub permissions: Vec<String>,
}

/// Extracts the [`Principal`] of a request, or rejects it with the security middleware's 401.
#[derive(Debug, Clone)]
pub(crate) struct BearerAuth(pub Principal);

impl FromRequestParts<AppState> for BearerAuth {
    type Rejection = MockError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        authenticate(state, &parts.headers).map(BearerAuth)
    }
}

impl Principal {
    /// Whether the caller holds `required`, directly or through a parent permission (`system:ou`
    /// covers `system:ou:view`; `system` covers everything under it). An empty requirement is met by
    /// any caller (`HasSufficientPermission`).
    pub fn has_permission(&self, required: &str) -> bool {
        required.is_empty()
            || self.permissions.iter().any(|held| {
                held == required
                    || required
                        .strip_prefix(held.as_str())
                        .is_some_and(|rest| rest.starts_with(':'))
            })
    }

    /// [`Self::has_permission`], or 403 AUTH-4030.
    #[allow(
        dead_code,
        reason = "for the permission-checked APIs (organization units)"
    )]
    pub fn require(&self, required: &str) -> Result<(), MockError> {
        if self.has_permission(required) {
            Ok(())
        } else {
            Err(MockError::Forbidden)
        }
    }
}

/// The security middleware's authentication step for one request.
pub(crate) fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Principal, MockError> {
    // Go's `Header.Get` reads the first value; the scheme is matched case-insensitively and must be
    // followed by a space, otherwise no authenticator claims the request (bare challenge).
    let value = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    let token = bearer_token(value).ok_or(MockError::Unauthorized {
        invalid_token: false,
    })?;
    let invalid = || MockError::Unauthorized {
        invalid_token: true,
    };
    if token.is_empty() {
        return Err(invalid());
    }
    let now = state.now();
    // `exp` is checked below with the real server's comparison; the signer checks signature, `iss`
    // and `nbf`.
    let verified = state
        .signer()
        .verify(token, now, false)
        .map_err(|_| invalid())?;
    let exp = verified
        .claims
        .get("exp")
        .and_then(Value::as_f64)
        .ok_or_else(invalid)?;
    let leeway = state.fixtures().server.jwt.leeway as f64;
    if now as f64 >= exp.trunc() + leeway {
        return Err(invalid());
    }
    let claims = verified.claims;
    // The revocation enforcer runs after authentication: a revoked token (by `jti`) or token family
    // (by `tfid`) is an invalid token, without saying why.
    let claim = |name: &str| {
        claims
            .get(name)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
    };
    if state
        .db()
        .oauth
        .is_revoked(claim("jti"), claim("tfid"), now)
    {
        return Err(invalid());
    }
    let subject = claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let permissions = permissions(&claims);
    Ok(Principal {
        subject,
        permissions,
    })
}

/// The token after `Bearer ` (any case), trimmed; `None` when the header is not a Bearer header.
fn bearer_token(value: &[u8]) -> Option<&str> {
    const SCHEME: &[u8] = b"bearer ";
    let prefix = value.get(..SCHEME.len())?;
    if !prefix.eq_ignore_ascii_case(SCHEME) {
        return None;
    }
    // A header that is not visible ASCII cannot hold a JWT; treat it as an empty (invalid) token.
    Some(
        std::str::from_utf8(&value[SCHEME.len()..])
            .map(str::trim)
            .unwrap_or_default(),
    )
}

/// `extractScopes`: `scope` (space-separated) wins, then a `scopes` array, then
/// `authorized_permissions`.
fn permissions(claims: &Map<String, Value>) -> Vec<String> {
    let words = |text: &str| {
        text.split_whitespace()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    if let Some(scope) = claims
        .get("scope")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        return words(scope);
    }
    if let Some(scopes) = claims.get("scopes").and_then(Value::as_array) {
        return scopes
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
    }
    claims
        .get("authorized_permissions")
        .and_then(Value::as_str)
        .map(words)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(permissions: &[&str]) -> Principal {
        Principal {
            subject: "u".to_owned(),
            permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    #[test]
    fn permissions_match_hierarchically() {
        assert!(principal(&["system"]).has_permission("system:ou:view"));
        assert!(principal(&["system:ou"]).has_permission("system:ou:view"));
        assert!(principal(&["system:ou:view"]).has_permission("system:ou:view"));
        assert!(!principal(&["system:ou:view"]).has_permission("system:ou"));
        assert!(!principal(&["system:o"]).has_permission("system:ou"));
        assert!(!principal(&["openid", "profile"]).has_permission("system"));
        assert!(principal(&[]).has_permission(""));
        assert!(matches!(
            principal(&[]).require("system"),
            Err(MockError::Forbidden)
        ));
    }

    #[test]
    fn the_scheme_is_case_insensitive_and_needs_a_space() {
        assert_eq!(bearer_token(b"Bearer abc"), Some("abc"));
        assert_eq!(bearer_token(b"bEaReR   abc  "), Some("abc"));
        assert_eq!(bearer_token(b"Bearer "), Some(""));
        assert_eq!(bearer_token(b"Bearer"), None);
        assert_eq!(bearer_token(b"Basic abc"), None);
        assert_eq!(bearer_token(b""), None);
    }

    #[test]
    fn scope_wins_over_scopes_and_authorized_permissions() {
        let claims = |v: Value| v.as_object().cloned().unwrap_or_default();
        let both = claims(serde_json::json!({"scope": "a b", "scopes": ["c"]}));
        assert_eq!(permissions(&both), ["a", "b"]);
        let array = claims(serde_json::json!({"scope": "", "scopes": ["c", 1, "d"]}));
        assert_eq!(permissions(&array), ["c", "d"]);
        let assertion = claims(serde_json::json!({"authorized_permissions": "system:ou system"}));
        assert_eq!(permissions(&assertion), ["system:ou", "system"]);
        assert!(permissions(&Map::new()).is_empty());
    }
}
