//! The control API for tests, under `/__mock/` (off with `--no-control`):
//!
//! * `POST /__mock/reset`: state back to the fixtures, clock back, journal and outbox emptied. 204.
//! * `GET /__mock/clock`, `POST /__mock/clock {"advanceSeconds": N}`: read or move the mock clock.
//! * `GET /__mock/requests[?path=/oauth2/token]`: the request journal.
//! * `GET /__mock/outbox[?recipient=+15550100001]`: messages the mock sent (OTPs, recovery links).
//! * `GET /__mock/stats`: how much live state the mock holds (executions, OAuth entries, …).
//! * `POST /__mock/ciba/{auth_req_id} {"approve": bool}`: answer a backchannel request for its
//!   user, as the e-mailed link and the gate would (204, or the CIBA callback's error).
//! * `POST /__mock/passkeys/attestation` and `POST /__mock/passkeys/assertion`
//!   `{"options", "origin", …}`: the software authenticator answers creation or request options
//!   with the `PublicKeyCredential` JSON a browser would post (`service::authenticator`); options it
//!   cannot answer are a 400 naming them.
//! * `POST /__mock/captcha/token {"verdict"?: "pass" | "fail" | "error"}`: a single-use token the
//!   fake captcha provider (`--fake-captcha`) verifies with that verdict (201 `{"token",
//!   "expiresIn"}`; 400 when the provider is off).
//! * `POST /__mock/faults` (201, the armed rule with its `id`), `GET /__mock/faults`,
//!   `DELETE /__mock/faults` (all) and `DELETE /__mock/faults/{id}`: fault rules (`crate::faults`).
//!   A malformed rule is a 400 naming the field.
//! * `GET /__mock/keys` (the keys, oldest first), `POST /__mock/keys` (201, a new key),
//!   `POST /__mock/keys/rotate` (201, a new active key), `POST /__mock/keys/{kid}/activate`,
//!   `POST /__mock/keys/{kid}/retire`, `POST /__mock/keys/stale-jwks {"fetches": n}` (204) and
//!   `GET /__mock/keys/fetches` (JWKS fetches per client): the key ring (`service::keys`). A
//!   malformed body is a 400 naming the field; an unknown `kid` 404; retiring the active key 409.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::MockError;
use crate::extract::Json;
use crate::faults::{FaultRule, FaultView};
use crate::journal::{JournalEntry, RequestFilter};
use crate::service::authenticator::CeremonyRequest;
use crate::service::{authenticator, captcha, ciba, keys};
use crate::state::AppState;
use crate::store::Stats;
use crate::store::outbox::OutboxMessage;
use crate::tokens::KeyView;
use crate::wire::{GoJson, GoJsonArray};
use tokio::sync::OwnedSemaphorePermit;

pub(crate) async fn reset(State(state): State<AppState>) -> StatusCode {
    state.reset();
    crate::service::import::declarative::reload(&state);
    StatusCode::NO_CONTENT
}

/// The clock as seen by every expiry check.
#[derive(Debug, Serialize)]
pub(crate) struct ClockResponse {
    /// Seconds since the Unix epoch.
    now: u64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct AdvanceClockRequest {
    advance_seconds: u64,
}

pub(crate) async fn clock(State(state): State<AppState>) -> GoJson<ClockResponse> {
    GoJson(ClockResponse { now: state.now() })
}

pub(crate) async fn advance_clock(
    State(state): State<AppState>,
    Json(request): Json<AdvanceClockRequest>,
) -> Result<GoJson<ClockResponse>, MockError> {
    state
        .clock()
        .advance(Duration::from_secs(request.advance_seconds));
    Ok(GoJson(ClockResponse { now: state.now() }))
}

#[derive(Debug, Deserialize)]
pub(crate) struct RequestsQuery {
    path: Option<String>,
}

pub(crate) async fn requests(
    State(state): State<AppState>,
    Query(q): Query<RequestsQuery>,
) -> GoJsonArray<SharedEntry, OwnedSemaphorePermit> {
    let filter = RequestFilter {
        path: q.path,
        ..RequestFilter::default()
    };
    let (entries, permit) = state.journal().listing(&filter).await;
    GoJsonArray::new(entries.into_iter().map(SharedEntry).collect(), permit)
}

/// A journal entry serialized in place: the listing never copies the bodies it sends.
#[derive(Debug)]
pub(crate) struct SharedEntry(Arc<JournalEntry>);

impl Serialize for SharedEntry {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct OutboxQuery {
    recipient: Option<String>,
}

pub(crate) async fn outbox(
    State(state): State<AppState>,
    Query(q): Query<OutboxQuery>,
) -> GoJson<Vec<OutboxMessage>> {
    GoJson(
        state
            .stores()
            .outbox
            .read(|o| o.list(q.recipient.as_deref())),
    )
}

pub(crate) async fn stats(State(state): State<AppState>) -> GoJson<Stats> {
    GoJson(state.stores().stats())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DecisionRequest {
    approve: bool,
}

/// `POST /__mock/ciba/{auth_req_id}` `{"approve": bool}`: answer a backchannel request for its
/// user. 204, or the CIBA callback's error.
pub(crate) async fn decide_backchannel(
    State(state): State<AppState>,
    Path(auth_req_id): Path<String>,
    Json(request): Json<DecisionRequest>,
) -> Result<StatusCode, MockError> {
    ciba::decide(&state, &auth_req_id, request.approve)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /__mock/passkeys/attestation`: a new credential for creation options.
pub(crate) async fn passkey_attestation(
    State(state): State<AppState>,
    Json(request): Json<CeremonyRequest>,
) -> Result<GoJson<Value>, MockError> {
    authenticator::attest(&state, &request).map(GoJson)
}

/// `POST /__mock/passkeys/assertion`: an assertion for request options.
pub(crate) async fn passkey_assertion(
    State(state): State<AppState>,
    Json(request): Json<CeremonyRequest>,
) -> Result<GoJson<Value>, MockError> {
    authenticator::assert(&state, &request).map(GoJson)
}

/// `POST /__mock/captcha/token`: a single-use token for the fake captcha provider. 201.
pub(crate) async fn captcha_token(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, GoJson<Value>), MockError> {
    captcha::issue(&state, &body).map(|token| (StatusCode::CREATED, GoJson(token)))
}

/// `POST /__mock/faults`: arm a rule. 201 with the rule as listed.
pub(crate) async fn add_fault(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, GoJson<Value>), MockError> {
    let value: Value = serde_json::from_slice(&body)
        .map_err(|_| MockError::ControlPlane("rule: invalid JSON body".to_owned()))?;
    let rule = FaultRule::from_json(&value).map_err(|e| MockError::ControlPlane(e.to_string()))?;
    let faults = state.faults();
    let id = faults
        .add(rule)
        .map_err(|e| MockError::ControlPlane(e.to_string()))?;
    let view = faults.list().into_iter().find(|v| v.id == id);
    Ok((
        StatusCode::CREATED,
        GoJson(view.map_or(Value::Null, |v| v.to_json())),
    ))
}

/// `GET /__mock/faults`: every armed rule, oldest first, with its counters.
pub(crate) async fn list_faults(State(state): State<AppState>) -> GoJson<Vec<Value>> {
    GoJson(
        state
            .faults()
            .list()
            .iter()
            .map(FaultView::to_json)
            .collect(),
    )
}

/// `DELETE /__mock/faults`: disarm every rule. 204.
pub(crate) async fn clear_faults(State(state): State<AppState>) -> StatusCode {
    state.faults().clear();
    StatusCode::NO_CONTENT
}

/// `DELETE /__mock/faults/{id}`: disarm one rule. 204, or 404 for an unknown id.
pub(crate) async fn remove_fault(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, MockError> {
    if state.faults().remove(&id) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(MockError::NotFound)
    }
}

/// `GET /__mock/keys`: every key since the last reset, oldest first.
pub(crate) async fn list_keys(State(state): State<AppState>) -> GoJson<Vec<Value>> {
    GoJson(
        state
            .signer()
            .ring()
            .list()
            .iter()
            .map(KeyView::to_json)
            .collect(),
    )
}

/// `POST /__mock/keys`: add a key. 201 with the key as listed.
pub(crate) async fn add_key(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, GoJson<Value>), MockError> {
    let view = keys::add(&state, &body)?;
    Ok((StatusCode::CREATED, GoJson(view.to_json())))
}

/// `POST /__mock/keys/rotate`: a new active key. 201 with the key as listed.
pub(crate) async fn rotate_key(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, GoJson<Value>), MockError> {
    let view = keys::rotate(&state, &body)?;
    Ok((StatusCode::CREATED, GoJson(view.to_json())))
}

/// `POST /__mock/keys/{kid}/activate`: the key as listed.
pub(crate) async fn activate_key(
    State(state): State<AppState>,
    Path(kid): Path<String>,
) -> Result<GoJson<Value>, MockError> {
    Ok(GoJson(state.signer().ring().activate(&kid)?.to_json()))
}

/// `POST /__mock/keys/{kid}/retire`: the key as listed.
pub(crate) async fn retire_key(
    State(state): State<AppState>,
    Path(kid): Path<String>,
) -> Result<GoJson<Value>, MockError> {
    Ok(GoJson(state.signer().ring().retire(&kid)?.to_json()))
}

/// `POST /__mock/keys/stale-jwks`: 204.
pub(crate) async fn stale_jwks(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<StatusCode, MockError> {
    keys::stale_jwks(&state, &body)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /__mock/keys/fetches`: how often the JWKS was fetched, in total and per client.
pub(crate) async fn jwks_fetches(State(state): State<AppState>) -> GoJson<Value> {
    GoJson(state.jwks_fetches().snapshot().to_json())
}
