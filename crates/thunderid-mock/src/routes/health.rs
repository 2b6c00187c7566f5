//! `GET /health/liveness`, `GET /health/readiness`.

use thunderid_protocol::health::{HealthStatus, ReadinessResponse, ServiceStatus};

use crate::wire::GoJson;

/// 200 with an empty body, as the real server answers.
pub(crate) async fn liveness() {}

/// The real server reports its three databases; the mock's state is in memory and always up.
pub(crate) async fn readiness() -> GoJson<ReadinessResponse> {
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
