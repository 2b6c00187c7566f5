//! An authorization request (`GET /oauth2/authorize`), parsed and validated.
//!
//! Validation runs in the real server's order (`O2/authz/handler.go`, `service.go`, `validator.go`,
//! `requestvalidator/validator.go`), and every outcome is a 302:
//! * a repeated parameter (other than `resource`) or an unparsable query: 400 JSON
//!   `invalid_request` "Invalid authorization request" (the only non-redirect);
//! * client problems go to the gate's error page, never to an unverified client;
//! * a `request_uri` takes the pushed request ([`super::par`]) and ignores every other parameter
//!   but `client_id`; a client that must push and did not is refused;
//! * the resource count, `claims` and the redirect URI go to the gate; the parameter checks after
//!   them go back to the client's `redirect_uri` with `error`, `error_description`, `iss` and
//!   `state` when one was sent (else to the gate), and binding to a resource server goes back to
//!   the client's (effective) redirect URI;
//! * an accepted request is stored under a new `authId` by `service::authorize`, which pre-creates
//!   the AUTHENTICATION execution (with the runtime data the request asks for: `acr_values`,
//!   `max_age`, `prompt=consent`, `claims_locales`) and sends the browser to the gate.
//!
//! `response_mode=direct` (the V1 app-native API) is validated here too, and answered as JSON by
//! `service::direct`.

use std::sync::Arc;

use thunderid_protocol::OAuthErrorCode;
use thunderid_protocol::oauth2::AuthorizeRequest;

use super::claims::{ClaimsRequest, split_scopes};
use super::resource;
use super::{OAuthContext, OAuthError, Refusal, check_resources, params, scheme, text};
use crate::fixtures::{ApplicationFixture, OAuthProfile};
use crate::store::keys;
use crate::store::oauth::AuthorizationRequest;
use crate::store::registry::Registry;

/// The longest `nonce` accepted (FAPI 2.0's recommendation, `MaxNonceLength`).
const MAX_NONCE_LENGTH: usize = 64;
const PROMPT_VALUES: &[&str] = &["none", "login", "consent", "select_account"];
/// Every `request_uri` the PAR endpoint hands out starts with this (RFC 9126).
pub(crate) const REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

/// A request that passed validation, with its client.
#[derive(Debug)]
pub(crate) struct Accepted {
    pub app: Arc<ApplicationFixture>,
    /// The request as it is stored under its `authId`.
    pub request: AuthorizationRequest,
    /// Runtime data for the execution, besides the request id, client and permissions.
    pub runtime: Vec<(&'static str, String)>,
    /// Forwarded to the gate's sign-in page (empty: not forwarded).
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
    ctx: &OAuthContext<'_>,
    registry: &Registry,
    request: &AuthorizeRequest,
) -> Result<Accepted, Refusal> {
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
    let request_uri = text(&request.request_uri);
    if !request_uri.is_empty() {
        let pushed = redeem_pushed(ctx, request_uri, client_id)?;
        return accept(ctx, &app, oauth, pushed);
    }
    if oauth.require_pushed_authorization_requests || ctx.settings.oauth.par.require_par {
        return Err(gate(
            "Pushed authorization request is required for this client",
        ));
    }
    check_before_redirect(oauth, request)?;
    let sent_redirect_uri = text(&request.redirect_uri);
    if let Err(error) =
        check_parameters(oauth, request, true).and_then(|()| check_resources(&request.resource))
    {
        // Only a redirect URI the client sent, and that is now verified, may receive these.
        return Err(if sent_redirect_uri.is_empty() {
            Refusal::gate(error.code, error.description)
        } else {
            Refusal::client(
                sent_redirect_uri,
                error.code,
                error.description,
                text(&request.state),
            )
        });
    }
    let mut parameters = parameters(&app, oauth, request);
    if ctx.version.is_v1_0() {
        // v1.0.0 never read `ui_locales` (main 2f871f914 added it).
        parameters.ui_locales.clear();
    }
    accept(ctx, &app, oauth, parameters)
}

/// `ResolvePushedAuthorizationRequest`: the pushed request behind `request_uri`, taken out of the
/// store *before* the client is compared (a wrong client burns it). Every failure reads the same.
fn redeem_pushed(
    ctx: &OAuthContext<'_>,
    request_uri: &str,
    client_id: &str,
) -> Result<AuthorizationRequest, Refusal> {
    let invalid = || {
        Refusal::gate(
            OAuthErrorCode::InvalidRequest,
            "Invalid, expired, or already used request_uri",
        )
    };
    let key = request_uri
        .strip_prefix(REQUEST_URI_PREFIX)
        .ok_or_else(invalid)?;
    let now = ctx.now;
    let pushed = ctx
        .oauth
        .write(|o| o.take_pushed(key, now))
        .ok_or_else(invalid)?;
    if pushed.client_id != client_id {
        return Err(invalid());
    }
    Ok(pushed)
}

/// The checks whose failures go to the gate's error page on the standard path: the resource
/// count, the `claims` parameter and the redirect URI.
fn check_before_redirect(oauth: &OAuthProfile, request: &AuthorizeRequest) -> Result<(), Refusal> {
    let gate = |message: &str| Refusal::gate(OAuthErrorCode::InvalidRequest, message);
    if request.resource.len() > 1 {
        return Err(Refusal::gate(
            OAuthErrorCode::InvalidTarget,
            "Only a single resource parameter is supported",
        ));
    }
    let claims = text(&request.claims);
    if !claims.is_empty() && ClaimsRequest::parse(claims).is_err() {
        return Err(gate(
            "The claims request parameter is malformed or contains invalid values",
        ));
    }
    if !redirect_uri_is_valid(oauth, text(&request.redirect_uri)) {
        return Err(gate("Invalid redirect URI"));
    }
    Ok(())
}

/// The validated request's parameters (`OAuthParameters`), before binding: the redirect URI the
/// request sent or the only registered one, the scopes split into OIDC and permission scopes.
pub(crate) fn parameters(
    app: &ApplicationFixture,
    oauth: &OAuthProfile,
    request: &AuthorizeRequest,
) -> AuthorizationRequest {
    let scopes: Vec<String> = request.scopes().into_iter().map(str::to_owned).collect();
    let (standard_scopes, permission_scopes) = split_scopes(&scopes);
    let sent_redirect_uri = text(&request.redirect_uri);
    let redirect_uri = match sent_redirect_uri {
        // Validation guarantees exactly one registered URI in this case.
        "" => oauth.redirect_uris.first().cloned().unwrap_or_default(),
        sent => sent.to_owned(),
    };
    let owned = |value: &Option<String>| text(value).to_owned();
    AuthorizationRequest {
        client_id: oauth.client_id.clone(),
        application_id: app.id.clone(),
        redirect_uri,
        redirect_uri_provided: !sent_redirect_uri.is_empty(),
        state: owned(&request.state),
        standard_scopes,
        permission_scopes,
        code_challenge: owned(&request.code_challenge),
        code_challenge_method: owned(&request.code_challenge_method),
        resources: request.resource.clone(),
        nonce: owned(&request.nonce),
        claims: owned(&request.claims),
        claims_locales: owned(&request.claims_locales),
        ui_locales: owned(&request.ui_locales),
        acr_values: owned(&request.acr_values),
        max_age: owned(&request.max_age),
        prompt: owned(&request.prompt),
    }
}

/// `initiateFlowAndStoreRequest` up to the flow: bind the request to one resource server (its
/// permissions cut down, its identifier the only resource) and work out the flow's runtime data.
/// Binding failures go to the client's effective redirect URI.
fn accept(
    ctx: &OAuthContext<'_>,
    app: &Arc<ApplicationFixture>,
    oauth: &OAuthProfile,
    mut request: AuthorizationRequest,
) -> Result<Accepted, Refusal> {
    let binding = ctx
        .directory
        .read(|d| resource::bind(d, &request.resources, &request.permission_scopes))
        .map_err(|error| {
            Refusal::client(
                &request.redirect_uri,
                error.code,
                error.description,
                &request.state,
            )
        })?;
    (request.permission_scopes, request.resources) = match binding {
        Some(binding) => (binding.permissions, vec![binding.identifier]),
        None => (Vec::new(), Vec::new()),
    };
    let mut runtime = Vec::new();
    let acr = resolve_acr_values(&request.acr_values, &oauth.acr_values);
    if !acr.is_empty() {
        runtime.push((keys::REQUESTED_AUTH_CLASSES, acr));
    }
    if request.prompt.split_whitespace().any(|p| p == "consent") {
        runtime.push((keys::FORCE_CONSENT_REPROMPT, "true".to_owned()));
    }
    if !request.max_age.is_empty() {
        runtime.push((keys::MAX_AGE, request.max_age.clone()));
    }
    if !request.claims_locales.is_empty() {
        runtime.push((keys::REQUIRED_LOCALES, request.claims_locales.clone()));
    }
    let claims = super::claims::ClaimsRequest::from_stored(&request.claims);
    let (essential, optional) =
        super::claims::required_attributes(&request.standard_scopes, claims.as_ref(), oauth);
    runtime.push((keys::REQUIRED_ESSENTIAL_ATTRIBUTES, essential.join(" ")));
    runtime.push((keys::REQUIRED_OPTIONAL_ATTRIBUTES, optional.join(" ")));
    // The code's configured lifetime as it stands (0 included), as the server adds it.
    let code_validity = ctx.settings.oauth.authorization_code.validity_period;
    let ttl = super::mint::attribute_cache_ttl(ctx.settings, oauth, code_validity);
    runtime.push((keys::USER_ATTRIBUTES_CACHE_TTL_SECONDS, ttl.to_string()));
    Ok(Accepted {
        app: Arc::clone(app),
        ui_locales: request.ui_locales.clone(),
        request,
        runtime,
    })
}

/// `ResolveACRValues`: the requested classes (first occurrences) the app accepts, else all the
/// app's; nothing when the app names none.
fn resolve_acr_values(requested: &str, accepted: &[String]) -> String {
    let mut chosen: Vec<&str> = Vec::new();
    for acr in requested.split_whitespace() {
        if accepted.iter().any(|a| a == acr) && !chosen.contains(&acr) {
            chosen.push(acr);
        }
    }
    if chosen.is_empty() {
        return accepted.join(" ");
    }
    chosen.join(" ")
}

/// `ValidateAuthorizationRequestParams`: the errors a client may be told. `direct` is the V1
/// app-native mode, which only the authorize endpoint takes.
pub(crate) fn check_parameters(
    oauth: &OAuthProfile,
    request: &AuthorizeRequest,
    direct: bool,
) -> Result<(), OAuthError> {
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
    // `direct` only reaches here on the V1 path (`service::direct`).
    let response_mode = text(&request.response_mode);
    if !(matches!(response_mode, "" | "query") || direct && response_mode == "direct") {
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
    Ok(())
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
pub(crate) fn redirect_uri_is_valid(oauth: &OAuthProfile, sent: &str) -> bool {
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
}
