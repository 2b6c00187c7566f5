//! Client-initiated backchannel authentication, poll mode (`POST /oauth2/bc-authorize` and the
//! callback's CIBA branch; `O2/ciba/handler.go`, `service.go`, `utils.go`). The token endpoint's
//! side is [`super::grants::ciba`].
//!
//! A client that may use the CIBA grant names the user (`login_hint`, or an `id_token_hint` whose
//! `sub` becomes the hint) and asks for `openid` scopes. The server starts the app's
//! AUTHENTICATION flow at once, server-side, with the hint as input: a flow such as the bundled
//! `ciba-email-notification-flow` identifies the user, e-mails an approval link and waits. The
//! user follows the link to the gate, signs in, and the gate hands the assertion to the callback
//! with `type: urn:openid:params:grant-type:ciba`, which marks the request authenticated (or denied,
//! for an end-user error assertion). Meanwhile the client polls the token endpoint.
//!
//! Fixed by the server: `expires_in` 120 s unless `requested_expiry` says otherwise (at most 600),
//! `interval` 5 s (never raised), `binding_message` at most 256 printable characters.

use thunderid_protocol::OAuthErrorCode;

use super::callback::AssertionClaims;
use super::claims::STANDARD_SCOPES;
use super::client_auth::AuthenticatedClient;
use super::params::FormParams;
use super::tokens::{decode_unverified, parse_scopes, string_claim};
use super::{OAuthContext, OAuthError, resource};
use crate::store::keys;
use crate::store::oauth::CibaState;

/// The grant type, and the callback `type`.
pub(crate) const GRANT: &str = "urn:openid:params:grant-type:ciba";
/// The poll interval the server announces and enforces (`CIBADefaultIntervalSeconds`).
pub(crate) const INTERVAL: u64 = 5;
const DEFAULT_EXPIRES_IN: u64 = 120;
const MAX_EXPIRES_IN: u64 = 600;
const MAX_BINDING_MESSAGE: usize = 256;
const DEFAULT_HINT_MAX_AGE_DAYS: u64 = 30;

/// A request that passed validation, ready for its flow.
#[derive(Debug, Clone)]
pub(crate) struct Accepted {
    pub auth_req_id: String,
    pub expires_in: u64,
    /// The flow's `login_hint` input: the `login_hint`, or the `id_token_hint`'s `sub`.
    pub login_hint: String,
    pub standard_scopes: Vec<String>,
    /// The permission scopes the bound resource server defines.
    pub permission_scopes: Vec<String>,
    /// The bound resource server's identifier; empty when unbound.
    pub resource_server_identifier: String,
    pub binding_message: String,
    pub acr_values: String,
}

/// What the backchannel flow is told about attributes (`InitiateBackchannelAuth`): none essential,
/// the attributes the client's tokens may carry for these scopes optional, and how long the
/// sign-in's attribute cache entry lives (the longest token, plus the longest a request can wait).
pub(crate) fn attribute_runtime(
    ctx: &OAuthContext<'_>,
    client: &AuthenticatedClient,
    accepted: &Accepted,
) -> Vec<(&'static str, String)> {
    let scopes: Vec<String> = accepted
        .standard_scopes
        .iter()
        .chain(&accepted.permission_scopes)
        .cloned()
        .collect();
    let (_, optional) = super::claims::required_attributes(&scopes, None, &client.oauth);
    let ttl = super::mint::attribute_cache_ttl(ctx.settings, &client.oauth, MAX_EXPIRES_IN);
    vec![
        (keys::REQUIRED_ESSENTIAL_ATTRIBUTES, String::new()),
        (keys::REQUIRED_OPTIONAL_ATTRIBUTES, optional.join(" ")),
        (keys::USER_ATTRIBUTES_CACHE_TTL_SECONDS, ttl.to_string()),
    ]
}

/// `HandleBackchannelAuthRequest` and `InitiateBackchannelAuth` up to the flow, in order.
/// `malformed`: the form did not parse.
pub(crate) fn validate(
    ctx: &OAuthContext<'_>,
    client: &AuthenticatedClient,
    form: &FormParams,
) -> Result<Accepted, OAuthError> {
    if form.malformed() {
        return Err(OAuthError::invalid_request("Failed to parse request body"));
    }
    let (login_hint, id_token_hint) = hints(form)?;
    if !client.oauth.allows_grant(GRANT) {
        return Err(OAuthError::new(
            OAuthErrorCode::UnauthorizedClient,
            "The client is not authorized to use the CIBA grant type",
        ));
    }
    // `ParseStringArray(scope, " ")`: split on single spaces, each part trimmed.
    let scope = form.value("scope");
    let scopes: Vec<String> = match scope {
        "" => Vec::new(),
        scope => scope.split(' ').map(|s| s.trim().to_owned()).collect(),
    };
    if scopes.is_empty() {
        return Err(OAuthError::invalid_request("scope is required"));
    }
    if !scopes.iter().any(|s| s == "openid") {
        return Err(OAuthError::new(
            OAuthErrorCode::InvalidScope,
            "scope must include openid",
        ));
    }
    check_binding_message(form.value("binding_message"))?;
    let auth_req_id = crate::ids::uuid_v7(ctx.now);
    let expires_in = expires_in(form.value("requested_expiry"));
    let (standard_scopes, permission_scopes): (Vec<String>, Vec<String>) = scopes
        .into_iter()
        .partition(|s| STANDARD_SCOPES.iter().any(|(name, _)| name == s));
    let resources: Vec<String> = form
        .pairs()
        .iter()
        .filter(|(name, _)| name == "resource")
        .map(|(_, value)| value.clone())
        .collect();
    let binding = ctx
        .directory
        .read(|d| resource::bind(d, &resources, &permission_scopes))?;
    let login_hint = match id_token_hint {
        Some(hint) => subject_of_hint(ctx, hint)?,
        None => login_hint.to_owned(),
    };
    let binding_message = match form.value("binding_message") {
        "" => default_binding_message(&auth_req_id),
        message => message.to_owned(),
    };
    let (permission_scopes, resource_server_identifier) = match binding {
        Some(binding) => (binding.permissions, binding.identifier),
        None => (Vec::new(), String::new()),
    };
    Ok(Accepted {
        auth_req_id,
        expires_in,
        login_hint,
        standard_scopes,
        permission_scopes,
        resource_server_identifier,
        binding_message,
        acr_values: form.value("acr_values").to_owned(),
    })
}

/// Exactly one hint; `login_hint_token` is not supported. The hints are (`login_hint`,
/// `id_token_hint` when it was the one sent).
fn hints(form: &FormParams) -> Result<(&str, Option<&str>), OAuthError> {
    let login_hint = form.value("login_hint");
    let id_token_hint = form.value("id_token_hint");
    let login_hint_token = form.value("login_hint_token");
    let sent = [login_hint, id_token_hint, login_hint_token]
        .iter()
        .filter(|h| !h.is_empty())
        .count();
    match sent {
        0 => Err(OAuthError::invalid_request(
            "One of login_hint, id_token_hint, or login_hint_token is required",
        )),
        1 if !login_hint_token.is_empty() => Err(OAuthError::invalid_request(
            "login_hint_token is not supported, use login_hint",
        )),
        1 => Ok((
            login_hint,
            (!id_token_hint.is_empty()).then_some(id_token_hint),
        )),
        _ => Err(OAuthError::invalid_request(
            "Only one of login_hint, id_token_hint, or login_hint_token may be provided",
        )),
    }
}

/// `validateBindingMessage`: at most 256 characters, every one printable (`unicode.IsPrint`).
fn check_binding_message(message: &str) -> Result<(), OAuthError> {
    let invalid = |description| OAuthError::new(OAuthErrorCode::InvalidBindingMessage, description);
    if message.chars().count() > MAX_BINDING_MESSAGE {
        return Err(invalid(
            "binding_message exceeds the maximum allowed length",
        ));
    }
    if message.chars().any(|c| !is_print(c)) {
        return Err(invalid("binding_message contains unsupported characters"));
    }
    Ok(())
}

/// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space; no
/// control, format, separator (other than U+0020) or unassigned characters.
fn is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    !(c.is_control()
        || c.is_whitespace()
        || matches!(c, '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}')
        || matches!(c, '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
        || ('\u{E000}'..='\u{F8FF}').contains(&c))
}

/// `resolveExpiresIn`: 120 unless a positive integer is asked for, at most 600.
fn expires_in(requested: &str) -> u64 {
    match requested.trim().parse::<i64>() {
        Ok(seconds) if seconds > 0 => u64::try_from(seconds)
            .unwrap_or(MAX_EXPIRES_IN)
            .min(MAX_EXPIRES_IN),
        _ => DEFAULT_EXPIRES_IN,
    }
}

/// `defaultBindingMessage`: a code from the first 8 hex digits of the request id (the top of its
/// millisecond timestamp, so requests a minute apart share it).
pub(crate) fn default_binding_message(auth_req_id: &str) -> String {
    let clean: String = auth_req_id.chars().filter(|c| *c != '-').collect();
    match (clean.get(..4), clean.get(4..8)) {
        (Some(first), Some(second)) => format!(
            "An authentication request has been initiated on your behalf. Code: {}-{}. Please review and confirm.",
            first.to_uppercase(),
            second.to_uppercase()
        ),
        _ => "An authentication request has been initiated on your behalf. Please review and confirm."
            .to_owned(),
    }
}

/// `validateIDTokenHint`: the hint's `sub`, after its checks in the server's order. Its `typ` and
/// `aud` are not checked (an access token works), and `exp` only against a staleness window.
fn subject_of_hint(ctx: &OAuthContext<'_>, hint: &str) -> Result<String, OAuthError> {
    let invalid = OAuthError::invalid_request;
    let (_, payload) =
        decode_unverified(hint).ok_or_else(|| invalid("id_token_hint is not a valid JWT"))?;
    if string_claim(&payload, "iss").unwrap_or_default() != ctx.issuer() {
        return Err(invalid("id_token_hint was not issued by this server"));
    }
    let subject = string_claim(&payload, "sub")
        .ok_or_else(|| invalid("id_token_hint is missing the sub claim"))?
        .to_owned();
    if ctx.signer.verify(hint, ctx.now, false).is_err() {
        return Err(invalid("id_token_hint signature verification failed"));
    }
    let exp = payload
        .get("exp")
        .and_then(serde_json::Value::as_f64)
        .ok_or_else(|| invalid("id_token_hint is missing the exp claim"))?;
    let days = match ctx.settings.oauth.ciba.id_token_hint_max_age_days {
        0 => DEFAULT_HINT_MAX_AGE_DAYS,
        days => days,
    };
    let stale_after = (exp.trunc() as i64).saturating_add(days.saturating_mul(86_400) as i64);
    if i64::try_from(ctx.now).unwrap_or(i64::MAX) > stale_after {
        return Err(invalid(
            "id_token_hint has exceeded the maximum allowed staleness period",
        ));
    }
    Ok(subject)
}

/// `HandleCallback`: the flow's assertion (or error assertion) for `auth_req_id`, checked against
/// the pending request. `application_id` finds the owning app's id, the assertion's expected `aud`.
pub(crate) fn callback(
    ctx: &OAuthContext<'_>,
    application_id: impl Fn(&str) -> Option<String>,
    auth_req_id: &str,
    assertion: &str,
) -> Result<(), OAuthError> {
    let now = ctx.now;
    let request = ctx
        .oauth
        .read(|o| o.ciba(auth_req_id, now))
        .ok_or_else(|| OAuthError::invalid_request("Invalid auth_req_id"))?;
    if request.state != CibaState::Pending {
        return Err(OAuthError::invalid_request(
            "Backchannel authentication request is not pending",
        ));
    }
    if request.expiry_time < now {
        return Err(OAuthError::new(
            OAuthErrorCode::ExpiredToken,
            "Backchannel authentication request has expired",
        ));
    }
    let audience = application_id(&request.client_id);
    let verified = ctx
        .signer
        .verify(assertion, now, true)
        .ok()
        .filter(|v| audience.is_none_or(|aud| has_audience(&v.claims, &aud)))
        .ok_or_else(|| OAuthError::invalid_request("Invalid assertion signature"))?;
    let failed = || {
        OAuthError::new(
            OAuthErrorCode::ServerError,
            "Failed to process backchannel authentication callback",
        )
    };
    let claims = AssertionClaims::decode(&verified.claims).ok_or_else(failed)?;
    if let Some(error_type) = string_claim(&verified.claims, "flow_error_type") {
        if claims.authorization_request_id != auth_req_id {
            return Err(OAuthError::invalid_request(
                "Error assertion does not match the backchannel authentication request",
            ));
        }
        // Server errors leave the request pending (`oauth.send_server_errors_to_client` is off).
        if error_type == "end_user_error" {
            ctx.oauth.write(|o| {
                if let Some(request) = o.ciba_mut(auth_req_id, now) {
                    request.state = CibaState::Denied;
                }
            });
        }
        return Ok(());
    }
    if claims.authorization_request_id.is_empty() || claims.authorization_request_id != auth_req_id
    {
        return Err(OAuthError::new(
            OAuthErrorCode::AccessDenied,
            "Assertion does not match the backchannel authentication request",
        ));
    }
    if claims.user_id.is_empty() {
        return Err(OAuthError::new(
            OAuthErrorCode::AccessDenied,
            "Assertion subject is missing",
        ));
    }
    let mut scopes = request.standard_scopes.clone();
    scopes.extend(parse_scopes(&claims.authorized_permissions));
    ctx.oauth.write(|o| match o.ciba_mut(auth_req_id, now) {
        Some(request) if request.state == CibaState::Pending => {
            request.state = CibaState::Authenticated;
            request.user_id = claims.user_id.clone();
            request.authorized_scopes = scopes;
            request.completed_acr = claims.completed_acr.clone();
            request.auth_time = claims.auth_time.unwrap_or(now);
            request.attribute_cache_id = claims.attribute_cache_id.clone();
            Ok(())
        }
        _ => Err(failed()),
    })
}

fn has_audience(claims: &serde_json::Map<String, serde_json::Value>, audience: &str) -> bool {
    match claims.get("aud") {
        Some(serde_json::Value::String(aud)) => aud == audience,
        Some(serde_json::Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(audience)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expiry_is_clamped_and_defaulted() {
        assert_eq!(expires_in(""), 120);
        assert_eq!(expires_in(" 30 "), 30);
        assert_eq!(expires_in("0"), 120);
        assert_eq!(expires_in("-5"), 120);
        assert_eq!(expires_in("1.5"), 120);
        assert_eq!(expires_in("9999"), 600);
    }

    #[test]
    fn the_default_binding_message_carries_a_code_from_the_request_id() {
        assert_eq!(
            default_binding_message("0199a1b2-c3d4-7e5f-8000-000000000000"),
            "An authentication request has been initiated on your behalf. Code: 0199-A1B2. Please review and confirm."
        );
    }

    #[test]
    fn binding_messages_must_be_short_and_printable() {
        assert!(check_binding_message("Approve sign-in from Thor's laptop? ✓").is_ok());
        assert!(check_binding_message(&"x".repeat(256)).is_ok());
        for bad in ["tab\there", "new\nline", "\u{200B}zero-width"] {
            assert_eq!(
                check_binding_message(bad).unwrap_err().description,
                "binding_message contains unsupported characters",
                "{bad:?}"
            );
        }
        assert_eq!(
            check_binding_message(&"é".repeat(257))
                .unwrap_err()
                .description,
            "binding_message exceeds the maximum allowed length"
        );
    }
}
