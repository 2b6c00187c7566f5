//! `GET /health/liveness`, `GET /health/readiness`.

use axum::Router;
use axum::routing::get;
use thunderid_protocol::health::{HealthStatus, ReadinessResponse, ServiceStatus};

use crate::state::AppState;
use crate::wire::GoJson;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/health/liveness", get(liveness))
        .route("/health/readiness", get(readiness))
}

/// 200 with an empty body, as the real server answers.
async fn liveness() {}

/// The real server reports its three databases; the mock's state is in memory and always up.
async fn readiness() -> GoJson<ReadinessResponse> {
    let service = |name: &str| ServiceStatus {
        service_name: Some(name.to_owned()),
        status: Some(HealthStatus::Up),
    };
    GoJson(ReadinessResponse {
        status: Some(HealthStatus::Up),
        service_status: vec![
            service("ConfigDB"),
            service("RuntimeTransientDB"),
            service("EntityDB"),
        ],
    })
}
