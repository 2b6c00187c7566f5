//! RP-initiated logout (contract §5A; `O2/logout/handler.go`, `service.go`):
//!
//! * `GET|POST /oauth2/logout` (the `end_session_endpoint`): the client comes from `id_token_hint`
//!   (signature, `typ: JWT`, not a refresh token, our `iss`; its expiry is **not** checked) or from
//!   `client_id`; `post_logout_redirect_uri` must be registered. Errors are 400 `text/plain`. Success
//!   stores `{app, post_logout_redirect_uri, state}` under a `logoutId`, pre-creates the SIGNOUT
//!   execution and 302s to `{base}/gate/signout?applicationId=…&executionId=…&logoutId=…`.
//! * `POST /oauth2/logout/callback {"logoutId"}`: consumes the logout and answers
//!   `{"redirect_uri":"<post_logout_redirect_uri>?state=…"}` (`""` when there is none or the id is
//!   unknown).

use std::sync::Arc;

use serde_json::Value;
use thunderid_protocol::oauth2::from_form_pairs;
use thunderid_protocol::oidc::EndSessionRequest;

use super::ServiceResult;
use super::flow::{LogoutContext, create_logout_execution};
use crate::error::MockError;
use crate::fixtures::ApplicationFixture;
use crate::ids;
use crate::oauth::params;
use crate::oauth::text;
use crate::oauth::tokens::{TYP_JWT, string_claim};
use crate::state::AppState;
use crate::store::oauth::PendingLogout;

/// How long a logout waits for its flow (the server's logout store: 10 minutes).
const LOGOUT_VALIDITY: u64 = 600;

/// A resolved logout: the client and what to do afterwards.
struct Resolution {
    app: Arc<ApplicationFixture>,
    post_logout_redirect_uri: String,
    state: String,
    /// No `id_token_hint`: the flow may ask the user to confirm.
    prompt_required: bool,
}

/// `GET|POST /oauth2/logout`: where the browser goes (the gate's sign-out page).
pub(crate) fn begin(state: &AppState, request: &EndSessionRequest) -> ServiceResult<String> {
    let resolution = resolve(state, request).map_err(MockError::PlainText)?;
    start_sign_out(state, resolution)
}

/// `r.ParseForm()`: the query and (for a form body) the body; any malformed pair fails the request.
pub(crate) fn parse_request(
    form_body: bool,
    query: Option<&str>,
    body: &[u8],
) -> ServiceResult<EndSessionRequest> {
    let invalid = || MockError::PlainText("invalid request");
    let query_malformed = query.is_some_and(|q| params::parse_query(q).1);
    let body_malformed = form_body && params::parse_query(&String::from_utf8_lossy(body)).1;
    if query_malformed || body_malformed {
        return Err(invalid());
    }
    let form = params::FormParams::from_request(form_body, query, body);
    from_form_pairs(form.pairs().iter().cloned()).map_err(|_| invalid())
}

/// `Resolve`: the client from the hint or `client_id`, and a registered post-logout URI.
fn resolve(state: &AppState, request: &EndSessionRequest) -> Result<Resolution, &'static str> {
    let hint = text(&request.id_token_hint);
    let mut client_id = text(&request.client_id).to_owned();
    if !hint.is_empty() {
        let hinted = client_from_hint(state, hint)?;
        if !client_id.is_empty() && !hinted.is_empty() && client_id != hinted {
            return Err("client_id does not match id_token_hint");
        }
        if client_id.is_empty() {
            client_id = hinted;
        }
    }
    if client_id.is_empty() {
        return Err("id_token_hint or client_id is required");
    }
    let registry = state.registry();
    let app = registry
        .application_by_client_id(&client_id)
        .ok_or("invalid client")?;
    let oauth = app.oauth.as_ref().ok_or("invalid client")?;
    let post_logout_redirect_uri = text(&request.post_logout_redirect_uri);
    if !post_logout_redirect_uri.is_empty()
        && !oauth
            .post_logout_redirect_uris
            .iter()
            .any(|u| u == post_logout_redirect_uri)
    {
        return Err("invalid post_logout_redirect_uri");
    }
    Ok(Resolution {
        app: Arc::clone(app),
        post_logout_redirect_uri: post_logout_redirect_uri.to_owned(),
        state: text(&request.state).to_owned(),
        prompt_required: hint.is_empty(),
    })
}

/// `clientIDFromIDTokenHint`: an ID token we signed (expired or not); its `azp`, else its `aud`.
/// On the v1.0.x line any token we signed will do.
fn client_from_hint(state: &AppState, hint: &str) -> Result<String, &'static str> {
    const INVALID: &str = "invalid id_token_hint";
    let verified = state
        .signer()
        .verify(hint, state.now(), false)
        .map_err(|_| INVALID)?;
    // v1.0.0 took any token of ours, an access token too (main 721e49afb requires an ID token).
    let not_an_id_token = verified.typ.as_deref() != Some(TYP_JWT)
        || verified.claims.contains_key("access_token_sub");
    if not_an_id_token && !state.config().version.is_v1_0() {
        return Err(INVALID);
    }
    let claims = &verified.claims;
    let client = string_claim(claims, "azp")
        .map(str::to_owned)
        .unwrap_or_else(|| match claims.get("aud") {
            Some(Value::String(aud)) => aud.clone(),
            Some(Value::Array(auds)) => auds
                .first()
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            _ => String::new(),
        });
    Ok(client)
}

/// `InitiateSignOutFlow`: store the logout, pre-create the SIGNOUT execution, build the gate URL.
fn start_sign_out(state: &AppState, resolution: Resolution) -> ServiceResult<String> {
    let now = state.now();
    let logout_id = ids::uuid_v7(now);
    let pending = PendingLogout {
        application_id: resolution.app.id.clone(),
        post_logout_redirect_uri: resolution.post_logout_redirect_uri,
        state: resolution.state,
    };
    let oauth = &state.stores().oauth;
    oauth.write(|o| {
        o.add_logout(
            logout_id.clone(),
            pending,
            now.saturating_add(LOGOUT_VALIDITY),
            now,
        );
    });
    let context = LogoutContext {
        logout_id: logout_id.clone(),
        prompt_required: resolution.prompt_required,
    };
    let execution_id =
        create_logout_execution(state, &resolution.app, context).map_err(|error| {
            tracing::warn!(%error, "could not pre-create the sign-out execution");
            oauth.write(|o| o.remove_logout(&logout_id));
            if error.status().is_client_error() {
                MockError::PlainText("logout failed")
            } else {
                MockError::PlainTextServerError("logout failed")
            }
        })?;
    let query = [
        ("applicationId", resolution.app.id.as_str()),
        ("executionId", execution_id.as_str()),
        ("logoutId", logout_id.as_str()),
    ];
    Ok(params::with_query(&state.url("/gate/signout"), &query))
}

/// `HandleLogoutCallback` / `CompleteSignOut`: the URL the browser goes to after the sign-out flow
/// (`""` when there is none or the id is unknown).
pub(crate) fn complete(state: &AppState, logout_id: &str) -> ServiceResult<String> {
    if logout_id.is_empty() {
        return Err(MockError::PlainText("invalid request"));
    }
    let now = state.now();
    let pending = state
        .stores()
        .oauth
        .write(|o| o.take_logout(logout_id, now));
    Ok(match pending {
        None => String::new(),
        Some(pending) if pending.post_logout_redirect_uri.is_empty() => String::new(),
        Some(pending) if pending.state.is_empty() => pending.post_logout_redirect_uri,
        Some(pending) => params::with_query(
            &pending.post_logout_redirect_uri,
            &[("state", pending.state.as_str())],
        ),
    })
}
