//! Users and user types (see `service::users`): the management API (`/users…`, `/user-types…`),
//! the signed-in user's self-service API (`/users/me…`) and the mock-only SCIM2 `/scim2/Me` and
//! `/scim2/Schemas`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use thunderid_protocol::scim;
use thunderid_protocol::user_management::{
    UsageResponse, UserGroupListResponse, UserListResponse, UserType, UserTypeListResponse,
};
use thunderid_protocol::users::User;

use crate::error::MockError;
use crate::extract::TenantPrefix;
use crate::security::Principal;
use crate::service::access::Caller;
use crate::service::users::{dependents, manage, me, scim as scim_service, user_types};
use crate::state::AppState;
use crate::wire::GoJson;

/// `GET /users/me[?include=display]`.
pub(crate) async fn get_me(
    State(state): State<AppState>,
    principal: Principal,
    RawQuery(query): RawQuery,
) -> Result<GoJson<User>, MockError> {
    Ok(GoJson(me::get_me(&state, &principal, query.as_deref())?))
}

/// `PUT /users/me`.
pub(crate) async fn update_me(
    State(state): State<AppState>,
    principal: Principal,
    body: Bytes,
) -> Result<GoJson<User>, MockError> {
    Ok(GoJson(me::update_me(&state, &principal, &body)?))
}

/// `GET /users/me/meta`.
pub(crate) async fn get_my_schema(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<GoJson<Value>, MockError> {
    Ok(GoJson(me::get_my_schema(&state, &principal)?))
}

/// `POST /users/me/update-credentials`: 204.
pub(crate) async fn update_my_credentials(
    State(state): State<AppState>,
    principal: Principal,
    body: Bytes,
) -> Result<StatusCode, MockError> {
    me::update_my_credentials(&state, &principal, &body)?;
    Ok(StatusCode::NO_CONTENT)
}

type Json<T> = Result<GoJson<T>, MockError>;

/// `201 Created` with a JSON body.
fn created(body: impl Serialize) -> Response {
    (StatusCode::CREATED, GoJson(body)).into_response()
}

/// `GET /users`.
pub(crate) async fn list_users(
    State(state): State<AppState>,
    principal: Principal,
    RawQuery(query): RawQuery,
) -> Json<UserListResponse> {
    let caller = Caller::new(&principal);
    Ok(GoJson(manage::list(&state, &caller, query.as_deref())?))
}

/// `POST /users`: 201.
pub(crate) async fn create_user(
    State(state): State<AppState>,
    principal: Principal,
    body: Bytes,
) -> Result<Response, MockError> {
    Ok(created(manage::create(
        &state,
        &Caller::new(&principal),
        &body,
    )?))
}

/// `GET|PUT|DELETE /users/`: no id (USR-1002, 400).
pub(crate) async fn missing_user_id(_: Principal) -> MockError {
    crate::service::users::missing_id()
}

/// `GET /users/{id}`.
pub(crate) async fn get_user(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Json<User> {
    let caller = Caller::new(&principal);
    Ok(GoJson(manage::get(&state, &caller, &id, query.as_deref())?))
}

/// `PUT /users/{id}`.
pub(crate) async fn update_user(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Json<User> {
    let caller = Caller::new(&principal);
    Ok(GoJson(manage::update(&state, &caller, &id, &body)?))
}

/// `DELETE /users/{id}`: 204.
pub(crate) async fn delete_user(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, MockError> {
    dependents::delete(&state, &Caller::new(&principal), &id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /users/{id}/groups` and `/users/{id}/usages`; any other sub-path is the mux's 404.
pub(crate) async fn get_user_list(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, list)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, MockError> {
    let caller = Caller::new(&principal);
    match list.as_str() {
        "groups" => {
            let groups: UserGroupListResponse =
                manage::groups(&state, &caller, &id, query.as_deref())?;
            Ok(GoJson(groups).into_response())
        }
        "usages" => {
            let usages: UsageResponse = dependents::usages(&state, &id)?;
            Ok(GoJson(usages).into_response())
        }
        _ => Err(MockError::NotFound),
    }
}

/// `POST /users/{id}/update-credentials`: 204; any other sub-path is the mux's 404.
pub(crate) async fn post_user_action(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Result<StatusCode, MockError> {
    if action != "update-credentials" {
        return Err(MockError::NotFound);
    }
    manage::update_user_credentials(&state, &Caller::new(&principal), &id, &body)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET|POST /users/tree/`: no path (USR-1008).
pub(crate) async fn users_tree_without_path(_: Principal) -> MockError {
    MockError::api(thunderid_protocol::ApiErrorCode::UserHandlePathRequired)
}

/// `GET /users/tree/{path}`.
pub(crate) async fn list_users_in_tree(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
) -> Json<UserListResponse> {
    let caller = Caller::new(&principal);
    Ok(GoJson(manage::list_in_tree(
        &state,
        &caller,
        &path,
        query.as_deref(),
    )?))
}

/// `POST /users/tree/{path}`: 201.
pub(crate) async fn create_user_in_tree(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<String>,
    body: Bytes,
) -> Result<Response, MockError> {
    let caller = Caller::new(&principal);
    Ok(created(manage::create_in_tree(
        &state, &caller, &path, &body,
    )?))
}

/// `GET /user-types`.
pub(crate) async fn list_user_types(
    State(state): State<AppState>,
    principal: Principal,
    RawQuery(query): RawQuery,
) -> Json<UserTypeListResponse> {
    let caller = Caller::new(&principal);
    Ok(GoJson(user_types::list(&state, &caller, query.as_deref())?))
}

/// `POST /user-types`: 201.
pub(crate) async fn create_user_type(
    State(state): State<AppState>,
    principal: Principal,
    body: Bytes,
) -> Result<Response, MockError> {
    Ok(created(user_types::create(
        &state,
        &Caller::new(&principal),
        &body,
    )?))
}

/// `GET /user-types/{id}`.
pub(crate) async fn get_user_type(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Json<UserType> {
    let caller = Caller::new(&principal);
    Ok(GoJson(user_types::get(
        &state,
        &caller,
        &id,
        query.as_deref(),
    )?))
}

/// `PUT /user-types/{id}`.
pub(crate) async fn update_user_type(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Json<UserType> {
    let caller = Caller::new(&principal);
    Ok(GoJson(user_types::update(&state, &caller, &id, &body)?))
}

/// `DELETE /user-types/{id}`: 204.
pub(crate) async fn delete_user_type(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, MockError> {
    user_types::delete(&state, &Caller::new(&principal), &id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /scim2/Me`.
pub(crate) async fn get_scim_me(
    State(state): State<AppState>,
    TenantPrefix(prefix): TenantPrefix,
    principal: Option<Principal>,
) -> Result<Response, MockError> {
    let principal = principal.ok_or_else(scim_service::unauthenticated)?;
    let answer = scim_service::get_scim_me(&state, prefix, &principal)?;
    Ok(scim_json(answer.body, &answer.location))
}

/// `PATCH /scim2/Me`.
pub(crate) async fn patch_scim_me(
    State(state): State<AppState>,
    TenantPrefix(prefix): TenantPrefix,
    principal: Option<Principal>,
    body: Bytes,
) -> Result<Response, MockError> {
    let principal = principal.ok_or_else(scim_service::unauthenticated)?;
    let answer = scim_service::patch_scim_me(&state, prefix, &principal, &body)?;
    Ok(scim_json(answer.body, &answer.location))
}

/// `GET /scim2/Schemas`.
pub(crate) async fn list_scim_schemas(
    State(state): State<AppState>,
    TenantPrefix(prefix): TenantPrefix,
    principal: Option<Principal>,
) -> Result<Response, MockError> {
    let principal = principal.ok_or_else(scim_service::unauthenticated)?;
    let answer = scim_service::list_scim_schemas(&state, prefix, &principal);
    Ok(scim_json(answer.body, &answer.location))
}

/// A 200 SCIM response (`application/scim+json`) with its `Location`.
fn scim_json(body: impl Serialize, location: &str) -> Response {
    let mut response = (StatusCode::OK, GoJson(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(scim::CONTENT_TYPE),
    );
    if let Ok(location) = HeaderValue::from_str(location) {
        headers.insert(header::LOCATION, location);
    }
    response
}
