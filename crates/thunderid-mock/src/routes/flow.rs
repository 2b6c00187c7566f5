//! `POST /flow/execute`. Placeholder: filled in by the flow engine issue.

use axum::Router;

use crate::state::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
}
