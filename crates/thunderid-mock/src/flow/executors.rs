//! TASK_EXECUTION nodes: the executor catalogue and the mapping of executor results to node
//! outcomes (`core/task_execution_node.go`).
//!
//! | Executor status | Node outcome |
//! |---|---|
//! | complete | `onSuccess` |
//! | failure | `onFailure` (the error travels in runtime data), else flow ERROR |
//! | input required | `onIncomplete` (with the error, if any), else a VIEW step of the executor's inputs |
//! | external redirection | a REDIRECTION step |

mod admin;
mod authz;
mod collect;
mod consent;
pub(crate) mod credentials;
pub(crate) mod federated;
mod http_request;
mod identify;
mod magic_link;
pub(crate) mod notify;
mod openid4vp;
pub(crate) mod otp;
mod passkey;
mod recovery;
mod registration;
mod sso;
mod units;

/// The display name of a fake IdP, also what the V1 API names the IdP.
pub(crate) use federated::display_name as federated_display_name;
#[cfg(test)]
pub(crate) use otp::format_expiry as otp_format_expiry;

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use thunderid_protocol::flow::{
    ExecutorDefinition, FlowType, Input, InputType, NodeDefinition, StepType,
};
use thunderid_protocol::{ApiError, ApiErrorCode};

use super::env::Env;
use super::keys;
use super::node::{EngineError, Forwarded, NodeResponse, NodeStatus};
use crate::graph::ExecutorKind;
use crate::store::execution::Execution;

/// One executor invocation: the node, its executor definition and the execution it runs in.
pub(crate) struct Task<'t, 'e> {
    pub env: &'t mut Env<'e>,
    pub execution: &'t mut Execution,
    pub node: &'t NodeDefinition,
    pub executor: &'t ExecutorDefinition,
    /// The type of the graph being run (a callee's, during a CALL).
    pub flow_type: &'t FlowType,
    pub forwarded: Forwarded,
}

/// What an executor returned (`providers.ExecutorResponse`).
#[derive(Debug, Clone, Default)]
pub(crate) struct ExecResult {
    pub status: ExecStatus,
    pub inputs: Vec<Input>,
    pub error: Option<ApiError>,
    pub additional: BTreeMap<String, String>,
    pub runtime: BTreeMap<String, String>,
    pub forwarded: Forwarded,
    pub redirect_url: Option<String>,
    pub assertion: Option<Map<String, Value>>,
    pub sso_cleared: bool,
    pub sso_created: Option<String>,
    pub user: Option<String>,
}

/// An executor's status (`providers.ExecutorStatus`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum ExecStatus {
    #[default]
    Complete,
    UserInputRequired,
    ExternalRedirection,
    Failure,
}

impl ExecResult {
    pub(crate) fn complete() -> Self {
        Self::default()
    }

    pub(crate) fn failure(error: ApiError) -> Self {
        Self {
            status: ExecStatus::Failure,
            error: Some(error),
            ..Self::default()
        }
    }

    pub(crate) fn input_required(inputs: Vec<Input>, error: Option<ApiError>) -> Self {
        Self {
            status: ExecStatus::UserInputRequired,
            inputs,
            error,
            ..Self::default()
        }
    }
}

/// Run a TASK_EXECUTION node and map the executor's result to the node outcome.
pub(crate) fn execute_task(
    env: &mut Env<'_>,
    execution: &mut Execution,
    node: &NodeDefinition,
    flow_type: &FlowType,
    forwarded: Forwarded,
) -> Result<NodeResponse, EngineError> {
    let executor = node
        .executor
        .as_ref()
        .ok_or_else(|| internal(format!("node {} has no executor", node.id)))?;
    let kind = ExecutorKind::from_name(&executor.name)
        .ok_or_else(|| internal(format!("unknown executor {}", executor.name)))?;
    enrich_runtime(env, execution, node);
    let result = {
        let mut task = Task {
            env,
            execution,
            node,
            executor,
            flow_type,
            forwarded,
        };
        run_executor(kind, &mut task)?
    };
    to_node_response(execution, node, executor, result)
}

/// Every task sees the application id and the node's `idpId`/`senderId` in runtime data
/// (`task_execution_node.go` `enrichRuntimeData`).
fn enrich_runtime(env: &Env<'_>, execution: &mut Execution, node: &NodeDefinition) {
    if let Some(app) = env.app {
        execution
            .runtime
            .insert(keys::APPLICATION_ID.to_owned(), app.id.clone());
    }
    for key in ["idpId", "senderId"] {
        if let Some(value) = node
            .properties
            .get(key)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
        {
            execution.runtime.insert(key.to_owned(), value.to_owned());
        }
    }
}

fn run_executor(kind: ExecutorKind, task: &mut Task<'_, '_>) -> Result<ExecResult, EngineError> {
    match kind {
        ExecutorKind::CredentialsAuth => credentials::authenticate(task),
        ExecutorKind::CredentialSetter => credentials::set_credential(task),
        ExecutorKind::Identifying => Ok(identify::run(task)),
        ExecutorKind::FederatedAuthResolver => identify::resolve_federated(task),
        ExecutorKind::HttpRequest => Ok(http_request::run(task)),
        ExecutorKind::Authorization => authz::authorize(task),
        ExecutorKind::AuthAssert => authz::assert(task),
        ExecutorKind::SessionSignOut => sso::sign_out(task),
        ExecutorKind::SsoCheck => sso::check(task),
        ExecutorKind::Session => sso::session(task),
        ExecutorKind::PermissionValidator => Ok(admin::validate_permissions(task)),
        ExecutorKind::PreDelete => admin::pre_delete(task),
        ExecutorKind::CriteriaRevocation => admin::revoke_tokens(task),
        ExecutorKind::SessionRevocation => admin::revoke_sessions(task),
        ExecutorKind::UserDelete => admin::delete_user(task),
        ExecutorKind::OuResolver => units::resolve_unit(task),
        ExecutorKind::OuCreator => units::create_unit(task),
        ExecutorKind::AttributeCollector => collect::collect(task),
        ExecutorKind::Consent => consent::run(task),
        ExecutorKind::MagicLink => magic_link::run(task),
        ExecutorKind::PasskeyAuth => passkey::run(task),
        ExecutorKind::OpenId4VpVerify => Ok(openid4vp::run(task)),
        ExecutorKind::Otp => otp::run(task),
        ExecutorKind::Sms => notify::send_sms(task),
        ExecutorKind::Email => notify::send_email(task),
        ExecutorKind::UserTypeResolver => registration::resolve_user_type(task),
        ExecutorKind::Provisioning => registration::provision(task),
        ExecutorKind::AttributeUniqueness => registration::check_uniqueness(task),
        ExecutorKind::Invite => recovery::invite(task),
        ExecutorKind::Federated(federated_kind) => federated::run(task, federated_kind),
    }
}

fn to_node_response(
    execution: &mut Execution,
    node: &NodeDefinition,
    executor: &ExecutorDefinition,
    result: ExecResult,
) -> Result<NodeResponse, EngineError> {
    let mut response = NodeResponse {
        inputs: result.inputs,
        additional: result.additional,
        runtime: result.runtime,
        forwarded: result.forwarded,
        redirect_url: result.redirect_url,
        error: result.error,
        assertion: result.assertion,
        sso_cleared: result.sso_cleared,
        sso_created: result.sso_created,
        user: result.user,
        ..NodeResponse::default()
    };
    response.status = match result.status {
        ExecStatus::Complete => {
            response.next = node.on_success.clone();
            NodeStatus::Complete
        }
        ExecStatus::Failure => match &node.on_failure {
            Some(on_failure) => {
                response.next = Some(on_failure.clone());
                hand_error_over(execution, executor, &mut response);
                NodeStatus::Forward
            }
            None => NodeStatus::Failure,
        },
        ExecStatus::UserInputRequired | ExecStatus::ExternalRedirection
            if node.on_incomplete.is_some() =>
        {
            response.next = node.on_incomplete.clone();
            if response.error.is_some() {
                hand_error_over(execution, executor, &mut response);
            }
            NodeStatus::Forward
        }
        ExecStatus::UserInputRequired if response.inputs.is_empty() => {
            return Err(internal(format!(
                "executor {} asked for input but named none",
                executor.name
            )));
        }
        ExecStatus::UserInputRequired => NodeStatus::Incomplete(StepType::View),
        ExecStatus::ExternalRedirection => NodeStatus::Incomplete(StepType::Redirection),
    };
    Ok(response)
}

/// A failing task forwards its error to the next node through runtime data and drops the inputs it
/// declared, so the prompt asks for them again.
fn hand_error_over(
    execution: &mut Execution,
    executor: &ExecutorDefinition,
    response: &mut NodeResponse,
) {
    if let Some(encoded) = response
        .error
        .as_ref()
        .and_then(|e| serde_json::to_string(e).ok())
    {
        response
            .runtime
            .insert(keys::FAILURE_REASON.to_owned(), encoded);
    }
    for input in &executor.inputs {
        execution.inputs.remove(&input.identifier);
    }
}

/// The inputs an executor asks for when its node declares none (`GetDefaultInputs`).
pub(crate) fn default_inputs(kind: ExecutorKind) -> Vec<Input> {
    let input = |identifier: &str, input_type: InputType| Input::new(identifier, input_type);
    match kind {
        ExecutorKind::CredentialsAuth => vec![
            input("username", InputType::Text),
            input("password", InputType::Password),
        ],
        ExecutorKind::CredentialSetter => vec![input("password", InputType::Password)],
        ExecutorKind::Identifying => vec![input("username", InputType::GenericString)],
        ExecutorKind::Otp => vec![input("otp", InputType::Otp).with_ref("otp_input")],
        ExecutorKind::Sms => vec![input("mobile_number", InputType::Phone)],
        ExecutorKind::Invite => vec![input("inviteToken", InputType::Hidden)],
        ExecutorKind::UserTypeResolver => vec![input(keys::USER_TYPE, InputType::Select)],
        ExecutorKind::Federated(_) => vec![input("code", InputType::GenericString)],
        ExecutorKind::OuResolver => {
            vec![input(keys::OU_ID, InputType::OuSelect).with_ref("ou_selection_input")]
        }
        ExecutorKind::OuCreator => vec![
            input("ouName", InputType::GenericString),
            input("ouHandle", InputType::GenericString),
        ],
        ExecutorKind::PreDelete => vec![input("subject", InputType::Text)],
        ExecutorKind::Consent => vec![input(consent::DECISIONS, InputType::Consent)],
        ExecutorKind::MagicLink => {
            vec![input(magic_link::TOKEN, InputType::Hidden).with_ref("magic_link_token_input")]
        }
        ExecutorKind::PasskeyAuth => passkey::default_inputs(),
        ExecutorKind::Authorization
        | ExecutorKind::AuthAssert
        | ExecutorKind::Email
        | ExecutorKind::Provisioning
        | ExecutorKind::AttributeUniqueness
        | ExecutorKind::SessionSignOut
        | ExecutorKind::PermissionValidator
        | ExecutorKind::AttributeCollector
        | ExecutorKind::CriteriaRevocation
        | ExecutorKind::SessionRevocation
        | ExecutorKind::UserDelete
        | ExecutorKind::SsoCheck
        | ExecutorKind::Session
        | ExecutorKind::HttpRequest
        | ExecutorKind::FederatedAuthResolver
        | ExecutorKind::OpenId4VpVerify => Vec::new(),
    }
}

/// Whether the node an execution is paused on lets a request skip the challenge-token check
/// (`SkipChallengeValidation`: InviteExecutor and MagicLinkExecutor in `verify` mode, whose links
/// arrive from an e-mail, not the page).
pub(crate) fn skips_challenge(node: &NodeDefinition) -> bool {
    node.executor.as_ref().is_some_and(|e| {
        matches!(
            ExecutorKind::from_name(&e.name),
            Some(ExecutorKind::Invite | ExecutorKind::MagicLink)
        ) && e.mode.as_deref() == Some("verify")
    })
}

/// Whether the segment a node starts skips the challenge-token check on every node
/// (`AllowSegmentRestart`: InviteExecutor `verify` only).
pub(crate) fn restarts_segment(node: &NodeDefinition) -> bool {
    node.executor.as_ref().is_some_and(|e| {
        ExecutorKind::from_name(&e.name) == Some(ExecutorKind::Invite)
            && e.mode.as_deref() == Some("verify")
    })
}

impl Task<'_, '_> {
    /// The node's declared inputs, else the executor's defaults (`GetRequiredInputs`).
    pub(crate) fn required_inputs(&self, kind: ExecutorKind) -> Vec<Input> {
        if self.executor.inputs.is_empty() {
            default_inputs(kind)
        } else {
            self.executor.inputs.clone()
        }
    }

    /// The inputs of `required` not yet present (`executor.HasRequiredInputs`).
    pub(crate) fn missing(&self, required: &[Input]) -> Vec<Input> {
        super::prompt::missing_inputs(self.execution, required)
    }

    /// A non-empty user input or runtime value.
    pub(crate) fn value(&self, key: &str) -> Option<String> {
        let present = |v: &&String| !v.is_empty();
        self.execution
            .inputs
            .get(key)
            .filter(present)
            .or_else(|| self.execution.runtime.get(key).filter(present))
            .cloned()
    }

    /// A string node property.
    pub(crate) fn property(&self, key: &str) -> Option<&str> {
        self.node.properties.get(key).and_then(Value::as_str)
    }

    /// The user the flow resolved so far: runtime `userID`, else the authenticated user.
    pub(crate) fn user_id(&self) -> Option<String> {
        self.execution
            .runtime_value(keys::USER_ID)
            .map(str::to_owned)
            .or_else(|| self.execution.user.clone())
    }

    /// The identifier of the node's first input of `input_type`, else `fallback`.
    pub(crate) fn input_identifier(&self, input_type: &InputType, fallback: &str) -> String {
        self.executor
            .inputs
            .iter()
            .find(|i| &i.input_type == input_type)
            .map_or_else(|| fallback.to_owned(), |i| i.identifier.clone())
    }

    /// A fresh random token, 32 bytes as hex.
    pub(crate) fn random_hex(&mut self) -> String {
        let mut bytes = [0u8; 32];
        self.env.rng.fill_bytes(&mut bytes);
        hex::encode(bytes)
    }

    /// A fresh UUIDv7 stamped with the mock clock.
    pub(crate) fn uuid_v7(&mut self) -> String {
        crate::ids::uuid_v7_with(self.env.now, self.env.rng)
    }
}

/// `code`'s error with `{{param(name)}}` placeholders filled in both messages, as the server
/// marshals `I18nMessage` (the params stay alongside for translators).
pub(crate) fn error_with_params(code: ApiErrorCode, params: &[(&str, &str)]) -> ApiError {
    let params: BTreeMap<String, String> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let mut error = code.to_error();
    for message in [&mut error.message, &mut error.description] {
        message.default_value = message
            .default_value
            .as_deref()
            .map(|text| substitute(text, &params));
        message.params = Some(params.clone());
    }
    error
}

/// Replace `{{param(name)}}` with `params[name]`; unknown names stay.
pub(crate) fn substitute(template: &str, params: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        let inner = rest[start + 2..start + len].trim();
        let name = inner
            .strip_prefix("param(")
            .and_then(|s| s.strip_suffix(')'))
            .map(str::trim);
        out.push_str(&rest[..start]);
        match name.and_then(|n| params.get(n)) {
            Some(value) => out.push_str(value),
            None => out.push_str(&rest[start..start + len + 2]),
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// A prerequisite the executor needs is absent (FLC-1001 with the identifier).
pub(crate) fn prerequisite_missing(identifier: &str) -> ApiError {
    let mut error = ApiErrorCode::FlowCoreExecutorPrerequisiteNotMet.to_error();
    let params = BTreeMap::from([("identifier".to_owned(), identifier.to_owned())]);
    error.description.default_value = Some(substitute(
        "Prerequisite not met: {{param(identifier)}}",
        &params,
    ));
    error.description.params = Some(params);
    error
}

pub(crate) fn internal(message: String) -> EngineError {
    EngineError::Internal(message)
}
