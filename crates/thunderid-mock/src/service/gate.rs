//! What the hosted gate does between pages (the real server's `/gate` login UI, a browser app that
//! drives `/flow/execute` and hands the outcome to the OAuth callbacks): resume the execution a page
//! shows or a form posts to, follow a REDIRECTION to the upstream IdP and resume when it returns,
//! and on COMPLETE (or an ERROR carrying an error assertion) call the authorization or logout
//! callback directly and send the browser where it says. A flow error with nothing left to show
//! (an expired or finished execution) becomes a page that says so and offers the way back. Every
//! page carries the application's `/flow/meta` ([`meta`]). The rendering is `routes::gate`'s.

mod checks;
pub(crate) mod consent;
mod meta;

use std::collections::BTreeMap;

use thunderid_protocol::flow::{FieldError, FlowData, FlowStatus, InputType, StepType};
use thunderid_protocol::ids::AuthId;
use thunderid_protocol::oauth2::{AuthCallbackRequest, CallbackType};
use thunderid_protocol::secret::Assertion;
use thunderid_protocol::{ApiError, ApiErrorCode};

use super::flow::{self as flow_service, Command, ContinueCommand, Executed, SsoCookie};
use super::token::CallbackAnswer;
use super::{logout, token};
use crate::error::MockError;
use crate::oauth::gate_error_url;
use crate::state::AppState;
use crate::store::executions::GateRedirect;
use crate::wire::{sanitize, sanitize_escaping};

pub(crate) use self::checks::Check;
pub(crate) use self::meta::{LanguagePreference, PageMeta, TextTable};

/// How long the gate remembers a REDIRECTION it followed.
const REDIRECT_VALIDITY: u64 = 600;

/// Which page drives the execution, and so where its form posts and how it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    SignIn,
    SignOut,
}

/// The gate's context for one execution: the hidden fields of its pages, and the visitor's
/// languages.
#[derive(Debug, Clone, Default)]
pub(crate) struct Gate {
    pub application_id: String,
    pub auth_id: String,
    pub logout_id: String,
    pub execution_id: String,
    pub language: LanguagePreference,
    /// The browser's cookies (its `tid_sso_*` handle), passed to the flow; never rendered.
    pub cookies: BTreeMap<String, String>,
    /// The SHA-256 (hex) of the browser's gate key: the only browser that may load the
    /// execution's page again ([`crate::store::execution::GateBinding`]).
    pub browser: String,
}

impl Gate {
    /// The page's branding and texts.
    pub(crate) fn page_meta(&self, state: &AppState) -> PageMeta {
        meta::page_meta(state, &self.application_id, &self.language)
    }
}

/// What the browser gets next.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The step the execution paused on (or failed at), as a form.
    Step(Box<StepPage>),
    /// A flow that ended outside OAuth (no authorization or logout to return to).
    Finished(Box<FinishedPage>),
    /// A flow error with nothing to render: what went wrong and the way back.
    Failed(Box<FailedPage>),
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
    pub error: Option<ApiError>,
    pub page: PageMeta,
    /// What the person typed, shown again when the gate's own checks sent the step back (never a
    /// password).
    pub values: BTreeMap<String, String>,
    /// When the page is made (Unix ms), for the time a TIMER shows left.
    pub now_ms: u64,
}

/// A form post.
#[derive(Debug, Default)]
pub(crate) struct Submission {
    pub challenge_token: String,
    pub action: Option<String>,
    pub inputs: BTreeMap<String, String>,
    /// The page's inputs, checked before the engine sees them ([`Check`]).
    pub checks: Vec<Check>,
    /// The action the checks guard (the page's primary action).
    pub checked_action: String,
    /// A consent page's prompt and approving action, when the page was one.
    pub consent: Option<consent::ConsentForm>,
}

/// The end of a flow the gate has nowhere to send the browser after.
#[derive(Debug)]
pub(crate) struct FinishedPage {
    pub mode: Mode,
    /// What the flow's last step shows (its components, its closing message), if anything.
    pub data: FlowData,
    pub page: PageMeta,
}

/// A terminal flow error.
#[derive(Debug)]
pub(crate) struct FailedPage {
    pub error: ApiError,
    pub page: PageMeta,
}

/// An [`Outcome`] plus the SSO cookie to set (a new session) or clear (a sign-out).
#[derive(Debug)]
pub(crate) struct Answer {
    pub outcome: Outcome,
    pub sso_cookie: Option<SsoCookie>,
}

impl From<Outcome> for Answer {
    fn from(outcome: Outcome) -> Self {
        Self {
            outcome,
            sso_cookie: None,
        }
    }
}

/// A page load: show where the execution is (the gate is trusted: no challenge token).
pub(crate) fn show(state: &AppState, gate: &Gate, mode: Mode) -> Answer {
    let result = resume(state, gate, BTreeMap::new(), None, String::new(), true);
    finish(state, gate, mode, result)
}

/// A form post: the chosen action and the inputs, once they pass the gate's own checks.
pub(crate) fn submit(state: &AppState, gate: &Gate, mode: Mode, submission: Submission) -> Answer {
    let Submission {
        challenge_token,
        action,
        mut inputs,
        checks,
        checked_action,
        consent,
    } = submission;
    if let Some(form) = &consent {
        consent::compile(form, action.as_deref(), &mut inputs);
    }
    if action.as_deref() == Some(checked_action.as_str()) {
        let errors = checks::failures(&checks, &inputs);
        if !errors.is_empty() {
            return sent_back(state, gate, mode, challenge_token, errors, &checks, inputs);
        }
    }
    let result = resume(state, gate, inputs, action, challenge_token, false);
    finish(state, gate, mode, result)
}

/// The step again, with the checks' errors beside their fields and what was typed kept.
fn sent_back(
    state: &AppState,
    gate: &Gate,
    mode: Mode,
    challenge_token: String,
    errors: Vec<FieldError>,
    checks: &[Check],
    mut inputs: BTreeMap<String, String>,
) -> Answer {
    // The step again, only for the holder of its challenge token.
    let result = resume(state, gate, BTreeMap::new(), None, challenge_token, false);
    let mut answer = finish(state, gate, mode, result);
    if let Outcome::Step(page) = &mut answer.outcome {
        inputs.retain(|name, _| {
            checks
                .iter()
                .any(|c| &c.identifier == name && c.input_type != InputType::Password)
        });
        page.data.field_errors = errors;
        page.values = inputs;
    }
    answer
}

/// The upstream IdP came back with `code` and `state`: resume the execution the gate redirected
/// from.
pub(crate) fn idp_return(
    state: &AppState,
    query: &BTreeMap<String, String>,
    language: LanguagePreference,
    cookies: BTreeMap<String, String>,
    browser: String,
) -> Answer {
    if !query.contains_key("state") && query.contains_key("token") {
        return magic_link(state, query, language, cookies);
    }
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
        language: LanguagePreference {
            explicit: pending.language,
            ..language
        },
        cookies,
        browser,
    };
    let inputs: BTreeMap<String, String> = query
        .iter()
        .filter(|(k, v)| (*k == "code" || *k == "state") && !v.is_empty())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let result = resume(state, &gate, inputs, None, pending.challenge_token, false);
    finish(state, &gate, Mode::SignIn, result)
}

/// A magic link (`/gate/callback?applicationId&id&token&type`): hand the token to the paused
/// MagicLinkExecutor, which needs no challenge token. An OAuth sign-in's request is found through
/// its execution, so the finished flow still reaches the app.
fn magic_link(
    state: &AppState,
    query: &BTreeMap<String, String>,
    language: LanguagePreference,
    cookies: BTreeMap<String, String>,
) -> Answer {
    let value = |key: &str| query.get(key).cloned().unwrap_or_default();
    let execution_id = value("id");
    let now = state.now();
    let auth_id = state.stores().executions.read(|e| {
        e.get(&execution_id, now)
            .and_then(|x| x.authorization_request_id().map(str::to_owned))
    });
    let gate = Gate {
        application_id: value("applicationId"),
        auth_id: auth_id.unwrap_or_default(),
        logout_id: String::new(),
        execution_id,
        language,
        cookies,
        // The link carries its own proof (a signed, single-use token) and may open in another
        // browser than the one that asked for it (a mail client's).
        browser: String::new(),
    };
    let inputs = BTreeMap::from([("token".to_owned(), value("token"))]);
    let result = resume(state, &gate, inputs, None, String::new(), false);
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
        gate_browser: Some(gate.browser.clone()).filter(|b| !b.is_empty()),
        cookies: gate.cookies.clone(),
        ..ContinueCommand::default()
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
                let failed = || {
                    Outcome::Failed(Box::new(FailedPage {
                        error,
                        page: gate.page_meta(state),
                    }))
                };
                return auth_callback(state, &gate.auth_id, &assertion, None, failed).into();
            }
            return Outcome::Failed(Box::new(FailedPage {
                error,
                page: gate.page_meta(state),
            }))
            .into();
        }
        Err(other) => {
            tracing::warn!(error = %other, "the gate's step failed");
            return error_redirect(state, "server_error", "The sign-in step failed").into();
        }
    };
    let sso_cookie = executed.sso_cookie.clone();
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
        sso_cookie,
    }
}

fn step(state: &AppState, gate: &Gate, executed: Executed) -> Outcome {
    Outcome::Step(Box::new(StepPage {
        gate: gate.clone(),
        execution_id: executed.execution_id,
        challenge_token: executed.challenge_token,
        data: executed.data,
        error: executed.error,
        page: gate.page_meta(state),
        values: BTreeMap::new(),
        now_ms: state.now().saturating_mul(1000),
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
        language: gate.language.explicit.clone(),
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
            let done = || finished(state, gate, mode, executed);
            auth_callback(
                state,
                &gate.auth_id,
                assertion,
                callback_type.as_deref(),
                done,
            )
        }
        (Mode::SignOut, _) if !gate.logout_id.is_empty() => {
            logout_callback(state, gate, &gate.logout_id)
        }
        (Mode::SignIn | Mode::SignOut, _) => finished(state, gate, mode, executed),
    }
}

/// A flow that ended without a redirect: its last step, or its own completion message.
fn finished(state: &AppState, gate: &Gate, mode: Mode, executed: &Executed) -> Outcome {
    Outcome::Finished(Box::new(FinishedPage {
        mode,
        data: executed.data.clone(),
        page: gate.page_meta(state),
    }))
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
fn logout_callback(state: &AppState, gate: &Gate, logout_id: &str) -> Outcome {
    match logout::complete(state, logout_id) {
        Ok(uri) if !uri.is_empty() => Outcome::Redirect(uri),
        Ok(_) | Err(_) => Outcome::Finished(Box::new(FinishedPage {
            mode: Mode::SignOut,
            data: FlowData::default(),
            page: gate.page_meta(state),
        })),
    }
}
