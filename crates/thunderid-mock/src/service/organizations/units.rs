//! `/organization-units` and `/organization-units/{id}[/ous|users|groups|roles]`
//! (`backend/internal/ou/handler.go`, `service.go`), each step in the server's order.

use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::organizations::{OrganizationUnit, OrganizationUnitListResponse};

use super::filter::UnitFilter;
use super::members::{self, MemberList};
use super::{
    Action, Caller, OU_PAGING, Paging, Query, UnitList, accessible_units, api, check_access,
    create_unit_record, read_unit_request, unit_body, unit_error, unit_page, update_unit_record,
};
use crate::error::MockError;
use crate::state::AppState;
use crate::store::declared::{Kind as Declared, MAX_COMPOSITE_RECORDS, files_last};

/// `GET /organization-units`: the root units (or, for a caller without `system`, its own unit).
/// In the composite store mode more root units (after the filter) than
/// [`MAX_COMPOSITE_RECORDS`] are OU-1013 for a caller who sees them all.
pub(crate) fn list_roots(
    state: &AppState,
    caller: &Caller,
    query: Option<&str>,
) -> Result<OrganizationUnitListResponse, MockError> {
    let query = Query::parse(query);
    let paging = Paging::parse(&query, &OU_PAGING)?;
    let filter = parse_filter(&query)?;
    let paging = paging.validate(&OU_PAGING)?;
    check_filter_attributes(filter.as_ref())?;
    let declared = state.declared_ids(Declared::OrganizationUnit);
    let composite = state.config().read_only_resources;
    state.stores().directory.read(|directory| {
        let store = &directory.units;
        let all = accessible_units(caller).is_none();
        let units = match accessible_units(caller) {
            None => store.roots(),
            Some(ids) => store
                .all()
                .into_iter()
                .filter(|u| ids.contains(&u.id))
                .collect(),
        };
        let mut units: Vec<_> = units
            .into_iter()
            .filter(|u| filter.as_ref().is_none_or(|f| f.matches(u)))
            .collect();
        // `listAllOrganizationUnits` maps the composite store's limit to OU-1013.
        if composite && all && units.len() > MAX_COMPOSITE_RECORDS {
            return Err(api(ApiErrorCode::OuResultLimitExceeded));
        }
        files_last(&mut units, |u| {
            declared.contains(&u.id).then_some(u.id.as_str())
        });
        Ok(unit_page(units, paging, "/organization-units", &declared))
    })
}

/// `POST /organization-units`: the new unit (201).
pub(crate) fn create_unit(
    state: &AppState,
    caller: &Caller,
    body: &[u8],
) -> Result<OrganizationUnit, MockError> {
    create_unit_as(state, caller, body, None)
}

/// [`create_unit`] under `id` when an import names one.
pub(crate) fn create_unit_as(
    state: &AppState,
    caller: &Caller,
    body: &[u8],
    id: Option<String>,
) -> Result<OrganizationUnit, MockError> {
    let request = read_unit_request(body)?;
    let now = state.now();
    let registry = state.registry();
    let unit = state
        .stores()
        .directory
        .write(|d| create_unit_record(&registry, d, caller, &request, now, id))?;
    Ok(unit_body(&unit))
}

/// `GET /organization-units/{id}`.
pub(crate) fn get_unit(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<OrganizationUnit, MockError> {
    check_access(caller, Action::ReadUnit, id)?;
    state
        .stores()
        .directory
        .read(|d| d.units.get(id).map(unit_body))
        .ok_or_else(|| api(ApiErrorCode::OuNotFound))
}

/// `PUT /organization-units/{id}`: replaces the whole unit.
pub(crate) fn update_unit(
    state: &AppState,
    caller: &Caller,
    id: &str,
    body: &[u8],
) -> Result<OrganizationUnit, MockError> {
    let request = read_unit_request(body)?;
    check_access(caller, Action::UpdateUnit, id)?;
    let now = state.now();
    let registry = state.registry();
    let declarative = state.is_declarative(Declared::OrganizationUnit, id);
    let unit = state.stores().directory.write(|d| {
        if d.units.get(id).is_none() {
            return Err(api(ApiErrorCode::OuNotFound));
        }
        if declarative {
            return Err(api(ApiErrorCode::OuCannotModifyDeclarativeResource));
        }
        update_unit_record(&registry, d, id, &request, now)
    })?;
    Ok(unit_body(&unit))
}

/// `DELETE /organization-units/{id}`.
pub(crate) fn delete_unit(state: &AppState, caller: &Caller, id: &str) -> Result<(), MockError> {
    check_access(caller, Action::DeleteUnit, id)?;
    let declarative = state.is_declarative(Declared::OrganizationUnit, id);
    state.stores().directory.write(|d| {
        if declarative && d.units.get(id).is_some() {
            return Err(api(ApiErrorCode::OuCannotModifyDeclarativeResource));
        }
        d.delete_unit(id).map_err(unit_error)
    })
}

/// `GET /organization-units/{id}/{ous|users|groups|roles}`; any other list is Go's 404 page.
pub(crate) fn list_under(
    state: &AppState,
    caller: &Caller,
    id: &str,
    list: &str,
    query: Option<&str>,
) -> Result<UnitList, MockError> {
    let query = Query::parse(query);
    let list = match list {
        "ous" => return list_children(state, caller, id, &query).map(UnitList::Units),
        "users" => MemberList::Users,
        "groups" => MemberList::Groups,
        "roles" => MemberList::Roles,
        _ => return Err(MockError::NotFound),
    };
    let paging = Paging::parse(&query, &OU_PAGING)?;
    let base = format!("/organization-units/{id}/{}", list.name());
    members::list(state, caller, list, id, &query, paging, &base)
}

/// `GET /organization-units/{id}/ous` (`HandleOUChildrenListRequest`): the filter is parsed before
/// paging; the service then authorizes, checks the filter's attributes, the paging and the unit.
/// In the composite store mode more children (after the filter) than [`MAX_COMPOSITE_RECORDS`]
/// are OU-1013 (`getResourceListWithExistenceCheck` maps the store's limit).
pub(super) fn list_children(
    state: &AppState,
    caller: &Caller,
    id: &str,
    query: &Query,
) -> Result<OrganizationUnitListResponse, MockError> {
    let filter = parse_filter(query)?;
    let paging = Paging::parse(query, &OU_PAGING)?;
    check_access(caller, Action::ListChildUnits, id)?;
    check_filter_attributes(filter.as_ref())?;
    let paging = paging.validate(&OU_PAGING)?;
    let declared = state.declared_ids(Declared::OrganizationUnit);
    let composite = state.config().read_only_resources;
    state.stores().directory.read(|directory| {
        if directory.units.get(id).is_none() {
            return Err(api(ApiErrorCode::OuNotFound));
        }
        let children: Vec<_> = directory
            .units
            .children(id)
            .into_iter()
            .filter(|u| filter.as_ref().is_none_or(|f| f.matches(u)))
            .collect();
        if composite && children.len() > MAX_COMPOSITE_RECORDS {
            return Err(api(ApiErrorCode::OuResultLimitExceeded));
        }
        let mut children = children;
        files_last(&mut children, |u| {
            declared.contains(&u.id).then_some(u.id.as_str())
        });
        let base = format!("/organization-units/{id}/ous");
        Ok(unit_page(children, paging, &base, &declared))
    })
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
