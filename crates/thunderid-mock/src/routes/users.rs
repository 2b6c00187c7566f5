//! The signed-in user's own profile: ThunderID's self-service API (`/users/me…`) and the mock-only
//! SCIM2 `/scim2/Me` and `/scim2/Schemas` (see `service::users`).

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use thunderid_protocol::scim;
use thunderid_protocol::users::{User, UserSchemaResponse};

use crate::error::MockError;
use crate::extract::TenantPrefix;
use crate::security::Principal;
use crate::service::users::{me, scim as scim_service};
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
) -> Result<GoJson<UserSchemaResponse>, MockError> {
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
