//! "Is this one of our live tokens?", as the real server's token validator answers it
//! (`O2/tokenservice/validator.go`): signature with the server key, `iss`, `exp` (with the leeway),
//! `nbf`, the claims each kind requires, and the revocation deny list.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::OAuthContext;
use crate::tokens::VerifiedToken;

/// `typ` of access tokens.
pub(crate) const TYP_ACCESS_TOKEN: &str = "at+jwt";
/// `typ` of ID tokens, refresh tokens and flow assertions.
pub(crate) const TYP_JWT: &str = "JWT";

/// The parts of a valid refresh token the refresh grant needs.
#[derive(Debug, Clone)]
pub(crate) struct RefreshTokenView {
    /// The owning client (the token's `sub`).
    pub(crate) client_id: String,
    pub(crate) access_token_subject: String,
    pub(crate) access_token_audiences: Vec<String>,
    pub(crate) grant_type: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) jwt_id: Option<String>,
    pub(crate) token_family_id: Option<String>,
    pub(crate) expires_at: u64,
    pub(crate) claims: Map<String, Value>,
}

/// `ValidateAccessToken`: a live `at+jwt` of ours with `sub`, `iss`, `aud` and `client_id`.
pub(crate) fn access_token(ctx: &OAuthContext<'_>, token: &str) -> Option<VerifiedToken> {
    let verified = ctx.signer.verify(token, ctx.now, true).ok()?;
    if verified.typ.as_deref() != Some(TYP_ACCESS_TOKEN) {
        return None;
    }
    let claims = &verified.claims;
    string_claim(claims, "sub")?;
    string_claim(claims, "iss")?;
    string_claim(claims, "client_id")?;
    audiences(claims, "aud", true)?;
    let revoked = ctx.is_revoked(string_claim(claims, "jti"), string_claim(claims, "tfid"))
        || ctx.is_subject_revoked(
            string_claim(claims, "sub"),
            claims.get("iat").and_then(Value::as_u64),
        );
    (!revoked).then_some(verified)
}

/// `ValidateRefreshToken` without the deny-list step (the refresh grant checks it itself, because a
/// revoked token presented there revokes its family): a live JWT of ours with `sub`,
/// `access_token_sub`, `access_token_aud` and `grant_type`. The header `typ` is not checked.
pub(crate) fn refresh_token(ctx: &OAuthContext<'_>, token: &str) -> Option<RefreshTokenView> {
    let verified = ctx.signer.verify(token, ctx.now, true).ok()?;
    let claims = verified.claims;
    Some(RefreshTokenView {
        client_id: string_claim(&claims, "sub")?.to_owned(),
        access_token_subject: string_claim(&claims, "access_token_sub")?.to_owned(),
        access_token_audiences: audiences(&claims, "access_token_aud", false)?,
        grant_type: string_claim(&claims, "grant_type")?.to_owned(),
        scopes: scopes(&claims),
        jwt_id: string_claim(&claims, "jti").map(str::to_owned),
        token_family_id: string_claim(&claims, "tfid").map(str::to_owned),
        expires_at: claims
            .get("exp")
            .and_then(Value::as_u64)
            .unwrap_or_default(),
        claims,
    })
}

/// `ValidateRefreshToken` with the deny list: for introspection, where a revoked token is simply
/// inactive.
pub(crate) fn live_refresh_token(ctx: &OAuthContext<'_>, token: &str) -> Option<RefreshTokenView> {
    let view = refresh_token(ctx, token)?;
    let revoked = ctx.is_revoked(view.jwt_id.as_deref(), view.token_family_id.as_deref())
        || ctx.is_subject_revoked(
            Some(view.access_token_subject.as_str()),
            view.claims.get("iat").and_then(Value::as_u64),
        );
    (!revoked).then_some(view)
}

/// The header and payload of a compact JWS, without verifying anything (`jwt.DecodeJWT`).
pub(crate) fn decode_unverified(token: &str) -> Option<(Map<String, Value>, Map<String, Value>)> {
    let mut parts = token.split('.');
    let (header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let decode = |part: &str| -> Option<Map<String, Value>> {
        let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
        serde_json::from_slice(&bytes).ok()
    };
    Some((decode(header)?, decode(payload)?))
}

/// A non-empty string claim.
pub(crate) fn string_claim<'a>(claims: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    claims
        .get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// The space-separated `scope` claim (`ParseScopes`).
pub(crate) fn scopes(claims: &Map<String, Value>) -> Vec<String> {
    parse_scopes(
        claims
            .get("scope")
            .and_then(Value::as_str)
            .unwrap_or_default(),
    )
}

/// `ParseScopes`: split on single spaces, empty parts dropped.
pub(crate) fn parse_scopes(scope: &str) -> Vec<String> {
    scope
        .trim()
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A non-empty string or a non-empty array of strings. `strict` (`extractAudiences`, for `aud`)
/// refuses an array with a non-string or empty member; otherwise (`extractStringSliceClaim`) such
/// members are skipped.
fn audiences(claims: &Map<String, Value>, name: &str, strict: bool) -> Option<Vec<String>> {
    match claims.get(name)? {
        Value::String(one) if !one.is_empty() => Some(vec![one.clone()]),
        Value::Array(many) => {
            let values: Vec<String> = many
                .iter()
                .filter_map(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            let complete = values.len() == many.len();
            (!values.is_empty() && (complete || !strict)).then_some(values)
        }
        _ => None,
    }
}
