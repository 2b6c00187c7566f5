//! `/flows/**`, the flow management API (see `service::flows`). Every path needs `system`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use thunderid_protocol::flow::{
    FlowListResponse, FlowResponse, FlowVersionListResponse, FlowVersionResponse,
};
use thunderid_protocol::user_management::UsageResponse;

use crate::error::MockError;
use crate::security::Principal;
use crate::service::flows;
use crate::service::request::Query;
use crate::state::AppState;
use crate::wire::GoJson;

type Json<T> = Result<GoJson<T>, MockError>;

/// `GET /flows`.
pub(crate) async fn list(
    State(state): State<AppState>,
    _: Principal,
    RawQuery(query): RawQuery,
) -> Json<FlowListResponse> {
    Ok(GoJson(flows::list(
        &state,
        &Query::parse(query.as_deref()),
    )?))
}

/// `POST /flows`: 201.
pub(crate) async fn create(
    State(state): State<AppState>,
    _: Principal,
    body: Bytes,
) -> Result<Response, MockError> {
    let flow = flows::create(&state, &body)?;
    Ok((StatusCode::CREATED, GoJson(flow)).into_response())
}

/// `GET /flows/{flowId}`.
pub(crate) async fn get(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
) -> Json<FlowResponse> {
    Ok(GoJson(flows::get(&state, &id)?))
}

/// `PUT /flows/{flowId}`.
pub(crate) async fn update(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Json<FlowResponse> {
    Ok(GoJson(flows::update(&state, &id, &body)?))
}

/// `DELETE /flows/{flowId}`: 204.
pub(crate) async fn delete(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, MockError> {
    flows::delete(&state, &id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /flows/{flowId}/versions`.
pub(crate) async fn versions(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
) -> Json<FlowVersionListResponse> {
    Ok(GoJson(flows::versions(&state, &id)?))
}

/// `GET /flows/{flowId}/versions/{version}`.
pub(crate) async fn version(
    State(state): State<AppState>,
    _: Principal,
    Path((id, version)): Path<(String, String)>,
) -> Json<FlowVersionResponse> {
    Ok(GoJson(flows::version(&state, &id, &version)?))
}

/// `POST /flows/{flowId}/restore`.
pub(crate) async fn restore(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Json<FlowResponse> {
    Ok(GoJson(flows::restore(&state, &id, &body)?))
}

/// `GET /flows/{flowId}/usages`.
pub(crate) async fn usages(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
) -> Json<UsageResponse> {
    Ok(GoJson(flows::usages(&state, &id)?))
}
