//! Introspection (RFC 7662, `O2/introspect/`) and revocation (RFC 7009, `O2/revocation/`) of the
//! server's own tokens, after the client authenticated.
//!
//! * Only our live `at+jwt` access tokens and refresh-token JWTs are active; anything else (ID tokens,
//!   flow assertions, expired, revoked or foreign tokens) is `{"active":false}`. On the v1.0.x line
//!   every live, unrevoked token the server signed is active, ID tokens and assertions included.
//! * Revocation succeeds also for tokens that are unknown, foreign or already expired (expiry is
//!   deliberately not checked). A token of another client is `invalid_grant`. Revoking a token that
//!   carries a family id (`tfid`) revokes the whole family, so revoking a refresh token also kills
//!   the access tokens of that sign-in.

use serde_json::{Map, Value};
use thunderid_protocol::ids::{ClientId, IssuerUrl};
use thunderid_protocol::oauth2::{IntrospectionResponse, TokenType};
use thunderid_protocol::oidc::Audience;

use super::client_auth::AuthenticatedClient;
use super::tokens::{self, TYP_ACCESS_TOKEN, TYP_JWT, decode_unverified, string_claim};
use super::{OAuthContext, OAuthError};

/// `POST /oauth2/introspect` after client authentication.
pub(crate) fn introspect(
    ctx: &OAuthContext<'_>,
    token: &str,
) -> Result<IntrospectionResponse, OAuthError> {
    if token.is_empty() {
        return Err(OAuthError::invalid_request("Token parameter is required"));
    }
    if ctx.version.is_v1_0() {
        // v1.0.0: any live, unrevoked token of ours is active (main 739b7bcc1 narrowed it).
        let claims = ctx
            .signer
            .verify(token, ctx.now, true)
            .ok()
            .map(|v| v.claims);
        let live =
            claims.filter(|c| !ctx.is_revoked(string_claim(c, "jti"), string_claim(c, "tfid")));
        return Ok(live.map_or_else(IntrospectionResponse::inactive, |claims| active(&claims)));
    }
    let claims = match decode_unverified(token).and_then(|(header, _)| header.get("typ").cloned()) {
        Some(Value::String(typ)) if typ == TYP_ACCESS_TOKEN => {
            tokens::access_token(ctx, token).map(|t| t.claims)
        }
        Some(Value::String(typ)) if typ == TYP_JWT => {
            tokens::live_refresh_token(ctx, token).map(|t| t.claims)
        }
        _ => None,
    };
    Ok(claims.map_or_else(IntrospectionResponse::inactive, |claims| active(&claims)))
}

/// `POST /oauth2/revoke` after client authentication.
pub(crate) fn revoke(
    ctx: &OAuthContext<'_>,
    client: &AuthenticatedClient,
    token: &str,
) -> Result<(), OAuthError> {
    if token.is_empty() {
        return Err(OAuthError::invalid_request("Token parameter is required"));
    }
    let now = ctx.now;
    // Signature only: a token we did not sign must not reach the deny list.
    let Ok(verified) = ctx.signer.verify(token, now, false) else {
        return Ok(());
    };
    let claims = verified.claims;
    let Some(jwt_id) = string_claim(&claims, "jti") else {
        return Ok(());
    };
    // Access tokens name their client in `client_id`; refresh tokens are minted with it as `sub`.
    let owner = string_claim(&claims, "client_id").or_else(|| string_claim(&claims, "sub"));
    if owner.is_some_and(|owner| owner != client.client_id()) {
        return Err(OAuthError::invalid_grant(
            "The token was not issued to the authenticated client",
        ));
    }
    let expires_at = claims.get("exp").and_then(Value::as_u64).unwrap_or(now);
    let family = string_claim(&claims, "tfid");
    ctx.oauth.write(|oauth| {
        oauth.revoke_token(jwt_id, expires_at, now);
        if let Some(family) = family {
            oauth.revoke_family(family, now);
        }
    });
    Ok(())
}

/// `prepareValidResponse`: the token's own claims, `Bearer`.
fn active(claims: &Map<String, Value>) -> IntrospectionResponse {
    let text = |name: &str| {
        claims
            .get(name)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let time = |name: &str| claims.get(name).and_then(Value::as_u64).filter(|t| *t != 0);
    let audience = match claims.get("aud") {
        Some(Value::String(one)) if !one.is_empty() => Some(Audience::One(one.clone())),
        Some(Value::Array(many)) => {
            let values: Vec<String> = many
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            (!values.is_empty()).then_some(Audience::Many(values))
        }
        _ => None,
    };
    IntrospectionResponse {
        active: true,
        scope: text("scope"),
        client_id: text("client_id").map(ClientId::new),
        username: text("username"),
        token_type: Some(TokenType::Bearer),
        expires_at: time("exp"),
        issued_at: time("iat"),
        not_before: time("nbf"),
        subject: text("sub"),
        audience,
        issuer: text("iss").map(IssuerUrl::new),
        jwt_id: text("jti"),
        confirmation: None,
    }
}
