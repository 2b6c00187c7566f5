//! What the hosted gate does between pages (the real server's `/gate` login UI, a browser app that
//! drives `/flow/execute` and hands the outcome to the OAuth callbacks): resume the execution a page
//! shows or a form posts to, follow a REDIRECTION to the upstream IdP and resume when it returns,
//! and on COMPLETE (or an ERROR carrying an error assertion) call the authorization or logout
//! callback directly and send the browser where it says. The rendering is `routes::gate`'s.

use std::collections::BTreeMap;

use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::{FlowData, FlowStatus, StepType};
use thunderid_protocol::ids::AuthId;
use thunderid_protocol::oauth2::{AuthCallbackRequest, CallbackType};
use thunderid_protocol::secret::Assertion;

use super::flow::{self as flow_service, Command, ContinueCommand, Executed};
use super::token::CallbackAnswer;
use super::{logout, token};
use crate::error::MockError;
use crate::oauth::gate_error_url;
use crate::state::AppState;
use crate::store::executions::GateRedirect;
use crate::wire::{sanitize, sanitize_escaping};

/// How long the gate remembers a REDIRECTION it followed.
const REDIRECT_VALIDITY: u64 = 600;

/// Which page drives the execution, and so where its form posts and how it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    SignIn,
    SignOut,
}

/// The gate's context for one execution: the hidden fields of its pages.
#[derive(Debug, Clone, Default)]
pub(crate) struct Gate {
    pub application_id: String,
    pub auth_id: String,
    pub logout_id: String,
    pub execution_id: String,
}

/// What the browser gets next.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The step the execution paused on (or failed at), as a form.
    Step(Box<StepPage>),
    /// A flow that ended outside OAuth: a plain message.
    Message {
        title: String,
        text: String,
    },
    Redirect(String),
}

/// A step page: the execution's hidden fields and what the step shows.
#[derive(Debug)]
pub(crate) struct StepPage {
    /// The hidden fields of the page.
    pub gate: Gate,
    pub execution_id: String,
    pub challenge_token: Option<String>,
    pub data: FlowData,
    pub error: Option<thunderid_protocol::ApiError>,
    pub logo_url: Option<String>,
}

/// An [`Outcome`] plus the SSO cookie to clear after a sign-out.
#[derive(Debug)]
pub(crate) struct Answer {
    pub outcome: Outcome,
    pub clear_cookie: Option<String>,
}

impl From<Outcome> for Answer {
    fn from(outcome: Outcome) -> Self {
        Self {
            outcome,
            clear_cookie: None,
        }
    }
}

/// A page load: show where the execution is (the gate is trusted: no challenge token).
pub(crate) fn show(state: &AppState, gate: &Gate, mode: Mode) -> Answer {
    let result = resume(state, gate, BTreeMap::new(), None, String::new(), true);
    finish(state, gate, mode, result)
}

/// A form post: the chosen action and the inputs.
pub(crate) fn submit(
    state: &AppState,
    gate: &Gate,
    mode: Mode,
    challenge_token: String,
    action: Option<String>,
    inputs: BTreeMap<String, String>,
) -> Answer {
    let result = resume(state, gate, inputs, action, challenge_token, false);
    finish(state, gate, mode, result)
}

/// The upstream IdP came back with `code` and `state`: resume the execution the gate redirected
/// from.
pub(crate) fn idp_return(state: &AppState, query: &BTreeMap<String, String>) -> Answer {
    let returned_state = query.get("state").cloned().unwrap_or_default();
    let now = state.now();
    let pending = state
        .stores()
        .executions
        .write(|e| e.take_gate_redirect(&returned_state, now));
    let Some(pending) = pending else {
        return error_redirect(
            state,
            "invalid_request",
            "Unknown or expired sign-in redirect",
        )
        .into();
    };
    let gate = Gate {
        application_id: pending.application_id,
        auth_id: pending.auth_id.unwrap_or_default(),
        logout_id: String::new(),
        execution_id: pending.execution_id,
    };
    let inputs: BTreeMap<String, String> = query
        .iter()
        .filter(|(k, v)| (*k == "code" || *k == "state") && !v.is_empty())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let result = resume(state, &gate, inputs, None, pending.challenge_token, false);
    finish(state, &gate, Mode::SignIn, result)
}

/// The recovery e-mail's link: hand the token to the paused InviteExecutor (which needs no
/// challenge token).
pub(crate) fn invite_link(state: &AppState, gate: &Gate, invite_token: &str) -> Answer {
    let inputs = BTreeMap::from([("inviteToken".to_owned(), invite_token.to_owned())]);
    let result = resume(state, gate, inputs, None, String::new(), false);
    finish(state, gate, Mode::SignIn, result)
}

/// The gate's error page.
pub(crate) fn error_redirect(state: &AppState, code: &str, message: &str) -> Outcome {
    Outcome::Redirect(gate_error_url(&state.config().base_url, code, message, ""))
}

fn resume(
    state: &AppState,
    gate: &Gate,
    inputs: BTreeMap<String, String>,
    action: Option<String>,
    challenge_token: String,
    trusted: bool,
) -> Result<Executed, MockError> {
    // The gate posts to `/flow/execute`, whose sanitizer HTML-escapes on the v1.0.x line.
    let escape = state.config().version.is_v1_0();
    let command = ContinueCommand {
        execution_id: sanitize(&gate.execution_id),
        challenge_token,
        action: action.filter(|a| !a.is_empty()),
        inputs: inputs
            .into_iter()
            .map(|(k, v)| (k, sanitize_escaping(&v, escape)))
            .collect(),
        trusted,
    };
    if command.execution_id.is_empty() {
        return Err(MockError::api(ApiErrorCode::FlowInvalidExecutionId));
    }
    flow_service::execute(state, Command::Continue(command))
}

/// Turn the engine's answer into a page or a redirect.
fn finish(
    state: &AppState,
    gate: &Gate,
    mode: Mode,
    result: Result<Executed, MockError>,
) -> Answer {
    let executed = match result {
        Ok(executed) => executed,
        Err(MockError::Api {
            error,
            error_assertion,
        }) => {
            if let (Some(assertion), false) = (error_assertion, gate.auth_id.is_empty()) {
                let message = || Outcome::Message {
                    title: "Error".to_owned(),
                    text: error.message.default_value.clone().unwrap_or_default(),
                };
                return auth_callback(state, &gate.auth_id, &assertion, None, message).into();
            }
            let message = error.message.default_value.clone().unwrap_or_default();
            return error_redirect(state, error.code.as_str(), &message).into();
        }
        Err(other) => {
            tracing::warn!(error = %other, "the gate's step failed");
            return error_redirect(state, "server_error", "The sign-in step failed").into();
        }
    };
    let clear_cookie = executed.clear_cookie.clone();
    let outcome = match (executed.status, executed.step_type) {
        (FlowStatus::Incomplete, Some(StepType::Redirection)) => {
            follow_redirection(state, gate, &executed)
        }
        (FlowStatus::Incomplete, Some(StepType::View) | None) => step(state, gate, executed),
        (FlowStatus::Complete, _) => complete(state, gate, mode, &executed),
        (FlowStatus::Error, _) => match (executed.error_assertion.clone(), gate.auth_id.is_empty())
        {
            (Some(assertion), false) => {
                let callback_type = callback_type(&executed);
                let shown = || step(state, gate, executed);
                auth_callback(
                    state,
                    &gate.auth_id,
                    &assertion,
                    callback_type.as_deref(),
                    shown,
                )
            }
            _ => step(state, gate, executed),
        },
    };
    Answer {
        outcome,
        clear_cookie,
    }
}

fn step(state: &AppState, gate: &Gate, executed: Executed) -> Outcome {
    let logo_url = state
        .registry()
        .application(&gate.application_id)
        .and_then(|a| a.logo_url.clone());
    Outcome::Step(Box::new(StepPage {
        gate: gate.clone(),
        execution_id: executed.execution_id,
        challenge_token: executed.challenge_token,
        data: executed.data,
        error: executed.error,
        logo_url,
    }))
}

/// Remember where to resume, then send the browser to the IdP.
fn follow_redirection(state: &AppState, gate: &Gate, executed: &Executed) -> Outcome {
    let Some(url) = executed.data.redirect_url.as_deref() else {
        return error_redirect(state, "server_error", "The sign-in step has no redirect");
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
        .stores()
        .executions
        .write(|e| e.insert_gate_redirect(idp_state, redirect, now));
    Outcome::Redirect(url.to_owned())
}

fn complete(state: &AppState, gate: &Gate, mode: Mode, executed: &Executed) -> Outcome {
    match (mode, &executed.assertion) {
        (Mode::SignIn, Some(assertion)) if !gate.auth_id.is_empty() => {
            let callback_type = callback_type(executed);
            let done = || finished(mode, executed);
            auth_callback(
                state,
                &gate.auth_id,
                assertion,
                callback_type.as_deref(),
                done,
            )
        }
        (Mode::SignOut, _) if !gate.logout_id.is_empty() => logout_callback(state, &gate.logout_id),
        (Mode::SignIn | Mode::SignOut, _) => finished(mode, executed),
    }
}

/// A flow that ended without a redirect: its own completion message.
fn finished(mode: Mode, executed: &Executed) -> Outcome {
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
    Outcome::Message {
        title: title.to_owned(),
        text,
    }
}

/// The callback a finished flow answers (`data.additionalData.callbackType`), when not the
/// authorization code's.
fn callback_type(executed: &Executed) -> Option<String> {
    executed.data.additional_data.get("callbackType").cloned()
}

/// The authorization callback with `{authId, assertion, type}`, then to the `redirect_uri` it
/// returns; a backchannel request answers without one, and the page shows `shown` (the flow's own
/// completion step, as the gate's invite page does).
fn auth_callback(
    state: &AppState,
    auth_id: &str,
    assertion: &str,
    callback_type: Option<&str>,
    shown: impl FnOnce() -> Outcome,
) -> Outcome {
    let mut request = AuthCallbackRequest::new(AuthId::new(auth_id), Assertion::new(assertion));
    request.callback_type = callback_type.map(CallbackType::parse);
    match token::auth_callback(state, &request) {
        Ok(CallbackAnswer::Redirect(uri)) if !uri.is_empty() => Outcome::Redirect(uri),
        Ok(CallbackAnswer::Acknowledged) => shown(),
        Ok(CallbackAnswer::Redirect(_)) | Err(_) => {
            error_redirect(state, "server_error", "Authorization request failed")
        }
    }
}

/// The logout callback with `{logoutId}`, then to the `redirect_uri` it returns, if any.
fn logout_callback(state: &AppState, logout_id: &str) -> Outcome {
    match logout::complete(state, logout_id) {
        Ok(uri) if !uri.is_empty() => Outcome::Redirect(uri),
        Ok(_) | Err(_) => Outcome::Message {
            title: "Signed out".to_owned(),
            text: "You have been signed out.".to_owned(),
        },
    }
}
