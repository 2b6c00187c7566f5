//! `POST /flow/sign-in` ([`handle_flow`]): the embedded sign-in loop, one flow step per request.

use std::collections::BTreeMap;

use ::axum::body::Bytes;
use ::axum::http::HeaderMap;
use ::axum::http::header::SET_COOKIE;
use ::axum::response::{IntoResponse, Json, Response};
use serde::{Deserialize, Serialize};
use thunderid_protocol::error::ApiError;
use thunderid_protocol::flow::{Component, FieldError, FlowStatus, FlowType, StepType};
use thunderid_protocol::ids::{AuthId, ExecutionId};
use thunderid_protocol::secret::ChallengeToken;
use url::Url;

use super::error::HandlerError;
use super::{BROWSER_COOKIE, Mode, ThunderId, cookies};
use crate::Client;
use crate::flow::{Flow, FlowState, FlowStep};
use crate::oauth2::AuthorizeOptions;
use crate::oauth2::authorize::random_token;
use crate::session::PENDING_SIGN_IN_TTL;

/// The Express SDK's spelling of `AUTHENTICATION` (sdk-http-calls §4.1).
const EXPRESS_SIGN_IN: &str = "SIGN_IN";

/// A request to `POST /flow/sign-in`. Without `executionId` it starts a flow; with one it advances
/// it. Unknown fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FlowRequestBody {
    /// Start: the application; must be this app's when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    /// Start: `AUTHENTICATION` (default; `SIGN_IN` is accepted). Nothing else signs in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_type: Option<String>,
    /// Continue: the execution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_id: Option<ExecutionId>,
    /// Continue: the challenge token of the previous answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge_token: Option<ChallengeToken>,
    /// Continue: the authorization request of the flow (from the first answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_id: Option<AuthId>,
    /// Continue: the chosen action (an ACTION component's `id`); none for inputs-only steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Continue: the values, keyed by the input components' `ref`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<BTreeMap<String, String>>,
}

/// An answer of `POST /flow/sign-in` (always HTTP 200; failures are [`HandlerError`]s).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FlowResponseBody {
    /// The flow is over: navigate to `redirectUrl` (`/login?code=…&state=…`, or `?error=…`).
    Done(FlowDone),
    /// The flow goes on, or failed in band: render `components`, post the next step.
    View(FlowView),
}

/// `{"done": true, "redirectUrl": "/login?code=…&state=…"}`; when the server ended the flow with an
/// error, also `flowStatus: "ERROR"` and `error`, and `redirectUrl` carries `error=…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FlowDone {
    /// Always `true`.
    pub done: bool,
    /// The app's redirect URI with the server's parameters; relative (path and query) when it is
    /// on the redirect URI's origin.
    pub redirect_url: String,
    /// `ERROR` when the flow failed; absent on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_status: Option<FlowStatus>,
    /// Why the flow failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ApiError>,
}

/// The Express SDK's `{executionId, challengeToken, authId, components, flowStatus}`, plus what it
/// drops: `error` (a wrong password's `FET-1005`, a stale challenge token's `ICS-1002`),
/// `fieldErrors`, `additionalData`, and for a REDIRECTION step `type` and `redirectURL` (the
/// identity provider to send the browser to). Empty extras are omitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FlowView {
    /// The execution, to send back.
    pub execution_id: Option<ExecutionId>,
    /// The challenge token to send back with the next step (after an in-band `ERROR`, the last one,
    /// which is still valid).
    pub challenge_token: Option<ChallengeToken>,
    /// The authorization request, to send back.
    pub auth_id: Option<AuthId>,
    /// The UI to render.
    pub components: Vec<Component>,
    /// `INCOMPLETE`, or `ERROR` for an in-band failure.
    pub flow_status: FlowStatus,
    /// `REDIRECTION` when the browser must visit `redirectURL`; absent for `VIEW`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub step_type: Option<StepType>,
    /// The identity provider's URL of a REDIRECTION step.
    #[serde(
        default,
        rename = "redirectURL",
        skip_serializing_if = "Option::is_none"
    )]
    pub redirect_url: Option<String>,
    /// Why the step is shown again, or why the flow failed in band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ApiError>,
    /// Failed validation rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub field_errors: Vec<FieldError>,
    /// Executor output (`otpLength`, `consentPrompt`, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub additional_data: BTreeMap<String, String>,
}

/// `POST /flow/sign-in`: starts or advances the embedded sign-in (see [`FlowRequestBody`],
/// [`FlowResponseBody`]). A start also sets the [`BROWSER_COOKIE`] that `/login` checks.
pub async fn handle_flow(
    thunder: ThunderId,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, HandlerError> {
    let client = thunder.client()?;
    if thunder.inner.mode != Mode::Embedded {
        return Err(HandlerError::EmbeddedDisabled);
    }
    let request = parse_body(&body)?;
    match request.execution_id.clone() {
        None => {
            let (answer, browser) = start(&thunder, client, &request, &headers).await?;
            let cookie = cookies::set(
                BROWSER_COOKIE,
                &browser,
                PENDING_SIGN_IN_TTL,
                thunder.inner.secure_cookies,
            );
            Ok(([(SET_COOKIE, cookie)], Json(answer)).into_response())
        }
        Some(execution_id) => {
            let answer = advance(&thunder, client, request, execution_id).await?;
            Ok(Json(answer).into_response())
        }
    }
}

/// The body as JSON; an empty body is `{}` (Express's `req.body ?? {}`).
fn parse_body(body: &[u8]) -> Result<FlowRequestBody, HandlerError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(FlowRequestBody::default());
    }
    serde_json::from_slice(body)
        .map_err(|e| HandlerError::BadRequest(format!("the body is not a flow request: {e}")))
}

/// Starts sign-in through `/oauth2/authorize` and shows its first step. Returns the answer and the
/// browser id the sign-in is bound to.
async fn start(
    thunder: &ThunderId,
    client: &Client,
    request: &FlowRequestBody,
    headers: &HeaderMap,
) -> Result<(FlowResponseBody, String), HandlerError> {
    check_flow_type(request.flow_type.as_deref())?;
    let started = client
        .start_flow_via_authorize(AuthorizeOptions::default())
        .await
        .map_err(HandlerError::Flow)?;
    if let (Some(asked), Some(actual)) = (&request.application_id, &started.application_id)
        && asked != actual.as_str()
    {
        return Err(HandlerError::BadRequest(format!(
            "applicationId {asked} is not this app's application ({actual})"
        )));
    }
    let browser = cookies::get(headers, BROWSER_COOKIE).unwrap_or_else(random_token);
    thunder
        .inner
        .pending
        .insert_sign_in(started.pending, browser.clone(), client.now())
        .map_err(|_| HandlerError::Busy)?;
    let mut flow = started.flow;
    let step = flow.resume().await.map_err(HandlerError::Flow)?;
    Ok((answer(thunder, &flow, step)?, browser))
}

fn check_flow_type(flow_type: Option<&str>) -> Result<(), HandlerError> {
    match flow_type {
        None | Some(EXPRESS_SIGN_IN) => Ok(()),
        Some(other) if FlowType::parse(other) == FlowType::Authentication => Ok(()),
        Some(other) => Err(HandlerError::BadRequest(format!(
            "flowType {other} is not supported here: this endpoint signs in \
             (AUTHENTICATION, or SIGN_IN)"
        ))),
    }
}

/// One step with the request's action and inputs.
async fn advance(
    thunder: &ThunderId,
    client: &Client,
    request: FlowRequestBody,
    execution_id: ExecutionId,
) -> Result<FlowResponseBody, HandlerError> {
    let state = FlowState {
        execution_id: Some(execution_id),
        challenge_token: request.challenge_token,
        auth_id: request.auth_id,
        finished: false,
    };
    let mut flow = client.resume_flow(state);
    let inputs = request.inputs.unwrap_or_default();
    let action = request.action.filter(|action| !action.is_empty());
    let step = match action {
        Some(action) => flow.submit(action, inputs).await,
        None if inputs.is_empty() => flow.resume().await,
        None => flow.submit_inputs(inputs).await,
    }
    .map_err(HandlerError::Flow)?;
    answer(thunder, &flow, step)
}

fn answer(
    thunder: &ThunderId,
    flow: &Flow,
    step: FlowStep,
) -> Result<FlowResponseBody, HandlerError> {
    let state = flow.state();
    let view = |flow_status, error| FlowView {
        execution_id: state.execution_id.clone(),
        challenge_token: state.challenge_token.clone(),
        auth_id: state.auth_id.clone(),
        components: Vec::new(),
        flow_status,
        step_type: None,
        redirect_url: None,
        error,
        field_errors: Vec::new(),
        additional_data: BTreeMap::new(),
    };
    let done = |redirect_uri: &str, flow_status, error| {
        FlowResponseBody::Done(FlowDone {
            done: true,
            redirect_url: app_relative(redirect_uri, thunder.inner.redirect_uri.as_deref()),
            flow_status,
            error,
        })
    };
    Ok(match step {
        FlowStep::Incomplete {
            kind,
            components,
            field_errors,
            error,
            redirect_url,
            additional_data,
            ..
        } => FlowResponseBody::View(FlowView {
            components,
            step_type: (kind == StepType::Redirection).then_some(kind),
            redirect_url,
            field_errors,
            additional_data,
            ..view(FlowStatus::Incomplete, error)
        }),
        FlowStep::Complete {
            redirect_uri: Some(uri),
            ..
        } => done(&uri, None, None),
        FlowStep::Complete {
            redirect_uri: None, ..
        } => return Err(HandlerError::NoRedirect),
        FlowStep::Error {
            error,
            redirect_uri: Some(uri),
            ..
        } => done(&uri, Some(FlowStatus::Error), error),
        FlowStep::Error {
            error,
            redirect_uri: None,
            ..
        } => FlowResponseBody::View(view(FlowStatus::Error, error)),
    })
}

/// `uri` as path and query when it is on the origin of the app's redirect URI, else unchanged.
fn app_relative(uri: &str, redirect_uri: Option<&str>) -> String {
    let parsed = Url::parse(uri);
    let base = redirect_uri.and_then(|r| Url::parse(r).ok());
    match (parsed, base) {
        (Ok(url), Some(base)) if url.origin() == base.origin() => match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        },
        _ => uri.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_redirect_becomes_relative_on_the_apps_origin_only() {
        let base = Some("http://localhost:3000/login");
        assert_eq!(
            app_relative("http://localhost:3000/login?code=c&state=s", base),
            "/login?code=c&state=s"
        );
        assert_eq!(
            app_relative("http://elsewhere.example/cb?code=c", base),
            "http://elsewhere.example/cb?code=c"
        );
        assert_eq!(app_relative("not a url", base), "not a url");
    }

    #[test]
    fn sign_in_spellings_are_accepted_and_other_flow_types_refused() {
        assert!(check_flow_type(None).is_ok());
        assert!(check_flow_type(Some("SIGN_IN")).is_ok());
        assert!(check_flow_type(Some("AUTHENTICATION")).is_ok());
        assert!(matches!(
            check_flow_type(Some("REGISTRATION")),
            Err(HandlerError::BadRequest(_))
        ));
    }

    #[test]
    fn an_empty_body_starts_and_a_malformed_one_is_refused() {
        assert_eq!(parse_body(b" \n").ok(), Some(FlowRequestBody::default()));
        assert!(matches!(
            parse_body(b"{\"inputs\": 3}"),
            Err(HandlerError::BadRequest(_))
        ));
    }
}
