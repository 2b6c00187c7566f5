//! `grant_type=urn:ietf:params:oauth:grant-type:token-exchange`, RFC 8693
//! (`O2/granthandlers/token_exchange.go`, `O2/tokenservice/validator.go` `ValidateSubjectToken`).
//!
//! The subject (and actor) token must be one of ours: signature, `sub`, `exp` with the leeway, not
//! revoked. The RFC 8693 `audience` parameter is not honoured (the server binds to `resource` only).
//! ID-JAG issuance needs per-app configuration the fixtures do not have, so it is refused as the
//! server refuses an unconfigured client. No tokens from trusted external issuers either.
//!
//! Mock-only (issue 9): an exchange *into an organization*. With `switching_organization` (the
//! legacy custom grant's parameter) or `organization` (its alias; both may be sent if they agree,
//! else `invalid_request` "Conflicting organization parameters"), the subject must be a user who is
//! a member of that organization unit, checked exactly as the `organization_switch` grant checks it
//! (same `invalid_grant` errors: "Organization not found", "User is not a member of the
//! organization"; a subject that is no user is "Invalid token"), and the access token carries the
//! organization's claims (`org_id`/`org_name`/`org_handle`, `ouId`/`ouName`/`ouHandle`) in place of
//! any unit attributes copied from the subject token. The real server takes no such parameter
//! (contract §4.3) and ignores it.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use thunderid_protocol::OAuthErrorCode;
use thunderid_protocol::oauth2::{GrantType, TokenRequestParams, TokenTypeUri};
use thunderid_protocol::oidc::ActorClaim;

use super::bound_scopes;
use super::organization_switch::organization_of_member;
use crate::oauth::claims::allowed_attributes;
use crate::oauth::client_auth::AuthenticatedClient;
use crate::oauth::mint::{Attributes, RefreshPlan, TokenPlan};
use crate::oauth::tokens::{TYP_ACCESS_TOKEN, decode_unverified, parse_scopes, string_claim};
use crate::oauth::{OAuthContext, OAuthError, check_resources, text};

/// `typ` of an Identity Assertion Authorization Grant: never a subject token.
const TYP_ID_JAG: &str = "oauth-id-jag+jwt";
/// The server's `jwt.audience` default, accepted as an assertion's audience.
const DEFAULT_ASSERTION_AUDIENCE: &str = "application";
/// Claims that are not user attributes (`getStandardJWTClaims`).
const STANDARD_CLAIMS: &[&str] = &[
    "sub",
    "iss",
    "aud",
    "exp",
    "nbf",
    "iat",
    "jti",
    "scope",
    "client_id",
    "act",
];

/// Why a subject or actor token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rejection {
    Invalid,
    Expired,
    UntrustedIssuer,
}

/// What the exchange takes from a verified subject or actor token.
#[derive(Debug, Clone)]
struct ExchangedToken {
    subject: String,
    issuer: String,
    scopes: Vec<String>,
    attributes: BTreeMap<String, Value>,
    nested_actor: Option<BTreeMap<String, Value>>,
}

/// `ValidateGrant`.
pub(super) fn validate(request: &TokenRequestParams) -> Result<(), OAuthError> {
    let invalid = |description: &'static str| Err(OAuthError::invalid_request(description));
    let known = |value: &str| TokenTypeUri::parse(value).is_known();
    if text(&request.subject_token).is_empty() {
        return invalid("Missing required parameter: subject_token");
    }
    let subject_type = text(&request.subject_token_type);
    if subject_type.is_empty() {
        return invalid("Missing required parameter: subject_token_type");
    }
    if !known(subject_type) {
        return invalid("Unsupported subject_token_type");
    }
    check_resources(&request.resource)?;
    let (actor, actor_type) = (text(&request.actor_token), text(&request.actor_token_type));
    if !actor.is_empty() && actor_type.is_empty() {
        return invalid("actor_token_type is required when actor_token is provided");
    }
    if !actor_type.is_empty() {
        if actor.is_empty() {
            return invalid("actor_token_type must not be provided without actor_token");
        }
        if !known(actor_type) {
            return invalid("Unsupported actor_token_type");
        }
    }
    let requested = text(&request.requested_token_type);
    if !requested.is_empty() {
        match TokenTypeUri::parse(requested) {
            TokenTypeUri::AccessToken | TokenTypeUri::Jwt => {}
            TokenTypeUri::IdJag if subject_type != TokenTypeUri::IdToken.as_str() => {
                return invalid(
                    "ID-JAG requests require subject_token_type urn:ietf:params:oauth:token-type:id_token",
                );
            }
            TokenTypeUri::IdJag => {}
            TokenTypeUri::RefreshToken | TokenTypeUri::IdToken => {
                return invalid(
                    "Unsupported requested_token_type. Only access tokens, JWT tokens, and ID-JAGs are supported",
                );
            }
            TokenTypeUri::Other(_) => return invalid("Unsupported requested_token_type"),
        }
    }
    let (switching, alias) = (
        text(&request.switching_organization),
        text(&request.organization),
    );
    if !switching.is_empty() && !alias.is_empty() && switching != alias {
        return invalid("Conflicting organization parameters");
    }
    Ok(())
}

/// `HandleGrant`.
pub(super) fn plan(
    ctx: &OAuthContext<'_>,
    client: &AuthenticatedClient,
    request: &TokenRequestParams,
) -> Result<TokenPlan, OAuthError> {
    let requested = TokenTypeUri::parse(text(&request.requested_token_type));
    if requested == TokenTypeUri::IdJag {
        return Err(OAuthError::invalid_target(
            "The client is not permitted to request ID-JAGs",
        ));
    }
    let subject = exchanged_token(
        ctx,
        client,
        (
            text(&request.subject_token),
            text(&request.subject_token_type),
        ),
        "subject_token",
    )?;
    let actor = match text(&request.actor_token) {
        "" => None,
        token => {
            let declared = text(&request.actor_token_type);
            Some(exchanged_token(
                ctx,
                client,
                (token, declared),
                "actor_token",
            )?)
        }
    };
    let scopes = exchanged_scopes(text(&request.scope), &subject.scopes)?;
    let (audience, scopes) = bound_scopes(ctx, client.client_id(), &request.resource, &scopes)?;
    let organization = match requested_organization(request) {
        Some(target) => Some(organization_of_member(ctx, &subject.subject, target)?),
        None => None,
    };
    Ok(TokenPlan {
        subject: subject.subject.clone(),
        audience,
        scopes,
        grant_type: GrantType::TokenExchange,
        attributes: Attributes::Given(allowed_attributes(
            &subject.attributes,
            &client.oauth.token.access_token.attributes,
        )),
        // `oauth.token_exchange.token_family` defaults to `none`: an independent token.
        token_family_id: None,
        actor: actor.map(|actor| ActorClaim {
            subject: actor.subject,
            issuer: Some(actor.issuer).filter(|iss| !iss.is_empty()),
            nested: actor.nested_actor,
        }),
        id_token: None,
        refresh: RefreshPlan::None,
        organization,
        issued_token_type: Some(match requested {
            TokenTypeUri::AccessToken | TokenTypeUri::Other(_) => TokenTypeUri::AccessToken,
            TokenTypeUri::Jwt
            | TokenTypeUri::RefreshToken
            | TokenTypeUri::IdToken
            | TokenTypeUri::IdJag => TokenTypeUri::Jwt,
        }),
        claims: None,
        claims_locales: String::new(),
    })
}

/// The organization the exchange moves into: `switching_organization` or its alias
/// `organization` (empty values count as absent; `validate` refused two that disagree).
fn requested_organization(request: &TokenRequestParams) -> Option<&str> {
    [&request.switching_organization, &request.organization]
        .into_iter()
        .map(text)
        .find(|organization| !organization.is_empty())
}

/// A subject or actor token, verified and checked against its declared type.
fn exchanged_token(
    ctx: &OAuthContext<'_>,
    client: &AuthenticatedClient,
    (token, declared_type): (&str, &str),
    label: &str,
) -> Result<ExchangedToken, OAuthError> {
    let verified = verify_exchanged_token(ctx, client, token).map_err(|r| rejection(r, label))?;
    check_access_token_type(token, declared_type, label)?;
    Ok(verified)
}

/// `ValidateSubjectToken` for a token of this server.
fn verify_exchanged_token(
    ctx: &OAuthContext<'_>,
    client: &AuthenticatedClient,
    token: &str,
) -> Result<ExchangedToken, Rejection> {
    let (header, claims) = decode_unverified(token).ok_or(Rejection::Invalid)?;
    if header.get("typ").and_then(Value::as_str) == Some(TYP_ID_JAG) {
        return Err(Rejection::Invalid);
    }
    let issuer = string_claim(&claims, "iss").ok_or(Rejection::Invalid)?;
    if issuer != ctx.issuer() {
        return Err(Rejection::UntrustedIssuer);
    }
    ctx.signer
        .verify(token, ctx.now, false)
        .map_err(|_| Rejection::Invalid)?;
    let subject = string_claim(&claims, "sub").ok_or(Rejection::Invalid)?;
    check_time(&claims, ctx.now, ctx.settings.jwt.leeway)?;
    let is_assertion = claims.contains_key("assurance");
    if is_assertion && !assertion_audience_accepted(&claims, &client.app.id) {
        return Err(Rejection::Invalid);
    }
    let mut scopes = parse_scopes(
        claims
            .get("scope")
            .and_then(Value::as_str)
            .unwrap_or_default(),
    );
    if scopes.is_empty() && is_assertion {
        scopes = parse_scopes(string_claim(&claims, "authorized_permissions").unwrap_or_default());
    }
    if ctx.is_revoked(string_claim(&claims, "jti"), string_claim(&claims, "tfid")) {
        return Err(Rejection::Invalid);
    }
    Ok(ExchangedToken {
        subject: subject.to_owned(),
        issuer: issuer.to_owned(),
        scopes,
        attributes: user_attributes(&claims),
        nested_actor: claims
            .get("act")
            .and_then(Value::as_object)
            .map(|act| act.clone().into_iter().collect()),
    })
}

/// `validateTimeClaims`: `exp` required (expired once `now >= exp + leeway`), `nbf` optional.
fn check_time(claims: &Map<String, Value>, now: u64, leeway: u64) -> Result<(), Rejection> {
    let exp = claims
        .get("exp")
        .and_then(Value::as_f64)
        .ok_or(Rejection::Invalid)?;
    if now as f64 >= exp + leeway as f64 {
        return Err(Rejection::Expired);
    }
    let not_yet_valid = claims
        .get("nbf")
        .and_then(Value::as_f64)
        .is_some_and(|nbf| (now as f64) < nbf - leeway as f64);
    if not_yet_valid {
        return Err(Rejection::Invalid);
    }
    Ok(())
}

/// A flow assertion used as a subject token must have exactly one audience: the server's default
/// audience or the requesting client's application id.
fn assertion_audience_accepted(claims: &Map<String, Value>, application_id: &str) -> bool {
    let audience = match claims.get("aud") {
        Some(Value::String(one)) => Some(one.as_str()),
        Some(Value::Array(many)) if many.len() == 1 => many[0].as_str(),
        _ => None,
    };
    audience.is_some_and(|aud| {
        !aud.is_empty() && (aud == DEFAULT_ASSERTION_AUDIENCE || aud == application_id)
    })
}

fn user_attributes(claims: &Map<String, Value>) -> BTreeMap<String, Value> {
    claims
        .iter()
        .filter(|(name, _)| !STANDARD_CLAIMS.contains(&name.as_str()))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

/// `validateAccessTokenType`: a token declared as an access token must carry `typ: at+jwt`.
fn check_access_token_type(token: &str, declared: &str, label: &str) -> Result<(), OAuthError> {
    if declared != TokenTypeUri::AccessToken.as_str() {
        return Ok(());
    }
    let Some((header, _)) = decode_unverified(token) else {
        return Err(OAuthError::invalid_request(format!("Invalid {label}")));
    };
    let typ = header
        .get("typ")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if typ.eq_ignore_ascii_case(TYP_ACCESS_TOKEN) || typ.eq_ignore_ascii_case("application/at+jwt")
    {
        return Ok(());
    }
    Err(OAuthError::invalid_request(format!(
        "The {label} is not an access token (missing at+jwt typ header)"
    )))
}

/// `getScopes`: the subject's scopes, or the requested ones it holds.
fn exchanged_scopes(requested: &str, subject_scopes: &[String]) -> Result<Vec<String>, OAuthError> {
    if requested.is_empty() {
        return Ok(subject_scopes.to_vec());
    }
    let requested = parse_scopes(requested);
    if requested.is_empty() {
        return Ok(Vec::new());
    }
    if subject_scopes.is_empty() {
        return Err(OAuthError::new(
            OAuthErrorCode::InvalidScope,
            "Cannot request scopes when the subject token has no scopes. \
             Requested scopes must be a subset of the subject token's scopes.",
        ));
    }
    Ok(requested
        .into_iter()
        .filter(|scope| subject_scopes.contains(scope))
        .collect())
}

fn rejection(rejection: Rejection, label: &str) -> OAuthError {
    let description = match rejection {
        Rejection::Invalid => format!("Invalid {label}"),
        Rejection::Expired => format!("The {label} has expired"),
        Rejection::UntrustedIssuer => {
            format!("The {label} issuer is not registered as a trusted token exchange issuer")
        }
    };
    OAuthError::invalid_request(description)
}
