//! `POST /flow/execute` (V2): start or continue a flow execution, and `GET /flow/meta`. `OPTIONS`
//! is answered by the CORS layer.
//!
//! The body is decoded as the server decodes it (`utils.DecodeJSONBody`): the first JSON value,
//! unknown members ignored, malformed JSON 400 FES-1001. Every string is sanitized (trimmed,
//! control characters removed, `utils.SanitizeString`; HTML-escaped too on the v1.0.x line). In-band outcomes are HTTP 200; HTTP-level
//! errors come from `MockError::Api`.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::{FlowExecuteRequest, FlowExecuteResponse};
use thunderid_protocol::ids::ExecutionId;
use thunderid_protocol::secret::{Assertion, ChallengeToken};

use thunderid_protocol::flow::FlowMetadataResponse;

use crate::error::MockError;
use crate::flow::env::FlowCaller;
use crate::security::Principal;
use crate::service::flow::{
    self as service, Command, ContinueCommand, Executed, SsoCookie, StartCommand,
};
use crate::service::flow_meta::{self, MetaQuery};
use crate::service::sso;
use crate::state::AppState;
use crate::store::sessions::ABSOLUTE_TIMEOUT;
use crate::wire::{GoJson, decode_first_json, sanitize_escaping};

/// `POST /flow/execute`.
pub(crate) async fn execute_flow(
    State(state): State<AppState>,
    caller: Option<Principal>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, MockError> {
    let request = decode(&body)?;
    // The v1.0.x line's sanitizer HTML-escapes every string it cleans.
    let escape = state.config().version.is_v1_0();
    let clean = |value: &str| sanitize_escaping(value, escape);
    let command = command(&clean, caller.as_ref(), &headers, request);
    let executed = service::execute(&state, command)?;
    Ok(respond(executed, state.config().is_https()))
}

/// `GET /flow/meta`.
pub(crate) async fn flow_meta(
    State(state): State<AppState>,
    Query(query): Query<MetaQuery>,
) -> Result<GoJson<FlowMetadataResponse>, MockError> {
    Ok(GoJson(flow_meta::flow_meta(&state, &query)?))
}

/// The first JSON value of the body; `null` is an empty request, anything but an object FES-1001.
fn decode(body: &[u8]) -> Result<FlowExecuteRequest, MockError> {
    let invalid = || MockError::api(ApiErrorCode::FlowInvalidRequestPayload);
    match decode_first_json::<Value>(body) {
        Some(Value::Null) => Ok(FlowExecuteRequest::default()),
        Some(value @ Value::Object(_)) => serde_json::from_value(value).map_err(|_| invalid()),
        Some(_) | None => Err(invalid()),
    }
}

/// Translate the wire request into a start or a continuation.
fn command(
    sanitize: &dyn Fn(&str) -> String,
    caller: Option<&Principal>,
    headers: &HeaderMap,
    request: FlowExecuteRequest,
) -> Command {
    let execution_id = request
        .execution_id
        .as_ref()
        .map(|id| sanitize(id.as_str()))
        .unwrap_or_default();
    let action = request
        .action
        .as_deref()
        .map(sanitize)
        .filter(|a| !a.is_empty());
    let caller = caller.filter(|p| !p.subject.is_empty()).map(flow_caller);
    let cookies = headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(sso::parse_cookies)
        .unwrap_or_default();
    let inputs: BTreeMap<String, String> = request
        .inputs
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, sanitize(&v)))
        .collect();
    if !execution_id.is_empty() {
        let challenge_token = request
            .challenge_token
            .as_ref()
            .map(|t| sanitize(t.secret()))
            .unwrap_or_default();
        return Command::Continue(ContinueCommand {
            execution_id,
            challenge_token,
            action,
            inputs,
            trusted: false,
            gate_browser: None,
            caller,
            cookies,
        });
    }
    Command::Start(StartCommand {
        application_id: request
            .application_id
            .as_ref()
            .map(|id| sanitize(id.as_str()))
            .unwrap_or_default(),
        flow_type: request
            .flow_type
            .as_ref()
            .map(|t| sanitize(t.as_str()))
            .unwrap_or_default(),
        flow_id: request
            .flow_id
            .as_ref()
            .map(|id| sanitize(id.as_str()))
            .unwrap_or_default(),
        verbose: request.verbose.unwrap_or(false),
        action,
        inputs,
        flow_secret: header_value(sanitize, headers, "flow-secret"),
        attestation_token: header_value(sanitize, headers, "attestation-token"),
        caller,
        cookies,
    })
}

/// The security middleware's verified caller, as the flow sees it.
fn flow_caller(principal: &Principal) -> FlowCaller {
    FlowCaller {
        subject: principal.subject.clone(),
        permissions: principal.permissions.clone(),
        ou_id: principal.claim("ouId").unwrap_or_default().to_owned(),
    }
}

fn header_value(sanitize: &dyn Fn(&str) -> String, headers: &HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(sanitize)
        .unwrap_or_default()
}

/// The wire response, with the SSO cookie set (a new session) or cleared (a sign-out).
fn respond(executed: Executed, secure: bool) -> Response {
    let cookie = executed.sso_cookie.clone();
    let mut response = GoJson(to_wire(executed)).into_response();
    if let Some(cookie) = cookie.map(|c| set_cookie(&c, secure))
        && let Ok(value) = HeaderValue::from_str(&cookie)
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The `Set-Cookie` value for an SSO cookie (`session/transport.go`).
pub(crate) fn set_cookie(cookie: &SsoCookie, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match cookie {
        SsoCookie::Set { name, handle } => format!(
            "{name}={handle}; Path=/; Max-Age={ABSOLUTE_TIMEOUT}; HttpOnly{secure}; SameSite=Lax"
        ),
        SsoCookie::Clear { name } => {
            format!("{name}=; Path=/; Max-Age=0; HttpOnly{secure}; SameSite=Lax")
        }
    }
}

fn to_wire(executed: Executed) -> FlowExecuteResponse {
    FlowExecuteResponse {
        execution_id: ExecutionId::new(executed.execution_id),
        flow_status: executed.status,
        step_type: executed.step_type,
        challenge_token: executed.challenge_token.map(ChallengeToken::new),
        data: executed.data,
        assertion: executed.assertion.map(Assertion::new),
        error_assertion: executed.error_assertion.map(Assertion::new),
        error: executed.error,
    }
}
