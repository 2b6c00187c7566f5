//! The V1 app-native sign-in API (seed 002; sdk-http-calls §3), served from the same flows, codes
//! and tokens as V2:
//!
//! * `POST /oauth2/authorize` (a form) or `GET` with `response_mode=direct`: the usual authorize
//!   validation, then the first step of the client's AUTHENTICATION flow as JSON
//!   ([`V1FlowInitiateResponse`]) instead of a redirect. Errors are OAuth JSON errors (envelope B)
//!   with their status; nothing redirects. A confidential client may send `client_secret`, which
//!   must then be right (401 `invalid_client`). A `POST` without `response_mode=direct` is 405, as
//!   the real server registers only `GET`.
//! * `POST /oauth2/authn {flowId, selectedAuthenticator}`: one step ([`AuthnResponse`]):
//!   `INCOMPLETE` with the next step, `FAIL_INCOMPLETE` with `nextStep.messages` when a step failed
//!   and the flow goes on, `FAIL_COMPLETED` when it cannot (`server.flow.maxFailedAttempts`
//!   failures, default 5; the execution's absolute lifetime passed), `SUCCESS_COMPLETED` with
//!   `authData{code, state, session_state}`: a code of the same kind `/oauth2/auth/callback`
//!   mints, exchanged at `/oauth2/token` as usual.
//! * Both also under `/t/carbon.super/` (other tenants are 404); `links[0].href` is the absolute
//!   `/oauth2/authn` URL under the prefix the call came through.
//!
//! Errors of `/oauth2/authn` use envelope A (`{code, message, description}`): the V1-era server
//! answered `{code, message, description}` errors, and the SDK's `parseApiErrorMessage` turns
//! envelope A into a readable message (`message.defaultValue`). A malformed body is FES-1001, an
//! unknown or finished `flowId` FES-1004, an authenticator the current step does not offer
//! FLC-1002; all 400.

mod step;

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use thunderid_protocol::flow::{
    AuthnRequest, AuthnResponse, FlowType, Link, V1FlowInitiateResponse, V1FlowStatus,
};
use thunderid_protocol::ids::FlowId;
use thunderid_protocol::oauth2::AuthorizeRequest;
use thunderid_protocol::{ApiErrorCode, OAuthErrorCode};

use super::{Refusal, authorize, params};
use crate::error::MockError;
use crate::extract::decode_first_json;
use crate::flow::v1::V1Flow;
use crate::routes::discovery::TenantPrefix;
use crate::routes::flow::sanitize;
use crate::state::AppState;
use crate::tokens::issue::new_uuid_v7;
use crate::wire::GoJson;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth2/authn", post(authn))
        .route("/t/{tenant}/oauth2/authn", post(authn))
}

/// Whether an authorize request asks for the V1 JSON answer.
pub(super) fn is_direct(request: &AuthorizeRequest) -> bool {
    request.response_mode.as_deref() == Some("direct")
}

/// `POST /oauth2/authorize`: the form body and the query, read as Go's `r.ParseForm()` does.
pub(super) async fn authorize_form(
    State(state): State<AppState>,
    TenantPrefix(prefix): TenantPrefix,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, MockError> {
    let mut raw = String::new();
    if params::is_form_body(&headers) {
        raw.push_str(&String::from_utf8_lossy(&body));
    }
    if let Some(query) = query {
        raw.push('&');
        raw.push_str(&query);
    }
    let direct = params::parse_query(&raw)
        .0
        .iter()
        .any(|(name, value)| name == "response_mode" && value == "direct");
    if !direct {
        return Err(MockError::MethodNotAllowed { allow: "GET, HEAD" });
    }
    let request = authorize::parse_request(&raw)?;
    initiate(&state, prefix, &request)
}

/// Validate, store the request, run the flow to its first step and describe it.
pub(super) fn initiate(
    state: &AppState,
    prefix: &str,
    request: &AuthorizeRequest,
) -> Result<Response, MockError> {
    check_client_secret(state, request)?;
    let accepted = authorize::validate(state, request).map_err(refusal_error)?;
    let begun = authorize::begin(state, accepted).map_err(refusal_error)?;
    let execution_id = begun.execution_id.as_str().to_owned();
    let first = step::run(
        state,
        &execution_id,
        None,
        BTreeMap::new(),
        &begun.redirect_uri,
    );
    let (step, expires_at) = match first {
        Ok(step::Ran {
            step: Some(step),
            expires_at: Some(expires_at),
            ..
        }) => (step, expires_at),
        other => {
            if let Err(error) = &other {
                tracing::warn!(%error, "the V1 flow could not run its first step");
            } else {
                tracing::warn!("the first step of the flow has no V1 authenticator");
            }
            let mut db = state.db();
            db.flows.remove(&execution_id);
            db.oauth.remove_request(&begun.auth_id);
            return Err(MockError::oauth(
                OAuthErrorCode::ServerError,
                "Failed to process authorization request",
            ));
        }
    };
    let flow_id = new_uuid_v7();
    let next_step = step.next_step.clone();
    let flow = V1Flow {
        execution_id,
        auth_id: begun.auth_id,
        redirect_uri: begun.redirect_uri,
        step,
        failed_attempts: 0,
        expires_at,
    };
    let now = state.now();
    state.db().v1_flows.insert(flow_id.clone(), flow, now);
    let response = V1FlowInitiateResponse {
        flow_id: FlowId::new(flow_id),
        flow_status: V1FlowStatus::Incomplete,
        flow_type: FlowType::Authentication,
        next_step,
        links: links(state, prefix),
    };
    Ok(GoJson(response).into_response())
}

/// `POST /oauth2/authn`: one step of a V1 flow.
async fn authn(
    State(state): State<AppState>,
    TenantPrefix(prefix): TenantPrefix,
    body: Bytes,
) -> Result<GoJson<AuthnResponse>, MockError> {
    let request: AuthnRequest = decode_first_json(&body)
        .ok_or_else(|| MockError::api(ApiErrorCode::FlowInvalidRequestPayload))?;
    let flow_id = sanitize(request.flow_id.as_str());
    let flow = state
        .db()
        .v1_flows
        .take(&flow_id)
        .ok_or_else(|| MockError::api(ApiErrorCode::FlowInvalidExecutionId))?;
    let selected = &request.selected_authenticator;
    let params: BTreeMap<String, String> = selected
        .params
        .iter()
        .map(|(name, value)| (name.clone(), sanitize(value)))
        .collect();
    let selection = step::Selection {
        authenticator_id: sanitize(&selected.authenticator_id),
        params,
    };
    let response = step::authenticate(&state, prefix, flow_id, flow, &selection)?;
    Ok(GoJson(response))
}

/// `links`: where the next step goes, absolute (Next.js V1 calls `links[0].href` without a base URL).
fn links(state: &AppState, prefix: &str) -> Vec<Link> {
    vec![Link {
        name: "authentication".to_owned(),
        href: state.url(&format!("{prefix}/oauth2/authn")),
        method: "POST".to_owned(),
    }]
}

/// A refused authorization as the JSON error it is in direct mode.
fn refusal_error(refusal: Refusal) -> MockError {
    match refusal {
        Refusal::Gate { error, message, .. } | Refusal::Client { error, message, .. } => {
            MockError::oauth(error, message)
        }
    }
}

/// A `client_secret` sent by a confidential client must be its secret. Public clients have none to
/// check (the Next.js SDK substitutes whatever it is configured with), and an unknown client is
/// left to the validation that follows.
fn check_client_secret(state: &AppState, request: &AuthorizeRequest) -> Result<(), MockError> {
    let sent = request.client_secret.as_deref().unwrap_or_default();
    let client_id = request.client_id.as_deref().unwrap_or_default();
    let expected = state
        .application_by_client_id(client_id)
        .and_then(|app| app.oauth.as_ref())
        .and_then(|oauth| oauth.client_secret.as_deref())
        .filter(|secret| !secret.is_empty());
    match expected {
        Some(expected) if !sent.is_empty() && !constant_time_eq(expected, sent) => Err(
            MockError::oauth(OAuthErrorCode::InvalidClient, "Invalid client credentials"),
        ),
        Some(_) | None => Ok(()),
    }
}

/// Compare without revealing how much matched.
fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
