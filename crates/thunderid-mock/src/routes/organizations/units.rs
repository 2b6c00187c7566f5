//! `/organization-units` and `/organization-units/{id}[/ous|users|groups|roles]`
//! (`backend/internal/ou/handler.go`, `service.go`), each step in the server's order.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use thunderid_protocol::ApiErrorCode;

use super::filter::UnitFilter;
use super::members::{self, MemberList};
use super::{
    Action, OU, OU_VIEW, Paging, Query, accessible_units, api, caller, check_access,
    create_unit_record, delete_unit_record, read_unit_request, unit_body, unit_page,
    update_unit_record,
};
use crate::error::MockError;
use crate::state::AppState;
use crate::wire::GoJson;

/// `GET /organization-units`: the root units (or, for a caller without `system`, its own unit).
pub(super) async fn list_roots(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, MockError> {
    let caller = caller(&state, &headers, OU_VIEW)?;
    let query = Query::parse(query.as_deref());
    let paging = Paging::parse(&query)?;
    let filter = parse_filter(&query)?;
    let paging = paging.validate()?;
    check_filter_attributes(filter.as_ref())?;
    let mut db = state.db();
    db.organizations.stamp(state.now());
    let store = &db.organizations;
    let units = match accessible_units(&caller) {
        None => store.roots(),
        Some(ids) => store
            .all()
            .into_iter()
            .filter(|u| ids.contains(&u.id))
            .collect(),
    };
    let units = units
        .into_iter()
        .filter(|u| filter.as_ref().is_none_or(|f| f.matches(u)))
        .collect();
    Ok(GoJson(unit_page(units, paging, "/organization-units")).into_response())
}

/// `POST /organization-units`: 201 with the new unit.
pub(super) async fn create_unit(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, MockError> {
    let caller = caller(&state, &headers, OU)?;
    let request = read_unit_request(&body)?;
    let now = state.now();
    let mut db = state.db();
    db.organizations.stamp(now);
    let unit = create_unit_record(&state, &mut db, &caller, &request, now)?;
    Ok((StatusCode::CREATED, GoJson(unit_body(&unit))).into_response())
}

/// `GET /organization-units/`: the id segment is empty (OU-1002).
pub(super) async fn missing_id(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, MockError> {
    caller(&state, &headers, OU_VIEW)?;
    Err(api(ApiErrorCode::OuMissingOuId))
}

/// `GET /organization-units/{id}`.
pub(super) async fn get_unit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, MockError> {
    let caller = caller(&state, &headers, OU_VIEW)?;
    check_access(&caller, Action::ReadUnit, &id)?;
    let mut db = state.db();
    db.organizations.stamp(state.now());
    let unit = db
        .organizations
        .get(&id)
        .ok_or_else(|| api(ApiErrorCode::OuNotFound))?;
    Ok(GoJson(unit_body(unit)).into_response())
}

/// `PUT /organization-units/{id}`: replaces the whole unit.
pub(super) async fn update_unit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, MockError> {
    let caller = caller(&state, &headers, OU)?;
    let request = read_unit_request(&body)?;
    check_access(&caller, Action::UpdateUnit, &id)?;
    let now = state.now();
    let mut db = state.db();
    db.organizations.stamp(now);
    if db.organizations.get(&id).is_none() {
        return Err(api(ApiErrorCode::OuNotFound));
    }
    let unit = update_unit_record(&state, &mut db, &id, &request, now)?;
    Ok(GoJson(unit_body(&unit)).into_response())
}

/// `DELETE /organization-units/{id}`: 204.
pub(super) async fn delete_unit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, MockError> {
    let caller = caller(&state, &headers, OU)?;
    check_access(&caller, Action::DeleteUnit, &id)?;
    delete_unit_record(&mut state.db(), &id)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /organization-units/{id}/{ous|users|groups|roles}`; any other list is Go's 404 page.
pub(super) async fn list_under(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, list)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, MockError> {
    let caller = caller(&state, &headers, OU_VIEW)?;
    let query = Query::parse(query.as_deref());
    let list = match list.as_str() {
        "ous" => return list_children(&state, &caller, &id, &query),
        "users" => MemberList::Users,
        "groups" => MemberList::Groups,
        "roles" => MemberList::Roles,
        _ => return Err(MockError::NotFound),
    };
    let paging = Paging::parse(&query)?;
    let base = format!("/organization-units/{id}/{}", list.name());
    members::list(&state, &caller, list, &id, &query, paging, &base)
}

/// `GET /organization-units/{id}/ous` (`HandleOUChildrenListRequest`): the filter is parsed before
/// paging; the service then authorizes, checks the filter's attributes, the paging and the unit.
pub(super) fn list_children(
    state: &AppState,
    caller: &super::Caller,
    id: &str,
    query: &Query,
) -> Result<Response, MockError> {
    let filter = parse_filter(query)?;
    let paging = Paging::parse(query)?;
    check_access(caller, Action::ListChildUnits, id)?;
    check_filter_attributes(filter.as_ref())?;
    let paging = paging.validate()?;
    let mut db = state.db();
    db.organizations.stamp(state.now());
    if db.organizations.get(id).is_none() {
        return Err(api(ApiErrorCode::OuNotFound));
    }
    let children = db
        .organizations
        .children(id)
        .into_iter()
        .filter(|u| filter.as_ref().is_none_or(|f| f.matches(u)))
        .collect();
    let base = format!("/organization-units/{id}/ous");
    Ok(GoJson(unit_page(children, paging, &base)).into_response())
}

/// `filter.ParseFilterParam`: absent is none; present but blank or malformed is OU-1014.
pub(super) fn parse_filter(query: &Query) -> Result<Option<UnitFilter>, MockError> {
    let Some(text) = query.get("filter") else {
        return Ok(None);
    };
    UnitFilter::parse(text.trim())
        .map(Some)
        .map_err(|()| api(ApiErrorCode::OuInvalidFilter))
}

/// The service's `ouFilterableColumns` check.
pub(super) fn check_filter_attributes(filter: Option<&UnitFilter>) -> Result<(), MockError> {
    match filter {
        Some(filter) if !filter.attributes_supported() => Err(api(ApiErrorCode::OuInvalidFilter)),
        _ => Ok(()),
    }
}
