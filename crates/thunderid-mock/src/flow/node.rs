//! What nodes return and how a run ends: the vocabulary shared by the engine, the prompt and the
//! executors.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use thunderid_protocol::flow::{
    Action, FieldError, FlowData, FlowMeta, Input, InputType, StepType,
};
use thunderid_protocol::{ApiError, ApiErrorCode};

/// The deepest CALL nesting allowed (`flowexec/engine.go` `maxCallDepth`).
pub(crate) const MAX_CALL_DEPTH: usize = 10;

/// How one engine run ended.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Outcome {
    pub status: OutcomeStatus,
    pub data: FlowData,
    /// On ERROR, and on INCOMPLETE re-prompts after a failed step.
    pub error: Option<ApiError>,
    /// The claims of the assertion AuthAssertExecutor minted, still to be signed.
    pub assertion: Option<Map<String, Value>>,
    /// A SessionSignOutExecutor ended the SSO session: the cookie is to be cleared.
    pub sso_cleared: bool,
    /// A SessionExecutor created an SSO session: its handle, for the cookie.
    pub sso_created: Option<String>,
    /// A POST_REQUEST interceptor failed: the step is reported as `ERROR` (with `error` as the
    /// interceptor left it) while its other members stay.
    pub post_request_failed: bool,
}

/// The in-band status of an [`Outcome`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OutcomeStatus {
    Incomplete(StepType),
    Complete,
    Error,
}

/// An engine failure the real server reports at the HTTP level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EngineError {
    /// FES-1013.
    MaxCallDepth,
    /// SSE-5000: a graph or executor fault. The text is for the log only.
    Internal(String),
}

impl EngineError {
    pub(crate) fn code(&self) -> ApiErrorCode {
        match self {
            Self::MaxCallDepth => ApiErrorCode::FlowMaxCallDepthExceeded,
            Self::Internal(_) => ApiErrorCode::ServerInternal,
        }
    }
}

/// Data a node hands to the node that runs right after it (`ForwardedData`), in this request only.
#[derive(Debug, Clone, Default)]
pub(crate) struct Forwarded {
    /// Inputs a prompt must ask for in addition to its own (schema attributes, replayed inputs).
    pub inputs: Option<Vec<DynamicInput>>,
    /// The `type` of the prompt action that led here, e.g. `CONFIRM`.
    pub action_type: Option<String>,
    /// Values for notification templates (the OTP, the recovery link).
    pub template: BTreeMap<String, String>,
}

/// An input derived at run time, with the label a synthetic meta component uses.
#[derive(Debug, Clone)]
pub(crate) struct DynamicInput {
    pub input: Input,
    pub display_name: Option<String>,
}

/// What a node returned (`common.NodeResponse`).
#[derive(Debug, Clone, Default)]
pub(crate) struct NodeResponse {
    pub status: NodeStatus,
    pub next: Option<String>,
    pub inputs: Vec<Input>,
    pub actions: Vec<Action>,
    pub additional: BTreeMap<String, String>,
    pub runtime: BTreeMap<String, String>,
    pub forwarded: Forwarded,
    pub redirect_url: Option<String>,
    pub meta: Option<FlowMeta>,
    pub error: Option<ApiError>,
    pub field_errors: Vec<FieldError>,
    pub assertion: Option<Map<String, Value>>,
    pub sso_cleared: bool,
    pub sso_created: Option<String>,
    /// The user this node authenticated.
    pub user: Option<String>,
}

/// A node's status (`common.NodeStatus`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum NodeStatus {
    #[default]
    Complete,
    Incomplete(StepType),
    Failure,
    /// Go to `next` (a task's `onFailure`/`onIncomplete`).
    Forward,
    /// Run this flow (a CALL node).
    Call(String),
}

/// PASSWORD_INPUT and OTP_INPUT values are secrets (`providers.Input.IsSensitive`).
pub(crate) fn is_sensitive(input_type: &InputType) -> bool {
    matches!(input_type, InputType::Password | InputType::Otp)
}
