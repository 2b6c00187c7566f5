//! AuthZEN (see `service::authzen`): the discovery document and the three evaluation calls, which
//! need `Direct-Auth-Secret`. A refused secret is a bare 401: the guard runs outside the route's
//! CORS wrapper.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use thunderid_protocol::authzen::AuthzenConfiguration;

use crate::cors::NoCors;
use crate::error::MockError;
use crate::service::authzen;
use crate::state::AppState;
use crate::wire::GoJson;

/// The header the direct-auth guard reads.
const DIRECT_AUTH_SECRET: &str = "direct-auth-secret";

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

/// Run `call` behind the direct-auth guard.
fn guarded(
    state: &AppState,
    headers: &HeaderMap,
    call: impl FnOnce() -> Result<Response, MockError>,
) -> Response {
    let given = headers.get(DIRECT_AUTH_SECRET).map(|v| v.as_bytes());
    if let Err(refused) = authzen::check_secret(state, given) {
        let mut response = refused.into_response();
        response.extensions_mut().insert(NoCors);
        return response;
    }
    call().unwrap_or_else(IntoResponse::into_response)
}
