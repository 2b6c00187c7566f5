//! What the server does around the engine for each `/flow/execute` call (`flowexec/service.go`):
//! initiation checks in the server's order, execution lifetimes, the challenge token, HTTP-level
//! errors with their error assertion, and signing once the engine is done. Also the executions
//! `/oauth2/authorize` and `/oauth2/logout` pre-create.
//!
//! No lock is held across the engine run: an execution is taken out of the store while one call
//! works on it (a concurrent call on the same id finds nothing, FES-1004) and put back when the call
//! settles.

mod initiation;
pub(super) mod outbound;
mod post_request;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value};
use thunderid_protocol::flow::{FlowData, FlowStatus, FlowType, StepType};
use thunderid_protocol::ids::ExecutionId;
use thunderid_protocol::{ApiError, ApiErrorCode};

use crate::error::MockError;
use crate::fixtures::{ApplicationFixture, ServerSettings};
use crate::flow::assertion::{self, FlowErrorType};
use crate::flow::engine::{self, EngineError, Env, Outcome, OutcomeStatus};
use crate::flow::env::FlowCaller;
use crate::flow::{executors, keys};
use crate::ids;
use crate::service::sso;
use crate::state::AppState;
use crate::store::execution::{Execution, GateBinding};
use crate::store::registry::Registry;
use outbound::HttpOutbound;

pub(crate) mod backchannel;

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
    /// The verified Bearer caller of this request, if any.
    pub caller: Option<FlowCaller>,
    /// The `Attestation-Token` header (mobile apps).
    pub attestation_token: String,
    /// The request's cookies, by name (the `tid_sso_*` handles).
    pub cookies: BTreeMap<String, String>,
}

/// Continue an execution.
#[derive(Debug, Clone, Default)]
pub(crate) struct ContinueCommand {
    pub execution_id: String,
    pub challenge_token: String,
    pub action: Option<String>,
    pub inputs: BTreeMap<String, String>,
    /// The hosted gate re-rendering the current step, or the mock driving its own execution: no
    /// challenge token needed (the gate's browser must still be admitted, see `gate_browser`).
    pub trusted: bool,
    /// The SHA-256 of the hosted gate's browser key when the gate drives the step: a trusted page
    /// load needs the execution to admit it, and a step that passes binds the execution to it.
    pub gate_browser: Option<String>,
    /// The verified Bearer caller of this request, if any.
    pub caller: Option<FlowCaller>,
    /// The request's cookies, by name (the `tid_sso_*` handles).
    pub cookies: BTreeMap<String, String>,
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
    /// The SSO cookie to set or clear (`Set-Cookie`).
    pub sso_cookie: Option<SsoCookie>,
}

/// A `tid_sso_*` cookie to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SsoCookie {
    /// A new session: the cookie's name and the handle.
    Set { name: String, handle: String },
    /// A sign-out: the cookie to clear.
    Clear { name: String },
}

/// One call's view of the server: the state, the configuration version it runs against, the time,
/// and what the request itself carried (its caller, its cookies).
struct Call<'a> {
    state: &'a AppState,
    registry: Arc<Registry>,
    now: u64,
    caller: Option<FlowCaller>,
    cookies: BTreeMap<String, String>,
    /// HTTPRequestExecutor's client, to the targets the configuration allows.
    outbound: HttpOutbound<'a>,
}

impl Call<'_> {
    fn settings(&self) -> &ServerSettings {
        self.state.settings()
    }

    /// The engine's environment for `app`.
    fn env<'e>(
        &'e self,
        app: Option<&'e ApplicationFixture>,
        sso_handle: Option<&'e str>,
        rng: &'e mut dyn rand::RngCore,
    ) -> Env<'e> {
        let stores = self.state.stores();
        Env {
            registry: &self.registry,
            settings: self.state.settings(),
            version: self.state.config().version,
            app,
            directory: &stores.directory,
            declared: &stores.declared,
            outbox: &stores.outbox,
            executions: &stores.executions,
            sessions: &stores.sessions,
            oauth: &stores.oauth,
            consents: &stores.consents,
            openid4vp: &stores.openid4vp,
            signer: self.state.signer(),
            caller: self.caller.as_ref(),
            sso_handle,
            now: self.now,
            rng,
            base_url: &self.state.config().base_url,
            connections: stores.connections.current(),
            issuer: self.state.signer().issuer(),
            outbound: &self.outbound,
            captcha: self.state.config().fake_captcha.then_some(&stores.captcha),
            composite: self.state.config().read_only_resources,
        }
    }

    fn store(&self, execution: Execution) {
        let now = self.now;
        self.state
            .stores()
            .executions
            .write(|e| e.insert(execution, now));
    }

    fn forget(&self, id: &str) {
        self.state.stores().executions.write(|e| e.remove(id));
    }
}

/// Run one call. HTTP-level failures are [`MockError::Api`], with the error assertion when the
/// execution answers an OAuth request.
pub(crate) fn execute(state: &AppState, command: Command) -> Result<Executed, MockError> {
    let (caller, cookies) = match &command {
        Command::Start(start) => (start.caller.clone(), start.cookies.clone()),
        Command::Continue(resume) => (resume.caller.clone(), resume.cookies.clone()),
    };
    let call = Call {
        state,
        registry: state.registry(),
        now: state.now(),
        caller,
        cookies,
        outbound: HttpOutbound {
            allowed: &state.config().http_executor_allow,
        },
    };
    let pending = match command {
        Command::Start(start) => begin(&call, start),
        Command::Continue(resume) => continue_execution(&call, resume),
    };
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
            sso_cookie: p.sso_cookie,
        }),
        Err(Failure {
            error,
            status: Some(status),
            ..
        }) => Err(MockError::ApiWithStatus { error, status }),
        Err(f) => Err(MockError::Api {
            error: f.error,
            error_assertion: f
                .error_assertion
                .map(|claims| assertion::sign(signer, &claims)),
        }),
    }
}

/// What `/oauth2/authorize` hands the engine when it pre-creates an AUTHENTICATION execution.
#[derive(Debug, Clone)]
pub(crate) struct AuthorizeContext {
    /// The `authId` the request was stored under; becomes the assertion's `authorization_request_id`.
    pub(crate) auth_id: String,
    /// The OAuth client of the request.
    pub(crate) client_id: String,
    /// The requested permission scopes (downscoped to the bound resource server),
    /// space-separated: the engine's `requested_permissions`.
    pub(crate) requested_permissions: String,
    /// The identifier of the resource server the request is bound to; empty when unbound.
    pub(crate) resource_server_identifier: String,
    /// What else the request asks of the flow (`acr_values`, `max_age`, `prompt=consent`, …).
    pub(crate) runtime: Vec<(&'static str, String)>,
}

/// What `/oauth2/logout` hands the engine when it pre-creates a SIGNOUT execution.
#[derive(Debug, Clone)]
pub(crate) struct LogoutContext {
    /// The id the logout request was stored under (for the gate's logout callback).
    pub(crate) logout_id: String,
    /// No valid `id_token_hint` came: a confirmation prompt may be shown.
    pub(crate) prompt_required: bool,
}

/// Pre-create a verbose AUTHENTICATION execution for an authorization request, without running it.
/// Its first `POST /flow/execute {executionId}` needs no challenge token.
pub(crate) fn create_authorize_execution(
    state: &AppState,
    app: &ApplicationFixture,
    context: AuthorizeContext,
) -> Result<ExecutionId, MockError> {
    let mut runtime = vec![
        (keys::CLIENT_ID, context.client_id),
        (keys::REQUESTED_PERMISSIONS, context.requested_permissions),
        (
            keys::RESOURCE_SERVER_IDENTIFIER,
            context.resource_server_identifier,
        ),
        (keys::AUTHORIZATION_REQUEST_ID, context.auth_id),
    ];
    runtime.extend(context.runtime);
    pre_create(state, app, FlowType::Authentication, &runtime)
}

/// Pre-create a SIGNOUT execution for an RP-initiated logout. Its first call needs no challenge
/// token either.
pub(crate) fn create_logout_execution(
    state: &AppState,
    app: &ApplicationFixture,
    context: LogoutContext,
) -> Result<ExecutionId, MockError> {
    let prompt = if context.prompt_required {
        "true"
    } else {
        "false"
    };
    let runtime = [
        (keys::LOGOUT_PROMPT_REQUIRED, prompt.to_owned()),
        ("logoutId", context.logout_id),
    ];
    pre_create(state, app, FlowType::SignOut, &runtime)
}

/// Store an execution created by `/oauth2/authorize` or `/oauth2/logout`, not yet run.
fn pre_create(
    state: &AppState,
    app: &ApplicationFixture,
    flow_type: FlowType,
    runtime: &[(&str, String)],
) -> Result<ExecutionId, MockError> {
    let registry = state.registry();
    let flow = registry.app_flow(app, &flow_type).ok_or_else(|| {
        MockError::Internal(anyhow::anyhow!(
            "application {} has no {flow_type} flow",
            app.id
        ))
    })?;
    let now = state.now();
    let id = ids::uuid_v7(now);
    let expires_at = now.saturating_add(initiation::lifetime(state.settings(), &flow_type));
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
    execution.gate = GateBinding::Open;
    state
        .stores()
        .executions
        .write(|e| e.insert(execution, now));
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
    sso_cookie: Option<SsoCookie>,
}

/// An HTTP-level failure before signing.
struct Failure {
    error: ApiError,
    error_assertion: Option<Map<String, Value>>,
    /// A status other than the code's own (FLM-1003 is 404 on the flows API, 400 here).
    status: Option<u16>,
}

impl From<ApiErrorCode> for Failure {
    fn from(code: ApiErrorCode) -> Self {
        Self {
            error: code.to_error(),
            error_assertion: None,
            status: None,
        }
    }
}

fn begin(call: &Call<'_>, command: StartCommand) -> Result<Pending, Failure> {
    let (flow_type, app, flow) = initiation::check_initiation(&call.registry, &command)?;
    let id = ids::uuid_v7(call.now);
    let expires_at = call
        .now
        .saturating_add(initiation::lifetime(call.settings(), &flow_type));
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
    let app = app.cloned();
    run(call, app.as_deref(), execution, true)
}

fn continue_execution(call: &Call<'_>, command: ContinueCommand) -> Result<Pending, Failure> {
    let now = call.now;
    let mut execution = call
        .state
        .stores()
        .executions
        .write(|e| e.take_live(&command.execution_id, now))
        .ok_or(Failure::from(ApiErrorCode::FlowInvalidExecutionId))?;
    if execution.root_flow_type == FlowType::Administration
        && let Err(failure) = initiation::check_administration_caller(call.caller.as_ref())
    {
        // Refused before anything runs; the execution stays as it was.
        call.store(execution);
        return Err(failure);
    }
    if command.trusted
        && let Some(browser) = &command.gate_browser
        && !execution.gate.admits(browser)
    {
        // Someone else's flow, or an app-native one: as unknown as a wrong id.
        call.store(execution);
        return Err(Failure::from(ApiErrorCode::FlowInvalidExecutionId));
    }
    let app = call.registry.application(&execution.app_id).cloned();
    let app = app.as_deref();
    prepare(&mut execution, command.action, command.inputs);
    if !command.trusted && !challenge_accepted(&call.registry, &execution, &command.challenge_token)
    {
        // A rejected token is not rotated: the last good one stays valid.
        let error = ApiErrorCode::InterceptorChallengeTokenInvalid.to_error();
        let error_assertion =
            error_assertion(call, app, &execution, FlowErrorType::EndUser, &error);
        let id = execution.id.clone();
        call.store(execution);
        return Ok(Pending {
            execution_id: id,
            status: FlowStatus::Error,
            step_type: None,
            challenge_token: None,
            data: FlowData::default(),
            assertion: None,
            error_assertion,
            error: Some(error),
            sso_cookie: None,
        });
    }
    if let Some(browser) = command.gate_browser {
        execution.gate = GateBinding::Bound(browser);
    }
    run(call, app, execution, false)
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
fn challenge_accepted(registry: &Registry, execution: &Execution, token: &str) -> bool {
    let Some(expected) = &execution.challenge_hash else {
        return true;
    };
    let flow = registry.flow(execution.graph.as_str());
    let node = |id: Option<&String>| id.and_then(|id| flow.and_then(|f| f.node(id)));
    if node(execution.node.as_ref()).is_some_and(executors::skips_challenge)
        || node(execution.segment_start.as_ref()).is_some_and(executors::restarts_segment)
    {
        return true;
    }
    !token.is_empty()
        && ids::constant_time_eq(
            ids::sha256_hex(token.as_bytes()).as_bytes(),
            expected.as_bytes(),
        )
}

fn run(
    call: &Call<'_>,
    app: Option<&ApplicationFixture>,
    mut execution: Execution,
    is_new: bool,
) -> Result<Pending, Failure> {
    let mut rng = rand::thread_rng();
    let cookie = sso::cookie_name(&call.registry, app, &execution);
    let handle = cookie
        .as_ref()
        .and_then(|name| call.cookies.get(name))
        .map(String::as_str)
        .filter(|h| !h.is_empty());
    let result = engine::run(&mut call.env(app, handle, &mut rng), &mut execution);
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(error) => return Err(engine_failure(call, app, &execution, &error, is_new)),
    };
    Ok(settle(call, app, execution, outcome, cookie))
}

/// An engine failure is an HTTP error; a continuing execution is deleted with it.
fn engine_failure(
    call: &Call<'_>,
    app: Option<&ApplicationFixture>,
    execution: &Execution,
    error: &EngineError,
    is_new: bool,
) -> Failure {
    if let EngineError::Internal(cause) = error {
        tracing::error!(execution = %execution.id, cause, "flow engine fault");
    }
    if !is_new {
        // Taken out of the store for this call; it is simply not put back.
        call.forget(&execution.id);
    }
    let api_error = error.code().to_error();
    let error_type = match error {
        EngineError::MaxCallDepth => FlowErrorType::Client,
        EngineError::Internal(_) => FlowErrorType::Server,
    };
    let error_assertion = error_assertion(call, app, execution, error_type, &api_error);
    Failure {
        error: api_error,
        error_assertion,
        status: None,
    }
}

/// Turn an outcome into the response and keep or drop the execution (`service.go` `execute`).
fn settle(
    call: &Call<'_>,
    app: Option<&ApplicationFixture>,
    mut execution: Execution,
    outcome: Outcome,
    cookie: Option<String>,
) -> Pending {
    let Outcome {
        status,
        data,
        error,
        assertion,
        sso_cleared,
        sso_created,
        post_request_failed,
    } = outcome;
    let sso_cookie = cookie.and_then(|name| match (sso_cleared, sso_created) {
        (true, _) => Some(SsoCookie::Clear { name }),
        (false, Some(handle)) => Some(SsoCookie::Set { name, handle }),
        (false, None) => None,
    });
    let mut pending = Pending {
        execution_id: execution.id.clone(),
        status: FlowStatus::Complete,
        step_type: None,
        challenge_token: None,
        data,
        assertion: None,
        error_assertion: None,
        error,
        sso_cookie,
    };
    if post_request_failed {
        backchannel::name_callback(&execution, &OutcomeStatus::Error, &mut pending.data);
        return post_request::failure(call, app, execution, pending, status, assertion);
    }
    backchannel::name_callback(&execution, &status, &mut pending.data);
    match status {
        OutcomeStatus::Complete => {
            pending.assertion = assertion;
            call.forget(&execution.id);
        }
        OutcomeStatus::Error => {
            pending.status = FlowStatus::Error;
            end_user_error_assertion(call, app, &execution, &mut pending);
            call.store(execution);
        }
        OutcomeStatus::Incomplete(step_type) => {
            pending.status = FlowStatus::Incomplete;
            pending.step_type = Some(step_type);
            let token = ids::challenge_token();
            execution.challenge_hash = Some(ids::sha256_hex(token.as_bytes()));
            pending.challenge_token = Some(token);
            call.store(execution);
        }
    }
    pending
}

/// The end user's error assertion for an ERROR step, over the step's error (an internal error
/// when an interceptor failed without one).
fn end_user_error_assertion(
    call: &Call<'_>,
    app: Option<&ApplicationFixture>,
    execution: &Execution,
    pending: &mut Pending,
) {
    let error = pending
        .error
        .clone()
        .unwrap_or_else(|| ApiErrorCode::ServerInternal.to_error());
    pending.error_assertion = error_assertion(call, app, execution, FlowErrorType::EndUser, &error);
}

fn error_assertion(
    call: &Call<'_>,
    app: Option<&ApplicationFixture>,
    execution: &Execution,
    error_type: FlowErrorType,
    error: &ApiError,
) -> Option<Map<String, Value>> {
    execution.authorization_request_id()?;
    let description = error.description.default_value.clone().unwrap_or_default();
    let mut rng = rand::thread_rng();
    let env = call.env(app, None, &mut rng);
    assertion::error_assertion_claims(&env, execution, error_type, &description)
}
