//! An authorization request (`GET /oauth2/authorize`), parsed and validated.
//!
//! Validation runs in the real server's order (`O2/authz/handler.go`, `service.go`, `validator.go`,
//! `requestvalidator/validator.go`), and every outcome is a 302:
//! * a repeated parameter (other than `resource`) or an unparsable query: 400 JSON
//!   `invalid_request` "Invalid authorization request" (the only non-redirect);
//! * client and redirect problems go to the gate's error page, never to an unverified client;
//! * everything after the redirect URI is verified goes back to the client's `redirect_uri` with
//!   `error`, `error_description`, `iss` and `state` (or to the gate when none was sent);
//! * an accepted request is stored under a new `authId` by `service::authorize`, which pre-creates
//!   the AUTHENTICATION execution and sends the browser to the gate.
//!
//! `response_mode=direct` (the V1 app-native API) is validated here too, and answered as JSON by
//! `service::direct`.

use std::sync::Arc;

use serde_json::Value;
use thunderid_protocol::OAuthErrorCode;
use thunderid_protocol::oauth2::AuthorizeRequest;

use super::mint::split_scopes;
use super::resource::{self, Binding};
use super::{OAuthError, Refusal, check_resources, params, scheme, text};
use crate::fixtures::{ApplicationFixture, OAuthProfile};
use crate::store::directory::Directory;
use crate::store::locked::Locked;
use crate::store::oauth::AuthorizationRequest;
use crate::store::registry::Registry;

/// The longest `nonce` accepted (FAPI 2.0's recommendation, `MaxNonceLength`).
const MAX_NONCE_LENGTH: usize = 64;
const PROMPT_VALUES: &[&str] = &["none", "login", "consent", "select_account"];

/// A request that passed validation, with its client.
#[derive(Debug)]
pub(crate) struct Accepted {
    pub app: Arc<ApplicationFixture>,
    /// The request as it is stored under its `authId`.
    pub request: AuthorizationRequest,
    pub ui_locales: String,
}

/// Whether an authorize request asks for the V1 JSON answer.
pub(crate) fn is_direct(request: &AuthorizeRequest) -> bool {
    request.response_mode.as_deref() == Some("direct")
}

/// `r.ParseForm()` and the repeated-parameter rule; both fail as one 400.
pub(crate) fn parse_request(query: &str) -> Result<AuthorizeRequest, OAuthError> {
    let invalid = || OAuthError::invalid_request("Invalid authorization request");
    let (pairs, malformed) = params::parse_query(query);
    if malformed {
        return Err(invalid());
    }
    AuthorizeRequest::from_query_pairs(pairs).map_err(|_| invalid())
}

/// Every check of `HandleInitialAuthorizationRequest`, in order.
pub(crate) fn validate(
    registry: &Registry,
    directory: &Locked<Directory>,
    request: &AuthorizeRequest,
) -> Result<Accepted, Refusal> {
    let app = check_client_and_redirect(registry, request)?;
    let Some(oauth) = app.oauth.as_ref() else {
        return Err(Refusal::gate(
            OAuthErrorCode::InvalidRequest,
            "Invalid client_id",
        ));
    };
    let sent_redirect_uri = text(&request.redirect_uri);
    let scopes: Vec<String> = request.scopes().into_iter().map(str::to_owned).collect();
    let (standard_scopes, permission_scopes) = split_scopes(&scopes);
    let checked = check_parameters(oauth, request).and_then(|()| {
        directory.read(|d| resource::bind(d, &request.resource, &permission_scopes))
    });
    let binding = match checked {
        Ok(binding) => binding,
        // Only a redirect URI the client sent, and that is now verified, may receive errors.
        Err(OAuthError {
            code: error,
            description: message,
            ..
        }) => {
            return Err(if sent_redirect_uri.is_empty() {
                Refusal::gate(error, message)
            } else {
                Refusal::client(sent_redirect_uri, error, message, text(&request.state))
            });
        }
    };
    let (stored, ui_locales) = accept(&app, oauth, request, standard_scopes, binding);
    Ok(Accepted {
        app,
        request: stored,
        ui_locales,
    })
}

/// The checks whose failures go to the gate's error page: the client, PAR, the resource count, the
/// `claims` parameter and the redirect URI.
fn check_client_and_redirect(
    registry: &Registry,
    request: &AuthorizeRequest,
) -> Result<Arc<ApplicationFixture>, Refusal> {
    let gate = |message: &str| Refusal::gate(OAuthErrorCode::InvalidRequest, message);
    let client_id = text(&request.client_id);
    if client_id.is_empty() {
        return Err(gate("Missing client_id parameter"));
    }
    let app = registry
        .application_by_client_id(client_id)
        .filter(|app| app.oauth.is_some())
        .cloned()
        .ok_or_else(|| gate("Invalid client_id"))?;
    let Some(oauth) = app.oauth.as_ref() else {
        return Err(gate("Invalid client_id"));
    };
    if !text(&request.request_uri).is_empty() {
        // No PAR endpoint in the mock, so every request_uri is unknown.
        return Err(gate("Invalid, expired, or already used request_uri"));
    }
    if request.resource.len() > 1 {
        return Err(Refusal::gate(
            OAuthErrorCode::InvalidTarget,
            "Only a single resource parameter is supported",
        ));
    }
    let claims = text(&request.claims);
    if !claims.is_empty() && !is_valid_claims_request(claims) {
        return Err(gate(
            "The claims request parameter is malformed or contains invalid values",
        ));
    }
    if !redirect_uri_is_valid(oauth, text(&request.redirect_uri)) {
        return Err(gate("Invalid redirect URI"));
    }
    Ok(app)
}

/// The request as it is stored under its `authId`, and its `ui_locales`.
/// A bound request keeps only the permissions its resource server defines, and names the server by
/// its identifier.
fn accept(
    app: &ApplicationFixture,
    oauth: &OAuthProfile,
    request: &AuthorizeRequest,
    standard_scopes: Vec<String>,
    binding: Option<Binding>,
) -> (AuthorizationRequest, String) {
    let (permission_scopes, resources) = match binding {
        Some(binding) => (binding.permissions, vec![binding.identifier]),
        None => (Vec::new(), Vec::new()),
    };
    let sent_redirect_uri = text(&request.redirect_uri);
    let redirect_uri = match sent_redirect_uri {
        // Validation guarantees exactly one registered URI in this case.
        "" => oauth.redirect_uris.first().cloned().unwrap_or_default(),
        sent => sent.to_owned(),
    };
    let stored = AuthorizationRequest {
        client_id: oauth.client_id.clone(),
        application_id: app.id.clone(),
        redirect_uri,
        redirect_uri_provided: !sent_redirect_uri.is_empty(),
        state: text(&request.state).to_owned(),
        standard_scopes,
        permission_scopes,
        code_challenge: text(&request.code_challenge).to_owned(),
        code_challenge_method: text(&request.code_challenge_method).to_owned(),
        resources,
        nonce: text(&request.nonce).to_owned(),
    };
    (stored, text(&request.ui_locales).to_owned())
}

/// `ValidateAuthorizationRequestParams` and `ValidateResourceURIs`: the errors a client may be told.
fn check_parameters(oauth: &OAuthProfile, request: &AuthorizeRequest) -> Result<(), OAuthError> {
    if let Some(prompt) = &request.prompt {
        check_prompt(prompt)?;
    }
    if !oauth.allows_grant("authorization_code") {
        return Err(OAuthError::new(
            OAuthErrorCode::UnauthorizedClient,
            "Authorization code grant type is not allowed for the client",
        ));
    }
    let response_type = text(&request.response_type);
    if response_type.is_empty() {
        return Err(OAuthError::new(
            OAuthErrorCode::InvalidRequest,
            "Missing response_type parameter",
        ));
    }
    if response_type != "code" {
        return Err(OAuthError::new(
            OAuthErrorCode::UnsupportedResponseType,
            "Unsupported response type",
        ));
    }
    // `direct` only reaches here on the V1 path (`super::direct`).
    if !matches!(text(&request.response_mode), "" | "query" | "direct") {
        return Err(OAuthError::new(
            OAuthErrorCode::InvalidRequest,
            "Unsupported response_mode parameter",
        ));
    }
    let challenge = text(&request.code_challenge);
    let method = text(&request.code_challenge_method);
    if oauth.requires_pkce() && challenge.is_empty() {
        return Err(OAuthError::new(
            OAuthErrorCode::InvalidRequest,
            "code_challenge is required for this application",
        ));
    }
    if (!challenge.is_empty() || !method.is_empty()) && !is_valid_challenge(challenge, method) {
        return Err(OAuthError::new(
            OAuthErrorCode::InvalidRequest,
            "Invalid code_challenge or code_challenge_method parameter",
        ));
    }
    if text(&request.nonce).len() > MAX_NONCE_LENGTH {
        return Err(OAuthError::new(
            OAuthErrorCode::InvalidRequest,
            "nonce exceeds maximum allowed length",
        ));
    }
    let dpop_jkt = text(&request.dpop_jkt);
    if !dpop_jkt.is_empty() && !is_base64url_of_length(dpop_jkt, 43) {
        return Err(OAuthError::invalid_request("Invalid dpop_jkt parameter"));
    }
    check_resources(&request.resource)
}

/// `ValidatePromptParameter`.
fn check_prompt(prompt: &str) -> Result<(), OAuthError> {
    if prompt.trim().is_empty() {
        return Err(OAuthError::new(
            OAuthErrorCode::InvalidRequest,
            "The prompt parameter cannot be empty",
        ));
    }
    let values: Vec<&str> = prompt.split_whitespace().collect();
    if values.iter().any(|v| !PROMPT_VALUES.contains(v)) {
        return Err(OAuthError::new(
            OAuthErrorCode::InvalidRequest,
            "Unsupported prompt parameter value",
        ));
    }
    if values.contains(&"none") {
        if values.len() > 1 {
            return Err(OAuthError::new(
                OAuthErrorCode::InvalidRequest,
                "prompt value 'none' must not be combined with other values",
            ));
        }
        // The server keeps no server-side session, so it can never satisfy prompt=none.
        return Err(OAuthError::new(
            OAuthErrorCode::LoginRequired,
            "User authentication is required",
        ));
    }
    if values.contains(&"select_account") {
        return Err(OAuthError::new(
            OAuthErrorCode::AccountSelectionRequired,
            "Account selection is not supported",
        ));
    }
    Ok(())
}

/// `pkce.ValidateCodeChallenge`: S256 only, 43 base64url characters.
fn is_valid_challenge(challenge: &str, method: &str) -> bool {
    method == "S256" && is_base64url_of_length(challenge, 43)
}

fn is_base64url_of_length(value: &str, length: usize) -> bool {
    value.len() == length
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `ValidateRedirectURI`: an exact registered match without a fragment, or nothing when exactly one
/// fully qualified URI is registered.
fn redirect_uri_is_valid(oauth: &OAuthProfile, sent: &str) -> bool {
    if sent.is_empty() {
        return match oauth.redirect_uris.as_slice() {
            [only] => !only.contains('*') && is_fully_qualified(only),
            _ => false,
        };
    }
    oauth.redirect_uris.iter().any(|uri| uri == sent) && !sent.contains('#')
}

fn is_fully_qualified(uri: &str) -> bool {
    scheme(uri).is_some()
        && uri.split_once("://").is_some_and(|(_, rest)| {
            !rest
                .split(['/', '?', '#'])
                .next()
                .unwrap_or_default()
                .is_empty()
        })
}

/// `ParseClaimsRequest`, structurally: a JSON object whose `userinfo` / `id_token` members map claim
/// names to `null` or to `{essential?: bool, value?, values?: [...]}`.
fn is_valid_claims_request(claims: &str) -> bool {
    let Ok(Value::Object(members)) = serde_json::from_str::<Value>(claims) else {
        return false;
    };
    ["userinfo", "id_token"]
        .iter()
        .all(|target| match members.get(*target) {
            None | Some(Value::Null) => true,
            Some(Value::Object(requested)) => requested.values().all(|claim| match claim {
                Value::Null => true,
                Value::Object(spec) => {
                    spec.get("essential").is_none_or(Value::is_boolean)
                        && spec.get("values").is_none_or(Value::is_array)
                }
                _ => false,
            }),
            Some(_) => false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_values_are_checked_in_the_servers_order() {
        assert_eq!(
            check_prompt(" ").unwrap_err().description,
            "The prompt parameter cannot be empty"
        );
        assert_eq!(
            check_prompt("login bogus").unwrap_err().description,
            "Unsupported prompt parameter value"
        );
        assert_eq!(
            check_prompt("none login").unwrap_err().description,
            "prompt value 'none' must not be combined with other values"
        );
        assert_eq!(
            check_prompt("none").unwrap_err().code,
            OAuthErrorCode::LoginRequired
        );
        assert_eq!(
            check_prompt("login select_account").unwrap_err().code,
            OAuthErrorCode::AccountSelectionRequired
        );
        assert!(check_prompt("login consent").is_ok());
    }

    #[test]
    fn claims_requests_are_checked_structurally() {
        assert!(is_valid_claims_request(
            r#"{"id_token":{"email":null,"name":{"essential":true}}}"#
        ));
        assert!(!is_valid_claims_request("[1]"));
        assert!(!is_valid_claims_request(
            r#"{"userinfo":{"email":{"essential":"yes"}}}"#
        ));
        assert!(!is_valid_claims_request("not json"));
    }
}
