//! `/organization-units/tree/{handle-path}[/ous|users|groups|roles]`: a unit addressed by the
//! handles from its root (`init.go`'s tree routes, `handler.go` `…ByPath`, `service.go`
//! `validateAndProcessHandlePath`).
//!
//! A path that is empty, or only slashes and blanks, is 400 OU-1009; one that names no unit is 404
//! OU-1003. The lists' pagination links keep the path as sent (children link to `{id}/ous`, as the
//! server delegates to the id-based call).

use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::organizations::OrganizationUnit;

use super::members::{self, MemberList};
use super::units::{list_children, parse_filter};
use super::{
    Action, Caller, OU_PAGING, Paging, Query, UnitList, api, check_access, read_unit_request,
    unit_body, unit_error, update_unit_record,
};
use crate::error::MockError;
use crate::state::AppState;
use crate::store::declared::Kind as Declared;
use crate::store::directory::Directory;

/// `GET|PUT|DELETE /organization-units/tree/`: no path.
pub(crate) fn without_path() -> MockError {
    api(ApiErrorCode::OuInvalidHandlePath)
}

/// A unit, or one of its lists.
#[derive(Debug, serde::Serialize)]
#[serde(untagged)]
pub(crate) enum TreeAnswer {
    Unit(Box<OrganizationUnit>),
    List(UnitList),
}

/// `GET /organization-units/tree/{path}`: the unit, or one of its lists when the path ends in
/// `/ous`, `/users`, `/groups` or `/roles`.
pub(crate) fn get_by_path(
    state: &AppState,
    caller: &Caller,
    path: &str,
    query: Option<&str>,
) -> Result<TreeAnswer, MockError> {
    let query = Query::parse(query);
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
            None => children_by_path(state, caller, unit_path, &query)
                .map(|l| TreeAnswer::List(UnitList::Units(l))),
            Some(list) => {
                members_by_path(state, caller, list, unit_path, &query).map(TreeAnswer::List)
            }
        };
    }
    let handles = handles(path)?;
    let unit = state
        .stores()
        .directory
        .read(|d| d.units.by_path(&handles).cloned())
        .ok_or_else(|| api(ApiErrorCode::OuNotFound))?;
    check_access(caller, Action::ReadUnit, &unit.id)?;
    Ok(TreeAnswer::Unit(Box::new(unit_body(&unit))))
}

/// `PUT /organization-units/tree/{path}`.
pub(crate) fn update_by_path(
    state: &AppState,
    caller: &Caller,
    path: &str,
    body: &[u8],
) -> Result<OrganizationUnit, MockError> {
    non_empty_path(path)?;
    let request = read_unit_request(body)?;
    let handles = handles(path)?;
    let now = state.now();
    let registry = state.registry();
    let declared = state.declared_ids(Declared::OrganizationUnit);
    let unit = state.stores().directory.write(|d| {
        let id = unit_at(d, &handles)?;
        check_access(caller, Action::UpdateUnit, &id)?;
        if declared.contains(&id) {
            return Err(api(ApiErrorCode::OuCannotModifyDeclarativeResource));
        }
        update_unit_record(&registry, d, &id, &request, now)
    })?;
    Ok(unit_body(&unit))
}

/// `DELETE /organization-units/tree/{path}`.
pub(crate) fn delete_by_path(
    state: &AppState,
    caller: &Caller,
    path: &str,
) -> Result<(), MockError> {
    let handles = handles(path)?;
    let declared = state.declared_ids(Declared::OrganizationUnit);
    state.stores().directory.write(|d| {
        let id = unit_at(d, &handles)?;
        check_access(caller, Action::DeleteUnit, &id)?;
        if declared.contains(&id) {
            return Err(api(ApiErrorCode::OuCannotModifyDeclarativeResource));
        }
        d.delete_unit(&id).map_err(unit_error)
    })
}

/// `GET tree/{path}/ous`: the filter first, then the path, paging, the unit, and the id-based list.
fn children_by_path(
    state: &AppState,
    caller: &Caller,
    path: &str,
    query: &Query,
) -> Result<thunderid_protocol::organizations::OrganizationUnitListResponse, MockError> {
    parse_filter(query)?;
    non_empty_path(path)?;
    Paging::parse(query, &OU_PAGING)?;
    let handles = handles(path)?;
    let id = state.stores().directory.read(|d| unit_at(d, &handles))?;
    list_children(state, caller, &id, query)
}

/// `GET tree/{path}/users|groups|roles`.
fn members_by_path(
    state: &AppState,
    caller: &Caller,
    list: MemberList,
    path: &str,
    query: &Query,
) -> Result<UnitList, MockError> {
    non_empty_path(path)?;
    let paging = Paging::parse(query, &OU_PAGING)?;
    let handles = handles(path)?;
    let id = state.stores().directory.read(|d| unit_at(d, &handles))?;
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
fn unit_at(directory: &Directory, handles: &[&str]) -> Result<String, MockError> {
    directory
        .units
        .by_path(handles)
        .map(|unit| unit.id.clone())
        .ok_or_else(|| api(ApiErrorCode::OuNotFound))
}
