//! Executions of backchannel (CIBA) requests: the AUTHENTICATION flow a request starts and runs at
//! once, without a browser (`InitiateAndExecute`); the callback a finished one names, so the gate
//! knows where its assertion goes; and the control plane's decision for one that waits on its user.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use thunderid_protocol::flow::FlowType;

use thunderid_protocol::flow::FlowData;

use super::{Call, Command, ContinueCommand, Executed, execute};
use crate::error::MockError;
use crate::fixtures::ApplicationFixture;
use crate::flow::assertion::{self, FlowErrorType};
use crate::flow::engine::OutcomeStatus;
use crate::flow::keys;
use crate::ids;
use crate::state::AppState;
use crate::store::execution::Execution;

/// What a declined request's error assertion says.
const DENIED: &str = "The user denied the authentication request";

/// Create `app`'s AUTHENTICATION execution with `runtime` data, living `lifetime` seconds, and run
/// it at once with `inputs`, as a first call that needs no challenge token.
pub(crate) fn initiate_and_execute(
    state: &AppState,
    app: &ApplicationFixture,
    runtime: Vec<(&str, String)>,
    inputs: BTreeMap<String, String>,
    lifetime: u64,
) -> Result<Executed, MockError> {
    let registry = state.registry();
    let flow = registry
        .app_flow(app, &FlowType::Authentication)
        .ok_or_else(|| {
            MockError::Internal(anyhow::anyhow!(
                "application {} has no AUTHENTICATION flow",
                app.id
            ))
        })?;
    let now = state.now();
    let id = ids::uuid_v7(now);
    let mut execution = Execution::new(
        id.clone(),
        app.id.clone(),
        flow.flow_type.clone(),
        flow.id.clone(),
        false,
        now.saturating_add(lifetime),
    );
    execution.runtime = runtime
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    state
        .stores()
        .executions
        .write(|e| e.insert(execution, now));
    execute(
        state,
        Command::Continue(ContinueCommand {
            execution_id: id,
            inputs,
            trusted: true,
            ..ContinueCommand::default()
        }),
    )
}

/// A finished flow (COMPLETE or ERROR) started with a callback type repeats it as
/// `data.additionalData.callbackType` (`FX/service.go`).
pub(super) fn name_callback(execution: &Execution, status: &OutcomeStatus, data: &mut FlowData) {
    let finished = !matches!(status, OutcomeStatus::Incomplete(_));
    if let Some(callback) = execution
        .runtime_value(keys::CALLBACK_TYPE)
        .filter(|_| finished)
    {
        let key = keys::data::CALLBACK_TYPE.to_owned();
        data.additional_data.insert(key, callback.to_owned());
    }
}

/// Drop an execution a refused request leaves behind.
pub(crate) fn discard(state: &AppState, execution_id: &str) {
    state.stores().executions.write(|e| e.remove(execution_id));
}

/// The user's answer to a waiting execution, as the flow would have signed it: approve is the
/// assertion for the user the flow identified (with the permissions the AuthorizationExecutor
/// grants), deny an end-user error assertion. The execution ends here; `None` when it is gone.
pub(crate) fn decide(state: &AppState, execution_id: &str, approve: bool) -> Option<String> {
    let call = Call {
        state,
        registry: state.registry(),
        now: state.now(),
        caller: None,
        cookies: BTreeMap::new(),
        outbound: super::outbound::HttpOutbound {
            allowed: &state.config().http_executor_allow,
        },
    };
    let now = call.now;
    let mut execution = state
        .stores()
        .executions
        .write(|e| e.take_live(execution_id, now))?;
    let app = call.registry.application(&execution.app_id).cloned();
    let mut rng = rand::thread_rng();
    let env = call.env(app.as_deref(), None, &mut rng);
    let denial =
        assertion::error_assertion_claims(&env, &execution, FlowErrorType::EndUser, DENIED)?;
    let claims = if approve {
        let user_id = execution
            .user
            .clone()
            .or_else(|| execution.runtime_value(keys::USER_ID).map(str::to_owned));
        match user_id.and_then(|id| env.user(&id)) {
            Some(user) => {
                let requested = execution
                    .runtime_value(keys::REQUESTED_PERMISSIONS)
                    .unwrap_or_default()
                    .to_owned();
                let requested: Vec<&str> = requested.split_whitespace().collect();
                let identifier = execution
                    .runtime_value(keys::RESOURCE_SERVER_IDENTIFIER)
                    .unwrap_or_default()
                    .to_owned();
                let granted = env
                    .directory
                    .read(|d| d.granted_permissions(&user.id, &identifier, &requested));
                execution
                    .runtime
                    .insert(keys::AUTHORIZED_PERMISSIONS.to_owned(), granted.join(" "));
                assertion::assertion_claims(&env, &execution, &user)
            }
            None => without_failure(denial),
        }
    } else {
        denial
    };
    Some(assertion::sign(state.signer(), &claims))
}

/// An error assertion's claims without its failure: a success assertion naming nobody.
fn without_failure(mut claims: Map<String, Value>) -> Map<String, Value> {
    claims.remove("flow_error_type");
    claims.remove("flow_error_description");
    claims
}
