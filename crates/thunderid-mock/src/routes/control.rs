//! The control API for tests, under `/__mock/` (off with `--no-control`):
//!
//! * `POST /__mock/reset`: state back to the fixtures, clock back, journal and outbox emptied. 204.
//! * `GET /__mock/clock`, `POST /__mock/clock {"advanceSeconds": N}`: read or move the mock clock.
//! * `GET /__mock/requests[?path=/oauth2/token]`: the request journal.
//! * `GET /__mock/outbox[?recipient=+15550100001]`: messages the mock sent (OTPs, recovery links).
//! * `GET /__mock/stats`: how much live state the mock holds (executions, OAuth entries, …).

use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use crate::error::MockError;
use crate::extract::Json;
use crate::journal::JournalEntry;
use crate::state::AppState;
use crate::store::Stats;
use crate::store::outbox::OutboxMessage;
use crate::wire::GoJson;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/__mock/reset", post(reset))
        .route("/__mock/clock", get(clock).post(advance_clock))
        .route("/__mock/requests", get(requests))
        .route("/__mock/outbox", get(outbox))
        .route("/__mock/stats", get(stats))
}

async fn reset(State(state): State<AppState>) -> StatusCode {
    state.reset();
    StatusCode::NO_CONTENT
}

/// The clock as seen by every expiry check.
#[derive(Debug, Serialize)]
struct ClockResponse {
    /// Seconds since the Unix epoch.
    now: u64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AdvanceClockRequest {
    advance_seconds: u64,
}

async fn clock(State(state): State<AppState>) -> GoJson<ClockResponse> {
    GoJson(ClockResponse { now: state.now() })
}

async fn advance_clock(
    State(state): State<AppState>,
    Json(request): Json<AdvanceClockRequest>,
) -> Result<GoJson<ClockResponse>, MockError> {
    state
        .clock()
        .advance(Duration::from_secs(request.advance_seconds));
    Ok(GoJson(ClockResponse { now: state.now() }))
}

#[derive(Debug, Deserialize)]
struct RequestsQuery {
    path: Option<String>,
}

async fn requests(
    State(state): State<AppState>,
    Query(q): Query<RequestsQuery>,
) -> GoJson<Vec<JournalEntry>> {
    GoJson(state.journal().list(q.path.as_deref()))
}

#[derive(Debug, Deserialize)]
struct OutboxQuery {
    recipient: Option<String>,
}

async fn outbox(
    State(state): State<AppState>,
    Query(q): Query<OutboxQuery>,
) -> GoJson<Vec<OutboxMessage>> {
    GoJson(state.db().outbox.list(q.recipient.as_deref()))
}

async fn stats(State(state): State<AppState>) -> GoJson<Stats> {
    GoJson(state.db().stats())
}
