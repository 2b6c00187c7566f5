//! AuthZEN (see `service::authzen`): the discovery document and the three evaluation calls, which
//! need `Direct-Auth-Secret` (the direct authentication API's guard, `routes::authn::guarded`).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use thunderid_protocol::authzen::AuthzenConfiguration;

use super::authn::guarded;
use crate::service::authzen;
use crate::state::AppState;
use crate::wire::GoJson;

/// `GET /.well-known/authzen-configuration`.
pub(crate) async fn configuration(State(state): State<AppState>) -> GoJson<AuthzenConfiguration> {
    GoJson(authzen::configuration(&state))
}

/// `POST /access/v1/evaluation`.
pub(crate) async fn evaluation(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    guarded(&state, &headers, || {
        authzen::evaluate(&state, &body).map(|r| GoJson(r).into_response())
    })
}

/// `POST /access/v1/evaluations`.
pub(crate) async fn evaluations(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    guarded(&state, &headers, || {
        authzen::evaluate_all(&state, &body).map(|r| GoJson(r).into_response())
    })
}

/// `POST /access/v1/search/action`.
pub(crate) async fn search_action(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    guarded(&state, &headers, || {
        authzen::search_actions(&state, &body).map(|r| GoJson(r).into_response())
    })
}
