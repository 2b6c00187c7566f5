//! The design API (see `service::design`): themes, layouts and the public resolve.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::error::MockError;
use crate::security::Principal;
use crate::service::design::{self, DesignList, DesignResponse, Kind, ResolvedDesign, Usages};
use crate::service::request::Query;
use crate::state::AppState;
use crate::wire::GoJson;

type Json<T> = Result<GoJson<T>, MockError>;

async fn list(state: AppState, kind: Kind, query: Option<String>) -> Json<DesignList> {
    let query = Query::parse(query.as_deref());
    Ok(GoJson(design::list(&state, kind, &query)?))
}

async fn create(state: AppState, kind: Kind, body: Bytes) -> Result<Response, MockError> {
    let created = design::create(&state, kind, &body)?;
    Ok((StatusCode::CREATED, GoJson(created)).into_response())
}

async fn usages(state: AppState, kind: Kind, id: String, query: Option<String>) -> Json<Usages> {
    let query = Query::parse(query.as_deref());
    Ok(GoJson(design::usages(&state, kind, &id, &query)?))
}

/// `GET /design/themes`.
pub(crate) async fn list_themes(
    State(state): State<AppState>,
    _: Principal,
    RawQuery(query): RawQuery,
) -> Json<DesignList> {
    list(state, Kind::Theme, query).await
}

/// `POST /design/themes`: 201.
pub(crate) async fn create_theme(
    State(state): State<AppState>,
    _: Principal,
    body: Bytes,
) -> Result<Response, MockError> {
    create(state, Kind::Theme, body).await
}

/// `GET /design/themes/{id}`.
pub(crate) async fn get_theme(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
) -> Json<DesignResponse> {
    Ok(GoJson(design::get(&state, Kind::Theme, &id)?))
}

/// `PUT /design/themes/{id}`.
pub(crate) async fn update_theme(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Json<DesignResponse> {
    Ok(GoJson(design::update(&state, Kind::Theme, &id, &body)?))
}

/// `DELETE /design/themes/{id}`: 204.
pub(crate) async fn delete_theme(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, MockError> {
    design::delete(&state, Kind::Theme, &id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /design/themes/{id}/usages`.
pub(crate) async fn theme_usages(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Json<Usages> {
    usages(state, Kind::Theme, id, query).await
}

/// `GET /design/layouts`.
pub(crate) async fn list_layouts(
    State(state): State<AppState>,
    _: Principal,
    RawQuery(query): RawQuery,
) -> Json<DesignList> {
    list(state, Kind::Layout, query).await
}

/// `POST /design/layouts`: 201.
pub(crate) async fn create_layout(
    State(state): State<AppState>,
    _: Principal,
    body: Bytes,
) -> Result<Response, MockError> {
    create(state, Kind::Layout, body).await
}

/// `GET /design/layouts/{id}`.
pub(crate) async fn get_layout(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
) -> Json<DesignResponse> {
    Ok(GoJson(design::get(&state, Kind::Layout, &id)?))
}

/// `PUT /design/layouts/{id}`.
pub(crate) async fn update_layout(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Json<DesignResponse> {
    Ok(GoJson(design::update(&state, Kind::Layout, &id, &body)?))
}

/// `DELETE /design/layouts/{id}`: 204.
pub(crate) async fn delete_layout(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, MockError> {
    design::delete(&state, Kind::Layout, &id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /design/layouts/{id}/usages`.
pub(crate) async fn layout_usages(
    State(state): State<AppState>,
    _: Principal,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Json<Usages> {
    usages(state, Kind::Layout, id, query).await
}

/// `GET /design/resolve?type=APP&id=…` (public).
pub(crate) async fn resolve_design(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Json<ResolvedDesign> {
    let query = Query::parse(query.as_deref());
    let (kind, id) = (
        query.get("type").unwrap_or_default(),
        query.get("id").unwrap_or_default(),
    );
    Ok(GoJson(design::resolve(&state, kind, id)?))
}
