//! [`router`]: every route of the mock, with the layers applied once: request journal, CORS and
//! tracing. Each `routes/` module contributes a `Router<AppState>`.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
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
        .merge(routes::users::routes())
        .merge(routes::gate::routes());
    if state.config().control_enabled {
        app = app.merge(routes::control::routes());
    }
    app.fallback(|| async { MockError::NotFound })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::cors::cors,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            journal::record,
        ))
        .layer(DefaultBodyLimit::max(Journal::REQUEST_LIMIT))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
