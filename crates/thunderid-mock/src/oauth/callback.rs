//! The authorization callback (`POST /oauth2/auth/callback`): the gate (or an SDK running the flow
//! itself) hands back the flow's `assertion` or `errorAssertion` and gets the URL the browser goes
//! to next (contract §3.2, `O2/callback/callback.go`, `O2/authz/service.go`
//! `HandleAuthorizationCallback`).
//!
//! Only malformed input is a 400 (envelope B). Every other outcome is HTTP 200
//! `{"redirect_uri": …}`: the client with `code`, `iss` and `state`; the client with an error; or the
//! gate's error page. A callback of `type` `urn:openid:params:grant-type:ciba` answers a
//! backchannel request instead ([`super::ciba`]).

use serde_json::{Map, Value};
use thunderid_protocol::OAuthErrorCode;
use thunderid_protocol::oauth2::{AuthCallbackRequest, CallbackType};

use super::claims::ClaimsRequest;
use super::tokens::{parse_scopes, string_claim};
use super::{OAuthContext, OAuthError, Refusal, params};
use crate::store::oauth::{AuthorizationCodeRecord, AuthorizationRequest};

/// The longest error description relayed to a client (`maxErrorDescriptionLength`).
const MAX_ERROR_DESCRIPTION: usize = 256;
const DEFAULT_CODE_VALIDITY: u64 = 600;

/// Which service a callback is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Callback {
    /// An authorization request (`authId`): the answer is where the browser goes next.
    AuthorizationCode,
    /// A backchannel authentication request (`auth_req_id`): see [`super::ciba`].
    Ciba,
}

/// The body's checks (400), in the server's order: `authId`, `assertion`, a known `type`.
pub(crate) fn check(request: &AuthCallbackRequest) -> Result<Callback, OAuthError> {
    if request.auth_id.as_str().is_empty() {
        return Err(OAuthError::invalid_request("authId is required"));
    }
    if request.assertion.secret().is_empty() {
        return Err(OAuthError::invalid_request("assertion is required"));
    }
    match request.effective_type() {
        CallbackType::AuthorizationCode => Ok(Callback::AuthorizationCode),
        CallbackType::Ciba => Ok(Callback::Ciba),
        CallbackType::Other(_) => Err(OAuthError::invalid_request("Unsupported callback type")),
    }
}

/// The authorization code callback: the URL the browser goes to next.
pub(crate) fn complete(ctx: &OAuthContext<'_>, auth_id: &str, assertion: &str) -> String {
    match complete_authorization(ctx, auth_id, assertion) {
        Ok(uri) => uri,
        Err(refusal) => refusal.location(ctx.base_url, ctx.issuer()),
    }
}

/// `HandleAuthorizationCallback`: verify, then either mint a code or relay the flow's failure.
fn complete_authorization(
    ctx: &OAuthContext<'_>,
    auth_id: &str,
    assertion: &str,
) -> Result<String, Refusal> {
    let issued = redeem_assertion(ctx, auth_id, assertion)?;
    let issuer = ctx.issuer();
    let request = &issued.request;
    let mut query = vec![("code", issued.code.as_str()), ("iss", issuer)];
    if !request.state.is_empty() {
        query.push(("state", request.state.as_str()));
    }
    Ok(params::with_query(&request.redirect_uri, &query))
}

/// A code minted for an authorization request, with the request it consumed.
#[derive(Debug)]
pub(crate) struct IssuedCode {
    pub(crate) code: String,
    pub(crate) request: AuthorizationRequest,
}

/// The callback without its redirect: verify the flow's assertion and mint the code for `auth_id`,
/// or relay the flow's failure. Shared with the V1 `/oauth2/authn`, whose `authData` carries the
/// code instead of a redirect.
pub(crate) fn redeem_assertion(
    ctx: &OAuthContext<'_>,
    auth_id: &str,
    assertion: &str,
) -> Result<IssuedCode, Refusal> {
    let failed = || {
        Refusal::gate(
            OAuthErrorCode::InvalidRequest,
            "Authorization request failed",
        )
    };
    // Verified before either branch, so an unverified assertion never burns a live authId.
    let verified = ctx
        .signer
        .verify(assertion, ctx.now, true)
        .map_err(|_| failed())?;
    let claims = AssertionClaims::decode(&verified.claims).ok_or_else(failed)?;
    match string_claim(&verified.claims, "flow_error_type") {
        Some(error_type) => Err(relay_failure(ctx, auth_id, error_type, &verified.claims)),
        None => issue_code(ctx, auth_id, &claims),
    }
}

/// The claims of a success assertion the callback reads (`decodeAttributesFromAssertion`); a claim
/// of the wrong JSON type makes the assertion unreadable.
#[derive(Debug)]
pub(crate) struct AssertionClaims {
    pub(crate) user_id: String,
    pub(crate) auth_time: Option<u64>,
    pub(crate) authorized_permissions: String,
    pub(crate) completed_acr: Option<String>,
    pub(crate) authorization_request_id: String,
    /// `aci`: the attribute cache entry of what the sign-in released; empty when none.
    pub(crate) attribute_cache_id: String,
    token_family_id: Option<String>,
}

impl AssertionClaims {
    pub(crate) fn decode(claims: &Map<String, Value>) -> Option<Self> {
        let optional_string = |name: &str| -> Option<Option<String>> {
            match claims.get(name) {
                None => Some(None),
                Some(Value::String(value)) => Some(Some(value.clone())),
                Some(_) => None,
            }
        };
        let auth_time = match claims.get("iat") {
            None => None,
            Some(iat) => Some(iat.as_f64().filter(|t| *t >= 0.0).map(|t| t as u64)?),
        };
        Some(Self {
            user_id: optional_string("sub")?.unwrap_or_default(),
            auth_time,
            authorized_permissions: string_claim(claims, "authorized_permissions")
                .unwrap_or_default()
                .to_owned(),
            completed_acr: optional_string("completed_auth_class")?.filter(|acr| !acr.is_empty()),
            authorization_request_id: optional_string("authorization_request_id")?
                .unwrap_or_default(),
            attribute_cache_id: optional_string("aci")?.unwrap_or_default(),
            token_family_id: string_claim(claims, "tfid").map(str::to_owned),
        })
    }
}

/// `handleSuccessCallback`: consume the request, bind the assertion to it, store a new code.
fn issue_code(
    ctx: &OAuthContext<'_>,
    auth_id: &str,
    claims: &AssertionClaims,
) -> Result<IssuedCode, Refusal> {
    let now = ctx.now;
    let request = ctx
        .oauth
        .write(|o| o.take_request(auth_id, now))
        .ok_or_else(|| {
            Refusal::gate(
                OAuthErrorCode::InvalidRequest,
                "Invalid authorization request",
            )
        })?;
    let to_client = |error, message: &str| {
        Refusal::client(&request.redirect_uri, error, message, &request.state)
    };
    if claims.authorization_request_id.is_empty() || claims.authorization_request_id != auth_id {
        return Err(to_client(
            OAuthErrorCode::AccessDenied,
            "Assertion does not match the authorization request",
        ));
    }
    if claims.user_id.is_empty() {
        return Err(to_client(
            OAuthErrorCode::ServerError,
            "Authorization request failed",
        ));
    }
    // A `claims` request may pin the subject (`validateSubClaimConstraint`).
    let openid = request.standard_scopes.iter().any(|s| s == "openid");
    let pinned = ClaimsRequest::from_stored(&request.claims);
    if openid && pinned.is_some_and(|c| !c.allows_subject(&claims.user_id)) {
        return Err(to_client(
            OAuthErrorCode::AccessDenied,
            "Authorization request failed",
        ));
    }
    let validity = match ctx.settings.oauth.authorization_code.validity_period {
        0 => DEFAULT_CODE_VALIDITY,
        seconds => seconds,
    };
    let auth_time = claims.auth_time.unwrap_or(now);
    let expires_at = auth_time.saturating_add(validity);
    if expires_at <= now {
        // The code would be born expired: the server's store refuses it.
        return Err(to_client(
            OAuthErrorCode::ServerError,
            "Failed to process authorization request",
        ));
    }
    let code = crate::ids::authorization_code();
    let record = code_record(&request, claims, auth_time, expires_at, now);
    ctx.oauth.write(|o| o.add_code(code.clone(), record, now));
    Ok(IssuedCode { code, request })
}

fn code_record(
    request: &AuthorizationRequest,
    claims: &AssertionClaims,
    auth_time: u64,
    expires_at: u64,
    now: u64,
) -> AuthorizationCodeRecord {
    // The assertion's authorized permissions replace the requested ones (none means none).
    let mut scopes = request.standard_scopes.clone();
    scopes.extend(parse_scopes(&claims.authorized_permissions));
    AuthorizationCodeRecord {
        client_id: request.client_id.clone(),
        redirect_uri: request.redirect_uri.clone(),
        redirect_uri_provided: request.redirect_uri_provided,
        user_id: claims.user_id.clone(),
        scopes,
        code_challenge: request.code_challenge.clone(),
        code_challenge_method: request.code_challenge_method.clone(),
        resources: request.resources.clone(),
        nonce: request.nonce.clone(),
        auth_time,
        expires_at,
        // Every code anchors a revocable family, minted here when the flow did not mint one.
        token_family_id: claims
            .token_family_id
            .clone()
            .unwrap_or_else(|| crate::ids::uuid_v7(now)),
        completed_acr: claims.completed_acr.clone(),
        claims: request.claims.clone(),
        claims_locales: request.claims_locales.clone(),
        attribute_cache_id: claims.attribute_cache_id.clone(),
    }
}

/// `handleFailedCallback`: an error assertion becomes `access_denied` at the client (end-user
/// errors) or `server_error` on the gate's error page.
fn relay_failure(
    ctx: &OAuthContext<'_>,
    auth_id: &str,
    error_type: &str,
    claims: &Map<String, Value>,
) -> Refusal {
    let bound_to = claims
        .get("authorization_request_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if bound_to != auth_id {
        return Refusal::gate(
            OAuthErrorCode::InvalidRequest,
            "Error assertion does not match the authorization request",
        );
    }
    let now = ctx.now;
    let Some(request) = ctx.oauth.write(|o| o.take_request(auth_id, now)) else {
        return Refusal::gate(
            OAuthErrorCode::InvalidRequest,
            "Invalid authorization request",
        );
    };
    let (error, default_message) = if error_type == "end_user_error" {
        (OAuthErrorCode::AccessDenied, "Access denied")
    } else {
        (
            OAuthErrorCode::ServerError,
            "Failed to process authorization request",
        )
    };
    let description = claims
        .get("flow_error_description")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let message = match sanitize_description(description) {
        sanitized if sanitized.is_empty() => default_message.to_owned(),
        sanitized => sanitized,
    };
    // `oauth.send_server_errors_to_client` is off by default: server errors stay on the gate.
    if error == OAuthErrorCode::ServerError {
        Refusal::Gate {
            error,
            message,
            state: request.state,
        }
    } else {
        Refusal::client(&request.redirect_uri, error, message, &request.state)
    }
}

/// `SanitizeErrorDescription`: keep RFC 6749's error characters, trim, cap at 256 bytes.
fn sanitize_description(description: &str) -> String {
    let allowed =
        |c: &char| matches!(*c, '\u{20}'..='\u{21}' | '\u{23}'..='\u{5B}' | '\u{5D}'..='\u{7E}');
    let kept: String = description.chars().filter(allowed).collect();
    let trimmed = kept.trim();
    // Only ASCII survives the filter, so any byte index is a character boundary.
    trimmed
        .get(..MAX_ERROR_DESCRIPTION)
        .unwrap_or(trimmed)
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_sanitized_and_capped() {
        assert_eq!(
            sanitize_description("  Bad \"quote\" \\ and ünïcode\n "),
            "Bad quote  and ncode"
        );
        assert_eq!(sanitize_description("\u{7}"), "");
        let long = "x".repeat(300);
        assert_eq!(sanitize_description(&long).len(), MAX_ERROR_DESCRIPTION);
    }
}
