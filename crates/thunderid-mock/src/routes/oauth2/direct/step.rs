//! One V1 step: run the engine for a selected authenticator and turn its answer into a V1 status.
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

use rand::RngCore;
use sha2::{Digest, Sha256};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::{
    AuthData, AuthnResponse, FlowStatus, FlowType, NextStep, V1FlowStatus, V1Message,
};
use thunderid_protocol::ids::FlowId;

use super::super::Refusal;
use super::super::callback::{self, IssuedCode};
use super::links;
use crate::error::MockError;
use crate::flow::service::{self, Command, ContinueCommand, Executed};
use crate::flow::v1::{self, Step, StepView, V1Flow};
use crate::state::AppState;

/// What the client sent with its selection, sanitized.
#[derive(Debug)]
pub(super) struct Selection {
    pub(super) authenticator_id: String,
    pub(super) params: BTreeMap<String, String>,
}

/// The engine's answer to one step and, when it paused, the step as V1 describes it.
pub(super) struct Ran {
    pub(super) executed: Executed,
    pub(super) step: Option<Step>,
    /// The execution's absolute expiry, while it lives.
    pub(super) expires_at: Option<u64>,
}

/// Continue the execution as the hosted gate does (the adapter holds no challenge token: it is the
/// trusted driver of its own executions), then describe where it paused.
pub(super) fn run(
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
    };
    let executed = service::execute(state, Command::Continue(command))?;
    let now = state.now();
    let db = state.db();
    let Some(execution) = db.flows.get(execution_id, now) else {
        return Ok(Ran {
            executed,
            step: None,
            expires_at: None,
        });
    };
    let step = match (&executed.status, &executed.step_type) {
        (FlowStatus::Incomplete, Some(step_type)) => v1::describe(&StepView {
            fixtures: state.fixtures(),
            users: &db.users,
            execution,
            step_type,
            data: &executed.data,
            redirect_uri,
        }),
        (FlowStatus::Incomplete, None) | (FlowStatus::Complete | FlowStatus::Error, _) => None,
    };
    let expires_at = Some(execution.expires_at);
    drop(db);
    Ok(Ran {
        executed,
        step,
        expires_at,
    })
}

/// Apply `selection` to `flow` (taken out of the store) and answer the step.
pub(super) fn authenticate(
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
        state.db().v1_flows.insert(flow_id, flow, now);
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
            discard(state, &flow);
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

const EXPIRED: &str = "The authentication flow has expired";
const UNSUPPORTED: &str = "The next sign-in step cannot be completed through this API";
const TOO_MANY: &str = "Maximum failed authentication attempts reached";
const NO_ASSERTION: &str = "The authentication flow completed without authenticating a user";

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
    state.db().v1_flows.insert(flow_id, flow, state.now());
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
    let max = state.fixtures().server.flow.max_failed_attempts;
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
    state.db().v1_flows.insert(flow_id, flow, state.now());
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
    match callback::redeem_assertion(state, &flow.auth_id, &assertion) {
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
    discard(state, flow);
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
fn discard(state: &AppState, flow: &V1Flow) {
    let mut db = state.db();
    db.flows.remove(&flow.execution_id);
    db.oauth.remove_request(&flow.auth_id);
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
    let mut salt = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut salt);
    let salt = hex::encode(salt);
    let digest = Sha256::digest(format!("{client_id} {origin} {flow_id} {salt}").as_bytes());
    format!("{}.{salt}", hex::encode(digest))
}
