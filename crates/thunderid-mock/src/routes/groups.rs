//! Groups and roles (see `service::groups`, `service::roles`).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use thunderid_protocol::groups::{Group, GroupListResponse};
use thunderid_protocol::roles::{Role, RoleListResponse};

use crate::error::MockError;
use crate::security::Principal;
use crate::service::access::Caller;
use crate::service::{groups, roles};
use crate::state::AppState;
use crate::wire::GoJson;

type Json<T> = Result<GoJson<T>, MockError>;

fn created(body: impl serde::Serialize) -> Response {
    (StatusCode::CREATED, GoJson(body)).into_response()
}

/// `GET /groups`.
pub(crate) async fn list_groups(
    State(state): State<AppState>,
    principal: Principal,
    RawQuery(query): RawQuery,
) -> Json<GroupListResponse> {
    let caller = Caller::new(&principal);
    Ok(GoJson(groups::list(&state, &caller, query.as_deref())?))
}

/// `POST /groups`: 201.
pub(crate) async fn create_group(
    State(state): State<AppState>,
    principal: Principal,
    body: Bytes,
) -> Result<Response, MockError> {
    Ok(created(groups::create(
        &state,
        &Caller::new(&principal),
        &body,
    )?))
}

/// `GET /groups/{id}`.
pub(crate) async fn get_group(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Json<Group> {
    let caller = Caller::new(&principal);
    Ok(GoJson(groups::get(&state, &caller, &id, query.as_deref())?))
}

/// `PUT /groups/{id}`.
pub(crate) async fn update_group(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Json<Group> {
    let caller = Caller::new(&principal);
    Ok(GoJson(groups::update(&state, &caller, &id, &body)?))
}

/// `DELETE /groups/{id}`: 204.
pub(crate) async fn delete_group(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, MockError> {
    groups::delete(&state, &Caller::new(&principal), &id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /groups/{id}/members`; any other sub-path is the mux's 404.
pub(crate) async fn get_group_list(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, list)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, MockError> {
    if list != "members" {
        return Err(MockError::NotFound);
    }
    let caller = Caller::new(&principal);
    let members = groups::list_members(&state, &caller, &id, query.as_deref())?;
    Ok(GoJson(members).into_response())
}

/// `POST /groups/{id}/members/add` and `…/remove`; anything else is the mux's 404.
pub(crate) async fn change_group_members(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, list, change)): Path<(String, String, String)>,
    body: Bytes,
) -> Json<Group> {
    let add = match (list.as_str(), change.as_str()) {
        ("members", "add") => true,
        ("members", "remove") => false,
        _ => return Err(MockError::NotFound),
    };
    let caller = Caller::new(&principal);
    Ok(GoJson(groups::change_members(
        &state, &caller, &id, &body, add,
    )?))
}

/// `GET|POST /groups/tree/`: no path (GRP-1001, "Handle path is required").
pub(crate) async fn groups_tree_without_path(_: Principal) -> MockError {
    groups::path_required()
}

/// `GET /groups/tree/{path}`.
pub(crate) async fn list_groups_in_tree(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
) -> Json<GroupListResponse> {
    let caller = Caller::new(&principal);
    Ok(GoJson(groups::list_in_tree(
        &state,
        &caller,
        &path,
        query.as_deref(),
    )?))
}

/// `POST /groups/tree/{path}`: 201.
pub(crate) async fn create_group_in_tree(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<String>,
    body: Bytes,
) -> Result<Response, MockError> {
    let caller = Caller::new(&principal);
    Ok(created(groups::create_in_tree(
        &state, &caller, &path, &body,
    )?))
}

/// `GET /roles`.
pub(crate) async fn list_roles(
    State(state): State<AppState>,
    _: Principal,
    RawQuery(query): RawQuery,
) -> Json<RoleListResponse> {
    Ok(GoJson(roles::list(&state, query.as_deref())?))
}

/// `POST /roles`: 201.
pub(crate) async fn create_role(
    State(state): State<AppState>,
    principal: Principal,
    body: Bytes,
) -> Result<Response, MockError> {
    Ok(created(roles::create(
        &state,
        &Caller::new(&principal),
        &body,
    )?))
}

/// `GET /roles/{id}`.
pub(crate) async fn get_role(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
) -> Json<Role> {
    Ok(GoJson(roles::get(&state, &id)?))
}

/// `PUT /roles/{id}`.
pub(crate) async fn update_role(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Json<Role> {
    let caller = Caller::new(&principal);
    Ok(GoJson(roles::update(&state, &caller, &id, &body)?))
}

/// `DELETE /roles/{id}`: 204.
pub(crate) async fn delete_role(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, MockError> {
    roles::delete(&state, &id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /roles/{id}/assignments`; any other sub-path is the mux's 404.
pub(crate) async fn get_role_list(
    State(state): State<AppState>,
    _: Principal,
    Path((id, list)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, MockError> {
    if list != "assignments" {
        return Err(MockError::NotFound);
    }
    let assignments = roles::list_assignments(&state, &id, query.as_deref())?;
    Ok(GoJson(assignments).into_response())
}

/// `POST /roles/{id}/assignments/add` and `…/remove`: 204.
pub(crate) async fn change_role_assignments(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, change)): Path<(String, String)>,
    body: Bytes,
) -> Result<StatusCode, MockError> {
    let add = match change.as_str() {
        "add" => true,
        "remove" => false,
        _ => return Err(MockError::NotFound),
    };
    roles::change_assignments(&state, &Caller::new(&principal), &id, &body, add)?;
    Ok(StatusCode::NO_CONTENT)
}
