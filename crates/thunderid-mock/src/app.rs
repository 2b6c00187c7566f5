//! [`router`]: every route of the mock, with the layers applied once: request journal, CORS and
//! tracing. Each `routes/` module contributes a `Router<AppState>`.

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, Uri, header};
use axum::middleware;
use axum::response::Response;
use tower_http::trace::TraceLayer;

use crate::error::MockError;
use crate::journal::{self, Journal};
use crate::routes;
use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    let mut app = Router::new()
        .merge(routes::health::routes())
        .merge(routes::discovery::routes())
        .merge(routes::oauth2::routes())
        .merge(routes::flow::routes())
        .merge(routes::flow_meta::routes())
        .merge(routes::users::routes())
        .merge(routes::organizations::routes())
        .merge(routes::gate::routes())
        .merge(routes::idp::routes());
    if state.config().control_enabled {
        app = app.merge(routes::control::routes());
    }
    app.fallback(unknown_path)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::cors::cors,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            journal::record,
        ))
        .layer(DefaultBodyLimit::max(Journal::REQUEST_LIMIT))
        .layer(middleware::map_response(deny_framing))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Paths the real server's security middleware lets through without a token
/// (`backend/internal/system/security/permissions.go`), plus the mock's own `/__mock/` and the
/// WSO2-style tenant prefix.
const PUBLIC_PREFIXES: &[&str] = &[
    "/health/",
    "/flow/execute",
    "/flow/meta",
    "/oauth2/",
    "/.well-known/",
    "/gate/",
    "/console/",
    "/design/resolve/",
    "/i18n/languages",
    "/auth/",
    "/register/passkey/",
    "/access/",
    "/mcp/",
    "/__mock/",
    "/t/",
];

/// No route matched. As on the real server, the security middleware runs first: outside the public
/// paths, a request without a valid token is refused before anyone notices the path is unknown.
async fn unknown_path(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> MockError {
    let path = uri.path();
    if PUBLIC_PREFIXES
        .iter()
        .any(|prefix| path.starts_with(prefix))
    {
        return MockError::NotFound;
    }
    match crate::auth::authenticate(&state, &headers) {
        Ok(_) => MockError::NotFound,
        Err(refused) => refused,
    }
}

/// The real server sends `X-Frame-Options: DENY` on every response (`securityheaders.go`).
async fn deny_framing(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}
