//! App-native flows (V2): a typed driver over `POST /flow/execute`.
//!
//! A [`Flow`] holds the execution id, the latest challenge token (threaded into every step
//! automatically, rotated on every INCOMPLETE, kept after an ICS-1002 rejection) and, for flows
//! started by `/oauth2/authorize`, the `authId`. Its state ([`FlowState`]) is serializable, so a
//! server can keep it between HTTP requests. Each call answers a [`FlowStep`].
//!
//! Wire rules (sdk-http-calls §4): starts send `verbose: true`, the `Flow-Secret` header (only on
//! starts) and the scopes as `inputs.requested_permissions`; HTTP-level failures (`FES-*`) are
//! [`Error::Api`] (after a transport failure, 5xx or 429 the same step may be sent again); when an `authId` is known, an `assertion` or `errorAssertion` is relayed to
//! `POST /oauth2/auth/callback` and its `redirect_uri` returned.
//!
//! ```no_run
//! use std::collections::BTreeMap;
//! use thunderid_client::{Client, Config, FlowStart, FlowStep};
//!
//! # async fn demo() -> Result<(), thunderid_client::Error> {
//! let config = Config::new("http://127.0.0.1:8090")?
//!     .with_application_id("01900000-0000-7000-8000-0000000000a3")
//!     .with_flow_secret("sample-native-flow-secret");
//! let client = Client::new(config)?;
//! let mut flow = client.flow();
//! let step = flow.start(FlowStart::authentication()).await?;
//! if let FlowStep::Incomplete { actions, .. } = &step {
//!     let credentials = BTreeMap::from([
//!         ("username".to_owned(), "thor".to_owned()),
//!         ("password".to_owned(), "Thor@12345".to_owned()),
//!     ]);
//!     let step = flow.submit(&actions[0].reference, credentials).await?;
//!     if let FlowStep::Complete { assertion, .. } = step {
//!         println!("signed in: {}", assertion.is_some());
//!     }
//! }
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thunderid_protocol::error::ApiError;
use thunderid_protocol::flow::{
    Action, Component, FieldError, FlowErrorResponse, FlowExecuteRequest, FlowExecuteResponse,
    FlowStatus, FlowType, Input, StepType,
};
use thunderid_protocol::ids::{ApplicationId, AuthId, ExecutionId};
use thunderid_protocol::oauth2::{AuthCallbackRequest, AuthCallbackResponse};
use thunderid_protocol::secret::{Assertion, ChallengeToken};
use url::Url;

use crate::Client;
use crate::config::ConfigError;
use crate::error::{Error, FlowError};
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::oauth2::{AuthorizeOptions, PendingAuthorization};

/// The input key the server's AuthorizationExecutor reads the requested scopes from.
pub const REQUESTED_PERMISSIONS: &str = "requested_permissions";

/// What a flow needs to go on; serializable, so a server can keep it between requests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FlowState {
    /// The execution, once started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_id: Option<ExecutionId>,
    /// The latest challenge token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge_token: Option<ChallengeToken>,
    /// The authorization request the flow belongs to, when started by `/oauth2/authorize`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_id: Option<AuthId>,
    /// Whether the execution is over (COMPLETE, a relayed error, or a 4xx refusal; a transport
    /// failure, 5xx or 429 leaves it continuable with the same challenge token).
    #[serde(default)]
    pub finished: bool,
}

/// How to start a flow.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FlowStart {
    /// The kind of flow.
    pub flow_type: FlowType,
    /// The application (default: [`crate::Config::application_id`]).
    pub application_id: Option<ApplicationId>,
    /// Scopes sent as `inputs.requested_permissions` (default: the configured scopes, if any).
    pub scopes: Option<Vec<String>>,
    /// Inputs sent with the start.
    pub inputs: BTreeMap<String, String>,
    /// An action sent with the start.
    pub action: Option<String>,
}

/// One answer of the server.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FlowStep {
    /// The flow needs input (`INCOMPLETE`). `error` is set on a re-prompt (e.g. FET-1005, wrong
    /// password); `field_errors` after a failed validation rule.
    Incomplete {
        /// `VIEW` (render the inputs) or `REDIRECTION` (go to `redirect_url`).
        kind: StepType,
        /// The inputs to send.
        inputs: Vec<Input>,
        /// The actions to choose from.
        actions: Vec<Action>,
        /// The UI components (verbose executions).
        components: Vec<Component>,
        /// Failed validation rules.
        field_errors: Vec<FieldError>,
        /// Why the step is shown again.
        error: Option<ApiError>,
        /// The IdP URL of a REDIRECTION step.
        redirect_url: Option<String>,
        /// Executor output (`otpLength`, `consentPrompt`, …).
        additional_data: BTreeMap<String, String>,
    },
    /// The flow is over (`COMPLETE`).
    Complete {
        /// The flow assertion, when the flow mints one.
        assertion: Option<Assertion>,
        /// Where the auth callback sends the browser (the app's redirect URI with `code`), when the
        /// flow belongs to an authorization request.
        redirect_uri: Option<String>,
        /// Executor output (e.g. recovery's `message`).
        additional_data: BTreeMap<String, String>,
    },
    /// The flow failed in band (`ERROR`, e.g. ICS-1002 for a stale challenge token, after which the
    /// latest token is still valid), or at HTTP level with an error assertion that was relayed.
    Error {
        /// The error.
        error: Option<ApiError>,
        /// The error assertion, for executions of an authorization request.
        error_assertion: Option<Assertion>,
        /// Where the auth callback sends the browser after relaying the error assertion.
        redirect_uri: Option<String>,
    },
}

/// A flow started through `/oauth2/authorize`: finish it with [`Client::handle_callback`] on the
/// `redirect_uri` of the [`FlowStep::Complete`].
#[derive(Debug)]
#[non_exhaustive]
pub struct AuthorizeFlow {
    /// The flow, holding the `executionId` and `authId` of the redirect.
    pub flow: Flow,
    /// The state, nonce and PKCE verifier of the authorization request.
    pub pending: PendingAuthorization,
    /// The application, from the redirect.
    pub application_id: Option<ApplicationId>,
}

/// A flow execution driven step by step.
#[derive(Debug, Clone)]
pub struct Flow {
    client: Client,
    state: FlowState,
}

impl FlowStart {
    /// A start of `flow_type` with no inputs.
    pub fn new(flow_type: FlowType) -> Self {
        Self {
            flow_type,
            application_id: None,
            scopes: None,
            inputs: BTreeMap::new(),
            action: None,
        }
    }

    /// `AUTHENTICATION`.
    pub fn authentication() -> Self {
        Self::new(FlowType::Authentication)
    }

    /// `REGISTRATION`.
    pub fn registration() -> Self {
        Self::new(FlowType::Registration)
    }

    /// `RECOVERY`.
    pub fn recovery() -> Self {
        Self::new(FlowType::Recovery)
    }

    /// Sets the scopes.
    pub fn with_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// Adds an input.
    pub fn with_input(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.inputs.insert(name.into(), value.into());
        self
    }

    /// Sets the application.
    pub fn with_application_id(mut self, application_id: impl Into<ApplicationId>) -> Self {
        self.application_id = Some(application_id.into());
        self
    }
}

impl Client {
    /// A new, unstarted flow.
    pub fn flow(&self) -> Flow {
        Flow {
            client: self.clone(),
            state: FlowState::default(),
        }
    }

    /// A flow continuing from a saved state.
    pub fn resume_flow(&self, state: FlowState) -> Flow {
        Flow {
            client: self.clone(),
            state,
        }
    }

    /// Starts sign-in through `/oauth2/authorize` for apps that may not start flows directly: the 302
    /// is read, not followed, for its `authId` and `executionId`. Continue with [`Flow::resume`].
    pub async fn start_flow_via_authorize(
        &self,
        options: AuthorizeOptions,
    ) -> Result<AuthorizeFlow, Error> {
        let request = self.authorize_url(options).await?;
        let response = self
            .http()
            .send(HttpRequest::new(Method::Get, request.url.as_str()))
            .await?;
        let location = response
            .location
            .as_deref()
            .and_then(|l| request.url.join(l).ok());
        let unexpected = || FlowError::UnexpectedAuthorizeResponse {
            status: response.status,
            location: response.location.clone(),
        };
        let Some(location) = location.filter(|_| matches!(response.status, 302 | 303)) else {
            return Err(unexpected().into());
        };
        if let Some((auth_id, execution_id, application_id)) =
            parse_sign_in_redirect(location.as_str())
        {
            let state = FlowState {
                execution_id: Some(execution_id),
                auth_id: Some(auth_id),
                ..FlowState::default()
            };
            return Ok(AuthorizeFlow {
                flow: self.resume_flow(state),
                pending: request.pending,
                application_id,
            });
        }
        // An error redirect to the app or to the error page: the callback checks type it.
        self.check_callback(&request.pending, location.as_str())
            .await?;
        Err(unexpected().into())
    }

    /// Relays an assertion or error assertion to `POST /oauth2/auth/callback`; the `redirect_uri`.
    pub(crate) async fn relay_assertion(
        &self,
        auth_id: &AuthId,
        assertion: &Assertion,
    ) -> Result<String, Error> {
        let base = self.settings().config.base_url().to_owned();
        let body = AuthCallbackRequest::new(auth_id.clone(), assertion.clone());
        let request =
            HttpRequest::new(Method::Post, format!("{base}/oauth2/auth/callback")).json(&body)?;
        let response = self.http().send(request).await?;
        if !response.is(200) {
            return Err(response.oauth_failure());
        }
        Ok(response.json::<AuthCallbackResponse>()?.redirect_uri)
    }
}

impl Flow {
    /// The state to save, or to inspect.
    pub fn state(&self) -> &FlowState {
        &self.state
    }

    /// The state, consuming the flow.
    pub fn into_state(self) -> FlowState {
        self.state
    }

    /// Starts a new execution (forgetting any previous one): `{applicationId, flowType, verbose:
    /// true, inputs}` with the `Flow-Secret` header when configured.
    pub async fn start(&mut self, start: FlowStart) -> Result<FlowStep, Error> {
        let config = self.client.settings().config.clone();
        let application_id = start
            .application_id
            .or(config.application_id.clone())
            .ok_or(ConfigError::Missing("application_id"))?;
        let mut inputs = start.inputs;
        let scopes = start.scopes.unwrap_or_else(|| config.scopes.clone());
        let scopes = scopes
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if !scopes.is_empty() {
            inputs.insert(REQUESTED_PERMISSIONS.to_owned(), scopes);
        }
        let mut body =
            FlowExecuteRequest::start(application_id, start.flow_type).with_verbose(true);
        body.inputs = (!inputs.is_empty()).then_some(inputs);
        body.action = start.action;
        self.state = FlowState::default();
        let mut request = self.request(&body)?;
        if let Some(secret) = &config.flow_secret {
            request = request.header("Flow-Secret", secret.secret());
        }
        self.send(request).await
    }

    /// Continues without input: `{executionId, verbose: true}` plus the challenge token when one is
    /// held. The first call on an execution created by `/oauth2/authorize`.
    pub async fn resume(&mut self) -> Result<FlowStep, Error> {
        let execution_id = self.live_execution()?;
        let mut body = FlowExecuteRequest::resume(execution_id).with_verbose(true);
        body.challenge_token = self.state.challenge_token.clone();
        let request = self.request(&body)?;
        self.send(request).await
    }

    /// Chooses `action` with `inputs`: `{executionId, action, inputs, challengeToken}`.
    pub async fn submit(
        &mut self,
        action: impl Into<String>,
        inputs: BTreeMap<String, String>,
    ) -> Result<FlowStep, Error> {
        self.step(Some(action.into()), inputs).await
    }

    /// Sends `inputs` without an action (an OTP for a task node, the `code` of a REDIRECTION step).
    pub async fn submit_inputs(
        &mut self,
        inputs: BTreeMap<String, String>,
    ) -> Result<FlowStep, Error> {
        self.step(None, inputs).await
    }

    async fn step(
        &mut self,
        action: Option<String>,
        inputs: BTreeMap<String, String>,
    ) -> Result<FlowStep, Error> {
        let execution_id = self.live_execution()?;
        let body = FlowExecuteRequest {
            execution_id: Some(execution_id),
            challenge_token: self.state.challenge_token.clone(),
            action,
            inputs: Some(inputs),
            ..FlowExecuteRequest::default()
        };
        let request = self.request(&body)?;
        self.send(request).await
    }

    fn live_execution(&self) -> Result<ExecutionId, Error> {
        if self.state.finished {
            return Err(FlowError::Finished.into());
        }
        self.state
            .execution_id
            .clone()
            .ok_or_else(|| FlowError::NotStarted.into())
    }

    fn request(&self, body: &FlowExecuteRequest) -> Result<HttpRequest, Error> {
        let base = self.client.settings().config.base_url().to_owned();
        HttpRequest::new(Method::Post, format!("{base}/flow/execute")).json(body)
    }

    async fn send(&mut self, request: HttpRequest) -> Result<FlowStep, Error> {
        let response = self.client.http().send(request).await?;
        if response.is(200) {
            let body: FlowExecuteResponse = response.json()?;
            return self.on_response(body).await;
        }
        self.on_failure(response).await
    }

    async fn on_response(&mut self, body: FlowExecuteResponse) -> Result<FlowStep, Error> {
        self.state.execution_id = Some(body.execution_id);
        match body.flow_status {
            FlowStatus::Incomplete => {
                // Rotated on every INCOMPLETE; an ERROR (ICS-1002) leaves the last one valid.
                if let Some(token) = body.challenge_token {
                    self.state.challenge_token = Some(token);
                }
                let data = body.data;
                Ok(FlowStep::Incomplete {
                    kind: body.step_type.unwrap_or(StepType::View),
                    inputs: data.inputs,
                    actions: data.actions,
                    components: data.meta.map(|meta| meta.components).unwrap_or_default(),
                    field_errors: data.field_errors,
                    error: body.error,
                    redirect_url: data.redirect_url,
                    additional_data: data.additional_data,
                })
            }
            FlowStatus::Complete => {
                self.state.finished = true;
                self.state.challenge_token = None;
                let redirect_uri = self.relay(body.assertion.as_ref()).await?;
                Ok(FlowStep::Complete {
                    assertion: body.assertion,
                    redirect_uri,
                    additional_data: body.data.additional_data,
                })
            }
            FlowStatus::Error => {
                let redirect_uri = self.relay(body.error_assertion.as_ref()).await?;
                if redirect_uri.is_some() {
                    self.state.finished = true;
                }
                Ok(FlowStep::Error {
                    error: body.error,
                    error_assertion: body.error_assertion,
                    redirect_uri,
                })
            }
        }
    }

    async fn on_failure(&mut self, response: HttpResponse) -> Result<FlowStep, Error> {
        // The server deletes an execution whose continuation it refuses (4xx); a 5xx or 429 is
        // temporary (RFC 9110 §15.6, RFC 6585 §4) and may come from a proxy before the server saw
        // the step, so the execution and challenge token are kept for the caller to send again.
        let temporary = response.status >= 500 || response.status == 429;
        self.state.finished = self.state.execution_id.is_some() && !temporary;
        let Ok(body) = response.json::<FlowErrorResponse>() else {
            return Err(response.api_failure());
        };
        match (body.error_assertion, self.state.auth_id.is_some()) {
            (Some(error_assertion), true) => {
                let redirect_uri = self.relay(Some(&error_assertion)).await?;
                // A relayed error assertion ends the authorization request whatever the status.
                self.state.finished = true;
                Ok(FlowStep::Error {
                    error: Some(body.error),
                    error_assertion: Some(error_assertion),
                    redirect_uri,
                })
            }
            _ => Err(Error::Api {
                status: response.status,
                body: Box::new(body.error),
            }),
        }
    }

    /// Relays to the auth callback when both an assertion and an `authId` are known.
    async fn relay(&self, assertion: Option<&Assertion>) -> Result<Option<String>, Error> {
        match (assertion, &self.state.auth_id) {
            (Some(assertion), Some(auth_id)) => {
                Ok(Some(self.client.relay_assertion(auth_id, assertion).await?))
            }
            _ => Ok(None),
        }
    }
}

/// Reads the `authId`, `executionId` and `applicationId` of a sign-in page URL (the `Location` of
/// the authorize redirect), for apps that receive it themselves.
pub fn parse_sign_in_redirect(
    location: &str,
) -> Option<(AuthId, ExecutionId, Option<ApplicationId>)> {
    let url = Url::parse(location).ok()?;
    let param = |name: &str| {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    Some((
        AuthId::new(param("authId")?),
        ExecutionId::new(param("executionId")?),
        param("applicationId").map(ApplicationId::new),
    ))
}
