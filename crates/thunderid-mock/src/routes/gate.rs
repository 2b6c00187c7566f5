//! The hosted gate (the real server's `/gate` login UI), server-rendered and JavaScript-free:
//!
//! * `GET /gate/signin?applicationId&authId&executionId`: where `/oauth2/authorize` sends the
//!   browser. Shows the execution's current step; `POST /gate/signin` (a form: `executionId`,
//!   `challengeToken`, `authId`, `applicationId`, `action`, and the inputs by identifier) drives it.
//!   On COMPLETE the gate hands the assertion to `POST /oauth2/auth/callback` and answers 302 to the
//!   client's redirect URI (`code`, `state`, `iss`); an ERROR with an error assertion goes the same
//!   way (`error=access_denied`).
//! * `GET /gate/signout?applicationId&executionId&logoutId`: where `/oauth2/logout` sends the
//!   browser. Runs the SIGNOUT flow (a confirmation form when it asks), then
//!   `POST /oauth2/logout/callback` and 302 to `post_logout_redirect_uri?state=…`.
//! * `GET /gate/callback?code&state`: the upstream IdP's return after a REDIRECTION step.
//! * `GET /gate/invite?applicationId&executionId&inviteToken`: the password-recovery link.
//! * `GET /gate/error?errorCode&errorMessage`: the error page.
//!
//! The gate calls the OAuth endpoints through the router in-process, as the real gate (a browser
//! app) calls them over HTTP, so it depends only on their public contract.

mod html;

use std::collections::BTreeMap;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};
use thunderid_protocol::flow::{FlowStatus, StepType};
use tower::ServiceExt;

use self::html::PageContext;
use crate::error::MockError;
use crate::flow::service::{self, Command, ContinueCommand, Executed};
use crate::flow::store::GateRedirect;
use crate::state::AppState;

/// How long the gate remembers a REDIRECTION it followed.
const REDIRECT_VALIDITY: u64 = 600;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/gate/signin", get(signin_page).post(signin_submit))
        .route("/gate/signout", get(signout_page).post(signout_submit))
        .route("/gate/callback", get(idp_return))
        .route("/gate/invite", get(invite_link))
        .route("/gate/error", get(error_page))
}

/// The query of the sign-in, sign-out and invite pages.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageQuery {
    #[serde(default)]
    application_id: String,
    #[serde(default)]
    auth_id: String,
    #[serde(default)]
    execution_id: String,
    #[serde(default)]
    logout_id: String,
    #[serde(default)]
    invite_token: String,
}

/// Which page drives the execution, and so where its form posts and how it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    SignIn,
    SignOut,
}

/// The gate's context for one execution.
#[derive(Debug, Clone, Default)]
struct Gate {
    application_id: String,
    auth_id: String,
    logout_id: String,
    execution_id: String,
}

async fn signin_page(State(state): State<AppState>, Query(query): Query<PageQuery>) -> Response {
    let gate = Gate::from(&query);
    let result = resume(&state, &gate, BTreeMap::new(), None, String::new(), true);
    finish(&state, gate, Mode::SignIn, result).await
}

async fn signin_submit(State(state): State<AppState>, body: Bytes) -> Response {
    submit(state, body, Mode::SignIn).await
}

async fn signout_page(State(state): State<AppState>, Query(query): Query<PageQuery>) -> Response {
    let gate = Gate::from(&query);
    let result = resume(&state, &gate, BTreeMap::new(), None, String::new(), true);
    finish(&state, gate, Mode::SignOut, result).await
}

async fn signout_submit(State(state): State<AppState>, body: Bytes) -> Response {
    submit(state, body, Mode::SignOut).await
}

/// A form post: the gate context from the hidden fields, the chosen action, and every other
/// non-empty field as an input.
async fn submit(state: AppState, body: Bytes, mode: Mode) -> Response {
    let Ok(fields) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body) else {
        return redirect_to_error(&state, "invalid_request", "Invalid form submission");
    };
    let mut gate = Gate::default();
    let (mut token, mut action, mut inputs) = (String::new(), None, BTreeMap::new());
    for (name, value) in fields {
        match name.as_str() {
            "executionId" => gate.execution_id = value,
            "applicationId" => gate.application_id = value,
            "authId" => gate.auth_id = value,
            "logoutId" => gate.logout_id = value,
            "challengeToken" => token = value,
            "action" => action = Some(value),
            _ if value.is_empty() => {}
            _ => {
                inputs.insert(name, value);
            }
        }
    }
    let result = resume(&state, &gate, inputs, action, token, false);
    finish(&state, gate, mode, result).await
}

/// The upstream IdP came back: resume the execution the gate redirected from.
async fn idp_return(
    State(state): State<AppState>,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let returned_state = query.get("state").cloned().unwrap_or_default();
    let pending = state
        .db()
        .flows
        .take_gate_redirect(&returned_state, state.now());
    let Some(pending) = pending else {
        return redirect_to_error(
            &state,
            "invalid_request",
            "Unknown or expired sign-in redirect",
        );
    };
    let gate = Gate {
        application_id: pending.application_id,
        auth_id: pending.auth_id.unwrap_or_default(),
        logout_id: String::new(),
        execution_id: pending.execution_id,
    };
    let inputs: BTreeMap<String, String> = query
        .into_iter()
        .filter(|(k, v)| (k == "code" || k == "state") && !v.is_empty())
        .collect();
    let result = resume(&state, &gate, inputs, None, pending.challenge_token, false);
    finish(&state, gate, Mode::SignIn, result).await
}

/// The recovery e-mail's link: hand the token to the paused InviteExecutor (which needs no
/// challenge token).
async fn invite_link(State(state): State<AppState>, Query(query): Query<PageQuery>) -> Response {
    let gate = Gate::from(&query);
    let inputs = BTreeMap::from([("inviteToken".to_owned(), query.invite_token.clone())]);
    let result = resume(&state, &gate, inputs, None, String::new(), false);
    finish(&state, gate, Mode::SignIn, result).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorQuery {
    #[serde(default)]
    error_code: String,
    #[serde(default)]
    error_message: String,
}

async fn error_page(Query(query): Query<ErrorQuery>) -> Response {
    html_response(html::error_page(&query.error_code, &query.error_message))
}

impl From<&PageQuery> for Gate {
    fn from(query: &PageQuery) -> Self {
        Self {
            application_id: query.application_id.clone(),
            auth_id: query.auth_id.clone(),
            logout_id: query.logout_id.clone(),
            execution_id: query.execution_id.clone(),
        }
    }
}

fn resume(
    state: &AppState,
    gate: &Gate,
    inputs: BTreeMap<String, String>,
    action: Option<String>,
    challenge_token: String,
    trusted: bool,
) -> Result<Executed, MockError> {
    let command = ContinueCommand {
        execution_id: crate::routes::flow::sanitize(&gate.execution_id),
        challenge_token,
        action: action.filter(|a| !a.is_empty()),
        inputs: inputs
            .into_iter()
            .map(|(k, v)| (k, crate::routes::flow::sanitize(&v)))
            .collect(),
        trusted,
    };
    if command.execution_id.is_empty() {
        return Err(MockError::api(
            thunderid_protocol::ApiErrorCode::FlowInvalidExecutionId,
        ));
    }
    service::execute(state, Command::Continue(command))
}

/// Turn the engine's answer into a page or a redirect.
async fn finish(
    state: &AppState,
    gate: Gate,
    mode: Mode,
    result: Result<Executed, MockError>,
) -> Response {
    let executed = match result {
        Ok(executed) => executed,
        Err(MockError::Api {
            error,
            error_assertion,
        }) => {
            if let (Some(assertion), false) = (error_assertion, gate.auth_id.is_empty()) {
                return auth_callback(state, &gate.auth_id, &assertion).await;
            }
            let message = error.message.default_value.clone().unwrap_or_default();
            return redirect_to_error(state, error.code.as_str(), &message);
        }
        Err(other) => return other.into_response(),
    };
    let cookie = executed.clear_cookie.clone();
    let mut response = match (executed.status, executed.step_type) {
        (FlowStatus::Incomplete, Some(StepType::Redirection)) => {
            follow_redirection(state, &gate, &executed)
        }
        (FlowStatus::Incomplete, Some(StepType::View) | None) => {
            render_step(state, &gate, mode, &executed)
        }
        (FlowStatus::Complete, _) => complete(state, &gate, mode, &executed).await,
        (FlowStatus::Error, _) => match (&executed.error_assertion, gate.auth_id.is_empty()) {
            (Some(assertion), false) => auth_callback(state, &gate.auth_id, assertion).await,
            _ => render_step(state, &gate, mode, &executed),
        },
    };
    if let Some(name) = cookie {
        let secure = if state.config().base_url.starts_with("https://") {
            "; Secure"
        } else {
            ""
        };
        if let Ok(value) = HeaderValue::from_str(&format!(
            "{name}=; Path=/; Max-Age=0; HttpOnly{secure}; SameSite=Lax"
        )) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

fn render_step(state: &AppState, gate: &Gate, mode: Mode, executed: &Executed) -> Response {
    let context = PageContext {
        form_action: match mode {
            Mode::SignIn => "/gate/signin",
            Mode::SignOut => "/gate/signout",
        },
        execution_id: executed.execution_id.clone(),
        challenge_token: executed.challenge_token.clone(),
        application_id: gate.application_id.clone(),
        auth_id: gate.auth_id.clone(),
        logout_id: gate.logout_id.clone(),
        logo_url: state
            .application(&gate.application_id)
            .and_then(|a| a.logo_url.clone()),
    };
    html_response(html::step_page(
        &context,
        &executed.data,
        executed.error.as_ref(),
    ))
}

/// Remember where to resume, then send the browser to the IdP.
fn follow_redirection(state: &AppState, gate: &Gate, executed: &Executed) -> Response {
    let Some(url) = executed.data.redirect_url.as_deref() else {
        return redirect_to_error(state, "server_error", "The sign-in step has no redirect");
    };
    let idp_state = url::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.query_pairs()
                .find(|(k, _)| k == "state")
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_default();
    let now = state.now();
    let redirect = GateRedirect {
        execution_id: executed.execution_id.clone(),
        challenge_token: executed.challenge_token.clone().unwrap_or_default(),
        application_id: gate.application_id.clone(),
        auth_id: (!gate.auth_id.is_empty()).then(|| gate.auth_id.clone()),
        expires_at: now + REDIRECT_VALIDITY,
    };
    state
        .db()
        .flows
        .insert_gate_redirect(idp_state, redirect, now);
    found(url)
}

async fn complete(state: &AppState, gate: &Gate, mode: Mode, executed: &Executed) -> Response {
    match (mode, &executed.assertion) {
        (Mode::SignIn, Some(assertion)) if !gate.auth_id.is_empty() => {
            auth_callback(state, &gate.auth_id, assertion).await
        }
        (Mode::SignOut, _) if !gate.logout_id.is_empty() => {
            logout_callback(state, &gate.logout_id).await
        }
        (Mode::SignIn | Mode::SignOut, _) => {
            let message = executed.data.additional_data.get("message").cloned();
            let (title, text) = match mode {
                Mode::SignIn => (
                    "Done",
                    message.unwrap_or_else(|| "The flow is complete.".to_owned()),
                ),
                Mode::SignOut => (
                    "Signed out",
                    message.unwrap_or_else(|| "You have been signed out.".to_owned()),
                ),
            };
            html_response(html::message_page(title, &text))
        }
    }
}

/// `POST /oauth2/auth/callback {authId, assertion}`, then 302 to the `redirect_uri` it returns.
async fn auth_callback(state: &AppState, auth_id: &str, assertion: &str) -> Response {
    let body = json!({"authId": auth_id, "assertion": assertion});
    match call(state, "/oauth2/auth/callback", &body).await {
        Some(uri) if !uri.is_empty() => found(&uri),
        Some(_) | None => redirect_to_error(state, "server_error", "Authorization request failed"),
    }
}

/// `POST /oauth2/logout/callback {logoutId}`, then 302 to the `redirect_uri` it returns, if any.
async fn logout_callback(state: &AppState, logout_id: &str) -> Response {
    match call(
        state,
        "/oauth2/logout/callback",
        &json!({"logoutId": logout_id}),
    )
    .await
    {
        Some(uri) if !uri.is_empty() => found(&uri),
        Some(_) | None => html_response(html::message_page(
            "Signed out",
            "You have been signed out.",
        )),
    }
}

/// POST a JSON body to this server's own router and read `redirect_uri` from the answer.
async fn call(state: &AppState, path: &str, body: &Value) -> Option<String> {
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .ok()?;
    let response = crate::router(state.clone()).oneshot(request).await.ok()?;
    if response.status() != StatusCode::OK {
        tracing::warn!(path, status = %response.status(), "the gate's callback was refused");
        return None;
    }
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .ok()?;
    let answer: Value = serde_json::from_slice(&bytes).ok()?;
    answer
        .get("redirect_uri")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn redirect_to_error(state: &AppState, code: &str, message: &str) -> Response {
    let query = serde_urlencoded::to_string([("errorCode", code), ("errorMessage", message)])
        .unwrap_or_default();
    found(&state.url(&format!("/gate/error?{query}")))
}

fn found(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => {
            let mut response = StatusCode::FOUND.into_response();
            response.headers_mut().insert(header::LOCATION, value);
            response
        }
        Err(_) => {
            MockError::Internal(anyhow::anyhow!("unencodable redirect location")).into_response()
        }
    }
}

fn html_response(body: String) -> Response {
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}
