//! `grant_type=authorization_code` (`O2/granthandlers/authorization_code.go`).
//!
//! The code is consumed *before* the remaining checks, as on the real server: a wrong
//! `redirect_uri` or `code_verifier` burns it. Presenting a consumed code again revokes every token
//! issued from it (its token family).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use thunderid_protocol::OAuthErrorCode;
use thunderid_protocol::oauth2::{GrantType, TokenRequestParams, TokenResponse};

use super::{AuthenticatedClient, RefreshPlan, UserTokens, audience, issue_user_tokens, text};
use crate::error::MockError;
use crate::routes::oauth2::check_resources;
use crate::state::AppState;

/// `ValidateGrant`.
pub(super) fn validate(request: &TokenRequestParams) -> Result<(), (OAuthErrorCode, &'static str)> {
    if text(&request.code).is_empty() {
        return Err((
            OAuthErrorCode::InvalidRequest,
            "Authorization code is required",
        ));
    }
    check_resources(&request.resource)
}

/// `HandleGrant`: redeem the code, check it against the request, issue the tokens.
pub(super) fn handle(
    state: &AppState,
    client: &AuthenticatedClient<'_>,
    request: &TokenRequestParams,
    now: u64,
) -> Result<TokenResponse, MockError> {
    let invalid_grant =
        |description: &str| MockError::oauth(OAuthErrorCode::InvalidGrant, description);
    let code = state
        .db()
        .oauth
        .redeem_code(text(&request.code), client.client_id(), now)
        .ok_or_else(|| invalid_grant("Invalid authorization code"))?;
    // RFC 6749 §4.1.3: required only when the authorize request carried one.
    if code.redirect_uri_provided && text(&request.redirect_uri) != code.redirect_uri {
        return Err(invalid_grant("Invalid redirect URI"));
    }
    if !code.resources.is_empty() && request.resource.iter().any(|r| !code.resources.contains(r)) {
        return Err(MockError::oauth(
            OAuthErrorCode::InvalidTarget,
            "Resource parameter mismatch",
        ));
    }
    if code.expires_at < now {
        return Err(invalid_grant("Expired authorization code"));
    }
    if client.oauth.requires_pkce() || !code.code_challenge.is_empty() {
        let verifier = text(&request.code_verifier);
        if verifier.is_empty() {
            return Err(invalid_grant("code_verifier is required"));
        }
        if !pkce_matches(&code.code_challenge, &code.code_challenge_method, verifier) {
            return Err(invalid_grant("Invalid code verifier"));
        }
    }
    let resources = if request.resource.is_empty() {
        &code.resources
    } else {
        &request.resource
    };
    let refresh = if client.oauth.allows_grant(GrantType::RefreshToken.as_str()) {
        RefreshPlan::Issue
    } else {
        RefreshPlan::None
    };
    let plan = UserTokens {
        subject: code.user_id.clone(),
        audience: audience(resources, client.client_id()),
        scopes: code.scopes.clone(),
        grant_type: GrantType::AuthorizationCode,
        token_family_id: Some(code.token_family_id.clone()),
        nonce: Some(code.nonce.clone()),
        auth_time: Some(code.auth_time),
        acr: code.completed_acr.clone(),
        refresh,
    };
    Ok(issue_user_tokens(state, client, now, plan))
}

/// `pkce.ValidatePKCE`: S256 only; a verifier of 43–128 unreserved characters whose SHA-256,
/// base64url-encoded, is the challenge.
fn pkce_matches(challenge: &str, method: &str, verifier: &str) -> bool {
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
    method == "S256"
        && (43..=128).contains(&verifier.len())
        && verifier.bytes().all(unreserved)
        && !challenge.is_empty()
        && URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_is_s256_over_a_well_formed_verifier() {
        // RFC 7636 appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(pkce_matches(challenge, "S256", verifier));
        assert!(!pkce_matches(challenge, "plain", verifier));
        assert!(!pkce_matches(verifier, "S256", verifier));
        assert!(!pkce_matches(challenge, "S256", &verifier[..42]));
        assert!(!pkce_matches("", "S256", verifier));
    }
}
