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

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::Value;
use thunderid_protocol::oauth2::{LogoutCallbackRequest, LogoutCallbackResponse, from_form_pairs};
use thunderid_protocol::oidc::EndSessionRequest;

use super::validate::{TYP_JWT, string_claim};
use super::{found, params, preflight};
use crate::error::MockError;
use crate::extract::decode_first_json;
use crate::fixtures::ApplicationFixture;
use crate::flow::LogoutContext;
use crate::state::AppState;
use crate::store::oauth::PendingLogout;
use crate::tokens::issue::new_uuid_v7;
use crate::wire::GoJson;

/// How long a logout waits for its flow (the server's logout store: 10 minutes).
const LOGOUT_VALIDITY: u64 = 600;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/oauth2/logout",
            get(logout).post(logout).options(preflight),
        )
        .route(
            "/oauth2/logout/callback",
            post(logout_callback).options(preflight),
        )
}

/// A resolved logout: the client and what to do afterwards.
struct Resolution<'a> {
    app: &'a ApplicationFixture,
    post_logout_redirect_uri: String,
    state: String,
    /// No `id_token_hint`: the flow may ask the user to confirm.
    prompt_required: bool,
}

async fn logout(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, MockError> {
    // Go's `ParseForm` reads a body only for POST, PUT and PATCH.
    let body: &[u8] = if method == Method::POST { &body } else { &[] };
    let request = parse_request(&headers, query.as_deref(), body)?;
    let resolution = resolve(&state, &request).map_err(MockError::PlainText)?;
    let location = start_sign_out(&state, resolution)?;
    Ok(found(&location, &method))
}

/// `r.ParseForm()`: the query and (for a form body) the body; any malformed pair fails the request.
fn parse_request(
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<EndSessionRequest, MockError> {
    let invalid = || MockError::PlainText("invalid request");
    let query_malformed = query.is_some_and(|q| params::parse_query(q).1);
    let body_malformed =
        params::is_form_body(headers) && params::parse_query(&String::from_utf8_lossy(body)).1;
    if query_malformed || body_malformed {
        return Err(invalid());
    }
    let form = params::FormParams::from_request(headers, query, body);
    from_form_pairs(form.pairs().iter().cloned()).map_err(|_| invalid())
}

/// `Resolve`: the client from the hint or `client_id`, and a registered post-logout URI.
fn resolve<'a>(
    state: &'a AppState,
    request: &EndSessionRequest,
) -> Result<Resolution<'a>, &'static str> {
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
    let app = state
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
        app,
        post_logout_redirect_uri: post_logout_redirect_uri.to_owned(),
        state: text(&request.state).to_owned(),
        prompt_required: hint.is_empty(),
    })
}

/// `clientIDFromIDTokenHint`: an ID token we signed (expired or not); its `azp`, else its `aud`.
fn client_from_hint(state: &AppState, hint: &str) -> Result<String, &'static str> {
    const INVALID: &str = "invalid id_token_hint";
    let verified = state
        .signer()
        .verify(hint, state.now(), false)
        .map_err(|_| INVALID)?;
    if verified.typ.as_deref() != Some(TYP_JWT) || verified.claims.contains_key("access_token_sub")
    {
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
fn start_sign_out(state: &AppState, resolution: Resolution<'_>) -> Result<String, MockError> {
    let now = state.now();
    let logout_id = new_uuid_v7();
    let pending = PendingLogout {
        application_id: resolution.app.id.clone(),
        post_logout_redirect_uri: resolution.post_logout_redirect_uri,
        state: resolution.state,
    };
    state.db().oauth.add_logout(
        logout_id.clone(),
        pending,
        now.saturating_add(LOGOUT_VALIDITY),
        now,
    );
    let context = LogoutContext {
        logout_id: logout_id.clone(),
        prompt_required: resolution.prompt_required,
    };
    let execution_id = crate::flow::create_logout_execution(state, resolution.app, context)
        .map_err(|error| {
            tracing::warn!(%error, "could not pre-create the sign-out execution");
            state.db().oauth.remove_logout(&logout_id);
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

/// `HandleLogoutCallback` / `CompleteSignOut`.
async fn logout_callback(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<GoJson<LogoutCallbackResponse>, MockError> {
    let request: LogoutCallbackRequest =
        decode_first_json(&body).ok_or(MockError::PlainText("invalid request"))?;
    if request.logout_id.is_empty() {
        return Err(MockError::PlainText("invalid request"));
    }
    let pending = state
        .db()
        .oauth
        .take_logout(&request.logout_id, state.now());
    let redirect_uri = match pending {
        None => String::new(),
        Some(pending) if pending.post_logout_redirect_uri.is_empty() => String::new(),
        Some(pending) if pending.state.is_empty() => pending.post_logout_redirect_uri,
        Some(pending) => params::with_query(
            &pending.post_logout_redirect_uri,
            &[("state", pending.state.as_str())],
        ),
    };
    Ok(GoJson(LogoutCallbackResponse { redirect_uri }))
}

/// A parameter as `r.FormValue` reads it: `""` when absent.
fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or_default()
}
