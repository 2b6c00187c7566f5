//! `/organization-units/tree/{handle-path}[/ous|users|groups|roles]`: a unit addressed by the
//! handles from its root (`init.go`'s tree routes, `handler.go` `…ByPath`, `service.go`
//! `validateAndProcessHandlePath`).
//!
//! A path that is empty, or only slashes and blanks, is 400 OU-1009; one that names no unit is 404
//! OU-1003. The lists' pagination links keep the path as sent (children link to `{id}/ous`, as the
//! server delegates to the id-based call).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use thunderid_protocol::ApiErrorCode;

use super::members::{self, MemberList};
use super::units::{list_children, parse_filter};
use super::{
    Action, Caller, OU, OU_VIEW, Paging, Query, api, caller, check_access, delete_unit_record,
    read_unit_request, unit_body, update_unit_record,
};
use crate::error::MockError;
use crate::state::AppState;
use crate::store::Db;
use crate::wire::GoJson;

/// `GET /organization-units/tree/`: no path.
pub(super) async fn get_without_path(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, MockError> {
    caller(&state, &headers, OU_VIEW)?;
    Err(api(ApiErrorCode::OuInvalidHandlePath))
}

/// `PUT /organization-units/tree/`: no path.
pub(super) async fn update_without_path(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, MockError> {
    caller(&state, &headers, OU)?;
    Err(api(ApiErrorCode::OuInvalidHandlePath))
}

/// `DELETE /organization-units/tree/`: no path.
pub(super) async fn delete_without_path(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, MockError> {
    caller(&state, &headers, OU)?;
    Err(api(ApiErrorCode::OuInvalidHandlePath))
}

/// `GET /organization-units/tree/{path}`: the unit, or one of its lists when the path ends in
/// `/ous`, `/users`, `/groups` or `/roles`.
pub(super) async fn get_by_path(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, MockError> {
    let caller = caller(&state, &headers, OU_VIEW)?;
    let query = Query::parse(query.as_deref());
    let lists = [
        ("/ous", None),
        ("/users", Some(MemberList::Users)),
        ("/groups", Some(MemberList::Groups)),
        ("/roles", Some(MemberList::Roles)),
    ];
    for (suffix, list) in lists {
        let Some(unit_path) = path.strip_suffix(suffix) else {
            continue;
        };
        return match list {
            None => children_by_path(&state, &caller, unit_path, &query),
            Some(list) => members_by_path(&state, &caller, list, unit_path, &query),
        };
    }
    let handles = handles(&path)?;
    let mut db = state.db();
    db.organizations.stamp(state.now());
    let unit = db
        .organizations
        .by_path(&handles)
        .ok_or_else(|| api(ApiErrorCode::OuNotFound))?;
    check_access(&caller, Action::ReadUnit, &unit.id)?;
    Ok(GoJson(unit_body(unit)).into_response())
}

/// `PUT /organization-units/tree/{path}`.
pub(super) async fn update_by_path(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(path): Path<String>,
    body: Bytes,
) -> Result<Response, MockError> {
    let caller = caller(&state, &headers, OU)?;
    non_empty_path(&path)?;
    let request = read_unit_request(&body)?;
    let handles = handles(&path)?;
    let now = state.now();
    let mut db = state.db();
    db.organizations.stamp(now);
    let id = unit_at(&db, &handles)?;
    check_access(&caller, Action::UpdateUnit, &id)?;
    let unit = update_unit_record(&state, &mut db, &id, &request, now)?;
    Ok(GoJson(unit_body(&unit)).into_response())
}

/// `DELETE /organization-units/tree/{path}`: 204.
pub(super) async fn delete_by_path(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(path): Path<String>,
) -> Result<Response, MockError> {
    let caller = caller(&state, &headers, OU)?;
    let handles = handles(&path)?;
    let mut db = state.db();
    let id = unit_at(&db, &handles)?;
    check_access(&caller, Action::DeleteUnit, &id)?;
    delete_unit_record(&mut db, &id)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET tree/{path}/ous`: the filter first, then the path, paging, the unit, and the id-based list.
fn children_by_path(
    state: &AppState,
    caller: &Caller,
    path: &str,
    query: &Query,
) -> Result<Response, MockError> {
    parse_filter(query)?;
    non_empty_path(path)?;
    Paging::parse(query)?;
    let handles = handles(path)?;
    let id = unit_at(&state.db(), &handles)?;
    list_children(state, caller, &id, query)
}

/// `GET tree/{path}/users|groups|roles`.
fn members_by_path(
    state: &AppState,
    caller: &Caller,
    list: MemberList,
    path: &str,
    query: &Query,
) -> Result<Response, MockError> {
    non_empty_path(path)?;
    let paging = Paging::parse(query)?;
    let handles = handles(path)?;
    let id = unit_at(&state.db(), &handles)?;
    let base = format!("/organization-units/tree/{path}/{}", list.name());
    members::list(state, caller, list, &id, query, paging, &base)
}

/// `extractAndValidatePath`: the path value must not be empty.
fn non_empty_path(path: &str) -> Result<(), MockError> {
    if path.is_empty() {
        return Err(api(ApiErrorCode::OuInvalidHandlePath));
    }
    Ok(())
}

/// `validateAndProcessHandlePath`: the non-blank, trimmed handles between slashes.
fn handles(path: &str) -> Result<Vec<&str>, MockError> {
    let trimmed = path.trim_matches('/');
    if path.trim().is_empty() || trimmed.is_empty() {
        return Err(api(ApiErrorCode::OuInvalidHandlePath));
    }
    Ok(trimmed
        .split('/')
        .map(str::trim)
        .filter(|handle| !handle.is_empty())
        .collect())
}

/// The id of the unit at `handles`, or OU-1003.
fn unit_at(db: &Db, handles: &[&str]) -> Result<String, MockError> {
    db.organizations
        .by_path(handles)
        .map(|unit| unit.id.clone())
        .ok_or_else(|| api(ApiErrorCode::OuNotFound))
}
