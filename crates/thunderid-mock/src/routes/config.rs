//! The configuration plane (see `service::applications`, `service::server_config`,
//! `service::import`, `service::export`). Every path needs `system`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use thunderid_protocol::applications::{Application, ApplicationListResponse};

use crate::error::MockError;
use crate::security::Principal;
use crate::service::{applications, export, import, server_config};
use crate::state::AppState;
use crate::wire::GoJson;

type Json<T> = Result<GoJson<T>, MockError>;

/// `GET /applications`.
pub(crate) async fn list_applications(
    State(state): State<AppState>,
    _: Principal,
) -> Json<ApplicationListResponse> {
    Ok(GoJson(applications::list(&state)?))
}

/// `POST /applications`: 201.
pub(crate) async fn create_application(
    State(state): State<AppState>,
    _: Principal,
    body: Bytes,
) -> Result<Response, MockError> {
    let app = applications::create(&state, &body)?;
    Ok((StatusCode::CREATED, GoJson(app)).into_response())
}

/// `GET /applications/{id}`.
pub(crate) async fn get_application(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
) -> Json<Application> {
    Ok(GoJson(applications::get(&state, &id)?))
}

/// `PUT /applications/{id}`.
pub(crate) async fn update_application(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Json<Application> {
    Ok(GoJson(applications::update(&state, &id, &body)?))
}

/// `DELETE /applications/{id}`: 204.
pub(crate) async fn delete_application(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, MockError> {
    applications::delete(&state, &id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /server-config`.
pub(crate) async fn list_server_config(_: Principal) -> GoJson<Vec<&'static str>> {
    GoJson(server_config::list())
}

/// `GET /server-config/{name}`.
pub(crate) async fn get_server_config(
    State(state): State<AppState>,
    _: Principal,
    Path(name): Path<String>,
) -> Json<server_config::Layers> {
    Ok(GoJson(server_config::get(&state, &name)?))
}

/// `PUT /server-config/{name}`.
pub(crate) async fn put_server_config(
    State(state): State<AppState>,
    _: Principal,
    Path(name): Path<String>,
    body: Bytes,
) -> Json<server_config::Layers> {
    Ok(GoJson(server_config::put(&state, &name, &body)?))
}

/// `POST /import`.
pub(crate) async fn import(
    State(state): State<AppState>,
    principal: Principal,
    body: Bytes,
) -> Json<import::ImportResponse> {
    let caller = crate::service::access::Caller::new(&principal);
    Ok(GoJson(import::import(&state, &caller, &body)?))
}

/// `POST /export`.
pub(crate) async fn export(
    State(state): State<AppState>,
    principal: Principal,
    body: Bytes,
) -> Json<export::ExportResponse> {
    let caller = crate::service::access::Caller::new(&principal);
    Ok(GoJson(export::export(&state, &caller, &body)?))
}

/// `POST /import/delete`.
pub(crate) async fn import_delete(_: Principal, body: Bytes) -> Json<Value> {
    Ok(GoJson(import::delete(&body)?))
}
