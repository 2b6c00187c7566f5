//! What the server does around the engine for each `/flow/execute` call (`flowexec/service.go`):
//! initiation checks in the server's order, execution lifetimes, the challenge token, HTTP-level
//! errors with their error assertion, and signing once the state lock is released.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use thunderid_protocol::flow::{FlowData, FlowDefinition, FlowStatus, FlowType, StepType};
use thunderid_protocol::ids::ExecutionId;
use thunderid_protocol::{ApiError, ApiErrorCode};

use super::assertion::{self, FlowErrorType};
use super::engine::{self, EngineError, Env, Outcome, OutcomeStatus};
use super::execution::Execution;
use super::{executors, graph};
use crate::error::MockError;
use crate::fixtures::{ApplicationFixture, ApplicationKind, Fixtures};
use crate::state::AppState;
use crate::store::Db;

/// Start a new execution.
#[derive(Debug, Clone, Default)]
pub(crate) struct StartCommand {
    pub application_id: String,
    /// The raw `flowType`; empty or unknown is FES-1005.
    pub flow_type: String,
    pub flow_id: String,
    pub verbose: bool,
    pub action: Option<String>,
    pub inputs: BTreeMap<String, String>,
    /// The `Flow-Secret` header.
    pub flow_secret: String,
    /// The verified caller of an ADMINISTRATION start: (subject, holds `system`).
    pub caller: Option<(String, bool)>,
}

/// Continue an execution.
#[derive(Debug, Clone, Default)]
pub(crate) struct ContinueCommand {
    pub execution_id: String,
    pub challenge_token: String,
    pub action: Option<String>,
    pub inputs: BTreeMap<String, String>,
    /// The hosted gate re-rendering the current step: no challenge token needed.
    pub trusted: bool,
}

/// One `/flow/execute` call.
#[derive(Debug, Clone)]
pub(crate) enum Command {
    Start(StartCommand),
    Continue(ContinueCommand),
}

/// An in-band result (HTTP 200), ready for the wire.
#[derive(Debug, Clone)]
pub(crate) struct Executed {
    pub execution_id: String,
    pub status: FlowStatus,
    pub step_type: Option<StepType>,
    pub challenge_token: Option<String>,
    pub data: FlowData,
    pub assertion: Option<String>,
    pub error_assertion: Option<String>,
    pub error: Option<ApiError>,
    /// The SSO cookie to clear (`Set-Cookie`), after a sign-out.
    pub clear_cookie: Option<String>,
}

/// Run one call. HTTP-level failures are [`MockError::Api`], with the error assertion when the
/// execution answers an OAuth request.
pub(crate) fn execute(state: &AppState, command: Command) -> Result<Executed, MockError> {
    let now = state.now();
    let pending = {
        let mut db = state.db();
        match command {
            Command::Start(start) => begin(state, &mut db, now, start),
            Command::Continue(resume) => continue_execution(state, &mut db, now, resume),
        }
    };
    // Signing is slow; it happens after the state lock is released.
    let signer = state.signer();
    match pending {
        Ok(p) => Ok(Executed {
            execution_id: p.execution_id,
            status: p.status,
            step_type: p.step_type,
            challenge_token: p.challenge_token,
            data: p.data,
            assertion: p.assertion.map(|claims| assertion::sign(signer, &claims)),
            error_assertion: p
                .error_assertion
                .map(|claims| assertion::sign(signer, &claims)),
            error: p.error,
            clear_cookie: p.clear_cookie,
        }),
        Err(f) => Err(MockError::Api {
            error: f.error,
            error_assertion: f
                .error_assertion
                .map(|claims| assertion::sign(signer, &claims)),
        }),
    }
}

/// Store an execution created by `/oauth2/authorize` or `/oauth2/logout`, not yet run.
pub(crate) fn pre_create(
    state: &AppState,
    app: &ApplicationFixture,
    flow_type: FlowType,
    runtime: &[(&str, String)],
) -> Result<ExecutionId, MockError> {
    let fixtures = state.fixtures();
    let flow = app_flow(fixtures, app, &flow_type).ok_or_else(|| {
        MockError::Internal(anyhow::anyhow!(
            "application {} has no {flow_type} flow",
            app.id
        ))
    })?;
    let now = state.now();
    let id = super::new_uuid_v7(now, &mut rand::thread_rng());
    let expires_at = now.saturating_add(lifetime(fixtures, &flow_type));
    let mut execution = Execution::new(
        id.clone(),
        app.id.clone(),
        flow.flow_type.clone(),
        flow.id.clone(),
        true,
        expires_at,
    );
    execution.runtime = runtime
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    state.db().flows.insert(execution, now);
    Ok(ExecutionId::new(id))
}

/// The result before signing.
struct Pending {
    execution_id: String,
    status: FlowStatus,
    step_type: Option<StepType>,
    challenge_token: Option<String>,
    data: FlowData,
    assertion: Option<Map<String, Value>>,
    error_assertion: Option<Map<String, Value>>,
    error: Option<ApiError>,
    clear_cookie: Option<String>,
}

/// An HTTP-level failure before signing.
struct Failure {
    error: ApiError,
    error_assertion: Option<Map<String, Value>>,
}

impl From<ApiErrorCode> for Failure {
    fn from(code: ApiErrorCode) -> Self {
        Self {
            error: code.to_error(),
            error_assertion: None,
        }
    }
}

fn begin(
    state: &AppState,
    db: &mut Db,
    now: u64,
    command: StartCommand,
) -> Result<Pending, Failure> {
    let fixtures = state.fixtures();
    let (flow_type, app, flow) = check_initiation(fixtures, &command)?;
    let id = super::new_uuid_v7(now, &mut rand::thread_rng());
    let expires_at = now.saturating_add(lifetime(fixtures, &flow_type));
    let app_id = app.map(|a| a.id.clone()).unwrap_or_default();
    let mut execution = Execution::new(
        id,
        app_id,
        flow.flow_type.clone(),
        flow.id.clone(),
        command.verbose,
        expires_at,
    );
    prepare(&mut execution, command.action, command.inputs);
    run(state, db, now, app, execution, true)
}

fn continue_execution(
    state: &AppState,
    db: &mut Db,
    now: u64,
    command: ContinueCommand,
) -> Result<Pending, Failure> {
    let mut execution = db
        .flows
        .take_live(&command.execution_id, now)
        .ok_or(Failure::from(ApiErrorCode::FlowInvalidExecutionId))?;
    let fixtures = state.fixtures();
    let app = fixtures.application(&execution.app_id);
    prepare(&mut execution, command.action, command.inputs);
    if !command.trusted && !challenge_accepted(fixtures, &execution, &command.challenge_token) {
        // A rejected token is not rotated: the last good one stays valid.
        let error = ApiErrorCode::InterceptorChallengeTokenInvalid.to_error();
        let error_assertion = error_assertion(
            state,
            db,
            now,
            app,
            &execution,
            FlowErrorType::EndUser,
            &error,
        );
        let id = execution.id.clone();
        db.flows.insert(execution, now);
        return Ok(Pending {
            execution_id: id,
            status: FlowStatus::Error,
            step_type: None,
            challenge_token: None,
            data: FlowData::default(),
            assertion: None,
            error_assertion,
            error: Some(error),
            clear_cookie: None,
        });
    }
    run(state, db, now, app, execution, false)
}

/// Merge the request's inputs and action into the execution (`prepareContext`).
fn prepare(execution: &mut Execution, action: Option<String>, inputs: BTreeMap<String, String>) {
    execution.inputs.extend(inputs);
    if let Some(action) = action.filter(|a| !a.is_empty()) {
        execution.action = Some(action);
    }
}

/// The token must hash to the stored one, unless none was issued yet (a first call) or the paused
/// node (or the segment it started) lets e-mail links in without one.
fn challenge_accepted(fixtures: &Fixtures, execution: &Execution, token: &str) -> bool {
    let Some(expected) = &execution.challenge_hash else {
        return true;
    };
    let flow = graph::flow_by_id(fixtures, execution.graph.as_str());
    let skips = |node: Option<&String>| {
        node.and_then(|id| flow.and_then(|f| f.node(id)))
            .is_some_and(executors::skips_challenge)
    };
    if skips(execution.node.as_ref()) || skips(execution.segment_start.as_ref()) {
        return true;
    }
    !token.is_empty() && constant_time_eq(hash_token(token).as_bytes(), expected.as_bytes())
}

fn run(
    state: &AppState,
    db: &mut Db,
    now: u64,
    app: Option<&ApplicationFixture>,
    mut execution: Execution,
    is_new: bool,
) -> Result<Pending, Failure> {
    let fixtures = state.fixtures();
    let mut rng = rand::thread_rng();
    let result = {
        let Db {
            users,
            outbox,
            flows,
            ..
        } = &mut *db;
        let mut env = Env {
            fixtures,
            app,
            users,
            outbox,
            flows,
            now,
            rng: &mut rng,
            base_url: &state.config().base_url,
            issuer: state.signer().issuer(),
        };
        engine::run(&mut env, &mut execution)
    };
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(error) => {
            return Err(engine_failure(
                state, db, now, app, &execution, &error, is_new,
            ));
        }
    };
    Ok(settle(state, db, now, app, execution, outcome))
}

/// An engine failure is an HTTP error; a continuing execution is deleted with it.
fn engine_failure(
    state: &AppState,
    db: &mut Db,
    now: u64,
    app: Option<&ApplicationFixture>,
    execution: &Execution,
    error: &EngineError,
    is_new: bool,
) -> Failure {
    if let EngineError::Internal(cause) = error {
        tracing::error!(execution = %execution.id, cause, "flow engine fault");
    }
    if !is_new {
        db.flows.remove(&execution.id);
    }
    let api_error = error.code().to_error();
    let error_type = match error {
        EngineError::MaxCallDepth => FlowErrorType::Client,
        EngineError::Internal(_) => FlowErrorType::Server,
    };
    let error_assertion = error_assertion(state, db, now, app, execution, error_type, &api_error);
    Failure {
        error: api_error,
        error_assertion,
    }
}

/// Turn an outcome into the response and keep or drop the execution (`service.go` `execute`).
fn settle(
    state: &AppState,
    db: &mut Db,
    now: u64,
    app: Option<&ApplicationFixture>,
    mut execution: Execution,
    outcome: Outcome,
) -> Pending {
    let Outcome {
        status,
        data,
        error,
        assertion,
        sso_cleared,
    } = outcome;
    let clear_cookie = sso_cleared
        .then(|| sso_cookie_name(state.fixtures(), app))
        .flatten();
    let mut pending = Pending {
        execution_id: execution.id.clone(),
        status: FlowStatus::Complete,
        step_type: None,
        challenge_token: None,
        data,
        assertion: None,
        error_assertion: None,
        error,
        clear_cookie,
    };
    match status {
        OutcomeStatus::Complete => {
            pending.assertion = assertion;
            db.flows.remove(&execution.id);
        }
        OutcomeStatus::Error => {
            pending.status = FlowStatus::Error;
            let error = pending
                .error
                .clone()
                .unwrap_or_else(|| ApiErrorCode::ServerInternal.to_error());
            pending.error_assertion = error_assertion(
                state,
                db,
                now,
                app,
                &execution,
                FlowErrorType::EndUser,
                &error,
            );
            db.flows.insert(execution, now);
        }
        OutcomeStatus::Incomplete(step_type) => {
            pending.status = FlowStatus::Incomplete;
            pending.step_type = Some(step_type);
            let token = new_challenge_token();
            execution.challenge_hash = Some(hash_token(&token));
            pending.challenge_token = Some(token);
            db.flows.insert(execution, now);
        }
    }
    pending
}

fn error_assertion(
    state: &AppState,
    db: &mut Db,
    now: u64,
    app: Option<&ApplicationFixture>,
    execution: &Execution,
    error_type: FlowErrorType,
    error: &ApiError,
) -> Option<Map<String, Value>> {
    execution.authorization_request_id()?;
    let description = error.description.default_value.clone().unwrap_or_default();
    let mut rng = rand::thread_rng();
    let Db {
        users,
        outbox,
        flows,
        ..
    } = &mut *db;
    let env = Env {
        fixtures: state.fixtures(),
        app,
        users,
        outbox,
        flows,
        now,
        rng: &mut rng,
        base_url: &state.config().base_url,
        issuer: state.signer().issuer(),
    };
    assertion::error_assertion_claims(&env, execution, error_type, &description)
}

/// The initiation checks, in the server's order (contract §1.2). Returns the flow type, the
/// application and the graph to run.
fn check_initiation<'f>(
    fixtures: &'f Fixtures,
    command: &StartCommand,
) -> Result<(FlowType, Option<&'f ApplicationFixture>, &'f FlowDefinition), Failure> {
    if !command.flow_id.is_empty() {
        check_administration_caller(command)?;
        // Only ADMINISTRATION flows may be started by id; the mock bundles none.
        return Err(ApiErrorCode::FlowIdExecutionNotPermitted.into());
    }
    let flow_type = FlowType::parse(&command.flow_type);
    match &flow_type {
        FlowType::Other(_) => return Err(ApiErrorCode::FlowInvalidFlowType.into()),
        FlowType::Administration => check_administration_caller(command)?,
        FlowType::Authentication | FlowType::SignOut => check_direct_initiation(fixtures, command)?,
        FlowType::Registration | FlowType::Recovery | FlowType::UserOnboarding => {}
    }
    if flow_type == FlowType::UserOnboarding {
        let flow = graph::flow_by_handle(fixtures, "default-flow", &flow_type)
            .ok_or(Failure::from(ApiErrorCode::FlowInvalidFlowType))?;
        return Ok((flow_type, None, flow));
    }
    let app = fixtures
        .application(&command.application_id)
        .filter(|_| !command.application_id.is_empty())
        .ok_or(Failure::from(ApiErrorCode::FlowInvalidAppId))?;
    if flow_type == FlowType::Registration && !app.is_registration_flow_enabled {
        return Err(ApiErrorCode::FlowRegistrationDisabled.into());
    }
    if flow_type == FlowType::Recovery && !app.is_recovery_flow_enabled {
        return Err(ApiErrorCode::FlowRecoveryDisabled.into());
    }
    let flow =
        app_flow(fixtures, app, &flow_type).ok_or(Failure::from(ApiErrorCode::ServerInternal))?;
    Ok((flow_type, Some(app), flow))
}

fn check_administration_caller(command: &StartCommand) -> Result<(), Failure> {
    match &command.caller {
        None => Err(ApiErrorCode::FlowAdministrationAuthenticationRequired.into()),
        Some((_, false)) => Err(ApiErrorCode::FlowAdministrationPermissionRequired.into()),
        Some((_, true)) => Ok(()),
    }
}

/// Which apps may start AUTHENTICATION and SIGNOUT directly (`checkDirectFlowInitiationAllowed`).
fn check_direct_initiation(fixtures: &Fixtures, command: &StartCommand) -> Result<(), Failure> {
    if command.application_id.is_empty() {
        return Ok(());
    }
    let app = fixtures
        .application(&command.application_id)
        .ok_or(Failure::from(ApiErrorCode::FlowInvalidAppId))?;
    let needs_secret = match app.kind {
        ApplicationKind::Browser | ApplicationKind::M2m => false,
        // No fixture configures attestation or its dev mode.
        ApplicationKind::Mobile => return Err(ApiErrorCode::FlowAttestationNotConfigured.into()),
        ApplicationKind::Fullstack | ApplicationKind::Custom | ApplicationKind::Mcp => {
            match &app.oauth {
                None => true,
                Some(oauth) => {
                    let client_credentials_only =
                        oauth.grant_types.len() == 1 && oauth.allows_grant("client_credentials");
                    !(oauth.allows_grant("authorization_code") || client_credentials_only)
                }
            }
        }
    };
    if !needs_secret {
        return Err(ApiErrorCode::FlowDirectFlowInitiationNotPermitted.into());
    }
    if command.flow_secret.is_empty() {
        return Err(ApiErrorCode::FlowSecretRequired.into());
    }
    let expected = app.flow_secret.as_deref().unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(expected.as_bytes(), command.flow_secret.as_bytes())
    {
        return Err(ApiErrorCode::FlowSecretInvalid.into());
    }
    Ok(())
}

/// The app's flow of this type; a missing AUTHENTICATION flow falls back to `default-flow`.
fn app_flow<'f>(
    fixtures: &'f Fixtures,
    app: &ApplicationFixture,
    flow_type: &FlowType,
) -> Option<&'f FlowDefinition> {
    let handle = graph::app_flow_handle(app, flow_type)?;
    let lookup_type = if flow_type == &FlowType::Administration {
        &FlowType::Authentication
    } else {
        flow_type
    };
    graph::flow_by_handle(fixtures, handle, lookup_type).or_else(|| {
        (lookup_type == &FlowType::Authentication)
            .then(|| graph::flow_by_handle(fixtures, "default-flow", lookup_type))?
    })
}

/// The absolute lifetime of an execution (`server.json` `flow`, the server's defaults).
fn lifetime(fixtures: &Fixtures, flow_type: &FlowType) -> u64 {
    let settings = &fixtures.server.flow;
    match flow_type {
        FlowType::Authentication | FlowType::Administration | FlowType::Other(_) => {
            settings.authentication_expiry
        }
        FlowType::Registration => settings.registration_expiry,
        FlowType::Recovery => settings.recovery_expiry,
        FlowType::SignOut => settings.sign_out_expiry,
        FlowType::UserOnboarding => settings.user_onboarding_expiry,
    }
}

/// `tid_sso_` + 16 hex chars of SHA-256(the app's login flow id) (`session/transport.go`).
fn sso_cookie_name(fixtures: &Fixtures, app: Option<&ApplicationFixture>) -> Option<String> {
    let flow = app_flow(fixtures, app?, &FlowType::Authentication)?;
    let digest = hex::encode(Sha256::digest(flow.id.as_str().as_bytes()));
    Some(format!("tid_sso_{}", &digest[..16]))
}

/// 32 random bytes, hex: 64 characters.
fn new_challenge_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compare without revealing how much matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
