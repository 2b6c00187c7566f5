//! `grant_type=authorization_code` (`O2/granthandlers/authorization_code.go`).
//!
//! The code is consumed *before* the remaining checks, as on the real server: a wrong
//! `redirect_uri` or `code_verifier` burns it. Presenting a consumed code again revokes every token
//! issued from it (its token family).

use thunderid_protocol::oauth2::{GrantType, TokenRequestParams};

use super::{bound_scopes, cached_attributes};
use crate::oauth::claims::ClaimsRequest;
use crate::oauth::client_auth::AuthenticatedClient;
use crate::oauth::mint::{IdTokenPlan, RefreshPlan, TokenPlan};
use crate::oauth::{OAuthContext, OAuthError, check_resources, text};

/// `ValidateGrant`.
pub(super) fn validate(request: &TokenRequestParams) -> Result<(), OAuthError> {
    if text(&request.code).is_empty() {
        return Err(OAuthError::invalid_request(
            "Authorization code is required",
        ));
    }
    check_resources(&request.resource)
}

/// `HandleGrant`: redeem the code, check it against the request, plan the tokens.
pub(super) fn plan(
    ctx: &OAuthContext<'_>,
    client: &AuthenticatedClient,
    request: &TokenRequestParams,
) -> Result<TokenPlan, OAuthError> {
    let invalid_grant = OAuthError::invalid_grant;
    let now = ctx.now;
    let code = ctx
        .oauth
        .write(|o| o.redeem_code(text(&request.code), client.client_id(), now))
        .ok_or_else(|| invalid_grant("Invalid authorization code"))?;
    // RFC 6749 §4.1.3: required only when the authorize request carried one.
    if code.redirect_uri_provided && text(&request.redirect_uri) != code.redirect_uri {
        return Err(invalid_grant("Invalid redirect URI"));
    }
    if !code.resources.is_empty() && request.resource.iter().any(|r| !code.resources.contains(r)) {
        return Err(OAuthError::invalid_target("Resource parameter mismatch"));
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
    // Bound again: the request's resource (a subset of the code's), else the code's, else the
    // default resource server.
    let resources = if request.resource.is_empty() {
        &code.resources
    } else {
        &request.resource
    };
    let (audience, scopes) = bound_scopes(ctx, client.client_id(), resources, &code.scopes)?;
    // The code is spent by now: a missing cache entry burns it.
    let attributes = ctx
        .oauth
        .read(|o| cached_attributes(o, &code.attribute_cache_id, now))?;
    let refresh = if client.oauth.allows_grant(GrantType::RefreshToken.as_str()) {
        RefreshPlan::Issue
    } else {
        RefreshPlan::None
    };
    let mut plan = TokenPlan::user(
        code.user_id.clone(),
        audience,
        scopes,
        GrantType::AuthorizationCode,
        IdTokenPlan {
            nonce: Some(code.nonce.clone()),
            auth_time: Some(code.auth_time),
            acr: code.completed_acr.clone(),
        },
        refresh,
    );
    plan.token_family_id = Some(code.token_family_id.clone());
    plan.claims = ClaimsRequest::from_stored(&code.claims);
    plan.claims_locales = code.claims_locales.clone();
    plan.attributes = attributes;
    Ok(plan)
}

/// `pkce.ValidatePKCE`: S256 only; a verifier of 43–128 unreserved characters whose SHA-256,
/// base64url-encoded, is the challenge.
fn pkce_matches(challenge: &str, method: &str, verifier: &str) -> bool {
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
    method == "S256"
        && (43..=128).contains(&verifier.len())
        && verifier.bytes().all(unreserved)
        && !challenge.is_empty()
        && crate::ids::constant_time_eq(
            crate::ids::sha256_base64url(verifier.as_bytes()).as_bytes(),
            challenge.as_bytes(),
        )
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
