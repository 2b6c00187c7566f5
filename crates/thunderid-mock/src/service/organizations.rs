//! Organizations, two generations over one model ([`crate::store::organizations`]), for
//! `routes::organizations`:
//!
//! * [`units`] and [`tree`]: the real server's organization-unit API (`backend/internal/ou/`):
//!   `/organization-units`, `/organization-units/{id}[/ous|users|groups|roles]` and
//!   `/organization-units/tree/{handle-path}[/…]`.
//! * [`legacy`]: what the JS SDKs call and the real server does not have: the SDK's children path
//!   `/api/server/v1/organization-units/{id}/children`, and the WSO2-style organization APIs of the
//!   SDKs before `fe15a52` (`/api/users/v1/me/organizations`, `/api/server/v1/organizations[/{id}]`).
//!   A legacy "organization" is an organization unit.
//!
//! Authorization is the real server's two layers. The security middleware needs `system:ou:view`
//! to read and `system:ou` to write (`system` covers both): 401 AUTH-4010 without a valid token, 403
//! AUTH-4030 without the permission. Then the service asks the system authorization service
//! (`backend/internal/system/sysauthz/`) per action ([`Action`]): `system` may do anything; other
//! callers need the action's own permission (listing children needs `system:ou`, listing users
//! `system:user:view`, listing groups `system:group:view`) and may only touch their own unit, the
//! token's `ouId` claim (an action without a unit, such as creating a root unit, is allowed). A
//! refusal there is 403 `SSE-4030`. Lists are filtered the same way: a caller without `system`
//! sees only its own unit.
//!
//! The first layer runs in `crate::security` before any of this; the services here take its verified
//! [`Principal`] as a [`Caller`].
//!
//! Errors are envelope A (`OU-*`), statuses as the OU handler maps them; an invalid JSON body is
//! OU-1001, a body failing the request struct's tags (`handle`/`name` required, at most 100 bytes;
//! URIs at most 2048) is the server's `INVALID_INPUT_METADATA` body ([`MockError::FieldValidation`]).

mod filter;
pub(crate) mod legacy;
pub(crate) mod members;
mod request;
pub(crate) mod tree;
pub(crate) mod units;

use serde::Serialize;
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::flow::FlowType;
use thunderid_protocol::ids::OrganizationUnitId;
use thunderid_protocol::organizations::{
    Link, OrganizationUnit, OrganizationUnitGroupListResponse, OrganizationUnitListResponse,
    OrganizationUnitRequest, OrganizationUnitRoleListResponse, OrganizationUnitSummary,
    OrganizationUnitUserListResponse,
};

use crate::error::MockError;
use crate::security::Principal;
use crate::store::directory::Directory;
use crate::store::organizations::{UnitError, UnitRecord, rfc3339};
use crate::store::registry::Registry;

use request::{read_unit_request, sanitize};

/// `serverconst.DefaultPageSize`, used when `limit` is absent or 0.
const DEFAULT_PAGE_SIZE: i64 = 30;
/// `serverconst.MaxPageSize`.
const MAX_PAGE_SIZE: i64 = 100;
/// Permission names (`security.SystemPermissions`).
const OU: &str = "system:ou";
const OU_VIEW: &str = "system:ou:view";
const ROOT: &str = "system";

/// One of a unit's lists.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum UnitList {
    Units(OrganizationUnitListResponse),
    Users(OrganizationUnitUserListResponse),
    Groups(OrganizationUnitGroupListResponse),
    Roles(OrganizationUnitRoleListResponse),
}

/// The caller of an organization API: who, what it may do, and the unit its token names.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    principal: Principal,
    /// The token's `ouId` claim (`security.GetOUID`); empty when absent.
    ou_id: String,
    /// The token's `org_id` claim, set by an organization switch; empty when absent.
    org_id: String,
}

impl Caller {
    /// The caller behind a verified token.
    pub(crate) fn new(principal: &Principal) -> Self {
        let claim = |name: &str| principal.claim(name).unwrap_or_default().to_owned();
        Self {
            ou_id: claim("ouId"),
            org_id: claim("org_id"),
            principal: principal.clone(),
        }
    }
}

/// A system action on organization units (`security.Action`) and the permission it needs
/// (`actionPermissionMap`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Action {
    CreateUnit,
    ReadUnit,
    UpdateUnit,
    DeleteUnit,
    ListUnits,
    ListChildUnits,
    ReadUser,
    ReadGroup,
}

impl Action {
    fn permission(self) -> &'static str {
        match self {
            Self::CreateUnit | Self::UpdateUnit | Self::DeleteUnit | Self::ListChildUnits => OU,
            Self::ReadUnit | Self::ListUnits => OU_VIEW,
            Self::ReadUser => "system:user:view",
            Self::ReadGroup => "system:group:view",
        }
    }
}

/// `checkOUAccess`: `IsActionAllowed` with the OU-membership policy, 403 SSE-4030 when refused.
pub(super) fn check_access(
    caller: &Caller,
    action: Action,
    unit_id: &str,
) -> Result<(), MockError> {
    let principal = &caller.principal;
    let allowed = !principal.subject.is_empty()
        && (principal.permissions.iter().any(|p| p == ROOT)
            || (principal.has_permission(action.permission())
                && (unit_id.is_empty() || caller.ou_id == unit_id)));
    if allowed {
        Ok(())
    } else {
        Err(api(ApiErrorCode::ServerUnauthorized))
    }
}

/// `GetAccessibleResources` for listing units: `None` means every unit, otherwise only these ids.
pub(super) fn accessible_units(caller: &Caller) -> Option<Vec<String>> {
    let principal = &caller.principal;
    if principal.subject.is_empty() {
        return Some(Vec::new());
    }
    if principal.permissions.iter().any(|p| p == ROOT) {
        return None;
    }
    if !principal.has_permission(Action::ListUnits.permission()) || caller.ou_id.is_empty() {
        return Some(Vec::new());
    }
    Some(vec![caller.ou_id.clone()])
}

pub(super) fn api(code: ApiErrorCode) -> MockError {
    MockError::api(code)
}

pub(super) fn unit_error(error: UnitError) -> MockError {
    api(match error {
        UnitError::NotFound => ApiErrorCode::OuNotFound,
        UnitError::ParentNotFound => ApiErrorCode::OuParentNotFound,
        UnitError::Circular => ApiErrorCode::OuCircularDependency,
        UnitError::NameConflict => ApiErrorCode::OuNameConflict,
        UnitError::HandleConflict => ApiErrorCode::OuHandleConflict,
        UnitError::HasDependents => ApiErrorCode::OuCannotDelete,
    })
}

/// The query string as Go's `r.URL.Query()` reads it (first value wins).
#[derive(Debug, Default)]
pub(super) struct Query(Vec<(String, String)>);

impl Query {
    pub(super) fn parse(raw: Option<&str>) -> Self {
        Self(
            url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        )
    }

    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// `limit` and `offset` as the handler parses them (`strconv.Atoi`; a `limit` of 0 or none is 30).
/// Their ranges are checked later, by [`Paging::validate`].
#[derive(Debug, Clone, Copy)]
pub(super) struct Paging {
    limit: i64,
    offset: i64,
}

impl Paging {
    pub(super) fn parse(query: &Query) -> Result<Self, MockError> {
        let number = |name: &str, error: ApiErrorCode| match query.get(name) {
            None | Some("") => Ok(0),
            Some(text) => text.parse::<i64>().map_err(|_| api(error)),
        };
        let limit = number("limit", ApiErrorCode::OuInvalidLimit)?;
        let offset = number("offset", ApiErrorCode::OuInvalidOffset)?;
        let limit = if limit == 0 { DEFAULT_PAGE_SIZE } else { limit };
        Ok(Self { limit, offset })
    }

    /// `validatePaginationParams`: 1 ≤ limit ≤ 100, offset ≥ 0.
    pub(super) fn validate(self) -> Result<Self, MockError> {
        if !(1..=MAX_PAGE_SIZE).contains(&self.limit) {
            return Err(api(ApiErrorCode::OuInvalidLimit));
        }
        if self.offset < 0 {
            return Err(api(ApiErrorCode::OuInvalidOffset));
        }
        Ok(self)
    }

    /// This page of `items`, and the total.
    pub(super) fn slice<T>(self, items: Vec<T>) -> (Vec<T>, u64) {
        let total = items.len() as u64;
        let offset = usize::try_from(self.offset).unwrap_or(usize::MAX);
        let limit = usize::try_from(self.limit).unwrap_or(0);
        (items.into_iter().skip(offset).take(limit).collect(), total)
    }

    pub(super) fn start_index(self) -> u64 {
        u64::try_from(self.offset).unwrap_or_default() + 1
    }

    /// `BuildPaginationLinks(base, limit, offset, total, extra)`.
    pub(super) fn links(self, base: &str, total: u64, extra: &str) -> Vec<Link> {
        let (limit, offset) = (self.limit, self.offset);
        let total = i64::try_from(total).unwrap_or(i64::MAX);
        let link = |offset: i64, rel: &str| Link {
            href: format!("{base}?offset={offset}&limit={limit}{extra}"),
            rel: rel.to_owned(),
        };
        let mut links = Vec::new();
        if limit <= 0 {
            return links;
        }
        if offset > 0 {
            links.push(link(0, "first"));
            links.push(link((offset - limit).max(0), "prev"));
        }
        if offset.saturating_add(limit) < total {
            links.push(link(offset.saturating_add(limit), "next"));
        }
        // Go's integer division truncates toward zero, so an empty list has its last page at 0.
        let last = (total - 1) / limit * limit;
        if offset < last {
            links.push(link(last, "last"));
        }
        links
    }
}

/// A page of units as `OrganizationUnitListResponse`.
pub(super) fn unit_page(
    units: Vec<&UnitRecord>,
    paging: Paging,
    base: &str,
) -> OrganizationUnitListResponse {
    let (page, total) = paging.slice(units);
    OrganizationUnitListResponse {
        total_results: total,
        start_index: paging.start_index(),
        count: page.len() as u64,
        organization_units: page.into_iter().map(summary).collect(),
        links: paging.links(base, total, ""),
    }
}

/// A unit as the single-unit calls return it.
pub(super) fn unit_body(unit: &UnitRecord) -> OrganizationUnit {
    OrganizationUnit {
        id: OrganizationUnitId::new(unit.id.clone()),
        handle: unit.handle.clone(),
        name: unit.name.clone(),
        description: non_empty(&unit.description),
        parent: unit.parent.clone().map(OrganizationUnitId::new),
        is_registration_flow_enabled: unit.is_registration_flow_enabled,
        is_recovery_flow_enabled: unit.is_recovery_flow_enabled,
        settings: unit.settings.clone(),
        created_at: rfc3339(unit.created_at),
        updated_at: rfc3339(unit.updated_at),
    }
}

/// A unit as a list item (`OrganizationUnitBasic`; every unit is mutable, so never read-only).
pub(super) fn summary(unit: &UnitRecord) -> OrganizationUnitSummary {
    OrganizationUnitSummary::from(&unit_body(unit))
}

pub(super) fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

/// `CreateOrganizationUnit` after the handler: name and handle, authorization on the parent, the
/// parent's existence, the default flows, then the store (sibling conflicts).
pub(super) fn create_unit_record(
    registry: &Registry,
    directory: &mut Directory,
    caller: &Caller,
    request: &OrganizationUnitRequest,
    now: u64,
) -> Result<UnitRecord, MockError> {
    check_names(request)?;
    let parent = request
        .parent
        .as_ref()
        .map(|p| p.as_str())
        .unwrap_or_default();
    check_access(caller, Action::CreateUnit, parent)?;
    if request.parent.is_some() && directory.units.get(parent).is_none() {
        return Err(api(ApiErrorCode::OuParentNotFound));
    }
    check_flows(registry, request)?;
    directory.units.create(request, now).map_err(unit_error)
}

/// `updateOUInternal`: name and handle, the default flows, then the store (parent, cycle,
/// conflicts). The caller has checked authorization and that the unit exists.
pub(super) fn update_unit_record(
    registry: &Registry,
    directory: &mut Directory,
    id: &str,
    request: &OrganizationUnitRequest,
    now: u64,
) -> Result<UnitRecord, MockError> {
    check_names(request)?;
    check_flows(registry, request)?;
    directory.units.update(id, request, now).map_err(unit_error)
}

/// `validateOUName` and `validateOUHandle` on the sanitized request: OU-1001.
fn check_names(request: &OrganizationUnitRequest) -> Result<(), MockError> {
    let handle = request.handle.trim();
    if request.name.trim().is_empty() || handle.is_empty() || handle.contains('/') {
        return Err(api(ApiErrorCode::OuInvalidRequestFormat));
    }
    Ok(())
}

/// `validateDefaultFlows`: each default flow id, when set, names a fixture flow of its type.
fn check_flows(registry: &Registry, request: &OrganizationUnitRequest) -> Result<(), MockError> {
    let settings = &request.settings;
    let checks = [
        (
            &settings.auth_flow_id,
            FlowType::Authentication,
            ApiErrorCode::OuInvalidAuthFlowId,
        ),
        (
            &settings.registration_flow_id,
            FlowType::Registration,
            ApiErrorCode::OuInvalidRegistrationFlowId,
        ),
        (
            &settings.recovery_flow_id,
            FlowType::Recovery,
            ApiErrorCode::OuInvalidRecoveryFlowId,
        ),
        (
            &settings.sign_out_flow_id,
            FlowType::SignOut,
            ApiErrorCode::OuInvalidSignOutFlowId,
        ),
        (
            &settings.user_onboarding_flow_id,
            FlowType::UserOnboarding,
            ApiErrorCode::OuInvalidUserOnboardingFlowId,
        ),
    ];
    for (flow_id, flow_type, error) in checks {
        let Some(flow_id) = flow_id.as_deref().filter(|id| !id.is_empty()) else {
            continue;
        };
        let exists = registry
            .flow(flow_id)
            .is_some_and(|flow| flow.flow_type == flow_type);
        if !exists {
            return Err(api(error));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paging(limit: i64, offset: i64) -> Paging {
        Paging { limit, offset }
    }

    fn rels(links: &[Link]) -> Vec<(&str, &str)> {
        links
            .iter()
            .map(|l| (l.rel.as_str(), l.href.as_str()))
            .collect()
    }

    #[test]
    fn pagination_links_are_the_servers() {
        assert!(paging(30, 0).links("/ou", 0, "").is_empty());
        assert!(paging(2, 0).links("/ou", 2, "").is_empty());
        assert_eq!(
            rels(&paging(2, 0).links("/ou", 5, "")),
            [
                ("next", "/ou?offset=2&limit=2"),
                ("last", "/ou?offset=4&limit=2")
            ]
        );
        assert_eq!(
            rels(&paging(2, 3).links("/ou", 5, "&include=display")),
            [
                ("first", "/ou?offset=0&limit=2&include=display"),
                ("prev", "/ou?offset=1&limit=2&include=display"),
                ("last", "/ou?offset=4&limit=2&include=display"),
            ]
        );
        assert_eq!(
            rels(&paging(2, 9).links("/ou", 5, "")),
            [
                ("first", "/ou?offset=0&limit=2"),
                ("prev", "/ou?offset=7&limit=2")
            ]
        );
    }
}
