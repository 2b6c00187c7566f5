//! Organization units (`/organization-units…`) and the JS SDKs' legacy organization APIs
//! (`/api/…`), over `service::organizations`. The security middleware has authenticated and
//! authorized the caller (`system:ou:view` to read, `system:ou` to write); each handler hands its
//! [`Principal`] to the service as a [`Caller`].

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::organizations::{
    OrganizationDetails, OrganizationListResponse, OrganizationUnit,
    OrganizationUnitChildListResponse, OrganizationUnitListResponse,
};

use crate::error::MockError;
use crate::security::Principal;
use crate::service::organizations::tree::{self, TreeAnswer};
use crate::service::organizations::units;
use crate::service::organizations::{Caller, UnitList, legacy};
use crate::state::AppState;
use crate::wire::GoJson;

type Json<T> = Result<GoJson<T>, MockError>;

/// `GET /organization-units`.
pub(crate) async fn list_units(
    State(state): State<AppState>,
    principal: Principal,
    RawQuery(query): RawQuery,
) -> Json<OrganizationUnitListResponse> {
    let caller = Caller::new(&principal);
    Ok(GoJson(units::list_roots(
        &state,
        &caller,
        query.as_deref(),
    )?))
}

/// `POST /organization-units`: 201.
pub(crate) async fn create_unit(
    State(state): State<AppState>,
    principal: Principal,
    body: Bytes,
) -> Result<Response, MockError> {
    let unit = units::create_unit(&state, &Caller::new(&principal), &body)?;
    Ok((StatusCode::CREATED, GoJson(unit)).into_response())
}

/// `GET /organization-units/`: the id segment is empty (OU-1002).
pub(crate) async fn missing_unit_id(_: Principal) -> MockError {
    MockError::api(ApiErrorCode::OuMissingOuId)
}

/// `GET /organization-units/{id}`.
pub(crate) async fn get_unit(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Json<OrganizationUnit> {
    Ok(GoJson(units::get_unit(
        &state,
        &Caller::new(&principal),
        &id,
    )?))
}

/// `PUT /organization-units/{id}`.
pub(crate) async fn update_unit(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Json<OrganizationUnit> {
    let caller = Caller::new(&principal);
    Ok(GoJson(units::update_unit(&state, &caller, &id, &body)?))
}

/// `DELETE /organization-units/{id}`: 204.
pub(crate) async fn delete_unit(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, MockError> {
    units::delete_unit(&state, &Caller::new(&principal), &id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /organization-units/{id}/{ous|users|groups|roles}`.
pub(crate) async fn list_under_unit(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, list)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Json<UnitList> {
    let caller = Caller::new(&principal);
    Ok(GoJson(units::list_under(
        &state,
        &caller,
        &id,
        &list,
        query.as_deref(),
    )?))
}

/// `GET|PUT|DELETE /organization-units/tree/`: no path (OU-1009).
pub(crate) async fn tree_without_path(_: Principal) -> MockError {
    tree::without_path()
}

/// `GET /organization-units/tree/{path}`.
pub(crate) async fn get_unit_by_path(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
) -> Json<TreeAnswer> {
    let caller = Caller::new(&principal);
    Ok(GoJson(tree::get_by_path(
        &state,
        &caller,
        &path,
        query.as_deref(),
    )?))
}

/// `PUT /organization-units/tree/{path}`.
pub(crate) async fn update_unit_by_path(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<String>,
    body: Bytes,
) -> Json<OrganizationUnit> {
    let caller = Caller::new(&principal);
    Ok(GoJson(tree::update_by_path(&state, &caller, &path, &body)?))
}

/// `DELETE /organization-units/tree/{path}`: 204.
pub(crate) async fn delete_unit_by_path(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<String>,
) -> Result<StatusCode, MockError> {
    tree::delete_by_path(&state, &Caller::new(&principal), &path)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/server/v1/organization-units/{id}/children` (mock-only).
pub(crate) async fn sdk_unit_children(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Json<OrganizationUnitChildListResponse> {
    let caller = Caller::new(&principal);
    Ok(GoJson(legacy::sdk_children(
        &state,
        &caller,
        &id,
        query.as_deref(),
    )?))
}

/// `GET /api/users/v1/me/organizations` (mock-only).
pub(crate) async fn my_organizations(
    State(state): State<AppState>,
    principal: Principal,
    RawQuery(query): RawQuery,
) -> Json<OrganizationListResponse> {
    let caller = Caller::new(&principal);
    Ok(GoJson(legacy::my_organizations(
        &state,
        &caller,
        query.as_deref(),
    )?))
}

/// `GET /api/server/v1/organizations` (mock-only).
pub(crate) async fn list_organizations(
    State(state): State<AppState>,
    principal: Principal,
    RawQuery(query): RawQuery,
) -> Json<OrganizationListResponse> {
    let caller = Caller::new(&principal);
    Ok(GoJson(legacy::list_organizations(
        &state,
        &caller,
        query.as_deref(),
    )?))
}

/// `POST /api/server/v1/organizations` (mock-only): 201.
pub(crate) async fn create_organization(
    State(state): State<AppState>,
    principal: Principal,
    body: Bytes,
) -> Result<Response, MockError> {
    let details = legacy::create_organization(&state, &Caller::new(&principal), &body)?;
    Ok((StatusCode::CREATED, GoJson(details)).into_response())
}

/// `GET /api/server/v1/organizations/{id}` (mock-only).
pub(crate) async fn get_organization(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Json<OrganizationDetails> {
    let caller = Caller::new(&principal);
    Ok(GoJson(legacy::get_organization(&state, &caller, &id)?))
}

/// `PATCH /api/server/v1/organizations/{id}` (mock-only).
pub(crate) async fn patch_organization(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Json<OrganizationDetails> {
    let caller = Caller::new(&principal);
    Ok(GoJson(legacy::patch_organization(
        &state, &caller, &id, &body,
    )?))
}
