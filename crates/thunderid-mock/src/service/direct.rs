//! The V1 app-native sign-in API (seed 002; sdk-http-calls §3), served from the same flows, codes
//! and tokens as V2:
//!
//! * `POST /oauth2/authorize` (a form) or `GET` with `response_mode=direct`: the usual authorize
//!   validation, then the first step of the client's AUTHENTICATION flow as JSON
//!   ([`V1FlowInitiateResponse`]) instead of a redirect. Errors are OAuth JSON errors (envelope B)
//!   with their status; nothing redirects. A confidential client may send `client_secret`, which
//!   must then be right (401 `invalid_client`). A `POST` without `response_mode=direct` is 405, as
//!   the real server registers only `GET`.
//! * `POST /oauth2/authn {flowId, selectedAuthenticator}`: one step ([`AuthnResponse`]):
//!   `INCOMPLETE` with the next step, `FAIL_INCOMPLETE` with `nextStep.messages` when a step failed
//!   and the flow goes on, `FAIL_COMPLETED` when it cannot (`server.flow.maxFailedAttempts`
//!   failures, default 5; the execution's absolute lifetime passed), `SUCCESS_COMPLETED` with
//!   `authData{code, state, session_state}`: a code of the same kind `/oauth2/auth/callback`
//!   mints, exchanged at `/oauth2/token` as usual.
//! * Both also under `/t/carbon.super/` (other tenants are 404); `links[0].href` is the absolute
//!   `/oauth2/authn` URL under the prefix the call came through.
//!
//! Errors of `/oauth2/authn` use envelope A (`{code, message, description}`): the V1-era server
//! answered `{code, message, description}` errors, and the SDK's `parseApiErrorMessage` turns
//! envelope A into a readable message (`message.defaultValue`). A malformed body is FES-1001, an
//! unknown or finished `flowId` FES-1004, an authenticator the current step does not offer
//! FLC-1002; all 400.
//!
//! One step (the engine's answer mapped to a V1 status):
//!
//! | Engine answer | V1 answer |
//! |---|---|
//! | COMPLETE with an assertion | `SUCCESS_COMPLETED`, the code minted as the callback mints it |
//! | INCOMPLETE | `INCOMPLETE` with the new step |
//! | INCOMPLETE with an error or field errors (a wrong password or OTP) | `FAIL_INCOMPLETE` |
//! | ERROR (the execution stays, as in V2: a foreign IdP `state`, an unknown federated user) | `FAIL_INCOMPLETE` with the step the client acted on |
//! | an HTTP-level engine failure, a step V1 cannot express, a refused code | `FAIL_COMPLETED` |
//!
//! Every FAIL_INCOMPLETE counts; the one that reaches `server.flow.maxFailedAttempts` (0: no
//! limit) is answered `FAIL_COMPLETED` instead. A finished flow takes its execution and its
//! authorization request with it.

use std::collections::BTreeMap;

use thunderid_protocol::flow::{
    AuthData, AuthnRequest, AuthnResponse, FlowStatus, FlowType, Link, NextStep,
    V1FlowInitiateResponse, V1FlowStatus, V1Message,
};
use thunderid_protocol::ids::FlowId;
use thunderid_protocol::oauth2::AuthorizeRequest;
use thunderid_protocol::{ApiErrorCode, OAuthErrorCode};

use super::flow::{self as flow_service, Command, ContinueCommand, Executed};
use super::oauth_context;
use crate::error::MockError;
use crate::flow::v1::{self, StepView};
use crate::ids;
use crate::oauth::callback::{self, IssuedCode};
use crate::oauth::{OAuthError, Refusal, authorize};
use crate::state::AppState;
use crate::store::v1::{Step, V1Flow};

const EXPIRED: &str = "The authentication flow has expired";
const UNSUPPORTED: &str = "The next sign-in step cannot be completed through this API";
const TOO_MANY: &str = "Maximum failed authentication attempts reached";
const NO_ASSERTION: &str = "The authentication flow completed without authenticating a user";

/// Validate, store the request, run the flow to its first step and describe it.
pub(crate) fn initiate(
    state: &AppState,
    prefix: &str,
    request: &AuthorizeRequest,
) -> Result<V1FlowInitiateResponse, MockError> {
    check_client_secret(state, request)?;
    let ctx = oauth_context(state);
    let accepted =
        authorize::validate(&ctx, &state.registry(), request).map_err(Refusal::into_error)?;
    let begun = super::authorize::begin(state, accepted).map_err(Refusal::into_error)?;
    let execution_id = begun.execution_id.as_str().to_owned();
    let first = run(
        state,
        &execution_id,
        None,
        BTreeMap::new(),
        &begun.redirect_uri,
    );
    let (step, expires_at) = match first {
        Ok(Ran {
            step: Some(step),
            expires_at: Some(expires_at),
            ..
        }) => (step, expires_at),
        other => {
            if let Err(error) = &other {
                tracing::warn!(%error, "the V1 flow could not run its first step");
            } else {
                tracing::warn!("the first step of the flow has no V1 authenticator");
            }
            discard(state, &execution_id, &begun.auth_id);
            return Err(OAuthError::new(
                OAuthErrorCode::ServerError,
                "Failed to process authorization request",
            )
            .into());
        }
    };
    let now = state.now();
    let flow_id = ids::uuid_v7(now);
    let next_step = step.next_step.clone();
    let flow = V1Flow {
        execution_id,
        auth_id: begun.auth_id,
        redirect_uri: begun.redirect_uri,
        step,
        failed_attempts: 0,
        expires_at,
    };
    let stored_id = flow_id.clone();
    state
        .stores()
        .executions
        .write(|e| e.insert_v1_flow(stored_id, flow, now));
    Ok(V1FlowInitiateResponse {
        flow_id: FlowId::new(flow_id),
        flow_status: V1FlowStatus::Incomplete,
        flow_type: FlowType::Authentication,
        next_step,
        links: links(state, prefix),
    })
}

/// `POST /oauth2/authn`: one step of a V1 flow.
pub(crate) fn authenticate(
    state: &AppState,
    prefix: &str,
    request: &AuthnRequest,
) -> Result<AuthnResponse, MockError> {
    let flow_id = crate::wire::sanitize(request.flow_id.as_str());
    let now = state.now();
    let flow = state
        .stores()
        .executions
        .write(|e| e.take_v1_flow(&flow_id, now))
        .ok_or_else(|| MockError::api(ApiErrorCode::FlowInvalidExecutionId))?;
    let selected = &request.selected_authenticator;
    let selection = Selection {
        authenticator_id: crate::wire::sanitize(&selected.authenticator_id),
        params: selected
            .params
            .iter()
            .map(|(name, value)| (name.clone(), crate::wire::sanitize(value)))
            .collect(),
    };
    step(state, prefix, flow_id, flow, &selection)
}

/// `links`: where the next step goes, absolute (Next.js V1 calls `links[0].href` without a base URL).
fn links(state: &AppState, prefix: &str) -> Vec<Link> {
    vec![Link {
        name: "authentication".to_owned(),
        href: state.url(&format!("{prefix}/oauth2/authn")),
        method: "POST".to_owned(),
    }]
}

/// A `client_secret` sent by a confidential client must be its secret. Public clients have none to
/// check (the Next.js SDK substitutes whatever it is configured with), and an unknown client is
/// left to the validation that follows.
fn check_client_secret(state: &AppState, request: &AuthorizeRequest) -> Result<(), MockError> {
    let sent = request.client_secret.as_deref().unwrap_or_default();
    let client_id = request.client_id.as_deref().unwrap_or_default();
    let registry = state.registry();
    let expected = registry
        .application_by_client_id(client_id)
        .and_then(|app| app.oauth.as_ref())
        .and_then(|oauth| oauth.client_secret.as_deref())
        .filter(|secret| !secret.is_empty());
    match expected {
        Some(expected)
            if !sent.is_empty() && !ids::constant_time_eq(expected.as_bytes(), sent.as_bytes()) =>
        {
            Err(OAuthError::new(OAuthErrorCode::InvalidClient, "Invalid client credentials").into())
        }
        Some(_) | None => Ok(()),
    }
}

/// What the client sent with its selection, sanitized.
#[derive(Debug)]
struct Selection {
    authenticator_id: String,
    params: BTreeMap<String, String>,
}

/// The engine's answer to one step and, when it paused, the step as V1 describes it.
struct Ran {
    executed: Executed,
    step: Option<Step>,
    /// The execution's absolute expiry, while it lives.
    expires_at: Option<u64>,
}

/// Continue the execution as the hosted gate does (the adapter holds no challenge token: it is the
/// trusted driver of its own executions), then describe where it paused.
fn run(
    state: &AppState,
    execution_id: &str,
    action: Option<String>,
    inputs: BTreeMap<String, String>,
    redirect_uri: &str,
) -> Result<Ran, MockError> {
    let command = ContinueCommand {
        execution_id: execution_id.to_owned(),
        challenge_token: String::new(),
        action,
        inputs,
        trusted: true,
        ..ContinueCommand::default()
    };
    let executed = flow_service::execute(state, Command::Continue(command))?;
    let now = state.now();
    let execution = state
        .stores()
        .executions
        .read(|e| e.get(execution_id, now).cloned());
    let Some(execution) = execution else {
        return Ok(Ran {
            executed,
            step: None,
            expires_at: None,
        });
    };
    let registry = state.registry();
    let step = match (&executed.status, &executed.step_type) {
        (FlowStatus::Incomplete, Some(step_type)) => state.stores().directory.read(|d| {
            v1::describe(&StepView {
                registry: &registry,
                users: &d.users,
                execution: &execution,
                step_type,
                data: &executed.data,
                redirect_uri,
            })
        }),
        (FlowStatus::Incomplete, None) | (FlowStatus::Complete | FlowStatus::Error, _) => None,
    };
    Ok(Ran {
        executed,
        step,
        expires_at: Some(execution.expires_at),
    })
}

/// Apply `selection` to `flow` (taken out of the store) and answer the step.
fn step(
    state: &AppState,
    prefix: &str,
    flow_id: String,
    flow: V1Flow,
    selection: &Selection,
) -> Result<AuthnResponse, MockError> {
    let now = state.now();
    if now >= flow.expires_at {
        return Ok(end(state, flow_id, &flow, vec![v1::message(EXPIRED)]));
    }
    let Some(choice) = flow.step.choice(&selection.authenticator_id).cloned() else {
        state
            .stores()
            .executions
            .write(|e| e.insert_v1_flow(flow_id, flow, now));
        return Err(MockError::api(ApiErrorCode::FlowCoreInvalidActionProvided));
    };
    let inputs = choice.inputs(&selection.params);
    let ran = match run(
        state,
        &flow.execution_id,
        choice.action.clone(),
        inputs,
        &flow.redirect_uri,
    ) {
        Ok(ran) => ran,
        Err(MockError::Api { error, .. }) => {
            return Ok(end(state, flow_id, &flow, vec![v1::error_message(&error)]));
        }
        Err(other) => {
            discard(state, &flow.execution_id, &flow.auth_id);
            return Err(other);
        }
    };
    Ok(answer(state, prefix, flow_id, flow, ran))
}

/// The V1 status for the engine's answer (the table in the module docs).
fn answer(
    state: &AppState,
    prefix: &str,
    flow_id: String,
    flow: V1Flow,
    ran: Ran,
) -> AuthnResponse {
    let Ran { executed, step, .. } = ran;
    match executed.status {
        FlowStatus::Complete => complete(state, flow_id, &flow, executed.assertion),
        FlowStatus::Error => {
            let error = executed
                .error
                .unwrap_or_else(|| ApiErrorCode::ServerInternal.to_error());
            // The execution stays where it failed: offer the step the client acted on again.
            let mut step = flow.step.clone();
            step.next_step.messages.clear();
            let errors = vec![v1::error_message(&error)];
            failed(state, prefix, flow_id, flow, step, errors)
        }
        FlowStatus::Incomplete => {
            let Some(step) = step else {
                return end(state, flow_id, &flow, vec![v1::message(UNSUPPORTED)]);
            };
            let errors = step_errors(&executed);
            if errors.is_empty() {
                incomplete(state, prefix, flow_id, flow, step)
            } else {
                failed(state, prefix, flow_id, flow, step, errors)
            }
        }
    }
}

/// The step's error and field errors, as messages.
fn step_errors(executed: &Executed) -> Vec<V1Message> {
    let error = executed.error.iter().map(v1::error_message);
    let fields = executed
        .data
        .field_errors
        .iter()
        .map(|e| v1::message(&e.message));
    error.chain(fields).collect()
}

fn incomplete(
    state: &AppState,
    prefix: &str,
    flow_id: String,
    mut flow: V1Flow,
    step: Step,
) -> AuthnResponse {
    let next_step = step.next_step.clone();
    flow.step = step;
    let response = continuing(state, prefix, &flow_id, V1FlowStatus::Incomplete, next_step);
    let now = state.now();
    state
        .stores()
        .executions
        .write(|e| e.insert_v1_flow(flow_id, flow, now));
    response
}

/// A failed attempt: the flow goes on with `step`, unless this was one failure too many.
fn failed(
    state: &AppState,
    prefix: &str,
    flow_id: String,
    mut flow: V1Flow,
    step: Step,
    errors: Vec<V1Message>,
) -> AuthnResponse {
    flow.failed_attempts = flow.failed_attempts.saturating_add(1);
    let max = state.settings().flow.max_failed_attempts;
    if max > 0 && flow.failed_attempts >= max {
        let mut messages = errors;
        messages.push(v1::message(TOO_MANY));
        return end(state, flow_id, &flow, messages);
    }
    let next_step = step.with_messages(errors);
    flow.step = step;
    let response = continuing(
        state,
        prefix,
        &flow_id,
        V1FlowStatus::FailIncomplete,
        next_step,
    );
    let now = state.now();
    state
        .stores()
        .executions
        .write(|e| e.insert_v1_flow(flow_id, flow, now));
    response
}

/// The flow authenticated its user: mint the code for the stored authorization request.
fn complete(
    state: &AppState,
    flow_id: String,
    flow: &V1Flow,
    assertion: Option<String>,
) -> AuthnResponse {
    let Some(assertion) = assertion else {
        return end(state, flow_id, flow, vec![v1::message(NO_ASSERTION)]);
    };
    let ctx = oauth_context(state);
    match callback::redeem_assertion(&ctx, &flow.auth_id, &assertion) {
        Ok(IssuedCode { code, request }) => {
            let session_state = session_state(&request.client_id, &request.redirect_uri, &flow_id);
            AuthnResponse::success(AuthData {
                code,
                state: Some(request.state).filter(|s| !s.is_empty()),
                session_state: Some(session_state),
            })
        }
        Err(Refusal::Gate { message, .. } | Refusal::Client { message, .. }) => {
            end(state, flow_id, flow, vec![v1::message(&message)])
        }
    }
}

/// `FAIL_COMPLETED`: the flow is over and its id spent.
fn end(
    state: &AppState,
    flow_id: String,
    flow: &V1Flow,
    messages: Vec<V1Message>,
) -> AuthnResponse {
    discard(state, &flow.execution_id, &flow.auth_id);
    AuthnResponse {
        flow_id: Some(FlowId::new(flow_id)),
        flow_status: V1FlowStatus::FailCompleted,
        flow_type: Some(FlowType::Authentication),
        next_step: None,
        links: Vec::new(),
        auth_data: None,
        messages,
    }
}

/// Drop a finished flow's execution and authorization request.
fn discard(state: &AppState, execution_id: &str, auth_id: &str) {
    let stores = state.stores();
    stores.executions.write(|e| e.remove(execution_id));
    stores.oauth.write(|o| o.remove_request(auth_id));
}

fn continuing(
    state: &AppState,
    prefix: &str,
    flow_id: &str,
    status: V1FlowStatus,
    next_step: NextStep,
) -> AuthnResponse {
    AuthnResponse {
        flow_id: Some(FlowId::new(flow_id)),
        flow_status: status,
        flow_type: Some(FlowType::Authentication),
        next_step: Some(next_step),
        links: links(state, prefix),
        auth_data: None,
        messages: Vec::new(),
    }
}

/// OIDC Session Management's shape: `SHA-256(client_id origin browser-state salt).salt`, with the
/// flow id standing in for the browser state. Opaque to every client.
fn session_state(client_id: &str, redirect_uri: &str, flow_id: &str) -> String {
    let origin = url::Url::parse(redirect_uri)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default();
    let salt = ids::random_hex(16);
    let digest = ids::sha256_hex(format!("{client_id} {origin} {flow_id} {salt}").as_bytes());
    format!("{digest}.{salt}")
}
