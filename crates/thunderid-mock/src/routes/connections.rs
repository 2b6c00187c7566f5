//! The connections API (see `service::connections`). The vendor is a path segment; one the server
//! does not route is its mux's plain 404.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use thunderid_protocol::user_management::UsageResponse;

use crate::error::MockError;
use crate::security::Principal;
use crate::service::connections::{
    self, ConnectionDetail, ConnectionList, ConnectionSummary, Vendor,
};
use crate::service::request::Query;
use crate::state::AppState;
use crate::wire::GoJson;

type Json<T> = Result<GoJson<T>, MockError>;

fn vendor(name: &str) -> Result<Vendor, MockError> {
    Vendor::from_name(name).ok_or(MockError::NotFound)
}

/// `GET /connections?category&limit&offset`.
pub(crate) async fn list(
    State(state): State<AppState>,
    _: Principal,
    RawQuery(query): RawQuery,
) -> Json<ConnectionList> {
    let query = Query::parse(query.as_deref());
    Ok(GoJson(connections::list(&state, &query)?))
}

/// `GET /connections/{vendor}`: a bare array.
pub(crate) async fn list_vendor(
    State(state): State<AppState>,
    _: Principal,
    Path(name): Path<String>,
) -> Json<Vec<ConnectionSummary>> {
    Ok(GoJson(connections::list_vendor(&state, vendor(&name)?)?))
}

/// `POST /connections/{vendor}`: 201.
pub(crate) async fn create(
    State(state): State<AppState>,
    _: Principal,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Response, MockError> {
    let created = connections::create(&state, vendor(&name)?, &body)?;
    Ok((StatusCode::CREATED, GoJson(created)).into_response())
}

/// `GET /connections/{vendor}/{id}`.
pub(crate) async fn get(
    State(state): State<AppState>,
    _: Principal,
    Path((name, id)): Path<(String, String)>,
) -> Json<ConnectionDetail> {
    Ok(GoJson(connections::get(&state, vendor(&name)?, &id)?))
}

/// `PUT /connections/{vendor}/{id}`.
pub(crate) async fn update(
    State(state): State<AppState>,
    _: Principal,
    Path((name, id)): Path<(String, String)>,
    body: Bytes,
) -> Json<ConnectionDetail> {
    Ok(GoJson(connections::update(
        &state,
        vendor(&name)?,
        &id,
        &body,
    )?))
}

/// `DELETE /connections/{vendor}/{id}`: 204.
pub(crate) async fn delete(
    State(state): State<AppState>,
    _: Principal,
    Path((name, id)): Path<(String, String)>,
) -> Result<StatusCode, MockError> {
    connections::delete(&state, vendor(&name)?, &id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /connections/{vendor}/{id}/usages`.
pub(crate) async fn usages(
    State(state): State<AppState>,
    _: Principal,
    Path((name, id)): Path<(String, String)>,
) -> Json<UsageResponse> {
    Ok(GoJson(connections::usages(&state, vendor(&name)?, &id)?))
}
