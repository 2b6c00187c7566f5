//! Resource servers, resources and actions (see `service::resources`). Every path needs `system`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use thunderid_protocol::resources::{
    Action, ActionListResponse, Resource, ResourceListResponse, ResourceServer,
    ResourceServerListResponse,
};

use crate::error::MockError;
use crate::security::Principal;
use crate::service::resources::{self, Level};
use crate::state::AppState;
use crate::wire::GoJson;

type Json<T> = Result<GoJson<T>, MockError>;

fn created(body: impl serde::Serialize) -> Response {
    (StatusCode::CREATED, GoJson(body)).into_response()
}

/// `GET /resource-servers`.
pub(crate) async fn list_servers(
    State(state): State<AppState>,
    _: Principal,
    RawQuery(query): RawQuery,
) -> Json<ResourceServerListResponse> {
    Ok(GoJson(resources::list_servers(&state, query.as_deref())?))
}

/// `POST /resource-servers`: 201.
pub(crate) async fn create_server(
    State(state): State<AppState>,
    _: Principal,
    body: Bytes,
) -> Result<Response, MockError> {
    Ok(created(resources::create_server(&state, &body)?))
}

/// `GET /resource-servers/{id}`.
pub(crate) async fn get_server(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
) -> Json<ResourceServer> {
    Ok(GoJson(resources::get_server(&state, &id)?))
}

/// `PUT /resource-servers/{id}`.
pub(crate) async fn update_server(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Json<ResourceServer> {
    Ok(GoJson(resources::update_server(&state, &id, &body)?))
}

/// `DELETE /resource-servers/{id}`: 204.
pub(crate) async fn delete_server(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, MockError> {
    resources::delete_server(&state, &id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /resource-servers/{rs}/resources`.
pub(crate) async fn list_resources(
    State(state): State<AppState>,
    _: Principal,
    Path(server): Path<String>,
    RawQuery(query): RawQuery,
) -> Json<ResourceListResponse> {
    Ok(GoJson(resources::list_resources(
        &state,
        &server,
        query.as_deref(),
    )?))
}

/// `POST /resource-servers/{rs}/resources`: 201.
pub(crate) async fn create_resource(
    State(state): State<AppState>,
    _: Principal,
    Path(server): Path<String>,
    body: Bytes,
) -> Result<Response, MockError> {
    Ok(created(resources::create_resource(&state, &server, &body)?))
}

/// `GET /resource-servers/{rs}/resources/{id}`.
pub(crate) async fn get_resource(
    State(state): State<AppState>,
    _: Principal,
    Path((server, id)): Path<(String, String)>,
) -> Json<Resource> {
    Ok(GoJson(resources::get_resource(&state, &server, &id)?))
}

/// `PUT /resource-servers/{rs}/resources/{id}`.
pub(crate) async fn update_resource(
    State(state): State<AppState>,
    _: Principal,
    Path((server, id)): Path<(String, String)>,
    body: Bytes,
) -> Json<Resource> {
    Ok(GoJson(resources::update_resource(
        &state, &server, &id, &body,
    )?))
}

/// `DELETE /resource-servers/{rs}/resources/{id}`: 204.
pub(crate) async fn delete_resource(
    State(state): State<AppState>,
    _: Principal,
    Path((server, id)): Path<(String, String)>,
) -> Result<StatusCode, MockError> {
    resources::delete_resource(&state, &server, &id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /resource-servers/{rs}/actions`.
pub(crate) async fn list_server_actions(
    State(state): State<AppState>,
    _: Principal,
    Path(server): Path<String>,
    RawQuery(query): RawQuery,
) -> Json<ActionListResponse> {
    let level = Level {
        server: &server,
        resource: None,
    };
    Ok(GoJson(resources::list_actions(
        &state,
        level,
        query.as_deref(),
    )?))
}

/// `POST /resource-servers/{rs}/actions`: 201.
pub(crate) async fn create_server_action(
    State(state): State<AppState>,
    _: Principal,
    Path(server): Path<String>,
    body: Bytes,
) -> Result<Response, MockError> {
    let level = Level {
        server: &server,
        resource: None,
    };
    Ok(created(resources::create_action(&state, level, &body)?))
}

/// `GET /resource-servers/{rs}/actions/{id}`.
pub(crate) async fn get_server_action(
    State(state): State<AppState>,
    _: Principal,
    Path((server, id)): Path<(String, String)>,
) -> Json<Action> {
    let level = Level {
        server: &server,
        resource: None,
    };
    Ok(GoJson(resources::get_action(&state, level, &id)?))
}

/// `PUT /resource-servers/{rs}/actions/{id}`.
pub(crate) async fn update_server_action(
    State(state): State<AppState>,
    _: Principal,
    Path((server, id)): Path<(String, String)>,
    body: Bytes,
) -> Json<Action> {
    let level = Level {
        server: &server,
        resource: None,
    };
    Ok(GoJson(resources::update_action(&state, level, &id, &body)?))
}

/// `DELETE /resource-servers/{rs}/actions/{id}`: 204.
pub(crate) async fn delete_server_action(
    State(state): State<AppState>,
    _: Principal,
    Path((server, id)): Path<(String, String)>,
) -> Result<StatusCode, MockError> {
    let level = Level {
        server: &server,
        resource: None,
    };
    resources::delete_action(&state, level, &id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /resource-servers/{rs}/resources/{resource}/actions`.
pub(crate) async fn list_resource_actions(
    State(state): State<AppState>,
    _: Principal,
    Path((server, resource)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Json<ActionListResponse> {
    let level = Level {
        server: &server,
        resource: Some(&resource),
    };
    Ok(GoJson(resources::list_actions(
        &state,
        level,
        query.as_deref(),
    )?))
}

/// `POST /resource-servers/{rs}/resources/{resource}/actions`: 201.
pub(crate) async fn create_resource_action(
    State(state): State<AppState>,
    _: Principal,
    Path((server, resource)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, MockError> {
    let level = Level {
        server: &server,
        resource: Some(&resource),
    };
    Ok(created(resources::create_action(&state, level, &body)?))
}

/// `GET /resource-servers/{rs}/resources/{resource}/actions/{id}`.
pub(crate) async fn get_resource_action(
    State(state): State<AppState>,
    _: Principal,
    Path((server, resource, id)): Path<(String, String, String)>,
) -> Json<Action> {
    let level = Level {
        server: &server,
        resource: Some(&resource),
    };
    Ok(GoJson(resources::get_action(&state, level, &id)?))
}

/// `PUT /resource-servers/{rs}/resources/{resource}/actions/{id}`.
pub(crate) async fn update_resource_action(
    State(state): State<AppState>,
    _: Principal,
    Path((server, resource, id)): Path<(String, String, String)>,
    body: Bytes,
) -> Json<Action> {
    let level = Level {
        server: &server,
        resource: Some(&resource),
    };
    Ok(GoJson(resources::update_action(&state, level, &id, &body)?))
}

/// `DELETE /resource-servers/{rs}/resources/{resource}/actions/{id}`: 204.
pub(crate) async fn delete_resource_action(
    State(state): State<AppState>,
    _: Principal,
    Path((server, resource, id)): Path<(String, String, String)>,
) -> Result<StatusCode, MockError> {
    let level = Level {
        server: &server,
        resource: Some(&resource),
    };
    resources::delete_action(&state, level, &id)?;
    Ok(StatusCode::NO_CONTENT)
}
