//! The hosted gate (the real server's `/gate` login UI), server-rendered and JavaScript-free:
//!
//! * `GET /gate/signin?applicationId&authId&executionId`: where `/oauth2/authorize` sends the
//!   browser. Shows the execution's current step; `POST /gate/signin` (a form: `executionId`,
//!   `challengeToken`, `authId`, `applicationId`, `action`, and the inputs by identifier) drives it.
//!   On COMPLETE the gate hands the assertion to the authorization callback and answers 302 to the
//!   client's redirect URI (`code`, `state`, `iss`); an ERROR with an error assertion goes the same
//!   way (`error=access_denied`).
//! * `GET /gate/signout?applicationId&executionId&logoutId`: where `/oauth2/logout` sends the
//!   browser. Runs the SIGNOUT flow (a confirmation form when it asks), then the logout callback and
//!   302 to `post_logout_redirect_uri?state=…`.
//! * `GET /gate/callback?code&state`: the upstream IdP's return after a REDIRECTION step.
//! * `GET /gate/invite?applicationId&executionId&inviteToken`: the password-recovery link.
//! * `GET /gate/error?errorCode&errorMessage`: the error page.
//!
//! What happens between pages is `service::gate`'s; this module renders ([`html`]) and redirects.

mod html;

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use serde::Deserialize;

use self::html::PageContext;
use super::respond::{found_plain, html_response};
use crate::service::gate::{self, Answer, Gate, Mode, Outcome, StepPage};
use crate::state::AppState;

/// The query of the sign-in, sign-out and invite pages.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PageQuery {
    #[serde(default)]
    application_id: String,
    /// The invite page of a backchannel request names it `auth_req_id`.
    #[serde(default, alias = "auth_req_id")]
    auth_id: String,
    #[serde(default)]
    execution_id: String,
    #[serde(default)]
    logout_id: String,
    #[serde(default)]
    invite_token: String,
}

impl PageQuery {
    fn gate(&self) -> Gate {
        Gate {
            application_id: self.application_id.clone(),
            auth_id: self.auth_id.clone(),
            logout_id: self.logout_id.clone(),
            execution_id: self.execution_id.clone(),
        }
    }
}

pub(crate) async fn signin_page(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
) -> Response {
    let gate = query.gate();
    respond(
        &state,
        Mode::SignIn,
        gate::show(&state, &gate, Mode::SignIn),
    )
}

pub(crate) async fn signin_submit(State(state): State<AppState>, body: Bytes) -> Response {
    submit(&state, &body, Mode::SignIn)
}

pub(crate) async fn signout_page(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
) -> Response {
    let gate = query.gate();
    respond(
        &state,
        Mode::SignOut,
        gate::show(&state, &gate, Mode::SignOut),
    )
}

pub(crate) async fn signout_submit(State(state): State<AppState>, body: Bytes) -> Response {
    submit(&state, &body, Mode::SignOut)
}

/// The upstream IdP came back: resume the execution the gate redirected from.
pub(crate) async fn idp_return(
    State(state): State<AppState>,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let answer = gate::idp_return(&state, &query);
    respond(&state, Mode::SignIn, answer)
}

/// An invite link: the recovery e-mail's, or a backchannel request's approval link.
pub(crate) async fn invite_link(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
) -> Response {
    let gate = query.gate();
    let answer = gate::invite_link(&state, &gate, &query.invite_token);
    respond(&state, Mode::SignIn, answer)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ErrorQuery {
    #[serde(default)]
    error_code: String,
    #[serde(default)]
    error_message: String,
}

pub(crate) async fn error_page(Query(query): Query<ErrorQuery>) -> Response {
    html_response(html::error_page(&query.error_code, &query.error_message))
}

/// A form post: the gate context from the hidden fields, the chosen action, and every other
/// non-empty field as an input.
fn submit(state: &AppState, body: &[u8], mode: Mode) -> Response {
    let Ok(fields) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body) else {
        let outcome = gate::error_redirect(state, "invalid_request", "Invalid form submission");
        return respond(state, mode, outcome.into());
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
    let answer = gate::submit(state, &gate, mode, token, action, inputs);
    respond(state, mode, answer)
}

/// The page or redirect for an answer, with the SSO cookie cleared when the flow ended a session.
fn respond(state: &AppState, mode: Mode, answer: Answer) -> Response {
    let mut response = match answer.outcome {
        Outcome::Redirect(location) => found_plain(&location),
        Outcome::Message { title, text } => html_response(html::message_page(&title, &text)),
        Outcome::Step(page) => {
            let StepPage {
                gate,
                execution_id,
                challenge_token,
                data,
                error,
                logo_url,
            } = *page;
            let context = PageContext {
                form_action: match mode {
                    Mode::SignIn => "/gate/signin",
                    Mode::SignOut => "/gate/signout",
                },
                execution_id,
                challenge_token,
                application_id: gate.application_id.clone(),
                auth_id: gate.auth_id.clone(),
                logout_id: gate.logout_id.clone(),
                logo_url,
            };
            html_response(html::step_page(&context, &data, error.as_ref()))
        }
    };
    if let Some(name) = answer.clear_cookie {
        let secure = if state.config().is_https() {
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
