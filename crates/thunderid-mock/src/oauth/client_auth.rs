//! Client authentication for `/oauth2/token`, `/oauth2/introspect` and `/oauth2/revoke`, as the real
//! server's middleware does it (`O2/clientauth/clientauth.go`, `error.go`, `middleware.go`).
//!
//! The method is *detected* from the request, then must equal the client's registered
//! `tokenEndpointAuthMethod`:
//!
//! | Sent | Detected |
//! |---|---|
//! | any `Authorization` header | `client_secret_basic` (Basic, URL-decoded `id:secret`) |
//! | `client_secret` in the body | `client_secret_post` |
//! | `client_assertion[_type]` | `private_key_jwt` (the client id is the assertion's `sub`; the assertion is checked by [`client_assertion`]) |
//! | only `client_id` | `none` |
//!
//! Like the real server, a `client_secret_basic` client that puts its secret in the body is refused
//! with `unauthorized_client` (the JS SDK's refresh and revoke calls do exactly that; see
//! sdk-http-calls §2.2). Every 401 carries `WWW-Authenticate: Basic` when an `Authorization` header
//! was sent.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use thunderid_protocol::OAuthErrorCode;
use thunderid_protocol::oauth2::TokenEndpointAuthMethod;
use thunderid_protocol::oauth2::token::CLIENT_ASSERTION_TYPE_JWT_BEARER;

use super::OAuthError;
use super::client_assertion::{self, AssertionCheck};
use super::params::{FormParams, query_unescape};
use crate::fixtures::{ApplicationFixture, MemberKind, OAuthProfile};
use crate::store::registry::Registry;

/// A client that authenticated.
#[derive(Debug, Clone)]
pub(crate) struct AuthenticatedClient {
    pub(crate) app: Arc<ApplicationFixture>,
    pub(crate) oauth: OAuthProfile,
    /// An application's or an agent's client: roles are assigned to the entity by its kind.
    pub(crate) kind: MemberKind,
}

/// Why authentication failed; each maps to one fixed error of the real server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AuthFailure {
    MultipleMethods,
    MissingClientId,
    ClientIdMismatch,
    InvalidCredentials,
    InvalidAssertion,
    UnauthorizedMethod,
    AuthenticationRequired,
}

impl AuthenticatedClient {
    pub(crate) fn client_id(&self) -> &str {
        &self.oauth.client_id
    }
}

/// Authenticate the calling client from its `Authorization` header (empty counts as absent) and
/// form parameters.
pub(crate) fn authenticate_client(
    registry: &Registry,
    check: &AssertionCheck<'_>,
    authorization: Option<&str>,
    params: &FormParams,
) -> Result<AuthenticatedClient, OAuthError> {
    let authorization = authorization.filter(|v| !v.is_empty());
    authenticate(registry, check, authorization, params)
        .map_err(|failure| to_error(failure, authorization.is_some()))
}

fn authenticate(
    registry: &Registry,
    check: &AssertionCheck<'_>,
    authorization: Option<&str>,
    params: &FormParams,
) -> Result<AuthenticatedClient, AuthFailure> {
    let detected = detect_method(authorization.is_some(), params)?;
    let (client_id, secret) = credentials(&detected, authorization, params)?;
    let body_client_id = params.value("client_id");
    if !body_client_id.is_empty() && client_id != body_client_id {
        return Err(AuthFailure::ClientIdMismatch);
    }
    // Applications and agents share the inbound-client store the server looks clients up in.
    let (kind, app) = registry
        .client_by_client_id(&client_id)
        .ok_or(AuthFailure::InvalidCredentials)?;
    let oauth = app.oauth.clone().ok_or(AuthFailure::InvalidCredentials)?;
    if oauth.token_endpoint_auth_method.as_str() != detected.as_str() {
        return Err(if detected == TokenEndpointAuthMethod::None {
            AuthFailure::AuthenticationRequired
        } else {
            AuthFailure::UnauthorizedMethod
        });
    }
    match detected {
        TokenEndpointAuthMethod::PrivateKeyJwt => {
            let assertion = params.value("client_assertion");
            client_assertion::validate(check, oauth.certificate.as_ref(), &client_id, assertion)
                .map_err(|_| AuthFailure::InvalidAssertion)?;
        }
        TokenEndpointAuthMethod::None => {}
        _ => {
            let secret_matches = oauth.client_secret.as_deref().is_some_and(|expected| {
                crate::ids::constant_time_eq(expected.as_bytes(), secret.as_bytes())
            });
            if !secret_matches {
                return Err(AuthFailure::InvalidCredentials);
            }
        }
    }
    Ok(AuthenticatedClient {
        app: Arc::clone(app),
        oauth,
        kind,
    })
}

/// Which method the request uses; more than one is an error.
fn detect_method(
    authorization_sent: bool,
    params: &FormParams,
) -> Result<TokenEndpointAuthMethod, AuthFailure> {
    let mut detected = authorization_sent.then_some(TokenEndpointAuthMethod::ClientSecretBasic);
    if !params.value("client_secret").is_empty() {
        if detected.is_some() {
            return Err(AuthFailure::MultipleMethods);
        }
        detected = Some(TokenEndpointAuthMethod::ClientSecretPost);
    }
    if !params.value("client_assertion_type").is_empty()
        || !params.value("client_assertion").is_empty()
    {
        if detected.is_some() {
            return Err(AuthFailure::MultipleMethods);
        }
        detected = Some(TokenEndpointAuthMethod::PrivateKeyJwt);
    }
    if detected.is_none() && !params.value("client_id").is_empty() {
        detected = Some(TokenEndpointAuthMethod::None);
    }
    detected.ok_or(AuthFailure::MissingClientId)
}

/// The client id and secret the detected method presents.
fn credentials(
    detected: &TokenEndpointAuthMethod,
    authorization: Option<&str>,
    params: &FormParams,
) -> Result<(String, String), AuthFailure> {
    let body_client_id = params.value("client_id");
    match (detected, authorization) {
        (TokenEndpointAuthMethod::ClientSecretBasic, Some(header)) => basic_credentials(header),
        (TokenEndpointAuthMethod::ClientSecretPost, _) if body_client_id.is_empty() => {
            Err(AuthFailure::MissingClientId)
        }
        (TokenEndpointAuthMethod::ClientSecretPost, _) => Ok((
            body_client_id.to_owned(),
            params.value("client_secret").to_owned(),
        )),
        (TokenEndpointAuthMethod::PrivateKeyJwt, _) => {
            if params.value("client_assertion_type") != CLIENT_ASSERTION_TYPE_JWT_BEARER {
                return Err(AuthFailure::InvalidAssertion);
            }
            let subject = assertion_subject(params.value("client_assertion"))
                .ok_or(AuthFailure::InvalidAssertion)?;
            Ok((subject, String::new()))
        }
        (TokenEndpointAuthMethod::None, _) => Ok((body_client_id.to_owned(), String::new())),
        (TokenEndpointAuthMethod::ClientSecretBasic | TokenEndpointAuthMethod::Other(_), _) => {
            Err(AuthFailure::MissingClientId)
        }
    }
}

/// `Basic base64(urlencode(id):urlencode(secret))`, decoded as the server does.
fn basic_credentials(header: &str) -> Result<(String, String), AuthFailure> {
    const PREFIX: &str = "Basic ";
    let encoded = header
        .get(..PREFIX.len())
        .filter(|scheme| scheme.eq_ignore_ascii_case(PREFIX))
        .map(|_| &header[PREFIX.len()..])
        .ok_or(AuthFailure::InvalidCredentials)?;
    let decoded = STANDARD
        .decode(encoded)
        .map_err(|_| AuthFailure::InvalidCredentials)?;
    let decoded = String::from_utf8_lossy(&decoded);
    let (id, secret) = decoded
        .split_once(':')
        .ok_or(AuthFailure::InvalidCredentials)?;
    if id.is_empty() {
        return Err(AuthFailure::MissingClientId);
    }
    if secret.is_empty() {
        return Err(AuthFailure::InvalidCredentials);
    }
    let unescape = |text: &str| query_unescape(text).ok_or(AuthFailure::InvalidCredentials);
    Ok((unescape(id)?, unescape(secret)?))
}

/// The unverified `sub` of a client assertion (the server reads it before verifying).
fn assertion_subject(assertion: &str) -> Option<String> {
    client_assertion::decode_payload(assertion)?
        .get("sub")
        .and_then(|s| s.as_str())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn to_error(failure: AuthFailure, authorization_sent: bool) -> OAuthError {
    let (error, description) = match failure {
        AuthFailure::MultipleMethods => (
            OAuthErrorCode::InvalidRequest,
            "Multiple client authentication methods were provided",
        ),
        AuthFailure::MissingClientId => (
            OAuthErrorCode::InvalidRequest,
            "Missing client_id parameter",
        ),
        AuthFailure::ClientIdMismatch => (
            OAuthErrorCode::InvalidRequest,
            "client_id in request body does not match client_id from authentication credentials",
        ),
        AuthFailure::InvalidCredentials => {
            (OAuthErrorCode::InvalidClient, "Invalid client credentials")
        }
        AuthFailure::InvalidAssertion => {
            (OAuthErrorCode::InvalidClient, "Invalid client assertion")
        }
        AuthFailure::UnauthorizedMethod => (
            OAuthErrorCode::UnauthorizedClient,
            "Client is not allowed to use the specified authentication method",
        ),
        AuthFailure::AuthenticationRequired => (
            OAuthErrorCode::InvalidClient,
            "Client authentication is required",
        ),
    };
    OAuthError {
        basic_challenge: authorization_sent && error == OAuthErrorCode::InvalidClient,
        ..OAuthError::new(error, description)
    }
}
