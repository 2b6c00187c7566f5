//! `POST /flow/execute` (V2): start or continue a flow execution.
//!
//! Read from the server's `flowexec/model.go` (`FlowRequest`, `FlowResponse`, `FlowData`) and
//! `flowexec/handler.go` (`flowErrorResponse`), at `thunder-id/thunderid` 4e69e01; the members of
//! `data` are in [`crate::flow::input`]. Optional fields follow the Go `omitempty` tags: scalars are
//! `Option`s (the mock never puts an empty string in a `Some`), lists and maps are omitted when
//! empty, and `data` is always written because it is a Go struct.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::flow::component::FlowMeta;
use crate::flow::graph::FlowDefinitionId;
use crate::flow::input::{Action, FieldError, Input};
use crate::ids::{ApplicationId, ExecutionId};
use crate::secret::{Assertion, ChallengeToken};

open_enum! {
    /// The kind of flow to start (`flowType`). The server answers FES-1005 for anything else,
    /// including the Express SDK's `SIGN_IN`, which is therefore kept as `Other` and not aliased.
    pub enum FlowType {
        Authentication = "AUTHENTICATION",
        Registration = "REGISTRATION",
        Recovery = "RECOVERY",
        SignOut = "SIGNOUT",
        /// Admin-initiated invite flow; not in the OpenAPI enum, but the server accepts it.
        UserOnboarding = "USER_ONBOARDING",
        /// Started by `flowId` only, by a caller holding the `system` permission.
        Administration = "ADMINISTRATION",
    }
}

closed_enum! {
    /// `flowStatus` of a V2 response.
    pub enum FlowStatus {
        /// The flow needs more input; the response carries `type` and a fresh `challengeToken`.
        Incomplete = "INCOMPLETE",
        /// The flow finished; `assertion` is present if the flow ran `AuthAssertExecutor`.
        Complete = "COMPLETE",
        /// The flow failed in band; `error` says why.
        Error = "ERROR",
    }
}

closed_enum! {
    /// `type` of an INCOMPLETE response.
    pub enum StepType {
        /// Render a form from `data.inputs`/`data.actions` (and `data.meta` when verbose).
        View = "VIEW",
        /// Send the browser to `data.redirectURL`, then resume with `inputs: {code, state}`.
        Redirection = "REDIRECTION",
    }
}

/// Request body. Every field is optional: `{applicationId, flowType}` starts a flow, `{flowId}`
/// starts an ADMINISTRATION flow by id, and `{executionId, ...}` continues one. Unknown fields are
/// ignored, as the server does.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowExecuteRequest {
    /// The application's id (not its OAuth `client_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<ApplicationId>,
    /// The kind of flow to start, with `applicationId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_type: Option<FlowType>,
    /// A flow definition id, for ADMINISTRATION flows started by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_id: Option<FlowDefinitionId>,
    /// Present on every continuation; absent (or empty) starts a new execution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_id: Option<ExecutionId>,
    /// The token from the previous INCOMPLETE response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge_token: Option<ChallengeToken>,
    /// The `ref` of the chosen action, e.g. `action_001`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Values keyed by input `identifier`; merged into the inputs already stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<BTreeMap<String, String>>,
    /// Ask for `data.meta` (UI components). Only read when the execution starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verbose: Option<bool>,
}

/// Response body of every in-band outcome (HTTP 200). The server never writes `stepId`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowExecuteResponse {
    /// Always present, also on ERROR.
    pub execution_id: ExecutionId,
    /// Outcome of this call.
    pub flow_status: FlowStatus,
    /// Only on INCOMPLETE.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub step_type: Option<StepType>,
    /// Only on INCOMPLETE; rotated on every one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge_token: Option<ChallengeToken>,
    /// Always written, as `{}` when empty.
    #[serde(default)]
    pub data: FlowData,
    /// Only on COMPLETE, and only if the flow ran `AuthAssertExecutor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assertion: Option<Assertion>,
    /// Only on ERROR of an execution tied to an OAuth or CIBA request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_assertion: Option<Assertion>,
    /// On ERROR, and on an INCOMPLETE re-prompt after a failed step (e.g. FET-1005).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ApiError>,
}

/// `data` of a [`FlowExecuteResponse`]. Every member is omitted when empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowData {
    /// The inputs still missing (or all of them on a re-prompt).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<Input>,
    /// The IdP authorize URL of a REDIRECTION step.
    #[serde(
        default,
        rename = "redirectURL",
        skip_serializing_if = "Option::is_none"
    )]
    pub redirect_url: Option<String>,
    /// The actions the client may take (all of them, unless one was chosen).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
    /// The prompt's UI components, trimmed to what is requested; verbose executions only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<FlowMeta>,
    /// Executor output for the client; see [`additional_data`] for the known keys.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub additional_data: BTreeMap<String, String>,
    /// One entry per failed validation rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub field_errors: Vec<FieldError>,
}

/// The body of an HTTP-level flow error (4xx/5xx): the API error, plus `errorAssertion` when the
/// execution was started by `/oauth2/authorize` or CIBA (`flowexec/handler.go`
/// `flowErrorResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowErrorResponse {
    /// The `{code, message, description}` members.
    #[serde(flatten)]
    pub error: ApiError,
    /// Signed error assertion to relay to `/oauth2/auth/callback`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_assertion: Option<Assertion>,
}

/// Well-known keys of `data.additionalData` (`flow/common/constants.go`, executors).
pub mod additional_data {
    /// Display name of the IdP of a REDIRECTION step.
    pub const IDP_NAME: &str = "idpName";
    /// JSON string: the consent purposes to show.
    pub const CONSENT_PROMPT: &str = "consentPrompt";
    /// Expiry timestamp of the current step (consent).
    pub const STEP_TIMEOUT: &str = "stepTimeout";
    /// The generated invite link (user onboarding).
    pub const INVITE_LINK: &str = "inviteLink";
    /// The OAuth grant type of the initiating request, on the terminal response.
    pub const CALLBACK_TYPE: &str = "callbackType";
    /// `"true"`/`"false"`: whether an email was sent.
    pub const EMAIL_SENT: &str = "emailSent";
    /// `"true"`: an SMS was sent.
    pub const SMS_SENT: &str = "smsSent";
    /// Root OU id for the OU tree picker.
    pub const ROOT_OU_ID: &str = "rootOuId";
    /// A display-only prompt's message.
    pub const MESSAGE: &str = "message";
    /// Length of the generated OTP, as a decimal string.
    pub const OTP_LENGTH: &str = "otpLength";
    /// `"true"` when the generated OTP is digits only.
    pub const OTP_NUMERIC_ONLY: &str = "otpNumericOnly";
    /// OpenID4VP verifier `client_id`.
    pub const OPENID4VP_CLIENT_ID: &str = "openid4vpClientId";
    /// OpenID4VP signed request URI.
    pub const OPENID4VP_REQUEST_URI: &str = "openid4vpRequestUri";
    /// OpenID4VP `openid4vp://` wallet URI.
    pub const OPENID4VP_WALLET_URI: &str = "openid4vpWalletUri";
    /// JSON string: WebAuthn request options (`passkey_executor.go`).
    pub const PASSKEY_CHALLENGE: &str = "passkeyChallenge";
    /// JSON string: WebAuthn creation options (`passkey_executor.go`).
    pub const PASSKEY_CREATION_OPTIONS: &str = "passkeyCreationOptions";

    /// Every key above.
    pub const ALL: &[&str] = &[
        IDP_NAME,
        CONSENT_PROMPT,
        STEP_TIMEOUT,
        INVITE_LINK,
        CALLBACK_TYPE,
        EMAIL_SENT,
        SMS_SENT,
        ROOT_OU_ID,
        MESSAGE,
        OTP_LENGTH,
        OTP_NUMERIC_ONLY,
        OPENID4VP_CLIENT_ID,
        OPENID4VP_REQUEST_URI,
        OPENID4VP_WALLET_URI,
        PASSKEY_CHALLENGE,
        PASSKEY_CREATION_OPTIONS,
    ];
}

impl FlowExecuteRequest {
    /// `{applicationId, flowType}`: start a flow for an application.
    pub fn start(application_id: impl Into<ApplicationId>, flow_type: FlowType) -> Self {
        Self {
            application_id: Some(application_id.into()),
            flow_type: Some(flow_type),
            ..Self::default()
        }
    }

    /// `{flowId}`: start an ADMINISTRATION flow by its definition id.
    pub fn start_by_flow_id(flow_id: impl Into<FlowDefinitionId>) -> Self {
        Self {
            flow_id: Some(flow_id.into()),
            ..Self::default()
        }
    }

    /// `{executionId}`: the first call on an execution created by `/oauth2/authorize` or logout.
    pub fn resume(execution_id: impl Into<ExecutionId>) -> Self {
        Self {
            execution_id: Some(execution_id.into()),
            ..Self::default()
        }
    }

    /// `{executionId, challengeToken, action, inputs}`: answer a prompt.
    pub fn step(
        execution_id: impl Into<ExecutionId>,
        challenge_token: ChallengeToken,
        action: impl Into<String>,
        inputs: BTreeMap<String, String>,
    ) -> Self {
        Self {
            execution_id: Some(execution_id.into()),
            challenge_token: Some(challenge_token),
            action: Some(action.into()),
            inputs: Some(inputs),
            ..Self::default()
        }
    }

    /// Sets `verbose`.
    pub fn with_verbose(mut self, verbose: bool) -> Self {
        self.verbose = Some(verbose);
        self
    }

    /// Sets `inputs`, replacing any already set.
    pub fn with_inputs(mut self, inputs: BTreeMap<String, String>) -> Self {
        self.inputs = Some(inputs);
        self
    }
}

// Hand-written so input values (passwords, OTPs) never reach logs; only their keys are shown.
impl fmt::Debug for FlowExecuteRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let input_keys = self
            .inputs
            .as_ref()
            .map(|inputs| inputs.keys().collect::<Vec<_>>());
        f.debug_struct("FlowExecuteRequest")
            .field("application_id", &self.application_id)
            .field("flow_type", &self.flow_type)
            .field("flow_id", &self.flow_id)
            .field("execution_id", &self.execution_id)
            .field("challenge_token", &self.challenge_token)
            .field("action", &self.action)
            .field("inputs", &input_keys)
            .field("verbose", &self.verbose)
            .finish()
    }
}

impl FlowExecuteResponse {
    /// INCOMPLETE with a step type, a fresh challenge token and the step's data.
    pub fn incomplete(
        execution_id: ExecutionId,
        step_type: StepType,
        challenge_token: ChallengeToken,
        data: FlowData,
    ) -> Self {
        Self {
            step_type: Some(step_type),
            challenge_token: Some(challenge_token),
            data,
            ..Self::bare(execution_id, FlowStatus::Incomplete)
        }
    }

    /// COMPLETE, with the assertion if the flow minted one.
    pub fn complete(execution_id: ExecutionId, assertion: Option<Assertion>) -> Self {
        Self {
            assertion,
            ..Self::bare(execution_id, FlowStatus::Complete)
        }
    }

    /// In-band ERROR.
    pub fn error(execution_id: ExecutionId, error: ApiError) -> Self {
        Self {
            error: Some(error),
            ..Self::bare(execution_id, FlowStatus::Error)
        }
    }

    fn bare(execution_id: ExecutionId, flow_status: FlowStatus) -> Self {
        Self {
            execution_id,
            flow_status,
            step_type: None,
            challenge_token: None,
            data: FlowData::default(),
            assertion: None,
            error_assertion: None,
            error: None,
        }
    }
}

impl FlowData {
    /// True when the server would write `"data":{}`.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

impl FlowErrorResponse {
    /// The plain API error body, without an error assertion.
    pub fn new(error: ApiError) -> Self {
        Self {
            error,
            error_assertion: None,
        }
    }
}

#[cfg(any(test, feature = "proptest"))]
pub mod strategies {
    //! Proptest strategies for the `/flow/execute` types.
    use proptest::prelude::*;

    use super::*;
    use crate::error::strategies::api_error;
    use crate::flow::component::strategies::flow_meta;
    use crate::flow::input::strategies::{action, field_error, input};
    use crate::flow::strategies::{open_enum, string_map, text, word};

    /// Arbitrary [`FlowType`] values.
    pub fn flow_type() -> impl Strategy<Value = FlowType> {
        open_enum(FlowType::ALL, FlowType::parse)
    }

    /// Arbitrary [`FlowStatus`] values.
    pub fn flow_status() -> impl Strategy<Value = FlowStatus> {
        prop::sample::select(FlowStatus::ALL)
    }

    /// Arbitrary [`StepType`] values.
    pub fn step_type() -> impl Strategy<Value = StepType> {
        prop::sample::select(StepType::ALL)
    }

    fn token() -> impl Strategy<Value = ChallengeToken> {
        "[0-9a-f]{64}".prop_map(ChallengeToken::new)
    }

    fn assertion() -> impl Strategy<Value = Assertion> {
        "[A-Za-z0-9_-]{4,12}\\.[A-Za-z0-9_-]{4,12}\\.[A-Za-z0-9_-]{4,12}".prop_map(Assertion::new)
    }

    /// Arbitrary [`FlowExecuteRequest`] values.
    pub fn flow_execute_request() -> impl Strategy<Value = FlowExecuteRequest> {
        (
            proptest::option::of(word().prop_map(ApplicationId::new)),
            proptest::option::of(flow_type()),
            proptest::option::of(word().prop_map(FlowDefinitionId::new)),
            proptest::option::of(word().prop_map(ExecutionId::new)),
            proptest::option::of(token()),
            proptest::option::of(word()),
            proptest::option::of(string_map()),
            proptest::option::of(any::<bool>()),
        )
            .prop_map(
                |(
                    application_id,
                    flow_type,
                    flow_id,
                    execution_id,
                    challenge_token,
                    action,
                    inputs,
                    verbose,
                )| {
                    FlowExecuteRequest {
                        application_id,
                        flow_type,
                        flow_id,
                        execution_id,
                        challenge_token,
                        action,
                        inputs,
                        verbose,
                    }
                },
            )
    }

    /// Arbitrary [`FlowData`] values.
    pub fn flow_data() -> impl Strategy<Value = FlowData> {
        (
            prop::collection::vec(input(), 0..3),
            proptest::option::of(text()),
            prop::collection::vec(action(), 0..3),
            proptest::option::of(flow_meta()),
            string_map(),
            prop::collection::vec(field_error(), 0..2),
        )
            .prop_map(
                |(inputs, redirect_url, actions, meta, additional_data, field_errors)| FlowData {
                    inputs,
                    redirect_url,
                    actions,
                    meta,
                    additional_data,
                    field_errors,
                },
            )
    }

    /// Arbitrary [`FlowExecuteResponse`] values.
    pub fn flow_execute_response() -> impl Strategy<Value = FlowExecuteResponse> {
        (
            word().prop_map(ExecutionId::new),
            flow_status(),
            proptest::option::of(step_type()),
            proptest::option::of(token()),
            flow_data(),
            proptest::option::of(assertion()),
            proptest::option::of(assertion()),
            proptest::option::of(api_error()),
        )
            .prop_map(
                |(
                    execution_id,
                    flow_status,
                    step_type,
                    challenge_token,
                    data,
                    assertion,
                    error_assertion,
                    error,
                )| {
                    FlowExecuteResponse {
                        execution_id,
                        flow_status,
                        step_type,
                        challenge_token,
                        data,
                        assertion,
                        error_assertion,
                        error,
                    }
                },
            )
    }

    /// Arbitrary [`FlowErrorResponse`] values.
    pub fn flow_error_response() -> impl Strategy<Value = FlowErrorResponse> {
        (api_error(), proptest::option::of(assertion())).prop_map(|(error, error_assertion)| {
            FlowErrorResponse {
                error,
                error_assertion,
            }
        })
    }
}
