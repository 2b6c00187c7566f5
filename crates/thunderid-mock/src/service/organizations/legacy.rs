//! Organization calls the JS SDKs make that the real server does not serve (mock-only), answered
//! from the organization-unit model:
//!
//! * `GET /api/server/v1/organization-units/{id}/children` (HEAD `getOrganizationUnitChildren`):
//!   the children of a unit, as `GET /organization-units/{id}/ous` (same permissions and errors), in
//!   the SDK's item shape `{id,name,description,parentId,status}`.
//! * The WSO2-style organization APIs of the SDKs before `fe15a52`, where an organization is a unit:
//!   `GET /api/users/v1/me/organizations` (any valid token), `GET|POST /api/server/v1/organizations`
//!   and `GET|PATCH /api/server/v1/organizations/{id}` (permissions as the unit API: `system:ou:view`
//!   to read, `system:ou` to write).
//!
//! Semantics chosen for the legacy calls:
//! * **My organizations**: the unit of the signed-in user and the units below it — its direct
//!   children with `recursive=false` (the SDK's default), its whole subtree with `recursive=true`.
//!   These are also the units the `organization_switch` grant lets the user switch to.
//! * **All organizations**: the units below the accessing organization (the token's `org_id`, set by
//!   a switch), or from the roots when the token names none: the direct level with
//!   `recursive=false`, everything below with `recursive=true`. A caller without `system` sees only
//!   its own unit, as on `GET /organization-units`.
//! * Paging is WSO2's cursors: `limit` (default 10, 1–100, else OU-1010), `after`/`before` (opaque
//!   cursors from `nextCursor` or the `links`; an unknown one, or both, is OU-1011); the page says
//!   `hasMore`, `nextCursor` and `totalCount`. `filter` is WSO2's (`name co x and orgHandle eq y`,
//!   see [`LegacyFilter`]; otherwise OU-1014).
//! * **Create**: `{name, description, orgHandle?, parentId?, type}` makes a unit: the handle is
//!   `orgHandle`, else the name lower-cased with runs of other characters turned into `-`; the parent
//!   is `parentId`, else the accessing organization, else none (a root unit). 201 with the details.
//! * **Patch**: the SDK's array of `{operation, path, value}`: `REPLACE`/`ADD` of `/name`,
//!   `/description` or `/orgHandle`, `REMOVE` of `/description`; anything else is OU-1001.
//!
//! Errors: these SDK versions read an error body as raw text (`ThunderIDAPIError(errorText, …)`) and
//! the HEAD SDK's `parseApiErrorMessage` reads envelope A, so the legacy calls answer envelope A with
//! the `OU-*` code of the same failure on the unit API (AUTH-4010/AUTH-4030/SSE-4030 likewise).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::ids::OrganizationUnitId;
use thunderid_protocol::organizations::{
    CreateOrganizationRequest, Organization, OrganizationDetails, OrganizationListResponse,
    OrganizationPatchKind, OrganizationPatchOperation, OrganizationReference, OrganizationType,
    OrganizationUnitChild, OrganizationUnitChildListResponse, OrganizationUnitRequest,
    OrganizationUnitSettings,
};

use super::filter::LegacyFilter;
use super::{
    Action, Caller, OU_PAGING, Paging, Query, accessible_units, api, check_access,
    create_unit_record, non_empty, sanitize, update_unit_record,
};
use crate::error::MockError;
use crate::state::AppState;
use crate::store::declared::MAX_COMPOSITE_RECORDS;
use crate::store::organizations::{UnitRecord, Units, rfc3339};

/// `status` of every organization: units have no lifecycle.
const ACTIVE: &str = "ACTIVE";
const DEFAULT_LIMIT: usize = 10;
const MAX_LIMIT: usize = 100;
const ORGANIZATIONS: &str = "/api/server/v1/organizations";

/// `GET /api/server/v1/organization-units/{id}/children?limit&offset`.
pub(crate) fn sdk_children(
    state: &AppState,
    caller: &Caller,
    id: &str,
    query: Option<&str>,
) -> Result<OrganizationUnitChildListResponse, MockError> {
    let paging = Paging::parse(&Query::parse(query), &OU_PAGING)?;
    check_access(caller, Action::ListChildUnits, id)?;
    let paging = paging.validate(&OU_PAGING)?;
    let composite = state.config().read_only_resources;
    state.stores().directory.read(|db| {
        if db.units.get(id).is_none() {
            return Err(api(ApiErrorCode::OuNotFound));
        }
        let children = db.units.children(id);
        if composite && children.len() > MAX_COMPOSITE_RECORDS {
            return Err(api(ApiErrorCode::OuResultLimitExceeded));
        }
        let (children, total) = paging.slice(children);
        let organization_units: Vec<OrganizationUnitChild> = children
            .into_iter()
            .map(|unit| OrganizationUnitChild {
                id: OrganizationUnitId::new(unit.id.clone()),
                name: unit.name.clone(),
                description: non_empty(&unit.description),
                parent_id: unit.parent.clone().map(OrganizationUnitId::new),
                status: Some(ACTIVE.to_owned()),
            })
            .collect();
        Ok(OrganizationUnitChildListResponse {
            count: Some(organization_units.len() as u64),
            organization_units,
            total_results: Some(total),
            start_index: Some(paging.start_index()),
        })
    })
}

/// `GET /api/users/v1/me/organizations`: the organizations the signed-in user may switch to.
pub(crate) fn my_organizations(
    state: &AppState,
    caller: &Caller,
    query: Option<&str>,
) -> Result<OrganizationListResponse, MockError> {
    let query = Query::parse(query);
    let request = ListRequest::parse(&query)?;
    let subject = &caller.principal.subject;
    if subject.is_empty() {
        return Err(api(ApiErrorCode::UserAuthenticationFailed));
    }
    state.stores().directory.read(|db| {
        let home = db
            .users
            .get(subject)
            .map(|user| user.ou_id.clone())
            .ok_or_else(|| api(ApiErrorCode::UserNotFound))?;
        let units = member_units(&db.units, &home, request.recursive);
        request.page(state, units, "/api/users/v1/me/organizations")
    })
}

/// The units a member of `home` belongs to: `home` and its children, or its whole subtree.
fn member_units<'a>(store: &'a Units, home: &str, recursive: bool) -> Vec<&'a UnitRecord> {
    if recursive {
        return store.subtree(home);
    }
    let mut units: Vec<&UnitRecord> = store.get(home).into_iter().collect();
    units.extend(store.children(home));
    units
}

/// `GET /api/server/v1/organizations`.
pub(crate) fn list_organizations(
    state: &AppState,
    caller: &Caller,
    query: Option<&str>,
) -> Result<OrganizationListResponse, MockError> {
    let request = ListRequest::parse(&Query::parse(query))?;
    state.stores().directory.read(|db| {
        let store = &db.units;
        let scope = Some(caller.org_id.as_str()).filter(|id| store.get(id).is_some());
        let units: Vec<&UnitRecord> = match (scope, request.recursive) {
            (Some(org), false) => store.children(org),
            (Some(org), true) => store.subtree(org).into_iter().skip(1).collect(),
            (None, false) => store.roots(),
            (None, true) => store
                .roots()
                .into_iter()
                .flat_map(|root| store.subtree(&root.id))
                .collect(),
        };
        let units = match accessible_units(caller) {
            None => units,
            Some(ids) => units.into_iter().filter(|u| ids.contains(&u.id)).collect(),
        };
        request.page(state, units, ORGANIZATIONS)
    })
}

/// `POST /api/server/v1/organizations`: 201 with the new organization's details.
pub(crate) fn create_organization(
    state: &AppState,
    caller: &Caller,
    body: &[u8],
) -> Result<OrganizationDetails, MockError> {
    let request: CreateOrganizationRequest = first_json_value(body)?;
    let request = unit_request(caller, request)?;
    let now = state.now();
    let registry = state.registry();
    let unit = state
        .stores()
        .directory
        .write(|d| create_unit_record(&registry, d, caller, &request, now, None))?;
    Ok(details(state, &unit))
}

/// `GET /api/server/v1/organizations/{id}`.
pub(crate) fn get_organization(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<OrganizationDetails, MockError> {
    check_access(caller, Action::ReadUnit, id)?;
    let unit = state
        .stores()
        .directory
        .read(|d| d.units.get(id).cloned())
        .ok_or_else(|| api(ApiErrorCode::OuNotFound))?;
    Ok(details(state, &unit))
}

/// `PATCH /api/server/v1/organizations/{id}` with the SDK's operations array.
pub(crate) fn patch_organization(
    state: &AppState,
    caller: &Caller,
    id: &str,
    body: &[u8],
) -> Result<OrganizationDetails, MockError> {
    let operations: Vec<OrganizationPatchOperation> = first_json_value(body)?;
    if operations.is_empty() {
        return Err(api(ApiErrorCode::OuInvalidRequestFormat));
    }
    check_access(caller, Action::UpdateUnit, id)?;
    let now = state.now();
    let registry = state.registry();
    let unit = state.stores().directory.write(|d| {
        let existing = d
            .units
            .get(id)
            .ok_or_else(|| api(ApiErrorCode::OuNotFound))?;
        let request = patched(existing, &operations)?;
        update_unit_record(&registry, d, id, &request, now)
    })?;
    Ok(details(state, &unit))
}

/// The query of a legacy list.
#[derive(Debug)]
struct ListRequest {
    limit: usize,
    recursive: bool,
    filter: Option<LegacyFilter>,
    after: Option<String>,
    before: Option<String>,
}

impl ListRequest {
    fn parse(query: &Query) -> Result<Self, MockError> {
        let limit = match query.get("limit").filter(|l| !l.is_empty()) {
            None => DEFAULT_LIMIT,
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|limit| (1..=MAX_LIMIT).contains(limit))
                .ok_or_else(|| api(ApiErrorCode::OuInvalidLimit))?,
        };
        let filter = match query.get("filter").map(str::trim).filter(|f| !f.is_empty()) {
            None => None,
            Some(text) => {
                Some(LegacyFilter::parse(text).map_err(|()| api(ApiErrorCode::OuInvalidFilter))?)
            }
        };
        let cursor = |name: &str| {
            query
                .get(name)
                .filter(|c| !c.is_empty())
                .map(|cursor| {
                    URL_SAFE_NO_PAD
                        .decode(cursor)
                        .ok()
                        .and_then(|bytes| String::from_utf8(bytes).ok())
                        .ok_or_else(|| api(ApiErrorCode::OuInvalidOffset))
                })
                .transpose()
        };
        let (after, before) = (cursor("after")?, cursor("before")?);
        if after.is_some() && before.is_some() {
            return Err(api(ApiErrorCode::OuInvalidOffset));
        }
        Ok(Self {
            limit,
            recursive: query.get("recursive") == Some("true"),
            filter,
            after,
            before,
        })
    }

    /// The page of `units` (filtered) the cursors select, with the cursors to go on.
    fn page(
        &self,
        state: &AppState,
        units: Vec<&UnitRecord>,
        base: &str,
    ) -> Result<OrganizationListResponse, MockError> {
        let units: Vec<&UnitRecord> = units
            .into_iter()
            .filter(|u| self.filter.as_ref().is_none_or(|f| f.matches(u)))
            .collect();
        let position = |id: &String| {
            units
                .iter()
                .position(|u| &u.id == id)
                .ok_or_else(|| api(ApiErrorCode::OuInvalidOffset))
        };
        let (start, end) = match (&self.after, &self.before) {
            (Some(after), _) => {
                let start = position(after)? + 1;
                (start, (start + self.limit).min(units.len()))
            }
            (None, Some(before)) => {
                let end = position(before)?;
                (end.saturating_sub(self.limit), end)
            }
            (None, None) => (0, self.limit.min(units.len())),
        };
        let page = &units[start..end];
        let has_more = end < units.len();
        let next_cursor = page.last().filter(|_| has_more).map(|u| cursor(&u.id));
        let mut links = Vec::new();
        if let Some(next) = &next_cursor {
            links.push(self.link(base, "after", next, "next"));
        }
        if let Some(first) = page.first().filter(|_| start > 0) {
            links.push(self.link(base, "before", &cursor(&first.id), "previous"));
        }
        Ok(OrganizationListResponse {
            organizations: page.iter().map(|unit| summary(state, unit)).collect(),
            has_more: Some(has_more),
            next_cursor,
            total_count: Some(units.len() as u64),
            links: (!links.is_empty()).then_some(links),
        })
    }

    fn link(
        &self,
        base: &str,
        direction: &str,
        cursor: &str,
        rel: &str,
    ) -> thunderid_protocol::organizations::Link {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("limit", &self.limit.to_string());
        query.append_pair("recursive", if self.recursive { "true" } else { "false" });
        query.append_pair(direction, cursor);
        thunderid_protocol::organizations::Link {
            href: format!("{base}?{}", query.finish()),
            rel: rel.to_owned(),
        }
    }
}

/// The opaque cursor of a unit.
fn cursor(id: &str) -> String {
    URL_SAFE_NO_PAD.encode(id)
}

fn reference(state: &AppState, id: &str) -> String {
    state.url(&format!("{ORGANIZATIONS}/{id}"))
}

fn summary(state: &AppState, unit: &UnitRecord) -> Organization {
    Organization {
        id: unit.id.clone(),
        name: unit.name.clone(),
        org_handle: unit.handle.clone(),
        reference: Some(reference(state, &unit.id)),
        status: Some(ACTIVE.to_owned()),
    }
}

fn details(state: &AppState, unit: &UnitRecord) -> OrganizationDetails {
    OrganizationDetails {
        id: unit.id.clone(),
        name: unit.name.clone(),
        org_handle: unit.handle.clone(),
        description: non_empty(&unit.description),
        status: Some(ACTIVE.to_owned()),
        organization_type: Some(OrganizationType::Tenant),
        created: Some(rfc3339(unit.created_at)),
        last_modified: Some(rfc3339(unit.updated_at)),
        parent: unit.parent.as_ref().map(|parent| OrganizationReference {
            id: parent.clone(),
            reference: Some(reference(state, parent)),
        }),
        permissions: None,
        attributes: None,
    }
}

/// The first JSON value of `body` as `T` (Go's `json.Decoder`), or OU-1001.
fn first_json_value<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, MockError> {
    crate::wire::decode_first_json(body).ok_or_else(|| api(ApiErrorCode::OuInvalidRequestFormat))
}

/// The unit a legacy create asks for.
fn unit_request(
    caller: &Caller,
    request: CreateOrganizationRequest,
) -> Result<OrganizationUnitRequest, MockError> {
    if !request.organization_type.is_known() {
        return Err(api(ApiErrorCode::OuInvalidRequestFormat));
    }
    let name = sanitize(&request.name);
    let handle = match request.org_handle.as_deref().map(sanitize) {
        Some(handle) if !handle.is_empty() => handle,
        _ => handle_from_name(&name),
    };
    let parent = request
        .parent_id
        .filter(|p| !p.is_empty())
        .or_else(|| non_empty(&caller.org_id));
    let mut unit = OrganizationUnitRequest::new(handle, name, parent.map(OrganizationUnitId::new));
    unit.description = request
        .description
        .as_deref()
        .map(sanitize)
        .filter(|d| !d.is_empty());
    Ok(unit)
}

/// `Acme Corp.` → `acme-corp`.
fn handle_from_name(name: &str) -> String {
    let mut handle = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            handle.push(c);
        } else if !handle.is_empty() && !handle.ends_with('-') {
            handle.push('-');
        }
    }
    handle.trim_end_matches('-').to_owned()
}

/// The unit `existing` with the operations applied, as a full replacement request.
fn patched(
    existing: &UnitRecord,
    operations: &[OrganizationPatchOperation],
) -> Result<OrganizationUnitRequest, MockError> {
    let invalid = || api(ApiErrorCode::OuInvalidRequestFormat);
    let mut request = OrganizationUnitRequest {
        handle: existing.handle.clone(),
        name: existing.name.clone(),
        description: non_empty(&existing.description),
        parent: existing.parent.clone().map(OrganizationUnitId::new),
        is_registration_flow_enabled: existing.is_registration_flow_enabled,
        is_recovery_flow_enabled: existing.is_recovery_flow_enabled,
        settings: OrganizationUnitSettings::clone(&existing.settings),
    };
    for operation in operations {
        let text = operation
            .value
            .as_ref()
            .and_then(|v| v.as_str())
            .map(sanitize);
        match (&operation.operation, operation.path.as_str()) {
            (OrganizationPatchKind::Replace | OrganizationPatchKind::Add, "/name") => {
                request.name = text.ok_or_else(invalid)?;
            }
            (OrganizationPatchKind::Replace | OrganizationPatchKind::Add, "/orgHandle") => {
                request.handle = text.ok_or_else(invalid)?;
            }
            (OrganizationPatchKind::Replace | OrganizationPatchKind::Add, "/description") => {
                request.description = Some(text.ok_or_else(invalid)?).filter(|d| !d.is_empty());
            }
            (OrganizationPatchKind::Remove, "/description") => request.description = None,
            (
                OrganizationPatchKind::Replace
                | OrganizationPatchKind::Add
                | OrganizationPatchKind::Remove
                | OrganizationPatchKind::Other(_),
                _,
            ) => return Err(invalid()),
        }
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_derived_from_names() {
        assert_eq!(handle_from_name("Acme Corp."), "acme-corp");
        assert_eq!(handle_from_name("  R&D -- Labs "), "r-d-labs");
        assert_eq!(handle_from_name("!!!"), "");
    }
}
