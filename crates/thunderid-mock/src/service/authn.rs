//! The direct authentication API (`backend/internal/authn/`: `init.go`, `direct_auth.go`,
//! `handler.go`, `service.go`): a user authenticates in one call (or a start/finish pair) and gets
//! back `{id, type, ouId, assertion}`.
//!
//! Every call goes, in the server's order, through:
//! 1. the `Direct-Auth-Secret` guard ([`check_secret`]; the route answers its 401 without CORS);
//! 2. the body as Go decodes the handler's DTO ([`decode`]): not JSON, not an object or a member of
//!    the wrong type is AUTHN-1000;
//! 3. the DTO's `native` struct tags ([`FieldRules`]): the `INVALID_INPUT_METADATA` 400;
//! 4. the method's service, whose client errors are [`client_error`]s (their statuses are
//!    `handler.go`'s, chosen in `error.rs`) and whose server errors are 500 SSE-5000;
//! 5. [`respond`]: the answer for the authenticated user, with the assertion unless
//!    `skipAssertion`, stepped up from a previous assertion when one is given.
//!
//! The per-method services: [`credentials`] (`/auth/credentials/authenticate`), [`otp`]
//! (`/auth/otp/sms/{send,verify}`), [`federated`] (`/auth/oauth/{google,github,standard}/*`) and
//! [`passkey`] (`/auth/passkey/*`, `/register/passkey/*`).

pub(crate) mod credentials;
pub(crate) mod federated;
pub(crate) mod otp;
pub(crate) mod passkey;

use serde_json::{Map, Value};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::authn::AuthenticationResponse;

use crate::error::MockError;
use crate::flow::assertion::{self, EngagedAuthenticator};
use crate::ids::constant_time_eq;
use crate::state::AppState;
use crate::store::users::UserRecord;

pub(crate) use super::request::{FieldRules, GoObject};

/// The header the guard reads (`direct_auth.go` `directAuthHeaderName`), as axum names it.
pub(crate) const DIRECT_AUTH_SECRET: &str = "direct-auth-secret";

/// An authenticator the direct API records in `assurance` (`authn/common/constants.go`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Authenticator {
    Credentials,
    Otp,
    /// `/auth/passkey/*` and `/register/passkey/*`.
    Passkey,
    OAuth,
    Oidc,
    Github,
    Google,
}

impl Authenticator {
    /// The name in `assurance.authenticators`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Credentials => "CredentialsAuthenticator",
            Self::Otp => "OTPAuthenticator",
            Self::Passkey => "Passkey",
            Self::OAuth => "OAuthAuthenticator",
            Self::Oidc => "OIDCAuthenticator",
            Self::Github => "GithubOAuthAuthenticator",
            Self::Google => "GoogleOIDCAuthenticator",
        }
    }
}

/// The user a method authenticated: the entity reference the server resolves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuthenticatedUser {
    pub id: String,
    pub user_type: String,
    pub ou_id: String,
}

impl AuthenticatedUser {
    pub(crate) fn of(user: &UserRecord) -> Self {
        Self {
            id: user.id.clone(),
            user_type: user.user_type.clone(),
            ou_id: user.ou_id.clone(),
        }
    }
}

/// What a request asks of the assertion: none (`skipAssertion`), or one stepped up from a
/// previous assertion (`assertion`, blank for a first factor).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct AssertionRequest {
    pub skip: bool,
    pub previous: String,
}

impl AssertionRequest {
    /// `skipAssertion` and `assertion` of a decoded body (a wrong type is AUTHN-1000).
    pub(crate) fn from_body(body: &GoObject) -> Result<Self, MockError> {
        Ok(Self {
            skip: body.bool("skipAssertion").map_err(|_| invalid_format())?,
            previous: body.string("assertion").map_err(|_| invalid_format())?,
        })
    }
}

/// The guard (`direct_auth.go`): the header must equal the configured secret, compared in constant
/// time; an empty secret (the default) refuses every call. 401 AUTH-4010 with
/// `WWW-Authenticate: Bearer`.
pub(crate) fn check_secret(state: &AppState, given: Option<&[u8]>) -> Result<(), MockError> {
    let secret = state.settings().security.direct_auth_secret.as_bytes();
    if !secret.is_empty() && given.is_some_and(|g| constant_time_eq(g, secret)) {
        Ok(())
    } else {
        Err(MockError::Unauthorized {
            invalid_token: false,
        })
    }
}

/// AUTHN-1000: the body is not the handler's DTO.
pub(crate) fn invalid_format() -> MockError {
    MockError::api(ApiErrorCode::AuthnInvalidRequestFormat)
}

/// The body's first JSON value as Go fills a struct with these members (`DecodeJSONBody`).
pub(crate) fn decode(body: &[u8], fields: &[&str]) -> Result<GoObject, MockError> {
    GoObject::decode(body, fields).map_err(|_| invalid_format())
}

/// A `map[string]interface{}` member: absent or `null` is empty; anything but an object is
/// AUTHN-1000.
pub(crate) fn object_member(body: &GoObject, name: &str) -> Result<Map<String, Value>, MockError> {
    match body.raw(name) {
        None => Ok(Map::new()),
        Some(Value::Object(object)) => Ok(object.clone()),
        Some(_) => Err(invalid_format()),
    }
}

/// A service's client error, under the status `handler.go` gives it.
pub(crate) fn client_error(code: ApiErrorCode) -> MockError {
    MockError::DirectAuth(code.to_error())
}

/// The answer for `user` (`validateAndAppendAuthAssertion`): `{id, type, ouId}` and, unless
/// skipped, an assertion JWT signed by the server key: `sub`, `iss`, `aud` (`jwt.audience`),
/// `exp` (`jwt.validityPeriod`), `iat`, `nbf`, `jti`, `userType` and `ouId` when set, and
/// `assurance` with `authenticator` as a new step. A previous assertion (step-up) must verify and
/// carry `sub` and `assurance` (AUTHN-1009) for this very user (AUTHN-1010); its authenticators
/// are kept and the AAL is recomputed over all of them. Skipped, the previous assertion is not
/// even read, as on the server.
pub(crate) fn respond(
    state: &AppState,
    user: AuthenticatedUser,
    authenticator: Authenticator,
    request: &AssertionRequest,
) -> Result<AuthenticationResponse, MockError> {
    let mut response = AuthenticationResponse {
        id: user.id,
        user_type: user.user_type,
        ou_id: user.ou_id,
        assertion: String::new(),
    };
    if request.skip {
        return Ok(response);
    }
    let now = state.now();
    let mut authenticators = Vec::new();
    if !request.previous.trim().is_empty() {
        let (subject, previous) = previous_assurance(state, &request.previous, now)?;
        if subject != response.id {
            return Err(client_error(ApiErrorCode::AuthnAssertionSubjectMismatch));
        }
        authenticators = previous;
    }
    authenticators.push(EngagedAuthenticator {
        authenticator: authenticator.name().to_owned(),
        step: i64::try_from(authenticators.len() + 1).unwrap_or(i64::MAX),
        timestamp: i64::try_from(now).unwrap_or(i64::MAX),
    });
    let settings = state.settings();
    let mut claims = Map::new();
    if !response.user_type.is_empty() {
        claims.insert("userType".into(), Value::from(response.user_type.clone()));
    }
    if !response.ou_id.is_empty() {
        claims.insert("ouId".into(), Value::from(response.ou_id.clone()));
    }
    claims.insert(
        "assurance".into(),
        assertion::assurance_claim(&authenticators),
    );
    claims.insert("aud".into(), Value::from(settings.jwt.audience.clone()));
    assertion::standard_claims(
        &mut claims,
        state.signer().issuer(),
        now,
        Some(&response.id),
        settings.jwt.validity_period,
    );
    response.assertion = assertion::sign(state.signer(), &claims);
    Ok(response)
}

/// The subject and authenticators of a previous assertion (`extractClaimsFromAssertion`): it must
/// verify (signature, issuer, expiry; any `aud`), and carry a non-blank string `sub` and an
/// `assurance` that reads as an assurance context.
fn previous_assurance(
    state: &AppState,
    token: &str,
    now: u64,
) -> Result<(String, Vec<EngagedAuthenticator>), MockError> {
    let invalid = || client_error(ApiErrorCode::AuthnInvalidAssertion);
    let verified = state
        .signer()
        .verify(token, now, true)
        .map_err(|_| invalid())?;
    let subject = verified
        .claim_str("sub")
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(invalid)?
        .to_owned();
    // `assert.AssuranceContext`: members of another type fail the decoding.
    #[derive(serde::Deserialize, Default)]
    struct Assurance {
        #[serde(default, rename = "aal")]
        _aal: Option<String>,
        #[serde(default, rename = "ial")]
        _ial: Option<String>,
        #[serde(default)]
        authenticators: Option<Vec<EngagedAuthenticator>>,
    }
    let assurance = verified.claims.get("assurance").ok_or_else(invalid)?;
    // `null` decodes as Go decodes it into a struct: an empty context.
    let assurance: Option<Assurance> =
        serde_json::from_value(assurance.clone()).map_err(|_| invalid())?;
    let authenticators = assurance.and_then(|a| a.authenticators).unwrap_or_default();
    Ok((subject, authenticators))
}

/// The object `member` of a stateless session JWT this server signed (the OTP and identity
/// provider session tokens): the token must verify (signature, issuer, expiry) and its `aud` name
/// `audience`.
pub(crate) fn session_claims(
    state: &AppState,
    token: &str,
    audience: &str,
    member: &str,
) -> Option<Map<String, Value>> {
    let verified = state.signer().verify(token, state.now(), true).ok()?;
    let aud_matches = match verified.claims.get("aud") {
        Some(Value::String(aud)) => aud == audience,
        Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(audience)),
        _ => false,
    };
    if !aud_matches {
        return None;
    }
    match verified.claims.get(member) {
        Some(Value::Object(object)) => Some(object.clone()),
        _ => None,
    }
}

/// A string member as Go decodes it into a struct field: absent or `null` is "", another type
/// fails the decoding.
pub(crate) fn go_string(object: &Map<String, Value>, name: &str) -> Option<String> {
    match object.get(name) {
        None | Some(Value::Null) => Some(String::new()),
        Some(Value::String(text)) => Some(text.clone()),
        Some(_) => None,
    }
}
